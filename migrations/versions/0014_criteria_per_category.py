"""Criteria per category (a category may use its own set instead of the edition's), guidance on what each score means,
the shortlist size per category, and the automatic reminders before the judging deadline (one row per edition,
deadline and milestone, claimed by the send-mail worker that sends it).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 14:15:00.000000

"""
from alembic import op
import sqlalchemy as sa

import awards_app.core.columns


# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('category', schema=None) as batch_op:
        batch_op.add_column(sa.Column('shortlist_size', sa.Integer(), server_default='3', nullable=False))
        batch_op.create_check_constraint(
            batch_op.f('ck_category_shortlist_size_in_range'), 'shortlist_size BETWEEN 1 AND 10'
        )

    with op.batch_alter_table('criterion', schema=None) as batch_op:
        batch_op.add_column(sa.Column('category_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('guidance', sa.Text(), server_default='', nullable=False))
        batch_op.drop_constraint(batch_op.f('uq_criterion_edition_id_name'), type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_criterion_category_id_name'), ['category_id', 'name'])
        batch_op.create_foreign_key(
            batch_op.f('fk_criterion_category_id_category'), 'category', ['category_id'], ['id'], ondelete='CASCADE'
        )
        batch_op.create_index(batch_op.f('ix_criterion_category_id'), ['category_id'], unique=False)
        batch_op.create_index(
            'uq_criterion_shared_name', ['edition_id', 'name'], unique=True,
            sqlite_where=sa.text('category_id IS NULL'), postgresql_where=sa.text('category_id IS NULL'),
        )

    op.create_table('judging_reminder_round',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('edition_id', sa.Integer(), nullable=False),
    sa.Column('judging_end_at', awards_app.core.columns.UTCDateTime(timezone=True), nullable=False),
    sa.Column('days_before', sa.Integer(), nullable=False),
    sa.Column('sent_at', awards_app.core.columns.UTCDateTime(timezone=True), nullable=False),
    sa.Column('judges', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['edition_id'], ['edition.id'], name=op.f('fk_judging_reminder_round_edition_id_edition'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_judging_reminder_round')),
    sa.UniqueConstraint('edition_id', 'judging_end_at', 'days_before', name=op.f('uq_judging_reminder_round_edition_id_judging_end_at_days_before'))
    )


def downgrade():
    op.drop_table('judging_reminder_round')
    op.execute('DELETE FROM criterion WHERE category_id IS NOT NULL')  # the older schema has no place for them
    with op.batch_alter_table('criterion', schema=None) as batch_op:
        batch_op.drop_index('uq_criterion_shared_name')
        batch_op.drop_index(batch_op.f('ix_criterion_category_id'))
        batch_op.drop_constraint(batch_op.f('fk_criterion_category_id_category'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_criterion_category_id_name'), type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_criterion_edition_id_name'), ['edition_id', 'name'])
        batch_op.drop_column('guidance')
        batch_op.drop_column('category_id')

    with op.batch_alter_table('category', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_category_shortlist_size_in_range'), type_='check')
        batch_op.drop_column('shortlist_size')
