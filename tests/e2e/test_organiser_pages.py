"""Every organiser page, walked in the demo's phases at 320, 768, 1280 and 1920 px (issue #17, "How it is checked"):
nothing wider than the viewport, no reference or number broken in a table cell, no page longer than a few screens,
axe-core clean, no console error or CSP violation on a page or its htmx swaps. Screenshots and heights are kept in
test-results/. This file walks the nominations and results phases; test_organiser_pages_later.py the three between,
so that two workers share the walk."""
from __future__ import annotations

import os

import pytest

from tests.e2e.layout import MAX_HEIGHT_AT_320, layout_problems
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


# --- The checks themselves, on pages made to break them -----------------------------------------------------------

CRAMPED_TABLE = """<!doctype html><html lang="en"><title>t</title><body style="margin:0">
<table><tr><td style="width:60px">Entry DEMO-2026-017</td><td style="width:10px;overflow-wrap:anywhere">1,234</td>
<td><span style="position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)">DEMO-2026-018</span></td>
<td style="white-space:nowrap">DEMO-2026-019</td></tr></table>
<div style="width:1000px">too wide</div>
<div style="overflow-x:auto;width:100%"><div style="width:3000px">scrolls inside a region that fits</div></div>
<svg width="100" height="40" viewBox="0 0 100 40"><text x="60" y="20">A label far too long to fit</text>
<text x="5" y="20">Fits</text></svg>
<svg width="200" height="40" viewBox="0 0 200 40"><text x="0" y="20">Left label</text><text x="30" y="22">Over it</text>
</svg>
<div style="height:4000px"></div></body></html>"""
BROKEN = 'a table cell breaks a reference or number across lines: "DEMO-2026-017" on 3 lines; "1,234" on 5 lines'

LABELS = 'a chart\'s labels do not fit: "A label far too long to fit" cut off; "Left label" overlaps "Over it"'


@pytest.mark.browser
def test_the_layout_checks_find_what_they_look_for_and_nothing_else(page):
    page.set_viewport_size({"width": 320, "height": 640})
    page.set_content(CRAMPED_TABLE)
    problems, height = layout_problems(page, 320)
    assert height > MAX_HEIGHT_AT_320
    wide, broken, cut, long = problems
    assert wide.startswith("wider than the viewport (320px; page scrolls to 1000px): div \"too wide\" reaches 1000px")
    assert "scrolls inside" not in wide
    assert broken == BROKEN
    assert cut == LABELS
    assert long == f"{height}px long, more than {MAX_HEIGHT_AT_320:,}px"

    page.set_viewport_size({"width": 1920, "height": 1080})
    problems, _ = layout_problems(page, 1920)
    assert problems == [BROKEN, LABELS]
