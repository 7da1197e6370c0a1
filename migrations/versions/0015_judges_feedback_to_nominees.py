"""Judges' comments passed on to nominees as anonymised feedback: the edition's setting and the comments picked.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07 14:30:00.000000

"""
from alembic import op
import sqlalchemy as sa

import awards_app.core.columns


# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('feedback_setting',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('edition_id', sa.Integer(), nullable=False),
    sa.Column('enabled', sa.Boolean(), server_default='0', nullable=False),
    sa.Column('changed_by_id', sa.Integer(), nullable=True),
    sa.Column('changed_at', awards_app.core.columns.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['changed_by_id'], ['user_account.id'], name=op.f('fk_feedback_setting_changed_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['edition_id'], ['edition.id'], name=op.f('fk_feedback_setting_edition_id_edition'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_feedback_setting')),
    sa.UniqueConstraint('edition_id', name=op.f('uq_feedback_setting_edition_id'))
    )
    op.create_table('feedback_pick',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('comment_id', sa.Integer(), nullable=False),
    sa.Column('nomination_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('picked_by_id', sa.Integer(), nullable=True),
    sa.Column('picked_at', awards_app.core.columns.UTCDateTime(timezone=True), nullable=False),
    sa.Column('sent_at', awards_app.core.columns.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['comment_id'], ['score_comment.id'], name=op.f('fk_feedback_pick_comment_id_score_comment'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['nomination_id'], ['nomination.id'], name=op.f('fk_feedback_pick_nomination_id_nomination'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['picked_by_id'], ['user_account.id'], name=op.f('fk_feedback_pick_picked_by_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_feedback_pick')),
    sa.UniqueConstraint('comment_id', name=op.f('uq_feedback_pick_comment_id'))
    )
    with op.batch_alter_table('feedback_pick', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_feedback_pick_nomination_id'), ['nomination_id'], unique=False)


def downgrade():
    with op.batch_alter_table('feedback_pick', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_feedback_pick_nomination_id'))
    op.drop_table('feedback_pick')
    op.drop_table('feedback_setting')
