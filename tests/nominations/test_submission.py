"""Sending a nomination: the window, spam checks, the reference, what is stored, the emails and the audit record."""
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from awards_app.core.links import LinkProblem
from awards_app.core.models import AuditEvent
from awards_app.nominations import drafts, submission
from awards_app.nominations.drafts import NominationsClosed
from awards_app.nominations.models import ConsentState, Nomination, NominationDraft, NominationStatus
from awards_app.nominations.submission import DraftIncomplete, SpamSuspected, submit_nomination
from awards_app.programme.models import NomineeKind
from tests.factories.nominations import make_nomination
from tests.factories.programme import START, make_category, make_edition

OPEN = START + timedelta(days=7)
REFERENCE = re.compile(r"^SMA26-[346789ACDEFGHJKMNPQRTUVWXY]{5}$")


@pytest.fixture
def category(db_session, clock):
    clock.set(OPEN)
    return make_category(make_edition(), "Individual Story of the Year", nominee_kind=NomineeKind.PERSON)


def finished_draft(category, nominee_email="morag@example.org"):
    """A draft with every step saved, started a minute ago."""
    draft = drafts.start_draft(category.edition)
    draft.started_at -= timedelta(minutes=1)
    drafts.choose_category(draft, str(category.id))
    drafts.save_nominee(draft, name="Morag <b>Fraser</b>", organisation="Fife Carers", local_authority="Fife",
                        email=nominee_email)
    drafts.save_answer(draft, category.questions[0], "She started a walking group.\n\nIt changed lives.")
    drafts.save_nominator(draft, name="Iain Brown", email="iain@example.org", relationship="Friend",
                          phone="07700 900982")
    drafts.save_privacy(draft, True)
    return draft


def test_a_finished_draft_becomes_a_nomination(category, db_session):
    draft = finished_draft(category)
    draft_id = draft.id
    nomination = submit_nomination(draft)
    db_session.commit()
    assert REFERENCE.match(nomination.reference)
    assert (nomination.nominee_name, nomination.nominee_organisation, nomination.local_authority) == (
        "Morag <b>Fraser</b>", "Fife Carers", "Fife")
    assert (nomination.nominator_name, nomination.nominator_email, nomination.nominator_relationship,
            nomination.nominator_phone) == ("Iain Brown", "iain@example.org", "Friend", "07700 900982")
    assert nomination.status is NominationStatus.RECEIVED
    assert nomination.category is category and nomination.edition is category.edition
    assert [answer.text for answer in nomination.answers] == ["She started a walking group.\n\nIt changed lives."]
    assert db_session.get(NominationDraft, draft_id) is None


def test_the_nominator_is_emailed_the_award_and_reference_and_the_nominee_is_asked(category, outbox, db_session):
    nomination = submit_nomination(finished_draft(category))
    db_session.commit()
    confirmation, consent = outbox()
    assert confirmation.to_address == "iain@example.org"
    assert nomination.reference in confirmation.subject and nomination.reference in confirmation.text_body
    assert category.name in confirmation.text_body and category.name in confirmation.html_body
    assert "What happens next".upper() in confirmation.text_body
    # The address is not verified, so neither email quotes anything the nominator typed (issue #14).
    for email in (confirmation, consent):
        assert "walking group" not in email.text_body + email.html_body
        assert "Fraser" not in email.text_body + email.html_body
    assert consent.to_address == "morag@example.org" and "/consent/" in consent.text_body
    assert nomination.consent is ConsentState.REQUESTED


def test_without_a_nominee_email_nobody_else_is_emailed(category, outbox, db_session):
    nomination = submit_nomination(finished_draft(category, nominee_email=""))
    db_session.commit()
    assert [email.to_address for email in outbox()] == ["iain@example.org"]
    assert nomination.nominee_email is None
    assert nomination.consent is ConsentState.NOT_REQUESTED
    assert "We will contact the nominee" in outbox()[0].text_body


def test_submission_is_audited(category, db_session):
    nomination = submit_nomination(finished_draft(category))
    event = db_session.scalar(select(AuditEvent).where(AuditEvent.action == "nomination.submitted"))
    assert event.subject_id == nomination.id and event.actor_id is None
    assert event.details["reference"] == nomination.reference
    assert event.details["seconds_to_fill"] >= 60


def test_references_are_unique_random_and_unambiguous(category, monkeypatch):
    taken = make_nomination(category, reference="SMA26-33333")
    choices = iter("33333" + "AAAAA")
    monkeypatch.setattr(submission.secrets, "choice", lambda alphabet: next(choices))
    assert submission.new_reference(category.edition) == "SMA26-AAAAA"
    assert taken.reference == "SMA26-33333"
    assert not set("015OILSZB2") & set(submission.REFERENCE_ALPHABET)


def test_many_references_are_all_different(category):
    references = {submission.new_reference(category.edition) for _ in range(200)}
    assert len(references) == 200 and all(REFERENCE.match(reference) for reference in references)


@pytest.mark.parametrize("moment", [START + timedelta(weeks=6), START + timedelta(weeks=6, days=3)])
def test_a_submission_after_the_close_is_refused_and_the_draft_kept(category, clock, db_session, moment):
    draft = finished_draft(category)
    clock.set(moment)
    with pytest.raises(NominationsClosed):
        submit_nomination(draft)
    assert db_session.get(NominationDraft, draft.id) is draft
    assert db_session.scalars(select(Nomination)).all() == []


def test_a_filled_honeypot_is_refused(category, db_session):
    draft = finished_draft(category)
    with pytest.raises(SpamSuspected) as caught:
        submit_nomination(draft, honeypot="http://spam.example")
    assert caught.value.reason == "honeypot"
    assert db_session.get(NominationDraft, draft.id) is draft
    assert submit_nomination(draft, honeypot="   ").reference


def test_a_submission_too_soon_after_starting_is_refused(category, clock, db_session):
    draft = finished_draft(category)
    draft.started_at = clock.now() - timedelta(seconds=submission.MIN_SECONDS_TO_FILL - 1)
    with pytest.raises(SpamSuspected) as caught:
        submit_nomination(draft)
    assert caught.value.reason == "too-fast"
    clock.advance(seconds=1)
    assert submit_nomination(draft).reference


def test_an_unfinished_draft_is_refused_naming_the_steps(category):
    draft = drafts.start_draft(category.edition)
    draft.started_at -= timedelta(minutes=5)
    drafts.choose_category(draft, str(category.id))
    with pytest.raises(DraftIncomplete) as caught:
        submit_nomination(draft)
    assert [step.name for step in caught.value.steps] == ["nominee", "question", "nominator", "privacy"]


def test_a_sent_drafts_resume_link_stops_working(category, outbox, db_session):
    draft = finished_draft(category)
    drafts.email_resume_link(draft, "iain@example.org")
    token = re.search(r"/nominate/resume/(\S+)", outbox()[-1].text_body).group(1)
    submit_nomination(draft)
    with pytest.raises(LinkProblem):
        drafts.draft_for_resume_link(token)


def test_a_nomination_is_found_by_its_reference(category):
    nomination = submit_nomination(finished_draft(category))
    assert submission.nomination_by_reference(nomination.reference) is nomination
    assert submission.nomination_by_reference("SMA26-NOPE") is None
    assert submission.nomination_by_reference(None) is None
