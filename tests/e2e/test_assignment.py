"""Fair assignment in a real browser, on the demo in its judging phase (one category judged by assignment): the
organiser opens the assignment page, runs it again, makes a settings mistake, removes and adds a judge by hand, and is
refused a judge already on the entry; axe-core on every state, and the page at 320 px."""
import os
import re

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
ASSIGNMENT_DATABASE = f"awards_e2e_assignment_{os.getpid()}"
ASSIGNED_CATEGORY = "Individual Transformational Story of the Year"  # the demo's category judged by assignment


@pytest.fixture(scope="module")
def judging_server(tmp_path_factory):
    """gunicorn serving the demo rebuilt in its judging phase."""
    with start_app_server(tmp_path_factory.mktemp("assignment_server"), ASSIGNMENT_DATABASE) as server:
        printed = server.flask("demo", "--phase", "judging")
        lines = (SIGN_IN_LINE.match(line) for line in printed.splitlines())
        sign_ins = [line.group("role", "email", "password") for line in lines if line]
        yield LiveServer(base_url=server.base_url, sign_ins=sign_ins, env=server.env)


def follow(page, name: str) -> None:
    """Follow the link with this name."""
    with page.expect_navigation():
        page.get_by_role("link", name=name, exact=True).click()


def submit(page, button) -> int:
    """Press a button and return the status of the page it leads to."""
    with page.expect_navigation() as navigation:
        button.click()
    return navigation.value.status


def choose(page, label: str, starting: str) -> None:
    """Choose the option of a list that starts with these words."""
    box = page.get_by_label(label, exact=True)
    box.select_option(label=next(text for text in box.locator("option").all_inner_texts() if text.startswith(starting)))


def open_assignment(page, server) -> None:
    """Sign in as the demo organiser and open the assigned category's assignment page."""
    sign_in_as_organiser(page, server)
    with page.expect_navigation():
        page.get_by_role("link", name=EDITION_LINK).click()
    follow(page, "Progress, rankings, shortlist and final round")
    follow(page, ASSIGNED_CATEGORY)
    follow(page, "Assignment of entries to judges")
    assert page.locator("h1").inner_text() == f"Assignment: {ASSIGNED_CATEGORY}"


def test_the_assignment_page_on_a_phone(phone_page, judging_server):
    open_assignment(phone_page, judging_server)
    assert "This category uses assignment: each entry needs 1 judge" in phone_page.locator("main").inner_text()
    fits_the_width(phone_page)
    assert_accessible(phone_page)
    follow(phone_page, "Judges and entries")
    fits_the_width(phone_page)
    assert_accessible(phone_page)


def test_an_organiser_runs_the_assignment_and_edits_a_pair(page, judging_server):
    open_assignment(page, judging_server)
    follow(page, "Judges and entries")  # the second part of the page, under its tab
    loads = page.get_by_role("table", name="Entries per judge").locator("tbody tr")
    assert loads.count() == 2
    assert_accessible(page)
    follow(page, "Settings")

    # Running it again keeps what the judges have started.
    assert submit(page, page.get_by_role("button", name="Run the assignment again")) == 200
    assert "The assignment is done" in page.locator("#messages").inner_text()
    assert_accessible(page)

    # A settings mistake: the page comes back with the error summary and the answer kept.
    page.get_by_label("Judges per entry").fill("0")
    assert submit(page, page.get_by_role("button", name="Save the settings")) == 422
    assert "Judges per entry must be a whole number from 1 to 50" in page.locator(".error-summary").inner_text()
    assert page.get_by_label("Judges per entry").input_value() == "0"
    assert page.title().startswith("Error: ")
    assert_accessible(page)

    # Add a judge by hand to an entry they do not judge (by then the demo's judges have started every entry they were
    # given, which stay), remove them again, then add them back (each comes back to the same part).
    follow(page, "Judges and entries")
    first_entry = page.get_by_role("region", name="Table of each entry's judges").locator("tbody tr").first
    reference = re.search(r"[A-Z]+-\d{4}-\d{3}", first_entry.inner_text()).group(0)
    judges = [text for text in page.get_by_label("Judge", exact=True).locator("option").all_inner_texts() if text]
    newcomer = next(name for name in judges if name not in first_entry.inner_text())
    choose(page, "Entry", f"{reference}:")
    choose(page, "Judge", newcomer)
    assert submit(page, page.get_by_role("button", name="Add the judge")) == 200
    remove = page.get_by_role("button", name=f"Remove {newcomer} from {reference}")
    label = remove.inner_text()
    judge, reference = re.match(r"Remove\s+(.+) from (\S+)$", label).groups()
    assert submit(page, remove) == 200
    assert "The judge is removed from the entry." in page.locator("#messages").inner_text()
    assert_accessible(page)

    choose(page, "Entry", f"{reference}:")
    choose(page, "Judge", judge)
    assert submit(page, page.get_by_role("button", name="Add the judge")) == 200
    assert "The judge is added to the entry." in page.locator("#messages").inner_text()
    assert "(by hand)" in page.get_by_role("region", name="Table of each entry's judges").inner_text()

    # The same judge again is refused, with the reason on the form.
    choose(page, "Entry", f"{reference}:")
    choose(page, "Judge", judge)
    assert submit(page, page.get_by_role("button", name="Add the judge")) == 422
    assert f"{judge} is already assigned {reference}." in page.locator(".error-summary").inner_text()
    assert_accessible(page)
