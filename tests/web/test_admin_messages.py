"""The organisers' message pages through the test client: only organisers, 404s, a new message from a starting point,
refusals that keep what was typed (unknown field, no category, bad category), the preview as a chosen recipient with
the count and hostile names escaped, sending once (the second press refused), the repeat question, the delivery."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from awards_app.ceremony.models import CeremonyInvitation
from awards_app.messaging.models import Message
from tests.factories.accounts import JUDGE_PASSWORD, make_judge
from tests.factories.judging import seat
from tests.factories.programme import make_category, make_edition
from tests.messaging.site import messaging_site, nominator_address
from tests.web.forms import post_form, sign_in
from tests.web.test_admin_judging import text_of


@pytest.fixture
def site(db_session, clock, organiser):
    site = messaging_site(organiser)
    site.elsewhere = make_category(make_edition(year=2025), name="Elsewhere")
    db_session.commit()
    site.list = f"/admin/editions/{site.edition.id}/messages"
    site.new = f"/admin/editions/{site.edition.id}/messages/new"
    return site


def new_message(client, site, **fields):
    data = {"segment": "not_shortlisted.nominators", "category": str(site.category.id),
            "subject": "Your nomination of {nominee}", "body": "Dear {name}, thank you ({reference}).", **fields}
    return post_form(client, site.new, data)


def send_fields(page: str) -> dict[str, str]:
    """The hidden fields of a preview page's Send form: its CSRF token and the fingerprint of what it previewed."""
    return dict(re.findall(r'<input[^>]*name="(csrf_token|previewed)"[^>]*value="([^"]*)"', page))


def send_from_preview(client, message_id: int, data: dict | None = None, preview: str | None = None):
    """Press Send on the message's preview page, as a browser would: with its CSRF token and what it previewed."""
    page = client.get(preview or f"/admin/messages/{message_id}/preview").get_data(as_text=True)
    return client.post(f"/admin/messages/{message_id}/send", data={**send_fields(page), **(data or {})})


def saved(db_session) -> Message:
    return db_session.scalars(select(Message).order_by(Message.id.desc())).first()


def test_visitors_and_judges_are_kept_out(client, site, db_session, outbox):
    for url in (site.list, site.new):
        response = client.get(url)
        assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in")
    judge = make_judge("panel.judge@example.org", "Panel Judge", password=JUDGE_PASSWORD)
    seat(judge, site.category)
    db_session.commit()
    sign_in(client, judge.email)
    assert client.get(site.list).status_code == 403
    assert client.get(site.new).status_code == 403
    assert outbox() == []


def test_unknown_edition_and_message_are_404(organiser_client, site):
    assert organiser_client.get("/admin/editions/999999/messages").status_code == 404
    assert organiser_client.get("/admin/messages/999999/preview").status_code == 404
    assert organiser_client.get("/admin/messages/999999").status_code == 404


def test_the_list_offers_each_starting_point_and_the_edition_links_to_it(organiser_client, site):
    page = text_of(organiser_client.get(site.list))
    for label in ("Shortlisted (to nominees)", "Not shortlisted (to nominators)", "Ceremony invitation",
                  "Finalist in the public vote", "Winner (after the reveal)", "Highly commended (after the reveal)"):
        assert label in page
    assert site.list in organiser_client.get(f"/admin/editions/{site.edition.id}").get_data(as_text=True)


def test_the_list_and_the_edition_page_hold_each_id_once(organiser_client, site):
    # The layout's flash messages are id="messages": a heading of the same id broke the page (and its browser test).
    for url in (site.list, f"/admin/editions/{site.edition.id}"):
        ids = re.findall(r'\sid="([^"]+)"', organiser_client.get(url).get_data(as_text=True))
        assert len(ids) == len(set(ids)), [found for found in set(ids) if ids.count(found) > 1]


def test_a_starting_point_fills_in_the_form(organiser_client, site):
    page = organiser_client.get(site.new + "?start=not_shortlisted").get_data(as_text=True)
    assert '<option selected value="not_shortlisted.nominators">' in page
    assert "Thank you for nominating {nominee}" in page
    assert "{share_link}" in page and "{rsvp_link}" in page  # the field help


def test_an_unknown_field_is_refused_naming_it_and_keeps_the_text(organiser_client, site, db_session):
    response = new_message(organiser_client, site, body="Dear {nmae}, hello")
    assert response.status_code == 422
    page = text_of(response)
    assert "Error:" in page and "{nmae}" in page and "Dear {nmae}, hello" in page
    assert saved(db_session) is None


def test_a_segment_that_needs_a_category_says_so(organiser_client, site, db_session):
    response = new_message(organiser_client, site, segment="panel.judges", category="", body="Dear {name}")
    assert response.status_code == 422 and "Choose the category" in text_of(response)


def test_another_editions_category_or_rubbish_is_404_not_500(organiser_client, site):
    assert new_message(organiser_client, site, category=str(site.elsewhere.id)).status_code == 404
    assert new_message(organiser_client, site, category="abc").status_code == 404
    response = new_message(organiser_client, site, segment="everyone")
    assert response.status_code == 422 and "Choose who the message is for" in text_of(response)


def test_preview_as_a_chosen_recipient_with_the_count(organiser_client, site, db_session):
    site.eilidh.nominator_name = "<script>alert(1)</script>"
    db_session.commit()
    response = new_message(organiser_client, site, segment="shortlisted.nominators", category="")
    assert response.status_code == 303
    message = saved(db_session)
    page = organiser_client.get(f"/admin/messages/{message.id}/preview?recipient=nominator-{site.hamish.id}")
    text = text_of(page)
    assert "goes to 3 people" in text
    assert "Your nomination of Hamish MacLeod" in text and site.hamish.reference in text
    assert site.morag.reference + ")." not in text.split("will get")[1]
    assert "Please keep this to yourself until the shortlist is announced on" in text
    not_shortlisted = new_message(organiser_client, site)
    preview = organiser_client.get(not_shortlisted.headers["Location"]).get_data(as_text=True)
    assert "<script>alert(1)</script>" not in preview and "&lt;script&gt;alert(1)&lt;/script&gt;" in preview


def test_people_who_cannot_be_written_to_are_listed(organiser_client, site, db_session):
    site.hamish.nominee_email = None
    db_session.commit()
    new_message(organiser_client, site, segment="all_entries.nominees", body="Dear {name}")
    text = text_of(organiser_client.get(f"/admin/messages/{saved(db_session).id}/preview"))
    assert "goes to 3 people" in text  # Morag, Ailsa, Eilidh
    assert "Hamish MacLeod (nominee, " in text and "no address" in text
    assert "Callum Baird (nominee, " in text and "declined to take part" in text


def test_sending_once_then_the_delivery(organiser_client, site, db_session, outbox):
    new_message(organiser_client, site)
    message = saved(db_session)
    send = f"/admin/messages/{message.id}/send"
    page = organiser_client.get(f"/admin/messages/{message.id}/preview").get_data(as_text=True)
    fields = send_fields(page)
    assert set(fields) == {"csrf_token", "previewed"}
    response = organiser_client.post(send, data=fields)
    assert response.status_code == 303 and response.headers["Location"] == f"/admin/messages/{message.id}"
    assert [email.to_address for email in outbox()] == [nominator_address("eilidh")]
    again = organiser_client.post(send, data=fields, follow_redirects=True)
    assert "cannot be changed or sent again" in text_of(again)
    assert len(outbox()) == 1
    delivery = text_of(organiser_client.get(f"/admin/messages/{message.id}"))
    assert "Waiting: 1" in delivery and "Eilidh's Nominator" in delivery
    edit = organiser_client.get(f"/admin/messages/{message.id}/edit")
    assert edit.status_code == 303 and edit.headers["Location"] == f"/admin/messages/{message.id}"


def test_an_invitation_previews_without_making_links_and_sends_each_their_own(organiser_client, site, db_session,
                                                                               outbox):
    assert new_message(organiser_client, site, body="Please answer: {rsvp_link}").status_code == 303
    message = saved(db_session)
    preview = text_of(organiser_client.get(f"/admin/messages/{message.id}/preview"))
    assert "made when the message is sent" in preview
    assert db_session.scalar(select(func.count(CeremonyInvitation.id))) == 0
    response = send_from_preview(organiser_client, message.id, preview=f"/admin/messages/{message.id}/preview?x=1")
    assert response.status_code == 303
    links = [email.text_body.split("Please answer: ", 1)[1].split()[0] for email in outbox()]
    assert len(links) == len(set(links)) == db_session.scalar(select(func.count(CeremonyInvitation.id))) > 0


def test_the_same_subject_again_asks_before_sending(organiser_client, site, db_session, outbox):
    new_message(organiser_client, site, subject="Thank you")
    first = saved(db_session)
    send_from_preview(organiser_client, first.id)
    new_message(organiser_client, site, subject="Thank you")
    second = saved(db_session)
    preview = f"/admin/messages/{second.id}/preview"
    assert "1 person in this group already received" in text_of(organiser_client.get(preview))
    refused = send_from_preview(organiser_client, second.id)
    assert refused.status_code == 409 and "Error:" in text_of(refused) and len(outbox()) == 1
    sent = send_from_preview(organiser_client, second.id, {"send_again": "y"})
    assert sent.status_code == 303 and len(outbox()) == 2


def test_the_delivery_refreshes_itself_while_emails_wait_and_stops_when_none_do(organiser_client, site, db_session,
                                                                               outbox):
    from awards_app.core.models import OutboxEmail, OutboxStatus

    new_message(organiser_client, site)
    message = saved(db_session)
    send_from_preview(organiser_client, message.id)
    page = organiser_client.get(f"/admin/messages/{message.id}").get_data(as_text=True)
    assert f'hx-get="/admin/messages/{message.id}"' in page and 'hx-trigger="every 5s"' in page
    for email in db_session.scalars(select(OutboxEmail)):
        email.status = OutboxStatus.SENT
    db_session.commit()
    fragment = organiser_client.get(f"/admin/messages/{message.id}", headers={"HX-Request": "true"})
    text = fragment.get_data(as_text=True)
    assert "<html" not in text and "hx-trigger" not in text  # nothing waits, so the page stops asking
    # The counts change inside the page's own live region (kept in the page, so screen readers announce it).
    assert re.search(r'<span id="delivery-counts" hx-swap-oob="innerHTML">Sent: 1\. Waiting: 0\.', text)
    assert '<p id="delivery-counts" role="status">Sent: 0. Waiting: 1.' in page


def test_send_refuses_a_message_changed_since_its_preview(organiser_client, site, db_session, outbox):
    new_message(organiser_client, site, segment="shortlisted.nominators", category="", subject="Congratulations")
    message = saved(db_session)
    page = organiser_client.get(f"/admin/messages/{message.id}/preview").get_data(as_text=True)
    fields = send_fields(page)
    assert "Send to 3 people" in page
    # Meanwhile, in another tab, the same draft is turned into another message for other people.
    post_form(organiser_client, f"/admin/messages/{message.id}/edit",
              {"segment": "all_entries.nominators", "category": str(site.category.id), "subject": "Sorry",
               "body": "Dear {name}, not this time."})
    refused = organiser_client.post(f"/admin/messages/{message.id}/send", data=fields)
    assert refused.status_code == 409 and outbox() == []
    assert "changed after this preview was shown, so nothing was sent" in text_of(refused)
    assert "Sorry" in text_of(refused)  # the preview shown again is of the message as it is now
    tampered = organiser_client.post(f"/admin/messages/{message.id}/send",
                                     data={**fields, "previewed": ""})
    assert tampered.status_code == 409 and outbox() == []
    assert send_from_preview(organiser_client, message.id).status_code == 303  # sent once it is seen again
    assert {email.subject for email in outbox()} == {"Sorry"}


@pytest.mark.parametrize("value", ["\u00b2", "99999999999999999999", "-1", "1e3"])
def test_a_category_in_other_digits_or_too_large_is_not_found_never_a_500(organiser_client, site, value):
    response = new_message(organiser_client, site, category=value)
    assert response.status_code == 404
