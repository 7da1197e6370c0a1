"""The public nomination journey at /nominate: one blueprint, its routes in routes.py."""
from flask import Blueprint

bp = Blueprint("nominate", __name__)

from awards_app.web.nominate import routes  # noqa: E402,F401
