"""Ties for a place, settled by the edition's rule (pure arithmetic, worked by hand)."""
from __future__ import annotations

from awards_app.judging.ranking import settle_ties


def test_no_ties_orders_by_result_with_unranked_last():
    settled = settle_ties({1: 3.0, 2: None, 3: 7.0, 4: 5.0}, {}, "first_round")
    assert settled.order == [3, 4, 1, 2]
    assert settled.ties == []
    assert settled.places(1) == {3: "winner", 4: "highly_commended", 1: "", 2: ""}


def test_the_first_round_settles_a_tie():
    # 1 and 2 both have 10 votes; in the first round 2 scored 7.5 and 1 scored 6.
    settled = settle_ties({1: 10.0, 2: 10.0, 3: 4.0}, {1: 6.0, 2: 7.5, 3: 9.0}, "first_round")
    assert settled.order == [2, 1, 3]
    assert [(group.finalist_ids, group.settled) for group in settled.ties] == [((2, 1), True)]
    assert not settled.open_tie(1, 2)
    assert settled.places(0) == {2: "winner", 1: "", 3: ""}


def test_equal_or_missing_first_round_results_leave_the_tie_open():
    equal = settle_ties({1: 10.0, 2: 10.0}, {1: 6.0, 2: 6.0}, "first_round")
    missing = settle_ties({1: 10.0, 2: 10.0}, {1: 6.0}, "first_round")
    for settled in (equal, missing):
        assert settled.order == [1, 2]  # the order given is kept
        assert settled.open_tie(1, 2) and settled.open_tie(2, 1)


def test_under_the_organisers_rule_every_tie_is_open():
    settled = settle_ties({1: 2.0, 2: 5.0, 3: 5.0, 4: 2.0}, {2: 1.0, 3: 9.0}, "organisers")
    assert settled.order == [2, 3, 1, 4]
    assert [(group.finalist_ids, group.settled) for group in settled.ties] == [((2, 3), False), ((1, 4), False)]
    assert not settled.open_tie(2, 1)


def test_borda_averages_within_the_tolerance_are_equal():
    settled = settle_ties({1: 1 / 3 * 3, 2: 1.0}, {1: 2.0, 2: 4.0}, "first_round")
    assert settled.order == [2, 1] and settled.ties[0].settled


def test_places_skip_finalists_without_a_result():
    settled = settle_ties({1: None, 2: 1.0}, {}, "first_round")
    assert settled.places(2) == {2: "winner", 1: ""}
