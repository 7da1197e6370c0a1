"""The organisers' team through the pages: the list, inviting (errors keep what was typed), the colleague's emailed
link, resending, withdrawing, removing after a confirmation naming the person, leaving, refusals and the limits."""
import pytest
from sqlalchemy import select

from awards_app.accounts import team
from awards_app.accounts.models import User
from awards_app.accounts.users import authenticate
from awards_app.core.models import AuditEvent
from tests.factories.accounts import JUDGE_PASSWORD, ORGANISER_EMAIL, ORGANISER_PASSWORD, make_judge, make_organiser
from tests.web.forms import csrf_token_from, link_in_email, post_form, sign_in

NEW_PASSWORD = "heather curlew bothy lantern"
COLLEAGUE = "sam.colleague@example.org"


def invite(client, email=COLLEAGUE, name="Sam Colleague"):
    return post_form(client, "/admin/team/invite", {"email": email, "name": name}, form_page="/admin/team")


@pytest.fixture
def invitation(organiser_client, outbox, clock):
    """The path of Sam's emailed invitation, sent from the team page."""
    assert invite(organiser_client).status_code == 303
    return link_in_email(outbox()[-1], "/sign-in/invitation/")


@pytest.fixture
def sam(db_session, organiser):
    """A colleague who has joined the team."""
    person = make_organiser(COLLEAGUE, "Sam Colleague")
    db_session.commit()
    return person


@pytest.fixture
def browser(app):
    """The colleague's own browser (the `client` fixture is the organiser's, once signed in)."""
    return app.test_client()


def text_of(response) -> str:
    return response.get_data(as_text=True)


# --- Who may see the team -----------------------------------------------------------------------------------------


def test_the_team_page_lists_the_team_and_is_linked_from_the_dashboard(organiser_client, sam):
    assert 'href="/admin/team"' in text_of(organiser_client.get("/admin/"))
    page = text_of(organiser_client.get("/admin/team"))
    assert "Olivia Organiser (you)" in page and "Sam Colleague" in page and COLLEAGUE in page
    assert "Last signed in" in page and "Has not signed in yet" in page
    assert f'href="/admin/team/{sam.id}/remove"' in page


def test_judges_and_visitors_are_refused(client, organiser, sam, db_session):
    make_judge("jo@example.org", password=JUDGE_PASSWORD)
    db_session.commit()
    paths = ["/admin/team", f"/admin/team/{sam.id}/remove"]
    for path in paths:
        assert client.get(path).headers["Location"].startswith("/sign-in")
    sign_in(client, "jo@example.org")
    for path in paths:
        assert client.get(path).status_code == 403
    token = csrf_token_from(client, "/account")
    for path in ["/admin/team/invite", f"/admin/team/{sam.id}/remove", f"/admin/team/{sam.id}/resend"]:
        assert client.post(path, data={"csrf_token": token, "email": "x@example.org", "name": "X"}).status_code == 403
    db_session.expire_all()
    assert sam.active and db_session.scalar(select(User).where(User.email == "x@example.org")) is None


def test_a_judges_account_is_not_a_team_member_to_remove(organiser_client, db_session):
    judge = make_judge("jo@example.org")
    db_session.commit()
    assert organiser_client.get(f"/admin/team/{judge.id}/remove").status_code == 404
    assert post_form(organiser_client, f"/admin/team/{judge.id}/remove", {}, form_page="/admin/team").status_code == 404
    assert organiser_client.get("/admin/team/999999/remove").status_code == 404


def test_every_form_needs_its_csrf_token(organiser_client, sam, outbox, db_session):
    assert organiser_client.post("/admin/team/invite", data={"email": "new@example.org", "name": "New"}).status_code == 400
    assert organiser_client.post(f"/admin/team/{sam.id}/remove").status_code == 400
    db_session.expire_all()
    assert sam.active and outbox() == []


# --- Inviting -----------------------------------------------------------------------------------------------------


def test_inviting_emails_a_link_and_lists_the_colleague_as_invited(organiser_client, outbox, db_session):
    response = invite(organiser_client)
    assert response.status_code == 303 and response.headers["Location"] == "/admin/team"
    page = text_of(organiser_client.get("/admin/team"))
    assert "An invitation has been emailed to Sam Colleague at sam.colleague@example.org" in page
    assert "Invited" in page and "the link works until" in page
    assert "Send the invitation again to Sam Colleague" in page and "Withdraw the invitation to Sam Colleague" in page
    [email] = outbox()
    assert email.to_address == COLLEAGUE and "/sign-in/invitation/" in email.text_body


@pytest.mark.parametrize(
    ("email", "name", "message"),
    [
        ("", "Sam Colleague", "Enter your colleague&#39;s email address"),
        ("sam.colleague@", "Sam Colleague", "Enter a valid email address"),
        (COLLEAGUE, "", "Enter your colleague&#39;s name"),
        ("jo@example.org", "Jo <b>Judge</b>", "belongs to a judge"),
        (ORGANISER_EMAIL, "Olivia", "already on the organisers&#39; team"),
    ],
)
def test_a_refused_invitation_says_why_and_keeps_what_was_typed(organiser_client, outbox, db_session, email, name,
                                                                 message):
    make_judge("jo@example.org")
    db_session.commit()
    response = invite(organiser_client, email, name)
    assert response.status_code == 422
    page = text_of(response)
    assert "<title>Error: " in page and "There is a problem" in page and message in page
    assert f'value="{email}"' in page if email else 'name="email"' in page
    if name:
        assert 'value="' + name.replace("<", "&lt;").replace(">", "&gt;") + '"' in page
    assert "<b>Judge</b>" not in page
    assert outbox() == []


def test_invitations_are_limited_per_colleague(organiser_client, app, invitation, outbox, db_session, monkeypatch):
    monkeypatch.setitem(app.config, "TEAM_INVITATION_LIMITS_PER_INVITEE", "2 per hour")
    sam = db_session.scalar(select(User).where(User.email == COLLEAGUE))
    resend = f"/admin/team/{sam.id}/resend"
    for _ in range(3):
        assert post_form(organiser_client, resend, {}, form_page="/admin/team").status_code == 303
    page = text_of(organiser_client.get("/admin/team"))
    assert "No invitation was sent" in page and "Try again in 60 minutes" in page
    assert len(outbox()) == 3  # the invitation and two resends


def test_invitations_are_limited_per_organiser(organiser_client, app, outbox, monkeypatch):
    monkeypatch.setitem(app.config, "TEAM_INVITATION_LIMITS_PER_ORGANISER", "1 per hour")
    assert invite(organiser_client).status_code == 303
    response = invite(organiser_client, "another@example.org", "Another One")
    assert response.status_code == 429
    page = text_of(response)
    assert "No invitation was sent" in page and 'value="another@example.org"' in page
    assert [email.to_address for email in outbox()] == [COLLEAGUE]
    assert authenticate("another@example.org", "") is None
    assert "another@example.org" not in text_of(organiser_client.get("/admin/team"))


# --- The colleague's link -----------------------------------------------------------------------------------------


def test_the_colleague_sets_a_password_and_lands_in_the_organisers_area(browser, invitation, db_session):
    page = browser.get(invitation)
    assert page.status_code == 200
    assert "You are joining the organisers' team" in text_of(page) and COLLEAGUE in text_of(page)
    response = post_form(browser, invitation, {"password": NEW_PASSWORD})
    assert response.status_code == 303 and response.headers["Location"] == "/admin/"
    assert browser.get("/admin/").status_code == 200
    again = browser.get(invitation)
    assert again.status_code == 409
    assert "Sign in with your email address and password." in text_of(again)
    assert "one-time sign-in link" not in text_of(again)  # that is for judges


def test_when_organisers_must_use_two_factor_the_colleague_sets_it_up_first(browser, app, invitation, monkeypatch):
    monkeypatch.setitem(app.config, "ORGANISERS_NEED_TWO_FACTOR", True)
    response = post_form(browser, invitation, {"password": NEW_PASSWORD})
    assert response.headers["Location"] == "/account/two-factor"
    assert browser.get("/admin/team").headers["Location"] == "/account/two-factor"


def test_a_refused_password_is_shown_and_the_link_still_works(browser, invitation):
    response = post_form(browser, invitation, {"password": "Sam Colleague"})
    assert response.status_code == 422 and "There is a problem" in text_of(response)
    assert browser.get("/admin/").status_code == 302
    assert browser.get(invitation).status_code == 200


def test_an_expired_link_says_to_ask_an_organiser(browser, invitation, clock):
    clock.advance(days=7)
    page = browser.get(invitation)
    assert page.status_code == 410
    assert "This link has expired" in text_of(page) and "Ask an organiser to send you a new invitation" in text_of(page)


def test_a_tampered_link_is_a_404_with_words(browser, invitation):
    page = browser.get(invitation[:-4] + "abcd")
    assert page.status_code == 404 and "This link does not work" in text_of(page)


# --- Resending and withdrawing ------------------------------------------------------------------------------------


def test_resending_replaces_the_link(organiser_client, browser, invitation, outbox, db_session):
    sam = db_session.scalar(select(User).where(User.email == COLLEAGUE))
    response = post_form(organiser_client, f"/admin/team/{sam.id}/resend", {}, form_page="/admin/team")
    assert response.status_code == 303
    assert "A new invitation has been emailed to sam.colleague@example.org" in text_of(organiser_client.get("/admin/team"))
    assert browser.get(invitation).status_code == 410
    assert browser.get(link_in_email(outbox()[-1], "/sign-in/invitation/")).status_code == 200


def test_withdrawing_stops_the_link(organiser_client, browser, invitation, db_session):
    sam = db_session.scalar(select(User).where(User.email == COLLEAGUE))
    post_form(organiser_client, f"/admin/team/{sam.id}/withdraw", {}, form_page="/admin/team")
    page = text_of(organiser_client.get("/admin/team"))
    assert "The invitation to sam.colleague@example.org has been withdrawn" in page
    assert "Withdraw the invitation to Sam" not in page
    assert browser.get(invitation).status_code == 410


def test_a_joined_colleagues_invitation_cannot_be_withdrawn(organiser_client, sam, db_session):
    post_form(organiser_client, f"/admin/team/{sam.id}/withdraw", {}, form_page="/admin/team")
    assert "already set their password" in text_of(organiser_client.get("/admin/team"))
    db_session.expire_all()
    assert sam.active


# --- Removing and leaving -----------------------------------------------------------------------------------------


def test_removing_asks_first_naming_the_person_then_signs_them_out_at_once(organiser_client, app, sam, db_session):
    sams_browser = sign_in(app.test_client(), COLLEAGUE, ORGANISER_PASSWORD)
    assert sams_browser.get("/admin/").status_code == 200

    page = organiser_client.get(f"/admin/team/{sam.id}/remove")
    assert page.status_code == 200
    text = text_of(page)
    assert "Remove Sam Colleague from the organisers' team?" in text and COLLEAGUE in text
    assert "stays in the audit log under their name" in text

    response = post_form(organiser_client, f"/admin/team/{sam.id}/remove", {})
    assert response.status_code == 303 and response.headers["Location"] == "/admin/team"
    page = text_of(organiser_client.get("/admin/team"))
    assert "Sam Colleague has been removed from the organisers&#39; team and signed out everywhere" in page
    assert COLLEAGUE not in page.split('id="messages"')[1].split("</div>", 1)[1]

    # Sam's very next request is signed out, and the password no longer works.
    assert sams_browser.get("/admin/").headers["Location"].startswith("/sign-in")
    assert authenticate(COLLEAGUE, ORGANISER_PASSWORD) is None
    db_session.expire_all()
    event = db_session.scalar(select(AuditEvent).where(AuditEvent.action == "organiser.removed"))
    assert event.subject_id == sam.id and event.details["sessions_ended"] == 1


def test_the_last_organiser_is_told_they_cannot_leave_and_nothing_changes(organiser_client, organiser, db_session):
    page = organiser_client.get(f"/admin/team/{organiser.id}/remove")
    assert page.status_code == 200
    text = text_of(page)
    assert "Leave the organisers' team?" in text and "You are the last organiser" in text
    assert "Leave the team</button>" not in text
    response = post_form(organiser_client, f"/admin/team/{organiser.id}/remove", {}, form_page="/admin/team")
    assert response.status_code == 422
    assert "<title>Error: " in text_of(response) and "You are the last organiser" in text_of(response)
    assert organiser_client.get("/admin/").status_code == 200
    db_session.expire_all()
    assert organiser.active


def test_an_organiser_may_leave_while_another_remains(organiser_client, organiser, sam, db_session):
    page = text_of(organiser_client.get(f"/admin/team/{organiser.id}/remove"))
    assert "You will be signed out at once" in page and "Leave the team</button>" in page
    response = post_form(organiser_client, f"/admin/team/{organiser.id}/remove", {})
    assert response.status_code == 303 and response.headers["Location"] == "/"
    assert "You have left the organisers&#39; team" in text_of(organiser_client.get("/"))
    assert organiser_client.get("/admin/").headers["Location"].startswith("/sign-in")
    db_session.expire_all()
    assert not organiser.active and sam.active
    assert [member.person for member in team.team()] == [sam]
