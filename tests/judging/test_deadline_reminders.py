"""The judging deadline as judges read it, and the reminders that go by themselves three days and one day before it:
once per milestone, only to judges with work left, from the send-mail worker, and once under two workers at once."""
from __future__ import annotations

import secrets
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

import pytest
from sqlalchemy import delete, func, select, text

from awards_app.accounts.models import User
from awards_app.config import ConfigError, load_config
from awards_app.core import clock as app_clock
from awards_app.core.models import AuditEvent, OutboxEmail
from awards_app.extensions import db
from awards_app.judging import deadline_reminders
from awards_app.judging.deadline_reminders import (
    deadline_of,
    deadlines_for,
    due_milestone,
    queue_due_reminders,
    reminder_schedule,
)
from awards_app.judging.progress import send_reminders
from awards_app.programme.models import Edition, JudgingReminderRound
from tests.factories.accounts import make_judge
from tests.factories.judging import judging_site, place_of, seat
from tests.factories.nominations import make_entries
from tests.factories.programme import make_category, make_criteria, make_edition
from tests.fixtures.apps import side_app


@pytest.fixture
def site(db_session, clock):
    """The judging site: judges A and C have work left (scores to submit), judge B has submitted.

    Its judging runs from 9am on Tuesday 24 February to 9am on Monday 23 March 2026 (UTC, which is London's time then).
    """
    return judging_site()


def at(site, **before_the_deadline) -> datetime:
    """A moment this long before the site's judging deadline."""
    return site.edition.judging_end_at - timedelta(**before_the_deadline)


def reminder_subjects(outbox) -> list[tuple[str, str]]:
    """(recipient, subject) of each email in the outbox, oldest first."""
    return [(email.to_address, email.subject) for email in outbox()]


# --- The deadline in words ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("before, words", [
    (timedelta(days=3), "Scores are due by 9am on Monday 23 March 2026 (in 3 days)."),
    (timedelta(days=1), "Scores are due by 9am on Monday 23 March 2026 (tomorrow)."),
    (timedelta(hours=2), "Scores are due by 9am on Monday 23 March 2026 (today)."),
])
def test_the_deadline_says_when_scores_are_due(site, clock, before, words):
    deadline = deadline_of(site.edition, site.edition.judging_end_at - before)
    assert (deadline.passed, deadline.text) == (False, words)


@pytest.mark.parametrize("after, words", [
    (timedelta(hours=1), "it was 9am on Monday 23 March 2026 (earlier today)"),
    (timedelta(days=1), "it was 9am on Monday 23 March 2026 (yesterday)"),
    (timedelta(days=4), "it was 9am on Monday 23 March 2026 (4 days ago)"),
])
def test_after_the_deadline_it_says_so_plainly(site, after, words):
    deadline = deadline_of(site.edition, site.edition.judging_end_at + after)
    assert deadline.passed
    assert deadline.text.startswith(f"The deadline for scores has passed: {words}.")


def test_the_deadline_is_in_the_editions_timezone(site, db_session):
    site.edition.timezone = "Pacific/Auckland"  # 9am UTC is 10pm there (NZDT, UTC+13)
    text_ = deadline_of(site.edition, at(site, days=3)).text
    assert text_ == "Scores are due by 10pm on Monday 23 March 2026 (in 3 days)."


def test_a_judge_sees_the_deadlines_of_their_editions_until_the_shortlist_is_published(site, db_session, clock):
    judge_a = site.judges[0]
    clock.set(at(site, days=3))
    assert [deadline.edition for deadline in deadlines_for(judge_a)] == [site.edition]
    assert deadlines_for(make_judge("nobody@example.org")) == []

    site.edition.shortlist_published_at = clock.now()
    assert deadlines_for(judge_a) == []


# --- When a reminder is due --------------------------------------------------------------------------------------


def test_the_milestone_due_is_the_nearest_whose_moment_has_come(site):
    assert due_milestone(site.edition, at(site, days=3, seconds=1)) is None
    assert due_milestone(site.edition, at(site, days=3)) == 3
    assert due_milestone(site.edition, at(site, days=1, seconds=1)) == 3
    assert due_milestone(site.edition, at(site, days=1)) == 1
    assert due_milestone(site.edition, at(site, seconds=1)) == 1
    assert due_milestone(site.edition, at(site, seconds=0)) is None  # the deadline itself: nothing more to remind


def test_no_milestone_before_judging_starts(site, db_session):
    site.edition.judging_start_at = at(site, days=2)
    assert due_milestone(site.edition, at(site, days=2, seconds=1)) is None
    assert due_milestone(site.edition, at(site, days=2)) == 3  # late, but the nearest passed: the 3-day round
    assert due_milestone(site.edition, at(site, days=1)) == 1


# --- Reminders going by themselves -------------------------------------------------------------------------------


def test_three_days_before_judges_with_work_left_are_reminded_once(site, clock, outbox, db_session):
    judge_a, judge_b, judge_c = site.judges
    clock.set(at(site, days=3, seconds=-30))

    assert queue_due_reminders() == 2

    subject = "3 days left to finish your judging for the Self Management Awards 2026"
    assert sorted(reminder_subjects(outbox)) == sorted([(judge_a.email, subject), (judge_c.email, subject)])
    email = outbox()[0]
    assert 'Press "Submit my scores"' in email.text_body and "9am on Monday 23 March 2026" in email.text_body
    events = db_session.scalars(select(AuditEvent).where(AuditEvent.action == "judging.reminder_sent")).all()
    assert sorted(event.subject_id for event in events) == sorted([judge_a.id, judge_c.id])
    assert all(event.actor_id is None and event.actor_label == "system" for event in events)
    assert all(event.details["automatic"] is True and event.details["days_before"] == 3 for event in events)

    clock.advance(hours=2)
    assert queue_due_reminders() == 0  # the same milestone never goes twice
    assert len(outbox()) == 2


def test_one_day_before_the_second_round_goes_and_then_no_more(site, clock, outbox):
    clock.set(at(site, days=3))
    queue_due_reminders()
    clock.set(at(site, days=1))
    assert queue_due_reminders() == 2
    assert [subject for _, subject in reminder_subjects(outbox)][-1].startswith("1 day left to finish")
    clock.set(at(site, hours=-1))
    assert queue_due_reminders() == 0
    assert len(outbox()) == 4


def test_a_missed_milestone_is_not_sent_late(site, clock, outbox, db_session):
    clock.set(at(site, hours=12))  # the worker was not running three days before

    assert queue_due_reminders() == 2
    rounds = db_session.scalars(select(JudgingReminderRound)).all()
    assert [(row.days_before, row.judges) for row in rounds] == [(1, 2)]
    assert {subject for _, subject in reminder_subjects(outbox)} == {
        "1 day left to finish your judging for the Self Management Awards 2026"
    }


def test_judges_without_work_left_get_nothing(site, clock, outbox, db_session):
    for judge in site.judges:
        place_of(judge, site.category).submitted_at = clock.now()
    db_session.flush()
    clock.set(at(site, days=3))

    assert queue_due_reminders() == 0
    assert outbox() == []
    # The round is still marked done, so that the worker does not work it out again on every poll.
    assert db_session.scalars(select(JudgingReminderRound.judges)).all() == [0]


def test_a_judge_an_organiser_reminded_within_the_hour_is_not_reminded_again(site, organiser, clock, outbox):
    judge_a, judge_b, judge_c = site.judges
    clock.set(at(site, days=3, minutes=30))
    send_reminders(organiser, site.edition)
    assert len(outbox()) == 2
    clock.set(at(site, days=3))

    assert queue_due_reminders() == 0
    assert len(outbox()) == 2

    # The organisers' button is unchanged: once an hour at most, whoever sent the last one.
    clock.set(at(site, days=3, minutes=-5))
    assert [judge for judge, _ in send_reminders(organiser, site.edition).too_soon] == [judge_a, judge_c]


def test_moving_the_deadline_gives_its_milestones_rounds_of_their_own(site, clock, outbox, db_session):
    clock.set(at(site, days=3))
    queue_due_reminders()
    site.edition.judging_end_at += timedelta(days=7)
    db_session.flush()

    assert queue_due_reminders() == 0  # ten days before the new deadline: nothing due
    clock.advance(days=7)
    assert queue_due_reminders() == 2
    assert len(outbox()) == 4


def test_other_editions_and_published_shortlists_are_left_alone(site, clock, outbox, db_session):
    other = Edition(**{
        **{column: getattr(site.edition, column) for column in (
            "nominations_open_at", "nominations_close_at", "judging_start_at", "judging_end_at",
            "shortlist_publish_at", "vote_open_at", "vote_close_at", "ceremony_at",
        )},
        "year": 2027, "name": "Another edition",
    })
    db_session.add(other)
    db_session.flush()
    seat(make_judge("other@example.org"), make_category(other, name="Other category"))
    site.edition.shortlist_published_at = at(site, days=4)
    clock.set(at(site, days=3))

    assert queue_due_reminders() == 1
    assert [to for to, _ in reminder_subjects(outbox)] == ["other@example.org"]


def test_the_milestones_are_a_setting(site, app, clock, outbox, monkeypatch):
    monkeypatch.setitem(app.config, "JUDGING_REMINDER_DAYS", (7,))
    clock.set(at(site, days=7, seconds=1))
    assert queue_due_reminders() == 0
    clock.set(at(site, days=7))
    assert queue_due_reminders() == 2
    assert {subject for _, subject in reminder_subjects(outbox)} == {
        "7 days left to finish your judging for the Self Management Awards 2026"
    }
    clock.set(at(site, days=1))
    assert queue_due_reminders() == 0  # no 1-day round in this setting


def test_no_milestones_means_no_reminders(site, app, clock, outbox, monkeypatch):
    monkeypatch.setitem(app.config, "JUDGING_REMINDER_DAYS", ())
    clock.set(at(site, days=1))
    assert queue_due_reminders() == 0 and outbox() == []
    assert reminder_schedule(site.edition) == []


@pytest.mark.parametrize("raw, days", [("3,1", (3, 1)), ("7, 2 ,1", (7, 2, 1)), ("", ())])
def test_the_setting_is_read_from_the_environment(tmp_path, raw, days):
    assert load_config(tmp_path, env={"JUDGING_REMINDER_DAYS": raw})["JUDGING_REMINDER_DAYS"] == days
    assert load_config(tmp_path, env={})["JUDGING_REMINDER_DAYS"] == (3, 1)


@pytest.mark.parametrize("raw", ["three", "3,0", "-1"])
def test_a_wrong_setting_stops_the_app_with_its_name(tmp_path, raw):
    with pytest.raises(ConfigError, match="JUDGING_REMINDER_DAYS must list whole numbers of days"):
        load_config(tmp_path, env={"JUDGING_REMINDER_DAYS": raw})


# --- What organisers see -----------------------------------------------------------------------------------------


def test_the_schedule_says_when_each_round_goes_and_went(site, clock, db_session):
    clock.set(at(site, days=5))
    three, one = reminder_schedule(site.edition)
    assert (three.days_before, three.due_at, three.sent_at, three.skipped) == (3, at(site, days=3), None, False)
    assert (one.days_before, one.due_at, one.sent_at) == (1, at(site, days=1), None)

    clock.set(at(site, days=2))
    queue_due_reminders()
    three, one = reminder_schedule(site.edition)
    assert (three.sent_at, three.judges) == (at(site, days=2), 2) and one.sent_at is None and not one.skipped


def test_the_schedule_shows_a_round_that_never_went(site, clock):
    clock.set(at(site, hours=12))
    queue_due_reminders()
    three, one = reminder_schedule(site.edition)
    assert three.skipped and three.sent_at is None
    assert one.sent_at == clock.now() and not one.skipped


# --- The send-mail worker sends them -----------------------------------------------------------------------------


def test_send_mail_queues_the_due_reminders_and_delivers_them(site, runner, clock, smtp_sink, db_session):
    clock.set(at(site, days=3))
    db_session.commit()

    result = runner.invoke(args=["send-mail", "--once"])

    assert result.exit_code == 0, result.output
    assert "Queued 2 reminder email(s) to judges before the judging deadline." in result.output
    assert "2 emails sent" in result.output
    assert sorted(received.message["To"] for received in smtp_sink.received) == [
        "aileen@example.org", "morven@example.org",
    ]

    result = runner.invoke(args=["send-mail", "--once"])
    assert "Queued" not in result.output and len(smtp_sink.received) == 2


# --- Two workers at once (PostgreSQL) ----------------------------------------------------------------------------


@pytest.mark.postgres
def test_two_workers_at_once_send_each_round_once(app, monkeypatch):
    # Each test runs in one rolled-back transaction on one connection; workers racing each other need connections
    # of their own and committed rows, so they use a second app, and this test deletes what it made.
    # Both workers skip the cheap "already sent?" read, as two that read at the same moment would: only the claim
    # (the unique row) stands between them and a second round of emails.
    monkeypatch.setattr(deadline_reminders, "_round_exists", lambda edition, days_before: False)
    side = side_app({"SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                     "PUBLIC_BASE_URL": "http://awards.test", "MAIL_BACKEND": "smtp"})
    tag = secrets.token_hex(4)
    with side.app_context():
        first_event = db.session.scalar(select(func.coalesce(func.max(AuditEvent.id), 0)))
        first_email = db.session.scalar(select(func.coalesce(func.max(OutboxEmail.id), 0)))
        edition = make_edition(year=3000 + secrets.randbelow(5000))
        make_criteria(edition)
        category = make_category(edition, name=f"Race {tag}")
        make_entries(category, 2)
        judges = [make_judge(f"race-{tag}-{number}@example.org") for number in (1, 2)]
        for judge in judges:
            seat(judge, category)  # conflicts declared, nothing scored: work left
        db.session.commit()
        edition_id, deadline = edition.id, edition.judging_end_at
        judge_ids = [judge.id for judge in judges]
        db.session.remove()

    workers = 2
    together = threading.Barrier(workers)

    def worker() -> int:
        """One send-mail round in its own app context (own session and connection), started with the other."""
        with side.app_context():
            try:
                together.wait(timeout=10)
                queued = queue_due_reminders()
                db.session.commit()
                return queued
            finally:
                db.session.remove()

    try:
        for moment in (deadline - timedelta(days=3), deadline - timedelta(days=1)):
            app_clock.freeze(moment)
            with ThreadPoolExecutor(workers) as pool:
                counts = sorted(future.result(timeout=30) for future in [pool.submit(worker) for _ in range(workers)])
            assert counts == [0, 2], counts  # one worker sent the round, the other found it claimed
        with side.app_context():
            rounds = db.session.scalars(
                select(JudgingReminderRound.days_before).where(JudgingReminderRound.edition_id == edition_id)
            ).all()
            emails = db.session.scalars(select(OutboxEmail.to_address).where(OutboxEmail.id > first_email)).all()
            db.session.remove()
        assert sorted(rounds) == [1, 3]
        assert sorted(emails) == sorted(f"race-{tag}-{number}@example.org" for number in (1, 2, 1, 2))
    finally:
        app_clock.freeze(None)
        with side.app_context():
            db.session.execute(delete(Edition).where(Edition.id == edition_id))
            db.session.execute(delete(User).where(User.id.in_(judge_ids)))
            db.session.execute(delete(OutboxEmail).where(OutboxEmail.id > first_email))
            db.session.commit()
            # The audit log refuses deletes by trigger; as the database owner, the clean-up alone sets that aside.
            db.session.execute(text("SET LOCAL session_replication_role = replica"))
            db.session.execute(delete(AuditEvent).where(AuditEvent.id > first_event))
            db.session.commit()
            db.session.remove()
            db.engine.dispose()
