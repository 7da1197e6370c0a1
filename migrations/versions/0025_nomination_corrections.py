"""Organisers' corrections of a nomination, and its moves to another category, each change kept with the value
before it (issue #15).

Revision ID: 0025
Revises: 0021
Create Date: 2026-12-07 17:20:00.000000

"""
from alembic import op
import sqlalchemy as sa

import awards_app.core.columns


# revision identifiers, used by Alembic.
revision = '0025'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('nomination_correction',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('nomination_id', sa.Integer(), nullable=False),
    sa.Column('field', sa.String(length=40), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=True),
    sa.Column('question_prompt', sa.String(length=500), server_default='', nullable=False),
    sa.Column('to_question_id', sa.Integer(), nullable=True),
    sa.Column('to_question_prompt', sa.String(length=500), server_default='', nullable=False),
    sa.Column('before', sa.Text(), server_default='', nullable=False),
    sa.Column('after', sa.Text(), server_default='', nullable=False),
    sa.Column('reason', sa.Text(), server_default='', nullable=False),
    sa.Column('corrected_by_id', sa.Integer(), nullable=True),
    sa.Column('corrected_at', awards_app.core.columns.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['corrected_by_id'], ['user_account.id'], name=op.f('fk_nomination_correction_corrected_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['nomination_id'], ['nomination.id'], name=op.f('fk_nomination_correction_nomination_id_nomination'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_nomination_correction'))
    )
    with op.batch_alter_table('nomination_correction', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_nomination_correction_nomination_id'), ['nomination_id'], unique=False)


def downgrade():
    with op.batch_alter_table('nomination_correction', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_nomination_correction_nomination_id'))
    op.drop_table('nomination_correction')
