"""What the judges' route modules share: the judge's place on a panel (404 otherwise), the addresses they are sent to,
the breadcrumbs, the confirmation button form, and the organisers' unlock of a judge's submitted work."""
from __future__ import annotations

from flask import abort, url_for
from flask_wtf import FlaskForm
from wtforms import HiddenField

from awards_app.core.errors import NotFound
from awards_app.extensions import db
from awards_app.judging import judge_access
from awards_app.judging.models import PanelMember
from awards_app.web.forms import button_action
from awards_app.web.responses import safe_next, see_other
from awards_app.web.signed_in import current_actor


class ConfirmForm(FlaskForm):
    """A confirmation button with only a CSRF token (and where to go afterwards, for organisers' buttons)."""

    next = HiddenField()


def place_or_404(category_id: int) -> PanelMember:
    """The signed-in judge's place on this category's panel, or 404 for a category they do not judge."""
    try:
        return judge_access.panel_place(current_actor(), category_id)
    except NotFound:
        abort(404)


def conflicts_url(category_id: int) -> str:
    """Where a judge declares their conflicts of interest in a category, before seeing its entries."""
    return url_for("judging.declare_conflicts", category_id=category_id)


def scoring_url(category_id: int) -> str:
    """Where the judge scores a category's entries."""
    return url_for("judging.category_entries", category_id=category_id)


def category_trail(place: PanelMember) -> list[tuple[str, str]]:
    """Breadcrumbs: the judge's panels, then this category's entries."""
    return [("Your panels", url_for("judging.home")), (place.category.name, scoring_url(place.category_id))]


def form_id(digits: str) -> int:
    """An id named in a form field; one too long to be a database id becomes 0, which names nothing (so 404)."""
    return int(digits) if len(digits) <= 10 else 0


def unlock_place(place_id: int, operation, message: str):
    """The organisers' button that reopens a judge's submitted work in one category, operation(actor, place): flash
    `message` (its {judge} and {category} filled in) or the refusal, then go back to the page it was pressed on
    (`next`), or the dashboard."""
    place = db.get_or_404(PanelMember, place_id)
    form = ConfirmForm()
    button_action(
        form,
        lambda: operation(current_actor(), place),
        lambda _: message.format(judge=place.judge.name or place.judge.email, category=place.category.name),
    )
    return see_other(safe_next(form.next.data) or url_for("admin.dashboard"))
