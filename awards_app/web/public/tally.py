"""The published list of a public vote's votes: the totals, how to recount them, a receipt checker, the list and CSV.

Every route here is a 404 until an organiser publishes the list, which the service allows only once the category's
result has been revealed at the ceremony, and again if that reveal is taken back: nothing of the count reaches a
public page before the winner is announced. A voter who follows their emailed receipt's link early is told, on that
404, when the list will come (the ceremony's date, which is public anyway) and nothing else.

The list and its CSV are kept for blank visitors (page_cache.py) under the current edition's results stamp, which a
publication or a hide changes at once; the receipt form keeps each visitor's own token, and a check (POST) is never
kept. A CSV above page_cache.MAX_BODY_BYTES (some ten thousand votes) is drawn afresh each time.
"""
from __future__ import annotations

import csv
import io
import math

from flask import abort, make_response, request
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import Length

from awards_app.extensions import db, limiter
from awards_app.nominations.export import BOM, safe_cell
from awards_app.voting import tally
from awards_app.voting.models import Contest
from awards_app.web.caching.page_cache import cached_for_visitors
from awards_app.web.forms import Required
from awards_app.web.htmx import render_page
from awards_app.web.public import bp
from awards_app.web.public.results import recent_stamp
from awards_app.web.rate_limits import limit

ROWS_PER_PAGE = 200


class ReceiptForm(FlaskForm):
    """A voter's receipt code, to find their vote in the list."""

    receipt = StringField(
        "Your receipt code",
        validators=[Required("Enter your receipt code"), Length(max=40, message="Enter your receipt code, such as "
                                                                               "K7QM-3XHT-P2WD")],
        render_kw={"spellcheck": "false", "autocomplete": "off", "autocapitalize": "characters"},
    )


def _published(contest_id: int) -> Contest:
    """The contest if its list of votes is public (published, result revealed); 404 otherwise, as if it did not exist."""
    contest = db.session.get(Contest, contest_id)
    if contest is None or not contest.category.edition.is_public:
        abort(404)  # a draft's contest does not exist for the public, not even its category's name
    if not tally.is_public(contest):
        abort(render_page("public/tally_pending.html", status=404, contest=contest, edition=contest.category.edition))
    return contest


def _by_current_stamp(contest_id: int):
    """The page cache's key for a list of votes: the current edition's results stamp (publishing the list or hiding
    its result changes it)."""
    return recent_stamp()


def _page_number(pages: int) -> int:
    """The page asked for (?page=N), kept between 1 and the last page."""
    try:
        wanted = int(request.args.get("page", "1"))
    except ValueError:
        wanted = 1
    return min(max(wanted, 1), max(pages, 1))


@bp.route("/tally/<int:contest_id>", methods=["GET", "POST"])
@limiter.limit(limit("RECEIPT_CHECK_LIMITS_PER_CLIENT"), methods=["POST"])
@cached_for_visitors(key=_by_current_stamp)
def tally_page(contest_id: int):
    """Show the published list of votes with its totals, and check a receipt code against it."""
    contest = _published(contest_id)
    published = tally.published_tally(contest)
    form = ReceiptForm()
    checked, status = None, 200
    if request.method == "POST":
        if form.validate_on_submit():
            checked = {"row": tally.check_receipt(contest, form.receipt.data), "code": form.receipt.data.strip()}
        else:
            status = 422
    pages = math.ceil(len(published.rows) / ROWS_PER_PAGE)
    page = _page_number(pages)
    rows = published.rows[(page - 1) * ROWS_PER_PAGE: page * ROWS_PER_PAGE]
    return render_page(
        "public/tally.html",
        status=status,
        contest=contest,
        edition=contest.category.edition,
        published=published,
        rows=rows,
        page=page,
        pages=pages,
        first_number=(page - 1) * ROWS_PER_PAGE + 1,
        form=form,
        checked=checked,
    )


@bp.get("/tally/<int:contest_id>.csv")
@cached_for_visitors(key=_by_current_stamp)
def tally_csv(contest_id: int):
    """Download the whole published list of votes as a CSV file."""
    contest = _published(contest_id)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["receipt_sha256", "finalist", "voided"])
    for row in tally.published_tally(contest).rows:
        writer.writerow([row.receipt_hash, safe_cell(row.finalist), "yes" if row.voided else "no"])
    response = make_response((BOM + buffer.getvalue()).encode("utf-8"))
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="votes-contest-{contest.id}.csv"'
    return response
