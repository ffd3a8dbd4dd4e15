"""request day asked

What a request asked on the days gone by when it changed or was cancelled, so the job-agreement
report and the ministry's plan keep what was asked then. The table is filled from now on by the
app (services.request_history); this fills it for the changes made before, from the audit log:
each change by a ministry's form keeps the old values there ("before=...") and each status change
the old status ("from=..."). Changes by import kept no old values, so they cannot be rebuilt.

Revision ID: d6a8c0e2f4b5
Revises: c4f6e8a0b2d3
Create Date: 2026-12-05 19:50:00

"""
import datetime as dt
import json
from zoneinfo import ZoneInfo

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd6a8c0e2f4b5'
down_revision = 'c4f6e8a0b2d3'
branch_labels = None
depends_on = None

# As binnenwerk.services.request_history was when this migration was written: a migration writes
# the same rows whatever the app's code becomes later.
TRACKED = ("start_date", "end_date", "weekdays", "headcount", "location_id", "work_type_id",
           "start_minute", "end_minute")
DATES = ("start_date", "end_date")
COMMITTED = ("geaccepteerd", "ingepland", "afgerond")
CANCELLED = "geannuleerd"
ZONE = ZoneInfo("Europe/Amsterdam")


def _holidays(year, cache={}):
    if year not in cache:
        import holidays

        cache[year] = set(holidays.country_holidays("NL", years=year)) | {dt.date(year, 5, 5)}
    return cache[year]


def _asks_on(values, day):
    return (values["start_date"] <= day <= values["end_date"] and str(day.isoweekday()) in values["weekdays"]
            and day not in _holidays(day.year))


def _past_days(values, today):
    day, last = values["start_date"], min(values["end_date"], today - dt.timedelta(days=1))
    while day <= last:
        if _asks_on(values, day):
            yield day
        day += dt.timedelta(days=1)


def _before(detail):
    """The old values of a 'request_changed' entry, or None where none were kept."""
    _, mark, stored = (detail or "").partition("; before=")
    if not mark:
        return None
    try:
        values = json.loads(stored)
    except ValueError:
        return None
    for name in DATES:
        if isinstance(values.get(name), str):
            values[name] = dt.date.fromisoformat(values[name])
    return {k: v for k, v in values.items() if k in TRACKED}


def upgrade():
    op.create_table(
        'request_day_asked',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('request_id', sa.Integer(), nullable=False),
        sa.Column('date', sa.Date(), nullable=False),
        sa.Column('headcount', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('location_id', sa.Integer(), nullable=False),
        sa.Column('work_type_id', sa.Integer(), nullable=False),
        sa.Column('start_minute', sa.Integer(), nullable=False),
        sa.Column('end_minute', sa.Integer(), nullable=False),
        sa.CheckConstraint('headcount >= 0 AND headcount <= 100', name=op.f('ck_request_day_asked_asked_headcount_range')),
        sa.ForeignKeyConstraint(['location_id'], ['location.id'], name=op.f('fk_request_day_asked_location_id_location'),
                                ondelete='RESTRICT'),
        sa.ForeignKeyConstraint(['request_id'], ['deployment_request.id'],
                                name=op.f('fk_request_day_asked_request_id_deployment_request'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['work_type_id'], ['work_type.id'],
                                name=op.f('fk_request_day_asked_work_type_id_work_type'), ondelete='RESTRICT'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_request_day_asked')),
        sa.UniqueConstraint('request_id', 'date', name='uq_request_day_asked'),
    )
    _fill_from_audit(op.get_bind())


def _fill_from_audit(connection):
    audit = sa.table('audit_event', sa.column('id', sa.Integer), sa.column('at', sa.DateTime),
                     sa.column('action', sa.String), sa.column('object_type', sa.String),
                     sa.column('object_id', sa.String), sa.column('detail', sa.Text))
    types = {name: sa.Date if name in DATES or name == 'date' else sa.String if name in ('weekdays', 'status')
             else sa.Integer for name in (*TRACKED, 'id', 'status', 'request_id', 'date')}
    request = sa.table('deployment_request', *(sa.column(name, types[name]) for name in ('id', 'status', *TRACKED)))
    asked = sa.table('request_day_asked', *(sa.column(name, types.get(name, sa.Integer)) for name in (
        'request_id', 'date', 'headcount', 'status', 'location_id', 'work_type_id', 'start_minute', 'end_minute')))
    events = {}
    for event_id, at, action, object_id, detail in connection.execute(
        sa.select(audit.c.id, audit.c.at, audit.c.action, audit.c.object_id, audit.c.detail)
        .where(audit.c.object_type == 'DeploymentRequest', audit.c.action.like('request_%'))
        .order_by(audit.c.at, audit.c.id)
    ):
        if object_id.isdigit():
            events.setdefault(int(object_id), []).append((at, action, detail or ""))
    for row in connection.execute(sa.select(request).where(request.c.id.in_(list(events) or [0]))).mappings():
        history = events[row['id']]
        # Walk back from the request as it is to what it was before each event.
        states = [dict(row)]
        for _at, action, detail in reversed(history):
            earlier = dict(states[0])
            if action == 'request_changed':
                earlier.update(_before(detail) or {})
            elif detail.startswith('from='):
                earlier['status'] = detail[len('from='):].split(';')[0].strip()
            states.insert(0, earlier)
        kept = set()
        for (at, action, detail), old, new in zip(history, states, states[1:]):
            changed = any(old[name] != new[name] for name in TRACKED)
            cancelled = old['status'] in COMMITTED and new['status'] == CANCELLED
            if not (changed or cancelled):
                continue
            today = at.replace(tzinfo=dt.timezone.utc).astimezone(ZONE).date()
            for day in sorted((set(_past_days(old, today)) | set(_past_days(new, today))) - kept):
                kept.add(day)
                connection.execute(asked.insert().values(
                    request_id=row['id'], date=day, headcount=old['headcount'] if _asks_on(old, day) else 0,
                    status=old['status'], location_id=old['location_id'], work_type_id=old['work_type_id'],
                    start_minute=old['start_minute'], end_minute=old['end_minute']))


def downgrade():
    op.drop_table('request_day_asked')
