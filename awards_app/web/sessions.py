"""The session cookie and the CSRF token: the same signed values Flask and Flask-WTF make, their signing serializers
built once per secret key rather than per request.

Flask's SecureCookieSessionInterface builds a new itsdangerous serializer for every request, to open the session and
again to save it, and building one signs a test value (Serializer.__init__ checks whether it makes text): a quarter
of the time of a page served from the micro-cache. The serializer holds nothing of a request, so one per secret key
serves them all. The cookie is the same (same salt, key derivation, digest and payload format), so a cookie set
before this change is still read, and one set after it reads in any other Flask app with the same secret.

Flask-WTF's generate_csrf likewise builds a serializer for each token. A page served from the micro-cache needs
nothing else from it, so visitor_csrf_token() makes the very token generate_csrf would (same secret, salt, session
key and per-request copy on `g`, so both give one token in a request) from a serializer kept per secret; Flask-WTF
still checks every token posted.

Both sign with itsdangerous' TimestampSigner, which works out its key (an HMAC of the secret and the salt) afresh for
every signature and every check; KeptKeySigner works it out once per secret and salt. The signatures are the same.
"""
from __future__ import annotations

import hashlib
import os
from typing import ClassVar

from flask import Flask, current_app, g, session
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import TimestampSigner, URLSafeTimedSerializer

CSRF_SALT = "wtf-csrf-token"  # Flask-WTF's, so that its validate_csrf reads these tokens
_csrf_serializers: dict[str | bytes, URLSafeTimedSerializer] = {}


class KeptKeySigner(TimestampSigner):
    """itsdangerous' TimestampSigner, its derived key kept per secret, salt and method instead of derived per use."""

    _derived: ClassVar[dict[tuple, bytes]] = {}

    def derive_key(self, secret_key: str | bytes | None = None) -> bytes:
        """The key TimestampSigner derives, derived once."""
        key = (secret_key if secret_key is not None else self.secret_keys[-1], self.salt, self.key_derivation,
               self.digest_method)
        derived = self._derived.get(key)
        if derived is None:
            derived = self._derived[key] = super().derive_key(secret_key)
        return derived


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
            if serializer is not None:
                serializer.signer = KeptKeySigner
        return serializer


def visitor_csrf_token() -> str:
    """This visitor's CSRF token, as flask_wtf.csrf.generate_csrf makes it, from a serializer kept per secret."""
    field_name = current_app.config.get("WTF_CSRF_FIELD_NAME") or "csrf_token"
    token = g.get(field_name)
    if token:
        return token
    secret = current_app.config.get("WTF_CSRF_SECRET_KEY") or current_app.secret_key
    serializer = _csrf_serializers.get(secret)
    if serializer is None:
        serializer = _csrf_serializers[secret] = URLSafeTimedSerializer(secret, salt=CSRF_SALT, signer=KeptKeySigner)
    if not isinstance(session.get(field_name), str):
        session[field_name] = hashlib.sha1(os.urandom(64)).hexdigest()
    token = serializer.dumps(session[field_name])
    setattr(g, field_name, token)
    return token


def register(app: Flask) -> None:
    """Use this session interface for the app."""
    app.session_interface = SessionInterface()
