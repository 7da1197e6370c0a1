"""The development mailbox: email the app would have sent, readable in the browser (development only)."""
from flask import Blueprint
from sqlalchemy import select

from awards_app.extensions import db
from awards_app.htmx import render_page
from awards_app.models import OutboxEmail

bp = Blueprint("devmail", __name__)


@bp.get("/")
def inbox():
    """List every email in the outbox, newest first."""
    emails = db.session.scalars(select(OutboxEmail).order_by(OutboxEmail.id.desc()).limit(200)).all()
    return render_page("devmail/inbox.html", emails=emails)
