"""Forgotten passwords through the pages: the same answer for any address, limits, the new-password page, and the
normal sign-in afterwards (two-factor included)."""
import re

import pytest
import redis
from sqlalchemy import func, select

from awards_app.accounts import two_factor, users
from awards_app.accounts.models import SignInSession
from tests.factories.accounts import (
    JUDGE_EMAIL,
    JUDGE_PASSWORD,
    ORGANISER_EMAIL,
    ORGANISER_PASSWORD,
    make_judge,
)
from tests.web.forms import link_in_email, post_form, post_sign_in, sign_in
from tests.web.test_two_factor_pages import code_at

ASK = "/sign-in/forgotten-password"
SENT = "/sign-in/forgotten-password/sent"
NEW_PASSWORD = "heather curlew bothy lantern"


@pytest.fixture
def judge(db_session, clock):
    made = make_judge(password=JUDGE_PASSWORD)
    db_session.commit()
    return made


def reset_path(outbox) -> str:
    """The path of the link in the newest reset email."""
    return link_in_email(outbox()[-1], "/sign-in/reset-password/")


def ask_for(client, address: str):
    return post_form(client, ASK, {"email": address})


def without_tokens(page: str) -> str:
    """A page without its CSRF tokens (they differ from one page to the next)."""
    return re.sub(r'"csrf_token" value="[^"]+"|"X-CSRFToken": "[^"]+"', "", page)


def choose(client, path: str, password: str = NEW_PASSWORD, again: str | None = None):
    return post_form(client, path, {"new_password": password, "confirm_password": again or password}, form_page=ASK)


# --- Asking ---------------------------------------------------------------------------------------------------------


def test_the_sign_in_page_links_to_the_forgotten_password_page(client):
    assert f'href="{ASK}">Forgotten your password?</a>' in client.get("/sign-in").get_data(as_text=True)


def test_asking_emails_a_link_and_says_check_your_email(client, judge, outbox):
    response = ask_for(client, "Judge@Example.org")
    assert response.status_code == 303 and response.headers["Location"] == SENT
    text = client.get(SENT).get_data(as_text=True)
    assert "If an account uses <strong>Judge@Example.org</strong>, we have emailed it a link" in text
    assert "for 60 minutes" in text
    [email] = outbox()
    assert email.to_address == JUDGE_EMAIL


@pytest.mark.parametrize("address", ["nobody@example.org", "switched-off@example.org"])
def test_the_answer_is_the_same_whether_or_not_an_account_uses_the_address(client, judge, outbox, db_session, address):
    make_judge("switched-off@example.org", password=JUDGE_PASSWORD, active=False)
    db_session.commit()
    known = ask_for(client, JUDGE_EMAIL)
    known_page = client.get(SENT)
    unknown = ask_for(client, address)
    unknown_page = client.get(SENT)
    assert (unknown.status_code, unknown.headers["Location"]) == (known.status_code, known.headers["Location"])
    assert unknown.get_data() == known.get_data()
    assert unknown_page.status_code == known_page.status_code == 200
    assert without_tokens(unknown_page.get_data(as_text=True)).replace(address, JUDGE_EMAIL) == without_tokens(
        known_page.get_data(as_text=True)
    )
    assert [email.to_address for email in outbox()] == [JUDGE_EMAIL]


@pytest.mark.parametrize(
    ("typed", "message"),
    [("not an address", "Enter a valid email address"), ("", "Enter your email address"),
     ("judge\x00@example.org", "Enter a valid email address"), ("x" * 400 + "@example.org", "characters or fewer"),
     ('"><script>alert(1)</script>@example.org', "Enter a valid email address")],
)
def test_a_bad_address_is_shown_back_with_the_error(client, outbox, typed, message):
    response = ask_for(client, typed)
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "<title>Error: Forgotten your password?" in text and message in text
    assert "<script>alert" not in text
    if typed and "\x00" not in typed and "<" not in typed:
        assert f'value="{typed}"' in text
    assert outbox() == []


def test_asking_needs_the_csrf_token(client, judge, outbox):
    response = client.post(ASK, data={"email": JUDGE_EMAIL})
    assert response.status_code == 400
    assert outbox() == []


def test_asking_is_limited_per_address_alike_for_every_address(app, client, judge, outbox, monkeypatch):
    monkeypatch.setitem(app.config, "PASSWORD_RESET_LIMITS_PER_CLIENT", "100 per minute")  # count only per address
    for address in (JUDGE_EMAIL, "nobody@example.org"):
        statuses = [ask_for(client, address).status_code for _ in range(4)]
        assert statuses == [303, 303, 303, 429], address
    assert len(outbox()) == 3
    # Another spelling of the same inbox counts against the same limit.
    assert ask_for(client, " JUDGE@example.org ").status_code == 429


def test_asking_is_limited_per_client(client, outbox):
    statuses = [ask_for(client, f"someone{n}@example.org").status_code for n in range(6)]
    assert statuses == [303] * 5 + [429]
    assert "Too many attempts" in ask_for(client, "someone9@example.org").get_data(as_text=True)


@pytest.mark.redis
def test_the_limits_count_in_redis_without_the_address(app, client, judge, outbox):
    statuses = [ask_for(client, JUDGE_EMAIL).status_code for _ in range(4)]
    assert statuses == [303, 303, 303, 429]
    keys = [key.decode() for key in redis.Redis.from_url(app.config["RATELIMIT_STORAGE_URI"]).scan_iter(count=1000)]
    assert any("password-reset:" in key for key in keys)
    assert not any("example.org" in key or "judge@" in key for key in keys)


# --- The new-password page ------------------------------------------------------------------------------------------


def test_opening_the_link_changes_nothing_and_keeps_the_token_to_itself(client, judge, outbox):
    ask_for(client, JUDGE_EMAIL)
    path = reset_path(outbox)
    for _ in range(2):  # a mail scanner, then the judge
        page = client.get(path)
        assert page.status_code == 200
        assert page.headers["Cache-Control"] == "no-store"
        assert page.headers["Referrer-Policy"] == "no-referrer"
        assert "You are choosing a new password for <strong>judge@example.org</strong>" in page.get_data(as_text=True)
    assert users.authenticate(JUDGE_EMAIL, JUDGE_PASSWORD) is not None


def test_a_browser_signed_in_as_someone_else_is_signed_out_by_a_reset(client, judge, organiser, outbox, db_session):
    sign_in(client, ORGANISER_EMAIL, ORGANISER_PASSWORD)
    ask_for(client, JUDGE_EMAIL)
    assert choose(client, reset_path(outbox)).headers["Location"] == "/sign-in"
    assert client.get("/admin/").status_code == 302
    assert db_session.scalar(select(func.count(SignInSession.id)).where(SignInSession.ended_at.is_(None))) == 0


def test_setting_a_new_password_ends_every_session_and_sends_to_sign_in(app, client, judge, outbox, db_session):
    elsewhere = sign_in(app.test_client(), JUDGE_EMAIL, JUDGE_PASSWORD)
    assert elsewhere.get("/judging/").status_code == 200
    ask_for(client, JUDGE_EMAIL)
    path = reset_path(outbox)
    response = choose(client, path)
    assert response.status_code == 303 and response.headers["Location"] == "/sign-in"
    assert "Sign in with your new password" in client.get("/sign-in").get_data(as_text=True)
    assert client.get("/judging/").status_code == 302  # not signed in by the reset
    assert elsewhere.get("/judging/").status_code == 302  # the other browser's session ended
    assert db_session.scalar(
        select(func.count(SignInSession.id)).where(SignInSession.user_id == judge.id, SignInSession.ended_at.is_(None))
    ) == 0
    assert post_sign_in(client, JUDGE_EMAIL, NEW_PASSWORD).status_code == 303
    assert client.get("/judging/").status_code == 200
    used = client.get(path)
    assert used.status_code == 409
    text = used.get_data(as_text=True)
    assert "This link has already been used" in text and f'href="{ASK}">Ask for a new link</a>' in text


def test_two_factor_is_still_asked_after_a_reset(client, organiser, outbox, db_session, clock):
    two_factor.pending_secret(organiser)
    two_factor.confirm_set_up(organiser, code_at(organiser, clock.now()))
    db_session.commit()
    clock.advance(minutes=1)
    ask_for(client, ORGANISER_EMAIL)
    assert choose(client, reset_path(outbox)).headers["Location"] == "/sign-in"
    response = post_sign_in(client, ORGANISER_EMAIL, NEW_PASSWORD)
    assert response.status_code == 303 and response.headers["Location"] == "/sign-in/code"
    assert client.get("/admin/").status_code == 302
    assert post_form(client, "/sign-in/code", {"code": code_at(organiser, clock.now())}).status_code == 303
    assert client.get("/admin/").status_code == 200
    assert users.authenticate(ORGANISER_EMAIL, ORGANISER_PASSWORD) is None


@pytest.mark.parametrize(
    ("password", "again", "message"),
    [("", "", "Enter a new password"), ("too short", "too short", "at least 12 characters"),
     (NEW_PASSWORD, "something else entirely", "The new passwords do not match")],
)
def test_a_refused_password_is_explained_and_the_link_still_works(client, judge, outbox, password, again, message):
    ask_for(client, JUDGE_EMAIL)
    path = reset_path(outbox)
    response = choose(client, path, password, again)
    assert response.status_code == 422
    assert response.headers["Referrer-Policy"] == "no-referrer"
    text = response.get_data(as_text=True)
    assert "<title>Error: Choose a new password" in text and "There is a problem" in text and message in text
    assert client.get(path).status_code == 200
    assert users.authenticate(JUDGE_EMAIL, JUDGE_PASSWORD) is not None


def test_setting_the_password_needs_the_csrf_token(client, judge, outbox):
    ask_for(client, JUDGE_EMAIL)
    path = reset_path(outbox)
    response = client.post(path, data={"new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD})
    assert response.status_code == 400
    assert users.authenticate(JUDGE_EMAIL, NEW_PASSWORD) is None
    assert client.get(path).status_code == 200


def test_an_expired_link_says_to_ask_again(client, judge, outbox, clock):
    ask_for(client, JUDGE_EMAIL)
    path = reset_path(outbox)
    clock.advance(hours=1)
    page = client.get(path)
    assert page.status_code == 410
    assert page.headers["Referrer-Policy"] == "no-referrer"
    text = page.get_data(as_text=True)
    assert "This link has expired" in text and f'href="{ASK}">Ask for a new link</a>' in text
    assert choose(client, path).status_code == 410
    assert users.authenticate(JUDGE_EMAIL, NEW_PASSWORD) is None


def test_a_link_broken_by_a_password_change_elsewhere_says_so(client, judge, outbox, db_session):
    ask_for(client, JUDGE_EMAIL)
    path = reset_path(outbox)
    users.change_password(judge, JUDGE_PASSWORD, "granite lighthouse marmalade")
    db_session.commit()
    page = client.get(path)
    assert page.status_code == 404
    assert "the password has been changed since this link was sent" in page.get_data(as_text=True)
    assert choose(client, path).status_code == 404
    assert users.authenticate(JUDGE_EMAIL, NEW_PASSWORD) is None


@pytest.mark.parametrize("token", ["not-a-token", "a.b", "x" * 600])
def test_tampered_links_explain_or_are_404s(client, token):
    page = client.get(f"/sign-in/reset-password/{token}")
    assert page.status_code == 404


def test_a_tampered_seal_does_not_work(client, judge, outbox):
    ask_for(client, JUDGE_EMAIL)
    path = reset_path(outbox)
    forged = path[:-4] + ("0000" if not path.endswith("0000") else "1111")
    assert client.get(forged).status_code == 404
    assert choose(client, forged).status_code == 404
    assert users.authenticate(JUDGE_EMAIL, NEW_PASSWORD) is None


def test_the_accounts_name_is_escaped(client, judge, outbox, db_session):
    judge.name = "<script>alert(1)</script>"
    db_session.commit()
    ask_for(client, JUDGE_EMAIL)
    email = outbox()[-1]
    assert "<script>" not in email.html_body
    assert "<script>alert" not in client.get(reset_path(outbox)).get_data(as_text=True)


def test_judges_sign_in_links_still_work_beside_resets(client, judge, outbox):
    ask_for(client, JUDGE_EMAIL)
    reset = reset_path(outbox)
    post_form(client, "/sign-in/link", {"email": JUDGE_EMAIL})
    sign_in_link = link_in_email(outbox()[-1], "/sign-in/link/")
    assert client.get(reset).status_code == 200  # a sign-in link does not replace the reset link
    assert post_form(client, sign_in_link, {}).headers["Location"] == "/judging/"
