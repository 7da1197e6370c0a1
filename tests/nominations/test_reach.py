"""The reach report: nominations by category and by local authority, and the councils reached."""
from __future__ import annotations

import pytest

from awards_app.nominations.duplicates import merge_nominations
from awards_app.nominations.models import NominationStatus
from awards_app.nominations.reach import count_reach
from awards_app.programme.scotland import LOCAL_AUTHORITIES
from tests.factories.nominations import make_nomination
from tests.factories.programme import make_category, make_edition


@pytest.fixture
def edition(db_session):
    """An edition to count in."""
    return make_edition()


def test_an_edition_without_nominations_has_reached_none_of_the_32(edition):
    first = make_category(edition, "First", display_order=1)

    report = count_reach(edition)

    assert report.total == 0
    assert report.by_category == [(first, 0)]
    assert report.by_local_authority == [(name, 0) for name in LOCAL_AUTHORITIES]
    assert len(report.by_local_authority) == 32
    assert report.reached == [] and report.not_reached == list(LOCAL_AUTHORITIES)
    assert report.elsewhere == 0


def test_counts_by_category_in_order_and_by_local_authority_with_zeros(edition):
    second = make_category(edition, "Second", display_order=2)
    first = make_category(edition, "First", display_order=1)
    empty = make_category(edition, "Empty", display_order=3)
    make_nomination(first, "Harbour Arts", local_authority="Fife")
    make_nomination(first, "Breathe Easy", local_authority="Fife")
    make_nomination(second, "Morag Fraser", local_authority="Na h-Eileanan Siar")

    report = count_reach(edition)

    assert report.total == 3
    assert report.by_category == [(first, 2), (second, 1), (empty, 0)]
    counts = dict(report.by_local_authority)
    assert counts["Fife"] == 2 and counts["Na h-Eileanan Siar"] == 1 and counts["Moray"] == 0
    assert [name for name, _count in report.by_local_authority] == list(LOCAL_AUTHORITIES)
    assert report.reached == ["Fife", "Na h-Eileanan Siar"]
    assert len(report.not_reached) == 30 and "Fife" not in report.not_reached


def test_withdrawn_and_merged_nominations_do_not_count_but_ineligible_ones_do(edition, organiser):
    category = make_category(edition)
    entry = make_nomination(category, "Harbour Arts", local_authority="Fife")
    duplicate = make_nomination(category, "Harbour Arts Ltd", local_authority="Moray")
    merge_nominations(organiser, entry, [duplicate])
    make_nomination(category, "Gone", local_authority="Angus", status=NominationStatus.WITHDRAWN)
    make_nomination(category, "Not eligible", local_authority="Highland", status=NominationStatus.INELIGIBLE)

    report = count_reach(edition)

    assert report.total == 2
    assert report.reached == ["Fife", "Highland"]  # not Moray (merged) nor Angus (withdrawn)
    assert report.by_category == [(category, 2)]


def test_other_editions_do_not_count(edition):
    category = make_category(edition)
    make_nomination(category, local_authority="Fife")
    other = make_category(make_edition(2027))
    make_nomination(other, local_authority="Moray")

    report = count_reach(edition)

    assert report.total == 1 and report.reached == ["Fife"]


def test_an_area_outside_the_list_is_counted_apart(edition):
    category = make_category(edition)
    make_nomination(category, local_authority="Fife")
    make_nomination(category, local_authority="Somewhere else")

    report = count_reach(edition)

    assert report.total == 2
    assert report.elsewhere == 1
    assert report.reached == ["Fife"]
