"""Pinned team leaders (pinned_supervision, this package's addition to rule 9): a team leader a
person chose for a team at a place on a date leads it there whenever the team works there, nobody
else does, and that date they lead nothing else. Every solver path and the greedy keep them; the
checker names a roster that does not; the reader refuses pins that cannot hold."""
from __future__ import annotations

import dataclasses
import json
import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from builders_model import MON, TUE, all_days, employee, problem, random_problem, ref, request, supervisor
from scheduling import solve
from scheduling.checker import check
from scheduling.domain import LeaderPins, Location, SupervisionRef, Team
from scheduling.explain import explain_shortfalls
from scheduling.generate import generate
from scheduling.greedy import greedy
from scheduling.io import FormatError, problem_to_dict, read_problem


def _split_team(**kwargs):
    """Team t-1 works at two places on Monday and Tuesday; its own leader s-1 and the pool's p-1
    can each lead either place, so which leads where is free for the model."""
    return problem(
        employees=[employee(f"e-{i}") for i in range(4)],
        requests=[request("r-1", "loc-1", days=(MON, TUE), headcount=2),
                  request("r-2", "loc-2", days=(MON, TUE), headcount=2)],
        supervisors=(supervisor("s-1"), supervisor("p-1", team=None)), **kwargs)


def _leads(solution) -> set[tuple]:
    return {(s.supervisor, s.date, s.location) for s in solution.supervision}


def _pinned(p, *pins: SupervisionRef):
    return dataclasses.replace(p, pinned_supervision=tuple(pins))


@pytest.mark.parametrize("at_first", ["s-1", "p-1"])
def test_the_solver_and_greedy_keep_the_chosen_leader_at_each_place(at_first):
    other = "p-1" if at_first == "s-1" else "s-1"
    pins = (SupervisionRef(at_first, MON, "loc-1", "t-1"), SupervisionRef(other, MON, "loc-2", "t-1"))
    p = _pinned(_split_team(), *pins)
    for solution in (solve(p, time_limit=5, workers=1, deterministic=True), greedy(p)):
        assert check(p, solution).ok, check(p, solution).violations
        assert {(s.supervisor, s.location) for s in solution.supervision if s.date == MON} == {
            (at_first, "loc-1"), (other, "loc-2")}
        # Nothing is lost for it: both places stay fully staffed.
        assert not [s for s in solution.shortfall if s.date == MON]


def test_a_pinned_leader_leads_nothing_else_that_date():
    # s-1 is pinned to a place where the team has no work: they are kept free for it, so on
    # Monday only the pool's p-1 can lead, and one of the two places goes without its team.
    pin = SupervisionRef("s-1", MON, "loc-3", "t-1")
    free = solve(_split_team(), time_limit=5, workers=1, deterministic=True)
    p = _pinned(_split_team(), pin)
    solution = solve(p, time_limit=5, workers=1, deterministic=True)
    assert solution.status == "OPTIMAL" and check(p, solution).ok
    assert not any(s.supervisor == "s-1" and s.date == MON for s in solution.supervision)
    assert sum(s.missing for s in solution.shortfall if s.date == MON) == 2
    assert solution.objective > free.objective
    # The other dates are as free as before.
    assert {x for x in _leads(solution) if x[1] == TUE} == {x for x in _leads(free) if x[1] == TUE}


def test_a_pin_where_the_team_does_not_work_asks_nothing_of_the_team():
    p = _pinned(_split_team(), SupervisionRef("p-1", TUE, "loc-3", "t-1"))
    solution = solve(p, time_limit=5, workers=1, deterministic=True)
    assert check(p, solution).ok
    # s-1 leads one place on Tuesday; the other place has nobody left to lead it.
    assert sum(s.missing for s in solution.shortfall if s.date == TUE) == 2
    assert {x[0] for x in _leads(solution) if x[1] == TUE} == {"s-1"}


def test_a_pinned_shift_the_pinned_leader_cannot_lead_is_reported_as_a_conflict():
    # The pool's p-1 leads only until 12:00; e-0 is pinned to loc-1's shift until 15:00.
    p = problem(employees=[employee("e-0")], requests=[request("r-1", "loc-1")],
                supervisors=(supervisor("s-1"), supervisor("p-1", team=None,
                                                          availability=all_days("08:00", "12:00"))),
                pinned=[ref("e-0", MON, "r-1")])
    assert solve(p, time_limit=5, workers=1, deterministic=True).status == "OPTIMAL"
    p = _pinned(p, SupervisionRef("p-1", MON, "loc-1", "t-1"))
    solution = solve(p, time_limit=5, workers=1, deterministic=True)
    assert solution.status == "INFEASIBLE"
    assert list(solution.conflicting_pins) == [ref("e-0", MON, "r-1")]


def test_the_reasons_for_a_short_request_day_count_a_pinned_leader_as_busy():
    p = _pinned(problem(employees=[employee("e-0")], requests=[request("r-1", "loc-1")]),
                SupervisionRef("s-1", MON, "loc-2", "t-1"))
    solution = solve(p, time_limit=5, workers=1, deterministic=True)
    assert check(p, solution).ok and not solution.assignments
    [short] = explain_shortfalls(p, [], [], solution.shortfall)
    assert any("teamleider" in sentence for sentence in short.reasons), short.reasons


def test_the_checker_names_a_replaced_pinned_leader_and_one_leading_elsewhere():
    p = _pinned(_split_team(), SupervisionRef("s-1", MON, "loc-1", "t-1"))
    base = solve(p, time_limit=5, workers=1, deterministic=True)
    assert check(p, base).ok
    swapped = [SupervisionRef("p-1" if s.supervisor == "s-1" else "s-1", s.date, s.location, s.team)
               if s.date == MON else s for s in base.supervision]
    report = check(p, dataclasses.replace(base, supervision=swapped))
    messages = [v.message for v in report.violations if v.rule == 9]
    assert any("wordt geleid door p-1, maar vastgezet is s-1" in m for m in messages), messages
    assert any("s-1 is op" in m and "vastgezet bij team t-1 op locatie loc-1, maar leidt team t-1 op locatie loc-2"
               in m for m in messages), messages


def test_leader_pins_answer_who_may_lead():
    pins = LeaderPins([SupervisionRef("s-1", MON, "loc-1", "t-1")])
    assert pins.allows("s-1", "t-1", "loc-1", MON)
    assert not pins.allows("p-1", "t-1", "loc-1", MON)  # the place is s-1's
    assert not pins.allows("s-1", "t-1", "loc-2", MON)  # s-1 is held for loc-1
    assert pins.allows("s-1", "t-1", "loc-2", TUE) and pins.allows("p-1", "t-1", "loc-2", MON)
    assert LeaderPins([]).allows("s-1", "t-1", "loc-1", MON) and not LeaderPins([])


def test_pinned_supervision_is_read_and_written():
    p = _pinned(_split_team(), SupervisionRef("p-1", MON, "loc-2", "t-1"), SupervisionRef("s-1", TUE, "loc-1", "t-1"))
    data = json.loads(json.dumps(problem_to_dict(p)))
    assert read_problem(data).pinned_supervision == p.pinned_supervision
    assert "pinned_supervision" not in problem_to_dict(_split_team())


@pytest.mark.parametrize("row, field, words", [
    ({"supervisor": "s-9"}, "pinned_supervision[1].supervisor", "onbekende teamleider 's-9'"),
    ({"location": "loc-7"}, "pinned_supervision[1].location", "onbekende locatie 'loc-7'"),
    ({"team": "t-7"}, "pinned_supervision[1].team", "onbekend team 't-7'"),
    ({"date": "2026-12-31"}, "pinned_supervision[1].date", "hoort niet bij de geplande dagen"),
    ({"date": "7 december"}, "pinned_supervision[1].date", "7 december"),
    ({"supervisor": "s-2"}, "pinned_supervision[1].supervisor", "kan team 't-1' niet leiden"),
    ({"supervisor": "p-2"}, "pinned_supervision[1].supervisor", "kan team 't-1' niet leiden"),
    ({"location": "loc-u"}, "pinned_supervision[1].location", "ligt niet in de regio 'Den Haag'"),
    ({"location": "loc-2"}, "pinned_supervision[1]", "al een vastgezette teamleider (in pinned_supervision[0])"),
    ({"supervisor": "s-1", "location": "loc-1"}, "pinned_supervision[1]",
     "teamleider 's-1' is op 2026-12-07 al vastgezet (in pinned_supervision[0])"),
])
def test_the_reader_refuses_a_pin_that_cannot_hold(row, field, words):
    p = _split_team(
        teams=(Team("t-1", "Team 1", "Den Haag"), Team("t-2", "Team 2", "Den Haag"), Team("t-u", "U", "Utrecht")),
        locations=(_loc("loc-1", "Den Haag"), _loc("loc-2", "Den Haag"), _loc("loc-u", "Utrecht")))
    p = dataclasses.replace(p, supervisors=p.supervisors + (
        supervisor("s-2", team="t-2"), supervisor("p-2", team=None, region="Utrecht")))
    data = problem_to_dict(_pinned(p, SupervisionRef("s-1", MON, "loc-2", "t-1")))
    bad = {"supervisor": "p-1", "date": "2026-12-07", "location": "loc-1", "team": "t-1"} | row
    data["pinned_supervision"].append(bad)
    with pytest.raises(FormatError) as refused:
        read_problem(data)
    errors = {e.path: e.message for e in refused.value.errors}
    assert field in errors, errors
    assert words in errors[field], errors


def _loc(id: str, region: str) -> Location:
    return Location(id, id, region)


SETTINGS = settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _random_leader_pins(p, seed: int) -> tuple[SupervisionRef, ...]:
    """A few pins any valid Problem could hold: a leader who may lead the team, a place of the
    team's region, a planned date; one per place-day and per leader-day."""
    rng = random.Random(seed)
    region_of = {t.id: t.region for t in p.teams}
    pins, places, leaders = [], set(), set()
    for _ in range(rng.randint(1, 4)):
        s = rng.choice(p.supervisors)
        teams = [t.id for t in p.teams if s.team in (None, t.id) and region_of[t.id] == s.region]
        team = rng.choice(teams)
        location = rng.choice([loc.id for loc in p.locations if loc.region == region_of[team]])
        day = rng.choice(p.days)
        if (team, location, day) in places or (s.id, day) in leaders:
            continue
        places.add((team, location, day))
        leaders.add((s.id, day))
        pins.append(SupervisionRef(s.id, day, location, team))
    return tuple(pins)


@SETTINGS
@given(st.integers(0, 10_000), st.integers(1, 9), st.integers(1, 4), st.integers(0, 1000))
def test_random_leader_pins_hold_in_every_roster_and_never_make_it_better(seed, n_employees, n_requests, pin_seed):
    p = random_problem(seed, n_employees=n_employees, n_requests=n_requests)
    free = solve(p, time_limit=10, workers=1, deterministic=True)
    pinned = _pinned(p, *_random_leader_pins(p, pin_seed))
    solution = solve(pinned, time_limit=10, workers=1, deterministic=True)
    assert solution.status == "OPTIMAL"
    assert check(pinned, solution).ok, check(pinned, solution).violations
    assert solution.objective >= free.objective
    rough = greedy(pinned)
    assert check(pinned, rough).ok, check(pinned, rough).violations
    # The same pins read back from the format give the same roster.
    assert read_problem(json.loads(json.dumps(problem_to_dict(pinned)))) == pinned


def test_the_large_region_paths_keep_leader_pins():
    """M seed 7's Den Haag (2,517 variables) takes the large path: LP, dive, HiGHS's roster on
    the plan, the day round and team LNS. Leaders pinned where greedy put them, one place-day in
    three, stay in whatever roster they return."""
    p = generate("M", 7)
    rough = greedy(p)
    pins = tuple(sorted(rough.supervision, key=lambda s: (s.date, s.team, s.location)))[::3]
    pinned = _pinned(p, *pins)
    solution = solve(pinned, time_limit=6, workers=2)
    report = check(pinned, solution)
    assert solution.status in ("OPTIMAL", "FEASIBLE") and report.ok, report.violations[:3]
    led = {(s.team, s.location, s.date): s.supervisor for s in solution.supervision}
    assert all(led.get((x.team, x.location, x.date), x.supervisor) == x.supervisor for x in pins)
    assert sum(1 for x in pins if (x.team, x.location, x.date) in led) >= len(pins) // 2
