"""supervisor archived on

The day a team leader was archived: from then on they count as away where they still lead,
also once those days have gone by. Leaders archived before keep it empty (from today on).

Revision ID: a3d5f7b9c1e2
Revises: f1c3e5a7b9d2
Create Date: 2026-12-06 01:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a3d5f7b9c1e2'
down_revision = 'f1c3e5a7b9d2'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('supervisor', schema=None) as batch_op:
        batch_op.add_column(sa.Column('archived_on', sa.Date(), nullable=True))


def downgrade():
    with op.batch_alter_table('supervisor', schema=None) as batch_op:
        batch_op.drop_column('archived_on')
