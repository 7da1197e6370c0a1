"""A judge's whole session in a real browser, by keyboard alone on a 320px phone: accept the emailed invitation,
declare a conflict (after tripping over the error state), score every other entry with htmx autosave, submit; axe-core
on every distinct page. The organiser's part (adding the judge and sending the invitation) uses the mouse.
"""
import re
import secrets

import pytest

from tests.e2e.helpers import EDITION_LINK, focused, sign_in_as_organiser, tab_to
from tests.fixtures.browser import assert_accessible

pytestmark = pytest.mark.browser

# A small category of the demo: the three entries below are eligible (the organiser makes sure of it).
CATEGORY = "Best Self Management Resource"
ENTRIES = ("BreatheWell app", "Easy Read My Medicines cards", "Living Well Films")
# The judge's affiliation names the organisation behind Living Well Films, so that it is suggested as a conflict.
AFFILIATIONS = "Trustee, Cowal and Bute Community Media\nVolunteer, Argyll Carers Centre"
CONFLICTED = "Living Well Films"
INVITATION_LINK = re.compile(r"http://127\.0\.0\.1:\d+/sign-in/invitation/\S+")


# --- The organiser's part (mouse allowed) --------------------------------------------------------------------------


def make_sure_eligible(page, server, edition_path: str, category_id: str) -> None:
    """Mark the chosen entries of the category eligible where the demo left them waiting for review."""
    page.goto(server.url(f"{edition_path}/nominations?category={category_id}"))
    for name in ENTRIES:
        row = page.locator("tbody tr").filter(has_text=name)
        assert row.count() == 1, f"the demo has no single nomination called {name!r} in {CATEGORY}"
        if row.locator(".tag").first.inner_text() == "Eligible":
            continue
        with page.expect_navigation():
            row.get_by_role("link").first.click()
        page.get_by_label("Eligible", exact=True).check()
        page.locator("#status-submit").click()
        page.wait_for_function("() => document.querySelector('#status-message').innerText.includes('marked eligible')")
        page.go_back()


def invite_a_new_judge(page, server) -> tuple[str, str]:
    """Sign in as the organiser, add a judge on the category's panel and send the invitation; return (email, link)."""
    sign_in_as_organiser(page, server)
    with page.expect_navigation():
        page.get_by_role("link", name=EDITION_LINK).click()
    edition_path = re.search(r"/admin/editions/\d+", page.url).group(0)
    page.goto(server.url(edition_path + "/judges/new"))
    box_label = page.locator("label[for^=new-judge-category-]", has_text=CATEGORY)
    category_id = box_label.get_attribute("for").rsplit("-", 1)[1]
    make_sure_eligible(page, server, edition_path, category_id)

    page.goto(server.url(edition_path + "/judges/new"))
    email = f"judge.keyboard.{secrets.token_hex(4)}@example.org"
    name = f"Kirsty Keyboard {secrets.token_hex(2)}"
    page.get_by_label("Full name").fill(name)
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Organisations and affiliations").fill(AFFILIATIONS)
    page.locator(f"#new-judge-category-{category_id}").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Add the judge").click()
    assert f"{name} has been added" in page.locator("#messages").inner_text()
    card = page.locator(".disclosure-list__item").filter(has=page.get_by_role("heading", name=name))  # open
    judge_id = card.get_attribute("id").removeprefix("judge-")
    assert card.locator(f"#judge-{judge_id}-category-{category_id}").is_checked(), "on the category's panel"
    with page.expect_navigation():
        card.get_by_role("button", name=f"Send the invitation to {name}").click()
    assert f"An invitation has been emailed to {email}" in page.locator("#messages").inner_text()

    assert "sent" in server.deliver()
    (invitation,) = server.emails_to(email)
    link = INVITATION_LINK.search(invitation.part("text/plain")).group(0)
    assert CATEGORY in invitation.part("text/plain")
    return email, link


# --- The judge's part (keyboard alone) -----------------------------------------------------------------------------


def shift_tab_to(page, matches, limit: int = 60) -> dict:
    """Press Shift+Tab until the focused element matches; fail if it is never reached."""
    seen = []
    for _ in range(limit):
        page.keyboard.press("Shift+Tab")
        element = focused(page)
        if matches(element):
            return element
        seen.append(element["text"][:30] or element["name"] or element["tag"])
    raise AssertionError(f"Shift+Tab never reached the element; it went through: {seen}")


def link(text: str, exact: bool = True):
    """Matches the link or button whose text is (or, with exact=False, starts with) `text`."""
    if exact:
        return lambda element: element["tag"] in ("a", "button") and element["text"] == text
    return lambda element: element["tag"] in ("a", "button") and element["text"].startswith(text)


class KeyboardJudge:
    """Drives the judging pages with Tab, Shift+Tab, arrows, Space, Enter and typing; checks the page as it goes."""

    def __init__(self, page):
        self.page = page

    def press(self, key: str = "Enter") -> int:
        """Press a key that navigates and return the new page's status."""
        with self.page.expect_navigation() as navigation:
            self.page.keyboard.press(key)
        return navigation.value.status

    def activate(self, matches, backwards: bool = False) -> int:
        """Move focus to a link or button and press Enter."""
        (shift_tab_to if backwards else tab_to)(self.page, matches)
        return self.press()

    def heading(self) -> str:
        """The page's h1."""
        return self.page.locator("h1").inner_text().strip()

    def looks_right(self) -> None:
        """No sideways scrolling at 320px, and nothing for axe to find."""
        widths = self.page.evaluate("() => ({page: document.documentElement.scrollWidth, view: window.innerWidth})")
        assert widths["page"] <= widths["view"], f"{self.page.url} scrolls sideways: {widths}"
        assert_accessible(self.page)

    def messages(self) -> str:
        """The flashed messages."""
        return self.page.locator("#messages").inner_text()

    def wait_for_error_summary(self) -> None:
        """app.js moves focus to the error summary."""
        self.page.wait_for_function("() => document.activeElement.hasAttribute('data-error-summary')")

    def score_entry(self, scores: list[int], comment: str | None = None) -> None:
        """Give each criterion its score with the arrow keys; wait for each autosave's "Saved" in its live region."""
        names = self.page.eval_on_selector_all(
            "fieldset.criterion", "sets => sets.map(set => set.getAttribute('hx-params'))"
        )
        assert len(names) == len(scores), names
        for name, score in zip(names, scores):
            # Tab stops at the group's checked radio, "Not scored yet", which comes after 0 to 10: the arrows wrap
            # round, so Left goes to 10, 9, ... and Right to 0, 1, ... Each press changes the score (and autosaves).
            status = self.page.locator(f"#{name}-status")
            assert (status.get_attribute("role"), status.get_attribute("aria-live")) == ("status", "polite")
            element = tab_to(self.page, lambda el, name=name: el["name"] == name)
            assert element["id"] == f"{name}-none", element
            key, presses = ("ArrowLeft", 11 - score) if score >= 5 else ("ArrowRight", score + 1)
            for _ in range(presses):
                self.page.keyboard.press(key)
            assert self.page.locator(f"input[name={name}]:checked").get_attribute("value") == str(score)
            self.page.wait_for_function(
                "([id, text]) => document.getElementById(id).textContent.trim() === text",
                arg=[f"{name}-status", f"Saved: {score}"],
            )
        if comment is not None:
            tab_to(self.page, lambda el: el["name"] == "comment")
            self.page.keyboard.type(comment)
            self.page.keyboard.press("Tab")  # leaving the box fires its change: the autosave
            self.page.wait_for_function(
                "() => document.getElementById('comment-status').textContent.trim() === 'Comment saved'"
            )


def test_a_judges_whole_session_by_keyboard_on_a_phone(page, phone_page, mail_server):
    _email, invitation = invite_a_new_judge(page, mail_server)
    judge = KeyboardJudge(phone_page)
    p = phone_page

    # The invitation: opening it changes nothing; the judge sets a password and lands on their judging home.
    p.goto(invitation)
    assert judge.heading() == "Set your password"
    judge.looks_right()
    tab_to(p, lambda el: el["name"] == "password")
    p.keyboard.type(f"lantern-{secrets.token_hex(3)}-machair-bothy")
    assert judge.press() == 200
    assert p.url == mail_server.url("/judging/")
    assert judge.heading() == "Your judging"
    assert "Declare conflicts first" in p.locator("main").inner_text()
    judge.looks_right()

    # Conflicts: the list of nominees, the affiliation's suggestion next to Living Well Films.
    assert judge.activate(link(f"Declare conflicts in {CATEGORY}")) == 200
    assert judge.heading() == f"Conflicts of interest: {CATEGORY}"
    judge.looks_right()
    item = p.locator(".conflict-item").filter(has_text=CONFLICTED)
    assert "Possible conflict" in item.inner_text()
    conflicted_id = item.locator("input[name=conflict]").get_attribute("value")
    listed = p.locator(".conflict-item").count()
    assert listed >= len(ENTRIES)

    # The error state: ticked, but no reason.
    tab_to(p, lambda el: el["id"] == f"conflict-{conflicted_id}")
    p.keyboard.press("Space")
    assert p.locator(f"#conflict-{conflicted_id}").is_checked()
    assert judge.activate(link("Declare these conflicts")) == 422
    assert p.title().startswith("Error: ")
    judge.wait_for_error_summary()
    assert f"Say why you have a conflict with {CONFLICTED}" in p.locator("[data-error-summary]").inner_text()
    assert p.locator(f"#conflict-{conflicted_id}").is_checked(), "the tick is kept"
    judge.looks_right()

    # The reason, then declare: on to the entries, without the conflicted one.
    tab_to(p, lambda el: el["id"] == f"reason-{conflicted_id}")
    p.keyboard.type("I am a trustee of the charity that made these films.")
    assert judge.activate(link("Declare these conflicts")) == 200
    assert "Your 1 conflict has been recorded" in judge.messages()
    assert judge.heading() == CATEGORY
    entries = p.locator(".entry-list__name").all_inner_texts()
    assert CONFLICTED not in entries and len(entries) == listed - 1
    assert f"0 of {len(entries)} entries scored" in p.locator(".judging-progress").inner_text()
    judge.looks_right()

    # Score every entry, moving on with the "Next entry" link (Shift+Tab back up past the scores).
    assert judge.activate(link(entries[0])) == 200
    for number, name in enumerate(entries):
        assert judge.heading() == name
        scores = [(7 + number + criterion) % 11 for criterion in range(4)]
        judge.score_entry(scores, comment="Strong evidence of impact." if number == 0 else None)
        if number == 0:
            judge.looks_right()  # an entry with "Saved" in its live regions
        if number + 1 < len(entries):
            assert judge.activate(link("Next entry"), backwards=True) == 200
    p.reload()  # what was autosaved is stored
    assert p.locator("input[type=radio]:checked").evaluate_all("els => els.map(el => el.value)") == [
        str(value) for value in scores
    ]
    assert judge.activate(link("All entries", exact=False)) == 200
    assert f"{len(entries)} of {len(entries)} entries scored" in p.locator(".judging-progress").inner_text()

    # Submit: the review, the check page, then the confirmation.
    assert judge.activate(link("Review your scores")) == 200
    assert judge.activate(link("Continue to submit")) == 200
    assert judge.heading() == "Submit your scores"
    judge.looks_right()
    assert judge.activate(link("Submit my scores")) == 200
    assert f"Your scores for {CATEGORY} are submitted. Thank you." in judge.messages()
    assert "They are locked" in p.locator("div.notice--success").inner_text()
    judge.looks_right()

    # The conflicted entry is out of reach by its address.
    response = p.goto(mail_server.url(f"/judging/entries/{conflicted_id}"))
    assert response.status == 404
    assert CONFLICTED not in p.locator("main").inner_text()
