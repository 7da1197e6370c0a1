"""The organisers' assignment page through the test client: settings, run, hand changes and their refusals, and a
judge who cannot reach an entry not assigned to them."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from awards_app.judging.models import AssignmentPlan, JudgeAssignment
from tests.factories.accounts import make_judge
from tests.factories.judging import make_conflict, make_panel, make_scores, seat
from tests.web.forms import post_form, sign_in


@pytest.fixture
def panel(db_session, clock):
    """Four entries, two judges (the signed-in-able one from make_panel and Judge Two), committed."""
    panel = make_panel(entries=4)
    panel.other = make_judge("judge.two@example.org", "Judge Two")
    seat(panel.other, panel.category)
    db_session.commit()
    panel.page = f"/admin/categories/{panel.category.id}/judging/assignment"
    return panel


def body(response) -> str:
    """The page's text with spaces collapsed."""
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


def pairs(db_session) -> set[tuple[int, int]]:
    """Every stored assignment."""
    return {(row.judge_id, row.nomination_id) for row in db_session.scalars(select(JudgeAssignment))}


def set_plan(client, panel, per_entry="1", most="2"):
    """Post the settings form."""
    return post_form(client, f"{panel.page}/plan",
                     {"judges_per_entry": per_entry, "most_entries_per_judge": most}, form_page=panel.page)


def test_the_category_page_links_to_the_assignment_page(organiser_client, panel):
    page = organiser_client.get(f"/admin/categories/{panel.category.id}/judging")
    assert f'href="{panel.page}"' in page.get_data(as_text=True)


def test_without_a_plan_the_page_explains_and_offers_only_the_settings(organiser_client, panel):
    page = organiser_client.get(panel.page)
    assert page.status_code == 200
    text = body(page)
    assert "Every judge on this category's panel scores every entry" in text
    assert "Run the assignment" not in text


def test_saving_the_settings_and_running_assigns_every_entry(organiser_client, panel, db_session):
    saved = set_plan(organiser_client, panel)
    assert saved.status_code == 303
    ran = post_form(organiser_client, f"{panel.page}/run", {}, form_page=panel.page)
    assert ran.status_code == 303
    page = organiser_client.get(f"{panel.page}?part=entries")  # the judges and entries, under their tab
    assert "The assignment is done: 4 added, 0 removed, 0 kept" in body(page)
    assert "Each judge has 2 entries." in body(page)
    assert len(pairs(db_session)) == 4
    assert "1 of 1" in body(page)


@pytest.mark.parametrize("per_entry, most, message", [
    ("", "2", "Enter how many judges each entry needs"),
    ("two", "2", "Judges per entry must be a whole number"),
    ("0", "2", "Judges per entry must be a whole number from 1 to 50"),
    ("1", "99999999999999999999", "Most entries per judge must be a whole number from 1 to 10,000"),
])
def test_wrong_settings_are_refused_with_what_was_typed_kept(organiser_client, panel, per_entry, most, message):
    response = set_plan(organiser_client, panel, per_entry, most)
    assert response.status_code == 422
    text = body(response)
    assert message in text and "There is a problem" in text
    assert f'value="{per_entry}"' in text or per_entry == ""


def test_a_run_that_cannot_be_done_says_what_to_change(organiser_client, panel, db_session):
    set_plan(organiser_client, panel, "2", "1")
    response = post_form(organiser_client, f"{panel.page}/run", {}, form_page=panel.page)
    assert response.status_code == 409
    assert "Raise the most entries per judge to 4 or more" in body(response)
    assert pairs(db_session) == set()


def test_running_without_settings_is_refused(organiser_client, panel):
    response = post_form(organiser_client, f"{panel.page}/run", {}, form_page=panel.page)
    assert response.status_code == 409
    assert "Set how many judges each entry needs" in body(response)


def test_adding_a_conflicted_judge_by_hand_is_refused_with_the_reason(organiser_client, panel, db_session):
    set_plan(organiser_client, panel, "1", "4")
    make_conflict(panel.other, panel.entries[0])
    db_session.commit()
    response = post_form(organiser_client, f"{panel.page}/add",
                         {"nomination_id": panel.entries[0].id, "judge_id": panel.other.id}, form_page=panel.page)
    assert response.status_code == 422
    assert "Judge Two has a conflict recorded (declared), so they cannot be assigned it." in body(response)
    assert pairs(db_session) == set()


def test_adding_and_removing_a_judge_by_hand(organiser_client, panel, db_session):
    set_plan(organiser_client, panel, "1", "4")
    entry = panel.entries[1]
    added = post_form(organiser_client, f"{panel.page}/add",
                      {"nomination_id": entry.id, "judge_id": panel.other.id}, form_page=panel.page)
    assert added.status_code == 303
    assert (panel.other.id, entry.id) in pairs(db_session)
    assert "(by hand)" in body(organiser_client.get(f"{panel.page}?part=entries"))

    removed = post_form(organiser_client, f"{panel.page}/remove",
                        {"nomination_id": entry.id, "judge_id": panel.other.id}, form_page=panel.page)
    assert removed.status_code == 303
    assert pairs(db_session) == set()


def test_the_page_is_two_parts_under_tabs_and_hand_changes_come_back_to_the_second(organiser_client, panel):
    set_plan(organiser_client, panel, "1", "4")
    settings = body(organiser_client.get(panel.page))
    assert 'aria-current="page">Settings</a>' in settings and "Run the assignment" in settings
    assert "Each entry's judges" not in settings and f'href="{panel.page}?part=entries"' in settings
    entries = body(organiser_client.get(f"{panel.page}?part=entries"))
    assert 'aria-current="page">Judges and entries</a>' in entries and "Add the judge" in entries
    assert "Save the settings" not in entries
    assert "Save the settings" in body(organiser_client.get(f"{panel.page}?part=nonsense"))
    added = post_form(organiser_client, f"{panel.page}/add",
                      {"nomination_id": panel.entries[0].id, "judge_id": panel.judge.id}, form_page=panel.page)
    assert added.headers["Location"].endswith(f"{panel.page}?part=entries#entries")


@pytest.mark.parametrize("fields", [{}, {"nomination_id": "abc", "judge_id": "1"},
                                    {"nomination_id": "999999999", "judge_id": "999999999"},
                                    {"nomination_id": "\u00b2", "judge_id": "\u00b3"}])
def test_a_tampered_pair_is_refused_in_plain_words(organiser_client, panel, fields):
    set_plan(organiser_client, panel, "1", "4")
    response = post_form(organiser_client, f"{panel.page}/add", fields, form_page=panel.page)
    assert response.status_code == 422
    assert "Choose an entry from the list" in body(response)


def test_removing_a_judge_who_has_started_is_refused(organiser_client, panel, db_session):
    set_plan(organiser_client, panel, "1", "4")
    post_form(organiser_client, f"{panel.page}/run", {}, form_page=panel.page)
    judge_id, entry_id = sorted(pairs(db_session))[0]
    judge = panel.judge if judge_id == panel.judge.id else panel.other
    make_scores(judge, next(entry for entry in panel.entries if entry.id == entry_id), panel.criteria, 5)
    db_session.commit()
    assert "(started: stays)" in body(organiser_client.get(f"{panel.page}?part=entries"))
    response = post_form(organiser_client, f"{panel.page}/remove",
                         {"nomination_id": entry_id, "judge_id": judge_id}, form_page=panel.page)
    assert response.status_code == 409
    assert "work already done is never moved" in body(response)


def test_stopping_assignment(organiser_client, panel, db_session):
    set_plan(organiser_client, panel, "1", "4")
    post_form(organiser_client, f"{panel.page}/run", {}, form_page=panel.page)
    response = post_form(organiser_client, f"{panel.page}/stop", {}, form_page=panel.page)
    assert response.status_code == 303
    assert db_session.scalars(select(AssignmentPlan)).first() is None and pairs(db_session) == set()


def test_an_unknown_category_is_404(organiser_client, panel):
    assert organiser_client.get("/admin/categories/999999/judging/assignment").status_code == 404


def test_a_judge_sees_only_their_entries_and_cannot_reach_another_by_its_address(client, panel, organiser, db_session):
    from awards_app.judging.assignment import run_assignment, set_plan as save_plan

    save_plan(organiser, panel.category, 1, 2)
    run_assignment(organiser, panel.category)
    db_session.commit()
    mine = {entry for judge, entry in pairs(db_session) if judge == panel.judge.id}
    theirs = [entry for entry in panel.entries if entry.id not in mine]
    assert len(mine) == 2 and len(theirs) == 2
    sign_in(client, panel.judge.email)

    listing = body(client.get(f"/judging/categories/{panel.category.id}/entries"))
    for entry in panel.entries:
        assert (f"/judging/entries/{entry.id}" in listing) == (entry.id in mine)
    assert client.get(f"/judging/entries/{theirs[0].id}").status_code == 404
    assert client.get(f"/judging/entries/{sorted(mine)[0]}").status_code == 200
