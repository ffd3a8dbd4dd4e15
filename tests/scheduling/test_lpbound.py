"""The separate LP bound for large regions: valid, and tighter than the plain relaxation."""
from __future__ import annotations

import dataclasses
from unittest import mock

import pytest
from hypothesis import given

from builders_model import (
    DAYS,
    PROPERTY_SETTINGS,
    employee,
    optimum,
    problem,
    random_problems,
    request,
    supervisor,
)
from scheduling import lpbound
from scheduling.generate import generate
from scheduling.lpbound import contract_patterns, lp_bound
from scheduling.model import ProblemIndex, build_model



def test_contract_patterns_are_the_maximal_mixes_that_fit():
    # 12 hours a week; shifts of 4 h or 5.5 h on each of five days.
    lengths, patterns = contract_patterns([{240, 330}] * 5, 720)
    assert lengths == [240, 330]
    assert patterns == [(0, 2), (1, 1), (3, 0)]
    # A day that only offers the long shift limits the short ones.
    assert contract_patterns([{240}, {330}], 720) == ([240, 330], [(1, 1)])


def test_patterns_and_contract_cuts_make_the_bound_see_whole_shifts(monkeypatch):
    # 12 hours a week, five requested days of 5.5 hours: two shifts fit, not 2.18.
    p = problem(employees=[employee("e-1", contract=720)],
                requests=[request(f"r-{i}", days=(d,), start="09:00", end="15:00")
                          for i, d in enumerate(DAYS)],
                supervisors=[supervisor("s-1")])
    plain = build_model(ProblemIndex.of(p), "Den Haag", cuts=False)
    best = optimum(plain)  # 3 missing x 2 x 1000 + 60 minutes short
    assert lp_bound(plain, 10) == best
    monkeypatch.setattr(lpbound, "_add_contract_patterns", lambda *args: {})
    assert lp_bound(plain, 10) < best - 300
    # The model's own contract cuts see it too, without the patterns.
    assert lp_bound(build_model(ProblemIndex.of(p), "Den Haag"), 10) == best


@PROPERTY_SETTINGS
@given(random_problems)
def test_the_lp_bound_never_exceeds_theoptimum(p):
    index = ProblemIndex.of(p)
    for region in index.regions:
        m = build_model(index, region)
        bound = lp_bound(m, 10)
        assert bound is not None
        assert bound <= optimum(m)
        # HiGHS's interior point method (large regions) proves the same as GLOP (small ones).
        with mock.patch.object(lpbound, "HIGHS_MIN_COLUMNS", 0):
            assert lp_bound(m, 10) == bound


def test_the_dive_rounds_warm_started_by_glop_solve_the_lp_a_cold_start_solves(monkeypatch):
    # The first LP is HiGHS's (interior point; on this small region only when told so), the
    # dive's rounds GLOP's from its basis.
    monkeypatch.setattr(lpbound, "HIGHS_MIN_COLUMNS", 0)
    p = dataclasses.replace(generate("M", 1), pinned=())
    m = build_model(ProblemIndex.of(p), "Utrecht")
    _bound, warm, _rows = lpbound._solve(m, 30)
    first = warm.objective
    closed = [var.Index() for _key, var in sorted(m.y.items())[::2]]
    for index in closed:
        warm.columns[index].upper_bound = 0.0
    assert warm.solve(30)
    assert warm._glop is not None  # the round was GLOP's
    _bound, cold, _rows = lpbound._solve(m, 30)
    for index in closed:
        cold.columns[index].upper_bound = 0.0
    cold._basis = None  # so HiGHS solves it from scratch
    assert cold.solve(30)
    assert warm.objective == pytest.approx(cold.objective, rel=1e-9)
    assert warm.objective > first + 1  # half the places closed: the LP costs more


def test_the_solver_reports_at_least_the_lp_bound_of_a_large_region(monkeypatch):
    from scheduling import solver as solver_module
    from scheduling.checker import check, objective
    from scheduling.generate import generate
    from scheduling.solver import solve

    # Make every region count as large, and keep what the LP proved.
    monkeypatch.setattr(solver_module, "LP_BOUND_MIN_VARIABLES", 0)
    monkeypatch.setattr(solver_module, "LP_BOUND_MIN_SECONDS", 0.0)
    proved: list[int] = []

    def spy(m, seconds, dive_until=None, current=None):
        value, plan, prices = lpbound.lp_bound_plan_and_prices(m, seconds, dive_until, current)
        proved.append(value)
        return value, plan, prices

    monkeypatch.setattr(solver_module, "lp_bound_plan_and_prices", spy)
    p = generate("M", 2)
    solution = solve(p, time_limit=6, workers=1)
    # The first region's LP has its whole share; on a loaded machine a later region's share
    # can be too short for GLOP, and then its bound is simply not used.
    assert proved and proved[0] is not None
    assert check(p, solution).ok
    assert solution.objective == objective(p, solution.assignments, solution.supervision)
    assert sum(v for v in proved if v is not None) <= solution.best_bound <= solution.objective


def test_the_lp_plan_names_one_place_of_the_teams_region_per_team_and_date():
    from scheduling.generate import generate
    from scheduling.lpbound import lp_bound_and_plan

    p = generate("M", 1)
    index = ProblemIndex.of(p)
    m = build_model(index, "Utrecht")
    bound, plan = lp_bound_and_plan(m, 30)
    assert bound == lp_bound(m, 30)
    assert plan
    team_region = {t.id: t.region for t in p.teams}
    location_region = {loc.id: loc.region for loc in p.locations}
    for (team, d), location in plan.items():
        assert team_region[team] == location_region[location] == "Utrecht"
        assert d in p.days
        # The LP put some supervision of that team there that day.
        assert any(key[2] == team and key[3] == location and key[4] == d for key in m.y)
