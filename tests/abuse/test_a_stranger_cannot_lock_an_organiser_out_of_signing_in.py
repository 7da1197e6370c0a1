"""A stranger who knows an organiser's address sends wrong passwords for it from many client addresses. Guessing must
stay slow, but the organiser must still get in: with their password and their code (two-factor sign-in), or with
their password alone from a browser they have signed in with before. Counted in Redis in the PostgreSQL+Redis pass.
"""
from __future__ import annotations


from awards_app.web.rate_limits import LIMITS
from tests.factories.accounts import JUDGE_EMAIL, JUDGE_PASSWORD, ORGANISER_EMAIL, ORGANISER_PASSWORD, make_judge
from tests.web.forms import CSRF_PATTERN, csrf_token_from, link_in_email, post_form
from tests.web.test_two_factor_pages import code_at, with_two_factor, wrong_code  # noqa: F401  (a fixture)

# One more than the account's allowance, each from a client address of its own (so no per-client limit meets them).
ATTACK = int(LIMITS["SIGN_IN_LIMITS_PER_ADDRESS"].split()[0]) + 3
PER_CLIENT = int(LIMITS["SIGN_IN_LIMITS_PER_CLIENT"].split()[0])
GUARDED = "too many wrong passwords for this account"


def from_address(client, address: str, data: dict):
    """Post the sign-in form from one client address, with a CSRF token fetched from there."""
    environ = {"REMOTE_ADDR": address}
    token = csrf_token_from_address(client, environ)
    return client.post("/sign-in", data={"csrf_token": token, **data}, environ_base=environ)


def csrf_token_from_address(client, environ: dict) -> str:
    """The sign-in form's CSRF token, fetched from the client's address."""
    page = client.get("/sign-in", environ_base=environ).get_data(as_text=True)
    return CSRF_PATTERN.search(page).group(1)


def attack(app, email: str = ORGANISER_EMAIL) -> list[int]:
    """Wrong passwords for one address from as many client addresses, each a fresh browser; returns the statuses."""
    return [
        from_address(app.test_client(), f"198.51.100.{number}", {"email": email, "password": f"guess number {number}"}).status_code
        for number in range(1, ATTACK + 1)
    ]


def test_the_organiser_gets_in_with_password_and_code_during_an_attack(app, with_two_factor, clock):  # noqa: F811
    statuses = attack(app)
    assert 303 not in statuses and statuses.count(429) >= 1  # the account's guesses are limited
    organiser = app.test_client()
    # Their password alone, from a new browser and address, is not enough while the account is under attack...
    first = from_address(organiser, "203.0.113.7", {"email": ORGANISER_EMAIL, "password": ORGANISER_PASSWORD})
    assert first.status_code == 429 and GUARDED in first.get_data(as_text=True).lower()
    assert 'name="code"' in first.get_data(as_text=True)  # the page asks for the code with the password
    # ...but their password with their code signs them in.
    response = from_address(organiser, "203.0.113.7", {
        "email": ORGANISER_EMAIL, "password": ORGANISER_PASSWORD, "code": code_at(with_two_factor, clock.now()),
    })
    assert response.status_code == 303 and response.headers["Location"] == "/admin/"
    assert organiser.get("/admin/", environ_base={"REMOTE_ADDR": "203.0.113.7"}).status_code == 200


def test_a_browser_that_signed_in_before_gets_in_with_the_password_alone(app, organiser):
    laptop = app.test_client()
    assert from_address(laptop, "203.0.113.7", {"email": ORGANISER_EMAIL, "password": ORGANISER_PASSWORD}).status_code == 303
    laptop.post("/sign-out", data={"csrf_token": csrf_token_from(laptop, "/account")})
    attack(app)
    response = from_address(laptop, "203.0.113.8", {"email": ORGANISER_EMAIL, "password": ORGANISER_PASSWORD})
    assert response.status_code == 303 and response.headers["Location"] == "/admin/"


def test_during_an_attack_a_right_password_without_the_code_tells_the_stranger_nothing(app, with_two_factor, clock):  # noqa: F811
    attack(app)
    stranger = app.test_client()
    right = from_address(stranger, "198.51.100.200", {"email": ORGANISER_EMAIL, "password": ORGANISER_PASSWORD})
    wrong = from_address(stranger, "198.51.100.201", {"email": ORGANISER_EMAIL, "password": "another guess entirely"})
    with_code = from_address(stranger, "198.51.100.202", {
        "email": ORGANISER_EMAIL, "password": "another guess entirely", "code": code_at(with_two_factor, clock.now()),
    })
    assert right.status_code == wrong.status_code == with_code.status_code == 429
    assert stranger.get("/admin/").status_code == 302  # never signed in

    def message(response):
        return response.get_data(as_text=True).split('name="csrf_token"')[0].split("<main")[1]

    assert message(right) == message(wrong) == message(with_code)


def test_knowing_the_password_but_not_the_code_gets_nowhere_and_code_guesses_are_limited(app, with_two_factor, clock):  # noqa: F811
    attack(app)
    thief = app.test_client()
    guesses = [
        from_address(thief, f"198.51.100.{150 + number}", {
            "email": ORGANISER_EMAIL, "password": ORGANISER_PASSWORD, "code": wrong_code(with_two_factor, clock.now()),
        }).status_code
        for number in range(PER_CLIENT)
    ]
    assert set(guesses) == {429}
    assert thief.get("/admin/").status_code == 302
    limit = int(LIMITS["SIGN_IN_CODE_LIMITS_PER_ACCOUNT"].split()[0])
    # Past the account's allowance of codes, even the right code is refused for a while (only someone who has the
    # password can spend that allowance).
    late = from_address(thief, "198.51.100.240", {
        "email": ORGANISER_EMAIL, "password": ORGANISER_PASSWORD, "code": code_at(with_two_factor, clock.now()),
    })
    assert PER_CLIENT > limit and late.status_code == 429


def test_each_client_address_is_still_limited(app, organiser):
    client = app.test_client()
    statuses = [
        from_address(client, "198.51.100.99", {"email": f"someone{number}@example.org", "password": "wrong"}).status_code
        for number in range(PER_CLIENT + 1)
    ]
    assert statuses == [422] * PER_CLIENT + [429]


def test_the_known_browser_cookie_is_pinned_to_the_site_in_production(app, organiser, monkeypatch):
    from flask import make_response

    from awards_app.web.auth.account_guard import remember_browser

    monkeypatch.setitem(app.config, "SESSION_COOKIE_SECURE", True)
    with app.test_request_context("/sign-in", base_url="https://awards.example.org"):
        cookie = remember_browser(make_response(""), organiser).headers["Set-Cookie"]
    flags = {part.strip().split("=")[0].lower() for part in cookie.split(";")[1:]}
    assert cookie.startswith("__Host-known-browser=") and {"secure", "httponly", "path"} <= flags
    assert "samesite=lax" in cookie.lower() and "domain" not in flags


def test_a_judge_without_two_factor_signs_in_by_the_newest_emailed_link_during_an_attack(app, db_session, outbox):
    """A judge has no authenticator code to add to their password; the links a stranger asks for reach only them."""
    make_judge(password=JUDGE_PASSWORD)
    db_session.commit()
    attack(app, JUDGE_EMAIL)
    # The stranger spends the address's allowance of emailed links too, each request from an address of its own.
    stranger = app.test_client()
    asked = []
    for number in range(1, 6):
        stranger.environ_base["REMOTE_ADDR"] = f"198.51.100.{100 + number}"
        asked.append(post_form(stranger, "/sign-in/link", {"email": JUDGE_EMAIL}).status_code)
    assert asked[-1] == 429, asked

    judge = app.test_client()
    judge.environ_base["REMOTE_ADDR"] = "203.0.113.9"
    guarded = from_address(judge, "203.0.113.9", {"email": JUDGE_EMAIL, "password": JUDGE_PASSWORD})
    assert guarded.status_code == 429
    assert "sign-in link by email" in " ".join(guarded.get_data(as_text=True).split())
    # Every link the stranger asked for went to the judge's own inbox, and the newest one signs them in.
    link = link_in_email(outbox()[-1], "/sign-in/link/")
    response = post_form(judge, link, {})
    assert response.status_code == 303 and not response.headers["Location"].startswith("/sign-in")
    assert judge.get("/account").status_code == 200


def test_a_judge_who_resets_their_password_during_an_attack_gets_in_from_that_browser(app, db_session, outbox):
    """Resetting proves the person reads the account's inbox: the browser that did it signs in with the new password
    even while a stranger's guesses guard the account (without it, a reset led straight back to a refusal)."""
    make_judge(password=JUDGE_PASSWORD)
    db_session.commit()
    attack(app, JUDGE_EMAIL)
    phone = app.test_client()
    environ = {"REMOTE_ADDR": "203.0.113.9"}
    token = CSRF_PATTERN.search(phone.get("/sign-in/forgotten-password", environ_base=environ).get_data(as_text=True))
    phone.post("/sign-in/forgotten-password", data={"csrf_token": token.group(1), "email": JUDGE_EMAIL},
               environ_base=environ)
    path = link_in_email(outbox()[-1], "/sign-in/reset-password/")
    token = CSRF_PATTERN.search(phone.get(path, environ_base=environ).get_data(as_text=True)).group(1)
    new_password = "heather curlew bothy lantern"
    reset = phone.post(path, data={"csrf_token": token, "new_password": new_password,
                                   "confirm_password": new_password}, environ_base=environ)
    assert reset.status_code == 303 and reset.headers["Location"] == "/sign-in"
    signed_in = from_address(phone, "203.0.113.9", {"email": JUDGE_EMAIL, "password": new_password})
    assert signed_in.status_code == 303, signed_in.get_data(as_text=True)
    stranger = from_address(app.test_client(), "203.0.113.10", {"email": JUDGE_EMAIL, "password": new_password})
    assert stranger.status_code == 429  # another browser with the new password alone is still guarded


def test_with_rate_limits_switched_off_the_account_guard_reads_no_limits(app, organiser, monkeypatch, caplog):
    # A server started with RATELIMIT_ENABLED=False (the benchmark's) has no limiter storage at all: asking it about
    # the account's allowance failed and logged a warning with a traceback on every sign-in.
    from awards_app.extensions import limiter

    monkeypatch.setitem(app.config, "RATELIMIT_ENABLED", False)
    monkeypatch.setattr(limiter, "enabled", False)
    monkeypatch.setattr(limiter, "_limiter", None)  # what Flask-Limiter's init_app leaves when limits are off
    client = app.test_client()
    assert from_address(client, "198.51.100.7", {"email": ORGANISER_EMAIL, "password": "wrong"}).status_code == 422
    assert from_address(client, "198.51.100.7", {"email": ORGANISER_EMAIL, "password": ORGANISER_PASSWORD}).status_code == 303
    assert "sign-in allowance" not in caplog.text
