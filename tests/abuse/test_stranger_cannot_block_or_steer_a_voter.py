"""A stranger who knows a voter's address cannot lock them out, cancel their link, or swap the finalist they chose.

Issue #14, finding 1: posts to the email step that sent nothing were counted against the voter's budget (three 303s
and the real voter got 429 for an hour), and a request from another browser for another finalist replaced the
voter's pending link, leaving only the stranger's choice working in their inbox.
"""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from awards_app.voting.models import Vote
from tests.factories.voting import voting_site
from tests.web.forms import csrf_token_from
from tests.web.test_vote import Voter, link_path, text_of, words_of

VICTIM = "jo.bloggs@gmail.com"
# The same inbox written another way (Gmail ignores dots, +tags and the googlemail domain): the same voter key.
VICTIM_RESPELT = "JoBloggs+vote@googlemail.com"


@pytest.fixture
def site(db_session, clock):
    """An open contest with three finalists: Breathe Easy Fife, Harbour Arts, and Walk & Talk."""
    site = voting_site()
    db_session.commit()
    return site


def stranger_in(app, site) -> Voter:
    """Another browser on another connection."""
    return Voter(app.test_client(), site, address="203.0.113.66")


def votes_for(db_session) -> dict[int, int]:
    """How many votes each finalist has."""
    return dict(db_session.execute(select(Vote.finalist_id, func.count()).group_by(Vote.finalist_id)).all())


def test_posts_that_send_nothing_do_not_use_up_the_voters_budget(app, client, site, outbox):
    stranger = stranger_in(app, site)
    token = csrf_token_from(stranger.client, "/vote")  # a form token, but no choice on the ballot in this browser
    for _ in range(3):
        response = stranger.client.post(stranger.email_url, data={"csrf_token": token, "email": VICTIM},
                                        environ_base=stranger.environ)
        assert response.status_code == 303 and response.location == stranger.ballot_url
    assert outbox() == []

    answer = Voter(client, site).ask(VICTIM)
    assert answer.status_code == 303, f"the real voter was answered {answer.status_code} after 0 emails were sent"
    assert len(outbox()) == 1


def test_a_strangers_request_for_another_finalist_leaves_the_voters_link_working(app, client, site, outbox,
                                                                                  db_session):
    harbour, breathe, _walk = site.finalists
    voter = Voter(client, site)
    assert voter.ask(VICTIM, finalist=harbour).status_code == 303
    voters_link = link_path(outbox)
    stranger = stranger_in(app, site)
    assert stranger.ask(VICTIM_RESPELT, finalist=breathe).status_code == 303
    strangers_link = link_path(outbox)

    opened = client.get(voters_link)
    assert opened.status_code == 200, f"the voter's own link answered {opened.status_code} after a stranger's request"
    assert "You are voting for Harbour Arts" in words_of(opened)
    assert voter.confirm(voters_link).location == "/vote/counted"
    assert votes_for(db_session) == {harbour.id: 1}

    # Confirming one closes the others: the stranger's link now says the vote is in, and counts nothing.
    opened = client.get(strangers_link)
    assert opened.status_code == 200 and "You have already voted in this contest" in text_of(opened)
    assert "Confirm my vote" not in text_of(opened)
    assert voter.post(strangers_link, {}, form_page="/vote").status_code == 303  # a press from a page left open
    assert votes_for(db_session) == {harbour.id: 1}


def test_every_email_and_confirmation_page_name_the_finalist_in_words(app, client, site, outbox):
    harbour, breathe, _walk = site.finalists
    Voter(client, site).ask(VICTIM, finalist=harbour)
    stranger_in(app, site).ask(VICTIM_RESPELT, finalist=breathe)
    voters_email, strangers_email = outbox()
    # Not in the subject, which outlives the text in the outbox's record and shows on a locked phone.
    assert "Harbour Arts" not in voters_email.subject and "Breathe Easy Fife" not in strangers_email.subject
    for email, name in ((voters_email, "Harbour Arts"), (strangers_email, "Breathe Easy Fife")):
        assert f"You asked to vote for {name}" in " ".join(email.text_body.split())
        assert "only the link in the newest one works" not in email.text_body
    assert "You are voting for Breathe Easy Fife" in words_of(client.get(link_path(outbox)))


def test_a_voter_who_changes_their_mind_votes_for_their_newer_choice(client, site, outbox, db_session):
    harbour, breathe, _walk = site.finalists
    voter = Voter(client, site)
    voter.ask(VICTIM, finalist=harbour)
    first_link = link_path(outbox)
    voter.ask(VICTIM, finalist=breathe)
    second_link = link_path(outbox)
    assert "You are voting for Harbour Arts" in words_of(client.get(first_link))
    assert "You are voting for Breathe Easy Fife" in words_of(client.get(second_link))

    assert voter.confirm(second_link).location == "/vote/counted"
    assert votes_for(db_session) == {breathe.id: 1}
    assert "You have already voted in this contest" in text_of(client.get(first_link))
    voter.post(first_link, {}, form_page="/vote")
    assert votes_for(db_session) == {breathe.id: 1}


def test_when_the_budget_is_spent_the_page_says_the_links_already_sent_still_work(app, site, outbox):
    for number in range(3):
        Voter(app.test_client(), site, address=f"192.0.2.{number + 1}").ask(VICTIM)
    answer = Voter(app.test_client(), site, address="192.0.2.9").ask(VICTIM_RESPELT)
    assert answer.status_code == 429 and len(outbox()) == 3
    page = " ".join(text_of(answer).split())
    assert "We have already sent 3 emails to this address in the last hour" in page
    assert "still works" in page and "names who the vote is for" in page
    assert int(answer.headers["Retry-After"]) > 0


def test_emails_a_stranger_asked_for_still_let_the_voter_vote_for_their_own_choice(app, client, site, outbox,
                                                                                   db_session):
    harbour, breathe, _walk = site.finalists
    for number in range(3):  # the stranger spends the inbox's emails for the hour, each for Breathe Easy Fife
        Voter(app.test_client(), site, address=f"203.0.113.{number + 1}").ask(VICTIM_RESPELT, finalist=breathe)
    voter = Voter(client, site)
    refused = voter.ask(VICTIM, finalist=harbour)
    assert refused.status_code == 429
    assert "you can choose someone else on its page" in " ".join(text_of(refused).split())

    # Any of those emails' links lets the voter choose on the page, and the choice is theirs.
    strangers_link = link_path(outbox)
    choosing = client.get(strangers_link + "?choose")
    assert choosing.status_code == 200, f"the page to choose answered {choosing.status_code}"
    assert "This email was sent for a vote for Breathe Easy Fife" in words_of(choosing)
    assert f'value="{harbour.id}"' in choosing.get_data(as_text=True)
    answer = voter.post(strangers_link, {"finalist": str(harbour.id)}, form_page=strangers_link)
    assert answer.location == "/vote/counted"
    assert "Harbour Arts" in text_of(client.get("/vote/counted"))
    assert votes_for(db_session) == {harbour.id: 1}


def test_a_choice_that_is_not_on_the_ballot_is_put_right_on_the_page_and_uses_nothing_up(app, client, site, outbox,
                                                                                        db_session):
    voter = Voter(client, site)
    voter.ask(VICTIM)
    link = link_path(outbox)
    answer = voter.post(link, {"finalist": "999999"}, form_page=link)
    assert answer.status_code == 422 and "Choose who you want to vote for" in text_of(answer)
    assert votes_for(db_session) == {}
    assert voter.post(link, {"finalist": str(site.finalists[2].id)}, form_page=link).location == "/vote/counted"
    assert votes_for(db_session) == {site.finalists[2].id: 1}
