"""Independent checker of a Solution against a Problem: the nine hard rules (and, when the
problem asks for them, the working-time rules: rule 10, an employee's rest between dates; rule
11, a supervisor's; rule 12, a supervisor's longest day), metrics, objective.

It deliberately shares no code with the CP-SAT model, so it can catch the model's mistakes.
`objective()` is the one definition of the soft-goal score; the model's objective must equal it.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Iterable
from zoneinfo import ZoneInfo

from .domain import (
    DEFAULT_WEIGHTS,
    MAX_TEAM_SIZE,
    AssignmentRef,
    Employee,
    Problem,
    Request,
    Solution,
    Supervisor,
    SupervisionRef,
    Team,
)
from .io import format_time

__all__ = [
    "RULE_REFERENCE",
    "RULE_SUPERVISOR_REST",
    "RULE_SUPERVISOR_DAY",
    "Violation",
    "Metrics",
    "CheckReport",
    "check",
    "objective",
    "objective_terms",
    "supervisor_can_lead",
]

# Not one of the rules: a solution row that names something the problem does not have.
RULE_REFERENCE = 0
# The working-time rules for supervisors (this package's, with min_rest_minutes and
# max_supervision_minutes): a supervisor is at the place from the earliest start to the latest
# end of the team's shifts there (rule 6), and that presence gets the rest (rule 11) and the
# longest day (rule 12) an employee's shift gets.
RULE_SUPERVISOR_REST = 11
RULE_SUPERVISOR_DAY = 12


@dataclass(frozen=True)
class Violation:
    """A broken hard rule; `message` is Dutch and names who, when and what."""

    rule: int
    message: str
    refs: tuple[AssignmentRef | SupervisionRef, ...] = ()
    employee: str | None = None
    date: dt.date | None = None
    request: str | None = None
    team: str | None = None
    location: str | None = None
    supervisor: str | None = None
    # Rule 4: the minutes worked (that day, or that week), so a change that lowers them is told
    # apart from one that raises them, whatever the message says.
    minutes: int | None = None

    def __str__(self) -> str:
        label = "verwijzing" if self.rule == RULE_REFERENCE else f"regel {self.rule}"
        return f"{label}: {self.message}"


@dataclass(frozen=True)
class Metrics:
    coverage: float  # filled / wanted person-days
    weighted_coverage: float  # the same, each person-day weighted by its request's priority
    contract_use: float  # worked minutes / contract minutes, over all employees
    continuity: float  # share of assignments matching `previous`, among those with an entry
    mean_locations_per_employee: float  # distinct locations, over employees who work at all
    team_splits: int  # extra locations per team-day, summed
    objective: int
    objective_terms: dict[str, int] = field(default_factory=dict)
    # Share of the places a team works at (team, location, date) with a leader last week that
    # weekday (previous_supervision) that keep that leader; 1.0 where none has one.
    leader_continuity: float = 1.0
    # Places a team works at (team, location, date) led by a stand-in: someone not of the
    # team's own leaders (supervision_stand_in).
    stand_in_days: int = 0


@dataclass(frozen=True)
class CheckReport:
    violations: list[Violation]
    metrics: Metrics

    @property
    def ok(self) -> bool:
        return not self.violations

    def by_rule(self, rule: int) -> list[Violation]:
        return [v for v in self.violations if v.rule == rule]


def _d(day: dt.date) -> str:
    return day.isoformat()


def _span(start: int, end: int) -> str:
    return f"{format_time(start)}-{format_time(end)}"


def _covered(windows: Iterable[tuple[int, int]], start: int, end: int) -> bool:
    return any(ws <= start and end <= we for ws, we in windows)


def supervisor_can_lead(supervisor: Supervisor, team: Team, day: dt.date, start: int, end: int,
                        work_types: Iterable[str]) -> bool:
    """Rule 6 for one supervisor: may lead `team` on `day` from start to end in these work types."""
    if supervisor.team is not None and supervisor.team != team.id:
        return False
    if supervisor.team is None and supervisor.region != team.region:
        return False
    if not _covered(supervisor.availability.get(day, ()), start, end):
        return False
    return set(work_types) <= set(supervisor.work_types)


def _previous_map(problem: Problem) -> dict[tuple[str, int], tuple[str, str]]:
    out: dict[tuple[str, int], tuple[str, str]] = {}
    for p in problem.previous:
        out.setdefault((p.employee, p.weekday), (p.location, p.work_type))
    return out


def objective_terms(problem: Problem, assignments: Iterable[AssignmentRef],
                    supervision: Iterable[SupervisionRef] = ()) -> dict[str, int]:
    """The five weighted soft-goal penalties of a set of assignments, and this package's three
    about team leaders.

    - shortfall: per request-day, max(0, headcount - assigned) * priority * w
    - republish_change: per `published` entry not among the assignments (exact triple) * w
    - change: per assignment whose location or work type differs from that employee's
      `previous` entry for the date's ISO weekday (no entry: 0) * w
    - contract_gap: per employee, max(0, contract_minutes - worked minutes) * w
    - team_split: per team per date, max(0, distinct locations - 1) * w
    - supervision_change: per `published_supervision` entry (of a team of the problem, on one
      of its days) not among `supervision` * w
    - supervision_continuity: per (team, date, location) where the team's employees work and
      `previous_supervision` names a leader for that ISO weekday, team and location, whom no
      `supervision` entry there names (someone else leads, or nobody) * w
    - supervision_stand_in: per (team, date, location) where the team's employees work and a
      `supervision` entry there names a supervisor who is not of that team (a pool stand-in) * w
    Rows naming an unknown employee or request are ignored.
    """
    weights = {**DEFAULT_WEIGHTS, **problem.weights}
    employees = {e.id: e for e in problem.employees}
    requests = {q.id: q for q in problem.requests}
    locations_of_team: dict[tuple[str, dt.date], set[str]] = defaultdict(set)
    filled: dict[tuple[str, dt.date], int] = defaultdict(int)
    worked: dict[str, int] = defaultdict(int)
    previous = _previous_map(problem)
    rows: set[AssignmentRef] = set()
    changes = 0
    for a in assignments:
        rows.add(a)
        employee, request = employees.get(a.employee), requests.get(a.request)
        if employee is None or request is None:
            continue
        filled[(request.id, a.date)] += 1
        worked[employee.id] += request.worked_minutes
        locations_of_team[(employee.team, a.date)].add(request.location)
        before = previous.get((employee.id, a.date.isoweekday()))
        if before is not None and before != (request.location, request.work_type):
            changes += 1
    missing = sum(max(0, q.headcount - filled[(q.id, day)]) * q.priority
                  for q in problem.requests for day in q.days)
    gap = sum(max(0, e.contract_minutes - worked[e.id]) for e in problem.employees)
    dropped = sum(1 for p in problem.published if p not in rows)
    splits = sum(max(0, len(locs) - 1) for locs in locations_of_team.values())
    led = set(supervision)
    team_ids, days = {t.id for t in problem.teams}, set(problem.days)
    leads_dropped = sum(1 for s in problem.published_supervision
                        if s.team in team_ids and s.date in days and s not in led)
    at_work = _places_at_work(employees, requests, rows)
    leads_moved = len(_leads_moved(problem, at_work, led))
    stood_in = len(_led_by_stand_in(problem, at_work, led))
    return {
        "shortfall": missing * weights["shortfall"],
        "republish_change": dropped * weights["republish_change"],
        "change": changes * weights["change"],
        "contract_gap": gap * weights["contract_gap"],
        "team_split": splits * weights["team_split"],
        "supervision_change": leads_dropped * weights["supervision_change"],
        "supervision_continuity": leads_moved * weights["supervision_continuity"],
        "supervision_stand_in": stood_in * weights["supervision_stand_in"],
    }


def _places_at_work(employees: dict[str, Employee], requests: dict[str, Request],
                    rows: Iterable[AssignmentRef]) -> set[tuple[str, str, dt.date]]:
    """(team, location, date) wherever a row puts one of the team's employees to work."""
    return {(employees[a.employee].team, requests[a.request].location, a.date)
            for a in rows if a.employee in employees and a.request in requests}


def _previous_leaders(problem: Problem) -> dict[tuple[int, str, str], str]:
    out: dict[tuple[int, str, str], str] = {}
    for p in problem.previous_supervision:
        out.setdefault((p.weekday, p.team, p.location), p.supervisor)
    return out


def _leads_moved(problem: Problem, places: set[tuple[str, str, dt.date]],
                 supervision: Iterable[SupervisionRef]) -> list[tuple[str, str, dt.date]]:
    """The places at work (team, location, date) whose leader last week that weekday
    (previous_supervision) leads them no more."""
    before = _previous_leaders(problem)
    if not before:
        return []
    led = {(s.team, s.location, s.date, s.supervisor) for s in supervision}
    return [(team, location, day) for team, location, day in sorted(places)
            if (day.isoweekday(), team, location) in before
            and (team, location, day, before[(day.isoweekday(), team, location)]) not in led]


def _led_by_stand_in(problem: Problem, places: set[tuple[str, str, dt.date]],
                     supervision: Iterable[SupervisionRef]) -> list[tuple[str, str, dt.date]]:
    """The places at work (team, location, date) that a supervision entry gives to someone not
    of the team's own leaders: a pool stand-in. Entries naming an unknown supervisor are rule
    6's to report, not counted here."""
    team_of = {s.id: s.team for s in problem.supervisors}
    return sorted({(s.team, s.location, s.date) for s in supervision
                   if (s.team, s.location, s.date) in places
                   and s.supervisor in team_of and team_of[s.supervisor] != s.team})


def objective(problem: Problem, assignments: Iterable[AssignmentRef],
              supervision: Iterable[SupervisionRef] = ()) -> int:
    """The soft-goal score of the format (lower is better): the sum of objective_terms."""
    return sum(objective_terms(problem, assignments, supervision).values())


def _metrics(problem: Problem, assignments: list[AssignmentRef],
             supervision: Iterable[SupervisionRef] = ()) -> Metrics:
    employees = {e.id: e for e in problem.employees}
    requests = {q.id: q for q in problem.requests}
    valid = [a for a in assignments
             if a.employee in employees and a.request in requests and a.date in requests[a.request].days]
    filled: dict[tuple[str, dt.date], int] = defaultdict(int)
    for a in valid:
        filled[(a.request, a.date)] += 1
    wanted = got = wanted_w = got_w = 0
    for q in problem.requests:
        for day in q.days:
            have = min(q.headcount, filled[(q.id, day)])
            wanted += q.headcount
            got += have
            wanted_w += q.headcount * q.priority
            got_w += have * q.priority
    worked = sum(requests[a.request].worked_minutes for a in valid)
    contract = sum(e.contract_minutes for e in problem.employees)
    previous = _previous_map(problem)
    with_previous = matching = 0
    places: dict[str, set[str]] = defaultdict(set)
    team_day_places: dict[tuple[str, dt.date], set[str]] = defaultdict(set)
    for a in valid:
        q = requests[a.request]
        places[a.employee].add(q.location)
        team_day_places[(employees[a.employee].team, a.date)].add(q.location)
        before = previous.get((a.employee, a.date.isoweekday()))
        if before is not None:
            with_previous += 1
            matching += before == (q.location, q.work_type)
    supervision = list(supervision)
    terms = objective_terms(problem, assignments, supervision)
    leaders_before = _previous_leaders(problem)
    with_leader = [(team, location, day) for team, location, day in _places_at_work(employees, requests, valid)
                   if (day.isoweekday(), team, location) in leaders_before]
    moved = len(_leads_moved(problem, set(with_leader), supervision))
    stood_in = len(_led_by_stand_in(problem, _places_at_work(employees, requests, valid), supervision))
    return Metrics(
        coverage=got / wanted if wanted else 1.0,
        weighted_coverage=got_w / wanted_w if wanted_w else 1.0,
        contract_use=worked / contract if contract else 0.0,
        continuity=matching / with_previous if with_previous else 1.0,
        mean_locations_per_employee=(sum(len(p) for p in places.values()) / len(places)
                                     if places else 0.0),
        team_splits=sum(max(0, len(p) - 1) for p in team_day_places.values()),
        objective=sum(terms.values()),
        objective_terms=terms,
        leader_continuity=1 - moved / len(with_leader) if with_leader else 1.0,
        stand_in_days=stood_in,
    )


def _check_employee_rules(problem: Problem, valid: list[AssignmentRef],
                          employees: dict[str, Employee], requests: dict[str, Request],
                          teams: dict[str, Team], out: list[Violation]) -> None:
    """Rules 1 to 4: each assignment on its own, then per employee-date and per employee."""
    locations = {l.id: l for l in problem.locations}
    per_day: dict[tuple[str, dt.date], list[AssignmentRef]] = defaultdict(list)
    for a in valid:
        e, q = employees[a.employee], requests[a.request]
        per_day[(a.employee, a.date)].append(a)
        who = f"{e.name} ({e.id})"
        if a.date not in q.days:
            out.append(Violation(1, f"{who} is op {_d(a.date)} ingezet op aanvraag {q.id}, "
                                    f"maar die aanvraag geldt niet op die dag",
                                 (a,), e.id, a.date, q.id))
        if not _covered(e.availability.get(a.date, ()), q.start, q.end):
            out.append(Violation(2, f"{who} is op {_d(a.date)} niet beschikbaar van "
                                    f"{_span(q.start, q.end)} (aanvraag {q.id})",
                                 (a,), e.id, a.date, q.id))
        if q.work_type not in e.work_types:
            out.append(Violation(3, f"{who} heeft werksoort {q.work_type} niet, nodig voor "
                                    f"aanvraag {q.id} op {_d(a.date)}",
                                 (a,), e.id, a.date, q.id))
        team = teams.get(e.team)
        location = locations.get(q.location)
        if team is not None and location is not None and location.region != team.region:
            out.append(Violation(3, f"{who} werkt op {_d(a.date)} op locatie {q.location} in regio "
                                    f"{location.region}, buiten de regio {team.region} van het team",
                                 (a,), e.id, a.date, q.id, e.team, q.location))
        if e.locations is not None and q.location not in e.locations:
            out.append(Violation(3, f"{who} mag niet werken op locatie {q.location} "
                                    f"(aanvraag {q.id} op {_d(a.date)})",
                                 (a,), e.id, a.date, q.id, location=q.location))
    weekly: dict[str, int] = defaultdict(int)
    for (emp, day), rows in sorted(per_day.items(), key=lambda kv: (kv[0][0], kv[0][1])):
        e = employees[emp]
        _check_rest(problem, e, rows, per_day.get((emp, day + dt.timedelta(days=1)), ()), requests, out)
        if len(rows) > 1:
            out.append(Violation(1, f"{e.name} ({e.id}) heeft op {_d(day)} {len(rows)} diensten, "
                                    f"meer dan één", tuple(rows), e.id, day))
        minutes = sum(requests[a.request].worked_minutes for a in rows)
        weekly[emp] += minutes
        if minutes > e.max_minutes_per_day:
            out.append(Violation(4, f"{e.name} ({e.id}) werkt op {_d(day)} {minutes} minuten, meer "
                                    f"dan de {e.max_minutes_per_day} per dag", tuple(rows), e.id, day,
                                 minutes=minutes))
    for emp, minutes in sorted(weekly.items()):
        e = employees[emp]
        if minutes > e.contract_minutes:
            out.append(Violation(4, f"{e.name} ({e.id}) werkt deze week {minutes} minuten, meer dan "
                                    f"de {e.contract_minutes} van het contract", (), e.id, minutes=minutes))


def _check_rest(problem: Problem, e: Employee, today: list[AssignmentRef], tomorrow,
                requests: dict[str, Request], out: list[Violation]) -> None:
    """Rule 10, when the problem sets min_rest_minutes: the rest from a shift's end to the next
    date's shift start (Arbeidstijdenwet: 11 hours), in real time (see _instant)."""
    least = problem.min_rest_minutes
    for a in today if least > 0 else ():
        for b in tomorrow:
            rest = (_instant(problem.timezone, b.date, requests[b.request].start)
                    - _instant(problem.timezone, a.date, requests[a.request].end)) // dt.timedelta(minutes=1)
            if rest < least:
                out.append(Violation(10, f"{e.name} ({e.id}) heeft tussen {_d(a.date)} en {_d(b.date)} "
                                         f"{rest} minuten rust, minder dan de {least} die nodig zijn",
                                     (a, b), e.id, b.date, b.request))


def _instant(timezone: str, day: dt.date, minute: int) -> dt.datetime:
    """The first moment the clock in `timezone` shows `minute` past midnight of `day` or later,
    in UTC: a time the clocks skip in spring is the moment they jump, one they show twice in
    autumn its first showing. A timezone that cannot be loaded counts wall-clock time."""
    wall = dt.datetime.combine(day, dt.time()) + dt.timedelta(minutes=minute)
    try:
        zone = ZoneInfo(timezone)
    except (ValueError, KeyError, OSError):
        return wall.replace(tzinfo=dt.timezone.utc)
    # fold=1 reads a skipped time before the jump and a twice-shown one at its second showing:
    # the earlier of the two readings is never past the moment wanted, so step on from there.
    moment = min(wall.replace(tzinfo=zone, fold=f).astimezone(dt.timezone.utc) for f in (0, 1))
    while moment.astimezone(zone).replace(tzinfo=None) < wall:
        moment += dt.timedelta(minutes=1)
    return moment


def _check_supervision(problem: Problem, valid: list[AssignmentRef],
                       supervision: list[SupervisionRef], employees: dict[str, Employee],
                       requests: dict[str, Request], teams: dict[str, Team],
                       out: list[Violation]) -> None:
    """Rules 6 and 7."""
    supervisors = {s.id: s for s in problem.supervisors}
    groups: dict[tuple[str, dt.date, str], list[AssignmentRef]] = defaultdict(list)
    for a in valid:
        groups[(employees[a.employee].team, a.date, requests[a.request].location)].append(a)
    entries: dict[tuple[str, dt.date, str], list[SupervisionRef]] = defaultdict(list)
    for s in supervision:
        if s.supervisor in supervisors:
            entries[(s.team, s.date, s.location)].append(s)
    for (team_id, day, location), rows in sorted(groups.items(), key=lambda kv: (kv[0][1], kv[0][0], kv[0][2])):
        team = teams.get(team_id)
        if team is None:
            continue  # the employee's team is unknown: a problem error, not a solution one
        start = min(requests[a.request].start for a in rows)
        end = max(requests[a.request].end for a in rows)
        work_types = sorted({requests[a.request].work_type for a in rows})
        candidates = entries.get((team_id, day, location), [])
        if any(supervisor_can_lead(supervisors[s.supervisor], team, day, start, end, work_types)
               for s in candidates):
            continue
        where = f"team {team_id} op {_d(day)} op locatie {location}"
        if not candidates:
            message = f"Geen teamleider voor {where}"
        else:
            reasons = []
            for s in candidates:
                sup = supervisors[s.supervisor]
                if sup.team is not None and sup.team != team_id:
                    reasons.append(f"{sup.id} is teamleider van een ander team")
                elif sup.team is None and sup.region != team.region:
                    reasons.append(f"{sup.id} hoort bij de pool van een andere regio")
                elif not _covered(sup.availability.get(day, ()), start, end):
                    reasons.append(f"{sup.id} is niet beschikbaar van {_span(start, end)}")
                else:
                    lacking = [w for w in work_types if w not in sup.work_types]
                    reasons.append(f"{sup.id} mist werksoort {', '.join(lacking)}")
            message = f"Geen geschikte teamleider voor {where}: {'; '.join(reasons)}"
        out.append(Violation(6, message, tuple(rows) + tuple(candidates), date=day, team=team_id,
                             location=location))
    per_day: dict[tuple[str, dt.date], list[SupervisionRef]] = defaultdict(list)
    for s in supervision:
        per_day[(s.supervisor, s.date)].append(s)
    for (sup, day), rows in sorted(per_day.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        if len(rows) > 1:
            out.append(Violation(7, f"Teamleider {sup} staat op {_d(day)} {len(rows)} keer "
                                    f"ingeroosterd, meer dan één keer", tuple(rows), date=day,
                                 supervisor=sup))


def _check_supervisor_working_time(problem: Problem, valid: list[AssignmentRef],
                                   supervision: list[SupervisionRef], employees: dict[str, Employee],
                                   requests: dict[str, Request], out: list[Violation]) -> None:
    """Rules 11 and 12: each supervisor's presence a date, from the earliest start to the latest
    end of the shifts of the teams they lead there (rule 6), leaves the rest of min_rest_minutes
    before the next date's and lasts at most max_supervision_minutes, both in real time (see
    _instant). An entry where the team does not work holds nobody there."""
    least, most = problem.min_rest_minutes, problem.max_supervision_minutes
    if least <= 0 and most <= 0:
        return
    spans: dict[tuple[str, dt.date, str], tuple[int, int]] = {}
    for a in valid:
        q = requests[a.request]
        key = (employees[a.employee].team, a.date, q.location)
        start, end = spans.get(key, (q.start, q.end))
        spans[key] = (min(start, q.start), max(end, q.end))
    supervisors = {s.id: s for s in problem.supervisors}
    duty: dict[tuple[str, dt.date], tuple[int, int, list[SupervisionRef]]] = {}
    for s in supervision:
        span = spans.get((s.team, s.date, s.location))
        if span is None or s.supervisor not in supervisors:
            continue
        start, end, rows = duty.get((s.supervisor, s.date), (span[0], span[1], []))
        duty[(s.supervisor, s.date)] = (min(start, span[0]), max(end, span[1]), rows + [s])
    minute = dt.timedelta(minutes=1)
    for (sup, day), (start, end, rows) in sorted(duty.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        who = f"Teamleider {supervisors[sup].name} ({sup})"
        if most > 0:
            minutes = (_instant(problem.timezone, day, end) - _instant(problem.timezone, day, start)) // minute
            if minutes > most:
                out.append(Violation(RULE_SUPERVISOR_DAY, f"{who} leidt op {_d(day)} van {_span(start, end)}: "
                                                          f"{minutes} minuten, langer dan de {most} per dag",
                                     tuple(rows), date=day, team=rows[0].team, location=rows[0].location,
                                     supervisor=sup, minutes=minutes))
        later = day + dt.timedelta(days=1)
        if least > 0 and (sup, later) in duty:
            next_start, _end, next_rows = duty[(sup, later)]
            rest = (_instant(problem.timezone, later, next_start) - _instant(problem.timezone, day, end)) // minute
            if rest < least:
                out.append(Violation(RULE_SUPERVISOR_REST, f"{who} heeft tussen {_d(day)} en {_d(later)} {rest} "
                                                           f"minuten rust, minder dan de {least} die nodig zijn",
                                     tuple(rows + next_rows), date=later, team=next_rows[0].team,
                                     location=next_rows[0].location, supervisor=sup))


def _check_leader_pins(problem: Problem, supervision: Iterable[SupervisionRef], out: list[Violation]) -> None:
    """Rule 9 for the pinned team leaders (pinned_supervision): where a pinned team's place has a
    leader, it is the pinned one; a pinned leader leads nothing else that date."""
    place_pin = {(p.team, p.location, p.date): p for p in problem.pinned_supervision}
    leader_pin = {(p.supervisor, p.date): p for p in problem.pinned_supervision}
    for s in supervision:
        pin = place_pin.get((s.team, s.location, s.date))
        if pin is not None and pin.supervisor != s.supervisor:
            out.append(Violation(9, f"Team {s.team} op {_d(s.date)} op locatie {s.location} wordt geleid door "
                                    f"{s.supervisor}, maar vastgezet is {pin.supervisor}", (s, pin),
                                 date=s.date, team=s.team, location=s.location, supervisor=pin.supervisor))
            continue
        pin = leader_pin.get((s.supervisor, s.date))
        if pin is not None and (pin.team, pin.location) != (s.team, s.location):
            out.append(Violation(9, f"Teamleider {s.supervisor} is op {_d(s.date)} vastgezet bij team {pin.team} "
                                    f"op locatie {pin.location}, maar leidt team {s.team} op locatie {s.location}",
                                 (s, pin), date=s.date, team=s.team, location=s.location,
                                 supervisor=s.supervisor))


def check(problem: Problem, solution: Solution) -> CheckReport:
    """Every hard-rule violation of the solution, plus its metrics and objective."""
    employees = {e.id: e for e in problem.employees}
    requests = {q.id: q for q in problem.requests}
    teams = {t.id: t for t in problem.teams}
    out: list[Violation] = []

    valid: list[AssignmentRef] = []
    for a in solution.assignments:
        if a.employee not in employees:
            out.append(Violation(RULE_REFERENCE, f"Inzet op {_d(a.date)} noemt onbekende medewerker "
                                                 f"{a.employee}", (a,), a.employee, a.date, a.request))
        elif a.request not in requests:
            out.append(Violation(RULE_REFERENCE, f"Inzet van {a.employee} op {_d(a.date)} noemt "
                                                 f"onbekende aanvraag {a.request}",
                                 (a,), a.employee, a.date, a.request))
        else:
            valid.append(a)
    known = {"supervisor": {s.id for s in problem.supervisors},
             "team": set(teams), "location": {l.id for l in problem.locations}}
    dutch = {"supervisor": "teamleider", "team": "team", "location": "locatie"}
    for s in solution.supervision:
        for kind, ids in known.items():
            value = getattr(s, kind)
            if value not in ids:
                adjective = "onbekend" if kind == "team" else "onbekende"
                out.append(Violation(RULE_REFERENCE, f"Toezicht op {_d(s.date)} noemt {adjective} "
                                                     f"{dutch[kind]} {value}", (s,), date=s.date,
                                     team=s.team, location=s.location, supervisor=s.supervisor))

    _check_employee_rules(problem, valid, employees, requests, teams, out)

    filled: dict[tuple[str, dt.date], list[AssignmentRef]] = defaultdict(list)
    for a in valid:
        filled[(a.request, a.date)].append(a)
    for (req, day), rows in sorted(filled.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        q = requests[req]
        if len(rows) > q.headcount:
            out.append(Violation(5, f"Aanvraag {req} heeft op {_d(day)} {len(rows)} medewerkers, "
                                    f"meer dan de gevraagde {q.headcount}", tuple(rows), date=day,
                                 request=req, location=q.location))

    _check_supervision(problem, valid, solution.supervision, employees, requests, teams, out)
    _check_supervisor_working_time(problem, valid, solution.supervision, employees, requests, out)

    sizes: dict[str, int] = defaultdict(int)
    for e in problem.employees:
        sizes[e.team] += 1
    for t in problem.teams:
        if t.max_size > MAX_TEAM_SIZE:
            out.append(Violation(8, f"Team {t.id} mag {t.max_size} medewerkers hebben, meer dan "
                                    f"het maximum van {MAX_TEAM_SIZE}", team=t.id))
        if sizes[t.id] > t.max_size:
            out.append(Violation(8, f"Team {t.id} heeft {sizes[t.id]} medewerkers, meer dan "
                                    f"max_size {t.max_size}", team=t.id))

    present = set(solution.assignments)
    for p in problem.pinned:
        if p not in present:
            out.append(Violation(9, f"Vastgezette inzet van {p.employee} op {_d(p.date)} op aanvraag "
                                    f"{p.request} ontbreekt", (p,), p.employee, p.date, p.request))
    _check_leader_pins(problem, solution.supervision, out)

    return CheckReport(out, _metrics(problem, list(solution.assignments), solution.supervision))
