"""The organisers' area: the reach report, as tables and as charts drawn on the server."""
from __future__ import annotations

from flask import request, url_for

from awards_app.nominations.reach import count_reach
from awards_app.programme.scotland import LOCAL_AUTHORITIES
from awards_app.web.access import organiser_required
from awards_app.web.admin import bp
from awards_app.web.admin.shared import EDITION, edition_or_404, trail
from awards_app.web.charts import bar_chart
from awards_app.web.htmx import render_page

# The report is split into parts, each its own page (?show=...): the local authorities' chart alone runs to three
# laptop screens.
PARTS = {"categories": "Categories", "areas": "Local authorities"}


@bp.get(EDITION + "/reach")
@organiser_required
def reach_report(edition_id: int):
    """Show an edition's reach: the councils not reached yet and the nominations by category; or the nominations by
    local authority."""
    edition = edition_or_404(edition_id)
    report = count_reach(edition)
    part = request.args.get("show") if request.args.get("show") in PARTS else "categories"
    tabs = [(label, url_for(".reach_report", edition_id=edition.id, show=None if name == "categories" else name),
             name == part) for name, label in PARTS.items()]
    by_category = bar_chart(
        "chart-by-category",
        f"Nominations by category, {edition.name}",
        [(category.name, count) for category, count in report.by_category],
        "Bar chart of the number of nominations in each category.",
    )
    by_area = bar_chart(
        "chart-by-local-authority",
        f"Nominations by local authority, {edition.name}",
        report.by_local_authority,
        f"Bar chart of the number of nominations from each of Scotland's {len(LOCAL_AUTHORITIES)} "
        "local authorities.",
    )
    return render_page(
        "admin/reach.html",
        edition=edition,
        report=report,
        chart_by_category=by_category,
        chart_by_area=by_area,
        part=part,
        part_label=PARTS[part],
        parts_tabs=tabs,
        trail=trail(edition),
    )
