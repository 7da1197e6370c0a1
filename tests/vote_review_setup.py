"""Builders for the tests of the organisers' vote view and the published tally: a contest, its finalists, votes.

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
from awards_app.voting.models import Contest, Vote, VoteRequest
from tests.factories import make_category, make_edition, make_nomination

_numbers = itertools.count(1)


@dataclass
class VoteSite:
    """A public-vote category with three finalists and its contest (open from two days ago for a week)."""

    edition: Edition
    category: Category
    contest: Contest
    finalists: list[Finalist]


def vote_site(names=("Harbour Arts", "Breathe Easy", "Walk & Talk"), edition: Edition | None = None) -> VoteSite:
    """Build the contest around the clock's current time: opened two days ago, closes in five days.

    Give an edition to add a second contest (in a category of its own) to an edition built before.
    """
    category_name = "Self Management Project of the Year" if edition is None else f"Another category {next(_numbers)}"
    edition = edition or make_edition()
    category = make_category(edition, category_name, has_public_vote=True)
    finalists = []
    for position, name in enumerate(names):
        nomination = make_nomination(category, name, consent=ConsentState.GIVEN)
        finalist = Finalist(category=category, nomination=nomination, position=position, public_name=name)
        db.session.add(finalist)
        finalists.append(finalist)
    now = clock.now()
    contest = Contest(category=category, opens_at=now - timedelta(days=2), closes_at=now + timedelta(days=5))
    db.session.add(contest)
    db.session.flush()
    return VoteSite(edition, category, contest, finalists)


def add_vote(
    site: VoteSite,
    finalist: Finalist,
    *,
    cast_at: datetime | None = None,
    domain: str = "example.org",
    network: str = "192.0.2.0/24",
    voided: bool = False,
    receipt: str | None = None,
    voter_key: str | None = None,
) -> Vote:
    """One vote by a distinct made-up voter (unless voter_key is given)."""
    number = next(_numbers)
    vote = Vote(
        contest=site.contest,
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
    return vote


def add_votes(site: VoteSite, finalist: Finalist, count: int, **fields) -> list[Vote]:
    """Several votes with the same details."""
    return [add_vote(site, finalist, **fields) for _ in range(count)]


def add_request(
    site: VoteSite, finalist: Finalist, *, expires_in: timedelta, confirmed: bool = False, superseded: bool = False
) -> VoteRequest:
    """A vote request made an hour ago whose link expires `expires_in` from now (negative: already expired)."""
    now = clock.now()
    request = VoteRequest(
        contest=site.contest,
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
