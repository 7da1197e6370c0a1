"""The organisers' pages for starting an edition as a copy of a past one: choose the edition, then the new year and
name; the copy's own page follows, its dates to review. (Its past panels' judges are invited again from the judges
page, web/admin/panel/judges.py.)"""
from __future__ import annotations

from flask import flash, url_for
from flask_wtf import FlaskForm

from awards_app.programme import copying, editions
from awards_app.web.access import organiser_required
from awards_app.web.admin import bp
from awards_app.web.admin.forms import EditionForm
from awards_app.web.admin.shared import EDITION, edition_or_404, trail
from awards_app.web.forms import render_form, save_form
from awards_app.web.htmx import render_page
from awards_app.web.responses import see_other
from awards_app.web.signed_in import current_actor


class CopyEditionForm(FlaskForm):
    """The new edition's year and name; everything else comes from the edition copied."""

    year = EditionForm.year
    name = EditionForm.name


def _moved_on_words(years: int) -> str:
    """'a year', '2 years'."""
    return "a year" if years == 1 else f"{years} years"


@bp.get("/editions/copy")
@organiser_required
def copy_sources():
    """List the editions a new one can start from."""
    return render_page("admin/copy/sources.html", editions=editions.list_editions(), trail=trail())


@bp.route(EDITION + "/copy", methods=["GET", "POST"])
@organiser_required
def copy_edition(edition_id: int):
    """Start a new edition as a copy of this one: its year (the next, suggested) and name; then its page."""
    source = edition_or_404(edition_id)
    year = copying.suggested_year(source)
    form = CopyEditionForm(data={"year": year, "name": copying.suggested_name(source, year)})
    if saved := save_form(
        form, lambda: copying.copy_edition(current_actor(), source, form.year.data, form.name.data)
    ):
        edition = saved.result
        moved_on_by = _moved_on_words(edition.year - source.year)
        flash(
            f"Copied from {source.year}: review the dates, each moved on by {moved_on_by} (under ‘Details and "
            f"dates’). ‘{edition.name}’ has {source.name}'s categories, questions and judging criteria; nobody has "
            "been invited yet.",
            "success",
        )
        return see_other(url_for(".show_edition", edition_id=edition.id))
    return render_form(
        "admin/copy/form.html", form, source=source,
        trail=[*trail(), ("Start from a past edition", url_for(".copy_sources"))],
    )
