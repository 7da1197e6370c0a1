"""Fuzzing the pages after the vote: the published list's receipt checker and paging (/tally/<id>), the results pages'
query parameters and poll headers (/results?shown=..., /results/present/<n>?seen=...), and the archive (/editions).

The world is the demo edition after its ceremony, with every contest's list of votes published, built once for the
module; each example runs in a savepoint of it with rate limits off. The answers must keep the properties in
tests/fuzz_kit.py (no 5xx, no unescaped echo, the security headers).
"""
from __future__ import annotations

from urllib.parse import urlencode

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from awards_app.accounts.users import find_user_by_email
from awards_app.demo.builder import build_demo
from awards_app.extensions import db
from awards_app.programme.models import Category, Edition
from awards_app.voting.models import Contest, Vote
from awards_app.voting.tally import publish_tally
from tests.fixtures.database import savepoint
from tests.web.access_world import csrf_token_of, world_transaction
from tests.web import fuzz_kit
from tests.web.fuzz_kit import (
    FUZZ,
    any_text,
    awkward_text,
    form,
    huge_ids,
    limits_off,
    probed,
    values,
)


class ResultsWorld:
    """What the fuzz tests need of the finished edition; a short repr for failing examples' reports."""

    contest_ids: list[int]
    receipts: list[str]
    year: int
    slides: int
    csrf: str
    cookies: dict[str, str]
    connection = None

    def __repr__(self) -> str:
        return "world"

    def client(self, app, _caller: str):
        """A fresh test client holding the world's visitor session (there is no one else here)."""
        client = app.test_client()
        for name, value in self.cookies.items():
            client.set_cookie(name, value)
        return client


@pytest.fixture(scope="module")
def world(app):
    """The demo edition after its ceremony, with its lists of votes published."""
    with world_transaction(app) as connection, limits_off(app):
        sign_ins = build_demo("results")
        organiser = find_user_by_email(next(email for role, email, _password in sign_ins if role == "organiser"))
        edition = db.session.scalars(select(Edition).order_by(Edition.id.desc())).first()
        contests = list(db.session.scalars(
            select(Contest).join(Category).where(Category.edition_id == edition.id).order_by(Contest.id)
        ))
        for contest in contests:
            publish_tally(organiser, contest)
        db.session.commit()
        built = ResultsWorld()
        built.contest_ids = [contest.id for contest in contests]
        built.receipts = list(db.session.scalars(select(Vote.receipt_code).limit(5)))
        built.year, built.slides = edition.year, len(edition.categories)
        client = app.test_client()
        built.csrf = csrf_token_of(client)
        built.cookies = {cookie.key: cookie.value for cookie in client._cookies.values()}
        built.connection = connection
        assert built.contest_ids and built.receipts
        yield built


@pytest.fixture(autouse=True)
def db_session(app, world):
    """Each test runs in a savepoint of the module's world (this replaces the conftest's per-test database)."""
    with savepoint(app, world.connection) as session, limits_off(app):
        yield session


def ask(app, world, method: str, path: str, fields=None, headers=None):
    """One request from a fresh visitor's client, in a savepoint of its own; the answer is checked."""
    return fuzz_kit.ask(app, world, "visitor", method, path, fields, headers)


def receipt_like(world):
    """A real receipt code as typed by someone (any case, spaces, hyphens gone or doubled), or anything at all."""
    real = st.sampled_from(world.receipts)
    typed = st.one_of(real, real.map(str.lower), real.map(lambda code: code.replace("-", " ")),
                      real.map(lambda code: code.replace("-", "")), real.map(lambda code: f"  {code}--"))
    return st.one_of(typed, typed, values)


# Query strings: a parameter missing, given once, repeated, or with an odd name; values of every kind.
@st.composite
def query(draw, name: str, good: st.SearchStrategy):
    """A query string for one parameter, as a browser (or a script) might send it."""
    pairs = [(name, draw(st.one_of(good, values))) for _ in range(draw(st.sampled_from([0, 1, 1, 1, 2])))]
    pairs += [(draw(any_text), draw(values)) for _ in range(draw(st.integers(0, 1)))]
    encoded = urlencode([(key, value.encode("utf-8", "surrogatepass")) for key, value in pairs])
    return f"?{encoded}" if encoded else ""


poll_headers = st.fixed_dictionaries({}, optional={
    "HX-Request": st.sampled_from(["true", "false", ""]),
    "HX-Boosted": st.just("true"),
    # Header values are Latin-1 on the wire: anything else cannot be sent at all.
    "If-None-Match": st.one_of(st.sampled_from(['"results-1-1-1-page"', "*", 'W/"x"', '"', ",,,"]),
                               st.text(st.characters(min_codepoint=32, max_codepoint=255), max_size=80)),
})


@FUZZ
@given(data=st.data(), headers=st.sampled_from([{}, {"HX-Request": "true"}]))
def test_the_receipt_checker(app, world, data, headers):
    contest_id = data.draw(st.sampled_from(world.contest_ids))
    pairs = data.draw(form({"receipt": receipt_like(world)}, world.csrf))
    page = data.draw(query("page", st.sampled_from(["1", "2", "0", "-1", "9" * 50, "²", "1e3"])))
    ask(app, world, "POST", f"/tally/{contest_id}{page}", pairs, headers)


@FUZZ
@given(data=st.data())
def test_the_published_list_pages_and_csv(app, world, data):
    contest_id = data.draw(st.sampled_from(world.contest_ids))
    page = data.draw(query("page", st.sampled_from(["1", "2", "0", "-1", "9" * 5000, "٣", "1.5"])))
    ask(app, world, "GET", f"/tally/{contest_id}{page}")
    ask(app, world, "GET", f"/tally/{contest_id}.csv{page}")


@FUZZ
@given(data=st.data(), headers=poll_headers)
def test_the_results_page_and_its_polls(app, world, data, headers):
    shown = data.draw(query("shown", st.sampled_from(["", "1-1700000000", "999-0", "-"]) | probed(awkward_text)))
    ask(app, world, "GET", f"/results{shown}", headers=headers)


@FUZZ
@given(data=st.data(), headers=poll_headers,
       position=st.one_of(st.none(), st.integers(0, 12), st.sampled_from([2**31 - 1, 2**31, 10**20])))
def test_the_presenter_view_and_its_polls(app, world, data, headers, position):
    seen = data.draw(query("seen", st.integers(-5, 2**40).map(str) | st.sampled_from(["²", "١", "0" * 11, "1 "])))
    path = "/results/present" if position is None else f"/results/present/{position}"
    ask(app, world, "GET", f"{path}{seen}", headers=headers)


@FUZZ
@given(year=st.one_of(st.integers(-1, 3000).map(str), huge_ids), suffix=st.sampled_from(["", "/results.csv"]),
       extra=st.sampled_from(["", "?x=%00", "?year=2026&year=<b>"]))
def test_the_archive(app, world, year, suffix, extra):
    ask(app, world, "GET", "/editions")
    _body, status = ask(app, world, "GET", f"/editions/{year}{suffix}{extra}")
    if year == str(world.year):
        assert status == 200
