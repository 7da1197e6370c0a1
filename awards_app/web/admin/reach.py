"""The organisers' area: the reach report, as tables and as charts drawn on the server."""
from __future__ import annotations

from awards_app.nominations.reach import count_reach
from awards_app.programme.scotland import LOCAL_AUTHORITIES
from awards_app.web.access import organiser_required
from awards_app.web.admin import bp
from awards_app.web.admin.shared import EDITION, edition_or_404, trail
from awards_app.web.charts import bar_chart
from awards_app.web.htmx import render_page


@bp.get(EDITION + "/reach")
@organiser_required
def reach_report(edition_id: int):
    """Show an edition's nominations by category and by local authority, and the councils not reached yet."""
    edition = edition_or_404(edition_id)
    report = count_reach(edition)
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
        trail=trail(edition),
    )
