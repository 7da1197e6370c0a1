"""The first round is frozen once the shortlist is chosen: panel changes and conflicts recorded afterwards touch the
final round only (who ranks finalists, the Borda count), never the first-round rankings the shortlist came from; and a
conflict recorded after the shortlist can be restored until the judge's final ranks are in or the result recorded."""
from __future__ import annotations

import pytest

from awards_app.core.errors import DomainError
from awards_app.judging import conflicts, final_round, panels, shortlist
from awards_app.judging.final_result import first_round_results, record_winners
from awards_app.judging.models import Conflict
from awards_app.judging.progress import final_round_panel_of, panel_of
from tests.factories.accounts import make_judge
from tests.factories.judging import judging_site, mark_final_ranks_submitted, place_of


@pytest.fixture
def site(db_session, clock, organiser):
    """The judging site with its shortlist chosen by weighted mean (Morag, Hamish, Ailsa), a minute ago."""
    site = judging_site()
    site.order = [e.entry_id for e in shortlist.category_rankings(site.category).rankings.ordered("weighted")]
    shortlist.choose_shortlist(organiser, site.category, "weighted", site.order[:3])
    db_session.flush()
    site.figures = _figures(site)
    clock.advance(minutes=1)
    return site


def _figures(site) -> list[tuple[int, float | None, float | None]]:
    """Every entry's first-round weighted and normalised means."""
    return [(e.entry_id, e.weighted_mean, e.normalised_mean)
            for e in shortlist.category_rankings(site.category).rankings.entries]


@pytest.mark.parametrize("change", ["pause_judge", "remove_judge"])
def test_pausing_or_removing_a_judge_after_the_shortlist_changes_the_final_round_only(site, organiser, change):
    judge = site.judges[0]
    getattr(panels, change)(organiser, place_of(judge, site.category))

    assert _figures(site) == site.figures
    assert judge.id in {member.judge_id for member in panel_of(site.category)}
    assert judge.id not in {member.judge_id for member in final_round_panel_of(site.category)}


def test_a_judge_set_aside_before_the_shortlist_stays_out_of_it_when_brought_back(db_session, clock, organiser):
    site = judging_site()
    judge = site.judges[0]
    panels.remove_judge(organiser, place_of(judge, site.category))
    order = [e.entry_id for e in shortlist.category_rankings(site.category).rankings.ordered("weighted")]
    shortlist.choose_shortlist(organiser, site.category, "weighted", order[:3])
    figures = _figures(site)
    clock.advance(minutes=1)

    panels.restore_judge(organiser, place_of(judge, site.category))

    assert _figures(site) == figures
    assert judge.id not in {member.judge_id for member in panel_of(site.category)}
    assert judge.id in {member.judge_id for member in final_round_panel_of(site.category)}


def test_a_recusal_after_the_shortlist_hides_the_finalist_but_keeps_the_first_round(site, organiser, db_session):
    judge = site.judges[0]
    conflict = panels.recuse_judge(organiser, judge, site.morag, "Their neighbour")
    db_session.flush()

    assert _figures(site) == site.figures
    finalists = final_round.finalists_for(judge, place_of(judge, site.category))
    assert site.morag.id not in [finalist.nomination_id for finalist in finalists]
    assert conflicts.restore_refused_because(conflict) is None
    conflicts.restore_conflict(organiser, conflict, "Mistake: a different neighbour")
    assert site.morag.id in [f.nomination_id for f in final_round.finalists_for(judge, place_of(judge, site.category))]


def test_tie_break_figures_of_the_final_round_stay_as_chosen_from(site, organiser, db_session):
    finalists = shortlist.finalists_of(site.category)
    before = first_round_results(site.category, finalists)
    panels.remove_judge(organiser, place_of(site.judges[1], site.category))
    panels.recuse_judge(organiser, site.judges[0], site.hamish, "Their cousin")
    db_session.flush()
    assert first_round_results(site.category, finalists) == before


def test_a_conflict_recorded_before_the_shortlist_still_cannot_be_restored(db_session, clock, organiser):
    site = judging_site()
    [conflict] = [c for c in db_session.query(Conflict).all()]
    order = [e.entry_id for e in shortlist.category_rankings(site.category).rankings.ordered("weighted")]
    shortlist.choose_shortlist(organiser, site.category, "weighted", order[:3])
    clock.advance(minutes=1)
    with pytest.raises(DomainError, match="would change the figures the shortlist was chosen from"):
        conflicts.restore_conflict(organiser, conflict, "Mistake")


def test_a_late_judges_mistaken_conflict_can_be_restored_until_their_ranks_are_in(site, organiser, db_session):
    late = make_judge("late@example.org", "Late Judge")
    place = panels.add_to_panel(organiser, late, site.category, "final_only")
    db_session.flush()
    [conflict] = conflicts.declare_conflicts(late, place, {site.order[0]: "Ticked the wrong box"})
    db_session.flush()
    place.final_submitted_at = place.conflicts_declared_at

    with pytest.raises(DomainError, match="Unlock their final ranks"):
        conflicts.restore_conflict(organiser, conflict, "Mistake: they do not know the nominee")
    place.final_submitted_at = None
    conflicts.restore_conflict(organiser, conflict, "Mistake: they do not know the nominee")
    assert site.order[0] in [f.nomination_id for f in final_round.finalists_for(late, place)]


def test_no_restoring_a_late_conflict_once_the_result_is_recorded(site, organiser, db_session):
    judge = site.judges[0]
    conflict = panels.recuse_judge(organiser, judge, site.ailsa, "Their cousin")
    from tests.factories.judging import make_ranks
    morag, hamish, ailsa = shortlist.finalists_of(site.category)
    for member in site.judges[1:]:
        make_ranks(member, morag, hamish, ailsa)
    make_ranks(judge, morag, hamish)
    mark_final_ranks_submitted(site)
    record_winners(organiser, site.category, morag.id, [], reason="The panel's choice")
    place_of(judge, site.category).final_submitted_at = None  # unlocking would not help: the result stands
    assert "has been recorded" in conflicts.restore_refused_because(conflict)
