"""The home page between editions: the last ceremony's results stay until the next awards are announced, and say when
those are expected to open if the organisers chose to tell; nothing else of a draft ever shows."""
from __future__ import annotations

from datetime import timedelta

import pytest

from awards_app.ceremony import reveals, winners
from tests.factories.programme import START, make_category, make_criteria, make_edition
from tests.factories.voting import make_votes, public_vote

NEXT_YEAR = START + timedelta(weeks=52)  # Monday 11 January 2027
BETWEEN = START + timedelta(weeks=30)  # the 2026 ceremony is long over; 2027 has not opened
SECRET_CATEGORY = "Secret Category of 2027"


@pytest.fixture
def last_year(db_session, clock, organiser):
    """2026, its public vote's result revealed at the ceremony: Harbour Arts won."""
    edition = make_edition()
    clock.set(START + timedelta(weeks=12))
    vote = public_vote(edition)
    harbour = next(finalist for finalist in vote.finalists if finalist.display_name == "Harbour Arts")
    make_votes(vote.contest, harbour, 2)
    edition.shortlist_published_at = clock.now() - timedelta(days=1)
    clock.set(vote.contest.closes_at + timedelta(hours=1))
    winners.record_vote_result(organiser, vote.category, harbour.id, [])
    winners.confirm_result(organiser, vote.category)
    reveals.reveal_category(organiser, vote.category)
    db_session.commit()
    return edition


@pytest.fixture
def draft(db_session):
    """Next year's edition, half built: a draft."""
    edition = make_edition(year=2027, start=NEXT_YEAR, draft=True, name="Half-built Awards 2027",
                           theme="A theme nobody has agreed")
    make_category(edition, name=SECRET_CATEGORY)
    db_session.commit()
    return edition


def home(client) -> str:
    """The home page's text."""
    response = client.get("/")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def shows_nothing_of(page: str, edition) -> bool:
    """Whether the page names nothing of the edition (name, theme, categories, dates)."""
    return (edition.name not in page and edition.theme not in page and SECRET_CATEGORY not in page
            and "11 January 2027" not in page)


def test_between_editions_the_last_results_stay_and_the_draft_is_not_shown(client, clock, last_year, draft):
    clock.set(BETWEEN)
    page = home(client)
    assert last_year.name in page and '<p class="phase-banner">Winners announced</p>' in page
    assert '<h2 id="winners">The winners</h2>' in page
    assert '<li class="result__winner">Harbour Arts</li>' in page
    assert "The next awards have not been announced yet." in page
    assert shows_nothing_of(page, draft)


def test_the_month_the_draft_is_expected_to_open_is_all_it_shows(client, db_session, clock, last_year, draft):
    draft.expected_opening_shown = True
    db_session.commit()
    clock.set(BETWEEN)
    page = home(client)
    assert "The next awards are expected to open in January 2027." in page
    assert '<li class="result__winner">Harbour Arts</li>' in page
    assert shows_nothing_of(page, draft)


def test_while_last_year_is_still_in_its_results_the_draft_changes_nothing(client, db_session, clock, last_year,
                                                                           draft):
    draft.expected_opening_shown = True
    db_session.commit()
    clock.set(last_year.ceremony_at - timedelta(days=1))
    page = home(client)
    assert last_year.name in page and "expected to open" not in page and "The winners</h2>" not in page
    assert shows_nothing_of(page, draft)


def test_once_announced_the_next_edition_leads_and_last_years_winners_stay_until_it_opens(client, db_session, clock,
                                                                                          last_year, draft, organiser):
    from awards_app.programme.editions import announce_edition

    make_criteria(draft)
    clock.set(BETWEEN)
    announce_edition(organiser, draft)
    db_session.commit()
    page = home(client)
    assert draft.name in page and '<p class="phase-banner">Opening soon</p>' in page
    assert SECRET_CATEGORY in page
    assert page.index(SECRET_CATEGORY) < page.index(f"The winners of the {last_year.name}") < page.index("Harbour Arts")
    clock.set(NEXT_YEAR + timedelta(days=1))  # nominations open: the page is about this year's awards alone
    assert "Harbour Arts" not in home(client)


def test_a_draft_open_by_its_dates_still_does_not_replace_the_results(client, clock, last_year, draft):
    clock.set(NEXT_YEAR + timedelta(days=3))  # the draft's nominations "window" has begun, but it was never announced
    page = home(client)
    assert last_year.name in page and "Harbour Arts" in page
    assert shows_nothing_of(page, draft)
    assert "Nominate someone" not in page


def test_with_only_a_draft_the_home_page_says_when_to_come_back(client, db_session, clock, draft):
    clock.set(BETWEEN)
    page = home(client)
    assert "The next awards have not been announced yet." in page and shows_nothing_of(page, draft)
    draft.expected_opening_shown = True
    db_session.commit()
    page = home(client)
    assert "The next awards are expected to open in January 2027. Please check back then." in page
    assert shows_nothing_of(page, draft)


def test_the_past_awards_link_leaves_drafts_out(client, db_session, clock, draft):
    clock.set(NEXT_YEAR + timedelta(weeks=30))  # the draft's "ceremony" date has passed
    assert 'href="/editions"' not in home(client)
    assert draft.name not in client.get("/editions").get_data(as_text=True)
    assert client.get("/editions/2027").status_code == 404
