"""The embedded SQLite database holds concurrent writers: twelve organisers signing in at the same moment all get in.

A transaction that reads first and writes later cannot take SQLite's write lock once another connection has written
(SQLITE_BUSY at once, whatever busy_timeout says), so each sign-in (read the account, then write its session row)
must take the lock when it begins. The test's own database and app, served for real by threads, since the shared
test database runs every test inside one rolled-back transaction on one connection.
"""
from __future__ import annotations

import http.client
import threading
from collections import Counter
from http.cookies import SimpleCookie
from urllib.parse import urlencode

import pytest
from flask import url_for
from flask_migrate import upgrade
from werkzeug.serving import make_server

from awards_app.accounts.users import create_organiser
from awards_app.extensions import db
from tests.fixtures.apps import side_app
from tests.web.forms import CSRF_PATTERN

SIGN_INS = 12
PASSWORD = "correct horse battery staple"


def organiser_email(number: int) -> str:
    """The address of the test's organiser number `number`."""
    return f"organiser{number}@example.org"


@pytest.fixture
def served_app(tmp_path):
    """An app on a SQLite file of its own, with twelve organisers, served by werkzeug with a thread per request."""
    app = side_app({
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'writers.db'}",
        # Cheap hashing, as in every test: the sign-ins still meet in the database. (With scrypt's 0.17 s inside each
        # transaction they meet even more: 11 of 12 failed before the fix, against 4 to 10 with this.)
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1",
        # Each sign-in comes from an address of its own (X-Forwarded-For through one trusted proxy), as twelve
        # organisers would; the rate limits stay as they are.
        "TRUSTED_PROXIES": 1,
    })
    with app.app_context():
        upgrade()
        for number in range(SIGN_INS):
            create_organiser(organiser_email(number), PASSWORD, name=f"Organiser {number}")
        db.session.commit()
    with app.test_request_context():
        dashboard = url_for("admin.dashboard")
    server = make_server("127.0.0.1", 0, app, threaded=True)
    serving = threading.Thread(target=server.serve_forever, daemon=True)
    serving.start()
    try:
        yield server.server_port, dashboard
    finally:
        server.shutdown()
        serving.join(timeout=10)
        with app.app_context():
            db.engine.dispose()


def sign_in(port: int, number: int, start_together: threading.Barrier) -> tuple[int, str]:
    """Fetch the sign-in form, wait for the others, then post it; return the status and where it redirects."""
    headers = {"X-Forwarded-For": f"198.51.100.{number + 1}"}
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", "/sign-in", headers=headers)
        form_page = connection.getresponse()
        cookie = SimpleCookie(form_page.getheader("Set-Cookie"))
        token = CSRF_PATTERN.search(form_page.read().decode()).group(1)
        session_cookie = "; ".join(f"{name}={morsel.value}" for name, morsel in cookie.items())
        body = urlencode({"csrf_token": token, "email": organiser_email(number), "password": PASSWORD})
        start_together.wait(timeout=30)
        connection.request("POST", "/sign-in", body=body, headers={
            **headers, "Cookie": session_cookie, "Content-Type": "application/x-www-form-urlencoded",
        })
        answer = connection.getresponse()
        answer.read()
        return answer.status, answer.getheader("Location") or ""
    finally:
        connection.close()


def test_twelve_organisers_signing_in_at_once_all_get_in(served_app):
    port, dashboard = served_app
    start_together = threading.Barrier(SIGN_INS)
    results: list = [None] * SIGN_INS  # each thread's (status, location), or the exception it met

    def run(number: int) -> None:
        """One organiser's sign-in, in a thread of its own."""
        try:
            results[number] = sign_in(port, number, start_together)
        except BaseException as error:  # noqa: BLE001  (reported below, with the others' results)
            results[number] = error

    threads = [threading.Thread(target=run, args=(number,)) for number in range(SIGN_INS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    statuses = Counter(result[0] if isinstance(result, tuple) else repr(result) for result in results)
    assert statuses == {303: SIGN_INS}, f"answers to {SIGN_INS} simultaneous sign-ins: {dict(statuses)}"
    assert {location for _, location in results} == {dashboard}
