"""The organisers' judging pages in a real browser, on the demo in its judging phase: the overview and a category's
page with axe-core, reminders with a visible confirmation, and the shortlist form without JavaScript (choose a
method, show its top three, save a departure with its reason) and its error state with axe.
"""
import os
import re

import pytest

from tests.e2e.helpers import EDITION_LINK, sign_in_as_organiser
from tests.fixtures.browser import (
    SIGN_IN_LINE,
    LiveServer,
    assert_accessible,
    start_app_server,
)

pytestmark = pytest.mark.browser

# Named like the other browser-test databases, so that a killed run's database is dropped by the next run.
JUDGING_DATABASE = f"awards_e2e_judging_{os.getpid()}"

# Categories of the demo, one per test that changes something, so that the tests do not depend on each other's order.
OVERVIEW_CATEGORY = "Self Management Supporting Community of the Year"
REMINDER_CATEGORY = "Individual Transformational Story of the Year"  # no judge has submitted there
SHORTLIST_CATEGORY = "Self Management Supporting Health and Social Care Partnership of the Year"
ERROR_CATEGORY = "Innovative Partnership Idea of the Year"


@pytest.fixture(scope="module")
def judging_server(tmp_path_factory):
    """gunicorn serving the demo rebuilt in its judging phase: panels, conflicts and scores (email to devmail)."""
    with start_app_server(tmp_path_factory.mktemp("judging_server"), JUDGING_DATABASE) as server:
        printed = server.flask("demo", "--phase", "judging")  # new passwords: read them again
        lines = (SIGN_IN_LINE.match(line) for line in printed.splitlines())
        sign_ins = [line.group("role", "email", "password") for line in lines if line]
        yield LiveServer(base_url=server.base_url, sign_ins=sign_ins, env=server.env)


def submit(page, name: str) -> int:
    """Press the button with this name and return the status of the page it leads to."""
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name=name, exact=True).click()
    return navigation.value.status


def follow(page, name: str) -> None:
    """Follow the link with this name in the page's content (the edition's navigation has links of its own)."""
    with page.expect_navigation():
        page.locator("main").get_by_role("link", name=name, exact=True).click()


def open_tab(page, name: str) -> None:
    """Follow the tab with this name to a section of the category's judging (the edition's navigation has a
    Shortlist link too)."""
    with page.expect_navigation():
        page.locator("nav.section-tabs").get_by_role("link", name=name, exact=True).click()


def open_overview(page, server) -> None:
    """Sign in as the demo organiser and open the edition's judging overview."""
    sign_in_as_organiser(page, server)
    with page.expect_navigation():
        page.get_by_role("link", name=EDITION_LINK).click()
    follow(page, "Progress, rankings, shortlist and final round")
    assert page.locator("h1").inner_text() == "Judging"


def open_category(page, server, category: str) -> None:
    """Open a category's judging page from the overview."""
    open_overview(page, server)
    follow(page, category)
    assert page.locator("h1").inner_text() == f"Judging: {category}"


def shortlist_section(page):
    """The shortlist section of a category's judging page."""
    return page.locator("section[aria-labelledby=shortlist]")


def shortlist_boxes(page):
    """The shortlist form's checkboxes, in ranking order."""
    return shortlist_section(page).locator("input[name=chosen]")


def in_top_three(page, box) -> bool:
    """Whether the hint under a finalist box says the entry is in the top three."""
    hint = page.locator(f"#{box.get_attribute('aria-describedby')}").inner_text()
    return "in the top three" in hint


def test_overview_and_category_pages_are_accessible(page, judging_server):
    open_overview(page, judging_server)
    rows = page.locator("table tbody tr")
    assert rows.count() == 6
    assert re.search(r"\d+ of \d+ scores \(\d+%\)", rows.filter(has_text=OVERVIEW_CATEGORY).inner_text())
    assert_accessible(page)

    follow(page, OVERVIEW_CATEGORY)
    assert page.locator("h1").inner_text() == f"Judging: {OVERVIEW_CATEGORY}"
    # The progress matrix in words on the first tab; the two rankings side by side, and the judges whose scoring
    # stands out, on the next.
    assert page.get_by_role("table", name="Scoring by entry and judge").count() == 1
    assert page.get_by_role("link", name="Progress", exact=True).get_attribute("aria-current") == "page"
    assert_accessible(page)
    open_tab(page, "Rankings")
    assert page.get_by_role("link", name="Rankings", exact=True).get_attribute("aria-current") == "page"
    headers = page.get_by_role("table", name=re.compile("^Entries ranked by")).locator("thead th").all_inner_texts()
    assert "Weighted mean (out of 10)" in headers and "Normalised mean" in headers
    assert page.get_by_role("heading", name="Judges whose scoring stands out").count() == 1
    assert_accessible(page)


def test_reminders_to_a_panel_then_to_everyone(page, judging_server):
    open_category(page, judging_server, REMINDER_CATEGORY)
    panel = page.get_by_role("table", name="Each judge's progress").locator("tbody th").all_inner_texts()
    assert len(panel) == 2
    assert submit(page, "Send reminders to this panel") == 200
    assert page.url.endswith("#progress")
    message = page.locator("#messages").inner_text()
    assert "Reminder sent to 2 judges:" in message and all(name in message for name in panel), message
    assert page.locator("#messages .notice--success").is_visible()
    assert_accessible(page)

    # Everyone with work left: the panel just reminded is not reminded again within the hour, and is told so.
    with page.expect_navigation():  # the Judging section of the edition's navigation (the breadcrumbs name it too)
        page.locator(".edition-nav").get_by_role("link", name="Judging", exact=True).click()
    assert submit(page, "Send reminders") == 200
    message = page.locator("#messages").inner_text()
    assert "reminded less than an hour ago" in message, message
    not_sent = message.split("Not sent to ", 1)[1]
    assert all(name in not_sent for name in panel), message
    assert page.locator("#messages .notice").is_visible()


def test_shortlist_without_javascript(no_js_page, judging_server):
    page = no_js_page
    open_category(page, judging_server, SHORTLIST_CATEGORY)
    open_tab(page, "Shortlist")
    assert page.get_by_label("Weighted mean").is_checked(), "the weighted mean is the starting method"

    # Choose the other method and show its top three (nothing is saved).
    page.get_by_label("Normalised mean (z-scores)").check()
    assert submit(page, "Show the top three under this method") == 200
    assert page.get_by_label("Normalised mean (z-scores)").is_checked()
    assert "No shortlist has been chosen yet." in shortlist_section(page).inner_text()
    assert "Ranked by the normalised mean (z-scores)." in shortlist_section(page).inner_text()
    boxes = shortlist_boxes(page)
    ticked = [box.get_attribute("value") for box in boxes.all() if box.is_checked()]
    top = [box.get_attribute("value") for box in boxes.all() if in_top_three(page, box)]
    assert len(ticked) == 3 and ticked == top

    # A departure: leave out the third and choose the first entry outside the top three, each with a reason.
    third = shortlist_boxes(page).and_(page.locator(f"[value='{ticked[2]}']"))
    outside = next(box for box in boxes.all() if not box.is_checked())
    third.uncheck()
    outside.check()
    for box, reason in ((third, "The nominee asked to wait a year."), (outside, "Stronger evidence of lived experience.")):
        entry = box.locator("xpath=..")
        entry.locator("summary").click()  # a <details> opens without JavaScript
        entry.locator("textarea").fill(reason)
    assert submit(page, "Save the shortlist") == 200
    assert page.url.endswith("/judging/shortlist")
    assert re.search(rf"The shortlist of {re.escape(SHORTLIST_CATEGORY)} is saved: 3 finalists\. It is not published",
                     page.locator("#messages").inner_text())
    section = shortlist_section(page).inner_text()
    assert "following the normalised mean (z-scores)" in section
    assert "Chosen from outside the top three because: Stronger evidence of lived experience." in section
    assert shortlist_boxes(page).and_(page.locator(f"[value='{ticked[2]}']")).is_checked() is False


def test_shortlist_error_state_is_accessible(page, judging_server):
    open_category(page, judging_server, ERROR_CATEGORY)
    open_tab(page, "Shortlist")
    outside = next(box for box in shortlist_boxes(page).all() if not box.is_checked())
    outside.check()
    assert submit(page, "Save the shortlist") == 422
    assert page.title().startswith("Error: ")
    summary = page.locator("[data-error-summary]")
    page.wait_for_function("() => document.activeElement.hasAttribute('data-error-summary')")
    assert re.search(r"Give a reason for choosing .+: it is not in the top three by weighted mean", summary.inner_text())
    # The summary links to the reason box, which is shown (its <details> open) with the message next to it.
    reason_id = summary.get_by_role("link").first.get_attribute("href").removeprefix("#")
    reason = page.locator(f"#{reason_id}")
    assert reason.is_visible()
    assert page.locator(f"#{reason_id}-error").is_visible()
    assert outside.is_checked(), "the tick is kept"
    assert_accessible(page)
    summary.get_by_role("link").first.click()
    assert page.evaluate("() => document.activeElement.id") == reason_id
