"""Which phase an edition is in, worked out from its dates and the clock."""
from __future__ import annotations

import enum
from datetime import datetime
from zoneinfo import ZoneInfo

from awards_app.core import clock
from awards_app.programme.models import Edition


class Phase(enum.Enum):
    """The phases of an edition, in order."""

    UPCOMING = "upcoming"
    NOMINATIONS = "nominations"
    JUDGING = "judging"
    SHORTLIST = "shortlist"
    VOTING = "voting"
    CEREMONY = "ceremony"
    ARCHIVE = "archive"

    @property
    def label(self) -> str:
        """The phase as a visitor would name it."""
        return _LABELS[self]


_LABELS = {
    Phase.UPCOMING: "Opening soon",
    Phase.NOMINATIONS: "Nominations open",
    Phase.JUDGING: "Judging",
    Phase.SHORTLIST: "Shortlist announced",
    Phase.VOTING: "Public vote open",
    Phase.CEREMONY: "Ceremony",
    Phase.ARCHIVE: "Winners announced",
}

# The date fields of an edition in the order the phases must follow.
PHASE_DATES = (
    ("nominations_open_at", "Nominations open"),
    ("nominations_close_at", "Nominations close"),
    ("judging_start_at", "Judging starts"),
    ("judging_end_at", "Judging ends"),
    ("shortlist_publish_at", "Shortlist published"),
    ("vote_open_at", "Public vote opens"),
    ("vote_close_at", "Public vote closes"),
    ("ceremony_at", "Ceremony"),
)


def phase_of(edition: Edition, at: datetime | None = None) -> Phase:
    """The phase the edition is in at a moment (now by default)."""
    at = at or clock.now()
    if at < edition.nominations_open_at:
        return Phase.UPCOMING
    if at < edition.nominations_close_at:
        return Phase.NOMINATIONS
    if at < edition.shortlist_publish_at:
        return Phase.JUDGING
    if at < edition.vote_open_at:
        return Phase.SHORTLIST
    if at < edition.vote_close_at:
        return Phase.VOTING
    # The ceremony phase lasts the day of the ceremony; after that the edition is history.
    ceremony_day_ends = edition.ceremony_at.astimezone(ZoneInfo(edition.timezone)).replace(hour=23, minute=59)
    if at <= ceremony_day_ends:
        return Phase.CEREMONY
    return Phase.ARCHIVE


def dates_out_of_order(values: dict) -> list[tuple[str, str]]:
    """The date fields that come before the one they must follow, with a message for each."""
    problems = []
    for (earlier, earlier_label), (later, later_label) in zip(PHASE_DATES, PHASE_DATES[1:]):
        if values.get(earlier) and values.get(later) and values[later] < values[earlier]:
            problems.append((later, f"{later_label} must be on or after {earlier_label.lower()}"))
    return problems
