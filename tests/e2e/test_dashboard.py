"""The organisers' dashboard in a real browser, with the demo edition in each of its phases: the organiser signs in,
sees what needs doing (marked in words, action first) and reaches one of them in one click; axe-core finds nothing
and nothing scrolls sideways at 320 and 1280 pixels wide. Screenshots go to the test's temporary folder (or to
DASHBOARD_SCREENSHOTS), never into the repository."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from awards_app.demo.builder import PHASES
from tests.e2e.helpers import checked, demo_in_phase, sign_in_as_organiser
from tests.fixtures.browser import open_page, start_app_server

pytestmark = pytest.mark.browser

DASHBOARD_DATABASE = f"awards_e2e_dashboard_{os.getpid()}"
WIDTHS = (320, 1280)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """gunicorn with the demo edition; each test rebuilds the demo in its phase."""
    with start_app_server(tmp_path_factory.mktemp("dashboard"), DASHBOARD_DATABASE) as started:
        yield started


@pytest.fixture(scope="module")
def screenshots(tmp_path_factory) -> Path:
    """Where the screenshots go."""
    folder = os.environ.get("DASHBOARD_SCREENSHOTS")
    return Path(folder) if folder else tmp_path_factory.mktemp("dashboard_screenshots")


@pytest.mark.parametrize("phase", PHASES)
def test_the_organiser_sees_what_needs_doing_and_reaches_it_in_one_click(server, browser, screenshots, phase):
    demo = demo_in_phase(server, phase)
    for width in WIDTHS:
        for page in open_page(browser, viewport={"width": width, "height": 900}):
            sign_in_as_organiser(page, demo)
            to_do = page.get_by_role("region", name="What needs doing")
            expect(to_do).to_be_visible()
            lines = to_do.locator(".to-do")
            assert lines.count() > 0
            marks = [line.locator(".tag").inner_text() for line in lines.all()]
            assert set(marks) <= {"To do", "Done"}
            assert marks == sorted(marks, key=lambda mark: mark != "To do"), "what needs action comes first"
            checked(page)
            page.screenshot(path=screenshots / f"admin-{phase}-{width}.png", full_page=True)
            height = page.evaluate("() => document.documentElement.scrollHeight")
            print(f"/admin/ in {phase} at {width} px: {height} px high")

            first = lines.first.locator("a.to-do__link")
            words = first.inner_text()
            with page.expect_navigation() as navigation:
                first.click()
            assert navigation.value.status == 200, f"{words}: {page.url}"
            expect(page.get_by_role("heading", level=1)).to_be_visible()
            assert "/admin/" in page.url

            # The edition's own dashboard, from the list of editions, reads as well.
            page.goto(demo.url("/admin/"))
            with page.expect_navigation():
                page.get_by_role("link", name="Dashboard for").first.click()
            expect(page.get_by_role("region", name="What needs doing")).to_be_visible()
            checked(page)
