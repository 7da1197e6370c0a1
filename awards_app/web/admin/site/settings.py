"""The organisers' site settings page (/admin/settings): the awards team's contact, the organisation's name, the logo
(upload with its description, preview, remove) and the accessibility statement's known problems and last review."""
from __future__ import annotations

from flask import flash, url_for
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import DateField, EmailField, StringField, TextAreaField
from wtforms.validators import Optional, StopValidation

from awards_app.core.columns import EMAIL_LENGTH
from awards_app.publication.images import MAX_IMAGE_BYTES, MAX_SIDE
from awards_app.site_settings import changes
from awards_app.site_settings.current import site_details
from awards_app.site_settings.models import (
    ADDRESS_MAX,
    KNOWN_PROBLEMS_MAX,
    LOGO_ALT_MAX,
    ORGANISATION_NAME_MAX,
    PHONE_MAX,
)
from awards_app.site_settings.statement import DEFAULT_KNOWN_PROBLEMS
from awards_app.web.access import organiser_required
from awards_app.web.admin import bp
from awards_app.web.admin.shared import trail
from awards_app.web.forms import (
    ActionForm,
    Required,
    at_most,
    button_action,
    render_form,
    save_form,
)
from awards_app.web.responses import see_other
from awards_app.web.signed_in import current_actor


class SettingsForm(FlaskForm):
    """The site's words and contact, and the accessibility statement's part organisers keep up to date."""

    organisation_name = StringField(
        "Name of the organisation that runs the awards",
        validators=[Required("Enter the name of the organisation"),
                    at_most(ORGANISATION_NAME_MAX, "The name of the organisation")],
    )
    contact_email = EmailField(
        "Email address", validators=[at_most(EMAIL_LENGTH, "The email address")],
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )
    contact_phone = StringField(
        "Telephone number", validators=[at_most(PHONE_MAX, "The telephone number")],
        render_kw={"autocomplete": "off", "inputmode": "tel"},
    )
    contact_address = TextAreaField("Postal address", validators=[at_most(ADDRESS_MAX, "The postal address")])
    logo_alt = StringField("Description of the logo", validators=[at_most(LOGO_ALT_MAX, "The description of the logo")])
    known_problems = TextAreaField(
        "What is known not to work", validators=[at_most(KNOWN_PROBLEMS_MAX, "What is known not to work")],
    )
    statement_reviewed_on = DateField(
        "Date of the last review", format=["%Y-%m-%d", "%d/%m/%Y"], validators=[Optional()],
        invalid_value_message="The date of the last review must be a real date, like 2026-03-31",
    )

    def change(self) -> changes.SettingsChange:
        """What was typed, for the operation."""
        return changes.SettingsChange(**{name: self[name].data for name in changes.SettingsChange.__dataclass_fields__})


class LogoForm(FlaskForm):
    """A new logo and its description (the prefix keeps its ids apart from the settings form's)."""

    image = FileField("Logo image")
    alt = StringField("Description of the logo", validators=[
        Required(changes.LOGO_ALT_MISSING), at_most(LOGO_ALT_MAX, "The description of the logo"),
    ])

    def validate_image(self, field):
        """A file must be chosen (its content is checked by the operation)."""
        if not field.data or not getattr(field.data, "filename", ""):
            raise StopValidation("Select an image to upload")


def _initial_data() -> dict:
    """The settings as the form shows them (the statement's own wording until organisers change it)."""
    details = site_details(fresh=True)
    return {
        "organisation_name": details.organisation_name,
        "contact_email": details.contact_email,
        "contact_phone": details.contact_phone,
        "contact_address": details.contact_address,
        "logo_alt": details.logo_alt,
        "known_problems": details.known_problems or DEFAULT_KNOWN_PROBLEMS,
        "statement_reviewed_on": details.statement_reviewed_on,
    }


def _page(form: SettingsForm, logo_form: LogoForm | None = None):
    """The settings page with both forms; 422 when either came back with errors."""
    logo_form = logo_form or LogoForm(formdata=None, prefix="logo")
    failed = form if form.errors else logo_form
    return render_form(
        "admin/site_settings.html", failed, settings_form=form, logo_form=logo_form, action_form=ActionForm(),
        max_bytes=MAX_IMAGE_BYTES, max_side=MAX_SIDE, trail=trail(),
    )


@bp.route("/settings", methods=["GET", "POST"])
@organiser_required
def site_settings():
    """Show and save the site's settings."""
    form = SettingsForm(data=_initial_data())
    if save_form(form, lambda: changes.update_site_settings(current_actor(), form.change())):
        flash("The site settings are saved.", "success")
        return see_other(url_for(".site_settings"))
    return _page(form)


@bp.post("/settings/logo")
@organiser_required
def upload_logo():
    """Store a new logo, with its description, after checking its content."""
    form = LogoForm(prefix="logo")
    if saved := save_form(form, lambda: changes.save_logo(
        current_actor(), form.image.data.stream.read(MAX_IMAGE_BYTES + 1), form.alt.data or "",
    )):
        flash(f"The logo is saved ({saved.result.name}).", "success")
        return see_other(url_for(".site_settings", _anchor="logo"))
    return _page(SettingsForm(formdata=None, data=_initial_data()), logo_form=form)


@bp.post("/settings/logo/remove")
@organiser_required
def remove_logo():
    """Take the logo down."""
    button_action(ActionForm(), lambda: changes.remove_logo(current_actor()), lambda _: "The logo is removed.")
    return see_other(url_for(".site_settings", _anchor="logo"))
