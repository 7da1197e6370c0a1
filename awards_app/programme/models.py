"""The programme: an edition (one year's awards), its categories, their questions, and the judging criteria."""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Enum,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from awards_app.core.columns import UTCDateTime, utcnow
from awards_app.extensions import db


# How many finalists a category's shortlist suggests unless the organisers set another number (1 to 10).
SHORTLIST_SIZE_BY_DEFAULT = 3


class NomineeKind(enum.Enum):
    """What kind of nominee a category is for."""

    PERSON = "person"
    ORGANISATION = "organisation"
    PROJECT = "project"
    IDEA = "idea"

    @property
    def label(self) -> str:
        """The kind in plain words."""
        return self.value.capitalize()


class Edition(db.Model):
    """One year's awards, with the dates of each phase (stored in UTC, shown in the edition's timezone)."""

    __tablename__ = "edition"

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer, unique=True)
    name: Mapped[str] = mapped_column(String(200))
    theme: Mapped[str] = mapped_column(String(300), default="")
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/London")
    nominations_open_at: Mapped[datetime] = mapped_column(UTCDateTime())
    nominations_close_at: Mapped[datetime] = mapped_column(UTCDateTime())
    judging_start_at: Mapped[datetime] = mapped_column(UTCDateTime())
    judging_end_at: Mapped[datetime] = mapped_column(UTCDateTime())
    shortlist_publish_at: Mapped[datetime] = mapped_column(UTCDateTime())
    vote_open_at: Mapped[datetime] = mapped_column(UTCDateTime())
    vote_close_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ceremony_at: Mapped[datetime] = mapped_column(UTCDateTime())
    venue: Mapped[str] = mapped_column(String(300), default="")
    # Blind judging of names: judges see a neutral label instead of the nominee's name where a category allows it.
    hide_nominee_names: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    # When the shortlist becomes public (now, or a moment the organiser sets); null until they publish it.
    shortlist_published_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    # How a tie for a place is settled when the results are confirmed (see ceremony/winners.py TIE_BREAKS).
    tie_break: Mapped[str] = mapped_column(String(20), default="first_round", server_default="first_round")
    # Goes up by one with every reveal, hide or change of running order: /results polls compare it (their ETag)
    # and answer 304 Not Modified without any other work while it stays the same.
    results_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # The category revealed last, which the presenter view follows (a plain id: no foreign key cycle).
    ceremony_focus_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # The past edition this one started as a copy of (programme/copying.py); null for one set up from nothing.
    copied_from_id: Mapped[int | None] = mapped_column(
        ForeignKey("edition.id", ondelete="SET NULL"), nullable=True
    )
    # When an organiser announced the edition (programme.editions.announce_edition); null while it is a draft, which
    # no public page shows.
    announced_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    # On a draft: whether the home page may say the month its nominations are expected to open (and nothing else).
    expected_opening_shown: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    categories: Mapped[list[Category]] = relationship(
        back_populates="edition", order_by="Category.display_order, Category.id", cascade="all, delete-orphan"
    )
    copied_from: Mapped[Edition | None] = relationship(remote_side=[id], foreign_keys=[copied_from_id])
    # The edition's shared criteria only: a category with criteria of its own keeps them in Category.own_criteria.
    criteria: Mapped[list[Criterion]] = relationship(
        primaryjoin="and_(Edition.id == Criterion.edition_id, Criterion.category_id.is_(None))",
        order_by="Criterion.display_order, Criterion.id",
        cascade="all, delete-orphan",
        overlaps="edition",
    )

    @hybrid_property
    def is_public(self) -> bool:
        """Whether the public may see the edition at all: once announced (also a query condition: Edition.is_public)."""
        return self.announced_at is not None

    @is_public.inplace.expression
    @classmethod
    def _is_public_expression(cls):
        """The same rule in SQL."""
        return cls.announced_at.is_not(None)

    @property
    def is_draft(self) -> bool:
        """Whether the edition is still a draft: editable, and invisible to the public."""
        return not self.is_public

    def __repr__(self) -> str:
        return f"<Edition {self.year} {self.name!r}>"


class Category(db.Model):
    """An award within an edition."""

    __tablename__ = "category"
    __table_args__ = (
        UniqueConstraint("edition_id", "name"),
        CheckConstraint("shortlist_size BETWEEN 1 AND 10", name="shortlist_size_in_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(ForeignKey("edition.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    eligibility_notes: Mapped[str] = mapped_column(Text, default="")
    nominee_kind: Mapped[NomineeKind] = mapped_column(
        Enum(NomineeKind, name="nominee_kind", values_callable=lambda kinds: [k.value for k in kinds])
    )
    has_public_vote: Mapped[bool] = mapped_column(Boolean, default=False)
    display_order: Mapped[int] = mapped_column(Integer, default=0)
    names_can_be_hidden: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    # The shortlist decision: which ranking it followed and when (null until the organiser decides).
    shortlist_method: Mapped[str | None] = mapped_column(String(20), nullable=True)
    shortlisted_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    # How many finalists the organisers' shortlist page suggests (the top entries of the ranking).
    shortlist_size: Mapped[int] = mapped_column(Integer, default=SHORTLIST_SIZE_BY_DEFAULT, server_default="3")
    # The past edition's category this one was copied from: its panel is the list of judges to invite again.
    copied_from_id: Mapped[int | None] = mapped_column(
        ForeignKey("category.id", ondelete="SET NULL"), nullable=True
    )

    edition: Mapped[Edition] = relationship(back_populates="categories")
    questions: Mapped[list[Question]] = relationship(
        back_populates="category", order_by="Question.display_order, Question.id", cascade="all, delete-orphan"
    )
    # Criteria of the category's own, used instead of the edition's when there are any (programme.criteria).
    own_criteria: Mapped[list[Criterion]] = relationship(
        back_populates="category", order_by="Criterion.display_order, Criterion.id", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<Category {self.name!r}>"


class Question(db.Model):
    """A question a nomination in a category answers, with its word limit."""

    __tablename__ = "question"
    __table_args__ = (CheckConstraint("word_limit > 0", name="word_limit_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("category.id", ondelete="CASCADE"), index=True)
    prompt: Mapped[str] = mapped_column(String(500))
    hint: Mapped[str] = mapped_column(Text, default="")
    word_limit: Mapped[int] = mapped_column(Integer, default=300)
    required: Mapped[bool] = mapped_column(Boolean, default=True)
    display_order: Mapped[int] = mapped_column(Integer, default=0)

    category: Mapped[Category] = relationship(back_populates="questions")


class Criterion(db.Model):
    """A judging criterion: the edition's shared one (no category) or one category's own; its weight, the scale judges
    score on and guidance on what the scores mean."""

    __tablename__ = "criterion"
    __table_args__ = (
        # Names are unique among the edition's shared criteria, and among each category's own.
        Index(
            "uq_criterion_shared_name", "edition_id", "name", unique=True,
            sqlite_where=text("category_id IS NULL"), postgresql_where=text("category_id IS NULL"),
        ),
        UniqueConstraint("category_id", "name"),
        CheckConstraint("weight > 0", name="weight_positive"),
        CheckConstraint("scale_max > scale_min", name="scale_ordered"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(ForeignKey("edition.id", ondelete="CASCADE"), index=True)
    category_id: Mapped[int | None] = mapped_column(
        ForeignKey("category.id", ondelete="CASCADE"), index=True, nullable=True
    )
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    # What each score means, for judges beside the field ("0-3: little evidence; 4-6: ...").
    guidance: Mapped[str] = mapped_column(Text, default="", server_default="")
    weight: Mapped[float] = mapped_column(Numeric(6, 2, asdecimal=False), default=1.0)
    scale_min: Mapped[int] = mapped_column(Integer, default=0)
    scale_max: Mapped[int] = mapped_column(Integer, default=10)
    display_order: Mapped[int] = mapped_column(Integer, default=0)

    edition: Mapped[Edition] = relationship(overlaps="criteria")
    category: Mapped[Category | None] = relationship(back_populates="own_criteria")


class JudgingReminderRound(db.Model):
    """One automatic reminder round before an edition's judging deadline (judging/deadline_reminders.py): the row is
    the claim, so two send-mail workers never both send it, and it tells organisers when it went and to how many."""

    __tablename__ = "judging_reminder_round"
    __table_args__ = (UniqueConstraint("edition_id", "judging_end_at", "days_before"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(ForeignKey("edition.id", ondelete="CASCADE"))
    # The deadline the round was for: moving the deadline gives its milestones rounds of their own.
    judging_end_at: Mapped[datetime] = mapped_column(UTCDateTime())
    days_before: Mapped[int] = mapped_column(Integer)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime())
    judges: Mapped[int] = mapped_column(Integer)  # how many judges were reminded
