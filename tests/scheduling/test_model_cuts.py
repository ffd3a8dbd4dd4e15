"""The valid inequalities that tighten the LP relaxation never cut off the optimum."""
from __future__ import annotations

from hypothesis import given
from ortools.sat.python import cp_model

from builders_model import PROPERTY_SETTINGS, random_problem, random_problems
from scheduling.model import ProblemIndex, build_model



def _optimum(p, region: str, *, cuts: bool) -> int:
    m = build_model(ProblemIndex.of(p), region, cuts=cuts)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = 20
    status = solver.Solve(m.model)
    assert status == cp_model.OPTIMAL
    return round(solver.ObjectiveValue())


@PROPERTY_SETTINGS
@given(random_problems)
def test_cuts_keep_the_optimum(p):
    for region in ProblemIndex.of(p).regions:
        assert _optimum(p, region, cuts=True) == _optimum(p, region, cuts=False)


def _lp_bound(p, *, cuts: bool) -> float:
    """The LP relaxation of the region's model, solved by GLOP."""
    from ortools.linear_solver import pywraplp

    proto = build_model(ProblemIndex.of(p), "Den Haag", cuts=cuts).model.Proto()
    lp = pywraplp.Solver.CreateSolver("GLOP")
    xs = []
    for v in proto.variables:
        domain = list(v.domain)
        xs.append(lp.NumVar(domain[0], domain[-1], ""))

    def literal(i: int):
        return xs[i] if i >= 0 else 1 - xs[-i - 1]

    for c in proto.constraints:
        if c.has_linear():
            expr = sum(k * xs[i] for i, k in zip(c.linear.vars, c.linear.coeffs))
            low, high = list(c.linear.domain)[0], list(c.linear.domain)[-1]
            if low > -2**60:
                lp.Add(expr >= low)
            if high < 2**60:
                lp.Add(expr <= high)
        elif c.has_at_most_one():
            lp.Add(sum(literal(i) for i in c.at_most_one.literals) <= 1)
        elif c.has_lin_max():
            # target = max(exprs), relaxed to target >= each expression.
            target = c.lin_max.target
            top = sum(k * xs[i] for i, k in zip(target.vars, target.coeffs)) + target.offset
            for e in c.lin_max.exprs:
                lp.Add(top >= sum(k * xs[i] for i, k in zip(e.vars, e.coeffs)) + e.offset)
        else:
            raise AssertionError(f"no LP row for {c}")
    objective = proto.objective
    lp.Minimize(sum(k * xs[i] for i, k in zip(objective.vars, objective.coeffs))
                + objective.offset)
    assert lp.Solve() == pywraplp.Solver.OPTIMAL
    return lp.Objective().Value()


def test_place_cut_tightens_the_relaxation_and_keeps_the_optimum():
    # Seed 13: a team whose people could each work half a shift at two places with their
    # supervisor half at each; the cut sees that one supervisor leads one place.
    p = random_problem(13, n_employees=8, n_requests=5, regions=("Den Haag",))
    assert _lp_bound(p, cuts=True) > _lp_bound(p, cuts=False) + 500
    assert _optimum(p, "Den Haag", cuts=True) == _optimum(p, "Den Haag", cuts=False)


def test_contract_cuts_cap_each_length_and_cut_the_mixed_fractions():
    from scheduling.model import contract_cuts

    # 12 hours a week; shifts of 4 h or 5.5 h on each of five days. Whole-shift weeks:
    # (240 x 3), (240 + 330), (330 x 2). The LP alone would allow 2.18 long shifts.
    assert contract_cuts([{240, 330}] * 5, 720) == [
        ({240: 1}, 3), ({330: 1}, 2), ({240: 2, 330: 3}, 6)]
    # A contract that every day's longest shift fits yields nothing to cut.
    assert contract_cuts([{240, 330}] * 2, 720) == []
