"""The reach report through the test client: access, the N of 32 figure, the charts and tables, escaping, 404s."""
from __future__ import annotations

import html
import re
from types import SimpleNamespace

import pytest

from awards_app.nominations.models import NominationStatus
from awards_app.programme.scotland import LOCAL_AUTHORITIES
from tests.factories.nominations import make_nomination
from tests.factories.programme import make_category, make_edition

SVG = re.compile(r"<svg\b.*?</svg>", re.S)


@pytest.fixture
def site(db_session):
    """An edition with nominations from three councils, one withdrawn, in two of its three categories."""
    edition = make_edition()
    carers = make_category(edition, "Carer <em>of</em> the year", display_order=1)
    projects = make_category(edition, "Project of the year", display_order=2)
    make_category(edition, "Idea of the year", display_order=3)
    make_nomination(carers, "Morag Fraser", local_authority="Fife")
    make_nomination(carers, "Ailsa Grant", local_authority="Fife")
    make_nomination(projects, "Harbour Arts", local_authority="Shetland Islands")
    make_nomination(projects, "Breathe Easy", local_authority="Na h-Eileanan Siar")
    make_nomination(projects, "Gone", local_authority="Moray", status=NominationStatus.WITHDRAWN)
    db_session.commit()
    return SimpleNamespace(edition=edition.id, url=f"/admin/editions/{edition.id}/reach")


def text_of(response) -> str:
    """The page as text, entities decoded, spaces collapsed."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))))


def test_visitors_are_sent_to_sign_in(client, site):
    response = client.get(site.url)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in")


def test_judges_are_refused(judge_client, site):
    assert judge_client.get(site.url).status_code == 403


def test_the_report_shows_how_many_of_the_32_councils_were_reached(organiser_client, site):
    response = organiser_client.get(site.url)

    assert response.status_code == 200
    text = text_of(response)
    assert "3 of 32 local authorities reached" in text
    assert "4 nominations counted" in text
    not_reached = text.split("Local authorities not reached yet", 1)[1].split("By category", 1)[0]
    assert "Moray" in not_reached and "Aberdeen City" in not_reached  # Moray's only nomination was withdrawn
    assert "Fife" not in not_reached and "Shetland Islands" not in not_reached
    not_reached_list = response.get_data(as_text=True).split('id="not-reached"')[1].split("</ul>")[0]
    assert not_reached_list.count("<li>") == 29


def test_tables_hold_the_same_figures_as_the_charts(organiser_client, site):
    body = both_parts(organiser_client, site)

    rows = dict(re.findall(r'<tr[^>]*><th scope="row"[^>]*>([^<]+)</th><td class="table__numeric[^"]*"[^>]*>(\d+)</td></tr>', body))
    assert rows["Project of the year"] == "2" and rows["Idea of the year"] == "0"
    assert rows["Fife"] == "2" and rows["Moray"] == "0" and rows["Na h-Eileanan Siar"] == "1"
    assert all(html.unescape(name) in rows for name in LOCAL_AUTHORITIES)  # all 32, zeros included
    assert rows["Total"] == "4"
    by_category, by_area = SVG.findall(body)
    assert 'role="img"' in by_category and 'role="img"' in by_area
    assert "Nominations by category" in by_category and "Nominations by local authority" in by_area
    assert by_category.count("<rect") == 2  # the empty category has no bar
    assert by_area.count("<rect") == 3
    assert by_area.count("<g>") == 32


def test_the_charts_need_no_inline_styles_and_escape_names(organiser_client, site):
    body = both_parts(organiser_client, site)

    assert "<em>" not in body
    assert "Carer &lt;em&gt;of&lt;/em&gt; the year" in body
    for chart in SVG.findall(body):
        assert "style" not in chart
        assert "&lt;em&gt;" in chart or "local authority" in chart
    assert "style=" not in body


def both_parts(client, site) -> str:
    """The report's two parts, the councils and the categories first, then the local authorities' chart alone."""
    first = client.get(site.url).get_data(as_text=True)
    areas = client.get(site.url + "?show=areas").get_data(as_text=True)
    assert "By local authority" not in first and "By category" not in areas and "not reached yet" not in areas
    assert f'href="{site.url}?show=areas"' in first and f'href="{site.url}"' in areas  # the tabs between them
    assert "<title>Local authorities – Reach – " in areas
    return first + areas


def test_an_edition_without_nominations(organiser_client, db_session):
    edition = make_edition(2030)
    make_category(edition)
    db_session.commit()

    text = text_of(organiser_client.get(f"/admin/editions/{edition.id}/reach"))

    assert "0 of 32 local authorities reached" in text
    assert "0 nominations counted" in text


def test_unknown_edition_is_404(organiser_client, site):
    assert organiser_client.get("/admin/editions/999999/reach").status_code == 404
    assert organiser_client.get(f"/admin/editions/{10**20}/reach").status_code == 404
