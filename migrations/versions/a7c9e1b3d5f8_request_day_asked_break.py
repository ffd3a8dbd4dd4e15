"""request day asked: the break asked then

A day gone by keeps the break the request asked then, as it keeps its times: the roster grid
counts a shift never told so by the times and break asked that day, not by a break the ministry
set later. Days kept before get the request's break as it is at the upgrade: what the grid and
publishing used for them until now, so nothing shown changes, and a later change of the break
leaves them as they are. (NULL stays readable: the request's break of now stands in.)

Revision ID: a7c9e1b3d5f8
Revises: f5c7d9e1a3b4
Create Date: 2026-12-07 07:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a7c9e1b3d5f8'
down_revision = 'f5c7d9e1a3b4'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('request_day_asked', schema=None) as batch_op:
        batch_op.add_column(sa.Column('break_minutes', sa.Integer(), nullable=True))
    asked = sa.table('request_day_asked', sa.column('request_id', sa.Integer),
                     sa.column('break_minutes', sa.Integer))
    request = sa.table('deployment_request', sa.column('id', sa.Integer), sa.column('break_minutes', sa.Integer))
    op.execute(asked.update().values(break_minutes=sa.select(request.c.break_minutes)
                                     .where(request.c.id == asked.c.request_id).scalar_subquery()))


def downgrade():
    with op.batch_alter_table('request_day_asked', schema=None) as batch_op:
        batch_op.drop_column('break_minutes')
