"""location: archive the active locations of ministries archived before their locations went along

Since the seventeenth QA round archiving a ministry archives its locations (services.admin
_archive_locations_of). A ministry archived before that kept its locations active: the team form
and the request forms kept offering them. This upgrade archives them as archiving the ministry now
would, and writes the same audit row for each. A location that still has a running request or people
told to come (a published shift from today on) stays active: the admin archives it by hand once
that is over, as the admin page's refusal then explains. The downgrade takes back exactly the
locations this upgrade archived (by their audit rows).

Revision ID: d9b1c3e5f7a2
Revises: c8a0e2b4d6f1
Create Date: 2026-12-07 20:40:00

"""
import datetime as dt
from zoneinfo import ZoneInfo

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd9b1c3e5f7a2'
down_revision = 'c8a0e2b4d6f1'
branch_labels = None
depends_on = None

# The audit page says it in words (admin.audit_details); the downgrade finds its rows by it.
DETAIL = "with its ministry, by a database upgrade"
RUNNING = ("ingediend", "geaccepteerd", "ingepland")


def upgrade():
    connection = op.get_bind()
    # The app's day, not the database's: the Netherlands (a day early is safe, a day late is not).
    today = dt.datetime.now(ZoneInfo("Europe/Amsterdam")).date()
    now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    found = connection.execute(sa.text(
        "SELECT location.id FROM location JOIN ministry ON ministry.id = location.ministry_id "
        "WHERE ministry.archived = :yes AND location.archived = :no "
        "AND NOT EXISTS (SELECT 1 FROM deployment_request r WHERE r.location_id = location.id "
        "                AND r.status IN :running AND r.end_date >= :today) "
        "AND NOT EXISTS (SELECT 1 FROM published_shift s WHERE s.location_id = location.id "
        "                AND s.cancelled = :no AND s.date >= :today) "
        "ORDER BY location.id"
    ).bindparams(sa.bindparam("running", expanding=True), sa.bindparam("today", type_=sa.Date)),
        {"yes": True, "no": False, "running": list(RUNNING), "today": today}).scalars().all()
    audit = sa.table(
        "audit_event", sa.column("at", sa.DateTime), sa.column("actor_email", sa.String),
        sa.column("action", sa.String), sa.column("object_type", sa.String), sa.column("object_id", sa.String),
        sa.column("result", sa.String), sa.column("origin", sa.String), sa.column("detail", sa.Text))
    for location_id in found:
        connection.execute(sa.text(
            "UPDATE location SET archived = :yes, updated_at = :now WHERE id = :id"),
            {"yes": True, "now": now, "id": location_id})
    if found:
        op.bulk_insert(audit, [
            {"at": now, "actor_email": "", "action": "location_archived", "object_type": "Location",
             "object_id": str(location_id), "result": "ok", "origin": "cli", "detail": DETAIL}
            for location_id in found])


def downgrade():
    connection = op.get_bind()
    archived = connection.execute(sa.text(
        "SELECT object_id FROM audit_event WHERE action = 'location_archived' AND detail = :detail"),
        {"detail": DETAIL}).scalars().all()
    for object_id in archived:
        connection.execute(sa.text("UPDATE location SET archived = :no WHERE id = :id"),
                           {"no": False, "id": int(object_id)})
    connection.execute(sa.text(
        "DELETE FROM audit_event WHERE action = 'location_archived' AND detail = :detail"), {"detail": DETAIL})
