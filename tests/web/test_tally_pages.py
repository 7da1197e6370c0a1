"""The published list of votes through the test client: nothing before publishing, then the list, the receipt checker,
the CSV; and nothing of the count on public pages while the vote is open."""
from __future__ import annotations

import csv
import hashlib
import html
import io
import re
from datetime import timedelta

import pytest

from awards_app.voting import tally
from tests.factories.ceremony import reveal_result
from tests.factories.programme import make_edition
from tests.factories.voting import make_vote, make_votes, public_vote
from tests.web.forms import post_form


@pytest.fixture
def site(db_session, clock):
    """An open contest with 4 counted votes (3 for Harbour Arts, 1 for Breathe Easy) and 1 voided."""
    site = public_vote(make_edition())
    harbour, breathe, _walk = site.finalists
    make_vote(site.contest, harbour, receipt="HRBR-2345-MNPQ")
    make_votes(site.contest, harbour, 2)
    make_vote(site.contest, breathe, receipt="AAAA-BBBB-CCCC")
    make_vote(site.contest, breathe, receipt="VOID-VOID-VOID", voided=True)
    db_session.commit()
    site.url = f"/tally/{site.contest.id}"
    return site


@pytest.fixture
def published(site, organiser, clock, db_session):
    """The same contest, closed, its result revealed at the ceremony and its list published."""
    clock.set(site.contest.closes_at + timedelta(hours=1))
    reveal_result(site.category)
    tally.publish_tally(organiser, site.contest)
    db_session.commit()
    return site


def text_of(response) -> str:
    """The page as text, entities decoded, spaces collapsed (and none left before punctuation)."""
    text = re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))))
    return re.sub(r" ([.,:;])", r"\1", text)


def digest(code: str) -> str:
    """The SHA-256 of a receipt code, in hexadecimal."""
    return hashlib.sha256(code.encode()).hexdigest()


# --- Sealed until published --------------------------------------------------------------------------------------


def test_nothing_is_public_before_publishing(client, site, clock):
    for moment in (clock.now(), site.contest.closes_at + timedelta(days=1)):  # open, then closed but unpublished
        clock.set(moment)
        assert client.get(site.url).status_code == 404
        assert client.get(site.url + ".csv").status_code == 404
        assert client.post(site.url, data={"receipt": "HRBR-2345-MNPQ"}).status_code in (400, 404)
    assert client.get("/tally/999999").status_code == 404
    assert client.get("/tally/99999999999.csv").status_code == 404


def test_a_voter_following_their_receipt_early_is_told_when_the_list_comes(client, site, clock):
    # The emailed receipt links here: before publication the page is still a 404 and shows nothing of the count, but
    # says when the list will come instead of "not found".
    clock.set(site.contest.closes_at + timedelta(days=1))
    response = client.get(site.url)
    assert response.status_code == 404
    page = text_of(response)
    assert "The list of votes is not published yet" in page and "Keep your receipt code" in page
    assert "votes counted" not in page.lower()
    assert "not published yet" not in text_of(client.get("/tally/999999"))  # no contest: the plain 404


def test_public_pages_show_nothing_of_the_count_while_the_vote_is_open(client, site):
    for url in ("/", "/vote", "/shortlist", "/privacy"):
        response = client.get(url, follow_redirects=True)
        body = response.get_data(as_text=True)
        assert response.status_code in (200, 404), url
        assert digest("HRBR-2345-MNPQ") not in body
        assert "votes counted" not in body.lower() and "HRBR-2345-MNPQ" not in body
        assert not re.search(r"\b(75|25)(\.0)?%", text_of(response)), url  # no share of the count
        assert not re.search(r"\b[34] votes?\b", text_of(response)), url


# --- Published ---------------------------------------------------------------------------------------------------


def test_the_published_page_shows_totals_how_to_recount_and_the_list(client, published):
    response = client.get(published.url)

    assert response.status_code == 200
    text = text_of(response)
    body = response.get_data(as_text=True)
    rows = dict(re.findall(r'<tr[^>]*><th scope="row"[^>]*>([^<]+)</th><td class="table__numeric[^"]*"[^>]*>([\d,]+)</td></tr>', body))
    assert rows["Harbour Arts"] == "3" and rows["Breathe Easy"] == "1"
    assert rows["Votes that count"] == "4" and rows["Voided votes"] == "1" and rows["Lines in the list"] == "5"
    assert "How to recount" in text and "shasum -a 256" in text
    hashes = re.findall(r'<td[^>]*><code class="tally-hash">([0-9a-f]{64})</code></td>', body)
    assert len(hashes) == 5 and hashes == sorted(hashes)
    assert digest("HRBR-2345-MNPQ") in hashes and digest("VOID-VOID-VOID") in hashes
    assert "HRBR-2345-MNPQ" not in body  # never the codes themselves
    assert "example.org" not in body and "192.0.2.0" not in body  # nor domains or networks


def test_a_voter_checks_their_receipt(client, published):
    counted = post_form(client, published.url, {"receipt": "hrbr 2345 mnpq"})
    assert counted.status_code == 200
    assert "Your vote for Harbour Arts is in the list, and it counted." in text_of(counted)
    assert digest("HRBR-2345-MNPQ") in counted.get_data(as_text=True)

    voided = post_form(client, published.url, {"receipt": "VOID-VOID-VOID"})
    assert "Your vote for Breathe Easy is in the list, but it was voided: it does not count." in text_of(voided)

    missing = post_form(client, published.url, {"receipt": "ZZZZ-ZZZZ-ZZZZ"})
    assert missing.status_code == 200
    assert "No vote in the list has the receipt code ZZZZ-ZZZZ-ZZZZ." in text_of(missing)

    empty = post_form(client, published.url, {"receipt": "  "})
    assert empty.status_code == 422
    assert "<title>Error: " in empty.get_data(as_text=True) and "Enter your receipt code" in text_of(empty)


def test_the_checker_needs_the_csrf_token(client, published):
    assert client.post(published.url, data={"receipt": "HRBR-2345-MNPQ"}).status_code == 400


def test_the_csv_holds_the_whole_list(client, published):
    response = client.get(published.url + ".csv")

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == f'attachment; filename="votes-contest-{published.contest.id}.csv"'
    rows = list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))
    assert rows[0] == ["receipt_sha256", "finalist", "voided"]
    assert len(rows) == 6 and [row[0] for row in rows[1:]] == sorted(row[0] for row in rows[1:])
    assert [digest("HRBR-2345-MNPQ"), "Harbour Arts", "no"] in rows
    assert [digest("VOID-VOID-VOID"), "Breathe Easy", "yes"] in rows
    recount = {}
    for receipt_hash, finalist, voided in rows[1:]:
        if voided == "no":
            recount[finalist] = recount.get(finalist, 0) + 1
    assert recount == {"Harbour Arts": 3, "Breathe Easy": 1}


def test_the_list_is_paginated(client, published, db_session, monkeypatch):
    from awards_app.web.public import tally as tally_routes

    monkeypatch.setattr(tally_routes, "ROWS_PER_PAGE", 2)
    first = client.get(published.url).get_data(as_text=True)
    assert first.count('class="tally-hash"') == 2 and "Page 1 of 3" in first
    last = client.get(published.url + "?page=3")
    assert last.get_data(as_text=True).count('class="tally-hash"') == 1 and "Lines 5 to 5 of 5" in text_of(last)
    for odd in ("?page=0", "?page=x", "?page=99"):
        assert client.get(published.url + odd).status_code == 200
