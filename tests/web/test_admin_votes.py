"""The organisers' vote view through the test client: access, the figures, the chart and its table, voiding with a
confirmation step, assisted votes, publishing, and 404s."""
from __future__ import annotations

import html
import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from awards_app.core import clock as app_clock
from awards_app.voting.models import Vote
from tests.factories.ceremony import reveal_result
from tests.factories.programme import make_edition
from tests.factories.voting import make_vote, make_vote_request, make_votes, public_vote
from tests.web.forms import csrf_token_from, post_form

NOON = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
SVG = re.compile(r"<svg\b.*?</svg>", re.DOTALL)


@pytest.fixture
def site(db_session, clock):
    """A contest open since two days ago with a few votes, one voided, and a pending request."""
    site = public_vote(make_edition())
    harbour, breathe, _walk = site.finalists
    make_votes(site.contest, harbour, 3, cast_at=NOON - timedelta(hours=2, minutes=30), domain="gmail.com")
    make_vote(site.contest, breathe, cast_at=NOON - timedelta(hours=2, minutes=10), receipt="K7QM-3XHT-P2WD",
             domain="quickinbox.example", network="203.0.113.0/24")
    make_vote(site.contest, breathe, cast_at=NOON - timedelta(hours=2, minutes=5), domain="quickinbox.example",
             network="203.0.113.0/24")
    make_vote(site.contest, breathe, cast_at=NOON - timedelta(days=1), voided=True)
    make_vote_request(site.contest, harbour, expires_in=timedelta(hours=3))
    db_session.commit()
    site.url = f"/admin/contests/{site.contest.id}/votes"
    return site


def text_of(response) -> str:
    """The page as text, entities decoded, spaces collapsed."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))))


def vote_count(db_session) -> int:
    """How many votes the log holds (voided or not)."""
    return db_session.scalar(select(func.count()).select_from(Vote))


# --- Access ------------------------------------------------------------------------------------------------------


def test_visitors_are_sent_to_sign_in(client, site):
    for url in (site.url, site.url + "/publish"):
        response = client.get(url)
        assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in")
    response = client.post(site.url + "/void", data={"void_receipt_code": "K7QM-3XHT-P2WD", "void_reason": "x"})
    assert response.status_code in (302, 400)  # no CSRF token: refused before anything else
    assert client.get(f"/tally/{site.contest.id}").status_code == 404


def test_judges_are_refused(judge_client, site):
    assert judge_client.get(site.url).status_code == 403
    token = csrf_token_from(judge_client, "/judging/")
    response = judge_client.post(site.url + "/void-block", data={
        "csrf_token": token, "block_kind": "network", "block_value": "203.0.113.0/24", "block_reason": "x",
        "confirmed": "yes",
    })
    assert response.status_code == 403


def test_unknown_contests_are_404(organiser_client, site):
    assert organiser_client.get("/admin/contests/999999/votes").status_code == 404
    assert organiser_client.get("/admin/contests/99999999999/votes").status_code == 404
    response = post_form(organiser_client, "/admin/contests/999999/votes/void",
                         {"void_receipt_code": "K7QM-3XHT-P2WD", "void_reason": "x"}, form_page=site.url)
    assert response.status_code == 404


def test_posts_need_the_csrf_token(organiser_client, site, db_session):
    response = organiser_client.post(site.url + "/void-block", data={
        "block_kind": "network", "block_value": "203.0.113.0/24", "block_reason": "Burst", "confirmed": "yes",
    })
    assert response.status_code == 400
    assert db_session.scalar(select(func.count()).select_from(Vote).where(Vote.voided_at.is_(None))) == 5


# A table row's heading and its first figure (the table macro adds roles, labels and kinds to the cells).
NUMBER_ROW = re.compile(r'<tr[^>]*><th scope="row"[^>]*>([^<]+)</th><td class="table__numeric[^"]*"[^>]*>([\d,]+)</td>')


# --- The view ----------------------------------------------------------------------------------------------------


def test_the_view_shows_counts_tally_and_the_busiest(organiser_client, site):
    response = organiser_client.get(site.url)

    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    text = text_of(response)
    assert "Votes counted 5" in text and "Votes voided 1" in text
    assert "Waiting for confirmation 1" in text and "Expired unconfirmed 0" in text
    body = response.get_data(as_text=True)
    rows = dict(NUMBER_ROW.findall(body))
    assert rows["Harbour Arts"] == "3" and rows["Breathe Easy"] == "2" and html.unescape("Walk &amp; Talk") in {
        html.unescape(name) for name in rows}
    assert "60.0%" in text and "40.0%" in text
    assert "Nothing is flagged." in text
    assert "How votes are flagged" in text and "more than 3 times the median hourly count" in text
    assert "Total 5 100%" in text  # the total's share, so that the row is as full as those above it

    sources = "".join(organiser_client.get(site.url + f"?show={part}").get_data(as_text=True)
                      for part in ("sources", "networks"))
    rows = dict(NUMBER_ROW.findall(sources))
    assert rows["gmail.com"] == "3" and rows["quickinbox.example"] == "2" and rows["203.0.113.0/24"] == "2"


def test_the_view_is_split_into_parts_each_its_own_page(organiser_client, site):
    parts = {
        "": ("Counts and flags", ["Votes counted 5", "Votes per finalist", "Publish the list of votes"]),
        "?show=time": ("Over time", ["Votes per day", "Votes per hour on Sunday 1 March 2026"]),
        "?show=sources": ("Domains", ["Busiest email domains"]),
        "?show=networks": ("Address blocks", ["Busiest address blocks"]),
        "?show=actions": ("Void votes", ["Void a vote", "Void a block of votes"]),
        "?show=assisted": ("Assisted votes", ["Enter an assisted vote"]),
    }
    headings = {heading for _name, (_label, part_headings) in parts.items() for heading in part_headings}
    for query, (label, shown) in parts.items():
        body = organiser_client.get(site.url + query).get_data(as_text=True)
        text = text_of(organiser_client.get(site.url + query))
        assert f"<title>{label} – Public vote: " in body
        assert re.search(rf'<a class="section-tabs__link" href="[^"]*" aria-current="page">{label}</a>', body)
        assert len(re.findall(r'class="section-tabs__link"[^>]*aria-current="page"', body)) == 1
        for heading in shown:
            assert heading in text, (query, heading)
        for heading in headings - set(shown):
            assert f">{heading}<" not in body, (query, heading)
    assert "Counts and flags" in text_of(organiser_client.get(site.url + "?show=nonsense"))  # the first part


def test_the_tally_is_sealed_until_the_reveal_then_says_when_it_was_revealed(organiser_client, site, clock,
                                                                              db_session):
    sealed = "Sealed: only organisers see this count until the result is revealed at the ceremony."
    assert sealed in text_of(organiser_client.get(site.url))

    clock.set(site.contest.closes_at + timedelta(days=1))
    reveal_result(site.category)
    db_session.commit()

    page = text_of(organiser_client.get(site.url))
    assert sealed not in page and "Sealed" not in page
    assert "The result was revealed at the ceremony at " in page


def test_the_hourly_chart_has_the_same_figures_as_its_table(organiser_client, site):
    body = organiser_client.get(site.url + "?show=time").get_data(as_text=True)

    per_day, per_hour = SVG.findall(body)
    assert 'role="img"' in per_hour and "Votes cast per hour on Sunday 1 March 2026" in per_hour
    assert per_hour.count("<g>") == 24 and per_hour.count("<rect") == 1  # only the 09:00 hour had votes
    hour_rows = {hour: count for hour, count in NUMBER_ROW.findall(body) if re.fullmatch(r"\d\d:00", hour)}
    assert len(hour_rows) == 24 and hour_rows["09:00"] == "5" and hour_rows["10:00"] == "0"
    assert per_day.count("<g>") == 3  # 27 February to 1 March, as columns left to right
    assert "Column chart of the votes cast on each day" in per_day
    assert [float(x) for x in re.findall(r'<rect x="([\d.]+)"', per_day)] == sorted(
        float(x) for x in re.findall(r'<rect x="([\d.]+)"', per_day))
    assert "style=" not in per_hour and "<script" not in per_hour


def test_another_day_can_be_shown_and_bad_days_are_ignored(organiser_client, site):
    body = organiser_client.get(site.url + "?show=time&day=2026-02-28").get_data(as_text=True)
    assert "Votes per hour on Saturday 28 February 2026" in body
    assert f'href="/admin/contests/{site.contest.id}/votes?show=time&amp;day=2026-03-01#per-hour" rel="next"' in body
    for bad in ("2026-13-01", "nonsense", "2025-01-01"):
        response = organiser_client.get(site.url + "?show=time&day=" + bad)
        assert response.status_code == 200
        assert "Votes per hour on Sunday 1 March 2026" in response.get_data(as_text=True)


def test_spikes_are_flagged_with_a_link_that_fills_the_block_form(organiser_client, site, db_session):
    make_votes(site.contest, site.finalists[1], 25, domain="quickinbox.example", network="203.0.113.0/24",
              cast_at=NOON - timedelta(minutes=20))
    db_session.commit()

    body = organiser_client.get(site.url).get_data(as_text=True)

    assert "27 votes (90% of all counted votes) came from the address block 203.0.113.0/24." in html.unescape(body)
    assert "27 votes (90% of all counted votes) used email addresses at quickinbox.example." in html.unescape(body)
    assert f'href="{site.url}?show=actions&amp;kind=network&amp;value=203.0.113.0/24#void-block"' in body
    filled = organiser_client.get(site.url + "?show=actions&kind=network&value=203.0.113.0/24").get_data(as_text=True)
    assert re.search(r'<input checked[^>]*value="network"', filled)
    assert 'value="203.0.113.0/24"' in filled


def test_the_edition_page_links_to_the_vote_view(organiser_client, site):
    body = organiser_client.get(f"/admin/editions/{site.edition.id}").get_data(as_text=True)
    assert "Public vote" in body and f'href="{site.url}"' in body


# --- Voiding -----------------------------------------------------------------------------------------------------


def test_voiding_one_vote_asks_first_then_voids_it(organiser_client, site, db_session):
    response = post_form(organiser_client, site.url + "/void",
                         {"void_receipt_code": "k7qm 3xht p2wd", "void_reason": "The voter asked us to"},
                         form_page=site.url)
    assert response.status_code == 200
    text = text_of(response)
    assert "Are you sure you want to void this vote?" in text and "K7QM-3XHT-P2WD" in text and "Breathe Easy" in text
    assert f'href="{site.url}?show=actions#void">No, go back</a>' in response.get_data(as_text=True)  # to the form
    vote = db_session.scalar(select(Vote).where(Vote.receipt_code == "K7QM-3XHT-P2WD"))
    assert vote.voided_at is None  # nothing done yet

    confirmed = post_form(organiser_client, site.url + "/void", {
        "void_receipt_code": "K7QM-3XHT-P2WD", "void_reason": "The voter asked us to", "confirmed": "yes",
    }, form_page=site.url)
    assert confirmed.status_code == 303 and confirmed.headers["Location"].endswith("#counts")
    db_session.refresh(vote)
    assert vote.voided_at is not None and vote.void_reason == "The voter asked us to"
    page = text_of(organiser_client.get(site.url))
    assert "has been voided" in page and "Votes counted 4" in page and "Votes voided 2" in page


def test_voiding_problems_show_on_the_form(organiser_client, site):
    missing = post_form(organiser_client, site.url + "/void", {"void_receipt_code": "", "void_reason": ""},
                        form_page=site.url)
    assert missing.status_code == 422
    body = missing.get_data(as_text=True)
    assert "<title>Error: " in body and "There is a problem" in body
    assert 'href="#void_receipt_code"' in body and "Enter the reason for voiding" in body

    unknown = post_form(organiser_client, site.url + "/void",
                        {"void_receipt_code": "ZZZZ-ZZZZ-ZZZZ", "void_reason": "Why not"}, form_page=site.url)
    assert unknown.status_code == 422
    assert "No vote in this contest has that receipt code" in unknown.get_data(as_text=True)
    assert 'value="ZZZZ-ZZZZ-ZZZZ"' in unknown.get_data(as_text=True)  # input kept


def test_voiding_a_block_asks_first_with_the_count(organiser_client, site, db_session):
    data = {"block_kind": "domain", "block_value": "quickinbox.example", "block_reason": "A made-up domain"}
    asked = post_form(organiser_client, site.url + "/void-block", data, form_page=site.url)
    assert asked.status_code == 200
    assert "Are you sure you want to void 2 votes?" in text_of(asked)
    assert f'href="{site.url}?show=actions#void-block">No, go back</a>' in asked.get_data(as_text=True)

    done = post_form(organiser_client, site.url + "/void-block", {**data, "confirmed": "yes"}, form_page=site.url)
    assert done.status_code == 303
    assert db_session.scalar(select(func.count()).select_from(Vote).where(Vote.voided_at.is_not(None))) == 3
    assert "2 votes from the email domain quickinbox.example have been voided" in text_of(
        organiser_client.get(site.url))
    assert vote_count(db_session) == 6  # nothing deleted


def test_a_block_with_nothing_to_void_is_refused_on_the_form(organiser_client, site):
    response = post_form(organiser_client, site.url + "/void-block",
                         {"block_kind": "network", "block_value": "10.0.0.0/24", "block_reason": "x"},
                         form_page=site.url)
    assert response.status_code == 422
    assert "No counted votes match that address block" in response.get_data(as_text=True)
    bad_kind = post_form(organiser_client, site.url + "/void-block",
                         {"block_kind": "finalist", "block_value": "x", "block_reason": "x"}, form_page=site.url)
    assert bad_kind.status_code == 422


def test_a_block_by_hour(organiser_client, site, db_session):
    data = {"block_kind": "hour", "block_value": "2026-03-01 09:00", "block_reason": "Scripted", "confirmed": "yes"}
    assert post_form(organiser_client, site.url + "/void-block", data, form_page=site.url).status_code == 303
    assert db_session.scalar(select(func.count()).select_from(Vote).where(Vote.voided_at.is_(None))) == 0


# --- Assisted votes ----------------------------------------------------------------------------------------------


def test_an_assisted_vote_is_recorded_with_a_receipt(organiser_client, site, db_session):
    breathe = site.finalists[1]
    response = post_form(organiser_client, site.url + "/assisted", {
        "assisted_finalist": str(breathe.id), "assisted_identifier": "Morag@Outlook.com",
        "assisted_note": "Paper ballot, Dundee event",
    }, form_page=site.url)

    assert response.status_code == 303 and response.headers["Location"].endswith("?show=assisted#assisted")
    vote = db_session.scalar(select(Vote).where(Vote.entered_by_id.is_not(None)))
    assert vote.finalist_id == breathe.id
    page = text_of(organiser_client.get(site.url))
    assert f"Its receipt code is {vote.receipt_code}" in page
    assert "including 1 assisted vote entered by staff" in page

    again = post_form(organiser_client, site.url + "/assisted", {
        "assisted_finalist": str(site.finalists[0].id), "assisted_identifier": "morag+2@outlook.com",
        "assisted_note": "By phone",
    }, form_page=site.url)
    assert again.status_code == 422
    assert "This person has already voted in this contest" in again.get_data(as_text=True)
    assert vote_count(db_session) == 7


def test_assisted_vote_problems_show_on_the_form(organiser_client, site):
    response = post_form(organiser_client, site.url + "/assisted", {
        "assisted_finalist": "999999", "assisted_identifier": "", "assisted_note": "",
    }, form_page=site.url)
    assert response.status_code == 422
    body = html.unescape(response.get_data(as_text=True))
    assert "Choose one of the finalists" in body and "Enter the voter's email address, or a phone number" in body
    assert 'href="#assisted_finalist-0"' in body


def test_after_the_close_no_assisted_votes_and_the_publish_step(organiser_client, site, clock, db_session):
    clock.set(site.contest.closes_at + timedelta(minutes=1))
    page = text_of(organiser_client.get(site.url))
    assert "Publish the list of votes" in page
    assert "The vote has closed: no more votes can be entered." in text_of(organiser_client.get(site.url + "?show=assisted"))

    assert organiser_client.get(site.url + "/publish").status_code == 303  # not before the reveal (issue #14)
    reveal_result(site.category)
    db_session.commit()
    confirm = organiser_client.get(site.url + "/publish")
    assert confirm.status_code == 200
    assert "The result of this category has been revealed at the ceremony" in text_of(confirm)
    response = post_form(organiser_client, site.url + "/publish", {}, form_page=site.url + "/publish")
    assert response.status_code == 303
    db_session.refresh(site.contest)
    assert site.contest.tally_published_at == clock.now()
    page = text_of(organiser_client.get(site.url))
    assert "The list of votes is published" in page
    assert "no vote can be voided any more" in text_of(organiser_client.get(site.url + "?show=actions"))
    assert organiser_client.get(f"/tally/{site.contest.id}").status_code == 200


def test_publishing_before_the_close_is_refused(organiser_client, site, db_session):
    asked = organiser_client.get(site.url + "/publish")
    assert asked.status_code == 303
    token = csrf_token_from(organiser_client, site.url)
    response = organiser_client.post(site.url + "/publish", data={"csrf_token": token})
    assert response.status_code == 303
    assert "The vote is still open" in text_of(organiser_client.get(site.url))
    db_session.refresh(site.contest)
    assert site.contest.tally_published_at is None
    assert app_clock.now() < site.contest.closes_at


def test_a_contest_not_open_yet_shows_empty_figures(organiser_client, db_session, clock):
    site = public_vote(make_edition())
    site.contest.opens_at = clock.now() + timedelta(days=3)
    site.contest.closes_at = clock.now() + timedelta(days=10)
    db_session.commit()

    response = organiser_client.get(f"/admin/contests/{site.contest.id}/votes")

    assert response.status_code == 200
    text = text_of(response)
    assert "The vote opens at" in text and "Votes counted 0" in text and "Nothing is flagged." in text
    assert "Assisted votes can be entered once the vote opens." in text_of(
        organiser_client.get(f"/admin/contests/{site.contest.id}/votes?show=assisted"))
    assert "Votes per hour on Wednesday 4 March 2026" in text_of(
        organiser_client.get(f"/admin/contests/{site.contest.id}/votes?show=time"))
