"""Public pages with no form and no htmx request that changes anything carry no form token, so a new visitor is given
no session cookie: the page is the same for everyone, and the micro-cache serves it without signing anything.
A form or an htmx write added to one of them later fails here, with the reason."""
from __future__ import annotations

import re
from datetime import timedelta

from tests.web.public_caches import caches  # noqa: F401  (a fixture)
from tests.web.test_results_pages import night  # noqa: F401  (a fixture)

WRITES = re.compile(r"<form[^>]*method=\"post\"|hx-(post|put|patch|delete)=", re.IGNORECASE)


def pages(night) -> list[str]:  # noqa: F811
    """The public pages a burst from social media reaches, on the night of the ceremony."""
    finalist = night.finalists[0][0]
    return ["/", "/shortlist", "/results", "/privacy", "/accessibility", "/editions", "/editions/2026",
            f"/finalists/{finalist.id}"]


def test_pages_without_forms_give_a_new_visitor_no_cookie(app, night, clock, caches):  # noqa: F811
    night.confirm()
    clock.set(night.edition.ceremony_at + timedelta(minutes=30))
    night.reveal(0)
    for path in pages(night):
        for _ in range(2):  # drawn, then (with the cache on) served from it
            response = app.test_client().get(path)
            assert response.status_code == 200, path
            body = response.get_data(as_text=True)
            assert not WRITES.search(body), f"{path} sends something: it needs its form token again"
            assert "csrf" not in body.lower(), path
            assert "Set-Cookie" not in response.headers, path


def test_a_page_with_a_form_still_gives_its_visitor_a_token(client):
    response = client.get("/sign-in")
    assert 'name="csrf_token"' in response.get_data(as_text=True)
    assert "session=" in response.headers.get("Set-Cookie", "")
