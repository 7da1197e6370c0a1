"""The judges' home, affiliations and conflicts pages through the test client: who may use them, what they show,
declaring conflicts (or none), tampered ids, CSRF and escaping."""
import html
import re

import pytest
from sqlalchemy import select

from awards_app.judging.models import Conflict, Score
from tests.factories.accounts import JUDGE_PASSWORD, ORGANISER_EMAIL, ORGANISER_PASSWORD, make_judge
from tests.factories.judging import make_scores, panels_site, place_of
from tests.factories.nominations import NOMINATOR, SECRET_ANSWER, SECRET_NOMINATOR, make_entry
from tests.web.forms import csrf_token_from, post_form, sign_in


@pytest.fixture
def site(db_session, clock):
    made = panels_site()
    db_session.commit()
    return made


@pytest.fixture
def jo(client, site):
    """A client signed in as Jo, on the projects panel, conflicts not yet declared."""
    return sign_in(client, "jo@example.org")


def conflicts_url(site, category=None) -> str:
    return f"/judging/categories/{(category or site.projects).id}/conflicts"


def declare(client, site, data: dict, action: str = "declare", step: str = ""):
    """Post the conflicts form: `data` maps entries to reasons (None: ticked without a reason box)."""
    payload = {"action": action, "conflict": [], "csrf_token": csrf_token_from(client, conflicts_url(site))}
    if step:
        payload["step"] = step
    for nomination, reason in data.items():
        payload["conflict"].append(str(nomination.id))
        if reason is not None:
            payload[f"reason-{nomination.id}"] = reason
    return client.post(conflicts_url(site), data=payload)


# --- Who may use the pages ----------------------------------------------------------------------------------------


def judge_urls(site):
    return ["/judging/", "/judging/affiliations", conflicts_url(site)]


def test_visitors_are_sent_to_sign_in(client, site, db_session):
    for url in judge_urls(site):
        response = client.get(url)
        assert response.status_code == 302 and "/sign-in" in response.headers["Location"], url
    token = csrf_token_from(client, "/sign-in")
    response = client.post(conflicts_url(site), data={"action": "none", "csrf_token": token})
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]
    assert place_of(site.judge, site.projects).conflicts_declared_at is None


def test_organisers_may_not_use_the_judges_pages(client, site, organiser):
    sign_in(client, ORGANISER_EMAIL, ORGANISER_PASSWORD)
    for url in judge_urls(site):
        assert client.get(url).status_code == 403, url
    token = csrf_token_from(client, "/admin/")
    assert client.post(conflicts_url(site), data={"action": "none", "csrf_token": token}).status_code == 403


def test_a_judge_cannot_reach_another_panel(jo, site, db_session):
    url = conflicts_url(site, site.carers)
    page = jo.get(url)
    assert page.status_code == 404
    assert "Morag Fraser" not in page.get_data(as_text=True)
    token = csrf_token_from(jo, conflicts_url(site))
    response = jo.post(url, data={"action": "none", "csrf_token": token})
    assert response.status_code == 404
    assert place_of(site.other_judge, site.carers).conflicts_declared_at is not None  # Sam's, untouched
    assert db_session.scalar(select(Conflict)) is None


@pytest.mark.parametrize("category_id", [0, 999999, 2**31 - 1, 2**31, 10**30])
def test_unknown_and_huge_category_ids_are_404s(jo, category_id):
    assert jo.get(f"/judging/categories/{category_id}/conflicts").status_code == 404


# --- The judge's home ---------------------------------------------------------------------------------------------


def test_home_shows_what_to_do_next(jo, site, db_session):
    text = jo.get("/judging/").get_data(as_text=True)
    assert "Project of the Year" in text and "Declare conflicts first" in text
    assert "Carer of the Year" not in text
    declare(jo, site, {}, action="none")
    make_scores(site.judge, site.garden, site.criteria)
    db_session.commit()
    text = jo.get("/judging/").get_data(as_text=True)
    assert "1 of 2 scored" in text
    assert f'href="/judging/categories/{site.projects.id}/entries"' in text
    place_of(site.judge, site.projects).submitted_at = site.edition.judging_end_at
    db_session.commit()
    assert "Submitted" in jo.get("/judging/").get_data(as_text=True)


def test_home_of_a_judge_without_panels(client, site, db_session):
    make_judge("lee@example.org", "Lee Loner", password=JUDGE_PASSWORD)
    db_session.commit()
    sign_in(client, "lee@example.org")
    assert "You are not on any judging panel yet" in client.get("/judging/").get_data(as_text=True)


# --- Before declaring: names only ---------------------------------------------------------------------------------


def test_before_declaring_the_judge_sees_names_and_suggestions_only(jo, site):
    page = jo.get(conflicts_url(site))
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Growing Together Garden" in text and "Leith Community Trust" in text
    assert "Strathdee Long Covid Peer Group" in text
    assert "Possible conflict:</strong> Its name appears in your affiliations." in text
    assert "I have no conflicts" in text and "Declare these conflicts" in text
    for secret in (SECRET_NOMINATOR, SECRET_ANSWER, NOMINATOR["nominee_email"], "Morag Fraser"):
        assert secret not in text


def test_blind_judging_hides_the_names(jo, site, db_session):
    site.edition.hide_nominee_names = True
    site.projects.names_can_be_hidden = True
    db_session.commit()
    text = jo.get(conflicts_url(site)).get_data(as_text=True)
    assert f"Entry {site.garden.reference}" in text
    assert "Growing Together Garden" not in text and "Strathdee Long Covid Peer Group" not in text
    # No suggestion either: "appears in your affiliations" beside a reference would confirm a guessed name.
    assert "appears in your affiliations" not in text and "Possible conflict" not in text


def test_the_organisers_conflicts_page_lists_what_blind_judges_are_not_shown(client, organiser, site, db_session):
    site.edition.hide_nominee_names = True
    site.projects.names_can_be_hidden = True
    db_session.commit()
    sign_in(client, organiser.email, ORGANISER_PASSWORD)
    text = html.unescape(client.get(f"/admin/editions/{site.edition.id}/conflicts").get_data(as_text=True))
    assert "Possible conflicts the judges are not shown" in text
    assert f"{site.strathdee.reference}, Strathdee Long Covid Peer Group" in text
    assert "Its name appears in the judge's affiliations." in text
    assert f'href="/admin/nominations/{site.strathdee.id}/recuse"' in text


def test_entries_stay_hidden_until_the_judge_declares(jo, site):
    for url in (f"/judging/entries/{site.garden.id}", f"/judging/categories/{site.projects.id}/entries"):
        response = jo.get(url)
        assert response.status_code == 303 and response.headers["Location"] == conflicts_url(site)


# --- Declaring ----------------------------------------------------------------------------------------------------


def test_no_conflicts_leads_on_to_scoring(jo, site, db_session):
    response = declare(jo, site, {}, action="none")
    assert response.status_code == 303
    assert response.headers["Location"] == f"/judging/categories/{site.projects.id}/entries"
    assert place_of(site.judge, site.projects).conflicts_declared_at is not None
    text = jo.get(conflicts_url(site)).get_data(as_text=True)
    assert "You declared that you have no conflicts in this category." in text
    assert "Declare another conflict" in text


def test_a_declared_conflict_vanishes_from_the_judges_lists(jo, site, db_session):
    response = declare(jo, site, {site.strathdee: "I am a member of the group."})
    assert response.status_code == 303
    [conflict] = db_session.scalars(select(Conflict))
    assert (conflict.nomination_id, conflict.kind, conflict.reason) == (site.strathdee.id, "declared", "I am a member of the group.")
    entries = jo.get(f"/judging/categories/{site.projects.id}/entries").get_data(as_text=True)
    assert "Growing Together Garden" in entries and "Strathdee Long Covid Peer Group" not in entries
    assert jo.get(f"/judging/entries/{site.strathdee.id}").status_code == 404
    text = jo.get(conflicts_url(site)).get_data(as_text=True)
    assert "You declared a conflict" in text and "I am a member of the group." in text


def test_a_ticked_entry_without_a_reason_is_shown_back(jo, site, db_session):
    response = declare(jo, site, {site.garden: "  ", site.strathdee: "I am a member."})
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "<title>Error: " in text and "There is a problem" in text
    assert f'href="#reason-{site.garden.id}"' in text
    assert "Say why you have a conflict with Growing Together Garden" in text
    for ticked in (site.garden, site.strathdee):  # both still ticked
        assert re.search(rf'id="conflict-{ticked.id}"\s+checked', text)
    assert "I am a member.</textarea>" in text
    assert db_session.scalar(select(Conflict)) is None
    assert place_of(site.judge, site.projects).conflicts_declared_at is None


def test_choices_that_contradict_each_other(jo, site, db_session):
    response = declare(jo, site, {site.garden: "Reason"}, action="none")
    assert response.status_code == 422
    assert "You ticked entries but chose ‘I have no conflicts’" in response.get_data(as_text=True)
    response = declare(jo, site, {}, action="declare")
    assert response.status_code == 422
    assert "Tick each entry you have a conflict with, or choose ‘I have no conflicts’" in response.get_data(as_text=True)
    assert place_of(site.judge, site.projects).conflicts_declared_at is None


@pytest.mark.parametrize("value", ["morag", "-1", "99999999999", str(2**31 - 1), "1e3", ""])
def test_tampered_entry_ids_are_404s(jo, site, db_session, value):
    token = csrf_token_from(jo, conflicts_url(site))
    response = jo.post(conflicts_url(site), data={"action": "declare", "conflict": value, "csrf_token": token})
    assert response.status_code == 404
    assert db_session.scalar(select(Conflict)) is None


def test_an_entry_of_another_category_cannot_be_declared(jo, site, db_session):
    response = declare(jo, site, {site.morag: "Reason"})
    assert response.status_code == 404
    assert db_session.scalar(select(Conflict)) is None


def test_an_unknown_action_is_a_bad_request(jo, site):
    token = csrf_token_from(jo, conflicts_url(site))
    assert jo.post(conflicts_url(site), data={"action": "delete", "csrf_token": token}).status_code == 400


def test_declaring_needs_the_csrf_token(jo, site, db_session):
    response = jo.post(conflicts_url(site), data={"action": "none"})
    assert response.status_code == 400
    assert place_of(site.judge, site.projects).conflicts_declared_at is None


def test_a_later_conflict_is_confirmed_and_keeps_the_judges_scores(jo, site, db_session):
    declare(jo, site, {}, action="none")
    make_scores(site.judge, site.garden, site.criteria)
    make_scores(site.judge, site.strathdee, site.criteria)
    db_session.commit()
    asked = declare(jo, site, {site.garden: "I found out my cousin runs it."})
    assert asked.status_code == 200
    assert "You gave this entry 2 scores. They will be kept but no longer counted" in asked.get_data(as_text=True)
    assert db_session.scalar(select(Conflict)) is None
    response = declare(jo, site, {site.garden: "I found out my cousin runs it."}, step="confirm")
    assert response.status_code == 303
    assert response.headers["Location"] == conflicts_url(site)
    kept = set(db_session.scalars(select(Score.nomination_id).where(Score.judge_id == site.judge.id)))
    assert kept == {site.garden.id, site.strathdee.id}
    text = jo.get(conflicts_url(site)).get_data(as_text=True)
    assert "removed from your lists. Any scores you gave are kept but no longer counted." in text
    # "I have no conflicts" is not a later answer.
    token = csrf_token_from(jo, conflicts_url(site))
    assert jo.post(conflicts_url(site), data={"action": "none", "csrf_token": token}).status_code == 400


def test_going_back_from_the_confirmation_keeps_the_choice(jo, site, db_session):
    declare(jo, site, {}, action="none")
    response = declare(jo, site, {site.garden: "My cousin runs it."}, step="change")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert re.search(rf'value="{site.garden.id}" id="conflict-{site.garden.id}"\s+checked', page)
    assert "My cousin runs it.</textarea>" in page
    assert db_session.scalar(select(Conflict)) is None


def test_no_more_declarations_once_shortlisted(jo, site, db_session):
    declare(jo, site, {}, action="none")
    site.projects.shortlisted_at = site.edition.judging_end_at
    db_session.commit()
    text = jo.get(conflicts_url(site)).get_data(as_text=True)
    assert "The shortlist of this category has been chosen" in text
    assert "Declare another conflict" not in text
    response = declare(jo, site, {site.garden: "Reason"})
    assert response.status_code == 422
    assert db_session.scalar(select(Conflict)) is None


def test_names_are_escaped(jo, site, db_session):
    make_entry(site.projects, "<script>alert('x')</script>", "<b>Bold</b> Trust")
    db_session.commit()
    text = jo.get(conflicts_url(site)).get_data(as_text=True)
    assert "<script>alert" not in text and "&lt;script&gt;" in text
    assert "<b>Bold</b>" not in text


# --- Affiliations -------------------------------------------------------------------------------------------------


def test_recording_affiliations_returns_to_the_conflicts_page(jo, site, db_session):
    url = f"/judging/affiliations?category={site.projects.id}"
    response = post_form(jo, url, {"affiliations": "Leith Community Trust"})
    assert response.status_code == 303 and response.headers["Location"] == conflicts_url(site)
    db_session.refresh(site.judge)
    assert site.judge.affiliations == "Leith Community Trust"
    assert "Its organisation appears in your affiliations." in jo.get(conflicts_url(site)).get_data(as_text=True)


@pytest.mark.parametrize("category", ["", "abc", "999999", "99999999999999"])
def test_affiliations_ignore_a_category_that_is_not_the_judges(jo, site, category):
    response = post_form(jo, f"/judging/affiliations?category={category}", {"affiliations": "Leith"})
    assert response.headers["Location"] == "/judging/"


def test_affiliations_too_long(jo, site):
    response = post_form(jo, "/judging/affiliations", {"affiliations": "x" * 2001})
    assert response.status_code == 422
    assert "2,000 characters or fewer" in response.get_data(as_text=True)


def test_signed_in_judges_see_a_link_to_their_area(client, db_session):
    from tests.factories.accounts import JUDGE_EMAIL, JUDGE_PASSWORD, make_judge
    from tests.web.forms import post_form

    make_judge(password=JUDGE_PASSWORD)
    db_session.commit()
    post_form(client, "/sign-in", {"email": JUDGE_EMAIL, "password": JUDGE_PASSWORD})
    assert 'href="/judging/">Judges\' area</a>' in client.get("/").get_data(as_text=True)
