"""The week view's data, loaded in a fixed number of queries however many teams are shown."""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from flask_babel import ngettext
from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload

from .. import planning
from ..extensions import db
from ..reasons import render as render_reasons
from ..formatting import local_today, week_days
from ..public_holidays import is_public_holiday
from ..models import (
    Absence,
    AvailabilitySlot,
    Assignment,
    DeploymentRequest,
    Employee,
    Location,
    PublishedShift,
    Roster,
    SupervisionAssignment,
    Team,
)
from ..planning import PLANNED_STATUSES
from ..services import request_history
from ..services.rosters import (
    affected_cells, archived_leading, leader_clashes, request_stands, roster_status, within_hours, works_then,
)


@dataclass
class Cell:
    assignment: Assignment
    request: DeploymentRequest
    changed: bool = False  # differs from what employees were told
    affected: bool = False  # clashes with an absence
    withdrawn: bool = False  # its request no longer asks for that day: publishing leaves it out
    ended: bool = False  # after the person's contract ended (or before it starts): likewise
    unavailable: bool = False  # outside the person's weekly availability (changed since)


@dataclass(frozen=True)
class Slot:
    """A weekly availability window as planning.availability_for reads it."""
    weekday: int
    start_minute: int
    end_minute: int


@dataclass
class TeamWeek:
    team: Team
    roster: Roster | None
    employees: list[Employee]
    cells: dict[tuple[int, dt.date], Cell] = field(default_factory=dict)
    removed: dict[tuple[int, dt.date], PublishedShift] = field(default_factory=dict)  # published, now gone
    supervision: dict[dt.date, list[SupervisionAssignment]] = field(default_factory=dict)
    affected_count: int = 0
    withdrawn_count: int = 0
    ended_count: int = 0
    unavailable_count: int = 0
    # (date, name) where the one leading the team is absent since the roster was made.
    leader_absent: list[tuple[dt.date, str]] = field(default_factory=list)
    # (employee, date) -> "whole" or "part": an absence that day, never its kind (a free cell says
    # "afwezig", so nobody plans someone who cannot come, or wonders why the cell offers nothing).
    away: dict[tuple[int, dt.date], str] = field(default_factory=dict)
    # Minutes of work planned this week per employee (shifts that still stand), against the contract.
    minutes: dict[int, int] = field(default_factory=dict)
    # The contract's minutes in this week: less holidays, absences and days outside the contract
    # (planning.week_contract_minutes).
    contract: dict[int, int] = field(default_factory=dict)

    @property
    def status(self) -> str:
        return roster_status(self.roster)

    @property
    def lock_version(self) -> int:
        return self.roster.lock_version if self.roster is not None else 0


@dataclass
class RequestDay:
    """A request's week as the table shows it: people wanted, and planned per day by every team."""

    request: DeploymentRequest
    wanted: int
    planned: dict[dt.date, int]
    # Shifts that count for nobody, per day: their person is absent, or out of contract by then.
    absent: dict[dt.date, int] = field(default_factory=dict)
    ended: dict[dt.date, int] = field(default_factory=dict)
    # Days gone by that asked another number of people than the request does now (a ministry
    # changed it since): what was asked then (request_history), as the ministry's pages count.
    earlier: dict[dt.date, int] = field(default_factory=dict)

    def wanted_on(self, day: dt.date) -> int:
        return self.earlier.get(day, self.wanted)


@dataclass
class ShortDay:
    """A request-day with fewer people planned than wanted (a 'tekort' cell of the table)."""

    request: DeploymentRequest
    date: dt.date
    missing: int
    reasons: list[str] = field(default_factory=list)
    region_planned: bool = True  # False: a team of the region has no roster, so no reasons yet
    absent: int = 0  # planned people now absent that day (RequestDay.absent)
    ended: int = 0  # planned people out of contract by then


def shown_days(week: str, requests, assignments) -> list[dt.date]:
    """Monday to Friday, plus a weekend day when something happens on it."""
    days = week_days(week, 7)
    used = {a.date for a in assignments} | {d for q in requests for d in days[5:] if q.occurs_on(d)}
    return [d for d in days if d.isoweekday() <= 5 or d in used]


def load_week(week: str, teams: list[Team]) -> dict:
    days7 = week_days(week, 7)
    first, last = days7[0], days7[-1]
    team_ids = [t.id for t in teams]
    regions = sorted({t.region for t in teams})
    rosters = {r.team_id: r for r in db.session.scalars(
        select(Roster).where(Roster.week == week, Roster.team_id.in_(team_ids)))}
    roster_ids = [r.id for r in rosters.values()]
    assignments = db.session.scalars(
        select(Assignment).where(Assignment.roster_id.in_(roster_ids))
        .options(joinedload(Assignment.request).joinedload(DeploymentRequest.location),
                 joinedload(Assignment.request).joinedload(DeploymentRequest.work_type))
    ).all() if roster_ids else []
    # Someone who left still has a row while shifts of theirs stand in the week: they are marked.
    employees = db.session.scalars(
        select(Employee).where(Employee.team_id.in_(team_ids), or_(
            Employee.archived.is_(False), Employee.id.in_({a.employee_id for a in assignments})))
        .order_by(Employee.sort_name, Employee.id)
    ).all()
    windows: dict[tuple[int, int], list[tuple[int, int]]] = defaultdict(list)  # (person, weekday)
    for employee_id, weekday, start, end in db.session.execute(
        select(AvailabilitySlot.employee_id, AvailabilitySlot.weekday, AvailabilitySlot.start_minute,
               AvailabilitySlot.end_minute).where(AvailabilitySlot.employee_id.in_([e.id for e in employees]))
    ).all() if employees else []:
        windows[(employee_id, weekday)].append((start, end))
    supervision = db.session.scalars(
        select(SupervisionAssignment).where(SupervisionAssignment.roster_id.in_(roster_ids))
        .options(joinedload(SupervisionAssignment.supervisor), joinedload(SupervisionAssignment.location))
    ).all() if roster_ids else []
    published = db.session.scalars(
        select(PublishedShift).where(PublishedShift.team_id.in_(team_ids),
                                     PublishedShift.date.between(first, last))
        .options(joinedload(PublishedShift.location), joinedload(PublishedShift.work_type))
    ).all()
    absences = db.session.scalars(
        select(Absence).where(Absence.employee_id.in_([e.id for e in employees]),
                              Absence.start_date <= last, Absence.end_date >= first)
    ).all()
    request_days = load_request_days(week, regions)

    days = shown_days(week, [rd.request for rd in request_days], assignments)
    by_team: dict[int, TeamWeek] = {t.id: TeamWeek(t, rosters.get(t.id), []) for t in teams}
    by_id = {e.id: e for e in employees}
    absent: dict[int, list[Absence]] = defaultdict(list)
    for absence in absences:
        absent[absence.employee_id].append(absence)
    team_of = {e.id: e.team_id for e in employees}
    for absence in absences:
        away = by_team[team_of[absence.employee_id]].away
        for day in days7:
            if absence.start_date <= day <= absence.end_date:
                whole = absence.start_minute is None or away.get((absence.employee_id, day)) == "whole"
                away[(absence.employee_id, day)] = "whole" if whole else "part"
    holiday_week = any(is_public_holiday(day) for day in days7)
    for e in employees:
        by_team[e.team_id].employees.append(e)
        if holiday_week or e.id in absent or not (e.employed_on(first) and e.employed_on(last)):
            slots = [Slot(d, s, f) for d in range(1, 8) for s, f in windows.get((e.id, d), ())]
            by_team[e.team_id].contract[e.id] = planning.contract_this_week(
                e.contract_minutes, slots, absent[e.id], days7, e.employed_on)
    roster_team = {r.id: r.team_id for r in rosters.values()}
    told = {(p.employee_id, p.date): p for p in published}
    hit = affected_cells(assignments, absences)
    # Shifts worked already or pinned keep their hours within a contract an absence lowered, as a
    # repair's Problem keeps them (planning.build_problem): not "more than the contract".
    today, kept = local_today(), defaultdict(int)
    for a in assignments:
        tw = by_team[roster_team[a.roster_id]]
        key = (a.employee_id, a.date)
        shift = told.pop(key, None)
        changed = tw.roster.version > 0 and (shift is None or shift.cancelled or shift.request_id != a.request_id)
        withdrawn = not request_stands(a.request, a.date)
        ended = not works_then(by_id[a.employee_id], a.date)
        unavailable = not within_hours(a.request, windows[(a.employee_id, a.date.isoweekday())])
        tw.cells[key] = Cell(a, a.request, changed, key in hit, withdrawn, ended, unavailable)
        # A shift still to come on a day the person is away brings no hours either: their
        # contract is lowered for that day, so counting it read as "more than the contract".
        # One worked already (or pinned) keeps its hours, as below.
        away = key in hit and not (a.pinned or a.date < today)
        if not (withdrawn or ended or away):
            tw.minutes[a.employee_id] = tw.minutes.get(a.employee_id, 0) + a.request.worked_minutes
            if a.pinned or a.date < today:
                kept[a.employee_id] += a.request.worked_minutes
        tw.unavailable_count += unavailable
        tw.affected_count += key in hit
        tw.withdrawn_count += withdrawn
        tw.ended_count += ended
    for employee_id, minutes in kept.items():
        contract = by_team[by_id[employee_id].team_id].contract
        if employee_id in contract:  # lowered this week
            contract[employee_id] = min(by_id[employee_id].contract_minutes, max(contract[employee_id], minutes))
    for key, shift in told.items():
        tw = by_team.get(shift.team_id)
        if tw is not None and not shift.cancelled and tw.roster is not None and tw.roster.version > 0:
            tw.removed[key] = shift
    leads_absent = db.session.scalars(
        select(Absence).where(Absence.supervisor_id.in_({s.supervisor_id for s in supervision}),
                              Absence.start_date <= last, Absence.end_date >= first)
    ).all() if supervision else []
    absent_leading = {s.id for s in leader_clashes(supervision, assignments, leads_absent)}
    # An archived leader is absent from today on: those days need another leader too.
    absent_leading |= {s.id for s in archived_leading(supervision, today)}
    for s in supervision:
        tw = by_team[roster_team[s.roster_id]]
        tw.supervision.setdefault(s.date, []).append(s)
        if s.id in absent_leading:
            tw.leader_absent.append((s.date, s.supervisor.name))

    return {"days": days, "teams": [by_team[t.id] for t in teams], "request_days": request_days}


def load_request_days(week: str, regions) -> list[RequestDay]:
    """The accepted requests of these regions this week, with every team's planned people per day.

    Every team counts, not only the ones shown: a request is short when the ministry gets too few
    people, whichever teams send them.
    """
    days7 = week_days(week, 7)
    requests = db.session.scalars(
        select(DeploymentRequest).join(DeploymentRequest.location)
        .where(Location.region.in_(sorted(regions)), DeploymentRequest.status.in_(PLANNED_STATUSES),
               DeploymentRequest.start_date <= days7[-1], DeploymentRequest.end_date >= days7[0])
        .options(joinedload(DeploymentRequest.location), joinedload(DeploymentRequest.work_type))
        .order_by(Location.region, Location.name, DeploymentRequest.id)
    ).all()
    requests = [q for q in requests if any(q.occurs_on(d) for d in days7)]
    planned_rows = db.session.execute(
        select(Assignment.request_id, Assignment.date, func.count())
        .join(Roster, Assignment.roster_id == Roster.id)
        .where(Roster.week == week, Assignment.request_id.in_([q.id for q in requests]))
        .group_by(Assignment.request_id, Assignment.date)
    ).all() if requests else []
    planned: dict[int, dict[dt.date, int]] = defaultdict(lambda: defaultdict(int))
    for request_id, day, n in planned_rows:
        planned[request_id][day] = n
    # Nor does a shift of someone whose contract has ended by then.
    ended: dict[int, dict[dt.date, int]] = defaultdict(lambda: defaultdict(int))
    out_of_contract = set(_ended_shifts(week, [q.id for q in requests]))
    for request_id, day, _employee_id in out_of_contract:
        planned[request_id][day] -= 1
        ended[request_id][day] += 1
    # A shift whose person has since reported absent brings nobody: the request is short there
    # until the roster is repaired (the roster marks such shifts too). One out of contract as
    # well counts once, as ended.
    absent: dict[int, dict[dt.date, int]] = defaultdict(lambda: defaultdict(int))
    for shift in _absent_shifts(week, [q.id for q in requests]):
        if shift in out_of_contract:
            continue
        request_id, day, _employee_id = shift
        planned[request_id][day] -= 1
        absent[request_id][day] += 1
    # Days gone by count against what was asked then (the ministry may have changed it since).
    today = local_today()
    asked = request_history.asked_days(requests, days7[0], min(days7[-1], today - dt.timedelta(days=1))) \
        if days7[0] < today else {}
    return [RequestDay(q, q.headcount, dict(planned[q.id]), dict(absent[q.id]), dict(ended[q.id]),
                       {day: then.headcount for day, then in asked.get(q.id, {}).items()
                        if then.headcount != q.headcount}) for q in requests]


def _ended_shifts(week: str, request_ids: list[int]) -> list[tuple[int, dt.date, int]]:
    """(request, date, employee) of each shift this week on these requests outside its person's
    contract."""
    if not request_ids:
        return []
    days = week_days(week, 7)
    return [(request_id, day, employee_id) for request_id, day, employee_id in db.session.execute(
        select(Assignment.request_id, Assignment.date, Assignment.employee_id)
        .join(Employee, Employee.id == Assignment.employee_id)
        .where(Assignment.request_id.in_(request_ids), Assignment.date.between(days[0], days[-1]),
               or_(Assignment.date < Employee.contract_start, Assignment.date > Employee.contract_end)))]


def _absent_shifts(week: str, request_ids: list[int]) -> list[tuple[int, dt.date, int]]:
    """(request, date, employee) of each shift this week on these requests that clashes with an
    absence."""
    if not request_ids:
        return []
    days = week_days(week, 7)
    absences = db.session.scalars(select(Absence).join(Assignment, Assignment.employee_id == Absence.employee_id).where(
        Assignment.request_id.in_(request_ids), Assignment.date.between(days[0], days[-1]),
        Absence.start_date <= days[-1], Absence.end_date >= days[0]).distinct()).all()
    if not absences:
        return []
    shifts = db.session.scalars(select(Assignment).where(
        Assignment.request_id.in_(request_ids), Assignment.date.between(days[0], days[-1]),
        Assignment.employee_id.in_({a.employee_id for a in absences}))
        .options(joinedload(Assignment.request))).all()
    hit = affected_cells(shifts, absences)
    return [(a.request_id, a.date, a.employee_id) for a in shifts if (a.employee_id, a.date) in hit]


def short_days(week: str, request_days: list[RequestDay]) -> list[ShortDay]:
    """The table's short cells, in its order: the one list the panel and the job summary count."""
    out = []
    for rd in request_days:
        for day in request_dates(week, rd.request):
            got, wanted = rd.planned.get(day, 0), rd.wanted_on(day)
            if got < wanted:
                out.append(ShortDay(rd.request, day, wanted - got, absent=rd.absent.get(day, 0),
                                    ended=rd.ended.get(day, 0)))
    return out


def count_short_days(week: str, team_id: int | None) -> int:
    """How many short cells the roster's table shows for a team's region (None: every region)."""
    if team_id is not None:
        team = db.session.get(Team, team_id)
        regions = {team.region} if team else set()
    else:
        regions = set(db.session.scalars(select(Team.region).where(Team.archived.is_(False))))
    return len(short_days(week, load_request_days(week, regions)))


def explain_short_days(week: str, short: list[ShortDay]) -> list[ShortDay]:
    """Fill in the optimiser's reasons for each short day, on the rosters as they are now.

    The reasons look at what the table counts: every active team of the request's region, its
    people and its roster. A Problem of the shown team alone would see less demand (other teams'
    shifts taken off) and fewer people, and explain a different number than the table shows.
    A region where a team has no roster yet gets no reasons: an empty roster is no reason.
    """
    if not short:
        return short
    regions = sorted({row.request.location.region for row in short})
    teams = db.session.execute(
        select(Team.id, Team.region).where(Team.archived.is_(False), Team.region.in_(regions))
    ).all()
    rostered = set(db.session.scalars(
        select(Roster.team_id).where(Roster.week == week, Roster.team_id.in_([t for t, _region in teams]))))
    unplanned = {region for team_id, region in teams if team_id not in rostered}
    for row in short:
        row.region_planned = row.request.location.region not in unplanned
    team_ids = [team_id for team_id, region in teams if region not in unplanned]
    if not team_ids:
        return short
    problem, _idmap = planning.build_problem(week, team_ids)
    solution = planning.current_solution(week, team_ids, problem)
    explained = {(planning.pk_of(r.request), r.date): r for r in planning.shortfalls(problem, solution)}
    for row in short:
        found = explained.get((row.request.id, row.date)) if row.region_planned else None
        if found is not None:
            # The codes do not depend on the count; the count is the table's, so the two agree.
            row.reasons = render_reasons(row.missing, [c.as_dict() for c in found.codes]) or (
                list(found.reasons) if found.missing == row.missing else [])
        row.reasons = _planned_but_gone(row) + row.reasons
    return short


def _planned_but_gone(row: ShortDay) -> list[str]:
    """The table's own reasons, which the optimiser cannot see in the roster: people planned on the
    request-day who have since reported absent, or whose contract has ended by then. Counts only;
    who and why is on the grid, for those who may see it."""
    reasons = []
    if row.absent:
        reasons.append(ngettext(
            "%(num)d ingeplande medewerker is die dag afwezig: repareer het rooster",
            "%(num)d ingeplande medewerkers zijn die dag afwezig: repareer het rooster", row.absent))
    if row.ended:
        reasons.append(ngettext(
            "%(num)d ingeplande medewerker is die dag niet meer in dienst: kies iemand anders",
            "%(num)d ingeplande medewerkers zijn die dag niet meer in dienst: kies iemand anders", row.ended))
    return reasons


def request_dates(week: str, request: DeploymentRequest) -> list[dt.date]:
    return [d for d in week_days(week, 7) if request.occurs_on(d)]
