"""Sending a nomination: the checks against spam and the window, the reference, the emails, and the audit record.

The steps before this (the draft) live in nominations/drafts.py.
"""
from __future__ import annotations

import logging
import secrets
from datetime import timedelta

from sqlalchemy import select

from awards_app.core import clock
from awards_app.core.audit import record_event
from awards_app.core.errors import DomainError
from awards_app.core.outbox import queue_email
from awards_app.extensions import db
from awards_app.nominations.consent import request_consent
from awards_app.nominations.drafts import Step, delete_draft, incomplete_steps, require_open, saved_answer
from awards_app.nominations.models import Nomination, NominationAnswer, NominationDraft
from awards_app.programme.models import Edition

log = logging.getLogger(__name__)

# People take minutes to write a nomination; a form sent back within seconds of starting is a script.
MIN_SECONDS_TO_FILL = 20

# References are read aloud on the phone and typed from emails: no 0/O, 1/I/L, 2/Z, 5/S or 8/B to mix up.
REFERENCE_ALPHABET = "346789ACDEFGHJKMNPQRTUVWXY"
REFERENCE_LENGTH = 5


class SpamSuspected(DomainError):
    """The submission looks automated: `reason` is "honeypot" (the hidden box was filled) or "too-fast"."""

    def __init__(self, reason: str, message: str):
        super().__init__(message)
        self.reason = reason


class DraftIncomplete(DomainError):
    """Some steps are not finished yet; `steps` lists them in journey order."""

    def __init__(self, steps: list[Step]):
        super().__init__("Some of the nomination is not finished yet.")
        self.steps = steps


def new_reference(edition: Edition) -> str:
    """A random, non-sequential reference such as SMA26-7K3QX, not used by any other nomination."""
    for _ in range(50):
        code = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))
        reference = f"SMA{edition.year % 100:02d}-{code}"
        if db.session.scalar(select(Nomination.id).where(Nomination.reference == reference)) is None:
            return reference
    # 26^5 is nearly twelve million codes a year; fifty clashes in a row means something else is wrong.
    raise RuntimeError("could not find an unused nomination reference")


def submit_nomination(
    draft: NominationDraft, *, honeypot: str | None = "", min_seconds: float = MIN_SECONDS_TO_FILL
) -> Nomination:
    """Turn a finished draft into a nomination: email the nominator, ask the nominee's consent, delete the draft.

    Refused (and the draft kept) outside the nominations window, when the hidden honeypot box has anything in it,
    when it comes less than `min_seconds` after the draft was started, or when a step is unfinished.
    """
    edition = draft.edition
    require_open(edition)
    if (honeypot or "").strip():
        log.warning("nomination refused: honeypot filled (draft %s)", draft.id)
        raise SpamSuspected("honeypot", "The nomination had text in a box that people leave empty.")
    if clock.now() - draft.started_at < timedelta(seconds=min_seconds):
        log.warning("nomination refused: sent %s after starting (draft %s)", clock.now() - draft.started_at, draft.id)
        raise SpamSuspected("too-fast", "The nomination was sent too soon after it was started.")
    missing = incomplete_steps(draft)
    if missing:
        raise DraftIncomplete(missing)

    data = draft.data
    nominee, nominator = data["nominee"], data["nominator"]
    category = draft.category
    nomination = Nomination(
        edition=edition,
        category=category,
        reference=new_reference(edition),
        nominee_name=nominee["name"],
        nominee_organisation=nominee.get("organisation", ""),
        nominee_email=nominee.get("email") or None,
        local_authority=nominee["local_authority"],
        nominator_name=nominator["name"],
        nominator_email=nominator["email"],
        nominator_relationship=nominator["relationship"],
        nominator_phone=nominator.get("phone", ""),
        submitted_at=clock.now(),
        answers=[
            NominationAnswer(question=question, text=saved_answer(draft, question))
            for question in category.questions
            if saved_answer(draft, question)
        ],
    )
    db.session.add(nomination)
    db.session.flush()

    queue_email(
        nomination.nominator_email,
        f"Your nomination has been received: reference {nomination.reference}",
        "nomination_received",
        nomination=nomination,
        edition=edition,
    )
    if nomination.nominee_email:
        request_consent(None, nomination)
    seconds_to_fill = int((clock.now() - draft.started_at).total_seconds())
    record_event(
        None, "nomination.submitted", nomination,
        reference=nomination.reference, category=category.name, seconds_to_fill=seconds_to_fill,
    )
    delete_draft(draft)
    return nomination


def nomination_by_reference(reference: str | None) -> Nomination | None:
    """The nomination with this reference, if any, in a public edition (the nominator's "sent" page)."""
    if not reference or not isinstance(reference, str) or len(reference) > 20:
        return None
    return db.session.scalar(
        select(Nomination).join(Edition, Nomination.edition_id == Edition.id)
        .where(Nomination.reference == reference, Edition.is_public)
    )
