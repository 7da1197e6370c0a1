"""The organisers' ceremony pages in a real browser, by keyboard, on a phone-sized screen: the running order, a
public vote's result recorded (with its error state) and confirmed, a reveal and a hide (with its error state), the
printable list; axe-core finds nothing on any of them."""
from __future__ import annotations

import os
import re

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import demo_in_phase, fits_the_width, press, sign_in_as_organiser
from tests.fixtures.browser import assert_accessible, open_page, start_app_server

pytestmark = pytest.mark.browser

CEREMONY_ADMIN_DATABASE = f"awards_e2e_ceremony_admin_{os.getpid()}"
VOTE_CATEGORY = "Self Management Project of the Year"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """gunicorn with the demo edition on its ceremony night: results recorded, none confirmed or revealed."""
    with start_app_server(tmp_path_factory.mktemp("ceremony_admin"), CEREMONY_ADMIN_DATABASE) as started:
        yield demo_in_phase(started, "ceremony")


@pytest.fixture
def phone(browser):
    """The organiser's phone, 320 CSS pixels wide."""
    yield from open_page(browser, viewport={"width": 320, "height": 640}, is_mobile=True, has_touch=True)


def test_an_organiser_runs_the_ceremony_pages_by_keyboard_on_a_phone(server, phone):
    sign_in_as_organiser(phone, server)
    phone.goto(server.url("/admin/ceremony"))
    expect(phone.get_by_role("heading", level=1)).to_contain_text("Ceremony")
    assert_accessible(phone)
    fits_the_width(phone)

    # The public vote's result: the standing, then a departure from the vote without a reason is refused.
    press(phone, phone.get_by_role("link", name=re.compile(rf"^Check and confirm the result\s*: {VOTE_CATEGORY}$")))
    expect(phone.get_by_role("heading", level=1)).to_have_text(f"Result: {VOTE_CATEGORY}")
    assert_accessible(phone)
    fits_the_width(phone)
    winners = phone.locator("input[name=winner]")
    winners.last.check()
    press(phone, phone.get_by_role("button", name="Change the result"))
    summary = phone.locator("[data-error-summary]")
    expect(summary).to_contain_text("Give a reason: your choice differs from the order of the public vote")
    expect(summary).to_be_focused()
    assert phone.title().startswith("Error: ")
    expect(winners.last).to_be_checked()  # the choice is kept
    assert_accessible(phone)
    # Back to the order of the vote: recorded, then confirmed and sealed.
    winners.first.check()
    press(phone, phone.get_by_role("button", name="Change the result"))
    expect(phone.locator(".messages")).to_contain_text(f"The result of {VOTE_CATEGORY} is recorded")
    press(phone, phone.get_by_role("button", name=f"Confirm and seal the result of {VOTE_CATEGORY}"))
    expect(phone.locator(".messages")).to_contain_text("is confirmed and sealed")
    assert_accessible(phone)

    # Move it to the top of the running order (a part of the page of its own), reveal it, then take the reveal back.
    parts = phone.get_by_role("navigation", name="Parts of the ceremony page")
    press(phone, parts.get_by_role("link", name="Running order"))
    card = phone.locator("li.card", has=phone.get_by_role("heading", name=re.compile(re.escape(VOTE_CATEGORY))))
    while card.get_by_role("button", name=re.compile(r"^Move up")).count():
        press(phone, card.get_by_role("button", name=re.compile(r"^Move up")))
    expect(card.get_by_role("heading")).to_have_text(f"1. {VOTE_CATEGORY}")
    assert_accessible(phone)
    press(phone, parts.get_by_role("link", name="Results"))
    expect(card.get_by_role("heading")).to_have_text(f"1. {VOTE_CATEGORY}")
    press(phone, phone.get_by_role("button", name=f"Reveal {VOTE_CATEGORY}"))
    expect(card).to_contain_text("Revealed")
    assert_accessible(phone)
    press(phone, card.get_by_role("link", name=re.compile(r"^Hide this result")))
    press(phone, phone.get_by_role("button", name="Hide the result"))
    expect(phone.locator("[data-error-summary]")).to_contain_text("Say why you are hiding this result")
    assert_accessible(phone)
    phone.get_by_label("Why are you hiding this result?").fill("Revealed before the presenter announced it.")
    press(phone, phone.get_by_role("button", name="Hide the result"))
    expect(phone.locator(".messages")).to_contain_text("is hidden again")
    expect(card).to_contain_text("Confirmed and sealed")

    phone.goto(re.sub(r"/ceremony.*", "/ceremony/winners", phone.url))
    expect(phone.get_by_role("heading", level=1)).to_contain_text("Results:")
    assert_accessible(phone)
    fits_the_width(phone)
