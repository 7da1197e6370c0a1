"""Fair assignment (issue #13, item 8): a category's assignment plan (judges per entry, most entries per judge) and
the judge-entry pairs it assigns. A category without a plan is judged as before, by every judge of its panel.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07 14:15:00.000000

"""
from alembic import op
import sqlalchemy as sa

from awards_app.core.columns import UTCDateTime


# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'assignment_plan',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('category_id', sa.Integer(), nullable=False),
        sa.Column('judges_per_entry', sa.Integer(), nullable=False),
        sa.Column('most_entries_per_judge', sa.Integer(), nullable=False),
        sa.Column('created_at', UTCDateTime(timezone=True), nullable=False),
        sa.Column('updated_at', UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['category_id'], ['category.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('category_id'),
    )
    op.create_table(
        'judge_assignment',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('judge_id', sa.Integer(), nullable=False),
        sa.Column('nomination_id', sa.Integer(), nullable=False),
        sa.Column('how', sa.String(length=10), nullable=False),
        sa.Column('assigned_by_id', sa.Integer(), nullable=True),
        sa.Column('assigned_at', UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['assigned_by_id'], ['user_account.id'], ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['judge_id'], ['user_account.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['nomination_id'], ['nomination.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('judge_id', 'nomination_id'),
    )
    with op.batch_alter_table('judge_assignment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_judge_assignment_judge_id'), ['judge_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_judge_assignment_nomination_id'), ['nomination_id'], unique=False)


def downgrade():
    with op.batch_alter_table('judge_assignment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_judge_assignment_nomination_id'))
        batch_op.drop_index(batch_op.f('ix_judge_assignment_judge_id'))
    op.drop_table('judge_assignment')
    op.drop_table('assignment_plan')
