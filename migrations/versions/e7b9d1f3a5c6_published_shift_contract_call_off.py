"""published shift contract call off

Marks a told shift that was called off because the person's contract ended before it, so that
taking that end back tells the shift again. Shifts called off before this column existed stay
called off (their cause was not kept); a publication sets them right.

Revision ID: e7b9d1f3a5c6
Revises: d6a8c0e2f4b5
Create Date: 2026-12-05 19:45:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e7b9d1f3a5c6'
down_revision = 'd6a8c0e2f4b5'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('published_shift', schema=None) as batch_op:
        batch_op.add_column(sa.Column('contract_call_off', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    with op.batch_alter_table('published_shift', schema=None) as batch_op:
        batch_op.drop_column('contract_call_off')
