"""The instance generator: deterministic, valid in the format, and the size it promises."""
from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from scheduling.domain import MAX_TEAM_SIZE
from scheduling.generate import WORK_TYPES, generate
from scheduling.greedy import greedy
from scheduling.io import problem_to_dict, read_problem


@pytest.mark.parametrize("size", ["S", "M"])
def test_the_same_seed_gives_the_same_problem(size):
    assert problem_to_dict(generate(size, 7)) == problem_to_dict(generate(size, 7))


def test_different_seeds_give_different_problems():
    assert problem_to_dict(generate("M", 1)) != problem_to_dict(generate("M", 2))


@pytest.mark.parametrize("size,seed", [("S", s) for s in range(5)] + [("M", s) for s in range(5)])
def test_generated_problems_round_trip_through_the_format(size, seed):
    problem = generate(size, seed)
    assert read_problem(json.loads(json.dumps(problem_to_dict(problem)))) == problem


def test_a_small_problem_is_one_team_of_about_twelve():
    problem = generate("S", 3)
    assert len(problem.teams) == 1
    assert 10 <= len(problem.employees) <= 15
    assert {s.team for s in problem.supervisors} == {problem.teams[0].id, None}


def test_a_medium_problem_has_ten_teams_each_with_its_leader_and_a_pool_per_region():
    problem = generate("M", 0)
    assert len(problem.teams) == 10
    leaders = Counter(s.team for s in problem.supervisors if s.team)
    assert set(leaders) == {t.id for t in problem.teams} and set(leaders.values()) == {1}
    pools = {s.region for s in problem.supervisors if s.team is None}
    assert pools == {t.region for t in problem.teams}


def test_generated_problems_look_like_binnenwerk():
    problem = generate("M", 4)
    assert {w.name for w in problem.work_types} == {w.name for w in WORK_TYPES}
    assert len(problem.days) == 5 and problem.week == "2026-W50"
    assert all(1 <= len(e.work_types) <= 3 for e in problem.employees)
    assert all(720 <= e.contract_minutes <= 1920 for e in problem.employees)
    assert any(e.max_minutes_per_day < 480 for e in problem.employees)
    assert any(len(e.availability) < 5 for e in problem.employees)
    assert all(30 == q.break_minutes for q in problem.requests if q.end - q.start > 330)
    assert all(2 <= q.headcount <= 8 and 1 <= q.priority <= 3 for q in problem.requests)
    assert len(problem.previous) > len(problem.employees)
    assert problem.pinned
    for region in {t.region for t in problem.teams}:
        assert 2 <= sum(l.region == region for l in problem.locations) <= 6


def test_some_seeds_plan_a_published_week_again():
    with_published = [s for s in range(8) if generate("S", s).published]
    assert with_published and len(with_published) < 8


def test_generated_pins_can_be_kept():
    for seed in range(4):
        problem = generate("M", seed)
        sol = greedy(problem)
        assert sol.status == "FEASIBLE"
        assert set(problem.pinned) <= set(sol.assignments)


def test_a_large_problem_is_all_of_binnenwerk_in_teams_of_at_most_fifteen():
    problem = generate("L", 0)
    assert len(problem.teams) == 100
    assert 1200 <= len(problem.employees) <= 1400
    sizes = Counter(e.team for e in problem.employees)
    assert max(sizes.values()) <= MAX_TEAM_SIZE
    assert min(sizes.values()) >= 10
    assert len({t.region for t in problem.teams}) >= 12
    read_problem(problem_to_dict(problem))


def test_an_unknown_size_is_refused():
    with pytest.raises(ValueError, match="XXL"):
        generate("XXL", 0)


def test_the_optimiser_core_modules_import_no_web_or_database_code():
    code = ("import sys, scheduling.io, scheduling.checker, scheduling.greedy, scheduling.generate; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('flask', 'sqlalchemy', 'binnenwerk')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parents[2])
    assert out.stdout.strip() == "[]"
