"""The organisers' security page: requiring two-factor sign-in of every organiser, and resetting someone's
two-factor sign-in when they have lost their phone."""
from __future__ import annotations

from flask import flash, url_for
from flask_wtf import FlaskForm
from wtforms import BooleanField

from awards_app.accounts import two_factor
from awards_app.accounts.models import User
from awards_app.extensions import db
from awards_app.programme import editions
from awards_app.web.access import organiser_required
from awards_app.web.admin import bp
from awards_app.web.admin.shared import trail
from awards_app.web.forms import ActionForm, button_action, render_form, save_form
from awards_app.web.responses import see_other
from awards_app.web.signed_in import current_actor


class RequirementForm(FlaskForm):
    """Whether every organiser must sign in with two-factor codes."""

    required = BooleanField("Require two-factor sign-in of every organiser")


@bp.route("/security", methods=["GET", "POST"])
@organiser_required
def security():
    """Show and change whether organisers must use two-factor sign-in; list who uses it."""
    edition = editions.current_edition()
    form = RequirementForm(data={"required": bool(edition and edition.organisers_need_two_factor)})
    if edition is not None and save_form(
        form, lambda: two_factor.require_of_organisers(current_actor(), edition, form.required.data),
        otherwise=form.required,
    ):
        flash("Two-factor sign-in is now required of every organiser." if form.required.data
              else "Two-factor sign-in is no longer required of organisers.", "success")
        return see_other(url_for(".security"))
    return render_form(
        "admin/security.html", form, edition=edition, accounts=two_factor.accounts_for_security_page(), trail=trail()
    )


@bp.post("/security/accounts/<int:user_id>/reset-two-factor")
@organiser_required
def reset_two_factor(user_id: int):
    """Switch off someone else's two-factor sign-in (they lost their phone): they sign in with their password next."""
    user = db.get_or_404(User, user_id)
    button_action(
        ActionForm(),
        lambda: two_factor.reset(current_actor(), user),
        lambda _: f"Two-factor sign-in has been reset for {user.email}. They have been signed out everywhere.",
    )
    return see_other(url_for(".security"))
