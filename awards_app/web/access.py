"""Who may use a view: decorators that the blueprints share."""
from functools import wraps

from flask import abort
from flask_login import current_user, login_required


def organiser_required(view):
    """Let only signed-in organisers through (others signed in get 403, visitors the sign-in page)."""

    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if not current_user.is_organiser:
            abort(403)
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
