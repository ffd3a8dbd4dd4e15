"""A fluent builder of small hand-made Problems for the reader, checker and greedy tests."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from scheduling.domain import (
    DEFAULT_WEIGHTS,
    AssignmentRef,
    Employee,
    Location,
    Previous,
    Problem,
    Request,
    Solution,
    SupervisionRef,
    Supervisor,
    Team,
    WorkType,
)

MON = dt.date(2026, 12, 7)
DAYS = tuple(MON + dt.timedelta(days=i) for i in range(5))
TUE, WED, THU, FRI = DAYS[1:]


def hm(text: str) -> int:
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


def windows(*spans: str) -> tuple[tuple[int, int], ...]:
    """windows("08:00-12:00", "13:00-17:00")"""
    return tuple((hm(s.split("-")[0]), hm(s.split("-")[1])) for s in spans)


def a(employee: str, day: dt.date, request: str) -> AssignmentRef:
    return AssignmentRef(employee, day, request)


def sv(supervisor: str, day: dt.date, location: str = "dh-1", team: str = "t-dh") -> SupervisionRef:
    return SupervisionRef(supervisor, day, location, team)


def solution(assignments=(), supervision=()) -> Solution:
    return Solution(status="FEASIBLE", assignments=list(assignments), supervision=list(supervision))


@dataclass
class ProblemBuilder:
    """Two regions (Den Haag with two locations, Utrecht with one), one team in each."""

    work_types: list[WorkType] = field(default_factory=lambda: [
        WorkType("keyboards", "Toetsenborden reinigen"), WorkType("cleaning", "Schoonmaak")])
    locations: list[Location] = field(default_factory=lambda: [
        Location("dh-1", "Rijnstraat 8, Den Haag", "Den Haag"),
        Location("dh-2", "Turfmarkt 147, Den Haag", "Den Haag"),
        Location("ut-1", "Croeselaan 15, Utrecht", "Utrecht")])
    teams: list[Team] = field(default_factory=lambda: [
        Team("t-dh", "Team Den Haag 1", "Den Haag"), Team("t-ut", "Team Utrecht 1", "Utrecht")])
    supervisors: list[Supervisor] = field(default_factory=list)
    employees: list[Employee] = field(default_factory=list)
    requests: list[Request] = field(default_factory=list)
    previous: list[Previous] = field(default_factory=list)
    pinned: list[AssignmentRef] = field(default_factory=list)
    published: list[AssignmentRef] = field(default_factory=list)
    weights: dict[str, int] = field(default_factory=dict)

    def employee(self, id: str = "e-1", team: str = "t-dh", *, contract: int = 1920,
                 per_day: int = 480, work_types=("keyboards",), locations=None,
                 days=DAYS, hours: str = "08:00-17:00", availability=None) -> "ProblemBuilder":
        if availability is None:
            availability = {d: windows(hours) for d in days}
        self.employees.append(Employee(id, f"Medewerker {id}", team, contract, per_day,
                                       tuple(work_types),
                                       None if locations is None else tuple(locations),
                                       availability))
        return self

    def supervisor(self, id: str = "s-1", team: str | None = "t-dh", *, region: str | None = None,
                   work_types=("keyboards", "cleaning"), days=DAYS, hours: str = "07:30-17:30",
                   availability=None) -> "ProblemBuilder":
        if region is None:
            region = next(t.region for t in self.teams if t.id == team)
        if availability is None:
            availability = {d: windows(hours) for d in days}
        self.supervisors.append(Supervisor(id, f"Teamleider {id}", team, region,
                                           tuple(work_types), availability))
        return self

    def request(self, id: str = "r-1", location: str = "dh-1", work_type: str = "keyboards", *,
                days=DAYS, hours: str = "09:00-15:00", break_minutes: int = 30,
                headcount: int = 2, priority: int = 2) -> "ProblemBuilder":
        (start, end), = windows(hours)
        self.requests.append(Request(id, location, work_type, tuple(days), start, end,
                                     break_minutes, headcount, priority))
        return self

    def team(self, id: str, region: str = "Den Haag", max_size: int = 15) -> "ProblemBuilder":
        self.teams = [t for t in self.teams if t.id != id] + [Team(id, f"Team {id}", region, max_size)]
        return self

    def last_week(self, employee: str, weekday: int, location: str = "dh-1",
                  work_type: str = "keyboards") -> "ProblemBuilder":
        self.previous.append(Previous(employee, weekday, location, work_type))
        return self

    def pin(self, employee: str, day: dt.date, request: str) -> "ProblemBuilder":
        self.pinned.append(AssignmentRef(employee, day, request))
        return self

    def publish(self, employee: str, day: dt.date, request: str) -> "ProblemBuilder":
        self.published.append(AssignmentRef(employee, day, request))
        return self

    def build(self) -> Problem:
        return Problem(week="2026-W50", timezone="Europe/Amsterdam", days=DAYS,
                       work_types=tuple(self.work_types), locations=tuple(self.locations),
                       teams=tuple(self.teams), supervisors=tuple(self.supervisors),
                       employees=tuple(self.employees), requests=tuple(self.requests),
                       previous=tuple(self.previous), pinned=tuple(self.pinned),
                       published=tuple(self.published),
                       weights={**DEFAULT_WEIGHTS, **self.weights})


def basic() -> ProblemBuilder:
    """One Den Haag employee and team leader, one keyboards request at dh-1 all week."""
    return ProblemBuilder().employee().supervisor().request()
