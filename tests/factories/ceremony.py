"""The world of the ceremony tests: a public vote with first-round scores behind it (votes: voting.make_votes)."""
from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

from awards_app.accounts.models import User
from awards_app.ceremony.models import Reveal
from awards_app.core import clock
from awards_app.extensions import db
from awards_app.programme.models import Category
from tests.factories.judging import judging_site, make_finalists
from tests.factories.voting import make_contest


def ceremony_site(organiser: User, *, closed: bool = True) -> SimpleNamespace:
    """The judging site's category as a public vote: Morag, Hamish and Ailsa are finalists, the vote has run (and
    closed an hour ago, unless not yet closed: then it closes in a day).

    First-round weighted means (the tie-break's measure): Morag 8, Hamish 6, Ailsa 4.5.
    """
    site = judging_site(has_public_vote=True)
    site.category.shortlist_method = "weighted"
    site.finalists = make_finalists(site.category, [site.morag, site.hamish, site.ailsa], organiser)
    now = clock.now()
    site.contest = make_contest(
        site.category, opens_at=now - timedelta(days=8),
        closes_at=now - timedelta(hours=1) if closed else now + timedelta(days=1),
    )
    return site


def reveal_result(category: Category) -> Reveal:
    """The category's result, confirmed and revealed at the ceremony a moment ago (the row made directly)."""
    now = clock.now()
    reveal = Reveal(category_id=category.id, running_order=1, confirmed_at=now, revealed_at=now)
    db.session.add(reveal)
    db.session.flush()
    return reveal
