"""Emailed links that work once: each holds a nonce that the database marks used or superseded."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from awards_app.extensions import db
from awards_app.models.base import UTCDateTime, utcnow


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
