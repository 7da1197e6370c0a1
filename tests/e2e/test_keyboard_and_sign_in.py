"""Keyboard use and signing in, in a real browser: skip link, sign in and out by keyboard, the error state."""
import pytest

from tests.e2e.helpers import focused, tab_to
from tests.fixtures.browser import assert_accessible

pytestmark = pytest.mark.browser


def test_skip_link_comes_first_and_moves_focus_to_main(page, live_server):
    page.goto(live_server.url("/"))
    page.keyboard.press("Tab")
    first = focused(page)
    assert first["tag"] == "a" and first["text"] == "Skip to main content", first
    assert page.get_by_role("link", name="Skip to main content").is_visible()
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.activeElement && document.activeElement.id === 'main'")
    assert focused(page)["id"] == "main"


def test_organiser_signs_in_and_out_by_keyboard_alone(page, live_server):
    email, password = live_server.sign_in_for("organiser")
    page.goto(live_server.url("/"))

    tab_to(page, lambda el: el["tag"] == "a" and el["text"] == "Sign in")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.get_by_role("heading", level=1).inner_text() == "Sign in"

    tab_to(page, lambda el: el["name"] == "email")
    page.keyboard.type(email)
    page.keyboard.press("Tab")
    assert focused(page)["name"] == "password"
    page.keyboard.type(password)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == live_server.url("/admin/")
    assert page.get_by_role("heading", level=1).inner_text() == "Organisers' area"
    assert_accessible(page)

    tab_to(page, lambda el: el["tag"] == "button" and el["text"] == "Sign out")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == live_server.url("/")
    assert "You have signed out." in page.locator("#messages").inner_text()
    assert page.get_by_role("link", name="Sign in").is_visible()
    assert page.goto(live_server.url("/admin/")).url.startswith(live_server.url("/sign-in"))


def test_wrong_password_shows_a_focused_error_summary(page, live_server):
    email, _ = live_server.sign_in_for("organiser")
    page.goto(live_server.url("/sign-in"))
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill("not the right password")
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name="Sign in").click()
    assert navigation.value.status == 422

    assert page.title().startswith("Error: ")
    summary = page.locator("[data-error-summary]")
    assert "There is a problem" in summary.inner_text()
    page.wait_for_function("() => document.activeElement.hasAttribute('data-error-summary')")
    assert page.get_by_label("Email address").input_value() == email, "the email typed is kept"
    # The summary links to the field, so that a keyboard user lands where the problem is.
    summary.get_by_role("link").first.click()
    assert focused(page)["name"] == "email"
    assert_accessible(page)
