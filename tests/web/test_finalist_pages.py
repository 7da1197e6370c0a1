"""A finalist's own page and share card through the test client: the tags, the 404s, the vote's states, "Vote for"
through the emailed link with the voter changing their mind, /shortlist's links, ballot images and "tell others"."""
from __future__ import annotations

import io
import re
from datetime import timedelta
from html import unescape

import pytest
from PIL import Image
from sqlalchemy import func, select

from awards_app.nominations.models import ConsentState
from awards_app.voting.models import Vote
from tests.factories.publication import shortlist_site
from tests.factories.voting import public_vote, voting_site
from tests.web.forms import post_form
from tests.web.test_vote import Voter, link_path, words_of

META = re.compile(r'<meta (?:property|name)="([^"]+)" content="([^"]*)">')
VOTE_BUTTON = re.compile(r'<a class="button" href="([^"]+)">Vote for ')


@pytest.fixture
def site(db_session, clock):
    """An edition whose shortlist is public, with one contest open now and three finalists."""
    site = voting_site()
    db_session.commit()
    return site


def page_of(client, finalist):
    return client.get(f"/finalists/{finalist.id}")


def tags_of(response) -> dict[str, str]:
    return {name: unescape(value) for name, value in META.findall(response.get_data(as_text=True))}


def votes(db_session) -> dict[int, int]:
    rows = db_session.execute(select(Vote.finalist_id, func.count(Vote.id)).group_by(Vote.finalist_id))
    return dict(rows.all())


# --- The page and its tags ------------------------------------------------------------------------------------


def test_every_finalist_page_carries_the_share_cards_tags(client, site):
    for finalist in site.finalists:
        response = page_of(client, finalist)
        assert response.status_code == 200
        tags = tags_of(response)
        assert tags["og:type"] == "website"
        assert tags["og:title"] == f"{finalist.display_name} – finalist in {site.category.name}"
        assert tags["og:description"].startswith(f"Vote for {finalist.display_name}")
        assert tags["og:url"] == f"http://awards.test/finalists/{finalist.id}"
        assert tags["og:image"] == f"http://awards.test/finalists/{finalist.id}/card.png"
        assert (tags["og:image:width"], tags["og:image:height"]) == ("1200", "630")
        assert finalist.display_name in tags["og:image:alt"] and site.category.name in tags["og:image:alt"]
        assert tags["twitter:card"] == "summary_large_image"
        assert tags["twitter:image"] == tags["og:image"]
        assert response.headers["Cache-Control"] == "private, max-age=60"


def test_the_page_shows_the_name_summary_and_vote_button(client, site):
    harbour = site.finalists[0]
    response = page_of(client, harbour)
    page = words_of(response)
    assert "Harbour Arts" in page and "A weekly art group by the harbour for people living with pain." in page
    assert VOTE_BUTTON.search(response.get_data(as_text=True)).group(1) == (
        f"/vote/{site.contest.id}?for={harbour.id}")
    assert "Vote for Harbour Arts" in page


def test_the_card_is_a_png_any_cache_may_keep(client, site):
    response = client.get(f"/finalists/{site.finalists[0].id}/card.png")
    assert response.status_code == 200 and response.mimetype == "image/png"
    # No longer than the shortlist page: a card must not outlive the finalist's public page in shared caches.
    assert response.headers["Cache-Control"] == "public, max-age=60"
    image = Image.open(io.BytesIO(response.data))
    assert image.format == "PNG" and image.size == (1200, 630)


def test_html_in_a_name_is_escaped(client, site, db_session):
    finalist = site.finalists[0]
    finalist.public_name = '<script>alert("x")</script> & "Friends"'
    db_session.commit()
    body = page_of(client, finalist).get_data(as_text=True)
    assert "<script>alert" not in body
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &#34;Friends&#34;" in body
    assert client.get(f"/finalists/{finalist.id}/card.png").status_code == 200


# --- Refusals ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", ["", "/card.png"])
def test_an_unknown_finalist_is_404(client, site, suffix):
    assert client.get(f"/finalists/999999{suffix}").status_code == 404
    assert client.get(f"/finalists/99999999999999999999{suffix}").status_code == 404


@pytest.mark.parametrize("suffix", ["", "/card.png"])
def test_a_finalist_without_consent_is_404(client, site, db_session, suffix):
    finalist = site.finalists[1]
    finalist.nomination.consent = ConsentState.DECLINED
    db_session.commit()
    assert client.get(f"/finalists/{finalist.id}{suffix}").status_code == 404


@pytest.mark.parametrize("suffix", ["", "/card.png"])
def test_before_the_shortlist_is_public_every_finalist_is_404(client, db_session, clock, suffix):
    site = voting_site(published=False)
    db_session.commit()
    for finalist in site.finalists:
        assert client.get(f"/finalists/{finalist.id}{suffix}").status_code == 404


# --- The vote's states ------------------------------------------------------------------------------------------


def test_after_the_vote_closes_the_page_stays_and_links_to_the_results(client, site, clock):
    clock.set(site.closes_at + timedelta(minutes=1))
    response = page_of(client, site.finalists[0])
    page = words_of(response)
    assert response.status_code == 200
    assert "The public vote in Self Management Project of the Year has closed" in page
    assert 'href="/results"' in response.get_data(as_text=True)
    assert VOTE_BUTTON.search(response.get_data(as_text=True)) is None
    assert not tags_of(response)["og:description"].startswith("Vote for")


def test_before_the_vote_opens_the_page_says_when(client, site, clock):
    clock.set(site.opens_at - timedelta(hours=1))
    response = page_of(client, site.finalists[0])
    assert "Voting opens at" in words_of(response)
    assert VOTE_BUTTON.search(response.get_data(as_text=True)) is None


def test_a_finalist_of_a_judged_award_has_a_page_without_a_vote(client, db_session, clock):
    site = shortlist_site()
    site.edition.shortlist_published_at = clock.now() - timedelta(days=1)
    db_session.commit()
    response = page_of(client, site.morag)
    assert response.status_code == 200
    assert "The winner of Carer of the Year is chosen by the judging panel." in words_of(response)
    assert VOTE_BUTTON.search(response.get_data(as_text=True)) is None


# --- "Vote for ..." to the counted vote ------------------------------------------------------------------------


def checked_finalist(response) -> str | None:
    match = re.search(r'<input[^>]*checked[^>]*value="(\d+)"|<input[^>]*value="(\d+)"[^>]*checked', response.get_data(
        as_text=True))
    return next(group for group in match.groups() if group) if match else None


def test_vote_for_opens_the_ballot_with_the_finalist_chosen(client, site):
    walk = site.finalists[2]
    href = VOTE_BUTTON.search(page_of(client, walk).get_data(as_text=True)).group(1)
    ballot = client.get(unescape(href))
    assert ballot.status_code == 200
    assert checked_finalist(ballot) == str(walk.id)
    for finalist in site.finalists:  # everyone is still on the ballot to choose from
        assert f'value="{finalist.id}"' in ballot.get_data(as_text=True)


@pytest.mark.parametrize("wanted", ["999999", "abc", "", "-1"])
def test_a_preselection_not_on_the_ballot_chooses_nobody(client, site, wanted):
    ballot = client.get(f"/vote/{site.contest.id}?for={wanted}")
    assert ballot.status_code == 200 and checked_finalist(ballot) is None


def test_a_finalist_of_another_contest_is_not_preselected(client, site, db_session):
    other = public_vote(site.edition, ("Someone Else",), name="Carer of the Year").finalists[0]
    db_session.commit()
    assert checked_finalist(client.get(f"/vote/{site.contest.id}?for={other.id}")) is None


def test_from_a_share_link_the_voter_changes_their_mind_and_only_confirming_casts_the_vote(client, site, outbox,
                                                                                          db_session):
    harbour, breathe, walk = site.finalists
    href = unescape(VOTE_BUTTON.search(page_of(client, breathe).get_data(as_text=True)).group(1))
    voter = Voter(client, site)
    # The ballot comes with Breathe Easy Fife chosen; the voter continues with that choice.
    assert checked_finalist(client.get(href)) == str(breathe.id)
    assert voter.post(voter.ballot_url, {"finalist": str(breathe.id)}, form_page=href).status_code == 303
    assert voter.give_email().status_code == 303
    assert votes(db_session) == {}  # asking sends an email; nothing is cast

    link = link_path(outbox)
    assert "Breathe Easy Fife" in outbox()[-1].text_body
    confirm = client.get(link)
    assert "You are voting for Breathe Easy Fife" in words_of(confirm)
    choosing = client.get(link + "?choose")
    assert checked_finalist(choosing) == str(breathe.id)  # chosen by default, and still the voter's to change
    assert votes(db_session) == {}  # opening the link casts nothing either

    answer = post_form(client, link + "?choose", {"finalist": str(walk.id)}, form_page=link + "?choose",
                       environ_base=voter.environ)
    assert answer.location == "/vote/counted"
    assert votes(db_session) == {walk.id: 1}


# --- /shortlist, the ballot's images, "tell others" ---------------------------------------------------------------


def test_the_shortlist_links_each_finalists_page_and_the_vote(client, site):
    body = client.get("/shortlist").get_data(as_text=True)
    for finalist in site.finalists:
        assert f'href="/finalists/{finalist.id}"' in body
        assert f'href="/vote/{site.contest.id}?for={finalist.id}"' in body
    assert f'href="/vote/{site.contest.id}"' in body


def test_the_shortlist_has_no_vote_links_once_voting_has_closed(client, site, clock):
    clock.set(site.closes_at + timedelta(minutes=1))
    body = client.get("/shortlist").get_data(as_text=True)
    assert f'href="/finalists/{site.finalists[0].id}"' in body
    assert f"/vote/{site.contest.id}" not in body


def test_the_ballot_and_the_choice_on_the_link_show_each_finalists_image(client, site, db_session, outbox):
    harbour = site.finalists[0]
    harbour.image_filename = "0" * 32 + ".png"
    db_session.commit()
    image_tag = f'src="/shortlist/images/{"0" * 32}.png" alt="Harbour Arts"'
    assert image_tag in client.get(f"/vote/{site.contest.id}").get_data(as_text=True)
    Voter(client, site).ask()
    assert image_tag in client.get(link_path(outbox) + "?choose").get_data(as_text=True)
    assert image_tag in page_of(client, harbour).get_data(as_text=True)


def test_after_voting_tell_others_offers_every_finalist_alike(client, site, outbox, db_session):
    voter = Voter(client, site)
    voter.ask(finalist=site.finalists[1])
    assert voter.confirm(link_path(outbox)).location == "/vote/counted"
    response = client.get("/vote/counted")
    body = response.get_data(as_text=True)
    assert "Tell others" in body
    vote_url = f"http://awards.test/vote/{site.contest.id}"
    assert f'value="{vote_url}"' in body  # the link to copy is the vote's, not the chosen finalist's
    assert "https://wa.me/?text=" in body and "https://twitter.com/intent/tweet?url=" in body
    assert "https://www.facebook.com/sharer/sharer.php?u=" in body and "linkedin.com/sharing/share-offsite" in body
    for finalist in site.finalists:  # each finalist's page once, the chosen one no differently from the others
        assert body.count(f'href="/finalists/{finalist.id}"') == 1
    assert "<script src=\"http" not in body  # no third-party script
