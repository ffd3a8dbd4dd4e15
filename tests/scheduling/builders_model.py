"""Builders for the small hand-made Problems the model and solver tests use."""
from __future__ import annotations

import datetime as dt
import random

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from scheduling.domain import (
    AssignmentRef,
    Employee,
    Location,
    Previous,
    Problem,
    Request,
    Supervisor,
    Team,
    WorkType,
)

MON = dt.date(2026, 12, 7)
DAYS = tuple(MON + dt.timedelta(days=i) for i in range(5))
TUE, WED, THU, FRI = DAYS[1:]


def hm(text: str) -> int:
    h, m = text.split(":")
    return int(h) * 60 + int(m)


def all_days(start: str = "08:00", end: str = "17:00", days=DAYS) -> dict:
    return {d: ((hm(start), hm(end)),) for d in days}


def employee(id: str, team: str = "t-1", *, contract: int = 1530, per_day: int = 480,
             work_types=("keyboards",), locations=None, availability=None) -> Employee:
    return Employee(id=id, name=id, team=team, contract_minutes=contract,
                    max_minutes_per_day=per_day, work_types=tuple(work_types),
                    locations=None if locations is None else tuple(locations),
                    availability=all_days() if availability is None else availability)


def supervisor(id: str, team: str | None = "t-1", *, region: str = "Den Haag",
               work_types=("keyboards", "cleaning"), availability=None) -> Supervisor:
    return Supervisor(id=id, name=id, team=team, region=region, work_types=tuple(work_types),
                      availability=all_days() if availability is None else availability)


def request(id: str, location: str = "loc-1", *, work_type: str = "keyboards", days=(MON,),
            start: str = "09:00", end: str = "15:00", break_minutes: int = 30,
            headcount: int = 1, priority: int = 2) -> Request:
    return Request(id=id, location=location, work_type=work_type, days=tuple(days),
                   start=hm(start), end=hm(end), break_minutes=break_minutes,
                   headcount=headcount, priority=priority)


def problem(*, employees=(), requests=(), supervisors=None, teams=None, locations=None,
            previous=(), pinned=(), published=(), weights=None) -> Problem:
    """One region (Den Haag) with two locations and team t-1, unless told otherwise."""
    teams = teams or (Team("t-1", "Team 1", "Den Haag"),)
    locations = locations or (Location("loc-1", "Rijnstraat 8", "Den Haag"),
                              Location("loc-2", "Bezuidenhoutseweg 73", "Den Haag"))
    supervisors = (supervisor("s-1"),) if supervisors is None else supervisors
    kwargs = {}
    if weights is not None:
        kwargs["weights"] = weights
    return Problem(
        week="2026-W50", timezone="Europe/Amsterdam", days=DAYS,
        work_types=(WorkType("keyboards", "Toetsenborden reinigen"),
                    WorkType("cleaning", "Schoonmaak")),
        locations=tuple(locations), teams=tuple(teams), supervisors=tuple(supervisors),
        employees=tuple(employees), requests=tuple(requests), previous=tuple(previous),
        pinned=tuple(pinned), published=tuple(published), **kwargs)


def ref(employee: str, date: dt.date, request: str) -> AssignmentRef:
    return AssignmentRef(employee, date, request)


def prev(employee: str, weekday: int, location: str = "loc-1",
         work_type: str = "keyboards") -> Previous:
    return Previous(employee, weekday, location, work_type)


def random_problem(seed: int, *, n_employees: int = 6, n_requests: int = 3,
                   regions=("Den Haag", "Utrecht")) -> Problem:
    """A small random instance over one or two regions, with pool and team supervisors."""
    rng = random.Random(seed)
    work_types = ("keyboards", "cleaning")
    teams, locations, supervisors = [], [], []
    for ri, region in enumerate(regions):
        for ti in range(2):
            teams.append(Team(f"t-{ri}-{ti}", f"Team {ri}-{ti}", region,
                              max_size=rng.choice((3, 15))))
            supervisors.append(supervisor(
                f"s-{ri}-{ti}", f"t-{ri}-{ti}", region=region,
                work_types=rng.sample(work_types, rng.randint(1, 2)),
                availability={d: ((hm("08:00"), hm(rng.choice(("13:00", "17:00")))),)
                              for d in DAYS if rng.random() < 0.8}))
        supervisors.append(supervisor(f"s-pool-{ri}", None, region=region,
                                      availability=all_days(days=DAYS[:3])))
        locations += [Location(f"loc-{ri}-{li}", f"Loc {ri}-{li}", region) for li in range(2)]
    employees = []
    members = {t.id: 0 for t in teams}
    for i in range(n_employees):
        # A team never has more employees than max_size: that is part of valid data.
        team = rng.choice([t for t in teams if members[t.id] < t.max_size])
        members[team.id] += 1
        region_locs = [loc.id for loc in locations if loc.region == team.region]
        employees.append(employee(
            f"e-{i}", team.id, contract=rng.choice((600, 960, 1530)),
            per_day=rng.choice((300, 480)),
            work_types=rng.sample(work_types, rng.randint(1, 2)),
            locations=None if rng.random() < 0.7 else rng.sample(region_locs, 1),
            availability={d: ((hm(rng.choice(("08:00", "09:00"))),
                               hm(rng.choice(("13:00", "16:00", "17:00")))),)
                          for d in DAYS if rng.random() < 0.75}))
    requests = []
    for i in range(n_requests):
        loc = rng.choice(locations)
        start = rng.choice(("09:00", "10:00"))
        requests.append(request(
            f"r-{i}", loc.id, work_type=rng.choice(work_types),
            days=sorted(rng.sample(DAYS, rng.randint(1, 3))), start=start,
            end=rng.choice(("12:00", "15:00")), break_minutes=rng.choice((0, 30)),
            headcount=rng.randint(1, 3), priority=rng.randint(1, 3)))
    previous = [prev(e.id, rng.randint(1, 5), rng.choice(locations).id, rng.choice(work_types))
                for e in employees if rng.random() < 0.5]
    return problem(employees=employees, requests=requests, supervisors=supervisors,
                   teams=teams, locations=locations, previous=previous)


def optimum(m) -> int:
    """The proven optimal objective of a built region model (small models only)."""
    from ortools.sat.python import cp_model

    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = 20
    assert solver.Solve(m.model) == cp_model.OPTIMAL
    return round(solver.ObjectiveValue())


# The property tests' random small problems (one or two regions), and how many each tries.
PROPERTY_SETTINGS = settings(max_examples=25, deadline=None,
                             suppress_health_check=[HealthCheck.too_slow])
random_problems = st.builds(random_problem, st.integers(0, 10_000),
                            n_employees=st.integers(1, 10), n_requests=st.integers(1, 5))
