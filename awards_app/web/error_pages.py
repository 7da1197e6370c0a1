"""Friendly error pages in the site's layout; no stack trace ever reaches a visitor."""
from __future__ import annotations

import logging
from urllib.parse import urlsplit

from flask import Flask, current_app, flash, g, has_app_context, make_response, render_template, request, session
from flask_wtf.csrf import CSRFError
from sqlalchemy import event
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm import Session
from werkzeug.exceptions import HTTPException, InternalServerError, ServiceUnavailable

from awards_app.extensions import db
from awards_app.web.htmx import is_fragment_request

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


def error_response(status: int, title: str | None = None, detail: str | None = None, back_url: str | None = None):
    """Render the error page (or, under htmx, a message that htmx shows in the page's message area)."""
    default_title, default_detail = MESSAGES.get(status, MESSAGES[500])
    context = {"status": status, "title": title or default_title, "detail": detail or default_detail, "back_url": back_url}
    if is_fragment_request():
        response = make_response(render_template("errors/_message.html", **context), status)
        response.headers["HX-Retarget"] = "#messages"
        response.headers["HX-Reswap"] = "innerHTML"
    else:
        response = make_response(render_template("errors/error.html", **context), status)
    response.headers["Cache-Control"] = "no-store"
    return response


def too_many_requests_response(error, title: str | None = None, detail: str | None = None):
    """The page for a rate limit met, in the words given (or the site's), saying when to try again (Retry-After)."""
    response = error_response(429, title, detail)
    limited = getattr(error, "response", None)
    if limited is not None and "Retry-After" in limited.headers:
        response.headers["Retry-After"] = limited.headers["Retry-After"]
    return response


def expired_form_response(back_url: str | None = None):
    """The page for a form whose CSRF token has expired or is missing, when nothing better can be done."""
    return error_response(
        400,
        "This form has expired",
        "For your security, forms stop working after a while or when the page is out of date. "
        "Go back, reload the page, and send the form again.",
        back_url=back_url,
    )


FORM_EXPIRED_MESSAGE = (
    "This form has expired, so for your security nothing was saved or sent. Check your answers and send it again."
)


class ReplayMustNotChange(RuntimeError):
    """A view shown again after a refused CSRF token tried to commit: it is stopped, and nothing is saved."""


def _refuse_commit_while_replaying(session) -> None:
    """Stop any commit while a refused form's page is drawn again (the token was refused, so nothing may change)."""
    if has_app_context() and g.get("csrf_replay"):
        raise ReplayMustNotChange("a form page shown again after a refused CSRF token tried to commit")


def _form_page_again():
    """Draw the page of a form whose token was refused again, with what was posted, or None when that is not safe.

    Only views that also answer GET (so they draw the form themselves) are replayed, and never for htmx fragments.
    The replay still sees the POST, so Flask-WTF forms refuse the same token in validate() and the view shows its
    form with the posted values; as a second guard any commit is refused and anything but a page is thrown away.
    """
    rule = request.url_rule
    if rule is None or "GET" not in (rule.methods or ()) or is_fragment_request():
        return None
    view = current_app.view_functions.get(request.endpoint)
    if view is None:
        return None
    flash(FORM_EXPIRED_MESSAGE, "error")
    g.csrf_replay = True
    try:
        response = current_app.make_response(view(**(request.view_args or {})))
    except Exception as error:  # a 403, 404 or a stopped commit: the plain expired page says enough
        log.info("form page not shown again after a refused token: %s", error.__class__.__name__)
        db.session.rollback()
        _take_back_message()
        return None
    finally:
        g.csrf_replay = False
    db.session.rollback()  # nothing the replay loaded or changed is kept
    if response.status_code not in (200, 400, 409, 422) or response.mimetype != "text/html":
        _take_back_message()  # a redirect or a download is not the form: do not follow it
        return None
    response.status_code = 400
    response.headers["Cache-Control"] = "no-store"
    return response


def _take_back_message() -> None:
    """Remove the expired-form message again when the form's page is not shown after all."""
    flashes = session.get("_flashes") or []
    kept = [entry for entry in flashes if tuple(entry) != ("error", FORM_EXPIRED_MESSAGE)]
    if kept:
        session["_flashes"] = kept
    else:
        session.pop("_flashes", None)


def _same_site_referrer() -> str | None:
    """The page the form was sent from, when it is on this site (for a link back to it)."""
    referrer = request.referrer or ""
    parts = urlsplit(referrer)
    if parts.netloc and parts.netloc != request.host:
        return None
    if not parts.path.startswith("/") or parts.path.startswith("//"):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def register(app: Flask) -> None:
    """Install the handlers."""

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code is None or error.code < 400:
            return error
        if error.code == 429:
            return too_many_requests_response(error)
        response = error_response(error.code if error.code in MESSAGES else 400)
        if error.code == 405 and hasattr(error, "valid_methods") and error.valid_methods:
            response.headers["Allow"] = ", ".join(error.valid_methods)
        return response

    if not event.contains(Session, "before_commit", _refuse_commit_while_replaying):
        event.listen(Session, "before_commit", _refuse_commit_while_replaying)

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        # A form page whose GET draws the same form is shown again with what was typed and a message (the nomination
        # and vote journeys have their own handlers, which know their steps better).
        page = _form_page_again()
        if page is not None:
            return page
        return expired_form_response(back_url=_same_site_referrer())

    @app.errorhandler(IntegrityError)
    def clashing_change(error):
        # The services check rules first; a constraint only fires here when two people raced for the same thing.
        log.warning("integrity error: %s", error.orig.__class__.__name__ if error.orig else error)
        db.session.rollback()
        return error_response(409)

    @app.errorhandler(DataError)
    def unusable_value(error):
        # The database refused a value (a NUL byte, a number out of range) that the checks before it let through:
        # the request's fault, not an outage, so the person is told so rather than to come back later.
        log.warning("value refused by the database: %s", error.orig.__class__.__name__ if error.orig else error)
        db.session.rollback()
        return error_response(400)

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
