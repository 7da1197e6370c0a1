"""Public pages: the home page and the health check."""
from flask import Blueprint
from sqlalchemy import text

from awards_app.extensions import db, limiter
from awards_app.htmx import render_page
from awards_app.services.phases import PHASE_DATES, phase_of
from awards_app.services.programme import current_edition

bp = Blueprint("public", __name__)


@bp.get("/")
def home():
    """Show the current edition, its phase, its categories and what a visitor can do now."""
    edition = current_edition()
    phase = phase_of(edition) if edition else None
    return render_page("public/home.html", edition=edition, phase=phase, phase_dates=PHASE_DATES)


@bp.get("/healthz")
@limiter.exempt
def healthz():
    """Answer 200 when the database answers, 503 otherwise."""
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # any database failure means unhealthy; the detail goes to the log, not the caller
        db.session.rollback()
        return "database unavailable\n", 503, {"Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store"}
    return "ok\n", 200, {"Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store"}


@bp.get("/floor")
@limiter.exempt
def floor():
    """A fixed answer that touches no database: the floor benchmarks measure every page against."""
    return "floor\n", 200, {"Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store"}
