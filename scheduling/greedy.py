"""A greedy baseline planner: what a careful person with a spreadsheet would do.

Keep pins, keep the published roster, keep everyone on last week's pattern, then fill the
remaining request-days first-fit, highest priority first. It respects every hard rule,
supervision included, so its output passes `checker.check`; the CP-SAT solver should beat it.
"""
from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict
from dataclasses import dataclass, field

from .checker import objective, supervisor_can_lead
from .domain import (
    DEFAULT_WEIGHTS,
    AssignmentRef,
    Employee,
    LeaderPins,
    Problem,
    Request,
    Shortfall,
    Solution,
    Supervisor,
    SupervisionRef,
    rest_too_short,
    supervision_too_long,
)

__all__ = ["greedy"]

# Why a qualified employee could not take a shift, as the planner reads it in a shortfall.
REASONS = {
    "busy": "gekwalificeerde medewerkers werken die dag al elders",
    "rest": "gekwalificeerde medewerkers hebben dan te weinig rust tussen twee diensten",
    "unavailable": "gekwalificeerde medewerkers zijn niet beschikbaar op die tijd",
    "day_limit": "de dienst is langer dan wat gekwalificeerde medewerkers per dag mogen werken",
    "contract": "de contracturen van gekwalificeerde medewerkers zijn op",
    "supervision": "geen teamleider beschikbaar",
    "nobody": "niemand in de regio heeft deze werksoort en mag op deze locatie werken",
}


@dataclass
class _Group:
    """The people of one team at one location on one date, and who leads them."""

    supervisor: Supervisor
    start: int
    end: int
    work_types: set[str] = field(default_factory=set)


class _Planner:
    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        self.employees = {e.id: e for e in problem.employees}
        self.requests = {q.id: q for q in problem.requests}
        self.teams = {t.id: t for t in problem.teams}
        self.locations = {l.id: l for l in problem.locations}
        self.leaders: dict[str, list[Supervisor]] = defaultdict(list)
        self.pool: dict[str, list[Supervisor]] = defaultdict(list)
        for s in sorted(problem.supervisors, key=lambda s: s.id):
            if s.team is None:
                self.pool[s.region].append(s)
            else:
                self.leaders[s.team].append(s)
        self.shift: dict[tuple[str, dt.date], str] = {}
        self.week_minutes: dict[str, int] = defaultdict(int)
        self.count: dict[tuple[str, dt.date], int] = defaultdict(int)
        self.groups: dict[tuple[str, dt.date, str], _Group] = {}
        self.busy: dict[tuple[str, dt.date], tuple[str, dt.date, str]] = {}
        self.assignments: list[AssignmentRef] = []
        self.leader_pins = LeaderPins(problem.pinned_supervision)
        # Whether a stand-in costs anything (supervision_stand_in): then own leaders come first.
        stand_in = (problem.weights or {}).get("supervision_stand_in")
        self.own_first = bool(DEFAULT_WEIGHTS["supervision_stand_in"] if stand_in is None else stand_in)
        # (ISO weekday, team, location) -> who led the team there last week (the first entry).
        self.led_before: dict[tuple[int, str, str], str] = {}
        for p in problem.previous_supervision:
            self.led_before.setdefault((p.weekday, p.team, p.location), p.supervisor)
        # (supervisor, ISO weekday) of each entry that counts above.
        self.led_weekday = {(s_id, weekday) for (weekday, _team, _location), s_id in self.led_before.items()}

    def qualified(self, e: Employee, q: Request) -> bool:
        """The static part of rule 3: work type, region, personal location list."""
        team = self.teams.get(e.team)
        location = self.locations.get(q.location)
        if team is None or location is None or location.region != team.region:
            return False
        if e.locations is not None and q.location not in e.locations:
            return False
        return q.work_type in e.work_types

    def blocker(self, e: Employee, q: Request, day: dt.date) -> str | None:
        """Why e cannot work q on day now (a REASONS key, or 'full'/'off'), else None."""
        if day not in q.days:
            return "off"
        if self.count[(q.id, day)] >= q.headcount:
            return "full"
        if (e.id, day) in self.shift:
            return "busy"
        if self.too_little_rest(e, q, day):
            return "rest"
        if not any(s <= q.start and q.end <= t for s, t in e.availability.get(day, ())):
            return "unavailable"
        if q.worked_minutes > e.max_minutes_per_day:
            return "day_limit"
        if self.week_minutes[e.id] + q.worked_minutes > e.contract_minutes:
            return "contract"
        if self.supervisor_for(e, q, day) is None:
            return "supervision"
        return None

    def too_little_rest(self, e: Employee, q: Request, day: dt.date) -> bool:
        """Rule 10: e's shifts the date before and after leave too little rest around q."""
        yesterday = day - dt.timedelta(days=1)
        before = self.shift.get((e.id, yesterday))
        after = self.shift.get((e.id, day + dt.timedelta(days=1)))
        return ((before is not None and rest_too_short(self.problem, self.requests[before].end, q.start, yesterday))
                or (after is not None and rest_too_short(self.problem, q.end, self.requests[after].start, day)))

    def supervisor_for(self, e: Employee, q: Request, day: dt.date) -> Supervisor | None:
        """A supervisor who can lead e's team at q's location that day once e joins."""
        team = self.teams[e.team]
        key = (team.id, day, q.location)
        group = self.groups.get(key)
        start, end, work_types = q.start, q.end, {q.work_type}
        if group is not None:
            start, end = min(start, group.start), max(end, group.end)
            work_types |= group.work_types
            # A stand-in leading the group makes way for an own leader who is free by now (below).
            if (group.supervisor.team == team.id or not self.own_first) and self.can_lead(
                    group.supervisor, team, day, start, end, work_types):
                return group.supervisor
        # Who led them there last week that weekday first: the people we plan for know them.
        before = self.led_before.get((day.isoweekday(), team.id, q.location))
        candidates = self.leaders[team.id] + self.pool[team.region]
        if self.own_first:
            candidates.sort(key=lambda s: self.rank(s, team.id, day, before))
        elif before is not None:
            candidates.sort(key=lambda s: s.id != before)  # stable: the rest keep their order
        for s in candidates:
            if self.busy.get((s.id, day), key) != key or not self.leader_pins.allows(s.id, team.id, q.location, day):
                continue
            if self.can_lead(s, team, day, start, end, work_types):
                return s
        return None

    def rank(self, s: Supervisor, team: str, day: dt.date, before: str | None) -> int:
        """Greedy's order of those who may lead `team` at a place on `day` while a stand-in costs
        (supervision_stand_in, more than supervision_continuity): last week's leader there if
        one of the team's own; an own leader who led nowhere that weekday last week; last week's
        stand-in there (its own leader, if any, led elsewhere then and will be wanted there); an
        own leader who led elsewhere; the other stand-ins."""
        own = s.team == team
        if own and s.id == before:
            return 0
        if own and (s.id, day.isoweekday()) not in self.led_weekday:
            return 1
        if s.id == before:
            return 2
        return 3 if own else 4

    def can_lead(self, s: Supervisor, team, day: dt.date, start: int, end: int, work_types: set[str]) -> bool:
        """Rule 6 for s, and the working-time rules: a day of at most max_supervision_minutes
        (rule 12) and enough rest from what s leads the date before and after (rule 11)."""
        if not supervisor_can_lead(s, team, day, start, end, work_types):
            return False
        if supervision_too_long(self.problem, start, end, day):
            return False
        yesterday, tomorrow = day - dt.timedelta(days=1), day + dt.timedelta(days=1)
        before = self.groups.get(self.busy.get((s.id, yesterday)))
        after = self.groups.get(self.busy.get((s.id, tomorrow)))
        return not ((before is not None and rest_too_short(self.problem, before.end, start, yesterday))
                    or (after is not None and rest_too_short(self.problem, end, after.start, day)))

    def place(self, e: Employee, q: Request, day: dt.date) -> str | None:
        """Assign e to q on day if every hard rule allows; return the blocker otherwise."""
        if not self.qualified(e, q):
            return "nobody"
        reason = self.blocker(e, q, day)
        if reason is not None:
            return reason
        supervisor = self.supervisor_for(e, q, day)
        assert supervisor is not None  # blocker() just found one
        key = (e.team, day, q.location)
        group = self.groups.get(key)
        if group is None:
            group = self.groups[key] = _Group(supervisor, q.start, q.end)
        elif group.supervisor.id != supervisor.id:
            del self.busy[(group.supervisor.id, day)]
            group.supervisor = supervisor
        self.busy[(supervisor.id, day)] = key
        group.start, group.end = min(group.start, q.start), max(group.end, q.end)
        group.work_types.add(q.work_type)
        self.shift[(e.id, day)] = q.id
        self.week_minutes[e.id] += q.worked_minutes
        self.count[(q.id, day)] += 1
        self.assignments.append(AssignmentRef(e.id, day, q.id))
        return None

    def keep(self, refs) -> list[AssignmentRef]:
        """Place given assignments where the rules allow; return those that could not be."""
        failed = []
        for ref in refs:
            e, q = self.employees.get(ref.employee), self.requests.get(ref.request)
            if e is None or q is None or self.place(e, q, ref.date) is not None:
                failed.append(ref)
        return failed

    def continue_last_week(self) -> None:
        """Same place, same work as last week's weekday, where a request still wants it."""
        by_place: dict[tuple[str, str, dt.date], list[Request]] = defaultdict(list)
        for q in sorted(self.problem.requests, key=lambda q: (-q.priority, q.id)):
            for day in q.days:
                by_place[(q.location, q.work_type, day)].append(q)
        previous = {(p.employee, p.weekday): p for p in self.problem.previous}
        for e in sorted(self.problem.employees, key=lambda e: e.id):
            for day in sorted(self.problem.days):
                p = previous.get((e.id, day.isoweekday()))
                if p is None or (e.id, day) in self.shift:
                    continue
                for q in by_place.get((p.location, p.work_type, day), ()):
                    if self.place(e, q, day) is None:
                        break

    def fill(self) -> None:
        """First fit over request-days, highest priority first; keeps teams together."""
        candidates = {q.id: [e for e in sorted(self.problem.employees, key=lambda e: e.id)
                             if self.qualified(e, q)] for q in self.problem.requests}
        order = sorted(((q, day) for q in self.problem.requests for day in q.days),
                       key=lambda qd: (-qd[0].priority, qd[1], qd[0].start, qd[0].id))
        for q, day in order:
            while self.count[(q.id, day)] < q.headcount:
                fits = [e for e in candidates[q.id] if self.blocker(e, q, day) is None]
                if not fits:
                    break
                # A team already there needs no extra supervisor or split; then most hours left.
                best = min(fits, key=lambda e: ((e.team, day, q.location) not in self.groups,
                                                self.week_minutes[e.id] - e.contract_minutes,
                                                e.id))
                self.place(best, q, day)

    def shortfall(self) -> list[Shortfall]:
        out = []
        for q in self.problem.requests:
            qualified = [e for e in self.problem.employees if self.qualified(e, q)]
            for day in q.days:
                missing = q.headcount - self.count[(q.id, day)]
                if missing <= 0:
                    continue
                if not qualified:
                    reasons = [REASONS["nobody"]]
                else:
                    found = set()
                    for e in qualified:
                        if self.shift.get((e.id, day)) == q.id:
                            continue
                        # Ask as if there were room, so the reason is about the person.
                        self.count[(q.id, day)] -= missing
                        why = self.blocker(e, q, day)
                        self.count[(q.id, day)] += missing
                        if why in REASONS:
                            found.add(why)
                    reasons = [REASONS[k] for k in REASONS if k in found]
                out.append(Shortfall(q.id, day, missing, tuple(reasons)))
        return out


def greedy(problem: Problem) -> Solution:
    """A feasible roster built greedily; INFEASIBLE with `conflicting_pins` if pins cannot hold.

    Pins are placed first, in their given order; a pin that breaks a hard rule, given the
    pins before it and greedy's choice of supervisors, is reported as conflicting. That is
    greedy's judgement only: the CP-SAT solver decides whether pins truly conflict.
    """
    started = time.monotonic()
    planner = _Planner(problem)
    conflicting = planner.keep(problem.pinned)
    if conflicting:
        return Solution(status="INFEASIBLE", conflicting_pins=conflicting,
                        wall_seconds=time.monotonic() - started)
    planned = set(problem.days)
    planner.keep([p for p in problem.published if p.date in planned])
    planner.continue_last_week()
    planner.fill()
    supervision = [SupervisionRef(g.supervisor.id, day, location, team)
                   for (team, day, location), g in sorted(planner.groups.items(),
                                                          key=lambda kv: (kv[0][1], kv[0][0], kv[0][2]))]
    return Solution(
        status="FEASIBLE",
        assignments=planner.assignments,
        supervision=supervision,
        shortfall=planner.shortfall(),
        objective=objective(problem, planner.assignments, supervision),
        wall_seconds=time.monotonic() - started,
    )
