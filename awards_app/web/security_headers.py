"""Security headers on every response, and no-store on every answer to a browser that holds a sign-in."""
from flask import Flask, g, request, session

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
    ]
)

PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"

# Every answer carries these, unless the view set its own value.
DEFAULT_HEADERS = (
    ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "strict-origin-when-cross-origin"),
    ("Permissions-Policy", PERMISSIONS_POLICY),
    ("Cross-Origin-Opener-Policy", "same-origin"),
    ("X-Frame-Options", "DENY"),
)

# The site's own stylesheet and scripts: the same for everyone, so browsers may keep them whoever is signed in.
SHARED_FILES = {"static"}
# Set on `g` when the request's sign-in session is loaded (the user loader in awards_app/__init__.py).
CAME_SIGNED_IN = "came_signed_in"


def note_signed_in_request() -> None:
    """Remember that this request came from a browser holding a sign-in, even if the view then signs it out."""
    setattr(g, CAME_SIGNED_IN, True)


def _holds_a_sign_in(app: Flask) -> bool:
    """Whether the browser came signed in or leaves signed in.

    The session is only looked at when the browser sent one, so that a visitor without cookies is not answered with
    `Vary: Cookie` (which reading the session adds).
    """
    if g.get(CAME_SIGNED_IN):
        return True
    return app.config["SESSION_COOKIE_NAME"] in request.cookies and "_user_id" in session


def register(app: Flask) -> None:
    """Add the headers after every request."""

    @app.after_request
    def add_security_headers(response):
        headers = response.headers
        defaults = DEFAULT_HEADERS
        if app.config["HSTS_SECONDS"]:
            defaults = (*defaults, ("Strict-Transport-Security",
                                    f"max-age={app.config['HSTS_SECONDS']}; includeSubDomains"))
        # In one step: the names the view already set, then every default it did not (a view may set its own, as
        # images do their Content-Security-Policy). Six setdefault calls scanned the headers eighteen times.
        present = {name.lower() for name, _value in headers}
        headers.extend([(name, value) for name, value in defaults if name.lower() not in present])
        # A page shown to a signed-in person must not come back from the browser's cache after they sign out on a
        # shared computer: whatever else the view said about caching, no one may keep a copy.
        if request.endpoint not in SHARED_FILES and _holds_a_sign_in(app):
            headers["Cache-Control"] = "no-store"
        return response
