"""Read-only figures: a ministry's view of the plan, regional capacity and the job-agreement report.

Sums are aggregated in SQL (one grouped query per figure); only calendar arithmetic that SQL
dialects disagree on (which dates a request or a contract covers) is done in Python.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from flask_babel import gettext
from sqlalchemy import and_, case, func, or_, select

from .. import planning
from ..extensions import db
from ..formatting import CONTROL_CHARACTERS, PLANNING_YEARS, ascii_digits, whole_percent
from ..public_holidays import is_public_holiday
from ..models import (
    Absence,
    AvailabilitySlot,
    DeploymentRequest,
    Employee,
    Location,
    Ministry,
    PublishedShift,
    RequestStatus,
    Roster,
    Supervisor,
    Team,
    WorkType,
    employee_work_type,
)
from . import feeds, request_history

S = RequestStatus
JOB_HOURS_PER_WEEK = 25.5  # one job under the job agreement (banenafspraak)
DEMAND_STATUSES = (S.SUBMITTED.value, S.ACCEPTED.value, S.SCHEDULED.value)
# Requests a ministry may count on: their days are the "wanted" part of coverage.
COMMITTED_STATUSES = (S.ACCEPTED.value, S.SCHEDULED.value, S.COMPLETED.value)
TIGHT = 0.85  # above this share of the available hours a region is tight ("krap")

_WORKED = PublishedShift.end_minute - PublishedShift.start_minute - PublishedShift.break_minutes


def spreadsheet_safe(value):
    """Text a spreadsheet would run as a formula (=, +, -, @) is kept as text; control characters,
    which no worksheet may hold, are dropped."""
    if isinstance(value, str):
        value = CONTROL_CHARACTERS.sub("", value)
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def days_between(start: dt.date, end: dt.date):
    day = start
    while day <= end:
        yield day
        day += dt.timedelta(days=1)


def request_days(request: DeploymentRequest, start: dt.date, end: dt.date) -> list[dt.date]:
    """The dates in [start, end] on which the request wants people; nobody works on public holidays."""
    return [d for d in days_between(max(start, request.start_date), min(end, request.end_date)) if request.occurs_on(d)]


# --- what a ministry sees of the plan ------------------------------------------------------------


@dataclass
class PlanTeam:
    team: str
    leader_name: str
    leader_phone: str
    people: int
    # What these people were told (their published shifts): when it is no longer what the
    # request asks, the contact's change has not been planned yet. They still come (and count as
    # planned), but the day is not covered until the change is planned.
    current: bool = True
    start_minute: int = 0
    end_minute: int = 0
    location: str = ""


@dataclass
class PlanDay:
    date: dt.date
    wanted: int
    planned: int = 0  # everyone who comes that day, under the request as it is or as it was
    teams: list[PlanTeam] = field(default_factory=list)
    # The times asked that day: a day gone by keeps the request's times of then.
    start_minute: int = 0
    end_minute: int = 0
    # What was asked that day, where it is not what the request asks now (a day gone by before a
    # change of place or work): shown beside the date, and in the CSV's columns. None: as now.
    earlier_location: str | None = None
    earlier_work_type: WorkType | None = None
    # People were told to come that day and have all been called off since (a repair moved the
    # team, or the roster changed): "no longer planned", not "not planned yet".
    called_off: bool = False

    @property
    def outdated(self) -> bool:
        """Someone is still planned for what the request was before the contact changed it."""
        return any(not t.current for t in self.teams)

    @property
    def covered(self) -> bool:
        return self.planned >= self.wanted and not self.outdated

    @property
    def more_than_asked(self) -> int:
        """How many more people come than are asked now (0: not more). Only after the contact
        lowered the number asked: planning and hand edits never put more people on a request-day."""
        return max(0, self.planned - self.wanted)


@dataclass
class PlanRequest:
    request: DeploymentRequest
    days: list[PlanDay]

    @property
    def outdated_days(self) -> int:
        return sum(1 for d in self.days if d.outdated)


def leaders_away(leader_ids, start: dt.date, end: dt.date) -> dict[int, list[tuple]]:
    """The absences in [start, end] of these team leaders: (first day, last day, start, end minute),
    never their kind. Two queries.

    An archived leader counts as absent from the day of archiving on (today on, if archived before
    that day was kept; the feeds' rule, feeds._leader_is_away): nobody is to call them; days
    before it keep the history as it was."""
    ids = {pk for pk in leader_ids if pk is not None}
    away: dict[int, list[tuple]] = defaultdict(list)
    if ids:
        for supervisor_id, first, last, from_minute, to_minute in db.session.execute(
            select(Absence.supervisor_id, Absence.start_date, Absence.end_date, Absence.start_minute,
                   Absence.end_minute)
            .where(Absence.supervisor_id.in_(ids), Absence.end_date >= start, Absence.start_date <= end)
        ):
            away[supervisor_id].append((first, last, from_minute, to_minute))
        today = feeds.local_today()
        for supervisor_id, since in db.session.execute(
                select(Supervisor.id, Supervisor.archived_on).where(Supervisor.id.in_(ids), Supervisor.archived.is_(True))):
            if (since or today) <= end:
                away[supervisor_id].append((since or today, dt.date.max, None, None))
    return away


def leader_contact(leader, day: dt.date, start_minute: int, end_minute: int, away: dict) -> tuple[str, str]:
    """(name, phone) of the leader of a team's shifts, for the ministry. A leader absent during
    them is not named nor given to call (the location feed's rule): 'afwezig, Binnenwerk zoekt
    een vervanger'. On a day gone by nobody is looking any more: just 'afwezig' (never why). A
    stand-in planned for the day is the shifts' own leader, and named as any other."""
    if leader is None:
        return "", ""
    for first, last, from_minute, to_minute in away.get(leader.id, ()):
        if first <= day <= last and (from_minute is None or (from_minute < end_minute and to_minute > start_minute)):
            if day < feeds.local_today():
                return gettext("afwezig"), ""
            return gettext("afwezig, Binnenwerk zoekt een vervanger"), ""
    return leader.name, leader.phone


def ministry_plan(ministry_id: int, start: dt.date, end: dt.date, request_id: int | None = None) -> list[PlanRequest]:
    """Per request and day: which teams come, who leads them, how many people. No employee data.

    Everyone published (not called off) counts as planned, but for who is absent then: they come
    for nobody, as the roster's table counts them (rosters.view.load_request_days). The page says
    fewer people, never who or why (special-category data stays with Binnenwerk). A team whose
    shifts no longer match the request's place, work type and times is shown as still planned the
    old way, and its day is not covered until the change is planned.
    """
    from .rosters import absence_overlaps  # the roster table's rule of what an absence takes

    # A request cancelled after it was taken in keeps the days it was committed for, as the
    # job-agreement report counts them.
    requests = list(db.session.scalars(request_history.requests_with_days(
        COMMITTED_STATUSES, start, end, ministry_id=ministry_id, request_id=request_id, cancelled_too=True)))
    asked = request_history.asked_days(requests, start, end)
    requests = [r for r in requests if asked[r.id] or r.status != S.CANCELLED.value]
    if not requests:
        return []
    ids = [r.id for r in requests]
    # A shift carries the place, work type and times it was published with; the request may
    # have changed since, so they are part of what a group of shifts is.
    told = (PublishedShift.location_id, PublishedShift.work_type_id, PublishedShift.start_minute,
            PublishedShift.end_minute)
    rows = db.session.execute(
        select(
            PublishedShift.request_id, PublishedShift.date, PublishedShift.team_id,
            PublishedShift.supervisor_id, func.count(PublishedShift.id), *told,
        )
        .where(
            PublishedShift.request_id.in_(ids),
            PublishedShift.cancelled.is_(False),
            PublishedShift.date.between(start, end),
        )
        .group_by(PublishedShift.request_id, PublishedShift.date, PublishedShift.team_id, PublishedShift.supervisor_id,
                  *told)
    ).all()
    # The told shifts whose person is absent then (a part of a day counts when it takes part of
    # the shift's times), per group of `rows`: subtracted from its people.
    absent: dict[tuple, set[int]] = defaultdict(set)
    for shift, absence in db.session.execute(
            select(PublishedShift, Absence).join(Absence, and_(
                Absence.employee_id == PublishedShift.employee_id, Absence.start_date <= PublishedShift.date,
                Absence.end_date >= PublishedShift.date))
            .where(PublishedShift.request_id.in_(ids), PublishedShift.cancelled.is_(False),
                   PublishedShift.date.between(start, end))):
        if absence_overlaps(absence, shift.date, shift.start_minute, shift.end_minute):
            absent[(shift.request_id, shift.date, shift.team_id, shift.supervisor_id, shift.location_id,
                    shift.work_type_id, shift.start_minute, shift.end_minute)].add(shift.id)
    called_off = set(db.session.execute(
        select(PublishedShift.request_id, PublishedShift.date).where(
            PublishedShift.request_id.in_(ids), PublishedShift.cancelled.is_(True),
            PublishedShift.date.between(start, end)).distinct()).all())
    team_ids = {r[2] for r in rows}
    teams = {t.id: t for t in db.session.scalars(select(Team).where(Team.id.in_(team_ids)))} if team_ids else {}
    supervisor_ids = {r[3] for r in rows if r[3] is not None}
    supervisors = (
        {s.id: s for s in db.session.scalars(select(Supervisor).where(Supervisor.id.in_(supervisor_ids)))}
        if supervisor_ids else {}
    )
    # When a shift names no supervisor, the team's own leader is the one to call.
    team_leaders = feeds.team_leaders(team_ids)

    by_id = {r.id: r for r in requests}
    location_ids = {r[5] for r in rows} - {r.location_id for r in requests}
    # Shifts of a request were published at a place the request named: one of the ministry's own.
    location_names = {r.location_id: r.location.name for r in requests}
    if location_ids:
        location_names.update({
            pk: name for pk, name in db.session.execute(
                select(Location.id, Location.name).where(Location.id.in_(location_ids)))
        })
    away = leaders_away(set(supervisors) | {s.id for s in team_leaders.values()}, start, end)
    found: dict[tuple[int, dt.date], list[PlanTeam]] = defaultdict(list)
    told_days = set()  # (request id, date) with people told to come, absent or not: not called off
    for request_id_, day, team_id, supervisor_id, people, location_id, work_type_id, start_minute, end_minute in rows:
        told_days.add((request_id_, day))
        people -= len(absent.get((request_id_, day, team_id, supervisor_id, location_id, work_type_id, start_minute,
                                  end_minute), ()))
        if people <= 0:
            continue  # the whole group is away: this team brings nobody that day
        request = by_id[request_id_]
        leader = supervisors.get(supervisor_id) or team_leaders.get(team_id)
        leader_name, leader_phone = leader_contact(leader, day, start_minute, end_minute, away)
        # A day gone by is compared with what was asked that day, not with the request as it is now.
        then = asked[request_id_].get(day) or request_history.Asked.of(request)
        found[(request_id_, day)].append(PlanTeam(
            team=teams[team_id].name if team_id in teams else "",
            leader_name=leader_name, leader_phone=leader_phone,
            people=people,
            current=(location_id, work_type_id, start_minute, end_minute)
            == (then.location_id, then.work_type_id, then.start_minute, then.end_minute),
            start_minute=start_minute, end_minute=end_minute, location=location_names.get(location_id, ""),
        ))
    # Places and work asked on days gone by that differ from the request's now: their names.
    other_places = {then.location_id for r in requests for then in asked[r.id].values()} - set(location_names)
    if other_places:
        location_names.update(dict(db.session.execute(
            select(Location.id, Location.name).where(Location.id.in_(other_places)))))
    work_ids = {then.work_type_id for r in requests for then in asked[r.id].values()}
    work_types = {w.id: w for w in db.session.scalars(select(WorkType).where(WorkType.id.in_(work_ids)))} \
        if work_ids else {}
    result = []
    for request in requests:
        days = []
        for day, then in asked[request.id].items():
            teams_there = sorted(found.get((request.id, day), []), key=lambda t: (t.team, not t.current))
            moved = (then.location_id, then.work_type_id) != (request.location_id, request.work_type_id)
            days.append(PlanDay(date=day, wanted=then.headcount, start_minute=then.start_minute,
                                end_minute=then.end_minute,
                                planned=sum(t.people for t in teams_there), teams=teams_there,
                                earlier_location=location_names.get(then.location_id) if moved else None,
                                earlier_work_type=work_types.get(then.work_type_id) if moved else None,
                                called_off=not teams_there and (request.id, day) in called_off
                                and (request.id, day) not in told_days))
        result.append(PlanRequest(request=request, days=days))
    return result


# --- capacity per region ----------------------------------------------------------------------------


@dataclass
class CapacityCell:
    week: str
    submitted: int = 0  # minutes of person-time
    accepted: int = 0
    scheduled: int = 0
    available: float = 0.0
    # Per work type (by id): the minutes asked for it and the minutes of the people who can do it.
    # Someone who can do several kinds of work counts for each, so these do not add up to the
    # totals above; a kind asked for more than its people can give is short whatever the totals say.
    work: dict[int, WorkCapacity] = field(default_factory=dict)

    @property
    def short_work(self) -> list[WorkCapacity]:
        """The kinds of work asked for more than the hours of everyone in the region who can do it."""
        return sorted((w for w in self.work.values() if w.short), key=lambda w: w.name_nl)

    @property
    def committed(self) -> int:
        return self.accepted + self.scheduled

    @property
    def demand(self) -> int:
        return self.submitted + self.accepted + self.scheduled

    @property
    def ratio(self) -> float | None:
        if self.available <= 0:
            return None if self.demand == 0 else float("inf")
        return self.demand / self.available

    @property
    def percent(self) -> int | None:
        """The demand as a whole percent of the available hours, rounded half up, but never onto or
        across a boundary of the hours' verdict (hours_level): demand past 85% shows at least 86%,
        past 100% at least 101%. Plain rounding showed 286 h asked of 285.5 available as
        "Tekort 100%", where the legend says Krap runs up to and including 100%."""
        ratio = self.ratio
        if ratio is None or ratio == float("inf"):
            return None
        shown = whole_percent(ratio)
        level = self.hours_level
        if level == "ok":
            return min(shown, round(TIGHT * 100))
        if level == "tight":
            return max(shown, round(TIGHT * 100) + 1)  # at most 100: ratio <= 1 rounds to 100 or less
        return max(shown, 101)

    @property
    def hours_level(self) -> str:
        """'ok', 'tight' or 'short', judged on all hours asked, including requests not yet accepted."""
        ratio = self.ratio
        if ratio is None or ratio <= TIGHT:
            return "ok"
        return "tight" if ratio <= 1.0 else "short"

    @property
    def level(self) -> str:
        """The hours' level, or short when one kind of work is asked for more than its people can give."""
        return "short" if self.short_work else self.hours_level


@dataclass
class WorkCapacity:
    name_nl: str
    name_en: str
    demand: int = 0  # minutes of person-time
    available: float = 0.0

    @property
    def short(self) -> bool:
        return self.demand > self.available


@dataclass
class CapacityRow:
    region: str
    cells: list[CapacityCell]


def capacity(first_monday: dt.date, weeks: int = 8) -> list[CapacityRow]:
    """Requested person-minutes (by status) against available contract minutes, per region and week.

    Everyone whose contract runs on a day of the window gives their hours up to its last day, also
    who has left since (paid_minutes' rule): a week gone by keeps the hours of who was there then.
    They count in the region of their team of now (an earlier team is not kept)."""
    last = first_monday + dt.timedelta(days=7 * weeks - 1)
    week_names = [_week_name(first_monday + dt.timedelta(weeks=w)) for w in range(weeks)]
    grid: dict[str, list[CapacityCell]] = {}

    def cells(region: str) -> list[CapacityCell]:
        if region not in grid:
            grid[region] = [CapacityCell(week=w) for w in week_names]
        return grid[region]

    requests = db.session.execute(
        select(DeploymentRequest, Location.region)
        .join(Location, Location.id == DeploymentRequest.location_id)
        .where(
            DeploymentRequest.status.in_(DEMAND_STATUSES),
            DeploymentRequest.start_date <= last,
            DeploymentRequest.end_date >= first_monday,
        )
    ).all()
    names = {wid: (nl, en) for wid, nl, en in db.session.execute(select(WorkType.id, WorkType.name_nl, WorkType.name_en))}

    def work(cell: CapacityCell, work_type_id: int) -> WorkCapacity:
        if work_type_id not in cell.work:
            cell.work[work_type_id] = WorkCapacity(*names[work_type_id])
        return cell.work[work_type_id]

    def give(cell: CapacityCell, minutes: float, can_do) -> None:
        """Someone's available minutes, to the week and to each kind of work they can do."""
        cell.available += minutes
        for work_type_id in can_do:
            work(cell, work_type_id).available += minutes

    for request, region in requests:
        per_day = request.headcount * request.worked_minutes
        row = cells(region)
        for day in request_days(request, first_monday, last):
            cell = row[(day - first_monday).days // 7]
            work(cell, request.work_type_id).demand += per_day
            if request.status == S.SUBMITTED.value:
                cell.submitted += per_day
            elif request.status == S.ACCEPTED.value:
                cell.accepted += per_day
            else:
                cell.scheduled += per_day

    employees = db.session.execute(
        select(Employee.id, Employee.contract_minutes, Employee.contract_start, Employee.contract_end, Team.region)
        .join(Team, Team.id == Employee.team_id)
        .where(
            Employee.contract_start <= last, _contract_runs_from(first_monday),
            # An archived team's people have left (their hours up to their last day) or moved.
            or_(Team.archived.is_(False), Employee.contract_end.is_not(None)),
        )
    ).all()
    workdays: dict[int, set[int]] = defaultdict(set)
    slots: dict[int, list] = defaultdict(list)
    for slot in db.session.execute(
        select(AvailabilitySlot.employee_id, AvailabilitySlot.weekday, AvailabilitySlot.start_minute,
               AvailabilitySlot.end_minute).where(AvailabilitySlot.employee_id.is_not(None))
    ):
        workdays[slot.employee_id].add(slot.weekday)
        slots[slot.employee_id].append(slot)
    skills: dict[int, list[int]] = defaultdict(list)
    for employee_id, work_type_id in db.session.execute(
        select(employee_work_type.c.employee_id, employee_work_type.c.work_type_id)
    ):
        skills[employee_id].append(work_type_id)
    absent: dict[int, list[Absence]] = defaultdict(list)
    for absence in db.session.scalars(
        select(Absence).where(
            Absence.employee_id.is_not(None), Absence.start_date <= last, Absence.end_date >= first_monday
        )
    ):
        absent[absence.employee_id].append(absence)

    # Per week, the dates that are no public holiday, by weekday: most people, with no absence and a
    # contract over the whole window, are counted a week at a time instead of a day at a time.
    open_days = [{d.isoweekday() for d in days_between(first_monday + dt.timedelta(weeks=w),
                                                       first_monday + dt.timedelta(weeks=w, days=6))
                  if not is_public_holiday(d)} for w in range(weeks)]
    for employee_id, contract, start, end, region in employees:
        days = workdays.get(employee_id) or {1, 2, 3, 4, 5}
        share = contract / len(days)  # the contract spread evenly over the days they work
        row = cells(region)
        can_do = skills.get(employee_id, ())
        if employee_id not in absent and start <= first_monday and (end is None or end >= last):
            for cell, open_ in zip(row, open_days):
                give(cell, share * len(days & open_), can_do)
            continue
        absences = absent.get(employee_id, ())
        span = list(days_between(max(first_monday, start), min(last, end or last)))
        # What of their working hours each day the absences leave (as the planner cuts them): a
        # part-day absence takes from the day's share only the minutes it takes of those hours (an
        # appointment after work nothing), an absence that leaves no hours the whole share.
        left = planning.availability_for(slots.get(employee_id, ()), absences, span) if absences else {}
        hours = _minutes_by_weekday(slots.get(employee_id, ()))
        for day in span:
            if day.isoweekday() not in days or is_public_holiday(day):
                continue
            available = share
            total = hours.get(day.isoweekday())
            if absences and total:
                kept = sum(b - a for a, b in left.get(day, ()))
                if not kept:
                    available = 0
                elif kept < total:
                    available = max(0.0, share - (total - kept))
            elif absences:
                # No weekly hours given (Monday to Friday assumed): nothing to place a part of a
                # day in, so a part-day absence takes its own length.
                for absence in absences:
                    if absence.start_date <= day <= absence.end_date:
                        if absence.whole_day:
                            available = 0
                        else:
                            available = max(0.0, available - (absence.end_minute - absence.start_minute))
            give(row[(day - first_monday).days // 7], available, can_do)
    return [CapacityRow(region=r, cells=grid[r]) for r in sorted(grid)]


def _minutes_by_weekday(slots) -> dict[int, int]:
    """ISO weekday -> the minutes of a weekly pattern on it."""
    minutes: dict[int, int] = defaultdict(int)
    for slot in slots:
        minutes[slot.weekday] += slot.end_minute - slot.start_minute
    return minutes


def _week_name(day: dt.date) -> str:
    year, number, _ = day.isocalendar()
    return f"{year}-W{number:02d}"


# --- the job-agreement report ----------------------------------------------------------------------


@dataclass
class Quarter:
    year: int
    number: int

    @classmethod
    def of(cls, day: dt.date) -> "Quarter":
        return cls(day.year, (day.month - 1) // 3 + 1)

    @classmethod
    def parse(cls, text: str) -> "Quarter":
        """'2026-K2' (or '2026-Q2') -> Quarter(2026, 2); ValueError otherwise."""
        text = (text or "").strip().upper()
        if len(text) != 7 or text[4] != "-" or text[5] not in "KQ" or not ascii_digits(text[:4]) or text[6] not in "1234":
            raise ValueError(text)
        year = int(text[:4])
        if year not in PLANNING_YEARS:
            raise ValueError(text)
        return cls(year, int(text[6]))

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, 3 * self.number - 2, 1)

    @property
    def end(self) -> dt.date:
        if self.number == 4:
            return dt.date(self.year, 12, 31)
        return dt.date(self.year, 3 * self.number + 1, 1) - dt.timedelta(days=1)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def weeks(self) -> float:
        return self.days / 7

    def shifted(self, delta: int) -> "Quarter":
        index = self.year * 4 + self.number - 1 + delta
        return Quarter(index // 4, index % 4 + 1)

    def __str__(self) -> str:
        """The fixed form of links and file names: '2026-K4' in every language (parse reads K or Q)."""
        return f"{self.year}-K{self.number}"

    @property
    def label(self) -> str:
        """The quarter for a reader, in the user's language: '2026-K4' (kwartaal), '2026-Q4'."""
        return gettext("%(year)s-K%(number)s", year=self.year, number=self.number)


@dataclass
class MinistryFigures:
    ministry_id: int
    name: str
    code: str
    worked_minutes: int = 0
    people: int = 0
    wanted_days: int = 0
    planned_days: int = 0
    jobs: float = 0.0

    @property
    def worked_hours(self) -> float:
        return self.worked_minutes / 60

    @property
    def coverage(self) -> float | None:
        return self.planned_days / self.wanted_days if self.wanted_days else None


@dataclass
class TeamFigures:
    team_id: int
    name: str
    region: str
    worked_minutes: int = 0
    contract_minutes: float = 0.0

    @property
    def worked_hours(self) -> float:
        return self.worked_minutes / 60

    @property
    def contract_hours(self) -> float:
        return self.contract_minutes / 60

    @property
    def utilisation(self) -> float | None:
        return self.worked_minutes / self.contract_minutes if self.contract_minutes else None


@dataclass
class JobReport:
    quarter: Quarter
    ministries: list[MinistryFigures]
    teams: list[TeamFigures]
    total: MinistryFigures
    # The last day coverage and utilisation count (see counted_until); before the quarter's
    # start when they count no day yet.
    counted_until: dt.date | None = None
    # Jobs as the job agreement counts them: paid hours (see paid_minutes), the whole quarter.
    paid_jobs: float = 0.0

    @property
    def counts_whole_quarter(self) -> bool:
        return self.counted_until is None or self.counted_until >= self.quarter.end

    @property
    def counts_no_day(self) -> bool:
        return self.counted_until is not None and self.counted_until < self.quarter.start


def counted_until(quarter: Quarter, today: dt.date,
                  asked: dict[int, dict[dt.date, request_history.Asked]] | None = None) -> dt.date:
    """The last day of the quarter that coverage and utilisation count: the later of today and the
    Sunday of the last week up to which every team has published all its weeks with work, at most
    the quarter's end. `asked`: request_history.asked_days of the quarter's committed requests
    (job_report's), read here when not given.

    Weeks not published yet would count as asked but not planned, and as contract hours not
    worked: halfway through a quarter that read as 41% coverage where the rostered weeks were at
    94%. And one team publishing a week early must not pull every other team's unpublished week
    in (coverage of all ministries fell from 47% to 31% when one team published). A team that
    has published no week of the quarter yet holds the day back as much: one team publishing
    week 1 made the first quarter count up to 10 January for all (the others at 0%).

    Each team's published weeks must run on up to the counted day, from the first day not gone
    by: a later week published does not pull an unpublished one in (week 52 planned and
    published while week 51 was a draft counted week 51 as asked and not planned: coverage 49%
    where it was 83%, and the page said "up to 27 December" where week 51 was not published).
    Published is published once: a roster changed since still is. A week between two a team has
    published waits for no roster of it when the team has no work in it: nobody of it is
    employed then, or nothing is asked in its region (the teams of a region plan the requests
    there, planning.build_problem), as a team without people waits for none. A week after a
    team's latest published one always waits for it, as it did: it may not be planned yet.

    Every team that is to be rostered counts: not archived (an archived team publishes nothing
    more; its people have left or moved), with someone whose contract runs on a day of the
    quarter (a team without people has no roster to wait for). A team made during the quarter
    counts as any other: until it publishes, its contract hours could not be worked. Days gone
    by always count, with or without a roster. Before the quarter's start when it counts no day
    yet.
    """
    first, last = _week_name(quarter.start), _week_name(quarter.end)
    # The teams that count (someone not archived whose contract runs in the quarter), with when
    # their people are employed.
    regions: dict[int, str] = {}
    employed: dict[int, list[tuple[dt.date, dt.date | None]]] = defaultdict(list)
    for team_id, region, c_start, c_end in db.session.execute(
        select(Team.id, Team.region, Employee.contract_start, Employee.contract_end)
        .join(Employee, Employee.team_id == Team.id)
        .where(Team.archived.is_(False), Employee.archived.is_(False), Employee.contract_start <= quarter.end,
               or_(Employee.contract_end.is_(None), Employee.contract_end >= quarter.start))
    ):
        regions[team_id] = region
        employed[team_id].append((c_start, c_end))
    # ISO weeks as text ('2026-W50') sort as the weeks do. Per team its published weeks of the
    # quarter (version > 0: published at least once, also when changed since).
    published: dict[int, set[str]] = {team_id: set() for team_id in regions}
    for team_id, week in db.session.execute(
        select(Roster.team_id, Roster.week).join(Team, Team.id == Roster.team_id)
        .where(Team.archived.is_(False), Roster.version > 0, Roster.week.between(first, last))
    ):
        if team_id in published:
            published[team_id].add(week)
    last_day = today
    if not regions or not all(published.values()):
        return min(quarter.end, last_day)
    latest = {team_id: max(weeks) for team_id, weeks in published.items()}
    if asked is None:
        requests = list(db.session.scalars(request_history.requests_with_days(
            COMMITTED_STATUSES, quarter.start, quarter.end, cancelled_too=True)))
        asked = request_history.asked_days(requests, quarter.start, quarter.end)
    busy = _asked_weeks(asked)

    def waits_for(team_id: int, week: str, monday: dt.date, sunday: dt.date) -> bool:
        """Whether the week waits for this team's roster: one after its latest published week always
        does (it may not be planned yet); one before it when the team has work in it."""
        if week in published[team_id]:
            return False
        if week > latest[team_id]:
            return True
        return (regions[team_id], week) in busy and any(
            c_start <= sunday and (c_end is None or c_end >= monday) for c_start, c_end in employed[team_id])

    day = max(quarter.start, today + dt.timedelta(days=1))  # the first day not gone by
    monday = day - dt.timedelta(days=day.weekday())
    while monday <= quarter.end:
        week, sunday = _week_name(monday), monday + dt.timedelta(days=6)
        if any(waits_for(team_id, week, monday, sunday) for team_id in regions):
            break
        last_day = max(last_day, sunday)
        monday += dt.timedelta(weeks=1)
    return min(quarter.end, last_day)


def _asked_weeks(asked: dict[int, dict[dt.date, request_history.Asked]]) -> set[tuple[str, str]]:
    """(region, ISO week) of every day asked: the region of the place asked that day."""
    location_ids = {then.location_id for days in asked.values() for then in days.values()}
    region_of = dict(db.session.execute(
        select(Location.id, Location.region).where(Location.id.in_(location_ids))).all()) if location_ids else {}
    return {(region_of.get(then.location_id), _week_name(day)) for days in asked.values() for day, then in days.items()}


def _present():
    """SQL: the published shift's person is not reported absent during it. The SQL form of
    rosters.absence_overlaps, the rule ministry_plan leaves absent people out by, so the job
    report and the ministry's planning page count the same people: an absence of the whole day
    takes the shift; one of part of the day takes it when it overlaps the shift's times (the
    whole shift then, as ministry_plan leaves out the person, not part of their hours). Keep the
    two in step. Only the fact counts, never the kind of absence."""
    return ~select(Absence.id).where(
        Absence.employee_id == PublishedShift.employee_id,
        Absence.start_date <= PublishedShift.date, Absence.end_date >= PublishedShift.date,
        or_(Absence.start_minute.is_(None),
            and_(Absence.start_minute < PublishedShift.end_minute, PublishedShift.start_minute < Absence.end_minute)),
    ).exists()


def job_report(quarter: Quarter, today: dt.date | None = None) -> JobReport:
    """Jobs, people and coverage per ministry; utilisation per team; for one quarter.

    jobs = worked hours in the quarter / (25.5 x weeks in the quarter), weeks = days / 7.
    coverage = planned person-days / wanted person-days of the ministry's accepted, scheduled
    and completed requests; a day counts at most the headcount asked for that day.
    utilisation = worked hours / contract hours of the team's employees in the quarter, contract
    hours being weekly contract hours x employed days / 7. Who has left counts up to their
    contract's last day (paid_minutes' rule), as their worked hours count: a leaver's hours worked
    without their contract hours read as 18% where 17.6% was right. There is no history of team
    membership (a move only leaves an audit event), so who moved team counts all their contract
    hours in the team of now, their worked hours in the team of each shift.
    Coverage and the teams' worked and contract hours count the days up to `counted_until` (today:
    Amsterdam's); the ministries' worked hours, jobs and people count the whole quarter.
    A shift of someone reported absent then counts nowhere: no worked hours, no person placed, no
    day planned (_present, ministry_plan's rule).
    """
    start, end = quarter.start, quarter.end
    # Days gone by count what was asked then (a request changed or cancelled since keeps them).
    requests = list(db.session.scalars(request_history.requests_with_days(
        COMMITTED_STATUSES, start, end, cancelled_too=True)))
    asked = request_history.asked_days(requests, start, end)
    until = counted_until(quarter, today or feeds.local_today(), asked)
    shifts = and_(PublishedShift.cancelled.is_(False), PublishedShift.date.between(start, end), _present())
    per_job = JOB_HOURS_PER_WEEK * 60 * quarter.weeks

    figures: dict[int, MinistryFigures] = {}

    def ministry(ministry_id: int) -> MinistryFigures:
        return figures[ministry_id]

    for m in db.session.scalars(select(Ministry).order_by(Ministry.name)):
        figures[m.id] = MinistryFigures(ministry_id=m.id, name=m.name, code=m.code)

    for ministry_id, minutes, people in db.session.execute(
        select(Location.ministry_id, func.sum(_WORKED), func.count(func.distinct(PublishedShift.employee_id)))
        .join(Location, Location.id == PublishedShift.location_id)
        .where(shifts)
        .group_by(Location.ministry_id)
    ):
        ministry(ministry_id).worked_minutes = int(minutes or 0)
        ministry(ministry_id).people = int(people or 0)

    # Joined rather than an IN list of ids: a national quarter has thousands of requests.
    planned = {
        (request_id, day): count
        for request_id, day, count in db.session.execute(
            select(PublishedShift.request_id, PublishedShift.date, func.count(PublishedShift.id))
            .join(DeploymentRequest, DeploymentRequest.id == PublishedShift.request_id)
            .where(shifts, DeploymentRequest.status.in_((*COMMITTED_STATUSES, S.CANCELLED.value)))
            .group_by(PublishedShift.request_id, PublishedShift.date)
        )
    } if requests else {}
    asking: set[int] = set()  # listed for asking in the quarter, also when no day counts yet
    for request in requests:
        target = ministry(request.ministry_id)
        for day, then in asked[request.id].items():
            asking.add(request.ministry_id)
            if day > until:
                break  # the days are in order
            target.wanted_days += then.headcount
            target.planned_days += min(then.headcount, planned.get((request.id, day), 0))

    total = MinistryFigures(ministry_id=0, name="", code="")
    rows = []
    for fig in figures.values():
        fig.jobs = fig.worked_minutes / per_job
        if fig.worked_minutes or fig.wanted_days or fig.ministry_id in asking:
            rows.append(fig)
            total.worked_minutes += fig.worked_minutes
            total.wanted_days += fig.wanted_days
            total.planned_days += fig.planned_days
    total.jobs = total.worked_minutes / per_job
    total.people = db.session.scalar(
        select(func.count(func.distinct(PublishedShift.employee_id))).where(shifts)
    ) or 0

    teams: dict[int, TeamFigures] = {
        t.id: TeamFigures(team_id=t.id, name=t.name, region=t.region)
        for t in db.session.scalars(select(Team).order_by(Team.name))
    }
    # A team's worked hours stop where its contract hours stop (`until`), so use compares like with
    # like: one team publishing a week early must not add that week's hours to contract hours that
    # end before it. Listed for any shift in the quarter, also one after `until`.
    counted = PublishedShift.date <= until
    working: set[int] = set()
    for team_id, minutes in db.session.execute(
        select(PublishedShift.team_id, func.sum(case((counted, _WORKED), else_=0)))
        .where(shifts).group_by(PublishedShift.team_id)
    ):
        working.add(team_id)
        teams[team_id].worked_minutes = int(minutes or 0)
    staffed: set[int] = set()  # listed for having people in the quarter, also when no day counts yet
    for team_id, contract, c_start, c_end in db.session.execute(
        select(Employee.team_id, Employee.contract_minutes, Employee.contract_start, Employee.contract_end).where(
            Employee.contract_start <= end, _contract_runs_from(start),
        )
    ):
        staffed.add(team_id)
        employed = (min(until, c_end or until) - max(start, c_start)).days + 1
        teams[team_id].contract_minutes += contract * max(0, employed) / 7
    listed = staffed | working
    team_rows = [t for t in teams.values() if t.worked_minutes or t.contract_minutes or t.team_id in listed]
    return JobReport(quarter=quarter, ministries=rows, teams=team_rows, total=total, counted_until=until,
                     paid_jobs=paid_minutes([quarter])[0] / per_job)


def _contract_runs_from(first: dt.date):
    """The contract runs on `first` or later: it has a last day from `first` on, or none and the
    person is still employed. An archived employee without a last day is left out: when they
    stopped being paid is not known. (Ending a contract in the app sets its last day.)"""
    return or_(and_(Employee.contract_end.is_(None), Employee.archived.is_(False)), Employee.contract_end >= first)


def paid_minutes(quarters: list[Quarter]) -> list[float]:
    """Per quarter, the paid minutes of everyone employed in it: weekly contract minutes x days
    employed in the quarter / 7. The job agreement counts jobs in paid hours, so holidays, leave,
    sickness and days not (yet) rostered count as the contract says; worked hours do not.

    Everyone whose contract runs on some day of the quarter counts, also who has left since
    (archiving sets the contract's last day). An archived employee without a last day is left
    out: when they stopped being paid is not known. A contract's hours are today's: an earlier
    change of them is not kept. One query for all quarters."""
    first, last = min(q.start for q in quarters), max(q.end for q in quarters)
    totals = [0.0] * len(quarters)
    for contract, c_start, c_end in db.session.execute(
        select(Employee.contract_minutes, Employee.contract_start, Employee.contract_end).where(
            Employee.contract_start <= last, _contract_runs_from(first),
        )
    ):
        for i, q in enumerate(quarters):
            employed = (min(q.end, c_end or q.end) - max(q.start, c_start)).days + 1
            if employed > 0:
                totals[i] += contract * employed / 7
    return totals


@dataclass
class YearRow:
    name: str
    code: str
    jobs: list[float]  # one per quarter


def paid_jobs_by_quarter(year: int) -> list[float]:
    """Jobs in paid hours (paid_minutes) for each quarter of a year."""
    quarters = [Quarter(year, n) for n in (1, 2, 3, 4)]
    return [minutes / (JOB_HOURS_PER_WEEK * 60 * q.weeks) for minutes, q in zip(paid_minutes(quarters), quarters)]


def jobs_by_quarter(year: int) -> list[YearRow]:
    """Jobs per ministry for each quarter of a year, in one grouped query."""
    quarters = [Quarter(year, n) for n in (1, 2, 3, 4)]
    bucket = case(
        (PublishedShift.date < quarters[1].start, 1),
        (PublishedShift.date < quarters[2].start, 2),
        (PublishedShift.date < quarters[3].start, 3),
        else_=4,
    )
    minutes: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for ministry_id, number, worked in db.session.execute(
        select(Location.ministry_id, bucket, func.sum(_WORKED))
        .join(Location, Location.id == PublishedShift.location_id)
        .where(PublishedShift.cancelled.is_(False), PublishedShift.date.between(quarters[0].start, quarters[3].end),
               _present())  # as the quarter's table: who was absent worked no hours (job_report)
        .group_by(Location.ministry_id, bucket)
    ):
        minutes[ministry_id][int(number) - 1] = int(worked or 0)
    # As the quarter's table: a ministry that asked for work this year is listed, with its zeros
    # where no job came of it.
    asked = set(db.session.scalars(request_history.requests_with_days(
        COMMITTED_STATUSES, quarters[0].start, quarters[3].end, cancelled_too=True)
        .with_only_columns(DeploymentRequest.ministry_id)))
    if not minutes and not asked:
        return []
    rows = []
    for m in db.session.scalars(select(Ministry).where(Ministry.id.in_(set(minutes) | asked)).order_by(Ministry.name)):
        rows.append(YearRow(name=m.name, code=m.code, jobs=[
            minutes[m.id][i] / (JOB_HOURS_PER_WEEK * 60 * q.weeks) for i, q in enumerate(quarters)
        ]))
    return rows


_SEVERITY = {"ok": 0, "tight": 1, "short": 2}


def capacity_outlook(requests: list[DeploymentRequest], first_monday: dt.date,
                     weeks: int = 8) -> dict[int, tuple[str, list[str], bool, bool]]:
    """Per request: the worst capacity level of its region in the weeks it covers, those weeks,
    whether no team works in the region at all (why it is short: a new region, or a typo), and
    whether its own kind of work is short in one of those weeks (too few people who can do it).
    Another kind of work being short does not make this request's level short.

    Requests wholly outside the window are left out. Uses one capacity() computation for all.
    """
    if not requests:
        return {}
    grid = {row.region: row.cells for row in capacity(first_monday, weeks)}
    staffed = set(db.session.scalars(select(Team.region).where(Team.archived.is_(False)).distinct()))
    result = {}
    for request in requests:
        cells = grid.get(request.location.region, [])
        touched = [
            cell for i, cell in enumerate(cells)
            if first_monday + dt.timedelta(weeks=i) <= request.end_date
            and first_monday + dt.timedelta(weeks=i, days=6) >= request.start_date
        ]
        if not touched:
            continue

        def level(cell: CapacityCell) -> str:
            own = cell.work.get(request.work_type_id)
            return "short" if own is not None and own.short else cell.hours_level

        worst = max((level(c) for c in touched), key=_SEVERITY.__getitem__)
        work_short = any(c.work.get(request.work_type_id) and c.work[request.work_type_id].short for c in touched)
        result[request.id] = (worst, [c.week for c in touched if level(c) == worst],
                               request.location.region not in staffed, work_short)
    return result
