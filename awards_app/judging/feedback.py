"""Judges' comments for the organisers, and the optional anonymised feedback to nominees after the ceremony.

Judges write a comment beside their scores of an entry ("only the awards team sees it"). Organisers read them per entry
and per judge, beside the judge's scores; a comment from a judge with a conflict of interest on the entry, or who is no
longer on the panel, is shown marked as such, since those scores are kept but not counted.

Feedback to nominees is off unless an organiser switches it on for the edition. Organisers then tick the comments to
pass on, and may edit the text of each to remove anything that would identify the judge or anyone else (the judge's
own words stay on their ScoreComment). Once the category's result has been revealed, or the ceremony's time has passed,
an organiser sends it: one email per entry with picked comments, no judge named, sent once only (the picks are then
fixed and sending again is refused). Who gets it:

- a nominee who declined to be considered gets nothing, and neither does their nominator;
- a nominee who agreed to be considered gets it at the address the nomination holds for them;
- otherwise (consent never asked or never answered, or no address for the nominee) the nominator gets it: they gave
  their address with the nomination, and the nominee may never have heard from the awards.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from awards_app.accounts.models import User
from awards_app.ceremony.award_records import reveal_of
from awards_app.core import clock
from awards_app.core.audit import record_event
from awards_app.core.errors import DomainError
from awards_app.core.outbox import queue_email
from awards_app.extensions import db
from awards_app.judging.models import FeedbackPick, FeedbackSetting, Score, ScoreComment
from awards_app.judging.shortlist import CategoryRankings, category_rankings
from awards_app.nominations.models import ConsentState, Nomination
from awards_app.permissions import is_organiser
from awards_app.programme.models import Category, Edition
from awards_app.web.template_helpers import format_date

FEEDBACK_MAX_LENGTH = 2000
FEEDBACK_TEMPLATE = "judges_feedback"


# --- Reading the comments ----------------------------------------------------------------------------------------


@dataclass
class JudgeComment:
    """One judge's comment on one entry (possibly empty) beside their scores, and whether those scores count."""

    judge: User
    entry: Nomination
    comment: ScoreComment | None
    scores: dict[int, int]  # criterion id -> the value given
    weighted: float | None  # the judge's weighted score out of 10 when it counts in the rankings
    conflicted: bool
    on_panel: bool
    pick: FeedbackPick | None = None

    @property
    def text(self) -> str:
        """What the judge wrote ('' for no comment)."""
        return self.comment.text.strip() if self.comment is not None else ""

    @property
    def may_pass_on(self) -> bool:
        """Whether the comment may go to the nominee: never a conflicted judge's, nor one no longer on the panel (the
        comment most likely to give its judge away, from a judge whose scores do not even count)."""
        return bool(self.text) and not self.conflicted and self.on_panel

    @property
    def counted(self) -> bool:
        """Whether the judge's scores of the entry count in the rankings."""
        return self.weighted is not None

    @property
    def note(self) -> str:
        """Why the scores do not count, in plain words ('' when they do)."""
        if self.conflicted:
            return "Conflict of interest with this entry: these scores are not counted."
        if not self.on_panel:
            return "No longer judging this category: these scores are not counted."
        if self.counted:
            return ""
        if self.scores:
            return "Not every criterion is scored yet: these scores are not counted until they are."
        return "No scores given."


@dataclass
class CategoryComments:
    """Every judge's comment and scores on a category's entries, grouped per entry and per judge."""

    view: CategoryRankings
    rows: list[JudgeComment] = field(default_factory=list)

    def of_entry(self, entry_id: int) -> list[JudgeComment]:
        """The judges' comments on one entry, judges in panel order."""
        return [row for row in self.rows if row.entry.id == entry_id]

    def of_judge(self, judge_id: int) -> list[JudgeComment]:
        """One judge's comments across the category, entries in submission order."""
        return [row for row in self.rows if row.judge.id == judge_id]

    @property
    def judges(self) -> list[User]:
        """Everyone with a comment or a score here: the panel first, then anyone no longer on it."""
        found = {row.judge.id: row.judge for row in self.rows}
        return [*self.view.judges.values(), *(judge for judge_id, judge in found.items()
                                               if judge_id not in self.view.judges)]

    @property
    def commented(self) -> int:
        """How many comments there are."""
        return sum(1 for row in self.rows if row.text)


def category_comments(category: Category) -> CategoryComments:
    """Every comment and score of the category's judgeable entries, with whether each judge's scores count."""
    view = category_rankings(category)
    entry_ids = list(view.entries)
    comments = {
        (row.judge_id, row.nomination_id): row
        for row in db.session.scalars(select(ScoreComment).where(ScoreComment.nomination_id.in_(entry_ids)))
    }
    scores: dict[tuple[int, int], dict[int, int]] = {}
    for judge_id, entry_id, criterion_id, value in db.session.execute(
        select(Score.judge_id, Score.nomination_id, Score.criterion_id, Score.value)
        .where(Score.nomination_id.in_(entry_ids))
    ):
        scores.setdefault((judge_id, entry_id), {})[criterion_id] = value
    conflicts = view.conflicts
    picks = {
        pick.comment_id: pick
        for pick in db.session.scalars(select(FeedbackPick).where(FeedbackPick.nomination_id.in_(entry_ids)))
    }
    people = dict(view.judges)
    others = {judge_id for judge_id, _ in [*comments, *scores] if judge_id not in people}
    if others:
        people.update({user.id: user for user in db.session.scalars(
            select(User).where(User.id.in_(others)).order_by(User.name, User.email)
        )})
    weighted = {entry.entry_id: entry.judge_scores for entry in view.rankings.entries}
    rows = []
    for entry_id, entry in view.entries.items():
        for judge_id, judge in people.items():
            key = (judge_id, entry_id)
            comment = comments.get(key)
            if comment is None and key not in scores:
                continue
            rows.append(JudgeComment(
                judge=judge, entry=entry, comment=comment, scores=scores.get(key, {}),
                weighted=weighted.get(entry_id, {}).get(judge_id), conflicted=key in conflicts,
                on_panel=judge_id in view.judges, pick=picks.get(comment.id) if comment is not None else None,
            ))
    return CategoryComments(view, rows)


# --- The edition's setting ---------------------------------------------------------------------------------------


def feedback_setting(edition: Edition) -> FeedbackSetting | None:
    """The edition's feedback setting row, if anyone has set it."""
    return db.session.scalar(select(FeedbackSetting).where(FeedbackSetting.edition_id == edition.id))


def feedback_enabled(edition: Edition) -> bool:
    """Whether the edition passes judges' comments on to nominees."""
    setting = feedback_setting(edition)
    return setting is not None and setting.enabled


def set_feedback(actor: User, edition: Edition, enabled: bool) -> FeedbackSetting:
    """Switch feedback to nominees on or off for the edition (switching off keeps the picks; nothing sent is undone)."""
    is_organiser.require(actor)
    setting = feedback_setting(edition)
    if setting is None:
        setting = FeedbackSetting(edition_id=edition.id)
        db.session.add(setting)
    setting.enabled = bool(enabled)
    setting.changed_by_id = actor.id
    setting.changed_at = clock.now()
    db.session.flush()
    record_event(actor, "feedback.setting", edition, enabled=setting.enabled)
    return setting


# --- Picking and sending -----------------------------------------------------------------------------------------


def sent_at(category: Category):
    """When the category's feedback went out (None until it has)."""
    return db.session.scalar(
        select(FeedbackPick.sent_at)
        .join(Nomination, FeedbackPick.nomination_id == Nomination.id)
        .where(Nomination.category_id == category.id, FeedbackPick.sent_at.is_not(None))
        .order_by(FeedbackPick.sent_at)
        .limit(1)
    )


def _require_open(category: Category) -> None:
    """Refuse unless feedback is on for the edition and the category's feedback has not been sent."""
    if not feedback_enabled(category.edition):
        raise DomainError("Feedback to nominees is switched off for this edition. Switch it on first.")
    if (moment := sent_at(category)) is not None:
        raise DomainError(
            f"The feedback of {category.name} was sent on {format_date(moment, category.edition.timezone)}. "
            "It is sent only once, so it can no longer change and cannot be sent again."
        )


def save_picks(actor: User, category: Category, picked: dict[int, str]) -> list[FeedbackPick]:
    """Keep the comments ticked (comment id -> the text to send; blank sends the judge's words) and drop the rest."""
    is_organiser.require(actor)
    _require_open(category)
    comments = {row.comment.id: row for row in category_comments(category).rows if row.may_pass_on}
    for comment_id, text in picked.items():
        if comment_id not in comments:
            raise DomainError("Choose comments from the judges' comments on this category", field="picked")
        if len((text or "").strip()) > FEEDBACK_MAX_LENGTH:
            raise DomainError(
                f"The feedback to send must be {FEEDBACK_MAX_LENGTH:,} characters or fewer", field=f"text_{comment_id}"
            )
    now = clock.now()
    kept = []
    for comment_id, row in comments.items():
        if comment_id not in picked:
            if row.pick is not None:
                db.session.delete(row.pick)
            continue
        pick = row.pick or FeedbackPick(comment_id=comment_id, nomination_id=row.entry.id)
        if row.pick is None:
            db.session.add(pick)
        pick.text = (picked[comment_id] or "").strip() or row.text
        pick.picked_by_id = actor.id
        pick.picked_at = now
        kept.append(pick)
    db.session.flush()
    record_event(
        actor, "feedback.picked", category,
        comments=sorted(pick.comment_id for pick in kept),
        edited=sorted(pick.comment_id for pick in kept if pick.text != comments[pick.comment_id].text),
    )
    return kept


def feedback_recipient(entry: Nomination) -> tuple[str, str] | None:
    """Who gets an entry's feedback: ('nominee' or 'nominator', address), or None (see the module docstring)."""
    if entry.consent is ConsentState.DECLINED:
        return None
    if entry.consent is ConsentState.GIVEN and entry.nominee_email:
        return "nominee", entry.nominee_email
    if entry.nominator_email:
        return "nominator", entry.nominator_email
    return None


def ceremony_over(category: Category) -> bool:
    """Whether the category's result is out: revealed at the ceremony, or the ceremony's time has passed."""
    reveal = reveal_of(category)
    return (reveal is not None and reveal.revealed_at is not None) or category.edition.ceremony_at <= clock.now()


@dataclass
class SendOutcome:
    """What sending a category's feedback did: the entries emailed, and those nobody could be emailed about."""

    sent: list[Nomination]
    nobody: list[Nomination]


def send_feedback(actor: User, category: Category) -> SendOutcome:
    """Email each entry's picked comments, anonymised, to its nominee or nominator: once, after the ceremony."""
    is_organiser.require(actor)
    # Two sends at once (a double click without JavaScript, two organisers) queue one after the other here: the second
    # waits for the first to commit, then finds the feedback sent. SQLite takes writers one at a time anyway.
    db.session.execute(
        select(FeedbackSetting.id).where(FeedbackSetting.edition_id == category.edition_id).with_for_update()
    )
    _require_open(category)
    if not ceremony_over(category):
        raise DomainError(
            f"Feedback can be sent once the result of {category.name} has been revealed at the ceremony "
            f"({format_date(category.edition.ceremony_at, category.edition.timezone)}). Nothing has been sent."
        )
    comments = category_comments(category)
    by_entry: dict[int, list[FeedbackPick]] = {}
    for row in comments.rows:
        # A judge who declared a conflict or left the panel after their comment was picked: it stays unsent.
        if row.pick is not None and row.may_pass_on:
            by_entry.setdefault(row.entry.id, []).append(row.pick)
    if not by_entry:
        raise DomainError("No comments are ticked to pass on yet. Tick some, save, then send.")
    now = clock.now()
    outcome = SendOutcome(sent=[], nobody=[])
    for entry_id, picks in by_entry.items():
        entry = comments.view.entries[entry_id]
        recipient = feedback_recipient(entry)
        if recipient is None:
            outcome.nobody.append(entry)
        else:
            who, address = recipient
            queue_email(
                address, f"Feedback from the judges: {category.name}", FEEDBACK_TEMPLATE, from_public=False,
                edition=category.edition, category=category, entry=entry, to_nominator=who == "nominator",
                comments=[pick.text for pick in picks],
            )
            outcome.sent.append(entry)
        for pick in picks:
            pick.sent_at = now  # sent, or decided: either way never again
    db.session.flush()
    record_event(
        actor, "feedback.sent", category,
        sent=[entry.id for entry in outcome.sent], nobody=[entry.id for entry in outcome.nobody],
        comments=sum(len(picks) for picks in by_entry.values()),
    )
    return outcome
