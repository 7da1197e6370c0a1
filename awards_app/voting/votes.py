"""The public vote: which contests are open, asking to vote, confirming through the emailed link, and the purge.

A vote takes two steps. request_vote checks the address, keeps a pending VoteRequest and emails a single-use link;
confirm_vote, when the person presses "Confirm my vote" on the page that link opens, casts the vote. The request is
its own link: it keeps the digest of the emailed token, and its expiry, confirmation and replacement are the link's.

A new request never cancels an older one: whoever typed the address (the voter changing their mind, or a stranger
who knows it), every pending request keeps its own working link, and its email and confirmation page name its
finalist in words. Confirming one closes the voter's others in the contest. So a stranger can neither cancel a
voter's link nor leave only their own choice working in the voter's inbox; and since the confirmation page lets
whoever holds a link choose another finalist, no email a stranger caused (nor a budget of emails they spent) keeps
the voter from voting as they wish.

The database holds one vote per contest and voter key (a unique constraint) and the vote goes in with INSERT ... ON
CONFLICT DO NOTHING, so that no race between two confirmations can ever count a person twice.

Privacy: the plain address lives only on the pending request, until it is confirmed, closed or expired (the purge
erases expired ones); votes keep only the voter key. Client networks (/24 or /64) are erased a set number of days
after the contest closes.
"""
from __future__ import annotations

import enum
import functools
import secrets
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import and_, bindparam, exists, func, insert, join, select, text, update
from sqlalchemy.orm import contains_eager, joinedload, make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

from awards_app.core import clock
from awards_app.core.audit import record_event
from awards_app.core.client_address import network_of
from awards_app.core.errors import DomainError
from awards_app.core.links import LinkProblem, new_token, refuse_if_spent, token_digest
from awards_app.core.outbox import queue_email
from awards_app.core.public_urls import public_url
from awards_app.extensions import db
from awards_app.judging.models import Finalist
from awards_app.nominations.models import ConsentState, Nomination
from awards_app.programme.models import Category, Edition
from awards_app.publication.public_shortlist import shortlist_is_public
from awards_app.voting.counters import blank_networks, count_new_vote
from awards_app.voting.models import Contest, Vote, VoteRequest
from awards_app.voting.voter_keys import address_domain, check_voter_address, voter_key
from awards_app.web.template_helpers import format_datetime

VOTE_PURPOSE = "vote"
DEFAULT_LINK_HOURS = 24
DEFAULT_NETWORK_RETENTION_DAYS = 30
ALREADY_VOTED = "You have already voted in this contest"
# Receipt codes such as K7QM-3XHT-P2WD (new_receipt_code): no 0/O, 1/I/L or U, which people misread when they read a
# code out.
RECEIPT_ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789"
RECEIPT_GROUPS, RECEIPT_GROUP_LENGTH = 3, 4


class ContestState(enum.Enum):
    """Where a contest is in its voting window."""

    UPCOMING = "upcoming"
    OPEN = "open"
    CLOSED = "closed"


class VotingNotOpen(DomainError):
    """The contest is not taking votes now (not yet, or no longer); the message gives the time."""

    def __init__(self, contest: Contest, state: ContestState):
        zone = contest.category.edition.timezone
        if state is ContestState.UPCOMING:
            message = f"Voting in this contest opens at {format_datetime(contest.opens_at, zone)}."
        else:
            message = (
                f"Voting in this contest closed at {format_datetime(contest.closes_at, zone)}. "
                "Votes can no longer be cast or confirmed."
            )
        super().__init__(message)
        self.contest, self.state = contest, state


class AlreadyVoted(DomainError):
    """This person (by voter key) has a vote in the contest already, online or entered by staff: a polite answer,
    never a second vote. The message is the voter's own unless staff entering a vote for them are told instead."""

    def __init__(self, contest: Contest, message: str = ALREADY_VOTED, field: str | None = None):
        super().__init__(message, field=field)
        self.contest = contest


# --- Which contests the public sees ----------------------------------------------------------------------------


def contest_state(contest: Contest, at: datetime | None = None) -> ContestState:
    """Whether the contest has not opened yet, is open, or has closed."""
    moment = at or clock.now()
    if moment < contest.opens_at:
        return ContestState.UPCOMING
    if moment < contest.closes_at:
        return ContestState.OPEN
    return ContestState.CLOSED


def public_contests(edition: Edition | None) -> list[Contest]:
    """The edition's contests in category order, open or not; none at all until its shortlist is public."""
    if not shortlist_is_public(edition):
        return []
    contests = list(
        db.session.scalars(
            select(Contest)
            .join(Category, Contest.category_id == Category.id)
            .where(Category.edition_id == edition.id, Category.has_public_vote.is_(True))
            .options(contains_eager(Contest.category))  # one query: every page shows the category's name
            .order_by(Category.display_order, Category.id)
        )
    )
    for contest in contests:
        # The pages reach the edition through each contest: hand them the one loaded, rather than a query each.
        set_committed_value(contest.category, "edition", edition)
    return contests


@functools.cache
def _public_contest_query():
    """A contest by id (bound as :contest_id) with its category and edition, if its category has a public vote."""
    # Built once: SQLAlchemy keeps the cache key of a statement object, so reusing it spares that work per request.
    return (
        select(Contest)
        .join(Category, Contest.category_id == Category.id)
        .join(Edition, Category.edition_id == Edition.id)
        .where(Contest.id == bindparam("contest_id"), Category.has_public_vote.is_(True))
        .options(contains_eager(Contest.category).contains_eager(Category.edition))
    )


def public_contest(contest_id: int) -> Contest | None:
    """A contest by id with its category and edition, once its edition's shortlist is public; None otherwise.

    One query: every step of the vote starts here. (A past edition's contest is found too, and its pages say that
    its voting has closed.)
    """
    if not _fits_id(contest_id):
        return None
    contest = db.session.scalar(_public_contest_query(), {"contest_id": contest_id})
    return contest if contest is not None and shortlist_is_public(contest.category.edition) else None


def open_contests(edition: Edition | None, contests: list[Contest] | None = None) -> list[Contest]:
    """The edition's contests that are taking votes now (of `contests`, when the caller has them already)."""
    contests = public_contests(edition) if contests is None else contests
    return [contest for contest in contests if contest_state(contest) is ContestState.OPEN]


def _ballot_query(contest: Contest):
    """The contest's finalists who agreed to be named, each with its nomination (for the name and summary)."""
    return (
        select(Finalist)
        .join(Nomination, Finalist.nomination_id == Nomination.id)
        .where(Finalist.category_id == contest.category_id, Nomination.consent == ConsentState.GIVEN)
        .options(contains_eager(Finalist.nomination))
    )


def ballot_finalists(contest: Contest) -> list[Finalist]:
    """The finalists on the contest's ballot: those who agreed to be named, in alphabetical order (no place on the
    ballot is favoured). The whole shortlist, in the judges' order, is judging.shortlist.finalists_of."""
    finalists = db.session.scalars(_ballot_query(contest))
    return sorted(finalists, key=lambda finalist: (finalist.display_name.casefold(), finalist.id))


# --- Asking to vote ----------------------------------------------------------------------------------------------


def _require_open(contest: Contest) -> None:
    """Refuse unless the contest is taking votes now."""
    state = contest_state(contest)
    if state is not ContestState.OPEN:
        raise VotingNotOpen(contest, state)


def _fits_id(value) -> bool:
    """Whether a number can be a row id (a database integer): anything else names nothing, and is not queried."""
    return isinstance(value, int) and 0 < value < 2**31


def _as_id(value) -> int | None:
    """A submitted id as a number that can name a row, or None."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if _fits_id(number) else None


def _no_such_finalist() -> DomainError:
    """The refusal of a choice that is not on the contest's ballot."""
    return DomainError("Choose who you want to vote for", field="finalist")


def chosen_finalist(contest: Contest, finalist_id) -> Finalist:
    """The finalist picked on the ballot, who must be one of the contest's (DomainError on the "finalist" field)."""
    wanted = _as_id(finalist_id)
    finalist = db.session.scalar(_ballot_query(contest).where(Finalist.id == wanted)) if wanted else None
    if finalist is None:
        raise _no_such_finalist()
    return finalist


def has_voted(contest: Contest, key: str) -> bool:
    """Whether a vote with this voter key is in the contest already (voided or not: one vote per person)."""
    return bool(db.session.scalar(select(exists().where(Vote.contest_id == contest.id, Vote.voter_key == key))))


def _link_hours() -> int:
    """How long an emailed vote link works (VOTE_LINK_HOURS, 24 by default)."""
    return int(current_app.config.get("VOTE_LINK_HOURS") or DEFAULT_LINK_HOURS)


@functools.cache
def _vote_step_query():
    """What asking to vote must know, in one query (bound: contest_id, category_id, finalist_id, voter_key).

    Whether the voter key has a vote in the contest (an EXISTS that always gives one row) and how many of its requests
    still wait for their link (a count: the requests themselves are not needed, and loading each as an object cost
    more than the count), joined to the chosen finalist with its nomination if it is on the ballot.
    """
    contest_id, voter = bindparam("contest_id"), bindparam("voter_key")
    voted = select(exists().where(Vote.contest_id == contest_id, Vote.voter_key == voter).label("voted")).subquery()
    waiting = (
        select(func.count())
        .select_from(VoteRequest)
        .where(
            VoteRequest.contest_id == contest_id,
            VoteRequest.voter_key == voter,
            VoteRequest.confirmed_at.is_(None),
            VoteRequest.superseded_at.is_(None),
        )
        .scalar_subquery()
    )
    on_ballot = join(
        Finalist, Nomination, and_(Finalist.nomination_id == Nomination.id, Nomination.consent == ConsentState.GIVEN)
    )
    return (
        select(voted.c.voted, waiting.label("waiting"), Finalist)
        .select_from(voted)
        .outerjoin(
            on_ballot,
            and_(Finalist.id == bindparam("finalist_id"), Finalist.category_id == bindparam("category_id")),
        )
        # Of the (wide) nomination, only what names the finalist in the email; anything else would load on demand.
        .options(contains_eager(Finalist.nomination).load_only(Nomination.nominee_name, Nomination.consent))
    )


def _vote_step(contest: Contest, finalist_id, key: str) -> tuple[Finalist | None, bool, int]:
    """The chosen finalist if on the ballot, whether the key has voted, and how many of its requests wait for their
    link (one round trip, one row)."""
    row = db.session.execute(
        _vote_step_query(),
        {
            "contest_id": contest.id,
            "category_id": contest.category_id,
            "finalist_id": _as_id(finalist_id),
            "voter_key": key,
        },
    ).one()
    return row.Finalist, bool(row.voted), row.waiting


def _email_link(vote_request: VoteRequest, token: str) -> None:
    """Queue the email that carries the request's link (its token) to the voter."""
    contest = vote_request.contest
    queue_email(
        vote_request.email,
        # The finalist is named in the email's text, not its subject: a subject stays in the outbox's delivery record
        # after the text is removed (core/mail_delivery.py), and shows on a phone's locked screen.
        "Confirm your vote in the Self Management Awards",
        "vote_confirm",
        category=contest.category,
        edition=contest.category.edition,
        finalist_name=vote_request.finalist.display_name,
        link=public_url("vote.confirm", token=token),
        expires_at=vote_request.expires_at,
        closes_at=contest.closes_at,
    )


def replace_vote_link(vote_request: VoteRequest) -> str:
    """Give a request a new link, in place of the one it had (which stops working); answers the new token."""
    token, vote_request.link_digest = new_token(VOTE_PURPOSE)
    return token


# A plain INSERT ... RETURNING id, built once: the ORM's own insert of an entity (its bulk path, or a flush) costs
# more than the rest of asking to vote together.
_ADD_VOTE_REQUEST = insert(VoteRequest.__table__).returning(VoteRequest.id)


def _add_vote_request(**values) -> VoteRequest:
    """INSERT a vote request in one statement and answer it as a row of the session, as if it had been loaded."""
    vote_request = VoteRequest(**values)
    vote_request.id = db.session.execute(_ADD_VOTE_REQUEST, values).scalar_one()
    # Every column is known here, so nothing needs reading back: the new row joins the session as it is.
    make_transient_to_detached(vote_request)
    db.session.add(vote_request)
    return vote_request


def request_vote(contest: Contest, finalist_id, email, client_address: str | None) -> VoteRequest:
    """Check the vote and the address, keep it pending, and email a link to confirm it (sent by the outbox worker).

    Raises VotingNotOpen, DomainError (fields "finalist" and "email"), or AlreadyVoted when the address, however it
    is written, has voted in this contest already.
    """
    _require_open(contest)
    # The address is checked first (no database needed) so that one query can answer everything else.
    try:
        address = check_voter_address(email)
    except DomainError:
        chosen_finalist(contest, finalist_id)  # a choice that is not on the ballot is the first thing to put right
        raise
    key = voter_key(address)
    finalist, voted, waiting = _vote_step(contest, finalist_id, key)
    if finalist is None:
        raise _no_such_finalist()
    if voted:
        raise AlreadyVoted(contest)
    now = clock.now()
    # Earlier pending requests are left as they are, links working: see the module's docstring.
    # The request is its own link: the token goes in the email, its digest in the row.
    token, digest = new_token(VOTE_PURPOSE)
    vote_request = _add_vote_request(
        contest_id=contest.id,
        finalist_id=finalist.id,
        voter_key=key,
        email=address,
        email_domain=address_domain(address),
        client_network=network_of(client_address),
        created_at=now,
        expires_at=now + timedelta(hours=_link_hours()),
        confirmed_at=None,
        superseded_at=None,
        link_digest=digest,
    )
    set_committed_value(vote_request, "contest", contest)
    set_committed_value(vote_request, "finalist", finalist)
    _email_link(vote_request, token)
    record_event(
        None, "vote.requested", vote_request, contest_id=contest.id, finalist_id=finalist.id,
        also_pending=waiting,
    )
    return vote_request


# What the pages after the email step need of a request, in the one query that loads it: the contest with its
# category and edition (the open check, the caption, the times), and the finalist with its nomination (the name).
_REQUEST_LOAD = (
    joinedload(VoteRequest.contest).joinedload(Contest.category).joinedload(Category.edition),
    joinedload(VoteRequest.finalist).joinedload(Finalist.nomination),
)


# Casting a vote needs the request's contest (its times) and, for the receipt email, its category and edition; not
# the finalist the pages show.
_CONFIRM_LOAD = (joinedload(VoteRequest.contest).joinedload(Contest.category).joinedload(Category.edition),)


def find_vote_request(request_id) -> VoteRequest | None:
    """A vote request by id (the id the browser's session holds), or None."""
    if not isinstance(request_id, int):
        return None
    return db.session.get(VoteRequest, request_id, options=_REQUEST_LOAD)


def resend_vote_link(vote_request: VoteRequest) -> None:
    """Email a new link for a pending request (the older link stops working); it lasts from now."""
    contest = vote_request.contest
    _require_open(contest)
    if vote_request.confirmed_at is not None or has_voted(contest, vote_request.voter_key):
        raise AlreadyVoted(contest)
    if vote_request.superseded_at is not None or not vote_request.email:
        raise DomainError("This request to vote has been replaced or has run out. Start your vote again.")
    vote_request.expires_at = clock.now() + timedelta(hours=_link_hours())
    _email_link(vote_request, replace_vote_link(vote_request))
    record_event(None, "vote.link_resent", vote_request, contest_id=contest.id)


# --- Confirming ----------------------------------------------------------------------------------------------------


@functools.cache
def _request_by_link(load: tuple):
    """The vote request whose link has a given digest (bound as :digest), loaded with the options `load`."""
    return select(VoteRequest).where(VoteRequest.link_digest == bindparam("digest")).options(*load)


def _request_behind(token: str, load: tuple) -> tuple[VoteRequest, str]:
    """The pending request behind an emailed link (loaded with the options `load`) and the link's digest;
    LinkProblem when there is none to confirm."""
    digest = token_digest(VOTE_PURPOSE, token)
    vote_request = db.session.scalar(_request_by_link(load), {"digest": digest})
    if vote_request is None:  # signed here, but no request holds it any more: a newer email's link replaced it
        raise LinkProblem("superseded")
    if not vote_request.contest.category.edition.is_public:
        raise LinkProblem("tampered")  # a draft edition is not public: the link says nothing of it
    if vote_request.superseded_at is not None and has_voted(vote_request.contest, vote_request.voter_key):
        raise LinkProblem("used")  # closed when another of the voter's requests was confirmed: their vote is in
    refuse_if_spent(vote_request.confirmed_at, vote_request.superseded_at, vote_request.expires_at)
    return vote_request, digest


def confirmation_for(token: str) -> VoteRequest:
    """The pending request behind an emailed link, for the confirmation page; opening it uses nothing up.

    Raises LinkProblem when the link is broken, expired, used or replaced.
    """
    return _request_behind(token, _REQUEST_LOAD)[0]


def new_receipt_code(choose=secrets.choice) -> str:
    """A receipt code the voter can keep, such as K7QM-3XHT-P2WD."""
    # `choose` picks each character; only a demo, wanting the same codes every time, passes a seeded random's choice.
    return "-".join(
        "".join(choose(RECEIPT_ALPHABET) for _ in range(RECEIPT_GROUP_LENGTH)) for _ in range(RECEIPT_GROUPS)
    )


# The columns a new vote is given, online or assisted: the same every time, so one statement serves all.
_NEW_VOTE_COLUMNS = (
    "contest_id", "finalist_id", "voter_key", "receipt_code", "cast_at", "client_network", "email_domain",
    "entered_by_id", "void_reason",
)


@functools.cache
def _insert_vote_once_statement():
    """INSERT ... ON CONFLICT (contest_id, voter_key) DO NOTHING RETURNING the vote, as the session's Vote.

    Written as SQL because PostgreSQL and SQLite spell it the same, and because SQLAlchemy does not cache the
    compiled form of its own ON CONFLICT constructs: compiling one afresh for every vote cost more than the rest of a
    confirmation together. Only the one-vote-per-person constraint may clash; any other error is a real one.
    """
    columns = Vote.__table__.c
    insert_once = text(
        f"INSERT INTO {Vote.__tablename__} ({', '.join(_NEW_VOTE_COLUMNS)}) "
        f"VALUES ({', '.join(':' + name for name in _NEW_VOTE_COLUMNS)}) "
        "ON CONFLICT (contest_id, voter_key) DO NOTHING "
        f"RETURNING {', '.join(column.name for column in columns)}"
    )
    # Typed parameters and columns: the times go through the app's UTC type both ways.
    typed = insert_once.bindparams(*(bindparam(name, type_=columns[name].type) for name in _NEW_VOTE_COLUMNS))
    return select(Vote).from_statement(typed.columns(*columns))


def insert_vote_once(**values) -> Vote | None:
    """INSERT a vote unless the person has one in the contest already: the new vote, or None. Cannot race.

    INSERT ... ON CONFLICT (contest_id, voter_key) DO NOTHING RETURNING: of two racing inserts for one person, the
    database keeps exactly one, whatever the timing. Online and assisted votes both go in through here.
    """
    values.setdefault("receipt_code", new_receipt_code())
    values.setdefault("void_reason", "")
    values.setdefault("entered_by_id", None)
    unknown = set(values) - set(_NEW_VOTE_COLUMNS)
    if unknown:  # the statement would drop them without a word
        raise TypeError(f"a new vote has no say in {', '.join(sorted(unknown))}")
    vote = db.session.scalars(_insert_vote_once_statement(), values).one_or_none()
    count_new_vote(vote)  # the figures kept as votes arrive, in the vote's transaction
    return vote


# Confirm a request (bound as :request_id) at :moment if it still waits for the link with :digest: of many presses
# of one button, exactly one changes the row. A plain UPDATE of the table, built once (the same values are then set
# in memory, which is cheaper than the ORM's flush of a changed object or its own bulk UPDATE).
_requests = VoteRequest.__table__.c
_CONFIRM_REQUEST = (
    update(VoteRequest.__table__)
    .where(
        _requests.id == bindparam("request_id"),
        _requests.link_digest == bindparam("digest"),
        _requests.confirmed_at.is_(None),
        _requests.superseded_at.is_(None),
    )
    .values(confirmed_at=bindparam("moment"), email=None)
)

# Close the voter's other requests in the contest still waiting (bound: in_contest, of_voter, except_request, moment):
# their links stop working and their plain addresses go, since the vote is in. Built once, like the one above.
# SKIP LOCKED: two of one voter's requests confirmed at once each hold their own row, and waiting for the other's
# would be a deadlock; a row skipped here is being confirmed itself, and the one-vote constraint settles the two.
_CLOSE_OTHER_REQUESTS = (
    update(VoteRequest.__table__)
    .where(
        _requests.id.in_(
            select(_requests.id)
            .where(
                _requests.contest_id == bindparam("in_contest"),
                _requests.voter_key == bindparam("of_voter"),
                _requests.id != bindparam("except_request"),
                _requests.confirmed_at.is_(None),
                _requests.superseded_at.is_(None),
            )
            .with_for_update(skip_locked=True)
        )
    )
    .values(superseded_at=bindparam("moment"), email=None)
)


def confirm_vote(token: str, finalist_id=None) -> tuple[Vote | None, bool]:
    """Cast the vote of an emailed link: (the vote, False); or (None or the earlier vote, True) if already voted.

    The vote goes to the finalist the request named, or to `finalist_id` when the person chose another on the
    confirmation page: whoever holds the link holds the inbox, so an email a stranger asked for, naming someone else,
    still lets its owner vote as they wish (and a budget of emails spent by a stranger never stops them voting).
    The link is used up atomically first, so that of many presses of one button exactly one goes on; then the vote is
    inserted unless the voter key has one in the contest. Raises VotingNotOpen after the close (nothing is used up),
    DomainError (field "finalist") for a choice not on the ballot (nothing is used up either) and LinkProblem for an
    expired, replaced or broken link. A used link means its vote was counted then.
    """
    try:
        vote_request, digest = _request_behind(token, _CONFIRM_LOAD)
    except LinkProblem as problem:
        if problem.reason == "used":
            return None, True
        raise
    contest = vote_request.contest
    _require_open(contest)
    chosen_id = vote_request.finalist_id if finalist_id is None else chosen_finalist(contest, finalist_id).id
    address = vote_request.email  # read now: confirming erases it, and the receipt goes to it
    now = clock.now()
    # The link was checked a moment ago; the atomic step is to mark the request confirmed, on the condition that it
    # still waits for this very link. Confirmed either way after this: the address has done its job, and from now on
    # only the voter key is kept.
    claimed = db.session.execute(
        _CONFIRM_REQUEST, {"request_id": vote_request.id, "digest": digest, "moment": now}
    ).rowcount
    if claimed != 1:
        db.session.refresh(vote_request)
        if vote_request.confirmed_at is not None:  # another press of the same button won the race, and counted it
            return None, True
        if vote_request.superseded_at is not None and has_voted(contest, vote_request.voter_key):
            return None, True  # another of the voter's requests was confirmed in the meantime, and closed this one
        raise LinkProblem("superseded")  # a newer link replaced it in the meantime
    set_committed_value(vote_request, "confirmed_at", now)
    set_committed_value(vote_request, "email", None)
    db.session.execute(
        _CLOSE_OTHER_REQUESTS,
        {"in_contest": contest.id, "of_voter": vote_request.voter_key, "except_request": vote_request.id, "moment": now},
    )
    vote = insert_vote_once(
        contest_id=vote_request.contest_id,
        finalist_id=chosen_id,
        voter_key=vote_request.voter_key,
        cast_at=now,
        client_network=vote_request.client_network,
        email_domain=vote_request.email_domain,
    )
    if vote is None:
        earlier = db.session.scalar(
            select(Vote).where(Vote.contest_id == contest.id, Vote.voter_key == vote_request.voter_key)
        )
        record_event(None, "vote.duplicate_refused", vote_request, contest_id=contest.id)
        return earlier, True
    changed = {"requested_finalist_id": vote_request.finalist_id} if chosen_id != vote_request.finalist_id else {}
    record_event(None, "vote.cast", vote, contest_id=contest.id, request_id=vote_request.id, **changed)
    if address:  # an address the purge erased (the link expired meanwhile) can be sent nothing
        _email_receipt(address, contest, vote)
    return vote, False


def _email_receipt(address: str, contest: Contest, vote: Vote) -> None:
    """Queue the email that carries a counted vote's receipt code and where to check it once the list is published.

    It never names the finalist: the published list is by receipt, and an email (or a phone's locked screen, or a
    shared inbox) that paired the code with the choice would tell whoever reads it how this person voted. For the same
    reason the outbox row, which pairs the address with the code, is deleted as soon as the email has gone.
    """
    queue_email(
        address,
        "Your vote has been counted: your receipt code",
        "vote_receipt",
        delete_when_sent=True,
        category=contest.category,
        edition=contest.category.edition,
        receipt_code=vote.receipt_code,
        checker_link=public_url("public.tally_page", contest_id=contest.id) + "#check",
        closes_at=contest.closes_at,
    )


# --- Retention -----------------------------------------------------------------------------------------------------


def purge_vote_requests(now: datetime | None = None, retention_days: int | None = None) -> dict[str, int]:
    """Erase the plain addresses of expired requests, and client networks `retention_days` after a contest closed."""
    now = now or clock.now()
    if retention_days is None:
        retention_days = int(
            current_app.config.get("VOTE_NETWORK_RETENTION_DAYS", DEFAULT_NETWORK_RETENTION_DAYS)
        )
    emails = db.session.execute(
        update(VoteRequest)
        .where(VoteRequest.email.is_not(None), VoteRequest.expires_at <= now)
        .values(email=None)
        .execution_options(synchronize_session=False)
    ).rowcount
    long_closed = select(Contest.id).where(Contest.closes_at <= now - timedelta(days=retention_days))
    networks = 0
    for model in (VoteRequest, Vote):
        networks += db.session.execute(
            update(model)
            .where(model.contest_id.in_(long_closed), model.client_network != "")
            .values(client_network="")
            .execution_options(synchronize_session=False)
        ).rowcount
    blank_networks(db.session.scalars(long_closed))  # the kept figures per address block follow the votes
    db.session.expire_all()
    removed = {"emails": emails, "networks": networks}
    if emails or networks:
        record_event(None, "votes.purged", None, retention_days=retention_days, **removed)
    return removed
