"""The organisers' review: finding nominations, marking their status, notes, and consent from the organisers' side."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from awards_app.core.errors import DomainError, NotAllowed
from awards_app.core.models import AuditEvent
from awards_app.nominations import review
from awards_app.nominations.consent import request_consent
from awards_app.nominations.models import ConsentState, NominationStatus
from awards_app.nominations.review import ReviewFilters, list_nominations
from tests.factories.accounts import make_judge
from tests.factories.nominations import make_nomination
from tests.factories.programme import make_category, make_edition

T0 = datetime(2026, 2, 1, 10, 0, tzinfo=timezone.utc)


def at(hours: int) -> datetime:
    """A submission time some hours after T0."""
    return T0 + timedelta(hours=hours)


def events(db_session, action: str) -> list[AuditEvent]:
    """The audit events of one kind, oldest first."""
    return list(db_session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))


def references(page) -> list[str]:
    """The references on a page of results, in order."""
    return [nomination.reference for nomination in page.nominations]


@pytest.fixture
def edition(db_session, clock):
    """An edition with two categories and five nominations (one merged into another), submitted an hour apart."""
    edition = make_edition()
    carers = make_category(edition, name="Carer of the Year")
    projects = make_category(edition, name="Project of the Year")
    nominations = SimpleNamespace(
        morag=make_nomination(
            carers, "Morag Fraser", reference="SMA-AAA111", submitted_at=at(0), local_authority="Fife",
            nominator_name="Iain Brown", nominator_email="iain@example.org",
        ),
        hamish=make_nomination(
            carers, "Hamish MacLeod", reference="SMA-BBB222", submitted_at=at(1), local_authority="Highland",
            nominee_organisation="Highland Carers' Network", nominator_name="Ailsa Grant",
            nominator_email="ailsa.grant@example.net", status=NominationStatus.ELIGIBLE,
        ),
        garden=make_nomination(
            projects, "Growing Together Garden", reference="SMA-CCC333", submitted_at=at(2),
            local_authority="Glasgow City", nominee_organisation="Southside 100% Volunteers",
            nominator_name="Ruth Kerr", nominator_email="ruth@example.com", consent=ConsentState.GIVEN,
        ),
        walk=make_nomination(
            projects, "Walk and Talk", reference="SMA-DDD444", submitted_at=at(3), local_authority="Fife",
            nominator_name="Calum Reid", nominator_email="calum@example.com", status=NominationStatus.INELIGIBLE,
            status_reason="Outside Scotland",
        ),
    )
    # A second nomination of Morag, folded into her entry: it never shows as an entry of its own.
    nominations.morag_again = make_nomination(
        carers, "Morag Fraser (Fife)", reference="SMA-EEE555", submitted_at=at(4), local_authority="Fife",
        merged_into_id=nominations.morag.id, nominator_name="Eilidh Ross", nominator_email="eilidh@example.org",
    )
    return SimpleNamespace(edition=edition, carers=carers, projects=projects, **vars(nominations))


# --- Listing -----------------------------------------------------------------------------------------------------


def test_lists_entries_newest_first_without_merged_duplicates(edition):
    page = list_nominations(edition.edition)
    assert references(page) == ["SMA-DDD444", "SMA-CCC333", "SMA-BBB222", "SMA-AAA111"]
    assert page.total == 4 and page.pages == 1


def test_lists_only_the_editions_own_nominations(edition, db_session):
    other = make_edition(year=2025, start=datetime(2025, 1, 13, 9, tzinfo=timezone.utc))
    make_nomination(make_category(other), "Someone Else", reference="SMA-OTHER1")
    assert "SMA-OTHER1" not in references(list_nominations(edition.edition))


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (lambda s: ReviewFilters(category_id=s.projects.id), ["SMA-DDD444", "SMA-CCC333"]),
        (lambda s: ReviewFilters(status=NominationStatus.ELIGIBLE), ["SMA-BBB222"]),
        (lambda s: ReviewFilters(status=NominationStatus.WITHDRAWN), []),
        (lambda s: ReviewFilters(local_authority="Fife"), ["SMA-DDD444", "SMA-AAA111"]),
        (lambda s: ReviewFilters(consent=ConsentState.GIVEN), ["SMA-CCC333"]),
        (lambda s: ReviewFilters(consent=ConsentState.NOT_REQUESTED), ["SMA-DDD444", "SMA-BBB222", "SMA-AAA111"]),
        (lambda s: ReviewFilters(local_authority="Fife", category_id=s.carers.id), ["SMA-AAA111"]),
    ],
)
def test_filters(edition, filters, expected):
    assert references(list_nominations(edition.edition, filters(edition))) == expected


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        ("sma-bbb222", ["SMA-BBB222"]),  # reference, any case
        ("MORAG", ["SMA-AAA111"]),  # nominee name
        ("carers' network", ["SMA-BBB222"]),  # nominee organisation
        ("ruth kerr", ["SMA-CCC333"]),  # nominator name
        ("AILSA.GRANT@EXAMPLE.NET", ["SMA-BBB222"]),  # nominator email
        ("example.com", ["SMA-DDD444", "SMA-CCC333"]),
        ("kerr ruth", ["SMA-CCC333"]),  # every word, in any order
        ("morag highland", []),  # every word must match
        ("100%", ["SMA-CCC333"]),  # % is a character, not a wildcard
        ("_", []),  # and so is _
        ("   ", ["SMA-DDD444", "SMA-CCC333", "SMA-BBB222", "SMA-AAA111"]),
        ("Eilidh", []),  # the merged duplicate's nominator: found on the entry's page, not as an entry
    ],
)
def test_search(edition, search, expected):
    assert references(list_nominations(edition.edition, ReviewFilters(search=search))) == expected


def test_a_very_long_search_is_cut_not_refused(edition):
    page = list_nominations(edition.edition, ReviewFilters(search="morag " + "x" * 5000))
    assert page.total == 0


def test_pages(edition):
    first = list_nominations(edition.edition, ReviewFilters(page=1), per_page=3)
    second = list_nominations(edition.edition, ReviewFilters(page=2), per_page=3)
    assert references(first) == ["SMA-DDD444", "SMA-CCC333", "SMA-BBB222"]
    assert references(second) == ["SMA-AAA111"]
    assert (first.pages, first.first_number, first.last_number) == (2, 1, 3)
    assert (second.first_number, second.last_number) == (4, 4)


@pytest.mark.parametrize(("asked", "shown"), [(0, 1), (-3, 1), (99, 2)])
def test_pages_out_of_range_show_the_nearest(edition, asked, shown):
    assert list_nominations(edition.edition, ReviewFilters(page=asked), per_page=3).page == shown


def test_an_empty_list_has_one_page(db_session, clock):
    page = list_nominations(make_edition())
    assert (page.total, page.pages, page.first_number, page.last_number) == (0, 1, 0, 0)


def test_filters_know_when_any_is_in_force():
    assert not ReviewFilters(page=3).any
    assert not ReviewFilters(search="  ").any
    assert ReviewFilters(search="morag").any
    assert ReviewFilters(status=NominationStatus.RECEIVED).any


def test_counts_by_status_leave_out_merged_duplicates(edition):
    assert review.count_by_status(edition.edition) == {
        NominationStatus.RECEIVED: 2,
        NominationStatus.ELIGIBLE: 1,
        NominationStatus.INELIGIBLE: 1,
        NominationStatus.WITHDRAWN: 0,
    }


# --- Status ------------------------------------------------------------------------------------------------------


def test_mark_eligible_with_an_audit_event(edition, organiser, db_session):
    review.change_status(organiser, edition.morag, "eligible")
    assert edition.morag.status is NominationStatus.ELIGIBLE
    [event] = events(db_session, "nomination.status_changed")
    assert event.actor_id == organiser.id and event.subject_id == edition.morag.id
    assert event.details == {"reference": "SMA-AAA111", "old": "received", "new": "eligible", "reason": ""}


def test_ineligible_needs_a_reason(edition, organiser, db_session):
    for reason in ("", "   ", None):
        with pytest.raises(DomainError) as refusal:
            review.change_status(organiser, edition.morag, NominationStatus.INELIGIBLE, reason)
        assert refusal.value.field == "reason"
        assert refusal.value.message == "Enter why the nomination is not eligible"
    assert edition.morag.status is NominationStatus.RECEIVED
    assert events(db_session, "nomination.status_changed") == []


def test_ineligible_keeps_its_reason(edition, organiser, db_session):
    review.change_status(organiser, edition.morag, "ineligible", "  Nominated herself  ")
    assert (edition.morag.status, edition.morag.status_reason) == (NominationStatus.INELIGIBLE, "Nominated herself")
    assert events(db_session, "nomination.status_changed")[0].details["reason"] == "Nominated herself"


@pytest.mark.parametrize("reason", ["", "The nominator asked us to withdraw it"])
def test_withdrawn_takes_an_optional_reason(edition, organiser, reason):
    review.change_status(organiser, edition.morag, "withdrawn", reason)
    assert (edition.morag.status, edition.morag.status_reason) == (NominationStatus.WITHDRAWN, reason)


def test_eligible_clears_an_old_reason(edition, organiser, db_session):
    review.change_status(organiser, edition.walk, "eligible", "ignored")
    assert (edition.walk.status, edition.walk.status_reason) == (NominationStatus.ELIGIBLE, "")
    assert events(db_session, "nomination.status_changed")[0].details["old"] == "ineligible"


def test_an_overlong_reason_is_refused(edition, organiser):
    with pytest.raises(DomainError, match="1,000 characters or fewer"):
        review.change_status(organiser, edition.morag, "ineligible", "x" * 1001)


def test_an_unknown_status_is_refused(edition, organiser):
    with pytest.raises(DomainError, match="Select a status"):
        review.change_status(organiser, edition.morag, "shortlisted")


def test_the_same_status_again_writes_no_event(edition, organiser, db_session):
    review.change_status(organiser, edition.hamish, "eligible")
    assert events(db_session, "nomination.status_changed") == []


def test_a_merged_duplicate_follows_its_entry(edition, organiser):
    with pytest.raises(DomainError, match="merged into SMA-AAA111"):
        review.change_status(organiser, edition.morag_again, "eligible")


def test_only_organisers_change_status(edition):
    for actor in (None, make_judge()):
        with pytest.raises(NotAllowed):
            review.change_status(actor, edition.morag, "eligible")
    assert edition.morag.status is NominationStatus.RECEIVED


# --- Notes -------------------------------------------------------------------------------------------------------


def test_add_a_note(edition, organiser, db_session, clock):
    note = review.add_note(organiser, edition.morag, "  Called the nominator to check the council area.  ")
    assert note.text == "Called the nominator to check the council area."
    assert note.created_at == clock.now()
    assert edition.morag.notes == [note]
    assert review.note_authors(edition.morag) == {organiser.id: "Olivia Organiser"}
    [event] = events(db_session, "nomination.note_added")
    assert event.details == {"reference": "SMA-AAA111", "note_id": note.id}  # the words stay out of the log


@pytest.mark.parametrize(
    ("text", "message"), [("", "Enter the note"), (" \n ", "Enter the note"), ("x" * 2001, "2,000")]
)
def test_bad_notes_are_refused(edition, organiser, text, message):
    with pytest.raises(DomainError, match=message) as refusal:
        review.add_note(organiser, edition.morag, text)
    assert refusal.value.field == "text"
    assert edition.morag.notes == []


def test_a_note_of_the_longest_length_is_kept(edition, organiser):
    assert len(review.add_note(organiser, edition.morag, "x" * 2000).text) == 2000


def test_only_organisers_add_notes(edition):
    with pytest.raises(NotAllowed):
        review.add_note(make_judge(), edition.morag, "A judge's note")


def test_notes_by_nobody_have_no_authors(edition):
    assert review.note_authors(edition.morag) == {}


# --- Consent, from the organisers' side --------------------------------------------------------------------------


def test_resend_replaces_the_request(edition, organiser, outbox, db_session):
    request_consent(None, edition.morag)
    review.resend_consent_request(organiser, edition.morag)
    assert [email.to_address for email in outbox()] == ["morag@example.org", "morag@example.org"]
    assert edition.morag.consent is ConsentState.REQUESTED
    assert events(db_session, "consent.requested")[-1].details == {"resend": True}


@pytest.mark.parametrize("state", [ConsentState.GIVEN, ConsentState.DECLINED])
def test_no_resend_once_the_nominee_has_answered(edition, organiser, outbox, state):
    edition.morag.consent = state
    assert not review.can_resend_consent(edition.morag)
    with pytest.raises(DomainError, match="already answered"):
        review.resend_consent_request(organiser, edition.morag)
    assert edition.morag.consent is state and outbox() == []


def test_no_resend_without_an_address(edition, organiser, outbox):
    edition.morag.nominee_email = None
    assert not review.can_resend_consent(edition.morag)
    with pytest.raises(DomainError, match="no email address"):
        review.resend_consent_request(organiser, edition.morag)
    assert outbox() == []


def test_no_resend_for_a_merged_duplicate(edition, organiser, outbox):
    assert not review.can_resend_consent(edition.morag_again)
    with pytest.raises(DomainError, match="merged into"):
        review.resend_consent_request(organiser, edition.morag_again)


def test_only_organisers_resend(edition, outbox):
    with pytest.raises(NotAllowed):
        review.resend_consent_request(make_judge(), edition.morag)
    assert outbox() == []


def test_record_consent_given_on_paper(edition, organiser, clock):
    review.record_consent(organiser, edition.morag, True, "Signed form received 5 March")
    assert edition.morag.consent is ConsentState.GIVEN
    assert edition.morag.consent_note == "Signed form received 5 March"
    assert edition.morag.consent_recorded_at == clock.now()


def test_record_consent_refused_for_a_merged_duplicate_and_for_judges(edition, organiser):
    with pytest.raises(DomainError, match="merged into"):
        review.record_consent(organiser, edition.morag_again, True, "By phone")
    with pytest.raises(NotAllowed):
        review.record_consent(make_judge(), edition.morag, True, "By phone")
    assert edition.morag.consent is ConsentState.NOT_REQUESTED
