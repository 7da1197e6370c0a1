"""Fuzzing the public forms and links of the demo's public vote: the vote journey and its confirmation link, the
nominee's consent link, sign-in, and judges' emailed links; huge ids in URLs too.

Hypothesis sends random Unicode (NUL, controls, RTL and combining marks, astral characters), huge and empty values,
missing and repeated fields, numbers where text belongs, files where text belongs, and tampered or truncated tokens
made from real ones. Every answer must keep the properties in tests/fuzz_kit.py: no 5xx, no unescaped echo, the
security headers. The world (tests/web/access_world.py) is built once for the module; each example runs in a savepoint
of it, with a fresh client holding the cookies of one kind of caller and that caller's valid CSRF token, and with rate
limits off so that the forms reach their validation. The nomination journey is in test_fuzz_nomination_journey.py,
the results, tally and archive pages in test_fuzz_results_pages.py.
"""
from __future__ import annotations

from urllib.parse import urlencode

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from awards_app.extensions import db, limiter
from tests.fixtures.database import savepoint
from tests.web.access_world import build_world, csrf_token_of, open_callers, world_transaction
from tests.web.fuzz_kit import (
    FUZZ,
    ask,
    check_answer,
    field_values,
    form,
    huge_ids,
    limits_off,
    path_part,
    send_form,
    tampered,
    values,
)

GOOD_EMAIL = st.sampled_from(["voter.fuzz@example.org", "Voter.Fuzz+tag@Example.ORG", "a@b.co"])


class Quiet:
    """The world under a short name, so that a failing example's report is not pages of cookies."""

    def __init__(self, world):
        self.__dict__["_world"] = world

    def __getattr__(self, name):
        return getattr(self._world, name)

    def __repr__(self) -> str:
        return "world"


@pytest.fixture(scope="module")
def world(app):
    """The demo's public vote, its callers, and two voters part-way through the journey."""
    with world_transaction(app) as connection, limits_off(app):
        built, passwords = build_world(app)
        db.session.commit()
        open_callers(app, built, passwords)
        built.connection = connection
        # A voter who has chosen a finalist (the email step needs the choice in the session).
        chooser = built.client(app, "anon")
        response = chooser.post(f"/vote/{built.contest_id}",
                                data={"finalist": str(built.finalist_id), "csrf_token": built.csrf["anon"]})
        assert response.status_code == 303, response.status_code
        built.cookies["chooser"] = {cookie.key: cookie.value for cookie in chooser._cookies.values()}
        built.csrf["chooser"] = csrf_token_of(chooser)
        # A voter whose link is on its way (check your email, send it again).
        response = chooser.post(f"/vote/{built.contest_id}/email",
                                data={"email": "pending.fuzz@example.org", "csrf_token": built.csrf["chooser"]})
        assert response.status_code == 303, response.get_data(as_text=True)[:500]
        built.cookies["pending"] = {cookie.key: cookie.value for cookie in chooser._cookies.values()}
        built.csrf["pending"] = csrf_token_of(chooser)
        db.session.commit()
        yield Quiet(built)


@pytest.fixture(autouse=True)
def db_session(app, world):
    """Each test runs in a savepoint of the module's world (this replaces the conftest's per-test database)."""
    with savepoint(app, world.connection) as session, limits_off(app):
        yield session




hx = st.sampled_from([{}, {}, {"HX-Request": "true"}, {"HX-Request": "true", "HX-Boosted": "true"}])


# --- The vote journey ----------------------------------------------------------------------------------------------


@FUZZ
@given(data=st.data(), caller=st.sampled_from(["anon", "chooser", "pending"]), headers=hx)
def test_the_ballot(app, world, data, caller, headers):
    good = st.just(str(world.finalist_id))
    fields = data.draw(form({"finalist": field_values(good)}, world.csrf[caller]))
    ask(app, world, caller, "POST", f"/vote/{world.contest_id}", fields, headers)


@FUZZ
@given(data=st.data(), caller=st.sampled_from(["chooser", "chooser", "pending", "anon"]), headers=hx)
def test_the_email_step(app, world, data, caller, headers):
    fields = data.draw(form({"email": field_values(GOOD_EMAIL)}, world.csrf[caller]))
    ask(app, world, caller, "POST", f"/vote/{world.contest_id}/email", fields, headers)


@FUZZ
@given(data=st.data(), caller=st.sampled_from(["pending", "chooser", "anon"]))
def test_check_email_and_send_again(app, world, data, caller):
    fields = data.draw(form({"email": values}, world.csrf[caller]))
    ask(app, world, caller, "POST", "/vote/resend", fields)
    ask(app, world, caller, "GET", "/vote/check-email")


@FUZZ
@given(data=st.data(), method=st.sampled_from(["GET", "POST"]), caller=st.sampled_from(["anon", "vote"]))
def test_the_confirmation_link(app, world, data, method, caller):
    token = data.draw(tampered(world.tokens["vote"]))
    fields = data.draw(form({}, world.csrf[caller])) if method == "POST" else None
    ask(app, world, caller, method, f"/vote/confirm/{path_part(token)}", fields)
    ask(app, world, caller, "GET", "/vote/counted")


@FUZZ
@given(data=st.data())
def test_the_real_confirmation_link_with_hostile_fields(app, world, data):
    fields = data.draw(form({"finalist": values, "email": values}, world.csrf["vote"]))
    _body, status = ask(app, world, "vote", "POST", f"/vote/confirm/{world.tokens['vote']}", fields)
    pairs, shape = fields
    if ("csrf_token", world.csrf["vote"]) in pairs and shape == "form":
        # Stray fields change nothing: the vote is counted as it was asked for. Since issue #14 the page may send a
        # finalist chosen there; one that is not on the ballot is put right on the page (422), and nothing counted.
        assert status == 303 or (status == 422 and any(name == "finalist" for name, _value in pairs)), status


# --- The nominee's consent link ------------------------------------------------------------------------------------


@FUZZ
@given(data=st.data(), method=st.sampled_from(["GET", "POST"]))
def test_the_consent_link_tampered(app, world, data, method):
    token = data.draw(tampered(world.tokens["consent"]))
    fields = data.draw(form({"answer": field_values(st.sampled_from(["accept", "decline"]))}, world.csrf["consent"]))
    ask(app, world, "consent", method, f"/consent/{path_part(token)}", fields if method == "POST" else None)


@FUZZ
@given(data=st.data())
def test_the_consent_answer(app, world, data):
    fields = data.draw(form({"answer": field_values(st.sampled_from(["accept", "decline"]))}, world.csrf["consent"]))
    ask(app, world, "consent", "POST", f"/consent/{world.tokens['consent']}", fields)


# --- Signing in, and judges' emailed links -------------------------------------------------------------------------


@FUZZ
@given(data=st.data(), headers=hx)
def test_sign_in(app, world, data, headers):
    fields = data.draw(form(
        {"email": field_values(st.just("panel.judge@example.org")),
         "password": field_values(st.just("matrix judges sit on panels"))}, world.csrf["anon"],
    ))
    ask(app, world, "anon", "POST", "/sign-in", fields, headers)
    ask(app, world, "anon", "POST", "/sign-in/code", data.draw(form({"code": values}, world.csrf["anon"])))


@FUZZ
@given(data=st.data(), target=st.one_of(values, st.sampled_from(["/judging", "//evil.example", "/\\evil.example",
                                                                   "https://evil.example/", "/%0d%0aSet-Cookie:x=1",
                                                                   "javascript:alert(1)", "/judging\r\nX: y"])))
def test_signing_in_goes_only_to_this_site(app, world, data, target):
    pairs = data.draw(form({"email": st.just("panel.judge@example.org"),
                            "password": st.just("matrix judges sit on panels")}, world.csrf["anon"]))
    with savepoint(app, world.connection):
        response = send_form(world.client(app, "anon"), "/sign-in?" + urlencode({"next": target}), *pairs)
        check_answer(response)
    location = response.headers.get("Location", "")
    assert "\n" not in location and "\r" not in location
    if response.status_code in (302, 303):
        assert location.startswith("/") and not location.startswith(("//", "/\\")), location


@FUZZ
@given(data=st.data())
def test_asking_for_a_sign_in_link(app, world, data):
    fields = data.draw(form({"email": field_values(st.just("panel.judge@example.org"))}, world.csrf["anon"]))
    ask(app, world, "anon", "POST", "/sign-in/link", fields)


@FUZZ
@given(data=st.data(), method=st.sampled_from(["GET", "POST"]), kind=st.sampled_from(["judge_link", "invitation"]))
def test_judges_links_tampered(app, world, data, method, kind):
    token = data.draw(tampered(world.tokens[kind]))
    path = ("/sign-in/link/" if kind == "judge_link" else "/sign-in/invitation/") + path_part(token)
    fields = data.draw(form({"password": values}, world.csrf["anon"])) if method == "POST" else None
    ask(app, world, "anon", method, path, fields)


@FUZZ
@given(data=st.data())
def test_accepting_an_invitation_with_hostile_passwords(app, world, data):
    fields = data.draw(form({"password": field_values(st.just("a long passphrase of my own"))}, world.csrf["anon"]))
    ask(app, world, "anon", "POST", f"/sign-in/invitation/{world.tokens['invitation']}", fields)


# --- Huge and odd ids in URLs --------------------------------------------------------------------------------------


@FUZZ
@given(number=huge_ids, pattern=st.sampled_from([
    "/vote/{}", "/vote/{}/email", "/tally/{}", "/tally/{}.csv", "/results/present/{}", "/editions/{}",
    "/editions/{}/results.csv", "/nominate/question/{}",
]), method=st.sampled_from(["GET", "POST"]))
def test_huge_and_odd_ids_in_urls(app, world, number, pattern, method):
    path = pattern.format(path_part(number))
    if method == "POST" and not pattern.startswith(("/vote", "/tally/{}", "/nominate")):
        method = "GET"
    fields = ([("csrf_token", world.csrf["chooser"]), ("finalist", str(world.finalist_id))], "form")
    _body, status = ask(app, world, "chooser", method, path, fields if method == "POST" else None)
    assert status in (404, 405, 200, 303, 403), status


# --- Rate-limit keys -----------------------------------------------------------------------------------------------


@settings(FUZZ, max_examples=40)
@given(data=st.data(), path=st.sampled_from(["/sign-in", "/sign-in/link", "/vote/{contest}/email"]))
def test_rate_limit_keys_take_whatever_is_typed(app, world, data, path):
    """With the limits on, the keys made from typed addresses (sign-in, sign-in links, the vote) take anything."""
    fields = data.draw(form({"email": field_values(GOOD_EMAIL), "password": values}, world.csrf["chooser"]))
    limiter.enabled = True
    try:
        ask(app, world, "chooser", "POST", path.format(contest=world.contest_id), fields)
    finally:
        limiter.enabled = False
