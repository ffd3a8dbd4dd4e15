"""SQLite: ids of deleted rows are never given again (AUTOINCREMENT)

Without AUTOINCREMENT SQLite gives a new row the highest id in use plus one, so deleting the newest
employee (entered by mistake), absence, ministry, location or work type gave its id to the next
one: the audit log then showed the deleted one's history as the newcomer's ("Medewerker 76" made
twice). PostgreSQL's sequences never reuse an id; nothing changes there.

Revision ID: e4b6c8d0f2a3
Revises: d2f4a6c8e0b1
Create Date: 2026-12-07 01:20:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'e4b6c8d0f2a3'
down_revision = 'd2f4a6c8e0b1'
branch_labels = None
depends_on = None

TABLES = ("ministry", "location", "work_type", "employee", "absence")


def _recreate(autoincrement: bool) -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for table in TABLES:
        # Copied as reflected (columns, keys, indexes and named CHECK constraints) into a table made
        # with or without AUTOINCREMENT; env.py turns foreign keys off around it and checks them after.
        with op.batch_alter_table(table, recreate="always", table_kwargs={"sqlite_autoincrement": autoincrement}):
            pass


def upgrade():
    _recreate(True)


def downgrade():
    _recreate(False)
