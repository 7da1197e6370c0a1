"""Correcting a nomination and moving it to another category in a real browser: axe on every page and error state,
a 320 px phone, and the forms without JavaScript. A server of its own, so that the shared demo stays as built."""
import os
import re

import pytest

from tests.e2e.helpers import fits_the_width, sign_in_as_organiser
from tests.fixtures.browser import assert_accessible, start_app_server

pytestmark = pytest.mark.browser

CORRECTIONS_DATABASE = f"awards_e2e_corrections_{os.getpid()}"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """gunicorn with the demo edition taking nominations (nothing scored yet, so nominations may move)."""
    with start_app_server(tmp_path_factory.mktemp("corrections_server"), CORRECTIONS_DATABASE) as started:
        yield started


def open_nomination(page, server, position: int, category: str = "") -> str:
    """Open one of the demo edition's nominations from its list (the position-th of those in `category`, when given);
    its page's address."""
    page.goto(server.url("/admin/"))
    with page.expect_navigation(wait_until="load"):
        page.locator("table a").first.click()
    edition_path = re.search(r"/admin/editions/\d+", page.url).group(0)
    page.goto(server.url(edition_path + "/nominations"))
    with page.expect_navigation():
        page.locator("tbody tr", has_text=category).locator("a").nth(position).click()
    return page.url


def wait_for_focused_error_summary(page) -> None:
    page.wait_for_function("() => document.activeElement && document.activeElement.hasAttribute('data-error-summary')")


def test_correcting_on_a_phone(phone_page, server):
    page = phone_page
    sign_in_as_organiser(page, server)
    detail = open_nomination(page, server, 0)
    with page.expect_navigation():
        page.get_by_role("link", name="Correct this nomination").click()
    assert_accessible(page)
    fits_the_width(page)

    # An emptied name and no reason: the errors, with what was typed kept, and the summary takes focus.
    page.get_by_label("Nominee's name").fill("")
    page.get_by_label("Nominator's email address").fill("not an address")
    with page.expect_navigation():
        page.get_by_role("button", name="Save the correction").click()
    wait_for_focused_error_summary(page)
    assert page.title().startswith("Error: ")
    assert page.get_by_label("Nominator's email address").input_value() == "not an address"
    assert_accessible(page)
    fits_the_width(page)

    page.get_by_label("Nominee's name").fill("A Corrected Name")
    page.get_by_label("Nominator's email address").fill("corrected.nominator@example.org")
    page.get_by_label("Why are you making this correction?").fill("The nominator phoned with the right spelling.")
    with page.expect_navigation():
        page.get_by_role("button", name="Save the correction").click()
    assert page.url.split("#")[0] == detail + "?part=history"  # the part of the page with the corrections
    assert "has been corrected" in page.locator("#messages").inner_text()
    page.get_by_text("Show the nomination as the nominator sent it").click()
    assert "The nominator phoned with the right spelling." in page.locator("#corrections").inner_text()
    assert_accessible(page)
    fits_the_width(page)


def test_moving_to_another_category(page, server):
    sign_in_as_organiser(page, server)
    # A project: another category takes projects too (the demo's order of nominations changes with the day it is built).
    open_nomination(page, server, 0, category="Self Management Project of the Year")
    with page.expect_navigation():
        page.get_by_role("link", name="Move to another category").click()
    assert_accessible(page)
    # Try the categories in turn: one for another kind of nominee is refused on the choice, with its reason.
    choices = page.locator("input[name=category][type=radio]").count()
    refused = planned = False
    for position in range(choices):
        page.locator("input[name=category][type=radio]").nth(position).check()
        with page.expect_navigation():
            page.get_by_role("button", name=re.compile("Continue|Choose again")).click()
        if page.locator("[data-error-summary]").count():
            refused = True
            wait_for_focused_error_summary(page)
            assert_accessible(page)
        else:
            planned = True
            break
    assert refused and planned, "the demo has categories of the same kind and of another kind"
    assert_accessible(page)

    # Without a reason: asked for one, the plan still shown.
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile("^Move it to")).click()
    wait_for_focused_error_summary(page)
    assert "Enter the reason" in page.locator("[data-error-summary]").inner_text()
    assert_accessible(page)

    page.get_by_label("Why does it move?").fill("The nominator chose the wrong award.")
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile("^Move it to")).click()
    assert "has moved from" in page.locator("#messages").inner_text()
    assert "Moved to another category" in page.locator("#corrections").inner_text()
    assert_accessible(page)


def test_correcting_without_javascript(no_js_page, server):
    page = no_js_page
    sign_in_as_organiser(page, server)
    open_nomination(page, server, 2)
    with page.expect_navigation():
        page.get_by_role("link", name="Correct this nomination").click()
    page.get_by_label("Nominator's phone number").fill("0131 496 0001")
    page.get_by_label("Why are you making this correction?").fill("New number, by phone.")
    with page.expect_navigation():
        page.get_by_role("button", name="Save the correction").click()
    assert "has been corrected" in page.locator("#messages").inner_text()
    assert "0131 496 0001" in page.locator("#corrections").inner_text()
