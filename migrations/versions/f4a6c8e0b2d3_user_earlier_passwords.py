"""user earlier passwords

`previous_password_hash` holds one hash a line: the user's own password before an admin's reset
and each temporary password given since, so none of them can be chosen next. A text column, as a
run of resets makes several hashes.

Revision ID: f4a6c8e0b2d3
Revises: e2b4d6f8a0c1
Create Date: 2026-12-06 07:15:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f4a6c8e0b2d3'
down_revision = 'e2b4d6f8a0c1'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.alter_column('previous_password_hash', existing_type=sa.String(length=256),
                              type_=sa.Text(), existing_nullable=True)


def downgrade():
    # A run of hashes does not fit the older column: keep the first, the user's own password.
    bind = op.get_bind()
    user = sa.table("user", sa.column("id", sa.Integer), sa.column("previous_password_hash", sa.Text))
    for ident, hashes in bind.execute(sa.select(user.c.id, user.c.previous_password_hash).where(
            user.c.previous_password_hash.is_not(None))).all():
        bind.execute(user.update().where(user.c.id == ident).values(
            previous_password_hash=(hashes.split() or [None])[0]))
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.alter_column('previous_password_hash', existing_type=sa.Text(),
                              type_=sa.String(length=256), existing_nullable=True)
