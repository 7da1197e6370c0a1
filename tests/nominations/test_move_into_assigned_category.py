"""Moving a nomination into a category judged by assignment (review #15, finding 3): it gets the least-loaded judges
of the new panel who have room and no conflict, and no other judge's entries change."""
from sqlalchemy import select

from awards_app.judging.assignment import assigned_entry_ids
from awards_app.judging.models import AssignmentPlan, JudgeAssignment
from awards_app.nominations.corrections import move_nomination
from tests.factories.accounts import make_judge
from tests.factories.judging import make_conflict, seat
from tests.factories.nominations import make_entry, make_nomination
from tests.factories.programme import make_category, make_edition


def test_a_moved_entry_has_a_judge_in_its_new_category(db_session, clock, organiser):
    edition = make_edition()
    wrong, right = make_category(edition, name="Wrong"), make_category(edition, name="Right")
    judge = make_judge()
    seat(judge, right)
    already = make_entry(right, "Already There")
    db_session.add(AssignmentPlan(category_id=right.id, judges_per_entry=1, most_entries_per_judge=10))
    db_session.add(JudgeAssignment(judge_id=judge.id, nomination_id=already.id, how="auto",
                                   assigned_by_id=organiser.id, assigned_at=clock.set(edition.nominations_close_at)))
    moved = make_entry(wrong, "Moved Here")  # eligible: a run assigns only the entries being judged
    db_session.flush()
    move_nomination(organiser, moved, right, "The nominator chose the wrong award.")
    db_session.flush()
    assert moved.id in assigned_entry_ids(judge, right), "no judge of the new category will ever see it"


def _assigned(db_session, organiser, clock, category, judge, *entries):
    for entry in entries:
        db_session.add(JudgeAssignment(judge_id=judge.id, nomination_id=entry.id, how="auto",
                                       assigned_by_id=organiser.id, assigned_at=clock.now()))


def test_it_goes_to_the_least_loaded_judges_without_a_conflict_and_nobody_elses_entries_move(
        db_session, clock, organiser):
    edition = make_edition()
    wrong, right = make_category(edition, name="Wrong"), make_category(edition, name="Right")
    busy, idle, conflicted = (make_judge(f"{name}@example.org") for name in ("busy", "idle", "conflicted"))
    for judge in (busy, idle, conflicted):
        seat(judge, right)
    there = [make_entry(right, f"Entry {number}") for number in range(3)]
    db_session.add(AssignmentPlan(category_id=right.id, judges_per_entry=2, most_entries_per_judge=3))
    _assigned(db_session, organiser, clock, right, busy, *there)
    _assigned(db_session, organiser, clock, right, idle, there[0])
    moved = make_entry(wrong, "Moved Here")
    make_conflict(conflicted, moved)
    db_session.flush()
    plan = move_nomination(organiser, moved, right, "The nominator chose the wrong award.")
    # busy is full (3 of 3), conflicted may not: only idle has room, so the entry is one judge short, and says so.
    assert (plan.by_assignment, plan.judges.judges, plan.judges.needed, plan.judges.short) == (True, ["Idle"], 2, True)
    assert assigned_entry_ids(idle, right) == {there[0].id, moved.id}
    assert assigned_entry_ids(busy, right) == {entry.id for entry in there}
    assert assigned_entry_ids(conflicted, right) == set()


def test_an_entry_not_yet_being_judged_is_left_for_the_next_run(db_session, clock, organiser):
    edition = make_edition()
    wrong, right = make_category(edition, name="Wrong"), make_category(edition, name="Right")
    judge = make_judge()
    seat(judge, right)
    db_session.add(AssignmentPlan(category_id=right.id, judges_per_entry=1, most_entries_per_judge=10))
    moved = make_nomination(wrong, "Moved Here")  # received, not yet found eligible
    db_session.flush()
    plan = move_nomination(organiser, moved, right, "The nominator chose the wrong award.")
    assert (plan.by_assignment, plan.judges) == (True, None)
    assert assigned_entry_ids(judge, right) == set()


def test_a_category_without_assignment_gets_no_assignments(db_session, clock, organiser):
    edition = make_edition()
    wrong, right = make_category(edition, name="Wrong"), make_category(edition, name="Right")
    seat(make_judge(), right)
    moved = make_entry(wrong, "Moved Here")
    plan = move_nomination(organiser, moved, right, "The nominator chose the wrong award.")
    assert (plan.by_assignment, plan.judges) == (False, None)
    assert db_session.scalars(select(JudgeAssignment)).all() == []
