"""Publishing the shortlist: the moment it becomes public, how each finalist is presented, and their images.

Nothing of the shortlist is public before Edition.shortlist_published_at (set by publish_shortlist, now or at a set
time): public_shortlist() and public_image() answer None until then, and every public page and image goes through
them. Only nominees who gave consent are ever published: publishing is refused while any finalist lacks it (naming
each one), and a finalist whose consent was withdrawn later is left out of the public pages.

Finalists are listed in alphabetical order on public pages: their position is the judges' ranking, which stays sealed.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, func, select

from awards_app.accounts.models import User
from awards_app.core import clock
from awards_app.core.audit import record_event
from awards_app.core.errors import DomainError
from awards_app.core.stored_files import (
    delete_stored_file,
    is_stored,
    store_file,
    stored_file,
)
from awards_app.extensions import db
from awards_app.judging.models import Finalist
from awards_app.judging.shortlist import finalists_of
from awards_app.nominations.models import ConsentState, Nomination
from awards_app.permissions import is_organiser
from awards_app.programme.models import Category, Edition
from awards_app.publication.images import (
    KINDS_BY_EXTENSION,
    CheckedImage,
    ImageKind,
    check_image,
)
from awards_app.voting.contests import contests_of, ensure_not_locked
from awards_app.web.template_helpers import format_datetime

PUBLIC_NAME_MAX_LENGTH = 200
SUMMARY_MAX_LENGTH = 600
# Stored image names: 32 random hex digits and the extension of the kind the content was found to be.
IMAGE_NAME = re.compile(r"[0-9a-f]{32}\.(?:png|jpg|webp)")

CONSENT_MISSING = {
    ConsentState.NOT_REQUESTED: "not asked yet",
    ConsentState.REQUESTED: "asked, no answer yet",
    ConsentState.DECLINED: "declined",
}


class ShortlistNotReady(DomainError):
    """The shortlist cannot be published yet: `problems` lists each reason in plain words."""

    def __init__(self, problems: list[str]):
        super().__init__("The shortlist cannot be published yet. " + " ".join(problems))
        self.problems = problems


@dataclass
class PublicCategory:
    """A category as the public shortlist shows it: its finalists in alphabetical order."""

    category: Category
    finalists: list[Finalist]


# --- The moment ----------------------------------------------------------------------------------------------------


def shortlist_is_public(edition: Edition | None, at: datetime | None = None) -> bool:
    """Whether the edition's shortlist is public at this moment (now by default): never a draft's, whatever its dates.

    The public shortlist, finalists' pages, images and cards, the vote and the results all go through here."""
    if edition is None or not edition.is_public or edition.shortlist_published_at is None:
        return False
    return edition.shortlist_published_at <= (at or clock.now())


def announcement_moment(edition: Edition) -> datetime:
    """When the public is told the shortlist comes: the moment set when publishing, or else the planned date."""
    return edition.shortlist_published_at or edition.shortlist_publish_at


def shortlist_problems(edition: Edition) -> list[str]:
    """What stops the shortlist being published: categories without finalists, finalists without consent."""
    problems = []
    for category in edition.categories:
        finalists = finalists_of(category)
        if not finalists:
            problems.append(f"{category.name} has no finalists yet.")
            continue
        missing = [
            f"{finalist.display_name} ({CONSENT_MISSING[finalist.nomination.consent]})"
            for finalist in finalists
            if finalist.nomination.consent is not ConsentState.GIVEN
        ]
        if missing:
            problems.append(f"In {category.name}, consent is missing for {_in_words(missing)}.")
    if not edition.categories:
        problems.append("The edition has no categories.")
    return problems


def _in_words(items: list[str]) -> str:
    """'A', 'A and B', 'A, B and C'."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def publish_shortlist(actor: User, edition: Edition, at: datetime | None = None) -> datetime:
    """Make the shortlist public now (at=None) or at a set time; refused while any finalist lacks consent."""
    is_organiser.require(actor)
    now = clock.now()
    zone = edition.timezone
    if shortlist_is_public(edition, now):
        raise DomainError(
            f"The shortlist was announced at {format_datetime(edition.shortlist_published_at, zone)}: it is public "
            "already."
        )
    if at is not None:
        if at.tzinfo is None:
            raise ValueError("publish_shortlist needs an aware datetime")
        if at <= now:
            raise DomainError("The time must be in the future. To announce the shortlist straight away, publish it now",
                              field="publish_at")
        for contest in contests_of(edition):
            if contest.opens_at < at:
                raise DomainError(
                    f"The public vote in {contest.category.name} opens at "
                    f"{format_datetime(contest.opens_at, zone)}, before that time: announce the shortlist by then",
                    field="publish_at",
                )
    problems = shortlist_problems(edition)
    if problems:
        raise ShortlistNotReady(problems)
    moment = at or now
    edition.shortlist_published_at = moment
    db.session.flush()
    record_event(
        actor, "shortlist.published", edition,
        at=moment.isoformat(), scheduled=at is not None,
        finalists={category.name: [f.display_name for f in finalists_of(category)] for category in edition.categories},
    )
    return moment


def unpublish_shortlist(actor: User, edition: Edition) -> None:
    """Cancel a publication set for a later time; once the moment has passed the shortlist stays public."""
    is_organiser.require(actor)
    if edition.shortlist_published_at is None:
        raise DomainError("The shortlist has not been published, so there is nothing to cancel.")
    if shortlist_is_public(edition):
        raise DomainError(
            f"The shortlist was announced at {format_datetime(edition.shortlist_published_at, edition.timezone)} "
            "and is public: it cannot be taken back."
        )
    was = edition.shortlist_published_at
    edition.shortlist_published_at = None
    db.session.flush()
    record_event(actor, "shortlist.unpublished", edition, was_set_for=was.isoformat())


# --- What the public sees ---------------------------------------------------------------------------------------


def public_shortlist(edition: Edition | None, now: datetime | None = None) -> list[PublicCategory] | None:
    """The categories and their finalists for the public, or None before the moment the shortlist is published."""
    if not shortlist_is_public(edition, now):
        return None
    shown = []
    for category in edition.categories:
        finalists = [f for f in finalists_of(category) if f.nomination.consent is ConsentState.GIVEN]
        finalists.sort(key=lambda finalist: finalist.display_name.casefold())
        if finalists:
            shown.append(PublicCategory(category, finalists))
    return shown


# --- How each finalist is presented -----------------------------------------------------------------------------


def set_finalist_summary(actor: User, finalist: Finalist, public_name: str, summary: str) -> None:
    """Set the name and the short summary the public sees for a finalist (fixed once its public vote opens)."""
    is_organiser.require(actor)
    ensure_not_locked(finalist.category, "how its finalists are presented")
    public_name = " ".join((public_name or "").split())
    summary = "\n".join(line.rstrip() for line in (summary or "").strip().splitlines())
    if not public_name:
        raise DomainError("Enter the name the public sees", field="public_name")
    if len(public_name) > PUBLIC_NAME_MAX_LENGTH:
        raise DomainError(f"The name must be {PUBLIC_NAME_MAX_LENGTH} characters or fewer", field="public_name")
    if not summary:
        raise DomainError("Enter a short summary for the public", field="summary")
    if len(summary) > SUMMARY_MAX_LENGTH:
        raise DomainError(f"The summary must be {SUMMARY_MAX_LENGTH} characters or fewer", field="summary")
    before = {"public_name": finalist.public_name, "summary": finalist.nomination.public_summary}
    finalist.public_name = public_name
    finalist.nomination.public_summary = summary
    db.session.flush()
    record_event(actor, "finalist.presented", finalist, before=before, public_name=public_name, summary=summary)


def store_image(image: CheckedImage) -> str:
    """Keep a checked image in the database (core.stored_files, which every server reads) under a new random name of
    IMAGE_NAME's shape; answer that name."""
    return store_file(image.data, image.kind.content_type, image.kind.extension)


def save_finalist_image(actor: User, finalist: Finalist, data: bytes) -> ImageKind:
    """Check an uploaded image by its content and store it under a new random name (fixed once the vote opens)."""
    is_organiser.require(actor)
    ensure_not_locked(finalist.category, "how its finalists are presented")
    image = check_image(data)
    name = store_image(image)
    previous = finalist.image_filename
    finalist.image_filename = name
    db.session.flush()
    record_event(
        actor, "finalist.image_saved", finalist,
        image=name, kind=image.kind.name, width=image.width, height=image.height, bytes=len(image.data),
        replaced=previous,
    )
    delete_stored_file(previous)
    return image.kind


def remove_finalist_image(actor: User, finalist: Finalist) -> None:
    """Take a finalist's image down (allowed at any time: a picture may have to come down during the vote)."""
    is_organiser.require(actor)
    if finalist.image_filename is None:
        raise DomainError(f"{finalist.display_name} has no image.")
    previous = finalist.image_filename
    finalist.image_filename = None
    db.session.flush()
    record_event(actor, "finalist.image_removed", finalist, image=previous)
    delete_stored_file(previous)


@dataclass(frozen=True)
class StoredImage:
    """An image to serve: its bytes, the kind its content was checked to be, its stored name and when it was stored."""

    data: bytes
    kind: ImageKind
    name: str
    stored_at: datetime


def load_image(name: str | None) -> StoredImage | None:
    """The image stored under this name, if the name is one we make and an image is stored under it."""
    if not name or not IMAGE_NAME.fullmatch(name):
        return None
    file = stored_file(name)
    if file is None:
        return None
    return StoredImage(file.data, KINDS_BY_EXTENSION[name.rsplit(".", 1)[1]], name, file.created_at)


def stored_image(finalist: Finalist) -> StoredImage | None:
    """The finalist's image, if it has one and it is stored."""
    return load_image(finalist.image_filename)


def has_stored_image(finalist: Finalist) -> bool:
    """Whether the finalist's image is stored (without reading it)."""
    name = finalist.image_filename
    return bool(name and IMAGE_NAME.fullmatch(name)) and is_stored(name)


def public_image(name: str, at: datetime | None = None) -> StoredImage | None:
    """The image with this stored name, only when its finalist is on a public shortlist (None otherwise)."""
    if not IMAGE_NAME.fullmatch(name or ""):
        return None
    finalist = db.session.scalar(select(Finalist).where(Finalist.image_filename == name))
    if finalist is None or finalist.nomination.consent is not ConsentState.GIVEN:
        return None
    if not shortlist_is_public(finalist.category.edition, at):
        return None
    return stored_image(finalist)


@dataclass(frozen=True)
class ShortlistCounts:
    """What the dashboard says about an edition's shortlist, counted in the database."""

    categories_without_finalists: int
    finalists: int
    without_consent: int  # finalists whose nominee has not given consent (so the shortlist cannot be published)
    without_image: int


def shortlist_counts(edition: Edition) -> ShortlistCounts:
    """Count the edition's finalists still lacking consent or an image, and its categories with no finalists."""
    finalists, without_consent, without_image = db.session.execute(
        select(
            func.count(Finalist.id),
            func.coalesce(func.sum(case((Nomination.consent != ConsentState.GIVEN, 1), else_=0)), 0),
            func.coalesce(func.sum(case((Finalist.image_filename.is_(None), 1), else_=0)), 0),
        )
        .join(Nomination, Finalist.nomination_id == Nomination.id)
        .join(Category, Finalist.category_id == Category.id)
        .where(Category.edition_id == edition.id)
    ).one()
    has_finalists = select(Finalist.id).where(Finalist.category_id == Category.id).exists()
    empty = db.session.scalar(
        select(func.count(Category.id)).where(Category.edition_id == edition.id, ~has_finalists)
    )
    return ShortlistCounts(empty or 0, finalists, int(without_consent), int(without_image))
