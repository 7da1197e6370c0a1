"""The development mailbox: email the app would have sent, readable in the browser (development only).

Email delivered here keeps what it said, links included, so that people trying the app can follow them; production
never registers this blueprint and always sends over SMTP, whose worker removes an email's body and address once it
has gone (core/mail_delivery.py)."""
from flask import make_response
from sqlalchemy import select

from awards_app.core.models import OutboxEmail
from awards_app.extensions import db
from awards_app.web.devmail import bp
from awards_app.web.htmx import render_page

# Email HTML leans on inline styles, so they are allowed here; scripts, frames, forms and remote loads are not.
# Sandboxed, and framed only by the mailbox's own page.
HTML_PART_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'; sandbox"


@bp.get("/")
def inbox():
    """List every email in the outbox, newest first."""
    emails = db.session.scalars(select(OutboxEmail).order_by(OutboxEmail.id.desc()).limit(200)).all()
    return render_page("devmail/inbox.html", emails=emails)


@bp.get("/<int:email_id>")
def show_email(email_id: int):
    """Show one email's headers, delivery state and plain-text body."""
    email = db.get_or_404(OutboxEmail, email_id)
    return render_page("devmail/email.html", email=email)


@bp.get("/<int:email_id>/html")
def html_part(email_id: int):
    """Serve the email's HTML part as it is, under a policy that lets it style itself but never run code."""
    email = db.get_or_404(OutboxEmail, email_id)
    response = make_response(email.html_body)
    response.mimetype = "text/html"
    response.headers["Content-Security-Policy"] = HTML_PART_POLICY
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "no-store"
    return response
