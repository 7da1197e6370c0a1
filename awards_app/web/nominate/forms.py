"""Forms of the nomination journey, and the words each kind of nominee needs.

The forms only parse what was sent (and carry the CSRF token): every rule is checked by nominations/drafts.py, whose
problems are shown against these fields, so that "Save and come back later" can keep an unfinished page.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TelField,
    TextAreaField,
)

from awards_app.programme.models import NomineeKind
from awards_app.programme.scotland import LOCAL_AUTHORITIES


@dataclass(frozen=True)
class NomineeWording:
    """The heading, labels and hints of the nominee page for one kind of nominee."""

    heading: str
    name: str
    organisation: str
    organisation_hint: str
    email: str
    email_hint: str
    area: str
    area_hint: str


# How the category page describes each kind of nominee ("For a person.").
KIND_FOR = {
    NomineeKind.PERSON: "a person",
    NomineeKind.ORGANISATION: "an organisation, team or service",
    NomineeKind.PROJECT: "a project or resource",
    NomineeKind.IDEA: "an idea or partnership",
}

_CONSENT_HINT = "We will email them to ask if they are happy to be nominated. If you do not have it, leave this blank."

NOMINEE_WORDING = {
    NomineeKind.PERSON: NomineeWording(
        heading="Who are you nominating?",
        name="Their full name",
        organisation="Group or organisation they are part of",
        organisation_hint="For example a support group, charity or employer, if it matters to the nomination.",
        email="Their email address",
        email_hint=_CONSENT_HINT,
        area="Local authority area",
        area_hint="The council area where they live or do the work you are nominating them for.",
    ),
    NomineeKind.ORGANISATION: NomineeWording(
        heading="Which organisation are you nominating?",
        name="Name of the organisation, team or service",
        organisation="The larger organisation it is part of",
        organisation_hint="For example the Health and Social Care Partnership a team belongs to.",
        email="Contact email address for the organisation",
        email_hint=_CONSENT_HINT.replace("them", "the organisation"),
        area="Local authority area",
        area_hint="The council area it works in. If it works in several, choose the main one.",
    ),
    NomineeKind.PROJECT: NomineeWording(
        heading="Which project or resource are you nominating?",
        name="Name of the project or resource",
        organisation="Organisation that runs it",
        organisation_hint="",
        email="Contact email address for the project",
        email_hint=_CONSENT_HINT.replace("them", "the people who run it"),
        area="Local authority area",
        area_hint="The council area the project is based in. If it works in several, choose the main one.",
    ),
    NomineeKind.IDEA: NomineeWording(
        heading="Which idea or partnership are you nominating?",
        name="Name of the idea or partnership",
        organisation="Organisations involved",
        organisation_hint="",
        email="Contact email address for the people behind it",
        email_hint=_CONSENT_HINT.replace("them", "the people behind it"),
        area="Local authority area",
        area_hint="The council area it is based in. If it works in several, choose the main one.",
    ),
}

_NO_SPELLCHECK = {"spellcheck": "false"}


class CategoryForm(FlaskForm):
    """Which award the nomination is for (choices are the edition's categories)."""

    category = RadioField("Which award are you nominating for?", choices=[], validate_choice=False)


class NomineeForm(FlaskForm):
    """Who or what is nominated (labels come from NOMINEE_WORDING)."""

    name = StringField("Name", render_kw={"autocomplete": "off"})
    organisation = StringField("Organisation", render_kw={"autocomplete": "off"})
    local_authority = SelectField(
        "Local authority area",
        choices=[SelectChoice("", "Choose the local authority area"), *map(SelectChoice, LOCAL_AUTHORITIES)],
        validate_choice=False,
    )
    email = EmailField("Email address", render_kw={"autocomplete": "off", **_NO_SPELLCHECK})

    def use_wording(self, wording: NomineeWording) -> None:
        """Label the fields for the category's kind of nominee."""
        self.name.label.text = wording.name
        self.organisation.label.text = wording.organisation
        self.local_authority.label.text = wording.area
        self.email.label.text = wording.email


class AnswerForm(FlaskForm):
    """The answer to one of the category's questions (the question is the label)."""

    answer = TextAreaField("Your answer", render_kw={"rows": 10, "spellcheck": "true"})


class NominatorForm(FlaskForm):
    """The nominator's own details."""

    name = StringField("Your full name", render_kw={"autocomplete": "name"})
    email = EmailField("Your email address", render_kw={"autocomplete": "email", **_NO_SPELLCHECK})
    relationship = StringField("How do you know the nominee?", render_kw={"autocomplete": "off"})
    phone = TelField("Your phone number", render_kw={"autocomplete": "tel"})


class PrivacyForm(FlaskForm):
    """Agreement to the privacy notice."""

    agree = BooleanField("I have read how the information in this nomination will be used")


class SubmitForm(FlaskForm):
    """Send the nomination; `website` is the honeypot that people never see and scripts fill in."""

    website = StringField("Leave this box empty", render_kw={"autocomplete": "off", "tabindex": "-1"})


class ResumeForm(FlaskForm):
    """Where to email the link that brings the nomination back."""

    email = EmailField("Email address", render_kw={"autocomplete": "email", **_NO_SPELLCHECK})
