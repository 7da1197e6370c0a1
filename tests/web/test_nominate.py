"""The public nomination journey through the test client: every step, errors, the window, spam checks, save for later."""
import re
from datetime import timedelta
from html import unescape

import pytest
from sqlalchemy import select

from awards_app.nominations.models import Nomination, NominationDraft
from awards_app.programme.models import NomineeKind, Question
from tests.factories.programme import START, make_category, make_edition
from tests.web.forms import csrf_token_from, post_form

OPEN = START + timedelta(days=7)
CLOSE = START + timedelta(weeks=6)
TITLE = re.compile(r"<title>(.*?)</title>", re.S)


@pytest.fixture
def edition(db_session, clock):
    """An edition taking nominations: a person category with a 10-word question and an optional one; a project one."""
    clock.set(OPEN)
    edition = make_edition()
    person = make_category(
        edition, "Individual Story of the Year", nominee_kind=NomineeKind.PERSON,
        description="For someone whose story inspires others.", eligibility_notes="Anyone living in Scotland.",
    )
    person.questions[0].word_limit = 10
    person.questions.append(Question(prompt="Anything else?", word_limit=50, required=False, display_order=2))
    make_category(edition, display_order=2)
    db_session.commit()
    return edition


@pytest.fixture
def person(edition):
    return edition.categories[0]


def text_of(response) -> str:
    return unescape(response.get_data(as_text=True))


def title_of(response) -> str:
    return TITLE.search(response.get_data(as_text=True)).group(1).strip()


class Journey:
    """Drives the journey as a browser would: each step is fetched for its CSRF token, then posted."""

    def __init__(self, client, clock):
        self.client, self.clock = client, clock

    def step(self, url: str, data: dict, action: str = "continue"):
        return post_form(self.client, url, {"action": action, **data})

    def start(self):
        response = post_form(self.client, "/nominate/start", {}, form_page="/nominate")
        assert response.status_code == 303 and response.location == "/nominate/category"
        return response

    def choose(self, category):
        return self.step("/nominate/category", {"category": str(category.id)})

    def nominee(self, **values):
        data = {"name": "Morag Fraser", "organisation": "", "local_authority": "Fife", "email": "morag@example.org"}
        return self.step("/nominate/nominee", {**data, **values})

    def answer(self, number: int, text: str, action: str = "continue"):
        return self.step(f"/nominate/question/{number}", {"answer": text}, action)

    def nominator(self, **values):
        data = {"name": "Iain Brown", "email": "iain@example.org", "relationship": "Friend", "phone": ""}
        return self.step("/nominate/you", {**data, **values})

    def agree(self):
        return self.step("/nominate/privacy", {"agree": "y"})

    def fill(self, category, answer: str = "She started a walking group."):
        """Start and finish every step."""
        self.start()
        assert self.choose(category).status_code == 303
        assert self.nominee().status_code == 303
        for number in range(1, len(category.questions) + 1):
            assert self.answer(number, answer).status_code == 303
        assert self.nominator().status_code == 303
        assert self.agree().location == "/nominate/check"

    def submit(self, honeypot: str = "", wait: timedelta = timedelta(minutes=5)):
        self.clock.advance(seconds=wait.total_seconds())
        return post_form(self.client, "/nominate/check", {"website": honeypot})


@pytest.fixture
def journey(client, clock, edition):
    return Journey(client, clock)


# --- The start page and the window ------------------------------------------------------------------------------


def test_start_page_lists_the_awards_the_closing_date_and_what_happens_next(client, edition):
    response = client.get("/nominate")
    page = text_of(response)
    assert response.status_code == 200
    assert "Individual Story of the Year" in page and "Self Management Project of the Year" in page
    assert "For someone whose story inspires others." in page and "Anyone living in Scotland." in page
    assert "Nominations close at" in page and "on Monday 23 February 2026" in page
    assert "What happens next" in page
    assert 'action="/nominate/start"' in page and "Start now" in page


def test_the_start_page_answers_with_a_trailing_slash_too(client, edition):
    response = client.get("/nominate/")
    assert response.status_code == 308 and response.location == "/nominate"


def test_home_page_has_a_nominate_button_while_nominations_are_open(client, edition, clock):
    assert 'href="/nominate">Nominate someone</a>' in client.get("/").get_data(as_text=True)
    clock.set(CLOSE)
    assert "Nominate someone</a>" not in client.get("/").get_data(as_text=True)


def test_before_nominations_open_every_page_says_so_with_the_dates(client, edition, clock):
    clock.set(START - timedelta(days=1))
    for path in ("/nominate", "/nominate/category", "/nominate/check", "/nominate/question/1"):
        response = client.get(path)
        page = text_of(response)
        assert response.status_code == 200, path
        assert "Nominations are not open yet" in page
        assert "open at 9am on Monday 12 January 2026 and close at 9am on Monday 23 February 2026" in page
        assert "<form" not in page.split('id="main"')[1], f"{path} shows a form"


def test_after_nominations_close_the_start_page_says_so(client, edition, clock):
    clock.set(CLOSE)
    page = text_of(client.get("/nominate"))
    assert "Nominations have closed" in page and "closed at 9am on Monday 23 February 2026" in page
    assert "Start now" not in page


def test_starting_after_the_close_is_refused(client, edition, clock, db_session):
    token = csrf_token_from(client, "/nominate")
    clock.set(CLOSE)
    response = client.post("/nominate/start", data={"csrf_token": token})
    assert response.status_code == 403 and "Nominations have closed" in text_of(response)
    assert db_session.scalar(select(NominationDraft)) is None


def test_without_any_edition_the_start_page_says_nominations_are_not_open(client, db_session):
    response = client.get("/nominate")
    assert response.status_code == 200 and "Nominations are not open" in text_of(response)


def test_starting_keeps_a_random_id_in_the_session(journey, client, db_session):
    journey.start()
    draft = db_session.scalar(select(NominationDraft))
    with client.session_transaction() as session:
        assert session["nomination_draft"] == draft.public_id
    assert str(draft.id) != draft.public_id


def test_a_session_without_a_draft_goes_to_the_start(client, edition):
    for path in ("/nominate/category", "/nominate/nominee", "/nominate/question/1", "/nominate/you",
                 "/nominate/privacy", "/nominate/check", "/nominate/save", "/nominate/save/sent"):
        response = client.get(path)
        assert response.status_code == 303 and response.location == "/nominate", path
    page = text_of(client.get("/nominate"))
    assert "We could not find a nomination in progress" in page


def test_a_session_with_an_unknown_draft_goes_to_the_start(client, edition):
    with client.session_transaction() as session:
        session["nomination_draft"] = "not-a-real-id"
    assert client.get("/nominate/nominee").location == "/nominate"


def test_a_nomination_in_progress_can_be_continued_from_the_start_page(journey, client, person):
    journey.start()
    journey.choose(person)
    page = text_of(client.get("/nominate"))
    assert "You have a nomination in progress" in page
    assert 'href="/nominate/nominee">Continue your nomination' in page


# --- Each step: errors, input kept, and the way on ----------------------------------------------------------------


def test_choosing_no_category_is_an_error_with_a_summary(journey, client, person):
    journey.start()
    response = journey.step("/nominate/category", {})
    page = text_of(response)
    assert response.status_code == 422
    assert title_of(response).startswith("Error: Which award are you nominating for?")
    assert "There is a problem" in page and 'href="#category-0"' in page
    assert "Choose the award you are nominating for" in page
    assert journey.choose(person).location == "/nominate/nominee"


def test_category_page_shows_each_awards_kind_and_description(journey, client):
    journey.start()
    page = text_of(client.get("/nominate/category"))
    assert "For a person. For someone whose story inspires others." in page
    assert "For a project or resource." in page


def test_journey_pages_are_not_cached(journey, client):
    journey.start()
    assert client.get("/nominate/category").headers["Cache-Control"] == "no-store"


def test_the_nominee_page_asks_for_what_the_category_needs(journey, client, edition):
    journey.start()
    journey.choose(edition.categories[0])
    page = text_of(client.get("/nominate/nominee"))
    assert "Who are you nominating?" in page and "Their full name" in page
    assert page.count("<option") == 33 and "Na h-Eileanan Siar" in page
    journey.choose(edition.categories[1])
    page = text_of(client.get("/nominate/nominee"))
    assert "Which project or resource are you nominating?" in page and "Name of the project or resource" in page


def test_nominee_errors_keep_what_was_typed(journey, client, person):
    journey.start()
    journey.choose(person)
    response = journey.nominee(name="", organisation="Fife <Carers>", local_authority="", email="morag")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'href="#name"' in page and 'href="#local_authority"' in page and 'href="#email"' in page
    assert "Enter the full name of the person you are nominating" in page
    assert "An email address must have an @-sign." in page
    assert 'value="Fife &lt;Carers&gt;"' in page and 'value="morag"' in page
    assert 'aria-invalid="true"' in page
    assert journey.nominee().location == "/nominate/question/1"


def test_an_answer_over_the_word_limit_is_refused_and_kept(journey, client, person):
    journey.start()
    journey.choose(person)
    journey.nominee()
    page = client.get("/nominate/question/1").get_data(as_text=True)
    assert "js/word-count.js" in page and 'data-word-limit="10"' in page
    assert "You can enter up to 10 words." in page
    eleven = "one two three four five six seven eight nine ten eleven"
    response = journey.answer(1, eleven)
    assert response.status_code == 422
    assert "Your answer must be 10 words or fewer. It has 11 words." in text_of(response)
    assert eleven in text_of(response)
    assert journey.answer(1, "one two three").location == "/nominate/question/2"


def test_an_optional_question_says_so_and_may_be_left_blank(journey, client, person):
    journey.start()
    journey.choose(person)
    page = text_of(client.get("/nominate/question/2"))
    assert "Anything else? (optional)" in page and "word-count.js" in page
    assert journey.answer(2, "").location == "/nominate/you"


def test_a_question_that_does_not_exist_is_not_found(journey, client, person):
    journey.start()
    journey.choose(person)
    assert client.get("/nominate/question/3").status_code == 404
    assert client.get("/nominate/question/0").status_code == 404


def test_the_word_count_script_is_only_on_question_pages(journey, client, person):
    journey.start()
    journey.choose(person)
    assert "word-count.js" not in client.get("/nominate/nominee").get_data(as_text=True)


def test_nominator_errors_and_privacy(journey, client, person):
    journey.start()
    response = journey.nominator(name="", email="iain@", relationship="", phone="phone me")
    page = text_of(response)
    assert response.status_code == 422
    for message in ("Enter your full name", "Enter how you know the nominee", "Enter a telephone number"):
        assert message in page
    assert "Enter your email address in the correct format" in page
    assert journey.nominator().location == "/nominate/privacy"
    response = journey.step("/nominate/privacy", {})
    assert response.status_code == 422 and 'href="#agree"' in response.get_data(as_text=True)
    assert journey.agree().location == "/nominate/check"


def test_every_field_is_bounded(journey, person):
    journey.start()
    journey.choose(person)
    response = journey.nominee(name="x" * 5000)
    assert response.status_code == 422 and "The name must be 200 characters or fewer" in text_of(response)
    response = journey.answer(1, "word " * 3000)
    assert response.status_code == 422 and "characters or fewer" in text_of(response)


# --- Check your answers, Change links, and sending -------------------------------------------------------------


def test_check_page_shows_everything_with_change_links(journey, client, person):
    journey.fill(person)
    response = client.get("/nominate/check")
    page = text_of(response)
    assert response.status_code == 200
    for text in ("Individual Story of the Year", "Morag Fraser", "Fife", "morag@example.org",
                 "She started a walking group.", "Iain Brown", "iain@example.org", "Friend", "Read and agreed"):
        assert text in page
    for path in ("/nominate/category", "/nominate/nominee", "/nominate/question/1", "/nominate/question/2",
                 "/nominate/you", "/nominate/privacy"):
        assert f'href="{path}?change=1"' in page


def test_a_change_link_comes_back_to_the_check_page(journey, client, person):
    journey.fill(person)
    page = text_of(client.get("/nominate/nominee?change=1"))
    assert 'class="back-link" href="/nominate/check"' in page and 'value="Morag Fraser"' in page
    response = post_form(client, "/nominate/nominee?change=1",
                         {"action": "continue", "name": "Morag Anne Fraser", "local_authority": "Fife", "email": ""})
    assert response.status_code == 303 and response.location == "/nominate/check"
    assert "Morag Anne Fraser" in text_of(client.get("/nominate/check"))


def test_changing_the_category_asks_the_new_questions_then_comes_back(journey, client, person, edition):
    journey.fill(person)
    project = edition.categories[1]
    response = post_form(client, "/nominate/category?change=1", {"action": "continue", "category": str(project.id)})
    assert response.location == "/nominate/question/1?change=1"
    response = post_form(client, "/nominate/question/1?change=1", {"action": "continue", "answer": "A good project."})
    assert response.location == "/nominate/check"
    assert "Which project or resource" not in text_of(client.get("/nominate/check"))
    assert "Name of the project or resource" in text_of(client.get("/nominate/check"))


def test_the_check_page_sends_unfinished_drafts_to_the_missing_step(journey, client, person):
    journey.start()
    journey.choose(person)
    assert client.get("/nominate/check").location == "/nominate/nominee"


def test_sending_shows_the_reference_and_emails_the_nominator(journey, client, person, outbox, db_session):
    journey.fill(person)
    response = journey.submit()
    assert response.status_code == 303 and response.location == "/nominate/sent"
    nomination = db_session.scalar(select(Nomination))
    page = text_of(client.get("/nominate/sent"))
    assert "Nomination sent" in page and nomination.reference in page and "iain@example.org" in page
    assert [email.to_address for email in outbox()] == ["iain@example.org", "morag@example.org"]
    assert db_session.scalar(select(NominationDraft)) is None
    with client.session_transaction() as session:
        assert "nomination_draft" not in session
    assert client.get("/nominate/check").location == "/nominate"


def test_the_confirmation_page_needs_a_nomination_sent_from_this_browser(client, edition):
    assert client.get("/nominate/sent").location == "/nominate"


def test_html_typed_anywhere_is_shown_as_text(journey, client, person, outbox):
    script = "<script>alert('x')</script>"
    journey.start()
    journey.choose(person)
    journey.nominee(name=f"Morag {script}", organisation=f"<b>Bold</b> {script}")
    journey.answer(1, f"Great {script}")
    journey.answer(2, "")
    journey.nominator(name=f"Iain {script}", relationship=f"<i>pal</i>")
    journey.agree()
    for page in (client.get("/nominate/check"), journey.submit(), client.get("/nominate/sent")):
        body = page.get_data(as_text=True)
        assert "<script>alert" not in body and "<b>Bold</b>" not in body and "<i>pal</i>" not in body
    assert "&lt;script&gt;" in client.get("/nominate/sent").get_data(as_text=True)
    for email in outbox():  # the emails quote nothing typed at all (issue #14), escaped or not
        assert "<script>alert" not in email.html_body
        assert "alert(" not in email.html_body + email.text_body


# --- The window closes while someone is writing -----------------------------------------------------------------


def test_a_step_posted_after_the_close_is_refused_and_shows_the_text(journey, client, person, clock):
    journey.start()
    journey.choose(person)
    journey.nominee(name="Morag Fraser")
    token = csrf_token_from(client, "/nominate/question/1")  # the page was opened before the close
    clock.set(CLOSE + timedelta(seconds=1))
    response = client.post("/nominate/question/1",
                           data={"csrf_token": token, "action": "continue", "answer": "My carefully written answer."})
    page = text_of(response)
    assert response.status_code == 403
    assert "Nominations have closed" in page and "Your nomination has not been sent" in page
    assert "My carefully written answer." in page and "Morag Fraser" in page


def test_a_submission_after_the_close_is_refused_and_shows_the_text(journey, client, person, clock, db_session):
    journey.fill(person, answer="Every word of this matters.")
    token = csrf_token_from(client, "/nominate/check")
    clock.set(CLOSE + timedelta(minutes=1))
    response = client.post("/nominate/check", data={"csrf_token": token, "website": ""})
    page = text_of(response)
    assert response.status_code == 403
    assert "Every word of this matters." in page and "iain@example.org" in page
    assert "Change" not in page
    assert db_session.scalar(select(Nomination)) is None


def test_after_the_close_a_step_shows_the_saved_text_instead_of_a_form(journey, client, person, clock):
    journey.fill(person, answer="Saved words.")
    clock.set(CLOSE)
    response = client.get("/nominate/question/1")
    assert response.status_code == 200
    assert "Saved words." in text_of(response) and "<textarea" not in text_of(response)


# --- Against spam and forgery -----------------------------------------------------------------------------------


def test_a_submission_without_a_valid_csrf_token_is_refused(journey, client, person, db_session):
    journey.fill(person)
    for data in ({"website": ""}, {"website": "", "csrf_token": "forged"}):
        response = client.post("/nominate/check", data=data)
        assert response.status_code == 303 and response.location == "/nominate/check"
    assert db_session.scalar(select(Nomination)) is None
    page = text_of(client.get("/nominate/check"))
    assert "the nomination was not sent" in page and "She started a walking group." in page


def test_a_step_with_an_expired_token_is_shown_again_with_the_text(journey, client, person, db_session):
    journey.start()
    journey.choose(person)
    response = client.post("/nominate/nominee", data={"csrf_token": "expired", "action": "continue",
                                                      "name": "Typed <carefully>", "local_authority": "Fife"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert title_of(response).startswith("Error: ")
    assert "for your security what you typed has not been saved yet" in page
    assert 'value="Typed &lt;carefully&gt;"' in page
    assert "nominee" not in db_session.scalar(select(NominationDraft)).data
    assert csrf_token_from(client, "/nominate/nominee")


def test_other_forms_with_a_bad_token_are_refused(client, edition):
    response = client.post("/nominate/start", data={})
    assert response.status_code == 400 and "This form has expired" in text_of(response)


def test_a_filled_honeypot_gets_a_clear_page_and_the_answers_stay(journey, client, person, db_session):
    journey.fill(person)
    page = client.get("/nominate/check").get_data(as_text=True)
    assert re.search(r'<div class="honeypot" aria-hidden="true">\s*<label for="website">Leave this box empty</label>', page)
    assert re.search(r'<input[^>]*name="website"[^>]*tabindex="-1"', page)
    response = journey.submit(honeypot="https://spam.example")
    assert response.status_code == 422
    assert "Your nomination has not been sent yet" in text_of(response)
    assert "box that people cannot see" in text_of(response)
    assert db_session.scalar(select(Nomination)) is None
    assert "She started a walking group." in text_of(client.get("/nominate/check"))
    assert journey.submit().location == "/nominate/sent"


def test_a_submission_too_soon_after_starting_gets_a_clear_page(journey, client, person, db_session):
    journey.fill(person)
    response = journey.submit(wait=timedelta(seconds=5))
    assert response.status_code == 422 and "only a few seconds after it was started" in text_of(response)
    assert db_session.scalar(select(Nomination)) is None
    assert journey.submit(wait=timedelta(seconds=30)).location == "/nominate/sent"


def test_submissions_are_rate_limited_per_address(journey, client, person):
    journey.fill(person)
    for _ in range(10):
        assert journey.submit(honeypot="x").status_code == 422
    response = journey.submit(honeypot="x")
    assert response.status_code == 429
    assert "Your nomination has not been sent yet" in text_of(response)
    assert "Your answers are saved" in text_of(response)
    assert int(response.headers["Retry-After"]) > 0
    assert client.get("/nominate/check").status_code == 200, "looking at the answers is not limited"


# --- Save and come back later ------------------------------------------------------------------------------------


def resume_path(outbox) -> str:
    return re.search(r"http://awards\.test(/nominate/resume/\S+)", outbox()[-1].text_body).group(1)


def test_every_step_has_a_save_for_later_button(journey, client, person):
    journey.fill(person)
    for path in ("/nominate/category", "/nominate/nominee", "/nominate/question/1", "/nominate/you",
                 "/nominate/privacy"):
        assert 'name="action" value="save"' in client.get(path).get_data(as_text=True), path
    assert 'href="/nominate/save"' in client.get("/nominate/check").get_data(as_text=True)


def test_save_for_later_keeps_an_unfinished_page_and_asks_for_an_address(journey, client, person, db_session):
    journey.start()
    journey.choose(person)
    response = journey.nominee(name="Morag", local_authority="", email="half@", action="save")
    assert response.status_code == 303 and response.location == "/nominate/save"
    draft = db_session.scalar(select(NominationDraft))
    assert draft.data["nominee"]["email"] == "half@"
    page = text_of(client.get("/nominate/save"))
    assert "Save your nomination and come back later" in page
    assert 'class="back-link" href="/nominate/nominee"' in page


def test_the_save_page_offers_the_nominators_address(journey, client, person):
    journey.fill(person)
    page = client.get("/nominate/save").get_data(as_text=True)
    assert 'value="iain@example.org"' in page


def test_the_link_is_emailed_and_the_check_your_email_page_shows_the_address(journey, client, person, outbox):
    journey.start()
    journey.choose(person)
    response = post_form(client, "/nominate/save", {"email": "not an address"})
    assert response.status_code == 422 and "in the correct format" in text_of(response)
    response = post_form(client, "/nominate/save", {"email": "iain@example.org"})
    assert response.status_code == 303 and response.location == "/nominate/save/sent"
    page = text_of(client.get("/nominate/save/sent"))
    assert "Check your email" in page and "iain@example.org" in page and "Send the email again" in page
    email = outbox()[-1]
    assert email.to_address == "iain@example.org" and "/nominate/resume/" in email.text_body


def test_the_link_restores_the_draft_in_another_browser(journey, client, person, outbox, app, db_session):
    journey.start()
    journey.choose(person)
    journey.nominee()
    post_form(client, "/nominate/save", {"email": "iain@example.org"})
    other = app.test_client()
    response = other.get(resume_path(outbox))
    assert response.status_code == 303 and response.location == "/nominate/question/1"
    page = text_of(other.get("/nominate/question/1"))
    assert "Welcome back" in page
    assert 'value="Morag Fraser"' in text_of(other.get("/nominate/nominee"))
    assert db_session.scalar(select(Nomination)) is None, "opening the link sends nothing"


def test_sending_again_replaces_the_older_link(journey, client, person, outbox):
    journey.start()
    post_form(client, "/nominate/save", {"email": "iain@example.org"})
    old = resume_path(outbox)
    response = post_form(client, "/nominate/save/resend", {}, form_page="/nominate/save/sent")
    assert response.location == "/nominate/save/sent"
    assert "We have sent the email again" in text_of(client.get("/nominate/save/sent"))
    assert len(outbox()) == 2
    replaced = client.get(old)
    assert replaced.status_code == 410 and "A newer link has been sent" in text_of(replaced)
    assert client.get(resume_path(outbox)).status_code == 303


def test_the_link_stops_working_when_nominations_close(journey, client, person, outbox, clock):
    journey.start()
    post_form(client, "/nominate/save", {"email": "iain@example.org"})
    clock.set(CLOSE)
    response = client.get(resume_path(outbox))
    assert response.status_code == 410 and "This link has expired" in text_of(response)


def test_a_sent_nominations_link_no_longer_works(journey, client, person, outbox):
    journey.fill(person)
    post_form(client, "/nominate/save", {"email": "iain@example.org"})
    path = resume_path(outbox)
    journey.submit()
    assert client.get(path).status_code == 409


def test_a_broken_link_explains_itself(client, edition):
    response = client.get("/nominate/resume/not-a-real-token")
    assert response.status_code == 404 and "This link does not work" in text_of(response)
    assert client.get("/nominate/resume/" + "x" * 600).status_code == 404


def test_resume_emails_are_rate_limited_per_address(journey, client, person):
    journey.start()
    for _ in range(3):
        assert post_form(client, "/nominate/save", {"email": "iain@example.org"}).status_code == 303
    response = post_form(client, "/nominate/save/resend", {}, form_page="/nominate/save/sent")
    assert response.status_code == 429
    assert "We cannot send another email just now" in text_of(response)
    # Another address from the same connection still works, until the connection's own limit.
    assert post_form(client, "/nominate/save", {"email": "other@example.org"}).status_code == 303


# --- Purging unfinished drafts ---------------------------------------------------------------------------------


def test_the_purge_command_removes_drafts_after_the_close(journey, runner, person, clock, db_session):
    journey.start()
    assert "No unfinished nomination drafts to remove." in runner.invoke(args=["purge"]).output
    clock.set(CLOSE)
    result = runner.invoke(args=["purge"])
    assert result.exit_code == 0
    assert "Self Management Awards 2026: removed 1 unfinished nomination draft." in result.output
    assert db_session.scalar(select(NominationDraft)) is None
