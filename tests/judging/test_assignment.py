"""Fair assignment: the arithmetic on plain ids (worked examples, a property test over random panels, the done-when
panel of 12 judges and 120 entries), and the operations on a category (run, rerun, hand changes, what judges see)."""
from __future__ import annotations

import random
import time
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from awards_app.core.errors import DomainError, NotAllowed, NotFound
from awards_app.core.models import AuditEvent
from awards_app.extensions import db
from awards_app.judging import judge_access
from awards_app.judging.assignment import (
    assign, assign_by_hand, assignment_view, most_repeated, run_assignment, set_plan, stop_assignment,
    unassign_by_hand,
)
from awards_app.judging.models import JudgeAssignment
from awards_app.judging.progress import CellState, progress_matrix
from awards_app.nominations.models import ConsentState, Nomination
from tests.factories.accounts import make_judge
from tests.factories.judging import make_conflict, make_panel, make_scores, seat
from tests.factories.nominations import make_entry


def judges_per(pairs) -> Counter:
    """How many judges each entry got."""
    return Counter(entry for _, entry in pairs)


def loads_of(pairs, judges) -> list[int]:
    """Each judge's load."""
    counts = Counter(judge for judge, _ in pairs)
    return [counts.get(judge, 0) for judge in judges]


# --- Worked examples on plain ids -------------------------------------------------------------------------------


def test_six_entries_two_judges_each_among_four_judges_is_balanced_and_varied():
    outcome = assign(entries=range(1, 7), judges=[10, 20, 30, 40], judges_per_entry=2, most_entries_per_judge=3)

    assert outcome.done
    assert set(judges_per(outcome.pairs).values()) == {2}
    assert loads_of(outcome.pairs, [10, 20, 30, 40]) == [3, 3, 3, 3]
    # 6 entries, each one pair of judges, out of 6 possible pairs: every pair sits together once.
    assert most_repeated(outcome.pairs) == 1


def test_a_conflicted_judge_is_never_assigned_and_the_others_take_the_load():
    conflicts = {(10, 1), (10, 2)}

    outcome = assign(range(1, 5), [10, 20, 30], 2, 3, conflicts=conflicts)

    assert outcome.done and not outcome.pairs & conflicts
    assert {judge for judge, entry in outcome.pairs if entry in (1, 2)} == {20, 30}
    assert judges_per(outcome.pairs) == {1: 2, 2: 2, 3: 2, 4: 2}
    assert sorted(loads_of(outcome.pairs, [10, 20, 30])) == [2, 3, 3]


def test_greedy_choice_alone_would_leave_an_entry_short_and_the_repair_fills_it():
    # Entry 1 may only be judged by 10; entries 2 and 3 by anyone. With one entry each at most, 10 must go to entry 1,
    # whatever order the entries come in.
    conflicts = {(20, 1), (30, 1)}

    outcome = assign([1, 2, 3], [10, 20, 30], 1, 1, conflicts=conflicts)

    assert outcome.done
    assert (10, 1) in outcome.pairs and judges_per(outcome.pairs) == {1: 1, 2: 1, 3: 1}


def test_kept_pairs_never_move_and_the_rest_is_balanced_around_them():
    keep = {(10, 1), (10, 2), (10, 3)}

    outcome = assign(range(1, 7), [10, 20, 30], 1, 3, keep=keep, seed=4)

    assert keep <= outcome.pairs
    # Judge 10's three entries are kept, so the other two share the rest as evenly as they can.
    assert loads_of(outcome.pairs, [10]) == [3] and sorted(loads_of(outcome.pairs, [20, 30])) == [1, 2]
    assert judges_per(outcome.pairs) == {entry: 1 for entry in range(1, 7)}


def test_the_same_input_and_seed_give_the_same_assignment():
    first = assign(range(30), range(100, 108), 3, 15, conflicts={(100, 3), (104, 9)}, seed=11)
    again = assign(range(30), range(100, 108), 3, 15, conflicts={(100, 3), (104, 9)}, seed=11)

    assert first.pairs == again.pairs


def test_too_little_capacity_is_explained_with_what_to_change():
    outcome = assign(range(10), [1, 2, 3], 3, 5)

    assert not outcome.done and outcome.pairs == frozenset()
    [problem] = outcome.problems(lambda entry: f"entry {entry}", judges=3)
    assert problem == (
        "10 entries with 3 judges each need 30 assignments, but 3 judges taking at most 5 entries each can take only "
        "15. Raise the most entries per judge to 10 or more, lower the judges per entry, or add judges to the panel."
    )


def test_an_entry_with_too_few_judges_free_of_conflicts_is_named():
    outcome = assign([1, 2], [10, 20, 30], 3, 5, conflicts={(10, 2)})

    assert not outcome.done
    assert outcome.problems(lambda entry: f"Entry {entry}", judges=3) == [
        "Entry 2 has only 2 judges without a conflict, and needs 3. Lower the judges per entry, or add a judge "
        "without a conflict to the panel."
    ]


def test_limits_too_tight_for_the_conflicts_are_explained():
    # Enough capacity overall (3 x 1 = 3 for 3 entries), but judge 10 is the only one free for entries 1 and 2.
    outcome = assign([1, 2, 3], [10, 20, 30], 1, 1, conflicts={(20, 1), (30, 1), (20, 2), (30, 2)})

    assert not outcome.done
    [left_short] = outcome.short
    assert left_short in (1, 2)
    assert outcome.problems(lambda entry: f"Entry {entry}", judges=3) == [
        f"The judges without a conflict cannot all fit within 1 entries each: Entry {left_short} would be left short. "
        "Raise the most entries per judge, or add judges to the panel."
    ]


# --- Over random panels -----------------------------------------------------------------------------------------

panels = st.tuples(
    st.integers(1, 8),  # judges
    st.integers(0, 25),  # entries
    st.integers(1, 4),  # judges per entry
    st.integers(1, 12),  # most entries per judge
    st.floats(0, 0.4),  # share of pairs conflicted
    st.integers(0, 1000),  # seed of the random conflicts and of the assignment
)


def _feasible(entries, judges, k, most, conflicts) -> bool:
    """Whether an assignment exists, by a plain max-flow written apart from `assign` (so it checks, not repeats, it)."""
    # Edmonds-Karp on source -> entry (k) -> judge (1) -> sink (most).
    source, sink = "s", "t"
    capacity: dict = {}

    def edge(a, b, c):
        capacity[(a, b)] = capacity.get((a, b), 0) + c
        capacity.setdefault((b, a), 0)

    for entry in entries:
        edge(source, ("e", entry), k)
        for judge in judges:
            if (judge, entry) not in conflicts:
                edge(("e", entry), ("j", judge), 1)
    for judge in judges:
        edge(("j", judge), sink, most)
    neighbours: dict = {}
    for a, b in capacity:
        neighbours.setdefault(a, []).append(b)
    flow = 0
    while True:
        parent = {source: None}
        queue = [source]
        while queue and sink not in parent:
            node = queue.pop(0)
            for nxt in neighbours.get(node, []):
                if nxt not in parent and capacity[(node, nxt)] > 0:
                    parent[nxt] = node
                    queue.append(nxt)
        if sink not in parent:
            return flow == len(entries) * k
        node = sink
        while parent[node] is not None:
            capacity[(parent[node], node)] -= 1
            capacity[(node, parent[node])] += 1
            node = parent[node]
        flow += 1


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(panels)
def test_random_panels(panel):
    judge_count, entry_count, k, most, share, seed = panel
    rng = random.Random(seed)
    judges = list(range(100, 100 + judge_count))
    entries = list(range(entry_count))
    conflicts = {(judge, entry) for judge in judges for entry in entries if rng.random() < share}

    outcome = assign(entries, judges, k, most, conflicts=conflicts, seed=seed)

    assert not outcome.pairs & conflicts, "a conflicted judge was assigned"
    assert max(loads_of(outcome.pairs, judges), default=0) <= most
    assert outcome.done == _feasible(entries, judges, k, most, conflicts)
    if outcome.done:
        assert all(judges_per(outcome.pairs)[entry] == k for entry in entries)
        if not conflicts:
            loads = loads_of(outcome.pairs, judges)
            assert max(loads) - min(loads) <= 1

    # A rerun after some work has started keeps every started pair, whatever else moves.
    if outcome.done and outcome.pairs:
        started = set(rng.sample(sorted(outcome.pairs), max(1, len(outcome.pairs) // 3)))
        rerun = assign(entries, judges, k, most, conflicts=conflicts, keep=started, seed=seed + 1)
        assert started <= rerun.pairs
        assert not rerun.pairs & conflicts


def test_a_panel_of_twelve_across_a_hundred_and_twenty_entries():
    """The issue's done-when: 12 judges, 120 entries, 3 judges each, at most 35 per judge, random conflicts."""
    rng = random.Random(13)
    judges = list(range(1, 13))
    entries = list(range(1000, 1120))
    conflicts = {(judge, entry) for judge in judges for entry in entries if rng.random() < 0.05}

    started_at = time.perf_counter()
    outcome = assign(entries, judges, 3, 35, conflicts=conflicts, seed=1)
    took = time.perf_counter() - started_at

    loads = loads_of(outcome.pairs, judges)
    print(f"\n12 x 120, {len(conflicts)} conflicts: loads {min(loads)}-{max(loads)}, "
          f"two judges share at most {most_repeated(outcome.pairs)} entries, {took:.2f} s")
    assert outcome.done
    assert not outcome.pairs & conflicts
    assert set(judges_per(outcome.pairs).values()) == {3}
    assert loads == [30] * 12
    # 360 pairs of judges over 66 possible pairs: about 5.5 each; none far above.
    assert most_repeated(outcome.pairs) <= 7


# --- On a category ----------------------------------------------------------------------------------------------


@pytest.fixture
def panel(db_session, clock):
    """Six entries and three judges on the panel (one judge from make_panel, two more)."""
    panel = make_panel(entries=6)
    panel.others = [make_judge(f"judge.{n}@example.org", f"Judge {n}") for n in ("two", "three")]
    for judge in panel.others:
        seat(judge, panel.category)
    panel.judges = [panel.judge, *panel.others]
    return panel


def assigned(category) -> set[tuple[int, int]]:
    """The stored pairs (the tests' world has only this category's)."""
    return {(row.judge_id, row.nomination_id) for row in db.session.scalars(select(JudgeAssignment))}


def actions():
    """The audit log's actions, oldest first."""
    return [event.action for event in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))]


def test_without_a_plan_every_judge_sees_every_entry(panel):
    assert judge_access.entries_for_judge(panel.judge, panel.place) == panel.entries


def test_a_run_gives_each_entry_its_judges_and_each_judge_sees_only_theirs(panel, organiser):
    set_plan(organiser, panel.category, 2, 4)

    result = run_assignment(organiser, panel.category)

    pairs = assigned(panel.category)
    assert result.added == 12 and (result.lowest_load, result.highest_load) == (4, 4)
    assert set(judges_per(pairs).values()) == {2}
    mine = {entry for judge, entry in pairs if judge == panel.judge.id}
    assert {entry.id for entry in judge_access.entries_for_judge(panel.judge, panel.place)} == mine
    other = next(entry for entry in panel.entries if entry.id not in mine)
    with pytest.raises(NotFound):
        judge_access.entry_for_judge(panel.judge, other.id)
    assert actions()[-2:] == ["assignment.plan_set", "assignment.run"]


def test_the_progress_matrix_says_not_assigned_and_counts_only_assigned_work(panel, organiser):
    set_plan(organiser, panel.category, 1, 2)
    run_assignment(organiser, panel.category)

    matrix = progress_matrix(panel.category)

    for row in matrix.rows:
        assert row.count(CellState.NOT_ASSIGNED) == 4 and row.scorable == 2 and row.to_score == 2
    assert matrix.cells_to_score == 6


def test_declared_conflicts_and_matching_affiliations_are_never_assigned(panel, organiser):
    make_conflict(panel.others[0], panel.entries[0])
    panel.others[1].affiliations = f"Trustee of the {panel.entries[1].nominee_organisation}"
    set_plan(organiser, panel.category, 2, 6)

    run_assignment(organiser, panel.category)

    pairs = assigned(panel.category)
    assert (panel.others[0].id, panel.entries[0].id) not in pairs
    assert (panel.others[1].id, panel.entries[1].id) not in pairs
    assert set(judges_per(pairs).values()) == {2}


def test_a_rerun_keeps_started_work_and_fills_a_new_entry(panel, organiser):
    set_plan(organiser, panel.category, 2, 5)
    run_assignment(organiser, panel.category)
    before = assigned(panel.category)
    started = sorted(before)[:3]
    for judge_id, entry_id in started:
        judge = next(judge for judge in panel.judges if judge.id == judge_id)
        entry = next(entry for entry in panel.entries if entry.id == entry_id)
        make_scores(judge, entry, panel.criteria, 5)  # one criterion of two: started, not finished
    new = make_entry(panel.category, "Late Entry Trust", "Late Entry Trust")

    result = run_assignment(organiser, panel.category)

    after = assigned(panel.category)
    assert set(started) <= after
    assert judges_per(after)[new.id] == 2 and set(judges_per(after).values()) == {2}
    assert result.kept >= 3


def test_when_it_cannot_be_done_nothing_changes_and_the_refusal_says_what_to_change(panel, organiser):
    set_plan(organiser, panel.category, 3, 2)

    with pytest.raises(DomainError, match="Raise the most entries per judge to 6 or more"):
        run_assignment(organiser, panel.category)
    assert assigned(panel.category) == set()


def test_an_organiser_adds_and_removes_a_judge_by_hand(panel, organiser):
    set_plan(organiser, panel.category, 1, 6)
    run_assignment(organiser, panel.category)
    entry = panel.entries[0]
    absent = next(judge for judge in panel.judges if (judge.id, entry.id) not in assigned(panel.category))

    row = assign_by_hand(organiser, panel.category, absent.id, entry.id)
    assert row.how == "hand" and (absent.id, entry.id) in assigned(panel.category)
    # A rerun keeps a pair made by hand.
    run_assignment(organiser, panel.category)
    assert (absent.id, entry.id) in assigned(panel.category)

    unassign_by_hand(organiser, panel.category, absent.id, entry.id)
    assert (absent.id, entry.id) not in assigned(panel.category)
    assert actions()[-1] == "assignment.removed_by_hand"


def test_a_hand_assignment_counts_the_load_the_page_shows(panel, organiser, db_session):
    set_plan(organiser, panel.category, 1, 2)
    run_assignment(organiser, panel.category)
    judge = panel.others[0]
    mine = sorted(entry for who, entry in assigned(panel.category) if who == judge.id)
    db_session.get(Nomination, mine[0]).consent = ConsentState.DECLINED  # out of judging: no longer a load
    db_session.flush()
    view = assignment_view(panel.category)
    assert view.load(next(member for member in view.members if member.judge_id == judge.id)) == 1
    other = next(entry for entry in panel.entries if entry.id not in mine and entry.consent != ConsentState.DECLINED)

    assign_by_hand(organiser, panel.category, judge.id, other.id)

    with pytest.raises(DomainError, match="already has 2 entries"):
        assign_by_hand(organiser, panel.category, judge.id,
                       next(entry.id for entry in panel.entries if entry.id not in mine and entry.id != other.id))


def test_a_conflicted_judge_cannot_be_added_by_hand(panel, organiser):
    set_plan(organiser, panel.category, 1, 6)
    make_conflict(panel.others[0], panel.entries[2])

    with pytest.raises(DomainError, match="has a conflict recorded") as refusal:
        assign_by_hand(organiser, panel.category, panel.others[0].id, panel.entries[2].id)
    assert refusal.value.field == "judge_id"


def test_a_judge_with_work_started_cannot_be_removed_by_hand(panel, organiser):
    set_plan(organiser, panel.category, 1, 6)
    run_assignment(organiser, panel.category)
    judge_id, entry_id = sorted(assigned(panel.category))[0]
    judge = next(judge for judge in panel.judges if judge.id == judge_id)
    make_scores(judge, next(e for e in panel.entries if e.id == entry_id), panel.criteria)

    with pytest.raises(DomainError, match="work already done is never moved"):
        unassign_by_hand(organiser, panel.category, judge_id, entry_id)


def test_a_judge_or_entry_of_another_category_is_not_found(panel, organiser):
    set_plan(organiser, panel.category, 1, 6)
    elsewhere = make_panel(entries=1, year=2027, email="elsewhere@example.org")

    with pytest.raises(NotFound):
        assign_by_hand(organiser, panel.category, elsewhere.judge.id, panel.entries[0].id)
    with pytest.raises(NotFound):
        assign_by_hand(organiser, panel.category, panel.judge.id, elsewhere.entries[0].id)


def test_the_settings_must_be_whole_numbers_in_range(panel, organiser):
    with pytest.raises(DomainError, match="Judges per entry must be a whole number") as refusal:
        set_plan(organiser, panel.category, 0, 5)
    assert refusal.value.field == "judges_per_entry"
    with pytest.raises(DomainError, match="Most entries per judge must be a whole number"):
        set_plan(organiser, panel.category, 2, "many")


def test_only_organisers_assign(panel):
    with pytest.raises(NotAllowed):
        set_plan(panel.judge, panel.category, 2, 5)


def test_stopping_assignment_gives_every_judge_every_entry_again(panel, organiser):
    set_plan(organiser, panel.category, 1, 2)
    run_assignment(organiser, panel.category)

    assert stop_assignment(organiser, panel.category) == 6

    assert judge_access.entries_for_judge(panel.judge, panel.place) == panel.entries
    assert assignment_view(panel.category).plan is None


def test_the_view_warns_about_undeclared_conflicts_and_short_entries(panel, organiser):
    set_plan(organiser, panel.category, 2, 6)
    run_assignment(organiser, panel.category)
    panel.place.conflicts_declared_at = None
    judge_id = next(judge for judge, entry in sorted(assigned(panel.category)) if entry == panel.entries[0].id)
    make_conflict(next(judge for judge in panel.judges if judge.id == judge_id), panel.entries[0])

    view = assignment_view(panel.category)

    assert any("Not yet declared their conflicts" in warning for warning in view.warnings)
    assert any("has a conflict recorded" in warning for warning in view.warnings)


def test_no_changes_once_the_shortlist_is_chosen(panel, organiser, clock):
    set_plan(organiser, panel.category, 1, 6)
    panel.category.shortlisted_at = clock.now()

    with pytest.raises(DomainError, match="shortlist of this category has been chosen"):
        run_assignment(organiser, panel.category)


def test_the_demo_judging_phase_has_a_category_judged_by_assignment(clock):
    from awards_app.demo.builder import build_demo
    from awards_app.judging.judge_access import panels_of
    from awards_app.judging.models import AssignmentPlan, Score
    from awards_app.nominations.models import ConsentState
    from awards_app.programme.models import Category

    build_demo("judging")

    plan = db.session.scalars(select(AssignmentPlan)).one()
    category = db.session.get(Category, plan.category_id)
    # The demo assigns the entries judges score; a declined nominee's entry is out of judging (engineer A's change
    # makes judgeable_entries leave it out too).
    entries = [e for e in judge_access.judgeable_entries(category) if e.consent is not ConsentState.DECLINED]
    seen = []
    for member in progress_matrix(category).rows:
        place = next(place for place in panels_of(member.judge) if place.category_id == category.id)
        theirs = judge_access.entries_for_judge(member.judge, place)
        seen.append(len(theirs))
        assert 0 < len(theirs) < len(entries)
        scored = set(db.session.scalars(select(Score.nomination_id).where(Score.judge_id == member.judge.id)))
        assert scored & {entry.id for entry in entries} <= {entry.id for entry in theirs}
    assert sum(seen) == len(entries) * plan.judges_per_entry
    print(f"\ndemo: {category.name}, {len(entries)} entries, judges see {seen}")
