"""Organisers' corrections of a nomination and moves to another category: the original kept, the form's rules, the
answers carried, the refusals, the nominator's email, and what judges and the audit log see."""
from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from awards_app.core.errors import DomainError, NotAllowed
from awards_app.core.models import AuditEvent
from awards_app.judging.models import JudgeAssignment
from awards_app.nominations import corrections
from awards_app.nominations.corrections import (
    CorrectionInvalid,
    answer_key,
    correct_nomination,
    correction_history,
    move_nomination,
    original_values,
)
from awards_app.nominations.models import NominationCorrection
from awards_app.programme.models import NomineeKind, Question
from tests.factories.accounts import make_judge
from tests.factories.judging import make_criteria, make_finalists, make_scores, seat
from tests.factories.nominations import make_nomination
from tests.factories.programme import make_category, make_edition

REASON = "The nominator phoned on 3 March."


def events(db_session, action: str) -> list[AuditEvent]:
    """The audit events of one kind, oldest first."""
    return list(db_session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))


def category_with(edition, name: str, kind: NomineeKind, *questions: tuple[str, int, bool]):
    """A category of the kind with exactly these questions (prompt, word limit, required)."""
    category = make_category(edition, name=name, nominee_kind=kind)
    category.questions[:] = [Question(prompt=prompt, word_limit=limit, required=required, display_order=position)
                             for position, (prompt, limit, required) in enumerate(questions)]
    return category


@pytest.fixture
def site(db_session, clock, organiser):
    """An edition with two categories for people (one question in common, in other capitals) and one for projects,
    a nomination in the first, and a category of another year."""
    edition = make_edition()
    carers = category_with(edition, "Carer of the Year", NomineeKind.PERSON,
                           ("Why do they deserve it?", 10, True), ("What difference has it made?", 300, True),
                           ("Anything else?", 100, False))
    young = category_with(edition, "Young Carer of the Year", NomineeKind.PERSON,
                          ("What  DIFFERENCE has it made?", 300, True), ("How old are they?", 20, True))
    projects = category_with(edition, "Project of the Year", NomineeKind.PROJECT, ("Why do they deserve it?", 10, True))
    nomination = make_nomination(carers, "Morag Frasr", answer="She listens.", nominator_email="iain@example.org")
    other = make_category(make_edition(year=2025, start=edition.nominations_open_at - timedelta(days=365)),
                          name="Carer of the Year", nominee_kind=NomineeKind.PERSON)
    db_session.flush()
    return SimpleNamespace(edition=edition, carers=carers, young=young, projects=projects, nomination=nomination,
                           other=other, organiser=organiser,
                           why=carers.questions[0], difference=carers.questions[1], anything=carers.questions[2])


# --- Correcting what was typed -----------------------------------------------------------------------------------


def test_a_correction_changes_the_value_and_keeps_the_one_before(site, db_session):
    changed = correct_nomination(site.organiser, site.nomination, {"nominee_name": "Morag Fraser"}, REASON)

    assert changed == ["nominee_name"]
    assert site.nomination.nominee_name == "Morag Fraser"
    [row] = site.nomination.corrections
    assert (row.field, row.before, row.after, row.reason) == ("nominee_name", "Morag Frasr", "Morag Fraser", REASON)
    assert row.corrected_by_id == site.organiser.id


def test_the_original_is_kept_after_two_corrections(site):
    correct_nomination(site.organiser, site.nomination, {"nominee_name": "Morag Fraser",
                                                         answer_key(site.why): "She listens well."}, REASON)
    correct_nomination(site.organiser, site.nomination, {"nominee_name": "Morag Fraser-Bain",
                                                         answer_key(site.why): "She listens to everyone."}, "Again")

    original = original_values(site.nomination)
    assert original.fields == {"nominee_name": "Morag Frasr"}
    assert ("Why do they deserve it?", "She listens.") in original.answers
    assert ("What difference has it made?", "She listens.") in original.answers  # untouched, as sent
    assert site.nomination.nominee_name == "Morag Fraser-Bain"
    assert [len(record.rows) for record in correction_history(site.nomination)] == [2, 2]


def test_the_nomination_forms_rules_apply(site):
    with pytest.raises(CorrectionInvalid) as refused:
        correct_nomination(site.organiser, site.nomination, {
            "nominee_name": " ", "nominator_email": "not-an-address", "local_authority": "Atlantis",
            answer_key(site.why): "one two three four five six seven eight nine ten eleven",
            "nominator_phone": "call me",
        }, "")

    assert set(refused.value.fields) == {"nominee_name", "nominator_email", "local_authority", answer_key(site.why),
                                         "nominator_phone", "reason"}
    assert "10 words or fewer. It has 11 words" in refused.value.fields[answer_key(site.why)]
    assert "the nominator's email address" in refused.value.fields["nominator_email"]
    assert site.nomination.nominee_name == "Morag Frasr"
    assert not site.nomination.corrections


def test_a_required_answer_cannot_be_emptied_but_an_optional_one_can_be_added_and_removed(site):
    with pytest.raises(CorrectionInvalid) as refused:
        correct_nomination(site.organiser, site.nomination, {answer_key(site.why): ""}, REASON)
    assert "required" in refused.value.fields[answer_key(site.why)]

    correct_nomination(site.organiser, site.nomination, {answer_key(site.anything): ""}, REASON)
    assert site.anything.id not in {answer.question_id for answer in site.nomination.answers}
    assert original_values(site.nomination).answers[-1] == ("Anything else?", "She listens.")


def test_values_nobody_changed_are_not_judged_again(site):
    site.why.word_limit = 1  # lowered after the nomination was sent: its answer no longer fits, but stays
    correct_nomination(site.organiser, site.nomination, {
        "nominee_name": "Morag Fraser", answer_key(site.why): "She listens.",
    }, REASON)
    assert [row.field for row in site.nomination.corrections] == ["nominee_name"]


def test_nothing_changed_is_refused(site):
    with pytest.raises(DomainError, match="Nothing has changed"):
        correct_nomination(site.organiser, site.nomination, {"nominee_name": " Morag Frasr "}, REASON)


def test_only_organisers_correct(site):
    judge = make_judge()
    with pytest.raises(NotAllowed):
        correct_nomination(judge, site.nomination, {"nominee_name": "Someone Else"}, REASON)


def test_an_answer_to_another_categorys_question_is_refused(site):
    with pytest.raises(DomainError, match="not part of this nomination's category"):
        correct_nomination(site.organiser, site.nomination, {answer_key(site.projects.questions[0]): "x"}, REASON)


def test_the_audit_log_names_the_fields_never_the_values_or_the_reason(site, db_session):
    correct_nomination(site.organiser, site.nomination, {"nominator_email": "iain.brown@example.org"}, REASON)

    [event] = events(db_session, "nomination.corrected")
    assert event.details == {"reference": site.nomination.reference, "fields": ["nominator_email"]}
    assert "iain" not in str(event.details) and "phoned" not in str(event.details)


def test_emptying_the_nominees_email_stores_none(site):
    correct_nomination(site.organiser, site.nomination, {"nominee_email": ""}, REASON)
    assert site.nomination.nominee_email is None
    assert site.nomination.corrections[0].before == "morag@example.org"


def test_answers_cannot_be_corrected_once_judges_have_scored_the_entry_but_names_can(site):
    judge = make_judge()
    seat(judge, site.carers)
    make_scores(judge, site.nomination, make_criteria(site.edition))
    with pytest.raises(CorrectionInvalid) as refusal:
        correct_nomination(site.organiser, site.nomination, {"nominee_name": "Morag Fraser",
                                                             answer_key(site.why): "She listens well."}, REASON)
    assert list(refusal.value.fields) == [answer_key(site.why)]
    assert refusal.value.fields[answer_key(site.why)].startswith("Judges have scored this entry as it was written")
    assert site.nomination.answers[0].text == "She listens." and site.nomination.nominee_name == "Morag Frasr"
    assert correct_nomination(site.organiser, site.nomination, {"nominee_name": "Morag Fraser",
                                                                answer_key(site.why): "She listens."},
                              REASON) == ["nominee_name"]  # an answer sent back as it is changes nothing


def test_answers_cannot_be_corrected_once_the_entry_is_on_a_shortlist(site):
    make_finalists(site.carers, [site.nomination])
    with pytest.raises(CorrectionInvalid, match="on a shortlist chosen on its answers as they were written"):
        correct_nomination(site.organiser, site.nomination, {answer_key(site.anything): "Added later."}, REASON)
    assert correct_nomination(site.organiser, site.nomination, {"nominator_phone": "01234 567890"},
                              REASON) == ["nominator_phone"]


# --- Moving to another category ----------------------------------------------------------------------------------


def test_a_move_carries_the_answers_with_the_same_words_and_keeps_the_others(site, outbox):
    plan = move_nomination(site.organiser, site.nomination, site.young, REASON)

    assert site.nomination.category is site.young
    assert {fate.answer.question.prompt for fate in plan.carried} == {"What  DIFFERENCE has it made?"}
    assert [answer.question for answer in site.nomination.answers] == [site.young.questions[0]]
    assert [question.prompt for question in plan.unanswered] == ["How old are they?"]
    kept = corrections.answers_kept_aside(site.nomination)
    assert [(row.question_prompt, row.before) for row in kept] == [("Why do they deserve it?", "She listens."),
                                                                  ("Anything else?", "She listens.")]
    original = original_values(site.nomination)
    assert original.fields == {"category": "Carer of the Year"}
    assert sorted(prompt for prompt, _ in original.answers) == [
        "Anything else?", "What difference has it made?", "Why do they deserve it?"]


def test_an_answer_over_the_new_word_limit_stays_behind(site):
    site.young.questions[0].word_limit = 1
    plan = move_nomination(site.organiser, site.nomination, site.young, REASON)
    assert not plan.carried
    assert "It has 2 words; the question in Young Carer of the Year allows 1." in [f.why_not for f in plan.kept_aside]


def test_the_nominator_is_emailed_once_in_plain_words_without_what_they_typed(site, outbox):
    move_nomination(site.organiser, site.nomination, site.young, REASON)

    [email] = outbox()
    assert email.to_address == "iain@example.org"
    assert "Young Carer of the Year" in email.subject
    assert "from the Carer of the Year award to the Young Carer of the Year award" in email.text_body
    assert "from the <strong>Carer of the Year</strong> award to the <strong>Young Carer" in email.html_body
    for body in (email.text_body, email.html_body):
        assert "reply to this email" in body and site.nomination.reference in body
        assert "Morag" not in body and "She listens" not in body and "phoned" not in body

    with pytest.raises(DomainError, match="already in Young Carer of the Year"):
        move_nomination(site.organiser, site.nomination, site.young, REASON)
    assert len(outbox()) == 1


def test_a_move_is_audited(site, db_session):
    move_nomination(site.organiser, site.nomination, site.young, REASON)
    [event] = events(db_session, "nomination.moved")
    assert event.details["old"] == "Carer of the Year" and event.details["new"] == "Young Carer of the Year"
    assert event.details["answers_carried"] == 1 and event.details["answers_kept_aside"] == 2


def test_moving_there_and_back_keeps_the_original(site):
    move_nomination(site.organiser, site.nomination, site.young, REASON)
    move_nomination(site.organiser, site.nomination, site.carers, "Back again")

    original = original_values(site.nomination)
    assert original.fields == {"category": "Carer of the Year"}
    assert sorted(original.answers) == sorted([("Why do they deserve it?", "She listens."),
                                               ("What difference has it made?", "She listens."),
                                               ("Anything else?", "She listens.")])


@pytest.mark.parametrize("where, words", [
    ("other", "can only move to another category of Self Management Awards 2026"),
    ("projects", "is for nominees of the kind 'project', and this nomination is of the kind 'person'"),
    ("carers", "already in Carer of the Year"),
])
def test_a_move_is_refused_across_editions_kinds_and_to_the_same_category(site, where, words):
    with pytest.raises(DomainError, match=words) as refused:
        move_nomination(site.organiser, site.nomination, getattr(site, where), REASON)
    assert refused.value.field == "category"
    assert site.nomination.category is site.carers and not site.nomination.corrections


def test_a_move_is_refused_once_judges_have_scored_it(site, outbox):
    judge = make_judge()
    seat(judge, site.carers)
    make_scores(judge, site.nomination, make_criteria(site.edition))
    with pytest.raises(DomainError, match="Judges have already scored"):
        move_nomination(site.organiser, site.nomination, site.young, REASON)
    assert not outbox()


@pytest.mark.parametrize("which", ["carers", "young"])
def test_a_move_is_refused_once_either_shortlist_is_chosen(site, clock, which):
    getattr(site, which).shortlisted_at = clock.now()
    with pytest.raises(DomainError, match=f"The shortlist of {getattr(site, which).name} has been chosen"):
        move_nomination(site.organiser, site.nomination, site.young, REASON)


def test_a_finalist_cannot_move(site):
    make_finalists(site.carers, [site.nomination])
    with pytest.raises(DomainError, match="on a shortlist"):
        move_nomination(site.organiser, site.nomination, site.young, REASON)


def test_merged_nominations_do_not_move_alone(site):
    duplicate = make_nomination(site.carers, "Morag Fraser", merged_into_id=site.nomination.id)
    with pytest.raises(DomainError, match="merged into"):
        move_nomination(site.organiser, duplicate, site.young, REASON)
    with pytest.raises(DomainError, match="Unmerge them"):
        move_nomination(site.organiser, site.nomination, site.young, REASON)


def test_a_move_needs_a_reason_and_an_organiser(site):
    with pytest.raises(DomainError, match="Enter the reason") as refused:
        move_nomination(site.organiser, site.nomination, site.young, "  ")
    assert refused.value.field == "reason"
    with pytest.raises(NotAllowed):
        move_nomination(make_judge(), site.nomination, site.young, REASON)


def test_judge_assignments_of_the_old_panel_go(site, db_session):
    judge = make_judge()
    db_session.add(JudgeAssignment(judge_id=judge.id, nomination_id=site.nomination.id))
    db_session.flush()
    move_nomination(site.organiser, site.nomination, site.young, REASON)
    assert not db_session.scalars(select(JudgeAssignment)).all()


def test_no_email_when_the_nominators_address_was_erased(site, outbox):
    site.nomination.nominator_email = ""
    move_nomination(site.organiser, site.nomination, site.young, REASON)
    assert not outbox()


def test_corrections_go_when_the_nomination_is_deleted(site, db_session):
    correct_nomination(site.organiser, site.nomination, {"nominee_name": "Morag Fraser"}, REASON)
    db_session.delete(site.nomination)
    db_session.flush()
    assert not db_session.scalars(select(NominationCorrection)).all()
