"""The site settings as a test wants them: set_site(contact_email=...), and a logo to upload."""
from __future__ import annotations

from awards_app.extensions import db
from awards_app.site_settings import current
from awards_app.site_settings.changes import settings_row
from tests.factories.images import make_png

CONTACT_EMAIL = "awards.team@example.org"
CONTACT_PHONE = "01632 960 001"
# A saturated colour no page, email or card uses otherwise, so that tests can find the logo's pixels.
LOGO_COLOUR = (220, 20, 60)


def set_site(**values):
    """Change the settings row directly (no audit, no checks) and make every cached copy read it again."""
    row = settings_row()
    for name, value in values.items():
        setattr(row, name, value)
    row.version += 1
    db.session.flush()
    current.forget()
    return row


def logo_png(width: int = 200, height: int = 80) -> bytes:
    """A logo image: a PNG of one striking colour."""
    return make_png(width, height, rgb=LOGO_COLOUR)
