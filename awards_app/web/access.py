"""Who may use a view: decorators that the blueprints share."""
from functools import wraps

from flask import abort, flash, redirect, url_for
from flask_login import current_user, login_required

from awards_app.accounts import two_factor


def organiser_required(view):
    """Let only signed-in organisers through (others signed in get 403, visitors the sign-in page); while two-factor
    sign-in is required of organisers, one without it is sent to set it up first."""

    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if not current_user.is_organiser:
            abort(403)
        if two_factor.must_set_up_first(current_user):
            flash("Organisers must now sign in with two-factor codes. Set it up to carry on.", "info")
            return redirect(url_for("auth.set_up_two_factor"))
        return view(*args, **kwargs)

    return wrapped


def judge_required(view):
    """Let only signed-in judges through (organisers and others signed in get 403, visitors the sign-in page)."""

    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if not current_user.is_judge:
            abort(403)
        return view(*args, **kwargs)

    return wrapped
