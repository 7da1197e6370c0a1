"""Who a voter is, without keeping who they are: the canonical address, its keyed hash, and the address checks.

One person may write their address in several ways that reach the same inbox (Jo.Bloggs+vote@googlemail.com and
jobloggs@gmail.com). The canonical address folds those together, following each provider's own rules (the table in
core/email_providers.py), and the voter key is an HMAC of it under a secret pepper: the database can tell that two
votes came from one address without holding the address itself.
"""
from __future__ import annotations

import hashlib
import hmac

from disposable_email_domains import blocklist as DISPOSABLE_DOMAINS
from email_validator import EmailNotValidError, validate_email
from flask import current_app

from awards_app.core.columns import EMAIL_LENGTH
from awards_app.core.email_providers import (
    canonical_address,
    domain_and_parents,
    is_alias_service,
    split_address,
)
from awards_app.core.errors import DomainError

try:  # the package ships an allowlist of domains wrongly reported as disposable (empty in some releases)
    from disposable_email_domains import allowlist as ALLOWED_DOMAINS
except ImportError:  # pragma: no cover - older releases have no allowlist
    ALLOWED_DOMAINS = set()

# Mixed into SECRET_KEY when no VOTER_KEY_PEPPER is set, so that the pepper differs from every other use of the key.
PEPPER_LABEL = b"awards-app/voter-key-pepper/v1"


def pepper() -> bytes:
    """The secret pepper: VOTER_KEY_PEPPER, or one derived from SECRET_KEY when that is not set."""
    configured = current_app.config.get("VOTER_KEY_PEPPER")
    if configured:
        return configured.encode() if isinstance(configured, str) else bytes(configured)
    secret = current_app.config["SECRET_KEY"]
    secret = secret.encode() if isinstance(secret, str) else bytes(secret)
    return hmac.new(secret, PEPPER_LABEL, hashlib.sha256).digest()


def voter_key(email: str | None) -> str:
    """The voter key of an address: HMAC-SHA256 of its canonical form under the pepper, as 64 hex digits."""
    return hmac.new(pepper(), canonical_address(email).encode(), hashlib.sha256).hexdigest()


def address_domain(email: str | None) -> str:
    """The domain of the canonical address (googlemail.com counts as gmail.com, pm.me as proton.me), for fraud
    checks."""
    return split_address(canonical_address(email))[1]


def is_disposable(domain: str) -> bool:
    """Whether a domain, or a domain it belongs to, hands out throwaway addresses (unless it is allowlisted)."""
    domain = domain.lower().rstrip(".")
    if domain in ALLOWED_DOMAINS:
        return False
    # mail.throwaway.example is as disposable as throwaway.example; a bare top-level domain never matches.
    return any(parent in DISPOSABLE_DOMAINS for parent in domain_and_parents(domain))


def check_voter_address(email: str | None) -> str:
    """The address in its normal form if a vote may use it; otherwise DomainError (field "email") saying why (a
    mistake, too long, a disposable domain, or an alias service that gives out any number of addresses)."""
    text = (email or "").strip()
    if not text:
        raise DomainError("Enter your email address", field="email")
    if len(text) > EMAIL_LENGTH:
        raise DomainError(f"Your email address must be {EMAIL_LENGTH} characters or fewer", field="email")
    try:
        # Syntax only: a DNS look-up per vote would be slow, and would fail for everyone when DNS has a bad day.
        checked = validate_email(text, check_deliverability=False)
    except EmailNotValidError as error:
        raise DomainError(
            f"Enter your email address in the correct format, like name@example.com. {error}", field="email"
        ) from None
    # The list spells internationalised domains in their ASCII (xn--) form.
    if is_disposable(checked.ascii_domain):
        raise DomainError(
            f"We cannot accept addresses at {checked.domain}, because it gives out short-lived addresses. "
            "Use an email address that you keep, such as your personal or work address.",
            field="email",
        )
    if is_alias_service(checked.ascii_domain):
        # Each alias is a new address for one inbox, so an alias cannot stand for one person (core/email_providers.py).
        raise DomainError(
            f"We cannot accept addresses at {checked.domain}, because it gives out a new address whenever you ask, "
            "so it cannot show that each person votes once. Use an email address that you keep, such as your "
            "personal or work address.",
            field="email",
        )
    return checked.normalized
