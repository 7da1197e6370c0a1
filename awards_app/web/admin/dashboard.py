"""The organisers' dashboard: for one edition, what needs doing now (following its phase), each thing a link to the page
where it is done; the next dates; and what the public sees. /admin/ shows the dashboard of the edition being run,
with every edition and the organisers' other pages below it.

Every figure is counted in the database by the domain packages (a few grouped queries, never a row per entry).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import url_for

from awards_app.ceremony.winners import result_counts
from awards_app.core import clock
from awards_app.judging.progress import judging_counts
from awards_app.nominations.duplicates import count_duplicate_groups
from awards_app.nominations.models import ConsentState, NominationStatus
from awards_app.nominations.review import count_by_consent, count_by_status
from awards_app.programme import editions
from awards_app.programme.models import Edition
from awards_app.programme.phases import PHASE_DATES, Phase, phase_of
from awards_app.publication.public_shortlist import shortlist_counts, shortlist_is_public
from awards_app.voting.oversight import watch_contests
from awards_app.web.access import organiser_required
from awards_app.web.admin import bp
from awards_app.web.admin.shared import EDITION, edition_or_404, trail
from awards_app.web.htmx import render_page
from awards_app.web.signed_in import current_actor
from awards_app.web.template_helpers import format_datetime

NEXT_DATES_SHOWN = 3
# The phases in order, so that a block of to-dos can say from which phase to which it applies.
ORDER = list(Phase)
STATUS_WORDS = {
    NominationStatus.RECEIVED: "received, not yet reviewed",
    NominationStatus.ELIGIBLE: "eligible",
    NominationStatus.INELIGIBLE: "ineligible",
    NominationStatus.WITHDRAWN: "withdrawn",
}


@dataclass(frozen=True)
class ToDo:
    """One line of the dashboard: what stands, in words, and the page where it is dealt with."""

    text: str
    url: str
    needs_action: bool
    details: tuple[str, ...] = ()


@dataclass(frozen=True)
class NextDate:
    """A date of the edition still to come, with how far off it is in words."""

    label: str
    moment: datetime
    from_now: str


@dataclass
class Board:
    """What an edition's dashboard shows."""

    edition: Edition
    phase: Phase
    to_dos: list[ToDo] = field(default_factory=list)
    nominations: list[tuple[str, str]] = field(default_factory=list)  # (count in words, link to the filtered list)
    next_dates: list[NextDate] = field(default_factory=list)
    public_now: str = ""
    public_link: tuple[str, str] | None = None  # (link text, address)
    home_shows: Edition | None = None  # another edition, when the home page shows that one instead

    @property
    def to_do_count(self) -> int:
        """How many lines need action."""
        return sum(1 for to_do in self.to_dos if to_do.needs_action)


def counted(count: int, one: str, many: str | None = None) -> str:
    """'1 judge', '3 judges'."""
    return f"{count} {one if count == 1 else many or one + 's'}"


def from_now(moment: datetime, now: datetime, timezone: str) -> str:
    """How far off a moment is, by the edition's calendar: 'today', 'tomorrow', 'in 3 days', 'in 5 weeks'."""
    zone = ZoneInfo(timezone)
    days = (moment.astimezone(zone).date() - now.astimezone(zone).date()).days
    if days <= 0:
        hours = int((moment - now).total_seconds() // 3600)
        return "today, within the hour" if hours < 1 else f"today, in {counted(hours, 'hour')}"
    if days == 1:
        return "tomorrow"
    if days < 14:
        return f"in {days} days"
    if days < 9 * 7:
        return f"in {days // 7} weeks"
    return f"in {counted(round(days / 30.4), 'month')}"


def _between(phase: Phase, first: Phase, last: Phase) -> bool:
    """Whether the phase lies from `first` to `last`, both included."""
    return ORDER.index(first) <= ORDER.index(phase) <= ORDER.index(last)


def _to_do(count: int, needs: str, done: str, url: str) -> ToDo:
    """A line that needs action when the count is above zero (its words), else reads as done."""
    return ToDo(needs, url, True) if count else ToDo(done, url, False)


# --- What needs doing --------------------------------------------------------------------------------------------


def _draft_to_dos(edition: Edition) -> list[ToDo]:
    """A draft: what is missing before it can be announced, or that it is ready."""
    missing = editions.announcement_problems(edition)
    if missing:
        return [ToDo(
            f"{counted(len(missing), 'thing')} to finish before you can announce it",
            url_for(".show_edition", edition_id=edition.id, _anchor="announcement"), True, tuple(missing),
        )]
    return [ToDo("Nothing is missing: announce it when you are ready",
                 url_for(".announce_edition", edition_id=edition.id), True)]


def _nomination_to_dos(edition: Edition, phase: Phase, statuses: dict) -> list[ToDo]:
    """Nominations to review, consent awaited and possible duplicates, while nominations come in and are judged."""
    received = statuses[NominationStatus.RECEIVED]
    to_dos = [_to_do(
        received, f"{counted(received, 'nomination')} to review", "No nominations waiting for review",
        url_for(".nominations_list", edition_id=edition.id, status=NominationStatus.RECEIVED.value),
    )]
    if _between(phase, Phase.NOMINATIONS, Phase.JUDGING):
        awaited = count_by_consent(edition)[ConsentState.REQUESTED]
        to_dos.append(_to_do(
            awaited, f"{counted(awaited, 'nominee')} yet to answer the request for consent",
            "No nominee's consent awaited",
            url_for(".nominations_list", edition_id=edition.id, consent=ConsentState.REQUESTED.value),
        ))
        duplicates = count_duplicate_groups(edition)
        to_dos.append(_to_do(
            duplicates, f"{counted(duplicates, 'group')} of possible duplicates to look at", "No duplicates to look at",
            url_for(".nomination_duplicates", edition_id=edition.id),
        ))
    return to_dos


def _judging_to_dos(edition: Edition, phase: Phase) -> list[ToDo]:
    """Panels, judges not started or behind, entries short of scores; and the final round once there are finalists."""
    counts = judging_counts(edition)
    overview = url_for(".judging_overview", edition_id=edition.id)
    to_dos = []
    if _between(phase, Phase.UPCOMING, Phase.JUDGING):
        to_dos.append(_to_do(
            counts.categories_without_judges,
            f"{counted(counts.categories_without_judges, 'category', 'categories')} with no judges on the panel",
            "Every category has judges", url_for(".judges", edition_id=edition.id),
        ))
    if phase is Phase.JUDGING:
        to_dos += [
            _to_do(counts.judges_not_started, f"{counted(counts.judges_not_started, 'judge')} not started",
                   "Every judge has started scoring", overview),
            _to_do(counts.judges_behind, f"{counted(counts.judges_behind, 'judge')} behind with their scoring",
                   "No judge is behind", overview),
            _to_do(counts.entries_short, f"{counted(counts.entries_short, 'entry', 'entries')} short of scores",
                   "Every entry has all its scores", overview),
        ]
    # While judging, the final round shows only once a shortlist has given some judges finalists to rank.
    if _between(phase, Phase.JUDGING, Phase.CEREMONY) and (phase is not Phase.JUDGING or counts.final_ranks_awaited):
        to_dos.append(_to_do(
            counts.final_ranks_awaited,
            f"{counted(counts.final_ranks_awaited, 'judge')} yet to submit their final ranks",
            "Every judge has submitted their final ranks", overview,
        ))
    return to_dos


def _shortlist_to_dos(edition: Edition, phase: Phase) -> list[ToDo]:
    """Categories without finalists, finalists without consent or an image, and publishing the shortlist."""
    counts = shortlist_counts(edition)
    page = url_for(".shortlist_publication", edition_id=edition.id)
    if phase is Phase.JUDGING and not counts.finalists:
        return []  # nothing chosen yet: the judging lines say what stands
    to_dos = [
        _to_do(counts.categories_without_finalists,
               f"{counted(counts.categories_without_finalists, 'category', 'categories')} without finalists",
               "Every category has its finalists", url_for(".judging_overview", edition_id=edition.id)),
        _to_do(counts.without_consent, f"{counted(counts.without_consent, 'finalist')} without consent",
               "Every finalist has given consent", page),
        _to_do(counts.without_image, f"{counted(counts.without_image, 'finalist')} without an image",
               "Every finalist has an image", page),
    ]
    if edition.shortlist_published_at is None:
        to_dos.append(ToDo("The shortlist is not published yet", page, True))
    return to_dos


def _vote_to_dos(edition: Edition) -> list[ToDo]:
    """Each public vote: today's votes, and what its vote view flags to look at."""
    to_dos = []
    for watched in watch_contests(current_actor(), edition):
        name = watched.contest.category.name
        page = url_for(".contest_votes", contest_id=watched.contest.id)
        votes_today = f"{counted(watched.counted_today, 'vote')} today"
        to_dos.append(_to_do(
            watched.flags, f"{name}: {counted(watched.flags, 'flag')} to review ({votes_today})",
            f"{name}: nothing flagged ({votes_today})", page,
        ))
    return to_dos


def _result_to_dos(edition: Edition, phase: Phase) -> list[ToDo]:
    """Results not yet confirmed; on the night, how many have been revealed."""
    counts = result_counts(edition)
    page = url_for(".ceremony_control", edition_id=edition.id)
    to_dos = [_to_do(
        counts.not_confirmed,
        f"{counted(counts.not_confirmed, 'result')} not yet confirmed "
        f"({counts.not_recorded} with no winner recorded)",
        "Every result is confirmed", page,
    )]
    if phase is Phase.CEREMONY:
        left = counts.categories - counts.revealed
        to_dos.append(_to_do(left, f"{counted(left, 'result')} still to reveal", "Every result is revealed", page))
    return to_dos


def to_dos_of(edition: Edition, phase: Phase, statuses: dict) -> list[ToDo]:
    """What needs doing in the edition's phase, lines needing action first."""
    if edition.is_draft:
        return _draft_to_dos(edition)
    to_dos = []
    if phase is not Phase.UPCOMING:
        to_dos += _nomination_to_dos(edition, phase, statuses)
    to_dos += _judging_to_dos(edition, phase)
    if _between(phase, Phase.JUDGING, Phase.SHORTLIST):
        to_dos += _shortlist_to_dos(edition, phase)
    if _between(phase, Phase.VOTING, Phase.ARCHIVE):
        to_dos += _vote_to_dos(edition) + _result_to_dos(edition, phase)
    return sorted(to_dos, key=lambda to_do: not to_do.needs_action)  # a stable sort keeps each group's order


# --- Dates and the public ----------------------------------------------------------------------------------------


def next_dates(edition: Edition, now: datetime) -> list[NextDate]:
    """The edition's next few dates still to come."""
    coming = [(label, getattr(edition, name)) for name, label in PHASE_DATES if getattr(edition, name) > now]
    return [NextDate(label, moment, from_now(moment, now, edition.timezone)) for label, moment in coming][
        :NEXT_DATES_SHOWN
    ]


def public_view(edition: Edition, phase: Phase) -> tuple[str, tuple[str, str] | None]:
    """What the public sees of the edition right now, in a sentence, and the public page to check it on."""
    def when(moment: datetime) -> str:
        return format_datetime(moment, edition.timezone)

    home = ("See the home page", url_for("public.home"))
    if edition.is_draft:
        return "Nothing: it is a draft, so only the organisers can see it.", None
    if phase is Phase.UPCOMING:
        return f"That nominations open at {when(edition.nominations_open_at)}.", home
    if phase is Phase.NOMINATIONS:
        return f"The nomination form, open until {when(edition.nominations_close_at)}.", home
    if phase is Phase.JUDGING or (phase in (Phase.SHORTLIST, Phase.VOTING) and not shortlist_is_public(edition)):
        return (f"That nominations have closed and the shortlist is announced at "
                f"{when(edition.shortlist_published_at or edition.shortlist_publish_at)}."), home
    if phase is Phase.SHORTLIST:
        return (f"The shortlist; the public vote opens at {when(edition.vote_open_at)}.",
                ("See the shortlist", url_for("public.shortlist")))
    if phase is Phase.VOTING:
        return (f"The shortlist and the public vote, open until {when(edition.vote_close_at)}.",
                ("See the public vote", url_for("vote.start")))
    if phase is Phase.CEREMONY:
        return "The results, each as it is revealed at the ceremony.", ("See the results", url_for("public.results"))
    return "The winners, in the archive of past awards.", (
        "See the winners", url_for("public.edition", year=edition.year)
    )


def board_of(edition: Edition) -> Board:
    """Everything an edition's dashboard shows."""
    now = clock.now()
    phase = phase_of(edition, now)
    statuses = count_by_status(edition)
    board = Board(edition=edition, phase=phase, to_dos=to_dos_of(edition, phase, statuses),
                  next_dates=next_dates(edition, now))
    if not edition.is_draft and phase is not Phase.UPCOMING:
        board.nominations = [
            (f"{counted(count, 'nomination')} {STATUS_WORDS[status]}",
             url_for(".nominations_list", edition_id=edition.id, status=status.value))
            for status, count in statuses.items()
        ]
    board.public_now, board.public_link = public_view(edition, phase)
    shown = editions.current_edition()
    if edition.is_public and shown is not None and shown.id != edition.id:
        board.home_shows = shown
    return board


# --- The pages ---------------------------------------------------------------------------------------------------


@bp.get("/")
@organiser_required
def dashboard():
    """The dashboard of the edition being run, then every edition and the organisers' other pages."""
    every_edition = editions.list_editions()
    running = editions.edition_being_run(every_edition)
    return render_page(
        "admin/dashboard.html", editions=every_edition, phase_of=phase_of,
        board=board_of(running) if running is not None else None,
    )


@bp.get(EDITION + "/dashboard")
@organiser_required
def edition_dashboard(edition_id: int):
    """One edition's dashboard: what needs doing now, the next dates, and what the public sees."""
    edition = edition_or_404(edition_id)
    return render_page("admin/dashboard/edition.html", board=board_of(edition), trail=trail(edition))
