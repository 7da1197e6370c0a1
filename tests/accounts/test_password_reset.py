"""Forgotten passwords: who gets a link, and that a link expires in an hour, works once, for one account only."""
import pytest
from sqlalchemy import func, select

from awards_app.accounts import password_reset, users
from awards_app.accounts.models import SignInSession
from awards_app.core import links
from awards_app.core.errors import DomainError
from awards_app.core.links import LinkProblem
from awards_app.core.models import AuditEvent
from tests.factories.accounts import (
    JUDGE_EMAIL,
    JUDGE_PASSWORD,
    ORGANISER_EMAIL,
    make_judge,
)
from tests.web.forms import link_in_email

NEW_PASSWORD = "heather curlew bothy lantern"
OTHER_PASSWORD = "granite lighthouse marmalade"


@pytest.fixture
def judge(db_session, clock):
    made = make_judge(password=JUDGE_PASSWORD)
    db_session.commit()
    return made


def reset_token(outbox) -> str:
    """The token in the newest reset email."""
    return link_in_email(outbox()[-1], "/sign-in/reset-password/").rsplit("/", 1)[1]


def ask(email: str, db_session) -> None:
    password_reset.request_password_reset(email)
    db_session.commit()


def live_sessions(db_session, user) -> int:
    return db_session.scalar(
        select(func.count(SignInSession.id)).where(SignInSession.user_id == user.id, SignInSession.ended_at.is_(None))
    )


# --- Asking ---------------------------------------------------------------------------------------------------------


def test_an_active_judge_or_organiser_is_emailed_a_link(judge, organiser, outbox, db_session):
    ask(" Judge@Example.ORG ", db_session)
    ask(ORGANISER_EMAIL, db_session)
    assert [email.to_address for email in outbox()] == [JUDGE_EMAIL, ORGANISER_EMAIL]
    email = outbox()[0]
    assert email.subject == password_reset.EMAIL_SUBJECT
    assert "works once, for 60 minutes" in email.text_body
    assert password_reset.user_for_reset_link(reset_token(outbox)).id == organiser.id


@pytest.mark.parametrize("address", ["nobody@example.org", "switched-off@example.org"])
def test_no_account_or_a_switched_off_one_gets_nothing(address, outbox, db_session, clock):
    make_judge("switched-off@example.org", password=JUDGE_PASSWORD, active=False)
    ask(address, db_session)
    assert outbox() == []
    assert db_session.scalar(select(func.count()).select_from(links.SingleUseLink)) == 0


def test_only_something_that_is_not_an_address_is_refused(db_session):
    with pytest.raises(DomainError) as refusal:
        password_reset.request_password_reset("not an address")
    assert refusal.value.field == "email"


def test_both_answers_cost_the_same_signing_sealing_and_rendering(judge, outbox, db_session, monkeypatch):
    """No timing test: count the work instead. The response must not take longer when the account exists."""
    counts = {}

    def counting(name, original):
        def wrapper(*args, **kwargs):
            counts[name] = counts.get(name, 0) + 1
            return original(*args, **kwargs)
        return wrapper

    monkeypatch.setattr(links, "new_token", counting("sign", links.new_token))
    monkeypatch.setattr(password_reset, "_seal", counting("seal", password_reset._seal))
    monkeypatch.setattr(password_reset, "credentials_stamp", counting("stamp", password_reset.credentials_stamp))
    from awards_app.core import outbox as outbox_module
    monkeypatch.setattr(outbox_module, "render_template", counting("render", outbox_module.render_template))
    monkeypatch.setattr(password_reset, "render_template", counting("render", password_reset.render_template))
    monkeypatch.setattr(password_reset, "record_event", counting("audit", password_reset.record_event))

    ask(JUDGE_EMAIL, db_session)
    with_account = dict(counts)
    counts.clear()
    ask("nobody@example.org", db_session)
    without_account = dict(counts)
    assert with_account == {"sign": 1, "stamp": 1, "seal": 1, "render": 2, "audit": 1}
    assert without_account == with_account
    assert len(outbox()) == 1


# --- Using the link -------------------------------------------------------------------------------------------------


def test_the_link_sets_the_password_ends_every_session_and_is_audited(judge, outbox, db_session):
    users.start_session(judge)
    users.start_session(judge)
    db_session.commit()
    assert live_sessions(db_session, judge) == 2
    ask(JUDGE_EMAIL, db_session)
    token = reset_token(outbox)
    assert password_reset.reset_password(token, NEW_PASSWORD).id == judge.id
    db_session.commit()
    assert live_sessions(db_session, judge) == 0
    assert users.authenticate(JUDGE_EMAIL, NEW_PASSWORD).id == judge.id
    assert users.authenticate(JUDGE_EMAIL, JUDGE_PASSWORD) is None
    actions = db_session.scalars(select(AuditEvent.action).where(AuditEvent.subject_id == judge.id)).all()
    assert "password.reset" in actions and "account.password_changed" in actions


def test_the_link_works_once(judge, outbox, db_session):
    ask(JUDGE_EMAIL, db_session)
    token = reset_token(outbox)
    password_reset.reset_password(token, NEW_PASSWORD)
    db_session.commit()
    with pytest.raises(LinkProblem) as problem:
        password_reset.reset_password(token, OTHER_PASSWORD)
    assert problem.value.reason == "used"
    assert users.authenticate(JUDGE_EMAIL, NEW_PASSWORD) is not None


def test_the_link_expires_after_an_hour(judge, outbox, db_session, clock):
    ask(JUDGE_EMAIL, db_session)
    token = reset_token(outbox)
    clock.advance(minutes=59, seconds=59)
    assert password_reset.user_for_reset_link(token).id == judge.id
    clock.advance(seconds=1)
    with pytest.raises(LinkProblem) as problem:
        password_reset.reset_password(token, NEW_PASSWORD)
    assert problem.value.reason == "expired"
    assert users.authenticate(JUDGE_EMAIL, JUDGE_PASSWORD) is not None


def test_a_newer_link_replaces_the_older(judge, outbox, db_session):
    ask(JUDGE_EMAIL, db_session)
    older = reset_token(outbox)
    ask(JUDGE_EMAIL, db_session)
    with pytest.raises(LinkProblem) as problem:
        password_reset.user_for_reset_link(older)
    assert problem.value.reason == "superseded"
    assert password_reset.user_for_reset_link(reset_token(outbox)).id == judge.id


def test_a_password_changed_elsewhere_breaks_the_link(judge, outbox, db_session):
    ask(JUDGE_EMAIL, db_session)
    token = reset_token(outbox)
    users.change_password(judge, JUDGE_PASSWORD, OTHER_PASSWORD)
    db_session.commit()
    with pytest.raises(LinkProblem) as problem:
        password_reset.reset_password(token, NEW_PASSWORD)
    assert problem.value.reason == "changed"
    assert users.authenticate(JUDGE_EMAIL, OTHER_PASSWORD) is not None


def test_one_accounts_link_never_works_for_another(judge, organiser, outbox, db_session):
    ask(JUDGE_EMAIL, db_session)
    judges_link_token, judges_seal = reset_token(outbox).rsplit(".", 1)
    ask(ORGANISER_EMAIL, db_session)
    organisers_link_token, organisers_seal = reset_token(outbox).rsplit(".", 1)
    for token in (f"{judges_link_token}.{organisers_seal}", f"{organisers_link_token}.{judges_seal}"):
        with pytest.raises(LinkProblem):
            password_reset.reset_password(token, NEW_PASSWORD)
    # A link of another purpose (a judge's sign-in link) is not a reset link either.
    from awards_app.accounts import invitations
    invitations.request_sign_in_link(JUDGE_EMAIL)
    db_session.commit()
    sign_in_token = link_in_email(outbox()[-1], "/sign-in/link/").rsplit("/", 1)[1]
    with pytest.raises(LinkProblem):
        password_reset.reset_password(f"{sign_in_token}.{judges_seal}", NEW_PASSWORD)
    assert users.authenticate(JUDGE_EMAIL, JUDGE_PASSWORD) is not None
    assert users.authenticate(ORGANISER_EMAIL, NEW_PASSWORD) is None


@pytest.mark.parametrize("token", ["", "no-seal", "abc.def", "." * 3])
def test_tampered_tokens_are_refused(token, db_session):
    with pytest.raises(LinkProblem) as problem:
        password_reset.user_for_reset_link(token)
    assert problem.value.reason == "tampered"


def test_an_account_switched_off_after_asking_cannot_use_its_link(judge, outbox, db_session):
    ask(JUDGE_EMAIL, db_session)
    judge.active = False
    db_session.commit()
    with pytest.raises(LinkProblem):
        password_reset.reset_password(reset_token(outbox), NEW_PASSWORD)


def test_a_refused_password_leaves_the_link_working(judge, outbox, db_session):
    ask(JUDGE_EMAIL, db_session)
    token = reset_token(outbox)
    with pytest.raises(DomainError) as refusal:
        password_reset.reset_password(token, "too short")
    assert refusal.value.field == "new_password"
    assert password_reset.user_for_reset_link(token).id == judge.id
