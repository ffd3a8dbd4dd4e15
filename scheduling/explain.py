"""Plain Dutch reasons why a request-day of a solved roster is short of people."""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from .domain import (AssignmentRef, LeaderPins, Problem, Reason, Request, Shortfall, SupervisionRef,
                     rest_too_short, supervision_too_long)
from .model import covering_window

# What the rest owed to work outside a Problem (a shift the Sunday before or the Monday after,
# one in a roster of another team) took off people's availability in it: person id (employee or
# supervisor) -> date -> windows. The Problem holds the availability without them, so the
# optimiser keeps that rest; the reasons read them to say "too little rest", not "not available".
RestKept = dict[str, dict[dt.date, list[tuple[int, int]]]]

WEEKDAYS_NL = ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag")


def weekday_nl(date: dt.date) -> str:
    return WEEKDAYS_NL[date.weekday()]


def hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


# Each reason's Dutch wording (singular, plural by `n`); the app has the same msgids to translate.
DUTCH = {
    "nobody_skilled": ("niemand in de regio heeft werksoort {work}",) * 2,
    "too_few_fit": ("maar 1 van de {of} gevraagde medewerkers heeft deze werksoort en is op {day} op tijd "
                    "beschikbaar",
                    "maar {n} van de {of} gevraagde medewerkers hebben deze werksoort en zijn op {day} op tijd "
                    "beschikbaar"),
    "wrong_place": ("1 medewerker met deze werksoort mag niet op {place} werken",
                    "{n} medewerkers met deze werksoort mogen niet op {place} werken"),
    "absent": ("1 medewerker met deze werksoort is vrij of afwezig op {day}",
               "{n} medewerkers met deze werksoort zijn vrij of afwezig op {day}"),
    "outside_window": ("1 medewerker is op {day} niet beschikbaar van {start} tot {end}",
                       "{n} medewerkers zijn op {day} niet beschikbaar van {start} tot {end}"),
    "shift_too_long": ("de dienst is langer dan de maximale uren per dag van 1 medewerker",
                       "de dienst is langer dan de maximale uren per dag van {n} medewerkers"),
    "higher_priority": ("1 medewerker is ingezet op een aanvraag met hogere prioriteit",
                        "{n} medewerkers zijn ingezet op een aanvraag met hogere prioriteit"),
    "elsewhere": ("1 medewerker is op {day} al elders ingezet", "{n} medewerkers zijn op {day} al elders ingezet"),
    "too_little_rest": ("1 medewerker heeft dan te weinig rust tussen twee diensten",
                        "{n} medewerkers hebben dan te weinig rust tussen twee diensten"),
    "hours_used": ("contracturen van 1 medewerker met deze werksoort zijn op",
                   "contracturen van {n} medewerkers met deze werksoort zijn op"),
    "team_full": ("team is al vol ingezet",) * 2,
    "no_supervisor": ("geen teamleider vrij op {day}",) * 2,
    "supervisors_busy": ("alle teamleiders die dit kunnen leiden zijn op {day} al elders ingezet",) * 2,
    "leader_rest": ("1 teamleider die dit kan leiden heeft dan te weinig rust tussen twee werkdagen",
                    "{n} teamleiders die dit kunnen leiden hebben dan te weinig rust tussen twee werkdagen"),
    "leader_day_too_long": ("de werkdag van 1 teamleider die dit kan leiden wordt dan langer dan {hours} uur",
                            "de werkdag van {n} teamleiders die dit kunnen leiden wordt dan langer dan {hours} uur"),
    "other_supervisors_busy": ("1 andere teamleider die dit kan leiden is op {day} al elders ingezet",
                               "{n} andere teamleiders die dit kunnen leiden zijn op {day} al elders ingezet"),
    "costs_elsewhere": ("meer inzet zou elders meer kosten (wijzigingen in het rooster, teams opsplitsen)",) * 2,
}
# Variants of the codes above, told apart by their values (the app words them the same way).
# outside_window with partly=1: available for some of the shift's hours, not all of them.
OUTSIDE_PART_OF_WINDOW = ("1 medewerker is op {day} niet de hele tijd van {start} tot {end} beschikbaar",
                          "{n} medewerkers zijn op {day} niet de hele tijd van {start} tot {end} beschikbaar")
# too_few_fit with n=0, of one asked or more.
NOBODY_FITS = "geen van de {of} gevraagde medewerkers heeft deze werksoort en is op {day} op tijd beschikbaar"
NOBODY_FITS_ONE = "niemand met deze werksoort is op {day} op tijd beschikbaar (1 medewerker gevraagd)"
# no_supervisor with own_away=1: the teams' own leaders (n of them) are off that day; never why.
OWN_LEADER_AWAY = ("de eigen teamleider van {teams} is op {day} vrij of afwezig",
                   "de eigen teamleiders van {teams} zijn op {day} vrij of afwezig")


def reason(code: str, **params) -> Reason:
    return Reason(code, tuple(sorted(params.items())))


def dutch(r: Reason) -> str:
    """The Dutch sentence of a reason; days are ISO dates in the params, named here."""
    params = dict(r.params)
    if "day" in params:
        params["day"] = weekday_nl(dt.date.fromisoformat(str(params["day"])))
    singular, plural = DUTCH[r.code]
    if r.code in ("supervisors_busy", "other_supervisors_busy"):  # where they are
        where = " en ".join(part for part in ("bij {teams}" if "teams" in params else "",
                                              "op {places}" if "places" in params else "") if part)
        if where:
            singular, plural = singular + f" ({where})", plural + f" ({where})"
    if r.code == "no_supervisor" and params.get("own_away"):
        singular, plural = OWN_LEADER_AWAY
    elif r.code == "no_supervisor" and "teams" in params:  # whose people, when other teams' have one
        singular = plural = singular + " voor {teams}"
    if r.code == "outside_window" and params.get("partly"):
        singular, plural = OUTSIDE_PART_OF_WINDOW
    if r.code == "too_few_fit" and params.get("n") == 0:
        singular = plural = NOBODY_FITS_ONE if params.get("of") == 1 else NOBODY_FITS
    return (singular if params.get("n", 0) == 1 else plural).format(**params)


class _Context:
    """What the reasons need, computed once per roster."""

    def __init__(self, problem: Problem, assignments: list[AssignmentRef],
                 supervision: list[SupervisionRef], rest_kept: RestKept | None = None):
        self.problem = problem
        self.rest_kept = rest_kept or {}
        self.team_region = {t.id: t.region for t in problem.teams}
        self.teams = {t.id: t for t in problem.teams}
        self.location_region = {loc.id: loc.region for loc in problem.locations}
        self.location_name = {loc.id: loc.name for loc in problem.locations}
        self.work_type_name = {w.id: w.name for w in problem.work_types}
        self.requests = {r.id: r for r in problem.requests}
        self.employees_by_region = defaultdict(list)
        for e in problem.employees:
            self.employees_by_region[self.team_region.get(e.team)].append(e)
        self.assigned: dict[tuple[str, dt.date], str] = {}
        self.worked: dict[str, int] = defaultdict(int)
        self.roster_members: dict[str, set[str]] = defaultdict(set)
        employees = {e.id: e for e in problem.employees}
        for a in assignments:
            self.assigned[(a.employee, a.date)] = a.request
            request = self.requests.get(a.request)
            if request is not None:
                self.worked[a.employee] += request.worked_minutes
            if a.employee in employees:
                self.roster_members[employees[a.employee].team].add(a.employee)
        # From when to when each team works at a place that date: (team, location, date) -> span.
        self.spans: dict[tuple[str, str, dt.date], tuple[int, int]] = {}
        for a in assignments:
            request = self.requests.get(a.request)
            if request is not None and a.employee in employees:
                place = (employees[a.employee].team, request.location, a.date)
                start, end = self.spans.get(place, (request.start, request.end))
                self.spans[place] = (min(start, request.start), max(end, request.end))
        # Where each supervisor leads a team that day: (supervisor, date) -> team.
        self.busy_supervisors = {(s.supervisor, s.date): s.team for s in supervision}
        # ... and at which place: (supervisor, date) -> location.
        self.led_at = {(s.supervisor, s.date): s.location for s in supervision}
        self.leader_pins: LeaderPins | None = None  # read when a reason first asks
        # Who may lead a team at all (rule 6): its own leaders and its region's stand-ins.
        self.leaders_of: dict[str, list] = defaultdict(list)
        self.pool_of: dict[str | None, list] = defaultdict(list)
        self.supervisor_by_id = {s.id: s for s in problem.supervisors}
        for s in problem.supervisors:
            if s.team is None:
                self.pool_of[s.region].append(s)
            else:
                self.leaders_of[s.team].append(s)

    def windows(self, person, date: dt.date) -> tuple:
        """The person's availability that date as it was before the rest owed to work outside the
        Problem was taken off it: who is short of rest is not "not available"."""
        windows = person.availability.get(date, ())
        kept = self.rest_kept.get(person.id, {}).get(date)
        return _merged(windows + tuple(kept)) if kept else windows


def _merged(windows: tuple) -> tuple:
    out: list[tuple[int, int]] = []
    for start, end in sorted(windows):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return tuple(out)


def explain_request_day(ctx: _Context, request: Request, date: dt.date, missing: int) -> list[Reason]:
    """Reasons, most telling first, for `missing` people short on `request` at `date`."""
    region = ctx.location_region.get(request.location)
    day = date.isoformat()
    work_name = ctx.work_type_name.get(request.work_type, request.work_type)
    minutes = request.worked_minutes

    skilled = [e for e in ctx.employees_by_region.get(region, [])
               if request.work_type in e.work_types]
    if not skilled:
        # The work type's id too: the app names it in the reader's language.
        return [reason("nobody_skilled", work=work_name, work_type=request.work_type)]

    wrong_place = [e for e in skilled
                   if e.locations is not None and request.location not in e.locations]
    allowed = [e for e in skilled if e.locations is None or request.location in e.locations]
    absent = [e for e in allowed if not ctx.windows(e, date)]
    present = [e for e in allowed if ctx.windows(e, date)]
    outside_window = [e for e in present if covering_window(
        ctx.windows(e, date), request.start, request.end) is None]
    # Available for some of the hours (a late start, an absence of a few hours) is not "not
    # available then": said apart.
    partly = [e for e in outside_window
              if any(start < request.end and request.start < end for start, end in ctx.windows(e, date))]
    outside_window = [e for e in outside_window if e not in partly]
    available = [e for e in present if covering_window(
        ctx.windows(e, date), request.start, request.end) is not None]
    too_long = [e for e in available if minutes > e.max_minutes_per_day]
    fits = [e for e in available if minutes <= e.max_minutes_per_day]
    elsewhere = [e for e in fits if (e.id, date) in ctx.assigned
                 and ctx.assigned[(e.id, date)] != request.id]
    # A shift on a request the problem does not hold (its place was taken out of use since)
    # still keeps its person busy; it just has no priority to compare.
    higher = [e for e in elsewhere if (other := ctx.requests.get(ctx.assigned[(e.id, date)]))
              is not None and other.priority > request.priority]
    # Available but for the rest owed to a shift outside the Problem (the Monday after, say).
    owed_rest = {e.id for e in fits
                 if covering_window(e.availability.get(date, ()), request.start, request.end) is None}
    unrested = [e for e in fits if (e.id, date) not in ctx.assigned
                and (e.id in owed_rest or _rest_clash(ctx, e.id, request, date))]
    free = [e for e in fits if (e.id, date) not in ctx.assigned and e not in unrested]
    hours_used = [e for e in free if e.contract_minutes - ctx.worked[e.id] < minutes]
    free_with_hours = [e for e in free if e.contract_minutes - ctx.worked[e.id] >= minutes]
    # Whose team nobody may lead here that day (its leader and the stand-ins off, other hours or
    # work, pinned elsewhere) could not have worked here whatever their hours or rest: the plan
    # used their hours on other days because this one had no leader, so the leader is the cause.
    leaderless = _teams_nobody_may_lead(ctx, request, date, region, {e.team for e in fits})
    unled = [e for e in unrested + hours_used if e.team in leaderless]
    nobody_may_lead = bool(fits) and all(e.team in leaderless for e in fits)
    team_full = [e for e in free_with_hours
                 if e.team in ctx.teams
                 and len(ctx.roster_members[e.team]) >= ctx.teams[e.team].max_size
                 and e.id not in ctx.roster_members[e.team]]

    # Who could not be asked at all (another place, off or absent that day, other hours, too long a day)...
    narrowed: list[Reason] = []
    if wrong_place:
        narrowed.append(reason("wrong_place", n=len(wrong_place),
                               place=ctx.location_name.get(request.location, request.location)))
    if absent:
        narrowed.append(reason("absent", n=len(absent), day=day))
    if outside_window:
        narrowed.append(reason("outside_window", n=len(outside_window), day=day,
                               start=hhmm(request.start), end=hhmm(request.end)))
    if partly:
        narrowed.append(reason("outside_window", n=len(partly), day=day,
                               start=hhmm(request.start), end=hhmm(request.end), partly=1))
    if too_long:
        narrowed.append(reason("shift_too_long", n=len(too_long)))
    # ... and why those who could were not planned here, with how many people each reason covers:
    # the one that covers most comes first (nobody to lead the free people covers them all).
    unused_by: list[tuple[Reason, int]] = []
    if higher:
        unused_by.append((reason("higher_priority", n=len(higher)), len(higher)))
    if len(elsewhere) > len(higher):
        n = len(elsewhere) - len(higher)
        unused_by.append((reason("elsewhere", n=n, day=day), n))
    if unrested:
        unused_by.append((reason("too_little_rest", n=len(unrested)), len(unrested)))
    if hours_used:
        unused_by.append((reason("hours_used", n=len(hours_used)), len(hours_used)))
    if team_full:
        unused_by.append((reason("team_full"), len(team_full)))
    # The leader reasons first among equals: they cover the same people as hours used or rest.
    leadable = free_with_hours + unled
    unused_by[:0] = [(r, len(leadable)) for r in _supervisor_reasons(ctx, request, date, region, leadable)]
    unused = [r for r, _n in sorted(unused_by, key=lambda pair: -pair[1])]

    if len(fits) < request.headcount:
        too_few = [reason("too_few_fit", n=len(fits), of=request.headcount, day=day)]
        if unused and (nobody_may_lead or missing - (request.headcount - len(fits)) > request.headcount - len(fits)):
            # Most of the shortfall is people who fit but were not planned (or nobody could lead
            # any of them here that day): that reason first.
            return unused + too_few + narrowed
        return too_few + narrowed + unused
    # Enough people fit: those who could not be asked are not why the day is short (a team
    # leader's absence after which a repair took people off reads "no leader", not "4 are off").
    return (unused or [reason("costs_elsewhere")]) + narrowed


def _rest_clash(ctx: _Context, employee: str, request: Request, date: dt.date) -> bool:
    """Rule 10: the person's shifts the date before or after leave too little rest around this one."""
    yesterday = date - dt.timedelta(days=1)
    before = ctx.requests.get(ctx.assigned.get((employee, yesterday), ""))
    after = ctx.requests.get(ctx.assigned.get((employee, date + dt.timedelta(days=1)), ""))
    return ((before is not None and rest_too_short(ctx.problem, before.end, request.start, yesterday))
            or (after is not None and rest_too_short(ctx.problem, request.end, after.start, date)))


def _supervisor_reasons(ctx: _Context, request: Request, date: dt.date, region: str | None,
                        candidates: list) -> list[Reason]:
    """Is there anyone to lead the free people's teams at this shift?

    Asked per team: a team's own leader leads no other team, so one free leader of Team 2 does
    not let Team 1's free people work. A leader already leading the team at this place that day
    can take more of its people there, unless the working-time rules (their rest between dates,
    their longest day) keep them from this shift: that is said apart."""
    day = date.isoformat()
    teams = sorted({e.team for e in candidates})
    if not teams:
        return []
    # Those short of rest owed to what they lead outside the Problem are able: _working_time
    # says why they may not.
    able_for = {team: _able_leaders(ctx, team, region, date, request, rested=True) for team in teams}

    def free_for(s, team: str) -> bool:
        key = (s.id, date)
        return key not in ctx.busy_supervisors or (
            ctx.busy_supervisors[key] == team and ctx.led_at.get(key) == request.location)

    unled = [team for team in teams
             if not any(free_for(s, team) and _working_time(ctx, s.id, team, request, date) is None
                        for s in able_for[team])]
    if not unled:
        return []
    if len(unled) < len(teams):
        names = sorted((ctx.teams[t].name if t in ctx.teams else "") or t for t in unled)
        # Other teams' free people have a leader: name the teams whose people have none.
        return [reason("no_supervisor", day=day, teams=", ".join(names))] + _own_leaders_away(ctx, unled, date)
    able = {s.id: s for team in teams for s in able_for[team]}
    if not able:
        return [reason("no_supervisor", day=day)] + _own_leaders_away(ctx, teams, date)
    # Those free that day whom the working-time rules keep from leading here (rules 11 and 12),
    # and the others, busy elsewhere.
    kept: dict[str, str | None] = {}
    for team in teams:
        for s in able_for[team]:
            if free_for(s, team) and s.id not in kept:
                kept[s.id] = _working_time(ctx, s.id, team, request, date)
    out = []
    rested = sum(1 for why in kept.values() if why == "leader_rest")
    if rested:
        out.append(reason("leader_rest", n=rested))
    long_day = sum(1 for why in kept.values() if why == "leader_day_too_long")
    if long_day:
        out.append(reason("leader_day_too_long", n=long_day, hours=_hours(ctx.problem.max_supervision_minutes)))
    busy = [s_id for s_id in able if s_id not in kept]
    if not busy:
        return out
    # Name the teams they lead then: a stand-in held by another team's roster can be asked back.
    # A leader busy with one of these very teams is at another of its places: "with Team 1" of
    # Team 1's short day reads as a contradiction, the place does not.
    names, places = set(), set()
    for s_id in busy:
        t = ctx.busy_supervisors[(s_id, date)]
        if t in teams and (s_id, date) in ctx.led_at:
            location = ctx.led_at[(s_id, date)]
            places.add(ctx.location_name.get(location) or location)
        elif t in ctx.teams and ctx.teams[t].name:
            names.add(ctx.teams[t].name)
    where = {}
    if names:
        where["teams"] = ", ".join(sorted(names))
    if places:
        where["places"] = "; ".join(sorted(places))
    code, counted = ("other_supervisors_busy", {"n": len(busy)}) if out else ("supervisors_busy", {})
    return out + [reason(code, day=day, **where, **counted)] + _own_leaders_away(ctx, teams, date)


def _own_leaders_away(ctx: _Context, teams: list[str], date: dt.date) -> list[Reason]:
    """The teams whose own leaders are all off that day, said beside why nobody else leads them:
    often the first cause, though a busy stand-in is what the roster shows. Only that they are
    off: the kind of absence is special-category data, and these reasons are for the planner and
    the team leader only (the roster pages; a ministry sees none)."""
    away = [t for t in teams if ctx.leaders_of.get(t) and not any(ctx.windows(s, date) for s in ctx.leaders_of[t])]
    if not away:
        return []
    names = sorted((ctx.teams[t].name if t in ctx.teams else "") or t for t in away)
    return [reason("no_supervisor", day=date.isoformat(), teams=", ".join(names), own_away=1,
                   n=sum(len(ctx.leaders_of[t]) for t in away))]


def _working_time(ctx: _Context, supervisor: str, team: str, request: Request, date: dt.date) -> str | None:
    """Why the supervisor, free to lead the team at the request's place that date, may not
    while the team also works this shift there: their day there, from the earliest start to the
    latest end of the team's shifts (rule 6), would be too long ("leader_day_too_long", rule
    12) or leave too little rest from what they lead the date before or after ("leader_rest",
    rule 11); None when neither."""
    if _owes_rest(ctx, ctx.supervisor_by_id[supervisor], date, request):
        return "leader_rest"
    start, end = ctx.spans.get((team, request.location, date), (request.start, request.end))
    start, end = min(start, request.start), max(end, request.end)
    if supervision_too_long(ctx.problem, start, end, date):
        return "leader_day_too_long"
    yesterday, tomorrow = date - dt.timedelta(days=1), date + dt.timedelta(days=1)
    before = ctx.spans.get((ctx.busy_supervisors.get((supervisor, yesterday)),
                            ctx.led_at.get((supervisor, yesterday)), yesterday))
    after = ctx.spans.get((ctx.busy_supervisors.get((supervisor, tomorrow)),
                           ctx.led_at.get((supervisor, tomorrow)), tomorrow))
    if ((before is not None and rest_too_short(ctx.problem, before[1], start, yesterday))
            or (after is not None and rest_too_short(ctx.problem, end, after[0], date))):
        return "leader_rest"
    return None


def _hours(minutes: int) -> int | str:
    """Minutes as hours the Dutch way: 12, or 11,5."""
    return minutes // 60 if minutes % 60 == 0 else f"{minutes / 60:.1f}".replace(".", ",")


def _owes_rest(ctx: _Context, person, date: dt.date, request: Request) -> bool:
    """Whether only the rest owed to work outside the Problem keeps the person from these hours."""
    return (covering_window(person.availability.get(date, ()), request.start, request.end) is None
            and covering_window(ctx.windows(person, date), request.start, request.end) is not None)


def _able_leaders(ctx: _Context, team: str, region: str | None, date: dt.date, request: Request, *,
                  rested: bool = False) -> list:
    """The supervisors who may lead the team's people at this shift (rule 6; a pinned team
    leader: only they lead there, and only there), busy or not; `rested`: also those whom only
    the rest owed to work outside the Problem keeps from it."""
    if ctx.leader_pins is None:
        ctx.leader_pins = LeaderPins(ctx.problem.pinned_supervision)
    return [s for s in ctx.leaders_of.get(team, []) + ctx.pool_of.get(region, [])
            if _may_lead(s, team, region, date, request, ctx.windows(s, date) if rested else None)
            and ctx.leader_pins.allows(s.id, team, request.location, date)]


def _teams_nobody_may_lead(ctx: _Context, request: Request, date: dt.date, region: str | None,
                           teams: set[str]) -> set[str]:
    """Of these teams, the ones whose people nobody may lead at this shift that day, whatever the
    roster: no plan could have put them here."""
    return {team for team in teams if not _able_leaders(ctx, team, region, date, request)}


def explain_shortfalls(problem: Problem, assignments: list[AssignmentRef],
                       supervision: list[SupervisionRef],
                       shortfall: Iterable[Shortfall], rest_kept: RestKept | None = None) -> list[Shortfall]:
    """The shortfall rows with their reasons filled in; `rest_kept`: see RestKept."""
    ctx = _Context(problem, assignments, supervision, rest_kept)
    result = []
    for row in shortfall:
        request = ctx.requests.get(row.request)
        if request is None:
            result.append(row)
            continue
        codes = tuple(explain_request_day(ctx, request, row.date, row.missing))
        sentences = [dutch(r) for r in codes]
        sentences[0] = f"{row.missing} te weinig: {sentences[0]}"
        result.append(Shortfall(row.request, row.date, row.missing, tuple(sentences), codes))
    return result


def pins_without_leader(problem: Problem, pins: Iterable[AssignmentRef]) -> list[AssignmentRef]:
    """Of these pinned shifts, the ones no supervisor of the problem could lead even alone: none
    may lead the person's team in that work for those hours that day (rule 6). When pins conflict,
    such a pin points at the cause: nobody to lead it, not the other pins. A pin that a leader
    could lead but for the pinned team leaders is pins_held_by_leader_pins': letting a pin go
    helps there, finding a stand-in is not needed."""
    requests = {r.id: r for r in problem.requests}
    teams = {t.id: t for t in problem.teams}
    team_of = {e.id: e.team for e in problem.employees}
    unled = []
    for pin in pins:
        request, team = requests.get(pin.request), teams.get(team_of.get(pin.employee))
        if request is None or team is None:
            continue
        if not any(_may_lead(s, team.id, team.region, pin.date, request) for s in problem.supervisors):
            unled.append(pin)
    return unled


def pins_held_by_leader_pins(problem: Problem,
                             pins: Iterable[AssignmentRef]) -> dict[AssignmentRef, list[SupervisionRef]]:
    """Of these pinned shifts, the ones a supervisor could lead (rule 6) were it not for the
    pinned team leaders (rule 9): everyone who may lead it is pinned elsewhere that day, or
    another leader is pinned at its place. Each with those leader pins, so the planner hears
    which of their own choices keep the leader away (not that nobody is free)."""
    requests = {r.id: r for r in problem.requests}
    teams = {t.id: t for t in problem.teams}
    team_of = {e.id: e.team for e in problem.employees}
    leader_pins = LeaderPins(problem.pinned_supervision)
    by_place = {(p.team, p.location, p.date): p for p in problem.pinned_supervision}
    by_supervisor = {(p.supervisor, p.date): p for p in problem.pinned_supervision}
    held: dict[AssignmentRef, list[SupervisionRef]] = {}
    for pin in pins:
        request, team = requests.get(pin.request), teams.get(team_of.get(pin.employee))
        if request is None or team is None:
            continue
        able = [s for s in problem.supervisors if _may_lead(s, team.id, team.region, pin.date, request)]
        if not able or any(leader_pins.allows(s.id, team.id, request.location, pin.date) for s in able):
            continue
        here = by_place.get((team.id, request.location, pin.date))
        # Another leader pinned at this very place holds it; else each able one's pin elsewhere.
        holders = [here] if here is not None else [by_supervisor[(s.id, pin.date)] for s in able]
        held[pin] = sorted(set(holders), key=lambda p: (p.date, p.supervisor, p.location, p.team))
    return held


def pins_at(problem: Problem, lead: SupervisionRef) -> list[AssignmentRef]:
    """The problem's pinned shifts of the leader pin's team at its place that day: the shifts the
    pinned leader is kept there for."""
    at_place = {r.id for r in problem.requests if r.location == lead.location}
    team_of = {e.id: e.team for e in problem.employees}
    return sorted((p for p in problem.pinned if p.date == lead.date and p.request in at_place
                   and team_of.get(p.employee) == lead.team), key=lambda p: p.employee)


def pins_over_contract(problem: Problem, pins: Iterable[AssignmentRef]) -> list[AssignmentRef]:
    """Of these pinned shifts, those of a person whose shifts among them add up to more than the
    person's contract minutes of the week (the Problem's, lowered for absences): together they
    cannot all hold, whatever else is pinned."""
    pins = list(pins)
    requests = {r.id: r for r in problem.requests}
    contract = {e.id: e.contract_minutes for e in problem.employees}
    worked: dict[str, int] = defaultdict(int)
    for pin in pins:
        if pin.request in requests:
            worked[pin.employee] += requests[pin.request].worked_minutes
    return [pin for pin in pins if pin.employee in contract and worked[pin.employee] > contract[pin.employee]]


def pins_without_rest(problem: Problem, pins: Iterable[AssignmentRef]) -> list[AssignmentRef]:
    """Of these pinned shifts, those of a person two of whose shifts among them, on following
    dates, leave too little rest between them (rule 10)."""
    pins = list(pins)
    requests = {r.id: r for r in problem.requests}
    on = {(pin.employee, pin.date): pin for pin in pins}
    unrested = set()
    for pin in pins:
        later = on.get((pin.employee, pin.date + dt.timedelta(days=1)))
        first, second = requests.get(pin.request), requests.get(later.request) if later else None
        if first is not None and second is not None and rest_too_short(problem, first.end, second.start, pin.date):
            unrested.update((pin, later))
    return [pin for pin in pins if pin in unrested]


def pins_short_of_leaders(problem: Problem, pins: Iterable[AssignmentRef]) -> list[AssignmentRef]:
    """Of these pinned shifts, the ones at places that cannot all be led at once: each could be
    led alone, but a team's pinned places of a day need a leader each (rules 6 and 7), and the
    leaders free for them are too few (one stand-in free for two places under way when their
    own leader falls ill). Pins nobody may lead even alone are pins_without_leader's."""
    requests = {r.id: r for r in problem.requests}
    teams = {t.id: t for t in problem.teams}
    team_of = {e.id: e.team for e in problem.employees}
    leader_pins = LeaderPins(problem.pinned_supervision)
    places: dict[tuple[str, dt.date], dict[str, list[tuple[AssignmentRef, Request]]]] = defaultdict(
        lambda: defaultdict(list))
    for pin in pins:
        request, team = requests.get(pin.request), teams.get(team_of.get(pin.employee))
        if request is not None and team is not None:
            places[(team.id, pin.date)][request.location].append((pin, request))
    short = []
    for (team_id, date), at in places.items():
        region = teams[team_id].region
        leaders = {place: [s.id for s in problem.supervisors
                           if leader_pins.allows(s.id, team_id, place, date)
                           and all(_may_lead(s, team_id, region, date, request) for _pin, request in rows)]
                   for place, rows in at.items()}
        if _most_places_led(leaders) < len(leaders):
            short.extend(pin for rows in at.values() for pin, _request in rows)
    return short


def _most_places_led(leaders: dict[str, list[str]]) -> int:
    """How many of the places can have a leader of their own at once (a maximum matching of
    places to the leaders who may lead there; augmenting paths, the places are few)."""
    place_of: dict[str, str] = {}  # leader -> place

    def assign(place: str, seen: set[str]) -> bool:
        for leader in leaders[place]:
            if leader in seen:
                continue
            seen.add(leader)
            if leader not in place_of or assign(place_of[leader], seen):
                place_of[leader] = place
                return True
        return False

    return sum(assign(place, set()) for place in sorted(leaders))


def _may_lead(supervisor, team: str, region: str | None, date: dt.date, request: Request,
             windows: tuple | None = None) -> bool:
    """Rule 6 for one supervisor and a shift of the request: the team's own or the region's pool,
    the work, the hours that day (its availability, or `windows`) (leader pins aside)."""
    own = supervisor.team == team
    pool = supervisor.team is None and supervisor.region == region
    windows = supervisor.availability.get(date, ()) if windows is None else windows
    return ((own or pool) and request.work_type in supervisor.work_types
            and covering_window(windows, request.start, request.end) is not None)
