"""This package's seventh goal: who leads a team where stays as last week (previous_supervision,
per ISO weekday), where otherwise the model has no reason to prefer one of two equal leaders and
team leaders change places from week to week for nothing (a QA finding)."""
from __future__ import annotations

import dataclasses
import json
import random

import pytest

from builders_model import (MON, TUE, all_days, employee, optimum, prev, problem, random_problem, request,
                            supervisor)
from scheduling import solve
from scheduling.checker import check, objective, objective_terms
from scheduling.daybound import DayBound
from scheduling.domain import PreviousSupervision
from scheduling.generate import generate
from scheduling.greedy import greedy
from scheduling.io import FormatError, problem_to_dict, read_problem
from scheduling.lns import team_lns
from scheduling.model import ProblemIndex, build_model, hint_roster


def _split_team(**kw) -> object:
    """Team t-1 works at two places on Monday and Tuesday; its own leader s-1 and the pool's p-1
    can each lead either place, so which leads where is free for the model."""
    return problem(
        employees=[employee(f"e-{i}") for i in range(4)],
        requests=[request("r-1", "loc-1", days=(MON, TUE), headcount=2),
                  request("r-2", "loc-2", days=(MON, TUE), headcount=2)],
        supervisors=kw.pop("supervisors", (supervisor("s-1"), supervisor("p-1", team=None))),
        **kw,
    )


def _last_week(first: str, other: str) -> tuple[PreviousSupervision, ...]:
    return tuple(PreviousSupervision(s, weekday, loc, "t-1") for weekday in (1, 2)
                 for s, loc in ((first, "loc-1"), (other, "loc-2")))


def _leads(supervision) -> set[tuple]:
    return {(s.supervisor, s.date.isoweekday(), s.location) for s in supervision}


@pytest.mark.parametrize("first", ["s-1", "p-1"])
def test_each_place_keeps_last_weeks_leader(first):
    other = "p-1" if first == "s-1" else "s-1"
    p = dataclasses.replace(_split_team(), previous_supervision=_last_week(first, other))
    solution = solve(p, time_limit=5, workers=1, deterministic=True)
    assert solution.status == "OPTIMAL" and check(p, solution).ok
    assert _leads(solution.supervision) == {(s.supervisor, s.weekday, s.location) for s in p.previous_supervision}
    assert solution.objective == objective(p, solution.assignments, solution.supervision)
    assert objective_terms(p, solution.assignments, solution.supervision)["supervision_continuity"] == 0
    assert check(p, solution).metrics.leader_continuity == 1.0


def test_a_leader_away_this_week_costs_the_place_but_never_its_work():
    """Last week's leader at loc-1 on Monday (s-1) is away: whoever leads there now, the place
    costs supervision_continuity once, and the team still works there (a shortfall costs more)."""
    away = {d: w for d, w in all_days().items() if d != MON}
    p = dataclasses.replace(
        _split_team(supervisors=(supervisor("s-1", availability=away), supervisor("p-1", team=None),
                                 supervisor("p-2", team=None))),
        previous_supervision=(PreviousSupervision("s-1", 1, "loc-1", "t-1"),))
    solution = solve(p, time_limit=5, workers=1, deterministic=True)
    assert solution.status == "OPTIMAL" and check(p, solution).ok
    assert not solution.shortfall
    terms = objective_terms(p, solution.assignments, solution.supervision)
    assert terms["supervision_continuity"] == 10
    assert solution.objective == objective(p, solution.assignments, solution.supervision)
    assert check(p, solution).metrics.leader_continuity == 0.0


def test_a_leaders_place_never_outweighs_the_peoples_own():
    """A leader's place weighs less than an employee's (`change`): the team's two people worked at
    loc-1 on Monday, led by p-1, who is away now; s-1 led at loc-2. They stay at loc-1, under s-1,
    for supervision_continuity once rather than `change` twice."""
    away = {d: w for d, w in all_days().items() if d != MON}
    p = problem(employees=[employee("e-1"), employee("e-2")],
                requests=[request("r-1", "loc-1", headcount=2), request("r-2", "loc-2", headcount=2)],
                previous=[prev("e-1", 1, "loc-1"), prev("e-2", 1, "loc-1")],
                supervisors=(supervisor("s-1"), supervisor("p-1", team=None, availability=away)))
    p = dataclasses.replace(p, previous_supervision=(PreviousSupervision("s-1", 1, "loc-2", "t-1"),
                                                     PreviousSupervision("p-1", 1, "loc-1", "t-1")))
    solution = solve(p, time_limit=5, workers=1, deterministic=True)
    assert solution.status == "OPTIMAL" and check(p, solution).ok
    assert {a.request for a in solution.assignments} == {"r-1"}
    terms = objective_terms(p, solution.assignments, solution.supervision)
    assert terms["supervision_continuity"] == 10 and terms["change"] == 0
    assert solution.objective == objective(p, solution.assignments, solution.supervision)


def test_it_costs_nothing_on_a_weekday_or_place_without_an_entry():
    p = dataclasses.replace(_split_team(), previous_supervision=(
        PreviousSupervision("p-1", 3, "loc-1", "t-1"),  # Wednesday: nobody works then
        PreviousSupervision("s-1", 1, "loc-9", "t-1")))  # (a place of the region the team is not at)
    p = dataclasses.replace(p, locations=(*p.locations, dataclasses.replace(p.locations[0], id="loc-9")))
    solution = solve(p, time_limit=5, workers=1, deterministic=True)
    plain = solve(_split_team(), time_limit=5, workers=1, deterministic=True)
    assert solution.objective == plain.objective
    assert objective_terms(p, solution.assignments, solution.supervision)["supervision_continuity"] == 0
    assert not build_model(ProblemIndex.of(p), "Den Haag").lead_moved


def test_a_problem_without_it_builds_no_variable_and_no_row():
    plain = _split_team()
    with_it = dataclasses.replace(plain, previous_supervision=_last_week("s-1", "p-1"))
    m, n = build_model(ProblemIndex.of(plain), "Den Haag"), build_model(ProblemIndex.of(with_it), "Den Haag")
    assert not m.lead_moved and "supervision_continuity" not in m.penalties
    assert len(n.lead_moved) == 4  # each place on Monday and Tuesday
    assert n.num_variables == m.num_variables + 4 and n.num_constraints == m.num_constraints + 4
    # A weight of 0 leaves it out too.
    zero = dataclasses.replace(with_it, weights={**with_it.weights, "supervision_continuity": 0})
    assert not build_model(ProblemIndex.of(zero), "Den Haag").lead_moved


def test_greedy_keeps_last_weeks_leader_where_they_may_lead():
    # Greedy's own choice is the team's leader s-1 at the first place it fills (loc-1).
    assert _leads(greedy(_split_team()).supervision) >= {("s-1", 1, "loc-1")}
    p = dataclasses.replace(_split_team(), previous_supervision=_last_week("p-1", "s-1"))
    roster = greedy(p)
    assert check(p, roster).ok
    assert _leads(roster.supervision) == {(s.supervisor, s.weekday, s.location) for s in p.previous_supervision}
    assert objective_terms(p, roster.assignments, roster.supervision)["supervision_continuity"] == 0


def test_the_model_hints_last_weeks_leader():
    p = dataclasses.replace(
        _split_team(previous=[prev(f"e-{i}", weekday, "loc-1" if i < 2 else "loc-2")
                              for i in range(4) for weekday in (1, 2)]),
        previous_supervision=_last_week("p-1", "s-1"))
    m = build_model(ProblemIndex.of(p), "Den Haag")
    hint = dict(zip(m.model.Proto().solution_hint.vars, m.model.Proto().solution_hint.values))
    hinted = {(k[0], k[4].isoweekday(), k[3]) for k, var in m.y.items() if hint.get(var.Index()) == 1}
    assert hinted == {(s.supervisor, s.weekday, s.location) for s in p.previous_supervision}


def _with_leaders(p, seed: int):
    """p with a random previous_supervision: at about half of each team's places and weekdays,
    one of those who may lead the team (its own leader, its region's pool), one place a leader
    and weekday."""
    rng = random.Random(seed)
    regions = {t.id: t.region for t in p.teams}
    out, taken = [], set()
    for team in p.teams:
        leaders = [s.id for s in p.supervisors if s.team == team.id or (s.team is None and s.region == team.region)]
        for weekday in range(1, 6):
            for loc in p.locations:
                free = [s for s in leaders if (s, weekday) not in taken]
                if loc.region == regions[team.id] and free and rng.random() < 0.5:
                    chosen = rng.choice(free)
                    taken.add((chosen, weekday))
                    out.append(PreviousSupervision(chosen, weekday, loc.id, team.id))
    return dataclasses.replace(p, previous_supervision=tuple(out))


@pytest.mark.parametrize("seed", [3, 11, 27])
def test_the_checkers_objective_is_the_solvers_with_it(seed):
    p = _with_leaders(random_problem(seed, n_employees=8, n_requests=4), seed)
    assert p.previous_supervision
    solution = solve(p, time_limit=10, workers=1, deterministic=True)
    assert check(p, solution).ok
    assert solution.objective == objective(p, solution.assignments, solution.supervision)
    roster = greedy(p)
    assert roster.objective == objective(p, roster.assignments, roster.supervision)


def test_day_rosters_and_team_lns_count_it_as_the_checker_does():
    p = _with_leaders(generate("M", 1), 1)
    index = ProblemIndex.of(p)
    m = build_model(index, "Den Haag")
    start = greedy(p)
    greedy_cost, rows, leads = hint_roster(m, start.assignments, start.supervision)
    assert objective_terms(p, rows, leads)["supervision_continuity"] > 0  # it bites here
    rows, leads, cost = team_lns(m, rows, leads, greedy_cost, 1.5, seed=7)
    assert cost == hint_roster(m, rows, leads)[0]
    others = sum(hint_roster(build_model(index, r), [], [])[0] for r in index.regions if r != "Den Haag")
    assert objective(p, rows, leads) == cost + others
    small = _with_leaders(random_problem(5, n_employees=8, n_requests=4, regions=("Den Haag",)), 5)
    sm = build_model(ProblemIndex.of(small), "Den Haag")
    roster = greedy(small)
    _cost, rows, leads = hint_roster(sm, roster.assignments, roster.supervision)
    day = DayBound(sm, rows, leads)
    assert day.run(5) <= optimum(sm)
    cost, rows, leads = hint_roster(sm, *day.roster(5))
    assert cost == objective(small, rows, leads)


def _data(**extra) -> dict:
    p = dataclasses.replace(_split_team(), previous_supervision=_last_week("s-1", "p-1"))
    data = json.loads(json.dumps(problem_to_dict(p)))
    data.update(extra)
    return data


def test_it_is_written_and_read_back():
    p = dataclasses.replace(_split_team(), previous_supervision=_last_week("s-1", "p-1"))
    data = json.loads(json.dumps(problem_to_dict(p)))
    assert data["previous_supervision"][0] == {"supervisor": "s-1", "weekday": 1, "location": "loc-1", "team": "t-1"}
    assert read_problem(data) == p
    assert "previous_supervision" not in problem_to_dict(_split_team())


@pytest.mark.parametrize("rows, expected", [
    ([{"supervisor": "s-9", "weekday": 1, "location": "loc-7", "team": "t-8"}],
     ["previous_supervision[0].supervisor", "'s-9'", "previous_supervision[0].location", "'loc-7'",
      "previous_supervision[0].team", "'t-8'"]),
    ([{"supervisor": "s-1", "weekday": 0, "location": "loc-1", "team": "t-1"}],
     ["previous_supervision[0].weekday", "tussen 1 en 7", "niet 0"]),
    ([{"supervisor": "s-1", "weekday": 8, "location": "loc-1", "team": "t-1"}],
     ["previous_supervision[0].weekday", "niet 8"]),
    ([{"supervisor": "s-1", "weekday": "1", "location": "loc-1", "team": "t-1"}],
     ["previous_supervision[0].weekday", "geheel getal"]),
    ([{"supervisor": "s-1", "weekday": True, "location": "loc-1", "team": "t-1"}],
     ["previous_supervision[0].weekday", "geheel getal"]),
    ([{"supervisor": 5, "weekday": 1, "location": ["loc-1"], "team": None}],
     ["previous_supervision[0].supervisor", "tekst", "previous_supervision[0].location",
      "previous_supervision[0].team"]),
    ([{"weekday": 1}], ["previous_supervision[0].supervisor", "verplicht veld ontbreekt",
                        "previous_supervision[0].location", "previous_supervision[0].team"]),
    (["s-1"], ["previous_supervision[0]", "moet een object zijn"]),
    ({"supervisor": "s-1"}, ["previous_supervision", "moet een lijst zijn"]),
    ([{"supervisor": "s-1", "weekday": 1, "location": "loc-1", "team": "t-1"},
      {"supervisor": "p-1", "weekday": 1, "location": "loc-1", "team": "t-1"}],
     ["previous_supervision[1]", "al een vorige teamleider", "previous_supervision[0]"]),
    ([{"supervisor": "s-1", "weekday": 1, "location": "loc-1", "team": "t-1"},
      {"supervisor": "s-1", "weekday": 1, "location": "loc-2", "team": "t-1"}],
     ["previous_supervision[1]", "leidde op weekdag 1 al een team"]),
])
def test_the_reader_refuses_a_bad_entry_naming_the_field_and_value(rows, expected):
    with pytest.raises(FormatError) as refused:
        read_problem(_data(previous_supervision=rows))
    text = str(refused.value)
    for part in expected:
        assert part in text, text


def test_the_reader_refuses_a_leader_who_may_not_lead_that_team_or_a_place_of_another_region():
    data = _data()
    data["teams"].append({"id": "t-2", "name": "Team 2", "region": "Den Haag", "max_size": 15})
    data["locations"].append({"id": "u-1", "name": "Utrecht", "region": "Utrecht"})
    data["supervisors"].append({"id": "s-2", "name": "s-2", "team": "t-2", "region": "Den Haag",
                                "work_types": ["keyboards"], "availability": {}})
    data["previous_supervision"] = [
        {"supervisor": "s-2", "weekday": 3, "location": "loc-1", "team": "t-1"},
        {"supervisor": "s-1", "weekday": 4, "location": "u-1", "team": "t-1"},
    ]
    with pytest.raises(FormatError) as refused:
        read_problem(data)
    text = str(refused.value)
    assert "previous_supervision[0].supervisor" in text and "kan team 't-1' niet leiden" in text
    assert "previous_supervision[1].location" in text and "'u-1'" in text
