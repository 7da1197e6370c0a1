"""The RSVP pages: the invitee's page in each state, link problems, errors, the rate limit; the organisers' list and
CSV, and who may see them."""
from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from awards_app.ceremony import rsvp
from awards_app.ceremony.models import CeremonyInvitation
from tests.factories.programme import make_edition
from tests.web.forms import csrf_token_from


@pytest.fixture
def edition(db_session, clock):
    """An edition whose ceremony is at 6pm on Monday 4 May 2026 (7pm in Edinburgh), two months after now."""
    return make_edition(venue="Assembly Rooms, Edinburgh")


@pytest.fixture
def path(organiser, edition, db_session) -> str:
    """The path of a fresh RSVP link for Jo Bloggs."""
    link = rsvp.invitation_link(organiser, edition, "jo.bloggs@example.org", "Jo Bloggs")
    db_session.commit()
    return re.sub(r"^https?://[^/]+", "", link)


def text_of(response) -> str:
    return response.get_data(as_text=True)


def answer(client, path, **fields):
    """Post the RSVP form with its CSRF token."""
    return client.post(path, data={"csrf_token": csrf_token_from(client, path), **fields})


def stored(db_session) -> CeremonyInvitation:
    db_session.expire_all()
    return db_session.scalar(select(CeremonyInvitation))


def test_the_page_shows_the_ceremony_and_asks_without_changing_anything(client, path, db_session):
    for _ in range(2):  # a mail scanner, then the person
        page = client.get(path)
        assert page.status_code == 200
        assert page.headers["Cache-Control"] == "no-store"
        body = text_of(page)
        assert "7pm on Monday 4 May 2026" in body and "Assembly Rooms, Edinburgh" in body
        assert "Dear Jo Bloggs" in body and "You have not answered yet." in body
        assert '<legend class="fieldset__legend">' in body and "Will you come?" in body
        assert "Tell us about any access needs (optional)" in body
    assert stored(db_session).answer is None


def test_answering_yes_then_changing_to_no(client, path, db_session):
    response = answer(client, path, answer="yes", access_needs="Step-free access <b>please</b>")
    assert response.status_code == 303 and response.headers["Location"].endswith(path + "#your-answer")
    page = text_of(client.get(path))
    assert "Thank you: your answer is saved." in page
    assert "Yes, I will come" in page and "Your access needs: Step-free access &lt;b&gt;please&lt;/b&gt;" in page
    assert "Change your answer" in page
    assert re.search(r'<input checked[^>]*value="yes"', page)
    assert stored(db_session).answer == "yes"

    assert answer(client, path, answer="no", access_needs="").status_code == 303
    page = text_of(client.get(path))
    assert "No, I cannot come" in page
    invitation = stored(db_session)
    assert (invitation.answer, invitation.access_needs) == ("no", "")


def test_errors_keep_what_was_typed(client, path, db_session):
    response = answer(client, path, access_needs="A hearing loop")
    assert response.status_code == 422
    body = text_of(response)
    assert "<title>Error: " in body and "There is a problem" in body
    assert 'href="#answer-0">Choose whether you will come' in body
    assert "A hearing loop</textarea>" in body
    response = answer(client, path, answer="yes", access_needs="x" * 1001)
    assert response.status_code == 422 and "Access needs must be 1000 characters or fewer" in text_of(response)
    assert 'aria-invalid="true"' in text_of(response)
    response = answer(client, path, answer="perhaps")
    assert response.status_code == 422 and "Choose whether you will come" in text_of(response)
    assert stored(db_session).answer is None


def test_after_the_ceremony_the_page_says_it_has_happened(client, path, edition, clock, db_session):
    assert answer(client, path, answer="yes").status_code == 303
    form_page = client.get(path)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', text_of(form_page)).group(1)
    clock.set(edition.ceremony_at + timedelta(minutes=5))
    page = client.get(path)
    assert page.status_code == 200
    body = text_of(page)
    assert "The ceremony has happened" in body and "Yes, I will come" in body and "<form" not in body.split("<main")[1]
    # A form opened before the start and sent after it changes nothing.
    response = client.post(path, data={"csrf_token": token, "answer": "no"})
    assert response.status_code == 200 and "The ceremony has happened" in text_of(response)
    assert stored(db_session).answer == "yes"


@pytest.mark.parametrize("broken", ["/rsvp/nonsense", "/rsvp/" + "x" * 600])
def test_a_broken_link_gets_the_link_problem_page(client, broken):
    page = client.get(broken)
    assert page.status_code == 404
    assert "This link does not work" in text_of(page) and "reply to the email that invited you" in text_of(page)
    assert page.headers["Cache-Control"] == "no-store"


def test_a_tampered_link_changes_nothing(client, path, db_session):
    token = csrf_token_from(client, path)
    tampered = path[:-2] + ("AA" if not path.endswith("AA") else "BB")
    response = client.post(tampered, data={"csrf_token": token, "answer": "yes"})
    assert response.status_code == 404
    assert stored(db_session).answer is None


def test_answers_are_rate_limited_per_client(client, path, app):
    token = csrf_token_from(client, path)
    statuses = [client.post(path, data={"csrf_token": token, "answer": "yes"}).status_code for _ in range(21)]
    assert statuses == [303] * 20 + [429]
    assert client.get(path).status_code == 200  # reading is not limited


# --- The organisers' list and CSV -----------------------------------------------------------------------------------


@pytest.fixture
def answered(organiser, edition, db_session):
    """Three invitees: one coming with access needs, one not coming, one silent; one with a formula for a name."""
    tokens = [rsvp.invitation_link(organiser, edition, f"{who}@example.org", name).rsplit("/", 1)[1]
              for who, name in (("ailsa", "Ailsa"), ("bruce", "=HYPERLINK(\"http://evil.example\")"), ("cat", "Cat"))]
    rsvp.answer_invitation(tokens[0], "yes", "A British Sign Language interpreter")
    rsvp.answer_invitation(tokens[1], "no")
    db_session.commit()
    return edition


def test_the_organisers_list_shows_answers_and_counts(organiser_client, answered):
    page = organiser_client.get(f"/admin/editions/{answered.id}/ceremony/rsvp")
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    body = text_of(page)
    assert re.search(r"<dt>Coming</dt><dd>1</dd>\s*<dt>Not coming</dt><dd>1</dd>\s*<dt>No answer yet</dt><dd>1</dd>"
                     r"\s*<dt>Invited</dt><dd>3</dd>", body)
    assert "A British Sign Language interpreter" in body and "ailsa@example.org" in body
    assert "No answer" in body
    assert f'href="/admin/editions/{answered.id}/ceremony/rsvp.csv"' in body
    control = text_of(organiser_client.get(f"/admin/editions/{answered.id}/ceremony"))
    assert f'href="/admin/editions/{answered.id}/ceremony/rsvp"' in control


def test_an_empty_list_says_nobody_is_invited(organiser_client, edition, db_session):
    db_session.commit()
    body = text_of(organiser_client.get(f"/admin/editions/{edition.id}/ceremony/rsvp"))
    assert "Nobody has been invited yet." in body and "rsvp.csv" not in body


def test_the_csv_lists_everyone_and_is_safe_in_a_spreadsheet(organiser_client, answered):
    response = organiser_client.get(f"/admin/editions/{answered.id}/ceremony/rsvp.csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Cache-Control"] == "no-store"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0] == ["Name", "Email", "Answer", "Access needs", "Answered (Europe/London)"]
    by_email = {row[1]: row for row in rows[1:]}
    assert by_email["ailsa@example.org"][2:4] == ["Yes", "A British Sign Language interpreter"]
    assert by_email["ailsa@example.org"][4] == "midday on Sunday 1 March 2026"
    assert by_email["cat@example.org"][2:] == ["No answer", "", ""]
    assert not by_email["bruce@example.org"][0].startswith("=")  # a formula is never run by the spreadsheet


def test_two_people_at_one_address_are_listed_with_their_own_answers(organiser_client, organiser, edition, db_session):
    for name, answer, needs in (("Hamish's Nominator", "yes", "A wheelchair space"),
                                ("Hamish MacLeod", "yes", "A BSL interpreter")):
        token = rsvp.invitation_link(organiser, edition, "family@example.org", name).rsplit("/", 1)[1]
        rsvp.answer_invitation(token, answer, needs)
    db_session.commit()
    body = text_of(organiser_client.get(f"/admin/editions/{edition.id}/ceremony/rsvp"))
    assert "<dt>Coming</dt><dd>2</dd>" in body
    assert "A wheelchair space" in body and "A BSL interpreter" in body
    response = organiser_client.get(f"/admin/editions/{edition.id}/ceremony/rsvp.csv")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))[1:]
    assert [row[:4] for row in rows] == [["Hamish MacLeod", "family@example.org", "Yes", "A BSL interpreter"],
                                         ["Hamish's Nominator", "family@example.org", "Yes", "A wheelchair space"]]


@pytest.mark.parametrize("suffix", ["", ".csv"])
def test_only_organisers_see_the_list(app, judge_client, answered, suffix):
    url = f"/admin/editions/{answered.id}/ceremony/rsvp{suffix}"
    visitor = app.test_client().get(url)
    assert visitor.status_code == 302 and "/sign-in" in visitor.headers["Location"]
    assert judge_client.get(url).status_code == 403


def test_an_unknown_edition_is_404(organiser_client, db_session):
    assert organiser_client.get("/admin/editions/999999/ceremony/rsvp").status_code == 404
    assert organiser_client.get("/admin/editions/999999/ceremony/rsvp.csv").status_code == 404
