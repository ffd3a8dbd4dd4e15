"""Solve a Problem with CP-SAT, region by region, within a time budget and on request to stop."""
from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from ortools.sat.python import cp_model

from .domain import AssignmentRef, Problem, Shortfall, Solution, SupervisionRef
from .explain import explain_shortfalls
from .model import (
    ProblemIndex,
    RosterModel,
    build_model,
    empty_roster_objective,
    hint_roster,
    read_roster,
    read_shortfall,
)

SEED = 20261207
# Below this a region still gets a try; the empty roster is the fallback either way.
MIN_REGION_SECONDS = 0.05


@dataclass(frozen=True)
class Progress:
    best_objective: int | None
    best_bound: int | None
    elapsed_seconds: float
    fraction: float  # 0..1 of the time limit


@dataclass
class RegionResult:
    region: str
    status: str
    objective: int
    bound: int
    assignments: list[AssignmentRef]
    supervision: list[SupervisionRef]
    conflicting_pins: list[AssignmentRef]
    model: RosterModel | None = None


class _Reporter(cp_model.CpSolverSolutionCallback):
    """Passes each improving solution on as Progress and stops when cancelled."""

    def __init__(self, on_solution: Callable[[int, int], None], cancel: threading.Event | None):
        super().__init__()
        self._on_solution = on_solution
        self._cancel = cancel

    def on_solution_callback(self) -> None:
        self._on_solution(round(self.ObjectiveValue()), round(self.BestObjectiveBound()))
        if self._cancel is not None and self._cancel.is_set():
            self.StopSearch()


def _configure(solver: cp_model.CpSolver, seconds: float, workers: int,
               deterministic: bool) -> None:
    params = solver.parameters
    params.random_seed = SEED
    params.num_workers = max(1, workers)
    # Presolve turns the supervision rows into clauses that the LP relaxation leaves out, which
    # costs a third of the bound on large regions; the model is already small and tight.
    params.cp_model_presolve = False
    if deterministic:
        # Deterministic time, not wall time, bounds the search so reruns match exactly.
        params.interleave_search = params.num_workers > 1
        params.max_deterministic_time = max(seconds, 0.01)
        params.max_time_in_seconds = max(seconds, 0.01) * 20
    else:
        params.max_time_in_seconds = max(seconds, 0.01)


def find_conflicting_pins(index: ProblemIndex, region: str, time_limit: float,
                          workers: int = 1) -> list[AssignmentRef]:
    """The pins of a region that cannot hold together, from CP-SAT's assumption core."""
    m = build_model(index, region, pins="assume", objective=False)
    if m.impossible_pins:
        return list(m.impossible_pins)
    solver = cp_model.CpSolver()
    _configure(solver, time_limit, 1, deterministic=True)
    status = solver.Solve(m.model)
    if status != cp_model.INFEASIBLE:
        return []
    core = solver.SufficientAssumptionsForInfeasibility()
    by_index = {lit.Index(): pin for lit, pin in m.pin_literals.items()}
    pins = [by_index[i] for i in core if i in by_index]
    return pins or list(m.pin_literals.values())


def solve(problem: Problem, *, time_limit: float = 30.0, workers: int = 2,
          deterministic: bool = False, progress: Callable[[Progress], None] | None = None,
          cancel: threading.Event | None = None) -> Solution:
    """Solve every region on its own and put the rosters together.

    Regions share no team, location or supervisor, so the sum of the regions' optima is the
    optimum and the sum of their bounds is a bound. Small regions go first; time one leaves
    unused goes to the next.
    """
    started = time.monotonic()
    index = ProblemIndex.of(problem)
    sizes = {region: _region_size(index, region) for region in index.regions}
    order = sorted(index.regions, key=lambda reg: (sizes[reg], reg))
    results: list[RegionResult] = []
    remaining_size = sum(sizes.values()) or 1
    spent = 0.0  # wall seconds, or deterministic seconds in deterministic mode
    current: dict[str, cp_model.CpSolver | None] = {"solver": None}
    done_objective = 0
    done_bound = 0
    watcher_stop = threading.Event()

    def watch_cancel() -> None:
        # Solution callbacks only fire on new solutions; this stops a search that finds none.
        while not watcher_stop.is_set():
            if cancel.wait(0.05):
                solver = current["solver"]
                if solver is not None:
                    solver.StopSearch()
                if watcher_stop.wait(0.05):
                    return

    watcher = None
    if cancel is not None:
        watcher = threading.Thread(target=watch_cancel, daemon=True)
        watcher.start()

    def report(objective: int | None, bound: int | None) -> None:
        if progress is None:
            return
        elapsed = time.monotonic() - started
        fraction = min(1.0, elapsed / time_limit) if time_limit > 0 else 1.0
        progress(Progress(objective, bound, elapsed, fraction))

    empty = {region: empty_roster_objective(index, region) for region in order}
    baseline = _baseline(problem)
    try:
        for position, region in enumerate(order):
            cancelled = cancel is not None and cancel.is_set()
            used = spent if deterministic else time.monotonic() - started
            left = max(0.0, time_limit - used)
            share = left * sizes[region] / remaining_size
            remaining_size = max(1, remaining_size - sizes[region])
            m = build_model(index, region)
            fallback = None
            if baseline is not None:
                fallback = hint_roster(m, baseline.assignments, baseline.supervision)
            # Regions not solved yet count with their empty roster, a valid upper bound.
            rest = sum(empty[reg] for reg in order[position + 1:])

            def on_solution(objective: int, bound: int, _base=(done_objective, done_bound),
                            _rest=rest) -> None:
                report(_base[0] + objective + _rest, _base[1] + bound)

            solved = _solve_region(index, m, max(share, MIN_REGION_SECONDS), workers,
                                   deterministic, on_solution, cancel, current, skip=cancelled,
                                   fallback=fallback)
            if deterministic:
                spent += solved.model_time
            results.append(solved.result)
            done_objective += solved.result.objective
            done_bound += solved.result.bound
            report(done_objective + rest, done_bound)
        if not deterministic:
            _second_pass(index, results, started, time_limit, workers, cancel, current, report)
    finally:
        watcher_stop.set()
        if watcher is not None:
            watcher.join()

    return _combine(problem, results, time.monotonic() - started)


def _second_pass(index: ProblemIndex, results: list[RegionResult], started: float,
                 time_limit: float, workers: int, cancel: threading.Event | None,
                 current: dict, report: Callable[[int | None, int | None], None]) -> None:
    """Spend time that regions solved early left over on the ones not proven optimal,
    each restarting from its best roster."""
    open_results = [r for r in results if r.status == "FEASIBLE" and r.model is not None
                    and r.model.x and r.assignments]
    weights = {r.region: max(1, len(r.model.x)) for r in open_results}
    remaining = sum(weights.values())
    for result in sorted(open_results, key=lambda r: weights[r.region]):
        left = time_limit - (time.monotonic() - started)
        if left < 0.5 or (cancel is not None and cancel.is_set()):
            return
        share = left * weights[result.region] / remaining
        remaining -= weights[result.region]
        m = result.model
        hint_roster(m, result.assignments, result.supervision)
        solver = cp_model.CpSolver()
        _configure(solver, share, workers, deterministic=False)
        solver.parameters.random_seed = SEED + 1  # a different path than the first pass
        current["solver"] = solver
        try:
            status = solver.Solve(m.model, _Reporter(lambda o, b: None, cancel))
        finally:
            current["solver"] = None
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            continue
        objective = round(solver.ObjectiveValue())
        result.bound = max(result.bound, round(solver.BestObjectiveBound()))
        if objective <= result.objective:
            result.assignments, result.supervision = read_roster(m, solver.BooleanValue)
            result.objective = objective
            if status == cp_model.OPTIMAL:
                result.status = "OPTIMAL"
        report(sum(r.objective for r in results), sum(r.bound for r in results))


def _baseline(problem: Problem) -> Solution | None:
    """The greedy roster as a warm start, when it is valid; it already keeps the published
    week and continues last week where it can."""
    try:
        from .checker import check
        from .greedy import greedy

        roster = greedy(problem)
        return roster if check(problem, roster).ok else None
    except Exception:  # a warm start is a nicety: the search works without one
        return None


def _region_size(index: ProblemIndex, region: str) -> int:
    # Cheap proxy for the model size: people times requests times days.
    n_e = len(index.employees.get(region, ()))
    n_r = len(index.requests.get(region, ()))
    return 1 + n_e * max(1, n_r) * max(1, len(index.problem.days))


@dataclass
class _Solved:
    result: RegionResult
    model_time: float


def _solve_region(index: ProblemIndex, m: RosterModel, seconds: float, workers: int,
                  deterministic: bool, on_solution: Callable[[int, int], None],
                  cancel: threading.Event | None, current: dict, *, skip: bool,
                  fallback: tuple[int, list[AssignmentRef], list[SupervisionRef]] | None
                  ) -> _Solved:
    """Solve one region; without a solution of its own it falls back on the warm-start roster
    (which keeps the pins), else on the empty roster (valid when there are no pins)."""
    empty = empty_roster_objective(index, m.region)
    if fallback is not None and (m.pins or fallback[0] <= empty):
        fallback_objective, fallback_rows, fallback_leads = fallback
    else:
        fallback_objective, fallback_rows, fallback_leads = empty, [], []
    valid_fallback = fallback is not None or not m.pins
    if m.impossible_pins:
        return _Solved(RegionResult(m.region, "INFEASIBLE", empty, 0, [], [],
                                    list(m.impossible_pins), m), 0.0)
    if not m.x:
        return _Solved(RegionResult(m.region, "OPTIMAL", empty, empty, [], [], [], m), 0.0)
    if skip:
        return _Solved(RegionResult(m.region, "FEASIBLE" if valid_fallback else "UNKNOWN",
                                    fallback_objective, 0, fallback_rows, fallback_leads, [], m),
                       0.0)

    solver = cp_model.CpSolver()
    _configure(solver, seconds, workers, deterministic)
    current["solver"] = solver
    try:
        status = solver.Solve(m.model, _Reporter(on_solution, cancel))
    finally:
        current["solver"] = None
    name = solver.StatusName(status)
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        assignments, supervision = read_roster(m, solver.BooleanValue)
        objective = round(solver.ObjectiveValue())
        bound = round(solver.BestObjectiveBound())
        return _Solved(RegionResult(m.region, name, objective, bound, assignments, supervision,
                                    [], m), solver.deterministic_time)
    if status == cp_model.INFEASIBLE:
        conflict = find_conflicting_pins(index, m.region, max(seconds, 1.0))
        return _Solved(RegionResult(m.region, "INFEASIBLE", empty, 0, [], [], conflict, m),
                       solver.deterministic_time)
    # No solution in time: fall back on the warm start or the empty roster.
    status_name = ("FEASIBLE" if valid_fallback else "UNKNOWN") if name == "UNKNOWN" else name
    bound = round(solver.BestObjectiveBound()) if name != "MODEL_INVALID" else 0
    return _Solved(RegionResult(m.region, status_name, fallback_objective,
                                min(bound, fallback_objective), fallback_rows, fallback_leads,
                                [], m), solver.deterministic_time)


def _combine(problem: Problem, results: list[RegionResult], wall: float) -> Solution:
    statuses = {r.status for r in results}
    if "INFEASIBLE" in statuses:
        pins = [p for r in results for p in r.conflicting_pins]
        return Solution(status="INFEASIBLE", wall_seconds=wall, conflicting_pins=pins)
    if "MODEL_INVALID" in statuses:
        status = "MODEL_INVALID"
    elif "UNKNOWN" in statuses:
        status = "UNKNOWN"
    elif statuses <= {"OPTIMAL"}:
        status = "OPTIMAL"
    else:
        status = "FEASIBLE"
    assignments = [a for r in results for a in r.assignments]
    supervision = [s for r in results for s in r.supervision]
    shortfall: list[Shortfall] = []
    for r in results:
        if r.model is not None:
            shortfall.extend(read_shortfall(r.model, r.assignments))
    shortfall = explain_shortfalls(problem, assignments, supervision, shortfall)
    objective = sum(r.objective for r in results)
    bound = sum(r.bound for r in results)
    return Solution(status=status, assignments=assignments, supervision=supervision,
                    shortfall=shortfall, objective=objective, best_bound=min(bound, objective),
                    wall_seconds=wall)
