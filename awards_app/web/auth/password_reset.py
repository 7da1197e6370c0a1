"""Forgotten passwords: asking for a link by email, and choosing a new password through it.

Asking answers the same whether or not an account uses the address. Opening the emailed link only shows the form
(mail scanners open links); posting it sets the password, ends every session of the account, and sends the person to
sign in as usual, so that two-factor sign-in still asks for its code.
"""
from flask import abort, flash, request, session, url_for
from flask_login import current_user, logout_user
from flask_wtf import FlaskForm
from wtforms.validators import InputRequired

from awards_app.accounts import password_reset, users
from awards_app.core import uow
from awards_app.core.columns import EMAIL_LENGTH
from awards_app.core.errors import DomainError
from awards_app.core.links import LinkProblem
from awards_app.extensions import limiter
from awards_app.web.auth import bp
from awards_app.web.auth.account_guard import remember_browser
from awards_app.web.auth.forms import new_password_twice
from awards_app.web.forms import email_field, render_form, save_form, show_refusal
from awards_app.web.htmx import render_page
from awards_app.web.link_problems import link_problem_page
from awards_app.web.rate_limits import inbox_key, limit
from awards_app.web.responses import no_store, see_other

LONGEST_TOKEN = 500
SENT_TO_KEY = "password_reset_sent_to"
WHAT_NEXT = {
    "used": "This link has set a new password already. Sign in with your new password, or ask for a new link if "
    "you have forgotten it again.",
    "changed": "Either the password has been changed since this link was sent, or the link was not copied in full. "
    "Sign in with your current password, or ask for a new link.",
    "default": "Ask for a new link to reset your password: it works for an hour.",
}


class ForgottenPasswordForm(FlaskForm):
    """The address of the account whose password is forgotten."""

    email = email_field(InputRequired("Enter your email address"), autocomplete="email")


class ResetPasswordForm(FlaskForm):
    """The new password, twice."""

    new_password, confirm_password = new_password_twice()


def _address_key() -> str:
    """Rate-limit key for reset links to one inbox, whoever asks, with or without an account behind it."""
    return inbox_key("password-reset", request.form.get("email"))


def _token_page(response):
    """A page reached by a secret link: no cache keeps it, and no link on it passes the token on as a referrer."""
    no_store(response).headers["Referrer-Policy"] = "no-referrer"
    return response


@bp.route("/sign-in/forgotten-password", methods=["GET", "POST"])
@limiter.limit(limit("PASSWORD_RESET_LIMITS_PER_CLIENT"), methods=["POST"])
@limiter.limit(limit("PASSWORD_RESET_LIMITS_PER_ADDRESS"), methods=["POST"], key_func=_address_key)
def forgotten_password():
    """Ask for a link to reset a forgotten password; the answer is the same whether or not the address has one."""
    form = ForgottenPasswordForm()
    if save_form(form, lambda: password_reset.request_password_reset(form.email.data), otherwise=form.email):
        session[SENT_TO_KEY] = form.email.data.strip()[:EMAIL_LENGTH]
        return see_other(url_for("auth.password_reset_sent"))
    return render_form("auth/forgotten_password.html", form)


@bp.get("/sign-in/forgotten-password/sent")
def password_reset_sent():
    """Say that a link is on its way if an account uses the address (and nothing more)."""
    return render_page(
        "auth/password_reset_sent.html",
        address=session.get(SENT_TO_KEY),
        minutes=int(password_reset.LIFETIME.total_seconds() // 60),
    )


@bp.route("/sign-in/reset-password/<token>", methods=["GET", "POST"])
@limiter.limit(limit("EMAILED_LINK_LIMITS_PER_CLIENT"), methods=["POST"])
def reset_password(token: str):
    """Show the new-password form (opening the link changes nothing); posting it sets the password, ends every
    session of the account, and sends the person to sign in with it."""
    if len(token) > LONGEST_TOKEN:
        abort(404)
    form = ResetPasswordForm()
    try:
        user = password_reset.user_for_reset_link(token)
        if form.validate_on_submit():
            try:
                password_reset.reset_password(token, form.new_password.data)
            except DomainError as refusal:
                show_refusal(form, refusal, otherwise=form.new_password)
            else:
                # Whoever this browser was signed in as, that session ends too: the person signs in with the new
                # password (and their two-factor code), as anywhere else.
                if current_user.is_authenticated:
                    users.end_session(current_user)
                uow.commit()
                logout_user()
                session.clear()
                flash("Your password has been changed, and you have been signed out everywhere. Sign in with your "
                      "new password.", "success")
                # This browser has just proved it reads the account's inbox: it counts as one the person uses, so a
                # stranger's wrong guesses (which guard the account) cannot keep them out after a reset.
                return _token_page(remember_browser(see_other(url_for("auth.sign_in")), user))
    except LinkProblem as problem:
        what_next = WHAT_NEXT.get(problem.reason, WHAT_NEXT["default"])
        return _token_page(link_problem_page(problem.reason, what_next, ask_again=url_for("auth.forgotten_password")))
    return _token_page(
        render_form("auth/reset_password.html", form, account=user, min_length=users.MIN_PASSWORD_LENGTH)
    )
