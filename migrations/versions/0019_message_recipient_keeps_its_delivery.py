"""A message's recipient keeps how its email ended (sent or failed) once the outbox forgets the email (issue #16).

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07 16:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('message_recipient', schema=None) as batch_op:
        batch_op.add_column(sa.Column('final_state', sa.String(length=10), nullable=True))


def downgrade():
    with op.batch_alter_table('message_recipient', schema=None) as batch_op:
        batch_op.drop_column('final_state')
