"""The ceremony invitation's RSVP (issue #16, item 2): one invitation per edition and address, with the answer and
any access needs; its personal link is a single_use_link row of purpose "rsvp".

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07 15:30:00.000000

"""
from alembic import op
import sqlalchemy as sa

from awards_app.core.columns import UTCDateTime


# revision identifiers, used by Alembic.
revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'ceremony_invitation',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('edition_id', sa.Integer(), nullable=False),
        sa.Column('email', sa.String(length=254), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('nomination_id', sa.Integer(), nullable=True),
        sa.Column('answer', sa.String(length=3), nullable=True),
        sa.Column('access_needs', sa.Text(), nullable=False),
        sa.Column('answered_at', UTCDateTime(timezone=True), nullable=True),
        sa.Column('created_at', UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['edition_id'], ['edition.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['nomination_id'], ['nomination.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('edition_id', 'email'),
    )
    with op.batch_alter_table('ceremony_invitation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ceremony_invitation_edition_id'), ['edition_id'], unique=False)


def downgrade():
    with op.batch_alter_table('ceremony_invitation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ceremony_invitation_edition_id'))
    op.drop_table('ceremony_invitation')
