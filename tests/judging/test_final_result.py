"""The organisers' side of the final round: the Borda count from judges' submitted ranks, and the sealed result."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from awards_app.ceremony.models import Award, Place, Reveal
from awards_app.core import clock as app_clock
from awards_app.core.errors import DomainError, NotAllowed
from awards_app.core.models import AuditEvent
from awards_app.judging import final_round as final_round_module
from awards_app.judging.final_result import final_round, first_round_results, reasons_needed, record_winners
from awards_app.judging.models import FinalRank
from awards_app.judging.progress import panel_of
from awards_app.nominations.models import ConsentState
from tests.factories.judging import judging_site, make_finalists, make_ranks, mark_final_ranks_submitted, place_of


@pytest.fixture
def site(db_session, clock, organiser):
    """The judging site with Morag, Hamish and Ailsa as finalists and every judge's final ranks submitted.

    Borda with n = 3 (points 2, 1, 0):
        judge A: Morag, Hamish, Ailsa   -> Morag 2, Hamish 1, Ailsa 0
        judge B: Morag, Ailsa, Hamish   -> Morag 2, Ailsa 1, Hamish 0
        judge C (conflicted on Ailsa) ranks Morag, Hamish (m = 2, scaled to 0..2): Morag 2, Hamish 0
    Averages: Morag 6/3 = 2, Ailsa 1/2 = 0.5 (two judges), Hamish 1/3. Order: Morag, Ailsa, Hamish.
    """
    site = judging_site()
    site.finalists = make_finalists(site.category, [site.morag, site.hamish, site.ailsa], organiser)
    morag, hamish, ailsa = site.finalists
    judge_a, judge_b, judge_c = site.judges
    make_ranks(judge_a, morag, hamish, ailsa)
    make_ranks(judge_b, morag, ailsa, hamish)
    make_ranks(judge_c, morag, hamish)
    mark_final_ranks_submitted(site)
    return site


def test_the_borda_count_of_submitted_ranks(site):
    round_ = final_round(site.category)
    morag, hamish, ailsa = site.finalists

    assert round_.applies
    assert (len(round_.submitted), len(round_.panel)) == (3, 3)
    assert round_.result.order() == [morag.id, ailsa.id, hamish.id]
    assert [line.average for line in round_.result.lines] == [2, 0.5, pytest.approx(1 / 3)]
    assert round_.result.line(ailsa.id).judges == 2
    assert round_.result.line(morag.id).first_places == 3
    assert round_.awards == [] and round_.decision is None


def test_a_rank_of_a_finalist_the_judge_is_conflicted_on_is_left_out(site, db_session):
    _, _, ailsa = site.finalists
    db_session.add(FinalRank(judge_id=site.judges[2].id, finalist_id=ailsa.id, rank=3))
    db_session.flush()
    assert final_round(site.category).result.line(ailsa.id).judges == 2


def test_only_submitted_ranks_count(site):
    mark_final_ranks_submitted(site, site.judges[0])  # only judge A: Morag 2, Hamish 1, Ailsa 0
    round_ = final_round(site.category)
    morag, hamish, ailsa = site.finalists
    assert round_.result.order() == [morag.id, hamish.id, ailsa.id]
    assert round_.result.ballots == 1 and len(round_.submitted) == 1


def test_following_the_borda_count_needs_no_reason_and_is_sealed_in_awards(site, organiser, clock):
    morag, hamish, ailsa = site.finalists

    awards = record_winners(organiser, site.category, morag.id, [ailsa.id])

    assert [(award.finalist_id, award.place) for award in awards] == [
        (morag.id, Place.WINNER), (ailsa.id, Place.HIGHLY_COMMENDED),
    ]
    assert all(award.confirmed_by_id == organiser.id and award.confirmed_at == clock.now() for award in awards)
    round_ = final_round(site.category)
    assert round_.place_of(morag.id) is Place.WINNER and round_.place_of(hamish.id) is None
    event = round_.decision
    assert (event.action, event.actor_id, event.subject_id) == ("final_result.recorded", organiser.id, site.category.id)
    assert event.details["winner"] == morag.id and event.details["highly_commended"] == [ailsa.id]
    assert event.details["reason"] == "" and event.details["reason_needed_because"] == []


def test_a_choice_against_the_borda_order_needs_a_reason(site, organiser, db_session):
    morag, hamish, ailsa = site.finalists
    with pytest.raises(DomainError, match="Give a reason: your choice differs from the order of the Borda") as refusal:
        record_winners(organiser, site.category, hamish.id, [])
    assert refusal.value.field == "reason"
    # Highly commending the third instead of the second is a change too.
    with pytest.raises(DomainError, match="differs from the order"):
        record_winners(organiser, site.category, morag.id, [hamish.id])
    assert db_session.scalars(select(Award)).all() == []

    record_winners(organiser, site.category, hamish.id, [], "  The panel agreed Hamish's work went further.  ")
    assert final_round(site.category).decision.details["reason"] == "The panel agreed Hamish's work went further."


def test_recording_before_every_judge_has_submitted_needs_a_reason(site, organiser):
    mark_final_ranks_submitted(site, *site.judges[:2])
    morag, hamish, ailsa = site.finalists
    with pytest.raises(DomainError, match="only 2 of the 3 judges have submitted their final ranks"):
        record_winners(organiser, site.category, morag.id, [ailsa.id])
    record_winners(organiser, site.category, morag.id, [ailsa.id], "Judge C is unwell and cannot finish.")


def test_nothing_can_be_recorded_before_any_judge_has_submitted(site, organiser):
    for member in panel_of(site.category):
        member.final_submitted_at = None
    with pytest.raises(DomainError, match=r"No judge has submitted their final ranks yet \(0 of 3\)"):
        record_winners(organiser, site.category, site.finalists[0].id, [], "Reason")


def _tie_morag_and_hamish(site, db_session):
    """Only judges A and B count (C has not submitted); judge B now ranks Hamish, Morag, Ailsa:
        judge A: Morag 2, Hamish 1, Ailsa 0 ; judge B: Hamish 2, Morag 1, Ailsa 0
        Morag 3/2 = 1.5, Hamish 3/2 = 1.5: tied first; Ailsa 0.
    """
    morag, hamish, ailsa = site.finalists
    mark_final_ranks_submitted(site, *site.judges[:2])
    for rank in db_session.scalars(select(FinalRank).where(FinalRank.judge_id == site.judges[1].id)):
        rank.rank = {morag.id: 2, hamish.id: 1, ailsa.id: 3}[rank.finalist_id]
    db_session.flush()
    assert final_round(site.category).result.tied(morag.id, hamish.id)


def test_under_the_first_round_rule_the_first_round_settles_a_tie(site, organiser, db_session):
    morag, hamish, ailsa = site.finalists
    _tie_morag_and_hamish(site, db_session)
    view = final_round(site.category)
    first_round = first_round_results(site.category, site.finalists)
    better, worse = sorted((morag, hamish), key=lambda finalist: -first_round[finalist.id])
    assert first_round[better.id] > first_round[worse.id]
    assert view.settled.order[:2] == [better.id, worse.id]
    assert view.settled.ties[0].settled
    # Following the settled order needs a reason only for the judge who has not submitted.
    assert reasons_needed(view, better.id, [worse.id]) == ["only 2 of the 3 judges have submitted their final ranks"]
    assert "differs from the order" in reasons_needed(view, worse.id, [better.id])[0]


def test_a_tie_the_choice_settles_needs_a_reason(site, organiser, db_session):
    site.category.edition.tie_break = "organisers"
    morag, hamish, ailsa = site.finalists
    _tie_morag_and_hamish(site, db_session)

    with pytest.raises(DomainError, match="the Borda count has a tie that your choice settles") as refusal:
        record_winners(organiser, site.category, morag.id, [], "")
    assert "only 2 of the 3 judges" in refusal.value.message
    # Giving the tied finalists different places with a reason is fine.
    record_winners(organiser, site.category, hamish.id, [morag.id], "The panel met to break the tie.")


def test_recording_again_replaces_the_result(site, organiser, db_session):
    morag, hamish, ailsa = site.finalists
    record_winners(organiser, site.category, morag.id, [ailsa.id])
    record_winners(organiser, site.category, morag.id, [ailsa.id, hamish.id], "Both deserve it.")

    stored = db_session.scalars(select(Award).order_by(Award.id)).all()
    assert [(award.finalist_id, award.place) for award in stored] == [
        (morag.id, Place.WINNER), (ailsa.id, Place.HIGHLY_COMMENDED), (hamish.id, Place.HIGHLY_COMMENDED),
    ]
    events = db_session.scalars(select(AuditEvent).where(AuditEvent.action == "final_result.recorded")).all()
    assert len(events) == 2
    assert events[1].details["replaced"] == [[morag.id, "winner"], [ailsa.id, "highly_commended"]]


def test_a_revealed_result_cannot_change(site, organiser, db_session):
    morag, _, ailsa = site.finalists
    record_winners(organiser, site.category, morag.id, [ailsa.id])
    db_session.add(Reveal(category_id=site.category.id, revealed_at=app_clock.now()))
    db_session.flush()
    with pytest.raises(DomainError, match="revealed at the ceremony"):
        record_winners(organiser, site.category, morag.id, [])


@pytest.mark.parametrize(
    ("winner", "commended", "field", "message"),
    [
        ("stranger", [], "winner", "Select the winner from the finalists"),
        ("morag", ["stranger"], "highly_commended", "Choose highly commended entries from the finalists"),
        ("morag", ["morag"], "highly_commended", "Morag Fraser cannot be both the winner and highly commended"),
    ],
)
def test_choices_must_be_finalists_of_the_category(site, organiser, winner, commended, field, message):
    ids = {"morag": site.finalists[0].id, "stranger": 999999}
    with pytest.raises(DomainError, match=message) as refusal:
        record_winners(organiser, site.category, ids[winner], [ids[name] for name in commended])
    assert refusal.value.field == field


def test_a_reason_over_the_limit_is_refused(site, organiser):
    with pytest.raises(DomainError, match="1,000 characters or fewer"):
        record_winners(organiser, site.category, site.finalists[1].id, [], "x" * 1001)


def test_only_organisers_record_the_result(site):
    with pytest.raises(NotAllowed):
        record_winners(site.judges[0], site.category, site.finalists[0].id, [])


def test_a_category_with_a_public_vote_has_no_panel_result(db_session, clock, organiser):
    site = judging_site(has_public_vote=True)
    rows = make_finalists(site.category, [site.morag, site.hamish], organiser)
    assert not final_round(site.category).applies
    with pytest.raises(DomainError, match="The public vote decides this category"):
        record_winners(organiser, site.category, rows[0].id, [])


def test_a_category_without_a_shortlist_cannot_have_a_result(db_session, clock, organiser):
    site = judging_site()
    assert not final_round(site.category).applies
    with pytest.raises(DomainError, match="Choose the shortlist before recording the result"):
        record_winners(organiser, site.category, 1, [])


def test_a_finalist_who_declines_after_the_shortlist_leaves_the_final_round(site, organiser, db_session):
    morag, hamish, ailsa = site.finalists
    site.morag.consent = ConsentState.DECLINED
    db_session.flush()

    round_ = final_round(site.category)
    assert round_.finalists == [hamish, ailsa] and round_.declined == [morag]
    assert set(round_.result.order()) == {hamish.id, ailsa.id}
    judge = site.judges[0]
    assert final_round_module.finalists_for(judge, place_of(judge, site.category)) == [hamish, ailsa]
    with pytest.raises(DomainError, match="Morag .* declined to be considered after the shortlist"):
        record_winners(organiser, site.category, morag.id, [], reason="The panel's choice")
    with pytest.raises(DomainError, match="declined"):
        record_winners(organiser, site.category, hamish.id, [morag.id], reason="The panel's choice")
    assert db_session.scalars(select(Award)).all() == []
    record_winners(organiser, site.category, round_.result.order()[0], [], reason="The panel's choice")
