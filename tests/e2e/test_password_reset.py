"""A judge on a 320px phone forgets their password: asks from the sign-in page (after two mistakes), reads the link in
the email a real SMTP sink received, chooses a new password (after a mismatch), signs in with it; the used and a
tampered link explain themselves. axe-core finds nothing on any page or state, and nothing scrolls sideways."""
from __future__ import annotations

import os
import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import serving_with_mail
from tests.e2e.helpers import fits_the_width, follow_link
from tests.fixtures.browser import assert_accessible

pytestmark = pytest.mark.browser

# Its own database, named so that browser.py's clean-up of databases left by killed runs also covers it.
RESET_DATABASE = f"awards_e2e_reset_{os.getpid()}"
NEW_PASSWORD = "heather curlew bothy lantern"


@pytest.fixture(scope="module")
def reset_server(tmp_path_factory):
    """gunicorn with the demo edition, sending email to a sink here (a password changed here affects no other test)."""
    with serving_with_mail(tmp_path_factory, "reset_server", RESET_DATABASE) as server:
        yield server


def check(page) -> None:
    """Every state: axe finds nothing and it fits the phone."""
    assert_accessible(page)
    fits_the_width(page)


def press(page, name: str) -> int:
    """Press a button and wait for the page that follows; its status."""
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name=name).click()
    return navigation.value.status


def test_a_judge_forgets_their_password_and_sets_a_new_one_on_a_phone(phone_page, reset_server):
    page, server = phone_page, reset_server
    email, old_password = server.sign_in_for("judge")
    page.goto(server.url("/sign-in"))
    follow_link(page, "Forgotten your password?")
    expect(page.get_by_role("heading", level=1)).to_have_text("Forgotten your password?")
    check(page)

    # An address that is not one: the error state keeps what was typed.
    page.get_by_label("Email address").fill("judge at example")
    assert press(page, "Email me a link") == 422
    assert page.title().startswith("Error: ")
    expect(page.locator(".error-summary")).to_contain_text("Enter a valid email address")
    expect(page.get_by_label("Email address")).to_have_value("judge at example")
    check(page)

    page.get_by_label("Email address").fill(email)
    assert press(page, "Email me a link") == 200
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    expect(page.locator("main")).to_contain_text(f"If an account uses {email}")
    check(page)

    server.deliver()
    [received] = server.emails_to(email)
    link = re.search(r"(http://\S+/sign-in/reset-password/\S+)", received.part("text/plain")).group(1)
    assert link.startswith(server.url("/"))

    response = page.goto(link)
    assert response.status == 200 and response.headers["referrer-policy"] == "no-referrer"
    expect(page.get_by_role("heading", level=1)).to_have_text("Choose a new password")
    check(page)

    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Confirm new password").fill("not the same at all, sorry")
    assert press(page, "Set my new password") == 422
    expect(page.locator(".error-summary")).to_contain_text("The new passwords do not match")
    check(page)

    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Confirm new password").fill(NEW_PASSWORD)
    assert press(page, "Set my new password") == 200
    assert page.url == server.url("/sign-in")
    expect(page.locator("#messages")).to_contain_text("Sign in with your new password")
    check(page)

    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(old_password)
    assert press(page, "Sign in") == 422  # the old password no longer works
    page.get_by_label("Password", exact=True).fill(NEW_PASSWORD)
    press(page, "Sign in")
    assert page.url == server.url("/judging/")

    # The link again (from the email, a day later): used, with the way to ask again.
    response = page.goto(link)
    assert response.status == 409
    expect(page.get_by_role("heading", level=1)).to_have_text("This link has already been used")
    expect(page.get_by_role("link", name="Ask for a new link")).to_be_visible()
    check(page)


def test_a_tampered_link_says_what_to_do_next_on_a_phone(phone_page, reset_server):
    response = phone_page.goto(reset_server.url("/sign-in/reset-password/not-a-real-link.0000"))
    assert response.status == 404
    expect(phone_page.get_by_role("heading", level=1)).to_have_text("This link does not work")
    check(phone_page)
    follow_link(phone_page, "Ask for a new link")
    expect(phone_page.get_by_role("heading", level=1)).to_have_text("Forgotten your password?")
    check(phone_page)
