"""Each category's result from its own method, ties settled by the edition's rule, and the confirmation that seals it.

A category without a public vote is decided by the judges' final round (judging/final_result.py: the Borda count);
a category with one by its contest's valid votes (voting/tally.py: voided votes never count). Either way the
organisers see the finalists in order, any ties with the edition's tie-break rule and how it settles them, and the
result they recorded. Confirming the result seals it: from then on nothing changes it, and only a confirmed category
can be revealed at the ceremony (ceremony/reveals.py).
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import case, func, select

from awards_app.accounts.models import User
from awards_app.ceremony import award_records
from awards_app.ceremony.models import Award, Place, Reveal
from awards_app.core import clock
from awards_app.core.audit import record_event
from awards_app.core.errors import DomainError
from awards_app.extensions import db
from awards_app.judging.final_result import final_round, first_round_results
from awards_app.judging.models import Finalist
from awards_app.judging.ranking import TIE_BREAK_LABELS, TIE_BREAKS, SettledOrder, settle_ties
from awards_app.permissions import is_organiser
from awards_app.programme.models import Category, Edition
from awards_app.voting.contests import contest_of
from awards_app.voting.tally import count_votes
from awards_app.web.template_helpers import format_datetime

VOTE_RESULT_ACTION = "vote_result.recorded"


@dataclass(frozen=True)
class StandingLine:
    """One finalist's result under the category's method, in words and as the number that orders it."""

    finalist: Finalist
    name: str
    value: float | None  # higher is better; None when the method gave no result
    result: str  # e.g. "212 votes (46%)" or "Borda average 1.50 from 3 judges"


@dataclass
class Standing:
    """A category's finalists best first (ties settled by the rule where it can), with what was recorded."""

    category: Category
    method: str  # "public_vote" or "final_round"
    lines: list[StandingLine]  # in the settled order
    settled: SettledOrder
    complete: bool  # the vote has closed, or every judge on the panel has submitted their final ranks
    waiting_for: str  # what is missing while not complete
    awards: list[Award]
    reveal: Reveal | None

    @property
    def method_label(self) -> str:
        """How the category is decided, in words."""
        return "Public vote" if self.method == "public_vote" else "Judges' final round (Borda count)"

    @property
    def rule_label(self) -> str:
        """The edition's tie-break rule in words."""
        return TIE_BREAK_LABELS.get(self.category.edition.tie_break, TIE_BREAK_LABELS["organisers"])

    @property
    def recorded(self) -> bool:
        """Whether a winner has been recorded."""
        return any(award.place is Place.WINNER for award in self.awards)

    @property
    def confirmed(self) -> bool:
        """Whether the result is confirmed and so sealed."""
        return self.reveal is not None and self.reveal.confirmed_at is not None

    @property
    def revealed(self) -> bool:
        """Whether the result has been revealed at the ceremony."""
        return self.reveal is not None and self.reveal.revealed_at is not None

    def name_of(self, finalist_id: int) -> str:
        """A finalist's public name."""
        return next(line.name for line in self.lines if line.finalist.id == finalist_id)

    def place_of(self, finalist_id: int) -> Place | None:
        """The recorded place of a finalist, if any."""
        return next((award.place for award in self.awards if award.finalist_id == finalist_id), None)

    def names_with(self, place: Place) -> list[str]:
        """The names recorded with a place, in the standing's order."""
        return [line.name for line in self.lines if self.place_of(line.finalist.id) is place]

    def tie_notes(self) -> list[str]:
        """Each tie in words, with whether the rule settled it."""
        notes = []
        for group in self.settled.ties:
            names = _and_list([self.name_of(finalist_id) for finalist_id in group.finalist_ids])
            if group.settled:
                notes.append(f"{names} are tied; the tie-break rule puts them in that order.")
            else:
                notes.append(f"{names} are tied and the tie-break rule does not settle it: you decide, with a reason.")
        return notes


def _and_list(names: list[str]) -> str:
    """'A', 'A and B', 'A, B and C'."""
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def standing(category: Category) -> Standing:
    """The category's result so far under its method, for the organisers."""
    awards = list(db.session.scalars(select(Award).where(Award.category_id == category.id).order_by(Award.id)))
    reveal = award_records.reveal_of(category)
    if category.has_public_vote:
        return _vote_standing(category, awards, reveal)
    round_ = final_round(category)
    lines = {
        line.finalist_id: StandingLine(
            finalist=round_.finalist(line.finalist_id),
            name=round_.finalist(line.finalist_id).display_name,
            value=line.average,
            result=(f"Borda average {line.average:.2f} from {line.judges} judge{'' if line.judges == 1 else 's'}"
                    if line.average is not None else "Not ranked by any judge who submitted"),
        )
        for line in round_.result.lines
    }
    missing = len(round_.panel) - len(round_.submitted)
    return Standing(
        category=category,
        method="final_round",
        lines=[lines[finalist_id] for finalist_id in round_.settled.order],
        settled=round_.settled,
        complete=bool(round_.panel) and missing == 0,
        waiting_for=f"{missing} of {len(round_.panel)} judges have not submitted their final ranks" if missing else "",
        awards=awards,
        reveal=reveal,
    )


def _vote_standing(category: Category, awards: list[Award], reveal: Reveal | None) -> Standing:
    """A public vote's standing: valid votes per finalist, ties settled by the rule."""
    contest = contest_of(category)
    tally_lines = count_votes(contest).lines if contest is not None else []
    finalists = [line.finalist for line in tally_lines]
    values = {line.finalist.id: float(line.votes) for line in tally_lines}
    settled = settle_ties(values, first_round_results(category, finalists), category.edition.tie_break)
    by_id = {
        line.finalist.id: StandingLine(
            finalist=line.finalist, name=line.name, value=float(line.votes),
            result=f"{line.votes:,} vote{'' if line.votes == 1 else 's'} ({line.share:.0%})",
        )
        for line in tally_lines
    }
    if contest is None:
        waiting = "there is no public vote set up for this category"
    elif clock.now() < contest.closes_at:
        waiting = f"the public vote closes at {format_datetime(contest.closes_at, category.edition.timezone)}"
    else:
        waiting = ""
    return Standing(
        category=category,
        method="public_vote",
        lines=[by_id[finalist_id] for finalist_id in settled.order],
        settled=settled,
        complete=not waiting,
        waiting_for=waiting,
        awards=awards,
        reveal=reveal,
    )


def edition_standings(edition: Edition) -> list[Standing]:
    """Every category's standing, in the edition's category order."""
    return [standing(category) for category in edition.categories]


# --- Recording a public vote's result -------------------------------------------------------------------------------


def record_vote_result(
    actor: User, category: Category, winner_id: int, highly_commended_ids: list[int], reason: str = ""
) -> list[Award]:
    """Record the winner and highly commended finalists of a public vote, once it has closed; audited."""
    is_organiser.require(actor)
    if not category.has_public_vote:
        raise DomainError("The judges' final round decides this category: record its result from the judging page.")
    award_records.require_unsealed(category)
    view = standing(category)
    if not view.complete:
        raise DomainError(f"You can record the result once {view.waiting_for}.", field="winner")
    highly_commended = award_records.checked_choice(
        [line.finalist.id for line in view.lines], winner_id, highly_commended_ids, view.name_of
    )
    why = award_records.departures(view.settled, winner_id, highly_commended, "the public vote")
    reason = award_records.checked_reason(reason, why)
    awards, previous = award_records.replace_awards(actor, category, winner_id, highly_commended)
    record_event(
        actor, VOTE_RESULT_ACTION, category,
        winner=winner_id,
        winner_name=view.name_of(winner_id),
        highly_commended=highly_commended,
        reason=reason,
        reason_needed_because=why,
        votes=[{"finalist": line.finalist.id, "votes": line.value} for line in view.lines],
        tie_break=category.edition.tie_break,
        replaced=previous,
    )
    db.session.flush()
    return awards


# --- Confirming (sealing) -------------------------------------------------------------------------------------------


def ceremony_row(category: Category) -> Reveal:
    """The category's ceremony row, added at the end of the running order if it has none yet."""
    reveal = award_records.reveal_of(category)
    if reveal is None:
        last = db.session.scalar(
            select(Reveal.running_order)
            .join(Category, Reveal.category_id == Category.id)
            .where(Category.edition_id == category.edition_id)
            .order_by(Reveal.running_order.desc())
            .limit(1)
        )
        reveal = Reveal(category_id=category.id, running_order=(last or 0) + 1)
        db.session.add(reveal)
        db.session.flush()
    return reveal


def confirm_result(actor: User, category: Category) -> Reveal:
    """Confirm the recorded result: it is sealed from now on and can be revealed at the ceremony; audited."""
    is_organiser.require(actor)
    award_records.require_unsealed(category)
    view = standing(category)
    if not view.recorded:
        raise DomainError(f"Record the result of {category.name} before confirming it.")
    reveal = ceremony_row(category)
    reveal.confirmed_at = clock.now()
    reveal.confirmed_by_id = actor.id
    record_event(
        actor, "result.confirmed", category,
        winners=view.names_with(Place.WINNER),
        highly_commended=view.names_with(Place.HIGHLY_COMMENDED),
    )
    db.session.flush()
    return reveal


def set_tie_break(actor: User, edition: Edition, rule: str) -> None:
    """Choose how ties are settled; refused once any of the edition's results is confirmed."""
    is_organiser.require(actor)
    if rule not in TIE_BREAKS:
        raise DomainError("Choose a tie-break rule from the list", field="tie_break")
    if rule == edition.tie_break:
        return
    confirmed = db.session.scalar(
        select(Reveal.id)
        .join(Category, Reveal.category_id == Category.id)
        .where(Category.edition_id == edition.id, Reveal.confirmed_at.is_not(None))
        .limit(1)
    )
    if confirmed is not None:
        raise DomainError("Results of this edition are already confirmed, so the tie-break rule can no longer change.",
                          field="tie_break")
    record_event(actor, "edition.tie_break_changed", edition, before=edition.tie_break, after=rule)
    edition.tie_break = rule
    db.session.flush()


@dataclass(frozen=True)
class ResultCounts:
    """How far an edition's results have got, category by category, counted in the database."""

    categories: int
    recorded: int  # a winner is recorded
    confirmed: int  # the result is confirmed, so sealed and ready to reveal
    revealed: int

    @property
    def not_recorded(self) -> int:
        """Categories with no winner recorded yet."""
        return self.categories - self.recorded

    @property
    def not_confirmed(self) -> int:
        """Categories whose result is not confirmed yet (recorded or not)."""
        return self.categories - self.confirmed


def result_counts(edition: Edition) -> ResultCounts:
    """Count the edition's categories with a winner recorded, a confirmed result, and a reveal."""
    has_winner = select(Award.id).where(Award.category_id == Category.id, Award.place == Place.WINNER).exists()
    categories, recorded, confirmed, revealed = db.session.execute(
        select(
            func.count(Category.id),
            func.coalesce(func.sum(case((has_winner, 1), else_=0)), 0),
            func.count(Reveal.confirmed_at),
            func.count(Reveal.revealed_at),
        )
        .outerjoin(Reveal, Reveal.category_id == Category.id)
        .where(Category.edition_id == edition.id)
    ).one()
    return ResultCounts(categories, int(recorded), confirmed, revealed)
