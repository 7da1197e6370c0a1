"""Accounts: password rules, authentication, and sessions that end."""
import pytest

from awards_app.services import accounts
from awards_app.services.errors import DomainError


def test_password_must_be_long_enough(db_session):
    with pytest.raises(DomainError, match="at least 12 characters"):
        accounts.create_organiser("a@example.org", "elevenchars")


def test_email_is_normalised(db_session):
    user = accounts.create_organiser("  Someone@EXAMPLE.org ", "twelve chars!")
    assert user.email == "someone@example.org"


def test_changing_the_password_ends_every_session(db_session, organiser):
    first = accounts.start_session(organiser)
    second = accounts.start_session(organiser)
    db_session.flush()
    assert accounts.user_for_session(first) is organiser
    accounts.set_password(organiser, "a brand new long password")
    db_session.flush()
    assert accounts.user_for_session(first) is None
    assert accounts.user_for_session(second) is None
    assert accounts.authenticate(organiser.email, "a brand new long password") is organiser


def test_a_token_that_was_never_issued_opens_nothing(db_session, organiser):
    assert accounts.user_for_session("made-up-token") is None
    assert accounts.user_for_session("") is None
