"""Uploaded images (finalists' and the organisation's logo) are kept in the database, in stored_file, instead of on one
server's disk, so that every app server behind the proxy serves them (issue #18, part 5). The images already uploaded
are moved in from the instance folder; downgrading writes them back there.

Revision ID: 0027_servers
Revises: 0026
Create Date: 2026-12-07 23:31:31.477114

"""
import re
from datetime import datetime, timezone
from pathlib import Path

import sqlalchemy as sa
from alembic import op

import awards_app.core.columns

# revision identifiers, used by Alembic.
revision = '0027_servers'
down_revision = '0026'
branch_labels = None
depends_on = None

# Copied, not imported: a migration must not change when the app does. The names the app gave stored images, and the
# Content-Type of each extension it allowed.
IMAGE_NAME = r"^[0-9a-f]{32}\.(png|jpg|webp)$"
CONTENT_TYPES = {"png": "image/png", "jpg": "image/jpeg", "webp": "image/webp"}

stored_file = sa.table(
    'stored_file',
    sa.column('name', sa.String), sa.column('content_type', sa.String), sa.column('data', sa.LargeBinary),
    sa.column('created_at', awards_app.core.columns.UTCDateTime(timezone=True)),
)
finalist = sa.table('finalist', sa.column('image_filename', sa.String))
site_settings = sa.table('site_settings', sa.column('logo_filename', sa.String))


def _upload_folders():
    """Where the app kept finalists' images and the logo (its instance folder, or SHORTLIST_IMAGE_FOLDER when set)."""
    from flask import current_app

    configured = current_app.config.get("SHORTLIST_IMAGE_FOLDER")
    finalists = Path(configured) if configured else Path(current_app.instance_path) / "uploads" / "finalists"
    return finalists, finalists.parent / "site"


def _names(connection):
    """Each stored image's name with the folder it was kept in: finalists' images, then the logo."""
    finalists, site = _upload_folders()
    names = [(row[0], finalists) for row in connection.execute(
        sa.select(finalist.c.image_filename).where(finalist.c.image_filename.is_not(None)))]
    names += [(row[0], site) for row in connection.execute(
        sa.select(site_settings.c.logo_filename).where(site_settings.c.logo_filename.is_not(None)))]
    return names


def upgrade():
    op.create_table('stored_file',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', awards_app.core.columns.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stored_file')),
    sa.UniqueConstraint('name', name=op.f('uq_stored_file_name'))
    )
    # Move the images that rows name into the table. The files stay where they were (remove the uploads folder once
    # the upgrade has committed); a name whose file is missing stays as it is and keeps answering 404, as before.
    connection = op.get_bind()
    for name, folder in _names(connection):
        path = folder / name
        if not re.fullmatch(IMAGE_NAME, name) or not path.is_file():
            continue
        modified = datetime.fromtimestamp(path.stat().st_mtime, timezone.utc)
        connection.execute(stored_file.insert().values(
            name=name, content_type=CONTENT_TYPES[name.rsplit(".", 1)[1]], data=path.read_bytes(), created_at=modified,
        ))


def downgrade():
    # Write the images back to the folders the app read them from before, then drop the table.
    connection = op.get_bind()
    for name, folder in _names(connection):
        row = connection.execute(sa.select(stored_file.c.data).where(stored_file.c.name == name)).first()
        if row is not None:
            folder.mkdir(parents=True, exist_ok=True)
            (folder / name).write_bytes(row[0])
    op.drop_table('stored_file')
