"""The live results on the night: /results for guests' phones and /results/present for the projector.

Thousands of phones poll these pages every two seconds during the ceremony. Every answer carries an ETag made from the
edition's results stamp (one indexed read of one row, which says nothing of any result); a poll whose If-None-Match
still matches is answered 304 Not Modified before anything else is loaded. Only ceremony.public_results() reads
results, and it reads the awards of revealed categories only, so nothing of a winner can be in a page, a fragment or a
header before its reveal.

For visitors with nothing of their own (page_cache.py), each page and fragment is drawn once per worker per stamp and
served from memory while the stamp stands: a reveal or a hide changes the stamp, so the next poll draws it afresh.
"""
from __future__ import annotations

import time

from flask import abort, current_app, make_response, request, session, url_for

from awards_app.ceremony.reveals import (
    PublicResult,
    ResultsStamp,
    latest_reveal,
    public_results,
    results_stamp,
)
from awards_app.extensions import db
from awards_app.programme.models import Edition
from awards_app.site_settings.current import site_details
from awards_app.voting import tally
from awards_app.web.caching.page_cache import cached_for_visitors
from awards_app.web.htmx import is_fragment_request, render_page
from awards_app.web.public import bp

POLL_SECONDS = 2
# How long a worker answers polls from the stamp it last read. Thousands of phones polling then cost this worker one
# query per half second rather than one each; a reveal still reaches every screen within POLL_SECONDS + this (< 3 s).
DEFAULT_STAMP_SECONDS = 0.5
_recent_stamps: dict[int | None, tuple[float, ResultsStamp | None]] = {}
# Where a 304 notes the stamp it was given under (the WSGI environ, which early_polls.py reads after the answer).
ANSWERED_UNDER = "awards.results_stamp"


def recent_stamp(year: int | None = None) -> ResultsStamp | None:
    """The results stamp (ceremony.results_stamp), read again only when this worker's copy is older than its limit."""
    seconds = float(current_app.config.get("RESULTS_STAMP_SECONDS", DEFAULT_STAMP_SECONDS) or 0)
    now = time.monotonic()
    recent = _recent_stamps.get(year)
    if seconds > 0 and recent is not None and recent[0] > now:
        return recent[1]
    stamp = results_stamp(year)
    _recent_stamps[year] = (now + seconds, stamp)
    return stamp


def stamp_still_held(held: object) -> bool:
    """Whether this worker still answers polls from the stamp it held when `held` was noted (web/caching/early_polls.py)."""
    recent = _recent_stamps.get(None)
    return recent is held and recent[0] > time.monotonic()


def forget_stamps() -> None:
    """Read every stamp afresh on the next request (tests that change the results as another worker would)."""
    _recent_stamps.clear()


def by_stamp(stamp: ResultsStamp | None, variant: str, *_drawn_from) -> tuple:
    """The page cache's key for a results answer: the stamp it was drawn from and which answer it is (the rest of
    what it is drawn from is in its URL)."""
    return stamp, variant


def _may_answer_not_modified() -> bool:
    """Whether an ETag may stand for this answer: polls always; whole pages only for visitors who are signed out.

    A signed-in visitor's page header holds their account links and a sign-out form with a time-limited token, which
    a page kept from an earlier visit would show stale.
    """
    return is_fragment_request() or "_user_id" not in session


def _not_modified(stamp: ResultsStamp | None, variant: str):
    """A 304 answer when the request's If-None-Match matches the stamp's ETag for this variant, else None."""
    if stamp is None or not _may_answer_not_modified():
        return None
    etag = stamp.etag(variant)
    # Weak comparison, as RFC 9110 says for If-None-Match (a proxy that compresses may weaken the tag).
    if not request.if_none_match.contains_weak(etag.strip('"')):
        return None
    # The 304 depends on nothing but the current stamp and the request: early_polls.py may repeat it while it stands.
    request.environ[ANSWERED_UNDER] = _recent_stamps.get(None)
    return _with_validators(make_response("", 304), stamp, variant)


def _with_validators(response, stamp: ResultsStamp | None, variant: str):
    """Add the ETag and the caching rules: anyone may keep the answer, but must ask again before using it."""
    if stamp is not None and _may_answer_not_modified():
        response.headers["ETag"] = stamp.etag(variant)
    response.headers["Cache-Control"] = "no-cache"
    response.vary.add("HX-Request")
    return response


def _edition(stamp: ResultsStamp | None) -> Edition | None:
    """The edition the stamp was read from."""
    return db.session.get(Edition, stamp.edition_id) if stamp is not None else None


def reveal_key(result: PublicResult | None) -> str:
    """Names one reveal (category and moment), so that a page announces each reveal once."""
    if result is None or result.revealed_at is None:
        return ""
    return f"{result.category.id}-{int(result.revealed_at.timestamp())}"


@bp.get("/results")
def results():
    """Show each category's finalists, and its result once revealed; polls get just the results, or 304."""
    stamp = recent_stamp()
    variant = "fragment" if is_fragment_request() else "page"
    if (unchanged := _not_modified(stamp, variant)) is not None:
        return unchanged
    return _results(stamp, variant)


@cached_for_visitors(key=by_stamp)
def _results(stamp: ResultsStamp | None, variant: str):
    """The results page or fragment drawn from this stamp."""
    edition = _edition(stamp)
    categories = public_results(edition)
    latest = latest_reveal(categories)
    # A poll says which reveal its page last showed; a newer one is announced to screen readers, once.
    announce = latest if is_fragment_request() and reveal_key(latest) != request.args.get("shown", "") else None
    response = render_page(
        "public/results.html",
        block="live_results",
        edition=edition,
        results=categories,
        shown=reveal_key(latest),
        announce=announce,
        poll_seconds=POLL_SECONDS,
        vote_lists=tally.vote_lists(edition),
    )
    return _with_validators(response, stamp, variant)


# --- The presenter view ----------------------------------------------------------------------------------------------


# The running order's slide 0: the edition's name, the ceremony's date and venue, before the first award.
TITLE_SLIDE = 0


def _seen_focus() -> int | None:
    """The focus (last revealed category) a polling slide was rendered with."""
    seen = request.args.get("seen", "")
    # isdigit() also holds for digits int() refuses, such as "²": only ASCII digits are an id.
    return int(seen) if seen.isascii() and seen.isdigit() and len(seen) < 12 else None


def _present(position: int | None):
    """Answer for the presenter view: a slide, following the organisers' latest reveal when polled."""
    stamp = recent_stamp()
    polled = is_fragment_request()
    seen = _seen_focus()
    if polled:
        variant = f"slide-{position}-{seen if seen is not None else 'none'}"
    else:
        variant = "present" if position is None else f"present-{position}"
    # The slides show the organisation's logo: a new logo is a new slide for caches that kept the old one.
    variant += f"-site{site_details().version}"
    if (unchanged := _not_modified(stamp, variant)) is not None:
        return unchanged
    return _slide(stamp, variant, position, polled, seen)


@cached_for_visitors(key=by_stamp)
def _slide(stamp: ResultsStamp | None, variant: str, position: int | None, polled: bool, seen: int | None):
    """The slide drawn from this stamp (variant names the position, the poll's `seen` and the site's logo)."""
    edition = _edition(stamp)
    categories = public_results(edition)
    focus = stamp.focus_id if stamp is not None else None
    focus_position = next((r.position for r in categories or [] if r.category.id == focus), None)
    jumped = False
    if position is None:
        position = focus_position or TITLE_SLIDE
    elif polled and focus_position is not None and focus != seen:
        # The organisers revealed another category since this slide was drawn: show that one.
        jumped = position != focus_position
        position = focus_position
    if not categories:
        if request.view_args.get("position") is not None:
            abort(404)  # no slides before the shortlist is public
        categories = None  # the waiting slide
    elif not TITLE_SLIDE <= position <= len(categories):
        abort(404)
    result = categories[position - 1] if categories and position != TITLE_SLIDE else None
    response = render_page(
        "public/present.html",
        block="slide",
        edition=edition,
        results=categories,
        result=result,
        reveal=reveal_key(result),  # the reveal's animation plays once per reveal, not on each redraw (present.js)
        position=position,
        focus=focus,
        poll_seconds=POLL_SECONDS,
    )
    if jumped:
        response.headers["HX-Replace-Url"] = url_for("public.present_slide", position=position)
    return _with_validators(response, stamp, variant)


@bp.get("/results/present")
def present():
    """Show the presenter view at the category revealed last (or the title slide), for the projector."""
    return _present(None)


@bp.get("/results/present/<int:position>")
def present_slide(position: int):
    """Show one slide of the running order on the projector (0 is the title); polls follow the organisers' reveals."""
    return _present(position)
