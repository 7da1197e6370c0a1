"""The app's clock. Everything asks it for the time, so that tests can set it."""
from datetime import datetime, timezone

_frozen_at: datetime | None = None


def now() -> datetime:
    """The current moment, timezone-aware in UTC."""
    return _frozen_at or datetime.now(timezone.utc)


def freeze(moment: datetime | None) -> None:
    """Stop the clock at an aware moment (None lets it run again)."""
    global _frozen_at
    if moment is not None and moment.tzinfo is None:
        raise ValueError("freeze() needs an aware datetime")
    _frozen_at = moment
