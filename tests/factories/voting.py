"""Contests, votes and vote requests, and the worlds of the voting tests.

Rows are made directly (Contest, Finalist, Vote, VoteRequest), so these tests do not depend on the voting journey.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import datetime, timedelta

from awards_app.core import clock
from awards_app.extensions import db
from awards_app.judging.models import Finalist
from awards_app.nominations.models import ConsentState
from awards_app.programme.models import Category, Edition
from awards_app.voting.counters import count_new_vote
from awards_app.voting.models import Contest, Vote, VoteRequest
from tests.factories.judging import make_finalists
from tests.factories.nominations import make_nomination
from tests.factories.programme import make_category, make_edition

_numbers = itertools.count(1)

# The finalists of a public vote unless told otherwise, and the public summaries the ballot shows for some of them.
FINALISTS = ("Harbour Arts", "Breathe Easy", "Walk & Talk")
BALLOT_SUMMARIES = {
    "Harbour Arts": "A weekly art group by the harbour for people living with pain.",
    "Breathe Easy Fife": "Singing for lung health, run by people with COPD.",
}


@dataclass
class VotingSite:
    """A public-vote category, its finalists and its contest."""

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


def make_contest(category: Category, opens_at: datetime | None = None, closes_at: datetime | None = None) -> Contest:
    """The category's public-vote contest (by default over the edition's whole voting window)."""
    contest = Contest(
        category_id=category.id,
        opens_at=opens_at or category.edition.vote_open_at,
        closes_at=closes_at or category.edition.vote_close_at,
    )
    db.session.add(contest)
    db.session.flush()
    return contest


def public_vote(edition: Edition, finalists=FINALISTS, *, name: str = "Self Management Project of the Year",
                display_order: int = 0, opens_at: datetime | None = None,
                closes_at: datetime | None = None) -> VotingSite:
    """A public-vote category of the edition, its consenting finalists (named in order; summaries from
    BALLOT_SUMMARIES) and its contest, open from two days ago for a week by the app's clock unless told otherwise."""
    now = clock.now()
    category = make_category(edition, name, has_public_vote=True, display_order=display_order)
    nominations = [
        make_nomination(category, finalist, consent=ConsentState.GIVEN, nominee_email=None,
                        public_summary=BALLOT_SUMMARIES.get(finalist, ""))
        for finalist in finalists
    ]
    rows = make_finalists(category, nominations)
    contest = make_contest(category, opens_at or now - timedelta(days=2), closes_at or now + timedelta(days=5))
    return VotingSite(edition, category, contest, rows)


def voting_site(published: bool = True) -> VotingSite:
    """An edition in its voting phase around the clock's time: the shortlist published two days ago (unless not), the
    public vote open from a day ago for a week."""
    now = clock.now()
    edition = make_edition(start=now - timedelta(weeks=11, days=2))
    if published:
        edition.shortlist_published_at = now - timedelta(days=2)
    finalists = ("Harbour Arts", "Breathe Easy Fife", "Walk & Talk")
    return public_vote(edition, finalists, opens_at=now - timedelta(days=1), closes_at=now + timedelta(days=6))


def make_vote(
    contest: Contest,
    finalist: Finalist,
    *,
    cast_at: datetime | None = None,
    domain: str = "example.org",
    network: str = "192.0.2.0/24",
    voided: bool = False,
    receipt: str | None = None,
    voter_key: str | None = None,
) -> Vote:
    """One vote, cast an hour ago, by a distinct made-up voter (unless voter_key is given)."""
    number = next(_numbers)
    vote = Vote(
        contest=contest,
        finalist=finalist,
        voter_key=voter_key or f"test-voter-{number:06d}",
        receipt_code=receipt or f"TEST-{number:04d}-{number % 97:04d}"[:14],
        cast_at=cast_at or clock.now() - timedelta(hours=1),
        client_network=network,
        email_domain=domain,
    )
    if voided:
        vote.voided_at = vote.cast_at + timedelta(minutes=5)
        vote.void_reason = "Test void"
    db.session.add(vote)
    db.session.flush()
    count_new_vote(vote)  # as every vote is counted, in its transaction
    return vote


def make_votes(contest: Contest, finalist: Finalist, count: int, **fields) -> list[Vote]:
    """Several votes with the same details, each by a distinct made-up voter."""
    return [make_vote(contest, finalist, **fields) for _ in range(count)]


def make_vote_request(
    contest: Contest, finalist: Finalist, *, expires_in: timedelta, confirmed: bool = False, superseded: bool = False
) -> VoteRequest:
    """A vote request made an hour ago whose link expires `expires_in` from now (negative: already expired)."""
    now = clock.now()
    request = VoteRequest(
        contest=contest,
        finalist=finalist,
        voter_key=f"test-request-{next(_numbers):06d}",
        email=None if confirmed else "voter@example.org",
        email_domain="example.org",
        client_network="192.0.2.0/24",
        created_at=now - timedelta(hours=1),
        expires_at=now + expires_in,
        confirmed_at=now if confirmed else None,
        superseded_at=now if superseded else None,
    )
    db.session.add(request)
    db.session.flush()
    return request
