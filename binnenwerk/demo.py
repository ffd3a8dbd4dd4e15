"""Demo data: a realistic small Binnenwerk (6 teams) or a large one (100 teams) for benchmarks.

Seeding is idempotent: every entity is looked up by its natural key first, so running it again
adds nothing.
"""
from __future__ import annotations

import datetime as dt
import random

from sqlalchemy import func, select
from werkzeug.security import generate_password_hash

from .extensions import db
from .models import (
    Absence,
    AvailabilitySlot,
    DeploymentRequest,
    Employee,
    EmployeeSensitive,
    Location,
    Ministry,
    RequestStatus,
    Role,
    Supervisor,
    Team,
    User,
    WorkType,
)

DEMO_PASSWORD = "demo-binnenwerk"

MINISTRIES = [
    ("AZ", "Ministerie van Algemene Zaken"),
    ("BZ", "Ministerie van Buitenlandse Zaken"),
    ("BZK", "Ministerie van Binnenlandse Zaken en Koninkrijksrelaties"),
    ("DEF", "Ministerie van Defensie"),
    ("EZ", "Ministerie van Economische Zaken"),
    ("FIN", "Ministerie van Financiën"),
    ("IENW", "Ministerie van Infrastructuur en Waterstaat"),
    ("JENV", "Ministerie van Justitie en Veiligheid"),
    ("LVVN", "Ministerie van Landbouw, Visserij, Voedselzekerheid en Natuur"),
    ("OCW", "Ministerie van Onderwijs, Cultuur en Wetenschap"),
    ("SZW", "Ministerie van Sociale Zaken en Werkgelegenheid"),
    ("VWS", "Ministerie van Volksgezondheid, Welzijn en Sport"),
]

WORK_TYPES = [
    ("keyboards", "Toetsenborden reinigen", "Keyboard cleaning", "keyboard", "#1d5c96"),
    ("carwash", "Waterloos autowassen", "Waterless car washing", "car", "#00728f"),
    ("pdossiers", "P-dossiers", "Personnel files", "folder", "#6b3f8f"),
    ("building", "Gebouwondersteuning", "Building assistance", "building", "#8a5300"),
    ("cleaning", "Schoonmaak", "Cleaning", "broom", "#2f6b2f"),
    ("ict", "ICT en digitalisering", "ICT and digitisation", "laptop", "#a4343a"),
]

# code, name, address, postcode, city, region, ministry
LOCATIONS = [
    ("dh-rijnstraat", "Rijnstraat 8", "Rijnstraat 8", "2515 XP", "Den Haag", "Den Haag", "BZK"),
    ("dh-turfmarkt", "Turfmarkt 147", "Turfmarkt 147", "2511 DP", "Den Haag", "Den Haag", "JENV"),
    ("dh-bezuidenhout", "Bezuidenhoutseweg 73", "Bezuidenhoutseweg 73", "2594 AC", "Den Haag", "Den Haag", "EZ"),
    ("dh-korte-voorhout", "Korte Voorhout 7", "Korte Voorhout 7", "2511 CW", "Den Haag", "Den Haag", "FIN"),
    ("dh-parnassusplein", "Parnassusplein 5", "Parnassusplein 5", "2511 VX", "Den Haag", "Den Haag", "SZW"),
    ("dh-kalvermarkt", "Kalvermarkt 32", "Kalvermarkt 32", "2511 CB", "Den Haag", "Den Haag", "DEF"),
    ("dh-binnenhof", "Binnenhof 19", "Binnenhof 19", "2513 AA", "Den Haag", "Den Haag", "AZ"),
    ("dh-lange-voorhout", "Lange Voorhout 34", "Lange Voorhout 34", "2514 EE", "Den Haag", "Den Haag", "BZ"),
    ("ut-croeselaan", "Croeselaan 15", "Croeselaan 15", "3521 BJ", "Utrecht", "Utrecht", "IENW"),
    ("ut-graadt", "Graadt van Roggenweg 500", "Graadt van Roggenweg 500", "3531 AH", "Utrecht", "Utrecht", "VWS"),
    ("ut-maliebaan", "Maliebaan 87", "Maliebaan 87", "3581 CG", "Utrecht", "Utrecht", "OCW"),
    ("ut-herculesplein", "Herculesplein 5", "Herculesplein 5", "3584 AA", "Utrecht", "Utrecht", "DEF"),
    ("zw-zwartewaterallee", "Zwartewaterallee 14", "Zwartewaterallee 14", "8031 DX", "Zwolle", "Oost", "FIN"),
    ("zw-stationsplein", "Stationsplein 10", "Stationsplein 10", "8011 CW", "Zwolle", "Oost", "JENV"),
    ("ap-westenenk", "Laan van Westenenk 1", "Laan van Westenenk 1", "7336 AZ", "Apeldoorn", "Oost", "FIN"),
    ("ap-hofstraat", "Hofstraat 110", "Hofstraat 110", "7311 KZ", "Apeldoorn", "Oost", "BZK"),
    ("ap-europaweg", "Europaweg 1", "Europaweg 1", "7336 AL", "Apeldoorn", "Oost", "DEF"),
    ("gr-kempkensberg", "Kempkensberg 12", "Kempkensberg 12", "9722 TB", "Groningen", "Noord", "OCW"),
    ("gr-stationsweg", "Stationsweg 5", "Stationsweg 5", "9726 AC", "Groningen", "Noord", "LVVN"),
    ("gr-zuiderdiep", "Zuiderdiep 2", "Zuiderdiep 2", "9711 HG", "Groningen", "Noord", "JENV"),
    ("hl-cbs-weg", "CBS-weg 11", "CBS-weg 11", "6412 EX", "Heerlen", "Zuid", "EZ"),
    ("hl-kloosterweg", "Kloosterweg 1", "Kloosterweg 1", "6412 CN", "Heerlen", "Zuid", "SZW"),
    ("hl-akerstraat", "Akerstraat 92", "Akerstraat 92", "6417 BM", "Heerlen", "Zuid", "BZK"),
    ("ut-papendorp", "Papendorpseweg 100", "Papendorpseweg 100", "3528 BJ", "Utrecht", "Utrecht", "SZW"),
    ("dh-wijnhaven", "Wijnhaven 3", "Wijnhaven 3", "2511 GA", "Den Haag", "Den Haag", "VWS"),
]

# name, region, home location, work types the team does
TEAMS = [
    ("Team Den Haag 1", "Den Haag", "dh-rijnstraat", ("keyboards", "pdossiers", "building")),
    ("Team Den Haag 2", "Den Haag", "dh-bezuidenhout", ("cleaning", "carwash", "ict")),
    ("Team Utrecht", "Utrecht", "ut-croeselaan", ("keyboards", "cleaning", "ict")),
    ("Team Zwolle", "Oost", "zw-zwartewaterallee", ("pdossiers", "carwash", "building")),
    ("Team Groningen", "Noord", "gr-kempkensberg", ("pdossiers", "keyboards", "cleaning")),
    ("Team Heerlen", "Zuid", "hl-cbs-weg", ("building", "cleaning", "keyboards")),
]
TEAM_SIZES = [14, 12, 13, 11, 10, 15]

LARGE_REGIONS = [
    "Den Haag", "Utrecht", "Oost", "Noord", "Zuid", "Rotterdam", "Amsterdam", "Arnhem",
    "Nijmegen", "Eindhoven", "Tilburg", "Breda", "Leeuwarden", "Assen", "Almere", "Haarlem",
    "Leiden", "Middelburg", "Den Bosch", "Enschede", "Maastricht", "Lelystad", "Amersfoort",
    "Deventer", "Emmen",
]

FIRST_NAMES = [
    "Anouk", "Bram", "Daan", "Emma", "Fleur", "Gijs", "Hanna", "Ilse", "Jesse", "Julia", "Kevin",
    "Lotte", "Mohamed", "Noor", "Olaf", "Priya", "Quinten", "Rosa", "Sem", "Tessa", "Umut", "Vera",
    "Wessel", "Yara", "Zoë", "Ahmed", "Bas", "Chantal", "Dirk", "Esra", "Fatima", "Hugo", "Iris",
    "Jan", "Kim", "Lars", "Mila", "Niels", "Otto", "Pien", "Rik", "Sanne", "Thijs", "Wendy",
]
LAST_NAMES = [
    "de Vries", "Jansen", "van den Berg", "Bakker", "Visser", "Smit", "Meijer", "de Boer",
    "Mulder", "de Groot", "Bos", "Vos", "Peters", "Hendriks", "van Leeuwen", "Dekker", "Brouwer",
    "de Wit", "Dijkstra", "Yilmaz", "El Amrani", "Kaya", "Verhoeven", "Kok", "Jacobs", "Willems",
    "van Dam", "Schouten", "Postma", "Kuiper", "Huisman", "Prins", "Koster", "Bosman",
]
INDICATIONS = ["banenafspraak", "banenafspraak", "Wajong", "Participatiewet", "Wsw-indicatie"]
ACCOMMODATIONS = [
    "", "", "", "Vaste werkplek bij het raam", "Niet tillen boven 10 kg",
    "Korte pauze elk uur", "Rustige ruimte, weinig prikkels", "Werkinstructie op papier",
]


def monday_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def _get_or_create(model, lookup: dict, **values):
    found = db.session.scalar(select(model).filter_by(**lookup))
    if found is not None:
        return found, False
    obj = model(**lookup, **values)
    db.session.add(obj)
    return obj, True


def seed(size: str = "small", today: dt.date | None = None, seed_value: int = 2026,
         busy: bool = False) -> dict[str, int]:
    """Create the demo organisation. Returns how many rows of each kind were added.

    The large demo asks little of its teams (the benchmarks' data stays as measured) unless
    `busy`: then, as in the small demo, every team's home location asks for the team's own work
    most days, and a week holds about the shifts of all of Binnenwerk."""
    today = today or dt.date.today()
    rng = random.Random(seed_value)
    added: dict[str, int] = {}

    def count(kind: str, created: bool) -> None:
        if created:
            added[kind] = added.get(kind, 0) + 1

    ministries = {}
    new_ministries = set()
    for code, name in MINISTRIES:
        ministries[code], created = _get_or_create(Ministry, {"code": code}, name=name)
        count("ministries", created)
        if created:
            new_ministries.add(code)
    work_types = {}
    for code, nl, en, picto, colour in WORK_TYPES:
        work_types[code], created = _get_or_create(
            WorkType, {"code": code}, name_nl=nl, name_en=en, pictogram=picto, colour=colour
        )
        count("work_types", created)
    db.session.flush()

    locations_spec = list(LOCATIONS)
    teams_spec = [(n, r, h, w, s) for (n, r, h, w), s in zip(TEAMS, TEAM_SIZES)]
    if size == "large":
        locations_spec, teams_spec = _large_spec(rng)

    locations = {}
    for code, name, address, postcode, city, region, ministry in locations_spec:
        locations[code], created = _get_or_create(
            Location, {"code": code}, name=name, address=address, postcode=postcode, city=city,
            region=region, ministry=ministries[ministry],
        )
        count("locations", created)
    db.session.flush()
    _seed_agreements({c: m for c, m in ministries.items() if c in new_ministries}, work_types, locations_spec,
                     teams_spec)

    users = _seed_users(ministries, count)
    contract_start = dt.date(today.year - 1, 1, 1)
    week_start = monday_of(today)

    pool_regions = set()
    for index, (name, region, home, team_work, members) in enumerate(teams_spec):
        team, created = _get_or_create(Team, {"name": name}, region=region, home_location=locations[home])
        count("teams", created)
        if not created:
            continue
        db.session.flush()
        leader, _ = _get_or_create(
            Supervisor, {"email": f"teamleider.{index + 1}@binnenwerk.example"},
            name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
            team=team, region=region, phone=f"06-{rng.randint(10000000, 99999999)}",
        )
        leader.work_types = [work_types[c] for c in team_work]
        leader.availability = [AvailabilitySlot(weekday=d, start_minute=7 * 60 + 30, end_minute=17 * 60) for d in range(1, 6)]
        count("supervisors", True)
        if index == 0:
            leader.user = users["teamleider@binnenwerk.example"]
            leader.name = users["teamleider@binnenwerk.example"].name
            users["teamleider@binnenwerk.example"].teams.append(team)
        elif size == "large":
            user, user_created = _get_or_create(
                User, {"email": f"teamleider{index + 1}@binnenwerk.example"},
                name=leader.name, role=Role.TEAM_LEADER.value,
                password_hash=_demo_hash(),
            )
            count("users", user_created)
            user.teams.append(team)
            leader.user = user
        if region not in pool_regions:
            pool_regions.add(region)
            # A stand-in is a person: the week page says "Je teamleider is ..." (own generator, so
            # the rest of the demo stays as it was).
            names = random.Random(f"pool:{region}")
            pool, pool_created = _get_or_create(
                Supervisor, {"email": f"pool.{index + 1}@binnenwerk.example"}, team=None, region=region,
                name=f"{names.choice(FIRST_NAMES)} {names.choice(LAST_NAMES)}",
                phone=f"06-{rng.randint(10000000, 99999999)}",
            )
            if pool_created:
                pool.work_types = list(work_types.values())
                pool.availability = [
                    AvailabilitySlot(weekday=d, start_minute=8 * 60, end_minute=17 * 60) for d in (1, 2, 3, 4, 5)
                ]
                count("supervisors", True)
        for _n in range(members):
            _add_employee(rng, team, team_work, work_types, contract_start)
            count("employees", True)
        db.session.flush()

    if not db.session.scalar(select(func.count(DeploymentRequest.id))):
        added["requests"] = _seed_requests(rng, locations_spec, locations, ministries, teams_spec, work_types,
                                           week_start, users, standing=size != "large" or busy)
    if not db.session.scalar(select(func.count(Absence.id))):
        added["absences"] = _seed_absences(rng, week_start)
    db.session.commit()
    return added


_HASH_CACHE: list[str] = []


def _demo_hash() -> str:
    # One hash for all demo accounts: hashing is deliberately slow, the password is the same.
    if not _HASH_CACHE:
        _HASH_CACHE.append(generate_password_hash(DEMO_PASSWORD))
    return _HASH_CACHE[0]


def _seed_users(ministries: dict, count) -> dict[str, User]:
    accounts = [
        ("admin@binnenwerk.example", "Ada Beheerder", Role.ADMIN, None),
        ("planner@binnenwerk.example", "Piet Planner", Role.PLANNER, None),
        ("teamleider@binnenwerk.example", "Tineke Teamleider", Role.TEAM_LEADER, None),
        ("contact@bzk.example", "Karim Contactpersoon", Role.MINISTRY_CONTACT, ministries["BZK"]),
    ]
    users = {}
    for email, name, role, ministry in accounts:
        users[email], created = _get_or_create(
            User, {"email": email}, name=name, role=role.value, ministry=ministry, password_hash=_demo_hash()
        )
        count("users", created)
    db.session.flush()
    return users


def _seed_agreements(ministries: dict, work_types: dict, locations_spec, teams_spec) -> None:
    """Each new ministry's agreement: the work the teams in its locations' regions do, which is
    what the demo's requests ask for (every work type where a region has no team). Only ministries
    made in this run: an admin's change to an existing one survives seeding again, an emptied
    agreement too."""
    region_work: dict[str, set[str]] = {}
    for _name, region, _home, team_work, _size in teams_spec:
        region_work.setdefault(region, set()).update(team_work)
    for code, ministry in ministries.items():
        wanted: set[str] = set()
        for _loc, _name, _a, _p, _c, region, owner in locations_spec:
            if owner == code:
                wanted |= region_work.get(region) or set(work_types)
        ministry.work_types = sorted((work_types[c] for c in wanted), key=lambda w: w.name_nl)


def _add_employee(rng: random.Random, team: Team, team_work, work_types: dict, contract_start: dt.date) -> Employee:
    contract_hours = rng.choice([12, 16, 20, 24, 25.5, 28, 32, 32, 36])
    days = 5 if contract_hours > 28 else 4 if contract_hours > 16 else 3
    weekdays = sorted(rng.sample(range(1, 6), days))
    day_max = rng.choice([240, 360, 420, 480, 480]) if rng.random() < 0.3 else 480
    start = rng.choice([8 * 60, 8 * 60 + 30, 9 * 60])
    end = rng.choice([15 * 60 + 30, 16 * 60, 16 * 60 + 30, 17 * 60])
    skills = rng.sample(list(team_work), rng.randint(1, min(3, len(team_work))))
    employee = Employee(
        first_name=rng.choice(FIRST_NAMES), last_name=rng.choice(LAST_NAMES), team=team,
        contract_minutes=int(contract_hours * 60), max_minutes_per_day=day_max,
        contract_start=contract_start, phone=f"06-{rng.randint(10000000, 99999999)}",
        job_coach_name=rng.choice(["", "Marieke Jobcoach", "Sander Jobcoach"]),
    )
    employee.work_types = [work_types[c] for c in skills]
    employee.availability = [AvailabilitySlot(weekday=d, start_minute=start, end_minute=end) for d in weekdays]
    employee.sensitive = EmployeeSensitive(
        indication=rng.choice(INDICATIONS),
        health_notes=rng.choice(["", "", "Energie wisselt; liever ochtenddiensten"]),
        accommodations=rng.choice(ACCOMMODATIONS),
    )
    db.session.add(employee)
    return employee


def _seed_requests(rng, locations_spec, locations, ministries, teams_spec, work_types, week_start, users,
                   standing: bool) -> int:
    team_work_by_region: dict[str, set[str]] = {}
    for _name, region, _home, team_work, _size in teams_spec:
        team_work_by_region.setdefault(region, set()).update(team_work)
    # A team's home location asks for the team's own work, most days, for about half of it: the
    # standing deployment a team is there for. Other locations ask now and then, for what teams
    # of their region can do. (In the large demo only when it is busy: see seed.)
    home_team = {home: (team_work, size) for _name, _region, home, team_work, size in teams_spec} if standing else {}
    made = others = 0
    for code, _name, _a, _p, _c, region, ministry in locations_spec:
        home = home_team.get(code)
        # Roughly 15 requests in the small demo: every location but a few, one work type each.
        if home is None and rng.random() < 0.4:
            continue
        options = sorted(home[0] if home else team_work_by_region.get(region) or [w[0] for w in WORK_TYPES])
        work = rng.choice(options)
        start_week = 0 if home else rng.choice([0, 0, 1, 2])
        weeks = 12 if home else rng.choice([4, 8, 12])
        start_minute = rng.choice([8 * 60 + 30, 9 * 60, 9 * 60 + 30])
        length = rng.choice([4 * 60, 5 * 60, 6 * 60])
        days = rng.randint(4, 5) if home else rng.randint(2, 5)
        headcount = rng.randint(home[1] // 3, home[1] // 2) if home else rng.randint(2, 6)
        request = DeploymentRequest(
            ministry=ministries[ministry], location=locations[code], work_type=work_types[work],
            start_date=week_start + dt.timedelta(weeks=start_week),
            end_date=week_start + dt.timedelta(weeks=start_week + weeks, days=-3),
            weekdays="".join(str(d) for d in sorted(rng.sample(range(1, 6), days))),
            start_minute=start_minute, end_minute=start_minute + length,
            break_minutes=30 if length > 330 else 0, headcount=headcount, priority=2 if home else rng.randint(1, 3),
            # Every third other request waits for the planner's intake.
            status=RequestStatus.SUBMITTED.value if not home and others % 3 == 2 else RequestStatus.ACCEPTED.value,
            contact_name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
            contact_phone=f"070-{rng.randint(1000000, 9999999)}",
            access_instructions="Melden bij de receptie, pasje ophalen op naam van de teamleider.",
            created_by=users["contact@bzk.example"] if ministry == "BZK" else None,
        )
        db.session.add(request)
        made += 1
        others += not home
    return made


def _seed_absences(rng: random.Random, week_start: dt.date) -> int:
    employees = db.session.scalars(select(Employee).order_by(Employee.id)).all()
    made = 0
    for employee in rng.sample(employees, max(1, len(employees) // 15)):
        kind = rng.choice(["ziek", "verlof", "afspraak"])
        first = week_start + dt.timedelta(days=rng.randint(0, 9))
        absence = Absence(
            employee=employee, kind=kind, start_date=first,
            end_date=first + dt.timedelta(days=0 if kind == "afspraak" else rng.randint(0, 3)),
        )
        if kind == "afspraak":
            absence.start_minute, absence.end_minute = 13 * 60, 15 * 60
        db.session.add(absence)
        made += 1
    return made


def _large_spec(rng: random.Random):
    """100 teams over 25 regions, 4 to 6 locations a region, ministries spread over them."""
    codes = [code for code, _ in MINISTRIES]
    work = [w[0] for w in WORK_TYPES]
    locations, teams = [], []
    for r, region in enumerate(LARGE_REGIONS):
        slug = region.lower().replace(" ", "-")
        region_locations = []
        for n in range(4 + r % 3):
            code = f"{slug}-{n + 1}"
            locations.append((code, f"{region} locatie {n + 1}", f"Rijksweg {n + 1}", "", region, region,
                              codes[(r + n) % len(codes)]))
            region_locations.append(code)
        for t in range(4):
            team_work = tuple(rng.sample(work, 3))
            teams.append((f"Team {region} {t + 1}", region, region_locations[t % len(region_locations)],
                          team_work, rng.randint(12, 15)))
    return locations, teams
