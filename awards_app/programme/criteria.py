"""Which criteria a category is judged on: its own set when it has one, otherwise the edition's shared criteria."""
from __future__ import annotations

from sqlalchemy import and_, exists, or_, select
from sqlalchemy.orm import aliased

from awards_app.extensions import db
from awards_app.programme.models import Category, Criterion


def criteria_for(category: Category) -> list[Criterion]:
    """The criteria the category's entries are scored on, in display order."""
    return list(category.own_criteria or category.edition.criteria)


def criterion_for(category: Category, criterion_id: int) -> Criterion | None:
    """One of criteria_for(category), by id (None for any other criterion): the same choice in one query, for a save
    that names one criterion and need not load them all."""
    own = aliased(Criterion)
    has_own_set = exists().where(own.category_id == category.id)
    return db.session.scalar(
        select(Criterion).where(
            Criterion.id == criterion_id,
            or_(
                Criterion.category_id == category.id,
                and_(Criterion.category_id.is_(None), Criterion.edition_id == category.edition_id, ~has_own_set),
            ),
        )
    )


def uses_own_criteria(category: Category) -> bool:
    """Whether the category has criteria of its own instead of the edition's."""
    return bool(category.own_criteria)
