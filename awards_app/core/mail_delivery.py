"""Delivering the outbox: to the development mailbox at once, or over SMTP by the send-mail worker.

An email is a row in the outbox, written in the same transaction as the change that causes it. Nothing here runs
inside a request's transaction: the send-mail worker claims due rows (so that two workers never take the same one),
sends them, and records the outcome row by row. A failed delivery goes back to pending with a growing delay, and
after MAX_ATTEMPTS (or a permanent refusal) it is marked failed and kept until the retention purge.

An email waiting to go keeps what it says, since it must still be sent. Once it has gone, or been given up on, the row
keeps only the record of its delivery (subject, Message-ID, times, attempts, the last error): the body and the
address are removed in the same commit that marks it sent or failed. The body holds a link that works for whoever has
it (a judge's sign-in, a nominee's consent, a vote) and personal details such as a voter's choice; anyone who can read
the database or a backup of it must find neither. An email queued with delete_when_sent (a vote's receipt, whose
record would still say that this address voted) is deleted outright instead. The development mailbox alone keeps its
emails whole, so that people trying the app can read and follow them: it is development only (production always sends
over SMTP).
"""
from __future__ import annotations

import logging
import re
import signal
import smtplib
import ssl
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr

from flask import current_app
from sqlalchemy import and_, or_, select, update
from sqlalchemy.exc import SQLAlchemyError

from awards_app.core import clock
from awards_app.core.models import OutboxEmail, OutboxStatus
from awards_app.extensions import db

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 12
FIRST_RETRY_DELAY = timedelta(seconds=30)
LONGEST_RETRY_DELAY = timedelta(hours=1)
# A "sending" row claimed longer ago than this belongs to a worker that died; another worker may take it over.
STALE_CLAIM_AFTER = timedelta(minutes=10)
# A worker stops sending from a batch after half that time, so that its claims never go stale while it still works.
CLAIM_BUDGET = STALE_CLAIM_AFTER / 2
SMTP_TIMEOUT_SECONDS = 10
# What a sent or given-up email's body becomes: what it said is gone, and the reason is there for whoever looks.
REMOVED_BODY = (
    "What this email said was removed once it was sent or given up on: it held a link that works for whoever has it, "
    "and details of the person it went to."
)


@dataclass
class DeliveryReport:
    """What one delivery round did."""

    sent: int = 0
    retrying: int = 0
    failed: int = 0

    @property
    def total(self) -> int:
        """How many emails this round dealt with."""
        return self.sent + self.retrying + self.failed

    def summary(self) -> str:
        """One line for people: '2 emails sent, 1 to retry later, 0 failed.'"""
        noun = "email" if self.sent == 1 else "emails"
        return f"{self.sent} {noun} sent, {self.retrying} to retry later, {self.failed} failed."


class _ConnectionTrouble(Exception):
    """The SMTP server could not be reached or dropped the connection: nothing in this batch can go now."""


# ---------------------------------------------------------------------------------------------------------------
# After a commit


def hand_over_after_commit() -> None:
    """Called after each commit; development delivers to the mailbox at once, production leaves it to the worker."""
    if current_app.config["MAIL_BACKEND"] != "devmail":
        return  # email is never sent inside a request: the send-mail worker delivers it
    try:
        _deliver_to_dev_mailbox()
    except SQLAlchemyError:
        # The caller's changes are already committed; the email stays pending for the next commit or send-mail.
        log.exception("could not deliver to the development mailbox")
        db.session.rollback()


def _deliver_to_dev_mailbox() -> int:
    """Mark every pending email sent to the development mailbox, log it, and commit; returns how many."""
    moment = clock.now()
    # One conditional UPDATE ... RETURNING: atomic on every database, so no email is "delivered" twice.
    rows = db.session.execute(
        update(OutboxEmail)
        .where(OutboxEmail.status == OutboxStatus.PENDING)
        .values(
            status=OutboxStatus.SENT,
            sent_at=moment,
            transport="devmail",
            attempts=OutboxEmail.attempts + 1,
            claimed_at=None,
        )
        .returning(OutboxEmail.id, OutboxEmail.to_address, OutboxEmail.subject, OutboxEmail.text_body)
        .execution_options(synchronize_session=False)
    ).all()
    db.session.commit()
    for row in sorted(rows, key=lambda row: row.id):
        log.info(
            "development mailbox: email %s\nTo: %s\nSubject: %s\n\n%s",
            row.id, row.to_address, row.subject, row.text_body,
        )
    return len(rows)


# ---------------------------------------------------------------------------------------------------------------
# The send-mail worker


def deliver_pending(limit: int = 100) -> DeliveryReport:
    """Claim up to `limit` due emails and deliver them, recording each outcome as soon as it is known."""
    config = current_app.config
    if config["MAIL_BACKEND"] == "devmail":
        return DeliveryReport(sent=_deliver_to_dev_mailbox())

    # A worker lives in one app context for hours: each round reads the site settings (contact, logo) afresh, within
    # SITE_SETTINGS_SECONDS, rather than the copy its first round kept.
    from awards_app.site_settings.current import forget_request_copy

    forget_request_copy()
    report = DeliveryReport()
    emails = _claim_due(limit)
    if not emails:
        return report
    started = clock.now()
    sender = config["MAIL_DEFAULT_SENDER"]
    connection = _SmtpConnection(config)
    try:
        for index, email in enumerate(emails):
            if clock.now() - started > CLAIM_BUDGET:
                _release(emails[index:])
                break
            try:
                message = build_message(email, sender)
            except ValueError as error:  # e.g. a line break in a header: no server will ever take it
                _record_failure(email, f"could not build the message: {error}", report, permanent=True)
                continue
            try:
                connection.send(message, sender, email.to_address)
            except _ConnectionTrouble as trouble:
                # The server is unreachable for every email left in the batch, not only this one.
                for waiting in emails[index:]:
                    _record_failure(waiting, str(trouble), report)
                break
            except smtplib.SMTPRecipientsRefused as error:
                code, reply = next(iter(error.recipients.values()))
                _record_failure(email, _reply_text(code, reply), report, permanent=code >= 500)
            except smtplib.SMTPDataError as error:
                # 5xx after DATA refuses this message for good; 4xx asks us to try again later.
                reply = _reply_text(error.smtp_code, error.smtp_error)
                _record_failure(email, reply, report, permanent=error.smtp_code >= 500)
            except smtplib.SMTPException as error:
                # Sender refused, SMTPUTF8 unsupported...: a set-up problem someone can fix, so keep retrying.
                _record_failure(email, _describe(error), report)
            else:
                _record_sent(email, report)
    finally:
        connection.close()
    return report


def _due_condition(moment: datetime):
    """Pending emails whose time has come, and claims left behind by a worker that died."""
    return or_(
        and_(OutboxEmail.status == OutboxStatus.PENDING, OutboxEmail.next_attempt_at <= moment),
        and_(OutboxEmail.status == OutboxStatus.SENDING, OutboxEmail.claimed_at <= moment - STALE_CLAIM_AFTER),
    )


def _claim_due(limit: int) -> list[OutboxEmail]:
    """Mark up to `limit` due emails as ours (status sending) and commit, so no other worker takes them."""
    moment = clock.now()
    due = select(OutboxEmail.id).where(_due_condition(moment)).order_by(OutboxEmail.id).limit(limit)
    if db.session.get_bind().dialect.name == "postgresql":
        # Lock the rows we pick and pass over rows another worker has locked; they stay ours until the commit.
        # (Two statements on purpose: inside one UPDATE ... WHERE id IN (SELECT ... FOR UPDATE SKIP LOCKED) the
        # planner may run the subquery again, and the LIMIT then lets through more rows than asked for.)
        candidate_ids = db.session.scalars(due.with_for_update(skip_locked=True)).all()
        where = OutboxEmail.id.in_(candidate_ids)
    else:
        # SQLite has no row locks but runs one writer at a time: a single conditional UPDATE is atomic, and a row
        # another worker has just claimed no longer matches the due condition.
        where = and_(OutboxEmail.id.in_(due.scalar_subquery()), _due_condition(moment))
    claimed_ids = db.session.scalars(
        update(OutboxEmail)
        .where(where)
        .values(status=OutboxStatus.SENDING, claimed_at=moment)
        .returning(OutboxEmail.id)
        .execution_options(synchronize_session=False)
    ).all()
    db.session.commit()
    if not claimed_ids:
        return []
    return list(db.session.scalars(select(OutboxEmail).where(OutboxEmail.id.in_(claimed_ids)).order_by(OutboxEmail.id)))


def build_message(email: OutboxEmail, sender: str) -> EmailMessage:
    """The email as a multipart/alternative message: plain text first, then HTML, with its stable Message-ID."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = email.to_address
    message["Subject"] = email.subject
    message["Date"] = format_datetime(clock.now())
    # The same Message-ID on every attempt lets receivers recognise a resend after a worker crash.
    message["Message-ID"] = email.message_id
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: out-of-office robots should not reply
    # Emails say "reply to this email": a reply reaches the awards team's own address once organisers have set it.
    from awards_app.site_settings.current import site_details
    from awards_app.site_settings.email_logo import CONTENT_ID, html_with_logo

    if contact := site_details().contact_email:
        message["Reply-To"] = contact
    message.set_content(email.text_body)
    # The organisation's logo travels inside the email (email programs block remote images).

    html, logo = html_with_logo(email.html_body)
    message.add_alternative(html, subtype="html")
    if logo is not None:
        message.get_payload()[1].add_related(logo.data, "image", logo.subtype, cid=f"<{CONTENT_ID}>")
    return message


def _forget_what_it_said(email: OutboxEmail) -> None:
    """Remove the body (its live link, its personal details) and the address of an email that has gone for good, or
    the whole row when it was queued to be deleted once sent."""
    if email.to_address:
        # Servers often quote the recipient in their refusal; the reason stays readable without the address.
        email.last_error = re.sub(re.escape(email.to_address), "the recipient", email.last_error, flags=re.IGNORECASE)
    if email.delete_when_sent:
        db.session.delete(email)
        return
    email.to_address = ""
    email.text_body = REMOVED_BODY
    email.html_body = f"<p>{REMOVED_BODY}</p>"


def _record_sent(email: OutboxEmail, report: DeliveryReport) -> None:
    """The server accepted the email: mark it sent, keeping only that record, and commit straight away, so it is
    never sent again."""
    email.status = OutboxStatus.SENT
    email.sent_at = clock.now()
    email.transport = "smtp"
    email.attempts += 1
    email.claimed_at = None
    email_id, message_id = email.id, email.message_id  # the row may be deleted by the commit
    _forget_what_it_said(email)
    db.session.commit()
    report.sent += 1
    log.info("email %s sent (%s)", email_id, message_id)


def _record_failure(email: OutboxEmail, error: str, report: DeliveryReport, permanent: bool = False) -> None:
    """Put the email back to wait with a longer delay, or mark it failed when retrying cannot help: its record is
    kept, what it said is not (whoever needs the link asks for a new one)."""
    email.attempts += 1
    email.last_error = error[:2000]
    email.claimed_at = None
    if permanent or email.attempts >= MAX_ATTEMPTS:
        email.status = OutboxStatus.FAILED
        report.failed += 1
        _forget_what_it_said(email)
        log.warning("email %s failed after %s attempts: %s", email.id, email.attempts, email.last_error)
    else:
        email.status = OutboxStatus.PENDING
        email.next_attempt_at = clock.now() + retry_delay(email.attempts)
        report.retrying += 1
        log.info("email %s will be retried at %s: %s", email.id, email.next_attempt_at, email.last_error)
    db.session.commit()


def _release(emails: list[OutboxEmail]) -> None:
    """Give back emails this worker claimed but had no time to try (not counted as an attempt)."""
    for email in emails:
        email.status = OutboxStatus.PENDING
        email.claimed_at = None
    db.session.commit()
    log.info("%s claimed emails released for the next round", len(emails))


def retry_delay(attempts: int) -> timedelta:
    """How long to wait after `attempts` failed tries: 30 s, doubling each time, at most an hour."""
    return min(FIRST_RETRY_DELAY * 2 ** max(attempts - 1, 0), LONGEST_RETRY_DELAY)


def _reply_text(code: int, reply: bytes | str) -> str:
    """An SMTP reply as one readable line."""
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
    return f"{code} {text}".strip()


def _describe(error: Exception) -> str:
    """An error as one readable line, with the server's reply when there is one."""
    if isinstance(error, smtplib.SMTPResponseException):
        return _reply_text(error.smtp_code, error.smtp_error)
    return f"{type(error).__name__}: {error}"


class _SmtpConnection:
    """One SMTP session for a batch: opened on first use, closed at the end."""

    def __init__(self, config) -> None:
        """Remember the settings; connect only when there is something to send."""
        self.config = config
        self.smtp: smtplib.SMTP | None = None

    def _open(self) -> smtplib.SMTP:
        """Connect, upgrade to TLS when configured, and log in when a username is set."""
        host, port = self.config["MAIL_SERVER"], self.config["MAIL_PORT"]
        smtp = smtplib.SMTP(host, port, timeout=SMTP_TIMEOUT_SECONDS)
        try:
            smtp.ehlo()
            if self.config["MAIL_USE_TLS"]:
                smtp.starttls(context=ssl.create_default_context())
                smtp.ehlo()
            if self.config["MAIL_USERNAME"]:
                smtp.login(self.config["MAIL_USERNAME"], self.config["MAIL_PASSWORD"] or "")
        except BaseException:
            smtp.close()
            raise
        return smtp

    def send(self, message: EmailMessage, sender: str, recipient: str) -> None:
        """Send one message to one recipient; raises _ConnectionTrouble when the server is out of reach."""
        if self.smtp is None:
            try:
                self.smtp = self._open()
            except OSError as error:  # smtplib's errors are OSErrors too: refused, timeout, TLS, login...
                place = f"{self.config['MAIL_SERVER']}:{self.config['MAIL_PORT']}"
                raise _ConnectionTrouble(f"could not connect to {place}: {_describe(error)}") from error
        try:
            self.smtp.send_message(message, from_addr=parseaddr(sender)[1], to_addrs=[recipient])
        except smtplib.SMTPServerDisconnected as error:
            self.close()
            raise _ConnectionTrouble(f"the mail server closed the connection: {error}") from error
        except smtplib.SMTPException:
            raise  # a reply about this message: the caller decides
        except OSError as error:  # a timeout or reset socket mid-message
            self.close()
            raise _ConnectionTrouble(f"the connection to the mail server failed: {_describe(error)}") from error

    def close(self) -> None:
        """Say goodbye politely, or just drop the socket when the server is gone."""
        if self.smtp is None:
            return
        try:
            self.smtp.quit()
        except OSError:
            self.smtp.close()
        self.smtp = None


def run_worker(
    poll_seconds: float,
    echo: Callable[[str], None],
    stop_after: int | None = None,
    before_each_round: Callable[[], None] | None = None,
) -> None:
    """Deliver due email every `poll_seconds` until Ctrl+C or SIGTERM (or `stop_after` rounds, for tests);
    `before_each_round` queues (and commits) what is due to be sent by itself, such as judges' reminders."""
    stop = threading.Event()
    previous_handlers = _install_stop_handlers(stop)
    rounds = 0
    try:
        while not stop.is_set():
            try:
                if before_each_round is not None:
                    before_each_round()
                report = deliver_pending()
            except SQLAlchemyError as error:
                # The database may be restarting: keep the worker alive and try again next round.
                db.session.rollback()
                echo(f"Could not reach the database ({type(error).__name__}); trying again in {poll_seconds:g}s.")
            else:
                if report.total:
                    echo(report.summary())
            rounds += 1
            if stop_after is not None and rounds >= stop_after:
                break
            stop.wait(poll_seconds)
    except KeyboardInterrupt:
        pass  # a second Ctrl+C: stop at once (an interrupted claim is taken over after STALE_CLAIM_AFTER)
    finally:
        for signum, handler in previous_handlers.items():
            signal.signal(signum, handler)
        db.session.remove()
    echo("Stopped delivering email.")


def _install_stop_handlers(stop: threading.Event) -> dict:
    """Make SIGTERM and the first Ctrl+C finish the current batch and stop; returns the handlers to restore."""
    if threading.current_thread() is not threading.main_thread():
        return {}  # signal handlers can only be set in the main thread

    previous = {signum: signal.getsignal(signum) for signum in (signal.SIGINT, signal.SIGTERM)}

    def request_stop(signum, frame):
        """Ask the loop to stop once the current batch is done."""
        stop.set()
        # Stopping between "the server accepted" and "marked sent" would send that email again later, so the
        # first signal waits for the batch; a second Ctrl+C gets Python's usual KeyboardInterrupt.
        signal.signal(signal.SIGINT, signal.default_int_handler)

    for signum in previous:
        signal.signal(signum, request_stop)
    return previous
