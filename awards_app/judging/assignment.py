"""Fair assignment for bigger years: which judges of a category's panel score which of its entries.

A category with an AssignmentPlan is judged by assignment: each entry needs `judges_per_entry` judges and no judge
scores more than `most_entries_per_judge`. Without a plan, every judge on the panel scores every entry, as before.

The arithmetic is `assign`, a pure function of plain ids (no database), so that it can be tested on its own:

1. Entries with the fewest judges free to score them go first; each takes the least-loaded judges it may have, and
   among judges equally loaded the ones it has been paired with least often, so that the same judges do not always
   sit together (the seeded random order breaks what ties remain, so a rerun gives the same answer).
2. An entry left short is filled along an augmenting path (a judge gives one of their entries to another judge, who
   gives one of theirs...), which finds an assignment whenever one exists: greedy choice alone can miss it.
3. Loads are then evened out along the same kind of path, from a judge to one with at least two entries fewer,
   until no such path is left: then no other assignment has a smaller spread of loads.
4. Swaps between two entries that keep every load as it is spread the pairs of judges further.

Pairs in `keep` (a judge who has started scoring an entry, or a pair an organiser made by hand) never move.
Pairs in `held` (a paused judge's started work) never move either and fill a place on their entry, but their judge
takes nothing new: when the judge resumes, their scored entries are still theirs and nobody else was given them too.
The operations below (run the assignment, add or remove a judge by hand, the organisers' view) use the database and
are audited; the judges' side asks `assigned_entry_ids` through judging.judge_access.
"""
from __future__ import annotations

import random
from collections import Counter, defaultdict, deque
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from itertools import combinations

from sqlalchemy import delete, exists, select

from awards_app.accounts.models import User
from awards_app.core import clock
from awards_app.core.audit import record_event
from awards_app.core.errors import DomainError, NotFound
from awards_app.extensions import db
from awards_app.judging import conflicts as conflict_rules
from awards_app.judging import progress
from awards_app.judging.judge_access import judgeable_entries
from awards_app.judging.models import (
    AssignmentPlan, Conflict, JudgeAssignment, PanelMember, PanelRole, PanelStatus, Score,
)
from awards_app.nominations.models import Nomination
from awards_app.permissions import is_organiser
from awards_app.programme.models import Category

Pair = tuple[int, int]  # (judge id, entry id)
# Generous bounds for the settings: a form's number, not a real limit of the arithmetic.
MOST_JUDGES_PER_ENTRY = 50
MOST_ENTRIES_PER_JUDGE = 10_000
# How many rounds of swaps spread the pairs of judges; each round looks at every two entries once.
SWAP_ROUNDS = 3


# --- The arithmetic ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """What `assign` found: the pairs, and when it could not be done, why (empty `problems` means done)."""

    pairs: frozenset[Pair]
    judges_per_entry: int
    most_entries_per_judge: int
    needed: int  # entries x judges per entry
    capacity: int  # judges x most entries per judge
    # Entries that have fewer judges free to score them (no conflict) than they need: entry id -> how many.
    too_few_free: dict[int, int] = field(default_factory=dict)
    # Entries left short although each had enough free judges (the limits, not the conflicts, are too tight).
    short: dict[int, int] = field(default_factory=dict)

    @property
    def done(self) -> bool:
        """Whether every entry has its judges."""
        return self.capacity >= self.needed and not self.too_few_free and not self.short

    def loads(self, judges: Sequence[int]) -> dict[int, int]:
        """How many entries each judge has."""
        counts = Counter(judge for judge, _ in self.pairs)
        return {judge: counts.get(judge, 0) for judge in judges}

    def problems(self, name_of: Callable[[int], str], judges: int) -> list[str]:
        """Why it cannot be done and what to change, in plain sentences (entries named by `name_of`)."""
        k, most = self.judges_per_entry, self.most_entries_per_judge
        found = []
        if self.capacity < self.needed:
            entries = self.needed // k
            enough = -(-self.needed // judges) if judges else None
            found.append(
                f"{entries} entries with {k} judge{_s(k)} each need {self.needed} assignments, but {judges} "
                f"judge{_s(judges)} taking at most {most} entries each can take only {self.capacity}. "
                + (f"Raise the most entries per judge to {enough} or more, lower the judges per entry, "
                   "or add judges to the panel." if enough else "Add judges to the panel.")
            )
        for entry, free in sorted(self.too_few_free.items()):
            found.append(
                f"{name_of(entry)} has only {free} judge{_s(free)} without a conflict, and needs {k}. "
                "Lower the judges per entry, or add a judge without a conflict to the panel."
            )
        if self.short and self.capacity >= self.needed and not self.too_few_free:
            names = ", ".join(name_of(entry) for entry in sorted(self.short))
            found.append(
                f"The judges without a conflict cannot all fit within {most} entries each: {names} would be left "
                "short. Raise the most entries per judge, or add judges to the panel."
            )
        return found


def _s(count: int) -> str:
    """The plural ending for a count."""
    return "" if count == 1 else "s"


class _Board:
    """The assignment being built: who has which entry, loads, and how often two judges share an entry."""

    def __init__(self, free: dict[int, set[int]], kept: set[Pair], most: int):
        self.free = free  # entry -> judges who may score it
        self.kept = kept
        self.most = most
        self.judges_of: dict[int, set[int]] = {entry: set() for entry in free}
        self.entries_of: dict[int, set[int]] = {}
        # judge -> other judge -> how many entries they share (kept both ways round)
        self.together: defaultdict[int, Counter] = defaultdict(Counter)

    def load(self, judge: int) -> int:
        """How many entries the judge has."""
        return len(self.entries_of.get(judge, ()))

    def add(self, judge: int, entry: int) -> None:
        """Give the entry to the judge."""
        for other in self.judges_of[entry]:
            self.together[judge][other] += 1
            self.together[other][judge] += 1
        self.judges_of[entry].add(judge)
        self.entries_of.setdefault(judge, set()).add(entry)

    def remove(self, judge: int, entry: int) -> None:
        """Take the entry from the judge."""
        self.judges_of[entry].discard(judge)
        self.entries_of[judge].discard(entry)
        for other in self.judges_of[entry]:
            self.together[judge][other] -= 1
            self.together[other][judge] -= 1

    def movable(self, judge: int) -> list[int]:
        """The judge's entries that may move (not kept), in a fixed order."""
        return sorted(entry for entry in self.entries_of.get(judge, ()) if (judge, entry) not in self.kept)

    def takers(self, entry: int) -> list[int]:
        """Judges who may take the entry and do not have it yet, in a fixed order."""
        return sorted(self.free[entry] - self.judges_of[entry])

    def chain(self, starts: list[tuple[int, int | None, int]], is_end: Callable[[int], bool],
              origin: int | None = None) -> bool:
        """Find and apply the shortest path from `starts` (judge, who gives it or None, entry) to a judge `is_end`
        accepts: each judge on the way takes an entry from the one before and gives one of theirs to the next.
        `origin`, the judge who gives the first entry (if any), is never passed through."""
        parent: dict[int, tuple[int, int | None] | None] = {origin: None} if origin is not None else {}
        queue: deque[int] = deque()
        for judge, giver, entry in starts:
            if judge not in parent:
                parent[judge] = (entry, giver)
                queue.append(judge)
        while queue:
            judge = queue.popleft()
            if is_end(judge):
                self._apply(judge, parent)
                return True
            for entry in self.movable(judge):
                for taker in self.takers(entry):
                    if taker not in parent:
                        parent[taker] = (entry, judge)
                        queue.append(taker)
        return False

    def _apply(self, judge: int | None, parent: dict[int, tuple[int, int | None] | None]) -> None:
        """Move the entries along a path found by `chain`, from its end back to its start."""
        while parent.get(judge) is not None:
            entry, giver = parent[judge]
            if giver is not None:
                self.remove(giver, entry)
            self.add(judge, entry)
            judge = giver

    def repetition(self, judge: int, entry: int) -> int:
        """How often the judge already shares entries with the entry's other judges."""
        met = self.together[judge]
        return sum(met[other] for other in self.judges_of[entry] if other != judge)

    def swap_gain(self, a: int, first: int, b: int, second: int) -> int:
        """How much swapping judge a (on `first`) with judge b (on `second`) lowers the sum of squared pair counts,
        the measure of judges meeting too often (squares, so that one pair meeting often weighs more than two).

        Only the judges on one entry and not the other change partners: a leaves those of `first` (each count c
        drops, lowering the sum by 2c - 1) and meets those of `second` (raising it by 2c + 1), and b the other way.
        """
        leaving = self.judges_of[first] - self.judges_of[second] - {a}
        joining = self.judges_of[second] - self.judges_of[first] - {b}
        met_a, met_b = self.together[a], self.together[b]
        return 2 * (
            sum(met_a[x] - met_b[x] for x in leaving) + sum(met_b[y] - met_a[y] for y in joining)
            - len(leaving) - len(joining)
        )


def assign(
    entries: Sequence[int],
    judges: Sequence[int],
    judges_per_entry: int,
    most_entries_per_judge: int,
    conflicts: Collection[Pair] = (),
    keep: Collection[Pair] = (),
    seed: int = 0,
    held: Collection[Pair] = (),
) -> Outcome:
    """Assign `judges_per_entry` judges to each entry, at most `most_entries_per_judge` entries to each judge, never a
    conflicted pair, loads as even as they can be and each entry's judges as varied; `keep` pairs stay as they are.

    Plain ids in, (judge, entry) pairs out. The same input and seed give the same answer.
    """
    k, most = judges_per_entry, most_entries_per_judge
    entries, judges = sorted(set(entries)), sorted(set(judges))
    blocked = set(conflicts)
    free = {entry: {judge for judge in judges if (judge, entry) not in blocked} for entry in entries}
    kept = {(judge, entry) for judge, entry in keep if entry in free and judge in free[entry]}
    # A held judge is free for their held entries only, so that no path ever gives them another.
    held = {(judge, entry) for judge, entry in held if entry in free and (judge, entry) not in blocked}
    for judge, entry in held:
        free[entry].add(judge)
    kept |= held
    board = _Board(free, kept, most)
    for judge, entry in sorted(kept):
        board.add(judge, entry)
    # Work kept beyond the limit still fills its places, so it counts in full towards what the judges can take.
    kept_loads = Counter(judge for judge, _ in kept if judge in judges)
    capacity = sum(max(most, kept_loads[judge]) for judge in judges) + len(held)
    outcome = dict(judges_per_entry=k, most_entries_per_judge=most, needed=len(entries) * k, capacity=capacity)
    too_few = {entry: len(free[entry]) for entry in entries if len(free[entry]) < k}
    if outcome["capacity"] < outcome["needed"] or too_few:
        return Outcome(pairs=frozenset(kept), too_few_free=too_few, **outcome)

    rng = random.Random(seed)
    order = {judge: rng.random() for judge in judges}
    for entry in sorted(entries, key=lambda entry: (len(free[entry]), rng.random())):
        while len(board.judges_of[entry]) < k:
            open_judges = [judge for judge in board.takers(entry) if board.load(judge) < most]
            if not open_judges:
                break
            best = min(open_judges, key=lambda judge: (board.load(judge), board.repetition(judge, entry), order[judge]))
            board.add(best, entry)

    # Fill what greedy choice left short, each missing judge along an augmenting path.
    for entry in entries:
        while len(board.judges_of[entry]) < k:
            starts = [(judge, None, entry) for judge in board.takers(entry)]
            if not board.chain(starts, lambda judge: board.load(judge) < most):
                break
    short = {entry: len(board.judges_of[entry]) for entry in entries if len(board.judges_of[entry]) < k}

    _even_out(board, judges)
    _spread_pairs(board, entries)
    pairs = frozenset((judge, entry) for entry, assigned in board.judges_of.items() for judge in assigned)
    return Outcome(pairs=pairs, short=short, **outcome)


def _even_out(board: _Board, judges: list[int]) -> None:
    """Move entries from busier judges to judges with at least two fewer, along paths, until none is left."""
    improved = True
    while improved:
        improved = False
        for judge in sorted(judges, key=lambda judge: (-board.load(judge), judge)):
            top = board.load(judge)
            starts = [(taker, judge, entry) for entry in board.movable(judge) for taker in board.takers(entry)]
            if board.chain(starts, lambda other: board.load(other) <= top - 2 and board.load(other) < board.most,
                           origin=judge):
                improved = True
                break


def _spread_pairs(board: _Board, entries: list[int]) -> None:
    """Swap judges between two entries (loads unchanged) where that makes pairs of judges meet less often."""
    for _ in range(SWAP_ROUNDS):
        swapped = False
        for first, second in combinations(entries, 2):
            for a in sorted(board.judges_of[first] - board.judges_of[second]):
                if (a, first) in board.kept or a not in board.free[second]:
                    continue
                for b in sorted(board.judges_of[second] - board.judges_of[first]):
                    if (b, second) in board.kept or b not in board.free[first] or a not in board.judges_of[first]:
                        continue
                    if board.swap_gain(a, first, b, second) <= 0:
                        continue
                    board.remove(a, first)
                    board.remove(b, second)
                    board.add(b, first)
                    board.add(a, second)
                    swapped = True
                    break
        if not swapped:
            return


def most_repeated(pairs: Collection[Pair]) -> int:
    """How many entries the two judges who share the most entries share (a measure of how varied the panels are)."""
    judges_of: dict[int, list[int]] = {}
    for judge, entry in pairs:
        judges_of.setdefault(entry, []).append(judge)
    together = Counter(frozenset(two) for judges in judges_of.values() for two in combinations(sorted(judges), 2))
    return max(together.values(), default=0)


# --- Who is assigned (the judges' side asks these) -------------------------------------------------------------


def plan_of(category: Category) -> AssignmentPlan | None:
    """The category's assignment plan, or None when every judge scores every entry."""
    return db.session.scalar(select(AssignmentPlan).where(AssignmentPlan.category_id == category.id))


def assigned_pairs(category: Category) -> set[Pair] | None:
    """(judge id, entry id) of every assignment in the category; None when the category does not use assignment."""
    if plan_of(category) is None:
        return None
    return set(
        db.session.execute(
            select(JudgeAssignment.judge_id, JudgeAssignment.nomination_id)
            .join(Nomination, JudgeAssignment.nomination_id == Nomination.id)
            .where(Nomination.category_id == category.id)
        ).tuples()
    )


def assigned_entry_ids(judge: User, category: Category) -> set[int] | None:
    """Ids of the category's entries assigned to the judge; None when the category does not use assignment."""
    if plan_of(category) is None:
        return None
    return set(
        db.session.scalars(
            select(JudgeAssignment.nomination_id)
            .join(Nomination, JudgeAssignment.nomination_id == Nomination.id)
            .where(JudgeAssignment.judge_id == judge.id, Nomination.category_id == category.id)
        )
    )


def is_assigned(judge_id: int, nomination: Nomination) -> bool:
    """Whether the judge scores this entry as far as assignment goes: assigned it, or its category has no plan (then
    every judge of the panel scores every entry). One query, however many entries the category has."""
    return bool(db.session.scalar(select(assignment_allows(judge_id, nomination.id, nomination.category_id))))


def assignment_allows(judge_id, nomination_id, category_id):
    """is_assigned as an SQL condition, for a query that asks it along with other things (the values may be
    columns)."""
    has_plan = exists().where(AssignmentPlan.category_id == category_id)
    assigned = exists().where(JudgeAssignment.judge_id == judge_id, JudgeAssignment.nomination_id == nomination_id)
    return ~has_plan | assigned


# --- What the organisers see -------------------------------------------------------------------------------------


@dataclass
class AssignmentView:
    """A category's assignment as the organisers' page shows it: entries by judges, loads and warnings."""

    category: Category
    plan: AssignmentPlan | None
    entries: list[Nomination]
    members: list[PanelMember]
    pairs: dict[Pair, JudgeAssignment]
    started: set[Pair]
    blocked: dict[Pair, str]  # why a judge may not score an entry
    warnings: list[str]

    def judges_of(self, entry: Nomination) -> list[PanelMember]:
        """The panel judges assigned to the entry, by name."""
        return [member for member in self.members if (member.judge_id, entry.id) in self.pairs]

    def load(self, member: PanelMember) -> int:
        """How many entries the judge has: their pairs on judgeable entries (the one definition of a load, which
        assign_by_hand and the page both use)."""
        return sum(1 for judge, _ in self.pairs if judge == member.judge_id)

    def started_by(self, member: PanelMember) -> int:
        """How many of the judge's assigned entries they have started scoring."""
        return sum(1 for pair in self.pairs if pair[0] == member.judge_id and pair in self.started)

    @property
    def loads(self) -> list[int]:
        """Every panel judge's load."""
        return [self.load(member) for member in self.members]


def _name(judge: User) -> str:
    """A judge as the organisers' pages name them."""
    return judge.name or judge.email


def blocked_pairs(category: Category, members: list[PanelMember], entries: list[Nomination]) -> dict[Pair, str]:
    """Judge-entry pairs that must never be assigned, with why: conflicts recorded (declared, recused, abstained) and
    entries whose nominee or organisation matches the affiliations a judge declared."""
    entry_ids = [entry.id for entry in entries]
    blocked = {
        (conflict.judge_id, conflict.nomination_id): f"{_name(conflict.judge)} has a conflict recorded ({conflict.kind})"
        for conflict in db.session.scalars(select(Conflict).where(Conflict.nomination_id.in_(entry_ids)))
    }
    for member in members:
        for entry in entries:
            if (member.judge_id, entry.id) in blocked:
                continue
            match = conflict_rules.match_affiliations(member.judge.affiliations, entry)
            if match:
                blocked[(member.judge_id, entry.id)] = (
                    f"{_name(member.judge)}'s declared affiliations match this entry: {match}"
                )
    return blocked


def _started(category: Category) -> set[Pair]:
    """Pairs where the judge has given the entry at least one score (started or finished work)."""
    return set(
        db.session.execute(
            select(Score.judge_id, Score.nomination_id)
            .join(Nomination, Score.nomination_id == Nomination.id)
            .where(Nomination.category_id == category.id)
            .distinct()
        ).tuples()
    )


def _paused_judges(category: Category) -> list[PanelMember]:
    """The panel's paused full judges: they may resume, so their started work keeps its place."""
    return list(db.session.scalars(
        select(PanelMember).where(
            PanelMember.category_id == category.id, PanelMember.status == PanelStatus.PAUSED,
            PanelMember.role == PanelRole.FULL,
        )
    ))


def _work_to_keep(view: AssignmentView) -> tuple[set[Pair], set[Pair]]:
    """Started pairs no run may move, whether or not they were assigned before (a judge may have scored before the
    plan was set): the panel's judges' (kept) and its paused judges' (held), conflicted pairs left out."""
    open_ids = {entry.id for entry in view.entries}
    on_panel = {member.judge_id for member in view.members}
    paused = _paused_judges(view.category)
    paused_blocked = blocked_pairs(view.category, paused, view.entries)
    paused_ids = {member.judge_id for member in paused}
    kept = {pair for pair in view.started if pair[0] in on_panel and pair[1] in open_ids and pair not in view.blocked}
    held = {pair for pair in view.started
            if pair[0] in paused_ids and pair[1] in open_ids and pair not in paused_blocked}
    return kept, held


def _stored(category: Category) -> dict[Pair, JudgeAssignment]:
    """The category's stored assignments by pair."""
    return {
        (row.judge_id, row.nomination_id): row
        for row in db.session.scalars(
            select(JudgeAssignment)
            .join(Nomination, JudgeAssignment.nomination_id == Nomination.id)
            .where(Nomination.category_id == category.id)
        )
    }


def assignment_view(category: Category) -> AssignmentView:
    """The category's assignment with its loads and anything the organisers should know."""
    plan = plan_of(category)
    entries = judgeable_entries(category)
    members = progress.panel_of(category)
    blocked = blocked_pairs(category, members, entries)
    stored = _stored(category)
    on_panel = {member.judge_id for member in members}
    open_ids = {entry.id for entry in entries}
    pairs = {pair: row for pair, row in stored.items() if pair[0] in on_panel and pair[1] in open_ids}
    view = AssignmentView(category, plan, entries, members, pairs, _started(category), blocked, [])
    if plan is None:
        return view
    undeclared = [_name(member.judge) for member in members if member.conflicts_declared_at is None]
    if undeclared:
        view.warnings.append(
            f"Not yet declared their conflicts: {', '.join(undeclared)}. Conflicts they declare later take the entry "
            "away from them; run the assignment again then."
        )
    if pairs:
        for pair in sorted(set(pairs) & set(blocked)):
            view.warnings.append(f"{blocked[pair]}, and is assigned. Remove them from the entry or run the assignment again.")
        short = [entry for entry in entries if len(view.judges_of(entry)) < plan.judges_per_entry]
        if short:
            view.warnings.append(
                f"{len(short)} entr{'y has' if len(short) == 1 else 'ies have'} fewer than {plan.judges_per_entry} "
                f"judge{_s(plan.judges_per_entry)}: run the assignment again to fill {'it' if len(short) == 1 else 'them'}."
            )
        over = [member for member in members if view.load(member) > plan.most_entries_per_judge]
        if over:
            view.warnings.append(
                f"More than {plan.most_entries_per_judge} entries: {', '.join(_name(m.judge) for m in over)}."
            )
    return view


# --- Changing it (organisers only, every change audited) ---------------------------------------------------------


def _check_numbers(judges_per_entry, most_entries_per_judge) -> tuple[int, int]:
    """The two settings as whole numbers in range, or a refusal naming the field."""
    for value, name, top, what in (
        (judges_per_entry, "judges_per_entry", MOST_JUDGES_PER_ENTRY, "Judges per entry"),
        (most_entries_per_judge, "most_entries_per_judge", MOST_ENTRIES_PER_JUDGE, "Most entries per judge"),
    ):
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= top:
            raise DomainError(f"{what} must be a whole number from 1 to {top:,}", field=name)
    return judges_per_entry, most_entries_per_judge


def _refuse_after_shortlist(category: Category) -> None:
    """Assignments are about scoring, which ends when the shortlist is chosen."""
    if category.shortlisted_at is not None:
        raise DomainError("The shortlist of this category has been chosen, so its assignment can no longer change.")


def set_plan(actor: User, category: Category, judges_per_entry: int, most_entries_per_judge: int) -> AssignmentPlan:
    """Start judging the category by assignment, or change its numbers (run the assignment afterwards)."""
    is_organiser.require(actor)
    _refuse_after_shortlist(category)
    judges_per_entry, most_entries_per_judge = _check_numbers(judges_per_entry, most_entries_per_judge)
    plan = plan_of(category)
    new = plan is None
    if new:
        plan = AssignmentPlan(category_id=category.id, created_at=clock.now())
        db.session.add(plan)
    plan.judges_per_entry = judges_per_entry
    plan.most_entries_per_judge = most_entries_per_judge
    plan.updated_at = clock.now()
    db.session.flush()
    if new:
        _assign_started_work(actor, category)
        db.session.flush()
    record_event(actor, "assignment.plan_set", category, judges_per_entry=judges_per_entry,
                 most_entries_per_judge=most_entries_per_judge)
    return plan


def stop_assignment(actor: User, category: Category) -> int:
    """Go back to every judge scoring every entry: the plan and its assignments are removed (scores stay)."""
    is_organiser.require(actor)
    _refuse_after_shortlist(category)
    plan = plan_of(category)
    if plan is None:
        raise DomainError("This category does not use assignment.")
    removed = len(_stored(category))
    entry_ids = select(Nomination.id).where(Nomination.category_id == category.id)
    db.session.execute(delete(JudgeAssignment).where(JudgeAssignment.nomination_id.in_(entry_ids)))
    db.session.delete(plan)
    db.session.flush()
    record_event(actor, "assignment.stopped", category, assignments_removed=removed)
    return removed


def _assign_started_work(actor: User, category: Category) -> None:
    """Assign each judge the entries they have already scored, so that the work done before the plan stays theirs
    (and counts, and they still see it) until the first run, which keeps it too."""
    kept, held = _work_to_keep(assignment_view(category))
    now = clock.now()
    db.session.add_all(
        JudgeAssignment(judge_id=judge, nomination_id=entry, how="auto", assigned_by_id=actor.id, assigned_at=now)
        for judge, entry in sorted(kept | held)
    )


@dataclass(frozen=True)
class RunResult:
    """What a run changed: pairs kept (work started, or made by hand), added and removed; loads after it."""

    kept: int
    added: int
    removed: int
    lowest_load: int
    highest_load: int


def run_assignment(actor: User, category: Category) -> RunResult:
    """Assign the category's entries to its judges; a run keeps every pair with work started (assigned before or
    not, a paused judge's too) and every pair made by hand, and moves only the others. Nothing is changed when it cannot be done: the refusal says what to change."""
    is_organiser.require(actor)
    _refuse_after_shortlist(category)
    plan = plan_of(category)
    if plan is None:
        raise DomainError("Set how many judges each entry needs and the most entries per judge first.")
    view = assignment_view(category)
    if not view.members:
        raise DomainError("No judges are on this category's panel yet.")
    if not view.entries:
        raise DomainError("There are no eligible entries to assign in this category yet.")
    stored = _stored(category)
    started, held = _work_to_keep(view)
    keep = started | {pair for pair, row in view.pairs.items() if row.how == "hand"}
    outcome = assign(
        [entry.id for entry in view.entries], [member.judge_id for member in view.members],
        plan.judges_per_entry, plan.most_entries_per_judge, conflicts=set(view.blocked), keep=keep, seed=category.id,
        held=held,
    )
    if not outcome.done:
        names = {entry.id: f"{entry.nominee_name} ({entry.reference})" for entry in view.entries}
        raise DomainError(" ".join(outcome.problems(names.__getitem__, len(view.members))))
    now = clock.now()
    removed = [row for pair, row in stored.items() if pair not in outcome.pairs]
    for row in removed:
        db.session.delete(row)
    added = sorted(outcome.pairs - set(stored))
    db.session.add_all(
        JudgeAssignment(judge_id=judge, nomination_id=entry, how="auto", assigned_by_id=actor.id, assigned_at=now)
        for judge, entry in added
    )
    db.session.flush()
    loads = outcome.loads([member.judge_id for member in view.members]).values()
    result = RunResult(kept=len((keep | held) & outcome.pairs), added=len(added), removed=len(removed),
                       lowest_load=min(loads), highest_load=max(loads))
    record_event(
        actor, "assignment.run", category, judges_per_entry=plan.judges_per_entry,
        most_entries_per_judge=plan.most_entries_per_judge, kept=result.kept, added=result.added,
        removed=result.removed, lowest_load=result.lowest_load, highest_load=result.highest_load,
    )
    return result


@dataclass(frozen=True)
class NewEntryJudges:
    """The judges an entry new to an assigned category was given, and how many it needs."""

    judges: list[str]
    needed: int

    @property
    def short(self) -> bool:
        """Whether it has fewer judges than it needs."""
        return len(self.judges) < self.needed


def assign_new_entry(actor: User, category: Category, entry: Nomination) -> NewEntryJudges | None:
    """Give an entry that has just come into the category (a move) its judges, as a run's first step would: the
    least-loaded judges without a conflict who have room, every other pair left as it is (a rerun could take entries
    from judges who have already read them). None when the category does not use assignment or does not judge the
    entry (it is not eligible, say): a later run assigns it then."""
    plan = plan_of(category)
    if plan is None or category.shortlisted_at is not None:
        return None
    view = assignment_view(category)
    if entry not in view.entries:
        return None
    rng = random.Random(category.id)  # seeded as a run is, so the same move gives the same judges
    free = [member for member in view.members
            if (member.judge_id, entry.id) not in view.blocked and view.load(member) < plan.most_entries_per_judge]
    order = {member.judge_id: rng.random() for member in free}
    chosen = sorted(free, key=lambda member: (view.load(member), order[member.judge_id]))[:plan.judges_per_entry]
    now = clock.now()
    db.session.add_all(JudgeAssignment(judge_id=member.judge_id, nomination_id=entry.id, how="auto",
                                       assigned_by_id=actor.id, assigned_at=now) for member in chosen)
    db.session.flush()
    record_event(actor, "assignment.new_entry", entry, judges=len(chosen), needed=plan.judges_per_entry)
    return NewEntryJudges([_name(member.judge) for member in chosen], plan.judges_per_entry)


def _pair_in(category: Category, judge_id: int, nomination_id: int) -> tuple[PanelMember, Nomination]:
    """The panel place and entry a hand change names, or NotFound when either is not of this category."""
    member = db.session.scalar(
        select(PanelMember).where(PanelMember.judge_id == judge_id, PanelMember.category_id == category.id)
    )
    entry = db.session.get(Nomination, nomination_id)
    if member is None or entry is None or entry not in judgeable_entries(category):
        raise NotFound("There is no such judge or entry in this category.")
    return member, entry


def assign_by_hand(actor: User, category: Category, judge_id: int, nomination_id: int) -> JudgeAssignment:
    """Add one judge to one entry; refused for a conflicted judge (recorded or by their affiliations)."""
    is_organiser.require(actor)
    _refuse_after_shortlist(category)
    plan = plan_of(category)
    if plan is None:
        raise DomainError("This category does not use assignment.")
    member, entry = _pair_in(category, judge_id, nomination_id)
    who = _name(member.judge)
    blocked = blocked_pairs(category, [member], [entry])
    if (judge_id, nomination_id) in blocked:
        raise DomainError(f"{blocked[(judge_id, nomination_id)]}, so they cannot be assigned it.", field="judge_id")
    if (judge_id, nomination_id) in _stored(category):
        raise DomainError(f"{who} is already assigned {entry.reference}.", field="judge_id")
    load = assignment_view(category).load(member)
    if load >= plan.most_entries_per_judge:
        raise DomainError(
            f"{who} already has {load} entries, the most per judge. Raise the most entries per judge first, or "
            "remove one of their entries.", field="judge_id",
        )
    row = JudgeAssignment(judge_id=judge_id, nomination_id=nomination_id, how="hand", assigned_by_id=actor.id,
                          assigned_at=clock.now())
    db.session.add(row)
    db.session.flush()
    record_event(actor, "assignment.added_by_hand", entry, judge_id=judge_id, judge=member.judge.email)
    return row


def unassign_by_hand(actor: User, category: Category, judge_id: int, nomination_id: int) -> None:
    """Take one entry away from one judge; refused once they have started scoring it (finished work never moves)."""
    is_organiser.require(actor)
    _refuse_after_shortlist(category)
    member, entry = _pair_in(category, judge_id, nomination_id)
    row = _stored(category).get((judge_id, nomination_id))
    if row is None:
        raise DomainError(f"{_name(member.judge)} is not assigned {entry.reference}.")
    if (judge_id, nomination_id) in _started(category):
        raise DomainError(
            f"{_name(member.judge)} has started scoring {entry.reference}, so it stays assigned to them: "
            "work already done is never moved."
        )
    db.session.delete(row)
    db.session.flush()
    record_event(actor, "assignment.removed_by_hand", entry, judge_id=judge_id, judge=member.judge.email,
                 was=row.how)
