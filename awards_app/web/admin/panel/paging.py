"""Long lists of the panel's pages shown a page at a time (25 a page), the page number read from `?page=`."""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from flask import request

PER_PAGE = 25


@dataclass(frozen=True)
class Paged:
    """One page of a list, with what the "previous" and "next" links need."""

    items: list
    page: int
    pages: int
    total: int

    @property
    def first_number(self) -> int:
        """The position in the whole list of this page's first item (0 when the list is empty)."""
        return (self.page - 1) * PER_PAGE + 1 if self.total else 0

    @property
    def last_number(self) -> int:
        """The position in the whole list of this page's last item."""
        return (self.page - 1) * PER_PAGE + len(self.items)


def paged(items: Sequence, holding: int | None = None) -> Paged:
    """The page of `items` that `?page=` asks for (out of range or not a number: the nearest one), or, when none is
    asked for, the page holding item number `holding` (counted from 0)."""
    pages = max(1, math.ceil(len(items) / PER_PAGE))
    asked = request.args.get("page", "")
    if asked.isascii() and asked.isdigit() and len(asked) < 6:  # "²" is a digit to isdigit(), not to int()
        page = min(max(int(asked), 1), pages)
    else:
        page = (holding or 0) // PER_PAGE + 1
    start = (page - 1) * PER_PAGE
    return Paged(list(items[start:start + PER_PAGE]), page, pages, len(items))
