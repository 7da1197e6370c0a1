"""The organisers' area: conflicts of interest. The edition's conflicts (declared, recused, abstained) with the work
each judge gave the entry, kept but not counted; and restoring one recorded by mistake, with a reason for the log."""
from __future__ import annotations

from flask import abort, flash, url_for
from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import Length

from awards_app.extensions import db
from awards_app.judging import conflicts
from awards_app.judging.models import Conflict
from awards_app.web.access import organiser_required
from awards_app.web.admin import bp
from awards_app.web.admin.panel.paging import paged
from awards_app.web.admin.shared import EDITION, edition_or_404, trail
from awards_app.web.database_ids import database_id
from awards_app.web.forms import Required, render_form, save_form
from awards_app.web.htmx import render_page
from awards_app.web.responses import see_other
from awards_app.web.signed_in import current_actor

# How each kind of conflict came about, as the organisers' list says it.
KIND_LABELS = {
    "declared": "Declared by the judge",
    "recused": "Recused by the organisers",
    "abstained": "The judge chose not to score it",
}


class RestoreForm(FlaskForm):
    """Why a conflict is being taken back: required, kept in the audit log."""

    reason = TextAreaField(
        "Why are you restoring it?",
        validators=[
            Required("Say why the conflict is being restored"),
            Length(max=conflicts.RESTORE_REASON_MAX_LENGTH, message="The reason must be 1,000 characters or fewer"),
        ],
    )


def _conflict_or_404(conflict_id: int) -> Conflict:
    """The conflict, or 404 (a number too large for the database is a 404 too)."""
    if database_id(conflict_id) is None:
        abort(404)
    return db.get_or_404(Conflict, conflict_id)


def _conflicts_trail(edition) -> list[tuple[str, str]]:
    """Breadcrumbs down to the edition's conflicts page."""
    return [*trail(edition), ("Conflicts of interest", url_for(".conflicts_list", edition_id=edition.id))]


def recusal_confirmation(form, judge, nomination):
    """Before a recusal is recorded: what happens to the judge's scores of the entry, then "Yes" or "No, go back"."""
    work = conflicts.kept_work(judge.id, nomination.id)
    return render_page(
        "admin/conflicts/recuse_confirm.html", form=form, judge=judge, nomination=nomination,
        edition=nomination.edition, what_happens=conflicts.what_happens(work, judge),
        trail=[
            *trail(nomination.edition),
            (nomination.reference, url_for(".nomination_detail", nomination_id=nomination.id)),
        ],
    )


@bp.get(EDITION + "/conflicts")
@organiser_required
def conflicts_list(edition_id: int):
    """List the edition's conflicts, newest first, 25 a page, each a disclosure with the work kept and a way to restore
    it."""
    edition = edition_or_404(edition_id)
    return render_page(
        "admin/conflicts/list.html", edition=edition, rows=paged(conflicts.edition_conflicts(edition)), kinds=KIND_LABELS,
        hidden_suggestions=conflicts.hidden_suggestions(edition), trail=trail(edition),
    )


def _restored_message(judge, nomination, work: conflicts.KeptWork) -> str:
    """What restoring did, for the organiser: the entry is back, and the work kept counts again."""
    message = f"The conflict has been restored: {judge.name or judge.email} sees {nomination.reference} again"
    if work.scores or work.comment:
        message += f", and the {work} they gave it count again"
    return message + "."


@bp.route("/conflicts/<int:conflict_id>/restore", methods=["GET", "POST"])
@organiser_required
def restore_conflict(conflict_id: int):
    """Ask why, then take the conflict back: the judge sees the entry again and their kept scores count again."""
    conflict = _conflict_or_404(conflict_id)
    edition = conflict.nomination.edition
    judge, nomination = conflict.judge, conflict.nomination
    form = RestoreForm()
    if saved := save_form(form, lambda: conflicts.restore_conflict(current_actor(), conflict, form.reason.data)):
        flash(_restored_message(judge, nomination, saved.result), "success")
        return see_other(url_for(".conflicts_list", edition_id=edition.id))
    return render_form(
        "admin/conflicts/restore.html", form, edition=edition, conflict=conflict, judge=judge, nomination=nomination,
        kept=conflicts.kept_work(judge.id, nomination.id), refused_because=conflicts.restore_refused_because(conflict),
        kinds=KIND_LABELS, trail=_conflicts_trail(edition),
    )
