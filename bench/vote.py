"""Load benchmark of the public vote: the vote page, the vote request and the confirmation, as ratios to /floor.

Usage (from the project root, after `make install`; `make bench` runs it after bench/run.py):

    .venv/bin/python bench/vote.py [--requests 2000] [--confirmations 1000] [--concurrency 8] [--seconds 30]
                                   [--workers 2] [--drain]

What it does, in order:

1. builds the demo edition in the voting phase on PostgreSQL (database `awards_bench`, dropped again at the end) with
   Redis when it answers, and starts an SMTP sink (aiosmtpd) on a free port for the app's email settings;
2. setup, through the app's own services in a separate process: publishes the shortlist if the demo has not, then
   creates --confirmations pending vote requests (request_vote) and a fresh single-use link for each (issue_link),
   so that the confirmations can be measured without reading any email;
3. starts gunicorn (--workers sync workers) with rate limits switched off (RATELIMIT_ENABLED false: every request
   comes from 127.0.0.1, which the limits exist to stop) and the email backend set to SMTP, so that requests only
   write to the outbox; the send-mail worker does not run during the measurement;
4. measures, one after the other, from --concurrency client threads:
     /floor            GET of a fixed text that touches no database (the baseline),
     /vote             GET of the ballot,
     vote request      POST of the email step, a fresh address every time; each client thread first opens a session
                       (ballot, choice, email page) and takes its CSRF token, which is not measured,
     confirmation      POST of "Confirm my vote" for each prepared link, once each (a session and CSRF token per
                       client thread, taken first and not measured);
5. checks the database: every vote request answered 303 left exactly one pending request, and the number of new votes
   equals the number of confirmations answered 303 (no vote lost or doubled);
6. delivers one round of the outbox (`flask send-mail --once`, up to 100 emails; --drain delivers all) to the SMTP
   sink, to show that the email leaves through the outbox and not inside a request.

It prints requests per second, median and p99 latency per step, each as a ratio to /floor measured on the same server
in the same run, with the issue's aims beside them, and saves the figures to bench/results/vote-last-run.json. These
are measurements, not tests: nothing here fails on timing; only a lost or doubled vote makes it exit non-zero.
"""
from __future__ import annotations

import argparse
import http.client
import json
import queue
import re
import secrets
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

from http_load import LoadResult, run_load
from run import (
    BIN, PROJECT_ROOT, answers, drop_postgres_database, flask, free_port, prepare_database, ratio, server_environment,
    wait_until_healthy,
)

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
# The issue's aims, as throughput ratios to /floor.
AIMS = {"/vote": 0.4, "vote request": 0.1, "confirmation": 0.1}
# gunicorn calls the app factory with these settings (it accepts literal arguments after the factory's name).
APP_WITHOUT_LIMITS = "awards_app:create_app({'RATELIMIT_ENABLED': False})"


# --- A small HTTP client with a session cookie -------------------------------------------------------------------


class Client:
    """One keep-alive connection to 127.0.0.1 that keeps the cookies it is given, as one browser would."""

    def __init__(self, port: int):
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict | None = None) -> tuple[int, str, str]:
        """Send one request; answer (status, Location header, body). Redirects are not followed."""
        headers = {"User-Agent": "awards-bench"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
            text = response.read().decode("utf-8", "replace")
        except (OSError, http.client.HTTPException):
            self.connection.close()
            raise
        for header in response.msg.get_all("Set-Cookie") or []:
            name, _, value = header.split(";", 1)[0].partition("=")
            self.cookies[name.strip()] = value.strip()
        if response.getheader("Connection", "").lower() == "close":
            self.connection.close()
        return response.status, response.getheader("Location", ""), text

    def csrf_token(self, path: str) -> str:
        """Open a page and take the CSRF token of its form."""
        status, _location, body = self.request("GET", path)
        match = CSRF.search(body)
        if status != 200 or not match:
            raise RuntimeError(f"no form token on {path} (status {status})")
        return match.group(1)

    def close(self) -> None:
        """Close the connection."""
        self.connection.close()


def run_sessions(
    port: int, label: str, items, open_session, send, *, concurrency: int, max_seconds: float
) -> LoadResult:
    """Measure `send(client, state, item)` for each item from `concurrency` threads, each with its own session.

    `open_session(client)` runs first in each thread and is not measured; `send` answers whether the request did
    what it should. Items are shared: each is sent once, until they run out or `max_seconds` pass.
    """
    work: queue.SimpleQueue = queue.SimpleQueue()
    for item in items:
        work.put(item)
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    ready = threading.Barrier(concurrency + 1)
    deadline = [0.0]

    def worker() -> None:
        """Open a session, wait for the others, then send items until none are left or time is up."""
        client = Client(port)
        try:
            state = open_session(client)
        except Exception as problem:  # a session that cannot open sends nothing; the run says so
            print(f"  {label}: a client could not open its session: {problem}", file=sys.stderr)
            state = None
        ready.wait()
        mine, failed = [], 0
        while state is not None and time.monotonic() < deadline[0]:
            try:
                item = work.get_nowait()
            except queue.Empty:
                break
            started = time.perf_counter()
            try:
                ok = send(client, state, item)
            except (OSError, http.client.HTTPException):
                ok = False
            if ok:
                mine.append(time.perf_counter() - started)
            else:
                failed += 1
        client.close()
        with lock:
            latencies.extend(mine)
            errors[0] += failed

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    ready.wait()  # every session is open: the clock starts now
    started = time.perf_counter()
    deadline[0] = time.monotonic() + max_seconds
    for thread in threads:
        thread.join()
    return LoadResult(path=label, seconds=time.perf_counter() - started, errors=errors[0], latencies=latencies)


# --- The two measured POSTs --------------------------------------------------------------------------------------


def vote_request_load(port: int, contest_id: int, finalist_id: int, count: int, concurrency: int, seconds: float):
    """POST the email step with a fresh address each time, from sessions that have chosen a finalist."""

    def open_session(client: Client) -> str:
        token = client.csrf_token(f"/vote/{contest_id}")
        status, _location, _body = client.request(
            "POST", f"/vote/{contest_id}", {"csrf_token": token, "finalist": str(finalist_id)}
        )
        if status != 303:
            raise RuntimeError(f"choosing a finalist answered {status}")
        return client.csrf_token(f"/vote/{contest_id}/email")

    def send(client: Client, token: str, number: int) -> bool:
        address = f"bench-request-{number}-{secrets.token_hex(4)}@example.org"
        status, location, _body = client.request(
            "POST", f"/vote/{contest_id}/email", {"csrf_token": token, "email": address}
        )
        return status == 303 and location.endswith("/vote/check-email")

    return run_sessions(port, "vote request", range(count), open_session, send,
                        concurrency=concurrency, max_seconds=seconds)


def confirmation_load(port: int, tokens: list[str], concurrency: int, seconds: float):
    """POST "Confirm my vote" once for each prepared link."""

    def open_session(client: Client) -> str:
        return client.csrf_token("/vote")

    def send(client: Client, csrf: str, link_token: str) -> bool:
        status, location, _body = client.request("POST", f"/vote/confirm/{link_token}", {"csrf_token": csrf})
        return status == 303 and location.endswith("/vote/counted")

    return run_sessions(port, "confirmation", tokens, open_session, send, concurrency=concurrency, max_seconds=seconds)


# --- Setup and checks inside the app (run as separate processes with the server's settings) ----------------------


def in_app(env: dict[str, str], *args: str) -> dict:
    """Run this file's setup or check step in a process of its own, with the server's settings; its JSON answer."""
    result = subprocess.run(
        [str(BIN / "python"), str(Path(__file__).resolve()), *args],
        cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=900,
    )
    if result.returncode != 0:
        sys.exit(f"the benchmark's `{args[0]}` step failed:\n{result.stdout}{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def _demo_contest():
    """The demo's open contest, and an organiser to act as."""
    from sqlalchemy import select

    from awards_app.extensions import db
    from awards_app.models import Contest, Role, User
    from awards_app.services import clock

    now = clock.now()
    contest = db.session.scalar(select(Contest).where(Contest.opens_at <= now, Contest.closes_at > now))
    organiser = db.session.scalar(select(User).where(User.role == Role.ORGANISER))
    if contest is None or organiser is None:
        raise SystemExit("the demo has no open contest: was it built with --phase voting?")
    return contest, organiser


def prepare_step(count: int) -> dict:
    """Publish the shortlist if needed and make `count` pending vote requests with a working link each."""
    from awards_app import create_app, uow
    from awards_app.models import Vote
    from awards_app.services.links import issue_link
    from awards_app.services.shortlist_publication import shortlist_is_public
    from awards_app.services.voting import VOTE_PURPOSE, finalists_of, request_vote

    app = create_app()
    with app.app_context():
        from sqlalchemy import func, select

        from awards_app.extensions import db

        contest, organiser = _demo_contest()
        edition = contest.category.edition
        published_now = False
        if not shortlist_is_public(edition):
            from awards_app.services.shortlist_publication import publish_shortlist

            publish_shortlist(organiser, edition)
            published_now = True
        finalists = finalists_of(contest)
        tokens = []
        for number in range(count):
            vote_request = request_vote(
                contest, finalists[number % len(finalists)].id, f"bench-confirm-{number}@example.org", "127.0.0.1"
            )
            # A second link replaces the emailed one, so the benchmark knows the token without reading the email.
            tokens.append(issue_link(VOTE_PURPOSE, vote_request, vote_request.expires_at))
            if number % 200 == 199:
                uow.commit()
        uow.commit()
        votes = db.session.scalar(select(func.count()).select_from(Vote).where(Vote.contest_id == contest.id))
        return {"contest": contest.id, "finalist": finalists[0].id, "tokens": tokens, "votes_before": votes,
                "published_shortlist": published_now}


def check_step(contest_id: int) -> dict:
    """Count what the run left: votes, confirmed prepared requests, pending requests made by the email step, emails."""
    from sqlalchemy import func, select

    from awards_app import create_app
    from awards_app.extensions import db
    from awards_app.models import OutboxEmail, OutboxStatus, Vote, VoteRequest

    app = create_app()
    with app.app_context():
        def count(model, *conditions) -> int:
            return db.session.scalar(select(func.count()).select_from(model).where(*conditions)) or 0

        return {
            "votes": count(Vote, Vote.contest_id == contest_id),
            "distinct_voters": db.session.scalar(
                select(func.count(func.distinct(Vote.voter_key))).where(Vote.contest_id == contest_id)),
            "prepared_confirmed": count(VoteRequest, VoteRequest.contest_id == contest_id,
                                        VoteRequest.confirmed_at.is_not(None)),
            "requests_made": count(VoteRequest, VoteRequest.email.like("bench-request-%")),
            "outbox_pending": count(OutboxEmail, OutboxEmail.status == OutboxStatus.PENDING),
            "outbox_sent": count(OutboxEmail, OutboxEmail.status == OutboxStatus.SENT),
        }


# --- The SMTP sink -----------------------------------------------------------------------------------------------


@dataclass
class Sink:
    """An SMTP server on 127.0.0.1 that counts what it receives."""

    port: int
    received: int = 0
    controller: object = field(default=None, repr=False)

    async def handle_DATA(self, server, session, envelope):
        """Count the message and accept it."""
        self.received += 1
        return "250 Message accepted for delivery"

    def start(self) -> Sink:
        """Start listening."""
        from aiosmtpd.controller import Controller

        self.controller = Controller(self, hostname="127.0.0.1", port=self.port, server_hostname="sink.bench")
        self.controller.start()
        return self

    def stop(self) -> None:
        """Stop listening."""
        if self.controller is not None:
            self.controller.stop()


# --- The run -----------------------------------------------------------------------------------------------------


def report(results: list[LoadResult]) -> list[dict]:
    """Print the table (ratios to /floor, and the aims) and return the same figures as records."""
    base = results[0]
    print(f"{'step':<15}{'ok':>7}{'errors':>8}{'req/s':>9}{'median ms':>11}{'p99 ms':>9}"
          f"   {'req/s':>7}{'median':>8}{'p99':>8}   aim (req/s)")
    print(f"{'':<67}(as ratios to /floor)")
    records = []
    for result in results:
        aim = AIMS.get(result.path)
        share = result.per_second / base.per_second if base.per_second else 0.0
        verdict = "" if aim is None else f"{aim:.1f}x or better: {'met' if share >= aim else 'NOT met'}"
        print(f"{result.path:<15}{result.requests:>7}{result.errors:>8}{result.per_second:>9.0f}"
              f"{result.median_ms:>11.1f}{result.p99_ms:>9.1f}   {ratio(result.per_second, base.per_second):>7}"
              f"{ratio(result.median_ms, base.median_ms):>8}{ratio(result.p99_ms, base.p99_ms):>8}   {verdict}")
        records.append({
            "step": result.path, "ok": result.requests, "errors": result.errors,
            "requests_per_second": round(result.per_second, 1), "median_ms": round(result.median_ms, 2),
            "p99_ms": round(result.p99_ms, 2),
            "requests_per_second_ratio": round(share, 3),
            "median_ratio": round(result.median_ms / base.median_ms, 3) if base.median_ms else None,
            "p99_ratio": round(result.p99_ms / base.p99_ms, 3) if base.p99_ms else None,
            "aim": aim,
        })
    return records


def measure(args, env: dict[str, str], port: int, sink: Sink, described: str) -> tuple[dict, list[LoadResult], dict]:
    """Build the demo, prepare the links, serve, measure the four steps, and count what the run left behind."""
    base_url = f"http://127.0.0.1:{port}"
    print(f"Building the demo edition in the voting phase on {described} ...", flush=True)
    flask(env, "db", "upgrade")
    flask(env, "demo", "--phase", "voting")
    print(f"Preparing {args.confirmations} pending votes with their links (through the app's services) ...", flush=True)
    prepared = in_app(env, "_prepare", str(args.confirmations))
    if prepared["published_shortlist"]:
        print("  (the demo's shortlist was not published yet: the setup published it)")

    process = subprocess.Popen(
        [str(BIN / "gunicorn"), APP_WITHOUT_LIMITS, "--bind", f"127.0.0.1:{port}", "--workers", str(args.workers),
         "--log-level", "warning"],
        cwd=PROJECT_ROOT, env=env,
    )
    try:
        wait_until_healthy(base_url, process)
        ballot = Client(port)
        status, _location, body = ballot.request("GET", "/vote")
        ballot.close()
        if status != 200 or 'name="finalist"' not in body:
            sys.exit(f"/vote does not show the ballot (status {status}): is the demo's contest open?")
        for path in ("/floor", "/vote"):  # warm-up: imports, template compilation, connection pools
            run_load(base_url + path, requests=100, concurrency=args.concurrency, max_seconds=10)
        print(f"\ngunicorn, {args.workers} sync workers, {described}, rate limits off (RATELIMIT_ENABLED false: "
              f"every request comes from 127.0.0.1);\nemail written to the outbox only (SMTP sink on port "
              f"{sink.port}, send-mail not running); client: {args.concurrency} threads, one session each; "
              f"up to {args.requests} requests ({args.confirmations} confirmations) or {args.seconds:g}s per step\n",
              flush=True)
        limits = {"concurrency": args.concurrency, "max_seconds": args.seconds}
        results = [
            run_load(base_url + "/floor", requests=args.requests, **limits),
            run_load(base_url + "/vote", requests=args.requests, **limits),
            vote_request_load(port, prepared["contest"], prepared["finalist"], args.requests, args.concurrency,
                              args.seconds),
            confirmation_load(port, prepared["tokens"], args.concurrency, args.seconds),
        ]
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    # The outbox, not the requests, sends the email: one round of the worker now (all of it with --drain).
    after = in_app(env, "_check", str(prepared["contest"]))
    rounds = 0
    while rounds == 0 or (args.drain and after["outbox_pending"] and rounds < 1000):
        flask(env, "send-mail", "--once")
        rounds += 1
        after = in_app(env, "_check", str(prepared["contest"]))
    return prepared, results, after


def main() -> None:
    """Run the benchmark, print the figures and the integrity check, and save them."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=2000, help="requests for /floor, /vote and the email step")
    parser.add_argument("--confirmations", type=int, default=1000, help="prepared links to confirm (default 1000)")
    parser.add_argument("--concurrency", type=int, default=8, help="client threads (default 8)")
    parser.add_argument("--seconds", type=float, default=30.0, help="time limit per step (default 30)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument("--sqlite", action="store_true", help="use SQLite (the aims are for PostgreSQL)")
    parser.add_argument("--drain", action="store_true", help="deliver the whole outbox to the SMTP sink afterwards")
    args = parser.parse_args()
    if not args.sqlite and not answers(5432):
        sys.exit("The vote benchmark runs on PostgreSQL, which does not answer on 127.0.0.1:5432 (or use --sqlite).")

    with tempfile.TemporaryDirectory(prefix="awards-vote-bench-") as tmp:
        workdir = Path(tmp)
        database_url, redis_url, described = prepare_database(args.sqlite, workdir)
        port = free_port()
        sink = Sink(free_port()).start()
        env = server_environment(workdir, database_url, redis_url, f"http://127.0.0.1:{port}")
        env.update({"MAIL_BACKEND": "smtp", "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(sink.port)})
        try:
            prepared, results, after = measure(args, env, port, sink, described)
        finally:
            sink.stop()
            drop_postgres_database(database_url)

    records = report(results)
    request_step, confirm_step = results[2], results[3]
    new_votes = after["votes"] - prepared["votes_before"]
    checks = {
        "vote_requests_answered_303": request_step.requests,
        "pending_requests_made": after["requests_made"],
        "confirmations_answered_303": confirm_step.requests,
        "new_votes": new_votes,
        "prepared_requests_confirmed": after["prepared_confirmed"],
        "votes_equal_distinct_voters": after["votes"] == after["distinct_voters"],
    }
    intact = (
        checks["pending_requests_made"] == checks["vote_requests_answered_303"]
        and new_votes == confirm_step.requests == after["prepared_confirmed"]
        and checks["votes_equal_distinct_voters"]
    )
    print(f"\nIntegrity: {request_step.requests} vote requests answered 303 and {after['requests_made']} pending "
          f"requests were made; {confirm_step.requests} confirmations answered 303 and {new_votes} votes were added "
          f"({after['prepared_confirmed']} prepared requests confirmed); one vote per voter key: "
          f"{'yes' if checks['votes_equal_distinct_voters'] else 'NO'}. "
          + ("No vote lost or doubled." if intact else "MISMATCH: a vote was lost or doubled."))
    print(f"Email: {after['outbox_sent']} delivered to the SMTP sink by `flask send-mail --once` after the run "
          f"(sink received {sink.received}); {after['outbox_pending']} still waiting in the outbox"
          + ("" if args.drain else " (--drain delivers them all)") + ".")

    out = PROJECT_ROOT / "bench" / "results" / "vote-last-run.json"
    out.parent.mkdir(exist_ok=True)
    setup = {"server": f"gunicorn {args.workers} sync workers", "database": described,
             "concurrency": args.concurrency, "rate_limits": "off (RATELIMIT_ENABLED false)",
             "email": "outbox only during the run; SMTP sink afterwards"}
    out.write_text(json.dumps({"setup": setup, "results": records, "integrity": {**checks, "intact": intact}},
                              indent=2) + "\n")
    print(f"Figures saved to {out.relative_to(PROJECT_ROOT)}")
    if not intact:
        sys.exit(1)


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "_prepare":
        print(json.dumps(prepare_step(int(sys.argv[2]))))
    elif len(sys.argv) == 3 and sys.argv[1] == "_check":
        print(json.dumps(check_step(int(sys.argv[2]))))
    else:
        main()
