"""The public vote: a contest per voting category, the append-only log of votes cast, and the figures kept of it."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from awards_app.core.columns import EMAIL_LENGTH, UTCDateTime, utcnow
from awards_app.extensions import db
from awards_app.judging.models import Finalist
from awards_app.programme.models import Category


class Contest(db.Model):
    """The public vote of one category, open between two moments."""

    __tablename__ = "contest"

    id: Mapped[int] = mapped_column(primary_key=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("category.id", ondelete="CASCADE"), unique=True)
    opens_at: Mapped[datetime] = mapped_column(UTCDateTime())
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # When the organisers published the anonymised list of votes for anyone to recount (after the close).
    tally_published_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)

    category: Mapped[Category] = relationship()


class VoteRequest(db.Model):
    """A vote waiting for its emailed link to be confirmed. The plain address is kept only until then."""

    __tablename__ = "vote_request"
    # Serves look-ups by contest too (its first column), so contest_id needs no index of its own. The second holds only
    # the requests still waiting for their link, so that the vote view counts those (pending or expired) without
    # reading the many confirmed ones.
    __table_args__ = (
        Index("ix_vote_request_contest_voter", "contest_id", "voter_key"),
        Index("ix_vote_request_waiting", "contest_id", "expires_at",
              postgresql_where=text("confirmed_at IS NULL AND superseded_at IS NULL"),
              sqlite_where=text("confirmed_at IS NULL AND superseded_at IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(ForeignKey("contest.id", ondelete="CASCADE"))
    finalist_id: Mapped[int] = mapped_column(ForeignKey("finalist.id", ondelete="CASCADE"))
    voter_key: Mapped[str] = mapped_column(String(64))
    email: Mapped[str | None] = mapped_column(String(EMAIL_LENGTH), nullable=True)
    email_domain: Mapped[str] = mapped_column(String(EMAIL_LENGTH), default="")
    client_network: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    superseded_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    # The request is its own single-use link: the digest of the newest emailed link's nonce (a resend replaces it;
    # kept after confirming, so that the used link can say so). Its expiry, use and replacement are the columns above.
    link_digest: Mapped[str | None] = mapped_column(String(64), unique=True, nullable=True)

    contest: Mapped[Contest] = relationship()
    finalist: Mapped[Finalist] = relationship()


class Vote(db.Model):
    """One person's vote. Never deleted: a voided vote keeps who voided it, when and why."""

    __tablename__ = "vote"
    # One vote per person and contest, held by the database so that no race can double it. Its index serves look-ups
    # by contest too (its first column), so contest_id needs no index of its own.
    __table_args__ = (UniqueConstraint("contest_id", "voter_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(ForeignKey("contest.id", ondelete="CASCADE"))
    finalist_id: Mapped[int] = mapped_column(ForeignKey("finalist.id", ondelete="CASCADE"), index=True)
    voter_key: Mapped[str] = mapped_column(String(64))
    receipt_code: Mapped[str] = mapped_column(String(32), unique=True)
    cast_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    client_network: Mapped[str] = mapped_column(String(64), default="")
    email_domain: Mapped[str] = mapped_column(String(EMAIL_LENGTH), default="")
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    voided_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    voided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    void_reason: Mapped[str] = mapped_column(Text, default="")

    contest: Mapped[Contest] = relationship()
    finalist: Mapped[Finalist] = relationship()


# --- The figures kept as votes arrive (voting/counters.py) ---------------------------------------------------------
# Each row adds up the votes of one contest that share one thing (a finalist, an hour, an email domain, an address
# block), updated in the transaction of every change to a vote, so that the organisers' vote view and the results
# page read a few rows instead of counting a million votes. "counted" are the votes that count, "voided" those voided;
# together, every vote in the log. counters.recount_mismatches checks them against a count of the votes.


class VoteCountByFinalist(db.Model):
    """A contest's votes for one finalist."""

    __tablename__ = "vote_count_by_finalist"

    contest_id: Mapped[int] = mapped_column(ForeignKey("contest.id", ondelete="CASCADE"), primary_key=True)
    finalist_id: Mapped[int] = mapped_column(ForeignKey("finalist.id", ondelete="CASCADE"), primary_key=True)
    counted: Mapped[int] = mapped_column(default=0)
    voided: Mapped[int] = mapped_column(default=0)
    assisted: Mapped[int] = mapped_column(default=0)  # of the counted votes, those entered by staff


class VoteCountByHour(db.Model):
    """A contest's votes cast in one hour (its start in UTC)."""

    __tablename__ = "vote_count_by_hour"

    contest_id: Mapped[int] = mapped_column(ForeignKey("contest.id", ondelete="CASCADE"), primary_key=True)
    hour: Mapped[datetime] = mapped_column(UTCDateTime(), primary_key=True)
    counted: Mapped[int] = mapped_column(default=0)
    voided: Mapped[int] = mapped_column(default=0)


class VoteCountByDomain(db.Model):
    """A contest's votes from addresses at one email domain ("" for votes with none, or with theirs erased)."""

    __tablename__ = "vote_count_by_domain"
    # The busiest first without reading every domain: a contest can have tens of thousands.
    __table_args__ = (Index("ix_vote_count_by_domain_busiest", "contest_id", "counted"),)

    contest_id: Mapped[int] = mapped_column(ForeignKey("contest.id", ondelete="CASCADE"), primary_key=True)
    email_domain: Mapped[str] = mapped_column(String(EMAIL_LENGTH), primary_key=True)
    counted: Mapped[int] = mapped_column(default=0)
    voided: Mapped[int] = mapped_column(default=0)


class VoteCountByNetwork(db.Model):
    """A contest's votes from one address block ("" for votes with none, or with theirs erased)."""

    __tablename__ = "vote_count_by_network"
    # The busiest first without reading every address block: a contest can have hundreds of thousands.
    __table_args__ = (Index("ix_vote_count_by_network_busiest", "contest_id", "counted"),)

    contest_id: Mapped[int] = mapped_column(ForeignKey("contest.id", ondelete="CASCADE"), primary_key=True)
    client_network: Mapped[str] = mapped_column(String(64), primary_key=True)
    counted: Mapped[int] = mapped_column(default=0)
    voided: Mapped[int] = mapped_column(default=0)
