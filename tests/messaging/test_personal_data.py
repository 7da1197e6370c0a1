"""Messages and one person's data: a recipient's address is found, exported and erased on request, and forgotten by
the purge some days after the ceremony; the message's counts stay true."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from awards_app.messaging import messages
from awards_app.messaging.models import MessageRecipient
from awards_app.privacy import personal_data
from tests.messaging.site import messaging_site, nominator_address


@pytest.fixture
def sent(db_session, clock, organiser):
    """A message sent to the shortlisted entries' nominators."""
    site = messaging_site(organiser)
    message = messages.save_message(organiser, site.edition, "shortlisted.nominators", None, "News", "Dear {name}")
    messages.send_message(organiser, message)
    site.message = message
    return site


def recipients(db_session, message) -> list[MessageRecipient]:
    return list(db_session.scalars(select(MessageRecipient).where(MessageRecipient.message_id == message.id)))


def test_a_recipient_is_found_exported_and_erased(sent, organiser, db_session):
    address = nominator_address("morag").upper()
    found = personal_data.find_personal_data(address)
    assert [row.message_id for row in found.messages] == [sent.message.id]
    exported = personal_data.export_personal_data(found)
    assert exported["messages_received"][0]["subject"] == "News"
    before = len(recipients(db_session, sent.message))
    counts = personal_data.erase_personal_data(organiser, address, "Asked by email")
    assert counts["messages_received"] == 1
    assert personal_data.find_personal_data(address).messages == []
    rows = recipients(db_session, sent.message)
    assert len(rows) == before  # the message still went to as many people
    assert [(row.email, row.name) for row in rows if row.name == messages.ERASED_NAME] == [(None, messages.ERASED_NAME)]


def test_the_purge_forgets_recipients_after_the_ceremony(sent, db_session, clock):
    personal_data.purge_nomination_contacts()  # before the ceremony: nothing is forgotten yet
    assert all(row.email for row in recipients(db_session, sent.message) if row.outbox_email_id)
    clock.set(sent.edition.ceremony_at + timedelta(days=365))
    personal_data.purge_nomination_contacts()
    assert all(row.email is None for row in recipients(db_session, sent.message))
