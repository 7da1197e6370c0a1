"""The organisers' area: editions, their categories and questions, and the judging criteria.

Every view loads what its URL names (404 when an id does not exist or sits under another parent than the URL says),
parses a form, calls one service operation, commits once, and answers with a 303 redirect or the page again.
"""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_login import current_user

from awards_app.core import uow
from awards_app.core.errors import DomainError
from awards_app.extensions import db
from awards_app.programme import categories, editions
from awards_app.programme.models import Category, Criterion, Edition, Question
from awards_app.programme.phases import PHASE_DATES, phase_of
from awards_app.web.access import organiser_required
from awards_app.web.admin.forms import ActionForm, CategoryForm, CriterionForm, EditionForm, MoveForm, QuestionForm
from awards_app.web.htmx import render_page

bp = Blueprint("admin", __name__)

EDITION = "/editions/<int:edition_id>"
CATEGORY = EDITION + "/categories/<int:category_id>"
QUESTION = CATEGORY + "/questions/<int:question_id>"
CRITERION = EDITION + "/criteria/<int:criterion_id>"


# --- Loading what the URL names ----------------------------------------------------------------------------------


def _edition(edition_id: int) -> Edition:
    """The edition, or 404."""
    return db.get_or_404(Edition, edition_id)


def _in_edition(model, edition_id: int, item_id: int):
    """The row of `model` with this id, or 404 when it does not exist or belongs to another edition."""
    item = db.get_or_404(model, item_id)
    if item.edition_id != edition_id:
        abort(404)
    return item


def _category(edition_id: int, category_id: int) -> Category:
    """The category, or 404 when it does not exist or belongs to another edition."""
    return _in_edition(Category, edition_id, category_id)


def _question(edition_id: int, category_id: int, question_id: int) -> Question:
    """The question, or 404 when it does not exist or sits under another category or edition."""
    category = _category(edition_id, category_id)
    question = db.get_or_404(Question, question_id)
    if question.category_id != category.id:
        abort(404)
    return question


def _criterion(edition_id: int, criterion_id: int) -> Criterion:
    """The criterion, or 404 when it does not exist or belongs to another edition."""
    return _in_edition(Criterion, edition_id, criterion_id)


# --- Shared steps ------------------------------------------------------------------------------------------------


def _actor():
    """The signed-in organiser, as a plain object for the services."""
    return current_user._get_current_object()


def _see_other(endpoint: str, anchor: str | None = None, **values):
    """Redirect after a change, so that reloading the next page does not post again."""
    return redirect(url_for(endpoint, _anchor=anchor, **values), code=303)


def _trail(edition: Edition | None = None, category: Category | None = None) -> list[tuple[str, str]]:
    """The breadcrumbs above a page: the dashboard, then the edition and category it sits under."""
    trail = [("Organisers' area", url_for(".dashboard"))]
    if edition is not None:
        trail.append((edition.name, url_for(".show_edition", edition_id=edition.id)))
    if category is not None:
        trail.append((category.name, url_for(".show_category", edition_id=edition.id, category_id=category.id)))
    return trail


def _run(form, operation):
    """When a valid form was posted, call the operation with its values and commit; None means show the form."""
    if not form.validate_on_submit():
        return None
    try:
        result = operation(**form.values())
    except DomainError as refusal:
        _show_refusal(form, refusal)
        return None
    uow.commit()
    return result


def _show_refusal(form, refusal: DomainError) -> None:
    """Put a service's refusal on the field it names (a phase date shows on its date box), or above the form."""
    if refusal.field:
        for name in (refusal.field, f"{refusal.field}_date"):
            if name in form:
                form[name].errors.append(refusal.message)
                return
    form.form_errors.append(refusal.message)


def _form_page(template: str, form, **context):
    """Show a form; 422 when it comes back with errors."""
    return render_page(template, form=form, status=422 if form.errors else 200, **context)


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


def _button_action(form, operation, success_message) -> None:
    """Run what a posted button asks (400 if its form is invalid), then flash success_message(result) or the refusal."""
    if not form.validate_on_submit():
        abort(400)
    try:
        result = operation()
    except DomainError as refusal:
        flash(refusal.message, "error")
    else:
        uow.commit()
        flash(success_message(result), "success")


def _move(operation, subject, label: str) -> None:
    """Move an item up or down (the direction comes from the button pressed), saying what happened."""
    form = MoveForm()
    _button_action(
        form,
        lambda: operation(_actor(), subject, form.direction.data),
        lambda _: f"{label} has been moved {form.direction.data}.",
    )


# --- Dashboard and editions --------------------------------------------------------------------------------------


@bp.get("/")
@organiser_required
def dashboard():
    """List the editions, each with its phase."""
    return render_page("admin/dashboard.html", editions=editions.list_editions(), phase_of=phase_of)


@bp.route("/editions/new", methods=["GET", "POST"])
@organiser_required
def new_edition():
    """Create an edition."""
    form = EditionForm()
    edition = _run(form, lambda **values: editions.create_edition(_actor(), **values))
    if edition is not None:
        flash(f"‘{edition.name}’ has been created. Now add its categories and judging criteria.", "success")
        return _see_other(".show_edition", edition_id=edition.id)
    return _form_page("admin/edition_form.html", form, edition=None, phase_dates=PHASE_DATES, trail=_trail())


@bp.get(EDITION)
@organiser_required
def show_edition(edition_id: int):
    """Show an edition: its dates, its categories in order, and its judging criteria."""
    edition = _edition(edition_id)
    return render_page(
        "admin/edition.html",
        edition=edition,
        phase=phase_of(edition),
        phase_dates=PHASE_DATES,
        trail=_trail(),
    )


@bp.route(EDITION + "/edit", methods=["GET", "POST"])
@organiser_required
def edit_edition(edition_id: int):
    """Change an edition's details and dates."""
    edition = _edition(edition_id)
    form = EditionForm(data=EditionForm.initial_data(edition))
    if _run(form, lambda **values: editions.update_edition(_actor(), edition, **values)) is not None:
        flash(f"‘{edition.name}’ has been updated.", "success")
        return _see_other(".show_edition", edition_id=edition.id)
    return _form_page(
        "admin/edition_form.html", form, edition=edition, phase_dates=PHASE_DATES, trail=_trail(edition)
    )


# --- Categories --------------------------------------------------------------------------------------------------


@bp.route(EDITION + "/categories/new", methods=["GET", "POST"])
@organiser_required
def new_category(edition_id: int):
    """Add a category to an edition."""
    edition = _edition(edition_id)
    form = CategoryForm()
    category = _run(form, lambda **values: categories.add_category(_actor(), edition, **values))
    if category is not None:
        flash(f"‘{category.name}’ has been added. Now add the questions nominators answer.", "success")
        return _see_other(".show_category", edition_id=edition.id, category_id=category.id)
    return _form_page("admin/category_form.html", form, edition=edition, category=None, trail=_trail(edition))


@bp.get(CATEGORY)
@organiser_required
def show_category(edition_id: int, category_id: int):
    """Show a category and its questions in order."""
    category = _category(edition_id, category_id)
    return render_page(
        "admin/category.html",
        edition=category.edition,
        category=category,
        trail=_trail(category.edition),
    )


@bp.route(CATEGORY + "/edit", methods=["GET", "POST"])
@organiser_required
def edit_category(edition_id: int, category_id: int):
    """Change a category."""
    category = _category(edition_id, category_id)
    form = CategoryForm(obj=category)
    if _run(form, lambda **values: categories.update_category(_actor(), category, **values)) is not None:
        flash(f"‘{category.name}’ has been updated.", "success")
        return _see_other(".show_category", edition_id=edition_id, category_id=category.id)
    return _form_page(
        "admin/category_form.html",
        form,
        edition=category.edition,
        category=category,
        trail=_trail(category.edition, category),
    )


@bp.route(CATEGORY + "/delete", methods=["GET", "POST"])
@organiser_required
def delete_category(edition_id: int, category_id: int):
    """Ask for confirmation, then delete a category and its questions."""
    category = _category(edition_id, category_id)
    name, form = category.name, ActionForm()
    outcome = _confirm_delete(
        form, lambda: categories.delete_category(_actor(), category), categories.category_kept_because(category)
    )
    if outcome is True:
        flash(f"‘{name}’ has been deleted.", "success")
        return _see_other(".show_edition", edition_id=edition_id)
    questions = len(category.questions)
    consequence = f"Its {questions} question{'' if questions == 1 else 's'} will be deleted too." if questions else ""
    return _confirm_page(
        form,
        outcome,
        title=f"Delete the category ‘{name}’",
        consequence=consequence,
        cancel_url=url_for(".show_category", edition_id=edition_id, category_id=category.id),
        trail=_trail(category.edition, category),
    )


@bp.post(CATEGORY + "/move")
@organiser_required
def move_category(edition_id: int, category_id: int):
    """Move a category up or down the edition's list."""
    category = _category(edition_id, category_id)
    _move(categories.move_category, category, f"‘{category.name}’")
    return _see_other(".show_edition", anchor=f"category-{category.id}", edition_id=edition_id)


# --- Questions ---------------------------------------------------------------------------------------------------


@bp.route(CATEGORY + "/questions/new", methods=["GET", "POST"])
@organiser_required
def new_question(edition_id: int, category_id: int):
    """Add a question to a category."""
    category = _category(edition_id, category_id)
    form = QuestionForm()
    if _run(form, lambda **values: categories.add_question(_actor(), category, **values)) is not None:
        flash("The question has been added.", "success")
        return _see_other(".show_category", edition_id=edition_id, category_id=category.id)
    return _form_page(
        "admin/question_form.html",
        form,
        edition=category.edition,
        category=category,
        question=None,
        trail=_trail(category.edition, category),
    )


@bp.route(QUESTION + "/edit", methods=["GET", "POST"])
@organiser_required
def edit_question(edition_id: int, category_id: int, question_id: int):
    """Change a question."""
    question = _question(edition_id, category_id, question_id)
    form = QuestionForm(obj=question)
    if _run(form, lambda **values: categories.update_question(_actor(), question, **values)) is not None:
        flash("The question has been updated.", "success")
        return _see_other(".show_category", edition_id=edition_id, category_id=category_id)
    return _form_page(
        "admin/question_form.html",
        form,
        edition=question.category.edition,
        category=question.category,
        question=question,
        trail=_trail(question.category.edition, question.category),
    )


@bp.route(QUESTION + "/delete", methods=["GET", "POST"])
@organiser_required
def delete_question(edition_id: int, category_id: int, question_id: int):
    """Ask for confirmation, then delete a question."""
    question = _question(edition_id, category_id, question_id)
    form = ActionForm()
    outcome = _confirm_delete(
        form, lambda: categories.delete_question(_actor(), question), categories.question_kept_because(question)
    )
    if outcome is True:
        flash("The question has been deleted.", "success")
        return _see_other(".show_category", edition_id=edition_id, category_id=category_id)
    return _confirm_page(
        form,
        outcome,
        title="Delete the question",
        quoted=question.prompt,
        cancel_url=url_for(".show_category", edition_id=edition_id, category_id=category_id),
        trail=_trail(question.category.edition, question.category),
    )


@bp.post(QUESTION + "/move")
@organiser_required
def move_question(edition_id: int, category_id: int, question_id: int):
    """Move a question up or down the category's list."""
    question = _question(edition_id, category_id, question_id)
    _move(categories.move_question, question, "The question")
    return _see_other(
        ".show_category", anchor=f"question-{question.id}", edition_id=edition_id, category_id=category_id
    )


# --- Criteria ----------------------------------------------------------------------------------------------------


@bp.route(EDITION + "/criteria/new", methods=["GET", "POST"])
@organiser_required
def new_criterion(edition_id: int):
    """Add a judging criterion to an edition."""
    edition = _edition(edition_id)
    form = CriterionForm()
    criterion = _run(form, lambda **values: categories.add_criterion(_actor(), edition, **values))
    if criterion is not None:
        flash(f"The criterion ‘{criterion.name}’ has been added.", "success")
        return _see_other(".show_edition", anchor="criteria", edition_id=edition.id)
    return _form_page("admin/criterion_form.html", form, edition=edition, criterion=None, trail=_trail(edition))


@bp.route(CRITERION + "/edit", methods=["GET", "POST"])
@organiser_required
def edit_criterion(edition_id: int, criterion_id: int):
    """Change a judging criterion."""
    criterion = _criterion(edition_id, criterion_id)
    form = CriterionForm(obj=criterion)
    if _run(form, lambda **values: categories.update_criterion(_actor(), criterion, **values)) is not None:
        flash(f"The criterion ‘{criterion.name}’ has been updated.", "success")
        return _see_other(".show_edition", anchor="criteria", edition_id=edition_id)
    return _form_page(
        "admin/criterion_form.html",
        form,
        edition=criterion.edition,
        criterion=criterion,
        trail=_trail(criterion.edition),
    )


@bp.route(CRITERION + "/delete", methods=["GET", "POST"])
@organiser_required
def delete_criterion(edition_id: int, criterion_id: int):
    """Ask for confirmation, then delete a judging criterion."""
    criterion = _criterion(edition_id, criterion_id)
    name, form = criterion.name, ActionForm()
    outcome = _confirm_delete(
        form, lambda: categories.delete_criterion(_actor(), criterion), categories.criterion_kept_because(criterion)
    )
    if outcome is True:
        flash(f"The criterion ‘{name}’ has been deleted.", "success")
        return _see_other(".show_edition", anchor="criteria", edition_id=edition_id)
    return _confirm_page(
        form,
        outcome,
        title=f"Delete the criterion ‘{name}’",
        cancel_url=url_for(".show_edition", edition_id=edition_id, _anchor="criteria"),
        trail=_trail(criterion.edition),
    )
