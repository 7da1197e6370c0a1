"""Forms of the organisers' area: editions, categories, questions, criteria, and the CSRF-only action forms."""
from __future__ import annotations

import enum
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    FloatField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectChoice,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import AnyOf, Length, StopValidation, ValidationError
from wtforms.widgets import TextInput

from awards_app.programme.editions import DEFAULT_TIMEZONE, known_timezone
from awards_app.programme.models import Edition, NomineeKind
from awards_app.programme.phases import PHASE_DATES, dates_out_of_order
from awards_app.web.template_helpers import local_time


class Required:
    """Like InputRequired, but spaces alone count as empty, and the only error shown is this message.

    (A blank number or date box would otherwise also say "not a valid value" before "enter ...".)
    """

    field_flags = {"required": True}

    def __init__(self, message: str):
        self.message = message

    def __call__(self, form, field):
        if _blank(field):
            field.errors[:] = []
            raise StopValidation(self.message)


def _blank(field) -> bool:
    """Whether nothing (or only spaces) was typed into the field."""
    return not field.raw_data or not str(field.raw_data[0]).strip()


def _max(length: int, what: str) -> Length:
    """A length limit with a message in plain words."""
    return Length(max=length, message=f"{what} must be {length} characters or fewer")


def _enum_value(value) -> str | None:
    """A radio button's value: an enum member (as models hold it) becomes its stored value."""
    if value is None:
        return None
    return value.value if isinstance(value, enum.Enum) else str(value)


def _number_box(inputmode: str = "numeric") -> dict:
    """Render numbers as text boxes with a numeric keyboard (GOV.UK advice: type=number misbehaves)."""
    return {"widget": TextInput(), "render_kw": {"inputmode": inputmode, "spellcheck": "false"}}


class ActionForm(FlaskForm):
    """A form with only a CSRF token: for confirm-delete buttons."""


class MoveForm(FlaskForm):
    """Move an item up or down its list."""

    direction = HiddenField(validators=[AnyOf(["up", "down"], message="Choose up or down")])


# --- Editions ----------------------------------------------------------------------------------------------------


class EditionForm(FlaskForm):
    """An edition's details; each phase date is a date box and a time box in the edition's timezone."""

    year = IntegerField(
        "Year",
        validators=[Required("Enter the year of the awards")],
        invalid_value_message="Year must be a whole number, like 2026",
        **_number_box(),
    )
    name = StringField("Name", validators=[Required("Enter the name of the edition"), _max(200, "Name")])
    theme = StringField("Theme", validators=[_max(300, "Theme")])
    venue = StringField("Ceremony venue", validators=[_max(300, "Venue")])
    timezone = StringField(
        "Timezone",
        default=DEFAULT_TIMEZONE,
        validators=[Required("Enter the timezone of the awards, such as Europe/London")],
        render_kw={"spellcheck": "false", "autocomplete": "off"},
    )

    def validate_timezone(self, field):
        """Only zones the IANA list knows."""
        if known_timezone(field.data) is None:
            raise ValidationError("Enter a timezone from the IANA list, such as Europe/London")

    def validate(self, extra_validators=None) -> bool:
        """Check each field, then that the phase dates come in order (so that every problem shows at once)."""
        valid = super().validate(extra_validators)
        for field, label in PHASE_DATES:
            date_field, time_field = self[f"{field}_date"], self[f"{field}_time"]
            if _blank(date_field) and _blank(time_field):  # one message for the pair, not two
                date_field.errors[:] = [f"Enter the date and time for ‘{label}’"]
                time_field.errors[:] = []
        moments = {field: moment for field, moment in self.moments().items() if moment is not None}
        for field, message in dates_out_of_order(moments):
            self[f"{field}_date"].errors.append(message)
            valid = False
        return valid

    def zone(self) -> ZoneInfo:
        """The timezone the dates were entered in (the default while the one typed is not a real zone)."""
        return ZoneInfo(known_timezone(self.timezone.data) or DEFAULT_TIMEZONE)

    def moments(self) -> dict[str, datetime | None]:
        """Each phase date as an aware UTC datetime, or None when its date or time is missing or wrong."""
        zone = self.zone()
        moments = {}
        for field, _label in PHASE_DATES:
            date_field, time_field = self[f"{field}_date"], self[f"{field}_time"]
            if date_field.data is None or time_field.data is None or date_field.errors or time_field.errors:
                moments[field] = None
            else:
                local = datetime.combine(date_field.data, time_field.data, tzinfo=zone)
                moments[field] = local.astimezone(timezone.utc)
        return moments

    def values(self) -> dict:
        """The keyword arguments for create_edition and update_edition."""
        return {
            "year": self.year.data,
            "name": self.name.data,
            "theme": self.theme.data,
            "venue": self.venue.data,
            "timezone": self.timezone.data,
            "dates": self.moments(),
        }

    @staticmethod
    def initial_data(edition: Edition) -> dict:
        """An edition's values as the form shows them: phase dates split into local date and time."""
        data = {key: getattr(edition, key) for key in ("year", "name", "theme", "venue", "timezone")}
        for field, _label in PHASE_DATES:
            local = local_time(getattr(edition, field), edition.timezone)
            data[f"{field}_date"], data[f"{field}_time"] = local.date(), local.time().replace(second=0, microsecond=0)
        return data


# A date box and a time box per phase, added to the class so that the list of phases lives in one place.
for _field, _label in PHASE_DATES:
    setattr(
        EditionForm,
        f"{_field}_date",
        DateField(
            "Date",
            format=["%Y-%m-%d", "%d/%m/%Y"],
            validators=[Required(f"Enter the date for ‘{_label}’")],
            invalid_value_message=f"The date for ‘{_label}’ must be a real date, like 2026-03-31",
        ),
    )
    setattr(
        EditionForm,
        f"{_field}_time",
        TimeField(
            "Time",
            format=["%H:%M", "%H:%M:%S", "%H.%M"],
            validators=[Required(f"Enter the time for ‘{_label}’")],
            invalid_value_message=f"The time for ‘{_label}’ must be a real time on the 24-hour clock, like 09:00",
        ),
    )


# --- Categories, questions, criteria -----------------------------------------------------------------------------


class CategoryForm(FlaskForm):
    """A category's name, who it is for, whether it has a public vote, and what nominators read about it."""

    name = StringField("Name", validators=[Required("Enter the name of the category"), _max(200, "Name")])
    nominee_kind = RadioField(
        "Who or what is nominated",
        choices=[SelectChoice(kind.value, kind.label) for kind in NomineeKind],
        coerce=_enum_value,
        validators=[Required("Select who or what the category is for")],
        invalid_choice_message="Select who or what the category is for",
    )
    has_public_vote = BooleanField("The public votes for the winner among the finalists")
    description = TextAreaField("Description", validators=[_max(5000, "Description")])
    eligibility_notes = TextAreaField("Eligibility notes", validators=[_max(5000, "Eligibility notes")])

    def values(self) -> dict:
        """The keyword arguments for add_category and update_category."""
        return {
            "name": self.name.data,
            "nominee_kind": self.nominee_kind.data,
            "has_public_vote": self.has_public_vote.data,
            "description": self.description.data,
            "eligibility_notes": self.eligibility_notes.data,
        }


class QuestionForm(FlaskForm):
    """A question nominators answer, with its word limit."""

    prompt = TextAreaField("Question", validators=[Required("Enter the question"), _max(500, "Question")])
    hint = TextAreaField("Hint", validators=[_max(2000, "Hint")])
    word_limit = IntegerField(
        "Word limit",
        default=300,
        validators=[Required("Enter the word limit")],
        invalid_value_message="Word limit must be a whole number, like 300",
        **_number_box(),
    )
    required = BooleanField("Nominators must answer this question", default=True)

    def values(self) -> dict:
        """The keyword arguments for add_question and update_question."""
        return {
            "prompt": self.prompt.data,
            "hint": self.hint.data,
            "word_limit": self.word_limit.data,
            "required": self.required.data,
        }


class CriterionForm(FlaskForm):
    """A judging criterion: name, description, weight and scale."""

    name = StringField("Name", validators=[Required("Enter the name of the criterion"), _max(200, "Name")])
    description = TextAreaField("Description", validators=[_max(5000, "Description")])
    weight = FloatField(
        "Weight",
        default=1,
        validators=[Required("Enter the weight")],
        invalid_value_message="Weight must be a number, like 1 or 2.5",
        **_number_box("decimal"),
    )
    scale_min = IntegerField(
        "Lowest score",
        default=0,
        validators=[Required("Enter the lowest score")],
        invalid_value_message="Lowest score must be a whole number, like 0",
        **_number_box(),
    )
    scale_max = IntegerField(
        "Highest score",
        default=10,
        validators=[Required("Enter the highest score")],
        invalid_value_message="Highest score must be a whole number, like 10",
        **_number_box(),
    )

    def values(self) -> dict:
        """The keyword arguments for add_criterion and update_criterion."""
        return {
            "name": self.name.data,
            "description": self.description.data,
            "weight": self.weight.data,
            "scale_min": self.scale_min.data,
            "scale_max": self.scale_max.data,
        }
