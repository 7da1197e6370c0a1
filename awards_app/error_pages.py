"""Friendly error pages in the site's layout; no stack trace ever reaches a visitor."""
from __future__ import annotations

import logging

from flask import Flask, make_response, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from werkzeug.exceptions import HTTPException, InternalServerError, ServiceUnavailable

from awards_app.extensions import db
from awards_app.htmx import is_fragment_request

log = logging.getLogger(__name__)

# What each status means to a visitor, and what they can do next.
MESSAGES = {
    400: ("Something was wrong with that request", "The page could not understand what was sent. Go back and try again."),
    403: ("You cannot see this page", "Your account does not give you access to this page. If you think it should, contact the awards team."),
    404: ("Page not found", "If you typed the web address, check it is correct. If you pasted it, check you copied the whole address."),
    405: ("That action is not possible here", "This page cannot be used that way. Go back and use the buttons on the page."),
    409: ("Someone else changed this at the same time", "Your change was not saved because it clashed with another change made a moment ago. Go back, reload the page, and try again."),
    413: ("What you sent is too large", "The form or file you sent is larger than we accept. Shorten it, or choose a smaller file, and try again."),
    429: ("Too many attempts", "You have tried this too many times in a short while. Wait a few minutes and try again."),
    500: ("Sorry, there is a problem with the service", "Something went wrong on our side. Nothing you typed is your fault. Try again later."),
    503: ("Sorry, the service is unavailable", "The service is not working at the moment. Try again in a few minutes."),
}


def error_response(status: int, title: str | None = None, detail: str | None = None):
    """Render the error page (or, under htmx, a message that htmx shows in the page's message area)."""
    default_title, default_detail = MESSAGES.get(status, MESSAGES[500])
    context = {"status": status, "title": title or default_title, "detail": detail or default_detail}
    if is_fragment_request():
        response = make_response(render_template("errors/_message.html", **context), status)
        response.headers["HX-Retarget"] = "#messages"
        response.headers["HX-Reswap"] = "innerHTML"
    else:
        response = make_response(render_template("errors/error.html", **context), status)
    response.headers["Cache-Control"] = "no-store"
    return response


def expired_form_response():
    """The page for a form whose CSRF token has expired or is missing, when nothing better can be done."""
    return error_response(
        400,
        "This form has expired",
        "For your security, forms stop working after a while or when the page is out of date. "
        "Go back, reload the page, and send the form again.",
    )


def register(app: Flask) -> None:
    """Install the handlers."""

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code is None or error.code < 400:
            return error
        response = error_response(error.code if error.code in MESSAGES else 400)
        if error.code == 405 and hasattr(error, "valid_methods") and error.valid_methods:
            response.headers["Allow"] = ", ".join(error.valid_methods)
        if error.code == 429 and error.response is not None and "Retry-After" in error.response.headers:
            response.headers["Retry-After"] = error.response.headers["Retry-After"]
        return response

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        return expired_form_response()

    @app.errorhandler(IntegrityError)
    def clashing_change(error):
        # The services check rules first; a constraint only fires here when two people raced for the same thing.
        log.warning("integrity error: %s", error.orig.__class__.__name__ if error.orig else error)
        db.session.rollback()
        return error_response(409)

    @app.errorhandler(OperationalError)
    @app.errorhandler(DBAPIError)
    def database_unavailable(error):
        log.error("database unavailable: %s", error.__class__.__name__)
        db.session.rollback()
        return error_response(503)

    @app.errorhandler(ServiceUnavailable)
    def unavailable(error):
        return error_response(503)

    @app.errorhandler(InternalServerError)
    def internal_error(error):
        log.exception("unhandled error on %s %s", request.method, request.path)
        try:
            db.session.rollback()
        except Exception:  # the database may be the problem; the page must still render
            pass
        return error_response(500)
