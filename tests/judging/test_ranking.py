"""The ranking arithmetic against worked examples computed by hand (each one's working is in the comments)."""
from __future__ import annotations

from math import sqrt

import pytest

from awards_app.judging.ranking import (
    CriterionRow,
    ScoreRow,
    ballot_points,
    borda_count,
    borda_places,
    compute_rankings,
    weighted_score,
)

# One criterion scored 0-10 with weight 1: a judge's weighted score is simply the value.
SINGLE = [CriterionRow(1, 1.0, 0, 10)]


def one_criterion(scores: dict[int, dict[int, int]]) -> list[ScoreRow]:
    """Score rows for SINGLE from {judge: {entry: value}}."""
    return [ScoreRow(judge, entry, 1, value) for judge, values in scores.items() for entry, value in values.items()]


def flags(rankings, judge_id: int) -> list[str]:
    """The kinds of flag a judge has."""
    return [flag.kind for flag in rankings.judge(judge_id).flags]


# --- Weights -----------------------------------------------------------------------------------------------------


def test_weights_can_change_the_order_of_two_entries():
    # Impact weight 3, Innovation weight 1, both 0-10. One judge:
    #   entry 10: Impact 8, Innovation 4 -> (3*8 + 1*4) / 4 = 28/4 = 7.0   (unweighted mean would be 6)
    #   entry 20: Impact 5, Innovation 9 -> (3*5 + 1*9) / 4 = 24/4 = 6.0   (unweighted mean would be 7)
    criteria = [CriterionRow(1, 3, 0, 10), CriterionRow(2, 1, 0, 10)]
    scores = [ScoreRow(7, 10, 1, 8), ScoreRow(7, 10, 2, 4), ScoreRow(7, 20, 1, 5), ScoreRow(7, 20, 2, 9)]

    rankings = compute_rankings(scores, criteria, {10: "Harbour Arts", 20: "Breathe Easy"})

    assert rankings.entry(10).weighted_mean == pytest.approx(7.0)
    assert rankings.entry(20).weighted_mean == pytest.approx(6.0)
    assert [entry.entry_id for entry in rankings.ordered("weighted")] == [10, 20]
    assert (rankings.entry(10).weighted_rank, rankings.entry(20).weighted_rank) == (1, 2)


def test_criteria_on_different_scales_are_brought_to_ten():
    # Criterion 1 is scored 1-5, criterion 2 is scored 0-10, equal weights.
    #   4 on 1-5 -> 10 * (4 - 1) / (5 - 1) = 7.5 ;  6 on 0-10 -> 6.0 ;  mean (7.5 + 6) / 2 = 6.75
    criteria = [CriterionRow(1, 1, 1, 5), CriterionRow(2, 1, 0, 10)]
    assert weighted_score({1: 4, 2: 6}, criteria) == pytest.approx(6.75)


def test_spread_and_number_of_scores():
    # Entry 1 scored 6 and 8 by two judges: mean 7, population standard deviation sqrt(((6-7)^2 + (8-7)^2) / 2) = 1.
    rankings = compute_rankings(one_criterion({1: {1: 6}, 2: {1: 8}}), SINGLE, [1])
    entry = rankings.entry(1)
    assert (entry.weighted_mean, entry.scores, entry.spread) == (pytest.approx(7.0), 2, pytest.approx(1.0))
    # One judge: no spread.
    assert compute_rankings(one_criterion({1: {1: 6}}), SINGLE, [1]).entry(1).spread == 0


# --- z-scores ----------------------------------------------------------------------------------------------------


def test_a_harsh_and_a_generous_judge_giving_the_same_order_count_alike():
    # Harsh judge 1: 4, 3, 2 -> mean 3, sd sqrt((1 + 0 + 1) / 3) = sqrt(2/3); z = +1/sqrt(2/3), 0, -1/sqrt(2/3)
    # Generous judge 2: 10, 8, 6 -> mean 8, sd sqrt((4 + 0 + 4) / 3) = sqrt(8/3); z = +2/sqrt(8/3), 0, -2/sqrt(8/3)
    # 1/sqrt(2/3) = 2/sqrt(8/3) = sqrt(3/2) = 1.2247...: both judges give every entry the same z-score.
    rankings = compute_rankings(one_criterion({1: {1: 4, 2: 3, 3: 2}, 2: {1: 10, 2: 8, 3: 6}}), SINGLE, [1, 2, 3])

    z = sqrt(1.5)
    assert rankings.entry(1).judge_z == {1: pytest.approx(z), 2: pytest.approx(z)}
    assert rankings.entry(2).judge_z == {1: pytest.approx(0.0), 2: pytest.approx(0.0)}
    means = [rankings.entry(e).normalised_mean for e in (1, 2, 3)]
    assert means == [pytest.approx(z), pytest.approx(0), pytest.approx(-z)]
    # Weighted means: (4 + 10) / 2 = 7, (3 + 8) / 2 = 5.5, (2 + 6) / 2 = 4: the same order here.
    assert [rankings.entry(e).weighted_mean for e in (1, 2, 3)] == [7.0, 5.5, 4.0]
    assert [e.entry_id for e in rankings.ordered("normalised")] == [1, 2, 3]


def test_normalising_corrects_for_a_harsh_judge_missing_from_one_entry():
    # Entries P=1, Q=2, R=3, S=4. The harsh judge 1 is conflicted on S (and their score of it is left out).
    #   Judge 1: P 5, Q 4, R 3 (S 10, conflicted) -> mean 4, sd sqrt(2/3); z: P +1.22474, Q 0, R -1.22474
    #   Judge 2: P 9, Q 8, R 7, S 8.5 -> mean 8.125; deviations .875, -.125, -1.125, .375;
    #            variance (.765625 + .015625 + 1.265625 + .140625) / 4 = .546875, sd .739510;
    #            z: P 1.18322, Q -0.16903, R -1.52128, S 0.50709
    # Weighted means: P (5+9)/2 = 7, Q 6, R 5, S 8.5 (only judge 2)  -> S is first: nobody harsh scored it.
    # Normalised:     P (1.22474 + 1.18322)/2 = 1.20398, Q -0.08452, R -1.37301, S 0.50709 -> P is first.
    scores = one_criterion({1: {1: 5, 2: 4, 3: 3, 4: 10}, 2: {1: 9, 2: 8, 3: 7}}) + [ScoreRow(2, 4, 1, 8.5)]

    rankings = compute_rankings(scores, SINGLE, {1: "P", 2: "Q", 3: "R", 4: "S"}, conflicts=[(1, 4)])

    assert rankings.entry(4).weighted_mean == pytest.approx(8.5)
    assert rankings.entry(4).scores == 1  # the conflicted judge's score is left out
    assert [e.name for e in rankings.ordered("weighted")] == ["S", "P", "Q", "R"]
    assert [e.name for e in rankings.ordered("normalised")] == ["P", "S", "Q", "R"]
    assert rankings.entry(1).normalised_mean == pytest.approx(1.20398, abs=1e-5)
    assert rankings.entry(2).normalised_mean == pytest.approx(-0.08452, abs=1e-5)
    assert rankings.entry(3).normalised_mean == pytest.approx(-1.37301, abs=1e-5)
    assert rankings.entry(4).normalised_mean == pytest.approx(0.50709, abs=1e-5)
    assert (rankings.entry(4).weighted_rank, rankings.entry(4).normalised_rank) == (1, 2)
    # Judge 1 is 4 points below judge 2 on each of P, Q, R: flagged as far from the panel, harsh every time.
    harsh = rankings.judge(1).flags[0]
    assert harsh.kind == "far_from_panel"
    assert "4 points out of 10" in harsh.explanation and "lower every time" in harsh.explanation


# --- Missing scores and conflicts --------------------------------------------------------------------------------


def test_a_partial_score_set_is_left_out_and_listed():
    # Two criteria (equal weights). Judge 1 scores entry 1 fully (8, 6 -> 7) but entry 2 on criterion 1 only;
    # judge 2 scores entry 2 fully (4, 6 -> 5). Entry 2's figures come from judge 2 alone.
    criteria = [CriterionRow(1, 1, 0, 10), CriterionRow(2, 1, 0, 10)]
    scores = [
        ScoreRow(1, 1, 1, 8), ScoreRow(1, 1, 2, 6), ScoreRow(1, 2, 1, 10), ScoreRow(2, 2, 1, 4), ScoreRow(2, 2, 2, 6),
    ]

    rankings = compute_rankings(scores, criteria, [1, 2])

    assert rankings.entry(2).weighted_mean == pytest.approx(5.0)
    assert rankings.entry(2).scores == 1
    partials = [(p.judge_id, p.nomination_id, p.criteria_scored, p.criteria_total) for p in rankings.partials]
    assert partials == [(1, 2, 1, 2)]
    assert rankings.judge(1).entries_scored == 1


def test_entries_without_complete_scores_have_no_rank_and_come_last():
    rankings = compute_rankings(one_criterion({1: {2: 6}}), SINGLE, {1: "Unscored", 2: "Scored"})
    assert rankings.entry(1).weighted_rank is None and rankings.entry(1).normalised_rank is None
    assert rankings.entry(1).weighted_mean is None and rankings.entry(1).scores == 0
    assert [e.name for e in rankings.ordered("weighted")] == ["Scored", "Unscored"]
    assert rankings.top("weighted", 3) == [2]


def test_scores_outside_the_category_or_its_criteria_are_ignored():
    scores = one_criterion({1: {1: 6, 99: 10}}) + [ScoreRow(1, 1, 42, 0)]  # entry 99 and criterion 42 are elsewhere
    rankings = compute_rankings(scores, SINGLE, [1])
    assert rankings.entry(1).weighted_mean == 6
    assert [e.entry_id for e in rankings.entries] == [1]


def test_conflicts_are_left_out_of_every_figure():
    # Judge 1 is conflicted on entry 1 and gave it 10: it must not count, nor shift judge 1's z-scores.
    # Judge 1's z-scores come from entries 2 (4) and 3 (6) only: mean 5, sd 1 -> z -1, +1.
    scores = one_criterion({1: {1: 10, 2: 4, 3: 6}, 2: {1: 5}})
    rankings = compute_rankings(scores, SINGLE, [1, 2, 3], conflicts=[(1, 1)])
    assert rankings.entry(1).judge_scores == {2: 5}
    assert rankings.entry(2).judge_z == {1: pytest.approx(-1.0)}
    assert rankings.entry(3).judge_z == {1: pytest.approx(1.0)}
    assert rankings.judge(1).entries_scored == 2


# --- Ties --------------------------------------------------------------------------------------------------------


def test_equal_results_are_flagged_as_ties_with_both_names_and_share_a_rank():
    # Weighted means: entry 1 (7 + 8) / 2 = 7.5, entry 2 (8 + 7) / 2 = 7.5, entry 3 (5 + 6) / 2 = 5.5: ranks 1, 1, 3.
    rankings = compute_rankings(
        one_criterion({1: {1: 7, 2: 8, 3: 5}, 2: {1: 8, 2: 7, 3: 6}}),
        SINGLE,
        {1: "Morag Fraser", 2: "Hamish MacLeod", 3: "Ailsa Grant"},
    )

    assert [rankings.entry(e).weighted_rank for e in (1, 2, 3)] == [1, 1, 3]
    weighted_ties = [tie for tie in rankings.ties if tie.method == "weighted"]
    assert len(weighted_ties) == 1
    assert weighted_ties[0].names == ("Morag Fraser", "Hamish MacLeod")
    assert weighted_ties[0].value == pytest.approx(7.5)
    assert "Morag Fraser and Hamish MacLeod are tied" in weighted_ties[0].description
    # Normalised: judge 1 (7, 8, 5) has mean 20/3, deviations 1/3, 4/3, -5/3, sd sqrt((1 + 16 + 25) / 9 / 3)
    #   = sqrt(42/27); judge 2 (8, 7, 6) has mean 7, sd sqrt(2/3).
    #   entry 1: ((1/3)/sqrt(42/27) + 1/sqrt(2/3)) / 2 = 0.7460 ; entry 2: ((4/3)/sqrt(42/27) + 0) / 2 = 0.5345:
    #   the judges' different spreads break the tie, so there is none under the normalised mean.
    z1 = ((1 / 3) / sqrt(42 / 27) + 1 / sqrt(2 / 3)) / 2
    z2 = ((4 / 3) / sqrt(42 / 27)) / 2
    assert rankings.entry(1).normalised_mean == pytest.approx(z1)
    assert rankings.entry(2).normalised_mean == pytest.approx(z2)
    assert not [tie for tie in rankings.ties if tie.method == "normalised"]


def test_values_differing_by_floating_point_noise_still_tie():
    # 0.1 + 0.2 is 0.30000000000000004 in binary floating point: it must tie with 0.3.
    criteria = [CriterionRow(1, 1, 0, 1), CriterionRow(2, 1, 0, 1)]
    rankings = compute_rankings(
        [ScoreRow(1, 1, 1, 0.1), ScoreRow(1, 1, 2, 0.2), ScoreRow(2, 2, 1, 0.3), ScoreRow(2, 2, 2, 0)], criteria, [1, 2]
    )
    assert rankings.entry(1).weighted_rank == rankings.entry(2).weighted_rank == 1
    # ... while a real difference of a hundredth of a point does not.
    rankings = compute_rankings(one_criterion({1: {1: 7}, 2: {2: 7.01}}), SINGLE, [1, 2])
    assert [rankings.entry(1).weighted_rank, rankings.entry(2).weighted_rank] == [2, 1]


# --- Judge flags -------------------------------------------------------------------------------------------------


def test_a_judge_who_gives_every_entry_the_same_score_is_flagged_and_counts_as_neutral():
    # Judge 1 gives 5 to all; judge 2 gives 7, 5, 3 (differences from judge 1: 2, 0, 2 -> 1.33, not far).
    rankings = compute_rankings(one_criterion({1: {1: 5, 2: 5, 3: 5}, 2: {1: 7, 2: 5, 3: 3}}), SINGLE, [1, 2, 3])
    assert flags(rankings, 1) == ["same_score"]
    explanation = rankings.judge(1).flags[0].explanation
    assert "Gives every entry the same score (5 out of 10 on each of the 3 entries" in explanation
    assert all(rankings.entry(e).judge_z[1] == 0 for e in (1, 2, 3))
    # Judge 2's z-scores decide the normalised order alone: 7, 5, 3 -> mean 5, sd sqrt(8/3); z = 2/sqrt(8/3), 0, -...
    assert rankings.entry(1).normalised_mean == pytest.approx((0 + 2 / sqrt(8 / 3)) / 2)
    assert [e.entry_id for e in rankings.ordered("normalised")] == [1, 2, 3]


def test_a_single_score_is_not_called_the_same_score_for_everything():
    rankings = compute_rankings(one_criterion({1: {1: 5}}), SINGLE, [1])
    assert flags(rankings, 1) == []
    assert rankings.entry(1).judge_z == {1: 0.0}


def test_a_judge_who_orders_the_entries_against_the_panel_is_flagged():
    # Judges 1 and 2: A 8, B 6, C 4. Judge 3: A 4, B 6, C 8.
    # Judge 3 against the others' mean (8, 6, 4): differences -4, 0, +4 -> mean distance 8/3 = 2.67 > 2: far from the
    # panel; correlation with (8, 6, 4) is -1: against the panel.
    # Judge 1 against the mean of judges 2 and 3 (6, 6, 6): distance (2 + 0 + 2) / 3 = 1.33 <= 2; that mean has no
    # spread, so no correlation: no flag.
    rankings = compute_rankings(
        one_criterion({1: {1: 8, 2: 6, 3: 4}, 2: {1: 8, 2: 6, 3: 4}, 3: {1: 4, 2: 6, 3: 8}}), SINGLE, [1, 2, 3]
    )
    assert flags(rankings, 3) == ["far_from_panel", "against_panel"]
    assert "on average 2.67 points out of 10 away from the other judges on the 3 entries they share." in (
        rankings.judge(3).flags[0].explanation
    )
    assert "correlation -1.00 over 3 shared entries" in rankings.judge(3).flags[1].explanation
    assert flags(rankings, 1) == [] and flags(rankings, 2) == []
    assert [judge.judge_id for judge in rankings.flagged_judges] == [3]


def test_a_small_disagreement_is_not_flagged():
    # Judge 2 is 1.5 points away on each shared entry (below the 2-point threshold) and agrees on the order.
    rankings = compute_rankings(one_criterion({1: {1: 8, 2: 6, 3: 4}, 2: {1: 9.5, 2: 7.5, 3: 5.5}}), SINGLE, [1, 2, 3])
    assert flags(rankings, 1) == [] and flags(rankings, 2) == []


def test_a_judge_who_scored_far_fewer_entries_is_flagged():
    # Judges 1-3 scored 4 entries each, judge 4 scored 1, judge 5 (on the panel) nothing: median of (4, 4, 4, 1, 0) is
    # 4, and 1 and 0 are under half of it.
    everything = {entry: 5 + entry for entry in (1, 2, 3, 4)}
    rankings = compute_rankings(
        one_criterion({1: everything, 2: everything, 3: everything, 4: {1: 6}}), SINGLE, [1, 2, 3, 4], judges=[5]
    )
    assert flags(rankings, 4) == ["few_entries"]
    assert flags(rankings, 5) == ["few_entries"]
    assert rankings.judge(5).entries_scored == 0
    assert "Scored far fewer entries than the others: 1, where the panel's judges scored 4 on the median." == (
        rankings.judge(4).flags[0].explanation
    )
    assert flags(rankings, 1) == []


# --- Borda count -------------------------------------------------------------------------------------------------


def test_borda_count_without_conflicts():
    # Three finalists: points 2, 1, 0.
    #   Judge 1: A B C -> A 2, B 1, C 0
    #   Judge 2: B A C -> B 2, A 1, C 0
    #   Judge 3: A C B -> A 2, C 1, B 0
    # Totals A 5, B 3, C 1; averages over 3 judges 5/3, 1, 1/3: A wins.
    ballots = {1: {"A": 1, "B": 2, "C": 3}, 2: {"B": 1, "A": 2, "C": 3}, 3: {"A": 1, "C": 2, "B": 3}}
    ids = {"A": 1, "B": 2, "C": 3}
    ballots = {judge: {ids[name]: rank for name, rank in ranks.items()} for judge, ranks in ballots.items()}

    result = borda_count(ballots, {1: "A", 2: "B", 3: "C"})

    assert [(line.name, line.points, line.judges, line.position) for line in result.lines] == [
        ("A", 5, 3, 1), ("B", 3, 3, 2), ("C", 1, 3, 3),
    ]
    assert result.line(1).average == pytest.approx(5 / 3)
    assert result.line(1).first_places == 2
    assert result.ties == [] and result.ballots == 3
    assert borda_places(result, 1) == {1: "winner", 2: "highly_commended", 3: ""}


def test_borda_count_with_a_conflicted_judge_is_fair_to_the_finalist_they_could_not_rank():
    # Finalists A, B, C (n = 3). Judges 1 and 2 rank A B C. Judge 3 is conflicted on A and ranks B C (m = 2): scaled
    # points (n-1)(m-p)/(m-1): B 2*(2-1)/1 = 2, C 0.
    # Totals: A 2+2 = 4 (2 judges), B 1+1+2 = 4 (3 judges), C 0. A plain total would tie A and B, although every judge
    # who could rank A put it first. Averages: A 4/2 = 2, B 4/3 = 1.33, C 0: A wins.
    ballots = {1: {1: 1, 2: 2, 3: 3}, 2: {1: 1, 2: 2, 3: 3}, 3: {2: 1, 3: 2}}

    result = borda_count(ballots, {1: "A", 2: "B", 3: "C"})

    assert result.order() == [1, 2, 3]
    assert (result.line(1).points, result.line(1).judges, result.line(1).average) == (4, 2, 2)
    assert (result.line(2).points, result.line(2).judges) == (4, 3)
    assert result.line(2).average == pytest.approx(4 / 3)
    assert result.ties == []


def test_a_judge_who_ranked_fewer_finalists_gives_points_across_the_same_range():
    # n = 4 finalists, a judge ranked 3 (conflicted on one): 3*(3-1)/2 = 3, 3*(3-2)/2 = 1.5, 0.
    assert ballot_points({10: 1, 20: 2, 30: 3}, 4) == {10: 3, 20: 1.5, 30: 0}
    # A judge who could rank only one finalist shows no preference: the middle of 0..n-1.
    assert ballot_points({10: 1}, 4) == {10: 1.5}
    # Equal ranks on one ballot share the points of the positions they span: (2 + 1) / 2 each.
    assert ballot_points({10: 1, 20: 1, 30: 3}, 3) == {10: 1.5, 20: 1.5, 30: 0}


def test_borda_ties_are_reported_and_share_a_position():
    # Judge 1: A B; judge 2: B A -> A 1 + 0 = 1, B 0 + 1 = 1: a tie for first.
    result = borda_count({1: {1: 1, 2: 2}, 2: {2: 1, 1: 2}}, {1: "A", 2: "B"})
    assert result.ties == [(1, 2)]
    assert result.tied(1, 2) and result.tied(2, 1)
    assert result.line(1).position == result.line(2).position == 1


def test_finalists_nobody_ranked_come_last_without_a_position():
    result = borda_count({1: {1: 1, 2: 2}}, {1: "A", 2: "B", 3: "C"})
    assert result.order() == [1, 2, 3]
    assert result.line(3).average is None and result.line(3).position is None
    # Judge 1 ranked 2 of 3: A 2, B 0.
    assert (result.line(1).points, result.line(2).points) == (2, 0)
    assert borda_places(result, 2) == {1: "winner", 2: "highly_commended", 3: ""}


def test_ranks_of_unknown_finalists_and_empty_ballots_are_ignored():
    result = borda_count({1: {1: 1, 99: 2}, 2: {}}, {1: "A", 2: "B"})
    assert result.ballots == 1
    # Judge 1 ranked only A of the known finalists (m = 1): the middle, (2 - 1) / 2 = 0.5.
    assert result.line(1).points == 0.5
