"""The organisers' team: inviting a colleague by email, the team as it stands, resending or withdrawing an invitation,
and removing someone.

An invited organiser has an account without a password until they set one through their emailed link (as judges
do). Removing someone, or withdrawing their invitation, switches their account off rather than deleting it: every
session of theirs ends at once, and the audit log keeps naming them for what they did. Inviting a removed
organiser's address again brings the same account back, with its old password and two-factor secret cleared, so
that only the new link opens it. The first organiser comes from `flask create-organiser`.

The team never runs out of organisers: an organiser who has set their password may be removed (by another organiser,
or by themselves, to leave) only while another such organiser remains. The organisers' rows are locked while that is
counted, so that two organisers removing each other at the same moment cannot both succeed.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from awards_app.accounts.invitations import (
    ORGANISER_INVITATION,
    InvitationState,
    invitation_states,
    send_invitation,
    withdraw_invitations,
)
from awards_app.accounts.models import Role, User
from awards_app.accounts.users import end_every_session, find_user_by_email, normalise_email
from awards_app.core.audit import record_event
from awards_app.core.errors import DomainError, NotAllowed
from awards_app.core.public_urls import public_url
from awards_app.extensions import db
from awards_app.permissions import is_active_organiser

NAME_MAX_LENGTH = 200


def label(person: User) -> str:
    """An organiser as the team page names them."""
    return person.name or person.email


def has_joined(person: User) -> bool:
    """Whether the organiser has set their password (through their invitation, or when created on the server)."""
    return person.password_hash is not None


def _clean_name(name: str) -> str:
    """The colleague's name, required and trimmed."""
    name = (name or "").strip()
    if not name:
        raise DomainError("Enter your colleague's name", field="name")
    if len(name) > NAME_MAX_LENGTH:
        raise DomainError(f"The name must be {NAME_MAX_LENGTH} characters or fewer", field="name")
    return name


def _email_invitation(actor: User, person: User) -> datetime:
    """Send the person a new invitation (the older one stops working); returns when its link expires."""
    return send_invitation(
        ORGANISER_INVITATION, person,
        subject="You are invited to help run the Self Management Awards", template="organiser_invitation",
        inviter=label(actor),
        sign_in_link=public_url("auth.sign_in"),
        days=ORGANISER_INVITATION.lifetime.days,
    )


# --- Inviting -----------------------------------------------------------------------------------------------------


def invite_organiser(actor: User, email: str, name: str) -> tuple[User, datetime]:
    """Invite a colleague to the team by email; returns their account and when the link expires.

    An address that belongs to a judge is refused (one person's two roles would mix judging with running the
    awards), as is one already on the team; a removed organiser's address brings their old account back.
    """
    is_active_organiser.require(actor)
    address = normalise_email(email)
    name = _clean_name(name)
    person = find_user_by_email(address)
    if person is not None and person.is_judge:
        raise DomainError(
            f"{address} belongs to a judge. An organiser needs an account of their own: use another address.",
            field="email",
        )
    if person is not None and person.active:
        if has_joined(person):
            raise DomainError(f"{label(person)} ({address}) is already on the organisers' team.", field="email")
        raise DomainError(
            f"{address} has been invited already. To send the link again, use “Send the invitation again” beside "
            "them in the team list.",
            field="email",
        )
    rejoining = person is not None
    if person is None:
        person = User(email=address, name=name, role=Role.ORGANISER, password_hash=None)
        db.session.add(person)
        db.session.flush()
    else:
        # Only the new link may open the account: nothing from the person's earlier time on the team still works.
        person.active, person.name, person.password_hash = True, name, None
        person.totp_secret = person.two_factor_since = person.totp_last_step = None
    expires_at = _email_invitation(actor, person)
    record_event(actor, "organiser.invited", person, email=address, name=name, rejoining=rejoining)
    return person, expires_at


def _require_invited(person: User) -> None:
    """Resending and withdrawing are for organisers who have been invited and not yet set their password."""
    if not person.is_organiser or not person.active:
        raise DomainError(f"{label(person)} is not on the organisers' team.")
    if has_joined(person):
        raise DomainError(f"{label(person)} has already set their password and joined the team.")


def resend_invitation(actor: User, person: User) -> datetime:
    """Email an invited colleague a new link (the older one stops working); returns when it expires."""
    is_active_organiser.require(actor)
    _require_invited(person)
    expires_at = _email_invitation(actor, person)
    record_event(actor, "organiser.invitation_resent", person, email=person.email)
    return expires_at


def withdraw_invitation(actor: User, person: User) -> None:
    """Take back an invitation not yet accepted: the link stops working and the account is switched off."""
    is_active_organiser.require(actor)
    _require_invited(person)
    withdraw_invitations(ORGANISER_INVITATION, person)
    person.active = False
    record_event(actor, "organiser.invitation_withdrawn", person, email=person.email)


# --- Removing -----------------------------------------------------------------------------------------------------


def _joined_organisers(lock: bool = False):
    """The ids of the active organisers who have set a password; with `lock`, their rows stay locked until the
    transaction ends (PostgreSQL; SQLite's transactions take the whole database's write lock when they begin)."""
    query = (
        select(User.id)
        .where(User.role == Role.ORGANISER, User.active.is_(True), User.password_hash.is_not(None))
        .order_by(User.id)
    )
    return set(db.session.scalars(query.with_for_update() if lock else query))


def _removal_refusal(actor: User, person: User, joined: set[int]) -> str | None:
    """Why the person cannot be removed from a team whose joined organisers are `joined`, or None."""
    if not person.is_organiser or not person.active:
        return f"{label(person)} is not on the organisers' team."
    if person.id in joined and not joined - {person.id}:
        if person.id == actor.id:
            return (
                "You are the last organiser, so you cannot remove yourself: the awards would have nobody to run "
                "them. Invite a colleague first; once they have set their password, either of you can leave."
            )
        return f"{label(person)} is the last organiser, so they cannot be removed."
    return None


def removal_refused_because(actor: User, person: User) -> str | None:
    """Why removing the person would be refused now (the last organiser, or not on the team), or None."""
    return _removal_refusal(actor, person, _joined_organisers())


def remove_organiser(actor: User, person: User) -> int:
    """Take someone off the team: their account is switched off (kept, so the audit log still names them), every
    session of theirs ends at once, and any invitation stops working; returns how many sessions ended.

    Refused for the last organiser who has set a password, whoever asks (themselves included). An organiser may
    remove themselves while another remains: leaving the team needs nobody else's help.
    """
    is_active_organiser.require(actor)
    joined = _joined_organisers(lock=True)
    if actor.id not in joined:
        # Someone removed the actor a moment ago, in a request that committed while this one waited for the lock.
        raise NotAllowed("Your account has been removed from the organisers' team.")
    refusal = _removal_refusal(actor, person, joined)
    if refusal:
        raise DomainError(refusal)
    withdraw_invitations(ORGANISER_INVITATION, person)
    person.active = False
    ended = end_every_session(person)
    record_event(actor, "organiser.removed", person, email=person.email, name=person.name, sessions_ended=ended)
    return ended


# --- The team -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TeamMember:
    """One organiser on the team page: their account and, until they join, their invitation."""

    person: User
    invitation: InvitationState | None = None

    @property
    def joined(self) -> bool:
        """Whether they have set their password."""
        return self.invitation is None


def team() -> list[TeamMember]:
    """The organisers whose accounts work: those who have joined (by name), then those invited (newest first)."""
    people = list(db.session.scalars(select(User).where(User.role == Role.ORGANISER, User.active.is_(True))))
    joined = sorted((person for person in people if has_joined(person)), key=lambda p: (label(p).lower(), p.id))
    invited = [person for person in people if not has_joined(person)]
    states = invitation_states(ORGANISER_INVITATION, invited)
    invited.sort(key=lambda p: (states[p.id].invited_at or p.created_at, p.id), reverse=True)
    return [TeamMember(person) for person in joined] + [TeamMember(person, states[person.id]) for person in invited]
