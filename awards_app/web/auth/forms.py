"""Sign-in forms."""
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import InputRequired, Length


class SignInForm(FlaskForm):
    """Email and password."""

    email = EmailField(
        "Email address",
        validators=[InputRequired("Enter your email address"), Length(max=254, message="Email address must be 254 characters or fewer")],
        render_kw={"autocomplete": "username", "spellcheck": "false"},
    )
    password = PasswordField(
        "Password",
        validators=[InputRequired("Enter your password"), Length(max=256, message="Password must be 256 characters or fewer")],
        render_kw={"autocomplete": "current-password"},
    )
