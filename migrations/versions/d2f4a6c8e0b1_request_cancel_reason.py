"""deployment request: the reason Binnenwerk cancelled it

A planner who cancels a ministry's request gives a reason, as for a decline; the ministry reads it
on the request's page. Requests cancelled before have none (nor does one the ministry cancelled).

Revision ID: d2f4a6c8e0b1
Revises: c8e0a2b4d6f9
Create Date: 2026-12-07 10:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd2f4a6c8e0b1'
down_revision = 'c8e0a2b4d6f9'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('deployment_request', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cancel_reason', sa.Text(), nullable=False, server_default=''))


def downgrade():
    with op.batch_alter_table('deployment_request', schema=None) as batch_op:
        batch_op.drop_column('cancel_reason')
