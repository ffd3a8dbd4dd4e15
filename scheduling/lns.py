"""Large neighbourhood search by teams: re-solve a few teams at a time, the rest fixed.

A region's model is too large for CP-SAT's tree search to improve much in a minute, and its
built-in LNS shares one core with nine other heuristics. Teams interact only through the
requests they share (headcount) and the pool supervisor, so re-optimising a handful of teams
that work at the same locations, with everyone else fixed, is a small problem that CP-SAT
solves to optimality in a fraction of a second, and each accepted move improves the roster.

A move builds a Problem of its own for the chosen teams: each request-day with the headcount
the fixed teams leave, and the pool supervisor only on the days the fixed teams do not use
them. Every cost of the chosen teams' part (their shortfall share, contract gaps, changes,
republished rows, splits) is then a cost of that small Problem, so a move that lowers the
small Problem's objective lowers the region's by the same amount.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import random
import threading
import time
from collections import defaultdict
from collections.abc import Callable

from ortools.sat.python import cp_model

from .domain import DAY_MINUTES, AssignmentRef, Problem, Request, SupervisionRef, Window, rest_too_short
from .model import (
    ProblemIndex,
    RosterModel,
    build_model,
    hint_roster,
    read_roster,
    split_slack,
)

# Teams re-solved together, and the CP-SAT work per neighbourhood in deterministic seconds
# (not wall seconds: on a loaded machine a move still gets the work it needs, or none).
TEAMS_PER_MOVE = 3
WORK_PER_MOVE = 0.5
# First, each team alone re-solved this many times over (in a random order), with this much
# work a move: a team's own best week, given the others, is a small model CP-SAT settles
# quickly, and from the greedy roster such sweeps take the cheap gains several times faster
# than moves of three (L's Amsterdam: 527k -> 387k in 1.2 s; after 10 s, six runs each,
# 340k instead of 354k on average, and a third of the spread).
SWEEPS = 2
WORK_PER_SWEEP_MOVE = 0.1
# How a request-day is named in a move's own Problem.
_SEPARATOR = "|"


def team_lns(m: RosterModel, assignments: list[AssignmentRef],
             supervision: list[SupervisionRef], objective: int, seconds: float, *,
             seed: int, cancel: threading.Event | None = None, current: dict | None = None,
             on_solution: Callable[[int], None] | None = None, floor: int = 0,
             plan: dict[tuple[str, dt.date], str] | None = None
             ) -> tuple[list[AssignmentRef], list[SupervisionRef], int]:
    """Improve a valid roster of the region for `seconds`, or until its objective reaches
    `floor` (a proven bound: nothing better exists).

    With a `plan` (a location per team and date, lpbound.lp_bound_and_plan), the search first
    rebuilds each team's week at the plan's locations and goes on from there, even where that
    roster costs more than the one given: it leads to better rosters.

    Returns the best rows found and their objective (the region model's objective, which
    moves change by exactly what they save). The model itself is not changed.
    """
    started = time.monotonic()
    team_of = {e_id: e.team for e_id, e in m.employees.items()}
    places: dict[str, set[str]] = defaultdict(set)
    for team, location, _d in m.by_team_place:
        places[team].add(location)
    teams = sorted(places)
    if len(teams) <= 1:
        return assignments, supervision, objective
    rng = random.Random(seed)
    given = (assignments, supervision, objective)
    if plan:
        assignments, supervision, objective = _follow_plan(
            m, plan, rng.sample(teams, len(teams)), team_of, assignments, supervision,
            started + seconds, rng, current, cancel)
    sweeps = [team for _ in range(SWEEPS) for team in rng.sample(teams, len(teams))]
    while True:
        left = seconds - (time.monotonic() - started)
        if left < 0.05 or objective <= floor or (cancel is not None and cancel.is_set()):
            break
        if sweeps:
            chosen, work = {sweeps.pop()}, WORK_PER_SWEEP_MOVE
        else:
            first = rng.choice(teams)
            near = [t for t in teams if t != first and places[t] & places[first]]
            rng.shuffle(near)
            others = [t for t in teams if t != first and t not in near]
            rng.shuffle(others)
            chosen, work = {first, *(near + others)[:TEAMS_PER_MOVE - 1]}, WORK_PER_MOVE
        moved = _move(m, chosen, team_of, assignments, supervision, left, work, rng, current)
        if moved is None:
            continue
        saved, new_rows, new_leads = moved
        assignments = [a for a in assignments if team_of[a.employee] not in chosen] + new_rows
        supervision = [s for s in supervision if s.team not in chosen] + new_leads
        objective -= saved
        if on_solution is not None and objective < given[2]:
            on_solution(objective)
    return (assignments, supervision, objective) if objective < given[2] else given


def _follow_plan(m: RosterModel, plan: dict[tuple[str, dt.date], str], order: list[str],
                 team_of: dict[str, str], assignments: list[AssignmentRef],
                 supervision: list[SupervisionRef], deadline: float, rng: random.Random,
                 current: dict | None, cancel: threading.Event | None
                 ) -> tuple[list[AssignmentRef], list[SupervisionRef], int]:
    """Each team's best week at the plan's locations, the others fixed, one team after the
    other; the roster and its exact objective (a move's own count leaves out the requests the
    plan takes away, so the region model counts it)."""
    for team in order:
        left = deadline - time.monotonic()
        if left < 0.05 or (cancel is not None and cancel.is_set()):
            break
        moved = _move(m, {team}, team_of, assignments, supervision, left,
                      WORK_PER_SWEEP_MOVE, rng, current, plan=plan)
        if moved is not None:
            _saved, new_rows, new_leads = moved
            assignments = [a for a in assignments if team_of[a.employee] != team] + new_rows
            supervision = [s for s in supervision if s.team != team] + new_leads
    hint = m.model.Proto().solution_hint
    kept = (list(hint.vars), list(hint.values))
    objective, assignments, supervision = hint_roster(m, assignments, supervision)
    m.model.ClearHints()  # the caller's hint stays: this roster may cost more than it
    hint.vars.extend(kept[0])
    hint.values.extend(kept[1])
    return assignments, supervision, objective


def _move(m: RosterModel, chosen: set[str], team_of: dict[str, str],
          assignments: list[AssignmentRef], supervision: list[SupervisionRef], left: float,
          work: float, rng: random.Random, current: dict | None,
          plan: dict[tuple[str, dt.date], str] | None = None
          ) -> tuple[int, list[AssignmentRef], list[SupervisionRef]] | None:
    """Re-solve the chosen teams with the rest fixed: what it saves and the new rows, or None
    when it finds nothing better. With a `plan`, only at the plan's locations: the new rows
    whatever they cost, and what they save is not known (0)."""
    sub = neighbourhood(m.problem, m.region, m.requests.values(), chosen, team_of,
                        assignments, supervision, plan)
    sub_m = build_model(ProblemIndex.of(sub), m.region)
    mine = [_rename(a) for a in assignments if team_of[a.employee] in chosen]
    my_leads = [s for s in supervision if s.team in chosen]
    before, _rows, _leads = hint_roster(sub_m, mine, my_leads)
    solver = cp_model.CpSolver()
    params = solver.parameters
    params.num_workers = 1
    params.random_seed = rng.randrange(1 << 30)
    # As for whole regions (solver._configure): presolve weakens the LP these moves live on.
    params.cp_model_presolve = False
    params.max_deterministic_time = work
    params.max_time_in_seconds = left
    if current is not None:
        current["solvers"].add(solver)
    try:
        status = solver.Solve(sub_m.model)
    finally:
        if current is not None:
            current["solvers"].discard(solver)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    after = round(solver.ObjectiveValue()) - split_slack(sub_m, solver.Value)
    if after >= before and not plan:
        return None
    rows, leads = read_roster(sub_m, solver.BooleanValue)
    return (0 if plan else before - after), [_original(a) for a in rows], leads


def neighbourhood(problem: Problem, region: str, requests, chosen: set[str],
                  team_of: dict[str, str], assignments: list[AssignmentRef],
                  supervision: list[SupervisionRef],
                  plan: dict[tuple[str, dt.date], str] | None = None) -> Problem:
    """The Problem of the chosen teams with everyone else's rows fixed.

    Each request-day becomes a request of its own with the headcount the fixed teams leave;
    a pool supervisor a fixed team uses on a date is not available to the chosen teams then,
    and the dates before and after only at hours that leave the rest owed to that (rule 11).
    With a `plan`, a request-day stays only where a chosen team's plan for that date has no
    location or has the request's, or where it holds a pin of theirs.
    """
    fixed_fill: dict[tuple[str, dt.date], int] = defaultdict(int)
    for a in assignments:
        if team_of.get(a.employee) not in chosen:
            fixed_fill[(a.request, a.date)] += 1
    pool_taken = {(s.supervisor, s.date) for s in supervision if s.team not in chosen}
    fixed_duty = _fixed_duty(problem, requests, chosen, team_of, assignments, supervision)
    pinned = {(a.request, a.date) for a in problem.pinned if team_of.get(a.employee) in chosen}
    day_requests: list[Request] = []
    for r in requests:
        for d in r.days:
            left = r.headcount - fixed_fill[(r.id, d)]
            if (plan and (r.id, d) not in pinned
                    and all(plan.get((t, d), r.location) != r.location for t in chosen)):
                continue
            if left > 0:
                day_requests.append(dataclasses.replace(
                    r, id=f"{r.id}{_SEPARATOR}{d.isoformat()}", days=(d,), headcount=left))
    supervisors = []
    for s in problem.supervisors:
        if s.team is None and s.region == region:
            free = {d: _rested(problem, d, w, fixed_duty.get((s.id, d - dt.timedelta(days=1))),
                               fixed_duty.get((s.id, d + dt.timedelta(days=1))))
                    for d, w in s.availability.items() if (s.id, d) not in pool_taken}
            supervisors.append(dataclasses.replace(s, availability=free))
        elif s.team in chosen:
            supervisors.append(s)
    employees = tuple(e for e in problem.employees if e.team in chosen)
    ids = {e.id for e in employees}
    return dataclasses.replace(
        problem,
        teams=tuple(t for t in problem.teams if t.id in chosen),
        supervisors=tuple(supervisors),
        employees=employees,
        requests=tuple(day_requests),
        previous=tuple(p for p in problem.previous if p.employee in ids),
        pinned=tuple(_rename(a) for a in problem.pinned if a.employee in ids),
        published=tuple(_rename(a) for a in problem.published if a.employee in ids),
    )


def _fixed_duty(problem: Problem, requests, chosen: set[str], team_of: dict[str, str],
                assignments: list[AssignmentRef], supervision: list[SupervisionRef]
                ) -> dict[tuple[str, dt.date], tuple[int, int]]:
    """(supervisor, date) -> from when to when they lead a fixed team then (rule 6's span of
    its shifts at the place); only when the problem asks for rest."""
    if problem.min_rest_minutes <= 0:
        return {}
    by_id = {r.id: r for r in requests}
    spans: dict[tuple[str, str, dt.date], tuple[int, int]] = {}
    for a in assignments:
        team, q = team_of.get(a.employee), by_id.get(a.request)
        if team is None or team in chosen or q is None:
            continue
        start, end = spans.get((team, q.location, a.date), (q.start, q.end))
        spans[(team, q.location, a.date)] = (min(start, q.start), max(end, q.end))
    duty: dict[tuple[str, dt.date], tuple[int, int]] = {}
    for s in supervision:
        span = spans.get((s.team, s.location, s.date))
        if s.team not in chosen and span is not None:
            start, end = duty.get((s.supervisor, s.date), span)
            duty[(s.supervisor, s.date)] = (min(start, span[0]), max(end, span[1]))
    return duty


def _rested(problem: Problem, day: dt.date, windows: tuple[Window, ...],
            before: tuple[int, int] | None, after: tuple[int, int] | None) -> tuple[Window, ...]:
    """The windows of `day` cut to the hours that leave the rest owed to a duty the date before
    (from its end) and the date after (to its start): rest only grows with a later start or an
    earlier end, so the edges are found by halving."""
    low, high = 0, DAY_MINUTES
    if before is not None:
        low = _first(lambda minute: not rest_too_short(problem, before[1], minute, day - dt.timedelta(days=1)))
    if after is not None:
        high = _first(lambda minute: rest_too_short(problem, minute, after[0], day)) - 1
    return tuple((max(a, low), min(b, high)) for a, b in windows if max(a, low) < min(b, high))


def _first(holds) -> int:
    """The first minute of 0..DAY_MINUTES for which `holds` (false up to some minute, true
    after) is true; DAY_MINUTES + 1 when it holds for none."""
    low, high = -1, DAY_MINUTES + 1  # not holds(low), holds(high), as if the day went on
    while high - low > 1:
        middle = (low + high) // 2
        if holds(middle):
            high = middle
        else:
            low = middle
    return high


def _rename(a: AssignmentRef) -> AssignmentRef:
    return AssignmentRef(a.employee, a.date, f"{a.request}{_SEPARATOR}{a.date.isoformat()}")


def _original(a: AssignmentRef) -> AssignmentRef:
    return AssignmentRef(a.employee, a.date, a.request.rsplit(_SEPARATOR, 1)[0])
