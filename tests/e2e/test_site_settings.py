"""The site settings in a real browser: the organisers' page (with its errors) and the accessibility statement at 320 px
are accessible; the contact and the logo then show on the public pages."""
import pytest

from tests.e2e.helpers import fits_the_width, focused, sign_in_as_organiser
from tests.factories.site_settings import CONTACT_EMAIL, logo_png
from tests.fixtures.browser import assert_accessible

pytestmark = pytest.mark.browser


def test_the_settings_page_with_its_errors_is_accessible_and_saves(page, live_server):
    sign_in_as_organiser(page, live_server)
    page.goto(live_server.url("/admin/"))
    page.get_by_role("link", name="Site settings").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Site settings"
    assert_accessible(page)

    page.locator("#contact_email").fill("awards at example dot org")
    page.locator("#contact_phone").fill("ring the bell")
    with page.expect_navigation():
        page.get_by_role("button", name="Save the settings").click()
    assert page.title().startswith("Error: Site settings")
    assert focused(page)["summary"], "the error summary takes focus"
    assert page.locator("#contact_email").input_value() == "awards at example dot org"
    assert_accessible(page)

    page.locator("#contact_email").fill(CONTACT_EMAIL)
    page.locator("#contact_phone").fill("01632 960 001")
    with page.expect_navigation():
        page.get_by_role("button", name="Save the settings").click()
    assert "The site settings are saved." in page.locator("#messages").inner_text()

    page.locator("#logo-image").set_input_files({"name": "logo.png", "mimeType": "image/png", "buffer": logo_png()})
    page.locator("#logo-alt").fill("The ALLIANCE")
    with page.expect_navigation():
        page.get_by_role("button", name="Upload the logo").click()
    assert page.locator(".logo-preview__image").is_visible()
    assert_accessible(page)

    page.goto(live_server.url("/"))
    assert page.get_by_role("link", name="The ALLIANCE Self Management Awards").is_visible()
    assert page.locator(".site-footer").get_by_role("link", name=CONTACT_EMAIL).is_visible()
    assert page.locator(".site-header__logo").evaluate("img => img.complete && img.naturalWidth") == 200

    # Leave the shared demo server as other browser tests expect it: no logo.
    page.goto(live_server.url("/admin/settings"))
    with page.expect_navigation():
        page.get_by_role("button", name="Remove the logo").click()
    assert "The logo is removed." in page.locator("#messages").inner_text()


def test_the_accessibility_statement_reads_well_at_320px(phone_page, live_server):
    response = phone_page.goto(live_server.url("/"))
    assert response.status == 200
    phone_page.get_by_role("link", name="Accessibility statement").click()
    phone_page.wait_for_load_state()
    assert phone_page.get_by_role("heading", level=1).inner_text().startswith("Accessibility statement")
    assert phone_page.get_by_role("heading", level=2, name="Enforcement procedure").is_visible()
    fits_the_width(phone_page)
    assert_accessible(phone_page)


def test_the_statement_needs_no_javascript(no_js_page, live_server):
    response = no_js_page.goto(live_server.url("/accessibility"))
    assert response.status == 200
    assert no_js_page.get_by_role("heading", level=2, name="How accessible this website is").is_visible()
