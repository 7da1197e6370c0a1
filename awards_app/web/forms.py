"""What every form of the site shares: the button form, the Required check, length messages, the email address box,
and the steps of a form that changes something (run the operation, commit, or show the service's refusal on the form).
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from flask import abort, flash
from flask_wtf import FlaskForm
from wtforms import EmailField
from wtforms.validators import Length, StopValidation

from awards_app.core import uow
from awards_app.core.columns import EMAIL_LENGTH
from awards_app.core.errors import DomainError
from awards_app.web.htmx import render_page


class ActionForm(FlaskForm):
    """A form with only a CSRF token: for buttons (confirm, delete, send the email again, start now)."""


class Required:
    """Like InputRequired, but spaces alone count as empty, and the only error shown is this message.

    (A blank number or date box would otherwise also say "not a valid value" before "enter ...".)
    """

    field_flags = {"required": True}

    def __init__(self, message: str):
        self.message = message

    def __call__(self, form, field):
        if is_blank(field):
            field.errors[:] = []
            raise StopValidation(self.message)


def is_blank(field) -> bool:
    """Whether nothing (or only spaces) was typed into the field."""
    return not field.raw_data or not str(field.raw_data[0]).strip()


def at_most(length: int, what: str) -> Length:
    """A length limit with a message in plain words: "{what} must be {length} characters or fewer"."""
    return Length(max=length, message=f"{what} must be {length} characters or fewer")


def email_field(required, autocomplete: str) -> EmailField:
    """An "Email address" box; `required` is the check for an empty box (Required or InputRequired, with its words)."""
    return EmailField(
        "Email address",
        validators=[required, at_most(EMAIL_LENGTH, "Email address")],
        render_kw={"autocomplete": autocomplete, "spellcheck": "false"},
    )


def render_form(template: str, form, **context):
    """Show a page whose form is `form`; 422 when it comes back with errors."""
    return render_page(template, form=form, status=422 if form.errors else 200, **context)


def show_refusal(
    form,
    refusal: DomainError,
    *,
    otherwise=None,
    prefix: str = "",
    renamed: Mapping[str, str] | None = None,
    messages: Mapping[str | None, str] | None = None,
) -> None:
    """Put a service's refusal on the field it names, else on the field `otherwise` (when given), else above the form.

    The form's field may be called otherwise than the service's (`renamed`, or a `prefix` before every name), and a
    moment's refusal shows on its date box (`<name>_date`). A refusal that names several fields gives `messages`,
    field by field (judging's ReasonsMissing carries them in `fields`, which is read without being asked).
    """
    messages = messages or getattr(refusal, "fields", None) or {refusal.field: refusal.message}
    for name, message in messages.items():
        field = _field_for(form, name, prefix, renamed or {})
        if field is None:
            field = otherwise
        if field is None:
            form.form_errors.append(message)
        else:
            field.errors = [*field.errors, message]  # errors is a tuple until the form has been validated


def _field_for(form, name: str | None, prefix: str, renamed: Mapping[str, str]):
    """The form's field for a name the service used, or None."""
    if not name:
        return None
    name = prefix + renamed.get(name, name)
    for candidate in (name, f"{name}_date"):
        if candidate in form:
            return form[candidate]
    return None


@dataclass(frozen=True)
class Saved:
    """A form's change was made and committed; `result` is what the operation returned."""

    result: object = None


def save_form(form, operation: Callable[[], object], *, audited: bool = False, **placing) -> Saved | None:
    """When a valid form was posted, run the operation and commit: Saved. None means show the form again (nothing
    valid was posted, or the service refused: its refusal is on the form, placed as show_refusal's `placing` says).

    `audited`: commit a refusal too, so that the operation's audit record of it stays (a wrong password or code).
    """
    if not form.validate_on_submit():
        return None
    try:
        result = operation()
    except DomainError as refusal:
        if audited:
            uow.commit()
        show_refusal(form, refusal, **placing)
        return None
    uow.commit()
    return Saved(result)


def button_action(form, operation: Callable[[], object], success_message: Callable[[object], str]) -> None:
    """Run what a posted button asks (400 when its form is not valid), and commit; then flash success_message(result),
    or the service's refusal as an error."""
    if not form.validate_on_submit():
        abort(400)
    try:
        result = operation()
    except DomainError as refusal:
        flash(refusal.message, "error")
    else:
        uow.commit()
        flash(success_message(result), "success")
