"""The development mailbox at /dev/mail (development only): one blueprint, its routes in routes.py."""
from flask import Blueprint

bp = Blueprint("devmail", __name__)

from awards_app.web.devmail import routes  # noqa: E402,F401
