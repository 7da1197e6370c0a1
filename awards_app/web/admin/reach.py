"""The organisers' area: the reach report, as tables and as charts drawn on the server."""
from __future__ import annotations

from flask import abort

from awards_app.nominations.reach import count_reach
from awards_app.programme.scotland import LOCAL_AUTHORITIES
from awards_app.web.access import organiser_required
from awards_app.web.admin.routes import EDITION, _edition, _trail, bp
from awards_app.web.charts import bar_chart
from awards_app.web.htmx import render_page


@bp.get(EDITION + "/reach")
@organiser_required
def reach_report(edition_id: int):
    """Show an edition's nominations by category and by local authority, and the councils not reached yet."""
    if not 0 < edition_id < 2**31:  # ids are 32-bit in the database: larger numbers name nothing
        abort(404)
    edition = _edition(edition_id)
    report = count_reach(edition)
    by_category = bar_chart(
        "chart-by-category",
        f"Nominations by category, {edition.name}",
        [(category.name, count) for category, count in report.by_category],
        "Horizontal bar chart of the number of nominations in each category.",
    )
    by_area = bar_chart(
        "chart-by-local-authority",
        f"Nominations by local authority, {edition.name}",
        report.by_local_authority,
        f"Horizontal bar chart of the number of nominations from each of Scotland's {len(LOCAL_AUTHORITIES)} "
        "local authorities.",
    )
    return render_page(
        "admin/reach.html",
        edition=edition,
        report=report,
        chart_by_category=by_category,
        chart_by_area=by_area,
        trail=_trail(edition),
    )
