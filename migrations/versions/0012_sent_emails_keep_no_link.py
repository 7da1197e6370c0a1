"""Emails already sent over SMTP, or given up on, lose what they said and their address: their bodies hold links that
still work for whoever reads them (issue #14, finding 4). From now on the send-mail worker removes them itself, in the
commit that marks an email sent or failed; this clears the rows it sent before. No change to the schema.

Emails still waiting keep theirs (they must still be sent), and so do those of the development mailbox (development
only, where people follow the links).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 13:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

# The note mail_delivery.REMOVED_BODY held when this revision was written (a migration does not follow later wording).
REMOVED_BODY = (
    "What this email said was removed once it was sent or given up on: it held a link that works for whoever has it, "
    "and details of the person it went to."
)
GONE = "(status = 'sent' AND transport <> 'devmail') OR status = 'failed'"


def upgrade():
    # Servers often quote the recipient in a refusal: keep the reason, not the address. Plain SQL both databases run.
    op.execute(
        f"UPDATE outbox_email SET last_error = replace(last_error, to_address, 'the recipient')"
        f" WHERE ({GONE}) AND to_address <> ''"
    )
    op.execute(
        sa.text(f"UPDATE outbox_email SET to_address = '', text_body = :text, html_body = :html WHERE {GONE}")
        .bindparams(text=REMOVED_BODY, html=f"<p>{REMOVED_BODY}</p>")
    )


def downgrade():
    pass  # what the emails said is gone on purpose: nothing to put back, and the older code reads these rows as they are
