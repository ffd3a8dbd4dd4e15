"""The LP's dive for a plan, and HiGHS's best roster on it: valid rosters, pins kept, and an
outside roster checked against the model before the solver takes it."""
from __future__ import annotations

import dataclasses
import threading
import time

from scheduling import lpbound
from scheduling import solver as solver_module
from scheduling.checker import check, objective
from scheduling.domain import AssignmentRef, Solution
from scheduling.generate import generate
from scheduling.greedy import greedy
from scheduling.lpbound import lp_bound, lp_bound_and_plan, plan_roster
from scheduling.model import ProblemIndex, build_model, hint_roster
from scheduling.solver import hint_is_valid, solve


def _utrecht():
    p = dataclasses.replace(generate("M", 1), pinned=())  # M's pins are in Den Haag
    return p, build_model(ProblemIndex.of(p), "Utrecht")


def test_the_dive_gives_each_team_day_one_place_of_its_region_and_keeps_the_bound():
    p, m = _utrecht()
    bound, plan = lp_bound_and_plan(m, 30, dive_until=time.monotonic() + 30)
    assert bound == lp_bound(m, 30)
    team_region = {t.id: t.region for t in p.teams}
    location_region = {loc.id: loc.region for loc in p.locations}
    assert plan
    for (team, d), location in plan.items():
        assert team_region[team] == location_region[location] == "Utrecht"
        assert any(key[2:] == (team, location, d) for key in m.y)
    # Every team-day the LP first gave some supervision is in the dived plan.
    _bound, first = lp_bound_and_plan(m, 30)
    assert set(first) <= set(plan)


def test_the_roster_on_a_plan_keeps_each_team_at_its_planned_place_and_passes_check():
    p, m = _utrecht()
    _bound, plan = lp_bound_and_plan(m, 30, dive_until=time.monotonic() + 30)
    found = plan_roster(m, plan, 30)
    assert found is not None
    rows, leads = found
    team_of = {e.id: e.team for e in p.employees}
    requests = {r.id: r for r in p.requests}
    assert rows
    for a in rows:
        assert plan.get((team_of[a.employee], a.date), requests[a.request].location) == \
            requests[a.request].location
    cost, rows, leads = hint_roster(m, rows, leads)
    assert hint_is_valid(m, 10)
    report = check(p, Solution(status="FEASIBLE", assignments=rows, supervision=leads))
    assert report.ok, report.violations
    # Better than the careful spreadsheet's week for this region.
    start = greedy(p)
    assert cost < hint_roster(m, start.assignments, start.supervision)[0]


def test_the_roster_on_a_plan_keeps_the_pins_where_the_plan_disagrees():
    p = generate("M", 1)
    m = build_model(ProblemIndex.of(p), "Den Haag")
    pins = {(a.employee, a.date, a.request) for a in p.pinned if a.employee in m.employees}
    assert pins
    _bound, plan = lp_bound_and_plan(m, 30, dive_until=time.monotonic() + 10)
    team_of = {e.id: e.team for e in p.employees}
    places = {loc.id for loc in p.locations if loc.region == "Den Haag"}
    for a in p.pinned:
        pinned_place = m.requests[a.request].location
        plan[(team_of[a.employee], a.date)] = sorted(places - {pinned_place})[0]
    found = plan_roster(m, plan, 30)
    assert found is not None
    assert pins <= {(a.employee, a.date, a.request) for a in found[0]}


def test_a_roster_the_model_refuses_is_not_valid():
    p, m = _utrecht()
    start = greedy(p)
    hint_roster(m, start.assignments, start.supervision)
    assert hint_is_valid(m, 10)
    # One more person on a request-day that is already full breaks rule 5.
    filled: dict = {}
    for a in start.assignments:
        if a.request in m.requests:
            filled.setdefault((a.request, a.date), set()).add(a.employee)
    working = {(a.employee, a.date) for a in start.assignments}
    extra = None
    for (r_id, d), people in filled.items():
        if len(people) < m.requests[r_id].headcount:
            continue
        for (e_id, r2, d2) in m.x:
            if r2 == r_id and d2 == d and (e_id, d) not in working:
                extra = AssignmentRef(e_id, d, r_id)
                break
        if extra:
            break
    assert extra is not None
    hint_roster(m, [*start.assignments, extra], start.supervision)
    assert not hint_is_valid(m, 10)


def test_the_solver_refuses_a_roster_on_the_plan_that_breaks_a_rule(monkeypatch):
    p, m = _utrecht()
    start = greedy(p)
    fallback = hint_roster(m, start.assignments, start.supervision)
    _bound, plan = lp_bound_and_plan(m, 30)
    # An outside roster that looks cheap but puts everyone on every request-day.
    everything = ([AssignmentRef(e, d, r) for (e, r, d) in m.x], [])
    monkeypatch.setattr(solver_module, "plan_roster", lambda *args: everything)
    kept = solver_module._roster_on_plan(m, plan, 10, fallback)
    assert kept is fallback
    assert hint_is_valid(m, 10)  # the hint is the fallback's again


def test_the_solver_starts_large_regions_from_the_roster_on_the_plan(monkeypatch):
    # Every region of M counts as large, so each gets the LP, its dive and the plan's roster.
    monkeypatch.setattr(solver_module, "LP_BOUND_MIN_VARIABLES", 0)
    monkeypatch.setattr(solver_module, "LP_BOUND_MIN_SECONDS", 0.0)
    # M's regions are small: HiGHS needs far less than the second kept for L's.
    monkeypatch.setattr(lpbound, "PLAN_ROSTER_MIN_SECONDS", 0.2)
    found: list[int] = []

    def spy(m, plan, seconds, cancel=None):
        rows = plan_roster(m, plan, seconds, cancel)
        if rows is not None:
            found.append(hint_roster(m, *rows)[0])
        return rows

    monkeypatch.setattr(solver_module, "plan_roster", spy)
    p = generate("M", 2)
    solution = solve(p, time_limit=8, workers=2)
    assert found
    assert check(p, solution).ok
    assert solution.objective == objective(p, solution.assignments, solution.supervision)


def test_highs_writes_nothing_to_stdout_where_solve_writes_its_json(capfd):
    _p, m = _utrecht()
    _bound, plan = lp_bound_and_plan(m, 30, dive_until=time.monotonic() + 5)
    capfd.readouterr()
    assert plan_roster(m, plan, 30) is not None
    out, _err = capfd.readouterr()
    assert out == ""


def _stop_everything_registered(current: dict, done: threading.Event) -> None:
    """What solve's cancel watcher does: StopSearch on every running search, until done."""
    while not done.wait(0.05):
        for running in list(current["solvers"]):
            running.StopSearch()


def test_a_cancel_stops_the_lp_of_a_large_region():
    # L's Den Haag: HiGHS's first LP takes about 4 s and ignores interrupts, the dive would go
    # on for a minute. Stopped, the region gets no bound and no plan at once: the LP is left to
    # finish in its own thread.
    p = generate("L", 1)
    m = build_model(ProblemIndex.of(p), "Den Haag")
    current: dict = {"solvers": set()}
    done = threading.Event()
    threading.Thread(target=_stop_everything_registered, args=(current, done),
                     daemon=True).start()
    started = time.monotonic()
    try:
        bound, plan = lp_bound_and_plan(m, 60, dive_until=time.monotonic() + 60,
                                        current=current)
    finally:
        done.set()
    # The model's build and conversion, then the stop: seconds, not the minute the dive would take
    # (a wide margin, so a busy machine does not fail it).
    assert time.monotonic() - started < 20
    assert (bound, plan) == (None, {})
    assert not current["solvers"]  # nothing left registered


def test_a_dive_short_of_time_fixes_more_a_round_so_that_it_finishes():
    masses = [1.0] * 10 + [0.6] * 90  # ten sure team-days, ninety open
    # Time enough: the sure ones and 30% of all.
    assert lpbound.dive_take(masses, None, 10.0) == 30
    assert lpbound.dive_take(masses, 0.5, 60.0) == 30
    # Two rounds left at the last round's pace: half of them now.
    assert lpbound.dive_take(masses, 2.0, 4.5) == 50
    # Not one round left: all of them, so the dive ends on an LP of its own.
    assert lpbound.dive_take(masses, 4.6, 1.3) == 100
    assert lpbound.dive_take([0.99] * 3, 4.6, 1.3) == 3
    assert lpbound.dive_take([0.4], None, 0.0) == 1


def test_a_cancel_returns_at_once_from_a_highs_run_that_ignores_it():
    cancel = threading.Event()
    threading.Timer(0.2, cancel.set).start()
    started = time.monotonic()
    assert lpbound._unless_cancelled(lambda: time.sleep(5) or "late", cancel) is None
    assert time.monotonic() - started < 1
    # Without a cancel, or before it comes, the result; a failure is None.
    assert lpbound._unless_cancelled(lambda: "done", None) == "done"
    assert lpbound._unless_cancelled(lambda: "done", threading.Event()) == "done"
    assert lpbound._unless_cancelled(lambda: 1 / 0, threading.Event()) is None
    # A cancel set before HiGHS starts: nothing is solved.
    _p, m = _utrecht()
    model = lpbound.as_mathopt(lpbound.build_relaxation(m))
    assert lpbound.solve_with_highs(model, 30, cancel=cancel) is None
    assert lpbound.solve_with_highs(model, 30, cancel=threading.Event()) is not None
