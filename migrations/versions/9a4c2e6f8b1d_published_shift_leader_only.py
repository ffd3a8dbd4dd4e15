"""published shift leader only

Revision ID: 9a4c2e6f8b1d
Revises: 8f2d4b6a1c3e
Create Date: 2026-12-05 16:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '9a4c2e6f8b1d'
down_revision = '8f2d4b6a1c3e'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('published_shift', schema=None) as batch_op:
        batch_op.add_column(sa.Column('leader_only', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    with op.batch_alter_table('published_shift', schema=None) as batch_op:
        batch_op.drop_column('leader_only')
