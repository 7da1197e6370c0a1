"""Finding 2 of issue #14: the nomination form must not be a spam relay.

A stranger who knows someone's address puts it in a nomination (as nominator and nominee) or asks for a resume link
to it. No email to an address nobody has verified may carry words the stranger typed; the emails one inbox gets
from what the public does are limited, however its address is spelled; a URL in text shown in an email is never
written so that mail programs turn it into a link.
"""
from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import delete, select

from awards_app.core import clock as app_clock
from awards_app.core.email_providers import canonical_address
from awards_app.core.mail_budget import (
    DEFAULT_PER_DAY,
    DEFAULT_PER_HOUR,
    MailBudget,
    purge_mail_budgets,
)
from awards_app.core.models import AuditEvent, OutboxEmail
from awards_app.core.outbox import queue_email, without_links
from awards_app.extensions import db
from tests.fixtures.apps import side_app
from tests.web.forms import post_form
from tests.web.test_nominate import Journey, edition, person  # noqa: F401  (fixtures)

VICTIM = "jo.bloggs@gmail.com"
# What a stranger types into the nomination, aimed at the victim's inbox.
TYPED = {
    "nominee name": "Bank of Scotland Security Team",
    "nominee organisation": "Call 0800 000 0000 now",
    "nominator name": "Bank of Scotland",
    "relationship": "Your account is locked",
    "answer": "Verify your account at https://bank-of-scotland.evil.example/login or phish.example today",
}
# Eight ways of writing one Gmail inbox.
SPELLINGS = [
    "jo.bloggs@gmail.com", "JoBloggs@gmail.com", "jobloggs@googlemail.com", "j.o.bloggs@gmail.com",
    "jo.bloggs+1@gmail.com", "JO.BLOGGS+x@GoogleMail.com", "jobloggs+awards@gmail.com", "j.obloggs@gmail.com",
]


@pytest.fixture
def stranger(client, clock, edition):  # noqa: F811
    return Journey(client, clock)


def _victims_emails(outbox) -> list[OutboxEmail]:
    return [email for email in outbox() if canonical_address(email.to_address) == canonical_address(VICTIM)]


def _stranger_nominates(stranger, category, address: str = VICTIM):
    """A whole nomination whose nominator and nominee addresses are the victim's, full of the stranger's words."""
    stranger.start()
    assert stranger.choose(category).status_code == 303
    assert stranger.nominee(name=TYPED["nominee name"], organisation=TYPED["nominee organisation"],
                            email=address).status_code == 303
    for number in range(1, len(category.questions) + 1):
        assert stranger.answer(number, TYPED["answer"][:60]).status_code == 303
    assert stranger.nominator(name=TYPED["nominator name"], relationship=TYPED["relationship"],
                              email=address).status_code == 303
    assert stranger.agree().status_code == 303
    return stranger.submit()


def test_no_email_to_an_unverified_address_quotes_what_a_stranger_typed(stranger, person, outbox, client):  # noqa: F811
    assert _stranger_nominates(stranger, person).status_code == 303
    # And a "save and come back later" link sent to the victim from a new draft full of the same words.
    stranger.start()
    stranger.choose(person)
    stranger.nominee(name=TYPED["nominee name"], organisation=TYPED["nominee organisation"], email=VICTIM)
    assert post_form(client, "/nominate/save", {"email": VICTIM}).status_code == 303

    emails = _victims_emails(outbox)
    assert {email.subject.split(":")[0] for email in emails} == {
        "Your nomination has been received", "You have been nominated for a Self Management Award",
        "Your saved nomination",
    }
    quoted = [
        (email.subject, what) for email in emails for what, text in TYPED.items()
        for body in (email.subject, email.text_body, email.html_body) if text[:25] in body
    ]
    assert quoted == [], f"{len(quoted)} quotations of the stranger's words reached the victim: {quoted}"
    assert not any("evil.example" in email.text_body + email.html_body for email in emails)
    # Still useful to a real nominator: the award and the reference.
    received = next(email for email in emails if email.subject.startswith("Your nomination has been received"))
    assert person.name in received.text_body and "reference" in received.text_body


def test_one_inbox_gets_a_limited_number_of_emails_from_the_public_however_it_is_spelled(
        stranger, person, outbox, client, db_session):  # noqa: F811
    # Three strangers' clients nominate with the victim's address (two emails each), then ask for resume links to
    # eight spellings of it, each from a connection of its own.
    for number in range(3):
        client.environ_base["REMOTE_ADDR"] = f"192.0.2.{number + 1}"
        client.delete_cookie("session")
        assert _stranger_nominates(stranger, person, SPELLINGS[number]).status_code == 303
    statuses = []
    for number, spelling in enumerate(SPELLINGS):
        client.environ_base["REMOTE_ADDR"] = f"198.51.100.{number + 1}"
        client.delete_cookie("session")
        stranger.start()
        stranger.choose(person)
        statuses.append(post_form(client, "/nominate/save", {"email": spelling}).status_code)

    emails = _victims_emails(outbox)
    assert len(emails) == DEFAULT_PER_HOUR, f"{len(emails)} emails reached one inbox where the budget is {DEFAULT_PER_HOUR}"
    resume_links = [email for email in emails if email.subject.startswith("Your saved nomination")]
    assert len(resume_links) <= 3, f"{len(resume_links)} resume links to one inbox where the limit is 3 an hour"
    # Whoever pressed the button learns nothing: a withheld email looks the same as a sent one, until the
    # per-address limit of resume links (3 an hour, however the address is spelled) says so to everyone alike.
    assert statuses == [303, 303, 303, 429, 429, 429, 429, 429]


def test_the_budget_frees_up_hour_by_hour_and_day_by_day(app, db_session, clock):
    """The real owner of the inbox can get their own email within the hour (or the day, for the daily budget)."""
    sent = lambda: queue_email(VICTIM, "Your saved nomination", "resume_link", **_resume_context())  # noqa: E731
    assert [sent() is not None for _ in range(DEFAULT_PER_HOUR + 1)] == [True] * DEFAULT_PER_HOUR + [False]
    clock.advance(hours=1)
    assert sent() is not None, "a new hour gives a new hourly budget"
    for _ in range(DEFAULT_PER_DAY):
        clock.advance(hours=1)
        sent()
    assert db_session.scalar(select(MailBudget.day_count)) <= DEFAULT_PER_DAY
    clock.advance(days=1)
    assert sent() is not None, "a new day gives a new daily budget"


def test_the_organisers_own_emails_are_not_counted(app, db_session, mail_templates):
    for _ in range(DEFAULT_PER_HOUR + 2):
        assert queue_email(VICTIM, "A note from the awards team", "test_message", name="Jo") is not None


def test_an_organisers_resend_reaches_a_nominee_whose_budget_a_stranger_spent(app, db_session, organiser, clock):
    from awards_app.nominations.consent import request_consent
    from awards_app.nominations.review import resend_consent_request
    from tests.factories.nominations import make_nomination
    from tests.factories.programme import make_category, make_edition

    nomination = make_nomination(make_category(make_edition()), nominee_email=VICTIM)
    for _ in range(DEFAULT_PER_HOUR):
        queue_email(VICTIM, "Your saved nomination", "resume_link", **_resume_context())
    request_consent(None, nomination)
    assert db_session.scalar(select(AuditEvent.details).where(AuditEvent.action == "email.withheld")) == {
        "template": "nominee_consent"}, "withheld, and the organisers can see it (without the address)"
    assert not [email for email in db_session.scalars(select(OutboxEmail)) if "/consent/" in email.text_body]
    resend_consent_request(organiser, nomination)
    assert [email for email in db_session.scalars(select(OutboxEmail)) if "/consent/" in email.text_body]


def test_a_voter_whose_budget_a_stranger_spent_still_gets_their_vote_link(app, db_session, clock):
    """A stranger cannot stop someone voting by spending their inbox's budget on other emails first."""
    from awards_app.voting.votes import request_vote
    from tests.factories.voting import voting_site

    site = voting_site()
    for _ in range(DEFAULT_PER_HOUR):
        assert queue_email(VICTIM, "Your saved nomination", "resume_link", **_resume_context()) is not None
    assert queue_email(VICTIM, "Your saved nomination", "resume_link", **_resume_context()) is None
    request_vote(site.contest, site.finalists[0].id, "JoBloggs+vote@gmail.com", "198.51.100.7")
    vote_links = [email for email in db_session.scalars(select(OutboxEmail)) if "/vote/confirm/" in email.text_body]
    assert len(vote_links) == 1, "the voter's own vote link was withheld because a stranger spent their budget"
    assert db_session.scalar(select(MailBudget.hour_count)) == DEFAULT_PER_HOUR + 1, "and it is counted all the same"


def test_budgets_of_inboxes_sent_nothing_since_yesterday_are_purged(app, db_session, clock):
    queue_email(VICTIM, "Your saved nomination", "resume_link", **_resume_context())
    clock.advance(days=1)
    assert purge_mail_budgets() == 0, "yesterday's budget is kept for a day"
    clock.advance(days=1)
    assert purge_mail_budgets() == 1
    assert db_session.scalar(select(MailBudget)) is None


def _resume_context() -> dict:
    """Enough for templates/emails/resume_link to render without a draft."""

    class _Edition:
        name, timezone = "Self Management Awards 2026", "Europe/London"

    return {"link": "http://awards.test/nominate/resume/x", "edition": _Edition(), "category": None,
            "closes_at": app_clock.now() + timedelta(days=7), "expires_at": app_clock.now() + timedelta(days=7)}


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("Go to https://bank.evil.example/login now", "Go to https[:]//bank[.]evil[.]example/login now"),
        ("See www.phish.example", "See www[.]phish[.]example"),
        ("phish.example/verify", "phish[.]example/verify"),
        ("Morag Fraser", "Morag Fraser"),
        ("Walk 1.5 miles, e.g. daily", "Walk 1.5 miles, e.g. daily"),
        ("jo@example.org", "jo@example.org"),
        ("http://awards.test/vote", "http://awards.test/vote"),  # our own links stay links
        ("Ask at awards.test.", "Ask at awards.test."),
        ("http://awards.test.evil.example/x", "http[:]//awards[.]test[.]evil[.]example/x"),
        ("http://awards.test@evil.example/x", "http[:]//awards[.]test@evil[.]example/x"),
        ("ftp://10.0.0.1/x", "ftp[:]//10[.]0[.]0[.]1/x"),
    ],
)
def test_urls_in_free_text_are_never_written_as_links(app, text, shown):
    with app.test_request_context():
        assert without_links(text) == shown


def test_the_apps_own_links_stay_whole_whatever_its_address(app, monkeypatch):
    """Signed tokens hold dots, and a site may be served from a bare IP address and port (as the browser tests are)."""
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", "http://127.0.0.1:43321")
    link = "http://127.0.0.1:43321/vote/confirm/IkpONXJjVGR0aHEw.axathQ.Ilwo3ktwllwbmJAPSKkjhx"
    with app.test_request_context():
        assert without_links(f"Open this link:\n{link}\n") == f"Open this link:\n{link}\n"
        assert without_links(f'<a href="{link}">{link}</a>') == f'<a href="{link}">{link}</a>'


def test_a_finalists_name_that_looks_like_a_link_reaches_no_inbox_as_one(app, db_session, clock, mail_templates):
    with app.test_request_context():
        email_id = queue_email(VICTIM, "Hello", "test_message", name="visit https://phish.example/x")
    email = db_session.get(OutboxEmail, email_id)
    for body in (email.text_body, email.html_body):
        assert "phish.example" not in body and "phish[.]example" in body
        assert "http://awards.test/vote" in body  # the app's own link is untouched


BUDGET_RACERS = 24


@pytest.mark.postgres
def test_two_dozen_emails_at_once_to_one_inbox_stay_within_its_budget(app):
    """Two dozen requests at the same moment, each in its own transaction: exactly the budget gets through."""
    other = side_app({
        "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": BUDGET_RACERS, "max_overflow": 0, "pool_timeout": 30},
        "PUBLIC_BASE_URL": "http://awards.test", "MAIL_BACKEND": "smtp",
    })
    start = threading.Barrier(BUDGET_RACERS)
    outcomes: list[bool] = []

    def race(number: int) -> None:
        with other.app_context():
            start.wait()
            outcomes.append(queue_email(SPELLINGS[number % len(SPELLINGS)], "Your saved nomination", "resume_link",
                                        **_resume_context()) is not None)
            db.session.commit()
            db.session.remove()

    threads = [threading.Thread(target=race, args=(number,)) for number in range(BUDGET_RACERS)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert outcomes.count(True) == DEFAULT_PER_HOUR, f"{outcomes.count(True)} of {BUDGET_RACERS} got through"
        with other.app_context():
            queued = db.session.scalars(select(OutboxEmail.to_address).where(
                OutboxEmail.subject == "Your saved nomination")).all()
            assert len([address for address in queued if canonical_address(address) == canonical_address(VICTIM)]) \
                == DEFAULT_PER_HOUR
    finally:
        with other.app_context():
            db.session.execute(delete(OutboxEmail).where(OutboxEmail.subject == "Your saved nomination"))
            db.session.execute(delete(MailBudget))
            db.session.commit()
            db.engine.dispose()
