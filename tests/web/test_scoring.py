"""Scoring routes: who may use each, autosave by htmx and saving without JavaScript, submitting, unlocking."""
import secrets
import sqlite3
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import delete, func, select
from sqlalchemy.exc import OperationalError

from awards_app import create_app
from awards_app.accounts.models import User
from awards_app.extensions import db
from awards_app.judging import scoring
from awards_app.judging.models import Conflict, PanelMember, Score, ScoreComment
from awards_app.nominations.models import Nomination, NominationStatus
from awards_app.programme.models import Category, Criterion, Edition, NomineeKind
from tests.factories.accounts import ORGANISER_EMAIL, ORGANISER_PASSWORD, make_judge
from tests.factories.judging import make_conflict, make_panel, seat
from tests.factories.nominations import NOMINATOR
from tests.factories.programme import START, make_edition
from tests.web.forms import csrf_token_from, sign_in


@pytest.fixture
def panel(db_session, clock):
    """Three entries, two criteria (0 to 10), one judge on the panel; committed so that requests see it."""
    panel = make_panel(entries=3)
    db_session.commit()
    return panel


@pytest.fixture
def judge(client, panel):
    """A client signed in as the panel's judge."""
    return sign_in(client, panel.judge.email)


@pytest.fixture
def elsewhere(panel, db_session):
    """Another edition's category, with its own judge."""
    other = make_panel(entries=1, year=2027, email="judge.elsewhere@example.org")
    db_session.commit()
    return other


@pytest.fixture
def outsider(app, elsewhere):
    """A client signed in as the judge on the other category's panel."""
    return sign_in(app.test_client(), elsewhere.judge.email)


@pytest.fixture
def organiser_user_client(app, organiser):
    """A client signed in as an organiser (kept apart from the judge's client)."""
    return sign_in(app.test_client(), ORGANISER_EMAIL, ORGANISER_PASSWORD)


def entry_url(nomination) -> str:
    return f"/judging/entries/{nomination.id if hasattr(nomination, 'id') else nomination}"


def entries_url(panel) -> str:
    return f"/judging/categories/{panel.category.id}/entries"


def autosave(client, nomination, data, token=None, **headers):
    """Post one control as htmx does: the CSRF token in a header, HX-Request set."""
    token = token or csrf_token_from(client, entry_url(nomination))
    return client.post(
        entry_url(nomination), data=data, headers={"HX-Request": "true", "X-CSRFToken": token, **headers}
    )


def save_form(client, nomination, data, token=None):
    """Post the whole entry form without JavaScript."""
    token = token or csrf_token_from(client, entry_url(nomination))
    return client.post(entry_url(nomination), data={"csrf_token": token, **data})


def stored(db_session, judge, nomination) -> dict[int, int]:
    db_session.expire_all()
    rows = db_session.execute(
        select(Score.criterion_id, Score.value).where(Score.judge_id == judge.id, Score.nomination_id == nomination.id)
    )
    return dict(rows.all())


def score_everything(panel, db_session, value=6):
    for entry in panel.entries:
        for criterion in panel.criteria:
            scoring.record_score(panel.judge, entry.id, criterion.id, value)
    db_session.commit()


# --- Who may use each route --------------------------------------------------------------------------------------


def judge_pages(panel):
    """Every judges' page of the panel (GET)."""
    return [
        entries_url(panel),
        entry_url(panel.entries[0]),
        f"/judging/categories/{panel.category.id}/submit",
    ]


def test_anonymous_visitors_are_sent_to_sign_in(client, panel):
    for url in judge_pages(panel):
        response = client.get(url)
        assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in"), url
    token = csrf_token_from(client, "/sign-in")  # a real token, so that only the sign-in rule can refuse
    for url in (entry_url(panel.entries[0]), f"/judging/entries/{panel.entries[0].id}/abstain",
                f"/judging/categories/{panel.category.id}/submit", f"/judging/panel-places/{panel.place.id}/unlock"):
        response = client.post(url, data={"csrf_token": token, f"score-{panel.criteria[0].id}": "5", "reason": "x"})
        assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in"), url
    assert stored(db.session, panel.judge, panel.entries[0]) == {}


def test_organisers_cannot_use_the_judges_pages(organiser_user_client, panel):
    token = csrf_token_from(organiser_user_client, "/admin/")
    for url in judge_pages(panel):
        assert organiser_user_client.get(url).status_code == 403, url
    response = organiser_user_client.post(
        entry_url(panel.entries[0]), data={"csrf_token": token, f"score-{panel.criteria[0].id}": "5"}
    )
    assert response.status_code == 403


def test_the_judge_on_the_panel_sees_every_page(judge, panel):
    for url in judge_pages(panel):
        assert judge.get(url).status_code == 200, url


def test_a_judge_on_another_panel_gets_404_everywhere(outsider, elsewhere, panel, db_session):
    token = csrf_token_from(outsider, entries_url(elsewhere))
    for url in judge_pages(panel):
        assert outsider.get(url).status_code == 404, url
    criterion = panel.criteria[0]
    assert autosave(outsider, panel.entries[0], {f"score-{criterion.id}": "5"}, token=token).status_code == 404
    assert save_form(outsider, panel.entries[0], {f"score-{criterion.id}": "5"}, token=token).status_code == 404
    abstain = outsider.post(f"{entry_url(panel.entries[0])}/abstain", data={"csrf_token": token, "reason": "x"})
    assert abstain.status_code == 404
    submit = outsider.post(f"/judging/categories/{panel.category.id}/submit", data={"csrf_token": token})
    assert submit.status_code == 404
    assert db_session.scalar(select(func.count(Score.id))) == 0
    assert db_session.scalar(select(func.count(Conflict.id))) == 0


def test_a_conflicted_entry_is_404_and_missing_from_the_list(judge, panel, db_session):
    conflicted = panel.entries[1]
    make_conflict(panel.judge, conflicted)
    db_session.commit()
    token = csrf_token_from(judge, entry_url(panel.entries[0]))
    assert judge.get(entry_url(conflicted)).status_code == 404
    assert autosave(judge, conflicted, {f"score-{panel.criteria[0].id}": "5"}, token=token).status_code == 404
    assert save_form(judge, conflicted, {f"score-{panel.criteria[0].id}": "5"}, token=token).status_code == 404
    listing = judge.get(entries_url(panel)).get_data(as_text=True)
    assert entry_url(conflicted) not in listing
    assert "You are not scoring 1 entry because of a conflict of interest" in listing
    assert stored(db_session, panel.judge, conflicted) == {}


@pytest.mark.parametrize("url", [
    "/judging/entries/0", "/judging/entries/2147483647", "/judging/entries/2147483648",
    "/judging/entries/99999999999999999999", "/judging/entries/-1", "/judging/entries/abc",
    "/judging/categories/2147483648/entries", "/judging/categories/0/submit",
])
def test_tampered_and_huge_ids_are_404(judge, url):
    assert judge.get(url).status_code == 404


def test_tampered_criteria_are_404_and_save_nothing(judge, panel, db_session):
    entry = panel.entries[0]
    other = make_panel(entries=1, year=2027, email="judge.two@example.org").criteria[0]
    db_session.commit()
    token = csrf_token_from(judge, entry_url(entry))
    for name in (f"score-{other.id}", "score-0", "score-2147483648", "score-9999999999", "score-" + "9" * 5000):
        assert autosave(judge, entry, {name: "5"}, token=token).status_code == 404, name
        assert save_form(judge, entry, {name: "5"}, token=token).status_code == 404, name
    assert stored(db_session, panel.judge, entry) == {}


def test_entries_wait_for_conflicts_to_be_declared(client, db_session, clock):
    panel = make_panel(entries=1, declared=False)
    db_session.commit()
    sign_in(client, panel.judge.email)
    conflicts = f"/judging/categories/{panel.category.id}/conflicts"
    for url in (entries_url(panel), entry_url(panel.entries[0]), f"/judging/categories/{panel.category.id}/submit"):
        response = client.get(url)
        assert response.status_code == 303 and response.headers["Location"].endswith(conflicts), url


def test_csrf_is_required(judge, panel, db_session):
    entry, criterion = panel.entries[0], panel.criteria[0]
    judge.get(entry_url(entry))
    assert judge.post(entry_url(entry), data={f"score-{criterion.id}": "5"}).status_code == 400
    response = judge.post(entry_url(entry), data={f"score-{criterion.id}": "5"}, headers={"HX-Request": "true"})
    assert response.status_code == 400
    assert judge.post(f"/judging/categories/{panel.category.id}/submit", data={}).status_code == 400
    assert stored(db_session, panel.judge, entry) == {}


# --- What judges see ---------------------------------------------------------------------------------------------


def test_no_judge_page_shows_the_nominator_or_contact_details(judge, panel, db_session):
    scoring.record_score(panel.judge, panel.entries[0].id, panel.criteria[0].id, 4)
    db_session.commit()
    pages = judge_pages(panel) + [entry_url(entry) for entry in panel.entries]
    for url in pages:
        page = judge.get(url).get_data(as_text=True)
        for secret in NOMINATOR.values():
            assert secret not in page, (url, secret)
    # Nor after a failed save, when the page is shown again.
    failed = save_form(judge, panel.entries[0], {f"score-{panel.criteria[0].id}": "eleven"}).get_data(as_text=True)
    assert not any(secret in failed for secret in NOMINATOR.values())


def test_the_entries_list_shows_progress_in_a_bar_and_in_words(judge, panel, db_session):
    first, second, _ = panel.entries
    for criterion in panel.criteria:
        scoring.record_score(panel.judge, first.id, criterion.id, 7)
    scoring.record_score(panel.judge, second.id, panel.criteria[0].id, 7)
    db_session.commit()
    page = judge.get(entries_url(panel)).get_data(as_text=True)
    assert 'max="100" value="33" aria-labelledby="progress-label">33%</progress>' in page
    assert '<p class="judging-progress__label" id="progress-label">' in page
    assert "1 of 3 entries scored" in page
    assert "1 in progress, 1 not started." in page
    assert page.count(">Scored<") == 1 and page.count(">In progress<") == 1 and page.count(">Not started<") == 1
    assert "Fraser Community Trust" not in page  # the list is short: names, not details


def test_the_entry_page_shows_the_nomination_and_one_autosaving_fieldset_per_criterion(judge, panel):
    entry = panel.entries[0]
    page = judge.get(entry_url(entry)).get_data(as_text=True)
    assert "Morag Fraser" in page and "Fraser Community Trust" in page and "Fife" in page
    assert "What difference has it made?" in page and "She made a real difference." in page
    for criterion in panel.criteria:
        name = f"score-{criterion.id}"
        assert f'hx-post="{entry_url(entry)}" hx-trigger="change" hx-include="this" hx-params="{name}"' in page
        assert f'hx-target="#{name}-status"' in page
        assert f'<p id="{name}-status" class="save-status" role="status" aria-live="polite"></p>' in page
        assert all(f'id="{name}-{value}" name="{name}" value="{value}"' in page for value in range(11))
    assert 'hx-params="comment"' in page and 'id="comment-status"' in page
    assert "hx-on" not in page and "<script>" not in page
    assert f'href="{entry_url(panel.entries[1])}" rel="next"' in page
    assert 'rel="prev"' not in page


def test_a_big_scale_gets_a_number_box(client, db_session, clock):
    panel = make_panel(entries=1, scales=((0, 100, 1.0),))
    db_session.commit()
    sign_in(client, panel.judge.email)
    page = client.get(entry_url(panel.entries[0])).get_data(as_text=True)
    name = f"score-{panel.criteria[0].id}"
    assert f'id="{name}" name="{name}" value=""' in page and 'inputmode="numeric"' in page
    assert 'type="radio"' not in page


# --- Autosave ----------------------------------------------------------------------------------------------------


def test_autosave_stores_the_score_and_answers_saved(judge, panel, db_session):
    entry, criterion = panel.entries[0], panel.criteria[0]
    response = autosave(judge, entry, {f"score-{criterion.id}": "7"})
    assert response.status_code == 200
    assert response.get_data(as_text=True) == '<span class="save-status__saved">Saved: 7</span>'
    assert "HX-Request" in response.headers["Vary"]
    assert stored(db_session, panel.judge, entry) == {criterion.id: 7}
    assert autosave(judge, entry, {f"score-{criterion.id}": "9"}).status_code == 200
    assert stored(db_session, panel.judge, entry) == {criterion.id: 9}
    cleared = autosave(judge, entry, {f"score-{criterion.id}": ""})
    assert "Score cleared" in cleared.get_data(as_text=True)
    assert stored(db_session, panel.judge, entry) == {}


def test_autosave_of_the_comment(judge, panel, db_session):
    entry = panel.entries[0]
    response = autosave(judge, entry, {"comment": "Clear evidence of impact."})
    assert response.status_code == 200 and "Comment saved" in response.get_data(as_text=True)
    db_session.expire_all()
    assert scoring.comment_of(panel.judge, entry) == "Clear evidence of impact."
    too_long = autosave(judge, entry, {"comment": "x" * 2001})
    assert too_long.status_code == 422
    assert "The comment must be 2,000 characters or fewer" in too_long.get_data(as_text=True)


@pytest.mark.parametrize("value, message", [
    ("11", "The score for Impact must be from 0 to 10"),
    ("-1", "The score for Impact must be from 0 to 10"),
    ("seven", "Enter a score for Impact as a whole number from 0 to 10"),
    ("7.5", "Enter a score for Impact as a whole number from 0 to 10"),
    ("9" * 400, "Enter a score for Impact as a whole number from 0 to 10"),
])
def test_autosave_errors_come_back_as_a_visible_fragment(judge, panel, db_session, value, message):
    entry, criterion = panel.entries[0], panel.criteria[0]
    autosave(judge, entry, {f"score-{criterion.id}": "4"})
    response = autosave(judge, entry, {f"score-{criterion.id}": value})
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert '<span class="save-status__error"><span class="visually-hidden">Error: </span>Not saved. ' in body
    assert message in body
    assert stored(db_session, panel.judge, entry) == {criterion.id: 4}  # the earlier score stands


def test_autosave_wants_one_control_at_a_time(judge, panel, db_session):
    entry, (impact, innovation) = panel.entries[0], panel.criteria
    both = autosave(judge, entry, {f"score-{impact.id}": "4", f"score-{innovation.id}": "5"})
    assert both.status_code == 422 and "one score or the comment at a time" in both.get_data(as_text=True)
    assert autosave(judge, entry, {"unrelated": "1"}).status_code == 422
    assert stored(db_session, panel.judge, entry) == {}


def test_an_autosave_that_meets_another_on_sqlite_is_tried_again(judge, panel, db_session, monkeypatch):
    # SQLite (development, the demo) cannot wait for the write lock inside a transaction that has read already,
    # so two autosaves at once can meet "database is locked": the route tries again instead of answering 503.
    real, calls = scoring.record_score, []

    def busy_once(*args):
        calls.append(args)
        if len(calls) == 1:
            raise OperationalError("INSERT INTO score", {}, sqlite3.OperationalError("database is locked"))
        return real(*args)

    monkeypatch.setattr(scoring, "record_score", busy_once)
    entry, criterion = panel.entries[0], panel.criteria[0]
    response = autosave(judge, entry, {f"score-{criterion.id}": "6"})
    assert response.status_code == 200 and "Saved: 6" in response.get_data(as_text=True)
    assert len(calls) == 2
    assert stored(db_session, panel.judge, entry) == {criterion.id: 6}


def test_other_database_errors_are_not_retried(judge, panel, db_session, monkeypatch):
    calls = []

    def broken(*args):
        calls.append(args)
        raise OperationalError("INSERT INTO score", {}, sqlite3.OperationalError("disk I/O error"))

    monkeypatch.setattr(scoring, "record_score", broken)
    response = autosave(judge, panel.entries[0], {f"score-{panel.criteria[0].id}": "6"})
    assert response.status_code == 503 and len(calls) == 1


# --- Saving without JavaScript -----------------------------------------------------------------------------------


def test_the_save_button_saves_everything_and_comes_back(judge, panel, db_session):
    entry, (impact, innovation) = panel.entries[0], panel.criteria
    response = save_form(judge, entry, {f"score-{impact.id}": "3", f"score-{innovation.id}": "8", "comment": "Good",
                                        "go": "stay"})
    assert response.status_code == 303 and response.headers["Location"] == entry_url(entry)
    assert stored(db_session, panel.judge, entry) == {impact.id: 3, innovation.id: 8}
    page = judge.get(entry_url(entry)).get_data(as_text=True)
    assert "Your scores for Morag Fraser are saved." in page
    assert f'id="score-{impact.id}-3" name="score-{impact.id}" value="3" checked' in page
    assert ">Good</textarea>" in page


def test_save_and_go_to_next_entry(judge, panel, db_session):
    first, second, third = panel.entries
    impact = panel.criteria[0]
    response = save_form(judge, first, {f"score-{impact.id}": "5", "go": "next"})
    assert response.status_code == 303 and response.headers["Location"] == entry_url(second)
    last = save_form(judge, third, {f"score-{impact.id}": "5", "go": "next"})
    assert last.status_code == 303 and last.headers["Location"] == entries_url(panel)


def test_a_form_with_errors_is_shown_again_with_what_was_typed(judge, panel, db_session):
    entry, (impact, innovation) = panel.entries[0], panel.criteria
    response = save_form(judge, entry, {f"score-{impact.id}": "6", f"score-{innovation.id}": "12", "comment": "Kept"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "<title>Error: Morag Fraser" in page
    assert "There is a problem" in page
    assert f'<a href="#score-{innovation.id}-0">The score for Innovation must be from 0 to 10</a>' in page
    assert f'value="6" checked' in page and ">Kept</textarea>" in page
    assert stored(db_session, panel.judge, entry) == {}  # nothing saved


# --- Abstaining --------------------------------------------------------------------------------------------------


def test_abstaining_from_an_entry(judge, panel, db_session):
    first, second, _ = panel.entries
    token = csrf_token_from(judge, entry_url(first))
    autosave(judge, first, {f"score-{panel.criteria[0].id}": "7"}, token=token)
    asked = judge.post(f"{entry_url(first)}/abstain", data={"csrf_token": token, "reason": "She is my aunt"})
    assert asked.status_code == 200 and "You gave this entry 1 score." in asked.get_data(as_text=True)
    assert db_session.scalar(select(Conflict)) is None  # nothing recorded before the judge confirms
    data = {"csrf_token": token, "reason": "She is my aunt", "step": "confirm"}
    response = judge.post(f"{entry_url(first)}/abstain", data=data)
    assert response.status_code == 303 and response.headers["Location"] == entry_url(second)
    db_session.expire_all()
    row = db_session.scalar(select(Conflict).where(Conflict.judge_id == panel.judge.id))
    assert (row.kind, row.reason) == ("abstained", "She is my aunt")
    assert stored(db_session, panel.judge, first) == {panel.criteria[0].id: 7}  # kept, no longer counted
    assert judge.get(entry_url(first)).status_code == 404


def test_going_back_from_the_abstain_confirmation_keeps_the_reason(judge, panel, db_session):
    token = csrf_token_from(judge, entry_url(panel.entries[0]))
    data = {"csrf_token": token, "reason": "She is my aunt", "step": "change"}
    response = judge.post(f"/judging/entries/{panel.entries[0].id}/abstain", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<details class="details" id="abstain" open>' in page and "She is my aunt</textarea>" in page
    assert db_session.scalar(select(func.count(Conflict.id))) == 0


def test_abstaining_needs_a_reason(judge, panel, db_session):
    token = csrf_token_from(judge, entry_url(panel.entries[0]))
    response = judge.post(f"/judging/entries/{panel.entries[0].id}/abstain", data={"csrf_token": token, "reason": " "})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert '<a href="#reason">Say why you will not score this entry</a>' in page
    assert '<details class="details" id="abstain" open>' in page
    assert db_session.scalar(select(func.count(Conflict.id))) == 0


# --- Submitting and unlocking ------------------------------------------------------------------------------------


def test_the_submit_page_lists_what_is_left_and_refuses_early_submission(judge, panel, db_session):
    scoring.record_score(panel.judge, panel.entries[0].id, panel.criteria[0].id, 5)
    db_session.commit()
    url = f"/judging/categories/{panel.category.id}/submit"
    page = judge.get(url).get_data(as_text=True)
    assert "Entries that still need scores" in page
    assert f'href="{entry_url(panel.entries[0])}">Morag Fraser</a> (in progress)' in page
    assert "Submit my scores</button>" not in page
    response = judge.post(url, data={"csrf_token": csrf_token_from(judge, entries_url(panel))})
    assert response.status_code == 422
    assert "3 entries still need scores on every criterion" in response.get_data(as_text=True)
    db_session.expire_all()
    assert db_session.get(PanelMember, panel.place.id).submitted_at is None


def test_submitting_locks_everything(judge, panel, db_session, clock):
    score_everything(panel, db_session)
    url = f"/judging/categories/{panel.category.id}/submit"
    page = judge.get(url).get_data(as_text=True)
    assert "You have scored all 3 entries" in page and "Submit my scores</button>" in page
    token = csrf_token_from(judge, url)
    response = judge.post(url, data={"csrf_token": token})
    assert response.status_code == 303 and response.headers["Location"] == entries_url(panel)
    db_session.expire_all()
    assert db_session.get(PanelMember, panel.place.id).submitted_at == clock.now()

    entry, criterion = panel.entries[0], panel.criteria[0]
    locked_page = judge.get(entry_url(entry)).get_data(as_text=True)
    assert "They are locked" in locked_page and "hx-post" not in locked_page and "6 out of 10" in locked_page
    fragment = autosave(judge, entry, {f"score-{criterion.id}": "1"}, token=token)
    assert fragment.status_code == 409 and "ask the awards team to unlock" in fragment.get_data(as_text=True)
    page_post = save_form(judge, entry, {f"score-{criterion.id}": "1"}, token=token)
    assert page_post.status_code == 409 and "ask the awards team to unlock" in page_post.get_data(as_text=True)
    again = judge.post(url, data={"csrf_token": token})
    assert again.status_code == 409
    assert stored(db_session, panel.judge, entry) == {c.id: 6 for c in panel.criteria}


def test_an_organiser_unlocks_a_judges_scores(organiser_user_client, panel, db_session):
    score_everything(panel, db_session)
    scoring.submit_scores(panel.judge, panel.place)
    db_session.commit()
    token = csrf_token_from(organiser_user_client, "/admin/")
    url = f"/judging/panel-places/{panel.place.id}/unlock"
    response = organiser_user_client.post(url, data={"csrf_token": token, "next": "/admin/?judging"})
    assert response.status_code == 303 and response.headers["Location"] == "/admin/?judging"
    db_session.expire_all()
    assert db_session.get(PanelMember, panel.place.id).submitted_at is None
    page = organiser_user_client.get("/admin/").get_data(as_text=True)
    assert "are unlocked" in page
    # Unlocking what is not locked says so; an outside `next` is not followed.
    again = organiser_user_client.post(url, data={"csrf_token": token, "next": "//evil.example/"})
    assert again.status_code == 303 and again.headers["Location"] == "/admin/"
    assert "nothing to unlock" in organiser_user_client.get("/admin/").get_data(as_text=True)


def test_judges_cannot_unlock(judge, panel, db_session):
    score_everything(panel, db_session)
    scoring.submit_scores(panel.judge, panel.place)
    db_session.commit()
    token = csrf_token_from(judge, entries_url(panel))
    response = judge.post(f"/judging/panel-places/{panel.place.id}/unlock", data={"csrf_token": token})
    assert response.status_code == 403
    db_session.expire_all()
    assert db_session.get(PanelMember, panel.place.id).submitted_at is not None


def test_unlocking_a_place_that_does_not_exist_is_404(organiser_user_client):
    token = csrf_token_from(organiser_user_client, "/admin/")
    for place_id in (999_999, 2147483647, 99999999999):
        response = organiser_user_client.post(f"/judging/panel-places/{place_id}/unlock", data={"csrf_token": token})
        assert response.status_code == 404


# --- Two autosaves at once (PostgreSQL) --------------------------------------------------------------------------


@pytest.mark.postgres
def test_two_autosaves_of_the_same_score_at_once_leave_one_row(app):
    # Each test runs inside one rolled-back transaction on one connection; saves racing each other need their own
    # connections and committed rows, so they use a second app (its own engine) and this test deletes what it adds.
    side = create_app(dict(app.config))
    tag = secrets.token_hex(4)
    with side.app_context():
        edition = make_edition(year=3000 + secrets.randbelow(5000), start=START)
        criterion = Criterion(edition=edition, name="Impact", scale_min=0, scale_max=10)
        category = Category(edition=edition, name=f"Race {tag}", nominee_kind=NomineeKind.PROJECT)
        nomination = Nomination(
            edition=edition, category=category, reference=f"RACE-{tag}", nominee_name="Race Entry",
            local_authority="Fife", nominator_name="N", nominator_email="n@example.org",
            status=NominationStatus.ELIGIBLE,
        )
        db.session.add_all([criterion, category, nomination])
        db.session.flush()
        judge = make_judge(f"race-{tag}@example.org")
        seat(judge, category)
        db.session.commit()
        ids = {"edition": edition.id, "judge": judge.id, "nomination": nomination.id, "criterion": criterion.id}

    rounds, savers = 20, 2
    start_together = threading.Barrier(savers)

    def save(value: int) -> None:
        """One autosave in its own app context (own session and connection), started at the same moment as the other."""
        with side.app_context():
            saver = db.session.get(User, ids["judge"])
            start_together.wait(timeout=10)
            scoring.record_score(saver, ids["nomination"], ids["criterion"], value)
            db.session.commit()

    try:
        with ThreadPoolExecutor(savers) as pool:
            for round_number in range(rounds):
                values = [3, 7]
                for future in [pool.submit(save, value) for value in values]:
                    future.result(timeout=30)  # raises if a save failed (an IntegrityError, say)
                with side.app_context():
                    rows = db.session.scalars(select(Score).where(Score.judge_id == ids["judge"])).all()
                    assert len(rows) == 1, f"round {round_number}: {len(rows)} rows"
                    assert rows[0].value in values
                    if round_number % 2 == 0:  # every other round races two inserts, the rest two updates
                        db.session.execute(delete(Score).where(Score.judge_id == ids["judge"]))
                        db.session.commit()
    finally:
        with side.app_context():
            db.session.execute(delete(Score).where(Score.judge_id == ids["judge"]))
            db.session.execute(delete(ScoreComment).where(ScoreComment.judge_id == ids["judge"]))
            db.session.execute(delete(PanelMember).where(PanelMember.judge_id == ids["judge"]))
            db.session.execute(delete(User).where(User.id == ids["judge"]))
            db.session.execute(delete(Edition).where(Edition.id == ids["edition"]))
            db.session.commit()
            db.engine.dispose()

