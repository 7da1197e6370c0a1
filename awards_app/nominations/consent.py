"""Nominee consent: asking the nominee by email, and their answer through a single-use link.

An answer given by phone or on paper is recorded by the organisers (nominations/review.py, record_consent). A nominee
without consent can never be published (the shortlist refuses them).
"""
from __future__ import annotations

from datetime import timedelta

from awards_app.accounts.models import User
from awards_app.core import clock
from awards_app.core.audit import record_event
from awards_app.core.errors import DomainError
from awards_app.core.links import check_link, email_link, supersede_links, use_link
from awards_app.extensions import db
from awards_app.nominations.models import ConsentState, Nomination

CONSENT_PURPOSE = "nominee-consent"
CONSENT_LINK_LIFETIME = timedelta(days=30)
EMAILED_LINK_NOTE = "Answered through the emailed link."


def request_consent(actor: User | None, nomination: Nomination) -> None:
    """Email the nominee a link to accept or decline; any earlier link stops working."""
    if not nomination.nominee_email:
        raise DomainError(
            "There is no email address for this nominee. Record their answer by phone or on paper instead."
        )
    if nomination.consent in (ConsentState.GIVEN, ConsentState.DECLINED) and actor is None:
        return  # the nominee has answered already (for example through another nomination of theirs)
    email_link(
        CONSENT_PURPOSE, nomination, clock.now() + CONSENT_LINK_LIFETIME, "consent.respond",
        to=nomination.nominee_email, subject="You have been nominated for a Self Management Award",
        template="nominee_consent", nomination=nomination,
        # Sent because a member of the public nominated someone: it spends from the nominee's inbox budget. An
        # organiser's resend does not (core/mail_budget.py).
        from_public=actor is None,
    )
    nomination.consent = ConsentState.REQUESTED
    record_event(actor, "consent.requested", nomination, resend=actor is not None)


def nomination_for_consent_link(token: str) -> Nomination:
    """The nomination a consent link is for, without using the link up (raises LinkProblem)."""
    return db.session.get(Nomination, check_link(CONSENT_PURPOSE, token).subject_id)


def respond_to_consent(token: str, accept: bool) -> Nomination:
    """The nominee's answer through their link, which then stops working (raises LinkProblem)."""
    nomination = db.session.get(Nomination, use_link(CONSENT_PURPOSE, token).subject_id)
    nomination.consent = ConsentState.GIVEN if accept else ConsentState.DECLINED
    nomination.consent_recorded_at = clock.now()
    nomination.consent_note = EMAILED_LINK_NOTE
    record_event(None, "consent.given" if accept else "consent.declined", nomination, via="email link")
    return nomination



def forget_old_address(actor: User, nomination: Nomination) -> ConsentState | None:
    """The nominee's address was corrected: links sent to the old one stop working, and an answer given through one
    no longer counts (whoever had that address may not be the nominee). Returns the answer or request set back to
    "not requested", or None when there was none; an answer the organisers recorded by phone or on paper stays."""
    supersede_links(CONSENT_PURPOSE, nomination)
    was = nomination.consent
    by_link = was in (ConsentState.GIVEN, ConsentState.DECLINED) and nomination.consent_note == EMAILED_LINK_NOTE
    if not by_link and was is not ConsentState.REQUESTED:
        return None
    nomination.consent = ConsentState.NOT_REQUESTED
    nomination.consent_recorded_at = None
    nomination.consent_note = ""
    record_event(actor, "consent.reset", nomination, was=was.value, because="nominee_email corrected")
    return was
