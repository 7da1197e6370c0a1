"""The organisers' review of an edition's nominations: finding them, marking their status, and notes.

A nomination merged into another (a duplicate folded into that entry) is left out of the list: it shows on the entry
it was merged into, and only that entry's status counts.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import selectinload

from awards_app.accounts.models import User
from awards_app.core import clock
from awards_app.core.audit import record_event
from awards_app.core.errors import DomainError
from awards_app.extensions import db
from awards_app.nominations import consent
from awards_app.nominations.models import ConsentState, Nomination, NominationNote, NominationStatus
from awards_app.permissions import is_organiser
from awards_app.programme.models import Edition

PAGE_SIZE = 25  # a page of the organisers' list fits a few screens, even on a phone
REASON_MAX_LENGTH = 1000
NOTE_MAX_LENGTH = 2000
CONSENT_NOTE_MAX_LENGTH = 1000
SEARCH_MAX_LENGTH = 200
SEARCH_MAX_WORDS = 10

STATUS_LABELS = {
    NominationStatus.RECEIVED: "Received",
    NominationStatus.ELIGIBLE: "Eligible",
    NominationStatus.INELIGIBLE: "Ineligible",
    NominationStatus.WITHDRAWN: "Withdrawn",
}
CONSENT_LABELS = {
    ConsentState.NOT_REQUESTED: "Not requested",
    ConsentState.REQUESTED: "Requested",
    ConsentState.GIVEN: "Given",
    ConsentState.DECLINED: "Declined",
}


# --- Finding nominations -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReviewFilters:
    """What the organiser narrowed the list down to; None (or an empty search) means no filter."""

    category_id: int | None = None
    status: NominationStatus | None = None
    local_authority: str | None = None
    consent: ConsentState | None = None
    search: str = ""
    page: int = 1

    @property
    def any(self) -> bool:
        """Whether any filter or search is in force (the page number does not count)."""
        return any((self.category_id, self.status, self.local_authority, self.consent, self.search.strip()))


@dataclass(frozen=True)
class ReviewPage:
    """One page of the filtered list, with what pagination links need."""

    nominations: list[Nomination]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        """How many pages the filtered list fills (at least one, even when empty)."""
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def first_number(self) -> int:
        """The position in the whole list of the first nomination on this page (0 when there are none)."""
        return (self.page - 1) * self.per_page + 1 if self.total else 0

    @property
    def last_number(self) -> int:
        """The position in the whole list of the last nomination on this page."""
        return min(self.page * self.per_page, self.total)


def _entries(edition: Edition) -> Select:
    """The edition's nominations that stand as entries of their own (merged duplicates left out)."""
    return select(Nomination).where(Nomination.edition_id == edition.id, Nomination.merged_into_id.is_(None))


def search_words(text: str | None) -> list[str]:
    """The words of a search, lower-cased, within bounds (anything longer is cut rather than refused)."""
    return (text or "")[:SEARCH_MAX_LENGTH].lower().split()[:SEARCH_MAX_WORDS]


def _matching(query: Select, filters: ReviewFilters) -> Select:
    """Narrow a query of nominations by the filters; every search word must appear in one of the searched fields."""
    if filters.category_id is not None:
        query = query.where(Nomination.category_id == filters.category_id)
    if filters.status is not None:
        query = query.where(Nomination.status == filters.status)
    if filters.local_authority:
        query = query.where(Nomination.local_authority == filters.local_authority)
    if filters.consent is not None:
        query = query.where(Nomination.consent == filters.consent)
    searched = (
        Nomination.reference,
        Nomination.nominee_name,
        Nomination.nominee_organisation,
        Nomination.nominator_name,
        Nomination.nominator_email,
    )
    for word in search_words(filters.search):
        # autoescape: a % or _ typed in the box is a character to find, not a wildcard.
        query = query.where(or_(*(func.lower(column).contains(word, autoescape=True) for column in searched)))
    return query


def list_nominations(
    edition: Edition, filters: ReviewFilters = ReviewFilters(), per_page: int = PAGE_SIZE
) -> ReviewPage:
    """One page of the edition's entries that match the filters, newest first."""
    matching = _matching(_entries(edition), filters)
    total = db.session.scalar(select(func.count()).select_from(matching.subquery()))
    pages = max(1, math.ceil(total / per_page))
    page = min(max(1, filters.page), pages)  # a page past the end shows the last one rather than nothing
    nominations = db.session.scalars(
        matching.options(selectinload(Nomination.category), selectinload(Nomination.merged))
        .order_by(Nomination.submitted_at.desc(), Nomination.id.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    return ReviewPage(list(nominations), total, page, per_page)


def count_by_status(edition: Edition) -> dict[NominationStatus, int]:
    """How many of the edition's entries stand at each status (zero included), for the filter's labels."""
    rows = db.session.execute(
        select(Nomination.status, func.count())
        .where(Nomination.edition_id == edition.id, Nomination.merged_into_id.is_(None))
        .group_by(Nomination.status)
    )
    counts = dict.fromkeys(NominationStatus, 0)
    counts.update({status: count for status, count in rows})
    return counts


# --- Changing a nomination ---------------------------------------------------------------------------------------


def _refuse_if_merged(nomination: Nomination, what: str) -> None:
    """A merged duplicate follows the entry it was merged into: changes belong on that entry."""
    if nomination.merged_into is not None:
        raise DomainError(
            f"{nomination.reference} was merged into {nomination.merged_into.reference}. "
            f"{what} on {nomination.merged_into.reference} instead."
        )


def change_status(actor: User, nomination: Nomination, status: NominationStatus | str, reason: str = "") -> None:
    """Mark a nomination received, eligible, ineligible (with a reason) or withdrawn (reason optional)."""
    is_organiser.require(actor)
    _refuse_if_merged(nomination, "Change the status")
    try:
        new = NominationStatus(status)
    except ValueError:
        raise DomainError("Select a status", field="status") from None
    reason = (reason or "").strip()
    if new is NominationStatus.INELIGIBLE and not reason:
        raise DomainError("Enter why the nomination is not eligible", field="reason")
    if len(reason) > REASON_MAX_LENGTH:
        raise DomainError(f"The reason must be {REASON_MAX_LENGTH:,} characters or fewer", field="reason")
    if new in (NominationStatus.RECEIVED, NominationStatus.ELIGIBLE):
        reason = ""  # a reason explains ineligible or withdrawn; an old one would mislead
    old, old_reason = nomination.status, nomination.status_reason
    if (old, old_reason) == (new, reason):
        return  # nothing changed: no audit event for a second press of the button
    nomination.status, nomination.status_reason = new, reason
    db.session.flush()
    record_event(
        actor, "nomination.status_changed", nomination,
        reference=nomination.reference, old=old.value, new=new.value, reason=reason,
    )


def add_note(actor: User, nomination: Nomination, text: str) -> NominationNote:
    """Add an organiser's note to a nomination."""
    is_organiser.require(actor)
    text = (text or "").strip()
    if not text:
        raise DomainError("Enter the note", field="text")
    if len(text) > NOTE_MAX_LENGTH:
        raise DomainError(f"The note must be {NOTE_MAX_LENGTH:,} characters or fewer", field="text")
    note = NominationNote(nomination=nomination, author_id=actor.id, text=text, created_at=clock.now())
    db.session.add(note)
    db.session.flush()
    # The note's words stay in the note; the audit log only says one was written.
    record_event(actor, "nomination.note_added", nomination, reference=nomination.reference, note_id=note.id)
    return note


def note_authors(nomination: Nomination) -> dict[int, str]:
    """The name (or email) of each person who wrote a note on the nomination, by their id."""
    return names_of_people({note.author_id for note in nomination.notes})


def names_of_people(ids) -> dict[int, str]:
    """The name (or email) of each of these accounts, by their id (None among the ids is left out)."""
    ids = {user_id for user_id in ids if user_id is not None}
    if not ids:
        return {}
    return {user.id: user.name or user.email for user in db.session.scalars(select(User).where(User.id.in_(ids)))}


# --- Consent, from the organisers' side --------------------------------------------------------------------------


def can_resend_consent(nomination: Nomination) -> bool:
    """Whether a new consent email may go: there is an address, no answer yet, and the entry stands on its own."""
    return (
        bool(nomination.nominee_email)
        and nomination.merged_into_id is None
        and nomination.consent in (ConsentState.NOT_REQUESTED, ConsentState.REQUESTED)
    )


def resend_consent_request(actor: User, nomination: Nomination) -> None:
    """Email the nominee a new consent link; the earlier one stops working."""
    is_organiser.require(actor)
    _refuse_if_merged(nomination, "Ask for consent")
    if nomination.consent in (ConsentState.GIVEN, ConsentState.DECLINED):
        # A new request would set the answer back to "requested"; an organiser records a change of mind instead.
        raise DomainError(
            "The nominee has already answered. If they have changed their mind, record their new answer instead."
        )
    consent.request_consent(actor, nomination)


def record_consent(actor: User, nomination: Nomination, given: bool, note: str) -> None:
    """Record an answer the nominee gave by phone or on paper, on an entry that stands on its own."""
    is_organiser.require(actor)
    _refuse_if_merged(nomination, "Record consent")
    note = (note or "").strip()
    if not note:
        raise DomainError("Say how and when the nominee answered, for example 'By phone to Jo, 3 March'.", field="note")
    if len(note) > CONSENT_NOTE_MAX_LENGTH:
        raise DomainError(f"The note must be {CONSENT_NOTE_MAX_LENGTH:,} characters or fewer.", field="note")
    nomination.consent = ConsentState.GIVEN if given else ConsentState.DECLINED
    nomination.consent_recorded_at = clock.now()
    nomination.consent_note = note
    record_event(actor, "consent.recorded", nomination, given=given, note=note)


def count_by_consent(edition: Edition) -> dict[ConsentState, int]:
    """How many of the edition's entries still in the running (not withdrawn or ineligible) stand at each consent state
    (zero included), for the dashboard."""
    rows = db.session.execute(
        select(Nomination.consent, func.count())
        .where(
            Nomination.edition_id == edition.id, Nomination.merged_into_id.is_(None),
            Nomination.status.in_((NominationStatus.RECEIVED, NominationStatus.ELIGIBLE)),
        )
        .group_by(Nomination.consent)
    )
    counts = dict.fromkeys(ConsentState, 0)
    counts.update({state: count for state, count in rows})
    return counts
