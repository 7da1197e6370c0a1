"""Public pages: the home page, the health check and the site's icon."""
from flask import current_app, send_from_directory
from sqlalchemy import text

from awards_app.ceremony.reveals import archived_editions, public_results
from awards_app.core import clock
from awards_app.core.email_providers import ALIAS_SERVICES, PROVIDER_FAMILIES
from awards_app.extensions import db, limiter
from awards_app.programme.editions import current_edition, expected_opening_month
from awards_app.programme.phases import PHASE_DATES, Phase, phase_of
from awards_app.publication.public_shortlist import (
    announcement_moment,
    shortlist_is_public,
)
from awards_app.voting.votes import DEFAULT_LINK_HOURS, DEFAULT_NETWORK_RETENTION_DAYS
from awards_app.web.caching.page_cache import cached_for_visitors
from awards_app.web.htmx import render_page
from awards_app.web.public import bp


@bp.get("/")
@cached_for_visitors
def home():
    """Show the current edition, its phase, its categories and what a visitor can do now; between editions, the last
    ceremony's results and when the next awards are expected to open, if the organisers have said."""
    edition = current_edition()
    phase = phase_of(edition) if edition else None
    between_editions = edition is None or phase is Phase.ARCHIVE
    # Until the next awards open, last year's winners stay on the home page below what is coming.
    last = next((past for past in archived_editions() if past is not edition), None) if phase is Phase.UPCOMING else None
    return render_page(
        "public/home.html",
        edition=edition,
        phase=phase,
        phase_dates=PHASE_DATES,
        # What the organisers have published, not the planned date, says whether the shortlist is out.
        shortlist_public=shortlist_is_public(edition),
        announcement=announcement_moment(edition) if edition else None,
        has_archive=bool(archived_editions()),
        results=public_results(edition) if phase is Phase.ARCHIVE else None,
        next_opening=expected_opening_month() if between_editions else None,
        last_edition=last,
        last_results=public_results(last) if last else None,
        now=clock.now(),
    )


@bp.get("/privacy")
@cached_for_visitors
def privacy():
    """Say in plain words what is kept about nominators, nominees, judges and voters, and for how long."""
    return render_page(
        "public/privacy.html",
        link_hours=current_app.config.get("VOTE_LINK_HOURS") or DEFAULT_LINK_HOURS,
        network_days=current_app.config.get("VOTE_NETWORK_RETENTION_DAYS", DEFAULT_NETWORK_RETENTION_DAYS),
        provider_families=PROVIDER_FAMILIES,
        alias_services=ALIAS_SERVICES,
    )


@bp.get("/healthz")
@limiter.exempt
def healthz():
    """Answer 200 when the database answers, 503 otherwise."""
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # any database failure means unhealthy; the detail goes to the log, not the caller
        db.session.rollback()
        return "database unavailable\n", 503, {"Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store"}
    return "ok\n", 200, {"Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store"}


@bp.get("/favicon.ico")
@limiter.exempt
def favicon():
    """The site's icon where browsers and feed readers look for it without being told (pages link the SVG)."""
    return send_from_directory(current_app.static_folder, "favicon.ico", mimetype="image/vnd.microsoft.icon",
                               max_age=86400)


@bp.get("/floor")
@limiter.exempt
def floor():
    """A fixed answer that touches no database: the floor benchmarks measure every page against."""
    return "floor\n", 200, {"Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store"}
