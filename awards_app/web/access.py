"""Who may use a view: decorators that the blueprints share, over the rules in awards_app/permissions.py."""
from functools import wraps

from flask import abort, flash, redirect, url_for
from flask_login import current_user, login_required

from awards_app import permissions
from awards_app.accounts import two_factor


def allowed_by(rule: permissions.Rule):
    """Let through signed-in people the rule allows (others signed in get 403, visitors the sign-in page)."""

    def decorate(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not rule(current_user):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorate


def organiser_required(view):
    """Let only signed-in organisers through (others signed in get 403, visitors the sign-in page); while two-factor
    sign-in is required of organisers, one without it is sent to set it up first."""

    @allowed_by(permissions.is_organiser)
    @wraps(view)
    def wrapped(*args, **kwargs):
        if two_factor.must_set_up_first(current_user):
            flash("Organisers must now sign in with two-factor codes. Set it up to carry on.", "info")
            return redirect(url_for("auth.set_up_two_factor"))
        return view(*args, **kwargs)

    return wrapped


# Only signed-in judges (organisers and others signed in get 403, visitors the sign-in page).
judge_required = allowed_by(permissions.is_judge)
