"""The breakdown behind the rankings: worked examples of the per-judge rows, spreads, plain words and disagreements,
and, from the database, that it always agrees with category_rankings (conflicts, partial sets, judges off the panel)."""
from __future__ import annotations

import pytest
from sqlalchemy import delete

from awards_app.judging.breakdown import (
    CriterionInfo,
    build_breakdown,
    category_breakdown,
    spread_of,
)
from awards_app.judging.models import PanelMember
from awards_app.judging.ranking import CriterionRow, ScoreRow, compute_rankings
from awards_app.judging.shortlist import category_rankings
from tests.factories.accounts import make_judge
from tests.factories.judging import judging_site, make_scores, seat

IMPACT = CriterionInfo(1, "Impact", 3.0, 0, 10)
REACH = CriterionInfo(2, "Reach", 1.0, 0, 10)
A, B, C = 10, 20, 30  # judges
MORAG, HAMISH, AILSA = 100, 200, 300  # entries


def worked_example(scores: dict, criteria=(IMPACT, REACH), conflicts=(), method="weighted"):
    """Rankings and breakdown of {(judge, entry): (value per criterion)}, as category_breakdown would build them."""
    rows = [
        ScoreRow(judge, entry, criterion.id, value)
        for (judge, entry), values in scores.items()
        for criterion, value in zip(criteria, values)
    ]
    rankings = compute_rankings(
        rows, [CriterionRow(c.id, c.weight, c.scale_min, c.scale_max) for c in criteria],
        {MORAG: "Morag", HAMISH: "Hamish", AILSA: "Ailsa"}, conflicts=conflicts,
    )
    return rankings, build_breakdown(rankings, rows, list(criteria), method)


def entry(breakdown, entry_id):
    """The breakdown of one entry."""
    return next(line for line in breakdown.entries if line.ranking.entry_id == entry_id)


def test_spread_of_gives_lowest_highest_and_population_deviation():
    spread = spread_of([7, 6, 5])
    assert (spread.lowest, spread.highest, spread.gap) == (5, 7, 2)
    assert spread.deviation == pytest.approx(0.8165, abs=1e-4)
    assert spread_of([]) is None


def test_each_judge_row_holds_raw_weighted_and_normalised_figures():
    rankings, breakdown = worked_example({
        (A, MORAG): (9, 9), (A, HAMISH): (7, 7),
        (B, MORAG): (8, 8), (B, HAMISH): (6, 6),
        (C, MORAG): (7, 7), (C, HAMISH): (6, 2),
    })
    hamish = entry(breakdown, HAMISH)
    assert [(line.judge_id, line.raw, line.weighted) for line in hamish.judges] == [
        (A, {1: 7, 2: 7}, 7.0), (B, {1: 6, 2: 6}, 6.0), (C, {1: 6, 2: 2}, 5.0),
    ]
    # Each judge scored Morag above Hamish: z = -1 for Hamish from every judge.
    assert [line.normalised for line in hamish.judges] == pytest.approx([-1, -1, -1])
    assert hamish.ranking is next(r for r in rankings.entries if r.entry_id == HAMISH)
    assert [line.ranking.entry_id for line in breakdown.entries] == [MORAG, HAMISH, AILSA]  # ranking order


def test_criterion_spreads_and_the_widest_in_plain_words():
    _, breakdown = worked_example({(A, HAMISH): (7, 7), (B, HAMISH): (6, 6), (C, HAMISH): (6, 2)})
    hamish = entry(breakdown, HAMISH)
    impact, reach = hamish.criteria
    assert (impact.spread.lowest, impact.spread.highest) == (6, 7)
    assert (reach.spread.lowest, reach.spread.highest) == (2, 7)
    assert hamish.widest is reach
    assert hamish.agreement == "Judges differ by up to 5 points on Reach (from 2 to 7, on a scale of 0 to 10)."
    assert hamish.overall.deviation == pytest.approx(hamish.ranking.spread)


def test_judges_two_points_apart_or_less_agree_closely():
    _, breakdown = worked_example({(A, MORAG): (9, 9), (B, MORAG): (8, 8), (C, MORAG): (7, 7)})
    assert entry(breakdown, MORAG).agreement.startswith("The judges agree closely")


def test_a_gap_is_judged_out_of_ten_whatever_the_scale():
    small = CriterionInfo(3, "Care", 1.0, 1, 5)
    # 2 points apart on a 1-5 scale is 5 out of 10: not close.
    _, breakdown = worked_example({(A, MORAG): (5,), (B, MORAG): (3,)}, criteria=(small,))
    morag = entry(breakdown, MORAG)
    assert morag.criteria[0].gap_out_of_ten == pytest.approx(5.0)
    assert morag.agreement == "Judges differ by up to 2 points on Care (from 3 to 5, on a scale of 1 to 5)."


def test_one_judge_or_none_has_nothing_to_compare():
    _, breakdown = worked_example({(A, MORAG): (9, 9), (A, HAMISH): (4, 4)})
    assert entry(breakdown, MORAG).agreement.startswith("Only one judge")
    assert entry(breakdown, AILSA).agreement.startswith("No judge's complete scores")
    assert breakdown.disagreements() == []


def test_conflicted_and_partial_sets_are_left_out_as_the_rankings_leave_them_out():
    rows = {
        (A, MORAG): (9, 9), (B, MORAG): (2, 2),  # B conflicted on Morag: a score kept but not counted
        (A, HAMISH): (7, 7), (B, HAMISH): (6,),  # B's Hamish set is partial
    }
    rankings, breakdown = worked_example(rows, conflicts=[(B, MORAG)])
    assert [line.judge_id for line in entry(breakdown, MORAG).judges] == [A]
    assert [line.judge_id for line in entry(breakdown, HAMISH).judges] == [A]
    assert entry(breakdown, MORAG).criteria[0].spread.gap == 0


def test_the_entries_the_panel_disagrees_on_most_come_largest_spread_first():
    _, breakdown = worked_example({
        (A, MORAG): (9, 9), (B, MORAG): (8, 8),  # spread 0.5
        (A, HAMISH): (9, 9), (B, HAMISH): (1, 1),  # spread 4
        (A, AILSA): (5, 5), (B, AILSA): (5, 5),  # no spread: left out
    })
    assert [line.ranking.entry_id for line in breakdown.disagreements()] == [HAMISH, MORAG]
    assert [line.ranking.entry_id for line in breakdown.disagreements(1)] == [HAMISH]
    assert breakdown.disagreements()[0].disagreement == (
        "Judges differ by up to 8 points on Impact (from 1 to 9, on a scale of 0 to 10). "
        "Their overall scores range from 1 to 9 out of 10 (standard deviation 4)."
    )


def test_the_order_follows_the_method_asked_for():
    # Judge A is generous, B harsh: weighted puts Hamish first, normalised ties them.
    rows = {(A, MORAG): (6, 6), (A, HAMISH): (9, 9), (B, MORAG): (3, 3), (B, HAMISH): (2, 2)}
    _, weighted = worked_example(rows, method="weighted")
    _, normalised = worked_example(rows, method="normalised")
    assert [line.ranking.entry_id for line in weighted.entries][:2] == [HAMISH, MORAG]
    assert normalised.method == "normalised"
    assert {line.ranking.entry_id for line in normalised.entries[:2]} == {HAMISH, MORAG}


def test_flagged_judges_are_those_the_rankings_flag():
    # C scores every entry the same: flagged "same_score" by judging.ranking.
    rankings, breakdown = worked_example({
        (A, MORAG): (9, 9), (A, HAMISH): (3, 3), (C, MORAG): (5, 5), (C, HAMISH): (5, 5),
    })
    assert breakdown.flagged == rankings.flagged_judges
    flagged = {judge.judge_id: [flag.kind for flag in judge.flags] for judge in breakdown.flagged}
    assert "same_score" in flagged[C]


# --- From the database -------------------------------------------------------------------------------------------


@pytest.fixture
def site(db_session, clock):
    """The judging site of tests/factories/judging.py (Morag 8, Hamish 6, Ailsa 4.5, Eilidh 2; C conflicted on Ailsa)."""
    return judging_site()


def test_category_breakdown_agrees_with_category_rankings(site):
    found = category_breakdown(site.category, "weighted")
    rankings = category_rankings(site.category).rankings
    assert [line.ranking.entry_id for line in found.breakdown.entries] == [
        line.entry_id for line in rankings.ordered("weighted")
    ]
    for line in found.breakdown.entries:
        expected = next(r for r in rankings.entries if r.entry_id == line.ranking.entry_id)
        assert {judge.judge_id: judge.weighted for judge in line.judges} == expected.judge_scores
        assert line.ranking.weighted_mean == expected.weighted_mean


def test_a_conflicted_judges_kept_scores_stay_out_of_the_breakdown(site):
    judge_c = site.judges[2]
    make_scores(judge_c, site.ailsa, site.criteria, 10, 10)  # kept despite the conflict (engineer B keeps them)
    ailsa = entry(category_breakdown(site.category, "weighted").breakdown, site.ailsa.id)
    assert judge_c.id not in [line.judge_id for line in ailsa.judges]
    assert ailsa.criteria[0].spread.highest == 5


def test_a_judge_off_the_panel_is_left_out_as_the_rankings_leave_them_out(site, db_session):
    outsider = make_judge("someone@example.org", "Not On The Panel")
    make_scores(outsider, site.morag, site.criteria, 0, 0)
    morag = entry(category_breakdown(site.category, "weighted").breakdown, site.morag.id)
    assert outsider.id not in [line.judge_id for line in morag.judges]
    judge_a = site.judges[0]
    db_session.execute(delete(PanelMember).where(PanelMember.judge_id == judge_a.id))
    db_session.flush()
    morag = entry(category_breakdown(site.category, "weighted").breakdown, site.morag.id)
    assert judge_a.id not in [line.judge_id for line in morag.judges]
    assert morag.ranking.weighted_mean == pytest.approx(7.5)


def test_hamish_in_the_demo_site_is_explained(site):
    hamish = entry(category_breakdown(site.category, "weighted").breakdown, site.hamish.id)
    assert hamish.agreement == "Judges differ by up to 5 points on Innovation (from 2 to 7, on a scale of 0 to 10)."


def test_panel_judges_left_out_of_an_entry_are_listed_with_why(site):
    judge_a, judge_b, judge_c = site.judges
    found = category_breakdown(site.category, "weighted")
    ailsa = entry(found.breakdown, site.ailsa.id)
    assert found.not_counted(ailsa) == [
        (judge_c.id, "Has a conflict of interest with this entry: any scores are not counted.")
    ]
    late = make_judge("late@example.org", "Late Judge")
    seat(late, site.category)
    make_scores(late, site.morag, site.criteria, 5)  # one criterion of two
    found = category_breakdown(site.category, "weighted")
    morag, eilidh = entry(found.breakdown, site.morag.id), entry(found.breakdown, site.eilidh.id)
    assert (late.id, "Has scored 1 of 2 criteria: not counted until complete.") in found.not_counted(morag)
    assert (late.id, "Has not scored this entry.") in found.not_counted(eilidh)
