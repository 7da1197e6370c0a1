"""The kept vote figures under concurrency, on PostgreSQL: votes and voids committing at once all count, once.

Threads need committed data and sessions of their own, so the contest is made through the side app of
test_vote_concurrency.py (its fixtures, which also delete everything afterwards) and each thread works in an app
context of its own, as a request would.
"""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest

from awards_app.accounts.models import Role, User
from awards_app.core import clock, uow
from awards_app.core.errors import DomainError
from awards_app.extensions import db
from awards_app.voting import counters, oversight
from awards_app.voting.models import Contest, Vote
from awards_app.voting.voter_keys import voter_key
from awards_app.voting.votes import insert_vote_once
from tests.voting.test_vote_concurrency import (  # noqa: F401 (fixtures)
    _confirm, committed_site, pending_links, side,
)

pytestmark = pytest.mark.postgres

ROUNDS = 15
CONFIRMATIONS = 200
WORKERS = 10


def _figures(side, contest_id: int) -> tuple[counters.Totals, list[str]]:
    """The contest's kept totals and what a recount says of every figure, read afresh."""
    with side.app_context():
        contest = db.session.get(Contest, contest_id)
        found = counters.totals(contest), counters.recount_mismatches(contest)
        db.session.remove()
        return found


def _vote_at_once(side, contest_id: int, finalist_id: int, person: str, hour: int, start_together) -> None:
    """Insert (and count) one vote as soon as the other thread is ready too, then commit."""
    with side.app_context():
        try:
            start_together.wait(timeout=30)
            insert_vote_once(contest_id=contest_id, finalist_id=finalist_id, voter_key=voter_key(person),
                             cast_at=clock.now() - timedelta(hours=hour), client_network=f"192.0.{hour}.0/24",
                             email_domain=f"round{hour}.example")
            uow.commit()
        finally:
            db.session.remove()


def test_two_votes_committing_at_once_both_count_even_in_rows_neither_found(side, committed_site):
    contest_id, finalist_id = committed_site["contest"], committed_site["finalists"][0]
    for hour in range(ROUNDS):  # every round's hour, domain and network are new: both votes race to make the rows
        start_together = threading.Barrier(2)
        with ThreadPoolExecutor(max_workers=2) as pool:
            voting = [pool.submit(_vote_at_once, side, contest_id, finalist_id, f"{person}{hour}@example.org", hour,
                                  start_together) for person in ("ailsa", "morag")]
            for vote in voting:
                vote.result()  # any error in a thread fails the test

    totals, mismatches = _figures(side, contest_id)
    assert totals == counters.Totals(counted=2 * ROUNDS, voided=0, assisted=0)
    assert mismatches == []


def test_many_confirmations_at_once_keep_every_figure_equal_to_a_recount(side, committed_site):
    tokens = pending_links(side, committed_site, CONFIRMATIONS,
                           domain=lambda number: ("gmail.com", "nhs.scot", "outlook.com")[number % 3],
                           network=lambda number: f"198.51.{number % 4}.0/24")

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        outcomes = list(pool.map(lambda token: _confirm(side, token), tokens))

    assert outcomes == ["counted"] * CONFIRMATIONS
    totals, mismatches = _figures(side, committed_site["contest"])
    assert totals.counted == CONFIRMATIONS
    assert mismatches == []


def _void_at_once(side, vote_id: int, start_together, block: bool) -> str:
    """Void one vote, or its whole domain, as soon as the other organiser is ready too; what happened."""
    with side.app_context():
        try:
            # An organiser as the rules see one, never saved: the committed data must leave nothing behind.
            organiser = User(email="void-race@example.org", name="Organiser", role=Role.ORGANISER, active=True)
            vote = db.session.get(Vote, vote_id)
            start_together.wait(timeout=30)
            if block:
                oversight.void_votes(organiser, vote.contest, "domain", vote.email_domain, "A burst")
            else:
                oversight.void_vote(organiser, vote, "Asked to cancel")
            uow.commit()
            return "voided"
        except DomainError:
            db.session.rollback()
            return "refused"
        finally:
            db.session.remove()


def test_two_organisers_voiding_one_vote_at_once_move_it_once(side, committed_site):
    with side.app_context():
        votes = [
            insert_vote_once(contest_id=committed_site["contest"], finalist_id=committed_site["finalists"][1],
                             voter_key=voter_key(f"target{number}@example.org"), cast_at=clock.now(),
                             client_network="203.0.113.0/24", email_domain="quickinbox.example")
            for number in range(2)
        ]
        ids = [vote.id for vote in votes]
        db.session.commit()
        db.session.remove()

    for vote_id, blocks in ((ids[0], (False, False)), (ids[1], (False, True))):
        start_together = threading.Barrier(2)
        with ThreadPoolExecutor(max_workers=2) as pool:
            voiding = [pool.submit(_void_at_once, side, vote_id, start_together, block) for block in blocks]
            outcomes = [void.result() for void in voiding]
        assert sorted(outcomes) in (["refused", "voided"], ["voided", "voided"]), outcomes

    totals, mismatches = _figures(side, committed_site["contest"])
    assert (totals.counted, totals.voided) == (0, 2)
    assert mismatches == []
