"""A strong lower bound for a region: Dantzig-Wolfe by day, with column generation.

The LP relaxation of the region model is weak where teams share locations: it lets a team
leader be half at two places and the teams' people fill both, and at L it stays 10-20% below
the optimum. Measured on L's Leeuwarden region: LP 136,655; the same LP with every team's week
solved exactly (team blocks) 137,083; the optimum 158,670. Nearly all of the gap lies within a
day: who leads which team where, and how teams share a location's requests.

Apart from the hours of the contract (and the weekly team size), every rule and goal is
about one date. So the region is a choice of one complete day roster per date (a column),
coupled only by each employee's contract: minutes worked plus the contract gap equal the
contract, and the shifts of each length stay within a mix of the contract patterns (as in
lpbound). The master LP over known day rosters gives prices on minutes and shift lengths; a
CP-SAT search per date (the pricing problem: the region's model of that date, paying those
prices) finds the day roster that is cheapest at those prices and proves how cheap any day
roster can be. That proof gives a Lagrangian bound at every round, valid whether or not the
column generation has finished: on Leeuwarden it reaches 157,983, within 0.5% of the optimum.

The bound is computed in exact integers: the prices are rounded down to 1/SCALE per minute
(1/SCALE per shift for the pattern prices, rounded up), which keeps them valid Lagrange
multipliers, and the searches' proven bounds on those integer objectives are summed exactly.
The weekly team size limit is left out (a relaxation), so the bound stays valid.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import math
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from ortools.linear_solver import pywraplp
from ortools.sat.python import cp_model

from .domain import DAY_MINUTES, AssignmentRef, SupervisionRef, rest_too_short
from .lpbound import (
    add_pattern_rows,
    as_mathopt,
    build_relaxation,
    column_name,
    solve_with_highs,
)
from .model import (
    ProblemIndex,
    RosterModel,
    add_change_penalties,
    add_republish_penalties,
    add_shortfall_penalties,
    add_stand_in_penalties,
    add_supervision_change_penalties,
    add_supervision_continuity_penalties,
    add_team_split_penalties,
    build_model,
    contract_binds,
    contract_patterns,
    hint_roster,
    read_roster,
    shift_lengths,
    split_slack,
    weight,
)

# Prices are multiples of 1/SCALE objective units a minute.
SCALE = 1000
# A column enters the master when its reduced cost is below this (objective units).
ENTER = 1e-6
# Wentges smoothing: price at this mix of the best multipliers so far and the master's.
SMOOTHING = 0.5
# While the master's value still drops by QUICK_UNTIL a round, pricing searches stop after
# QUICK_PRICING_SECONDS: their day rosters steer the master as well, in a fraction of the time.
QUICK_PRICING_SECONDS = 0.1
QUICK_UNTIL = 0.005
# HiGHS's proven bound holds up to its tolerances; keep this much (relative) below it.
HIGHS_SAFETY = 1e-5


@dataclass
class _Column:
    cost: int  # the day roster's own cost: shortfall, republish, change and split
    shifts: dict[tuple[str, int], int]  # (employee, shift minutes) -> 0 or 1
    rows: list[AssignmentRef]
    leads: list[SupervisionRef]


@dataclass
class _Day:
    date: dt.date
    m: RosterModel
    terms: list[tuple[cp_model.IntVar, int]]
    constant: int
    shift_of: list[tuple[cp_model.IntVar, str, int]]  # x, employee, shift minutes
    last: dict[int, int] = field(default_factory=dict)  # hint for the next search


@dataclass
class _Prices:
    minute: dict[str, int]  # employee -> SCALE x price of a worked minute (<= SCALE x gap weight)
    length: dict[tuple[str, int], int]  # (employee, minutes) -> SCALE x price of a shift, >= 0


class DayBound:
    """Column generation over day rosters for one region; `run` may be called again to go on
    where it stopped, and `roster` combines the day rosters found into a week roster."""

    def __init__(self, m: RosterModel, assignments: list[AssignmentRef],
                 supervision: list[SupervisionRef],
                 prices: tuple[dict[str, float], dict[tuple[str, int], float]] | None = None
                 ) -> None:
        """Start from a valid roster of the region: its days are the first columns. With
        `prices` (lpbound.lp_prices: per minute, per shift length), the first round prices
        at them and proves every day, which gives at least the LP bound at once."""
        self.m = m
        self.best = 0
        self.converged = False
        self._center: _Prices | None = None  # the multipliers of the best bound so far
        self._exact_next = False
        self._quick = True  # short pricing searches while the master still moves a lot
        self._master_value = math.inf
        options, _by_length = shift_lengths(m)
        self.gap_weight = weight(m.problem, "contract_gap")
        self.days = [_day_model(m, d) for d in m.days]
        self.master = _Master(m, options, self.gap_weight)
        self._start: _Prices | None = None
        if prices is not None:
            self._start = self.master.contracts.integer_prices(prices)
        for day in self.days:
            self.master.add(day.date, _column_of(day, assignments, supervision))

    def run(self, seconds: float, *, cancel: threading.Event | None = None,
            current: dict | None = None, on_bound: Callable[[int], None] | None = None) -> int:
        """Generate columns for `seconds`; returns the best proven lower bound so far."""
        started = time.monotonic()
        master = self.master
        while not self.converged:
            left = seconds - (time.monotonic() - started)
            if left <= 0.05 or (cancel is not None and cancel.is_set()):
                break
            if not master.solve(left):
                break
            exact = master.prices()
            smoothed = self._center is not None and not self._exact_next
            prices = _mix(self._center, exact, SMOOTHING) if smoothed else exact
            quick = self._quick
            if self._start is not None:
                prices, self._start, smoothed, quick = self._start, None, True, False
            total = master.contracts.fixed_part(prices)
            entered = 0
            per_day = max(0.05, left / max(1, len(self.days)))
            if quick:
                per_day = min(per_day, QUICK_PRICING_SECONDS)
            proven = True
            for day in self.days:
                found = _price(day, prices, per_day, current, cancel)
                if found is None:
                    proven = False  # no roster in time: no bound from this round
                    continue
                columns, low = found
                total += low
                for column in columns:
                    if master.reduced_cost(day.date, column) < -ENTER:
                        master.add(day.date, column)
                        entered += 1
            value_before, self._master_value = self._master_value, master.last_value
            if self._quick and (entered == 0 or value_before - self._master_value
                                < QUICK_UNTIL * abs(value_before)):
                self._quick = False  # the master has settled: prove from here on
            value = -(-total // SCALE)  # ceil: every roster's cost is an integer
            if proven and value > self.best:
                self.best, self._center = value, prices
                if on_bound is not None:
                    on_bound(value)
            if entered == 0 and not smoothed and not quick and proven:
                self.converged = True  # nothing prices out at the master's own prices
            # A misprice (nothing entered at the smoothed prices): next round, the master's.
            self._exact_next = entered == 0
        return self.best

    def roster(self, seconds: float, current: dict | None = None
               ) -> tuple[list[AssignmentRef], list[SupervisionRef]] | None:
        """The best week roster made of one known day roster per date within every contract
        and team size (a small CP-SAT model over the columns), or None."""
        m = self.m
        model = cp_model.CpModel()
        worked: dict[str, list[tuple[cp_model.IntVar, int]]] = defaultdict(list)
        chosen: dict[dt.date, list[tuple[cp_model.IntVar, _Column]]] = {}
        costs = []
        for d, columns in self.master.columns.items():
            pick = [(model.NewBoolVar(""), column) for column in columns]
            model.AddExactlyOne([var for var, _ in pick])
            chosen[d] = pick
            for var, column in pick:
                costs.append((var, column.cost))
                for (e_id, minutes), n in column.shifts.items():
                    worked[e_id].append((var, n * minutes))
        minutes = []
        for e_id, items in worked.items():
            total = cp_model.LinearExpr.WeightedSum([v for v, _ in items], [c for _, c in items])
            model.Add(total <= m.employees[e_id].contract_minutes)
            minutes.append(total)
        self._add_rest(model, chosen)
        members: dict[str, dict[str, list[cp_model.IntVar]]] = defaultdict(dict)
        for e_id, items in worked.items():
            members[m.employees[e_id].team][e_id] = [v for v, _ in items]
        for team in m.problem.teams:
            if len(members.get(team.id, {})) > team.max_size:
                used = []
                for variables in members[team.id].values():
                    u = model.NewBoolVar("")
                    model.AddMaxEquality(u, variables)
                    used.append(u)
                model.Add(sum(used) <= team.max_size)
        # The contract gap is the contract minus the minutes worked; the contract is constant.
        model.Minimize(cp_model.LinearExpr.WeightedSum([v for v, _ in costs], [c for _, c in costs])
                       - self.gap_weight * sum(minutes))
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1
        solver.parameters.max_time_in_seconds = max(0.05, seconds)
        if current is not None:
            current["solvers"].add(solver)
        try:
            status = solver.Solve(model)
        finally:
            if current is not None:
                current["solvers"].discard(solver)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return None
        rows: list[AssignmentRef] = []
        leads: list[SupervisionRef] = []
        for pick in chosen.values():
            for var, column in pick:
                if solver.BooleanValue(var):
                    rows += column.rows
                    leads += column.leads
        return rows, leads

    def _add_rest(self, model: cp_model.CpModel,
                  chosen: dict[dt.date, list[tuple[cp_model.IntVar, _Column]]]) -> None:
        """Rules 10 and 11 between the day rosters of consecutive dates: two that together
        leave someone (an employee, or a supervisor from the end of what they lead to the
        start of what they lead next) too little rest are not both chosen. Only shifts that end
        late or start early can clash, so most pairs need no look."""
        problem = self.m.problem
        if problem.min_rest_minutes <= 0:
            return
        for d, today in chosen.items():
            tomorrow = chosen.get(d + dt.timedelta(days=1), [])
            ends = [(var, {who: end for who, (_start, end) in self._on_duty(column).items()
                           if rest_too_short(problem, end, 0, d)})
                    for var, column in today]
            starts = [(var, {who: start for who, (start, _end) in self._on_duty(column).items()
                             if rest_too_short(problem, DAY_MINUTES, start, d)})
                      for var, column in tomorrow]
            for var, late in ends:
                for other, early in starts if late else ():
                    if any(rest_too_short(problem, late[e], start, d) for e, start in early.items() if e in late):
                        model.AddBoolOr([var.Not(), other.Not()])

    def _on_duty(self, column: _Column) -> dict[tuple[str, str], tuple[int, int]]:
        """Who works in a day roster, from when to when: each employee's shift, and each
        supervisor at the place they lead from the earliest start to the latest end of that
        team's shifts there (rule 6), keyed ("employee" or "supervisor", id)."""
        m = self.m
        out: dict[tuple[str, str], tuple[int, int]] = {}
        spans: dict[tuple[str, str], tuple[int, int]] = {}
        for a in column.rows:
            q = m.requests[a.request]
            out[("employee", a.employee)] = (q.start, q.end)
            place = (m.employees[a.employee].team, q.location)
            start, end = spans.get(place, (q.start, q.end))
            spans[place] = (min(start, q.start), max(end, q.end))
        for lead in column.leads:
            if (lead.team, lead.location) in spans:
                out[("supervisor", lead.supervisor)] = spans[(lead.team, lead.location)]
        return out


def day_round_bound(m: RosterModel,
                    prices: tuple[dict[str, float], dict[tuple[str, int], float]],
                    seconds: float, *, cancel: threading.Event | None = None,
                    plan: dict[tuple[str, dt.date], str] | None = None) -> int | None:
    """One Lagrangian round over day rosters at the LP's prices (lpbound.lp_prices), each
    date's problem solved by HiGHS with the supervision entries whole and the shifts
    fractional: a proven bound, or None when a date gets no bound in time (or on cancel).

    For the regions too large for column generation (daybound.DayBound). At the LP's own
    prices each date's LP is the LP's part for that date, so what the round adds is what
    whole supervision entries cost: a team at one place a date with one leader. The LP
    spreads a team over two or three places instead. On L (seed 1), with 1 s a date:
    Amsterdam 264,821 (LP 257,303), Zwolle 275,183 (262,292), Apeldoorn 158,349 (150,441),
    Utrecht 280,888 (273,757). HiGHS returns its proven bound when time runs out, so the
    round is valid however short. Shifts fractional, not whole: at these limits HiGHS proves
    as much that way (Amsterdam 263,498 all whole against 263,681, 0.5 s a date), and far
    more where it has time (Den Haag's Monday 56,402 in 23 s; whole shifts 52,820 in 30 s).
    Like DayBound, the round leaves out the weekly team size, so the bound stays valid.
    A cancel returns None at once, also while HiGHS works on a date (lpbound.solve_with_highs).
    """
    started = time.monotonic()
    options, _by_length = shift_lengths(m)
    contracts = _Contracts.of(m, options)
    integer = contracts.integer_prices(prices)
    total = contracts.fixed_part(integer)
    for position, d in enumerate(m.days):
        if seconds - (time.monotonic() - started) <= 0 or (cancel is not None
                                                            and cancel.is_set()):
            return None
        day = _day_model(m, d)  # its build counts in the date's share of the time
        left = seconds - (time.monotonic() - started)
        low = _relaxed_price(day, integer, left / (len(m.days) - position), plan, cancel)
        if low is None:
            return None
        total += low
    return -(-total // SCALE)  # ceil: every roster's cost is an integer


def _relaxed_price(day: _Day, prices: _Prices, seconds: float,
                   plan: dict[tuple[str, dt.date], str] | None = None,
                   cancel: threading.Event | None = None) -> int | None:
    """SCALE x a proven lower bound on the date's priced cost, from HiGHS with whole
    supervision entries and fractional shifts; None when it proves none in `seconds`."""
    if seconds <= 0:
        return None
    if not day.m.x:
        return day.constant * SCALE
    _set_priced_objective(day, prices)
    solver = build_relaxation(day.m)
    if solver is None:
        return None
    columns = solver.variables()
    for var in day.m.y.values():
        columns[var.Index()].SetInteger(True)
    result = solve_with_highs(as_mathopt(solver), seconds, cancel=cancel)
    if result is None:
        return None
    if plan is not None and result.has_primal_feasible_solution():
        value = {var.name: x for var, x in result.variable_values().items()}
        for (_s_id, _wi, team, location, d), var in day.m.y.items():
            if value.get(column_name(var.Index()), 0.0) > 0.5:
                plan[(team, d)] = location
    low = result.termination.objective_bounds.dual_bound
    if not math.isfinite(low):
        return None  # no bound yet (or no day roster at all: nothing to claim)
    return math.floor(low - max(1.0, abs(low) * HIGHS_SAFETY)) + day.constant * SCALE


def _day_model(m: RosterModel, d: dt.date) -> _Day:
    """The region's model of one date, its own costs as terms (the contract gap is the
    master's); on a date nobody can work, only its constant costs."""
    problem = m.problem
    region_employees = set(m.employees)
    sub = dataclasses.replace(
        problem,
        days=(d,),
        employees=tuple(e for e in problem.employees if e.id in region_employees),
        requests=tuple(dataclasses.replace(r, days=(d,)) for r in m.requests.values()
                       if d in r.days),
        pinned=tuple(p for p in problem.pinned if p.date == d and p.employee in region_employees),
        published=tuple(p for p in problem.published
                        if p.date == d and p.employee in region_employees),
    )
    dm = build_model(ProblemIndex.of(sub), m.region, objective=False)
    add_shortfall_penalties(dm)
    add_republish_penalties(dm)
    add_change_penalties(dm)
    add_team_split_penalties(dm)
    add_supervision_change_penalties(dm)
    add_supervision_continuity_penalties(dm)
    add_stand_in_penalties(dm)
    terms = [(v, c) for items in dm.penalties.values() for v, c in items if c]
    shift_of = [(var, e_id, dm.requests[r_id].worked_minutes)
                for (e_id, r_id, _d), var in dm.x.items()]
    return _Day(d, dm, terms, sum(dm.constant.values()), shift_of)


def _column_of(day: _Day, assignments: list[AssignmentRef],
               supervision: list[SupervisionRef]) -> _Column:
    """The day roster of a known valid roster, as a column."""
    rows = [a for a in assignments if a.date == day.date]
    cost, _rows, _leads = hint_roster(day.m, rows, [s for s in supervision if s.date == day.date])
    hint = day.m.model.Proto().solution_hint
    day.last = dict(zip(hint.vars, hint.values))  # a complete roster: the first search's hint
    shifts: dict[tuple[str, int], int] = defaultdict(int)
    for a in rows:
        if (a.employee, a.request, a.date) in day.m.x:
            shifts[(a.employee, day.m.requests[a.request].worked_minutes)] += 1
    return _Column(cost, dict(shifts), _rows, _leads)


def _price(day: _Day, prices: _Prices, seconds: float, current: dict | None,
           cancel: threading.Event | None) -> tuple[list[_Column], int] | None:
    """The day rosters the search finds at these prices, cheapest last, and SCALE x a proven
    lower bound on their priced cost; None when it finds no roster or is cancelled."""
    if cancel is not None and cancel.is_set():
        return None
    _set_priced_objective(day, prices)
    model = day.m.model
    model.ClearHints()
    for index, value in day.last.items():
        model.Proto().solution_hint.vars.append(index)
        model.Proto().solution_hint.values.append(value)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    # The full LP relaxation at every node: 5 to 10 times faster on these day models.
    solver.parameters.linearization_level = 2
    solver.parameters.max_time_in_seconds = seconds
    collect = _Columns(day)
    if current is not None:
        current["solvers"].add(solver)
    try:
        status = solver.Solve(model, collect)
    finally:
        if current is not None:
            current["solvers"].discard(solver)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE) or not collect.found:
        return None
    day.last = dict(enumerate(solver.ResponseProto().solution))
    low = round(solver.BestObjectiveBound()) + day.constant * SCALE
    return collect.found, low


class _Columns(cp_model.CpSolverSolutionCallback):
    """Every day roster a pricing search finds, best last: each may price out."""

    def __init__(self, day: _Day) -> None:
        super().__init__()
        self.day = day
        self.found: list[_Column] = []

    def on_solution_callback(self) -> None:
        day = self.day
        cost = day.constant + sum(c * self.Value(v) for v, c in day.terms)
        cost -= split_slack(day.m, self.Value)
        shifts: dict[tuple[str, int], int] = defaultdict(int)
        for var, e_id, minutes in day.shift_of:
            if self.BooleanValue(var):
                shifts[(e_id, minutes)] += 1
        rows, leads = read_roster(day.m, self.BooleanValue)
        self.found.append(_Column(cost, dict(shifts), rows, leads))


class _Master:
    """The restricted master LP: one convex combination of known day rosters per date, and
    per employee the contract row and the contract-pattern rows."""

    def __init__(self, m: RosterModel, options: dict[str, dict[dt.date, set[int]]],
                 gap_weight: int) -> None:
        self.solver = pywraplp.Solver.CreateSolver("GLOP")
        solver = self.solver
        inf = solver.infinity()
        self.objective = solver.Objective()
        self.objective.SetMinimization()
        self.convexity: dict[dt.date, pywraplp.Constraint] = {}
        self.columns: dict[dt.date, list[_Column]] = defaultdict(list)
        self.contract: dict[str, pywraplp.Constraint] = {}
        self.count: dict[tuple[str, int], pywraplp.Constraint] = {}
        self.gap_weight = gap_weight
        self.last_value = math.inf  # the master's value at its last solve
        self.contracts = _Contracts.of(m, options)
        for e_id, contract in self.contracts.minutes.items():
            row = solver.Constraint(contract, contract)
            gap = solver.NumVar(float(self.contracts.lowest[e_id]), inf, "")
            row.SetCoefficient(gap, 1.0)
            self.objective.SetCoefficient(gap, float(gap_weight))
            self.contract[e_id] = row
        for e_id, (lengths, patterns) in self.contracts.patterns.items():
            for length, count in add_pattern_rows(solver, lengths, patterns).items():
                self.count[(e_id, length)] = count

    def add(self, d: dt.date, column: _Column) -> None:
        solver = self.solver
        if d not in self.convexity:
            self.convexity[d] = solver.Constraint(1.0, 1.0)
        var = solver.NumVar(0.0, solver.infinity(), "")
        self.objective.SetCoefficient(var, float(column.cost))
        self.convexity[d].SetCoefficient(var, 1.0)
        for (e_id, minutes), n in column.shifts.items():
            self.contract[e_id].SetCoefficient(var, float(n * minutes))
            count = self.count.get((e_id, minutes))
            if count is not None:
                count.SetCoefficient(var, float(n))
        self.columns[d].append(column)

    def solve(self, seconds: float) -> bool:
        """Solve the master and keep its duals (they are gone once a column is added)."""
        self.solver.SetTimeLimit(max(1, int(seconds * 1000)))
        if self.solver.Solve() != pywraplp.Solver.OPTIMAL:
            return False
        self.last_value = self.objective.Value()
        self.dual_contract = {e_id: row.dual_value() for e_id, row in self.contract.items()}
        self.dual_count = {key: row.dual_value() for key, row in self.count.items()}
        self.dual_convexity = {d: row.dual_value() for d, row in self.convexity.items()}
        return True

    def prices(self) -> _Prices:
        """The master's duals as valid integer multipliers: a worked minute's price rounded
        down and at most the gap weight, a shift length's price rounded up and at least 0."""
        top = self.gap_weight * SCALE
        minute = {e_id: min(top, math.floor(dual * SCALE + 1e-9))
                  for e_id, dual in self.dual_contract.items()}
        length = {key: max(0, math.ceil(-dual * SCALE - 1e-9))
                  for key, dual in self.dual_count.items()}
        return _Prices(minute, length)

    def reduced_cost(self, d: dt.date, column: _Column) -> float:
        value = column.cost - self.dual_convexity[d]
        for (e_id, minutes), n in column.shifts.items():
            value -= n * (minutes * self.dual_contract[e_id] + self.dual_count.get((e_id, minutes), 0.0))
        return value


@dataclass
class _Contracts:
    """The week's terms of the Lagrangian, per employee who can work (model.shift_lengths):
    the contract minutes, the least contract gap any roster leaves (the longest shift every
    date still short of the contract: the model's lower bound on the gap) and, where the
    longest shift every date would break the contract, the contract patterns; and the gap of
    those who cannot work at all (`idle`, their whole contracts at the gap's weight)."""
    gap_weight: int
    minutes: dict[str, int]
    lowest: dict[str, int]
    patterns: dict[str, tuple[list[int], list[tuple[int, ...]]]]
    idle: int

    @classmethod
    def of(cls, m: RosterModel, options: dict[str, dict[dt.date, set[int]]]) -> _Contracts:
        minutes = {e_id: m.employees[e_id].contract_minutes for e_id in options}
        lowest = {e_id: max(0, minutes[e_id] - sum(max(lengths) for lengths in by_day.values()))
                  for e_id, by_day in options.items()}
        patterns = {e_id: contract_patterns(list(by_day.values()), minutes[e_id])
                    for e_id, by_day in options.items()
                    if contract_binds(by_day.values(), minutes[e_id])}
        gap_weight = weight(m.problem, "contract_gap")
        idle = gap_weight * sum(e.contract_minutes for e_id, e in m.employees.items()
                                if e_id not in options)
        return cls(gap_weight, minutes, lowest, patterns, idle)

    def integer_prices(self, prices: tuple[dict[str, float], dict[tuple[str, int], float]]
                       ) -> _Prices:
        """The LP's prices (lpbound.lp_prices) as valid integer multipliers, as
        _Master.prices makes them: a minute's rounded down and at most the gap's weight, a
        shift length's rounded up and at least 0."""
        top = self.gap_weight * SCALE
        return _Prices({e_id: min(top, math.floor(prices[0].get(e_id, 0.0) * SCALE + 1e-9))
                        for e_id in self.minutes},
                       {(e_id, length): max(0, math.ceil(
                           prices[1].get((e_id, length), 0.0) * SCALE - 1e-9))
                        for e_id, (lengths, _) in self.patterns.items() for length in lengths})

    def fixed_part(self, prices: _Prices) -> int:
        """SCALE x the Lagrangian's terms outside the days: the priced contract minutes, the
        least gap at what a minute of gap saves over its weight (a price is at most the
        weight), per employee the contract pattern that earns the most at the shift prices,
        and the idle contracts. Without the least gap, the round at the LP's prices fell
        below the LP where an employee can work one short shift only (a random problem:
        13,353 against 17,350)."""
        top = self.gap_weight * SCALE
        total = self.idle * SCALE + sum(price * self.minutes[e_id]
                                        + (top - price) * self.lowest[e_id]
                                        for e_id, price in prices.minute.items())
        for e_id, (lengths, patterns) in self.patterns.items():
            total -= max(sum(prices.length.get((e_id, length), 0) * pattern[i]
                             for i, length in enumerate(lengths))
                         for pattern in patterns)
        return total


def _set_priced_objective(day: _Day, prices: _Prices) -> None:
    """The day model's objective: SCALE x its own costs, less the prices its shifts earn."""
    variables = [v for v, _ in day.terms]
    coefficients = [c * SCALE for _, c in day.terms]
    for var, e_id, minutes in day.shift_of:
        reward = prices.minute.get(e_id, 0) * minutes - prices.length.get((e_id, minutes), 0)
        if reward:
            variables.append(var)
            coefficients.append(-reward)
    day.m.model.Minimize(cp_model.LinearExpr.WeightedSum(variables, coefficients))


def _mix(best: _Prices, exact: _Prices, keep: float) -> _Prices:
    """Prices between the best multipliers so far and the master's, still valid ones."""
    minute = {e_id: math.floor(keep * best.minute.get(e_id, 0) + (1 - keep) * value)
              for e_id, value in exact.minute.items()}
    length = {key: math.ceil(keep * best.length.get(key, 0) + (1 - keep) * value)
              for key, value in exact.length.items()}
    return _Prices(minute, length)
