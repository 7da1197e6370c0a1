"""The session cookie: Flask's signed cookie, its signing serializer built once per secret key rather than per request.

Flask's SecureCookieSessionInterface builds a new itsdangerous serializer for every request, to open the session and
again to save it, and building one signs a test value (Serializer.__init__ checks whether it makes text): a quarter
of the time of a page served from the micro-cache. The serializer holds nothing of a request, so one per secret key
serves them all. The cookie is the same (same salt, key derivation, digest and payload format), so a cookie set
before this change is still read, and one set after it reads in any other Flask app with the same secret.
"""
from __future__ import annotations

from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import URLSafeTimedSerializer


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie session with its serializer kept, one per secret key and fallbacks."""

    def __init__(self) -> None:
        self._serializers: dict[tuple, URLSafeTimedSerializer | None] = {}

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        """The serializer Flask would build, built once for these keys."""
        keys = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
        serializer = self._serializers.get(keys)
        if serializer is None:
            serializer = self._serializers[keys] = super().get_signing_serializer(app)
        return serializer


def register(app: Flask) -> None:
    """Use this session interface for the app."""
    app.session_interface = SessionInterface()
