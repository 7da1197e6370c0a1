"""Migration 0027_servers: images uploaded before they were kept in the database move in from the instance folder, and
go back there on a downgrade."""
from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from awards_app.extensions import db
from tests.core.test_migrations import SEED, empty_database, migration_app  # noqa: F401  (fixtures of this module)
from tests.factories.images import make_jpeg, make_png

FINALIST_IMAGE = "a" * 32 + ".png"
MISSING_IMAGE = "c" * 32 + ".jpg"  # named by a row, but its file was lost before the upgrade
LOGO = "b" * 32 + ".jpg"
TIMES = {"t": "2026-01-01 00:00:00+00:00"}


def test_uploaded_images_move_into_the_database_and_back(migration_app, tmp_path):  # noqa: F811
    finalists = tmp_path / "uploads" / "finalists"
    site = tmp_path / "uploads" / "site"
    finalists.mkdir(parents=True)
    site.mkdir()
    (finalists / FINALIST_IMAGE).write_bytes(make_png())
    (site / LOGO).write_bytes(make_jpeg())
    (finalists / ("d" * 32 + ".png")).write_bytes(make_png())  # a file no row names: left behind
    migration_app.config["SHORTLIST_IMAGE_FOLDER"] = str(finalists)
    with migration_app.app_context():
        upgrade(revision="0026")
        with db.engine.begin() as connection:
            for statement in SEED[:4]:
                connection.execute(text(statement), TIMES)
            connection.execute(text(SEED[3].replace("(1, 1, 1, 'SMA-1'", "(2, 1, 1, 'SMA-2'")), TIMES)
            for number, name in ((1, FINALIST_IMAGE), (2, MISSING_IMAGE)):
                connection.execute(text(
                    "INSERT INTO finalist (id, category_id, nomination_id, position, change_reason, chosen_at,"
                    f" public_name, image_filename) VALUES ({number}, 1, {number}, {number}, '', :t, '', '{name}')"
                ), TIMES)
            connection.execute(text(f"UPDATE site_settings SET logo_filename = '{LOGO}'"))

        upgrade(revision="0027_servers")
        with db.engine.connect() as connection:
            stored = {row.name: row for row in connection.execute(
                text("SELECT name, content_type, data, created_at FROM stored_file"))}
        assert set(stored) == {FINALIST_IMAGE, LOGO}
        assert bytes(stored[FINALIST_IMAGE].data) == make_png()
        assert stored[FINALIST_IMAGE].content_type == "image/png"
        assert bytes(stored[LOGO].data) == make_jpeg() and stored[LOGO].content_type == "image/jpeg"

        (finalists / FINALIST_IMAGE).unlink()
        (site / LOGO).unlink()
        downgrade(revision="0026")
        assert (finalists / FINALIST_IMAGE).read_bytes() == make_png()
        assert (site / LOGO).read_bytes() == make_jpeg()
        assert not (finalists / MISSING_IMAGE).exists()
