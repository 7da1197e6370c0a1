"""The organisers' area: fair assignment of a category's entries to its judges (judging.assignment).

The page is two parts under tabs, each at its own address (`?part=entries` for the second): the settings, with the
run and stop buttons; and the judges and entries: the load per judge, each entry's judges and the form to add a judge
to an entry by hand. Every change posts to its own route and comes back to its part with a 303, or shows that part
again with the refusal (422 for a form's answer, 409 for an action the rules refuse). No JavaScript is needed.
"""
from __future__ import annotations

from flask import flash, request, url_for
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField
from wtforms.validators import StopValidation
from wtforms.widgets import TextInput

from awards_app.core import uow
from awards_app.core.errors import DomainError
from awards_app.extensions import db
from awards_app.judging import assignment
from awards_app.programme.models import Category
from awards_app.web.access import organiser_required
from awards_app.web.admin import bp
from awards_app.web.admin.shared import trail
from awards_app.web.database_ids import database_id
from awards_app.web.forms import ActionForm, Required, save_form, show_refusal
from awards_app.web.htmx import render_page
from awards_app.web.responses import see_other
from awards_app.web.signed_in import current_actor

PAGE = "/categories/<int:category_id>/judging/assignment"
TEMPLATE = "admin/assignment/page.html"


def _number(label: str, empty: str) -> IntegerField:
    """A whole-number box with a numeric keyboard (a text box: type=number misbehaves)."""
    return IntegerField(
        label, validators=[Required(empty)], invalid_value_message=f"{label} must be a whole number",
        widget=TextInput(), render_kw={"inputmode": "numeric", "spellcheck": "false"},
    )


class PlanForm(FlaskForm):
    """How many judges each entry needs and the most entries one judge scores."""

    judges_per_entry = _number("Judges per entry", "Enter how many judges each entry needs")
    most_entries_per_judge = _number("Most entries per judge", "Enter the most entries one judge scores")


def _whole_or_none(value) -> int | None:
    """A posted id as a number, or None for an empty or unreadable one (which the field then refuses)."""
    return database_id(str(value).strip() if value is not None else "")


class PickField(SelectField):
    """A list to choose from; anything not in it (nothing chosen, a tampered value) gets the field's plain message."""

    def __init__(self, label: str, message: str, **kwargs):
        super().__init__(label, coerce=_whole_or_none, validate_choice=False, **kwargs)
        self.message = message

    def pre_validate(self, form):
        """Refuse a value that is not one of the choices."""
        if self.data is None or self.data not in {value for value, _ in self.choices}:
            raise StopValidation(self.message)


class PairForm(FlaskForm):
    """One judge and one entry of the category (choices set per category)."""

    nomination_id = PickField("Entry", "Choose an entry from the list")
    judge_id = PickField("Judge", "Choose a judge from the list")


def _pair_form(view: assignment.AssignmentView) -> PairForm:
    """A pair form whose choices are the category's entries and its panel."""
    form = PairForm()
    form.nomination_id.choices = [(entry.id, f"{entry.reference}: {entry.nominee_name}") for entry in view.entries]
    form.judge_id.choices = [(member.judge_id, member.judge.name or member.judge.email) for member in view.members]
    return form


def _category(category_id: int) -> Category:
    """The category, or 404."""
    return db.get_or_404(Category, category_id)


# The parts of the page, each at its own address: (value of ?part=, tab label); the first is the page's own address.
PARTS = {"settings": "Settings", "entries": "Judges and entries"}


def _part_url(category: Category, part: str, anchor: str | None = None) -> str:
    """The address of one part of the page."""
    return url_for(".assignment_page", category_id=category.id, part=None if part == "settings" else part,
                   _anchor=anchor)


def _page(category: Category, status: int = 200, plan_form=None, pair_form=None, action_form=None,
          part: str = "settings"):
    """One part of the assignment page, with any form that came back with an answer to correct (without a plan
    there are no judges and entries to show: the settings are the whole page)."""
    view = assignment.assignment_view(category)
    plan = view.plan
    part = part if plan else "settings"
    plan_form = plan_form or PlanForm(formdata=None, data={
        "judges_per_entry": plan.judges_per_entry if plan else None,
        "most_entries_per_judge": plan.most_entries_per_judge if plan else None,
    })
    pair_form = pair_form or _pair_form(view)
    failed = next((form for form in (plan_form, pair_form, action_form) if form is not None and (
        form.errors or form.form_errors)), None)
    return render_page(
        TEMPLATE,
        status=status,
        category=category,
        edition=category.edition,
        view=view,
        plan_form=plan_form,
        pair_form=pair_form,
        form=failed,
        part=part,
        tabs=[(label, _part_url(category, name), name == part) for name, label in PARTS.items()],
        trail=[*trail(category.edition), ("Judging", url_for(".judging_overview", edition_id=category.edition_id)),
               (category.name, url_for(".category_judging", category_id=category.id))],
    )


def _back(category: Category, anchor: str | None = None, part: str = "settings"):
    """303 back to a part of the page."""
    return see_other(_part_url(category, part, anchor))


def _action(category: Category, operation, message):
    """Run a button's operation: 303 with `message(result)` when done, the page with the refusal (409) otherwise."""
    form = ActionForm()
    if saved := save_form(form, lambda: operation(current_actor())):
        flash(message(saved.result), "success")
        return _back(category)
    if not form.form_errors and not form.errors:
        form.form_errors.append("The form could not be read. Try again.")
    return _page(category, status=409 if form.form_errors else 400, action_form=form)


@bp.get(PAGE)
@organiser_required
def assignment_page(category_id: int):
    """Show one part of the category's assignment: the settings with the buttons that run and stop it, or (with
    ?part=entries) the load per judge, each entry's judges and the hand changes."""
    part = request.args.get("part", "")
    return _page(_category(category_id), part=part if part in PARTS else "settings")


@bp.post(f"{PAGE}/plan")
@organiser_required
def set_assignment_plan(category_id: int):
    """Save how many judges each entry needs and the most entries per judge (the category then uses assignment)."""
    category = _category(category_id)
    form = PlanForm()
    if save_form(form, lambda: assignment.set_plan(
        current_actor(), category, form.judges_per_entry.data, form.most_entries_per_judge.data
    )):
        flash("The settings are saved. Run the assignment to give each entry its judges.", "success")
        return _back(category, "run")
    return _page(category, status=422, plan_form=form)


@bp.post(f"{PAGE}/run")
@organiser_required
def run_assignment(category_id: int):
    """Assign the entries to the judges, keeping work already started and pairs made by hand."""
    category = _category(category_id)
    return _action(category, lambda actor: assignment.run_assignment(actor, category), lambda result: (
        f"The assignment is done: {result.added} added, {result.removed} removed, {result.kept} kept (work started "
        f"or made by hand). Each judge has {result.lowest_load}"
        + (f" to {result.highest_load}" if result.highest_load != result.lowest_load else "") + " entries."
    ))


@bp.post(f"{PAGE}/stop")
@organiser_required
def stop_assignment(category_id: int):
    """Stop using assignment: every judge of the panel scores every entry again."""
    category = _category(category_id)
    return _action(category, lambda actor: assignment.stop_assignment(actor, category), lambda removed: (
        f"{category.name} no longer uses assignment: every judge on its panel scores every entry. "
        f"{removed} assignment{'' if removed == 1 else 's'} removed; no scores were removed."
    ))


@bp.post(f"{PAGE}/add")
@organiser_required
def assign_judge(category_id: int):
    """Add one judge to one entry by hand; a conflicted judge is refused with the reason."""
    category = _category(category_id)
    form = _pair_form(assignment.assignment_view(category))
    if save_form(form, lambda: assignment.assign_by_hand(
        current_actor(), category, form.judge_id.data, form.nomination_id.data
    )):
        flash("The judge is added to the entry.", "success")
        return _back(category, "entries", "entries")
    return _page(category, status=422, pair_form=form, part="entries")


@bp.post(f"{PAGE}/remove")
@organiser_required
def unassign_judge(category_id: int):
    """Take one entry away from one judge by hand; refused once they have started scoring it."""
    category = _category(category_id)
    form = _pair_form(assignment.assignment_view(category))
    if not form.validate_on_submit():
        return _page(category, status=422, action_form=form, part="entries")
    try:
        assignment.unassign_by_hand(current_actor(), category, form.judge_id.data, form.nomination_id.data)
    except DomainError as refusal:
        show_refusal(form, refusal)
        return _page(category, status=409, action_form=form, part="entries")
    uow.commit()
    flash("The judge is removed from the entry.", "success")
    return _back(category, "entries", "entries")
