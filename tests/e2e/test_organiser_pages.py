"""Every organiser page, walked in the demo's phases at 320, 768, 1280 and 1920 px (issue #17, "How it is checked"):
nothing wider than the viewport, no reference or number broken in a table cell, no page longer than a few screens,
axe-core clean, no console error or CSP violation on a page or its htmx swaps. Screenshots and heights are kept in
test-results/. This file walks the nominations and results phases; test_organiser_pages_later.py the three between,
so that two workers share the walk."""
from __future__ import annotations

import os

import pytest

from tests.e2e.organiser_urls import LEFT_OUT, PAGES, stale_entries, unlisted_routes
from tests.e2e.organiser_walk import walk_phase
from tests.fixtures.browser import start_app_server

ORGANISER_PAGES_DATABASE = f"awards_e2e_organiser_pages_{os.getpid()}"


def test_every_admin_page_is_walked_or_left_out_with_a_reason(app):
    assert not unlisted_routes(app), (
        f"admin GET routes neither walked nor left out: {unlisted_routes(app)}. Add each to PAGES in "
        "tests/e2e/organiser_urls.py (with the phase where it has the most to show), or to LEFT_OUT with the reason."
    )
    assert not stale_entries(app), f"tests/e2e/organiser_urls.py names routes that no longer exist: {stale_entries(app)}"
    assert not PAGES.keys() & LEFT_OUT.keys()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """gunicorn with its own database; each test rebuilds the demo in its phase."""
    with start_app_server(tmp_path_factory.mktemp("organiser_pages"), ORGANISER_PAGES_DATABASE) as started:
        yield started


@pytest.mark.browser
def test_organiser_pages_while_nominations_are_open(browser, server):
    walk_phase(browser, server, "nominations")


@pytest.mark.browser
def test_organiser_pages_after_the_ceremony(browser, server):
    walk_phase(browser, server, "results")
