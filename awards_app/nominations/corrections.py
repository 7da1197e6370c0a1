"""Organisers correct a nomination: fix what the nominator typed, or move it to another category of its edition.

Every changed value is kept as a NominationCorrection (before, after, who, when, why), so the first correction of a
field holds what the nominator typed and the original can always be shown. Judges read the nomination as it is now
and see nothing of the history. The audit log says which fields changed, never their values or the reason (those
stay in the correction rows, which privacy/personal_data.py exports, erases and purges with the nomination).
Answers can no longer be corrected once judges have scored the entry or it is on a shortlist (scores and shortlists
refer to the words the judges read); names and contact details can. Correcting the nominee's address stops the consent
link sent to the old one, and an answer given through it no longer counts (nominations/consent.py).

The rule of a move: an answer is carried to the new category's question with the same words (case and spacing
aside), when it fits that question's word limit; any other answer stays with the move's record, shown to the
organisers, not lost. A move is refused once judges have scored the nomination or once either category's shortlist
is chosen (scores and shortlists belong to one category), across editions, and between kinds of nominee.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from functools import partial

from sqlalchemy import delete, exists, func, or_, select, update

from awards_app.accounts.models import User
from awards_app.core import clock
from awards_app.core.audit import record_event
from awards_app.core.errors import DomainError
from awards_app.core.outbox import queue_email
from awards_app.extensions import db
from awards_app.judging.assignment import NewEntryJudges, assign_new_entry, plan_of
from awards_app.judging.models import Finalist, JudgeAssignment, Score, ScoreComment
from awards_app.nominations.consent import forget_old_address
from awards_app.nominations.drafts import (
    StepInvalid,
    check_answer,
    check_nominator,
    check_nominee,
    clean_text,
    count_words,
)
from awards_app.nominations.models import (
    Nomination,
    NominationAnswer,
    NominationCorrection,
)
from awards_app.nominations.review import REASON_MAX_LENGTH
from awards_app.permissions import is_organiser
from awards_app.programme.models import Category, Question

# The fields a nominator typed, by the nomination's column, with the name the nomination form's checks give them.
NOMINEE_FIELDS = {
    "nominee_name": "name", "nominee_organisation": "organisation", "local_authority": "local_authority",
    "nominee_email": "email",
}
NOMINATOR_FIELDS = {
    "nominator_name": "name", "nominator_email": "email", "nominator_relationship": "relationship",
    "nominator_phone": "phone",
}
FIELD_LABELS = {
    "nominee_name": "Nominee's name",
    "nominee_organisation": "Nominee's organisation",
    "local_authority": "Local authority area",
    "nominee_email": "Nominee's email address",
    "nominator_name": "Nominator's name",
    "nominator_email": "Nominator's email address",
    "nominator_relationship": "Nominator's relationship to the nominee",
    "nominator_phone": "Nominator's phone number",
    "category": "Category",
}
ANSWER = "answer"
CATEGORY = "category"

# The nomination form speaks to the nominator ("Enter your full name"); here an organiser reads the same rules.
_ORGANISERS_WORDS = [
    ("Enter your full name", "Enter the nominator's full name"),
    ("Your name", "The nominator's name"),
    ("your email address", "the nominator's email address"),
    ("Your email address", "The nominator's email address"),
    ("Enter how you know the nominee", "Enter how the nominator knows the nominee"),
    ("How you know the nominee", "How the nominator knows the nominee"),
    ("Enter your answer to the question", "Enter the answer to this question: it is required"),
    ("Your answer", "The answer"),
]


def answer_key(question: Question) -> str:
    """The key of an answer among a correction's changes (and the correction form's field name)."""
    return f"answer_{question.id}"


class CorrectionInvalid(DomainError):
    """Some corrected values break the nomination form's rules; `fields` maps each change's key to its message."""

    def __init__(self, fields: dict[str, str]):
        field, message = next(iter(fields.items()))
        super().__init__(message, field=field)
        self.fields = fields


def _for_organisers(message: str) -> str:
    """A nomination form's message in the words an organiser reads."""
    for nominators, organisers in _ORGANISERS_WORDS:
        message = message.replace(nominators, organisers)
    return message


def _checked_reason(reason) -> tuple[str, str | None]:
    """The reason, trimmed, and what is wrong with it (None when nothing)."""
    reason = clean_text(reason, multiline=True)
    if not reason:
        return reason, "Enter the reason for the change, for example 'The nominator phoned: the surname is Fraser'"
    if len(reason) > REASON_MAX_LENGTH:
        return reason, f"The reason must be {REASON_MAX_LENGTH:,} characters or fewer"
    return reason, None


def _checked(check: Callable[[dict, bool], dict], typed: dict, changed: set[str]) -> tuple[dict, dict[str, str]]:
    """Run one step of the nomination form's rules: the cleaned values, and the problems of the values that changed.

    A value nobody changed is not judged again (a limit may have changed since, or the nominator's details were
    erased): the correction must not break a rule, and need not mend what it leaves alone.
    """
    try:
        return check(typed, True), {}
    except StepInvalid as refusal:
        problems = {key: message for key, message in refusal.problems.items() if key in changed}
    try:
        clean = check(typed, False)
    except StepInvalid as refusal:
        problems.update({key: message for key, message in refusal.problems.items() if key in changed})
        clean = typed
    return clean, problems


def _current(nomination: Nomination, column: str) -> str:
    """A typed field's value now, as text."""
    return getattr(nomination, column) or ""


def _change(nomination: Nomination, actor: User, reason: str, at: datetime, field: str, before: str, after: str,
            question: Question | None = None, to: Question | None = None) -> NominationCorrection:
    """One correction row, added to the nomination's history."""
    row = NominationCorrection(
        field=field, before=before, after=after, reason=reason, corrected_by_id=actor.id, corrected_at=at,
        question_id=question.id if question else None, question_prompt=question.prompt if question else "",
        to_question_id=to.id if to else None, to_question_prompt=to.prompt if to else "",
    )
    nomination.corrections.append(row)
    return row


def answers_locked(nomination: Nomination) -> str | None:
    """Why the nomination's answers can no longer be corrected (None while they can): judges scored, and the
    shortlist was chosen, on the words as they were; names and contact details stay correctable."""
    if _has_scores(nomination):
        return ("Judges have scored this entry as it was written, so its answers can no longer be corrected: the "
                "scores would refer to words the judges never read. Names and contact details can still be corrected.")
    if _is_finalist(nomination):
        return ("This entry is on a shortlist chosen on its answers as they were written, so they can no longer be "
                "corrected: the shortlist would refer to words the judges never read. Names and contact details can "
                "still be corrected.")
    return None


def correct_nomination(actor: User, nomination: Nomination, changes: Mapping[str, str], reason) -> list[str]:
    """Correct what the nominator typed, under the nomination form's rules; the names of the fields that changed.

    `changes` maps a nomination column (NOMINEE_FIELDS, NOMINATOR_FIELDS) or an answer_key to the new text; a key
    left out stays as it is. Raises CorrectionInvalid naming every problem, or DomainError when nothing changed.
    """
    is_organiser.require(actor)
    questions = {answer_key(question): question for question in nomination.category.questions}
    unknown = set(changes) - NOMINEE_FIELDS.keys() - NOMINATOR_FIELDS.keys() - questions.keys()
    if unknown:
        raise DomainError("Those answers are not part of this nomination's category. Open the nomination again.")
    answers = {answer.question_id: answer for answer in nomination.answers}
    problems: dict[str, str] = {}
    locked = answers_locked(nomination)
    reason, reason_problem = _checked_reason(reason)

    new_values: dict[str, str] = {}
    for columns, check in ((NOMINEE_FIELDS, partial(check_nominee, nomination.category.nominee_kind)),
                           (NOMINATOR_FIELDS, check_nominator)):
        typed = {name: changes.get(column, _current(nomination, column)) for column, name in columns.items()}
        changed = {name for column, name in columns.items()
                   if column in changes and clean_text(changes[column]) != _current(nomination, column)}
        clean, found = _checked(check, typed, changed)
        problems.update({column: _for_organisers(found[name]) for column, name in columns.items() if name in found})
        new_values.update({column: clean[name] or "" for column, name in columns.items() if name in changed})
    for key, question in questions.items():
        if key not in changes:
            continue
        before = answers[question.id].text if question.id in answers else ""
        if clean_text(changes[key], multiline=True) == before:
            continue
        if locked:
            problems[key] = locked
            continue
        try:
            new_values[key] = check_answer(question, changes[key], True)
        except StepInvalid as refusal:
            problems[key] = _for_organisers(refusal.message)

    if reason_problem:
        problems["reason"] = reason_problem
    if problems:
        raise CorrectionInvalid(problems)
    at = clock.now()
    changed_fields = []
    for key, after in new_values.items():
        if key in questions:
            question = questions[key]
            answer = answers.get(question.id)
            before = answer.text if answer else ""
            if after == before:
                continue
            _change(nomination, actor, reason, at, ANSWER, before, after, question, question)
            if answer is None:
                nomination.answers.append(NominationAnswer(question=question, text=after))
            elif after:
                answer.text = after
            else:
                nomination.answers.remove(answer)  # a nomination keeps no empty answers, as when it was sent
            changed_fields.append(f"answer to question {question.id}")
        else:
            before = _current(nomination, key)
            if after == before:
                continue  # the same once cleaned (an email's domain in capitals, say)
            _change(nomination, actor, reason, at, key, before, after)
            setattr(nomination, key, after or (None if key == "nominee_email" else ""))
            changed_fields.append(key)
    if not changed_fields:
        raise DomainError("Nothing has changed. Change at least one answer, or go back to the nomination.")
    if "nominee_email" in changed_fields:
        forget_old_address(actor, nomination)
    db.session.flush()
    # Which fields, never what they held or why: the values and the reason stay in the correction rows.
    record_event(actor, "nomination.corrected", nomination, reference=nomination.reference, fields=changed_fields)
    return changed_fields


# --- Moving to another category ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class AnswerFate:
    """What a move does with one answer: carried to `to`, or kept aside (with the reason) when `to` is None."""

    answer: NominationAnswer
    to: Question | None
    why_not: str = ""


@dataclass(frozen=True)
class MovePlan:
    """What moving a nomination into a category would do with its answers, and what the new category still needs."""

    category: Category
    fates: list[AnswerFate]
    unanswered: list[Question]
    # Whether the category is judged by assignment (judging/assignment.py), and once moved, the judges it was given.
    by_assignment: bool = False
    judges: NewEntryJudges | None = None

    @property
    def carried(self) -> list[AnswerFate]:
        """The answers that move with the nomination."""
        return [fate for fate in self.fates if fate.to is not None]

    @property
    def kept_aside(self) -> list[AnswerFate]:
        """The answers that stay with the move's record only."""
        return [fate for fate in self.fates if fate.to is None]


def _same_words(prompt: str) -> str:
    """A question's words, for matching: case and spacing do not count."""
    return " ".join(prompt.casefold().split())


def plan_move(nomination: Nomination, category: Category) -> MovePlan:
    """Which answers would be carried to `category`'s questions, which kept aside and why, and which required
    questions would be left unanswered."""
    by_words: dict[str, Question] = {}
    for question in category.questions:
        by_words.setdefault(_same_words(question.prompt), question)
    fates, used = [], set()
    for answer in sorted(nomination.answers, key=lambda a: (a.question.display_order, a.question_id)):
        to = by_words.get(_same_words(answer.question.prompt))
        if to is None or to.id in used:
            fates.append(AnswerFate(answer, None, f"{category.name} has no question with the same words."))
        elif count_words(answer.text) > to.word_limit:
            fates.append(AnswerFate(answer, None, f"It has {count_words(answer.text):,} words; the question in "
                                                  f"{category.name} allows {to.word_limit:,}."))
        else:
            used.add(to.id)
            fates.append(AnswerFate(answer, to))
    unanswered = [question for question in category.questions if question.required and question.id not in used]
    return MovePlan(category, fates, unanswered, by_assignment=plan_of(category) is not None)


def _has_scores(nomination: Nomination) -> bool:
    """Whether any judge has scored or commented on the nomination."""
    return db.session.scalar(select(or_(
        exists().where(Score.nomination_id == nomination.id),
        exists().where(ScoreComment.nomination_id == nomination.id),
    )))


def _is_finalist(nomination: Nomination) -> bool:
    """Whether the nomination is on a shortlist."""
    return db.session.scalar(select(exists().where(Finalist.nomination_id == nomination.id)))


def check_move(nomination: Nomination, category: Category | None) -> None:
    """Raise a DomainError saying why the nomination cannot move to the category (nothing when it can)."""
    if category is None:
        raise DomainError("Choose the category to move the nomination to", field="category")
    here = nomination.category
    if category.edition_id != nomination.edition_id:
        raise DomainError(
            f"{category.name} is an award of another year. A nomination can only move to another category of "
            f"{nomination.edition.name}.", field="category")
    if category.id == here.id:
        raise DomainError(f"{nomination.reference} is already in {here.name}. Choose another category.",
                          field="category")
    if category.nominee_kind is not here.nominee_kind:
        raise DomainError(
            f"{category.name} is for nominees of the kind '{category.nominee_kind.label.lower()}', and this "
            f"nomination is of the kind '{here.nominee_kind.label.lower()}': its answers were written for another "
            "kind of nominee. Ask the nominator to make a new nomination in that category instead.", field="category")
    if nomination.merged_into is not None:
        raise DomainError(
            f"{nomination.reference} was merged into {nomination.merged_into.reference}, and merged nominations "
            f"stay in their entry's category. Unmerge it first on the duplicates page if it belongs elsewhere.")
    if nomination.merged:
        raise DomainError(
            f"{len(nomination.merged)} other nomination(s) are merged into {nomination.reference}, and merged "
            "nominations share one category. Unmerge them on the duplicates page first, then move each one.")
    for shortlisted in (here, category):
        if shortlisted.shortlisted_at is not None:
            raise DomainError(
                f"The shortlist of {shortlisted.name} has been chosen, so nominations no longer move into or out "
                "of it.", field="category")
    if _is_finalist(nomination):
        raise DomainError(f"{nomination.reference} is on a shortlist, so it can no longer move.")
    if _has_scores(nomination):
        raise DomainError(
            f"Judges have already scored {nomination.reference} in {here.name}, so it can no longer move: its "
            "scores belong to that category's judging.")


def move_nomination(actor: User, nomination: Nomination, category: Category | None, reason) -> MovePlan:
    """Move the nomination to another category of its edition, carrying the answers that fit (see plan_move), and
    email the nominator; the answers that do not fit stay in the move's record. Returns what was done."""
    is_organiser.require(actor)
    reason, reason_problem = _checked_reason(reason)
    check_move(nomination, category)
    if reason_problem:
        raise DomainError(reason_problem, field="reason")
    plan = plan_move(nomination, category)
    at = clock.now()
    old = nomination.category
    _change(nomination, actor, reason, at, CATEGORY, old.name, category.name)
    for fate in plan.fates:
        answer = fate.answer
        if fate.to is not None:
            _change(nomination, actor, reason, at, ANSWER, answer.text, answer.text, answer.question, fate.to)
            answer.question = fate.to
        else:
            _change(nomination, actor, reason, at, ANSWER, answer.text, "", answer.question)
            nomination.answers.remove(answer)
    # Assignments were to judges of the old category's panel; the new category's panel assigns its own.
    assignments = db.session.execute(
        delete(JudgeAssignment).where(JudgeAssignment.nomination_id == nomination.id)
        .execution_options(synchronize_session=False)
    ).rowcount
    nomination.category = category
    db.session.flush()
    # Without judges of its own it would never be scored: it gets the least-loaded ones, as a run's first step does.
    plan = replace(plan, judges=assign_new_entry(actor, category, nomination))
    if nomination.nominator_email:
        queue_email(
            nomination.nominator_email,
            f"Your nomination {nomination.reference} has moved to the {category.name} award",
            "nomination_moved",
            nomination=nomination,
            edition=nomination.edition,
            old_category=old.name,
        )
    record_event(
        actor, "nomination.moved", nomination, reference=nomination.reference, old=old.name, new=category.name,
        answers_carried=len(plan.carried), answers_kept_aside=len(plan.kept_aside),
        judge_assignments_removed=assignments, judges_assigned=len(plan.judges.judges) if plan.judges else None,
    )
    return plan


# --- The history -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CorrectionRecord:
    """One correction or move as the organisers made it: when, by whom, why, and the values it changed."""

    at: datetime
    by_id: int | None
    reason: str
    rows: list[NominationCorrection]

    @property
    def is_move(self) -> bool:
        """Whether this record is a move to another category."""
        return any(row.is_move for row in self.rows)


def correction_history(nomination: Nomination) -> list[CorrectionRecord]:
    """The nomination's corrections and moves, oldest first, each with the rows it wrote."""
    records: list[CorrectionRecord] = []
    for row in nomination.corrections:
        last = records[-1] if records else None
        if last and (last.at, last.by_id, last.reason) == (row.corrected_at, row.corrected_by_id, row.reason):
            last.rows.append(row)
        else:
            records.append(CorrectionRecord(row.corrected_at, row.corrected_by_id, row.reason, [row]))
    return records


@dataclass(frozen=True)
class Original:
    """What the nominator sent, where an organiser has changed it since: each field's first value, the category,
    and the answers (prompt and text) when any answer changed."""

    fields: dict[str, str]
    answers: list[tuple[str, str]] | None


def original_values(nomination: Nomination) -> Original:
    """The nomination as the nominator sent it, for whatever corrections and moves changed since."""
    fields: dict[str, str] = {}
    first_seen: dict[int, NominationCorrection] = {}
    for row in nomination.corrections:
        if row.field != ANSWER:
            fields.setdefault(row.field, row.before)
            continue
        # A question first met on the far side of a move was not the nominator's: only the near side counts.
        for question_id in (row.question_id, row.to_question_id):
            if question_id is not None:
                first_seen.setdefault(question_id, row)
    if not first_seen:
        return Original(fields, None)
    answers = [(row.question_prompt, row.before) for question_id, row in sorted(first_seen.items())
               if row.question_id == question_id]
    untouched = [(answer.question.prompt, answer.text) for answer in nomination.answers
                 if answer.question_id not in first_seen]
    return Original(fields, untouched + answers)


def answers_kept_aside(nomination: Nomination) -> list[NominationCorrection]:
    """The answers moves could not carry over, kept for the organisers (their text is in `before`)."""
    return [row for row in nomination.corrections if row.left_behind]


# --- Privacy: the values kept here are personal data too -----------------------------------------------------------

# Whose data each kind of row holds: the nominee's own details and the words about them, or the nominator's.
NOMINEES_ROWS = (*NOMINEE_FIELDS, ANSWER)
NOMINATORS_ROWS = tuple(NOMINATOR_FIELDS)


EMAIL_FIELDS = ("nominator_email", "nominee_email")


def rows_holding(address: str, except_nominations) -> list[NominationCorrection]:
    """The correction rows that kept the address as an email field's value, in nominations other than these.

    An address an organiser corrected away from may be a stranger's (the nominator typed the wrong one): its owner
    is shown and may erase these kept values only, never the nomination, which is about someone else.
    """
    return list(db.session.scalars(
        select(NominationCorrection)
        .where(NominationCorrection.field.in_(EMAIL_FIELDS),
               or_(func.lower(NominationCorrection.before) == address,
                   func.lower(NominationCorrection.after) == address),
               NominationCorrection.nomination_id.not_in(except_nominations))
        .order_by(NominationCorrection.id)))


def erase_address(row: NominationCorrection, address: str, replacement: str) -> None:
    """Replace the address where a correction row kept it, and the row's reason when that names it too."""
    if row.before.lower() == address:
        row.before = replacement
    if row.after.lower() == address:
        row.after = replacement
    if address in row.reason.lower():
        row.reason = replacement


def erase_values(nomination: Nomination, fields: tuple[str, ...], replacement: str) -> None:
    """Replace what the nomination's corrections kept of these fields, and the reason of every correction that
    changed any of them (a reason shared with other fields may name the person too)."""
    erased = [row for row in nomination.corrections if row.field in fields]
    for row in erased:
        row.before = replacement if row.before else ""
        row.after = replacement if row.after else ""
    actions = {(row.corrected_at, row.reason) for row in erased}
    for row in nomination.corrections:
        if (row.corrected_at, row.reason) in actions:
            row.reason = replacement


def purge_contact_values(nomination_ids, replacement: str) -> int:
    """Replace the nominators' details and nominees' addresses kept by corrections of these nominations, as the
    retention purge does to the nominations themselves; how many rows changed."""
    return db.session.execute(
        update(NominationCorrection)
        .where(NominationCorrection.nomination_id.in_(nomination_ids),
               NominationCorrection.field.in_([*NOMINATORS_ROWS, "nominee_email"]),
               or_(NominationCorrection.before != replacement, NominationCorrection.after != replacement))
        .values(before=replacement, after=replacement, reason=replacement)
        .execution_options(synchronize_session=False)
    ).rowcount
