"""The archive: every edition whose ceremony has happened, with its categories, finalists and revealed winners.

Results come from ceremony.public_results(), as on /results: an edition whose ceremony has begun shows only what has
been revealed, and a category never revealed says "Not announced".
"""
from __future__ import annotations

import csv
import io

from flask import abort, make_response

from awards_app.htmx import render_page
from awards_app.models import Place
from awards_app.services.award_records import PLACE_LABELS
from awards_app.services.ceremony import archived_edition, archived_editions, public_results
from awards_app.services.export import BOM, safe_cell
from awards_app.web.public.routes import bp


@bp.get("/editions")
def editions():
    """List every edition whose ceremony has happened, newest first."""
    return render_page("public/archive.html", editions=archived_editions())


@bp.get("/editions/<int:year>")
def edition(year: int):
    """Show one past edition's categories, finalists and winners, ready to print."""
    found = archived_edition(year)
    if found is None:
        abort(404)
    return render_page("public/archive_edition.html", edition=found, results=public_results(found))


@bp.get("/editions/<int:year>/results.csv")
def edition_csv(year: int):
    """Download one past edition's revealed results as a CSV file: category, place, name."""
    found = archived_edition(year)
    if found is None:
        abort(404)
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow(["Category", "Place", "Name"])
    for result in public_results(found) or []:
        for place, finalists in ((Place.WINNER, result.winners), (Place.HIGHLY_COMMENDED, result.highly_commended)):
            for finalist in finalists:
                writer.writerow([safe_cell(result.category.name), PLACE_LABELS[place], safe_cell(finalist.name)])
    response = make_response((BOM + buffer.getvalue()).encode("utf-8"))
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="results-{found.year}.csv"'
    # During the ceremony night the file grows with each reveal: a cache must ask again before using it.
    response.headers["Cache-Control"] = "no-cache"
    return response
