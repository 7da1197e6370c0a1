"""The organisers announce a draft edition: what is missing on its page, what the public will see, confirm; and take
an announcement back while nobody can have taken part."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from awards_app.core.models import AuditEvent
from awards_app.programme.models import Edition
from tests.factories.nominations import make_nomination
from tests.factories.programme import START, make_category, make_criteria, make_edition
from tests.web.forms import csrf_token_from, post_form
from tests.web.test_admin import edition_form

BEFORE_OPENING = START - timedelta(days=10)


@pytest.fixture
def draft(db_session, clock):
    """A draft 2026 edition with one category (and its question) but no judging criteria yet."""
    clock.set(BEFORE_OPENING)
    edition = make_edition(draft=True)
    make_category(edition, name="Carer of the Year")
    db_session.commit()
    return edition


def text(response) -> str:
    """The response's text."""
    return response.get_data(as_text=True)


def announced_events(db_session) -> int:
    """How many announcements the audit log holds."""
    return len(db_session.scalars(select(AuditEvent).where(AuditEvent.action == "edition.announced")).all())


def test_the_edition_page_lists_what_is_missing(organiser_client, draft):
    page = text(organiser_client.get(f"/admin/editions/{draft.id}"))
    assert "What is missing before you can announce it" in page
    assert "‘Carer of the Year’ has no judging criteria" in page
    assert f'href="/admin/editions/{draft.id}/announce"' not in page  # no button while something is missing


def test_a_ready_draft_offers_the_announcement(organiser_client, db_session, draft):
    make_criteria(draft)
    db_session.commit()
    page = text(organiser_client.get(f"/admin/editions/{draft.id}"))
    assert "Nothing is missing" in page and "What is missing" not in page
    assert f'href="/admin/editions/{draft.id}/announce"' in page


def test_the_confirmation_says_what_the_public_will_see_then_announces(organiser_client, db_session, draft):
    make_criteria(draft)
    db_session.commit()
    path = f"/admin/editions/{draft.id}/announce"
    page = text(organiser_client.get(path))
    assert "What the public will see" in page and "Carer of the Year" in page
    assert "The home page shows this edition straight away." in page
    assert draft.is_draft, "opening the confirmation announces nothing"

    response = post_form(organiser_client, path, {})
    assert response.status_code == 303 and response.headers["Location"] == f"/admin/editions/{draft.id}"
    db_session.expire_all()
    assert db_session.get(Edition, draft.id).is_public
    assert "the public can see it now" in text(organiser_client.get(response.headers["Location"]))
    assert announced_events(db_session) == 1

    # A second press (a stale page, a double click) announces nothing again.
    token = csrf_token_from(organiser_client, f"/admin/editions/{draft.id}/edit")
    assert organiser_client.post(path, data={"csrf_token": token}).status_code == 303
    assert announced_events(db_session) == 1


def test_announcing_what_is_not_ready_is_refused_with_what_is_missing(organiser_client, db_session, draft):
    path = f"/admin/editions/{draft.id}/announce"
    response = post_form(organiser_client, path, {}, form_page=f"/admin/editions/{draft.id}/edit")
    assert response.status_code == 409
    page = text(response)
    assert "<title>Error: " in page and "‘Carer of the Year’ has no judging criteria" in page
    db_session.expire_all()
    assert db_session.get(Edition, draft.id).is_draft and announced_events(db_session) == 0


def test_the_home_page_keeps_another_year_still_under_way(organiser_client, db_session, clock, draft):
    make_criteria(draft)
    running = make_edition(year=2025, start=START - timedelta(weeks=14))  # its public vote is open
    db_session.commit()
    page = text(organiser_client.get(f"/admin/editions/{draft.id}/announce"))
    assert f"The home page keeps showing {running.name} until its ceremony is over" in page


def test_an_edition_announced_by_mistake_goes_back_to_draft(organiser_client, db_session, draft):
    draft.announced_at = BEFORE_OPENING
    db_session.commit()
    path = f"/admin/editions/{draft.id}/return-to-draft"
    assert "Make Self Management Awards 2026 a draft again?" in text(organiser_client.get(path))
    response = post_form(organiser_client, path, {})
    assert response.status_code == 303
    db_session.expire_all()
    assert db_session.get(Edition, draft.id).is_draft


def test_an_edition_someone_nominated_in_stays_public(organiser_client, db_session, draft):
    draft.announced_at = BEFORE_OPENING
    make_nomination(draft.categories[0])
    db_session.commit()
    path = f"/admin/editions/{draft.id}/return-to-draft"
    assert "not possible" in text(organiser_client.get(path))
    response = post_form(organiser_client, path, {}, form_page=f"/admin/editions/{draft.id}/edit")
    assert response.status_code == 409 and "Nominations have been started" in text(response)
    db_session.expire_all()
    assert db_session.get(Edition, draft.id).is_public


def test_a_new_edition_is_a_draft_that_may_tell_its_month(organiser_client, db_session):
    response = post_form(organiser_client, "/admin/editions/new", edition_form(expected_opening_shown="y"))
    assert response.status_code == 303
    edition = db_session.scalars(select(Edition).where(Edition.year == 2027)).one()
    assert edition.is_draft and edition.expected_opening_shown
    page = text(organiser_client.get(response.headers["Location"]))
    assert "The public cannot see this edition: the home page says only that the next awards are expected to open " \
           "in March 2027" in page


def test_an_announced_edition_has_no_expected_month_to_tell(organiser_client, db_session, draft):
    draft.announced_at = BEFORE_OPENING
    db_session.commit()
    path = f"/admin/editions/{draft.id}/edit"
    assert 'name="expected_opening_shown"' not in text(organiser_client.get(path))
    data = edition_form(year="2026", expected_opening_shown="y")  # posted anyway, by hand
    assert post_form(organiser_client, path, data).status_code == 303
    db_session.expire_all()
    assert db_session.get(Edition, draft.id).expected_opening_shown is False


def test_the_dashboard_marks_drafts(organiser_client, draft):
    assert "Opening soon (draft: not public)" in text(organiser_client.get("/admin/"))
