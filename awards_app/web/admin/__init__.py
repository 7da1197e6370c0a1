"""The organisers' area at /admin: one blueprint, its routes split by subject; shared.py holds what they share."""
from flask import Blueprint

bp = Blueprint("admin", __name__)

# The route modules register their views on bp as they are imported, so a new module is listed here and nowhere else.
from awards_app.web.admin import (  # noqa: E402,F401
    ceremony,
    copying,
    dashboard,
    duplicates,
    messages,
    nominations,
    panel,
    people,
    programme,
    publication,
    reach,
    rsvp,
    security,
    site,
    votes,
)
