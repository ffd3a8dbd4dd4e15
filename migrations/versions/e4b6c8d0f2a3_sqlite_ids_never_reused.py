"""SQLite: ids of deleted rows are never given again (AUTOINCREMENT)

Without AUTOINCREMENT SQLite gives a new row the highest id in use plus one, so deleting the newest
employee (entered by mistake), absence, ministry, location or work type gave its id to the next
one: the audit log then showed the deleted one's history as the newcomer's ("Medewerker 76" made
twice). The ids start after every id the audit log names, so a row deleted before this migration
keeps its id too. PostgreSQL's sequences never reuse an id; nothing changes there.

Revision ID: e4b6c8d0f2a3
Revises: d2f4a6c8e0b1
Create Date: 2026-12-07 01:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e4b6c8d0f2a3'
down_revision = 'd2f4a6c8e0b1'
branch_labels = None
depends_on = None

# Each table and the object_type its audit rows name.
TABLES = {"ministry": "Ministry", "location": "Location", "work_type": "WorkType", "employee": "Employee",
          "absence": "Absence"}


def _recreate(autoincrement: bool) -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for table in TABLES:
        # Copied as reflected (columns, keys, indexes and named CHECK constraints) into a table made
        # with or without AUTOINCREMENT; env.py turns foreign keys off around it and checks them after.
        with op.batch_alter_table(table, recreate="always", table_kwargs={"sqlite_autoincrement": autoincrement}):
            pass
        if autoincrement:
            _start_after_audited(table, TABLES[table])


def _start_after_audited(table: str, object_type: str) -> None:
    """Start the table's ids after every id the audit log names for it: a row deleted before this
    migration (the newest employee, entered by mistake) has its id there, not in the table, and
    the next row must not take it."""
    bind = op.get_bind()
    audited = bind.execute(sa.text(
        "SELECT MAX(CAST(object_id AS INTEGER)) FROM audit_event WHERE object_type = :kind "
        "AND object_id <> '' AND object_id NOT GLOB '*[^0-9]*'"), {"kind": object_type}).scalar() or 0
    stored = bind.execute(sa.text(f"SELECT MAX(id) FROM {table}")).scalar() or 0
    start = max(audited, stored)
    if not start:
        return
    if bind.execute(sa.text("UPDATE sqlite_sequence SET seq = :start WHERE name = :name"),
                    {"start": start, "name": table}).rowcount == 0:
        bind.execute(sa.text("INSERT INTO sqlite_sequence (name, seq) VALUES (:name, :start)"),
                     {"name": table, "start": start})


def upgrade():
    _recreate(True)


def downgrade():
    _recreate(False)
