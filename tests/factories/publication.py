"""The world of the shortlist tests: an edition with two categories and their finalists.

The edition follows tests/factories/programme.py make_edition: the shortlist is planned for 30 March 2026, the public
vote runs from 31 March to 20 April; the `clock` fixture starts on 1 March (judging).
"""
from __future__ import annotations

from types import SimpleNamespace

from awards_app.nominations.models import ConsentState
from tests.factories.judging import make_finalists
from tests.factories.nominations import make_entry
from tests.factories.programme import make_category, make_edition

# The finalists' public summaries, shown on the public shortlist.
SUMMARIES = {
    "Morag Fraser": "Morag set up a peer support group for carers in Fife.",
    "Hamish MacLeod": "Hamish runs walking groups for people living with long-term conditions.",
    "Ailsa Grant": "Ailsa wrote a guide to living well with diabetes in Gaelic and English.",
    "Leith Lunch Club": "A weekly lunch club that brings isolated older people together.",
    "Moray Men's Shed": "A workshop where men with health conditions share skills and stay active.",
}

def shortlist_site(consent: ConsentState = ConsentState.GIVEN) -> SimpleNamespace:
    """An edition with "Carer of the Year" (judged; three finalists) and "Project of the Year" (public vote; two)."""
    edition = make_edition()
    carer = make_category(edition, name="Carer of the Year", display_order=1)
    project = make_category(edition, name="Project of the Year", has_public_vote=True, display_order=2)

    def entries(category, *names):
        """Eligible nominations with their public summaries."""
        return [make_entry(category, name, consent=consent, public_summary=SUMMARIES[name]) for name in names]

    # Positions follow the judges' ranking: Morag first, then Hamish, then Ailsa.
    site = SimpleNamespace(
        edition=edition, carer=carer, project=project,
        carer_finalists=make_finalists(carer, entries(carer, "Morag Fraser", "Hamish MacLeod", "Ailsa Grant")),
        project_finalists=make_finalists(project, entries(project, "Moray Men's Shed", "Leith Lunch Club")),
    )
    site.morag, site.hamish, site.ailsa = site.carer_finalists
    site.shed, site.lunch_club = site.project_finalists
    site.names = [finalist.public_name for finalist in site.carer_finalists + site.project_finalists]
    return site
