"""The panel's long pages split for organisers: a category's judging page as four tabs with their own addresses, the
judges page's sections, and lists shown 25 at a time (page count, "previous" and "next", out-of-range pages)."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from awards_app.accounts.models import User
from tests.factories.accounts import make_judge
from tests.factories.judging import judging_site, panels_site, seat
from tests.factories.nominations import make_entries
from tests.web.forms import post_form
from tests.web.test_admin_judging import text_of

SECTION_HEADINGS = ("progress", "rankings", "shortlist", "final-round")


@pytest.fixture
def site(db_session, clock):
    """The judging site of tests/factories/judging.py, committed, with its category's four judging addresses."""
    site = judging_site()
    db_session.commit()
    base = f"/admin/categories/{site.category.id}/judging"
    site.sections = dict(zip(SECTION_HEADINGS, (base, f"{base}/rankings", f"{base}/shortlist", f"{base}/final-round")))
    return site


def current_tabs(body: str) -> list[str]:
    """The addresses of the tabs marked as the one shown."""
    return re.findall(r'class="section-tabs__link" href="([^"]+)" aria-current="page"', body)


@pytest.mark.parametrize("shown", SECTION_HEADINGS)
def test_each_tab_of_a_category_shows_its_own_section_only(organiser_client, site, shown):
    response = organiser_client.get(site.sections[shown])
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    for section in SECTION_HEADINGS:
        assert (f'<h2 id="{section}">' in body) == (section == shown), section
    assert current_tabs(body) == [site.sections[shown]]
    for url in site.sections.values():  # every tab is a plain link, so the page works without JavaScript
        assert f'href="{url}"' in body


def test_the_rankings_tab_orders_by_the_method_asked_for(organiser_client, site):
    weighted = text_of(organiser_client.get(site.sections["rankings"]))
    assert "Entries in order of the weighted mean ." in weighted and "Order by the normalised mean" in weighted
    normalised = text_of(organiser_client.get(site.sections["rankings"] + "?method=normalised"))
    assert "Entries in order of the normalised mean (z-scores) ." in normalised


@pytest.fixture
def crowded(site, db_session):
    """The judging site's category with 30 more entries: 34 eligible entries in all (Callum declined)."""
    make_entries(site.category, 30)
    db_session.commit()
    return site


def ranking_rows(body: str) -> list[str]:
    """The ids of the rankings table's rows."""
    return re.findall(r'<tr id="ranking-(\d+)"', body)


def test_the_rankings_come_25_a_page_with_previous_and_next(organiser_client, crowded):
    url = crowded.sections["rankings"]
    first = organiser_client.get(url).get_data(as_text=True)
    assert len(ranking_rows(first)) == 25
    assert "Page 1 of 2" in first and "Showing entries 1 to 25 of 34." in first
    assert re.search(rf'href="{url}\?page=2#rankings" rel="next">Next', first) and 'rel="prev"' not in first

    second = organiser_client.get(url + "?page=2").get_data(as_text=True)
    assert len(ranking_rows(second)) == 9 and not set(ranking_rows(second)) & set(ranking_rows(first))
    assert "Page 2 of 2" in second and "Showing entries 26 to 34 of 34." in second
    assert re.search(rf'href="{url}\?page=1#rankings" rel="prev">Previous', second) and 'rel="next"' not in second

    # A page past the end shows the last; nonsense or nothing shows the first.
    assert ranking_rows(organiser_client.get(url + "?page=99").get_data(as_text=True)) == ranking_rows(second)
    for nonsense in ("0", "-1", "abc", "1e9", "99999999999999999999", "²", "١"):  # digits to isdigit(), not int()
        assert ranking_rows(organiser_client.get(f"{url}?page={nonsense}").get_data(as_text=True)) == \
            ranking_rows(first), nonsense


def test_a_page_link_keeps_the_method(organiser_client, crowded):
    body = organiser_client.get(crowded.sections["rankings"] + "?method=normalised").get_data(as_text=True)
    assert re.search(r'href="[^"]+/rankings\?method=normalised&amp;page=2#rankings" rel="next"', body)


@pytest.mark.parametrize("query", ["endpoint=x", "category_id=abc", "category_id=999999", "_external=1&_scheme=javascript"])
def test_page_links_keep_the_page_they_are_on_whatever_the_query_string(organiser_client, crowded, query):
    url = crowded.sections["rankings"]
    response = organiser_client.get(f"{url}?{query}")
    assert response.status_code == 200
    assert re.search(rf'href="{url}\?[^"]*page=2#rankings" rel="next">Next', response.get_data(as_text=True))


def test_the_progress_matrix_comes_25_entries_a_page(organiser_client, crowded):
    body = organiser_client.get(crowded.sections["progress"]).get_data(as_text=True)
    matrix = body.split("Scoring by entry and judge", 1)[1].split("</table>", 1)[0]
    assert matrix.count('<th scope="row">') == 25 and "Page 1 of 2" in body
    second = organiser_client.get(crowded.sections["progress"] + "?page=2").get_data(as_text=True)
    assert second.split("Scoring by entry and judge", 1)[1].split("</table>", 1)[0].count('<th scope="row">') == 9


def test_a_short_list_has_no_page_links(organiser_client, site):
    body = organiser_client.get(site.sections["rankings"]).get_data(as_text=True)
    assert 'class="pagination"' not in body


# --- The judges page ------------------------------------------------------------------------------------------------


@pytest.fixture
def judges_site(db_session, clock):
    """Jo and Sam on the panels (tests/factories/judging.py panels_site), committed, with the judges page's addresses."""
    site = panels_site()
    db_session.commit()
    base = f"/admin/editions/{site.edition.id}"
    site.tabs = {"panels": f"{base}/judges", "add": f"{base}/judges/new", "others": f"{base}/judges/others",
                 "blind": f"{base}/blind-judging"}
    return site


def test_each_section_of_the_judges_page_has_its_own_address(organiser_client, judges_site):
    expected = {"panels": 'id="on-panels"', "add": 'id="add-judge"', "others": 'id="other-judges"',
                "blind": 'id="blind-judging"'}
    for section, url in judges_site.tabs.items():
        body = organiser_client.get(url).get_data(as_text=True)
        assert current_tabs(body) == [url], section
        for other, marker in expected.items():
            assert (marker in body) == (other == section), (section, other)
    # No "invite again" tab for an edition that was not copied from a past one; its address says why there is none.
    assert "/judges/invite-again\"" not in organiser_client.get(judges_site.tabs["panels"]).get_data(as_text=True)
    again = text_of(organiser_client.get(judges_site.tabs["panels"] + "/invite-again"))
    assert "This edition was not copied from a past one, so there are no past panels to invite again." in again


def test_the_judges_come_25_a_page_and_a_change_opens_the_judge_on_their_page(organiser_client, judges_site,
                                                                            db_session):
    for number in range(30):
        seat(make_judge(f"judge{number:02}@example.org", f"Zoe Judge {number:02}"), judges_site.carers)
    db_session.commit()
    url = judges_site.tabs["panels"]
    first = organiser_client.get(url).get_data(as_text=True)
    assert first.count('class="disclosure-list__item"') == 25 and "Page 1 of 2" in first
    assert "Judges on the panels (32)" in first

    # The last judge (alphabetically) is on page 2: saving their panels comes back there with their card open.
    last = db_session.scalar(select(User).where(User.email == "judge29@example.org"))
    response = post_form(organiser_client, f"{url}/{last.id}/panels", {"category": [str(judges_site.carers.id)]},
                         form_page=url + "?page=2")
    assert response.headers["Location"] == f"{url}?judge={last.id}#judge-{last.id}"
    page = organiser_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Page 2 of 2" in page and re.search(rf'id="judge-{last.id}">\s*<details open>', page)
    assert page.count("<details open>") == 1
    # Leaving the judge's own pages goes back to the page holding their card, too.
    edit = organiser_client.get(f"/admin/editions/{judges_site.edition.id}/judges/{last.id}/edit").get_data(as_text=True)
    assert f'{url}?judge={last.id}#judge-{last.id}">Cancel' in edit


def test_a_judge_taken_off_every_panel_is_found_among_the_other_accounts(organiser_client, judges_site):
    url = judges_site.tabs["panels"]
    response = post_form(organiser_client, f"{url}/{judges_site.other_judge.id}/panels", {}, form_page=url)
    sam = judges_site.other_judge.id
    assert response.headers["Location"] == f"{judges_site.tabs['others']}?judge={sam}#judge-{sam}"
    page = organiser_client.get(response.headers["Location"]).get_data(as_text=True)
    assert re.search(rf'id="judge-{sam}">\s*<details open>', page)
