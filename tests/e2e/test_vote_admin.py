"""The organisers' view of a public vote and the published list of votes, in a real browser on a phone-sized screen,
by keyboard: the demo's flagged burst voided as a block and an assisted vote entered (each with its error state);
after the result's reveal, the list published, recounted from its CSV and a receipt checked by a visitor, with and without
JavaScript, and the closed vote's and a broken link's pages. axe-core finds nothing on any page or state."""
from __future__ import annotations

import csv
import io
import os
import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import create_engine, text

from tests.e2e.helpers import (
    EDITION_LINK,
    charts_fit,
    checked,
    demo_in_phase,
    fits_the_width,
    follow_link,
    press,
    sign_in_as_organiser,
)
from tests.fixtures.browser import assert_accessible, open_page, start_app_server

pytestmark = pytest.mark.browser

# Its own database, named so that browser.py's clean-up of databases left by killed runs also covers it.
VOTE_ADMIN_DATABASE = f"awards_e2e_vote_admin_{os.getpid()}"
VOTE_CATEGORY = "Self Management Project of the Year"
VOTE_VIEW_LINK = re.compile(rf"^{re.escape(VOTE_CATEGORY)}: counts")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """gunicorn with the demo edition (each test builds the phase it needs)."""
    with start_app_server(tmp_path_factory.mktemp("vote_admin"), VOTE_ADMIN_DATABASE) as started:
        yield started


@pytest.fixture
def phone(browser):
    """A phone 320 CSS pixels wide: the organiser's, or a visitor's."""
    yield from open_page(browser, viewport={"width": 320, "height": 640}, is_mobile=True, has_touch=True)


def open_vote_view(page, server) -> None:
    """Sign in as the organiser and open the public vote's view from the edition's page."""
    sign_in_as_organiser(page, server)
    follow_link(page, EDITION_LINK)
    press(page, page.get_by_role("link", name=VOTE_VIEW_LINK))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Public vote: {VOTE_CATEGORY}")


def open_part(page, name: str) -> None:
    """Go to another part of the vote's view by its link, from the keyboard."""
    press(page, page.get_by_role("navigation", name="Parts of this page").get_by_role("link", name=name))
    expect(page.get_by_role("navigation", name="Parts of this page").locator("[aria-current=page]")).to_have_text(name)


def counted(page) -> int:
    """The view's "Votes counted" figure."""
    figure = page.locator("dt:text-is('Votes counted') + dd").inner_text()
    return int(re.match(r"[\d,]+", figure).group(0).replace(",", ""))


def shows_an_error(page, message: str) -> None:
    """The error state: the title, the summary with the message and keyboard focus on it, nothing for axe."""
    assert page.title().startswith("Error: ")
    summary = page.locator("[data-error-summary]")
    expect(summary).to_contain_text(message)
    expect(summary).to_be_focused()
    assert_accessible(page)
    fits_the_width(page)


def fill_in_an_assisted_vote(page, finalist: int, identifier: str, how: str) -> None:
    """By keyboard: choose the finalist at this place on the form (Space on its radio), then type the voter's address or
    number and how the vote was given."""
    page.locator("input[name=assisted_finalist]").nth(finalist).focus()
    page.keyboard.press("Space")
    page.get_by_label("Their email address or phone number").focus()
    page.keyboard.type(identifier)
    page.get_by_label("How was the vote given?").focus()
    page.keyboard.type(how)


def test_an_organiser_voids_the_flagged_burst_and_enters_an_assisted_vote_by_keyboard_on_a_phone(server, phone):
    live = demo_in_phase(server, "voting")
    open_vote_view(phone, live)
    assert_accessible(phone)
    fits_the_width(phone)
    before = counted(phone)

    # The demo's burst from one network is flagged; its link fills in the form that voids a block.
    flags = phone.locator("#flags + ul .conflict-item")
    expect(flags.first).to_be_visible()
    press(phone, flags.first.get_by_role("link", name=re.compile(r"^Void these votes")))
    block_value = phone.get_by_label("The address block, domain or hour")
    assert block_value.input_value(), "the flag's link fills in the block"
    filled = block_value.input_value()

    # Without a reason: refused, with what was filled in kept.
    assert press(phone, phone.get_by_role("button", name="Check the votes")) == 422
    shows_an_error(phone, "Enter the reason for voiding")
    assert phone.get_by_label("The address block, domain or hour").input_value() == filled

    # With a reason: first how many, then voided.
    phone.get_by_label("Why are you voiding them?").focus()
    phone.keyboard.type("24 votes in ten minutes from one network, all at one unusual domain.")
    assert press(phone, phone.get_by_role("button", name="Check the votes")) == 200
    heading = phone.get_by_role("heading", level=1).inner_text()
    how_many = int(re.search(r"void ([\d,]+) votes?\?", heading).group(1).replace(",", ""))
    assert how_many > 1
    assert_accessible(phone)
    fits_the_width(phone)
    press(phone, phone.get_by_role("button", name=f"Yes, void these {how_many} votes"))
    expect(phone.locator("#messages")).to_contain_text(f"{how_many} votes from the")
    assert counted(phone) == before - how_many
    expect(phone.locator("#flags ~ p").first).to_have_text("Nothing is flagged.")
    assert_accessible(phone)

    # An assisted vote given by phone: first with nothing filled in, then recorded with a receipt.
    open_part(phone, "Assisted votes")
    record = phone.get_by_role("button", name="Record the vote")
    assert press(phone, record) == 422
    shows_an_error(phone, "Choose who they voted for")
    expect(phone.locator("[data-error-summary]")).to_contain_text("Enter the voter's email address, or a phone number")
    fill_in_an_assisted_vote(phone, 0, "0141 496 0733", "By phone to Jo, Monday morning")
    assert press(phone, record) == 200
    expect(phone.locator("#messages")).to_contain_text("has been recorded. Its receipt code is")
    assert_accessible(phone)
    open_part(phone, "Counts and flags")
    assert counted(phone) == before - how_many + 1
    open_part(phone, "Assisted votes")

    # The same person again (the number written another way): one vote per person, so refused, input kept.
    fill_in_an_assisted_vote(phone, -1, "+44 141 496 0733", "Paper ballot, Dundee event")
    assert press(phone, record) == 422
    shows_an_error(phone, "already")
    assert phone.get_by_label("Their email address or phone number").input_value() == "+44 141 496 0733"
    open_part(phone, "Counts and flags")
    assert counted(phone) == before - how_many + 1


PARTS = ["Counts and flags", "Over time", "Domains", "Address blocks", "Void votes", "Assisted votes"]


def test_every_part_of_the_vote_view_fits_a_phone_and_a_desktop_with_its_charts_inside(server, page):
    live = demo_in_phase(server, "voting")
    open_vote_view(page, live)
    expect(page.locator("#tally ~ p").first).to_contain_text(
        "Sealed: only organisers see this count until the result is revealed at the ceremony.")
    for width in (320, 1280):
        page.set_viewport_size({"width": width, "height": 800})
        for part in PARTS:
            open_part(page, part)
            charts = charts_fit(page)
            assert charts == (2 if part == "Over time" else 0), part
            checked(page)
            assert page.evaluate("() => document.documentElement.scrollHeight") < 7 * 800, f"{part} is too long"
        # Votes per day are columns over time, left to right, and the time axis labels only as many days as fit.
        open_part(page, "Over time")
        columns = page.locator("#chart-votes-per-day rect")
        xs = [columns.nth(index).get_attribute("x") for index in range(columns.count())]
        assert len(xs) > 10 and [float(x) for x in xs] == sorted(float(x) for x in xs)
        heights = [float(columns.nth(index).get_attribute("height")) for index in range(columns.count())]
        widths = [float(columns.nth(index).get_attribute("width")) for index in range(columns.count())]
        assert max(heights) > max(widths)
        # Its figures as a table, folded away under the chart until asked for.
        table = page.locator("table", has=page.locator("caption", has_text="Votes cast per day"))
        assert not table.is_visible()
        page.get_by_text("Votes per day as a table").click()
        assert table.is_visible()
        checked(page)


def receipts(server) -> dict[str, str]:
    """A receipt code of a vote that counts and of one that was voided, read from the server's database."""
    url = server.env["DATABASE_URL"].replace("postgresql://", "postgresql+psycopg://", 1)
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(text(
                "SELECT vote.voided_at IS NULL AS counts, min(vote.receipt_code) FROM vote"
                " JOIN contest ON contest.id = vote.contest_id JOIN category ON category.id = contest.category_id"
                " WHERE category.name = :name GROUP BY vote.voided_at IS NULL"
            ), {"name": VOTE_CATEGORY}).all()
    finally:
        engine.dispose()
    return {"counted" if counts else "voided": code for counts, code in rows}


def check_receipt(page, code: str) -> int:
    """Type a receipt code into the checker and send it with Enter; the status of the answer."""
    box = page.get_by_label("Your receipt code")
    box.focus()
    page.keyboard.press("Control+A")
    page.keyboard.type(code)
    with page.expect_navigation() as navigation:
        page.keyboard.press("Enter")
    return navigation.value.status


def recount(csv_bytes: bytes) -> tuple[dict[str, int], int, int]:
    """Recount a downloaded list as a visitor would: the votes that count per finalist, the voided, all lines."""
    rows = list(csv.DictReader(io.StringIO(csv_bytes.decode("utf-8-sig"))))
    per_finalist: dict[str, int] = {}
    for row in rows:
        if row["voided"] == "no":
            per_finalist[row["finalist"]] = per_finalist.get(row["finalist"], 0) + 1
    return per_finalist, sum(row["voided"] == "yes" for row in rows), len(rows)


def shown_totals(page) -> tuple[dict[str, int], int, int]:
    """The totals the published page shows: per finalist, the voided votes, the lines in the list."""
    table = page.locator("table", has=page.locator("caption", has_text="Votes that count, per finalist"))
    number = lambda cell: int(cell.inner_text().replace(",", ""))
    per_finalist = {
        row.locator("th").inner_text().strip(): number(row.locator("td"))
        for row in table.locator("tbody tr").all()
    }
    footer = {row.locator("th").inner_text().strip(): number(row.locator("td")) for row in table.locator("tfoot tr").all()}
    return per_finalist, footer["Voided votes"], footer["Lines in the list"]


def test_after_the_reveal_the_list_of_votes_is_published_recounted_and_checked(server, phone, page, no_js_phone_page):
    # The results are revealed (the list may not be published before: issue #14); the list is not public yet.
    live = demo_in_phase(server, "results")
    open_vote_view(phone, live)
    expect(phone.locator("#tally ~ p").first).to_contain_text("The result was revealed at the ceremony at ")
    charts_fit(phone)
    expect(phone.locator("#publish ~ p").last).to_contain_text("Publish the list of votes")
    press(phone, phone.get_by_role("link", name="Publish the list of votes", exact=True).last)
    expect(phone.get_by_role("heading", level=1)).to_have_text("Are you sure you want to publish the list of votes?")
    assert_accessible(phone)
    fits_the_width(phone)
    press(phone, phone.get_by_role("button", name="Yes, publish the list"))
    expect(phone.locator("#messages")).to_contain_text("The list of votes is published")
    public_list = phone.get_by_role("link", name="the public list of votes")
    tally_url = live.url(public_list.get_attribute("href"))
    assert_accessible(phone)

    # A visitor who comes to vote now is told the vote has closed; a broken link says so and what to do next.
    assert page.goto(live.url("/vote")).status == 200
    expect(page.get_by_role("heading", level=1)).to_have_text("The public vote has closed")
    assert_accessible(page)
    assert page.goto(live.url("/vote/confirm/not-a-link-we-sent")).status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("This link does not work")
    assert_accessible(page)

    # A visitor recounts the published list from its CSV: the totals shown must match.
    assert page.goto(tally_url).status == 200
    assert_accessible(page)
    download = page.get_by_role("link", name=re.compile(r"^Download the whole list"))
    answer = page.request.get(live.url(download.get_attribute("href")))
    assert answer.ok and answer.headers["content-type"].startswith("text/csv")
    per_finalist, voided, lines = recount(answer.body())
    assert (per_finalist, voided, lines) == shown_totals(page)
    assert voided > 0 and sum(per_finalist.values()) > 0

    # A voter checks a receipt on a phone by keyboard: the error state, a code not in the list, one that counted and
    # one that was voided.
    codes = receipts(live)
    assert phone.goto(tally_url).status == 200
    fits_the_width(phone)
    assert check_receipt(phone, "") == 422
    shows_an_error(phone, "Enter your receipt code")
    assert check_receipt(phone, "K7QM-3XHT-P2WD") == 200
    answer = phone.locator("#receipt-check")
    expect(answer).to_contain_text("No vote in the list has the receipt code K7QM-3XHT-P2WD")
    expect(answer).to_be_focused()  # the answer is read out first
    assert_accessible(phone)
    assert check_receipt(phone, codes["counted"].lower().replace("-", " ")) == 200  # as someone might type it
    expect(answer).to_contain_text("and it counted")
    expect(answer).to_be_focused()
    assert_accessible(phone)
    assert check_receipt(phone, codes["voided"]) == 200
    expect(answer).to_contain_text("it was voided: it does not count")
    assert_accessible(phone)

    # Without JavaScript the checker works the same.
    assert no_js_phone_page.goto(tally_url).status == 200
    assert check_receipt(no_js_phone_page, codes["counted"]) == 200
    expect(no_js_phone_page.locator("#receipt-check")).to_contain_text("and it counted")
    fits_the_width(no_js_phone_page)
