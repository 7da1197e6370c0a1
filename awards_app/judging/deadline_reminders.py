"""The judging deadline: what judges are told about it on every page, and the reminders that go out by themselves
before it (JUDGING_REMINDER_DAYS, three days and one day by default) to judges with work left.

The send-mail worker calls queue_due_reminders on every round. Each reminder round (an edition, its deadline, a
milestone) is claimed by inserting its row (JudgingReminderRound, unique per edition, deadline and milestone) in the
transaction that queues the emails: a second worker's insert waits for the first's commit and then finds the row, so
a round goes out once however many workers run. Organisers' reminder button (progress.send_reminders) is separate.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from awards_app.accounts.models import User
from awards_app.core import clock
from awards_app.extensions import db
from awards_app.judging import progress
from awards_app.judging.judge_access import panels_of
from awards_app.programme.models import Edition, JudgingReminderRound
from awards_app.web.template_helpers import format_datetime, local_time


# --- The deadline as judges see it -------------------------------------------------------------------------------


@dataclass(frozen=True)
class JudgingDeadline:
    """An edition's judging deadline as a judge on one of its panels reads it."""

    edition: Edition
    passed: bool
    text: str  # "Scores are due by 5pm on Friday 12 June 2026 (in 3 days)."


def _days_words(due_at: datetime, now: datetime, timezone: str) -> str:
    """'today', 'tomorrow', 'in 3 days', 'yesterday', '2 days ago', by calendar days in the edition's timezone."""
    days = (local_time(due_at, timezone).date() - local_time(now, timezone).date()).days
    if days == 0:
        return "today" if due_at > now else "earlier today"
    if days == 1:
        return "tomorrow"
    if days == -1:
        return "yesterday"
    return f"in {days} days" if days > 0 else f"{-days} days ago"


def deadline_of(edition: Edition, now: datetime) -> JudgingDeadline:
    """The edition's judging deadline in words, in its timezone; after it, saying plainly that it has passed."""
    due = format_datetime(edition.judging_end_at, edition.timezone)
    when = _days_words(edition.judging_end_at, now, edition.timezone)
    if edition.judging_end_at > now:
        return JudgingDeadline(edition, False, f"Scores are due by {due} ({when}).")
    return JudgingDeadline(
        edition, True,
        f"The deadline for scores has passed: it was {due} ({when}). "
        "If you have not finished, please finish as soon as you can and tell the awards team.",
    )


def deadlines_for(judge: User, now: datetime | None = None) -> list[JudgingDeadline]:
    """The judging deadlines of the editions the judge is on a panel of, while their shortlists are not published
    (afterwards only the final round is left, which has no such deadline)."""
    now = now or clock.now()
    editions = list(dict.fromkeys(place.category.edition for place in panels_of(judge)))
    return [deadline_of(edition, now) for edition in editions if edition.shortlist_published_at is None]


# --- Automatic reminders -----------------------------------------------------------------------------------------


def reminder_days() -> list[int]:
    """The milestones, in days before the deadline, from the furthest to the nearest (JUDGING_REMINDER_DAYS)."""
    return sorted(set(current_app.config["JUDGING_REMINDER_DAYS"]), reverse=True)


def due_milestone(edition: Edition, now: datetime) -> int | None:
    """The milestone due now (the nearest to the deadline whose moment has come), or None: before the first, before
    judging starts, or once the deadline has passed. A milestone the worker missed is not sent late once a nearer one
    is due: judges get the latest reminder only."""
    if not edition.judging_start_at <= now < edition.judging_end_at:
        return None
    passed = [days for days in reminder_days() if now >= edition.judging_end_at - timedelta(days=days)]
    return min(passed) if passed else None


def queue_due_reminders(now: datetime | None = None) -> int:
    """Queue the reminder rounds that are due in every edition, each once (the caller commits); answers how many
    reminder emails were queued."""
    now = now or clock.now()
    days = reminder_days()
    if not days:
        return 0
    editions = db.session.scalars(
        select(Edition).where(
            Edition.judging_start_at <= now,
            Edition.judging_end_at > now,
            Edition.judging_end_at <= now + timedelta(days=max(days)),
            Edition.shortlist_published_at.is_(None),
        )
    ).all()
    queued = 0
    for edition in editions:
        milestone = due_milestone(edition, now)
        if milestone is None or _round_exists(edition, milestone):
            continue
        if claimed := _claim_round(edition, milestone, now):
            queued += _remind(edition, claimed, now)
    return queued


def _round_exists(edition: Edition, days_before: int) -> bool:
    """Whether the round was already sent (a cheap read, so that each poll of the worker does not write)."""
    return db.session.scalar(
        select(JudgingReminderRound.id).where(
            JudgingReminderRound.edition_id == edition.id,
            JudgingReminderRound.judging_end_at == edition.judging_end_at,
            JudgingReminderRound.days_before == days_before,
        )
    ) is not None


def _claim_round(edition: Edition, days_before: int, now: datetime) -> JudgingReminderRound | None:
    """Insert the round's row unless another worker has: the row when this transaction claimed it, else None. (On
    PostgreSQL a second insert waits for the first transaction, then fails on the unique constraint; the savepoint
    keeps the rest of the transaction usable.)"""
    claimed = JudgingReminderRound(
        edition_id=edition.id, judging_end_at=edition.judging_end_at, days_before=days_before, sent_at=now, judges=0
    )
    try:
        with db.session.begin_nested():
            db.session.add(claimed)
            db.session.flush()
    except IntegrityError:
        return None
    return claimed


def _remind(edition: Edition, claimed: JudgingReminderRound, now: datetime) -> int:
    """Email each judge with work left in the edition, unless reminded within the hour; note how many on the round."""
    days_before = claimed.days_before
    subject = f"{_days_left(days_before)} to finish your judging for the {edition.name}"
    reminded = 0
    for judge, tasks in progress.work_by_judge(list(edition.categories)).values():
        if progress.reminded_too_soon(judge, now):
            continue  # an organiser's reminder has just gone
        progress.queue_reminder(None, judge, edition, tasks, subject, automatic=True, days_before=days_before)
        reminded += 1
    claimed.judges = reminded
    db.session.flush()
    return reminded


def _days_left(days: int) -> str:
    """'1 day left', '3 days left'."""
    return f"{days} day{'' if days == 1 else 's'} left"


# --- What organisers see -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScheduledRound:
    """One automatic reminder round of an edition: when it is due, and when it went and to how many judges."""

    days_before: int
    due_at: datetime
    sent_at: datetime | None
    judges: int | None
    skipped: bool  # its moment passed without it (a nearer milestone or the deadline came first)


def reminder_schedule(edition: Edition, now: datetime | None = None) -> list[ScheduledRound]:
    """The edition's automatic reminder rounds for its deadline as it stands, furthest first."""
    now = now or clock.now()
    sent = {
        row.days_before: row
        for row in db.session.scalars(
            select(JudgingReminderRound).where(
                JudgingReminderRound.edition_id == edition.id,
                JudgingReminderRound.judging_end_at == edition.judging_end_at,
            )
        )
    }
    rounds = []
    for days in reminder_days():
        due_at = edition.judging_end_at - timedelta(days=days)
        row = sent.get(days)
        rounds.append(ScheduledRound(
            days_before=days,
            due_at=max(due_at, edition.judging_start_at),
            sent_at=row.sent_at if row else None,
            judges=row.judges if row else None,
            skipped=row is None and due_milestone(edition, now) != days and due_at <= now,
        ))
    return rounds
