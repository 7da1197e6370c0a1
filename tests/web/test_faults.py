"""Faults survived: SMTP down, Redis down, PostgreSQL down and back, a gunicorn worker killed during a burst of votes.

Each test makes the fault real (a port where nothing listens, a TCP proxy that is cut, a worker sent SIGKILL) and
checks what a person sees and what the database holds afterwards.
"""
from __future__ import annotations

import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

import pytest
from sqlalchemy import func, select

from awards_app.config import load_config
from awards_app.core.models import OutboxEmail, OutboxStatus
from awards_app.extensions import db
from awards_app.nominations.models import Nomination
from awards_app.voting.models import Vote, VoteRequest
from tests.factories.voting import voting_site
from tests.fixtures.apps import side_app
from tests.fixtures.browser import (
    drop_postgres_database,
    gunicorn,
    recreate_postgres_database,
    run_flask,
    server_environment,
    with_database,
)
from tests.fixtures.mail import free_port
from tests.web.test_nominate import Journey
from tests.web.test_nominate import edition as nominations_edition  # noqa: F401  (a fixture)
from tests.web.test_vote import LINK, Voter

PROJECT = Path(__file__).resolve().parents[2]
POSTGRES_URL = os.environ.get("TEST_DATABASE_URL")
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


# --- SMTP down: the person's flow goes on, the email waits in the outbox --------------------------------------------


def send_mail_once(runner) -> str:
    """Run `flask send-mail --once` and return what it printed."""
    result = runner.invoke(args=["send-mail", "--once"])
    assert result.exit_code == 0, result.output
    return result.output


def deliver_when_smtp_is_back(runner, start_smtp_sink, down, clock, expected: list[str]):
    """The waiting emails stay pending while SMTP is down, then go once each when it is back; answers the sink."""
    assert "0 emails sent" in send_mail_once(runner)
    waiting = list(db.session.scalars(select(OutboxEmail).order_by(OutboxEmail.id)))
    assert [email.to_address for email in waiting] == expected
    assert all(email.status is OutboxStatus.PENDING and "could not connect" in email.last_error for email in waiting)

    sink = start_smtp_sink(port=down.port)  # the server is back, on the same port
    clock.advance(seconds=31)  # the first retry is due after 30 seconds
    assert send_mail_once(runner).startswith(f"{len(expected)} email")
    clock.advance(hours=2)
    assert send_mail_once(runner).startswith("0 emails sent")  # nothing is sent twice
    assert sorted(received.rcpt_tos[0] for received in sink.received) == sorted(expected)
    assert len({received.message["Message-ID"] for received in sink.received}) == len(expected)
    assert all(email.status is OutboxStatus.SENT for email in waiting)
    return sink


def test_a_nomination_is_sent_while_smtp_is_down_and_its_emails_go_when_it_is_back(
    client, clock, nominations_edition, start_smtp_sink, runner, db_session  # noqa: F811
):
    down = start_smtp_sink(listen=False)  # the app's SMTP server refuses connections
    journey = Journey(client, clock)
    journey.fill(nominations_edition.categories[0])
    response = journey.submit()
    assert response.status_code == 303 and response.location == "/nominate/sent"
    assert "Nomination sent" in client.get("/nominate/sent").get_data(as_text=True)
    assert db_session.scalar(select(func.count(Nomination.id))) == 1
    deliver_when_smtp_is_back(runner, start_smtp_sink, down, clock, ["iain@example.org", "morag@example.org"])


def test_a_vote_is_requested_while_smtp_is_down_and_the_link_goes_when_it_is_back(
    client, clock, db_session, start_smtp_sink, runner
):
    site = voting_site()
    db_session.commit()
    down = start_smtp_sink(listen=False)
    voter = Voter(client, site)
    response = voter.ask("jo.bloggs@example.org")
    assert response.status_code == 303 and response.location.endswith("/vote/check-email")
    assert "jo.bloggs@example.org" in client.get("/vote/check-email").get_data(as_text=True)
    sink = deliver_when_smtp_is_back(runner, start_smtp_sink, down, clock, ["jo.bloggs@example.org"])
    # The link that finally arrived works (read from the email received: the outbox keeps no link once it has gone).
    arrived = LINK.search(sink.received[-1].part("text/plain")).group(1)
    assert voter.confirm(arrived).location.endswith("/vote/counted")
    assert db_session.scalar(select(func.count(Vote.id))) == 1


# --- Redis down: limits fall back to memory on a public write route ------------------------------------------------

# Another process of the app, its rate limits pointed at a Redis port where nothing listens, asking for votes.
REDIS_DOWN_VOTER = """
import json, re, sys
from flask_migrate import upgrade
from awards_app import create_app
from awards_app.extensions import db
from awards_app.voting.models import VoteRequest
from sqlalchemy import func, select
from tests.factories.voting import voting_site
app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite:///" + sys.argv[1],
                  "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:1/0", "SECRET_KEY": "x", "MAIL_BACKEND": "smtp"})
token = lambda page: re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.get_data(as_text=True)).group(1)
with app.app_context():
    upgrade()
    site = voting_site()
    db.session.commit()
    contest, finalist = site.contest.id, site.finalists[0].id
# Outside the set-up's app context, so that each request gets a fresh one, as under gunicorn.
statuses = []
for number in range(11):
    client = app.test_client()
    client.post(f"/vote/{contest}", data={"csrf_token": token(client.get(f"/vote/{contest}")),
                                          "finalist": str(finalist)})
    page = client.get(f"/vote/{contest}/email")
    statuses.append(client.post(f"/vote/{contest}/email", data={
        "csrf_token": token(page), "email": f"voter{number}@example.org"}).status_code)
with app.app_context():
    pending = db.session.scalar(select(func.count(VoteRequest.id)))
print(json.dumps({"statuses": statuses, "pending": pending}))
"""


def test_with_redis_down_vote_requests_are_served_and_still_limited_per_process(tmp_path):
    env = {**os.environ, "AWARDS_INSTANCE_PATH": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-c", REDIS_DOWN_VOTER, str(tmp_path / "redis-down.db")],
        cwd=PROJECT, env=env, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "falling back to in-memory storage" in result.stderr  # Redis really was unreachable
    answer = json.loads(result.stdout.strip().splitlines()[-1])
    # Served: ten requests made (their emails queued), then the per-client limit (10 an hour) counted in memory.
    assert answer["statuses"] == [303] * 10 + [429], answer
    assert answer["pending"] == 10


# --- PostgreSQL down, then back ---------------------------------------------------------------------------------


class TcpProxy:
    """A TCP proxy on 127.0.0.1 in front of another port, that can be cut (every connection closed) and restored."""

    def __init__(self, target_host: str, target_port: int):
        self.target = (target_host, target_port)
        self.port = free_port()
        self.listener: socket.socket | None = None
        self.sockets: set[socket.socket] = set()
        self.lock = threading.Lock()

    def start(self) -> TcpProxy:
        """Listen on the proxy's port (the same one each time) and pass connections through."""
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self.listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()
        return self

    def stop(self) -> None:
        """Stop listening and close every connection, as a database that goes down would."""
        if self.listener is not None:
            try:
                self.listener.shutdown(socket.SHUT_RDWR)  # wakes the accept() blocked on it
            except OSError:
                pass
            self.listener.close()
            self.listener = None
        with self.lock:
            doomed, self.sockets = self.sockets, set()
        for sock in doomed:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()

    def _accept(self, listener: socket.socket) -> None:
        """Take connections until the listener closes; each gets a connection to the target and two pumps."""
        while True:
            try:
                client, _address = listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.target, timeout=5)
                upstream.settimeout(None)
            except OSError:
                client.close()
                continue
            with self.lock:
                self.sockets.update((client, upstream))
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        """Copy bytes one way until either side closes."""
        try:
            while chunk := source.recv(65536):
                sink.sendall(chunk)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass


def _through(url: str, port: int) -> str:
    """The same database URL, reached through 127.0.0.1:port."""
    parts = urlsplit(url)
    credentials = parts.netloc.rpartition("@")[0]
    netloc = f"{credentials}@127.0.0.1:{port}" if credentials else f"127.0.0.1:{port}"
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


@pytest.fixture
def postgres_proxy(app):
    """A proxy in front of the test database's PostgreSQL server, running; stopped after the test."""
    upstream = urlsplit(app.config["SQLALCHEMY_DATABASE_URI"])
    proxy = TcpProxy(upstream.hostname or "127.0.0.1", upstream.port or 5432).start()
    yield proxy
    proxy.stop()


@pytest.mark.postgres
def test_postgres_down_gives_503_then_the_same_app_recovers_when_it_is_back(app, postgres_proxy, tmp_path):
    url = _through(app.config["SQLALCHEMY_DATABASE_URI"], postgres_proxy.port)
    # The engine options production would use for this URL (pre-ping, a short connect timeout).
    options = load_config(tmp_path, {"DATABASE_URL": url})["SQLALCHEMY_ENGINE_OPTIONS"]
    assert options["pool_pre_ping"] and options["connect_args"]["connect_timeout"] <= 5
    served = side_app({"SQLALCHEMY_DATABASE_URI": url, "SQLALCHEMY_ENGINE_OPTIONS": options})
    client = served.test_client()
    try:
        assert client.get("/healthz").status_code == 200
        assert client.get("/").status_code == 200  # the pool now holds a connection through the proxy

        postgres_proxy.stop()  # the database goes down: connections cut, new ones refused
        started = time.monotonic()
        assert client.get("/healthz").status_code == 503
        home = client.get("/")
        page = home.get_data(as_text=True)
        assert home.status_code == 503
        assert "Sorry, the service is unavailable" in page and "psycopg" not in page
        assert time.monotonic() - started < 15  # failing fast, not hanging

        postgres_proxy.start()  # back, on the same port; the app is not restarted
        assert client.get("/healthz").status_code == 200
        home = client.get("/")
        assert home.status_code == 200 and "Self Management Awards" in home.get_data(as_text=True)
    finally:
        with served.app_context():
            db.engine.dispose()


# --- A gunicorn worker killed during a burst of votes -------------------------------------------------------------

BURST_LINKS = 240
BURST_CLIENTS = 8
# Rate limits off: every request of the burst comes from 127.0.0.1, which the per-client limits exist to stop.
APP_WITHOUT_LIMITS = "awards_app:create_app({'RATELIMIT_ENABLED': False})"


@contextmanager
def voting_server(work: Path, database: str):
    """gunicorn (2 workers) on a PostgreSQL database of its own holding the demo in its voting phase."""
    recreate_postgres_database(POSTGRES_URL, database)
    port = free_port()
    env = server_environment(work / "instance", with_database(POSTGRES_URL, database), f"http://127.0.0.1:{port}")
    try:
        run_flask(env, "db", "upgrade")
        run_flask(env, "demo", "--phase", "voting")
        with gunicorn(APP_WITHOUT_LIMITS, env, work / "gunicorn.log", bind=f"127.0.0.1:{port}", workers=2,
                      health_url=f"http://127.0.0.1:{port}") as process:
            yield process, port, env
    finally:
        drop_postgres_database(POSTGRES_URL, database)


def workers_of(master: int) -> list[int]:
    """The process ids of gunicorn's workers (the master's children)."""
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return [int(pid) for pid in children]


def prepare_links(env: dict[str, str], count: int) -> dict:
    """Through the services, on the server's database: `count` pending vote requests, each with a working link."""
    from awards_app.accounts.models import Role, User
    from awards_app.core import clock, uow
    from awards_app.publication.public_shortlist import publish_shortlist, shortlist_is_public
    from awards_app.voting.models import Contest
    from awards_app.voting.votes import ballot_finalists, replace_vote_link, request_vote

    clock.freeze(None)
    other = side_app({"SQLALCHEMY_DATABASE_URI": env["DATABASE_URL"].replace("postgresql://", "postgresql+psycopg://"),
                      "SECRET_KEY": env["SECRET_KEY"], "PUBLIC_BASE_URL": env["PUBLIC_BASE_URL"],
                      "MAIL_BACKEND": "smtp"})
    with other.app_context():
        now = clock.now()
        contest = db.session.scalar(select(Contest).where(Contest.opens_at <= now, Contest.closes_at > now))
        edition = contest.category.edition
        if not shortlist_is_public(edition):
            publish_shortlist(db.session.scalar(select(User).where(User.role == Role.ORGANISER)), edition)
        finalists = ballot_finalists(contest)
        links = []
        for number in range(count):
            pending = request_vote(contest, finalists[number % len(finalists)].id, f"burst{number}@example.org",
                                   "203.0.113.9")
            # A second link replaces the emailed one, so the test knows the token without reading the email.
            links.append((pending.id, replace_vote_link(pending)))
        uow.commit()
        prepared = {"contest": contest.id, "links": links}
        db.session.remove()
    return prepared, other


class Presser:
    """One person's browser: a CSRF token from the vote page, then "Confirm my vote", pressed again if it fails."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}
        self.csrf = ""

    def request(self, method: str, path: str, form: dict | None = None) -> tuple[int, str, str]:
        """One request on a fresh connection (gunicorn's sync workers close each one); (status, location, body)."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=20)
        headers = {"Cookie": "; ".join(f"{name}={value}" for name, value in self.cookies.items())}
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
        finally:
            connection.close()
        for header in response.msg.get_all("Set-Cookie") or []:
            name, _, value = header.split(";", 1)[0].partition("=")
            self.cookies[name.strip()] = value.strip()
        return response.status, response.getheader("Location", ""), text

    def confirm(self, token: str, attempts: int = 6) -> tuple[bool, int]:
        """Press the button until the vote is counted (or give up); (counted, how many presses failed)."""
        failures = 0
        for _attempt in range(attempts):
            try:
                if not self.csrf:
                    _status, _location, page = self.request("GET", "/vote")
                    self.csrf = CSRF.search(page).group(1)
                status, location, _body = self.request("POST", f"/vote/confirm/{token}", {"csrf_token": self.csrf})
            except (OSError, http.client.HTTPException, AttributeError):
                failures += 1  # the connection broke (the worker died), or a page without its form came back
                time.sleep(0.05)
                continue
            if status == 303 and location.endswith("/vote/counted"):
                return True, failures
            failures += 1
            time.sleep(0.05)
        return False, failures


@pytest.mark.postgres
def test_a_worker_killed_during_a_burst_of_votes_loses_and_doubles_nothing(tmp_path):
    started = time.monotonic()
    with voting_server(tmp_path, f"awards_faults_{os.getpid()}") as (process, port, env):
        prepared, other = prepare_links(env, BURST_LINKS)
        links = prepared["links"]
        queue = list(reversed(links))
        queue_lock = threading.Lock()
        done, failures, outcomes = [0], [0], {}

        def press() -> None:
            presser = Presser(port)
            while True:
                with queue_lock:
                    if not queue:
                        return
                    request_id, token = queue.pop()
                counted, failed = presser.confirm(token)
                with queue_lock:
                    outcomes[request_id] = counted
                    failures[0] += failed
                    done[0] += 1

        threads = [threading.Thread(target=press, daemon=True) for _ in range(BURST_CLIENTS)]
        for thread in threads:
            thread.start()
        while done[0] < BURST_LINKS // 3:
            time.sleep(0.01)
        victim = workers_of(process.pid)[0]
        os.kill(victim, signal.SIGKILL)  # in the middle of the burst, with requests in flight
        killed_at = done[0]
        for thread in threads:
            thread.join(timeout=60)
        assert not any(thread.is_alive() for thread in threads)
        assert killed_at < BURST_LINKS  # the kill really came during the burst
        assert victim not in workers_of(process.pid)  # gunicorn replaced it

        with other.app_context():
            ids = [request_id for request_id, _token in links]
            requests = {row.id: row for row in db.session.scalars(select(VoteRequest).where(VoteRequest.id.in_(ids)))}
            keys = {row.voter_key for row in requests.values()}
            votes = list(db.session.scalars(select(Vote).where(Vote.contest_id == prepared["contest"],
                                                               Vote.voter_key.in_(keys))))
            per_key = {}
            for vote in votes:
                per_key[vote.voter_key] = per_key.get(vote.voter_key, 0) + 1
            for request_id, row in requests.items():
                # The request is its own link: confirming it is using the link up.
                assert row.link_digest is not None and row.superseded_at is None, request_id
                if row.confirmed_at is not None:
                    # Confirmed: exactly one vote, for the finalist chosen, and the address gone.
                    assert per_key.get(row.voter_key) == 1, request_id
                    assert row.email is None, request_id
                else:
                    # Not confirmed: no vote, and the link still works (pressing again would count it).
                    assert per_key.get(row.voter_key) is None and row.email, request_id
            assert all(count == 1 for count in per_key.values())  # no vote doubled
            # Every person who pressed until it worked was counted, once: none lost.
            counted = [request_id for request_id, ok in outcomes.items() if ok]
            assert all(requests[request_id].confirmed_at is not None for request_id in counted)
            assert len(counted) == BURST_LINKS, f"{BURST_LINKS - len(counted)} never counted"
            assert len(votes) == BURST_LINKS
            db.session.remove()
            db.engine.dispose()
    print(f"\nworker killed after {killed_at} of {BURST_LINKS} confirmations; {failures[0]} presses failed and were "
          f"pressed again; {time.monotonic() - started:.1f}s in all")
