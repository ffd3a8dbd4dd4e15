"""published shift short notice

Revision ID: 7e3b9c1d4a6f
Revises: 5d1c0e7b2f4a
Create Date: 2026-12-05 12:20:00

"""
import datetime as dt

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7e3b9c1d4a6f'
down_revision = '5d1c0e7b2f4a'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('published_shift', schema=None) as batch_op:
        batch_op.add_column(sa.Column('short_notice', sa.Boolean(), server_default=sa.false(), nullable=False))
    # Listed as before: changes of the last three days (updated_at is UTC).
    shifts = sa.table('published_shift', sa.column('short_notice', sa.Boolean()), sa.column('sequence', sa.Integer()),
                      sa.column('updated_at', sa.DateTime()))
    cutoff = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None) - dt.timedelta(days=3)
    op.execute(shifts.update().where(shifts.c.sequence > 0, shifts.c.updated_at >= cutoff).values(short_notice=True))


def downgrade():
    with op.batch_alter_table('published_shift', schema=None) as batch_op:
        batch_op.drop_column('short_notice')
