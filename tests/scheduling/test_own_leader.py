"""This package's goal supervision_stand_in: a team's own leader leads it whenever free, a pool
stand-in only where needed. Without it the two were equal to the model: re-plans flipped between
them (a QA finding: Team Heerlen's Thursday led by its leader Zoë in one plan, by stand-in Umut
in the next identical one), and a stand-in who covered one absence stayed on in later weeks
through previous_supervision."""
from __future__ import annotations

import dataclasses
import json

import pytest

from builders_model import (DAYS, FRI, MON, THU, TUE, all_days, employee, optimum, problem, random_problem,
                            request, supervisor)
from scheduling import solve
from scheduling.checker import check, objective, objective_terms
from scheduling.daybound import DayBound
from scheduling.domain import DEFAULT_WEIGHTS, PreviousSupervision, SupervisionRef
from scheduling.generate import generate
from scheduling.greedy import greedy
from scheduling.io import FormatError, problem_to_dict, read_problem
from scheduling.lns import team_lns
from scheduling.lpbound import lp_bound
from scheduling.model import ProblemIndex, build_model, hint_roster

LEADER, STAND_IN = "s-zoe", "p-umut"


def _team(*, leader_away=(), weights=None, previous_supervision=()) -> object:
    """Team t-1, two people wanted at loc-1 every date; its own leader (away on `leader_away`) and
    the region's pool stand-in, free all week, can each lead it."""
    leader_days = all_days(days=tuple(d for d in DAYS if d not in leader_away))
    p = problem(employees=[employee("e-1", contract=5 * 330), employee("e-2", contract=5 * 330)],
                requests=[request("r-1", "loc-1", days=DAYS, headcount=2)],
                supervisors=(supervisor(LEADER, availability=leader_days), supervisor(STAND_IN, team=None)),
                weights=None if weights is None else {**DEFAULT_WEIGHTS, **weights})
    return dataclasses.replace(p, previous_supervision=tuple(previous_supervision))


def _solve(p):
    solution = solve(p, time_limit=5, workers=1, deterministic=True)
    assert solution.status == "OPTIMAL" and check(p, solution).ok
    assert not solution.shortfall
    return solution


def _leaders(supervision) -> dict:
    return {s.date: s.supervisor for s in supervision}


def test_the_weight_sits_between_continuity_and_the_goals_about_work():
    w = DEFAULT_WEIGHTS
    assert w["supervision_continuity"] < w["supervision_stand_in"] == 20 < w["change"] < w["shortfall"]


def test_the_own_leader_leads_when_free():
    p = _team()
    solution = _solve(p)
    assert _leaders(solution.supervision) == {d: LEADER for d in DAYS}
    assert objective_terms(p, solution.assignments, solution.supervision)["supervision_stand_in"] == 0
    assert check(p, solution).metrics.stand_in_days == 0
    assert solution.objective == objective(p, solution.assignments, solution.supervision)


def test_with_the_weight_at_zero_either_may_lead():
    p = _team(weights={"supervision_stand_in": 0})
    m = build_model(ProblemIndex.of(p), "Den Haag")
    assert not m.stand_in and "supervision_stand_in" not in m.penalties
    solution = _solve(p)
    swapped = [dataclasses.replace(s, supervisor=STAND_IN) for s in solution.supervision]
    assert check(p, dataclasses.replace(solution, supervision=swapped)).ok
    assert objective(p, solution.assignments, swapped) == solution.objective
    # With the default weight the same swap costs 20 a date.
    q = _team()
    own = objective(q, solution.assignments, solution.supervision)
    assert objective(q, solution.assignments, swapped) - own == 5 * 20


def test_the_stand_in_leads_the_day_the_own_leader_is_away_and_only_that_day():
    p = _team(leader_away=(THU,))
    solution = _solve(p)
    assert _leaders(solution.supervision) == {**{d: LEADER for d in DAYS}, THU: STAND_IN}
    terms = objective_terms(p, solution.assignments, solution.supervision)
    assert terms["supervision_stand_in"] == 20  # rather than leaving Thursday's work undone
    assert check(p, solution).metrics.stand_in_days == 1
    assert solution.objective == objective(p, solution.assignments, solution.supervision)


def test_the_own_leader_returns_after_an_absence_despite_last_weeks_stand_in():
    """Last week the stand-in covered Thursday; this week the own leader is free that day. The
    stand-in's 20 outweighs continuity's 10, so the own leader leads again."""
    last_week = (PreviousSupervision(STAND_IN, THU.isoweekday(), "loc-1", "t-1"),
                 PreviousSupervision(LEADER, FRI.isoweekday(), "loc-1", "t-1"))
    p = _team(previous_supervision=last_week)
    solution = _solve(p)
    assert _leaders(solution.supervision) == {d: LEADER for d in DAYS}
    terms = objective_terms(p, solution.assignments, solution.supervision)
    assert terms["supervision_continuity"] == 10 and terms["supervision_stand_in"] == 0
    assert solution.objective == objective(p, solution.assignments, solution.supervision)
    # Continuity weighed more than the stand-in: then the stand-in would stay on.
    heavy = _team(previous_supervision=last_week, weights={"supervision_continuity": 30})
    assert _leaders(_solve(heavy).supervision)[THU] == STAND_IN


def test_a_place_only_a_stand_in_can_lead_still_gets_its_work():
    """A team split over two places by its requests: the own leader leads one, the stand-in the
    other, for 20 rather than a shortfall (1000 a person)."""
    p = problem(employees=[employee(f"e-{i}") for i in range(4)],
                requests=[request("r-1", "loc-1", headcount=2), request("r-2", "loc-2", headcount=2)],
                supervisors=(supervisor(LEADER), supervisor(STAND_IN, team=None)))
    solution = _solve(p)
    assert sorted(s.supervisor for s in solution.supervision) == [STAND_IN, LEADER]
    assert objective_terms(p, solution.assignments, solution.supervision)["supervision_stand_in"] == 20
    assert solution.objective == objective(p, solution.assignments, solution.supervision)


def test_the_checker_counts_a_stand_in_only_where_the_team_works():
    p = _team()
    rows = [a for a in _solve(p).assignments if a.date == MON]
    leads = [SupervisionRef(STAND_IN, MON, "loc-1", "t-1"), SupervisionRef(STAND_IN, TUE, "loc-1", "t-1")]
    assert objective_terms(p, rows, leads)["supervision_stand_in"] == 20
    assert check(p, dataclasses.replace(greedy(p), assignments=rows, supervision=leads[:1])).metrics.stand_in_days == 1


@pytest.mark.parametrize("seed", [3, 11, 27])
def test_the_checkers_objective_is_the_solvers_and_greedys(seed):
    p = random_problem(seed, n_employees=8, n_requests=4)
    solution = solve(p, time_limit=10, workers=1, deterministic=True)
    assert check(p, solution).ok
    assert solution.objective == objective(p, solution.assignments, solution.supervision)
    roster = greedy(p)
    assert roster.objective == objective(p, roster.assignments, roster.supervision)


def test_greedy_keeps_the_own_leader():
    last_week = tuple(PreviousSupervision(STAND_IN, d.isoweekday(), "loc-1", "t-1") for d in DAYS)
    for p in (_team(), _team(previous_supervision=last_week)):
        roster = greedy(p)
        assert check(p, roster).ok
        assert _leaders(roster.supervision) == {d: LEADER for d in DAYS}
    away = _team(leader_away=(THU,), previous_supervision=last_week)
    assert _leaders(greedy(away).supervision) == {**{d: LEADER for d in DAYS}, THU: STAND_IN}


def test_greedy_keeps_the_stand_in_where_the_own_leader_cannot_cover_the_teams_day():
    """The first shift filled (priority 3) starts at 07:30, before the own leader does, so the
    stand-in leads the place; the later shift there cannot move it to the own leader (one leader
    covers the team's whole day at a place), so the stand-in keeps it and both shifts are worked."""
    p = problem(employees=[employee("e-1", availability=all_days("07:00", "17:00")), employee("e-2")],
                requests=[request("r-early", "loc-1", start="07:30", end="12:00", priority=3),
                          request("r-late", "loc-1", start="09:00", end="15:00")],
                supervisors=(supervisor(LEADER), supervisor(STAND_IN, team=None,
                                                           availability=all_days("07:00", "17:00"))))
    roster = greedy(p)
    assert check(p, roster).ok and not roster.shortfall
    assert _leaders(roster.supervision) == {MON: STAND_IN}
    assert roster.objective == objective(p, roster.assignments, roster.supervision)


def test_a_week_without_stand_ins_builds_the_model_it_always_did():
    p = _team()
    own_only = dataclasses.replace(p, supervisors=p.supervisors[:1])
    zero = dataclasses.replace(own_only, weights={**own_only.weights, "supervision_stand_in": 0})
    m, z = build_model(ProblemIndex.of(own_only), "Den Haag"), build_model(ProblemIndex.of(zero), "Den Haag")
    assert not m.stand_in and "supervision_stand_in" not in m.penalties
    assert str(m.model.Proto()) == str(z.model.Proto())
    # With the pool's stand-in: one variable and one row per place and date it could lead.
    n = build_model(ProblemIndex.of(p), "Den Haag")
    unpriced = build_model(ProblemIndex.of(dataclasses.replace(
        p, weights={**p.weights, "supervision_stand_in": 0})), "Den Haag")
    assert len(n.stand_in) == 5
    assert n.num_variables == unpriced.num_variables + 5 and n.num_constraints == unpriced.num_constraints + 5


def test_the_lp_bound_day_rosters_and_team_lns_count_it_as_the_checker_does():
    p = generate("M", 1)
    index = ProblemIndex.of(p)
    m = build_model(index, "Den Haag")
    start = greedy(p)
    greedy_cost, rows, leads = hint_roster(m, start.assignments, start.supervision)
    assert objective_terms(p, rows, leads)["supervision_stand_in"] > 0  # it bites here
    rows, leads, cost = team_lns(m, rows, leads, greedy_cost, 1.5, seed=7)
    assert cost == hint_roster(m, rows, leads)[0]
    others = sum(hint_roster(build_model(index, r), [], [])[0] for r in index.regions if r != "Den Haag")
    assert objective(p, rows, leads) == cost + others
    small = random_problem(5, n_employees=8, n_requests=4, regions=("Den Haag",))
    sm = build_model(ProblemIndex.of(small), "Den Haag")
    assert sm.stand_in
    best = optimum(sm)
    assert lp_bound(sm, 5) <= best
    roster = greedy(small)
    _cost, rows, leads = hint_roster(sm, roster.assignments, roster.supervision)
    day = DayBound(sm, rows, leads)
    assert day.run(5) <= best
    cost, rows, leads = hint_roster(sm, *day.roster(5))
    assert cost == objective(small, rows, leads)


def test_a_problem_may_set_the_weight_and_the_reader_checks_it():
    data = json.loads(json.dumps(problem_to_dict(_team())))
    data["weights"] = {"supervision_stand_in": 5}
    assert read_problem(data).weights["supervision_stand_in"] == 5
    del data["weights"]
    assert read_problem(data).weights["supervision_stand_in"] == 20
    data["weights"] = {"supervision_stand_in": -1}
    with pytest.raises(FormatError) as refused:
        read_problem(data)
    assert "weights.supervision_stand_in" in str(refused.value)
