"""employee sort name

Lists of people sorted on the surname after its particles: 'de Groot' under G, as Dutch lists
do. The column is filled on every save (models._employee_sort_name); this fills it for everyone
stored before.

Revision ID: c4f6e8a0b2d3
Revises: b3e5d7f9a1c2
Create Date: 2026-12-05 17:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c4f6e8a0b2d3'
down_revision = 'b3e5d7f9a1c2'
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
    return f"{main} {first_name} {particles}".casefold().strip()[:250]


def upgrade():
    sort_name = _sort_name
    with op.batch_alter_table('employee', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sort_name', sa.String(length=250), server_default='', nullable=False))
        batch_op.create_index(batch_op.f('ix_employee_sort_name'), ['sort_name'], unique=False)
    connection = op.get_bind()
    employee = sa.table('employee', sa.column('id', sa.Integer), sa.column('first_name', sa.String),
                        sa.column('last_name', sa.String), sa.column('sort_name', sa.String))
    rows = connection.execute(sa.select(employee.c.id, employee.c.first_name, employee.c.last_name)).all()
    for row_id, first, last in rows:
        connection.execute(employee.update().where(employee.c.id == row_id)
                           .values(sort_name=sort_name(first or "", last or "")))


def downgrade():
    with op.batch_alter_table('employee', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_employee_sort_name'))
        batch_op.drop_column('sort_name')
