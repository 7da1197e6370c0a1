"""A budget per inbox for the emails the public can make the app send (core/mail_budget.py, issue #14).

Revision ID: 0010
Revises: 0008
Create Date: 2026-12-07 13:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

import awards_app.core.columns


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('mail_budget',
    sa.Column('recipient_key', sa.String(length=64), nullable=False),
    sa.Column('hour_start', awards_app.core.columns.UTCDateTime(timezone=True), nullable=False),
    sa.Column('hour_count', sa.Integer(), nullable=False),
    sa.Column('day_start', awards_app.core.columns.UTCDateTime(timezone=True), nullable=False),
    sa.Column('day_count', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('recipient_key', name=op.f('pk_mail_budget'))
    )
    with op.batch_alter_table('mail_budget', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mail_budget_day_start'), ['day_start'], unique=False)


def downgrade():
    with op.batch_alter_table('mail_budget', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mail_budget_day_start'))
    op.drop_table('mail_budget')
