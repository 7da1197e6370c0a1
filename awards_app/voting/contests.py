"""Contests: the public vote of a category, open between two moments, and the lock that starts when it opens.

Once a contest has opened (clock.now() >= opens_at) its rules are fixed: its times, the category's finalists, and
how each finalist is presented (public name, summary, image) can no longer change, so that every voter chooses
between the same finalists on the same terms. ensure_not_locked() is the one check every such change goes through
(the shortlist decision in judging/shortlist.py calls it too).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from awards_app.accounts.models import User
from awards_app.core import clock
from awards_app.core.audit import record_event
from awards_app.core.errors import DomainError
from awards_app.extensions import db
from awards_app.judging.models import Finalist
from awards_app.permissions import is_organiser
from awards_app.programme.models import Category, Edition
from awards_app.voting.models import Contest
from awards_app.web.template_helpers import format_datetime

MIN_FINALISTS = 2  # a vote needs a choice


def contest_of(category: Category) -> Contest | None:
    """The category's contest, if it has one."""
    return db.session.scalar(select(Contest).where(Contest.category_id == category.id))


def contests_of(edition: Edition) -> list[Contest]:
    """The edition's contests, in the order of their categories."""
    return list(
        db.session.scalars(
            select(Contest)
            .join(Category, Contest.category_id == Category.id)
            .where(Category.edition_id == edition.id)
            .order_by(Category.display_order, Category.id)
        )
    )


def has_opened(contest: Contest | None, at: datetime | None = None) -> bool:
    """Whether the contest's vote has opened by this moment (now by default)."""
    return contest is not None and (at or clock.now()) >= contest.opens_at


def is_locked(category: Category) -> bool:
    """Whether the category's public vote has opened, which fixes its finalists and their presentation."""
    return has_opened(contest_of(category))


def ensure_not_locked(category: Category, what: str = "its finalists") -> None:
    """Refuse any change to a category whose public vote has opened, saying when it opened."""
    contest = contest_of(category)
    if has_opened(contest):
        opened = format_datetime(contest.opens_at, category.edition.timezone)
        raise DomainError(
            f"The public vote in {category.name} opened at {opened}, so {what} can no longer change: "
            "every voter must vote on the same terms."
        )


def save_contest(actor: User, category: Category, opens_at: datetime, closes_at: datetime) -> Contest:
    """Create or change the category's contest: its vote opens and closes within the edition's voting dates."""
    is_organiser.require(actor)
    if not category.has_public_vote:
        raise DomainError(f"{category.name} is decided by the judges: it has no public vote.")
    contest = contest_of(category)
    ensure_not_locked(category, "the times of its vote")
    _check_times(category, opens_at, closes_at)
    finalists = db.session.scalar(select(func.count(Finalist.id)).where(Finalist.category_id == category.id))
    if finalists < MIN_FINALISTS:
        raise DomainError(
            f"Choose the finalists of {category.name} first: a public vote needs at least {MIN_FINALISTS} finalists."
        )
    created = contest is None
    if created:
        contest = Contest(category_id=category.id, opens_at=opens_at, closes_at=closes_at)
        db.session.add(contest)
    else:
        contest.opens_at, contest.closes_at = opens_at, closes_at
    db.session.flush()
    record_event(
        actor, "contest.created" if created else "contest.changed", contest,
        category=category.name, opens_at=opens_at.isoformat(), closes_at=closes_at.isoformat(),
    )
    return contest


def _check_times(category: Category, opens_at: datetime, closes_at: datetime) -> None:
    """The vote opens in the future, after the shortlist is announced, and within the edition's voting dates."""
    edition, zone = category.edition, category.edition.timezone
    if opens_at <= clock.now():
        raise DomainError("The vote must open in the future", field="opens_at")
    if closes_at <= opens_at:
        raise DomainError("The vote must close after it opens", field="closes_at")
    if opens_at < edition.vote_open_at:
        raise DomainError(
            "The vote cannot open before the edition's public vote opens, at "
            f"{format_datetime(edition.vote_open_at, zone)}. Change the edition's dates first if it must open earlier",
            field="opens_at",
        )
    if closes_at > edition.vote_close_at:
        raise DomainError(
            f"The vote must close by the time the edition's public vote closes, at "
            f"{format_datetime(edition.vote_close_at, zone)}. Change the edition's dates first if it must close later",
            field="closes_at",
        )
    announced = edition.shortlist_published_at
    if announced is not None and opens_at < announced:
        raise DomainError(
            f"The vote cannot open before the shortlist is announced, at {format_datetime(announced, zone)}",
            field="opens_at",
        )
