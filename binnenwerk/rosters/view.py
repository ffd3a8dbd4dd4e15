"""The week view's data, loaded in a fixed number of queries however many teams are shown."""
from __future__ import annotations

import datetime as dt
import json
import re
from bisect import insort
from collections import defaultdict
from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import String, and_, case, cast, func, or_, select
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from scheduling import domain as sd

from .. import planning
from ..extensions import db
from ..reasons import render as render_reasons
from ..formatting import local_today, week_days
from ..public_holidays import is_public_holiday
from ..models import (
    Absence,
    AuditEvent,
    AvailabilitySlot,
    Assignment,
    DeploymentRequest,
    Employee,
    Location,
    PublishedShift,
    RequestStatus,
    Roster,
    RosterChange,
    SupervisionAssignment,
    Supervisor,
    Team,
    WorkType,
    employee_location,
    employee_work_type,
)
from ..planning import PLANNED_STATUSES
from ..services import request_history
from ..services.rosters import (
    HELD, MOVED, NO_REST, OUTSIDE_REGION, TOO_LONG, UNQUALIFIED, Outcome, PublishingRead, affected_cells,
    archived_leading, asked_then, leader_clashes, misfit, has_begun, longer_than_day_limit, minute_now,
    publish_outcomes, read_for_publishing, request_stands, roster_status, stood_then, within_hours, works_then,
)


@dataclass
class Cell:
    """A shift of the grid and what is wrong with it. A day gone by that was told as the roster
    holds it is history: publishing keeps it as told, so it gets no mark but an absence. So is a
    shift of today told so whose told start has come (services.rosters._publish: begun)."""

    assignment: Assignment | LightShift  # a line's cells (load_week's teams without a grid): LightShift
    request: DeploymentRequest | AsWorked  # on a day gone by, with the times as worked (AsWorked)
    changed: bool = False  # differs from what employees were told (request, place, work or times)
    affected: bool = False  # clashes with an absence
    withdrawn: bool = False  # its request no longer asks for that day: publishing leaves it out
    ended: bool = False  # after the person's contract ended (or before it starts): likewise
    not_started: bool = False  # ended, as the contract starts later: the grid says which
    unavailable: bool = False  # outside the person's weekly availability (changed since)
    too_long: bool = False  # longer than the person's hours a day (lowered since, or the request's times)
    # Less than 11 hours' rest from the person's work the day before or after, in any roster (a
    # ministry's new times, or a hand edit in another week's roster): the solver never plans it.
    # Set exactly where publishing holds the shift for it (services.rosters._held_for_rest): a
    # new or changed shift; of a pair, the later unless what stands leaves neither its rest.
    no_rest: bool = False
    # From today on, why it no longer fits (services.rosters.misfit): the person is in another
    # team now, the place lies outside the team's region, or the work or place is no longer theirs.
    moved: bool = False
    outside_region: bool = False
    unqualified: bool = False
    # The person was told this shift as the roster holds it (whatever the roster's version): what
    # publishing holds back stands as told, so such a shift still brings its person.
    told: bool = False
    # No longer asked, and nothing this team told the person stands that day: publishing called
    # it off (or never told it). The grid shows the day as called off, not as work.
    called_off: bool = False
    # What publishing the roster now does with it (services.rosters.publish_outcomes: publishing's
    # own rule, never a copy of it). A shift it holds (outside the person's hours, too long, without
    # 11 hours' rest, in another team or region) brings what was told that day (stands: counted
    # in the hours and on its own request-day), or nothing when nothing was told.
    outcome: Outcome | None = None

    @property
    def held(self) -> bool:
        """Whether publishing leaves this shift untold (what was told that day stands)."""
        return self.outcome is not None and self.outcome.kind == HELD


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
    # Of them the shifts a repair or a re-plan can take off: from today on (days gone by are history,
    # a repair starts today at the earliest; the grid still marks them).
    affected_count: int = 0
    # Shifts of today under way (told as the roster holds them, their told start come) whose person
    # is absent: a repair or a re-plan keeps them as told (planning.begun_today), so only a hand
    # edit (the cell set to free, and publishing) takes them off. Not in affected_count.
    absent_begun_count: int = 0
    withdrawn_count: int = 0
    ended_count: int = 0
    unavailable_count: int = 0
    too_long_count: int = 0
    no_rest_count: int = 0
    moved_count: int = 0
    region_count: int = 0
    unqualified_count: int = 0
    # People in another team now who still have shifts in this roster, or told shifts of this
    # team still to be called off: their rows come last, each saying which team they are in now.
    left: dict[int, Team] = field(default_factory=dict)
    # (date, name) where the one leading the team is absent since the roster was made (the grid's tag).
    leader_absent: list[tuple[dt.date, str]] = field(default_factory=list)
    # Of them those from today on: what a repair can still change, so what the warnings name.
    leader_absent_to_come: list[tuple[dt.date, str]] = field(default_factory=list)
    # (date, name, where now) where the one leading the team has moved since, to another team or to
    # the pool of another region: they may lead only their own team, or their region's as a stand-in.
    leader_moved: list[tuple[dt.date, str, str]] = field(default_factory=list)
    # Places the team works at on a day still to come with nobody to lead it there (a leader's row
    # taken away since, say): the grid says so, with the way to choose one.
    unled: dict[dt.date, list] = field(default_factory=dict)
    # (employee, date) -> "whole" or "part": an absence that day, never its kind (a free cell says
    # "afwezig", so nobody plans someone who cannot come, or wonders why the cell offers nothing).
    away: dict[tuple[int, dt.date], str] = field(default_factory=dict)
    # (employee, date) -> the team whose roster holds that day for them (moved here since).
    elsewhere: dict[tuple[int, dt.date], str] = field(default_factory=dict)
    # Minutes of work planned this week per employee (shifts that still stand), against the contract.
    minutes: dict[int, int] = field(default_factory=dict)
    # The contract's minutes in this week: less holidays, absences and days outside the contract
    # (planning.week_contract_minutes).
    contract: dict[int, int] = field(default_factory=dict)
    # Of `minutes`, those of shifts gone by or under way (history: nothing to adjust any more).
    history: dict[int, int] = field(default_factory=dict)
    # The people with a shift still to come in this team's roster (what this roster can adjust).
    to_come: set[int] = field(default_factory=set)

    # Supervision row id -> "rest" or "long": leading there leaves the leader less than 11 hours of
    # rest before or after a day they lead, or a day at the place longer than 12 hours
    # (the Arbeidstijdenwet, the optimiser's rules 11 and 12; in the rosters on the page).
    leader_tired: dict[int, str] = field(default_factory=dict)

    @property
    def moved_leads(self) -> set[tuple[dt.date, str]]:
        """(date, name) of leader_moved, as the grid looks them up."""
        return {(day, name) for day, name, _team in self.leader_moved}

    @property
    def status(self) -> str:
        return roster_status(self.roster)

    @property
    def lock_version(self) -> int:
        return self.roster.lock_version if self.roster is not None else 0

    @property
    def over_contract(self) -> int:
        """How many of the team's people are planned for more hours than the week's contract
        (the grid's red figure) in a way this roster can adjust: with a shift still to come in it,
        and more than the hours already worked (a contract lowered mid-week leaves the days gone
        by as they were; a moved person's hours in the old team's roster are that roster's)."""
        return sum(1 for e in self.employees if e.id not in self.left and e.id in self.to_come
                   and self.minutes.get(e.id, 0) > max(self.contract.get(e.id, e.contract_minutes),
                                                       self.history.get(e.id, 0)))


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
    # Shifts publishing holds back, per day (publish_outcomes), less those whose told shift on the
    # same request stands: flagged on the grid, told to nobody.
    held: dict[dt.date, int] = field(default_factory=dict)
    # Of `absent`, the shifts gone by or under way (planning.begun_today): a repair keeps them as
    # told, so only a hand edit (the cell set to free) takes them off.
    absent_begun: dict[dt.date, int] = field(default_factory=dict)
    # Of `planned`, the shifts of a day to come whose team leader there is absent that day (or
    # archived), as the grid marks the leader: without one the work there does not go on.
    leaderless: dict[dt.date, int] = field(default_factory=dict)

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
    held: int = 0  # planned shifts publishing holds back (RequestDay.held)
    absent_begun: int = 0  # of `absent`, those gone by or under way (RequestDay.absent_begun)
    leaderless: int = 0  # planned people whose team leader there is absent that day (RequestDay.leaderless)


def shown_days(week: str, requests, assignments) -> list[dt.date]:
    """Monday to Friday, plus a weekend day when something happens on it."""
    days = week_days(week, 7)
    used = {a.date for a in assignments} | {d for q in requests for d in days[5:] if q.occurs_on(d)}
    return [d for d in days if d.isoweekday() <= 5 or d in used]


@dataclass(frozen=True, slots=True)
class LightShift:
    """A roster's shift as an overview line needs it (load_week's lines-only teams): the columns,
    and its request. At a hundred teams' weeks several times cheaper to read than Assignments."""
    roster_id: int
    employee_id: int
    date: dt.date
    request_id: int
    pinned: bool
    request: DeploymentRequest


class AsWorked:
    """A request as one day gone by was worked: the times and break people were told (the published
    shift) or, never told so, the times and break the request asked then (request_history), over
    the request as it is now, which a ministry may have changed since. The grid renders a request's
    shift once and reuses it for each cell of that request id, so one with other times has an id
    of its own (the break is not shown: it counts in the hours only)."""

    __slots__ = ("_request", "start_minute", "end_minute", "break_minutes", "id")

    def __init__(self, request: DeploymentRequest, start_minute: int, end_minute: int, break_minutes: int):
        self._request = request
        self.start_minute, self.end_minute, self.break_minutes = start_minute, end_minute, break_minutes
        same = (start_minute, end_minute) == (request.start_minute, request.end_minute)
        self.id = request.id if same else f"{request.id}-{start_minute}-{end_minute}"

    def __getattr__(self, name: str):
        return getattr(self._request, name)

    @property
    def worked_minutes(self) -> int:
        return self.end_minute - self.start_minute - self.break_minutes


def break_then(then: request_history.Asked, request: DeploymentRequest) -> int:
    """The break asked on a day gone by. A day kept before days kept their break (None) does not
    know it: the request's break of now stands in."""
    return request.break_minutes if then.break_minutes is None else then.break_minutes


def as_worked(request: DeploymentRequest, start_minute: int, end_minute: int,
              break_minutes: int) -> DeploymentRequest | AsWorked:
    """The request itself where the day was worked as it asks now (most cells: nothing to wrap)."""
    if (start_minute, end_minute, break_minutes) == (request.start_minute, request.end_minute, request.break_minutes):
        return request
    return AsWorked(request, start_minute, end_minute, break_minutes)


def load_week(week: str, teams: list[Team], grids: list[Team] | None = None) -> dict:
    """The week of these teams: per team its roster, rows and cells with what is wrong with them.

    `grids`: the teams whose grids the page shows (None: all of them). The others get what their
    line of the overview shows (status, shifts, what needs attention), counted by the same rules
    from lighter reads: no told shifts still to come, no rows of people without a shift, no
    absence marks per cell. The week's days follow the grids' shifts and their regions' requests;
    the requests (and their short days) are every region's of `teams`.
    """
    grid_ids = {t.id for t in grids} if grids is not None else {t.id for t in teams}
    by_team: dict[int, TeamWeek] = {}
    shown_shifts: list = []
    outcomes: dict[int, dict[tuple[int, dt.date], Outcome]] = {}  # per roster: publishing's, for the table too
    shown, lines = [t for t in teams if t.id in grid_ids], [t for t in teams if t.id not in grid_ids]
    for part, full in ((shown, True), (lines, False)):
        if part:
            weeks, shifts = _team_weeks(week, part, full, outcomes)
            by_team.update(weeks)
            shown_shifts += shifts if full else []
    request_days = load_request_days(week, {t.region for t in teams}, outcomes)
    grid_regions = {t.region for t in teams if t.id in grid_ids}
    days = shown_days(week, [rd.request for rd in request_days if rd.request.location.region in grid_regions],
                      shown_shifts)
    return {"days": days, "teams": [by_team[t.id] for t in teams], "request_days": request_days}


def _worked_elsewhere(week: str, team_ids: list[int], employee_ids: list[int]
                      ) -> tuple[dict[int, int], dict[tuple[int, dt.date], str]]:
    """Minutes of work these people hold this week in the rosters of teams other than these (they
    moved to one of these teams since; the old roster keeps its shifts until a repair or a hand
    edit, and the solver counts them too: planning.build_problem's held days), and the days they
    hold there, with that team's name. One query."""
    worked: dict[int, int] = defaultdict(int)
    days: dict[tuple[int, dt.date], str] = {}
    if not employee_ids:
        return worked, days
    for employee_id, day, name, start, end, pause in db.session.execute(
        select(Assignment.employee_id, Assignment.date, Team.name, DeploymentRequest.start_minute,
               DeploymentRequest.end_minute, DeploymentRequest.break_minutes)
        .join(Roster, Roster.id == Assignment.roster_id)
        .join(Team, Team.id == Roster.team_id)
        .join(DeploymentRequest, DeploymentRequest.id == Assignment.request_id)
        .where(Roster.week == week, Roster.team_id.not_in(team_ids), Assignment.employee_id.in_(employee_ids))
    ):
        worked[employee_id] += end - start - pause
        days[(employee_id, day)] = name
    return worked, days


def _team_weeks(week: str, teams: list[Team], full: bool,
                outcomes: dict[int, dict[tuple[int, dt.date], Outcome]] | None = None
                ) -> tuple[dict[int, TeamWeek], list]:
    """load_week for these teams: every grid's detail (full) or only the overview's counts. Adds
    to `outcomes` what publishing would do with each shift of their rosters (publish_outcomes)."""
    outcomes = {} if outcomes is None else outcomes
    days7 = week_days(week, 7)
    first, last = days7[0], days7[-1]
    today = local_today()
    minute = minute_now(today)
    team_ids = [t.id for t in teams]
    rosters = {r.team_id: r for r in db.session.scalars(
        select(Roster).where(Roster.week == week, Roster.team_id.in_(team_ids)))}
    roster_ids = [r.id for r in rosters.values()]
    assignments = (_grid_shifts if full else _light_shifts)(roster_ids)
    on_rosters = {a.employee_id for a in assignments}
    # What was told this week, as publishing reads it (services.rosters._told_shifts): the teams'
    # shifts and those of the people on their rosters, wherever told. A grid shows them (changed
    # and removed cells); a line reads them as columns, for publishing's rule only.
    told_where = and_(PublishedShift.date.between(first, last),
                      or_(PublishedShift.team_id.in_(team_ids), PublishedShift.employee_id.in_(on_rosters)))
    published = db.session.scalars(
        select(PublishedShift).where(told_where)
        .options(joinedload(PublishedShift.location), joinedload(PublishedShift.work_type))
    ).all() if full else db.session.execute(
        select(PublishedShift.employee_id, PublishedShift.date, PublishedShift.team_id, PublishedShift.request_id,
               PublishedShift.cancelled, PublishedShift.location_id, PublishedShift.work_type_id,
               PublishedShift.supervisor_id, PublishedShift.start_minute, PublishedShift.end_minute,
               PublishedShift.break_minutes).where(told_where)).all()
    team_set = set(team_ids)
    ours = [p for p in published if p.team_id in team_set]  # these teams' own told shifts
    # Someone who left still has a row while shifts of theirs stand in the week: they are marked.
    # So has someone moved to another team (their row says which), while this team's roster holds
    # shifts of theirs, or told ones it has yet to call off.
    roster_team = {r.id: r.team_id for r in rosters.values()}
    held = {(roster_team[a.roster_id], a.employee_id, a.date) for a in assignments}
    told_only = {p.employee_id for p in ours
                 if not p.cancelled and (p.team_id, p.employee_id, p.date) not in held} if full else set()
    # A line counts shifts only: the people without one add nothing to it.
    whose = or_(and_(Employee.team_id.in_(team_ids), Employee.archived.is_(False)),
                Employee.id.in_(on_rosters | told_only)) if full else Employee.id.in_(on_rosters)
    employees = db.session.scalars(
        select(Employee).where(whose)
        .options(*((selectinload(Employee.work_types), selectinload(Employee.allowed_locations)) if full else ()))
        .order_by(Employee.sort_name, Employee.id)
    ).all() if full or on_rosters else []
    if not full:
        _give_lists(employees)
    windows: dict[tuple[int, int], list[tuple[int, int]]] = defaultdict(list)  # (person, weekday)
    for employee_id, weekday, start, end in db.session.execute(
        select(AvailabilitySlot.employee_id, AvailabilitySlot.weekday, AvailabilitySlot.start_minute,
               AvailabilitySlot.end_minute).where(AvailabilitySlot.employee_id.in_([e.id for e in employees]))
    ).all() if employees else []:
        windows[(employee_id, weekday)].append((start, end))
    supervision = db.session.scalars(
        select(SupervisionAssignment).where(SupervisionAssignment.roster_id.in_(roster_ids))
        .options(joinedload(SupervisionAssignment.supervisor),
                 *((joinedload(SupervisionAssignment.location),) if full else ()))
    ).all() if roster_ids else []
    absences = db.session.scalars(
        select(Absence).where(Absence.employee_id.in_([e.id for e in employees]),
                              Absence.start_date <= last, Absence.end_date >= first)
    ).all() if employees else []

    by_team: dict[int, TeamWeek] = {t.id: TeamWeek(t, rosters.get(t.id), []) for t in teams}
    by_id = {e.id: e for e in employees}
    told = {(p.employee_id, p.date): p for p in published}
    # Told shifts no roster row holds any more: publishing calls them off ("vervalt"), except on a
    # day gone by of someone who has left the team since (services.rosters._publish).
    removed = [((shift.employee_id, shift.date), shift) for shift in ours
               if (shift.team_id, shift.employee_id, shift.date) not in held
               and not shift.cancelled and shift.employee_id in by_id
               and not (has_begun(shift.date, shift.start_minute, today, minute)
                        and by_id[shift.employee_id].team_id != shift.team_id)] if full else []
    # Each person's rows: in their own team's grid (unless they left with no shift standing), and
    # in the grid of any other team whose roster still holds shifts of theirs.
    for e in employees:
        if e.team_id in by_team and (not e.archived or e.id in on_rosters):
            by_team[e.team_id].employees.append(e)
    guests: dict[int, set[int]] = defaultdict(set)  # team id -> people in another team now
    for a in assignments:
        if by_id[a.employee_id].team_id != roster_team[a.roster_id]:
            guests[roster_team[a.roster_id]].add(a.employee_id)
    for (employee_id, _day), shift in removed:
        if by_id[employee_id].team_id != shift.team_id:
            guests[shift.team_id].add(employee_id)
    now_in = {t.id: t for t in db.session.scalars(select(Team).where(
        Team.id.in_({by_id[e].team_id for found in guests.values() for e in found})))} if guests else {}
    rows_in: dict[int, list[TeamWeek]] = defaultdict(list)  # person -> the grids with a row of theirs
    for tw in by_team.values():
        for e in sorted((by_id[e] for e in guests.get(tw.team.id, ())), key=lambda e: (e.sort_name, e.id)):
            tw.employees.append(e)
            tw.left[e.id] = now_in[e.team_id]
        for e in tw.employees:
            rows_in[e.id].append(tw)
    absent: dict[int, list[Absence]] = defaultdict(list)
    for absence in absences:
        absent[absence.employee_id].append(absence)
        for tw in rows_in[absence.employee_id] if full else ():
            for day in days7:
                if absence.start_date <= day <= absence.end_date:
                    whole = absence.start_minute is None or tw.away.get((absence.employee_id, day)) == "whole"
                    tw.away[(absence.employee_id, day)] = "whole" if whole else "part"
    holiday_week = any(is_public_holiday(day) for day in days7)
    for e in employees:
        if e.team_id in by_team and (holiday_week or e.id in absent
                                     or not (e.employed_on(first) and e.employed_on(last))):
            slots = [Slot(d, s, f) for d in range(1, 8) for s, f in windows.get((e.id, d), ())]
            by_team[e.team_id].contract[e.id] = planning.contract_this_week(
                e.contract_minutes, slots, absent[e.id], days7, e.employed_on)
    hit = affected_cells(assignments, absences)
    asked = asked_then(assignments, today)
    # Shifts worked already or pinned keep their hours within a contract an absence lowered, as a
    # repair's Problem keeps them (planning.build_problem): not "more than the contract".
    kept: dict[tuple[int, int], int] = defaultdict(int)  # (team id, person) -> minutes
    on_top: dict[tuple[int, int], int] = defaultdict(int)  # (team id, person) -> minutes
    # Each person's hours this week, in whichever roster: a grid shows them on every row of theirs
    # (someone moved since works the shifts that stand in the old team's roster too).
    worked, held_elsewhere = _worked_elsewhere(week, team_ids, [e.id for e in employees])
    worked_before: dict[int, int] = defaultdict(int)  # of `worked`: gone by or under way
    shifts_read: list[tuple[TeamWeek, Assignment | LightShift, Cell, bool]] = []  # with `history`
    for a in assignments:
        tw = by_team[roster_team[a.roster_id]]
        key, q, e = (a.employee_id, a.date), a.request, by_id[a.employee_id]
        shift = told.get(key)
        history = (shift is not None and not shift.cancelled and shift.request_id == a.request_id
                   and has_begun(a.date, shift.start_minute, today, minute))
        if history:
            # A day gone by (or a shift of today whose told start has come), told as the roster
            # holds it: worked as told, and publishing keeps it so whatever changed since (the
            # request, the contract, the person's team or hours). Its times are the told ones: a
            # ministry's new times count from their day on, as on the week page and in the feeds.
            worked_as = as_worked(q, shift.start_minute, shift.end_minute, shift.break_minutes)
            cell = Cell(a, worked_as, affected=key in hit, told=True)
        else:
            # A day gone by not told so: the times and break the request asked then.
            then = asked.get(q.id, {}).get(a.date) if a.date < today else None
            worked_as = as_worked(q, then.start_minute, then.end_minute, break_then(then, q)) if then else q
            # (A line reads no told shifts still to come: whether a cell differs from them is the grid's.)
            told_so = _told_as(shift, tw.team.id, q, a.date >= today)
            cell = Cell(
                a, worked_as, full and tw.roster.version > 0 and not told_so, key in hit,
                withdrawn=not (stood_then(asked, q.id, a.date) if a.date < today else request_stands(q, a.date)),
                ended=not works_then(e, a.date),
                unavailable=not within_hours(worked_as, windows[(a.employee_id, a.date.isoweekday())]),
                told=told_so)
            cell.not_started = cell.ended and a.date < e.contract_start
            cell.too_long = longer_than_day_limit(e, worked_as)
            why = misfit(e, q, tw.team.id, tw.team.region) if a.date >= today else None
            cell.moved, cell.outside_region, cell.unqualified = why == MOVED, why == OUTSIDE_REGION, why == UNQUALIFIED
            if cell.withdrawn:
                # A day its request no longer asks for (cancelled, declined, the date called off,
                # the weekday dropped): publishing calls the shift off before any rule of the
                # request's times, place or work (services.rosters._publish), so it is flagged and
                # counted as not asked only, not also as outside the hours, too long, outside the
                # region or no longer fitting.
                cell.unavailable = cell.too_long = cell.outside_region = cell.unqualified = False
            if full and cell.withdrawn and tw.roster.version > 0 and not _team_told(shift, tw.team.id):
                # Published since the day was dropped (or never told): nothing to change any more.
                cell.called_off, cell.changed = True, False
        tw.cells[key] = cell
        shifts_read.append((tw, a, cell, history))
        tw.unavailable_count += cell.unavailable
        tw.too_long_count += cell.too_long
        # A shift its request no longer asks for is called off, absent or not: counted as withdrawn only.
        # One of today under way is kept by a repair (planning.begun_today): counted apart.
        begun_absent = cell.affected and not cell.withdrawn and history and a.date == today
        # A day gone by was worked (or not) as it went: nothing to repair, the grid marks it still.
        tw.affected_count += cell.affected and not cell.withdrawn and not begun_absent and a.date >= today
        tw.absent_begun_count += begun_absent
        tw.withdrawn_count += cell.withdrawn
        tw.ended_count += cell.ended
        tw.moved_count += cell.moved
        tw.region_count += cell.outside_region
        tw.unqualified_count += cell.unqualified
    # What publishing would do with each shift, by its own rule (the rest rule among them): from
    # what this page read, in no further query but the days worked around the week.
    outcomes.update(publish_outcomes(list(rosters.values()), PublishingRead(
        shifts=_per_roster(rosters.values(), assignments),
        leaders=_leaders_at(rosters.values(), supervision), told=told, absent=hit, asked=asked,
        regions={t.id: t.region for t in teams}, since=today, minute=minute,
        worked={key: span for key, span in planning.days_worked(
            on_rosters, first - dt.timedelta(days=1), last + dt.timedelta(days=1)).items() if key not in hit}
        if on_rosters else {},
        people=by_id, windows=windows)))
    # The hours: what will stand after publishing (a held shift brings what was told that day).
    asks = {a.request_id: a.request for a in assignments}
    for tw, a, cell, history in shifts_read:
        if not history and a.date >= today:
            cell.outcome = outcomes[a.roster_id].get((a.employee_id, a.date))
            cell.no_rest = cell.held and cell.outcome.why == NO_REST
            tw.no_rest_count += cell.no_rest
        elif not history and (cell.unavailable or cell.too_long) and not cell.told:
            # A day gone by keeps the grid's count of before: outside the hours or too long as asked
            # then, and not told so, it brings none (worked while away, it still does).
            cell.outcome = Outcome(HELD, "held" if cell.unavailable else TOO_LONG)
        # A shift still to come on a day the person is away brings no hours either: their
        # contract is lowered for that day, so counting it read as "more than the contract".
        # One worked already (or pinned) keeps its hours, as below.
        away = cell.affected and not (a.pinned or a.date < today or history)
        if cell.withdrawn or cell.ended or away or (cell.held and not as_asked(cell.outcome, asks)):
            continue
        minutes = cell.outcome.minutes if cell.held else cell.request.worked_minutes
        worked[a.employee_id] += minutes
        if cell.affected and not a.pinned and (a.date < today or history):
            # Worked on a day the contract is lowered for already: on top of it, as a repair's
            # Problem has it (planning.build_problem's kept_absent), not taken from the other days.
            on_top[(tw.team.id, a.employee_id)] += minutes
        elif a.pinned or a.date < today or history:
            kept[(tw.team.id, a.employee_id)] += minutes
        if a.date < today or history:
            worked_before[a.employee_id] += minutes
        else:
            tw.to_come.add(a.employee_id)
    for tw in by_team.values():
        tw.minutes = {e.id: worked[e.id] for e in tw.employees if worked.get(e.id)}
        tw.history = {e.id: worked_before[e.id] for e in tw.employees if worked_before.get(e.id)}
    # A day someone holds in another team's roster is not free in their own team's grid.
    for (employee_id, day), name in held_elsewhere.items():
        if by_id[employee_id].team_id in by_team:
            by_team[by_id[employee_id].team_id].elsewhere[(employee_id, day)] = name
    for a in assignments:
        now_team = by_id[a.employee_id].team_id
        if now_team != roster_team[a.roster_id] and now_team in by_team:
            by_team[now_team].elsewhere[(a.employee_id, a.date)] = by_team[roster_team[a.roster_id]].team.name
    for (team_id, employee_id), minutes in kept.items():
        contract = by_team[team_id].contract
        if employee_id in contract:  # lowered this week (only for the team's own people)
            contract[employee_id] = min(by_id[employee_id].contract_minutes, max(contract[employee_id], minutes))
    for (team_id, employee_id), minutes in on_top.items():
        contract = by_team[team_id].contract
        if employee_id in contract:
            contract[employee_id] += minutes
    for key, shift in removed:
        tw = by_team.get(shift.team_id)
        if tw is not None and tw.roster is not None and tw.roster.version > 0:
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
            if s.date >= today:
                tw.leader_absent_to_come.append((s.date, s.supervisor.name))
        elif s.date >= today and s.supervisor.team_id not in (None, tw.team.id):
            tw.leader_moved.append((s.date, s.supervisor.name, s.supervisor.team.name))
        elif s.date >= today and s.supervisor.team_id is None and s.supervisor.region != tw.team.region:
            # A stand-in of the pool leads in their own region only (moved to another region since).
            tw.leader_moved.append((s.date, s.supervisor.name,
                                    _("de pool van regio %(region)s", region=s.supervisor.region)))
    # What the same leaders lead in rosters not on this page, the day before to the day after the
    # week: their rest is owed to that too (a region's stand-in leads several teams).
    leaders = {s.supervisor_id for s in supervision}
    elsewhere = planning.leader_days(leaders, and_(
        SupervisionAssignment.date.between(first - dt.timedelta(days=1), last + dt.timedelta(days=1)),
        SupervisionAssignment.roster_id.not_in(roster_ids))) if leaders else {}
    for s, why in _tired_leads(supervision, assignments, elsewhere).items():
        by_team[roster_team[s.roster_id]].leader_tired[s.id] = why
    for tw in by_team.values():
        led = {(s.date, s.location_id) for rows in tw.supervision.values() for s in rows}
        places: dict[tuple[dt.date, int], object] = {}
        for (_employee_id, day), cell in tw.cells.items():
            if day >= today and not (cell.withdrawn or cell.ended or cell.moved or cell.outside_region):
                places.setdefault((day, cell.request.location_id), cell.request.location)
        for (day, location_id), location in sorted(places.items(), key=lambda item: (item[0][0], item[1].name)):
            if (day, location_id) not in led:
                tw.unled.setdefault(day, []).append(location)
    return by_team, assignments


def as_asked(outcome: Outcome, requests: dict[int, DeploymentRequest]) -> bool:
    """Whether what stands after publishing is work its request asks as it is now (place, work,
    times): the ministry counts only that as planned (reports.ministry_plan), so the grid counts
    only that in the hours and for the request. Work on a request not among `requests` (those
    read) counts: nothing says it changed."""
    if outcome.stands is None:
        return False
    q = requests.get(outcome.stands[0])
    return q is None or outcome.stands[1:5] == (q.location_id, q.work_type_id, q.start_minute, q.end_minute)


def _per_roster(rosters, assignments) -> dict[int, list]:
    """Per roster id, the shifts it holds."""
    found: dict[int, list] = {r.id: [] for r in rosters}
    for a in assignments:
        found[a.roster_id].append(a)
    return found


def _leaders_at(rosters, supervision) -> dict[int, dict[tuple[dt.date, int], int]]:
    """Per roster id, the team leader at each (date, location), as services.rosters._supervisors_at
    reads them, from the supervision rows read already."""
    found: dict[int, dict[tuple[dt.date, int], int]] = {r.id: {} for r in rosters}
    for s in sorted(supervision, key=lambda s: s.id):
        found[s.roster_id][(s.date, s.location_id)] = s.supervisor_id
    return found


def _tired_leads(supervision, assignments, elsewhere=None) -> dict:
    """The supervision rows (of days to come and gone) whose leader's day, from the team's first
    start to its last end at the place, lasts longer than 12 hours ("long") or leaves less than 11
    hours of rest before or after their day led the date before or after ("rest"), on these
    rosters or `elsewhere` ((leader, date) -> (start, end) in other rosters, planning.leader_days)."""
    spans: dict[tuple[int, dt.date, int], tuple[int, int]] = {}  # (roster, date, place)
    for a in assignments:
        key = (a.roster_id, a.date, a.request.location_id)
        start, end = spans.get(key, (a.request.start_minute, a.request.end_minute))
        spans[key] = (min(start, a.request.start_minute), max(end, a.request.end_minute))
    duty: dict[tuple[int, dt.date], tuple[int, int]] = {}  # (leader, date)
    for s in supervision:
        span = spans.get((s.roster_id, s.date, s.location_id))
        if span is not None:
            start, end = duty.get((s.supervisor_id, s.date), span)
            duty[(s.supervisor_id, s.date)] = (min(start, span[0]), max(end, span[1]))
    out = {}
    for s in supervision:
        here = duty.get((s.supervisor_id, s.date))
        if here is None or (s.roster_id, s.date, s.location_id) not in spans:
            continue
        day_before, day_after = s.date - dt.timedelta(days=1), s.date + dt.timedelta(days=1)
        before, after = (_span(duty.get((s.supervisor_id, other)), (elsewhere or {}).get((s.supervisor_id, other)))
                         for other in (day_before, day_after))
        if sd.span_minutes(planning.TIMEZONE, s.date, *here) > planning.MAX_SUPERVISION_MINUTES:
            out[s] = "long"
        elif planning.short_of_rest(s.date, *here, before, after):
            out[s] = "rest"
    return out


def _span(one: tuple[int, int] | None, two: tuple[int, int] | None) -> tuple[int, int] | None:
    """The day from the earlier start to the later end of two (either may be None)."""
    if one is None or two is None:
        return one or two
    return min(one[0], two[0]), max(one[1], two[1])


def _give_lists(employees: list[Employee]) -> None:
    """Load the people's work types and places (misfit reads them) from their link tables: for a
    thousand people a fraction of what selectinload costs, which builds every row as an object."""
    ids = [e.id for e in employees]
    if not ids:
        return
    linked = {}
    for table, column, model in ((employee_work_type, employee_work_type.c.work_type_id, WorkType),
                                 (employee_location, employee_location.c.location_id, Location)):
        pairs = db.session.execute(select(table.c.employee_id, column).where(table.c.employee_id.in_(ids))).all()
        found = {obj.id: obj for obj in db.session.scalars(
            select(model).where(model.id.in_({other for _e, other in pairs})))} if pairs else {}
        lists: dict[int, list] = defaultdict(list)
        for employee_id, other in pairs:
            lists[employee_id].append(found[other])
        linked[model] = lists
    for e in employees:
        set_committed_value(e, "work_types", linked[WorkType][e.id])
        set_committed_value(e, "allowed_locations", linked[Location][e.id])


def _grid_shifts(roster_ids: list[int]) -> list[Assignment]:
    """The rosters' shifts with what a grid shows of their requests."""
    return db.session.scalars(
        select(Assignment).where(Assignment.roster_id.in_(roster_ids))
        .options(joinedload(Assignment.request).joinedload(DeploymentRequest.location),
                 joinedload(Assignment.request).joinedload(DeploymentRequest.work_type))
    ).all() if roster_ids else []


def _light_shifts(roster_ids: list[int]) -> list[LightShift]:
    """The rosters' shifts as columns, each with its request (read once per request)."""
    if not roster_ids:
        return []
    rows = db.session.execute(
        select(Assignment.roster_id, Assignment.employee_id, Assignment.date, Assignment.request_id, Assignment.pinned)
        .where(Assignment.roster_id.in_(roster_ids))).all()
    requests = {q.id: q for q in db.session.scalars(
        select(DeploymentRequest).where(DeploymentRequest.id.in_({row.request_id for row in rows}))
        .options(joinedload(DeploymentRequest.location)))} if rows else {}
    return [LightShift(*row, requests[row.request_id]) for row in rows]


def _told_as(shift: PublishedShift | None, team_id: int, request: DeploymentRequest, to_come: bool) -> bool:
    """Whether the person was told this team's shift: the same request and, on a day still to come,
    its place, work and times as the request has them now (a ministry may change those, keeping
    the request). A day gone by is told as it was asked then: the same request is enough."""
    if shift is None or shift.cancelled or shift.team_id != team_id or shift.request_id != request.id:
        return False
    return not to_come or (shift.location_id, shift.work_type_id, shift.start_minute, shift.end_minute,
                           shift.break_minutes) == (request.location_id, request.work_type_id, request.start_minute,
                                                    request.end_minute, request.break_minutes)


def _team_told(shift: PublishedShift | None, team_id: int) -> bool:
    """Whether what this team told the person for the day stands (not called off): publishing
    still has to call off a shift on a day its request dropped."""
    return shift is not None and not shift.cancelled and shift.team_id == team_id


def load_request_days(week: str, regions, outcomes: dict[int, dict[tuple[int, dt.date], Outcome]] | None = None
                      ) -> list[RequestDay]:
    """The accepted requests of these regions this week, with every team's planned people per day.

    Every team counts, not only the ones shown: a request is short when the ministry gets too few
    people, whichever teams send them. `outcomes`: what publishing would do with the shifts of the
    rosters load_week read (publish_outcomes); the other rosters with shifts on these requests are
    read for it here, as publishing reads them.
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
    shifts = db.session.execute(
        select(Assignment.roster_id, Assignment.employee_id, Assignment.date, Assignment.request_id)
        .join(Roster, Assignment.roster_id == Roster.id)
        .where(Roster.week == week, Assignment.request_id.in_([q.id for q in requests]))
    ).all() if requests else []
    planned: dict[int, dict[dt.date, int]] = defaultdict(lambda: defaultdict(int))
    for _roster_id, _employee_id, day, request_id in shifts:
        planned[request_id][day] += 1
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
    absent_begun: dict[int, dict[dt.date, int]] = defaultdict(lambda: defaultdict(int))
    away = set(_absent_shifts(week, [q.id for q in requests]))
    since = local_today()
    under_way = planning.begun_today([row for row in shifts if (row.request_id, row.date, row.employee_id) in away],
                                     since) if away else set()
    for shift in away:
        if shift in out_of_contract:
            continue
        request_id, day, employee_id = shift
        planned[request_id][day] -= 1
        absent[request_id][day] += 1
        if day < since or (employee_id, day) in under_way:
            absent_begun[request_id][day] += 1
    # Nor does one publishing holds back (outside the person's hours, too long, without rest, in
    # another team or region), as the grid flags it and leaves it out of the hours: the ministry
    # is not told it. What the person was told that day stands: it counts on its own request.
    held: dict[int, dict[dt.date, int]] = defaultdict(lambda: defaultdict(int))
    outcomes = dict(outcomes or {})
    unread = {roster_id for roster_id, *_rest in shifts} - set(outcomes)
    if unread:
        others = db.session.scalars(select(Roster).where(Roster.id.in_(unread))).all()
        outcomes.update(publish_outcomes(others, read_for_publishing(week, others)))
    idle, by_id = out_of_contract | away, {q.id: q for q in requests}
    counted = []  # the shifts that count as planned on their own request
    for roster_id, employee_id, day, request_id in shifts:
        outcome = outcomes[roster_id].get((employee_id, day))
        if (request_id, day, employee_id) in idle:
            continue  # (those count as ended or absent)
        if outcome is None or outcome.kind != HELD:
            counted.append((roster_id, day, request_id))
            continue
        stood = outcome.stands[0] if as_asked(outcome, by_id) else None
        if stood != request_id:
            planned[request_id][day] -= 1
            held[request_id][day] += 1
            if stood is not None:
                planned[stood][day] += 1
        else:
            counted.append((roster_id, day, request_id))
    leaderless: dict[int, dict[dt.date, int]] = defaultdict(lambda: defaultdict(int))
    unled = _leader_away(shifts, by_id, local_today())
    for roster_id, day, request_id in counted:
        if (roster_id, day, by_id[request_id].location_id) in unled:
            leaderless[request_id][day] += 1
    # Days gone by count against what was asked then (the ministry may have changed it since), and
    # so does today once its shift had begun at the change (request_history keeps today then, as
    # the ministry's pages count it; otherwise today reads the request as it is).
    today = local_today()
    asked = request_history.asked_days(requests, days7[0], min(days7[-1], today)) if days7[0] <= today else {}
    return [RequestDay(q, q.headcount, dict(planned[q.id]), dict(absent[q.id]), dict(ended[q.id]),
                       {day: then.headcount for day, then in asked.get(q.id, {}).items()
                        if then.headcount != q.headcount}, dict(held[q.id]), dict(absent_begun[q.id]),
                       dict(leaderless[q.id]))
            for q in requests]


def _leader_away(shifts, requests: dict[int, DeploymentRequest], today: dt.date) -> set[tuple[int, dt.date, int]]:
    """(roster, date, location) of the days to come where each team leader the roster has there is
    absent while leading (leader_clashes, the grid's rule) or archived (archived_leading). Only
    whether: never the kind of absence. Two queries, none when there are no shifts to come."""
    to_come = [row for row in shifts if row.date >= today and row.request_id in requests]
    if not to_come:
        return set()
    leads = db.session.execute(
        select(SupervisionAssignment.id, SupervisionAssignment.roster_id, SupervisionAssignment.date,
               SupervisionAssignment.location_id, SupervisionAssignment.supervisor_id, Supervisor.archived)
        .join(Supervisor, Supervisor.id == SupervisionAssignment.supervisor_id)
        .where(SupervisionAssignment.roster_id.in_({row.roster_id for row in to_come}),
               SupervisionAssignment.date >= today)).all()
    if not leads:
        return set()
    days = [row.date for row in to_come]
    absences = db.session.scalars(select(Absence).where(
        Absence.supervisor_id.in_({lead.supervisor_id for lead in leads}),
        Absence.start_date <= max(days), Absence.end_date >= min(days))).all()
    # leader_clashes reads each shift's place and times through its request.
    away = {s.id for s in leader_clashes(leads, [_Shift(row.roster_id, row.date, requests[row.request_id])
                                                 for row in to_come], absences)} if absences else set()
    places: dict[tuple[int, dt.date, int], bool] = {}
    for lead in leads:
        key = (lead.roster_id, lead.date, lead.location_id)
        places[key] = places.get(key, True) and (lead.id in away or lead.archived)
    return {key for key, none_there in places.items() if none_there}


@dataclass(frozen=True, slots=True)
class _Shift:
    roster_id: int
    date: dt.date
    request: DeploymentRequest


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
                                    ended=rd.ended.get(day, 0), held=rd.held.get(day, 0),
                                    absent_begun=rd.absent_begun.get(day, 0),
                                    leaderless=rd.leaderless.get(day, 0)))
    return out


def week_asks_anyone(week: str, regions) -> bool:
    """Whether an accepted request of these regions asks anyone on a day of this week: a row of the
    roster page's table (load_request_days). Without one a solve has nothing to fill."""
    days7 = week_days(week, 7)
    if not regions:
        return False
    requests = db.session.scalars(
        select(DeploymentRequest).join(DeploymentRequest.location)
        .where(Location.region.in_(sorted(regions)), DeploymentRequest.status.in_(PLANNED_STATUSES),
               DeploymentRequest.start_date <= days7[-1], DeploymentRequest.end_date >= days7[0])
        .options(selectinload(DeploymentRequest.dates_off))
    ).all()
    return any(q.occurs_on(d) for q in requests for d in days7)


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

    A request accepted, changed or given another priority after the region's rosters were last
    planned says that instead: the optimiser's reasons explain a plan made without it (that
    everyone is deployed elsewhere, say), while planning again may well fill it. So does a short
    day whose people another request of the region held when planned, cancelled or asking less
    since (_others_changed_since): the reasons would point at that request's shifts.
    """
    if not short:
        return short
    regions = sorted({row.request.location.region for row in short})
    teams = db.session.execute(
        select(Team.id, Team.region).where(Team.archived.is_(False), Team.region.in_(regions))
    ).all()
    rosters = db.session.execute(
        select(Roster.id, Roster.team_id).where(Roster.week == week, Roster.team_id.in_([t for t, _region in teams]))
    ).all()
    rostered = {team_id for _roster_id, team_id in rosters}
    unplanned = {region for team_id, region in teams if team_id not in rostered}
    region_of = dict(teams)
    late = _decided_since_planned(short, {roster_id: region_of[team_id] for roster_id, team_id in rosters})
    for row in short:
        row.region_planned = row.request.location.region not in unplanned
    team_ids = [team_id for team_id, region in teams if region not in unplanned]
    explained = {}
    if team_ids and any(row.region_planned and (row.request.id, row.date) not in late for row in short):
        problem, idmap = planning.build_problem(week, team_ids)
        solution = planning.current_solution(week, team_ids, problem)
        # With the idmap, rest owed to shifts outside the week reads as rest, not "not available".
        explained = {(planning.pk_of(r.request), r.date): r for r in planning.shortfalls(problem, solution, idmap)}
    for row in short:
        found = explained.get((row.request.id, row.date)) \
            if row.region_planned and (row.request.id, row.date) not in late else None
        if found is not None:
            # The codes do not depend on the count; the count is the table's, so the two agree.
            row.reasons = render_reasons(row.missing, [c.as_dict() for c in found.codes]) or (
                list(found.reasons) if found.missing == row.missing else [])
        row.reasons = late.get((row.request.id, row.date), []) + _planned_but_gone(row) + row.reasons
    return short


PLANNED_ACTIONS = ("roster.solve", "roster.repair", "roster.import")  # audit actions that plan a roster
# A ministry's change and a planner's decision that change what the optimiser would plan. A
# request made already accepted (an import may) counts as accepted when it was made: one made
# otherwise is accepted later, and that later event is the one that counts.
DECIDED_ACTIONS = (f"request_{RequestStatus.ACCEPTED.value}", "request_created", "request_changed",
                   "request_priority")
# The fields of a request_changed event (detail "fields=a,b; before=...") that change what is asked;
# the contact details, access instructions and notes change nothing the optimiser plans.
ASKED_FIELDS = frozenset(("location_id", "work_type_id", "start_date", "end_date", "weekdays", "start_minute",
                          "end_minute", "break_minutes", "headcount", "dates_off"))


def _decided_since_planned(short: list[ShortDay], region_of: dict[int, str]) -> dict[tuple[int, dt.date], list[str]]:
    """Per short day (request id, date) whose request was accepted, changed or given another
    priority after its region's rosters of the week (`region_of`: roster id -> region) last planned
    that day, the line that says so. A repair from a day (or a solve of a week partly gone by)
    plans that day and the days after it: the days before keep the moment they were planned before
    (_planned_days). A roster never planned counts from when it was made (its first history line);
    a region without rosters has nothing to be late for."""
    if not region_of:
        return {}
    planned = _planned_days(list(region_of))
    made = dict(db.session.execute(
        select(RosterChange.roster_id, func.min(RosterChange.at)).where(RosterChange.roster_id.in_(list(region_of)))
        .group_by(RosterChange.roster_id)).all())

    def planned_at(roster_id: int, day: dt.date) -> dt.datetime | None:
        plans = planned.get(roster_id)
        if not plans:
            return made.get(roster_id)
        return max((at for first, at in plans if first is None or first <= day), default=made.get(roster_id))

    since: dict[tuple[str, dt.date], dt.datetime] = {}  # (region, day) -> when its rosters last planned it
    for region, day in {(row.request.location.region, row.date) for row in short}:
        moments = [planned_at(roster_id, day) for roster_id, its_region in region_of.items() if its_region == region]
        moments = [at for at in moments if at is not None]
        if moments:
            since[(region, day)] = max(moments)
    rows = [row for row in short if (row.request.location.region, row.date) in since]
    if not rows:
        return {}
    dates: dict[tuple[int, dt.date], list[tuple[dt.datetime, bool]]] = {}
    last = last_decisions({row.request.id for row in rows}, dates=dates)
    out = {}
    for row in rows:
        planned = since[(row.request.location.region, row.date)]
        if row.request.id in last and last[row.request.id][0] > planned:
            out[(row.request.id, row.date)] = [_late_line(last[row.request.id][1])]
        elif date_changed_since(dates.get((row.request.id, row.date), []), planned) is not None:
            out[(row.request.id, row.date)] = [_late_line("request_changed")]
    for key in _others_changed_since(rows, since, list(region_of)):
        out.setdefault(key, []).append(_("Na het plannen is een andere aanvraag in deze regio veranderd of "
                                         "geannuleerd. Plan opnieuw: dan kan deze dag misschien wel gevuld worden."))
    return out


# Another request's events that may free the people (and their leader) it holds: it was cancelled
# or declined, its priority or what it asks changed (_frees says which of those do).
FREEING_ACTIONS = (f"request_{RequestStatus.CANCELLED.value}", f"request_{RequestStatus.DECLINED.value}",
                   "request_changed", "request_priority")


def _others_changed_since(rows: list[ShortDay], since: dict[tuple[str, dt.date], dt.datetime],
                          roster_ids: list[int]) -> set[tuple[int, dt.date]]:
    """The short days (request id, date) where another request, with people planned that day in
    the region's rosters, was changed since those rosters planned the day in a way that may free
    them: cancelled or declined, a lower priority, fewer people, other days, times or place. Its
    shifts stay in the roster (marked) until it is planned again, and the optimiser's reasons
    ("al elders ingezet") then point at those very shifts. Only a request holding someone that day
    can free someone; a date of it called off frees that date alone. One query."""
    if not rows or not roster_ids:
        return set()
    held = (select(Assignment.request_id, Team.region, Assignment.date)
            .join(Roster, Roster.id == Assignment.roster_id).join(Team, Team.id == Roster.team_id)
            .where(Assignment.roster_id.in_(roster_ids)).distinct().subquery())
    events: dict[int, set[tuple[dt.datetime, str, str]]] = defaultdict(set)
    holds: dict[tuple[str, dt.date], set[int]] = defaultdict(set)  # (region, day) -> requests with shifts then
    headcount: dict[int, int] = {}
    for request_id, now, region, day, action, at, detail in db.session.execute(
            select(held.c.request_id, DeploymentRequest.headcount, held.c.region, held.c.date,
                   AuditEvent.action, AuditEvent.at, AuditEvent.detail)
            .join(DeploymentRequest, DeploymentRequest.id == held.c.request_id)
            .join(AuditEvent, AuditEvent.object_id == cast(held.c.request_id, String))
            .where(AuditEvent.object_type == "DeploymentRequest", AuditEvent.action.in_(FREEING_ACTIONS),
                   AuditEvent.at > min(since.values()))):
        events[request_id].add((at, action, detail or ""))
        holds[(region, day)].add(request_id)
        headcount[request_id] = now
    out = set()
    for row in rows:
        region = row.request.location.region
        planned = since[(region, row.date)]
        for request_id in holds.get((region, row.date), ()):
            if request_id != row.request.id and _frees(sorted(events[request_id]), planned, row.date,
                                                        headcount[request_id]):
                out.add((row.request.id, row.date))
                break
    return out


def _frees(events: list[tuple[dt.datetime, str, str]], planned: dt.datetime, day: dt.date, headcount: int) -> bool:
    """Whether the events of a request (in order of time) since `planned` may free the people it
    holds on `day`: a cancel or decline, a change of what it asks (ASKED_FIELDS) other than more
    people, `day` called off (and not taken back: date_changed_since), and a priority or headcount
    lower now than at the plan (the first event's before-value). Raised and lowered back is no
    change, nor is more people or a higher priority: those take people rather than free them."""
    from ..services.requests import BEFORE_MARK

    called: list[tuple[dt.datetime, bool]] = []
    priority_then = priority_now = headcount_then = None
    for at, action, detail in events:
        if at <= planned:
            continue
        if action != "request_changed" and action != "request_priority":
            return True  # cancelled or declined
        if action == "request_priority":
            values = dict(part.split("=", 1) for part in detail.split(";", 1)[0].split() if "=" in part)
            try:
                priority_then = int(values["from"]) if priority_then is None else priority_then
                priority_now = int(values["to"])
            except (KeyError, ValueError):
                return True  # a detail not as written: as _decides, it counts
            continue
        date, off = _one_date(action, detail)
        if date is not None:
            if date == day:
                called.append((at, off))
            continue
        if not _decides(action, detail):
            continue  # contact details, notes, access instructions
        fields = set(detail.split(";", 1)[0].split(" ")[0][len("fields="):].split(","))
        if not ASKED_FIELDS.isdisjoint(fields - {"headcount"}):
            return True
        if headcount_then is None:
            try:
                headcount_then = int(json.loads(detail.split(BEFORE_MARK, 1)[1])["headcount"])
            except (IndexError, KeyError, TypeError, ValueError):
                return True  # a detail not as written: it may have asked fewer people
    if date_changed_since(called, planned) is not None and called[-1][1]:
        return True  # called off since (taken back, it asks again: that frees nobody)
    return (priority_then is not None and priority_now < priority_then) or (
        headcount_then is not None and headcount < headcount_then)


def last_decisions(request_ids, after: dt.datetime | None = None,
                   dates: dict[tuple[int, dt.date], tuple[dt.datetime, str]] | None = None
                   ) -> dict[int, tuple[dt.datetime, str]]:
    """Per request (of these), when and how (the DECIDED_ACTIONS action) it was last accepted,
    changed or given a higher priority, in a way that changes what the optimiser would plan
    (_decides); with `after`, only decisions after that moment (UTC, as AuditEvent.at). One query.

    A date called off or taken back changes that date only (_one_date): those go into `dates`,
    per (request id, date), as (moment, called off) in order of time, when it is given (see
    date_changed_since)."""
    if not request_ids:
        return {}
    query = select(AuditEvent.object_id, AuditEvent.action, AuditEvent.at, AuditEvent.detail).where(
        AuditEvent.action.in_(DECIDED_ACTIONS), AuditEvent.object_type == "DeploymentRequest",
        AuditEvent.object_id.in_(sorted({str(request_id) for request_id in request_ids})))
    if after is not None:
        query = query.where(AuditEvent.at > after)
    last: dict[int, tuple[dt.datetime, str]] = {}
    for object_id, action, at, detail in db.session.execute(query):
        day, off = _one_date(action, detail or "")
        if day is not None:
            if dates is not None:
                insort(dates.setdefault((int(object_id), day), []), (at, off))
            continue
        if not _decides(action, detail or ""):
            continue
        request_id = int(object_id)
        if request_id not in last or at > last[request_id][0]:
            last[request_id] = (at, action)
    return last


# A roster's planning audit line names the first day it planned when the days before it were kept
# (planning.apply_solution: "week=2026-W50 from=2026-12-09 assignments=..."; the week is always
# eight characters, so the date starts at the 20th).
_FIRST_DAY = case((AuditEvent.detail.like("week=________ from=%"), func.substr(AuditEvent.detail, 20, 10)),
                  else_="")


def _planned_days(roster_ids: list[int]) -> dict[int, list[tuple[dt.date | None, dt.datetime]]]:
    """Per roster, when it was last planned from each first day: (first day, moment), None for the
    whole week (a plan that kept no days, or one logged before the first day was). The moment of a
    solve is when it read its data (the line's "as_of", planning.apply_solution's as_of), not when
    it saved the roster: a request accepted while the solver ran is not in the plan. One query."""
    out: dict[tuple[int, dt.date | None], dt.datetime] = {}
    for object_id, first, at, detail in db.session.execute(
            select(AuditEvent.object_id, _FIRST_DAY, AuditEvent.at, AuditEvent.detail).where(
                AuditEvent.action.in_(PLANNED_ACTIONS), AuditEvent.object_type == "Roster",
                AuditEvent.object_id.in_([str(roster_id) for roster_id in roster_ids]))):
        try:
            day = dt.date.fromisoformat(first) if first else None
        except ValueError:
            day = None
        moment = planned_as_of(detail or "") or at
        key = (int(object_id), day)
        if key not in out or moment > out[key]:
            out[key] = moment
    days: dict[int, list[tuple[dt.date | None, dt.datetime]]] = defaultdict(list)
    for (roster_id, day), moment in out.items():
        days[roster_id].append((day, moment))
    return days


def planned_as_of(detail: str) -> dt.datetime | None:
    """The moment a planning audit line says its solve read its data ("as_of=<ISO time>", written
    with its UTC offset), as naive UTC like AuditEvent.at; None when it does not say (an import, a
    line written before solves said it, a detail not as written)."""
    found = re.search(r"(?:^| )as_of=(\S+)", detail)
    if found is None:
        return None
    try:
        moment = dt.datetime.fromisoformat(found.group(1))
    except ValueError:
        return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return moment


def _decides(action: str, detail: str) -> bool:
    """Whether a DECIDED_ACTIONS event changes what the optimiser would plan: a change of what is
    asked (ASKED_FIELDS), a priority raised (detail "from=X to=Y"; a lower one would plan no more
    people for it), an acceptance.

    One date called off or taken back is not, though the request's other days share the event:
    while off, that date asks nobody, so it is no short day; taken back, it asks what it asked
    before. Counted, it told every other day of the request to plan again, a published week too."""
    if action == "request_changed":
        words = detail.split(";", 1)[0].split(" ")  # "fields=a,b" (an import's: "fields=a,b source=import")
        if not words[0].startswith("fields=") or _one_date(action, detail)[0] is not None:
            return False
        return not ASKED_FIELDS.isdisjoint(words[0][len("fields="):].split(","))
    if action == "request_priority":
        values = dict(part.split("=", 1) for part in detail.split(";", 1)[0].split() if "=" in part)
        try:
            return int(values["to"]) > int(values["from"])
        except (KeyError, ValueError):
            return True  # a detail not as written (set_priority): as before, it counts
    return True


def _one_date(action: str, detail: str) -> tuple[dt.date | None, bool]:
    """The date a request_changed event called off (True) or took back (False) ("fields=dates_off
    off=<date>" or "back=<date>", services.requests._store_dates_off_change); (None, False) for any
    other event. A line written before they said which way ("day=<date>") is none of these: it
    counts for the whole request, as it did."""
    from ..services.requests import CALLED_OFF, DATES_OFF, TAKEN_BACK

    words = detail.split(";", 1)[0].split(" ")
    if action == "request_changed" and words[0] == f"fields={DATES_OFF}":
        for word in words[1:]:
            way, _sep, day = word.partition("=")
            if way in (CALLED_OFF, TAKEN_BACK):
                try:
                    return dt.date.fromisoformat(day), way == CALLED_OFF
                except ValueError:
                    break
    return None, False


def date_changed_since(events: list[tuple[dt.datetime, bool]], moment: dt.datetime) -> dt.datetime | None:
    """When a date's call-offs and take-backs (last_decisions' `dates`, in order of time) left it
    other than it was at `moment`: the last of them then, or None when it is as it was (called off
    and taken back again) or nothing happened. A date is called off only when it is not off, and
    taken back only when it is, so the first event after the moment says how it was before it."""
    after = [(at, off) for at, off in events if at > moment]
    if not after or after[0][1] != after[-1][1]:
        return None
    return after[-1][0]


def _late_line(action: str) -> str:
    if action == "request_changed":
        return _("Deze aanvraag is veranderd nadat dit rooster werd gemaakt: plan opnieuw.")
    if action == "request_priority":
        return _("De prioriteit van deze aanvraag is veranderd nadat dit rooster werd gemaakt: plan opnieuw.")
    return _("Deze aanvraag is geaccepteerd nadat dit rooster werd gemaakt: plan opnieuw.")


def _planned_but_gone(row: ShortDay) -> list[str]:
    """The table's own reasons, which the optimiser cannot see in the roster: people planned on the
    request-day who have since reported absent, or whose contract has ended by then, and shifts
    publishing holds back (outside the person's hours, say: the grid says which). Counts only;
    who and why is on the grid, for those who may see it."""
    reasons = []
    to_come = row.absent - row.absent_begun
    if to_come:
        reasons.append(ngettext(
            "%(num)d ingeplande medewerker is die dag afwezig: repareer het rooster",
            "%(num)d ingeplande medewerkers zijn die dag afwezig: repareer het rooster", to_come))
    if row.absent_begun:
        # A repair keeps a shift gone by or under way as told: "repareer" would never clear it.
        reasons.append(ngettext(
            "%(num)d ingeplande medewerker is die dag afwezig, maar de dienst is al begonnen: zet de cel in het "
            "rooster op Vrij",
            "%(num)d ingeplande medewerkers zijn die dag afwezig, maar de diensten zijn al begonnen: zet de cellen "
            "in het rooster op Vrij", row.absent_begun))
    if row.leaderless:
        # The leader's absence, never its kind: whether someone is ill is health data.
        reasons.append(ngettext(
            "%(num)d ingeplande medewerker heeft die dag geen teamleider, want die is afwezig: repareer het "
            "rooster of kies een andere teamleider",
            "%(num)d ingeplande medewerkers hebben die dag geen teamleider, want die is afwezig: repareer het "
            "rooster of kies een andere teamleider", row.leaderless))
    if row.ended:
        reasons.append(ngettext(
            "%(num)d ingeplande medewerker is die dag niet meer in dienst: kies iemand anders",
            "%(num)d ingeplande medewerkers zijn die dag niet meer in dienst: kies iemand anders", row.ended))
    if row.held:
        reasons.append(ngettext(
            "%(num)d ingeplande dienst gaat niet mee bij publiceren (zie de meldingen bij het rooster): "
            "repareer het rooster",
            "%(num)d ingeplande diensten gaan niet mee bij publiceren (zie de meldingen bij het rooster): "
            "repareer het rooster", row.held))
    return reasons


def request_dates(week: str, request: DeploymentRequest) -> list[dt.date]:
    return [d for d in week_days(week, 7) if request.occurs_on(d)]
