"""Scoring: a judge's scores and comments on the entries of their panels, their progress, submitting and unlocking.

Every operation reaches an entry through judge_access, so a judge can never score (or learn anything about) an entry
of another panel or one they are conflicted on. Scores are written with one INSERT ... ON CONFLICT DO UPDATE on the
unique key (judge, nomination, criterion): two autosaves of the same score at once leave exactly one row.
"""
from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.dialects import postgresql, sqlite

from awards_app.accounts.models import User
from awards_app.core import clock
from awards_app.core.audit import record_event
from awards_app.core.errors import DomainError, NotFound
from awards_app.extensions import db
from awards_app.judging import judge_access
from awards_app.judging.models import Conflict, PanelMember, Score, ScoreComment
from awards_app.nominations.models import Nomination
from awards_app.permissions import is_organiser, sits_on_panel
from awards_app.programme.criteria import criteria_for, criterion_for
from awards_app.programme.models import Criterion

COMMENT_MAX_LENGTH = 2000
REASON_MAX_LENGTH = 500
LARGEST_ID = 2**31 - 1  # ids are 32-bit database integers; anything larger names nothing
NO_SUCH_CRITERION = "There is no such criterion for this entry."
_WHOLE_NUMBER = re.compile(r"[+-]?[0-9]{1,9}")  # ASCII digits only: int() would also accept other scripts' digits


class ScoresLocked(DomainError):
    """The judge's scores (or final ranks) are submitted, or the category's decision is made: nothing may change."""


class InvalidScores(DomainError):
    """Some of the values sent for one entry are not valid scores; `errors` maps each field name to its message."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("Some scores are not valid: " + " ".join(errors.values()))
        self.errors = errors


class EntryState(enum.Enum):
    """How far a judge has got with one entry."""

    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    SCORED = "scored"

    @property
    def label(self) -> str:
        """The state in plain words."""
        return {"not_started": "Not started", "in_progress": "In progress", "scored": "Scored"}[self.value]


@dataclass(frozen=True)
class Progress:
    """How far a judge has got in one category: counts of entries by state, and each entry's state."""

    states: dict[int, EntryState] = field(default_factory=dict)  # nomination id -> state, in the entries' order
    conflicted: int = 0  # entries the judge does not score (declared, recused or abstained)

    @property
    def total(self) -> int:
        """Entries the judge has to score."""
        return len(self.states)

    def count(self, state: EntryState) -> int:
        """Entries in this state."""
        return sum(1 for each in self.states.values() if each is state)

    @property
    def scored(self) -> int:
        """Entries scored on every criterion."""
        return self.count(EntryState.SCORED)

    @property
    def in_progress(self) -> int:
        """Entries scored on some criteria but not all."""
        return self.count(EntryState.IN_PROGRESS)

    @property
    def not_started(self) -> int:
        """Entries with no score yet."""
        return self.count(EntryState.NOT_STARTED)

    @property
    def percentage(self) -> int:
        """Whole per cent of entries fully scored, rounded down so that 100 means really finished."""
        return 100 if self.total == 0 else self.scored * 100 // self.total

    @property
    def complete(self) -> bool:
        """Every entry is fully scored."""
        return self.scored == self.total

    @property
    def unfinished_ids(self) -> list[int]:
        """Entries still needing scores, in the entries' order."""
        return [entry_id for entry_id, state in self.states.items() if state is not EntryState.SCORED]


# --- Reading -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EntryView:
    """An entry as judges may see it: no nominator, no contact details (templates get this, not the nomination)."""

    id: int
    reference: str
    name: str
    organisation: str
    local_authority: str
    answers: list[tuple[str, str]]  # (question, answer) in the category's question order


def entry_view(nomination: Nomination, with_answers: bool = True) -> EntryView:
    """What a judge sees of an entry; with blind names the organisation and local authority are hidden too.

    Lists leave the answers out (with_answers=False), which saves loading them for every entry.
    """
    name = judge_access.shown_name(nomination)
    blind = name != nomination.nominee_name
    answers = []
    if with_answers:
        texts = {answer.question_id: answer.text for answer in nomination.answers}
        answers = [(question.prompt, texts.get(question.id, "")) for question in nomination.category.questions]
    return EntryView(
        id=nomination.id,
        reference=nomination.reference,
        name=name,
        organisation="" if blind else nomination.nominee_organisation,
        local_authority="" if blind else nomination.local_authority,  # a small place can name the nominee too
        answers=answers,
    )



def criteria_of(nomination_or_place) -> list[Criterion]:
    """The criteria an entry (or a panel place's category) is scored on, in display order: the category's own, or
    the edition's."""
    return criteria_for(nomination_or_place.category)


def scores_of(judge: User, nomination: Nomination) -> dict[int, int]:
    """The judge's own scores of an entry, by criterion id (never anyone else's)."""
    rows = db.session.execute(
        select(Score.criterion_id, Score.value).where(Score.judge_id == judge.id, Score.nomination_id == nomination.id)
    )
    return {criterion_id: value for criterion_id, value in rows}


def comment_of(judge: User, nomination: Nomination) -> str:
    """The judge's own comment on an entry ('' when there is none)."""
    text = db.session.scalar(
        select(ScoreComment.text).where(ScoreComment.judge_id == judge.id, ScoreComment.nomination_id == nomination.id)
    )
    return text or ""


def progress(judge: User, place: PanelMember) -> Progress:
    """How far the judge has got with the entries of their panel place."""
    entries = judge_access.entries_for_judge(judge, place)
    criterion_ids = [criterion.id for criterion in criteria_of(place)]
    counts: dict[int, int] = {}
    if entries and criterion_ids:
        counts = dict(
            db.session.execute(
                select(Score.nomination_id, func.count(Score.id))
                .where(
                    Score.judge_id == judge.id,
                    Score.nomination_id.in_([entry.id for entry in entries]),
                    Score.criterion_id.in_(criterion_ids),
                )
                .group_by(Score.nomination_id)
            ).all()
        )
    states = {}
    for entry in entries:
        done = counts.get(entry.id, 0)
        if done == 0:
            states[entry.id] = EntryState.NOT_STARTED
        elif done < len(criterion_ids):
            states[entry.id] = EntryState.IN_PROGRESS
        else:
            states[entry.id] = EntryState.SCORED
    judgeable = {entry.id for entry in judge_access.judgeable_entries(place.category)}
    conflicted = len(judge_access.conflicted_ids(judge, place.category) & judgeable)
    return Progress(states=states, conflicted=conflicted)


def is_locked(place: PanelMember) -> bool:
    """Whether the judge's scores in this category can no longer change."""
    return place.submitted_at is not None or place.category.shortlisted_at is not None or place.is_paused


@dataclass(frozen=True)
class ReviewRow:
    """One entry on a judge's review: its state, their score on each criterion (None: not scored) and their comment."""

    entry: EntryView
    state: EntryState
    scores: list[tuple[Criterion, int | None]]
    comment: str

    @property
    def finished(self) -> bool:
        """Scored on every criterion."""
        return self.state is EntryState.SCORED


@dataclass(frozen=True)
class Review:
    """Everything one judge has given in one category, read before they submit: unfinished entries first."""

    criteria: list[Criterion]
    rows: list[ReviewRow]
    progress: Progress
    submitted_at: datetime | None

    @property
    def unfinished(self) -> list[ReviewRow]:
        """The entries still needing a score on some criterion, in the entries' order."""
        return [row for row in self.rows if not row.finished]


def review_of(judge: User, place: PanelMember) -> Review:
    """The judge's own scores and comments on every entry they score in the place's category (never anyone else's,
    never a conflicted entry), the unfinished ones first so that nothing left to do is missed."""
    sits_on_panel.require(judge, place)
    if place.conflicts_declared_at is None:
        raise DomainError("Declare any conflicts of interest in this category before you see its entries.")
    criteria = criteria_of(place)
    state = progress(judge, place)
    rows = []
    for nomination in judge_access.entries_for_judge(judge, place):
        given = scores_of(judge, nomination)
        rows.append(ReviewRow(
            entry=entry_view(nomination, with_answers=False),
            state=state.states[nomination.id],
            scores=[(criterion, given.get(criterion.id)) for criterion in criteria],
            comment=comment_of(judge, nomination),
        ))
    # sorted() is stable: within each group the entries keep the order of the judge's list.
    rows.sort(key=lambda row: row.finished)
    return Review(criteria=criteria, rows=rows, progress=state, submitted_at=place.submitted_at)


# --- Writing one score or comment --------------------------------------------------------------------------------


def record_score(judge: User, nomination_id: int, criterion_id: int, value) -> int | None:
    """Store (or, for an empty value, clear) the judge's score of an entry on one criterion; return what is stored."""
    _, nomination = _open_entry(judge, nomination_id)
    criterion = _criterion(nomination, criterion_id)
    parsed = parse_score(criterion, value)
    _write_score(judge, nomination, criterion, parsed)
    return parsed


def record_comment(judge: User, nomination_id: int, text: str | None) -> str:
    """Store (or, when empty, delete) the judge's comment on an entry; return the stored text."""
    _, nomination = _open_entry(judge, nomination_id)
    cleaned = _clean_comment(text)
    _write_comment(judge, nomination, cleaned)
    return cleaned


def record_entry(judge: User, nomination_id: int, values: dict[int, object], comment: str | None = None) -> None:
    """Save a whole entry's form at once: all values are checked first, and nothing is written if any is wrong.

    `values` maps criterion ids to what was sent (an empty value clears that score); criteria not in it are left
    alone, as is the comment when it is None.
    """
    _, nomination = _open_entry(judge, nomination_id)
    criteria = {criterion.id: criterion for criterion in criteria_of(nomination)}  # a whole form names most of them
    checked, errors = [], {}
    for criterion_id, raw in values.items():
        criterion = criteria.get(criterion_id)
        if criterion is None:
            raise NotFound(NO_SUCH_CRITERION)
        try:
            checked.append((criterion, parse_score(criterion, raw)))
        except DomainError as refusal:
            errors[refusal.field or f"score-{criterion_id}"] = refusal.message
    if comment is not None:
        try:
            comment = _clean_comment(comment)
        except DomainError as refusal:
            errors["comment"] = refusal.message
    if errors:
        raise InvalidScores(errors)
    for criterion, parsed in checked:
        _write_score(judge, nomination, criterion, parsed)
    if comment is not None:
        _write_comment(judge, nomination, comment)


def parse_score(criterion: Criterion, value) -> int | None:
    """A score as a whole number within the criterion's scale; None for an empty value (which clears the score)."""
    name = f"score-{criterion.id}"
    scale = f"from {criterion.scale_min} to {criterion.scale_max}"
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):  # True is an int to Python, but not a score
        raise DomainError(f"Enter a score for {criterion.name} as a whole number {scale}", field=name)
    if isinstance(value, int):
        number = value
    else:
        text = str(value).strip()
        if not _WHOLE_NUMBER.fullmatch(text):
            raise DomainError(f"Enter a score for {criterion.name} as a whole number {scale}", field=name)
        number = int(text)
    if not criterion.scale_min <= number <= criterion.scale_max:
        raise DomainError(f"The score for {criterion.name} must be {scale}", field=name)
    return number


def _clean_comment(text: str | None) -> str:
    """The comment trimmed, refused when too long."""
    cleaned = (text or "").strip()
    if len(cleaned) > COMMENT_MAX_LENGTH:
        raise DomainError(f"The comment must be {COMMENT_MAX_LENGTH:,} characters or fewer", field="comment")
    return cleaned


def _open_entry(judge: User, nomination_id: int) -> tuple[PanelMember, Nomination]:
    """An entry the judge may see and still change, with their panel place held against a concurrent submit."""
    if not isinstance(nomination_id, int) or not 0 < nomination_id <= LARGEST_ID:
        raise NotFound("There is no such entry among your panels.")
    # The panel place is read under a shared lock: saves may run side by side, but not while "Submit my scores" is
    # checking them, so a score cannot slip in or out after that check.
    place, nomination = judge_access.entry_for_judge(judge, nomination_id, lock_for_saving=True)
    _refuse_if_locked(place)
    return place, nomination


def _refuse_if_locked(place: PanelMember) -> None:
    """Refuse changes to submitted scores, or to scores of a category whose shortlist is chosen."""
    if place.submitted_at is not None:
        raise ScoresLocked(
            "You have submitted your scores for this category, so they can no longer be changed. "
            "If you need to change one, ask the awards team to unlock your scores."
        )
    if place.category.shortlisted_at is not None:
        raise ScoresLocked("The shortlist for this category has been chosen, so its scores can no longer be changed.")
    if notice := judge_access.paused_notice(place):
        raise ScoresLocked(notice)


def _criterion(nomination: Nomination, criterion_id: int) -> Criterion:
    """One of the criteria the entry is scored on; NotFound for any other id."""
    known = isinstance(criterion_id, int) and 0 < criterion_id <= LARGEST_ID
    criterion = criterion_for(nomination.category, criterion_id) if known else None
    if criterion is None:
        raise NotFound(NO_SUCH_CRITERION)
    return criterion


def _insert_for_dialect():
    """The INSERT construct with ON CONFLICT support for the database in use (PostgreSQL or SQLite)."""
    dialect = db.session.get_bind().dialect.name
    return postgresql.insert if dialect == "postgresql" else sqlite.insert


def _write_score(judge: User, nomination: Nomination, criterion: Criterion, value: int | None) -> None:
    """Upsert the score on its unique key (or delete it for None); the database settles any race."""
    if value is None:
        db.session.execute(
            delete(Score).where(
                Score.judge_id == judge.id, Score.nomination_id == nomination.id, Score.criterion_id == criterion.id
            )
        )
        return
    insert = _insert_for_dialect()
    statement = insert(Score).values(
        judge_id=judge.id, nomination_id=nomination.id, criterion_id=criterion.id, value=value, updated_at=clock.now()
    )
    statement = statement.on_conflict_do_update(
        index_elements=[Score.judge_id, Score.nomination_id, Score.criterion_id],
        set_={"value": statement.excluded.value, "updated_at": statement.excluded.updated_at},
    )
    db.session.execute(statement)


def _write_comment(judge: User, nomination: Nomination, text: str) -> None:
    """Upsert the comment on its unique key (or delete it when empty)."""
    if not text:
        db.session.execute(
            delete(ScoreComment).where(ScoreComment.judge_id == judge.id, ScoreComment.nomination_id == nomination.id)
        )
        return
    insert = _insert_for_dialect()
    statement = insert(ScoreComment).values(
        judge_id=judge.id, nomination_id=nomination.id, text=text, updated_at=clock.now()
    )
    statement = statement.on_conflict_do_update(
        index_elements=[ScoreComment.judge_id, ScoreComment.nomination_id],
        set_={"text": statement.excluded.text, "updated_at": statement.excluded.updated_at},
    )
    db.session.execute(statement)


# --- Abstaining, submitting, unlocking ---------------------------------------------------------------------------


def abstain_entry(judge: User, nomination_id: int, reason: str) -> Conflict:
    """The judge will not score this entry: record why (an 'abstained' conflict); their scores of it stop counting."""
    place, nomination = _open_entry(judge, nomination_id)
    cleaned = (reason or "").strip()
    if not cleaned:
        raise DomainError("Say why you will not score this entry", field="reason")
    if len(cleaned) > REASON_MAX_LENGTH:
        raise DomainError(f"The reason must be {REASON_MAX_LENGTH} characters or fewer", field="reason")
    conflict = Conflict(
        judge_id=judge.id, nomination_id=nomination.id, reason=cleaned, kind="abstained", recorded_by_id=judge.id,
        recorded_at=clock.now(),
    )
    db.session.add(conflict)
    # The scores are kept (an organiser may restore the entry); every figure leaves out conflicted pairs.
    db.session.flush()
    record_event(judge, "scores.abstained", nomination, category_id=place.category_id, reason=cleaned)
    return conflict


def submit_scores(judge: User, place: PanelMember) -> PanelMember:
    """Lock the judge's scores in this category once every entry they judge is fully scored."""
    sits_on_panel.require(judge, place)
    place = locked_place(place, read=False)
    _refuse_if_locked(place)
    if place.conflicts_declared_at is None:
        raise DomainError("Declare any conflicts of interest in this category before you submit scores.")
    if not criteria_of(place):
        raise DomainError("The awards team has not set the judging criteria yet, so there is nothing to submit.")
    state = progress(judge, place)
    if not state.complete:
        left = len(state.unfinished_ids)
        entries = "entry still needs" if left == 1 else "entries still need"
        raise DomainError(
            f"{left} {entries} scores on every criterion. Score each one, or say you will not score it, "
            "before you submit."
        )
    place.submitted_at = clock.now()
    db.session.flush()
    record_event(judge, "scores.submitted", place, category_id=place.category_id, entries=state.total)
    return place


def unlock_scores(actor: User, place: PanelMember) -> PanelMember:
    """An organiser reopens a judge's submitted scores in one category so that they can change them."""
    nothing_submitted = (
        f"{_judge_label(place)} has not submitted scores in {place.category.name}, so there is nothing to unlock."
    )
    place, submitted_at = reopen_submission(actor, place, "submitted_at", nothing_submitted)
    record_event(
        actor, "scores.unlocked", place, judge_id=place.judge_id, category_id=place.category_id,
        submitted_at=submitted_at.isoformat(),
    )
    return place


def _judge_label(place: PanelMember) -> str:
    """The judge's name (or address) for messages to organisers."""
    return place.judge.name or place.judge.email


def reopen_submission(
    actor: User, place: PanelMember, stamp: str, nothing_submitted: str
) -> tuple[PanelMember, datetime]:
    """An organiser reopens what a judge submitted in a category (scores or final ranks, by the place's `stamp`
    column): the place re-read under an exclusive lock, and when it had been submitted; the caller audits it."""
    is_organiser.require(actor)
    place = locked_place(place, read=False)
    submitted_at = getattr(place, stamp)
    if submitted_at is None:
        raise DomainError(nothing_submitted)
    setattr(place, stamp, None)
    db.session.flush()
    return place, submitted_at


def locked_place(place: PanelMember, read: bool) -> PanelMember:
    """Re-read the panel place under a row lock (shared for saves, exclusive for submitting and unlocking)."""
    return db.session.scalars(
        select(PanelMember)
        .where(PanelMember.id == place.id)
        .with_for_update(read=read)
        .execution_options(populate_existing=True)
    ).one()
