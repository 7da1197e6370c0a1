"""Conflicts of interest: suggestions from affiliations, declaring (or none), later conflicts removing scores."""
from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from awards_app.core.errors import DomainError, NotFound
from awards_app.core.models import AuditEvent
from awards_app.judging import conflicts
from awards_app.judging.judge_access import entries_for_judge
from awards_app.judging.models import Conflict, Score, ScoreComment
from awards_app.nominations.models import NominationStatus
from tests.factories.judging import make_scores, panels_site, place_of
from tests.factories.nominations import make_entry


@pytest.fixture
def site(db_session, clock):
    return panels_site()


@pytest.fixture
def place(site, db_session):
    return place_of(site.judge, site.projects)


# --- Suggestions --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("affiliations", "name", "organisation", "expected"),
    [
        # The whole name, whatever the case and punctuation.
        ("Member of the Strathdee Long-Covid Peer Group.", "STRATHDEE long covid, peer group!", "", "Its name appears in your affiliations."),
        # Shared distinctive words, named in the explanation.
        ("Trustee, Kilbrannan Arts for Health", "Hope Café", "Kilbrannan Health Board", "Its organisation shares ‘kilbrannan’ with your affiliations."),
        # Accents and apostrophes do not hide a match.
        ("Volunteer at St Mary's Gàidhlig Choir", "Còisir Ghàidhlig", "St Marys Gaidhlig Choir", "Its organisation appears in your affiliations."),
        # Common words alone (group, peer, support, community...) are not a match.
        ("Peer support worker; member of a community group", "Community Peer Support Group", "Health and Social Care Partnership", None),
        ("", "Anything", "Anywhere", None),
    ],
)
def test_match_affiliations(site, affiliations, name, organisation, expected):
    nomination = make_entry(site.projects, name, organisation)
    assert conflicts.match_affiliations(affiliations, nomination) == expected


def test_both_name_and_organisation_can_match(site):
    nomination = make_entry(site.projects, "Clydeside Walkers", "Clydeside Wellbeing Forum")
    explanation = conflicts.match_affiliations("Clydeside Wellbeing Forum", nomination)
    assert explanation == "Its name shares ‘clydeside’ with your affiliations. Its organisation appears in your affiliations."


def test_under_blind_judging_the_explanation_does_not_name_the_nominee(site):
    site.edition.hide_nominee_names = True
    site.projects.names_can_be_hidden = True
    explanation = conflicts.match_affiliations(site.judge.affiliations, site.strathdee)
    assert explanation == (
        "The nominee's name appears in your affiliations. Its organisation shares ‘strathdee’ with your affiliations."
    )
    assert "Peer Group" not in explanation


def test_suggestions_leave_out_conflicted_and_ineligible_entries(site, place, db_session):
    twin = make_entry(site.projects, "Strathdee Walking Group")
    make_entry(site.projects, "Strathdee Runners", status=NominationStatus.INELIGIBLE)
    suggestions = conflicts.conflict_suggestions(site.judge, place)
    assert set(suggestions) == {site.strathdee.id, twin.id}
    conflicts.declare_conflicts(site.judge, place, {site.strathdee.id: "I am a member."})
    assert set(conflicts.conflict_suggestions(site.judge, place)) == {twin.id}


def test_the_nominee_list_shows_names_and_organisations_only(site, place):
    site.edition.hide_nominee_names = True
    site.projects.names_can_be_hidden = True
    rows = conflicts.nominee_list(site.judge, place)
    assert [(row.name, row.organisation) for row in rows] == [
        (f"Entry {site.garden.reference}", "Leith Community Trust"),
        (f"Entry {site.strathdee.reference}", "Strathdee Health Forum"),
    ]
    assert rows[1].suggestion and rows[0].suggestion is None
    assert all(row.conflict is None for row in rows)


def test_nobody_reads_another_judges_list(site, place):
    with pytest.raises(NotFound):
        conflicts.nominee_list(site.other_judge, place)
    with pytest.raises(NotFound):
        conflicts.declare_conflicts(site.other_judge, place, {})


# --- Declaring ----------------------------------------------------------------------------------------------------


def test_no_conflicts_is_an_answer(site, place, db_session, clock):
    assert conflicts.declare_conflicts(site.judge, place, {}) == []
    assert place.conflicts_declared_at == clock.now()
    [event] = db_session.scalars(select(AuditEvent).where(AuditEvent.action == "conflicts.declared"))
    assert event.details == {"category_id": site.projects.id, "conflicts": 0}
    assert entries_for_judge(site.judge, place) == [site.garden, site.strathdee]


def test_declared_conflicts_hide_their_entries(site, place, db_session):
    [conflict] = conflicts.declare_conflicts(site.judge, place, {site.strathdee.id: "  I am a member of the group. "})
    assert (conflict.kind, conflict.reason, conflict.recorded_by_id) == ("declared", "I am a member of the group.", site.judge.id)
    assert entries_for_judge(site.judge, place) == [site.garden]
    [row] = [row for row in conflicts.nominee_list(site.judge, place) if row.conflict]
    assert row.nomination_id == site.strathdee.id


@pytest.mark.parametrize("reason", ["", "   ", "x" * 1001])
def test_each_conflict_needs_a_reason(site, place, db_session, reason):
    with pytest.raises(DomainError) as refusal:
        conflicts.declare_conflicts(site.judge, place, {site.garden.id: "Fine", site.strathdee.id: reason})
    assert refusal.value.field == f"reason-{site.strathdee.id}"
    assert place.conflicts_declared_at is None
    assert db_session.scalar(select(Conflict)) is None


def test_only_entries_of_the_judges_category_can_be_declared(site, place, db_session):
    withdrawn = make_entry(site.projects, "Withdrawn Project", status=NominationStatus.WITHDRAWN)
    for nomination_id in (site.morag.id, withdrawn.id, 2**31 - 1):
        with pytest.raises(NotFound):
            conflicts.declare_conflicts(site.judge, place, {nomination_id: "Reason"})
    assert place.conflicts_declared_at is None


def test_a_later_conflict_removes_that_entrys_scores(site, place, db_session):
    conflicts.declare_conflicts(site.judge, place, {})
    declared_at = place.conflicts_declared_at
    make_scores(site.judge, site.garden, site.criteria, comment="Strong")
    make_scores(site.judge, site.strathdee, site.criteria)
    conflicts.declare_conflicts(site.judge, place, {site.garden.id: "I have just learned my cousin leads it."})
    assert place.conflicts_declared_at == declared_at
    assert set(db_session.scalars(select(Score.nomination_id).where(Score.judge_id == site.judge.id))) == {site.strathdee.id}
    assert db_session.scalar(select(ScoreComment)) is None
    [event] = db_session.scalars(select(AuditEvent).where(AuditEvent.action == "conflict.declared"))
    assert event.details["scores_removed"] == 2
    assert event.details["comment_removed"] is True
    assert entries_for_judge(site.judge, place) == [site.strathdee]


def test_a_conflict_cannot_be_declared_twice_nor_an_empty_later_declaration(site, place):
    conflicts.declare_conflicts(site.judge, place, {site.garden.id: "Reason"})
    with pytest.raises(NotFound):
        conflicts.declare_conflicts(site.judge, place, {site.garden.id: "Again"})
    with pytest.raises(DomainError, match="Tick each entry"):
        conflicts.declare_conflicts(site.judge, place, {})


def test_no_declarations_once_the_shortlist_is_chosen(site, place):
    site.projects.shortlisted_at = datetime(2026, 3, 1, tzinfo=timezone.utc)
    with pytest.raises(DomainError, match="shortlist"):
        conflicts.declare_conflicts(site.judge, place, {site.garden.id: "Reason"})


def test_record_affiliations(site, db_session):
    conflicts.record_affiliations(site.judge, "  Leith Community Trust  ")
    assert site.judge.affiliations == "Leith Community Trust"
    with pytest.raises(DomainError) as refusal:
        conflicts.record_affiliations(site.judge, "x" * 2001)
    assert refusal.value.field == "affiliations"
