"""Polls of the live results answered 304 before Flask loads anything, by repeating this worker's last such answer.

Thousands of phones poll /results (and the projector /results/present/<n>) every two seconds with the ETag of what
they show. While the edition's results stamp that this worker holds (web/public/results.py, kept half a second) is
unchanged, the answer to the same poll with the same If-None-Match is the same 304, byte for byte: so the first such
answer, given the ordinary way (the view's ETag and caching rules, every security header, whatever the session and
rate limiter add), is kept, and repeated to the next identical polls at the WSGI layer, without a request context,
session, sign-in, CSRF check or routing. When the stamp is read again (every half second) the kept answers are
dropped, and the next poll is answered the ordinary way again, so a reveal reaches a poll exactly as soon as before.

Only requests without a session cookie are answered here: a browser holding a session may be signed in, and an
answer to it differs (no-store, Vary: Cookie). A poll whose tag no longer matches gets the new page the ordinary way.
"""
from __future__ import annotations

import threading
from collections.abc import Callable, Iterable

from flask import Flask

from awards_app.web.public import results

POLLED_PATHS = ("/results", "/results/present")
MAX_KEPT = 256  # answers by address and tag; a flood of odd query strings only resets them


class EarlyNotModified:
    """WSGI middleware: repeat a kept 304 to an identical poll while the results stamp it was given under stands."""

    def __init__(self, app: Flask, wsgi_app: Callable) -> None:
        self.wsgi_app = wsgi_app
        self.session_cookie = f"{app.config['SESSION_COOKIE_NAME']}="
        self.kept: dict[tuple, tuple[object, list[tuple[str, str]]]] = {}
        self.lock = threading.Lock()

    def _key(self, environ: dict) -> tuple | None:
        """What names one poll's answer, or None when the request is not a poll this layer may answer."""
        path = environ.get("PATH_INFO", "")
        if (
            environ.get("REQUEST_METHOD") != "GET"
            or not environ.get("HTTP_IF_NONE_MATCH")
            or not path.startswith(POLLED_PATHS)
            or self.session_cookie in environ.get("HTTP_COOKIE", "")
        ):
            return None
        return (path, environ.get("QUERY_STRING", ""), environ["HTTP_IF_NONE_MATCH"],
                environ.get("HTTP_HX_REQUEST"), environ.get("HTTP_HX_BOOSTED"), environ.get("HTTP_HOST"))

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        key = self._key(environ)
        if key is None:
            return self.wsgi_app(environ, start_response)
        kept = self.kept.get(key)
        if kept is not None and results.stamp_still_held(kept[0]):
            start_response("304 NOT MODIFIED", list(kept[1]))
            return []
        sent: list = []

        def noting_start_response(status, headers, exc_info=None):
            if status.startswith("304 "):
                sent.append(list(headers))
            return start_response(status, headers, exc_info)

        body = self.wsgi_app(environ, noting_start_response)
        held = environ.get(results.ANSWERED_UNDER)
        if sent and held is not None:
            with self.lock:
                if len(self.kept) >= MAX_KEPT:
                    self.kept.clear()
                self.kept[key] = (held, sent[0])
        return body


def register(app: Flask) -> None:
    """Put the layer in front of the app."""
    app.wsgi_app = EarlyNotModified(app, app.wsgi_app)
