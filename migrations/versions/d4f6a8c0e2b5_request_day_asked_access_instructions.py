"""request day asked: how to get in as told then

A day gone by keeps the access instructions its people were told, so the week page, the
calendar feed and a printed week sheet still say how they got in after the ministry writes new
ones. Days kept before get NULL: not kept, the request's text stands in (what was shown for them
until now); the first change of the instructions after the upgrade keeps it for them.

Revision ID: d4f6a8c0e2b5
Revises: c3e5a7b9d1f2
Create Date: 2026-12-07 15:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd4f6a8c0e2b5'
down_revision = 'c3e5a7b9d1f2'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('request_day_asked', schema=None) as batch_op:
        batch_op.add_column(sa.Column('access_instructions', sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table('request_day_asked', schema=None) as batch_op:
        batch_op.drop_column('access_instructions')
