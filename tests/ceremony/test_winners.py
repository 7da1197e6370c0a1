"""Each category's result under its method: the public vote's count with voided votes left out, ties settled by the
edition's rule, recording a public vote's result, and confirmation sealing it."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from awards_app.ceremony.models import Award, Place
from awards_app.ceremony.winners import confirm_result, record_vote_result, set_tie_break, standing
from awards_app.core.errors import DomainError, NotAllowed
from awards_app.core.models import AuditEvent
from awards_app.judging.final_result import record_winners
from tests.factories.accounts import make_judge
from tests.factories.ceremony import ceremony_site
from tests.factories.judging import judging_site, make_finalists, make_ranks, mark_final_ranks_submitted
from tests.factories.voting import make_votes


@pytest.fixture
def site(db_session, clock, organiser):
    """A closed public vote: Morag 5 valid votes (and 4 voided), Hamish 3, Ailsa 1."""
    site = ceremony_site(organiser)
    morag, hamish, ailsa = site.finalists
    make_votes(site.contest, morag, 5)
    make_votes(site.contest, morag, 4, voided=True)
    make_votes(site.contest, hamish, 3)
    make_votes(site.contest, ailsa, 1)
    return site


def test_a_public_vote_is_ordered_by_valid_votes_only(site):
    morag, hamish, ailsa = site.finalists
    view = standing(site.category)
    assert view.method == "public_vote" and view.complete and view.waiting_for == ""
    assert [line.finalist.id for line in view.lines] == [morag.id, hamish.id, ailsa.id]
    assert [line.value for line in view.lines] == [5, 3, 1]
    assert view.lines[0].result == "5 votes (56%)"
    assert view.lines[2].result == "1 vote (11%)"
    assert view.settled.ties == []


def test_voided_votes_can_change_the_winner(site, db_session):
    morag, hamish, ailsa = site.finalists
    make_votes(site.contest, hamish, 10, voided=True)  # ten more for Hamish, all voided: still behind Morag
    assert standing(site.category).lines[0].finalist.id == morag.id
    make_votes(site.contest, hamish, 3)  # three valid ones: now 6 to 5
    assert standing(site.category).lines[0].finalist.id == hamish.id


def test_a_tie_in_the_vote_is_settled_by_the_first_round(site):
    morag, hamish, ailsa = site.finalists
    make_votes(site.contest, ailsa, 4)  # Ailsa 5 = Morag 5; first round: Morag 8, Ailsa 4.5
    view = standing(site.category)
    assert [line.finalist.id for line in view.lines][:2] == [morag.id, ailsa.id]
    assert len(view.settled.ties) == 1 and view.settled.ties[0].settled
    assert view.tie_notes() == ["Morag Fraser and Ailsa Grant are tied; the tie-break rule puts them in that order."]


def test_under_the_organisers_rule_a_tie_stays_open(site, organiser):
    morag, hamish, ailsa = site.finalists
    set_tie_break(organiser, site.edition, "organisers")
    make_votes(site.contest, ailsa, 4)
    view = standing(site.category)
    assert not view.settled.ties[0].settled
    assert "you decide, with a reason" in view.tie_notes()[0]
    with pytest.raises(DomainError, match="the public vote has a tie that your choice settles"):
        record_vote_result(organiser, site.category, ailsa.id, [morag.id])
    record_vote_result(organiser, site.category, ailsa.id, [morag.id], "Ailsa won the judges' vote for the tie.")


def test_recording_the_vote_order_needs_no_reason(site, organiser, db_session):
    morag, hamish, ailsa = site.finalists
    awards = record_vote_result(organiser, site.category, morag.id, [hamish.id])
    assert {(award.finalist_id, award.place) for award in awards} == {
        (morag.id, Place.WINNER), (hamish.id, Place.HIGHLY_COMMENDED)
    }
    event = db_session.scalars(select(AuditEvent).where(AuditEvent.action == "vote_result.recorded")).one()
    assert event.details["winner_name"] == "Morag Fraser" and event.details["reason"] == ""
    assert standing(site.category).recorded


def test_departing_from_the_vote_needs_a_reason(site, organiser):
    morag, hamish, ailsa = site.finalists
    with pytest.raises(DomainError, match="your choice differs from the order of the public vote") as refusal:
        record_vote_result(organiser, site.category, hamish.id, [])
    assert refusal.value.field == "reason"
    record_vote_result(organiser, site.category, hamish.id, [], "Morag's votes were found to be fraudulent.")


@pytest.mark.parametrize(
    "winner, highly_commended, message",
    [
        (999_999, [], "Select the winner from the finalists"),
        ("morag", [999_999], "Choose highly commended entries from the finalists"),
        ("morag", ["morag"], "Morag Fraser cannot be both the winner and highly commended"),
    ],
)
def test_the_choice_must_come_from_the_finalists(site, organiser, winner, highly_commended, message):
    ids = {"morag": site.finalists[0].id}
    with pytest.raises(DomainError, match=message):
        record_vote_result(organiser, site.category, ids.get(winner, winner), [ids.get(h, h) for h in highly_commended])


def test_nothing_is_recorded_while_the_vote_is_open(db_session, clock, organiser):
    site = ceremony_site(organiser, closed=False)
    view = standing(site.category)
    assert not view.complete and view.waiting_for.startswith("the public vote closes at")
    with pytest.raises(DomainError, match="You can record the result once the public vote closes at"):
        record_vote_result(organiser, site.category, site.finalists[0].id, [])


def test_only_organisers_record_and_only_for_a_public_vote(site, organiser, db_session):
    with pytest.raises(NotAllowed):
        record_vote_result(make_judge(), site.category, site.finalists[0].id, [])
    site.category.has_public_vote = False
    with pytest.raises(DomainError, match="The judges' final round decides this category"):
        record_vote_result(organiser, site.category, site.finalists[0].id, [])


def test_confirming_seals_the_result(site, organiser, db_session):
    morag, hamish, ailsa = site.finalists
    with pytest.raises(DomainError, match="Record the result of .* before confirming it"):
        confirm_result(organiser, site.category)
    record_vote_result(organiser, site.category, morag.id, [hamish.id])
    reveal = confirm_result(organiser, site.category)
    assert reveal.confirmed_at is not None and reveal.confirmed_by_id == organiser.id
    assert reveal.revealed_at is None
    view = standing(site.category)
    assert view.confirmed and not view.revealed
    with pytest.raises(DomainError, match="confirmed and sealed"):
        record_vote_result(organiser, site.category, hamish.id, [], "Changed my mind.")
    with pytest.raises(DomainError, match="confirmed and sealed"):
        confirm_result(organiser, site.category)
    event = db_session.scalars(select(AuditEvent).where(AuditEvent.action == "result.confirmed")).one()
    assert event.details == {"winners": ["Morag Fraser"], "highly_commended": ["Hamish MacLeod"]}
    assert [award.finalist_id for award in db_session.scalars(select(Award).order_by(Award.id))] == [morag.id, hamish.id]


def test_a_confirmed_final_round_result_is_sealed_too(db_session, clock, organiser):
    site = judging_site()
    morag, hamish, ailsa = make_finalists(site.category, [site.morag, site.hamish, site.ailsa], organiser)
    for judge in site.judges:
        make_ranks(judge, morag, hamish, ailsa) if judge is not site.judges[2] else make_ranks(judge, morag, hamish)

    site.finalists = [morag, hamish, ailsa]
    mark_final_ranks_submitted(site)
    view = standing(site.category)
    assert view.method == "final_round" and view.complete
    assert [line.finalist.id for line in view.lines] == [morag.id, hamish.id, ailsa.id]
    assert view.lines[0].result == "Borda average 2.00 from 3 judges"
    record_winners(organiser, site.category, morag.id, [])
    confirm_result(organiser, site.category)
    with pytest.raises(DomainError, match="confirmed and sealed"):
        record_winners(organiser, site.category, hamish.id, [], "Too late.")


def test_the_tie_break_rule_is_fixed_once_a_result_is_confirmed(site, organiser, db_session):
    set_tie_break(organiser, site.edition, "organisers")
    assert site.edition.tie_break == "organisers"
    with pytest.raises(DomainError, match="Choose a tie-break rule from the list"):
        set_tie_break(organiser, site.edition, "coin toss")
    record_vote_result(organiser, site.category, site.finalists[0].id, [])
    confirm_result(organiser, site.category)
    with pytest.raises(DomainError, match="can no longer change"):
        set_tie_break(organiser, site.edition, "first_round")
    changes = db_session.scalars(select(AuditEvent).where(AuditEvent.action == "edition.tie_break_changed")).all()
    assert [(event.details["before"], event.details["after"]) for event in changes] == [("first_round", "organisers")]
