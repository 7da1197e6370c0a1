"""Emailed invitations to set a password (judges' and organisers'), and judges' one-time sign-in links.

Both are single-use links (core.links): opening one only checks it, and using it is a separate, atomic step, so
that mail scanners which open links use nothing up. The routes start the sign-in session once a link is used.

An invitation is of one kind (judge or organiser): each kind signs its links with a salt of its own, so a judge's
invitation never sets an organiser's password, and the kind says who may accept it and for how long. Both kinds are
opened and accepted at the same address, in the same way.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update

from awards_app.accounts.models import User
from awards_app.accounts.users import check_password_rules, find_user_by_email, normalise_email, set_password
from awards_app.core import clock
from awards_app.core.audit import record_event
from awards_app.core.links import LinkProblem, check_link, email_link, token_digest, use_link
from awards_app.core.models import SingleUseLink
from awards_app.core.public_urls import public_url
from awards_app.extensions import db
from awards_app.permissions import Rule, is_active_judge, is_active_organiser

SIGN_IN_PURPOSE = "judge-sign-in"
SIGN_IN_LINK_LIFETIME = timedelta(minutes=30)


@dataclass(frozen=True)
class InvitationKind:
    """One kind of invitation: its links' purpose, how long a link works, who may accept it, and its audit action."""

    purpose: str
    lifetime: timedelta
    invitee: Rule
    accepted_action: str


JUDGE_INVITATION = InvitationKind("judge-invitation", timedelta(days=14), is_active_judge, "judge.invitation_accepted")
# Shorter than a judge's: the link opens the organisers' area, so it should not lie in an inbox for long.
ORGANISER_INVITATION = InvitationKind(
    "organiser-invitation", timedelta(days=7), is_active_organiser, "organiser.invitation_accepted"
)
INVITATION_KINDS = (JUDGE_INVITATION, ORGANISER_INVITATION)


def _judge(user_id: int) -> User:
    """The active judge a link points at; a link for anyone else (or a switched-off account) does not work."""
    user = db.session.get(User, user_id)
    if not is_active_judge(user):
        raise LinkProblem("tampered")
    return user


# --- Invitations --------------------------------------------------------------------------------------------------


def send_invitation(kind: InvitationKind, user: User, *, subject: str, template: str, **context) -> datetime:
    """Email the person a link to set their password (any older invitation of theirs stops working); returns when the
    new link expires. The template gets the link, its expiry, `invitee` and the context given."""
    expires_at = clock.now() + kind.lifetime
    email_link(
        kind.purpose, user, expires_at, "auth.accept_invitation",
        to=user.email, subject=subject, template=template, invitee=user, **context,
    )
    return expires_at


def withdraw_invitations(kind: InvitationKind, user: User) -> None:
    """Stop every unused invitation link of this kind for the person (its holder is then told a newer one replaced
    it, which is true: whatever comes next comes from the awards team)."""
    db.session.execute(
        update(SingleUseLink)
        .where(
            SingleUseLink.purpose == kind.purpose,
            SingleUseLink.subject_type == User.__tablename__,
            SingleUseLink.subject_id == user.id,
            SingleUseLink.used_at.is_(None),
            SingleUseLink.superseded_at.is_(None),
        )
        .values(superseded_at=clock.now())
        .execution_options(synchronize_session=False)
    )


def invitation_kind(token: str) -> InvitationKind | None:
    """The kind of invitation whose signature the token carries (even an expired one), or None: not an invitation."""
    for kind in INVITATION_KINDS:
        try:
            token_digest(kind.purpose, token)
        except LinkProblem as problem:
            if problem.reason != "expired":
                continue
        return kind
    return None


def _invitee(kind: InvitationKind, user_id: int) -> User:
    """The person an invitation of this kind may sign in; a link for anyone else (or a switched-off account) fails."""
    user = db.session.get(User, user_id)
    if not kind.invitee(user):
        raise LinkProblem("tampered")
    return user


def invited_person(token: str) -> User:
    """The judge or organiser an invitation is for, without using the link up (raises LinkProblem)."""
    kind = invitation_kind(token)
    if kind is None:
        raise LinkProblem("tampered")
    return _invitee(kind, check_link(kind.purpose, token).subject_id)


def accept_invitation(token: str, password: str) -> User:
    """Set the person's password through their invitation, which then stops working; returns the person.

    The password is checked before the link is used, so that a refused password leaves the link working.
    """
    person = invited_person(token)
    check_password_rules(password, email=person.email, name=person.name)
    kind = invitation_kind(token)
    person = _invitee(kind, use_link(kind.purpose, token).subject_id)
    set_password(person, password)
    record_event(person, kind.accepted_action, person)
    return person


@dataclass(frozen=True)
class InvitationState:
    """Where a person stands with their invitation, for the organisers' lists."""

    status: str  # "not_invited", "invited", "expired", "accepted"
    invited_at: datetime | None = None
    expires_at: datetime | None = None
    accepted_at: datetime | None = None

    @property
    def label(self) -> str:
        """The state in plain words."""
        return {
            "not_invited": "Not invited yet",
            "invited": "Invited",
            "expired": "Invitation expired",
            "accepted": "Invitation accepted",
        }[self.status]


def invitation_states(kind: InvitationKind, people: list[User]) -> dict[int, InvitationState]:
    """Each person's invitation state: the latest invitation of this kind decides (whether used, live or expired)."""
    ids = [person.id for person in people]
    latest: dict[int, SingleUseLink] = {}
    accepted: dict[int, datetime] = {}
    if ids:
        links = db.session.scalars(
            select(SingleUseLink)
            .where(
                SingleUseLink.purpose == kind.purpose,
                SingleUseLink.subject_type == User.__tablename__,
                SingleUseLink.subject_id.in_(ids),
            )
            .order_by(SingleUseLink.created_at, SingleUseLink.id)
        )
        for link in links:
            latest[link.subject_id] = link
            if link.used_at is not None:
                accepted[link.subject_id] = link.used_at
    now = clock.now()
    states = {}
    for person in people:
        link = latest.get(person.id)
        accepted_at = accepted.get(person.id)
        if link is None:
            states[person.id] = InvitationState("not_invited")
            continue
        live = link.used_at is None and link.superseded_at is None and now < link.expires_at
        # A live invitation (even one resent after an earlier acceptance) is what the person has to act on now.
        status = "invited" if live else "accepted" if accepted_at else "expired"
        states[person.id] = InvitationState(status, link.created_at, link.expires_at, accepted_at)
    return states


# --- One-time sign-in links ---------------------------------------------------------------------------------------


def request_sign_in_link(email: str) -> None:
    """Email a one-time sign-in link if a judge has this address; otherwise do nothing, and say nothing either way.

    The caller answers the same whatever happens here, so that nobody can find out which addresses have accounts.
    """
    address = normalise_email(email)
    user = find_user_by_email(address)
    if not is_active_judge(user):
        return
    email_link(
        SIGN_IN_PURPOSE, user, clock.now() + SIGN_IN_LINK_LIFETIME, "auth.sign_in_with_link",
        to=user.email, subject="Your link to sign in to the Self Management Awards", template="judge_sign_in_link",
        judge=user,
        request_link=public_url("auth.request_sign_in_link"),
        minutes=int(SIGN_IN_LINK_LIFETIME.total_seconds() // 60),
    )
    record_event(None, "judge.sign_in_link_sent", user)


def judge_for_sign_in_link(token: str) -> User:
    """The judge a sign-in link is for, without using it up (raises LinkProblem)."""
    return _judge(check_link(SIGN_IN_PURPOSE, token).subject_id)


def use_sign_in_link(token: str) -> User:
    """Use a sign-in link (it then stops working) and return its judge; the route starts their session."""
    judge_for_sign_in_link(token)
    judge = _judge(use_link(SIGN_IN_PURPOSE, token).subject_id)
    record_event(judge, "judge.sign_in_link_used", judge)
    return judge
