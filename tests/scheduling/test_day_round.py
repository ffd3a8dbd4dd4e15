"""One Lagrangian round over the dates at the LP's prices (daybound.day_round_bound): a valid
bound, at least the LP's, above it where teams are spread over places, and used by the solver."""
from __future__ import annotations

import dataclasses
import threading
import time

from hypothesis import given

from builders_model import PROPERTY_SETTINGS, optimum, random_problems
from scheduling import solver as solver_module
from scheduling.checker import check, objective
from scheduling.daybound import day_round_bound
from scheduling.generate import generate
from scheduling.domain import Solution
from scheduling.greedy import greedy
from scheduling.lpbound import lp_bound, lp_bound_plan_and_prices, plan_roster
from scheduling.model import ProblemIndex, build_model, hint_roster
from scheduling.solver import hint_is_valid, solve



@PROPERTY_SETTINGS
@given(random_problems)
def test_the_round_never_exceeds_the_optimum_and_proves_at_least_the_lp(p):
    index = ProblemIndex.of(p)
    for region in index.regions:
        m = build_model(index, region)
        lp, _plan, prices = lp_bound_plan_and_prices(m, 10)
        assert lp is not None and prices is not None
        bound = day_round_bound(m, prices, 20)
        assert bound is not None
        assert bound <= optimum(m)
        # Prices rounded to 1/1000 a minute lose at most a little against the LP's own.
        assert bound >= lp - 1 - len(m.employees)


def _zwolle():
    p = dataclasses.replace(generate("M", 2), pinned=())  # M's pins are in other regions
    return p, build_model(ProblemIndex.of(p), "Zwolle")


def test_where_the_lp_spreads_teams_over_places_the_round_proves_more():
    _p, m = _zwolle()
    lp, _plan, prices = lp_bound_plan_and_prices(m, 30)
    bound = day_round_bound(m, prices, 30)
    # Measured: LP 81,931, the round 84,319 (in 0.4 s).
    assert bound is not None and bound > lp + 1000
    # The LP's prices are taken before the dive: the same round after a dive proves the same.
    _lp, _plan, dived = lp_bound_plan_and_prices(m, 30, dive_until=time.monotonic() + 30)
    assert day_round_bound(m, dived, 30) == bound


def test_the_round_stops_at_once_when_cancelled_and_claims_nothing():
    _p, m = _zwolle()
    _lp, _plan, prices = lp_bound_plan_and_prices(m, 30)
    cancel = threading.Event()
    cancel.set()
    assert day_round_bound(m, prices, 30, cancel=cancel) is None
    assert day_round_bound(m, prices, 0) is None


def test_the_solver_reports_the_rounds_bound(monkeypatch):
    # Make M's regions count as large enough for the LP and the round.
    monkeypatch.setattr(solver_module, "LP_BOUND_MIN_VARIABLES", 0)
    monkeypatch.setattr(solver_module, "LP_BOUND_MIN_SECONDS", 0.0)
    monkeypatch.setattr(solver_module, "DAY_ROUND_MIN_SECONDS", 0.0)
    monkeypatch.setattr(solver_module, "DAY_ROUND_SECONDS_PER_1000", 0.0)
    # No column generation over day rosters (it takes the round's place where it runs).
    monkeypatch.setattr(solver_module, "DAY_BOUND_MAX_VARIABLES", 0)
    # Solved as large problems are: each region its share by size, not a first short look.
    monkeypatch.setattr(solver_module, "SMALL_PROBLEM_SIZE", 0)
    proved: dict[str, int] = {}

    def spy(m, prices, seconds, *, cancel=None, plan=None):
        value = day_round_bound(m, prices, seconds, cancel=cancel, plan=plan)
        proved[m.region] = value
        return value

    monkeypatch.setattr(solver_module, "day_round_bound", spy)
    p = generate("M", 2)
    for workers in (1, 2):
        proved.clear()
        solution = solve(p, time_limit=5, workers=workers)
        assert check(p, solution).ok
        assert solution.objective == objective(p, solution.assignments, solution.supervision)
        # Regions are given their round as their time allows: on a loaded machine one may prove
        # nothing in its time (then it is not used), or not get to its round (Zwolle, the
        # largest, did not in one CI run of 2026-12-06 with two workers, where Utrecht and Den
        # Haag did). What a round proves counts in the reported bound (the solver takes the
        # better of it and the LP). That it proves more than the LP given the time is the test
        # above: on a busy machine a round cut short by its seconds proved 15,284 against the
        # LP's 81,931 (CI, 2026-12-06).
        assert proved, workers  # some region was given its round
        if proved.get("Zwolle") is not None:
            assert solution.best_bound >= proved["Zwolle"]
            zwolle_lp = lp_bound(build_model(ProblemIndex.of(p), "Zwolle"), 30)
            assert solution.best_bound >= zwolle_lp
        assert solution.best_bound <= solution.objective
        # Every region's bound is at least what its round proved.
        assert solution.best_bound >= sum(v for v in proved.values() if v), workers


def test_a_region_short_of_time_for_column_generation_gets_the_round_from_its_own_lp():
    _p, m = _zwolle()
    assert solver_module.DAY_BOUND_MIN_VARIABLES <= len(m.x) < solver_module.LP_BOUND_MIN_VARIABLES
    lp = lp_bound(m, 30)
    bound, plan = solver_module._day_round(m, None, 30, None)
    assert bound > lp
    assert plan == {}  # its rosters come from team LNS
    # Too little time, or a region CP-SAT proves itself: nothing claimed.
    assert solver_module._day_round(m, None, 0.5, None) == (0, {})
    p = generate("M", 2)
    small = build_model(ProblemIndex.of(p), "Den Haag")
    assert len(small.x) < solver_module.DAY_BOUND_MIN_VARIABLES
    assert solver_module._day_round(small, None, 30, None) == (0, {})


def test_the_rounds_places_are_a_plan_for_a_valid_roster():
    p, m = _zwolle()
    _lp, _plan, prices = lp_bound_plan_and_prices(m, 30)
    bound, plan = solver_module._day_round(m, prices, 30, None)
    assert bound > 0 and plan
    team_region = {t.id: t.region for t in p.teams}
    location_region = {loc.id: loc.region for loc in p.locations}
    for (team, d), location in plan.items():
        assert team_region[team] == location_region[location] == "Zwolle"
        assert any(key[2:] == (team, location, d) for key in m.y)
    found = plan_roster(m, plan, 30)
    assert found is not None
    cost, rows, leads = hint_roster(m, *found)
    assert hint_is_valid(m, 10)
    whole = Solution(status="FEASIBLE", assignments=rows, supervision=leads)
    report = check(p, whole)
    assert report.ok, report.violations
    assert cost < hint_roster(m, greedy(p).assignments, greedy(p).supervision)[0]
