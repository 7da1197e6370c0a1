"""Shared fixtures: the app, a database that rolls back after every test, clients, an organiser, the outbox, a clock."""
from __future__ import annotations

import os
from datetime import datetime, timedelta, timezone

import pytest
from flask import g, request_started
from flask_migrate import upgrade
from sqlalchemy import create_engine, select, text

from awards_app import create_app
from awards_app.accounts.models import User
from awards_app.core import clock as app_clock
from awards_app.core.models import OutboxEmail
from awards_app.extensions import db, limiter
from tests.factories.accounts import ORGANISER_EMAIL, ORGANISER_PASSWORD
from tests.fixtures.apps import CHEAP_PASSWORD_HASH, rate_limit_storage
from tests.fixtures.browser import *  # noqa: F401,F403  (fixtures)
from tests.fixtures.database import rolled_back
from tests.fixtures.mail import *  # noqa: F401,F403  (fixtures)
from tests.web.forms import sign_in

STRICT = os.environ.get("AWARDS_STRICT_TESTS") == "1"
# What a test marked `postgres` or `redis` needs in the environment; without it the test shows as skipped.
SERVICES = {"postgres": "TEST_DATABASE_URL", "redis": "TEST_REDIS_URL"}


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    """Skip a test marked with a service (pyproject.toml's markers) when that service is not given, before its
    fixtures start: the one place that says so, instead of a check in each test."""
    for marker, setting in SERVICES.items():
        if item.get_closest_marker(marker) and not os.environ.get(setting):
            pytest.skip(f"needs {marker} (set {setting})")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """In strict mode (CI) a skipped test is a failure: every service and browser test must really run."""
    outcome = yield
    report = outcome.get_result()
    if STRICT and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = f"strict mode: skipped tests are failures here ({report.longrepr})"


def _postgres_engine(url: str):
    """An engine for a PostgreSQL URL through psycopg 3."""
    return create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    """PostgreSQL when TEST_DATABASE_URL is set, else a fresh SQLite file.

    On PostgreSQL each test run gets its own empty schema (first on the search path), so that migrations build
    everything from nothing and two runs at once never meet; the schema is dropped afterwards.
    """
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
        return
    schema = f"test_run_{os.getpid()}"
    engine = _postgres_engine(url)
    with engine.begin() as connection:
        connection.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    separator = "&" if "?" in url else "?"
    yield f"{url}{separator}options=-csearch_path%3D{schema}"
    with engine.begin() as connection:
        connection.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
    engine.dispose()


def _fresh_g_per_request(sender, **extra):
    """Empty `g` at the start of each request."""
    g.__dict__.clear()


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory):
    """The app under test, its schema built by the migrations."""
    os.environ.setdefault("AWARDS_INSTANCE_PATH", str(tmp_path_factory.mktemp("instance")))
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": database_url.replace("postgresql://", "postgresql+psycopg://", 1),
            "SECRET_KEY": "test-secret-key",
            "PASSWORD_HASH_METHOD": CHEAP_PASSWORD_HASH,
            "PUBLIC_BASE_URL": "http://awards.test",
            "RATELIMIT_STORAGE_URI": rate_limit_storage(),
            "MAIL_BACKEND": "smtp",
            # Tests change data and look again at once; the micro-cache has tests of its own.
            "PAGE_CACHE_SECONDS": 0,
            "RESULTS_STAMP_SECONDS": 0,
            "SITE_SETTINGS_SECONDS": 0,  # read once per request: a rolled-back test's settings must not linger
        }
    )
    with app.app_context():
        upgrade()
    # Tests hold an app context open (for the rolled-back session), and Flask then reuses it for requests, `g`
    # included. Production gives every request a fresh `g`; so must the tests (Flask-WTF caches its token there).
    request_started.connect(_fresh_g_per_request, app)
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(autouse=True)
def db_session(app):
    """Run each test inside one transaction that is rolled back afterwards; commits become savepoints."""
    with rolled_back(app):
        yield db.session


@pytest.fixture(autouse=True)
def fresh_limits(app):
    """Rate-limit counters start at zero for every test."""
    limiter.reset()
    yield


@pytest.fixture
def clock():
    """A clock that tests can set: clock.set(moment), clock.advance(delta); it runs again afterwards."""

    class Clock:
        def set(self, moment: datetime) -> datetime:
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=timezone.utc)
            app_clock.freeze(moment)
            return moment

        def advance(self, **kwargs) -> datetime:
            return self.set(app_clock.now() + timedelta(**kwargs))

        def now(self) -> datetime:
            return app_clock.now()

    controller = Clock()
    controller.set(datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc))
    yield controller
    app_clock.freeze(None)


@pytest.fixture
def client(app):
    """A browser-like test client."""
    return app.test_client()


@pytest.fixture
def runner(app):
    """Runs flask commands."""
    return app.test_cli_runner()


@pytest.fixture
def organiser(app, db_session) -> User:
    """An organiser account."""
    from awards_app.accounts.users import create_organiser

    user = create_organiser(ORGANISER_EMAIL, ORGANISER_PASSWORD, name="Olivia Organiser")
    db_session.commit()
    return user


@pytest.fixture
def organiser_client(client, organiser):
    """A test client signed in as the organiser."""
    return sign_in(client, ORGANISER_EMAIL, ORGANISER_PASSWORD)


@pytest.fixture
def outbox(db_session):
    """The emails written to the outbox so far: outbox() returns them oldest first."""

    def emails() -> list[OutboxEmail]:
        return list(db_session.scalars(select(OutboxEmail).order_by(OutboxEmail.id)))

    return emails
