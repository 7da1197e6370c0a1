"""Reach: how many nominations an edition has, by category and by local authority, and which councils it has reached.

Every entry counts once: withdrawn nominations, and duplicates merged into another entry, do not count (the entry
they were merged into does). Nominations still under review, and those found ineligible, do count: they show where
the call for nominations reached.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from awards_app.extensions import db
from awards_app.nominations.models import Nomination, NominationStatus
from awards_app.programme.models import Category, Edition
from awards_app.programme.scotland import LOCAL_AUTHORITIES


@dataclass(frozen=True)
class ReachReport:
    """The figures of the reach report."""

    total: int
    by_category: list[tuple[Category, int]]  # every category of the edition, in its order, zeros included
    by_local_authority: list[tuple[str, int]]  # all 32 councils, in the usual order, zeros included
    elsewhere: int  # entries whose area is not one of the 32 (none, unless old data or a changed list)

    @property
    def reached(self) -> list[str]:
        """The local authorities with at least one entry."""
        return [name for name, count in self.by_local_authority if count]

    @property
    def not_reached(self) -> list[str]:
        """The local authorities with no entry yet."""
        return [name for name, count in self.by_local_authority if not count]


def _counted(edition: Edition):
    """The conditions an entry of the edition must meet to count."""
    return (
        Nomination.edition_id == edition.id,
        Nomination.merged_into_id.is_(None),
        Nomination.status != NominationStatus.WITHDRAWN,
    )


def count_reach(edition: Edition) -> ReachReport:
    """Count an edition's entries by category and by local authority."""
    per_category = dict(
        db.session.execute(
            select(Nomination.category_id, func.count()).where(*_counted(edition)).group_by(Nomination.category_id)
        ).all()
    )
    per_area = dict(
        db.session.execute(
            select(Nomination.local_authority, func.count())
            .where(*_counted(edition))
            .group_by(Nomination.local_authority)
        ).all()
    )
    by_category = [(category, per_category.get(category.id, 0)) for category in edition.categories]
    by_local_authority = [(name, per_area.get(name, 0)) for name in LOCAL_AUTHORITIES]
    elsewhere = sum(count for name, count in per_area.items() if name not in LOCAL_AUTHORITIES)
    return ReachReport(
        total=sum(per_category.values()),
        by_category=by_category,
        by_local_authority=by_local_authority,
        elsewhere=elsewhere,
    )
