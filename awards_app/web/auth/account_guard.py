"""Slowing down guesses at one account's password without letting a stranger lock its owner out.

Wrong passwords for one address are counted whoever sends them, from any client address (SIGN_IN_LIMITS_PER_ADDRESS).
Refusing the address once that allowance is spent would hand anyone who knows the address a way to keep its owner
out (on the ceremony night, away from the reveal controls). Instead, while it is spent the address is *guarded*:

- a browser that has signed in to this account before (a "known browser", recognised by a signed cookie) still signs
  in with the password alone; it has an allowance of wrong passwords of its own, so a shared computer does not make
  guessing free;
- anyone else must give the password and the code from their authenticator app together. The answer never says which
  of the two was wrong, so the guarded form cannot be used to find out the password; wrong codes for an account are
  counted too (SIGN_IN_CODE_LIMITS_PER_ACCOUNT), but only someone who has its password can spend those.

The counters live in the limiter's storage (Redis in production), next to the route limits of the same names.
"""
from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app, request
from itsdangerous import BadData, URLSafeTimedSerializer
from limits import parse_many

from awards_app.accounts.models import User
from awards_app.accounts.users import credentials_stamp
from awards_app.extensions import limiter
from awards_app.web.rate_limits import address_key, limit

log = logging.getLogger(__name__)

SCOPE = "sign-in-guard"
KNOWN_BROWSER_SALT = "known-sign-in-browser"
# Long enough to cover the months between one year's awards and the next; a password change forgets every browser.
KNOWN_BROWSER_LIFETIME = timedelta(days=400)

GUARDED_MESSAGE = (
    "There have been too many wrong passwords for this account in the last few minutes, so a password alone is not "
    "enough to sign in for now. Enter your password again with the 6-digit code from your authenticator app. If you "
    "do not use two-factor sign-in, sign in from a browser you have signed in with before; judges can also ask for a "
    "sign-in link by email (below), and the newest link in their inbox works"
)


@dataclass(frozen=True)
class Allowance:
    """Which allowance of wrong passwords a sign-in attempt counts against, and whether it is spent."""

    key: str
    spent: bool


def _cookie_name() -> str:
    """The __Host- prefix pins the cookie to this host over HTTPS, as for the session cookie."""
    return "__Host-known-browser" if current_app.config["SESSION_COOKIE_SECURE"] else "known-browser"


def _serializer() -> URLSafeTimedSerializer:
    """Signs the cookie with the site's secret, for this purpose only."""
    return URLSafeTimedSerializer(current_app.secret_key, salt=KNOWN_BROWSER_SALT)


def remember_browser(response, user: User):
    """After a complete sign-in, mark this browser as one the person uses (a signed cookie naming no address)."""
    token = _serializer().dumps({"user": user.id, "stamp": credentials_stamp(user), "browser": secrets.token_urlsafe(12)})
    response.set_cookie(
        _cookie_name(), token, max_age=int(KNOWN_BROWSER_LIFETIME.total_seconds()), path="/",
        secure=current_app.config["SESSION_COOKIE_SECURE"], httponly=True, samesite="Lax",
    )
    return response


def _known_browser(user: User | None) -> str | None:
    """The id of this browser when it has signed in to the user's account since their password last changed."""
    raw = request.cookies.get(_cookie_name())
    if user is None or not raw:
        return None
    try:
        data = _serializer().loads(raw, max_age=int(KNOWN_BROWSER_LIFETIME.total_seconds()))
    except BadData:
        return None
    if not isinstance(data, dict) or data.get("user") != user.id or data.get("stamp") != credentials_stamp(user):
        return None
    return str(data.get("browser") or "") or None


def _limits_on() -> bool:
    """Whether this app counts rate limits at all (a server started with RATELIMIT_ENABLED=False has no storage)."""
    return current_app.config.get("RATELIMIT_ENABLED", True)


def _spent(name: str, key: str) -> bool:
    """Whether the allowance called `name` in LIMITS is used up for this key (nothing is counted by asking)."""
    if not _limits_on():
        return False
    try:
        return not all(limiter.limiter.test(item, key, SCOPE) for item in parse_many(limit(name)()))
    except Exception:  # noqa: BLE001  (storage gone mid-request: the per-client limit still stands)
        log.warning("could not read the sign-in allowance %s", name, exc_info=True)
        return False


def _spend(name: str, key: str) -> None:
    """Count one failure against the allowance called `name` for this key."""
    if not _limits_on():
        return
    try:
        for item in parse_many(limit(name)()):
            limiter.limiter.hit(item, key, SCOPE)
    except Exception:  # noqa: BLE001  (as in _spent)
        log.warning("could not count against the sign-in allowance %s", name, exc_info=True)


def password_allowance(address: str | None, user: User | None) -> Allowance:
    """The allowance a password attempt for this address counts against: the known browser's own, or the address's."""
    browser = _known_browser(user)
    key = f"sign-in-browser:{browser}" if browser else address_key("sign-in", address)
    return Allowance(key=key, spent=_spent("SIGN_IN_LIMITS_PER_ADDRESS", key))


def wrong_password(allowance: Allowance) -> None:
    """Count a wrong password against its allowance."""
    _spend("SIGN_IN_LIMITS_PER_ADDRESS", allowance.key)


def codes_spent(user: User) -> bool:
    """Whether the account's allowance of wrong codes on the guarded form is used up."""
    return _spent("SIGN_IN_CODE_LIMITS_PER_ACCOUNT", f"sign-in-code:{user.id}")


def wrong_code(user: User) -> None:
    """Count a wrong code given with the right password on the guarded form."""
    _spend("SIGN_IN_CODE_LIMITS_PER_ACCOUNT", f"sign-in-code:{user.id}")
