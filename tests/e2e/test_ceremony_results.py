"""The ceremony in real browsers: an organiser reveals results from the ceremony page while two guests (a 320px phone
and a desktop) watch /results and the projector shows the presenter view; every screen shows each reveal within
3 seconds of the click without reloading, the presenter view is driven by the keyboard, a guest without JavaScript
sees it on reload, and axe finds nothing on any of the views (the archive included, after the ceremony)."""
from __future__ import annotations

import os
import re
import time

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import demo_in_phase, fits_the_width, sign_in_as_organiser
from tests.fixtures.browser import assert_accessible, open_page, start_app_server

pytestmark = pytest.mark.browser

# Its own database, named so that browser.py's clean-up of databases left by killed runs also covers it.
CEREMONY_DATABASE = f"awards_e2e_ceremony_{os.getpid()}"
REVEAL_WITHIN_MS = 3000


@pytest.fixture(scope="module")
def ceremony_server(tmp_path_factory):
    """gunicorn with the demo edition on its ceremony night: results recorded, none confirmed or revealed."""
    with start_app_server(tmp_path_factory.mktemp("ceremony_server"), CEREMONY_DATABASE) as server:
        yield demo_in_phase(server, "ceremony")


@pytest.fixture
def guest_phone(browser):
    """A guest's phone: 320 CSS pixels wide."""
    yield from open_page(browser, viewport={"width": 320, "height": 640}, is_mobile=True, has_touch=True)


@pytest.fixture
def guest_desktop(browser):
    """Someone following online on a laptop."""
    yield from open_page(browser, viewport={"width": 1280, "height": 800})


@pytest.fixture
def projector(browser):
    """The presenter view on a 1280x720 projector."""
    yield from open_page(browser, viewport={"width": 1280, "height": 720})


@pytest.fixture
def organiser_page(browser):
    """The organiser's laptop at the side of the stage."""
    yield from open_page(browser, viewport={"width": 1280, "height": 800})


@pytest.fixture
def no_js_guest(browser):
    """A guest whose phone runs no JavaScript."""
    yield from open_page(browser, viewport={"width": 320, "height": 640}, java_script_enabled=False)


def confirm_result(organiser, category: str) -> None:
    """From the ceremony page, open a category's recorded result and confirm (seal) it."""
    # The link's visually hidden ": <category>" counts as a separate piece of its accessible name.
    name = re.compile(rf"^Check and confirm the result\s*: {re.escape(category)}$")
    organiser.get_by_role("link", name=name).click()
    with organiser.expect_navigation():
        organiser.get_by_role("button", name=f"Confirm and seal the result of {category}").click()
    expect(organiser.locator(".messages")).to_contain_text(f"The result of {category} is confirmed")


def recorded_winner(organiser, category: str) -> str:
    """The winner the ceremony page shows the organiser for a category (in a disclosure, perhaps closed: its text)."""
    card = organiser.locator("li.card", has=organiser.get_by_role("heading", name=re.compile(re.escape(category))))
    return card.locator("li", has_text="Winner: ").first.text_content().strip().removeprefix("Winner: ").strip()


def remaining_ms(started: float) -> float:
    """What is left of the 3 seconds since the click (at least a little, so that expect still looks once)."""
    return max(REVEAL_WITHIN_MS - (time.monotonic() - started) * 1000, 50)


def test_every_screen_follows_the_reveal_within_3_seconds(
    ceremony_server, organiser_page, guest_phone, guest_desktop, projector, no_js_guest
):
    server = ceremony_server
    organiser = organiser_page
    sign_in_as_organiser(organiser, server)
    organiser.goto(server.url("/admin/ceremony"))
    assert re.fullmatch(re.escape(server.url("/admin/editions/")) + r"\d+/ceremony", organiser.url)
    categories = [re.sub(r"^\d+\. ", "", text) for text in organiser.locator("li.card h3").all_inner_texts()]
    first, second, third = categories[:3]
    for category in (first, second, third):
        confirm_result(organiser, category)
    organiser.goto(server.url("/admin/ceremony"))
    winner = recorded_winner(organiser, second)

    for guest in (guest_phone, guest_desktop, no_js_guest):
        guest.goto(server.url("/results"))
    projector.goto(server.url("/results/present/1"))
    for guest in (guest_phone, guest_desktop):
        expect(guest.get_by_role("heading", level=2, name=second)).to_be_visible()
        assert guest.locator(".result__winner").count() == 0
        assert guest.locator(".result__pending").count() == len(categories)
        assert_accessible(guest)
    fits_the_width(guest_phone)
    expect(projector.locator("h1")).to_have_text(first)
    assert_accessible(projector)

    # The organiser reveals the second category while the projector still shows the first.
    started = time.monotonic()
    organiser.get_by_role("button", name=f"Reveal {second}").click()
    for guest in (guest_phone, guest_desktop):
        section = guest.locator("section", has=guest.get_by_role("heading", level=2, name=second))
        expect(section.locator(".result__winner")).to_have_text(winner, timeout=remaining_ms(started))
        expect(section.locator(".result__winner")).to_be_visible(timeout=remaining_ms(started))
    expect(projector.locator(".stage__winner")).to_be_visible(timeout=remaining_ms(started))
    expect(projector.locator(".stage__winner")).to_have_text(winner, timeout=remaining_ms(started))
    expect(projector.locator("h1")).to_have_text(second)
    assert projector.url == server.url("/results/present/2")
    # Screen reader users hear it: the polite live region outside the swapped results says what was announced.
    for guest in (guest_phone, guest_desktop):
        expect(guest.locator("#results-announcement")).to_have_text(
            f"Just announced: Winner of {second}: {winner}"
        )
        assert guest.locator("#results-announcement").get_attribute("aria-live") == "polite"
        assert_accessible(guest)
    fits_the_width(guest_phone)
    assert_accessible(projector)
    expect(organiser.locator(".messages")).to_contain_text(f"{second} is revealed")

    # Without JavaScript nothing changes by itself; the Refresh results link shows the same.
    assert no_js_guest.locator(".result__winner").count() == 0
    with no_js_guest.expect_navigation():
        no_js_guest.get_by_role("link", name="Refresh results").click()
    expect(no_js_guest.locator(".result__winner")).to_have_text(winner)

    # The presenter drives the projector with the keyboard.
    for key, position, heading in [("ArrowLeft", 1, first), ("ArrowRight", 2, second), ("Space", 3, third),
                                   ("PageUp", 2, second), ("PageDown", 3, third), ("Shift+Space", 2, second)]:
        projector.keyboard.press(key)  # htmx swaps the slide in (a page load would leave full screen)
        expect(projector).to_have_url(server.url(f"/results/present/{position}"))
        expect(projector.locator("h1")).to_have_text(heading)
    assert_accessible(projector)

    # A second reveal, of a category the projector is not showing: it jumps there again.
    projector.keyboard.press("ArrowLeft")
    expect(projector.locator("h1")).to_have_text(first)
    third_winner = recorded_winner(organiser, third)
    started = time.monotonic()
    organiser.get_by_role("button", name=f"Reveal {third}").click()
    expect(projector.locator(".stage__winner")).to_have_text(third_winner, timeout=remaining_ms(started))
    for guest in (guest_phone, guest_desktop):
        section = guest.locator("section", has=guest.get_by_role("heading", level=2, name=third))
        expect(section.locator(".result__winner")).to_have_text(third_winner, timeout=remaining_ms(started))
    expect(projector).to_have_url(server.url("/results/present/3"))


def test_the_presenter_view_fits_a_phone_and_the_archive_is_accessible(ceremony_server, guest_phone, guest_desktop):
    server = ceremony_server
    guest_phone.goto(server.url("/results/present"))
    fits_the_width(guest_phone)
    assert_accessible(guest_phone)

    server.flask("demo", "--phase", "results")  # the ceremony is over: every result revealed, the edition archived
    for page in (guest_phone, guest_desktop):
        page.goto(server.url("/"))
        page.get_by_role("link", name=re.compile("^Past awards")).click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Past awards")
        fits_the_width(page)
        assert_accessible(page)
        page.get_by_role("link", name=re.compile(r"^Self Management Awards \d{4}$")).first.click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("the winners")
        assert page.locator(".result__winner").count() >= 1
        assert page.locator("text=Not announced").count() == 0
        fits_the_width(page)
        assert_accessible(page)
        page.goto(server.url("/results"))
        assert page.locator(".result__winner").count() >= 1
        fits_the_width(page)
        assert_accessible(page)
