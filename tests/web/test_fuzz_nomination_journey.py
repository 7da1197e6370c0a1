"""Fuzzing the nomination journey: every step's form, check your answers, save and resume, and the resume link.

The world is the demo edition while nominations are open, built once for the module, with two drafts in progress:
one with only its award chosen, and one with every step done (ready to send). Each example runs in a savepoint of
the world with a fresh client holding one draft's session and its valid CSRF token, and with rate limits off; the
answers must keep the properties in tests/fuzz_kit.py (no 5xx, no unescaped echo, the security headers).
"""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from awards_app.core.links import issue_link
from awards_app.demo.builder import build_demo
from awards_app.extensions import db, limiter
from awards_app.nominations import drafts
from awards_app.programme.models import Category, Edition
from awards_app.programme.scotland import LOCAL_AUTHORITIES
from tests.fixtures.database import savepoint
from tests.web.access_world import csrf_token_of, world_transaction
from tests.web.fuzz_kit import FUZZ, FUZZ_MORE, ask, field_values, form, limits_off, path_part, tampered, values

STEPS = ("category", "nominee", "question/1", "question/2", "you", "privacy", "check", "save")


class NominationWorld:
    """The ids, tokens, cookies and CSRF tokens the fuzz tests need; a short repr for failing examples' reports."""

    def __init__(self):
        self.tokens: dict[str, str] = {}
        self.cookies: dict[str, dict[str, str]] = {}
        self.csrf: dict[str, str] = {}
        self.category_ids: list[int] = []
        self.connection = None

    def client(self, app, holder: str):
        """A fresh test client with the holder's cookies."""
        client = app.test_client()
        for name, value in self.cookies.get(holder, {}).items():
            client.set_cookie(name, value)
        return client

    def __repr__(self) -> str:
        return "world"


def _drafts(edition: Edition) -> dict[str, object]:
    """A draft with only its award chosen, and one with every step done."""
    category = next(item for item in edition.categories if item.questions)
    partial = drafts.start_draft(edition)
    drafts.choose_category(partial, str(category.id))
    ready = drafts.start_draft(edition)
    drafts.choose_category(ready, str(category.id))
    drafts.save_nominee(ready, name="Morag Fuzz", organisation="", local_authority=LOCAL_AUTHORITIES[0], email="")
    for question in category.questions:
        drafts.save_answer(ready, question, "She started a walking group.")
    drafts.save_nominator(ready, name="Nan Nominator", email="nan@example.org", relationship="Neighbour", phone="")
    drafts.save_privacy(ready, True)
    drafts.email_resume_link(ready, "nan@example.org")
    return {"partial": partial, "ready": ready}


@pytest.fixture(scope="module")
def world(app):
    """The demo edition during nominations, and a browser holding each draft (and one holding none)."""
    with world_transaction(app) as connection, limits_off(app):
        built = NominationWorld()
        build_demo("nominations")
        edition = db.session.scalars(select(Edition).order_by(Edition.id.desc())).first()
        assert drafts.nominations_open(edition)
        built.category_ids = list(db.session.scalars(select(Category.id).where(Category.edition_id == edition.id)))
        for holder, draft in _drafts(edition).items():
            built.tokens[holder] = issue_link(drafts.RESUME_PURPOSE, draft, edition.nominations_close_at)
        db.session.commit()
        for holder in ("partial", "ready", "none"):
            client = app.test_client()
            if holder in built.tokens:
                assert client.get(f"/nominate/resume/{built.tokens[holder]}").status_code == 303
            built.csrf[holder] = csrf_token_of(client)
            built.cookies[holder] = {cookie.key: cookie.value for cookie in client._cookies.values()}
        built.connection = connection
        yield built


@pytest.fixture(autouse=True)
def db_session(app, world):
    """Each test runs in a savepoint of the module's world (this replaces the conftest's per-test database)."""
    with savepoint(app, world.connection) as session, limits_off(app):
        yield session




holders = st.sampled_from(["partial", "ready", "ready", "none"])
actions = st.sampled_from(["continue", "save"]) | values
query = st.sampled_from(["", "", "?change=1", "?change=", "?change=%00", "?change=1&change=2"])


def step_fields(world, step: str) -> dict:
    """The fields a step's form sends, each with hostile values and sometimes a good one."""
    return {
        "category": {"category": field_values(st.sampled_from([str(number) for number in world.category_ids]))},
        "nominee": {
            "name": field_values(st.just("Morag")), "organisation": values, "email": field_values(st.just("m@x.org")),
            "local_authority": field_values(st.sampled_from(LOCAL_AUTHORITIES)),
        },
        "question/1": {"answer": values},
        "question/2": {"answer": values},
        "you": {
            "name": values, "email": field_values(st.just("nan@example.org")), "relationship": values,
            "phone": field_values(st.just("01632 960 001")),
        },
        "privacy": {"agree": field_values(st.sampled_from(["y", "on", "true", "1"]))},
        "check": {"website": field_values(st.just(""))},
        "save": {"email": field_values(st.just("nan@example.org"))},
    }[step]


@FUZZ_MORE
@given(data=st.data(), holder=holders, step=st.sampled_from(STEPS), change=query,
       headers=st.sampled_from([{}, {"HX-Request": "true"}]))
def test_every_step(app, world, data, holder, step, change, headers):
    fields = dict(step_fields(world, step), action=actions)
    pairs = data.draw(form(fields, world.csrf[holder]))
    ask(app, world, holder, "POST", f"/nominate/{step}{change}", pairs, headers)
    ask(app, world, holder, "GET", f"/nominate/{step}{change}")


@FUZZ
@given(data=st.data(), holder=holders, step=st.sampled_from(["start", "save/resend"]))
def test_starting_and_sending_the_link_again(app, world, data, holder, step):
    ask(app, world, holder, "POST", f"/nominate/{step}", data.draw(form({"email": values}, world.csrf[holder])))
    ask(app, world, holder, "GET", "/nominate/save/sent")


@FUZZ
@given(data=st.data(), holder=holders, which=st.sampled_from(["partial", "ready"]))
def test_the_resume_link_tampered(app, world, data, holder, which):
    token = data.draw(tampered(world.tokens[which]))
    ask(app, world, holder, "GET", f"/nominate/resume/{path_part(token)}")


@FUZZ
@given(number=st.integers(min_value=-5, max_value=2**40) | st.sampled_from([2**31 - 1, 2**31, 10**30]),
       holder=holders)
def test_question_numbers(app, world, number, holder):
    pairs = ([("csrf_token", world.csrf[holder]), ("answer", "Yes")], "form")
    for method in ("GET", "POST"):
        _body, status = ask(app, world, holder, method, f"/nominate/question/{number}", pairs)
        assert status in (200, 303, 404, 422), status


@settings(FUZZ, max_examples=40)
@given(data=st.data(), holder=holders,
       path=st.sampled_from(["/nominate/save", "/nominate/save/resend", "/nominate/check"]))
def test_rate_limit_keys_take_whatever_is_typed(app, world, data, holder, path):
    """With the limits on, the key made from the typed address (save and come back later) takes anything."""
    fields = data.draw(form({"email": field_values(st.just("nan@example.org")), "website": values}, world.csrf[holder]))
    limiter.enabled = True
    try:
        ask(app, world, holder, "POST", path, fields)
    finally:
        limiter.enabled = False
