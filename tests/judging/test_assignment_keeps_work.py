"""Under assignment, work started is never moved: not by the first run, nor while its judge is paused; and rankings,
the progress matrix and the assignment agree on whose scores count for each entry."""
from __future__ import annotations

import pytest

from awards_app.judging import judge_access, panels
from awards_app.judging.assignment import assign, assigned_pairs, assignment_view, run_assignment, set_plan
from awards_app.judging.progress import CellState, progress_matrix
from awards_app.judging.shortlist import category_rankings
from tests.factories.accounts import make_judge
from tests.factories.judging import make_panel, make_scores, seat


@pytest.fixture
def panel(db_session):
    """Four entries, three judges on the panel (the panel's own judge, B and C)."""
    panel = make_panel(entries=4)
    panel.others = [make_judge("b@example.org", "B"), make_judge("c@example.org", "C")]
    panel.places = [panel.place] + [seat(judge, panel.category) for judge in panel.others]
    return panel


def mine(category, judge) -> list[int]:
    """The ids of the entries assigned to the judge."""
    return sorted(entry for who, entry in assigned_pairs(category) if who == judge.id)


def counted(category) -> set[tuple[int, int]]:
    """The (judge, entry) pairs whose scores the rankings count."""
    return {(judge, ranking.entry_id) for ranking in category_rankings(category).rankings.entries
            for judge in ranking.judge_scores}


def assigned_and_scored(category) -> set[tuple[int, int]]:
    """Assigned pairs of the panel's counted judges with every criterion scored, as the progress matrix says."""
    matrix = progress_matrix(category)
    pairs = assigned_pairs(category)
    return {(row.judge.id, entry.id) for row in matrix.rows for entry, cell in zip(matrix.entries, row.cells)
            if cell.state is CellState.SCORED and (row.judge.id, entry.id) in pairs}


def entry_of(panel, entry_id):
    """The panel's entry with this id."""
    return next(entry for entry in panel.entries if entry.id == entry_id)


def test_held_pairs_fill_their_place_and_their_judge_takes_nothing_new():
    outcome = assign([1, 2, 3], [10, 11], 1, 3, held={(99, 1)})

    assert (99, 1) in outcome.pairs and outcome.done
    assert {entry for judge, entry in outcome.pairs if judge != 99} == {2, 3}
    assert sum(1 for judge, _ in outcome.pairs if judge == 99) == 1


def test_kept_work_beyond_the_limit_counts_towards_what_the_judges_can_take():
    outcome = assign([1, 2, 3, 4], [10, 11], 1, 1, keep={(10, 1), (10, 2), (10, 3)})

    assert outcome.done
    assert outcome.pairs == {(10, 1), (10, 2), (10, 3), (11, 4)}


def test_the_first_run_keeps_entries_scored_before_the_plan(panel, organiser, db_session):
    for entry in panel.entries[:3]:
        make_scores(panel.judge, entry, panel.criteria, 5, 5)
    db_session.flush()

    set_plan(organiser, panel.category, 1, 2)
    assert mine(panel.category, panel.judge) == [entry.id for entry in panel.entries[:3]]  # before any run
    run_assignment(organiser, panel.category)

    assert mine(panel.category, panel.judge) == [entry.id for entry in panel.entries[:3]]
    for entry in panel.entries[:3]:
        judge_access.entry_for_judge(panel.judge, entry.id)
    assert counted(panel.category) == assigned_and_scored(panel.category)


def test_a_paused_judges_scored_entries_survive_a_rerun_and_nobody_else_is_given_them(panel, organiser, db_session):
    b, place_b = panel.others[0], panel.places[1]
    set_plan(organiser, panel.category, 2, 4)
    run_assignment(organiser, panel.category)
    scored, unscored = mine(panel.category, b)[0], mine(panel.category, b)[1:]
    make_scores(b, entry_of(panel, scored), panel.criteria, 9, 9)
    db_session.flush()

    panels.pause_judge(organiser, place_b)
    run_assignment(organiser, panel.category)

    pairs = assigned_pairs(panel.category)
    assert mine(panel.category, b) == [scored]  # their unstarted entries went to the judges still working
    assert sum(1 for _, entry in pairs if entry == scored) == 2  # B's place on it is not handed out again
    assert all(sum(1 for _, entry in pairs if entry == other) == 2 for other in unscored)
    panels.resume_judge(organiser, place_b)
    judge_access.entry_for_judge(b, scored)
    assert counted(panel.category) == assigned_and_scored(panel.category)
    assert (b.id, scored) in counted(panel.category)


def test_rankings_matrix_and_assignment_agree_after_runs_pauses_and_resumes(panel, organiser, db_session):
    set_plan(organiser, panel.category, 2, 4)
    scored = set()
    for step in range(3):
        run_assignment(organiser, panel.category)
        for judge_id, entry_id in sorted(assigned_pairs(panel.category) - scored)[::2]:
            judge = next(place.judge for place in panel.places if place.judge_id == judge_id)
            make_scores(judge, entry_of(panel, entry_id), panel.criteria, 4 + step, 6)
            scored.add((judge_id, entry_id))
        db_session.flush()
        place = panel.places[step]
        panels.pause_judge(organiser, place)
        run_assignment(organiser, panel.category)
        assert counted(panel.category) == assigned_and_scored(panel.category)
        panels.resume_judge(organiser, place)
        assert counted(panel.category) == assigned_and_scored(panel.category)
    run_assignment(organiser, panel.category)
    assert counted(panel.category) == assigned_and_scored(panel.category)
    view = assignment_view(panel.category)
    assert sum(view.loads) == len(assigned_pairs(panel.category))
