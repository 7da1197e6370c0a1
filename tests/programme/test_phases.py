"""Which phase an edition is in, from its dates and the clock."""
from datetime import timedelta

import pytest

from awards_app.programme.phases import Phase, dates_out_of_order, phase_of
from tests.factories.programme import START, make_edition


@pytest.mark.parametrize(
    ("offset", "phase"),
    [
        (timedelta(days=-1), Phase.UPCOMING),
        (timedelta(0), Phase.NOMINATIONS),
        (timedelta(weeks=6, seconds=-1), Phase.NOMINATIONS),
        (timedelta(weeks=6), Phase.JUDGING),
        (timedelta(weeks=11), Phase.SHORTLIST),
        (timedelta(weeks=11, days=1), Phase.VOTING),
        (timedelta(weeks=14), Phase.CEREMONY),
        (timedelta(weeks=16, hours=13), Phase.CEREMONY),  # 11pm in Edinburgh on the night
        (timedelta(weeks=16, hours=15), Phase.ARCHIVE),  # 1am the next morning
        (timedelta(weeks=16, days=1), Phase.ARCHIVE),
    ],
)
def test_phase_of(db_session, offset, phase):
    edition = make_edition()
    assert phase_of(edition, START + offset) is phase


def test_phase_follows_the_clock(db_session, clock):
    edition = make_edition()
    clock.set(START + timedelta(weeks=12))
    assert phase_of(edition) is Phase.VOTING


def test_dates_out_of_order_names_the_later_date():
    values = {"nominations_open_at": START, "nominations_close_at": START - timedelta(days=1)}
    assert dates_out_of_order(values) == [
        ("nominations_close_at", "Nominations close must be on or after nominations open")
    ]


def test_dates_in_order_are_fine(db_session):
    edition = make_edition()
    values = {name: getattr(edition, name) for name in ("nominations_open_at", "nominations_close_at", "ceremony_at")}
    assert dates_out_of_order(values) == []
