"""The planning domain as plain dataclasses: one week's Problem and its Solution.

These mirror the `binnenwerk-roster/1` interchange format field by field (see
shared/scheduling-format.md). Times are minutes since midnight (local wall clock), dates are
`datetime.date`. Everything here is immutable data; reading, checking and solving live in
their own modules.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache
from zoneinfo import ZoneInfo

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
    # Optional (this package's): each place a team works at on a date where last week's leader
    # there (previous_supervision, that weekday) is not the one leading it now costs this, so
    # who leads a team where does not change from week to week for nothing. Below `change`: an
    # employee's own place and work matter more than who leads them.
    "supervision_continuity": 10,
    # Optional (this package's): each place a team works at on a date that is led by someone
    # who is not one of the team's own leaders (a pool stand-in) costs this, so the team's own
    # leader leads whenever free. Above supervision_continuity, so the own leader comes back
    # after an absence rather than last week's stand-in staying on; far below shortfall, so a
    # stand-in still leads rather than the work being left undone.
    "supervision_stand_in": 20,
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
class PreviousSupervision:
    """Who led `team` at `location` on ISO weekday `weekday` last week (this package's addition
    to the format, as `previous` is for employees)."""

    supervisor: str
    weekday: int  # ISO weekday, 1 = Monday
    location: str
    team: str


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
    # Optional (a field this package adds to the format): team leaders a person chose for a
    # team at a place on a date, as a Solution's `supervision` rows. Where the team works at that
    # place that date, that supervisor leads it and nobody else; that date the supervisor leads
    # nothing else. Where the team does not work there (the plan moved it), nothing is asked.
    # Rule 9 of the model and the checker, with the pinned assignments.
    pinned_supervision: tuple[SupervisionRef, ...] = ()
    # Optional (a field this package adds to the format): the longest a supervisor's working
    # day may last, in real minutes (the Arbeidstijdenwet: 12 hours). A supervisor is at the
    # place from the earliest start to the latest end of the shifts they lead there (rule 6);
    # 0 leaves it out. Rule 12 of the model and the checker. (Rule 11, a supervisor's rest
    # between dates, is min_rest_minutes, as rule 10 is for employees.)
    max_supervision_minutes: int = 0
    # Optional (a field this package adds to the format): who led which team where on each ISO
    # weekday last week. Each place a team works at on a date, where an entry names that
    # weekday, team and place and the roster's leader there is someone else, costs
    # supervision_continuity. Problems without it build the model they always did.
    previous_supervision: tuple[PreviousSupervision, ...] = ()


class LeaderPins:
    """A Problem's pinned_supervision for quick asks: who may lead a team at a place on a date."""

    def __init__(self, pins: tuple[SupervisionRef, ...] | list[SupervisionRef]):
        self.by_place = {(p.team, p.location, p.date): p.supervisor for p in pins}
        self.by_supervisor = {(p.supervisor, p.date): (p.team, p.location) for p in pins}

    def __bool__(self) -> bool:
        return bool(self.by_place)

    def allows(self, supervisor: str, team: str, location: str, day: dt.date) -> bool:
        """Whether the pins let `supervisor` lead `team` at `location` on `day`."""
        if not self.by_place:
            return True
        pinned = self.by_place.get((team, location, day))
        if pinned is not None:
            return pinned == supervisor
        return (supervisor, day) not in self.by_supervisor


DAY_MINUTES = 24 * 60


def rest_too_short(problem: Problem, end: int, next_start: int, day: dt.date) -> bool:
    """Rule 10: a shift ending at `end` on `day` and one starting at `next_start` the next date
    leave less rest between them than the problem's min_rest_minutes (none asked: never).
    The rest is real time (see rest_minutes): the law counts hours, not what the clock shows."""
    least = problem.min_rest_minutes
    if least <= 0:
        return False
    if _steady(problem.timezone, day):  # rest_minutes, inline: the model asks often
        return next_start + DAY_MINUTES - end < least
    return _changing_rest(problem.timezone, day, end, next_start) < least


def rest_minutes(timezone: str, day: dt.date, end: int, next_start: int) -> int:
    """The real minutes from `end` on `day` to `next_start` the next date, both wall-clock times
    in `timezone`: the night the clocks go forward is an hour shorter than the clock says, the
    night they go back an hour longer.

    A time the clocks skip (02:30 on the spring night in Europe/Amsterdam) counts as the moment
    they jump (03:00 summer time), a time they show twice (02:30 on the autumn night) as its
    first showing (zoneinfo's fold=0); in both cases the first moment the clock shows that time
    or later. So a later time is never an earlier moment, which keeps "the latest end, the
    earliest start" shortcuts and the app's cut windows right. A timezone that cannot be loaded
    (the reader refuses one; a Problem built in code may still hold it) counts wall-clock time.
    """
    if _steady(timezone, day):
        return next_start + DAY_MINUTES - end  # the usual case, one cached look a date
    return _changing_rest(timezone, day, end, next_start)


def supervision_too_long(problem: Problem, start: int, end: int, day: dt.date) -> bool:
    """Rule 12: a supervisor at a place from `start` to `end` on `day` works longer than the
    problem's max_supervision_minutes (none asked: never). Real time, as for the rest: on the
    night the clocks go back, 01:00-13:00 lasts 13 hours."""
    most = problem.max_supervision_minutes
    if most <= 0:
        return False
    return span_minutes(problem.timezone, day, start, end) > most


def span_minutes(timezone: str, day: dt.date, start: int, end: int) -> int:
    """The real minutes from `start` to `end` on `day`, both wall-clock times in `timezone`,
    read as rest_minutes reads them (a skipped time is the moment the clocks jump, a time shown
    twice its first showing)."""
    if _steady(timezone, day):
        return end - start
    return _changing_span(timezone, day, start, end)


@lru_cache(maxsize=64)
def time_zone(name: str) -> ZoneInfo | None:
    """The IANA time zone `name`, or None when it cannot be loaded (an unknown or malformed
    name, no time zone database)."""
    try:
        return ZoneInfo(name)
    except (ValueError, KeyError, OSError):  # ZoneInfoNotFoundError is a KeyError
        return None


@lru_cache(maxsize=1024)
def _steady(timezone: str, day: dt.date) -> bool:
    """Whether the clocks keep one UTC offset from `day` 00:00 to the end of the next date, so
    the rest between them is wall-clock time. Looked at hourly: clocks change for months, and
    no time zone changes them for less than an hour."""
    zone = time_zone(timezone)
    if zone is None:
        return True
    midnight = dt.datetime.combine(day, dt.time(), tzinfo=zone)
    first = midnight.utcoffset()
    return all((midnight + dt.timedelta(hours=h)).utcoffset() == first for h in range(1, 49))


_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)


@lru_cache(maxsize=65536)
def _changing_rest(timezone: str, day: dt.date, end: int, next_start: int) -> int:
    """rest_minutes across a night the clocks change: cached whole, as the model asks it for
    every pair of shifts of that night (and they have few distinct times)."""
    return _moment(timezone, day + dt.timedelta(days=1), next_start) - _moment(timezone, day, end)


@lru_cache(maxsize=16384)
def _changing_span(timezone: str, day: dt.date, start: int, end: int) -> int:
    """span_minutes on a date around a change of the clocks: cached, as the model asks it for
    every pair of a place's requests."""
    return _moment(timezone, day, end) - _moment(timezone, day, start)


@lru_cache(maxsize=4096)
def _moment(timezone: str, day: dt.date, minute: int) -> int:
    """The first moment, in minutes since 1970 (UTC), the clock in `timezone` shows `minute`
    past midnight of `day` or later (see rest_minutes); only for a zone that loads."""
    zone = time_zone(timezone)
    wall = dt.datetime.combine(day, dt.time()) + dt.timedelta(minutes=minute)
    utc = wall.replace(tzinfo=zone).astimezone(dt.timezone.utc)  # fold=0: a twice-shown time's first
    for _ in range(DAY_MINUTES):
        if utc.astimezone(zone).replace(tzinfo=None) == wall:
            break
        # The clocks skip this time: on to the minute they jump to.
        wall += dt.timedelta(minutes=1)
        utc = wall.replace(tzinfo=zone).astimezone(dt.timezone.utc)
    return (utc - _EPOCH) // dt.timedelta(minutes=1)


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
