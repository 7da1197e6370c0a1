"""Emailed links: accepting an invitation (a judge's or an organiser's: setting a password), and judges' one-time
sign-in links.

Opening a link never uses it (mail scanners open links): the page shows a form, and only the POST uses the link and
signs the person in, with a brand-new session (after setting up two-factor sign-in, where organisers must use it).
"""
from flask import abort, request, session, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import PasswordField
from wtforms.validators import InputRequired, Length

from awards_app.accounts import invitations, users
from awards_app.core.columns import EMAIL_LENGTH
from awards_app.core.errors import DomainError
from awards_app.core.links import LinkProblem
from awards_app.extensions import limiter
from awards_app.web.auth import bp
from awards_app.web.auth.sign_in import begin_sign_in
from awards_app.web.forms import ActionForm, email_field, render_form, save_form, show_refusal
from awards_app.web.htmx import render_page
from awards_app.web.link_problems import link_problem_page
from awards_app.web.rate_limits import address_key, limit
from awards_app.web.responses import see_other

LONGEST_TOKEN = 500
SENT_TO_KEY = "sign_in_link_sent_to"
INVITATION_WHAT_NEXT = {
    "used": "You have already set your password with this invitation. Sign in with your email address and password, "
    "or ask for a one-time sign-in link by email.",
    "default": "Ask the awards team to send you a new invitation. If you have set your password already, sign in "
    "with your email address and password, or ask for a one-time sign-in link by email.",
}
# An organiser's invitation (one-time sign-in links are for judges only).
ORGANISER_INVITATION_WHAT_NEXT = {
    "used": "You have already set your password with this invitation. Sign in with your email address and password.",
    "default": "Ask an organiser to send you a new invitation from the team page of the organisers' area. If you "
    "have set your password already, sign in with your email address and password.",
}
SIGN_IN_LINK_WHAT_NEXT = "Ask for a new sign-in link, or sign in with your email address and password."


class SetPasswordForm(FlaskForm):
    """The password a judge or an organiser chooses when accepting their invitation."""

    password = PasswordField(
        "Create a password",
        validators=[
            InputRequired("Enter a password"),
            Length(max=users.MAX_PASSWORD_LENGTH, message="Password must be 256 characters or fewer"),
        ],
        render_kw={"autocomplete": "new-password"},
    )


class SignInLinkForm(FlaskForm):
    """The address to email a one-time sign-in link to."""

    email = email_field(InputRequired("Enter your email address"), autocomplete="email")


def _check_token(token: str) -> None:
    """A token far longer than any we issue is not one of ours."""
    if len(token) > LONGEST_TOKEN:
        abort(404)


def _sign_in_fresh(user):
    """Start a brand-new session for the person (after their two-factor code, if they use it), at their home:
    whatever the browser held before (another account too) ends."""
    if current_user.is_authenticated:
        users.end_session(current_user)
    return begin_sign_in(user)


def _link_email_key() -> str:
    """Rate-limit key for sign-in links to one address, whoever asks for them."""
    return address_key("sign-in-link", request.form.get("email"))


# --- Invitations --------------------------------------------------------------------------------------------------


@bp.route("/sign-in/invitation/<token>", methods=["GET", "POST"])
@limiter.limit(limit("EMAILED_LINK_LIMITS_PER_CLIENT"), methods=["POST"])
def accept_invitation(token: str):
    """Show the set-password form (opening the link changes nothing); posting it sets the password and signs in."""
    _check_token(token)
    form = SetPasswordForm()
    kind = invitations.invitation_kind(token)
    try:
        person = invitations.invited_person(token)
        if form.validate_on_submit():
            try:
                person = invitations.accept_invitation(token, form.password.data)
            except DomainError as refusal:
                show_refusal(form, refusal, otherwise=form.password)
            else:
                return _sign_in_fresh(person)  # which commits the link used together with the new session
    except LinkProblem as problem:
        words = ORGANISER_INVITATION_WHAT_NEXT if kind is invitations.ORGANISER_INVITATION else INVITATION_WHAT_NEXT
        return link_problem_page(problem.reason, words.get(problem.reason, words["default"]))
    return render_form("auth/accept_invitation.html", form, person=person, min_length=users.MIN_PASSWORD_LENGTH)


# --- One-time sign-in links ---------------------------------------------------------------------------------------


@bp.route("/sign-in/link", methods=["GET", "POST"])
@limiter.limit(limit("SIGN_IN_LINK_LIMITS_PER_CLIENT"), methods=["POST"])
@limiter.limit(limit("SIGN_IN_LINK_LIMITS_PER_ADDRESS"), methods=["POST"], key_func=_link_email_key)
def request_sign_in_link():
    """Ask for a one-time sign-in link; the answer is the same whether or not the address has an account."""
    form = SignInLinkForm()
    # The service refuses only an address that is not an address at all.
    if save_form(form, lambda: invitations.request_sign_in_link(form.email.data), otherwise=form.email):
        session[SENT_TO_KEY] = form.email.data.strip()[:EMAIL_LENGTH]
        return see_other(url_for("auth.sign_in_link_sent"))
    return render_form("auth/sign_in_link.html", form)


@bp.get("/sign-in/link/sent")
def sign_in_link_sent():
    """Say that a link is on its way if the address has an account (and nothing more)."""
    return render_page(
        "auth/sign_in_link_sent.html",
        address=session.get(SENT_TO_KEY),
        minutes=int(invitations.SIGN_IN_LINK_LIFETIME.total_seconds() // 60),
    )


@bp.route("/sign-in/link/<token>", methods=["GET", "POST"])
@limiter.limit(limit("EMAILED_LINK_LIMITS_PER_CLIENT"), methods=["POST"])
def sign_in_with_link(token: str):
    """Show a Sign in button (opening the link changes nothing); pressing it uses the link and signs the judge in."""
    _check_token(token)
    form = ActionForm()
    try:
        if request.method == "POST":
            if not form.validate_on_submit():
                abort(400)
            judge = invitations.use_sign_in_link(token)
            return _sign_in_fresh(judge)
        judge = invitations.judge_for_sign_in_link(token)
    except LinkProblem as problem:
        return link_problem_page(problem.reason, SIGN_IN_LINK_WHAT_NEXT)
    return render_page("auth/sign_in_with_link.html", form=form, judge=judge)
