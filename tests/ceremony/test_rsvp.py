"""The ceremony invitation's RSVP: personal links, answers and changes, the ceremony's start, and tampered links."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from awards_app.ceremony import rsvp
from awards_app.ceremony.models import CeremonyInvitation
from awards_app.core.errors import DomainError, NotAllowed
from awards_app.core.links import LinkProblem
from awards_app.core.models import AuditEvent, SingleUseLink
from tests.factories.accounts import make_judge
from tests.factories.programme import make_category, make_edition
from tests.factories.nominations import make_nomination


@pytest.fixture
def edition(db_session, clock):
    """An edition whose ceremony is two months after the clock's now."""
    return make_edition(venue="Assembly Rooms, Edinburgh")


def token_of(link: str) -> str:
    """The token at the end of an RSVP link."""
    assert "/rsvp/" in link
    return link.rsplit("/", 1)[1]


def invite(organiser, edition, email="Jo.Bloggs@Example.org ", name="Jo Bloggs", **kwargs) -> str:
    """The token of a fresh RSVP link for the address."""
    return token_of(rsvp.invitation_link(organiser, edition, email, name, **kwargs))


def invitations(db_session) -> list[CeremonyInvitation]:
    """Every invitation stored."""
    return list(db_session.scalars(select(CeremonyInvitation).order_by(CeremonyInvitation.id)))


def test_a_link_is_absolute_and_creates_one_invitation_per_edition_and_person(organiser, edition, db_session, app):
    link = rsvp.invitation_link(organiser, edition, "Jo.Bloggs@Example.org ", "Jo Bloggs")
    assert link.startswith(app.config["PUBLIC_BASE_URL"].rstrip("/") + "/rsvp/")
    # The same person, written with other capitals and spaces.
    again = rsvp.invitation_link(organiser, edition, "jo.bloggs@example.org", "  jo   BLOGGS ")
    [invitation] = invitations(db_session)
    assert (invitation.email, invitation.name, invitation.answer) == ("jo.bloggs@example.org", "Jo Bloggs", None)
    # Both links work, for the same invitation: every email the invitee was sent keeps working.
    assert link != again
    assert rsvp.invitation_for_link(token_of(link)) is invitation
    assert rsvp.invitation_for_link(token_of(again)) is invitation
    # Only the digest of a link is kept.
    assert db_session.scalar(select(func.count()).select_from(SingleUseLink).where(
        SingleUseLink.nonce_hash.in_([token_of(link), token_of(again)]))) == 0
    other = make_edition(year=2027)
    rsvp.invitation_link(organiser, other, "jo.bloggs@example.org", "Jo Bloggs")
    assert len(invitations(db_session)) == 2
    events = db_session.scalars(select(AuditEvent.action).where(AuditEvent.action == "ceremony.invited")).all()
    assert len(events) == 2


def test_two_people_sharing_an_address_keep_their_own_invitations_and_answers(organiser, edition, db_session):
    # A carer nominated the person they care for, and gave the household's one address for both.
    nomination = make_nomination(make_category(edition))
    carer = invite(organiser, edition, "family@example.org", "Hamish's Nominator", nomination=nomination)
    nominee = invite(organiser, edition, "Family@Example.org", "Hamish MacLeod", nomination=nomination)
    rsvp.answer_invitation(carer, "yes", "wheelchair space")
    rsvp.answer_invitation(nominee, "no", "BSL interpreter")

    assert rsvp.invitation_for_link(carer).id != rsvp.invitation_for_link(nominee).id
    answers = {(row.name, row.email, row.answer, row.access_needs) for row in invitations(db_session)}
    assert answers == {("Hamish's Nominator", "family@example.org", "yes", "wheelchair space"),
                       ("Hamish MacLeod", "family@example.org", "no", "BSL interpreter")}
    # Each link answers for its own person only: the carer's second answer leaves the nominee's alone.
    rsvp.answer_invitation(carer, "no", "")
    assert rsvp.invitation_for_link(nominee).answer == "no"
    assert rsvp.invitation_for_link(nominee).access_needs == "BSL interpreter"
    listed = rsvp.edition_invitations(organiser, edition)
    assert [row.name for row in listed] == ["Hamish MacLeod", "Hamish's Nominator"]
    assert rsvp.rsvp_counts(listed).total == 2


def test_an_invitation_can_name_its_nomination(organiser, edition, db_session):
    nomination = make_nomination(make_category(edition))
    invite(organiser, edition, "morag@example.org", "Morag Fraser", nomination=nomination)
    assert invitations(db_session)[0].nomination_id == nomination.id


def test_only_organisers_invite_and_an_address_is_needed(organiser, edition, db_session):
    with pytest.raises(NotAllowed):
        rsvp.invitation_link(make_judge(), edition, "jo@example.org", "Jo")
    for bad in ("", "   ", "not-an-address", "a@" + "b" * 300):
        with pytest.raises(DomainError, match="valid email address"):
            rsvp.invitation_link(organiser, edition, bad, "Jo")
    assert invitations(db_session) == []


def test_an_answer_is_saved_and_changed_through_the_link(organiser, edition, db_session, clock):
    token = invite(organiser, edition)
    invitation = rsvp.answer_invitation(token, "yes", "  Step-free access, please  ")
    assert (invitation.answer, invitation.access_needs, invitation.answered_at) == (
        "yes", "Step-free access, please", clock.now())
    clock.advance(days=1)
    rsvp.answer_invitation(token, "no")
    db_session.expire_all()
    [invitation] = invitations(db_session)
    assert (invitation.answer, invitation.access_needs, invitation.answered_at) == ("no", "", clock.now())
    events = db_session.scalars(select(AuditEvent).where(AuditEvent.action == "ceremony.rsvp_answered")).all()
    assert [event.details for event in events] == [{"answer": "yes"}, {"answer": "no"}]  # never the access needs


def test_an_answer_must_be_yes_or_no_and_access_needs_are_limited(organiser, edition, db_session):
    token = invite(organiser, edition)
    with pytest.raises(DomainError, match="Choose whether you will come") as refused:
        rsvp.answer_invitation(token, "maybe")
    assert refused.value.field == "answer"
    with pytest.raises(DomainError, match="1000 characters or fewer") as refused:
        rsvp.answer_invitation(token, "yes", "x" * (rsvp.ACCESS_NEEDS_MAX + 1))
    assert refused.value.field == "access_needs"
    rsvp.answer_invitation(token, "yes", "x" * rsvp.ACCESS_NEEDS_MAX)
    assert invitations(db_session)[0].answer == "yes"


def test_after_the_ceremony_starts_the_link_opens_but_answers_are_refused(organiser, edition, db_session, clock):
    token = invite(organiser, edition)
    rsvp.answer_invitation(token, "yes")
    clock.set(edition.ceremony_at - timedelta(seconds=1))
    rsvp.answer_invitation(token, "no")
    clock.set(edition.ceremony_at)
    assert rsvp.ceremony_has_started(edition)
    assert rsvp.invitation_for_link(token).answer == "no"
    with pytest.raises(DomainError, match="already started"):
        rsvp.answer_invitation(token, "yes")
    assert invitations(db_session)[0].answer == "no"


def test_tampered_foreign_and_erased_links_are_refused(organiser, edition, db_session, app):
    token = invite(organiser, edition)
    for broken in (token[:-2] + ("AA" if not token.endswith("AA") else "BB"), token[:20], "", "not-a-token"):
        with pytest.raises(LinkProblem) as problem:
            rsvp.invitation_for_link(broken)
        assert problem.value.reason == "tampered"
        with pytest.raises(LinkProblem):
            rsvp.answer_invitation(broken, "yes")
    # A link made for another purpose, with the same secret, does not open an invitation.
    from awards_app.core.links import issue_link

    consent_token = issue_link("consent", invitations(db_session)[0], edition.ceremony_at)
    with pytest.raises(LinkProblem, match="tampered"):
        rsvp.invitation_for_link(consent_token)
    # Once the invitation is gone (erased on request), its links stop working.
    rsvp.delete_invitations(invitations(db_session))
    with pytest.raises(LinkProblem, match="tampered"):
        rsvp.invitation_for_link(token)
    assert db_session.scalar(select(func.count()).select_from(SingleUseLink).where(
        SingleUseLink.purpose == rsvp.PURPOSE)) == 0


def test_counts_and_the_organisers_list(organiser, edition, db_session):
    yes, no, _silent = (invite(organiser, edition, f"{who}@example.org", who.title()) for who in ("ailsa", "bruce", "cat"))
    rsvp.answer_invitation(yes, "yes", "A hearing loop")
    rsvp.answer_invitation(no, "no")
    listed = rsvp.edition_invitations(organiser, edition)
    assert [invitation.name for invitation in listed] == ["Ailsa", "Bruce", "Cat"]
    counts = rsvp.rsvp_counts(listed)
    assert (counts.yes, counts.no, counts.unanswered, counts.total) == (1, 1, 1, 3)
    with pytest.raises(NotAllowed):
        rsvp.edition_invitations(make_judge(), edition)


def test_the_purge_removes_invitations_of_past_ceremonies_only(organiser, edition, db_session, clock):
    invite(organiser, edition)
    later = make_edition(year=2027, start=edition.ceremony_at + timedelta(days=60))
    invite(organiser, later)
    assert rsvp.purge_invitations(edition.ceremony_at - timedelta(seconds=1)) == 0
    assert rsvp.purge_invitations(edition.ceremony_at) == 1
    assert [invitation.edition_id for invitation in invitations(db_session)] == [later.id]


def test_a_persons_invitations_are_exported_erased_and_purged(organiser, edition, db_session, clock):
    from awards_app.privacy import personal_data

    token = invite(organiser, edition, "Jo.Bloggs@example.org", "Jo Bloggs")
    rsvp.answer_invitation(token, "yes", "A quiet room")
    # Someone else at the same address (the data is found by address: whoever holds it holds both).
    housemate = invite(organiser, edition, "jo.bloggs@example.org", "Sam Bloggs")
    invite(organiser, edition, "someone.else@example.org", "Someone Else")
    found = personal_data.find_personal_data("JO.BLOGGS@example.org")
    assert [invitation.name for invitation in found.invitations] == ["Jo Bloggs", "Sam Bloggs"]
    assert found.erasable == 2
    exported = personal_data.export_personal_data(found)["ceremony_invitations"]
    assert [(row["answer"], row["access_needs"], row["name"]) for row in exported] == [
        ("yes", "A quiet room", "Jo Bloggs"), (None, "", "Sam Bloggs")]

    counts = personal_data.erase_personal_data(organiser, "jo.bloggs@example.org", "Asked by email on 1 March")
    assert counts["ceremony_invitations"] == 2
    assert [invitation.email for invitation in invitations(db_session)] == ["someone.else@example.org"]
    for erased in (token, housemate):
        with pytest.raises(LinkProblem):
            rsvp.invitation_for_link(erased)

    # The daily purge deletes the rest once the ceremony is past the contact retention period.
    assert personal_data.purge_nomination_contacts(edition.ceremony_at + timedelta(days=29), 30) == 0
    assert len(invitations(db_session)) == 1
    personal_data.purge_nomination_contacts(edition.ceremony_at + timedelta(days=30), 30)
    assert invitations(db_session) == []
    event = db_session.scalars(select(AuditEvent).where(AuditEvent.action == "nominations.contacts_purged")).one()
    assert event.details["ceremony_invitations"] == 1
