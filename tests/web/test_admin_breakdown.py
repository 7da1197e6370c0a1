"""The organisers' breakdown of a category's rankings through the test client: who may see it, the page (tables per
judge and criterion, plain words, disagreements, flags, the chart and its table), the method switch, and the CSV."""
from __future__ import annotations

import csv
import io
import re

import pytest

from awards_app.judging.shortlist import category_rankings
from tests.factories.accounts import JUDGE_PASSWORD, make_judge
from tests.factories.judging import judging_site, make_scores, seat
from tests.factories.nominations import make_nomination
from tests.web.forms import sign_in
from tests.web.test_admin_judging import text_of


@pytest.fixture
def site(db_session, clock):
    """The judging site (Morag 8, Hamish 6, Ailsa 4.5, Eilidh 2; judge C conflicted on Ailsa), committed."""
    site = judging_site()
    db_session.commit()
    site.page = f"/admin/categories/{site.category.id}/breakdown"
    site.csv = f"/admin/categories/{site.category.id}/breakdown.csv"
    site.disagreements = f"{site.page}/disagreements"
    site.entries = f"{site.page}/entries"
    return site


def test_visitors_are_sent_to_sign_in_and_judges_refused(app, judge_client, site):
    for url in (site.page, site.disagreements, site.entries, site.csv):
        response = app.test_client().get(url)
        assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in"), url
        assert judge_client.get(url).status_code == 403, url


def test_a_judge_on_the_panel_is_refused_too(client, site, db_session):
    panel_judge = make_judge("panel.judge@example.org", "Panel Judge", password=JUDGE_PASSWORD)
    seat(panel_judge, site.category)
    db_session.commit()
    signed_in = sign_in(client, "panel.judge@example.org", JUDGE_PASSWORD)
    assert signed_in.get(site.page).status_code == 403
    assert signed_in.get(site.csv).status_code == 403


def test_unknown_categories_give_404(organiser_client):
    for url in ("/admin/categories/999999/breakdown", "/admin/categories/999999/breakdown.csv"):
        assert organiser_client.get(url).status_code == 404, url


def test_the_page_explains_each_entry_per_judge_and_criterion(organiser_client, site):
    response = organiser_client.get(site.entries)
    assert response.status_code == 200
    text = text_of(response)
    assert "Why entries rank where they do: Carer of the Year" in text
    # Hamish: Aileen 7,7 -> 7.00; Tariq 6,6 -> 6.00; Morven 6,2 -> 5.00
    assert "Aileen Fraser 7 7 7.00" in text and "Morven Clark 6 2 5.00" in text
    assert "Judges differ by up to 5 points on Innovation (from 2 to 7, on a scale of 0 to 10)." in text
    assert "The judges agree closely" in text
    # Morven is conflicted on Ailsa: listed as not counted, with why.
    assert "Morven Clark: Has a conflict of interest with this entry: any scores are not counted." in text


def test_the_most_disagreed_entries_are_listed_with_the_reason(organiser_client, site):
    response = organiser_client.get(site.disagreements)
    text = text_of(response)
    section = text.split("Where the panel disagrees most", 1)[1].split("Judges whose scoring stands out")[0]
    # Spreads: Morag, Hamish and Eilidh 0.82 (three judges each, 2 points apart overall); Ailsa 0.5 comes fourth.
    assert section.count("Their overall scores range from") == 3
    assert "Ailsa Grant" not in section
    # Each leads to its entry on the entry-by-entry tab, which opens that entry's disclosure and no other.
    link = f"{site.entries}?method=weighted&amp;entry={site.hamish.id}#entry-{site.hamish.id}"
    assert f'href="{link}"' in response.get_data(as_text=True)
    body = organiser_client.get(f"{site.entries}?entry={site.hamish.id}").get_data(as_text=True)
    assert re.search(rf'id="entry-{site.hamish.id}">\s*<details open>', body)
    assert re.search(rf'id="entry-{site.morag.id}">\s*<details>', body)


def test_each_tab_shows_its_own_section(organiser_client, site):
    spread, disagreements, entries = (
        organiser_client.get(url).get_data(as_text=True) for url in (site.page, site.disagreements, site.entries)
    )
    assert "<svg" in spread and 'id="disagreements"' not in spread and 'id="entries"' not in spread
    assert 'id="disagreements"' in disagreements and 'id="flagged-judges"' in disagreements
    assert "<svg" not in disagreements and 'id="entries"' not in disagreements
    assert 'id="entries"' in entries and "<svg" not in entries and 'id="disagreements"' not in entries
    for body, current in ((spread, site.page), (disagreements, site.disagreements), (entries, site.entries)):
        assert re.findall(r'href="([^"?]+)\?method=weighted" aria-current="page"', body) == [current]


def test_the_chart_is_drawn_on_the_server_with_a_table_beside_it(organiser_client, site):
    body = organiser_client.get(site.page).get_data(as_text=True)
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="chart"' in body and 'role="img"' in body
    assert "How far apart the judges are on each entry, Carer of the Year" in body
    assert "5 to 7, mean 6" in body  # Hamish's range and mean, on the chart
    assert "The judges&#39; weighted scores of each entry (out of 10)" in body  # the table equivalent
    assert "style=" not in body.split("<svg", 1)[1].split("</svg>", 1)[0]


def test_flags_from_the_rankings_are_explained(organiser_client, site, db_session):
    same = make_judge("same@example.org", "Sam Same")
    seat(same, site.category)
    for entry in (site.morag, site.hamish, site.eilidh):
        make_scores(same, entry, site.criteria, 5, 5)
    db_session.commit()
    text = text_of(organiser_client.get(site.disagreements))
    assert "Sam Same Gives every entry the same score (5 out of 10" in text


def test_the_order_follows_the_method_asked_for_and_a_wrong_one_falls_back(organiser_client, site):
    normalised = text_of(organiser_client.get(site.page + "?method=normalised"))
    assert "Entries in order of the normalised mean (z-scores)" in normalised
    assert "Order by the weighted mean" in normalised
    wrong = organiser_client.get(site.page + "?method=%3Dcmd")
    assert wrong.status_code == 200 and "Entries in order of the weighted mean" in text_of(wrong)


def test_the_judging_page_links_to_the_breakdown_and_the_comments(organiser_client, site):
    body = organiser_client.get(f"/admin/categories/{site.category.id}/judging").get_data(as_text=True)
    assert f'href="{site.page}"' in body
    assert f'href="/admin/categories/{site.category.id}/comments"' in body


def read_csv(response) -> list[dict]:
    """The CSV's rows as dicts (the byte order mark dropped)."""
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


def test_the_csv_has_a_row_per_entry_judge_and_criterion(organiser_client, site):
    response = organiser_client.get(site.csv)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response.headers["Content-Disposition"]
    assert "no-store" in response.headers["Cache-Control"]
    rows = read_csv(response)
    # Every counted (entry, judge) pair has one row per criterion; Morven's conflicted Ailsa has none.
    counted = {(row["Entry"], row["Judge"]) for row in rows}
    assert ("Ailsa Grant", "Morven Clark") not in counted
    hamish = [row for row in rows if row["Entry"] == "Hamish MacLeod" and row["Judge"] == "Morven Clark"]
    assert [(row["Criterion"], row["Score"], row["Judge's weighted score (out of 10)"]) for row in hamish] == [
        ("Impact", "6", "5"), ("Innovation", "2", "5"),
    ]
    # The rank is the rankings' own (Callum declined, so he is out of judging and ranked nowhere).
    expected = next(e for e in category_rankings(site.category).rankings.entries if e.entry_id == site.hamish.id)
    assert hamish[0]["Rank"] == str(expected.weighted_rank) and hamish[0]["Weighted mean (out of 10)"] == "6"
    assert "Callum" not in {row["Entry"].split()[0] for row in rows}
    # A judge's normalised figures sum to zero, so some are negative: each stays a number, never quoted as text.
    figures = [row["Judge's normalised figure"] for row in rows]
    assert any(float(figure) < 0 for figure in figures) and all(not figure.startswith("'") for figure in figures)
    assert len(rows) == 2 * len(counted)


def test_the_csv_never_holds_a_formula(organiser_client, site, db_session):
    sly = make_nomination(site.category, "=HYPERLINK(\"http://evil.example\")", consent=site.morag.consent,
                          status=site.morag.status)
    for judge in site.judges:
        make_scores(judge, sly, site.criteria, 3, 3)
    db_session.commit()
    raw = organiser_client.get(site.csv).get_data(as_text=True)
    assert '"=HYPERLINK' not in raw
    assert "\"'=HYPERLINK" in raw


# --- The range chart (web/charts.py range_chart) ---------------------------------------------------------------


def test_the_range_chart_draws_each_range_to_scale_with_its_mean():
    from awards_app.web.charts import MARGIN, WIDTH, range_chart

    chart = str(range_chart("spread", "Spread <b>", [("Morag & co", 5, 7, 6), ("Nobody yet", None, None, None)],
                            (0, 10), "What it shows."))
    plot = WIDTH - 2 * MARGIN
    # The range's line runs from 5 to 7 on the 0-10 scale (gridlines run top to bottom, so never end at 7).
    assert re.search(rf'<line x1="{MARGIN + plot * 0.5:g}" y1="[\d.]+" x2="{MARGIN + plot * 0.7:g}"', chart)
    assert f'cx="{MARGIN + plot * 0.6:g}"' in chart
    assert "5 to 7, mean 6" in chart
    assert "Spread &lt;b&gt;" in chart and "Morag &amp; co" in chart
    assert chart.count("<circle") == 1  # a row without figures has its label only
    assert "style" not in chart


def test_the_range_chart_refuses_a_bad_id_or_scale():
    from awards_app.web.charts import range_chart

    with pytest.raises(ValueError):
        range_chart("1 bad", "Title", [], (0, 10))
    with pytest.raises(ValueError):
        range_chart("good", "Title", [], (10, 0))
