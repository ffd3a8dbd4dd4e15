"""The week view's data, loaded in a fixed number of queries however many teams are shown."""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..reasons import render as render_reasons
from ..formatting import week_days
from ..models import (
    Absence,
    Assignment,
    DeploymentRequest,
    Employee,
    JobStatus,
    Location,
    PublishedShift,
    Roster,
    SolveJob,
    SupervisionAssignment,
    Team,
)
from ..planning import PLANNED_STATUSES
from ..services.rosters import affected_cells


@dataclass
class Cell:
    assignment: Assignment
    request: DeploymentRequest
    changed: bool = False  # differs from what employees were told
    affected: bool = False  # clashes with an absence


@dataclass
class TeamWeek:
    team: Team
    roster: Roster | None
    employees: list[Employee]
    cells: dict[tuple[int, dt.date], Cell] = field(default_factory=dict)
    removed: dict[tuple[int, dt.date], PublishedShift] = field(default_factory=dict)  # published, now gone
    supervision: dict[dt.date, list[SupervisionAssignment]] = field(default_factory=dict)
    affected_count: int = 0

    @property
    def status(self) -> str:
        if self.roster is None:
            return "none"
        if self.roster.version == 0:
            return "draft"
        return "changed" if self.roster.has_unpublished_changes else "published"

    @property
    def lock_version(self) -> int:
        return self.roster.lock_version if self.roster is not None else 0


@dataclass
class RequestDay:
    request: DeploymentRequest
    wanted: int
    planned: dict[dt.date, int]


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
    employees = db.session.scalars(
        select(Employee).where(Employee.team_id.in_(team_ids), Employee.archived.is_(False))
        .order_by(Employee.last_name, Employee.first_name, Employee.id)
    ).all()
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
    requests = db.session.scalars(
        select(DeploymentRequest).join(DeploymentRequest.location)
        .where(Location.region.in_(regions), DeploymentRequest.status.in_(PLANNED_STATUSES),
               DeploymentRequest.start_date <= last, DeploymentRequest.end_date >= first)
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

    days = shown_days(week, requests, assignments)
    by_team: dict[int, TeamWeek] = {t.id: TeamWeek(t, rosters.get(t.id), []) for t in teams}
    for e in employees:
        by_team[e.team_id].employees.append(e)
    roster_team = {r.id: r.team_id for r in rosters.values()}
    told = {(p.employee_id, p.date): p for p in published}
    hit = affected_cells(assignments, absences)
    for a in assignments:
        tw = by_team[roster_team[a.roster_id]]
        key = (a.employee_id, a.date)
        shift = told.pop(key, None)
        changed = tw.roster.version > 0 and (shift is None or shift.cancelled or shift.request_id != a.request_id)
        tw.cells[key] = Cell(a, a.request, changed, key in hit)
        tw.affected_count += key in hit
    for key, shift in told.items():
        tw = by_team.get(shift.team_id)
        if tw is not None and not shift.cancelled and tw.roster is not None and tw.roster.version > 0:
            tw.removed[key] = shift
    for s in supervision:
        by_team[roster_team[s.roster_id]].supervision.setdefault(s.date, []).append(s)

    planned: dict[int, dict[dt.date, int]] = defaultdict(dict)
    for request_id, day, n in planned_rows:
        planned[request_id][day] = n
    request_days = [RequestDay(q, q.headcount, planned[q.id]) for q in requests]
    return {"days": days, "teams": [by_team[t.id] for t in teams], "request_days": request_days}


def latest_job(week: str, team_id: int | None, statuses=None) -> SolveJob | None:
    query = select(SolveJob).where(SolveJob.week == week)
    if team_id is not None:
        query = query.where((SolveJob.team_id == team_id) | SolveJob.team_id.is_(None))
    if statuses:
        query = query.where(SolveJob.status.in_(statuses))
    return db.session.scalars(query.order_by(SolveJob.id.desc()).limit(1)).first()


def shortfall_from_job(week: str, job: SolveJob | None, request_days: list[RequestDay]) -> list[dict]:
    """The short request-days, with reasons from the last solve where it still applies."""
    reasons: dict[tuple[int, str], list[str]] = {}
    if job is not None and job.status == JobStatus.FINISHED.value and job.result:
        for row in job.result.get("shortfall", []):
            try:
                reasons[(int(row["request"].split("-")[1]), row["date"])] = (
                    render_reasons(int(row.get("missing") or 0), row.get("reason_codes"))
                    or list(row.get("reasons") or []))
            except (KeyError, ValueError, IndexError, AttributeError):
                continue
    out = []
    for rd in request_days:
        for day in request_dates(week, rd.request):
            got = rd.planned.get(day, 0)
            if got < rd.wanted:
                out.append({"request": rd.request, "date": day, "missing": rd.wanted - got,
                            "reasons": reasons.get((rd.request.id, day.isoformat()), [])})
    return out


def request_dates(week: str, request: DeploymentRequest) -> list[dt.date]:
    return [d for d in week_days(week, 7) if request.occurs_on(d)]
