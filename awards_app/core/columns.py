"""Column helpers shared by the models."""
from datetime import datetime, timezone

from sqlalchemy import DateTime
from sqlalchemy.types import TypeDecorator

# The longest email address there can be (RFC 5321 limits a path to 256 characters, 254 once the brackets go): every
# column, form and check of an address uses this one number.
EMAIL_LENGTH = 254


class UTCDateTime(TypeDecorator):
    """A timezone-aware UTC datetime on every backend (SQLite forgets the zone otherwise)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        """Store aware datetimes as UTC; refuse naive ones, whose meaning is unknown."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use an aware one")
        return value.astimezone(timezone.utc)

    def process_result_value(self, value, dialect):
        """Hand back aware UTC datetimes."""
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


def utcnow() -> datetime:
    """The current time from the app's clock (tests can set it)."""
    from awards_app.core.clock import now

    return now()
