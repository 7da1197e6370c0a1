"""Someone who can read the database (a replica, a backup) finds no live emailed link in it, nor a voter's address.

Issue #14, finding 4: the outbox kept each sent email's body, link and all, for seven days; a judge's sign-in link
taken from it signed a stranger in as the judge, and vote emails kept the voter's address and choice. Every flow that
emails a link runs here for real: the email goes through the send-mail worker's delivery to an SMTP sink (aiosmtpd),
the tokens are read from what the sink received, then every column of every table is read back and searched for them
(the token, its signed payload and the secret nonce inside it), and the link must still work for the person who got it.
"""
from __future__ import annotations

import json
import re
import secrets
from datetime import timedelta
from pathlib import Path

import pytest
from flask import template_rendered
from itsdangerous.encoding import base64_decode
from sqlalchemy import MetaData, select

from awards_app.accounts.invitations import request_sign_in_link
from awards_app.accounts.password_reset import request_password_reset
from awards_app.accounts.team import invite_organiser
from awards_app.core.mail_delivery import deliver_pending
from awards_app.core.models import OutboxEmail, OutboxStatus
from awards_app.extensions import db
from awards_app.judging.panels import invite_judge
from awards_app.nominations.consent import request_consent
from awards_app.nominations.drafts import email_resume_link
from awards_app.nominations.models import NominationDraft
from awards_app.voting.votes import confirm_vote, request_vote
from tests.factories.accounts import make_judge
from tests.factories.judging import seat
from tests.factories.nominations import make_nomination
from tests.factories.programme import make_category, make_edition
from tests.factories.voting import voting_site

EMAIL_TEMPLATES = Path(__file__).resolve().parents[2] / "templates" / "emails"
# A link of the app in an email, as the text part writes it or an HTML href holds it.
APP_LINK = re.compile(r"http://awards\.test(/[^\s\"<>]*)")
# An itsdangerous token: signed payload, timestamp, signature.
TOKEN = re.compile(r"[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{4,}\.[A-Za-z0-9_\-]{16,}")
VOTER = "jo.bloggs@example.org"
# Email templates whose link carries no token (it leads to a page behind a password), and why.
NO_TOKEN_IN_LINK = {"judge_reminder": "its link is the judges' area, which needs the judge to sign in"}


def _judge_on_a_panel(now):
    """A judge on a panel of an edition in its judging phase."""
    edition = make_edition(start=now - timedelta(weeks=7))
    judge = make_judge("judge.jo@example.org", "Jo Judge")
    seat(judge, make_category(edition))
    return judge


def invite_a_judge(organiser, now):
    """An organiser invites a judge: a link to set their password."""
    invite_judge(organiser, _judge_on_a_panel(now))


def invite_an_organiser(organiser, now):
    """An organiser invites a colleague to the team: a link to set their password."""
    invite_organiser(organiser, "sam.colleague@example.org", "Sam Colleague")


def send_a_judge_a_sign_in_link(organiser, now):
    """A judge asks for a one-time sign-in link."""
    request_sign_in_link(_judge_on_a_panel(now).email)


def send_a_password_reset_link(organiser, now):
    """An organiser or judge has forgotten their password: a link to choose a new one."""
    request_password_reset(_judge_on_a_panel(now).email)


def send_a_nominator_a_resume_link(organiser, now):
    """A nominator saves a draft while nominations are open: a link to carry on."""
    edition = make_edition(start=now - timedelta(weeks=1))
    draft = NominationDraft(edition=edition, public_id=secrets.token_urlsafe(16), data={}, started_at=now)
    db.session.add(draft)
    db.session.flush()
    email_resume_link(draft, "nina.nominator@example.org")


def ask_a_nominee_for_consent(organiser, now):
    """A nominee is asked whether they agree to be nominated: a link to answer."""
    edition = make_edition(start=now - timedelta(weeks=1))
    request_consent(None, make_nomination(make_category(edition), nominee_email="morag@example.org"))


def ask_a_voter_to_confirm(organiser, now):
    """A voter asks to vote in an open contest: a link to confirm."""
    site = voting_site()
    request_vote(site.contest, site.finalists[0].id, VOTER, "192.0.2.10")


# Each flow that emails a link, by the template of its email.
FLOWS = {
    "judge_invitation": invite_a_judge,
    "judge_sign_in_link": send_a_judge_a_sign_in_link,
    "organiser_invitation": invite_an_organiser,
    "password_reset": send_a_password_reset_link,
    "resume_link": send_a_nominator_a_resume_link,
    "nominee_consent": ask_a_nominee_for_consent,
    "vote_confirm": ask_a_voter_to_confirm,
}


def secrets_of(token: str) -> list[str]:
    """What of a token must not be readable at rest: the token, its signed payload, and the nonce in that payload."""
    payload = token.split(".")[0]
    return [token, payload, json.loads(base64_decode(payload))]


def everything_stored() -> list[tuple[str, str]]:
    """Every value of every column of every table in the schema, as (table.column, text)."""
    schema = MetaData()
    schema.reflect(bind=db.session.connection())
    assert "outbox_email" in schema.tables and "single_use_link" in schema.tables
    stored = []
    for table in schema.sorted_tables:
        for row in db.session.execute(select(table)).mappings():
            for column, value in row.items():
                if value is None:
                    continue
                text = value.decode("latin-1") if isinstance(value, bytes) else str(value)
                stored.append((f"{table.name}.{column}", text))
    return stored


def places_holding(*needles: str) -> list[str]:
    """The table.column places whose stored text holds any of the needles (compared without regard to case)."""
    wanted = [needle.lower() for needle in needles]
    return sorted({place for place, text in everything_stored() if any(needle in text.lower() for needle in wanted)})


def tokens_received(sink) -> set[str]:
    """The tokens in the app's links of every email the sink received, text and HTML parts alike."""
    tokens = set()
    for received in sink.received:
        for part in ("text/plain", "text/html"):
            for path in APP_LINK.findall(received.part(part)):
                tokens.update(TOKEN.findall(path))
    return tokens


@pytest.fixture
def rendered_emails(app):
    """The names of the email templates rendered during the test (emails/vote_confirm.txt -> vote_confirm)."""
    names = set()

    def record(sender, template, context, **extra):
        if template.name and template.name.startswith("emails/"):
            names.add(Path(template.name).stem)

    template_rendered.connect(record, app)
    yield names
    template_rendered.disconnect(record, app)


def run_flow(template, organiser, db_session, clock, smtp_sink, rendered_emails) -> tuple[str, str]:
    """Run the flow that emails `template`, commit, deliver over SMTP; answer the token received and its path."""
    FLOWS[template](organiser, clock.now())
    db_session.commit()
    assert template in rendered_emails, f"the flow for {template} sent no such email"

    report = deliver_pending()

    assert (report.sent, report.failed) == (1, 0)
    [token] = tokens_received(smtp_sink)
    [path] = {path for received in smtp_sink.received for path in APP_LINK.findall(received.part("text/plain"))
              if token in path}
    return token, path


@pytest.mark.parametrize("template", sorted(FLOWS))
def test_no_emailed_link_can_be_read_from_any_table_once_sent_and_it_still_works(
    template, organiser, db_session, clock, smtp_sink, rendered_emails, client
):
    token, path = run_flow(template, organiser, db_session, clock, smtp_sink, rendered_emails)

    assert places_holding(*secrets_of(token)) == []
    [email] = db_session.scalars(select(OutboxEmail).where(OutboxEmail.status == OutboxStatus.SENT)).all()
    assert email.sent_at == clock.now()  # the record that it went stays, for the retention period
    # The person who got the email can still use the link.
    assert client.get(path).status_code < 400


def test_every_email_that_carries_a_link_is_exercised_here():
    """A new kind of emailed link must join FLOWS (or say in NO_TOKEN_IN_LINK why its link holds no token)."""
    with_links = {
        source.stem for source in EMAIL_TEMPLATES.glob("*.txt")
        if not source.name.startswith("_") and re.search(r"\{\{[^}]*\blink\b[^}]*\}\}", source.read_text())
    }
    assert with_links - set(NO_TOKEN_IN_LINK) == set(FLOWS)


def test_a_vote_email_keeps_neither_the_address_nor_the_choice_once_sent(
    organiser, db_session, clock, smtp_sink, rendered_emails
):
    token, _path = run_flow("vote_confirm", organiser, db_session, clock, smtp_sink, rendered_emails)
    [received] = smtp_sink.received
    assert received.rcpt_tos == [VOTER] and "Harbour Arts" in received.part("text/plain")

    [email] = db_session.scalars(select(OutboxEmail)).all()
    stored = " ".join((email.to_address, email.subject, email.text_body, email.html_body, email.last_error))
    assert VOTER not in stored.lower()
    assert "Harbour Arts" not in stored

    # The privacy page: the address is deleted from the request at once when the vote is confirmed; only the email
    # carrying the receipt code holds it, until that email is sent.
    vote, _already = confirm_vote(token)
    db_session.commit()
    assert vote is not None and places_holding(VOTER) == ["outbox_email.to_address"]
    assert deliver_pending().sent == 1
    assert places_holding(VOTER) == []
    receipt = db_session.scalars(select(OutboxEmail).order_by(OutboxEmail.id.desc())).first()
    assert vote.receipt_code not in " ".join((receipt.text_body, receipt.html_body))


@pytest.mark.parametrize("reply", ["550 5.1.1 <judge.jo@example.org>: no such mailbox", "554 5.7.1 Refused"])
def test_an_email_given_up_on_keeps_no_live_link_nor_address(
    reply, organiser, db_session, clock, refusing_smtp_sink, rendered_emails
):
    refusing_smtp_sink(reply)
    send_a_judge_a_sign_in_link(organiser, clock.now())
    db_session.commit()
    [email] = db_session.scalars(select(OutboxEmail)).all()
    [token] = {found for path in APP_LINK.findall(email.text_body) for found in TOKEN.findall(path)}

    assert deliver_pending().failed == 1

    assert email.status is OutboxStatus.FAILED
    assert places_holding(*secrets_of(token)) == []
    assert "judge.jo@example.org" not in " ".join((email.to_address, email.text_body, email.html_body,
                                                   email.last_error))
    assert email.last_error.split()[0] == reply.split()[0]  # why it failed stays readable


def test_an_email_waiting_for_a_retry_keeps_its_link_until_it_goes(
    organiser, db_session, clock, refusing_smtp_sink, rendered_emails, client
):
    sink = refusing_smtp_sink("450 4.2.1 Mailbox busy, try again later")
    ask_a_voter_to_confirm(organiser, clock.now())
    db_session.commit()

    assert deliver_pending().retrying == 1
    [email] = db_session.scalars(select(OutboxEmail)).all()
    assert email.status is OutboxStatus.PENDING
    # Still needed to send it later; and the search below does find a token where one is kept.
    [waiting] = {found for path in APP_LINK.findall(email.text_body) for found in TOKEN.findall(path)}
    assert places_holding(*secrets_of(waiting)) == ["outbox_email.html_body", "outbox_email.text_body"]

    sink.refuse_with = None
    clock.advance(seconds=30)
    assert deliver_pending().sent == 1
    assert tokens_received(sink) == {waiting}
    assert places_holding(*secrets_of(waiting)) == []
    assert client.get(f"/vote/confirm/{waiting}").status_code == 200
