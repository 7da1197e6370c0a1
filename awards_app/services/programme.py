"""The programme of editions and their categories, questions and criteria."""
from __future__ import annotations

from sqlalchemy import select

from awards_app.extensions import db
from awards_app.models import Edition
from awards_app.services import clock


def list_editions() -> list[Edition]:
    """Every edition, newest first."""
    return list(db.session.scalars(select(Edition).order_by(Edition.year.desc())))


def current_edition() -> Edition | None:
    """The edition the public sees now: the newest that has opened, or else the next one coming."""
    now = clock.now()
    opened = db.session.scalar(
        select(Edition).where(Edition.nominations_open_at <= now).order_by(Edition.nominations_open_at.desc()).limit(1)
    )
    upcoming = db.session.scalar(
        select(Edition).where(Edition.nominations_open_at > now).order_by(Edition.nominations_open_at).limit(1)
    )
    # A finished edition gives way to the next one as soon as that one is announced.
    from awards_app.services.phases import Phase, phase_of

    if opened is not None and (upcoming is None or phase_of(opened) is not Phase.ARCHIVE):
        return opened
    return upcoming or opened
