"""ministry work type agreements

Revision ID: 8f2d4b6a1c3e
Revises: 7e3b9c1d4a6f
Create Date: 2026-12-05 15:10:00

Every ministry starts with an agreement on every work type in use, so that nothing it could
request before is refused now; the admin narrows each agreement on the ministry's page.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '8f2d4b6a1c3e'
down_revision = '7e3b9c1d4a6f'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'ministry_work_type',
        sa.Column('ministry_id', sa.Integer(), nullable=False),
        sa.Column('work_type_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['ministry_id'], ['ministry.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['work_type_id'], ['work_type.id'], ondelete='RESTRICT'),
        sa.PrimaryKeyConstraint('ministry_id', 'work_type_id'),
    )
    op.execute(
        "INSERT INTO ministry_work_type (ministry_id, work_type_id) "
        "SELECT ministry.id, work_type.id FROM ministry CROSS JOIN work_type "
        "WHERE work_type.archived = false"
    )


def downgrade():
    op.drop_table('ministry_work_type')
