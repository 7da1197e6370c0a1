"""Starting an edition as a copy of a past one: what defines the awards is copied, nothing that happened in them.

Copied: the edition's theme, venue, timezone, blind judging and tie-break rule, and its dates, each moved on to the
new year at the same local time; every category (name, description, eligibility notes, kind of nominee, public vote,
order, whether names can be hidden, number of finalists) with its questions and its own criteria; the edition's
shared criteria. Not copied: nominations and drafts, panels (listed to invite again instead: judging.panels
.returning_judges), conflicts, scores, comments, assignment plans, finalists, the shortlist decision and its
publication, contests and votes, results and reveals, feedback, messages, ceremony invitations, reminder rounds.
"""
from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from awards_app.accounts.models import User
from awards_app.core.audit import record_event
from awards_app.core.errors import DomainError
from awards_app.extensions import db
from awards_app.permissions import is_organiser
from awards_app.programme.editions import EARLIEST_YEAR, LATEST_YEAR, create_edition, whole_number
from awards_app.programme.models import Category, Criterion, Edition, Question
from awards_app.programme.phases import PHASE_DATES

_CATEGORY_FIELDS = (
    "name", "description", "eligibility_notes", "nominee_kind", "has_public_vote", "display_order",
    "names_can_be_hidden", "shortlist_size",
)
_QUESTION_FIELDS = ("prompt", "hint", "word_limit", "required", "display_order")
_CRITERION_FIELDS = ("name", "description", "guidance", "weight", "scale_min", "scale_max", "display_order")


def moved_on(moment: datetime, zone: str, years: int) -> datetime:
    """The moment `years` years later at the same local time in the zone (29 February becomes 28 February), in UTC."""
    local = moment.astimezone(ZoneInfo(zone))
    try:
        later = local.replace(year=local.year + years)
    except ValueError:  # 29 February, into a year that has none
        later = local.replace(year=local.year + years, day=28)
    # The zone gives the new date its own offset (GMT or BST), so the wall-clock time stays; fold 0 takes the first
    # of an hour that happens twice as the clocks go back.
    return later.replace(fold=0).astimezone(timezone.utc)


def suggested_year(source: Edition) -> int:
    """The year a copy of the edition would be for: the one after it."""
    return source.year + 1


def suggested_name(source: Edition, year: int) -> str:
    """The edition's name with its year replaced by `year` (or with the year added when the name has none)."""
    if str(source.year) in source.name:
        return source.name.replace(str(source.year), str(year))
    return f"{source.name.rstrip()} {year}"


def copy_edition(actor: User, source: Edition, year: int, name: str) -> Edition:
    """A new edition for `year` called `name`, set up as `source` was, every date moved on to the new year.

    It is made as an organiser's new edition is (create_edition: the same checks, "There is already an edition for
    2027" on the year field), so it starts as new editions do. Nobody is invited and nothing is sent.
    """
    is_organiser.require(actor)
    # Checked here first, as create_edition checks it again, because the dates are worked out from it.
    years = whole_number(year, field="year", label="Year", lowest=EARLIEST_YEAR, highest=LATEST_YEAR) - source.year
    if years < 1:
        raise DomainError(f"The new edition's year must come after {source.year}, the year it is copied from",
                          field="year")
    edition = create_edition(
        actor, year=year, name=name, theme=source.theme, venue=source.venue, timezone=source.timezone,
        dates={field: moved_on(getattr(source, field), source.timezone, years) for field, _label in PHASE_DATES},
    )
    edition.copied_from_id = source.id
    edition.hide_nominee_names = source.hide_nominee_names
    edition.tie_break = source.tie_break
    db.session.add_all(_copied_criteria(source.criteria, edition, None))
    for category in source.categories:
        # Ids rather than relationships: a backref would put the row in a loaded list before it is in the session.
        copy = Category(
            edition_id=edition.id, copied_from_id=category.id,
            questions=[
                Question(**{field: getattr(question, field) for field in _QUESTION_FIELDS})
                for question in category.questions
            ],
            **{field: getattr(category, field) for field in _CATEGORY_FIELDS},
        )
        db.session.add(copy)
        db.session.flush()
        db.session.add_all(_copied_criteria(category.own_criteria, edition, copy))
    db.session.flush()
    db.session.expire(edition, ["categories", "criteria"])
    record_event(
        actor, "edition.copied", edition, from_edition_id=source.id, from_year=source.year, year=edition.year,
        categories=len(source.categories), years_moved_on=years,
    )
    return edition


def _copied_criteria(criteria: list[Criterion], edition: Edition, category: Category | None) -> list[Criterion]:
    """New rows for these criteria in the new edition: its shared set (category None), or a category's own."""
    return [
        Criterion(edition_id=edition.id, category_id=category.id if category else None,
                  **{field: getattr(criterion, field) for field in _CRITERION_FIELDS})
        for criterion in criteria
    ]
