"""The organisers' review in a real browser: axe on list and nomination pages, htmx status change, no-JS fallback."""
import re

import pytest

from tests.e2e.helpers import sign_in_as_organiser
from tests.fixtures.browser import assert_accessible

pytestmark = pytest.mark.browser


def open_list(page, live_server):
    page.goto(live_server.url("/admin/"))
    # Let the edition page finish loading (its stylesheet too) before going on.
    with page.expect_navigation(wait_until="load"):
        page.locator("table a").first.click()
    edition_path = re.search(r"/admin/editions/\d+", page.url).group(0)
    page.goto(live_server.url(edition_path + "/nominations"))


def test_review_with_htmx(page, live_server):
    sign_in_as_organiser(page, live_server)
    open_list(page, live_server)
    assert_accessible(page)
    assert not page.get_by_label("Status").is_visible()  # the lists fold under the search box
    page.get_by_text("Filter by category, status, local authority or consent").click()
    page.get_by_label("Status").select_option("received")
    with page.expect_navigation():
        page.get_by_role("button", name="Filter").click()
    assert "status=received" in page.url
    assert page.get_by_label("Status").is_visible()  # a list in force stays open
    assert_accessible(page)
    with page.expect_navigation():
        page.locator("tbody a").first.click()
    assert_accessible(page)
    url = page.url
    # Ineligible without a reason: the panel comes back with an error summary, which takes focus.
    page.get_by_label("Ineligible").check()
    page.locator("#status-submit").click()
    page.wait_for_function("() => document.activeElement && document.activeElement.hasAttribute('data-error-summary')")
    assert page.url == url
    assert "Enter why the nomination is not eligible" in page.locator("#status-panel").inner_text()
    assert_accessible(page)
    # Eligible: the panel updates in place, the live region says so, focus stays on the button.
    page.get_by_label("Eligible", exact=True).check()
    page.locator("#status-submit").click()
    page.wait_for_function("() => document.querySelector('#status-message').innerText.includes('is marked eligible')")
    assert page.url == url
    assert page.locator("#status-panel .tag").inner_text() == "Eligible"
    assert page.evaluate("() => document.activeElement.id") == "status-submit"
    assert page.locator("#messages").inner_text().strip() == ""
    assert page.locator("#status-panel [data-error-summary]").count() == 0
    assert_accessible(page)
    # And a reload shows it saved.
    page.reload()
    assert page.locator("#status-panel .tag").inner_text() == "Eligible"


def test_review_on_a_phone(phone_page, live_server):
    sign_in_as_organiser(phone_page, live_server)
    open_list(phone_page, live_server)
    assert_accessible(phone_page)
    overflow = phone_page.evaluate("() => document.documentElement.scrollWidth")
    assert overflow <= 320, overflow
    with phone_page.expect_navigation():
        phone_page.locator("tbody a").first.click()
    assert_accessible(phone_page)
    assert phone_page.evaluate("() => document.documentElement.scrollWidth") <= 320


def test_review_without_javascript(no_js_page, live_server):
    page = no_js_page
    sign_in_as_organiser(page, live_server)
    open_list(page, live_server)
    with page.expect_navigation():
        page.locator("tbody a").nth(1).click()
    url = page.url
    page.get_by_label("Withdrawn").check()
    page.get_by_label("Reason").fill("Asked by the nominator")
    with page.expect_navigation():
        page.locator("#status-submit").click()
    assert page.url == url
    assert "is marked withdrawn" in page.locator("#messages").inner_text()
    assert page.locator("#status-panel .tag").inner_text() == "Withdrawn"
    page.get_by_label("Ineligible").check()
    page.get_by_label("Reason").fill("")
    with page.expect_navigation() as nav:
        page.locator("#status-submit").click()
    assert nav.value.status == 422
    assert page.title().startswith("Error: ")
