"""A draft edition is invisible to the public on every public route, through the page cache too.

The world (tests/web/access_world.py) is the demo edition in its public vote: shortlist published, finalists with
consent, a contest open, a vote link, a consent link and a nomination draft. Each test here turns that edition back
into a draft in the database (as if its announcement had never happened: the hostile case, where everything a public
page could show already exists) and walks the URL map: every GET route of the public blueprints, asked by a visitor
and by each holder of an emailed link, must answer 404 or a page that names nothing of the draft. A route added
later is walked too, so it cannot forget the rule.
"""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from awards_app.extensions import db
from awards_app.judging.models import Finalist
from awards_app.programme.models import Category, Edition
from awards_app.web.caching import page_cache
from tests.factories.programme import make_category, make_criteria, make_edition
from tests.fixtures.database import savepoint
from tests.web.access_world import LINK_HOLDERS, MOMENT, db_session, world  # noqa: F401  (fixtures of this module)
from tests.web.public_caches import caches  # noqa: F401  (a fixture)
from tests.web.route_walk import ask, routes, url_for_route

PUBLIC_BLUEPRINTS = ("public", "nominate", "vote", "consent")
CALLERS = ("anon", *LINK_HOLDERS)


def public_get_routes(app) -> list[str]:
    """Every GET endpoint of the blueprints that serve the public."""
    return [
        endpoint for endpoint, method in routes(app)
        if method == "GET" and endpoint.split(".")[0] in PUBLIC_BLUEPRINTS
    ]


def draft_markers(edition: Edition) -> list[str]:
    """Words only the draft edition's pages would hold: its name and theme, its categories, its finalists."""
    categories = list(edition.categories)
    finalists = [finalist.display_name for finalist in edition_finalists(edition)]
    return [edition.name, edition.theme, *(category.name for category in categories), *finalists]


def edition_finalists(edition: Edition) -> list[Finalist]:
    """The edition's finalists."""
    return list(db.session.scalars(select(Finalist).join(Category).where(Category.edition_id == edition.id)))


def as_draft(db_session) -> Edition:
    """The world's edition, made a draft again (its announcement undone, everything else left as it is)."""
    edition = db_session.scalars(select(Edition)).one()
    edition.announced_at = None
    db_session.commit()
    return edition


def leaks(response, markers: list[str]) -> list[str]:
    """The draft's words in an answer that is not a 404."""
    if response.status_code == 404:
        return []
    text = response.get_data().decode("utf-8", errors="replace")  # a share card is a PNG
    return [marker for marker in markers if marker and marker in text]


def test_the_world_shows_its_edition_while_it_is_announced(app, world):
    # Without this, a walk that found nothing might only mean the markers never appear anywhere.
    with savepoint(app, world.connection) as session:
        markers = draft_markers(session.scalars(select(Edition)).one())
        seen = {endpoint for endpoint in public_get_routes(app)
                if leaks(ask(app, world, "anon", endpoint, "GET"), markers)}
    assert {"public.home", "public.shortlist", "public.results", "public.finalist_page", "vote.start"} <= seen


def test_no_public_route_shows_anything_of_a_draft(app, world, db_session, caches):
    markers = draft_markers(as_draft(db_session))
    problems = []
    for endpoint in public_get_routes(app):
        for caller in CALLERS:
            # Asked twice: with the caches on, the second answer comes from them.
            for _ in range(2 if caches == "cached" else 1):
                found = leaks(ask(app, world, caller, endpoint, "GET"), markers)
                if found:
                    problems.append(f"{endpoint} to {caller}: {found}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(
    ("endpoint", "status"),
    [
        ("public.shortlist", 200), ("public.finalist_page", 404), ("public.finalist_card", 404),
        ("public.present_slide", 404), ("public.edition", 404), ("public.edition_csv", 404),
        ("public.tally_page", 404), ("public.tally_csv", 404), ("vote.ballot", 404), ("vote.email", 404),
        ("public.rsvp", 404), ("consent.respond", 404),
    ],
)
def test_what_a_draft_names_is_not_found(app, world, db_session, endpoint, status):
    as_draft(db_session)
    caller = "consent" if endpoint == "consent.respond" else "anon"
    assert ask(app, world, caller, endpoint, "GET").status_code == status


def test_a_draft_takes_no_nomination_and_no_vote(app, world, db_session):
    as_draft(db_session)
    client, token = world.client(app, "anon"), world.csrf["anon"]
    assert client.post("/nominate/start", data={"csrf_token": token}).status_code == 403
    ballot = url_for_route(app, world, "vote.ballot")
    assert client.post(ballot, data={"csrf_token": token, "finalist": str(world.finalist_id)}).status_code == 404


def test_a_draft_consent_link_records_nothing(app, world, db_session):
    as_draft(db_session)
    client = world.client(app, "consent")
    path = f"/consent/{world.tokens['consent']}"
    response = client.post(path, data={"csrf_token": world.csrf["consent"], "answer": "accept"})
    assert response.status_code == 404
    assert "does not work" in response.get_data(as_text=True)


def test_the_organisers_still_see_the_draft(app, world, db_session):
    edition = as_draft(db_session)
    page = ask(app, world, "organiser", "admin.show_edition", "GET").get_data(as_text=True)
    assert edition.name in page and "Draft" in page


def test_taking_an_announcement_back_clears_this_workers_page_cache(app, world, db_session, monkeypatch):
    monkeypatch.setitem(app.config, "PAGE_CACHE_SECONDS", 60)
    page_cache.clear()
    as_draft(db_session)
    # Next year's awards, announced by mistake a month before they open: nobody can have nominated yet.
    announced = make_edition(year=2027, start=MOMENT + timedelta(days=30))
    make_category(announced)
    db_session.commit()
    visitor = app.test_client()
    assert announced.name in visitor.get("/").get_data(as_text=True)  # and now in the cache

    organiser = world.client(app, "organiser")
    response = organiser.post(f"/admin/editions/{announced.id}/return-to-draft",
                              data={"csrf_token": world.csrf["organiser"]})
    assert response.status_code == 303
    assert announced.name not in visitor.get("/").get_data(as_text=True)
    page_cache.clear()


def test_announcing_clears_this_workers_page_cache(app, world, db_session, monkeypatch):
    monkeypatch.setitem(app.config, "PAGE_CACHE_SECONDS", 60)
    page_cache.clear()
    as_draft(db_session)
    upcoming = make_edition(year=2027, start=MOMENT + timedelta(days=30), draft=True)
    make_category(upcoming)
    make_criteria(upcoming)
    db_session.commit()
    visitor = app.test_client()
    assert upcoming.name not in visitor.get("/").get_data(as_text=True)  # and that page is now in the cache

    organiser = world.client(app, "organiser")
    response = organiser.post(f"/admin/editions/{upcoming.id}/announce", data={"csrf_token": world.csrf["organiser"]})
    assert response.status_code == 303
    assert upcoming.name in visitor.get("/").get_data(as_text=True)
    page_cache.clear()
