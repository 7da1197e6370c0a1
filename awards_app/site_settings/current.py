"""The site settings as every page reads them: one frozen copy per request, kept by each process for a few seconds.

Every page shows the settings (header, footer) and the public pages are hot, so a page must not cost a query for
them. Each process keeps the copy it last read for SITE_SETTINGS_SECONDS (10 by default; the tests use 0) and reads
the row again after that: a change made through another server reaches this one within those seconds, and this
process forgets its copy as soon as its own change commits. Within one request the copy is fixed (kept in `g`), so
a page never mixes two versions.
"""
from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from datetime import date

from flask import current_app, g, has_app_context
from sqlalchemy import event, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from awards_app.extensions import db
from awards_app.site_settings.models import DEFAULT_ORGANISATION_NAME, SiteSettings

log = logging.getLogger(__name__)

DEFAULT_SECONDS = 10.0
# A session that changed the settings carries this in its `info`, so that its commit makes the process read again.
CHANGED = "site_settings_changed"


@dataclass(frozen=True)
class SiteDetails:
    """What pages and emails show of the settings (a plain copy: safe to keep between requests)."""

    organisation_name: str = DEFAULT_ORGANISATION_NAME
    contact_email: str = ""
    contact_phone: str = ""
    contact_address: str = ""
    logo_filename: str | None = None
    logo_alt: str = ""
    logo_width: int = 0
    logo_height: int = 0
    known_problems: str = ""
    statement_reviewed_on: date | None = None
    version: int = 0

    @property
    def has_contact(self) -> bool:
        """Whether any way to reach the awards team is set."""
        return bool(self.contact_email or self.contact_phone or self.contact_address)

    @property
    def address_lines(self) -> list[str]:
        """The postal address, a line each."""
        return [line for line in self.contact_address.splitlines() if line.strip()]


_lock = threading.Lock()
_kept: tuple[float, SiteDetails] | None = None


def _seconds() -> float:
    """How long this process keeps its copy (0: read once per request)."""
    return float(current_app.config.get("SITE_SETTINGS_SECONDS", DEFAULT_SECONDS) or 0)


def _read() -> SiteDetails:
    """Read the row; the defaults when there is none, or when the database cannot answer (an error page must render)."""
    try:
        row = db.session.scalar(select(SiteSettings).where(SiteSettings.id == 1))
    except SQLAlchemyError as error:
        log.warning("site settings unreadable, defaults shown: %s", error.__class__.__name__)
        db.session.rollback()
        return SiteDetails()
    if row is None:
        return SiteDetails()
    return SiteDetails(
        organisation_name=row.organisation_name or DEFAULT_ORGANISATION_NAME,
        contact_email=row.contact_email,
        contact_phone=row.contact_phone,
        contact_address=row.contact_address,
        logo_filename=row.logo_filename,
        logo_alt=row.logo_alt,
        logo_width=row.logo_width,
        logo_height=row.logo_height,
        known_problems=row.known_problems,
        statement_reviewed_on=row.statement_reviewed_on,
        version=row.version,
    )


def site_details(*, fresh: bool = False) -> SiteDetails:
    """The settings for this request: from `g`, else this process's copy while fresh, else read from the database.

    `fresh` reads the database whatever this process kept (the settings page: an organiser who has just saved, and
    whose next request reached another server, must see what they saved).
    """
    global _kept
    if not fresh and (here := g.get("site_details")) is not None:
        return here
    seconds = _seconds()
    now = time.monotonic()
    kept = _kept
    if not fresh and seconds > 0 and kept is not None and kept[0] > now:
        details = kept[1]
    else:
        details = _read()
        if seconds > 0:
            with _lock:
                _kept = (now + seconds, details)
    g.site_details = details
    return details


def forget() -> None:
    """Drop this process's copy and the request's (after a change, and in tests)."""
    global _kept
    with _lock:
        _kept = None
    if has_app_context():
        g.pop("site_details", None)


def forget_request_copy() -> None:
    """Drop only the request's copy, so that the next read goes to this process's copy (tests use it)."""
    g.pop("site_details", None)


def note_changed(session: Session) -> None:
    """Mark the session as having changed the settings: its commit (or rollback) makes this process read them again."""
    session.info[CHANGED] = True
    forget()


def _forget_after(session: Session, *args) -> None:
    """After a commit or rollback of a session that changed the settings, forget every copy of them."""
    if session.info.pop(CHANGED, False):
        forget()


for _moment in ("after_commit", "after_soft_rollback"):
    if not event.contains(Session, _moment, _forget_after):
        event.listen(Session, _moment, _forget_after)
