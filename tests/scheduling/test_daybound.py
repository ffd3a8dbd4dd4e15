"""Column generation over day rosters: a valid bound, stronger than the LP, and valid rosters."""
from __future__ import annotations

import dataclasses

from hypothesis import assume, given
from hypothesis import strategies as st

from builders_model import PROPERTY_SETTINGS, optimum, random_problems
from scheduling import solver as solver_module
from scheduling.checker import check, objective
from scheduling.daybound import DayBound
from scheduling.generate import generate
from scheduling.greedy import greedy
from scheduling.lpbound import lp_bound
from scheduling.model import ProblemIndex, build_model, count_assignment_variables, hint_roster
from scheduling.solver import solve



def _start(p, m, *, given: bool = False):
    """The greedy roster's part in the region, as DayBound's first columns."""
    roster = greedy(p)
    if given:
        assume(check(p, roster).ok)
    else:
        assert check(p, roster).ok
    _objective, rows, leads = hint_roster(m, roster.assignments, roster.supervision)
    return rows, leads


def _bound_and_week(p):
    """Den Haag's day bound and the week combined from its day rosters, both checked: the
    bound not above the optimum, the week valid and not below it."""
    index = ProblemIndex.of(p)
    region = "Den Haag"
    m = build_model(index, region)
    assert count_assignment_variables(index, region) == len(m.x)
    rows, leads = _start(p, m, given=True)
    day = DayBound(m, rows, leads)
    bound = day.run(10)
    best = optimum(m)
    assert bound <= best
    combined = day.roster(5)
    assert combined is not None
    cost, rows, leads = hint_roster(m, *combined)
    assert cost >= best
    # Only this region's rows: the other region's requests count as short, which is fine
    # for checking the rules.
    whole = dataclasses.replace(greedy(p), assignments=rows, supervision=leads)
    report = check(p, whole)
    assert report.ok, report.violations
    return m, day, bound


@PROPERTY_SETTINGS
@given(random_problems)
def test_the_day_bound_never_exceeds_the_optimum_and_its_rosters_are_valid(p):
    m, day, bound = _bound_and_week(p)
    if day.converged:
        # Converged, the day blocks hold everything the LP knows and more.
        lp = lp_bound(m, 10)
        assert lp is not None and bound >= lp - 1 - len(m.employees)


@PROPERTY_SETTINGS
@given(random_problems, st.sampled_from((19 * 60, 21 * 60, 22 * 60)))
def test_a_week_of_day_rosters_keeps_the_rest_between_dates(p, rest):
    """Each date's roster is made alone; the week put together from them keeps rule 10 (the
    random shifts end at 12:00 or 15:00 and start at 09:00 or 10:00: these rests bite)."""
    _bound_and_week(dataclasses.replace(p, min_rest_minutes=rest))


def test_the_day_bound_proves_what_the_lp_cannot():
    # M seed 4, Den Haag: the LP with contract patterns stays about 500 below the optimum,
    # which CP-SAT needs seconds to prove; the day rosters prove it in under a second.
    p = generate("M", 4)
    index = ProblemIndex.of(p)
    m = build_model(index, "Den Haag")
    rows, leads = _start(p, m)
    day = DayBound(m, rows, leads)
    bound = day.run(30)
    assert day.converged
    lp = lp_bound(m, 10)
    assert lp is not None and bound > lp + 300
    cost, rows, leads = hint_roster(m, *day.roster(5))
    assert cost == bound  # a valid roster at the bound: optimal, proven by the bound
    whole = dataclasses.replace(greedy(p), assignments=[
        a for a in greedy(p).assignments if index.team_region[
            next(e.team for e in p.employees if e.id == a.employee)] != "Den Haag"] + rows)
    whole = dataclasses.replace(whole, supervision=[
        s for s in whole.supervision if index.team_region[s.team] != "Den Haag"] + leads)
    assert check(p, whole).ok
    assert objective(p, whole.assignments, whole.supervision) < greedy(p).objective


def test_a_cancelled_day_bound_stops_at_once():
    import threading
    import time

    p = generate("M", 4)
    m = build_model(ProblemIndex.of(p), "Den Haag")
    rows, leads = _start(p, m)
    day = DayBound(m, rows, leads)
    cancel = threading.Event()
    cancel.set()
    started = time.monotonic()
    assert day.run(30, cancel=cancel) == 0
    assert time.monotonic() - started < 1


def test_both_paths_of_the_solver_use_the_day_bound(monkeypatch):
    calls = []
    original = DayBound.run

    def spy(self, *args, **kwargs):
        calls.append(self.m.region)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(DayBound, "run", spy)
    p = generate("M", 4)
    for small in (True, False):
        calls.clear()
        if not small:
            monkeypatch.setattr(solver_module, "SMALL_PROBLEM_SIZE", 0)
        solution = solve(p, time_limit=6, workers=2)
        assert "Den Haag" in calls, small
        report = check(p, solution)
        assert report.ok, report.violations
        assert solution.objective == objective(p, solution.assignments, solution.supervision)
        assert solution.best_bound <= solution.objective
        assert solution.objective < greedy(p).objective


def test_starting_from_the_lp_prices_the_first_bound_is_at_least_the_lp():
    from scheduling.lpbound import lp_prices

    p = generate("M", 4)
    m = build_model(ProblemIndex.of(p), "Den Haag")
    rows, leads = _start(p, m)
    lp, minute, length = lp_prices(m, 10)
    assert lp == lp_bound(m, 10)
    bounds = []
    day = DayBound(m, rows, leads, prices=(minute, length))
    day.run(30, on_bound=bounds.append)
    # Prices rounded to 1/1000 a minute lose at most a little against the LP's own.
    assert bounds[0] >= lp - 1 - len(m.employees)
    assert bounds[-1] == day.best > lp
