"""The voting journey through the test client: every step, errors, the window, links, limits, privacy and escaping."""
from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

import pytest
from sqlalchemy import func, select

from awards_app.voting.models import Vote, VoteRequest
from tests.factories.voting import public_vote, voting_site
from tests.web.forms import csrf_token_from, post_form

TITLE = re.compile(r"<title>(.*?)</title>", re.S)
LINK = re.compile(r"http://awards\.test(/vote/confirm/\S+)")
RECEIPT = re.compile(r"[ABCDEFGHJKMNPQRSTVWXYZ23456789]{4}-[ABCDEFGHJKMNPQRSTVWXYZ23456789]{4}-[ABCDEFGHJKMNPQRSTVWXYZ23456789]{4}")


@pytest.fixture
def site(db_session, clock):
    """An edition whose shortlist is public, with one contest open now and three finalists."""
    site = voting_site()
    db_session.commit()
    return site


def text_of(response) -> str:
    return unescape(response.get_data(as_text=True))


def words_of(response) -> str:
    """The page's text without its tags, with runs of white space as one space."""
    return " ".join(re.sub(r"<[^>]+>", " ", text_of(response)).split())


def title_of(response) -> str:
    return TITLE.search(response.get_data(as_text=True)).group(1).strip()


def votes(db_session) -> int:
    return db_session.scalar(select(func.count(Vote.id)))


class Voter:
    """Goes through the journey as a browser would: each page fetched for its CSRF token, then posted."""

    def __init__(self, client, site, address: str = "198.51.100.7"):
        self.client, self.site = client, site
        self.environ = {"REMOTE_ADDR": address}

    @property
    def ballot_url(self) -> str:
        return f"/vote/{self.site.contest.id}"

    @property
    def email_url(self) -> str:
        return f"/vote/{self.site.contest.id}/email"

    def post(self, url: str, data: dict, form_page: str | None = None, **kwargs):
        return post_form(self.client, url, data, form_page=form_page, environ_base=self.environ, **kwargs)

    def choose(self, finalist=None):
        finalist = finalist or self.site.finalists[0]
        return self.post(self.ballot_url, {"finalist": str(finalist.id)}, form_page=self.ballot_url)

    def give_email(self, email: str = "jo.bloggs@example.org", **kwargs):
        return self.post(self.email_url, {"email": email}, **kwargs)

    def ask(self, email: str = "jo.bloggs@example.org", finalist=None):
        """Choose and give the address; returns the answer to the address."""
        assert self.choose(finalist).status_code == 303
        return self.give_email(email)

    def confirm(self, path: str):
        return self.post(path, {}, form_page=path)


def link_path(outbox) -> str:
    """The path of the newest confirmation link in the outbox."""
    return LINK.search(outbox()[-1].text_body).group(1)


@pytest.fixture
def voter(client, site):
    return Voter(client, site)


# --- The ballot ------------------------------------------------------------------------------------------------


def test_the_vote_page_is_the_ballot_of_the_one_open_contest(client, site):
    response = client.get("/vote")
    page = text_of(response)
    assert response.status_code == 200
    assert "Who do you want to vote for?" in page and "Self Management Project of the Year: public vote" in page
    for name in ("Harbour Arts", "Breathe Easy Fife", "Walk & Talk"):
        assert name in page
    assert "A weekly art group by the harbour for people living with pain." in page
    # Alphabetical order: no finalist is favoured by a place at the top.
    assert page.index("Breathe Easy Fife") < page.index("Harbour Arts") < page.index("Walk & Talk")
    assert f'action="/vote/{site.contest.id}"' in response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "no-store"


def test_the_vote_page_answers_with_a_trailing_slash_too(client, site):
    response = client.get("/vote/")
    assert response.status_code == 308 and response.location.endswith("/vote")


def test_with_several_open_contests_the_voter_chooses_one(client, site, db_session):
    second = public_vote(site.edition, name="Carer of the Year", display_order=3).contest
    db_session.commit()
    page = text_of(client.get("/vote"))
    assert "Which award do you want to vote in?" in page
    assert f'href="/vote/{site.contest.id}"' in page and f'href="/vote/{second.id}"' in page
    ballot = text_of(client.get(f"/vote/{second.id}"))
    assert 'class="back-link" href="/vote"' in ballot


def test_choosing_nobody_is_an_error_with_a_summary(voter, site):
    response = voter.post(voter.ballot_url, {}, form_page="/vote")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert title_of(response).startswith("Error: ")
    assert "There is a problem" in page and 'href="#finalist-0"' in page
    assert "Choose who you want to vote for" in page


def test_a_finalist_of_another_contest_is_an_error(voter, site, db_session):
    others = public_vote(site.edition, ("Someone Else",), name="Carer of the Year").finalists
    db_session.commit()
    response = voter.choose(others[0])
    assert response.status_code == 422 and "Choose who you want to vote for" in text_of(response)


def test_the_choice_is_kept_when_coming_back(voter, site, client):
    assert voter.choose(site.finalists[1]).location == voter.email_url
    page = client.get(voter.ballot_url).get_data(as_text=True)
    assert re.search(rf'value="{site.finalists[1].id}"[^>]*checked|checked[^>]*value="{site.finalists[1].id}"', page)


def test_an_unknown_contest_is_not_found(client, site):
    assert client.get("/vote/999999").status_code == 404
    assert client.get("/vote/99999999999999").status_code == 404


# --- The email address ---------------------------------------------------------------------------------------


def test_the_email_page_needs_a_choice_first(client, site, voter):
    response = client.get(voter.email_url)
    assert response.status_code == 303 and response.location == voter.ballot_url
    assert "Choose who you want to vote for first." in text_of(client.get(voter.ballot_url))


def test_the_email_page_shows_the_choice_and_the_privacy_line(voter, client, site):
    voter.choose()
    response = client.get(voter.email_url)
    page = text_of(response)
    assert "You are voting for Harbour Arts" in words_of(response)
    assert "What is your email address?" in page
    assert "We use your email address only to check your vote" in page and "never use it for marketing" in page
    assert 'href="/privacy"' in page
    assert 'autocomplete="email"' in page and 'type="email"' in page


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Enter your email address"),
        ("jo.bloggs", "Enter your email address in the correct format"),
        ("jo@mailinator.com", "because it gives out short-lived addresses"),
    ],
)
def test_address_errors_keep_what_was_typed(voter, site, db_session, typed, message):
    voter.choose()
    response = voter.give_email(typed)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert title_of(response).startswith("Error: ") and 'href="#email"' in page
    assert message in text_of(response)
    if typed:
        assert f'value="{typed}"' in page
    assert 'aria-invalid="true"' in page
    assert db_session.scalar(select(VoteRequest)) is None


def test_the_address_sends_the_email_and_the_check_your_email_page_shows_it(voter, client, site, outbox, db_session):
    response = voter.ask("Jo.Bloggs@example.org")
    assert response.status_code == 303 and response.location == "/vote/check-email"
    page = text_of(client.get("/vote/check-email"))
    assert "Check your email" in page and "Jo.Bloggs@example.org" in page
    assert "Send the email again" in page and "Use a different email address" in page
    (email,) = outbox()
    assert email.to_address == "Jo.Bloggs@example.org" and "/vote/confirm/" in email.text_body
    assert "/vote/confirm/" in email.html_body
    pending = db_session.scalar(select(VoteRequest))
    assert pending.client_network == "198.51.100.0/24"
    with client.session_transaction() as session:
        assert session["vote_request"] == pending.id, "the request travels in the session, not the URL"


def test_the_check_your_email_page_needs_a_request(client, site):
    response = client.get("/vote/check-email")
    assert response.status_code == 303 and response.location == "/vote"


def test_sending_again_replaces_the_older_link(voter, client, site, outbox):
    voter.ask()
    old = link_path(outbox)
    response = voter.post("/vote/resend", {}, form_page="/vote/check-email")
    assert response.status_code == 303 and response.location == "/vote/check-email"
    assert "We have sent the email again" in text_of(client.get("/vote/check-email"))
    assert len(outbox()) == 2
    replaced = client.get(old)
    assert replaced.status_code == 410 and "A newer link has been sent" in text_of(replaced)
    assert "vote again" in text_of(replaced)
    assert client.get(link_path(outbox)).status_code == 200


def test_voting_again_with_a_variant_of_the_same_gmail_address_is_refused_politely(voter, client, site, outbox,
                                                                                   db_session, app):
    voter.ask("jo.bloggs@gmail.com")
    voter.confirm(link_path(outbox))
    other = Voter(app.test_client(), site, address="203.0.113.50")
    response = other.ask("JoBloggs+again@GoogleMail.com", finalist=site.finalists[2])
    assert response.status_code == 200
    assert "You have already voted in this contest" in text_of(response)
    assert "Error" not in title_of(response)
    assert votes(db_session) == 1 and len(outbox()) == 2  # the link, and the receipt of the vote


# --- Confirming ------------------------------------------------------------------------------------------------


def test_the_link_opens_a_confirm_page_that_uses_nothing_up(voter, client, site, outbox, app, db_session):
    voter.ask()
    path = link_path(outbox)
    for browser in (client, app.test_client()):  # a mail scanner, then the voter's phone
        response = browser.get(path)
        page = text_of(response)
        assert response.status_code == 200
        assert "Confirm your vote" in page and "You are voting for Harbour Arts" in words_of(response)
        assert "Confirm my vote" in page
    assert votes(db_session) == 0


def test_confirming_counts_the_vote_and_shows_the_receipt(voter, client, site, outbox, db_session):
    voter.ask()
    response = voter.confirm(link_path(outbox))
    assert response.status_code == 303 and response.location == "/vote/counted"
    page = text_of(client.get("/vote/counted"))
    assert "Your vote has been counted" in page and "Harbour Arts" in page
    vote = db_session.scalar(select(Vote))
    assert vote.receipt_code in page and RECEIPT.fullmatch(vote.receipt_code)
    assert db_session.scalar(select(VoteRequest.email)) is None
    assert client.get("/vote/check-email").location == "/vote", "nothing is pending any more"


def test_confirming_in_another_browser_works(voter, site, outbox, app, db_session):
    voter.ask()
    phone = Voter(app.test_client(), site, address="203.0.113.9")
    assert phone.confirm(link_path(outbox)).location == "/vote/counted"
    assert "Your vote has been counted" in text_of(phone.client.get("/vote/counted"))
    assert votes(db_session) == 1


def test_confirming_twice_says_already_voted(voter, client, site, outbox, db_session):
    voter.ask()
    path = link_path(outbox)
    token = csrf_token_from(client, path)
    voter.confirm(path)
    opened_again = client.get(path)
    assert opened_again.status_code == 200
    assert "You have already voted in this contest" in text_of(opened_again)
    assert "Confirm my vote" not in text_of(opened_again)
    response = client.post(path, data={"csrf_token": token}, environ_base=voter.environ)  # a second press
    assert response.status_code == 303
    answer = client.get(response.location)
    assert answer.status_code == 200 and "You have already voted in this contest" in text_of(answer)
    assert "Error" not in title_of(answer)
    assert votes(db_session) == 1


def test_the_counted_page_needs_a_vote_from_this_browser(client, site):
    assert client.get("/vote/counted").location == "/vote"


def test_an_expired_link_says_what_to_do_next(voter, client, site, outbox, clock, db_session):
    voter.ask()
    path = link_path(outbox)
    clock.advance(hours=24)
    for response in (client.get(path), voter.post(path, {}, form_page="/vote")):
        assert response.status_code == 410
        assert "This link has expired" in text_of(response) and "vote again" in text_of(response)
    assert votes(db_session) == 0


def test_the_check_your_email_page_offers_a_new_link_once_it_has_run_out(voter, client, site, outbox, clock):
    voter.ask()
    clock.advance(hours=25)
    assert "has run out" in text_of(client.get("/vote/check-email"))
    assert voter.post("/vote/resend", {}, form_page="/vote/check-email").status_code == 303
    assert client.get(link_path(outbox)).status_code == 200


@pytest.mark.parametrize("token", ["not-a-real-token", "x" * 501])
def test_a_broken_link_explains_itself(client, site, token):
    response = client.get(f"/vote/confirm/{token}")
    assert response.status_code == 404
    if len(token) < 500:
        assert "This link does not work" in text_of(response)


# --- CSRF ----------------------------------------------------------------------------------------------------


def test_posts_without_a_form_token_change_nothing_and_keep_what_was_typed(voter, client, site, outbox, db_session):
    response = client.post(voter.ballot_url, data={"finalist": str(site.finalists[0].id)})
    assert response.status_code == 422 and "This page was open for a long time" in text_of(response)
    voter.choose()
    response = client.post(voter.email_url, data={"email": "kept@example.org"}, environ_base=voter.environ)
    assert response.status_code == 422
    assert 'value="kept@example.org"' in response.get_data(as_text=True)
    assert db_session.scalar(select(VoteRequest)) is None and outbox() == []
    voter.give_email("kept@example.org")
    path = link_path(outbox)
    response = client.post(path, data={"csrf_token": "forged"})
    assert response.status_code == 422 and "your vote has not been counted yet" in text_of(response)
    assert votes(db_session) == 0
    response = client.post("/vote/resend", data={})
    assert response.status_code == 303 and response.location == "/vote/check-email"
    assert len(outbox()) == 1


# --- Escaping --------------------------------------------------------------------------------------------------


def test_names_and_summaries_are_shown_as_text(voter, client, site, outbox, db_session):
    finalist = site.finalists[0]
    finalist.public_name = '<script>alert("name")</script>'
    finalist.nomination.public_summary = "<img src=x onerror=alert(1)> & more"
    db_session.commit()
    ballot = client.get("/vote").get_data(as_text=True)
    assert "<script>alert" not in ballot and "&lt;script&gt;alert" in ballot
    assert "<img src=x" not in ballot and "&lt;img src=x onerror=alert(1)&gt; &amp; more" in ballot
    voter.ask(finalist=finalist)
    assert "&lt;script&gt;" in client.get(voter.email_url).get_data(as_text=True)
    email = outbox()[-1]
    assert "<script>" not in email.html_body and "&lt;script&gt;" in email.html_body
    assert '<script>alert("name")</script>' in email.text_body  # plain text is not HTML
    assert "&lt;script&gt;" in client.get(link_path(outbox)).get_data(as_text=True)


def test_a_typed_address_is_shown_as_text(voter, site):
    voter.choose()
    response = voter.give_email('"><script>x</script>@example.org')
    assert response.status_code == 422 and "<script>x" not in response.get_data(as_text=True)


# --- The window ------------------------------------------------------------------------------------------------


def test_before_the_shortlist_is_public_nothing_of_it_shows(client, db_session, clock):
    site = voting_site(published=False)
    db_session.commit()
    response = client.get("/vote")
    page = text_of(response)
    assert response.status_code == 200 and "The public vote is not open" in page
    for name in ("Harbour Arts", "Breathe Easy", "Walk & Talk", "weekly art group"):
        assert name not in page
    assert client.get(f"/vote/{site.contest.id}").status_code == 404
    assert client.get(f"/vote/{site.contest.id}/email").status_code == 404


def test_before_the_contest_opens_the_pages_say_when(client, site, clock):
    clock.set(site.opens_at - timedelta(hours=2))
    for path in ("/vote", f"/vote/{site.contest.id}"):
        page = text_of(client.get(path))
        assert "The public vote has not opened yet" in page
        assert "award opens at" in page and "and closes at" in page
        assert "Harbour Arts" not in page


def test_after_the_close_the_pages_say_so_and_refuse_votes(voter, client, site, clock, outbox, db_session):
    clock.set(site.closes_at - timedelta(minutes=30))
    voter.ask()
    path = link_path(outbox)
    token = csrf_token_from(client, path)
    clock.set(site.closes_at)
    page = text_of(client.get("/vote"))
    assert "The public vote has closed" in page and "closed at" in page
    confirm_page = client.get(path)
    assert "The public vote has closed" in text_of(confirm_page) and "Confirm my vote" not in text_of(confirm_page)
    response = client.post(path, data={"csrf_token": token})
    assert response.status_code == 403 and "Votes can no longer be cast or confirmed" in text_of(response)
    response = client.post(voter.email_url, data={"csrf_token": token, "email": "late@example.org"})
    assert response.status_code == 403
    assert votes(db_session) == 0


def test_without_an_edition_the_vote_page_says_there_is_no_vote(client, db_session):
    response = client.get("/vote")
    assert response.status_code == 200 and "There is no public vote at the moment" in text_of(response)


# --- Rate limits ---------------------------------------------------------------------------------------------


def test_vote_requests_are_limited_per_client_address(voter, site, client):
    voter.choose()
    for number in range(10):
        assert voter.give_email(f"voter{number}@example.org").status_code == 303
        voter.choose()
    response = voter.give_email("one.more@example.org")
    assert response.status_code == 429
    assert "Your vote has not been sent yet" in text_of(response)
    assert int(response.headers["Retry-After"]) > 0
    # Another connection (an IPv6 device in another /64) is not held back.
    other = Voter(client, site, address="2001:db8:aaaa:1::5")
    assert other.give_email("someone.else@example.org").status_code == 303


def test_a_v6_client_is_limited_by_its_64(voter, site, client):
    first = Voter(client, site, address="2001:db8:1:2::1")
    first.choose()
    for number in range(10):
        address = f"2001:db8:1:2::{number + 1:x}"  # every address of one /64 counts as one client
        assert Voter(client, site, address=address).give_email(f"v6voter{number}@example.org").status_code == 303
    assert Voter(client, site, address="2001:db8:1:2:ffff::1").give_email("x@example.org").status_code == 429


def test_vote_requests_are_limited_per_voter_key_however_it_is_written(client, site):
    spellings = ["jo.bloggs@gmail.com", "JoBloggs@googlemail.com", "jo.bloggs+2@gmail.com", "j.o.bloggs@gmail.com"]
    statuses = []
    for number, spelling in enumerate(spellings):
        other = Voter(client, site, address=f"192.0.2.{number + 1}")  # each from another connection
        other.choose()
        statuses.append(other.give_email(spelling).status_code)
    assert statuses == [303, 303, 303, 429]


def test_mistyped_addresses_do_not_use_up_the_voters_budget(voter, site):
    voter.choose()
    for _ in range(4):
        assert voter.give_email("jo.bloggs@").status_code == 422
    assert voter.give_email("jo.bloggs@example.org").status_code == 303


def test_resends_are_limited_per_address(voter, client, site):
    voter.ask()
    for _ in range(3):
        assert voter.post("/vote/resend", {}, form_page="/vote/check-email").status_code == 303
    response = voter.post("/vote/resend", {}, form_page="/vote/check-email")
    assert response.status_code == 429 and "We cannot send another email just now" in text_of(response)


def test_confirmations_are_limited_per_client_address(voter, client, site):
    token = csrf_token_from(client, "/vote")
    for number in range(20):
        assert client.post(f"/vote/confirm/broken{number}", data={"csrf_token": token},
                           environ_base=voter.environ).status_code == 404
    response = client.post("/vote/confirm/broken", data={"csrf_token": token}, environ_base=voter.environ)
    assert response.status_code == 429 and "Your vote has not been counted yet" in text_of(response)


def test_an_expired_form_over_the_limit_is_shown_again_and_spends_nothing(voter, site, client, db_session):
    voter.choose()
    for number in range(9):
        assert voter.give_email(f"voter{number}@example.org").status_code == 303
        voter.choose()
    # An expired form does not use up the last request of the budget...
    expired = client.post(voter.email_url, data={"email": "kept@example.org"}, environ_base=voter.environ)
    assert expired.status_code == 422 and 'value="kept@example.org"' in expired.get_data(as_text=True)
    assert voter.give_email("last.one@example.org").status_code == 303
    voter.choose()
    # ...and once the budget is spent, it is still shown again (it used to fail with a 500 there).
    expired = client.post(voter.email_url, data={"email": "kept@example.org"}, environ_base=voter.environ)
    assert expired.status_code == 422 and 'value="kept@example.org"' in expired.get_data(as_text=True)
    assert voter.give_email("one.more@example.org").status_code == 429


def test_a_limit_under_htmx_answers_with_a_visible_message(voter, client, site):
    voter.choose()
    for number in range(10):
        voter.give_email(f"htmx{number}@example.org")
        voter.choose()
    response = voter.give_email("htmx.more@example.org", headers={"HX-Request": "true"})
    assert response.status_code == 429
    assert response.headers["HX-Retarget"] == "#messages"
    assert "Your vote has not been sent yet" in text_of(response) and "<html" not in text_of(response)


def test_looking_at_the_pages_is_not_limited(client, site):
    for _ in range(30):
        assert client.get("/vote").status_code == 200


# --- Privacy ---------------------------------------------------------------------------------------------------


def test_the_privacy_page_says_what_is_kept_and_for_how_long(client, db_session, app, monkeypatch):
    monkeypatch.setitem(app.config, "VOTE_NETWORK_RETENTION_DAYS", 45)
    response = client.get("/privacy")
    page = text_of(response)
    assert response.status_code == 200
    for heading in ("If you nominate someone", "If you are nominated", "If you are a judge", "If you vote"):
        assert heading in page
    assert "until you confirm your vote" in page and "24 hours after we send it" in page and "45 days after voting closes" in page
    assert "One vote per person" in page and "may void votes" in page
    assert "never use it for marketing" in page


def test_every_page_links_to_the_privacy_page(client, site):
    for path in ("/", "/vote", "/privacy"):
        assert 'href="/privacy"' in client.get(path).get_data(as_text=True), path
