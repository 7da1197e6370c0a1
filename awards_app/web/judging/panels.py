"""The judges' area at /judging: the judge's home, their affiliations, and the conflicts of interest they declare.

Every view goes through judging.judge_access, so that a judge reaches only the categories of their panels (404 for
any other, never saying whether it exists) and never an entry they are conflicted on.
"""
from __future__ import annotations

from flask import abort, flash, request, url_for
from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import Length

from awards_app.core import uow
from awards_app.core.errors import DomainError, NotFound
from awards_app.extensions import db
from awards_app.judging import conflicts, panels
from awards_app.judging.judge_access import (
    entries_for_judge,
    panel_place,
    panels_of,
    paused_notice,
)
from awards_app.judging.models import PanelRole
from awards_app.web.access import judge_required
from awards_app.web.database_ids import database_id
from awards_app.web.forms import render_form, save_form
from awards_app.web.htmx import render_page
from awards_app.web.judging import bp
from awards_app.web.judging.shared import place_or_404, scoring_url
from awards_app.web.responses import see_other
from awards_app.web.signed_in import current_actor

# --- Home ---------------------------------------------------------------------------------------------------------


def _panel_state(judge, place) -> dict:
    """What the judge has to do next in one category: declare conflicts, score (n of m), rank the finalists, or
    nothing (submitted, or added after the shortlist with nothing to do); and whether an organiser paused them."""
    category = place.category
    state = {
        "place": place, "category": category, "scoring_url": None, "scored": 0, "total": 0, "final_round": False,
        "paused": paused_notice(place),
    }
    if place.role == PanelRole.NONE:
        state["status"] = "nothing"
        return state
    if place.conflicts_declared_at is None:
        state["status"] = "declare"
        return state
    # The panel ranks the finalists of a category the public does not vote on, once the shortlist is chosen.
    state["final_round"] = not category.has_public_vote and category.shortlisted_at is not None
    if not place.scores_entries:
        state["status"] = "final_only"
        return state
    entries = entries_for_judge(judge, place)
    state.update(
        status="submitted" if place.submitted_at else "scoring",
        scored=panels.judge_progress(judge, place, entries),
        total=len(entries),
        scoring_url=scoring_url(place.category_id),
    )
    return state


def first_step_url(place) -> str:
    """Where a judge goes once their conflicts are declared: scoring, or the final round for a judge of it only."""
    if place.scores_entries:
        return scoring_url(place.category_id)
    return url_for(".final_round", category_id=place.category_id)


@bp.get("/")
@judge_required
def home():
    """Show the judge's panels, grouped by edition, each with what to do next."""
    judge = current_actor()
    editions: list[tuple] = []
    for place in panels_of(judge):
        edition = place.category.edition
        if not editions or editions[-1][0] is not edition:
            editions.append((edition, []))
        editions[-1][1].append(_panel_state(judge, place))
    return render_page("judging/home.html", judge=judge, editions=editions)


# --- Affiliations -------------------------------------------------------------------------------------------------


class AffiliationsForm(FlaskForm):
    """The organisations and groups a judge belongs to or works with."""

    affiliations = TextAreaField(
        "Your organisations and affiliations",
        validators=[
            Length(
                max=conflicts.AFFILIATIONS_MAX_LENGTH,
                message="Your affiliations must be 2,000 characters or fewer",
            )
        ],
    )


def _return_category(judge) -> int | None:
    """The category whose conflicts page sent the judge here, if it is one of theirs."""
    category_id = database_id(request.args.get("category", ""))
    if category_id is None:
        return None
    try:
        return panel_place(judge, category_id).category_id
    except NotFound:
        return None


@bp.route("/affiliations", methods=["GET", "POST"])
@judge_required
def affiliations():
    """Record the judge's organisations and affiliations, from which possible conflicts are suggested."""
    judge = current_actor()
    back_to = _return_category(judge)
    form = AffiliationsForm(data={"affiliations": judge.affiliations})
    if save_form(
        form, lambda: conflicts.record_affiliations(judge, form.affiliations.data), otherwise=form.affiliations
    ):
        flash("Your affiliations have been saved.", "success")
        if back_to is not None:
            return see_other(url_for(".declare_conflicts", category_id=back_to))
        return see_other(url_for(".home"))
    return render_form("judging/conflicts_affiliations.html", form, back_to=back_to)


# --- Conflicts of interest ----------------------------------------------------------------------------------------


class ConflictsForm(FlaskForm):
    """The conflicts page's form: a CSRF token here; the ticked entries and their reasons are read per entry.

    Its errors are (anchor, message) pairs, so that the error summary links to the very checkbox or reason box.
    """

    def __init__(self, *args, **kwargs):
        """A form with no problems found yet."""
        super().__init__(*args, **kwargs)
        self.problems: list[tuple[str, str]] = []
        self.entry_errors: dict[int, str] = {}

    @property
    def errors(self):
        """Field errors plus the problems found with the ticked entries (base.html puts "Error: " in the title)."""
        errors = dict(super().errors)
        if self.problems:
            errors["entries"] = [message for _, message in self.problems]
        return errors


def _ticked(open_ids: set[int]) -> list[int]:
    """The entries ticked on the form, in the order posted; 404 for an id that is not among the judge's choices."""
    ticked = []
    for value in request.form.getlist("conflict"):
        number = database_id(value)
        if number not in open_ids:
            abort(404)
        if number not in ticked:
            ticked.append(number)
    return ticked


def _check_choices(form: ConflictsForm, action: str, ticked: list[int], rows, first_time: bool) -> dict[int, str]:
    """The reasons for the ticked entries; anything wrong goes on the form's problems."""
    names = {row.nomination_id: row.name for row in rows}
    choosable = [row for row in rows if row.conflict is None]
    first_box = f"#conflict-{choosable[0].nomination_id}" if choosable else "#conflicts"
    if action == "none" and ticked:
        form.problems.append(
            (f"#conflict-{ticked[0]}", "You ticked entries but chose ‘I have no conflicts’. Untick them, or choose "
             "‘Declare these conflicts’.")
        )
    if action == "declare" and not ticked:
        message = "Tick each entry you have a conflict with, or choose ‘I have no conflicts’"
        form.problems.append((first_box, message if first_time else "Tick the entry you have a conflict with"))
    reasons = {}
    for nomination_id in ticked:
        reason = request.form.get(f"reason-{nomination_id}", "")
        try:
            reasons[nomination_id] = conflicts.clean_reason(reason)
        except DomainError as refusal:
            message = refusal.message
            if not reason.strip():
                message = f"Say why you have a conflict with {names[nomination_id]}"
            form.entry_errors[nomination_id] = message
            form.problems.append((f"#reason-{nomination_id}", message))
    return reasons


@bp.route("/categories/<int:category_id>/conflicts", methods=["GET", "POST"])
@judge_required
def declare_conflicts(category_id: int):
    """Show the nominees (names only) with suggested conflicts; declare conflicts, or that there are none."""
    judge = current_actor()
    place = place_or_404(category_id)
    rows = conflicts.nominee_list(judge, place)
    open_ids = {row.nomination_id for row in rows if row.conflict is None}
    first_time = place.conflicts_declared_at is None
    form = ConflictsForm()
    if form.validate_on_submit():
        action = request.form.get("action")
        if action not in ("declare", "none") or (action == "none" and not first_time):
            abort(400)
        ticked = _ticked(open_ids)
        reasons = _check_choices(form, action, ticked, rows, first_time)
        # Before the first declaration a first-round judge has seen no entry, so has no scores to lose: no second step
        # then. A final-round-only judge has been shown the finalists on this page, so their first ticks are confirmed.
        nothing_shown_yet = first_time and place.role != PanelRole.FINAL_ONLY
        confirmed = nothing_shown_yet or not reasons or request.form.get("step") == "confirm"
        if not form.problems:
            try:
                if not confirmed:
                    # Ask only about what would be accepted: a refusal is shown now, not after "Yes".
                    raise_refusal_of(lambda: conflicts.declare_conflicts(judge, place, reasons))
                    if request.form.get("step") != "change":
                        return _confirmation(form, place, rows, reasons)
                else:
                    declared = conflicts.declare_conflicts(judge, place, reasons)
                    uow.commit()
                    return _after_declaring(place, declared, first_time)
            except NotFound:
                abort(404)
            except DomainError as refusal:
                form.problems.append(("#conflicts", refusal.message))
    return render_page(
        "judging/conflicts.html",
        form=form,
        place=place,
        category=place.category,
        rows=rows,
        open_rows=[row for row in rows if row.conflict is None],
        conflicted_rows=[row for row in rows if row.conflict is not None],
        ticked=set(_posted_ids(open_ids)),
        reasons={key: value for key, value in request.form.items() if key.startswith("reason-")},
        judge=judge,
        blind=any(row.blind for row in rows),
        next_step_url=first_step_url(place),
        status=422 if form.problems else 200,
    )


def raise_refusal_of(operation) -> None:
    """Raise what the operation would refuse, trying it in a savepoint that is always rolled back (nothing is kept)."""
    savepoint = db.session.begin_nested()
    try:
        operation()
    finally:
        savepoint.rollback()


def confirmation_page(form, place, heading: str, items: list[dict], hidden: list[tuple[str, str]], **context):
    """The step that says what a conflict does to each entry and the scores already given, before it is recorded."""
    return render_page(
        "judging/conflict_confirm.html", form=form, category=place.category, heading=heading, items=items,
        hidden=hidden, **context,
    )


def conflict_item(judge, nomination_id: int, name: str, reason: str) -> dict:
    """One entry on the confirmation page: its name as the judge sees it, their reason, and what happens."""
    work = conflicts.kept_work(judge.id, nomination_id)
    return {"name": name, "reason": reason, "what_happens": conflicts.what_happens(work)}


def _confirmation(form, place, rows, reasons: dict[int, str]):
    """Ask the judge to confirm the conflicts they ticked, carrying their choices in hidden fields."""
    judge = current_actor()
    names = {row.nomination_id: row.name for row in rows}
    items = [conflict_item(judge, entry_id, names[entry_id], reason) for entry_id, reason in reasons.items()]
    hidden = [("action", "declare")]
    for nomination_id, reason in reasons.items():
        hidden += [("conflict", str(nomination_id)), (f"reason-{nomination_id}", reason)]
    many = len(items) > 1
    return confirmation_page(
        form, place,
        heading=f"Declare a conflict with {'these entries' if many else items[0]['name']}?",
        items=items,
        hidden=hidden,
        action_url=url_for(".declare_conflicts", category_id=place.category_id),
        confirm_label="Yes, declare these conflicts" if many else "Yes, declare the conflict",
    )


def _posted_ids(open_ids: set[int]) -> list[int]:
    """The ticked ids to show again on a form with errors (only ones the judge may choose)."""
    values = request.form.getlist("conflict") if request.method == "POST" else []
    return [number for number in map(database_id, values) if number in open_ids]


def _after_declaring(place, declared, first_time: bool):
    """Say what was recorded, then go on to scoring (after the first declaration) or back to the conflicts page."""
    if first_time:
        if declared:
            count = len(declared)
            flash(
                f"Thank you. Your {count} conflict{'' if count == 1 else 's'} {'has' if count == 1 else 'have'} been "
                "recorded, and you will not see those entries.",
                "success",
            )
        else:
            flash("Thank you. You have declared that you have no conflicts in this category.", "success")
        return see_other(first_step_url(place))
    else:
        if len(declared) > 1:
            message = "Your conflicts have been recorded. Those entries have been removed from your lists"
        else:
            message = "Your conflict has been recorded. That entry has been removed from your lists"
        flash(message + ". Any scores you gave are kept but no longer counted.", "success")
    return see_other(url_for(".declare_conflicts", category_id=place.category_id))
