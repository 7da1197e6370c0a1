"""Nominee consent: asking the nominee by email, their answer through a single-use link, or one recorded by staff.

A nominee without consent can never be published (the shortlist refuses them).
"""
from __future__ import annotations

from datetime import timedelta

from awards_app.accounts.models import User
from awards_app.core import clock
from awards_app.core.audit import record_event
from awards_app.core.errors import DomainError, NotAllowed
from awards_app.core.links import check_link, issue_link, use_link
from awards_app.core.outbox import queue_email
from awards_app.core.public_urls import public_url
from awards_app.extensions import db
from awards_app.nominations.models import ConsentState, Nomination

CONSENT_PURPOSE = "nominee-consent"
CONSENT_LINK_LIFETIME = timedelta(days=30)


def request_consent(actor: User | None, nomination: Nomination) -> None:
    """Email the nominee a link to accept or decline; any earlier link stops working."""
    if not nomination.nominee_email:
        raise DomainError("There is no email address for this nominee. Record their answer by phone or on paper instead.")
    if nomination.consent in (ConsentState.GIVEN, ConsentState.DECLINED) and actor is None:
        return  # the nominee has answered already (for example through another nomination of theirs)
    token = issue_link(CONSENT_PURPOSE, nomination, clock.now() + CONSENT_LINK_LIFETIME)
    nomination.consent = ConsentState.REQUESTED
    queue_email(
        nomination.nominee_email,
        "You have been nominated for a Self Management Award",
        "nominee_consent",
        nomination=nomination,
        link=public_url("consent.respond", token=token),
        expires_at=clock.now() + CONSENT_LINK_LIFETIME,
    )
    record_event(actor, "consent.requested", nomination, resend=actor is not None)


def nomination_for_consent_link(token: str) -> Nomination:
    """The nomination a consent link is for, without using the link up (raises LinkProblem)."""
    return db.session.get(Nomination, check_link(CONSENT_PURPOSE, token).subject_id)


def respond_to_consent(token: str, accept: bool) -> Nomination:
    """The nominee's answer through their link, which then stops working (raises LinkProblem)."""
    nomination = db.session.get(Nomination, use_link(CONSENT_PURPOSE, token).subject_id)
    nomination.consent = ConsentState.GIVEN if accept else ConsentState.DECLINED
    nomination.consent_recorded_at = clock.now()
    nomination.consent_note = "Answered through the emailed link."
    record_event(None, "consent.given" if accept else "consent.declined", nomination, via="email link")
    return nomination


def record_consent(actor: User, nomination: Nomination, given: bool, note: str) -> None:
    """Record an answer the nominee gave by phone or on paper."""
    if actor is None or not actor.is_organiser:
        raise NotAllowed("Only organisers can record consent.")
    note = (note or "").strip()
    if not note:
        raise DomainError("Say how and when the nominee answered, for example 'By phone to Jo, 3 March'.", field="note")
    if len(note) > 1000:
        raise DomainError("The note must be 1,000 characters or fewer.", field="note")
    nomination.consent = ConsentState.GIVEN if given else ConsentState.DECLINED
    nomination.consent_recorded_at = clock.now()
    nomination.consent_note = note
    record_event(actor, "consent.recorded", nomination, given=given, note=note)
