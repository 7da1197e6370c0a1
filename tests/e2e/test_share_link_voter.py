"""A voter on a phone arrives from a finalist's share link: the finalist's page (with its share card's tags), "Vote
for ...", the ballot with them chosen, the emailed link read from the SMTP sink, confirmed; "tell others" after. axe on
every new page and state (a finalist of an open vote and of a judged award, the ballot chosen, tell others)."""
from __future__ import annotations

import pytest

from tests.e2e.test_vote_journey import KeyboardVoter, heading, vote_server  # noqa: F401  (vote_server: a fixture)

pytestmark = pytest.mark.browser


def meta(page, name: str) -> str:
    """The content of a meta tag by property or name."""
    return page.locator(f'meta[property="{name}"], meta[name="{name}"]').get_attribute("content")


def test_a_voter_from_a_share_link_votes_for_that_finalist_on_a_phone(phone_page, vote_server):  # noqa: F811
    page = phone_page
    voter = KeyboardVoter(page, vote_server, javascript=True)

    # The finalist shares their page; the shortlist links to it too.
    assert voter.open(vote_server.url("/shortlist")) == 200
    voter.looks_right()
    vote_links = page.locator("a.finalist__vote")
    assert vote_links.count() > 0
    finalist_href = vote_links.first.locator("xpath=ancestor::li").locator("h3 a").get_attribute("href")
    share_link = vote_server.url(finalist_href)

    # A friend opens the shared link on their phone.
    assert voter.open(share_link) == 200
    name = heading(page)
    voter.looks_right()
    assert meta(page, "og:url") == share_link
    assert meta(page, "twitter:card") == "summary_large_image"
    card = page.request.get(meta(page, "og:image"))
    assert card.status == 200 and card.headers["content-type"] == "image/png"
    assert (meta(page, "og:image:width"), meta(page, "og:image:height")) == ("1200", "630")

    # Vote for them: the ballot opens with them chosen, every finalist still there to choose from.
    assert voter.activate(f"Vote for {name}") == 200
    assert heading(page) == "Who do you want to vote for?"
    voter.looks_right()
    checked = page.locator("input[name=finalist]:checked")
    assert page.locator(f"label[for={checked.get_attribute('id')}]").inner_text().strip() == name
    assert page.locator("input[name=finalist]").count() > 1

    assert voter.activate("Continue") == 200
    assert heading(page) == "What is your email address?" and name in page.locator("main").inner_text()
    assert voter.give_email("sam.shared@example.org") == 200
    assert heading(page) == "Check your email"

    # The link from the email: the finalist named, nothing counted until the button.
    link = voter.confirmation_link("sam.shared@example.org")
    assert voter.open(link) == 200
    assert f"You are voting for {name}" in " ".join(page.locator("main").inner_text().split())
    voter.confirm(link)
    assert name in page.locator("main").inner_text()

    # Tell others: the vote's link to copy, share buttons as plain links, and every finalist's page alike.
    assert page.get_by_role("heading", name="Tell others").count() == 1
    assert page.get_by_label("Link to the vote").input_value().startswith(vote_server.url("/vote/"))
    assert page.get_by_role("link", name="Share on WhatsApp (opens in a new tab)").count() == 1
    assert page.locator(f'.share__finalists a[href="{finalist_href}"]').count() == 1
    voter.looks_right()


def test_a_finalist_of_a_judged_award_has_a_page_without_a_vote(phone_page, vote_server):  # noqa: F811
    page = phone_page
    voter = KeyboardVoter(page, vote_server, javascript=True)
    assert voter.open(vote_server.url("/shortlist")) == 200
    judged = page.locator("section.shortlist-category").filter(has_text="chosen by the judging panel")
    assert judged.count() > 0, "the demo has a judged award"
    href = judged.first.locator("h3 a").first.get_attribute("href")
    assert voter.open(vote_server.url(href)) == 200
    assert "chosen by the judging panel" in page.locator("main").inner_text()
    assert page.locator("a.button").count() == 0
    voter.looks_right()
