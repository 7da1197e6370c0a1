"""Which edition the organisers' dashboard at /admin/ shows: the one being run."""
from __future__ import annotations

from datetime import datetime, timezone

from awards_app.programme.editions import edition_being_run
from tests.factories.programme import make_edition


def test_the_edition_being_run_is_the_newest_announced_one_not_yet_finished(db_session, clock):
    clock.set(datetime(2026, 3, 1, 12, tzinfo=timezone.utc))
    finished = make_edition(2025, start=datetime(2025, 1, 12, 9, tzinfo=timezone.utc))
    running = make_edition(2026)
    draft = make_edition(2027, start=datetime(2027, 1, 12, 9, tzinfo=timezone.utc), draft=True)
    assert edition_being_run([draft, running, finished]) is running
    assert edition_being_run([draft, finished]) is draft  # nothing announced under way: the draft being prepared
    assert edition_being_run([finished]) is finished  # everything over: the newest
    assert edition_being_run([]) is None
