"""The session cookie: the same signed cookie Flask makes, its serializer built once per secret key."""
from __future__ import annotations

from flask.sessions import SecureCookieSessionInterface

from awards_app.web.sessions import SessionInterface


def test_a_cookie_made_before_the_change_is_still_read_and_the_other_way_round(app):
    flask_own = SecureCookieSessionInterface().get_signing_serializer(app)
    cookie = flask_own.dumps({"csrf_token": "abc", "_user_id": "t0ken"})
    name = app.config["SESSION_COOKIE_NAME"]
    with app.test_request_context("/", headers={"Cookie": f"{name}={cookie}"}) as context:
        assert dict(app.session_interface.open_session(app, context.request)) == {"csrf_token": "abc",
                                                                                  "_user_id": "t0ken"}
    ours = app.session_interface.get_signing_serializer(app).dumps({"csrf_token": "xyz"})
    assert flask_own.loads(ours) == {"csrf_token": "xyz"}


def test_the_serializer_is_built_once_per_secret(app, monkeypatch):
    interface = SessionInterface()
    assert isinstance(app.session_interface, SessionInterface)
    first = interface.get_signing_serializer(app)
    assert interface.get_signing_serializer(app) is first
    monkeypatch.setattr(app, "secret_key", "another-secret-key")
    other = interface.get_signing_serializer(app)
    assert other is not first and other.loads(other.dumps({"a": 1})) == {"a": 1}
    assert first.loads(first.dumps({"a": 1})) == {"a": 1}


def test_the_visitor_s_token_is_flask_wtf_s_token(app):
    from flask_wtf.csrf import generate_csrf, validate_csrf

    from awards_app.web.sessions import visitor_csrf_token

    with app.test_request_context("/"):
        token = visitor_csrf_token()
        validate_csrf(token)  # raises if Flask-WTF would refuse it
        assert generate_csrf() == token == visitor_csrf_token()  # one token a request, whichever makes it first
    with app.test_request_context("/"):
        made_by_flask_wtf = generate_csrf()
        assert visitor_csrf_token() == made_by_flask_wtf


def test_the_kept_key_signer_signs_as_itsdangerous_does(monkeypatch):
    from itsdangerous import TimestampSigner

    from awards_app.web.sessions import KeptKeySigner

    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: 1_700_000_000)
    for keys in (["secret"], ["old-secret", "secret"]):
        kept, plain = KeptKeySigner(keys, salt="cookie-session"), TimestampSigner(keys, salt="cookie-session")
        assert kept.sign("value") == kept.sign("value") == plain.sign("value")
        assert kept.unsign(plain.sign("value")) == b"value"
    assert KeptKeySigner(["secret"], salt="another").sign("value") != plain.sign("value")
