"""Queueing email in the outbox. Delivery happens only after the commit (see mail_delivery)."""
from __future__ import annotations

import secrets

from flask import current_app, render_template
from sqlalchemy import insert

from awards_app.core.models import OutboxEmail
from awards_app.extensions import db

# A plain INSERT, built once: the request that queues an email never reads it back (the sender does), so the ORM's
# bookkeeping would be spent for nothing on the vote's busy path.
_ADD_EMAIL = insert(OutboxEmail.__table__).returning(OutboxEmail.id)


def queue_email(to: str, subject: str, template: str, **context) -> int:
    """Render templates/emails/<template>.txt and .html and add the email to the outbox in this transaction.

    Answers the new email's id.
    """
    context.setdefault("base_url", current_app.config["PUBLIC_BASE_URL"])
    domain = current_app.config["PUBLIC_BASE_URL"].split("//", 1)[-1].split("/", 1)[0].split(":", 1)[0] or "localhost"
    return db.session.execute(
        _ADD_EMAIL,
        {
            "message_id": f"<{secrets.token_hex(16)}@{domain}>",
            "to_address": to,
            "subject": subject,
            "text_body": render_template(f"emails/{template}.txt", subject=subject, **context),
            "html_body": render_template(f"emails/{template}.html", subject=subject, **context),
        },
    ).scalar_one()
