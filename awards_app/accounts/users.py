"""Accounts of organisers and judges: creation, passwords and sign-in sessions."""
from __future__ import annotations

import hashlib
import secrets

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import select, update

from awards_app.accounts.models import Role, SignInSession, User
from awards_app.accounts.passwords import guessability_problem, hash_password, password_matches
from awards_app.core import clock
from awards_app.core.audit import record_event
from awards_app.core.columns import EMAIL_LENGTH
from awards_app.core.errors import DomainError
from awards_app.extensions import db

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 256



def normalise_email(address: str, field: str = "email") -> str:
    """Check an address's syntax (no DNS look-ups) and return it in the form we store."""
    try:
        result = validate_email((address or "").strip(), check_deliverability=False)
    except EmailNotValidError as error:
        raise DomainError(f"Enter a valid email address: {error}", field=field) from None
    return result.normalized.lower()


def check_password_rules(password: str, field: str = "password", *, email: str = "", name: str = "") -> None:
    """Refuse passwords that are too short, absurdly long, or easy to guess (common, or made of the person's name
    or address, or of the site's name)."""
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise DomainError(f"Password must be at least {MIN_PASSWORD_LENGTH} characters long", field=field)
    if len(password) > MAX_PASSWORD_LENGTH:
        raise DomainError(f"Password must be at most {MAX_PASSWORD_LENGTH} characters long", field=field)
    problem = guessability_problem(password, email=email, name=name)
    if problem:
        raise DomainError(f"Choose a password that is harder to guess: {problem}", field=field)


def find_user_by_email(address: str) -> User | None:
    """The account with this address, if any."""
    address = address.strip().lower()
    if "\x00" in address:
        return None  # no address holds a NUL, and PostgreSQL refuses one in a query's text
    return db.session.scalar(select(User).where(User.email == address))


def create_organiser(email: str, password: str, name: str = "") -> User:
    """Create an organiser account (or refuse a duplicate address)."""
    address = normalise_email(email)
    check_password_rules(password, email=address, name=name)
    if find_user_by_email(address) is not None:
        raise DomainError(f"There is already an account for {address}", field="email")
    user = User(email=address, name=name.strip(), role=Role.ORGANISER, password_hash=hash_password(password))
    db.session.add(user)
    db.session.flush()
    record_event(None, "organiser.created", user, email=address)
    return user


def authenticate(email: str, password: str) -> User | None:
    """The active account whose address and password match, or None (taking the same time either way).

    A failure is audited with no actor (nobody has proved who they are) and the address tried, never the password.
    """
    user = find_user_by_email(email or "")
    if user is None or not user.password_hash:
        password_matches(None, password)
        record_event(None, "account.sign_in_failed", user, email=(email or "").strip()[:EMAIL_LENGTH])
        return None
    if not password_matches(user.password_hash, password) or not user.active:
        record_event(None, "account.sign_in_failed", user, email=user.email)
        return None
    return user


def credentials_stamp(user: User) -> str:
    """A digest that changes whenever the password or the two-factor secret does, so that whatever was granted on the
    strength of the old ones (a half-finished sign-in, a browser remembered as the person's) then lapses."""
    return hashlib.sha256(f"{user.password_hash or ''}:{user.totp_secret or ''}".encode()).hexdigest()[:32]


def start_session(user: User) -> str:
    """Open a sign-in session for the user and return its secret token (kept in the signed cookie)."""
    token = _open_session(user)
    user.last_sign_in_at = clock.now()
    record_event(user, "account.signed_in")
    return token


def _open_session(user: User) -> str:
    """Add a live sign-in session row for the user and make it this request's; return its token."""
    token = secrets.token_urlsafe(32)
    db.session.add(SignInSession(user=user, token_hash=SignInSession.hash_token(token)))
    user.session_token = token
    return token


def user_for_session(token: str) -> User | None:
    """The user whose live sign-in session this token opens, or None."""
    if not token:
        return None
    # One query for both (every signed-in request asks): the person, through their live session's row.
    user = db.session.scalar(
        select(User)
        .join(SignInSession, SignInSession.user_id == User.id)
        .where(SignInSession.token_hash == SignInSession.hash_token(token), SignInSession.ended_at.is_(None))
    )
    if user is None or not user.active:
        return None
    user.session_token = token
    return user


def end_session(user: User) -> None:
    """End the sign-in session of this request for good."""
    if user.session_token:
        row = db.session.scalar(
            select(SignInSession).where(SignInSession.token_hash == SignInSession.hash_token(user.session_token))
        )
        if row is not None and row.ended_at is None:
            row.ended_at = clock.now()
    record_event(user, "account.signed_out")


def set_password(user: User, password: str) -> None:
    """Change a password and end every session the old one opened."""
    check_password_rules(password, email=user.email, name=user.name)
    user.password_hash = hash_password(password)
    ended = end_every_session(user)
    record_event(user, "account.password_changed", user, sessions_ended=ended)


def end_every_session(user: User) -> int:
    """End all of the user's live sign-in sessions, in every browser; return how many there were."""
    result = db.session.execute(
        update(SignInSession)
        .where(SignInSession.user_id == user.id, SignInSession.ended_at.is_(None))
        .values(ended_at=clock.now())
        .execution_options(synchronize_session="fetch")
    )
    return result.rowcount or 0


def change_password(user: User, current_password: str, new_password: str) -> str:
    """A signed-in person changes their password: every one of their sessions ends, this browser's included, and a
    fresh session replaces it; returns the fresh session's token.

    A wrong current password is audited as a failure (with no actor: whoever holds the browser has not proved who
    they are), so that guesses from a stolen session show up.
    """
    if not password_matches(user.password_hash, current_password):
        record_event(None, "account.password_change_failed", user, email=user.email)
        raise DomainError("Your current password is not right", field="current_password")
    if new_password == current_password:
        raise DomainError("Choose a new password that is different from your current one", field="new_password")
    check_password_rules(new_password, field="new_password", email=user.email, name=user.name)
    set_password(user, new_password)
    return _open_session(user)
