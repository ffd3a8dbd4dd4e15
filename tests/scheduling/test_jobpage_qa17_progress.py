"""Progress tells how many regions have a roster: until all do, the objective counts the others as
their empty roster (bound 0), so a gap figure would measure the regions left (QA round 17)."""
from __future__ import annotations

import pytest

from scheduling import solve
from scheduling.checker import check
from scheduling.generate import generate
from scheduling.solver import Progress


@pytest.mark.parametrize("side_by_side", [False, True])
def test_progress_counts_the_regions_that_have_a_roster(monkeypatch, side_by_side):
    from scheduling import solver as solver_module

    if side_by_side:
        monkeypatch.setattr(solver_module, "SMALL_PROBLEM_SIZE", 0)  # M's three regions side by side
    p = generate("M", 3)
    regions = len({team.region for team in p.teams})
    seen: list[Progress] = []
    solution = solve(p, time_limit=4, workers=2 if side_by_side else 1, progress=seen.append)

    assert check(p, solution).ok
    assert regions == 3 and seen
    assert all(s.regions == regions for s in seen)
    counts = [s.regions_with_roster for s in seen]
    assert counts == sorted(counts), "a region does not lose its roster"
    assert counts[0] < regions, "the first reports come before every region has a roster"
    assert counts[-1] == regions


def test_progress_made_by_hand_needs_no_region_count():
    """The fields have defaults: a stand-in solver (tests, older callers) reports as before."""
    p = Progress(best_objective=10, best_bound=5, elapsed_seconds=1.0, fraction=0.1)
    assert (p.regions, p.regions_with_roster) == (0, 0)
