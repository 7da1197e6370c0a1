"""What the public journeys (nominating, voting) share: a form whose token expired is drawn again with what was typed,
and a rate limit is explained in the journey's own words.

The site-wide handlers in error_pages.py answer everyone else; these know a journey's steps better.
"""
from __future__ import annotations

import inspect
from collections.abc import Callable

from flask import Blueprint, current_app, g, request
from flask_wtf.csrf import CSRFError

from awards_app.web.error_pages import expired_form_response, too_many_requests_response

# Flask-Limiter marks each wrapper its decorators make with this attribute.
LIMITER_WRAPPER_MARK = "__wrapper-limiter-instance"


def explain_journey_errors(
    bp: Blueprint,
    *,
    drawn_again: set[str],
    after_expiry: Callable[[], object | None],
    limits_explained: dict[str, tuple[str, str]],
) -> None:
    """Install the journey's handlers on its blueprint.

    drawn_again: the endpoints whose page is drawn again after an expired token, with what was typed and g.form_expired
    set (the view puts its own message on its form); after_expiry: for any other endpoint, the journey's own answer
    (such as a message and a redirect), or None for the plain expired-form page; limits_explained: the title and
    detail of the rate-limit page for each endpoint that has limits.
    """

    @bp.errorhandler(CSRFError)
    def form_expired(error):
        """An expired or missing form token: nothing is saved, sent or counted, but nothing typed is thrown away."""
        if request.endpoint in drawn_again:
            g.form_expired = True
            view = _without_rate_limits(current_app.view_functions[request.endpoint])
            return view(**(request.view_args or {}))
        return after_expiry() or expired_form_response()

    @bp.errorhandler(429)
    def too_many_requests(error):
        """Explain a rate limit in the journey's terms: what was not done, and when to try again."""
        title, detail = limits_explained.get(request.endpoint, (None, None))
        return too_many_requests_response(error, title, detail)


def _without_rate_limits(view):
    """The view without its rate-limit decorators, other decorators kept (the nomination's journey_step).

    Drawing a page again costs no budget (nothing is sent or counted), and a limit met inside an error handler would
    be a 500.
    """
    return inspect.unwrap(view, stop=lambda wrapper: not hasattr(wrapper, LIMITER_WRAPPER_MARK))
