"""Two-factor sign-in through the pages: set-up, the second step of signing in, the organisers' rule and resets."""
from datetime import timedelta

import pyotp
import pytest
from sqlalchemy import select

from awards_app.accounts import two_factor, users
from awards_app.accounts.models import SignInSession
from awards_app.core.models import AuditEvent
from tests.factories.accounts import JUDGE_EMAIL, JUDGE_PASSWORD, ORGANISER_EMAIL, make_judge
from tests.factories.judging import panels_site
from tests.factories.programme import make_edition
from tests.web.forms import csrf_token_from, link_in_email, post_form, post_sign_in

SECOND_EMAIL = "second@example.org"
SECOND_PASSWORD = "granite lighthouse marmalade"


def code_at(user, moment, steps_later: int = 0) -> str:
    """The code the person's authenticator app shows at this moment (or some 30-second steps later)."""
    return pyotp.TOTP(user.totp_secret).at(moment + timedelta(seconds=30 * steps_later))


def wrong_code(user, moment) -> str:
    """A well-formed code that no step near this moment makes."""
    near = {code_at(user, moment, steps) for steps in (-1, 0, 1)}
    return next(code for code in ("000000", "111111", "222222", "333333") if code not in near)


def enter_code(client, code):
    return post_form(client, "/sign-in/code", {"code": code})


def actions(db_session, prefix="account.two_factor"):
    query = select(AuditEvent).where(AuditEvent.action.like(prefix + "%")).order_by(AuditEvent.id)
    return [(event.action, event.actor_id) for event in db_session.scalars(query)]


@pytest.fixture
def with_two_factor(organiser, clock, db_session):
    """The organiser uses two-factor sign-in (set up a minute ago)."""
    two_factor.pending_secret(organiser)
    two_factor.confirm_set_up(organiser, code_at(organiser, clock.now()))
    db_session.commit()
    clock.advance(minutes=1)
    return organiser


# --- Setting it up ------------------------------------------------------------------------------------------------


def test_set_up_shows_the_secret_and_a_code_turns_it_on(organiser_client, organiser, clock, db_session):
    page = organiser_client.get("/account/two-factor")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    secret = organiser.totp_secret
    assert " ".join(secret[i : i + 4] for i in range(0, 32, 4)) in text
    assert 'href="otpauth://totp/Self%20Management%20Awards:organiser%40example.org?secret=' + secret in text
    assert 'autocomplete="one-time-code"' in text and 'inputmode="numeric"' in text
    assert organiser_client.get("/account/two-factor").get_data(as_text=True).count(secret[:4]) >= 1
    assert organiser.totp_secret == secret  # the same secret on every visit until it is confirmed

    response = post_form(organiser_client, "/account/two-factor", {"code": code_at(organiser, clock.now())})
    assert response.status_code == 303 and response.headers["Location"] == "/admin/"
    assert organiser.has_two_factor
    assert "Two-factor sign-in is set up" in organiser_client.get("/admin/").get_data(as_text=True)
    assert organiser_client.get("/account/two-factor").status_code == 303  # nothing more to set up
    assert actions(db_session) == [("account.two_factor_set_up", organiser.id)]


def test_set_up_with_a_wrong_code_shows_the_error(organiser_client, organiser, clock, db_session):
    organiser_client.get("/account/two-factor")
    response = post_form(organiser_client, "/account/two-factor", {"code": wrong_code(organiser, clock.now())})
    text = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "<title>Error: Set up two-factor sign-in" in text and 'href="#code">The code is not right' in text
    assert 'aria-invalid="true"' in text
    assert not organiser.has_two_factor
    assert actions(db_session) == [("account.two_factor_failed", None)]
    empty = post_form(organiser_client, "/account/two-factor", {"code": ""})
    assert 'href="#code">Enter the 6-digit code from your authenticator app' in empty.get_data(as_text=True)


def test_judges_may_opt_in_and_back_out(judge_client, clock, db_session):
    judge = users.find_user_by_email(JUDGE_EMAIL)
    assert "Set up two-factor sign-in" in judge_client.get("/account").get_data(as_text=True)
    judge_client.get("/account/two-factor")
    response = post_form(judge_client, "/account/two-factor", {"code": code_at(judge, clock.now())})
    assert response.status_code == 303 and response.headers["Location"] == "/account"
    assert judge.has_two_factor
    clock.advance(seconds=30)
    response = post_form(judge_client, "/account/two-factor/turn-off", {"code": code_at(judge, clock.now())})
    assert response.status_code == 303
    assert not judge.has_two_factor
    assert actions(db_session)[-1] == ("account.two_factor_turned_off", judge.id)


# --- Signing in with a code ---------------------------------------------------------------------------------------


def test_without_two_factor_the_password_signs_in_at_once(client, organiser):
    response = post_sign_in(client)
    assert response.status_code == 303 and response.headers["Location"] == "/admin/"


def test_sign_in_asks_for_the_code_and_grants_nothing_before_it(client, with_two_factor, clock, db_session):
    response = post_sign_in(client, url="/sign-in?next=/admin/security")
    assert response.status_code == 303 and response.headers["Location"] == "/sign-in/code"
    page = client.get("/sign-in/code")
    assert page.status_code == 200 and "Security code" in page.get_data(as_text=True)
    # Half signed in: nothing opens, and no sign-in session exists yet.
    for path in ("/admin/", "/admin/security", "/account", "/judging/"):
        assert client.get(path).status_code == 302, path
    assert db_session.scalar(select(SignInSession)) is None

    response = enter_code(client, code_at(with_two_factor, clock.now()))
    assert response.status_code == 303 and response.headers["Location"] == "/admin/security"
    assert client.get("/admin/").status_code == 200
    assert actions(db_session, "account.")[-2:] == [
        ("account.two_factor_used", with_two_factor.id),
        ("account.signed_in", with_two_factor.id),
    ]


def test_a_wrong_code_is_refused_and_audited(client, with_two_factor, clock, db_session):
    post_sign_in(client)
    response = enter_code(client, wrong_code(with_two_factor, clock.now()))
    text = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "<title>Error: Enter your security code" in text and 'href="#code">The code is not right' in text
    assert client.get("/admin/").status_code == 302
    [failed] = db_session.scalars(
        select(AuditEvent).where(AuditEvent.action == "account.two_factor_failed", AuditEvent.details["during"].as_string() == "sign-in")
    )
    assert failed.actor_id is None and failed.details["email"] == ORGANISER_EMAIL
    # The right code still works afterwards.
    assert enter_code(client, code_at(with_two_factor, clock.now())).status_code == 303


def test_a_code_works_once(client, app, with_two_factor, clock):
    code = code_at(with_two_factor, clock.now())
    post_sign_in(client)
    assert enter_code(client, code).status_code == 303
    other = app.test_client()
    post_sign_in(other)
    response = enter_code(other, code)
    assert response.status_code == 422
    assert "That code has been used already" in response.get_data(as_text=True)
    assert other.get("/admin/").status_code == 302
    clock.advance(seconds=30)
    assert enter_code(other, code_at(with_two_factor, clock.now())).status_code == 303


def test_the_code_step_lapses_after_a_few_minutes(client, with_two_factor, clock):
    post_sign_in(client)
    clock.advance(minutes=6)
    response = client.get("/sign-in/code")
    assert response.status_code == 303 and response.headers["Location"] == "/sign-in"
    assert "Sign in with your email address and password first" in client.get("/sign-in").get_data(as_text=True)


def test_the_code_step_without_a_password_sends_to_sign_in(client, with_two_factor):
    assert client.get("/sign-in/code").headers["Location"] == "/sign-in"


def test_a_wrong_password_never_reaches_the_code_step(client, with_two_factor):
    assert post_sign_in(client, password="not the password at all").status_code == 422
    assert client.get("/sign-in/code").status_code == 303


def test_codes_are_rate_limited_per_account(client, app, with_two_factor, clock):
    post_sign_in(client)
    statuses = [enter_code(client, wrong_code(with_two_factor, clock.now())).status_code for _ in range(6)]
    assert statuses[:5] == [422] * 5 and statuses[5] == 429
    # Another browser (after the password again) gets no fresh allowance for the same account.
    other = app.test_client()
    post_sign_in(other)
    page = enter_code(other, code_at(with_two_factor, clock.now()))
    assert page.status_code == 429 and "Too many attempts" in page.get_data(as_text=True)


def test_a_judges_emailed_link_asks_for_the_code_too(client, clock, outbox, db_session):
    site = panels_site()
    judge = site.judge
    two_factor.pending_secret(judge)
    two_factor.confirm_set_up(judge, code_at(judge, clock.now()))
    db_session.commit()
    clock.advance(seconds=30)
    post_form(client, "/sign-in/link", {"email": judge.email})
    path = link_in_email(outbox()[-1], "/sign-in/link/")
    response = post_form(client, path, {})
    assert response.status_code == 303 and response.headers["Location"] == "/sign-in/code"
    assert client.get("/judging/").status_code == 302
    response = enter_code(client, code_at(judge, clock.now()))
    assert response.headers["Location"] == "/judging/"
    assert client.get("/judging/").status_code == 200


# --- The organisers' rule, and resets ---------------------------------------------------------------------------


def test_when_required_an_organiser_without_it_sets_it_up_before_anything_else(client, app, clock, db_session, monkeypatch):
    edition = make_edition()
    monkeypatch.setitem(app.config, "ORGANISERS_NEED_TWO_FACTOR", True)
    users.create_organiser(SECOND_EMAIL, SECOND_PASSWORD)
    db_session.commit()
    assert post_sign_in(client, SECOND_EMAIL, SECOND_PASSWORD).headers["Location"] == "/account/two-factor"
    for path in ("/admin/", f"/admin/editions/{edition.id}", "/admin/security"):
        response = client.get(path)
        assert response.status_code == 302 and response.headers["Location"] == "/account/two-factor", path
    page = client.get("/account/two-factor").get_data(as_text=True)
    assert "requires two-factor sign-in of every organiser" in page
    second = users.find_user_by_email(SECOND_EMAIL)
    assert post_form(client, "/account/two-factor", {"code": code_at(second, clock.now())}).status_code == 303
    assert client.get("/admin/").status_code == 200


def test_the_security_page_says_whether_the_site_requires_it(organiser_client, app, monkeypatch):
    page = organiser_client.get("/admin/security").get_data(as_text=True)
    assert "This site does not require two-factor sign-in of organisers" in page and "ORGANISERS_NEED_TWO_FACTOR" in page
    assert "<form" not in page.split("<h2>Who uses")[0].split("<h2>Two-factor sign-in for organisers</h2>")[1]
    assert organiser_client.post("/admin/security").status_code == 405  # nothing to change there any more


def test_another_organiser_resets_it(organiser_client, organiser, app, clock, db_session):
    second = users.create_organiser(SECOND_EMAIL, SECOND_PASSWORD)
    two_factor.pending_secret(second)
    two_factor.confirm_set_up(second, code_at(second, clock.now()))
    db_session.commit()
    clock.advance(minutes=1)
    theirs = app.test_client()
    post_sign_in(theirs, SECOND_EMAIL, SECOND_PASSWORD)
    enter_code(theirs, code_at(second, clock.now()))
    assert theirs.get("/admin/").status_code == 200

    page = organiser_client.get("/admin/security").get_data(as_text=True)
    assert SECOND_EMAIL in page and f'action="/admin/security/accounts/{second.id}/reset-two-factor"' in page
    response = post_form(organiser_client, f"/admin/security/accounts/{second.id}/reset-two-factor", {}, form_page="/admin/security")
    assert response.status_code == 303
    assert f"Two-factor sign-in has been reset for {SECOND_EMAIL}" in organiser_client.get("/admin/security").get_data(as_text=True)
    assert not second.has_two_factor
    assert theirs.get("/admin/").status_code == 302  # signed out everywhere
    assert actions(db_session)[-1] == ("account.two_factor_reset", organiser.id)
    # With it reset, their password alone signs them in again.
    assert post_sign_in(theirs, SECOND_EMAIL, SECOND_PASSWORD).headers["Location"] == "/admin/"


def test_nobody_resets_their_own_and_judges_cannot_reset_at_all(organiser_client, with_two_factor, app, db_session):
    make_judge(password=JUDGE_PASSWORD)
    db_session.commit()
    judge_client = app.test_client()
    post_sign_in(judge_client, JUDGE_EMAIL, JUDGE_PASSWORD)
    path = f"/admin/security/accounts/{with_two_factor.id}/reset-two-factor"
    assert f'action="{path}"' not in organiser_client.get("/admin/security").get_data(as_text=True)
    post_form(organiser_client, path, {}, form_page="/admin/security")
    assert with_two_factor.has_two_factor
    assert "Another organiser must reset" in organiser_client.get("/admin/security").get_data(as_text=True)
    token = csrf_token_from(judge_client, "/account")
    assert judge_client.post(path, data={"csrf_token": token}).status_code == 403
    assert with_two_factor.has_two_factor


def test_the_reset_needs_csrf(organiser_client, db_session, clock):
    second = users.create_organiser(SECOND_EMAIL, SECOND_PASSWORD)
    two_factor.pending_secret(second)
    two_factor.confirm_set_up(second, code_at(second, clock.now()))
    db_session.commit()
    assert organiser_client.post(f"/admin/security/accounts/{second.id}/reset-two-factor").status_code == 400
    assert second.has_two_factor
    assert organiser_client.post("/admin/security/accounts/99999/reset-two-factor", data={"csrf_token": csrf_token_from(organiser_client, "/admin/security")}).status_code == 404


def test_the_security_page_lists_only_people_who_can_sign_in(organiser_client, db_session):
    from tests.factories.accounts import make_organiser

    make_organiser("joined@example.org", "Joined Colleague")
    make_organiser("invited@example.org", "Invited Colleague", password=None)
    make_organiser("removed@example.org", "Removed Colleague", active=False)
    db_session.commit()
    page = organiser_client.get("/admin/security").get_data(as_text=True)
    assert "joined@example.org" in page
    assert "invited@example.org" not in page and "removed@example.org" not in page
