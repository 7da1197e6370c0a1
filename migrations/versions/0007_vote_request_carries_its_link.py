"""A vote request carries its own single-use link: the digest of its newest emailed link's nonce, instead of a row in
single_use_link. Requests made before keep working: each gets the digest of its newest link that was not replaced.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29 19:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('vote_request', schema=None) as batch_op:
        batch_op.add_column(sa.Column('link_digest', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_vote_request_link_digest'), ['link_digest'])

    # The emailed links of requests made before this revision go on working (a used one still says it was used); a
    # link that had been replaced stays replaced. Plain SQL that PostgreSQL and SQLite both run.
    op.execute(
        """
        UPDATE vote_request SET link_digest = (
            SELECT link.nonce_hash FROM single_use_link AS link
            WHERE link.purpose = 'vote' AND link.subject_type = 'vote_request' AND link.subject_id = vote_request.id
              AND link.superseded_at IS NULL
            ORDER BY link.id DESC LIMIT 1
        )
        """
    )


def downgrade():
    # Links made since the upgrade live only on their requests: give each a single_use_link row again.
    op.execute(
        """
        INSERT INTO single_use_link
            (purpose, nonce_hash, subject_type, subject_id, created_at, expires_at, used_at, superseded_at)
        SELECT 'vote', link_digest, 'vote_request', id, created_at, expires_at, confirmed_at, superseded_at
        FROM vote_request
        WHERE link_digest IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM single_use_link AS link WHERE link.nonce_hash = vote_request.link_digest)
        """
    )
    with op.batch_alter_table('vote_request', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_vote_request_link_digest'), type_='unique')
        batch_op.drop_column('link_digest')
