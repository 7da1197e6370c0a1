"""Editions, categories and judging criteria."""
from datetime import datetime, timedelta, timezone

from awards_app.extensions import db
from awards_app.programme.models import Category, Criterion, Edition, NomineeKind, Question

START = datetime(2026, 1, 12, 9, 0, tzinfo=timezone.utc)
CRITERION_NAMES = ["Impact", "Innovation", "Reach", "Sustainability", "Involvement"]


def make_edition(year: int = 2026, start: datetime = START, draft: bool = False, **overrides) -> Edition:
    """An edition whose phases follow each other a few weeks apart from `start`: announced some weeks before it opens,
    or a draft the public cannot see (draft=True)."""
    dates = {
        "nominations_open_at": start,
        "nominations_close_at": start + timedelta(weeks=6),
        "judging_start_at": start + timedelta(weeks=6, days=1),
        "judging_end_at": start + timedelta(weeks=10),
        "shortlist_publish_at": start + timedelta(weeks=11),
        "vote_open_at": start + timedelta(weeks=11, days=1),
        "vote_close_at": start + timedelta(weeks=14),
        "ceremony_at": start + timedelta(weeks=16, hours=9),
    }
    announced_at = None if draft else start - timedelta(weeks=8)
    defaults = {"name": f"Self Management Awards {year}", "theme": "Living well, your way", "announced_at": announced_at}
    edition = Edition(year=year, **{**defaults, **dates, **overrides})
    db.session.add(edition)
    db.session.flush()
    return edition


def make_category(edition: Edition, name: str = "Self Management Project of the Year", **overrides) -> Category:
    """A category with one question."""
    fields = {"nominee_kind": NomineeKind.PROJECT, "description": "A project that helps people live well.", **overrides}
    category = Category(edition=edition, name=name, **fields)
    category.questions.append(Question(prompt="What difference has it made?", word_limit=300))
    db.session.add(category)
    db.session.flush()
    return category


def make_criteria(edition: Edition, scales=((0, 10, 1.0), (0, 10, 2.0))) -> list[Criterion]:
    """The edition's criteria, one per (scale_min, scale_max, weight), named Impact, Innovation, Reach... in order."""
    criteria = [
        Criterion(
            edition=edition, name=CRITERION_NAMES[position], description=f"How well it shows {name.lower()}.",
            scale_min=low, scale_max=high, weight=weight, display_order=position,
        )
        for position, (name, (low, high, weight)) in enumerate(zip(CRITERION_NAMES, scales))
    ]
    db.session.add_all(criteria)
    db.session.flush()
    return criteria
