"""One person's data: finding everything held about an address, exporting it, and each rule of erasing it."""
from __future__ import annotations

import json
import secrets
from dataclasses import dataclass

import pytest
from sqlalchemy import func, select

from awards_app.accounts.models import SignInSession, User
from awards_app.accounts.users import start_session
from awards_app.core.errors import DomainError
from awards_app.core.links import LinkProblem
from awards_app.core.models import AuditEvent, OutboxEmail, OutboxStatus
from awards_app.nominations.models import Nomination, NominationDraft
from awards_app.privacy import personal_data
from awards_app.voting.models import Vote, VoteRequest
from awards_app.voting.voter_keys import voter_key
from awards_app.voting.votes import confirm_vote, confirmation_for, has_voted, replace_vote_link, request_vote
from tests.factories.accounts import make_judge
from tests.factories.nominations import make_nomination
from tests.factories.voting import public_vote, voting_site

ADDRESS = "sam.person@gmail.com"


@dataclass
class Person:
    """Everything the fixture made about one person, and things about others that must stay untouched."""

    site: object
    made: Nomination
    of: Nomination
    draft: NominationDraft
    vote: Vote
    pending: VoteRequest
    pending_token: str
    judge: User
    other_contest: object
    bystander: Nomination


@pytest.fixture
def person(db_session, clock, organiser) -> Person:
    """Sam: a nominator, a nominee, a draft, a vote, a pending vote elsewhere, a judge account and emails."""
    site = voting_site()
    category = site.category
    made = make_nomination(category, "Morag Fraser", nominator_name="Sam Person", nominator_email="Sam.Person@gmail.com",
                           nominator_phone="0131 496 0000", nominator_relationship="Neighbour")
    of = make_nomination(category, "Sam Person", nominee_email=ADDRESS, nominee_organisation="Sam's Group",
                         public_summary="Sam runs a group.")
    bystander = make_nomination(category, "Someone Else")
    draft = NominationDraft(edition=site.edition, public_id=secrets.token_urlsafe(16), started_at=clock.now(),
                            data={"nominator": {"name": "Sam Person", "email": "SAM.PERSON@gmail.com"}})
    db_session.add(draft)
    # A vote made with another spelling of the same inbox, and a request still waiting in a second award.
    confirmed = request_vote(site.contest, site.finalists[0].id, "Sam.Person+awards@googlemail.com", "198.51.100.7")
    db_session.flush()
    vote, _already = confirm_vote(replace_vote_link(confirmed))
    other = public_vote(site.edition, name="Carer of the Year", display_order=2)
    other_contest, finalists = other.contest, other.finalists
    pending = request_vote(other_contest, finalists[0].id, "sam.person+awards@gmail.com", "198.51.100.7")
    db_session.flush()
    pending_token = replace_vote_link(pending)
    judge = make_judge(email=ADDRESS, name="Sam Person", affiliations="Sam's Group")
    start_session(judge)
    db_session.commit()
    return Person(site, made, of, draft, vote, pending, pending_token, judge, other_contest, bystander)


def test_finding_gathers_everything_held_about_every_spelling_of_the_address(person):
    found = personal_data.find_personal_data("  SAM.Person@gmail.com ")
    assert found.address == ADDRESS
    assert found.nominations_made == [person.made]
    assert found.nominations_of == [person.of]
    assert found.drafts == [person.draft]
    assert sorted(row.id for row in found.vote_requests) == sorted(
        [person.pending.id, *[r.id for r in found.vote_requests if r.confirmed_at]])
    assert len(found.vote_requests) == 2
    assert found.votes == [person.vote]
    assert found.accounts == [person.judge]
    # The vote emails went to the spellings typed, which stand for the same inbox.
    assert [email.to_address for email in found.emails] == [  # the vote's link and its receipt, then the other link
        "Sam.Person+awards@googlemail.com", "Sam.Person+awards@googlemail.com", "sam.person+awards@gmail.com"]
    assert found.votes_in_open_contests() == [person.vote]
    assert personal_data.find_personal_data("nobody@example.org").is_empty


@pytest.mark.parametrize("typed", ["", "   ", "not-an-address", "a b@example.org", "x" * 250 + "@example.org"])
def test_a_search_needs_an_email_address(db_session, typed):
    with pytest.raises(DomainError) as refusal:
        personal_data.find_personal_data(typed)
    assert refusal.value.field == "email"


def test_the_export_holds_everything_as_json(person):
    exported = personal_data.export_personal_data(personal_data.find_personal_data(ADDRESS))
    text = json.dumps(exported)
    assert exported["nominations_made"][0]["nominator_phone"] == "0131 496 0000"
    assert exported["nominations_of_them"][0]["nominee_organisation"] == "Sam's Group"
    assert exported["nominations_of_them"][0]["answers"][0]["text"] == "She made a real difference."
    assert exported["drafts"][0]["data"]["nominator"]["name"] == "Sam Person"
    assert exported["votes"][0]["receipt_code"] == person.vote.receipt_code
    assert exported["votes"][0]["client_network"] == "198.51.100.0/24"
    assert {row["email"] for row in exported["vote_requests"]} == {None, "sam.person+awards@gmail.com"}
    assert exported["accounts"][0]["role"] == "judge"
    assert [row["subject"][:17] for row in exported["emails"]] == [
        "Confirm your vote", "Your vote has bee", "Confirm your vote"]
    assert "Someone Else" not in text


def erase(db_session, organiser, address=ADDRESS, reason="Asked by email on 3 March 2026"):
    counts = personal_data.erase_personal_data(organiser, address, reason)
    db_session.commit()
    return counts


def test_erasing_replaces_the_nominators_details_and_keeps_the_nomination(person, db_session, organiser):
    erase(db_session, organiser)
    made = db_session.get(Nomination, person.made.id)
    assert made.nominator_name == "Erased on request"
    assert (made.nominator_email, made.nominator_phone, made.nominator_relationship) == ("", "", "")
    assert made.nominee_name == "Morag Fraser"  # about someone else: kept


def test_erasing_removes_the_nominee_from_a_nomination_of_them(person, db_session, organiser):
    erase(db_session, organiser)
    of = db_session.get(Nomination, person.of.id)
    assert of.nominee_name == "Erased on request" and of.nominee_email is None
    assert of.nominee_organisation == "" and of.public_summary == ""
    assert {answer.text for answer in of.answers} == {"Erased on request"}
    bystander = db_session.get(Nomination, person.bystander.id)
    assert bystander.nominee_name == "Someone Else" and bystander.nominator_email == "iain@example.org"


def test_erasing_deletes_drafts(person, db_session, organiser):
    draft_id = person.draft.id
    erase(db_session, organiser)
    assert db_session.get(NominationDraft, draft_id) is None


def test_erasing_cancels_pending_vote_requests_and_blanks_their_addresses(person, db_session, organiser):
    erase(db_session, organiser)
    pending = db_session.get(VoteRequest, person.pending.id)
    assert pending.email is None and pending.superseded_at is not None
    assert pending.client_network == "" and pending.email_domain == ""
    assert pending.voter_key != voter_key(ADDRESS)
    with pytest.raises(LinkProblem):
        confirmation_for(person.pending_token)


def test_erasing_keeps_votes_counted_but_unlinked_from_the_person(person, db_session, organiser):
    votes_before = db_session.scalar(select(func.count(Vote.id)))
    erase(db_session, organiser)
    vote = db_session.get(Vote, person.vote.id)
    assert db_session.scalar(select(func.count(Vote.id))) == votes_before
    assert vote.voided_at is None and vote.receipt_code == person.vote.receipt_code
    assert vote.voter_key.startswith("erased-") and len(vote.voter_key) == 63
    assert vote.email_domain == "" and vote.client_network == ""
    # Unlinked: the address no longer shows as having voted (so, in an open contest, it could vote again).
    assert not has_voted(person.site.contest, voter_key(ADDRESS))
    assert personal_data.find_personal_data(ADDRESS).votes == []


def test_erasing_deactivates_and_anonymises_a_judges_account(person, db_session, organiser):
    erase(db_session, organiser)
    judge = db_session.get(User, person.judge.id)
    assert not judge.active and judge.password_hash is None
    assert judge.name == "Erased on request" and judge.affiliations == ""
    assert judge.email == f"erased-{judge.id}@erased.invalid"
    assert db_session.scalar(select(func.count(SignInSession.id)).where(
        SignInSession.user_id == judge.id, SignInSession.ended_at.is_(None))) == 0


def test_erasing_deletes_emails_to_them_except_one_being_sent(person, db_session, organiser, outbox):
    sending = OutboxEmail(message_id="<x@awards.test>", to_address=ADDRESS, subject="Now", text_body="t",
                          html_body="h", status=OutboxStatus.SENDING)
    db_session.add(sending)
    db_session.commit()
    counts = erase(db_session, organiser)
    assert counts["emails_deleted"] == 3 and counts["emails_being_sent"] == 1  # two links and a receipt
    assert [email.to_address for email in outbox() if "sam" in email.to_address.lower()] == [ADDRESS]


def test_after_erasing_nothing_is_left_to_erase_and_the_audit_log_holds_no_erased_data(person, db_session, organiser):
    counts = erase(db_session, organiser)
    assert counts == {"nominations_made": 1, "nominations_of": 1, "drafts": 1, "vote_requests": 2, "votes": 1,
                      "ceremony_invitations": 0, "messages_received": 0, "accounts": 1, "corrected_addresses": 0,
                      "emails_deleted": 3,
                      "emails_being_sent": 0}
    assert personal_data.find_personal_data(ADDRESS).erasable == 0
    event = db_session.scalar(select(AuditEvent).where(AuditEvent.action == "personal_data.erased"))
    assert event.actor_id == organiser.id
    assert event.details["reason"] == "Asked by email on 3 March 2026"
    logged = json.dumps(event.details).lower()
    assert "sam" not in logged and "gmail" not in logged and "0131" not in logged


def test_erasing_needs_a_reason(person, db_session, organiser):
    for reason in ("", "   ", "x" * 1001):
        with pytest.raises(DomainError) as refusal:
            personal_data.erase_personal_data(organiser, ADDRESS, reason)
        assert refusal.value.field == "reason"


def test_only_organisers_erase(person, db_session):
    with pytest.raises(DomainError):
        personal_data.erase_personal_data(person.judge, "someone@example.org", "asked")


def test_nobody_erases_their_own_account_or_the_last_organiser(db_session, organiser):
    with pytest.raises(DomainError, match="your own account"):
        personal_data.erase_personal_data(organiser, organiser.email, "asked")
    from awards_app.accounts.users import create_organiser

    second = create_organiser("second@example.org", "another long pass phrase", name="Second")
    db_session.commit()
    personal_data.erase_personal_data(second, organiser.email, "asked")  # another organiser is left: allowed
    db_session.commit()
    third = create_organiser("third@example.org", "yet another long pass phrase", name="Third")
    second.active = False  # (the first was erased above) third is now the only active organiser
    db_session.commit()
    with pytest.raises(DomainError, match="last active organiser"):
        personal_data.erase_personal_data(second, "third@example.org", "asked")
    assert third.active
