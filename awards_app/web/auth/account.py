"""A signed-in organiser's or judge's own account: changing the password, and setting up two-factor sign-in."""
from flask import flash, session, url_for
from flask_login import current_user, login_required, login_user

from awards_app.accounts import two_factor, users
from awards_app.core import uow
from awards_app.extensions import limiter
from awards_app.web.auth import bp
from awards_app.web.auth.forms import ChangePasswordForm, TwoFactorSetUpForm, TwoFactorTurnOffForm
from awards_app.web.forms import render_form, save_form
from awards_app.web.htmx import render_page
from awards_app.web.rate_limits import limit
from awards_app.web.responses import see_other
from awards_app.web.signed_in import current_actor


def _account_key() -> str:
    """Rate-limit key for one account's attempts, from any browser (a stolen session must not guess freely)."""
    return f"account:{getattr(current_user, 'id', 'anonymous')}"


@bp.get("/account")
@login_required
def account():
    """Show the person's account: their password and whether they use two-factor sign-in."""
    return render_page(
        "auth/account.html",
        user=current_user,
        organisers_must=current_user.is_organiser and two_factor.organisers_must_use_two_factor(),
    )


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
@limiter.limit(limit("PASSWORD_CHANGE_LIMITS_PER_ACCOUNT"), methods=["POST"], key_func=_account_key)
def change_password():
    """Change the password: every other browser signed in as this person is signed out, and this one starts afresh."""
    form, user = ChangePasswordForm(), current_actor()
    if save_form(
        form, lambda: users.change_password(user, form.current_password.data, form.new_password.data),
        audited=True, otherwise=form.current_password,
    ):
        session.clear()
        login_user(user)  # the fresh session that change_password opened
        flash("Your password has been changed. Anyone signed in as you elsewhere has been signed out.", "success")
        return see_other(url_for(".account"))
    return render_form("auth/change_password.html", form, min_length=users.MIN_PASSWORD_LENGTH)


@bp.route("/account/two-factor", methods=["GET", "POST"])
@login_required
@limiter.limit(limit("TWO_FACTOR_LIMITS_PER_ACCOUNT"), methods=["POST"], key_func=_account_key)
def set_up_two_factor():
    """Set up two-factor sign-in: show the secret to add to an authenticator app, then check a code it makes."""
    user = current_actor()
    if user.has_two_factor:
        return see_other(url_for(".account"))
    secret = two_factor.pending_secret(user)
    uow.commit()  # the same secret on every visit until set-up is done, so an app that already has it keeps working
    form = TwoFactorSetUpForm()
    if save_form(form, lambda: two_factor.confirm_set_up(user, form.code.data), audited=True, otherwise=form.code):
        flash("Two-factor sign-in is set up. Signing in will now ask for a code from your app.", "success")
        return see_other(url_for("admin.dashboard" if user.is_organiser else ".account"))
    return render_form(
        "auth/two_factor_set_up.html",
        form,
        secret_groups=[secret[i : i + 4] for i in range(0, len(secret), 4)],
        uri=two_factor.set_up_uri(user),
        issuer=two_factor.ISSUER,
        required=two_factor.must_set_up_first(user),
    )


@bp.route("/account/two-factor/turn-off", methods=["GET", "POST"])
@login_required
@limiter.limit(limit("TWO_FACTOR_LIMITS_PER_ACCOUNT"), methods=["POST"], key_func=_account_key)
def turn_off_two_factor():
    """Stop using two-factor sign-in, proved with a code (organisers cannot while it is required of them)."""
    user = current_actor()
    if not user.has_two_factor:
        return see_other(url_for(".account"))
    form = TwoFactorTurnOffForm()
    if save_form(form, lambda: two_factor.turn_off(user, form.code.data), audited=True, otherwise=form.code):
        flash("Two-factor sign-in is off. Signing in now needs only your password.", "success")
        return see_other(url_for(".account"))
    return render_form("auth/two_factor_turn_off.html", form)
