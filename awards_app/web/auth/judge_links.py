"""Judges' emailed links: accepting an invitation, and one-time sign-in links."""
from awards_app.web.auth.routes import bp  # noqa: F401  (routes below register on the auth blueprint)
