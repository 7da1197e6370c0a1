"""The programme services: editions, categories, questions and criteria, their rules and their audit trail."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from awards_app.accounts.models import User
from awards_app.core.errors import DomainError, NotAllowed
from awards_app.core.models import AuditEvent
from awards_app.judging.models import Score
from awards_app.nominations.models import Nomination, NominationAnswer
from awards_app.programme import categories, editions
from awards_app.programme.models import NomineeKind
from awards_app.programme.phases import PHASE_DATES
from tests.factories.accounts import make_judge

START = datetime(2026, 4, 1, 9, 0, tzinfo=timezone.utc)


def phase_dates(start: datetime = START) -> dict[str, datetime]:
    """Eight phase dates a week apart, in order."""
    return {field: start + timedelta(weeks=number) for number, (field, _label) in enumerate(PHASE_DATES)}


def make_edition(actor, year=2026, name="Self Management Awards 2026", **overrides):
    """An edition with good values, changed where a test says."""
    values = {"year": year, "name": name, "dates": phase_dates(), **overrides}
    return editions.create_edition(actor, **values)


def make_category(actor, edition, name="Carer of the year", **overrides):
    """A category with good values, changed where a test says."""
    values = {"name": name, "nominee_kind": NomineeKind.PERSON, **overrides}
    return categories.add_category(actor, edition, **values)


def make_criterion(actor, edition, name="Impact", **overrides):
    """A criterion with good values, changed where a test says."""
    values = {"name": name, "weight": 1.0, "scale_min": 0, "scale_max": 10, **overrides}
    return categories.add_criterion(actor, edition, **values)


def make_nomination(edition, category, reference="SMA-0001") -> Nomination:
    """A nomination in the category, as the public would have made it."""
    return Nomination(
        edition=edition,
        category=category,
        reference=reference,
        nominee_name="Morag",
        local_authority="Glasgow City",
        nominator_name="Iain",
        nominator_email="iain@example.org",
    )


def refusal(operation, *args, **kwargs) -> DomainError:
    """The domain error the operation raises (failing the test if it raises none)."""
    with pytest.raises(DomainError) as caught:
        operation(*args, **kwargs)
    return caught.value


def actions(db_session) -> list[str]:
    """The audit log's actions, oldest first."""
    return list(db_session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


@pytest.fixture
def edition(organiser):
    """An edition of 2026."""
    return make_edition(organiser)


@pytest.fixture
def judge(db_session) -> User:
    """A judge (who may not change the programme)."""
    return make_judge()


# --- Editions ----------------------------------------------------------------------------------------------------


def test_create_edition_stores_values_and_records_who(organiser, db_session):
    edition = make_edition(organiser, theme="  Living well  ", venue="Glasgow")
    assert edition.id is not None
    assert (edition.year, edition.name, edition.theme, edition.venue) == (
        2026, "Self Management Awards 2026", "Living well", "Glasgow"
    )
    assert edition.timezone == "Europe/London"
    assert edition.nominations_open_at == START
    event = db_session.scalars(select(AuditEvent).where(AuditEvent.action == "edition.created")).one()
    assert (event.actor_id, event.subject_type, event.subject_id) == (organiser.id, "edition", edition.id)
    assert event.details == {"year": 2026, "name": "Self Management Awards 2026"}


def test_timezone_is_spelt_as_iana_spells_it(organiser):
    assert make_edition(organiser, timezone="europe/paris").timezone == "Europe/Paris"


@pytest.mark.parametrize("zone", ["", "Mars/Olympus", "localtime", "../etc/passwd", "Europe/"])
def test_unknown_timezones_are_refused(organiser, zone):
    error = refusal(make_edition, organiser, timezone=zone)
    assert error.field == "timezone"
    assert "Europe/London" in error.message


@pytest.mark.parametrize("name", ["", "   ", None])
def test_edition_needs_a_name(organiser, name):
    error = refusal(make_edition, organiser, name=name)
    assert (error.field, error.message) == ("name", "Enter the name of the edition")


def test_edition_name_has_a_length_limit(organiser):
    assert refusal(make_edition, organiser, name="x" * 201).field == "name"
    assert len(make_edition(organiser, name="x" * 200).name) == 200


@pytest.mark.parametrize("year", [1999, 2101, "2026", None, True])
def test_year_must_be_a_plausible_whole_number(organiser, year):
    assert refusal(make_edition, organiser, year=year).field == "year"


def test_year_is_unique(organiser, edition):
    error = refusal(make_edition, organiser, name="Another")
    assert (error.field, error.message) == ("year", "There is already an edition for 2026")


def test_every_phase_date_is_required(organiser):
    dates = phase_dates()
    del dates["judging_end_at"]
    error = refusal(make_edition, organiser, dates=dates)
    assert error.field == "judging_end_at"
    assert "Judging ends" in error.message


def test_phase_dates_must_be_in_order(organiser):
    dates = phase_dates()
    dates["vote_close_at"] = dates["vote_open_at"] - timedelta(minutes=1)
    error = refusal(make_edition, organiser, dates=dates)
    assert error.field == "vote_close_at"
    assert error.message == "Public vote closes must be on or after public vote opens"


def test_phase_dates_may_coincide(organiser):
    dates = phase_dates()
    dates["judging_start_at"] = dates["nominations_close_at"]
    assert make_edition(organiser, dates=dates).judging_start_at == dates["nominations_close_at"]


def test_naive_dates_are_a_programming_error(organiser):
    dates = phase_dates()
    dates["ceremony_at"] = dates["ceremony_at"].replace(tzinfo=None)
    with pytest.raises(ValueError):
        make_edition(organiser, dates=dates)


def test_update_edition_records_what_changed(organiser, edition, db_session):
    dates = phase_dates()
    dates["ceremony_at"] += timedelta(days=1)
    editions.update_edition(organiser, edition, year=2026, name="The 2026 awards", dates=dates, timezone="UTC")
    assert (edition.name, edition.timezone, edition.ceremony_at) == ("The 2026 awards", "UTC", dates["ceremony_at"])
    event = db_session.scalars(select(AuditEvent).where(AuditEvent.action == "edition.updated")).one()
    assert set(event.details["changes"]) == {"name", "timezone", "ceremony_at"}
    assert event.details["changes"]["name"] == ["Self Management Awards 2026", "The 2026 awards"]


def test_update_edition_keeps_its_own_year_but_cannot_take_another(organiser, edition):
    other = make_edition(organiser, year=2027, name="2027")
    editions.update_edition(organiser, edition, year=2026, name="Renamed", dates=phase_dates())
    error = refusal(editions.update_edition, organiser, other, year=2026, name="2027", dates=phase_dates())
    assert error.field == "year"
    assert other.year == 2027


def test_refused_update_changes_nothing(organiser, edition):
    refusal(editions.update_edition, organiser, edition, year=2026, name="", dates=phase_dates())
    assert edition.name == "Self Management Awards 2026"


def test_only_organisers_change_the_programme(judge, organiser, edition):
    with pytest.raises(NotAllowed):
        make_edition(judge, year=2030)
    with pytest.raises(NotAllowed):
        make_edition(None, year=2030)
    with pytest.raises(NotAllowed):
        make_category(judge, edition)
    with pytest.raises(NotAllowed):
        make_criterion(judge, edition)


# --- Categories --------------------------------------------------------------------------------------------------


def test_add_category_appends_it_and_records_it(organiser, edition, db_session):
    first = make_category(organiser, edition, description=" Cares ", eligibility_notes="Unpaid carers")
    second = make_category(organiser, edition, name="Project of the year", nominee_kind="project", has_public_vote=1)
    assert [c.name for c in edition.categories] == ["Carer of the year", "Project of the year"]
    assert first.display_order < second.display_order
    assert (first.description, first.eligibility_notes, first.has_public_vote) == ("Cares", "Unpaid carers", False)
    assert (second.nominee_kind, second.has_public_vote) == (NomineeKind.PROJECT, True)
    assert actions(db_session)[-2:] == ["category.added", "category.added"]


def test_category_names_are_unique_within_an_edition_whatever_the_case(organiser, edition):
    make_category(organiser, edition)
    error = refusal(make_category, organiser, edition, name="  CARER of the year ")
    assert error.field == "name"
    assert "already a category called" in error.message
    other_edition = make_edition(organiser, year=2027, name="2027")
    assert make_category(organiser, other_edition).edition is other_edition


def test_category_needs_a_name_and_a_kind(organiser, edition):
    assert refusal(make_category, organiser, edition, name=" ").field == "name"
    assert refusal(make_category, organiser, edition, nominee_kind="alien").field == "nominee_kind"
    assert refusal(make_category, organiser, edition, nominee_kind=None).field == "nominee_kind"


def test_update_category(organiser, edition, db_session):
    category = make_category(organiser, edition)
    make_category(organiser, edition, name="Project of the year")
    categories.update_category(organiser, category, name="Carer of the year", nominee_kind="organisation",
                               has_public_vote=True, description="New")
    assert (category.nominee_kind, category.has_public_vote, category.description) == (
        NomineeKind.ORGANISATION, True, "New"
    )
    error = refusal(categories.update_category, organiser, category, name="project OF the year", nominee_kind="person")
    assert error.field == "name"
    event = db_session.scalars(select(AuditEvent).where(AuditEvent.action == "category.updated")).one()
    assert set(event.details["changes"]) == {"nominee_kind", "has_public_vote", "description"}


def test_move_category_up_and_down(organiser, edition, db_session):
    a, b, c = (make_category(organiser, edition, name=name) for name in "ABC")
    categories.move_category(organiser, c, "up")
    assert [x.name for x in edition.categories] == ["A", "C", "B"]
    categories.move_category(organiser, a, "down")
    assert [x.name for x in edition.categories] == ["C", "A", "B"]
    assert refusal(categories.move_category, organiser, c, "up").message == "This category is already first"
    assert refusal(categories.move_category, organiser, b, "down").message == "This category is already last"
    assert refusal(categories.move_category, organiser, a, "sideways").field == "direction"
    assert actions(db_session).count("category.moved") == 2


def test_move_renumbers_categories_that_share_a_position(organiser, edition):
    a, b, c = (make_category(organiser, edition, name=name) for name in "ABC")
    for category in (a, b, c):
        category.display_order = 0  # as rows made before ordering existed would be
    categories.move_category(organiser, b, "down")
    assert [x.name for x in edition.categories] == ["A", "C", "B"]
    assert [x.display_order for x in edition.categories] == [0, 1, 2]


def test_delete_category_takes_its_questions(organiser, edition, db_session):
    category = make_category(organiser, edition)
    categories.add_question(organiser, category, prompt="Why?", word_limit=300)
    categories.delete_category(organiser, category)
    assert edition.categories == []
    assert actions(db_session)[-1] == "category.deleted"


def test_category_with_nominations_cannot_be_deleted(organiser, edition, db_session):
    category = make_category(organiser, edition)
    db_session.add(make_nomination(edition, category))
    db_session.flush()
    error = refusal(categories.delete_category, organiser, category)
    assert "already has 1 nomination." in error.message
    assert categories.category_kept_because(category) == error.message
    assert edition.categories == [category]


# --- Questions ---------------------------------------------------------------------------------------------------


@pytest.fixture
def category(organiser, edition):
    """A category of the edition."""
    return make_category(organiser, edition)


def test_add_and_update_question(organiser, category, db_session):
    question = categories.add_question(organiser, category, prompt=" What did they do? ", word_limit=250,
                                       hint="Examples help", required=False)
    assert (question.prompt, question.word_limit, question.hint, question.required) == (
        "What did they do?", 250, "Examples help", False
    )
    categories.update_question(organiser, question, prompt="What changed?", word_limit=2000)
    assert (question.prompt, question.word_limit, question.hint, question.required) == ("What changed?", 2000, "", True)
    assert actions(db_session)[-2:] == ["question.added", "question.updated"]


@pytest.mark.parametrize("word_limit", [0, -5, 2001, None, 1.5])
def test_word_limit_is_from_1_to_2000(organiser, category, word_limit):
    error = refusal(categories.add_question, organiser, category, prompt="Why?", word_limit=word_limit)
    assert error.field == "word_limit"


def test_word_limit_bounds_are_allowed(organiser, category):
    assert categories.add_question(organiser, category, prompt="One", word_limit=1).word_limit == 1
    assert categories.add_question(organiser, category, prompt="Many", word_limit=2000).word_limit == 2000


def test_question_needs_a_prompt(organiser, category):
    error = refusal(categories.add_question, organiser, category, prompt="  ", word_limit=300)
    assert (error.field, error.message) == ("prompt", "Enter the question")
    assert refusal(categories.add_question, organiser, category, prompt="x" * 501, word_limit=300).field == "prompt"


def test_move_question(organiser, category, db_session):
    first, second = (categories.add_question(organiser, category, prompt=p, word_limit=100) for p in ("1", "2"))
    categories.move_question(organiser, first, "down")
    assert [q.prompt for q in category.questions] == ["2", "1"]
    assert refusal(categories.move_question, organiser, first, "down").message == "This question is already last"
    assert actions(db_session)[-1] == "question.moved"


def test_question_with_answers_cannot_be_deleted(organiser, edition, category, db_session):
    answered = categories.add_question(organiser, category, prompt="Answered", word_limit=100)
    unanswered = categories.add_question(organiser, category, prompt="Not yet", word_limit=100)
    nomination = make_nomination(edition, category)
    nomination.answers.append(NominationAnswer(question=answered, text="Because"))
    db_session.add(nomination)
    db_session.flush()
    assert "already answered it (1 answer)" in refusal(categories.delete_question, organiser, answered).message
    categories.delete_question(organiser, unanswered)
    assert category.questions == [answered]
    assert actions(db_session)[-1] == "question.deleted"


# --- Criteria ----------------------------------------------------------------------------------------------------


def test_add_and_update_criterion(organiser, edition, db_session):
    criterion = make_criterion(organiser, edition, weight=2.5, scale_min=1, scale_max=5, description="Difference made")
    assert (criterion.weight, criterion.scale_min, criterion.scale_max) == (2.5, 1, 5)
    categories.update_criterion(organiser, criterion, name="Reach", weight=100, scale_min=0, scale_max=100)
    assert (criterion.name, criterion.weight, criterion.scale_max, criterion.description) == ("Reach", 100, 100, "")
    assert actions(db_session)[-2:] == ["criterion.added", "criterion.updated"]


def test_criterion_names_are_unique_within_an_edition(organiser, edition):
    make_criterion(organiser, edition)
    error = refusal(make_criterion, organiser, edition, name="impact")
    assert (error.field, error.message) == ("name", "There is already a criterion called ‘impact’ in this edition")


@pytest.mark.parametrize("weight", [0, -1, 0.001, 100.01, float("nan"), float("inf"), None, "2"])
def test_weight_is_above_0_up_to_100(organiser, edition, weight):
    assert refusal(make_criterion, organiser, edition, weight=weight).field == "weight"


@pytest.mark.parametrize(
    ("scale_min", "scale_max", "field"),
    [(5, 5, "scale_max"), (6, 5, "scale_max"), (-1, 5, "scale_min"), (0, 101, "scale_max"), (None, 5, "scale_min")],
)
def test_scale_runs_upwards_within_0_to_100(organiser, edition, scale_min, scale_max, field):
    error = refusal(make_criterion, organiser, edition, scale_min=scale_min, scale_max=scale_max)
    assert error.field == field


def test_criterion_with_scores_cannot_be_deleted(organiser, edition, judge, db_session):
    scored = make_criterion(organiser, edition)
    unscored = make_criterion(organiser, edition, name="Reach")
    category = make_category(organiser, edition)
    nomination = make_nomination(edition, category)
    db_session.add(nomination)
    db_session.flush()
    db_session.add(Score(judge_id=judge.id, nomination_id=nomination.id, criterion_id=scored.id, value=7))
    db_session.flush()
    assert "already given 1 score with it" in refusal(categories.delete_criterion, organiser, scored).message
    categories.delete_criterion(organiser, unscored)
    assert edition.criteria == [scored]
    assert actions(db_session)[-1] == "criterion.deleted"
