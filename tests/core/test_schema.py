"""The migrations build exactly the schema the models describe, and the audit log is append-only."""
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import select, text
from sqlalchemy.exc import DatabaseError

from awards_app.core.audit import record_event
from awards_app.core.models import AuditEvent, AuditLogIsAppendOnly
from awards_app.extensions import db


def test_models_and_migrations_agree(app):
    connection = db.session.connection()
    context = MigrationContext.configure(connection, opts={"compare_type": True, "render_as_batch": True})
    differences = compare_metadata(context, db.metadata)
    assert differences == [], f"models and migrations disagree; run flask db migrate: {differences}"


def recorded_event(db_session, organiser, **details) -> AuditEvent:
    """Record an event, and load it as the ORM sees it."""
    record_event(organiser, "test.something", organiser, **details)
    return db_session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()


def test_audit_events_cannot_be_changed_through_the_orm(db_session, organiser):
    event = recorded_event(db_session, organiser, note="first")
    assert event.details == {"note": "first"} and event.actor_id == organiser.id
    event.action = "rewritten"
    with pytest.raises(AuditLogIsAppendOnly):
        db_session.flush()
    db_session.rollback()


def test_audit_events_cannot_be_deleted_through_the_orm(db_session, organiser):
    event = recorded_event(db_session, organiser)
    db_session.delete(event)
    with pytest.raises(AuditLogIsAppendOnly):
        db_session.flush()
    db_session.rollback()


@pytest.mark.parametrize("statement", ["UPDATE audit_event SET action = 'x'", "DELETE FROM audit_event"])
def test_the_database_itself_refuses_changes_to_the_audit_log(db_session, organiser, statement):
    record_event(organiser, "test.something", organiser)
    db_session.flush()
    nested = db_session.begin_nested()
    with pytest.raises(DatabaseError, match="append-only"):
        db_session.execute(text(statement))
    nested.rollback()
    assert db_session.query(AuditEvent).count() >= 1
