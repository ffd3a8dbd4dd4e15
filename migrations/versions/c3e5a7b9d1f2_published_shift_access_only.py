"""published shift access only

Revision ID: c3e5a7b9d1f2
Revises: a7c9e1b3d5f8
Create Date: 2026-12-07 12:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c3e5a7b9d1f2'
down_revision = 'a7c9e1b3d5f8'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('published_shift', schema=None) as batch_op:
        batch_op.add_column(sa.Column('access_only', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    with op.batch_alter_table('published_shift', schema=None) as batch_op:
        batch_op.drop_column('access_only')
