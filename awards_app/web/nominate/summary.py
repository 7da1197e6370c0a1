"""What a draft holds, as sections of labelled rows: for check your answers, and pages that show people their text."""
from __future__ import annotations

from dataclasses import dataclass, field

from flask import url_for

from awards_app.nominations.drafts import saved_answer
from awards_app.nominations.models import NominationDraft
from awards_app.programme.models import NomineeKind
from awards_app.web.nominate.forms import NOMINEE_WORDING

NOT_GIVEN = "Not given"


@dataclass
class Row:
    """One answer: its label, the text, and where to change it (None where no Change link is wanted)."""

    label: str
    value: str
    change_url: str | None = None
    multiline: bool = False


@dataclass
class Section:
    """A heading and its rows."""

    title: str
    rows: list[Row] = field(default_factory=list)


def step_url(name: str, number: int = 0, **args) -> str:
    """The address of a step of the journey."""
    if name == "question":
        return url_for("nominate.question", number=number, **args)
    return url_for(f"nominate.{name}", **args)


def summary_sections(draft: NominationDraft, change_links: bool = True) -> list[Section]:
    """Everything the draft holds, in journey order; Change links come back to check your answers."""
    data = draft.data or {}

    def change(name: str, number: int = 0) -> str | None:
        return step_url(name, number, change=1) if change_links else None

    category = draft.category
    wording = NOMINEE_WORDING[category.nominee_kind if category else NomineeKind.PERSON]
    nominee = data.get("nominee", {})
    nominator = data.get("nominator", {})

    sections = [
        Section("The award", [Row("Award", category.name if category else "Not chosen yet", change("category"))]),
        Section(
            "The nominee",
            [
                Row(wording.name, nominee.get("name") or NOT_GIVEN, change("nominee")),
                Row(wording.organisation, nominee.get("organisation") or NOT_GIVEN, change("nominee")),
                Row(wording.area, nominee.get("local_authority") or NOT_GIVEN, change("nominee")),
                Row(wording.email, nominee.get("email") or NOT_GIVEN, change("nominee")),
            ],
        ),
    ]
    if category is not None and category.questions:
        sections.append(
            Section(
                "The nomination",
                [
                    Row(question.prompt, saved_answer(draft, question) or "Not answered", change("question", number),
                        multiline=True)
                    for number, question in enumerate(category.questions, start=1)
                ],
            )
        )
    sections.append(
        Section(
            "About you",
            [
                Row("Your name", nominator.get("name") or NOT_GIVEN, change("nominator")),
                Row("Your email address", nominator.get("email") or NOT_GIVEN, change("nominator")),
                Row("How you know the nominee", nominator.get("relationship") or NOT_GIVEN, change("nominator")),
                Row("Your phone number", nominator.get("phone") or NOT_GIVEN, change("nominator")),
            ],
        )
    )
    sections.append(
        Section(
            "Privacy",
            [Row("How we use the information", "Read and agreed" if data.get("privacy_agreed") else "Not agreed yet",
                 change("privacy"))],
        )
    )
    return sections


def posted_rows(form) -> list[Row]:
    """What the person typed on the page they just sent, for pages that refuse it but must not lose it."""
    rows = []
    typed = ("StringField", "TextAreaField", "EmailField", "TelField", "SelectField")
    for item in form or []:
        if item.type in typed and item.name != "website":
            text = (item.data or "").strip() if isinstance(item.data, str) else ""
            if text:
                rows.append(Row(item.label.text, text, multiline=item.type == "TextAreaField"))
    return rows
