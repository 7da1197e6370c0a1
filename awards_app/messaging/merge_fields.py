"""Merge fields: {name}, {nominee}, {category}... in an organiser's subject and body, filled in per recipient.

A tiny placeholder syntax, parsed here, never a template language: the organiser's text can name a field and nothing
else (no expressions, no attributes, no filters), and a value is inserted as plain text and never read again, so a
nominee called "{name}" or "{{ 7*7 }}" or "<script>" is printed as written (the HTML part escapes it like any text).
Write {{ and }} for a brace of your own. A field reads only its own recipient (messaging.segments.Recipient) and the
edition; an unknown field, a field that does not fit the segment, or a stray brace is refused before anything is
sent, with the field named.

Someone with two entries in the segment gets one message: each entry field joins their values ("Ann Smith and Ben
Jones"), never anyone else's.

Each field is one entry of FIELDS: its name, what it holds (for the help beside the body), the roles it fits and a
function of the edition, the recipient and the sender (None in a preview: a field that makes something, such as a
person's own RSVP link, makes it only when the message is sent and shows what it will be in a preview).
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from awards_app.accounts.models import User
from awards_app.ceremony.rsvp import invitation_link
from awards_app.core.errors import DomainError
from awards_app.core.public_urls import public_url
from awards_app.messaging.segments import JUDGE, NOMINATOR, NOMINEE, Recipient
from awards_app.programme.models import Edition
from awards_app.publication.sharing import public_finalist, share_url
from awards_app.web.template_helpers import format_datetime

ENTRY_ROLES = frozenset({NOMINEE, NOMINATOR})
ALL_ROLES = frozenset({NOMINEE, NOMINATOR, JUDGE})


@dataclass(frozen=True)
class Field:
    """One merge field: what it holds, whom it fits, and how it is filled in (None: not available yet)."""

    name: str
    help: str
    roles: frozenset[str]
    value: Callable[[Edition, Recipient, User | None], str | None] | None


def in_words(values: list[str]) -> str:
    """Values as a phrase, each once and in order: "A", "A and B", "A, B and C"."""
    distinct = list(dict.fromkeys(value for value in values if value))
    return " and ".join(distinct) if len(distinct) < 3 else ", ".join(distinct[:-1]) + " and " + distinct[-1]


def _nominees(edition: Edition, person: Recipient, sender: User | None) -> str:
    """The nominee of each of the person's entries (a finalist's public name once shortlisted)."""
    return in_words([finalist.display_name if finalist else entry.nominee_name for entry, finalist in person.entries])


def _categories(edition: Edition, person: Recipient, sender: User | None) -> str:
    """The category of each of the person's entries (the panel's category for a judge)."""
    if not person.entries:
        return person.category.name if person.category else ""
    return in_words([entry.category.name for entry, _ in person.entries])


def _link(edition: Edition, person: Recipient, sender: User | None) -> str:
    """The page that fits the person: the judges' sign-in for judges, the awards' home page for everyone else."""
    return public_url("auth.sign_in") if person.role == JUDGE else public_url("public.home")


def _share_link(edition: Edition, person: Recipient, sender: User | None) -> str | None:
    """Each finalist's own public page, to share with their supporters: only pages the public can open (nothing for
    an entry not on the shortlist, or one whose nominee has not agreed to take part)."""
    return in_words([share_url(finalist) for _, finalist in person.entries
                     if finalist and public_finalist(finalist.id)])


def _rsvp_link(edition: Edition, person: Recipient, sender: User | None) -> str:
    """The person's own link to answer the ceremony invitation: made when the message is sent, never in a preview."""
    if sender is None:
        return "[their own link to answer the invitation, made when the message is sent]"
    return invitation_link(sender, edition, person.email, person.name, nomination=person.nomination)


FIELDS: dict[str, Field] = {
    field.name: field
    for field in [
        Field("name", "the person's own name", ALL_ROLES, lambda edition, person, sender: person.name),
        Field("nominee", "the nominee's name (the finalist's public name once shortlisted)", ENTRY_ROLES, _nominees),
        Field("category", "the award category", ALL_ROLES, _categories),
        Field("reference", "the nomination's reference", ENTRY_ROLES,
              lambda edition, person, sender: in_words([entry.reference for entry, _ in person.entries])),
        Field("ceremony_date", "the date and time of the ceremony", ALL_ROLES,
              lambda edition, person, sender: format_datetime(edition.ceremony_at, edition.timezone)),
        Field("ceremony_place", "where the ceremony is held", ALL_ROLES, lambda edition, person, sender: edition.venue),
        Field("link", "the awards' website (the judges' sign-in page for judges)", ALL_ROLES, _link),
        Field("share_link", "the finalist's page to share, for finalists", ENTRY_ROLES, _share_link),
        Field("rsvp_link", "the person's own link to answer the ceremony invitation", ALL_ROLES, _rsvp_link),
    ]
}

# A field, a doubled brace, or a single brace (which is always a mistake).
_TOKEN = re.compile(r"\{\{|\}\}|\{([a-z_]{1,40})\}|[{}]")

Piece = tuple[str, str]  # ("text", words) or ("field", name)


def parse(text: str, what: str = "body") -> list[Piece]:
    """The text as literal pieces and field names; a DomainError (on `what`) for a stray brace."""
    pieces: list[Piece] = []
    start = 0
    for match in _TOKEN.finditer(text):
        pieces.append(("text", text[start:match.start()]))
        token = match.group(0)
        if token in ("{{", "}}"):
            pieces.append(("text", token[0]))
        elif match.group(1):
            pieces.append(("field", match.group(1)))
        else:
            near = text[match.start():match.start() + 20].split("\n", 1)[0]
            raise DomainError(
                f"The {what} has a brace that is not part of a field, at “{near}”. Fields are written like "
                "{name}, in lower case; write {{ or }} for a brace of your own.",
                field=what,
            )
        start = match.end()
    pieces.append(("text", text[start:]))
    return [piece for piece in pieces if piece != ("text", "")]


def check(text: str, role: str, what: str = "body", *, sending: bool = True) -> list[Piece]:
    """The parsed text, once every field in it is known, fits recipients of `role` and (when sending) is available."""
    pieces = parse(text, what)
    for kind, name in pieces:
        if kind != "field":
            continue
        field = FIELDS.get(name)
        if field is None:
            raise DomainError(f"The {what} uses {{{name}}}, which is not a field. The fields are: "
                              + ", ".join(f"{{{known}}}" for known in FIELDS) + ".", field=what)
        if field.value is None and sending:
            raise DomainError(f"The {what} uses {{{name}}}, which is not available yet.", field=what)
        if role not in field.roles:
            raise DomainError(f"The {what} uses {{{name}}}, which does not fit messages to {role}s.", field=what)
    return pieces


def fill(pieces: list[Piece], edition: Edition, person: Recipient, sender: User | None = None) -> str:
    """The text for one recipient: each field's value as plain text (an empty string when it has none); `sender` is
    the organiser sending it, None in a preview."""
    return "".join(
        words if kind == "text" else _value(FIELDS[words], edition, person, sender) for kind, words in pieces
    )


def _value(field: Field, edition: Edition, person: Recipient, sender: User | None) -> str:
    """A field's value for the person; a marker in a preview of a field not available yet (sending refuses it)."""
    if field.value is None:
        return f"[{field.name.replace('_', ' ')}: not available yet]"
    return field.value(edition, person, sender) or ""


def field_help(role: str | None = None) -> list[Field]:
    """The fields to list beside the body (those fitting `role`, when given), available ones first."""
    fields = [field for field in FIELDS.values() if role is None or role in field.roles]
    return sorted(fields, key=lambda field: field.value is None)

