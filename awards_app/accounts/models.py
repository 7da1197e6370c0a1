"""People who sign in (organisers and judges) and their sign-in sessions."""
from __future__ import annotations

import enum
import hashlib
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, Enum, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from awards_app.core.columns import EMAIL_LENGTH, UTCDateTime, utcnow
from awards_app.extensions import db


class Role(enum.Enum):
    """What a person may do in the app."""

    ORGANISER = "organiser"
    JUDGE = "judge"


class User(UserMixin, db.Model):
    """An organiser or a judge. Nominators and voters never have accounts."""

    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(EMAIL_LENGTH), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[Role] = mapped_column(Enum(Role, name="role", values_callable=lambda roles: [r.value for r in roles]))
    password_hash: Mapped[str | None] = mapped_column(String(256), nullable=True)
    affiliations: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_sign_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    # Two-factor sign-in (accounts/two_factor.py): the authenticator's shared secret (base32), kept while set-up
    # waits for its first code too; the moment set-up was confirmed (null: not in use); and the time-step of the
    # last code accepted, so that a code works once even within its 30-second window.
    totp_secret: Mapped[str | None] = mapped_column(String(64), nullable=True)
    two_factor_since: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    totp_last_step: Mapped[int | None] = mapped_column(Integer, nullable=True)

    sessions: Mapped[list[SignInSession]] = relationship(back_populates="user", cascade="all, delete-orphan")

    # Set by the user loader: the token of the sign-in session this request belongs to.
    session_token = None  # str | None; plain class attribute, not a column

    @property
    def is_active(self) -> bool:
        """Deactivated people cannot sign in."""
        return self.active

    @property
    def has_two_factor(self) -> bool:
        """Whether signing in asks for a code from an authenticator app after the password."""
        return self.two_factor_since is not None and bool(self.totp_secret)

    @property
    def is_organiser(self) -> bool:
        """Whether this person runs the awards."""
        return self.role is Role.ORGANISER

    @property
    def is_judge(self) -> bool:
        """Whether this person sits on a judging panel."""
        return self.role is Role.JUDGE

    def get_id(self) -> str | None:
        """Flask-Login keeps the sign-in session's token, not the user id, so that sign-out can end it for good."""
        return self.session_token

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role.value}>"


class SignInSession(db.Model):
    """One signed-in browser. Ending it (sign-out, password change) makes its cookie worthless."""

    __tablename__ = "sign_in_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)

    user: Mapped[User] = relationship(back_populates="sessions")

    @staticmethod
    def hash_token(token: str) -> str:
        """Store only a digest, so a database leak does not hand out live sessions."""
        return hashlib.sha256(token.encode()).hexdigest()
