"""The anonymised list of votes cannot be made public before the category's result is revealed at the ceremony.

Issue #14, finding 9: the list could be published as soon as the vote closed, which told everyone the winner of a
public vote before the ceremony.
"""
from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest

from awards_app.ceremony import reveals
from awards_app.core.errors import DomainError
from awards_app.voting import tally
from tests.factories.ceremony import reveal_result
from tests.factories.programme import make_edition
from tests.factories.voting import make_votes, public_vote
from tests.web.forms import post_form


@pytest.fixture
def site(db_session, clock):
    """A public vote that closed an hour ago: Harbour Arts won it, 3 votes to 1, and the ceremony is still to come."""
    site = public_vote(make_edition())
    harbour, breathe, _walk = site.finalists
    make_votes(site.contest, harbour, 3)
    make_votes(site.contest, breathe, 1)
    clock.set(site.contest.closes_at + timedelta(hours=1))
    db_session.commit()
    site.list_url = f"/tally/{site.contest.id}"
    site.admin_url = f"/admin/contests/{site.contest.id}/votes"
    return site


def words_of(response) -> str:
    """The page's text without its tags, white space collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))).split())


def test_the_list_is_refused_until_the_result_is_revealed(site, organiser, client, db_session):
    with pytest.raises(DomainError, match="revealed at the ceremony"):
        tally.publish_tally(organiser, site.contest)
    assert site.contest.tally_published_at is None, "published after the close, before the reveal"
    assert not tally.can_publish(site.contest)
    assert client.get(site.list_url).status_code == 404

    reveal_result(site.category)
    assert tally.can_publish(site.contest)
    tally.publish_tally(organiser, site.contest)
    db_session.commit()
    assert client.get(site.list_url).status_code == 200


def test_the_organisers_page_says_when_the_list_can_be_published(site, organiser_client, db_session):
    view = words_of(organiser_client.get(site.admin_url))
    assert "It can be published once the result of this category has been revealed at the ceremony." in view
    assert organiser_client.get(site.admin_url + "/publish").status_code == 303
    response = post_form(organiser_client, site.admin_url + "/publish", {}, form_page=site.admin_url)
    assert response.status_code == 303
    db_session.refresh(site.contest)
    assert site.contest.tally_published_at is None
    assert "revealed at the ceremony" in words_of(organiser_client.get(site.admin_url))


def test_a_reveal_taken_back_takes_the_list_down_with_it(site, organiser, client, db_session):
    reveal_result(site.category)
    tally.publish_tally(organiser, site.contest)
    db_session.commit()
    assert client.get(site.list_url).status_code == 200
    reveals.hide_category(organiser, site.category, "Revealed by mistake, before its turn")
    db_session.commit()
    assert client.get(site.list_url).status_code == 404
    assert client.get(site.list_url + ".csv").status_code == 404
    reveals.reveal_category(organiser, site.category)
    db_session.commit()
    assert client.get(site.list_url).status_code == 200
