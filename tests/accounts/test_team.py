"""The organisers' team: inviting a colleague (a single-use, expiring link), the last-organiser rule, removal that ends
sessions at once and keeps the audit log's names, resending and withdrawing invitations."""
import secrets
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import delete, func, select, update
from sqlalchemy import text as sql

from awards_app.accounts import invitations, team
from awards_app.accounts.invitations import JUDGE_INVITATION, ORGANISER_INVITATION
from awards_app.accounts.models import Role, User
from awards_app.accounts.users import authenticate, start_session, user_for_session
from awards_app.core.audit import record_event
from awards_app.core.errors import DomainError, NotAllowed
from awards_app.core.links import LinkProblem, issue_link
from awards_app.core.models import AuditEvent
from awards_app.extensions import db
from tests.factories.accounts import ORGANISER_PASSWORD, make_judge, make_organiser
from tests.fixtures.apps import side_app

NEW_PASSWORD = "heather curlew bothy lantern"
COLLEAGUE = "sam.colleague@example.org"


def token_in(email) -> str:
    return email.text_body.split("/sign-in/invitation/")[1].split()[0]


def problem(function, *args) -> str:
    with pytest.raises(LinkProblem) as raised:
        function(*args)
    return raised.value.reason


def refusal(function, *args) -> DomainError:
    with pytest.raises(DomainError) as raised:
        function(*args)
    return raised.value


def events(db_session, action):
    return list(db_session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))


@pytest.fixture
def invited(organiser, outbox, clock):
    """Sam, invited by the organiser: their account and the token of their emailed link."""
    person, _ = team.invite_organiser(organiser, f"  {COLLEAGUE.upper()} ", "  Sam Colleague ")
    return person, token_in(outbox()[-1])


# --- Inviting -----------------------------------------------------------------------------------------------------


def test_an_invitation_makes_an_account_without_a_password_and_emails_a_link_that_says_when_it_expires(
    organiser, outbox, clock, db_session
):
    person, expires_at = team.invite_organiser(organiser, COLLEAGUE, "Sam Colleague")
    assert (person.email, person.name, person.role, person.active) == (COLLEAGUE, "Sam Colleague", Role.ORGANISER, True)
    assert person.password_hash is None
    assert expires_at == clock.now().replace(day=8)  # 1 March + 7 days
    [email] = outbox()
    assert email.to_address == COLLEAGUE
    for body in (email.text_body, email.html_body):
        assert "http://awards.test/sign-in/invitation/" in body
        assert "7 days" in body and "midday on Sunday 8 March 2026" in body
        assert "Olivia Organiser has invited you" in body
    [event] = events(db_session, "organiser.invited")
    assert (event.actor_id, event.subject_id, event.details["email"]) == (organiser.id, person.id, COLLEAGUE)


def test_accepting_sets_the_password_once(invited, db_session):
    person, token = invited
    assert invitations.invited_person(token) is person
    assert invitations.accept_invitation(token, NEW_PASSWORD) is person
    assert authenticate(COLLEAGUE, NEW_PASSWORD) is person
    assert problem(invitations.accept_invitation, token, "another long password here") == "used"
    assert authenticate(COLLEAGUE, NEW_PASSWORD) is person
    assert [event.actor_id for event in events(db_session, "organiser.invitation_accepted")] == [person.id]


def test_a_refused_password_leaves_the_link_working(invited):
    person, token = invited
    with pytest.raises(DomainError) as refused:
        invitations.accept_invitation(token, "Sam Colleague")
    assert refused.value.field == "password"
    assert invitations.invited_person(token) is person


def test_the_link_expires_after_7_days(invited, clock):
    person, token = invited
    clock.advance(days=6, hours=23)
    assert invitations.invited_person(token) is person
    clock.advance(hours=1)
    assert problem(invitations.accept_invitation, token, NEW_PASSWORD) == "expired"
    assert person.password_hash is None


def test_a_tampered_link_does_not_work(invited):
    _, token = invited
    assert problem(invitations.accept_invitation, token[:-3] + "abc", NEW_PASSWORD) == "tampered"
    assert problem(invitations.accept_invitation, "", NEW_PASSWORD) == "tampered"


def test_a_judges_invitation_never_opens_an_organisers_account_nor_the_other_way(organiser, clock):
    judge = make_judge("jo@example.org")
    later = clock.now().replace(day=20)
    # Signed for one kind but pointing at someone of the other: nobody may accept it.
    assert problem(invitations.invited_person, issue_link(ORGANISER_INVITATION.purpose, judge, later)) == "tampered"
    assert problem(invitations.invited_person, issue_link(JUDGE_INVITATION.purpose, organiser, later)) == "tampered"


def test_an_address_of_a_judge_is_refused_and_the_judge_stays_a_judge(organiser, outbox):
    judge = make_judge("jo@example.org", "Jo Judge")
    refused = refusal(team.invite_organiser, organiser, "Jo@Example.org", "Jo Judge")
    assert refused.field == "email" and "belongs to a judge" in refused.message
    assert judge.role is Role.JUDGE and outbox() == []


def test_someone_on_the_team_or_invited_already_is_refused(organiser, invited, outbox):
    refused = refusal(team.invite_organiser, organiser, organiser.email, "Olivia")
    assert refused.field == "email" and "already on the organisers' team" in refused.message
    refused = refusal(team.invite_organiser, organiser, COLLEAGUE, "Sam")
    assert refused.field == "email" and "Send the invitation again" in refused.message
    assert len(outbox()) == 1


@pytest.mark.parametrize("email, name, field", [("not an address", "Sam", "email"), (COLLEAGUE, "  ", "name"),
                                                (COLLEAGUE, "x" * 201, "name")])
def test_bad_details_are_refused_on_their_field(organiser, outbox, email, name, field):
    assert refusal(team.invite_organiser, organiser, email, name).field == field
    assert outbox() == []


def test_a_judge_cannot_invite_or_remove(organiser, db_session):
    judge = make_judge("jo@example.org", password="a long judge password")
    with pytest.raises(NotAllowed):
        team.invite_organiser(judge, COLLEAGUE, "Sam")
    with pytest.raises(NotAllowed):
        team.remove_organiser(judge, organiser)
    assert organiser.active


def test_inviting_a_removed_organiser_again_brings_the_account_back_opened_only_by_the_new_link(
    organiser, outbox, db_session
):
    sam = make_organiser(COLLEAGUE, "Sam", totp_secret="JBSWY3DPEHPK3PXP")
    team.remove_organiser(organiser, sam)
    person, _ = team.invite_organiser(organiser, COLLEAGUE, "Sam Again")
    assert person is sam and sam.active and sam.name == "Sam Again"
    assert sam.password_hash is None and sam.totp_secret is None
    assert authenticate(COLLEAGUE, ORGANISER_PASSWORD) is None
    assert invitations.accept_invitation(token_in(outbox()[-1]), NEW_PASSWORD) is sam
    assert events(db_session, "organiser.invited")[-1].details["rejoining"] is True


# --- Resending and withdrawing ------------------------------------------------------------------------------------


def test_resending_replaces_the_older_link(organiser, invited, outbox, db_session):
    person, first = invited
    team.resend_invitation(organiser, person)
    assert problem(invitations.accept_invitation, first, NEW_PASSWORD) == "superseded"
    assert invitations.accept_invitation(token_in(outbox()[-1]), NEW_PASSWORD) is person
    assert len(events(db_session, "organiser.invitation_resent")) == 1


def test_withdrawing_stops_the_link_and_switches_the_account_off(organiser, invited, db_session):
    person, token = invited
    team.withdraw_invitation(organiser, person)
    assert not person.active
    assert problem(invitations.accept_invitation, token, NEW_PASSWORD) == "superseded"
    assert person.password_hash is None
    assert len(events(db_session, "organiser.invitation_withdrawn")) == 1
    assert [member.person for member in team.team()] == [organiser]


def test_only_an_invitation_not_yet_accepted_can_be_resent_or_withdrawn(organiser, outbox):
    sam = make_organiser(COLLEAGUE, "Sam")
    assert "already set their password" in refusal(team.resend_invitation, organiser, sam).message
    assert "already set their password" in refusal(team.withdraw_invitation, organiser, sam).message
    judge = make_judge("jo@example.org")
    assert "not on the organisers' team" in refusal(team.resend_invitation, organiser, judge).message
    assert sam.active and outbox() == []


# --- Removing -----------------------------------------------------------------------------------------------------


def test_removal_ends_every_session_at_once_and_keeps_the_account(organiser, db_session):
    sam = make_organiser(COLLEAGUE, "Sam Colleague")
    phone, laptop = start_session(sam), start_session(sam)
    assert user_for_session(phone) is sam
    assert team.remove_organiser(organiser, sam) == 2
    assert user_for_session(phone) is None and user_for_session(laptop) is None
    assert authenticate(COLLEAGUE, ORGANISER_PASSWORD) is None
    assert db_session.get(User, sam.id) is sam and not sam.active
    [event] = events(db_session, "organiser.removed")
    assert (event.actor_id, event.subject_id, event.details["name"]) == (organiser.id, sam.id, "Sam Colleague")


def test_a_removed_organisers_past_actions_still_name_them(organiser, db_session):
    sam = make_organiser(COLLEAGUE, "Sam Colleague")
    record_event(sam, "edition.created", organiser)
    team.remove_organiser(organiser, sam)
    db_session.expire_all()
    [event] = events(db_session, "edition.created")
    assert (event.actor_id, event.actor_label) == (sam.id, COLLEAGUE)
    assert db_session.get(User, event.actor_id).name == "Sam Colleague"


def test_the_last_organiser_cannot_remove_themselves(organiser, invited, db_session):
    # Sam is invited but has not set a password: they cannot run the awards yet, so Olivia is still the last.
    refused = refusal(team.remove_organiser, organiser, organiser)
    assert "You are the last organiser" in refused.message
    assert team.removal_refused_because(organiser, organiser) == refused.message
    assert organiser.active and events(db_session, "organiser.removed") == []


def test_an_organiser_may_leave_while_another_remains_who_then_is_the_last(organiser, db_session):
    sam = make_organiser(COLLEAGUE, "Sam Colleague")
    assert team.removal_refused_because(organiser, organiser) is None
    team.remove_organiser(organiser, organiser)
    assert not organiser.active
    assert "You are the last organiser" in refusal(team.remove_organiser, sam, sam).message


def test_the_last_organiser_cannot_be_removed_by_anyone(organiser, db_session):
    sam = make_organiser(COLLEAGUE, "Sam Colleague")
    team.remove_organiser(organiser, sam)
    # Sam's request, started before the removal, still holds Sam: the account's own state refuses it.
    with pytest.raises(NotAllowed):
        team.remove_organiser(sam, organiser)
    assert organiser.active


def test_a_removed_organiser_who_is_removed_again_or_a_judge_is_refused(organiser, db_session):
    sam = make_organiser(COLLEAGUE, "Sam")
    team.remove_organiser(organiser, sam)
    assert "not on the organisers' team" in refusal(team.remove_organiser, organiser, sam).message
    judge = make_judge("jo@example.org")
    assert "not on the organisers' team" in refusal(team.remove_organiser, organiser, judge).message
    assert judge.active


def test_an_invited_colleague_can_be_removed_and_their_link_stops(organiser, invited, clock):
    person, token = invited
    team.remove_organiser(organiser, person)
    assert problem(invitations.invited_person, token) == "superseded"
    # Even a link that was somehow still live would not open a switched-off account.
    live = issue_link(ORGANISER_INVITATION.purpose, person, clock.now().replace(day=5))
    assert problem(invitations.accept_invitation, live, NEW_PASSWORD) == "tampered"
    assert person.password_hash is None


# --- The team -----------------------------------------------------------------------------------------------------


def test_the_team_lists_who_has_joined_then_who_is_invited_but_not_judges_or_the_removed(organiser, outbox, clock):
    start_session(organiser)
    make_judge("jo@example.org")
    gone = make_organiser("gone@example.org", "Gone")
    team.remove_organiser(organiser, gone)
    aaron = make_organiser("aaron@example.org", "Aaron")
    first, _ = team.invite_organiser(organiser, "first@example.org", "First")
    clock.advance(days=8)
    second, _ = team.invite_organiser(organiser, "second@example.org", "Second")
    members = team.team()
    assert [member.person for member in members] == [aaron, organiser, second, first]
    assert [member.joined for member in members] == [True, True, False, False]
    assert [member.invitation.status for member in members[2:]] == ["invited", "expired"]
    assert members[1].person.last_sign_in_at is not None


# --- Two organisers removing each other at the same moment ---------------------------------------------------------


@pytest.mark.postgres
def test_two_organisers_removing_each_other_at_once_leave_one_on_the_team(app, monkeypatch):
    # Each test runs in one rolled-back transaction on one connection; two removals at once need connections of their
    # own and committed rows, so they use a second app, and this test deletes what it made. The step after the count
    # is slowed down so that, without the lock, both would count two organisers before either commits.
    side = side_app({"SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"]})
    with side.app_context():
        first_event = db.session.scalar(select(func.coalesce(func.max(AuditEvent.id), 0)))
        # Organisers other tests left committed would make room for both removals: set them aside for now.
        others = db.session.scalars(select(User.id).where(User.role == Role.ORGANISER, User.active.is_(True))).all()
        db.session.execute(update(User).where(User.id.in_(others)).values(active=False))
        pair = [make_organiser(f"race-{secrets.token_hex(4)}@example.org", name) for name in ("Ann", "Bea")]
        db.session.commit()
        ids = [person.id for person in pair]
        db.session.remove()

    real_withdraw = team.withdraw_invitations

    def slow_withdraw(*args, **kwargs):
        time.sleep(0.3)
        return real_withdraw(*args, **kwargs)

    monkeypatch.setattr(team, "withdraw_invitations", slow_withdraw)
    together = threading.Barrier(2)

    def remove(actor_id: int, person_id: int) -> str:
        """One organiser removes the other, in an app context of its own (own session and connection)."""
        with side.app_context():
            try:
                actor, person = db.session.get(User, actor_id), db.session.get(User, person_id)
                together.wait(timeout=10)
                team.remove_organiser(actor, person)
                db.session.commit()
                return "removed"
            except DomainError as refusal:
                db.session.rollback()
                return refusal.message
            finally:
                db.session.remove()

    try:
        with ThreadPoolExecutor(2) as pool:
            futures = [pool.submit(remove, ids[0], ids[1]), pool.submit(remove, ids[1], ids[0])]
            outcomes = sorted(future.result(timeout=30) for future in futures)
        with side.app_context():
            still_on = db.session.scalars(select(User.id).where(User.id.in_(ids), User.active.is_(True))).all()
            db.session.remove()
        assert len(still_on) == 1, outcomes
        assert outcomes[1] == "removed" and "has been removed" in outcomes[0]
    finally:
        with side.app_context():
            # The audit log refuses changes by trigger (deleting a user would update its events): as the database
            # owner, the clean-up alone sets that aside, for the events it made, before deleting the rest.
            db.session.execute(sql("SET LOCAL session_replication_role = replica"))
            db.session.execute(delete(AuditEvent).where(AuditEvent.id > first_event))
            db.session.commit()
            db.session.execute(delete(User).where(User.id.in_(ids)))
            db.session.execute(update(User).where(User.id.in_(others)).values(active=True))
            db.session.commit()
            db.session.remove()
            db.engine.dispose()
