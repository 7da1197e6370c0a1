"""Results polls answered 304 at the WSGI layer (web/caching/early_polls.py): the very answer the app gave, byte for
byte, and only while the results stamp it was given under stands."""
from __future__ import annotations

from datetime import timedelta

import pytest
from flask import request_started

from awards_app.ceremony import reveals, winners
from awards_app.web.public import results
from tests.factories.accounts import ORGANISER_EMAIL, ORGANISER_PASSWORD
from tests.factories.voting import make_votes, voting_site
from tests.fixtures.database import counted_queries
from tests.web.forms import post_form

HX = {"HX-Request": "true"}
POLLS = [("/results", HX), ("/results", {}), ("/results/present/1?seen=", HX), ("/results/present", {})]


@pytest.fixture
def night(app, db_session, clock, organiser, monkeypatch):
    """A public vote whose result is confirmed, not revealed; each worker keeps its results stamp half a second."""
    monkeypatch.setitem(app.config, "RESULTS_STAMP_SECONDS", 0.5)
    results.forget_stamps()
    site = voting_site()
    make_votes(site.contest, site.finalists[0], 3)
    clock.set(site.contest.closes_at + timedelta(hours=1))
    winners.record_vote_result(organiser, site.category, site.finalists[0].id, [])
    winners.confirm_result(organiser, site.category)
    db_session.commit()
    yield site
    results.forget_stamps()


@pytest.fixture
def requests_reaching_flask(app):
    """How many requests Flask itself began."""
    seen = []

    def count(sender, **extra):
        seen.append(1)

    request_started.connect(count, app)
    yield seen
    request_started.disconnect(count, app)


def poll(app, path: str, headers: dict, etag: str):
    """A poll from a browser without a session cookie."""
    return app.test_client().get(path, headers={**headers, "If-None-Match": etag})


@pytest.mark.parametrize(("path", "headers"), POLLS)
def test_the_early_304_is_the_app_s_own_304(app, night, requests_reaching_flask, path, headers):
    etag = app.test_client().get(path, headers=headers).headers["ETag"]
    ordinary = poll(app, path, headers, etag)
    assert ordinary.status_code == 304
    requests_reaching_flask.clear()
    with counted_queries() as statements:
        early = poll(app, path, headers, etag)
    assert requests_reaching_flask == [] and statements == []  # nothing of the app ran
    assert early.status_code == 304 and early.get_data() == b""
    assert early.headers.to_wsgi_list() == ordinary.headers.to_wsgi_list()
    for name in ("ETag", "Cache-Control", "Vary", "Content-Security-Policy", "X-Frame-Options"):
        assert name in early.headers


def test_a_reveal_reaches_the_poll_when_the_stamp_is_read_again(app, night, organiser, db_session, monkeypatch):
    etag = app.test_client().get("/results", headers=HX).headers["ETag"]
    poll(app, "/results", HX, etag)
    reveals.reveal_category(organiser, night.category)  # on another worker
    db_session.commit()
    assert poll(app, "/results", HX, etag).status_code == 304  # this worker's stamp is at most half a second old
    now = results.time.monotonic()
    monkeypatch.setattr(results.time, "monotonic", lambda: now + 0.6)
    changed = poll(app, "/results", HX, etag)
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    assert "Harbour Arts" in changed.get_data(as_text=True)


def test_a_tag_that_does_not_match_gets_the_page(app, night):
    etag = app.test_client().get("/results", headers=HX).headers["ETag"]
    poll(app, "/results", HX, etag)
    other = poll(app, "/results", HX, '"results-0-0-0-fragment"')
    assert other.status_code == 200 and other.headers["ETag"] == etag


def test_a_browser_holding_a_session_is_answered_by_the_app(app, client, night, organiser):
    etag = app.test_client().get("/results", headers=HX).headers["ETag"]
    assert "no-store" not in poll(app, "/results", HX, etag).headers["Cache-Control"]  # kept for sessionless polls
    post_form(client, "/sign-in", {"email": ORGANISER_EMAIL, "password": ORGANISER_PASSWORD})
    signed_in = client.get("/results", headers={**HX, "If-None-Match": etag})
    assert signed_in.status_code == 304 and signed_in.headers["Cache-Control"] == "no-store"


def test_switched_off_when_the_stamp_is_read_every_time(app, night, requests_reaching_flask, monkeypatch):
    monkeypatch.setitem(app.config, "RESULTS_STAMP_SECONDS", 0)
    etag = app.test_client().get("/results", headers=HX).headers["ETag"]
    poll(app, "/results", HX, etag)
    requests_reaching_flask.clear()
    assert poll(app, "/results", HX, etag).status_code == 304 and requests_reaching_flask == [1]
