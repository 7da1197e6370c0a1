"""The ceremony: confirmed awards and the running order of reveals."""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Boolean, Enum, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from awards_app.core.columns import EMAIL_LENGTH, UTCDateTime, utcnow
from awards_app.extensions import db
from awards_app.judging.models import Finalist
from awards_app.nominations.models import Nomination
from awards_app.programme.models import Category, Edition


class Place(enum.Enum):
    """What a finalist won."""

    WINNER = "winner"
    HIGHLY_COMMENDED = "highly_commended"


class Award(db.Model):
    """A confirmed result for a finalist; sealed until its category is revealed."""

    __tablename__ = "award"
    __table_args__ = (UniqueConstraint("finalist_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("category.id", ondelete="CASCADE"), index=True)
    finalist_id: Mapped[int] = mapped_column(ForeignKey("finalist.id", ondelete="CASCADE"))
    place: Mapped[Place] = mapped_column(Enum(Place, name="place", values_callable=lambda p: [m.value for m in p]))
    confirmed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))

    finalist: Mapped[Finalist] = relationship()


class Reveal(db.Model):
    """A category's place in the running order, when its result was confirmed (sealed) and when it was revealed."""

    __tablename__ = "reveal"

    id: Mapped[int] = mapped_column(primary_key=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("category.id", ondelete="CASCADE"), unique=True)
    running_order: Mapped[int] = mapped_column(Integer, default=0)
    revealed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    # Confirmed results are sealed: nothing changes them, and only a confirmed category can be revealed.
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    # Whether the results page shows the public vote's shares once the category is revealed (organisers choose).
    show_vote_shares: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")

    category: Mapped[Category] = relationship()


class CeremonyInvitation(db.Model):
    """One person invited to an edition's ceremony, and their answer (yes, no, or none yet) with any access needs.

    Their personal link is a SingleUseLink of purpose "rsvp" (core/links.py) that is never marked used, so it keeps
    working to change the answer until the ceremony starts.
    """

    __tablename__ = "ceremony_invitation"
    # One invitation per person: two people may share an address (a carer and the person they nominated), and each
    # answers for themselves.
    __table_args__ = (UniqueConstraint("edition_id", "email", "name_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(ForeignKey("edition.id", ondelete="CASCADE"), index=True)
    # Kept trimmed and lower-cased, so that one person written two ways is still one invitation.
    email: Mapped[str] = mapped_column(String(EMAIL_LENGTH))
    name: Mapped[str] = mapped_column(String(200), default="")
    # The name as compared (ceremony.rsvp.name_key): "Jo  Bloggs" and "jo bloggs" are one person at one address.
    name_key: Mapped[str] = mapped_column(String(200), default="", server_default="")
    nomination_id: Mapped[int | None] = mapped_column(ForeignKey("nomination.id", ondelete="SET NULL"), nullable=True)
    answer: Mapped[str | None] = mapped_column(String(3), nullable=True)  # "yes", "no", or None before answering
    access_needs: Mapped[str] = mapped_column(Text, default="")
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    edition: Mapped[Edition] = relationship()
    nomination: Mapped[Nomination | None] = relationship()
