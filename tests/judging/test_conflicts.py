"""Conflicts of interest: suggestions from affiliations, declaring (or none), later conflicts keeping scores out of
every figure, and organisers restoring a conflict declared by mistake."""
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import delete, select

from awards_app.core.errors import DomainError, NotAllowed, NotFound
from awards_app.core.models import AuditEvent
from awards_app.judging import conflicts, progress, shortlist
from awards_app.judging.judge_access import entries_for_judge
from awards_app.judging.models import Conflict, Score, ScoreComment
from awards_app.nominations.models import NominationStatus
from tests.factories.judging import make_conflict, make_scores, panels_site, place_of, seat
from tests.factories.nominations import make_entry
from tests.factories.programme import make_edition


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
    rows = conflicts.nominee_list(site.judge, place)
    assert [(row.name, row.organisation, row.blind) for row in rows] == [
        ("Growing Together Garden", "Leith Community Trust", False),
        ("Strathdee Long Covid Peer Group", "Strathdee Health Forum", False),
    ]
    assert rows[1].suggestion and rows[0].suggestion is None
    assert all(row.conflict is None for row in rows)


def test_under_blind_judging_the_nominee_list_shows_only_references(site, place):
    site.edition.hide_nominee_names = True
    site.projects.names_can_be_hidden = True
    rows = conflicts.nominee_list(site.judge, place)
    # The organisation gives the nominee away as surely as the name, so it goes too (it used to be shown).
    assert [(row.name, row.organisation, row.blind) for row in rows] == [
        (f"Entry {site.garden.reference}", "", True),
        (f"Entry {site.strathdee.reference}", "", True),
    ]
    # No suggestions under blind judging: they would let the judge test guesses of who an entry is.
    assert all(row.suggestion is None for row in rows)


def test_under_blind_judging_guessing_in_the_affiliations_confirms_nothing(site, place):
    site.edition.hide_nominee_names = True
    site.projects.names_can_be_hidden = True
    for guess in ("Growing Together Garden", "Leith Community Trust", "Strathdee"):
        conflicts.record_affiliations(site.judge, guess)
        assert conflicts.conflict_suggestions(site.judge, place) == {}
        assert all(row.suggestion is None for row in conflicts.nominee_list(site.judge, place))


def test_the_organisers_see_the_suggestions_judges_are_not_shown(site, place, db_session):
    site.edition.hide_nominee_names = True
    site.projects.names_can_be_hidden = True
    found = conflicts.hidden_suggestions(site.edition)
    assert [(s.judge.id, s.nomination.id) for s in found] == [(site.judge.id, site.strathdee.id)]
    assert found[0].explanation == (
        "Its name appears in the judge's affiliations. Its organisation shares ‘strathdee’ with the judge's affiliations."
    )
    site.edition.hide_nominee_names = False  # the judge is shown this suggestion themselves: nothing hidden to list
    assert conflicts.hidden_suggestions(site.edition) == []
    site.edition.hide_nominee_names = True
    conflicts.declare_conflicts(site.judge, place, {site.strathdee.id: "I am a member."})
    assert conflicts.hidden_suggestions(site.edition) == []


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


def test_a_later_conflict_keeps_that_entrys_scores_out_of_sight(site, place, db_session):
    conflicts.declare_conflicts(site.judge, place, {})
    declared_at = place.conflicts_declared_at
    make_scores(site.judge, site.garden, site.criteria, comment="Strong")
    make_scores(site.judge, site.strathdee, site.criteria)
    conflicts.declare_conflicts(site.judge, place, {site.garden.id: "I have just learned my cousin leads it."})
    assert place.conflicts_declared_at == declared_at
    # Kept, not deleted: an organiser may find the declaration was a mistake.
    kept = db_session.scalars(select(Score.nomination_id).where(Score.judge_id == site.judge.id))
    assert sorted(kept) == sorted([site.garden.id] * 2 + [site.strathdee.id] * 2)
    assert db_session.scalar(select(ScoreComment.text)) == "Strong"
    [event] = db_session.scalars(select(AuditEvent).where(AuditEvent.action == "conflict.declared"))
    assert event.details["scores_kept"] == 2
    assert event.details["comment_kept"] is True
    assert entries_for_judge(site.judge, place) == [site.strathdee]


@pytest.mark.parametrize(
    ("scores", "comment", "expected"),
    [
        (3, True, "You gave this entry 3 scores and a comment. They will be kept but no longer counted, and you will "
                  "not see this entry again. If this is a mistake, ask the awards team: they can restore it."),
        (1, False, "You gave this entry 1 score. It will be kept but no longer counted, and you will not see this "
                   "entry again. If this is a mistake, ask the awards team: they can restore it."),
        (0, True, "You gave this entry a comment. They will be kept but no longer counted, and you will not see this "
                  "entry again. If this is a mistake, ask the awards team: they can restore it."),
        (0, False, "You have not scored this entry. If you go on, you will not see this entry again. If this is a "
                   "mistake, ask the awards team: they can restore it."),
    ],
)
def test_what_happens_to_the_work_given(scores, comment, expected):
    assert conflicts.what_happens(conflicts.KeptWork(scores, comment)) == expected


def test_what_happens_told_to_the_organiser_recusing_a_judge(site):
    assert conflicts.what_happens(conflicts.KeptWork(2, False), site.judge) == (
        "Jo Judge gave this entry 2 scores. They will be kept but no longer counted, and Jo Judge will not see this "
        "entry again. If this is a mistake, you can restore it from the conflicts of interest page."
    )
    assert conflicts.what_happens(conflicts.KeptWork(0, False), site.judge).startswith(
        "Jo Judge has not scored this entry. If you go on, Jo Judge will not see"
    )


def test_kept_work_counts_the_judges_own_scores_and_comment(site, place):
    make_scores(site.judge, site.garden, site.criteria, 4, comment="Good")
    make_scores(site.other_judge, site.garden, site.criteria)
    assert conflicts.kept_work(site.judge.id, site.garden.id) == conflicts.KeptWork(1, True)
    assert conflicts.kept_work(site.judge.id, site.strathdee.id) == conflicts.KeptWork(0, False)


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


# --- Kept scores count in no figure -------------------------------------------------------------------------------


def _figures(category):
    """Every figure the organisers see of a category: the rankings (both methods, judges' summaries) and progress."""
    view = shortlist.category_rankings(category)
    matrix = progress.progress_matrix(category)
    states = [[cell.state for cell in row.cells] for row in matrix.rows]
    counts = (matrix.cells_scored, matrix.cells_to_score, matrix.percent, [row.to_score for row in matrix.rows])
    return view.rankings.entries, view.rankings.judges, view.rankings.ties, states, counts


def test_a_kept_score_of_a_conflicted_pair_changes_no_figure(site, place, db_session):
    seat(site.other_judge, site.projects)
    make_scores(site.judge, site.garden, site.criteria, 10, 10)
    make_scores(site.judge, site.strathdee, site.criteria, 0, 0)
    make_scores(site.other_judge, site.garden, site.criteria, 4, 4)
    make_scores(site.other_judge, site.strathdee, site.criteria, 6, 6)
    counted = _figures(site.projects)
    conflict = conflicts.record_conflict(site.judge, site.judge, site.garden, "My cousin leads it", "declared")
    with_kept_scores = _figures(site.projects)
    assert with_kept_scores != counted  # the kept scores would change the figures if they counted
    db_session.execute(delete(Score).where(Score.judge_id == site.judge.id, Score.nomination_id == site.garden.id))
    assert _figures(site.projects) == with_kept_scores  # as if they had been deleted
    assert conflict.kind == "declared"


# --- Restoring a conflict -----------------------------------------------------------------------------------------


@pytest.fixture
def mistaken(site, place, db_session):
    """Jo scored the garden, then declared a conflict with it by mistake."""
    make_scores(site.judge, site.garden, site.criteria, 8, 9, comment="Lovely")
    [conflict] = conflicts.declare_conflicts(site.judge, place, {site.garden.id: "Wrong box"})
    return conflict


def test_restoring_brings_the_entry_and_its_kept_scores_back(site, place, mistaken, organiser, db_session):
    assert entries_for_judge(site.judge, place) == [site.strathdee]
    work = conflicts.restore_conflict(organiser, mistaken, "  Jo ticked the wrong entry; confirmed by phone.  ")
    assert work == conflicts.KeptWork(2, True)
    assert db_session.scalar(select(Conflict)) is None
    assert entries_for_judge(site.judge, place) == [site.garden, site.strathdee]
    garden = shortlist.category_rankings(site.projects).rankings.entry(site.garden.id)
    assert garden.weighted_mean is not None  # counted again
    [event] = db_session.scalars(select(AuditEvent).where(AuditEvent.action == "conflict.restored"))
    assert event.actor_id == organiser.id and event.subject_id == site.garden.id
    assert event.details["reason"] == "Jo ticked the wrong entry; confirmed by phone."
    assert event.details["declared_reason"] == "Wrong box"
    assert event.details["kind"] == "declared" and event.details["scores_counted_again"] == 2


@pytest.mark.parametrize(("reason", "message"), [("  ", "Say why"), ("x" * 1001, "1,000 characters or fewer")])
def test_restoring_needs_a_reason(mistaken, organiser, db_session, reason, message):
    with pytest.raises(DomainError, match=message) as refusal:
        conflicts.restore_conflict(organiser, mistaken, reason)
    assert refusal.value.field == "reason"
    assert db_session.scalar(select(Conflict)) is mistaken


def test_only_organisers_restore(site, mistaken, db_session):
    with pytest.raises(NotAllowed):
        conflicts.restore_conflict(site.judge, mistaken, "I changed my mind")
    assert db_session.scalar(select(Conflict)) is mistaken


def test_no_restoring_once_the_shortlist_is_chosen(site, mistaken, organiser):
    # The conflict was recorded before the shortlist, so it counts in the frozen first round.
    site.projects.shortlisted_at = mistaken.recorded_at + timedelta(minutes=1)
    assert "shortlist of ‘Project of the Year" in conflicts.restore_refused_because(mistaken)
    with pytest.raises(DomainError, match="The shortlist of .* has been chosen"):
        conflicts.restore_conflict(organiser, mistaken, "Mistake")


def test_no_restoring_while_the_judges_scores_are_submitted(site, place, mistaken, organiser, clock):
    place.submitted_at = clock.now()
    with pytest.raises(DomainError, match="Unlock their scores"):
        conflicts.restore_conflict(organiser, mistaken, "Mistake")
    place.submitted_at = None
    assert conflicts.restore_refused_because(mistaken) is None


def test_no_restoring_for_a_judge_off_the_panel(site, place, mistaken, organiser, db_session):
    db_session.delete(place)
    db_session.flush()
    with pytest.raises(DomainError, match="no longer on the panel"):
        conflicts.restore_conflict(organiser, mistaken, "Mistake")


def test_the_editions_conflicts_with_kept_work(site, place, mistaken, organiser, db_session):
    other = make_conflict(site.other_judge, site.morag, kind="recused", reason="Neighbour")
    rows = conflicts.edition_conflicts(site.edition)
    assert {row.conflict.id for row in rows} == {mistaken.id, other.id}
    by_id = {row.conflict.id: row for row in rows}
    assert by_id[mistaken.id].kept == conflicts.KeptWork(2, True) and by_id[mistaken.id].refused_because is None
    assert by_id[other.id].kept == conflicts.KeptWork(0, False)
    assert conflicts.edition_conflicts(make_edition(2031)) == []
