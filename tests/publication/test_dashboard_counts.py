"""The dashboard's shortlist counts: finalists without consent or an image, categories without finalists."""
from __future__ import annotations

from awards_app.extensions import db
from awards_app.nominations.models import ConsentState
from awards_app.publication.public_shortlist import ShortlistCounts, shortlist_counts
from tests.factories.programme import make_category, make_edition
from tests.factories.publication import shortlist_site


def test_finalists_without_consent_or_image_are_counted(db_session, clock):
    site = shortlist_site()
    assert shortlist_counts(site.edition) == ShortlistCounts(0, 5, 0, 5)
    site.morag.nomination.consent = ConsentState.REQUESTED
    site.shed.nomination.consent = ConsentState.DECLINED
    site.hamish.image_filename = "0" * 32 + ".png"
    make_category(site.edition, name="Partnership of the Year")
    make_category(make_edition(2025), name="Another year's category")
    db.session.flush()
    assert shortlist_counts(site.edition) == ShortlistCounts(1, 5, 2, 4)
