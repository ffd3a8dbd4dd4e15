"""deployment request submission key

Revision ID: 5d1c0e7b2f4a
Revises: a9a9044f1a9e
Create Date: 2026-12-05 12:05:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5d1c0e7b2f4a'
down_revision = 'a9a9044f1a9e'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('deployment_request', schema=None) as batch_op:
        batch_op.add_column(sa.Column('submission_key', sa.String(length=80), nullable=True))
        batch_op.create_index('ix_request_submission_key', ['submission_key'], unique=True)


def downgrade():
    with op.batch_alter_table('deployment_request', schema=None) as batch_op:
        batch_op.drop_index('ix_request_submission_key')
        batch_op.drop_column('submission_key')
