"""The programme of editions: finding them, organisers creating and changing them, and announcing them.

An edition is a draft until an organiser announces it (announce_edition, once its dates are in order and each category
has questions and criteria). A draft is invisible to the public: every public page finds editions through
public_editions() or current_edition(), or checks Edition.is_public on what a URL names, and nothing else. The one
thing of a draft the public may be told is the month its nominations are expected to open, when an organiser chooses
to say it (Edition.expected_opening_shown, read by expected_opening_month()).

Categories, questions and criteria live in programme/categories.py; the small steps both modules share are here.
"""
from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from zoneinfo import available_timezones

from sqlalchemy import Select, exists, select

from awards_app.accounts.models import User
from awards_app.core import clock
from awards_app.core.audit import record_event
from awards_app.core.errors import DomainError
from awards_app.extensions import db
from awards_app.permissions import is_organiser
from awards_app.nominations.models import Nomination, NominationDraft
from awards_app.programme.criteria import criteria_for
from awards_app.programme.models import Edition
from awards_app.programme.phases import PHASE_DATES, Phase, dates_out_of_order, phase_of
from awards_app.web.template_helpers import format_date, format_month

DEFAULT_TIMEZONE = "Europe/London"
EARLIEST_YEAR, LATEST_YEAR = 2000, 2100

# Entries in the system's zone database that are files, not places people mean.
_NOT_PLACES = {"localtime", "posixrules", "Factory"}


def list_editions() -> list[Edition]:
    """Every edition, newest first."""
    return list(db.session.scalars(select(Edition).order_by(Edition.year.desc())))


def public_editions() -> Select:
    """The query every public page starts from: the editions an organiser has announced (never a draft)."""
    return select(Edition).where(Edition.is_public)


def current_edition() -> Edition | None:
    """The edition the public sees now: the newest that has opened, or else the next one coming (never a draft)."""
    return pick_current(list(db.session.scalars(public_editions().order_by(Edition.nominations_open_at))), clock.now())


def edition_being_run(editions: list[Edition], now: datetime | None = None) -> Edition | None:
    """Of editions newest first, the one the organisers are running: the newest announced edition not yet finished,
    else the newest unfinished draft, else the newest. A draft for next year does not push aside this year's awards
    while they are still under way."""
    now = now or clock.now()
    unfinished = [edition for edition in editions if phase_of(edition, now) is not Phase.ARCHIVE]
    announced = [edition for edition in unfinished if edition.is_public]
    return next(iter(announced or unfinished or editions), None)


def pick_current(editions: list, now: datetime):
    """Of editions sorted by opening (models or rows with their dates and announced_at), the one the public sees: the
    newest opened, unless it is over and the next one has been announced, or else the next one coming. Drafts are
    skipped: a half-built edition never replaces the last one's results."""
    announced = [edition for edition in editions if edition.announced_at is not None]
    opened = [edition for edition in announced if edition.nominations_open_at <= now]
    upcoming = [edition for edition in announced if edition.nominations_open_at > now]
    latest = opened[-1] if opened else None
    # A finished edition gives way to the next one as soon as that one is announced.
    if latest is not None and (not upcoming or phase_of(latest, now) is not Phase.ARCHIVE):
        return latest
    return upcoming[0] if upcoming else latest


def expected_opening_month(now: datetime | None = None) -> str | None:
    """The month the next awards are expected to open ('March 2027'), for the home page between editions: that of the
    earliest draft still to open whose organisers chose to say so; None when none did. Only the month leaves here."""
    draft = db.session.scalar(
        select(Edition)
        .where(~Edition.is_public, Edition.expected_opening_shown.is_(True),
               Edition.nominations_open_at > (now or clock.now()))
        .order_by(Edition.nominations_open_at)
        .limit(1)
    )
    return format_month(draft.nominations_open_at, draft.timezone) if draft is not None else None


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
    """Create an edition (one year's awards) with the dates of its phases (`details` as checked_edition_values); it
    starts as a draft, which the public cannot see until it is announced."""
    is_organiser.require(actor)
    edition = Edition(**checked_edition_values(None, **details))
    save_new(actor, "edition.created", edition, year=edition.year, name=edition.name)
    return edition


def update_edition(actor: User, edition: Edition, **details) -> Edition:
    """Change an edition's details and dates; the audit event lists what changed, from and to."""
    is_organiser.require(actor)
    apply_changes(actor, "edition.updated", edition, checked_edition_values(edition, **details))
    return edition


class EditionNotReady(DomainError):
    """The edition cannot be announced yet: `problems` names each thing missing, in plain words."""

    def __init__(self, problems: list[str]):
        super().__init__("The edition cannot be announced yet. " + " ".join(problems))
        self.problems = problems


def announcement_problems(edition: Edition) -> list[str]:
    """What stops the edition being announced: dates out of order, no category, a category without questions or
    without judging criteria (its own, or the edition's)."""
    dates = {field: getattr(edition, field) for field, _label in PHASE_DATES}
    problems = [f"{message}." for _field, message in dates_out_of_order(dates)]
    if not edition.categories:
        problems.append("The edition has no categories: add at least one.")
    for category in edition.categories:
        if not category.questions:
            problems.append(f"‘{category.name}’ has no questions for nominators to answer.")
        if not criteria_for(category):
            problems.append(f"‘{category.name}’ has no judging criteria: add the edition's criteria or its own.")
    # An edition announced after its opening would take over the home page at once and could never be a draft again
    # (a date typed in the wrong year, or a copy not moved on far enough).
    if edition.is_draft and edition.nominations_open_at <= clock.now():
        problems.append(
            f"Nominations would open on {format_date(edition.nominations_open_at, edition.timezone)}, which has "
            "passed: move the dates on first."
        )
    return problems


def announce_edition(actor: User, edition: Edition) -> Edition:
    """Make a draft edition public, once only, when nothing is missing (EditionNotReady names each thing); audited."""
    is_organiser.require(actor)
    if edition.is_public:
        when = format_date(edition.announced_at, edition.timezone)
        raise DomainError(f"‘{edition.name}’ was announced on {when} already.")
    problems = announcement_problems(edition)
    if problems:
        raise EditionNotReady(problems)
    edition.announced_at = clock.now()
    # Once public, the edition speaks for itself: the draft's "expected to open" line has done its work.
    edition.expected_opening_shown = False
    db.session.flush()
    record_event(actor, "edition.announced", edition, year=edition.year, name=edition.name)
    return edition


def draft_kept_because(edition: Edition, now: datetime | None = None) -> str | None:
    """Why an announced edition can no longer go back to being a draft (None when it can): once its nominations have
    opened, or anyone has started a nomination, the public has taken part and the edition stays public."""
    if edition.is_draft:
        return f"‘{edition.name}’ is a draft already."
    if edition.nominations_open_at <= (now or clock.now()):
        return f"Nominations for ‘{edition.name}’ have opened: it stays public."
    started = db.session.scalar(select(
        exists().where(Nomination.edition_id == edition.id) | exists().where(NominationDraft.edition_id == edition.id)
    ))
    if started:
        return f"Nominations have been started for ‘{edition.name}’: it stays public."
    return None


def return_to_draft(actor: User, edition: Edition) -> Edition:
    """Take an announcement back (an edition announced by mistake) while nobody can have taken part yet; audited."""
    is_organiser.require(actor)
    if (reason := draft_kept_because(edition)) is not None:
        raise DomainError(reason)
    announced_at = edition.announced_at
    edition.announced_at = None
    db.session.flush()
    record_event(actor, "edition.returned_to_draft", edition, announced_at=announced_at.isoformat())
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
    expected_opening_shown: bool | None = None,
) -> dict:
    """An edition's values, checked against the rules (year free, name given, real zone, dates complete and in
    order); `edition` is the one being changed, None for a new one. expected_opening_shown (a draft's choice to tell
    the public the month it opens) is left as it is when None, and refused on an announced edition."""
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
    if expected_opening_shown is not None:
        if expected_opening_shown and edition is not None and edition.is_public:
            raise DomainError("The edition has been announced: the public sees its dates already",
                              field="expected_opening_shown")
        values["expected_opening_shown"] = bool(expected_opening_shown)
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
