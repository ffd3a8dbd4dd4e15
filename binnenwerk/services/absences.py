"""Absences of employees and supervisors: the single entry point for registering, changing and removing them.

Rosters react to absences (a sick employee's published shifts must be repaired); that reaction
belongs in these three functions, so every way of registering an absence triggers it.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, select
from sqlalchemy.orm import joinedload, selectinload

from .. import audit, planning, roster_history
from ..extensions import db
from ..formatting import dated
from ..models import (
    MINUTES_PER_DAY, Absence, AbsenceKind, Assignment, Employee, Roster, Supervisor, SupervisionAssignment, Team,
    utcnow,
)
from . import ServiceError, feeds
from .rosters import (
    _acting_user, absence_overlaps, affected_cells, leader_clashes, request_stands, today,
)
from .submissions import SentBefore, form_key, hold_form, refuse_if_sent_before

MAX_ABSENCE_DAYS = 366  # at most one year, a leap year included
# How long an absence is kept after its last day. The absence lists show the past year
# ("Eerdere afwezigheid"); after that an absence is in no list and no roster still to come, and its
# kind ("ziek") and days are health data kept for nothing (AVG art. 5: storage limitation), so
# `flask purge-absences` deletes it (privacy.purge_old_absences) and none older is taken in.
ABSENCE_KEEP_DAYS = 365


@dataclass
class AbsenceInput:
    kind: str
    start_date: dt.date
    end_date: dt.date
    start_minute: int | None = None  # both None: whole day(s)
    end_minute: int | None = None
    note: str = ""


def _describe(absence: Absence) -> str:
    # Dates and the person only: the kind (ziek) is health data and stays out of the log.
    who = f"employee={absence.employee_id}" if absence.employee_id else f"supervisor={absence.supervisor_id}"
    return f"{who} {absence.start_date.isoformat()}..{absence.end_date.isoformat()}"


def _check(data: AbsenceInput, employee: Employee | None, supervisor: Supervisor | None,
           absence: Absence | None = None) -> None:
    if (employee is None) == (supervisor is None):
        raise ServiceError(_("Kies wie er afwezig is."), field="person")
    if data.kind not in {k.value for k in AbsenceKind}:
        raise ServiceError(_("Kies een soort afwezigheid uit de lijst."), field="kind")
    if data.start_date is None:
        raise ServiceError(_("Vul een begindatum in."), field="start_date")
    if data.end_date is None:
        raise ServiceError(_("Vul een einddatum in."), field="end_date")
    if data.end_date < data.start_date:
        raise ServiceError(_("De einddatum mag niet voor de begindatum liggen."), field="end_date")
    if (data.end_date - data.start_date).days + 1 > MAX_ABSENCE_DAYS:
        raise ServiceError(_("Een afwezigheid duurt hoogstens een jaar. Registreer een langere periode in delen."),
                           field="end_date")
    if (data.start_minute is None) != (data.end_minute is None):
        raise ServiceError(_("Vul een begintijd en een eindtijd in, of kies hele dag."), field="end_time")
    if data.start_minute is not None and not 0 <= data.start_minute < data.end_minute <= MINUTES_PER_DAY:
        raise ServiceError(_("De eindtijd moet na de begintijd liggen."), field="end_time")
    if employee is not None:
        if data.start_date < employee.contract_start:
            raise ServiceError(
                _("Het contract van %(name)s begint op %(date)s. Een afwezigheid kan niet eerder beginnen.",
                  name=employee.name, date=dated(employee.contract_start)),
                field="start_date",
            )
        if employee.contract_end is not None and data.end_date > employee.contract_end:
            raise ServiceError(
                _("Het contract van %(name)s eindigt op %(date)s. Een afwezigheid kan niet later eindigen.",
                  name=employee.name, date=dated(employee.contract_end)),
                field="end_date",
            )
    if data.end_date < today() - dt.timedelta(days=ABSENCE_KEEP_DAYS):
        raise ServiceError(_("Deze afwezigheid eindigde meer dan een jaar geleden. Zo lang bewaren we afwezigheden "
                             "niet."), field="end_date")
    overlap = select(Absence).where(Absence.start_date <= data.end_date, Absence.end_date >= data.start_date)
    if employee is not None:
        overlap = overlap.where(Absence.employee_id == employee.id)
    else:
        overlap = overlap.where(Absence.supervisor_id == supervisor.id)
    if absence is not None:
        overlap = overlap.where(Absence.id != absence.id)
    if any(not _both_stand(other, data) for other in db.session.scalars(overlap)):
        raise ServiceError(
            _("%(name)s is in deze periode al afwezig. Verander die afwezigheid of kies andere data.",
              name=(employee or supervisor).name),
            field="start_date",
        )


def _both_stand(other: Absence, data: AbsenceInput) -> bool:
    """Whether two absences of one person are no clash. Two part-day absences at times that do not
    meet (the doctor at nine, the physiotherapist at three) are none, on one day or over many: a
    part-day absence is that part of each of its days (physio every morning next week, a dentist one
    afternoon). Nor are a whole-day and a part-day absence: a day of leave within weeks of sick
    afternoons (a gradual return to work) takes that whole day, for everything that reads absences
    takes a day off where any absence takes all of it (planning.availability_for, the roster grid,
    services.rosters.absence_overlaps, the feeds). Two whole days, or two parts that meet, are the
    same time registered twice."""
    if (data.start_minute is None) != (other.start_minute is None):
        return True
    return (data.start_minute is not None
            and (data.end_minute <= other.start_minute or other.end_minute <= data.start_minute))


# What of an absence a feed can show: whether the leader is there on a day, at a time.
SHOWN = ("start_date", "end_date", "start_minute", "end_minute")


def _leader_line_changed(absence: Absence, *periods: tuple[dt.date, dt.date]) -> None:
    """An absence over these periods (before and after a change) was recorded, moved or removed:
    the feed events it changes get a newer stamp (services.feeds._stamp). A leader's: the events
    with the leader's line, which says whether they are there. An employee's: a location's visits,
    which count the people who come (services.feeds.load_visits); their own feed shows no absence
    (a repair published changes the shift). Not for a period outside every feed's window: a day
    further ahead comes into the feeds with the absence already in its text, one further back is
    gone from them."""
    first, last = feeds.window(feeds.local_today())
    if not any(start <= last and end >= first for start, end in periods):
        return
    if absence.supervisor_id is not None:
        # Core, so the leader's updated_at (an edit of the leader) stays as it is.
        table = Supervisor.__table__
        db.session.execute(table.update().where(table.c.id == absence.supervisor_id)
                           .values(absence_changed_at=utcnow(), updated_at=table.c.updated_at))
    else:
        table = Employee.__table__
        db.session.execute(table.update().where(table.c.id == absence.employee_id)
                           .values(absence_changed_at=utcnow()))


def create_absence(data: AbsenceInput, *, employee: Employee | None = None,
                   supervisor: Supervisor | None = None, same_as_stored: bool = True,
                   submission: str = "") -> Absence:
    """Register an absence for exactly one employee or supervisor. The same absence sent again (a
    double click, the back button) is the one already stored, not a clash with itself.
    `submission` names the form it came from (services.submissions): the same form sent again (a
    double click, Back and resend, also with other dates typed in) is SentBefore with the absence
    the first made, and stores nothing.

    same_as_stored=False: for someone who may not see the person's absences (a team leader
    reporting a fellow team leader). Whether the one stored is "the same" would tell its kind
    (sick or on leave) by the answer: a guess that matches is taken in, any other gets "already
    absent". Without the shortcut every overlap gets that answer, whatever is stored."""
    key = form_key(submission)
    hold_form(key)
    refuse_if_sent_before("absence.create", Absence, key)
    if same_as_stored and (employee is None) != (supervisor is None):
        same = db.session.scalar(select(Absence).where(
            Absence.employee_id == employee.id if employee is not None else Absence.supervisor_id == supervisor.id,
            Absence.kind == data.kind, Absence.start_date == data.start_date, Absence.end_date == data.end_date,
            Absence.start_minute.is_(None) if data.start_minute is None else Absence.start_minute == data.start_minute,
            Absence.end_minute.is_(None) if data.end_minute is None else Absence.end_minute == data.end_minute,
            Absence.note == (data.note or "").strip()[:200]).limit(1))
        if same is not None:
            return same
    _check(data, employee, supervisor)
    absence = Absence(
        employee=employee, supervisor=supervisor, kind=data.kind, start_date=data.start_date,
        end_date=data.end_date, start_minute=data.start_minute, end_minute=data.end_minute,
        note=(data.note or "").strip()[:200],
    )
    db.session.add(absence)
    db.session.flush()
    try:
        # Its twin committed meanwhile (SQLite lets one writer in at a time from its first write).
        refuse_if_sent_before("absence.create", Absence, key)
    except SentBefore as sent:
        made_id = sent.made.id
        db.session.rollback()
        raise SentBefore(db.session.get(Absence, made_id)) from None
    audit.record("absence.create", absence, detail=_describe(absence) + (f" form={key}" if key else ""))
    _note_clashes(absence, {}, _clash_lines([absence], absence.start_date, absence.end_date))
    _leader_line_changed(absence, (absence.start_date, absence.end_date))
    db.session.commit()
    return absence


def update_absence(absence: Absence, data: AbsenceInput) -> Absence:
    """Change kind, period, times or note; the person stays the same."""
    _check(data, absence.employee, absence.supervisor, absence)
    values = {
        "kind": data.kind, "start_date": data.start_date, "end_date": data.end_date,
        "start_minute": data.start_minute, "end_minute": data.end_minute, "note": (data.note or "").strip()[:200],
    }
    changed = [k for k, v in values.items() if getattr(absence, k) != v]
    if not changed:
        return absence
    before = (absence.start_date, absence.end_date)
    # Its kind or note shows nowhere: no history line and no stamp tells it changed.
    moved = bool(set(SHOWN) & set(changed))
    clashed = _clash_lines([absence], *before) if moved else {}
    for key in changed:
        setattr(absence, key, values[key])
    audit.record("absence.update", absence, detail=_describe(absence) + " changed=" + ",".join(changed))
    if moved:
        _note_clashes(absence, clashed, _clash_lines([absence], absence.start_date, absence.end_date))
        _leader_line_changed(absence, before, (absence.start_date, absence.end_date))
    db.session.commit()
    return absence


def delete_absence(absence: Absence) -> Absence:
    """Remove an absence (registered by mistake, or the person is back)."""
    audit.record("absence.delete", absence, detail=_describe(absence))
    _note_clashes(absence, _clash_lines([absence], absence.start_date, absence.end_date), {})
    _leader_line_changed(absence, (absence.start_date, absence.end_date))
    db.session.delete(absence)
    db.session.commit()
    return absence


# --- the roster history ----------------------------------------------------------------------

# The line for a clash an absence no longer makes (deleted, shortened, other times): the answer to
# the "absence" or "leader_absence" line an absence writes (create_absence), so the history
# does not leave "Pas het rooster aan" standing for nothing. Without the kind of absence, as those.
# The leader's names nobody: an anonymised leader's lines are found by their keys
# (privacy._LEADER_LINES), which do not hold this one.
TAKEN_BACK = {"absence": "absence_taken_back", "leader_absence": "leader_absence_taken_back"}

Clashes = dict[tuple[int, dt.date], tuple[Roster, str, dict]]


def _clash_lines(absences: list[Absence], first: dt.date, last: dt.date) -> Clashes:
    """The history lines an absence writes for these absences of one person, from `first`
    to `last`, by (roster, day), with the line's message and values: the shifts they hit (a day gone
    by, or one its request still asks for), or the days the person leads a team while absent."""
    if not absences:
        return {}
    found: Clashes = {}
    if absences[0].employee_id is not None:
        for a in db.session.scalars(
                select(Assignment).where(Assignment.employee_id == absences[0].employee_id,
                                         Assignment.date.between(first, last))
                .options(selectinload(Assignment.request), selectinload(Assignment.roster),
                         selectinload(Assignment.employee))):
            if any(absence_overlaps(x, a.date, a.request.start_minute, a.request.end_minute) for x in absences) \
                    and (a.date < today() or request_stands(a.request, a.date)):
                found[(a.roster_id, a.date)] = (a.roster, "absence",
                                                dict(employee=a.employee_id, name=a.employee.name, day=a.date))
        return found
    supervision = db.session.scalars(select(SupervisionAssignment).where(
        SupervisionAssignment.supervisor_id == absences[0].supervisor_id,
        SupervisionAssignment.date.between(first, last))
        .options(selectinload(SupervisionAssignment.roster), selectinload(SupervisionAssignment.supervisor))).all()
    if not supervision:
        return found
    shifts = db.session.scalars(select(Assignment).where(
        Assignment.roster_id.in_({s.roster_id for s in supervision}), Assignment.date.between(first, last))
        .options(selectinload(Assignment.request))).all()
    for s in leader_clashes(supervision, shifts, absences):
        found[(s.roster_id, s.date)] = (s.roster, "leader_absence", dict(name=s.supervisor.name, day=s.date))
    return found


def _note_clashes(absence: Absence, before: Clashes, after: Clashes) -> None:
    """An absence is new, or its period or times changed, or it is deleted (nothing `after`): a
    history line for each clash it makes now and did not make before, and one for each it made and
    no longer makes; none where another absence of the person makes that clash too (a whole day
    off inside a part-day absence wrote the day's line twice, a QA finding), nor for a clash that
    stays: its line stands (an edit of the note wrote the same line again each time)."""
    new, gone = after.keys() - before.keys(), before.keys() - after.keys()
    if not new and not gone:
        return
    user = _acting_user()
    days = [day for _roster, day in new | gone]
    owner = (Absence.employee_id == absence.employee_id if absence.employee_id is not None
             else Absence.supervisor_id == absence.supervisor_id)
    others = list(db.session.scalars(select(Absence).where(
        owner, Absence.id != absence.id, Absence.start_date <= max(days), Absence.end_date >= min(days))))
    still = _clash_lines(others, min(days), max(days))
    for key in sorted(new - still.keys(), key=lambda k: (k[1], k[0])):
        roster, message, values = after[key]
        roster_history.record(roster, user, message, message, **values)
    for key in sorted(gone - still.keys(), key=lambda k: (k[1], k[0])):
        roster, message, values = before[key]
        if message == "leader_absence":
            values = dict(day=values["day"])
        roster_history.record(roster, user, TAKEN_BACK[message], TAKEN_BACK[message], **values)


# --- rosters that no longer fit -------------------------------------------------------------


@dataclass
class RepairNeeded:
    """A roster with shifts from today on that clash with an absence (what the roster page marks)."""

    roster: Roster
    shifts: int = 0  # shifts to come of employees who are absent then: a repair takes them off
    # Shifts of today under way (planning.begun_today) of employees absent then: a repair keeps
    # them as told, so only setting the cell to free by hand (and publishing) takes them off.
    begun: int = 0
    leader_days: set[dt.date] = field(default_factory=set)  # days someone leads the team while absent

    @property
    def published(self) -> bool:
        """Employees and the location were told: the absent employee sees the shifts told until a repair
        is published; the location and the ministry count the absent out at once."""
        return self.roster.version > 0


def rosters_to_repair(*, team_ids=None, absence: Absence | None = None,
                      since: dt.date | None = None) -> list[RepairNeeded]:
    """The rosters (of these teams, or all) with a shift from `since` (today) on that clashes with an
    absence (only this one, when given), by week and team. Four queries however many teams.

    The clash is the roster page's: affected_cells for employees, leader_clashes for who leads. A
    shift on a day its request no longer asks for (called off, cancelled: request_stands) is no
    clash: publishing calls it off, nobody comes; nor is leading a team whose shifts there that day
    are all such. A shift of today under way counts apart (RepairNeeded.begun): a repair keeps it.
    """
    since = since or today()

    def narrowed(query):
        if team_ids is not None:
            query = query.where(Roster.team_id.in_(list(team_ids) or [-1]))
        if absence is not None:
            query = query.where(Absence.id == absence.id)
        return query.where(Team.archived.is_(False))

    def overlaps(row):
        return and_(Absence.start_date <= row.date, Absence.end_date >= row.date)

    shift_rows = db.session.execute(narrowed(
        select(Assignment, Absence).join(Roster, Roster.id == Assignment.roster_id).join(Team, Team.id == Roster.team_id)
        .join(Absence, and_(Absence.employee_id == Assignment.employee_id, overlaps(Assignment)))
        .where(Assignment.date >= since)
        .options(joinedload(Assignment.request), joinedload(Assignment.roster).joinedload(Roster.team))
    )).all()
    lead_rows = db.session.execute(narrowed(
        select(SupervisionAssignment, Absence).join(Roster, Roster.id == SupervisionAssignment.roster_id)
        .join(Team, Team.id == Roster.team_id)
        .join(Absence, and_(Absence.supervisor_id == SupervisionAssignment.supervisor_id,
                            overlaps(SupervisionAssignment)))
        .where(SupervisionAssignment.date >= since)
        .options(joinedload(SupervisionAssignment.roster).joinedload(Roster.team))
    )).all()

    found: dict[int, RepairNeeded] = {}
    shifts = {a.id: a for a, _x in shift_rows}
    hit = affected_cells(shifts.values(), [x for _a, x in shift_rows])
    under_way = planning.begun_today([a for a in shifts.values() if (a.employee_id, a.date) in hit], since)
    for a in shifts.values():
        if (a.employee_id, a.date) in hit and request_stands(a.request, a.date):
            need = found.setdefault(a.roster_id, RepairNeeded(a.roster))
            if (a.employee_id, a.date) in under_way:
                need.begun += 1
            else:
                need.shifts += 1
    if lead_rows:
        leads = {s.id: s for s, _x in lead_rows}
        # Who leads must be there for the team's shifts at that place: those shifts set the times.
        team_shifts = db.session.scalars(
            select(Assignment).where(Assignment.roster_id.in_({s.roster_id for s in leads.values()}),
                                     Assignment.date.in_({s.date for s in leads.values()}))
            .options(joinedload(Assignment.request))
        ).all()
        standing = [a for a in team_shifts if request_stands(a.request, a.date)]
        # Where the team's shifts that day all stand no more, nobody is led there.
        dropped = {(a.roster_id, a.date, a.request.location_id) for a in team_shifts} - {
            (a.roster_id, a.date, a.request.location_id) for a in standing}
        for s in leader_clashes(leads.values(), standing, [x for _s, x in lead_rows]):
            if (s.roster_id, s.date, s.location_id) not in dropped:
                found.setdefault(s.roster_id, RepairNeeded(s.roster)).leader_days.add(s.date)
    if absence is None:
        # An archived leader is absent from today on (rosters.archived_leading): no absence row.
        for s in db.session.scalars(narrowed(
            select(SupervisionAssignment).join(Roster, Roster.id == SupervisionAssignment.roster_id)
            .join(Team, Team.id == Roster.team_id)
            .join(Supervisor, Supervisor.id == SupervisionAssignment.supervisor_id)
            .where(SupervisionAssignment.date >= since, Supervisor.archived.is_(True))
            .options(joinedload(SupervisionAssignment.roster).joinedload(Roster.team))
        )):
            found.setdefault(s.roster_id, RepairNeeded(s.roster)).leader_days.add(s.date)
    return sorted(found.values(), key=lambda need: (need.roster.week, need.roster.team.name, need.roster.id))
