"""Correcting a nomination and moving it to another category through the organisers' pages: access, the forms and
their errors, the history on the nomination's page, hostile input, CSRF, and what judges see afterwards."""
from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from awards_app.nominations.corrections import answer_key, correct_nomination
from awards_app.nominations.consent import EMAILED_LINK_NOTE
from awards_app.judging.models import AssignmentPlan
from awards_app.nominations.models import ConsentState, Nomination, NominationCorrection, NominationStatus
from awards_app.programme.models import Category, NomineeKind, Question
from tests.factories.accounts import make_judge
from tests.factories.judging import make_panel, make_scores, seat
from tests.factories.nominations import make_nomination
from tests.factories.programme import make_category, make_edition
from tests.web.forms import csrf_token_from, post_form, sign_in

REASON = "The nominator phoned on 3 March."


@pytest.fixture
def site(db_session, clock, organiser):
    """An edition with two categories for people sharing one question, one for projects, a nomination in the first,
    and another year's category."""
    edition = make_edition()
    carers = make_category(edition, name="Carer of the Year", nominee_kind=NomineeKind.PERSON)
    carers.questions.append(Question(prompt="Why her?", word_limit=5, required=True, display_order=1))
    young = make_category(edition, name="Young Carer of the Year", nominee_kind=NomineeKind.PERSON)
    projects = make_category(edition, name="Project of the Year", nominee_kind=NomineeKind.PROJECT)
    nomination = make_nomination(carers, "Morag Frasr", answer="She helps.", nominator_email="iain@example.org")
    other_year = make_category(make_edition(year=2025, start=edition.nominations_open_at - timedelta(days=365)),
                               name="Carer of the Year", nominee_kind=NomineeKind.PERSON)
    db_session.commit()
    return SimpleNamespace(
        nomination=nomination.id, carers=carers.id, young=young.id, projects=projects.id, other_year=other_year.id,
        difference=answer_key(carers.questions[0]), why=answer_key(carers.questions[1]),
    )


def page(nomination_id: int, action: str = "") -> str:
    return f"/admin/nominations/{nomination_id}" + (f"/{action}" if action else "")


def text_of(response) -> str:
    return response.get_data(as_text=True)


def correction_data(site, **changes) -> dict:
    """The correction form as the page holds it (the values now), with some changed."""
    data = {"nominee_name": "Morag Frasr", "nominee_organisation": "", "nominee_email": "morag@example.org",
            "local_authority": "Fife", "nominator_name": "Iain Nominator", "nominator_email": "iain@example.org",
            "nominator_relationship": "Colleague", "nominator_phone": "", site.difference: "She helps.",
            site.why: "She helps.", "reason": REASON}
    return {**data, **changes}


def post_correction(client, site, **changes):
    return post_form(client, page(site.nomination, "correct"), correction_data(site, **changes))


def post_move(client, site, category, reason=REASON):
    token = csrf_token_from(client, page(site.nomination, "move") + f"?category={category}")
    return client.post(page(site.nomination, "move"), data={"csrf_token": token, "category": category,
                                                            "reason": reason})


# --- Access ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("action", ["correct", "move"])
def test_visitors_are_sent_to_sign_in(client, site, action):
    token = csrf_token_from(client, "/sign-in")
    for response in (client.get(page(site.nomination, action)),
                     client.post(page(site.nomination, action), data={"csrf_token": token})):
        assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in")


@pytest.mark.parametrize("action", ["correct", "move"])
def test_judges_are_refused(judge_client, site, action, db_session):
    assert judge_client.get(page(site.nomination, action)).status_code == 403
    token = csrf_token_from(judge_client, "/account")
    response = judge_client.post(page(site.nomination, action), data={
        "csrf_token": token, "nominee_name": "Judged", "category": site.young, "reason": "x"})
    assert response.status_code == 403
    db_session.expire_all()
    nomination = db_session.get(Nomination, site.nomination)
    assert nomination.nominee_name == "Morag Frasr" and nomination.category_id == site.carers


@pytest.mark.parametrize("action", ["correct", "move"])
def test_a_post_without_its_csrf_token_changes_nothing(organiser_client, site, action, db_session):
    response = organiser_client.post(page(site.nomination, action), data=correction_data(site, nominee_name="X",
                                                                                         category=site.young))
    assert response.status_code == 400
    assert not db_session.scalars(select(NominationCorrection)).all()


@pytest.mark.parametrize("action", ["correct", "move"])
def test_an_unknown_nomination_is_404(organiser_client, site, action):
    assert organiser_client.get(page(999999, action)).status_code == 404
    assert organiser_client.get(page(2**40, action)).status_code == 404


# --- Correcting --------------------------------------------------------------------------------------------------


def test_the_nomination_page_links_to_both_and_says_nothing_was_corrected(organiser_client, site):
    body = text_of(organiser_client.get(page(site.nomination)))
    assert f'href="{page(site.nomination, "correct")}"' in body and f'href="{page(site.nomination, "move")}"' in body
    assert f'href="{page(site.nomination)}?part=history">Corrections (0)</a>' in body
    assert "Nothing has been corrected" in text_of(organiser_client.get(page(site.nomination) + "?part=history"))


def test_the_correction_form_holds_the_values_now(organiser_client, site):
    body = text_of(organiser_client.get(page(site.nomination, "correct")))
    assert 'value="Morag Frasr"' in body and 'value="iain@example.org"' in body
    assert '<option selected value="Fife">' in body
    assert "Why her?" in body and "Up to 5 words." in body


def test_a_correction_is_saved_and_shown_with_the_original(organiser_client, site, db_session):
    response = post_correction(organiser_client, site, nominee_name="Morag Fraser")
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"{page(site.nomination)}?part=history#corrections")

    body = text_of(organiser_client.get(page(site.nomination) + "?part=history"))
    assert "has been corrected" in body
    assert "Nominee&#39;s name" in body and "Morag Frasr" in body and REASON in body
    assert "Show the nomination as the nominator sent it" in body
    assert db_session.get(Nomination, site.nomination).nominee_name == "Morag Fraser"


def test_errors_are_shown_on_their_fields_and_keep_what_was_typed(organiser_client, site, db_session):
    response = post_correction(organiser_client, site, nominee_name="Morag Fraser", nominator_email="iain@",
                               reason="", **{site.why: "one two three four five six"})
    body = text_of(response)
    assert response.status_code == 422
    assert "<title>Error: " in body and "There is a problem" in body
    assert 'href="#nominator_email"' in body and f'href="#{site.why}"' in body and 'href="#reason"' in body
    assert "5 words or fewer. It has 6 words" in body
    assert 'value="Morag Fraser"' in body and 'value="iain@"' in body and "one two three four five six" in body
    assert not db_session.scalars(select(NominationCorrection)).all()


def test_nothing_changed_is_said_above_the_form(organiser_client, site):
    response = post_correction(organiser_client, site)
    assert response.status_code == 422 and "Nothing has changed" in text_of(response)


def test_a_box_not_sent_is_left_as_it_is(organiser_client, site, db_session):
    token = csrf_token_from(organiser_client, page(site.nomination, "correct"))
    response = organiser_client.post(page(site.nomination, "correct"), data={
        "csrf_token": token, "nominee_name": "Morag Fraser", "reason": REASON})
    assert response.status_code == 303
    assert [row.field for row in db_session.scalars(select(NominationCorrection))] == ["nominee_name"]


def test_a_new_nominee_address_undoes_a_consent_given_through_the_old_ones_link_and_offers_a_new_request(
        organiser_client, site, db_session):
    nomination = db_session.get(Nomination, site.nomination)
    nomination.consent, nomination.consent_note = ConsentState.GIVEN, EMAILED_LINK_NOTE
    db_session.commit()
    response = post_correction(organiser_client, site, nominee_email="morag.fraser@example.org")
    assert response.headers["Location"].endswith(f"{page(site.nomination)}?part=consent")
    body = text_of(organiser_client.get(page(site.nomination) + "?part=consent"))
    assert "Whoever had the old address gave consent through the emailed link" in body
    assert "Send the consent request to morag.fraser@example.org" in body
    assert f'action="{page(site.nomination, "consent/resend")}"' in body and ">Send the consent request<" in body
    db_session.expire_all()
    assert db_session.get(Nomination, site.nomination).consent is ConsentState.NOT_REQUESTED


def test_a_scored_entrys_answers_are_shown_not_offered_and_a_crafted_change_is_refused(
        organiser_client, db_session, clock):
    panel = make_panel(entries=1, nominee_kind=NomineeKind.PERSON)
    entry = panel.entries[0]
    make_scores(panel.judge, entry, panel.criteria)
    db_session.commit()
    form_page = text_of(organiser_client.get(page(entry.id, "correct")))
    assert "Judges have scored this entry as it was written" in form_page
    assert "<textarea" in form_page  # the reason's box
    assert form_page.count("<textarea") == 1  # but no answer's
    question = entry.answers[0].question
    response = post_form(organiser_client, page(entry.id, "correct"), {
        "nominee_name": "Renamed", answer_key(question): "Words the judges never read.", "reason": REASON},
        form_page=page(entry.id, "correct"))
    assert response.status_code == 422 and "Judges have scored this entry as it was written" in text_of(response)
    assert f'href="#{answer_key(question)}"' in text_of(response) and f'id="{answer_key(question)}"' in text_of(response)
    db_session.expire_all()
    assert db_session.get(Nomination, entry.id).nominee_name != "Renamed"


def test_hostile_text_is_shown_as_text(organiser_client, site):
    script = "<script>alert(1)</script>"
    post_correction(organiser_client, site, nominee_name=f"Morag {script}", reason=f"Because {script}")
    body = text_of(organiser_client.get(page(site.nomination)))
    assert script not in body and "&lt;script&gt;alert(1)&lt;/script&gt;" in body


def test_judges_read_the_corrected_nomination_and_nothing_of_its_history(app, db_session, clock, organiser):
    panel = make_panel(entries=1)
    entry = panel.entries[0]
    [question] = panel.category.questions
    correct_nomination(organiser, entry, {answer_key(question): "The corrected words."}, "Phoned: typo")
    db_session.commit()
    judge = sign_in(app.test_client(), panel.judge.email)
    body = text_of(judge.get(f"/judging/entries/{entry.id}"))
    assert "The corrected words." in body
    assert "She made a real difference." not in body and "Phoned: typo" not in body and "Corrections" not in body


# --- Moving ------------------------------------------------------------------------------------------------------


def test_the_move_page_lists_the_other_categories_of_the_edition(organiser_client, site):
    body = text_of(organiser_client.get(page(site.nomination, "move")))
    assert f'value="{site.young}"' in body and f'value="{site.projects}"' in body
    assert f'value="{site.carers}"' not in body and f'value="{site.other_year}"' not in body


def test_choosing_a_category_shows_what_happens_to_each_answer(organiser_client, site):
    body = text_of(organiser_client.get(page(site.nomination, "move") + f"?category={site.young}"))
    assert "Moving it to Young Carer of the Year" in body
    assert "Answers carried over (1)" in body and "What difference has it made?" in body
    assert "Answers not carried over (1)" in body and "Young Carer of the Year has no question with the same words" in body
    assert "The nominator is emailed at iain@example.org" in body
    assert f'name="category" type="hidden" value="{site.young}"' in body


@pytest.mark.parametrize("chosen, words", [
    ("projects", "is for nominees of the kind &#39;project&#39;"),
    ("other_year", "Choose one of the categories in the list"),
    ("carers", "is already in Carer of the Year"),
])
def test_a_category_that_cannot_take_it_is_explained_on_the_choice(organiser_client, site, chosen, words):
    response = organiser_client.get(page(site.nomination, "move") + f"?category={getattr(site, chosen)}")
    body = text_of(response)
    assert response.status_code == 422
    assert words in body and 'href="#category-0"' in body and "<title>Error: " in body
    assert "Moving it to" not in body


@pytest.mark.parametrize("typed", ["", "abc", "99999999999", "²"])
def test_nonsense_in_the_choice_is_a_clear_error(organiser_client, site, typed):
    response = organiser_client.get(page(site.nomination, "move") + f"?category={typed}")
    assert response.status_code == 422 and "There is a problem" in text_of(response)


def test_a_move_into_a_category_judged_by_assignment_says_so_and_names_its_judges(
        organiser_client, site, db_session):
    young = db_session.get(Category, site.young)
    seat(make_judge("ailsa@example.org", "Ailsa <Judge>"), young)
    db_session.add(AssignmentPlan(category_id=site.young, judges_per_entry=1, most_entries_per_judge=5))
    db_session.get(Nomination, site.nomination).status = NominationStatus.ELIGIBLE
    db_session.commit()
    assignment_link = f'href="/admin/categories/{site.young}/judging/assignment"'
    confirm = text_of(organiser_client.get(page(site.nomination, "move") + f"?category={site.young}"))
    assert "Young Carer of the Year is judged by assignment" in confirm and assignment_link in confirm

    post_move(organiser_client, site, site.young)
    body = text_of(organiser_client.get(page(site.nomination)))
    assert "It was assigned to Ailsa &lt;Judge&gt;, the judges of Young Carer of the Year" in body
    assert f'the <a {assignment_link}>Young Carer of the Year assignment page</a>.' in body


def test_a_move_is_made_and_the_nominator_emailed_once(organiser_client, site, db_session, outbox):
    response = post_move(organiser_client, site, site.young)
    assert response.status_code == 303
    assert response.headers["Location"].endswith("#corrections")
    assert db_session.get(Nomination, site.nomination).category_id == site.young
    assert [email.to_address for email in outbox()] == ["iain@example.org"]

    body = text_of(organiser_client.get(page(site.nomination) + "?part=history"))
    assert "has moved from Carer of the Year to Young Carer of the Year" in body
    assert "Moved to another category" in body and "Answers a move did not carry over" in body and "Why her?" in body

    again = post_move(organiser_client, site, site.young)
    assert again.status_code == 422 and "already in Young Carer of the Year" in text_of(again)
    assert len(outbox()) == 1


def test_a_move_without_a_reason_keeps_the_plan_and_asks_for_one(organiser_client, site, db_session, outbox):
    response = post_move(organiser_client, site, site.young, reason="  ")
    body = text_of(response)
    assert response.status_code == 422
    assert "Enter the reason" in body and 'href="#reason"' in body and "Moving it to Young Carer of the Year" in body
    assert db_session.get(Nomination, site.nomination).category_id == site.carers and not outbox()


def test_a_move_to_another_years_category_is_refused(organiser_client, site, db_session, outbox):
    response = post_move(organiser_client, site, site.other_year)
    assert response.status_code == 422 and "Choose the category" in text_of(response)
    assert db_session.get(Nomination, site.nomination).category_id == site.carers and not outbox()


def test_a_scored_nomination_cannot_move(organiser_client, db_session, clock, outbox):
    panel = make_panel(entries=1, nominee_kind=NomineeKind.PERSON)
    elsewhere = make_category(panel.edition, name="Another award", nominee_kind=NomineeKind.PERSON)
    make_scores(panel.judge, panel.entries[0], panel.criteria)
    db_session.commit()
    site = SimpleNamespace(nomination=panel.entries[0].id)
    response = post_move(organiser_client, site, elsewhere.id)
    assert response.status_code == 422 and "Judges have already scored" in text_of(response)
    assert not outbox()


def test_a_merged_duplicate_cannot_move_and_says_where_to_go(organiser_client, site, db_session):
    duplicate = make_nomination(db_session.get(Nomination, site.nomination).category, "Morag Fraser",
                                merged_into_id=site.nomination)
    db_session.commit()
    response = organiser_client.get(page(duplicate.id, "move") + f"?category={site.young}")
    assert response.status_code == 422 and "Unmerge it first" in text_of(response)
