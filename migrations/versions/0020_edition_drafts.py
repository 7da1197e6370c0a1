"""An edition is a draft until an organiser announces it; a draft may tell the public the month it is expected to open
(issue #15). Every edition already here was public, so each counts as announced when it was created.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-07 17:30:00.000000

"""
from alembic import op
import sqlalchemy as sa

from awards_app.core.columns import UTCDateTime


# revision identifiers, used by Alembic.
revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('edition', schema=None) as batch_op:
        batch_op.add_column(sa.Column('announced_at', UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(
            sa.Column('expected_opening_shown', sa.Boolean(), server_default='0', nullable=False)
        )
    # Editions made before drafts existed were public the moment they were created: they stay public.
    op.execute("UPDATE edition SET announced_at = created_at")


def downgrade():
    with op.batch_alter_table('edition', schema=None) as batch_op:
        batch_op.drop_column('expected_opening_shown')
        batch_op.drop_column('announced_at')
