"""The organisers' changes to the site settings: the words and the contact, and the logo (checked as finalists' images
are, and stored as they are: in the database, under a generated name)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from email_validator import validate_email
from sqlalchemy import select

from awards_app.accounts.models import User
from awards_app.accounts.users import normalise_email
from awards_app.core import clock
from awards_app.core.audit import record_event
from awards_app.core.columns import EMAIL_LENGTH
from awards_app.core.errors import DomainError
from awards_app.core.stored_files import delete_stored_file
from awards_app.extensions import db
from awards_app.nominations.drafts import clean_text, looks_like_phone
from awards_app.permissions import is_organiser
from awards_app.publication.images import ImageKind, check_image
from awards_app.publication.public_shortlist import StoredImage, load_image, store_image
from awards_app.site_settings import current
from awards_app.site_settings.models import (
    ADDRESS_MAX,
    KNOWN_PROBLEMS_MAX,
    LOGO_ALT_MAX,
    ORGANISATION_NAME_MAX,
    PHONE_MAX,
    SiteSettings,
)
from awards_app.site_settings.statement import DEFAULT_KNOWN_PROBLEMS

LOGO_ALT_MISSING = "Enter a short description of the logo, such as the organisation's name as the logo writes it"


class SettingsInvalid(DomainError):
    """One or more settings were refused: `fields` holds each field's message (show_refusal reads it)."""

    def __init__(self, fields: dict[str, str]):
        super().__init__(next(iter(fields.values())), field=next(iter(fields)))
        self.fields = fields


@dataclass(frozen=True)
class SettingsChange:
    """What an organiser typed into the settings page (text as sent; the operation cleans and checks it)."""

    organisation_name: str = ""
    contact_email: str = ""
    contact_phone: str = ""
    contact_address: str = ""
    logo_alt: str = ""
    known_problems: str = ""
    statement_reviewed_on: date | None = None


def settings_row() -> SiteSettings:
    """The settings row, made with its defaults if the migration's row is missing."""
    row = db.session.scalar(select(SiteSettings).where(SiteSettings.id == 1))
    if row is None:
        row = SiteSettings(id=1)
        db.session.add(row)
        db.session.flush()
    return row


def _checked(change: SettingsChange, has_logo: bool) -> dict:
    """The change cleaned, or SettingsInvalid naming every field that is wrong."""
    problems: dict[str, str] = {}

    def text(field: str, label: str, limit: int, *, required: bool = False, multiline: bool = False) -> str:
        value = clean_text(getattr(change, field), multiline=multiline)
        if multiline:  # spaces at the ends of lines and empty lines at the end mean nothing
            value = "\n".join(line.rstrip() for line in value.splitlines()).strip()
        if required and not value:
            problems[field] = f"Enter {label}"
        elif len(value) > limit:
            problems[field] = f"{label[0].upper()}{label[1:]} must be {limit:,} characters or fewer"
        return value

    clean = {
        "organisation_name": text("organisation_name", "the name of the organisation", ORGANISATION_NAME_MAX,
                                  required=True),
        "contact_email": text("contact_email", "the email address", EMAIL_LENGTH),
        "contact_phone": text("contact_phone", "the telephone number", PHONE_MAX),
        "contact_address": text("contact_address", "the postal address", ADDRESS_MAX, multiline=True),
        "logo_alt": text("logo_alt", "the description of the logo", LOGO_ALT_MAX),
        "known_problems": text("known_problems", "what is known not to work", KNOWN_PROBLEMS_MAX, multiline=True),
        "statement_reviewed_on": change.statement_reviewed_on,
    }
    if clean["known_problems"] == DEFAULT_KNOWN_PROBLEMS:  # kept blank, so the statement's own wording can improve
        clean["known_problems"] = ""
    if clean["contact_email"] and "contact_email" not in problems:
        try:
            clean["contact_email"] = normalise_email(clean["contact_email"], field="contact_email")
        except DomainError:
            problems["contact_email"] = "Enter the email address in the correct format, like awards@example.org"
        else:
            # The address becomes every email's Reply-To, where only plain ASCII can be written: an accented domain
            # is kept in its ASCII (xn--) form; an accented name before the @ cannot be written there at all.
            ascii_form = validate_email(clean["contact_email"], check_deliverability=False).ascii_email
            if ascii_form is None:
                problems["contact_email"] = ("Enter an address without accents before the @, like awards@example.org: "
                                             "it is written into every email as the address replies go to")
            else:
                clean["contact_email"] = ascii_form.lower()
    if clean["contact_phone"] and "contact_phone" not in problems and not looks_like_phone(clean["contact_phone"]):
        problems["contact_phone"] = "Enter a telephone number, like 01632 960 001 or +44 808 157 0192"
    if has_logo and not clean["logo_alt"] and "logo_alt" not in problems:
        problems["logo_alt"] = LOGO_ALT_MISSING
    reviewed = clean["statement_reviewed_on"]
    if reviewed is not None and reviewed > clock.now().date():
        problems["statement_reviewed_on"] = "The date of the last review must be today or in the past"
    if problems:
        raise SettingsInvalid(problems)
    return clean


def update_site_settings(actor: User, change: SettingsChange) -> SiteSettings:
    """Save the site's words, contact and statement details (every field checked at once), and audit what changed."""
    is_organiser.require(actor)
    row = settings_row()
    clean = _checked(change, has_logo=row.logo_filename is not None)
    before = {name: _plain(getattr(row, name)) for name in clean}
    changed = {name: _plain(value) for name, value in clean.items() if _plain(getattr(row, name)) != _plain(value)}
    if not changed:
        return row
    for name, value in clean.items():
        setattr(row, name, value)
    _touch(row)
    record_event(actor, "site_settings.changed", row, before={k: before[k] for k in changed}, after=changed)
    return row


def _plain(value):
    """A value as the audit log keeps it."""
    return value.isoformat() if isinstance(value, date) else value


def _touch(row: SiteSettings) -> None:
    """Count the change (caches and entity tags follow the version) and make every process read the row again."""
    row.version = (row.version or 0) + 1
    row.updated_at = clock.now()
    db.session.flush()
    current.note_changed(db.session())


# --- The logo ------------------------------------------------------------------------------------------------------


def save_logo(actor: User, data: bytes, alt: str) -> ImageKind:
    """Check an uploaded logo by its content, with its description, and store it under a new random name."""
    is_organiser.require(actor)
    alt = clean_text(alt)
    if not alt:
        raise DomainError(LOGO_ALT_MISSING, field="alt")
    if len(alt) > LOGO_ALT_MAX:
        raise DomainError(f"The description of the logo must be {LOGO_ALT_MAX} characters or fewer", field="alt")
    image = check_image(data)
    name = store_image(image)
    row = settings_row()
    previous = row.logo_filename
    row.logo_filename, row.logo_alt = name, alt
    row.logo_width, row.logo_height = image.width, image.height
    _touch(row)
    record_event(actor, "site_settings.logo_saved", row, image=name, kind=image.kind.name, width=image.width,
                 height=image.height, bytes=len(image.data), alt=alt, replaced=previous)
    delete_stored_file(previous)
    return image.kind


def remove_logo(actor: User) -> None:
    """Take the logo down: the header and emails show the awards' name alone again."""
    is_organiser.require(actor)
    row = settings_row()
    if row.logo_filename is None:
        raise DomainError("There is no logo to remove.")
    previous = row.logo_filename
    row.logo_filename, row.logo_alt, row.logo_width, row.logo_height = None, "", 0, 0
    _touch(row)
    record_event(actor, "site_settings.logo_removed", row, image=previous)
    delete_stored_file(previous)


def stored_logo(name: str | None) -> StoredImage | None:
    """The logo stored under this name, only while it is the current logo (any other stored image is not a logo).

    The current logo's name is read from the database, not from this process's copy of the settings (current.py), so
    that a logo saved through another server is served here at once: its page there already shows its address."""
    if not name:
        return None
    if name != db.session.scalar(select(SiteSettings.logo_filename).where(SiteSettings.id == 1)):
        return None
    return load_image(name)
