"""What every domain shares in the database: the append-only audit log, single-use emailed links, the email outbox,
and stored files (uploaded images)."""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Enum,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    event,
)
from sqlalchemy.orm import Mapped, mapped_column

from awards_app.core.columns import EMAIL_LENGTH, UTCDateTime, utcnow
from awards_app.extensions import db


class AuditEvent(db.Model):
    """One thing that happened. Rows are only ever added (the database refuses updates and deletes too)."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"), nullable=True)
    actor_label: Mapped[str] = mapped_column(String(EMAIL_LENGTH), default="")
    action: Mapped[str] = mapped_column(String(100), index=True)
    subject_type: Mapped[str] = mapped_column(String(50), default="")
    subject_id: Mapped[int | None] = mapped_column(nullable=True)
    details: Mapped[dict] = mapped_column(JSON, default=dict)


class AuditLogIsAppendOnly(Exception):
    """Raised when code tries to change or remove an audit event."""


@event.listens_for(AuditEvent, "before_update")
def _refuse_update(mapper, connection, target):
    raise AuditLogIsAppendOnly("audit events cannot be changed")


@event.listens_for(AuditEvent, "before_delete")
def _refuse_delete(mapper, connection, target):
    raise AuditLogIsAppendOnly("audit events cannot be deleted")


class SingleUseLink(db.Model):
    """One emailed link for one purpose and subject (a draft, a nomination, a judge...)."""

    __tablename__ = "single_use_link"
    __table_args__ = (Index("ix_single_use_link_subject", "purpose", "subject_type", "subject_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    purpose: Mapped[str] = mapped_column(String(40))
    # Only a digest of the nonce is kept: the database alone cannot rebuild a working link.
    nonce_hash: Mapped[str] = mapped_column(String(64), unique=True)
    subject_type: Mapped[str] = mapped_column(String(50))
    subject_id: Mapped[int] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    superseded_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class OutboxStatus(enum.Enum):
    """Where an email is on its way out."""

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


class OutboxEmail(db.Model):
    """An email waiting to be sent, being sent, sent, or given up on (never deleted by sending).

    Once sent or given up on, it keeps only the record of its delivery: the send-mail worker removes its address and
    bodies then (core/mail_delivery.py), since they hold a link that works for whoever reads it. An email queued with
    delete_when_sent (a vote's receipt) is deleted outright instead: not even the record of it is kept.
    """

    __tablename__ = "outbox_email"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[str] = mapped_column(String(200), unique=True)
    to_address: Mapped[str] = mapped_column(String(EMAIL_LENGTH))
    subject: Mapped[str] = mapped_column(String(300))
    text_body: Mapped[str] = mapped_column(Text)
    html_body: Mapped[str] = mapped_column(Text)
    status: Mapped[OutboxStatus] = mapped_column(
        Enum(OutboxStatus, name="outbox_status", values_callable=lambda s: [m.value for m in s]),
        default=OutboxStatus.PENDING,
        index=True,
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    transport: Mapped[str] = mapped_column(String(20), default="")
    # The row goes as soon as the email has been sent or given up on (core/mail_delivery.py): even its record would
    # say that this address received this email, such as a vote's receipt.
    delete_when_sent: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")


class StoredFile(db.Model):
    """A file kept in the database rather than on one server's disk, so that every app server can serve it.

    Its name is made when it is stored and its bytes never change, so a name stands for one content for good.
    """

    __tablename__ = "stored_file"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    content_type: Mapped[str] = mapped_column(String(100))
    # Deferred: asking whether a file is there, or listing files, never loads their bytes.
    data: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
