"""The nominee's answer to a consent request at /consent: one blueprint, its route in routes.py."""
from flask import Blueprint

bp = Blueprint("consent", __name__)

from awards_app.web.consent import routes  # noqa: E402,F401
