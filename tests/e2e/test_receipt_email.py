"""The vote's receipt by email, in a real browser on a 320px phone: the voter confirms and the email read from the SMTP
sink carries the page's receipt code and the checker's address, never the finalist; after the reveal, the results page
and the archive say when the lists come, then link the published list. axe-core on every changed page and state."""
from __future__ import annotations

import os
import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import serving_with_mail
from tests.e2e.helpers import demo_in_phase, fits_the_width, press
from tests.e2e.test_vote_admin import VOTE_CATEGORY, open_vote_view
from tests.fixtures.browser import assert_accessible

pytestmark = pytest.mark.browser

# Its own database, named so that browser.py's clean-up of databases left by killed runs also covers it.
RECEIPT_DATABASE = f"awards_e2e_vote_receipt_{os.getpid()}"
VOTER = "rhona.receipt@example.org"


@pytest.fixture(scope="module")
def receipt_server(tmp_path_factory):
    """gunicorn with the demo edition (each test builds the phase it needs), sending email to a sink in this process."""
    with serving_with_mail(tmp_path_factory, "receipt_server", RECEIPT_DATABASE) as server:
        yield server


def looks_right(page) -> None:
    """Fits 320px; axe finds nothing."""
    fits_the_width(page)
    assert_accessible(page)


def test_the_voter_receives_the_receipt_whose_code_matches_the_page(phone_page, receipt_server):
    page, server = phone_page, receipt_server
    server.flask("demo", "--phase", "voting")
    page.goto(server.url("/vote"))
    first = page.locator("input[name=finalist]").first
    name = page.locator(f"label[for={first.get_attribute('id')}]").inner_text().strip()
    first.check()
    press(page, page.get_by_role("button", name="Continue"))
    page.get_by_label("What is your email address?").fill(VOTER)
    press(page, page.get_by_role("button", name="Continue"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")

    assert "sent" in server.deliver()
    [link_email] = server.emails_to(VOTER)
    link = re.search(re.escape(server.base_url) + r"/vote/confirm/\S+", link_email.part("text/plain")).group(0)
    page.goto(link)
    press(page, page.get_by_role("button", name="Confirm my vote"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Your vote has been counted")
    code = page.locator(".panel__reference").inner_text().strip()
    expect(page.get_by_role("link", name="check your receipt in the list of votes")).to_have_attribute(
        "href", re.compile(r"^/tally/\d+#check$")
    )
    looks_right(page)

    assert "sent" in server.deliver()
    emails = server.emails_to(VOTER)
    assert len(emails) == 2, [email.message["Subject"] for email in emails]
    receipt = emails[-1]
    assert receipt.message["Subject"] == "Your vote has been counted: your receipt code"
    checker = page.get_by_role("link", name="check your receipt in the list of votes").get_attribute("href")
    for part in ("text/plain", "text/html"):
        body = receipt.part(part)
        assert code in body
        assert server.url(checker) in body
        assert name not in body, "the receipt must never say who the vote was for"
    # Followed before the list is out, the link says when it will come (a 404 that explains).
    page.goto(server.url(checker))
    expect(page.get_by_role("heading", level=1)).to_have_text("The list of votes is not published yet")
    looks_right(page)


def test_after_the_reveal_the_results_and_archive_say_when_the_list_comes_then_link_it(phone_page, receipt_server):
    page = phone_page
    live = demo_in_phase(receipt_server, "results")
    for path in ("/results", "/editions"):
        page.goto(live.url(path))
        looks_right(page)
    page.goto(live.url("/results"))
    lists = page.locator("section.vote-lists")
    expect(lists).to_contain_text(f"{VOTE_CATEGORY}: the list of votes is published after its winner is announced")
    expect(lists.get_by_role("link")).to_have_count(0)

    open_vote_view(page, live)  # the organiser publishes the list
    press(page, page.get_by_role("link", name="Publish the list of votes", exact=True).last)
    press(page, page.get_by_role("button", name="Yes, publish the list"))
    expect(page.locator("#messages")).to_contain_text("The list of votes is published")

    page.goto(live.url("/results"))
    link = page.locator("section.vote-lists").get_by_role("link", name=f"The list of votes for {VOTE_CATEGORY}")
    tally_url = link.get_attribute("href")
    assert re.fullmatch(r"/tally/\d+", tally_url)
    looks_right(page)
    page.goto(live.url("/editions"))
    expect(page.get_by_role("link", name=re.compile(re.escape(VOTE_CATEGORY)))).to_have_attribute("href", tally_url)
    looks_right(page)
    press(page, page.get_by_role("link", name=re.compile(r"^Self Management Awards \d{4}$")).first)
    expect(page.locator("section.vote-lists").get_by_role("link", name=re.compile("^check your receipt"))).to_have_attribute(
        "href", f"{tally_url}#check"
    )
    looks_right(page)
    page.goto(live.url(tally_url))
    page.get_by_role("link", name="Check your receipt", exact=True).click()  # within the page: no navigation
    expect(page).to_have_url(live.url(f"{tally_url}#check"))
    expect(page.get_by_label("Your receipt code")).to_be_visible()
    looks_right(page)
