"""Accounts of organisers and judges: creation, passwords and sign-in sessions."""
from __future__ import annotations

import secrets

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from awards_app.extensions import db
from awards_app.models import Role, SignInSession, User
from awards_app.services import clock
from awards_app.services.audit import record_event
from awards_app.services.errors import DomainError

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 256

# A hash to check against when the address is unknown, so that a miss takes as long as a hit.
_DUMMY_HASH = generate_password_hash("not-a-real-password-but-the-same-cost")


def normalise_email(address: str, field: str = "email") -> str:
    """Check an address's syntax (no DNS look-ups) and return it in the form we store."""
    try:
        result = validate_email((address or "").strip(), check_deliverability=False)
    except EmailNotValidError as error:
        raise DomainError(f"Enter a valid email address: {error}", field=field) from None
    return result.normalized.lower()


def check_password_rules(password: str, field: str = "password") -> None:
    """Refuse passwords that are too short or absurdly long."""
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise DomainError(f"Password must be at least {MIN_PASSWORD_LENGTH} characters long", field=field)
    if len(password) > MAX_PASSWORD_LENGTH:
        raise DomainError(f"Password must be at most {MAX_PASSWORD_LENGTH} characters long", field=field)


def find_user_by_email(address: str) -> User | None:
    """The account with this address, if any."""
    return db.session.scalar(select(User).where(User.email == address.strip().lower()))


def create_organiser(email: str, password: str, name: str = "") -> User:
    """Create an organiser account (or refuse a duplicate address)."""
    address = normalise_email(email)
    check_password_rules(password)
    if find_user_by_email(address) is not None:
        raise DomainError(f"There is already an account for {address}", field="email")
    user = User(email=address, name=name.strip(), role=Role.ORGANISER, password_hash=generate_password_hash(password))
    db.session.add(user)
    db.session.flush()
    record_event(None, "organiser.created", user, email=address)
    return user


def authenticate(email: str, password: str) -> User | None:
    """The active account whose address and password match, or None (taking the same time either way)."""
    user = find_user_by_email(email or "")
    if user is None or not user.password_hash:
        check_password_hash(_DUMMY_HASH, password or "")
        return None
    if not check_password_hash(user.password_hash, password or "") or not user.active:
        record_event(user, "account.sign_in_failed")
        return None
    return user


def start_session(user: User) -> str:
    """Open a sign-in session for the user and return its secret token (kept in the signed cookie)."""
    token = secrets.token_urlsafe(32)
    db.session.add(SignInSession(user=user, token_hash=SignInSession.hash_token(token)))
    user.last_sign_in_at = clock.now()
    user.session_token = token
    record_event(user, "account.signed_in")
    return token


def user_for_session(token: str) -> User | None:
    """The user whose live sign-in session this token opens, or None."""
    if not token:
        return None
    row = db.session.scalar(
        select(SignInSession).where(
            SignInSession.token_hash == SignInSession.hash_token(token), SignInSession.ended_at.is_(None)
        )
    )
    if row is None or not row.user.active:
        return None
    row.user.session_token = token
    return row.user


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
    check_password_rules(password)
    user.password_hash = generate_password_hash(password)
    for row in user.sessions:
        if row.ended_at is None:
            row.ended_at = clock.now()
    record_event(user, "account.password_changed")
