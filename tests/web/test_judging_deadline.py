"""The judging deadline on every judges' page (not on fragments, nor on anyone else's pages), guidance beside each
score, and the organisers' view of the reminders that go by themselves."""
from __future__ import annotations

from datetime import timedelta

import pytest

from awards_app.judging.deadline_reminders import queue_due_reminders
from awards_app.programme import categories
from awards_app.programme.criteria import criteria_for
from tests.factories.accounts import ORGANISER_EMAIL, ORGANISER_PASSWORD
from tests.factories.judging import make_finalists, make_panel
from tests.web.forms import csrf_token_from, sign_in

DUE = "Scores are due by 9am on Monday 23 March 2026 (in 3 days)."
GUIDANCE = "0 to 3: little evidence; 4 to 6: some difference made; 7 to 10: a lasting difference to many people."


@pytest.fixture
def panel(db_session, clock):
    """Three entries, two criteria, one judge on the panel, three days before the judging deadline; committed."""
    panel = make_panel(entries=3)
    clock.set(panel.edition.judging_end_at - timedelta(days=3))
    db_session.commit()
    return panel


@pytest.fixture
def judge(client, panel):
    """A client signed in as the panel's judge."""
    return sign_in(client, panel.judge.email)


def judge_pages(panel) -> list[str]:
    """Every page a judge on the panel reads while scoring."""
    category = panel.category.id
    return [
        "/judging/", "/judging/affiliations", f"/judging/categories/{category}/conflicts",
        f"/judging/categories/{category}/entries", f"/judging/entries/{panel.entries[0].id}",
        f"/judging/categories/{category}/submit",
    ]


def test_every_judges_page_shows_the_deadline_once(judge, panel):
    for page in judge_pages(panel):
        body = judge.get(page).get_data(as_text=True)
        assert body.count(DUE) == 1, page


def test_after_the_deadline_the_pages_say_so(judge, panel, clock):
    clock.set(panel.edition.judging_end_at + timedelta(days=1))
    body = judge.get(f"/judging/categories/{panel.category.id}/entries").get_data(as_text=True)
    assert "The deadline for scores has passed: it was 9am on Monday 23 March 2026 (yesterday)." in body
    assert "Scores are due" not in body


def test_an_autosave_answer_has_no_deadline(judge, panel):
    entry = f"/judging/entries/{panel.entries[0].id}"
    answer = judge.post(entry, data={f"score-{panel.criteria[0].id}": "7"},
                        headers={"HX-Request": "true", "X-CSRFToken": csrf_token_from(judge, entry)})
    assert answer.status_code == 200 and "Saved" in answer.get_data(as_text=True)
    assert "Scores are due" not in answer.get_data(as_text=True)


def test_once_the_shortlist_is_published_the_deadline_goes(judge, panel, organiser, db_session, clock):
    panel.edition.shortlist_published_at = clock.now()
    db_session.commit()
    assert "Scores are due" not in judge.get("/judging/").get_data(as_text=True)


def test_organisers_pages_show_no_deadline(app, panel, organiser):
    admin = sign_in(app.test_client(), ORGANISER_EMAIL, ORGANISER_PASSWORD)
    body = admin.get(f"/admin/editions/{panel.edition.id}/judging").get_data(as_text=True)
    assert "Scores are due" not in body


def test_guidance_is_beside_the_score_and_describes_it(judge, panel, organiser, db_session):
    categories.update_criterion(organiser, panel.criteria[0], name="Impact", weight=1, scale_min=0, scale_max=10,
                                guidance=GUIDANCE)
    db_session.commit()
    body = judge.get(f"/judging/entries/{panel.entries[0].id}").get_data(as_text=True)
    field = f"score-{panel.criteria[0].id}"
    assert f'aria-describedby="{field}-hint {field}-guidance"' in body
    assert f'<p id="{field}-guidance" class="hint multiline">What the scores mean: {GUIDANCE}</p>' in body
    other = f"score-{panel.criteria[1].id}"
    assert f'aria-describedby="{other}-hint"' in body and f"{other}-guidance" not in body


def test_the_entry_page_shows_the_categorys_own_criteria(judge, panel, organiser, db_session):
    courage = categories.add_criterion(organiser, panel.edition, panel.category, name="Courage", weight=1,
                                       scale_min=1, scale_max=5, guidance="1: none shown; 5: a great deal")
    db_session.commit()
    body = judge.get(f"/judging/entries/{panel.entries[0].id}").get_data(as_text=True)
    assert criteria_for(panel.category) == [courage]
    assert f'name="score-{courage.id}"' in body and "What the scores mean: 1: none shown; 5: a great deal" in body
    assert f'name="score-{panel.criteria[0].id}"' not in body


def test_organisers_see_when_the_automatic_reminders_go_and_went(app, panel, organiser, db_session, clock):
    admin = sign_in(app.test_client(), ORGANISER_EMAIL, ORGANISER_PASSWORD)
    overview = f"/admin/editions/{panel.edition.id}/judging"
    clock.set(panel.edition.judging_end_at - timedelta(days=5))
    body = admin.get(overview).get_data(as_text=True)
    assert "3 days before:\n          due at 9am on Friday 20 March 2026" in body
    assert "1 day before:\n          due at 9am on Sunday 22 March 2026" in body

    clock.set(panel.edition.judging_end_at - timedelta(days=3))
    queue_due_reminders()
    db_session.commit()
    body = admin.get(overview).get_data(as_text=True)
    assert "3 days before:\n          sent at 9am on Friday 20 March 2026 to 1 judge\n" in body


def test_the_final_round_page_shows_no_scoring_deadline_once_the_shortlist_is_out(app, db_session, clock, organiser):
    panel = make_panel(entries=3)
    make_finalists(panel.category, panel.entries, organiser)
    panel.place.submitted_at = clock.now()
    panel.edition.shortlist_published_at = clock.now()
    db_session.commit()
    judge = sign_in(app.test_client(), panel.judge.email)
    page = judge.get(f"/judging/categories/{panel.category.id}/final-round")
    assert page.status_code == 200 and "Scores are due" not in page.get_data(as_text=True)
