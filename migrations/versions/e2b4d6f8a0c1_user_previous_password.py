"""user previous password

The user's own password hash while an admin's temporary one is in use, so that the password they
choose next is not the one that had to be reset. Empty for every existing row.

Revision ID: e2b4d6f8a0c1
Revises: c5e7a9b1d3f4
Create Date: 2026-12-06 06:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e2b4d6f8a0c1'
down_revision = 'c5e7a9b1d3f4'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('previous_password_hash', sa.String(length=256), nullable=True))


def downgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('previous_password_hash')
