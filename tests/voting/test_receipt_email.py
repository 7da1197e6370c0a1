"""The email carrying a counted vote's receipt code: queued once with the vote, the code and the receipt checker's
address in it, never the finalist's name, never withheld by the mail budget, and not sent when nothing was counted."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from awards_app.core.errors import DomainError
from awards_app.core.links import LinkProblem
from awards_app.core.mail_budget import DEFAULT_PER_HOUR, MailBudget, spend
from awards_app.core.mail_delivery import deliver_pending
from awards_app.core.models import OutboxEmail
from awards_app.extensions import db
from awards_app.voting.models import Vote
from awards_app.voting.voter_keys import voter_key
from awards_app.voting.votes import VotingNotOpen, confirm_vote, request_vote
from awards_app.web.template_helpers import format_date
from tests.factories.voting import voting_site

VOTER = "jo.bloggs@example.org"
LINK = re.compile(r"http://awards\.test/vote/confirm/(\S+)")


@pytest.fixture
def site(db_session, clock):
    """An edition whose shortlist is public, with one contest open now and three finalists."""
    return voting_site()


def ask(site, email=VOTER, finalist=None) -> str:
    """Ask to vote for the first finalist (or the one given); answers the emailed link's token."""
    request_vote(site.contest, (finalist or site.finalists[0]).id, email, "198.51.100.23")
    return token_of_newest_link()


def token_of_newest_link() -> str:
    """The token of the newest vote link in the outbox."""
    links = [email for email in db.session.scalars(select(OutboxEmail).order_by(OutboxEmail.id))
             if "/vote/confirm/" in email.text_body]
    return LINK.search(links[-1].text_body).group(1)


def receipts(outbox):
    """The receipt emails in the outbox, oldest first."""
    return [email for email in outbox() if email.subject == "Your vote has been counted: your receipt code"]


def test_a_counted_vote_queues_one_receipt_with_its_code_and_the_checker(site, outbox, db_session):
    vote, already = confirm_vote(ask(site))
    assert not already
    [receipt] = receipts(outbox)
    assert receipt.to_address == VOTER
    assert receipt.status.value == "pending", "sent by the outbox worker after the commit, like every email"
    checker = f"http://awards.test/tally/{site.contest.id}#check"
    for body in (receipt.text_body, receipt.html_body):
        assert vote.receipt_code in body
        assert checker in body
        assert site.category.name in body
        # When it can be checked: after the ceremony, whose date it gives.
        assert format_date(site.edition.ceremony_at, site.edition.timezone) in body
    assert len(outbox()) == 2, "the link to confirm, and the receipt"


def test_once_the_receipt_has_gone_no_row_pairs_the_address_with_the_vote(site, outbox, db_session, smtp_sink):
    vote, _ = confirm_vote(ask(site, finalist=site.finalists[1]))
    [receipt] = receipts(outbox)
    assert receipt.delete_when_sent, "the only row holding the address with the code goes once it is sent"
    db_session.commit()

    deliver_pending()

    [sent] = [message for message in smtp_sink.messages if message["To"] == VOTER and vote.receipt_code in str(message)]
    assert "our copy of this email, the only place where your address and your receipt code were together, was " \
           "deleted as soon as it was sent" in " ".join(sent.get_body(("plain",)).get_content().split())
    votes = db_session.scalars(select(Vote)).all()
    pairs = [(email.to_address, vote.finalist_id) for email in db_session.scalars(select(OutboxEmail))
             for vote in votes if vote.receipt_code in email.text_body + email.html_body]
    assert pairs == []
    assert receipts(outbox) == []
    # The vote confirmation link's email keeps its record, without the address, like every other email.
    assert [email.to_address for email in outbox()] == [""]


def test_the_receipt_is_queued_in_the_same_transaction_as_the_vote(site, outbox, db_session):
    token = ask(site)
    db_session.commit()
    confirm_vote(token)
    assert len(receipts(outbox)) == 1
    db_session.rollback()  # the confirmation fails after casting: neither the vote nor its receipt stays
    assert db_session.scalar(select(Vote)) is None and receipts(outbox) == []


@pytest.mark.parametrize("changed_choice", [False, True])
def test_the_receipt_never_names_a_finalist(site, outbox, changed_choice):
    token = ask(site)
    confirm_vote(token, site.finalists[1].id if changed_choice else None)
    [receipt] = receipts(outbox)
    stored = " ".join((receipt.subject, receipt.text_body, receipt.html_body)).casefold()
    for finalist in site.finalists:
        assert finalist.display_name.casefold() not in stored
        assert finalist.nomination.nominee_name.casefold() not in stored


def test_the_receipt_is_never_withheld_when_the_inbox_budget_is_spent(site, outbox, db_session):
    token = ask(site)  # the link is counted too
    while spend(VOTER, "resume_link"):  # a stranger spends the rest of the inbox's budget on other emails
        pass
    assert db_session.scalar(select(MailBudget.hour_count)) == DEFAULT_PER_HOUR
    vote, _already = confirm_vote(token)
    [receipt] = receipts(outbox)
    assert vote.receipt_code in receipt.text_body
    assert db_session.scalar(select(MailBudget.hour_count)) == DEFAULT_PER_HOUR + 1, "counted all the same"


def test_the_receipt_counts_towards_the_inbox_budget(site, outbox, db_session):
    confirm_vote(ask(site))
    assert db_session.scalar(select(MailBudget.hour_count)) == 2, "the link and the receipt"


def test_pressing_confirm_again_sends_no_second_receipt(site, outbox):
    token = ask(site)
    confirm_vote(token)
    vote, already = confirm_vote(token)
    assert already and vote is None
    assert len(receipts(outbox)) == 1


def test_confirming_a_second_request_of_the_same_voter_sends_no_second_receipt(site, outbox):
    first = ask(site)
    second = ask(site, finalist=site.finalists[2])
    confirm_vote(first)
    _vote, already = confirm_vote(second)
    assert already and len(receipts(outbox)) == 1


def test_a_duplicate_refused_by_the_database_sends_no_receipt(site, outbox, db_session, organiser):
    token = ask(site)
    # The same person's vote arrived another way meanwhile (an assisted vote, or a racing request).
    db_session.add(Vote(contest=site.contest, finalist=site.finalists[2], voter_key=voter_key(VOTER),
                        receipt_code="AAAA-BBBB-CCCC", entered_by_id=organiser.id))
    db_session.flush()
    _vote, already = confirm_vote(token)
    assert already and receipts(outbox) == []


def test_a_choice_refused_sends_no_receipt_until_the_vote_is_counted(site, outbox):
    token = ask(site)
    with pytest.raises(DomainError):
        confirm_vote(token, finalist_id=999999)  # not on the ballot
    assert receipts(outbox) == []
    confirm_vote(token, finalist_id=site.finalists[1].id)
    assert len(receipts(outbox)) == 1


def test_a_confirmation_after_the_close_sends_no_receipt(site, outbox, clock):
    token = ask(site)
    site.contest.closes_at = clock.now() + timedelta(minutes=30)  # closes while the link still works
    clock.advance(hours=1)
    with pytest.raises(VotingNotOpen):
        confirm_vote(token)
    assert receipts(outbox) == []


def test_an_expired_link_sends_no_receipt(site, outbox, clock):
    token = ask(site)
    clock.advance(hours=25)
    with pytest.raises(LinkProblem):
        confirm_vote(token)
    assert receipts(outbox) == []
