"""A judge's place on a panel gains a status (active, paused, removed: the row and all work are kept) and a role
(full, final_only, none: what a judge added after the shortlist does), with who last changed the status and when
(issue #13, item 3).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 14:20:00.000000

"""
from alembic import op
import sqlalchemy as sa

import awards_app.core.columns


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('panel_member', schema=None) as batch_op:
        batch_op.add_column(sa.Column('status', sa.String(length=10), server_default='active', nullable=False))
        batch_op.add_column(sa.Column('role', sa.String(length=12), server_default='full', nullable=False))
        batch_op.add_column(
            sa.Column('status_changed_at', awards_app.core.columns.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column('status_changed_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            'fk_panel_member_status_changed_by_id_user_account', 'user_account', ['status_changed_by_id'], ['id'],
            ondelete='SET NULL',
        )


def downgrade():
    with op.batch_alter_table('panel_member', schema=None) as batch_op:
        batch_op.drop_constraint('fk_panel_member_status_changed_by_id_user_account', type_='foreignkey')
        batch_op.drop_column('status_changed_by_id')
        batch_op.drop_column('status_changed_at')
        batch_op.drop_column('role')
        batch_op.drop_column('status')
