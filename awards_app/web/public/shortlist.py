"""The public shortlist: /shortlist and its images, neither showing anything before the moment of publication.

Before the moment, /shortlist says only when the shortlist will be announced, and every image address answers 404
(the same 404 as an address that names nothing); both carry Cache-Control: no-store, so that no cache can hold on to
an answer from before the moment. Afterwards the page may be kept for a minute by the visitor's own browser (it holds
a per-visitor form token, so never by a shared cache), and images for an hour by any cache.
"""
from __future__ import annotations

from flask import abort

from awards_app.core import clock
from awards_app.programme.editions import current_edition
from awards_app.publication.public_shortlist import (
    announcement_moment,
    public_image,
    public_shortlist,
)
from awards_app.voting.votes import open_contests
from awards_app.web.caching.page_cache import cached_for_visitors
from awards_app.web.downloads import send_image
from awards_app.web.htmx import render_page
from awards_app.web.public import bp
from awards_app.web.responses import no_store

PAGE_CACHE = "private, max-age=60"


@bp.get("/shortlist")
@cached_for_visitors
def shortlist():
    """Show each category's finalists with their summaries and images, or when the shortlist will be announced."""
    edition = current_edition()
    categories = public_shortlist(edition)
    if categories is None:
        moment = announcement_moment(edition) if edition else None
        return no_store(render_page(
            "public/shortlist_pending.html",
            edition=edition,
            moment=moment if moment and moment > clock.now() else None,  # a planned date gone by says "soon"
        ))
    # The contests taking votes now, by category: their finalists get a "Vote for ..." button.
    open_votes = {contest.category_id: contest.id for contest in open_contests(edition)}
    response = render_page("public/shortlist.html", edition=edition, categories=categories, open_votes=open_votes)
    response.headers["Cache-Control"] = PAGE_CACHE
    return response


@bp.get("/shortlist/images/<name>")
def shortlist_image(name: str):
    """Serve a finalist's image once the shortlist is public (404 before, as for a name that does not exist)."""
    stored = public_image(name)
    if stored is None:
        abort(404)
    return send_image(stored, public=True)

