"""A finalist's own page (/finalists/<id>) and its share card (/finalists/<id>/card.png): the link finalists share.

The page carries Open Graph and Twitter card tags, so that a link posted on social media shows the card, and a
"Vote for ..." button while the finalist's public vote is open. The button only opens the ballot with them chosen
(/vote/<contest>?for=<id>): the voter can change the choice there or on the emailed link's page, and nothing is cast
until they confirm from the link. A finalist the public shortlist leaves out (not public yet, no consent, unknown id)
has neither page nor card: 404, the same answer as an address that names nothing.
"""
from __future__ import annotations

from flask import abort, make_response, url_for

from awards_app.publication.sharing import (
    card_alt,
    card_png,
    card_url,
    public_finalist,
    share_links,
    share_url,
)
from awards_app.voting.contests import contest_of
from awards_app.voting.votes import ContestState, contest_state
from awards_app.web.caching.page_cache import cached_for_visitors
from awards_app.web.htmx import render_page
from awards_app.web.public import bp
from awards_app.web.public.shortlist import PAGE_CACHE

# Social media fetch the card again and again, but a card must not outlive the finalist's public page (a shortlist
# taken down, consent withdrawn): caches keep it a minute, as the shortlist page, and then ask again.
CARD_CACHE = "public, max-age=60"


def _finalist_or_404(finalist_id: int):
    """The public finalist this address names, or 404."""
    finalist = public_finalist(finalist_id)
    if finalist is None:
        abort(404)
    return finalist


@bp.get("/finalists/<int:finalist_id>")
@cached_for_visitors
def finalist_page(finalist_id: int):
    """The finalist's name, summary and image, the vote (open, to come or closed) and the share card's tags."""
    finalist = _finalist_or_404(finalist_id)
    category = finalist.category
    contest = contest_of(category) if category.has_public_vote else None
    state = contest_state(contest) if contest is not None else None
    url = share_url(finalist)
    response = render_page(
        "public/finalist.html",
        finalist=finalist,
        category=category,
        edition=category.edition,
        contest=contest,
        state=state,
        states=ContestState,
        vote_url=url_for("vote.ballot", contest_id=contest.id, **{"for": finalist.id}) if contest else None,
        share_url=url,
        card_url=card_url(finalist),
        card_alt=card_alt(finalist),
        share_links=share_links(url, f"Vote for {finalist.display_name} in {category.name}"
                                if state is ContestState.OPEN else f"{finalist.display_name}, finalist in {category.name}"),
    )
    response.headers["Cache-Control"] = PAGE_CACHE
    return response


@bp.get("/finalists/<int:finalist_id>/card.png")
def finalist_card(finalist_id: int):
    """The finalist's share card: a 1200 x 630 PNG that any cache may keep for a while."""
    finalist = _finalist_or_404(finalist_id)
    response = make_response(card_png(finalist))
    response.mimetype = "image/png"
    response.headers["Cache-Control"] = CARD_CACHE
    return response
