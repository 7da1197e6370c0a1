"""Delivering the outbox over SMTP to a real sink: once, after the commit, with retries and without duplicates."""
from __future__ import annotations

import re
import secrets
import signal
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from aiosmtpd.smtp import AuthResult
from sqlalchemy import delete, select

from awards_app import create_app
from awards_app.core import mail_delivery
from awards_app.core.mail_delivery import (
    MAX_ATTEMPTS,
    REMOVED_BODY,
    deliver_pending,
    retry_delay,
    run_worker,
)
from awards_app.core.models import OutboxEmail, OutboxStatus
from awards_app.core.outbox import queue_email
from awards_app.extensions import db

pytestmark = pytest.mark.usefixtures("mail_templates")

VOTER = "voter@example.org"


def queue(to: str = VOTER, subject: str = "Your test message", name: str = "Ada") -> OutboxEmail:
    """Queue the test-only email in the current transaction."""
    return db.session.get(OutboxEmail, queue_email(to, subject, "test_message", name=name))


def queue_and_commit(db_session, **kwargs) -> OutboxEmail:
    """Queue the test-only email and commit it, as a route would."""
    email = queue(**kwargs)
    db_session.commit()
    return email


# --- after the commit, and only once ---------------------------------------------------------------------------


def test_email_queued_in_a_rolled_back_transaction_is_never_sent(db_session, smtp_sink, outbox):
    queue()
    db_session.rollback()

    report = deliver_pending()

    assert report.total == 0
    assert smtp_sink.received == []
    assert outbox() == []


def test_committed_email_is_delivered_with_both_parts_and_its_message_id(app, db_session, smtp_sink, clock):
    email = queue_and_commit(db_session, name="Ada & Bob")

    report = deliver_pending()

    assert (report.sent, report.retrying, report.failed) == (1, 0, 0)
    assert report.summary() == "1 email sent, 0 to retry later, 0 failed."
    [received] = smtp_sink.received
    assert received.rcpt_tos == [VOTER]
    assert received.mail_from == "awards@example.org"
    message = received.message
    assert message.get_content_type() == "multipart/alternative"
    assert message["Message-ID"] == email.message_id
    assert message["From"] == app.config["MAIL_DEFAULT_SENDER"]
    assert message["To"] == VOTER
    assert message["Subject"] == "Your test message"
    text, html = received.part("text/plain"), received.part("text/html")
    assert "Hello Ada & Bob," in text  # plain text is not HTML-escaped
    assert "See http://awards.test/vote" in text
    assert "Hello Ada &amp; Bob," in html
    assert '<a href="http://awards.test/vote"' in html
    assert email.status is OutboxStatus.SENT
    assert email.transport == "smtp"
    assert email.sent_at == clock.now()
    assert email.attempts == 1


def test_a_second_round_sends_nothing_more(db_session, smtp_sink):
    queue_and_commit(db_session)
    assert deliver_pending().sent == 1

    report = deliver_pending()

    assert report.total == 0
    assert len(smtp_sink.received) == 1


def test_html_layout_is_self_contained_and_accessible(db_session, smtp_sink):
    queue_and_commit(db_session)
    deliver_pending()

    html = smtp_sink.received[0].part("text/html")
    assert '<html lang="en-GB"' in html
    assert "<title>Your test message</title>" in html
    assert re.search(r"<h1[^>]*>Your test message</h1>", html)
    # No scripts and nothing fetched from elsewhere: email programs block remote content and scripts anyway.
    for forbidden in ("<script", "<link", "src=", "srcset=", "@import", "url("):
        assert forbidden not in html
    text = smtp_sink.received[0].part("text/plain")
    assert "the ALLIANCE" in text and "<" not in text


# --- when the server is down or says no --------------------------------------------------------------------------


def test_server_down_keeps_email_pending_with_backoff_until_it_is_up(db_session, start_smtp_sink, clock):
    down = start_smtp_sink(listen=False)  # the app points at a port where nothing listens
    first, second = queue(), queue(to="second@example.org")
    db_session.commit()

    report = deliver_pending()

    assert (report.sent, report.retrying, report.failed) == (0, 2, 0)
    for email in (first, second):
        assert email.status is OutboxStatus.PENDING
        assert email.attempts == 1
        assert email.next_attempt_at == clock.now() + timedelta(seconds=30)
        assert "could not connect" in email.last_error
    assert deliver_pending().total == 0  # not due yet

    sink = start_smtp_sink(port=down.port)
    clock.advance(seconds=29)
    assert deliver_pending().total == 0
    clock.advance(seconds=2)

    assert deliver_pending().sent == 2
    assert sorted(received.rcpt_tos[0] for received in sink.received) == ["second@example.org", VOTER]
    assert first.status is OutboxStatus.SENT and first.attempts == 2


def test_4xx_refusal_is_retried_later(db_session, refusing_smtp_sink, clock):
    sink = refusing_smtp_sink("450 4.2.1 Mailbox busy, try again later")
    email = queue_and_commit(db_session)

    report = deliver_pending()

    assert (report.sent, report.retrying, report.failed) == (0, 1, 0)
    assert email.status is OutboxStatus.PENDING
    assert email.attempts == 1
    assert email.last_error.startswith("450 4.2.1 Mailbox busy")
    assert email.next_attempt_at == clock.now() + timedelta(seconds=30)
    assert sink.received == []

    sink.refuse_with = None
    clock.advance(seconds=30)
    assert deliver_pending().sent == 1
    assert email.status is OutboxStatus.SENT
    assert email.last_error.startswith("450")  # the history stays readable


def test_5xx_refusal_of_the_recipient_fails_and_the_email_is_kept(db_session, refusing_smtp_sink, clock, outbox):
    refusing_smtp_sink("550 5.1.1 No such mailbox")
    email = queue_and_commit(db_session)

    report = deliver_pending()

    assert (report.sent, report.retrying, report.failed) == (0, 0, 1)
    assert outbox() == [email]
    assert email.status is OutboxStatus.FAILED
    assert email.attempts == 1
    assert email.last_error == "550 5.1.1 No such mailbox"
    clock.advance(days=1)
    assert deliver_pending().total == 0


def test_gives_up_after_the_last_attempt(db_session, refusing_smtp_sink, clock):
    refusing_smtp_sink("421 4.3.2 Service not available")
    email = queue_and_commit(db_session)
    email.attempts = MAX_ATTEMPTS - 1
    db_session.commit()

    report = deliver_pending()

    assert report.failed == 1
    assert email.status is OutboxStatus.FAILED
    assert email.attempts == MAX_ATTEMPTS


def queue_to_delete_when_sent(db_session, to: str = VOTER) -> int:
    """Queue and commit the test-only email as one whose row must go once it has gone (like a vote's receipt)."""
    email_id = queue_email(to, "Your receipt", "test_message", name="Ada", delete_when_sent=True)
    db_session.commit()
    return email_id


def test_an_email_to_delete_when_sent_leaves_no_row_once_sent(db_session, smtp_sink, outbox):
    email_id = queue_to_delete_when_sent(db_session)
    kept = queue_and_commit(db_session, to="other@example.org")
    assert [email.id for email in outbox()] == [email_id, kept.id]
    assert db_session.get(OutboxEmail, email_id).delete_when_sent and not kept.delete_when_sent

    report = deliver_pending()

    assert report.sent == 2
    assert [message["To"] for message in smtp_sink.messages] == [VOTER, "other@example.org"]
    assert outbox() == [kept]  # the other email keeps the record of its delivery, without its address
    assert kept.to_address == "" and kept.status is OutboxStatus.SENT


def test_an_email_to_delete_when_sent_waits_whole_for_a_retry_and_goes_when_given_up(
    db_session, refusing_smtp_sink, clock, outbox
):
    refusing_smtp_sink("450 4.2.1 Try later")
    email_id = queue_to_delete_when_sent(db_session, to="jo@example.org")
    assert deliver_pending().retrying == 1
    [waiting] = outbox()
    assert (waiting.id, waiting.to_address, waiting.status) == (email_id, "jo@example.org", OutboxStatus.PENDING)

    refusing_smtp_sink("550 5.1.1 <jo@example.org>: no such mailbox")
    clock.advance(hours=1)
    assert deliver_pending().failed == 1
    assert outbox() == []


def test_retry_delay_doubles_from_30_seconds_up_to_an_hour():
    delays = [retry_delay(attempts).total_seconds() for attempts in range(1, MAX_ATTEMPTS + 1)]
    assert delays[:7] == [30, 60, 120, 240, 480, 960, 1920]
    assert delays[7:] == [3600] * (MAX_ATTEMPTS - 7)


def test_message_that_cannot_be_built_fails_without_reaching_the_server(db_session, smtp_sink):
    email = queue_and_commit(db_session, subject="Hello\nBcc: everyone@example.org")

    report = deliver_pending()

    assert report.failed == 1
    assert email.status is OutboxStatus.FAILED
    assert email.last_error.startswith("could not build the message")
    assert smtp_sink.received == []


def test_a_failed_email_is_never_sent_again_since_what_it_said_is_gone(db_session, refusing_smtp_sink, clock):
    # Its link would lie readable in the outbox otherwise (issue #14, finding 4): whoever needs it asks for a new one.
    sink = refusing_smtp_sink("550 5.7.1 Not today")
    email = queue_and_commit(db_session)
    deliver_pending()
    assert email.status is OutboxStatus.FAILED
    assert (email.text_body, email.to_address) == (REMOVED_BODY, "")

    sink.refuse_with = None
    clock.advance(days=1)
    assert deliver_pending().total == 0
    assert sink.received == []


def test_logs_in_when_a_username_is_set(app, db_session, start_smtp_sink, monkeypatch):
    seen = []

    def authenticator(server, session, envelope, mechanism, auth_data):
        seen.append((auth_data.login, auth_data.password))
        return AuthResult(success=auth_data.password == b"right password", handled=False)

    start_smtp_sink(authenticator=authenticator, auth_require_tls=False)
    monkeypatch.setitem(app.config, "MAIL_USERNAME", "mailer")
    monkeypatch.setitem(app.config, "MAIL_PASSWORD", "wrong password")
    email = queue_and_commit(db_session)

    assert deliver_pending().retrying == 1
    assert email.last_error.startswith("could not connect") and "535" in email.last_error

    monkeypatch.setitem(app.config, "MAIL_PASSWORD", "right password")
    email.next_attempt_at = email.created_at
    db_session.commit()
    assert deliver_pending().sent == 1
    assert seen[-1] == (b"mailer", b"right password")


# --- claims ------------------------------------------------------------------------------------------------------


def test_stale_sending_claim_is_taken_over_but_a_live_one_is_not(db_session, smtp_sink, clock):
    abandoned = queue(to="abandoned@example.org")
    in_progress = queue(to="in-progress@example.org")
    db_session.flush()
    abandoned.status = in_progress.status = OutboxStatus.SENDING
    abandoned.claimed_at = clock.now() - timedelta(minutes=11)  # its worker died
    in_progress.claimed_at = clock.now() - timedelta(minutes=9)  # its worker may still be sending it
    db_session.commit()

    report = deliver_pending()

    assert report.sent == 1
    assert [received.rcpt_tos for received in smtp_sink.received] == [["abandoned@example.org"]]
    assert abandoned.status is OutboxStatus.SENT
    assert in_progress.status is OutboxStatus.SENDING


def test_limit_bounds_one_round(db_session, smtp_sink):
    for number in range(3):
        queue(to=f"voter{number}@example.org")
    db_session.commit()

    assert deliver_pending(limit=2).sent == 2
    assert deliver_pending(limit=2).sent == 1
    assert [received.rcpt_tos[0] for received in smtp_sink.received] == [
        "voter0@example.org", "voter1@example.org", "voter2@example.org"
    ]


def test_worker_gives_back_claims_it_has_no_time_left_for(db_session, smtp_sink, clock, monkeypatch):
    first, second = queue(), queue(to="second@example.org")
    db_session.commit()
    real_build = mail_delivery.build_message

    def slow_build(email, sender):
        clock.advance(minutes=6)  # as if the server took six minutes over the first email
        return real_build(email, sender)

    monkeypatch.setattr(mail_delivery, "build_message", slow_build)

    report = deliver_pending()

    assert report.sent == 1
    assert first.status is OutboxStatus.SENT
    # Sending it now could race a worker that takes over the claim once it looks stale; it waits for next round.
    assert (second.status, second.claimed_at, second.attempts) == (OutboxStatus.PENDING, None, 0)
    assert deliver_pending().sent == 1


@pytest.mark.postgres
def test_parallel_workers_never_deliver_the_same_email_twice(app, smtp_sink):
    # Each test runs inside one rolled-back transaction on one connection; parallel workers need their own
    # connections and committed rows, so they use a second app (own engine) and this test deletes what it adds.
    worker_app = create_app(dict(app.config))
    emails_count, workers = 40, 4
    tag = secrets.token_hex(4)
    with worker_app.app_context():
        emails = [
            OutboxEmail(
                message_id=f"<parallel-{tag}-{number}@awards.test>",
                to_address=f"voter{number}@example.org",
                subject=f"Message {number}",
                text_body="Hello",
                html_body="<p>Hello</p>",
            )
            for number in range(emails_count)
        ]
        db.session.add_all(emails)
        db.session.commit()
        ids = [email.id for email in emails]
    start_together = threading.Barrier(workers)

    def work() -> int:
        """One worker: small rounds until a round finds nothing to do."""
        with worker_app.app_context():
            start_together.wait(timeout=10)
            sent = 0
            while (report := deliver_pending(limit=3)).total:
                sent += report.sent
            return sent

    try:
        with ThreadPoolExecutor(workers) as pool:
            sent_by_worker = [future.result(timeout=60) for future in [pool.submit(work) for _ in range(workers)]]
        with worker_app.app_context():
            rows = db.session.scalars(select(OutboxEmail).where(OutboxEmail.id.in_(ids))).all()
            assert {(row.status, row.attempts) for row in rows} == {(OutboxStatus.SENT, 1)}
    finally:
        with worker_app.app_context():
            db.session.execute(delete(OutboxEmail).where(OutboxEmail.id.in_(ids)))
            db.session.commit()
            db.engine.dispose()

    message_ids = [received.message["Message-ID"] for received in smtp_sink.received]
    assert len(message_ids) == emails_count
    assert set(message_ids) == {f"<parallel-{tag}-{number}@awards.test>" for number in range(emails_count)}
    assert sum(sent_by_worker) == emails_count


# --- the worker and the command ----------------------------------------------------------------------------------


def test_send_mail_once_delivers_and_prints_the_summary(runner, db_session, smtp_sink):
    email = queue_and_commit(db_session)

    result = runner.invoke(args=["send-mail", "--once"])

    assert result.exit_code == 0, result.output
    assert "1 email sent, 0 to retry later, 0 failed." in result.output
    assert len(smtp_sink.received) == 1
    db_session.expire_all()  # the command worked in its own session
    assert email.status is OutboxStatus.SENT


def test_worker_delivers_each_round_and_stops(db_session, smtp_sink):
    queue_and_commit(db_session)
    lines = []

    run_worker(poll_seconds=0, echo=lines.append, stop_after=2)

    assert lines == ["1 email sent, 0 to retry later, 0 failed.", "Stopped delivering email."]
    assert len(smtp_sink.received) == 1


def test_worker_stops_cleanly_on_sigterm(db_session, smtp_sink, monkeypatch):
    class NotHandled(Exception):
        pass

    class RecordingEvent(threading.Event):
        """Notes, for each wait between rounds, whether the stop had already been asked for."""

        waits: list[bool] = []

        def wait(self, timeout=None):
            RecordingEvent.waits.append(self.is_set())
            return super().wait(timeout)

    monkeypatch.setattr(threading, "Event", RecordingEvent)

    def fallback(signum, frame):
        raise NotHandled("run_worker did not handle SIGTERM")

    # If the worker failed to install its handler, this one turns SIGTERM into a test failure, not a dead pytest.
    previous = signal.signal(signal.SIGTERM, fallback)
    queue_and_commit(db_session)
    lines = []

    def echo(line: str) -> None:
        lines.append(line)
        if line.endswith("failed."):
            signal.raise_signal(signal.SIGTERM)

    try:
        run_worker(poll_seconds=30, echo=echo)
        # It never slept waiting for the next round: the signal came during the first, and the wait saw it at once.
        assert RecordingEvent.waits and all(RecordingEvent.waits)
        assert lines[-1] == "Stopped delivering email."
        assert signal.getsignal(signal.SIGTERM) is fallback  # handlers are put back
        assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    finally:
        signal.signal(signal.SIGTERM, previous)


def test_a_running_worker_reads_settings_changed_after_its_first_round(db_session, smtp_sink):
    """The worker keeps one app context for hours: a contact set later must reach its next round's emails (Reply-To)."""
    from sqlalchemy import text

    queue_and_commit(db_session)
    deliver_pending()  # the first round: no contact yet
    db_session.execute(text("UPDATE site_settings SET contact_email = 'team@example.org', version = version + 1"))
    queue_and_commit(db_session, to="second@example.org")
    deliver_pending()
    first, second = (received.message for received in smtp_sink.received)
    assert first["Reply-To"] is None and second["Reply-To"] == "team@example.org"
