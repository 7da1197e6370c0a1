"""An edition can start as a copy of a past one (issue #15): the edition and each of its categories remember what they
were copied from, so that the past panels can be listed as judges to invite again.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-07 17:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('edition', schema=None) as batch_op:
        batch_op.add_column(sa.Column('copied_from_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_edition_copied_from_id_edition'), 'edition', ['copied_from_id'], ['id'], ondelete='SET NULL'
        )

    with op.batch_alter_table('category', schema=None) as batch_op:
        batch_op.add_column(sa.Column('copied_from_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_category_copied_from_id_category'), 'category', ['copied_from_id'], ['id'],
            ondelete='SET NULL',
        )


def downgrade():
    with op.batch_alter_table('category', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_category_copied_from_id_category'), type_='foreignkey')
        batch_op.drop_column('copied_from_id')

    with op.batch_alter_table('edition', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_edition_copied_from_id_edition'), type_='foreignkey')
        batch_op.drop_column('copied_from_id')
