"""Correcting the nominee's email (review #15, finding 2): the consent link sent to the old (maybe a stranger's)
address stops working, and an answer given through it no longer counts; an answer the organisers recorded stays."""
import re

from sqlalchemy import select

from awards_app.core.models import AuditEvent
from awards_app.nominations.review import record_consent

from awards_app.core.links import LinkProblem
from awards_app.nominations.consent import request_consent, respond_to_consent
from awards_app.nominations.corrections import correct_nomination
from awards_app.nominations.models import ConsentState
from tests.factories.nominations import make_nomination
from tests.factories.programme import make_category, make_edition

STRANGER, NOMINEE = "jo.smith@example.org", "joanne.smith@example.org"


def test_the_strangers_consent_link_stops_working_once_the_address_is_corrected(db_session, clock, organiser, outbox):
    nomination = make_nomination(make_category(make_edition()), "Joanne Smith", nominee_email=STRANGER)
    request_consent(None, nomination)  # as on submission: the link goes to the stranger
    db_session.commit()
    token = re.search(r"/consent/(\S+)", outbox()[-1].text_body).group(1)
    correct_nomination(organiser, nomination, {"nominee_email": NOMINEE}, "Wrong address: Joanne, not Jo.")
    db_session.commit()
    try:
        respond_to_consent(token, accept=False)  # the stranger declines on Joanne's behalf
    except LinkProblem:
        return
    db_session.commit()
    raise AssertionError(f"stranger's link still decides Joanne's consent: {nomination.consent}")


def test_a_consent_given_by_the_wrong_address_does_not_stay_recorded(db_session, clock, organiser, outbox):
    nomination = make_nomination(make_category(make_edition()), "Joanne Smith", nominee_email=STRANGER)
    request_consent(None, nomination)
    db_session.commit()
    token = re.search(r"/consent/(\S+)", outbox()[-1].text_body).group(1)
    respond_to_consent(token, accept=True)  # the stranger clicked "yes"
    db_session.commit()
    correct_nomination(organiser, nomination, {"nominee_email": NOMINEE}, "Wrong address: Joanne, not Jo.")
    db_session.commit()
    assert nomination.consent is not ConsentState.GIVEN, "Joanne is recorded as consenting, on a stranger's click"


def test_a_declined_answer_through_the_link_and_a_waiting_request_go_back_to_not_requested(
        db_session, clock, organiser, outbox):
    answered = make_nomination(make_category(make_edition()), "Joanne Smith", nominee_email=STRANGER)
    waiting = make_nomination(answered.category, "Ann Other", nominee_email="ann.othr@example.org")
    request_consent(None, answered)
    token = re.search(r"/consent/(\S+)", outbox()[-1].text_body).group(1)
    request_consent(None, waiting)
    db_session.commit()
    respond_to_consent(token, accept=False)
    db_session.commit()
    correct_nomination(organiser, answered, {"nominee_email": NOMINEE}, "Wrong address: Joanne, not Jo.")
    correct_nomination(organiser, waiting, {"nominee_email": "ann.other@example.org"}, "Typo in the address.")
    db_session.commit()
    assert (answered.consent, answered.consent_recorded_at, answered.consent_note) == (
        ConsentState.NOT_REQUESTED, None, "")
    assert waiting.consent is ConsentState.NOT_REQUESTED
    resets = db_session.scalars(select(AuditEvent).where(AuditEvent.action == "consent.reset")).all()
    assert [event.details["was"] for event in resets] == ["declined", "requested"]


def test_an_answer_the_organisers_recorded_stays_when_the_address_is_corrected(db_session, clock, organiser):
    nomination = make_nomination(make_category(make_edition()), "Joanne Smith", nominee_email=STRANGER)
    record_consent(organiser, nomination, True, "Joanne said yes by phone to Jo, 3 March")
    correct_nomination(organiser, nomination, {"nominee_email": NOMINEE}, "Wrong address: Joanne, not Jo.")
    db_session.commit()
    assert nomination.consent is ConsentState.GIVEN
    assert nomination.consent_note == "Joanne said yes by phone to Jo, 3 March"


def test_correcting_another_field_keeps_the_link_and_the_answer(db_session, clock, organiser, outbox):
    nomination = make_nomination(make_category(make_edition()), "Joanne Smth", nominee_email=NOMINEE)
    request_consent(None, nomination)
    db_session.commit()
    token = re.search(r"/consent/(\S+)", outbox()[-1].text_body).group(1)
    correct_nomination(organiser, nomination, {"nominee_name": "Joanne Smith"}, "Typo in the surname.")
    db_session.commit()
    respond_to_consent(token, accept=True)
    db_session.commit()
    assert nomination.consent is ConsentState.GIVEN
