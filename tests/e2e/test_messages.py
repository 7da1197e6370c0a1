"""An organiser on a 320px phone tells the nominators of a category's entries that were not shortlisted: from the
ready-made starting point, through a refused field, the preview as two real recipients, sending, and the delivery
page before and after the outbox worker runs; each person's email read from a real SMTP sink, once, with their own
details. axe on every page and state."""
from __future__ import annotations

import os
import re

import pytest

from tests.e2e.conftest import MailServer, serving_with_mail
from tests.e2e.helpers import (
    demo_in_phase,
    fits_the_width,
    follow_link,
    sign_in_as_organiser,
)
from tests.fixtures.browser import assert_accessible

pytestmark = pytest.mark.browser

# Its own database, named so that browser.py's clean-up of databases left by killed runs also covers it.
MESSAGES_DATABASE = f"awards_e2e_messages_{os.getpid()}"


@pytest.fixture(scope="module")
def messages_server(tmp_path_factory):
    """gunicorn with the demo edition in its voting phase (shortlists chosen), sending email to a sink here."""
    with serving_with_mail(tmp_path_factory, "messages_server", MESSAGES_DATABASE) as server:
        voting = demo_in_phase(server, "voting")
        yield MailServer(base_url=voting.base_url, sign_ins=voting.sign_ins, env=voting.env, sink=server.sink)


def looks_right(page) -> None:
    """Fits 320px and axe finds nothing."""
    fits_the_width(page)
    assert_accessible(page)


def submit(page, name: str) -> None:
    """Press a button and wait for the page that follows."""
    with page.expect_navigation():
        page.get_by_role("button", name=name).click()


def test_an_organiser_tells_the_nominators_not_shortlisted_on_a_phone(phone_page, messages_server):
    page, server = phone_page, messages_server
    sign_in_as_organiser(page, server)
    follow_link(page, re.compile(r"^Self Management Awards \d{4}$"))
    follow_link(page, "Messages to nominees, nominators and judges by where they stand")
    looks_right(page)

    follow_link(page, "Not shortlisted (to nominators)")
    looks_right(page)
    assert page.get_by_label("Who is it for?").input_value() == "not_shortlisted.nominators"
    category = page.get_by_label("Category").locator("option").nth(1)
    category_name = category.inner_text().strip()
    page.get_by_label("Category").select_option(label=category_name)

    body = page.get_by_label("Message")
    written = body.input_value()
    body.fill(written + "\n\nP.S. {nmae}")
    submit(page, "Save and preview")
    assert page.title().startswith("Error: ")
    assert "{nmae}" in page.locator(".error-summary").inner_text()
    looks_right(page)
    body.fill(written)
    submit(page, "Save and preview")
    assert page.locator("h1").inner_text() == "Preview and send"
    looks_right(page)

    count = int(re.search(r"goes to (\d+) (?:person|people)", page.locator("main").inner_text()).group(1))
    assert count >= 2
    options = page.get_by_label("Preview as").locator("option")
    second = options.nth(1).inner_text().split(" (")[0]
    page.get_by_label("Preview as").select_option(index=1)
    submit(page, "Show the preview")
    assert page.get_by_role("heading", name=f"What {second} will get").is_visible()
    assert f"Dear {second}," in page.locator(".quote").inner_text()
    looks_right(page)

    submit(page, f"Send to {count} {'person' if count == 1 else 'people'}")
    assert page.locator("h1").inner_text().startswith("Delivery: ")
    assert f"Waiting: {count}." in page.locator("main").inner_text()
    looks_right(page)

    server.deliver()
    page.reload()
    assert f"Sent: {count}." in page.locator("main").inner_text()
    looks_right(page)

    cards = page.locator(".card")
    assert cards.count() == count
    for index in range(count):
        name = cards.nth(index).locator("h2").inner_text().strip()
        address = re.search(r"[\w.+-]+@[\w.-]+", cards.nth(index).inner_text()).group(0)
        emails = server.emails_to(address)
        assert len(emails) == 1, f"{address} got {len(emails)} emails"
        text = emails[0].part("text/plain")
        assert f"Dear {name}," in text and category_name in text
        assert "{" not in text
