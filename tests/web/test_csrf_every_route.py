"""CSRF on every state-changing route, htmx requests included; a refused token shows the form again, never a bare 400.

The routes come from the URL map: every rule accepting POST, PUT, PATCH or DELETE is asked without a token and with
a tampered one, by a visitor, a judge and an organiser, and must answer 400 having changed nothing.
"""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from awards_app.accounts.models import User
from awards_app.core.models import AuditEvent, OutboxEmail
from awards_app.extensions import db, limiter
from awards_app.programme.models import Category
from awards_app.web.error_pages import FORM_EXPIRED_MESSAGE, ReplayMustNotChange
from tests.fixtures.database import savepoint
from tests.web.access_world import db_session, world  # noqa: F401  (fixtures of this module)
from tests.web.route_walk import STATE_CHANGING, routes, url_for_route

# Journeys with CSRF handlers of their own that know their steps (a closed window is 403, an expired step is shown
# again with 422, a step out of order goes back with 303); they too must change nothing.
OWN_HANDLERS = ("nominate.", "vote.")

# The callers whose requests are refused: one of each kind of session (a visitor's, a judge's, an organiser's).
ASKERS = ("anon", "panel", "organiser")


def _traces() -> tuple[int, int]:
    """How many audit events and queued emails there are (a state change writes at least one of them)."""
    return (
        db.session.scalar(select(func.count()).select_from(AuditEvent)),
        db.session.scalar(select(func.count()).select_from(OutboxEmail)),
    )


def _tampered(token: str) -> str:
    """The token with its signature changed."""
    return token[:-2] + ("AA" if not token.endswith("AA") else "BB")


def test_every_state_changing_route_refuses_a_missing_or_tampered_token(app, world):
    state_changing = [(endpoint, method) for endpoint, method in routes(app) if method in STATE_CHANGING]
    assert len(state_changing) > 60  # the walk found the routes (a broken URL map would make this pass vacuously)
    wrong = []
    for endpoint, method in state_changing:
        for caller in ASKERS:
            for label, headers, data in (
                ("no token", {}, {}),
                ("tampered token", {}, {"csrf_token": _tampered(world.csrf[caller])}),
                ("htmx, no token", {"HX-Request": "true"}, {}),
                ("htmx, tampered header", {"HX-Request": "true", "X-CSRFToken": _tampered(world.csrf[caller])}, {}),
            ):
                with savepoint(app, world.connection):
                    limiter.reset()
                    before = _traces()
                    client = world.client(app, caller)
                    response = client.open(url_for_route(app, world, endpoint), method=method, data=data, headers=headers)
                    body = response.get_data(as_text=True)
                    after = _traces()
                if before != after:
                    wrong.append(f"{endpoint} {method} as {caller}, {label}: changed something, traces {before}->{after}")
                elif endpoint.startswith(OWN_HANDLERS):
                    if response.status_code not in (303, 400, 403, 422):
                        wrong.append(f"{endpoint} {method} as {caller}, {label}: {response.status_code}")
                elif response.status_code != 400:
                    wrong.append(f"{endpoint} {method} as {caller}, {label}: {response.status_code}, traces {before}->{after}")
                elif "HX-Request" in headers and response.headers.get("HX-Retarget") != "#messages":
                    wrong.append(f"{endpoint} {method} as {caller}, {label}: no visible htmx message")
                elif "HX-Request" not in headers and "expired" not in body:
                    wrong.append(f"{endpoint} {method} as {caller}, {label}: the page does not say the form expired")
    assert not wrong, "\n".join(wrong)


# --- A refused token shows the form again, with what was typed ---------------------------------------------------


def _post_expired(app, world, caller, monkeypatch, endpoint, data, **headers):
    """Post the form with the caller's token after it has expired (a negative time limit makes every token old)."""
    monkeypatch.setitem(app.config, "WTF_CSRF_TIME_LIMIT", -1)
    client = world.client(app, caller)
    path = url_for_route(app, world, endpoint)
    return client.post(path, data={"csrf_token": world.csrf[caller], **data}, headers=headers)


def _shows_the_form_again(response, *typed: str) -> str:
    """The page is the form with the message and what was typed; return the page."""
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert response.headers["Cache-Control"] == "no-store"
    assert FORM_EXPIRED_MESSAGE.split(",")[0] in page
    for value in typed:
        assert value in page, f"{value!r} is not shown again"
    assert "<title>Error: " in page or "notice--error" in page
    assert 'name="csrf_token"' in page  # with a fresh token to send it again
    return page


def test_an_organisers_form_is_shown_again_with_what_was_typed(app, world, monkeypatch):
    response = _post_expired(
        app, world, "organiser", monkeypatch, "admin.edit_category",
        {"name": "Carer of the Year (renamed)", "description": "A description typed before lunch"},
    )
    _shows_the_form_again(response, "Carer of the Year (renamed)", "A description typed before lunch")
    assert db.session.get(Category, world.category_id).name != "Carer of the Year (renamed)"


def test_the_sign_in_form_is_shown_again_with_the_address(app, world, monkeypatch):
    response = _post_expired(app, world, "anon", monkeypatch, "auth.sign_in", {"email": "someone@example.org", "password": "typed"})
    page = _shows_the_form_again(response, "someone@example.org")
    assert "typed" not in page.split("<main", 1)[1].replace("typed before", "")  # a password is never shown back


def test_a_judges_form_is_shown_again_with_what_was_typed(app, world, monkeypatch):
    response = _post_expired(app, world, "panel", monkeypatch, "judging.affiliations", {"affiliations": "Chair of the Lothian Carers' Forum"})
    _shows_the_form_again(response, "Chair of the Lothian Carers&#39; Forum")
    assert db.session.get(User, world.judge_id).affiliations != "Chair of the Lothian Carers' Forum"


def test_the_consent_page_is_shown_again_and_records_nothing(app, world, monkeypatch):
    before = _traces()
    response = _post_expired(app, world, "consent", monkeypatch, "consent.respond", {"answer": "accept"})
    _shows_the_form_again(response)
    assert _traces() == before


def test_a_missing_token_on_the_request_for_a_judges_link_keeps_the_address(app, world):
    client = world.client(app, "anon")
    response = client.post(url_for_route(app, world, "auth.request_sign_in_link"), data={"email": "judge@example.org"})
    _shows_the_form_again(response, "judge@example.org")


def test_an_htmx_request_with_an_expired_token_gets_a_visible_message(app, world, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_TIME_LIMIT", -1)
    client = world.client(app, "panel")
    criterion = world.criterion_id
    response = client.post(
        url_for_route(app, world, "judging.score_entry"),
        data={f"score-{criterion}": "3"},
        headers={"HX-Request": "true", "X-CSRFToken": world.csrf["panel"]},
    )
    assert response.status_code == 400
    assert response.headers["HX-Retarget"] == "#messages"
    assert "This form has expired" in response.get_data(as_text=True)


def test_a_button_without_a_form_page_gets_the_expired_page_with_a_way_back(app, world):
    client = world.client(app, "organiser")
    referrer = f"http://localhost/admin/editions/{world.edition_id}/ceremony"
    response = client.post(url_for_route(app, world, "admin.reveal"), data={}, headers={"Referer": referrer})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "This form has expired" in page
    assert f'href="/admin/editions/{world.edition_id}/ceremony"' in page
    # A link back is offered only to a page of this site.
    response = client.post(url_for_route(app, world, "admin.reveal"), data={}, headers={"Referer": "https://evil.example/x"})
    assert "evil.example" not in response.get_data(as_text=True)


def test_a_page_shown_again_can_never_commit(app):
    from flask import g

    with app.test_request_context("/"):
        g.csrf_replay = True
        with pytest.raises(ReplayMustNotChange):
            db.session.commit()
        db.session.rollback()
