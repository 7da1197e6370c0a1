"""The ceremony: the running order, revealing each category's result (and hiding one revealed by mistake), and
what the public results page, the presenter view and the archive may show.

Nothing of a result leaves the server before its reveal: public_results() reads awards only for revealed categories.
Every reveal, hide, move or change of what is shown adds one to the edition's results_version in the same
transaction, so a page polling /results can ask "has anything changed since version N?" with one indexed read
(results_stamp) and be told 304 Not Modified without any other work.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import selectinload

from awards_app.accounts.models import User
from awards_app.ceremony import award_records
from awards_app.ceremony.award_records import PLACE_LABELS
from awards_app.ceremony.models import Award, Place, Reveal
from awards_app.ceremony.winners import Standing, ceremony_row, standing
from awards_app.core import clock
from awards_app.core.audit import record_event
from awards_app.core.errors import DomainError
from awards_app.extensions import db
from awards_app.judging.models import Finalist
from awards_app.nominations.models import ConsentState, Nomination
from awards_app.permissions import is_organiser
from awards_app.programme.editions import pick_current, public_editions
from awards_app.programme.models import Category, Edition
from awards_app.publication.public_shortlist import shortlist_is_public
from awards_app.voting.contests import contest_of
from awards_app.voting.tally import count_votes

MOVES = ("up", "down")


# --- The organisers' running order --------------------------------------------------------------------------------


@dataclass
class CeremonyItem:
    """One category in the running order, with its result's state for the organisers."""

    category: Category
    position: int  # 1-based place in the running order
    standing: Standing

    @property
    def reveal(self) -> Reveal | None:
        """The category's ceremony row, if it has one."""
        return self.standing.reveal


def running_order(edition: Edition) -> list[Category]:
    """The edition's categories in ceremony order: those with a place first, the rest in category order."""
    places = dict(
        db.session.execute(
            select(Reveal.category_id, Reveal.running_order)
            .join(Category, Reveal.category_id == Category.id)
            .where(Category.edition_id == edition.id)
        ).all()
    )
    last = len(edition.categories) + max(places.values(), default=0)
    return sorted(
        edition.categories,
        key=lambda category: (places.get(category.id, last + category.display_order), category.display_order,
                              category.id),
    )


def ceremony_items(edition: Edition) -> list[CeremonyItem]:
    """The running order with each category's standing, for the ceremony control page."""
    return [
        CeremonyItem(category, position, standing(category))
        for position, category in enumerate(running_order(edition), start=1)
    ]


def _bump_version(edition: Edition) -> None:
    """Tell polling pages that something changed (an atomic UPDATE, so concurrent changes both count)."""
    db.session.execute(
        update(Edition)
        .where(Edition.id == edition.id)
        .values(results_version=Edition.results_version + 1)
        .execution_options(synchronize_session=False)
    )
    db.session.expire(edition, ["results_version"])


def move_category(actor: User, category: Category, direction: str) -> None:
    """Move a category one place up or down the running order; audited."""
    is_organiser.require(actor)
    if direction not in MOVES:
        raise DomainError("Choose up or down")
    edition = category.edition
    order = running_order(edition)
    index = order.index(category)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(order):
        raise DomainError(f"{category.name} is already {'first' if direction == 'up' else 'last'}.")
    order[index], order[other] = order[other], order[index]
    for position, item in enumerate(order, start=1):
        ceremony_row(item).running_order = position
    record_event(actor, "ceremony.moved", category, direction=direction, position=other + 1)
    _bump_version(edition)
    db.session.flush()


def reveal_category(actor: User, category: Category) -> Reveal:
    """Reveal a confirmed result to the public results page and the presenter view; audited."""
    is_organiser.require(actor)
    reveal = award_records.reveal_of(category)
    if reveal is None or reveal.confirmed_at is None:
        raise DomainError(f"Confirm the result of {category.name} before revealing it.")
    if reveal.revealed_at is not None:
        raise DomainError(f"{category.name} has been revealed already.")
    reveal.revealed_at = clock.now()
    category.edition.ceremony_focus_id = category.id
    record_event(actor, "ceremony.revealed", category)
    _bump_version(category.edition)
    db.session.flush()
    return reveal


def hide_category(actor: User, category: Category, reason: str = "") -> None:
    """Take back a reveal made by mistake: the category shows "To be announced" again; audited with the reason."""
    is_organiser.require(actor)
    reveal = award_records.reveal_of(category)
    if reveal is None or reveal.revealed_at is None:
        raise DomainError(f"{category.name} has not been revealed.")
    reason = award_records.checked_reason(reason, ["say why the reveal is taken back"])
    record_event(actor, "ceremony.hidden", category, revealed_at=reveal.revealed_at, reason=reason)
    reveal.revealed_at = None
    _bump_version(category.edition)
    db.session.flush()


def set_vote_shares(actor: User, category: Category, show: bool) -> None:
    """Choose whether the results page shows the public vote's shares once the category is revealed; audited."""
    is_organiser.require(actor)
    if not category.has_public_vote:
        raise DomainError(f"{category.name} has no public vote.")
    reveal = ceremony_row(category)
    if reveal.show_vote_shares == show:
        return
    reveal.show_vote_shares = show
    record_event(actor, "ceremony.vote_shares", category, shown=show)
    _bump_version(category.edition)
    db.session.flush()


# --- What the public sees -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ResultsStamp:
    """What a poll of the results needs to know whether anything changed: one row of the current edition."""

    edition_id: int
    version: int
    shortlist_public: bool
    focus_id: int | None

    def etag(self, variant: str) -> str:
        """An entity tag for one representation (page, fragment, slide): it says nothing of any result."""
        return f'"results-{self.edition_id}-{self.version}-{int(self.shortlist_public)}-{variant}"'


_STAMP_COLUMNS = (
    Edition.id, Edition.year, Edition.results_version, Edition.shortlist_published_at, Edition.ceremony_focus_id,
    Edition.nominations_open_at, Edition.nominations_close_at, Edition.shortlist_publish_at, Edition.vote_open_at,
    Edition.vote_close_at, Edition.ceremony_at, Edition.timezone, Edition.announced_at,
)


def results_stamp(year: int | None = None) -> ResultsStamp | None:
    """The stamp of the current edition (or of `year`), read in one query without loading any model; never a draft's."""
    now = clock.now()
    query = select(*_STAMP_COLUMNS).where(Edition.is_public)
    if year is not None:
        row = db.session.execute(query.where(Edition.year == year)).first()
    else:
        row = pick_current(db.session.execute(query.order_by(Edition.nominations_open_at)).all(), now)
    if row is None:
        return None
    public = row.shortlist_published_at is not None and row.shortlist_published_at <= now
    return ResultsStamp(row.id, row.results_version, public, row.ceremony_focus_id)


@dataclass(frozen=True)
class PublicFinalist:
    """A finalist as the public sees them."""

    id: int
    name: str
    summary: str
    votes_share: float | None = None  # shown only where the organisers chose, after the reveal


@dataclass
class PublicResult:
    """One category on the results page: its finalists, and the result only once revealed."""

    category: Category
    position: int
    finalists: list[PublicFinalist]
    revealed_at: datetime | None = None
    winners: list[PublicFinalist] = field(default_factory=list)
    highly_commended: list[PublicFinalist] = field(default_factory=list)
    shares: list[PublicFinalist] = field(default_factory=list)  # best first; empty unless shown

    @property
    def revealed(self) -> bool:
        """Whether the result is out."""
        return self.revealed_at is not None

    def placed(self) -> list[tuple[str, PublicFinalist]]:
        """The revealed result as (place in words, finalist), the winner first; empty before the reveal."""
        return [(PLACE_LABELS[Place.WINNER], finalist) for finalist in self.winners] + [
            (PLACE_LABELS[Place.HIGHLY_COMMENDED], finalist) for finalist in self.highly_commended
        ]


def public_results(edition: Edition | None) -> list[PublicResult] | None:
    """The results page's categories in running order; None before the shortlist is public.

    Awards are read for revealed categories only, so nothing of an unrevealed result is ever in reach of a template.
    """
    if edition is None or not shortlist_is_public(edition):
        return None
    order = running_order(edition)
    reveals = {
        reveal.category_id: reveal
        for reveal in db.session.scalars(select(Reveal).where(Reveal.category_id.in_([c.id for c in order])))
    }
    finalists_by_category: dict[int, list[Finalist]] = {}
    for finalist in db.session.scalars(
        select(Finalist)
        .join(Nomination, Finalist.nomination_id == Nomination.id)
        # As on the shortlist: only finalists who agreed to be named are ever shown.
        .where(Finalist.category_id.in_([c.id for c in order]), Nomination.consent == ConsentState.GIVEN)
        .options(selectinload(Finalist.nomination))
        .order_by(Finalist.position, Finalist.id)
    ):
        finalists_by_category.setdefault(finalist.category_id, []).append(finalist)
    revealed_ids = [cid for cid, reveal in reveals.items() if reveal.revealed_at is not None]
    places: dict[int, Place] = dict(
        db.session.execute(select(Award.finalist_id, Award.place).where(Award.category_id.in_(revealed_ids))).all()
    ) if revealed_ids else {}
    results = []
    for position, category in enumerate(order, start=1):
        reveal = reveals.get(category.id)
        # Alphabetical, as on the shortlist: a finalist's position is the judges' ranking, and listing finalists in
        # that order would tell the room who is likely to win before the reveal.
        finalists = sorted(
            (
                PublicFinalist(finalist.id, finalist.display_name, finalist.nomination.public_summary or "")
                for finalist in finalists_by_category.get(category.id, [])
            ),
            key=lambda finalist: finalist.name.casefold(),
        )
        result = PublicResult(category=category, position=position, finalists=finalists)
        if reveal is not None and reveal.revealed_at is not None:
            result.revealed_at = reveal.revealed_at
            result.winners = [f for f in finalists if places.get(f.id) is Place.WINNER]
            result.highly_commended = [f for f in finalists if places.get(f.id) is Place.HIGHLY_COMMENDED]
            if category.has_public_vote and reveal.show_vote_shares:
                result.shares = _shares(category, finalists)
        results.append(result)
    return results


def _shares(category: Category, finalists: list[PublicFinalist]) -> list[PublicFinalist]:
    """The finalists with their share of the valid votes, best first."""
    contest = contest_of(category)
    if contest is None:
        return []
    shares = {line.finalist.id: line.share for line in count_votes(contest).lines}
    with_shares = [
        PublicFinalist(f.id, f.name, f.summary, votes_share=shares.get(f.id, 0.0)) for f in finalists
    ]
    return sorted(with_shares, key=lambda f: -f.votes_share)


def latest_reveal(results: list[PublicResult] | None) -> PublicResult | None:
    """The category revealed most recently, for the announcement to screen readers."""
    revealed = [result for result in results or [] if result.revealed]
    return max(revealed, key=lambda result: result.revealed_at) if revealed else None


def archived_editions() -> list[Edition]:
    """Public editions whose ceremony has happened, newest first, for the archive."""
    now = clock.now()
    return list(
        db.session.scalars(public_editions().where(Edition.ceremony_at <= now).order_by(Edition.year.desc()))
    )


def archived_edition(year: int) -> Edition | None:
    """The public edition of `year` if its ceremony has happened (the archive shows nothing of one still to come, nor
    of a draft)."""
    return db.session.scalar(public_editions().where(Edition.year == year, Edition.ceremony_at <= clock.now()))
