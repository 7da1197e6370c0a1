"""The organisers' review of nominations through the test client: access, filters, status (with and without htmx),
consent, notes, the CSV, escaping, CSRF and 404s."""
from __future__ import annotations

import csv
import io
import re
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from awards_app.core.models import AuditEvent
from awards_app.nominations.consent import request_consent
from awards_app.nominations.models import ConsentState, Nomination, NominationNote, NominationStatus
from awards_app.programme.models import Category
from tests.factories.nominations import make_nomination
from tests.factories.programme import make_category, make_edition
from tests.web.forms import csrf_token_from, post_form

T0 = datetime(2026, 2, 1, 10, 0, tzinfo=timezone.utc)
HTMX = {"HX-Request": "true"}


@pytest.fixture
def site(db_session, clock):
    """An edition with two categories and three entries (one with a duplicate merged in), and another edition."""
    edition = make_edition()
    carers = make_category(edition, name="Carer of the Year")
    projects = make_category(edition, name="Project of the Year")
    morag = make_nomination(
        carers, "Morag Fraser", reference="SMA-AAA111", submitted_at=T0, local_authority="Fife",
        nominator_name="Iain Brown",
    )
    hamish = make_nomination(
        carers, "Hamish MacLeod", reference="SMA-BBB222", submitted_at=T0 + timedelta(hours=1),
        local_authority="Highland", status=NominationStatus.ELIGIBLE, nominee_email=None,
        nominator_email="ailsa@example.net",
    )
    garden = make_nomination(
        projects, "Growing Together Garden", reference="SMA-CCC333", submitted_at=T0 + timedelta(hours=2),
        local_authority="Glasgow City", consent=ConsentState.GIVEN,
    )
    duplicate = make_nomination(
        carers, "Morag Fraser (Kirkcaldy)", reference="SMA-DDD444", submitted_at=T0 + timedelta(hours=3),
        merged_into_id=morag.id, nominator_name="Eilidh Ross", nominator_email="eilidh@example.org",
    )
    duplicate.answers[0].text = "Eilidh's own words about Morag."
    other = make_edition(year=2025, start=datetime(2025, 1, 13, 9, tzinfo=timezone.utc))
    elsewhere = make_nomination(make_category(other, name="Elsewhere"), "Someone Else", reference="SMA-OTHER1")
    db_session.commit()
    return SimpleNamespace(
        edition=edition.id, carers=carers.id, projects=projects.id, morag=morag.id, hamish=hamish.id,
        garden=garden.id, duplicate=duplicate.id, other=other.id, other_category=elsewhere.category_id,
        elsewhere=elsewhere.id,
    )


def list_url(site, **query) -> str:
    """The list page of the site's edition, with a query string."""
    query_string = "&".join(f"{name}={value}" for name, value in query.items())
    return f"/admin/editions/{site.edition}/nominations" + (f"?{query_string}" if query else "")


def detail_url(nomination_id: int) -> str:
    """A nomination's page."""
    return f"/admin/nominations/{nomination_id}"


def text_of(response) -> str:
    """A response body as text."""
    return response.get_data(as_text=True)


def listed(response) -> list[str]:
    """The references in the list's table, in order."""
    return re.findall(r'<a href="/admin/nominations/\d+">(SMA-\w+)</a></td>', text_of(response))


def post_status(client, nomination_id: int, data: dict, **kwargs):
    """Post the status form as the nomination's page holds it."""
    return post_form(client, f"{detail_url(nomination_id)}/status", data, form_page=detail_url(nomination_id), **kwargs)


def post_to(client, nomination_id: int, action: str, data: dict | None = None):
    """Post one of the nomination page's other forms."""
    return post_form(client, f"{detail_url(nomination_id)}/{action}", data or {}, form_page=detail_url(nomination_id))


def parse_csv(body: bytes) -> list[dict[str, str]]:
    """The rows of a downloaded CSV."""
    assert body.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"), newline="")))


PAGES = [
    "/admin/editions/{edition}/nominations", "/admin/editions/{edition}/nominations.csv", "/admin/nominations/{morag}",
]
POSTS = ["/admin/nominations/{morag}/status", "/admin/nominations/{morag}/notes", "/admin/nominations/{morag}/consent",
         "/admin/nominations/{morag}/consent/resend"]


# --- Access ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("page", PAGES)
def test_visitors_are_sent_to_sign_in(client, site, page):
    response = client.get(page.format(**vars(site)))
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in")


@pytest.mark.parametrize("page", PAGES)
def test_judges_get_403(judge_client, site, page):
    assert judge_client.get(page.format(**vars(site))).status_code == 403


@pytest.mark.parametrize("page", POSTS)
def test_judges_cannot_post(judge_client, site, page, db_session):
    token = csrf_token_from(judge_client, "/")
    data = {"csrf_token": token, "status": "eligible", "note_text": "x", "consent_answer": "given", "consent_note": "x"}
    assert judge_client.post(page.format(**vars(site)), data=data).status_code == 403


@pytest.mark.parametrize("page", PAGES)
def test_organisers_see_every_page(organiser_client, site, page):
    assert organiser_client.get(page.format(**vars(site))).status_code == 200


# --- The list ----------------------------------------------------------------------------------------------------


def test_list_shows_entries_newest_first_without_merged_duplicates(organiser_client, site):
    response = organiser_client.get(list_url(site))
    page = text_of(response)
    assert listed(response) == ["SMA-CCC333", "SMA-BBB222", "SMA-AAA111"]
    assert "3 nominations" in page
    assert "and 1 more nomination merged in" in page
    assert "SMA-OTHER1" not in page
    assert "Clear filters" not in page  # nothing to clear
    for column in ("Reference", "Nominee", "Category and area", "Status and consent"):
        assert f'<th scope="col" role="columnheader">{column}</th>' in page
    for shown in ("Fife", "Glasgow City", "Consent given", "Consent not requested"):  # in the columns they share
        assert shown in page, shown


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"status": "eligible"}, ["SMA-BBB222"]),
        ({"consent": "given"}, ["SMA-CCC333"]),
        ({"local_authority": "Glasgow+City"}, ["SMA-CCC333"]),
        ({"q": "MORAG"}, ["SMA-AAA111"]),
        ({"q": "ailsa%40example.net"}, ["SMA-BBB222"]),
        ({"q": "sma-ccc333"}, ["SMA-CCC333"]),
        ({"q": "nobody+at+all"}, []),
    ],
)
def test_filters_through_the_query_string(organiser_client, site, query, expected):
    response = organiser_client.get(list_url(site, **query))
    assert response.status_code == 200
    assert listed(response) == expected
    assert "Clear filters" in text_of(response)


def test_the_category_filter(organiser_client, site):
    response = organiser_client.get(list_url(site, category=site.projects))
    assert listed(response) == ["SMA-CCC333"]
    assert f'<option value="{site.projects}" selected>Project of the Year</option>' in text_of(response)


def test_filters_are_shown_back_with_status_counts(organiser_client, site):
    page = text_of(organiser_client.get(list_url(site, status="received", q="Morag")))
    # The counts are of the whole edition, so that they do not change as the other filters do.
    assert '<option value="received" selected>Received (2)</option>' in page
    assert '<option value="eligible">Eligible (1)</option>' in page
    assert '<option value="withdrawn">Withdrawn (0)</option>' in page
    assert 'name="q" value="Morag"' in page
    assert "1 nomination found" in page


@pytest.mark.parametrize(
    "query",
    [
        {"status": "shortlisted"}, {"consent": "maybe"}, {"local_authority": "Atlantis"}, {"category": "abc"},
        {"page": "abc"}, {"page": "-1"}, {"page": "99999999999999999999"}, {"q": "x" * 3000},
    ],
)
def test_bad_query_values_are_ignored_or_cut(organiser_client, site, query):
    response = organiser_client.get(list_url(site, **query))
    assert response.status_code == 200
    if "q" not in query:
        assert listed(response) == ["SMA-CCC333", "SMA-BBB222", "SMA-AAA111"]


def test_a_category_of_another_edition_is_ignored(organiser_client, site):
    assert listed(organiser_client.get(list_url(site, category=site.other_category))) == [
        "SMA-CCC333", "SMA-BBB222", "SMA-AAA111",
    ]


def test_no_matches_say_so(organiser_client, site):
    page = text_of(organiser_client.get(list_url(site, q="zzz")))
    assert "0 nominations found" in page
    assert "No nominations match these filters" in page


def _moray_projects(db_session, site, count: int) -> None:
    """`count` more entries in Moray, a minute apart after the site's own (newest first: the last made leads)."""
    projects = db_session.get(Category, site.projects)
    for number in range(count):
        make_nomination(
            projects, f"Project {number}", reference=f"SMA-P{number:05d}", local_authority="Moray",
            submitted_at=T0 + timedelta(days=1, minutes=number),
        )
    db_session.commit()


def test_pages_of_ten_keep_the_filters(organiser_client, site, db_session):
    _moray_projects(db_session, site, 11)
    first = organiser_client.get(list_url(site, local_authority="Moray"))
    assert len(listed(first)) == 10 and listed(first)[0] == "SMA-P00010"
    page = text_of(first)
    assert "11 nominations found" in page and "Page 1 of 2" in page and "Showing nominations 1 to 10 of 11" in page
    assert 'rel="prev"' not in page
    next_link = re.search(r'<a href="([^"]+)" rel="next">', page).group(1).replace("&amp;", "&")
    assert "local_authority=Moray" in next_link and "page=2" in next_link
    second = organiser_client.get(next_link)
    assert listed(second) == ["SMA-P00000"]
    assert "Page 2 of 2" in text_of(second) and "Showing nominations 11 to 11 of 11" in text_of(second)
    assert 'rel="prev"' in text_of(second) and 'rel="next"' not in text_of(second)


def test_a_list_of_exactly_one_page_has_no_page_links(organiser_client, site, db_session):
    _moray_projects(db_session, site, 10)
    page = text_of(organiser_client.get(list_url(site, local_authority="Moray")))
    assert "10 nominations found" in page
    assert "Page 1 of" not in page and 'rel="next"' not in page


def test_pages_combine_with_a_category_a_status_and_a_search(organiser_client, site, db_session):
    _moray_projects(db_session, site, 15)
    query = {"category": site.projects, "status": "received", "q": "project", "page": 2}
    response = organiser_client.get(list_url(site, **query))
    assert listed(response) == ["SMA-P00004", "SMA-P00003", "SMA-P00002", "SMA-P00001", "SMA-P00000"]
    assert "Page 2 of 2" in text_of(response)
    prev_link = re.search(r'<a href="([^"]+)" rel="prev">', text_of(response)).group(1).replace("&amp;", "&")
    for kept in (f"category={site.projects}", "status=received", "q=project", "page=1"):
        assert kept in prev_link, kept


@pytest.mark.parametrize(("asked", "shown"), [
    ("0", 1), ("-3", 1), ("abc", 1), ("2.5", 1), ("", 1), ("9" * 40, 1),  # nonsense: the first page
    ("7", 2),  # past the end: the last page rather than an empty one
])
def test_bad_page_numbers_show_a_page_never_an_error(organiser_client, site, db_session, asked, shown):
    _moray_projects(db_session, site, 15)
    response = organiser_client.get(list_url(site, local_authority="Moray", page=asked))
    assert response.status_code == 200
    assert f"Page {shown} of 2" in text_of(response)
    assert len(listed(response)) == (10 if shown == 1 else 5)


def test_unknown_edition_is_404(organiser_client, site):
    assert organiser_client.get("/admin/editions/99999/nominations").status_code == 404
    assert organiser_client.get("/admin/editions/99999/nominations.csv").status_code == 404


# --- One nomination ----------------------------------------------------------------------------------------------


def test_the_page_shows_everything(organiser_client, site):
    """Everything, part by part: the nomination with its status, the consent, the notes, the merged nominations."""
    page = "".join(text_of(organiser_client.get(detail_url(site.morag) + part))
                   for part in ("", "?part=consent", "?part=notes", "?part=history", "?part=merged"))
    for expected in (
        "SMA-AAA111", "Morag Fraser", "morag@example.org", "Fife", "Carer of the Year",
        "What difference has it made?", "She made a real difference.", "Iain Brown", "iain@example.org", "Colleague",
        "Not requested", "Send the consent request", "Record the answer", "Add the note", "Save the status",
        # the duplicate merged into it, with its nominator and answers
        "SMA-DDD444", "Eilidh Ross", "eilidh@example.org", "Eilidh&#39;s own words about Morag.",
    ):
        assert expected in page, expected
    assert "Organisers&#39; area" in page and f"/admin/editions/{site.edition}/nominations" in page  # breadcrumbs


def test_a_merged_duplicate_points_to_its_entry_and_has_no_status_form(organiser_client, site):
    page = text_of(organiser_client.get(detail_url(site.duplicate)))
    assert "This nomination was merged into" in page and detail_url(site.morag) in page
    assert "Save the status" not in page and "Record the answer" not in page


def test_unknown_nominations_are_404(organiser_client, site):
    assert organiser_client.get(detail_url(99999)).status_code == 404
    token = csrf_token_from(organiser_client, detail_url(site.morag))
    for action in ("status", "notes", "consent", "consent/resend"):
        data = {"csrf_token": token, "status": "eligible"}
        response = organiser_client.post(f"{detail_url(99999)}/{action}", data=data)
        assert response.status_code == 404, action


# --- Status ------------------------------------------------------------------------------------------------------


def test_status_change_without_javascript(organiser_client, site, db_session, organiser):
    response = post_status(organiser_client, site.morag, {"status": "withdrawn", "reason": "Asked by the nominator"})
    assert response.status_code == 303
    assert response.headers["Location"] == detail_url(site.morag)
    page = text_of(organiser_client.get(response.headers["Location"]))
    assert "SMA-AAA111 is marked withdrawn." in page
    assert "Asked by the nominator" in page
    event = db_session.scalar(select(AuditEvent).where(AuditEvent.action == "nomination.status_changed"))
    assert (event.actor_id, event.details["old"], event.details["new"]) == (organiser.id, "received", "withdrawn")


def test_status_change_with_htmx_answers_with_the_panel(organiser_client, site, db_session):
    response = post_status(organiser_client, site.morag, {"status": "eligible"}, headers=HTMX)
    assert response.status_code == 200
    fragment = text_of(response)
    assert "<html" not in fragment and "<main" not in fragment
    # The confirmation goes into the live region beside the panel, which screen readers announce.
    assert re.search(r'<div id="status-message" hx-swap-oob="innerHTML"><p class="notice notice--success">'
                     r"SMA-AAA111 is marked eligible.</p></div>", fragment)
    assert '<strong class="tag tag--eligible">Eligible</strong>' in fragment
    assert 'hx-post="/admin/nominations/%d/status"' % site.morag in fragment
    assert "HX-Request" in response.headers["Vary"]
    assert db_session.scalar(select(AuditEvent).where(AuditEvent.action == "nomination.status_changed")) is not None
    assert db_session.get(Nomination, site.morag).status is NominationStatus.ELIGIBLE


def test_the_page_holds_the_live_region_and_htmx_form(organiser_client, site):
    page = text_of(organiser_client.get(detail_url(site.morag)))
    assert '<div id="status-message" class="messages" role="status" aria-live="polite"></div>' in page
    assert 'hx-target="#status-panel"' in page and 'id="status-panel"' in page
    assert "hx-swap-oob" not in page  # only fragments carry out-of-band swaps


def test_ineligible_without_a_reason_is_422_with_the_message(organiser_client, site, db_session):
    response = post_status(organiser_client, site.morag, {"status": "ineligible", "reason": "  "})
    assert response.status_code == 422
    page = text_of(response)
    assert "<title>Error: " in page
    assert "There is a problem" in page
    assert '<a href="#reason">Enter why the nomination is not eligible</a>' in page
    kept = '<input checked class="radios__input" id="status-2" name="status" required type="radio" value="ineligible">'
    assert kept in page
    assert db_session.get(Nomination, site.morag).status is NominationStatus.RECEIVED


def test_ineligible_without_a_reason_under_htmx_is_a_422_fragment(organiser_client, site):
    response = post_status(organiser_client, site.morag, {"status": "ineligible"}, headers=HTMX)
    assert response.status_code == 422
    fragment = text_of(response)
    assert "<html" not in fragment
    assert "Enter why the nomination is not eligible" in fragment
    assert "data-error-summary" in fragment
    assert '<div id="status-message" hx-swap-oob="innerHTML"></div>' in fragment  # clears an old confirmation


def test_a_reason_that_is_too_long_is_kept_and_refused(organiser_client, site):
    reason = "Too long. " * 101
    response = post_status(organiser_client, site.morag, {"status": "withdrawn", "reason": reason})
    assert response.status_code == 422
    assert "The reason must be 1,000 characters or fewer" in text_of(response)
    assert reason.strip() in text_of(response)


def test_no_status_chosen_is_422(organiser_client, site):
    response = post_status(organiser_client, site.morag, {"status": "promoted"})
    assert response.status_code == 422
    assert "Select a status" in text_of(response)


def test_status_of_a_merged_duplicate_is_refused(organiser_client, site):
    response = post_status(organiser_client, site.duplicate, {"status": "eligible"}, headers=HTMX)
    assert response.status_code == 422
    assert "merged into SMA-AAA111" in text_of(response)


def test_posts_need_the_csrf_token(organiser_client, site, db_session):
    for action, data in (("status", {"status": "eligible"}), ("notes", {"note_text": "Hello"}),
                         ("consent", {"consent_answer": "given", "consent_note": "By phone"}), ("consent/resend", {})):
        response = organiser_client.post(f"{detail_url(site.morag)}/{action}", data=data)
        assert response.status_code == 400, action
        assert "This form has expired" in text_of(response)
    morag = db_session.get(Nomination, site.morag)
    assert (morag.status, morag.consent, morag.notes) == (NominationStatus.RECEIVED, ConsentState.NOT_REQUESTED, [])


# --- Notes -------------------------------------------------------------------------------------------------------


def test_add_a_note(organiser_client, site, db_session):
    note = "Checked with <b>Fife</b> council.\nAll fine."
    response = post_to(organiser_client, site.morag, "notes", {"note_text": note})
    assert response.status_code == 303
    page = text_of(organiser_client.get(response.headers["Location"]))
    assert "Your note has been added." in page
    assert "Checked with &lt;b&gt;Fife&lt;/b&gt; council.\nAll fine." in page
    assert "Olivia Organiser" in page
    [note] = db_session.scalars(select(NominationNote))
    assert note.nomination_id == site.morag


@pytest.mark.parametrize(
    ("text", "message"), [("   ", "Enter the note"), ("x" * 2001, "The note must be 2,000 characters or fewer")]
)
def test_bad_notes_are_422_with_input_kept(organiser_client, site, db_session, text, message):
    response = post_to(organiser_client, site.morag, "notes", {"note_text": text})
    assert response.status_code == 422
    page = text_of(response)
    assert f'<a href="#note_text">{message}</a>' in page
    if text.strip():
        assert text in page
    assert db_session.scalars(select(NominationNote)).all() == []


# --- Consent -----------------------------------------------------------------------------------------------------


def consent_path(email) -> str:
    """The consent link in an email."""
    return re.search(r"http://awards\.test(/consent/\S+)", email.text_body).group(1)


def test_resend_queues_an_email_and_the_old_link_stops_working(organiser_client, site, db_session, outbox):
    request_consent(None, db_session.get(Nomination, site.morag))
    db_session.commit()
    old_link = consent_path(outbox()[-1])
    page = text_of(organiser_client.get(detail_url(site.morag) + "?part=consent"))
    assert "Resend the consent request" in page

    response = post_to(organiser_client, site.morag, "consent/resend")
    assert response.status_code == 303 and response.headers["Location"].endswith("?part=consent")
    page = text_of(organiser_client.get(detail_url(site.morag) + "?part=consent"))
    assert "A new consent request has been emailed to morag@example.org" in page
    first, second = outbox()
    assert second.to_address == "morag@example.org"
    assert "newer link" in text_of(organiser_client.get(old_link))
    assert organiser_client.get(consent_path(second)).status_code == 200


def test_no_resend_without_an_email_address(organiser_client, site, outbox):
    page = text_of(organiser_client.get(detail_url(site.hamish) + "?part=consent"))
    assert "There is no email address for this nominee" in page
    assert "consent request" not in page
    response = post_to(organiser_client, site.hamish, "consent/resend")
    assert response.status_code == 303
    assert "no email address" in text_of(organiser_client.get(detail_url(site.hamish)))
    assert outbox() == []


def test_no_resend_once_answered(organiser_client, site, outbox):
    page = text_of(organiser_client.get(detail_url(site.garden) + "?part=consent"))
    assert "The nominee has answered" in page and "consent request" not in page
    post_to(organiser_client, site.garden, "consent/resend")
    assert "already answered" in text_of(organiser_client.get(detail_url(site.garden)))
    assert outbox() == []


def test_record_consent_given_by_phone(organiser_client, site, db_session, clock):
    answer = {"consent_answer": "given", "consent_note": "By phone to Jo, 3 March"}
    response = post_to(organiser_client, site.hamish, "consent", answer)
    assert response.status_code == 303 and response.headers["Location"].endswith("?part=consent")
    page = text_of(organiser_client.get(detail_url(site.hamish) + "?part=consent"))
    assert "Recorded that the nominee agreed." in page
    assert "By phone to Jo, 3 March" in page
    hamish = db_session.get(Nomination, site.hamish)
    assert (hamish.consent, hamish.consent_recorded_at) == (ConsentState.GIVEN, clock.now())


def test_record_consent_declined(organiser_client, site, db_session):
    answer = {"consent_answer": "declined", "consent_note": "Letter of 4 March"}
    assert post_to(organiser_client, site.garden, "consent", answer).status_code == 303
    assert db_session.get(Nomination, site.garden).consent is ConsentState.DECLINED


def test_record_consent_needs_an_answer_and_a_note(organiser_client, site, db_session):
    response = post_to(organiser_client, site.hamish, "consent", {"consent_note": "By phone"})
    assert response.status_code == 422
    assert '<a href="#consent_answer-0">Select what the nominee said</a>' in text_of(response)
    assert re.search(r'id="consent_note"[^>]*>\s*By phone</textarea>', text_of(response))

    response = post_to(organiser_client, site.hamish, "consent", {"consent_answer": "given"})
    assert response.status_code == 422
    assert "Say how and when the nominee answered" in text_of(response)
    assert db_session.get(Nomination, site.hamish).consent is ConsentState.NOT_REQUESTED


# --- CSV ---------------------------------------------------------------------------------------------------------


def test_csv_download(organiser_client, site, clock):
    response = organiser_client.get(f"/admin/editions/{site.edition}/nominations.csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == 'attachment; filename="nominations-2026-2026-03-01.csv"'
    assert response.headers["Cache-Control"] == "no-store"
    rows = parse_csv(response.data)
    assert sorted(row["Reference"] for row in rows) == ["SMA-AAA111", "SMA-BBB222", "SMA-CCC333", "SMA-DDD444"]
    assert {row["Reference"]: row["Merged into"] for row in rows}["SMA-DDD444"] == "SMA-AAA111"


# --- HTML typed into fields --------------------------------------------------------------------------------------


def test_html_in_a_nominee_name_is_text_in_pages_and_plain_in_the_csv(organiser_client, site, db_session):
    name = '<script>alert("pwned")</script><img src=x onerror=alert(1)>'
    nomination = make_nomination(
        db_session.get(Category, site.carers), name, reference="SMA-XSS001", nominee_organisation="<i>Org</i>",
    )
    nomination.answers[0].text = "<a href='javascript:alert(1)'>click</a>"
    db_session.commit()
    escaped = "&lt;script&gt;alert(&#34;pwned&#34;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;"
    for url in (list_url(site), detail_url(nomination.id)):
        page = text_of(organiser_client.get(url))
        assert "<script>alert" not in page and "<img src=x" not in page and "<i>Org</i>" not in page
        assert escaped in page
    detail = text_of(organiser_client.get(detail_url(nomination.id)))
    assert "&lt;a href=&#39;javascript:alert(1)&#39;&gt;click&lt;/a&gt;" in detail

    rows = parse_csv(organiser_client.get(f"/admin/editions/{site.edition}/nominations.csv").data)
    [row] = [row for row in rows if row["Reference"] == "SMA-XSS001"]
    assert row["Nominee name"] == name
    assert row["Nominee organisation"] == "<i>Org</i>"


def test_the_edition_page_links_to_the_nomination_pages(organiser_client, db_session):
    from tests.factories.programme import make_edition

    edition = make_edition()
    db_session.commit()
    page = organiser_client.get(f"/admin/editions/{edition.id}").get_data(as_text=True)
    for path in ("nominations", "duplicates", "reach", "nominations.csv"):
        assert f'href="/admin/editions/{edition.id}/{path}"' in page


@pytest.mark.parametrize(("query", "folded"), [
    ({}, True), ({"q": "morag"}, True),  # the search box is always shown; the lists stay folded
    ({"status": "eligible"}, False), ({"category": "carers"}, False), ({"consent": "given", "q": "morag"}, False),
])
def test_the_filter_lists_fold_unless_one_is_in_force(organiser_client, site, query, folded):
    query = {name: getattr(site, value, value) for name, value in query.items()}
    page = text_of(organiser_client.get(list_url(site, **query)))
    assert '<input class="input" type="search" id="filter-q"' in page
    assert ('<details class="filters__more">' in page) is folded
    assert ('<details class="filters__more" open>' in page) is not folded


def test_page_links_never_take_url_for_options_from_the_query(organiser_client, site, db_session):
    _moray_projects(db_session, site, 26)
    page = text_of(organiser_client.get(list_url(site, local_authority="Moray", _external="1", _scheme="javascript")))
    next_link = re.search(r'<a href="([^"]+)" rel="next">', page).group(1).replace("&amp;", "&")
    assert next_link.startswith("/admin/") and "local_authority=Moray" in next_link
    assert "javascript" not in page.lower().split("<footer")[0].split("</head>")[1]
