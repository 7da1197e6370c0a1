"""The organisers' area: likely duplicate nominations, merging them into one entry, and undoing a merge.

Choosing what to merge is a GET form (it changes nothing), which leads to a confirmation page; only its POST merges.
"""
from __future__ import annotations

from flask import abort, flash, request, url_for
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectMultipleField
from wtforms.validators import InputRequired

from awards_app.core import uow
from awards_app.core.errors import DomainError
from awards_app.nominations import duplicates
from awards_app.nominations.models import ConsentState, Nomination
from awards_app.programme.models import Edition
from awards_app.web.access import organiser_required
from awards_app.web.admin import bp
from awards_app.web.admin.shared import EDITION, edition_or_404, nomination_or_404, trail
from awards_app.web.forms import ActionForm, button_action
from awards_app.web.htmx import render_page
from awards_app.web.responses import see_other
from awards_app.web.signed_in import current_actor


class MergeForm(FlaskForm):
    """The nomination to keep as the entry, and those to merge into it."""

    keep = IntegerField(validators=[InputRequired("Choose the nomination to keep")])
    merge = SelectMultipleField(coerce=int, validate_choice=False)


# More nominations than any group could hold.
MOST_AT_ONCE = 500


def _nomination_of(edition: Edition, nomination_id: int) -> Nomination:
    """The nomination, or 404 when it does not exist or belongs to another edition."""
    nomination = nomination_or_404(nomination_id)
    if nomination.edition_id != edition.id:
        abort(404)
    return nomination


def _chosen(edition: Edition, form: MergeForm) -> tuple[Nomination, list[Nomination]]:
    """The entry to keep and the nominations to merge into it (the kept one left out, each once)."""
    primary = _nomination_of(edition, form.keep.data)
    ids = list(dict.fromkeys(number for number in form.merge.data or [] if number != primary.id))
    return primary, [_nomination_of(edition, number) for number in ids]


@bp.get(EDITION + "/duplicates")
@organiser_required
def nomination_duplicates(edition_id: int):
    """List the likely duplicates of an edition, category by category, and the entries that hold merged ones."""
    edition = edition_or_404(edition_id)
    return render_page(
        "admin/duplicates.html",
        edition=edition,
        groups=duplicates.find_duplicates(edition),
        merged=duplicates.list_merged_entries(edition),
        trail=trail(edition),
    )


@bp.route(EDITION + "/duplicates/merge", methods=["GET", "POST"])
@organiser_required
def merge_duplicates(edition_id: int):
    """Show what a merge will do (GET), then merge the chosen nominations into the one kept (POST)."""
    edition = edition_or_404(edition_id)
    posted = request.method == "POST"
    form = MergeForm() if posted else MergeForm(request.args, meta={"csrf": False})
    if not form.validate():
        flash("Choose the nomination to keep and those to merge into it, then select Continue.", "error")
        return see_other(url_for(".nomination_duplicates", edition_id=edition.id))
    if len(form.merge.data or []) > MOST_AT_ONCE:
        abort(400)  # no page offers that many; refuse rather than load them all
    primary, chosen = _chosen(edition, form)
    try:
        duplicates.check_merge(primary, chosen)
        if posted:
            duplicates.merge_nominations(current_actor(), primary, chosen)
    except DomainError as refusal:
        return _confirm_page(edition, primary, chosen, refusal=refusal.message, status=409 if posted else 422)
    if posted:
        uow.commit()
        references = _listed([nomination.reference for nomination in chosen])
        verb = "has" if len(chosen) == 1 else "have"
        flash(f"{references} {verb} been merged into {primary.reference} ({primary.nominee_name}).", "success")
        return see_other(url_for(".nomination_duplicates", edition_id=edition.id, _anchor="merged"))
    return _confirm_page(edition, primary, chosen, consent_elsewhere=_consent_elsewhere(primary, chosen))


def _confirm_page(edition: Edition, primary: Nomination, chosen: list[Nomination], refusal: str | None = None,
                  status: int = 200, **context):
    """What a merge will do, with the button that does it, or why it cannot be done."""
    return render_page(
        "admin/duplicates_confirm.html",
        edition=edition,
        primary=primary,
        chosen=chosen,
        refusal=refusal,
        trail=trail(edition) + [("Possible duplicates", url_for(".nomination_duplicates", edition_id=edition.id))],
        status=status,
        **context,
    )


@bp.post("/nominations/<int:nomination_id>/unmerge")
@organiser_required
def unmerge_nomination(nomination_id: int):
    """Make a merged nomination an entry of its own again."""
    nomination = nomination_or_404(nomination_id)
    button_action(
        ActionForm(),
        lambda: duplicates.unmerge_nomination(current_actor(), nomination),
        lambda primary: f"{nomination.reference} ({nomination.nominee_name}) is an entry of its own again; "
        f"it was merged into {primary.reference}.",
    )
    return see_other(url_for(".nomination_duplicates", edition_id=nomination.edition_id, _anchor="merged"))


def _consent_elsewhere(primary: Nomination, chosen: list[Nomination]) -> list[Nomination]:
    """The nominations to merge that hold the nominee's consent when the entry kept does not."""
    if primary.consent is ConsentState.GIVEN:
        return []
    return [nomination for nomination in chosen if nomination.consent is ConsentState.GIVEN]


def _listed(items: list[str]) -> str:
    """'A', 'A and B', or 'A, B and C'."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
