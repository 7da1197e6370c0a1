"""Two-factor sign-in with time-based codes (TOTP, RFC 6238) from an authenticator app.

A person sets it up by adding the secret to their app and typing one code back; from then on, signing in asks for a
code after the password. A code works once: the time-step of the last code accepted is kept, and only a later one
passes. The site requires it of every organiser (ORGANISERS_NEED_TWO_FACTOR, on by default in production); another
organiser can reset it for someone who has lost their phone.
"""
from __future__ import annotations

import hmac
import re

import pyotp
from flask import current_app
from sqlalchemy import or_, select, update

from awards_app.accounts.models import Role, User
from awards_app.accounts.users import end_every_session
from awards_app.core import clock
from awards_app.core.audit import record_event
from awards_app.core.errors import DomainError, NotAllowed
from awards_app.extensions import db
from awards_app.permissions import is_organiser, is_someone_else

ISSUER = "Self Management Awards"
CODE_DIGITS = 6
# Codes from one step before or after now pass too: phones' clocks drift, and people take a moment to type.
DRIFT_STEPS = 1

ENTER_CODE = "Enter the 6-digit code from your authenticator app"
WRONG_CODE = "The code is not right. Check the code your authenticator app shows for the Self Management Awards now"
USED_CODE = "That code has been used already. Wait for your authenticator app to show a new code, then enter that"


def _clean_code(code: str | None) -> str:
    """The code as digits only (people type spaces in '123 456'); refuse anything that is not 6 digits."""
    digits = re.sub(r"[\s-]", "", code or "")
    if not re.fullmatch(rf"\d{{{CODE_DIGITS}}}", digits):
        raise DomainError(ENTER_CODE, field="code")
    return digits


def _accept_code(user: User, code: str | None, during: str) -> None:
    """Accept a code of the user's secret once: record its time-step, or raise DomainError (wrong, or used before),
    audited as a failed attempt `during` set-up, turning off or sign-in.

    The step is recorded with a conditional UPDATE, so that two requests racing with the same code cannot both pass.
    """
    try:
        _claim_step(user, _clean_code(code))
    except DomainError:
        record_event(None, "account.two_factor_failed", user, email=user.email, during=during)
        raise


def _claim_step(user: User, digits: str) -> None:
    """Record the time-step the digits belong to (within the drift allowed), or raise DomainError."""
    totp = pyotp.TOTP(user.totp_secret)
    now_step = totp.timecode(clock.now())
    for step in range(now_step - DRIFT_STEPS, now_step + DRIFT_STEPS + 1):
        if hmac.compare_digest(totp.generate_otp(step), digits):
            claimed = db.session.execute(
                update(User)
                .where(User.id == user.id, or_(User.totp_last_step.is_(None), User.totp_last_step < step))
                .values(totp_last_step=step)
                .execution_options(synchronize_session=False)
            )
            db.session.expire(user, ["totp_last_step"])
            if claimed.rowcount != 1:
                raise DomainError(USED_CODE, field="code")
            return
    raise DomainError(WRONG_CODE, field="code")


# --- Setting it up ------------------------------------------------------------------------------------------------


def pending_secret(user: User) -> str:
    """The secret the person is adding to their app: made now if set-up has not started (refused once it is on)."""
    if user.has_two_factor:
        raise DomainError("Two-factor sign-in is already set up for your account")
    if not user.totp_secret:
        user.totp_secret = pyotp.random_base32(32)  # 160 bits, as RFC 4226 recommends
        user.totp_last_step = None
    return user.totp_secret


def set_up_uri(user: User) -> str:
    """The otpauth:// address that authenticator apps read (as a link or a QR code) to add the account."""
    return pyotp.TOTP(user.totp_secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def confirm_set_up(user: User, code: str | None) -> None:
    """Turn two-factor sign-in on once the person has typed a code their app made from the secret."""
    if user.has_two_factor:
        raise DomainError("Two-factor sign-in is already set up for your account")
    if not user.totp_secret:
        raise DomainError("Start setting up two-factor sign-in again", field="code")
    _accept_code(user, code, during="set-up")
    user.two_factor_since = clock.now()
    record_event(user, "account.two_factor_set_up", user)


def turn_off(user: User, code: str | None) -> None:
    """The person stops using two-factor sign-in (proving it with a code); organisers may not while it is required."""
    if not user.has_two_factor:
        raise DomainError("Two-factor sign-in is not set up for your account")
    if user.is_organiser and organisers_must_use_two_factor():
        raise NotAllowed("Organisers must use two-factor sign-in, so you cannot turn it off", field="code")
    _accept_code(user, code, during="turning off")
    _forget(user)
    record_event(user, "account.two_factor_turned_off", user)


def _forget(user: User) -> None:
    """Clear the secret and everything about it."""
    user.totp_secret = None
    user.two_factor_since = None
    user.totp_last_step = None


# --- Signing in ---------------------------------------------------------------------------------------------------


def check_sign_in_code(user: User, code: str | None) -> None:
    """The second step of signing in: accept the code (audited as used) or raise DomainError (audited as failed)."""
    if not user.has_two_factor:
        raise DomainError("Two-factor sign-in is not set up for this account")
    _accept_code(user, code, during="sign-in")
    record_event(user, "account.two_factor_used", user)


# --- The organisers' rule and recovery ----------------------------------------------------------------------------


def organisers_must_use_two_factor() -> bool:
    """Whether the site requires two-factor sign-in of every organiser, whichever edition is current."""
    return bool(current_app.config.get("ORGANISERS_NEED_TWO_FACTOR"))


def must_set_up_first(user: User) -> bool:
    """An organiser without two-factor sign-in while it is required: they set it up before anything else."""
    return user.is_organiser and not user.has_two_factor and organisers_must_use_two_factor()


def accounts_for_security_page() -> list[User]:
    """Organisers, then judges who use two-factor sign-in, by address: the people whose sign-in the page shows (those
    who can sign in: not someone removed from the team, nor a colleague invited who has not joined yet)."""
    query = select(User).where(
        or_(User.role == Role.ORGANISER, User.two_factor_since.is_not(None)),
        User.active.is_(True), User.password_hash.is_not(None),
    )
    return sorted(db.session.scalars(query), key=lambda user: (not user.is_organiser, user.email))


def reset(actor: User, user: User) -> None:
    """Another organiser switches off someone's two-factor sign-in (they lost their phone); audited, and every
    session of that person ends, so that whoever holds their old phone or browser is out too."""
    is_organiser.require(actor)
    is_someone_else.require(actor, user, refusal="Another organiser must reset your two-factor sign-in")
    if not user.has_two_factor and not user.totp_secret:
        raise DomainError(f"{user.email} does not use two-factor sign-in")
    _forget(user)
    ended = end_every_session(user)
    record_event(actor, "account.two_factor_reset", user, email=user.email, sessions_ended=ended)
