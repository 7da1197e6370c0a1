"""Writing to the append-only audit log, and finding the latest decision in it."""
from sqlalchemy import insert, select

from awards_app.accounts.models import User
from awards_app.core import clock
from awards_app.core.models import AuditEvent
from awards_app.extensions import db

# A plain INSERT, built once: an event is only ever added, never read back by the request that writes it, so it needs
# none of the ORM's bookkeeping (which costs about twice as much on the vote's busy path).
_ADD_EVENT = insert(AuditEvent.__table__)


def record_event(actor: User | None, action: str, subject=None, **details) -> None:
    """Add an audit event for what the actor did to the subject, in the caller's transaction."""
    db.session.execute(
        _ADD_EVENT,
        {
            "at": clock.now(),
            "actor_id": actor.id if actor is not None else None,
            "actor_label": actor.email if actor is not None else "system",
            "action": action,
            "subject_type": type(subject).__tablename__ if subject is not None else "",
            "subject_id": getattr(subject, "id", None),
            "details": {key: _plain(value) for key, value in details.items()},
        },
    )


def latest_event(action: str, subject) -> AuditEvent | None:
    """The newest audit event of this action about the subject, if there is one."""
    return db.session.scalar(
        select(AuditEvent)
        .where(
            AuditEvent.action == action,
            AuditEvent.subject_type == type(subject).__tablename__,
            AuditEvent.subject_id == subject.id,
        )
        .order_by(AuditEvent.id.desc())
        .limit(1)
    )


def _plain(value):
    """Keep details JSON-friendly."""
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return str(value)
