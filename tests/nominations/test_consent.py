"""Asking a nominee for consent by email, and the organisers recording an answer given another way."""
import pytest

from awards_app.core.errors import DomainError, NotAllowed
from awards_app.core.models import AuditEvent
from awards_app.nominations.consent import request_consent
from awards_app.nominations.models import ConsentState
from awards_app.nominations.review import record_consent
from tests.factories.nominations import make_nomination
from tests.factories.programme import make_category, make_edition


@pytest.fixture
def nomination(db_session, clock):
    return make_nomination(make_category(make_edition()))


def test_request_emails_the_nominee(nomination, outbox, db_session):
    request_consent(None, nomination)
    db_session.commit()
    email = outbox()[-1]
    assert email.to_address == "morag@example.org"
    assert "Self Management Project of the Year" in email.text_body
    assert nomination.consent is ConsentState.REQUESTED


def test_no_address_no_request(nomination):
    nomination.nominee_email = None
    with pytest.raises(DomainError):
        request_consent(None, nomination)


def test_staff_record_consent_by_phone(nomination, organiser, db_session):
    record_consent(organiser, nomination, given=True, note="By phone to Jo, 3 March")
    db_session.flush()
    assert nomination.consent is ConsentState.GIVEN
    assert db_session.query(AuditEvent).filter_by(action="consent.recorded").count() == 1
    with pytest.raises(DomainError):
        record_consent(organiser, nomination, given=False, note="  ")
    with pytest.raises(NotAllowed):
        record_consent(None, nomination, given=True, note="x")
