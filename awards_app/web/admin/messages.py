"""The organisers' area: messages to people by where they stand (messaging/). An edition's messages, a new one (from
a ready-made starting point or blank), editing a draft, its preview as one real recipient with the count, sending it
once, and its delivery to each person. Organisers only."""
from __future__ import annotations

from flask import abort, flash, request, url_for
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, SelectField, StringField, TextAreaField

from awards_app.core.errors import DomainError
from awards_app.core.uow import commit
from awards_app.extensions import db
from awards_app.messaging import merge_fields, messages, segments
from awards_app.messaging.models import Message
from awards_app.messaging.starters import STARTERS
from awards_app.programme.models import Edition
from awards_app.web.access import organiser_required
from awards_app.web.admin import bp
from awards_app.web.admin.shared import EDITION, category_or_404, edition_or_404, trail
from awards_app.web.database_ids import database_id
from awards_app.web.forms import Required, at_most, render_form, save_form, show_refusal
from awards_app.web.htmx import is_fragment_request, render_page
from awards_app.web.responses import see_other
from awards_app.web.signed_in import current_actor

NO_CATEGORY = ""
# How often an open delivery page asks again while emails wait in the outbox (the worker sends every few seconds).
DELIVERY_POLL_SECONDS = 5


class MessageForm(FlaskForm):
    """Who a message is for, its subject and its body."""

    segment = SelectField("Who is it for?", validators=[Required("Choose who the message is for")],
                          validate_choice=False)
    category = SelectField("Category", validate_choice=False)
    subject = StringField("Subject", validators=[Required("Enter the subject"),
                                                 at_most(messages.SUBJECT_MAX_LENGTH, "The subject")])
    body = TextAreaField("Message", validators=[Required("Enter the message"),
                                                at_most(messages.BODY_MAX_LENGTH, "The message")])


class SendForm(FlaskForm):
    """The send button, and the confirmation asked when some people already received this subject."""

    send_again = BooleanField("Send it to them again")
    # What the preview showed (messaging.messages.fingerprint): sending refuses if it has changed since.
    previewed = HiddenField()


def _message_form(edition: Edition, data: dict) -> MessageForm:
    """The form with the edition's categories and every segment to choose from."""
    form = MessageForm(data=data)
    form.segment.choices = [("", "Choose who the message is for")] + [
        (key, segment.label) for key, segment in segments.SEGMENTS.items()
    ]
    form.category.choices = [(NO_CATEGORY, "Every category")] + [
        (str(category.id), category.name) for category in edition.categories
    ]
    return form


def _chosen_category(edition: Edition, value: str | None):
    """The category the form names (404 for one of another edition or none at all), or None."""
    if not value:
        return None
    category_id = database_id(value)
    if category_id is None:
        abort(404)
    return category_or_404(edition.id, category_id)


def _message_or_404(message_id: int) -> Message:
    """The message, or 404."""
    return db.get_or_404(Message, message_id)


def _message_trail(edition: Edition) -> list[tuple[str, str]]:
    """Breadcrumbs: the dashboard, the edition, its messages."""
    return [*trail(edition), ("Messages", url_for(".messages_list", edition_id=edition.id))]


@bp.get(EDITION + "/messages")
@organiser_required
def messages_list(edition_id: int):
    """The edition's messages (drafts and sent), and the starting points for a new one."""
    edition = edition_or_404(edition_id)
    return render_page(
        "admin/messages/list.html", edition=edition, messages=messages.messages_of(edition), starters=STARTERS,
        segments=segments.SEGMENTS, trail=trail(edition),
    )


def _edit_page(edition: Edition, form: MessageForm, message: Message | None):
    """The message's form, with the merge fields listed beside it."""
    return render_form(
        "admin/messages/form.html", form, edition=edition, message=message,
        fields=merge_fields.field_help(), trail=_message_trail(edition),
    )


def _save(edition: Edition, form: MessageForm, message: Message | None):
    """Save the posted draft and go to its preview, or show the form again with what was wrong."""
    def operation():
        category = _chosen_category(edition, form.category.data)
        return messages.save_message(
            current_actor(), edition, form.segment.data, category, form.subject.data, form.body.data, message
        )

    if saved := save_form(form, operation):
        flash("Saved. Nothing has been sent yet: check the preview, then send.", "success")
        return see_other(url_for(".message_preview", message_id=saved.result.id))
    return _edit_page(edition, form, message)


@bp.route(EDITION + "/messages/new", methods=["GET", "POST"])
@organiser_required
def new_message(edition_id: int):
    """Write a new message, blank or from a starting point (?start=)."""
    edition = edition_or_404(edition_id)
    starter = STARTERS.get(request.args.get("start", ""))
    data = {"segment": starter.segment, "subject": starter.subject, "body": starter.body} if starter else {}
    return _save(edition, _message_form(edition, data), None)


@bp.route("/messages/<int:message_id>/edit", methods=["GET", "POST"])
@organiser_required
def edit_message(message_id: int):
    """Change a draft; a sent message cannot change, so its delivery is shown instead."""
    message = _message_or_404(message_id)
    if message.sent_at is not None:
        return see_other(url_for(".message_delivery", message_id=message.id))
    data = {"segment": message.segment, "category": str(message.category_id or NO_CATEGORY),
            "subject": message.subject, "body": message.body}
    return _save(message.edition, _message_form(message.edition, data), message)


def _preview_page(message: Message, form: SendForm, status: int = 200):
    """The message as one real recipient sees it, how many it reaches, who it cannot, and the send button."""
    rendered, people = messages.preview(message, request.args.get("recipient"))
    form.previewed.data = messages.fingerprint(message, people)
    reachable = [person for person in people if person.reachable]
    repeats = messages.earlier_receivers(message, people)
    return render_page(
        "admin/messages/preview.html", status=status, message=message, edition=message.edition, form=form,
        rendered=rendered, people=people, reachable=reachable, unreachable=[p for p in people if not p.reachable],
        repeats=len({row.email.lower() for row in repeats}), problem=messages.sending_problem(message),
        segment=segments.SEGMENTS[message.segment], trail=_message_trail(message.edition),
    )


@bp.get("/messages/<int:message_id>/preview")
@organiser_required
def message_preview(message_id: int):
    """Preview a draft as the recipient chosen (?recipient=), with the count; a sent one shows its delivery."""
    message = _message_or_404(message_id)
    if message.sent_at is not None:
        return see_other(url_for(".message_delivery", message_id=message.id))
    return _preview_page(message, SendForm())


@bp.post("/messages/<int:message_id>/send")
@organiser_required
def send_message(message_id: int):
    """Send the message to everyone in its segment who can be reached, once."""
    message = _message_or_404(message_id)
    form = SendForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        rows = messages.send_message(
            current_actor(), message, previewed=form.previewed.data or "", send_again=form.send_again.data
        )
    except DomainError as refusal:
        show_refusal(form, refusal)
        if message.sent_at is not None:
            flash(refusal.message, "error")
            return see_other(url_for(".message_delivery", message_id=message.id))
        return _preview_page(message, form, status=409)
    commit()
    queued = sum(1 for row in rows if row.outbox_email_id)
    flash(f"Sent: {queued} email{'' if queued == 1 else 's'} on their way.", "success")
    return see_other(url_for(".message_delivery", message_id=message.id))


@bp.get("/messages/<int:message_id>")
@organiser_required
def message_delivery(message_id: int):
    """Each recipient of a sent message: sent, waiting or failed (or not sent, and why); a draft shows its preview."""
    message = _message_or_404(message_id)
    if message.sent_at is None:
        return see_other(url_for(".message_preview", message_id=message.id))
    rows = messages.delivery(message)
    counts = {state: sum(1 for row in rows if row.state == state)
              for state in (messages.SENT, messages.WAITING, messages.FAILED, messages.NOT_SENT)}
    return render_page(
        "admin/messages/delivery.html", "delivery", message=message, edition=message.edition, rows=rows,
        counts=counts, segment=segments.SEGMENTS[message.segment], trail=_message_trail(message.edition),
        count_line=" ".join(f"{state.capitalize()}: {count}." for state, count in counts.items()),
        poll_seconds=DELIVERY_POLL_SECONDS, in_fragment=is_fragment_request(),
    )
