"""Signing in and out."""
from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from awards_app import uow
from awards_app.extensions import limiter
from awards_app.htmx import render_page
from awards_app.services import accounts
from awards_app.web.auth.forms import SignInForm

bp = Blueprint("auth", __name__)


def _email_key() -> str:
    """Rate-limit key for sign-in attempts against one address, whoever makes them."""
    return "sign-in:" + (request.form.get("email") or "").strip().lower()[:254]


def _safe_next(target: str | None) -> str | None:
    """Only follow `next` to a path on this site."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def _home_for(user) -> str:
    """Where a person lands after signing in."""
    return url_for("admin.dashboard") if user.is_organiser else url_for("judging.home")


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit("10 per minute; 50 per hour", methods=["POST"])
@limiter.limit("10 per 15 minutes", methods=["POST"], key_func=_email_key)
def sign_in():
    """Sign an organiser or judge in with email and password."""
    if current_user.is_authenticated:
        return redirect(_home_for(current_user))
    form = SignInForm()
    if form.validate_on_submit():
        user = accounts.authenticate(form.email.data, form.password.data)
        if user is None:
            uow.commit()  # keep the audit record of the failure
            form.email.errors.append("Enter a correct email address and password")
        else:
            # A fresh session on sign-in: nothing from before (such as a planted session) carries over.
            session.clear()
            accounts.start_session(user)
            login_user(user)
            uow.commit()
            return redirect(_safe_next(request.args.get("next")) or _home_for(user), code=303)
    return render_page("auth/sign_in.html", form=form, status=422 if form.errors else 200)


@bp.post("/sign-out")
@login_required
def sign_out():
    """End this sign-in session for good, not just forget the cookie."""
    accounts.end_session(current_user)
    logout_user()
    session.clear()
    uow.commit()
    flash("You have signed out.", "success")
    return redirect(url_for("public.home"), code=303)
