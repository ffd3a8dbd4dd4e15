"""The valid inequalities that tighten the LP relaxation never cut off the optimum."""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ortools.sat.python import cp_model

from builders_model import random_problem
from scheduling.model import ProblemIndex, build_model

SETTINGS = settings(max_examples=25, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])
problems = st.builds(random_problem, st.integers(0, 10_000),
                     n_employees=st.integers(1, 10), n_requests=st.integers(1, 5))


def _optimum(p, region: str, *, cuts: bool) -> int:
    m = build_model(ProblemIndex.of(p), region, cuts=cuts)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = 20
    status = solver.Solve(m.model)
    assert status == cp_model.OPTIMAL
    return round(solver.ObjectiveValue())


@SETTINGS
@given(problems)
def test_cuts_keep_the_optimum(p):
    for region in ProblemIndex.of(p).regions:
        assert _optimum(p, region, cuts=True) == _optimum(p, region, cuts=False)


def _lp_bound(p, *, cuts: bool) -> float:
    """The root bound of CP-SAT with search stopped at the root: the LP relaxation."""
    m = build_model(ProblemIndex.of(p), "Den Haag", cuts=cuts)
    m.model.ClearHints()
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.cp_model_presolve = False
    solver.parameters.add_lp_constraints_lazily = False
    solver.parameters.stop_after_root_propagation = True
    solver.parameters.cp_model_probing_level = 0
    solver.Solve(m.model)
    return solver.BestObjectiveBound()


def test_place_cut_tightens_the_relaxation_and_keeps_the_optimum():
    # Seed 13: a team whose people could each work half a shift at two places with their
    # supervisor half at each; the cut sees that one supervisor leads one place.
    p = random_problem(13, n_employees=8, n_requests=5, regions=("Den Haag",))
    assert _lp_bound(p, cuts=True) > _lp_bound(p, cuts=False) + 500
    assert _optimum(p, "Den Haag", cuts=True) == _optimum(p, "Den Haag", cuts=False)
