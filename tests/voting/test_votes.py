"""The public vote's rules: open contests, asking to vote, replacing, expiry, confirming once, privacy, the purge."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from awards_app.core.errors import DomainError
from awards_app.core.links import LinkProblem
from awards_app.core.models import AuditEvent, SingleUseLink
from awards_app.nominations.models import ConsentState
from awards_app.voting import votes
from awards_app.voting.models import Vote, VoteRequest
from awards_app.voting.voter_keys import voter_key
from awards_app.voting.votes import (
    ALREADY_VOTED,
    AlreadyVoted,
    VotingNotOpen,
    ballot_finalists,
    confirm_vote,
    confirmation_for,
    open_contests,
    public_contests,
    purge_vote_requests,
    request_vote,
    resend_vote_link,
)
from tests.factories.voting import public_vote, voting_site

LINK = re.compile(r"http://awards\.test/vote/confirm/(\S+)")
RECEIPT = re.compile(r"^[ABCDEFGHJKMNPQRSTVWXYZ23456789]{4}(-[ABCDEFGHJKMNPQRSTVWXYZ23456789]{4}){2}$")


@pytest.fixture
def site(db_session, clock):
    """An edition whose shortlist is public, with one contest open now and three finalists."""
    return voting_site()


def token_in(email) -> str:
    """The confirmation token in an email's text."""
    return LINK.search(email.text_body).group(1)


def ask(site, email="jo.bloggs@example.org", finalist=None, client="198.51.100.23"):
    """Ask to vote for the first finalist (or the one given)."""
    chosen = finalist or site.finalists[0]
    return request_vote(site.contest, chosen.id, email, client)


def vote_count(db_session) -> int:
    return db_session.scalar(select(func.count(Vote.id)))


# --- Which contests are open ---------------------------------------------------------------------------------


def test_the_open_contest_and_its_finalists_in_alphabetical_order(site):
    assert open_contests(site.edition) == [site.contest]
    assert [f.display_name for f in ballot_finalists(site.contest)] == ["Breathe Easy Fife", "Harbour Arts", "Walk & Talk"]


def test_nothing_is_open_before_the_shortlist_is_public(db_session, clock):
    site = voting_site(published=False)
    assert public_contests(site.edition) == [] and open_contests(site.edition) == []
    site.edition.shortlist_published_at = clock.now() + timedelta(hours=1)  # published for a later moment
    assert open_contests(site.edition) == []
    clock.advance(hours=1)
    assert open_contests(site.edition) == [site.contest]


def test_contests_are_open_only_between_their_times(site, clock):
    clock.set(site.opens_at - timedelta(seconds=1))
    assert open_contests(site.edition) == [] and public_contests(site.edition) == [site.contest]
    clock.set(site.opens_at)
    assert open_contests(site.edition) == [site.contest]
    clock.set(site.closes_at)
    assert open_contests(site.edition) == []


def test_several_contests_in_category_order(site):
    second = public_vote(site.edition, name="Carer of the Year", display_order=5).contest
    assert open_contests(site.edition) == [site.contest, second]


def test_finalists_without_consent_are_never_on_the_ballot(site, db_session):
    site.finalists[1].nomination.consent = ConsentState.DECLINED
    db_session.flush()
    assert site.finalists[1] not in ballot_finalists(site.contest)
    with pytest.raises(DomainError) as refused:
        ask(site, finalist=site.finalists[1])
    assert refused.value.field == "finalist"


def test_the_public_name_falls_back_to_the_nominee_name(site):
    site.finalists[0].public_name = ""
    assert site.finalists[0].display_name == site.finalists[0].nomination.nominee_name


# --- Asking to vote --------------------------------------------------------------------------------------------


def test_asking_keeps_a_pending_request_and_queues_the_email(site, outbox, clock, db_session):
    pending = ask(site, "Jo.Bloggs+awards@GoogleMail.com", client="198.51.100.23")
    assert pending.email == "Jo.Bloggs+awards@googlemail.com"  # the address as written, to send the email to
    assert pending.voter_key == voter_key("jobloggs@gmail.com")
    assert pending.email_domain == "gmail.com"
    assert pending.client_network == "198.51.100.0/24"
    assert pending.expires_at == clock.now() + timedelta(hours=24)
    assert pending.confirmed_at is None and pending.superseded_at is None
    (email,) = outbox()
    assert email.to_address == "Jo.Bloggs+awards@googlemail.com"
    assert email.status.value == "pending", "sending is the outbox worker's job, never the request's"
    assert "Harbour Arts" in email.text_body and "Confirm my vote" in email.text_body
    assert confirmation_for(token_in(email)) == pending
    assert db_session.scalar(select(func.count()).select_from(SingleUseLink)) == 0, "the request is its own link"
    assert vote_count(db_session) == 0
    event = db_session.scalar(select(AuditEvent).where(AuditEvent.action == "vote.requested"))
    assert event.subject_id == pending.id and "jo" not in str(event.details).lower()


def test_ipv6_clients_are_kept_as_their_64(site):
    assert ask(site, client="2001:db8:1:2:3:4:5:6").client_network == "2001:db8:1:2::/64"


def test_the_link_lifetime_is_a_setting(site, app, monkeypatch, clock):
    monkeypatch.setitem(app.config, "VOTE_LINK_HOURS", 2)
    assert ask(site).expires_at == clock.now() + timedelta(hours=2)


@pytest.mark.parametrize("finalist_id", [None, "", "abc", "999999", "-1"])
def test_a_vote_needs_one_of_the_contests_finalists(site, finalist_id):
    with pytest.raises(DomainError) as refused:
        request_vote(site.contest, finalist_id, "jo@example.org", "198.51.100.1")
    assert refused.value.field == "finalist" and refused.value.message == "Choose who you want to vote for"


def test_a_finalist_of_another_contest_is_refused(site):
    others = public_vote(site.edition, ("Someone Else",), name="Carer of the Year").finalists
    with pytest.raises(DomainError):
        ask(site, finalist=others[0])


@pytest.mark.parametrize(
    ("address", "message"),
    [("", "Enter your email address"), ("jo@", "in the correct format"), ("jo@mailinator.com", "short-lived")],
)
def test_bad_addresses_are_refused_and_nothing_is_kept(site, outbox, db_session, address, message):
    with pytest.raises(DomainError) as refused:
        ask(site, address)
    assert refused.value.field == "email" and message in refused.value.message
    assert db_session.scalar(select(VoteRequest)) is None and outbox() == []


def test_asking_before_the_open_or_after_the_close_is_refused_with_the_time(site, clock):
    clock.set(site.opens_at - timedelta(minutes=1))
    with pytest.raises(VotingNotOpen) as refused:
        ask(site)
    assert "opens at" in refused.value.message
    clock.set(site.closes_at)
    with pytest.raises(VotingNotOpen) as refused:
        ask(site)
    assert "closed at" in refused.value.message


def test_a_newer_request_leaves_the_older_one_and_its_link_working_until_one_is_confirmed(site, outbox, clock,
                                                                                         db_session):
    # Issue #14: a newer request (perhaps a stranger's, for another finalist) used to cancel the older one's link.
    first = ask(site, "jo.bloggs@gmail.com")
    first_token = token_in(outbox()[-1])
    clock.advance(minutes=3)
    second = ask(site, "JoBloggs+again@googlemail.com", finalist=site.finalists[2])
    second_token = token_in(outbox()[-1])
    assert first.superseded_at is None and first.email == "jo.bloggs@gmail.com"
    assert second.superseded_at is None and second.email == "JoBloggs+again@googlemail.com"
    assert confirmation_for(first_token) == first and confirmation_for(second_token) == second

    confirm_vote(second_token)
    db_session.refresh(first)
    assert first.superseded_at == clock.now() and first.email is None, "a closed request keeps no address"
    with pytest.raises(LinkProblem) as problem:
        confirmation_for(first_token)
    assert problem.value.reason == "used", "its link says the vote is in"


def test_each_request_records_how_many_of_the_voters_requests_were_already_waiting(site, outbox, db_session):
    """The organisers' record of a request says how many of that inbox's requests in the contest still wait for their
    link, whoever else asks and whichever contest they ask in."""
    other = public_vote(site.edition, name="Carer of the Year")
    ask(site, "jo.bloggs@gmail.com")
    ask(site, "someone.else@example.org")
    request_vote(other.contest, other.finalists[0].id, "jo.bloggs@gmail.com", "198.51.100.1")
    ask(site, "JoBloggs+again@googlemail.com", finalist=site.finalists[2])  # the same inbox, spelt otherwise
    confirm_vote(token_in(outbox()[-1]))  # closes both of Jo's requests in the first contest, not the other's
    request_vote(other.contest, other.finalists[1].id, "jobloggs@gmail.com", "198.51.100.1")
    events = db_session.scalars(
        select(AuditEvent).where(AuditEvent.action == "vote.requested").order_by(AuditEvent.id)
    ).all()
    assert [event.details["also_pending"] for event in events] == [0, 0, 0, 1, 1]


def test_requests_of_other_people_or_contests_are_not_replaced(site, outbox):
    other = public_vote(site.edition, name="Carer of the Year")
    other_contest, other_finalists = other.contest, other.finalists
    mine = ask(site, "jo@example.org")
    ask(site, "someone.else@example.org")
    request_vote(other_contest, other_finalists[0].id, "jo@example.org", "198.51.100.1")
    assert mine.superseded_at is None


def test_someone_who_voted_is_refused_politely_even_with_another_spelling(site, outbox, db_session):
    ask(site, "jo.bloggs@gmail.com")
    confirm_vote(token_in(outbox()[-1]))
    for variant in ("JoBloggs@googlemail.com", "j.o.bloggs+second@gmail.com"):
        with pytest.raises(AlreadyVoted) as refused:
            ask(site, variant, finalist=site.finalists[1])
        assert refused.value.message == ALREADY_VOTED
    assert vote_count(db_session) == 1 and len(outbox()) == 2  # the link, and the receipt of the vote


# --- Resending -------------------------------------------------------------------------------------------------


def test_resending_issues_a_new_link_that_replaces_the_old(site, outbox, clock):
    pending = ask(site)
    old = token_in(outbox()[-1])
    clock.advance(hours=23)
    resend_vote_link(pending)
    new = token_in(outbox()[-1])
    assert len(outbox()) == 2 and new != old
    assert pending.expires_at == clock.now() + timedelta(hours=24), "the new link lasts from now"
    with pytest.raises(LinkProblem) as problem:
        confirmation_for(old)
    assert problem.value.reason == "superseded"
    clock.advance(hours=2)
    assert confirmation_for(new) == pending


def test_resending_after_the_vote_or_once_the_address_is_erased_is_refused(site, outbox, clock):
    first = ask(site, "jo@example.org")
    second = ask(site, "JO@example.org")
    resend_vote_link(first)  # another request of the same voter leaves it pending (issue #14)
    confirm_vote(token_in(outbox()[-1]))
    with pytest.raises(AlreadyVoted):
        resend_vote_link(second)
    stale = ask(site, "sam@example.org")
    clock.advance(hours=25)
    purge_vote_requests()
    with pytest.raises(DomainError) as refused:
        resend_vote_link(stale)
    assert "Start your vote again" in refused.value.message


# --- Confirming ----------------------------------------------------------------------------------------------


def test_opening_the_link_uses_nothing_up(site, outbox, db_session):
    pending = ask(site)
    token = token_in(outbox()[-1])
    for _ in range(3):
        assert confirmation_for(token) == pending
    assert pending.confirmed_at is None and pending.email
    assert vote_count(db_session) == 0


def test_confirming_casts_one_vote_with_a_receipt_and_forgets_the_address(site, outbox, clock, db_session):
    pending = ask(site, "Jo.Bloggs@GoogleMail.com", finalist=site.finalists[1], client="2001:db8::1")
    clock.advance(minutes=2)
    vote, already = confirm_vote(token_in(outbox()[-1]))
    assert not already
    assert vote.finalist == site.finalists[1] and vote.contest == site.contest
    assert vote.voter_key == voter_key("jobloggs@gmail.com")
    assert RECEIPT.match(vote.receipt_code), vote.receipt_code
    assert vote.cast_at == clock.now()
    assert (vote.email_domain, vote.client_network) == ("gmail.com", "2001:db8::/64")
    assert vote.voided_at is None and vote.entered_by_id is None
    assert pending.confirmed_at == clock.now()
    assert pending.email is None, "after the confirmation only the voter key remains"
    db_session.refresh(pending)  # what the database holds, not only what the session remembers
    assert pending.confirmed_at == clock.now() and pending.email is None
    assert db_session.scalar(select(AuditEvent).where(AuditEvent.action == "vote.cast")).subject_id == vote.id


def test_receipt_codes_differ(site, outbox):
    codes = set()
    for number in range(20):
        ask(site, f"voter{number}@example.org")
        vote, _ = confirm_vote(token_in(outbox()[-1]))
        codes.add(vote.receipt_code)
    assert len(codes) == 20


def test_confirming_twice_says_already_voted_and_never_counts_twice(site, outbox, db_session):
    ask(site)
    token = token_in(outbox()[-1])
    vote, already = confirm_vote(token)
    assert vote is not None and not already
    assert confirm_vote(token) == (None, True)
    assert vote_count(db_session) == 1
    with pytest.raises(LinkProblem) as problem:
        confirmation_for(token)
    assert problem.value.reason == "used"


def test_a_link_replaced_between_its_check_and_its_use_counts_nothing(site, outbox, db_session, monkeypatch):
    """A resend that lands while the button's press is being handled: the press loses, and says a newer link exists."""
    pending = ask(site)
    token = token_in(outbox()[-1])
    checked = votes._request_behind

    def checked_then_replaced(*args):
        found = checked(*args)
        votes.replace_vote_link(pending)  # the resend's new link, written in the meantime
        db_session.flush()
        return found

    monkeypatch.setattr(votes, "_request_behind", checked_then_replaced)
    with pytest.raises(LinkProblem) as problem:
        confirm_vote(token)
    assert problem.value.reason == "superseded"
    assert vote_count(db_session) == 0 and pending.confirmed_at is None and pending.email


def test_a_second_live_request_of_the_same_person_finds_the_vote_already_cast(site, outbox, db_session, organiser):
    """Two requests that both got through (say, sent at the same moment) still give one vote: ON CONFLICT DO NOTHING."""
    ask(site, "jo.bloggs@gmail.com")
    token = token_in(outbox()[-1])
    # Meanwhile the same person's vote arrived another way (an assisted vote, or a racing request).
    earlier = Vote(contest=site.contest, finalist=site.finalists[2], voter_key=voter_key("JoBloggs@googlemail.com"),
                   receipt_code="AAAA-BBBB-CCCC", entered_by_id=organiser.id)
    db_session.add(earlier)
    db_session.flush()
    vote, already = confirm_vote(token)
    assert already and vote == earlier
    assert vote_count(db_session) == 1
    pending = db_session.scalar(select(VoteRequest))
    assert pending.confirmed_at is not None and pending.email is None
    assert db_session.scalar(select(AuditEvent).where(AuditEvent.action == "vote.duplicate_refused"))


def test_an_expired_link_is_refused(site, outbox, clock, db_session):
    ask(site)
    token = token_in(outbox()[-1])
    clock.advance(hours=24)
    for attempt in (confirmation_for, confirm_vote):
        with pytest.raises(LinkProblem) as problem:
            attempt(token)
        assert problem.value.reason == "expired"
    assert vote_count(db_session) == 0


def test_tampered_links_and_links_for_other_purposes_are_refused(site, outbox, db_session):
    from awards_app.core.links import issue_link, new_token

    ask(site)
    token = token_in(outbox()[-1])
    for broken in (token[:-3], "x" * 80, ""):
        with pytest.raises(LinkProblem) as problem:
            confirm_vote(broken)
        assert problem.value.reason == "tampered"
    other_purpose = issue_link("resume", site.edition, site.closes_at)
    with pytest.raises(LinkProblem):
        confirm_vote(other_purpose)
    # A vote link signed here that no request holds (a newer email replaced it) says a newer link was sent.
    held_by_none, _digest = new_token(votes.VOTE_PURPOSE)
    with pytest.raises(LinkProblem) as problem:
        confirm_vote(held_by_none)
    assert problem.value.reason == "superseded"
    assert vote_count(db_session) == 0


def test_confirming_after_the_close_is_refused_and_uses_nothing_up(site, outbox, clock, db_session):
    clock.set(site.closes_at - timedelta(hours=1))  # a link asked for in the last hour still works after the close
    pending = ask(site)
    token = token_in(outbox()[-1])
    clock.set(site.closes_at)
    with pytest.raises(VotingNotOpen) as refused:
        confirm_vote(token)
    assert "closed at" in refused.value.message and "no longer" in refused.value.message
    assert vote_count(db_session) == 0
    db_session.refresh(pending)
    assert pending.confirmed_at is None and pending.email, "nothing used up"


# --- The purge ---------------------------------------------------------------------------------------------------


def test_the_purge_erases_addresses_of_expired_requests_only(site, outbox, clock, db_session):
    expired = ask(site, "late@example.org")
    clock.advance(hours=20)
    pending = ask(site, "still.waiting@example.org")
    clock.advance(hours=4)
    assert purge_vote_requests(clock.now(), retention_days=30) == {"emails": 1, "networks": 0}
    db_session.refresh(expired)
    db_session.refresh(pending)
    assert expired.email is None and pending.email == "still.waiting@example.org"
    assert purge_vote_requests(clock.now(), retention_days=30) == {"emails": 0, "networks": 0}


def test_the_purge_erases_client_networks_days_after_the_close(site, outbox, clock, db_session, app, monkeypatch):
    ask(site, "voter@example.org")
    confirm_vote(token_in(outbox()[-1]))
    ask(site, "never.confirmed@example.org")
    clock.set(site.closes_at + timedelta(days=29))
    assert purge_vote_requests(clock.now(), retention_days=30) == {"emails": 1, "networks": 0}
    clock.set(site.closes_at + timedelta(days=30))
    monkeypatch.setitem(app.config, "VOTE_NETWORK_RETENTION_DAYS", 30)
    assert purge_vote_requests() == {"emails": 0, "networks": 3}  # the vote, and both requests
    assert set(db_session.scalars(select(Vote.client_network))) == {""}
    assert set(db_session.scalars(select(VoteRequest.client_network))) == {""}
    assert set(db_session.scalars(select(VoteRequest.email))) == {None}
    assert db_session.scalar(select(Vote.voter_key)), "the voter key stays: it keeps one vote per person"
    events = db_session.scalars(select(AuditEvent).where(AuditEvent.action == "votes.purged").order_by(AuditEvent.id))
    assert [event.details["networks"] for event in events] == [0, 3]


def test_the_purge_command_reports_what_it_erased(site, outbox, clock, runner):
    ask(site)
    clock.advance(hours=25)
    result = runner.invoke(args=["purge"])
    assert result.exit_code == 0
    assert "Public vote: erased 1 email address(es) of expired vote requests and 0 stored client network(s)." in result.output


def test_the_module_sends_nothing_itself(site, outbox, monkeypatch):
    """Email leaves through the outbox worker only: asking to vote must not open an SMTP connection."""
    import smtplib

    def refuse(*args, **kwargs):
        raise AssertionError("SMTP opened inside the request")

    monkeypatch.setattr(smtplib, "SMTP", refuse)
    ask(site)
    assert votes.VOTE_PURPOSE == "vote" and len(outbox()) == 1
