"""The organisers' page for one person's data: access, search, download, erase with confirmation, and what is left."""
from __future__ import annotations

import json
import re
from html import unescape

import pytest

from awards_app.voting.votes import confirm_vote, replace_vote_link, request_vote
from awards_app.web.admin.votes import PARTS as VOTE_VIEW_PARTS
from tests.factories.accounts import JUDGE_EMAIL, JUDGE_PASSWORD, make_judge
from tests.factories.nominations import make_nomination
from tests.factories.voting import voting_site
from tests.web.forms import csrf_token_from, post_form

ADDRESS = "sam.person@example.org"
TITLE = re.compile(r"<title>(.*?)</title>", re.S)


def text_of(response) -> str:
    return unescape(response.get_data(as_text=True))


@pytest.fixture
def sam(db_session, clock):
    """Sam nominated someone, and voted in an open contest."""
    site = voting_site()
    nomination = make_nomination(site.category, "Morag Fraser", nominator_name="Sam Nominator",
                                 nominator_email=ADDRESS, nominator_phone="0131 496 0999")
    pending = request_vote(site.contest, site.finalists[0].id, ADDRESS, "198.51.100.7")
    db_session.flush()
    confirm_vote(replace_vote_link(pending))
    db_session.commit()
    return site, nomination


def search(client, address=ADDRESS):
    return post_form(client, "/admin/people", {"email": address})


def test_only_organisers_reach_the_page(client, judge_client):
    assert judge_client.get("/admin/people").status_code == 403
    assert judge_client.post("/admin/people/erase", data={"email": ADDRESS}).status_code in (400, 403)


def test_visitors_are_sent_to_sign_in(app):
    response = app.test_client().get("/admin/people")
    assert response.status_code == 302 and "/sign-in" in response.location


def test_the_dashboard_links_to_the_page(organiser_client):
    assert "/admin/people" in organiser_client.get("/admin/").get_data(as_text=True)


def test_an_empty_search_shows_the_error_summary(organiser_client):
    response = search(organiser_client, "")
    page = text_of(response)
    assert response.status_code == 422
    assert TITLE.search(page).group(1).startswith("Error: ")
    assert "There is a problem" in page and 'href="#email"' in page
    assert "Enter the person&#39;s email address" in response.get_data(as_text=True)
    assert 'aria-describedby="email-hint email-error"' in page


def test_a_search_shows_what_is_held_without_putting_the_address_in_a_url(organiser_client, sam):
    response = search(organiser_client, "  SAM.Person@Example.org")
    page = text_of(response)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert f"What we hold about {ADDRESS}" in page
    assert sam[1].reference in page and "receipt" in page
    assert "Download their data (JSON)" in page and "Erase their data" in page
    assert "?email=" not in page


def test_a_search_for_an_unknown_address_says_nothing_is_held(organiser_client, sam):
    page = text_of(search(organiser_client, "nobody@example.org"))
    assert "Nothing is held about this address." in page and "Erase their data" not in page


def test_download_is_a_private_json_file(organiser_client, sam):
    response = post_form(organiser_client, "/admin/people/download", {"email": ADDRESS}, form_page="/admin/people")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/json")
    assert response.headers["Content-Disposition"].startswith('attachment; filename="personal-data-')
    assert response.headers["Cache-Control"] == "no-store"
    data = json.loads(response.get_data(as_text=True))
    assert data["nominations_made"][0]["nominator_phone"] == "0131 496 0999"
    assert len(data["votes"]) == 1


def test_erase_asks_for_confirmation_with_the_rules_and_warns_about_an_open_vote(organiser_client, sam):
    response = post_form(organiser_client, "/admin/people/erase", {"email": ADDRESS}, form_page="/admin/people")
    page = text_of(response)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    assert f"Are you sure you want to erase the data of {ADDRESS}?" in page
    assert "their name becomes \"Erased on request\"" in page
    assert "stay counted, but are no longer linked to the person" in page
    assert "nothing stops this person voting again there" in page
    assert "There is a problem" not in page
    assert 'name="confirmed" value="yes"' in page


def test_erasing_without_a_reason_shows_the_error_and_changes_nothing(organiser_client, sam, db_session):
    response = post_form(organiser_client, "/admin/people/erase", {"email": ADDRESS, "confirmed": "yes", "reason": ""},
                         form_page="/admin/people")
    page = text_of(response)
    assert response.status_code == 422 and "There is a problem" in page and 'href="#reason"' in page
    db_session.refresh(sam[1])
    assert sam[1].nominator_email == ADDRESS


def test_an_organiser_cannot_erase_themselves_from_the_page(organiser_client, organiser):
    response = post_form(organiser_client, "/admin/people/erase",
                         {"email": organiser.email, "confirmed": "yes", "reason": "asked"}, form_page="/admin/people")
    assert response.status_code == 422 and "You cannot erase your own account" in text_of(response)


def test_after_erasing_the_person_is_gone_from_the_pages_and_the_csv_export(organiser_client, sam, db_session):
    site, nomination = sam
    response = post_form(organiser_client, "/admin/people/erase",
                         {"email": ADDRESS, "confirmed": "yes", "reason": "Asked by phone on 3 March"},
                         form_page="/admin/people")
    assert response.status_code == 303 and response.location == "/admin/people"
    assert "The person&#39;s data has been erased" in organiser_client.get("/admin/people").get_data(as_text=True)

    pages = [
        organiser_client.get(f"/admin/editions/{site.edition.id}/nominations"),
        organiser_client.get(f"/admin/nominations/{nomination.id}"),
        organiser_client.get(f"/admin/editions/{site.edition.id}/nominations.csv"),
        *(organiser_client.get(f"/admin/contests/{site.contest.id}/votes?show={part}") for part in VOTE_VIEW_PARTS),
    ]
    for page in pages:
        assert page.status_code == 200
        text = text_of(page)
        for erased in (ADDRESS, "Sam Nominator", "0131 496 0999"):
            assert erased not in text, (page.request.path, erased)
    assert "Erased on request" in text_of(pages[1]) and "Erased on request" in text_of(pages[2])
    assert "Nothing is held about this address." in text_of(search(organiser_client))


def test_a_judge_account_found_by_address_can_be_erased(app, organiser_client, db_session):
    make_judge(password=JUDGE_PASSWORD)
    db_session.commit()
    judge = app.test_client()
    assert post_form(judge, "/sign-in", {"email": JUDGE_EMAIL, "password": JUDGE_PASSWORD}).status_code == 303
    assert judge.get("/judging/").status_code == 200
    response = post_form(organiser_client, "/admin/people/erase",
                         {"email": JUDGE_EMAIL, "confirmed": "yes", "reason": "Left the panel and asked"},
                         form_page="/admin/people")
    assert response.status_code == 303
    assert judge.get("/judging/").status_code == 302  # signed out everywhere
    refused = post_form(judge, "/sign-in", {"email": JUDGE_EMAIL, "password": JUDGE_PASSWORD})
    assert refused.status_code == 422


def test_posts_need_the_csrf_token(organiser_client, sam):
    csrf_token_from(organiser_client, "/admin/people")
    assert organiser_client.post("/admin/people/erase", data={"email": ADDRESS, "confirmed": "yes",
                                                              "reason": "x"}).status_code == 400


def test_the_privacy_page_states_the_retention_periods_and_what_erasure_does(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "NOMINATION_CONTACT_RETENTION_DAYS", 40)
    monkeypatch.setitem(app.config, "OUTBOX_RETENTION_DAYS", 9)
    page = " ".join(text_of(client.get("/privacy")).split())
    assert "are deleted 40 days after the ceremony" in page
    assert "Your email address is deleted 40 days after the ceremony" in page
    assert "and then for 9 days so that we can check it arrived" in page
    assert "a vote you made stays counted" in page and "Erased on request" in page
