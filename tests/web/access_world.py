"""One world for the tests that walk every route: a demo edition in its public vote, plus the callers around it.

The world is built once per test module inside a transaction that is rolled back at the end; every test runs in a
savepoint of it (the module's db_session fixture), so a request that changes something changes it for that test
only. Each caller is a cookie jar captured once (signed in, or having opened its emailed link) and a CSRF token
that goes with it.
"""
from __future__ import annotations

import re
import secrets
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

import pytest
from flask import Flask
from sqlalchemy import select

from awards_app.accounts import team
from awards_app.accounts.invitations import SIGN_IN_PURPOSE as JUDGE_SIGN_IN_PURPOSE
from awards_app.accounts.models import User
from awards_app.accounts.password_reset import request_password_reset
from awards_app.accounts.users import find_user_by_email
from awards_app.core import clock as app_clock
from awards_app.core.links import issue_link
from awards_app.core.models import OutboxEmail
from awards_app.demo.builder import build_demo
from awards_app.extensions import db, limiter
from awards_app.judging import judge_access
from awards_app.judging.models import Conflict, Finalist
from awards_app.judging.panels import INVITATION_PURPOSE
from awards_app.messaging.models import Message
from awards_app.nominations.consent import request_consent
from awards_app.nominations.drafts import RESUME_PURPOSE
from awards_app.nominations.models import Nomination, NominationDraft
from awards_app.programme.models import Category, Edition
from awards_app.voting.models import Contest
from awards_app.voting.votes import request_vote
from tests.factories.accounts import JUDGE_PASSWORD, make_judge
from tests.factories.judging import seat
from tests.fixtures.database import rolled_back, savepoint

# Mid-afternoon on a weekday, so that the demo's "voting" phase has its vote open and nothing falls on a boundary.
MOMENT = datetime(2026, 5, 13, 14, 0, tzinfo=timezone.utc)

# Every kind of caller, in the order of the matrix's columns.
CALLERS = ("anon", "draft", "consent", "vote", "panel", "other", "conflicted", "organiser")
LINK_HOLDERS = ("draft", "consent", "vote")
TOKEN_PATTERN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|"X-CSRFToken": "([^"]+)"')


@dataclass
class World:
    """Ids to fill URLs with, the links issued, and each caller's cookies and CSRF token."""

    edition_id: int
    year: int
    category_id: int
    other_category_id: int
    nomination_id: int
    criterion_id: int
    question_id: int
    contest_id: int
    finalist_id: int
    judge_id: int
    place_id: int
    email_id: int
    tokens: dict[str, str]
    conflict_id: int = 0
    message_id: int = 0
    organiser_id: int = 0  # a colleague invited to the organisers' team
    cookies: dict[str, dict[str, str]] = field(default_factory=dict)
    csrf: dict[str, str] = field(default_factory=dict)

    def url_values(self, endpoint: str, arguments: set[str]) -> dict:
        """Values for a rule's arguments: real ids from this world, and the token a link route expects."""
        values = {
            "edition_id": self.edition_id, "year": self.year, "category_id": self.category_id,
            "nomination_id": self.nomination_id, "criterion_id": self.criterion_id, "question_id": self.question_id,
            "contest_id": self.contest_id, "finalist_id": self.finalist_id, "judge_id": self.judge_id,
            "user_id": self.judge_id, "place_id": self.place_id, "email_id": self.email_id, "position": 1,
            "number": 1, "name": "no-such-image.jpg", "filename": "css/app.css", "conflict_id": self.conflict_id,
            "message_id": self.message_id, "organiser_id": self.organiser_id,
        }
        token_for = {
            "nominate.resume": "draft", "consent.respond": "consent", "vote.confirm": "vote",
            "auth.sign_in_with_link": "judge_link", "auth.accept_invitation": "invitation",
            "auth.reset_password": "password_reset",
        }
        if "token" in arguments:
            values["token"] = self.tokens.get(token_for.get(endpoint, ""), "not-a-token")
        return {name: values[name] for name in arguments}

    def client(self, app: Flask, caller: str):
        """A fresh test client holding this caller's cookies."""
        client = app.test_client()
        for name, value in self.cookies.get(caller, {}).items():
            client.set_cookie(name, value)
        return client


def _token_in_latest_email(pattern: str) -> str:
    """The token of the newest email whose text holds a link like `pattern`."""
    for email in db.session.scalars(select(OutboxEmail).order_by(OutboxEmail.id.desc())):
        match = re.search(pattern + r"([A-Za-z0-9_.\-]+)", email.text_body)
        if match:
            return match.group(1)
    raise AssertionError(f"no email holds a link like {pattern}")


def build_world(app: Flask) -> tuple[World, dict[str, str]]:
    """Build the demo's public vote and the extra rows; return the world and the callers' passwords."""
    sign_ins = build_demo("voting")
    now = app_clock.now()
    edition = db.session.scalars(select(Edition).order_by(Edition.id.desc())).first()
    contest = db.session.scalars(select(Contest).join(Category).where(Category.edition_id == edition.id)).first()
    category = contest.category
    other = db.session.scalars(
        select(Category).where(Category.edition_id == edition.id, Category.id != category.id)
    ).first()
    finalist = db.session.scalars(select(Finalist).where(Finalist.category_id == category.id)).first()

    panel, stranger, conflicted = (
        make_judge("panel.judge@example.org", "Pat Panel", password=JUDGE_PASSWORD),
        make_judge("other.judge@example.org", "Olly Other", password=JUDGE_PASSWORD),
        make_judge("conflicted.judge@example.org", "Connie Conflicted", password=JUDGE_PASSWORD),
    )
    place = seat(panel, category)
    seat(stranger, other)
    seat(conflicted, category)
    # The entry every object-level check is made on: one the panel judge may score.
    nomination = next(
        entry for entry in db.session.scalars(
            select(Nomination).where(Nomination.category_id == category.id).order_by(Nomination.id)
        )
        if _may_see(panel, entry)
    )
    conflict = Conflict(judge_id=conflicted.id, nomination_id=nomination.id, reason="My neighbour", recorded_at=now)
    db.session.add(conflict)
    db.session.flush()

    draft = NominationDraft(edition=edition, public_id=secrets.token_urlsafe(32), data={}, started_at=now)
    db.session.add(draft)
    db.session.flush()
    tokens = {"draft": issue_link(RESUME_PURPOSE, draft, now + timedelta(days=30))}
    consenting = next(entry for entry in edition_nominations(edition) if entry.nominee_email)
    organiser_email = next(email for role, email, _password in sign_ins if role == "organiser")
    request_consent(find_user_by_email(organiser_email), consenting)
    tokens["consent"] = _token_in_latest_email("/consent/")
    tokens["judge_link"] = issue_link(JUDGE_SIGN_IN_PURPOSE, panel, now + timedelta(hours=1))
    tokens["invitation"] = issue_link(INVITATION_PURPOSE, stranger, now + timedelta(days=7))
    colleague, _ = team.invite_organiser(find_user_by_email(organiser_email), "colleague.matrix@example.org", "Colin")
    request_password_reset(stranger.email)
    tokens["password_reset"] = _token_in_latest_email("/sign-in/reset-password/")
    request_vote(contest, finalist.id, "voter.matrix@example.org", "192.0.2.10")
    tokens["vote"] = _token_in_latest_email("/vote/confirm/")
    db.session.flush()

    world = World(
        edition_id=edition.id, year=edition.year, category_id=category.id, other_category_id=other.id,
        nomination_id=nomination.id, criterion_id=edition.criteria[0].id, question_id=category.questions[0].id,
        contest_id=contest.id, finalist_id=finalist.id, judge_id=panel.id, place_id=place.id,
        email_id=db.session.scalars(select(OutboxEmail.id)).first(), tokens=tokens, conflict_id=conflict.id,
        message_id=_draft_message(edition, category), organiser_id=colleague.id,
    )
    organiser = next(email_password for role, *email_password in sign_ins if role == "organiser")
    passwords = {
        "organiser": tuple(organiser),
        "panel": (panel.email, JUDGE_PASSWORD),
        "other": (stranger.email, JUDGE_PASSWORD),
        "conflicted": (conflicted.email, JUDGE_PASSWORD),
    }
    return world, passwords


def _draft_message(edition: Edition, category: Category) -> int:
    """A draft message to the category's shortlisted nominators, for the messages' routes."""
    message = Message(edition=edition, segment="shortlisted.nominators", category=category, subject="Hello",
                      body="Dear {name}")
    db.session.add(message)
    db.session.flush()
    return message.id


def edition_nominations(edition: Edition) -> list[Nomination]:
    """The edition's nominations, oldest first."""
    return list(db.session.scalars(
        select(Nomination).join(Category).where(Category.edition_id == edition.id).order_by(Nomination.id)
    ))


def _may_see(judge: User, nomination: Nomination) -> bool:
    """Whether the judge may open the entry (the services' own object-level check)."""
    try:
        judge_access.entry_for_judge(judge, nomination.id)
    except Exception:
        return False
    return True


def csrf_token_of(client) -> str:
    """The CSRF token a page gives this client (the one htmx sends in its header, and forms in a hidden field)."""
    # The sign-in page has a form for anyone signed out, and sends anyone signed in to a page of theirs, which has one.
    page = client.get("/sign-in", follow_redirects=True).get_data(as_text=True)
    match = TOKEN_PATTERN.search(page)
    assert match, "no CSRF token on /sign-in or the page it sent the client to"
    return match.group(1) or match.group(2)


def _cookies(client) -> dict[str, str]:
    """The client's cookies by name."""
    return {cookie.key: cookie.value for cookie in client._cookies.values()}


def open_callers(app: Flask, world: World, passwords: dict[str, tuple[str, str]]) -> None:
    """Sign each account in and let each link holder open its link, keeping their cookies and CSRF tokens."""
    for caller in CALLERS:
        client = app.test_client()
        if caller in passwords:
            email, password = passwords[caller]
            token = csrf_token_of(client)
            response = client.post("/sign-in", data={"email": email, "password": password, "csrf_token": token})
            assert response.status_code == 303, (caller, response.status_code)
        elif caller == "draft":
            client.get(f"/nominate/resume/{world.tokens['draft']}")
        elif caller == "consent":
            client.get(f"/consent/{world.tokens['consent']}")
        elif caller == "vote":
            client.get(f"/vote/confirm/{world.tokens['vote']}")
        world.csrf[caller] = csrf_token_of(client)
        world.cookies[caller] = _cookies(client)


@contextmanager
def world_transaction(app: Flask):
    """Hold one connection and transaction for a module, with the clock frozen; roll everything back at the end."""
    with rolled_back(app) as connection:
        app_clock.freeze(MOMENT)
        try:
            yield connection
        finally:
            app_clock.freeze(None)


# --- Fixtures for the modules that walk every route: `from tests.web.access_world import db_session, world` ---------


@pytest.fixture(scope="module")
def world(app):
    """The demo's public vote with its callers, built once for the module and rolled back afterwards."""
    with world_transaction(app) as connection:
        built, passwords = build_world(app)
        db.session.commit()
        # A module fixture runs before each test's fresh_limits: the previous module's sign-ins must not count here.
        limiter.reset()
        open_callers(app, built, passwords)
        built.connection = connection
        yield built


@pytest.fixture(autouse=True)
def db_session(app, world):
    """Each test runs in a savepoint of the module's world (this replaces the conftest's per-test database)."""
    with savepoint(app, world.connection) as session:
        yield session
