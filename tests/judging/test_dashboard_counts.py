"""The dashboard's judging counts (judging.progress.judging_counts): who has not started, who is behind, which entries
are short of scores, categories with no judges, final ranks awaited; counted in the database, and agreeing with the
progress matrix the judging pages show."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from awards_app.demo.builder import build_demo
from awards_app.extensions import db
from awards_app.judging.models import (
    AssignmentPlan,
    Conflict,
    JudgeAssignment,
    PanelStatus,
)
from awards_app.judging.progress import CellState, judging_counts, progress_matrix
from awards_app.programme.models import Edition
from tests.factories.accounts import make_judge
from tests.factories.judging import (
    judging_site,
    make_finalists,
    make_scores,
    mark_final_ranks_submitted,
    place_of,
    seat,
)
from tests.factories.programme import make_category


def mid_judging(clock, site) -> None:
    """Set the clock about half way through the judging window (13 of 27 days gone)."""
    clock.set(site.edition.judging_start_at + timedelta(days=13))


def test_judges_who_scored_everything_or_submitted_are_neither_behind_nor_not_started(clock, db_session):
    site = judging_site()
    mid_judging(clock, site)
    counts = judging_counts(site.edition)
    assert (counts.judges_not_started, counts.judges_behind, counts.entries_short) == (0, 0, 0)
    assert counts.categories_without_judges == 0


def test_a_new_judge_has_not_started_and_leaves_every_entry_short(clock, db_session):
    site = judging_site()
    mid_judging(clock, site)
    late = make_judge("late@example.org", "Lachlan Late")
    seat(late, site.category)
    counts = judging_counts(site.edition)
    # Four entries count (Callum declined consent): each now lacks the new judge's scores.
    assert (counts.judges_not_started, counts.judges_behind, counts.entries_short) == (1, 0, 4)


def test_a_judge_is_behind_when_less_is_scored_than_the_time_gone(clock, db_session):
    site = judging_site()
    mid_judging(clock, site)
    late = make_judge("late@example.org", "Lachlan Late")
    seat(late, site.category)
    make_scores(late, site.morag, site.criteria)
    make_scores(late, site.hamish, site.criteria[:1])  # one criterion of two: not a complete set
    counts = judging_counts(site.edition)
    assert (counts.judges_not_started, counts.judges_behind, counts.entries_short) == (0, 1, 3)

    make_scores(late, site.ailsa, site.criteria)  # two of four done, a half, more than the 13 days of 27 gone
    assert judging_counts(site.edition).judges_behind == 0


def test_once_judging_has_ended_every_judge_who_has_not_submitted_is_behind(clock, db_session):
    site = judging_site()
    clock.set(site.edition.judging_end_at + timedelta(hours=1))
    assert judging_counts(site.edition).judges_behind == 2  # judges A and C; B submitted


def test_paused_judges_and_judges_of_shortlisted_categories_do_not_count(clock, db_session):
    site = judging_site()
    mid_judging(clock, site)
    late = make_judge("late@example.org", "Lachlan Late")
    seat(late, site.category).status = PanelStatus.PAUSED
    assert judging_counts(site.edition).judges_not_started == 0

    place_of(late, site.category).status = PanelStatus.ACTIVE
    site.category.shortlisted_at = clock.now()
    db.session.flush()
    counts = judging_counts(site.edition)
    assert (counts.judges_not_started, counts.entries_short) == (0, 0)


def test_with_assignment_a_judge_answers_only_for_the_entries_assigned(clock, db_session):
    site = judging_site()
    mid_judging(clock, site)
    late = make_judge("late@example.org", "Lachlan Late")
    seat(late, site.category)
    db.session.add(AssignmentPlan(category_id=site.category.id, judges_per_entry=1, most_entries_per_judge=4))
    for judge in site.judges:
        db.session.add_all(JudgeAssignment(judge_id=judge.id, nomination_id=entry.id)
                           for entry in (site.morag, site.hamish, site.ailsa, site.eilidh)
                           if not (judge is site.judges[2] and entry is site.ailsa))
    db.session.add(JudgeAssignment(judge_id=late.id, nomination_id=site.eilidh.id))
    db.session.flush()
    counts = judging_counts(site.edition)
    assert (counts.judges_not_started, counts.entries_short) == (1, 1)  # only Eilidh waits for the new judge

    make_scores(late, site.eilidh, site.criteria)
    counts = judging_counts(site.edition)
    assert (counts.judges_not_started, counts.judges_behind, counts.entries_short) == (0, 0, 0)


def test_with_assignment_an_entry_waits_only_for_assigned_judges_who_are_active_and_not_conflicted(clock, db_session):
    site = judging_site()
    mid_judging(clock, site)
    late = make_judge("late@example.org", "Lachlan Late")
    seat(late, site.category)
    db.session.add(AssignmentPlan(category_id=site.category.id, judges_per_entry=4, most_entries_per_judge=4))
    for judge in (*site.judges, late):
        db.session.add_all(JudgeAssignment(judge_id=judge.id, nomination_id=entry.id)
                           for entry in (site.morag, site.hamish, site.ailsa, site.eilidh)
                           if judge is not late or entry is site.eilidh)
    db.session.flush()
    assert judging_counts(site.edition).entries_short == 1  # Eilidh waits for the new judge

    place_of(late, site.category).status = PanelStatus.PAUSED  # paused: nobody waits for their scores
    db.session.flush()
    assert judging_counts(site.edition).entries_short == 0

    place_of(late, site.category).status = PanelStatus.ACTIVE
    db.session.add(Conflict(judge_id=late.id, nomination_id=site.eilidh.id, reason="A neighbour"))  # never scores it
    db.session.flush()
    assert judging_counts(site.edition).entries_short == 0


def test_a_category_still_being_scored_with_no_judges_is_counted(clock, db_session):
    site = judging_site()
    make_category(site.edition, name="Project of the Year")
    assert judging_counts(site.edition).categories_without_judges == 1


def test_final_ranks_awaited_counts_judges_of_categories_the_judges_decide(clock, db_session):
    site = judging_site()
    assert judging_counts(site.edition).final_ranks_awaited == 0  # no finalists yet
    make_finalists(site.category, [site.morag, site.hamish, site.eilidh])
    assert judging_counts(site.edition).final_ranks_awaited == 3
    mark_final_ranks_submitted(site, site.judges[0], site.judges[1])
    assert judging_counts(site.edition).final_ranks_awaited == 1
    site.category.has_public_vote = True
    db.session.flush()
    assert judging_counts(site.edition).final_ranks_awaited == 0


def test_the_counts_agree_with_the_progress_matrices_of_the_demo(clock, db_session):
    build_demo("judging")
    edition = db_session.scalars(select(Edition)).one()
    short, not_started = set(), set()
    for category in edition.categories:
        matrix = progress_matrix(category)
        for index, entry in enumerate(matrix.entries):
            if any(cell.state.counts_as_work for cell in matrix.column(index)):
                short.add(entry.id)
        for row in matrix.rows:
            if not row.submitted and row.to_score and not row.count(CellState.IN_PROGRESS, CellState.SCORED):
                not_started.add(row.judge.id)
    counts = judging_counts(edition)
    assert counts.entries_short == len(short) > 0
    assert counts.judges_not_started == len(not_started)
