"""Walking the URL map: every route and method, filled with real ids, asked by one kind of caller."""
from __future__ import annotations

from flask import Flask

from tests.web.access_world import CALLERS, World

# Methods Flask answers by itself for every route; the walks ask them separately where it matters.
AUTOMATIC_METHODS = {"HEAD", "OPTIONS"}
STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}
# Callers who have signed in (a judge or an organiser): whatever they are answered, no browser may keep a copy.
SIGNED_IN = {"panel", "other", "conflicted", "organiser"}
# The site's own stylesheet and scripts are the same for everyone, and are kept by browsers whoever asks.
SHARED_ENDPOINTS = {"static"}


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


def cache_problem(response, endpoint: str, caller: str) -> str | None:
    """Why a browser could keep this answer after its signed-in person signs out (None when it cannot).

    A shared computer's next user would otherwise get the organiser's pages back from the browser's cache.
    """
    if caller not in SIGNED_IN or endpoint in SHARED_ENDPOINTS:
        return None
    cache_control = response.headers.get("Cache-Control", "")
    if "no-store" not in cache_control:
        return f"Cache-Control {cache_control!r} (no no-store) for a signed-in {caller}"
    return None
