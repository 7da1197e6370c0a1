"""How far the judges have got: the progress matrix of a category, an edition's overview, and reminder emails.

A cell of the matrix (one judge, one entry) is "not started" (no score yet), "in progress" (some criteria scored),
"scored" (every criterion), or the judge is out of it: "conflict declared", "recused" by an organiser, or "abstained".
A judge's scores are "submitted" once they pressed "Submit my scores" (PanelMember.submitted_at).

Only judges really on the panel count: active (not paused or removed) and there to score the entries; the final round
counts active judges who rank finalists (final_round_panel_of). The work of the others is kept, and set_aside says
whose it is, so that the pages can say it is not counted.

Reminders go to judges with work left, at most once an hour each (the audit log remembers when the last one went).
"""
from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import and_, case, func, literal, or_, select
from werkzeug.routing import BuildError

from awards_app.accounts.models import User
from awards_app.ceremony.models import Award
from awards_app.core import clock
from awards_app.core.audit import record_event
from awards_app.core.errors import DomainError
from awards_app.core.models import AuditEvent
from awards_app.core.outbox import queue_email
from awards_app.core.public_urls import public_url
from awards_app.extensions import db
from awards_app.judging.judge_access import judgeable_entries, shown_name
from awards_app.judging.models import (
    AssignmentPlan,
    Conflict,
    Finalist,
    FinalRank,
    JudgeAssignment,
    PanelMember,
    PanelRole,
    PanelStatus,
    Score,
)
from awards_app.judging.panels import STATUS_CHANGE_ACTIONS, work_in_words
from awards_app.nominations.models import ConsentState, Nomination, NominationStatus
from awards_app.permissions import is_organiser
from awards_app.programme.criteria import criteria_for
from awards_app.programme.models import Category, Criterion, Edition

REMINDER_INTERVAL = timedelta(hours=1)
REMINDER_ACTION = "judging.reminder_sent"


class CellState(enum.Enum):
    """Where one judge stands with one entry."""

    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    SCORED = "scored"
    CONFLICTED = "conflicted"
    RECUSED = "recused"
    ABSTAINED = "abstained"
    NOT_ASSIGNED = "not_assigned"  # the category uses assignment, and this entry is not the judge's

    @property
    def label(self) -> str:
        """The state in words (the matrix shows words, not colour alone)."""
        return _LABELS[self]

    @property
    def counts_as_work(self) -> bool:
        """Whether the judge still has to score this entry."""
        return self in (CellState.NOT_STARTED, CellState.IN_PROGRESS)


_LABELS = {
    CellState.NOT_STARTED: "Not started",
    CellState.IN_PROGRESS: "In progress",
    CellState.SCORED: "Scored",
    CellState.CONFLICTED: "Conflict declared",
    CellState.RECUSED: "Recused",
    CellState.ABSTAINED: "Abstained",
    CellState.NOT_ASSIGNED: "Not assigned",
}
_CONFLICT_STATES = {"declared": CellState.CONFLICTED, "recused": CellState.RECUSED, "abstained": CellState.ABSTAINED}


@dataclass(frozen=True)
class Cell:
    """One judge and one entry: the state, and how many criteria are scored."""

    state: CellState
    scored: int
    total: int

    @property
    def text(self) -> str:
        """The cell in words, e.g. 'In progress (2 of 4 criteria)'."""
        if self.state is CellState.IN_PROGRESS:
            return f"In progress ({self.scored} of {self.total} criteria)"
        return self.state.label


@dataclass
class JudgeProgress:
    """One judge's row: a cell per entry, and whether they declared conflicts and submitted."""

    member: PanelMember
    cells: list[Cell]

    @property
    def judge(self) -> User:
        """The judge."""
        return self.member.judge

    @property
    def submitted(self) -> bool:
        """Whether the judge submitted (locked) their scores."""
        return self.member.submitted_at is not None

    @property
    def conflicts_declared(self) -> bool:
        """Whether the judge has declared their conflicts (and so may see the entries)."""
        return self.member.conflicts_declared_at is not None

    def count(self, *states: CellState) -> int:
        """How many entries are in these states."""
        return sum(1 for cell in self.cells if cell.state in states)

    @property
    def to_score(self) -> int:
        """Entries still to score."""
        return sum(1 for cell in self.cells if cell.state.counts_as_work)

    @property
    def scorable(self) -> int:
        """Entries the judge scores (everything but their conflicts and abstentions)."""
        return self.count(CellState.NOT_STARTED, CellState.IN_PROGRESS, CellState.SCORED)


@dataclass
class ProgressMatrix:
    """A category's judges by entries."""

    category: Category
    entries: list[Nomination]
    rows: list[JudgeProgress]
    criteria: int

    @property
    def submitted(self) -> int:
        """How many judges have submitted their scores."""
        return sum(1 for row in self.rows if row.submitted)

    @property
    def cells_scored(self) -> int:
        """Judge-entry pairs fully scored."""
        return sum(row.count(CellState.SCORED) for row in self.rows)

    @property
    def cells_to_score(self) -> int:
        """Judge-entry pairs that need scores (conflicts and abstentions left out)."""
        return sum(row.scorable for row in self.rows)

    @property
    def percent(self) -> int:
        """How much of the scoring is done, as a whole percentage (rounded down, so 100 means done)."""
        return 100 * self.cells_scored // self.cells_to_score if self.cells_to_score else 0

    def column(self, index: int) -> list[Cell]:
        """The cells of one entry, judge by judge."""
        return [row.cells[index] for row in self.rows]


def _members(category: Category, *conditions) -> list[PanelMember]:
    """The category's panel places that meet these conditions, judges by name."""
    return list(
        db.session.scalars(
            select(PanelMember)
            .join(User, PanelMember.judge_id == User.id)
            .where(PanelMember.category_id == category.id, *conditions)
            .order_by(User.name, User.email)
        )
    )


def panel_of(category: Category) -> list[PanelMember]:
    """The judges who score the category's entries and count: active, with the full role; judges by name.

    Once the shortlist is chosen the first round is frozen: its panel is the one that stood when the shortlist was
    chosen, so pausing, removing, resuming or restoring a judge afterwards changes the final round only."""
    if category.shortlisted_at is None:
        return _members(category, PanelMember.status == PanelStatus.ACTIVE, PanelMember.role == PanelRole.FULL)
    members = _members(category, PanelMember.role == PanelRole.FULL)
    before = _status_before_changes_since_shortlist(category)
    return [member for member in members if before.get(member.judge_id, member.status) == PanelStatus.ACTIVE]


def _status_before_changes_since_shortlist(category: Category) -> dict[int, str]:
    """Each judge's panel status just before their first status change after the shortlist was chosen, by judge id
    (judges whose status has not changed since are not in it). A change audited without its earlier status counts the
    judge as active then."""
    from awards_app.judging.shortlist import (
        SHORTLIST_ACTION,  # shortlist reads panel_of: imported here, not above
    )

    about_category = (AuditEvent.subject_type == Category.__tablename__, AuditEvent.subject_id == category.id)
    # Events after the shortlist's own event (ids order events recorded within the same clock moment).
    shortlist_event_id = db.session.scalar(
        select(func.max(AuditEvent.id)).where(AuditEvent.action == SHORTLIST_ACTION, *about_category)
    )
    after = AuditEvent.id > shortlist_event_id if shortlist_event_id else AuditEvent.at > category.shortlisted_at
    events = db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.action.in_(STATUS_CHANGE_ACTIONS), *about_category, after)
        .order_by(AuditEvent.id)
    )
    before: dict[int, str] = {}
    for event in events:
        before.setdefault(event.details.get("judge_id"), event.details.get("status_before", PanelStatus.ACTIVE))
    return before


def final_round_panel_of(category: Category) -> list[PanelMember]:
    """The judges who rank the category's finalists and count: active, with the full or final-round-only role."""
    return _members(
        category,
        PanelMember.status == PanelStatus.ACTIVE,
        PanelMember.role.in_([PanelRole.FULL, PanelRole.FINAL_ONLY]),
    )


@dataclass(frozen=True)
class SetAside:
    """A judge on the panel whose work is kept but counts nowhere: paused, removed, or with nothing to do."""

    member: PanelMember
    scores: int
    final_ranks: int

    @property
    def kept(self) -> str:
        """Their kept work in words, e.g. '12 scores and 3 final ranks'."""
        return work_in_words(self.scores, self.final_ranks)


def set_aside(category: Category) -> list[SetAside]:
    """The category's judges who are not counted (paused, removed, or added with nothing to do), with their work."""
    members = _members(
        category, (PanelMember.status != PanelStatus.ACTIVE) | (PanelMember.role == PanelRole.NONE)
    )
    if not members:
        return []
    judge_ids = [member.judge_id for member in members]
    scores = dict(db.session.execute(
        select(Score.judge_id, func.count(Score.id))
        .join(Nomination, Score.nomination_id == Nomination.id)
        .where(Nomination.category_id == category.id, Score.judge_id.in_(judge_ids))
        .group_by(Score.judge_id)
    ).all())
    ranks = dict(db.session.execute(
        select(FinalRank.judge_id, func.count(FinalRank.id))
        .join(Finalist, FinalRank.finalist_id == Finalist.id)
        .where(Finalist.category_id == category.id, FinalRank.judge_id.in_(judge_ids))
        .group_by(FinalRank.judge_id)
    ).all())
    return [SetAside(member, scores.get(member.judge_id, 0), ranks.get(member.judge_id, 0)) for member in members]


def progress_matrix(category: Category) -> ProgressMatrix:
    """The category's progress: a row per panel judge, a cell per judgeable entry."""
    entries = judgeable_entries(category)
    members = panel_of(category)
    criterion_ids = [criterion.id for criterion in criteria_for(category)]
    total = len(criterion_ids)
    entry_ids = [entry.id for entry in entries]
    judge_ids = [member.judge_id for member in members]
    scored = {
        (judge_id, nomination_id): count
        for judge_id, nomination_id, count in db.session.execute(
            select(Score.judge_id, Score.nomination_id, func.count(Score.id))
            .where(
                Score.nomination_id.in_(entry_ids), Score.judge_id.in_(judge_ids), Score.criterion_id.in_(criterion_ids)
            )
            .group_by(Score.judge_id, Score.nomination_id)
        )
    }
    conflicts = {
        (conflict.judge_id, conflict.nomination_id): conflict.kind
        for conflict in db.session.scalars(
            select(Conflict).where(Conflict.nomination_id.in_(entry_ids), Conflict.judge_id.in_(judge_ids))
        )
    }
    # Imported here: the assignment module builds on this one. None when every judge scores every entry.
    from awards_app.judging.assignment import assigned_pairs

    assigned = assigned_pairs(category)
    rows = []
    for member in members:
        cells = []
        for entry in entries:
            key = (member.judge_id, entry.id)
            count = scored.get(key, 0)
            if key in conflicts:
                state = _CONFLICT_STATES.get(conflicts[key], CellState.CONFLICTED)
            elif assigned is not None and key not in assigned:
                state = CellState.NOT_ASSIGNED
            elif count == 0:
                state = CellState.NOT_STARTED
            elif count < total:
                state = CellState.IN_PROGRESS
            else:
                state = CellState.SCORED
            cells.append(Cell(state, count, total))
        rows.append(JudgeProgress(member=member, cells=cells))
    return ProgressMatrix(category=category, entries=entries, rows=rows, criteria=total)


@dataclass
class CategoryProgress:
    """One line of the edition's overview."""

    category: Category
    matrix: ProgressMatrix
    finalists: int
    awards: int  # recorded (sealed) awards


def _counts_by_category(model, category_ids: list[int]) -> dict[int, int]:
    """How many rows of a model (Finalist, Award) each category has."""
    return dict(
        db.session.execute(
            select(model.category_id, func.count(model.id))
            .where(model.category_id.in_(category_ids))
            .group_by(model.category_id)
        ).all()
    )


def edition_progress(edition: Edition) -> list[CategoryProgress]:
    """Every category of the edition with its progress, how many finalists it has and whether a result is in."""
    category_ids = [category.id for category in edition.categories]
    finalists = _counts_by_category(Finalist, category_ids)
    awards = _counts_by_category(Award, category_ids)
    return [
        CategoryProgress(
            category=category,
            matrix=progress_matrix(category),
            finalists=finalists.get(category.id, 0),
            awards=awards.get(category.id, 0),
        )
        for category in edition.categories
    ]


# --- Reminders ---------------------------------------------------------------------------------------------------


@dataclass
class WorkLeft:
    """What one judge still has to do in one category."""

    category: Category
    declare_conflicts: bool
    not_started: list[str]  # entries as the judge sees them named
    in_progress: list[str]
    submit_scores: bool
    rank_finalists: bool

    @property
    def any(self) -> bool:
        """Whether anything is left."""
        return self.declare_conflicts or self.submit_scores or self.rank_finalists


@dataclass
class ReminderOutcome:
    """Who was reminded, who was not because of a recent reminder, and when that one went."""

    sent: list[User] = field(default_factory=list)
    too_soon: list[tuple[User, datetime]] = field(default_factory=list)


def work_left(row: JudgeProgress, matrix: ProgressMatrix, finalists: int) -> WorkLeft:
    """What a judge has left in a category: conflicts to declare, entries to score, scores to submit, a final round.
    Once the shortlist is chosen scoring is over (scores are locked), so only the final round is left."""
    category = matrix.category
    if category.shortlisted_at is not None:
        return final_round_work_left(row.member, finalists)
    not_started = [shown_name(e) for e, c in zip(matrix.entries, row.cells) if c.state is CellState.NOT_STARTED]
    in_progress = [shown_name(e) for e, c in zip(matrix.entries, row.cells) if c.state is CellState.IN_PROGRESS]
    return WorkLeft(
        category=category,
        declare_conflicts=not row.conflicts_declared,
        # Before conflicts are declared the judge has not seen the entries: the email does not name them.
        not_started=not_started if row.conflicts_declared else [],
        in_progress=in_progress if row.conflicts_declared else [],
        submit_scores=not row.submitted,
        rank_finalists=(
            row.submitted and not category.has_public_vote and finalists > 0 and row.member.final_submitted_at is None
        ),
    )


def final_round_work_left(member: PanelMember, finalists: int) -> WorkLeft:
    """What a judge has left in the final round (a final-round-only judge, or any judge once the shortlist is chosen):
    conflicts to declare against the finalists, then ranking them."""
    category = member.category
    return WorkLeft(
        category=category,
        declare_conflicts=member.conflicts_declared_at is None,
        not_started=[],
        in_progress=[],
        submit_scores=False,
        rank_finalists=not category.has_public_vote and finalists > 0 and member.final_submitted_at is None,
    )


def last_reminded(judge: User) -> datetime | None:
    """When the judge was last sent a reminder, if ever."""
    return db.session.scalar(
        select(func.max(AuditEvent.at)).where(
            AuditEvent.action == REMINDER_ACTION,
            AuditEvent.subject_type == User.__tablename__,
            AuditEvent.subject_id == judge.id,
        )
    )


def _judging_link() -> str:
    """The judges' area, for the email (its address under PUBLIC_BASE_URL even before its routes exist)."""
    try:
        return public_url("judging.home")
    except BuildError:
        return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + "/judging/"


def work_by_judge(categories: list[Category]) -> dict[int, tuple[User, list[WorkLeft]]]:
    """Each active judge with work left in these categories, by id: the judge and their work in each category (so
    that a judge on three panels gets one email)."""
    finalist_counts = _counts_by_category(Finalist, [category.id for category in categories])
    work: dict[int, tuple[User, list[WorkLeft]]] = {}
    for category in categories:
        final_phase = category.shortlisted_at is not None
        if not final_phase:
            matrix = progress_matrix(category)
            for row in matrix.rows:
                left = work_left(row, matrix, finalist_counts.get(category.id, 0))
                if left.any and row.judge.active:
                    work.setdefault(row.judge.id, (row.judge, []))[1].append(left)
        for member in final_round_panel_of(category):
            if member.role != PanelRole.FINAL_ONLY and not final_phase:
                continue  # before the shortlist, full judges were reminded of their scores above
            left = final_round_work_left(member, finalist_counts.get(category.id, 0))
            if left.any and member.judge.active:
                work.setdefault(member.judge_id, (member.judge, []))[1].append(left)
    return work


def reminded_too_soon(judge: User, now: datetime) -> datetime | None:
    """When the judge was last reminded, if that was less than REMINDER_INTERVAL ago (else None)."""
    previous = last_reminded(judge)
    return previous if previous is not None and now - previous < REMINDER_INTERVAL else None


def queue_reminder(actor: User | None, judge: User, edition: Edition, tasks: list[WorkLeft], subject: str,
                   **details) -> None:
    """Queue the reminder email of what the judge has left, and note it in the audit log (actor None: automatic)."""
    queue_email(
        judge.email,
        subject,
        "judge_reminder",
        judge=judge,
        edition=edition,
        tasks=tasks,
        link=_judging_link(),
        judging_end_at=edition.judging_end_at,
    )
    record_event(
        actor, REMINDER_ACTION, judge,
        edition_id=edition.id, categories=[task.category.id for task in tasks], **details,
    )


def send_reminders(actor: User, scope: Edition | Category) -> ReminderOutcome:
    """Email each judge with work left in the edition (or one category) what is left; once an hour at most each."""
    is_organiser.require(actor)
    edition = scope if isinstance(scope, Edition) else scope.edition
    work = work_by_judge(edition.categories if isinstance(scope, Edition) else [scope])
    if not work:
        raise DomainError("No judge has work left, so no reminders were sent.")

    outcome = ReminderOutcome()
    now = clock.now()
    for judge, tasks in work.values():
        if previous := reminded_too_soon(judge, now):
            outcome.too_soon.append((judge, previous))
            continue
        queue_reminder(actor, judge, edition, tasks, f"A reminder about your judging for the {edition.name}")
        outcome.sent.append(judge)
    db.session.flush()
    return outcome


# --- The dashboard's counts ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class JudgingCounts:
    """What the dashboard says about an edition's scoring, counted in the database (no entry loaded)."""

    categories_without_judges: int  # categories still being scored with no active judge to score them
    judges_not_started: int  # judges with entries to score who have scored nothing yet
    judges_behind: int  # judges who started but lag the time gone, or have not submitted once judging ended
    entries_short: int  # entries fewer judges have fully scored than should
    final_ranks_awaited: int  # judges still to submit their final ranks in categories the judges decide


def _per_category(values: dict[int, int], column, default):
    """SQL: the value a category id maps to, else the default (a CASE over the few categories of an edition)."""
    return case(values, value=column, else_=default) if values else literal(default)


def judging_counts(edition: Edition, now: datetime | None = None) -> JudgingCounts:
    """Count who and what is behind in the edition's scoring and final round, with a few grouped queries.

    A judge is behind when the share of their entries fully scored is below the share of the judging time gone
    (judging_start_at to judging_end_at), or when judging has ended and they have not submitted their scores."""
    now = now or clock.now()
    open_ids = [category.id for category in edition.categories if category.shortlisted_at is None]
    judgeable = (
        Nomination.category_id.in_(open_ids),
        Nomination.status == NominationStatus.ELIGIBLE,
        Nomination.merged_into_id.is_(None),
        Nomination.consent != ConsentState.DECLINED,
    )
    members = db.session.execute(
        select(PanelMember.judge_id, PanelMember.category_id, PanelMember.submitted_at).where(
            PanelMember.category_id.in_(open_ids),
            PanelMember.status == PanelStatus.ACTIVE,
            PanelMember.role == PanelRole.FULL,
        )
    ).all()
    panel_sizes: dict[int, int] = {}
    for member in members:
        panel_sizes[member.category_id] = panel_sizes.get(member.category_id, 0) + 1

    criteria_by_category = dict(db.session.execute(
        select(Criterion.category_id, func.count(Criterion.id))
        .where(Criterion.edition_id == edition.id).group_by(Criterion.category_id)
    ).all())
    edition_criteria = criteria_by_category.pop(None, 0)
    own_ids = list(criteria_by_category)
    criteria_needed = _per_category(criteria_by_category, Nomination.category_id, edition_criteria)
    planned_ids = set(db.session.scalars(
        select(AssignmentPlan.category_id).where(AssignmentPlan.category_id.in_(open_ids))
    ))

    # Each judge's scores of each entry on the criteria the entry's category uses.
    on_panel = select(PanelMember.id).where(
        PanelMember.judge_id == Score.judge_id, PanelMember.category_id == Nomination.category_id,
        PanelMember.status == PanelStatus.ACTIVE, PanelMember.role == PanelRole.FULL,
    ).exists()
    category_criterion = or_(
        Criterion.category_id == Nomination.category_id,
        and_(Criterion.category_id.is_(None), Nomination.category_id.not_in(own_ids)),
    )
    scored = (
        select(
            Score.judge_id.label("judge_id"), Nomination.category_id.label("category_id"),
            Score.nomination_id.label("nomination_id"),
            case((func.count(Score.id) >= criteria_needed, 1), else_=0).label("complete"),
        )
        .join(Nomination, Score.nomination_id == Nomination.id)
        .join(Criterion, Score.criterion_id == Criterion.id)
        .where(*judgeable, Criterion.edition_id == edition.id, category_criterion, on_panel)
        .group_by(Score.judge_id, Nomination.category_id, Score.nomination_id)
        .subquery()
    )
    touched = {
        (judge_id, category_id): (started, complete)
        for judge_id, category_id, started, complete in db.session.execute(
            select(scored.c.judge_id, scored.c.category_id, func.count(), func.sum(scored.c.complete))
            .group_by(scored.c.judge_id, scored.c.category_id)
        )
    }

    # Each judge's share of work: every entry of the category (or those assigned), less their conflicts.
    entries = dict(db.session.execute(
        select(Nomination.category_id, func.count(Nomination.id)).where(*judgeable).group_by(Nomination.category_id)
    ).all())
    conflicted = _pair_counts(select(Conflict.judge_id, Nomination.category_id, func.count(Conflict.id))
                              .join(Nomination, Conflict.nomination_id == Nomination.id).where(*judgeable))
    not_conflicted = ~select(Conflict.id).where(
        Conflict.judge_id == JudgeAssignment.judge_id, Conflict.nomination_id == JudgeAssignment.nomination_id
    ).exists()
    assigned = _pair_counts(select(JudgeAssignment.judge_id, Nomination.category_id, func.count(JudgeAssignment.id))
                            .join(Nomination, JudgeAssignment.nomination_id == Nomination.id)
                            .where(*judgeable, not_conflicted))

    window = (edition.judging_end_at - edition.judging_start_at).total_seconds()
    time_gone = min(max((now - edition.judging_start_at).total_seconds() / window, 0.0), 1.0) if window > 0 else 1.0
    not_started, behind = set(), set()
    for judge_id, category_id, submitted_at in members:
        key = (judge_id, category_id)
        if submitted_at is not None:
            continue
        if category_id in planned_ids:
            work = assigned.get(key, 0)
        else:
            work = entries.get(category_id, 0) - conflicted.get(key, 0)
        started, complete = touched.get(key, (0, 0))
        if work <= 0:
            continue
        if not started:
            not_started.add(judge_id)
        elif now >= edition.judging_end_at or complete / work < time_gone:
            behind.add(judge_id)

    return JudgingCounts(
        categories_without_judges=sum(1 for category_id in open_ids if not panel_sizes.get(category_id)),
        judges_not_started=len(not_started),
        judges_behind=len(behind - not_started),
        entries_short=_entries_short(scored, judgeable, panel_sizes, planned_ids),
        final_ranks_awaited=_final_ranks_awaited(edition),
    )


def _pair_counts(query) -> dict[tuple[int, int], int]:
    """A (judge id, category id, count) query grouped by judge and category, as a dict."""
    return {(judge_id, category_id): count for judge_id, category_id, count in db.session.execute(
        query.group_by(query.selected_columns[0], query.selected_columns[1])
    )}


def _entries_short(scored, judgeable: tuple, panel_sizes: dict[int, int], planned_ids: set[int]) -> int:
    """How many entries have fewer complete sets of scores than judges who should score them (the panel less those
    conflicted, or the judges assigned to the entry)."""
    complete = (
        select(scored.c.nomination_id, func.sum(scored.c.complete).label("judges"))
        .group_by(scored.c.nomination_id).subquery()
    )
    panel_conflicts = (
        select(func.count(Conflict.id))
        .join(PanelMember, PanelMember.judge_id == Conflict.judge_id)
        .where(
            Conflict.nomination_id == Nomination.id, PanelMember.category_id == Nomination.category_id,
            PanelMember.status == PanelStatus.ACTIVE, PanelMember.role == PanelRole.FULL,
        )
        .correlate(Nomination).scalar_subquery()
    )
    # Assigned judges count only while they may score the entry: an active full place, and no conflict on it.
    assigned = (
        select(func.count(JudgeAssignment.id))
        .join(PanelMember, PanelMember.judge_id == JudgeAssignment.judge_id)
        .where(
            JudgeAssignment.nomination_id == Nomination.id, PanelMember.category_id == Nomination.category_id,
            PanelMember.status == PanelStatus.ACTIVE, PanelMember.role == PanelRole.FULL,
            ~select(Conflict.id).where(
                Conflict.judge_id == JudgeAssignment.judge_id, Conflict.nomination_id == JudgeAssignment.nomination_id
            ).exists(),
        )
        .correlate(Nomination).scalar_subquery()
    )
    panel_needs = _per_category(panel_sizes, Nomination.category_id, 0) - panel_conflicts
    needed = panel_needs
    if planned_ids:
        needed = case((Nomination.category_id.in_(planned_ids), assigned), else_=panel_needs)
    return db.session.scalar(
        select(func.count(Nomination.id))
        .outerjoin(complete, complete.c.nomination_id == Nomination.id)
        .where(*judgeable, func.coalesce(complete.c.judges, 0) < needed)
    ) or 0


def _final_ranks_awaited(edition: Edition) -> int:
    """Judges who rank finalists in categories the judges decide, with finalists to rank, who have not submitted."""
    has_finalists = select(Finalist.id).where(Finalist.category_id == PanelMember.category_id).exists()
    return db.session.scalar(
        select(func.count(func.distinct(PanelMember.judge_id)))
        .join(Category, PanelMember.category_id == Category.id)
        .where(
            Category.edition_id == edition.id,
            Category.has_public_vote.is_(False),
            PanelMember.status == PanelStatus.ACTIVE,
            PanelMember.role.in_([PanelRole.FULL, PanelRole.FINAL_ONLY]),
            PanelMember.final_submitted_at.is_(None),
            has_finalists,
        )
    ) or 0
