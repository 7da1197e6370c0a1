"""Every benchmark of the awards app, against gunicorn, PostgreSQL and Redis, printed as one table.

Usage (from the project root, after `make install`; `make bench` does both):

    .venv/bin/python bench/run.py [--requests 2000] [--confirmations 1000] [--concurrency 8] [--seconds 20]
                                  [--workers 2] [--votes 1000,1000000] [--repeats 5] [--without-wrk]

Each world is a fresh PostgreSQL database (`awards_bench`, dropped at the end) with the demo edition in one phase,
served by one gunicorn (--workers sync workers, rate limits off: every request comes from 127.0.0.1, which the limits
exist to stop; email goes to the outbox and, after the run, to an SMTP sink):

  voting phase    the home page, /shortlist, /vote (the ballot), the vote request (POST of the email step, a fresh
                  address each time) and the confirmation (POST of "Confirm my vote" on links prepared through the
                  app's services, once each); then the integrity check (no vote lost or doubled, the kept counts equal
                  to a recount: exit status 1 otherwise) and one round of `flask send-mail --once`;
  results phase   the vote's shares shown and its list of votes published (through the services), then /results (the
                  whole page, as a visitor), /editions/YEAR, a finalist's page, the list of votes as CSV and a
                  /results poll (htmx's GET with If-None-Match, answered 304); then the cost of growth: the votes of
                  the demo's contest raised to each of --votes with SQL (bench/growth.py), and at each size the
                  organisers' vote view and the results page timed --repeats times, both signed in (a signed-in page
                  is built for each request, never served from a cache), and the recount checked again at the end;
  judging phase   a judge's autosave (htmx's POST of one score, from signed-in judges).

Two floors stand beside every row: the app's own /floor (a fixed text, no database) and a bare Flask app of five lines
(bench/floor_app.py) served by a gunicorn of the same settings. Before every row both floors are loaded, then the
row, then both floors again (/floor, bare app, row, /floor, bare app, row, ...), and each row's throughput, median and
p99 latency are ratios to each floor's runs just before and just after it (the two taken together), so that they
mean something on a noisy machine. The GET rows and their floors are loaded with wrk (2 threads, 16 connections,
4 s) when it is installed, because our Python client's threads compete with the server for the same cores and push
every ratio towards 1; without wrk they fall back to the Python client, and the run says so. The session rows (vote
request, confirmation, autosave: POSTs with a session's state) are always loaded with the Python client, and so are
the floors around them. Peak memory is the largest resident memory (VmRSS, sampled every 50 ms) of any one app worker
during that row. The issue's aims stand beside their rows. The figures are saved to bench/results/last-run.json and
bench/results/run-<UTC time>.json; bench/spread.py prints the spread of the last three runs. These are measurements,
not tests: nothing fails on timing.
"""
from __future__ import annotations

import argparse
import html
import itertools
import json
import os
import re
import secrets
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from app_steps import in_app
from growth import PageTime, grow_to, time_page, votes_in
from http_load import (
    WRK_CONNECTIONS,
    WRK_SECONDS,
    WRK_THREADS,
    Client,
    LoadResult,
    WrkResult,
    run_load,
    run_sessions,
    run_wrk,
    wrk_path,
)
from server import (
    PROJECT_ROOT,
    MemoryWatch,
    Sink,
    bare_app,
    drop_database,
    flask,
    free_port,
    fresh_database,
    gunicorn,
    require_services,
    server_environment,
)

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
SIGN_IN_LINE = re.compile(r"^\s+(organiser|judge)\s+(\S+@\S+)\s+password: (\S+)$", re.MULTILINE)
FLOOR, BARE = "/floor", "bare app"  # the two floors' row labels, and the names of what a ratio is taken to
# The issue's aims: a row's throughput as a ratio to one of the floors.
AIMS = {
    **{label: (BARE, 0.6) for label in ("/", "/vote", "/shortlist", "/results", "/editions/YEAR", "finalist page")},
    "/results poll": (BARE, 0.85),
    **{label: (FLOOR, 0.2) for label in ("vote request", "confirmation", "autosave")},
}
GROWTH_AIM = 2.0  # each page's time at the largest size within this many times its time at the smallest
HTMX = {"HX-Request": "true"}
SHARES = "share of the votes that count"  # the caption of a result's vote shares on /results
RESULTS_DIR = PROJECT_ROOT / "bench" / "results"
RESULTS_FILE = RESULTS_DIR / "last-run.json"

Result = LoadResult | WrkResult
STARTED = time.monotonic()


def progress(message: str) -> None:
    """Say what the run is doing, with the time since it started."""
    print(f"[{time.monotonic() - STARTED:>4.0f}s] {message}", flush=True)


# --- Loading -----------------------------------------------------------------------------------------------------


@dataclass
class Loads:
    """How this run loads a GET: with wrk when it is installed, else with the Python client (--requests,
    --concurrency, --seconds); and the bare app, the second floor."""

    args: argparse.Namespace
    bare_url: str
    get_tool: str  # "wrk" or "python"

    def get(self, url: str, label: str, tool: str, headers: dict | None = None, expect: int = 200) -> Result:
        """Load one GET with `tool`; the Python client counts only `expect` as success, wrk any 2xx or 3xx."""
        if tool == "wrk":
            return run_wrk(url, label=label, headers=headers)
        return run_load(url, label=label, requests=self.args.requests, concurrency=self.args.concurrency,
                        max_seconds=self.args.seconds, headers=headers, expect=expect)

    def floors(self, server: World, tool: str) -> tuple[Result, Result]:
        """The app's /floor, then the bare app, each loaded once with `tool`."""
        return (self.get(server.base_url + "/floor", FLOOR, tool),
                self.get(self.bare_url + "/", BARE, tool))

    def describe(self) -> str:
        """Which tool measured what, for the table's header."""
        python = (f"the Python client ({self.args.concurrency} threads on the same {os.cpu_count() or 1} cores as "
                  f"the server, up to {self.args.requests} requests or {self.args.seconds:g}s)")
        if self.get_tool == "wrk":
            return (f"GET rows and their floors: wrk -t{WRK_THREADS} -c{WRK_CONNECTIONS} -d{WRK_SECONDS}s (any 2xx or "
                    "3xx answer is a success; an answer slower than wrk's 2 s timeout is an error); session rows (vote "
                    f"request, confirmation, autosave) and their floors: {python}.")
        return f"Every row and its floors: {python}."


@dataclass
class Measure:
    """One row to measure: its label, the tool that loads it, the load itself, and a check of its answer."""

    label: str
    tool: str
    run: Callable[[], Result]
    check: Callable[[], None] = lambda: None


# --- Worlds ------------------------------------------------------------------------------------------------------


@dataclass
class World:
    """One demo edition in one phase, served by one gunicorn."""

    phase: str
    env: dict[str, str]
    port: int
    master_pid: int
    sign_ins: list[tuple[str, str, str]]  # (role, email, password) from `flask demo`
    database_url: str

    @property
    def base_url(self) -> str:
        """Where the server answers."""
        return f"http://127.0.0.1:{self.port}"

    def password_of(self, email: str) -> str:
        """The demo password of an account."""
        return next(password for _role, address, password in self.sign_ins if address == email)

    def account(self, wanted: str) -> tuple[str, str]:
        """The first demo account of a role ("organiser" or "judge"): its email and password."""
        return next((email, password) for role, email, password in self.sign_ins if role == wanted)


@contextmanager
def world(phase: str, workdir: Path, sink: Sink, workers: int):
    """Build the demo in `phase` in a fresh database and serve it; drop the database afterwards."""
    database_url = fresh_database()
    port = free_port()
    env = server_environment(workdir / phase, database_url, port, sink.port)
    try:
        progress(f"== {phase} phase: building the demo edition on PostgreSQL ...")
        flask(env, "db", "upgrade")
        sign_ins = SIGN_IN_LINE.findall(flask(env, "demo", "--phase", phase))
        with gunicorn(env, port, workers) as process:
            yield World(phase, env, port, process.pid, sign_ins, database_url)
    finally:
        drop_database()


@dataclass
class Row:
    """One line of the table: a measurement, both floors around it, and the app workers' peak memory."""

    result: Result
    floor: Result  # the app's /floor, measured by the same tool just before and just after
    bare: Result  # the bare Flask app, likewise
    peak_mb: float
    phase: str

    def ratio(self, name: str, to: str = FLOOR) -> float:
        """This row's figure (per_second, median_ms or p99_ms) as a ratio to that floor's."""
        base = getattr(self.floor if to == FLOOR else self.bare, name)
        return getattr(self.result, name) / base if base else float("nan")

    @property
    def is_floor(self) -> bool:
        """Whether this row is one of the floors themselves."""
        return self.result.label in (FLOOR, BARE)


def measured(server: World, measure: Callable[[], Result]) -> tuple[Result, float]:
    """Run `measure()` while watching the workers' memory; answer its result and the peak in MB."""
    with MemoryWatch(server.master_pid) as memory:
        result = measure()
    return result, memory.peak_mb


def measure_rows(server: World, loads: Loads, measures: list[Measure]) -> list[Row]:
    """Check every row's answer, warm up, then load /floor, the bare app and each row in turn, with both floors
    again after every row (measured by that row's tool).

    Each row's ratios are to the floors' runs just before and just after it, taken together: the machine as it was
    around that row (other work on it comes and goes, and a single floor run can catch a busy or a quiet moment).
    The first floors of each tool are rows of their own.
    """
    for measure in measures:
        measure.check()
    for _ in range(2):  # warm-up: imports, template compilation, connection pools (not measured)
        for url in (server.base_url + "/floor", loads.bare_url + "/"):
            run_load(url, requests=100, concurrency=loads.args.concurrency, max_seconds=10)
    rows: list[Row] = []
    floors: dict[str, tuple[Result, Result]] = {}  # by tool: the latest /floor and bare app runs
    for measure in measures:
        if measure.tool not in floors:
            (floor, bare), floor_mb = measured(server, lambda tool=measure.tool: loads.floors(server, tool))
            rows += [Row(floor, floor, bare, floor_mb, server.phase), Row(bare, floor, bare, 0.0, server.phase)]
            floors[measure.tool] = (floor, bare)
        progress(f"   measuring {measure.label} ({measure.tool}) ...")
        result, peak = measured(server, measure.run)
        after = loads.floors(server, measure.tool)
        before = floors[measure.tool]
        rows.append(Row(result, before[0].together_with(after[0]), before[1].together_with(after[1]), peak,
                        server.phase))
        floors[measure.tool] = after
    return rows


def answer_of(server: World, path: str, headers: dict | None = None):
    """One GET of a page, outside any load and any session."""
    client = Client(server.port)
    try:
        return client.request("GET", path, headers=headers)
    finally:
        client.close()


def require_answer(server: World, path: str, status: int, shows: str, client: Client | None = None) -> None:
    """Stop the run with a message unless `path` answers `status` with `shows` in its body (to a visitor, or to
    `client`'s session)."""
    answer = client.request("GET", path) if client is not None else answer_of(server, path)
    if answer.status != status or shows not in html.unescape(answer.body):
        sys.exit(f"{path} in the {server.phase} phase answered {answer.status} without {shows!r} "
                 f"(wanted {status}); the row would measure the wrong page.")


def page(server: World, loads: Loads, label: str, path: str, shows: str) -> Measure:
    """A row that loads a public page (a 200 showing `shows`), first loaded a little, unmeasured (templates compiled
    in every worker)."""
    def run() -> Result:
        run_load(server.base_url + path, requests=50, concurrency=loads.args.concurrency, max_seconds=10)
        return loads.get(server.base_url + path, label, loads.get_tool)

    return Measure(label, loads.get_tool, run, lambda: require_answer(server, path, 200, shows))


# --- Sessions ----------------------------------------------------------------------------------------------------


def csrf_token(client: Client, path: str) -> str:
    """Open a page and take the CSRF token of its form."""
    answer = client.request("GET", path)
    match = CSRF.search(answer.body)
    if answer.status != 200 or not match:
        raise RuntimeError(f"no form token on {path} (status {answer.status})")
    return match.group(1)


def sign_in(client: Client, email: str, password: str) -> None:
    """Sign in with email and password (no second step: the demo's accounts have no two-factor sign-in)."""
    token = csrf_token(client, "/sign-in")
    answer = client.request("POST", "/sign-in", {"csrf_token": token, "email": email, "password": password})
    if answer.status not in (302, 303) or "/sign-in" in answer.location:
        raise RuntimeError(f"signing in as {email} answered {answer.status} {answer.location}")


# --- The voting phase --------------------------------------------------------------------------------------------


def vote_request_load(server: World, prepared: dict, args) -> LoadResult:
    """POST the email step with a fresh address each time, from sessions that have chosen a finalist."""
    contest = prepared["contest"]

    def open_session(client: Client) -> str:
        token = csrf_token(client, f"/vote/{contest}")
        answer = client.request("POST", f"/vote/{contest}",
                                {"csrf_token": token, "finalist": str(prepared["finalist"])})
        if answer.status != 303:
            raise RuntimeError(f"choosing a finalist answered {answer.status}")
        return csrf_token(client, f"/vote/{contest}/email")

    def send(client: Client, token: str, number: int) -> bool:
        address = f"bench-request-{number}-{secrets.token_hex(4)}@example.org"
        answer = client.request("POST", f"/vote/{contest}/email", {"csrf_token": token, "email": address})
        return answer.status == 303 and answer.location.endswith("/vote/check-email")

    return run_sessions(server.port, "vote request", range(args.requests), send, open_session=open_session,
                        concurrency=args.concurrency, max_seconds=args.seconds)


def confirmation_load(server: World, prepared: dict, args) -> LoadResult:
    """POST "Confirm my vote" once for each prepared link."""

    def send(client: Client, csrf: str, link_token: str) -> bool:
        answer = client.request("POST", f"/vote/confirm/{link_token}", {"csrf_token": csrf})
        return answer.status == 303 and answer.location.endswith("/vote/counted")

    return run_sessions(server.port, "confirmation", prepared["tokens"], send,
                        open_session=lambda client: csrf_token(client, "/vote"),
                        concurrency=args.concurrency, max_seconds=args.seconds)


def integrity(prepared: dict, after: dict, requested: Result, confirmed: Result) -> dict:
    """Compare what the requests answered with what the database holds: no vote lost or doubled."""
    new_votes = after["votes"] - prepared["votes_before"]
    checks = {
        "vote_requests_answered_303": requested.requests,
        "pending_requests_made": after["requests_made"],
        "confirmations_answered_303": confirmed.requests,
        "new_votes": new_votes,
        "prepared_requests_confirmed": after["prepared_confirmed"],
        "votes_equal_distinct_voters": after["votes"] == after["distinct_voters"],
    }
    checks["intact"] = (
        after["requests_made"] == requested.requests
        and new_votes == confirmed.requests == after["prepared_confirmed"]
        and checks["votes_equal_distinct_voters"]
    )
    if "recount_mismatches" in after:  # the kept vote counters against a full recount (empty: they agree)
        checks["recount_mismatches"] = after["recount_mismatches"]
    return checks


def voting_world(workdir: Path, sink: Sink, loads: Loads) -> tuple[list[Row], dict]:
    """The public pages and the vote path; then the integrity check and one round of the outbox."""
    args = loads.args
    with world("voting", workdir, sink, args.workers) as server:
        progress(f"   preparing {args.confirmations} pending votes with their links (through the app's services) ...")
        prepared = in_app(server.env, "prepare-votes", str(args.confirmations))
        rows = measure_rows(server, loads, [
            page(server, loads, "/", "/", "The public vote is open"),
            page(server, loads, "/shortlist", "/shortlist", 'href="/finalists/'),
            page(server, loads, "/vote", "/vote", 'name="finalist"'),
            Measure("vote request", "python", lambda: vote_request_load(server, prepared, args)),
            Measure("confirmation", "python", lambda: confirmation_load(server, prepared, args)),
        ])
        # Every answer is in, so every commit is done: count, then let the outbox send one round (in no request).
        after = in_app(server.env, "check", str(prepared["contest"]))
        checks = integrity(prepared, after, rows_by_label(rows, "vote request").result,
                           rows_by_label(rows, "confirmation").result)
        flask(server.env, "send-mail", "--once")
        mailed = in_app(server.env, "check", str(prepared["contest"]))
    checks.update(emails_sent_after_run=mailed["outbox_sent"], emails_waiting=mailed["outbox_pending"],
                  sink_received=sink.received)
    return rows, checks


# --- The results phase -------------------------------------------------------------------------------------------


def results_poll(server: World, loads: Loads) -> Measure:
    """An open results page's poll: htmx's GET with the previous answer's ETag, answered 304 while nothing changed.

    wrk counts any 2xx or 3xx answer as a success, so the check before the load is what makes sure this row
    measures 304s (the Python client counts only 304s).
    """
    poll = dict(HTMX)

    def check() -> None:
        first = answer_of(server, "/results", HTMX)
        etag = first.headers.get("ETag")
        if first.status != 200 or not etag:
            sys.exit(f"/results did not answer a poll with an ETag (status {first.status})")
        poll["If-None-Match"] = etag
        again = answer_of(server, "/results", poll)
        if again.status != 304:
            sys.exit(f"/results answered a poll carrying its own ETag with {again.status}, not 304")

    def run() -> Result:
        url = server.base_url + "/results"
        run_load(url, requests=100, concurrency=loads.args.concurrency, headers=poll, expect=304)
        return loads.get(url, "/results poll", loads.get_tool, headers=poll, expect=304)

    return Measure("/results poll", loads.get_tool, run, check)


def growth(server: World, args) -> tuple[list[PageTime], list[dict], dict]:
    """Raise the contest's votes to each size and time the organisers' vote view and the results page, both signed
    in; then check the kept counts against a recount once more, at the largest size."""
    night = in_app(server.env, "night")
    organiser, visitor = Client(server.port), Client(server.port)
    sign_in(organiser, *server.account("organiser"))
    # Signed in, so that the results page is built for each request: a signed-in visitor is never served a cached
    # copy, and the page's vote shares are counted from the votes.
    sign_in(visitor, *server.account("judge"))
    require_answer(server, "/results", 200, SHARES, client=visitor)
    votes_view = f"/admin/contests/{night['contest']}/votes"
    times, steps = [], []
    for target in args.votes:
        started = time.perf_counter()
        inserted_in = grow_to(server.database_url, night["contest"], night["organiser"], target)
        count = votes_in(server.database_url, night["contest"])
        progress(f"   {count:,} votes ({inserted_in:.0f}s to insert); timing the pages ...")
        budget = 3 * args.seconds  # a slow page is still timed a few times, but the step stays bounded
        times.append(time_page(organiser, "organisers' vote view", votes_view, count, args.repeats, budget))
        times.append(time_page(visitor, "results page (signed in)", "/results", count, args.repeats, budget))
        steps.append({"votes": count, "insert_seconds": round(inserted_in, 1),
                      "step_seconds": round(time.perf_counter() - started, 1)})
    progress("   checking the kept counts against a recount ...")
    after = in_app(server.env, "check", str(night["contest"]))
    recount = {"votes": after["votes"]}
    if "recount_mismatches" in after:
        recount["recount_mismatches"] = after["recount_mismatches"]
    return times, steps, recount


def results_world(workdir: Path, sink: Sink, loads: Loads) -> tuple[list[Row], list[PageTime], list[dict], dict,
                                                                    dict]:
    """The public pages of the night after (each first made to answer 200), then the cost of growth."""
    with world("results", workdir, sink, loads.args.workers) as server:
        pages = in_app(server.env, "results-pages")
        name = pages["finalist_name"]
        year, finalist, contest = pages["year"], pages["finalist"], pages["contest"]
        rows = measure_rows(server, loads, [
            page(server, loads, "/results", "/results", name),
            page(server, loads, "/editions/YEAR", f"/editions/{year}", name),
            page(server, loads, "finalist page", f"/finalists/{finalist}", name),
            page(server, loads, "vote list CSV", f"/tally/{contest}.csv", "receipt_sha256,finalist,voided"),
            results_poll(server, loads),
        ])
        times, steps, recount = growth(server, loads.args)
    addresses = {"/editions/YEAR": f"/editions/{year}", "finalist page": f"/finalists/{finalist}",
                 "vote list CSV": f"/tally/{contest}.csv"}
    return rows, times, steps, recount, addresses


# --- The judging phase -------------------------------------------------------------------------------------------


def autosave_load(server: World, args) -> LoadResult:
    """htmx's POST of one score (CSRF token in X-CSRFToken), from judges signed in round-robin, one per client."""
    work = in_app(server.env, "judge-work")
    judges = sorted(work)
    turn = itertools.count()

    def open_session(client: Client) -> tuple[list, str]:
        email = judges[next(turn) % len(judges)]
        sign_in(client, email, server.password_of(email))
        pairs = work[email]
        return pairs, csrf_token(client, f"/judging/entries/{pairs[0][0]}")

    def send(client: Client, state: tuple[list, str], number: int) -> bool:
        pairs, token = state
        entry, criterion = pairs[number % len(pairs)]
        answer = client.request("POST", f"/judging/entries/{entry}", {f"score-{criterion}": str(number % 11)},
                                headers={**HTMX, "X-CSRFToken": token})
        return answer.status == 200 and "Saved" in answer.body

    return run_sessions(server.port, "autosave", range(args.requests), send, open_session=open_session,
                        concurrency=args.concurrency, max_seconds=args.seconds)


def judging_world(workdir: Path, sink: Sink, loads: Loads) -> list[Row]:
    """A judge's autosave."""
    with world("judging", workdir, sink, loads.args.workers) as server:
        return measure_rows(server, loads, [Measure("autosave", "python", lambda: autosave_load(server, loads.args))])


# --- The table ---------------------------------------------------------------------------------------------------


def aim_of(row: Row) -> dict | None:
    """The issue's aim for this row and whether this run met it."""
    if row.is_floor or row.result.label not in AIMS:
        return None
    of, ratio = AIMS[row.result.label]
    return {"of": of, "ratio": ratio, "met": row.ratio("per_second", of) >= ratio}


def aim_text(row: Row) -> str:
    """The aim beside its row."""
    aim = aim_of(row)
    if aim is None:
        return ""
    return f"{aim['ratio']:.2g} of {aim['of']}: {'met' if aim['met'] else 'NOT met'}"


def ratios_text(row: Row, to: str) -> str:
    """The row's req/s, median and p99 as ratios to one floor."""
    return (f"{row.ratio('per_second', to):>5.2f}x{row.ratio('median_ms', to):>6.2f}x"
            f"{row.ratio('p99_ms', to):>6.2f}x")


def print_table(rows: list[Row]) -> None:
    """The one table: absolute figures, ratios to both floors, peak memory per app worker, aims."""
    print(f"\n{'':<16}{'':<8}{'':<7}{'ok':>6}{'errors':>7}{'req/s':>7}{'median':>8}{'p99':>7}"
          f" | {'req/s':>6}{'median':>7}{'p99':>7} | {'req/s':>6}{'median':>7}{'p99':>7} |{'peak MB':>8}  aim (req/s)")
    print(f"{'':<16}{'phase':<8}{'tool':<7}{'':>13}{'':>7}{'ms':>8}{'ms':>7} | {'ratios to /floor':>20} "
          f"| {'ratios to bare app':>20} |{'/worker':>8}")
    for row in rows:
        result = row.result
        memory = f"{row.peak_mb:>8.0f}" if row.result.label != BARE else f"{'':>8}"
        print(f"{result.label:<16}{row.phase:<8}{result.tool:<7}{result.requests:>6}{result.errors:>7}"
              f"{result.per_second:>7.0f}{result.median_ms:>8.1f}{result.p99_ms:>7.1f} | {ratios_text(row, FLOOR)} "
              f"| {ratios_text(row, BARE)} |{memory}  {aim_text(row)}".rstrip())


def growth_ratios(times: list[PageTime]) -> list[dict]:
    """Each page's time at the largest size against its time at the smallest, with the aim."""
    found = []
    for label in dict.fromkeys(page.label for page in times):
        sizes = [page for page in times if page.label == label]
        first, last = sizes[0], sizes[-1]
        ratio = last.median_ms / first.median_ms if first.median_ms else float("nan")
        found.append({"page": label, "from_votes": first.votes, "to_votes": last.votes, "ratio": round(ratio, 2),
                      "aim": GROWTH_AIM, "met": ratio <= GROWTH_AIM})
    return found


def print_growth(times: list[PageTime]) -> None:
    """The page times at each size, how much they grew from the smallest, and the aim."""
    print(f"\n{'page (median of timed requests)':<34}{'votes':>11}{'requests':>10}{'median ms':>11}{'vs first':>10}")
    first: dict[str, float] = {}
    for page in times:
        base = first.setdefault(page.label, page.median_ms)
        print(f"{page.label:<34}{page.votes:>11,}{len(page.milliseconds):>10}{page.median_ms:>11.1f}"
              f"{page.median_ms / base:>9.1f}x")
    for growth_aim in growth_ratios(times):
        print(f"  {growth_aim['page']}: {growth_aim['to_votes']:,} votes take {growth_aim['ratio']:.1f}x the time of "
              f"{growth_aim['from_votes']:,}; aim within {GROWTH_AIM:g}x: {'met' if growth_aim['met'] else 'NOT met'}")
    print("  (the results page is timed signed in, as a judge: signed-in visitors are never served a cached copy, so "
          "each request builds the page with its vote shares)")


def recount_text(checked: dict) -> str:
    """What a recount of the kept vote counts found."""
    if "recount_mismatches" not in checked:
        return "not checked (the check step reports no recount)"
    mismatches = checked["recount_mismatches"]
    if not mismatches:
        return "the kept counts equal a full recount"
    return f"MISMATCH: the kept counts differ from a full recount: {json.dumps(mismatches)}"


def print_report(args, loads: Loads, rows: list[Row], times: list[PageTime], steps: list[dict], checks: dict,
                 recount: dict, addresses: dict) -> None:
    """Everything the run measured, as one table, the growth figures, and the checks."""
    floors = [row.result for row in rows if row.is_floor]
    print(f"\ngunicorn, {args.workers} sync workers, PostgreSQL + Redis, rate limits off; the bare app (a Flask app "
          f"of five lines, bench/floor_app.py) under the same gunicorn settings.")
    if loads.get_tool != "wrk":
        print(without_wrk(args.without_wrk))
    print(loads.describe())
    print("Each row is a ratio to /floor and to the bare app, each measured by the row's tool just before and after "
          "it; floors in this run: " + "; ".join(
              f"{label} ({tool}) {min(found):.0f} to {max(found):.0f} req/s"
              for (label, tool), found in group_floors(floors).items()) + ".")
    shown = [row for row in rows if not row.is_floor or row.phase == rows[0].phase]
    print_table(shown)
    print("  " + ", ".join(f"{label}: {path}" for label, path in addresses.items()) + " (results phase)")
    print_growth(times)
    for step in steps:
        print(f"  {step['votes']:>9,} votes: inserted in {step['insert_seconds']:.0f}s, "
              f"step {step['step_seconds']:.0f}s in all")
    print(f"  after the growth ({recount['votes']:,} votes): {recount_text(recount)}")
    print(f"\nIntegrity: {checks['vote_requests_answered_303']} vote requests answered 303 and "
          f"{checks['pending_requests_made']} pending requests were made; {checks['confirmations_answered_303']} "
          f"confirmations answered 303 and {checks['new_votes']} votes were added "
          f"({checks['prepared_requests_confirmed']} prepared requests confirmed); one vote per voter key: "
          f"{'yes' if checks['votes_equal_distinct_voters'] else 'NO'}. "
          + ("No vote lost or doubled." if checks["intact"] else "MISMATCH: a vote was lost or doubled."))
    print(f"Recount after the vote path's load: {recount_text(checks)}.")
    print(f"Email: {checks['emails_sent_after_run']} delivered to the SMTP sink by `flask send-mail --once` after the "
          f"run (sink received {checks['sink_received']}); {checks['emails_waiting']} still waiting in the outbox.")


def group_floors(floors: list[Result]) -> dict[tuple[str, str], list[float]]:
    """The floors' throughputs by floor and tool."""
    grouped: dict[tuple[str, str], list[float]] = {}
    for floor in floors:
        grouped.setdefault((floor.label, floor.tool), []).append(floor.per_second)
    return grouped


def rows_by_label(rows: list[Row], label: str) -> Row:
    """The row of that label (the first, for a floor)."""
    return next(row for row in rows if row.result.label == label)


def without_wrk(asked: bool) -> str:
    """Why the GET rows are loaded by the Python client, and what that does to them."""
    why = "--without-wrk was given" if asked else "wrk is not installed"
    return (f"{why}, so the GET rows and their floors are loaded by the Python client, whose threads compete with the "
            "server for the same cores and push every ratio towards 1"
            + ("." if asked else " (install wrk for the issue's figures: apt-get install wrk)."))


# --- The record ----------------------------------------------------------------------------------------------------


def figures(result: Result) -> dict:
    """A measurement's absolute figures."""
    return {"requests_per_second": round(result.per_second, 1), "median_ms": round(result.median_ms, 2),
            "p99_ms": round(result.p99_ms, 2)}


def record(row: Row) -> dict:
    """A row as JSON."""
    result = row.result
    return {
        "row": result.label, "phase": row.phase, "tool": result.tool, "ok": result.requests, "errors": result.errors,
        **figures(result),
        "floor": figures(row.floor), "bare": figures(row.bare),
        **{f"to_{name}": {"requests_per_second": round(row.ratio("per_second", to), 3),
                          "median": round(row.ratio("median_ms", to), 3), "p99": round(row.ratio("p99_ms", to), 3)}
           for name, to in (("floor", FLOOR), ("bare", BARE))},
        "peak_worker_rss_mb": round(row.peak_mb, 1), "aim": aim_of(row),
    }


def save(args, loads: Loads, rows: list[Row], times: list[PageTime], steps: list[dict], checks: dict, recount: dict,
         addresses: dict, seconds: float) -> Path:
    """Write every figure to bench/results/run-<UTC time>.json and last-run.json; answer the first."""
    setup = {"server": f"gunicorn {args.workers} sync workers, rate limits off", "database": "PostgreSQL + Redis",
             "get_tool": loads.get_tool, "tools": loads.describe(), "concurrency": args.concurrency,
             "requests": args.requests, "seconds_limit": args.seconds, "results_phase_addresses": addresses,
             "total_seconds": round(seconds)}
    growth_records = [{"page": page.label, "votes": page.votes, "median_ms": round(page.median_ms, 1),
                       "timed_ms": [round(value, 1) for value in page.milliseconds]} for page in times]
    text = json.dumps({"setup": setup, "rows": [record(row) for row in rows], "growth": growth_records,
                       "growth_aims": growth_ratios(times), "growth_steps": steps, "recount_after_growth": recount,
                       "integrity": checks}, indent=2) + "\n"
    RESULTS_DIR.mkdir(exist_ok=True)
    this_run = RESULTS_DIR / f"run-{datetime.now(UTC):%Y%m%dT%H%M%SZ}.json"
    this_run.write_text(text)
    RESULTS_FILE.write_text(text)
    return this_run


def failures(checks: dict, recount: dict) -> list[str]:
    """What makes the run fail: a vote lost or doubled, kept counts that differ from a recount."""
    found = [] if checks["intact"] else ["a vote was lost or doubled"]
    for moment, checked in (("after the vote path's load", checks), ("after the growth", recount)):
        if checked.get("recount_mismatches"):
            found.append(f"the kept counts differ from a recount {moment}")
    return found


# --- The run -----------------------------------------------------------------------------------------------------


def parse_args() -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=2000, help="requests per Python-client row (default 2000)")
    parser.add_argument("--confirmations", type=int, default=1000, help="prepared links to confirm (default 1000)")
    parser.add_argument("--concurrency", type=int, default=8, help="Python client threads (default 8)")
    parser.add_argument("--seconds", type=float, default=20.0, help="time limit per Python-client row (default 20)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument("--votes", type=lambda text: sorted(int(n) for n in text.split(",")),
                        default=[1000, 1_000_000], help="vote counts for the growth timings (default 1000,1000000)")
    parser.add_argument("--repeats", type=int, default=5, help="timed requests per page and size (default 5)")
    parser.add_argument("--without-wrk", action="store_true",
                        help="load the GET rows with the Python client even when wrk is installed")
    return parser.parse_args()


def main() -> None:
    """Measure the three worlds, print the table and save it; exit 1 if a vote was lost or doubled or the kept counts
    differ from a recount."""
    args = parse_args()
    require_services()
    started = time.perf_counter()
    get_tool = "wrk" if wrk_path() and not args.without_wrk else "python"
    if get_tool != "wrk":
        print(without_wrk(args.without_wrk), flush=True)
    with (tempfile.TemporaryDirectory(prefix="awards-bench-") as tmp, Sink(free_port()) as sink,
          bare_app(free_port(), args.workers) as bare_url):
        workdir = Path(tmp)
        loads = Loads(args, bare_url, get_tool)
        vote_rows, checks = voting_world(workdir, sink, loads)
        night_rows, times, steps, recount, addresses = results_world(workdir, sink, loads)
        judging_rows = judging_world(workdir, sink, loads)
    rows = vote_rows + night_rows + judging_rows
    print_report(args, loads, rows, times, steps, checks, recount, addresses)
    this_run = save(args, loads, rows, times, steps, checks, recount, addresses, time.perf_counter() - started)
    print(f"\nFigures saved to {this_run.relative_to(PROJECT_ROOT)} and {RESULTS_FILE.relative_to(PROJECT_ROOT)} "
          f"({time.perf_counter() - started:.0f}s in all); `make bench-spread` prints the spread of the last three "
          "runs.")
    failed = failures(checks, recount)
    if failed:
        sys.exit("FAILED: " + "; ".join(failed) + ".")


if __name__ == "__main__":
    main()
