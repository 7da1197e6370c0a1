"""Saving, previewing and sending a message: once per person through the outbox, never twice, asking before the same
subject goes to someone again, the embargo before the shortlist is out, per-recipient delivery, the audit log."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from awards_app.accounts.models import User
from awards_app.core.errors import DomainError, NotAllowed
from awards_app.core.models import AuditEvent, OutboxStatus
from awards_app.messaging import messages
from awards_app.messaging.models import Message, MessageRecipient
from awards_app.privacy import personal_data
from awards_app.web.template_helpers import format_date
from tests.messaging.site import messaging_site, nominator_address, nominee_address

BODY = "Dear {name},\n\nThank you for nominating {nominee} ({reference}) for {category}."


@pytest.fixture
def site(db_session, clock, organiser):
    site = messaging_site(organiser)
    site.organiser = organiser
    return site


def draft(site, segment="shortlisted.nominators", subject="About {nominee}", body=BODY, category=None):
    return messages.save_message(site.organiser, site.edition, segment, category, subject, body)


def test_saving_checks_the_text_and_audits(site, db_session):
    with pytest.raises(DomainError) as refusal:
        draft(site, body="Dear {nmae}")
    assert refusal.value.field == "body" and "{nmae}" in refusal.value.message
    with pytest.raises(DomainError) as refusal:
        draft(site, subject="   ")
    assert refusal.value.field == "subject"
    message = draft(site)
    assert db_session.scalar(select(AuditEvent).where(AuditEvent.action == "message.saved")).subject_id == message.id


def test_only_organisers_save_and_send(site):
    judge: User = site.judges[0]
    with pytest.raises(NotAllowed):
        messages.save_message(judge, site.edition, "shortlisted.nominees", None, "Hello", "Hello {name}")
    message = draft(site)
    with pytest.raises(NotAllowed):
        messages.send_message(judge, message)


def test_preview_shows_the_chosen_real_recipient(site):
    message = draft(site)
    rendered, people = messages.preview(message, "nominator-%d" % site.hamish.id)
    assert len(people) == 3
    assert rendered.person.name == "Hamish's Nominator"
    assert rendered.subject == "About Hamish MacLeod"
    assert site.hamish.reference in rendered.body and site.morag.reference not in rendered.body
    first, _ = messages.preview(message, "nobody-1")
    assert first.person.name == "Morag's Nominator"


def test_sending_queues_one_email_per_person_with_their_own_details(site, outbox):
    message = draft(site)
    rows = messages.send_message(site.organiser, message)
    emails = outbox()
    assert sorted(email.to_address for email in emails) == sorted(
        nominator_address(key) for key in ("morag", "hamish", "ailsa"))
    hamish = next(email for email in emails if email.to_address == nominator_address("hamish"))
    assert hamish.subject == "About Hamish MacLeod"
    assert site.hamish.reference in hamish.text_body and site.morag.reference not in hamish.text_body
    assert all(row.outbox_email_id for row in rows)
    assert message.sent_at is not None and message.sent_by_id == site.organiser.id


def test_a_message_is_sent_once(site, outbox):
    message = draft(site)
    messages.send_message(site.organiser, message)
    with pytest.raises(DomainError) as refusal:
        messages.send_message(site.organiser, message)
    assert "cannot be changed or sent again" in refusal.value.message
    assert len(outbox()) == 3


def test_a_sent_message_cannot_be_edited(site):
    message = draft(site)
    messages.send_message(site.organiser, message)
    with pytest.raises(DomainError):
        messages.save_message(site.organiser, site.edition, message.segment, None, "x", "y", message)


def test_the_same_subject_to_the_same_people_asks_first(site, outbox):
    messages.send_message(site.organiser, draft(site, subject="Good news"))
    again = draft(site, segment="vote_finalists.nominators", subject=" good news ")
    with pytest.raises(messages.RepeatNeedsConfirming) as refusal:
        messages.send_message(site.organiser, again)
    assert refusal.value.people == 3 and "3 people" in refusal.value.message
    assert again.sent_at is None and len(outbox()) == 3
    messages.send_message(site.organiser, again, send_again=True)
    assert len(outbox()) == 6


def test_people_without_an_address_are_kept_and_shown_as_not_sent(site, db_session, outbox):
    site.hamish.nominee_email = None
    db_session.flush()
    message = draft(site, segment="shortlisted.nominees", subject="You are on the shortlist", body="Dear {name}")
    messages.send_message(site.organiser, message)
    states = {row.recipient.name: (row.state, row.recipient.not_sent_reason) for row in messages.delivery(message)}
    assert states["Hamish MacLeod"] == (messages.NOT_SENT, "no address")
    assert states["Morag Fraser"] == (messages.WAITING, "")
    assert [email.to_address for email in outbox()] == [nominee_address("morag"), nominee_address("ailsa")]


def test_delivery_follows_the_outbox_even_after_its_address_is_removed(site, db_session, outbox):
    message = draft(site)
    messages.send_message(site.organiser, message)
    first, second, _ = outbox()
    first.status, first.to_address = OutboxStatus.SENT, ""
    second.status = OutboxStatus.FAILED
    db_session.flush()
    rows = messages.delivery(message)
    assert [row.state for row in rows] == [messages.SENT, messages.FAILED, messages.WAITING]
    assert rows[0].recipient.email == nominator_address("morag")  # kept here, whatever the outbox forgets


def test_delivery_stays_true_after_the_outbox_deletes_its_emails(site, db_session, outbox, clock):
    message = draft(site)
    messages.send_message(site.organiser, message)
    first, second, _ = outbox()
    first.status, first.sent_at = OutboxStatus.SENT, clock.now()
    second.status = OutboxStatus.FAILED
    db_session.flush()
    clock.advance(days=30)
    assert personal_data.purge_outbox() == 2  # the sent and the failed one; the waiting one stays
    db_session.expire_all()
    assert [row.state for row in messages.delivery(message)] == [messages.SENT, messages.FAILED, messages.WAITING]


def test_nobody_reachable_is_refused(site, db_session):
    for entry in (site.morag, site.hamish, site.ailsa):
        entry.nominee_email = None
    db_session.flush()
    message = draft(site, segment="shortlisted.nominees", subject="Hi", body="Dear {name}")
    with pytest.raises(DomainError):
        messages.send_message(site.organiser, message)
    assert message.sent_at is None


def test_the_embargo_before_the_shortlist_is_published(site, db_session, outbox):
    assert site.edition.shortlist_published_at is None
    message = draft(site)
    line = messages.embargo_line(message)
    assert line.startswith("Please keep this to yourself until the shortlist is announced on ")
    messages.send_message(site.organiser, message)
    assert all(line in email.text_body and line in email.html_body for email in outbox())
    judges = draft(site, segment="panel.judges", category=site.category, subject="Thanks", body="Dear {name}")
    assert messages.embargo_line(judges) == ""


def test_a_shortlist_scheduled_for_later_is_still_under_embargo(site, clock, db_session, outbox):
    # publish_shortlist(at=a later moment) stores that moment: until it comes the shortlist is not public.
    moment = clock.now() + timedelta(days=3)
    site.edition.shortlist_published_at = moment
    db_session.flush()
    messages.send_message(site.organiser, draft(site))
    line = f"until the shortlist is announced on {format_date(moment, site.edition.timezone)}."
    assert outbox() and all(line in email.text_body for email in outbox())


def test_the_same_subject_asks_first_even_after_the_outbox_deleted_the_emails(site, db_session, outbox, clock):
    messages.send_message(site.organiser, draft(site, subject="Good news"))
    for email in outbox():
        email.status, email.sent_at = OutboxStatus.SENT, clock.now()
    db_session.flush()
    clock.advance(days=8)
    assert personal_data.purge_outbox() == 3
    db_session.expire_all()
    with pytest.raises(messages.RepeatNeedsConfirming):
        messages.send_message(site.organiser, draft(site, subject="Good news"))


def test_no_embargo_once_the_shortlist_is_published(site, clock, db_session):
    site.edition.shortlist_published_at = clock.now()
    db_session.flush()
    assert messages.embargo_line(draft(site)) == ""


def test_hostile_names_are_escaped_in_the_html_part(site, db_session, outbox):
    site.morag.nominator_name = "<script>alert('x')</script> {{ 7*7 }}"
    db_session.flush()
    messages.send_message(site.organiser, draft(site, subject="Hello {name}"))
    email = next(email for email in outbox() if email.to_address == nominator_address("morag"))
    assert "<script>" not in email.html_body and "&lt;script&gt;" in email.html_body
    assert "{{ 7*7 }}" in email.text_body and "49" not in email.text_body
    assert email.subject == "Hello <script>alert('x')</script> {{ 7*7 }}"


def test_sending_is_audited_without_addresses(site, db_session):
    message = draft(site)
    messages.send_message(site.organiser, message)
    event = db_session.scalar(select(AuditEvent).where(AuditEvent.action == "message.sent"))
    assert event.subject_id == message.id and event.details["queued"] == 3 and event.details["not_sent"] == 0
    assert "example.org" not in str(event.details)
    assert db_session.scalar(select(MessageRecipient.id).where(MessageRecipient.message_id == message.id))


def test_a_second_request_that_loaded_the_draft_before_the_first_sent_it_sends_nothing(site, db_session, clock, outbox):
    message = draft(site)
    # Another request sends it after this one loaded the draft: only the database knows (the object is stale).
    db_session.execute(update(Message).where(Message.id == message.id).values(sent_at=clock.now()),
                       execution_options={"synchronize_session": False})
    assert message.sent_at is None
    with pytest.raises(DomainError) as refusal:
        messages.send_message(site.organiser, message)
    assert "cannot be changed or sent again" in refusal.value.message
    assert outbox() == []


def test_a_subject_filled_with_long_names_is_cut_to_fit_and_reaches_everyone(site, db_session, outbox):
    """Two 199-character nominee names joined into one subject must not stop the message for the whole segment."""
    from tests.factories.nominations import make_nomination
    from awards_app.nominations.models import ConsentState

    for name in ("A" * 199, "B" * 199):
        entry = make_nomination(site.category, name, nominator_email="one.person@example.org",
                                consent=ConsentState.GIVEN)
        entry.status = site.eilidh.status
    db_session.flush()
    message = messages.save_message(site.organiser, site.edition, "not_shortlisted.nominators", site.category,
                                    "Your nomination of {nominee}: {category}", "Dear {name}")
    messages.send_message(site.organiser, message)
    db_session.commit()  # on PostgreSQL a subject over the column's 300 characters failed here, for everyone
    subjects = {email.to_address: email.subject for email in outbox()}
    assert len(subjects) == 2 and nominator_address("eilidh") in subjects
    long_one = subjects["one.person@example.org"]
    assert len(long_one) <= 300 and long_one.startswith("Your nomination of " + "A" * 199)
    assert long_one.endswith("…")


@pytest.mark.parametrize("text, fits", [
    ("short", "short"), ("one two three four", "one two…"), ("x" * 20, "x" * 9 + "…"), ("one, twothree", "one…"),
])
def test_within_cuts_at_a_word(text, fits):
    assert messages._within(text, 10) == fits


def test_a_share_link_before_the_finalists_pages_are_public_is_refused(site, db_session, outbox):
    assert site.edition.shortlist_published_at is None
    message = messages.save_message(site.organiser, site.edition, "vote_finalists.nominees", None,
                                    "The public vote", "Share your page: {share_link}")
    assert "{share_link}" in messages.sending_problem(message) and "send it after that" in messages.sending_problem(
        message)
    with pytest.raises(DomainError, match="finalists' own pages open only when the shortlist is announced"):
        messages.send_message(site.organiser, message)
    assert outbox() == []


def test_a_share_link_is_only_ever_a_page_the_public_can_open(site, db_session, outbox, clock, client):
    import re

    from awards_app.core import clock as app_clock
    from awards_app.nominations.models import ConsentState

    site.edition.shortlist_published_at = app_clock.now() - timedelta(minutes=1)
    site.hamish.consent = ConsentState.DECLINED  # withdrew after the shortlist was published
    db_session.flush()
    message = messages.save_message(site.organiser, site.edition, "vote_finalists.nominees", None,
                                    "Share", "Dear {name}, share {nominee}: {share_link}")
    messages.send_message(site.organiser, message)
    db_session.commit()
    links = re.findall(r"http://awards\.test(/finalists/\d+)", " ".join(email.text_body for email in outbox()))
    assert len(links) == 2 and all(client.get(link).status_code == 200 for link in links)
    assert nominee_address("hamish") not in {email.to_address for email in outbox()}


def test_judges_whose_accounts_are_switched_off_are_not_written_to(site, db_session, outbox):
    from awards_app.messaging import segments

    judge = site.judges[0]
    judge.active = False
    db_session.flush()
    message = messages.save_message(site.organiser, site.edition, "panel.judges", site.category,
                                    "Final round", "Dear {name}, sign in: {link}")
    messages.send_message(site.organiser, message)
    assert judge.email not in {email.to_address for email in outbox()}
    rows = {row.name: row for row in message.recipients}
    assert rows[judge.name or judge.email].not_sent_reason == segments.ACCOUNT_OFF


def test_the_html_part_keeps_paragraphs_and_line_breaks_in_every_mail_program(site, db_session, outbox):
    """Outlook ignores CSS white-space, so breaks are <p> and <br>; what the organiser typed is still escaped."""
    body = "Dear {name},\n\nLine one\r\nline <two>\n\n\n\nKind regards,\nThe team"
    messages.send_message(site.organiser, draft(site, body=body))
    email = next(email for email in outbox() if email.to_address == nominator_address("morag"))
    assert "pre-line" not in email.html_body
    assert ">Dear Morag&#39;s Nominator,</p>" in email.html_body
    assert ">Line one<br>line &lt;two&gt;</p>" in email.html_body
    assert ">Kind regards,<br>The team</p>" in email.html_body


@pytest.mark.parametrize("text, expected", [
    ("", []), ("one", [["one"]]), ("a\nb\n\nc", [["a", "b"], ["c"]]), ("a\r\n\r\n  \r\nb", [["a"], ["b"]]),
])
def test_paragraphs(text, expected):
    from awards_app.web.template_helpers import paragraphs

    assert paragraphs(text) == expected
