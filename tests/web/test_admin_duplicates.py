"""The duplicates page through the test client: access, the groups, confirming and merging, unmerging, 404s."""
from __future__ import annotations

import html
import re
from datetime import datetime, timezone
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from awards_app.core.models import AuditEvent
from awards_app.extensions import db
from awards_app.nominations.models import Nomination
from tests.factories.nominations import make_nomination
from tests.factories.programme import make_category, make_edition
from tests.web.forms import csrf_token_from, post_form


@pytest.fixture
def site(db_session):
    """An edition with a group of three likely duplicates, a lone nomination, and another edition's nomination."""
    edition = make_edition()
    category = make_category(edition, "Carer of the year")
    other_category = make_category(edition, "Project of the year")
    first = make_nomination(
        category, "Morag Fraser", nominator_name="Iain <b>Bold</b>", local_authority="Fife", reference="SMA-AAA001",
        submitted_at=datetime(2026, 2, 3, 10, tzinfo=timezone.utc),
    )
    second = make_nomination(
        category, "Mrs Morag Frazer", nominator_name="Ailsa Grant", local_authority="Moray", reference="SMA-AAA002",
        submitted_at=datetime(2026, 2, 4, 10, tzinfo=timezone.utc),
    )
    third = make_nomination(
        category, "MORAG FRASER", nominator_name="Ewan Ross", reference="SMA-AAA003",
        submitted_at=datetime(2026, 2, 5, 10, tzinfo=timezone.utc),
    )
    lone = make_nomination(category, "Jean Smith", reference="SMA-AAA004")
    elsewhere = make_nomination(other_category, "Morag Fraser", reference="SMA-AAA005")
    other = make_nomination(make_category(make_edition(2027)), "Morag Fraser", reference="SMA-BBB001")
    db_session.commit()
    return SimpleNamespace(
        edition=edition.id, first=first.id, second=second.id, third=third.id, lone=lone.id,
        elsewhere=elsewhere.id, other_edition=other.edition_id, other=other.id,
    )


def page_url(site) -> str:
    """The duplicates page of the site's edition."""
    return f"/admin/editions/{site.edition}/duplicates"


def merge_url(site, query: str = "") -> str:
    """The confirm-and-merge address of the site's edition."""
    return f"/admin/editions/{site.edition}/duplicates/merge{query}"


def text_of(response) -> str:
    """The page as text, entities decoded, spaces collapsed."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))))


def merged_into(nomination_id: int) -> int | None:
    """Where a nomination has been merged, read afresh from the database."""
    db.session.expire_all()
    return db.session.get(Nomination, nomination_id).merged_into_id


# --- Access ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["page", "confirm"])
def test_visitors_are_sent_to_sign_in(client, site, kind):
    url = page_url(site) if kind == "page" else merge_url(site, f"?keep={site.first}&merge={site.second}")
    response = client.get(url)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in")


@pytest.mark.parametrize("kind", ["page", "confirm"])
def test_judges_are_refused(judge_client, site, kind):
    url = page_url(site) if kind == "page" else merge_url(site, f"?keep={site.first}&merge={site.second}")
    assert judge_client.get(url).status_code == 403


def test_judges_cannot_merge_or_unmerge(judge_client, site):
    token = csrf_token_from(judge_client, "/")  # the sign-out form of any page carries the session's token
    response = judge_client.post(merge_url(site), data={"csrf_token": token, "keep": site.first, "merge": site.second})
    assert response.status_code == 403
    response = judge_client.post(f"/admin/nominations/{site.second}/unmerge", data={"csrf_token": token})
    assert response.status_code == 403
    assert merged_into(site.second) is None


# --- The groups --------------------------------------------------------------------------------------------------


def test_the_page_lists_each_group_with_a_form_to_choose(organiser_client, site):
    response = organiser_client.get(page_url(site))

    assert response.status_code == 200
    body = response.get_data(as_text=True)
    text = text_of(response)
    assert "Carer of the year" in text
    for reference in ["SMA-AAA001", "SMA-AAA002", "SMA-AAA003"]:
        assert reference in text
    assert "SMA-AAA004" not in text  # Jean Smith has no duplicate
    assert "SMA-AAA005" not in text  # the same name in another category is not a duplicate
    assert "SMA-BBB001" not in text  # nor in another edition
    assert "Ailsa Grant" in text and "Moray" in text and "submitted Tuesday 3 February 2026" in text
    assert re.search(rf'type="radio" id="keep-{site.first}" name="keep" value="{site.first}"[^>]*checked', body)
    for nomination in [site.first, site.second, site.third]:
        assert re.search(rf'type="checkbox" id="merge-{nomination}" name="merge" value="{nomination}" checked', body)
    assert f'action="{merge_url(site)}"' in body and 'method="get"' in body


def test_html_in_names_is_shown_as_text(organiser_client, site, db_session):
    category = db.session.get(Nomination, site.first).category
    make_nomination(category, "<script>alert(1)</script>", reference="SMA-XSS001", nominator_name="<i>x</i>")
    make_nomination(category, "<SCRIPT>alert(1)</SCRIPT>", reference="SMA-XSS002")
    db_session.commit()

    body = organiser_client.get(page_url(site)).get_data(as_text=True)

    assert "SMA-XSS001" in body and "SMA-XSS002" in body
    assert "<script>alert(1)</script>" not in body and "<i>x</i>" not in body and "<b>Bold</b>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


def test_without_duplicates_the_page_says_so(organiser_client, db_session):
    edition = make_edition(2030)
    make_nomination(make_category(edition), "Harbour Arts")
    db_session.commit()

    response = organiser_client.get(f"/admin/editions/{edition.id}/duplicates")

    assert response.status_code == 200
    assert "No likely duplicates" in text_of(response)
    assert "No nominations have been merged" in text_of(response)


# --- Confirming and merging --------------------------------------------------------------------------------------


def test_choosing_shows_what_will_happen_and_changes_nothing(organiser_client, site):
    # The organiser keeps the second and leaves every box ticked, the kept one's included.
    query = f"?keep={site.second}&merge={site.first}&merge={site.second}&merge={site.third}"
    response = organiser_client.get(merge_url(site, query))

    assert response.status_code == 200
    text = text_of(response)
    assert "Merge 2 nominations into SMA-AAA002?" in text
    assert "SMA-AAA001" in text and "SMA-AAA003" in text
    body = response.get_data(as_text=True)
    assert f'<input type="hidden" name="keep" value="{site.second}">' in body
    assert body.count('name="merge"') == 2  # the kept one is never merged into itself
    assert merged_into(site.first) is None and merged_into(site.third) is None


def test_merging_through_the_form(organiser_client, site):
    confirm = merge_url(site, f"?keep={site.first}&merge={site.first}&merge={site.second}&merge={site.third}")

    response = post_form(
        organiser_client, merge_url(site), {"keep": site.first, "merge": [site.second, site.third]},
        form_page=confirm,
    )

    assert response.status_code == 303
    assert response.headers["Location"] == page_url(site) + "#merged"
    assert merged_into(site.second) == site.first and merged_into(site.third) == site.first
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "nomination.merged")).one()
    assert event.details["references"] == ["SMA-AAA002", "SMA-AAA003"]

    page = organiser_client.get(response.headers["Location"])
    text = text_of(page)
    assert "SMA-AAA002 and SMA-AAA003 have been merged into SMA-AAA001 (Morag Fraser)." in text
    assert "No likely duplicates" in text  # the group is gone
    assert "Merged into it:" in text and "Ewan Ross" in text  # listed under the entry kept, with an Unmerge button
    assert f'action="/admin/nominations/{site.third}/unmerge"' in page.get_data(as_text=True)


def test_merging_needs_the_csrf_token(organiser_client, site):
    response = organiser_client.post(merge_url(site), data={"keep": site.first, "merge": site.second})

    assert response.status_code == 400
    assert merged_into(site.second) is None


def test_choosing_nothing_to_merge_says_what_to_do(organiser_client, site):
    response = organiser_client.get(merge_url(site, f"?keep={site.first}&merge={site.first}"))

    assert response.status_code == 422
    assert "Choose at least one nomination to merge into the one you keep." in text_of(response)
    assert 'name="keep"' not in response.get_data(as_text=True)  # no merge button


@pytest.mark.parametrize("query", ["", "?keep=abc&merge=1", "?merge=1", "?keep=1&merge=x"])
def test_a_garbled_choice_goes_back_with_a_message(organiser_client, site, query):
    response = organiser_client.get(merge_url(site, query))

    assert response.status_code == 303
    assert response.headers["Location"] == page_url(site)
    assert "Choose the nomination to keep" in text_of(organiser_client.get(page_url(site)))


def test_an_absurdly_long_choice_is_refused(organiser_client, site):
    query = f"?keep={site.first}" + "".join(f"&merge={number}" for number in range(1, 600))
    assert organiser_client.get(merge_url(site, query)).status_code == 400


def test_a_merge_that_became_impossible_meanwhile_is_refused_with_409(organiser_client, site):
    confirm = merge_url(site, f"?keep={site.first}&merge={site.second}")
    token = csrf_token_from(organiser_client, confirm)
    # Another organiser merged the first into the third in the meantime.
    post_form(organiser_client, merge_url(site), {"keep": site.third, "merge": site.first}, form_page=confirm)

    response = organiser_client.post(
        merge_url(site), data={"csrf_token": token, "keep": site.first, "merge": site.second}
    )

    assert response.status_code == 409
    assert "SMA-AAA001 has itself been merged into another entry" in text_of(response)
    assert merged_into(site.second) is None


def test_only_the_same_category_can_be_merged(organiser_client, site):
    response = organiser_client.get(merge_url(site, f"?keep={site.first}&merge={site.elsewhere}"))

    assert response.status_code == 422
    assert "only nominations in the same category can be merged" in text_of(response)


# --- Unmerging ---------------------------------------------------------------------------------------------------


def test_unmerging_through_the_button(organiser_client, site):
    confirm = merge_url(site, f"?keep={site.first}&merge={site.second}")
    post_form(organiser_client, merge_url(site), {"keep": site.first, "merge": site.second}, form_page=confirm)

    response = post_form(organiser_client, f"/admin/nominations/{site.second}/unmerge", {}, form_page=page_url(site))

    assert response.status_code == 303
    assert response.headers["Location"] == page_url(site) + "#merged"
    assert merged_into(site.second) is None
    assert db.session.scalars(select(AuditEvent).where(AuditEvent.action == "nomination.unmerged")).one()
    text = text_of(organiser_client.get(response.headers["Location"]))
    assert "SMA-AAA002 (Mrs Morag Frazer) is an entry of its own again; it was merged into SMA-AAA001." in text


def test_unmerging_a_nomination_that_is_not_merged_says_so(organiser_client, site):
    response = post_form(organiser_client, f"/admin/nominations/{site.lone}/unmerge", {}, form_page=page_url(site))

    assert response.status_code == 303
    assert "SMA-AAA004 is not merged into another entry." in text_of(organiser_client.get(page_url(site)))


# --- Not found ---------------------------------------------------------------------------------------------------


def test_unknown_edition_is_404(organiser_client, site):
    assert organiser_client.get("/admin/editions/999999/duplicates").status_code == 404
    assert organiser_client.get("/admin/editions/999999/duplicates/merge?keep=1&merge=2").status_code == 404
    assert organiser_client.get(f"/admin/editions/{10**20}/duplicates").status_code == 404


def test_nominations_of_another_edition_are_404(organiser_client, site):
    assert organiser_client.get(merge_url(site, f"?keep={site.other}&merge={site.first}")).status_code == 404
    assert organiser_client.get(merge_url(site, f"?keep={site.first}&merge={site.other}")).status_code == 404
    assert organiser_client.get(merge_url(site, f"?keep=999999&merge={site.first}")).status_code == 404
    assert organiser_client.get(merge_url(site, f"?keep={10**20}&merge={site.first}")).status_code == 404
    assert organiser_client.get(merge_url(site, f"?keep={site.first}&merge=-5")).status_code == 404


def test_unmerging_an_unknown_nomination_is_404(organiser_client, site):
    for number in [999999, 10**20]:
        response = post_form(organiser_client, f"/admin/nominations/{number}/unmerge", {}, form_page=page_url(site))
        assert response.status_code == 404


def test_unmerge_only_answers_post(organiser_client, site):
    assert organiser_client.get(f"/admin/nominations/{site.second}/unmerge").status_code == 405
