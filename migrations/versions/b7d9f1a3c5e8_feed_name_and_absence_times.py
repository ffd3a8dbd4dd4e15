"""team, employee and supervisor: when names, leaders and absences changed

When a team or an employee was renamed (`name_changed_at`, set only when the name changes: no
other edit of a person shows in a feed, their personal data least of all), when a leader last left
a team (`team.leader_left_at`) and when a leader's absence was recorded, moved or removed
(`supervisor.absence_changed_at`: a removed absence leaves no row to ask). A calendar event whose
text they change is stamped (DTSTAMP, LAST-MODIFIED) no earlier.

Rows stored before stay empty, as for c5e7a9b1d3f4: when these last happened is not known, and
filling in the migration's moment would restamp every event in every subscribed calendar at once.

Revision ID: b7d9f1a3c5e8
Revises: f4a6c8e0b2d3
Create Date: 2026-12-06 09:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b7d9f1a3c5e8'
down_revision = 'f4a6c8e0b2d3'
branch_labels = None
depends_on = None

COLUMNS = (
    ('team', 'name_changed_at'),
    ('team', 'leader_left_at'),
    ('employee', 'name_changed_at'),
    ('supervisor', 'absence_changed_at'),
)


def upgrade():
    for table in ('team', 'employee', 'supervisor'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name in (column for owner, column in COLUMNS if owner == table):
                batch_op.add_column(sa.Column(name, sa.DateTime(), nullable=True))


def downgrade():
    for table in ('supervisor', 'employee', 'team'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name in reversed([column for owner, column in COLUMNS if owner == table]):
                batch_op.drop_column(name)
