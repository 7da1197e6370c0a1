"""The final round, judges' side: ranking the finalists of a category without a public vote, submitting, unlocking."""
import pytest
from sqlalchemy import func, select

from awards_app.ceremony.models import Award, Place
from awards_app.core.errors import DomainError, NotAllowed, NotFound
from awards_app.core.models import AuditEvent
from awards_app.judging import final_round
from awards_app.judging.final_round import InvalidRanks
from awards_app.judging.models import FinalRank
from awards_app.judging.scoring import ScoresLocked
from tests.factories.accounts import make_judge
from tests.factories.judging import make_conflict, make_finalists, make_panel, place_of, seat


@pytest.fixture
def panel(db_session, clock):
    """A category without a public vote, four eligible entries, three of them finalists, one judge."""
    panel = make_panel(entries=4, has_public_vote=False)
    panel.finalists = make_finalists(panel.category, panel.entries[:3])
    return panel


def stored(db_session, judge):
    """The judge's stored ranks by finalist id."""
    rows = db_session.execute(select(FinalRank.finalist_id, FinalRank.rank).where(FinalRank.judge_id == judge.id))
    return dict(rows.all())


def rank_all(panel, order=(1, 2, 3)):
    """Rank the three finalists in the given order."""
    return final_round.record_final_ranks(
        panel.judge, panel.place, {finalist.id: rank for finalist, rank in zip(panel.finalists, order)}
    )


def test_the_finalists_to_rank_leave_out_conflicts(panel, db_session):
    assert final_round.finalists_for(panel.judge, panel.place) == panel.finalists
    make_conflict(panel.judge, panel.entries[1])
    assert final_round.finalists_for(panel.judge, panel.place) == [panel.finalists[0], panel.finalists[2]]
    assert final_round.conflicted_finalists(panel.judge, panel.place) == 1


def test_there_is_a_final_round_only_without_a_public_vote_and_with_a_shortlist(panel, db_session):
    assert final_round.has_final_round(panel.place)
    without_shortlist = make_panel(entries=1, year=2027, email="judge.two@example.org", has_public_vote=False)
    assert not final_round.has_final_round(without_shortlist.place)
    assert final_round.finalists_for(without_shortlist.judge, without_shortlist.place) == []
    panel.category.has_public_vote = True
    assert not final_round.has_final_round(panel.place)
    with pytest.raises(NotFound):
        final_round.finalists_for(panel.judge, panel.place)


def test_ranks_are_stored_and_updated_in_place(panel, db_session):
    assert rank_all(panel, (2, 1, 3)) == {panel.finalists[0].id: 2, panel.finalists[1].id: 1, panel.finalists[2].id: 3}
    rank_all(panel, (3, 2, 1))
    first, second, third = panel.finalists
    assert stored(db_session, panel.judge) == {first.id: 3, second.id: 2, third.id: 1}
    assert db_session.scalar(select(func.count(FinalRank.id))) == 3


def test_a_partial_ranking_can_be_saved_and_a_rank_cleared(panel, db_session):
    first, second, _ = panel.finalists
    final_round.record_final_ranks(panel.judge, panel.place, {first.id: "1", second.id: ""})
    assert stored(db_session, panel.judge) == {first.id: 1}
    final_round.record_final_ranks(panel.judge, panel.place, {first.id: None})
    assert stored(db_session, panel.judge) == {}


@pytest.mark.parametrize("rank", [0, 4, "-1", "two", "1.0", True, "٢"])
def test_ranks_must_be_whole_numbers_from_one_to_the_number_of_finalists(panel, db_session, rank):
    with pytest.raises(InvalidRanks) as refusal:
        final_round.record_final_ranks(panel.judge, panel.place, {panel.finalists[0].id: rank})
    assert refusal.value.errors == {f"rank-{panel.finalists[0].id}": "Choose a rank from 1 to 3"}
    assert stored(db_session, panel.judge) == {}


def test_each_rank_is_used_once(panel, db_session):
    first, second, third = panel.finalists
    with pytest.raises(InvalidRanks) as refusal:
        final_round.record_final_ranks(panel.judge, panel.place, {first.id: 1, second.id: 1, third.id: 2})
    assert set(refusal.value.errors) == {f"rank-{first.id}", f"rank-{second.id}"}
    assert "Rank 1 is given to more than one finalist" in refusal.value.errors[f"rank-{first.id}"]
    assert stored(db_session, panel.judge) == {}
    # A rank already stored for another finalist counts too.
    final_round.record_final_ranks(panel.judge, panel.place, {first.id: 1})
    with pytest.raises(InvalidRanks):
        final_round.record_final_ranks(panel.judge, panel.place, {second.id: 1})


def test_conflicted_or_unknown_finalists_are_not_found(panel, db_session):
    make_conflict(panel.judge, panel.entries[0])
    elsewhere = make_panel(entries=1, year=2027, email="judge.two@example.org", has_public_vote=False)
    foreign = make_finalists(elsewhere.category, elsewhere.entries)[0]
    for finalist_id in (panel.finalists[0].id, foreign.id, 0, 2**31, 10**12):
        with pytest.raises(NotFound):
            final_round.record_final_ranks(panel.judge, panel.place, {finalist_id: 1})
    assert stored(db_session, panel.judge) == {}


def test_conflicted_finalists_shrink_the_range(panel, db_session):
    make_conflict(panel.judge, panel.entries[2])
    first, second, third = panel.finalists
    with pytest.raises(InvalidRanks) as refusal:
        final_round.record_final_ranks(panel.judge, panel.place, {first.id: 3})
    assert refusal.value.errors == {f"rank-{first.id}": "Choose a rank from 1 to 2"}
    final_round.submit_final_ranks(panel.judge, panel.place, {first.id: 2, second.id: 1})
    assert panel.place.final_submitted_at is not None


def test_a_judge_cannot_use_someone_elses_place(panel, db_session):
    colleague = make_judge("judge.two@example.org")
    seat(colleague, panel.category)
    with pytest.raises(NotFound):
        final_round.record_final_ranks(colleague, panel.place, {panel.finalists[0].id: 1})
    with pytest.raises(NotFound):
        final_round.submit_final_ranks(colleague, panel.place)


def test_the_final_round_waits_for_declared_conflicts(db_session):
    panel = make_panel(entries=2, declared=False, has_public_vote=False)
    finalists = make_finalists(panel.category, panel.entries)
    with pytest.raises(DomainError, match="Declare any conflicts"):
        final_round.record_final_ranks(panel.judge, panel.place, {finalists[0].id: 1})


def test_submitting_needs_every_finalist_ranked(panel, db_session):
    first, second, third = panel.finalists
    final_round.record_final_ranks(panel.judge, panel.place, {first.id: 1, second.id: 2})
    with pytest.raises(InvalidRanks) as refusal:
        final_round.submit_final_ranks(panel.judge, panel.place)
    assert refusal.value.message == "Give every finalist a rank before you submit."
    assert list(refusal.value.errors) == [f"rank-{third.id}"]
    assert panel.place.final_submitted_at is None


def test_submitting_refuses_ranks_made_stale_by_a_changed_shortlist(panel, db_session):
    rank_all(panel)
    make_conflict(panel.judge, panel.entries[0])  # say a recusal after ranking: ranks 2 and 3 are left for two finalists
    with pytest.raises(DomainError, match="different rank from 1 to 2"):
        final_round.submit_final_ranks(panel.judge, panel.place)


def test_submitting_locks_the_ranking_and_is_audited(panel, db_session, clock):
    place = final_round.submit_final_ranks(
        panel.judge, panel.place, {finalist.id: rank for finalist, rank in zip(panel.finalists, (3, 1, 2))}
    )
    assert place.final_submitted_at == clock.now()
    event = db_session.scalar(select(AuditEvent).where(AuditEvent.action == "final_ranks.submitted"))
    first, second, third = panel.finalists
    assert event.details["ranks"] == {str(first.id): 3, str(second.id): 1, str(third.id): 2}
    assert final_round.is_locked(place)
    with pytest.raises(ScoresLocked, match="ask the awards team to unlock"):
        rank_all(panel)
    with pytest.raises(ScoresLocked):
        final_round.submit_final_ranks(panel.judge, place)


def test_nothing_to_submit_when_conflicted_on_every_finalist(panel, db_session):
    for entry in panel.entries[:3]:
        make_conflict(panel.judge, entry)
    with pytest.raises(DomainError, match="no finalists for you to rank"):
        final_round.submit_final_ranks(panel.judge, panel.place)


def test_ranks_cannot_change_once_the_winners_are_decided(panel, db_session, organiser):
    db_session.add(Award(category_id=panel.category.id, finalist_id=panel.finalists[0].id, place=Place.WINNER))
    db_session.flush()
    assert final_round.is_locked(panel.place)
    with pytest.raises(ScoresLocked, match="winners"):
        rank_all(panel)


def test_an_organiser_unlocks_a_submitted_ranking(panel, db_session, organiser):
    final_round.submit_final_ranks(panel.judge, panel.place, {f.id: r for f, r in zip(panel.finalists, (1, 2, 3))})
    with pytest.raises(NotAllowed):
        final_round.unlock_final_ranks(panel.judge, panel.place)
    final_round.unlock_final_ranks(organiser, panel.place)
    assert place_of(panel.judge, panel.category).final_submitted_at is None
    assert db_session.scalar(select(AuditEvent).where(AuditEvent.action == "final_ranks.unlocked")) is not None
    rank_all(panel, (2, 1, 3))
    with pytest.raises(DomainError, match="nothing to unlock"):
        final_round.unlock_final_ranks(organiser, panel.place)
