"""Signing in (the password, then a two-factor code for those who use it) and out.

Between the two steps the browser holds only a note in its signed cookie of who has given the right password, and
when: that note opens nothing. Only when the code is right does a sign-in session start. While an account has had
too many wrong passwords, its sign-in is guarded instead (account_guard.py): password and code in one step.
"""
from datetime import timedelta

from flask import flash, redirect, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from awards_app.accounts import two_factor, users
from awards_app.accounts.models import User
from awards_app.core import clock, uow
from awards_app.core.errors import DomainError
from awards_app.extensions import db, limiter
from awards_app.web.auth import account_guard, bp
from awards_app.web.auth.forms import SignInCodeForm, SignInForm
from awards_app.web.forms import render_form, save_form
from awards_app.web.htmx import render_page
from awards_app.web.rate_limits import limit
from awards_app.web.responses import safe_next, see_other

PENDING_KEY = "two_factor_pending"
# Long enough to find the phone and type a code; after that the password must be given again.
PENDING_LIFETIME = timedelta(minutes=5)


def _home_for(user) -> str:
    """Where a person lands after signing in."""
    return url_for("admin.dashboard") if user.is_organiser else url_for("judging.home")


def begin_sign_in(user: User, destination: str | None = None):
    """After the first step (a password or an emailed link): sign the person in (to `destination`, else their
    home), or first ask for their code.

    Either way the browser starts afresh: nothing from before (such as a planted session) carries over. An organiser
    whom the site requires to use two-factor sign-in, and who has not set it up, is taken to set it up first.
    """
    session.clear()
    destination = destination or _home_for(user)
    if two_factor.must_set_up_first(user):
        destination = url_for("auth.set_up_two_factor")
    if user.has_two_factor:
        session[PENDING_KEY] = {
            "user": user.id,
            "since": clock.now().timestamp(),
            "stamp": users.credentials_stamp(user),
            "next": destination,
        }
        uow.commit()  # whatever the first step used up (an emailed link) stays used
        return see_other(url_for("auth.sign_in_code"))
    users.start_session(user)
    login_user(user)
    uow.commit()
    return account_guard.remember_browser(see_other(destination), user)


def _pending_user() -> User | None:
    """The person half-way through signing in, while their note is recent and their password and secret unchanged."""
    pending = session.get(PENDING_KEY)
    if not isinstance(pending, dict):
        return None
    try:
        since = float(pending["since"])
        user = db.session.get(User, int(pending["user"]))
    except (KeyError, TypeError, ValueError):
        return None
    if user is None or not user.active or not user.has_two_factor:
        return None
    if clock.now().timestamp() - since > PENDING_LIFETIME.total_seconds() or pending.get("stamp") != users.credentials_stamp(user):
        return None
    return user


def _pending_key() -> str:
    """Rate-limit key for codes tried against one account, whichever browser or address tries them."""
    pending = session.get(PENDING_KEY)
    return f"sign-in-code:{pending.get('user') if isinstance(pending, dict) else 'none'}"


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(limit("SIGN_IN_LIMITS_PER_CLIENT"), methods=["POST"])
def sign_in():
    """Sign an organiser or judge in with email and password; wrong passwords for one address are counted whoever
    sends them, and once there are too many the address's sign-in is guarded rather than refused."""
    if current_user.is_authenticated:
        return redirect(_home_for(current_user))
    form = SignInForm()
    if form.validate_on_submit():
        allowance = account_guard.password_allowance(form.email.data, users.find_user_by_email(form.email.data))
        if allowance.spent:
            return _guarded_sign_in(form)
        user = users.authenticate(form.email.data, form.password.data)
        if user is None:
            account_guard.wrong_password(allowance)
            uow.commit()  # keep the audit record of the failure
            form.email.errors.append("Enter a correct email address and password")
        else:
            return begin_sign_in(user, safe_next(request.args.get("next")) or _home_for(user))
    return render_form("auth/sign_in.html", form)


def _guarded_sign_in(form):
    """Sign in with the password and the code together, or answer 429 with the same words whatever was wrong."""
    user = users.authenticate(form.email.data, form.password.data)
    # An empty code is no guess: the owner's first try after the attack began must not spend the codes' allowance.
    if user is not None and user.has_two_factor and (form.code.data or "").strip() and not account_guard.codes_spent(user):
        try:
            two_factor.check_sign_in_code(user, form.code.data)
        except DomainError:
            account_guard.wrong_code(user)
        else:
            session.clear()
            users.start_session(user)
            login_user(user)
            uow.commit()
            destination = safe_next(request.args.get("next")) or _home_for(user)
            return account_guard.remember_browser(see_other(destination), user)
    uow.commit()  # keep the audit records of the failures
    form.form_errors.append(account_guard.GUARDED_MESSAGE)
    return render_page("auth/sign_in.html", form=form, guarded=True, status=429)


@bp.route("/sign-in/code", methods=["GET", "POST"])
@limiter.limit(limit("SIGN_IN_CODE_LIMITS_PER_CLIENT"), methods=["POST"])
@limiter.limit(limit("SIGN_IN_CODE_LIMITS_PER_ACCOUNT"), methods=["POST"], key_func=_pending_key)
def sign_in_code():
    """Ask for the code from the authenticator app: the second step of signing in for those who use two-factor."""
    if current_user.is_authenticated:
        return redirect(_home_for(current_user))
    user = _pending_user()
    if user is None:
        session.pop(PENDING_KEY, None)
        flash("Sign in with your email address and password first.", "info")
        return see_other(url_for(".sign_in"))
    form = SignInCodeForm()

    def check_code_and_sign_in():
        two_factor.check_sign_in_code(user, form.code.data)
        users.start_session(user)

    # A wrong code is committed too, so that its audit record stays.
    if save_form(form, check_code_and_sign_in, audited=True, otherwise=form.code):
        destination = session[PENDING_KEY].get("next") or _home_for(user)
        session.clear()
        login_user(user)
        return account_guard.remember_browser(see_other(safe_next(destination) or _home_for(user)), user)
    return render_form("auth/sign_in_code.html", form)


@bp.post("/sign-out")
@login_required
def sign_out():
    """End this sign-in session for good, not just forget the cookie."""
    users.end_session(current_user)
    logout_user()
    session.clear()
    uow.commit()
    flash("You have signed out.", "success")
    return see_other(url_for("public.home"))
