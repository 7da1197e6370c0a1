"""Every rate limit of the site in one place, and the keys that count one email address whoever types it.

Limits are moving windows (the limiter's strategy in config.py), counted per client address (IPv4, or an IPv6 /64)
unless the route gives another key. Per client: roomy enough for a household, an office or a drop-in session sharing
one connection, tight enough to make a scripted flood slow. Per address or account: a few tries, whichever
browser makes them. The app config may override any of them by name (a benchmark, say): `limit(name)` reads it when
the request comes.

A limit that should count only what a request really did (an email queued, say) is spent from inside the view with
`spend(name, key)`: one atomic step of the limiter's storage checks and counts together, so simultaneous requests
cannot all slip under it, as they could between a decorator's check and a count made after the response.
"""
from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from flask import current_app
from limits import parse_many
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

from awards_app.core.columns import EMAIL_LENGTH
from awards_app.core.mail_budget import recipient_key
from awards_app.extensions import limiter

log = logging.getLogger(__name__)
# Where spend() counts if the shared storage stops answering mid-request: this process's memory, as the limiter's
# own fallback does (the decorators have usually switched to that already, and spend() then uses it too).
_FALLBACK = MovingWindowRateLimiter(MemoryStorage())

LIMITS = {
    # Signing in, and the emailed links of judges and nominees.
    "SIGN_IN_LIMITS_PER_CLIENT": "10 per minute; 50 per hour",
    "SIGN_IN_LIMITS_PER_ADDRESS": "10 per 15 minutes",
    "SIGN_IN_CODE_LIMITS_PER_CLIENT": "10 per minute; 50 per hour",
    "SIGN_IN_CODE_LIMITS_PER_ACCOUNT": "5 per 5 minutes; 30 per day",
    "SIGN_IN_LINK_LIMITS_PER_CLIENT": "5 per minute; 30 per hour",
    "SIGN_IN_LINK_LIMITS_PER_ADDRESS": "3 per 15 minutes; 10 per day",
    "EMAILED_LINK_LIMITS_PER_CLIENT": "30 per minute",  # an invitation, a sign-in link or a consent request used
    # Forgotten passwords: per address counted alike for every address, so that a refusal tells nothing about one.
    "PASSWORD_RESET_LIMITS_PER_CLIENT": "5 per minute; 30 per hour",
    "PASSWORD_RESET_LIMITS_PER_ADDRESS": "3 per 15 minutes; 10 per day",
    # One's own account: a stolen session must not guess passwords or codes freely.
    "PASSWORD_CHANGE_LIMITS_PER_ACCOUNT": "10 per hour",
    "TWO_FACTOR_LIMITS_PER_ACCOUNT": "10 per 5 minutes",
    # Organisers inviting colleagues to the team (invitations and resends, counted once emailed): enough for a team
    # changing at the start of a year; a stolen session cannot turn the site into a mailer.
    "TEAM_INVITATION_LIMITS_PER_ORGANISER": "20 per hour; 50 per day",
    "TEAM_INVITATION_LIMITS_PER_INVITEE": "3 per hour; 10 per day",
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
    # A ceremony invitee answering (or changing their answer) through their RSVP link.
    "RSVP_LIMITS_PER_CLIENT": "20 per hour",
}


def limit(name: str) -> Callable[[], str]:
    """The limit called `name` in LIMITS, for a limiter decorator: read from the app config when the request comes."""
    if name not in LIMITS:
        raise KeyError(f"no rate limit called {name}")
    return lambda: current_app.config.get(name) or LIMITS[name]


def address_key(scope: str, address: str | None) -> str:
    """A rate-limit key for one email address, as typed (trimmed, any case), whoever asks about it."""
    return f"{scope}:" + (address or "").strip().lower()[:EMAIL_LENGTH]


def inbox_key(scope: str, address: str | None) -> str:
    """A rate-limit key for one inbox, however its address is written, that does not hold the address: the mail
    budget's keyed hash of it (core/mail_budget.py), so neither Redis nor its logs learn who was asked about."""
    return f"{scope}:" + recipient_key((address or "")[:EMAIL_LENGTH])


@dataclass(frozen=True)
class Spent:
    """The answer of spend(): whether the budget allowed it, how many it allows, and when it allows one again."""

    allowed: bool
    amount: int
    retry_after: int  # seconds; 0 when allowed


def spend(name: str, key: str) -> Spent:
    """Take one from the budget called `name` (in LIMITS) for `key`, checking and counting in one atomic step.

    Call it only once the request has done what the budget counts. Each limit of the budget is checked and counted
    atomically on its own (for "3 per hour; 10 per day", one refused after another allowed leaves that one counted).
    """
    items = parse_many(limit(name)())
    if not limiter.enabled:  # RATELIMIT_ENABLED off (a benchmark): no budget is counted, as no decorator is
        return Spent(True, items[0].amount if items else 0, 0)
    try:
        return _spend(limiter.limiter, items, name, key)
    except Exception:  # the shared storage (Redis) did not answer: count in this process rather than fail the request
        log.warning("Rate limit storage unreachable - counting %s in this process's memory", name)
        return _spend(_FALLBACK, items, name, key)


def _spend(strategy, items, name: str, key: str) -> Spent:
    """spend() with one rate-limiting strategy (its storage's acquire is atomic: Redis runs it as one script)."""
    for item in items:
        if not strategy.hit(item, "budget", name, key):
            reset_at = strategy.get_window_stats(item, "budget", name, key).reset_time
            return Spent(False, item.amount, max(1, int(reset_at - time.time())))
    return Spent(True, items[0].amount if items else 0, 0)
