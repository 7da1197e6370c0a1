"""The dashboard's watch over each public vote: counted votes cast since midnight in the edition's time, and the
number of things the vote view flags."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from awards_app.core.errors import NotAllowed
from awards_app.voting.oversight import SPIKE_MIN_VOTES, vote_summary, watch_contests
from tests.factories.accounts import make_judge
from tests.factories.voting import make_vote, make_votes, voting_site


def test_votes_today_start_at_midnight_in_the_editions_time_and_leave_voided_ones_out(organiser, clock, db_session):
    clock.set(datetime(2026, 6, 10, 12, tzinfo=timezone.utc))  # 1pm in Edinburgh (BST)
    site = voting_site()
    finalist = site.finalists[0]
    make_vote(site.contest, finalist, cast_at=datetime(2026, 6, 9, 23, 30, tzinfo=timezone.utc))  # 00:30 BST today
    make_vote(site.contest, finalist, cast_at=datetime(2026, 6, 9, 22, 30, tzinfo=timezone.utc))  # 23:30 yesterday
    make_vote(site.contest, finalist, voided=True)
    make_vote(site.contest, finalist)
    [watched] = watch_contests(organiser, site.edition)
    assert (watched.contest, watched.counted_today, watched.flags) == (site.contest, 2, 0)


def test_flags_are_those_of_the_vote_view(organiser, clock, db_session):
    site = voting_site()
    make_votes(site.contest, site.finalists[0], SPIKE_MIN_VOTES, domain="bulk.example", network="198.51.100.0/24")
    make_votes(site.contest, site.finalists[1], 3, cast_at=clock.now() - timedelta(days=1, hours=3))
    [watched] = watch_contests(organiser, site.edition)
    assert watched.flags == len(vote_summary(organiser, site.contest).spikes) >= 2


def test_only_organisers_watch(clock, db_session):
    site = voting_site()
    with pytest.raises(NotAllowed):
        watch_contests(make_judge(), site.edition)
