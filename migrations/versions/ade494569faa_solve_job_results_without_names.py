"""solve_job: results name no one who was anonymised

Since the eighteenth QA round a solve job's result holds people by id, never by name (the job page
names them when it is shown), and anonymising takes the person out of every result. Results stored
before held names: the pins a solve could not keep (with why: "absent"), the pins that clashed (with
the e-mail address that told namesakes apart), the people pinned where a team leader was, and what
changed about someone in a team left out. Anonymising did not look at them, so a person anonymised
before this upgrade may still be named there, with days they were absent.

This upgrade names everyone in stored results by id where the name is still one person's (of those
not anonymised); a name no longer anyone's (anonymised, renamed or deleted) is taken out: a pin that
could not stay goes with its day and reason, an absence in a team's changes goes, and elsewhere the
person reads as "onbekend" (an id of None). A one-team solve's stored message of clashing pins that
named such a person is replaced by one without names (the job page words the pins from the result
anyway). The downgrade leaves the results as they are: the names are gone.

Revision ID: ade494569faa
Revises: d9b1c3e5f7a2
Create Date: 2026-12-07 22:00:00

"""
import copy

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'ade494569faa'
down_revision = 'd9b1c3e5f7a2'
branch_labels = None
depends_on = None

# What changed about an employee in a left-out team's changes (binnenwerk.jobs.EMPLOYEE_CHANGES).
EMPLOYEE_CHANGES = ("gone", "absent", "hours", "skills", "contract")
# The stored message of a one-team solve whose pins clash, when it named someone no longer known.
WITHOUT_NAMES = "De vastgezette diensten passen niet samen in een rooster. Het rooster is niet veranderd."
BATCH = 200

solve_job = sa.table("solve_job", sa.column("id", sa.Integer), sa.column("result", sa.JSON),
                     sa.column("error", sa.Text))


def _people(connection) -> tuple[dict[str, int | None], set[int]]:
    """Each name of someone not anonymised -> their id (None when two share it), and the ids of
    the anonymised."""
    by_name: dict[str, int | None] = {}
    anonymised = set()
    for pk, first, last, anonymised_at in connection.execute(sa.text(
            "SELECT id, first_name, last_name, anonymised_at FROM employee")):
        if anonymised_at is not None:
            anonymised.add(pk)
            continue
        name = f"{first} {last}"
        by_name[name] = None if name in by_name else pk
    return by_name, anonymised


def _rewritten(result, by_name: dict[str, int | None], anonymised: set[int]):
    """(the result without names of people no longer known, whether a pin's person was lost), or
    None when nothing changes."""
    if not isinstance(result, dict):
        return None
    result = copy.deepcopy(result)
    changed = lost = False
    unknown = object()

    def who(row):
        """The row's person: their id, None for two living people of one name, unknown when nobody."""
        if "employee_id" in row:
            return unknown if row["employee_id"] in anonymised else row["employee_id"]
        name = row.get("name")
        return by_name[name] if name in by_name else unknown

    dropped = result.get("dropped_pins")
    if isinstance(dropped, list):
        kept = []
        for pin in dropped:
            if not isinstance(pin, dict):
                kept.append(pin)
                continue
            person = who(pin)
            if person is unknown:
                changed = True
                continue
            if person is not None and "name" in pin:
                pin = {key: value for key, value in pin.items() if key != "name"}
                pin["employee_id"] = person
                changed = True
            kept.append(pin)
        result["dropped_pins"] = kept
    left_out = [entry for entry in result.get("left_out") or [] if isinstance(entry, dict)]
    pins = [pin for pin in [*(result.get("conflicting_pins") or []),
                            *(pin for entry in left_out for pin in entry.get("pins") or [])] if isinstance(pin, dict)]
    for pin in pins:
        if "name" in pin:
            person = who(pin)
            if person is not None:
                for key in ("name", "email", "nr"):
                    pin.pop(key, None)
                pin["employee_id"] = None if person is unknown else person
                changed = True
                lost = lost or person is unknown
        for lead in pin.get("held") or []:
            if isinstance(lead, dict) and isinstance(lead.get("with"), list):
                people = [by_name.get(name, unknown) if name in by_name else unknown for name in lead["with"]]
                if None not in people:  # two living people of one name: the names stay
                    lead["with_ids"] = [None if person is unknown else person for person in people]
                    del lead["with"]
                    changed = True
                    lost = lost or unknown in people
    for entry in left_out:
        changes = entry.get("changes")
        if not isinstance(changes, list):
            continue
        kept = []
        for change in changes:
            if isinstance(change, dict) and change.get("what") in EMPLOYEE_CHANGES and "name" in change:
                person = who(change)
                if person is unknown and change["what"] == "absent":
                    changed = True
                    continue
                if person is not None:
                    change = {key: value for key, value in change.items() if key != "name"}
                    change["employee_id"] = None if person is unknown else person
                    changed = True
            kept.append(change)
        entry["changes"] = kept or [{"what": "other"}]
    return (result, lost) if changed else None


def upgrade():
    connection = op.get_bind()
    by_name, anonymised = _people(connection)
    ids = [row[0] for row in connection.execute(
        sa.select(solve_job.c.id).where(solve_job.c.result.is_not(None)).order_by(solve_job.c.id))]
    for start in range(0, len(ids), BATCH):
        for pk, result, error in connection.execute(
                sa.select(solve_job.c.id, solve_job.c.result, solve_job.c.error)
                .where(solve_job.c.id.in_(ids[start:start + BATCH]))).all():
            found = _rewritten(result, by_name, anonymised)
            if found is None:
                continue
            result, lost = found
            values = {"result": result}
            if lost and error and result.get("conflicting_pins") is not None:
                values["error"] = WITHOUT_NAMES
            connection.execute(solve_job.update().where(solve_job.c.id == pk).values(**values))


def _named(result, names: dict[int, str]):
    """For the downgrade: the result with everyone held by id named as they are now (the app of
    before reads names), or None when nothing changes."""
    if not isinstance(result, dict):
        return None
    result = copy.deepcopy(result)
    changed = False
    left_out = [entry for entry in result.get("left_out") or [] if isinstance(entry, dict)]
    pins = [pin for pin in [*(result.get("conflicting_pins") or []),
                            *(pin for entry in left_out for pin in entry.get("pins") or [])] if isinstance(pin, dict)]
    rows = [*pins, *(row for row in result.get("dropped_pins") or [] if isinstance(row, dict)),
            *(change for entry in left_out for change in entry.get("changes") or [] if isinstance(change, dict))]
    for row in rows:
        if "name" not in row and "employee_id" in row:
            row["name"] = names.get(row["employee_id"], "onbekend")
            changed = True
    for pin in pins:
        pin.setdefault("email", "")
        pin.setdefault("nr", None)
        for lead in pin.get("held") or []:
            if isinstance(lead, dict) and "with" not in lead and "with_ids" in lead:
                lead["with"] = [names.get(pk, "onbekend") for pk in lead["with_ids"]]
                changed = True
    return result if changed else None


def downgrade():
    # The names taken out stay out: the results name people as they are now (the anonymised as
    # anonymised), which the app of before reads.
    connection = op.get_bind()
    names = {pk: f"{first} {last}" for pk, first, last in connection.execute(sa.text(
        "SELECT id, first_name, last_name FROM employee"))}
    ids = [row[0] for row in connection.execute(
        sa.select(solve_job.c.id).where(solve_job.c.result.is_not(None)).order_by(solve_job.c.id))]
    for start in range(0, len(ids), BATCH):
        for pk, result in connection.execute(
                sa.select(solve_job.c.id, solve_job.c.result)
                .where(solve_job.c.id.in_(ids[start:start + BATCH]))).all():
            found = _named(result, names)
            if found is not None:
                connection.execute(solve_job.update().where(solve_job.c.id == pk).values(result=found))
