"""The roster optimiser: domain, interchange format, CP-SAT solver, checker, greedy, generator."""
from __future__ import annotations

import importlib

from .domain import (
    AssignmentRef,
    Employee,
    Location,
    Previous,
    Problem,
    Request,
    Shortfall,
    Solution,
    SupervisionRef,
    Supervisor,
    Team,
    WorkType,
)

# The solver (OR-Tools, HiGHS), the format reader, checker, greedy baseline and generator load on
# first use, so that `import scheduling` stays light: `python -m scheduling check` or a refused
# file answers without loading OR-Tools (about 2 s).
_LAZY = {
    "Progress": "solver",
    "solve": "solver",
    "read_problem": "io",
    "problem_to_dict": "io",
    "read_solution": "io",
    "solution_to_dict": "io",
    "FormatError": "io",
    "check": "checker",
    "greedy": "greedy",
    "generate": "generate",
}

__all__ = [
    "AssignmentRef", "Employee", "Location", "Previous", "Problem", "Progress", "Request",
    "Shortfall", "Solution", "SupervisionRef", "Supervisor", "Team", "WorkType", "solve",
    *_LAZY,
]


def __getattr__(name: str):
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'scheduling' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value
