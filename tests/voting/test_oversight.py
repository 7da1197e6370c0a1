"""The organisers' vote review and the published tally: counts, spikes, voiding, assisted votes, publishing, hashes."""
from __future__ import annotations

import hashlib
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from awards_app.core.errors import DomainError, NotAllowed
from awards_app.core.models import AuditEvent
from awards_app.voting import oversight, tally
from awards_app.voting.models import Vote
from awards_app.voting.voter_keys import voter_key
from awards_app.voting.votes import insert_vote_once
from tests.factories.accounts import make_judge
from tests.factories.ceremony import reveal_result
from tests.factories.programme import make_edition
from tests.factories.voting import make_vote, make_vote_request, make_votes, public_vote

NOON = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)


@pytest.fixture
def site(db_session, clock):
    """A contest open since two days ago, with three finalists and no votes yet."""
    return public_vote(make_edition())


def vote_count(db_session) -> int:
    """How many votes the log holds."""
    return db_session.scalar(select(func.count()).select_from(Vote))


def actions(db_session, action: str) -> list[AuditEvent]:
    """The audit events of one kind, oldest first."""
    return list(db_session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))


# --- Counts ------------------------------------------------------------------------------------------------------


def test_counts_tell_counted_voided_pending_and_expired_apart(site, organiser):
    harbour, breathe, _walk = site.finalists
    make_votes(site.contest, harbour, 3)
    make_vote(site.contest, breathe)
    make_vote(site.contest, breathe, voided=True)
    make_vote_request(site.contest, harbour, expires_in=timedelta(hours=5))  # pending
    make_vote_request(site.contest, harbour, expires_in=timedelta(hours=20))  # pending
    make_vote_request(site.contest, harbour, expires_in=-timedelta(minutes=1))  # expired
    make_vote_request(site.contest, harbour, expires_in=timedelta(hours=5), confirmed=True)  # became a vote: neither
    make_vote_request(site.contest, harbour, expires_in=timedelta(hours=5), superseded=True)  # replaced by a newer link: neither

    summary = oversight.vote_summary(organiser, site.contest)

    assert (summary.counted, summary.voided, summary.cast) == (4, 1, 5)
    assert (summary.pending, summary.expired) == (2, 1)


def test_only_organisers_see_the_summary(site):
    judge = make_judge()
    with pytest.raises(NotAllowed):
        oversight.vote_summary(judge, site.contest)
    with pytest.raises(NotAllowed):
        oversight.vote_summary(None, site.contest)


def test_votes_per_hour_and_per_day(site, organiser):
    harbour = site.finalists[0]
    make_votes(site.contest, harbour, 2, cast_at=NOON - timedelta(hours=3, minutes=50))  # 08:10
    make_vote(site.contest, harbour, cast_at=NOON - timedelta(hours=3, minutes=1), voided=True)  # 08:59
    make_vote(site.contest, harbour, cast_at=NOON - timedelta(minutes=30))  # 11:30
    make_vote(site.contest, harbour, cast_at=NOON - timedelta(days=1))  # yesterday noon

    summary = oversight.vote_summary(organiser, site.contest)

    eight = summary.hours[datetime(2026, 3, 1, 8, tzinfo=timezone.utc)]
    assert (eight.cast, eight.voided, eight.counted) == (3, 1, 2)
    today = summary.hours_of(NOON.date())
    assert len(today) == 24 and [hour.cast for hour in today][8:12] == [3, 0, 0, 1]
    assert summary.days() == [
        (NOON.date() - timedelta(days=2), 0, 0), (NOON.date() - timedelta(days=1), 1, 0), (NOON.date(), 4, 1),
    ]
    assert summary.default_day() == NOON.date()


def test_hours_follow_the_edition_timezone_when_the_clocks_change(db_session, clock, organiser):
    clock.set(datetime(2026, 3, 29, 12, 0, tzinfo=timezone.utc))  # British Summer Time began at 01:00 UTC
    site = public_vote(make_edition())
    summary = oversight.vote_summary(organiser, site.contest)
    assert len(summary.hours_of(datetime(2026, 3, 29).date())) == 23


def test_busiest_domains_and_networks_with_shares(site, organiser):
    harbour, breathe, _walk = site.finalists
    make_votes(site.contest, harbour, 6, domain="gmail.com", network="192.0.2.0/24")
    make_votes(site.contest, breathe, 3, domain="example.net", network="2001:db8:1:2::/64")
    make_vote(site.contest, breathe, domain="example.net", network="2001:db8:1:2::/64", voided=True)
    make_vote(site.contest, breathe, domain="school.example", network="")  # entered by staff: no network

    summary = oversight.vote_summary(organiser, site.contest)

    assert [(row.label, row.counted, row.voided) for row in summary.domains] == [
        ("gmail.com", 6, 0), ("example.net", 3, 1), ("school.example", 1, 0),
    ]
    assert summary.domains[0].share == pytest.approx(0.6)
    assert [(row.label, row.counted) for row in summary.networks] == [("192.0.2.0/24", 6), ("2001:db8:1:2::/64", 3)]


# --- Spikes ------------------------------------------------------------------------------------------------------


def test_an_hour_far_above_the_median_is_flagged(site, organiser):
    harbour = site.finalists[0]
    for hours_ago in range(2, 8):  # six quiet hours of 5 votes, spread over networks and domains
        for number in range(5):
            make_vote(site.contest, harbour, cast_at=NOON - timedelta(hours=hours_ago), domain=f"d{number}.example",
                     network=f"198.51.{number}.0/24")
    for number in range(25):  # then 25 in one hour
        make_vote(site.contest, harbour, cast_at=NOON - timedelta(minutes=30), domain=f"d{number % 10}.example",
                 network=f"198.51.{number % 10}.0/24")

    summary = oversight.vote_summary(organiser, site.contest)

    assert summary.median_hourly == 5
    assert [(spike.kind, spike.count) for spike in summary.spikes] == [("hour", 25)]
    assert summary.spikes[0].value == "2026-03-01 11:00"
    assert "25 votes in the hour from 11am on Sunday 1 March 2026" in summary.spikes[0].message
    assert "3 times the usual 5 an hour" in summary.spikes[0].message


def test_a_busy_hour_needs_twenty_votes_to_be_flagged(site, organiser):
    harbour = site.finalists[0]
    for hours_ago in range(2, 7):
        make_vote(site.contest, harbour, cast_at=NOON - timedelta(hours=hours_ago), domain="gmail.com", network="")
    make_votes(site.contest, harbour, 19, cast_at=NOON - timedelta(minutes=10), domain="gmail.com", network="")
    assert oversight.vote_summary(organiser, site.contest).spikes == []  # 19 times the median of 1, but under 20

    make_vote(site.contest, harbour, cast_at=NOON - timedelta(minutes=5), domain="gmail.com", network="")
    assert [spike.kind for spike in oversight.vote_summary(organiser, site.contest).spikes] == ["hour"]


def spread_votes(site, finalist, count: int, **fields) -> None:
    """Votes spread over 40 hours, ten domains and ten networks: nothing stands out."""
    for number in range(count):
        make_vote(site.contest, finalist, cast_at=NOON - timedelta(hours=number % 40 + 1), domain=f"d{number % 10}.example",
                 network=f"198.51.{number % 10}.0/24", **fields)


def test_a_network_or_unusual_domain_with_over_a_tenth_of_the_votes_is_flagged(site, organiser):
    harbour, breathe, _walk = site.finalists
    spread_votes(site, harbour, 100)
    for number in range(25):
        make_vote(site.contest, breathe, cast_at=NOON - timedelta(hours=number + 1), domain="quickinbox.example",
                 network="203.0.113.0/24")
    for number in range(40):  # a large public provider: its share alone is no reason to look
        make_vote(site.contest, breathe, cast_at=NOON - timedelta(hours=number + 1), domain="gmail.com", network="")

    summary = oversight.vote_summary(organiser, site.contest)

    assert summary.counted == 165
    assert [(spike.kind, spike.value, spike.count) for spike in summary.spikes] == [
        ("network", "203.0.113.0/24", 25), ("domain", "quickinbox.example", 25),
    ]
    network, domain = (spike.message for spike in summary.spikes)
    assert network == "25 votes (15% of all counted votes) came from the address block 203.0.113.0/24."
    assert domain == "25 votes (15% of all counted votes) used email addresses at quickinbox.example."


def test_exactly_a_tenth_is_not_more_than_a_tenth(site, organiser):
    harbour, breathe, _walk = site.finalists
    for number in range(180):
        make_vote(site.contest, harbour, cast_at=NOON - timedelta(hours=number % 40 + 1), domain=f"d{number % 18}.example",
                 network=f"198.51.{number % 18}.0/24")
    for number in range(20):
        make_vote(site.contest, breathe, cast_at=NOON - timedelta(hours=number + 1), domain=f"x{number}.example",
                 network="203.0.113.0/24")
    assert oversight.vote_summary(organiser, site.contest).spikes == []  # 20 of 200

    make_vote(site.contest, breathe, cast_at=NOON - timedelta(hours=30), domain="x99.example", network="203.0.113.0/24")
    assert [spike.kind for spike in oversight.vote_summary(organiser, site.contest).spikes] == ["network"]  # 21/201


def test_voided_votes_stop_a_flag(site, organiser):
    breathe = site.finalists[1]
    make_votes(site.contest, breathe, 25, domain="quickinbox.example", network="203.0.113.0/24")
    assert {spike.kind for spike in oversight.vote_summary(organiser, site.contest).spikes} == {"network", "domain"}

    oversight.void_votes(organiser, site.contest, "network", "203.0.113.0/24", "A burst from one network")

    assert oversight.vote_summary(organiser, site.contest).spikes == []


# --- The tally ---------------------------------------------------------------------------------------------------


def test_the_tally_leaves_voided_votes_out(site):
    harbour, breathe, walk = site.finalists
    make_votes(site.contest, harbour, 3)
    make_votes(site.contest, breathe, 1)
    make_votes(site.contest, breathe, 4, voided=True)

    result = tally.count_votes(site.contest)

    # In the ballot's (alphabetical) order, every finalist on it, zeros included.
    assert [(line.name, line.votes) for line in result.lines] == [("Breathe Easy", 1), ("Harbour Arts", 3),
                                                                  ("Walk & Talk", 0)]
    assert [line.share for line in result.lines] == [0.25, 0.75, 0.0]
    assert (result.counted, result.voided, result.cast) == (4, 4, 8)
    assert walk in [line.finalist for line in result.lines]


def test_an_empty_tally_has_no_shares(site):
    result = tally.count_votes(site.contest)
    assert [line.share for line in result.lines] == [0.0, 0.0, 0.0] and result.counted == 0


# --- Voiding -----------------------------------------------------------------------------------------------------


def test_voiding_a_vote_keeps_it_with_who_when_and_why(site, organiser, clock, db_session):
    vote = make_vote(site.contest, site.finalists[0], receipt="K7QM-3XHT-P2WD")

    found = oversight.find_vote(organiser, site.contest, " k7qm 3xht-p2wd ")
    oversight.void_vote(organiser, found, "  The voter asked us to cancel it.  ")

    assert found is vote
    assert db_session.get(Vote, vote.id) is not None  # never deleted
    assert (vote.voided_at, vote.voided_by_id, vote.void_reason) == (
        clock.now(), organiser.id, "The voter asked us to cancel it.",
    )
    event = actions(db_session, oversight.VOID_ACTION)[-1]
    assert (event.subject_id, event.details["reason"]) == (vote.id, "The voter asked us to cancel it.")
    assert tally.count_votes(site.contest).counted == 0


def test_voiding_needs_a_reason_and_cannot_happen_twice(site, organiser):
    vote = make_vote(site.contest, site.finalists[0])
    with pytest.raises(DomainError, match="Enter the reason") as refusal:
        oversight.void_vote(organiser, vote, "   ")
    assert refusal.value.field == "reason"
    with pytest.raises(DomainError, match="1,000 characters or fewer"):
        oversight.void_vote(organiser, vote, "x" * 1001)
    assert vote.voided_at is None

    oversight.void_vote(organiser, vote, "Duplicate")
    with pytest.raises(DomainError, match="already voided"):
        oversight.void_vote(organiser, vote, "Again")


def test_an_unknown_receipt_code_is_refused(site, organiser):
    make_vote(site.contest, site.finalists[0], receipt="K7QM-3XHT-P2WD")
    with pytest.raises(DomainError, match="No vote in this contest has that receipt code") as refusal:
        oversight.find_vote(organiser, site.contest, "K7QM-3XHT-P2WX")
    assert refusal.value.field == "receipt_code"


def test_judges_cannot_void(site):
    vote = make_vote(site.contest, site.finalists[0])
    with pytest.raises(NotAllowed):
        oversight.void_vote(make_judge(), vote, "No")
    with pytest.raises(NotAllowed):
        oversight.void_votes(make_judge(email="other@example.org"), site.contest, "domain", "example.org", "No")


def test_voiding_a_block_by_network(site, organiser, db_session, clock):
    harbour, breathe, _walk = site.finalists
    burst = make_votes(site.contest, breathe, 4, network="203.0.113.0/24")
    already = make_vote(site.contest, breathe, network="203.0.113.0/24", voided=True)
    others = make_votes(site.contest, harbour, 3, network="198.51.100.0/24")

    assert oversight.count_block(organiser, site.contest, "network", "203.0.113.0/24") == 4
    voided = oversight.void_votes(organiser, site.contest, "network", " 203.0.113.0/24 ", "One network, 3 minutes")

    assert voided == 4
    assert all(vote.voided_at == clock.now() and vote.void_reason == "One network, 3 minutes" for vote in burst)
    assert all(vote.voided_by_id == organiser.id for vote in burst)
    assert already.void_reason == "Test void"  # an earlier void keeps its own reason
    assert all(vote.voided_at is None for vote in others)
    event = actions(db_session, oversight.VOID_BLOCK_ACTION)[-1]
    assert event.details == {"kind": "network", "value": "203.0.113.0/24", "count": 4,
                             "reason": "One network, 3 minutes"}
    assert db_session.scalar(select(func.count()).select_from(Vote)) == 8  # nothing deleted


def test_voiding_a_block_by_domain_by_hour_and_by_ipv6_network(site, organiser):
    harbour, breathe, _walk = site.finalists
    odd = make_votes(site.contest, breathe, 3, domain="quickinbox.example", cast_at=NOON - timedelta(hours=30))
    hour = make_votes(site.contest, harbour, 2, cast_at=NOON - timedelta(minutes=40))
    outside = make_vote(site.contest, harbour, cast_at=NOON - timedelta(minutes=61))

    ipv6 = make_votes(site.contest, harbour, 2, network="2001:db8:4a1:7c00::/64")
    assert oversight.void_votes(organiser, site.contest, "network", "2001:DB8:4A1:7C00:0::/64", "One home") == 2
    assert all(vote.voided_at is not None for vote in ipv6)
    assert oversight.void_votes(organiser, site.contest, "domain", "QuickInbox.example", "Made-up domain") == 3
    assert oversight.void_votes(organiser, site.contest, "hour", "2026-03-01 11:00", "Scripted burst") == 2

    assert all(vote.voided_at is not None for vote in odd + hour)
    assert outside.voided_at is None


def test_a_block_with_no_counted_votes_or_a_bad_hour_is_refused(site, organiser):
    make_vote(site.contest, site.finalists[0], network="203.0.113.0/24", voided=True)
    with pytest.raises(DomainError, match="No counted votes match that address block"):
        oversight.void_votes(organiser, site.contest, "network", "203.0.113.0/24", "Burst")
    with pytest.raises(DomainError, match="Enter the email domain to void"):
        oversight.void_votes(organiser, site.contest, "domain", " ", "Burst")
    with pytest.raises(DomainError, match="like 2026-03-01 14:00"):
        oversight.void_votes(organiser, site.contest, "hour", "yesterday", "Burst")
    with pytest.raises(DomainError, match="Choose an address block"):
        oversight.void_votes(organiser, site.contest, "finalist", "x", "Burst")


# --- Assisted votes ----------------------------------------------------------------------------------------------


def test_an_assisted_vote_by_email_gets_the_online_voter_key_and_a_receipt(site, organiser, db_session):
    vote = oversight.record_assisted_vote(
        organiser, site.contest, site.finalists[1], "Jo.Bloggs+vote@googlemail.com", "By phone, 1 March",
    )

    assert vote.voter_key == voter_key("jobloggs@gmail.com")
    assert (vote.finalist_id, vote.entered_by_id, vote.email_domain, vote.client_network) == (
        site.finalists[1].id, organiser.id, "gmail.com", "",
    )
    assert len(vote.receipt_code) == 14 and vote.receipt_code.count("-") == 2
    event = actions(db_session, oversight.ASSISTED_ACTION)[-1]
    assert (event.subject_id, event.details["note"], event.details["given_by"]) == (vote.id, "By phone, 1 March",
                                                                                    "email")
    assert oversight.vote_summary(organiser, site.contest).assisted == 1


def test_one_vote_per_person_whether_online_or_assisted(site, organiser, db_session):
    harbour, breathe, _walk = site.finalists
    make_vote(site.contest, harbour, voter_key=voter_key("morag.fraser@gmail.com"))  # voted online already

    with pytest.raises(oversight.AlreadyVoted, match="already voted in this contest"):
        oversight.record_assisted_vote(organiser, site.contest, breathe, "MoragFraser@googlemail.com", "Paper")

    oversight.record_assisted_vote(organiser, site.contest, breathe, "ailsa@outlook.com", "Paper ballot")
    with pytest.raises(oversight.AlreadyVoted):
        oversight.record_assisted_vote(organiser, site.contest, harbour, "Ailsa+again@Outlook.com", "By phone")
    # An online vote with the same address after the assisted one is refused by the same constraint.
    assert insert_vote_once(
        contest_id=site.contest.id, finalist_id=harbour.id, voter_key=voter_key("ailsa@outlook.com"),
        receipt_code="ONLN-0000-0001", cast_at=NOON, client_network="192.0.2.0/24", email_domain="example.org",
    ) is None
    assert db_session.scalar(select(func.count()).select_from(Vote)) == 2


def test_the_online_journey_and_assisted_votes_share_one_vote_per_person(site, organiser, db_session):
    from awards_app.voting.votes import AlreadyVoted, confirm_vote, replace_vote_link, request_vote

    harbour, breathe, _walk = site.finalists
    online = request_vote(site.contest, harbour.id, "Iain.Ross+awards@gmail.com", "192.0.2.7")
    vote, already = confirm_vote(replace_vote_link(online))
    assert vote is not None and not already
    with pytest.raises(oversight.AlreadyVoted):
        oversight.record_assisted_vote(organiser, site.contest, breathe, "iainross@googlemail.com", "By phone")

    oversight.record_assisted_vote(organiser, site.contest, breathe, "mhairi@outlook.com", "Paper ballot")
    with pytest.raises(AlreadyVoted):
        request_vote(site.contest, harbour.id, "Mhairi+online@outlook.com", "192.0.2.8")
    assert vote_count(db_session) == 2


def test_assisted_votes_by_phone_are_one_per_number(site, organiser):
    harbour, breathe, _walk = site.finalists
    vote = oversight.record_assisted_vote(organiser, site.contest, harbour, "0141 555 0123", "Phoned in")
    assert vote.email_domain == ""
    for same_number in ("+44 141 555 0123", "0044 (141) 555-0123"):
        with pytest.raises(oversight.AlreadyVoted):
            oversight.record_assisted_vote(organiser, site.contest, breathe, same_number, "Phoned again")


@pytest.mark.parametrize("identifier, message", [
    ("", "Enter the voter's email address, or a phone number"),
    ("not an address", "Enter the voter's email address, or a phone number"),
    ("12345", "Enter the voter's email address, or a phone number"),
    ("name@", "correct format"),
    ("someone@mailinator.com", "short-lived addresses"),
])
def test_assisted_votes_need_an_address_or_phone_number(site, organiser, identifier, message):
    with pytest.raises(DomainError, match=message) as refusal:
        oversight.record_assisted_vote(organiser, site.contest, site.finalists[0], identifier, "Note")
    assert refusal.value.field == "identifier"


def test_assisted_votes_need_a_note_a_finalist_of_the_contest_and_an_open_vote(site, organiser, clock):
    other = public_vote(site.edition, ("Elsewhere",), name="Another category")
    with pytest.raises(DomainError, match="Say how the vote was given") as refusal:
        oversight.record_assisted_vote(organiser, site.contest, site.finalists[0], "a@example.org", " ")
    assert refusal.value.field == "note"
    with pytest.raises(DomainError, match="Choose one of this contest's finalists"):
        oversight.record_assisted_vote(organiser, site.contest, other.finalists[0], "a@example.org", "Paper")
    clock.set(site.contest.closes_at)
    with pytest.raises(DomainError, match="The vote has closed"):
        oversight.record_assisted_vote(organiser, site.contest, site.finalists[0], "a@example.org", "Paper")
    clock.set(site.contest.opens_at - timedelta(seconds=1))
    with pytest.raises(DomainError, match="has not opened yet"):
        oversight.record_assisted_vote(organiser, site.contest, site.finalists[0], "a@example.org", "Paper")


# --- Publishing and receipts -------------------------------------------------------------------------------------


def test_the_list_can_be_published_only_after_the_close(site, organiser, clock, db_session):
    make_votes(site.contest, site.finalists[0], 2)
    with pytest.raises(DomainError, match="The vote is still open"):
        tally.publish_tally(organiser, site.contest)
    assert not tally.can_publish(site.contest)

    clock.set(site.contest.closes_at)
    assert not tally.can_publish(site.contest), "not before the result is revealed (issue #14)"
    reveal_result(site.category)
    assert tally.can_publish(site.contest)
    with pytest.raises(NotAllowed):
        tally.publish_tally(make_judge(), site.contest)
    tally.publish_tally(organiser, site.contest)

    assert site.contest.tally_published_at == clock.now()
    event = actions(db_session, tally.PUBLISH_ACTION)[-1]
    assert event.details["counted"] == 2 and event.details["totals"]["Harbour Arts"] == 2
    with pytest.raises(DomainError, match="already been published"):
        tally.publish_tally(organiser, site.contest)


def test_no_void_after_publishing(site, organiser, clock):
    vote = make_vote(site.contest, site.finalists[0])
    clock.set(site.contest.closes_at + timedelta(hours=1))
    reveal_result(site.category)
    tally.publish_tally(organiser, site.contest)
    with pytest.raises(DomainError, match="has been published"):
        oversight.void_vote(organiser, vote, "Too late")
    with pytest.raises(DomainError, match="has been published"):
        oversight.void_votes(organiser, site.contest, "domain", "example.org", "Too late")


def test_the_published_list_holds_receipt_hashes_sorted_by_hash(site, organiser, clock):
    harbour, breathe, _walk = site.finalists
    codes = ["AAAA-BBBB-CCCC", "K7QM-3XHT-P2WD", "ZZZZ-2345-6789"]
    make_vote(site.contest, harbour, receipt=codes[0])
    make_vote(site.contest, breathe, receipt=codes[1], voided=True)
    make_vote(site.contest, breathe, receipt=codes[2])
    with pytest.raises(DomainError):
        tally.published_tally(site.contest)

    clock.set(site.contest.closes_at)
    reveal_result(site.category)
    tally.publish_tally(organiser, site.contest)
    published = tally.published_tally(site.contest)

    expected = sorted(
        (hashlib.sha256(code.encode()).hexdigest(), name, voided)
        for code, name, voided in zip(codes, ["Harbour Arts", "Breathe Easy", "Breathe Easy"], [False, True, False])
    )
    assert [(row.receipt_hash, row.finalist, row.voided) for row in published.rows] == expected
    assert all(len(row.receipt_hash) == 64 for row in published.rows)
    assert [(line.name, line.votes) for line in published.totals.lines] == [
        ("Breathe Easy", 1), ("Harbour Arts", 1), ("Walk & Talk", 0),
    ]
    # Anyone can recount the totals from the rows.
    recount = {}
    for row in published.rows:
        if not row.voided:
            recount[row.finalist] = recount.get(row.finalist, 0) + 1
    assert recount == {line.name: line.votes for line in published.totals.lines if line.votes}


def test_a_voter_finds_their_receipt_in_the_published_list(site, organiser, clock):
    make_vote(site.contest, site.finalists[0], receipt="K7QM-3XHT-P2WD")
    make_vote(site.contest, site.finalists[1], receipt="AAAA-BBBB-CCCC", voided=True)
    clock.set(site.contest.closes_at)
    reveal_result(site.category)
    tally.publish_tally(organiser, site.contest)

    mine = tally.check_receipt(site.contest, "k7qm3xhtp2wd")
    assert mine == tally.TallyRow(tally.receipt_hash("K7QM-3XHT-P2WD"), "Harbour Arts", False)
    assert mine in tally.published_tally(site.contest).rows
    assert tally.check_receipt(site.contest, "AAAA BBBB CCCC").voided
    assert tally.check_receipt(site.contest, "AAAA-BBBB-CCCD") is None
    assert tally.check_receipt(site.contest, "") is None


def test_receipts_of_another_contest_are_not_found(site, organiser, clock):
    other = public_vote(site.edition, ("Elsewhere",), name="Another category")
    make_vote(other.contest, other.finalists[0], receipt="K7QM-3XHT-P2WD")
    clock.set(site.contest.closes_at)
    reveal_result(site.category)
    tally.publish_tally(organiser, site.contest)
    assert tally.check_receipt(site.contest, "K7QM-3XHT-P2WD") is None
