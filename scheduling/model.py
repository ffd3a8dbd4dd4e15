"""The CP-SAT model of one region's week: one function per hard rule and per soft goal."""
from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from .domain import (
    DAY_MINUTES,
    DEFAULT_WEIGHTS,
    AssignmentRef,
    Employee,
    LeaderPins,
    Problem,
    Request,
    Shortfall,
    SupervisionRef,
    Supervisor,
    Window,
    rest_too_short,
    supervision_too_long,
)

# (employee id, request id, date): the key of one possible assignment.
Triple = tuple[str, str, dt.date]
# (supervisor id, window index, team id, location id, date): one possible supervision entry.
SupervisionKey = tuple[str, int, str, str, dt.date]


def weight(problem: Problem, name: str) -> int:
    """The problem's weight for a soft goal, its default where the problem leaves it out."""
    value = (problem.weights or {}).get(name)
    return DEFAULT_WEIGHTS[name] if value is None else int(value)


# --------------------------------------------------------------------------------------------
# The problem split into regions
# --------------------------------------------------------------------------------------------


@dataclass
class ProblemIndex:
    """Look-up tables over a Problem; regions are independent, so everything is keyed by one."""

    problem: Problem
    team_region: dict[str, str]
    location_region: dict[str, str]
    employees: dict[str, list[Employee]]  # region -> employees of its teams
    requests: dict[str, list[Request]]  # region -> requests at its locations
    supervisors: dict[str, list[Supervisor]]  # region -> team and pool supervisors
    regions: list[str]

    @classmethod
    def of(cls, problem: Problem) -> ProblemIndex:
        team_region = {t.id: t.region for t in problem.teams}
        location_region = {loc.id: loc.region for loc in problem.locations}
        employees: dict[str, list[Employee]] = defaultdict(list)
        for e in problem.employees:
            if e.team in team_region:
                employees[team_region[e.team]].append(e)
        requests: dict[str, list[Request]] = defaultdict(list)
        for r in problem.requests:
            if r.location in location_region:
                requests[location_region[r.location]].append(r)
        supervisors: dict[str, list[Supervisor]] = defaultdict(list)
        for s in problem.supervisors:
            # A team leader stands in the region of their team, whatever the row says.
            region = team_region.get(s.team, s.region) if s.team is not None else s.region
            supervisors[region].append(s)
        regions = sorted(
            set(team_region.values()) | set(location_region.values()) | set(supervisors)
        )
        return cls(problem, team_region, location_region, dict(employees), dict(requests),
                   dict(supervisors), regions)


# --------------------------------------------------------------------------------------------
# Eligibility: rules 1 to 4 and part of rule 6 decided before any variable exists
# --------------------------------------------------------------------------------------------


def covering_window(windows: tuple[Window, ...], start: int, end: int) -> int | None:
    """Index of the first window that holds [start, end], or None."""
    for i, (a, b) in enumerate(windows):
        if a <= start and end <= b:
            return i
    return None


def is_qualified(employee: Employee, request: Request, team_region: str,
                 location_region: str) -> bool:
    """Rule 3: work type, the team's region, and the employee's own location list."""
    return (
        request.work_type in employee.work_types
        and location_region == team_region
        and (employee.locations is None or request.location in employee.locations)
    )


def fits_hours(employee: Employee, request: Request) -> bool:
    """Rule 4 for a single shift: within the daily maximum and the weekly contract."""
    minutes = request.worked_minutes
    return 0 <= minutes <= employee.max_minutes_per_day and minutes <= employee.contract_minutes


def is_available(employee: Employee, request: Request, date: dt.date) -> bool:
    """Rule 2: one availability window that date holds the whole shift."""
    windows = employee.availability.get(date, ())
    return covering_window(windows, request.start, request.end) is not None


# --------------------------------------------------------------------------------------------
# The model
# --------------------------------------------------------------------------------------------


@dataclass
class RosterModel:
    """A CP-SAT model of one region with its variables indexed the way the rules need them."""

    problem: Problem
    region: str
    cuts: bool = True
    model: cp_model.CpModel = field(default_factory=cp_model.CpModel)
    employees: dict[str, Employee] = field(default_factory=dict)
    requests: dict[str, Request] = field(default_factory=dict)
    days: tuple[dt.date, ...] = ()
    # Decision variables, eligible triples only.
    x: dict[Triple, cp_model.IntVar] = field(default_factory=dict)
    by_request_day: dict[tuple[str, dt.date], list[cp_model.IntVar]] = field(
        default_factory=lambda: defaultdict(list))
    by_employee_day: dict[tuple[str, dt.date], list[cp_model.IntVar]] = field(
        default_factory=lambda: defaultdict(list))
    by_employee: dict[str, list[tuple[int, cp_model.IntVar]]] = field(
        default_factory=lambda: defaultdict(list))
    longest: dict[tuple[str, dt.date], int] = field(default_factory=lambda: defaultdict(int))
    # (team, location, date) -> {request id: [x of the team's employees]}
    by_team_place: dict[tuple[str, str, dt.date], dict[str, list[cp_model.IntVar]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(list)))
    # (team, request, date) -> supervision keys whose supervisor could lead that shift.
    covers: dict[tuple[str, str, dt.date], list[SupervisionKey]] = field(default_factory=dict)
    y: dict[SupervisionKey, cp_model.IntVar] = field(default_factory=dict)
    # (team, request, date) -> a boolean that is 1 when the team has a shift of the request
    # that date (each of those assignments at most it), and those assignments: made only where
    # a supervisor's working time (rules 11 and 12) needs them.
    works: dict[tuple[str, str, dt.date], tuple[cp_model.IntVar, list[Triple]]] = field(
        default_factory=dict)
    # Rule 11's levels: a boolean -> (supervisor, date, "late", end) for "they lead that date where
    # the team's day ends at `end` or later", or (..., "early", start) for "starts at `start` or
    # earlier".
    rest_levels: dict[cp_model.IntVar, tuple[str, dt.date, str, int]] = field(default_factory=dict)
    # Variable index of an assignment -> its employee id.
    owner: dict[int, str] = field(default_factory=dict)
    # Soft goals: named penalty variables with their cost, plus a constant part.
    penalties: dict[str, list[tuple[cp_model.IntVar, int]]] = field(
        default_factory=lambda: defaultdict(list))
    constant: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    short: dict[tuple[str, dt.date], cp_model.IntVar] = field(default_factory=dict)
    # Derived variables with what defines them, so a complete hint can be computed.
    in_roster: dict[str, cp_model.IntVar] = field(default_factory=dict)
    dropped: dict[Triple, cp_model.IntVar] = field(default_factory=dict)
    change: dict[tuple[str, dt.date], tuple[cp_model.IntVar, list[Triple]]] = field(
        default_factory=dict)
    gap: dict[str, cp_model.IntVar] = field(default_factory=dict)
    split: dict[tuple[str, dt.date], tuple[cp_model.IntVar, list[SupervisionKey]]] = field(
        default_factory=dict)
    # A published supervision entry dropped: its variable and the keys that would keep it.
    lead_dropped: dict[SupervisionRef, tuple[cp_model.IntVar, list[SupervisionKey]]] = field(
        default_factory=dict)
    # (team, location, date) with last week's leader there (previous_supervision): a variable
    # that is 1 when someone else leads the team there, and the keys of those others.
    lead_moved: dict[tuple[str, str, dt.date], tuple[cp_model.IntVar, list[SupervisionKey]]] = field(
        default_factory=dict)
    # (team, location, date) a stand-in could lead (someone not of the team's own leaders): a
    # variable that is 1 when one does, and the keys of those stand-ins.
    stand_in: dict[tuple[str, str, dt.date], tuple[cp_model.IntVar, list[SupervisionKey]]] = field(
        default_factory=dict)
    pin_literals: dict[cp_model.IntVar, AssignmentRef] = field(default_factory=dict)
    # The rows that tie an employee's week together, by constraint index: rows over worked
    # minutes (contract limit, contract gap), and contract cuts over shift counts by length.
    # Their LP duals price minutes and shifts for the day-roster bound (daybound.py).
    minute_rows: dict[int, str] = field(default_factory=dict)
    count_rows: dict[int, tuple[str, dict[int, int]]] = field(default_factory=dict)
    impossible_pins: list[AssignmentRef] = field(default_factory=list)
    pins: list[AssignmentRef] = field(default_factory=list)
    # The problem's pinned team leaders (rule 9), read once by _supervision_cover.
    leader_pins: LeaderPins | None = None

    @property
    def num_variables(self) -> int:
        return len(self.model.Proto().variables)

    @property
    def num_constraints(self) -> int:
        return len(self.model.Proto().constraints)


def build_model(index: ProblemIndex, region: str, *, pins: str = "hard",
                objective: bool = True, cuts: bool = True) -> RosterModel:
    """Build the model of one region.

    pins="hard" fixes every pin; pins="assume" turns each pin into an assumption literal so
    that an infeasible model can name the pins that clash. cuts=False leaves out the valid
    inequalities that only tighten the LP relaxation (tests compare both).
    """
    problem = index.problem
    m = RosterModel(problem=problem, region=region, cuts=cuts)
    m.days = tuple(problem.days)
    m.employees = {e.id: e for e in index.employees.get(region, [])}
    m.requests = {r.id: r for r in index.requests.get(region, [])}
    m.pins = [p for p in problem.pinned if p.employee in m.employees]

    create_assignment_variables(m, index)
    # Hard rules.
    add_one_shift_per_day(m)
    add_rest_between_days(m)
    add_contract_limits(m)
    if cuts:
        add_contract_cuts(m)
    add_headcount_limits(m)
    add_supervision(m)
    add_one_entry_per_supervisor(m)
    add_supervisor_day_limit(m)
    add_supervisor_rest(m)
    add_team_size_limits(m)
    add_pins(m, as_assumptions=(pins == "assume"))
    if objective:
        # Soft goals.
        add_shortfall_penalties(m)
        add_republish_penalties(m)
        add_change_penalties(m)
        add_contract_gap_penalties(m)
        add_team_split_penalties(m)
        add_supervision_change_penalties(m)
        add_supervision_continuity_penalties(m)
        add_stand_in_penalties(m)
        terms = [(v, c) for items in m.penalties.values() for v, c in items if c]
        m.model.Minimize(cp_model.LinearExpr.WeightedSum(
            [v for v, _ in terms], [c for _, c in terms]) + sum(m.constant.values()))
        add_hints(m)
    return m


def create_assignment_variables(m: RosterModel, index: ProblemIndex) -> None:
    """One boolean per eligible (employee, request, date): rules 1-4 and 6 prune the rest."""
    model = m.model
    for e, r, d in eligible_triples(m, index):
        var = model.NewBoolVar(f"x[{e.id},{r.id}@{d.isoformat()}]")
        m.x[(e.id, r.id, d)] = var
        m.by_request_day[(r.id, d)].append(var)
        m.by_employee_day[(e.id, d)].append(var)
        m.by_employee[e.id].append((r.worked_minutes, var))
        if r.worked_minutes > m.longest[(e.id, d)]:
            m.longest[(e.id, d)] = r.worked_minutes
        m.by_team_place[(e.team, r.location, d)][r.id].append(var)
        m.owner[var.Index()] = e.id


def count_assignment_variables(index: ProblemIndex, region: str) -> int:
    """How many assignment variables the region's model has, without building it."""
    m = RosterModel(problem=index.problem, region=region)
    m.employees = {e.id: e for e in index.employees.get(region, [])}
    m.requests = {r.id: r for r in index.requests.get(region, [])}
    return sum(1 for _ in eligible_triples(m, index))


def eligible_triples(m: RosterModel, index: ProblemIndex):
    """Every (employee, request, date) that rules 1-4 and 6 allow, on their own."""
    problem = m.problem
    region = m.region
    plan_days = set(problem.days)
    by_work_type: dict[str, list[Request]] = defaultdict(list)
    for r in m.requests.values():
        if r.headcount > 0:
            by_work_type[r.work_type].append(r)
    supervisors = index.supervisors.get(region, [])
    own: dict[str | None, list[Supervisor]] = defaultdict(list)
    for s in supervisors:
        own[s.team].append(s)
    pool = own.get(None, [])

    for e in m.employees.values():
        team_region = index.team_region[e.team]
        candidates = own.get(e.team, []) + pool
        seen: set[str] = set()
        for wt in e.work_types:
            for r in by_work_type.get(wt, ()):
                if r.id in seen:
                    continue
                seen.add(r.id)
                if not (is_qualified(e, r, team_region, index.location_region[r.location])
                        and fits_hours(e, r)):
                    continue
                for d in r.days:
                    if d not in plan_days or not is_available(e, r, d):
                        continue
                    if not _supervision_cover(m, candidates, e.team, r, d):
                        continue  # rule 6: nobody could lead this shift, so nobody works it
                    yield e, r, d


def _supervision_cover(m: RosterModel, candidates: list[Supervisor], team: str, r: Request,
                       d: dt.date) -> list[SupervisionKey]:
    key = (team, r.id, d)
    cover = m.covers.get(key)
    if cover is None:
        pins = m.leader_pins
        if pins is None:
            pins = m.leader_pins = LeaderPins(m.problem.pinned_supervision)
        cover = []
        for s in candidates if not supervision_too_long(m.problem, r.start, r.end, d) else ():
            if r.work_type not in s.work_types or not pins.allows(s.id, team, r.location, d):
                continue  # rule 6; rule 9: a pinned team leader leads there alone, and only there
            for i, (a, b) in enumerate(s.availability.get(d, ())):
                if a <= r.start and r.end <= b:
                    cover.append((s.id, i, team, r.location, d))
        m.covers[key] = cover
    return cover


# --------------------------------------------------------------------------------------------
# Hard rules
# --------------------------------------------------------------------------------------------


def add_one_shift_per_day(m: RosterModel) -> None:
    """Rule 1: at most one shift an employee a date (request days are enforced by eligibility)."""
    for variables in m.by_employee_day.values():
        if len(variables) > 1:
            m.model.AddAtMostOne(variables)


def add_rest_between_days(m: RosterModel) -> None:
    """Rule 10 (when the problem asks for it): enough rest between a date's shift and the
    next date's. Per employee, date and next-date shift: it and the date's shifts that end too
    late for it, at most one of them (one shift a date makes this the pairwise rule)."""
    if m.problem.min_rest_minutes <= 0:
        return
    # Daytime requests never clash: one look per date at the latest end and the next earliest start.
    latest: dict[dt.date, int] = {}
    earliest: dict[dt.date, int] = {}
    for q in m.requests.values():
        for d in q.days:
            latest[d] = max(latest.get(d, 0), q.end)
            earliest[d] = min(earliest.get(d, DAY_MINUTES), q.start)
    if not any(rest_too_short(m.problem, end, earliest[d + dt.timedelta(days=1)], d)
               for d, end in latest.items() if d + dt.timedelta(days=1) in earliest):
        return
    shifts: dict[tuple[str, dt.date], list[tuple[Request, cp_model.IntVar]]] = defaultdict(list)
    for (e_id, r_id, d), var in m.x.items():
        shifts[(e_id, d)].append((m.requests[r_id], var))
    for (e_id, d), today in shifts.items():
        for later, var in shifts.get((e_id, d + dt.timedelta(days=1)), ()):
            clash = [v for q, v in today if rest_too_short(m.problem, q.end, later.start, d)]
            if clash:
                m.model.AddAtMostOne(clash + [var])


def add_contract_limits(m: RosterModel) -> None:
    """Rule 4: weekly minutes within the contract (the daily maximum is one shift's minutes)."""
    for e_id, items in m.by_employee.items():
        contract = m.employees[e_id].contract_minutes
        # Skip the constraint when even the longest shift every day stays within contract.
        if sum(m.longest[(e_id, d)] for d in m.days) <= contract:
            continue
        row = m.model.Add(cp_model.LinearExpr.WeightedSum(
            [v for _, v in items], [mins for mins, _ in items]) <= contract)
        m.minute_rows[row.Index()] = e_id


def add_contract_cuts(m: RosterModel) -> None:
    """Valid inequalities for rule 4 that the LP relaxation needs: only whole shifts exist.

    The contract row lets a 12-hour contract hold 2.2 shifts of 5.5 hours. For an employee
    whose contract binds, this caps the shifts of each length, and for each pair of lengths
    adds the facets of the hull of the whole-shift mixes that fit (see contract_cuts). On M
    this lifts the root bound of its hardest region by 3% and proves it a third sooner.
    """
    options, by_length = shift_lengths(m)
    for e_id, days in options.items():
        contract = m.employees[e_id].contract_minutes
        for coefficients, limit in contract_cuts(list(days.values()), contract):
            variables, weights = [], []
            for length, coefficient in coefficients.items():
                variables += by_length[e_id][length]
                weights += [coefficient] * len(by_length[e_id][length])
            row = m.model.Add(cp_model.LinearExpr.WeightedSum(variables, weights) <= limit)
            m.count_rows[row.Index()] = (e_id, coefficients)


def shift_lengths(m: RosterModel) -> tuple[dict[str, dict[dt.date, set[int]]],
                                            dict[str, dict[int, list[cp_model.IntVar]]]]:
    """Per employee: the shift lengths each date offers, and the assignment variables by
    shift length."""
    options: dict[str, dict[dt.date, set[int]]] = defaultdict(lambda: defaultdict(set))
    by_length: dict[str, dict[int, list[cp_model.IntVar]]] = defaultdict(
        lambda: defaultdict(list))
    for (e_id, r_id, d), var in m.x.items():
        minutes = m.requests[r_id].worked_minutes
        options[e_id][d].add(minutes)
        by_length[e_id][minutes].append(var)
    return options, by_length


def contract_cuts(lengths_by_day: list[set[int]], contract: int
                  ) -> list[tuple[dict[int, int], int]]:
    """Inequalities sum(coefficient x shifts of that length) <= limit that every whole-shift
    week within the contract meets: a cap per length, and the facets of the hull per pair.

    The set of fitting count vectors is closed downwards, so the hull of its slice where the
    other lengths are 0 is also its projection: each pair's facets hold for the whole week.
    """
    cuts: list[tuple[dict[int, int], int]] = []
    if not contract_binds(lengths_by_day, contract):
        return cuts  # one shift a day says it all
    lengths = sorted(set().union(*lengths_by_day))
    for length in lengths:
        offered = sum(1 for options in lengths_by_day if length in options)
        cap = min(offered, contract // length) if length > 0 else offered
        if cap < offered:
            cuts.append(({length: 1}, cap))
    for i, first in enumerate(lengths):
        for second in lengths[i + 1:]:
            pair = [options & {first, second} for options in lengths_by_day]
            if not contract_binds(pair, contract):
                continue  # this pair alone never reaches the contract
            names, points = contract_patterns([o for o in pair if o], contract)
            if names != [first, second]:
                continue
            for a, b, c in _upper_facets(points):
                cuts.append(({first: a, second: b}, c))
    return cuts


def contract_binds(lengths_by_day, contract: int) -> bool:
    """Whether the longest shift every day offers would go over the contract."""
    return sum(max(options) for options in lengths_by_day if options) > contract


def _upper_facets(points: list[tuple[int, ...]]) -> list[tuple[int, int, int]]:
    """The facets a*x + b*y <= c (a, b > 0) of the hull of the points and everything below."""
    top_x = max(p[0] for p in points)
    top_y = max(p[1] for p in points)
    hull: list[tuple[int, int]] = []
    for p in sorted(set(points) | {(top_x, 0), (0, top_y)}):
        while len(hull) >= 2:
            (x1, y1), (x2, y2) = hull[-2], hull[-1]
            if (x2 - x1) * (p[1] - y1) - (y2 - y1) * (p[0] - x1) >= 0:
                hull.pop()  # hull[-1] is on or below the line from hull[-2] to p
            else:
                break
        hull.append(p)
    facets = []
    for (x1, y1), (x2, y2) in zip(hull, hull[1:]):
        a, b = y1 - y2, x2 - x1
        if a > 0 and b > 0:
            g = math.gcd(a, b)
            a, b = a // g, b // g
            facets.append((a, b, a * x1 + b * y1))
    return facets


def contract_patterns(lengths_by_day: list[set[int]], contract: int
                      ) -> tuple[list[int], list[tuple[int, ...]]]:
    """The shift lengths and the maximal count vectors that fit the contract.

    A count vector says how many shifts of each length, at most one shift a day and only
    lengths that day offers; it is maximal when no other fitting vector is at least as large
    everywhere.
    """
    lengths = sorted(set().union(*lengths_by_day)) if lengths_by_day else []
    position = {length: i for i, length in enumerate(lengths)}
    states: set[tuple[int, ...]] = {tuple(0 for _ in lengths)}
    for options in lengths_by_day:
        grown = set(states)
        for state in states:
            used = sum(count * length for count, length in zip(state, lengths))
            for length in options:
                if used + length <= contract:
                    bigger = list(state)
                    bigger[position[length]] += 1
                    grown.add(tuple(bigger))
        states = grown
    maximal = [s for s in states
               if not any(o != s and all(a >= b for a, b in zip(o, s)) for o in states)]
    return lengths, sorted(maximal)


def add_headcount_limits(m: RosterModel) -> None:
    """Rule 5: no request gets more than its headcount on a date."""
    for (r_id, _d), variables in m.by_request_day.items():
        if len(variables) > m.requests[r_id].headcount:
            m.model.Add(sum(variables) <= m.requests[r_id].headcount)


def add_supervision(m: RosterModel) -> None:
    """Rule 6: every team at work in a place has one supervisor who covers all its shifts there.

    A supervision variable is a (supervisor, availability window) pair, so "one window from the
    earliest start to the latest end" is the same as "that window holds every shift".
    """
    model = m.model
    for (team, location, d), shifts in m.by_team_place.items():
        keys: dict[SupervisionKey, None] = {}
        for r_id in shifts:
            for key in m.covers[(team, r_id, d)]:
                if key not in m.y:
                    s_id, wi, *_ = key
                    m.y[key] = model.NewBoolVar(
                        f"supervise[{s_id}#{wi},{team},{location}@{d.isoformat()}]")
                keys[key] = None
        place_vars = [m.y[k] for k in keys]
        place_sum = cp_model.LinearExpr.Sum(place_vars)
        # Shifts any of the place's supervisors could lead: the place cut below covers them.
        led_by_all: list[cp_model.IntVar] = []
        for r_id, variables in shifts.items():
            cover = m.covers[(team, r_id, d)]
            cover_sum = cp_model.LinearExpr.Sum([m.y[k] for k in cover])
            if m.cuts and len(cover) == len(keys):
                led_by_all.extend(variables)
            else:
                # Linear, not a clause, so the LP relaxation sees that work needs a supervisor.
                for var in variables:
                    model.Add(cover_sum >= var)
            # The same per request: a tighter relaxation when the supervisor is split.
            most = min(len(variables), m.requests[r_id].headcount)
            if most > 1:
                model.Add(cp_model.LinearExpr.Sum(variables) <= most * cover_sum)
        if len(place_vars) > 1:
            model.AddAtMostOne(place_vars)
        if m.cuts:
            add_place_cuts(m, place_sum, shifts, led_by_all)
        # An entry only where the team works: keeps the roster and the team split honest.
        work = [v for variables in shifts.values() for v in variables]
        model.Add(place_sum <= cp_model.LinearExpr.Sum(work))


def add_place_cuts(m: RosterModel, place_sum: cp_model.LinearExpr,
                   shifts: dict[str, list[cp_model.IntVar]],
                   led_by_all: list[cp_model.IntVar]) -> None:
    """A valid cut for rule 6 that the LP relaxation needs: an employee works at most one
    shift a date, and any shift at a place needs the team's one supervision entry there, so
    the employee's shifts at that place sum to at most that entry.

    Without it the relaxation lets a supervisor be half at two places while each of the
    team's people works a full shift, split over both: the bound then ignores rule 6.
    It also stands in for "this shift needs a supervisor" for every shift that each of the
    place's supervisors could lead (`led_by_all`), one row per employee instead of per shift.
    """
    per_employee: dict[str, list[cp_model.IntVar]] = defaultdict(list)
    for variables in shifts.values():
        for var in variables:
            per_employee[m.owner[var.Index()]].append(var)
    covered = {var.Index() for var in led_by_all}
    for variables in per_employee.values():
        if len(variables) > 1 or variables[0].Index() in covered:
            m.model.Add(cp_model.LinearExpr.Sum(variables) <= place_sum)


def add_one_entry_per_supervisor(m: RosterModel) -> None:
    """Rule 7: a supervisor leads at most one team in one place a date."""
    per_day: dict[tuple[str, dt.date], list[cp_model.IntVar]] = defaultdict(list)
    for (s_id, _wi, _team, _loc, d), var in m.y.items():
        per_day[(s_id, d)].append(var)
    for variables in per_day.values():
        if len(variables) > 1:
            m.model.AddAtMostOne(variables)


def team_works(m: RosterModel, team: str, r_id: str, d: dt.date) -> cp_model.IntVar:
    """A boolean that each of the team's assignments to request r_id on date d is at most: 1
    whenever the team has a shift of it then (made once, see RosterModel.works)."""
    found = m.works.get((team, r_id, d))
    if found is None:
        var = m.model.NewBoolVar(f"works[{team},{r_id}@{d.isoformat()}]")
        triples = []
        for x in m.by_team_place[(team, m.requests[r_id].location, d)][r_id]:
            m.model.Add(x <= var)  # linear, so the LP relaxation (lpbound) keeps it
            triples.append((m.owner[x.Index()], r_id, d))
        found = m.works[(team, r_id, d)] = (var, triples)
    return found[0]


def add_supervisor_day_limit(m: RosterModel) -> None:
    """Rule 12 (when the problem asks for it): whoever leads a team at a place is there from
    the earliest start to the latest end of its shifts there (rule 6), so of two requests that
    together span more than max_supervision_minutes the team works at most one there that date.
    A request too long alone has no supervisor at all (_supervision_cover). Places whose
    requests all fit in one day add nothing."""
    problem = m.problem
    if problem.max_supervision_minutes <= 0:
        return
    for (team, _location, d), shifts in list(m.by_team_place.items()):
        ids = sorted(shifts)
        if len(ids) < 2 or not supervision_too_long(
                problem, min(m.requests[r].start for r in ids), max(m.requests[r].end for r in ids), d):
            continue
        for i, first in enumerate(ids):
            a = m.requests[first]
            for second in ids[i + 1:]:
                b = m.requests[second]
                if supervision_too_long(problem, min(a.start, b.start), max(a.end, b.end), d):
                    m.model.Add(team_works(m, team, first, d) + team_works(m, team, second, d) <= 1)


def add_supervisor_rest(m: RosterModel) -> None:
    """Rule 11 (when the problem asks for it): a supervisor's rest from the latest end of the
    shifts they lead one date to the earliest start of those they lead the next, in real time as
    for employees (rule 10). Where everything they could lead one date clashes with everything
    the next, they lead on one of the two. Else, per supervisor and date, a boolean per late end
    ("they lead where the team's day ends at this time or later", m.rest_levels) and per early
    start the next date, and of each clashing pair at most one: rows in the number of places
    and requests, not of pairs of places (a stand-in of a large region may lead at a hundred).
    Weeks without late ends or early starts add nothing."""
    problem = m.problem
    if problem.min_rest_minutes <= 0 or not m.y:
        return
    latest: dict[dt.date, int] = {}
    earliest: dict[dt.date, int] = {}
    for (_team, _location, d), shifts in m.by_team_place.items():
        for r_id in shifts:
            q = m.requests[r_id]
            latest[d] = max(latest.get(d, 0), q.end)
            earliest[d] = min(earliest.get(d, DAY_MINUTES), q.start)
    if not any(rest_too_short(problem, end, earliest[d + dt.timedelta(days=1)], d)
               for d, end in latest.items() if d + dt.timedelta(days=1) in earliest):
        return
    # (supervisor, date) -> (team, location) -> the entries there; and the requests they could lead.
    led: dict[tuple[str, dt.date], dict[tuple[str, str], list[cp_model.IntVar]]] = defaultdict(
        lambda: defaultdict(list))
    for (s_id, _wi, team, location, d), var in m.y.items():
        led[(s_id, d)][(team, location)].append(var)
    reach: dict[tuple[str, str, str, dt.date], set[str]] = defaultdict(set)
    for (team, location, d), shifts in m.by_team_place.items():
        for r_id in shifts:
            for key in m.covers[(team, r_id, d)]:
                reach[(key[0], team, location, d)].add(r_id)
    for (s_id, d), today in list(led.items()):
        later = d + dt.timedelta(days=1)
        tomorrow = led.get((s_id, later))
        if not tomorrow:
            continue
        first = {place: sorted(reach[(s_id, *place, d)]) for place in today}
        second = {place: sorted(reach[(s_id, *place, later)]) for place in tomorrow}
        end_of = {r: m.requests[r].end for rs in first.values() for r in rs}
        start_of = {r: m.requests[r].start for rs in second.values() for r in rs}
        if not rest_too_short(problem, max(end_of.values()), min(start_of.values()), d):
            continue
        if rest_too_short(problem, min(end_of.values()), max(start_of.values()), d):
            # Whatever they led either date, the night between would be too short.
            m.model.Add(cp_model.LinearExpr.Sum([v for vs in today.values() for v in vs]
                                                + [v for vs in tomorrow.values() for v in vs]) <= 1)
            continue
        ends = sorted({e for e in end_of.values() if rest_too_short(problem, e, min(start_of.values()), d)})
        starts = sorted({b for b in start_of.values() if rest_too_short(problem, max(end_of.values()), b, d)})
        late = {e: m.model.NewBoolVar(f"late[{s_id}@{d.isoformat()}>={e}]") for e in ends}
        early = {b: m.model.NewBoolVar(f"early[{s_id}@{later.isoformat()}<={b}]") for b in starts}
        for e, var in late.items():
            m.rest_levels[var] = (s_id, d, "late", e)
        for b, var in early.items():
            m.rest_levels[var] = (s_id, later, "early", b)
        for lower, higher in zip(ends, ends[1:]):
            m.model.Add(late[higher] <= late[lower])
        for lower, higher in zip(starts, starts[1:]):
            m.model.Add(early[lower] <= early[higher])
        _link_levels(m, today, first, d, late, lambda r: end_of[r] if end_of[r] in late else None, min)
        _link_levels(m, tomorrow, second, later, early, lambda r: start_of[r] if start_of[r] in early else None, max)
        for e in ends:
            clashing = [b for b in starts if rest_too_short(problem, e, b, d)]
            if clashing:
                m.model.Add(late[e] + early[clashing[-1]] <= 1)


def _link_levels(m: RosterModel, places: dict[tuple[str, str], list[cp_model.IntVar]],
                 reach: dict[tuple[str, str], list[str]], d: dt.date, levels: dict[int, cp_model.IntVar],
                 level_of, weakest) -> None:
    """A supervisor's entry at one of these places on date d turns on the level of each request
    the team works there (level_of: its end's or its start's, None for none). The `weakest` of
    the levels of all they could lead there (min of the ends, max of the starts, which the
    others imply) needs no more than the entry: they only lead where the team works."""
    for (team, location), entries in places.items():
        led_here = cp_model.LinearExpr.Sum(entries)
        found = {r: level_of(r) for r in reach[(team, location)]}
        sure = None if None in found.values() else weakest(found.values())
        if sure is not None:
            m.model.Add(led_here <= levels[sure])
        for r, level in found.items():
            if level is not None and level != sure:
                m.model.Add(led_here + team_works(m, team, r, d) - levels[level] <= 1)


def add_team_size_limits(m: RosterModel) -> None:
    """Rule 8: no more than max_size distinct employees of a team in the week's roster."""
    problem = m.problem
    members: dict[str, list[str]] = defaultdict(list)
    for e_id in m.by_employee:
        members[m.employees[e_id].team].append(e_id)
    for team in problem.teams:
        ids = members.get(team.id, [])
        if len(ids) <= team.max_size:
            continue
        used = []
        for e_id in ids:
            u = m.model.NewBoolVar(f"in_roster[{e_id}]")
            m.in_roster[e_id] = u
            m.model.AddMaxEquality(u, [v for _, v in m.by_employee[e_id]])
            used.append(u)
        m.model.Add(sum(used) <= team.max_size)


def add_pins(m: RosterModel, *, as_assumptions: bool) -> None:
    """Rule 9: every pinned assignment is in the roster."""
    for pin in m.pins:
        var = m.x.get((pin.employee, pin.request, pin.date))
        if var is None:
            m.impossible_pins.append(pin)
            continue
        if as_assumptions:
            lit = m.model.NewBoolVar(f"pin[{pin.employee},{pin.request}@{pin.date.isoformat()}]")
            m.model.AddImplication(lit, var)
            m.model.AddAssumption(lit)
            m.pin_literals[lit] = pin
        else:
            m.model.Add(var == 1)
    if m.impossible_pins and not as_assumptions:
        # A pin that no eligible variable can carry makes the region infeasible outright.
        m.model.AddBoolOr([])


# --------------------------------------------------------------------------------------------
# Soft goals
# --------------------------------------------------------------------------------------------


def add_shortfall_penalties(m: RosterModel) -> None:
    """Goal 1: each missing employee on a request-day costs shortfall x priority."""
    w = weight(m.problem, "shortfall")
    for r in m.requests.values():
        if r.headcount <= 0:
            continue
        for d in r.days:
            variables = m.by_request_day.get((r.id, d), [])
            lowest = max(0, r.headcount - len(variables))
            if not variables:
                m.constant["shortfall"] += w * r.priority * r.headcount
                continue
            short = m.model.NewIntVar(lowest, r.headcount, f"short[{r.id}@{d.isoformat()}]")
            m.model.Add(short + sum(variables) == r.headcount)
            m.short[(r.id, d)] = short
            m.penalties["shortfall"].append((short, w * r.priority))


def add_republish_penalties(m: RosterModel) -> None:
    """Goal 2: each published assignment the new roster lacks costs republish_change once."""
    w = weight(m.problem, "republish_change")
    for ref in m.problem.published:
        if ref.employee not in m.employees:
            continue
        var = m.x.get((ref.employee, ref.request, ref.date))
        if var is None:
            m.constant["republish_change"] += w  # can no longer be kept
            continue
        dropped = m.model.NewBoolVar(
            f"dropped[{ref.employee},{ref.request}@{ref.date.isoformat()}]")
        m.model.Add(dropped + var == 1)
        m.dropped[(ref.employee, ref.request, ref.date)] = dropped
        m.penalties["republish_change"].append((dropped, w))


def previous_by_weekday(problem: Problem) -> dict[tuple[str, int], tuple[str, str]]:
    """(employee, ISO weekday) -> (location, work type) done last week; the first entry counts."""
    table: dict[tuple[str, int], tuple[str, str]] = {}
    for p in problem.previous:
        table.setdefault((p.employee, p.weekday), (p.location, p.work_type))
    return table


def add_change_penalties(m: RosterModel) -> None:
    """Goal 3: an assignment whose place or work differs from last week's weekday costs change."""
    w = weight(m.problem, "change")
    previous = previous_by_weekday(m.problem)
    if not previous or not w:
        return
    differing: dict[tuple[str, dt.date], list[Triple]] = defaultdict(list)
    for (e_id, r_id, d), var in m.x.items():
        done = previous.get((e_id, d.isoweekday()))
        if done is None:
            continue
        r = m.requests[r_id]
        if (r.location, r.work_type) != done:
            differing[(e_id, d)].append((e_id, r_id, d))
    for (e_id, d), keys in differing.items():
        # One shift a date, so at most one of these is true.
        change = m.model.NewBoolVar(f"change[{e_id}@{d.isoformat()}]")
        m.model.Add(change == sum(m.x[k] for k in keys))
        m.change[(e_id, d)] = (change, keys)
        m.penalties["change"].append((change, w))


def add_contract_gap_penalties(m: RosterModel) -> None:
    """Goal 4: contract_gap per contract minute not rostered.

    Rule 4 keeps worked <= contract, so the gap is exactly contract - worked.
    """
    w = weight(m.problem, "contract_gap")
    for e in m.employees.values():
        items = m.by_employee.get(e.id)
        if not items:
            m.constant["contract_gap"] += w * e.contract_minutes
            continue
        lowest = max(0, e.contract_minutes - sum(m.longest[(e.id, d)] for d in m.days))
        gap = m.model.NewIntVar(lowest, e.contract_minutes, f"gap[{e.id}]")
        m.gap[e.id] = gap
        row = m.model.Add(gap + cp_model.LinearExpr.WeightedSum(
            [v for _, v in items], [mins for mins, _ in items]) == e.contract_minutes)
        m.minute_rows[row.Index()] = e.id
        m.penalties["contract_gap"].append((gap, w))


def add_team_split_penalties(m: RosterModel) -> None:
    """Goal 5: team_split for each location beyond the first where a team works a date."""
    w = weight(m.problem, "team_split")
    per_team_day: dict[tuple[str, dt.date], list[SupervisionKey]] = defaultdict(list)
    for key in m.y:
        per_team_day[(key[2], key[4])].append(key)
    places: dict[tuple[str, dt.date], set[str]] = defaultdict(set)
    for (team, loc, d) in m.by_team_place:
        places[(team, d)].add(loc)
    for (team, d), keys in per_team_day.items():
        n = len(places[(team, d)])
        if n < 2:
            continue
        # Exactly one supervision entry per place with work, so entries count the places.
        # Only bounded below (an exact max slows the proof down by a third on M): a roster
        # found before the optimum may carry slack here, which split_slack takes off again.
        split = m.model.NewIntVar(0, n - 1, f"split[{team}@{d.isoformat()}]")
        m.model.Add(split >= sum(m.y[k] for k in keys) - 1)
        m.split[(team, d)] = (split, keys)
        m.penalties["team_split"].append((split, w))


def published_supervision_in(m: RosterModel) -> list[SupervisionRef]:
    """The published supervision entries this model answers for: its region's teams, its dates."""
    regions = {t.id: t.region for t in m.problem.teams}
    days = set(m.days)
    return [s for s in m.problem.published_supervision if regions.get(s.team) == m.region and s.date in days]


def add_supervision_change_penalties(m: RosterModel) -> None:
    """This package's goal: each published supervision entry (a team leader with a team at a place
    on a date) the new roster drops costs supervision_change, so that a repair or a re-plan
    keeps who leads whom where unless that costs more: otherwise swapping two team leaders is
    free for the model, and news for everyone they lead."""
    w = weight(m.problem, "supervision_change")
    if not w:
        return
    entries = published_supervision_in(m)
    by_entry: dict[tuple, list[SupervisionKey]] = defaultdict(list)
    if entries:
        for key in m.y:  # (supervisor, window, team, location, date)
            by_entry[(key[0], key[2], key[3], key[4])].append(key)
    for ref in entries:
        keys = by_entry.get((ref.supervisor, ref.team, ref.location, ref.date), [])
        if not keys:
            m.constant["supervision_change"] += w  # can no longer be kept
            continue
        dropped = m.model.NewBoolVar(
            f"lead_dropped[{ref.supervisor},{ref.team},{ref.location}@{ref.date.isoformat()}]")
        m.model.Add(dropped + sum(m.y[k] for k in keys) == 1)
        m.lead_dropped[ref] = (dropped, keys)
        m.penalties["supervision_change"].append((dropped, w))


def previous_leaders(problem: Problem) -> dict[tuple[int, str, str], str]:
    """(ISO weekday, team, location) -> who led the team there that weekday last week
    (previous_supervision); the first entry counts."""
    table: dict[tuple[int, str, str], str] = {}
    for p in problem.previous_supervision:
        table.setdefault((p.weekday, p.team, p.location), p.supervisor)
    return table


def add_supervision_continuity_penalties(m: RosterModel) -> None:
    """This package's goal: each place a team works at on a date where last week's leader there
    (previous_supervision, same weekday) is not the one leading now costs supervision_continuity,
    so team leaders do not change places from week to week for nothing (the model has no other
    reason to prefer one of two equal leaders).

    Rule 6 puts exactly one entry at a place the team works at and none elsewhere, so "someone
    else leads there" is the sum of the other supervisors' entries: exact, and linear for the
    LP. A place only last week's leader could lead costs nothing; one they cannot lead now
    (away) costs whenever the team works there, as the checker counts it. A problem without
    previous_supervision gets no variable and no row."""
    w = weight(m.problem, "supervision_continuity")
    previous = previous_leaders(m.problem) if w else {}
    if not previous:
        return
    by_place: dict[tuple[str, str, dt.date], list[SupervisionKey]] = defaultdict(list)
    for key in m.y:  # (supervisor, window, team, location, date)
        by_place[(key[2], key[3], key[4])].append(key)
    for (team, location, d), keys in by_place.items():
        before = previous.get((d.isoweekday(), team, location))
        others = [k for k in keys if k[0] != before] if before is not None else []
        if not others:
            continue
        moved = m.model.NewBoolVar(f"lead_moved[{team},{location}@{d.isoformat()}]")
        m.model.Add(moved == sum(m.y[k] for k in others))
        m.lead_moved[(team, location, d)] = (moved, others)
        m.penalties["supervision_continuity"].append((moved, w))


def add_stand_in_penalties(m: RosterModel) -> None:
    """This package's goal: each place a team works at on a date that is led by someone who is
    not one of the team's own leaders (a pool stand-in) costs supervision_stand_in, so the
    team's own leader leads whenever free and a stand-in only where needed. Without it a
    stand-in was as good as the own leader: re-plans flipped between them, and a stand-in who
    covered one absence became last week's leader there and stayed on (supervision_continuity).

    As for continuity, "a stand-in leads there" is the sum of the stand-ins' entries at the
    place (rule 6: exactly one entry where the team works, none elsewhere): exact and linear.
    A place only the team's own leaders could lead gets no variable, so a week without pool
    supervisors builds the model it always did."""
    w = weight(m.problem, "supervision_stand_in")
    if not w:
        return
    team_of = {s.id: s.team for s in m.problem.supervisors}
    by_place: dict[tuple[str, str, dt.date], list[SupervisionKey]] = defaultdict(list)
    for key in m.y:  # (supervisor, window, team, location, date)
        if team_of.get(key[0]) != key[2]:
            by_place[(key[2], key[3], key[4])].append(key)
    for (team, location, d), keys in by_place.items():
        stand_in = m.model.NewBoolVar(f"stand_in[{team},{location}@{d.isoformat()}]")
        m.model.Add(stand_in == sum(m.y[k] for k in keys))
        m.stand_in[(team, location, d)] = (stand_in, keys)
        m.penalties["supervision_stand_in"].append((stand_in, w))


# --------------------------------------------------------------------------------------------
# Warm start
# --------------------------------------------------------------------------------------------


def add_hints(m: RosterModel) -> None:
    """Hint the published roster, then last week's place and work for the rest, and last
    week's leader at each place so hinted."""
    hinted: set[tuple[str, dt.date]] = set()
    places: set[tuple[str, str, dt.date]] = set()  # (team, location, date) with hinted work
    for ref in m.problem.published:
        var = m.x.get((ref.employee, ref.request, ref.date))
        if var is not None and (ref.employee, ref.date) not in hinted:
            m.model.AddHint(var, 1)
            hinted.add((ref.employee, ref.date))
            places.add((m.employees[ref.employee].team, m.requests[ref.request].location, ref.date))
    previous = previous_by_weekday(m.problem)
    if previous:
        filled: dict[tuple[str, dt.date], int] = defaultdict(int)
        for (e_id, r_id, d), var in m.x.items():
            if (e_id, d) in hinted:
                continue
            done = previous.get((e_id, d.isoweekday()))
            r = m.requests[r_id]
            if done == (r.location, r.work_type) and filled[(r_id, d)] < r.headcount:
                m.model.AddHint(var, 1)
                hinted.add((e_id, d))
                places.add((m.employees[e_id].team, r.location, d))
                filled[(r_id, d)] += 1
    add_leader_hints(m, places)


def add_leader_hints(m: RosterModel, places: set[tuple[str, str, dt.date]]) -> None:
    """Hint last week's leader (previous_supervision) at each place with hinted work, one place
    a leader a date (rule 7), on a window that holds every shift the place offers the team."""
    leaders = previous_leaders(m.problem) if m.lead_moved else {}
    if not leaders:
        return
    # Last week's stand-in is not hinted where one of the team's own leaders could lead now who
    # led nowhere that weekday last week (after an absence, say): supervision_stand_in outweighs
    # supervision_continuity, so the own leader is what the model will want there.
    team_of = {s.id: s.team for s in m.problem.supervisors}
    led_then = {(s_id, weekday) for (weekday, _team, _location), s_id in leaders.items()}
    own_may_lead = ({(key[2], key[3], key[4]) for key in m.y
                     if team_of.get(key[0]) == key[2] and (key[0], key[4].isoweekday()) not in led_then}
                    if m.stand_in else set())
    busy: set[tuple[str, dt.date]] = set()
    for key in m.y:  # (supervisor, window, team, location, date)
        s_id, _wi, team, location, d = key
        if team_of.get(s_id) != team and (team, location, d) in own_may_lead:
            continue
        if ((team, location, d) in places and (s_id, d) not in busy
                and leaders.get((d.isoweekday(), team, location)) == s_id
                and all(key in m.covers[(team, r_id, d)] for r_id in m.by_team_place[(team, location, d)])):
            m.model.AddHint(m.y[key], 1)
            busy.add((s_id, d))


# --------------------------------------------------------------------------------------------
# Reading a solved model
# --------------------------------------------------------------------------------------------


def read_roster(m: RosterModel, value) -> tuple[list[AssignmentRef], list[SupervisionRef]]:
    """Assignments and supervision entries from a solver or callback's `value` function."""
    assignments = [AssignmentRef(e, d, r) for (e, r, d), var in m.x.items() if value(var)]
    working = {(m.employees[a.employee].team, m.requests[a.request].location, a.date)
               for a in assignments}
    supervision = [
        SupervisionRef(s_id, d, loc, team)
        for (s_id, _wi, team, loc, d), var in m.y.items()
        if (team, loc, d) in working and value(var)
    ]
    return assignments, supervision


def split_slack(m: RosterModel, value) -> int:
    """What a found roster's objective carries above its real cost: team-split variables are
    only bounded below, so before the optimum one may be higher than the places it counts."""
    w = weight(m.problem, "team_split")
    slack = 0
    for var, keys in m.split.values():
        slack += value(var) - max(0, sum(value(m.y[k]) for k in keys) - 1)
    return w * slack


def read_shortfall(m: RosterModel, assignments: list[AssignmentRef]) -> list[Shortfall]:
    """Every request-day of the region with fewer employees than its headcount."""
    filled: dict[tuple[str, dt.date], int] = defaultdict(int)
    for a in assignments:
        filled[(a.request, a.date)] += 1
    result = []
    for r in m.requests.values():
        for d in r.days:
            if filled[(r.id, d)] < r.headcount:
                result.append(Shortfall(r.id, d, r.headcount - filled[(r.id, d)]))
    return result


def empty_roster_objective(index: ProblemIndex, region: str) -> int:
    """The objective of the region's roster with nobody assigned, straight from the data."""
    problem = index.problem
    employees = {e.id: e for e in index.employees.get(region, [])}
    total = weight(problem, "shortfall") * sum(
        r.priority * r.headcount
        for r in index.requests.get(region, []) if r.headcount > 0
        for d in r.days)
    total += weight(problem, "republish_change") * sum(
        1 for ref in problem.published if ref.employee in employees)
    total += weight(problem, "contract_gap") * sum(e.contract_minutes for e in employees.values())
    regions = {t.id: t.region for t in problem.teams}
    days = set(problem.days)
    total += weight(problem, "supervision_change") * sum(
        1 for s in problem.published_supervision if regions.get(s.team) == region and s.date in days)
    return total


def hint_roster(m: RosterModel, assignments: list[AssignmentRef],
                supervision: list[SupervisionRef]
                ) -> tuple[int, list[AssignmentRef], list[SupervisionRef]]:
    """Replace the hints by a complete roster (a greedy one, say), every derived variable
    included, so that the search starts from it instead of trying to repair it.

    Returns the roster's objective and its rows in this region: a fallback when the search
    is stopped before it finds anything.
    """
    model = m.model
    model.ClearHints()
    values: dict[int, int] = {}
    add_hint = model.AddHint

    def hint(var, value) -> None:
        values[var.Index()] = int(value)
        add_hint(var, value)

    chosen = {(a.employee, a.request, a.date) for a in assignments} & m.x.keys()
    x_value = {key: key in chosen for key in m.x}
    for key, var in m.x.items():
        hint(var, x_value[key])
    # The span of each team's hinted shifts per place picks the supervisor's window.
    span: dict[tuple[str, str, dt.date], tuple[int, int]] = {}
    for e_id, r_id, d in chosen:
        r = m.requests[r_id]
        key = (m.employees[e_id].team, r.location, d)
        a, b = span.get(key, (r.start, r.end))
        span[key] = (min(a, r.start), max(b, r.end))
    leads = {(s.supervisor, s.team, s.location, s.date) for s in supervision}
    supervisors = {s.id: s for s in m.problem.supervisors}
    y_value: dict[SupervisionKey, bool] = {}
    taken: set[tuple[str, str, str, dt.date]] = set()
    for key in m.y:
        s_id, wi, team, loc, d = key
        place = (team, loc, d)
        on = False
        if (s_id, team, loc, d) in leads and place in span and (s_id, team, loc, d) not in taken:
            a, b = supervisors[s_id].availability[d][wi]
            start, end = span[place]
            on = a <= start and end <= b
            if on:
                taken.add((s_id, team, loc, d))
        y_value[key] = on
    for key, var in m.y.items():
        hint(var, y_value[key])
    filled: dict[tuple[str, dt.date], int] = defaultdict(int)
    worked: dict[str, int] = defaultdict(int)
    for e_id, r_id, d in chosen:
        filled[(r_id, d)] += 1
        worked[e_id] += m.requests[r_id].worked_minutes
    for (r_id, d), var in m.short.items():
        hint(var, m.requests[r_id].headcount - filled[(r_id, d)])
    for e_id, var in m.in_roster.items():
        hint(var, worked[e_id] > 0)
    for key, var in m.dropped.items():
        hint(var, not x_value[key])
    for var, keys in m.change.values():
        hint(var, any(x_value[k] for k in keys))
    for e_id, var in m.gap.items():
        hint(var, m.employees[e_id].contract_minutes - worked[e_id])
    for var, keys in m.split.values():
        hint(var, max(0, sum(y_value[k] for k in keys) - 1))
    for var, keys in m.lead_dropped.values():
        hint(var, not any(y_value[k] for k in keys))
    for var, keys in m.lead_moved.values():
        hint(var, any(y_value[k] for k in keys))
    for var, keys in m.stand_in.values():
        hint(var, any(y_value[k] for k in keys))
    for var, keys in m.works.values():
        hint(var, any(x_value[k] for k in keys))
    if m.rest_levels:
        duty: dict[tuple[str, dt.date], tuple[int, int]] = {}
        for (s_id, _wi, team, loc, d), on in y_value.items():
            if on:
                start, end = span[(team, loc, d)]
                first, last = duty.get((s_id, d), (start, end))
                duty[(s_id, d)] = (min(first, start), max(last, end))
        for var, (s_id, d, kind, level) in m.rest_levels.items():
            first, last = duty.get((s_id, d), (DAY_MINUTES + 1, -1))
            hint(var, last >= level if kind == "late" else first <= level)
    objective = sum(m.constant.values()) + sum(
        cost * values.get(var.Index(), 0) for items in m.penalties.values() for var, cost in items)
    rows = [AssignmentRef(e, d, r) for (e, r, d) in sorted(chosen)]
    leads = [SupervisionRef(key[0], key[4], key[3], key[2]) for key, on in y_value.items() if on]
    return objective, rows, leads
