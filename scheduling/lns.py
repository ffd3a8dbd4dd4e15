"""Large neighbourhood search by teams: re-solve a few teams at a time, the rest fixed.

A region's model is too large for CP-SAT's tree search to improve much in a minute, and its
built-in LNS shares one core with nine other heuristics. Teams interact only through the
requests they share (headcount) and the pool supervisor, so re-optimising a handful of teams
that work at the same locations, with everyone else fixed, is a small model that the LP
solves to optimality in a fraction of a second, and each accepted move improves the roster.
"""
from __future__ import annotations

import random
import threading
import time
from collections import defaultdict
from collections.abc import Callable

from ortools.sat.python import cp_model

from .model import RosterModel

# Teams re-solved together, and the CP-SAT work per neighbourhood in deterministic seconds
# (not wall seconds: on a loaded machine a move still gets the work it needs, or none).
TEAMS_PER_MOVE = 3
WORK_PER_MOVE = 0.5


def start_values(m: RosterModel) -> list[int] | None:
    """The model's complete hint as a value per variable, or None when it is incomplete."""
    proto = m.model.Proto()
    n = len(proto.variables)
    hint = proto.solution_hint
    if len(hint.vars) != n:
        return None
    values = [0] * n
    for var, value in zip(hint.vars, hint.values):
        values[var] = value
    return values


def hint_values(m: RosterModel, values: list[int]) -> None:
    """Make `values` the model's (complete) hint."""
    m.model.ClearHints()
    hint = m.model.Proto().solution_hint
    hint.vars.extend(range(len(values)))
    hint.values.extend(values)


def team_lns(m: RosterModel, values: list[int], objective: int, seconds: float, *,
             seed: int, cancel: threading.Event | None = None, current: dict | None = None,
             on_solution: Callable[[int], None] | None = None) -> tuple[list[int], int]:
    """Improve a feasible assignment of the model's variables for `seconds`.

    Returns the best values and their objective. The model itself is not changed.
    """
    started = time.monotonic()
    team_of: dict[int, str] = {}
    for (e_id, _r, _d), var in m.x.items():
        team_of[var.Index()] = m.employees[e_id].team
    for key, var in m.y.items():
        team_of[var.Index()] = key[2]
    places: dict[str, set[str]] = defaultdict(set)
    for team, location, _d in m.by_team_place:
        places[team].add(location)
    teams = sorted(places)
    if len(teams) <= 1:
        return values, objective
    rng = random.Random(seed)
    while True:
        left = seconds - (time.monotonic() - started)
        if left < 0.05 or (cancel is not None and cancel.is_set()):
            break
        first = rng.choice(teams)
        near = [t for t in teams if t != first and places[t] & places[first]]
        rng.shuffle(near)
        others = [t for t in teams if t != first and t not in near]
        rng.shuffle(others)
        chosen = {first, *(near + others)[:TEAMS_PER_MOVE - 1]}
        sub = m.model.clone()
        proto = sub.Proto()
        variables = proto.variables
        for i, team in team_of.items():
            if team not in chosen:
                domain = variables[i].domain
                domain[0] = values[i]
                domain[1] = values[i]
        sub.ClearHints()
        hint = sub.Proto().solution_hint
        hint.vars.extend(range(len(values)))
        hint.values.extend(values)
        solver = cp_model.CpSolver()
        params = solver.parameters
        params.num_workers = 1
        params.random_seed = rng.randrange(1 << 30)
        params.cp_model_presolve = False
        params.max_deterministic_time = WORK_PER_MOVE
        params.max_time_in_seconds = left
        if current is not None:
            current["solvers"].add(solver)
        try:
            status = solver.Solve(sub)
        finally:
            if current is not None:
                current["solvers"].discard(solver)
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE) \
                and round(solver.ObjectiveValue()) < objective:
            objective = round(solver.ObjectiveValue())
            values = list(solver.ResponseProto().solution)
            if on_solution is not None:
                on_solution(objective)
    return values, objective
