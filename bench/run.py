"""Every benchmark of the awards app, against gunicorn, PostgreSQL and Redis, printed as one table.

Usage (from the project root, after `make install`; `make bench` does both):

    .venv/bin/python bench/run.py [--requests 2000] [--confirmations 1000] [--concurrency 8] [--seconds 20]
                                  [--workers 2] [--votes 1000,1000000] [--repeats 5]

Each world is a fresh PostgreSQL database (`awards_bench`, dropped at the end) with the demo edition in one phase,
served by one gunicorn (--workers sync workers, rate limits off: every request comes from 127.0.0.1, which the limits
exist to stop; email goes to the outbox and, after the run, to an SMTP sink):

  voting phase    /floor (a fixed text, no database: the baseline), the home page, /shortlist, /vote (the ballot),
                  the vote request (POST of the email step, a fresh address each time) and the confirmation (POST of
                  "Confirm my vote" on links prepared through the app's services, once each); then the integrity
                  check (no vote lost or doubled: exit status 1 otherwise) and one round of `flask send-mail --once`;
  results phase   /floor, a /results poll (htmx's GET with If-None-Match, answered 304), then the cost of growth:
                  the votes of the demo's contest raised to each of --votes with SQL (bench/growth.py), and at each
                  size the organisers' vote view (signed in) and the results page (a visitor) timed --repeats times;
  judging phase   /floor, a judge's autosave (htmx's POST of one score, from signed-in judges).

Each row's throughput, median and p99 latency are ratios to /floor measured by the same server just before and just
after that row (the two runs taken together), so that they mean something on a noisy machine; peak memory is the
largest resident memory (VmRSS, sampled every 50 ms) of any one gunicorn worker during that row. The issues' aims
stand beside their rows. The figures are saved to bench/results/last-run.json. These are measurements, not tests:
nothing fails on timing.
"""
from __future__ import annotations

import argparse
import itertools
import json
import re
import secrets
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from app_steps import in_app
from growth import PageTime, grow_to, time_page, votes_in
from http_load import Client, LoadResult, run_load, run_sessions
from server import (
    PROJECT_ROOT,
    MemoryWatch,
    Sink,
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
# The issues' aims, as throughput ratios to /floor.
AIMS = {"/vote": 0.4, "vote request": 0.1, "confirmation": 0.1, "/results poll": 0.7}
HTMX = {"HX-Request": "true"}
RESULTS_FILE = PROJECT_ROOT / "bench" / "results" / "last-run.json"


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

    def organiser(self) -> tuple[str, str]:
        """The demo organiser's email and password."""
        return next((email, password) for role, email, password in self.sign_ins if role == "organiser")


@contextmanager
def world(phase: str, workdir: Path, sink: Sink, workers: int):
    """Build the demo in `phase` in a fresh database and serve it; drop the database afterwards."""
    database_url = fresh_database()
    port = free_port()
    env = server_environment(workdir / phase, database_url, port, sink.port)
    try:
        print(f"\n== {phase} phase: building the demo edition on PostgreSQL ...", flush=True)
        flask(env, "db", "upgrade")
        sign_ins = SIGN_IN_LINE.findall(flask(env, "demo", "--phase", phase))
        with gunicorn(env, port, workers) as process:
            yield World(phase, env, port, process.pid, sign_ins, database_url)
    finally:
        drop_database()


@dataclass
class Row:
    """One line of the table: a measurement, the /floor of the same server, and the workers' peak memory."""

    result: LoadResult
    floor: LoadResult
    peak_mb: float
    phase: str

    def ratio(self, name: str) -> float:
        """This row's figure as a ratio to the floor's."""
        mine, base = getattr(self.result, name), getattr(self.floor, name)
        return mine / base if base else float("nan")


def measured(server: World, measure) -> tuple[LoadResult, float]:
    """Run `measure()` while watching the workers' memory; answer its result and the peak in MB."""
    with MemoryWatch(server.master_pid) as memory:
        result = measure()
    return result, memory.peak_mb


def measure_rows(server: World, measures: list, args) -> list[Row]:
    """Warm up, then measure /floor and each (label, measure) in turn with a /floor between every two rows.

    Each row's ratios are to the /floor runs just before and just after it, taken together: the machine as it was
    around that row (other work on it comes and goes, and a single /floor run can catch a busy or a quiet moment).
    """
    for _ in range(2):  # warm-up: imports, template compilation, connection pools (not measured)
        run_load(server.base_url + "/floor", requests=100, concurrency=args.concurrency, max_seconds=10)
    floor, floor_mb = measured(server, lambda: get(server, "/floor", args))
    rows = [Row(floor, floor, floor_mb, server.phase)]
    before = floor
    for label, measure in measures:
        print(f"   measuring {label} ...", flush=True)
        result, peak = measured(server, measure)
        after = get(server, "/floor", args)
        rows.append(Row(result, before.together_with(after), peak, server.phase))
        before = after
    return rows


def get(server: World, path: str, args, label: str = "", headers: dict | None = None, expect: int = 200):
    """Load one GET the row's way (--requests, --concurrency, --seconds)."""
    return run_load(server.base_url + path, label=label or path, requests=args.requests,
                    concurrency=args.concurrency, max_seconds=args.seconds, headers=headers, expect=expect)


def warmed_get(server: World, path: str, args):
    """A measure of a page that is first loaded a little, unmeasured (templates compiled in every worker)."""
    def measure() -> LoadResult:
        run_load(server.base_url + path, requests=50, concurrency=args.concurrency, max_seconds=10)
        return get(server, path, args)
    return measure


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


def integrity(prepared: dict, after: dict, requested: LoadResult, confirmed: LoadResult) -> dict:
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
    return checks


def voting_world(workdir: Path, sink: Sink, args) -> tuple[list[Row], dict]:
    """The public pages and the vote path; then the integrity check and one round of the outbox."""
    with world("voting", workdir, sink, args.workers) as server:
        print(f"   preparing {args.confirmations} pending votes with their links (through the app's services) ...",
              flush=True)
        prepared = in_app(server.env, "prepare-votes", str(args.confirmations))
        answer = Client(server.port).request("GET", "/vote")
        if answer.status != 200 or 'name="finalist"' not in answer.body:
            sys.exit(f"/vote does not show the ballot (status {answer.status}): is the demo's contest open?")
        rows = measure_rows(server, [
            ("/", warmed_get(server, "/", args)),
            ("/shortlist", warmed_get(server, "/shortlist", args)),
            ("/vote", warmed_get(server, "/vote", args)),
            ("vote request", lambda: vote_request_load(server, prepared, args)),
            ("confirmation", lambda: confirmation_load(server, prepared, args)),
        ], args)
        # Every answer is in, so every commit is done: count, then let the outbox send one round (in no request).
        after = in_app(server.env, "check", str(prepared["contest"]))
        checks = integrity(prepared, after, rows[4].result, rows[5].result)
        flask(server.env, "send-mail", "--once")
        mailed = in_app(server.env, "check", str(prepared["contest"]))
    checks.update(emails_sent_after_run=mailed["outbox_sent"], emails_waiting=mailed["outbox_pending"],
                  sink_received=sink.received)
    return rows, checks


# --- The results phase -------------------------------------------------------------------------------------------


def results_poll(server: World, args) -> LoadResult:
    """An open results page's poll: htmx's GET with the previous answer's ETag, answered 304 while nothing changed."""
    first = Client(server.port).request("GET", "/results", headers=HTMX)
    etag = first.headers.get("ETag")
    if first.status != 200 or not etag:
        sys.exit(f"/results did not answer a poll with an ETag (status {first.status})")
    poll = {**HTMX, "If-None-Match": etag}
    run_load(server.base_url + "/results", requests=100, concurrency=args.concurrency, headers=poll, expect=304)
    return get(server, "/results", args, label="/results poll", headers=poll, expect=304)


def growth(server: World, args) -> tuple[list[PageTime], list[dict]]:
    """Raise the contest's votes to each size and time the organisers' vote view and the results page."""
    night = in_app(server.env, "night")
    organiser, visitor = Client(server.port), Client(server.port)
    sign_in(organiser, *server.organiser())
    votes_view = f"/admin/contests/{night['contest']}/votes"
    times, steps = [], []
    for target in args.votes:
        started = time.perf_counter()
        inserted_in = grow_to(server.database_url, night["contest"], night["organiser"], target)
        count = votes_in(server.database_url, night["contest"])
        print(f"   {count:,} votes ({inserted_in:.0f}s to insert); timing the pages ...", flush=True)
        budget = 3 * args.seconds  # a slow page is still timed a few times, but the step stays bounded
        times.append(time_page(organiser, "organisers' vote view", votes_view, count, args.repeats, budget))
        times.append(time_page(visitor, "results page", "/results", count, args.repeats, budget))
        steps.append({"votes": count, "insert_seconds": round(inserted_in, 1),
                      "step_seconds": round(time.perf_counter() - started, 1)})
    return times, steps


def results_world(workdir: Path, sink: Sink, args) -> tuple[list[Row], list[PageTime], list[dict]]:
    """The ceremony's poll, then the cost of growth."""
    with world("results", workdir, sink, args.workers) as server:
        rows = measure_rows(server, [("/results poll", lambda: results_poll(server, args))], args)
        times, steps = growth(server, args)
    return rows, times, steps


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


def judging_world(workdir: Path, sink: Sink, args) -> list[Row]:
    """A judge's autosave."""
    with world("judging", workdir, sink, args.workers) as server:
        return measure_rows(server, [("autosave", lambda: autosave_load(server, args))], args)


# --- The table ---------------------------------------------------------------------------------------------------


def aim_text(row: Row) -> str:
    """The issue's aim for this row and whether this run met it."""
    aim = AIMS.get(row.result.label)
    if aim is None:
        return ""
    return f"{aim:.1f}x or better: {'met' if row.ratio('per_second') >= aim else 'NOT met'}"


def print_table(rows: list[Row]) -> None:
    """The one table: absolute figures, ratios to /floor of the same server, peak memory per worker, aims."""
    print(f"\n{'':<16}{'':<9}{'ok':>6}{'errors':>7}{'req/s':>7}{'median':>8}{'p99':>7}"
          f" | {'req/s':>6}{'median':>7}{'p99':>7} |{'peak MB':>8}  aim (req/s)")
    print(f"{'':<16}{'phase':<9}{'':>13}{'':>7}{'ms':>8}{'ms':>7} | {'(ratios to /floor)':>20} |{'/worker':>8}")
    for row in rows:
        result = row.result
        print(f"{result.label:<16}{row.phase:<9}{result.requests:>6}{result.errors:>7}{result.per_second:>7.0f}"
              f"{result.median_ms:>8.1f}{result.p99_ms:>7.1f} | {row.ratio('per_second'):>5.2f}x"
              f"{row.ratio('median_ms'):>6.2f}x{row.ratio('p99_ms'):>6.2f}x |{row.peak_mb:>8.0f}  {aim_text(row)}".rstrip())


def print_growth(times: list[PageTime]) -> None:
    """The page times at each size, and how much they grew from the smallest."""
    print(f"\n{'page (median of timed requests)':<34}{'votes':>11}{'requests':>10}{'median ms':>11}{'vs first':>10}")
    first: dict[str, float] = {}
    for page in times:
        base = first.setdefault(page.label, page.median_ms)
        print(f"{page.label:<34}{page.votes:>11,}{len(page.milliseconds):>10}{page.median_ms:>11.1f}"
              f"{page.median_ms / base:>9.1f}x")


def record(row: Row) -> dict:
    """A row as JSON."""
    result = row.result
    return {
        "row": result.label, "phase": row.phase, "ok": result.requests, "errors": result.errors,
        "requests_per_second": round(result.per_second, 1), "median_ms": round(result.median_ms, 2),
        "p99_ms": round(result.p99_ms, 2), "floor_requests_per_second": round(row.floor.per_second, 1),
        "requests_per_second_ratio": round(row.ratio("per_second"), 3),
        "median_ratio": round(row.ratio("median_ms"), 3), "p99_ratio": round(row.ratio("p99_ms"), 3),
        "peak_worker_rss_mb": round(row.peak_mb, 1), "aim": AIMS.get(result.label),
    }


def save(args, rows: list[Row], times: list[PageTime], steps: list[dict], checks: dict, seconds: float) -> None:
    """Write every figure to bench/results/last-run.json."""
    setup = {"server": f"gunicorn {args.workers} sync workers, rate limits off", "database": "PostgreSQL + Redis",
             "concurrency": args.concurrency, "requests": args.requests, "seconds_limit": args.seconds,
             "total_seconds": round(seconds)}
    growth_records = [{"page": page.label, "votes": page.votes, "median_ms": round(page.median_ms, 1),
                       "timed_ms": [round(value, 1) for value in page.milliseconds]} for page in times]
    RESULTS_FILE.parent.mkdir(exist_ok=True)
    RESULTS_FILE.write_text(json.dumps({"setup": setup, "rows": [record(row) for row in rows],
                                        "growth": growth_records, "growth_steps": steps, "integrity": checks},
                                       indent=2) + "\n")


def print_report(args, rows: list[Row], times: list[PageTime], steps: list[dict], checks: dict) -> None:
    """Everything the run measured, as one table, the growth figures, and the checks."""
    floors = [row.floor.per_second for row in rows]
    print(f"\ngunicorn, {args.workers} sync workers, PostgreSQL + Redis, rate limits off; client: {args.concurrency} "
          f"threads on the same {os_cores()} cores, up to {args.requests} requests or {args.seconds:g}s per row.")
    print(f"Each row is a ratio to /floor served by the same server just before and after it (/floor in this run: "
          f"{min(floors):.0f} to {max(floors):.0f} req/s).")
    print_table([rows_by_label(rows, label) for label in
                 ("/floor", "/", "/shortlist", "/vote", "vote request", "confirmation", "/results poll", "autosave")])
    print_growth(times)
    for step in steps:
        print(f"  {step['votes']:>9,} votes: inserted in {step['insert_seconds']:.0f}s, "
              f"step {step['step_seconds']:.0f}s in all")
    print(f"\nIntegrity: {checks['vote_requests_answered_303']} vote requests answered 303 and "
          f"{checks['pending_requests_made']} pending requests were made; {checks['confirmations_answered_303']} "
          f"confirmations answered 303 and {checks['new_votes']} votes were added "
          f"({checks['prepared_requests_confirmed']} prepared requests confirmed); one vote per voter key: "
          f"{'yes' if checks['votes_equal_distinct_voters'] else 'NO'}. "
          + ("No vote lost or doubled." if checks["intact"] else "MISMATCH: a vote was lost or doubled."))
    print(f"Email: {checks['emails_sent_after_run']} delivered to the SMTP sink by `flask send-mail --once` after the "
          f"run (sink received {checks['sink_received']}); {checks['emails_waiting']} still waiting in the outbox.")


def rows_by_label(rows: list[Row], label: str) -> Row:
    """The row of that label (the voting phase's /floor for the floor row)."""
    return next(row for row in rows if row.result.label == label)


def os_cores() -> int:
    """The machine's cores, which the client shares with the server."""
    import os

    return os.cpu_count() or 1


# --- The run -----------------------------------------------------------------------------------------------------


def parse_args() -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=2000, help="requests per row (default 2000)")
    parser.add_argument("--confirmations", type=int, default=1000, help="prepared links to confirm (default 1000)")
    parser.add_argument("--concurrency", type=int, default=8, help="client threads (default 8)")
    parser.add_argument("--seconds", type=float, default=20.0, help="time limit per row (default 20)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument("--votes", type=lambda text: sorted(int(n) for n in text.split(",")),
                        default=[1000, 1_000_000], help="vote counts for the growth timings (default 1000,1000000)")
    parser.add_argument("--repeats", type=int, default=5, help="timed requests per page and size (default 5)")
    return parser.parse_args()


def main() -> None:
    """Measure the three worlds, print the table and save it; exit 1 if a vote was lost or doubled."""
    args = parse_args()
    require_services()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="awards-bench-") as tmp, Sink(free_port()) as sink:
        workdir = Path(tmp)
        vote_rows, checks = voting_world(workdir, sink, args)
        night_rows, times, steps = results_world(workdir, sink, args)
        judging_rows = judging_world(workdir, sink, args)
    rows = vote_rows + night_rows + judging_rows
    print_report(args, rows, times, steps, checks)
    save(args, rows, times, steps, checks, time.perf_counter() - started)
    print(f"\nFigures saved to {RESULTS_FILE.relative_to(PROJECT_ROOT)} ({time.perf_counter() - started:.0f}s in all).")
    if not checks["intact"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
