"""Refuse a save over a change someone else made after the form was opened ("nothing stored is lost").

An edit form carries `seen_state`: a short hash of the stored values that form edits, as they were
when the form was shown. On save the row is locked and read again inside the same transaction; when
its hash differs, or the form sent none, nothing is written and the user sees the form again with
the new data. No column is needed: the hash is computed from the values themselves.
"""
from __future__ import annotations

import hashlib
import json

from flask_babel import gettext as _

from ..extensions import db
from . import ServiceError

CONFLICT = "conflict"  # ServiceError.field of the refusal: the route shows the form again, freshly loaded

EMPLOYEE_FIELDS = (
    "first_name", "last_name", "team_id", "contract_minutes", "max_minutes_per_day", "contract_start",
    "contract_end", "phone", "email", "job_coach_name", "job_coach_phone", "job_coach_email",
)
SENSITIVE_FIELDS = ("indication", "indication_until", "health_notes", "accommodations")
TEAM_FIELDS = ("name", "region", "home_location_id", "max_size")
SUPERVISOR_FIELDS = ("name", "phone", "email", "team_id", "region", "user_id")
ABSENCE_FIELDS = ("kind", "start_date", "end_date", "start_minute", "end_minute", "note")
USER_FIELDS = ("email", "name", "role", "ministry_id")
MINISTRY_FIELDS = ("code", "name")
LOCATION_FIELDS = ("code", "name", "address", "postcode", "city", "region", "ministry_id")
WORK_TYPE_FIELDS = ("code", "name_nl", "name_en", "pictogram", "colour")


def fingerprint(values) -> str:
    """A short hash of plain values (dates and the like as text)."""
    text = json.dumps(values, default=str, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:20]


def _columns(obj, names) -> dict:
    return {name: getattr(obj, name) for name in names}


def _ids(rows) -> list[int]:
    return sorted(row.id for row in rows)


def _slots(rows) -> list[tuple[int, int, int]]:
    return sorted((r.weekday, r.start_minute, r.end_minute) for r in rows)


def employee_state(employee) -> str:
    return fingerprint({**_columns(employee, EMPLOYEE_FIELDS), "work_types": _ids(employee.work_types),
                        "locations": _ids(employee.allowed_locations), "availability": _slots(employee.availability)})


def sensitive_state(employee) -> str:
    record = employee.sensitive
    return fingerprint(None if record is None else _columns(record, SENSITIVE_FIELDS))


def team_state(team) -> str:
    return fingerprint(_columns(team, TEAM_FIELDS))


def supervisor_state(supervisor) -> str:
    return fingerprint({**_columns(supervisor, SUPERVISOR_FIELDS), "work_types": _ids(supervisor.work_types),
                        "availability": _slots(supervisor.availability)})


def absence_state(absence) -> str:
    return fingerprint(_columns(absence, ABSENCE_FIELDS))


def user_state(user) -> str:
    return fingerprint({**_columns(user, USER_FIELDS), "teams": _ids(user.teams)})


def ministry_state(ministry) -> str:
    return fingerprint({**_columns(ministry, MINISTRY_FIELDS), "work_types": _ids(ministry.work_types)})


def location_state(location) -> str:
    return fingerprint(_columns(location, LOCATION_FIELDS))


def work_type_state(work_type) -> str:
    return fingerprint(_columns(work_type, WORK_TYPE_FIELDS))


def refuse_if_changed(obj, seen: str | None, state) -> None:
    """Lock `obj`'s row until commit, read it (and what hangs from it) again, and refuse the save when
    `state(obj)` is not `seen`, the state the form showed. A form without it is refused too: a save
    that cannot show it saw the current data must not overwrite it.

    Call before anything is changed in this transaction: everything the session holds is read anew.
    """
    # Related rows (sensitive data, availability) may sit in the session with what was read before.
    db.session.expire_all()
    db.session.refresh(obj, with_for_update=True)
    if not seen or seen != state(obj):
        # Staff screens only (teams, admin), which say "je"; ministry contacts ("u") edit requests,
        # which carry their own version. It may be the same person's earlier save (a double click,
        # another tab), so the text blames nobody.
        raise ServiceError(_("Deze gegevens zijn net veranderd, misschien in een ander venster. Er is niets "
                             "opgeslagen. Hieronder staan de gegevens zoals ze nu zijn. Doe je wijziging opnieuw "
                             "als dat nog nodig is."), field=CONFLICT)
