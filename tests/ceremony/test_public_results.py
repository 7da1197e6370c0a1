"""What the public side of the ceremony reads: finalists in alphabetical order (never the judges' order), and the
archive's editions by year only once their ceremony has happened."""
from datetime import timedelta

from awards_app.ceremony.reveals import archived_edition, public_results
from tests.factories.programme import START, make_edition
from tests.factories.voting import public_vote


def test_finalists_are_listed_alphabetically_not_in_the_judges_order(db_session, clock):
    site = public_vote(make_edition(), ("walk & Talk", "Harbour Arts", "Breathe Easy"))  # positions: the judges' order
    site.edition.shortlist_published_at = clock.now()
    db_session.flush()
    (result,) = public_results(site.edition)
    assert [finalist.name for finalist in result.finalists] == ["Breathe Easy", "Harbour Arts", "walk & Talk"]


def test_an_edition_is_archived_once_its_ceremony_has_happened(db_session, clock):
    edition = make_edition()
    make_edition(year=2025, start=START - timedelta(days=364))
    assert archived_edition(2025).year == 2025
    clock.set(edition.ceremony_at - timedelta(seconds=1))
    assert archived_edition(2026) is None
    clock.set(edition.ceremony_at)
    assert archived_edition(2026) is edition
    assert archived_edition(1999) is None
