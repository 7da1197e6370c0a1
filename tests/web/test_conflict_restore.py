"""The organisers' conflicts of interest pages through the test client: who may use them, the list with the work
kept, restoring with a reason (and the judge's entry coming back with its scores), refusals, bad ids and escaping."""
import pytest
from sqlalchemy import select

from awards_app.core.models import AuditEvent
from awards_app.judging.models import Conflict
from tests.factories.accounts import ORGANISER_EMAIL, ORGANISER_PASSWORD
from tests.factories.judging import make_conflict, make_scores, panels_site, place_of
from tests.web.forms import csrf_token_from, post_form, sign_in


@pytest.fixture
def site(db_session, clock):
    """Jo (conflicts declared) scored the garden, then declared a conflict with it by mistake."""
    made = panels_site()
    place_of(made.judge, made.projects).conflicts_declared_at = clock.now()
    make_scores(made.judge, made.garden, made.criteria, 8, 9, comment="Lovely")
    made.conflict = make_conflict(made.judge, made.garden, reason="Ticked the wrong <b>box</b>")
    db_session.commit()
    return made


@pytest.fixture
def orga(client, site, organiser):
    return sign_in(client, ORGANISER_EMAIL, ORGANISER_PASSWORD)


def list_url(site) -> str:
    return f"/admin/editions/{site.edition.id}/conflicts"


def restore_url(conflict_id) -> str:
    return f"/admin/conflicts/{conflict_id}/restore"


def test_visitors_and_judges_may_not_use_the_pages(app, client, site, organiser):
    for url in (list_url(site), restore_url(site.conflict.id)):
        assert client.get(url).headers["Location"].startswith("/sign-in")
    jo = sign_in(app.test_client(), "jo@example.org")
    token = csrf_token_from(jo, "/judging/affiliations")
    for url in (list_url(site), restore_url(site.conflict.id)):
        assert jo.get(url).status_code == 403
    assert jo.post(restore_url(site.conflict.id), data={"csrf_token": token, "reason": "Mine"}).status_code == 403


def test_the_list_shows_each_conflict_with_the_work_kept(orga, site):
    page = orga.get(list_url(site)).get_data(as_text=True)
    assert "Jo Judge and " + site.garden.reference in page
    assert "Declared by the judge" in page
    assert "2 scores and a comment" in page
    assert "Ticked the wrong &lt;b&gt;box&lt;/b&gt;" in page  # escaped
    assert f'href="{restore_url(site.conflict.id)}"' in page


def test_the_list_of_an_edition_without_conflicts(orga, site, db_session):
    db_session.delete(db_session.get(Conflict, site.conflict.id))
    db_session.commit()
    assert "No conflicts of interest have been recorded" in orga.get(list_url(site)).get_data(as_text=True)


def test_the_judging_overview_links_to_the_list(orga, site):
    page = orga.get(f"/admin/editions/{site.edition.id}/judging").get_data(as_text=True)
    assert f'href="{list_url(site)}"' in page


def test_restoring_needs_a_reason_and_keeps_what_was_typed(orga, site, db_session):
    response = post_form(orga, restore_url(site.conflict.id), {"reason": "  "})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Say why the conflict is being restored" in page and "Error: " in page
    response = post_form(orga, restore_url(site.conflict.id), {"reason": "Long " * 201})
    assert response.status_code == 422
    assert "1,000 characters or fewer" in response.get_data(as_text=True)
    assert "Long Long" in response.get_data(as_text=True)
    assert db_session.scalar(select(Conflict)) is not None


def test_restoring_brings_the_entry_back_to_the_judge_with_their_scores(app, orga, site, db_session):
    jo = sign_in(app.test_client(), "jo@example.org")
    entry_url = f"/judging/entries/{site.garden.id}"
    assert jo.get(entry_url).status_code == 404
    page = orga.get(restore_url(site.conflict.id)).get_data(as_text=True)
    assert "the 2 scores and a comment they gave it will count again" in page
    response = post_form(orga, restore_url(site.conflict.id), {"reason": "Jo ticked the wrong entry, by phone"})
    assert response.status_code == 303 and response.headers["Location"] == list_url(site)
    assert "the 2 scores and a comment they gave it count again" in orga.get(list_url(site)).get_data(as_text=True)
    assert db_session.scalar(select(Conflict)) is None
    event = db_session.scalar(select(AuditEvent).where(AuditEvent.action == "conflict.restored"))
    assert event.details["reason"] == "Jo ticked the wrong entry, by phone"
    entry = jo.get(entry_url)
    assert entry.status_code == 200
    text = entry.get_data(as_text=True)
    assert 'value="8" checked' in text and 'value="9" checked' in text and ">Lovely</textarea>" in text


def test_no_restoring_once_the_shortlist_is_chosen(orga, site, db_session, clock):
    site.projects.shortlisted_at = clock.now()
    db_session.commit()
    assert "Cannot be restored: The shortlist of ‘Project of the Year" in orga.get(list_url(site)).get_data(as_text=True)
    page = orga.get(restore_url(site.conflict.id)).get_data(as_text=True)
    assert "This conflict cannot be restored" in page and "<textarea" not in page
    response = post_form(orga, restore_url(site.conflict.id), {"reason": "Mistake"}, form_page=list_url(site))
    assert response.status_code == 422
    assert "Counting them now would change the figures" in response.get_data(as_text=True)
    assert db_session.scalar(select(Conflict)) is not None


def test_no_restoring_while_the_judges_scores_are_submitted(orga, site, db_session, clock):
    place_of(site.judge, site.projects).submitted_at = clock.now()
    db_session.commit()
    response = post_form(orga, restore_url(site.conflict.id), {"reason": "Mistake"}, form_page=list_url(site))
    assert response.status_code == 422
    assert "Unlock their scores on the category&#39;s judging page first" in response.get_data(as_text=True)
    assert db_session.scalar(select(Conflict)) is not None


@pytest.mark.parametrize("conflict_id", [999999, 2**31, 10**20])
def test_unknown_and_huge_ids_are_404s(orga, site, conflict_id):
    assert orga.get(restore_url(conflict_id)).status_code == 404
    token = csrf_token_from(orga, list_url(site))
    assert orga.post(restore_url(conflict_id), data={"csrf_token": token, "reason": "x"}).status_code == 404


def test_restoring_needs_the_csrf_token(orga, site, db_session):
    assert orga.post(restore_url(site.conflict.id), data={"reason": "Mistake"}).status_code == 400
    assert db_session.scalar(select(Conflict)) is not None


def test_under_assignment_a_pair_moved_away_must_be_assigned_by_hand_first(orga, site, db_session, organiser):
    from awards_app.judging import assignment
    from awards_app.judging.models import JudgeAssignment
    assignment.set_plan(organiser, site.projects, 1, 2)  # a rerun while the conflict stood assigned the garden away
    db_session.commit()
    response = post_form(orga, restore_url(site.conflict.id), {"reason": "Mistake"}, form_page=list_url(site))
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "no longer assigned to" in text and "Assign the judge to the entry by hand on the assignment page" in text
    assert db_session.scalar(select(Conflict)) is not None

    db_session.add(JudgeAssignment(judge_id=site.judge.id, nomination_id=site.garden.id, how="hand"))
    db_session.commit()
    response = post_form(orga, restore_url(site.conflict.id), {"reason": "Mistake"}, form_page=list_url(site))
    assert response.status_code == 303 and db_session.scalar(select(Conflict)) is None


def test_a_conflict_recorded_after_the_shortlist_can_be_restored(orga, site, db_session, clock):
    from datetime import timedelta
    site.projects.shortlisted_at = site.conflict.recorded_at - timedelta(minutes=5)
    db_session.commit()
    assert "Cannot be restored" not in orga.get(list_url(site)).get_data(as_text=True)
    response = post_form(orga, restore_url(site.conflict.id), {"reason": "Mistake"}, form_page=list_url(site))
    assert response.status_code == 303 and db_session.scalar(select(Conflict)) is None
