"""The organisers' side of the final round, for categories without a public vote: the Borda count and the result.

The panel's judges rank the finalists (judging/final_round.py, the judges' side); only the ranks of judges who
submitted them and are on the final round's panel now (progress.final_round_panel_of: paused and removed judges' ranks
are kept but left out) count, and never a rank of a finalist the judge is conflicted on. judging.ranking.borda_count
combines them. The organiser then records the winner and any highly commended finalists: following the Borda order
needs no reason; a different choice, a tie the choice settles, or recording before every judge has submitted does.

The result is sealed: Award rows are read only by the organisers' area (no public or judges' page reads them) until
the ceremony reveals the category, which belongs to the ceremony issue.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from awards_app.accounts.models import User
from awards_app.ceremony import award_records
from awards_app.ceremony.models import Award, Place
from awards_app.core.audit import latest_event, record_event
from awards_app.core.errors import DomainError
from awards_app.core.models import AuditEvent
from awards_app.extensions import db
from awards_app.judging.final_round import has_declined
from awards_app.judging.models import Conflict, Finalist, FinalRank, PanelMember
from awards_app.judging.progress import final_round_panel_of
from awards_app.judging.ranking import BordaResult, SettledOrder, borda_count, settle_ties
from awards_app.judging.shortlist import category_rankings, finalists_of
from awards_app.permissions import is_organiser
from awards_app.programme.models import Category

RESULT_ACTION = "final_result.recorded"


@dataclass
class FinalRound:
    """A category's final round as the organisers see it: finalists, the Borda count, who has ranked, the result."""

    category: Category
    finalists: list[Finalist]  # in shortlist order, leaving out those whose nominee has since declined
    result: BordaResult
    panel: list[PanelMember]  # the judges who rank the finalists and count (active, full or final round only)
    submitted: list[PanelMember]  # judges whose final ranks are submitted (only theirs count)
    awards: list[Award]
    decision: AuditEvent | None  # the audit event of the recorded result, with its reason
    settled: SettledOrder  # the Borda order with ties settled by the edition's rule where it can
    declined: list[Finalist]  # finalists whose nominee declined after the shortlist: not ranked, not a winner

    @property
    def applies(self) -> bool:
        """Whether the panel decides this category (no public vote) and there is a shortlist to decide between."""
        return not self.category.has_public_vote and bool(self.finalists)

    def finalist(self, finalist_id: int) -> Finalist:
        """The finalist with this id (a declined one too: a result recorded before they declined names them)."""
        return next(finalist for finalist in self.finalists + self.declined if finalist.id == finalist_id)

    def place_of(self, finalist_id: int) -> Place | None:
        """The recorded place of a finalist, if any."""
        return next((award.place for award in self.awards if award.finalist_id == finalist_id), None)


def final_round(category: Category) -> FinalRound:
    """The category's final round: the Borda count of the submitted ranks, conflicts and declined finalists left out."""
    shortlisted = finalists_of(category)
    declined = [finalist for finalist in shortlisted if has_declined(finalist)]
    finalists = [finalist for finalist in shortlisted if finalist not in declined]
    panel = final_round_panel_of(category)
    submitted = [member for member in panel if member.final_submitted_at is not None]
    finalist_ids = [finalist.id for finalist in finalists]
    nomination_of = {finalist.id: finalist.nomination_id for finalist in finalists}
    conflicted = set(
        db.session.execute(
            select(Conflict.judge_id, Conflict.nomination_id).where(
                Conflict.nomination_id.in_(list(nomination_of.values()))
            )
        ).all()
    )
    ballots: dict[int, dict[int, int]] = {member.judge_id: {} for member in submitted}
    for rank in db.session.scalars(
        select(FinalRank).where(
            FinalRank.finalist_id.in_(finalist_ids), FinalRank.judge_id.in_(list(ballots))
        )
    ):
        if (rank.judge_id, nomination_of[rank.finalist_id]) not in conflicted:
            ballots[rank.judge_id][rank.finalist_id] = rank.rank
    result = borda_count(ballots, {finalist.id: finalist.display_name for finalist in finalists})
    awards = list(db.session.scalars(select(Award).where(Award.category_id == category.id).order_by(Award.id)))
    decision = latest_event(RESULT_ACTION, category)
    averages = {line.finalist_id: line.average for line in result.lines}
    settled = settle_ties(averages, first_round_results(category, finalists), category.edition.tie_break)
    return FinalRound(category, finalists, result, panel, submitted, awards, decision, settled, declined)


def _names(finalists: list[Finalist]) -> str:
    """'Morag Reid', 'Morag Reid and Hamish Dunn'."""
    names = [finalist.display_name for finalist in finalists]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def first_round_results(category: Category, finalists: list[Finalist]) -> dict[int, float | None]:
    """Each finalist's first-round result under the method the shortlist followed (the tie-break's measure)."""
    rankings = category_rankings(category).rankings
    method = category.shortlist_method or "weighted"
    known = {entry.entry_id: entry.value(method) for entry in rankings.entries}
    return {finalist.id: known.get(finalist.nomination_id) for finalist in finalists}


def reasons_needed(view: FinalRound, winner_id: int, highly_commended_ids: list[int]) -> list[str]:
    """Why a reason must be recorded for this choice (empty when it follows a complete Borda order, ties settled)."""
    why = award_records.departures(view.settled, winner_id, highly_commended_ids, "the Borda count")
    if len(view.submitted) < len(view.panel):
        why.append(f"only {len(view.submitted)} of the {len(view.panel)} judges have submitted their final ranks")
    return why


def record_winners(
    actor: User, category: Category, winner_id: int, highly_commended_ids: list[int], reason: str = ""
) -> list[Award]:
    """Record the category's winner and highly commended finalists, sealed until the ceremony; audited."""
    is_organiser.require(actor)
    if category.has_public_vote:
        raise DomainError("The public vote decides this category: its result is recorded with the vote.")
    award_records.require_unsealed(category)
    view = final_round(category)
    if not view.finalists and not view.declined:
        raise DomainError("Choose the shortlist before recording the result.")
    if refused := [finalist for finalist in view.declined if finalist.id in {winner_id, *highly_commended_ids}]:
        raise DomainError(
            f"{_names(refused)} declined to be considered after the shortlist, so cannot be recorded as winner "
            "or highly commended. Choose among the other finalists.",
            field="winner",
        )
    if not view.submitted:
        raise DomainError(
            f"No judge has submitted their final ranks yet (0 of {len(view.panel)}). "
            "You can record the result once the panel's final ranks are in.",
            field="winner",
        )
    highly_commended = award_records.checked_choice(
        [finalist.id for finalist in view.finalists], winner_id, highly_commended_ids,
        lambda finalist_id: view.finalist(finalist_id).display_name,
    )
    why = reasons_needed(view, winner_id, highly_commended)
    reason = award_records.checked_reason(reason, why)
    awards, previous = award_records.replace_awards(actor, category, winner_id, highly_commended)
    record_event(
        actor, RESULT_ACTION, category,
        winner=winner_id,
        winner_name=view.finalist(winner_id).display_name,
        highly_commended=highly_commended,
        reason=reason,
        reason_needed_because=why,
        borda=[{"finalist": line.finalist_id, "average": line.average, "judges": line.judges}
               for line in view.result.lines],
        tie_break=category.edition.tie_break,
        judges_submitted=len(view.submitted),
        panel=len(view.panel),
        replaced=previous,
    )
    db.session.flush()
    return awards
