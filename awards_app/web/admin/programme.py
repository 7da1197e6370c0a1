"""The organisers' area: editions, their categories and questions, and the judging criteria (the
edition's, and a category's own).

Every view loads what its URL names (404 when an id does not exist or sits under another parent than the URL says),
parses a form, calls one service operation, commits once, and answers with a 303 redirect or the page again.
"""
from __future__ import annotations

from flask import abort, flash, request, url_for

from awards_app.core import uow
from awards_app.core.errors import DomainError
from awards_app.extensions import db
from awards_app.programme import categories, editions
from awards_app.programme.criteria import criteria_for, uses_own_criteria
from awards_app.programme.models import Category, Criterion, Question
from awards_app.programme.phases import PHASE_DATES, Phase, phase_of
from awards_app.web.access import organiser_required
from awards_app.web.admin import bp
from awards_app.web.admin.forms import (
    CategoryForm,
    CriterionForm,
    EditionForm,
    QuestionForm,
)
from awards_app.web.admin.shared import (
    EDITION,
    category_or_404,
    edition_or_404,
    move,
    trail,
)
from awards_app.web.caching import page_cache
from awards_app.web.forms import ActionForm, button_action, render_form, save_form
from awards_app.web.htmx import render_page
from awards_app.web.responses import see_other
from awards_app.web.signed_in import current_actor

CATEGORY = EDITION + "/categories/<int:category_id>"
QUESTION = CATEGORY + "/questions/<int:question_id>"
CRITERION = EDITION + "/criteria/<int:criterion_id>"


# --- Loading what the URL names ----------------------------------------------------------------------------------


def _question(edition_id: int, category_id: int, question_id: int) -> Question:
    """The question, or 404 when it does not exist or sits under another category or edition."""
    category = category_or_404(edition_id, category_id)
    question = db.get_or_404(Question, question_id)
    if question.category_id != category.id:
        abort(404)
    return question


def _criterion(edition_id: int, criterion_id: int) -> Criterion:
    """The criterion, or 404 when it does not exist or belongs to another edition."""
    criterion = db.get_or_404(Criterion, criterion_id)
    if criterion.edition_id != edition_id:
        abort(404)
    return criterion


# --- Deleting ----------------------------------------------------------------------------------------------------


def _confirm_delete(form, operation, kept_because: str | None):
    """Run a confirmed delete: True when done; otherwise the reason it cannot be done (None while unconfirmed)."""
    if kept_because is not None or not form.validate_on_submit():
        return kept_because
    try:
        operation()
    except DomainError as refusal:  # something arrived since the page was shown
        return refusal.message
    uow.commit()
    return True


def _confirm_page(form, outcome, **context):
    """The 'Are you sure?' page, or why the thing must stay (409 when a delete was refused)."""
    status = 409 if outcome and request.method == "POST" else 200
    return render_page("admin/confirm_delete.html", form=form, kept_because=outcome, status=status, **context)


# --- Editions --------------------------------------------------------------------------------------------------


@bp.route("/editions/new", methods=["GET", "POST"])
@organiser_required
def new_edition():
    """Create an edition."""
    form = EditionForm()
    if saved := save_form(form, lambda: editions.create_edition(current_actor(), **form.values())):
        edition = saved.result
        flash(f"‘{edition.name}’ has been created. Now add its categories and judging criteria.", "success")
        return see_other(url_for(".show_edition", edition_id=edition.id))
    return render_form("admin/edition_form.html", form, edition=None, phase_dates=PHASE_DATES, trail=trail())


# The parts of an edition's page, each at its own address (?part=...): the summary, its categories, its criteria.
EDITION_PARTS = ("", "categories", "criteria")


@bp.get(EDITION)
@organiser_required
def show_edition(edition_id: int):
    """Show an edition: who can see it and its dates; or, on their own parts, its categories or its criteria."""
    edition = edition_or_404(edition_id)
    part = request.args.get("part", "")
    if part not in EDITION_PARTS:
        abort(404)
    return render_page(
        "admin/edition.html", edition=edition, phase=phase_of(edition), phase_dates=PHASE_DATES, trail=trail(),
        missing=editions.announcement_problems(edition) if edition.is_draft else [], part=part,
    )


@bp.route(EDITION + "/edit", methods=["GET", "POST"])
@organiser_required
def edit_edition(edition_id: int):
    """Change an edition's details and dates."""
    edition = edition_or_404(edition_id)
    form = EditionForm(data=EditionForm.initial_data(edition))
    if save_form(form, lambda: editions.update_edition(current_actor(), edition, **form.values(edition))):
        flash(f"‘{edition.name}’ has been updated.", "success")
        return see_other(url_for(".show_edition", edition_id=edition.id))
    return render_form("admin/edition_form.html", form, edition=edition, phase_dates=PHASE_DATES, trail=trail(edition))


@bp.route(EDITION + "/announce", methods=["GET", "POST"])
@organiser_required
def announce_edition(edition_id: int):
    """Say what the public will see and what is missing; announce the draft edition once confirmed."""
    edition = edition_or_404(edition_id)
    form = ActionForm()
    if edition.is_public:
        flash(f"‘{edition.name}’ has been announced already.", "success")
        return see_other(url_for(".show_edition", edition_id=edition.id))
    if save_form(form, lambda: editions.announce_edition(current_actor(), edition)):
        page_cache.clear()  # this worker's copies of public pages show the edition at once, not in two seconds
        flash(f"‘{edition.name}’ has been announced: the public can see it now.", "success")
        return see_other(url_for(".show_edition", edition_id=edition.id))
    missing = editions.announcement_problems(edition)
    showing = editions.current_edition()
    return render_page(
        "admin/announce.html", form=form, edition=edition, missing=missing, phase_dates=PHASE_DATES,
        # The home page changes over at once unless another year's awards are still under way.
        still_showing=showing if showing is not None and phase_of(showing) is not Phase.ARCHIVE else None,
        status=409 if missing and request.method == "POST" else 200, trail=trail(edition),
    )


@bp.route(EDITION + "/return-to-draft", methods=["GET", "POST"])
@organiser_required
def return_to_draft(edition_id: int):
    """Ask for confirmation, then take an announcement back while nobody can have taken part yet."""
    edition = edition_or_404(edition_id)
    form = ActionForm()
    if save_form(form, lambda: editions.return_to_draft(current_actor(), edition)):
        page_cache.clear()  # this worker's copies of public pages forget the edition at once, not in two seconds
        flash(f"‘{edition.name}’ is a draft again: the public cannot see it.", "success")
        return see_other(url_for(".show_edition", edition_id=edition.id))
    kept_because = editions.draft_kept_because(edition)
    return render_page(
        "admin/return_to_draft.html", form=form, edition=edition, kept_because=kept_because,
        status=409 if kept_because and request.method == "POST" else 200, trail=trail(edition),
    )


# --- Categories --------------------------------------------------------------------------------------------------


@bp.route(EDITION + "/categories/new", methods=["GET", "POST"])
@organiser_required
def new_category(edition_id: int):
    """Add a category to an edition."""
    edition = edition_or_404(edition_id)
    form = CategoryForm()
    if saved := save_form(form, lambda: categories.add_category(current_actor(), edition, **form.values())):
        category = saved.result
        flash(f"‘{category.name}’ has been added. Now add the questions nominators answer.", "success")
        return see_other(url_for(".show_category", edition_id=edition.id, category_id=category.id))
    return render_form("admin/category_form.html", form, edition=edition, category=None, trail=trail(edition))


@bp.get(CATEGORY)
@organiser_required
def show_category(edition_id: int, category_id: int):
    """Show a category, its questions in order, and the criteria its entries are judged on."""
    category = category_or_404(edition_id, category_id)
    return render_page(
        "admin/category.html", edition=category.edition, category=category, trail=trail(category.edition),
        criteria=criteria_for(category), own_criteria=uses_own_criteria(category),
        switch_kept_because=categories.criteria_switch_kept_because(category), form=ActionForm(),
    )


@bp.route(CATEGORY + "/edit", methods=["GET", "POST"])
@organiser_required
def edit_category(edition_id: int, category_id: int):
    """Change a category."""
    category = category_or_404(edition_id, category_id)
    form = CategoryForm(obj=category)
    if save_form(form, lambda: categories.update_category(current_actor(), category, **form.values())):
        flash(f"‘{category.name}’ has been updated.", "success")
        return see_other(url_for(".show_category", edition_id=edition_id, category_id=category.id))
    return render_form("admin/category_form.html", form, edition=category.edition, category=category,
                       trail=trail(category.edition, category))


@bp.route(CATEGORY + "/delete", methods=["GET", "POST"])
@organiser_required
def delete_category(edition_id: int, category_id: int):
    """Ask for confirmation, then delete a category and its questions."""
    category = category_or_404(edition_id, category_id)
    name, form = category.name, ActionForm()
    outcome = _confirm_delete(
        form, lambda: categories.delete_category(current_actor(), category), categories.category_kept_because(category)
    )
    if outcome is True:
        flash(f"‘{name}’ has been deleted.", "success")
        return see_other(url_for(".show_edition", edition_id=edition_id, part="categories"))
    questions = len(category.questions)
    consequence = f"Its {questions} question{'' if questions == 1 else 's'} will be deleted too." if questions else ""
    return _confirm_page(
        form,
        outcome,
        title=f"Delete the category ‘{name}’",
        consequence=consequence,
        cancel_url=url_for(".show_category", edition_id=edition_id, category_id=category.id),
        trail=trail(category.edition, category),
    )


@bp.post(CATEGORY + "/move")
@organiser_required
def move_category(edition_id: int, category_id: int):
    """Move a category up or down the edition's list."""
    category = category_or_404(edition_id, category_id)
    move(categories.move_category, category, f"‘{category.name}’")
    return see_other(url_for(".show_edition", edition_id=edition_id, part="categories",
                             _anchor=f"category-{category.id}"))


# --- Questions ---------------------------------------------------------------------------------------------------


@bp.route(CATEGORY + "/questions/new", methods=["GET", "POST"])
@organiser_required
def new_question(edition_id: int, category_id: int):
    """Add a question to a category."""
    category = category_or_404(edition_id, category_id)
    form = QuestionForm()
    if save_form(form, lambda: categories.add_question(current_actor(), category, **form.values())):
        flash("The question has been added.", "success")
        return see_other(url_for(".show_category", edition_id=edition_id, category_id=category.id))
    return _question_page(form, category, question=None)


@bp.route(QUESTION + "/edit", methods=["GET", "POST"])
@organiser_required
def edit_question(edition_id: int, category_id: int, question_id: int):
    """Change a question."""
    question = _question(edition_id, category_id, question_id)
    form = QuestionForm(obj=question)
    if save_form(form, lambda: categories.update_question(current_actor(), question, **form.values())):
        flash("The question has been updated.", "success")
        return see_other(url_for(".show_category", edition_id=edition_id, category_id=category_id))
    return _question_page(form, question.category, question)


def _question_page(form: QuestionForm, category, question: Question | None):
    """The form of a new question (question None) or of one to change."""
    return render_form("admin/question_form.html", form, edition=category.edition, category=category,
                       question=question, trail=trail(category.edition, category))


@bp.route(QUESTION + "/delete", methods=["GET", "POST"])
@organiser_required
def delete_question(edition_id: int, category_id: int, question_id: int):
    """Ask for confirmation, then delete a question."""
    question = _question(edition_id, category_id, question_id)
    form = ActionForm()
    outcome = _confirm_delete(
        form, lambda: categories.delete_question(current_actor(), question), categories.question_kept_because(question)
    )
    if outcome is True:
        flash("The question has been deleted.", "success")
        return see_other(url_for(".show_category", edition_id=edition_id, category_id=category_id))
    return _confirm_page(
        form,
        outcome,
        title="Delete the question",
        quoted=question.prompt,
        cancel_url=url_for(".show_category", edition_id=edition_id, category_id=category_id),
        trail=trail(question.category.edition, question.category),
    )


@bp.post(QUESTION + "/move")
@organiser_required
def move_question(edition_id: int, category_id: int, question_id: int):
    """Move a question up or down the category's list."""
    question = _question(edition_id, category_id, question_id)
    move(categories.move_question, question, "The question")
    return see_other(url_for(".show_category", edition_id=edition_id, category_id=category_id,
                             _anchor=f"question-{question.id}"))


# --- Criteria ----------------------------------------------------------------------------------------------------


def _criteria_url(edition_id: int, category: Category | None) -> str:
    """Where a criterion's set is listed: the category's page for its own criteria, else the edition's page."""
    if category is not None:
        return url_for(".show_category", edition_id=edition_id, category_id=category.id, _anchor="criteria")
    return url_for(".show_edition", edition_id=edition_id, part="criteria", _anchor="criteria")


def _criterion_page(form: CriterionForm, edition, category: Category | None, criterion: Criterion | None):
    """The form of a new criterion (criterion None) or of one to change, for the edition's set or a category's."""
    return render_form(
        "admin/criterion_form.html", form, edition=edition, category=category, criterion=criterion,
        cancel_url=_criteria_url(edition.id, category), trail=trail(edition, category),
    )


@bp.route(EDITION + "/criteria/new", methods=["GET", "POST"])
@organiser_required
def new_criterion(edition_id: int):
    """Add a judging criterion to an edition."""
    edition = edition_or_404(edition_id)
    form = CriterionForm()
    if saved := save_form(form, lambda: categories.add_criterion(current_actor(), edition, **form.values())):
        flash(f"The criterion ‘{saved.result.name}’ has been added.", "success")
        return see_other(_criteria_url(edition.id, None))
    return _criterion_page(form, edition, None, None)


@bp.route(CATEGORY + "/criteria/new", methods=["GET", "POST"])
@organiser_required
def new_category_criterion(edition_id: int, category_id: int):
    """Add a criterion to a category's own set."""
    category = category_or_404(edition_id, category_id)
    form = CriterionForm()
    if saved := save_form(
        form, lambda: categories.add_criterion(current_actor(), category.edition, category, **form.values())
    ):
        flash(f"The criterion ‘{saved.result.name}’ has been added to ‘{category.name}’.", "success")
        return see_other(_criteria_url(edition_id, category))
    return _criterion_page(form, category.edition, category, None)


@bp.post(CATEGORY + "/criteria/own")
@organiser_required
def give_own_criteria(edition_id: int, category_id: int):
    """Give a category criteria of its own, copied from the edition's as a start."""
    category = category_or_404(edition_id, category_id)
    button_action(
        ActionForm(),
        lambda: categories.give_own_criteria(current_actor(), category),
        lambda _: f"‘{category.name}’ now has criteria of its own, copied from the edition's: change them as needed.",
    )
    return see_other(_criteria_url(edition_id, category))


@bp.route(CATEGORY + "/criteria/shared", methods=["GET", "POST"])
@organiser_required
def use_edition_criteria(edition_id: int, category_id: int):
    """Ask for confirmation, then have a category use the edition's criteria again (its own are deleted)."""
    category = category_or_404(edition_id, category_id)
    form = ActionForm()
    kept_because = categories.criteria_switch_kept_because(category)
    if kept_because is None and not uses_own_criteria(category):
        kept_because = f"‘{category.name}’ already uses the edition's criteria."
    outcome = _confirm_delete(form, lambda: categories.use_edition_criteria(current_actor(), category), kept_because)
    if outcome is True:
        flash(f"‘{category.name}’ now uses the edition's criteria.", "success")
        return see_other(_criteria_url(edition_id, category))
    own = len(category.own_criteria)
    return _confirm_page(
        form,
        outcome,
        title=f"Use the edition's criteria for ‘{category.name}’",
        consequence=f"Its own {own} criteri{'on' if own == 1 else 'a'} will be deleted.",
        cancel_url=_criteria_url(edition_id, category),
        trail=trail(category.edition, category),
    )


@bp.route(CRITERION + "/edit", methods=["GET", "POST"])
@organiser_required
def edit_criterion(edition_id: int, criterion_id: int):
    """Change a judging criterion."""
    criterion = _criterion(edition_id, criterion_id)
    form = CriterionForm(obj=criterion)
    if save_form(form, lambda: categories.update_criterion(current_actor(), criterion, **form.values())):
        flash(f"The criterion ‘{criterion.name}’ has been updated.", "success")
        return see_other(_criteria_url(edition_id, criterion.category))
    return _criterion_page(form, criterion.edition, criterion.category, criterion)


@bp.route(CRITERION + "/delete", methods=["GET", "POST"])
@organiser_required
def delete_criterion(edition_id: int, criterion_id: int):
    """Ask for confirmation, then delete a judging criterion."""
    criterion = _criterion(edition_id, criterion_id)
    name, category, form = criterion.name, criterion.category, ActionForm()
    outcome = _confirm_delete(
        form, lambda: categories.delete_criterion(current_actor(), criterion),
        categories.criterion_kept_because(criterion),
    )
    if outcome is True:
        flash(f"The criterion ‘{name}’ has been deleted.", "success")
        return see_other(_criteria_url(edition_id, category))
    return _confirm_page(
        form,
        outcome,
        title=f"Delete the criterion ‘{name}’",
        cancel_url=_criteria_url(edition_id, category),
        trail=trail(criterion.edition, category),
    )
