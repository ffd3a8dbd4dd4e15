"""The planning service: the only code that knows both the database and `scheduling`.

Rows -> Problem (build_problem), Solution -> rows (apply_solution), and the current roster as
a Solution (current_solution), so the checker can judge an edit the same way it judges a solve.
"""
from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import and_, delete, func, or_, select, true
from sqlalchemy.orm import selectinload

import scheduling
from scheduling import AssignmentRef, Previous, Problem, Solution, SupervisionRef
from scheduling import domain as sd

from . import audit, roster_history
from .extensions import db
from .formatting import ascii_digits, local_today, parse_week, shift_week, week_days
from .public_holidays import is_public_holiday
from .models import (
    Absence,
    Assignment,
    DeploymentRequest,
    Employee,
    Location,
    PublishedShift,
    RequestStatus,
    Roster,
    RosterStatus,
    Supervisor,
    SupervisionAssignment,
    Team,
    WorkType,
    utcnow,
)
from .services import ServiceError

TIMEZONE = "Europe/Amsterdam"
# Arbeidstijdenwet: at least 11 hours of rest between the end of one shift and the next.
MIN_REST_MINUTES = 11 * 60
# Arbeidstijdenwet: a team leader's day at one place (the team's first start to last end) lasts
# at most 12 hours.
MAX_SUPERVISION_MINUTES = 12 * 60
PLANNED_STATUSES = (RequestStatus.ACCEPTED.value, RequestStatus.SCHEDULED.value)
_ID_RE = re.compile(r"\b([ertsl])-(\d+)(?:\.\d+)?\b")


# --- ids ------------------------------------------------------------------------------------


def eid(pk: int) -> str:
    return f"e-{pk}"


def rid(pk: int, part: int = 0) -> str:
    """A request's id in a Problem; part > 0 for the days of it that want another headcount
    (see build_problem: other teams' people fill some days more than others)."""
    return f"r-{pk}" if not part else f"r-{pk}.{part}"


def sid(pk: int) -> str:
    return f"s-{pk}"


def tid(pk: int) -> str:
    return f"t-{pk}"


def lid(pk: int) -> str:
    return f"l-{pk}"


def pk_of(text: str) -> int:
    """'e-12' -> 12, and a request's part 'r-12.1' -> 12; ValueError for anything else."""
    prefix, _, number = (text or "").partition("-")
    if prefix == "r" and "." in number:
        number, _, part = number.partition(".")
        if not ascii_digits(part):
            raise ValueError(text)
    if len(prefix) != 1 or not ascii_digits(number):
        raise ValueError(text)
    return int(number)


def request_ids_by_day(problem: Problem) -> dict[tuple[int, dt.date], str]:
    """(request pk, date) -> the Problem's id of that request on that date."""
    return {(pk_of(q.id), d): q.id for q in problem.requests for d in q.days}


@dataclass(frozen=True)
class RequestFacts:
    """What of a request a solve relies on, as plain values."""

    status: str
    location_id: int
    work_type_id: int
    start_minute: int
    end_minute: int
    break_minutes: int
    headcount: int
    days: tuple[dt.date, ...]  # the days of the week it is on

    @classmethod
    def of(cls, q: DeploymentRequest, days) -> RequestFacts:
        return cls(q.status, q.location_id, q.work_type_id, q.start_minute, q.end_minute, q.break_minutes,
                   q.headcount, tuple(d for d in days if q.occurs_on(d)))


# Why a pin could not stay (IdMap.dropped_pins), the first that holds in this order: the request
# no longer asks for that day (stopped, cancelled, the day called off or a public holiday), other
# teams' rosters fill what it asks that day, the person is absent (an absence takes the shift's
# times), does not work that day (not in their weekly hours, outside their contract), works other
# hours that day, would not get their rest between two shifts (one just outside the week, or in
# another team's roster), or the shift is longer than their hours a day; or its place was archived
# or left the team's region. (A day held in another team's roster is no pin here: one shift a
# person a day, in whichever roster.)
DROPPED_PIN_REASONS = ("request", "full", "absent", "off", "hours", "rest", "too_long", "place")


@dataclass
class IdMap:
    """What the Problem's string ids stand for, and the names to show instead of them."""

    week: str
    team_ids: list[int]  # the teams being planned (the scope)
    work_type_ids: dict[str, int] = field(default_factory=dict)  # code -> WorkType.id
    names: dict[str, str] = field(default_factory=dict)  # problem id -> display name
    requests: dict[int, DeploymentRequest] = field(default_factory=dict)
    # Pinned shifts left out because the person can no longer work them (absent since, day off)
    # or the request no longer asks for them: (employee id, date, why), for the planner to hear
    # of; why is one of DROPPED_PIN_REASONS.
    dropped_pins: list[tuple[int, dt.date, str]] = field(default_factory=list)
    # Team leaders a person chose who can no longer lead there (absent since, other hours):
    # (supervisor id, date, location id, team id), left out of the Problem's pinned_supervision.
    dropped_leads: list[tuple[int, dt.date, int, int]] = field(default_factory=list)
    # The team leaders the Problem pins (pinned_supervision), as (supervisor id, date, location id):
    # apply_solution keeps their rows pinned.
    pinned_leads: set[tuple[int, dt.date, int]] = field(default_factory=set)
    # The requests as they were when the Problem was built (the rows reload after a commit), to
    # tell what changed while it was being solved (changed_meanwhile).
    request_facts: dict[int, RequestFacts] = field(default_factory=dict)
    # The days before this one are kept as they are (a repair's day, or today for a solve of a
    # week partly gone by): apply_solution leaves their rows alone, whoever holds them.
    kept_before: dt.date | None = None
    # (employee id, date) of the shifts of today on or after kept_before kept as they are too:
    # told as the roster holds them and begun (begun_today). apply_solution leaves them alone.
    begun: set[tuple[int, dt.date]] = field(default_factory=set)
    # The supervision rows that lead such a shift where the Problem has none of them (its request
    # no longer asks for it, its person left the team): (team id, supervisor id, date, location
    # id). Kept as they are, like the shift; their leader is busy that day in the Problem.
    begun_leads: set[tuple[int, int, dt.date, int]] = field(default_factory=set)
    # What the rest owed to work outside the Problem (just outside the week, a day held in another
    # team's roster, what a leader leads there) took off availability: problem id of the employee
    # or supervisor -> date -> windows. The short days' reasons read it (shortfalls): short of
    # rest, not "not available".
    rest_kept: dict[str, dict[dt.date, list[tuple[int, int]]]] = field(default_factory=dict)

    def humanise(self, text: str) -> str:
        """Replace ids like 'e-12 (e-12)' in a checker message by the names people know."""
        text = re.sub(r"\s\(([ertsl]-\d+(?:\.\d+)?)\)", "", text)
        return _ID_RE.sub(lambda m: self.names.get(m.group(0), m.group(0)), text)


# --- availability ---------------------------------------------------------------------------




def _cut(windows: list[tuple[int, int]], start: int, end: int) -> list[tuple[int, int]]:
    out = []
    for a, b in windows:
        if end <= a or b <= start:
            out.append((a, b))
            continue
        if a < start:
            out.append((a, start))
        if end < b:
            out.append((end, b))
    return out


def _cut_for_rest(availability: dict, day: dt.date, start: int, end: int, kept: dict) -> None:
    """Cut (start, end) from the availability that day for rest, noting in `kept` what it took."""
    windows = availability.get(day)
    if not windows:
        return
    taken = [(max(a, start), min(b, end)) for a, b in windows if a < end and start < b]
    if taken:
        kept.setdefault(day, []).extend(taken)
    availability[day] = tuple(_cut(list(windows), start, end))
    if not availability[day]:
        del availability[day]


def availability_for(slots, absences, days, *, employed=lambda day: True) -> dict[dt.date, tuple]:
    """Weekly pattern minus absences (whole or part day), public holidays and non-contract days."""
    by_weekday: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for slot in slots:
        by_weekday[slot.weekday].append((slot.start_minute, slot.end_minute))
    out = {}
    for day in days:
        if is_public_holiday(day) or not employed(day):
            continue
        windows = sorted(by_weekday.get(day.isoweekday(), []))
        for absence in absences:
            if not windows:
                break
            if absence.start_date <= day <= absence.end_date:
                if absence.whole_day:
                    windows = []
                else:
                    windows = _cut(windows, absence.start_minute, absence.end_minute)
        if windows:
            out[day] = tuple(windows)
    return out


def week_contract_minutes(contract: int, slots, availability: dict) -> int:
    """The contract's minutes in this week: less the share of the weekly pattern (the slots) that
    its availability (availability_for) lost to public holidays (paid days off), absences (leave,
    sick, an appointment: paid too) and days outside the contract's period. Those hours are not
    made up on other days: someone on Monday to Friday works a fifth less in the week of New Year's
    Day, someone who never works Fridays no less, and a day's leave does not move their work to a
    day they keep free."""
    total = sum(slot.end_minute - slot.start_minute for slot in slots)
    left = sum(end - start for windows in availability.values() for start, end in windows)
    return contract if not total or left >= total else round(contract * left / total)


def contract_this_week(contract: int, slots, absences, days, employed=lambda day: True) -> int:
    """week_contract_minutes for one person, without working out the availability when nothing
    in the week can lower it (no absence, no holiday, employed all week): most people, most weeks."""
    if not absences and employed(days[0]) and employed(days[-1]) and not any(map(is_public_holiday, days)):
        return contract  # (employment is one period: its ends tell)
    return week_contract_minutes(contract, slots, availability_for(slots, absences, days, employed=employed))


# --- rows -> Problem ------------------------------------------------------------------------


# Weeks back to find a weekday that was no public holiday (Christmas, then New Year).
HOLIDAY_LOOKBACK = 3


def weeks_back(day: dt.date) -> int | None:
    """How many weeks before `day` its weekday was last worked as usual: 1 (last week) unless
    that date was a public holiday, then the latest earlier week in which it was not (Friday
    8 January 2027: 3, from 18 December, past Christmas and New Year's Day); None when every
    week of HOLIDAY_LOOKBACK had a holiday there. "Last week" for continuity, so a holiday does
    not leave the next week's weekday without a usual place: planning's `previous` and the
    roster's "Zelfde als vorige week" (services.rosters.copy_previous_week) both ask this."""
    return next((b for b in range(1, HOLIDAY_LOOKBACK + 1)
                 if not is_public_holiday(day - dt.timedelta(weeks=b))), None)


def scope_team_ids(team_ids: list[int] | None) -> list[int]:
    query = select(Team.id).where(Team.archived.is_(False)).order_by(Team.id)
    if team_ids is not None:
        query = query.where(Team.id.in_(team_ids))
    return list(db.session.scalars(query))


def build_problem(week: str, team_ids: list[int] | None = None,
                  repair_from: dt.date | None = None, *, keep_gone_by: bool = False,
                  uncut: bool = False) -> tuple[Problem, IdMap]:
    """The week's planning problem for the given teams (None: all active teams).

    With `repair_from`, every shift before that day stays as it is, outside the Problem (its hours
    and rest counted), and nobody can be added on those days; the published roster is passed so
    the solver changes as little as it can. A repair starts today at the earliest: a `repair_from`
    gone by counts as today (IdMap.kept_before says the day it started from).
    So is a shift of today its person is at work on already (begun_today), as publishing keeps it,
    and where the Problem leaves such a shift out, its leader with it (IdMap.begun_leads).
    With `keep_gone_by` (a solve), a week partly gone by (from Monday's first begun shift on) is
    planned as a repair from today: the days gone by stay as they were worked. A week entirely gone by is planned like any other
    (what really happened counts in the reports; the roster page says the week is over). Hand
    edits leave it off: they may set down afterwards who really came on a day gone by.

    A day someone holds in the roster of a team outside these (they moved to one of these teams
    since) is not free: one shift a day, in whichever roster. Its hours count in their week.
    A fixed number of queries, whatever the number of teams.

    With `uncut` (the cell's form only, never to solve or check), what others hold is not taken
    off: no headcount filled by other teams' rosters, no rest owed to shifts just outside the
    week or to a day held in another team's roster (the day itself stays taken). The form lists
    what that adds, marked, as saving (on the Problem as it is) refuses it.
    """
    parse_week(week)
    days = week_days(week, 7)
    first, last = days[0], days[-1]
    today = local_today()
    if repair_from is None and keep_gone_by and first <= today <= last:
        # (From Monday on: shifts of today that have begun are kept too, see begun_today.)
        repair_from = today
    elif repair_from is not None and repair_from < today:
        # Days gone by were worked as they stand: a repair never plans them again, whatever day it
        # was asked from (the page offers today on; a job queued yesterday runs today).
        repair_from = today
    teams = db.session.scalars(
        select(Team).where(Team.archived.is_(False)).order_by(Team.id)
        if team_ids is None else
        select(Team).where(Team.id.in_(team_ids), Team.archived.is_(False)).order_by(Team.id)
    ).all()
    scope = [t.id for t in teams]
    regions = sorted({t.region for t in teams})
    idmap = IdMap(week=week, team_ids=scope, kept_before=repair_from)

    locations = db.session.scalars(
        select(Location).where(Location.region.in_(regions), Location.archived.is_(False)).order_by(Location.id)
    ).all()
    requests = db.session.scalars(
        select(DeploymentRequest)
        .join(DeploymentRequest.location)
        .where(
            Location.region.in_(regions),
            DeploymentRequest.status.in_(PLANNED_STATUSES),
            DeploymentRequest.start_date <= last,
            DeploymentRequest.end_date >= first,
        )
        .options(selectinload(DeploymentRequest.location), selectinload(DeploymentRequest.work_type))
        .order_by(DeploymentRequest.id)
    ).all()
    employees = db.session.scalars(
        select(Employee)
        .where(Employee.team_id.in_(scope), Employee.archived.is_(False))
        .options(selectinload(Employee.work_types), selectinload(Employee.allowed_locations),
                 selectinload(Employee.availability))
        .order_by(Employee.team_id, Employee.sort_name, Employee.id)
    ).all()
    # An archived leader is planned no more, but one who led these teams on days of the week
    # gone by stays in for those days only (absent from today on, as the feeds and rosters have
    # it): a re-plan or repair keeps the history of who led then.
    led_before = select(SupervisionAssignment.supervisor_id).where(
        SupervisionAssignment.date.between(first, min(last, today - dt.timedelta(days=1))),
        SupervisionAssignment.team_id.in_(scope))
    supervisors = db.session.scalars(
        select(Supervisor)
        .where(or_(Supervisor.archived.is_(False), Supervisor.id.in_(led_before)),
               or_(Supervisor.team_id.in_(scope), (Supervisor.team_id.is_(None) & Supervisor.region.in_(regions))))
        .options(selectinload(Supervisor.work_types), selectinload(Supervisor.availability))
        .order_by(Supervisor.id)
    ).all()
    work_types = db.session.scalars(select(WorkType).order_by(WorkType.id)).all()
    employee_ids = [e.id for e in employees]
    employee_set = set(employee_ids)
    supervisor_ids = [s.id for s in supervisors]
    absences = db.session.scalars(
        select(Absence).where(
            Absence.start_date <= last, Absence.end_date >= first,
            or_(Absence.employee_id.in_(employee_ids), Absence.supervisor_id.in_(supervisor_ids)),
        )
    ).all()
    absences_of: dict[tuple[str, int], list[Absence]] = defaultdict(list)
    for a in absences:
        key = ("e", a.employee_id) if a.employee_id is not None else ("s", a.supervisor_id)
        absences_of[key].append(a)

    # What other teams of these regions already do this week: it uses up headcount and
    # pool supervisors, and the solver must not plan over it.
    other_rows = [] if uncut else db.session.execute(
        select(Assignment.request_id, Assignment.date)
        .join(Roster, Assignment.roster_id == Roster.id)
        .where(Roster.week == week, Roster.team_id.not_in(scope) if scope else true(),
               Assignment.request_id.in_([q.id for q in requests]))
    ).all()
    taken: dict[int, dict[dt.date, int]] = defaultdict(lambda: defaultdict(int))
    for request_id, day in other_rows:
        taken[request_id][day] += 1
    # The days these people hold in another team's roster this week (moved here since; the old
    # team's roster keeps their shifts until a repair or a hand edit removes them).
    held: dict[int, dict[dt.date, tuple[int, int, int]]] = defaultdict(dict)  # employee -> day -> shift
    if employee_ids:
        for employee_id, day, start, end, pause in db.session.execute(
            select(Assignment.employee_id, Assignment.date, DeploymentRequest.start_minute,
                   DeploymentRequest.end_minute, DeploymentRequest.break_minutes)
            .join(Roster, Assignment.roster_id == Roster.id)
            .join(DeploymentRequest, Assignment.request_id == DeploymentRequest.id)
            .where(Assignment.employee_id.in_(employee_ids), Assignment.date.between(first, last),
                   Roster.team_id.not_in(scope) if scope else true())
        ):
            held[employee_id][day] = (start, end, end - start - pause)
    pool_busy = set(db.session.execute(
        select(SupervisionAssignment.supervisor_id, SupervisionAssignment.date)
        .where(SupervisionAssignment.date.between(first, last),
               SupervisionAssignment.supervisor_id.in_(supervisor_ids),
               SupervisionAssignment.team_id.not_in(scope) if scope else true())
    ).all())

    for w in work_types:
        idmap.work_type_ids[w.code] = w.id
        idmap.names[w.code] = w.name_nl
    p_work_types = tuple(sd.WorkType(w.code, w.name_nl) for w in work_types)
    location_ids = set()
    p_locations = []
    for loc in locations:
        location_ids.add(loc.id)
        idmap.names[lid(loc.id)] = loc.name
        p_locations.append(sd.Location(lid(loc.id), f"{loc.name}, {loc.city}" if loc.city not in loc.name else loc.name, loc.region))
    p_teams = []
    for t in teams:
        idmap.names[tid(t.id)] = t.name
        p_teams.append(sd.Team(tid(t.id), t.name, t.region, min(t.max_size, sd.MAX_TEAM_SIZE)))

    # "Last week" per weekday: the latest earlier week in which that weekday was no public
    # holiday (weeks_back), so the week after New Year's Day has its usual Friday too.
    source_week = {d.isoweekday(): shift_week(week, -back) for d in days if (back := weeks_back(d))}
    rosters = db.session.scalars(
        select(Roster).where(Roster.week.in_(sorted({week, *source_week.values()})), Roster.team_id.in_(scope))
        .options(selectinload(Roster.assignments).selectinload(Assignment.request),
                 selectinload(Roster.supervision))
    ).all()
    current = [a for r in rosters if r.week == week for a in r.assignments]
    previous_rows = [a for r in rosters if r.week != week for a in r.assignments
                     if source_week.get(a.date.isoweekday()) == r.week]
    # A repair keeps the days before it as they are, and the shifts of today its people are at
    # work on already (as publishing does: services.rosters._publish).
    idmap.begun = begun_today(current, today) if repair_from is not None and repair_from <= today else set()

    def kept_as_is(a: Assignment) -> bool:
        return repair_from is not None and (a.date < repair_from or (a.employee_id, a.date) in idmap.begun)

    day_limit = {e.id: e.max_minutes_per_day for e in employees}

    def outside(a: Assignment) -> bool:
        """A kept shift the Problem leaves out, its row staying as it is (apply_solution): a day
        before the repair's first (history, planned no more, so nothing changed since can make
        it clash: a contract or an hours-a-day limit lowered, its team leader moved or away), a
        shift under way now longer than the person's hours a day (lowered since), and any kept
        shift of someone moved to another team or archived since. Its hours count in the week
        and its rest is kept, as for a day held in another team's roster; its headcount is taken."""
        return kept_as_is(a) and (a.employee_id not in employee_set or a.date < repair_from
                                  or a.request.worked_minutes > day_limit[a.employee_id])

    # Where the ministry has since asked fewer people, the kept shifts under way still hold the
    # people told to come (else they clash).
    kept: dict[tuple[int, dt.date], int] = defaultdict(int)
    if repair_from is not None:
        for a in current:
            if outside(a):
                taken[a.request_id][a.date] += 1
                if a.employee_id in employee_set:
                    q = a.request
                    held[a.employee_id][a.date] = (q.start_minute, q.end_minute, q.worked_minutes)
            elif kept_as_is(a):
                kept[(a.request_id, a.date)] += 1

    p_requests = []
    day_ids: dict[tuple[int, dt.date], str] = {}  # (request pk, date) -> id in the Problem
    for q in requests:
        if q.location_id not in location_ids:
            continue
        # Other teams' people fill some days more than others: the days that want the same
        # number of people more go together, a request of the Problem each (the format has one
        # headcount per request), the most days under the request's own id.
        by_headcount: dict[int, list[dt.date]] = defaultdict(list)
        for d in days:
            wanted = max(q.headcount - taken[q.id][d], kept[(q.id, d)])
            if q.occurs_on(d) and wanted >= 1:
                by_headcount[wanted].append(d)
        if not by_headcount:
            continue
        idmap.requests[q.id] = q
        idmap.request_facts[q.id] = RequestFacts.of(q, days)
        parts = sorted(by_headcount.items(), key=lambda item: (-len(item[1]), item[1][0]))
        for part, (headcount, q_days) in enumerate(parts):
            idmap.names[rid(q.id, part)] = f"{q.work_type.name_nl} {q.location.name}"
            p_requests.append(sd.Request(rid(q.id, part), lid(q.location_id), q.work_type.code,
                                         tuple(q_days), q.start_minute, q.end_minute,
                                         q.break_minutes, headcount, q.priority))
            for d in q_days:
                day_ids[(q.id, d)] = rid(q.id, part)
    # Who leads a shift under way that the Problem leaves out leads it still (as publishing keeps
    # the shift as told), and so can lead nowhere else that day (one entry a day).
    idmap.begun_leads = _begun_leads([r for r in rosters if r.week == week], idmap.begun, employee_set,
                                     day_ids, outside) if idmap.begun else set()
    leading_begun = {(supervisor_id, day) for _team, supervisor_id, day, _location in idmap.begun_leads}

    fixed_days: dict[int, dict[dt.date, Assignment]] = defaultdict(dict)
    if repair_from is not None:
        for a in current:
            if kept_as_is(a) and not outside(a):
                fixed_days[a.employee_id][a.date] = a
    # A repair's kept shift (a day before its first, or under way) on a day the person is absent:
    # the week's contract is lowered for that day already (week_contract_minutes), so its hours
    # come on top of what is left for the days they are well, as the grid counts a shift to come
    # on a day of absence as no hours. Counted against the lowered contract too, that day's hours
    # went twice, and the repair took a day they are well (QA: sick Monday to Wednesday, kept
    # Monday, lost Thursday). employee -> day -> minutes.
    kept_absent: dict[int, dict[dt.date, int]] = defaultdict(dict)
    if repair_from is not None:
        from .services.rosters import absence_overlaps

        for a in current:
            q = a.request
            if kept_as_is(a) and a.employee_id in employee_set and any(
                    absence_overlaps(x, a.date, q.start_minute, q.end_minute) for x in absences_of[("e", a.employee_id)]):
                kept_absent[a.employee_id][a.date] = q.worked_minutes
    # What a week's pins and a repair's shifts under way already hold stays within the week's
    # contract however far an absence lowers it (a shift begun before falling ill, a planner's
    # pin); the ones under way stay even over a contract lowered since (history_minutes).
    kept_minutes: dict[int, int] = defaultdict(int)
    history_minutes: dict[int, int] = defaultdict(int)
    for a in current:
        if a.date in kept_absent.get(a.employee_id, ()) and kept_as_is(a):
            continue  # on top of the contract (kept_absent)
        if (a.pinned or kept_as_is(a)) and not outside(a):
            kept_minutes[a.employee_id] += a.request.worked_minutes
            if kept_as_is(a):
                history_minutes[a.employee_id] += a.request.worked_minutes

    around = {} if uncut else _rest_around_week(employee_ids, first, last)
    p_employees = []
    # Per person the days and hours their weekly hours, absences and contract leave (availability_for),
    # to tell why a pin could not stay (_why_pin_dropped).
    available_as_such: dict[int, dict[dt.date, tuple]] = {}
    for e in employees:
        idmap.names[eid(e.id)] = e.name
        availability = availability_for(e.availability, absences_of[("e", e.id)], days, employed=e.employed_on)
        available_as_such[e.id] = dict(availability)  # before rest and other rosters take their part
        contract = max(history_minutes[e.id], min(e.contract_minutes, max(kept_minutes[e.id], week_contract_minutes(
            e.contract_minutes, e.availability, availability))))
        rest_kept: dict[dt.date, list[tuple[int, int]]] = {}
        for day, (start, end) in around.get(e.id, {}).items():
            _cut_for_rest(availability, day, start, end, rest_kept)
        fixed = {}
        if repair_from is not None:
            for day in days:
                if day < repair_from and day not in fixed_days[e.id]:
                    availability.pop(day, None)
                    rest_kept.pop(day, None)  # not free that day, rest or not
            for day, a in fixed_days[e.id].items():
                if (a.request_id, day) in day_ids:
                    fixed[day] = a.request
                else:
                    # Kept as it is, though the request no longer asks for it (stopped, moved):
                    # not a shift of the Problem, so the day is held like one in another roster.
                    q = a.request
                    held[e.id][day] = (q.start_minute, q.end_minute, q.worked_minutes)
        absent_days = kept_absent.get(e.id, {})
        if held[e.id]:
            # The held shifts' hours count in the week; what the Problem pins still fits.
            held_minutes = sum(minutes for day, (_start, _end, minutes) in held[e.id].items() if day not in absent_days)
            pinned_minutes = kept_minutes[e.id] - sum(
                minutes for day, (_start, _end, minutes) in held[e.id].items()
                if day in fixed_days[e.id] and day not in absent_days)
            contract = max(pinned_minutes, history_minutes[e.id], contract - held_minutes, 0)
            for day, (start, end, _minutes) in held[e.id].items():
                availability.pop(day, None)
                rest_kept.pop(day, None)
            for day, (start, end, _minutes) in held[e.id].items():
                if uncut:
                    continue  # the rest owed to it is the form's to mark (one shift a day still holds)
                for other, (cut_start, cut_end) in _rest_cuts(day, start, end):
                    _cut_for_rest(availability, other, cut_start, cut_end, rest_kept)
        if rest_kept:
            idmap.rest_kept[eid(e.id)] = rest_kept
        # The solver counts the Problem's fixed shifts in the week: those on a day of absence get
        # their own hours on top (kept_absent); held ones were left off above.
        contract += sum(minutes for day, minutes in absent_days.items() if day in fixed)
        for day, q in fixed.items():
            # A shift already worked or told stays as it is, even if the person is absent now.
            windows = availability.get(day, ())
            if not any(ws <= q.start_minute and q.end_minute <= we for ws, we in windows):
                availability[day] = tuple(sorted(windows + ((q.start_minute, q.end_minute),)))
        allowed = tuple(lid(loc.id) for loc in e.allowed_locations if loc.id in location_ids) if e.allowed_locations else None
        p_employees.append(sd.Employee(
            eid(e.id), e.name, tid(e.team_id), contract, e.max_minutes_per_day,
            tuple(w.code for w in e.work_types), allowed, availability,
        ))
    p_supervisors = []
    led_around = _leader_rest_around(supervisor_ids, first, last, scope)
    for s in supervisors:
        idmap.names[sid(s.id)] = s.name
        availability = availability_for(s.availability, absences_of[("s", s.id)], days)
        for day in list(availability):
            if (s.id, day) in pool_busy or (s.id, day) in leading_begun or (s.archived and day >= today):
                del availability[day]
        rest_kept = {}
        for day, cuts in led_around.get(s.id, {}).items():
            for start, end in cuts:
                _cut_for_rest(availability, day, start, end, rest_kept)
        if rest_kept:
            idmap.rest_kept[sid(s.id)] = rest_kept
        p_supervisors.append(sd.Supervisor(
            sid(s.id), s.name, tid(s.team_id) if s.team_id is not None else None,
            s.region, tuple(w.code for w in s.work_types), availability,
        ))

    pinned = []
    availability_of = {x.id: x.availability for x in p_employees}
    for a in current:
        if a.employee_id in employee_set and (a.request_id, a.date) in day_ids and (
            a.pinned or kept_as_is(a)
        ) and not outside(a):
            q = idmap.requests[a.request_id]
            windows = availability_of[eid(a.employee_id)].get(a.date, ())
            # A pin the person can no longer work (absent since, day off, longer than their hours a
            # day now) cannot hold: leave it out.
            if q.occurs_on(a.date) and _fits(q, windows) and q.worked_minutes <= day_limit[a.employee_id]:
                pinned.append(AssignmentRef(eid(a.employee_id), a.date, day_ids[(a.request_id, a.date)]))
            elif a.pinned:
                idmap.dropped_pins.append((a.employee_id, a.date, _why_pin_dropped(
                    a, windows, available_as_such[a.employee_id], absences_of[("e", a.employee_id)],
                    day_limit[a.employee_id])))
        elif a.pinned and a.employee_id in employee_set and (a.request_id, a.date) not in day_ids \
                and not kept_as_is(a) and a.request.location_id in location_ids:
            # Its request no longer asks for that day (stopped, cancelled, called off), or other
            # teams' rosters fill all it asks: not a shift of the Problem, so the row goes.
            q = a.request
            asked = q.status in PLANNED_STATUSES and q.occurs_on(a.date)
            idmap.dropped_pins.append((a.employee_id, a.date, "full" if asked else "request"))
        elif a.pinned and a.employee_id in employee_set and (a.request_id, a.date) not in day_ids \
                and not kept_as_is(a):
            # Its place was archived or is no longer in the team's region: the Problem has no
            # such place, so the row goes too.
            q = a.request
            asked = q.status in PLANNED_STATUSES and q.occurs_on(a.date)
            idmap.dropped_pins.append((a.employee_id, a.date, "place" if asked else "request"))
    previous = []
    code_of = {pk: code for code, pk in idmap.work_type_ids.items()}
    seen = set()
    for a in sorted(previous_rows, key=lambda a: (a.employee_id, a.date)):
        key = (a.employee_id, a.date.isoweekday())
        # A place or work no longer in the Problem (archived since, moved to another region) is
        # nothing to keep: an entry naming it would be an unknown id to the format's reader.
        if a.employee_id in employee_set and key not in seen and a.request.location_id in location_ids \
                and a.request.work_type_id in code_of:
            seen.add(key)
            previous.append(Previous(eid(a.employee_id), key[1], lid(a.request.location_id),
                                     code_of.get(a.request.work_type_id, "")))
    previous_leads = _previous_leads(rosters, week, source_week, p_supervisors, p_teams, p_locations)
    published = []
    # Who led which team where, as the people were told: a re-plan keeps it where it can.
    published_leads = set()
    supervisor_set = {p.id for p in p_supervisors}
    published_teams = {r.team_id for r in rosters if r.week == week and r.version > 0}
    if published_teams:
        for shift in db.session.scalars(
            select(PublishedShift).where(
                PublishedShift.date.between(first, last), PublishedShift.team_id.in_(published_teams),
                PublishedShift.cancelled.is_(False),
                PublishedShift.date >= repair_from if repair_from is not None else true(),
            )
        ):
            if shift.employee_id in employee_set and (shift.request_id, shift.date) in day_ids:
                published.append(AssignmentRef(eid(shift.employee_id), shift.date,
                                               day_ids[(shift.request_id, shift.date)]))
            if shift.supervisor_id is not None and sid(shift.supervisor_id) in supervisor_set:
                published_leads.add(SupervisionRef(sid(shift.supervisor_id), shift.date, lid(shift.location_id),
                                                   tid(shift.team_id)))

    pinned_leads = _pinned_leads([r for r in rosters if r.week == week], p_supervisors, p_teams, day_ids,
                                 employee_set, location_ids, idmap, outside)
    problem = Problem(
        week=week, timezone=TIMEZONE, days=tuple(days), work_types=p_work_types,
        locations=tuple(p_locations), teams=tuple(p_teams), supervisors=tuple(p_supervisors),
        employees=tuple(p_employees), requests=tuple(p_requests), previous=tuple(previous),
        pinned=tuple(sorted(set(pinned), key=lambda p: (p.employee, p.date))),
        published=tuple(sorted(set(published), key=lambda p: (p.employee, p.date))),
        weights=_weights(p_requests, published), min_rest_minutes=MIN_REST_MINUTES,
        max_supervision_minutes=MAX_SUPERVISION_MINUTES,
        published_supervision=tuple(sorted(published_leads, key=lambda s: (s.date, s.team, s.location))),
        pinned_supervision=pinned_leads,
        previous_supervision=previous_leads,
    )
    return problem, idmap


def _fits(q: DeploymentRequest, windows) -> bool:
    """Whether the request's hours lie within one of the windows (of a day's availability)."""
    return any(start <= q.start_minute and q.end_minute <= end for start, end in windows)


def _why_pin_dropped(a: Assignment, windows, available: dict, absences, day_limit: int) -> str:
    """Why a pin of the Problem's requests cannot stay (DROPPED_PIN_REASONS): `windows` is what the
    Problem leaves the person that day, `available` their days as availability_for gives them."""
    from .services.rosters import absence_overlaps

    q = a.request
    if not q.occurs_on(a.date):
        return "request"
    if any(absence_overlaps(x, a.date, q.start_minute, q.end_minute) for x in absences):
        return "absent"  # never which kind of absence: that is nobody's business here
    if not _fits(q, windows):
        if a.date not in available:
            return "off"
        if not _fits(q, available[a.date]):
            return "hours"
        return "rest"  # what is left: the rest owed to a shift the day before or after
    return "too_long"


def _previous_leads(rosters: list[Roster], week: str, source_week: dict[int, str],
                    supervisors: list[sd.Supervisor], teams: list[sd.Team],
                    locations: list[sd.Location]) -> tuple[sd.PreviousSupervision, ...]:
    """Who led which team where on each weekday "last week" (the week weeks_back gives that
    weekday, as for `previous`), from those rosters' supervision rows: the Problem's
    previous_supervision, so a plan keeps each place's team leader of last week where nothing
    asks otherwise. Left out: a leader no longer planned or who may no longer lead that team
    (moved to another team, a stand-in of another region), a place no longer planned or outside
    the team's region."""
    by_id = {s.id: s for s in supervisors}
    region_of = {t.id: t.region for t in teams}
    place_region = {loc.id: loc.region for loc in locations}
    out, places, leaders = [], set(), set()
    rows = [lead for r in rosters if r.week != week for lead in r.supervision
            if source_week.get(lead.date.isoweekday()) == r.week]
    for lead in sorted(rows, key=lambda lead: (lead.date, lead.team_id, lead.location_id, lead.id)):
        who, team, weekday = by_id.get(sid(lead.supervisor_id)), tid(lead.team_id), lead.date.isoweekday()
        if (who is None or team not in region_of or place_region.get(lid(lead.location_id)) != region_of[team]
                or (who.team is not None and who.team != team) or (who.team is None and who.region != region_of[team])
                or (team, lead.location_id, weekday) in places or (who.id, weekday) in leaders):
            continue
        places.add((team, lead.location_id, weekday))
        leaders.add((who.id, weekday))
        out.append(sd.PreviousSupervision(who.id, weekday, lid(lead.location_id), team))
    return tuple(out)


def _weights(requests: list[sd.Request], published: list[AssignmentRef]) -> dict[str, int]:
    """The Problem's weights: the format's defaults, except that a re-plan or repair of a
    published week (`published` sent) never moves a told shift for contract hours alone.

    A shift moved or dropped costs republish_change once, while contract_gap costs 1 a minute:
    at the default 200 any shift over 200 minutes outweighs it, so the solver would move told
    shifts (to a longer request, to someone with hours to spare) for minutes, where the repair
    form promises "er verandert zo weinig mogelijk". Above the longest shift's worked minutes
    no such move pays; below shortfall (1000, at the lowest priority) a told shift is still moved
    to fill a request that would go short. (Continuity, team split and supervision weights stay.)
    The job page shows only the objective's figures, not the weights, so it stays true."""
    weights = dict(sd.DEFAULT_WEIGHTS)
    if published and requests:
        longest = max(q.worked_minutes for q in requests)
        weights["republish_change"] = min(max(weights["republish_change"], longest + 1),
                                          weights["shortfall"] - 1)
    return weights


def _pinned_leads(rosters: list[Roster], supervisors: list[sd.Supervisor], teams: list[sd.Team],
                  day_ids: dict[tuple[int, dt.date], str], employee_set: set[int], location_ids: set[int],
                  idmap: IdMap, outside) -> tuple[SupervisionRef, ...]:
    """The team leaders a person chose (pinned rows of these rosters, the week's) that can still
    lead: free that day in the Problem and able to lead the team's shifts there as the roster
    holds them now. The others are left out and listed in idmap.dropped_leads. One query."""
    from scheduling.checker import supervisor_can_lead

    if not rosters:
        return ()
    rows = db.session.scalars(select(SupervisionAssignment).where(
        SupervisionAssignment.roster_id.in_([r.id for r in rosters]), SupervisionAssignment.pinned.is_(True))
        .order_by(SupervisionAssignment.date, SupervisionAssignment.id)).all()
    if not rows:
        return ()
    by_id = {s.id: s for s in supervisors}
    team_of = {t.id: t for t in teams}
    code_of = {pk: code for code, pk in idmap.work_type_ids.items()}
    shifts: dict[tuple[int, dt.date, int], list[DeploymentRequest]] = defaultdict(list)
    for roster in rosters:
        for a in roster.assignments:
            if a.employee_id in employee_set and (a.request_id, a.date) in day_ids and not outside(a):
                shifts[(roster.team_id, a.date, a.request.location_id)].append(a.request)
    out = []
    for row in rows:
        s, team = by_id.get(sid(row.supervisor_id)), team_of.get(tid(row.team_id))
        held = shifts.get((row.team_id, row.date, row.location_id), [])
        if not held or team is None:
            continue  # the team no longer works there (or is not planned): nothing to keep
        # supervisor_can_lead also asks that they may lead this team (own leader, or the region's
        # stand-in): a leader moved to another team since is no longer this team's to pin.
        if (s is None or row.location_id not in location_ids
                or not supervisor_can_lead(s, team, row.date, min(q.start_minute for q in held),
                                           max(q.end_minute for q in held),
                                           {code_of.get(q.work_type_id, "") for q in held})):
            idmap.dropped_leads.append((row.supervisor_id, row.date, row.location_id, row.team_id))
            continue
        out.append(SupervisionRef(sid(row.supervisor_id), row.date, lid(row.location_id), tid(row.team_id)))
        idmap.pinned_leads.add((row.supervisor_id, row.date, row.location_id))
    return tuple(out)


def begun_today(assignments: list[Assignment], today: dt.date) -> set[tuple[int, dt.date]]:
    """(employee id, date) of the shifts of today among `assignments` that were told as the roster
    holds them (published, not called off, the same request) and whose told start has come: the
    people are at work. Publishing keeps them as told (services.rosters._publish); a repair or a
    re-plan keeps them as they are, like the days gone by. One query."""
    from .services.rosters import minute_now

    mine = {(a.employee_id, a.date): a.request_id for a in assignments if a.date == today}
    minute = minute_now(today)
    if not mine or minute < 0:
        return set()
    return {(p.employee_id, p.date) for p in db.session.scalars(select(PublishedShift).where(
        PublishedShift.date == today, PublishedShift.employee_id.in_({e for e, _d in mine}),
        PublishedShift.cancelled.is_(False), PublishedShift.start_minute <= minute))
        if mine.get((p.employee_id, p.date)) == p.request_id}


def _begun_leads(rosters: list[Roster], begun: set[tuple[int, dt.date]], employee_set: set[int],
                 day_ids: dict[tuple[int, dt.date], str], outside) -> set[tuple[int, int, dt.date, int]]:
    """The supervision rows of these rosters (the week's) that lead a shift of `begun` (begun_today)
    at a place where the Problem holds none of them: (team id, supervisor id, date, location id).
    Where a begun shift is in the Problem (pinned) the solver leads the place, the told leader
    first (published_supervision). One query."""
    held: set[tuple[int, dt.date, int]] = set()  # (team, date, location)
    led: set[tuple[int, dt.date, int]] = set()
    for roster in rosters:
        for a in roster.assignments:
            if (a.employee_id, a.date) in begun:
                in_problem = a.employee_id in employee_set and (a.request_id, a.date) in day_ids and not outside(a)
                (led if in_problem else held).add((roster.team_id, a.date, a.request.location_id))
    groups = held - led
    if not groups:
        return set()
    team_of = {roster.id: roster.team_id for roster in rosters}
    return {(team_of[s.roster_id], s.supervisor_id, s.date, s.location_id) for s in db.session.scalars(
        select(SupervisionAssignment).where(SupervisionAssignment.roster_id.in_(list(team_of)),
                                            SupervisionAssignment.date.in_({day for _t, day, _l in groups})))
        if (team_of[s.roster_id], s.date, s.location_id) in groups}


def _rest_cuts(day: dt.date, start: int, end: int) -> list[tuple[dt.date, tuple[int, int]]]:
    """The parts of the day before and the day after that a shift from `start` to `end` on `day`
    leaves no rest for (MIN_REST_MINUTES), as (date, (start, end)) to cut from an availability.
    The rest is real time, as the optimiser counts it (sd.rest_minutes): the night the clocks
    go forward an hour more is cut, the night they go back an hour less."""
    day_minutes = 24 * 60
    before, after = day - dt.timedelta(days=1), day + dt.timedelta(days=1)
    cuts = []
    # Rest only grows with an earlier end or a later start: find the edges by halving.
    last_end = _last_minute(lambda m: sd.rest_minutes(TIMEZONE, before, m, start) >= MIN_REST_MINUTES)
    if last_end < day_minutes:
        cuts.append((before, (max(last_end, 0), day_minutes)))
    first_start = _last_minute(lambda m: sd.rest_minutes(TIMEZONE, day, end, m) < MIN_REST_MINUTES) + 1
    if first_start > 0:
        cuts.append((after, (0, min(first_start, day_minutes))))
    return cuts


def _last_minute(holds) -> int:
    """The last minute of 0..1440 for which `holds` (true up to some minute, false after) is
    true; -1 when it holds for none."""
    low, high = -1, 24 * 60 + 1  # holds(low) and not holds(high), as if the day went on
    while high - low > 1:
        middle = (low + high) // 2
        if holds(middle):
            low = middle
        else:
            high = middle
    return low


def _rest_around_week(employee_ids: list[int], first: dt.date, last: dt.date
                      ) -> dict[int, dict[dt.date, tuple[int, int]]]:
    """The rest owed to shifts just outside the week (the Sunday before, the Monday after, in
    any roster), as the part of the week's first or last day the person cannot start or end in:
    employee id -> {day: (start, end) to cut from the availability}. The rest inside the week
    is the optimiser's rule 10."""
    rows = db.session.execute(
        select(Assignment.employee_id, Assignment.date, DeploymentRequest.start_minute, DeploymentRequest.end_minute)
        .join(DeploymentRequest, Assignment.request_id == DeploymentRequest.id)
        .where(Assignment.employee_id.in_(employee_ids),
               Assignment.date.in_([first - dt.timedelta(days=1), last + dt.timedelta(days=1)]))
    ).all() if employee_ids else []
    out: dict[int, dict[dt.date, tuple[int, int]]] = defaultdict(dict)
    for employee_id, day, start, end in rows:
        for other, cut in _rest_cuts(day, start, end):
            if first <= other <= last:
                out[employee_id][other] = cut
    return out


def _leader_rest_around(supervisor_ids: list[int], first: dt.date, last: dt.date, scope: list[int]
                        ) -> dict[int, dict[dt.date, list[tuple[int, int]]]]:
    """As _rest_around_week, for the team leaders: the rest owed to what they lead outside this
    Problem, their day there from the team's first start to its last end at the place: just
    outside the week in any roster, and inside it in the rosters of teams outside `scope` (that
    day itself is theirs already: one place a day). The optimiser's rule 11 keeps the rest
    between the days it plans. Supervisor id -> {day: [(start, end), ...] to cut}. One query."""
    edges = [first - dt.timedelta(days=1), last + dt.timedelta(days=1)]
    out: dict[int, dict[dt.date, list[tuple[int, int]]]] = defaultdict(lambda: defaultdict(list))
    for (supervisor_id, day), (start, end) in leader_days(
            supervisor_ids, or_(SupervisionAssignment.date.in_(edges),
                                and_(SupervisionAssignment.date.between(first, last),
                                     SupervisionAssignment.team_id.not_in(scope) if scope else true()))).items():
        for other, cut in _rest_cuts(day, start, end):
            if first <= other <= last:
                out[supervisor_id][other].append(cut)
    return out


def days_worked(employee_ids, first: dt.date, last: dt.date) -> dict[tuple[int, dt.date], tuple[int, int]]:
    """(employee id, date) -> the first start and last end of their shifts that day, in any roster,
    from `first` to `last`: what the rest rule reads of the days around a shift. One query."""
    rows = db.session.execute(
        select(Assignment.employee_id, Assignment.date, func.min(DeploymentRequest.start_minute),
               func.max(DeploymentRequest.end_minute))
        .join(DeploymentRequest, DeploymentRequest.id == Assignment.request_id)
        .where(Assignment.employee_id.in_(employee_ids), Assignment.date.between(first, last))
        .group_by(Assignment.employee_id, Assignment.date)) if employee_ids else []
    return {(employee_id, day): (start, end) for employee_id, day, start, end in rows}


def short_of_rest(day: dt.date, start: int, end: int, before: tuple[int, int] | None,
                  after: tuple[int, int] | None) -> bool:
    """Whether work from `start` to `end` on `day` leaves less than MIN_REST_MINUTES real rest
    after the day before's work or before the day after's ((start, end) each, None: none), as the
    optimiser's rules 10 and 11 count it (sd.rest_minutes)."""
    yesterday = day - dt.timedelta(days=1)
    return ((before is not None and sd.rest_minutes(TIMEZONE, yesterday, before[1], start) < MIN_REST_MINUTES)
            or (after is not None and sd.rest_minutes(TIMEZONE, day, end, after[0]) < MIN_REST_MINUTES))


def leader_rest_cuts_meet(supervisor_id: int, day: dt.date, scope: list[int], span: tuple[int, int]) -> bool:
    """Whether the rest a leader owes to what they lead outside these teams' rosters (or outside
    the week: _leader_rest_around) leaves them short of leading from span[0] to span[1] that day."""
    cuts = _leader_rest_around([supervisor_id], day, day, scope).get(supervisor_id, {}).get(day, [])
    return any(start < span[1] and span[0] < end for start, end in cuts)


def leader_days(supervisor_ids, where) -> dict[tuple[int, dt.date], tuple[int, int]]:
    """These team leaders' days led where `where` (a condition on SupervisionAssignment) holds:
    (supervisor id, date) -> (the first start, the last end) of the teams they lead there, their
    working day for the rest and longest-day rules. One query."""
    rows = db.session.execute(
        select(SupervisionAssignment.supervisor_id, SupervisionAssignment.date,
               func.min(DeploymentRequest.start_minute), func.max(DeploymentRequest.end_minute))
        .join(Assignment, and_(Assignment.roster_id == SupervisionAssignment.roster_id,
                               Assignment.date == SupervisionAssignment.date))
        .join(DeploymentRequest, and_(Assignment.request_id == DeploymentRequest.id,
                                      DeploymentRequest.location_id == SupervisionAssignment.location_id))
        .where(SupervisionAssignment.supervisor_id.in_(supervisor_ids), where)
        .group_by(SupervisionAssignment.supervisor_id, SupervisionAssignment.date)
    ).all() if supervisor_ids else []
    return {(supervisor_id, day): (start, end) for supervisor_id, day, start, end in rows}


# --- rows -> Solution -----------------------------------------------------------------------


def current_solution(week: str, team_ids: list[int], problem: Problem | None = None) -> Solution:
    """The stored roster of these teams as a Solution (status FEASIBLE, objective unset), with
    `problem`'s request ids where given (see build_problem)."""
    rosters = db.session.scalars(
        select(Roster).where(Roster.week == week, Roster.team_id.in_(team_ids))
        .options(selectinload(Roster.assignments), selectinload(Roster.supervision))
    ).all()
    return solution_from_rows(
        [a for r in rosters for a in r.assignments], [s for r in rosters for s in r.supervision],
        request_ids_by_day(problem) if problem is not None else None,
    )


def solution_from_rows(assignments, supervision,
                       day_ids: dict[tuple[int, dt.date], str] | None = None) -> Solution:
    def request_id(a) -> str:
        return (day_ids or {}).get((a.request_id, a.date)) or rid(a.request_id)

    return Solution(
        status="FEASIBLE",
        assignments=sorted((AssignmentRef(eid(a.employee_id), a.date, request_id(a)) for a in assignments),
                           key=lambda a: (a.employee, a.date)),
        supervision=sorted((SupervisionRef(sid(s.supervisor_id), s.date, lid(s.location_id), tid(s.team_id))
                            for s in supervision), key=lambda s: (s.supervisor, s.date)),
    )


def shortfalls(problem: Problem, solution: Solution, idmap: IdMap | None = None) -> list[sd.Shortfall]:
    """Every short request-day of a roster, with its Dutch reasons; with the Problem's `idmap`,
    the rest owed to work outside it reads as too little rest (IdMap.rest_kept)."""
    from scheduling.explain import explain_shortfalls

    filled: dict[tuple[str, dt.date], int] = defaultdict(int)
    for a in solution.assignments:
        filled[(a.request, a.date)] += 1
    rows = [sd.Shortfall(q.id, day, q.headcount - filled[(q.id, day)])
            for q in problem.requests for day in q.days if filled[(q.id, day)] < q.headcount]
    return explain_shortfalls(problem, list(solution.assignments), list(solution.supervision), rows,
                              idmap.rest_kept if idmap is not None else None)


def supervise(problem: Problem, assignments: list[AssignmentRef],
              supervision: list[SupervisionRef], kept: Iterable[SupervisionRef] = (),
              reserved: frozenset[tuple[str, dt.date]] = frozenset()) -> list[SupervisionRef]:
    """Supervision for these assignments: keep entries that still fit, find a leader for the rest.

    Used after a hand edit, where no solver runs: a team's own leader goes first, then the pool.
    A group nobody can lead stays without an entry, and the checker reports it (rule 6).

    The `kept` entries stay exactly as they are, whatever the Problem says of them now (who led on
    a day gone by, who leads a shift under way: services.rosters.kept_leads): their place that day
    is led by them, and they lead nowhere else that day (one entry a day). A `reserved` leader (on
    that day) is kept for the place an entry of `supervision` gives them and found for no other.
    """
    from scheduling.checker import supervisor_can_lead

    employees = {e.id: e for e in problem.employees}
    requests = {q.id: q for q in problem.requests}
    teams = {t.id: t for t in problem.teams}
    supervisors = {s.id: s for s in problem.supervisors}
    groups: dict[tuple[str, dt.date, str], list[sd.Request]] = defaultdict(list)
    for a in assignments:
        if a.employee in employees and a.request in requests:
            q = requests[a.request]
            groups[(employees[a.employee].team, a.date, q.location)].append(q)
    existing = {(s.team, s.date, s.location): s for s in supervision}
    out: list[SupervisionRef] = list(dict.fromkeys(kept))
    busy: set[tuple[str, dt.date]] = {(s.supervisor, s.date) for s in out}
    led = {(s.team, s.date, s.location) for s in out}
    # Each leader's day at a place, from the team's first start to the last end there (the
    # checker's rules 11 and 12): who leads one day must have their rest before the next.
    duty: dict[tuple[str, dt.date], tuple[int, int]] = {}

    def span_of(key) -> tuple[int, int]:
        return min(q.start for q in groups[key]), max(q.end for q in groups[key])

    def lead(ref: SupervisionRef, start: int, end: int) -> None:
        out.append(ref)
        busy.add((ref.supervisor, ref.date))
        was = duty.get((ref.supervisor, ref.date), (start, end))
        duty[(ref.supervisor, ref.date)] = (min(was[0], start), max(was[1], end))

    def too_tiring(supervisor: str, day: dt.date, start: int, end: int) -> bool:
        """Leading from `start` to `end` on `day` breaks a leader's rest (rule 11) or longest day
        (rule 12) with what they lead already."""
        was = duty.get((supervisor, day), (start, end))
        start, end = min(was[0], start), max(was[1], end)
        if sd.supervision_too_long(problem, start, end, day):
            return True
        least = problem.min_rest_minutes
        if least <= 0:
            return False
        yesterday, tomorrow = day - dt.timedelta(days=1), day + dt.timedelta(days=1)
        before, after = duty.get((supervisor, yesterday)), duty.get((supervisor, tomorrow))
        return ((before is not None and sd.rest_minutes(problem.timezone, yesterday, before[1], start) < least)
                or (after is not None and sd.rest_minutes(problem.timezone, day, end, after[0]) < least))

    for s in out:
        if (s.team, s.date, s.location) in groups:
            start, end = span_of((s.team, s.date, s.location))
            was = duty.get((s.supervisor, s.date), (start, end))
            duty[(s.supervisor, s.date)] = (min(was[0], start), max(was[1], end))
    needs = []
    for key in sorted(groups, key=lambda k: (k[1], k[0], k[2])):
        if key in led:
            continue
        team_id, day, location = key
        shifts = groups[key]
        start, end = span_of(key)
        kinds = {q.work_type for q in shifts}
        entry = existing.get(key)
        if (entry is not None and entry.supervisor in supervisors and (entry.supervisor, day) not in busy
                and supervisor_can_lead(supervisors[entry.supervisor], teams[team_id], day, start, end, kinds)
                and not too_tiring(entry.supervisor, day, start, end)):
            lead(entry, start, end)
        else:
            needs.append((key, start, end, kinds))
    # A team leader a person chose (pinned_supervision) goes first at their place and nowhere else
    # that day; where they cannot lead it now another one does, and the checker names the pin.
    pins = sd.LeaderPins(problem.pinned_supervision)
    for (team_id, day, location), start, end, kinds in needs:
        team = teams.get(team_id)
        if team is None:
            continue
        chosen = pins.by_place.get((team_id, location, day))
        ordered = sorted(supervisors.values(), key=lambda s: (s.id != chosen, s.team != team_id, s.id))
        able = [s for s in ordered
                if not (((s.id, day) in pins.by_supervisor or (s.id, day) in reserved) and s.id != chosen)
                and (s.id, day) not in busy and supervisor_can_lead(s, team, day, start, end, kinds)]
        # The chosen one leads; else one who keeps their rest and their longest day goes first;
        # when nobody does, the first able one leads still, and the checker names the break.
        found = next((s for s in able if s.id == chosen or not too_tiring(s.id, day, start, end)),
                     able[0] if able else None)
        if found is not None:
            lead(SupervisionRef(found.id, day, location, team_id), start, end)
    return out


def new_violations(problem: Problem, before: Solution | set, after: Solution) -> list:
    """Hard-rule breaks (scheduling.checker.Violation) of `after` that `before` did not have.
    `before` may also be its breaks as known_violations gives them, when many changes of one
    roster are tried. A request-day over its headcount (rule 5) that was so before is no new
    break while it holds no more people than before: taking someone off a request the ministry
    asked fewer people for since is no break, though the count in its message changes. So is a
    person over their hours (rule 4) while they work no more minutes than before: taking a shift
    away from someone whose contract was lowered since."""
    from scheduling.checker import check

    old = before if isinstance(before, set) else known_violations(problem, before)
    return [v for v in check(problem, after).violations if _violation_key(v) not in old
            and not (v.rule == 5 and any(k[:3] == (5, v.request, v.date) and k[3] >= len(v.refs)
                                         for k in old if isinstance(k, tuple)))
            and not (v.rule == 4 and v.minutes is not None
                     and any(k[:3] == (4, v.employee, v.date) and k[3] >= v.minutes
                             for k in old if isinstance(k, tuple)))]


def known_violations(problem: Problem, solution: Solution) -> set:
    """A solution's hard-rule breaks, as new_violations compares them."""
    from scheduling.checker import check

    return {_violation_key(v) for v in check(problem, solution).violations}


def _violation_key(violation) -> str | tuple:
    """A break by its message; one over a request's headcount by request, date and people held;
    one over a person's hours (a day's or the contract's) by person, date (None: the week) and
    minutes worked."""
    if violation.rule == 5:
        return (5, violation.request, violation.date, len(violation.refs))
    if violation.rule == 4 and violation.minutes is not None:
        return (4, violation.employee, violation.date, violation.minutes)
    return violation.message


# --- a solve checked again before it is saved ---------------------------------------------


def changed_meanwhile(problem: Problem, idmap: IdMap, solution: Solution, team_ids: list[int], *,
                      repair_from: dt.date | None = None) -> dict[int, list[dict]]:
    """The teams (of `team_ids`) whose part of `solution`, solved on `problem` (build_problem's,
    with `idmap`), no longer holds against the data as it is now, each with what changed meanwhile
    (a list of plain dicts, see describe_changes; kept as data so a page words it in its reader's
    language).

    A solve takes a while, and absences, requests, people and leaders may change during it. The
    week's Problem is built again for those teams and the solution checked against it, hard rule
    by hard rule: a team whose part breaks one is left out, and the rest checked again, since what
    the left-out teams' rosters already hold now counts as taken. A team whose part still holds is
    saved even if something of it changed (more leave on a day the person was not planned).
    A fixed number of queries per round, whatever the number of teams; one round when nothing changed.
    """
    old_team = {pk_of(e.id): pk_of(e.team) for e in problem.employees}
    rest = sorted(team_ids)
    out: dict[int, list[dict]] = {}
    while rest:
        # The same days kept as in the solve (a solve of a week partly gone by keeps today's).
        fresh, fresh_map = build_problem(idmap.week, rest, repair_from=repair_from or idmap.kept_before)
        causes = _broken_teams(problem, solution, fresh, set(rest), old_team)
        for team_id in set(rest) - set(fresh_map.team_ids):  # archived meanwhile
            causes[team_id].add(("t", team_id))
        if not causes:
            break
        out.update(describe_changes(problem, idmap, fresh, causes))
        rest = [t for t in rest if t not in causes]
    return out


def _broken_teams(problem: Problem, solution: Solution, fresh: Problem, rest: set[int],
                  old_team: dict[int, int]) -> dict[int, set[tuple[str, int]]]:
    """Team id -> what its part of the solution leans on that now breaks a hard rule in `fresh`:
    ("e", employee id), ("r", request id), ("s", supervisor id), and ("q", request id) for a
    request whose places (on that day) the team's part does not fit in any more."""
    from scheduling.checker import check

    fresh_team = {pk_of(e.id): pk_of(e.team) for e in fresh.employees}

    def team_of(employee: str) -> int | None:
        return old_team.get(pk_of(employee), fresh_team.get(pk_of(employee)))

    causes: dict[int, set[tuple[str, int]]] = defaultdict(set)
    day_ids = request_ids_by_day(fresh)
    mine = []
    for a in solution.assignments:
        team = team_of(a.employee)
        if team not in rest:
            continue
        # The Problem's request ids are per headcount (see build_problem): the same request on
        # the same day may have another id now, or none when it is off that day (cancelled, moved).
        now = day_ids.get((pk_of(a.request), a.date))
        if now is None:
            causes[team].update({("q", pk_of(a.request)), ("e", pk_of(a.employee))})
        else:
            mine.append(AssignmentRef(a.employee, a.date, now))
    leads = [s for s in solution.supervision if pk_of(s.team) in rest]
    headcount = {q.id: q.headcount for q in fresh.requests}
    for v in check(fresh, Solution("FEASIBLE", mine, leads)).violations:
        found: set[tuple[str, int]] = set()
        teams: set[int | None] = set()
        for ref in v.refs:
            if isinstance(ref, AssignmentRef):
                teams.add(team_of(ref.employee))
                found.update({("e", pk_of(ref.employee)), ("r", pk_of(ref.request))})
            else:
                teams.add(pk_of(ref.team))
                found.add(("s", pk_of(ref.supervisor)))
        if v.employee:
            teams.add(team_of(v.employee))
            found.add(("e", pk_of(v.employee)))
        if v.request:
            found.add(("r", pk_of(v.request)))
        if v.supervisor:
            found.add(("s", pk_of(v.supervisor)))
        if v.team:
            teams.add(pk_of(v.team))
        if v.rule == 5 and v.request in headcount:
            # Too many people on a request-day (fewer asked now, or another team's roster took
            # places): leave out the teams with the most people there until the rest fits.
            per_team: dict[int | None, int] = defaultdict(int)
            for ref in v.refs:
                per_team[team_of(ref.employee)] += 1
            over = len(v.refs) - headcount[v.request]
            teams = set()
            for team, n in sorted(per_team.items(), key=lambda item: (-item[1], item[0] or 0)):
                if over <= 0:
                    break
                teams.add(team)
                over -= n
            found = {("q", pk_of(v.request))}
        for team in teams & rest:
            causes[team] |= found
    return causes


def _lost_days(before: dict, after: dict, days) -> list[dt.date]:
    """The days on which some of the `before` availability is gone in `after`."""
    def kept(d: dt.date, start: int, end: int) -> bool:
        return any(ws <= start and end <= we for ws, we in after.get(d, ()))

    return [d for d in days if not all(kept(d, start, end) for start, end in before.get(d, ()))]


def describe_changes(problem: Problem, idmap: IdMap, fresh: Problem,
                     causes: dict[int, set[tuple[str, int]]]) -> dict[int, list[dict]]:
    """Per team, what of `causes` changed between `problem` (as solved) and `fresh` (now):
    {"what": "absent"|"hours", "name", "days"} (someone's leave or working hours),
    {"what": "gone", "name"} (no longer in the team), {"what": "skills"|"contract", "name"},
    {"what": "leader", "name", "days"}, {"what": "request", "nr", "name", "how": [...], "start",
    "end"} (how: cancelled, stopped, days, times, place, work, fewer; or taken, when nothing of
    the request itself changed but its places are taken), {"what": "team"} (archived) or, when
    none of those tells, {"what": "other"}. Two queries."""
    old_employees = {pk_of(e.id): e for e in problem.employees}
    new_employees = {pk_of(e.id): e for e in fresh.employees}
    old_leaders = {pk_of(s.id): s for s in problem.supervisors}
    new_leaders = {pk_of(s.id): s for s in fresh.supervisors}
    wanted = {kind: {pk for team in causes.values() for k, pk in team if k in kinds}
              for kind, kinds in (("e", ("e",)), ("r", ("r", "q")), ("s", ("s",)))}
    days = problem.days
    absent: set[tuple[str, int, dt.date]] = set()
    if wanted["e"] or wanted["s"]:
        for a in db.session.scalars(select(Absence).where(
                Absence.start_date <= days[-1], Absence.end_date >= days[0],
                or_(Absence.employee_id.in_(sorted(wanted["e"])), Absence.supervisor_id.in_(sorted(wanted["s"]))))):
            who = ("e", a.employee_id) if a.employee_id is not None else ("s", a.supervisor_id)
            absent.update((*who, d) for d in days if a.start_date <= d <= a.end_date)
    rows = {q.id: q for q in db.session.scalars(
        select(DeploymentRequest).where(DeploymentRequest.id.in_(sorted(wanted["r"])))
        .options(selectinload(DeploymentRequest.location), selectinload(DeploymentRequest.work_type)))
    } if wanted["r"] else {}

    def employee(pk: int) -> list[dict]:
        old, new = old_employees.get(pk), new_employees.get(pk)
        if old is None:
            return []
        if new is None or new.team != old.team:
            return [{"what": "gone", "name": old.name}]
        said = []
        lost = _lost_days(old.availability, new.availability, days)
        away = [d for d in lost if ("e", pk, d) in absent]
        if away:
            said.append({"what": "absent", "name": old.name, "days": [d.isoformat() for d in away]})
        if len(away) < len(lost):
            said.append({"what": "hours", "name": old.name,
                         "days": [d.isoformat() for d in lost if d not in away]})
        if set(old.work_types) - set(new.work_types) or (
                new.locations is not None and (old.locations is None or set(old.locations) - set(new.locations))):
            said.append({"what": "skills", "name": old.name})
        if new.max_minutes_per_day < old.max_minutes_per_day or (
                not lost and new.contract_minutes < old.contract_minutes):
            said.append({"what": "contract", "name": old.name})
        return said

    def leader(pk: int) -> list[dict]:
        old, new = old_leaders.get(pk), new_leaders.get(pk)
        if old is None:
            return []
        lost = days if new is None else _lost_days(old.availability, new.availability, days)
        lost = [d for d in lost if d in old.availability]
        return [{"what": "leader", "name": old.name, "days": [d.isoformat() for d in lost]}] if lost else []

    def request(pk: int, places: bool = False) -> list[dict]:
        old, row = idmap.request_facts.get(pk), rows.get(pk)
        name = idmap.names.get(rid(pk)) or (f"{row.work_type.name_nl} {row.location.name}" if row else "")
        said = {"what": "request", "nr": pk, "name": name, "how": []}
        if row is None or row.status not in PLANNED_STATUSES:
            said["how"] = ["cancelled" if row is None or row.status == RequestStatus.CANCELLED.value else "stopped"]
            return [said]
        if old is None:
            return []
        now = RequestFacts.of(row, days)
        if set(old.days) - set(now.days):
            said["how"].append("days")
        if (now.start_minute, now.end_minute, now.break_minutes) != (old.start_minute, old.end_minute,
                                                                     old.break_minutes):
            said["how"].append("times")
            said.update(start=now.start_minute, end=now.end_minute)
        if now.location_id != old.location_id:
            said["how"].append("place")
        if now.work_type_id != old.work_type_id:
            said["how"].append("work")
        if now.headcount < old.headcount:
            said["how"].append("fewer")
        if not said["how"] and places:
            # Nothing of its own changed: other teams' rosters take more of its places now.
            said["how"] = ["taken"]
        return [said] if said["how"] else []

    describe = {"e": employee, "s": leader, "r": request, "q": lambda pk: request(pk, places=True),
                "t": lambda pk: [{"what": "team"}]}
    order = ("team", "gone", "absent", "hours", "contract", "skills", "leader", "request")
    out = {}
    for team, found in sorted(causes.items()):
        said: list[dict] = []
        for kind, pk in sorted(found):
            said.extend(entry for entry in describe[kind](pk) if entry not in said)
        said.sort(key=lambda entry: (order.index(entry["what"]), entry.get("name", ""), entry.get("nr", 0)))
        out[team] = said or [{"what": "other"}]
    return out


# --- Solution -> rows -----------------------------------------------------------------------


def get_or_create_roster(week: str, team_id: int) -> Roster:
    roster = db.session.scalar(select(Roster).where(Roster.week == week, Roster.team_id == team_id))
    if roster is None:
        roster = Roster(week=week, team_id=team_id, status=RosterStatus.DRAFT.value, version=0)
        db.session.add(roster)
        db.session.flush()
    return roster


def touch(roster: Roster) -> None:
    """Mark a roster changed: this raises its lock_version, so a concurrent edit is caught."""
    roster.updated_at = utcnow()
    if roster.version > 0:
        roster.has_unpublished_changes = True


class RosterChanged(ServiceError):
    """Rosters changed (by hand or by publishing) since a solve started: nothing is saved."""

    def __init__(self, team_ids: list[int]):
        from flask_babel import gettext as _

        self.team_ids = team_ids
        team = db.session.get(Team, team_ids[0])
        super().__init__(_("Het rooster van %(team)s is tijdens het plannen veranderd (met de hand of door "
                           "publiceren). Er is niets opgeslagen. Plan opnieuw.", team=team.name if team else ""))


def rosters_changed(week: str, expected_locks: dict[int, int | None], team_ids) -> list[int]:
    """The teams (of `team_ids`) whose roster of the week is no longer at the lock version
    `expected_locks` holds for it (None: it had none): changed, published or made meanwhile."""
    now = dict(db.session.execute(select(Roster.team_id, Roster.lock_version).where(
        Roster.week == week, Roster.team_id.in_(list(team_ids)))).all())
    return [t for t in sorted(team_ids) if t in expected_locks and now.get(t) != expected_locks[t]]


def apply_solution(week: str, idmap: IdMap, solution: Solution, *, user=None, action: str = "solve",
                   reason: str = "", expected_locks: dict[int, int | None] | None = None,
                   before_commit=None, as_of: dt.datetime | None = None, **about) -> list[Roster]:
    """Write a Solution as the rosters of the idmap's teams, in one transaction.

    Each changed roster gets a history line for `action` (roster_history.PLANNED_BY_ACTION), with
    the values its message shows in `about`: a repair's first `day`, an import's `file`.

    Rows the solution keeps stay (pins included); every other row of these rosters goes, but the
    days before the idmap's `kept_before` stay as they are, supervision included, and so do the
    shifts of today under way (idmap.begun) with their leader where the Problem left them out
    (idmap.begun_leads). With
    `expected_locks` (team id -> its roster's lock version when the solve started, None when it
    had none) a roster someone changed, published or made meanwhile is not overwritten.
    `before_commit`, when given, is called in the same transaction just before it commits (a
    solve job marks itself done there, unless it was stopped: then it raises and nothing is saved).
    `as_of` (naive UTC), when given, is when the solve read its data: each audit line says it as
    "as_of=<UTC time>", and the roster page counts the roster planned from then
    (rosters.view.planned_as_of), so a request accepted, changed or given a higher priority while
    the solver ran says "plan opnieuw" on its short days; the save's own time would make such a
    decision look older than the plan.
    Commits; on any error everything is rolled back and the error raised.
    """
    try:
        scope = set(idmap.team_ids)
        by_team: dict[int, list[AssignmentRef]] = defaultdict(list)
        team_of = dict(db.session.execute(select(Employee.id, Employee.team_id).where(Employee.team_id.in_(scope))).all())
        for a in solution.assignments:
            employee_id = pk_of(a.employee)
            if team_of.get(employee_id) in scope:
                by_team[team_of[employee_id]].append(a)
        sup_by_team: dict[int, list[SupervisionRef]] = defaultdict(list)
        for s in solution.supervision:
            if pk_of(s.team) in scope:
                sup_by_team[pk_of(s.team)].append(s)
        if expected_locks is not None:
            changed_rosters = rosters_changed(week, expected_locks, scope)
            if changed_rosters:
                raise RosterChanged(changed_rosters)
        rosters = [get_or_create_roster(week, team_id) for team_id in sorted(scope)]
        kept_before = idmap.kept_before
        if action == "repair" and kept_before is not None and isinstance(about.get("day"), dt.date):
            # The day the repair started from: today, when it was asked from a day gone by
            # (build_problem keeps those as they are).
            about["day"] = max(about["day"], kept_before)

        def kept(day: dt.date) -> bool:
            return kept_before is not None and day < kept_before

        led_before = {roster.id: {(s.supervisor_id, s.date, s.location_id) for s in roster.supervision}
                      for roster in rosters}
        # Who leads a shift under way that the Problem left out leads it still (build_problem:
        # begun_leads), unless the solution has that leader lead elsewhere that day (one entry a day).
        solved_leaders = {(pk_of(s.supervisor), s.date) for leads in sup_by_team.values() for s in leads}
        still_leading = {roster.id: [s for s in roster.supervision
                                     if (roster.team_id, s.supervisor_id, s.date, s.location_id) in idmap.begun_leads
                                     and (s.supervisor_id, s.date) not in solved_leaders]
                         for roster in rosters}
        # Every team's supervision goes before any comes back: a pool stand-in the solution moves
        # from one team to another on a date would otherwise meet its old row (one entry a date).
        # The kept days' stays: who led then, led then.
        keep_ids = [s.id for rows in still_leading.values() for s in rows]
        db.session.execute(delete(SupervisionAssignment).where(
            SupervisionAssignment.roster_id.in_([roster.id for roster in rosters]),
            SupervisionAssignment.date >= kept_before if kept_before is not None else true(),
            SupervisionAssignment.id.not_in(keep_ids) if keep_ids else true()))
        # Likewise every roster's rows go before any come: someone moved from one of these teams
        # to another keeps one shift a day throughout.
        plans = []
        for roster in rosters:
            existing = {(a.employee_id, a.date): a for a in roster.assignments}
            before = {key: a.request_id for key, a in existing.items()}
            after = {(pk_of(a.employee), a.date): pk_of(a.request) for a in by_team.get(roster.team_id, [])
                     if not kept(a.date) and (pk_of(a.employee), a.date) not in idmap.begun}
            # The kept days stay as they are, every row of them: also those of people no longer
            # in the Problem (moved to another team, archived) and of requests that no longer ask.
            # So do the shifts of today under way (build_problem: begun_today).
            after.update({key: request_id for key, request_id in before.items()
                          if kept(key[1]) or key in idmap.begun})
            # Rows the solution keeps stay as they are (pin and id included); the rest is replaced.
            # A pin the problem had to leave out (the person is absent now) goes too.
            for key, row in existing.items():
                if after.get(key) != row.request_id:
                    db.session.delete(row)
            plans.append((roster, before, after))
        db.session.flush()
        for roster, before, after in plans:
            team_id = roster.team_id
            leads = [s for s in sup_by_team.get(team_id, []) if not kept(s.date)]
            led_after = {(pk_of(s.supervisor), s.date, pk_of(s.location)) for s in leads} | {
                lead for lead in led_before[roster.id] if kept(lead[1])} | {
                (s.supervisor_id, s.date, s.location_id) for s in still_leading[roster.id]}
            for key, request_id in after.items():
                if before.get(key) != request_id:
                    db.session.add(Assignment(roster_id=roster.id, employee_id=key[0], date=key[1],
                                              request_id=request_id, pinned=False))
            for s in leads:
                key = (pk_of(s.supervisor), s.date, pk_of(s.location))
                db.session.add(SupervisionAssignment(roster_id=roster.id, supervisor_id=key[0], date=s.date,
                                                     location_id=key[2], team_id=team_id,
                                                     pinned=key in idmap.pinned_leads))
            changed = sum(1 for k in set(before) | set(after) if before.get(k) != after.get(k))
            # The places and days another leader leads now (or none, or one where none did). A
            # roster's first plan has nothing to compare them with: its line says the shifts only.
            leaders_changed = len({(day, place) for _who, day, place in led_after ^ led_before[roster.id]}) \
                if before or led_before[roster.id] else 0
            db.session.flush()
            db.session.expire(roster, ["assignments", "supervision"])
            if changed or led_after != led_before[roster.id]:
                touch(roster)  # a solve that changes nothing leaves a published roster as told
                # A re-plan that puts back what was published (a hand edit undone) is as told too.
                from .services.rosters import unmark_if_as_told

                unmark_if_as_told(roster)
            if roster.version == 0 or changed or leaders_changed:
                about_leaders = {roster_history.LEADERS_CHANGED: leaders_changed} if leaders_changed else {}
                roster_history.record(roster, user, action,
                                      roster_history.PLANNED_BY_ACTION.get(action, "planned"),
                                      reason=reason, n=len(after), c=changed, **about, **about_leaders)
            # The first day planned, when the days before it were kept: the roster page's short days
            # before it were planned earlier (rosters.view._decided_since_planned reads it).
            first = f" from={kept_before.isoformat()}" if kept_before is not None else ""
            read = f" as_of={as_of.replace(tzinfo=dt.timezone.utc).isoformat()}" if as_of is not None else ""
            audit.record(f"roster.{action}", roster,
                         detail=f"week={week}{first} assignments={len(after)} changed={changed}{read}", actor=user)
        if before_commit is not None:
            before_commit()
        db.session.commit()
        return rosters
    except Exception:
        db.session.rollback()
        raise


# --- demo -----------------------------------------------------------------------------------


def demo_weeks(today: dt.date | None = None) -> tuple[str, str]:
    """The demo's published week and its draft week: this week and next, or at the weekend, when
    this week's workdays are past (the employees' week page starts with next week then), next
    week and the one after."""
    from .formatting import week_of

    today = today or dt.date.today()
    if today.weekday() >= 5:
        today += dt.timedelta(days=7 - today.weekday())
    return week_of(today), shift_week(week_of(today), 1)


def seed_demo_rosters(size: str = "small", today: dt.date | None = None, time_limit: float | None = None) -> str:
    """A published roster and a draft for the weeks of demo_weeks, where those weeks have none.

    Idempotent: a week that already has any roster is left alone.
    """
    from flask_babel import force_locale

    from .services.rosters import publish

    published_week, draft_week = demo_weeks(today)
    time_limit = time_limit or (5.0 if size == "small" else 30.0)
    done = []
    with force_locale("nl"):
        for week, publish_it in ((published_week, True), (draft_week, False)):
            if db.session.scalar(select(Roster.id).where(Roster.week == week).limit(1)) is not None:
                continue
            problem, idmap = build_problem(week)
            solution = scheduling.solve(problem, time_limit=time_limit, workers=2, deterministic=True)
            if solution.status not in ("OPTIMAL", "FEASIBLE"):
                continue
            rosters = apply_solution(week, idmap, solution, action="solve", reason="demo")
            if publish_it:
                for roster in rosters:
                    publish(roster)
            done.append(f"{week} ({'gepubliceerd' if publish_it else 'concept'}, {len(solution.assignments)} diensten)")
    # Said by seed-demo, in Dutch as its other lines.
    return "Demoroosters: " + (", ".join(done) if done else "waren er al") + "."
