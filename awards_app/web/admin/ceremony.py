"""The organisers' area: the ceremony. Results confirmed and sealed, the running order, reveals and the exports.

The control page lists the categories in running order, each with the state of its result and the one next step
(record, confirm, reveal, or hide a reveal made by mistake); every button is a plain POST form, so the page works
without JavaScript on the laptop at the side of the stage. A category's result page shows its standing under its
method with any ties and the edition's rule, records a public vote's result, and confirms the result.
"""
from __future__ import annotations

from flask import flash, request, url_for
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectChoice, TextAreaField
from wtforms.validators import Length

from awards_app.ceremony import reveals, winners
from awards_app.ceremony.award_records import PLACE_LABELS, REASON_MAX_LENGTH
from awards_app.ceremony.models import Place
from awards_app.judging.ranking import TIE_BREAK_LABELS, TIE_BREAKS
from awards_app.nominations.export import csv_text
from awards_app.programme import editions
from awards_app.programme.models import Category, Edition
from awards_app.web.access import organiser_required
from awards_app.web.admin import bp
from awards_app.web.admin.forms import MoveForm
from awards_app.web.admin.panel.judging import WinnersForm
from awards_app.web.admin.shared import category_or_404, edition_or_404, move, trail
from awards_app.web.downloads import csv_download
from awards_app.web.forms import ActionForm, Required, button_action, render_form, save_form
from awards_app.web.htmx import render_page
from awards_app.web.responses import see_other
from awards_app.web.signed_in import current_actor

CEREMONY = "/editions/<int:edition_id>/ceremony"
ENTRY = CEREMONY + "/categories/<int:category_id>"
RESULT_TEMPLATE = "admin/ceremony/result.html"
# The control page is split into parts, each its own page (?show=...), so that none runs to many screens on a phone.
CONTROL_PARTS = {"results": "Results", "order": "Running order", "ties": "Ties"}


class TieBreakForm(FlaskForm):
    """The edition's tie-break rule."""

    tie_break = RadioField(
        "How is a tie for a place settled?",
        choices=[SelectChoice(rule, TIE_BREAK_LABELS[rule].capitalize()) for rule in TIE_BREAKS],
        validators=[Required("Choose how ties are settled")],
        invalid_choice_message="Choose how ties are settled",
    )


class HideForm(FlaskForm):
    """Why a reveal is taken back."""

    reason = TextAreaField(
        "Why are you hiding this result?",
        validators=[
            Required("Say why you are hiding this result"),
            Length(max=REASON_MAX_LENGTH, message="The reason must be 1,000 characters or fewer"),
        ],
    )


# --- Shared steps ---------------------------------------------------------------------------------------------------


def _ceremony_trail(edition: Edition) -> list[tuple[str, str]]:
    """Breadcrumbs: the dashboard, the edition, its ceremony."""
    return [*trail(edition), ("Ceremony", url_for(".ceremony_control", edition_id=edition.id))]


def _part_url(edition_id: int, part: str, **values) -> str:
    """The address of a part of the control page (the results part's is the page's own)."""
    return url_for(".ceremony_control", edition_id=edition_id, show=None if part == "results" else part, **values)


def _back_to_ceremony(category: Category, part: str = "results"):
    """Redirect to the category's card on a part of the control page."""
    return see_other(_part_url(category.edition_id, part, _anchor=f"category-{category.id}"))


def _press(edition_id: int, category_id: int, operation, message: str):
    """Run a control-page button on a category, operation(actor, category); flash `message` (its {name} filled in)
    or the refusal, and go back to the category's row."""
    category = category_or_404(edition_id, category_id)
    button_action(
        ActionForm(), lambda: operation(current_actor(), category), lambda _: message.format(name=category.name)
    )
    return _back_to_ceremony(category)


def _winners_form(view: winners.Standing, formdata: bool = True) -> WinnersForm:
    """The public vote's result form, holding the recorded result or, before one, the order of the vote."""
    leader = view.lines[0].finalist.id if view.complete and view.lines else None
    choices = [(str(line.finalist.id), line.name) for line in view.lines]
    return WinnersForm.holding(view.awards, leader, choices, formdata)


def _result_page(category: Category, status: int = 200, form: WinnersForm | None = None):
    """A category's result page: its standing, ties and rule, the recorded result, record and confirm."""
    view = winners.standing(category)
    winners_form = form or _winners_form(view, formdata=False)
    return render_page(
        RESULT_TEMPLATE,
        status=status,
        category=category,
        edition=category.edition,
        view=view,
        winners_form=winners_form,
        form=winners_form if winners_form.errors else None,
        place_labels=PLACE_LABELS,
        trail=_ceremony_trail(category.edition),
    )


# --- The control page ----------------------------------------------------------------------------------------------


@bp.get("/ceremony")
@organiser_required
def current_ceremony():
    """Open the ceremony page of the edition the public sees now."""
    edition = editions.current_edition()
    if edition is None:
        flash("There is no edition yet. Create one first.", "info")
        return see_other(url_for(".dashboard"))
    return see_other(url_for(".ceremony_control", edition_id=edition.id))


@bp.get(CEREMONY)
@organiser_required
def ceremony_control(edition_id: int):
    """One part of the control page: the categories in running order with their results' state and the next step
    for each; the running order and its buttons; or the tie-break rule."""
    edition = edition_or_404(edition_id)
    items = reveals.ceremony_items(edition)
    part = request.args.get("show") if request.args.get("show") in CONTROL_PARTS else "results"
    return render_page(
        "admin/ceremony/control.html",
        edition=edition,
        items=items,
        part=part,
        part_label=CONTROL_PARTS[part],
        parts_tabs=[(label, _part_url(edition.id, name), name == part) for name, label in CONTROL_PARTS.items()],
        place=Place,
        tie_form=TieBreakForm(formdata=None, data={"tie_break": edition.tie_break}),
        trail=trail(edition),
    )


@bp.post(CEREMONY + "/tie-break")
@organiser_required
def set_tie_break(edition_id: int):
    """Choose how ties for a place are settled."""
    edition = edition_or_404(edition_id)
    form = TieBreakForm()
    if save_form(form, lambda: winners.set_tie_break(current_actor(), edition, form.tie_break.data)):
        flash(f"Ties are now settled this way: {TIE_BREAK_LABELS[edition.tie_break]}.", "success")
    else:
        for message in [*form.form_errors, *form.tie_break.errors]:
            flash(message, "error")
    return see_other(_part_url(edition.id, "ties", _anchor="tie-break"))


@bp.post(ENTRY + "/move")
@organiser_required
def move_in_running_order(edition_id: int, category_id: int):
    """Move a category up or down the running order."""
    category = category_or_404(edition_id, category_id)
    move(reveals.move_category, category, f"‘{category.name}’")
    return _back_to_ceremony(category, "order")


@bp.post(ENTRY + "/reveal")
@organiser_required
def reveal(edition_id: int, category_id: int):
    """Reveal a confirmed result to the results page and the presenter view."""
    return _press(
        edition_id, category_id, reveals.reveal_category,
        "{name} is revealed. Open results pages show it within seconds.",
    )


@bp.route(ENTRY + "/hide", methods=["GET", "POST"])
@organiser_required
def hide(edition_id: int, category_id: int):
    """Ask why, then take back a reveal made by mistake."""
    category = category_or_404(edition_id, category_id)
    form = HideForm()
    if save_form(form, lambda: reveals.hide_category(current_actor(), category, form.reason.data)):
        flash(f"{category.name} is hidden again: results pages show “To be announced”.", "success")
        return _back_to_ceremony(category)
    return render_form("admin/ceremony/hide.html", form, category=category, edition=category.edition,
                       trail=_ceremony_trail(category.edition))


@bp.post(ENTRY + "/shares")
@organiser_required
def vote_shares(edition_id: int, category_id: int):
    """Choose whether the results page shows the public vote's shares after the reveal."""
    category = category_or_404(edition_id, category_id)
    form = MoveForm()  # reused for its one hidden field: "up" shows the shares, "down" hides them
    button_action(
        form,
        lambda: reveals.set_vote_shares(current_actor(), category, form.direction.data == "up"),
        lambda _: (f"The results page will show the public vote's shares for {category.name} once it is revealed."
                   if form.direction.data == "up" else
                   f"The results page will not show the public vote's shares for {category.name}."),
    )
    return _back_to_ceremony(category)


# --- A category's result -------------------------------------------------------------------------------------------


@bp.get(ENTRY)
@organiser_required
def ceremony_result(edition_id: int, category_id: int):
    """Show a category's standing under its method, its ties and the recorded result, to record and confirm."""
    return _result_page(category_or_404(edition_id, category_id))


@bp.post(ENTRY + "/result")
@organiser_required
def record_vote_result(edition_id: int, category_id: int):
    """Record the public vote's winner and highly commended finalists."""
    category = category_or_404(edition_id, category_id)
    form = _winners_form(winners.standing(category))
    if save_form(form, lambda: winners.record_vote_result(
        current_actor(), category, int(form.winner.data), form.highly_commended.ids, form.reason.data or ""
    )):
        flash(f"The result of {category.name} is recorded. Check it, then confirm it to seal it.", "success")
        return see_other(url_for(".ceremony_result", edition_id=edition_id, category_id=category.id))
    return _result_page(category, status=422, form=form)


@bp.post(ENTRY + "/confirm")
@organiser_required
def confirm_result(edition_id: int, category_id: int):
    """Confirm a recorded result: sealed from now on, ready to reveal."""
    return _press(
        edition_id, category_id, winners.confirm_result,
        "The result of {name} is confirmed and sealed. It can be revealed at the ceremony.",
    )


# --- Exports -------------------------------------------------------------------------------------------------------


@bp.get(CEREMONY + "/winners")
@organiser_required
def winners_list(edition_id: int):
    """A printable list of every recorded result, revealed or not (for certificates and the script)."""
    edition = edition_or_404(edition_id)
    return render_page(
        "admin/ceremony/winners.html",
        edition=edition,
        items=reveals.ceremony_items(edition),
        place=Place,
        trail=_ceremony_trail(edition),
    )


@bp.get(CEREMONY + "/results.csv")
@organiser_required
def results_csv(edition_id: int):
    """Every recorded result as CSV, with its method, state and the figures behind it."""
    edition = edition_or_404(edition_id)
    header = ["Running order", "Category", "Decided by", "Place", "Finalist", "Result", "Confirmed", "Revealed"]
    rows = []
    for item in reveals.ceremony_items(edition):
        view = item.standing
        for line in view.lines:
            place = view.place_of(line.finalist.id)
            rows.append([
                item.position, item.category.name, view.method_label, PLACE_LABELS[place] if place else "",
                line.name, line.result, "yes" if view.confirmed else "no", "yes" if view.revealed else "no",
            ])
    return csv_download(csv_text(header, rows), f"results-{int(edition.year)}.csv")
