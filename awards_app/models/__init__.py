"""The data model, one module per aggregate; importing this package registers every table."""
from awards_app.models.audit import AuditEvent, AuditLogIsAppendOnly
from awards_app.models.ceremony import Award, Place, Reveal
from awards_app.models.judging import Conflict, FinalRank, Finalist, PanelMember, Score, ScoreComment
from awards_app.models.links import SingleUseLink
from awards_app.models.nomination import (
    ConsentState,
    Nomination,
    NominationAnswer,
    NominationDraft,
    NominationNote,
    NominationStatus,
)
from awards_app.models.outbox import OutboxEmail, OutboxStatus
from awards_app.models.people import Role, SignInSession, User
from awards_app.models.programme import Category, Criterion, Edition, NomineeKind, Question
from awards_app.models.voting import Contest, Vote, VoteRequest

__all__ = [
    "AuditEvent", "AuditLogIsAppendOnly", "Award", "Category", "Conflict", "ConsentState", "Contest", "Criterion",
    "Edition", "FinalRank", "Finalist", "Nomination", "NominationAnswer", "NominationDraft", "NominationNote",
    "NominationStatus", "NomineeKind",
    "OutboxEmail", "OutboxStatus", "PanelMember", "Place", "Question", "Reveal", "Role", "Score", "ScoreComment",
    "SignInSession", "SingleUseLink", "User", "Vote", "VoteRequest",
]
