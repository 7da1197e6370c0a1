"""The judges' area at /judging: one blueprint, its routes split by subject (panels and conflicts, scoring, the final
round); shared.py holds what they share."""
from flask import Blueprint

bp = Blueprint("judging", __name__)

# The route modules register their views on bp as they are imported, so a new module is listed here and nowhere else.
from awards_app.web.judging import deadline, final_round, panels, scoring  # noqa: E402,F401
