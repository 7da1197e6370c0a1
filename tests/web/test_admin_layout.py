"""The organisers' layout: the whole width, the edition's navigation and its current section, and the one table
helper (labels for stacked rows, column kinds, spans, whole numbers and references)."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from markupsafe import Markup

from awards_app.web.admin.shared import OVERVIEW, SECTION_OF_ENDPOINT, SECTIONS
from awards_app.web.template_helpers import LONG_TABLE_ROWS, table_rows
from tests.factories.programme import make_category, make_edition

NAV = re.compile(r'<nav class="edition-nav".*?</nav>', re.DOTALL)
CURRENT = re.compile(r'<a class="edition-nav__link" href="[^"]+" aria-current="page">([^<]+)</a>')

# --- The table helper ----------------------------------------------------------------------------------------------

HEADINGS = ["Entry", ("Votes", "numeric"), ("Reference", "reference"), ("Action", "hidden")]


def cells(html: str) -> list[str]:
    """The opening tags of the cells, in order."""
    return re.findall(r"""<t[dh]\b(?:[^>"']|"[^"]*"|'[^']*')*>""", str(html))


def test_each_cell_is_labelled_with_its_column_and_given_its_kind():
    rows = table_rows(
        '<tr><th scope="row">Morag Fraser</th><td>12</td><td>SMA-AB12</td><td><a href="/x">Void</a></td></tr>', HEADINGS
    )
    entry, votes, reference, action = cells(rows)
    assert 'role="rowheader"' in entry and 'data-label="Entry"' in entry
    assert 'role="cell"' in votes and 'data-label="Votes"' in votes and "table__numeric" in votes
    assert 'data-label="Reference"' in reference and "table__reference" in reference
    assert "data-label" not in action  # a column of buttons has no heading anyone sees
    assert '<tr role="row">' in str(rows)
    assert rows.count == 1


def test_a_cell_spanning_columns_gets_no_label_and_the_next_cell_its_own_column():
    rows = table_rows('<tr><td colspan="2">No votes yet</td><td>SMA-1</td><td></td></tr>', HEADINGS)
    spanning, reference, _ = cells(rows)
    assert "data-label" not in spanning and "class" not in spanning
    assert 'data-label="Reference"' in reference


def test_what_a_cell_already_says_is_kept():
    rows = table_rows(
        '<tr class="x"><td data-label="Own" class="multiline">a b</td><td class="table__numeric">3</td></tr>',
        HEADINGS,
    )
    first, second = cells(rows)
    assert first.count("data-label") == 1 and 'data-label="Own"' in first and 'class="multiline"' in first
    assert second.count("class=") == 1 and "table__numeric" in second and second.count("table__numeric") == 1
    assert '<tr class="x" role="row">' in str(rows)


@pytest.mark.parametrize("text", ["DEMO-2026-017", "1,234", "45.3%", "17:00", '<a href="/n/1">SMA-AB12</a>', "12&nbsp;"])
def test_a_cell_of_one_word_with_a_digit_never_breaks(text):
    (cell,) = cells(table_rows(f"<tr><td>{text}</td></tr>", ["Anything"]))
    assert "table__nowrap" in cell


@pytest.mark.parametrize("text", ["Morag Fraser", "Fife", "1.2 to 3.4", "Scored 3 of 4"])
def test_words_and_phrases_may_wrap(text):
    (cell,) = cells(table_rows(f"<tr><td>{text}</td></tr>", ["Anything"]))
    assert "table__nowrap" not in cell


def test_labels_are_escaped_and_content_untouched():
    rows = table_rows('<tr><td title="a > b">x &amp; y</td></tr>', [Markup("Name &amp; <em>role</em>")])
    assert 'title="a > b"' in str(rows) and ">x &amp; y</td>" in str(rows)
    assert 'data-label="Name &amp; role"' in cells(rows)[0]


def test_the_macro_draws_roles_kinds_and_a_long_table_in_its_own_scrolling_box(app):
    template = app.jinja_env.from_string(
        '{% from "macros/tables.html" import table %}'
        '{% call table("Votes", ["Finalist", ("Votes", "numeric")]) %}'
        '{% for n in range(rows) %}<tr><th scope="row">F{{ n }}</th><td>{{ n }}</td></tr>{% endfor %}{% endcall %}'
    )
    with app.test_request_context():
        short, long = template.render(rows=3), template.render(rows=LONG_TABLE_ROWS + 1)
    assert 'role="table"' in short and '<th scope="col" role="columnheader" class="table__numeric">Votes</th>' in short
    assert "table-wrapper--long" not in short and 'tabindex="0"' not in short
    assert "table-wrapper--long" in long and 'role="region" aria-label="Votes" tabindex="0"' in long


# --- The layout and the edition's navigation -----------------------------------------------------------------------


@pytest.fixture
def edition(db_session):
    """A draft-free edition with one category."""
    edition = make_edition()
    category = make_category(edition)
    db_session.commit()
    return edition.id, category.id


@pytest.mark.parametrize(
    ("path", "section"),
    [
        ("/admin/editions/{e}", "Setup"),
        ("/admin/editions/{e}/edit", "Setup"),
        ("/admin/editions/{e}/categories/{c}", "Setup"),
        ("/admin/editions/{e}/nominations", "Nominations"),
        ("/admin/editions/{e}/duplicates", "Duplicates"),
        ("/admin/editions/{e}/judges", "Judges"),
        ("/admin/editions/{e}/conflicts", "Judges"),
        ("/admin/editions/{e}/judging", "Judging"),
        ("/admin/categories/{c}/judging", "Judging"),
        ("/admin/categories/{c}/breakdown", "Judging"),
        ("/admin/editions/{e}/shortlist", "Shortlist"),
        ("/admin/editions/{e}/ceremony", "Ceremony"),
        ("/admin/editions/{e}/ceremony/rsvp", "RSVP"),
        ("/admin/editions/{e}/messages", "Messages"),
        ("/admin/editions/{e}/reach", "Reach"),
    ],
)
def test_the_navigation_marks_the_section_of_the_page(organiser_client, edition, path, section):
    edition_id, category_id = edition
    response = organiser_client.get(path.format(e=edition_id, c=category_id))
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    (nav,) = NAV.findall(body)
    assert CURRENT.findall(nav) == [section]
    assert f'href="/admin/editions/{edition_id}/nominations"' in nav
    assert '<main id="main" class="container container--wide"' in body


def test_the_vote_section_appears_only_with_a_public_vote(organiser_client, edition):
    body = organiser_client.get(f"/admin/editions/{edition[0]}").get_data(as_text=True)
    labels = re.findall(r'class="edition-nav__link"[^>]*>([^<]+)</a>', NAV.search(body).group(0))
    assert labels == [label for label, _ in SECTIONS if label != "Vote"]


def test_pages_outside_an_edition_and_public_pages_have_no_edition_navigation(client, organiser_client, edition):
    dashboard = organiser_client.get("/admin/").get_data(as_text=True)
    assert "edition-nav" not in dashboard and "container--wide" in dashboard
    home = client.get("/").get_data(as_text=True)
    assert "edition-nav" not in home and "container--wide" not in home and '<main id="main" class="container"' in home


def test_every_page_of_an_edition_belongs_to_a_section(app):
    """A new organisers' page about an edition must say where it sits in the navigation (shared.py)."""
    pages = {
        rule.endpoint for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("admin.") and "GET" in rule.methods
        and rule.arguments & {"edition_id", "category_id", "contest_id", "message_id", "nomination_id"}
        and not rule.rule.endswith((".csv", "/image"))
    }
    assert pages - set(SECTION_OF_ENDPOINT) == set()
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert set(SECTION_OF_ENDPOINT) <= endpoints
    assert {endpoint for _, endpoint in SECTIONS} | {OVERVIEW} <= endpoints


def test_htmx_never_copies_a_style_attribute_when_a_swap_settles(client):
    """htmx 2 copies class and style between old and new elements of one id; a style attribute written by script is
    an inline style, which the Content-Security-Policy refuses (and Chromium reports as a violation)."""
    body = client.get("/").get_data(as_text=True)
    config = json.loads(re.search(r"<meta name=\"htmx-config\" content='([^']+)'>", body).group(1))
    assert "style" not in config["attributesToSettle"]


def test_no_link_sends_organisers_to_a_section_of_the_category_judging_page_that_moved_to_a_tab():
    """The rankings, shortlist and final round are tabs with their own addresses now: a link to the progress tab with
    one of their anchors would land on the wrong tab (the ceremony page's "record its result" once did)."""
    templates = Path(__file__).resolve().parents[2] / "templates"
    stale = [
        f"{path.relative_to(templates)}: {found}"
        for path in templates.rglob("*.html")
        for found in re.findall(r"url_for\('admin\.category_judging'[^)]*_anchor=[^)]*\)", path.read_text())
    ]
    assert not stale
