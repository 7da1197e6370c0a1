"""The count of a public vote, and the anonymised list of votes that anyone can recount once it is published.

The organisers see the count live (voting/oversight.py). The public sees nothing of it until an organiser
publishes the list, which is possible only once the category's result has been revealed at the ceremony (the count
names the winner, so an earlier list would announce it before the ceremony): one row per vote with the SHA-256 of
its receipt code, the finalist and whether the vote was voided, sorted by the hash so that the order says nothing
about when anyone voted. Anyone can count the rows; every voter can hash their own receipt code and find their row.
The list is shown only while the result is revealed: a reveal taken back takes the list down with it.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from awards_app.accounts.models import User
from awards_app.ceremony.award_records import reveal_of
from awards_app.ceremony.models import Reveal
from awards_app.core import clock
from awards_app.core.audit import record_event
from awards_app.core.errors import DomainError
from awards_app.extensions import db
from awards_app.judging.models import Finalist
from awards_app.permissions import is_organiser
from awards_app.programme.models import Edition
from awards_app.voting import counters
from awards_app.voting.models import Contest, Vote
from awards_app.voting.votes import ballot_finalists, public_contests
from awards_app.web.template_helpers import format_datetime

PUBLISH_ACTION = "tally.published"
NOT_RECEIPT_CHARACTERS = re.compile(r"[^0-9A-Z]")


# --- The count ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TallyLine:
    """One finalist's valid votes and their share of all valid votes."""

    finalist: Finalist
    name: str
    votes: int
    share: float  # 0..1; 0 when nobody has voted yet


@dataclass(frozen=True)
class Tally:
    """Valid votes per finalist (voided votes left out), and how many votes were voided."""

    lines: list[TallyLine]  # every finalist on the ballot, in its (alphabetical) order, zeros included
    counted: int
    voided: int

    @property
    def cast(self) -> int:
        """Every vote in the log, voided or not."""
        return self.counted + self.voided


def count_votes(contest: Contest) -> Tally:
    """Count the contest's valid votes per finalist; voided votes stay in the log but are not counted.

    From the figures kept as votes arrive (voting/counters.py), which always equal a count of the votes themselves.
    """
    per_finalist, voided = counters.counted_per_finalist(contest)
    counted = sum(per_finalist.values())
    return Tally(lines=_lines(contest, per_finalist, counted), counted=counted, voided=voided)


def _lines(contest: Contest, per_finalist: dict[int, int], counted: int) -> list[TallyLine]:
    """A line per finalist on the ballot (those who agreed to be named), and any other finalist who has votes."""
    finalists = ballot_finalists(contest)
    on_ballot = {finalist.id for finalist in finalists}
    finalists += [db.session.get(Finalist, finalist_id) for finalist_id in per_finalist if finalist_id not in on_ballot]
    return [
        TallyLine(
            finalist=finalist,
            name=finalist.display_name,
            votes=per_finalist.get(finalist.id, 0),
            share=per_finalist.get(finalist.id, 0) / counted if counted else 0.0,
        )
        for finalist in finalists
    ]


# --- Publishing --------------------------------------------------------------------------------------------------


def is_published(contest: Contest) -> bool:
    """Whether an organiser has published the anonymised list of votes."""
    return contest.tally_published_at is not None


def result_is_revealed(contest: Contest) -> bool:
    """Whether the contest's category has its result revealed at the ceremony (and not taken back)."""
    reveal = reveal_of(contest.category)
    return reveal is not None and reveal.revealed_at is not None


def is_public(contest: Contest) -> bool:
    """Whether anyone may see the list: published, the category's result revealed, and its edition public."""
    return contest.category.edition.is_public and is_published(contest) and result_is_revealed(contest)


def can_publish(contest: Contest) -> bool:
    """Whether the list may be published now: closed, its result revealed at the ceremony, and not published yet."""
    return not is_published(contest) and clock.now() >= contest.closes_at and result_is_revealed(contest)


def publish_tally(actor: User | None, contest: Contest) -> datetime:
    """Make the anonymised list of votes public; only organisers, only once, only after the contest has closed and
    its category's result has been revealed at the ceremony."""
    is_organiser.require(actor)
    if is_published(contest):
        raise DomainError("The list of votes has already been published.")
    now = clock.now()
    if now < contest.closes_at:
        closes = format_datetime(contest.closes_at, contest.category.edition.timezone)
        raise DomainError(f"The vote is still open: the list of votes can be published after it closes at {closes}.")
    if not result_is_revealed(contest):
        raise DomainError(
            f"The list of votes can be published once the result of {contest.category.name} has been revealed at "
            "the ceremony: until then, its totals would tell everyone who won."
        )
    tally = count_votes(contest)
    contest.tally_published_at = now
    # /results links to the list once it is out: its ETag (the edition's results version) must change with it.
    # Imported here because ceremony.reveals imports this module.
    from awards_app.ceremony.reveals import _bump_version

    _bump_version(contest.category.edition)
    db.session.flush()
    record_event(
        actor, PUBLISH_ACTION, contest, category=contest.category.name, counted=tally.counted, voided=tally.voided,
        totals={line.name: line.votes for line in tally.lines},
    )
    return now


@dataclass(frozen=True)
class VoteList:
    """A public vote's list of votes (with its receipt checker), for the public pages' links to it."""

    contest: Contest
    public: bool  # out now (is_public); otherwise it comes after the category's result is revealed at the ceremony


def vote_lists(edition: Edition | None) -> list[VoteList]:
    """The edition's public votes in category order, each saying whether its list is public now (is_public, for all
    at once); none before the shortlist is public, as there is no public vote to speak of."""
    contests = public_contests(edition)
    if not contests:
        return []
    revealed = set(
        db.session.scalars(
            select(Reveal.category_id).where(
                Reveal.category_id.in_([contest.category_id for contest in contests]), Reveal.revealed_at.is_not(None)
            )
        )
    )
    return [VoteList(contest, is_published(contest) and contest.category_id in revealed) for contest in contests]


# --- The published list ------------------------------------------------------------------------------------------


def receipt_hash(receipt_code: str) -> str:
    """The SHA-256 of a receipt code exactly as the voter was given it (capitals and hyphens), in hexadecimal."""
    return hashlib.sha256(receipt_code.encode("utf-8")).hexdigest()


def normalise_receipt(typed: str) -> str:
    """A receipt code as typed, reduced to its letters and digits in capitals (spaces and hyphens do not matter)."""
    return NOT_RECEIPT_CHARACTERS.sub("", (typed or "").upper())


@dataclass(frozen=True)
class TallyRow:
    """One vote as the public list shows it."""

    receipt_hash: str
    finalist: str
    voided: bool


@dataclass(frozen=True)
class PublishedTally:
    """The anonymised list of a contest's votes, sorted by hash, with the totals anyone can recount from it."""

    contest: Contest
    rows: list[TallyRow]
    totals: Tally


def published_tally(contest: Contest) -> PublishedTally:
    """The anonymised list of votes; ask only for a published contest (the public routes 404 otherwise)."""
    if not is_published(contest):
        raise DomainError("The list of votes has not been published.")
    totals = count_votes(contest)
    names = {line.finalist.id: line.name for line in totals.lines}
    votes = db.session.execute(
        select(Vote.receipt_code, Vote.finalist_id, Vote.voided_at).where(Vote.contest_id == contest.id)
    ).all()
    for finalist_id in {finalist_id for _code, finalist_id, _voided_at in votes} - set(names):
        names[finalist_id] = db.session.get(Finalist, finalist_id).display_name  # only voided votes, off the ballot
    rows = sorted(
        (TallyRow(receipt_hash(code), names[finalist_id], voided_at is not None)
         for code, finalist_id, voided_at in votes),
        key=lambda row: row.receipt_hash,
    )
    return PublishedTally(contest=contest, rows=rows, totals=totals)


def find_vote_by_receipt(contest: Contest, typed: str) -> Vote | None:
    """The contest's vote with this receipt code, however the code was typed (case, spaces, hyphens)."""
    wanted = normalise_receipt(typed)
    if not wanted:
        return None
    stored = func.upper(func.replace(func.replace(Vote.receipt_code, "-", ""), " ", ""))
    return db.session.scalar(select(Vote).where(Vote.contest_id == contest.id, stored == wanted).limit(2))


def check_receipt(contest: Contest, typed: str) -> TallyRow | None:
    """The published row of a receipt code, or None when no vote in the list has it."""
    if not is_published(contest):
        raise DomainError("The list of votes has not been published.")
    vote = find_vote_by_receipt(contest, typed)
    if vote is None:
        return None
    return TallyRow(receipt_hash(vote.receipt_code), vote.finalist.display_name, vote.voided_at is not None)
