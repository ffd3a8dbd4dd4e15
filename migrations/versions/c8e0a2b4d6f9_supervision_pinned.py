"""supervision: a team leader chosen by a person stays (pinned)

A day's team leader chosen on the team leader page is pinned: planning again keeps them while the
team works at that place that day. Rows stored before were the solver's or supervise()'s choice,
so they start unpinned.

Revision ID: c8e0a2b4d6f9
Revises: b7d9f1a3c5e8
Create Date: 2026-12-06 17:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c8e0a2b4d6f9'
down_revision = 'b7d9f1a3c5e8'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('supervision_assignment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('pinned', sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade():
    with op.batch_alter_table('supervision_assignment', schema=None) as batch_op:
        batch_op.drop_column('pinned')
