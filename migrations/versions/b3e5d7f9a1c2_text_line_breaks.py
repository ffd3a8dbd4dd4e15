"""text line breaks as LF

Browsers send a text area's line breaks as CRLF, imports and the command line as LF: the same
text stored both ways made an unchanged save or re-import count as a change. Forms and imports
now store LF; this rewrites what was stored with CR before.

Revision ID: b3e5d7f9a1c2
Revises: 9a4c2e6f8b1d
Create Date: 2026-12-05 17:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b3e5d7f9a1c2'
down_revision = '9a4c2e6f8b1d'
branch_labels = None
depends_on = None

COLUMNS = {
    "deployment_request": ("access_instructions", "notes", "decline_reason"),
    "employee_sensitive": ("health_notes", "accommodations"),
    "roster_change": ("reason",),
}


def upgrade():
    for table, columns in COLUMNS.items():
        for column in columns:
            op.execute(sa.text(
                f"UPDATE {table} SET {column} = REPLACE(REPLACE({column}, :crlf, :lf), :cr, :lf) "
                f"WHERE {column} LIKE :has_cr"
            ).bindparams(crlf="\r\n", lf="\n", cr="\r", has_cr="%\r%"))


def downgrade():
    pass  # LF is what every reader of these texts expects; nothing to undo
