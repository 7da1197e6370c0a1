"""Judging: panels, declared conflicts, scores, the shortlist of finalists and the final round."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from awards_app.accounts.models import User
from awards_app.core.columns import UTCDateTime, utcnow
from awards_app.extensions import db
from awards_app.nominations.models import Nomination
from awards_app.programme.models import Category, Criterion


class PanelStatus:
    """Where a judge stands on a panel: only an active judge's work counts; a paused or removed judge's is kept."""

    ACTIVE = "active"
    PAUSED = "paused"  # sees their pages read-only
    REMOVED = "removed"  # no longer sees the category
    ALL = (ACTIVE, PAUSED, REMOVED)


class PanelRole:
    """What a judge does on a panel: everything, the final round only, or nothing (added after the shortlist)."""

    FULL = "full"
    FINAL_ONLY = "final_only"
    NONE = "none"
    ALL = (FULL, FINAL_ONLY, NONE)
    LABELS = {FULL: "Scores the entries", FINAL_ONLY: "Final round only", NONE: "Nothing this year"}


class PanelMember(db.Model):
    """A judge on the panel of one category; submitted_at locks their scores there."""

    __tablename__ = "panel_member"
    __table_args__ = (UniqueConstraint("judge_id", "category_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    judge_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("category.id", ondelete="CASCADE"), index=True)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    conflicts_declared_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    final_submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    status: Mapped[str] = mapped_column(String(10), default=PanelStatus.ACTIVE, server_default=PanelStatus.ACTIVE)
    role: Mapped[str] = mapped_column(String(12), default=PanelRole.FULL, server_default=PanelRole.FULL)
    # Who last paused, removed, resumed or restored the judge, and when: the pages say so beside the kept work.
    status_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    status_changed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), nullable=True
    )

    judge: Mapped[User] = relationship(foreign_keys=[judge_id])
    category: Mapped[Category] = relationship()
    status_changed_by: Mapped[User | None] = relationship(foreign_keys=[status_changed_by_id])

    @property
    def is_active(self) -> bool:
        """Whether the judge is on the panel now (not paused or removed)."""
        return self.status == PanelStatus.ACTIVE

    @property
    def is_paused(self) -> bool:
        """Whether an organiser paused the judge: their pages are read-only and their work not counted."""
        return self.status == PanelStatus.PAUSED

    @property
    def scores_entries(self) -> bool:
        """Whether the judge's role is to score the entries (not only the final round, not nothing)."""
        return self.role == PanelRole.FULL

    @property
    def ranks_finalists(self) -> bool:
        """Whether the judge's role includes the final round."""
        return self.role in (PanelRole.FULL, PanelRole.FINAL_ONLY)


class Conflict(db.Model):
    """A judge's conflict of interest with a nomination, declared by the judge or recused by an organiser."""

    __tablename__ = "conflict"
    __table_args__ = (UniqueConstraint("judge_id", "nomination_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    judge_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    nomination_id: Mapped[int] = mapped_column(ForeignKey("nomination.id", ondelete="CASCADE"), index=True)
    reason: Mapped[str] = mapped_column(Text)
    # "declared" by the judge, "recused" by an organiser, or "abstained" (the judge chose not to score it).
    kind: Mapped[str] = mapped_column(String(20), default="declared", server_default="declared")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    judge: Mapped[User] = relationship(foreign_keys=[judge_id])
    nomination: Mapped[Nomination] = relationship()


class Score(db.Model):
    """One judge's score of one nomination on one criterion; the unique key makes double autosaves harmless."""

    __tablename__ = "score"
    __table_args__ = (UniqueConstraint("judge_id", "nomination_id", "criterion_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    judge_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    nomination_id: Mapped[int] = mapped_column(ForeignKey("nomination.id", ondelete="CASCADE"), index=True)
    criterion_id: Mapped[int] = mapped_column(ForeignKey("criterion.id", ondelete="CASCADE"), index=True)
    value: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    criterion: Mapped[Criterion] = relationship()


class ScoreComment(db.Model):
    """A judge's optional comment on a nomination they scored."""

    __tablename__ = "score_comment"
    __table_args__ = (UniqueConstraint("judge_id", "nomination_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    judge_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    nomination_id: Mapped[int] = mapped_column(ForeignKey("nomination.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class Finalist(db.Model):
    """A nomination on a category's shortlist, with the reason for any departure from the ranking."""

    __tablename__ = "finalist"
    __table_args__ = (UniqueConstraint("category_id", "nomination_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("category.id", ondelete="CASCADE"), index=True)
    nomination_id: Mapped[int] = mapped_column(ForeignKey("nomination.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    change_reason: Mapped[str] = mapped_column(Text, default="")
    chosen_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    chosen_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    public_name: Mapped[str] = mapped_column(String(200), default="")
    # The optional image on the public shortlist, stored under a generated name after its content was checked.
    image_filename: Mapped[str | None] = mapped_column(String(100), nullable=True)

    category: Mapped[Category] = relationship()
    nomination: Mapped[Nomination] = relationship()

    @property
    def display_name(self) -> str:
        """The finalist's name wherever it is shown (public pages, the ballot, results, the organisers' pages): its
        public name, or the nominee's name until one is written. Judges see entries through
        judging.judge_access.shown_name instead, which hides names under blind judging."""
        return self.public_name or self.nomination.nominee_name


class FinalRank(db.Model):
    """A judge's rank of a finalist in the final round (1 is best), combined by Borda count."""

    __tablename__ = "final_rank"
    __table_args__ = (UniqueConstraint("judge_id", "finalist_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    judge_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    finalist_id: Mapped[int] = mapped_column(ForeignKey("finalist.id", ondelete="CASCADE"), index=True)
    rank: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class FeedbackSetting(db.Model):
    """Whether an edition passes judges' comments on to nominees as anonymised feedback after the ceremony."""

    __tablename__ = "feedback_setting"

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(ForeignKey("edition.id", ondelete="CASCADE"), unique=True)
    enabled: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class FeedbackPick(db.Model):
    """A judge's comment an organiser picked to pass on, as the text to send (edited to remove anything identifying;
    the judge's own words stay on their ScoreComment); sent_at is set when it went out, and then nothing changes it."""

    __tablename__ = "feedback_pick"

    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("score_comment.id", ondelete="CASCADE"), unique=True)
    nomination_id: Mapped[int] = mapped_column(ForeignKey("nomination.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)
    picked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    picked_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class AssignmentPlan(db.Model):
    """A category judged by assignment: how many judges each entry needs and the most entries one judge scores.

    Without a plan every judge on the panel scores every entry; with one, each judge sees only their assigned entries.
    """

    __tablename__ = "assignment_plan"

    id: Mapped[int] = mapped_column(primary_key=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("category.id", ondelete="CASCADE"), unique=True)
    judges_per_entry: Mapped[int] = mapped_column(Integer)
    most_entries_per_judge: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    category: Mapped[Category] = relationship()


class JudgeAssignment(db.Model):
    """One judge assigned to score one entry; `how` is "auto" (the assignment run) or "hand" (an organiser)."""

    __tablename__ = "judge_assignment"
    __table_args__ = (UniqueConstraint("judge_id", "nomination_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    judge_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    nomination_id: Mapped[int] = mapped_column(ForeignKey("nomination.id", ondelete="CASCADE"), index=True)
    how: Mapped[str] = mapped_column(String(10), default="auto")
    assigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
