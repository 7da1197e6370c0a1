"""Issue #15's done-when, in one journey on 320px phones, from the demo in its results phase (the 2026 ceremony over):

1. the organiser signs in, starts from the past edition and copies it into a draft for next year (no category typed),
   and reviews its dates;
2. a visitor (a second browser, not signed in) still sees this year's results and nothing of next year;
3. the organiser changes one category's description, sees nothing is missing, and announces next year; the visitor
   still saw nothing before the announcement, and sees next year's awards opening soon after it;
4. the organiser invites a colleague from the team page; the colleague (a third browser) opens the link in the email a
   real SMTP sink received, sets a password and reaches the organisers' area;
5. the colleague signs out, forgets their password, and gets back in with the link from the reset email.

Every tap and keypress of the organiser's part (steps 1 and 3) is counted and printed, and each page it passed through
was checked (axe-core finds nothing, nothing scrolls sideways), as is every page the visitor and the colleague see.
Nobody touches a server: the test reads email only from the sink.
"""
from __future__ import annotations

import dataclasses
import os
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from awards_app.demo.content import CATEGORIES
from tests.e2e.conftest import serving_with_mail
from tests.e2e.helpers import demo_in_phase, fits_the_width
from tests.fixtures.browser import assert_accessible, open_page

pytestmark = pytest.mark.browser

# Its own database, named so that browser.py's clean-up of databases left by killed runs also covers it.
JOURNEY_DATABASE = f"awards_e2e_journey_{os.getpid()}"
PHONE = {"viewport": {"width": 320, "height": 640}, "is_mobile": True, "has_touch": True}
COLLEAGUE, COLLEAGUE_NAME = "isla.colleague@example.org", "Isla Colleague"
FIRST_PASSWORD = "machair puffin rowan skerry"
NEW_PASSWORD = "kelpie osprey tablet granite"
CATEGORY_NAMES = [category.name for category in CATEGORIES]  # the demo edition's, in their order
NEW_DESCRIPTION = "Changed for next year: someone whose support let others run their own lives."
# The pages (numbers as N) of the copy and the announcement that the organiser's part goes through.
NEW_PAGES_ON_THE_WAY = {
    "/admin/editions/copy", "/admin/editions/N/copy", "/admin/editions/N", "/admin/editions/N/edit",
    "/admin/editions/N/categories/N", "/admin/editions/N/categories/N/edit", "/admin/editions/N/announce",
}

# "Under ten minutes of clicks", at a slow phone user's pace: a tap (find it, scroll, read the next page) every 10 s
# and a keypress every half second. The journey's count, printed, is far below this.
SECONDS_PER_TAP, SECONDS_PER_KEYPRESS, TEN_MINUTES = 10, 0.5, 600

# The tab of an edition page that lists its categories.
CATEGORIES_PART = re.compile(r"^Categories \(\d+\)$")


@pytest.fixture(scope="module")
def journey_server(tmp_path_factory):
    """gunicorn with the demo edition in its results phase (this year's ceremony is over), sending email to a sink of
    its own (this journey adds an edition and an organiser, which no other module must see)."""
    with serving_with_mail(tmp_path_factory, "journey_server", JOURNEY_DATABASE) as server:
        yield dataclasses.replace(server, sign_ins=demo_in_phase(server, "results").sign_ins)


@pytest.fixture
def organiser_phone(browser):
    yield from open_page(browser, **PHONE)


@pytest.fixture
def visitor_phone(browser):
    yield from open_page(browser, **PHONE)


@pytest.fixture
def colleague_phone(browser):
    yield from open_page(browser, **PHONE)


def looks_right(page) -> None:
    """axe-core finds nothing and nothing scrolls sideways."""
    assert_accessible(page)
    fits_the_width(page)


@dataclass
class Phone:
    """A person's phone that counts their taps and keypresses and checks every page they reach."""

    page: object
    taps: int = 0
    keypresses: int = 0
    checked: list[str] = field(default_factory=list)

    def arrive(self) -> None:
        """Check the page as it is now (a page, or a state such as a form with its errors)."""
        looks_right(self.page)
        self.checked.append(self.page.url)

    def visit(self, url: str) -> int:
        """Open an address (a bookmark, or a link in an email: no taps counted); its status."""
        status = self.page.goto(url).status
        self.arrive()
        return status

    def tap(self, locator) -> int:
        """Tap a link or button and wait for the page it leads to; its status."""
        self.taps += 1
        with self.page.expect_navigation() as navigation:
            locator.tap()
        self.arrive()
        return navigation.value.status

    def tap_link(self, name, **options) -> int:
        return self.tap(self.page.get_by_role("link", name=name, **options))

    def tap_button(self, name, **options) -> int:
        return self.tap(self.page.get_by_role("button", name=name, **options))

    def type_into(self, locator, text: str) -> None:
        """Tap a field, select whatever it holds, and type over it key by key."""
        self.taps += 1
        locator.tap()
        if locator.input_value():
            locator.press("Control+a")
            self.keypresses += 1
        locator.press_sequentially(text)
        self.keypresses += len(text)
        assert locator.input_value() == text

    def sign_in(self, email: str, password: str) -> int:
        """Type the email address and password on the sign-in page and press Sign in; the status."""
        self.type_into(self.page.get_by_label("Email address"), email)
        self.type_into(self.page.get_by_label("Password", exact=True), password)
        return self.tap_button("Sign in")


def main_text(page) -> str:
    return page.locator("main").inner_text()


def email_link(server, address: str, path: str) -> str:
    """Send what the outbox holds; the link to `path` in the one email the sink received for address that has one."""
    server.deliver()
    pattern = re.compile(r"(http://\S+" + re.escape(path) + r"\S+)")
    links = [found.group(1) for email in server.emails_to(address)
             if (found := pattern.search(email.part("text/plain")))]
    assert len(links) == 1, f"{len(links)} emails to {address} hold a {path} link"
    assert links[0].startswith(server.url("/"))
    return links[0]


def test_an_organiser_sets_up_next_year_and_a_colleague_joins_on_phones(
    organiser_phone, visitor_phone, colleague_phone, journey_server, capsys
):
    server = journey_server
    organiser, visitor, colleague = Phone(organiser_phone), Phone(visitor_phone), Phone(colleague_phone)
    page = organiser.page
    email, password = server.sign_in_for("organiser")

    # 1. Sign in, start from this year's edition, copy it into next year: the year and name come suggested.
    organiser.visit(server.url("/sign-in"))
    assert organiser.sign_in(email, password) == 200
    assert page.url == server.url("/admin/")
    this_year = int(page.get_by_role("link", name=re.compile(r"^Self Management Awards \d{4}$")).inner_text()[-4:])
    next_year = this_year + 1
    this_name, next_name = f"Self Management Awards {this_year}", f"Self Management Awards {next_year}"
    organiser.tap_link("Start from a past edition")
    organiser.tap_link(re.compile(rf"^Start from {this_year}"))
    assert page.get_by_label("Year").input_value() == str(next_year)
    assert page.get_by_label("Name").input_value() == next_name
    copied = page.locator("h2:has-text('What the new edition gets') + ul > li").first.inner_text()
    assert copied.startswith(f"{len(CATEGORY_NAMES)} categories: " + ", ".join(CATEGORY_NAMES))
    assert organiser.tap_button("Copy into the new edition") == 200
    expect(page.get_by_role("heading", level=1)).to_have_text(next_name)
    expect(page.locator("#messages")).to_contain_text(f"Copied from {this_year}: review the dates")
    assert "Draft The public cannot see this edition" in main_text(page)
    edition_url = page.url
    # Every category is there without a word typed, in the same order (on the edition's Categories part).
    organiser.tap_link(CATEGORIES_PART)
    assert page.locator("#categories + ol h3").all_inner_texts() == CATEGORY_NAMES
    organiser.tap_link("Summary")

    # Review the dates: each moved on a year; saved as they are.
    organiser.tap_link(f"Change the details and dates of {next_name}")
    assert page.locator("#nominations_open_at_date").input_value().startswith(f"{next_year}-")
    assert page.locator("#ceremony_at_date").input_value().startswith(f"{next_year}-")
    assert organiser.tap_button("Save changes") == 200
    expect(page.locator("#messages")).to_contain_text(f"‘{next_name}’ has been updated.")

    # 2. A visitor sees this year's results, and nothing of next year's draft.
    def visitor_sees_only_this_year() -> None:
        visitor.visit(server.url("/"))
        expect(visitor.page.get_by_role("heading", level=1)).to_have_text(this_name)
        assert visitor.page.locator(".phase-banner").inner_text() == "Winners announced"
        home = main_text(visitor.page)
        assert "The winners" in home and "The next awards have not been announced yet" in home
        assert str(next_year) not in home and NEW_DESCRIPTION not in home
        visitor.visit(server.url("/editions"))
        archive = main_text(visitor.page)
        assert this_name in archive and str(next_year) not in archive
        assert visitor.visit(server.url(f"/editions/{next_year}")) == 404

    visitor_sees_only_this_year()

    # 3. Change one category's description (its name, questions and criteria stay as copied).
    first_category = CATEGORY_NAMES[0]
    organiser.tap_link(CATEGORIES_PART)  # saving the dates came back to the edition's summary
    organiser.tap(page.locator("#categories + ol").get_by_role("link", name=first_category, exact=True))
    organiser.tap_link("Change the category")
    assert page.get_by_label("Name", exact=True).input_value() == first_category
    organiser.type_into(page.get_by_label(re.compile("^Description")), NEW_DESCRIPTION)
    assert organiser.tap_button("Save changes") == 200
    expect(page.locator("#messages")).to_contain_text(f"‘{first_category}’ has been updated.")
    assert NEW_DESCRIPTION in main_text(page)
    organiser.tap(page.locator("nav.breadcrumbs").get_by_role("link", name=next_name))
    assert page.url == edition_url
    # The copy is complete: nothing is missing, so the edition page offers to announce it.
    assert page.locator("#missing-heading").count() == 0
    assert "Nothing is missing: it is ready to announce." in main_text(page)

    visitor_sees_only_this_year()  # the change is not public either

    organiser.tap_link(f"Announce {next_name}")
    expect(page.get_by_role("heading", name="What the public will see")).to_be_visible()
    announce = main_text(page)
    assert "The home page shows this edition straight away." in announce
    assert all(name in announce for name in CATEGORY_NAMES)
    assert organiser.tap_button(f"Announce {next_name}") == 200
    expect(page.locator("#messages")).to_contain_text(f"‘{next_name}’ has been announced: the public can see it now.")
    assert re.search(r"Announced at .+: the public can see it\.", main_text(page))

    taps, keypresses = organiser.taps, organiser.keypresses
    estimate = taps * SECONDS_PER_TAP + keypresses * SECONDS_PER_KEYPRESS
    with capsys.disabled():
        print(f"\nSetting up {next_year} took the organiser {taps} taps and {keypresses} keypresses "
              f"(about {estimate / 60:.1f} minutes at a slow pace) over {len(organiser.checked)} checked pages.")
    assert estimate < TEN_MINUTES
    # Each page and state the organiser reached was checked on arrival; among them every page new in #15 on the way.
    reached = {re.sub(r"/\d+", "/N", urlsplit(url).path) for url in organiser.checked}
    assert NEW_PAGES_ON_THE_WAY <= reached, NEW_PAGES_ON_THE_WAY - reached

    # The visitor now sees next year's awards opening soon, with the changed description; this year stays archived.
    visitor.visit(server.url("/"))
    expect(visitor.page.get_by_role("heading", level=1)).to_have_text(next_name)
    assert visitor.page.locator(".phase-banner").inner_text() == "Opening soon"
    home = main_text(visitor.page)
    assert re.search(rf"Nominations open at .*{next_year}", home)
    assert NEW_DESCRIPTION in home
    assert visitor.page.locator(".card-list h3").all_inner_texts() == CATEGORY_NAMES
    visitor.tap_link("Past awards: the finalists and winners of every year")
    archive = main_text(visitor.page)
    assert this_name in archive and next_name not in archive  # next year's ceremony is still to come
    assert visitor.visit(server.url(f"/editions/{this_year}")) == 200

    # 4. Invite a colleague from the team page; they join from the emailed link on their own phone.
    organiser.tap(page.locator("header").get_by_role("link", name="Organisers' area"))
    organiser.tap_link("See who runs the awards with you, and invite a colleague")
    organiser.type_into(page.get_by_label("Email address"), COLLEAGUE)
    organiser.type_into(page.get_by_label("Full name"), COLLEAGUE_NAME)
    assert organiser.tap_button("Send the invitation") == 200
    expect(page.locator("#messages")).to_contain_text(f"An invitation has been emailed to {COLLEAGUE_NAME}")

    invitation = email_link(server, COLLEAGUE, "/sign-in/invitation/")
    assert colleague.visit(invitation) == 200
    expect(colleague.page.get_by_role("heading", level=1)).to_have_text("Set your password")
    colleague.type_into(colleague.page.get_by_label("Create a password"), FIRST_PASSWORD)
    assert colleague.tap_button("Set my password and sign in") == 200
    assert colleague.page.url == server.url("/admin/")
    # The colleague sees the new edition as a fellow organiser does.
    expect(colleague.page.get_by_role("link", name=next_name)).to_be_visible()
    page.reload()
    organiser.arrive()
    assert "On the team" in page.locator(".card", has_text=COLLEAGUE).inner_text()

    # 5. The colleague signs out, forgets their password, and sets a new one from the reset email.
    colleague.tap_button("Sign out")
    expect(colleague.page.locator("#messages")).to_contain_text("You have signed out.")
    colleague.tap(colleague.page.locator("header").get_by_role("link", name="Sign in"))
    colleague.tap_link("Forgotten your password?")
    colleague.type_into(colleague.page.get_by_label("Email address"), COLLEAGUE)
    assert colleague.tap_button("Email me a link") == 200
    expect(colleague.page.get_by_role("heading", level=1)).to_have_text("Check your email")

    reset = email_link(server, COLLEAGUE, "/sign-in/reset-password/")
    assert colleague.visit(reset) == 200
    expect(colleague.page.get_by_role("heading", level=1)).to_have_text("Choose a new password")
    colleague.type_into(colleague.page.get_by_label("New password", exact=True), NEW_PASSWORD)
    colleague.type_into(colleague.page.get_by_label("Confirm new password"), NEW_PASSWORD)
    assert colleague.tap_button("Set my new password") == 200
    assert colleague.page.url == server.url("/sign-in")
    expect(colleague.page.locator("#messages")).to_contain_text("Sign in with your new password")
    assert colleague.sign_in(COLLEAGUE, FIRST_PASSWORD) == 422  # the forgotten password works no more
    assert colleague.sign_in(COLLEAGUE, NEW_PASSWORD) == 200
    assert colleague.page.url == server.url("/admin/")
    expect(colleague.page.get_by_role("heading", level=1)).to_have_text("Organisers' area")
