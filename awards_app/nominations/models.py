"""Nominations made by the public, and their answers to a category's questions."""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, Enum, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from awards_app.core.columns import EMAIL_LENGTH, UTCDateTime, utcnow
from awards_app.extensions import db
from awards_app.programme.models import Category, Edition, Question


def _values(enum_class):
    return [member.value for member in enum_class]


class NominationStatus(enum.Enum):
    """Where a nomination stands in the organisers' review."""

    RECEIVED = "received"
    ELIGIBLE = "eligible"
    INELIGIBLE = "ineligible"
    WITHDRAWN = "withdrawn"


class ConsentState(enum.Enum):
    """Whether the nominee agreed to be considered and, if shortlisted, named in public."""

    NOT_REQUESTED = "not_requested"
    REQUESTED = "requested"
    GIVEN = "given"
    DECLINED = "declined"


class Nomination(db.Model):
    """A submitted nomination of one nominee in one category."""

    __tablename__ = "nomination"

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(ForeignKey("edition.id", ondelete="CASCADE"), index=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("category.id", ondelete="CASCADE"), index=True)
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    status: Mapped[NominationStatus] = mapped_column(
        Enum(NominationStatus, name="nomination_status", values_callable=_values), default=NominationStatus.RECEIVED
    )
    status_reason: Mapped[str] = mapped_column(Text, default="")
    nominee_name: Mapped[str] = mapped_column(String(200))
    nominee_organisation: Mapped[str] = mapped_column(String(200), default="")
    nominee_email: Mapped[str | None] = mapped_column(String(EMAIL_LENGTH), nullable=True)
    local_authority: Mapped[str] = mapped_column(String(64))
    nominator_name: Mapped[str] = mapped_column(String(200))
    nominator_email: Mapped[str] = mapped_column(String(EMAIL_LENGTH))
    nominator_relationship: Mapped[str] = mapped_column(String(200), default="")
    nominator_phone: Mapped[str] = mapped_column(String(40), default="")
    consent: Mapped[ConsentState] = mapped_column(
        Enum(ConsentState, name="consent_state", values_callable=_values), default=ConsentState.NOT_REQUESTED
    )
    consent_note: Mapped[str] = mapped_column(Text, default="")
    consent_recorded_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    public_summary: Mapped[str] = mapped_column(Text, default="")
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # A duplicate merged into another entry keeps its nominator and statements, and points at that entry.
    merged_into_id: Mapped[int | None] = mapped_column(
        ForeignKey("nomination.id", ondelete="SET NULL"), nullable=True, index=True
    )

    edition: Mapped[Edition] = relationship()
    category: Mapped[Category] = relationship()
    answers: Mapped[list[NominationAnswer]] = relationship(
        back_populates="nomination", cascade="all, delete-orphan"
    )
    merged_into: Mapped[Nomination | None] = relationship(remote_side=[id], back_populates="merged")
    merged: Mapped[list[Nomination]] = relationship(back_populates="merged_into")
    notes: Mapped[list[NominationNote]] = relationship(
        back_populates="nomination", order_by="NominationNote.created_at", cascade="all, delete-orphan"
    )
    corrections: Mapped[list[NominationCorrection]] = relationship(
        back_populates="nomination", order_by="NominationCorrection.id", cascade="all, delete-orphan"
    )

    @property
    def nominee_as_written(self) -> str:
        """The nominee as the nominator wrote them, for the organisers: the name, then any organisation."""
        return ", ".join(part for part in (self.nominee_name, self.nominee_organisation) if part)

    def __repr__(self) -> str:
        return f"<Nomination {self.reference} {self.nominee_name!r}>"


class NominationAnswer(db.Model):
    """A nomination's answer to one question of its category."""

    __tablename__ = "nomination_answer"
    __table_args__ = (UniqueConstraint("nomination_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    nomination_id: Mapped[int] = mapped_column(ForeignKey("nomination.id", ondelete="CASCADE"), index=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)

    nomination: Mapped[Nomination] = relationship(back_populates="answers")
    question: Mapped[Question] = relationship()


class NominationNote(db.Model):
    """An organiser's note on a nomination."""

    __tablename__ = "nomination_note"

    id: Mapped[int] = mapped_column(primary_key=True)
    nomination_id: Mapped[int] = mapped_column(ForeignKey("nomination.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    nomination: Mapped[Nomination] = relationship(back_populates="notes")


class NominationCorrection(db.Model):
    """One value an organiser changed on a nomination (nominations/corrections.py): the field, before and after, who,
    when and why. A field's first correction holds what the nominator typed, so the original can always be shown.

    `field` is a column of Nomination (nominee_name...), "answer" or "category" (a move). An answer names its question
    by id and prompt as they were (plain values: the question may change or go later); on a move, `to_question_id` is
    where the answer was carried, or None when it did not fit and stays here only.
    """

    __tablename__ = "nomination_correction"

    id: Mapped[int] = mapped_column(primary_key=True)
    nomination_id: Mapped[int] = mapped_column(ForeignKey("nomination.id", ondelete="CASCADE"), index=True)
    field: Mapped[str] = mapped_column(String(40))
    question_id: Mapped[int | None] = mapped_column(nullable=True)
    question_prompt: Mapped[str] = mapped_column(String(500), default="", server_default="")
    to_question_id: Mapped[int | None] = mapped_column(nullable=True)
    to_question_prompt: Mapped[str] = mapped_column(String(500), default="", server_default="")
    before: Mapped[str] = mapped_column(Text, default="", server_default="")
    after: Mapped[str] = mapped_column(Text, default="", server_default="")
    reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    corrected_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    corrected_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    nomination: Mapped[Nomination] = relationship(back_populates="corrections")

    @property
    def is_move(self) -> bool:
        """Whether this row records a move to another category."""
        return self.field == "category"

    @property
    def left_behind(self) -> bool:
        """Whether this is an answer a move could not carry over (its text is kept only here)."""
        return self.field == "answer" and self.to_question_id is None

    @property
    def carried(self) -> bool:
        """Whether this is an answer a move carried over to a question of the new category."""
        return self.field == "answer" and self.to_question_id not in (None, self.question_id)


class NominationDraft(db.Model):
    """A nomination being written: what the nominator has typed so far, kept server-side until they submit."""

    __tablename__ = "nomination_draft"

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(ForeignKey("edition.id", ondelete="CASCADE"), index=True)
    # The browser's session holds this random id; the draft's numeric id is never exposed.
    public_id: Mapped[str] = mapped_column(String(64), unique=True)
    category_id: Mapped[int | None] = mapped_column(ForeignKey("category.id", ondelete="SET NULL"), nullable=True)
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    resume_email: Mapped[str | None] = mapped_column(String(EMAIL_LENGTH), nullable=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    edition: Mapped[Edition] = relationship()
    category: Mapped[Category | None] = relationship()
