"""The development mailbox at /dev/mail, and delivery to it straight after a commit."""
from __future__ import annotations

import logging
from datetime import timedelta

import pytest

from awards_app import create_app
from awards_app.config import load_config
from awards_app.core import uow
from awards_app.core.mail_delivery import deliver_pending
from awards_app.core.models import OutboxEmail, OutboxStatus
from awards_app.core.outbox import queue_email
from awards_app.extensions import db

pytestmark = pytest.mark.usefixtures("mail_templates")

HTML_PART_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'; sandbox"


@pytest.fixture
def devmail(app, monkeypatch):
    """Deliver email as development does: to the mailbox, straight after each commit."""
    monkeypatch.setitem(app.config, "MAIL_BACKEND", "devmail")


def queue(to: str = "voter@example.org", subject: str = "Confirm your vote", name: str = "Ada"):
    """Queue the test-only email in the current transaction."""
    return db.session.get(OutboxEmail, queue_email(to, subject, "test_message", name=name))


def test_commit_through_the_unit_of_work_delivers_to_the_mailbox_at_once(
    devmail, db_session, clock, caplog, monkeypatch
):
    logger = logging.getLogger("awards_app.core.mail_delivery")
    # migrations/env.py runs logging.config.fileConfig, which disables loggers that already exist (this one, since
    # the test modules import it first); switch it back on for this test.
    monkeypatch.setattr(logger, "disabled", False)
    caplog.set_level(logging.INFO, logger=logger.name)
    email = queue()

    uow.commit()

    assert email.status is OutboxStatus.SENT
    assert email.transport == "devmail"
    assert email.sent_at == clock.now()
    [record] = [r for r in caplog.records if r.name == "awards_app.core.mail_delivery"]
    logged = record.getMessage()
    assert "To: voter@example.org" in logged
    assert "Subject: Confirm your vote" in logged
    assert "Hello Ada," in logged and "This is a test message." in logged


def test_with_smtp_a_commit_leaves_the_email_to_the_worker(db_session, outbox):
    queue()

    uow.commit()

    [email] = outbox()
    assert email.status is OutboxStatus.PENDING
    assert email.transport == ""


def test_send_mail_in_development_delivers_what_is_left_to_the_mailbox(devmail, db_session):
    email = queue()
    db_session.commit()  # committed without the unit of work, so nothing was handed over yet

    report = deliver_pending()

    assert report.sent == 1
    assert email.status is OutboxStatus.SENT and email.transport == "devmail"


def test_inbox_lists_email_newest_first(devmail, client, db_session, clock):
    queue(to="first@example.org", subject="First subject")
    uow.commit()
    clock.advance(minutes=5)
    queue(to="second@example.org", subject="Second subject")
    uow.commit()

    page = client.get("/dev/mail/")

    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert body.index("second@example.org") < body.index("Second subject") < body.index("first@example.org")
    assert "12:05pm on Sunday 1 March 2026" in body
    assert ">sent<" in body


def test_empty_inbox_says_so(client):
    assert "No email yet." in client.get("/dev/mail/").get_data(as_text=True)


def test_email_page_shows_headers_and_the_plain_text_body(devmail, app, client, db_session):
    email = queue(name="Ada <Lovelace>")
    uow.commit()

    page = client.get(f"/dev/mail/{email.id}")

    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert "<h1 class=\"page-heading\">Confirm your vote</h1>" in body
    assert "voter@example.org" in body
    assert email.message_id.replace("<", "&lt;").replace(">", "&gt;") in body
    assert "Self Management Awards &lt;awards@example.org&gt;" in body  # the From header
    assert "Hello Ada &lt;Lovelace&gt;," in body  # the text body, escaped on the page
    assert '<a href="http://awards.test/vote" rel="noopener noreferrer">http://awards.test/vote</a>' in body
    assert f'href="/dev/mail/{email.id}/html"' in body


def test_html_part_is_served_under_a_policy_that_blocks_scripts(devmail, client, db_session):
    email = queue()
    uow.commit()

    response = client.get(f"/dev/mail/{email.id}/html")

    assert response.status_code == 200
    assert response.mimetype == "text/html"
    assert response.get_data(as_text=True) == email.html_body
    assert response.headers["Content-Security-Policy"] == HTML_PART_POLICY
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_email_that_went_over_smtp_shows_only_the_record_that_it_was_sent(client, db_session, smtp_sink):
    # The development mailbox keeps its own emails whole; one sent over SMTP keeps no link, as in production.
    email = queue(name="Ada")
    db_session.commit()
    assert deliver_pending().sent == 1

    inbox, page = client.get("/dev/mail/"), client.get(f"/dev/mail/{email.id}")

    assert "Removed once sent" in inbox.get_data(as_text=True)
    body = page.get_data(as_text=True)
    assert page.status_code == 200 and "Removed once sent" in body and "was removed once it was sent" in body
    assert "voter@example.org" not in body and "Hello Ada" not in body


@pytest.mark.parametrize("path", ["/dev/mail/999999", "/dev/mail/999999/html", "/dev/mail/not-a-number"])
def test_unknown_email_is_not_found(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)


def test_failed_email_shows_its_last_error(client, db_session, clock):
    email = queue()
    db_session.flush()
    email.status = OutboxStatus.FAILED
    email.attempts = 12
    email.last_error = "550 5.1.1 No such mailbox"
    email.next_attempt_at = clock.now() + timedelta(hours=1)
    db_session.commit()

    body = client.get(f"/dev/mail/{email.id}").get_data(as_text=True)

    assert "550 5.1.1 No such mailbox" in body and ">failed<" in body


def test_production_has_no_mailbox(app, tmp_path):
    settings = load_config(
        tmp_path,
        env={
            "AWARDS_ENV": "production",
            "SECRET_KEY": "production-secret-for-this-test",
            "DATABASE_URL": "postgresql://awards@db.invalid/awards",
            "REDIS_URL": "redis://cache.invalid:6379/0",
            "MAIL_SERVER": "smtp.example.org",
            "MAIL_PORT": "587",
            "MAIL_DEFAULT_SENDER": "awards@example.org",
            "PUBLIC_BASE_URL": "https://awards.example.org",
        },
    )
    assert settings["DEV_MAILBOX"] is False and settings["MAIL_BACKEND"] == "smtp"
    # The rate limiter is one object shared by every app in this process; keep it on the tests' storage.
    settings["RATELIMIT_STORAGE_URI"] = app.config["RATELIMIT_STORAGE_URI"]

    production_app = create_app(settings)

    rules = [rule.rule for rule in production_app.url_map.iter_rules()]
    assert not [rule for rule in rules if rule.startswith("/dev/mail")]
    assert "devmail" not in production_app.blueprints
    assert "/dev/mail/" in [rule.rule for rule in app.url_map.iter_rules()]  # the development app has it
