"""An organiser creates next year's edition and announces it, in a real browser on a 320px phone: the draft's "What is
missing" states (on its page and on the announce page), then the confirmation of what the public will see. axe-core
and the width on every state; the home page never shows the draft before it is announced."""
import os
import re

import pytest

from tests.e2e.helpers import checked, follow_link, press_button, sign_in_as_organiser
from tests.fixtures.browser import start_app_server

pytestmark = pytest.mark.browser

# Named like the other browser-test databases, so that a killed run's database is dropped by the next run.
ANNOUNCE_DATABASE = f"awards_e2e_announce_{os.getpid()}"
NAME = "Self Management Awards 2031"
DAYS = ["2031-03-03", "2031-04-14", "2031-04-15", "2031-05-12", "2031-05-19", "2031-05-26", "2031-06-09",
        "2031-06-26"]
FIELDS = ["nominations_open_at", "nominations_close_at", "judging_start_at", "judging_end_at", "shortlist_publish_at",
          "vote_open_at", "vote_close_at", "ceremony_at"]


@pytest.fixture(scope="module")
def announce_server(tmp_path_factory):
    """gunicorn serving the demo on a database of its own (this test adds an edition)."""
    with start_app_server(tmp_path_factory.mktemp("announce_server"), ANNOUNCE_DATABASE) as server:
        yield server



def test_an_organiser_announces_a_draft_once_nothing_is_missing(phone_page, announce_server):
    page = phone_page
    sign_in_as_organiser(page, announce_server)
    follow_link(page, "Create an edition")
    page.get_by_label("Year").fill("2031")
    page.get_by_label("Name", exact=True).fill(NAME)
    for field, day in zip(FIELDS, DAYS):
        page.locator(f"#{field}_date").fill(day)
        page.locator(f"#{field}_time").fill("09:00")
    page.get_by_label("Tell the public the month nominations are expected to open").check()
    checked(page)
    assert press_button(page, "Create edition") == 200

    # The draft's page: what is missing, and no Announce button yet.
    main = page.locator("main")
    assert "The public cannot see this edition" in main.inner_text()
    assert "expected to open in March 2031" in main.inner_text()
    assert "The edition has no categories: add at least one." in page.locator("#missing-heading + ul").inner_text()
    assert page.get_by_role("link", name=f"Announce {NAME}").count() == 0
    checked(page)
    edition_url = page.url

    # The announce page, reached by its address anyway, says the same and offers no button.
    page.goto(edition_url + "/announce")
    assert page.get_by_role("heading", name="What is missing").is_visible()
    assert page.get_by_role("button", name=f"Announce {NAME}").count() == 0
    checked(page)

    # The home page knows nothing of the draft.
    page.goto(announce_server.url("/"))
    assert NAME not in page.content()

    # Put right what was missing: a category with a question, and a criterion.
    page.goto(edition_url + "?part=categories")
    follow_link(page, "Add a category")
    page.get_by_label("Name", exact=True).fill("Carer of the Year")
    page.get_by_label("Person").check()
    assert press_button(page, "Add category") == 200
    follow_link(page, "Add a question")
    page.get_by_role("textbox", name="Question").fill("How has this person helped someone live well?")
    page.get_by_label("Word limit").fill("250")
    assert press_button(page, "Add question") == 200
    page.goto(edition_url)
    assert "‘Carer of the Year’ has no judging criteria" in page.locator("main").inner_text()
    page.goto(edition_url + "?part=criteria")
    follow_link(page, "Add a criterion")
    page.get_by_label("Name", exact=True).fill("Impact")
    assert press_button(page, "Add criterion") == 200

    page.goto(edition_url)
    assert "Nothing is missing" in page.locator("main").inner_text()
    checked(page)
    follow_link(page, f"Announce {NAME}")
    assert page.get_by_role("heading", name="What the public will see").is_visible()
    assert "Carer of the Year" in page.locator("main").inner_text()
    checked(page)
    assert press_button(page, f"Announce {NAME}") == 200
    assert "the public can see it now" in page.locator("#messages").inner_text()
    assert re.search(r"Announced at .+: the public can see it\.", page.locator("main").inner_text())
    checked(page)
