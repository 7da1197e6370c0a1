"""Panel changes through the pages: the organisers pause, resume, remove (after confirming) and restore a judge on
one panel, and choose what a judge added after the shortlist does; the judge's pages follow (read-only when paused,
gone when removed, the final round only, or nothing to do)."""
from __future__ import annotations

import html
import re

import pytest
from flask import Flask
from sqlalchemy import select

from awards_app.accounts.models import User
from awards_app.accounts.passwords import hash_password
from awards_app.core import clock as app_clock
from awards_app.judging import panels
from awards_app.judging.models import PanelMember, PanelRole, PanelStatus
from tests.factories.accounts import JUDGE_PASSWORD, make_judge
from tests.factories.judging import judging_site, make_finalists, place_of
from tests.web.forms import csrf_token_from, post_form, sign_in


@pytest.fixture
def site(db_session, clock, organiser):
    """The judging site with Morag, Hamish and Ailsa shortlisted in Carer of the Year (no public vote); judge A can
    sign in."""
    site = judging_site()
    site.finalists = make_finalists(site.category, [site.morag, site.hamish, site.ailsa], organiser)
    site.category.shortlisted_at = app_clock.now()
    site.judges[0].password_hash = hash_password(JUDGE_PASSWORD)
    db_session.commit()
    site.judges_page = f"/admin/editions/{site.edition.id}/judges"
    site.category_page = f"/admin/categories/{site.category.id}/judging"
    return site


def text_of(response) -> str:
    """The page as text, entities decoded, spaces collapsed."""
    body = response.get_data(as_text=True)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", body)))


def place_url(place: PanelMember, action: str) -> str:
    return f"/admin/panel-places/{place.id}/{action}"


def reload(db_session, place: PanelMember) -> PanelMember:
    db_session.expire_all()
    return db_session.get(PanelMember, place.id)


def judge_client(app: Flask, email: str):
    """A fresh client signed in as this judge."""
    return sign_in(app.test_client(), email, JUDGE_PASSWORD)


# --- Pausing, resuming, removing, restoring ---------------------------------------------------------------------------


def test_the_judges_page_shows_each_place_with_its_status_role_and_actions(organiser_client, site):
    text = text_of(organiser_client.get(site.judges_page))
    assert "Carer of the Year : Active Scores the entries." in text
    place = place_of(site.judges[0], site.category)
    body = organiser_client.get(site.judges_page).get_data(as_text=True)
    assert place_url(place, "pause") in body and place_url(place, "remove") in body
    assert "Pause Aileen Fraser in Carer of the Year" in text


def test_pausing_and_resuming_a_judge(organiser_client, site, db_session):
    place = place_of(site.judges[0], site.category)
    response = post_form(organiser_client, place_url(place, "pause"), {}, form_page=site.judges_page)
    assert response.status_code == 303
    assert reload(db_session, place).status == PanelStatus.PAUSED
    text = text_of(organiser_client.get(site.judges_page))
    assert "is paused on the panel of ‘Carer of the Year’" in text
    assert re.search(r"Paused by Olivia Organiser on \w+ \d+ \w+ 2026: their work \(10 scores\) is kept but not counted",
                     text), text
    judging = text_of(organiser_client.get(site.category_page))
    assert re.search(r"Aileen Fraser: paused by Olivia Organiser on \w+ \d+ \w+ 2026\. Their 10 scores are kept but not "
                     r"counted\.", judging)
    final_round = text_of(organiser_client.get(site.category_page + "/final-round"))
    assert "0 of 2 judges have submitted their final ranks" in final_round

    response = post_form(organiser_client, place_url(place, "resume"), {}, form_page=site.judges_page)
    assert response.status_code == 303 and reload(db_session, place).status == PanelStatus.ACTIVE


def test_resuming_an_active_judge_is_refused_in_words(organiser_client, site, db_session):
    place = place_of(site.judges[0], site.category)
    post_form(organiser_client, place_url(place, "resume"), {}, form_page=site.judges_page)
    text = text_of(organiser_client.get(site.judges_page))
    assert "Aileen Fraser is active on the panel of ‘Carer of the Year’, so they cannot be resumed." in text


def test_removing_asks_for_confirmation_then_keeps_the_work(organiser_client, site, db_session):
    place = place_of(site.judges[2], site.category)
    page = organiser_client.get(place_url(place, "remove"))
    assert page.status_code == 200
    text = text_of(page)
    assert "Remove Morven Clark from the panel of Carer of the Year?" in text
    assert "Their work here (8 scores) is kept, but no longer counts" in text
    assert reload(db_session, place).status == PanelStatus.ACTIVE  # asking changes nothing

    response = post_form(organiser_client, place_url(place, "remove"), {})
    assert response.status_code == 303
    assert reload(db_session, place).status == PanelStatus.REMOVED
    assert "Restore Morven Clark in Carer of the Year" in text_of(organiser_client.get(site.judges_page))

    again = post_form(organiser_client, place_url(place, "remove"), {}, form_page=site.judges_page)
    assert again.status_code == 422 and "cannot be removed" in text_of(again)

    response = post_form(organiser_client, place_url(place, "restore"), {}, form_page=site.judges_page)
    assert response.status_code == 303 and reload(db_session, place).status == PanelStatus.ACTIVE


def test_an_unknown_place_is_not_found(organiser_client, site):
    assert organiser_client.get("/admin/panel-places/999999/remove").status_code == 404
    token = csrf_token_from(organiser_client, site.judges_page)
    assert organiser_client.post("/admin/panel-places/999999/pause", data={"csrf_token": token}).status_code == 404


# --- The judge's pages follow ------------------------------------------------------------------------------------------


def test_a_paused_judge_sees_their_pages_read_only_with_a_notice(app, organiser_client, site, db_session):
    place = place_of(site.judges[0], site.category)
    post_form(organiser_client, place_url(place, "pause"), {}, form_page=site.judges_page)
    judge = judge_client(app, site.judges[0].email)
    home = text_of(judge.get("/judging/"))
    assert "Paused The awards team has paused your judging in ‘Carer of the Year’" in home
    entry = judge.get(f"/judging/entries/{site.morag.id}")
    assert entry.status_code == 200
    assert "The awards team has paused your judging in Carer of the Year" in text_of(entry)
    final = text_of(judge.get(f"/judging/categories/{site.category.id}/final-round"))
    assert "paused your judging" in final and "Submit my final ranking" not in final


def test_a_removed_judge_no_longer_sees_the_category(app, organiser_client, site):
    place = place_of(site.judges[0], site.category)
    post_form(organiser_client, place_url(place, "remove"), {})
    judge = judge_client(app, site.judges[0].email)
    assert "Carer of the Year" not in text_of(judge.get("/judging/"))
    assert judge.get(f"/judging/categories/{site.category.id}/entries").status_code == 404
    assert judge.get(f"/judging/entries/{site.morag.id}").status_code == 404


# --- Adding a judge after the shortlist ------------------------------------------------------------------------------


def test_adding_a_judge_after_the_shortlist_warns_and_asks_what_they_do(organiser_client, site, db_session):
    text = text_of(organiser_client.get(f"{site.judges_page}/new"))
    assert "If you add them to Carer of the Year now, what should they do?" in text
    assert "a judge added now cannot score its entries" in text
    data = {"name": "Lena Late", "email": "lena@example.org", "category": [str(site.category.id)]}
    refused = post_form(organiser_client, f"{site.judges_page}/new", data, form_page=site.judges_page)
    assert refused.status_code == 422
    assert "choose whether they rank the finalists in the final round, or have nothing to do" in text_of(refused)
    assert 'value="Lena Late"' in refused.get_data(as_text=True)  # what was typed is kept
    assert db_session.scalar(select(User).where(User.email == "lena@example.org")) is None  # nothing half done

    data[f"role-{site.category.id}"] = PanelRole.FINAL_ONLY
    added = post_form(organiser_client, f"{site.judges_page}/new", data, form_page=site.judges_page)
    assert added.status_code == 303
    lena = db_session.scalar(select(User).where(User.email == "lena@example.org"))
    assert place_of(lena, site.category).role == PanelRole.FINAL_ONLY
    assert "Carer of the Year : Active Final round only." in text_of(organiser_client.get(site.judges_page))


def test_an_existing_judges_panels_form_asks_the_same(organiser_client, site, db_session):
    other = make_judge("ned@example.org", "Ned Newcomer")
    db_session.commit()
    url = f"{site.judges_page}/{other.id}/panels"
    post_form(organiser_client, url, {"category": [str(site.category.id)]}, form_page=site.judges_page)
    assert db_session.scalar(select(PanelMember).where(PanelMember.judge_id == other.id)) is None
    post_form(organiser_client, url, {"category": [str(site.category.id)], f"role-{site.category.id}": "none"},
              form_page=site.judges_page)
    assert place_of(other, site.category).role == PanelRole.NONE


def test_a_final_round_judge_goes_from_their_conflicts_to_the_final_round(app, site, db_session, organiser):
    late = make_judge("lena@example.org", "Lena Late", password=JUDGE_PASSWORD)
    panels.add_to_panel(organiser, late, site.category, PanelRole.FINAL_ONLY)
    db_session.commit()
    judge = judge_client(app, late.email)
    home = text_of(judge.get("/judging/"))
    assert "You are on this panel for the final round only" in home
    conflicts_url = f"/judging/categories/{site.category.id}/conflicts"
    page = text_of(judge.get(conflicts_url))
    assert "Morag Fraser" in page and "Hamish MacLeod" in page and "Eilidh Ross" not in page
    response = post_form(judge, conflicts_url, {"action": "none"})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/judging/categories/{site.category.id}/final-round")
    assert "Final round only" in text_of(judge.get("/judging/"))
    assert judge.get(f"/judging/entries/{site.eilidh.id}").status_code == 404  # not a finalist
    # Back on the conflicts page, the way on is the final round, never the entries they do not score.
    declared = judge.get(conflicts_url).get_data(as_text=True)
    assert f'href="/judging/categories/{site.category.id}/final-round">Rank the finalists</a>' in declared
    assert "Score the entries" not in declared


def test_a_judge_with_nothing_to_do_sees_the_category_and_nothing_else(app, site, db_session, organiser):
    idle = make_judge("ian@example.org", "Ian Idle", password=JUDGE_PASSWORD)
    panels.add_to_panel(organiser, idle, site.category, PanelRole.NONE)
    db_session.commit()
    judge = judge_client(app, idle.email)
    assert "Nothing to do this year" in text_of(judge.get("/judging/"))
    assert judge.get(f"/judging/categories/{site.category.id}/final-round").status_code == 404
    assert judge.get(f"/judging/entries/{site.morag.id}").status_code == 404


def test_a_final_round_judges_first_ticks_are_confirmed_before_they_are_recorded(app, site, db_session, organiser):
    from awards_app.judging.models import Conflict
    late = make_judge("lena@example.org", "Lena Late", password=JUDGE_PASSWORD)
    panels.add_to_panel(organiser, late, site.category, PanelRole.FINAL_ONLY)
    db_session.commit()
    judge = judge_client(app, late.email)
    conflicts_url = f"/judging/categories/{site.category.id}/conflicts"
    ticked = {"action": "declare", "conflict": [str(site.morag.id)], f"reason-{site.morag.id}": "My neighbour"}
    page = post_form(judge, conflicts_url, ticked)
    assert page.status_code == 200 and "Yes, declare the conflict" in text_of(page)
    assert db_session.scalar(select(Conflict).where(Conflict.judge_id == late.id)) is None
    response = post_form(judge, conflicts_url, {**ticked, "step": "confirm"})
    assert response.status_code == 303
    assert db_session.scalar(select(Conflict).where(Conflict.judge_id == late.id)) is not None
