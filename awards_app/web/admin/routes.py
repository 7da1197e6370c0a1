"""The organisers' area."""
from flask import Blueprint

from awards_app.htmx import render_page
from awards_app.services.phases import phase_of
from awards_app.services.programme import list_editions
from awards_app.web.access import organiser_required

bp = Blueprint("admin", __name__)


@bp.get("/")
@organiser_required
def dashboard():
    """List the editions."""
    return render_page("admin/dashboard.html", editions=list_editions(), phase_of=phase_of)
