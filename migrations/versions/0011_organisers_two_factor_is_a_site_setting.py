"""Two-factor sign-in for organisers becomes a setting of the site (ORGANISERS_NEED_TWO_FACTOR, on by default in
production): editions lose their own switch, which lapsed whenever next year's edition became the current one.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07 13:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('edition', schema=None) as batch_op:
        batch_op.drop_column('organisers_need_two_factor')


def downgrade():
    with op.batch_alter_table('edition', schema=None) as batch_op:
        batch_op.add_column(sa.Column('organisers_need_two_factor', sa.Boolean(), server_default='0', nullable=False))
