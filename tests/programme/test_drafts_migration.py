"""Migration 0020: every edition made before drafts existed stays public (announced when it was created)."""
from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from awards_app.extensions import db
from tests.core.test_migrations import SEED, empty_database, migration_app  # noqa: F401  (fixtures of this module)


def test_existing_editions_stay_public_and_tell_no_expected_month(migration_app):  # noqa: F811
    with migration_app.app_context():
        upgrade(revision="0019")
        with db.engine.begin() as connection:
            connection.execute(text(SEED[0]), {"t": "2026-01-01 00:00:00+00:00"})
        upgrade(revision="0020")
        with db.engine.connect() as connection:
            announced, shown, created = connection.execute(
                text("SELECT announced_at, expected_opening_shown, created_at FROM edition")
            ).one()
        assert announced is not None and announced == created
        assert not shown
        downgrade(revision="0019")
        with db.engine.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM edition")).scalar() == 1
