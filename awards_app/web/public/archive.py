"""The archive: every edition whose ceremony has happened, with its categories, finalists and revealed winners.

Results come from ceremony.public_results(), as on /results: an edition whose ceremony has begun shows only what has
been revealed, and a category never revealed says "Not announced". Each page and CSV is kept for blank visitors
(page_cache.py) under the edition's results stamp, so a reveal on the night shows at once.
"""
from __future__ import annotations

from flask import abort

from awards_app.ceremony.reveals import (
    archived_edition,
    archived_editions,
    public_results,
)
from awards_app.nominations.export import csv_text
from awards_app.voting import tally
from awards_app.web.caching.page_cache import cached_for_visitors
from awards_app.web.downloads import csv_download
from awards_app.web.htmx import render_page
from awards_app.web.public import bp
from awards_app.web.public.results import recent_stamp


@bp.get("/editions")
@cached_for_visitors(key=recent_stamp)  # the current edition's: the one whose ceremony may be under way
def editions():
    """List every edition whose ceremony has happened, newest first."""
    editions = archived_editions()
    return render_page(
        "public/archive.html", editions=editions, vote_lists={edition.id: tally.vote_lists(edition) for edition in editions}
    )


@bp.get("/editions/<int:year>")
@cached_for_visitors(key=recent_stamp)
def edition(year: int):
    """Show one past edition's categories, finalists and winners, ready to print."""
    found = archived_edition(year)
    if found is None:
        abort(404)
    return render_page(
        "public/archive_edition.html", edition=found, results=public_results(found), vote_lists=tally.vote_lists(found)
    )


@bp.get("/editions/<int:year>/results.csv")
@cached_for_visitors(key=recent_stamp)
def edition_csv(year: int):
    """Download one past edition's revealed results as a CSV file: category, place, name."""
    found = archived_edition(year)
    if found is None:
        abort(404)
    rows = [
        [result.category.name, place, finalist.name]
        for result in public_results(found) or []
        for place, finalist in result.placed()
    ]
    # Public, but it grows with each reveal on the night: caches may keep it only if they ask again before using it.
    return csv_download(csv_text(["Category", "Award", "Name"], rows), f"results-{found.year}.csv", private=False)
