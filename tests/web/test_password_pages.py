"""Setting passwords through the pages: common ones refused everywhere, and changing a password signs out elsewhere."""
import pytest
from sqlalchemy import select

from awards_app.accounts.users import authenticate
from awards_app.core.models import AuditEvent
from awards_app.judging import panels
from tests.factories.accounts import ORGANISER_EMAIL, ORGANISER_PASSWORD
from tests.factories.judging import panels_site
from tests.web.forms import csrf_token_from, link_in_email, post_form

NEW_PASSWORD = "granite lighthouse marmalade"
HARDER = "Choose a password that is harder to guess: "


def change(client, current=ORGANISER_PASSWORD, new=NEW_PASSWORD, confirm=None):
    return post_form(
        client,
        "/account/password",
        {"current_password": current, "new_password": new, "confirm_password": new if confirm is None else confirm},
    )


def actions(db_session):
    return [event.action for event in db_session.scalars(select(AuditEvent).order_by(AuditEvent.id))]


# --- Changing a password ------------------------------------------------------------------------------------------


def test_the_header_links_to_the_account_page_which_links_to_the_change(organiser_client):
    assert 'href="/account"' in organiser_client.get("/admin/").get_data(as_text=True)
    page = organiser_client.get("/account").get_data(as_text=True)
    assert "Your account" in page and 'href="/account/password"' in page and ORGANISER_EMAIL in page


def test_judges_reach_it_too(judge_client):
    assert 'href="/account"' in judge_client.get("/judging/").get_data(as_text=True)
    assert judge_client.get("/account/password").status_code == 200


def test_the_pages_need_sign_in(client):
    for path in ("/account", "/account/password", "/account/two-factor", "/account/two-factor/turn-off"):
        response = client.get(path)
        assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in?next=")


def test_a_wrong_current_password_is_refused_and_audited(organiser_client, db_session):
    response = change(organiser_client, current="not my password at all")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "<title>Error: Change your password" in page and "There is a problem" in page
    assert 'href="#current_password">Your current password is not right' in page
    assert "not my password at all" not in page and NEW_PASSWORD not in page  # passwords are never echoed back
    [failed] = db_session.scalars(select(AuditEvent).where(AuditEvent.action == "account.password_change_failed"))
    assert failed.actor_id is None and failed.details == {"email": ORGANISER_EMAIL}
    assert organiser_client.get("/admin/").status_code == 200  # still signed in
    assert authenticate(ORGANISER_EMAIL, ORGANISER_PASSWORD) is not None


def test_new_passwords_that_do_not_match_are_refused(organiser_client):
    response = change(organiser_client, confirm="granite lighthouse marmalada")
    assert response.status_code == 422
    assert 'href="#confirm_password">The new passwords do not match' in response.get_data(as_text=True)
    assert authenticate(ORGANISER_EMAIL, NEW_PASSWORD) is None


def test_an_empty_form_says_what_is_missing(organiser_client):
    page = change(organiser_client, current="", new="", confirm="").get_data(as_text=True)
    assert 'href="#current_password">Enter your current password' in page
    assert 'href="#new_password">Enter a new password' in page
    assert 'href="#confirm_password">Enter your new password again' in page


@pytest.mark.parametrize(
    ("new", "reason"),
    [
        ("password1234", "it is one of the most common passwords"),
        ("Sunshine2026!", "it is a common password with a few characters added"),
        ("OliviaOrganiser1", "it is too close to your name or email address"),
        ("organiser@example.org", "it is too close to your name or email address"),
        ("SelfManagementAwards!", "it is too close to the name of the awards"),
    ],
)
def test_an_easily_guessed_new_password_is_refused(organiser_client, new, reason):
    response = change(organiser_client, new=new)
    assert response.status_code == 422
    assert f'href="#new_password">{HARDER}{reason}' in response.get_data(as_text=True)
    assert authenticate(ORGANISER_EMAIL, ORGANISER_PASSWORD) is not None


def test_a_change_signs_out_every_other_browser_and_keeps_this_one(client, app, organiser, db_session):
    other = app.test_client()
    for browser in (client, other):
        assert post_form(browser, "/sign-in", {"email": ORGANISER_EMAIL, "password": ORGANISER_PASSWORD}).status_code == 303
    old_cookie = client.get_cookie("session").value

    response = change(client)
    assert response.status_code == 303 and response.headers["Location"] == "/account"
    assert "Your password has been changed" in client.get("/account").get_data(as_text=True)
    assert client.get("/admin/").status_code == 200  # this browser carries on, in a fresh session
    assert client.get_cookie("session").value != old_cookie

    # The other browser, and this browser's old cookie, are signed out.
    assert other.get("/admin/").status_code == 302
    replay = app.test_client()
    replay.set_cookie("session", old_cookie)
    assert replay.get("/admin/").status_code == 302

    assert authenticate(ORGANISER_EMAIL, NEW_PASSWORD) is not None
    assert authenticate(ORGANISER_EMAIL, ORGANISER_PASSWORD) is None
    assert "account.password_changed" in actions(db_session)


def test_the_change_needs_the_forms_csrf_token(organiser_client):
    response = organiser_client.post(
        "/account/password",
        data={"current_password": ORGANISER_PASSWORD, "new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD},
    )
    assert response.status_code == 400
    assert authenticate(ORGANISER_EMAIL, ORGANISER_PASSWORD) is not None


def test_guessing_the_current_password_is_rate_limited(organiser_client):
    statuses = [change(organiser_client, current=f"wrong guess number {i}").status_code for i in range(11)]
    assert statuses[:10] == [422] * 10 and statuses[10] == 429


# --- The judge's invitation and the create-organiser command -----------------------------------------------------


@pytest.fixture
def invitation(db_session, clock, organiser, outbox):
    site = panels_site()
    db_session.commit()
    panels.invite_judge(organiser, site.judge)
    db_session.commit()
    return link_in_email(outbox()[-1], "/sign-in/invitation/")


@pytest.mark.parametrize(
    ("password", "reason"),
    [("iloveyou1234", "a common password"), ("jo@example.org!!", "your name or email address")],
)
def test_the_invitation_refuses_easily_guessed_passwords_and_still_works(client, invitation, password, reason):
    response = post_form(client, invitation, {"password": password})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert HARDER in page and reason in page
    assert client.get(invitation).status_code == 200  # the link is not used up


@pytest.mark.parametrize(
    ("password", "reason"),
    [("qwerty123456", "one of the most common passwords"), ("mhairi.2026.mhairi", "your name or email address")],
)
def test_create_organiser_refuses_easily_guessed_passwords(runner, monkeypatch, db_session, password, reason):
    monkeypatch.setenv("AWARDS_ORGANISER_PASSWORD", password)
    result = runner.invoke(args=["create-organiser", "mhairi@example.org", "--name", "Mhairi"])
    assert result.exit_code == 1
    assert HARDER in result.output and reason in result.output and "Traceback" not in result.output
    assert authenticate("mhairi@example.org", password) is None


def test_sign_ins_failures_and_sign_outs_are_audited(client, organiser, db_session):
    post_form(client, "/sign-in", {"email": ORGANISER_EMAIL, "password": "a wrong password here"})
    post_form(client, "/sign-in", {"email": ORGANISER_EMAIL, "password": ORGANISER_PASSWORD})
    client.post("/sign-out", data={"csrf_token": csrf_token_from(client, "/account")})
    events = db_session.scalars(select(AuditEvent).where(AuditEvent.action.like("account.%")).order_by(AuditEvent.id)).all()
    assert [(e.action, e.actor_id) for e in events[-3:]] == [
        ("account.sign_in_failed", None),
        ("account.signed_in", organiser.id),
        ("account.signed_out", organiser.id),
    ]
    assert events[-3].details == {"email": ORGANISER_EMAIL}
    assert "a wrong password here" not in str([e.details for e in events])
