"""Forgotten passwords: an emailed link, single use and good for an hour, that lets an organiser or judge choose a
new password.

The link is one of core.links' single-use links (only a digest of its nonce is stored; using it is atomic, so of two
requests racing with one link exactly one wins; a newer link replaces an older one), sealed with the account's
credentials stamp: a password or two-factor change made anywhere else, after the link was sent, breaks the seal, so
the link stops working without a table or column of its own.

Asking says nothing about whether an account uses the address: the caller answers the same either way, and an
address without an account costs the same signing, sealing and rendering as one with (the email itself goes out
after the commit, from the worker), so that the response time does not tell either.
"""
from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta
from types import SimpleNamespace

from flask import current_app, render_template

from awards_app.accounts.models import User
from awards_app.accounts.users import (
    check_password_rules,
    credentials_stamp,
    find_user_by_email,
    normalise_email,
    set_password,
)
from awards_app.core import clock, links
from awards_app.core.audit import record_event
from awards_app.core.links import LinkProblem
from awards_app.core.outbox import queue_email, without_links
from awards_app.core.public_urls import public_url
from awards_app.extensions import db

PURPOSE = "password-reset"
LIFETIME = timedelta(hours=1)
EMAIL_TEMPLATE = "password_reset"
EMAIL_SUBJECT = "Reset your password for the Self Management Awards"
SEAL_LABEL = b"awards-app/password-reset-seal/v1"
# Stands in for the account when the address has none, so that its stamp and seal cost the same.
_NOBODY = SimpleNamespace(password_hash=None, totp_secret=None)


def may_reset(user: User | None) -> bool:
    """Only an active organiser or judge may reset a password; a removed or switched-off account gets nothing."""
    return user is not None and user.active and (user.is_organiser or user.is_judge)


def _seal(link_token: str, stamp: str, secret) -> str:
    """A keyed digest binding a link's token to the credentials the account had when the link was sent."""
    secret = secret.encode() if isinstance(secret, str) else bytes(secret)
    key = hmac.new(secret, SEAL_LABEL, hashlib.sha256).digest()
    return hmac.new(key, f"{link_token}:{stamp}".encode(), hashlib.sha256).hexdigest()[:32]


def _sealed(link_token: str, stamp: str) -> str:
    """The token that goes in the emailed link: the link's own token, a dot, and the seal (under the current key)."""
    return f"{link_token}.{_seal(link_token, stamp, current_app.config['SECRET_KEY'])}"


def _email_context(user: User | None, token: str) -> dict:
    """What the email's templates are given (for no account, the same shape, so rendering costs the same)."""
    return {
        "name": user.name if user is not None else "",
        "link": public_url("auth.reset_password", token=token),
        "request_link": public_url("auth.forgotten_password"),
        "expires_at": clock.now() + LIFETIME,
        "minutes": int(LIFETIME.total_seconds() // 60),
        "base_url": current_app.config["PUBLIC_BASE_URL"],
    }


def request_password_reset(email: str) -> None:
    """Email a link to reset the password if an active organiser or judge has this address; otherwise do the same
    work and queue nothing. Refuses (DomainError) only what is not an email address at all."""
    address = normalise_email(email)
    user = find_user_by_email(address)
    if not may_reset(user):
        # What sending would have cost: a signed token, its seal, and both parts of the email rendered and defused.
        token = _sealed(links.new_token(PURPOSE)[0], credentials_stamp(_NOBODY))
        context = _email_context(None, token)
        for part in ("txt", "html"):
            without_links(render_template(f"emails/{EMAIL_TEMPLATE}.{part}", subject=EMAIL_SUBJECT, **context))
        record_event(None, "password.reset_requested")  # no address kept: it may be anyone's, or not one at all
        return
    token = _sealed(links.issue_link(PURPOSE, user, clock.now() + LIFETIME), credentials_stamp(user))
    queue_email(user.email, EMAIL_SUBJECT, EMAIL_TEMPLATE, **_email_context(user, token))
    record_event(None, "password.reset_requested", user)


def _split(token: str) -> tuple[str, str]:
    """The link's own token and the seal; a token without a seal is not one of ours."""
    link_token, dot, seal = (token or "").rpartition(".")
    if not dot or not link_token or not seal:
        raise LinkProblem("tampered")
    return link_token, seal


def _user_behind(link_token: str, seal: str, checked: links.CheckedLink) -> User:
    """The account a checked link is for, while it may reset its password and its credentials are those sealed."""
    user = db.session.get(User, checked.subject_id)
    if not may_reset(user):
        raise LinkProblem("tampered")
    keys = (current_app.config["SECRET_KEY"], *(current_app.config.get("SECRET_KEY_FALLBACKS") or []))
    stamp = credentials_stamp(user)
    if not any(hmac.compare_digest(seal, _seal(link_token, stamp, key)) for key in keys):
        raise LinkProblem("changed")  # the password (or two-factor) changed since the link was sent, or a bad seal
    return user


def user_for_reset_link(token: str) -> User:
    """The account a reset link is for, without using the link up (raises LinkProblem)."""
    link_token, seal = _split(token)
    return _user_behind(link_token, seal, links.check_link(PURPOSE, link_token))


def reset_password(token: str, new_password: str) -> User:
    """Set a new password through a reset link, which then stops working; every session of the account ends.

    The password is checked before the link is used, so that a refused password leaves the link working. Nobody is
    signed in here: the person then signs in as usual, with their two-factor code where they use one.
    """
    user = user_for_reset_link(token)
    check_password_rules(new_password, field="new_password", email=user.email, name=user.name)
    link_token, seal = _split(token)
    user = _user_behind(link_token, seal, links.use_link(PURPOSE, link_token))
    set_password(user, new_password)  # ends every sign-in session, in every browser
    record_event(user, "password.reset", user)
    return user
