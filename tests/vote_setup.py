"""Builders for the tests of the voting journey: an edition whose shortlist is public, a contest, its finalists."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from awards_app.core import clock
from awards_app.extensions import db
from awards_app.judging.models import Finalist
from awards_app.nominations.models import ConsentState
from awards_app.programme.models import Category, Edition
from awards_app.voting.models import Contest
from tests.factories import make_category, make_edition, make_nomination

FINALISTS = (
    ("Harbour Arts", "A weekly art group by the harbour for people living with pain."),
    ("Breathe Easy Fife", "Singing for lung health, run by people with COPD."),
    ("Walk & Talk", ""),
)


@dataclass
class VotingSite:
    """An edition in its voting phase with one public-vote contest (open from a day ago for a week)."""

    edition: Edition
    category: Category
    contest: Contest
    finalists: list[Finalist]

    @property
    def opens_at(self) -> datetime:
        """When the contest opened."""
        return self.contest.opens_at

    @property
    def closes_at(self) -> datetime:
        """When the contest closes."""
        return self.contest.closes_at


def add_contest(edition: Edition, name: str, finalists=FINALISTS, display_order: int = 0,
                opens_at: datetime | None = None, closes_at: datetime | None = None) -> tuple[Category, Contest, list]:
    """A public-vote category of the edition with consenting finalists and its contest."""
    now = clock.now()
    category = make_category(edition, name, has_public_vote=True, display_order=display_order)
    rows = []
    for position, (public_name, summary) in enumerate(finalists, start=1):
        nomination = make_nomination(
            category, public_name, consent=ConsentState.GIVEN, public_summary=summary,
            nominee_email=None,
        )
        finalist = Finalist(category=category, nomination=nomination, position=position, public_name=public_name)
        db.session.add(finalist)
        rows.append(finalist)
    contest = Contest(
        category=category,
        opens_at=opens_at or now - timedelta(days=1),
        closes_at=closes_at or now + timedelta(days=6),
    )
    db.session.add(contest)
    db.session.flush()
    return category, contest, rows


def voting_site(published: bool = True) -> VotingSite:
    """Build the site around the clock's time: the shortlist published two days ago (unless not), the vote open."""
    now = clock.now()
    start = now - timedelta(weeks=11, days=2)
    edition = make_edition(start=start)
    if published:
        edition.shortlist_published_at = now - timedelta(days=2)
    category, contest, finalists = add_contest(edition, "Self Management Project of the Year")
    return VotingSite(edition, category, contest, finalists)
