"""Which criteria a category is judged on: its own set when it has one, otherwise the edition's shared criteria."""
from __future__ import annotations

from awards_app.programme.models import Category, Criterion


def criteria_for(category: Category) -> list[Criterion]:
    """The criteria the category's entries are scored on, in display order."""
    return list(category.own_criteria or category.edition.criteria)


def uses_own_criteria(category: Category) -> bool:
    """Whether the category has criteria of its own instead of the edition's."""
    return bool(category.own_criteria)
