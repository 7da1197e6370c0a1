"""What a judge may see: the categories of their panels, and there only the eligible entries they are not conflicted on.

Every judging route goes through these functions, so that no URL or parameter can reach another panel's entries,
an entry the judge is conflicted on, or anyone else's scores. The rules themselves (sits_on_panel, is_conflicted)
are in permissions.py; this module finds the places and entries they are asked about.
"""
from __future__ import annotations

from sqlalchemy import select

from awards_app.accounts.models import User
from awards_app.core.errors import DomainError, NotFound
from awards_app.extensions import db
from awards_app.judging.models import Conflict, PanelMember
from awards_app.nominations.models import Nomination, NominationStatus
from awards_app.permissions import is_conflicted, sits_on_panel
from awards_app.programme.models import Category


def panels_of(judge: User) -> list[PanelMember]:
    """The judge's panel places, in the categories' display order."""
    return list(
        db.session.scalars(
            select(PanelMember)
            .join(Category, PanelMember.category_id == Category.id)
            .where(PanelMember.judge_id == judge.id)
            .order_by(Category.edition_id.desc(), Category.display_order, Category.id)
        )
    )


def panel_place(judge: User, category_id: int) -> PanelMember:
    """The judge's place on this category's panel; NotFound for a category they do not judge."""
    place = db.session.scalar(
        select(PanelMember).where(PanelMember.judge_id == judge.id, PanelMember.category_id == category_id)
    )
    sits_on_panel.require(judge, place)
    return place


def judgeable_entries(category: Category) -> list[Nomination]:
    """The entries the panel judges: eligible, and not a duplicate folded into another entry."""
    return list(
        db.session.scalars(
            select(Nomination)
            .where(
                Nomination.category_id == category.id,
                Nomination.status == NominationStatus.ELIGIBLE,
                Nomination.merged_into_id.is_(None),
            )
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
    """The entries this judge scores: judgeable ones they are not conflicted on (and assigned, where the category
    uses assignment)."""
    excluded = conflicted_ids(judge, place.category)
    assigned = assigned_ids(judge, place.category)
    return [
        entry for entry in judgeable_entries(place.category)
        if entry.id not in excluded and (assigned is None or entry.id in assigned)
    ]


def entry_for_judge(judge: User, nomination_id: int) -> tuple[PanelMember, Nomination]:
    """An entry the judge may see, with their panel place; NotFound for anything else, whatever the reason."""
    nomination = db.session.get(Nomination, nomination_id)
    if nomination is None:
        raise NotFound("There is no such entry among your panels.")
    place = panel_place(judge, nomination.category_id)
    if place.conflicts_declared_at is None:
        raise DomainError("Declare any conflicts of interest in this category before you see its entries.")
    # Ineligible, merged or conflicted: the judge learns nothing about it, not even that it exists.
    if nomination not in judgeable_entries(place.category):
        raise NotFound("There is no such entry among your panels.")
    (~is_conflicted).require(judge, nomination)
    assigned = assigned_ids(judge, place.category)
    if assigned is not None and nomination.id not in assigned:
        raise NotFound("There is no such entry among your panels.")
    return place, nomination


def shown_name(nomination: Nomination) -> str:
    """The nominee's name as judges see it: hidden behind the reference when the edition and category say so."""
    if nomination.edition.hide_nominee_names and nomination.category.names_can_be_hidden:
        return f"Entry {nomination.reference}"
    return nomination.nominee_name
