"""The cost of growth: the organisers' vote view and the results page timed with more and more votes in the database.

The votes go straight into the demo's contest with one INSERT ... SELECT over generate_series per step (through the
services, a million would take hours): each row has its own voter key and receipt code, a finalist (46/33/21 %, as
the demo), a moment spread over the voting window, one of a few domains and networks, and one in fifty is voided.
The same statement adds the new votes to the figures the app keeps as votes arrive (awards_app/voting/counters.py),
grouped, so that they stay equal to a recount (the benchmark's integrity check).
"""
from __future__ import annotations

import statistics
import time
from dataclasses import dataclass

from http_load import Client

VOIDED_EVERY = 50
NEW_VOTES = """
INSERT INTO vote (contest_id, finalist_id, voter_key, receipt_code, cast_at, client_network, email_domain,
                  voided_at, voided_by_id, void_reason)
SELECT c.id,
       coalesce(f.ids[CASE WHEN mod(i, 100) < 46 THEN 1 WHEN mod(i, 100) < 79 THEN 2 ELSE 3 END], f.ids[1]),
       md5('bench-voter-' || i) || md5('bench-key-' || i),
       'BENCH-' || lpad(i::text, 10, '0'),
       c.opens_at + (c.closes_at - c.opens_at) * random(),
       (ARRAY['198.51.100.0/24', '203.0.113.0/24', '192.0.2.0/24', '2001:db8::/48'])[1 + mod(i, 4)],
       (ARRAY['gmail.com', 'outlook.com', 'btinternet.com', 'nhs.scot', 'example.org'])[1 + mod(i, 5)],
       CASE WHEN mod(i, %(voided_every)s::bigint) = 0 THEN c.closes_at END,
       CASE WHEN mod(i, %(voided_every)s::bigint) = 0 THEN %(organiser)s::int END,
       CASE WHEN mod(i, %(voided_every)s::bigint) = 0 THEN 'Benchmark: voided under the published rules.' ELSE '' END
FROM contest c,
     (SELECT array_agg(id ORDER BY position, id) AS ids FROM finalist WHERE category_id =
        (SELECT category_id FROM contest WHERE id = %(contest)s)) f,
     generate_series(%(first)s::bigint, %(last)s::bigint) AS i
WHERE c.id = %(contest)s
RETURNING contest_id, finalist_id, cast_at, email_domain, client_network, entered_by_id, voided_at
"""


def _add_to_figures(table: str, key: str, grouped_by: str, assisted: bool = False) -> str:
    """SQL: add the new votes (the CTE `new`), grouped, to one table of the app's kept figures."""
    amounts = ["counted", "voided", *(["assisted"] if assisted else [])]
    sums = {
        "counted": "count(*) FILTER (WHERE voided_at IS NULL)",
        "voided": "count(*) FILTER (WHERE voided_at IS NOT NULL)",
        "assisted": "count(*) FILTER (WHERE voided_at IS NULL AND entered_by_id IS NOT NULL)",
    }
    return (
        f"INSERT INTO {table} (contest_id, {key}, {', '.join(amounts)}) "
        f"SELECT contest_id, {grouped_by}, {', '.join(sums[name] for name in amounts)} FROM new "
        f"GROUP BY contest_id, {grouped_by} "
        f"ON CONFLICT (contest_id, {key}) DO UPDATE SET "
        + ", ".join(f"{name} = {table}.{name} + excluded.{name}" for name in amounts)
    )


UTC_HOUR = "date_trunc('hour', cast_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'"  # the hour a vote's figures go under

# The votes and their figures in one statement (so in one transaction), the figures in the app's order.
INSERT_VOTES = (
    f"WITH new AS ({NEW_VOTES}), "
    f"by_finalist AS ({_add_to_figures('vote_count_by_finalist', 'finalist_id', 'finalist_id', assisted=True)}), "
    f"by_hour AS ({_add_to_figures('vote_count_by_hour', 'hour', UTC_HOUR)}), "
    f"by_domain AS ({_add_to_figures('vote_count_by_domain', 'email_domain', 'email_domain')}) "
    + _add_to_figures("vote_count_by_network", "client_network", "client_network")
)


def votes_in(database_url: str, contest_id: int) -> int:
    """How many votes the contest has."""
    import psycopg

    with psycopg.connect(database_url) as connection:
        return connection.execute("SELECT count(*) FROM vote WHERE contest_id = %s", (contest_id,)).fetchone()[0]


def grow_to(database_url: str, contest_id: int, organiser_id: int, target: int, chunk: int = 250_000) -> float:
    """Add votes until the contest has `target`, then ANALYZE; answer the seconds it took."""
    import psycopg

    started = time.perf_counter()
    have = votes_in(database_url, contest_id)
    with psycopg.connect(database_url, autocommit=True) as connection:
        for first in range(have, target, chunk):
            last = min(first + chunk, target) - 1
            connection.execute(INSERT_VOTES, {"contest": contest_id, "organiser": organiser_id, "first": first,
                                              "last": last, "voided_every": VOIDED_EVERY})
        connection.execute("ANALYZE vote")
    return time.perf_counter() - started


@dataclass
class PageTime:
    """Several timed requests of one page at one size."""

    label: str
    votes: int
    milliseconds: list[float]

    @property
    def median_ms(self) -> float:
        """The median of the timed requests."""
        return statistics.median(self.milliseconds)


def time_page(client: Client, label: str, path: str, votes: int, repeats: int, budget_seconds: float) -> PageTime:
    """GET the page once untimed (warm-up), then up to `repeats` times within `budget_seconds`; each must be 200."""
    times: list[float] = []
    deadline = time.monotonic() + budget_seconds
    for number in range(repeats + 1):
        started = time.perf_counter()
        answer = client.request("GET", path)
        took = (time.perf_counter() - started) * 1000
        if answer.status != 200:
            raise SystemExit(f"{label} ({path}) answered {answer.status} with {votes} votes")
        if number:
            times.append(took)
        if times and time.monotonic() > deadline:
            break
    return PageTime(label, votes, times)
