"""How a view answers besides drawing a page: the redirect after a change, the `next` it may follow, and answers that
no cache may keep."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import redirect


def see_other(url: str):
    """Redirect with 303 See Other: the browser follows with a GET, so reloading the next page does not post again."""
    return redirect(url, code=303)


def safe_next(target: str | None) -> str | None:
    """The `next` address to follow, only when it is a path on this site (never another site, nor //host)."""
    # Browsers treat a backslash as a slash and drop tabs and newlines, so "/\\host" and "/<tab>/host" mean //host.
    if not target or "\\" in target or any(ord(character) < 32 for character in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def no_store(response):
    """Mark an answer that holds personal or sealed data: no browser or proxy may keep a copy."""
    response.headers["Cache-Control"] = "no-store"
    return response
