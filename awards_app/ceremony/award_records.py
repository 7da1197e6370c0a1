"""Recording a category's winner and highly commended finalists: the checks and the writing both methods share.

The judges' final round (judging/final_result.py) and the public vote (ceremony/winners.py) each order their
finalists their own way; from there the rules are the same. The choice must come from the finalists; following the
order needs no reason, while departing from it, settling a tie the edition's rule left open, or recording before the
method is complete does. Recording again replaces the result until the organisers confirm it: a confirmed result is
sealed and nothing changes it.
"""
from __future__ import annotations

from sqlalchemy import delete, select

from awards_app.accounts.models import User
from awards_app.ceremony.models import Award, Place, Reveal
from awards_app.core import clock
from awards_app.core.errors import DomainError
from awards_app.extensions import db
from awards_app.judging.ranking import SettledOrder
from awards_app.programme.models import Category

REASON_MAX_LENGTH = 1000
PLACE_LABELS = {Place.WINNER: "Winner", Place.HIGHLY_COMMENDED: "Highly commended"}


def reveal_of(category: Category) -> Reveal | None:
    """The category's ceremony row (running order, confirmation, reveal), if it has one yet."""
    return db.session.scalar(select(Reveal).where(Reveal.category_id == category.id))


def is_sealed(category: Category) -> bool:
    """Whether the result is confirmed (sealed) or revealed: nothing may change it."""
    reveal = reveal_of(category)
    return reveal is not None and (reveal.confirmed_at is not None or reveal.revealed_at is not None)


def require_unsealed(category: Category) -> None:
    """Refuse once the result is confirmed (sealed) or revealed."""
    reveal = reveal_of(category)
    if reveal is not None and reveal.revealed_at is not None:
        raise DomainError("This category's result has been revealed at the ceremony, so it can no longer change.")
    if reveal is not None and reveal.confirmed_at is not None:
        raise DomainError("This category's result is confirmed and sealed, so it can no longer change.")


def checked_choice(finalist_ids: list[int], winner_id: int, highly_commended_ids, name_of) -> list[int]:
    """The highly commended ids without repeats, once the winner and they are all finalists (DomainError if not)."""
    if winner_id not in finalist_ids:
        raise DomainError("Select the winner from the finalists", field="winner")
    highly_commended = list(dict.fromkeys(int(finalist_id) for finalist_id in highly_commended_ids))
    if any(finalist_id not in finalist_ids for finalist_id in highly_commended):
        raise DomainError("Choose highly commended entries from the finalists", field="highly_commended")
    if winner_id in highly_commended:
        raise DomainError(
            f"{name_of(winner_id)} cannot be both the winner and highly commended", field="highly_commended"
        )
    return highly_commended


def departures(settled: SettledOrder, winner_id: int, highly_commended: list[int], order_words: str) -> list[str]:
    """Why the choice needs a reason against the settled order: it differs from it, or settles an open tie."""
    expected = settled.places(len(highly_commended))
    chosen = {finalist_id: "" for finalist_id in settled.order}
    chosen.update({finalist_id: "highly_commended" for finalist_id in highly_commended})
    chosen[winner_id] = "winner"
    if any(chosen[finalist_id] != expected.get(finalist_id, "") for finalist_id in chosen):
        return [f"your choice differs from the order of {order_words}"]
    if any(
        settled.open_tie(first, second) and chosen[first] != chosen[second]
        for first in chosen for second in chosen if first != second
    ):
        return [f"{order_words} has a tie that your choice settles"]
    return []


def checked_reason(reason: str | None, why: list[str]) -> str:
    """The reason, trimmed; required when `why` lists anything (DomainError on the "reason" field)."""
    reason = (reason or "").strip()
    if len(reason) > REASON_MAX_LENGTH:
        raise DomainError("The reason must be 1,000 characters or fewer", field="reason")
    if why and not reason:
        raise DomainError(f"Give a reason: {' and '.join(why)}", field="reason")
    return reason


def replace_awards(
    actor: User, category: Category, winner_id: int, highly_commended: list[int]
) -> tuple[list[Award], list[tuple[int, str]]]:
    """Store the new result in place of any earlier one: (the new awards, the earlier (finalist, place) pairs)."""
    previous = [
        (award.finalist_id, award.place.value)
        for award in db.session.scalars(select(Award).where(Award.category_id == category.id).order_by(Award.id))
    ]
    db.session.execute(delete(Award).where(Award.category_id == category.id))
    now = clock.now()
    places = [(winner_id, Place.WINNER)] + [(finalist_id, Place.HIGHLY_COMMENDED) for finalist_id in highly_commended]
    awards = [
        Award(category_id=category.id, finalist_id=finalist_id, place=place, confirmed_at=now,
              confirmed_by_id=actor.id)
        for finalist_id, place in places
    ]
    db.session.add_all(awards)
    return awards, previous
