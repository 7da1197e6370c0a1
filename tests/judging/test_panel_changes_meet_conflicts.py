"""Where panel changes (paused and removed judges) meet conflicts (kept scores, restoring): a paused judge changes
nothing, declaring a conflict included, and a conflict of a judge whose work counts nowhere cannot be restored."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from awards_app.core.errors import DomainError
from awards_app.judging import conflicts, panels
from awards_app.judging.models import Conflict
from awards_app.judging.shortlist import category_rankings
from tests.factories.judging import judging_site, place_of


@pytest.fixture
def site(db_session, clock):
    """Judges A, B and C have scored Carer of the Year; C is conflicted on Ailsa, having scored nothing of hers."""
    return judging_site()


def conflict_of(db_session, judge, nomination) -> Conflict | None:
    """The judge's conflict on the entry, if any."""
    return db_session.scalar(
        select(Conflict).where(Conflict.judge_id == judge.id, Conflict.nomination_id == nomination.id)
    )


def test_a_paused_judge_cannot_declare_a_conflict(site, organiser, db_session):
    judge_a = site.judges[0]
    place = place_of(judge_a, site.category)
    panels.pause_judge(organiser, place)
    with pytest.raises(DomainError, match="paused your judging"):
        conflicts.declare_conflicts(judge_a, place, {site.eilidh.id: "My cousin runs it."})
    assert conflict_of(db_session, judge_a, site.eilidh) is None
    panels.resume_judge(organiser, place)
    conflicts.declare_conflicts(judge_a, place, {site.eilidh.id: "My cousin runs it."})
    assert conflict_of(db_session, judge_a, site.eilidh) is not None


@pytest.mark.parametrize("change, refusal", [
    (panels.pause_judge, "is paused on the panel"),
    (panels.remove_judge, "no longer on the panel"),
])
def test_a_conflict_of_a_judge_whose_work_counts_nowhere_is_not_restored(site, organiser, db_session, change, refusal):
    judge_a = site.judges[0]
    conflict = conflicts.record_conflict(judge_a, judge_a, site.hamish, "I know them.", "declared")
    change(organiser, place_of(judge_a, site.category))
    assert refusal in conflicts.restore_refused_because(conflict)
    with pytest.raises(DomainError, match=refusal):
        conflicts.restore_conflict(organiser, conflict, "Declared by mistake.")
    assert conflict_of(db_session, judge_a, site.hamish) is not None
    hamish = category_rankings(site.category).rankings.entry(site.hamish.id)
    assert judge_a.id not in hamish.judge_scores


def test_restoring_after_the_judge_is_resumed_counts_their_kept_scores_again(site, organiser, db_session):
    judge_a = site.judges[0]
    place = place_of(judge_a, site.category)
    conflict = conflicts.record_conflict(judge_a, judge_a, site.hamish, "I know them.", "declared")
    panels.pause_judge(organiser, place)
    panels.resume_judge(organiser, place)
    conflicts.restore_conflict(organiser, conflict, "Declared by mistake.")
    hamish = category_rankings(site.category).rankings.entry(site.hamish.id)
    assert hamish.judge_scores[judge_a.id] == 7
