"""What a judge may see: the categories of their panels, and there only the eligible entries they are not conflicted on.

An entry whose nominee declined consent is out of judging altogether: no judge sees it and no figure counts it (the
nominee was told "the nomination will not go forward"). A judge removed from a panel no longer sees its category; a
paused judge sees it read-only. A judge added after the shortlist (role final_only or none) scores no entries.

Every judging route goes through these functions, so that no URL or parameter can reach another panel's entries,
an entry the judge is conflicted on, or anyone else's scores. The rules themselves (sits_on_panel, is_conflicted)
are in permissions.py; this module finds the places and entries they are asked about. One entry is found with the
judge's place and the answers about conflicts and assignment in a single query (their SQL forms,
permissions.conflict_recorded and assignment.assignment_allows), because every autosave asks.
"""
from __future__ import annotations

from sqlalchemy import Row, and_, select
from sqlalchemy.orm import contains_eager

from awards_app.accounts.models import User
from awards_app.core.errors import DomainError, NotFound
from awards_app.extensions import db
from awards_app.judging.models import Conflict, Finalist, PanelMember, PanelRole, PanelStatus
from awards_app.nominations.models import ConsentState, Nomination, NominationStatus
from awards_app.permissions import conflict_recorded, is_conflicted, sits_on_panel
from awards_app.programme.models import Category


def panels_of(judge: User) -> list[PanelMember]:
    """The judge's panel places, in the categories' display order (not those they were removed from)."""
    return list(
        db.session.scalars(
            select(PanelMember)
            .join(Category, PanelMember.category_id == Category.id)
            .where(PanelMember.judge_id == judge.id, PanelMember.status != PanelStatus.REMOVED)
            .order_by(Category.edition_id.desc(), Category.display_order, Category.id)
        )
    )


class ConflictsUndeclared(DomainError):
    """The judge sits on the entry's panel but has not declared their conflicts of interest there yet."""


def panel_place(judge: User, category_id: int) -> PanelMember:
    """The judge's place on this category's panel; NotFound for a category they do not judge (or were removed from)."""
    place = db.session.scalar(select(PanelMember).where(PanelMember.category_id == category_id, *_places_of(judge)))
    sits_on_panel.require(judge, place)
    return place


def _places_of(judge: User) -> tuple:
    """The conditions on PanelMember of the judge's places: theirs, and not removed from."""
    return PanelMember.judge_id == judge.id, PanelMember.status != PanelStatus.REMOVED


# What makes an entry judgeable: eligible, not a duplicate folded into another entry, and the nominee has not declined
# (whatever was scored before they declined stays stored, but counts nowhere).
JUDGEABLE = (
    Nomination.status == NominationStatus.ELIGIBLE,
    Nomination.merged_into_id.is_(None),
    Nomination.consent != ConsentState.DECLINED,
)


def judgeable_entries(category: Category) -> list[Nomination]:
    """The entries the panel judges (JUDGEABLE), in the order they came in."""
    return list(
        db.session.scalars(
            select(Nomination)
            .where(Nomination.category_id == category.id, *JUDGEABLE)
            .order_by(Nomination.submitted_at, Nomination.id)
        )
    )


def conflicted_ids(judge: User, category: Category) -> set[int]:
    """Ids of the entries in this category the judge is conflicted on (declared, recused or abstained)."""
    return set(
        db.session.scalars(
            select(Conflict.nomination_id)
            .join(Nomination, Conflict.nomination_id == Nomination.id)
            .where(Conflict.judge_id == judge.id, Nomination.category_id == category.id)
        )
    )


def assigned_ids(judge: User, category: Category) -> set[int] | None:
    """Ids of the entries assigned to the judge where the category uses assignment; None where every judge scores
    every entry."""
    # Imported here: the assignment module builds on this one.
    from awards_app.judging.assignment import assigned_entry_ids

    return assigned_entry_ids(judge, category)


def entries_for_judge(judge: User, place: PanelMember) -> list[Nomination]:
    """The entries this judge scores: judgeable ones they are not conflicted on, and assigned where the category uses
    assignment (none for a judge added after the shortlist, who ranks finalists or does nothing)."""
    if place.role != PanelRole.FULL:
        return []
    excluded = conflicted_ids(judge, place.category)
    assigned = assigned_ids(judge, place.category)
    return [
        entry for entry in judgeable_entries(place.category)
        if entry.id not in excluded and (assigned is None or entry.id in assigned)
    ]


def entry_for_judge(judge: User, nomination_id: int, *, lock_for_saving: bool = False) -> tuple[PanelMember, Nomination]:
    """An entry the judge scores, with their panel place (read under a shared lock when `lock_for_saving`: see
    panel_place); NotFound for anything else, whatever the reason (an entry they may only read, a finalist of their
    final round, included)."""
    place, nomination, scores = _entry_and_place(judge, nomination_id, lock_for_saving)
    if not scores:
        raise NotFound("There is no such entry among your panels.")
    return place, nomination


def entry_to_read(judge: User, nomination_id: int) -> tuple[PanelMember, Nomination]:
    """An entry the judge may read, with their panel place: one they score, or a finalist of a final round they sit
    in (read-only when they do not score it); NotFound for anything else, whatever the reason."""
    place, nomination, _ = _entry_and_place(judge, nomination_id, lock_for_saving=False)
    return place, nomination


def _entry_and_place(judge: User, nomination_id: int, lock_for_saving: bool) -> tuple[PanelMember, Nomination, bool]:
    """The checks of entry_to_read, answering also whether the judge scores the entry (so that nothing is asked
    twice): NotFound for an entry the judge may not read, ConflictsUndeclared before they have declared."""
    found = _entry_with_place(judge, nomination_id, lock_for_saving)
    if found is None:
        # Ineligible, merged, declined, or of a category the judge does not judge: the judge learns nothing about it,
        # not even that it exists.
        raise NotFound("There is no such entry among your panels.")
    nomination, place, conflicted, assigned = found
    sits_on_panel.require(judge, place)
    # Not among the entries of the judge's role (a judge of the final round only reads the finalists, one with nothing
    # to do reads none): as unknown as any other.
    if not is_conflict_candidate(place, nomination):
        raise NotFound("There is no such entry among your panels.")
    if place.conflicts_declared_at is None:
        raise ConflictsUndeclared("Declare any conflicts of interest in this category before you see its entries.")
    if conflicted:
        raise NotFound(is_conflicted.refusal)
    # Under assignment a full judge scores only their entries, but ranks every finalist: those they read.
    scores = place.role == PanelRole.FULL and assigned
    if not scores and nomination.id not in finalist_ids(place.category):
        raise NotFound("There is no such entry among your panels.")
    return place, nomination, scores


def _entry_with_place(judge: User, nomination_id: int, lock_for_saving: bool) -> Row | None:
    """In one query (every autosave asks): the entry if it is judgeable, with its category; the judge's place on its
    panel; whether the judge is conflicted on it (permissions.is_conflicted); and whether assignment lets them score it
    (assignment.is_assigned). None when the entry is not judgeable or the judge does not sit on its panel.

    `lock_for_saving` reads the place under a shared row lock (PostgreSQL; SQLite serialises writers anyway), held
    until the commit: saves may run side by side, but not while "Submit my scores" holds it exclusively to check them.
    """
    # Imported here: the assignment module builds on this one.
    from awards_app.judging.assignment import assignment_allows

    query = (
        select(
            Nomination,
            PanelMember,
            conflict_recorded(judge.id, Nomination.id),
            assignment_allows(judge.id, Nomination.id, Nomination.category_id),
        )
        .join(Nomination.category)
        .options(contains_eager(Nomination.category))
        .join(PanelMember, and_(PanelMember.category_id == Nomination.category_id, *_places_of(judge)))
        .where(Nomination.id == nomination_id, *JUDGEABLE)
    )
    if lock_for_saving:
        query = query.with_for_update(read=True, of=PanelMember).execution_options(populate_existing=True)
    return db.session.execute(query).one_or_none()


def scores_entry(place: PanelMember, nomination: Nomination) -> bool:
    """Whether the judge scores this entry of their category: a full judge, and assigned it where the category uses
    assignment (conflicts and eligibility are checked by the callers above)."""
    # Imported here: the assignment module builds on this one.
    from awards_app.judging.assignment import is_assigned

    return place.role == PanelRole.FULL and is_assigned(place.judge_id, nomination)


def finalist_ids(category: Category) -> set[int]:
    """Ids of the category's finalists (none before its shortlist is chosen)."""
    return set(db.session.scalars(select(Finalist.nomination_id).where(Finalist.category_id == category.id)))


def conflict_candidates(place: PanelMember) -> list[Nomination]:
    """The entries the judge declares conflicts against: every judgeable entry, only the finalists for a judge of
    the final round only, and none for a judge with nothing to do."""
    if place.role == PanelRole.NONE:
        return []
    finalists = finalist_ids(place.category) if place.role == PanelRole.FINAL_ONLY else None
    return [entry for entry in judgeable_entries(place.category) if is_conflict_candidate(place, entry, finalists)]


def is_conflict_candidate(place: PanelMember, entry: Nomination, finalists: set[int] | None = None) -> bool:
    """Whether a judgeable entry of the place's category is one of its conflict candidates (see conflict_candidates);
    `finalists` saves asking for the category's finalists once per entry."""
    if place.role == PanelRole.FULL:
        return True
    if place.role == PanelRole.FINAL_ONLY:
        return entry.id in (finalists if finalists is not None else finalist_ids(place.category))
    return False


def paused_notice(place: PanelMember) -> str | None:
    """Why the judge can read but not change their work in this category, when an organiser has paused them."""
    if place.status != PanelStatus.PAUSED:
        return None
    return (
        f"The awards team has paused your judging in ‘{place.category.name}’. You can read your work here, but "
        "not change it, and it does not count for now. Ask the awards team if you think this is a mistake."
    )


def shown_name(nomination: Nomination) -> str:
    """The nominee's name as judges see it: hidden behind the reference when the edition and category say so."""
    if nomination.edition.hide_nominee_names and nomination.category.names_can_be_hidden:
        return f"Entry {nomination.reference}"
    return nomination.nominee_name
