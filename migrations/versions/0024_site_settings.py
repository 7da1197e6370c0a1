"""Site settings (issue #15): the awards team's contact, the organisation's name and logo, the accessibility
statement's known problems; one row, made here with its defaults so that every page reads well before anyone edits.

Revision ID: 0024
Revises: 0021
Create Date: 2026-12-07 17:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0024'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade():
    table = op.create_table(
        'site_settings',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('organisation_name', sa.String(length=200),
                  server_default='the Health and Social Care Alliance Scotland (the ALLIANCE)', nullable=False),
        sa.Column('contact_email', sa.String(length=254), server_default='', nullable=False),
        sa.Column('contact_phone', sa.String(length=40), server_default='', nullable=False),
        sa.Column('contact_address', sa.Text(), server_default='', nullable=False),
        sa.Column('logo_filename', sa.String(length=100), nullable=True),
        sa.Column('logo_alt', sa.String(length=200), server_default='', nullable=False),
        sa.Column('logo_width', sa.Integer(), server_default='0', nullable=False),
        sa.Column('logo_height', sa.Integer(), server_default='0', nullable=False),
        sa.Column('known_problems', sa.Text(), server_default='', nullable=False),
        sa.Column('statement_reviewed_on', sa.Date(), nullable=True),
        sa.Column('version', sa.Integer(), server_default='1', nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint('id = 1', name='ck_site_settings_one_row'),
        sa.PrimaryKeyConstraint('id'),
    )
    op.bulk_insert(table, [{'id': 1}])


def downgrade():
    op.drop_table('site_settings')
