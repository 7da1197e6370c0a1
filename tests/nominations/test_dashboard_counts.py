"""The dashboard's nomination counts: consent by state, and the groups of possible duplicates counted from names
alone, agreeing with the duplicates page."""
from __future__ import annotations

from awards_app.nominations.duplicates import count_duplicate_groups, find_duplicates
from awards_app.nominations.models import ConsentState, NominationStatus
from awards_app.nominations.review import count_by_consent
from awards_app.programme.models import NomineeKind
from tests.factories.nominations import make_nomination
from tests.factories.programme import make_category, make_edition


def test_consent_is_counted_by_state_leaving_merged_duplicates_and_entries_out_of_the_running_out(db_session):
    edition = make_edition()
    category = make_category(edition)
    asked = make_nomination(category, "Morag Fraser", consent=ConsentState.REQUESTED)
    make_nomination(category, "Iain Campbell", consent=ConsentState.REQUESTED)
    make_nomination(category, "Ailsa Reid", consent=ConsentState.GIVEN)
    make_nomination(category, "Morag Frazer", consent=ConsentState.REQUESTED, merged_into_id=asked.id)
    make_nomination(make_category(make_edition(2025)), "Other year", consent=ConsentState.REQUESTED)
    # Out of the running: nobody needs their answer any more.
    make_nomination(category, "Jean Withdrawn", consent=ConsentState.REQUESTED, status=NominationStatus.WITHDRAWN)
    make_nomination(category, "Jo Ineligible", consent=ConsentState.REQUESTED, status=NominationStatus.INELIGIBLE)
    counts = count_by_consent(edition)
    assert counts[ConsentState.REQUESTED] == 2 and counts[ConsentState.GIVEN] == 1
    assert counts[ConsentState.DECLINED] == 0


def test_duplicate_groups_are_counted_as_the_duplicates_page_finds_them(db_session):
    edition = make_edition()
    people = make_category(edition, "Carer of the Year", nominee_kind=NomineeKind.PERSON)
    projects = make_category(edition, "Project of the Year")
    for name in ("Morag Fraser", "Morag Frazer", "Iain Campbell", "Jean Smith", "John Smith"):
        make_nomination(people, name, nominee_email=f"{name.replace(' ', '.').lower()}@example.org")
    make_nomination(people, "Eilidh Ross", nominee_email="iain.campbell@example.org")  # same email as Iain: same person
    for name in ("Fife Men's Shed", "Fife Mens Shed", "Leith Lunch Club", "Morag Fraser"):
        make_nomination(projects, name, nominee_email="info@example.org")  # one address fronts many projects
    make_nomination(projects, "Leith Lunch Club Ltd", status=NominationStatus.WITHDRAWN)
    assert count_duplicate_groups(edition) == len(find_duplicates(edition)) == 3


def test_no_nominations_no_duplicates(db_session):
    assert count_duplicate_groups(make_edition()) == 0
