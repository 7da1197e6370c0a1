"""The organisers' pages for starting from a past edition and inviting its judges again, through the test client:
the happy path, refusals that keep what was typed, who may use them, tampered and huge ids, escaping."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from awards_app.judging.models import PanelMember
from awards_app.programme.models import Edition
from tests.factories.accounts import JUDGE_PASSWORD
from tests.factories.judging import panels_site
from tests.web.forms import csrf_token_from, post_form, sign_in


@pytest.fixture
def site(db_session, clock):
    made = panels_site()
    db_session.commit()
    return made


def copy_url(edition) -> str:
    return f"/admin/editions/{edition.id}/copy"


def copied_edition(db_session) -> Edition | None:
    return db_session.scalar(select(Edition).where(Edition.year == 2027))


def start_2027(client, site):
    """Copy the site's 2026 into 2027 through the page; the new edition."""
    response = post_form(client, copy_url(site.edition), {"year": "2027", "name": "Self Management Awards 2027"})
    assert response.status_code == 303
    return response


# --- Starting from a past edition ----------------------------------------------------------------------------------


def test_the_dashboard_and_the_new_edition_page_lead_to_the_past_editions(organiser_client, site):
    for page in ("/admin/", "/admin/editions/new"):
        assert 'href="/admin/editions/copy"' in organiser_client.get(page).get_data(as_text=True)
    page = organiser_client.get("/admin/editions/copy").get_data(as_text=True)
    assert f'href="{copy_url(site.edition)}"' in page and "Self Management Awards 2026" in page


def test_the_form_suggests_the_next_year_and_the_name_with_its_year(organiser_client, site):
    page = organiser_client.get(copy_url(site.edition)).get_data(as_text=True)
    assert 'value="2027"' in page and 'value="Self Management Awards 2027"' in page
    assert "Project of the Year" in page and "Carer of the Year" in page  # what the copy gets


def test_copying_lands_on_the_new_edition_with_its_dates_to_review(organiser_client, site, db_session):
    response = start_2027(organiser_client, site)
    edition = copied_edition(db_session)
    assert response.headers["Location"].endswith(f"/admin/editions/{edition.id}")
    page = organiser_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Copied from 2026: review the dates, each moved on by a year" in page
    assert "9am on Tuesday 12 January 2027" in page  # nominations open, a year on (GMT)
    assert "7pm on Tuesday 4 May 2027" in page  # the ceremony, a year on, still 7pm (BST)
    assert f'href="/admin/editions/{site.edition.id}"' in page  # copied from, linked
    assert [c.name for c in edition.categories] == ["Project of the Year", "Carer of the Year"]


def test_a_year_that_has_an_edition_is_refused_keeping_what_was_typed(organiser_client, site, db_session):
    response = post_form(organiser_client, copy_url(site.edition), {"year": "2026", "name": "My new awards"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "<title>Error: " in page and "must come after 2026" in page
    assert 'value="My new awards"' in page
    start_2027(organiser_client, site)
    response = post_form(organiser_client, copy_url(site.edition), {"year": "2027", "name": "Again"})
    assert response.status_code == 422 and "There is already an edition for 2027" in response.get_data(as_text=True)
    assert db_session.scalar(select(Edition).where(Edition.name == "Again")) is None


@pytest.mark.parametrize("year, message", [
    ("", "Enter the year of the awards"),
    ("twenty", "Year must be a whole number"),
    ("99999999999999999999", "Year must be between"),
])
def test_a_missing_or_wrong_year_gets_a_clear_message(organiser_client, site, db_session, year, message):
    response = post_form(organiser_client, copy_url(site.edition), {"year": year, "name": "Kept name"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and message in page and 'value="Kept name"' in page
    assert copied_edition(db_session) is None


def test_a_missing_name_is_refused(organiser_client, site, db_session):
    response = post_form(organiser_client, copy_url(site.edition), {"year": "2027", "name": "  "})
    assert response.status_code == 422 and "Enter the name of the edition" in response.get_data(as_text=True)
    assert copied_edition(db_session) is None


def test_names_are_escaped(organiser_client, site, db_session):
    site.edition.name = "<script>alert(1)</script> 2026"
    db_session.commit()
    for url in ("/admin/editions/copy", copy_url(site.edition)):
        page = organiser_client.get(url).get_data(as_text=True)
        assert "<script>alert(1)" not in page and "&lt;script&gt;" in page


def test_without_a_csrf_token_nothing_is_copied(organiser_client, site, db_session):
    response = organiser_client.post(copy_url(site.edition), data={"year": "2027", "name": "No token"})
    assert response.status_code == 400 and copied_edition(db_session) is None


@pytest.mark.parametrize("edition_id", ["999999", "99999999999999999999"])
def test_an_edition_that_does_not_exist_is_404(organiser_client, site, edition_id):
    assert organiser_client.get(f"/admin/editions/{edition_id}/copy").status_code == 404


def test_judges_and_visitors_cannot_copy(client, site, db_session):
    for url in ("/admin/editions/copy", copy_url(site.edition)):
        assert client.get(url).headers["Location"].startswith("/sign-in")
    judge = sign_in(client, site.judge.email, JUDGE_PASSWORD)
    token = csrf_token_from(judge, "/judging/")
    assert judge.get(copy_url(site.edition)).status_code == 403
    response = judge.post(copy_url(site.edition), data={"csrf_token": token, "year": "2027", "name": "Mine"})
    assert response.status_code == 403 and copied_edition(db_session) is None


# --- Inviting the past panels' judges again ------------------------------------------------------------------------


@pytest.fixture
def copy(organiser_client, site, db_session):
    start_2027(organiser_client, site)
    return copied_edition(db_session)


def judges_url(edition) -> str:
    return f"/admin/editions/{edition.id}/judges"


def test_the_judges_page_lists_the_past_panels_to_invite_again(organiser_client, site, copy):
    page = organiser_client.get(f"{judges_url(copy)}/invite-again").get_data(as_text=True)
    assert 'id="invite-again"' in page and "Judges from 2026 to invite again" in page
    assert f'action="{judges_url(copy)}/{site.judge.id}/invite-again"' in page
    assert f'action="{judges_url(copy)}/invite-again"' in page and "Invite all 2 again" in page
    assert 'id="invite-again"' not in organiser_client.get(judges_url(site.edition)).get_data(as_text=True)


def test_inviting_again_seats_the_judge_and_emails_them(organiser_client, site, copy, db_session, outbox):
    projects = next(c for c in copy.categories if c.copied_from_id == site.projects.id)
    url = f"{judges_url(copy)}/{site.judge.id}/invite-again"
    response = post_form(organiser_client, url, {"category": [str(projects.id)]}, form_page=judges_url(copy))
    # Back to the list of judges to invite again, for the next one.
    assert response.status_code == 303 and response.headers["Location"] == f"{judges_url(copy)}/invite-again"
    assert db_session.scalar(select(PanelMember).where(
        PanelMember.judge_id == site.judge.id, PanelMember.category_id == projects.id)) is not None
    assert [email.to_address for email in outbox()] == [site.judge.email]
    page = organiser_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "an invitation has been emailed to jo@example.org" in page
    assert f'{judges_url(copy)}/{site.judge.id}/invite-again' not in page  # off the list


def test_inviting_again_to_no_panel_says_so(organiser_client, site, copy, outbox):
    url = f"{judges_url(copy)}/{site.judge.id}/invite-again"
    response = post_form(organiser_client, url, {}, form_page=judges_url(copy))
    assert response.status_code == 303 and outbox() == []
    page = organiser_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Tick at least one panel to invite Jo Judge to." in page


def test_inviting_again_to_a_panel_they_did_not_sit_on_is_refused(organiser_client, site, copy, outbox):
    carers = next(c for c in copy.categories if c.copied_from_id == site.carers.id)
    url = f"{judges_url(copy)}/{site.judge.id}/invite-again"
    response = post_form(organiser_client, url, {"category": [str(carers.id)]}, form_page=judges_url(copy))
    assert response.status_code == 303 and outbox() == []
    assert "did not sit on the past panel" in organiser_client.get(response.headers["Location"]).get_data(as_text=True)


@pytest.mark.parametrize("category", ["past", "99999999999999999999", "garden"])
def test_a_tampered_category_is_404(organiser_client, site, copy, outbox, category):
    value = {"past": str(site.projects.id), "99999999999999999999": "99999999999999999999", "garden": "garden"}[category]
    url = f"{judges_url(copy)}/{site.judge.id}/invite-again"
    assert post_form(organiser_client, url, {"category": [value]}, form_page=judges_url(copy)).status_code == 404
    assert outbox() == []


def test_an_organiser_or_unknown_account_is_404(organiser_client, organiser, copy):
    for judge_id in (organiser.id, 999999):
        url = f"{judges_url(copy)}/{judge_id}/invite-again"
        assert post_form(organiser_client, url, {}, form_page=judges_url(copy)).status_code == 404


def test_inviting_all_again_invites_each_once(organiser_client, site, copy, outbox):
    response = post_form(organiser_client, f"{judges_url(copy)}/invite-again", {}, form_page=judges_url(copy))
    assert response.status_code == 303
    assert sorted(email.to_address for email in outbox()) == [site.judge.email, site.other_judge.email]
    page = organiser_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "2 judges of the past panels are on this edition" in page
    assert "Every judge of Self Management Awards 2026's panels is on this year's panels." in page


def test_judges_cannot_invite_again(app, site, copy, outbox):
    judge = sign_in(app.test_client(), site.judge.email, JUDGE_PASSWORD)
    token = csrf_token_from(judge, "/judging/")
    for url in (f"{judges_url(copy)}/invite-again", f"{judges_url(copy)}/{site.judge.id}/invite-again"):
        assert judge.post(url, data={"csrf_token": token}).status_code == 403
    assert outbox() == []


def test_copying_into_a_later_year_says_how_many_years_the_dates_moved(organiser_client, site):
    response = post_form(organiser_client, copy_url(site.edition), {"year": "2029", "name": "Awards 2029"})
    page = organiser_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Copied from 2026: review the dates, each moved on by 3 years" in page
    assert "Tuesday 12 January 2027" not in page and "Friday 12 January 2029" in page
