"""A per-process micro-cache of public pages for visitors who bring nothing of their own.

Voters arrive in bursts from social media: hundreds of people a minute open /vote for the first time, and each of
them would be sent the very same page. For such a visitor (a GET with no session other than a CSRF secret, so no
sign-in, no flashed message, no choice made yet) a page marked with @cached_for_visitors is rendered once per worker
every PAGE_CACHE_SECONDS (2 by default) and served from memory in between: no database query, no template.

The one thing on these pages that differs from visitor to visitor is the CSRF token in their forms. The stored page
keeps a placeholder where the token stood, and each answer gets the visitor's own fresh token in its place, exactly as
rendering would have given it. A page is stored only when nothing else about the visitor went into it (the session
holds nothing else after the view ran) and it may be kept at all (200, HTML or CSV, not "no-store"). "private" does
not stop it: that keeps shared HTTP caches from handing one visitor's token to another, and here every visitor gets
their own. A CSV download (the published list of votes, an edition's results) holds no token and is kept as it is, up
to MAX_BODY_BYTES: a published list of a million votes is some 80 MB, which is drawn afresh each time rather than kept
in every worker.

A page that must change the moment something happens, rather than within seconds, names that something in its key
(`cached_for_visitors(key=...)`): the results pages are keyed by the edition's results stamp, so a reveal or a hide
makes a new key at once and nothing kept from before it is served again.

What this trades: a change shows up to PAGE_CACHE_SECONDS late on these pages. The pages it is used on only show
what is fixed while it matters (a contest's finalists and rules are locked once voting opens) or what changes by the
clock, and every rule is enforced again when a form is posted, so a page at most two seconds old cannot let anyone do
what the rules forbid.
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from functools import wraps
from typing import Callable

from flask import current_app, g, make_response, request, session

from awards_app.web.sessions import visitor_csrf_token

DEFAULT_SECONDS = 2.0
MAX_ENTRIES = 256  # pages by path and query string; a flood of odd query strings only resets the cache
# A page is some 10 to 60 kB. One answer above this is not kept (a long list of votes as CSV), and the whole cache
# never holds more than MAX_TOTAL_BYTES per worker: a flood of odd query strings on a large page only resets it.
MAX_BODY_BYTES = 1024 * 1024
MAX_TOTAL_BYTES = 32 * 1024 * 1024
PLACEHOLDER = b"\x00csrf-token\x00"  # a NUL never occurs in a rendered page, so it cannot be mistaken for content
VISITOR_SESSION_KEYS = {"csrf_token"}
# What may be kept: pages, and downloads the public may have (neither holds anything of one visitor but the token).
KEPT_TYPES = {"text/html", "text/csv"}
KEPT_HEADERS = ("Content-Type", "Cache-Control", "Vary", "ETag", "Content-Disposition", "HX-Replace-Url")


@dataclass(frozen=True)
class _Entry:
    """One stored page."""

    expires: float
    status: int
    body: bytes
    headers: tuple[tuple[str, str], ...]
    has_token: bool


_entries: dict[tuple, _Entry] = {}
_total_bytes = 0
_lock = threading.Lock()


def clear() -> None:
    """Forget every stored page (tests, and this worker once an edition is announced or taken back)."""
    global _total_bytes
    with _lock:
        _entries.clear()
        _total_bytes = 0


def _seconds() -> float:
    """How long a page is kept (0 switches the cache off, as the tests do by default)."""
    value = current_app.config.get("PAGE_CACHE_SECONDS", DEFAULT_SECONDS)
    return float(value or 0)


def _is_blank_visitor() -> bool:
    """A GET from someone whose session holds nothing that could change the page."""
    return request.method == "GET" and set(session.keys()) <= VISITOR_SESSION_KEYS


def _key() -> tuple:
    """What the page depends on besides the visitor: the URL, and whether htmx asked for a fragment."""
    return (request.path, request.query_string, request.headers.get("HX-Request"), request.headers.get("HX-Boosted"))


def _may_store(response) -> bool:
    """Whether the answer is the same for every blank visitor and may be kept."""
    cache_control = response.headers.get("Cache-Control", "")
    return (
        response.status_code == 200
        and response.mimetype in KEPT_TYPES
        and not response.direct_passthrough
        and (response.content_length or 0) <= MAX_BODY_BYTES
        and "Set-Cookie" not in response.headers
        and "no-store" not in cache_control
        and set(session.keys()) <= VISITOR_SESSION_KEYS
    )


def _store(key: tuple, response, seconds: float) -> None:
    """Keep the page with a placeholder where this visitor's CSRF token stood."""
    global _total_bytes
    body = response.get_data()
    token = g.get("csrf_token", "").encode()
    has_token = bool(token) and token in body
    if has_token:
        body = body.replace(token, PLACEHOLDER)
    entry = _Entry(
        expires=time.monotonic() + seconds,
        status=response.status_code,
        body=body,
        headers=tuple((name, response.headers[name]) for name in KEPT_HEADERS if name in response.headers),
        has_token=has_token,
    )
    with _lock:
        if len(_entries) >= MAX_ENTRIES or _total_bytes + len(body) > MAX_TOTAL_BYTES:
            _entries.clear()
            _total_bytes = 0
        replaced = _entries.get(key)
        _total_bytes += len(body) - (len(replaced.body) if replaced is not None else 0)
        _entries[key] = entry


def _answer(entry: _Entry):
    """The stored page with this visitor's own CSRF token."""
    body = entry.body.replace(PLACEHOLDER, visitor_csrf_token().encode()) if entry.has_token else entry.body
    response = make_response(body, entry.status)
    for name, value in entry.headers:
        response.headers[name] = value
    return response


def cached_for_visitors(view: Callable | None = None, *, key: Callable[..., object] | None = None):
    """Serve the view's page to blank visitors from this worker's memory for a couple of seconds at a time.

    `key`, called with the view's arguments, names what else the page depends on (a results stamp): a new value is a
    new page at once. Use it bare (@cached_for_visitors) or with a key (@cached_for_visitors(key=...)).
    """
    if view is None:
        return lambda view: cached_for_visitors(view, key=key)
    key_of = key

    @wraps(view)
    def wrapper(*args, **kwargs):
        seconds = _seconds()
        if seconds <= 0 or not _is_blank_visitor():
            return view(*args, **kwargs)
        page_key = _key() if key_of is None else (*_key(), key_of(*args, **kwargs))
        entry = _entries.get(page_key)
        if entry is not None and entry.expires > time.monotonic():
            return _answer(entry)
        response = make_response(view(*args, **kwargs))
        if _may_store(response):
            _store(page_key, response, seconds)
        return response

    return wrapper
