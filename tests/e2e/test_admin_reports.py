"""The duplicates and reach pages in a real browser: axe-core clean, readable on a phone, merging without JavaScript;
the reach charts' text inside their images at a phone's width and a desktop's."""
import re

import pytest

from tests.e2e.helpers import (
    EDITION_LINK,
    charts_fit,
    checked,
    follow_link,
    sign_in_as_organiser,
)
from tests.fixtures.browser import assert_accessible

pytestmark = pytest.mark.browser


def open_edition(page, live_server):
    """Sign in as the demo organiser and open the demo edition's page."""
    sign_in_as_organiser(page, live_server)
    follow_link(page, EDITION_LINK)


@pytest.mark.parametrize("link", ["Possible duplicates", "Reach: nominations by category and local authority"])
def test_report_pages_are_accessible_on_a_phone(phone_page, live_server, link):
    open_edition(phone_page, live_server)
    follow_link(phone_page, link)
    assert phone_page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    assert_accessible(phone_page)


def test_reach_report_shows_the_councils_reached(page, live_server):
    open_edition(page, live_server)
    page.get_by_role("link", name="Reach: nominations by category and local authority").click()
    assert re.search(r"\d+ of 32 local authorities reached", page.locator(".lead").inner_text())
    assert page.locator("svg[role=img]").count() == 1  # by category; by local authority is the other part
    assert_accessible(page)
    follow_link(page, "Local authorities")  # the report's other part
    assert page.locator("svg[role=img]").count() == 1
    assert_accessible(page)


@pytest.mark.parametrize("width", [320, 1280])
def test_the_reach_charts_keep_their_text_inside_and_fold_their_tables(page, live_server, width):
    page.set_viewport_size({"width": width, "height": 800})
    open_edition(page, live_server)
    follow_link(page, "Reach: nominations by category and local authority")

    assert charts_fit(page) == 1
    assert page.get_by_role("img", name=re.compile("^Nominations by category")).count() == 1  # an image with its name
    follow_link(page, "Local authorities")  # the report's other part
    assert charts_fit(page) == 1
    assert page.get_by_role("img", name=re.compile("^Nominations by local authority")).count() == 1
    table = page.locator("table", has=page.locator("caption", has_text="Nominations by local authority"))
    assert not table.is_visible()
    page.get_by_text("Nominations by local authority as a table").click()
    assert table.is_visible() and table.locator("tbody tr").count() >= 32
    checked(page)
