"""The ceremony invitation's RSVP in a real browser on a phone: open the personal link, make a mistake, answer yes with
access needs, change to no; a broken link; the organisers' list of answers. axe-core finds nothing on any state, and
nothing scrolls sideways at 320 px."""
from __future__ import annotations

import subprocess
import sys

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import fits_the_width, sign_in_as_organiser
from tests.fixtures.browser import PROJECT_ROOT, assert_accessible

pytestmark = pytest.mark.browser

# Invites a guest to the demo edition's ceremony on the server's database, as the lead's message would, and prints the
# personal link.
INVITE = """
from sqlalchemy import select
from awards_app import create_app
from awards_app.accounts.models import Role, User
from awards_app.ceremony.rsvp import invitation_link
from awards_app.extensions import db
from awards_app.programme.models import Edition
app = create_app()
with app.app_context():
    organiser = db.session.scalars(select(User).where(User.role == Role.ORGANISER)).first()
    edition = db.session.scalars(select(Edition).order_by(Edition.id.desc())).first()
    print(invitation_link(organiser, edition, "rhona.guest@example.org", "Rhona Guest"))
    db.session.commit()
"""


def invitation_for(server) -> str:
    """A fresh RSVP link on the server."""
    done = subprocess.run([sys.executable, "-c", INVITE], cwd=PROJECT_ROOT, env=server.env, check=True,
                          capture_output=True, text=True, timeout=60)
    link = done.stdout.strip().splitlines()[-1]
    assert link.startswith(server.url("/rsvp/"))
    return link


def check(page) -> None:
    """Every state: axe finds nothing and it fits the phone."""
    assert_accessible(page)
    fits_the_width(page)


def save(page) -> int:
    """Press "Save your answer" and wait for the page that follows; its status."""
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name="Save your answer").click()
    return navigation.value.status


def test_a_guest_answers_yes_with_access_needs_then_changes_to_no_on_a_phone(phone_page, live_server):
    link = invitation_for(live_server)
    response = phone_page.goto(link)
    assert response.status == 200 and response.headers["cache-control"] == "no-store"
    expect(phone_page.get_by_role("heading", level=1)).to_contain_text("Your invitation to the")
    expect(phone_page.get_by_text("You have not answered yet.")).to_be_visible()
    check(phone_page)

    # Access needs typed without choosing: the error state keeps them.
    phone_page.get_by_label("Tell us about any access needs (optional)").fill("Step-free access and a hearing loop")
    assert save(phone_page) == 422
    assert phone_page.title().startswith("Error: ")
    expect(phone_page.locator(".error-summary")).to_contain_text("Choose whether you will come")
    expect(phone_page.get_by_label("Tell us about any access needs (optional)")).to_have_value(
        "Step-free access and a hearing loop")
    check(phone_page)

    phone_page.get_by_label("Yes, I will come").check()
    assert save(phone_page) == 200
    expect(phone_page.locator("#messages")).to_contain_text("your answer is saved")
    expect(phone_page.locator("main")).to_contain_text("Your access needs: Step-free access and a hearing loop")
    expect(phone_page.get_by_role("heading", name="Change your answer")).to_be_visible()
    expect(phone_page.get_by_label("Yes, I will come")).to_be_checked()
    check(phone_page)

    phone_page.get_by_label("No, I cannot come").check()
    phone_page.get_by_label("Tell us about any access needs (optional)").fill("")
    assert save(phone_page) == 200
    expect(phone_page.locator("#your-answer + p")).to_contain_text("No, I cannot come")
    check(phone_page)

    # The same link again, as from the email a week later: the answer is there to change.
    phone_page.goto(link)
    expect(phone_page.get_by_label("No, I cannot come")).to_be_checked()


def test_a_broken_link_says_what_to_do_next(phone_page, live_server):
    link = invitation_for(live_server)
    response = phone_page.goto(link[:-3] + "xyz")
    assert response.status == 404
    expect(phone_page.get_by_role("heading", level=1)).to_have_text("This link does not work")
    expect(phone_page.locator("main")).to_contain_text("reply to the email that invited you")
    check(phone_page)


def test_the_organiser_sees_who_is_coming_on_a_phone(phone_page, live_server):
    invitation_for(live_server)
    sign_in_as_organiser(phone_page, live_server)
    phone_page.goto(live_server.url("/admin/ceremony"))
    with phone_page.expect_navigation():
        phone_page.get_by_role("link", name="Ceremony invitations and answers").click()
    expect(phone_page.get_by_role("heading", level=1)).to_contain_text("Ceremony invitations")
    expect(phone_page.locator("table")).to_contain_text("rhona.guest@example.org")
    check(phone_page)
