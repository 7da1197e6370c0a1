"""The organisers' security page: who uses two-factor sign-in, whether the site requires it of organisers, and
resetting someone's two-factor sign-in when they have lost their phone."""
from __future__ import annotations

from flask import url_for

from awards_app.accounts import two_factor
from awards_app.accounts.models import User
from awards_app.extensions import db
from awards_app.web.access import organiser_required
from awards_app.web.admin import bp
from awards_app.web.admin.shared import trail
from awards_app.web.forms import ActionForm, button_action
from awards_app.web.htmx import render_page
from awards_app.web.responses import see_other
from awards_app.web.signed_in import current_actor


@bp.get("/security")
@organiser_required
def security():
    """List who uses two-factor sign-in, and say whether the site requires it of organisers (a setting of the site)."""
    return render_page(
        "admin/security.html",
        required=two_factor.organisers_must_use_two_factor(),
        accounts=two_factor.accounts_for_security_page(),
        trail=trail(),
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
