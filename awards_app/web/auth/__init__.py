"""Signing in and out, the judges' emailed links, and one's own account: one blueprint at the site's root."""
from flask import Blueprint

bp = Blueprint("auth", __name__)

# The route modules register their views on bp as they are imported, so a new module is listed here and nowhere else.
from awards_app.web.auth import account, judge_links, password_reset, sign_in  # noqa: E402,F401
