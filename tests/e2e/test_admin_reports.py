"""The duplicates and reach pages in a real browser: axe-core clean, readable on a phone, merging without JavaScript."""
import re

import pytest

from tests.fixtures.browser import assert_accessible

pytestmark = pytest.mark.browser


def open_edition(page, live_server):
    email, password = live_server.sign_in_for("organiser")
    page.goto(live_server.url("/sign-in"))
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name=re.compile(r"^Self Management Awards \d{4}$")).click()


@pytest.mark.parametrize("link", ["Possible duplicates", "Reach: nominations by category and local authority"])
def test_report_pages_are_accessible_on_a_phone(phone_page, live_server, link):
    open_edition(phone_page, live_server)
    phone_page.get_by_role("link", name=link).click()
    assert phone_page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    assert_accessible(phone_page)


def test_reach_report_shows_the_councils_reached(page, live_server):
    open_edition(page, live_server)
    page.get_by_role("link", name="Reach: nominations by category and local authority").click()
    assert re.search(r"\d+ of 32 local authorities reached", page.locator(".lead").inner_text())
    assert page.locator("svg[role=img]").count() >= 2
    assert_accessible(page)
