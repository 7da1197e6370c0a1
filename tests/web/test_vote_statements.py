"""The two busiest writes of the public vote, held to their SQL: asking to vote (the email step) and pressing "Confirm
my vote". Each runs a fixed, short list of statements, and every one of them comes from SQLAlchemy's cache of compiled
statements once the first request has been served: compiling a statement afresh on every vote (as the mail budget's
ON CONFLICT once did) cost more than any one of the statements themselves. bench/run.py measures the speed; this file
keeps what made it."""
from __future__ import annotations

from contextlib import contextmanager

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.engine.interfaces import CacheStats

from awards_app.site_settings.current import forget as forget_site_settings
from tests.factories.voting import voting_site
from tests.web.forms import csrf_token_from
from tests.web.test_vote import Voter, link_path

# What each request may run, in order (the test's own savepoints aside).
VOTE_REQUEST_STATEMENTS = [
    "SELECT",  # the contest, with its category and edition
    "SELECT",  # the finalist, whether the address has voted, and its waiting requests
    "INSERT INTO vote_request",
    "INSERT INTO mail_budget",  # the inbox's budget, counted with the email
    "INSERT INTO outbox_email",
    "INSERT INTO audit_event",
]
CONFIRMATION_STATEMENTS = [
    "SELECT",  # the request behind the link, with its contest, category and edition
    "UPDATE vote_request",  # the link used up, atomically
    "UPDATE vote_request",  # the voter's other waiting requests closed
    "INSERT INTO vote (",
    # The vote's figures, in the same transaction (voting/counters.py), always in this order so that two votes at
    # once never wait for each other's rows the other way round.
    "INSERT INTO vote_count_by_finalist",
    "INSERT INTO vote_count_by_hour",
    "INSERT INTO vote_count_by_domain",
    "INSERT INTO vote_count_by_network",
    "INSERT INTO audit_event",
    "INSERT INTO mail_budget",
    "INSERT INTO outbox_email",  # the receipt
]


@contextmanager
def statements_run():
    """The SQL statements run inside the block, each with whether its compiled form came from SQLAlchemy's cache."""
    seen: list[tuple[str, bool]] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK")):
            seen.append((" ".join(statement.split()), context.cache_hit is CacheStats.CACHE_HIT))

    event.listen(Engine, "after_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(Engine, "after_cursor_execute", record)


def starts(seen: list[tuple[str, bool]]) -> list[str]:
    """Each statement shortened to how its expected kind begins."""
    return [
        next((kind for kind in dict.fromkeys(VOTE_REQUEST_STATEMENTS + CONFIRMATION_STATEMENTS)
              if statement.startswith(kind)), statement[:40])
        for statement, _cached in seen
    ]


@pytest.fixture
def site(app, db_session, clock, monkeypatch):
    """An edition whose shortlist is public, with one contest open now; the site's settings (which every email's
    layout shows) kept by the process for a while, as in production, rather than read afresh for each request."""
    monkeypatch.setitem(app.config, "SITE_SETTINGS_SECONDS", 60)
    site = voting_site()
    db_session.commit()
    yield site
    forget_site_settings()


def asking(client, site) -> Voter:
    """A voter who has chosen a finalist and opened the email step (so its form token is in hand)."""
    voter = Voter(client, site)
    assert voter.choose().status_code == 303
    voter.token = csrf_token_from(client, voter.email_url)
    return voter


def send_address(voter: Voter, address: str):
    """Post the email step with the form token already taken."""
    return voter.client.post(voter.email_url, data={"csrf_token": voter.token, "email": address},
                             environ_base=voter.environ)


def test_a_vote_request_runs_six_statements_all_compiled_once(app, site):
    first = asking(app.test_client(), site)
    assert send_address(first, "first@example.org").status_code == 303  # the statements are compiled here
    voter = asking(app.test_client(), site)

    with statements_run() as seen:
        response = send_address(voter, "second@example.org")

    assert response.status_code == 303 and response.location == "/vote/check-email"
    assert starts(seen) == VOTE_REQUEST_STATEMENTS
    assert [statement for statement, cached in seen if not cached] == [], "compiled again for this request"


def test_a_confirmation_runs_eleven_statements_all_compiled_once(app, site, outbox):
    for address in ("first@example.org", "second@example.org"):
        voter = Voter(app.test_client(), site)
        assert voter.ask(address).status_code == 303
        path = link_path(outbox)
        if address == "first@example.org":
            assert voter.confirm(path).status_code == 303  # the statements are compiled here
    token = csrf_token_from(voter.client, path)

    with statements_run() as seen:
        response = voter.client.post(path, data={"csrf_token": token}, environ_base=voter.environ)

    assert response.status_code == 303 and response.location == "/vote/counted"
    assert starts(seen) == CONFIRMATION_STATEMENTS
    assert [statement for statement, cached in seen if not cached] == [], "compiled again for this request"
