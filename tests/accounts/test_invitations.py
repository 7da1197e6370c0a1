"""Judges' own way in: the invitation sets a password once; one-time sign-in links; links of the wrong kind fail."""
import pytest
from sqlalchemy import select

from awards_app.accounts import invitations
from awards_app.accounts.models import SignInSession
from awards_app.accounts.users import authenticate, start_session
from awards_app.core.errors import DomainError
from awards_app.core.links import LinkProblem
from awards_app.core.models import AuditEvent
from awards_app.judging import panels
from tests.factories.judging import panels_site

NEW_PASSWORD = "heather curlew bothy lantern"


@pytest.fixture
def site(db_session, clock):
    return panels_site()


def token_in(email, marker: str) -> str:
    return email.text_body.split(marker)[1].split()[0]


@pytest.fixture
def invitation(site, organiser, outbox):
    """Jo's invitation token."""
    panels.invite_judge(organiser, site.judge)
    return token_in(outbox()[-1], "/sign-in/invitation/")


def sign_in_token(outbox) -> str:
    return token_in(outbox()[-1], "/sign-in/link/")


def problem(function, *args) -> str:
    with pytest.raises(LinkProblem) as raised:
        function(*args)
    return raised.value.reason


# --- Invitations --------------------------------------------------------------------------------------------------


def test_accepting_sets_the_password_once(site, invitation, db_session):
    assert invitations.invited_person(invitation) is site.judge
    assert invitations.accept_invitation(invitation, NEW_PASSWORD) is site.judge
    assert authenticate("jo@example.org", NEW_PASSWORD) is site.judge
    assert problem(invitations.accept_invitation, invitation, "another long password") == "used"
    assert authenticate("jo@example.org", NEW_PASSWORD) is site.judge
    assert db_session.scalar(select(AuditEvent).where(AuditEvent.action == "judge.invitation_accepted"))


def test_accepting_ends_sessions_opened_with_the_old_password(site, invitation, db_session):
    start_session(site.judge)
    invitations.accept_invitation(invitation, NEW_PASSWORD)
    assert all(row.ended_at is not None for row in db_session.scalars(select(SignInSession)))


def test_a_refused_password_leaves_the_link_working(site, invitation):
    with pytest.raises(DomainError) as refusal:
        invitations.accept_invitation(invitation, "short")
    assert refusal.value.field == "password"
    assert invitations.invited_person(invitation) is site.judge


def test_an_invitation_expires_after_14_days(site, invitation, clock):
    clock.advance(days=13, hours=23)
    assert invitations.invited_person(invitation) is site.judge
    clock.advance(hours=1)
    assert problem(invitations.accept_invitation, invitation, NEW_PASSWORD) == "expired"


def test_a_newer_invitation_replaces_the_older(site, organiser, invitation, outbox):
    panels.invite_judge(organiser, site.judge)
    assert problem(invitations.accept_invitation, invitation, NEW_PASSWORD) == "superseded"
    assert invitations.accept_invitation(token_in(outbox()[-1], "/sign-in/invitation/"), NEW_PASSWORD) is site.judge


def test_links_only_work_for_their_own_purpose(site, invitation, outbox):
    assert problem(invitations.use_sign_in_link, invitation) == "tampered"
    invitations.request_sign_in_link("jo@example.org")
    assert problem(invitations.accept_invitation, sign_in_token(outbox), NEW_PASSWORD) == "tampered"
    assert problem(invitations.accept_invitation, invitation[:-3] + "abc", NEW_PASSWORD) == "tampered"
    assert problem(invitations.accept_invitation, "", NEW_PASSWORD) == "tampered"


def test_a_switched_off_judge_cannot_accept(site, invitation):
    site.judge.active = False
    assert problem(invitations.accept_invitation, invitation, NEW_PASSWORD) == "tampered"
    assert site.judge.password_hash is not None  # the one set by make_site, unchanged
    assert authenticate("jo@example.org", NEW_PASSWORD) is None


# --- One-time sign-in links ---------------------------------------------------------------------------------------


def test_a_sign_in_link_for_a_judge(site, outbox, clock, db_session):
    invitations.request_sign_in_link(" JO@example.org ")
    [email] = outbox()
    assert email.to_address == "jo@example.org"
    assert "30 minutes" in email.text_body and "30 minutes" in email.html_body
    token = sign_in_token(outbox)
    assert invitations.judge_for_sign_in_link(token) is site.judge
    assert invitations.use_sign_in_link(token) is site.judge
    assert problem(invitations.use_sign_in_link, token) == "used"
    actions = set(db_session.scalars(select(AuditEvent.action)))
    assert {"judge.sign_in_link_sent", "judge.sign_in_link_used"} <= actions


@pytest.mark.parametrize("address", ["nobody@example.org", "organiser@example.org"])
def test_no_link_for_anyone_but_a_judge_and_no_error_either(organiser, outbox, address, db_session):
    assert invitations.request_sign_in_link(address) is None
    assert outbox() == []


def test_no_link_for_a_switched_off_judge(site, outbox):
    site.judge.active = False
    invitations.request_sign_in_link("jo@example.org")
    assert outbox() == []


def test_a_malformed_address_is_refused(db_session):
    with pytest.raises(DomainError) as refusal:
        invitations.request_sign_in_link("not an address")
    assert refusal.value.field == "email"


def test_a_sign_in_link_lasts_30_minutes(site, outbox, clock):
    invitations.request_sign_in_link("jo@example.org")
    token = sign_in_token(outbox)
    clock.advance(minutes=30)
    assert problem(invitations.use_sign_in_link, token) == "expired"


def test_a_new_sign_in_link_replaces_the_older(site, outbox):
    invitations.request_sign_in_link("jo@example.org")
    older = sign_in_token(outbox)
    invitations.request_sign_in_link("jo@example.org")
    assert problem(invitations.use_sign_in_link, older) == "superseded"
    assert invitations.use_sign_in_link(sign_in_token(outbox)) is site.judge

