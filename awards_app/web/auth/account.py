"""A signed-in organiser's or judge's own account: changing the password, and setting up two-factor sign-in."""
from flask import flash, redirect, session, url_for
from flask_login import current_user, login_required, login_user

from awards_app.accounts import two_factor, users
from awards_app.core import uow
from awards_app.core.errors import DomainError
from awards_app.extensions import limiter
from awards_app.web.auth.forms import ChangePasswordForm, TwoFactorSetUpForm, TwoFactorTurnOffForm
from awards_app.web.auth.routes import bp
from awards_app.web.htmx import render_page


def _user():
    """The signed-in person, as a plain object for the services."""
    return current_user._get_current_object()


def _user_key() -> str:
    """Rate-limit key for one account's attempts, from any browser (a stolen session must not guess freely)."""
    return f"account:{getattr(current_user, 'id', 'anonymous')}"


def _refused(form, refusal: DomainError) -> None:
    """Keep any audit record of the refusal, and show it on the field it names (or the first field)."""
    uow.commit()
    field = form[refusal.field] if refusal.field and refusal.field in form else next(iter(form))
    field.errors.append(refusal.message)


def _form_page(template: str, form, **context):
    """Show a form; 422 when it comes back with errors."""
    return render_page(template, form=form, status=422 if form.errors else 200, **context)


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
@limiter.limit("10 per hour", methods=["POST"], key_func=_user_key)
def change_password():
    """Change the password: every other browser signed in as this person is signed out, and this one starts afresh."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        user = _user()
        try:
            users.change_password(user, form.current_password.data, form.new_password.data)
        except DomainError as refusal:
            _refused(form, refusal)
        else:
            session.clear()
            login_user(user)  # the fresh session that change_password opened
            uow.commit()
            flash("Your password has been changed. Anyone signed in as you elsewhere has been signed out.", "success")
            return redirect(url_for(".account"), code=303)
    return _form_page("auth/change_password.html", form, min_length=users.MIN_PASSWORD_LENGTH)


@bp.route("/account/two-factor", methods=["GET", "POST"])
@login_required
@limiter.limit("10 per 5 minutes", methods=["POST"], key_func=_user_key)
def set_up_two_factor():
    """Set up two-factor sign-in: show the secret to add to an authenticator app, then check a code it makes."""
    user = _user()
    if user.has_two_factor:
        return redirect(url_for(".account"), code=303)
    secret = two_factor.pending_secret(user)
    uow.commit()  # the same secret on every visit until set-up is done, so an app that already has it keeps working
    form = TwoFactorSetUpForm()
    if form.validate_on_submit():
        try:
            two_factor.confirm_set_up(user, form.code.data)
        except DomainError as refusal:
            _refused(form, refusal)
        else:
            uow.commit()
            flash("Two-factor sign-in is set up. Signing in will now ask for a code from your app.", "success")
            return redirect(url_for("admin.dashboard" if user.is_organiser else ".account"), code=303)
    return _form_page(
        "auth/two_factor_set_up.html",
        form,
        secret_groups=[secret[i : i + 4] for i in range(0, len(secret), 4)],
        uri=two_factor.set_up_uri(user),
        issuer=two_factor.ISSUER,
        required=two_factor.must_set_up_first(user),
    )


@bp.route("/account/two-factor/turn-off", methods=["GET", "POST"])
@login_required
@limiter.limit("10 per 5 minutes", methods=["POST"], key_func=_user_key)
def turn_off_two_factor():
    """Stop using two-factor sign-in, proved with a code (organisers cannot while it is required of them)."""
    user = _user()
    if not user.has_two_factor:
        return redirect(url_for(".account"), code=303)
    form = TwoFactorTurnOffForm()
    if form.validate_on_submit():
        try:
            two_factor.turn_off(user, form.code.data)
        except DomainError as refusal:
            _refused(form, refusal)
        else:
            uow.commit()
            flash("Two-factor sign-in is off. Signing in now needs only your password.", "success")
            return redirect(url_for(".account"), code=303)
    return _form_page("auth/two_factor_turn_off.html", form)
