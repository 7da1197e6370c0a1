"""Ids in URLs and forms are database integers (32-bit): a number too large for the column can name nothing, so it
is a 404 rather than a database error."""
from __future__ import annotations

from werkzeug.routing import IntegerConverter

LARGEST_ID = 2**31 - 1


class DatabaseIdConverter(IntegerConverter):
    """<int:...> that only matches numbers a database integer column can hold (create_app installs it as "int")."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", LARGEST_ID)
        super().__init__(map, *args, **kwargs)


def database_id(value: int | str | None) -> int | None:
    """The id a form or query string gives, or None when it cannot name a row (not a whole number, 0, or too large)."""
    if isinstance(value, str):
        if not value.isdecimal() or len(value) > 10:  # isdigit() would let "²" through, which int() refuses
            return None
        value = int(value)
    if not isinstance(value, int) or not 0 < value <= LARGEST_ID:
        return None
    return value
