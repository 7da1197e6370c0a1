"""The dashboard's result counts: categories with a winner recorded, a confirmed result, a reveal."""
from __future__ import annotations

from awards_app.ceremony.models import Award, Place, Reveal
from awards_app.ceremony.winners import result_counts
from awards_app.core import clock as app_clock
from awards_app.extensions import db
from tests.factories.ceremony import ceremony_site, reveal_result
from tests.factories.programme import make_category


def test_results_are_counted_as_recorded_confirmed_and_revealed(organiser, db_session, clock):
    site = ceremony_site(organiser)
    other = make_category(site.edition, name="Project of the Year")
    third = make_category(site.edition, name="Partnership of the Year")
    counts = result_counts(site.edition)
    assert (counts.categories, counts.recorded, counts.confirmed, counts.revealed) == (3, 0, 0, 0)
    assert (counts.not_recorded, counts.not_confirmed) == (3, 3)

    db.session.add(Award(category_id=site.category.id, finalist_id=site.finalists[0].id, place=Place.WINNER))
    db.session.add(Award(category_id=site.category.id, finalist_id=site.finalists[1].id,
                         place=Place.HIGHLY_COMMENDED))
    db.session.add(Reveal(category_id=other.id, running_order=2, confirmed_at=app_clock.now()))
    reveal_result(third)
    counts = result_counts(site.edition)
    assert (counts.categories, counts.recorded, counts.confirmed, counts.revealed) == (3, 1, 2, 1)
    assert counts.not_confirmed == 1
