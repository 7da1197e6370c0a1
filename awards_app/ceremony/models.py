"""The ceremony: confirmed awards and the running order of reveals."""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Boolean, Enum, ForeignKey, Integer, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from awards_app.core.columns import UTCDateTime, utcnow
from awards_app.extensions import db
from awards_app.judging.models import Finalist
from awards_app.programme.models import Category


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
