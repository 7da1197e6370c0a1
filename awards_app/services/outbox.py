"""Queueing email in the outbox. Delivery happens only after the commit (see mail_delivery)."""
from __future__ import annotations

import secrets

from flask import current_app, render_template

from awards_app.extensions import db
from awards_app.models import OutboxEmail


def queue_email(to: str, subject: str, template: str, **context) -> OutboxEmail:
    """Render templates/emails/<template>.txt and .html and add the email to the outbox in this transaction."""
    context.setdefault("base_url", current_app.config["PUBLIC_BASE_URL"])
    domain = current_app.config["PUBLIC_BASE_URL"].split("//", 1)[-1].split("/", 1)[0].split(":", 1)[0] or "localhost"
    email = OutboxEmail(
        message_id=f"<{secrets.token_hex(16)}@{domain}>",
        to_address=to,
        subject=subject,
        text_body=render_template(f"emails/{template}.txt", subject=subject, **context),
        html_body=render_template(f"emails/{template}.html", subject=subject, **context),
    )
    db.session.add(email)
    return email
