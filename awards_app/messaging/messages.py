"""An organiser's messages: save a draft, preview it as one real recipient, count who it reaches, send it once.

Sending queues one email per reachable person through the outbox (core/outbox.queue_email, never counted against
the public's mail budget: the organisers choose these recipients) and keeps a MessageRecipient row for everyone in
the segment, reachable or not, since the outbox forgets an email's address once it has gone. A message is sent once:
the claim on it is one UPDATE ... WHERE sent_at IS NULL, so two presses of the button cannot both send. A new
message whose subject someone in its segment already received from an earlier message is refused unless the
organiser confirms. A message about the shortlist, sent before the shortlist is published, carries the embargo.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select, update

from awards_app.accounts.models import User
from awards_app.core import clock
from awards_app.core.audit import record_event
from awards_app.core.errors import DomainError
from awards_app.core.models import OutboxEmail, OutboxStatus
from awards_app.core.outbox import queue_email
from awards_app.extensions import db
from awards_app.messaging import merge_fields, segments
from awards_app.messaging.models import Message, MessageRecipient
from awards_app.permissions import is_organiser
from awards_app.programme.models import Category, Edition
from awards_app.publication.public_shortlist import announcement_moment, shortlist_is_public
from awards_app.web.template_helpers import format_date

SUBJECT_MAX_LENGTH = 200
BODY_MAX_LENGTH = 10_000
TEMPLATE = "message"
# A subject filled in with long names (someone with two entries, each with a long name) is cut to fit the outbox's
# column, at a word, rather than stopping the whole message for everyone.
SENT_SUBJECT_MAX_LENGTH = OutboxEmail.subject.type.length
ELLIPSIS = "…"


class PreviewOutOfDate(DomainError):
    """The message or the people it reaches changed after the organiser's preview: nothing was sent."""


class RepeatNeedsConfirming(DomainError):
    """Some of the people already received a message with this subject; `people` says how many."""

    def __init__(self, message: str, people: int):
        super().__init__(message, field="send_again")
        self.people = people


def _clean(subject: str, body: str) -> tuple[str, str]:
    """Subject and body without surrounding spaces, refused when empty or too long."""
    subject, body = (subject or "").strip(), (body or "").strip()
    if not subject:
        raise DomainError("Enter the subject", field="subject")
    if "\n" in subject or "\r" in subject:
        raise DomainError("The subject must be one line", field="subject")
    if len(subject) > SUBJECT_MAX_LENGTH:
        raise DomainError(f"The subject must be {SUBJECT_MAX_LENGTH} characters or fewer", field="subject")
    if not body:
        raise DomainError("Enter the message", field="body")
    if len(body) > BODY_MAX_LENGTH:
        raise DomainError(f"The message must be {BODY_MAX_LENGTH} characters or fewer", field="body")
    return subject, body


def _check_text(segment_key: str, subject: str, body: str, *, sending: bool) -> None:
    """Refuse fields that are unknown, malformed or do not fit the segment's people."""
    role = segments.segment_of(segment_key).role
    merge_fields.check(subject, role, "subject", sending=sending)
    merge_fields.check(body, role, "body", sending=sending)


def _check_sendable(message: Message) -> None:
    """Refuse what would stop the message being sent now: a field not available yet, or a share link before the
    finalists' pages are public (it would lead to a page not found)."""
    _check_text(message.segment, message.subject, message.body, sending=True)
    if "{share_link}" in message.subject + message.body and not shortlist_is_public(message.edition):
        moment = format_date(announcement_moment(message.edition), message.edition.timezone)
        raise DomainError(
            f"The message uses {{share_link}}, but the finalists' own pages open only when the shortlist is announced "
            f"on {moment}: send it after that, or take {{share_link}} out.",
            field="body",
        )


def sending_problem(message: Message) -> str | None:
    """What would stop the message being sent now, or None."""
    try:
        _check_sendable(message)
    except DomainError as refusal:
        return refusal.message
    return None


def fingerprint(message: Message, people: list[segments.Recipient]) -> str:
    """What a preview showed: the message's words and who it reaches. Sending checks it is still the same."""
    shown = [message.segment, message.category_id, message.subject, message.body,
             [(person.key, person.email, person.not_sent_reason, person.references) for person in people]]
    return hashlib.sha256(json.dumps(shown, ensure_ascii=False).encode()).hexdigest()


def save_message(
    actor: User, edition: Edition, segment: str, category: Category | None, subject: str, body: str,
    message: Message | None = None,
) -> Message:
    """Save a new draft, or change a draft not yet sent."""
    is_organiser.require(actor)
    if message is not None:
        _require_draft(message)
    subject, body = _clean(subject, body)
    segments.recipients(edition, segment, category)  # refuses a segment without its category, or another edition's
    _check_text(segment, subject, body, sending=False)
    if message is None:
        message = Message(edition=edition, created_by_id=actor.id)
        db.session.add(message)
    message.segment, message.category, message.subject, message.body = segment, category, subject, body
    message.updated_at = clock.now()
    db.session.flush()
    record_event(actor, "message.saved", message, segment=segment, category_id=category.id if category else None)
    return message


def _require_draft(message: Message) -> None:
    """Refuse changing or sending a message already sent."""
    if message.sent_at is not None:
        raise DomainError(
            f"“{message.subject}” was sent on {format_date(message.sent_at, message.edition.timezone)}; "
            "it cannot be changed or sent again. Start a new message instead."
        )


def recipients_of(message: Message) -> list[segments.Recipient]:
    """Everyone the message would reach now (its segment, today)."""
    return segments.recipients(message.edition, message.segment, message.category)


def embargo_line(message: Message) -> str:
    """The embargo, in words, for a message about the shortlist before it is published; else empty."""
    edition = message.edition
    # A shortlist scheduled for a later moment is not public yet either: the embargo holds until that moment.
    if not segments.segment_of(message.segment).about_shortlist or shortlist_is_public(edition):
        return ""
    return (
        "Please keep this to yourself until the shortlist is announced on "
        f"{format_date(announcement_moment(edition), edition.timezone)}."
    )


@dataclass(frozen=True)
class Rendered:
    """The message as one person gets it."""

    person: segments.Recipient
    subject: str
    body: str
    embargo: str


def render_for(message: Message, person: segments.Recipient, *, sender: User | None = None) -> Rendered:
    """Subject and body filled in with the person's own details, and the embargo line if there is one; `sender` is
    the organiser sending it (None for a preview, which makes nothing such as an RSVP link)."""
    role = segments.segment_of(message.segment).role
    sending = sender is not None
    subject = merge_fields.fill(
        merge_fields.check(message.subject, role, "subject", sending=sending), message.edition, person, sender
    )
    body = merge_fields.fill(
        merge_fields.check(message.body, role, "body", sending=sending), message.edition, person, sender
    )
    return Rendered(person, _within(" ".join(subject.split()), SENT_SUBJECT_MAX_LENGTH), body, embargo_line(message))


def _within(text: str, length: int) -> str:
    """The text, or as many of its words as fit in `length` characters with an ellipsis."""
    if len(text) <= length:
        return text
    cut = text[:length - len(ELLIPSIS)]
    return (cut.rsplit(" ", 1)[0] if " " in cut else cut).rstrip(" ,:;") + ELLIPSIS


def preview(message: Message, key: str | None) -> tuple[Rendered | None, list[segments.Recipient]]:
    """The message as the chosen recipient (by key; the first reachable one otherwise) sees it, and everyone."""
    people = recipients_of(message)
    chosen = next((person for person in people if person.key == key), None)
    if chosen is None:
        chosen = next((person for person in people if person.reachable), people[0] if people else None)
    return (render_for(message, chosen) if chosen else None), people


def earlier_receivers(message: Message, people: list[segments.Recipient]) -> list[MessageRecipient]:
    """Those of `people` who already received a sent message of the edition with the same subject."""
    addresses = {person.email.lower() for person in people if person.reachable}
    if not addresses:
        return []
    return list(
        db.session.scalars(
            select(MessageRecipient)
            .join(Message)
            .where(
                Message.edition_id == message.edition_id,
                Message.id != message.id,
                Message.sent_at.is_not(None),
                func.lower(func.trim(Message.subject)) == message.subject.strip().lower(),
                func.lower(MessageRecipient.email).in_(addresses),
                # Queued, or sent before the outbox deleted the email (it keeps how it ended on the row).
                or_(MessageRecipient.outbox_email_id.is_not(None), MessageRecipient.final_state == SENT),
            )
        )
    )


def send_message(
    actor: User, message: Message, *, previewed: str | None = None, send_again: bool = False
) -> list[MessageRecipient]:
    """Queue the message for everyone in its segment who can be reached, once; answers every recipient row.

    `previewed` is the fingerprint of the preview the organiser saw: when given and the message or its people have
    changed since (another tab, another organiser, a shortlist changed), nothing is sent."""
    is_organiser.require(actor)
    _require_draft(message)
    _check_sendable(message)
    people = recipients_of(message)
    if previewed is not None and previewed != fingerprint(message, people):
        raise PreviewOutOfDate(
            "The message or the people it goes to changed after this preview was shown, so nothing was sent. "
            "Check the preview below, then send it."
        )
    if not any(person.reachable for person in people):
        raise DomainError("Nobody in this group can be written to, so nothing was sent.")
    repeats = {row.email.lower() for row in earlier_receivers(message, people)}
    if repeats and not send_again:
        count = len(repeats)
        raise RepeatNeedsConfirming(
            f"{count} {'person' if count == 1 else 'people'} in this group already received a message called "
            f"“{message.subject}”. Nothing was sent. Tick “Send it to them again” to send it anyway, or change "
            "the subject.",
            count,
        )
    now = clock.now()
    # The claim: only one request can turn this draft into a sent message.
    claimed = db.session.execute(
        update(Message).where(Message.id == message.id, Message.sent_at.is_(None)).values(sent_at=now, sent_by_id=actor.id)
    ).rowcount
    if claimed != 1:
        db.session.refresh(message)
        _require_draft(message)
    rows = []
    for person in people:
        email_id = None
        if person.reachable:
            rendered = render_for(message, person, sender=actor)
            email_id = queue_email(
                person.email, rendered.subject, TEMPLATE, from_public=False,
                edition=message.edition, body=rendered.body, embargo=rendered.embargo,
            )
        row = MessageRecipient(
            message_id=message.id, email=person.email if person.reachable else None, name=person.name,
            role=person.role, nomination_id=person.nomination.id if person.nomination else None,
            outbox_email_id=email_id, not_sent_reason=person.not_sent_reason or ("" if email_id else "withheld"),
        )
        db.session.add(row)
        rows.append(row)
    db.session.flush()
    db.session.refresh(message)
    record_event(
        actor, "message.sent", message, segment=message.segment, title=message.subject,
        queued=sum(1 for row in rows if row.outbox_email_id), not_sent=sum(1 for row in rows if not row.outbox_email_id),
        send_again=bool(repeats),
    )
    return rows


SENT, WAITING, FAILED, NOT_SENT = "sent", "waiting", "failed", "not sent"


@dataclass(frozen=True)
class Delivery:
    """One recipient of a sent message and where their email is."""

    recipient: MessageRecipient
    state: str


def delivery(message: Message) -> list[Delivery]:
    """Per recipient: sent, waiting, failed (from the outbox row), or not sent (with the reason on the row)."""
    states = dict(
        db.session.execute(
            select(OutboxEmail.id, OutboxEmail.status)
            .join(MessageRecipient, MessageRecipient.outbox_email_id == OutboxEmail.id)
            .where(MessageRecipient.message_id == message.id)
        ).all()
    )
    words = {OutboxStatus.SENT: SENT, OutboxStatus.FAILED: FAILED, OutboxStatus.PENDING: WAITING,
             OutboxStatus.SENDING: WAITING}
    return [
        Delivery(row, words[states[row.outbox_email_id]] if row.outbox_email_id in states else (
            row.final_state or NOT_SENT
        ))
        for row in message.recipients
    ]


def settle_deliveries(outbox_ids: list[int]) -> None:
    """Before the outbox deletes these emails, keep how each ended on the recipient rows of messages that sent them."""
    for status, state in ((OutboxStatus.SENT, SENT), (OutboxStatus.FAILED, FAILED)):
        ended = select(OutboxEmail.id).where(OutboxEmail.id.in_(outbox_ids), OutboxEmail.status == status)
        db.session.execute(
            update(MessageRecipient).where(MessageRecipient.outbox_email_id.in_(ended)).values(final_state=state)
            .execution_options(synchronize_session=False)
        )


def messages_of(edition: Edition) -> list[Message]:
    """The edition's messages, newest first."""
    return list(db.session.scalars(select(Message).where(Message.edition_id == edition.id).order_by(Message.id.desc())))


# --- One person's data (privacy/personal_data.py) -----------------------------------------------------------------

ERASED_NAME = "Erased on request"


def received_by(address: str) -> list[MessageRecipient]:
    """The messages an address was sent (or would have been), oldest first."""
    return list(db.session.scalars(
        select(MessageRecipient)
        .where(func.lower(MessageRecipient.email) == address.lower())
        .order_by(MessageRecipient.id)
    ))


def erase_recipients(rows: list[MessageRecipient]) -> None:
    """Forget who these were: the address and name go, the row stays so that the message's counts stay true."""
    for row in rows:
        row.email, row.name = None, ERASED_NAME


def purge_recipients(sent_before: datetime) -> int:
    """Forget the addresses and names of everyone sent a message of an edition whose ceremony was before `sent_before`."""
    past = select(Message.id).join(Edition, Message.edition_id == Edition.id).where(Edition.ceremony_at <= sent_before)
    return db.session.execute(
        update(MessageRecipient)
        .where(MessageRecipient.message_id.in_(past), MessageRecipient.email.is_not(None))
        .values(email=None, name="")
        .execution_options(synchronize_session=False)
    ).rowcount
