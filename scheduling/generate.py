"""Deterministic generator of realistic Binnenwerk planning problems, for tests and benchmarks.

Sizes: S (one team), M (10 teams), L (100 teams, about 1,300 employees: all of Binnenwerk)
and XL (400 teams). The same size and seed always give the same Problem.
"""
from __future__ import annotations

import datetime as dt
import random
from dataclasses import replace

from .domain import (
    DEFAULT_WEIGHTS,
    MAX_TEAM_SIZE,
    AssignmentRef,
    Employee,
    Location,
    Previous,
    Problem,
    Request,
    Supervisor,
    Team,
    Window,
    WorkType,
)

__all__ = ["SIZES", "WORK_TYPES", "generate"]

WORK_TYPES = (
    WorkType("keyboards", "Toetsenborden reinigen"),
    WorkType("carwash", "Waterloos autowassen"),
    WorkType("pdossiers", "P-dossiers"),
    WorkType("building", "Gebouwondersteuning"),
    WorkType("cleaning", "Schoonmaak"),
    WorkType("ict", "ICT en digitalisering"),
)

# (region, slug, relative weight when spreading teams): bigger government towns get more teams.
REGIONS = (
    ("Den Haag", "dh", 5), ("Utrecht", "ut", 3), ("Zwolle", "zw", 2), ("Apeldoorn", "ap", 2),
    ("Groningen", "gr", 2), ("Heerlen", "hl", 1), ("Arnhem", "ar", 1), ("Rotterdam", "rt", 2),
    ("Amsterdam", "am", 2), ("Eindhoven", "eh", 1), ("Leeuwarden", "lw", 1),
    ("Middelburg", "mb", 1), ("Assen", "as", 1), ("Lelystad", "ll", 1),
    ("'s-Hertogenbosch", "db", 1), ("Maastricht", "mt", 1), ("Haarlem", "hm", 1),
    ("Leiden", "ld", 1), ("Enschede", "es", 1), ("Nijmegen", "nm", 1), ("Almere", "al", 1),
    ("Breda", "br", 1), ("Tilburg", "tb", 1), ("Deventer", "dv", 1),
)

DEN_HAAG_BUILDINGS = ("Rijnstraat 8", "Turfmarkt 147", "Bezuidenhoutseweg 73", "Korte Voorhout 7",
                      "Kortenaerkade 1", "Parnassusplein 5", "Wilhelmina van Pruisenweg 52",
                      "Prinses Beatrixlaan 2")
AGENCIES = ("Belastingdienst", "DUO", "RVO", "Rijkswaterstaat", "UWV", "CBS", "Kadaster", "IND",
            "Logius", "DJI", "Rijksvastgoedbedrijf", "Douane")
STREETS = ("Stationsplein", "Laan van Westenenk", "Hanzelaan", "Kennedylaan", "Marktstraat",
           "Europaweg", "Willemsplein", "Kanaalweg", "Spoorlaan", "Parkweg", "Dorpsstraat",
           "Beukenlaan", "Industrieweg", "Burgemeester Roosweg")
FIRST_NAMES = ("Sanne", "Daan", "Lotte", "Bram", "Fleur", "Ruben", "Eva", "Thijs", "Anouk", "Jesse",
               "Iris", "Sem", "Noor", "Luuk", "Femke", "Milan", "Lisa", "Stijn", "Sophie", "Joost",
               "Marieke", "Kees", "Ingrid", "Henk", "Wilma", "Pieter", "Anke", "Gerrit", "Yvonne",
               "Mohamed", "Fatima", "Youssef", "Aylin", "Emre", "Priya", "Rik", "Esther", "Bas",
               "Maaike", "Wouter", "Linda", "Dennis", "Monique", "Jeroen", "Sandra", "Tim",
               "Naima", "Kevin", "Sharon", "Mark", "Ilse", "Niels", "Chantal", "Jan", "Petra",
               "Koen", "Roos", "Hamza", "Demi", "Tom")
INITIALS = "ABDEGHJKLMNOPRSTVWZ"

# size -> (teams, regions used, locations per region cap)
SIZES: dict[str, tuple[int, int, int]] = {
    "S": (1, 1, 2),
    "M": (10, 3, 3),
    "L": (100, 12, 6),
    "XL": (400, 24, 8),
}

WEEK = "2026-W50"
SUPERVISOR_WINDOW: Window = (450, 1050)  # 07:30-17:30
CONTRACTS = (720, 960, 1200, 1530, 1920)  # 12, 16, 20, 25.5 and 32 hours
EMPLOYEE_WINDOWS: tuple[Window, ...] = ((480, 990), (510, 960), (540, 1020), (480, 960), (510, 930))
SHIFTS = ((540, 900), (540, 930), (510, 900), (570, 900), (540, 780), (510, 750), (600, 840))


def _days() -> tuple[dt.date, ...]:
    year, week = (int(p) for p in WEEK.split("-W"))
    return tuple(dt.date.fromisocalendar(year, week, d) for d in range(1, 6))


def _spread(rng: random.Random, teams: int, regions: int) -> list[int]:
    """Teams per region: at least one each, the rest by weight."""
    weights = [w for _, _, w in REGIONS[:regions]]
    counts = [1] * regions
    for _ in range(teams - regions):
        counts[rng.choices(range(regions), weights)[0]] += 1
    return counts


def _employee(rng: random.Random, ident: str, team: Team, team_types: list[str],
              locations: list[Location], days: tuple[dt.date, ...]) -> Employee:
    contract = rng.choice(CONTRACTS)
    per_day = 480
    roll = rng.random()
    if roll < 0.1:
        per_day = 240  # a doctor's limit
    elif roll < 0.25:
        per_day = 360
    # Fewer days for smaller contracts; some work fewer days but longer.
    working = {720: 3, 960: 4, 1200: 4, 1530: 5, 1920: 5}[contract]
    working = max(2, min(5, working + rng.choice((0, 0, 0, -1, 1))))
    on = sorted(rng.sample(range(5), working))
    if rng.random() < 0.08:  # absence: ill, leave, an appointment that takes the day
        on.remove(rng.choice(on))
    window = rng.choice(EMPLOYEE_WINDOWS)
    if per_day == 240:
        window = rng.choice(((480, 780), (540, 810), (510, 780)))
    availability: dict[dt.date, tuple[Window, ...]] = {}
    for i in on:
        if rng.random() < 0.05 and window[1] - window[0] > 360:
            availability[days[i]] = ((window[0], 720), (780, window[1]))  # an appointment mid-day
        else:
            availability[days[i]] = (window,)
    n_types = rng.choices((1, 2, 3), (5, 4, 2))[0]
    work_types = tuple(sorted(rng.sample(team_types, min(n_types, len(team_types)))))
    allowed = None
    if len(locations) > 1 and rng.random() < 0.1:
        allowed = tuple(sorted(l.id for l in rng.sample(locations, rng.randint(1, len(locations) - 1))))
    name = f"{rng.choice(FIRST_NAMES)} {rng.choice(INITIALS)}."
    return Employee(ident, name, team.id, contract, per_day, work_types, allowed, availability)


def _requests(rng: random.Random, team_types: list[str], home: Location, locations: list[Location],
              capacity: int, demand: float, days: tuple[dt.date, ...], next_id) -> list[Request]:
    """Requests aimed at one team's work, totalling about `demand` times its capacity."""
    out: list[Request] = []
    wanted = int(capacity * demand)
    while wanted > 0:
        location = home if rng.random() < 0.9 else rng.choice(locations)
        start, end = rng.choice(SHIFTS)
        n_days = rng.choice((2, 3, 4, 5, 5))
        req_days = tuple(sorted(rng.sample(days, n_days)))
        headcount = min(rng.randint(2, 8), max(2, wanted // n_days))
        out.append(Request(
            id=next_id(), location=location.id, work_type=rng.choice(team_types), days=req_days,
            start=start, end=end, break_minutes=30 if end - start > 330 else 0,
            headcount=headcount, priority=rng.choices((1, 2, 3), (2, 3, 2))[0]))
        wanted -= headcount * n_days
    return out


def _base(size: str, rng: random.Random) -> Problem:
    n_teams, n_regions, max_locations = SIZES[size]
    days = _days()
    counts = _spread(rng, n_teams, n_regions)
    locations: list[Location] = []
    teams: list[Team] = []
    supervisors: list[Supervisor] = []
    employees: list[Employee] = []
    requests: list[Request] = []
    counter = iter(range(1, 10**9))
    aimed_at: dict[str, str] = {}  # request id -> the team it was made for

    def next_request_id() -> str:
        return f"r-{next(counter)}"

    for (region, slug, _), n in zip(REGIONS, counts):
        n_locs = max(2, min(max_locations, n // 2 + rng.randint(0, 1)))
        region_locs = []
        for i in range(n_locs):
            if region == "Den Haag" and i < len(DEN_HAAG_BUILDINGS):
                name = f"{DEN_HAAG_BUILDINGS[i]}, Den Haag"
            else:
                name = f"{rng.choice(AGENCIES)}, {rng.choice(STREETS)} {rng.randint(1, 200)}, {region}"
            region_locs.append(Location(f"{slug}-{i + 1}", name, region))
        locations += region_locs
        # Some regions ask for more than their teams can do, others for less.
        demand = rng.uniform(0.5, 1.3)
        for t in range(n):
            team = Team(f"t-{slug}-{t + 1}", f"Team {region} {t + 1}", region, MAX_TEAM_SIZE)
            teams.append(team)
            team_types = sorted(rng.sample([w.id for w in WORK_TYPES], rng.randint(2, 3)))
            home = region_locs[t % len(region_locs)]
            size_of_team = rng.randint(11, 15) if size != "S" else rng.randint(11, 13)
            members = [_employee(rng, f"e-{slug}-{t + 1}-{k + 1}", team, team_types, region_locs, days)
                       for k in range(size_of_team)]
            employees += members
            availability = {d: (SUPERVISOR_WINDOW,) for d in days if rng.random() > 0.1}
            supervisors.append(Supervisor(f"s-{slug}-{t + 1}", f"{rng.choice(FIRST_NAMES)} "
                                          f"{rng.choice(INITIALS)}.", team.id, region,
                                          tuple(team_types), availability))
            # Shifts a person can really take: days available, but contract hours run out first.
            capacity = sum(min(len(e.availability), e.contract_minutes // 330) for e in members)
            team_requests = _requests(rng, team_types, home, region_locs, capacity, demand, days,
                                      next_request_id)
            requests += team_requests
            aimed_at.update((q.id, team.id) for q in team_requests)
        supervisors.append(Supervisor(f"s-{slug}-pool", f"{rng.choice(FIRST_NAMES)} "
                                      f"{rng.choice(INITIALS)}.", None, region,
                                      tuple(w.id for w in WORK_TYPES),
                                      {d: ((420, 1080),) for d in days}))

    previous = _previous(rng, employees, requests, aimed_at)
    return Problem(week=WEEK, timezone="Europe/Amsterdam", days=days, work_types=WORK_TYPES,
                   locations=tuple(locations), teams=tuple(teams),
                   supervisors=tuple(supervisors), employees=tuple(employees),
                   requests=tuple(requests), previous=previous, weights=dict(DEFAULT_WEIGHTS))


def _previous(rng: random.Random, employees: list[Employee], requests: list[Request],
              aimed_at: dict[str, str]) -> tuple[Previous, ...]:
    """Last week's pattern: mostly what this week's requests for the team ask, with some drift."""
    by_team: dict[str, list[Request]] = {}
    for q in requests:
        by_team.setdefault(aimed_at[q.id], []).append(q)
    out = []
    for e in employees:
        if rng.random() < 0.15:  # new this week, or not planned last week
            continue
        fitting = [q for q in by_team.get(e.team, ())
                   if q.work_type in e.work_types and (e.locations is None or q.location in e.locations)]
        for day in sorted(e.availability):
            options = [q for q in fitting if day in q.days]
            if not options or rng.random() < 0.1:
                continue
            q = rng.choice(options)
            out.append(Previous(e.id, day.isoweekday(), q.location, q.work_type))
    return tuple(out)


def generate(size: str, seed: int) -> Problem:
    """A realistic week for `size` (S, M, L or XL), the same for the same seed."""
    if size not in SIZES:
        raise ValueError(f"unknown size {size!r}, expected one of {', '.join(SIZES)}")
    # Imported here: greedy imports the checker, which is not needed to build a bare problem.
    from .greedy import greedy

    rng = random.Random(f"{size}:{seed}")
    problem = _base(size, rng)
    roster = greedy(problem)
    employees = list(problem.employees)
    published: tuple[AssignmentRef, ...] = ()
    ill = None
    if rng.random() < 0.3 and roster.assignments:
        # A published week that needs repair: someone falls ill from Wednesday on.
        published = tuple(roster.assignments)
        ill = rng.choice(sorted({a.employee for a in roster.assignments}))
        for i, e in enumerate(employees):
            if e.id == ill:
                employees[i] = replace(e, availability={d: w for d, w in e.availability.items()
                                                        if d.isoweekday() < 3})
        problem = replace(problem, employees=tuple(employees), published=published)
    candidates = [a for a in roster.assignments if a.employee != ill]
    n_pins = min(len(candidates), max(1, len(problem.employees) // 100))
    pins = tuple(rng.sample(candidates, n_pins))
    # Pins come from a feasible roster, but greedy may order supervisors differently; keep
    # only a set of pins it can honour, so every generated problem is feasible.
    while pins and greedy(replace(problem, pinned=pins)).status != "FEASIBLE":
        pins = pins[:-1]
    return replace(problem, pinned=pins)
