"""The organisers' area: why each entry of a category ranks where it does (judging/breakdown.py), as a page with a
chart drawn on the server and its table, and as a CSV of one row per entry, judge and criterion.

The page is three sections under tabs, each at its own address: the spread (chart and table), the disagreements and
flagged judges, and entry by entry (25 a page, each entry a disclosure)."""
from __future__ import annotations

import csv
import io

from flask import request, url_for

from awards_app.core import clock
from awards_app.extensions import db
from awards_app.judging import breakdown
from awards_app.judging.ranking import METHOD_LABELS, METHODS, SCALE
from awards_app.nominations.export import BOM, safe_cell
from awards_app.programme.models import Category
from awards_app.web.access import organiser_required
from awards_app.web.admin import bp
from awards_app.web.admin.panel.paging import paged
from awards_app.web.admin.shared import trail
from awards_app.web.charts import range_chart
from awards_app.web.database_ids import database_id
from awards_app.web.downloads import csv_download
from awards_app.web.htmx import render_page

CSV_HEADER = [
    "Rank", "Entry reference", "Entry", "Weighted mean (out of 10)", "Normalised mean", "Entry spread",
    "Judge", "Criterion", "Weight", "Scale", "Score", "Judge's weighted score (out of 10)", "Judge's normalised figure",
]


def _method(category: Category) -> str:
    """The ranking the page follows: the one asked for, else the shortlist's, else the weighted mean."""
    asked = request.args.get("method", "")
    if asked in METHODS:
        return asked
    return category.shortlist_method if category.shortlist_method in METHODS else METHODS[0]


def _judge_name(found: breakdown.CategoryBreakdown, judge_id: int) -> str:
    """A judge's name as the organisers' pages write it."""
    judge = found.view.judges.get(judge_id)
    return (judge.name or judge.email) if judge else "A former judge"


def _spread_chart(found: breakdown.CategoryBreakdown) -> str:
    """Each scored entry's range of weighted scores with its mean, on the 0-10 scale."""
    rows = [
        (line.ranking.name, line.overall.lowest, line.overall.highest, line.ranking.weighted_mean)
        for line in found.breakdown.entries if line.judges
    ]
    return range_chart(
        "chart-spread",
        f"How far apart the judges are on each entry, {found.view.category.name}",
        rows,
        (0, SCALE),
        "For each entry with complete scores, a line from the lowest to the highest judge's weighted score out of "
        "10, with a dot at the weighted mean. The table after the chart has the same figures.",
    )


# The sections of the breakdown, each at its own address: (endpoint, tab label).
SECTIONS = {
    "spread": (".category_breakdown", "Spread of each entry"),
    "disagreements": (".breakdown_disagreements", "Disagreements and flags"),
    "entries": (".breakdown_entries", "Entry by entry"),
}


def _breakdown_page(category_id: int, section: str):
    """One section of the breakdown under its tabs, each tab keeping the ranking the page follows."""
    category = db.get_or_404(Category, category_id)
    method = _method(category)
    found = breakdown.category_breakdown(category, method)
    opened = database_id(request.args.get("entry", ""))
    entries = found.breakdown.entries
    return render_page(
        "admin/breakdown/category.html",
        category=category,
        edition=category.edition,
        section=section,
        tabs=[
            (label, url_for(endpoint, category_id=category.id, method=method), name == section)
            for name, (endpoint, label) in SECTIONS.items()
        ],
        found=found,
        method=method,
        methods=METHODS,
        method_labels=METHOD_LABELS,
        judge_name=lambda judge_id: _judge_name(found, judge_id),
        points=breakdown.points,
        chart=_spread_chart(found) if section == "spread" else "",
        opened=opened,
        entries=paged(entries, holding=next(
            (index for index, line in enumerate(entries) if line.ranking.entry_id == opened), None
        )) if section == "entries" else None,
        trail=[
            *trail(category.edition),
            ("Judging", url_for(".judging_overview", edition_id=category.edition_id)),
            (category.name, url_for(".category_judging", category_id=category.id)),
        ],
    )


@bp.get("/categories/<int:category_id>/breakdown")
@organiser_required
def category_breakdown(category_id: int):
    """Show how far apart the judges are on each entry: the chart and its table."""
    return _breakdown_page(category_id, "spread")


@bp.get("/categories/<int:category_id>/breakdown/disagreements")
@organiser_required
def breakdown_disagreements(category_id: int):
    """Show the entries the panel disagrees on most, and the judges whose scoring stands out."""
    return _breakdown_page(category_id, "disagreements")


@bp.get("/categories/<int:category_id>/breakdown/entries")
@organiser_required
def breakdown_entries(category_id: int):
    """Show entry by entry the scores per judge and criterion, 25 entries a page, each a disclosure (`?entry=` opens
    one, on the page that holds it)."""
    return _breakdown_page(category_id, "entries")


@bp.get("/categories/<int:category_id>/breakdown.csv")
@organiser_required
def breakdown_csv(category_id: int):
    """The breakdown as CSV: one row per entry, judge and criterion, with the entry's and the judge's figures."""
    category = db.get_or_404(Category, category_id)
    method = _method(category)
    found = breakdown.category_breakdown(category, method)
    rows = []
    for line in found.breakdown.entries:
        entry, ranking = found.view.nomination(line.ranking.entry_id), line.ranking
        figures = [
            ranking.rank(method) or "", entry.reference, entry.nominee_name, _figure(ranking.weighted_mean),
            _figure(ranking.normalised_mean), _figure(ranking.spread),
        ]
        for judge in line.judges:
            for criterion in found.breakdown.criteria:
                rows.append([
                    *figures, _judge_name(found, judge.judge_id), criterion.name, _figure(criterion.weight),
                    f"{breakdown.points(criterion.scale_min)} to {breakdown.points(criterion.scale_max)}",
                    _figure(judge.raw.get(criterion.id)), _figure(judge.weighted), _figure(judge.normalised),
                ])
    stamp = clock.now().strftime("%Y%m%d-%H%M")
    return csv_download(_csv_text(rows), f"breakdown-category-{category.id}-{method}-{stamp}.csv")


def _figure(value: float | None) -> float | int | str:
    """A figure for the CSV, rounded to four decimals (7, not 7.0); nothing when there is none."""
    if value is None:
        return ""
    number = round(float(value), 4)
    return int(number) if number.is_integer() else number


def _csv_text(rows: list[list]) -> str:
    """Rows as CSV like nominations.export.csv_text, except that figures stay numbers: every text cell goes through
    safe_cell (never a formula), while a negative normalised figure must still read as a number, not as text."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\r\n")
    for row in [CSV_HEADER, *rows]:
        writer.writerow([cell if isinstance(cell, (int, float)) else safe_cell(cell) for cell in row])
    return BOM + buffer.getvalue()
