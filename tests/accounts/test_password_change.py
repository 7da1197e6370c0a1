"""Changing a password: the current one is checked, the new one follows the rules, and every session ends."""
import pytest
from sqlalchemy import select

from awards_app.accounts import users
from awards_app.accounts.models import SignInSession
from awards_app.core.errors import DomainError
from awards_app.core.models import AuditEvent
from tests.factories.accounts import ORGANISER_PASSWORD

NEW_PASSWORD = "granite lighthouse marmalade"


def events(db_session, action):
    return list(db_session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_a_wrong_current_password_is_refused_and_audited(db_session, organiser):
    with pytest.raises(DomainError) as refusal:
        users.change_password(organiser, "not my password at all", NEW_PASSWORD)
    assert refusal.value.field == "current_password"
    [failed] = events(db_session, "account.password_change_failed")
    assert failed.actor_id is None and failed.subject_id == organiser.id
    assert failed.details == {"email": organiser.email}
    assert users.authenticate(organiser.email, ORGANISER_PASSWORD) is organiser


def test_the_new_password_follows_the_rules(db_session, organiser):
    with pytest.raises(DomainError, match="harder to guess") as refusal:
        users.change_password(organiser, ORGANISER_PASSWORD, "password1234")
    assert refusal.value.field == "new_password"
    with pytest.raises(DomainError, match="different from your current one"):
        users.change_password(organiser, ORGANISER_PASSWORD, ORGANISER_PASSWORD)


def test_a_change_ends_every_session_and_opens_a_fresh_one(db_session, organiser):
    here = users.start_session(organiser)
    elsewhere = users.start_session(organiser)
    db_session.flush()
    fresh = users.change_password(organiser, ORGANISER_PASSWORD, NEW_PASSWORD)
    db_session.flush()
    assert users.user_for_session(here) is None
    assert users.user_for_session(elsewhere) is None
    assert users.user_for_session(fresh) is organiser
    assert fresh not in (here, elsewhere)
    live = db_session.scalars(select(SignInSession).where(SignInSession.ended_at.is_(None))).all()
    assert len(live) == 1
    [changed] = events(db_session, "account.password_changed")
    assert changed.actor_id == organiser.id and changed.details == {"sessions_ended": 2}
    assert users.authenticate(organiser.email, NEW_PASSWORD) is organiser
    assert users.authenticate(organiser.email, ORGANISER_PASSWORD) is None


def test_failed_sign_ins_are_audited_without_an_actor_or_the_password(db_session, organiser):
    assert users.authenticate(organiser.email, "a wrong password here") is None
    assert users.authenticate("Nobody@Example.org ", "another wrong one") is None
    known, unknown = events(db_session, "account.sign_in_failed")
    assert known.actor_id is None and known.subject_id == organiser.id and known.details == {"email": organiser.email}
    assert unknown.actor_id is None and unknown.subject_id is None and unknown.details == {"email": "Nobody@Example.org"}
    for event in (known, unknown):
        assert "wrong" not in str(event.details)
