"""The programme of editions: finding them, and organisers creating and changing them.

Categories, questions and criteria live in programme/categories.py; the small steps both modules share are here.
"""
from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from zoneinfo import available_timezones

from sqlalchemy import select

from awards_app.accounts.models import User
from awards_app.core import clock
from awards_app.core.audit import record_event
from awards_app.core.errors import DomainError
from awards_app.extensions import db
from awards_app.permissions import is_organiser
from awards_app.programme.models import Edition
from awards_app.programme.phases import PHASE_DATES, Phase, dates_out_of_order, phase_of

DEFAULT_TIMEZONE = "Europe/London"
EARLIEST_YEAR, LATEST_YEAR = 2000, 2100

# Entries in the system's zone database that are files, not places people mean.
_NOT_PLACES = {"localtime", "posixrules", "Factory"}


def list_editions() -> list[Edition]:
    """Every edition, newest first."""
    return list(db.session.scalars(select(Edition).order_by(Edition.year.desc())))


def current_edition() -> Edition | None:
    """The edition the public sees now: the newest that has opened, or else the next one coming."""
    return pick_current(list(db.session.scalars(select(Edition).order_by(Edition.nominations_open_at))), clock.now())


def pick_current(editions: list, now: datetime):
    """Of editions sorted by opening (models or rows with their dates), the one the public sees: the newest opened,
    unless it is over and the next one has been announced, or else the next one coming."""
    opened = [edition for edition in editions if edition.nominations_open_at <= now]
    upcoming = [edition for edition in editions if edition.nominations_open_at > now]
    latest = opened[-1] if opened else None
    # A finished edition gives way to the next one as soon as that one is announced.
    if latest is not None and (not upcoming or phase_of(latest, now) is not Phase.ARCHIVE):
        return latest
    return upcoming[0] if upcoming else latest


# --- Steps shared with programme/categories.py ---------------------------------------------------------------


def clean_text(value: str | None, *, field: str, label: str, max_length: int, required: bool = False) -> str:
    """Trim a text value, refusing it when required and empty, or longer than its column allows."""
    text = (value or "").strip()
    if required and not text:
        raise DomainError(f"Enter {label}", field=field)
    if len(text) > max_length:
        raise DomainError(f"{label[0].upper()}{label[1:]} must be {max_length} characters or fewer", field=field)
    return text


def whole_number(value, *, field: str, label: str, lowest: int, highest: int) -> int:
    """Refuse a value that is not a whole number between lowest and highest (inclusive)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise DomainError(f"{label} must be a whole number", field=field)
    if not lowest <= value <= highest:
        raise DomainError(f"{label} must be between {lowest} and {highest}", field=field)
    return value


def save_new(actor: User, action: str, subject, **details) -> None:
    """Add a new row, flush so that it has its id, and record its creation with the details given."""
    db.session.add(subject)
    db.session.flush()
    record_event(actor, action, subject, **details)


def apply_changes(actor: User, action: str, subject, values: dict) -> None:
    """Set checked values on a row, flush, and record which changed, from and to."""
    changes = {key: [getattr(subject, key), value] for key, value in values.items() if getattr(subject, key) != value}
    for key, value in values.items():
        setattr(subject, key, value)
    db.session.flush()
    record_event(actor, action, subject, changes=changes)


# --- Editions ----------------------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _timezones_by_lower_name() -> dict[str, str]:
    """The IANA zone names, keyed by their lower-case spelling (the list is read from disk once)."""
    return {name.lower(): name for name in available_timezones() - _NOT_PLACES}


def known_timezone(name: str | None) -> str | None:
    """The correctly spelt IANA zone for a name typed in any case, or None when there is no such zone."""
    return _timezones_by_lower_name().get((name or "").strip().lower())


def create_edition(actor: User, **details) -> Edition:
    """Create an edition (one year's awards) with the dates of its phases (`details` as checked_edition_values)."""
    is_organiser.require(actor)
    edition = Edition(**checked_edition_values(None, **details))
    save_new(actor, "edition.created", edition, year=edition.year, name=edition.name)
    return edition


def update_edition(actor: User, edition: Edition, **details) -> Edition:
    """Change an edition's details and dates; the audit event lists what changed, from and to."""
    is_organiser.require(actor)
    apply_changes(actor, "edition.updated", edition, checked_edition_values(edition, **details))
    return edition


def checked_edition_values(
    edition: Edition | None,
    *,
    year: int,
    name: str,
    dates: dict[str, datetime | None],
    theme: str = "",
    venue: str = "",
    timezone: str = DEFAULT_TIMEZONE,
) -> dict:
    """An edition's values, checked against the rules (year free, name given, real zone, dates complete and in
    order); `edition` is the one being changed, None for a new one."""
    year = whole_number(year, field="year", label="Year", lowest=EARLIEST_YEAR, highest=LATEST_YEAR)
    clash = db.session.scalar(select(Edition).where(Edition.year == year))
    if clash is not None and clash is not edition:
        raise DomainError(f"There is already an edition for {year}", field="year")
    values = {
        "year": year,
        "name": clean_text(name, field="name", label="the name of the edition", max_length=200, required=True),
        "theme": clean_text(theme, field="theme", label="the theme", max_length=300),
        "venue": clean_text(venue, field="venue", label="the venue", max_length=300),
        "timezone": known_timezone(timezone),
    }
    if values["timezone"] is None:
        raise DomainError("Enter a timezone from the IANA list, such as Europe/London", field="timezone")
    for field, label in PHASE_DATES:
        moment = dates.get(field)
        if moment is None:
            raise DomainError(f"Enter the date and time for ‘{label}’", field=field)
        if moment.tzinfo is None:
            raise ValueError(f"{field} must be timezone-aware")  # a programming error, not a person's
        values[field] = moment
    problems = dates_out_of_order(values)
    if problems:
        field, message = problems[0]
        raise DomainError(message, field=field)
    return values
