"""The public home page: the current edition, its phase, its categories and what a visitor can do now."""
from datetime import timedelta

import pytest

from tests.factories.programme import START, make_category, make_edition


@pytest.mark.parametrize(
    ("offset", "banner", "advice"),
    [
        (timedelta(days=-3), "Opening soon", "Nominations open at"),
        (timedelta(days=3), "Nominations open", "Nominations are open until"),
        (timedelta(weeks=7), "Judging", "The shortlist will be announced"),
        (timedelta(weeks=12), "Public vote open", "The public vote is open until"),
        (timedelta(weeks=20), "Winners announced", "The winners were announced"),
    ],
)
def test_home_shows_the_phase_and_what_to_do(client, db_session, clock, offset, banner, advice):
    edition = make_edition()
    make_category(edition)
    make_category(edition, name="Individual Transformational Story of the Year", has_public_vote=False)
    db_session.commit()
    clock.set(START + offset)
    page = client.get("/").get_data(as_text=True)
    assert f'<p class="phase-banner">{banner}</p>' in page
    assert advice in page
    assert "Self Management Project of the Year" in page
    assert "Individual Transformational Story of the Year" in page


def test_dates_are_shown_in_uk_time(client, db_session, clock):
    make_edition()  # nominations open 9am UTC on 12 January: 9am in Edinburgh (GMT)
    db_session.commit()
    clock.set(START - timedelta(days=1))
    assert "Nominations open: 9am on Monday 12 January 2026" in client.get("/").get_data(as_text=True)


def test_the_newest_edition_is_shown(client, db_session, clock):
    make_edition(year=2025, start=START - timedelta(days=365))
    make_edition(year=2026)
    db_session.commit()
    clock.set(START + timedelta(days=1))
    assert "Self Management Awards 2026" in client.get("/").get_data(as_text=True)


def test_names_are_escaped(client, db_session, clock):
    edition = make_edition()
    make_category(edition, name="<script>alert(1)</script>")
    db_session.commit()
    clock.set(START + timedelta(days=1))
    page = client.get("/").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_home_offers_the_vote_while_it_is_open(client, db_session, clock):
    make_category(make_edition(), has_public_vote=True)
    db_session.commit()
    clock.set(START + timedelta(weeks=12))
    assert 'href="/vote">Vote now</a>' in client.get("/").get_data(as_text=True)


SHORTLIST_PHASE = START + timedelta(weeks=11, hours=3)  # after the planned date, before the vote opens


def test_the_shortlist_is_announced_only_once_the_organisers_publish_it(client, db_session, clock):
    edition = make_edition()
    make_category(edition)
    db_session.commit()
    clock.set(SHORTLIST_PHASE)
    page = client.get("/").get_data(as_text=True)
    assert "The shortlist has been announced" not in page
    assert "The shortlist has not been announced yet: it will be announced soon." in page
    assert 'href="/shortlist"' not in page and 'href="/results"' not in page

    edition.shortlist_published_at = SHORTLIST_PHASE + timedelta(hours=3)  # set for later today
    db_session.commit()
    assert "it will be announced at 4pm on Monday 30 March 2026" in client.get("/").get_data(as_text=True)

    clock.set(SHORTLIST_PHASE + timedelta(hours=4))
    page = client.get("/").get_data(as_text=True)
    assert "The shortlist has been announced." in page
    assert 'href="/shortlist">See the shortlist</a>' in page
    assert 'href="/results">Follow the results on the night</a>' in page


def test_while_judging_the_shortlist_date_is_the_one_the_organisers_set(client, db_session, clock):
    edition = make_edition()
    edition.shortlist_published_at = START + timedelta(weeks=11, days=-2)  # earlier than planned
    db_session.commit()
    clock.set(START + timedelta(weeks=7))
    assert "The shortlist will be announced on Saturday 28 March 2026" in client.get("/").get_data(as_text=True)


def test_past_awards_are_linked_once_there_is_an_archived_edition(client, db_session, clock):
    make_edition()
    db_session.commit()
    clock.set(START + timedelta(days=1))
    assert "Past awards" not in client.get("/").get_data(as_text=True)
    make_edition(year=2025, start=START - timedelta(days=364))
    db_session.commit()
    assert 'href="/editions">Past awards' in client.get("/").get_data(as_text=True)
