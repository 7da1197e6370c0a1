"""A ceremony invitation belongs to a person, not an address (two people may share one); a vote's receipt email is
deleted from the outbox as soon as it has been sent (review of issue #16).

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-07 17:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0026'
down_revision = '0025'
branch_labels = None
depends_on = None


def _name_key(name):
    """The same comparison as ceremony.rsvp.name_key (copied: a migration must not change when the app does)."""
    return " ".join(str(name or "").split()).casefold()[:200]


def upgrade():
    with op.batch_alter_table('ceremony_invitation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('name_key', sa.String(length=200), server_default='', nullable=False))
    connection = op.get_bind()
    invitation = sa.table('ceremony_invitation', sa.column('id', sa.Integer), sa.column('name', sa.String),
                          sa.column('name_key', sa.String))
    for row in connection.execute(sa.select(invitation.c.id, invitation.c.name)).all():
        connection.execute(invitation.update().where(invitation.c.id == row.id).values(name_key=_name_key(row.name)))
    with op.batch_alter_table('ceremony_invitation', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_ceremony_invitation_edition_id_email'), type_='unique')
        batch_op.create_unique_constraint(
            batch_op.f('uq_ceremony_invitation_edition_id_email_name_key'), ['edition_id', 'email', 'name_key'])

    with op.batch_alter_table('outbox_email', schema=None) as batch_op:
        batch_op.add_column(sa.Column('delete_when_sent', sa.Boolean(), server_default='0', nullable=False))


def downgrade():
    with op.batch_alter_table('outbox_email', schema=None) as batch_op:
        batch_op.drop_column('delete_when_sent')

    # One invitation per address again: the oldest of each address stays (its links keep working).
    connection = op.get_bind()
    invitation = sa.table('ceremony_invitation', sa.column('id', sa.Integer), sa.column('edition_id', sa.Integer),
                          sa.column('email', sa.String))
    oldest = sa.select(sa.func.min(invitation.c.id)).group_by(invitation.c.edition_id, invitation.c.email)
    connection.execute(invitation.delete().where(invitation.c.id.not_in(oldest)))
    with op.batch_alter_table('ceremony_invitation', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_ceremony_invitation_edition_id_email_name_key'), type_='unique')
        batch_op.create_unique_constraint(
            batch_op.f('uq_ceremony_invitation_edition_id_email'), ['edition_id', 'email'])
        batch_op.drop_column('name_key')
