"""Team LNS: each move re-solves a few teams with the rest fixed, and keeps the roster valid."""
from __future__ import annotations

from scheduling.checker import check, objective
from scheduling.domain import Solution
from scheduling.generate import generate
from scheduling.greedy import greedy
from scheduling.lns import neighbourhood, team_lns
from scheduling.model import ProblemIndex, build_model, hint_roster


def _region(p, name):
    index = ProblemIndex.of(p)
    return build_model(index, name)


def test_moves_lower_the_objective_by_exactly_what_they_save():
    p = generate("M", 1)
    m = _region(p, "Den Haag")
    start = greedy(p)
    greedy_cost, rows, leads = hint_roster(m, start.assignments, start.supervision)
    rows, leads, cost = team_lns(m, rows, leads, greedy_cost, 1.5, seed=7)
    assert cost < greedy_cost
    exact, _rows, _leads = hint_roster(m, rows, leads)
    assert cost == exact
    # The region's rows with every other region empty form a valid week.
    solution = Solution(status="FEASIBLE", assignments=rows, supervision=leads)
    report = check(p, solution)
    assert report.ok, report.violations
    others = sum(hint_roster(_region(p, r), [], [])[0]
                 for r in ProblemIndex.of(p).regions if r != "Den Haag")
    assert objective(p, rows, leads) == cost + others


def test_a_neighbourhood_leaves_the_fixed_teams_their_people_and_their_pool_days():
    p = generate("M", 1)
    m = _region(p, "Den Haag")
    start = greedy(p)
    team_of = {e.id: e.team for e in p.employees}
    teams = sorted({team_of[a.employee] for a in start.assignments
                    if a.employee in m.employees})
    chosen = {teams[0]}
    sub = neighbourhood(p, "Den Haag", m.requests.values(), chosen, team_of,
                        start.assignments, start.supervision)
    assert {e.team for e in sub.employees} == chosen
    fixed = [a for a in start.assignments
             if a.employee in m.employees and team_of[a.employee] not in chosen]
    for r in sub.requests:
        original_id, day = r.id.rsplit("|", 1)
        original = m.requests[original_id]
        taken = sum(1 for a in fixed if a.request == original_id and a.date.isoformat() == day)
        assert r.headcount == original.headcount - taken > 0
    pool_days = {(s.supervisor, s.date) for s in start.supervision
                 if s.team not in chosen and s.supervisor in {x.id for x in sub.supervisors}}
    for s in sub.supervisors:
        assert s.team is None or s.team in chosen
        for d in s.availability:
            assert (s.id, d) not in pool_days


def test_each_team_is_first_re_solved_alone_then_with_others(monkeypatch):
    from collections import Counter

    from scheduling import lns

    p = generate("M", 1)
    m = _region(p, "Den Haag")
    start = greedy(p)
    greedy_cost, rows, leads = hint_roster(m, start.assignments, start.supervision)
    moves = []
    original = lns._move

    def recording(m, chosen, team_of, assignments, supervision, left, work, rng, current):
        moves.append((frozenset(chosen), work))
        return original(m, chosen, team_of, assignments, supervision, left, work, rng, current)

    monkeypatch.setattr(lns, "_move", recording)
    team_lns(m, rows, leads, greedy_cost, 3.0, seed=7)
    teams = {team for team, _loc, _d in m.by_team_place}
    sweep = len(teams) * lns.SWEEPS
    assert len(moves) > sweep
    assert all(len(chosen) == 1 and work == lns.WORK_PER_SWEEP_MOVE for chosen, work in moves[:sweep])
    assert Counter(team for chosen, _ in moves[:sweep] for team in chosen) == {t: lns.SWEEPS for t in teams}
    later = moves[sweep:]
    assert all(len(chosen) == min(lns.TEAMS_PER_MOVE, len(teams)) and work == lns.WORK_PER_MOVE
               for chosen, work in later)


def _plan_case():
    import dataclasses

    p = dataclasses.replace(generate("M", 1), pinned=())  # M's pins are in Den Haag
    m = _region(p, "Utrecht")
    start = greedy(p)
    cost, rows, leads = hint_roster(m, start.assignments, start.supervision)
    return p, m, cost, rows, leads


def test_a_plan_keeps_only_the_planned_place_of_each_chosen_team_and_date():
    from scheduling.lpbound import lp_bound_and_plan

    p, m, _cost, rows, leads = _plan_case()
    _bound, plan = lp_bound_and_plan(m, 30)
    team_of = {e.id: e.team for e in p.employees}
    team = sorted({t for t, _d in plan})[0]
    sub = neighbourhood(p, "Utrecht", m.requests.values(), {team}, team_of, rows, leads, plan)
    free = neighbourhood(p, "Utrecht", m.requests.values(), {team}, team_of, rows, leads)
    assert len(sub.requests) < len(free.requests)
    for r in sub.requests:
        (d,) = r.days
        assert plan.get((team, d), r.location) == r.location


def test_team_lns_from_a_plan_returns_an_exact_valid_roster_never_worse_than_given():
    from scheduling.lpbound import lp_bound_and_plan

    p, m, cost, rows, leads = _plan_case()
    _bound, plan = lp_bound_and_plan(m, 30)
    hint_before = list(m.model.Proto().solution_hint.values)
    new_rows, new_leads, new_cost = team_lns(m, rows, leads, cost, 2.0, seed=3, plan=plan)
    assert new_cost <= cost
    assert hint_roster(m, new_rows, new_leads)[0] == new_cost
    assert check(p, Solution(status="FEASIBLE", assignments=new_rows, supervision=new_leads)).ok
    # A plan that costs more than what was given never comes back instead of it.
    worse = {key: "nowhere" for key in plan}  # no request anywhere: every team's week emptied
    hint_roster(m, rows, leads)
    same_rows, _leads, same_cost = team_lns(m, rows, leads, cost, 0.3, seed=3, plan=worse)
    assert (same_rows, same_cost) == (rows, cost) or same_cost < cost
    # Neither run left the rosters it tried as the model's hint: it is still the given roster's.
    assert list(m.model.Proto().solution_hint.values) == hint_before


def test_following_a_plan_leaves_the_model_hint_as_it_was():
    from scheduling import lns
    from scheduling.lpbound import lp_bound_and_plan

    p, m, cost, rows, leads = _plan_case()
    _bound, plan = lp_bound_and_plan(m, 30)
    hint = m.model.Proto().solution_hint
    before = (list(hint.vars), list(hint.values))
    team_of = {e.id: e.team for e in p.employees}
    teams = sorted({t for t, _d in plan})
    import random
    import time
    lns._follow_plan(m, plan, teams, team_of, rows, leads, time.monotonic() + 5, random.Random(1), None, None)
    assert (list(hint.vars), list(hint.values)) == before


def test_following_a_plan_keeps_the_pins():
    from scheduling.lpbound import lp_bound_and_plan

    p = generate("M", 1)
    m = _region(p, "Den Haag")
    pins = {(a.employee, a.date, a.request) for a in p.pinned if a.employee in m.employees}
    assert pins
    start = greedy(p)
    cost, rows, leads = hint_roster(m, start.assignments, start.supervision)
    _bound, plan = lp_bound_and_plan(m, 30)
    team_of = {e.id: e.team for e in p.employees}
    # Send every team elsewhere than its pinned places, so the plan and the pins disagree.
    pinned_places = {(team_of[a.employee], a.date): m.requests[a.request].location
                     for a in p.pinned if a.employee in m.employees}
    others = {loc.id for loc in p.locations if loc.region == "Den Haag"}
    for key, place in pinned_places.items():
        plan[key] = sorted(others - {place})[0]
    new_rows, new_leads, new_cost = team_lns(m, rows, leads, cost, 2.0, seed=5, plan=plan)
    assert pins <= {(a.employee, a.date, a.request) for a in new_rows}
    assert hint_roster(m, new_rows, new_leads)[0] == new_cost <= cost
