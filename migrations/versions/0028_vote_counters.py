"""The figures of a public vote kept as votes arrive (issue #18): per finalist, per hour, per email domain and per
address block, filled here from the votes already cast so that an upgraded database is right at once; and an index of
the vote requests still waiting for their link, which the vote view counts.

Revision ID: 0028_vote_counters
Revises: 0027_servers
Create Date: 2026-12-07 23:45:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0028_vote_counters'
down_revision = '0027_servers'
branch_labels = None
depends_on = None

COUNTED = "sum(CASE WHEN voided_at IS NULL THEN 1 ELSE 0 END)"
VOIDED = "sum(CASE WHEN voided_at IS NULL THEN 0 ELSE 1 END)"
ASSISTED = "sum(CASE WHEN voided_at IS NULL AND entered_by_id IS NOT NULL THEN 1 ELSE 0 END)"


def _counts_table(name, key_column, *extra_columns):
    """A table of figures: the contest and one key, the counted and voided votes (and any more amounts)."""
    op.create_table(
        name,
        sa.Column('contest_id', sa.Integer(), nullable=False),
        key_column,
        sa.Column('counted', sa.Integer(), nullable=False),
        sa.Column('voided', sa.Integer(), nullable=False),
        *extra_columns,
        sa.ForeignKeyConstraint(['contest_id'], ['contest.id'], name=op.f(f'fk_{name}_contest_id_contest'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('contest_id', key_column.name, name=op.f(f'pk_{name}')),
    )


def _hour_sql():
    """SQL: the UTC hour of a vote, as the app stores a moment (SQLite: text of SQLAlchemy's one format)."""
    if op.get_bind().dialect.name == 'postgresql':
        return "date_trunc('hour', cast_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'"
    return "strftime('%Y-%m-%d %H:00:00.000000', cast_at)"


def upgrade():
    op.create_table(
        'vote_count_by_finalist',
        sa.Column('contest_id', sa.Integer(), nullable=False),
        sa.Column('finalist_id', sa.Integer(), nullable=False),
        sa.Column('counted', sa.Integer(), nullable=False),
        sa.Column('voided', sa.Integer(), nullable=False),
        sa.Column('assisted', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['contest_id'], ['contest.id'],
                                name=op.f('fk_vote_count_by_finalist_contest_id_contest'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['finalist_id'], ['finalist.id'],
                                name=op.f('fk_vote_count_by_finalist_finalist_id_finalist'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('contest_id', 'finalist_id', name=op.f('pk_vote_count_by_finalist')),
    )
    _counts_table('vote_count_by_hour', sa.Column('hour', sa.DateTime(timezone=True), nullable=False))
    _counts_table('vote_count_by_domain', sa.Column('email_domain', sa.String(length=254), nullable=False))
    _counts_table('vote_count_by_network', sa.Column('client_network', sa.String(length=64), nullable=False))
    for name in ('vote_count_by_domain', 'vote_count_by_network'):
        with op.batch_alter_table(name, schema=None) as batch_op:
            batch_op.create_index(f'ix_{name}_busiest', ['contest_id', 'counted'], unique=False)
    with op.batch_alter_table('vote_request', schema=None) as batch_op:
        waiting = sa.text('confirmed_at IS NULL AND superseded_at IS NULL')
        batch_op.create_index('ix_vote_request_waiting', ['contest_id', 'expires_at'], unique=False,
                              postgresql_where=waiting, sqlite_where=waiting)

    # The votes already cast, counted once.
    hour = _hour_sql()
    for table, columns, key, amounts in (
        ('vote_count_by_finalist', 'finalist_id', 'finalist_id', (COUNTED, VOIDED, ASSISTED)),
        ('vote_count_by_hour', 'hour', hour, (COUNTED, VOIDED)),
        ('vote_count_by_domain', 'email_domain', 'email_domain', (COUNTED, VOIDED)),
        ('vote_count_by_network', 'client_network', 'client_network', (COUNTED, VOIDED)),
    ):
        names = 'counted, voided, assisted' if len(amounts) == 3 else 'counted, voided'
        op.execute(
            f"INSERT INTO {table} (contest_id, {columns}, {names}) "
            f"SELECT contest_id, {key}, {', '.join(amounts)} FROM vote GROUP BY contest_id, {key}"
        )


def downgrade():
    with op.batch_alter_table('vote_request', schema=None) as batch_op:
        batch_op.drop_index('ix_vote_request_waiting')
    for name in ('vote_count_by_domain', 'vote_count_by_network'):
        with op.batch_alter_table(name, schema=None) as batch_op:
            batch_op.drop_index(f'ix_{name}_busiest')
    for name in ('vote_count_by_network', 'vote_count_by_domain', 'vote_count_by_hour', 'vote_count_by_finalist'):
        op.drop_table(name)
