"""Forms of the organisers' area: editions, categories, questions, criteria, and moving an item up or down."""
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
from wtforms.validators import AnyOf, Optional, ValidationError
from wtforms.widgets import TextInput

from awards_app.programme.editions import DEFAULT_TIMEZONE, known_timezone
from awards_app.programme.models import SHORTLIST_SIZE_BY_DEFAULT, Edition, NomineeKind
from awards_app.programme.phases import PHASE_DATES, dates_out_of_order
from awards_app.web.forms import Required, at_most, is_blank
from awards_app.web.template_helpers import local_time


def _enum_value(value) -> str | None:
    """A radio button's value: an enum member (as models hold it) becomes its stored value."""
    if value is None:
        return None
    return value.value if isinstance(value, enum.Enum) else str(value)


def _number_box(inputmode: str = "numeric") -> dict:
    """Render numbers as text boxes with a numeric keyboard (GOV.UK advice: type=number misbehaves)."""
    return {"widget": TextInput(), "render_kw": {"inputmode": inputmode, "spellcheck": "false"}}


class MoveForm(FlaskForm):
    """Move an item up or down its list."""

    direction = HiddenField(validators=[AnyOf(["up", "down"], message="Choose up or down")])


# --- Dates and times ----------------------------------------------------------------------------------------------


def moment_fields(name: str, words: str) -> dict:
    """A date box and a time box for one moment, in the edition's timezone; `words` say which moment in the messages
    ("for ‘Nominations open’", "the vote opens")."""
    return {
        f"{name}_date": DateField(
            "Date",
            format=["%Y-%m-%d", "%d/%m/%Y"],
            validators=[Required(f"Enter the date {words}")],
            invalid_value_message=f"The date {words} must be a real date, like 2026-03-31",
        ),
        f"{name}_time": TimeField(
            "Time",
            format=["%H:%M", "%H:%M:%S", "%H.%M"],
            validators=[Required(f"Enter the time {words}")],
            invalid_value_message=f"The time {words} must be a real time on the 24-hour clock, like 09:00",
        ),
    }


class MomentsForm(FlaskForm):
    """A form of local dates and times: each of `moment_names` is a date box and a time box, added by add_moment."""

    moment_names: tuple[str, ...] = ()

    @classmethod
    def add_moment(cls, name: str, words: str) -> None:
        """Add a moment's date and time boxes to the form class (WTForms' metaclass picks them up)."""
        for field_name, field in moment_fields(name, words).items():
            setattr(cls, field_name, field)
        cls.moment_names = (*cls.moment_names, name)

    def validate(self, extra_validators=None) -> bool:
        """Check each box; a moment left wholly blank gets one message, on its date, rather than two."""
        valid = super().validate(extra_validators)
        for name in self.moment_names:
            date_field, time_field = self[f"{name}_date"], self[f"{name}_time"]
            if is_blank(date_field) and is_blank(time_field) and date_field.errors:
                date_field.errors[:] = [date_field.errors[0].replace("Enter the date", "Enter the date and time")]
                time_field.errors[:] = []
        return valid

    def moment(self, name: str, zone: str) -> datetime | None:
        """The moment as an aware UTC datetime, or None when its date or time is missing or wrong."""
        date_field, time_field = self[f"{name}_date"], self[f"{name}_time"]
        if date_field.data is None or time_field.data is None or date_field.errors or time_field.errors:
            return None
        local = datetime.combine(date_field.data, time_field.data, tzinfo=ZoneInfo(zone))
        return local.astimezone(timezone.utc)

    def fill(self, name: str, moment: datetime | None, zone: str) -> None:
        """Show a stored moment in the boxes, in local time (not over what was posted)."""
        if moment is not None and not self.is_submitted():
            local = local_time(moment, zone)
            self[f"{name}_date"].data = local.date()
            self[f"{name}_time"].data = local.time().replace(second=0, microsecond=0)


# --- Editions ----------------------------------------------------------------------------------------------------


class EditionForm(MomentsForm):
    """An edition's details; each phase date is a date box and a time box in the edition's timezone."""

    year = IntegerField(
        "Year",
        validators=[Required("Enter the year of the awards")],
        invalid_value_message="Year must be a whole number, like 2026",
        **_number_box(),
    )
    name = StringField("Name", validators=[Required("Enter the name of the edition"), at_most(200, "Name")])
    theme = StringField("Theme", validators=[at_most(300, "Theme")])
    venue = StringField("Ceremony venue", validators=[at_most(300, "Venue")])
    timezone = StringField(
        "Timezone",
        default=DEFAULT_TIMEZONE,
        validators=[Required("Enter the timezone of the awards, such as Europe/London")],
        render_kw={"spellcheck": "false", "autocomplete": "off"},
    )

    expected_opening_shown = BooleanField("Tell the public the month nominations are expected to open")

    def validate_timezone(self, field):
        """Only zones the IANA list knows."""
        if known_timezone(field.data) is None:
            raise ValidationError("Enter a timezone from the IANA list, such as Europe/London")

    def validate(self, extra_validators=None) -> bool:
        """Check each field, then that the phase dates come in order (so that every problem shows at once)."""
        valid = super().validate(extra_validators)
        moments = {field: moment for field, moment in self.moments().items() if moment is not None}
        for field, message in dates_out_of_order(moments):
            self[f"{field}_date"].errors.append(message)
            valid = False
        return valid

    def moments(self) -> dict[str, datetime | None]:
        """Each phase date as an aware UTC datetime, or None when its date or time is missing or wrong; in the zone
        typed (the default while that is not a real zone)."""
        zone = known_timezone(self.timezone.data) or DEFAULT_TIMEZONE
        return {field: self.moment(field, zone) for field in self.moment_names}

    def values(self, edition: Edition | None = None) -> dict:
        """The keyword arguments for create_edition and update_edition (of `edition`): the "expected to open" choice
        only for a new edition or a draft, the only ones whose form shows it."""
        values = {
            "year": self.year.data,
            "name": self.name.data,
            "theme": self.theme.data,
            "venue": self.venue.data,
            "timezone": self.timezone.data,
            "dates": self.moments(),
        }
        if edition is None or edition.is_draft:
            values["expected_opening_shown"] = bool(self.expected_opening_shown.data)
        return values

    @staticmethod
    def initial_data(edition: Edition) -> dict:
        """An edition's values as the form shows them: phase dates split into local date and time."""
        data = {
            key: getattr(edition, key)
            for key in ("year", "name", "theme", "venue", "timezone", "expected_opening_shown")
        }
        for field, _label in PHASE_DATES:
            local = local_time(getattr(edition, field), edition.timezone)
            data[f"{field}_date"], data[f"{field}_time"] = local.date(), local.time().replace(second=0, microsecond=0)
        return data


# A date box and a time box per phase, added to the class so that the list of phases lives in one place.
for _field, _label in PHASE_DATES:
    EditionForm.add_moment(_field, f"for ‘{_label}’")


# --- Categories, questions, criteria -----------------------------------------------------------------------------


class CategoryForm(FlaskForm):
    """A category's name, who it is for, whether it has a public vote, and what nominators read about it."""

    name = StringField("Name", validators=[Required("Enter the name of the category"), at_most(200, "Name")])
    nominee_kind = RadioField(
        "Who or what is nominated",
        choices=[SelectChoice(kind.value, kind.label) for kind in NomineeKind],
        coerce=_enum_value,
        validators=[Required("Select who or what the category is for")],
        invalid_choice_message="Select who or what the category is for",
    )
    has_public_vote = BooleanField("The public votes for the winner among the finalists")
    description = TextAreaField("Description", validators=[at_most(5000, "Description")])
    eligibility_notes = TextAreaField("Eligibility notes", validators=[at_most(5000, "Eligibility notes")])
    shortlist_size = IntegerField(
        "Number of finalists",
        default=SHORTLIST_SIZE_BY_DEFAULT,
        validators=[Optional()],  # blank: the usual three
        invalid_value_message="Number of finalists must be a whole number, like 3",
        **_number_box(),
    )

    def values(self) -> dict:
        """The keyword arguments for add_category and update_category."""
        return {
            "name": self.name.data,
            "nominee_kind": self.nominee_kind.data,
            "has_public_vote": self.has_public_vote.data,
            "description": self.description.data,
            "eligibility_notes": self.eligibility_notes.data,
            "shortlist_size": SHORTLIST_SIZE_BY_DEFAULT if self.shortlist_size.data is None else self.shortlist_size.data,
        }


class QuestionForm(FlaskForm):
    """A question nominators answer, with its word limit."""

    prompt = TextAreaField("Question", validators=[Required("Enter the question"), at_most(500, "Question")])
    hint = TextAreaField("Hint", validators=[at_most(2000, "Hint")])
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

    name = StringField("Name", validators=[Required("Enter the name of the criterion"), at_most(200, "Name")])
    description = TextAreaField("Description", validators=[at_most(5000, "Description")])
    guidance = TextAreaField("Guidance on scores", validators=[at_most(2000, "Guidance on scores")])
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
            "guidance": self.guidance.data,
            "weight": self.weight.data,
            "scale_min": self.scale_min.data,
            "scale_max": self.scale_max.data,
        }
