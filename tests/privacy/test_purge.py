"""Retention: each promise of the privacy page kept by `flask purge` when it is due, and not before.

Drafts and vote requests have their own detailed tests (test_drafts.py, test_voting.py); here every rule runs
through the command, at a moment just before it is due and just after.
"""
from __future__ import annotations

import secrets
from datetime import timedelta

from sqlalchemy import select

from awards_app.core.mail_budget import MailBudget
from awards_app.core.models import OutboxEmail, OutboxStatus
from awards_app.nominations.models import Nomination, NominationDraft
from awards_app.privacy import personal_data
from awards_app.voting.models import Vote, VoteRequest
from awards_app.voting.votes import confirm_vote, replace_vote_link, request_vote
from tests.factories.nominations import make_nomination
from tests.factories.voting import voting_site


def email_row(status: OutboxStatus, created_at, sent_at=None) -> OutboxEmail:
    """An outbox row in the given state."""
    return OutboxEmail(message_id=f"<{secrets.token_hex(8)}@awards.test>", to_address="someone@example.org",
                       subject="Hello", text_body="t", html_body="h", status=status, created_at=created_at,
                       next_attempt_at=created_at, sent_at=sent_at)


def test_contact_details_are_removed_thirty_days_after_the_ceremony_not_before(db_session, clock):
    site = voting_site()
    nomination = make_nomination(site.category, "Morag Fraser", nominator_phone="0131 496 0000")
    db_session.commit()
    clock.set(site.edition.ceremony_at + timedelta(days=30) - timedelta(minutes=1))
    assert personal_data.purge_nomination_contacts() == 0
    assert nomination.nominator_email == "iain@example.org"

    clock.advance(minutes=1)
    changed = personal_data.purge_nomination_contacts()
    assert changed == len(site.finalists) + 1
    db_session.refresh(nomination)
    assert nomination.nominator_name == "Removed after the ceremony"
    assert (nomination.nominator_email, nomination.nominator_phone, nomination.nominator_relationship) == ("", "", "")
    assert nomination.nominee_email is None
    assert nomination.nominee_name == "Morag Fraser"  # the year's records keep the nominee's name
    assert personal_data.purge_nomination_contacts() == 0  # nothing twice


def test_the_contact_retention_period_is_a_setting(db_session, clock, app, monkeypatch):
    site = voting_site()
    db_session.commit()
    monkeypatch.setitem(app.config, "NOMINATION_CONTACT_RETENTION_DAYS", 2)
    clock.set(site.edition.ceremony_at + timedelta(days=2))
    assert personal_data.purge_nomination_contacts() == len(site.finalists)


def test_sent_and_failed_emails_leave_the_outbox_after_seven_days_and_waiting_ones_stay(db_session, clock):
    now = clock.now()
    old, recent = now - timedelta(days=7), now - timedelta(days=7) + timedelta(minutes=1)
    rows = {
        "sent long ago": email_row(OutboxStatus.SENT, old, sent_at=old),
        "sent recently": email_row(OutboxStatus.SENT, old, sent_at=recent),
        "failed long ago": email_row(OutboxStatus.FAILED, old),
        "failed recently": email_row(OutboxStatus.FAILED, recent),
        "still waiting": email_row(OutboxStatus.PENDING, now - timedelta(days=30)),
        "being sent": email_row(OutboxStatus.SENDING, now - timedelta(days=30)),
    }
    db_session.add_all(rows.values())
    db_session.commit()
    ids = {name: row.id for name, row in rows.items()}
    assert personal_data.purge_outbox() == 2
    left = {email.id for email in db_session.scalars(select(OutboxEmail))}
    assert {name for name, row_id in ids.items() if row_id in left} == {
        "sent recently", "failed recently", "still waiting", "being sent"}


def test_the_purge_command_applies_every_rule_when_due(runner, db_session, clock, outbox):
    site = voting_site()
    edition = site.edition
    # A draft, a vote request whose link will run out, and a vote with its client network.
    draft = NominationDraft(edition=edition, public_id=secrets.token_urlsafe(16), data={}, started_at=clock.now())
    db_session.add(draft)
    waiting = request_vote(site.contest, site.finalists[0].id, "waiting@example.org", "198.51.100.7")
    confirmed = request_vote(site.contest, site.finalists[1].id, "voter@example.org", "198.51.100.8")
    db_session.flush()
    vote, _already = confirm_vote(replace_vote_link(confirmed))
    db_session.commit()
    draft_id, waiting_id, vote_id = draft.id, waiting.id, vote.id

    # Nothing is due yet (the edition's nominations closed long ago, so only its draft goes).
    result = runner.invoke(args=["purge"])
    assert result.exit_code == 0, result.output
    assert "removed 1 unfinished nomination draft" in result.output
    assert "erased 0 email address(es)" in result.output
    assert "contact details of 0 nomination(s)" in result.output
    assert "deleted 0 email(s)" in result.output
    assert "Email budgets: deleted 0 inbox count(s)" in result.output
    assert db_session.get(NominationDraft, draft_id) is None
    assert db_session.get(VoteRequest, waiting_id).email == "waiting@example.org"

    # A day later the link has run out. (Its email, marked sent now, is deleted seven days after sending.)
    for email in outbox():
        email.status, email.sent_at = OutboxStatus.SENT, clock.now()
    db_session.commit()
    clock.advance(hours=25)
    result = runner.invoke(args=["purge"])
    assert "erased 1 email address(es) of expired vote requests and 0 stored client network(s)" in result.output
    db_session.expire_all()
    assert db_session.get(VoteRequest, waiting_id).email is None
    assert db_session.get(Vote, vote_id).client_network == "198.51.100.0/24"

    # After the ceremony and its thirty days: client networks (30 days after the close), contacts, old emails.
    clock.set(edition.ceremony_at + timedelta(days=30))
    result = runner.invoke(args=["purge"])
    assert result.exit_code == 0, result.output
    assert "and 3 stored client network(s)" in result.output
    assert f"contact details of {len(site.finalists)} nomination(s)" in result.output
    assert "deleted 3 email(s)" in result.output  # the two vote links and the counted vote's receipt
    assert "Email budgets: deleted 2 inbox count(s)" in result.output  # the two voters' inboxes
    db_session.expire_all()
    assert db_session.get(Vote, vote_id).client_network == ""
    assert all(row.nominator_email == "" for row in db_session.scalars(select(Nomination)))
    assert outbox() == []
    assert db_session.scalars(select(MailBudget)).all() == []
