"""A new colleague joins without anyone touching a server, on 390px phones: the organiser invites them from the team
page (after a refused form), the colleague opens the emailed link read from a real SMTP sink, sets a password (after
a refused one) and reaches the organisers' area, and the used link says so; then the organiser removes them and their next page is the sign-in
page. axe-core on every page and state."""
from __future__ import annotations

import os

import pytest

from tests.e2e.conftest import serving_with_mail
from tests.e2e.helpers import fits_the_width, follow_link, sign_in_as_organiser
from tests.fixtures.browser import assert_accessible, open_page

pytestmark = pytest.mark.browser

# Its own database, named so that browser.py's clean-up of databases left by killed runs also covers it.
TEAM_DATABASE = f"awards_e2e_team_{os.getpid()}"
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
COLLEAGUE = "morag.colleague@example.org"
PASSWORD = "thistle harbour kettle lantern"


@pytest.fixture(scope="module")
def team_server(tmp_path_factory):
    """gunicorn with the demo edition, sending email to a sink here (no other module reads these emails)."""
    with serving_with_mail(tmp_path_factory, "team_server", TEAM_DATABASE) as server:
        yield server


@pytest.fixture
def organiser_phone(browser):
    yield from open_page(browser, **PHONE)


@pytest.fixture
def colleague_phone(browser):
    yield from open_page(browser, **PHONE)


def looks_right(page) -> None:
    """Fits the phone's width and axe finds nothing."""
    fits_the_width(page)
    assert_accessible(page)


def submit(page, name: str):
    """Press a button and wait for the page that follows; its response."""
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name=name).click()
    return navigation.value


def test_a_colleague_is_invited_joins_and_is_removed_on_phones(organiser_phone, colleague_phone, team_server):
    page, server = organiser_phone, team_server
    sign_in_as_organiser(page, server)
    follow_link(page, "See who runs the awards with you, and invite a colleague")
    assert page.locator("h1").inner_text() == "The organisers' team"
    looks_right(page)

    # The last organiser is told they cannot leave.
    follow_link(page, "Leave the team")
    assert "You are the last organiser" in page.locator("main").inner_text()
    assert page.get_by_role("button", name="Leave the team").count() == 0
    looks_right(page)
    follow_link(page, "Back to the team")

    # A refused form keeps what was typed and says why.
    page.get_by_label("Email address").fill("morag.colleague@")
    page.get_by_label("Full name").fill("Morag Colleague")
    assert submit(page, "Send the invitation").status == 422
    assert page.title().startswith("Error: ")
    page.wait_for_function("() => document.activeElement.hasAttribute('data-error-summary')")
    assert page.get_by_label("Full name").input_value() == "Morag Colleague"
    looks_right(page)

    page.get_by_label("Email address").fill(COLLEAGUE)
    assert submit(page, "Send the invitation").status == 200
    assert f"An invitation has been emailed to Morag Colleague at {COLLEAGUE}" in page.locator("#messages").inner_text()
    assert page.locator(".card", has_text=COLLEAGUE).get_by_text("Invited").is_visible()
    looks_right(page)

    # The colleague reads the email and sets a password on their own phone.
    server.deliver()
    [email] = server.emails_to(COLLEAGUE)
    text = email.part("text/plain")
    assert "The link works once, for 7 days" in text
    link = next(word for word in text.split() if "/sign-in/invitation/" in word)
    other = colleague_phone
    other.goto(link)
    assert other.locator("h1").inner_text() == "Set your password"
    assert "You are joining the organisers' team" in other.locator("main").inner_text()
    looks_right(other)
    other.get_by_label("Create a password").fill("Morag Colleague")
    assert submit(other, "Set my password and sign in").status == 422
    assert other.title().startswith("Error: ")
    looks_right(other)
    other.get_by_label("Create a password").fill(PASSWORD)
    assert submit(other, "Set my password and sign in").status == 200
    assert other.url == server.url("/admin/")
    assert other.locator("h1").inner_text() == "Organisers' area"
    # The link works once: opening it again says what to do instead.
    assert other.goto(link).status == 409
    assert "Sign in with your email address and password." in other.locator("main").inner_text()
    looks_right(other)
    other.goto(server.url("/admin/"))

    # The organiser sees them on the team, then removes them after a page that names them.
    page.reload()
    card = page.locator(".card", has_text=COLLEAGUE)
    assert "On the team" in card.inner_text()
    looks_right(page)
    with page.expect_navigation():
        card.get_by_role("link", name="Remove Morag Colleague from the team").click()
    assert page.locator("h1").inner_text() == "Remove Morag Colleague from the organisers' team?"
    looks_right(page)
    assert submit(page, "Remove Morag Colleague").status == 200
    assert "Morag Colleague has been removed" in page.locator("#messages").inner_text()
    assert COLLEAGUE not in page.locator(".card-list").inner_text()
    looks_right(page)

    # Their very next request is signed out.
    other.reload()
    assert other.url.startswith(server.url("/sign-in"))
