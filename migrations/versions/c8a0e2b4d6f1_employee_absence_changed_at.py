"""employee: when an absence a location's calendar counts was last recorded, moved or removed

A location's visits count the people who come, leaving out who is absent then, as the ministry's
planning page does; their stamps (DTSTAMP, LAST-MODIFIED) follow `employee.absence_changed_at`, as
visits follow `supervisor.absence_changed_at` for the leader's line (b7d9f1a3c5e8). Rows stored
before stay empty: when their absences last changed is not known.

Revision ID: c8a0e2b4d6f1
Revises: b1d3f5a7c9e0
Create Date: 2026-12-07 19:45:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c8a0e2b4d6f1'
down_revision = 'b1d3f5a7c9e0'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('employee', schema=None) as batch_op:
        batch_op.add_column(sa.Column('absence_changed_at', sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('employee', schema=None) as batch_op:
        batch_op.drop_column('absence_changed_at')
