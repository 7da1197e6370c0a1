"""Publishing the shortlist: the moment it becomes public, how each finalist is presented, and their images.

Nothing of the shortlist is public before Edition.shortlist_published_at (set by publish_shortlist, now or at a set
time): public_shortlist() and public_image() answer None until then, and every public page and image goes through
them. Only nominees who gave consent are ever published: publishing is refused while any finalist lacks it (naming
each one), and a finalist whose consent was withdrawn later is left out of the public pages.

Finalists are listed in alphabetical order on public pages: their position is the judges' ranking, which stays sealed.
"""
from __future__ import annotations

import os
import re
import secrets
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from flask import current_app
from sqlalchemy import case, func, select

from awards_app.accounts.models import User
from awards_app.core import clock
from awards_app.core.audit import record_event
from awards_app.core.errors import DomainError
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


def image_folder() -> Path:
    """Where finalists' images are kept: inside the instance folder, never under static/."""
    configured = current_app.config.get("SHORTLIST_IMAGE_FOLDER")
    return Path(configured) if configured else Path(current_app.instance_path) / "uploads" / "finalists"


def write_image(folder: Path, image: CheckedImage) -> str:
    """Store a checked image in the folder under a new random name (IMAGE_NAME's shape); answer that name."""
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{secrets.token_hex(16)}.{image.kind.extension}"
    # Write beside the final name, then rename: a reader never sees half a file.
    partial = folder / f".{name}.part"
    partial.write_bytes(image.data)
    os.replace(partial, folder / name)
    return name


def save_finalist_image(actor: User, finalist: Finalist, data: bytes) -> ImageKind:
    """Check an uploaded image by its content and store it under a new random name (fixed once the vote opens)."""
    is_organiser.require(actor)
    ensure_not_locked(finalist.category, "how its finalists are presented")
    image = check_image(data)
    name = write_image(image_folder(), image)
    previous = finalist.image_filename
    finalist.image_filename = name
    db.session.flush()
    record_event(
        actor, "finalist.image_saved", finalist,
        image=name, kind=image.kind.name, width=image.width, height=image.height, bytes=len(image.data),
        replaced=previous,
    )
    _delete_file(previous)
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
    _delete_file(previous)


def _delete_file(name: str | None) -> None:
    """Remove a stored image file, if it is there."""
    if name and IMAGE_NAME.fullmatch(name):
        (image_folder() / name).unlink(missing_ok=True)


@dataclass(frozen=True)
class StoredImage:
    """An image file to serve: where it is and the kind its content was checked to be."""

    path: Path
    kind: ImageKind
    name: str


def stored_image(finalist: Finalist) -> StoredImage | None:
    """The finalist's image file, if it has one and the file is there."""
    name = finalist.image_filename
    if not name or not IMAGE_NAME.fullmatch(name):
        return None
    path = image_folder() / name
    if not path.is_file():
        return None
    return StoredImage(path, KINDS_BY_EXTENSION[name.rsplit(".", 1)[1]], name)


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
