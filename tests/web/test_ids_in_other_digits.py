"""Ids typed into forms and query strings in digits that int() refuses, such as "²": str.isdigit() says yes to them,
and reading them as numbers was a 500. They name nothing, so each is answered as any id that names nothing."""
import pytest

from tests.factories.judging import panels_site
from tests.web.forms import csrf_token_from, sign_in

SUPERSCRIPT_TWO = "²"


@pytest.fixture
def site(db_session, clock):
    made = panels_site()
    db_session.commit()
    return made


def test_a_judge_coming_back_from_a_category_named_in_other_digits_gets_the_page(client, site):
    sign_in(client, "jo@example.org")
    response = client.get(f"/judging/affiliations?category={SUPERSCRIPT_TWO}")
    assert response.status_code == 200


def test_a_conflict_ticked_in_other_digits_is_a_404(client, site):
    sign_in(client, "jo@example.org")
    url = f"/judging/categories/{site.projects.id}/conflicts"
    token = csrf_token_from(client, url)
    response = client.post(url, data={"action": "declare", "conflict": [SUPERSCRIPT_TWO], "csrf_token": token})
    assert response.status_code == 404


def test_a_panel_ticked_in_other_digits_is_a_404(organiser_client, site):
    url = f"/admin/editions/{site.edition.id}/judges/{site.judge.id}/panels"
    token = csrf_token_from(organiser_client, f"/admin/editions/{site.edition.id}/judges")
    response = organiser_client.post(url, data={"category": [SUPERSCRIPT_TWO], "csrf_token": token})
    assert response.status_code == 404


def test_reminders_for_a_category_in_other_digits_are_a_404(organiser_client, site):
    url = f"/admin/editions/{site.edition.id}/judging/reminders"
    token = csrf_token_from(organiser_client, f"/admin/editions/{site.edition.id}/judging")
    response = organiser_client.post(url, data={"category_id": SUPERSCRIPT_TWO, "csrf_token": token})
    assert response.status_code == 404
