"""Walking the URL map: every route and method, filled with real ids, asked by one kind of caller."""
from __future__ import annotations

from flask import Flask

from tests.web.access_world import CALLERS, World

# Methods Flask answers by itself for every route; the walks ask them separately where it matters.
AUTOMATIC_METHODS = {"HEAD", "OPTIONS"}
STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}


def routes(app: Flask) -> list[tuple[str, str]]:
    """Every (endpoint, method) the app serves, sorted; HEAD and OPTIONS are left out (Flask answers them)."""
    found = set()
    for rule in app.url_map.iter_rules():
        for method in rule.methods - AUTOMATIC_METHODS:
            found.add((rule.endpoint, method))
    return sorted(found)


def url_for_route(app: Flask, world: World, endpoint: str) -> str:
    """The route's path with real ids from the world (and the right kind of token for link routes)."""
    rule = next(rule for rule in app.url_map.iter_rules() if rule.endpoint == endpoint)
    values = world.url_values(endpoint, set(rule.arguments))
    with app.test_request_context():
        return app.url_for(endpoint, **values)


def ask(app: Flask, world: World, caller: str, endpoint: str, method: str, *, csrf: bool = True, headers=None):
    """One request from the caller; POSTs carry the caller's own valid CSRF token (unless csrf=False) and nothing else."""
    client = world.client(app, caller)
    path = url_for_route(app, world, endpoint)
    data = {"csrf_token": world.csrf[caller]} if csrf and method in STATE_CHANGING else {}
    # Each caller comes from its own address, so that per-client rate limits count each of them separately.
    address = f"192.0.2.{CALLERS.index(caller) + 1}"
    response = client.open(path, method=method, data=data, headers=headers or {}, environ_base={"REMOTE_ADDR": address})
    response.get_data()  # read file downloads too, then let go of the file
    response.close()
    return response


def answer(response) -> str | int:
    """How the matrix writes an answer: the status, or 'signin' for a redirect to the sign-in page."""
    location = response.headers.get("Location", "")
    if response.status_code in (301, 302, 303, 307, 308) and location.split("?")[0].endswith("/sign-in"):
        return "signin"
    return response.status_code
