"""The planning domain as plain dataclasses: one week's Problem and its Solution.

These mirror the `binnenwerk-roster/1` interchange format field by field (see
shared/scheduling-format.md). Times are minutes since midnight (local wall clock), dates are
`datetime.date`. Everything here is immutable data; reading, checking and solving live in
their own modules.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

FORMAT = "binnenwerk-roster/1"
SOLUTION_FORMAT = "binnenwerk-roster-solution/1"
MAX_TEAM_SIZE = 15

DEFAULT_WEIGHTS: dict[str, int] = {
    "shortfall": 1000,
    "republish_change": 200,
    "change": 50,
    "contract_gap": 1,
    "team_split": 20,
    # Optional (this package's): each published supervision entry (who leads which team where
    # that date) the new roster drops costs this, so a repair or re-plan does not swap team
    # leaders between places for nothing: every swap is news for the people they lead.
    "supervision_change": 50,
}

STATUSES = ("OPTIMAL", "FEASIBLE", "INFEASIBLE", "UNKNOWN", "MODEL_INVALID")

# A window is (start_minute, end_minute), end > start, both within 0..1440.
Window = tuple[int, int]


@dataclass(frozen=True)
class WorkType:
    id: str
    name: str


@dataclass(frozen=True)
class Location:
    id: str
    name: str
    region: str


@dataclass(frozen=True)
class Team:
    id: str
    name: str
    region: str
    max_size: int = MAX_TEAM_SIZE


@dataclass(frozen=True)
class Supervisor:
    id: str
    name: str
    team: str | None  # None: a pool supervisor of `region`
    region: str
    work_types: tuple[str, ...]
    availability: dict[dt.date, tuple[Window, ...]]


@dataclass(frozen=True)
class Employee:
    id: str
    name: str
    team: str
    contract_minutes: int
    max_minutes_per_day: int
    work_types: tuple[str, ...]
    locations: tuple[str, ...] | None  # None: any location of the team's region
    availability: dict[dt.date, tuple[Window, ...]]


@dataclass(frozen=True)
class Request:
    id: str
    location: str
    work_type: str
    days: tuple[dt.date, ...]
    start: int
    end: int
    break_minutes: int
    headcount: int
    priority: int  # 1 (low) .. 3 (high)

    @property
    def worked_minutes(self) -> int:
        return self.end - self.start - self.break_minutes


@dataclass(frozen=True)
class Previous:
    employee: str
    weekday: int  # ISO weekday, 1 = Monday
    location: str
    work_type: str


@dataclass(frozen=True)
class AssignmentRef:
    """An employee doing a request on a date: used for pinned, published and solution rows."""

    employee: str
    date: dt.date
    request: str


@dataclass(frozen=True)
class Problem:
    week: str  # ISO week, "2026-W50"
    timezone: str
    days: tuple[dt.date, ...]
    work_types: tuple[WorkType, ...]
    locations: tuple[Location, ...]
    teams: tuple[Team, ...]
    supervisors: tuple[Supervisor, ...]
    employees: tuple[Employee, ...]
    requests: tuple[Request, ...]
    previous: tuple[Previous, ...] = ()
    pinned: tuple[AssignmentRef, ...] = ()
    published: tuple[AssignmentRef, ...] = ()
    weights: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    # Optional (a field this package adds to the format): the supervision entries of the published
    # roster, as in a Solution's `supervision`; each one the new roster drops costs
    # supervision_change.
    published_supervision: tuple[SupervisionRef, ...] = ()
    # Optional (a field this package adds to the format): the least rest, in minutes, between
    # the end of a date's shift and the start of the next date's (the Arbeidstijdenwet: 11
    # hours); 0 leaves it out. Rule 10 of the model and the checker.
    min_rest_minutes: int = 0


DAY_MINUTES = 24 * 60


def rest_too_short(problem: Problem, end: int, next_start: int) -> bool:
    """Rule 10: a shift ending at `end` and one starting at `next_start` the next date leave
    less rest between them than the problem's min_rest_minutes (none asked: never)."""
    return 0 < problem.min_rest_minutes and next_start + DAY_MINUTES - end < problem.min_rest_minutes


@dataclass(frozen=True)
class SupervisionRef:
    supervisor: str
    date: dt.date
    location: str
    team: str


@dataclass(frozen=True)
class Reason:
    """Why a request-day is short, as a code and its values, so an interface can word it in any language."""

    code: str
    params: tuple[tuple[str, str | int], ...] = ()

    def as_dict(self) -> dict:
        return {"code": self.code, **dict(self.params)}


@dataclass(frozen=True)
class Shortfall:
    request: str
    date: dt.date
    missing: int
    reasons: tuple[str, ...] = ()  # plain Dutch sentences, as the format has them
    codes: tuple[Reason, ...] = field(default=(), compare=False)  # the same reasons, structured


@dataclass
class Solution:
    status: str
    assignments: list[AssignmentRef] = field(default_factory=list)
    supervision: list[SupervisionRef] = field(default_factory=list)
    shortfall: list[Shortfall] = field(default_factory=list)
    objective: int | None = None
    best_bound: int | None = None
    wall_seconds: float = 0.0
    # Set when status is INFEASIBLE because of pins: the pins that cannot all hold together.
    conflicting_pins: list[AssignmentRef] = field(default_factory=list)
