"""Builders for the shortlist publication and contest tests: an edition with two categories and their finalists.

The edition follows tests/factories.make_edition: the shortlist is planned for 30 March 2026, the public vote runs
from 31 March to 20 April; the `clock` fixture starts on 1 March (judging).
"""
from __future__ import annotations

from datetime import datetime, timedelta
from types import SimpleNamespace

from awards_app.extensions import db
from awards_app.nominations.models import ConsentState, NominationStatus
from awards_app.voting.models import Contest
from tests.factories import make_category, make_edition, make_nomination
from tests.judging_data import finalists

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

    def entry(category, name, state=consent):
        """An eligible nomination with its public summary."""
        return make_nomination(
            category, name, status=NominationStatus.ELIGIBLE, consent=state, public_summary=SUMMARIES[name],
        )

    # Positions follow the judges' ranking: Morag first, then Hamish, then Ailsa.
    carer_entries = [entry(carer, "Morag Fraser"), entry(carer, "Hamish MacLeod"), entry(carer, "Ailsa Grant")]
    project_entries = [entry(project, "Moray Men's Shed"), entry(project, "Leith Lunch Club")]
    site = SimpleNamespace(
        edition=edition, carer=carer, project=project,
        carer_finalists=finalists(carer, carer_entries), project_finalists=finalists(project, project_entries),
    )
    site.morag, site.hamish, site.ailsa = site.carer_finalists
    site.shed, site.lunch_club = site.project_finalists
    site.names = [finalist.public_name for finalist in site.carer_finalists + site.project_finalists]
    return site


def add_contest(site: SimpleNamespace, opens_at: datetime | None = None, closes_at: datetime | None = None) -> Contest:
    """The Project of the Year's contest (by default the edition's whole voting window)."""
    contest = Contest(
        category_id=site.project.id,
        opens_at=opens_at or site.edition.vote_open_at,
        closes_at=closes_at or site.edition.vote_close_at,
    )
    db.session.add(contest)
    db.session.flush()
    return contest


def just_before(moment: datetime) -> datetime:
    """A second before a moment."""
    return moment - timedelta(seconds=1)
