"""request date off

The single dates of a request's period it does not ask for after all: the ministry (or the
planner) calls off one day (the building is closed: a move, a strike) without dropping that
weekday from every week. A new table; requests keep every day they asked for until now.

Revision ID: b1d3f5a7c9e0
Revises: d4f6a8c0e2b5
Create Date: 2026-12-07 15:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b1d3f5a7c9e0'
down_revision = 'd4f6a8c0e2b5'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'request_date_off',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('request_id', sa.Integer(), nullable=False),
        sa.Column('date', sa.Date(), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_request_date_off_created_by_id_user'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['request_id'], ['deployment_request.id'],
                                name=op.f('fk_request_date_off_request_id_deployment_request'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_request_date_off')),
        sa.UniqueConstraint('request_id', 'date', name='uq_request_date_off'),
    )


def downgrade():
    op.drop_table('request_date_off')
