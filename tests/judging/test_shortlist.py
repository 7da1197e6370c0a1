"""The shortlist decision: rankings from the database, the default top three, reasons for changes, consent, audit."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from awards_app.ceremony.models import Award, Place
from awards_app.core import clock as app_clock
from awards_app.core.errors import DomainError, NotAllowed
from awards_app.core.models import AuditEvent
from awards_app.judging import shortlist
from awards_app.judging.models import Finalist, FinalRank
from awards_app.judging.shortlist import (
    ReasonsMissing,
    category_rankings,
    choose_shortlist,
    finalists_of,
    latest_decision,
)
from awards_app.nominations.models import NominationStatus
from tests.factories.accounts import make_judge
from tests.factories.judging import judging_site, make_finalists, make_ranks, make_scores
from tests.factories.nominations import make_nomination
from tests.factories.programme import make_category


@pytest.fixture
def site(db_session, clock):
    """The judging site of tests/factories/judging.py (weighted means: Morag 8, Hamish 6, Ailsa 4.5, Eilidh 2)."""
    return judging_site()


def names(rows) -> list[str]:
    """The nominee names of Finalist rows."""
    return [row.nomination.nominee_name for row in rows]


def test_rankings_come_from_the_panels_complete_scores(site):
    view = category_rankings(site.category)
    rankings = view.rankings

    # Weighted (3 * first + second) / 4, see tests/factories/judging.py.
    assert rankings.entry(site.morag.id).weighted_mean == pytest.approx(8)
    assert rankings.entry(site.hamish.id).weighted_mean == pytest.approx(6)
    assert rankings.entry(site.ailsa.id).weighted_mean == pytest.approx(4.5)
    assert rankings.entry(site.ailsa.id).scores == 2  # judge C is conflicted
    assert [e.name for e in rankings.ordered("weighted")] == [
        "Morag Fraser", "Hamish MacLeod", "Ailsa Grant", "Eilidh Ross",  # Callum's nominee declined: not judged
    ]
    assert view.submitted == 1 and len(view.judges) == 3


def test_the_default_shortlist_leaves_out_a_nominee_who_declined(site):
    view = category_rankings(site.category)
    expected = [site.morag.id, site.hamish.id, site.ailsa.id]
    assert view.default_shortlist("weighted") == expected
    # Every judge gives the same order here, so the normalised ranking agrees.
    assert view.default_shortlist("normalised") == expected


def test_conflicted_scores_and_scores_from_outside_the_panel_do_not_count(site, db_session):
    judge_a, _, judge_c = site.judges
    make_scores(judge_c, site.ailsa, site.criteria, 10, 10)  # conflicted: must be left out
    outsider = make_judge("outsider@example.org", "Not On The Panel")
    make_scores(outsider, site.eilidh, site.criteria, 10, 10)

    rankings = category_rankings(site.category).rankings

    assert rankings.entry(site.ailsa.id).weighted_mean == pytest.approx(4.5)
    assert rankings.entry(site.eilidh.id).weighted_mean == pytest.approx(2)
    assert outsider.id not in rankings.entry(site.eilidh.id).judge_scores


def test_entries_that_are_not_eligible_are_not_ranked(site, db_session):
    site.eilidh.status = NominationStatus.WITHDRAWN
    db_session.flush()
    view = category_rankings(site.category)
    assert site.eilidh.id not in view.entries
    assert site.eilidh.id not in [entry.entry_id for entry in view.rankings.entries]


def test_choosing_the_top_three_needs_no_reason(site, organiser, clock, db_session):
    chosen = choose_shortlist(organiser, site.category, "weighted", [site.hamish.id, site.morag.id, site.ailsa.id])

    stored = finalists_of(site.category)
    assert stored == chosen
    assert names(stored) == ["Morag Fraser", "Hamish MacLeod", "Ailsa Grant"]  # in ranking order
    assert [row.position for row in stored] == [1, 2, 3]
    assert all(row.public_name == row.nomination.nominee_name for row in stored)
    assert all(row.chosen_by_id == organiser.id and row.change_reason == "" for row in stored)
    assert site.category.shortlist_method == "weighted"
    assert site.category.shortlisted_at == clock.now()
    event = latest_decision(site.category)
    assert event.actor_id == organiser.id
    assert event.details["finalists"] == [site.morag.id, site.hamish.id, site.ailsa.id]
    assert event.details["chosen_from_outside"] == {} and event.details["left_out"] == {}


def test_a_change_from_the_ranking_without_reasons_is_refused_naming_each_entry(site, organiser, db_session):
    with pytest.raises(ReasonsMissing) as refusal:
        choose_shortlist(organiser, site.category, "weighted", [site.morag.id, site.hamish.id, site.eilidh.id])

    assert refusal.value.fields == {
        f"reason_{site.eilidh.id}":
            "Give a reason for choosing Eilidh Ross: it is not in the top three by weighted mean",
        f"reason_{site.ailsa.id}":
            "Give a reason for leaving out Ailsa Grant: it is in the top three by weighted mean",
    }
    assert finalists_of(site.category) == []
    assert site.category.shortlisted_at is None


def test_one_missing_reason_is_still_refused(site, organiser):
    with pytest.raises(ReasonsMissing) as refusal:
        choose_shortlist(
            organiser, site.category, "weighted", [site.morag.id, site.hamish.id, site.eilidh.id],
            {site.eilidh.id: "Strong local support.", site.ailsa.id: "   "},
        )
    assert list(refusal.value.fields) == [f"reason_{site.ailsa.id}"]


def test_changes_with_reasons_are_stored(site, organiser):
    choose_shortlist(
        organiser, site.category, "weighted", [site.morag.id, site.hamish.id, site.eilidh.id],
        {site.eilidh.id: " Strong local support. ", site.ailsa.id: "Already won last year.", site.morag.id: "ignored"},
    )

    stored = finalists_of(site.category)
    assert names(stored) == ["Morag Fraser", "Hamish MacLeod", "Eilidh Ross"]
    assert [row.change_reason for row in stored] == ["", "", "Strong local support."]
    details = latest_decision(site.category).details
    assert details["chosen_from_outside"] == {str(site.eilidh.id): "Strong local support."}
    assert details["left_out"] == {str(site.ailsa.id): "Already won last year."}


def test_fewer_finalists_than_three_need_a_reason_for_each_left_out(site, organiser):
    with pytest.raises(ReasonsMissing) as refusal:
        choose_shortlist(organiser, site.category, "weighted", [site.morag.id, site.hamish.id])
    assert list(refusal.value.fields) == [f"reason_{site.ailsa.id}"]


def test_a_nominee_who_declined_cannot_be_a_finalist(site, organiser):
    with pytest.raises(DomainError, match="Callum Baird cannot be a finalist: the nominee declined to be considered"):
        choose_shortlist(
            organiser, site.category, "weighted", [site.callum.id, site.morag.id, site.hamish.id],
            {site.callum.id: "Top scores", site.ailsa.id: "Room for Callum"},
        )
    assert finalists_of(site.category) == []


def test_entries_from_elsewhere_are_refused(site, organiser, db_session):
    other = make_nomination(make_category(site.edition, name="Project of the Year"), "Harbour Arts",
                            status=NominationStatus.ELIGIBLE)
    withdrawn = make_nomination(site.category, "Gone Away", status=NominationStatus.WITHDRAWN)
    for stranger in (other.id, withdrawn.id, 999999):
        with pytest.raises(DomainError, match="Choose finalists from the entries of this category"):
            choose_shortlist(organiser, site.category, "weighted", [site.morag.id, stranger], {stranger: "x"})


@pytest.mark.parametrize(
    ("method", "chosen", "message"),
    [("best", [1], "Choose which ranking the shortlist follows"), ("weighted", [], "Choose at least one finalist")],
)
def test_a_method_and_at_least_one_finalist_are_needed(site, organiser, method, chosen, message):
    with pytest.raises(DomainError, match=message):
        choose_shortlist(organiser, site.category, method, chosen)


def test_only_organisers_choose_the_shortlist(site):
    with pytest.raises(NotAllowed):
        choose_shortlist(site.judges[0], site.category, "weighted", [site.morag.id])
    with pytest.raises(NotAllowed):
        choose_shortlist(None, site.category, "weighted", [site.morag.id])


def test_choosing_again_replaces_the_shortlist_and_the_ranks_of_entries_taken_off(site, organiser, db_session):
    first = choose_shortlist(organiser, site.category, "weighted", [site.morag.id, site.hamish.id, site.ailsa.id])
    morag_row, _, ailsa_row = first
    make_ranks(site.judges[0], morag_row, first[1], ailsa_row)

    second = choose_shortlist(
        organiser, site.category, "normalised", [site.morag.id, site.hamish.id, site.eilidh.id],
        {site.eilidh.id: "Reconsidered.", site.ailsa.id: "Reconsidered."},
    )

    assert names(finalists_of(site.category)) == ["Morag Fraser", "Hamish MacLeod", "Eilidh Ross"]
    assert second[0].id == morag_row.id  # a kept entry keeps its row (and the judges' ranks of it)
    remaining = db_session.scalars(select(FinalRank.finalist_id)).all()
    assert sorted(remaining) == sorted([morag_row.id, first[1].id])
    assert db_session.scalar(select(Finalist).where(Finalist.nomination_id == site.ailsa.id)) is None
    assert site.category.shortlist_method == "normalised"
    events = db_session.scalars(select(AuditEvent).where(AuditEvent.action == "shortlist.chosen")).all()
    assert len(events) == 2


def test_the_shortlist_is_fixed_once_a_result_is_recorded(site, organiser, db_session):
    rows = make_finalists(site.category, [site.morag, site.hamish, site.ailsa], organiser)
    db_session.add(Award(category_id=site.category.id, finalist_id=rows[0].id, place=Place.WINNER))
    db_session.flush()
    with pytest.raises(DomainError, match="result of this category has been recorded"):
        choose_shortlist(organiser, site.category, "weighted", [site.morag.id, site.hamish.id, site.ailsa.id])


def test_public_finalist_ids_do_not_follow_the_judges_ranking(site, organiser, client, db_session, monkeypatch):
    # The row order is drawn at random; reversing it here makes the test certain (by chance: 1 in 6 for three).
    monkeypatch.setattr(shortlist._RANDOM, "shuffle", lambda rows: rows.reverse())
    choose_shortlist(organiser, site.category, "weighted", [site.ailsa.id, site.hamish.id, site.morag.id])
    site.edition.shortlist_published_at = app_clock.now() - timedelta(minutes=1)
    db_session.commit()

    page = client.get("/shortlist").get_data(as_text=True)
    linked = {int(i): name for i, name in re.findall(r'href="/finalists/(\d+)">([^<]+)</a>', page)}
    ranking = [finalist.public_name for finalist in finalists_of(site.category)]
    assert ranking == ["Morag Fraser", "Hamish MacLeod", "Ailsa Grant"]  # positions keep the judges' order
    assert sorted(linked.values()) == sorted(ranking)
    assert [linked[i] for i in sorted(linked)] == ["Ailsa Grant", "Hamish MacLeod", "Morag Fraser"]


def test_finalists_added_to_a_shortlist_later_get_ids_in_random_order(site, organiser, monkeypatch):
    choose_shortlist(organiser, site.category, "weighted", [site.morag.id], count=1)
    shuffled = []
    monkeypatch.setattr(shortlist._RANDOM, "shuffle", lambda rows: shuffled.append(list(rows)) or rows.reverse())
    choose_shortlist(organiser, site.category, "weighted", [site.morag.id, site.hamish.id, site.ailsa.id])
    # Only the new rows are drawn again: the kept finalist keeps its row (and its final-round ranks).
    assert [[row.nomination_id for row in rows] for rows in shuffled] == [[site.hamish.id, site.ailsa.id]]
    by_id = sorted(finalists_of(site.category), key=lambda finalist: finalist.id)
    assert [finalist.public_name for finalist in by_id] == ["Morag Fraser", "Ailsa Grant", "Hamish MacLeod"]
