"""Why entries rank where they do, the judges' comments and feedback to nominees in a real browser, on the demo in its
judging phase: every page and state checked with axe-core at 1280 px, and read at 320 px without sideways scrolling."""
import os

import pytest

from tests.e2e.helpers import EDITION_LINK, fits_the_width, sign_in_as_organiser
from tests.fixtures.browser import (
    SIGN_IN_LINE,
    LiveServer,
    assert_accessible,
    start_app_server,
)

pytestmark = pytest.mark.browser

# Named like the other browser-test databases, so that a killed run's database is dropped by the next run.
BREAKDOWN_DATABASE = f"awards_e2e_breakdown_{os.getpid()}"
CATEGORY = "Self Management Supporting Community of the Year"


@pytest.fixture(scope="module")
def judging_server(tmp_path_factory):
    """gunicorn serving the demo rebuilt in its judging phase: panels, conflicts, scores and comments."""
    with start_app_server(tmp_path_factory.mktemp("breakdown_server"), BREAKDOWN_DATABASE) as server:
        printed = server.flask("demo", "--phase", "judging")  # new passwords: read them again
        lines = (SIGN_IN_LINE.match(line) for line in printed.splitlines())
        sign_ins = [line.group("role", "email", "password") for line in lines if line]
        yield LiveServer(base_url=server.base_url, sign_ins=sign_ins, env=server.env)


def follow(page, name: str) -> None:
    """Follow the first link with this name."""
    with page.expect_navigation():
        page.get_by_role("link", name=name, exact=True).first.click()


def open_category(page, server) -> None:
    """Sign in as the demo organiser and open the category's judging page."""
    sign_in_as_organiser(page, server)
    with page.expect_navigation():
        page.get_by_role("link", name=EDITION_LINK).click()
    follow(page, "Progress, rankings, shortlist and final round")
    follow(page, CATEGORY)
    assert page.locator("h1").inner_text() == f"Judging: {CATEGORY}"


def check(page, phone: bool) -> None:
    """axe-core on a desktop; no sideways scrolling on a phone."""
    if phone:
        fits_the_width(page)
    else:
        assert_accessible(page)


def walk(page, server, phone: bool) -> None:
    """The breakdown, the comments per entry and per judge, and the feedback pages, each checked."""
    open_category(page, server)
    follow(page, "Why entries rank where they do")
    assert page.locator("h1").inner_text() == f"Why entries rank where they do: {CATEGORY}"
    assert page.locator("svg.chart[role=img]").count() == 1
    assert page.get_by_role("table", name="The judges' weighted scores of each entry (out of 10)").count() == 1
    check(page, phone)
    follow(page, "Order by the normalised mean (z-scores)")
    assert "Entries in order of the normalised mean" in page.locator("main").inner_text()
    check(page, phone)

    follow(page, "Disagreements and flags")
    assert "Entries in order of the normalised mean" in page.locator("main").inner_text(), "the tab keeps the order"
    assert page.get_by_role("heading", name="Where the panel disagrees most").count() == 1
    check(page, phone)
    follow(page, "Entry by entry")
    entry = page.locator(".disclosure-list__item").first
    assert not entry.get_by_role("table").is_visible()
    entry.locator("summary").click()  # a <details> opens without JavaScript
    assert entry.get_by_role("table").is_visible()
    check(page, phone)
    entry.locator("a", has_text="Judges' comments on").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == f"Judges' comments: {CATEGORY}"
    assert "comment" in page.locator("main").inner_text()
    check(page, phone)
    page.locator("#by-judge + ul a").first.click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text().startswith("Comments by ")
    check(page, phone)


def test_pages_are_accessible_on_a_desktop(page, judging_server):
    walk(page, judging_server, phone=False)
    follow(page, f"All judges' comments on {CATEGORY}")
    follow(page, "Feedback to nominees (switched off)")
    assert "switched off for this edition" in page.locator("main").inner_text()
    assert_accessible(page)

    follow(page, "Switch on feedback to nominees")
    assert_accessible(page)
    page.get_by_label("Yes, organisers pick the comments to pass on").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Save", exact=True).click()
    assert "Feedback to nominees is on" in page.locator("#messages").inner_text()
    assert_accessible(page)

    follow(page, CATEGORY)
    boxes = page.locator("input[type=checkbox][name^=pick_]")
    assert boxes.count() > 0
    boxes.first.check()
    with page.expect_navigation():
        page.get_by_role("button", name="Save the comments to pass on").click()
    assert "comment to pass on" in page.locator("#messages").inner_text()
    assert boxes.first.is_checked()
    # Judging phase: the ceremony is still to come, so the page says when feedback can be sent.
    assert "Feedback can be sent once the result of" in page.locator("main").inner_text()
    assert_accessible(page)


def test_pages_fit_a_phone(phone_page, judging_server):
    walk(phone_page, judging_server, phone=True)
    follow(phone_page, f"All judges' comments on {CATEGORY}")
    follow(phone_page, "Feedback to nominees" if phone_page.get_by_role("link", name="Feedback to nominees", exact=True).count()
           else "Feedback to nominees (switched off)")
    fits_the_width(phone_page)
