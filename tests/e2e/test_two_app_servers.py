"""Two app servers behind one proxy (issue #18, part 5): two gunicorn instances on two ports against one PostgreSQL
database and one Redis, with one secret key, rate limits on, and production's caches (the page cache, the results
stamp and the site settings each worker keeps), each with an instance folder of its own.

Nothing one server keeps is needed by the other: a sign-in made on one is honoured by the other, a rate limit counts
across both, a vote confirmed through both at once counts once, an image uploaded through one is served by the other,
and a reveal made through one reaches polls on the other within 3 seconds.

The requests are made over HTTP by plain clients (no browser is needed): each visitor keeps one cookie jar for both
servers, as behind one proxy, where both answer at one address.
"""
from __future__ import annotations

import html
import http.cookiejar
import os
import re
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from urllib.parse import urlencode

import psycopg
import pytest

from tests.e2e.helpers import demo_in_phase
from tests.factories.images import make_png
from tests.factories.site_settings import logo_png
from tests.fixtures.apps import rate_limit_storage
from tests.fixtures.browser import LiveServer, another_app_server, start_app_server
from tests.web.forms import CSRF_PATTERN, multipart

pytestmark = [pytest.mark.postgres, pytest.mark.redis]

# Its own database, named so that browser.py's clean-up of databases left by killed runs also covers it.
SERVERS_DATABASE = f"awards_e2e_servers_{os.getpid()}"
# Taken out of the test servers' environment, so that the app's own (production) defaults apply.
PRODUCTION_CACHES = {"PAGE_CACHE_SECONDS": None, "SITE_SETTINGS_SECONDS": None, "RESULTS_STAMP_SECONDS": None}
REVEAL_WITHIN_SECONDS = 3.0
VOTER = "two.servers.voter@example.org"


@dataclass
class Answer:
    """What a server answered: status, headers and body."""

    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        """The body as text, with HTML entities read (names with apostrophes are written &#39; in pages)."""
        return html.unescape(self.body.decode("utf-8", "replace"))

    @property
    def location(self) -> str:
        """Where a redirect points."""
        return self.headers.get("Location", "")


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """Answer a redirect as it is, so that a test sees the 303 and where it points."""

    def redirect_request(self, *args, **kwargs):
        return None


class Visitor:
    """One person's browser: one cookie jar for both servers (they answer at one address behind the proxy)."""

    def __init__(self):
        self.cookies = http.cookiejar.CookieJar()
        self._opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirects())

    def request(self, url: str, data: bytes | None = None, headers: dict[str, str] | None = None) -> Answer:
        """GET (or POST, with data) and answer whatever came back, error statuses and redirects included."""
        request = urllib.request.Request(url, data=data, headers=headers or {})
        try:
            with self._opener.open(request, timeout=15) as response:
                return Answer(response.status, dict(response.headers), response.read())
        except urllib.error.HTTPError as error:
            with error:
                return Answer(error.code, dict(error.headers), error.read())

    def get(self, url: str, headers: dict[str, str] | None = None) -> Answer:
        """GET a page."""
        return self.request(url, headers=headers)

    def token(self, url: str) -> str:
        """The CSRF token of the form on the page at `url`."""
        page = self.get(url)
        match = CSRF_PATTERN.search(page.text)
        assert match, f"no form token on {url} ({page.status})"
        return match.group(1)

    def post(self, url: str, fields: dict[str, str], *, form_page: str | None = None,
             files: dict[str, tuple[bytes, str]] | None = None) -> Answer:
        """Post a form with the token of the page it is on (`form_page`, else `url`), and any files."""
        fields = {"csrf_token": self.token(form_page or url), **fields}
        if files:
            body, content_type = multipart(fields, files)
        else:
            body, content_type = urlencode(fields).encode(), "application/x-www-form-urlencoded"
        return self.request(url, data=body, headers={"Content-Type": content_type})

    def sign_in(self, server: LiveServer, role: str = "organiser") -> Answer:
        """Sign in through `server`'s sign-in form as the demo's account for `role`."""
        email, password = server.sign_in_for(role)
        return self.post(server.url("/sign-in"), {"email": email, "password": password})


@dataclass
class Servers:
    """The two app servers, sharing one database, one Redis and one secret key."""

    first: LiveServer
    second: LiveServer
    phase: str

    def in_phase(self, phase: str) -> None:
        """Rebuild the demo edition in `phase` (through the first server's flask command), unless it is there."""
        if phase != self.phase:
            self.first = demo_in_phase(self.first, phase)
            self.second.sign_ins = self.first.sign_ins
            self.phase = phase

    def query(self, sql: str, *params) -> list[tuple]:
        """Rows of the database both servers use."""
        with psycopg.connect(self.first.env["DATABASE_URL"]) as connection:
            return connection.execute(sql, params).fetchall()


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    """Two gunicorn servers (2 workers each) on one database holding the demo in its voting phase, and one Redis (the
    one this test process's app counts in, whose limits are emptied before every test, tests/conftest.py)."""
    settings = {"REDIS_URL": rate_limit_storage(), **PRODUCTION_CACHES}
    first_work, second_work = tmp_path_factory.mktemp("first_server"), tmp_path_factory.mktemp("second_server")
    with (
        start_app_server(first_work, SERVERS_DATABASE, settings=settings, phase="voting") as first,
        another_app_server(first, second_work) as second,
    ):
        yield Servers(first, second, phase="voting")


def test_a_sign_in_on_one_server_is_honoured_by_the_other(servers):
    servers.in_phase("voting")
    organiser = Visitor()
    assert organiser.get(servers.second.url("/admin/")).status in (302, 303)  # not signed in yet
    signed_in = organiser.sign_in(servers.first)
    assert signed_in.status == 303 and signed_in.location.endswith("/admin/")
    dashboard = organiser.get(servers.second.url("/admin/"))
    assert dashboard.status == 200 and "Sign out" in dashboard.text


def _open_contest(servers: Servers) -> tuple[int, int]:
    """The demo's contest that takes votes now, and one of its finalists."""
    [(contest_id, finalist_id)] = servers.query(
        "SELECT contest.id, min(finalist.id) FROM contest JOIN finalist ON finalist.category_id = contest.category_id"
        " GROUP BY contest.id"
    )
    return contest_id, finalist_id


def _ask_to_vote(voter: Visitor, server: LiveServer, contest_id: int, finalist_id: int, email: str) -> Answer:
    """Choose a finalist on the ballot and ask for the emailed link, through `server`."""
    chosen = voter.post(server.url(f"/vote/{contest_id}"), {"finalist": str(finalist_id)})
    assert chosen.status == 303, chosen.text
    return voter.post(server.url(f"/vote/{contest_id}/email"), {"email": email})


def test_a_rate_limit_counts_across_both_servers(servers):
    """One inbox may be sent three vote emails an hour: spread over two servers, the fourth is refused, not the
    seventh."""
    servers.in_phase("voting")
    contest_id, finalist_id = _open_contest(servers)
    voter = Visitor()
    first_server, second_server = servers.first, servers.second
    address = "limit." + VOTER
    answers = [
        _ask_to_vote(voter, server, contest_id, finalist_id, address).status
        for server in (first_server, second_server, first_server, second_server)
    ]
    assert answers == [303, 303, 303, 429]
    [(queued,)] = servers.query("SELECT count(*) FROM outbox_email WHERE to_address = %s", address)
    assert queued == 3


def test_a_vote_confirmed_through_both_servers_at_once_counts_once(servers):
    servers.in_phase("voting")
    contest_id, finalist_id = _open_contest(servers)
    assert _ask_to_vote(Visitor(), servers.first, contest_id, finalist_id, VOTER).status == 303
    [(text_body,)] = servers.query("SELECT text_body FROM outbox_email WHERE to_address = %s", VOTER)
    link = re.search(r"/vote/confirm/\S+", text_body).group(0)
    [(votes_before,)] = servers.query("SELECT count(*) FROM vote WHERE contest_id = %s", contest_id)

    # The same emailed link, opened on two devices whose requests reach different servers, confirmed at one moment.
    pressed = [(Visitor(), servers.first), (Visitor(), servers.second)]
    tokens = [device.token(server.url(link)) for device, server in pressed]
    together = threading.Barrier(len(pressed))
    answers: list[Answer | BaseException] = [None, None]

    def confirm(index: int) -> None:
        device, server = pressed[index]
        body = urlencode({"csrf_token": tokens[index]}).encode()
        together.wait()
        try:
            answers[index] = device.request(server.url(link), data=body,
                                            headers={"Content-Type": "application/x-www-form-urlencoded"})
        except BaseException as error:  # noqa: BLE001  (reported below, in the test's thread)
            answers[index] = error

    threads = [threading.Thread(target=confirm, args=(index,)) for index in range(len(pressed))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert all(isinstance(answer, Answer) and answer.status < 500 for answer in answers), answers

    [(votes_after,)] = servers.query("SELECT count(*) FROM vote WHERE contest_id = %s", contest_id)
    assert votes_after == votes_before + 1
    [(receipts,)] = servers.query(
        "SELECT count(*) FROM outbox_email WHERE to_address = %s AND subject LIKE 'Your vote has been counted%%'", VOTER
    )
    assert receipts == 1


def test_an_image_uploaded_through_one_server_is_served_by_the_other(servers):
    servers.in_phase("voting")
    # A finalist of a category without a public vote: their presentation may still change in the voting phase.
    [(edition_id, finalist_id)] = servers.query(
        "SELECT category.edition_id, min(finalist.id) FROM finalist JOIN category ON category.id = finalist.category_id"
        " WHERE NOT category.has_public_vote GROUP BY category.edition_id"
    )
    organiser = Visitor()
    organiser.sign_in(servers.first)
    finalist_page = servers.first.url(f"/admin/editions/{edition_id}/shortlist/finalists/{finalist_id}")
    uploaded = organiser.post(finalist_page + "/image", {}, form_page=finalist_page,
                              files={"image": (make_png(), "finalist.png")})
    assert uploaded.status == 303, uploaded.text
    [(name,)] = servers.query("SELECT image_filename FROM finalist WHERE id = %s", finalist_id)

    preview = organiser.get(servers.second.url(f"/admin/editions/{edition_id}/shortlist/finalists/{finalist_id}/image"))
    assert preview.status == 200 and preview.body == make_png()
    public = Visitor().get(servers.second.url(f"/shortlist/images/{name}"))
    assert public.status == 200 and public.body == make_png()
    assert public.headers["Content-Type"] == "image/png" and "max-age=3600" in public.headers["Cache-Control"]
    # A browser that has it from one server is answered 304 by the other.
    revalidated = Visitor().get(servers.first.url(f"/shortlist/images/{name}"),
                                headers={"If-None-Match": public.headers["ETag"]})
    assert revalidated.status == 304

    logo = organiser.post(servers.first.url("/admin/settings/logo"), {"logo-alt": "The awards"},
                          form_page=servers.first.url("/admin/settings"), files={"logo-image": (logo_png(), "logo.png")})
    assert logo.status == 303, logo.text
    [(logo_name,)] = servers.query("SELECT logo_filename FROM site_settings")
    served = Visitor().get(servers.second.url(f"/site/logo/{logo_name}"))
    assert served.status == 200 and served.body == logo_png()


def test_a_reveal_through_one_server_reaches_polls_on_the_other_within_3_seconds(servers):
    servers.in_phase("ceremony")
    [(edition_id, category_id, category)] = servers.query(
        "SELECT category.edition_id, category.id, category.name FROM reveal JOIN category ON category.id ="
        " reveal.category_id ORDER BY reveal.running_order LIMIT 1"
    )
    [(winner,)] = servers.query(
        "SELECT coalesce(nullif(finalist.public_name, ''), nomination.nominee_name) FROM award"
        " JOIN finalist ON finalist.id = award.finalist_id JOIN nomination ON nomination.id = finalist.nomination_id"
        " WHERE award.category_id = %s AND award.place::text IN ('winner', 'WINNER')", category_id
    )
    organiser = Visitor()
    organiser.sign_in(servers.first)
    ceremony = servers.first.url(f"/admin/editions/{edition_id}/ceremony")
    entry = f"{ceremony}/categories/{category_id}"
    assert organiser.post(entry + "/confirm", {}, form_page=ceremony).status == 303

    # The guest's page loaded through one server; its polls go wherever the proxy sends them, with the page's ETag.
    guest = Visitor()
    first_poll = guest.get(servers.first.url("/results"), headers={"HX-Request": "true"})
    shown_as_winner = f'class="result__winner">{winner}<'  # before its reveal the winner is only among the finalists
    assert first_poll.status == 200 and shown_as_winner not in first_poll.text
    etag = first_poll.headers["ETag"]
    results = servers.second.url("/results")
    assert guest.get(results, headers={"HX-Request": "true", "If-None-Match": etag}).status == 304

    revealed = organiser.post(entry + "/reveal", {}, form_page=ceremony)
    assert revealed.status == 303
    pressed_at = time.monotonic()
    while True:
        poll = guest.get(results, headers={"HX-Request": "true", "If-None-Match": etag})
        waited = time.monotonic() - pressed_at
        if poll.status == 200:
            break
        assert poll.status == 304 and waited < REVEAL_WITHIN_SECONDS, f"no reveal on the other server after {waited:.1f}s"
        time.sleep(0.1)
    assert waited < REVEAL_WITHIN_SECONDS
    assert shown_as_winner in poll.text and category in poll.text
