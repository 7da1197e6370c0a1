"""Nomination drafts: each step's rules, partial saves, where a draft has got to, resume links and the purge."""
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from awards_app.core.errors import NotFound
from awards_app.core.links import LinkProblem
from awards_app.core.models import AuditEvent, SingleUseLink
from awards_app.nominations import drafts
from awards_app.nominations.drafts import NominationsClosed, StepInvalid
from awards_app.nominations.models import NominationDraft
from awards_app.programme.models import NomineeKind, Question
from awards_app.programme.scotland import LOCAL_AUTHORITIES
from tests.factories.programme import START, make_category, make_edition

OPEN = START + timedelta(days=7)


@pytest.fixture
def edition(db_session, clock):
    """An edition in its nominations phase, with a person category (two questions) and a project category."""
    clock.set(OPEN)
    edition = make_edition()
    person = make_category(edition, "Individual Story of the Year", nominee_kind=NomineeKind.PERSON)
    person.questions[0].word_limit = 5
    person.questions.append(Question(prompt="Anything else?", word_limit=50, required=False, display_order=2))
    make_category(edition)
    db_session.flush()
    return edition


@pytest.fixture
def person_category(edition):
    return edition.categories[0]


@pytest.fixture
def draft(edition, person_category):
    draft = drafts.start_draft(edition)
    drafts.choose_category(draft, str(person_category.id))
    return draft


def problems_of(call) -> dict:
    """The problems a save reported."""
    with pytest.raises(StepInvalid) as caught:
        call()
    return caught.value.problems


def fill_everything(draft, category):
    """Save every step of a draft with good values."""
    drafts.save_nominee(draft, name="Morag Fraser", organisation="", local_authority="Fife", email="morag@example.org")
    for question in category.questions:
        drafts.save_answer(draft, question, "She listens and acts." if question.required else "")
    drafts.save_nominator(draft, name="Iain Brown", email="iain@example.org", relationship="Friend", phone="")
    drafts.save_privacy(draft, True)


# --- Starting and finding ---------------------------------------------------------------------------------------


def test_a_draft_has_a_long_random_public_id(edition):
    first, second = drafts.start_draft(edition), drafts.start_draft(edition)
    assert len(first.public_id) >= 40 and first.public_id != second.public_id
    assert drafts.find_draft(first.public_id) is first
    assert drafts.find_draft(str(first.id)) is None
    assert drafts.find_draft(None) is None and drafts.find_draft("x" * 100) is None


@pytest.mark.parametrize("moment", [START - timedelta(minutes=1), START + timedelta(weeks=6)])
def test_no_draft_outside_the_window(edition, clock, moment):
    clock.set(moment)
    with pytest.raises(NominationsClosed):
        drafts.start_draft(edition)


def test_no_draft_without_an_edition(db_session):
    with pytest.raises(NominationsClosed):
        drafts.start_draft(None)


def test_saving_after_the_close_is_refused(draft, clock):
    clock.set(START + timedelta(weeks=6))
    with pytest.raises(NominationsClosed):
        drafts.save_nominee(draft, name="Morag", local_authority="Fife")


# --- The category -------------------------------------------------------------------------------------------------


def test_the_category_must_be_chosen_from_the_edition(draft, db_session):
    other = make_category(make_edition(year=2027, start=START + timedelta(days=400)), "Elsewhere")
    assert problems_of(lambda: drafts.choose_category(draft, "")) == {"category": "Choose the award you are nominating for"}
    for bad in (str(other.id), "999999", "abc", "²", "1" * 30):
        assert problems_of(lambda: drafts.choose_category(draft, bad)) == {"category": "Choose one of the awards in the list"}


# --- The nominee ------------------------------------------------------------------------------------------------


def test_nominee_needs_a_name_and_an_area(draft):
    problems = problems_of(lambda: drafts.save_nominee(draft, name="  ", local_authority=""))
    assert problems == {
        "name": "Enter the full name of the person you are nominating",
        "local_authority": "Choose the local authority area",
    }


def test_nominee_name_message_follows_the_kind_of_nominee(draft, edition):
    drafts.choose_category(draft, str(edition.categories[1].id))
    problems = problems_of(lambda: drafts.save_nominee(draft, name="", local_authority="Fife"))
    assert problems == {"name": "Enter the name of the project or resource"}


def test_only_the_32_councils_are_accepted(draft):
    assert len(LOCAL_AUTHORITIES) == 32
    problems = problems_of(lambda: drafts.save_nominee(draft, name="Morag", local_authority="Narnia"))
    assert problems == {"local_authority": "Choose a local authority area from the list"}
    drafts.save_nominee(draft, name="Morag", local_authority="Na h-Eileanan Siar")
    assert draft.data["nominee"]["local_authority"] == "Na h-Eileanan Siar"


def test_nominee_fields_are_bounded(draft):
    problems = problems_of(
        lambda: drafts.save_nominee(draft, name="x" * 201, organisation="y" * 201, local_authority="Fife", email="a@" + "b" * 260)
    )
    assert problems == {
        "name": "The name must be 200 characters or fewer",
        "organisation": "The organisation must be 200 characters or fewer",
        "email": "The nominee's email address must be 254 characters or fewer",
    }


@pytest.mark.parametrize(
    ("address", "why"),
    [
        ("morag", "An email address must have an @-sign."),
        ("morag@example", "The part after the @-sign is not valid. It should have a period."),
        ("mo rag@example.org", "The email address contains invalid characters before the @-sign: SPACE."),
    ],
)
def test_an_invalid_email_says_why(draft, address, why):
    problems = problems_of(lambda: drafts.save_nominee(draft, name="Morag", local_authority="Fife", email=address))
    assert problems["email"] == f"Enter the nominee's email address in the correct format, like name@example.com. {why}"


def test_the_nominee_email_is_optional_and_normalised(draft):
    drafts.save_nominee(draft, name=" Morag ", local_authority="Fife", email="")
    assert draft.data["nominee"] == {"name": "Morag", "organisation": "", "local_authority": "Fife", "email": ""}
    drafts.save_nominee(draft, name="Morag", local_authority="Fife", email="Morag@EXAMPLE.org")
    assert draft.data["nominee"]["email"] == "Morag@example.org"


def test_control_characters_are_dropped_and_one_line_fields_lose_line_breaks(draft):
    drafts.save_nominee(draft, name="Mo\x00rag\r\nFraser\x07", local_authority="Fife")
    assert draft.data["nominee"]["name"] == "Morag Fraser"


# --- Answers ------------------------------------------------------------------------------------------------------


def test_words_are_counted_on_the_server(draft, person_category):
    question = person_category.questions[0]  # limit 5
    drafts.save_answer(draft, question, "one two\nthree   four\tfive")
    problems = problems_of(lambda: drafts.save_answer(draft, question, "one two three four five six"))
    assert problems == {"answer": "Your answer must be 5 words or fewer. It has 6 words."}


def test_a_required_answer_cannot_be_blank_but_an_optional_one_can(draft, person_category):
    required, optional = person_category.questions
    assert problems_of(lambda: drafts.save_answer(draft, required, "   ")) == {"answer": "Enter your answer to the question"}
    drafts.save_answer(draft, optional, "")
    assert drafts.saved_answer(draft, optional) == ""


def test_answers_keep_their_paragraphs(draft, person_category):
    drafts.save_answer(draft, person_category.questions[1], "First.\r\n\r\nSecond.")
    assert drafts.saved_answer(draft, person_category.questions[1]) == "First.\n\nSecond."


def test_answers_are_bounded_in_characters_even_when_saved_for_later(draft, person_category):
    question = person_category.questions[0]
    bound = drafts.answer_max_characters(question)
    problems = problems_of(lambda: drafts.save_answer(draft, question, "x" * (bound + 1), complete=False))
    assert problems == {"answer": f"Your answer must be {bound:,} characters or fewer"}


def test_a_question_of_another_category_is_refused(draft, edition):
    with pytest.raises(NotFound):
        drafts.save_answer(draft, edition.categories[1].questions[0], "text")


# --- The nominator and privacy ----------------------------------------------------------------------------------


def test_nominator_needs_name_email_and_relationship(draft):
    problems = problems_of(lambda: drafts.save_nominator(draft, name="", email="", relationship="", phone=""))
    assert problems == {
        "name": "Enter your full name",
        "email": "Enter your email address",
        "relationship": "Enter how you know the nominee",
    }


@pytest.mark.parametrize("phone", ["01632 960 001", "+44 (0)808 157 0192", "07700-900-982"])
def test_good_phone_numbers(draft, phone):
    drafts.save_nominator(draft, name="Iain", email="iain@example.org", relationship="Friend", phone=phone)
    assert draft.data["nominator"]["phone"] == phone


@pytest.mark.parametrize("phone", ["call me", "123", "0800 123 456 789 012 345", "<script>"])
def test_bad_phone_numbers(draft, phone):
    problems = problems_of(
        lambda: drafts.save_nominator(draft, name="Iain", email="iain@example.org", relationship="Friend", phone=phone)
    )
    assert set(problems) == {"phone"}


def test_privacy_must_be_agreed(draft):
    assert set(problems_of(lambda: drafts.save_privacy(draft, False))) == {"agree"}
    drafts.save_privacy(draft, False, complete=False)
    assert draft.data["privacy_agreed"] is False


# --- Saving for later and where the draft has got to ------------------------------------------------------------


def test_saving_for_later_keeps_an_unfinished_page(draft):
    drafts.save_nominee(draft, name="", local_authority="", email="not-yet-an-address", complete=False)
    assert draft.data["nominee"]["email"] == "not-yet-an-address"
    assert "nominee" in {step.key for step in drafts.incomplete_steps(draft)}


def test_saving_for_later_still_refuses_a_value_outside_the_list(draft):
    problems = problems_of(lambda: drafts.save_nominee(draft, name="", local_authority="Atlantis", complete=False))
    assert set(problems) == {"local_authority"}


def test_steps_follow_the_category_questions(draft, person_category):
    keys = [step.key for step in drafts.draft_steps(draft)]
    questions = [f"question-{question.id}" for question in person_category.questions]
    assert keys == ["category", "nominee", *questions, "nominator", "privacy"]
    assert [step.key for step in drafts.incomplete_steps(draft)] == keys[1:]


def test_a_finished_draft_has_no_incomplete_steps(draft, person_category):
    fill_everything(draft, person_category)
    assert drafts.incomplete_steps(draft) == []


def test_a_step_that_no_longer_passes_is_incomplete_again(draft, person_category, db_session):
    fill_everything(draft, person_category)
    person_category.questions[0].word_limit = 2  # an organiser tightened the limit
    db_session.flush()
    assert [step.name for step in drafts.incomplete_steps(draft)] == ["question"]


def test_changing_category_keeps_the_other_answers(draft, person_category, edition):
    fill_everything(draft, person_category)
    project = edition.categories[1]
    drafts.choose_category(draft, str(project.id))
    assert [step.key for step in drafts.incomplete_steps(draft)] == [f"question-{project.questions[0].id}"]
    drafts.choose_category(draft, str(person_category.id))
    assert drafts.incomplete_steps(draft) == []


# --- Resume links -----------------------------------------------------------------------------------------------


def resume_token(outbox) -> str:
    return re.search(r"/nominate/resume/(\S+)", outbox()[-1].text_body).group(1)


def test_a_resume_link_is_emailed_and_brings_the_draft_back(draft, outbox, db_session):
    drafts.save_nominee(draft, name="Morag <Fraser>", local_authority="Fife")
    address = drafts.email_resume_link(draft, " Iain@Example.org ")
    db_session.commit()
    assert address == draft.resume_email == "Iain@example.org"
    email = outbox()[-1]
    assert email.to_address == "Iain@example.org"
    # Nothing typed into the draft is quoted to an address nobody verified (issue #14); the award is named.
    assert "Morag" not in email.text_body + email.html_body
    assert draft.category.name in email.text_body
    assert "until nominations close at" in email.text_body
    assert drafts.draft_for_resume_link(resume_token(outbox)) is draft
    assert db_session.scalar(select(AuditEvent).where(AuditEvent.action == "draft.resume_link_sent")) is not None


def test_a_resume_link_needs_a_valid_address(draft):
    problems = problems_of(lambda: drafts.email_resume_link(draft, "iain"))
    assert problems["email"].startswith("Enter your email address in the correct format")
    assert set(problems_of(lambda: drafts.email_resume_link(draft, ""))) == {"email"}


def test_a_newer_resume_link_replaces_the_older(draft, outbox):
    drafts.email_resume_link(draft, "iain@example.org")
    old = resume_token(outbox)
    drafts.email_resume_link(draft, "iain@example.org")
    with pytest.raises(LinkProblem) as caught:
        drafts.draft_for_resume_link(old)
    assert caught.value.reason == "superseded"
    assert drafts.draft_for_resume_link(resume_token(outbox)) is draft


def test_a_resume_link_stops_working_when_nominations_close(draft, outbox, clock, edition):
    drafts.email_resume_link(draft, "iain@example.org")
    clock.set(edition.nominations_close_at)
    with pytest.raises(LinkProblem) as caught:
        drafts.draft_for_resume_link(resume_token(outbox))
    assert caught.value.reason == "expired"


def test_a_deleted_drafts_link_is_retired(draft, outbox):
    drafts.email_resume_link(draft, "iain@example.org")
    token = resume_token(outbox)
    drafts.delete_draft(draft)
    with pytest.raises(LinkProblem) as caught:
        drafts.draft_for_resume_link(token)
    assert caught.value.reason == "used"


# --- Purging ------------------------------------------------------------------------------------------------------


def test_purge_removes_only_drafts_of_closed_editions(edition, db_session, clock, outbox):
    closed_draft = drafts.start_draft(edition)
    drafts.email_resume_link(closed_draft, "iain@example.org")
    later = make_edition(year=2027, start=START + timedelta(days=1))  # closes a day later
    kept = drafts.start_draft(later)
    clock.set(edition.nominations_close_at + timedelta(minutes=1))
    assert drafts.purge_closed_drafts() == {edition.name: 1}
    remaining = db_session.scalars(select(NominationDraft)).all()
    assert remaining == [kept]
    link = db_session.scalar(select(SingleUseLink).where(SingleUseLink.purpose == drafts.RESUME_PURPOSE))
    assert link.used_at is not None
    event = db_session.scalar(select(AuditEvent).where(AuditEvent.action == "drafts.purged"))
    assert event.details == {"count": 1, "by_edition": {edition.name: 1}}
    assert drafts.purge_closed_drafts() == {}


def test_purge_keeps_drafts_while_nominations_are_open(draft, db_session):
    assert drafts.purge_closed_drafts() == {}
    assert db_session.get(NominationDraft, draft.id) is draft
