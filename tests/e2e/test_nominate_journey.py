"""A whole nomination in a real browser: a 320px phone, keyboard alone, with and without JavaScript; axe on every
step (error state included); the emails through a real SMTP sink, and the nominee's consent given through theirs."""
import re

import pytest

from tests.e2e.helpers import tab_to
from tests.fixtures.browser import assert_accessible

pytestmark = pytest.mark.browser

REFERENCE = re.compile(r"SMA\d\d-[346789ACDEFGHJKMNPQRTUVWXY]{5}")


def field(name: str):
    """Matches the form control with this name."""
    return lambda element: element["name"] == name


def button(label: str):
    """Matches the button (or button-like link) with this text."""
    return lambda element: element["tag"] in ("button", "a") and element["text"] == label


def press(page, key: str = "Enter") -> int:
    """Press a key that navigates (a focused link or submit button) and return the new page's status."""
    with page.expect_navigation() as navigation:
        page.keyboard.press(key)
    return navigation.value.status


def heading(page) -> str:
    """The page's one h1."""
    return page.locator("h1").inner_text().strip()


class KeyboardNominator:
    """Fills in the journey with the keyboard alone; checks each page fits 320px (and, with JavaScript, with axe)."""

    def __init__(self, page, server, javascript: bool):
        self.page, self.server, self.javascript = page, server, javascript

    def looks_right(self) -> None:
        """No sideways scrolling at 320px; no axe violation (axe needs JavaScript)."""
        widths = self.page.evaluate("() => ({page: document.documentElement.scrollWidth, view: window.innerWidth})")
        assert widths["page"] <= widths["view"], f"{self.page.url} scrolls sideways: {widths}"
        if self.javascript:
            assert_accessible(self.page)

    def activate(self, label: str) -> int:
        """Tab to a button or link and press Enter."""
        tab_to(self.page, button(label))
        return press(self.page)

    def type_into(self, name: str, text: str) -> None:
        """Tab to a field and type."""
        tab_to(self.page, field(name))
        self.page.keyboard.type(text)

    def open_start_page(self) -> None:
        """From the home page, follow "Nominate someone" and press Start now."""
        self.page.goto(self.server.url("/"))
        assert self.activate("Nominate someone") == 200
        assert heading(self.page) == "Nominate someone for a Self Management Award"
        self.looks_right()
        assert self.activate("Start now") == 200
        assert heading(self.page) == "Which award are you nominating for?"
        self.looks_right()

    def continue_without_choosing(self) -> None:
        """The error state: Continue with nothing chosen."""
        assert self.activate("Continue") == 422
        assert self.page.title().startswith("Error: ")
        assert "Choose the award you are nominating for" in self.page.locator("[data-error-summary]").inner_text()
        if self.javascript:
            self.page.wait_for_function("() => document.activeElement.hasAttribute('data-error-summary')")
        self.looks_right()

    def choose_award(self, position: int, name: str) -> None:
        """Tab into the radios and move down to the award with the arrow keys."""
        tab_to(self.page, lambda element: element["type"] == "radio")
        for _ in range(position):
            self.page.keyboard.press("ArrowDown")
        self.page.keyboard.press("Space")
        checked = self.page.locator("input[name=category]:checked")
        assert self.page.locator(f"label[for={checked.get_attribute('id')}]").inner_text() == name
        assert self.activate("Continue") == 200

    def describe_nominee(self, name: str, area: str, email: str) -> None:
        """Name, local authority (typed into the select), email."""
        self.looks_right()
        self.type_into("name", name)
        tab_to(self.page, field("local_authority"))
        self.page.keyboard.type(area)
        assert self.page.locator("select[name=local_authority]").input_value() == area
        self.type_into("email", email)
        assert self.activate("Continue") == 200

    def answer_questions(self, answer: str, watch_live_region: bool = False) -> None:
        """Answer every question page until the "About you" page."""
        while "/nominate/question/" in self.page.url:
            assert self.page.locator("h1 label").is_visible()
            limit = int(self.page.locator("textarea[name=answer]").get_attribute("data-word-limit"))
            self.type_into("answer", answer)
            count = self.page.locator("#answer-word-count")
            if self.javascript:
                words = len(answer.split())
                assert count.inner_text() == f"You have {limit - words} words remaining"
                if watch_live_region:
                    live = self.page.locator("#answer-word-count-status")
                    assert live.get_attribute("aria-live") == "polite"
                    self.page.wait_for_function(
                        "(text) => document.getElementById('answer-word-count-status').textContent === text",
                        arg=f"You have {limit - words} words remaining",
                    )
                    watch_live_region = False
                self.looks_right()
            else:
                assert count.count() == 0
                assert f"You can enter up to {limit} words." in self.page.locator(".hint").inner_text()
                self.looks_right()
            assert self.activate("Continue") == 200
        assert heading(self.page) == "About you"

    def describe_self(self, name: str, email: str) -> None:
        """The nominator's details (the phone number is optional and left out)."""
        self.looks_right()
        self.type_into("name", name)
        self.type_into("email", email)
        self.type_into("relationship", "I go to the group every week")
        assert self.activate("Continue") == 200

    def agree_to_privacy(self) -> None:
        """Tick the box with Space."""
        assert heading(self.page) == "How we will use the information in this nomination"
        self.looks_right()
        tab_to(self.page, field("agree"))
        self.page.keyboard.press("Space")
        assert self.page.locator("input[name=agree]").is_checked()
        assert self.activate("Continue") == 200
        assert heading(self.page) == "Check your answers before sending your nomination"
        self.looks_right()

    def send(self) -> str:
        """Send the nomination; return its reference from the confirmation page."""
        assert self.activate("Send nomination") == 200
        assert self.page.locator(".panel h1").inner_text() == "Nomination sent"
        self.looks_right()
        return REFERENCE.search(self.page.locator(".panel__reference").inner_text()).group(0)


def link_in(email, path: str) -> str:
    """The absolute link to `path...` in an email's text part (it must be in the HTML part too)."""
    text = email.part("text/plain")
    link = re.search(r"http://127\.0\.0\.1:\d+" + re.escape(path) + r"\S+", text).group(0)
    assert link.replace("&", "&amp;") in email.part("text/html") or link in email.part("text/html")
    return link


def test_a_nomination_by_keyboard_on_a_phone_with_javascript_and_the_nominees_consent(phone_page, mail_server):
    page = phone_page
    nominator = KeyboardNominator(page, mail_server, javascript=True)
    nominator.open_start_page()
    nominator.continue_without_choosing()
    nominator.choose_award(4, "Individual Transformational Story of the Year")
    assert heading(page) == "Who are you nominating?"
    nominator.describe_nominee("Aileen <b>Fraser</b>", "Fife", "aileen.keyboard@example.org")

    # Going over the limit is allowed while typing (nothing is cut off); the count says by how much.
    answer = page.locator("textarea[name=answer]")
    limit = int(answer.get_attribute("data-word-limit"))
    answer.fill("word " * (limit + 2))
    assert page.locator("#answer-word-count").inner_text() == "You have 2 words too many"
    assert "word-count--over" in page.locator("#answer-word-count").get_attribute("class")
    assert len(answer.input_value().split()) == limit + 2
    answer.fill("")
    nominator.answer_questions("She set up a walking group that changed lives.", watch_live_region=True)
    nominator.describe_self("Jamie Keyboard", "jamie.keyboard@example.org")
    nominator.agree_to_privacy()

    # A Change link goes to the page and comes back to check your answers.
    assert "Aileen <b>Fraser</b>" in page.locator("main").inner_text()
    assert nominator.activate("Change their full name") == 200
    tab_to(page, field("name"))
    page.keyboard.press("End")
    page.keyboard.type(" MBE")
    assert nominator.activate("Continue") == 200
    assert page.url == mail_server.url("/nominate/check")
    assert "Aileen <b>Fraser</b> MBE" in page.locator("main").inner_text()

    reference = nominator.send()

    # The emails, delivered over SMTP by the send-mail worker.
    assert "sent" in mail_server.deliver()
    (confirmation,) = mail_server.emails_to("jamie.keyboard@example.org")
    assert reference in confirmation.message["Subject"]
    assert reference in confirmation.part("text/plain")
    # The nominator's address is not verified, so the email quotes nothing they typed (issue #14).
    assert "walking group" not in confirmation.part("text/plain") and "Fraser" not in confirmation.part("text/html")
    (consent,) = mail_server.emails_to("aileen.keyboard@example.org")

    # The nominee opens the link in their email (opening changes nothing) and accepts by keyboard.
    page.goto(link_in(consent, "/consent/"))
    assert heading(page) == "Are you happy to be nominated?"
    nominator.looks_right()
    assert nominator.activate("Accept the nomination") == 200
    assert heading(page) == "Thank you: you have accepted the nomination"
    assert reference in page.locator("main").inner_text()
    nominator.looks_right()


def test_a_nomination_by_keyboard_on_a_phone_without_javascript_saved_and_resumed(no_js_phone_page, mail_server):
    page = no_js_phone_page
    nominator = KeyboardNominator(page, mail_server, javascript=False)
    nominator.open_start_page()
    nominator.continue_without_choosing()
    nominator.choose_award(1, "Self Management Project of the Year")
    assert heading(page) == "Which project or resource are you nominating?"
    nominator.describe_nominee("Kinlarrie Walking Group", "Highland", "hello.nojs@example.org")

    # Save and come back later from the first question, then carry on through the emailed link.
    nominator.type_into("answer", "A weekly walk for people with long-term conditions.")
    assert nominator.activate("Save and come back later") == 200
    assert heading(page) == "Save your nomination and come back later"
    nominator.type_into("email", "skye.nojs@example.org")
    assert nominator.activate("Send me the link") == 200
    assert heading(page) == "Check your email"
    assert "skye.nojs@example.org" in page.locator("main").inner_text()
    nominator.looks_right()
    mail_server.deliver()
    (saved,) = mail_server.emails_to("skye.nojs@example.org")
    page.goto(link_in(saved, "/nominate/resume/"))
    assert page.url == mail_server.url("/nominate/question/2")
    assert "Welcome back" in page.locator("#messages").inner_text()

    nominator.answer_questions("It gets people out and talking.")
    nominator.describe_self("Skye Nojs", "skye.nojs@example.org")
    nominator.agree_to_privacy()
    assert "A weekly walk for people with long-term conditions." in page.locator("main").inner_text()
    reference = nominator.send()
    mail_server.deliver()
    assert any(reference in email.message["Subject"] for email in mail_server.emails_to("skye.nojs@example.org"))


def test_the_save_for_later_pages_are_accessible_by_keyboard(phone_page, mail_server):
    page = phone_page
    nominator = KeyboardNominator(page, mail_server, javascript=True)
    page.goto(mail_server.url("/nominate"))
    assert nominator.activate("Start now") == 200
    assert nominator.activate("Save and come back later") == 200
    assert heading(page) == "Save your nomination and come back later"
    nominator.looks_right()
    nominator.type_into("email", "not an address")
    assert nominator.activate("Send me the link") == 422
    assert page.title().startswith("Error: ")
    page.wait_for_function("() => document.activeElement.hasAttribute('data-error-summary')")
    nominator.looks_right()
    tab_to(page, field("email"))
    page.keyboard.press("Control+A")
    page.keyboard.type("morven.saver@example.org")
    assert press(page) == 200, "Enter in the box sends the form"
    assert heading(page) == "Check your email"
    nominator.looks_right()
    assert nominator.activate("Send the email again") == 200
    assert "We have sent the email again" in page.locator("#messages").inner_text()
    nominator.looks_right()


KIND_HEADINGS = {
    "Self Management Supporting Health and Social Care Partnership of the Year": "Which organisation are you nominating?",
    "Self Management Project of the Year": "Which project or resource are you nominating?",
    "Self Management Supporting Community of the Year": "Which organisation are you nominating?",
    "Best Self Management Resource": "Which project or resource are you nominating?",
    "Individual Transformational Story of the Year": "Who are you nominating?",
    "Innovative Partnership Idea of the Year": "Which idea or partnership are you nominating?",
}


@pytest.mark.parametrize("page_fixture", ["phone_page", "no_js_phone_page"])
def test_every_award_takes_a_nomination(page_fixture, mail_server, request):
    """A nomination in each of the six awards from a phone-sized browser, with and without JavaScript."""
    page = request.getfixturevalue(page_fixture)
    page.goto(mail_server.url("/nominate"))
    awards = page.locator("section.card h3").all_inner_texts()
    assert awards == list(KIND_HEADINGS)
    for number, award in enumerate(awards):
        page.goto(mail_server.url("/nominate"))
        page.get_by_role("button", name="Start now").click()
        page.get_by_label(award).check()
        page.get_by_role("button", name="Continue").click()
        assert heading(page) == KIND_HEADINGS[award]
        page.locator("input[name=name]").fill(f"Nominee {number}")
        page.locator("select[name=local_authority]").select_option("Orkney Islands")
        page.get_by_role("button", name="Continue").click()
        while "/nominate/question/" in page.url:
            page.locator("textarea[name=answer]").fill("A real difference to people's lives.")
            page.get_by_role("button", name="Continue").click()
        page.locator("input[name=name]").fill("Every Award")
        page.locator("input[name=email]").fill(f"every.award.{number}@example.org")
        page.locator("input[name=relationship]").fill("Colleague")
        page.get_by_role("button", name="Continue").click()
        page.locator("input[name=agree]").check()
        page.get_by_role("button", name="Continue").click()
        # A script fills the form faster than the server's minimum fill time (a spam check); wait as a person would.
        page.wait_for_timeout(1100)
        page.get_by_role("button", name="Send nomination").click()
        assert page.locator(".panel h1").inner_text() == "Nomination sent", award
        assert REFERENCE.search(page.locator(".panel__reference").inner_text())
