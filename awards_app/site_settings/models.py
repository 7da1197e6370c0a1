"""The one row of site settings."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from awards_app.core.columns import EMAIL_LENGTH, UTCDateTime, utcnow
from awards_app.extensions import db

ORGANISATION_NAME_MAX = 200
PHONE_MAX = 40
ADDRESS_MAX = 300
LOGO_ALT_MAX = 200
KNOWN_PROBLEMS_MAX = 4000

DEFAULT_ORGANISATION_NAME = "the Health and Social Care Alliance Scotland (the ALLIANCE)"


class SiteSettings(db.Model):
    """The site's settings: a table of one row (id 1), which the migration creates with its defaults."""

    __tablename__ = "site_settings"
    __table_args__ = (CheckConstraint("id = 1", name="ck_site_settings_one_row"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_name: Mapped[str] = mapped_column(String(ORGANISATION_NAME_MAX), default=DEFAULT_ORGANISATION_NAME)
    contact_email: Mapped[str] = mapped_column(String(EMAIL_LENGTH), default="")
    contact_phone: Mapped[str] = mapped_column(String(PHONE_MAX), default="")
    contact_address: Mapped[str] = mapped_column(Text, default="")
    # The logo, stored as finalists' images are: checked, rebuilt without metadata, under a generated name.
    logo_filename: Mapped[str | None] = mapped_column(String(100), nullable=True)
    logo_alt: Mapped[str] = mapped_column(String(LOGO_ALT_MAX), default="")
    logo_width: Mapped[int] = mapped_column(Integer, default=0)
    logo_height: Mapped[int] = mapped_column(Integer, default=0)
    # The accessibility statement's "known problems" (blank: the statement's own wording) and its last review.
    known_problems: Mapped[str] = mapped_column(Text, default="")
    statement_reviewed_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    # Goes up with every change: caches and entity tags that show the settings name this number.
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True, default=utcnow)
