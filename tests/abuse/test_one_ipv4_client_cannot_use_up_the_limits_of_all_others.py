"""On a dual-stack socket (gunicorn bound to [::]) IPv4 clients arrive as ::ffff:a.b.c.d. Each must still be counted as
itself: one client's ten vote requests must not answer 429 to an unrelated one, and the fraud view must see its /24,
not all of IPv4 as the single network ::/64."""
from __future__ import annotations

import http.client
import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlencode

from awards_app.core.client_address import network_of, rate_limit_key_for_client
from awards_app.web.rate_limits import LIMITS
from tests.fixtures.browser import gunicorn, run_flask, server_environment
from tests.fixtures.mail import free_port

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
FINALIST = re.compile(r'name="finalist" type="radio" value="(\d+)"')
BALLOT = re.compile(r'<form method="post" action="(/vote/\d+)"')
REQUESTS_PER_CLIENT = int(LIMITS["VOTE_REQUEST_LIMITS_PER_CLIENT"].split()[0])


# --- The address as the limits and the fraud checks see it ----------------------------------------------------------


def test_a_mapped_ipv4_address_is_shortened_to_its_ipv4_network():
    assert network_of("::ffff:203.0.113.9") == "203.0.113.0/24"
    assert network_of("203.0.113.9") == "203.0.113.0/24"
    assert network_of("2001:db8:1:2:3:4:5:6") == "2001:db8:1:2::/64"
    assert network_of("not an address") == "unknown"


def test_a_mapped_ipv4_client_is_limited_as_its_own_address(app):
    for seen, key in (("::ffff:203.0.113.9", "203.0.113.9"), ("203.0.113.9", "203.0.113.9"),
                      ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64")):
        with app.test_request_context(environ_base={"REMOTE_ADDR": seen}):
            assert rate_limit_key_for_client() == key


# --- gunicorn bound to [::], clients connecting over IPv4 -----------------------------------------------------------


class Browser:
    """A client with its own IPv4 source address and cookies, speaking plain HTTP to the server."""

    def __init__(self, port: int, source: str):
        self.port, self.source, self.cookies = port, source, {}

    def request(self, method: str, path: str, form: dict | None = None) -> tuple[int, str]:
        """One request from this client's address; returns the status and the body."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10, source_address=(self.source, 0))
        headers = {"Cookie": "; ".join(f"{name}={value}" for name, value in self.cookies.items())}
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        text = response.read().decode()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name] = rest.split(";")[0]
        connection.close()
        return response.status, text

    def request_a_vote(self, address: str) -> int:
        """Choose the first finalist and ask for a vote link for `address`; returns the status of the email step."""
        status, ballot = self.request("GET", "/vote")
        assert status == 200, ballot
        action = BALLOT.search(ballot).group(1)
        self.request("POST", action, {"csrf_token": CSRF.search(ballot).group(1), "finalist": FINALIST.search(ballot).group(1)})
        _, page = self.request("GET", f"{action}/email")
        status, _ = self.request("POST", f"{action}/email", {"csrf_token": CSRF.search(page).group(1), "email": address})
        return status


@contextmanager
def serving_dual_stack(work: Path) -> Iterator[int]:
    """gunicorn bound to [::] (one worker, so that its in-memory counters see every request) over the demo's vote;
    yields its port."""
    port = free_port()
    env = server_environment(work / "instance", f"sqlite:///{work / 'dual.db'}", f"http://127.0.0.1:{port}")
    env["REDIS_URL"] = ""  # memory counters: one worker holds them all
    run_flask(env, "db", "upgrade")
    run_flask(env, "demo", "--phase", "voting")
    with gunicorn("wsgi:app", env, work / "gunicorn.log", bind=f"[::]:{port}", workers=1,
                  health_url=f"http://127.0.0.1:{port}"):
        yield port


def test_ten_vote_requests_from_one_ipv4_client_leave_another_client_its_own(tmp_path):
    with serving_dual_stack(tmp_path) as port:
        busy = Browser(port, "127.0.0.1")
        statuses = [busy.request_a_vote(f"busy-{number}@example.org") for number in range(REQUESTS_PER_CLIENT + 1)]
        # The busy client is limited as itself...
        assert statuses == [303] * REQUESTS_PER_CLIENT + [429], statuses
        # ...and an unrelated IPv4 client is not (before the fix both were "::/64": it got 429 at once).
        assert Browser(port, "127.0.0.2").request_a_vote("neighbour@example.org") == 303
    # The fraud view counts requests by network: IPv4 clients are in their /24, not all of IPv4 in ::/64.
    with sqlite3.connect(tmp_path / "dual.db") as database:
        networks = {row[0] for row in database.execute("SELECT client_network FROM vote_request")}
    assert networks == {"127.0.0.0/24"}, networks
