"""The figures of a public vote, kept as the votes arrive: per finalist, per hour, per email domain and per address
block, each split into counted and voided votes. The organisers' vote view and the results page read these few rows,
so they cost the same at a million votes as at a thousand.

Every change to a vote changes the figures in the same transaction, through this module: a new vote (count_new_vote,
from votes.insert_vote_once; count_new_votes for the demo's), a void (count_voided), an erasure of a voter's domain
and address block (blank_sources) and the purge of address blocks (blank_networks). Each change is an atomic
INSERT ... ON CONFLICT DO UPDATE SET counted = counted + the change, never a read followed by a write, so two votes
committing at once both count. Rows are always changed in one order (finalists, hours, domains, address blocks, each
by its key), so that two transactions never wait for each other in a circle.

recount_mismatches compares every kept figure with a count of the votes themselves (the tests and `make bench`).
"""
from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone

from sqlalchemy import bindparam, case, func, select, text

from awards_app.core.columns import UTCDateTime
from awards_app.extensions import db
from awards_app.voting.models import (
    Contest, Vote, VoteCountByDomain, VoteCountByFinalist, VoteCountByHour, VoteCountByNetwork,
)

# What the figures need of a vote, in this order (for UPDATE ... RETURNING and SELECT).
FACT_COLUMNS = (Vote.contest_id, Vote.finalist_id, Vote.cast_at, Vote.email_domain, Vote.client_network,
                Vote.entered_by_id, Vote.voided_at)


@dataclass(frozen=True)
class VoteFacts:
    """What the kept figures know of one vote."""

    contest_id: int
    finalist_id: int
    cast_at: datetime
    email_domain: str
    client_network: str
    entered_by_staff: bool
    voided: bool


def facts_of(vote) -> VoteFacts:
    """The facts of a vote, or of a row holding FACT_COLUMNS."""
    return VoteFacts(vote.contest_id, vote.finalist_id, vote.cast_at, vote.email_domain, vote.client_network,
                     vote.entered_by_id is not None, vote.voided_at is not None)


def hour_of(moment: datetime) -> datetime:
    """The start of the UTC hour a moment falls in."""
    return moment.astimezone(timezone.utc).replace(minute=0, second=0, microsecond=0)


@dataclass(frozen=True)
class Figure:
    """One kind of kept figure: its table, the column it is kept by (beside the contest) and how a vote gives it."""

    model: type
    key: str
    key_of: Callable[[VoteFacts], object]
    amounts: tuple[str, ...] = ("counted", "voided")

    @property
    def table(self) -> str:
        """The table's name."""
        return self.model.__tablename__

    def amounts_of(self, facts: VoteFacts, sign: int) -> tuple[int, ...]:
        """What one vote adds to its row (sign 1) or takes away from it (sign -1)."""
        counted = 0 if facts.voided else sign
        added = {"counted": counted, "voided": sign - counted, "assisted": counted if facts.entered_by_staff else 0}
        return tuple(added[name] for name in self.amounts)


# In the order every change takes its rows.
FINALISTS = Figure(VoteCountByFinalist, "finalist_id", lambda facts: facts.finalist_id,
                   ("counted", "voided", "assisted"))
HOURS = Figure(VoteCountByHour, "hour", lambda facts: hour_of(facts.cast_at))
DOMAINS = Figure(VoteCountByDomain, "email_domain", lambda facts: facts.email_domain)
NETWORKS = Figure(VoteCountByNetwork, "client_network", lambda facts: facts.client_network)
FIGURES = (FINALISTS, HOURS, DOMAINS, NETWORKS)


@functools.cache
def _add_statement(figure: Figure):
    """INSERT a row of the figure, or add to the one there: atomic on PostgreSQL and SQLite, which spell it alike.

    Written as SQL, built once: SQLAlchemy would compile its own ON CONFLICT construct afresh for every vote.
    """
    columns = ("contest_id", figure.key, *figure.amounts)
    statement = text(
        f"INSERT INTO {figure.table} ({', '.join(columns)}) VALUES ({', '.join(':' + name for name in columns)}) "
        f"ON CONFLICT (contest_id, {figure.key}) DO UPDATE SET "
        + ", ".join(f"{name} = {figure.table}.{name} + excluded.{name}" for name in figure.amounts)
    )
    if figure is HOURS:  # stored as the app stores every moment (SQLite keeps them as text of one format)
        statement = statement.bindparams(bindparam("hour", type_=UTCDateTime()))
    return statement


def _apply(changes: Iterable[tuple[VoteFacts, int]]) -> None:
    """Add each vote (sign 1) to its rows, or take it away (sign -1): one statement per figure, keys in order."""
    changes = list(changes)
    for figure in FIGURES:
        totals: dict[tuple, list[int]] = {}
        for facts, sign in changes:
            row = totals.setdefault((facts.contest_id, figure.key_of(facts)), [0] * len(figure.amounts))
            for index, amount in enumerate(figure.amounts_of(facts, sign)):
                row[index] += amount
        rows = [
            {"contest_id": contest_id, figure.key: key, **dict(zip(figure.amounts, amounts))}
            for (contest_id, key), amounts in sorted(totals.items())
            if any(amounts)  # a vote moved within a row changes nothing there
        ]
        if rows:  # one row (a vote) as a plain execute: the driver's executemany costs more for a single row
            db.session.execute(_add_statement(figure), rows[0] if len(rows) == 1 else rows)


# --- Changes to votes ----------------------------------------------------------------------------------------------


def count_new_vote(vote: Vote | None) -> None:
    """Count a vote just inserted (None, when the person had voted already, counts nothing)."""
    if vote is not None:
        _apply([(facts_of(vote), 1)])


def count_new_votes(votes: Iterable[Vote]) -> None:
    """Count votes just added to the session (the demo's), writing them first."""
    db.session.flush()
    _apply((facts_of(vote), 1) for vote in votes)


def count_voided(rows: Iterable) -> None:
    """Move votes just voided (rows of FACT_COLUMNS as the votes are now) from counted to voided."""
    changes = []
    for row in rows:
        facts = facts_of(row)
        changes += [(replace(facts, voided=False), -1), (facts, 1)]
    _apply(changes)


def blank_sources(votes: Iterable[Vote]) -> None:
    """Before votes lose their email domain and address block (a voter's erasure), count them under the blank ones.

    The votes are read again and locked, so that a void committed meanwhile is seen and nothing changes them until
    this transaction ends.
    """
    ids = [vote.id for vote in votes]
    if not ids:
        return
    rows = db.session.execute(select(*FACT_COLUMNS).where(Vote.id.in_(ids)).order_by(Vote.id).with_for_update())
    changes = []
    for row in rows:
        facts = facts_of(row)
        changes += [(facts, -1), (replace(facts, email_domain="", client_network=""), 1)]
    _apply(changes)


def blank_networks(contest_ids: Iterable[int]) -> None:
    """After the votes of these contests lost their address blocks (the purge), count them under the blank one."""
    ids = sorted(set(contest_ids))
    if not ids:
        return
    chosen = "contest_id IN :contests AND client_network != ''"
    table = NETWORKS.table
    statements = (
        (  # SQLite needs the WHERE to tell this SELECT's end from the ON CONFLICT
            f"INSERT INTO {table} (contest_id, client_network, counted, voided) "
            f"SELECT contest_id, '', sum(counted), sum(voided) FROM {table} WHERE {chosen} GROUP BY contest_id "
            f"ON CONFLICT (contest_id, client_network) DO UPDATE SET counted = {table}.counted + excluded.counted, "
            f"voided = {table}.voided + excluded.voided"
        ),
        f"DELETE FROM {table} WHERE {chosen}",
    )
    for statement in statements:
        db.session.execute(text(statement).bindparams(bindparam("contests", expanding=True)), {"contests": ids})


# --- Reading them --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Totals:
    """A contest's votes: counted, voided, and the counted ones entered by staff."""

    counted: int
    voided: int
    assisted: int


def totals(contest: Contest) -> Totals:
    """The contest's counted, voided and assisted votes."""
    row = db.session.execute(
        select(*(func.coalesce(func.sum(getattr(VoteCountByFinalist, name)), 0) for name in FINALISTS.amounts))
        .where(VoteCountByFinalist.contest_id == contest.id)
    ).one()
    return Totals(*(int(value) for value in row))


def counted_per_finalist(contest: Contest) -> tuple[dict[int, int], int]:
    """The counted votes of each finalist who has any, and the contest's voided votes."""
    rows = db.session.execute(
        select(VoteCountByFinalist.finalist_id, VoteCountByFinalist.counted, VoteCountByFinalist.voided)
        .where(VoteCountByFinalist.contest_id == contest.id)
    ).all()
    return {finalist_id: counted for finalist_id, counted, _voided in rows if counted}, sum(row[2] for row in rows)


def per_hour(contest: Contest) -> list[tuple[datetime, int, int]]:
    """(UTC hour, counted, voided) for each hour with votes, in order."""
    rows = db.session.execute(
        select(VoteCountByHour.hour, VoteCountByHour.counted, VoteCountByHour.voided)
        .where(VoteCountByHour.contest_id == contest.id, (VoteCountByHour.counted != 0) | (VoteCountByHour.voided != 0))
        .order_by(VoteCountByHour.hour)
    ).all()
    return [(hour, counted, voided) for hour, counted, voided in rows]


def busiest(contest: Contest, figure: Figure, limit: int) -> list[tuple[str, int, int]]:
    """(label, counted, voided) of the domains or address blocks with the most counted votes, then the most voided,
    then by label; the blank one (votes without, or with it erased) left out."""
    label = getattr(figure.model, figure.key)
    if db.session.get_bind().dialect.name == "postgresql":
        label = label.collate("C")  # the order of the characters' code points, as SQLite's and Python's
    rows = db.session.execute(
        select(getattr(figure.model, figure.key), figure.model.counted, figure.model.voided)
        .where(figure.model.contest_id == contest.id, getattr(figure.model, figure.key) != "",
               (figure.model.counted != 0) | (figure.model.voided != 0))
        .order_by(figure.model.counted.desc(), figure.model.voided.desc(), label)
        .limit(limit)
    ).all()
    return [(name, counted, voided) for name, counted, voided in rows]


def counted_from(contest: Contest, figure: Figure, key) -> int:
    """The counted votes of one row of a figure (0 when it has none)."""
    model = figure.model
    counted = db.session.scalar(
        select(model.counted).where(model.contest_id == contest.id, getattr(model, figure.key) == key)
    )
    return counted or 0


def counted_since(contest: Contest, moment: datetime) -> int:
    """The counted votes cast at or after a moment: whole hours from the kept figures, and the votes themselves for
    the part of an hour before the first whole one (only where a timezone's midnight is not on the hour)."""
    first_whole = hour_of(moment)
    if first_whole < moment:
        first_whole += timedelta(hours=1)
    whole = db.session.scalar(
        select(func.coalesce(func.sum(VoteCountByHour.counted), 0))
        .where(VoteCountByHour.contest_id == contest.id, VoteCountByHour.hour >= first_whole)
    )
    part = 0
    if moment < first_whole:
        part = db.session.scalar(
            select(func.count()).select_from(Vote).where(
                Vote.contest_id == contest.id, Vote.voided_at.is_(None), Vote.cast_at >= moment,
                Vote.cast_at < first_whole,
            )
        )
    return int(whole or 0) + int(part or 0)


# --- The check -----------------------------------------------------------------------------------------------------


def hour_sql(column):
    """SQL: the UTC hour a moment falls in, grouped by the database so that the votes never come into Python."""
    if db.session.get_bind().dialect.name == "postgresql":
        return func.date_trunc("hour", func.timezone("UTC", column))
    return func.strftime("%Y-%m-%d %H:00:00", column)  # SQLite keeps UTC moments as text


def _as_utc_hour(value) -> datetime:
    """An hour as the database answered it (a naive UTC datetime, or SQLite's text), as an aware datetime."""
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment.astimezone(timezone.utc)


def _recounted(contest: Contest, figure: Figure) -> dict:
    """The figure's rows counted afresh from the votes: {key: amounts}."""
    key = hour_sql(Vote.cast_at) if figure is HOURS else getattr(Vote, figure.key)
    voided = Vote.voided_at.is_not(None)
    sums = {
        "counted": func.sum(case((voided, 0), else_=1)),
        "voided": func.sum(case((voided, 1), else_=0)),
        "assisted": func.sum(case((~voided & Vote.entered_by_id.is_not(None), 1), else_=0)),
    }
    rows = db.session.execute(
        select(key.label("key"), *(sums[name] for name in figure.amounts))
        .where(Vote.contest_id == contest.id).group_by(key)
    ).all()
    return {(_as_utc_hour(row[0]) if figure is HOURS else row[0]): tuple(int(value) for value in row[1:])
            for row in rows}


def _kept(contest: Contest, figure: Figure) -> dict:
    """The figure's rows as kept, leaving out rows at nothing: {key: amounts}."""
    model = figure.model
    rows = db.session.execute(
        select(getattr(model, figure.key), *(getattr(model, name) for name in figure.amounts))
        .where(model.contest_id == contest.id)
    ).all()
    return {row[0]: tuple(row[1:]) for row in rows if any(row[1:])}


def recount_mismatches(contest: Contest) -> list[str]:
    """Every kept figure of the contest that differs from a count of its votes, in words; empty when all agree."""
    mismatches = []
    for figure in FIGURES:
        kept, recounted = _kept(contest, figure), _recounted(contest, figure)
        nothing = (0,) * len(figure.amounts)
        for key in sorted(set(kept) | set(recounted), key=repr):
            if kept.get(key, nothing) != recounted.get(key, nothing):
                names = "/".join(figure.amounts)
                mismatches.append(
                    f"contest {contest.id}, {figure.table} {key!s}: kept {names} {kept.get(key, nothing)}, "
                    f"the votes say {recounted.get(key, nothing)}"
                )
    return mismatches
