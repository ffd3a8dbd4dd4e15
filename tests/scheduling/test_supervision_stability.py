"""This package's sixth goal: a re-plan keeps who leads which team where (published_supervision),
where swapping two team leaders would otherwise cost the model nothing."""
from __future__ import annotations

import dataclasses
import json

import pytest

from scheduling import solve
from scheduling.checker import check, objective, objective_terms
from scheduling.domain import SupervisionRef
from scheduling.io import FormatError, problem_to_dict, read_problem

from builders_model import MON, TUE, employee, problem, request, supervisor


def _split_team() -> object:
    """Team t-1 works at two places on Monday and Tuesday; its own leader s-1 and the pool's p-1
    can each lead either place, so which leads where is free for the model."""
    return problem(
        employees=[employee(f"e-{i}") for i in range(4)],
        requests=[request("r-1", "loc-1", days=(MON, TUE), headcount=2),
                  request("r-2", "loc-2", days=(MON, TUE), headcount=2)],
        supervisors=(supervisor("s-1"), supervisor("p-1", team=None)),
    )


def _leads(solution) -> set[tuple]:
    return {(s.supervisor, s.date, s.location) for s in solution.supervision}


@pytest.mark.parametrize("first", ["s-1", "p-1"])
def test_a_replan_keeps_each_team_leader_at_the_place_they_were_told(first):
    other = "p-1" if first == "s-1" else "s-1"
    told = tuple(SupervisionRef(s, d, loc, "t-1") for d in (MON, TUE)
                 for s, loc in ((first, "loc-1"), (other, "loc-2")))
    p = dataclasses.replace(_split_team(), published_supervision=told)
    solution = solve(p, time_limit=5, workers=1, deterministic=True)
    assert solution.status == "OPTIMAL" and check(p, solution).ok
    assert _leads(solution) == {(s.supervisor, s.date, s.location) for s in told}
    assert solution.objective == objective(p, solution.assignments, solution.supervision)


def test_a_dropped_lead_costs_its_weight_in_the_checkers_objective():
    told = (SupervisionRef("s-1", MON, "loc-1", "t-1"), SupervisionRef("p-1", MON, "loc-2", "t-1"),
            SupervisionRef("s-1", MON, "loc-9", "t-9"))  # a team outside the problem: never counted
    p = dataclasses.replace(_split_team(), published_supervision=told)
    kept = [told[0], told[1]]
    swapped = [SupervisionRef("p-1", MON, "loc-1", "t-1"), SupervisionRef("s-1", MON, "loc-2", "t-1")]
    assert objective_terms(p, [], kept)["supervision_change"] == 0
    assert objective_terms(p, [], swapped)["supervision_change"] == 2 * 50
    assert objective_terms(p, [])["supervision_change"] == 2 * 50


def test_published_supervision_is_read_and_written_and_its_ids_are_checked():
    p = dataclasses.replace(_split_team(), published_supervision=(SupervisionRef("p-1", MON, "loc-2", "t-1"),))
    data = json.loads(json.dumps(problem_to_dict(p)))
    assert read_problem(data).published_supervision == p.published_supervision
    data["published_supervision"].append({"supervisor": "s-9", "date": "2026-12-07", "location": "loc-7",
                                          "team": "t-1"})
    with pytest.raises(FormatError) as refused:
        read_problem(data)
    text = str(refused.value)
    assert "published_supervision[1].supervisor" in text and "s-9" in text
    assert "published_supervision[1].location" in text and "loc-7" in text
