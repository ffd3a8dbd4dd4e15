"""Properties of the solver on random small problems: valid, exact objective, pins, monotone."""
from __future__ import annotations

import dataclasses
import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from builders_model import employee, random_problem
from scheduling.checker import check, objective
from scheduling.solver import solve

SETTINGS = settings(max_examples=15, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])
problems = st.builds(random_problem, st.integers(0, 10_000),
                     n_employees=st.integers(1, 9), n_requests=st.integers(1, 4))
# The same with rule 10 asked, set so that it bites: the random shifts end at 12:00 or 15:00
# and start at 09:00 or 10:00, so 19 to 22 hours of rest keep some pairs of dates apart.
rested = st.builds(lambda p, rest: dataclasses.replace(p, min_rest_minutes=rest),
                   problems, st.sampled_from((19 * 60, 21 * 60, 22 * 60)))


def optimal(p):
    solution = solve(p, time_limit=10, workers=1, deterministic=True)
    assert solution.status == "OPTIMAL", solution
    return solution


@SETTINGS
@given(problems)
def test_every_roster_passes_the_checker_with_the_same_objective(p):
    assert_valid_optimum(p)


def assert_valid_optimum(p):
    """The optimal roster passes the checker, with the checker's objective and the shortfall
    rows (and their reasons) the roster leaves."""
    solution = optimal(p)
    report = check(p, solution)
    assert report.ok, report.violations
    assert solution.objective == objective(p, solution.assignments, solution.supervision) == report.metrics.objective
    assert solution.best_bound == solution.objective
    short = {(s.request, s.date): s.missing for s in solution.shortfall}
    for r in p.requests:
        for d in r.days:
            filled = sum(1 for a in solution.assignments if a.request == r.id and a.date == d)
            assert short.get((r.id, d), 0) == r.headcount - filled
    assert all(s.reasons and s.reasons[0].startswith(f"{s.missing} te weinig")
               for s in solution.shortfall)


@SETTINGS
@given(problems, st.integers(0, 1000))
def test_pins_are_kept_and_never_make_the_roster_better(p, seed):
    free = optimal(p)
    rng = random.Random(seed)
    pins = rng.sample(free.assignments, min(len(free.assignments), rng.randint(0, 3)))
    pinned = dataclasses.replace(p, pinned=tuple(pins))
    solution = optimal(pinned)
    assert set(pins) <= set(solution.assignments)
    assert check(pinned, solution).ok
    assert solution.objective == free.objective  # pins taken from an optimum cost nothing


def _weighted_shortfall(p, solution) -> int:
    priority = {r.id: r.priority for r in p.requests}
    return sum(priority[s.request] * s.missing for s in solution.shortfall)


@SETTINGS
@given(problems, st.integers(0, 1000))
def test_adding_an_employee_never_lowers_coverage_at_the_optimum(p, seed):
    # Without contract gap and continuity, only team splits (20 each) can trade against a
    # missing person (1000 x priority), and a small instance has too few splits for that.
    p = dataclasses.replace(p, previous=(), weights={
        "shortfall": 1000, "republish_change": 200, "change": 50, "contract_gap": 0,
        "team_split": 20})
    rng = random.Random(seed)
    sizes = {t.id: sum(1 for e in p.employees if e.team == t.id) for t in p.teams}
    teams = [t for t in p.teams if sizes[t.id] < t.max_size]
    template = rng.choice(p.employees)
    newcomer = employee("e-new", rng.choice(teams).id, contract=template.contract_minutes,
                        per_day=template.max_minutes_per_day, work_types=template.work_types,
                        availability=template.availability)
    before = optimal(p)
    after = optimal(dataclasses.replace(p, employees=p.employees + (newcomer,)))
    assert _weighted_shortfall(p, after) <= _weighted_shortfall(p, before)
    assert after.objective <= before.objective


@SETTINGS
@given(rested)
def test_every_roster_keeps_the_rest_between_dates(p):
    assert_valid_optimum(p)
