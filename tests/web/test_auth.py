"""Signing in and out: hashed passwords, a new session on sign-in, sign-out that really ends it, limits."""
from sqlalchemy import select

from awards_app.accounts.models import SignInSession
from awards_app.accounts.users import create_organiser
from awards_app.core.models import AuditEvent
from tests.factories.accounts import JUDGE_EMAIL, JUDGE_PASSWORD, ORGANISER_EMAIL, ORGANISER_PASSWORD, make_judge
from tests.web.forms import csrf_token_from, post_sign_in


def session_cookie(client):
    cookie = client.get_cookie("session")
    return cookie.value if cookie else None


def test_password_is_stored_hashed(organiser):
    assert ORGANISER_PASSWORD not in organiser.password_hash
    assert organiser.password_hash.startswith(("scrypt:", "pbkdf2:"))


def test_sign_in_lands_in_the_organisers_area(client, organiser, db_session):
    response = post_sign_in(client)
    assert response.status_code == 303
    assert response.headers["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    assert db_session.scalar(select(SignInSession).where(SignInSession.user_id == organiser.id)) is not None
    actions = db_session.scalars(select(AuditEvent.action).where(AuditEvent.actor_id == organiser.id)).all()
    assert "account.signed_in" in actions


def test_wrong_password_shows_the_error_summary_and_keeps_the_email(client, organiser):
    response = post_sign_in(client, password="not the password at all")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "<title>Error: Sign in" in page
    assert "There is a problem" in page
    assert "Enter a correct email address and password" in page
    assert f'value="{ORGANISER_EMAIL}"' in page
    assert "not the password at all" not in page  # passwords are never echoed back


def test_unknown_address_gets_the_same_answer(client, organiser):
    response = post_sign_in(client, email="nobody@example.org")
    assert response.status_code == 422
    assert "Enter a correct email address and password" in response.get_data(as_text=True)


def test_empty_form_says_what_is_missing(client):
    response = post_sign_in(client, email="", password="")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'href="#email">Enter your email address' in page
    assert 'href="#password">Enter your password' in page


def test_a_new_session_on_sign_in(client, organiser):
    client.get("/sign-in")
    before = session_cookie(client)
    post_sign_in(client)
    after = session_cookie(client)
    assert before and after and before != after


def test_sign_out_really_ends_the_session(client, organiser, db_session):
    post_sign_in(client)
    stolen = session_cookie(client)
    token = csrf_token_from(client, "/admin/")
    response = client.post("/sign-out", data={"csrf_token": token})
    assert response.status_code == 303
    assert client.get("/admin/").status_code == 302
    # Replaying the cookie from before sign-out must not get back in.
    client.set_cookie("session", stolen)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "/sign-in" in response.headers["Location"]
    row = db_session.scalar(select(SignInSession).where(SignInSession.user_id == organiser.id))
    assert row.ended_at is not None


def test_sign_out_needs_csrf(client, organiser):
    post_sign_in(client)
    response = client.post("/sign-out")
    assert response.status_code == 400
    assert "This form has expired" in response.get_data(as_text=True)
    assert client.get("/admin/").status_code == 200


def test_sign_in_without_csrf_is_refused_kindly(client, organiser):
    response = client.post("/sign-in", data={"email": ORGANISER_EMAIL, "password": ORGANISER_PASSWORD})
    assert response.status_code == 400
    assert "This form has expired" in response.get_data(as_text=True)
    assert client.get("/admin/").status_code == 302


def test_admin_needs_sign_in(client):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in?next=")


def test_next_goes_back_to_the_page_asked_for(client, organiser):
    response = post_sign_in(client, url="/sign-in?next=/admin/")
    assert response.headers["Location"] == "/admin/"


def test_next_never_leaves_the_site(client, organiser):
    # Browsers read "/\\host" as "//host" and drop tabs from "/<tab>/host": both are refused too.
    targets = ("https://evil.example/", "//evil.example/", "javascript:alert(1)", "/\\evil.example/", "/%09/evil.example/")
    for target in targets:
        client.cookie_jar.clear() if hasattr(client, "cookie_jar") else None
        response = post_sign_in(client, url=f"/sign-in?next={target}")
        assert response.headers["Location"] == "/admin/"
        client.post("/sign-out", data={"csrf_token": csrf_token_from(client, "/admin/")})


def test_judge_cannot_enter_the_organisers_area(client, db_session):
    make_judge(password=JUDGE_PASSWORD)
    db_session.commit()
    response = post_sign_in(client, email=JUDGE_EMAIL, password=JUDGE_PASSWORD)
    assert response.status_code == 303
    assert response.headers["Location"] == "/judging/"
    assert client.get("/admin/").status_code == 403


def test_deactivated_account_cannot_sign_in(client, organiser, db_session):
    organiser.active = False
    db_session.commit()
    assert post_sign_in(client).status_code == 422


def test_sign_in_attempts_are_rate_limited(client, db_session):
    create_organiser("limited@example.org", ORGANISER_PASSWORD)
    db_session.commit()
    statuses = [post_sign_in(client, email="limited@example.org", password=f"wrong guess {i}").status_code for i in range(12)]
    assert statuses[:10] == [422] * 10
    assert statuses[10] == 429
    page = client.post("/sign-in", data={"csrf_token": csrf_token_from(client, "/sign-in"), "email": "limited@example.org", "password": ORGANISER_PASSWORD})
    assert page.status_code == 429
    assert "Too many attempts" in page.get_data(as_text=True)
