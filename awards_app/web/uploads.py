"""Files are taken only by the routes made for them: a file sent to any other form is refused before a view runs.

Flask-WTF hands uploaded files to a form together with its text fields, so a crafted request could put a file where a
text field's value belongs; the views and services, which expect text, would then fail with a 500.
"""
from flask import Flask, abort, request

# The endpoints whose forms have a file field.
ENDPOINTS_TAKING_FILES = {"admin.upload_finalist_image", "admin.upload_logo"}


def register(app: Flask) -> None:
    """Refuse (400) any request carrying a file to a route that takes none."""

    @app.before_request
    def refuse_unexpected_files():
        if request.method == "POST" and request.endpoint not in ENDPOINTS_TAKING_FILES and request.files:
            abort(400)
