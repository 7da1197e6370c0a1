"""Votes and vote requests lose their index on contest_id alone: the index on (contest_id, voter_key) that each has
serves look-ups by contest too, and every vote and request paid to keep the second one.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07 01:00:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('vote', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_vote_contest_id'))
    with op.batch_alter_table('vote_request', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_vote_request_contest_id'))


def downgrade():
    with op.batch_alter_table('vote_request', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_vote_request_contest_id'), ['contest_id'], unique=False)
    with op.batch_alter_table('vote', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_vote_contest_id'), ['contest_id'], unique=False)
