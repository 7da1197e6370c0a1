"""Every rate limit of the site in one place, and the keys that count one email address whoever types it.

Limits are moving windows (the limiter's strategy in config.py), counted per client address (IPv4, or an IPv6 /64)
unless the route gives another key. Per client: roomy enough for a household, an office or a drop-in session sharing
one connection, tight enough to make a scripted flood slow. Per address or account: a few tries, whichever
browser makes them. The app config may override any of them by name (a benchmark, say): `limit(name)` reads it when
the request comes.
"""
from __future__ import annotations

from collections.abc import Callable

from flask import current_app

from awards_app.core.columns import EMAIL_LENGTH

LIMITS = {
    # Signing in, and the emailed links of judges and nominees.
    "SIGN_IN_LIMITS_PER_CLIENT": "10 per minute; 50 per hour",
    "SIGN_IN_LIMITS_PER_ADDRESS": "10 per 15 minutes",
    "SIGN_IN_CODE_LIMITS_PER_CLIENT": "10 per minute; 50 per hour",
    "SIGN_IN_CODE_LIMITS_PER_ACCOUNT": "5 per 5 minutes; 30 per day",
    "SIGN_IN_LINK_LIMITS_PER_CLIENT": "5 per minute; 30 per hour",
    "SIGN_IN_LINK_LIMITS_PER_ADDRESS": "3 per 15 minutes; 10 per day",
    "EMAILED_LINK_LIMITS_PER_CLIENT": "30 per minute",  # an invitation, a sign-in link or a consent request used
    # One's own account: a stolen session must not guess passwords or codes freely.
    "PASSWORD_CHANGE_LIMITS_PER_ACCOUNT": "10 per hour",
    "TWO_FACTOR_LIMITS_PER_ACCOUNT": "10 per 5 minutes",
    # The nomination journey.
    "NOMINATION_START_LIMITS_PER_CLIENT": "30 per hour",
    "NOMINATION_SUBMIT_LIMITS_PER_CLIENT": "10 per hour; 40 per day",
    "RESUME_EMAIL_LIMITS_PER_CLIENT": "10 per hour; 30 per day",
    "RESUME_EMAIL_LIMITS_PER_ADDRESS": "3 per hour; 10 per day",
    # The public vote; per voter key: three emails an hour to one inbox, however its address is written.
    "VOTE_REQUEST_LIMITS_PER_CLIENT": "10 per hour",
    "VOTE_REQUEST_LIMITS_PER_VOTER": "3 per hour",
    "VOTE_CONFIRM_LIMITS_PER_CLIENT": "20 per hour",
    "VOTE_RESEND_LIMITS_PER_CLIENT": "10 per hour",
    "VOTE_RESEND_LIMITS_PER_VOTER": "3 per hour",
    # Checking a receipt code against a published list of votes.
    "RECEIPT_CHECK_LIMITS_PER_CLIENT": "60 per minute",
}


def limit(name: str) -> Callable[[], str]:
    """The limit called `name` in LIMITS, for a limiter decorator: read from the app config when the request comes."""
    if name not in LIMITS:
        raise KeyError(f"no rate limit called {name}")
    return lambda: current_app.config.get(name) or LIMITS[name]


def address_key(scope: str, address: str | None) -> str:
    """A rate-limit key for one email address, as typed (trimmed, any case), whoever asks about it."""
    return f"{scope}:" + (address or "").strip().lower()[:EMAIL_LENGTH]
