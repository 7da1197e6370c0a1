"""Conflicts of interest: what a judge declares before seeing a category's entries, and what organisers record.

Before a judge sees any entry of a category they see only the nominees' names (blind where the edition says so) and
organisations, with suggestions drawn from the affiliations they recorded, and declare any conflict with a reason
(or that they have none). A conflict hides the entry from the judge; whatever they had scored for it is kept but
left out of every figure (the ranking, progress and the CSV all skip conflicted pairs), so that an organiser who finds
the declaration was a mistake can restore it and the judge's work counts again.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from sqlalchemy import func, select

from awards_app.accounts.models import User
from awards_app.ceremony.models import Award
from awards_app.core import clock
from awards_app.core.audit import record_event
from awards_app.core.errors import DomainError, NotFound
from awards_app.extensions import db
from awards_app.judging.judge_access import (
    conflict_candidates, conflicted_ids, judgeable_entries, paused_notice, shown_name,
)
from awards_app.judging.models import Conflict, PanelMember, PanelRole, PanelStatus, Score, ScoreComment
from awards_app.nominations.models import Nomination
from awards_app.permissions import is_conflicted, is_judge, is_organiser, sits_on_panel
from awards_app.programme.models import Category, Edition

REASON_MAX_LENGTH = 1000
AFFILIATIONS_MAX_LENGTH = 2000
# Words too common in the names of people, groups and jobs to suggest a conflict on their own.
COMMON_WORDS = frozenset(
    """
    a an and at by for from in of on or the to with
    adviser advisor alliance arts association board care carer carers centre center chair charity cic club council
    community communities condition conditions day experience forum foundation group groups health hub job ltd
    limited lived living long management member mental network nhs officer organisation organization partnership
    peer people policy programme program project projects retired scio scotland scottish sector self service services
    social society support team third trust trustee volunteer well wellbeing worker work
    """.split()
)
MIN_WORD_LENGTH = 3


# --- Matching affiliations ---------------------------------------------------------------------------------------


def _plain_words(text: str) -> list[str]:
    """Lower-case ASCII words of a text: accents, apostrophes and other punctuation dropped."""
    ascii_text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode().lower()
    return re.findall(r"[a-z0-9]+", re.sub(r"['’]", "", ascii_text))


def _distinctive(words: list[str]) -> set[str]:
    """The words that can point at a conflict: not too short, not too common."""
    return {word for word in words if len(word) >= MIN_WORD_LENGTH and word not in COMMON_WORDS}


def _phrase_in(phrase: list[str], text: list[str]) -> bool:
    """Whether the words of `phrase` appear together, in order, in `text`."""
    if not phrase or not _distinctive(phrase):
        return False
    return f" {' '.join(phrase)} " in f" {' '.join(text)} "


@dataclass(frozen=True)
class Suggestion:
    """A possible conflict: the entry, and why it looks like one, in words the judge can check."""

    nomination: Nomination
    explanation: str


def _quoted(words: list[str]) -> str:
    """Words as ‘a’, ‘b’ and ‘c’."""
    quoted = [f"‘{word}’" for word in words]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]


def match_affiliations(affiliations: str, nomination: Nomination, for_organisers: bool = False) -> str | None:
    """Why the nominee's name or organisation seems to match the judge's affiliations, or None.

    Worded for the judge ("your affiliations"), or for the organisers, who may read the nominee's name.
    """
    theirs = _plain_words(affiliations)
    mine = _distinctive(theirs)
    if not mine:
        return None
    named = for_organisers or shown_name(nomination) == nomination.nominee_name
    whose_affiliations = "the judge's affiliations" if for_organisers else "your affiliations"
    reasons = []
    for label, text in (("name", nomination.nominee_name), ("organisation", nomination.nominee_organisation)):
        words = _plain_words(text)
        shared = sorted(_distinctive(words) & mine, key=words.index)
        if not shared:
            continue
        whose = f"Its {label}" if label == "organisation" or named else "The nominee's name"
        if _phrase_in(words, theirs):
            reasons.append(f"{whose} appears in {whose_affiliations}.")
        else:
            reasons.append(f"{whose} shares {_quoted(shared)} with {whose_affiliations}.")
    return " ".join(reasons) or None


def conflict_suggestions(judge: User, place: PanelMember) -> dict[int, str]:
    """Entries of the judge's category that may be conflicts, by nomination id, with the reason for each.

    None under blind judging: a suggestion tied to a hidden entry would let a judge try guesses in their affiliations
    until one names it. The organisers see those suggestions instead (hidden_suggestions).
    """
    excluded = conflicted_ids(judge, place.category)
    suggestions = {}
    for nomination in judgeable_entries(place.category):
        if nomination.id in excluded or is_blind(nomination):
            continue
        explanation = match_affiliations(judge.affiliations, nomination)
        if explanation:
            suggestions[nomination.id] = explanation
    return suggestions


@dataclass(frozen=True)
class HiddenSuggestion:
    """A possible conflict that a judge is not shown because judging is blind, for the organisers to look into."""

    judge: User
    nomination: Nomination
    explanation: str


def hidden_suggestions(edition: Edition) -> list[HiddenSuggestion]:
    """Each active judge's declared affiliations against the blind entries of their panels they have no conflict with:
    the suggestions judges are not shown under blind judging."""
    places = db.session.scalars(
        select(PanelMember)
        .join(Category, PanelMember.category_id == Category.id)
        .where(Category.edition_id == edition.id, PanelMember.status == PanelStatus.ACTIVE)
        .order_by(Category.display_order, Category.id, PanelMember.id)
    )
    found = []
    for place in places:
        if not place.judge.affiliations:
            continue
        excluded = conflicted_ids(place.judge, place.category)
        for nomination in conflict_candidates(place):
            if nomination.id in excluded or not is_blind(nomination):
                continue
            if explanation := match_affiliations(place.judge.affiliations, nomination, for_organisers=True):
                found.append(HiddenSuggestion(place.judge, nomination, explanation))
    return found


# --- What the judge sees before and after declaring ---------------------------------------------------------------


@dataclass(frozen=True)
class NomineeRow:
    """One line of the list a judge declares conflicts against: never the entry's details."""

    nomination_id: int
    name: str
    organisation: str
    suggestion: str | None
    conflict: Conflict | None
    blind: bool = False  # the judge sees only the reference: no name, organisation or local authority


def is_blind(nomination: Nomination) -> bool:
    """Whether judges see this entry without its nominee: no name, organisation or local authority."""
    return shown_name(nomination) != nomination.nominee_name


def nominee_list(judge: User, place: PanelMember) -> list[NomineeRow]:
    """The category's entries as names (blind where required) and organisations, with suggestions and conflicts."""
    sits_on_panel.require(judge, place)
    conflicts = {
        conflict.nomination_id: conflict
        for conflict in db.session.scalars(
            select(Conflict)
            .join(Nomination, Conflict.nomination_id == Nomination.id)
            .where(Conflict.judge_id == judge.id, Nomination.category_id == place.category_id)
        )
    }
    suggestions = conflict_suggestions(judge, place)
    return [
        NomineeRow(
            nomination_id=nomination.id,
            blind=is_blind(nomination),
            name=shown_name(nomination),
            # Under blind judging the organisation would give the nominee away as surely as the name.
            organisation="" if is_blind(nomination) else nomination.nominee_organisation,
            suggestion=suggestions.get(nomination.id),
            conflict=conflicts.get(nomination.id),
        )
        for nomination in conflict_candidates(place)
    ]


# --- Recording conflicts ------------------------------------------------------------------------------------------


def clean_reason(reason: str | None, field: str | None = None) -> str:
    """A reason, trimmed: required, and not too long."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("Say why you have a conflict with this entry", field=field)
    if len(reason) > REASON_MAX_LENGTH:
        raise DomainError(f"The reason must be {REASON_MAX_LENGTH:,} characters or fewer", field=field)
    return reason


@dataclass(frozen=True)
class KeptWork:
    """What a judge had given an entry before a conflict: kept, but counted nowhere while the conflict stands."""

    scores: int
    comment: bool

    def __str__(self) -> str:
        """The work in words: "3 scores and a comment", "1 score", "a comment", or "nothing"."""
        parts = []
        if self.scores:
            parts.append(f"{self.scores} score{'' if self.scores == 1 else 's'}")
        if self.comment:
            parts.append("a comment")
        return " and ".join(parts) or "nothing"


def kept_work(judge_id: int, nomination_id: int) -> KeptWork:
    """The scores and comment a judge has given an entry."""
    scores = db.session.scalar(
        select(func.count(Score.id)).where(Score.judge_id == judge_id, Score.nomination_id == nomination_id)
    )
    comment = db.session.scalar(
        select(ScoreComment.id).where(ScoreComment.judge_id == judge_id, ScoreComment.nomination_id == nomination_id)
    )
    return KeptWork(scores=scores or 0, comment=comment is not None)


def what_happens(work: KeptWork, judge: User | None = None) -> str:
    """What a conflict does to the work a judge has given an entry, told before it is confirmed: to the judge
    themselves, or (naming the `judge`) to the organiser recusing them."""
    if judge is None:
        who, has = "You", "You have"
        undo = "ask the awards team: they can restore it."
    else:
        who = judge.name or judge.email
        has = f"{who} has"
        undo = "you can restore it from the conflicts of interest page."
    after = f"{'you' if judge is None else who} will not see this entry again. If this is a mistake, {undo}"
    if not work.scores and not work.comment:
        return f"{has} not scored this entry. If you go on, {after}"
    kept = "It will be kept" if work.scores == 1 and not work.comment else "They will be kept"
    return f"{who} gave this entry {work}. {kept} but no longer counted, and {after}"


def record_conflict(actor: User, judge: User, nomination: Nomination, reason: str, kind: str) -> Conflict:
    """Record a conflict: the entry leaves the judge's lists and their scores of it stop counting (kept, not deleted).

    The scores and comment stay in the database so that restoring the conflict brings them back; every figure leaves
    out conflicted pairs, so while the conflict stands a conflicted judge's view does not count.
    """
    existing = db.session.scalar(
        select(Conflict).where(Conflict.judge_id == judge.id, Conflict.nomination_id == nomination.id)
    )
    if existing is not None:
        who = judge.name or judge.email
        raise DomainError(f"A conflict with {nomination.reference} is already recorded for {who}.")
    conflict = Conflict(
        judge_id=judge.id, nomination_id=nomination.id, reason=reason, kind=kind, recorded_by_id=actor.id,
        recorded_at=clock.now(),
    )
    db.session.add(conflict)
    db.session.flush()
    work = kept_work(judge.id, nomination.id)
    record_event(
        actor, f"conflict.{kind}", nomination, judge_id=judge.id, judge=judge.email, reason=reason,
        scores_kept=work.scores, comment_kept=work.comment,
    )
    return conflict


def declare_conflicts(judge: User, place: PanelMember, declared: dict[int, str]) -> list[Conflict]:
    """Record the judge's conflicts in a category, each with its reason; an empty first declaration means none.

    After the first declaration a judge may still add conflicts (only the awards team can take one back); that entry
    then disappears from their lists, and any scores they gave it are kept but no longer counted.
    """
    sits_on_panel.require(judge, place)
    if notice := paused_notice(place):
        raise DomainError(notice)
    category = place.category
    # A judge added after the shortlist for the final round declares against the finalists, so the rule is not theirs.
    if category.shortlisted_at is not None and place.role == PanelRole.FULL:
        raise DomainError(
            "The shortlist of this category has been chosen, so conflicts can no longer be declared here. "
            "Tell the awards team about the conflict instead."
        )
    first_time = place.conflicts_declared_at is None
    if not declared and not first_time:
        raise DomainError("Tick each entry you have a conflict with, and say why.")
    open_entries = {nomination.id: nomination for nomination in conflict_candidates(place)}
    reasons = {}
    for nomination_id, reason in declared.items():
        if nomination_id not in open_entries:
            raise NotFound("There is no such entry among your panels.")
        # A conflict already recorded hides the entry: declaring it again is asking about an entry they cannot see.
        (~is_conflicted).require(judge, open_entries[nomination_id])
        reasons[nomination_id] = clean_reason(reason, field=f"reason-{nomination_id}")
    conflicts = [
        record_conflict(judge, judge, open_entries[nomination_id], reason, "declared")
        for nomination_id, reason in reasons.items()
    ]
    if first_time:
        place.conflicts_declared_at = clock.now()
        record_event(judge, "conflicts.declared", place, category_id=category.id, conflicts=len(conflicts))
    return conflicts


def record_affiliations(judge: User, affiliations: str) -> None:
    """The organisations and groups a judge belongs to or works with, which the conflict suggestions draw on."""
    is_judge.require(judge)
    affiliations = (affiliations or "").strip()
    if len(affiliations) > AFFILIATIONS_MAX_LENGTH:
        raise DomainError(
            f"Your affiliations must be {AFFILIATIONS_MAX_LENGTH:,} characters or fewer", field="affiliations"
        )
    judge.affiliations = affiliations
    record_event(judge, "judge.affiliations_recorded", judge)


# --- Restoring a conflict declared by mistake ---------------------------------------------------------------------

RESTORE_REASON_MAX_LENGTH = 1000


@dataclass(frozen=True)
class ConflictRow:
    """One conflict of an edition as organisers list it: the conflict, the work kept, and why it cannot be restored."""

    conflict: Conflict
    kept: KeptWork
    refused_because: str | None


def restore_refused_because(conflict: Conflict) -> str | None:
    """Why this conflict can no longer be restored, in words for the organiser, or None when it can.

    A conflict recorded before the shortlist counts in the first round, which is frozen once the shortlist is chosen;
    one recorded after it touches the final round only, so it can be restored until the judge's final ranks are
    submitted or the result is recorded."""
    judge, nomination = conflict.judge, conflict.nomination
    category = nomination.category
    who = judge.name or judge.email
    final_round_only = category.shortlisted_at is not None and conflict.recorded_at > category.shortlisted_at
    if category.shortlisted_at is not None and not final_round_only:
        return (
            f"The shortlist of ‘{category.name}’ has been chosen without {who}'s scores of {nomination.reference}. "
            "Counting them now would change the figures the shortlist was chosen from, so the conflict stays."
        )
    place = db.session.scalar(
        select(PanelMember).where(PanelMember.judge_id == judge.id, PanelMember.category_id == category.id)
    )
    if place is None or place.status == PanelStatus.REMOVED:
        return f"{who} is no longer on the panel of ‘{category.name}’, so there is nothing to restore them to."
    if place.status == PanelStatus.PAUSED:
        return (
            f"{who} is paused on the panel of ‘{category.name}’, so their scores count nowhere for now. Resume them "
            "on the judges page first, then restore the conflict."
        )
    if final_round_only:
        return _final_round_restore_refused_because(place, nomination, who)
    if (pairs := assigned_pairs(category)) is not None and (judge.id, nomination.id) not in pairs:
        return (
            f"{who} is no longer assigned to {nomination.reference}: the assignment was run again while the conflict "
            "stood. Assign the judge to the entry by hand on the assignment page first, then restore the conflict."
        )
    if place.submitted_at is not None:
        return (
            f"{who} has submitted their scores in ‘{category.name}’, so they could not score {nomination.reference} "
            "again. Unlock their scores on the category's judging page first, then restore the conflict."
        )
    return None


def _final_round_restore_refused_because(place: PanelMember, nomination: Nomination, who: str) -> str | None:
    """Why a conflict recorded after the shortlist (it touches the final round only) cannot be restored, or None."""
    category = place.category
    if db.session.scalar(select(func.count(Award.id)).where(Award.category_id == category.id)):
        return (
            f"The result of ‘{category.name}’ has been recorded without {who}'s ranking of "
            f"{nomination.reference}, so the conflict stays."
        )
    if place.final_submitted_at is not None:
        return (
            f"{who} has submitted their final ranks in ‘{category.name}’, so they could not rank "
            f"{nomination.reference} now. Unlock their final ranks on the category's judging page first, then restore "
            "the conflict."
        )
    return None


def assigned_pairs(category: Category) -> set[tuple[int, int]] | None:
    """The category's (judge id, entry id) assignments, None without assignment (judging.assignment's, which imports
    this module: read here when needed)."""
    from awards_app.judging import assignment

    return assignment.assigned_pairs(category)


def edition_conflicts(edition: Edition) -> list[ConflictRow]:
    """Every conflict recorded in the edition, newest first, with the work kept and whether it can be restored."""
    conflicts = db.session.scalars(
        select(Conflict)
        .join(Nomination, Conflict.nomination_id == Nomination.id)
        .join(Category, Nomination.category_id == Category.id)
        .where(Category.edition_id == edition.id)
        .order_by(Conflict.recorded_at.desc(), Conflict.id.desc())
    )
    return [
        ConflictRow(conflict, kept_work(conflict.judge_id, conflict.nomination_id), restore_refused_because(conflict))
        for conflict in conflicts
    ]


def restore_conflict(actor: User, conflict: Conflict, reason: str) -> KeptWork:
    """Take back a conflict recorded by mistake: the judge sees the entry again and their kept scores count again."""
    is_organiser.require(actor)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("Say why the conflict is being restored", field="reason")
    if len(reason) > RESTORE_REASON_MAX_LENGTH:
        raise DomainError(f"The reason must be {RESTORE_REASON_MAX_LENGTH:,} characters or fewer", field="reason")
    refusal = restore_refused_because(conflict)
    if refusal:
        raise DomainError(refusal)
    judge, nomination = conflict.judge, conflict.nomination
    work = kept_work(judge.id, nomination.id)
    record_event(
        actor, "conflict.restored", nomination, judge_id=judge.id, judge=judge.email, kind=conflict.kind,
        declared_reason=conflict.reason, reason=reason, scores_counted_again=work.scores,
        comment_counted_again=work.comment,
    )
    db.session.delete(conflict)
    db.session.flush()
    return work
