"""supervisor team_since

When a team leader came to lead their team (made in it, moved into it, taken back from the
archive). Of a team's active leaders the one there longest is its own, the fixed leader its
employees' week pages name; before, that was the one with the lowest id, so a leader with a
lower id moving into a team became every employee's fixed leader there. Empty for every
existing row: those count as there first (then by id, as before).

Revision ID: a7c9e1b3d5f2
Revises: ade494569faa
Create Date: 2026-12-08 09:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a7c9e1b3d5f2'
down_revision = 'ade494569faa'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('supervisor', schema=None) as batch_op:
        batch_op.add_column(sa.Column('team_since', sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('supervisor', schema=None) as batch_op:
        batch_op.drop_column('team_since')
