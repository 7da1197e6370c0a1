"""What the organisers' route modules share: loading what a URL names (404 otherwise), the breadcrumbs, and moving an
item up or down its list."""
from __future__ import annotations

from flask import abort, url_for

from awards_app.extensions import db
from awards_app.nominations.models import Nomination
from awards_app.programme.models import Category, Edition
from awards_app.web.admin.forms import MoveForm
from awards_app.web.database_ids import database_id
from awards_app.web.forms import button_action
from awards_app.web.signed_in import current_actor

EDITION = "/editions/<int:edition_id>"


def edition_or_404(edition_id: int) -> Edition:
    """The edition, or 404."""
    return db.get_or_404(Edition, edition_id)


def category_or_404(edition_id: int, category_id: int) -> Category:
    """The category, or 404 when it does not exist or belongs to another edition."""
    category = db.get_or_404(Category, category_id)
    if category.edition_id != edition_id:
        abort(404)
    return category


def nomination_or_404(nomination_id: int) -> Nomination:
    """The nomination, or 404: ids typed into a form (the duplicates' merge form) reach here as they are, so a number
    too large for the database is a 404 too."""
    if database_id(nomination_id) is None:
        abort(404)
    return db.get_or_404(Nomination, nomination_id)


def trail(edition: Edition | None = None, category: Category | None = None) -> list[tuple[str, str]]:
    """The breadcrumbs above a page: the dashboard, then the edition and category it sits under."""
    crumbs = [("Organisers' area", url_for("admin.dashboard"))]
    if edition is not None:
        crumbs.append((edition.name, url_for("admin.show_edition", edition_id=edition.id)))
    if category is not None:
        crumbs.append((category.name, url_for("admin.show_category", edition_id=edition.id, category_id=category.id)))
    return crumbs


def move(operation, subject, label: str) -> None:
    """Move an item up or down its list (the direction comes from the button pressed), saying what happened."""
    form = MoveForm()
    button_action(
        form,
        lambda: operation(current_actor(), subject, form.direction.data),
        lambda _: f"{label} has been moved {form.direction.data}.",
    )
