"""Integrity under load, on PostgreSQL: many presses of one link count once; many different votes all count.

The test's own db_session holds one connection in a transaction that is rolled back, which threads cannot share. So
these tests build their data through a second app on the same database (tests/fixtures/apps.py side_app), commit it, let
threads confirm votes each in an app context and session of their own, and delete what they made afterwards.
"""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from sqlalchemy import delete, func, select, text

from awards_app.core import clock, uow
from awards_app.core.links import LinkProblem
from awards_app.core.models import AuditEvent, OutboxEmail, SingleUseLink
from awards_app.extensions import db
from awards_app.programme.models import Edition
from awards_app.voting.models import Contest, Vote, VoteRequest
from awards_app.voting.voter_keys import voter_key
from awards_app.voting.votes import confirm_vote, replace_vote_link, request_vote
from tests.factories.voting import voting_site
from tests.fixtures.apps import side_app

pytestmark = pytest.mark.postgres

ONE_LINK_PRESSES = 50
DIFFERENT_VOTES = 1000
WORKERS = 25


@pytest.fixture(scope="module")
def side(app):
    """A second app on the test database, whose sessions commit for real (threads need committed data)."""
    other = side_app({
        "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
        # One connection per thread at the busiest moment, opened only when needed.
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": 10, "max_overflow": ONE_LINK_PRESSES, "pool_timeout": 30},
        "PUBLIC_BASE_URL": "http://awards.test",
        "MAIL_BACKEND": "smtp",  # the outbox keeps the emails; nothing is delivered inside a request
    })
    yield other
    with other.app_context():
        db.engine.dispose()


def _max_id(model) -> int:
    return db.session.scalar(select(func.coalesce(func.max(model.id), 0)))


@pytest.fixture
def committed_site(side):
    """An open contest committed through the side app; everything the test made is deleted afterwards."""
    clock.freeze(None)
    with side.app_context():
        before = {model: _max_id(model) for model in (AuditEvent, OutboxEmail, SingleUseLink)}
        site = voting_site()
        db.session.commit()
        ids = {"edition": site.edition.id, "contest": site.contest.id,
               "finalists": [finalist.id for finalist in site.finalists]}
        db.session.remove()
    yield ids
    with side.app_context():
        # Deleting the edition cascades to its categories, contest, finalists, nominations, votes and requests.
        db.session.execute(delete(Edition).where(Edition.id == ids["edition"]))
        for model in (OutboxEmail, SingleUseLink):
            db.session.execute(delete(model).where(model.id > before[model]))
        db.session.commit()
        # The audit log refuses deletes by trigger; as the database owner, the clean-up alone sets that aside.
        db.session.execute(text("SET LOCAL session_replication_role = replica"))
        db.session.execute(delete(AuditEvent).where(AuditEvent.id > before[AuditEvent]))
        db.session.commit()
        db.session.remove()


def _confirm(side, token: str, barrier: threading.Barrier | None = None) -> str:
    """One press of "Confirm my vote", in its own app context and session, as a request would be; its outcome."""
    with side.app_context():
        try:
            if barrier is not None:
                barrier.wait(timeout=30)
            vote, already = confirm_vote(token)
            uow.commit()
            return "already voted" if already else "counted"
        except LinkProblem as problem:
            db.session.rollback()
            return problem.reason
        finally:
            db.session.remove()


def _votes(side, contest_id: int) -> list[Vote]:
    with side.app_context():
        rows = list(db.session.scalars(select(Vote).where(Vote.contest_id == contest_id)))
        db.session.expunge_all()
        db.session.remove()
        return rows


def test_fifty_simultaneous_presses_of_one_link_count_one_vote(side, committed_site):
    with side.app_context():
        contest = db.session.get(Contest, committed_site["contest"])
        pending = request_vote(contest, committed_site["finalists"][0], "jo.bloggs@gmail.com", "198.51.100.7")
        db.session.flush()
        token = replace_vote_link(pending)  # the link the email would carry
        key = pending.voter_key
        db.session.commit()
        db.session.remove()

    barrier = threading.Barrier(ONE_LINK_PRESSES)
    with ThreadPoolExecutor(max_workers=ONE_LINK_PRESSES) as pool:
        outcomes = list(pool.map(lambda _: _confirm(side, token, barrier), range(ONE_LINK_PRESSES)))

    assert outcomes.count("counted") == 1, outcomes
    assert set(outcomes) <= {"counted", "already voted", "used"}, outcomes
    votes = _votes(side, committed_site["contest"])
    assert len(votes) == 1 and votes[0].voter_key == key
    with side.app_context():
        assert key == voter_key("JoBloggs@googlemail.com")
        request_row = db.session.scalar(select(VoteRequest).where(VoteRequest.contest_id == committed_site["contest"]))
        assert request_row.confirmed_at is not None and request_row.email is None
        db.session.remove()


def pending_links(side, site: dict, count: int, domain=lambda number: "example.org",
                  network=lambda number: "198.51.100.0/24") -> list[str]:
    """`count` pending votes from different voters (voterN@<domain>), committed; the token of each one's link."""
    with side.app_context():
        now, finalists = clock.now(), site["finalists"]
        requests = [
            VoteRequest(
                contest_id=site["contest"], finalist_id=finalists[number % len(finalists)],
                voter_key=voter_key(f"voter{number}@{domain(number)}"), email=f"voter{number}@{domain(number)}",
                email_domain=domain(number), client_network=network(number), created_at=now,
                expires_at=now + timedelta(hours=24),
            )
            for number in range(count)
        ]
        db.session.add_all(requests)
        db.session.flush()
        tokens = [replace_vote_link(row) for row in requests]
        db.session.commit()
        db.session.remove()
    return tokens


def test_a_thousand_different_confirmations_in_parallel_count_a_thousand_votes(side, committed_site):
    tokens = pending_links(side, committed_site, DIFFERENT_VOTES)

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        outcomes = list(pool.map(lambda token: _confirm(side, token), tokens))

    assert outcomes == ["counted"] * DIFFERENT_VOTES, {outcome: outcomes.count(outcome) for outcome in set(outcomes)}
    votes = _votes(side, committed_site["contest"])
    assert len(votes) == DIFFERENT_VOTES
    assert len({vote.voter_key for vote in votes}) == DIFFERENT_VOTES
    assert len({vote.receipt_code for vote in votes}) == DIFFERENT_VOTES
    per_finalist = {finalist: sum(vote.finalist_id == finalist for vote in votes) for finalist in committed_site["finalists"]}
    assert sorted(per_finalist.values()) == [333, 333, 334]


def test_one_voters_several_links_pressed_at_once_count_one_vote(side, committed_site):
    # Since issue #14 a voter may hold several working links (one per request, perhaps for different finalists);
    # confirming one closes the others. Pressed all at once, they must neither deadlock nor count twice.
    with side.app_context():
        contest = db.session.get(Contest, committed_site["contest"])
        tokens = []
        for finalist, spelling in zip(committed_site["finalists"], ["jo.bloggs@gmail.com", "JoBloggs@googlemail.com",
                                                                    "jo.bloggs+2@gmail.com"]):
            pending = request_vote(contest, finalist, spelling, "198.51.100.7")
            db.session.flush()
            tokens.append(replace_vote_link(pending))
        db.session.commit()
        db.session.remove()

    presses = [tokens[number % len(tokens)] for number in range(ONE_LINK_PRESSES)]
    barrier = threading.Barrier(len(presses))
    with ThreadPoolExecutor(max_workers=len(presses)) as pool:
        outcomes = list(pool.map(lambda token: _confirm(side, token, barrier), presses))

    assert outcomes.count("counted") == 1, outcomes
    assert set(outcomes) <= {"counted", "already voted", "used"}, outcomes
    votes = _votes(side, committed_site["contest"])
    assert len(votes) == 1
    with side.app_context():
        assert votes[0].voter_key == voter_key("jo.bloggs@gmail.com")
        rows = list(db.session.scalars(select(VoteRequest).where(VoteRequest.contest_id == committed_site["contest"])))
        assert all(row.email is None for row in rows), "no plain address is kept once the vote is in"
        db.session.remove()
