"""Who is and is not in each segment: shortlisted, not shortlisted, vote finalists, winners and highly commended
(only once revealed), all entries of a category, a panel's judges; declined nominees never reached as nominees."""
from __future__ import annotations

import pytest

from awards_app.ceremony.models import Award, Place
from awards_app.core.errors import DomainError
from awards_app.extensions import db
from awards_app.judging.models import PanelStatus
from awards_app.messaging import segments
from awards_app.nominations.models import ConsentState, NominationStatus
from tests.factories.ceremony import reveal_result
from tests.factories.judging import place_of
from tests.factories.nominations import make_entry
from tests.factories.programme import make_category, make_edition
from tests.messaging.site import messaging_site, nominator_address, nominee_address


@pytest.fixture
def site(db_session, clock, organiser):
    return messaging_site(organiser)


def names(people) -> list[str]:
    return [person.name for person in people]


def addresses(people) -> list[str | None]:
    return [person.email for person in people]


def test_shortlisted_nominees_are_the_finalists_in_order(site):
    people = segments.recipients(site.edition, "shortlisted.nominees", None)
    assert addresses(people) == [nominee_address(key) for key in ("morag", "hamish", "ailsa")]
    assert all(person.reachable and person.role == "nominee" for person in people)


def test_not_shortlisted_is_the_judged_entries_left_off_without_the_declined_one(site):
    nominators = segments.recipients(site.edition, "not_shortlisted.nominators", None)
    assert addresses(nominators) == [nominator_address("eilidh")]  # Callum declined: out of judging altogether
    nominees = segments.recipients(site.edition, "not_shortlisted.nominees", site.category)
    assert names(nominees) == ["Eilidh Ross"]


def test_a_category_without_a_shortlist_has_nobody_not_shortlisted(site, db_session):
    other = make_category(site.edition, name="Young Person of the Year")
    make_entry(other, "Kirsty Muir")
    assert segments.recipients(site.edition, "not_shortlisted.nominators", other) == []


def test_vote_finalists_only_in_categories_with_a_contest(site):
    assert len(segments.recipients(site.edition, "vote_finalists.nominators", None)) == 3
    other = make_category(site.edition, name="Young Person of the Year")
    assert segments.recipients(site.edition, "vote_finalists.nominators", other) == []


def test_winners_and_highly_commended_only_after_the_reveal(site, db_session):
    db_session.add(Award(category_id=site.category.id, finalist_id=site.finalists[1].id, place=Place.WINNER))
    db_session.add(Award(category_id=site.category.id, finalist_id=site.finalists[2].id, place=Place.HIGHLY_COMMENDED))
    db_session.flush()
    assert segments.recipients(site.edition, "winners.nominees", None) == []  # sealed until revealed
    assert segments.recipients(site.edition, "highly_commended.nominees", None) == []
    reveal_result(site.category)
    assert names(segments.recipients(site.edition, "winners.nominees", None)) == ["Hamish MacLeod"]
    assert names(segments.recipients(site.edition, "highly_commended.nominators", None)) == ["Ailsa's Nominator"]


def test_all_entries_needs_a_category_and_leaves_out_withdrawn_and_merged(site, db_session):
    with pytest.raises(DomainError) as refusal:
        segments.recipients(site.edition, "all_entries.nominators", None)
    assert refusal.value.field == "category"
    site.eilidh.status = NominationStatus.WITHDRAWN
    db_session.flush()
    people = segments.recipients(site.edition, "all_entries.nominators", site.category)
    assert "Eilidh's Nominator" not in names(people)
    assert len(people) == 4


def test_a_declined_nominee_is_listed_but_never_reachable(site):
    people = segments.recipients(site.edition, "all_entries.nominees", site.category)
    callum = next(person for person in people if person.name == "Callum Baird")
    assert callum.email is None and not callum.reachable
    assert callum.not_sent_reason == segments.DECLINED


def test_a_nominee_without_consent_or_address_is_counted_with_the_reason(site, db_session):
    site.morag.consent = ConsentState.REQUESTED
    site.hamish.nominee_email = None
    db_session.flush()
    people = {person.name: person for person in segments.recipients(site.edition, "shortlisted.nominees", None)}
    assert people["Morag Fraser"].not_sent_reason == segments.NO_CONSENT and people["Morag Fraser"].email is None
    assert people["Hamish MacLeod"].not_sent_reason == segments.NO_ADDRESS
    assert people["Ailsa Grant"].reachable


def test_one_address_is_one_recipient(site, db_session):
    site.hamish.nominator_email = nominator_address("morag").upper()
    db_session.flush()
    people = segments.recipients(site.edition, "shortlisted.nominators", None)
    assert addresses(people) == [nominator_address("morag"), nominator_address("ailsa")]
    assert [entry.id for entry, _ in people[0].entries] == [site.morag.id, site.hamish.id]  # both, in order
    assert [entry.id for entry, _ in people[1].entries] == [site.ailsa.id]
    assert people[0].references == f"{site.morag.reference}, {site.hamish.reference}"


def test_panel_judges_leave_out_removed_ones(site, db_session):
    judge_a, judge_b, judge_c = site.judges
    place_of(judge_c, site.category).status = PanelStatus.REMOVED
    db_session.flush()
    people = segments.recipients(site.edition, "panel.judges", site.category)
    assert addresses(people) == [judge_a.email, judge_b.email]
    assert all(person.role == "judge" and person.nomination is None for person in people)


def test_unknown_segment_and_another_editions_category_are_refused(site):
    with pytest.raises(DomainError) as refusal:
        segments.recipients(site.edition, "everyone", None)
    assert refusal.value.field == "segment"
    other = make_category(make_edition(year=2027), name="Elsewhere")
    db.session.flush()
    with pytest.raises(DomainError):
        segments.recipients(site.edition, "shortlisted.nominees", other)


def test_a_finalist_withdrawn_later_is_in_no_finalist_segment(site, organiser):
    from awards_app.nominations.models import NominationStatus
    from awards_app.nominations.review import change_status

    change_status(organiser, site.hamish, NominationStatus.WITHDRAWN, "Withdrew")
    for key in ("shortlisted.nominees", "shortlisted.nominators", "vote_finalists.nominees",
                "vote_finalists.nominators"):
        entries = {entry.id for person in segments.recipients(site.edition, key, None) for entry, _ in person.entries}
        assert site.hamish.id not in entries and site.morag.id in entries, key
    not_shortlisted = segments.recipients(site.edition, "not_shortlisted.nominators", None)
    assert site.hamish.id not in {entry.id for person in not_shortlisted for entry, _ in person.entries}


def test_the_nominator_of_a_finalist_whose_nominee_declined_is_not_written_to(site, db_session):
    site.hamish.consent = ConsentState.DECLINED
    db_session.flush()
    people = {person.key: person for person in segments.recipients(site.edition, "shortlisted.nominators", None)}
    hamish = people[f"nominator-{site.hamish.id}"]
    assert not hamish.reachable and hamish.not_sent_reason == segments.NOMINEE_DECLINED
    assert people[f"nominator-{site.morag.id}"].reachable
