"""AVG operations on an employee: the inzage export and anonymisation after the contract ended; and
the anonymisation of a team leader who has left."""
from __future__ import annotations

import copy
import datetime as dt
import json
import logging
import os
import re
import tempfile
from pathlib import Path
from typing import NamedTuple

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import Text, and_, cast, delete, false, func, or_, select, update

from . import audit, roster_history
from .extensions import db
from .formatting import full_date, minutes_to_hhmm
from .models import (
    Absence, Assignment, AuditEvent, CalendarToken, Employee, EmployeeSensitive, PublishedShift, Role, Roster,
    RosterChange, SolveJob, SupervisionAssignment, Supervisor, User, UserSession, utcnow,
)
from .services import ServiceError
from .services.absences import ABSENCE_KEEP_DAYS
from .services.feeds import WEEKS_BACK
from .services.feeds import window as feed_window
from .services.people import MAX_DAY_MINUTES

ANONYMOUS = "Geanonimiseerd"

log = logging.getLogger("binnenwerk.privacy")


def _day(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _moment(value: dt.datetime | None) -> str | None:
    return value.isoformat(timespec="seconds") + "Z" if value else None


def export_employee(employee: Employee, language: str = "nl") -> dict:
    """Everything stored about one employee, for an inzage request (AVG art. 15), worded in one
    language: the employee's, Dutch (employees read Dutch), whoever downloads it. The keys are
    the file's fixed names."""
    with force_locale(language):
        return _export(employee, language)


def _export(employee: Employee, language: str) -> dict:
    def work_type(wt) -> str:
        return wt.name_nl if language == "nl" else (wt.name_en or wt.name_nl)

    sensitive = employee.sensitive
    absences = db.session.scalars(
        select(Absence).where(Absence.employee_id == employee.id).order_by(Absence.start_date)
    ).all()
    assignments = db.session.execute(
        select(Assignment, Roster.week)
        .join(Roster, Assignment.roster_id == Roster.id)
        .where(Assignment.employee_id == employee.id)
        .order_by(Assignment.date)
    ).all()
    published = db.session.scalars(
        select(PublishedShift).where(PublishedShift.employee_id == employee.id).order_by(PublishedShift.date)
    ).all()
    links = db.session.scalars(
        select(CalendarToken).where(CalendarToken.employee_id == employee.id).order_by(CalendarToken.created_at)
    ).all()
    return {
        "export": {"made_at": _moment(utcnow()), "about": _("inzage (AVG art. 15)")},
        "personal": {
            "id": employee.id,
            "first_name": employee.first_name,
            "last_name": employee.last_name,
            "email": employee.email,
            "phone": employee.phone,
            "team": employee.team.name if employee.team else None,
            "contract_hours_per_week": round(employee.contract_minutes / 60, 2),
            "max_hours_per_day": round(employee.max_minutes_per_day / 60, 2),
            "contract_start": _day(employee.contract_start),
            "contract_end": _day(employee.contract_end),
            "job_coach": {
                "name": employee.job_coach_name,
                "phone": employee.job_coach_phone,
                "email": employee.job_coach_email,
            },
            "work_types": [work_type(w) for w in employee.work_types],
            # No list of places means every location of the team's region.
            "locations": [loc.name for loc in employee.allowed_locations]
            or [_("Alle locaties in regio %(region)s", region=employee.team.region) if employee.team
                else _("Alle locaties")],
            "availability": [
                {"weekday": s.weekday, "from": minutes_to_hhmm(s.start_minute), "until": minutes_to_hhmm(s.end_minute)}
                for s in employee.availability
            ],
            "archived": employee.archived,
            "anonymised_at": _moment(employee.anonymised_at),
        },
        "sensitive": None if sensitive is None else {
            "indication": sensitive.indication,
            "indication_until": _day(sensitive.indication_until),
            "health_notes": sensitive.health_notes,
            "accommodations": sensitive.accommodations,
        },
        "absences": [
            {
                "kind": a.kind,
                "from": _day(a.start_date),
                "until": _day(a.end_date),
                "times": None if a.whole_day else
                f"{minutes_to_hhmm(a.start_minute)}-{minutes_to_hhmm(a.end_minute)}",
                "note": a.note,
            }
            for a in absences
        ],
        "planned_shifts": [
            {
                "date": _day(a.date),
                "week": week,
                "location": a.request.location.name,
                "work_type": work_type(a.request.work_type),
                "from": minutes_to_hhmm(a.request.start_minute),
                "until": minutes_to_hhmm(a.request.end_minute),
            }
            for a, week in assignments
        ],
        "published_shifts": [
            {
                "date": _day(s.date),
                "location": s.location.name,
                "work_type": work_type(s.work_type),
                "from": minutes_to_hhmm(s.start_minute),
                "until": minutes_to_hhmm(s.end_minute),
                "break_minutes": s.break_minutes,
                "cancelled": s.cancelled,
            }
            for s in published
        ],
        # What the roster history says about them, reasons typed by their team leader included.
        "roster_history": [
            {"at": _moment(c.at), "what": roster_history.wording(c), "reason": c.reason}
            for c in roster_history.lines_about(employee.id)
        ],
        # The links themselves are secrets and are not part of the export.
        "calendar_links": [
            {"made_at": _moment(t.created_at), "stopped_at": _moment(t.revoked_at)} for t in links
        ],
    }


def contract_has_ended(employee: Employee, today: dt.date | None = None) -> bool:
    today = today or dt.date.today()
    return employee.contract_end is not None and employee.contract_end < today


def anonymise_employee(employee: Employee, *, today: dt.date | None = None) -> None:
    """Remove what identifies the employee, keep the hours worked for the reports. Commits.

    Shifts (Assignment, PublishedShift) stay, linked to the anonymised row, so job-agreement
    counts over past years do not change. The anonymisation is also noted outside the database
    (remember_anonymised), so a restore of an older backup anonymises the person again; when
    that note cannot be written, nothing is anonymised (ServiceError; the caller rolls back).
    """
    if employee.anonymised_at is not None:
        raise ServiceError(_("Deze medewerker is al geanonimiseerd."))
    if not contract_has_ended(employee, today):
        raise ServiceError(_(
            "Het contract van deze medewerker loopt nog. Je kunt pas anonimiseren als het contract is afgelopen."
        ))
    _anonymise(employee)
    remember_anonymised(employee, today or dt.date.today())
    db.session.commit()


def _anonymise(employee: Employee, *, again: bool = False) -> None:
    """anonymise_employee's work, without its checks and without committing; `again`: a restore
    anonymises someone again whom its backup held from before (reapply_after_restore)."""
    old_name, old_email = employee.name, employee.email
    employee.first_name = ANONYMOUS
    employee.last_name = f"#{employee.id}"
    employee.email = ""
    employee.phone = ""
    employee.job_coach_name = ANONYMOUS if employee.job_coach_name else ""
    employee.job_coach_phone = ""
    employee.job_coach_email = ""
    employee.archived = True
    employee.anonymised_at = utcnow()
    sensitive = db.session.get(EmployeeSensitive, employee.id)
    if sensitive is not None:
        db.session.delete(sensitive)
    # Absences go whole: their kind ("ziek") and dates are health data too; the hours worked stay.
    absence_ids = {str(i) for i in db.session.scalars(select(Absence.id).where(Absence.employee_id == employee.id))}
    db.session.execute(delete(Absence).where(Absence.employee_id == employee.id))
    revoked = 0
    for token in db.session.scalars(
        select(CalendarToken).where(CalendarToken.employee_id == employee.id, CalendarToken.revoked_at.is_(None))
    ):
        token.revoked_at = utcnow()
        revoked += 1
    # A limit on hours a day is often a doctor's (health data): back to the highest a day may
    # have, what everyone without a limit of their own has (the solver plans nobody beyond 12 hours).
    employee.max_minutes_per_day = MAX_DAY_MINUTES
    _erase_audit_details(employee.id, absence_ids)
    # Lines saying the person was absent on a day (a sick day, perhaps) go; their shifts stay.
    _drop_absence_lines(employee.id, old_name)
    # Roster history names the employee in its lines' values, and older lines in words.
    roster_history.erase_name(employee.id, old_name, employee.name)
    # Solve jobs' results: the pins that could not stay (and why: "absent"), the pins that clashed.
    _scrub_job_results(employee.id, old_name, old_email, employee.name)
    detail = f"calendar links revoked: {revoked}"
    audit.record("anonymise", employee, detail=f"again after a restore; {detail}" if again else detail)


# --- solve jobs' results ---------------------------------------------------------------------------

# What changed about an employee in a job's left_out (jobs.EMPLOYEE_CHANGES); "absent" is a fact of
# an absence, the others name the person only.
_EMPLOYEE_CHANGES = ("gone", "absent", "hours", "skills", "contract")


def _in_json(text: str) -> set[str]:
    """How a text may read inside a stored JSON value: as typed, and with json.dumps's escapes."""
    return {text, json.dumps(text)[1:-1]}


def _scrub_job_results(employee_id: int, old_name: str, old_email: str, new_name: str) -> int:
    """Take the employee out of every solve job's result: their pins that could not stay go with
    their days and reasons ("absent"), so do the absences a left-out team's changes name; a pin that
    clashed (a shift, as the shifts that stay) names them by id, so the page shows them as
    anonymised. Results stored before people were kept by id (QA round 18) name them in words: found
    by the name they had. A one-team solve's message of clashing pins is written again without the
    name. Returns how many jobs changed; does not commit."""
    text = cast(SolveJob.result, Text)
    found = [text.contains(f'"employee_id": {employee_id}', autoescape=True),
             text.contains(f'"employee_id":{employee_id}', autoescape=True)]
    if old_name.strip():
        found += [text.contains(spelling, autoescape=True) for spelling in _in_json(old_name)]
        found.append(SolveJob.error.contains(old_name, autoescape=True))

    def named_anew(error: str) -> str:
        if old_name.strip() and old_name in error:
            error = error.replace(f"{old_name} ({old_email})" if old_email else old_name, new_name)
            error = error.replace(old_name, new_name)
        return error

    return _scrub_jobs(found, lambda result: _without_employee(result, employee_id, old_name, new_name), named_anew)


def _scrub_jobs(found, without, named_anew) -> int:
    """Rewrite the solve jobs whose result or error `found` matches: the result as `without` gives
    it (None: unchanged), the error with the person named anew (`named_anew`; a message of clashing
    pins is written again from the new result, in Dutch as the run wrote it). Returns how many jobs
    changed; does not commit."""
    changed = 0
    for job in db.session.scalars(select(SolveJob).where(or_(*found)).order_by(SolveJob.id)):
        result = without(job.result)
        if result is not None:
            job.result = result
        error = job.error or ""
        if error and result is not None and result.get("conflicting_pins") is not None:
            from . import jobs

            with force_locale("nl"):  # as the run wrote it (jobs.run)
                error = str(jobs.pins_message(result))
        error = named_anew(error)
        if result is not None or error != (job.error or ""):
            job.error = error
            changed += 1
    return changed


def _without_employee(result, employee_id: int, old_name: str, new_name: str) -> dict | None:
    """A job's result without the employee (see _scrub_job_results); None when nothing changes."""
    if not isinstance(result, dict):
        return None
    result = copy.deepcopy(result)
    changed = False

    def theirs(row) -> bool:
        if not isinstance(row, dict):
            return False
        if "employee_id" in row:
            return row["employee_id"] == employee_id
        return bool(old_name.strip()) and row.get("name") == old_name

    dropped = result.get("dropped_pins")
    if isinstance(dropped, list):
        kept = [pin for pin in dropped if not theirs(pin)]
        if len(kept) != len(dropped):
            result["dropped_pins"] = kept
            changed = True
    left_out = [entry for entry in result.get("left_out") or [] if isinstance(entry, dict)]
    pins = [pin for pin in [*(result.get("conflicting_pins") or []),
                            *(pin for entry in left_out for pin in entry.get("pins") or [])] if isinstance(pin, dict)]
    for pin in pins:
        if theirs(pin) and {"name", "email", "nr"} & set(pin):
            for key in ("name", "email", "nr"):
                pin.pop(key, None)
            pin["employee_id"] = employee_id
            changed = True
        for lead in pin.get("held") or []:
            if isinstance(lead, dict) and old_name in (lead.get("with") or []):
                lead["with"] = [new_name if name == old_name else name for name in lead["with"]]
                changed = True
    for entry in left_out:
        changes = entry.get("changes")
        if not isinstance(changes, list):
            continue
        kept = []
        for change in changes:
            if isinstance(change, dict) and change.get("what") in _EMPLOYEE_CHANGES and theirs(change):
                changed = True
                if change["what"] == "absent":
                    continue
                change = {key: value for key, value in change.items() if key != "name"}
                change["employee_id"] = employee_id
            kept.append(change)
        entry["changes"] = kept or [{"what": "other"}]
    return result if changed else None


def _forget_absences_in_jobs(ended_before: dt.date) -> int:
    """Take what absences tell out of the results of solve jobs of weeks before `ended_before`'s
    (as purge_old_absences deletes the absences): the pins and team leaders that could not stay
    (the reason may be "absent"; with their people and days) and the absences a left-out team's
    changes name, with a team leader's days off. Returns how many jobs changed; does not commit."""
    year, week, _weekday = ended_before.isocalendar()
    before = f"{year}-W{week:02d}"  # "2025-W09" < "2025-W10": week strings sort as weeks do
    text = cast(SolveJob.result, Text)
    changed = 0
    for job in db.session.scalars(select(SolveJob).where(
            SolveJob.week < before,
            or_(*(text.contains(f'"{key}"') for key in ("dropped_pins", "dropped_leads", "absent", "leader"))))
            .order_by(SolveJob.id)):
        if not isinstance(job.result, dict):
            continue
        result = copy.deepcopy(job.result)
        gone = [result.pop(key, None) for key in ("dropped_pins", "dropped_leads")]
        edited = any(value is not None for value in gone)
        for entry in result.get("left_out") or []:
            changes = entry.get("changes") if isinstance(entry, dict) else None
            if isinstance(changes, list):
                kept = [c for c in changes if not (isinstance(c, dict) and c.get("what") in ("absent", "leader"))]
                if len(kept) != len(changes):
                    entry["changes"] = kept or [{"what": "other"}]
                    edited = True
        if edited:
            job.result = result
            changed += 1
    return changed


# --- the record of anonymisations outside the database ----------------------------------------------

RECORD_NAME = "anonymised.json"


class RecordError(ServiceError):
    """The record of anonymisations cannot be read or written."""


def record_path() -> Path | None:
    """Where anonymisations are noted outside the database: beside the SQLite database file
    (instance/anonymised.json beside instance/binnenwerk.sqlite), where a restore finds them
    (backup.restore); for PostgreSQL (any database that is no SQLite file) in the app's instance
    folder, where `flask reapply-anonymisations` finds them after a pg_restore. None for an SQLite
    database in memory, which no backup brings back."""
    from sqlalchemy.engine import make_url

    from .backup import BackupError, sqlite_path

    if make_url(str(db.engine.url)).get_backend_name() != "sqlite":
        return Path(current_app.instance_path) / RECORD_NAME
    try:
        return sqlite_path().parent / RECORD_NAME
    except BackupError:
        return None


def read_record(path: Path | None) -> dict:
    """The record at `path` ({} when there is none); RecordError when it cannot be read."""
    if path is None or not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise RecordError(_("Het bestand %(file)s met de geanonimiseerde medewerkers is niet te lezen: %(reason)s.",
                            file=path, reason=getattr(error, "strerror", None) or error)) from error
    if not isinstance(data, dict) or not all(isinstance(data.get(key, []), list)
                                             for key in ("anonymised", "anonymised_supervisors")):
        raise RecordError(_("Het bestand %(file)s met de geanonimiseerde medewerkers is beschadigd.", file=path))
    return data


def _update_record(path: Path, change) -> None:
    """Read, change and write the record, readable by its owner only (0600), under a lock (two
    processes may write at once), replaced whole (never half written). RecordError on failure."""
    try:
        import fcntl
    except ImportError:  # not on Linux or macOS: no lock
        fcntl = None
    lock_path = path.with_name(path.name + ".lock")
    try:
        # The instance folder, on PostgreSQL, may not be there yet (create_app makes it, a deployment may remove it).
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        lock = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError as error:
        raise RecordError(_("Kan %(file)s niet schrijven: %(reason)s.", file=path,
                            reason=error.strerror or error)) from error
    partial = None
    try:
        if fcntl is not None:
            fcntl.flock(lock, fcntl.LOCK_EX)
        data = read_record(path)
        change(data)
        data["about"] = ("Binnenwerk: who was anonymised in the app's database (ids, no names: employees and "
                         "team leaders), and the absence "
                         "purge's term. flask restore applies them again to a restored backup (SQLite), flask "
                         "reapply-anonymisations to a database restored with pg_restore. Keep this file; do not "
                         "restore it from a backup.")
        fd, partial = tempfile.mkstemp(dir=path.parent, prefix=".anonymised-", suffix=".partial")  # 0600
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, indent=1, sort_keys=True)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(partial, path)
        partial = None
    except OSError as error:
        raise RecordError(_("Kan %(file)s niet schrijven: %(reason)s.", file=path,
                            reason=error.strerror or error)) from error
    finally:
        if partial and os.path.exists(partial):
            os.unlink(partial)
        os.close(lock)  # also lets go of the lock


def remember_anonymised(employee: Employee, today: dt.date, path: Path | None = None) -> None:
    """Note the anonymisation outside the database (record_path): the employee's id, their
    contract's first day (so a database begun anew, whose ids start again, is not taken for this
    one) and the day, no name. RecordError when it cannot be written; nothing for an SQLite database
    in memory."""
    path = path or record_path()
    if path is None:
        return

    def add(data: dict) -> None:
        listed = [entry for entry in data.get("anonymised", [])
                  if not (isinstance(entry, dict) and entry.get("employee_id") == employee.id)]
        listed.append({"employee_id": employee.id, "contract_start": _day(employee.contract_start),
                       "on": today.isoformat()})
        data["anonymised"] = listed

    try:
        _update_record(path, add)
    except RecordError as error:
        raise RecordError(error.message + " " + _("Er is niets geanonimiseerd. Vraag de beheerder om dit op te "
                                                  "lossen.")) from error


def _remember_purge(keep_days: int, today: dt.date) -> None:
    """Note the absence purge's term beside the anonymisations, so a restore applies it too. A
    purge that cannot note it still purges (logged)."""
    path = record_path()
    if path is None:
        return

    def note(data: dict) -> None:
        data["absence_purge"] = {"keep_days": keep_days, "on": today.isoformat()}

    try:
        _update_record(path, note)
    except RecordError as error:
        log.warning("absence purge not noted in %s: %s", path, error.message)


class Reapplied(NamedTuple):
    """What reapply_after_restore did: how many people it anonymised again, how many absences the
    purge's term deleted, and how many of the record's people this database holds with another first
    day of their contract (another person under the same id: another database, left alone)."""

    anonymised_again: int = 0
    absences_purged: int = 0
    other_person: int = 0


def reapply_after_restore(record: dict, *, today: dt.date) -> Reapplied:
    """After a restore (backup.restore, in the restored database; `flask reapply-anonymisations`,
    after a pg_restore): anonymise again everyone the record lists whom the database holds from
    before their anonymisation (the same id and the same first day of their contract), and every team
    leader it lists (anonymised_supervisors, a record from before leaders were anonymised has none)
    whom it holds by name still (the same id and the same first day led, see _reapply_leaders); and
    delete the absences the last purge would have deleted by today (its term, when a purge ever ran).
    Leaders count with the people anonymised again. Commits. Running it again changes nothing."""
    again = other = 0
    for entry in record.get("anonymised") or []:
        if not isinstance(entry, dict) or not isinstance(entry.get("employee_id"), int):
            continue
        employee = db.session.get(Employee, entry["employee_id"])
        if employee is None:
            continue
        if _day(employee.contract_start) != entry.get("contract_start"):
            other += 1
            continue
        if employee.anonymised_at is not None:
            continue
        _anonymise(employee, again=True)
        db.session.commit()
        again += 1
    again += _reapply_leaders(record)
    purged = 0
    keep_days = (record.get("absence_purge") or {}).get("keep_days")
    if isinstance(keep_days, int) and not isinstance(keep_days, bool):
        purged = purge_old_absences(today=today, keep_days=max(keep_days, ABSENCE_KEEP_DAYS), remember=False)
    return Reapplied(again, purged, other)


# The audit details that name an employee by id: "employee=14" (absences, roster edits) and
# "employee_id=14" (calendar links). The digits end at a non-digit, so 14 does not find 140.
_NAMED = r"\bemployee(?:_id)?=%d(?![0-9])"
# How the roster history's "absence" line goes on after the name, in Dutch, as lines are stored.
ABSENT_IN_WORDS = " is afwezig op "


def _erase_audit_details(employee_id: int, absence_ids: set[str]) -> None:
    """Earlier audit rows about this employee keep their action, time and actor, not their detail:
    rows about the employee may quote a name, rows about their absences hold the days (of a
    sickness, perhaps), and other rows name them as "employee=<id>" beside what was done."""
    _erase_details_of("Employee", employee_id, absence_ids, _NAMED,
                      (f"employee={employee_id}", f"employee_id={employee_id}"))


def _erase_details_of(object_type: str, person_id: int, absence_ids: set[str], named_pattern: str,
                      keys: tuple[str, ...]) -> None:
    """The audit rows about a person (an Employee or a Supervisor) and about their absences lose
    their detail; other rows that name them by one of `keys` lose that name (named_pattern % id),
    and what was done stays readable (a roster edit's week and day), without whom it was about."""
    named = re.compile(named_pattern % person_id)
    rows = db.session.scalars(select(AuditEvent).where(or_(
        and_(AuditEvent.object_type == object_type, AuditEvent.object_id == str(person_id)),
        and_(AuditEvent.object_type == "Absence", AuditEvent.object_id.in_(absence_ids)) if absence_ids else false(),
        *(AuditEvent.detail.contains(key, autoescape=True) for key in keys),
    )))
    for event in rows:
        names_them = bool(named.search(event.detail or ""))
        if event.object_type == object_type or (event.object_type == "Absence"
                                                and (names_them or event.object_id in absence_ids)):
            event.detail = ""
        elif names_them:
            event.detail = " ".join(named.sub("", event.detail).split())


def _drop_absence_lines(employee_id: int, old_name: str) -> None:
    """Remove the roster history's lines that say this employee is absent on a day: newer lines
    name them in their values, older ones only in words ("Anna de Vries is afwezig op ...")."""
    for change in db.session.scalars(select(RosterChange).where(or_(
            and_(RosterChange.message.in_(("absence", "absence_taken_back")),
                 RosterChange.params[roster_history.EMPLOYEE].as_integer()
                 == employee_id),
            and_(RosterChange.message.is_(None),
                 RosterChange.detail.startswith(old_name + ABSENT_IN_WORDS, autoescape=True))))):
        db.session.delete(change)


_PURGE_BATCH = 500


def purge_old_absences(*, today: dt.date, keep_days: int = ABSENCE_KEEP_DAYS, dry_run: bool = False,
                       remember: bool = True) -> int:
    """Delete every absence (of employees and team leaders alike) that ended more than keep_days
    before today, and empty the details of their audit rows (which hold the person and the days),
    and of the audit rows of absences deleted by hand that ended as long ago (see
    _empty_details_of_deleted_absences), and take what absences tell out of the results of solve
    jobs of weeks as long ago (_forget_absences_in_jobs). Returns how many absences; commits unless
    dry_run. The audit rows keep their action, time and actor, and one row records the purge
    itself, without names. With `remember`, the term is noted beside the record of
    anonymisations, so a restore of an older backup purges too (reapply_after_restore)."""
    if keep_days < ABSENCE_KEEP_DAYS:
        # A shorter term would delete what the absence lists still show as "Eerdere afwezigheid".
        raise ServiceError(_("Afwezigheden blijven minstens %(days)d dagen bewaard.", days=ABSENCE_KEEP_DAYS))
    ended_before = today - dt.timedelta(days=keep_days)
    ids = list(db.session.scalars(select(Absence.id).where(Absence.end_date < ended_before).order_by(Absence.id)))
    if dry_run:
        return len(ids)
    if remember:
        _remember_purge(keep_days, today)
    emptied = _empty_details_of_deleted_absences(ended_before)
    jobs = _forget_absences_in_jobs(ended_before)
    if not ids and not emptied and not jobs:
        return 0
    for start in range(0, len(ids), _PURGE_BATCH):
        batch = ids[start:start + _PURGE_BATCH]
        for event in db.session.scalars(select(AuditEvent).where(
                AuditEvent.object_type == "Absence", AuditEvent.object_id.in_([str(i) for i in batch]))):
            event.detail = ""
        db.session.execute(delete(Absence).where(Absence.id.in_(batch)))
    audit.record("absence.purge", None, detail=f"absences={len(ids)} ended_before={ended_before.isoformat()}"
                 + (f" solve_jobs={jobs}" if jobs else ""))
    db.session.commit()
    return len(ids)


# The days an absence's audit detail holds (absences._describe): "employee=14 2026-03-02..2026-03-06".
_PERIOD = re.compile(r"\b\d{4}-\d{2}-\d{2}\.\.(\d{4}-\d{2}-\d{2})\b")


def _last_day_in(detail: str) -> dt.date | None:
    """The last day of the period an absence's audit detail names, or None when it names none."""
    found = _PERIOD.search(detail or "")
    if found is None:
        return None
    try:
        return dt.date.fromisoformat(found.group(1))
    except ValueError:
        return None


def _empty_details_of_deleted_absences(ended_before: dt.date) -> int:
    """Empty the details of the audit rows of absences no longer stored (deleted by hand, or with
    their person) whose last day is before `ended_before`, as the purge does for the absences it
    deletes: the rows name the person and the days (of a sickness, perhaps) and would otherwise
    keep them for ever. The absence's last day is the one its newest row with a period names
    (the delete row's: the absence as it was when deleted); where no row names one, the newest
    row's own day. Returns how many rows were emptied; does not commit.

    Absence ids are never used twice (models.SQLITE_NEVER_REUSED), so an id not stored is a
    deleted absence's for good."""
    stored = {str(i) for i in db.session.scalars(select(Absence.id))}
    newest: dict[str, tuple[dt.date | None, dt.date]] = {}  # id -> (last day named, day of the newest row)
    rows: dict[str, list[int]] = {}
    for event_id, object_id, detail, at in db.session.execute(
            select(AuditEvent.id, AuditEvent.object_id, AuditEvent.detail, AuditEvent.at)
            .where(AuditEvent.object_type == "Absence", AuditEvent.detail != "")
            .order_by(AuditEvent.id)):
        if object_id in stored:
            continue
        rows.setdefault(object_id, []).append(event_id)
        named, _at = newest.get(object_id, (None, None))
        newest[object_id] = (_last_day_in(detail) or named, at.date())
    gone = [event_id for object_id, event_ids in rows.items()
            if (newest[object_id][0] or newest[object_id][1]) < ended_before for event_id in event_ids]
    for start in range(0, len(gone), _PURGE_BATCH):
        db.session.execute(update(AuditEvent).where(AuditEvent.id.in_(gone[start:start + _PURGE_BATCH]))
                           .values(detail=""))
    return len(gone)


# --- team leaders who have left ---------------------------------------------------------------------

# The roster history's lines that name a team leader (in their values, by name: they hold no id),
# and the one of them that tells an absence, which goes as an employee's absence lines go.
_LEADER_LINES = ("leader", "leader_pinned", "leader_pin", "leader_unpin", "leader_absence", "leader_archived")
_LEADER_ABSENCE_LINE = "leader_absence"
# The audit details that name a team leader by id: "supervisor=5" (absences, a day's leader).
_LEADER_NAMED = r"\bsupervisor=%d(?![0-9])"


def anonymous_leader_name(supervisor_id: int) -> str:
    """What an anonymised team leader is called: as an anonymised employee ("Geanonimiseerd #5")."""
    return f"{ANONYMOUS} #{supervisor_id}"


def leader_is_anonymised(supervisor: Supervisor) -> bool:
    # The model keeps no moment of it: the name says it (nobody else is called so).
    return supervisor.name == anonymous_leader_name(supervisor.id)


def _last_led():
    """SQL, per team leader: the last day they lead in a roster (draft or published) or in a shift
    told that names them (not called off), as people.weeks_led_in_team finds where they lead."""
    in_rosters = (select(func.max(SupervisionAssignment.date))
                  .where(SupervisionAssignment.supervisor_id == Supervisor.id).scalar_subquery())
    told = (select(func.max(PublishedShift.date))
            .where(PublishedShift.supervisor_id == Supervisor.id, PublishedShift.cancelled.is_(False))
            .scalar_subquery())
    return in_rosters, told


def last_day_led(supervisor: Supervisor) -> dt.date | None:
    in_rosters, told = _last_led()
    days = db.session.execute(select(in_rosters, told).where(Supervisor.id == supervisor.id)).one()
    return max((day for day in days if day is not None), default=None)


def _first_day_led(supervisor_id: int) -> dt.date | None:
    """The first day the leader led, in a roster or a shift told: it does not change afterwards (an
    archiving does, so does a leader taken back), so the record knows the leader by it."""
    days = [db.session.scalar(select(func.min(SupervisionAssignment.date))
                              .where(SupervisionAssignment.supervisor_id == supervisor_id)),
            db.session.scalar(select(func.min(PublishedShift.date))
                              .where(PublishedShift.supervisor_id == supervisor_id))]
    return min((day for day in days if day is not None), default=None)


def _feed_window_start(today: dt.date) -> dt.date:
    return feed_window(today)[0]


def leaders_to_anonymise(today: dt.date) -> list[tuple[Supervisor, dt.date | None]]:
    """The archived team leaders not yet anonymised who lead on no day of the feed window or later
    (the calendars and week pages still show the leader of those days), with their last day led
    (None: never led); the leaders who left longest ago first."""
    in_rosters, told = _last_led()
    first = _feed_window_start(today)
    rows = db.session.execute(
        select(Supervisor, in_rosters, told)
        .where(Supervisor.archived.is_(True), ~Supervisor.name.startswith(f"{ANONYMOUS} #", autoescape=True),
               or_(in_rosters.is_(None), in_rosters < first), or_(told.is_(None), told < first))
        .order_by(Supervisor.archived_on, Supervisor.name, Supervisor.id)).all()
    found = [(leader, max((day for day in days if day is not None), default=None)) for leader, *days in rows]
    return [(leader, last) for leader, last in found if not leader_is_anonymised(leader)]


def leader_refusal(supervisor: Supervisor, today: dt.date) -> str | None:
    """Why this team leader cannot be anonymised (yet), or None when they can."""
    if leader_is_anonymised(supervisor):
        return _("Deze teamleider is al geanonimiseerd.")
    if not supervisor.archived:
        return _("Deze teamleider is niet gearchiveerd. Je kunt alleen een teamleider anonimiseren die weg is: "
                 "archiveer de teamleider eerst.")
    last = last_day_led(supervisor)
    if last is not None and last >= _feed_window_start(today):
        return _("Deze teamleider staat nog in een rooster op %(day)s. Agenda's en weekpagina's tonen die dag nog. "
                 "Je kunt anonimiseren als die dag meer dan %(weeks)d weken voorbij is.",
                 day=full_date(last, today), weeks=WEEKS_BACK)
    return None


def anonymise_leader(supervisor: Supervisor, *, today: dt.date | None = None) -> None:
    """Remove what identifies a team leader who has left: name, phone, e-mail address, working
    times, work types, absences and the link to their account (a team leader's account is made
    anonymous and stopped too). The days they led stay, under the anonymised name. Noted in the
    record of anonymisations as an employee's anonymisation is (nothing is anonymised when that
    fails: ServiceError; the caller rolls back). Commits."""
    today = today or dt.date.today()
    refusal = leader_refusal(supervisor, today)
    if refusal:
        raise ServiceError(refusal)
    _anonymise_leader(supervisor)
    remember_anonymised_leader(supervisor, today)
    db.session.commit()


def _anonymise_leader(supervisor: Supervisor, *, again: bool = False) -> None:
    """anonymise_leader's work, without its checks and without committing; `again` as for _anonymise."""
    old_name = supervisor.name
    supervisor.name = anonymous_leader_name(supervisor.id)
    supervisor.phone = ""
    supervisor.email = ""
    supervisor.availability = []
    supervisor.work_types = []
    absence_ids = {str(i) for i in db.session.scalars(
        select(Absence.id).where(Absence.supervisor_id == supervisor.id))}
    db.session.execute(delete(Absence).where(Absence.supervisor_id == supervisor.id))
    account = supervisor.user
    supervisor.user = None
    what = "no account"
    if account is not None:
        what = "account unlinked"
        if account.role == Role.TEAM_LEADER.value:
            _anonymise_account(account, supervisor.id)
            what = "account anonymised"
    _erase_leader_audit_details(supervisor.id, absence_ids)
    _erase_leader_lines(old_name, supervisor.name)
    _scrub_leader_in_jobs(old_name, supervisor.name)
    audit.record("supervisor.anonymise", supervisor, detail=f"again after a restore; {what}" if again else what)


def _anonymise_account(account: User, supervisor_id: int) -> None:
    """The leader's own login: stopped (its sessions end), its name and e-mail address anonymous,
    no teams; its audit rows keep what was done and when, by this account, without the address."""
    account.name = anonymous_leader_name(supervisor_id)
    account.email = f"geanonimiseerd-{account.id}@binnenwerk.invalid"  # unique, as the column must be
    account.active = False
    account.teams = []
    account.totp_secret = None
    account.mfa_enabled = False
    db.session.execute(delete(UserSession).where(UserSession.user_id == account.id))
    db.session.execute(update(AuditEvent).where(AuditEvent.actor_id == account.id)
                       .values(actor_email=account.email))
    # Rows about the account hold its addresses and names before and after a change.
    db.session.execute(update(AuditEvent).where(AuditEvent.object_type == "User",
                                                AuditEvent.object_id == str(account.id)).values(detail=""))


def _erase_leader_audit_details(supervisor_id: int, absence_ids: set[str]) -> None:
    """As _erase_audit_details for an employee: rows about the leader and their absences keep their
    action, time and actor, not their detail; other rows lose "supervisor=<id>"."""
    _erase_details_of("Supervisor", supervisor_id, absence_ids, _LEADER_NAMED, (f"supervisor={supervisor_id}",))


def _erase_leader_lines(old_name: str, new_name: str) -> None:
    """The roster history's lines that name the leader (by name: their values hold no id) name them
    anonymised; a line that they were absent on a day goes, as an employee's does; a reason typed
    that names them goes."""
    if not old_name.strip():
        return
    # A keyed line has its Dutch wording in detail too (roster_history.record): the name is found there.
    for change in db.session.scalars(select(RosterChange).where(or_(
            RosterChange.detail.contains(old_name, autoescape=True),
            RosterChange.reason.contains(old_name, autoescape=True)))):
        params = change.params if isinstance(change.params, dict) else {}
        theirs = [key for key in ("name", "old", "new") if params.get(key) == old_name]
        if change.message in _LEADER_LINES and theirs:
            if change.message == _LEADER_ABSENCE_LINE:
                db.session.delete(change)
                continue
            change.params = {**params, **{key: new_name for key in theirs}}  # a new dict: the JSON column sees it
        elif change.message is None and change.detail.startswith(f"Teamleider {old_name} is afwezig op "):
            db.session.delete(change)
            continue
        change.detail = change.detail.replace(old_name, new_name)
        if old_name in (change.reason or ""):
            change.reason = ""


def _scrub_leader_in_jobs(old_name: str, new_name: str) -> int:
    """Take the leader out of every solve job's result, as _scrub_job_results takes an employee:
    results name leaders in words only. The leads that could not stay (their days) and the days a
    left-out team's changes say the leader could no longer lead (absent, perhaps) go; a pinned lead
    that kept people away names them anonymised; so does a message of clashing pins. Returns how
    many jobs changed; does not commit."""
    if not old_name.strip():
        return 0
    text = cast(SolveJob.result, Text)
    found = [text.contains(spelling, autoescape=True) for spelling in _in_json(old_name)]
    found.append(SolveJob.error.contains(old_name, autoescape=True))
    return _scrub_jobs(found, lambda result: _without_leader(result, old_name, new_name),
                       lambda error: error.replace(old_name, new_name))


def _without_leader(result, old_name: str, new_name: str) -> dict | None:
    """A job's result without the leader's name (see _scrub_leader_in_jobs); None when nothing changes."""
    if not isinstance(result, dict):
        return None
    result = copy.deepcopy(result)
    changed = False
    dropped = result.get("dropped_leads")
    if isinstance(dropped, list):
        kept = [lead for lead in dropped if not (isinstance(lead, dict) and lead.get("name") == old_name)]
        if len(kept) != len(dropped):
            result["dropped_leads"] = kept
            changed = True
    left_out = [entry for entry in result.get("left_out") or [] if isinstance(entry, dict)]
    pins = [pin for pin in [*(result.get("conflicting_pins") or []),
                            *(pin for entry in left_out for pin in entry.get("pins") or [])] if isinstance(pin, dict)]
    for pin in pins:
        for lead in pin.get("held") or []:
            if isinstance(lead, dict) and lead.get("name") == old_name:
                lead["name"] = new_name
                changed = True
    for entry in left_out:
        changes = entry.get("changes")
        if not isinstance(changes, list):
            continue
        kept = [c for c in changes if not (isinstance(c, dict) and c.get("what") == "leader"
                                           and c.get("name") == old_name)]
        if len(kept) != len(changes):
            entry["changes"] = kept or [{"what": "other"}]
            changed = True
    return result if changed else None


def remember_anonymised_leader(supervisor: Supervisor, today: dt.date, path: Path | None = None) -> None:
    """Note a team leader's anonymisation in the record, beside the employees' (its own list,
    "anonymised_supervisors"): the id, the first day they led and the day they were archived (so a
    database begun anew, whose ids start again, is not taken for this one), and the day; no name.
    RecordError as remember_anonymised."""
    path = path or record_path()
    if path is None:
        return

    def add(data: dict) -> None:
        listed = [entry for entry in data.get("anonymised_supervisors", [])
                  if not (isinstance(entry, dict) and entry.get("supervisor_id") == supervisor.id)]
        listed.append({"supervisor_id": supervisor.id, "first_led": _day(_first_day_led(supervisor.id)),
                       "archived_on": _day(supervisor.archived_on), "on": today.isoformat()})
        data["anonymised_supervisors"] = listed

    try:
        _update_record(path, add)
    except RecordError as error:
        raise RecordError(error.message + " " + _("Er is niets geanonimiseerd. Vraag de beheerder om dit op te "
                                                  "lossen.")) from error


def _same_leader(supervisor: Supervisor, entry: dict) -> bool:
    """Whether the database's leader of the entry's id is the one the record lists: by the first
    day they led, which a backup from before their archiving holds too; a leader who never led, by
    the day they were archived."""
    if entry.get("first_led") is not None:
        return _day(_first_day_led(supervisor.id)) == entry["first_led"]
    return _first_day_led(supervisor.id) is None and _day(supervisor.archived_on) == entry.get("archived_on")


def _reapply_leaders(record: dict) -> int:
    """reapply_after_restore for the team leaders of the record; returns how many it anonymised
    again. A listed id that is another leader (another database) is left alone, and logged."""
    again = 0
    for entry in record.get("anonymised_supervisors") or []:
        if not isinstance(entry, dict) or not isinstance(entry.get("supervisor_id"), int):
            continue
        supervisor = db.session.get(Supervisor, entry["supervisor_id"])
        if supervisor is None or leader_is_anonymised(supervisor):
            continue
        if not _same_leader(supervisor, entry):
            log.warning("team leader %d of the record of anonymisations is another leader in this database: "
                        "left alone", supervisor.id)
            continue
        _anonymise_leader(supervisor, again=True)
        db.session.commit()
        again += 1
    return again
