"""The organisers' security page: requiring two-factor sign-in of every organiser, and resetting someone's
two-factor sign-in when they have lost their phone."""
from __future__ import annotations

from flask import flash
from flask_wtf import FlaskForm
from wtforms import BooleanField

from awards_app.accounts import two_factor
from awards_app.accounts.models import User
from awards_app.core import uow
from awards_app.core.errors import DomainError
from awards_app.extensions import db
from awards_app.programme import editions
from awards_app.web.access import organiser_required
from awards_app.web.admin.forms import ActionForm
from awards_app.web.admin.routes import _actor, _button_action, _see_other, _trail, bp
from awards_app.web.htmx import render_page


class RequirementForm(FlaskForm):
    """Whether every organiser must sign in with two-factor codes."""

    required = BooleanField("Require two-factor sign-in of every organiser")


def _security_page(form, edition, status: int = 200):
    """The page: the requirement's form, and everyone whose two-factor sign-in an organiser can see or reset."""
    return render_page(
        "admin/security.html",
        form=form,
        edition=edition,
        accounts=two_factor.accounts_for_security_page(),
        trail=_trail(),
        status=status,
    )


@bp.route("/security", methods=["GET", "POST"])
@organiser_required
def security():
    """Show and change whether organisers must use two-factor sign-in; list who uses it."""
    edition = editions.current_edition()
    form = RequirementForm(data={"required": bool(edition and edition.organisers_need_two_factor)})
    if edition is not None and form.validate_on_submit():
        try:
            two_factor.require_of_organisers(_actor(), edition, form.required.data)
        except DomainError as refusal:
            form.required.errors.append(refusal.message)
        else:
            uow.commit()
            flash("Two-factor sign-in is now required of every organiser." if form.required.data
                  else "Two-factor sign-in is no longer required of organisers.", "success")
            return _see_other(".security")
    return _security_page(form, edition, status=422 if form.errors else 200)


@bp.post("/security/accounts/<int:user_id>/reset-two-factor")
@organiser_required
def reset_two_factor(user_id: int):
    """Switch off someone else's two-factor sign-in (they lost their phone): they sign in with their password next."""
    user = db.get_or_404(User, user_id)
    _button_action(
        ActionForm(),
        lambda: two_factor.reset(_actor(), user),
        lambda _: f"Two-factor sign-in has been reset for {user.email}. They have been signed out everywhere.",
    )
    return _see_other(".security")
