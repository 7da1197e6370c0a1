"""The final round, judges' side: for a category without a public vote, each judge on its panel ranks its finalists.

A judge ranks only the finalists they are not conflicted on (and only with the full or final-round-only role), 1 being the best and each rank used once. Saving may
leave ranks blank; submitting needs every finalist ranked and locks the ranking (panel place's final_submitted_at).
The organisers' side combines the ranks by Borda count (judging/ranking.py).
"""
from __future__ import annotations

import re

from sqlalchemy import delete, exists, select
from sqlalchemy.dialects import postgresql, sqlite

from awards_app.accounts.models import User
from awards_app.ceremony.models import Award
from awards_app.core import clock
from awards_app.core.audit import record_event
from awards_app.core.errors import DomainError, NotFound
from awards_app.extensions import db
from awards_app.judging import judge_access
from awards_app.judging.models import Finalist, FinalRank, PanelMember
from awards_app.judging.scoring import LARGEST_ID, ScoresLocked, locked_place, reopen_submission
from awards_app.nominations.models import ConsentState
from awards_app.permissions import sits_on_panel

_WHOLE_NUMBER = re.compile(r"[0-9]{1,9}")


class InvalidRanks(DomainError):
    """Some ranks sent are not valid; `errors` maps each field name (rank-<finalist id>) to its message."""

    def __init__(self, errors: dict[str, str], summary: str | None = None):
        super().__init__(summary or "Nothing was saved: correct the ranks below and try again.")
        self.errors = errors


def field_name(finalist: Finalist | int) -> str:
    """The form field that holds a finalist's rank."""
    return f"rank-{finalist if isinstance(finalist, int) else finalist.id}"


def has_final_round(place: PanelMember) -> bool:
    """Whether the panel ranks finalists in this category: no public vote, and a shortlist has been chosen."""
    if place.category.has_public_vote:
        return False
    return bool(db.session.scalar(select(exists().where(Finalist.category_id == place.category_id))))


def finalists_for(judge: User, place: PanelMember) -> list[Finalist]:
    """The finalists this judge ranks, in shortlist order; NotFound for a category decided by public vote."""
    sits_on_panel.require(judge, place)
    if place.category.has_public_vote:
        raise NotFound("This category's winner is chosen by public vote, so there is no final round for judges.")
    if not place.ranks_finalists:
        raise NotFound("You have nothing to rank in this category this year.")
    if place.conflicts_declared_at is None:
        raise DomainError("Declare any conflicts of interest in this category before you see its finalists.")
    excluded = judge_access.conflicted_ids(judge, place.category)
    finalists = db.session.scalars(
        select(Finalist).where(Finalist.category_id == place.category_id).order_by(Finalist.position, Finalist.id)
    )
    # A nominee who declined after the shortlist leaves the final round (final_result leaves them out too).
    return [finalist for finalist in finalists if finalist.nomination_id not in excluded and not has_declined(finalist)]


def has_declined(finalist: Finalist) -> bool:
    """Whether the finalist's nominee declined to be considered after the shortlist (they leave the final round)."""
    return finalist.nomination.consent is ConsentState.DECLINED


def conflicted_finalists(judge: User, place: PanelMember) -> int:
    """How many finalists the judge does not rank because of a conflict."""
    excluded = judge_access.conflicted_ids(judge, place.category)
    finalist_ids = db.session.scalars(select(Finalist.nomination_id).where(Finalist.category_id == place.category_id))
    return sum(1 for nomination_id in finalist_ids if nomination_id in excluded)


def ranks_of(judge: User, finalists: list[Finalist]) -> dict[int, int]:
    """The judge's own stored ranks of these finalists, by finalist id."""
    if not finalists:
        return {}
    rows = db.session.execute(
        select(FinalRank.finalist_id, FinalRank.rank).where(
            FinalRank.judge_id == judge.id, FinalRank.finalist_id.in_([finalist.id for finalist in finalists])
        )
    )
    return {finalist_id: rank for finalist_id, rank in rows}


def is_locked(place: PanelMember) -> bool:
    """Whether the judge's final ranks can no longer change (submitted, decided, or the judge is paused)."""
    return place.final_submitted_at is not None or place.is_paused or _winners_decided(place)


def record_final_ranks(judge: User, place: PanelMember, ranks: dict[int, object]) -> dict[int, int]:
    """Save the judge's ranks ({finalist id: rank}; an empty rank clears it); return every stored rank.

    Everything is checked before anything is written: an unknown or conflicted finalist is NotFound, a rank that is
    not a whole number from 1 to the number of finalists, or one given twice, refuses the whole save.
    """
    place = _open_place(judge, place)
    finalists = finalists_for(judge, place)
    rankable = {finalist.id for finalist in finalists}
    for finalist_id in ranks:
        if not isinstance(finalist_id, int) or not 0 < finalist_id <= LARGEST_ID or finalist_id not in rankable:
            raise NotFound("There is no such finalist among those you rank.")
    count = len(finalists)
    parsed, errors = {}, {}
    for finalist_id, raw in ranks.items():
        try:
            parsed[finalist_id] = _parse_rank(raw, count)
        except DomainError as refusal:
            errors[field_name(finalist_id)] = refusal.message
    if errors:
        raise InvalidRanks(errors)
    resulting = {**ranks_of(judge, finalists), **parsed}
    _refuse_duplicates({finalist_id: rank for finalist_id, rank in resulting.items() if rank is not None}, parsed)
    for finalist_id, rank in parsed.items():
        _write_rank(judge, finalist_id, rank)
    db.session.flush()
    return {finalist_id: rank for finalist_id, rank in resulting.items() if rank is not None}


def submit_final_ranks(judge: User, place: PanelMember, ranks: dict[int, object] | None = None) -> PanelMember:
    """Save any ranks sent with the submission, then lock the ranking once each finalist has a different rank."""
    if ranks:
        record_final_ranks(judge, place, ranks)
    place = _open_place(judge, place, read=False)
    finalists = finalists_for(judge, place)
    if not finalists:
        raise DomainError("There are no finalists for you to rank in this category.")
    stored = ranks_of(judge, finalists)
    missing = [finalist for finalist in finalists if finalist.id not in stored]
    if missing:
        raise InvalidRanks(
            {field_name(finalist): "Choose a rank for this finalist" for finalist in missing},
            summary="Give every finalist a rank before you submit.",
        )
    # Ranks are checked when saved, but the shortlist may have changed since: check the whole set again.
    if sorted(stored.values()) != list(range(1, len(finalists) + 1)):
        raise DomainError(
            f"Give each finalist a different rank from 1 to {len(finalists)} before you submit, then submit again."
        )
    place.final_submitted_at = clock.now()
    db.session.flush()
    record_event(
        judge, "final_ranks.submitted", place, category_id=place.category_id,
        ranks={str(finalist_id): rank for finalist_id, rank in stored.items()},
    )
    return place


def unlock_final_ranks(actor: User, place: PanelMember) -> PanelMember:
    """An organiser reopens a judge's submitted final ranking so that they can change it."""
    place, _ = reopen_submission(
        actor, place, "final_submitted_at",
        "This judge has not submitted a final ranking in this category, so there is nothing to unlock.",
    )
    record_event(actor, "final_ranks.unlocked", place, judge_id=place.judge_id, category_id=place.category_id)
    return place


# --- Helpers -----------------------------------------------------------------------------------------------------


def _parse_rank(raw, count: int) -> int | None:
    """A rank from 1 to `count`, or None for an empty value."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    text = "" if isinstance(raw, bool) else str(raw).strip()  # True is an int to Python, but not a rank
    if not _WHOLE_NUMBER.fullmatch(text) or not 1 <= int(text) <= count:
        raise DomainError(f"Choose a rank from 1 to {count}")
    return int(text)


def _refuse_duplicates(resulting: dict[int, int], sent: dict[int, int | None]) -> None:
    """Refuse a ranking that gives one rank to more than one finalist, naming the fields sent with that rank."""
    holders: dict[int, list[int]] = {}
    for finalist_id, rank in resulting.items():
        holders.setdefault(rank, []).append(finalist_id)
    errors = {}
    for rank, finalist_ids in holders.items():
        if len(finalist_ids) > 1:
            for finalist_id in finalist_ids:
                if finalist_id in sent:
                    errors[field_name(finalist_id)] = (
                        f"Rank {rank} is given to more than one finalist: use each rank once"
                    )
    if errors:
        raise InvalidRanks(errors)


def _write_rank(judge: User, finalist_id: int, rank: int | None) -> None:
    """Upsert one rank on its unique key (judge, finalist), or delete it for None."""
    if rank is None:
        db.session.execute(
            delete(FinalRank).where(FinalRank.judge_id == judge.id, FinalRank.finalist_id == finalist_id)
        )
        return
    insert = postgresql.insert if db.session.get_bind().dialect.name == "postgresql" else sqlite.insert
    statement = insert(FinalRank).values(judge_id=judge.id, finalist_id=finalist_id, rank=rank, updated_at=clock.now())
    statement = statement.on_conflict_do_update(
        index_elements=[FinalRank.judge_id, FinalRank.finalist_id],
        set_={"rank": statement.excluded.rank, "updated_at": statement.excluded.updated_at},
    )
    db.session.execute(statement)


def _open_place(judge: User, place: PanelMember, read: bool = True) -> PanelMember:
    """The judge's own panel place, re-read under a lock, refused when their ranking can no longer change."""
    sits_on_panel.require(judge, place)
    place = locked_place(place, read=read)
    if place.final_submitted_at is not None:
        raise ScoresLocked(
            "You have submitted your final ranking for this category, so it can no longer be changed. "
            "If you need to change it, ask the awards team to unlock it."
        )
    if notice := judge_access.paused_notice(place):
        raise ScoresLocked(notice)
    if _winners_decided(place):
        raise ScoresLocked("The winners of this category have been decided, so the ranking can no longer be changed.")
    return place


def _winners_decided(place: PanelMember) -> bool:
    """Whether an organiser has confirmed this category's awards."""
    return bool(db.session.scalar(select(exists().where(Award.category_id == place.category_id))))
