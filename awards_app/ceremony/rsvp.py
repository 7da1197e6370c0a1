"""The ceremony invitation's RSVP: a personal link per invitee, their yes or no with any access needs, and the
organisers' list.

An invitation belongs to a person: one per edition, address and name (compared without regard to capitals or
spacing), since two people may share an address, such as a carer and the person they nominated, and each answers for
themselves.

An invitee's link is a core/links.py link of purpose "rsvp" that is only ever checked, never used up, so the same link
changes the answer as often as the invitee likes until the ceremony starts. Each call of invitation_link issues a new
link for the same invitation without stopping the older ones: every email sent to the invitee keeps working.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, select

from awards_app.ceremony.models import CeremonyInvitation
from awards_app.core import clock
from awards_app.core.audit import record_event
from awards_app.core.columns import EMAIL_LENGTH
from awards_app.core.errors import DomainError
from awards_app.core.links import LinkProblem, check_link, issue_link
from awards_app.core.models import SingleUseLink
from awards_app.core.public_urls import public_url
from awards_app.extensions import db
from awards_app.nominations.models import Nomination
from awards_app.permissions import is_organiser
from awards_app.programme.models import Edition

PURPOSE = "rsvp"
ANSWERS = ("yes", "no")
ACCESS_NEEDS_MAX = 1000
NAME_MAX = 200
# A link outlives the ceremony, so that opening it afterwards says the ceremony has happened rather than "expired"
# (and a postponed ceremony keeps its links working).
LINK_LIFETIME_AFTER_CEREMONY = timedelta(days=180)


@dataclass(frozen=True)
class RsvpCounts:
    """How many invitees said yes, said no, and have not answered."""

    yes: int
    no: int
    unanswered: int

    @property
    def total(self) -> int:
        """Everyone invited."""
        return self.yes + self.no + self.unanswered


def name_key(name: str) -> str:
    """A name as invitations compare it: "Jo  Bloggs" and "jo bloggs" are the same person."""
    return " ".join(str(name or "").split()).casefold()[:NAME_MAX]


def invitation_link(actor, edition: Edition, email: str, name: str, nomination: Nomination | None = None) -> str:
    """The invitee's personal RSVP address (absolute, for an email), creating their invitation the first time and
    reusing it for the same edition, address and name after that."""
    is_organiser.require(actor)
    address = str(email or "").strip().lower()
    if not address or "@" not in address or len(address) > EMAIL_LENGTH:
        raise DomainError("The invitee needs a valid email address", field="email")
    shown_name = str(name or "").strip()[:NAME_MAX]
    invitation = db.session.scalar(
        select(CeremonyInvitation).where(CeremonyInvitation.edition_id == edition.id,
                                         CeremonyInvitation.email == address,
                                         CeremonyInvitation.name_key == name_key(shown_name)))
    if invitation is None:
        invitation = CeremonyInvitation(
            edition_id=edition.id, email=address, name=shown_name, name_key=name_key(shown_name),
            nomination_id=nomination.id if nomination is not None else None, access_needs="", created_at=clock.now(),
        )
        db.session.add(invitation)
        db.session.flush()
        record_event(actor, "ceremony.invited", invitation, edition=edition.id)
    # Older links stay valid: each email the invitee was sent must still work.
    token = issue_link(PURPOSE, invitation, edition.ceremony_at + LINK_LIFETIME_AFTER_CEREMONY, replace_older=False)
    return public_url("public.rsvp", token=token)


def invitation_for_link(token: str) -> CeremonyInvitation:
    """The invitation behind a genuine RSVP link; LinkProblem otherwise (opening the link changes nothing)."""
    invitation = db.session.get(CeremonyInvitation, check_link(PURPOSE, token).subject_id)
    if invitation is None:  # erased on request, or removed after the ceremony
        raise LinkProblem("tampered")
    return invitation


def ceremony_has_started(edition: Edition) -> bool:
    """Whether the ceremony has begun, after which answers no longer change."""
    return clock.now() >= edition.ceremony_at


def answer_invitation(token: str, answer: str, access_needs: str = "") -> CeremonyInvitation:
    """Record the invitee's yes or no and access needs through their link, replacing any earlier answer.

    LinkProblem for a link that does not work; DomainError once the ceremony has started, or for an answer that is
    not yes or no, or access needs that are too long. The caller commits.
    """
    invitation = invitation_for_link(token)
    if ceremony_has_started(invitation.edition):
        raise DomainError("The ceremony has already started, so answers can no longer be changed.")
    if answer not in ANSWERS:
        raise DomainError("Choose whether you will come", field="answer")
    needs = str(access_needs or "").strip()
    if len(needs) > ACCESS_NEEDS_MAX:
        raise DomainError(f"Access needs must be {ACCESS_NEEDS_MAX} characters or fewer", field="access_needs")
    invitation.answer = answer
    invitation.access_needs = needs
    invitation.answered_at = clock.now()
    db.session.flush()
    # Access needs are personal: the log says only that an answer was given, and which.
    record_event(None, "ceremony.rsvp_answered", invitation, answer=answer)
    return invitation


def edition_invitations(actor, edition: Edition) -> list[CeremonyInvitation]:
    """Everyone invited to the edition's ceremony, by name then address (organisers only)."""
    is_organiser.require(actor)
    return list(db.session.scalars(
        select(CeremonyInvitation).where(CeremonyInvitation.edition_id == edition.id)
        .order_by(CeremonyInvitation.name, CeremonyInvitation.email)))


def rsvp_counts(invitations: list[CeremonyInvitation]) -> RsvpCounts:
    """The yes, no and no-answer counts of these invitations."""
    answers = [invitation.answer for invitation in invitations]
    return RsvpCounts(yes=answers.count("yes"), no=answers.count("no"), unanswered=answers.count(None))


def invitations_of(address: str) -> list[CeremonyInvitation]:
    """Every invitation to the address (already trimmed and lower-cased), for the person's own data."""
    return list(db.session.scalars(
        select(CeremonyInvitation).where(CeremonyInvitation.email == address).order_by(CeremonyInvitation.id)))


def delete_invitations(invitations: list[CeremonyInvitation]) -> None:
    """Delete invitations and their links (an erasure, or the purge after the ceremony)."""
    ids = [invitation.id for invitation in invitations]
    if not ids:
        return
    db.session.execute(delete(SingleUseLink).where(
        SingleUseLink.purpose == PURPOSE, SingleUseLink.subject_type == CeremonyInvitation.__tablename__,
        SingleUseLink.subject_id.in_(ids)).execution_options(synchronize_session=False))
    db.session.execute(delete(CeremonyInvitation).where(CeremonyInvitation.id.in_(ids))
                       .execution_options(synchronize_session=False))


def purge_invitations(before) -> int:
    """Delete the invitations of every edition whose ceremony was at or before `before`; how many went."""
    past = list(db.session.scalars(
        select(CeremonyInvitation).join(Edition).where(Edition.ceremony_at <= before)))
    delete_invitations(past)
    return len(past)
