"""sort names without accents

Lists of people sort 'Özdemir' under O, as Dutch lists do, not after Z: the stored sort key
(employee.sort_name, filled on every save by models._employee_sort_name) leaves accents out now;
this refills it for everyone stored before.

Revision ID: f5c7d9e1a3b4
Revises: e4b6c8d0f2a3
Create Date: 2026-12-07 06:50:00

"""
import unicodedata

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f5c7d9e1a3b4'
down_revision = 'e4b6c8d0f2a3'
branch_labels = None
depends_on = None


def _sort_name(first_name: str, last_name: str) -> str:
    """binnenwerk.formatting.sort_name as it was when this migration was written: a migration
    writes the same rows whatever the app's code becomes later."""
    words = last_name.split()
    first = 0
    while first < len(words) - 1 and words[first].lstrip("'")[:1].islower():
        first += 1
    main, particles = " ".join(words[first:]), " ".join(words[:first])
    key = unicodedata.normalize("NFKD", f"{main} {first_name} {particles}")
    return "".join(ch for ch in key if not unicodedata.combining(ch)).casefold().strip()[:250]


def upgrade():
    connection = op.get_bind()
    employee = sa.table('employee', sa.column('id', sa.Integer), sa.column('first_name', sa.String),
                        sa.column('last_name', sa.String), sa.column('sort_name', sa.String))
    rows = connection.execute(sa.select(employee.c.id, employee.c.first_name, employee.c.last_name,
                                        employee.c.sort_name)).all()
    for row_id, first, last, stored in rows:
        key = _sort_name(first or "", last or "")
        if key != stored:
            connection.execute(employee.update().where(employee.c.id == row_id).values(sort_name=key))


def downgrade():
    pass  # the keys with accents sorted worse; nothing to put back
