"""After an organiser or a judge signs out on a shared computer, the next person must not get their pages back from the
browser's cache (Back, or the history): every answer to a signed-in browser carries Cache-Control: no-store.

The route walk (tests/web/route_walk.py) asks every route with every method it accepts as each signed-in caller; the
pages the issue names are checked by name as well, and so is the answer that signs a person in and the one that
signs them out.
"""
from __future__ import annotations

import pytest

from tests.fixtures.database import savepoint
from tests.web.access_world import db_session, world  # noqa: F401  (fixtures of this module)
from tests.web.route_walk import SIGNED_IN, ask, cache_problem, routes

# The pages the issue found without no-store: the ceremony control page, the winners pages, the nominations list, a
# nomination, and the person's own account.
NAMED_PAGES = (
    "admin.ceremony_control", "admin.winners_list", "admin.nominations_list",
    "admin.nomination_detail", "auth.account",
)


@pytest.mark.parametrize("caller", sorted(SIGNED_IN))
def test_every_route_answers_a_signed_in_browser_with_no_store(app, world, caller):  # noqa: F811  (the world fixture)
    problems = []
    for endpoint, method in routes(app):
        with savepoint(app, world.connection):
            response = ask(app, world, caller, endpoint, method)
        problem = cache_problem(response, endpoint, caller)
        if problem:
            problems.append(f"{method} {endpoint} ({response.status_code}): {problem}")
    assert not problems, f"{len(problems)} answers a browser may keep:\n" + "\n".join(problems[:40])


def test_the_pages_named_in_the_issue_are_not_kept(app, world):  # noqa: F811  (the world fixture)
    names = {endpoint for endpoint, _ in routes(app)}
    assert set(NAMED_PAGES) <= names, set(NAMED_PAGES) - names
    for endpoint in NAMED_PAGES:
        with savepoint(app, world.connection):
            response = ask(app, world, "organiser", endpoint, "GET")
        assert response.status_code == 200, endpoint
        assert "no-store" in response.headers.get("Cache-Control", ""), (endpoint, response.headers.get("Cache-Control"))


def test_signing_in_and_out_are_not_kept_either(app, world):  # noqa: F811  (the world fixture)
    from tests.web.access_world import csrf_token_of

    with savepoint(app, world.connection):
        client = world.client(app, "organiser")
        signed_out = client.post("/sign-out", data={"csrf_token": world.csrf["organiser"]})
        assert signed_out.status_code == 303 and "no-store" in signed_out.headers["Cache-Control"]
        # A visitor's own public page is not touched: the micro-cache and browsers may keep it as before.
        visitor = app.test_client()
        csrf_token_of(visitor)
        assert "no-store" not in visitor.get("/").headers.get("Cache-Control", "")
