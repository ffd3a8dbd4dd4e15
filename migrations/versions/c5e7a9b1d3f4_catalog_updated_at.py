"""location, work type and supervisor updated at

When a place, a work type or a team leader was last edited: a calendar event that names one is
stamped (DTSTAMP, LAST-MODIFIED) no earlier, so a renamed place reaches phones as a newer event.

Rows stored before stay empty until their first edit (new rows get the moment they are made):
when they were last edited is not known, and an empty time leaves every event's stamp as it was.
Filling in the migration's moment would restamp every event in every subscribed calendar at once
for an edit nobody made.

Revision ID: c5e7a9b1d3f4
Revises: a3d5f7b9c1e2
Create Date: 2026-12-06 06:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c5e7a9b1d3f4'
down_revision = 'a3d5f7b9c1e2'
branch_labels = None
depends_on = None

TABLES = ('location', 'work_type', 'supervisor')


def upgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('updated_at', sa.DateTime(), nullable=True))


def downgrade():
    for table in reversed(TABLES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('updated_at')
