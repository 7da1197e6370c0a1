"""Two-factor sign-in: set-up confirmed by a code, codes that work once, the organisers' rule, reset by another."""
from datetime import timedelta

import pyotp
import pytest
from sqlalchemy import select

from awards_app.accounts import two_factor, users
from awards_app.core.errors import DomainError, NotAllowed
from awards_app.core.models import AuditEvent
from tests.factories.accounts import make_judge


def code_at(user, moment, steps_later: int = 0) -> str:
    """The code the person's authenticator app shows at this moment (or some 30-second steps later)."""
    return pyotp.TOTP(user.totp_secret).at(moment + timedelta(seconds=30 * steps_later))


def wrong_code(user, moment) -> str:
    """A well-formed code that no step near this moment makes."""
    near = {code_at(user, moment, steps) for steps in (-1, 0, 1)}
    return next(code for code in ("000000", "111111", "222222", "333333") if code not in near)


def set_up(user, clock) -> None:
    """Set two-factor sign-in up for the user with the code of the current step."""
    two_factor.pending_secret(user)
    two_factor.confirm_set_up(user, code_at(user, clock.now()))


def actions(db_session):
    return [event.action for event in db_session.scalars(select(AuditEvent).order_by(AuditEvent.id))]


def test_set_up_keeps_one_secret_until_a_code_confirms_it(db_session, organiser, clock):
    secret = two_factor.pending_secret(organiser)
    assert len(secret) == 32 and two_factor.pending_secret(organiser) == secret
    assert not organiser.has_two_factor
    uri = two_factor.set_up_uri(organiser)
    assert uri.startswith("otpauth://totp/Self%20Management%20Awards:organiser%40example.org?secret=" + secret)
    two_factor.confirm_set_up(organiser, code_at(organiser, clock.now()))
    assert organiser.has_two_factor and organiser.two_factor_since == clock.now()
    assert "account.two_factor_set_up" in actions(db_session)
    with pytest.raises(DomainError, match="already set up"):
        two_factor.pending_secret(organiser)


def test_set_up_refuses_a_wrong_code(db_session, organiser, clock):
    two_factor.pending_secret(organiser)
    with pytest.raises(DomainError, match="not right"):
        two_factor.confirm_set_up(organiser, wrong_code(organiser, clock.now()))
    with pytest.raises(DomainError, match="6-digit code"):
        two_factor.confirm_set_up(organiser, "12ab56")
    assert not organiser.has_two_factor
    failed = db_session.scalars(select(AuditEvent).where(AuditEvent.action == "account.two_factor_failed")).all()
    assert len(failed) == 2 and all(event.actor_id is None for event in failed)


def test_a_sign_in_code_works_once(db_session, organiser, clock):
    set_up(organiser, clock)
    clock.advance(seconds=30)
    code = code_at(organiser, clock.now())
    two_factor.check_sign_in_code(organiser, code[:3] + " " + code[3:])  # spaces as people type them
    with pytest.raises(DomainError, match="used already"):
        two_factor.check_sign_in_code(organiser, code)
    clock.advance(seconds=30)
    two_factor.check_sign_in_code(organiser, code_at(organiser, clock.now()))


def test_the_set_up_code_cannot_sign_in_too(db_session, organiser, clock):
    set_up(organiser, clock)
    with pytest.raises(DomainError, match="used already"):
        two_factor.check_sign_in_code(organiser, code_at(organiser, clock.now()))


def test_codes_one_step_either_side_pass_but_an_older_step_never_does(db_session, organiser, clock):
    set_up(organiser, clock)
    clock.advance(minutes=5)
    two_factor.check_sign_in_code(organiser, code_at(organiser, clock.now(), steps_later=1))  # a phone running fast
    with pytest.raises(DomainError, match="used already"):
        two_factor.check_sign_in_code(organiser, code_at(organiser, clock.now()))  # a step before the last one used
    with pytest.raises(DomainError, match="not right"):
        two_factor.check_sign_in_code(organiser, code_at(organiser, clock.now(), steps_later=3))


def test_sign_in_codes_are_audited(db_session, organiser, clock):
    set_up(organiser, clock)
    clock.advance(seconds=30)
    with pytest.raises(DomainError):
        two_factor.check_sign_in_code(organiser, "abcdef")
    two_factor.check_sign_in_code(organiser, code_at(organiser, clock.now()))
    failed, used = db_session.scalars(
        select(AuditEvent).where(AuditEvent.action.in_(["account.two_factor_failed", "account.two_factor_used"]))
        .order_by(AuditEvent.id)
    ).all()
    assert (failed.action, failed.actor_id, failed.subject_id) == ("account.two_factor_failed", None, organiser.id)
    assert failed.details == {"email": organiser.email, "during": "sign-in"}
    assert (used.action, used.actor_id) == ("account.two_factor_used", organiser.id)


def test_judges_may_opt_in_and_out(db_session, clock):
    judge = make_judge(password="a long judge password")
    set_up(judge, clock)
    assert judge.has_two_factor
    clock.advance(seconds=30)
    two_factor.turn_off(judge, code_at(judge, clock.now()))
    assert not judge.has_two_factor and judge.totp_secret is None
    assert "account.two_factor_turned_off" in actions(db_session)


def test_the_site_can_require_it_of_organisers(app, db_session, organiser, clock, monkeypatch):
    assert not two_factor.must_set_up_first(organiser)  # off in development and the tests unless set
    monkeypatch.setitem(app.config, "ORGANISERS_NEED_TWO_FACTOR", True)
    assert two_factor.organisers_must_use_two_factor()
    assert two_factor.must_set_up_first(organiser)
    set_up(organiser, clock)
    assert not two_factor.must_set_up_first(organiser)
    assert not two_factor.must_set_up_first(make_judge())  # judges only opt in
    clock.advance(seconds=30)
    with pytest.raises(NotAllowed, match="cannot turn it off"):
        two_factor.turn_off(organiser, code_at(organiser, clock.now()))


def test_another_organiser_resets_it_and_ends_the_persons_sessions(db_session, organiser, clock):
    other = users.create_organiser("second@example.org", "granite lighthouse marmalade")
    set_up(other, clock)
    token = users.start_session(other)
    db_session.flush()
    with pytest.raises(NotAllowed, match="Another organiser"):
        two_factor.reset(other, other)
    with pytest.raises(NotAllowed):
        two_factor.reset(make_judge(), other)
    two_factor.reset(organiser, other)
    db_session.flush()
    assert not other.has_two_factor and other.totp_secret is None and other.totp_last_step is None
    assert users.user_for_session(token) is None
    [reset] = db_session.scalars(select(AuditEvent).where(AuditEvent.action == "account.two_factor_reset"))
    assert (reset.actor_id, reset.subject_id) == (organiser.id, other.id)
    assert reset.details == {"email": other.email, "sessions_ended": 1}
    with pytest.raises(DomainError, match="does not use"):
        two_factor.reset(organiser, other)
