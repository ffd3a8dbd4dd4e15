"""solve job region

A solve of one region's teams: the region it plans (empty for a one-team or an all-teams solve).

Revision ID: f1c3e5a7b9d2
Revises: e7b9d1f3a5c6
Create Date: 2026-12-06 10:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f1c3e5a7b9d2'
down_revision = 'e7b9d1f3a5c6'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('solve_job', schema=None) as batch_op:
        batch_op.add_column(sa.Column('region', sa.String(length=100), nullable=True))


def downgrade():
    with op.batch_alter_table('solve_job', schema=None) as batch_op:
        batch_op.drop_column('region')
