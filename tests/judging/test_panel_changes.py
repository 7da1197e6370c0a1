"""Changes to a panel during judging: pausing, removing, resuming and restoring a judge keep their work and leave it
out of every figure; a judge added after the shortlist ranks the finalists only, or has nothing to do; every count
follows who is really on the panel for that round."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from awards_app.core import clock as app_clock
from awards_app.core.errors import DomainError, NotAllowed, NotFound
from awards_app.core.models import AuditEvent
from awards_app.judging import conflicts, final_round, judge_access, panels, scoring
from awards_app.judging.final_result import final_round as organisers_final_round
from awards_app.judging.final_result import reasons_needed, record_winners
from awards_app.judging.models import PanelRole, PanelStatus, Score
from awards_app.judging.progress import (
    final_round_panel_of, panel_of, progress_matrix, send_reminders, set_aside,
)
from awards_app.judging.shortlist import category_rankings
from tests.factories.accounts import make_judge
from tests.factories.judging import (
    judging_site, make_finalists, make_ranks, mark_final_ranks_submitted, place_of, seat,
)


@pytest.fixture
def site(db_session, clock):
    """Three judges (A, B, C) have scored the five entries of Carer of the Year (no public vote)."""
    return judging_site()


@pytest.fixture
def shortlisted(site, organiser):
    """The site with Morag, Hamish and Ailsa on the shortlist and every judge's final ranks submitted."""
    site.finalists = make_finalists(site.category, [site.morag, site.hamish, site.ailsa], organiser)
    site.category.shortlisted_at = app_clock.now()
    morag, hamish, ailsa = site.finalists
    judge_a, judge_b, judge_c = site.judges
    make_ranks(judge_a, morag, hamish, ailsa)
    make_ranks(judge_b, morag, ailsa, hamish)
    make_ranks(judge_c, morag, hamish)
    mark_final_ranks_submitted(site)
    return site


def events(db_session, action: str) -> list[AuditEvent]:
    """The audit events of one action."""
    return list(db_session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def stored_scores(db_session, judge) -> int:
    """How many scores the judge has stored, counted or not."""
    return db_session.scalar(select(func.count(Score.id)).where(Score.judge_id == judge.id))


# --- Pausing and resuming -------------------------------------------------------------------------------------------


def test_a_paused_judge_keeps_their_scores_but_no_figure_counts_them(site, organiser, db_session):
    judge_a = site.judges[0]
    before = stored_scores(db_session, judge_a)
    panels.pause_judge(organiser, place_of(judge_a, site.category))

    assert stored_scores(db_session, judge_a) == before == 10
    assert judge_a.id not in {member.judge_id for member in panel_of(site.category)}
    view = category_rankings(site.category)
    assert judge_a.id not in view.judges
    assert view.rankings.entry(site.morag.id).scores == 2  # judges B and C only
    assert view.rankings.entry(site.morag.id).weighted_mean == pytest.approx(7.5)
    matrix = progress_matrix(site.category)
    assert [row.judge.name for row in matrix.rows] == ["Morven Clark", "Tariq Hussain"]
    [aside] = set_aside(site.category)
    assert (aside.member.judge_id, aside.kept) == (judge_a.id, "10 scores")
    assert aside.member.status_changed_by_id == organiser.id
    [event] = events(db_session, "panel.judge_paused")
    assert event.details["judge_id"] == judge_a.id and event.details["scores_kept"] == 10


def test_a_paused_judge_reads_their_work_but_cannot_change_it(site, organiser, db_session):
    judge_a = site.judges[0]
    place = place_of(judge_a, site.category)
    panels.pause_judge(organiser, place)

    assert judge_access.panel_place(judge_a, site.category.id) == place
    assert judge_access.entry_for_judge(judge_a, site.morag.id)[1] == site.morag  # still readable
    assert scoring.is_locked(place)
    assert "paused your judging" in judge_access.paused_notice(place)
    with pytest.raises(scoring.ScoresLocked, match="paused your judging"):
        scoring.record_score(judge_a, site.morag.id, site.criteria[0].id, 3)


def test_a_paused_judge_cannot_change_their_final_ranks(shortlisted, organiser, db_session):
    judge_a = shortlisted.judges[0]
    place = place_of(judge_a, shortlisted.category)
    place.final_submitted_at = None
    panels.pause_judge(organiser, place)
    assert final_round.is_locked(place)
    with pytest.raises(scoring.ScoresLocked, match="paused your judging"):
        final_round.record_final_ranks(judge_a, place, {shortlisted.finalists[0].id: 2})


def test_resuming_a_judge_counts_their_work_again(site, organiser, db_session):
    judge_a = site.judges[0]
    place = place_of(judge_a, site.category)
    panels.pause_judge(organiser, place)
    panels.resume_judge(organiser, place)
    assert judge_a.id in category_rankings(site.category).judges
    assert set_aside(site.category) == []
    assert events(db_session, "panel.judge_resumed")


def test_status_changes_are_refused_from_the_wrong_status_and_for_non_organisers(site, organiser):
    judge_a, judge_b, _ = site.judges
    place = place_of(judge_a, site.category)
    with pytest.raises(DomainError, match="is active on the panel of ‘Carer of the Year’, so they cannot be resumed"):
        panels.resume_judge(organiser, place)
    with pytest.raises(DomainError, match="cannot be restored"):
        panels.restore_judge(organiser, place)
    with pytest.raises(NotAllowed):
        panels.pause_judge(judge_b, place)
    assert place.status == PanelStatus.ACTIVE


# --- Removing and restoring -------------------------------------------------------------------------------------------


def test_removing_a_judge_who_scored_keeps_the_place_and_the_work(site, organiser, db_session):
    judge_c = site.judges[2]
    place = place_of(judge_c, site.category)
    panels.remove_judge(organiser, place)

    assert place_of(judge_c, site.category).status == PanelStatus.REMOVED
    assert stored_scores(db_session, judge_c) == 8
    assert place not in judge_access.panels_of(judge_c)
    with pytest.raises(NotFound):
        judge_access.panel_place(judge_c, site.category.id)
    with pytest.raises(NotFound):
        judge_access.entry_for_judge(judge_c, site.morag.id)
    assert judge_c.id not in category_rankings(site.category).judges
    assert events(db_session, "panel.judge_removed_keeping_work")[0].details["scores_kept"] == 8

    panels.restore_judge(organiser, place)
    assert judge_access.panel_place(judge_c, site.category.id) == place
    assert judge_c.id in category_rankings(site.category).judges
    assert events(db_session, "panel.judge_restored")


def test_unticking_a_judge_who_scored_points_to_remove(site, organiser):
    with pytest.raises(DomainError, match="use ‘Remove’ beside the category on their card"):
        panels.set_panels(organiser, site.judges[0], site.edition, set())


# --- The final round follows who is on its panel ---------------------------------------------------------------------


def test_a_paused_judges_final_ranks_are_kept_but_not_counted(shortlisted, organiser):
    judge_c = shortlisted.judges[2]
    panels.pause_judge(organiser, place_of(judge_c, shortlisted.category))
    view = organisers_final_round(shortlisted.category)
    assert (len(view.submitted), len(view.panel)) == (2, 2)
    morag = shortlisted.finalists[0]
    assert view.result.line(morag.id).judges == 2
    # Every judge really on the panel has submitted: no reason is needed for that (Hamish and Ailsa now tie second).
    assert not [why for why in reasons_needed(view, morag.id, []) if "judges have submitted" in why]
    [aside] = set_aside(shortlisted.category)
    assert aside.kept == "8 scores and 2 final ranks"


# --- A judge added after the shortlist -------------------------------------------------------------------------------


def test_adding_a_judge_after_the_shortlist_asks_what_they_should_do(shortlisted, organiser, db_session):
    late = make_judge("late@example.org", "Lena Late")
    with pytest.raises(DomainError, match="choose whether they rank the finalists in the final round") as refused:
        panels.add_to_panel(organiser, late, shortlisted.category)
    assert refused.value.field == f"role-{shortlisted.category.id}"
    with pytest.raises(DomainError):
        panels.add_to_panel(organiser, late, shortlisted.category, PanelRole.FULL)

    place = panels.add_to_panel(organiser, late, shortlisted.category, PanelRole.FINAL_ONLY)
    assert place.role == PanelRole.FINAL_ONLY
    assert events(db_session, "panel.judge_added")[-1].details["role"] == PanelRole.FINAL_ONLY


def test_where_the_public_vote_decides_a_late_judge_can_only_have_nothing_to_do(site, organiser):
    site.category.has_public_vote = True
    site.category.shortlisted_at = app_clock.now()
    late = make_judge("late@example.org", "Lena Late")
    with pytest.raises(DomainError, match="the public vote decides it"):
        panels.add_to_panel(organiser, late, site.category, PanelRole.FINAL_ONLY)
    assert panels.add_to_panel(organiser, late, site.category, PanelRole.NONE).role == PanelRole.NONE


def test_a_judge_added_before_the_shortlist_scores_the_entries(site, organiser):
    late = make_judge("late@example.org", "Lena Late")
    assert panels.add_to_panel(organiser, late, site.category).role == PanelRole.FULL


def test_a_final_round_judge_declares_against_the_finalists_then_ranks_them(shortlisted, organiser, db_session):
    late = make_judge("late@example.org", "Lena Late")
    place = panels.add_to_panel(organiser, late, shortlisted.category, PanelRole.FINAL_ONLY)
    morag, hamish, ailsa = shortlisted.finalists

    assert [row.nomination_id for row in conflicts.nominee_list(late, place)] == [
        shortlisted.morag.id, shortlisted.hamish.id, shortlisted.ailsa.id,
    ]
    conflicts.declare_conflicts(late, place, {})  # "I have no conflicts": refused before for anyone, shortlist chosen
    assert place.conflicts_declared_at is not None
    with pytest.raises(NotFound):  # an entry that is not a finalist is not theirs to declare against
        conflicts.declare_conflicts(late, place, {shortlisted.eilidh.id: "I know her."})

    assert judge_access.entries_for_judge(late, place) == []  # never sent to score entries
    assert judge_access.entry_to_read(late, shortlisted.morag.id)[1] == shortlisted.morag  # reads a finalist
    with pytest.raises(NotFound):
        judge_access.entry_to_read(late, shortlisted.eilidh.id)
    with pytest.raises(NotFound):  # ...but never scores one
        scoring.record_score(late, shortlisted.morag.id, shortlisted.criteria[0].id, 5)

    # Until they submit, the panel of the final round is 3 of 4 judges: recording the Borda order needs a reason.
    view = organisers_final_round(shortlisted.category)
    assert (len(view.submitted), len(view.panel)) == (3, 4)
    assert reasons_needed(view, morag.id, [ailsa.id]) == [
        "only 3 of the 4 judges have submitted their final ranks"
    ]
    final_round.submit_final_ranks(late, place, {morag.id: 1, ailsa.id: 2, hamish.id: 3})
    view = organisers_final_round(shortlisted.category)
    assert (len(view.submitted), len(view.panel)) == (4, 4)
    assert view.result.line(morag.id).judges == 4
    assert reasons_needed(view, morag.id, [ailsa.id]) == []
    record_winners(organiser, shortlisted.category, morag.id, [ailsa.id])
    # The first round's figures never count them.
    assert late.id not in {member.judge_id for member in panel_of(shortlisted.category)}


def test_a_judge_with_nothing_to_do_is_counted_nowhere(shortlisted, organiser):
    late = make_judge("late@example.org", "Lena Late")
    place = panels.add_to_panel(organiser, late, shortlisted.category, PanelRole.NONE)
    assert place in judge_access.panels_of(late)  # they see the category
    assert late.id not in {member.judge_id for member in panel_of(shortlisted.category)}
    assert late.id not in {member.judge_id for member in final_round_panel_of(shortlisted.category)}
    assert conflicts.nominee_list(late, place) == []
    with pytest.raises(NotFound):
        final_round.finalists_for(late, place)
    [aside] = set_aside(shortlisted.category)
    assert aside.member == place and aside.kept == "no scores"


# --- Reminders -------------------------------------------------------------------------------------------------------


def test_reminders_go_to_the_judges_really_on_each_round(shortlisted, organiser, outbox, db_session):
    judge_a, judge_b, judge_c = shortlisted.judges
    for member in (place_of(judge, shortlisted.category) for judge in shortlisted.judges):
        member.final_submitted_at = None
        member.submitted_at = app_clock.now()
    panels.pause_judge(organiser, place_of(judge_a, shortlisted.category))
    late = make_judge("late@example.org", "Lena Late")
    panels.add_to_panel(organiser, late, shortlisted.category, PanelRole.FINAL_ONLY)
    idle = make_judge("idle@example.org", "Ian Idle")
    panels.add_to_panel(organiser, idle, shortlisted.category, PanelRole.NONE)

    outcome = send_reminders(organiser, shortlisted.category)

    assert sorted(judge.email for judge in outcome.sent) == sorted([judge_b.email, judge_c.email, late.email])
    lena = next(email for email in outbox() if email.to_address == late.email)
    assert "Declare any conflicts of interest" in lena.text_body and "Rank the finalists" in lena.text_body
    assert "Not started" not in lena.text_body and "score the entries" not in lena.text_body
    assert "then rank the finalists" in lena.text_body and "then rank the finalists" in lena.html_body


def test_seating_helper_gives_a_full_active_place(site):
    place = seat(make_judge("new@example.org", "New Judge"), site.category)
    assert (place.status, place.role) == (PanelStatus.ACTIVE, PanelRole.FULL)
