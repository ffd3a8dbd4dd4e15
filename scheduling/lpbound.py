"""A lower bound for a large region from its LP relaxation, solved apart with HiGHS.

On the largest regions CP-SAT's own search does not finish the root LP within its time (at L,
Den Haag's bound stayed a quarter below the LP), so the bound it reports is weaker than the
model allows. This module solves the same model's linear relaxation apart and tightens it
with each employee's contract patterns: the LP lets a 12-hour contract hold 2.2 shifts of 5.5
hours, while only whole shifts exist. Every maximal mix of shift lengths that fits the contract
is a pattern; the employee's shifts of each length are at most a convex combination of the
patterns' counts. That is the convex hull of the contract knapsack in shift counts, so it only
cuts off fractional rosters.

The LP is built with pywraplp (its rows are what plan_roster and the day round build on) and
solved through MathOpt: first by HiGHS's interior point method (L's Den Haag, 18,319 columns and
13,135 rows, in 3.8-4.2 s where GLOP's simplex takes 8.3 s), then, for the dive's rounds, by
GLOP warm-started from HiGHS's basis (see _Lp). L seed 1's Den Haag now dives to the end in its
share (16 s alone, 20 s before): HiGHS's roster on the plan 417,400 where the dive cut short at
two rounds gave 428,160.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import math
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from ortools.linear_solver import pywraplp
from ortools.math_opt.io.python import mps_converter
from ortools.math_opt.python import mathopt
from ortools.util.python.solve_interrupter import SolveInterrupter

from .domain import AssignmentRef, SupervisionRef
from .model import (
    RosterModel,
    contract_binds,
    contract_patterns,
    read_roster,
    shift_lengths,
)

T = TypeVar("T")

# The LP's answer is exact up to its tolerances; keep this much below it to stay a true bound.
RELATIVE_SAFETY = 1e-6


def lp_bound(m: RosterModel, seconds: float) -> int | None:
    """A proven lower bound on the region's objective, or None when the LP does not finish in
    time or the model holds a constraint this relaxation does not know."""
    solved = _solve(m, seconds)
    return None if solved is None else solved[0]


# From this many model variables on, HiGHS's interior point method solves the first LP (see
# _Lp); below, GLOP does, which is as fast there (L's Amsterdam, 4,878 assignments: 0.8 s
# both) without handing a basis over.
HIGHS_MIN_COLUMNS = 10_000
# A team-day's location in the plan needs at least this much of the LP's supervision there.
PLAN_MIN_MASS = 0.05
# The dive (see lp_bound_and_plan): per round, team-days whose LP supervision is this sure of
# one place are fixed there, and at least this share of the team-days not fixed yet.
DIVE_SURE = 0.999
DIVE_SHARE = 0.3
# HiGHS stops on a plan's roster once it is proven this close to the best on the plan: team
# LNS goes on from it anyway.
PLAN_ROSTER_GAP = 0.01
# With less time than this (and this per 1,000 variables) there is no time to hand the model
# to HiGHS (about 0.1 s per 1,000 variables) and solve it: XL's Zwolle (17,379 variables)
# spent 1.4 s of its 1.7 s on it and found nothing, time team LNS uses well.
PLAN_ROSTER_MIN_SECONDS = 1.0
PLAN_ROSTER_SECONDS_PER_1000 = 0.2


Prices = tuple[dict[str, float], dict[tuple[str, int], float]]


def lp_bound_and_plan(m: RosterModel, seconds: float, dive_until: float | None = None,
                      current: dict | None = None
                      ) -> tuple[int | None, dict[tuple[str, dt.date], str]]:
    """The LP bound and the plan of lp_bound_plan_and_prices."""
    bound, plan, _prices = lp_bound_plan_and_prices(m, seconds, dive_until, current)
    return bound, plan


def lp_bound_plan_and_prices(m: RosterModel, seconds: float, dive_until: float | None = None,
                             current: dict | None = None
                             ) -> tuple[int | None, dict[tuple[str, dt.date], str], Prices | None]:
    """The LP bound, per team and date a location: a plan for team LNS to start from
    (lns.team_lns), and the prices of lp_prices from the same LP (taken before the dive).
    (None, {} and None when the LP does not finish.)

    The LP spreads a team over several places a day, but where most of it goes is a good
    guess: on L's Den Haag, team LNS from rosters built on it ends 10% lower in the same time
    (470,600 against 522,600 after 23 s, three runs each); a random location per team-day
    instead gains nothing (524,340).

    With `dive_until` (a time.monotonic() deadline), a better guess: the LP dives. Each round
    fixes the surest team-days at their likeliest place (and at least DIVE_SHARE of the rest),
    forbids the team's other places that day and solves the LP again, so the later choices see
    the earlier ones. On L's Den Haag, the LP with every team-day at its plan's place costs
    397,174 after the dive and 423,934 with the first LP's likeliest places (LP 340,863). When
    time runs out the team-days left take their likeliest place in the last LP.

    `current` is the solve's register of running searches (solver.solve): while an LP runs it
    holds a handle whose StopSearch stops it (see _Lp), so a cancelled solve stops here too.
    """
    solved = _solve(m, seconds, current)
    if solved is None:
        return None, {}, None
    bound, lp, count_rows = solved
    prices = _prices(m, lp, count_rows)
    places: dict[tuple[str, dt.date], dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for (_s_id, _wi, team, location, d), var in m.y.items():
        places[(team, d)][location].append(lp.columns[var.Index()])
    plan: dict[tuple[str, dt.date], str] = {}
    likeliest = _likeliest(places, plan, lp.value)
    round_seconds = None  # how long the last round's LP took
    while dive_until is not None and time.monotonic() < dive_until and likeliest:
        ranked = sorted(((mass, key, location) for key, (location, mass) in likeliest.items()),
                        reverse=True)
        take = dive_take([mass for mass, _, _ in ranked], round_seconds,
                         dive_until - time.monotonic())
        for _mass, key, location in ranked[:take]:
            plan[key] = location
            for other, variables in places[key].items():
                if other != location:
                    for column in variables:
                        column.upper_bound = 0.0
        left = dive_until - time.monotonic()
        if left <= 0:
            break
        round_started = time.monotonic()
        solved_again = lp.solve(left, current)
        round_seconds = time.monotonic() - round_started
        if not solved_again:
            break  # out of time or cancelled: the last LP read stays the guess for the rest
        likeliest = _likeliest(places, plan, lp.value)
    for key, (location, _mass) in likeliest.items():
        plan.setdefault(key, location)
    return bound, plan, prices


def dive_take(masses: list[float], round_seconds: float | None, seconds_left: float) -> int:
    """How many of the open team-days (their likeliest place's mass, surest first) a dive
    round fixes: the sure ones, at least DIVE_SHARE of them, and more where the rounds left at
    the last round's pace would not finish the dive. A dive cut short leaves a worse plan than
    none (L's Den Haag, HiGHS's roster on it: 451,560 after half a dive, 437,050 on the first
    LP's places, 415,930 after a whole one, which alone takes 20 s at 30% a round)."""
    take = max(1, int(DIVE_SHARE * len(masses)), sum(1 for mass in masses if mass >= DIVE_SURE))
    if round_seconds:
        rounds_left = int(seconds_left / round_seconds)
        take = max(take, math.ceil(len(masses) / max(1, rounds_left)))
    return min(take, len(masses))


def _likeliest(places: dict[tuple[str, dt.date], dict[str, list]],
               plan: dict[tuple[str, dt.date], str], value: Callable[[object], float]
               ) -> dict[tuple[str, dt.date], tuple[str, float]]:
    """Per team-day not in the plan whose LP supervision is at least PLAN_MIN_MASS: the place
    with the most of it, and how much."""
    found = {}
    for key, by_location in places.items():
        if key in plan:
            continue
        mass = {location: sum(value(column) for column in variables)
                for location, variables in by_location.items()}
        location = max(mass, key=mass.get)
        if mass[location] >= PLAN_MIN_MASS:
            found[key] = (location, mass[location])
    return found


def plan_roster(m: RosterModel, plan: dict[tuple[str, dt.date], str], seconds: float,
                cancel: threading.Event | None = None
                ) -> tuple[list[AssignmentRef], list[SupervisionRef]] | None:
    """The best roster that keeps every team at its plan's place each date, as HiGHS's
    branch-and-cut finds it in `seconds`: the rows, or None when it finds none in time.

    Without the choice of places most of what makes a region hard is gone, and HiGHS's
    presolve and cuts settle the rest quickly: on L's Den Haag the dived plan's model shrinks to
    6,065 columns and is solved to optimality in 2.2 s, at 415,930, where team LNS from the
    same plan reaches about 480,000 in the half minute it has. A team-day holding a pin keeps
    every place (the pin decides it). HiGHS runs through MathOpt, which returns the best
    roster found when time runs out (pywraplp's HiGHS returns none then). The roster is the
    relaxation's integer solution, so the caller still checks it against the model (HiGHS
    works within tolerances). A `cancel` returns None at once (see solve_with_highs).
    """
    started = time.monotonic()
    if seconds < max(PLAN_ROSTER_MIN_SECONDS, PLAN_ROSTER_SECONDS_PER_1000 * len(m.x) / 1000):
        return None
    solver = build_relaxation(m)  # holds the rows; HiGHS solves them as a MIP
    if solver is None:
        return None
    columns = solver.variables()
    pinned = {(m.employees[a.employee].team, a.date) for a in m.pins}
    for (_s_id, _wi, team, location, d), var in m.y.items():
        if (team, d) not in pinned and plan.get((team, d), location) != location:
            columns[var.Index()].SetUb(0.0)
    for column in columns[:len(m.model.Proto().variables)]:
        column.SetInteger(True)
    model = as_mathopt(solver)
    left = seconds - (time.monotonic() - started)
    if left < PLAN_ROSTER_MIN_SECONDS / 2:
        return None
    result = solve_with_highs(model, left, PLAN_ROSTER_GAP, cancel=cancel)
    if result is None or not result.has_primal_feasible_solution():
        return None
    value = {var.name: x for var, x in result.variable_values().items()}
    return read_roster(m, lambda var: value[column_name(var.Index())] > 0.5)


def build_relaxation(m: RosterModel) -> pywraplp.Solver | None:
    """The model's linear relaxation with the contract patterns in a pywraplp solver
    whose first columns are the model's variables in index order, or None (see _build)."""
    built = _build(m)
    return None if built is None else built[0]


def as_mathopt(solver: pywraplp.Solver) -> mathopt.Model:
    """A pywraplp model (rows, bounds, integrality, objective) as a MathOpt model; the
    columns keep their names."""
    return mathopt.Model.from_model_proto(
        mps_converter.mps_to_model_proto(solver.ExportModelAsMpsFormat(False, False)))


def solve_with_highs(model: mathopt.Model, seconds: float, gap: float | None = None, *,
                     cancel: threading.Event | None = None,
                     algorithm: mathopt.LPAlgorithm | None = None,
                     model_params: mathopt.ModelSolveParameters | None = None
                     ) -> mathopt.SolveResult | None:
    """HiGHS's branch-and-cut (or, on a model without integers, its LP `algorithm`) on `model`
    for at most `seconds`, or None when it fails or `cancel` is set first. Through MathOpt,
    which returns the best solution and bound found when time runs out (pywraplp's HiGHS
    returns none then, and prints to stdout).

    HiGHS ignores MathOpt's interrupter (measured: L's Den Haag's LP runs its 3.8 s to the
    end), so with a `cancel` it runs in a thread of its own and a cancel returns None at once,
    leaving HiGHS to finish unobserved within its time limit (a cancelled L solve came back
    4.7 s after the cancel while it waited for it)."""
    params = mathopt.SolveParameters(time_limit=dt.timedelta(seconds=max(0.01, seconds)),
                                     relative_gap_tolerance=gap, lp_algorithm=algorithm)

    def run() -> mathopt.SolveResult:
        return mathopt.solve(model, mathopt.SolverType.HIGHS, params=params,
                             model_params=model_params)

    return _unless_cancelled(run, cancel)


def _unless_cancelled(run: Callable[[], T], cancel: threading.Event | None) -> T | None:
    """run()'s result, or None when it raises or `cancel` is set before it returns (it then
    goes on in its thread, its result unused)."""
    if cancel is None:
        try:
            return run()
        except Exception:  # noqa: BLE001 - a failed solve only means nothing from it
            return None
    if cancel.is_set():
        return None
    box: dict[str, T] = {}
    done = threading.Event()

    def work() -> None:
        try:
            box["result"] = run()
        except Exception:  # noqa: BLE001 - as above
            pass
        finally:
            done.set()

    threading.Thread(target=work, daemon=True).start()
    while not done.wait(0.05):
        if cancel.is_set():
            return None
    return box.get("result")


class _Stopper:
    """A run in the solve's register of running searches, where a cancel calls StopSearch on
    each (as on a CP-SAT solver): it sets `event` and calls `stop`, if any."""

    def __init__(self, stop: Callable[[], object] | None = None) -> None:
        self._stop = stop
        self.event = threading.Event()

    def StopSearch(self) -> None:  # noqa: N802 - the name CP-SAT's solvers have
        self.event.set()
        if self._stop is not None:
            self._stop()


@contextmanager
def _stoppable(current: dict | None, stop: Callable[[], object] | None = None
               ) -> Iterator[_Stopper]:
    """Register a _Stopper (calling `stop`) in `current` for as long as the block runs."""
    handle = _Stopper(stop)
    if current is None:
        yield handle
        return
    current["solvers"].add(handle)
    try:
        yield handle
    finally:
        current["solvers"].discard(handle)


def column_name(index: int) -> str:
    """A model variable's column name: the key back from HiGHS's solution."""
    return f"x{index}"


def lp_prices(m: RosterModel, seconds: float
              ) -> tuple[int, dict[str, float], dict[tuple[str, int], float]] | None:
    """The LP bound with the prices its duals put on the rows that tie each employee's week
    together: per worked minute, and per shift of each length (>= 0, to subtract), or None.
    Column generation over day rosters (daybound.py) starts from them."""
    solved = _solve(m, seconds)
    if solved is None:
        return None
    bound, lp, count_rows = solved
    return (bound, *_prices(m, lp, count_rows))


def _prices(m: RosterModel, lp: _Lp,
            count_rows: dict[tuple[str, int], pywraplp.Constraint]) -> Prices:
    """The duals of a solved LP as prices per worked minute and per shift length."""
    minute: dict[str, float] = {}
    for index, e_id in m.minute_rows.items():
        minute[e_id] = minute.get(e_id, 0.0) + lp.dual(lp.rows[index])
    length: dict[tuple[str, int], float] = {}
    for index, (e_id, coefficients) in m.count_rows.items():
        dual = lp.dual(lp.rows[index])
        for minutes, coefficient in coefficients.items():
            length[(e_id, minutes)] = length.get((e_id, minutes), 0.0) - dual * coefficient
    for key, row in count_rows.items():
        length[key] = length.get(key, 0.0) - lp.dual(row)
    return minute, length


class _Lp:
    """The relaxation (_build) as a MathOpt model: the first LP solved by HiGHS's interior
    point method with crossover, each later one (the dive's) by GLOP's simplex warm-started
    from the last basis. Cold, HiGHS is twice as fast as GLOP (L's Den Haag: 3.8-4.2 s against
    8.3 s); warm, GLOP is faster (a dive round on Amsterdam 0.04-0.5 s against HiGHS's 0.6-0.9 s
    from scratch) and needs 0.1-0.5 s to take over HiGHS's basis.

    `rows` are the pywraplp rows by constraint index (for their duals); `columns` the MathOpt
    variables of the model's variables, in index order, whose bounds the dive changes. A
    cancel stops either at once (HiGHS's LP left to finish in its thread, see
    solve_with_highs).
    """

    def __init__(self, m: RosterModel, solver: pywraplp.Solver,
                 rows: dict[int, pywraplp.Constraint],
                 count_rows: dict[tuple[str, int], pywraplp.Constraint]) -> None:
        self._solver = solver  # pywraplp's rows live as long as their solver
        self.model = as_mathopt(solver)
        by_name = {variable.name: variable for variable in self.model.variables()}
        self.columns = [by_name[column_name(i)] for i in range(len(m.model.Proto().variables))]
        # MPS keeps pywraplp's row order, so a row's index finds its MathOpt constraint.
        self._constraints = list(self.model.linear_constraints())
        self.rows = rows
        self.objective = 0.0
        self._values: dict = {}
        self._duals: dict = {}
        self._basis = None
        self._glop: mathopt.IncrementalSolver | None = None
        # Only what is read comes back (MathOpt parses every value in Python, 0.1 s a round
        # on L's Amsterdam otherwise): the supervision columns' values, and the duals of the
        # rows that price a week (_prices), of the first LP only.
        watched = mathopt.SparseVectorFilter(
            filtered_items=[self.columns[var.Index()] for var in m.y.values()])
        priced = [self._constraints[rows[i].index()] for i in (*m.minute_rows, *m.count_rows)]
        priced += [self._constraints[row.index()] for row in count_rows.values()]
        nothing = mathopt.SparseVectorFilter(filtered_items=[])
        self._first = mathopt.ModelSolveParameters(
            variable_values_filter=watched, reduced_costs_filter=nothing,
            dual_values_filter=mathopt.SparseVectorFilter(filtered_items=priced))
        self._later = mathopt.ModelSolveParameters(
            variable_values_filter=watched, reduced_costs_filter=nothing,
            dual_values_filter=nothing)

    def solve(self, seconds: float, current: dict | None = None) -> bool:
        """Solve for at most `seconds`; whether it is optimal and not cancelled meanwhile."""
        params = mathopt.SolveParameters(time_limit=dt.timedelta(seconds=max(0.01, seconds)))
        interrupter = SolveInterrupter()
        with _stoppable(current, interrupter.interrupt) as handle:
            try:
                if self._basis is None and len(self.columns) >= HIGHS_MIN_COLUMNS:
                    result = solve_with_highs(self.model, seconds, cancel=handle.event,
                                              algorithm=mathopt.LPAlgorithm.BARRIER,
                                              model_params=self._first)
                    if result is None:
                        return False
                else:
                    model_params = self._later
                    if self._glop is None:
                        self._glop = mathopt.IncrementalSolver(self.model, mathopt.SolverType.GLOP)
                        model_params = dataclasses.replace(
                            self._first if self._basis is None else self._later,
                            initial_basis=self._basis)
                    result = self._glop.solve(params=params, model_params=model_params,
                                              interrupter=interrupter)
            except Exception:  # noqa: BLE001 - an LP that fails only means no bound
                return False
        if handle.event.is_set() or result.termination.reason != mathopt.TerminationReason.OPTIMAL:
            return False
        self.objective = result.objective_value()
        self._values = result.variable_values()
        # No duals when there is nothing to solve (a model without rows); zero prices are
        # valid multipliers all the same.
        if self._basis is None:  # the first LP
            self._duals = (result.dual_values() if result.has_dual_feasible_solution()
                           else {})
        if result.solutions and result.solutions[0].basis is not None:
            self._basis = result.solutions[0].basis
        return True

    def value(self, column) -> float:
        return self._values.get(column, 0.0)

    def dual(self, row: pywraplp.Constraint) -> float:
        return self._duals.get(self._constraints[row.index()], 0.0)


def _solve(m: RosterModel, seconds: float, current: dict | None = None):
    """The LP relaxation with contract patterns: its safe bound, the solved _Lp and the
    pattern rows by (employee, shift minutes); None if unsolved (or cancelled through
    `current`)."""
    started = time.monotonic()
    built = _build(m)
    if built is None:
        return None
    solver, rows, count_rows = built
    lp = _Lp(m, solver, rows, count_rows)
    if not lp.solve(seconds - (time.monotonic() - started), current):
        return None
    value = lp.objective
    # Objective coefficients are integers, so any roster's cost is an integer at least `value`.
    bound = math.ceil(value - max(1e-6, abs(value) * RELATIVE_SAFETY))
    return bound, lp, count_rows


def _build(m: RosterModel):
    """The model's rows, the contract patterns and the objective in a pywraplp solver whose
    first columns are the model's variables, in index order; the solver, the rows by
    constraint index and the pattern rows, or None when a constraint has no linear form."""
    proto = m.model.Proto()
    solver = pywraplp.Solver.CreateSolver("GLOP")
    if solver is None:
        return None
    columns = []
    for var in proto.variables:
        domain = var.domain
        columns.append(solver.NumVar(_finite(solver, domain[0]),
                                     _finite(solver, domain[len(domain) - 1]),
                                     column_name(len(columns))))
    rows: dict[int, pywraplp.Constraint] = {}
    if not _add_rows(solver, proto, columns, rows):
        return None
    count_rows = _add_contract_patterns(solver, m, columns)
    objective = solver.Objective()
    for index, coefficient in zip(proto.objective.vars, proto.objective.coeffs):
        objective.SetCoefficient(columns[index], float(coefficient))
    objective.SetOffset(float(proto.objective.offset))
    objective.SetMinimization()
    return solver, rows, count_rows


def _finite(solver: pywraplp.Solver, value: int) -> float:
    """A CP-SAT domain end as an LP bound: CP-SAT writes "no bound" as the int64 extremes."""
    if abs(value) >= 2 ** 53:
        return solver.infinity() if value > 0 else -solver.infinity()
    return float(value)


def _add_rows(solver: pywraplp.Solver, proto, columns: list,
              rows: dict[int, pywraplp.Constraint]) -> bool:
    """The linear relaxation of every constraint (linear ones kept in `rows` by index);
    False on one it cannot relax."""
    for number, constraint in enumerate(proto.constraints):
        if len(constraint.enforcement_literal):
            return False
        if constraint.has_linear():
            domain = constraint.linear.domain
            row = solver.Constraint(_finite(solver, domain[0]),
                                    _finite(solver, domain[len(domain) - 1]))
            for index, coefficient in zip(constraint.linear.vars, constraint.linear.coeffs):
                row.SetCoefficient(columns[index], float(coefficient))
            rows[number] = row
        elif constraint.has_at_most_one() or constraint.has_exactly_one():
            literals = (constraint.at_most_one.literals if constraint.has_at_most_one()
                        else constraint.exactly_one.literals)
            if any(lit < 0 for lit in literals):
                return False
            row = solver.Constraint(1.0 if constraint.has_exactly_one() else -solver.infinity(), 1.0)
            for lit in literals:
                row.SetCoefficient(columns[lit], 1.0)
        elif constraint.has_bool_or():
            literals = constraint.bool_or.literals
            if any(lit < 0 for lit in literals):
                return False
            row = solver.Constraint(1.0, solver.infinity())
            for lit in literals:
                row.SetCoefficient(columns[lit], 1.0)
        elif constraint.has_lin_max():
            # target = max(exprs): the relaxation keeps target >= each expression.
            target = constraint.lin_max.target
            for expr in constraint.lin_max.exprs:
                row = solver.Constraint(float(expr.offset - target.offset), solver.infinity())
                for index, coefficient in zip(target.vars, target.coeffs):
                    row.SetCoefficient(columns[index], float(coefficient))
                for index, coefficient in zip(expr.vars, expr.coeffs):
                    row.SetCoefficient(columns[index],
                                       row.GetCoefficient(columns[index]) - float(coefficient))
        else:
            return False
    return True


def _add_contract_patterns(solver: pywraplp.Solver, m: RosterModel, columns: list
                           ) -> dict[tuple[str, int], pywraplp.Constraint]:
    """For each employee whose contract the longest shift every day would break: shifts of
    each length <= the chosen mix of maximal patterns. Returns those rows."""
    count_rows: dict[tuple[str, int], pywraplp.Constraint] = {}
    options, by_length = shift_lengths(m)
    for e_id, days in options.items():
        contract = m.employees[e_id].contract_minutes
        if not contract_binds(days.values(), contract):
            continue  # one shift a day says it all
        lengths, patterns = contract_patterns(list(days.values()), contract)
        for length, row in add_pattern_rows(solver, lengths, patterns).items():
            for var in by_length[e_id][length]:
                row.SetCoefficient(columns[var.Index()], 1.0)
            count_rows[(e_id, length)] = row
    return count_rows


def add_pattern_rows(solver: pywraplp.Solver, lengths: list[int],
                     patterns: list[tuple[int, ...]]) -> dict[int, pywraplp.Constraint]:
    """A convex mix of the patterns and, per shift length, a row `- its count in the mix
    <= 0`: the caller adds the employee's shifts of that length to it."""
    mix = [solver.NumVar(0.0, 1.0, "") for _ in patterns]
    choose = solver.Constraint(1.0, 1.0)
    for w in mix:
        choose.SetCoefficient(w, 1.0)
    rows = {}
    for i, length in enumerate(lengths):
        row = solver.Constraint(-solver.infinity(), 0.0)
        for w, pattern in zip(mix, patterns):
            row.SetCoefficient(w, -float(pattern[i]))
        rows[length] = row
    return rows
