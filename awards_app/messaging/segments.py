"""Who is in each segment of an edition: the people a message goes to, each with the entry that puts them there.

Entry segments (shortlisted, not shortlisted, finalists of a public vote, winners, highly commended, all entries of
a category) reach either the entries' nominees or their nominators; the panel segment reaches a category's judges.
A nominee is written to only once they have agreed to take part (consent given) and the nomination holds their
address: a nominee who declined is never messaged as a nominee, and the others are listed with the reason, so the
organiser sees who the message will not reach. Winners and highly commended count only once their category has
been revealed at the ceremony (before that the result is sealed, and a message would give it away).

One person (one address, whatever its case) is one recipient: someone who nominated two finalists gets the message
once, naming both entries (the merge fields join their values: "Ann Smith and Ben Jones"), in the shortlist's order.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from sqlalchemy import select

from awards_app.accounts.models import User
from awards_app.ceremony.models import Award, Place, Reveal
from awards_app.core.errors import DomainError
from awards_app.extensions import db
from awards_app.judging.judge_access import judgeable_entries
from awards_app.judging.models import Finalist, PanelMember, PanelStatus
from awards_app.nominations.models import ConsentState, Nomination, NominationStatus
from awards_app.programme.models import Category, Edition
from awards_app.voting.models import Contest

NOMINEE = "nominee"
NOMINATOR = "nominator"
JUDGE = "judge"

NO_ADDRESS = "no address"
DECLINED = "declined to take part"
NO_CONSENT = "has not agreed to take part yet"
NOMINEE_DECLINED = "the nominee declined to take part"
ACCOUNT_OFF = "their account is switched off"

# An entry still in the awards: not withdrawn, found ineligible or folded into another.
STILL_IN = (
    Nomination.merged_into_id.is_(None),
    Nomination.status.not_in([NominationStatus.WITHDRAWN, NominationStatus.INELIGIBLE]),
)


@dataclass(frozen=True)
class Recipient:
    """One person a message would reach, and what merge fields may read about them (their own entry, no other)."""

    key: str  # stable within the segment, for choosing whom to preview as
    role: str
    name: str
    email: str | None
    nomination: Nomination | None = None
    finalist: Finalist | None = None
    judge: User | None = None
    category: Category | None = None
    not_sent_reason: str = ""
    # The person's other entries in the segment (same address), after the first: they are told about all in one email.
    more_entries: tuple[tuple[Nomination, Finalist | None], ...] = ()

    @property
    def entries(self) -> list[tuple[Nomination, Finalist | None]]:
        """Every entry that puts this person in the segment, the first one first (none for a judge)."""
        return ([(self.nomination, self.finalist)] if self.nomination else []) + list(self.more_entries)

    @property
    def references(self) -> str:
        """The references of the person's entries, for telling recipients apart in a list."""
        return ", ".join(entry.reference for entry, _ in self.entries)

    @property
    def reachable(self) -> bool:
        """Whether an email can be queued for this person."""
        return bool(self.email) and not self.not_sent_reason


@dataclass(frozen=True)
class Segment:
    """A group of people: its label, whether it needs a category, whether it is about an unpublished shortlist."""

    key: str
    label: str
    role: str
    entries: Callable[[Edition, Category | None], list[tuple[Nomination, Finalist | None]]] | None = None
    needs_category: bool = False
    about_shortlist: bool = False


def _categories(edition: Edition, category: Category | None) -> list[Category]:
    """The categories a segment looks in: the one chosen, or all of the edition's."""
    return [category] if category is not None else list(edition.categories)


def _finalists(edition: Edition, category: Category | None, *conditions, join=None) -> list[Finalist]:
    """The edition's (or category's) finalists still in the awards and matching the conditions, in the running order
    of the shortlists."""
    query = (
        select(Finalist)
        .join(Category, Finalist.category_id == Category.id)
        .join(Nomination, Finalist.nomination_id == Nomination.id)
        .where(Category.edition_id == edition.id, *STILL_IN)
    )
    if category is not None:
        query = query.where(Finalist.category_id == category.id)
    for table, on in join or []:
        query = query.join(table, on)
    query = query.where(*conditions).order_by(Category.display_order, Category.id, Finalist.position, Finalist.id)
    return list(db.session.scalars(query))


def shortlisted(edition: Edition, category: Category | None):
    """Every finalist's entry."""
    return [(finalist.nomination, finalist) for finalist in _finalists(edition, category)]


def not_shortlisted(edition: Edition, category: Category | None):
    """The entries judged in categories whose shortlist is chosen, but not on it."""
    pairs = []
    for each in _categories(edition, category):
        finalist_ids = {finalist.nomination_id for finalist in db.session.scalars(
            select(Finalist).where(Finalist.category_id == each.id)
        )}
        if finalist_ids:
            pairs += [(entry, None) for entry in judgeable_entries(each) if entry.id not in finalist_ids]
    return pairs


def vote_finalists(edition: Edition, category: Category | None):
    """The finalists of categories with a public vote."""
    finalists = _finalists(edition, category, join=[(Contest, Contest.category_id == Finalist.category_id)])
    return [(finalist.nomination, finalist) for finalist in finalists]


def _awarded(place: Place):
    """The finalists given `place`, in categories already revealed at the ceremony."""
    def entries(edition: Edition, category: Category | None):
        finalists = _finalists(
            edition, category, Award.place == place, Reveal.revealed_at.is_not(None),
            join=[(Award, Award.finalist_id == Finalist.id), (Reveal, Reveal.category_id == Finalist.category_id)],
        )
        return [(finalist.nomination, finalist) for finalist in finalists]
    entries.__doc__ = f"The {place.value.replace('_', ' ')} finalists of revealed categories."
    return entries


def all_entries(edition: Edition, category: Category | None):
    """Every entry of the category that is still in: not withdrawn, ineligible or folded into another."""
    query = (
        select(Nomination)
        .where(Nomination.category_id == category.id, *STILL_IN)
        .order_by(Nomination.submitted_at, Nomination.id)
    )
    return [(entry, None) for entry in db.session.scalars(query)]


_GROUPS = [
    ("shortlisted", "shortlisted entries", shortlisted, False, True),
    ("not_shortlisted", "entries not shortlisted", not_shortlisted, False, True),
    ("vote_finalists", "finalists of a public vote", vote_finalists, False, True),
    ("winners", "winners (once revealed)", _awarded(Place.WINNER), False, False),
    ("highly_commended", "highly commended (once revealed)", _awarded(Place.HIGHLY_COMMENDED), False, False),
    ("all_entries", "all entries of a category", all_entries, True, False),
]

SEGMENTS: dict[str, Segment] = {}
for _key, _words, _entries, _needs_category, _about_shortlist in _GROUPS:
    for _role, _whose in ((NOMINEE, "Nominees"), (NOMINATOR, "Nominators")):
        SEGMENTS[f"{_key}.{_role}s"] = Segment(
            f"{_key}.{_role}s", f"{_whose} of {_words}", _role, _entries, _needs_category, _about_shortlist
        )
SEGMENTS["panel.judges"] = Segment("panel.judges", "Judges of a category's panel", JUDGE, needs_category=True)


def segment_of(key: str) -> Segment:
    """The segment named `key`; a refusal naming the field for anything else."""
    if key not in SEGMENTS:
        raise DomainError("Choose who the message is for", field="segment")
    return SEGMENTS[key]


def _nominee(entry: Nomination, finalist: Finalist | None) -> Recipient:
    """An entry's nominee as a recipient, with the reason when they cannot be written to."""
    if entry.consent is ConsentState.DECLINED:
        reason = DECLINED
    elif entry.consent is not ConsentState.GIVEN:
        reason = NO_CONSENT
    else:
        reason = "" if entry.nominee_email else NO_ADDRESS
    return Recipient(
        f"nominee-{entry.id}", NOMINEE, entry.nominee_name, entry.nominee_email if not reason else None,
        nomination=entry, finalist=finalist, category=entry.category, not_sent_reason=reason,
    )


def _nominator(entry: Nomination, finalist: Finalist | None) -> Recipient:
    """An entry's nominator as a recipient; about a finalist whose nominee declined, they are not written to (the
    finalist has left the shortlist's public pages, so news of it would be wrong)."""
    if finalist is not None and entry.consent is ConsentState.DECLINED:
        reason = NOMINEE_DECLINED
    else:
        reason = "" if entry.nominator_email else NO_ADDRESS
    return Recipient(
        f"nominator-{entry.id}", NOMINATOR, entry.nominator_name, entry.nominator_email if not reason else None,
        nomination=entry, finalist=finalist, category=entry.category, not_sent_reason=reason,
    )


def _judges(category: Category) -> list[Recipient]:
    """The judges on the category's panel who have not been removed from it."""
    places = db.session.scalars(
        select(PanelMember)
        .where(PanelMember.category_id == category.id, PanelMember.status != PanelStatus.REMOVED)
        .order_by(PanelMember.id)
    )
    return [
        Recipient(f"judge-{place.judge.id}", JUDGE, place.judge.name or place.judge.email,
                  place.judge.email if place.judge.active else None, judge=place.judge, category=category,
                  not_sent_reason="" if place.judge.active else ACCOUNT_OFF)
        for place in places
    ]


def recipients(edition: Edition, segment_key: str, category: Category | None) -> list[Recipient]:
    """Everyone in the segment, once per address (with all their entries), those who cannot be written to included."""
    segment = segment_of(segment_key)
    if category is not None and category.edition_id != edition.id:
        raise DomainError("Choose a category of this edition", field="category")
    if segment.needs_category and category is None:
        raise DomainError(f"Choose the category for “{segment.label}”", field="category")
    if segment.role == JUDGE:
        people = _judges(category)
    else:
        make = _nominee if segment.role == NOMINEE else _nominator
        people = [make(entry, finalist) for entry, finalist in segment.entries(edition, category)]
    place_of_address: dict[str, int] = {}
    unique: list[Recipient] = []
    for person in people:
        address = (person.email or "").strip().lower()
        if address in place_of_address:
            first = unique[place_of_address[address]]
            more = (*first.more_entries, (person.nomination, person.finalist))
            unique[place_of_address[address]] = replace(first, more_entries=more)
            continue
        if address:
            place_of_address[address] = len(unique)
        unique.append(person)
    return unique
