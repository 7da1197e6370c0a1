"""Judges signing in through the test client: the invitation page, one-time sign-in links, where judges land."""
import re

import pytest
from sqlalchemy import func, select

from awards_app.accounts.models import SignInSession
from awards_app.accounts.users import authenticate
from awards_app.judging import panels
from tests.factories.accounts import JUDGE_PASSWORD, ORGANISER_EMAIL, ORGANISER_PASSWORD
from tests.factories.judging import panels_site
from tests.web.forms import csrf_token_from, link_in_email, post_form, sign_in

NEW_PASSWORD = "heather curlew bothy lantern"


@pytest.fixture
def site(db_session, clock):
    made = panels_site()
    db_session.commit()
    return made


@pytest.fixture
def invitation(site, organiser, outbox, db_session):
    """The path of Jo's invitation link."""
    panels.invite_judge(organiser, site.judge)
    db_session.commit()
    return link_in_email(outbox()[-1], "/sign-in/invitation/")


def without_tokens(page: str) -> str:
    """A page without its CSRF tokens (they differ from one page to the next)."""
    return re.sub(r'"csrf_token" value="[^"]+"|"X-CSRFToken": "[^"]+"', "", page)


# --- The invitation -----------------------------------------------------------------------------------------------


def test_opening_the_invitation_changes_nothing(client, invitation):
    for _ in range(3):  # a mail scanner, a preview, the judge
        page = client.get(invitation)
        assert page.status_code == 200
        text = page.get_data(as_text=True)
        assert "Set your password" in text and "jo@example.org" in text
    assert 'autocomplete="new-password"' in text


def test_accepting_sets_the_password_and_signs_in(client, invitation, site, db_session):
    response = post_form(client, invitation, {"password": NEW_PASSWORD})
    assert response.status_code == 303
    assert response.headers["Location"] == "/judging/"
    home = client.get("/judging/")
    assert home.status_code == 200
    assert "Project of the Year" in home.get_data(as_text=True)
    assert authenticate("jo@example.org", NEW_PASSWORD).id == site.judge.id
    again = client.get(invitation)
    assert again.status_code == 409
    assert "already set your password" in again.get_data(as_text=True)


def test_accepting_starts_a_new_session_ending_the_one_before(client, invitation, organiser, db_session):
    sign_in(client, ORGANISER_EMAIL, ORGANISER_PASSWORD)
    assert client.get("/admin/").status_code == 200
    post_form(client, invitation, {"password": NEW_PASSWORD})
    assert client.get("/admin/").status_code == 403  # now the judge
    assert db_session.scalar(select(func.count(SignInSession.id)).where(SignInSession.ended_at.is_(None))) == 1


@pytest.mark.parametrize(("password", "message"), [("", "Enter a password"), ("too short", "at least 12 characters")])
def test_a_refused_password_is_shown_and_the_link_still_works(client, invitation, password, message):
    response = post_form(client, invitation, {"password": password})
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "<title>Error: " in text and "There is a problem" in text and message in text
    assert client.get("/judging/").status_code == 302  # not signed in
    assert client.get(invitation).status_code == 200


def test_accepting_needs_the_forms_csrf_token(client, invitation, site, db_session):
    response = client.post(invitation, data={"password": NEW_PASSWORD})
    assert response.status_code == 400
    assert authenticate("jo@example.org", NEW_PASSWORD) is None
    assert client.get(invitation).status_code == 200


def test_an_expired_invitation_says_what_to_do(client, invitation, clock):
    clock.advance(days=15)
    page = client.get(invitation)
    assert page.status_code == 410
    text = page.get_data(as_text=True)
    assert "This link has expired" in text and "Ask the awards team to send you a new invitation" in text


def test_a_replaced_invitation_says_so(client, invitation, site, organiser, db_session):
    panels.invite_judge(organiser, site.judge)
    db_session.commit()
    page = client.get(invitation)
    assert page.status_code == 410
    assert "A newer link has been sent" in page.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/sign-in/invitation/not-a-token", "/sign-in/invitation/" + "x" * 600])
def test_broken_invitations_are_404s(client, path):
    assert client.get(path).status_code == 404


def test_a_sign_in_link_is_not_an_invitation(client, site, outbox, db_session):
    post_form(client, "/sign-in/link", {"email": "jo@example.org"})
    token = link_in_email(outbox()[-1], "/sign-in/link/").rsplit("/", 1)[1]
    assert client.get(f"/sign-in/invitation/{token}").status_code == 404


def test_the_judges_name_is_escaped(client, site, organiser, outbox, db_session):
    site.judge.name = "<script>alert(1)</script>"
    panels.invite_judge(organiser, site.judge)
    db_session.commit()
    email = outbox()[-1]
    assert "<script>" not in email.html_body
    text = client.get(link_in_email(email, "/sign-in/invitation/")).get_data(as_text=True)
    assert "<script>alert" not in text and "&lt;script&gt;alert(1)&lt;/script&gt;" in text


# --- One-time sign-in links ---------------------------------------------------------------------------------------


def test_the_sign_in_page_offers_a_link_by_email(client):
    assert 'href="/sign-in/link"' in client.get("/sign-in").get_data(as_text=True)


def test_asking_for_a_link(client, site, outbox):
    response = post_form(client, "/sign-in/link", {"email": "Jo@Example.org"})
    assert response.status_code == 303
    assert response.headers["Location"] == "/sign-in/link/sent"
    text = client.get("/sign-in/link/sent").get_data(as_text=True)
    assert "If there is a judge account for <strong>Jo@Example.org</strong>, we have emailed a link" in text
    [email] = outbox()
    assert email.to_address == "jo@example.org"


@pytest.mark.parametrize("address", ["nobody@example.org", ORGANISER_EMAIL])
def test_the_answer_is_the_same_for_an_address_without_a_judge(client, site, organiser, outbox, address):
    known = post_form(client, "/sign-in/link", {"email": "jo@example.org"})
    known_page = client.get("/sign-in/link/sent").get_data(as_text=True)
    unknown = post_form(client, "/sign-in/link", {"email": address})
    unknown_page = client.get("/sign-in/link/sent").get_data(as_text=True)
    assert (unknown.status_code, unknown.headers["Location"]) == (known.status_code, known.headers["Location"])
    assert without_tokens(unknown_page).replace(address, "jo@example.org") == without_tokens(known_page)
    assert [email.to_address for email in outbox()] == ["jo@example.org"]


def test_a_malformed_address_is_shown_back(client, outbox):
    response = post_form(client, "/sign-in/link", {"email": "not an address"})
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "Enter a valid email address" in text and 'value="not an address"' in text
    assert outbox() == []


def test_links_are_rate_limited_per_address(client, site, outbox):
    statuses = [post_form(client, "/sign-in/link", {"email": "jo@example.org"}).status_code for _ in range(4)]
    assert statuses == [303, 303, 303, 429]
    assert len(outbox()) == 3


def test_links_are_rate_limited_per_client(client, site, outbox):
    statuses = [
        post_form(client, "/sign-in/link", {"email": f"someone{n}@example.org"}).status_code for n in range(6)
    ]
    assert statuses == [303] * 5 + [429]


def test_opening_a_sign_in_link_changes_nothing_and_the_button_signs_in(client, site, outbox, db_session):
    post_form(client, "/sign-in/link", {"email": "jo@example.org"})
    path = link_in_email(outbox()[-1], "/sign-in/link/")
    for _ in range(2):
        page = client.get(path)
        assert page.status_code == 200
        assert "You are signing in as <strong>jo@example.org</strong>" in page.get_data(as_text=True)
    assert client.get("/judging/").status_code == 302
    response = post_form(client, path, {})
    assert response.status_code == 303 and response.headers["Location"] == "/judging/"
    assert client.get("/judging/").status_code == 200
    used = client.get(path)
    assert used.status_code == 409
    assert "Ask for a new sign-in link" in used.get_data(as_text=True)


def test_a_sign_in_link_needs_the_csrf_token(client, site, outbox):
    post_form(client, "/sign-in/link", {"email": "jo@example.org"})
    path = link_in_email(outbox()[-1], "/sign-in/link/")
    assert client.post(path).status_code == 400
    assert client.get("/judging/").status_code == 302
    assert client.get(path).status_code == 200


def test_an_expired_sign_in_link(client, site, outbox, clock):
    post_form(client, "/sign-in/link", {"email": "jo@example.org"})
    path = link_in_email(outbox()[-1], "/sign-in/link/")
    clock.advance(minutes=31)
    assert client.get(path).status_code == 410
    token = csrf_token_from(client, "/sign-in/link")
    assert client.post(path, data={"csrf_token": token}).status_code == 410
    assert client.get("/judging/").status_code == 302


def test_an_invitation_is_not_a_sign_in_link(client, invitation):
    token = invitation.rsplit("/", 1)[1]
    assert client.get(f"/sign-in/link/{token}").status_code == 404
    assert client.get("/sign-in/link/" + "x" * 600).status_code == 404


def test_judges_land_on_their_judging_page(client, site):
    response = post_form(client, "/sign-in", {"email": "jo@example.org", "password": JUDGE_PASSWORD})
    assert response.headers["Location"] == "/judging/"
