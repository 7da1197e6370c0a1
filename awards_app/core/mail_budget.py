"""A budget per inbox for the emails the public can make the app send: a stranger cannot flood someone's inbox.

Every email that a member of the public can cause (a nomination's confirmation, a nominee's consent request, a resume
link, a vote's confirmation link) spends from the budget of its recipient's inbox: the keyed hash of the canonical
address (core/email_providers.py), so that every spelling of one inbox shares one budget. core/outbox.py, queue_email,
asks here before it queues such an email; the organisers' own emails, and the sign-in links of judges' accounts
(which go only to addresses the organisers registered, carry nothing the public typed, and have their own limit per
account), are not counted.

The budget is counted in the database, in the same transaction as the email itself: a request that fails after
asking spends nothing, and a Redis outage (when the rate limits fall back to each worker's memory) cannot multiply
it. One statement (INSERT ... ON CONFLICT DO UPDATE ... WHERE) counts and checks at once, so two requests racing for
the last email of a budget cannot both have it, on PostgreSQL and SQLite alike. Windows are the clock's hour and
day: the owner of an inbox whose budget a stranger has spent can get their own email again in the next hour (or the
next day, for the daily budget).

When a budget is spent the email is not queued (except a vote's link, NEVER_WITHHELD below), and nothing else
changes: the person who pressed the button sees the same page as when it is sent, so they learn nothing about the
recipient. A warning is logged, and an audit
event ("email.withheld", naming only the kind of email) lets the organisers see it happen.
"""
from __future__ import annotations

import functools
import hashlib
import hmac
import logging
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import String, bindparam, text
from sqlalchemy.orm import Mapped, mapped_column

from awards_app.core import clock
from awards_app.core.audit import record_event
from awards_app.core.columns import UTCDateTime
from awards_app.core.email_providers import canonical_address
from awards_app.extensions import db
from awards_app.voting.voter_keys import pepper

log = logging.getLogger(__name__)

# The emails a member of the public can make the app send (templates/emails/<name>), to any address they type.
PUBLIC_TEMPLATES = frozenset(
    {"nomination_received", "nominee_consent", "resume_link", "vote_confirm", "vote_receipt"}
)

# Counted, but never withheld: a vote's link is how a voter votes, and a stranger who spent the inbox's budget on
# other emails would otherwise stop them voting. Vote links have a stricter budget of their own, per voter
# (voting/votes.py, 3 an hour), and quote nothing anyone typed. A vote's receipt goes once per counted vote, only
# after someone holding the inbox confirmed it, and is the voter's one record of the code: never withheld either.
NEVER_WITHHELD = frozenset({"vote_confirm", "vote_receipt"})

# Room for one person's own use in an hour (votes in three contests, a nomination and a resume link), and in a day.
DEFAULT_PER_HOUR = 5
DEFAULT_PER_DAY = 20
# Mixed into the pepper, so that a budget's key is not the voter key of the same address.
KEY_LABEL = b"awards-app/mail-budget/v1"


class MailBudget(db.Model):
    """How many public-triggered emails one inbox has been sent this hour and this day (no address is kept)."""

    __tablename__ = "mail_budget"

    # HMAC of the canonical address under a key of its own: which inbox, without the address.
    recipient_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    hour_start: Mapped[datetime] = mapped_column(UTCDateTime())
    hour_count: Mapped[int] = mapped_column()
    day_start: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    day_count: Mapped[int] = mapped_column()


def recipient_key(address: str) -> str:
    """The budget's key of an inbox: HMAC-SHA256 of the canonical address, under the voter keys' pepper + a label."""
    key = hmac.new(pepper(), KEY_LABEL, hashlib.sha256).digest()
    return hmac.new(key, canonical_address(address).encode(), hashlib.sha256).hexdigest()


def _per(name: str, default: int) -> int:
    """A budget from the app config (RECIPIENT_EMAILS_PER_HOUR, RECIPIENT_EMAILS_PER_DAY), or its default."""
    return int(current_app.config.get(name) or default)


@functools.cache
def _count_one(limited: bool):
    """The statement that counts one email to an inbox (bound: key, hour, day; and per_hour, per_day if `limited`).

    INSERT ... ON CONFLICT DO UPDATE ... WHERE ... RETURNING, spelt the same by PostgreSQL and SQLite, so it is written
    once as SQL and built once: SQLAlchemy does not keep the compiled form of its own ON CONFLICT constructs, and
    compiling one afresh took nearly half of this function's time, on every vote and every confirmation. The row is
    changed (and returned) only while both budgets have room, unless the email is never withheld (not `limited`).
    """
    table = MailBudget.__tablename__
    statement = text(
        f"INSERT INTO {table} (recipient_key, hour_start, hour_count, day_start, day_count) "
        "VALUES (:key, :hour, 1, :day, 1) "
        "ON CONFLICT (recipient_key) DO UPDATE SET "
        # Every right-hand side reads the row as it was, on both databases, so the order of the four does not matter.
        f"hour_count = CASE WHEN {table}.hour_start = :hour THEN {table}.hour_count + 1 ELSE 1 END, "
        "hour_start = :hour, "
        f"day_count = CASE WHEN {table}.day_start = :day THEN {table}.day_count + 1 ELSE 1 END, "
        "day_start = :day "
        + (
            f"WHERE ({table}.hour_start <> :hour OR {table}.hour_count < :per_hour) "
            f"AND ({table}.day_start <> :day OR {table}.day_count < :per_day) "
            if limited else ""
        )
        + "RETURNING recipient_key"
    )
    # The times go through the app's UTC type, as they would through the model.
    return statement.bindparams(bindparam("hour", type_=UTCDateTime()), bindparam("day", type_=UTCDateTime()))


def spend(address: str, template: str) -> bool:
    """Count one email to the address's inbox if its budget allows it (True); False when the budget is spent.

    An email in NEVER_WITHHELD is always counted and always allowed: it spends what is left for the other kinds."""
    hour = clock.now().replace(minute=0, second=0, microsecond=0)
    values = {"key": recipient_key(address), "hour": hour, "day": hour.replace(hour=0)}
    limited = template not in NEVER_WITHHELD
    if limited:
        values.update(per_hour=_per("RECIPIENT_EMAILS_PER_HOUR", DEFAULT_PER_HOUR),
                      per_day=_per("RECIPIENT_EMAILS_PER_DAY", DEFAULT_PER_DAY))
    if db.session.execute(_count_one(limited), values).first() is not None:
        return True
    log.warning("email withheld: the recipient's budget is spent (%s)", template)
    record_event(None, "email.withheld", None, template=template)
    return False


def purge_mail_budgets() -> int:
    """Delete the budgets of inboxes sent nothing since yesterday began (they would start afresh anyway)."""
    today = clock.now().replace(hour=0, minute=0, second=0, microsecond=0)
    result = db.session.execute(MailBudget.__table__.delete().where(MailBudget.day_start < today - timedelta(days=1)))
    return result.rowcount
