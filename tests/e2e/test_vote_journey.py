"""A whole vote in a real browser: the demo in its voting phase, a 320px phone, keyboard alone, with and without
JavaScript; axe on every step (error states included); the confirmation email read from a real SMTP sink."""
from __future__ import annotations

import os
import re

import pytest

from tests.e2e.conftest import MailServer, serving_with_mail
from tests.e2e.helpers import tab_to
from tests.fixtures.browser import assert_accessible

pytestmark = pytest.mark.browser

# Its own database, named so that browser.py's clean-up of databases left by killed runs also covers it.
VOTE_DATABASE = f"awards_e2e_vote_{os.getpid()}"
RECEIPT = re.compile(r"^[ABCDEFGHJKMNPQRSTVWXYZ23456789]{4}(-[ABCDEFGHJKMNPQRSTVWXYZ23456789]{4}){2}$")

@pytest.fixture(scope="module")
def vote_server(tmp_path_factory):
    """gunicorn with the demo edition in its voting phase, sending email over SMTP to a sink in this process."""
    with serving_with_mail(tmp_path_factory, "vote_server", VOTE_DATABASE) as server:
        server.flask("demo", "--phase", "voting")
        yield server


def field(name: str):
    """Matches the form control with this name."""
    return lambda element: element["name"] == name


def button(label: str):
    """Matches the button or link with this text."""
    return lambda element: element["tag"] in ("button", "a") and element["text"] == label


def heading(page) -> str:
    """The page's one h1."""
    return page.locator("h1").inner_text().strip()


class KeyboardVoter:
    """Votes with the keyboard alone; checks that each page fits 320px and (with JavaScript) that axe finds nothing."""

    def __init__(self, page, server: MailServer, javascript: bool):
        self.page, self.server, self.javascript = page, server, javascript

    def looks_right(self) -> None:
        """No sideways scrolling at 320px; no axe violation (axe needs JavaScript)."""
        widths = self.page.evaluate("() => ({page: document.documentElement.scrollWidth, view: window.innerWidth})")
        assert widths["page"] <= widths["view"], f"{self.page.url} scrolls sideways: {widths}"
        if self.javascript:
            assert_accessible(self.page)

    def press_enter(self) -> int:
        """Press Enter on a focused link or button that navigates; the new page's status."""
        with self.page.expect_navigation() as navigation:
            self.page.keyboard.press("Enter")
        return navigation.value.status

    def activate(self, label: str) -> int:
        """Tab to a button or link and press Enter."""
        tab_to(self.page, button(label))
        return self.press_enter()

    def open(self, url: str) -> int:
        """Open an address (typed, or followed from an email)."""
        return self.page.goto(url).status

    def see_error(self, message: str) -> None:
        """The error state: the title, the summary with the message, focus on the summary (with JavaScript)."""
        assert self.page.title().startswith("Error: ")
        assert message in self.page.locator("[data-error-summary]").inner_text()
        if self.javascript:
            self.page.wait_for_function("() => document.activeElement.hasAttribute('data-error-summary')")
        self.looks_right()

    def choose(self, position: int) -> str:
        """Tab into the radios, move down to a finalist with the arrow keys, and continue; returns their name."""
        assert heading(self.page) == "Who do you want to vote for?"
        self.looks_right()
        tab_to(self.page, lambda element: element["type"] == "radio")
        for _ in range(position):
            self.page.keyboard.press("ArrowDown")
        self.page.keyboard.press("Space")
        checked = self.page.locator("input[name=finalist]:checked")
        name = self.page.locator(f"label[for={checked.get_attribute('id')}]").inner_text().strip()
        assert self.activate("Continue") == 200
        assert heading(self.page) == "What is your email address?"
        assert name in self.page.locator("main").inner_text()
        return name

    def give_email(self, address: str) -> int:
        """Type the address into the email box (replacing what is there) and press Enter in it."""
        tab_to(self.page, field("email"))
        self.page.keyboard.press("Control+A")
        self.page.keyboard.type(address)
        return self.press_enter()

    def confirmation_link(self, address: str, count: int = 1) -> str:
        """Run the outbox worker, and read the newest confirmation link sent to the address from the SMTP sink."""
        assert "sent" in self.server.deliver()
        emails = self.server.emails_to(address)
        assert len(emails) == count, [email.message["Subject"] for email in emails]
        email = emails[-1]
        # The text names the finalist (issue #14); the subject does not, as it outlives the text in the outbox.
        assert email.message["Subject"] == "Confirm your vote in the Self Management Awards"
        text = email.part("text/plain")
        assert re.search(r"You asked to vote for \S", text)
        link = re.search(re.escape(self.server.base_url) + r"/vote/confirm/\S+", text).group(0)
        assert link in email.part("text/html")
        return link

    def confirm(self, link: str) -> str:
        """Open the link (nothing is counted), press Confirm my vote; returns the receipt code."""
        assert self.open(link) == 200
        assert heading(self.page) == "Confirm your vote"
        self.looks_right()
        assert self.activate("Confirm my vote") == 200
        assert heading(self.page) == "Your vote has been counted"
        self.looks_right()
        receipt = self.page.locator(".panel__reference").inner_text().strip()
        assert RECEIPT.match(receipt), receipt
        return receipt


def test_a_vote_by_keyboard_on_a_phone_with_javascript(phone_page, vote_server):
    page = phone_page
    voter = KeyboardVoter(page, vote_server, javascript=True)
    assert voter.open(vote_server.url("/vote")) == 200

    # Continue with nobody chosen: the error state.
    assert voter.activate("Continue") == 422
    voter.see_error("Choose who you want to vote for")
    name = voter.choose(1)

    # The email page carries the privacy line with its link; a disposable address is refused, clearly.
    assert "never use it for marketing" in page.locator("main").inner_text()
    assert page.get_by_role("link", name="How we use your information", exact=True).count() == 1
    voter.looks_right()
    assert voter.give_email("jo.keyboard@mailinator.com") == 422
    voter.see_error("gives out short-lived addresses")
    assert page.locator("input[name=email]").input_value() == "jo.keyboard@mailinator.com", "what was typed stays"

    assert voter.give_email("Jo.Keyboard+awards@gmail.com") == 200
    assert heading(page) == "Check your email"
    assert "Jo.Keyboard+awards@gmail.com" in page.locator("main").inner_text()
    voter.looks_right()

    link = voter.confirmation_link("Jo.Keyboard+awards@gmail.com")
    receipt = voter.confirm(link)
    assert name in page.locator("main").inner_text()

    # Opening the link again says so politely.
    assert voter.open(link) == 200
    assert heading(page) == "You have already voted in this contest"
    voter.looks_right()

    # A second vote with another way of writing the same Gmail address is refused politely, with no email sent.
    assert voter.open(vote_server.url("/vote")) == 200
    voter.choose(2)
    assert voter.give_email("jokeyboard@googlemail.com") == 200
    assert heading(page) == "You have already voted in this contest"
    assert not page.title().startswith("Error")
    voter.looks_right()
    assert receipt not in page.locator("main").inner_text()
    vote_server.deliver()
    assert vote_server.emails_to("jokeyboard@googlemail.com", timeout=0.5) == []

    # The privacy page, from the footer.
    assert voter.activate("Privacy: how we use your information") == 200
    assert heading(page) == "Privacy: how we use your information"
    voter.looks_right()


def test_a_vote_by_keyboard_on_a_phone_without_javascript(no_js_phone_page, vote_server):
    page = no_js_phone_page
    voter = KeyboardVoter(page, vote_server, javascript=False)
    assert voter.open(vote_server.url("/vote")) == 200
    assert voter.activate("Continue") == 422
    voter.see_error("Choose who you want to vote for")
    voter.choose(0)
    assert voter.give_email("sam.nojs@") == 422
    voter.see_error("Enter your email address in the correct format")
    assert voter.give_email("sam.nojs@temp-mail.org") == 422
    voter.see_error("gives out short-lived addresses")
    assert voter.give_email("sam.nojs@example.org") == 200
    assert heading(page) == "Check your email"
    voter.looks_right()

    # The email has not come: send it again; only the newest link works.
    first = voter.confirmation_link("sam.nojs@example.org")
    assert voter.activate("Send the email again") == 200
    assert "We have sent the email again" in page.locator("#messages").inner_text()
    newest = voter.confirmation_link("sam.nojs@example.org", count=2)
    assert voter.open(first) == 410
    assert heading(page) == "A newer link has been sent"
    voter.looks_right()

    voter.confirm(newest)
    assert voter.activate("Go to the awards home page") == 200


def test_the_link_holder_chooses_someone_else_on_the_confirmation_page(phone_page, vote_server):
    # An email can name a finalist its reader did not choose (a stranger may have asked for it, issue #14): its page
    # lets them vote for whoever they want, by keyboard, with the email's finalist already chosen.
    page = phone_page
    voter = KeyboardVoter(page, vote_server, javascript=True)
    assert voter.open(vote_server.url("/vote")) == 200
    named = voter.choose(0)
    assert voter.give_email("alex.changes@example.org") == 200
    link = voter.confirmation_link("alex.changes@example.org")
    assert voter.open(link) == 200
    assert named in page.locator("main").inner_text()
    assert voter.activate("Choose someone else") == 200
    assert heading(page) == "Who do you want to vote for?"
    assert f"This email was sent for a vote for {named}" in page.locator("main").inner_text()
    voter.looks_right()
    checked = page.locator("input[name=finalist]:checked")
    assert page.locator(f"label[for={checked.get_attribute('id')}]").inner_text().strip() == named
    tab_to(page, lambda element: element["type"] == "radio")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Space")
    checked = page.locator("input[name=finalist]:checked")
    chosen = page.locator(f"label[for={checked.get_attribute('id')}]").inner_text().strip()
    assert chosen != named
    assert voter.activate("Confirm my vote") == 200
    assert heading(page) == "Your vote has been counted"
    assert chosen in page.locator("main").inner_text()
    voter.looks_right()
