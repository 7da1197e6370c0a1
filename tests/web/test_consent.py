"""Nominee consent through the emailed link: opening changes nothing, a button answers, the link works once."""
import re

import pytest

from awards_app.nominations.consent import request_consent
from awards_app.nominations.models import ConsentState
from tests.factories.nominations import make_nomination
from tests.factories.programme import make_category, make_edition
from tests.web.forms import csrf_token_from


@pytest.fixture
def nomination(db_session, clock):
    return make_nomination(make_category(make_edition()))


def consent_path(outbox) -> str:
    email = outbox()[-1]
    url = re.search(r"http://awards\.test(/consent/\S+)", email.text_body).group(1)
    assert url in email.html_body
    return url


def answer(client, path, choice):
    return client.post(path, data={"csrf_token": csrf_token_from(client, path), "answer": choice})


def test_opening_the_link_changes_nothing(client, nomination, outbox, db_session):
    request_consent(None, nomination)
    db_session.commit()
    path = consent_path(outbox)
    for _ in range(3):  # a mail scanner, a preview, the person
        page = client.get(path)
        assert page.status_code == 200
        assert "Accept the nomination" in page.get_data(as_text=True)
    assert nomination.consent is ConsentState.REQUESTED


@pytest.mark.parametrize(("choice", "state", "heading"), [("accept", ConsentState.GIVEN, "you have accepted"), ("decline", ConsentState.DECLINED, "You have declined")])
def test_a_button_records_the_answer_once(client, nomination, outbox, db_session, choice, state, heading):
    request_consent(None, nomination)
    db_session.commit()
    path = consent_path(outbox)
    response = answer(client, path, choice)
    assert response.status_code == 200
    assert heading in response.get_data(as_text=True)
    db_session.refresh(nomination)
    assert nomination.consent is state
    again = client.get(path)
    assert again.status_code == 409
    assert "already been used" in again.get_data(as_text=True)


def test_a_resend_replaces_the_old_link(client, nomination, outbox, db_session, organiser):
    request_consent(None, nomination)
    db_session.commit()
    old = consent_path(outbox)
    request_consent(organiser, nomination)
    db_session.commit()
    assert "newer link" in client.get(old).get_data(as_text=True)
    assert client.get(consent_path(outbox)).status_code == 200


def test_an_expired_link_explains_what_to_do(client, nomination, outbox, db_session, clock):
    request_consent(None, nomination)
    db_session.commit()
    path = consent_path(outbox)
    clock.advance(days=31)
    page = client.get(path)
    assert page.status_code == 410
    assert "expired" in page.get_data(as_text=True) and "contact the awards team" in page.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/consent/nonsense", "/consent/" + "x" * 600])
def test_a_tampered_link_is_explained(client, path):
    page = client.get(path)
    assert page.status_code == 404


def test_a_strange_answer_is_refused(client, nomination, outbox, db_session):
    request_consent(None, nomination)
    db_session.commit()
    path = consent_path(outbox)
    assert answer(client, path, "maybe").status_code == 400
    assert nomination.consent is ConsentState.REQUESTED
