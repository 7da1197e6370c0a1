"""The organisers' side of the final round, for categories without a public vote: the Borda count and the result.

The panel's judges rank the finalists (services/final_round.py, the judges' side); only the ranks of judges who
submitted them count, and never a rank of a finalist the judge is conflicted on. services.ranking.borda_count
combines them. The organiser then records the winner and any highly commended finalists: following the Borda order
needs no reason; a different choice, a tie the choice settles, or recording before every judge has submitted does.

The result is sealed: Award rows are read only by the organisers' area (no public or judges' page reads them) until
the ceremony reveals the category, which belongs to the ceremony issue.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, select

from awards_app.extensions import db
from awards_app.models import (
    AuditEvent, Award, Category, Conflict, FinalRank, Finalist, PanelMember, Place, Reveal, User,
)
from awards_app.services import clock
from awards_app.services.audit import record_event
from awards_app.services.errors import DomainError, NotAllowed
from awards_app.services.judging_progress import panel_of
from awards_app.services.ranking import BordaResult, borda_count, borda_places
from awards_app.services.shortlist import finalists_of

REASON_MAX_LENGTH = 1000
RESULT_ACTION = "final_result.recorded"
PLACE_LABELS = {Place.WINNER: "Winner", Place.HIGHLY_COMMENDED: "Highly commended"}


@dataclass
class FinalRound:
    """A category's final round as the organisers see it: finalists, the Borda count, who has ranked, the result."""

    category: Category
    finalists: list[Finalist]  # in shortlist order
    result: BordaResult
    panel: list[PanelMember]
    submitted: list[PanelMember]  # judges whose final ranks are submitted (only theirs count)
    awards: list[Award]
    decision: AuditEvent | None  # the audit event of the recorded result, with its reason

    @property
    def applies(self) -> bool:
        """Whether the panel decides this category (no public vote) and there is a shortlist to decide between."""
        return not self.category.has_public_vote and bool(self.finalists)

    def finalist(self, finalist_id: int) -> Finalist:
        """The finalist with this id."""
        return next(finalist for finalist in self.finalists if finalist.id == finalist_id)

    def place_of(self, finalist_id: int) -> Place | None:
        """The recorded place of a finalist, if any."""
        return next((award.place for award in self.awards if award.finalist_id == finalist_id), None)


def _name(finalist: Finalist) -> str:
    """How the organisers' pages name a finalist."""
    return finalist.public_name or finalist.nomination.nominee_name


def final_round(category: Category) -> FinalRound:
    """The category's final round: the Borda count of the submitted ranks, conflicts left out."""
    finalists = finalists_of(category)
    panel = panel_of(category)
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
    result = borda_count(ballots, {finalist.id: _name(finalist) for finalist in finalists})
    awards = list(db.session.scalars(select(Award).where(Award.category_id == category.id).order_by(Award.id)))
    decision = db.session.scalar(
        select(AuditEvent)
        .where(
            AuditEvent.action == RESULT_ACTION,
            AuditEvent.subject_type == Category.__tablename__,
            AuditEvent.subject_id == category.id,
        )
        .order_by(AuditEvent.id.desc())
        .limit(1)
    )
    return FinalRound(category, finalists, result, panel, submitted, awards, decision)


def reasons_needed(view: FinalRound, winner_id: int, highly_commended_ids: list[int]) -> list[str]:
    """Why a reason must be recorded for this choice (empty when it follows a complete, untied Borda count)."""
    expected = borda_places(view.result, len(highly_commended_ids))
    chosen = {finalist.id: "" for finalist in view.finalists}
    chosen.update({finalist_id: "highly_commended" for finalist_id in highly_commended_ids})
    chosen[winner_id] = "winner"
    why = []
    if any(chosen[finalist_id] != expected.get(finalist_id, "") for finalist_id in chosen):
        why.append("your choice differs from the order of the Borda count")
    elif any(
        view.result.tied(first, second) and chosen[first] != chosen[second]
        for first in chosen for second in chosen if first != second
    ):
        why.append("the Borda count has a tie that your choice settles")
    if len(view.submitted) < len(view.panel):
        why.append(f"only {len(view.submitted)} of the {len(view.panel)} judges have submitted their final ranks")
    return why


def record_winners(
    actor: User, category: Category, winner_id: int, highly_commended_ids: list[int], reason: str = ""
) -> list[Award]:
    """Record the category's winner and highly commended finalists, sealed until the ceremony; audited."""
    if actor is None or not actor.is_organiser:
        raise NotAllowed("Only organisers can record the result.")
    if category.has_public_vote:
        raise DomainError("The public vote decides this category: its result is recorded with the vote.")
    revealed = db.session.scalar(
        select(Reveal.revealed_at).where(Reveal.category_id == category.id, Reveal.revealed_at.is_not(None))
    )
    if revealed is not None:
        raise DomainError("This category's result has been revealed at the ceremony, so it can no longer change.")
    view = final_round(category)
    if not view.finalists:
        raise DomainError("Choose the shortlist before recording the result.")
    if not view.submitted:
        raise DomainError(
            f"No judge has submitted their final ranks yet (0 of {len(view.panel)}). "
            "You can record the result once the panel's final ranks are in.",
            field="winner",
        )
    finalist_ids = {finalist.id for finalist in view.finalists}
    if winner_id not in finalist_ids:
        raise DomainError("Select the winner from the finalists", field="winner")
    highly_commended = list(dict.fromkeys(int(finalist_id) for finalist_id in highly_commended_ids))
    if any(finalist_id not in finalist_ids for finalist_id in highly_commended):
        raise DomainError("Choose highly commended entries from the finalists", field="highly_commended")
    if winner_id in highly_commended:
        raise DomainError(
            f"{_name(view.finalist(winner_id))} cannot be both the winner and highly commended",
            field="highly_commended",
        )
    reason = (reason or "").strip()
    if len(reason) > REASON_MAX_LENGTH:
        raise DomainError("The reason must be 1,000 characters or fewer", field="reason")
    why = reasons_needed(view, winner_id, highly_commended)
    if why and not reason:
        raise DomainError(f"Give a reason: {' and '.join(why)}", field="reason")

    previous = [(award.finalist_id, award.place.value) for award in view.awards]
    db.session.execute(delete(Award).where(Award.category_id == category.id))
    now = clock.now()
    awards = [Award(category_id=category.id, finalist_id=winner_id, place=Place.WINNER, confirmed_at=now,
                    confirmed_by_id=actor.id)]
    awards += [
        Award(category_id=category.id, finalist_id=finalist_id, place=Place.HIGHLY_COMMENDED, confirmed_at=now,
              confirmed_by_id=actor.id)
        for finalist_id in highly_commended
    ]
    db.session.add_all(awards)
    record_event(
        actor, RESULT_ACTION, category,
        winner=winner_id,
        winner_name=_name(view.finalist(winner_id)),
        highly_commended=highly_commended,
        reason=reason,
        reason_needed_because=why,
        borda=[{"finalist": line.finalist_id, "average": line.average, "judges": line.judges}
               for line in view.result.lines],
        judges_submitted=len(view.submitted),
        panel=len(view.panel),
        replaced=previous,
    )
    db.session.flush()
    return awards
