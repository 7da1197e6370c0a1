"""The micro-cache of public pages for blank visitors: served without the database, each visitor's own CSRF token in
the page, never a page with anyone's own state in it."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import event

from awards_app.extensions import db
from awards_app.web.caching import page_cache
from tests.factories.accounts import ORGANISER_EMAIL, ORGANISER_PASSWORD
from tests.factories.voting import make_votes, voting_site
from tests.web.forms import CSRF_PATTERN, post_form


@pytest.fixture
def cache_on(app, monkeypatch):
    """The cache switched on for this test, empty before and after."""
    monkeypatch.setitem(app.config, "PAGE_CACHE_SECONDS", 2)
    page_cache.clear()
    yield
    page_cache.clear()


@pytest.fixture
def site(db_session, clock, cache_on):
    """The voting site, committed so that every client sees it."""
    built = voting_site()
    db_session.commit()
    return built


@pytest.fixture
def queries(app):
    """Count the SQL statements the app runs."""
    seen = []

    def count(*_args):
        seen.append(1)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    yield seen
    event.remove(engine, "before_cursor_execute", count)


def token_of(response) -> str:
    """The CSRF token of the page's form."""
    return CSRF_PATTERN.search(response.get_data(as_text=True)).group(1)


def test_a_second_blank_visitor_gets_the_ballot_without_the_database(app, site, queries):
    first, second = app.test_client(), app.test_client()
    page = first.get(f"/vote/{site.contest.id}")
    assert page.status_code == 200 and queries
    queries.clear()
    again = second.get(f"/vote/{site.contest.id}")
    assert again.status_code == 200 and queries == []
    assert again.get_data(as_text=True).replace(token_of(again), "T") == page.get_data(as_text=True).replace(
        token_of(page), "T"
    )
    assert "\x00" not in again.get_data(as_text=True)
    assert again.headers["Content-Type"] == page.headers["Content-Type"]
    assert "HX-Request" in again.headers["Vary"]


def test_each_visitor_s_token_is_their_own_and_works(app, site):
    first, second = app.test_client(), app.test_client()
    first.get(f"/vote/{site.contest.id}")
    from_cache = second.get(f"/vote/{site.contest.id}")
    finalist = site.finalists[0].id
    # The token in the cached page belongs to the second visitor's session: the choice goes through.
    chosen = second.post(f"/vote/{site.contest.id}", data={"csrf_token": token_of(from_cache), "finalist": finalist})
    assert chosen.status_code == 303 and chosen.location.endswith(f"/vote/{site.contest.id}/email")
    # ... and it is worthless in anyone else's.
    stranger = app.test_client()
    stranger.get("/")  # a session of its own
    refused = stranger.post(f"/vote/{site.contest.id}", data={"csrf_token": token_of(from_cache), "finalist": finalist})
    assert refused.status_code != 303


def test_a_visitor_with_a_choice_gets_their_own_page(app, site):
    visitor = app.test_client()
    page = visitor.get(f"/vote/{site.contest.id}")
    finalist = site.finalists[1].id
    visitor.post(f"/vote/{site.contest.id}", data={"csrf_token": token_of(page), "finalist": finalist})
    app.test_client().get(f"/vote/{site.contest.id}")  # a blank visitor fills the cache
    back = visitor.get(f"/vote/{site.contest.id}").get_data(as_text=True)
    assert re.search(rf'<input[^>]* checked [^>]*value="{finalist}"', back)


def test_a_signed_in_organiser_never_gets_the_visitors_page(app, site, organiser):
    app.test_client().get("/")
    signed_in = app.test_client()
    post_form(signed_in, "/sign-in", {"email": ORGANISER_EMAIL, "password": ORGANISER_PASSWORD})
    page = signed_in.get("/").get_data(as_text=True)
    assert "Organisers' area" in page and "Sign out" in page


def test_a_flashed_message_is_not_lost_to_the_cache(app, site):
    app.test_client().get(f"/vote/{site.contest.id}")
    visitor = app.test_client()
    email_step = visitor.get(f"/vote/{site.contest.id}/email")  # no choice yet: sent back with a message
    assert email_step.status_code == 303
    assert "Choose who you want to vote for first." in visitor.get(email_step.location).get_data(as_text=True)


def test_pages_marked_no_store_are_not_kept(app, db_session, clock, cache_on, queries):
    site = voting_site(published=False)  # /shortlist says when it comes, with no-store
    db_session.commit()
    first = app.test_client().get("/shortlist")
    assert "no-store" in first.headers["Cache-Control"]
    queries.clear()
    app.test_client().get("/shortlist")
    assert queries, "a no-store page was served from memory"


def test_a_page_is_drawn_again_once_its_seconds_are_up(app, site, queries, monkeypatch):
    app.test_client().get("/vote")
    now = page_cache.time.monotonic()
    monkeypatch.setattr(page_cache.time, "monotonic", lambda: now + 2.5)
    queries.clear()
    app.test_client().get("/vote")
    assert queries


def test_switched_off_with_zero_seconds(app, site, queries, monkeypatch):
    monkeypatch.setitem(app.config, "PAGE_CACHE_SECONDS", 0)
    app.test_client().get("/vote")
    queries.clear()
    app.test_client().get("/vote")
    assert queries


def test_the_public_shortlist_is_served_from_memory_with_its_own_caching_rules(app, site, queries):
    first = app.test_client().get("/shortlist")
    assert first.headers["Cache-Control"] == "private, max-age=60"  # a browser may keep its own copy, no one else
    queries.clear()
    again = app.test_client().get("/shortlist")
    assert queries == [] and again.headers["Cache-Control"] == "private, max-age=60"
    assert "Harbour Arts" in again.get_data(as_text=True)


# --- The results on the night, and the published list of votes ----------------------------------------------------


@pytest.fixture
def night(db_session, clock, cache_on, organiser, app, monkeypatch):
    """A public vote closed an hour ago, its result recorded and confirmed but not revealed; the results stamp read
    on every request, so that what another worker changes is seen at once."""
    from awards_app.ceremony import winners
    from awards_app.web.public import results

    monkeypatch.setitem(app.config, "RESULTS_STAMP_SECONDS", 0)
    results.forget_stamps()
    site = voting_site()
    harbour, breathe, _walk = site.finalists
    make_votes(site.contest, harbour, 3)
    make_votes(site.contest, breathe, 1)
    clock.set(site.contest.closes_at + timedelta(hours=1))
    winners.record_vote_result(organiser, site.category, harbour.id, [])
    winners.confirm_result(organiser, site.category)
    db_session.commit()
    return site


def test_results_are_kept_per_stamp_and_a_reveal_is_a_new_page_at_once(app, night, organiser, db_session, queries):
    from awards_app.ceremony import reveals

    for headers in ({}, {"HX-Request": "true"}):
        first = app.test_client().get("/results", headers=headers)
        assert "Winner" not in first.get_data(as_text=True)
        queries.clear()
        again = app.test_client().get("/results", headers=headers)
        assert len(queries) == 1, "a blank visitor's results cost more than the stamp"  # the stamp, read every time
        assert again.headers["ETag"] == first.headers["ETag"]
    # Revealed on another worker: nothing here clears this worker's pages, but the stamp names a new page.
    reveals.reveal_category(organiser, night.category)
    db_session.commit()
    for headers in ({}, {"HX-Request": "true"}):
        body = app.test_client().get("/results", headers=headers).get_data(as_text=True)
        assert '<li class="result__winner">Harbour Arts</li>' in body
    reveals.hide_category(organiser, night.category, reason="Revealed too early by mistake")
    db_session.commit()
    assert "result__winner" not in app.test_client().get("/results").get_data(as_text=True)


@pytest.fixture
def published_list(night, organiser, db_session):
    """The night's result revealed and its list of votes published."""
    from awards_app.ceremony import reveals
    from awards_app.voting import tally

    reveals.reveal_category(organiser, night.category)
    tally.publish_tally(organiser, night.contest)
    db_session.commit()
    return night


def test_the_list_of_votes_is_kept_with_each_visitor_s_own_receipt_form(app, published_list, queries):
    url = f"/tally/{published_list.contest.id}"
    app.test_client().get(url)
    visitor = app.test_client()
    queries.clear()
    page = visitor.get(url)
    assert page.status_code == 200 and len(queries) == 1  # the results stamp only
    checked = visitor.post(url, data={"csrf_token": token_of(page), "receipt": "NOPE-NOPE-NOPE"})
    assert checked.status_code == 200 and "NOPE-NOPE-NOPE" in checked.get_data(as_text=True)


def test_a_csv_is_kept_as_sent_unless_it_is_too_large(app, published_list, queries, monkeypatch):
    url = f"/tally/{published_list.contest.id}.csv"
    first = app.test_client().get(url)
    queries.clear()
    again = app.test_client().get(url)
    assert len(queries) == 1 and again.get_data() == first.get_data()
    assert again.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert again.headers["Content-Disposition"] == first.headers["Content-Disposition"]
    page_cache.clear()
    monkeypatch.setattr(page_cache, "MAX_BODY_BYTES", len(first.get_data()) - 1)
    app.test_client().get(url)
    queries.clear()
    assert app.test_client().get(url).get_data() == first.get_data() and len(queries) > 1


def test_the_cache_holds_no_more_than_its_bytes(app, site, queries, monkeypatch):
    ballot = app.test_client().get("/vote").get_data()
    monkeypatch.setattr(page_cache, "MAX_TOTAL_BYTES", len(ballot) + 10)
    app.test_client().get("/shortlist")  # a second page would pass the bound: the cache starts again with it
    queries.clear()
    app.test_client().get("/shortlist")
    assert queries == []
    app.test_client().get("/vote")
    assert queries, "the first page was kept beyond the bound"
