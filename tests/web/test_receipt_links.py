"""Links to the receipt checker and the published lists of votes: on the results page (whole and polled, its ETag
changing when a list is published), the archive, the page saying a vote was counted and the list itself; saying when
a list will come while it has not; nothing where an edition has no public vote."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from awards_app.extensions import db
from awards_app.voting import tally
from awards_app.voting.models import Contest
from awards_app.web.template_helpers import format_date
from tests.factories.programme import make_category, make_edition
from tests.web.test_results_pages import HX, night  # noqa: F401  (fixture)
from tests.web.test_tally_pages import text_of
from tests.web.test_vote import Voter, link_path, site  # noqa: F401  (fixture)

CHECK_HEADING = "Check your vote"


def contest_of(category) -> Contest:
    """The public-vote contest of a category."""
    return db.session.scalar(select(Contest).where(Contest.category_id == category.id))


@pytest.fixture
def revealed(night, clock):  # noqa: F811
    """The night's results confirmed, the ceremony under way, the first category revealed (its list not published)."""
    night.confirm()
    clock.set(night.edition.ceremony_at + timedelta(minutes=30))
    night.reveal(0)
    night.contests = [contest_of(category) for category in night.categories]
    return night


def publish_first(world, organiser, db_session):
    """An organiser publishes the first category's list of votes."""
    tally.publish_tally(organiser, world.contests[0])
    db_session.commit()


def waits_for_the_ceremony(world) -> str:
    """What a list not yet published says about when it comes."""
    return (
        "the list of votes is published after its winner is announced at the ceremony on "
        + format_date(world.edition.ceremony_at, world.edition.timezone)
    )


# --- The results page ----------------------------------------------------------------------------------------------


def test_results_say_when_each_list_comes_while_none_is_published(client, revealed):
    page = client.get("/results")
    text = text_of(page)
    assert CHECK_HEADING in text
    for category in revealed.categories:
        assert f"{category.name}: {waits_for_the_ceremony(revealed)}" in text
    assert "/tally/" not in page.get_data(as_text=True)


def test_results_link_a_published_list_and_its_checker_and_a_poll_brings_them(client, revealed, organiser,
                                                                               db_session):
    before = client.get("/results", headers=HX)
    publish_first(revealed, organiser, db_session)
    # The poll asks "changed since?": publishing changed the results version, so the answer is the new fragment.
    polled = client.get("/results", headers={**HX, "If-None-Match": before.headers["ETag"]})
    assert polled.status_code == 200 and polled.headers["ETag"] != before.headers["ETag"]
    for response in (polled, client.get("/results")):
        body = response.get_data(as_text=True)
        first, second = revealed.contests
        assert f'href="/tally/{first.id}"' in body and f'href="/tally/{first.id}#check"' in body
        assert f"/tally/{second.id}" not in body
        assert f"{revealed.categories[1].name}: {waits_for_the_ceremony(revealed)}" in text_of(response)


def test_a_reveal_taken_back_takes_the_link_down(client, revealed, organiser, db_session):
    publish_first(revealed, organiser, db_session)
    revealed.hide(0)
    assert "/tally/" not in client.get("/results").get_data(as_text=True)
    assert client.get(f"/tally/{revealed.contests[0].id}").status_code == 404


def test_results_of_an_edition_without_a_public_vote_have_no_vote_lists(client, db_session, clock):
    edition = make_edition()
    make_category(edition)
    edition.shortlist_published_at = clock.now() - timedelta(days=1)
    clock.set(edition.ceremony_at + timedelta(minutes=5))
    db_session.commit()
    page = client.get("/results")
    assert page.status_code == 200 and "Results" in text_of(page)
    assert CHECK_HEADING not in text_of(page) and "/tally/" not in page.get_data(as_text=True)


# --- The archive ---------------------------------------------------------------------------------------------------


def test_the_archive_links_published_lists_only(client, revealed, organiser, db_session):
    listing, edition = client.get("/editions"), client.get("/editions/2026")
    assert "/tally/" not in listing.get_data(as_text=True) and "/tally/" not in edition.get_data(as_text=True)
    assert f"{revealed.categories[0].name}: {waits_for_the_ceremony(revealed)}" in text_of(edition)

    publish_first(revealed, organiser, db_session)
    first = revealed.contests[0].id
    listing, edition = client.get("/editions"), client.get("/editions/2026")
    assert "Lists of votes, to check your receipt" in text_of(listing)
    assert f'href="/tally/{first}"' in listing.get_data(as_text=True)
    assert f'href="/tally/{first}#check"' in edition.get_data(as_text=True)
    assert f"{revealed.categories[1].name}: {waits_for_the_ceremony(revealed)}" in text_of(edition)


def test_the_archive_of_an_edition_without_a_public_vote_has_no_vote_lists(client, db_session, clock):
    edition = make_edition(year=2024)
    make_category(edition)
    edition.shortlist_published_at = edition.shortlist_publish_at
    clock.set(edition.ceremony_at + timedelta(days=1))
    db_session.commit()
    for url in ("/editions", "/editions/2024"):
        page = client.get(url)
        assert page.status_code == 200
        assert CHECK_HEADING not in text_of(page) and "Lists of votes" not in text_of(page)


# --- The receipt pages ---------------------------------------------------------------------------------------------


def test_the_counted_page_says_the_receipt_was_emailed_and_links_the_checker(client, site, outbox):  # noqa: F811
    voter = Voter(client, site)
    voter.ask()
    counted = client.get(voter.confirm(link_path(outbox)).headers["Location"])
    text = text_of(counted)
    assert "We have emailed you your receipt code" in text
    assert format_date(site.edition.ceremony_at, site.edition.timezone) in text
    assert f'href="/tally/{site.contest.id}#check"' in counted.get_data(as_text=True)


def test_the_published_list_leads_straight_to_its_receipt_checker(client, revealed, organiser, db_session):
    publish_first(revealed, organiser, db_session)
    page = client.get(f"/tally/{revealed.contests[0].id}").get_data(as_text=True)
    assert '<a href="#check">Check your receipt</a>' in page and 'id="check"' in page
