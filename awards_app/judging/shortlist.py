"""The shortlist decision: a category's rankings from the judges' scores, and the organiser's choice of finalists.

The rankings come from judging.ranking (weighted mean and normalised mean side by side). By default the finalists
are the top three under the method the organiser chooses, leaving out entries without a complete score set (they have
no rank). Entries whose nominee declined consent are out of judging altogether (judge_access.judgeable_entries), so
they are never ranked and can never be finalists; the consent of those still awaited is marked on the organisers'
pages, and publication refuses a shortlist until every finalist's consent is given. Any change from that default
needs a recorded reason: a finalist from outside the top three (the reason is stored on its Finalist row), or a
top-three entry left out (the reason is stored in the audit event, which has the whole decision).

Choosing again replaces the shortlist, until an award has been recorded for the category. Publishing the shortlist
belongs to the public vote, not here.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass

from sqlalchemy import delete, func, select

from awards_app.accounts.models import User
from awards_app.ceremony.models import Award
from awards_app.core import clock
from awards_app.core.audit import latest_event, record_event
from awards_app.core.errors import DomainError
from awards_app.core.models import AuditEvent
from awards_app.extensions import db
from awards_app.judging.judge_access import judgeable_entries
from awards_app.judging.models import Conflict, Finalist, FinalRank, Score
from awards_app.judging.progress import panel_of
from awards_app.judging.ranking import METHOD_LABELS, METHODS, CriterionRow, Rankings, ScoreRow, compute_rankings
from awards_app.nominations.models import ConsentState, Nomination
from awards_app.permissions import is_organiser
from awards_app.programme.criteria import criteria_for
from awards_app.programme.models import Category, Criterion
from awards_app.voting import contests

REASON_MAX_LENGTH = 1000
SHORTLIST_ACTION = "shortlist.chosen"
# Finalist ids are public (the shortlist's links, the ballot); the order new rows are added in is drawn from here.
_RANDOM = secrets.SystemRandom()


class ReasonsMissing(DomainError):
    """Some changes from the ranking came without a reason: `fields` maps each reason box to its message."""

    def __init__(self, fields: dict[str, str]):
        first_field, first_message = next(iter(fields.items()))
        super().__init__(first_message, field=first_field)
        self.fields = fields


def top_words(count: int) -> str:
    """'top three', 'top 12': the default shortlist in words."""
    words = {1: "top entry", 2: "top two", 3: "top three", 4: "top four", 5: "top five", 6: "top six"}
    return words.get(count, f"top {count}")


def reason_field(nomination_id: int) -> str:
    """The name of the reason box for an entry (the service and the form agree on it)."""
    return f"reason_{nomination_id}"


@dataclass
class CategoryRankings:
    """A category's rankings with the entries and judges they are about."""

    category: Category
    rankings: Rankings
    entries: dict[int, Nomination]  # by id, in submission order
    judges: dict[int, User]  # the panel, by id
    submitted: int  # judges who submitted their scores
    # What the rankings were computed from, so that every breakdown of them (judging.breakdown) uses the same.
    criteria: list[Criterion]
    scores: list[ScoreRow]
    conflicts: set[tuple[int, int]]  # (judge id, entry id)

    def nomination(self, entry_id: int) -> Nomination:
        """The entry with this id."""
        return self.entries[entry_id]

    @property
    def declined(self) -> set[int]:
        """Entries whose nominee declined consent: they cannot be finalists."""
        return {entry_id for entry_id, entry in self.entries.items() if entry.consent is ConsentState.DECLINED}

    def default_shortlist(self, method: str, count: int | None = None) -> list[int]:
        """The top `count` entries (the category's shortlist size unless given) under a method that may be finalists
        (declined consent left out)."""
        return self.rankings.top(method, count or self.category.shortlist_size, exclude=self.declined)


def category_rankings(category: Category) -> CategoryRankings:
    """Rank the category's judgeable entries from the scores of its panel, conflicts left out."""
    entries = {entry.id: entry for entry in judgeable_entries(category)}
    members = panel_of(category)
    judges = {member.judge_id: member.judge for member in members}
    entry_ids, judge_ids = list(entries), list(judges)
    scores = db.session.execute(
        select(Score.judge_id, Score.nomination_id, Score.criterion_id, Score.value)
        .where(Score.nomination_id.in_(entry_ids), Score.judge_id.in_(judge_ids))
    ).all()
    # Conflicts recorded after the shortlist touch the final round only: the first round's figures stay as chosen from.
    recorded_in_time = [] if category.shortlisted_at is None else [Conflict.recorded_at <= category.shortlisted_at]
    conflicts = db.session.execute(
        select(Conflict.judge_id, Conflict.nomination_id).where(Conflict.nomination_id.in_(entry_ids), *recorded_in_time)
    ).all()
    criteria = criteria_for(category)
    score_rows = [ScoreRow(*row) for row in scores]
    conflicted = {(judge_id, entry_id) for judge_id, entry_id in conflicts}
    rankings = compute_rankings(
        score_rows,
        [
            CriterionRow(criterion.id, float(criterion.weight), criterion.scale_min, criterion.scale_max)
            for criterion in criteria
        ],
        {entry_id: entry.nominee_name for entry_id, entry in entries.items()},
        conflicts=conflicted,
        judges=judge_ids,
    )
    return CategoryRankings(
        category=category,
        rankings=rankings,
        entries=entries,
        judges=judges,
        submitted=sum(1 for member in members if member.submitted_at is not None),
        criteria=criteria,
        scores=score_rows,
        conflicts=conflicted,
    )


def finalists_of(category: Category) -> list[Finalist]:
    """The category's whole shortlist, in the judges' order (position); a public vote's ballot is
    voting.votes.ballot_finalists."""
    return list(
        db.session.scalars(
            select(Finalist).where(Finalist.category_id == category.id).order_by(Finalist.position, Finalist.id)
        )
    )


def has_awards(category: Category) -> bool:
    """Whether a result has been recorded for the category (the shortlist is then fixed)."""
    return db.session.scalar(select(Award.id).where(Award.category_id == category.id).limit(1)) is not None


def latest_decision(category: Category) -> AuditEvent | None:
    """The audit event of the category's current shortlist decision (with the reasons for leaving entries out)."""
    return latest_event(SHORTLIST_ACTION, category)


@dataclass(frozen=True)
class Departure:
    """A change from the ranking: an entry chosen from outside the top N, or a top-N entry left out."""

    nomination_id: int
    chosen: bool  # True: chosen from outside the top N; False: in the top N but left out


def departures(expected: list[int], chosen: list[int]) -> list[Departure]:
    """The changes a choice makes to the default shortlist."""
    return [Departure(entry_id, True) for entry_id in chosen if entry_id not in expected] + [
        Departure(entry_id, False) for entry_id in expected if entry_id not in chosen
    ]


def choose_shortlist(
    actor: User,
    category: Category,
    method: str,
    chosen_ids: list[int],
    reasons: dict[int, str] | None = None,
    count: int | None = None,
) -> list[Finalist]:
    """Store the category's finalists; any change from the top `count` (the category's shortlist size unless given)
    under `method` needs a reason."""
    is_organiser.require(actor)
    count = count or category.shortlist_size
    if method not in METHODS:
        raise DomainError("Choose which ranking the shortlist follows", field="method")
    if has_awards(category):
        raise DomainError(
            "The result of this category has been recorded, so its shortlist can no longer change.", field="chosen"
        )
    contests.ensure_not_locked(category)  # the public vote has opened: its finalists are fixed
    chosen = list(dict.fromkeys(int(entry_id) for entry_id in chosen_ids))
    if not chosen:
        raise DomainError("Choose at least one finalist", field="chosen")
    view = category_rankings(category)
    for entry_id in chosen:
        if entry_id not in view.entries:
            # A declined nominee's entry is out of judging (judge_access.judgeable_entries): say so by name.
            nomination = db.session.get(Nomination, entry_id)
            declined = nomination is not None and nomination.consent is ConsentState.DECLINED
            if declined and nomination.category_id == category.id:
                raise DomainError(
                    f"{nomination.nominee_name} cannot be a finalist: the nominee declined to be considered.",
                    field="chosen",
                )
            raise DomainError("Choose finalists from the entries of this category", field="chosen")
    reasons = {int(entry_id): (text or "").strip() for entry_id, text in (reasons or {}).items()}
    expected = view.default_shortlist(method, count)
    changes = departures(expected, chosen)
    _check_reasons(view, method, count, changes, reasons)

    finalists = _store_finalists(actor, category, view, method, chosen, reasons, expected)
    category.shortlist_method = method
    category.shortlisted_at = clock.now()
    record_event(
        actor, SHORTLIST_ACTION, category,
        method=method,
        finalists=[finalist.nomination_id for finalist in finalists],
        names=[finalist.public_name for finalist in finalists],
        default=expected,
        chosen_from_outside={str(d.nomination_id): reasons[d.nomination_id] for d in changes if d.chosen},
        left_out={str(d.nomination_id): reasons[d.nomination_id] for d in changes if not d.chosen},
    )
    db.session.flush()
    return finalists


def _check_reasons(view: CategoryRankings, method: str, count: int, changes: list[Departure], reasons: dict) -> None:
    """Refuse changes from the ranking that come without a reason, naming each entry; and over-long reasons."""
    label = METHOD_LABELS[method]
    missing = {}
    for change in changes:
        name = view.entries[change.nomination_id].nominee_name
        reason = reasons.get(change.nomination_id, "")
        if len(reason) > REASON_MAX_LENGTH:
            missing[reason_field(change.nomination_id)] = f"The reason for {name} must be 1,000 characters or fewer"
        elif not reason:
            if change.chosen:
                message = f"Give a reason for choosing {name}: it is not in the {top_words(count)} by {label}"
            else:
                message = f"Give a reason for leaving out {name}: it is in the {top_words(count)} by {label}"
            missing[reason_field(change.nomination_id)] = message
    if missing:
        raise ReasonsMissing(missing)


def _store_finalists(actor, category, view, method, chosen, reasons, expected) -> list[Finalist]:
    """Replace the category's Finalist rows with the chosen entries, in ranking order (rows of kept entries stay)."""
    ranked = [entry.entry_id for entry in view.rankings.ordered(method)]
    order = sorted(chosen, key=ranked.index)
    existing = {finalist.nomination_id: finalist for finalist in finalists_of(category)}
    dropped = [finalist for nomination_id, finalist in existing.items() if nomination_id not in chosen]
    if dropped:
        # Judges' final-round ranks of an entry taken off the shortlist mean nothing any more.
        db.session.execute(delete(FinalRank).where(FinalRank.finalist_id.in_([f.id for f in dropped])))
        for finalist in dropped:
            db.session.delete(finalist)
        db.session.flush()
    now = clock.now()
    finalists, new = [], []
    for position, entry_id in enumerate(order, start=1):
        finalist = existing.get(entry_id)
        if finalist is None:
            nomination = view.entries[entry_id]
            finalist = Finalist(
                category_id=category.id, nomination_id=entry_id, public_name=nomination.nominee_name[:200]
            )
            new.append(finalist)
        finalist.position = position
        finalist.change_reason = reasons.get(entry_id, "") if entry_id not in expected else ""
        finalist.chosen_by_id = actor.id
        finalist.chosen_at = now
        finalists.append(finalist)
    add_in_random_order(new)
    db.session.flush()
    return finalists


def add_in_random_order(finalists: list[Finalist]) -> None:
    """Add new Finalist rows to the session in a random order, so that their public ids do not follow the
    judges' ranking (which stays sealed in `position`)."""
    # Rows are inserted, and ids issued, in the order they were added to the session.
    shuffled = list(finalists)
    _RANDOM.shuffle(shuffled)
    db.session.add_all(shuffled)


def final_ranks_given(category: Category) -> int:
    """How many final-round ranks judges have given in the category (changing the shortlist may discard some)."""
    return db.session.scalar(
        select(func.count(FinalRank.id))
        .join(Finalist, FinalRank.finalist_id == Finalist.id)
        .where(Finalist.category_id == category.id)
    )
