"""The public vote at /vote: one blueprint, its routes in routes.py."""
from flask import Blueprint

bp = Blueprint("vote", __name__)

from awards_app.web.vote import routes  # noqa: E402,F401
