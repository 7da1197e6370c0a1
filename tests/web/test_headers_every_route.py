"""Security headers on every response of every route, every method, in development and in production settings.

The walk takes the URL map with real ids (the demo's public vote), asks each route with each method it accepts and
one it does not (405), plus a missing page (404), a conditional static file (304) and the downloads, as a visitor,
a judge and an organiser; production settings add HSTS and the __Host- cookie with its flags. Every answer to the
judge and the organiser also carries Cache-Control: no-store (static files aside).
"""
from __future__ import annotations

import pytest

from awards_app import create_app
from awards_app.config import load_config
from awards_app.extensions import db
from tests.fixtures.database import savepoint, sessions_on
from tests.web.access_world import db_session, world  # noqa: F401  (fixtures of this module)
from tests.web.route_walk import STATE_CHANGING, cache_problem, url_for_route

PRODUCTION_ENV = {
    "AWARDS_ENV": "production",
    "SECRET_KEY": "production-secret-for-the-header-walk",
    "DATABASE_URL": "postgresql://awards@db.invalid/awards",
    "REDIS_URL": "redis://cache.invalid:6379/0",
    "MAIL_SERVER": "smtp.example.org",
    "MAIL_PORT": "587",
    "MAIL_DEFAULT_SENDER": "awards@example.org",
    "PUBLIC_BASE_URL": "https://awards.example.org",
}
ONE_YEAR = 31536000
# The development mailbox shows an email's own HTML (inline styles) in a frame of its page, under a sandboxing CSP of
# its own; it exists only in development.
WEAKER_CSP = {"devmail.html_part"}


def check_headers(response, where: str, *, production: bool) -> list[str]:
    """What is wrong with one response's headers (an empty list when nothing is)."""
    headers = response.headers
    problems = []
    csp = headers.get("Content-Security-Policy", "")
    directives = {part.split()[0]: part.split()[1:] for part in csp.split(";") if part.strip()}
    if directives.get("default-src") != ["'none'"]:
        problems.append("default-src is not 'none'")
    if "unsafe-inline" in csp or "unsafe-eval" in csp or "*" in csp:
        problems.append("the CSP allows inline code, eval or any origin")
    if directives.get("frame-ancestors") != ["'none'"]:
        problems.append("frame-ancestors is not 'none'")
    for directive, sources in directives.items():
        if not set(sources) <= {"'self'", "'none'", "data:"}:
            problems.append(f"{directive} allows {sources}")
    if headers.get("X-Content-Type-Options") != "nosniff":
        problems.append("no nosniff")
    if headers.get("Referrer-Policy") not in {"strict-origin-when-cross-origin", "strict-origin", "same-origin", "no-referrer"}:
        problems.append(f"Referrer-Policy {headers.get('Referrer-Policy')}")
    if "camera=()" not in headers.get("Permissions-Policy", ""):
        problems.append("no Permissions-Policy")
    hsts = headers.get("Strict-Transport-Security", "")
    if production:
        max_age = int(hsts.split("max-age=")[1].split(";")[0]) if "max-age=" in hsts else 0
        if max_age < ONE_YEAR:
            problems.append(f"HSTS {hsts!r}")
    elif hsts:
        problems.append("HSTS in development (it would pin a developer's localhost to HTTPS)")
    for cookie in headers.getlist("Set-Cookie"):
        flags = {part.strip().split("=")[0].lower() for part in cookie.split(";")[1:]}
        if "httponly" not in flags or "samesite=lax" not in cookie.lower().replace(" ", ""):
            problems.append(f"cookie without HttpOnly or SameSite=Lax: {cookie}")
        if production and (not cookie.startswith("__Host-") or "secure" not in flags or "domain" in flags):
            problems.append(f"production cookie without __Host-, Secure or with a Domain: {cookie}")
    return [f"{where}: {problem}" for problem in problems]


def walk(app, world, clients: dict, *, production: bool, base_url: str = "http://localhost") -> tuple[list[str], set[int]]:
    """Ask every route with every method it accepts and one it does not; return the problems and the statuses seen."""
    problems, statuses = [], set()
    rules = list(app.url_map.iter_rules())
    for rule in rules:
        path = url_for_route(app, world, rule.endpoint)
        methods = sorted(rule.methods | {"PATCH" if "PATCH" not in rule.methods else "PUT"})
        for caller, client in clients.items():
            for method in methods:
                data = {"csrf_token": world.csrf[caller]} if method in STATE_CHANGING and caller in world.csrf else {}
                with savepoint(app, world.connection):
                    response = client.open(path, method=method, data=data, base_url=base_url)
                    response.get_data()
                    response.close()
                # Each request is the caller's as the world made them (signing out, say, must not carry over).
                for name, value in world.cookies.get(caller, {}).items():
                    client.set_cookie(name, value)
                statuses.add(response.status_code)
                if rule.endpoint in WEAKER_CSP and "sandbox" in response.headers.get("Content-Security-Policy", ""):
                    continue
                where = f"{method} {path} as {caller} ({response.status_code})"
                problems += check_headers(response, where, production=production)
                # Signed in, nothing may be kept by the browser for the next user of a shared computer.
                problems += [f"{where}: {problem}" for problem in [cache_problem(response, rule.endpoint, caller)] if problem]
    for caller, client in clients.items():
        for path, extra in (("/no-such-page", {}), ("/static/css/app.css", {"If-Modified-Since": "Thu, 01 Jan 2099 00:00:00 GMT"})):
            response = client.get(path, headers=extra, base_url=base_url)
            response.close()
            statuses.add(response.status_code)
            problems += check_headers(response, f"GET {path} as {caller} ({response.status_code})", production=production)
    return problems, statuses


def test_every_route_sends_the_headers_in_development(app, world):
    clients = {caller: world.client(app, caller) for caller in ("anon", "panel", "organiser")}
    problems, statuses = walk(app, world, clients, production=False)
    assert not problems, "\n".join(problems[:40])
    # The walk met every kind of answer the headers must be on.
    assert {200, 302, 303, 304, 400, 403, 404, 405} <= statuses, statuses


def test_the_htmx_config_keeps_to_the_csp(app, world):
    page = world.client(app, "anon").get("/").get_data(as_text=True)
    for setting in ('"includeIndicatorStyles":false', '"allowEval":false', '"allowScriptTags":false', '"selfRequestsOnly":true'):
        assert setting in page


@pytest.fixture
def production_app(app, world):
    """The app under production settings, served from the module's world (same database connection)."""
    settings = load_config(app.instance_path and __import__("pathlib").Path(app.instance_path), env=PRODUCTION_ENV)
    settings["RATELIMIT_STORAGE_URI"] = app.config["RATELIMIT_STORAGE_URI"]
    settings["SQLALCHEMY_DATABASE_URI"] = app.config["SQLALCHEMY_DATABASE_URI"]
    settings["SQLALCHEMY_ENGINE_OPTIONS"] = {}
    production = create_app(settings)
    with sessions_on(production, world.connection):
        yield production
    with production.app_context():
        db.engine.dispose()


def test_every_route_sends_the_headers_in_production(production_app, world):
    anon = production_app.test_client()
    problems, statuses = walk(production_app, world, {"anon": anon}, production=True, base_url="https://awards.example.org")
    assert not problems, "\n".join(problems[:40])
    assert {200, 302, 304, 404, 405} <= statuses, statuses
    # Signing in sets the session cookie: __Host-, Secure, HttpOnly, SameSite=Lax.
    page = production_app.test_client().get("/sign-in", base_url="https://awards.example.org")
    cookies = page.headers.getlist("Set-Cookie")
    assert cookies and all(cookie.startswith("__Host-session=") for cookie in cookies)
    assert not check_headers(page, "GET /sign-in", production=True)
