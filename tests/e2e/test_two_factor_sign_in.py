"""An organiser sets up two-factor sign-in and signs in with a code, by keyboard alone, with axe-core on every page."""
import time

import pyotp
import pytest

from tests.e2e.helpers import focused, tab_to
from tests.fixtures.browser import assert_accessible, run_flask

pytestmark = pytest.mark.browser

# An organiser of this test's own, so that the demo organiser other browser tests sign in as keeps signing in with
# a password alone.
EMAIL = "two.factor@example.org"
PASSWORD = "granite lighthouse marmalade"


@pytest.fixture(scope="module")
def organiser(live_server):
    """Create the organiser with flask create-organiser, as the README says to."""
    run_flask(
        {**live_server.env, "AWARDS_ORGANISER_PASSWORD": PASSWORD}, "create-organiser", EMAIL, "--name", "Tam Factor"
    )
    return EMAIL, PASSWORD


def wrong_code(totp: pyotp.TOTP) -> str:
    """A well-formed code that no step near now makes."""
    near = {totp.at(time.time() + 30 * steps) for steps in (-1, 0, 1)}
    return next(code for code in ("000000", "111111", "222222", "333333") if code not in near)


def press_enter_and_wait(page):
    """Press Enter in a form and wait for the next page, whose response is returned."""
    with page.expect_navigation() as navigation:
        page.keyboard.press("Enter")
    return navigation.value


def type_into(page, name: str, text: str) -> None:
    """Tab to a field, clear it and type, as a keyboard user would."""
    tab_to(page, lambda el: el["name"] == name)
    page.keyboard.press("Control+A")
    page.keyboard.type(text)


def assert_error_summary_focused(page, message: str) -> None:
    """The page is an error page whose summary has focus and names the problem."""
    assert page.title().startswith("Error: ")
    page.wait_for_function("() => document.activeElement.hasAttribute('data-error-summary')")
    assert message in page.locator("[data-error-summary]").inner_text()


def sign_in_with_password(page, live_server, email, password):
    """Sign in through the form by keyboard; return the response to posting it."""
    page.goto(live_server.url("/sign-in"))
    type_into(page, "email", email)
    page.keyboard.press("Tab")
    assert focused(page)["name"] == "password"
    page.keyboard.type(password)
    return press_enter_and_wait(page)


def test_organiser_sets_up_two_factor_and_signs_in_with_a_code(page, live_server, organiser):
    email, password = organiser
    sign_in_with_password(page, live_server, email, password)
    assert page.url == live_server.url("/admin/")

    # From the header to the account page, then to set-up.
    page.keyboard.press("Home")
    tab_to(page, lambda el: el["tag"] == "a" and el["text"] == "Your account")
    press_enter_and_wait(page)
    assert page.get_by_role("heading", level=1).inner_text() == "Your account"
    assert_accessible(page)
    tab_to(page, lambda el: el["tag"] == "a" and el["text"] == "Set up two-factor sign-in")
    press_enter_and_wait(page)
    assert page.get_by_role("heading", level=1).inner_text() == "Set up two-factor sign-in"
    assert_accessible(page)

    secret = page.locator("#setup-key").inner_text().replace(" ", "")
    totp = pyotp.TOTP(secret)
    assert f"secret={secret}" in page.get_by_role("link", name="open the key in your authenticator app").get_attribute("href")

    # A wrong code first: the error state.
    type_into(page, "code", wrong_code(totp))
    assert press_enter_and_wait(page).status == 422
    assert_error_summary_focused(page, "The code is not right")
    assert_accessible(page)

    type_into(page, "code", totp.now())
    assert press_enter_and_wait(page).status == 200
    assert page.url == live_server.url("/admin/")
    assert "Two-factor sign-in is set up" in page.locator("#messages").inner_text()

    tab_to(page, lambda el: el["tag"] == "button" and el["text"] == "Sign out")
    press_enter_and_wait(page)
    assert "You have signed out." in page.locator("#messages").inner_text()

    # Signing in again: the password, then the code.
    sign_in_with_password(page, live_server, email, password)
    assert page.url == live_server.url("/sign-in/code")
    assert page.get_by_role("heading", level=1).inner_text() == "Security code"
    assert_accessible(page)
    assert page.goto(live_server.url("/admin/")).url.startswith(live_server.url("/sign-in")), "half signed in opens nothing"
    page.goto(live_server.url("/sign-in/code"))

    type_into(page, "code", wrong_code(totp))
    assert press_enter_and_wait(page).status == 422
    assert_error_summary_focused(page, "The code is not right")
    assert_accessible(page)
    # The summary links to the field, so that a keyboard user lands where the problem is.
    page.locator("[data-error-summary]").get_by_role("link").first.press("Enter")
    assert focused(page)["name"] == "code"

    # The next step's code: the one shown now may be the one just used to set it up, and a code works once.
    page.keyboard.press("Control+A")
    page.keyboard.type(totp.at(time.time() + 30))
    assert press_enter_and_wait(page).status == 200
    # (Browsers keep the #code the summary link added across the redirect.)
    assert page.url.split("#")[0] == live_server.url("/admin/")
    assert page.get_by_role("heading", level=1).inner_text() == "Organisers' area"
    assert_accessible(page)


def test_a_common_new_password_shows_a_focused_accessible_error(page, live_server):
    email, password = live_server.sign_in_for("organiser")
    sign_in_with_password(page, live_server, email, password)
    page.goto(live_server.url("/account/password"))
    assert_accessible(page)
    type_into(page, "current_password", password)
    type_into(page, "new_password", "Password-2026!")
    type_into(page, "confirm_password", "Password-2026!")
    assert press_enter_and_wait(page).status == 422  # refused: the demo organiser's password is unchanged
    assert_error_summary_focused(page, "Choose a password that is harder to guess: it is a common password")
    assert page.get_by_label("New password", exact=True).input_value() == "", "passwords are never sent back"
    assert_accessible(page)
