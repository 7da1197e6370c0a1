"""Builders for the ceremony tests: a public vote with first-round scores behind it, and votes cast in it."""
from __future__ import annotations

import hashlib
from datetime import timedelta

from awards_app.core import clock
from awards_app.extensions import db
from awards_app.voting.models import Contest, Vote
from tests.judging_data import finalists, judging_site


def cast_votes(contest: Contest, finalist, count: int, voided: int = 0) -> list[Vote]:
    """`count` valid votes for a finalist (and `voided` voided ones), each from a different made-up voter."""
    start = db.session.query(Vote).count()
    votes = []
    for number in range(start, start + count + voided):
        vote = Vote(
            contest_id=contest.id, finalist_id=finalist.id,
            voter_key=hashlib.sha256(f"voter{number}".encode()).hexdigest(),
            receipt_code=f"R{number:011d}", cast_at=contest.opens_at + timedelta(minutes=number),
            client_network="198.51.100.0/24", email_domain="example.org",
        )
        if number >= start + count:
            vote.voided_at, vote.void_reason = contest.opens_at + timedelta(days=1), "A test void."
        votes.append(vote)
    db.session.add_all(votes)
    db.session.flush()
    return votes


def vote_site(organiser, *, closed: bool = True):
    """The judging site's category as a public vote: Morag, Hamish and Ailsa are finalists, the vote has run.

    First-round weighted means (the tie-break's measure): Morag 8, Hamish 6, Ailsa 4.5.
    """
    site = judging_site(has_public_vote=True)
    site.category.shortlist_method = "weighted"
    site.finalists = finalists(site.category, [site.morag, site.hamish, site.ailsa], organiser)
    now = clock.now()
    site.contest = Contest(
        category=site.category,
        opens_at=now - timedelta(days=8),
        closes_at=now - timedelta(hours=1) if closed else now + timedelta(days=1),
    )
    db.session.add(site.contest)
    db.session.flush()
    return site
