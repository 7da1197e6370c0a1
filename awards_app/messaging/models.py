"""A message an organiser writes to a segment of an edition, and each person it was sent to (once)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from awards_app.core.columns import EMAIL_LENGTH, UTCDateTime, utcnow
from awards_app.extensions import db
from awards_app.programme.models import Category, Edition


class Message(db.Model):
    """Subject and body (with merge fields) for one segment of an edition; a draft until sent_at, then fixed."""

    __tablename__ = "message"

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(ForeignKey("edition.id", ondelete="CASCADE"), index=True)
    # Which people (messaging.segments.SEGMENTS) and, for some segments, in which category.
    segment: Mapped[str] = mapped_column(String(40))
    category_id: Mapped[int | None] = mapped_column(ForeignKey("category.id", ondelete="CASCADE"), nullable=True)
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"), nullable=True)

    edition: Mapped[Edition] = relationship()
    category: Mapped[Category | None] = relationship()
    recipients: Mapped[list[MessageRecipient]] = relationship(
        back_populates="message", order_by="MessageRecipient.id", cascade="all, delete-orphan"
    )


class MessageRecipient(db.Model):
    """One person a sent message went to (or could not: no address), kept after the outbox forgets the address."""

    __tablename__ = "message_recipient"
    # Each address gets a message once; people without an address are kept (NULL) so the organiser sees them.
    __table_args__ = (UniqueConstraint("message_id", "email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("message.id", ondelete="CASCADE"), index=True)
    email: Mapped[str | None] = mapped_column(String(EMAIL_LENGTH), nullable=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[str] = mapped_column(String(12))
    nomination_id: Mapped[int | None] = mapped_column(
        ForeignKey("nomination.id", ondelete="SET NULL"), nullable=True
    )
    outbox_email_id: Mapped[int | None] = mapped_column(
        ForeignKey("outbox_email.id", ondelete="SET NULL"), nullable=True
    )
    # Why nothing was queued for this person ("no address"), else empty.
    not_sent_reason: Mapped[str] = mapped_column(String(100), default="")
    # How the email ended ("sent" or "failed"), kept here before the outbox deletes it (messages.settle_deliveries).
    final_state: Mapped[str | None] = mapped_column(String(10), nullable=True)

    message: Mapped[Message] = relationship(back_populates="recipients")
