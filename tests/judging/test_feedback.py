"""Judges' comments for the organisers and the optional anonymised feedback to nominees: reading comments beside
scores (conflicted and off-panel judges marked), the edition's switch, picking and editing, who gets the email, and
sending once only, after the ceremony."""
from __future__ import annotations

import secrets
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import delete, func, select
from sqlalchemy import text as sql

from awards_app.accounts.models import User
from awards_app.accounts.users import create_organiser
from awards_app.core.errors import DomainError, NotAllowed
from awards_app.core.models import AuditEvent, OutboxEmail
from awards_app.extensions import db
from awards_app.judging import conflicts, feedback
from awards_app.judging.models import FeedbackPick, PanelMember, ScoreComment
from awards_app.nominations.models import ConsentState
from awards_app.programme.models import Category, Edition
from tests.factories.ceremony import reveal_result
from tests.factories.judging import judging_site, make_scores
from tests.fixtures.apps import side_app


@pytest.fixture
def site(db_session, clock):
    """The judging site (judge C conflicted on Ailsa) with comments: A on Morag and Hamish, B on Morag, C on Ailsa."""
    site = judging_site()
    judge_a, judge_b, judge_c = site.judges
    site.comments = {}
    for judge, entry, text in (
        (judge_a, site.morag, "Morag's work at the Fife centre is outstanding."),
        (judge_a, site.hamish, "A strong entry, though the reach is local."),
        (judge_b, site.morag, "Clear impact on carers' lives."),
        (judge_c, site.ailsa, "I know Ailsa well: a remarkable carer."),
    ):
        comment = ScoreComment(judge_id=judge.id, nomination_id=entry.id, text=text)
        db_session.add(comment)
        site.comments[(judge.id, entry.id)] = comment
    db_session.flush()
    return site


def comment_of(site, judge, entry) -> ScoreComment:
    """The site's comment of a judge on an entry."""
    return site.comments[(judge.id, entry.id)]


# --- Reading -----------------------------------------------------------------------------------------------------


def test_each_comment_sits_beside_the_judges_scores(site):
    judge_a = site.judges[0]
    comments = feedback.category_comments(site.category)
    morag = comments.of_entry(site.morag.id)
    by_judge = {row.judge.id: row for row in morag}
    assert set(by_judge) == {judge.id for judge in site.judges}  # C scored Morag without a comment
    assert by_judge[judge_a.id].text == "Morag's work at the Fife centre is outstanding."
    assert by_judge[judge_a.id].scores == {site.criteria[0].id: 9, site.criteria[1].id: 9}
    assert by_judge[judge_a.id].weighted == 9 and by_judge[judge_a.id].counted and by_judge[judge_a.id].note == ""
    assert by_judge[site.judges[2].id].text == ""
    assert [row.entry.id for row in comments.of_judge(judge_a.id) if row.text] == [site.morag.id, site.hamish.id]
    assert comments.commented == 4


def test_a_conflicted_judges_comment_is_shown_marked_as_not_counted(site):
    judge_c = site.judges[2]
    make_scores(judge_c, site.ailsa, site.criteria, 10, 10)  # kept beside the conflict
    row = next(row for row in feedback.category_comments(site.category).of_entry(site.ailsa.id)
               if row.judge.id == judge_c.id)
    assert row.text == "I know Ailsa well: a remarkable carer."
    assert row.conflicted and not row.counted
    assert row.note == "Conflict of interest with this entry: these scores are not counted."


def test_a_judge_no_longer_on_the_panel_is_shown_marked(site, db_session):
    judge_a = site.judges[0]
    db_session.execute(delete(PanelMember).where(PanelMember.judge_id == judge_a.id))
    db_session.flush()
    comments = feedback.category_comments(site.category)
    row = next(row for row in comments.of_entry(site.morag.id) if row.judge.id == judge_a.id)
    assert not row.on_panel and not row.counted
    assert row.note == "No longer judging this category: these scores are not counted."
    assert judge_a in comments.judges


# --- The switch --------------------------------------------------------------------------------------------------


def test_feedback_is_off_until_an_organiser_switches_it_on(site, organiser, db_session):
    assert not feedback.feedback_enabled(site.edition)
    with pytest.raises(NotAllowed):
        feedback.set_feedback(site.judges[0], site.edition, True)
    feedback.set_feedback(organiser, site.edition, True)
    assert feedback.feedback_enabled(site.edition)
    event = db_session.scalars(select(AuditEvent).where(AuditEvent.action == "feedback.setting")).one()
    assert event.details == {"enabled": True}


def test_picking_is_refused_while_feedback_is_off(site, organiser):
    comment = comment_of(site, site.judges[0], site.morag)
    with pytest.raises(DomainError, match="switched off"):
        feedback.save_picks(organiser, site.category, {comment.id: ""})


# --- Picking -----------------------------------------------------------------------------------------------------


@pytest.fixture
def switched_on(site, organiser):
    """Feedback switched on for the site's edition."""
    feedback.set_feedback(organiser, site.edition, True)
    return site


def test_picks_keep_the_edited_text_and_the_judges_words(switched_on, organiser, db_session):
    site = switched_on
    judge_a, judge_b, _ = site.judges
    edited = comment_of(site, judge_a, site.morag)
    as_written = comment_of(site, judge_b, site.morag)
    feedback.save_picks(organiser, site.category, {
        edited.id: "Morag's work is outstanding.", as_written.id: "   ",
    })
    picks = {pick.comment_id: pick for pick in db_session.scalars(select(FeedbackPick))}
    assert picks[edited.id].text == "Morag's work is outstanding."
    assert edited.text == "Morag's work at the Fife centre is outstanding."  # the judge's words are kept
    assert picks[as_written.id].text == "Clear impact on carers' lives."  # blank: sent as written
    event = db_session.scalars(select(AuditEvent).where(AuditEvent.action == "feedback.picked")).one()
    assert event.details == {"comments": sorted([edited.id, as_written.id]), "edited": [edited.id]}


def test_unticking_drops_a_pick(switched_on, organiser, db_session):
    site = switched_on
    comment = comment_of(site, site.judges[0], site.morag)
    feedback.save_picks(organiser, site.category, {comment.id: ""})
    feedback.save_picks(organiser, site.category, {})
    assert db_session.scalars(select(FeedbackPick)).all() == []


def test_picks_from_elsewhere_or_too_long_are_refused(switched_on, organiser, db_session):
    site = switched_on
    comment = comment_of(site, site.judges[0], site.morag)
    with pytest.raises(DomainError, match="Choose comments from the judges' comments"):
        feedback.save_picks(organiser, site.category, {999999: ""})
    with pytest.raises(DomainError, match="2,000 characters or fewer") as refusal:
        feedback.save_picks(organiser, site.category, {comment.id: "x" * 2001})
    assert refusal.value.field == f"text_{comment.id}"
    with pytest.raises(NotAllowed):
        feedback.save_picks(site.judges[0], site.category, {comment.id: ""})
    assert db_session.scalars(select(FeedbackPick)).all() == []


# --- Who gets it -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("consent, nominee_email, expected", [
    (ConsentState.GIVEN, "morag@example.org", ("nominee", "morag@example.org")),
    (ConsentState.GIVEN, None, ("nominator", "iain@example.org")),
    (ConsentState.REQUESTED, "morag@example.org", ("nominator", "iain@example.org")),
    (ConsentState.NOT_REQUESTED, "morag@example.org", ("nominator", "iain@example.org")),
    (ConsentState.DECLINED, "morag@example.org", None),
])
def test_the_nominee_who_agreed_gets_it_otherwise_the_nominator_and_nobody_after_a_decline(
    site, consent, nominee_email, expected
):
    site.morag.consent = consent
    site.morag.nominee_email = nominee_email
    site.morag.nominator_email = "iain@example.org"
    assert feedback.feedback_recipient(site.morag) == expected


# --- Sending -----------------------------------------------------------------------------------------------------


@pytest.fixture
def picked(switched_on, organiser):
    """Judge A's comment on Morag (edited) and judge B's (as written) picked; judge A's on Hamish too."""
    site = switched_on
    judge_a, judge_b, _ = site.judges
    site.morag.nominee_email = "morag@example.org"
    site.hamish.consent = ConsentState.REQUESTED  # never answered: the nominator hears
    feedback.save_picks(organiser, site.category, {
        comment_of(site, judge_a, site.morag).id: "Morag's work is outstanding.",
        comment_of(site, judge_b, site.morag).id: "",
        comment_of(site, judge_a, site.hamish).id: "",
    })
    return site


def test_sending_before_the_ceremony_is_refused_and_sends_nothing(picked, organiser, outbox, db_session):
    with pytest.raises(DomainError, match="once the result of Carer of the Year has been revealed"):
        feedback.send_feedback(organiser, picked.category)
    assert outbox() == []
    assert all(pick.sent_at is None for pick in db_session.scalars(select(FeedbackPick)))


def test_after_the_reveal_each_entry_gets_one_anonymised_email(picked, organiser, outbox, db_session):
    reveal_result(picked.category)
    outcome = feedback.send_feedback(organiser, picked.category)
    assert [entry.id for entry in outcome.sent] == [picked.morag.id, picked.hamish.id]
    emails = {email.to_address: email for email in outbox()}
    assert set(emails) == {"morag@example.org", picked.hamish.nominator_email}
    to_morag = emails["morag@example.org"]
    assert to_morag.subject == "Feedback from the judges: Carer of the Year"
    assert "Morag's work is outstanding." in to_morag.text_body
    assert "Clear impact on carers" in to_morag.text_body
    assert "Fife centre" not in to_morag.text_body  # the edited-out words stay out
    for email in emails.values():
        for judge in picked.judges:
            assert judge.name not in email.text_body and judge.name not in email.html_body
            assert judge.email not in email.text_body
    assert "your nomination of Hamish MacLeod" in emails[picked.hamish.nominator_email].text_body
    event = db_session.scalars(select(AuditEvent).where(AuditEvent.action == "feedback.sent")).one()
    assert event.details == {"sent": [picked.morag.id, picked.hamish.id], "nobody": [], "comments": 3}


def test_the_ceremony_time_passing_is_enough(picked, organiser, outbox, clock):
    clock.set(picked.edition.ceremony_at)
    feedback.send_feedback(organiser, picked.category)
    assert len(outbox()) == 2


def test_feedback_is_sent_once_only_and_then_fixed(picked, organiser, outbox):
    reveal_result(picked.category)
    feedback.send_feedback(organiser, picked.category)
    with pytest.raises(DomainError, match="sent only once"):
        feedback.send_feedback(organiser, picked.category)
    with pytest.raises(DomainError, match="sent only once"):
        feedback.save_picks(organiser, picked.category, {})
    assert len(outbox()) == 2


def test_nobody_is_emailed_about_a_nominee_who_declined(picked, organiser, outbox):
    picked.hamish.consent = ConsentState.DECLINED
    reveal_result(picked.category)
    outcome = feedback.send_feedback(organiser, picked.category)
    # A declined nominee is out of judging altogether, so their entry is not even among those sent about.
    assert picked.hamish.id not in [entry.id for entry in outcome.sent + outcome.nobody]
    assert [email.to_address for email in outbox()] == ["morag@example.org"]


def test_sending_with_nothing_picked_or_switched_off_is_refused(switched_on, organiser, outbox):
    reveal_result(switched_on.category)
    with pytest.raises(DomainError, match="No comments are ticked"):
        feedback.send_feedback(organiser, switched_on.category)
    feedback.set_feedback(organiser, switched_on.edition, False)
    with pytest.raises(DomainError, match="switched off"):
        feedback.send_feedback(organiser, switched_on.category)
    assert outbox() == []


# --- Never a conflicted judge's comment, and never twice ------------------------------------------------------------


def test_a_conflicted_judges_comment_cannot_be_picked(switched_on, organiser, outbox):
    site = switched_on
    judge_c = site.judges[2]
    conflicted = comment_of(site, judge_c, site.ailsa)  # "I know Ailsa well": it would give judge C away
    with pytest.raises(DomainError, match="Choose comments"):
        feedback.save_picks(organiser, site.category, {conflicted.id: ""})


def test_a_comment_picked_before_its_judge_declared_a_conflict_is_not_sent(picked, organiser, outbox, db_session):
    site = picked
    judge_b = site.judges[1]
    conflicts.record_conflict(organiser, judge_b, site.morag, "Turned out to be her neighbour.", "recused")
    reveal_result(site.category)
    feedback.send_feedback(organiser, site.category)
    to_morag = next(email for email in outbox() if email.to_address == "morag@example.org")
    assert "Morag's work is outstanding." in to_morag.text_body
    assert "Clear impact on carers' lives." not in to_morag.text_body


@pytest.mark.postgres
def test_two_sends_at_once_email_each_entry_once(app, monkeypatch):
    # Each test runs in one rolled-back transaction on one connection; two organisers sending at once need connections
    # of their own and committed rows, so they use a second app, and this test deletes what it made. Queuing each
    # email is slowed down so that both sends read "not sent yet" before either commits, as a double click would.
    side = side_app({"SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                     "PUBLIC_BASE_URL": "http://awards.test", "MAIL_BACKEND": "smtp"})
    with side.app_context():
        first_event = db.session.scalar(select(func.coalesce(func.max(AuditEvent.id), 0)))
        first_email = db.session.scalar(select(func.coalesce(func.max(OutboxEmail.id), 0)))
        site = judging_site()
        site.edition.year = 3000 + secrets.randbelow(5000)
        organiser = create_organiser(f"race-{secrets.token_hex(4)}@example.org", "a long organiser password")
        judge_a = site.judges[0]
        comment = ScoreComment(judge_id=judge_a.id, nomination_id=site.morag.id, text="Outstanding.")
        db.session.add(comment)
        db.session.flush()
        site.morag.nominee_email = "morag@example.org"
        feedback.set_feedback(organiser, site.edition, True)
        feedback.save_picks(organiser, site.category, {comment.id: ""})
        reveal_result(site.category)
        db.session.commit()
        edition_id, category_id, organiser_id = site.edition.id, site.category.id, organiser.id
        user_ids = [organiser.id, *(judge.id for judge in site.judges)]
        db.session.remove()

    real_queue = feedback.queue_email

    def slow_queue(*args, **kwargs):
        time.sleep(0.3)
        return real_queue(*args, **kwargs)

    monkeypatch.setattr(feedback, "queue_email", slow_queue)
    together = threading.Barrier(2)

    def organiser_sends() -> str:
        """One organiser's send, in its own app context (own session and connection), started with the other's."""
        with side.app_context():
            try:
                together.wait(timeout=10)
                feedback.send_feedback(db.session.get(User, organiser_id), db.session.get(Category, category_id))
                db.session.commit()
                return "sent"
            except DomainError as refusal:
                db.session.rollback()
                return refusal.message
            finally:
                db.session.remove()

    try:
        with ThreadPoolExecutor(2) as pool:
            outcomes = sorted(future.result(timeout=30) for future in [pool.submit(organiser_sends) for _ in range(2)])
        with side.app_context():
            emails = db.session.scalars(select(OutboxEmail.to_address).where(OutboxEmail.id > first_email)).all()
            db.session.remove()
        assert emails == ["morag@example.org"], outcomes
        assert outcomes[1] == "sent" and "sent only once" in outcomes[0]
    finally:
        with side.app_context():
            # The audit log refuses changes by trigger (deleting a user would update its events): as the database
            # owner, the clean-up alone sets that aside, for the events it made, before deleting the rest.
            db.session.execute(sql("SET LOCAL session_replication_role = replica"))
            db.session.execute(delete(AuditEvent).where(AuditEvent.id > first_event))
            db.session.commit()
            db.session.execute(delete(Edition).where(Edition.id == edition_id))
            db.session.execute(delete(User).where(User.id.in_(user_ids)))
            db.session.execute(delete(OutboxEmail).where(OutboxEmail.id > first_email))
            db.session.commit()
            db.session.remove()
            db.engine.dispose()
