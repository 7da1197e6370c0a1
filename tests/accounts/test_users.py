"""Accounts: password rules, authentication, and sessions that end."""
import pytest
from sqlalchemy import select

from awards_app.accounts import users
from awards_app.core.errors import DomainError
from awards_app.core.models import AuditEvent


def test_password_must_be_long_enough(db_session):
    with pytest.raises(DomainError, match="at least 12 characters"):
        users.create_organiser("a@example.org", "elevenchars")


def test_email_is_normalised(db_session):
    user = users.create_organiser("  Someone@EXAMPLE.org ", "twelve chars!")
    assert user.email == "someone@example.org"


def test_changing_the_password_ends_every_session(db_session, organiser):
    first = users.start_session(organiser)
    second = users.start_session(organiser)
    db_session.flush()
    assert users.user_for_session(first) is organiser
    users.set_password(organiser, "a brand new long password")
    db_session.flush()
    assert users.user_for_session(first) is None
    assert users.user_for_session(second) is None
    assert users.authenticate(organiser.email, "a brand new long password") is organiser


def test_a_token_that_was_never_issued_opens_nothing(db_session, organiser):
    assert users.user_for_session("made-up-token") is None
    assert users.user_for_session("") is None


@pytest.mark.parametrize("typed", ["a\x00b@example.org", "organiser@example.org\x00", "\x00"])
def test_an_address_with_a_nul_signs_nobody_in_and_its_failure_is_audited(db_session, organiser, typed):
    # PostgreSQL refuses NUL in text: this used to fail the sign-in page with a database error there.
    assert users.find_user_by_email(typed) is None
    assert users.authenticate(typed, "correct horse battery staple") is None
    db_session.flush()
    failure = db_session.scalars(select(AuditEvent).where(AuditEvent.action == "account.sign_in_failed")).all()[-1]
    assert failure.details["email"] == typed.strip()
