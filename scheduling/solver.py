"""Solve a Problem with CP-SAT, region by region, within a time budget and on request to stop."""
from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from ortools.sat.python import cp_model

from .daybound import DayBound, day_round_bound
from .domain import AssignmentRef, Problem, Shortfall, Solution, SupervisionRef
from .explain import explain_shortfalls
from .lns import team_lns
from .lpbound import Prices, lp_bound_plan_and_prices, lp_prices, plan_roster
from .model import (
    ProblemIndex,
    RosterModel,
    build_model,
    count_assignment_variables,
    empty_roster_objective,
    hint_roster,
    read_roster,
    read_shortfall,
    split_slack,
)

SEED = 20261207
# Below this a region still gets a try; the empty roster is the fallback either way.
MIN_REGION_SECONDS = 0.05
# Checking a roster against its model takes a fraction of a second even on L's largest region.
MIN_CHECK_SECONDS = 2.0
# The part of the time limit kept for combining the regions and explaining shortfalls.
RESERVE_FRACTION = 0.07
# Below this total size (the _region_size proxy summed over regions) the regions are solved
# one after the other with every worker each: a portfolio proves a small region optimal sooner
# than one single-worker search per region (M: about 9 s instead of a 2% gap at 10 s).
SMALL_PROBLEM_SIZE = 20_000
PROBE_FRACTION = 0.1
# On a region this large CP-SAT does not finish its root LP in time; HiGHS solves the LP with
# contract patterns apart (lpbound.py) for at most LP_BOUND_FRACTION of the region's time.
# Every region above the day-bound range gets it (and team LNS, below): at 4,000, L seed 2's
# regions of 3,400-3,600 variables fell between the tiers and got CP-SAT alone.
LP_BOUND_MIN_VARIABLES = 2_500
# Above this the LP takes more than half a minute (XL's largest regions, measured with
# GLOP): not worth the time.
LP_BOUND_MAX_VARIABLES = 20_000
LP_BOUND_MIN_SECONDS = 2.0
LP_BOUND_FRACTION = 0.3
# A region gets at least this long per 1,000 variables for its LP, however small its
# fraction. A limit, not a cost: the LP returns as soon as it is done, while a limit a little
# short of what it needs costs all of it and proves nothing. So it is generous: set when GLOP
# solved it (L's Den Haag, 14,623: 9 s on one machine, 13-17 s on another); HiGHS's interior
# point method takes 3.8-4.2 s.
LP_BOUND_SECONDS_PER_1000 = 1.5
# ... up to this part of the region's time: beside another region's search the LP runs
# slower (GLOP on L's Den Haag: 13-15 s alone, more than 17 s, half its share, beside another
# search).
LP_BOUND_MAX_FRACTION = 0.6
# After the bound, the LP dives for a plan (lpbound.lp_bound_plan_and_prices) until this share
# of the region's time has gone: where the LP itself took longer (XL's regions, short of
# time), the plan is the LP's first guess and the time left goes to the roster on it and
# team LNS.
LP_DIVE_UNTIL = 0.55
# Then at most this share of what is left goes to HiGHS for the best roster on that plan.
PLAN_ROSTER_FRACTION = 0.3
# Then this share of what is left goes to one Lagrangian round over the dates at the LP's
# prices (daybound.day_round_bound). L seed 1, 60 s: bound 2,061k without it; 2,081k with
# 0.3, 2,090k with 0.5 (Amsterdam 264,818, LP 257,303), the same rosters; with 0.8 2,099k
# but rosters 1.6% worse.
DAY_ROUND_FRACTION = 0.5
# ... given at least this long, and this much per 1,000 variables: with less HiGHS has not
# finished its first LP on every date (L's Den Haag, 14,623 variables, 0.9 s a date of 3,000
# beside another region's search: -204k, LP 340,863; 1.3 s a date: 344,743).
DAY_ROUND_MIN_SECONDS = 1.0
DAY_ROUND_SECONDS_PER_1000 = 0.4
# A region with this much time or more first gets team LNS for this part of it.
LNS_MIN_SECONDS = 1.0
# Below this many assignment variables, and given at least LNS_SECONDS_PER_1000 seconds per
# thousand of them, CP-SAT's own neighbourhoods improve a region faster than team LNS (L:
# Rotterdam 82,800 instead of 104,000); with less time team LNS does better (XL). Above it
# team LNS does better (L seed 2, 60 s: 1.89M instead of 2.39M; seed 3: 1.56M, 1.77M).
LNS_MIN_VARIABLES = 2_500
LNS_SECONDS_PER_1000 = 2.0
LNS_FRACTION = 0.6
# Where the LP has proved the region's bound, the search after LNS adds no bound worth its
# time: LNS gets nearly all of it (L: 18.0% instead of 21%, objective 2.51M instead of 2.60M).
LNS_FRACTION_WITH_LP_BOUND = 0.97
# Regions of this many assignment variables get column generation over day rosters
# (daybound.py): a bound within about 1% of the optimum where the LP stays 10-20% below, and
# week rosters combined from its day rosters. Above the maximum one day's search takes more
# than a second to prove, too slow for the rounds it needs.
DAY_BOUND_MIN_VARIABLES = 200
DAY_BOUND_MAX_VARIABLES = 2_500
# The part of a region's time the day rosters get when regions are solved side by side.
DAY_BOUND_FRACTION = 0.7
# Side by side, such a region gets this many times its share by size: its column generation
# needs about 15 s per 1,000 variables to come within 1%, and nothing else closes its gap.
DAY_BOUND_TIME_WEIGHT = 2
# Side by side, a region gets column generation only with this much time per 1,000 variables:
# enough for the first rounds from the LP's prices, which already lift the bound well above
# the LP (L's Leeuwarden: 152,622 against 136,655 in 4 s); with less, team LNS does more.
DAY_BOUND_SECONDS_PER_1000 = 4.0
# At most this long to combine day rosters into a week.
DAY_ROSTER_SECONDS = 1.0
# After the day rosters, team LNS gets this part of what is left, the search the rest. The
# week combined from day rosters can be poor (L seed 3's Apeldoorn: 261,150, greedy 275,090)
# and a single-worker search seldom improves it in seconds; LNS does (154,120), and it
# improved each of six such regions of L seeds 1 and 3 measured apart (in all by 137k).
LNS_FRACTION_AFTER_DAY_ROSTERS = 0.8


@dataclass(frozen=True)
class Progress:
    best_objective: int | None
    best_bound: int | None
    elapsed_seconds: float
    fraction: float  # 0..1 of the time limit
    # While regions_with_roster < regions, the regions without a roster count in best_objective
    # as their empty roster and in best_bound as 0: the gap then measures the regions still to
    # do, not how much better the roster could get.
    regions: int = 0
    regions_with_roster: int = 0


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
    day: DayBound | None = None


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
    # Solve the root LP to the end at once: on a large region the default (2,000 iterations a
    # round, rows added lazily) has not reached the LP bound when the time is up.
    params.add_lp_constraints_lazily = False
    params.root_lp_iterations = 200_000
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
    optimum and the sum of their bounds is a bound. With several workers (and not
    deterministic) a large problem's regions are solved side by side, one thread each, see
    _solve_parallel (a single large region too: it gets the team LNS there); otherwise one
    after the other, small regions first, time one leaves unused going to the next. The time
    limit holds for everything: greedy warm start, model builds, searches and the
    explanations, for which a small part of it is kept back.
    """
    started = time.monotonic()
    index = ProblemIndex.of(problem)
    sizes = {region: _region_size(index, region) for region in index.regions}
    order = sorted(index.regions, key=lambda reg: (sizes[reg], reg))
    results: list[RegionResult] = []
    remaining_size = sum(sizes.values()) or 1
    spent = 0.0  # wall seconds, or deterministic seconds in deterministic mode
    current: dict[str, set] = {"solvers": set()}
    done_objective = 0
    done_bound = 0
    watcher_stop = threading.Event()
    # Wall time kept back for putting the rosters together and explaining the shortfalls.
    budget = time_limit if deterministic else max(0.0, time_limit * (1 - RESERVE_FRACTION))

    def watch_cancel() -> None:
        # Solution callbacks only fire on new solutions; this stops a search that finds none.
        while not watcher_stop.is_set():
            if cancel.wait(0.05):
                for solver in list(current["solvers"]):
                    solver.StopSearch()
                if watcher_stop.wait(0.05):
                    return

    watcher = None
    if cancel is not None:
        watcher = threading.Thread(target=watch_cancel, daemon=True)
        watcher.start()

    with_roster = {"count": 0}

    def report(objective: int | None, bound: int | None, regions_with_roster: int | None = None) -> None:
        if regions_with_roster is not None:
            with_roster["count"] = regions_with_roster
        if progress is None:
            return
        elapsed = time.monotonic() - started
        fraction = min(1.0, elapsed / time_limit) if time_limit > 0 else 1.0
        progress(Progress(objective, bound, elapsed, fraction, len(order), with_roster["count"]))

    empty = {region: empty_roster_objective(index, region) for region in order}
    baseline = _baseline(problem)
    try:
        # A region as large as the LP and team LNS are for takes the large path even in a
        # small problem: M seed 7 (Den Haag, 2,517 variables beside two small regions), 10 s, two
        # runs each: 137,570-143,330 against a bound of 125,765-125,955 (8.4-12.3%), where a
        # CP-SAT portfolio on it found 154,580-156,140 against 122,030 (21%). The other M weeks
        # have no such region and keep the first look's quick proofs.
        small = (sum(sizes.values()) <= SMALL_PROBLEM_SIZE
                 and all(count_assignment_variables(index, region) < LP_BOUND_MIN_VARIABLES
                         for region in order))
        if workers > 1 and not deterministic and not small:
            weights = {region: sizes[region] * (DAY_BOUND_TIME_WEIGHT if DAY_BOUND_MIN_VARIABLES
                                                <= count_assignment_variables(index, region)
                                                <= DAY_BOUND_MAX_VARIABLES else 1)
                       for region in order}
            results = _solve_parallel(index, order, weights, empty, baseline, started, budget,
                                      workers, cancel, current, report)
        else:
            for position, region in enumerate(order):
                cancelled = cancel is not None and cancel.is_set()
                used = spent if deterministic else time.monotonic() - started
                left = max(0.0, budget - used)
                share = left * sizes[region] / remaining_size
                if small:
                    # A short first look proves the easy regions; the second pass then gives
                    # the hard ones the rest in one piece instead of a slice each.
                    share = min(share, PROBE_FRACTION * budget)
                remaining_size = max(1, remaining_size - sizes[region])
                m = build_model(index, region)
                fallback = None
                if baseline is not None:
                    fallback = hint_roster(m, baseline.assignments, baseline.supervision)
                # Regions not solved yet count with their empty roster, a valid upper bound.
                rest = sum(empty[reg] for reg in order[position + 1:])

                def on_solution(objective: int, bound: int, _base=(done_objective, done_bound),
                                _rest=rest, _with=position + 1) -> None:
                    report(_base[0] + objective + _rest, _base[1] + bound, _with)

                known, spent_on_lp, plan, prices = (0, 0.0, {}, None) if cancelled else \
                    _separate_lp_bound(m, share, deterministic, current)
                if plan and fallback is not None and not _cancelled(cancel):
                    plan_started = time.monotonic()
                    fallback = _roster_on_plan(m, plan, share * PLAN_ROSTER_FRACTION, fallback,
                                               cancel)
                    spent_on_lp += time.monotonic() - plan_started
                day = None
                if workers > 1 and not deterministic and not cancelled:
                    day = _day_bound_for(m, fallback)
                if day is None and not deterministic and not cancelled:
                    round_started = time.monotonic()
                    lifted, fallback = _round_and_its_roster(m, prices, share - spent_on_lp,
                                                             fallback, cancel)
                    known = max(known, lifted)
                    spent_on_lp += time.monotonic() - round_started
                solved = _solve_region(index, m, max(share - spent_on_lp, MIN_REGION_SECONDS),
                                       workers, deterministic,
                                       on_solution, cancel, current, skip=cancelled,
                                       fallback=fallback, known_bound=known, day=day)
                if deterministic:
                    spent += solved.model_time
                results.append(solved.result)
                done_objective += solved.result.objective
                done_bound += solved.result.bound
                report(done_objective + rest, done_bound, position + 1)
        # Every region has a roster from here on (the second pass only improves them).
        with_roster["count"] = len(order)
        if not deterministic:
            _second_pass(index, results, started, budget, workers, cancel, current, report)
    finally:
        watcher_stop.set()
        if watcher is not None:
            watcher.join()

    return _combine(problem, results, time.monotonic() - started)


def _solve_parallel(index: ProblemIndex, order: list[str], sizes: dict[str, int],
                    empty: dict[str, int], baseline: Solution | None, started: float,
                    budget: float, threads: int, cancel: threading.Event | None,
                    current: dict, report: Callable[..., None]
                    ) -> list[RegionResult]:
    """Solve regions side by side, one single-worker search per thread, largest first.

    On two cores, one CP-SAT search with the LP on each region does better than one region
    with a portfolio of two: the second worker of a portfolio only runs LNS, while here each
    core gets a full LP-guided search (and each region still starts from the greedy roster).
    """
    lock = threading.Lock()
    queue = sorted(order, key=lambda reg: (-sizes[reg], reg))
    state: dict = {"remaining": sum(sizes.values()) or 1, "ends": {}}
    best = {region: (empty[region], 0) for region in order}
    found: dict[str, RegionResult] = {}
    with_roster: set[str] = set()  # regions whose entry in best is a roster found, not the empty one

    def publish(region_with_roster: str | None = None) -> None:
        if region_with_roster is not None:
            with_roster.add(region_with_roster)
        report(sum(o for o, _ in best.values()), sum(b for _, b in best.values()), len(with_roster))

    def work() -> None:
        while True:
            with lock:
                if not queue:
                    return
                region = queue.pop(0)
                size = sizes[region]
                remaining = state["remaining"]
                state["remaining"] = max(1, remaining - size)
                # The share is taken as the region is taken, before its model is built (the
                # build counts in it): a share worked out after the build would miss the
                # time another thread took meanwhile for a region it took later.
                now = time.monotonic()
                left = max(0.0, budget - (now - started))
                # The other threads' regions still hold the time they were given: share
                # what the threads have left after that, by size, over the regions not
                # started.
                others = sum(max(0.0, end - now) for ident, end in state["ends"].items()
                             if ident != threading.get_ident())
                share = min(left, max(0.0, left * threads - others) * size / remaining)
                end = now + share
                state["ends"][threading.get_ident()] = end
            try:
                one(region, end)
            except Exception:  # a failing region must not cost the others their rosters
                with lock:
                    found[region] = _region_fallback(index, region, baseline)
                    best[region] = (found[region].objective, found[region].bound)
                    publish(region)

    def one(region: str, end: float) -> None:
        m = build_model(index, region)
        fallback = None
        if baseline is not None:
            fallback = hint_roster(m, baseline.assignments, baseline.supervision)
        share = max(0.0, end - time.monotonic())

        def on_solution(objective: int, bound: int, _region=region) -> None:
            with lock:
                best[_region] = (objective, bound)
                publish(_region)

        def on_lns(objective: int, _region=region) -> None:
            with lock:
                best[_region] = (objective, best[_region][1])
                publish(_region)

        cancelled = cancel is not None and cancel.is_set()
        known = 0
        plan: dict = {}
        prices = None
        if not cancelled:
            # First, while the whole share is ahead: the LP bound CP-SAT would not reach.
            known, spent_on_lp, plan, prices = _separate_lp_bound(m, share, False, current)
            share = max(0.0, share - spent_on_lp)
            if known:
                with lock:
                    best[region] = (best[region][0], known)
                    publish()
        if plan and fallback is not None and not _cancelled(cancel):
            plan_started = time.monotonic()
            on_plan = _roster_on_plan(m, plan, share * PLAN_ROSTER_FRACTION, fallback, cancel)
            if on_plan is not fallback:
                fallback, plan = on_plan, {}  # the best on the plan: nothing left to follow
                on_lns(fallback[0])
            share = max(0.0, share - (time.monotonic() - plan_started))
        day = None
        if not cancelled and share >= DAY_BOUND_SECONDS_PER_1000 * len(m.x) / 1000:
            day = _day_bound_for(m, fallback)
        if not cancelled and day is None:
            round_started = time.monotonic()
            lifted, on_round = _round_and_its_roster(m, prices, share, fallback, cancel)
            if lifted > known:
                known = lifted
                with lock:
                    best[region] = (best[region][0], known)
                    publish()
            if on_round is not fallback:
                fallback, plan = on_round, {}
                on_lns(fallback[0])
            share = max(0.0, share - (time.monotonic() - round_started))
        if day is not None:
            # Most of the time goes to column generation over day rosters: a bound near
            # the optimum, and week rosters combined from the day rosters it prices.
            day_started = time.monotonic()

            def on_day_bound(bound: int, _region=region) -> None:
                with lock:
                    best[_region] = (best[_region][0], bound)
                    publish()

            known = max(known, day.run(share * DAY_BOUND_FRACTION, cancel=cancel,
                                       current=current, on_bound=on_day_bound))
            roster = _day_roster(m, day, DAY_ROSTER_SECONDS, current)
            if roster is not None and roster[0] < fallback[0]:
                fallback = roster
                on_lns(roster[0])
            else:
                hint_roster(m, fallback[1], fallback[2])  # the search starts from the best
            share = max(0.0, share - (time.monotonic() - day_started))
        short_of_time = share * 1000 < LNS_SECONDS_PER_1000 * len(m.x)
        if (fallback is not None and not cancelled and share >= LNS_MIN_SECONDS
                and fallback[0] > known
                and (day is not None or len(m.x) >= LNS_MIN_VARIABLES or short_of_time)):
            # Most of the time improves the best roster so far a few teams at a time; the
            # search on the whole region then starts from it and proves the bound.
            lns_started = time.monotonic()
            if day is not None:
                fraction = LNS_FRACTION_AFTER_DAY_ROSTERS
            else:
                fraction = LNS_FRACTION_WITH_LP_BOUND if known else LNS_FRACTION
            rows, leads, objective = team_lns(
                m, fallback[1], fallback[2], fallback[0], share * fraction,
                seed=SEED + len(region), cancel=cancel, current=current,
                on_solution=on_lns, floor=known, plan=plan if day is None else None)
            if objective < fallback[0]:
                # The complete roster becomes the search's hint; its objective is exact.
                fallback = hint_roster(m, rows, leads)
            share = max(0.0, share - (time.monotonic() - lns_started))
        solved = _solve_region(index, m, max(share, MIN_REGION_SECONDS), 1, False,
                               on_solution, cancel, current, skip=cancelled,
                               fallback=fallback, known_bound=known)
        result = solved.result
        result.day = day
        if (fallback is not None and result.status == "FEASIBLE"
                and result.objective > fallback[0]):
            result.objective, result.assignments, result.supervision = fallback
        with lock:
            found[region] = solved.result
            best[region] = (solved.result.objective, solved.result.bound)
            publish(region)

    pool = [threading.Thread(target=work, daemon=True) for _ in range(min(threads, len(order)))]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return [found[region] for region in order]


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
        day = result.day if not (result.day and result.day.converged) else None
        _configure(solver, share, workers - 1 if day else workers, deterministic=False)
        solver.parameters.random_seed = SEED + 1  # a different path than the first pass
        alongside = _Alongside(day, solver, share) if day is not None else None
        reporter = _Reporter(lambda o, b: None, cancel)
        if alongside is not None:
            reporter = _Reporter(alongside.wrap(lambda o, b: None), cancel)
        current["solvers"].add(solver)
        try:
            status = solver.Solve(m.model, reporter)
        finally:
            current["solvers"].discard(solver)
            if alongside is not None:
                alongside.finish()
        if result.day is not None:
            result.bound = max(result.bound, result.day.best)
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            objective = round(solver.ObjectiveValue()) - split_slack(m, solver.Value)
            result.bound = max(result.bound, round(solver.BestObjectiveBound()))
            if objective <= result.objective:
                result.assignments, result.supervision = read_roster(m, solver.BooleanValue)
                result.objective = objective
        _take_day_roster(result, share)
        result.bound = min(result.bound, result.objective)
        if result.bound == result.objective:
            result.status = "OPTIMAL"
        report(sum(r.objective for r in results), sum(r.bound for r in results))


def _day_bound_for(m: RosterModel,
                   fallback: tuple[int, list[AssignmentRef], list[SupervisionRef]] | None
                   ) -> DayBound | None:
    """Column generation over day rosters for a region of the right size, starting from the
    warm-start roster and the LP's prices; None for other regions or without a valid roster
    to start from. Its first round proves at least the LP bound (Leeuwarden: 152,622 after
    0.8 s where the LP gives 136,655) and it converges a third sooner than from no prices."""
    if fallback is None or not DAY_BOUND_MIN_VARIABLES <= len(m.x) <= DAY_BOUND_MAX_VARIABLES:
        return None
    prices = lp_prices(m, LP_BOUND_SECONDS_PER_1000 * len(m.x) / 1000 + 1)
    return DayBound(m, fallback[1], fallback[2], prices=prices[1:] if prices else None)


def _separate_lp_bound(m: RosterModel, seconds: float, deterministic: bool,
                       current: dict | None = None
                       ) -> tuple[int, float, dict[tuple[str, dt.date], str], Prices | None]:
    """The region's LP bound (lpbound.py) when the region is large enough to need it, the
    wall seconds that took, the LP's location per team-day for team LNS to start from and the
    LP's prices for _day_round; (0, 0.0, {}, None) otherwise. Never in deterministic mode:
    the LP's time limit is wall time. A cancel stops the dive through `current`, the solve's
    register of running searches."""
    if (deterministic or not LP_BOUND_MIN_VARIABLES <= len(m.x) <= LP_BOUND_MAX_VARIABLES
            or seconds < LP_BOUND_MIN_SECONDS):
        return 0, 0.0, {}, None
    started = time.monotonic()
    needed = LP_BOUND_SECONDS_PER_1000 * len(m.x) / 1000
    limit = max(seconds * LP_BOUND_FRACTION, min(needed, seconds * LP_BOUND_MAX_FRACTION))
    bound, plan, prices = lp_bound_plan_and_prices(
        m, limit, dive_until=started + seconds * LP_DIVE_UNTIL, current=current)
    return bound or 0, time.monotonic() - started, plan, prices


def _day_round(m: RosterModel, prices: Prices | None, seconds: float,
               cancel: threading.Event | None) -> tuple[int, dict[tuple[str, dt.date], str]]:
    """A bound from one Lagrangian round over the dates at the LP's prices
    (daybound.day_round_bound) in DAY_ROUND_FRACTION of `seconds`, and where the region came
    with the LP's prices, the round's place per team-day as a plan for HiGHS's roster; (0, {})
    when there is too little time for it or it proves nothing in time.

    The round's places are a second plan beside the dive's: each date's best packing of whole
    teams into places at the LP's prices. HiGHS's roster on it, L seed 1: Amsterdam 312,500
    (on the dived plan 313,800), Zwolle 320,290 (328,380), Utrecht 298,520 (302,760); but
    Apeldoorn 176,170 (173,990) and Den Haag 430,700 (415,930, its dates unfinished), so the
    cheaper roster is kept.

    A region of the day-bound range has no LP prices yet (it was short of time for column
    generation): it solves the LP for them first (0.1 s for L's Leeuwarden, 1,211 variables,
    which then proves 152,622 in 0.5 s where it had 3 s in all and its search proved
    148,910), and the bound is at least the LP's. Its plan is not used: its rosters come from
    team LNS (the dive and HiGHS did worse there, see the README)."""
    limit = seconds * DAY_ROUND_FRACTION
    if limit < max(DAY_ROUND_MIN_SECONDS, DAY_ROUND_SECONDS_PER_1000 * len(m.x) / 1000):
        return 0, {}
    started = time.monotonic()
    lp = 0
    plan: dict[tuple[str, dt.date], str] | None = {}
    if prices is None:
        if len(m.x) < DAY_BOUND_MIN_VARIABLES:
            return 0, {}  # CP-SAT proves these regions itself
        if len(m.x) > DAY_BOUND_MAX_VARIABLES:
            # Too large for the LP in a part of the round (XL's regions above
            # LP_BOUND_MAX_VARIABLES: 8-12 s spent on an LP that did not finish).
            return 0, {}
        solved = lp_prices(m, limit / 2)
        if solved is None:
            return 0, {}
        lp, prices, plan = solved[0], solved[1:], None
    left = limit - (time.monotonic() - started)
    bound = day_round_bound(m, prices, left, cancel=cancel, plan=plan) or 0
    return max(lp, bound), plan or {}


def _round_and_its_roster(m: RosterModel, prices: Prices | None, seconds: float,
                          fallback: tuple[int, list[AssignmentRef], list[SupervisionRef]] | None,
                          cancel: threading.Event | None
                          ) -> tuple[int, tuple[int, list[AssignmentRef], list[SupervisionRef]]
                                     | None]:
    """The day round's bound (_day_round) in `seconds`, and HiGHS's roster on its plan in
    PLAN_ROSTER_FRACTION of what is left when cheaper than `fallback` (_roster_on_plan), else
    `fallback` itself."""
    started = time.monotonic()
    bound, plan = _day_round(m, prices, seconds, cancel)
    if plan and fallback is not None and not _cancelled(cancel):
        left = seconds - (time.monotonic() - started)
        fallback = _roster_on_plan(m, plan, left * PLAN_ROSTER_FRACTION, fallback, cancel)
    return bound, fallback


def _cancelled(cancel: threading.Event | None) -> bool:
    """Whether the solve was cancelled (cancel is None when it cannot be)."""
    return cancel is not None and cancel.is_set()


def _roster_on_plan(m: RosterModel, plan: dict[tuple[str, dt.date], str], seconds: float,
                    fallback: tuple[int, list[AssignmentRef], list[SupervisionRef]],
                    cancel: threading.Event | None = None
                    ) -> tuple[int, list[AssignmentRef], list[SupervisionRef]]:
    """The best roster on the LP's plan (lpbound.plan_roster) when the model accepts it and
    it costs less than `fallback`, with its exact objective and as the model's hint; else
    `fallback` itself, hinted again if the found roster was tried as the hint."""
    started = time.monotonic()
    rows = plan_roster(m, plan, seconds, cancel)
    if rows is None:
        return fallback  # the hint is untouched
    found = hint_roster(m, *rows)
    left = seconds - (time.monotonic() - started)
    if found[0] < fallback[0] and hint_is_valid(m, max(left, MIN_CHECK_SECONDS)):
        return found
    hint_roster(m, fallback[1], fallback[2])
    return fallback


def hint_is_valid(m: RosterModel, seconds: float) -> bool:
    """Whether the model's (complete) hint satisfies every constraint: CP-SAT with every
    variable fixed to its hinted value. For rosters that come from outside CP-SAT."""
    solver = cp_model.CpSolver()
    solver.parameters.fix_variables_to_their_hinted_value = True
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = seconds
    return solver.Solve(m.model) in (cp_model.OPTIMAL, cp_model.FEASIBLE)


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
                  fallback: tuple[int, list[AssignmentRef], list[SupervisionRef]] | None,
                  known_bound: int = 0, day: DayBound | None = None) -> _Solved:
    """Solve one region; without a solution of its own it falls back on the warm-start roster
    (which keeps the pins), else on the empty roster (valid when there are no pins).

    With `day`, its column generation runs beside the search in a thread of its own: it
    raises the bound, stops the search once the bound meets its roster, and its combined day
    rosters replace the search's roster when cheaper.
    """
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
    alongside = _Alongside(day, solver, seconds) if day is not None else None
    reporter = _Reporter(on_solution if alongside is None else alongside.wrap(on_solution),
                         cancel)
    current["solvers"].add(solver)
    try:
        status = solver.Solve(m.model, reporter)
    finally:
        current["solvers"].discard(solver)
        if alongside is not None:
            alongside.finish()
    name = solver.StatusName(status)
    if day is not None:
        known_bound = max(known_bound, day.best)
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        assignments, supervision = read_roster(m, solver.BooleanValue)
        objective = round(solver.ObjectiveValue()) - split_slack(m, solver.Value)
        result = RegionResult(m.region, name, objective, 0, assignments, supervision, [], m, day)
        _take_day_roster(result, seconds)
        result.bound = min(result.objective, max(known_bound, round(solver.BestObjectiveBound())))
        if result.bound == result.objective:
            result.status = "OPTIMAL"  # a separate bound can prove what the search did not
        return _Solved(result, solver.deterministic_time)
    if status == cp_model.INFEASIBLE:
        conflict = find_conflicting_pins(index, m.region, max(seconds, 1.0))
        return _Solved(RegionResult(m.region, "INFEASIBLE", empty, 0, [], [], conflict, m),
                       solver.deterministic_time)
    # No solution in time: fall back on the warm start or the empty roster.
    status_name = ("FEASIBLE" if valid_fallback else "UNKNOWN") if name == "UNKNOWN" else name
    bound = (max(known_bound, round(solver.BestObjectiveBound()))
             if name != "MODEL_INVALID" else 0)
    return _Solved(RegionResult(m.region, status_name, fallback_objective,
                                min(bound, fallback_objective), fallback_rows, fallback_leads,
                                [], m, day), solver.deterministic_time)


class _Alongside:
    """A region's column generation (daybound.py) in a thread beside its CP-SAT search."""

    def __init__(self, day: DayBound, solver: cp_model.CpSolver, seconds: float) -> None:
        self.day = day
        self.solver = solver
        self.incumbent: int | None = None
        self.stop = threading.Event()
        self.own: dict = {"solvers": set()}
        self.thread = threading.Thread(target=self._work, args=(seconds,), daemon=True)
        self.thread.start()

    def _work(self, seconds: float) -> None:
        self.day.run(seconds, cancel=self.stop, current=self.own, on_bound=self._bound)

    def _bound(self, value: int) -> None:
        if self.incumbent is not None and value >= self.incumbent:
            self.solver.StopSearch()  # proven optimal

    def wrap(self, on_solution: Callable[[int, int], None]) -> Callable[[int, int], None]:
        def seen(objective: int, bound: int) -> None:
            # The search's objective may carry team-split slack: comparing it is on the safe side.
            self.incumbent = objective if self.incumbent is None else min(self.incumbent,
                                                                          objective)
            on_solution(objective, max(bound, self.day.best))
            if objective <= self.day.best:
                self.solver.StopSearch()
        return seen

    def finish(self) -> None:
        self.stop.set()
        for solver in list(self.own["solvers"]):
            solver.StopSearch()
        self.thread.join()


def _region_fallback(index: ProblemIndex, region: str, baseline: Solution | None
                     ) -> RegionResult:
    """A region's result when solving it failed: the warm-start roster, else the empty one."""
    m = build_model(index, region)
    empty = empty_roster_objective(index, region)
    if baseline is not None:
        objective, rows, leads = hint_roster(m, baseline.assignments, baseline.supervision)
        return RegionResult(region, "FEASIBLE", objective, 0, rows, leads, [], m)
    return RegionResult(region, "FEASIBLE" if not m.pins else "UNKNOWN", empty, 0, [], [], [],
                        m)


def _take_day_roster(result: RegionResult, seconds: float) -> None:
    """Replace the result's roster by the best week of known day rosters when it is cheaper."""
    if result.day is None or result.model is None:
        return
    seconds = min(DAY_ROSTER_SECONDS, max(0.1, seconds * 0.1))
    roster = _day_roster(result.model, result.day, seconds)
    if roster is not None and roster[0] < result.objective:
        result.objective, result.assignments, result.supervision = roster


def _day_roster(m: RosterModel, day: DayBound, seconds: float, current: dict | None = None
                ) -> tuple[int, list[AssignmentRef], list[SupervisionRef]] | None:
    """The best week of the day rosters found so far, with its objective (also hinted)."""
    combined = day.roster(seconds, current)
    return None if combined is None else hint_roster(m, *combined)


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
