"""Criteria per category and the judging deadline in a real browser on a 320px phone, on the demo in its judging
phase: the organiser adds a category, gives it its own criteria, adds one with guidance (error state first) and is
asked before going back to the edition's; a judge reads the deadline and the guidance beside the score. axe-core and
the width on every new page and state."""
import os
import re

import pytest

from tests.e2e.helpers import (
    EDITION_LINK,
    checked,
    follow_link,
    press_button,
    sign_in_as_organiser,
)
from tests.fixtures.browser import SIGN_IN_LINE, LiveServer, start_app_server

pytestmark = pytest.mark.browser

# Named like the other browser-test databases, so that a killed run's database is dropped by the next run.
CRITERIA_DATABASE = f"awards_e2e_criteria_{os.getpid()}"
GUIDANCE = "0 to 3: little evidence; 4 to 6: some difference made; 7 to 10: a lasting difference to many people."


@pytest.fixture(scope="module")
def judging_server(tmp_path_factory):
    """gunicorn serving the demo rebuilt in its judging phase (email to devmail)."""
    with start_app_server(tmp_path_factory.mktemp("criteria_server"), CRITERIA_DATABASE) as server:
        printed = server.flask("demo", "--phase", "judging")  # new passwords: read them again
        lines = (SIGN_IN_LINE.match(line) for line in printed.splitlines())
        sign_ins = [line.group("role", "email", "password") for line in lines if line]
        yield LiveServer(base_url=server.base_url, sign_ins=sign_ins, env=server.env)



def test_an_organiser_gives_a_new_category_its_own_criteria(phone_page, judging_server):
    page = phone_page
    sign_in_as_organiser(page, judging_server)
    follow_link(page, EDITION_LINK)
    follow_link(page, re.compile(r"^Categories \("))
    follow_link(page, "Add a category")
    page.get_by_label("Name", exact=True).fill("Peer Support Group of the Year")
    page.get_by_label("Organisation").check()
    page.get_by_label("Number of finalists").fill("4")
    checked(page)
    assert press_button(page, "Add category") == 200
    assert page.locator("h1").inner_text() == "Peer Support Group of the Year"
    assert "4 suggested" in page.locator(".summary-list").inner_text()
    assert "This category uses the edition's criteria." in page.locator("main").inner_text()
    checked(page)

    assert press_button(page, "Give this category its own criteria") == 200
    assert "now has criteria of its own" in page.locator("#messages").inner_text()
    checked(page)

    follow_link(page, "Add a criterion")
    assert press_button(page, "Add criterion") == 422  # nothing typed: the error state
    assert page.locator(".error-summary, [data-error-summary]").count() >= 1
    checked(page)
    page.get_by_label("Name", exact=True).fill("Peer leadership")
    page.get_by_label("Guidance on scores (optional)").fill(GUIDANCE)
    assert press_button(page, "Add criterion") == 200
    assert f"Guidance for judges: {GUIDANCE}" in page.locator("main").inner_text()
    checked(page)

    follow_link(page, "Use the edition's criteria instead")
    assert "will be deleted" in page.locator("main").inner_text()
    checked(page)
    assert press_button(page, "Yes, delete it") == 200
    assert "now uses the edition's criteria" in page.locator("#messages").inner_text()


def test_a_judge_reads_the_deadline_and_the_guidance_beside_the_score(phone_page, browser, judging_server):
    page = phone_page
    # The organiser writes guidance for the edition's first criterion.
    sign_in_as_organiser(page, judging_server)
    follow_link(page, EDITION_LINK)
    follow_link(page, re.compile(r"^Judging criteria \("))
    page.locator("#criteria ~ ul a", has_text="Change").first.click()
    page.wait_for_load_state()
    page.get_by_label("Guidance on scores (optional)").fill(GUIDANCE)
    checked(page)
    assert press_button(page, "Save changes") == 200
    page.context.clear_cookies()

    # The demo's second judge still has panels to score (the first has submitted everything).
    email, password = [(email, password) for role, email, password in judging_server.sign_ins if role == "judge"][1]
    page.goto(judging_server.url("/sign-in"))
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    assert press_button(page, "Sign in") == 200
    deadline = page.locator("main > .notice").first.inner_text()
    assert re.match(r"^(Scores are due by .+ \((today|tomorrow|in \d+ days)\)\.|The deadline for scores has passed)",
                    deadline), deadline
    checked(page)

    page.locator("a.button", has_text="Score the entries").first.click()  # a panel whose scores are still open
    page.wait_for_load_state()
    assert page.locator("main > .notice").first.inner_text() == deadline
    page.locator("a.entry-list__name").first.click()
    page.wait_for_load_state()
    guidance = page.locator("[id$=-guidance]").first
    assert guidance.inner_text() == f"What the scores mean: {GUIDANCE}"
    fieldset = page.locator("fieldset.criterion").first
    assert guidance.get_attribute("id") in fieldset.get_attribute("aria-describedby").split()
    assert page.locator("main > .notice").first.inner_text() == deadline
    checked(page)
