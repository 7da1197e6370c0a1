"""The organisers' watch over a public vote: counts, votes per hour, the busiest domains and networks, spikes;
voiding a vote or a block of votes with a reason; and votes given by phone or on paper, entered by staff.

Everything here is for organisers only. Votes are never deleted: a voided vote keeps who voided it, when and why, and
the count leaves it out. There is no "unvoid" on purpose: the organisers' pages ask for a confirmation before any
void, and the rare mistake is put right by the technical team with the audit log saying why. That keeps the rules,
and the list of votes published after the close, simple.
"""
from __future__ import annotations

import ipaddress
import statistics
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, update
from sqlalchemy.orm.attributes import set_committed_value

from awards_app.accounts.models import User
from awards_app.core import clock
from awards_app.core.audit import record_event
from awards_app.core.errors import DomainError
from awards_app.extensions import db
from awards_app.judging.models import Finalist
from awards_app.permissions import is_organiser
from awards_app.programme.models import Edition
from awards_app.voting import counters
from awards_app.voting.contests import contests_of
from awards_app.voting.models import Contest, Vote, VoteRequest
from awards_app.voting.tally import find_vote_by_receipt, is_published
from awards_app.voting.voter_keys import address_domain, check_voter_address, voter_key
from awards_app.voting.votes import AlreadyVoted, ballot_finalists, insert_vote_once
from awards_app.web.template_helpers import format_datetime

# The spike rules, shown on the organisers' page in these words.
SPIKE_HOUR_FACTOR = 3  # an hour with more than this many times the median hourly count ...
SPIKE_MIN_VOTES = 20  # ... and at least this many votes; or a network or domain with at least this many ...
SPIKE_SHARE = 0.10  # ... and more than this share of all counted votes
BUSIEST_SHOWN = 10
REASON_MAX_LENGTH = 1000
NOTE_MAX_LENGTH = 1000

# Large public email providers: many real voters use them, so their share alone is not flagged.
COMMON_MAIL_PROVIDERS = frozenset({
    "gmail.com", "googlemail.com", "hotmail.com", "hotmail.co.uk", "outlook.com", "live.com", "live.co.uk",
    "msn.com", "yahoo.com", "yahoo.co.uk", "icloud.com", "me.com", "aol.com", "btinternet.com", "sky.com",
    "virginmedia.com", "talktalk.net", "protonmail.com", "proton.me",
})

BLOCK_KINDS = {"network": "address block", "domain": "email domain", "hour": "hour"}
VOID_ACTION = "vote.voided"
VOID_BLOCK_ACTION = "votes.voided_as_block"
ASSISTED_ACTION = "vote.entered_by_staff"
# What staff entering a vote are told when the person has voted already (online or entered before).
ASSISTED_ALREADY_VOTED = "This person has already voted in this contest: their vote was not recorded again."


def zone_of(contest: Contest) -> ZoneInfo:
    """The timezone the edition's pages show times in."""
    return ZoneInfo(contest.category.edition.timezone)


# --- The summary -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HourCount:
    """The votes cast in one hour (starting at `start`, in UTC), and how many of them were voided since."""

    start: datetime
    cast: int = 0
    voided: int = 0

    @property
    def counted(self) -> int:
        """The votes of this hour that still count."""
        return self.cast - self.voided


@dataclass(frozen=True)
class Busiest:
    """An email domain or address block with its counted votes and their share of all counted votes."""

    label: str
    counted: int
    voided: int
    share: float


@dataclass(frozen=True)
class Spike:
    """Something a person should look at, in plain words; `kind` and `value` fill in the block-void form."""

    kind: str  # "hour", "network" or "domain"
    value: str  # what the block-void form needs: the network, the domain, or the hour as "YYYY-MM-DD HH:00" local
    count: int
    message: str


@dataclass
class VoteSummary:
    """What the organisers' vote view shows about one contest."""

    contest: Contest
    counted: int  # confirmed votes that are not voided
    voided: int
    assisted: int  # counted votes entered by staff
    pending: int  # requests waiting for their emailed link (not confirmed, not replaced, not expired)
    expired: int  # requests whose link ran out unconfirmed
    hours: dict[datetime, HourCount] = field(default_factory=dict)  # only hours with votes, by UTC start
    domains: list[Busiest] = field(default_factory=list)
    networks: list[Busiest] = field(default_factory=list)
    median_hourly: float = 0.0
    spikes: list[Spike] = field(default_factory=list)

    @property
    def cast(self) -> int:
        """Every vote in the log, voided or not."""
        return self.counted + self.voided

    @property
    def zone(self) -> ZoneInfo:
        """The edition's timezone."""
        return zone_of(self.contest)

    def days(self) -> list[tuple[date, int, int]]:
        """(local day, votes cast, voided) for each day from the opening to today or the close, zeros included."""
        totals: dict[date, list[int]] = {}
        for hour in self.hours.values():
            day = hour.start.astimezone(self.zone).date()
            cast, voided = totals.setdefault(day, [0, 0])
            totals[day] = [cast + hour.cast, voided + hour.voided]
        first = self.contest.opens_at.astimezone(self.zone).date()
        last = min(clock.now(), self.contest.closes_at).astimezone(self.zone).date()
        if totals:
            first, last = min(first, *totals), max(last, *totals)
        days, day = [], first
        while day <= last:
            cast, voided = totals.get(day, (0, 0))
            days.append((day, cast, voided))
            day += timedelta(days=1)
        return days

    def hours_of(self, day: date) -> list[HourCount]:
        """Every hour of a local day (23 or 25 when the clocks change), zeros included."""
        start = datetime.combine(day, datetime.min.time(), tzinfo=self.zone).astimezone(timezone.utc)
        end = datetime.combine(day + timedelta(days=1), datetime.min.time(), tzinfo=self.zone).astimezone(timezone.utc)
        hours, moment = [], start
        while moment < end:
            hours.append(self.hours.get(moment, HourCount(moment)))
            moment += timedelta(hours=1)
        return hours

    def default_day(self) -> date:
        """The day the hourly chart shows first: today while the vote is open, else its last day."""
        moment = min(max(clock.now(), self.contest.opens_at), self.contest.closes_at - timedelta(seconds=1))
        return moment.astimezone(self.zone).date()


def vote_summary(actor: User | None, contest: Contest) -> VoteSummary:
    """Count the contest's votes and requests, and flag what looks unusual (from the figures kept as votes arrive,
    voting/counters.py: the same few rows at a thousand votes or a million)."""
    is_organiser.require(actor)
    now = clock.now()
    totals = counters.totals(contest)
    summary = VoteSummary(
        contest=contest,
        counted=totals.counted,
        voided=totals.voided,
        assisted=totals.assisted,
        pending=_count(VoteRequest, *_unconfirmed(contest), VoteRequest.expires_at > now),
        expired=_count(VoteRequest, *_unconfirmed(contest), VoteRequest.expires_at <= now),
    )
    summary.hours = {start: HourCount(start, counted + voided, voided)
                     for start, counted, voided in counters.per_hour(contest)}
    summary.domains = _busiest(contest, counters.DOMAINS, summary.counted)
    summary.networks = _busiest(contest, counters.NETWORKS, summary.counted)
    active = [hour.counted for hour in summary.hours.values() if hour.counted]
    summary.median_hourly = statistics.median(active) if active else 0.0
    summary.spikes = _spikes(summary)
    return summary


def _count(model, *conditions) -> int:
    """How many rows of the model meet the conditions."""
    return db.session.scalar(select(func.count()).select_from(model).where(*conditions)) or 0


def _unconfirmed(contest: Contest) -> tuple:
    """Requests of the contest still waiting: not confirmed, and not replaced by a newer request (the conditions of
    the index ix_vote_request_waiting, which serves these counts)."""
    return (
        VoteRequest.contest_id == contest.id,
        VoteRequest.confirmed_at.is_(None),
        VoteRequest.superseded_at.is_(None),
    )


def _busiest(contest: Contest, figure: counters.Figure, counted_total: int) -> list[Busiest]:
    """The domains or networks with the most counted votes (staff-entered votes without one are left out)."""
    return [
        Busiest(label, counted, voided, counted / counted_total if counted_total else 0.0)
        for label, counted, voided in counters.busiest(contest, figure, BUSIEST_SHOWN)
    ]


def hour_value(start: datetime, zone: ZoneInfo) -> str:
    """An hour as the block-void form takes it: its local start as 'YYYY-MM-DD HH:00'."""
    return start.astimezone(zone).strftime("%Y-%m-%d %H:00")


def _spikes(summary: VoteSummary) -> list[Spike]:
    """The hours, networks and domains that the published rules say an organiser should look at."""
    spikes = []
    zone = summary.zone
    for hour in summary.hours.values():
        if hour.counted >= SPIKE_MIN_VOTES and hour.counted > SPIKE_HOUR_FACTOR * summary.median_hourly:
            spikes.append(Spike(
                "hour", hour_value(hour.start, zone), hour.counted,
                f"{hour.counted} votes in the hour from {format_datetime(hour.start, zone.key)}: more than "
                f"{SPIKE_HOUR_FACTOR} times the usual {summary.median_hourly:g} an hour.",
            ))
    for network in summary.networks:
        if network.counted >= SPIKE_MIN_VOTES and network.share > SPIKE_SHARE:
            spikes.append(Spike(
                "network", network.label, network.counted,
                f"{network.counted} votes ({network.share:.0%} of all counted votes) came from the address block "
                f"{network.label}.",
            ))
    for domain in summary.domains:
        if domain.label in COMMON_MAIL_PROVIDERS:
            continue
        if domain.counted >= SPIKE_MIN_VOTES and domain.share > SPIKE_SHARE:
            spikes.append(Spike(
                "domain", domain.label, domain.counted,
                f"{domain.counted} votes ({domain.share:.0%} of all counted votes) used email addresses at "
                f"{domain.label}.",
            ))
    return spikes


# --- Voiding -----------------------------------------------------------------------------------------------------


def _clean_reason(reason: str | None) -> str:
    """The reason, trimmed; a void without one is refused."""
    text = (reason or "").strip()
    if not text:
        raise DomainError("Enter the reason for voiding", field="reason")
    if len(text) > REASON_MAX_LENGTH:
        raise DomainError(f"The reason must be {REASON_MAX_LENGTH:,} characters or fewer", field="reason")
    return text


def _check_can_void(contest: Contest) -> None:
    """Once the list of votes is public, it must not change under the people recounting it."""
    if is_published(contest):
        raise DomainError("The list of votes has been published, so no vote can be voided any more.")


def find_vote(actor: User | None, contest: Contest, receipt_code: str) -> Vote:
    """The contest's vote with this receipt code (typed in any case, with or without hyphens)."""
    is_organiser.require(actor)
    vote = find_vote_by_receipt(contest, receipt_code)
    if vote is None:
        raise DomainError("No vote in this contest has that receipt code. Check it and try again.",
                          field="receipt_code")
    return vote


def _already_voided(vote: Vote) -> DomainError:
    """The refusal of a second void, saying when the first was."""
    return DomainError(
        f"That vote was already voided at {format_datetime(vote.voided_at, zone_of(vote.contest).key)}.",
        field="receipt_code",
    )


def void_vote(actor: User | None, vote: Vote, reason: str) -> Vote:
    """Void one vote with a reason: it stays in the log with who voided it and when, and stops counting."""
    is_organiser.require(actor)
    text = _clean_reason(reason)
    _check_can_void(vote.contest)
    if vote.voided_at is not None:
        raise _already_voided(vote)
    voided = {"voided_at": clock.now(), "voided_by_id": actor.id, "void_reason": text}
    # On the condition that it still counts: of two organisers voiding it at once, one does, and it is moved from
    # counted to voided once.
    changed = db.session.execute(
        update(Vote).where(Vote.id == vote.id, Vote.voided_at.is_(None)).values(**voided)
        .returning(*counters.FACT_COLUMNS).execution_options(synchronize_session=False)
    ).all()
    if not changed:
        db.session.refresh(vote)
        raise _already_voided(vote)
    counters.count_voided(changed)
    for name, value in voided.items():
        set_committed_value(vote, name, value)
    record_event(actor, VOID_ACTION, vote, contest_id=vote.contest_id, reason=text,
                 finalist=vote.finalist.display_name)
    return vote


def block_condition(contest: Contest, kind: str, value: str):
    """The SQL condition of a block: votes from one network, at one domain, or cast in one local hour."""
    if kind == "network":
        return Vote.client_network == _network_as_stored(value)
    if kind == "domain":
        return Vote.email_domain == value.strip().lower()
    if kind == "hour":
        start = parse_hour(value, zone_of(contest))
        return (Vote.cast_at >= start) & (Vote.cast_at < start + timedelta(hours=1))
    raise DomainError("Choose an address block, an email domain or an hour", field="kind")


def _network_as_stored(value: str) -> str:
    """A network as votes store it (2001:DB8:0::/64 is 2001:db8::/64); anything else as typed, trimmed."""
    try:
        return str(ipaddress.ip_network(value.strip(), strict=False))
    except ValueError:
        return value.strip()


def parse_hour(value: str, zone: ZoneInfo) -> datetime:
    """An hour typed as 'YYYY-MM-DD HH:00' in the edition's timezone, as a UTC datetime."""
    try:
        local = datetime.strptime((value or "").strip(), "%Y-%m-%d %H:%M")
    except ValueError:
        raise DomainError("Enter the hour as shown in the table of hours, like 2026-03-01 14:00",
                          field="value") from None
    if local.minute:
        raise DomainError("Enter the start of an hour, like 2026-03-01 14:00", field="value")
    return local.replace(tzinfo=zone).astimezone(timezone.utc)


def count_block(actor: User | None, contest: Contest, kind: str, value: str) -> int:
    """How many counted votes a block holds (for the confirmation step)."""
    is_organiser.require(actor)
    if not (value or "").strip():
        raise DomainError(f"Enter the {BLOCK_KINDS.get(kind, 'block')} to void", field="value")
    if kind == "network":
        return counters.counted_from(contest, counters.NETWORKS, _network_as_stored(value))
    if kind == "domain":
        return counters.counted_from(contest, counters.DOMAINS, value.strip().lower())
    condition = block_condition(contest, kind, value)  # an hour, or the refusal of an unknown kind
    start = parse_hour(value, zone_of(contest))
    if start == counters.hour_of(start):  # the kept figures are by UTC hour: a half-hour timezone's are counted
        return counters.counted_from(contest, counters.HOURS, start)
    return _count(Vote, Vote.contest_id == contest.id, Vote.voided_at.is_(None), condition)


def void_votes(actor: User | None, contest: Contest, kind: str, value: str, reason: str) -> int:
    """Void every counted vote of a block with one reason; returns how many were voided."""
    is_organiser.require(actor)
    text = _clean_reason(reason)
    _check_can_void(contest)
    if count_block(actor, contest, kind, value) == 0:
        raise DomainError(f"No counted votes match that {BLOCK_KINDS[kind]}.", field="value")
    voided = db.session.execute(
        update(Vote)
        .where(Vote.contest_id == contest.id, Vote.voided_at.is_(None), block_condition(contest, kind, value))
        .values(voided_at=clock.now(), voided_by_id=actor.id, void_reason=text)
        .returning(*counters.FACT_COLUMNS)
        .execution_options(synchronize_session=False)
    ).all()
    counters.count_voided(voided)
    db.session.expire_all()  # the votes loaded earlier in this session must show their new state
    shown = _network_as_stored(value) if kind == "network" else value.strip()
    record_event(actor, VOID_BLOCK_ACTION, contest, kind=kind, value=shown, count=len(voided), reason=text)
    return len(voided)


# --- Assisted votes ----------------------------------------------------------------------------------------------


def _voter_identity(identifier: str) -> tuple[str, str]:
    """(voter key, email domain) for an email address, or for a phone number when no address was given.

    An address goes through the online checks and gets exactly the key an online vote with it would get, so the
    person cannot vote twice either way. A phone number is keyed through the same function as a made-up address at
    the reserved .invalid domain, which no online vote can ever use.
    """
    text = (identifier or "").strip()
    if "@" in text:
        try:
            address = check_voter_address(text)
        except DomainError as refusal:
            raise DomainError(refusal.message.replace("your email address", "their email address")
                              .replace("Your email address", "Their email address"), field="identifier") from None
        return voter_key(address), address_domain(address)
    digits = "".join(character for character in text if character.isdigit())
    if not text.startswith("+"):
        if digits.startswith("00"):
            digits = digits[2:]  # 00 then the country code
        elif digits.startswith("0"):
            digits = "44" + digits[1:]  # a UK number written the usual way
    if not text or not 10 <= len(digits) <= 15 or any(character not in "0123456789 +-()" for character in text):
        raise DomainError("Enter the voter's email address, or a phone number like 0141 555 0123", field="identifier")
    return voter_key(f"tel{digits}@phone.invalid"), ""


def record_assisted_vote(
    actor: User | None, contest: Contest, finalist: Finalist | None, identifier: str, note: str
) -> Vote:
    """Enter a vote given by phone or on paper, under the same one-vote-per-person rule as online votes."""
    is_organiser.require(actor)
    now = clock.now()
    if now < contest.opens_at:
        raise DomainError("The vote has not opened yet: assisted votes can be entered once it opens.")
    if now >= contest.closes_at:
        raise DomainError("The vote has closed: no more votes can be entered.")
    if finalist is None or finalist.id not in {candidate.id for candidate in ballot_finalists(contest)}:
        raise DomainError("Choose one of this contest's finalists", field="finalist")
    text = (note or "").strip()
    if not text:
        raise DomainError("Say how the vote was given, such as ‘by phone on 3 March’ or ‘paper ballot, "
                          "Dundee event’", field="note")
    if len(text) > NOTE_MAX_LENGTH:
        raise DomainError(f"The note must be {NOTE_MAX_LENGTH:,} characters or fewer", field="note")
    key, domain = _voter_identity(identifier)
    vote = insert_vote_once(
        contest_id=contest.id, finalist_id=finalist.id, voter_key=key, cast_at=now, client_network="",
        email_domain=domain, entered_by_id=actor.id,
    )
    if vote is None:
        raise AlreadyVoted(contest, ASSISTED_ALREADY_VOTED, field="identifier")
    record_event(actor, ASSISTED_ACTION, vote, contest_id=contest.id, note=text, finalist=finalist.display_name,
                 given_by="email" if domain else "phone")
    return vote


# --- The dashboard's counts ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ContestWatch:
    """One contest as the dashboard shows it: counted votes cast since midnight (edition's time) and the flags."""

    contest: Contest
    counted_today: int
    flags: int


def watch_contests(actor: User | None, edition: Edition) -> list[ContestWatch]:
    """Each of the edition's contests with today's counted votes and how many things its vote view flags."""
    is_organiser.require(actor)
    watched = []
    for contest in contests_of(edition):
        zone = zone_of(contest)
        midnight = datetime.combine(clock.now().astimezone(zone).date(), datetime.min.time(), tzinfo=zone)
        today = counters.counted_since(contest, midnight)
        watched.append(ContestWatch(contest, today, len(vote_summary(actor, contest).spikes)))
    return watched
