"""Next year without retyping, in a real browser on a 320px phone: the organiser starts from the demo edition, is
refused a year that exists (error summary focused), copies it into the next year, lands on its dates to review, and
invites one past judge again from the keyboard and the rest with one button. axe-core on each page and state."""
import os
import re

import pytest

from tests.e2e.helpers import (
    demo_in_phase,
    fits_the_width,
    follow_link,
    press,
    sign_in_as_organiser,
)
from tests.fixtures.browser import assert_accessible, start_app_server

pytestmark = pytest.mark.browser

COPY_DATABASE = f"awards_e2e_copy_edition_{os.getpid()}"


@pytest.fixture(scope="module")
def copy_server(tmp_path_factory):
    """A server of its own (the copy adds an edition, which the other browser tests' dashboard must not show), its
    demo edition over, with its panels."""
    with start_app_server(tmp_path_factory.mktemp("copy_edition_server"), COPY_DATABASE) as server:
        yield demo_in_phase(server, "results")


def looks_right(page) -> None:
    """Fits 320px, and nothing for axe to find."""
    fits_the_width(page)
    assert_accessible(page)


def submit(page, name: str) -> int:
    """Press a button and return the status of the page it leads to."""
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name=name).click()
    return navigation.value.status


def test_the_organiser_starts_next_year_from_the_demo(phone_page, copy_server):
    page, server = phone_page, copy_server
    sign_in_as_organiser(page, server)
    follow_link(page, "Start from a past edition")
    looks_right(page)

    follow_link(page, re.compile(r"^Start from \d{4}"))
    past_year = int(page.get_by_label("Year").input_value()) - 1
    assert page.get_by_label("Name").input_value() == f"Self Management Awards {past_year + 1}"
    looks_right(page)

    # A year that already has its edition: refused, with the summary taking focus and the name kept.
    page.get_by_label("Year").fill(str(past_year))
    page.get_by_label("Name").fill("Next year's awards")
    assert submit(page, "Copy into the new edition") == 422
    assert page.title().startswith("Error: ")
    assert f"must come after {past_year}" in page.locator("[data-error-summary]").inner_text()
    assert page.evaluate("() => document.activeElement.hasAttribute('data-error-summary')")
    assert page.get_by_label("Name").input_value() == "Next year's awards"
    looks_right(page)

    page.get_by_label("Year").fill(str(past_year + 1))
    assert submit(page, "Copy into the new edition") == 200
    assert page.get_by_role("heading", level=1).inner_text() == "Next year's awards"
    assert f"Copied from {past_year}: review the dates, each moved on by a year" in page.locator("#messages").inner_text()
    assert str(past_year + 1) in page.locator("#details ~ dl").inner_text()
    looks_right(page)

    # The past panels, to invite again: one from the keyboard, then all the others.
    follow_link(page, "Judges, panels and invitations")
    follow_link(page, "Invite again")
    cards = page.locator("li[id^=again-]")
    before = cards.count()
    assert before > 1
    looks_right(page)
    first = cards.first.locator("button")
    assert first.inner_text().startswith("Invite again")
    assert press(page, first) == 200
    assert "an invitation has been emailed to" in page.locator("#messages").inner_text()
    assert page.locator("li[id^=again-]").count() == before - 1
    looks_right(page)
    assert submit(page, re.compile(r"^Invite all \d+ again$")) == 200
    assert "judges of the past panels are on this edition" in page.locator("#messages").inner_text()
    assert page.locator("li[id^=again-]").count() == 0
    assert "is on this year's panels" in page.locator("#invite-again + p").inner_text()
    looks_right(page)
