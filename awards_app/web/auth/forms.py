"""Sign-in and account forms: email and password, the two-factor code, changing the password."""
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import EqualTo, InputRequired, Length, Optional

from awards_app.accounts.users import MAX_PASSWORD_LENGTH
from awards_app.web.forms import email_field


class SignInForm(FlaskForm):
    """Email and password; and the code too while the account's sign-in is guarded (web/auth/account_guard.py)."""

    email = email_field(InputRequired("Enter your email address"), autocomplete="username")
    password = PasswordField(
        "Password",
        validators=[InputRequired("Enter your password"), Length(max=256, message="Password must be 256 characters or fewer")],
        render_kw={"autocomplete": "current-password"},
    )
    code = StringField(
        "Security code from your authenticator app",
        validators=[Optional(), Length(max=20, message="Enter the 6-digit code from your authenticator app")],
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"},
    )


def _code_field(label: str = "Security code") -> StringField:
    """A box for a 6-digit code from an authenticator app (phones offer the code from a text or app to fill it)."""
    return StringField(
        label,
        validators=[InputRequired("Enter the 6-digit code from your authenticator app"), Length(max=20, message="Enter the 6-digit code from your authenticator app")],
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"},
    )


class SignInCodeForm(FlaskForm):
    """The second step of signing in: the code from the authenticator app."""

    code = _code_field()


class TwoFactorSetUpForm(FlaskForm):
    """The first code the newly set-up app shows, which proves it has the secret."""

    code = _code_field()


class TwoFactorTurnOffForm(FlaskForm):
    """A code from the app, to turn two-factor sign-in off."""

    code = _code_field()


def new_password_twice() -> tuple[PasswordField, PasswordField]:
    """The new password and its confirmation, as every page that sets a password asks them (made in this order, so
    that they come after any field the form declares before them)."""
    new_password = PasswordField(
        "New password",
        validators=[
            InputRequired("Enter a new password"),
            Length(max=MAX_PASSWORD_LENGTH, message=f"Password must be {MAX_PASSWORD_LENGTH} characters or fewer"),
        ],
        render_kw={"autocomplete": "new-password"},
    )
    confirm_password = PasswordField(
        "Confirm new password",
        validators=[
            InputRequired("Enter your new password again"),
            EqualTo("new_password", message="The new passwords do not match: enter the same new password twice"),
        ],
        render_kw={"autocomplete": "new-password"},
    )
    return new_password, confirm_password


class ChangePasswordForm(FlaskForm):
    """The current password, and the new one twice."""

    current_password = PasswordField(
        "Current password",
        validators=[
            InputRequired("Enter your current password"),
            Length(max=MAX_PASSWORD_LENGTH, message=f"Password must be {MAX_PASSWORD_LENGTH} characters or fewer"),
        ],
        render_kw={"autocomplete": "current-password"},
    )
    new_password, confirm_password = new_password_twice()