"""Scoring rules: values within the scale, access through judge_access, upserts, progress, abstaining, submitting."""
import secrets
from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import delete, func, select, text
from sqlalchemy.exc import OperationalError

from awards_app.accounts.models import User
from awards_app.core.errors import DomainError, NotAllowed, NotFound
from awards_app.core.models import AuditEvent
from awards_app.extensions import db
from awards_app.judging import judge_access, scoring
from awards_app.judging.models import Conflict, PanelMember, Score, ScoreComment
from awards_app.judging.scoring import EntryState, InvalidScores, ScoresLocked
from awards_app.nominations.models import NominationStatus
from awards_app.programme.models import Criterion, Edition
from tests.factories.accounts import make_judge
from tests.factories.judging import make_conflict, make_panel, place_of, seat
from tests.factories.nominations import make_entries
from tests.factories.programme import make_category
from tests.fixtures.apps import side_app


@pytest.fixture
def panel(db_session, clock):
    """Three entries, two criteria scored 0 to 10, one judge with conflicts declared."""
    return make_panel(entries=3)


def stored(db_session, judge, nomination):
    """The judge's stored scores of the entry by criterion id."""
    return dict(
        db_session.execute(
            select(Score.criterion_id, Score.value)
            .where(Score.judge_id == judge.id, Score.nomination_id == nomination.id)
        ).all()
    )


def score_all(panel, nomination, value=5):
    """Score an entry on every criterion."""
    for criterion in panel.criteria:
        scoring.record_score(panel.judge, nomination.id, criterion.id, value)


# --- Values ------------------------------------------------------------------------------------------------------


def test_a_score_is_stored(panel, db_session):
    impact = panel.criteria[0]
    assert scoring.record_score(panel.judge, panel.entries[0].id, impact.id, "7") == 7
    assert stored(db_session, panel.judge, panel.entries[0]) == {impact.id: 7}


@pytest.mark.parametrize("value", [0, 10, "0", "10", " 4 ", "+3"])
def test_the_ends_of_the_scale_and_tidy_text_are_accepted(panel, db_session, value):
    result = scoring.record_score(panel.judge, panel.entries[0].id, panel.criteria[0].id, value)
    assert result == int(str(value).strip())


@pytest.mark.parametrize("value", [11, -1, "11", "-1", "100", 10**9])
def test_scores_outside_the_scale_are_refused_with_the_scale_in_the_message(panel, db_session, value):
    with pytest.raises(DomainError) as refusal:
        scoring.record_score(panel.judge, panel.entries[0].id, panel.criteria[0].id, value)
    assert refusal.value.message == "The score for Impact must be from 0 to 10"
    assert refusal.value.field == f"score-{panel.criteria[0].id}"
    assert stored(db_session, panel.judge, panel.entries[0]) == {}


@pytest.mark.parametrize("value", ["seven", "7.5", "1e1", "0x7", "٣", "7 8", "9" * 5000, True, 7.0, [7]])
def test_values_that_are_not_whole_numbers_are_refused(panel, db_session, value):
    with pytest.raises(DomainError) as refusal:
        scoring.record_score(panel.judge, panel.entries[0].id, panel.criteria[0].id, value)
    assert refusal.value.message == "Enter a score for Impact as a whole number from 0 to 10"
    assert stored(db_session, panel.judge, panel.entries[0]) == {}


def test_a_custom_scale_is_honoured(db_session):
    panel = make_panel(entries=1, scales=((1, 5, 1.0),))
    criterion = panel.criteria[0]
    with pytest.raises(DomainError, match="must be from 1 to 5"):
        scoring.record_score(panel.judge, panel.entries[0].id, criterion.id, 0)
    assert scoring.record_score(panel.judge, panel.entries[0].id, criterion.id, 5) == 5


def test_saving_again_updates_the_one_row(panel, db_session, clock):
    entry, impact = panel.entries[0], panel.criteria[0]
    scoring.record_score(panel.judge, entry.id, impact.id, 3)
    first = db_session.scalar(select(Score.updated_at).where(Score.judge_id == panel.judge.id))
    clock.advance(minutes=5)
    scoring.record_score(panel.judge, entry.id, impact.id, 8)
    rows = db_session.execute(select(Score.value, Score.updated_at).where(Score.judge_id == panel.judge.id)).all()
    assert [row.value for row in rows] == [8]
    assert rows[0].updated_at == first + timedelta(minutes=5)


@pytest.mark.parametrize("empty", ["", "   ", None])
def test_clearing_a_score_deletes_it(panel, db_session, empty):
    entry, impact, innovation = panel.entries[0], *panel.criteria
    scoring.record_score(panel.judge, entry.id, impact.id, 3)
    scoring.record_score(panel.judge, entry.id, innovation.id, 4)
    assert scoring.record_score(panel.judge, entry.id, impact.id, empty) is None
    assert stored(db_session, panel.judge, entry) == {innovation.id: 4}
    scoring.record_score(panel.judge, entry.id, impact.id, empty)  # clearing what is not there is harmless
    assert stored(db_session, panel.judge, entry) == {innovation.id: 4}


def test_a_criterion_of_another_edition_is_not_found(panel, db_session):
    other = make_panel(entries=1, year=2027, email="judge.two@example.org").criteria[0]
    for criterion_id in (other.id, 0, -3, 2**31, 10**12):
        with pytest.raises(NotFound):
            scoring.record_score(panel.judge, panel.entries[0].id, criterion_id, 5)
    assert db_session.scalar(select(func.count(Score.id))) == 0


def test_a_category_with_criteria_of_its_own_is_scored_on_those_alone(panel, db_session):
    edition_criterion = panel.criteria[0]
    own = Criterion(edition=panel.edition, category=panel.category, name="Courage", scale_min=1, scale_max=5)
    db_session.add(own)
    neighbour = make_category(panel.edition, "Carer of the Year")
    neighbours_entry = make_entries(neighbour, 1)[0]
    seat(panel.judge, neighbour)

    assert scoring.record_score(panel.judge, panel.entries[0].id, own.id, 5) == 5
    with pytest.raises(NotFound):  # the edition's criteria are not this category's any more
        scoring.record_score(panel.judge, panel.entries[0].id, edition_criterion.id, 5)
    assert scoring.record_score(panel.judge, neighbours_entry.id, edition_criterion.id, 6) == 6
    with pytest.raises(NotFound):  # another category's own criterion
        scoring.record_score(panel.judge, neighbours_entry.id, own.id, 5)
    assert stored(db_session, panel.judge, panel.entries[0]) == {own.id: 5}
    assert stored(db_session, panel.judge, neighbours_entry) == {edition_criterion.id: 6}


# --- Who may score what ------------------------------------------------------------------------------------------


def test_an_entry_of_another_panel_is_not_found(panel, db_session):
    elsewhere = make_panel(entries=1, year=2027, email="judge.two@example.org")
    with pytest.raises(NotFound):
        scoring.record_score(panel.judge, elsewhere.entries[0].id, elsewhere.criteria[0].id, 5)
    with pytest.raises(NotFound):
        scoring.record_comment(panel.judge, elsewhere.entries[0].id, "Nice")


def test_a_conflicted_entry_is_not_found(panel, db_session):
    for kind in ("declared", "recused", "abstained"):
        entry = make_entries(panel.category, 1)[0]
        make_conflict(panel.judge, entry, kind=kind)
        with pytest.raises(NotFound):
            scoring.record_score(panel.judge, entry.id, panel.criteria[0].id, 5)
    assert db_session.scalar(select(func.count(Score.id))) == 0


@pytest.mark.parametrize("status", [NominationStatus.RECEIVED, NominationStatus.INELIGIBLE, NominationStatus.WITHDRAWN])
def test_an_entry_that_is_not_eligible_is_not_found(panel, db_session, status):
    panel.entries[0].status = status
    with pytest.raises(NotFound):
        scoring.record_score(panel.judge, panel.entries[0].id, panel.criteria[0].id, 5)


@pytest.mark.parametrize("nomination_id", [0, -1, 999_999, 2**31, 10**15, "1", None])
def test_ids_that_name_nothing_are_not_found(panel, db_session, nomination_id):
    with pytest.raises(NotFound):
        scoring.record_score(panel.judge, nomination_id, panel.criteria[0].id, 5)


def test_an_organiser_cannot_score(panel, db_session, organiser):
    with pytest.raises(NotFound):
        scoring.record_score(organiser, panel.entries[0].id, panel.criteria[0].id, 5)


def test_scoring_waits_for_the_conflicts_to_be_declared(db_session):
    panel = make_panel(entries=1, declared=False)
    with pytest.raises(DomainError, match="Declare any conflicts") as refusal:
        scoring.record_score(panel.judge, panel.entries[0].id, panel.criteria[0].id, 5)
    assert not isinstance(refusal.value, NotFound)


def test_a_judge_reads_only_their_own_scores(panel, db_session):
    colleague = make_judge("judge.two@example.org")
    seat(colleague, panel.category)
    entry, impact = panel.entries[0], panel.criteria[0]
    scoring.record_score(colleague, entry.id, impact.id, 9)
    scoring.record_score(panel.judge, entry.id, impact.id, 2)
    assert scoring.scores_of(panel.judge, entry) == {impact.id: 2}
    assert scoring.scores_of(colleague, entry) == {impact.id: 9}


# --- Comments and whole forms ------------------------------------------------------------------------------------


def test_a_comment_is_stored_updated_and_deleted_when_emptied(panel, db_session):
    entry = panel.entries[0]
    assert scoring.record_comment(panel.judge, entry.id, "  Strong on reach.  ") == "Strong on reach."
    scoring.record_comment(panel.judge, entry.id, "Strong on reach and impact.")
    assert scoring.comment_of(panel.judge, entry) == "Strong on reach and impact."
    assert db_session.scalar(select(func.count(ScoreComment.id))) == 1
    scoring.record_comment(panel.judge, entry.id, "   ")
    assert db_session.scalar(select(func.count(ScoreComment.id))) == 0


def test_a_comment_that_is_too_long_is_refused(panel, db_session):
    scoring.record_comment(panel.judge, panel.entries[0].id, "x" * scoring.COMMENT_MAX_LENGTH)
    with pytest.raises(DomainError, match="2,000 characters or fewer"):
        scoring.record_comment(panel.judge, panel.entries[0].id, "y" * (scoring.COMMENT_MAX_LENGTH + 1))
    assert scoring.comment_of(panel.judge, panel.entries[0]) == "x" * scoring.COMMENT_MAX_LENGTH


def test_a_whole_form_saves_everything_or_nothing(panel, db_session):
    entry, impact, innovation = panel.entries[0], *panel.criteria
    with pytest.raises(InvalidScores) as refusal:
        scoring.record_entry(panel.judge, entry.id, {impact.id: "6", innovation.id: "eleven"}, "Good")
    message = "Enter a score for Innovation as a whole number from 0 to 10"
    assert refusal.value.errors == {f"score-{innovation.id}": message}
    assert stored(db_session, panel.judge, entry) == {}
    assert scoring.comment_of(panel.judge, entry) == ""
    scoring.record_entry(panel.judge, entry.id, {impact.id: "6", innovation.id: "9"}, "Good")
    assert stored(db_session, panel.judge, entry) == {impact.id: 6, innovation.id: 9}
    assert scoring.comment_of(panel.judge, entry) == "Good"
    scoring.record_entry(panel.judge, entry.id, {innovation.id: ""}, None)  # the comment is left alone
    assert stored(db_session, panel.judge, entry) == {impact.id: 6}
    assert scoring.comment_of(panel.judge, entry) == "Good"


# --- Progress ----------------------------------------------------------------------------------------------------


def test_progress_counts_entries_by_state(panel, db_session):
    first, second, third = panel.entries
    score_all(panel, first)
    scoring.record_score(panel.judge, second.id, panel.criteria[0].id, 4)
    state = scoring.progress(panel.judge, panel.place)
    assert state.states == {
        first.id: EntryState.SCORED, second.id: EntryState.IN_PROGRESS, third.id: EntryState.NOT_STARTED
    }
    assert (state.total, state.scored, state.in_progress, state.not_started) == (3, 1, 1, 1)
    assert state.percentage == 33  # rounded down: 100 only when everything is scored
    assert state.unfinished_ids == [second.id, third.id]
    assert not state.complete


def test_progress_leaves_out_conflicted_entries_and_counts_them(panel, db_session):
    first, second, third = panel.entries
    make_conflict(panel.judge, third)
    score_all(panel, first)
    score_all(panel, second)
    state = scoring.progress(panel.judge, panel.place)
    assert (state.total, state.scored, state.conflicted, state.percentage) == (2, 2, 1, 100)
    assert state.complete


def test_progress_with_nothing_to_score(db_session):
    panel = make_panel(entries=0)
    state = scoring.progress(panel.judge, panel.place)
    assert (state.total, state.percentage, state.complete) == (0, 100, True)


# --- Abstaining --------------------------------------------------------------------------------------------------


def test_abstaining_records_a_conflict_and_keeps_the_judges_scores_out_of_sight(panel, db_session):
    entry = panel.entries[0]
    colleague = make_judge("judge.two@example.org")
    seat(colleague, panel.category)
    score_all(panel, entry)
    scoring.record_comment(panel.judge, entry.id, "Hmm")
    scoring.record_score(colleague, entry.id, panel.criteria[0].id, 6)
    scoring.abstain_entry(panel.judge, entry.id, "  I mentored the project lead.  ")
    row = db_session.scalar(select(Conflict).where(Conflict.judge_id == panel.judge.id))
    assert (row.kind, row.reason, row.recorded_by_id) == ("abstained", "I mentored the project lead.", panel.judge.id)
    # Kept for the awards team to restore; every figure leaves out the conflicted pair.
    assert stored(db_session, panel.judge, entry) == {criterion.id: 5 for criterion in panel.criteria}
    assert scoring.comment_of(panel.judge, entry) == "Hmm"
    assert stored(db_session, colleague, entry) == {panel.criteria[0].id: 6}  # other judges' scores stay
    assert entry not in judge_access.entries_for_judge(panel.judge, panel.place)
    event = db_session.scalar(select(AuditEvent).where(AuditEvent.action == "scores.abstained"))
    assert event.subject_id == entry.id and event.actor_id == panel.judge.id


@pytest.mark.parametrize("reason, message", [("  ", "Say why"), ("x" * 501, "500 characters or fewer")])
def test_abstaining_needs_a_short_reason(panel, db_session, reason, message):
    with pytest.raises(DomainError, match=message) as refusal:
        scoring.abstain_entry(panel.judge, panel.entries[0].id, reason)
    assert refusal.value.field == "reason"
    assert db_session.scalar(select(func.count(Conflict.id))) == 0


# --- Submitting and unlocking ------------------------------------------------------------------------------------


def test_submitting_is_refused_while_entries_are_unscored(panel, db_session):
    score_all(panel, panel.entries[0])
    scoring.record_score(panel.judge, panel.entries[1].id, panel.criteria[0].id, 4)
    with pytest.raises(DomainError) as refusal:
        scoring.submit_scores(panel.judge, panel.place)
    assert refusal.value.message.startswith("2 entries still need scores on every criterion")
    assert panel.place.submitted_at is None


def test_submitting_locks_the_scores_and_is_audited(panel, db_session, clock):
    for entry in panel.entries[:2]:
        score_all(panel, entry)
    scoring.abstain_entry(panel.judge, panel.entries[2].id, "I know them")  # abstaining counts as dealt with
    place = scoring.submit_scores(panel.judge, panel.place)
    assert place.submitted_at == clock.now()
    event = db_session.scalar(select(AuditEvent).where(AuditEvent.action == "scores.submitted"))
    assert event.subject_id == place.id and event.details["entries"] == 2
    with pytest.raises(ScoresLocked, match="ask the awards team to unlock"):
        scoring.record_score(panel.judge, panel.entries[0].id, panel.criteria[0].id, 1)
    with pytest.raises(ScoresLocked):
        scoring.record_comment(panel.judge, panel.entries[0].id, "Changed my mind")
    with pytest.raises(ScoresLocked):
        scoring.abstain_entry(panel.judge, panel.entries[0].id, "Changed my mind")
    with pytest.raises(ScoresLocked):
        scoring.submit_scores(panel.judge, place)
    assert stored(db_session, panel.judge, panel.entries[0]) == {c.id: 5 for c in panel.criteria}


def test_submitting_needs_criteria(db_session):
    panel = make_panel(entries=1, scales=())
    with pytest.raises(DomainError, match="not set the judging criteria"):
        scoring.submit_scores(panel.judge, panel.place)


def test_a_judge_cannot_submit_someone_elses_place(panel, db_session):
    colleague = make_judge("judge.two@example.org")
    seat(colleague, panel.category)
    with pytest.raises(NotFound):
        scoring.submit_scores(colleague, panel.place)


def test_scores_cannot_change_once_the_shortlist_is_chosen(panel, db_session, clock):
    panel.category.shortlisted_at = clock.now()
    with pytest.raises(ScoresLocked, match="shortlist"):
        scoring.record_score(panel.judge, panel.entries[0].id, panel.criteria[0].id, 5)


def test_an_organiser_unlocks_submitted_scores(panel, db_session, organiser):
    for entry in panel.entries:
        score_all(panel, entry)
    scoring.submit_scores(panel.judge, panel.place)
    scoring.unlock_scores(organiser, panel.place)
    assert panel.place.submitted_at is None
    event = db_session.scalar(select(AuditEvent).where(AuditEvent.action == "scores.unlocked"))
    assert event.actor_id == organiser.id and event.details["judge_id"] == panel.judge.id
    assert scoring.record_score(panel.judge, panel.entries[0].id, panel.criteria[0].id, 9) == 9


def test_only_organisers_unlock_and_only_what_is_submitted(panel, db_session, organiser):
    with pytest.raises(DomainError, match="nothing to unlock"):
        scoring.unlock_scores(organiser, panel.place)
    for entry in panel.entries:
        score_all(panel, entry)
    scoring.submit_scores(panel.judge, panel.place)
    with pytest.raises(NotAllowed):
        scoring.unlock_scores(panel.judge, panel.place)
    assert place_of(panel.judge, panel.category).submitted_at is not None


def test_the_judges_view_of_an_entry_has_no_contact_details(panel, db_session):
    view = scoring.entry_view(panel.entries[0])
    shown = repr(view)
    for secret in ("Nina", "nina.secret", "07700", "sister-in-law", "hidden.nominee"):
        assert secret not in shown
    assert view.name == "Morag Fraser" and view.organisation == "Fraser Community Trust"
    assert view.answers == [("What difference has it made?", "She made a real difference.")]


def test_blind_names_hide_the_organisation_too(db_session):
    panel = make_panel(entries=1, names_can_be_hidden=True)
    panel.edition.hide_nominee_names = True
    view = scoring.entry_view(panel.entries[0])
    assert view.name == f"Entry {panel.entries[0].reference}"
    assert view.organisation == ""


# --- A save and "Submit my scores" (PostgreSQL) ------------------------------------------------------------------


@pytest.mark.postgres
def test_a_save_waits_while_submitting_holds_the_judges_place(app):
    # Each test runs inside one rolled-back transaction on one connection; a lock held by another transaction needs
    # committed rows and connections of its own, so this uses a second app and deletes what it made.
    side = side_app({"SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"]})
    tag = secrets.token_hex(4)
    with side.app_context():
        made = make_panel(entries=1, year=3000 + secrets.randbelow(5000), email=f"lock-{tag}@example.org")
        db.session.commit()
        ids = SimpleNamespace(edition=made.edition.id, judge=made.judge.id, place=made.place.id,
                              entry=made.entries[0].id, criterion=made.criteria[0].id)
        db.session.remove()
    try:
        with side.app_context(), db.engine.connect() as submitting:
            # What submit_scores does first: the place under an exclusive lock, held until its transaction ends.
            held = submitting.begin()
            submitting.execute(select(PanelMember.id).where(PanelMember.id == ids.place).with_for_update())
            db.session.execute(text("SET LOCAL lock_timeout = '300ms'"))
            with pytest.raises(OperationalError, match="lock timeout"):
                scoring.record_score(db.session.get(User, ids.judge), ids.entry, ids.criterion, 5)
            db.session.rollback()
            held.rollback()
            assert scoring.record_score(db.session.get(User, ids.judge), ids.entry, ids.criterion, 5) == 5
            db.session.commit()
    finally:
        with side.app_context():
            db.session.execute(delete(Score).where(Score.judge_id == ids.judge))
            db.session.execute(delete(PanelMember).where(PanelMember.judge_id == ids.judge))
            db.session.execute(delete(User).where(User.id == ids.judge))
            db.session.execute(delete(Edition).where(Edition.id == ids.edition))
            db.session.commit()
            db.engine.dispose()
