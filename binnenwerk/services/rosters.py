"""Roster operations: hand edits, pins, last week's pattern, publication and absence marks.

Every edit is checked against the hard rules with the same checker that judges the solver, on
the team's week; a stale form (lock_version) is refused, never silently overwritten.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from contextlib import contextmanager

from babel.lists import format_list
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from sqlalchemy import and_, delete, exists, func, or_, select, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError

from scheduling import AssignmentRef, Solution, SupervisionRef
from scheduling.checker import RULE_SUPERVISOR_DAY, RULE_SUPERVISOR_REST, check
from scheduling.domain import LeaderPins, rest_too_short

from .. import audit, planning, roster_history
from ..extensions import db
from ..formatting import full_date, week_days, week_of
from ..public_holidays import is_public_holiday
from ..models import (
    Absence,
    Assignment,
    DeploymentRequest,
    Employee,
    Location,
    PublishedShift,
    RequestStatus,
    Roster,
    RosterChange,
    RosterStatus,
    SupervisionAssignment,
    Supervisor,
    Team,
    utcnow,
)
from . import ServiceError, request_history


def conflict_error() -> ServiceError:
    # Nobody is blamed: the change since may be the reader's own (another tab, the back button).
    return ServiceError(_(
        "Dit rooster is net veranderd. Er is niets opgeslagen. "
        "Bekijk het rooster opnieuw en doe je wijziging nog een keer."
    ))


TEAMS_NAMED = 5  # a refused publication of all teams names this many, then "en nog 3 andere teams"


def _team_names(teams: list[Team]) -> str:
    """"Team A, Team B en nog 2 andere teams": a few by name, the rest counted."""
    names = [team.name for team in sorted(teams, key=lambda t: (t.name, t.id))]
    if len(names) > TEAMS_NAMED:
        rest = len(names) - TEAMS_NAMED
        names = names[:TEAMS_NAMED] + [ngettext("nog %(num)d ander team", "nog %(num)d andere teams", rest)]
    return format_list(names, locale=str(get_locale() or "nl"))


def publish_conflict(week: str, teams: list[Team]) -> ServiceError:
    """A publication refused because these teams' rosters changed since the page showed them
    (none known: some roster of the week)."""
    if not teams:
        return ServiceError(_("Een rooster van week %(week)s is net veranderd. Er is niets gepubliceerd. Bekijk de "
                              "roosters en publiceer opnieuw.", week=week))
    return ServiceError(ngettext(
        "Het rooster van %(teams)s is net veranderd. Er is niets gepubliceerd. Bekijk het en publiceer opnieuw.",
        "De roosters van %(teams)s zijn net veranderd. Er is niets gepubliceerd. Bekijk ze en publiceer opnieuw.",
        len(teams), teams=_team_names(teams)))


def left_out_of_publishing(teams: list[Team]) -> str:
    """Publishing every team's week published the others; these changed since the page showed
    them, so the planner has not seen what they would publish."""
    return ngettext(
        "Het rooster van %(teams)s is net veranderd en is daarom niet gepubliceerd. Bekijk het en publiceer het "
        "opnieuw.",
        "De roosters van %(teams)s zijn net veranderd en zijn daarom niet gepubliceerd. Bekijk ze en publiceer ze "
        "opnieuw.", len(teams), teams=_team_names(teams))


def check_version(roster: Roster | None, lock_version) -> None:
    """The form's lock_version must match the roster; a new roster has none (empty or 0)."""
    try:
        sent = int(lock_version) if lock_version not in (None, "") else 0
    except (TypeError, ValueError):
        raise conflict_error() from None
    current = roster.lock_version if roster is not None else 0
    if sent != current:
        raise conflict_error()


def find_roster(week: str, team_id: int) -> Roster | None:
    return db.session.scalar(select(Roster).where(Roster.week == week, Roster.team_id == team_id))


class _Lost(Exception):
    """A change lost the race to another one committed between its read and its write."""


@contextmanager
def _saving():
    """Around a change's writes and its commit. Another save committed between this change's read
    and its write (a double click, a second tab, a colleague) makes the writes fail on a unique
    constraint (PostgreSQL: the other's shift in the same cell, or the same new week's roster) or
    the commit on the roster's lock version: roll back and raise _Lost, for the caller to look at
    the roster as it is now (the same save twice went through: say so)."""
    try:
        yield
        db.session.commit()
    except (IntegrityError, StaleDataError, _Lost):
        db.session.rollback()
        raise _Lost from None


def _commit() -> None:
    try:
        with _saving():
            pass
    except _Lost:
        raise conflict_error() from None


def _new_roster(week: str, team_id: int) -> Roster:
    """The roster of a week that had none when the change read it. One made meanwhile (two
    people start the same new week at once) is _Lost: what the change worked out misses that
    roster's cells and its team leaders, so it reads the week again (the insert's unique
    constraint says the same when both looked before either made it)."""
    if find_roster(week, team_id) is not None:
        raise _Lost
    return planning.get_or_create_roster(week, team_id)


ALREADY_DONE = ALREADY_PUBLISHED = "done"  # ServiceError.field: the other click (or a colleague) did it already


# --- what may go in a cell ------------------------------------------------------------------


def cell_options(problem, employee_id: int, day: dt.date) -> list:
    """The requests this employee could do that day: work type, region, place, time, hours."""
    from scheduling.model import fits_hours, is_available, is_qualified

    e = next((x for x in problem.employees if x.id == planning.eid(employee_id)), None)
    if e is None:
        return []
    team_region = {t.id: t.region for t in problem.teams}.get(e.team)
    location_region = {loc.id: loc.region for loc in problem.locations}
    return [q for q in problem.requests
            if day in q.days and is_qualified(e, q, team_region, location_region.get(q.location))
            and is_available(e, q, day) and fits_hours(e, q)]


def cell_listed(problem, idmap, week: str, team_id: int, employee_id: int, day: dt.date
                ) -> tuple[list[DeploymentRequest], set[int]]:
    """The requests the cell's form lists, and the ids of those saving may take (cell_options).

    The form also lists, marked, two kinds the team's Problem leaves out, so the person editing
    sees why choosing one is refused (set_cell refuses any request outside cell_options, saying
    why: cell_reasons): a request another team's roster already fills that day (build_problem
    takes off the headcount others hold, and the day with it) and a shift without 11 hours' rest
    against the person's shift in another roster: on the Sunday before or the Monday after, or
    the day before or after in another team's roster of the week (they moved teams mid-week);
    build_problem cuts those from the availability.
    They come from the same Problem built `uncut` (without those reductions), so work type,
    region, place, working times and hours still filter as build_problem and cell_options do,
    and nothing of that is written twice. That second Problem is built only when the day can
    have such a request (_cell_cut): most days, the form costs one build."""
    fits = cell_options(problem, employee_id, day)
    fitting = {planning.pk_of(q.id) for q in fits}
    if _cell_cut(week, team_id, employee_id, day):
        problem, idmap = planning.build_problem(week, [team_id], uncut=True)
        fits = cell_options(problem, employee_id, day)
    return [idmap.requests[pk] for pk in dict.fromkeys(planning.pk_of(q.id) for q in fits)], fitting


def _cell_cut(week: str, team_id: int, employee_id: int, day: dt.date) -> bool:
    """Whether build_problem may have left out a request of this day for the person for what
    others hold (cell_listed): another team's roster fills a request's headcount that day, or
    the person works the day before or after in a roster other than this one (the week before
    or after, or another team's they moved from)."""
    this = select(Roster.id).where(Roster.week == week, Roster.team_id == team_id)
    if db.session.scalar(select(exists().where(
            Assignment.employee_id == employee_id,
            Assignment.date.in_([day - dt.timedelta(days=1), day + dt.timedelta(days=1)]),
            Assignment.roster_id.not_in(this)))):
        return True
    return db.session.scalar(select(
        select(Assignment.request_id)
        .join(Roster, Assignment.roster_id == Roster.id)
        .join(DeploymentRequest, Assignment.request_id == DeploymentRequest.id)
        .where(Roster.week == week, Roster.team_id != team_id, Assignment.date == day)
        .group_by(Assignment.request_id, DeploymentRequest.headcount)
        .having(func.count() >= DeploymentRequest.headcount).exists())) or False


# Why saving a request the cell's form lists is refused now (cell_reasons): the form marks it
# "(vol)", "(te weinig rust)", "(meer dan het contract)", and set_cell says it (_not_an_option).
CELL_FULL, CELL_REST, CELL_HOURS = "full", "rest", "hours"


def cell_reasons(problem, week: str, team_id: int, employee: Employee, day: dt.date,
                 requests: list[DeploymentRequest]) -> dict[int, list[str]]:
    """Per request of the cell (id; none: nothing against it), what the person's other work or
    others' work already hold against it: CELL_FULL, others fill its headcount that day (in any
    team's roster); CELL_REST, less than 11 hours' real rest against the person's shift the day
    before or after (in any roster); CELL_HOURS, over the week's contract hours as the Problem
    has them (less for an absence, a holiday, hours held in another team's roster) or over the
    hours a day. The one rule for the form's marks and set_cell's refusal. Four queries."""
    if not requests:
        return {}
    taken = dict(db.session.execute(
        select(Assignment.request_id, func.count()).where(
            Assignment.date == day, Assignment.employee_id != employee.id,
            Assignment.request_id.in_([q.id for q in requests]))
        .group_by(Assignment.request_id)
    ).all())
    around = db.session.scalars(select(Assignment).where(
        Assignment.employee_id == employee.id,
        Assignment.date.in_([day - dt.timedelta(days=1), day + dt.timedelta(days=1)]))
        .options(selectinload(Assignment.request))).all()
    me = next((e for e in problem.employees if e.id == planning.eid(employee.id)), None)
    # The other days' hours of this team's roster as the grid counts them: not a shift whose
    # request no longer stands that day, nor one after the contract ended (publishing leaves those
    # out); a day gone by as the request asked then. A shift held in another team's roster is not
    # counted: build_problem took its hours off the contract already.
    others = db.session.scalars(select(Assignment).join(Roster, Assignment.roster_id == Roster.id).where(
        Roster.week == week, Roster.team_id == team_id, Assignment.employee_id == employee.id,
        Assignment.date != day).options(selectinload(Assignment.request))).all()
    since = today()
    asked = asked_then(others, since)
    # A shift on a day the person is absent brings no hours against the contract, lowered for that
    # day already: still to come it is not worked (the grid counts it so), kept (gone by, under
    # way) it comes on top, as a repair's Problem has it (planning.build_problem's kept_absent).
    away = affected_cells([a for a in others if not a.pinned], db.session.scalars(select(Absence).where(
        Absence.employee_id == employee.id, Absence.start_date <= max(a.date for a in others),
        Absence.end_date >= min(a.date for a in others))).all()) if others else set()
    other_days = sum(a.request.worked_minutes for a in others
                     if (stood_then(asked, a.request_id, a.date) if a.date < since
                         else request_stands(a.request, a.date)) and works_then(employee, a.date)
                     and (a.employee_id, a.date) not in away)
    reasons = {}
    for q in requests:
        why = [CELL_FULL] if taken.get(q.id, 0) >= q.headcount else []
        if any(rest_too_short(problem, a.request.end_minute, q.start_minute, a.date) if a.date < day
               else rest_too_short(problem, q.end_minute, a.request.start_minute, day) for a in around):
            why.append(CELL_REST)
        if me is not None and (q.worked_minutes > me.max_minutes_per_day
                               or other_days + q.worked_minutes > me.contract_minutes):
            why.append(CELL_HOURS)
        if why:
            reasons[q.id] = why
    return reasons


def _cell_employee(week: str, team_id: int, employee_id: int, day: dt.date, request_id: int | None) -> Employee:
    """The person of a cell of the team's roster. Someone no longer in the team (moved to another
    team, or left) may only be taken off a shift the roster still holds; a day another team's
    roster holds is that roster's to change."""
    employee = db.session.get(Employee, employee_id)
    if employee is None:
        raise ServiceError(_("Deze medewerker hoort niet bij dit team."))
    held = db.session.scalar(select(Assignment).where(Assignment.employee_id == employee_id, Assignment.date == day))
    roster = find_roster(week, team_id)
    here = held is not None and roster is not None and held.roster_id == roster.id
    if request_id is not None and employee.team_id == team_id and employee.contract_end is not None \
            and day > employee.contract_end:
        raise left_error(employee)  # the contract was ended since the form opened
    if employee.team_id != team_id or employee.archived:
        if request_id is not None or not here:
            raise ServiceError(_("Deze medewerker hoort niet bij dit team."))
    elif held is not None and not here:
        raise ServiceError(_(
            "%(name)s staat op %(day)s nog in het rooster van %(team)s. Haal de dienst daar eerst weg.",
            name=employee.name, day=full_date(day), team=held.roster.team.name))
    return employee


def left_error(employee: Employee) -> ServiceError:
    """A cell saved for someone whose contract has ended (or will have by that day)."""
    if employee.contract_end is None:
        return ServiceError(_("%(name)s werkt hier niet meer. Er is niets opgeslagen.", name=employee.name))
    return ServiceError(_("%(name)s werkt hier niet meer vanaf %(day)s. Er is niets opgeslagen.", name=employee.name,
                          day=full_date(employee.contract_end + dt.timedelta(days=1))))


def _check_day(week: str, day: dt.date) -> None:
    if day not in week_days(week, 7):
        raise ServiceError(_("Deze dag hoort niet bij week %(week)s.", week=week))


def _write_team_roster(roster: Roster, solution: Solution, changed: dict[tuple[int, dt.date], int | None],
                       pins: dict[tuple[int, dt.date], bool]) -> None:
    """Write changed cells and the team's supervision; other cells are left alone.

    Of the supervision only what differs is written: a row the solution has already stays as it
    is. A row of a day gone by stays whatever the solution says (kept_leads: the solution has it)."""
    for (employee_id, day), request_id in changed.items():
        db.session.execute(delete(Assignment).where(Assignment.employee_id == employee_id, Assignment.date == day))
        if request_id is not None:
            db.session.add(Assignment(roster_id=roster.id, employee_id=employee_id, date=day,
                                      request_id=request_id, pinned=pins.get((employee_id, day), False)))
    wanted = {(planning.pk_of(s.supervisor), s.date, planning.pk_of(s.location))
              for s in solution.supervision if planning.pk_of(s.team) == roster.team_id}
    since = today()
    held, gone = set(), []
    for row in db.session.scalars(select(SupervisionAssignment).where(SupervisionAssignment.roster_id == roster.id)):
        key = (row.supervisor_id, row.date, row.location_id)
        if key in wanted or row.date < since:
            held.add(key)
        else:
            gone.append(row.id)
    if gone:
        db.session.execute(delete(SupervisionAssignment).where(SupervisionAssignment.id.in_(gone)))
    for supervisor_id, day, location_id in sorted(wanted - held, key=lambda k: (k[1], k[2], k[0])):
        db.session.add(SupervisionAssignment(roster_id=roster.id, supervisor_id=supervisor_id, date=day,
                                             location_id=location_id, team_id=roster.team_id))
    db.session.expire(roster, ["assignments", "supervision"])
    planning.touch(roster)


# --- the team leader of a team's place on one day ----------------------------------------------


@dataclasses.dataclass
class LeaderChoice:
    """Who leads the team at a place on a day now, and who could instead: the team's own leaders
    and the region's stand-ins, each with the broken rule (in words) that choosing them would
    give, or None when they may. From leader_choice()."""

    roster: Roster
    current: SupervisionRef | None
    # (supervisor id, why not or None): who leads now first (to pin or unpin), then own leaders.
    options: list[tuple[int, str | None]]
    kept: bool  # the day has gone by or its shifts there are under way: who leads stays
    pinned: bool = False  # who leads now was chosen by a person: planning again keeps them
    # The roster with each option's leader there, as checked for `options`: what set_leader writes.
    rosters: dict[int, Solution] = dataclasses.field(default_factory=dict)


def leader_state(roster: Roster | None, day: dt.date, location_id: int) -> str:
    """Who leads the roster's team at the place that day, as a form keeps it: '<id>:<pinned 0/1>',
    or '-'."""
    row = None if roster is None else db.session.execute(
        select(SupervisionAssignment.supervisor_id, SupervisionAssignment.pinned).where(
            SupervisionAssignment.roster_id == roster.id, SupervisionAssignment.date == day,
            SupervisionAssignment.location_id == location_id)).first()
    return _leader_key(row[0], row[1]) if row is not None else "-"


def _leader_key(supervisor_id: int, pinned: bool) -> str:
    return f"{supervisor_id}:{int(bool(pinned))}"


def leader_choice(week: str, team_id: int, day: dt.date, location_id: int) -> LeaderChoice | None:
    """The choice of team leader for the team's shifts at the place that day; None when the team's
    roster has none there (no leader to choose)."""
    _check_day(week, day)
    roster = find_roster(week, team_id)
    if roster is None:
        return None
    problem, _idmap = planning.build_problem(week, [team_id])
    team, place = planning.tid(team_id), planning.lid(location_id)
    # The place's own pin is what this choice overrules.
    problem = dataclasses.replace(problem, pinned_supervision=tuple(
        p for p in problem.pinned_supervision if (p.team, p.date, p.location) != (team, day, place)))
    before = planning.current_solution(week, [team_id], problem)
    requests = {q.id: q for q in problem.requests}
    team_of = {e.id: e.team for e in problem.employees}
    if not any(a.date == day and team_of.get(a.employee) == team and a.request in requests
               and requests[a.request].location == place for a in before.assignments):
        return None
    current = next((x for x in before.supervision if x.team == team and x.date == day and x.location == place), None)
    kept = kept_leads(week, team_id, before.supervision)
    held = current is not None and current in kept.rows()
    found = check(problem, before).violations
    breaks = {v.message for v in found}
    options, rosters = [], {}
    if current is not None:
        # Who leads now may no longer be able to (absent since, other hours): pinning them is refused.
        unable = next((v for v in found if v.rule == 6 and (v.team, v.date, v.location) == (team, day, place)), None)
        options.append((planning.pk_of(current.supervisor),
                        _leader_refusal(unable, problem, current.supervisor, day,
                                        _span_at(problem, before, team, day, place)) if unable else None))
        rosters[planning.pk_of(current.supervisor)] = before
    for s in sorted(problem.supervisors, key=lambda x: (x.team != team, x.name, x.id)):
        if s.team not in (team, None) or (current is not None and s.id == current.supervisor):
            continue
        after, broken = _leader_after(problem, before, team, day, place, s.id, breaks)
        options.append((planning.pk_of(s.id), broken))
        rosters[planning.pk_of(s.id)] = after
    pinned = current is not None and leader_state(roster, day, location_id).endswith(":1")
    return LeaderChoice(roster, current, options, held, pinned=pinned, rosters=rosters)


def _leader_after(problem, before: Solution, team: str, day: dt.date, place: str, supervisor: str,
                  breaks: set[str]):
    """The roster with `supervisor` leading the team at the place that day, and the first rule that
    breaks beyond `breaks` in words (None: none)."""
    others = [x for x in before.supervision if not (x.team == team and x.date == day and x.location == place)]
    after = Solution("FEASIBLE", before.assignments, others + [SupervisionRef(supervisor, day, place, team)])
    new = planning.new_violations(problem, breaks, after)
    if new:
        return after, _leader_refusal(new[0], problem, supervisor, day, _span_at(problem, after, team, day, place))
    return after, None


def _span_at(problem, solution: Solution, team: str, day: dt.date, place: str) -> tuple[int, int] | None:
    """The team's day at the place, from its first start to its last end: what its leader leads."""
    requests = {q.id: q for q in problem.requests}
    team_of = {e.id: e.team for e in problem.employees}
    worked = [requests[a.request] for a in solution.assignments if a.date == day and a.request in requests
              and team_of.get(a.employee) == team and requests[a.request].location == place]
    return (min(q.start for q in worked), max(q.end for q in worked)) if worked else None


def _leader_refusal(violation, problem, supervisor: str, day: dt.date, span: tuple[int, int] | None = None) -> str:
    """Why the leader cannot lead there, said after their name in the choice's list: so without
    it ("Tineke Teamleider (leidt op woensdag 16 december al op een andere plek)"). `span`: the
    team's day at the place, to tell the rest owed to what they lead in another roster (cut from
    their availability by planning) from a day they are not free."""
    if violation.rule == 7:
        # Rule 7: one place a day. The other place may be their own team's.
        return _("leidt op %(day)s al op een andere plek", day=full_date(day))
    if violation.rule == 6:
        if _archived(planning.pk_of(supervisor)):
            return _("is gearchiveerd en is geen teamleider meer bij Binnenwerk")
        if span is not None and planning.leader_rest_cuts_meet(
                planning.pk_of(supervisor), day, [planning.pk_of(t.id) for t in problem.teams], span):
            return _("heeft dan geen 11 uur rust tussen twee werkdagen")
        return _("is op %(day)s niet vrij of kan dit werk niet leiden", day=full_date(day))
    if violation.rule == RULE_SUPERVISOR_REST:
        return _("heeft dan geen 11 uur rust tussen twee werkdagen")
    if violation.rule == RULE_SUPERVISOR_DAY:
        return _("zou op %(day)s langer dan 12 uur werken", day=full_date(violation.date or day))
    return _("dit breekt een regel van het rooster")


def _could_have_offered(supervisor_id: int, team_id: int) -> bool:
    """The team's own leader, or a stand-in of the pool of its region: whom a leader choice lists."""
    leader, team = db.session.get(Supervisor, supervisor_id), db.session.get(Team, team_id)
    return leader is not None and team is not None and (
        leader.team_id == team_id or (leader.team_id is None and leader.region == team.region))


def _archived(supervisor_id: int) -> bool:
    leader = db.session.get(Supervisor, supervisor_id)
    return leader is not None and leader.archived


def set_leader(week: str, team_id: int, day: dt.date, location_id: int, supervisor_id: int, *,
               lock_version, user=None, seen_leader: str | None = None, pin: bool = True) -> Roster:
    """Let `supervisor_id` lead the team's shifts at the place that day, pinned (planning again
    keeps them while the team works there) unless `pin` is false; refuse with the reason in words.
    Choosing who leads now pins or unpins them. As a cell: a form opened before another change of
    the roster still saves when what it showed there (seen_leader, leader_state) holds still; the
    same save twice is one."""
    wanted = _leader_key(supervisor_id, pin)
    roster = find_roster(week, team_id)
    try:
        check_version(roster, lock_version)
    except ServiceError:
        if roster is not None and leader_state(roster, day, location_id) == wanted:
            return roster  # the same save sent twice (a double click): the first one stored it
        if not seen_leader or seen_leader != leader_state(roster, day, location_id):
            raise
    choice = leader_choice(week, team_id, day, location_id)
    if choice is None:
        raise ServiceError(_("Het team werkt die dag niet op deze plek. Er is niets opgeslagen."))
    if choice.kept:
        raise ServiceError(_("Het werk van die dag is al begonnen of voorbij. Wie het leidt, blijft zo."))
    current = planning.pk_of(choice.current.supervisor) if choice.current else None
    if _archived(supervisor_id) and not (current == supervisor_id and choice.pinned and not pin) \
            and _could_have_offered(supervisor_id, team_id):
        # Archived while the page was open (unpinning is always allowed): not "not free that day".
        # Only for a leader the page could have shown: another id is not told by name.
        name = db.session.get(Supervisor, supervisor_id).name
        raise ServiceError(_("Dit kan niet: %(name)s is gearchiveerd en is geen teamleider meer bij Binnenwerk. "
                             "Kies een andere teamleider.", name=name))
    if current == supervisor_id and choice.pinned == pin:
        return choice.roster
    why = dict(choice.options)
    if supervisor_id not in why:
        raise ServiceError(_("Kies een teamleider uit de lijst."))
    if why[supervisor_id] and not (current == supervisor_id and not pin):  # unpinning is always allowed
        audit.record("roster.leader", choice.roster, result="refused",
                     detail=f"week={week} day={day} supervisor={supervisor_id}", actor=user)
        db.session.commit()
        name = db.session.get(Supervisor, supervisor_id).name
        reason = why[supervisor_id]
        raise ServiceError(_("Dit kan niet: %(name)s %(rule)s.", name=name, rule=reason)
                           if reason != _("dit breekt een regel van het rooster") else
                           _("Dit kan niet: %(rule)s.", rule=reason))
    after, roster = choice.rosters[supervisor_id], choice.roster
    names = dict(db.session.execute(select(Supervisor.id, Supervisor.name).where(
        Supervisor.id.in_([i for i in (current, supervisor_id) if i is not None]))).all())
    location = db.session.get(Location, location_id)
    try:
        with _saving():
            if current == supervisor_id:  # only the pin changes: nothing the people see
                roster.updated_at = utcnow()  # raises lock_version
                roster_history.record(roster, user, "leader", "leader_pin" if pin else "leader_unpin",
                                      place=location.name, day=day, name=names[supervisor_id])
            else:
                _write_team_roster(roster, after, {}, {})
                roster_history.record(roster, user, "leader", "leader_pinned" if pin else "leader",
                                      place=location.name, day=day, old=names.get(current, "–"),
                                      new=names[supervisor_id])
            db.session.flush()
            db.session.execute(update(SupervisionAssignment).where(
                SupervisionAssignment.roster_id == roster.id, SupervisionAssignment.date == day,
                SupervisionAssignment.location_id == location_id).values(pinned=pin))
            audit.record("roster.leader", roster,
                         detail=f"week={week} day={day} supervisor={supervisor_id} pinned={int(pin)}", actor=user)
            unmark_if_as_told(roster)
    except _Lost:
        now = find_roster(week, team_id)
        if now is not None and leader_state(now, day, location_id) == wanted:
            return now
        raise conflict_error() from None
    return roster


@dataclasses.dataclass(frozen=True)
class KeptLeads:
    """The team leader rows of a roster that a hand edit leaves exactly as they are (kept_leads)."""

    gone_by: tuple[SupervisionRef, ...] = ()  # of the days before today
    # Of today: each row with the shifts under way it leads, (employee id, date) in Problem terms.
    begun: tuple[tuple[SupervisionRef, frozenset[tuple[str, dt.date]]], ...] = ()

    def rows(self, touched: Iterable[tuple[str, dt.date]] = ()) -> list[SupervisionRef]:
        """The kept rows when the `touched` cells (Problem terms) change: a row of today stays while
        a shift under way it leads is left as it is."""
        return [*self.gone_by, *(s for s, shifts in self.begun if shifts.difference(touched))]


def kept_leads(week: str, team_id: int, supervision: list[SupervisionRef]) -> KeptLeads:
    """Of the team's team leader rows of the week (`supervision`, current_solution's), those a hand
    edit keeps as they are, whatever the Problem says of them now: who led on a day gone by
    (history: the reports, the feeds, what the people were told), also of a request cancelled
    since or a leader whose hours changed; and who leads a shift of today under way (begun_today,
    as publishing and a repair keep it). The other days' rows are supervise()'s to keep or change.
    Three queries at most, only when today has team leader rows."""
    since = today()
    days = week_days(week, 7)
    if since < days[0]:
        return KeptLeads()
    gone_by = tuple(s for s in supervision if s.date < since)
    if since not in days or not any(s.date == since for s in supervision):
        return KeptLeads(gone_by)
    shifts = db.session.scalars(select(Assignment).join(Roster, Assignment.roster_id == Roster.id).where(
        Roster.week == week, Roster.team_id == team_id, Assignment.date == since)
        .options(selectinload(Assignment.request))).all()
    under_way = planning.begun_today(shifts, since)
    at: dict[int, set[tuple[str, dt.date]]] = defaultdict(set)  # location id -> the shifts under way there
    for a in shifts:
        if (a.employee_id, a.date) in under_way:
            at[a.request.location_id].add((planning.eid(a.employee_id), a.date))
    return KeptLeads(gone_by, tuple((s, frozenset(at[planning.pk_of(s.location)])) for s in supervision
                                    if s.date == since and at.get(planning.pk_of(s.location))))


def broken_rule(violation, idmap: planning.IdMap) -> str:
    """A broken hard rule (scheduling.checker.Violation) in the reader's language, with the
    names people know; the checker's own message is Dutch and names ids."""
    name = idmap.names.get(violation.employee or "", "")
    leader = idmap.names.get(violation.supervisor or "", "")
    day = full_date(violation.date) if violation.date else ""
    if violation.rule == 5 and violation.request:
        q = idmap.requests.get(planning.pk_of(violation.request))
        if q is not None:
            work = q.work_type.name_en if str(get_locale()) == "en" else q.work_type.name_nl
            return ngettext("%(request)s heeft op %(day)s al de gevraagde %(n)d medewerker",
                            "%(request)s heeft op %(day)s al de gevraagde %(n)d medewerkers", q.headcount,
                            request=f"{work} {q.location.name}", day=day, n=q.headcount)
    words = {
        1: lambda: _("%(name)s kan op %(day)s niet op deze aanvraag werken", name=name, day=day),
        2: lambda: _("%(name)s is op %(day)s niet beschikbaar op de tijden van deze dienst", name=name, day=day),
        3: lambda: _("%(name)s mag dit werk niet doen of niet op deze plek werken", name=name),
        4: lambda: _("%(name)s werkt dan meer uren dan het contract of de dag toestaat", name=name),
        6: lambda: _("er is op %(day)s geen teamleider vrij die het team daar kan leiden", day=day),
        7: lambda: _("een teamleider zou op %(day)s op twee plekken tegelijk staan", day=day),
        8: lambda: _("het team zou deze week meer mensen inzetten dan het mag hebben"),
        9: lambda: (_("%(name)s staat op %(day)s vast als teamleider en kan dit dan niet leiden; kies eerst een "
                      "andere teamleider", name=idmap.names.get(violation.supervisor, ""), day=day)
                    if violation.supervisor else _("een vastgezette dienst zou dan verdwijnen")),
        10: lambda: _("%(name)s heeft dan geen 11 uur rust tussen twee diensten (Arbeidstijdenwet)", name=name),
        RULE_SUPERVISOR_REST: lambda: _("%(name)s heeft dan geen 11 uur rust tussen twee werkdagen (Arbeidstijdenwet)",
                                        name=leader),
        RULE_SUPERVISOR_DAY: lambda: _("de werkdag van teamleider %(name)s wordt op %(day)s langer dan 12 uur "
                                       "(Arbeidstijdenwet)", name=leader, day=day),
    }
    return words.get(violation.rule, lambda: _("dit breekt een regel van het rooster"))()


def _shift(request_id: int | None) -> dict | None:
    return roster_history.shift(db.session.get(DeploymentRequest, request_id) if request_id is not None else None)


def cell_state(roster: Roster | None, employee_id: int, day: dt.date) -> str:
    """What one cell holds, as a form keeps it: '<request id>:<pinned 0/1>', or '-' when free."""
    held = db.session.scalar(select(Assignment).where(
        Assignment.roster_id == roster.id, Assignment.employee_id == employee_id, Assignment.date == day)
    ) if roster is not None else None
    return f"{held.request_id}:{int(held.pinned)}" if held is not None else "-"


def set_cell(week: str, team_id: int, employee_id: int, day: dt.date, request_id: int | None, *,
             lock_version, user=None, pin: bool = False, reason: str = "", seen_cell: str | None = None) -> Roster:
    """Change or clear one cell; refuse it with the broken rule in words when it breaks one.

    A form opened before someone else saved the roster (an older lock_version) still saves when
    it says what the cell held (`seen_cell`, cell_state) and the cell holds that still: another
    cell changed, and every rule is checked below on the roster as it is now. Only a change of
    this very cell since is a conflict.

    Another save committed while this one was being worked out: the same save (a double click)
    went through, and that is no conflict; when it made the week's roster, this one is worked out
    again on that roster, as a form that saw the cell free."""
    args = (week, team_id, employee_id, day, request_id)
    try:
        return _set_cell(*args, lock_version=lock_version, user=user, pin=pin, reason=reason, seen_cell=seen_cell)
    except _NewWeekTaken:
        return _set_cell(*args, lock_version=lock_version, user=user, pin=pin, reason=reason, seen_cell="-",
                         again=True)


class _NewWeekTaken(Exception):
    """The week had no roster when a change read it, and has one (someone else's) now."""


def _set_cell(week: str, team_id: int, employee_id: int, day: dt.date, request_id: int | None, *,
              lock_version, user, pin: bool, reason: str, seen_cell: str | None, again: bool = False) -> Roster:
    _check_day(week, day)
    employee = _cell_employee(week, team_id, employee_id, day, request_id)
    # A pin holds a shift; nothing holds a day free but the person's absence or working days.
    pin = pin and request_id is not None
    roster = find_roster(week, team_id)
    try:
        check_version(roster, lock_version)
    except ServiceError:
        if roster is not None and cell_holds(roster, employee_id, day, request_id, pin):
            return roster  # the same save sent twice (a double click): the first one stored it
        if not seen_cell or seen_cell != cell_state(roster, employee_id, day):
            raise
    problem, idmap = planning.build_problem(week, [team_id])
    problem, before = _cell_problem(problem, week, team_id, employee_id, day)
    me = planning.eid(employee_id)
    current = next((a for a in before.assignments if a.employee == me and a.date == day), None)
    options = {planning.pk_of(q.id): q.id for q in cell_options(problem, employee_id, day)}
    if request_id is not None and request_id not in options and current is not None \
            and planning.pk_of(current.request) == request_id:
        # The shift the cell holds, kept as it is though it would not be offered now: on a day gone
        # by or under way (worked before the hours a day were lowered), pinned or let go; on a day
        # to come only let go, since a pin would promise what the next plan cannot keep (it drops
        # a pin the person can no longer work).
        if not pin or _begun(request_id, day):
            options[request_id] = current.request
        else:
            raise ServiceError(_no_pin_message(employee))
    if request_id is not None and request_id not in options:
        raise _not_an_option(problem, idmap, week, team_id, employee, day, request_id)
    kept = kept_leads(week, team_id, before.supervision)
    after, broken = _cell_after(problem, before, me, day, options.get(request_id),
                                _breaks_now(problem, before, kept), kept)
    if broken:
        audit.record("roster.edit", roster, result="refused", detail=f"week={week} employee={employee_id} day={day}",
                     actor=user)
        db.session.commit()
        message = _("Dit kan niet: %(rule)s.", rule=broken_rule(broken[0], idmap))
        if broken[0].rule == 6:  # the way forward: where a leader is, or a stand-in from the pool
            message += " " + _("Kies een plek waar de teamleider die dag al is. Of plan het rooster opnieuw: "
                               "is er een invaller vrij, dan komt die.")
        raise ServiceError(message)
    made = roster is None
    old = planning.pk_of(current.request) if current else None
    # The same shift, pinned or let go: nothing the people see, so the roster is not changed
    # since its publication (as a leader's pin, set_leader) and the history says what happened.
    held = None if made or old is None or old != request_id else db.session.scalar(select(Assignment).where(
        Assignment.roster_id == roster.id, Assignment.employee_id == employee_id, Assignment.date == day))
    try:
        with _saving():
            if held is not None and held.pinned != pin:
                held.pinned = pin
                roster.updated_at = utcnow()  # raises lock_version
                action = "pin" if pin else "unpin"
                roster_history.record(roster, user, action, action, reason=reason, employee=employee.id,
                                      name=employee.name, day=day)
                audit.record(f"roster.{action}", roster, detail=f"week={week} employee={employee_id} day={day}",
                             actor=user)
                return roster
            roster = _new_roster(week, team_id) if made else roster
            _write_team_roster(roster, after, {(employee_id, day): request_id}, {(employee_id, day): pin})
            roster_history.record(roster, user, "edit", "edit_pinned" if pin and request_id is not None else "edit",
                                  reason=reason, employee=employee.id, name=employee.name, day=day,
                                  old=_shift(old), new=_shift(request_id))
            audit.record("roster.edit", roster,
                         detail=f"week={week} employee={employee_id} day={day} request={request_id}", actor=user)
            unmark_if_as_told(roster)
    except _Lost:
        now = find_roster(week, team_id)
        if now is not None and cell_holds(now, employee_id, day, request_id, pin):
            return now  # the same save sent twice at once: the other one stored it
        if made and now is not None and not again:
            raise _NewWeekTaken from None
        raise conflict_error() from None
    return roster


def _not_an_option(problem, idmap, week: str, team_id: int, employee: Employee, day: dt.date,
                   request_id: int) -> ServiceError:
    """The refusal of a request outside cell_options. One the form lists, marked (cell_listed),
    says why in the words of its mark (cell_reasons); any other only that it does not fit."""
    listed, _fitting = cell_listed(problem, idmap, week, team_id, employee.id, day)
    listed = [q for q in listed if q.id == request_id]
    why = cell_reasons(problem, week, team_id, employee, day, listed).get(request_id, [])
    name, when = employee.name, full_date(day)
    if not why:
        return ServiceError(_("%(name)s kan op %(day)s niet op deze aanvraag werken. Kies een van de opties.",
                              name=name, day=when))
    words = {CELL_FULL: lambda: _("Deze aanvraag is die dag al vol."),
             CELL_REST: lambda: _("Dan heeft %(name)s geen 11 uur rust tussen twee diensten.", name=name),
             CELL_HOURS: lambda: _("Dan werkt %(name)s meer uren dan het contract.", name=name)}
    return ServiceError(_("%(name)s kan op %(day)s niet op deze aanvraag werken. %(why)s Kies een andere dienst "
                          "of vrij.", name=name, day=when, why=" ".join(words[w]() for w in why)))


def _begun(request_id: int, day: dt.date) -> bool:
    """Whether a shift of this request on `day` has gone by or is under way."""
    return day < today() or (day == today() and db.session.get(DeploymentRequest, request_id).start_minute
                             <= minute_now(day))


def _no_pin_message(employee: Employee) -> str:
    return _("Deze dienst past niet meer bij %(name)s. Vastzetten kan dus niet: opnieuw plannen haalt hem weg. "
             "Kies een andere dienst of vrij, of zet het vinkje bij vastzetten uit.", name=employee.name)


def pin_refusal(week: str, team_id: int, employee: Employee, day: dt.date, request_id: int) -> str | None:
    """Why the cell's own shift on a day to come cannot be kept pinned (it no longer fits: a re-plan
    drops it, whoever pinned it before it stopped fitting), else None. As _set_cell refuses a new pin."""
    if _begun(request_id, day):
        return None
    problem, _idmap = planning.build_problem(week, [team_id])
    problem, _before = _cell_problem(problem, week, team_id, employee.id, day)
    if request_id in {planning.pk_of(q.id) for q in cell_options(problem, employee.id, day)}:
        return None
    return _no_pin_message(employee)


def _cell_problem(problem, week: str, team_id: int, employee_id: int, day: dt.date):
    """The team's Problem with the cell's own pin let go (the person editing may overrule it), and
    the roster as it is now in its terms."""
    me = planning.eid(employee_id)
    problem = dataclasses.replace(problem, pinned=tuple(p for p in problem.pinned if not (p.employee == me and p.date == day)))
    return problem, planning.current_solution(week, [team_id], problem)


def _breaks_now(problem, before: Solution, kept: KeptLeads) -> set[str]:
    """The rules the roster as it is breaks, after the same supervise() a changed one gets: a day
    nobody can lead now (a ministry moved its times before every team leader's hours) then breaks
    rule 6 the same way on both sides, and is no reason to refuse a change on another day, or the
    change that frees that day. So does a kept row (kept_leads) that the rules judge otherwise now."""
    return planning.known_violations(problem, Solution(
        before.status, before.assignments,
        planning.supervise(problem, list(before.assignments), before.supervision, kept.rows())))


def _cell_after(problem, before: Solution, me: str, day: dt.date, request: str | None, breaks_now: set[str],
                kept: KeptLeads):
    """The roster with the cell set to `request` (None: free) and the rules that change breaks
    beyond `breaks_now` (_breaks_now). The team leader rows of `kept` stay; a row of today whose
    shifts under way this change takes off or moves is supervise()'s again."""
    held = next((a for a in before.assignments if a.employee == me and a.date == day), None)
    same = held is not None and request is not None and planning.pk_of(held.request) == planning.pk_of(request)
    assignments = [a for a in before.assignments if not (a.employee == me and a.date == day)]
    if request is not None:
        assignments.append(AssignmentRef(me, day, request))
    after = Solution("FEASIBLE", assignments, planning.supervise(
        problem, assignments, before.supervision, kept.rows(set() if same else {(me, day)})))
    return after, planning.new_violations(problem, breaks_now, after)


def cell_refusals(problem, week: str, team_id: int, employee_id: int, day: dt.date) -> dict[int, int]:
    """Per option of the cell (request id) that saving would refuse now: the number of the first
    hard rule it breaks (scheduling-format.md), so the cell's form can say so before anyone chooses."""
    problem, before = _cell_problem(problem, week, team_id, employee_id, day)
    me = planning.eid(employee_id)
    kept = kept_leads(week, team_id, before.supervision)
    breaks_now = _breaks_now(problem, before, kept)
    refused = {}
    for q in cell_options(problem, employee_id, day):
        _after, broken = _cell_after(problem, before, me, day, q.id, breaks_now, kept)
        if broken:
            refused[planning.pk_of(q.id)] = broken[0].rule
    return refused


def cell_unchanged(roster: Roster | None, lock_version, employee_id: int, day: dt.date, request_id: int | None,
                   pin: bool) -> bool:
    """A save of the cell as it is, on the roster as the form saw it: nothing to store. (A second
    click on the same save carries the version before the first: that is set_cell's case.)"""
    try:
        check_version(roster, lock_version)
    except ServiceError:
        return False
    return cell_holds(roster, employee_id, day, request_id, pin)


def cell_holds(roster: Roster | None, employee_id: int, day: dt.date, request_id: int | None, pin: bool) -> bool:
    """Whether the cell already is what a save would make it (a free day: no shift at all)."""
    if roster is None:
        return request_id is None
    held = db.session.scalar(select(Assignment).where(
        Assignment.roster_id == roster.id, Assignment.employee_id == employee_id, Assignment.date == day))
    if request_id is None:
        return held is None
    return held is not None and held.request_id == request_id and held.pinned == pin


def set_pin(assignment: Assignment, pinned: bool, *, lock_version, user=None) -> Roster:
    roster = assignment.roster
    check_version(roster, lock_version)
    assignment.pinned = pinned
    roster.updated_at = utcnow()  # raises lock_version; a pin is not visible to employees
    action = "pin" if pinned else "unpin"
    roster_history.record(roster, user, action, action, employee=assignment.employee_id,
                          name=assignment.employee.name, day=assignment.date)
    audit.record("roster.pin" if pinned else "roster.unpin", roster, detail=f"assignment={assignment.id}", actor=user)
    _commit()
    return roster


@dataclasses.dataclass
class Copied:
    roster: Roster
    filled: int  # empty cells that got last week's shift
    skipped: int  # last week's shifts that no longer fit
    kept: int  # cells that had a shift already
    holidays: list[dt.date]  # days of this week that are public holidays: nothing copied there
    # (day, weeks back) for days copied from an earlier week: that weekday was a holiday in the
    # weeks between (Friday 8 January 2027 from 18 December: Christmas and New Year's Day).
    from_earlier: list[tuple[dt.date, int]]
    no_earlier: list[dt.date] = dataclasses.field(default_factory=list)  # ... and no earlier week had a roster


def copy_previous_week(week: str, team_id: int, *, lock_version, user=None) -> Copied:
    """Fill empty cells with last week's shift on the same weekday, where that is still allowed.

    A weekday that was a public holiday last week (Friday 1 January) is copied from the latest
    earlier week in which it was not, so a holiday does not leave that day empty week after week.
    Nothing is copied onto a public holiday of this week.

    Sent again (a double click, the back button), also at the same moment: copied once, and the
    other is refused with a message that says so (field ALREADY_DONE).
    """
    roster = find_roster(week, team_id)
    try:
        check_version(roster, lock_version)
    except ServiceError:
        raise _copied_already(roster) or conflict_error() from None
    try:
        return _copy_previous_week(week, team_id, roster, user)
    except _NewWeekTaken:
        # Someone else made the week's roster meanwhile (a cell, a solve): this copy fills the
        # empty cells of that one, every rule checked on it as it is now.
        return _copy_previous_week(week, team_id, find_roster(week, team_id), user, again=True)


def _copied_already(roster: Roster | None) -> ServiceError | None:
    """The refusal for "Zelfde als vorige week" sent again (a double click, the back button) or
    done by a colleague meanwhile: the roster's newest change is that copy. None otherwise."""
    if roster is None:
        return None
    last = db.session.scalar(select(RosterChange).where(
        RosterChange.roster_id == roster.id, RosterChange.action.not_in(NOTED_ONLY))
        .order_by(RosterChange.id.desc()).limit(1))
    if last is None or last.action != "copy":
        return None
    copied = last.params.get("n", 0) if isinstance(last.params, dict) else 0
    return ServiceError(ngettext(
        "Vorige week is al overgenomen in dit rooster: %(num)d dienst. Er is niets nog een keer overgenomen.",
        "Vorige week is al overgenomen in dit rooster: %(num)d diensten. Er is niets nog een keer overgenomen.",
        copied), field=ALREADY_DONE)


def _copy_previous_week(week: str, team_id: int, roster: Roster | None, user, again: bool = False) -> Copied:
    from ..formatting import shift_week

    last = find_roster(shift_week(week, -1), team_id)
    if last is None or not last.assignments:
        raise ServiceError(_("Vorige week heeft geen rooster voor dit team. Er is niets overgenomen."))
    days = {d.isoweekday(): d for d in week_days(week, 7)}
    holidays, sources, from_earlier, no_earlier = [], [], [], []
    led: list = []  # (the copied week's supervision row, the day it is copied to)
    for weekday, day in days.items():
        # The latest week before this one in which this weekday was no holiday (as planning's
        # `previous` has it).
        back = planning.weeks_back(day)
        source = last if back == 1 else find_roster(shift_week(week, -back), team_id) if back else None
        found = [a for a in source.assignments if a.date.isoweekday() == weekday] if source else []
        if is_public_holiday(day) and (weekday <= 5 or found):
            # A weekend holiday (Saturday 26 December 2026, Tweede kerstdag) counts where there is
            # work to copy onto it: else the shift is refused as not fitting instead of said as a
            # holiday. A team without weekend work hears nothing of it.
            holidays.append(day)
        sources += found
        led += [(lead, day) for lead in (source.supervision if source else ()) if lead.date.isoweekday() == weekday]
        if back != 1 and day not in holidays:  # last week's day was a holiday
            if found:  # a weekend day too: the Saturday after Tweede kerstdag comes from the one before
                from_earlier.append((day, back))
            elif source is None and weekday <= 5:
                no_earlier.append(day)
    problem, idmap = planning.build_problem(week, [team_id])
    before = planning.current_solution(week, [team_id], problem)
    taken = {(a.employee, a.date) for a in before.assignments}
    assignments = list(before.assignments)
    supervision = list(before.supervision)
    leads_kept = kept_leads(week, team_id, supervision).rows()  # only empty cells are filled: none is touched
    # "Zelfde" for who leads too: each place and day's leader of the copied week goes first where
    # they may still lead it (planning.supervise keeps an entry that fits); this week's own entries
    # and leader pins win.
    pins = LeaderPins(problem.pinned_supervision)
    as_before = [ref for ref in (SupervisionRef(planning.sid(lead.supervisor_id), day, planning.lid(lead.location_id),
                                                planning.tid(lead.team_id)) for lead, day in led if day not in holidays)
                 if pins.allows(ref.supervisor, ref.team, ref.location, ref.date)]
    changed: dict[tuple[int, dt.date], int | None] = {}
    skipped = kept = 0

    def placed(me: str, day: dt.date, request: str, hold: bool) -> bool:
        """Copy one shift if the rules let it. `hold`: a leader wanted at their own place that day is
        not taken for another (whose copied week's leader is away); a shift that stopped is tried
        again without it once every shift had its turn, for a held place may get none."""
        nonlocal assignments, supervision
        trial = assignments + [AssignmentRef(me, day, request)]
        wanted = _open_to(as_before, supervision)
        held = frozenset((s.supervisor, s.date) for s in wanted) if hold else frozenset()
        trial_supervision = planning.supervise(problem, trial, wanted + supervision, leads_kept, reserved=held)
        current = Solution("FEASIBLE", assignments, supervision)
        if planning.new_violations(problem, current, Solution("FEASIBLE", trial, trial_supervision)):
            return False
        assignments, supervision = trial, trial_supervision
        taken.add((me, day))
        return True

    waiting = []
    for a in sorted(sources, key=lambda a: (a.date, a.employee_id)):
        day = days[a.date.isoweekday()]
        if day in holidays:
            continue  # said apart: nobody works on a public holiday
        me = planning.eid(a.employee_id)
        if (me, day) in taken:
            kept += 1
            continue
        options = {planning.pk_of(q.id): q.id for q in cell_options(problem, a.employee_id, day)}
        if a.request_id not in options:
            skipped += 1
        elif placed(me, day, options[a.request_id], hold=True):
            changed[(a.employee_id, day)] = a.request_id
        else:
            waiting.append((a, day, me, options[a.request_id]))
    for a, day, me, request in waiting:
        if placed(me, day, request, hold=False):
            changed[(a.employee_id, day)] = a.request_id
        else:
            skipped += 1
    made = roster is None
    try:
        with _saving():
            roster = _new_roster(week, team_id) if made else roster
            if changed:
                _write_team_roster(roster, Solution("FEASIBLE", assignments, supervision), changed, {})
            roster_history.record(roster, user, "copy", "copy", n=len(changed), s=skipped)
            audit.record("roster.copy_previous", roster,
                         detail=f"week={week} filled={len(changed)} skipped={skipped}", actor=user)
    except _Lost:
        # The same copy sent twice at once: the other one did it. Else the roster changed meanwhile.
        now = find_roster(week, team_id)
        if made and now is not None and not again and _copied_already(now) is None:
            raise _NewWeekTaken from None
        raise _copied_already(now) or conflict_error() from None
    return Copied(roster, len(changed), skipped, kept, holidays, from_earlier, no_earlier)


def _open_to(wanted: list[SupervisionRef], supervision: list[SupervisionRef]) -> list[SupervisionRef]:
    """The wanted entries whose leader and place are both still free that day: a leader this week
    already leads elsewhere stays there (planning.supervise keeps the first entry it meets)."""
    busy = {(s.supervisor, s.date) for s in supervision}
    led = {(s.team, s.date, s.location) for s in supervision}
    return [s for s in wanted if (s.supervisor, s.date) not in busy and (s.team, s.date, s.location) not in led]


# --- publication ----------------------------------------------------------------------------


def shift_uid(employee_id: int, day: dt.date) -> str:
    return f"{employee_id}-{day.isoformat()}@binnenwerk.example"


def publish(roster: Roster, *, user=None, lock_version=None, refuse_unchanged: bool = False) -> dict[str, int]:
    """Make the roster what employees see: new version, PublishedShift rows in step.

    A changed shift keeps its uid and raises `sequence`; a shift taken away stays, cancelled,
    with a raised sequence, so subscribed calendars drop it.

    `refuse_unchanged` (the roster page's button): a published roster that publishing would not
    change (waits_for_publication, would_tell) is refused with field ALREADY_PUBLISHED, as
    publish_week does, instead of becoming a new version that tells nobody anything. One whose
    every change publishing would hold back is refused with OnlyHeld, for the same reason.
    """
    already = _("Dit rooster is al gepubliceerd. Medewerkers zien het.")
    if lock_version is not None:
        try:
            check_version(roster, lock_version)
        except ServiceError:
            if roster.version > 0 and not roster.has_unpublished_changes:
                # The same publish sent twice (a double click, or back and again): it went through.
                raise ServiceError(already, field=ALREADY_PUBLISHED) from None
            raise publish_conflict(roster.week, [roster.team]) from None
    if refuse_unchanged and roster.version > 0:
        counts = _publish(roster, None, apply=False)
        if _only_holds(counts):
            raise OnlyHeld(_("Er is niets gepubliceerd: alle wijzigingen zijn tegengehouden. Medewerkers zien nog "
                             "versie %(v)d.", v=roster.version), counts)
        # Marked changed, but nothing to tell nor to hold (a cell changed and put back): no empty
        # version either.
        quiet = roster.has_unpublished_changes and _says_nothing(counts)
        if quiet or (not roster.has_unpublished_changes and _tells_nothing(counts)):
            if quiet:
                _as_told([roster])
            raise ServiceError(_("Er was niets te publiceren: medewerkers zien dit rooster al zoals het is."),
                               field=ALREADY_PUBLISHED)
    return _publishing(roster.week, [roster], already, user)[0][1]


ONLY_HELD = "held"  # ServiceError.field: publishing would only hold shifts back (OnlyHeld)


class OnlyHeld(ServiceError):
    """Publishing would tell nobody anything: each change of the roster is held back (outside the
    person's hours, away, without 11 hours' rest...). So no new version, which would read as empty
    in the history and take the reminders away while those shifts stay untold: the roster stays
    marked changed. `counts`: _publish's, so the page says how many are held and why."""

    def __init__(self, message: str, counts: dict[str, int]):
        super().__init__(message, field=ONLY_HELD)
        self.counts = counts


def _says_nothing(counts: dict[str, int]) -> bool:
    """Whether a publication with these counts (_publish's) would tell, call off or hold nothing."""
    return not any(value for key, value in counts.items() if key != "same")


def _tells_nothing(counts: dict[str, int]) -> bool:
    """Whether a publication with these counts (_publish's) would tell or call off nothing: it may
    hold shifts back."""
    return not any(counts[k] for k in TOLD_COUNTS)


def _only_holds(counts: dict[str, int]) -> bool:
    """Whether a publication with these counts would only hold shifts back (OnlyHeld)."""
    return _tells_nothing(counts) and not _says_nothing(counts)


def unmark_if_as_told(roster: Roster) -> None:
    """After an edit of a published roster: when its publication would now tell, call off and hold
    nothing (the edit put a cell or a leader back as told), it is not marked changed either, so
    the grid, the overview and the start pages do not ask to publish what employees already see."""
    if roster.version > 0 and roster.has_unpublished_changes:
        db.session.flush()
        if _says_nothing(_publish(roster, None, apply=False)):
            roster.has_unpublished_changes = False


def _as_told(rosters: list[Roster]) -> None:
    """Rosters marked changed since their publication whose publication would tell nobody anything
    (edits undone since): no longer marked, and committed, without a new version."""
    for roster in rosters:
        roster.has_unpublished_changes = False
        audit.record("roster.as_told", roster, detail=f"week={roster.week} version={roster.version}")
    _commit()


def waits_for_publication(roster: Roster) -> bool:
    """Whether employees do not see the roster as it is by its own marks: a draft, or changed
    since its last publication (roster_status 'draft' or 'changed'). publish_week publishes these."""
    return roster.version == 0 or roster.has_unpublished_changes


TOLD_COUNTS = ("new", "changed", "cancelled")  # the counts of _publish that change what people were told


def would_tell(roster: Roster) -> bool:
    """Whether publishing the roster now would change what someone was told, though nothing
    marks the roster changed: a shift held back at the last publication (its person was absent,
    outside their hours) that may be told now, a contract's call-off taken back. Publishes nothing."""
    counts = _publish(roster, None, apply=False)
    return any(counts[k] for k in TOLD_COUNTS)


@dataclasses.dataclass
class PublishedWeek:
    done: list[tuple[Roster, dict[str, int]]]  # each roster published, with its counts
    left_out: list[Team]  # teams whose roster changed since the page showed it: not published


def publish_week(week: str, seen: dict[int, int], *, user=None) -> PublishedWeek:
    """Publish every roster of the week that employees do not see as it is (a draft, or changed
    since its last publication), as the planner saw them. `seen`: roster id -> the lock version on
    the page the planner published from. A roster made or changed since (a team leader's edit, a
    solve that saved) is left out, for the planner to look at first; the others are published
    together, all or none. When every roster to publish changed, nothing is (publish_conflict).
    """
    # The teams the all-teams page shows: an archived team's roster is not on it.
    rosters = db.session.scalars(
        select(Roster).join(Team, Roster.team_id == Team.id)
        .where(Roster.week == week, Team.archived.is_(False)).order_by(Roster.team_id)).all()
    waiting = [r for r in rosters if waits_for_publication(r)]
    changed = [r for r in waiting if r.lock_version != seen.get(r.id, -1)]
    waiting = [r for r in waiting if r not in changed]
    if changed and not waiting:
        raise publish_conflict(week, [r.team for r in changed])
    # A published roster marked changed whose publication would tell nobody anything (an edit put
    # back): no empty version of it (one read of the week for all of them).
    # One whose publication would only hold shifts back: no empty version either; it stays marked
    # (OnlyHeld when no other roster is published).
    again = [r for r in waiting if r.version > 0]
    if again:
        read = read_for_publishing(week, again)
        would = {r.id: _publish(r, None, read, apply=False) for r in again}
        quiet = [r for r in again if _says_nothing(would[r.id])]
        held = [r for r in again if _only_holds(would[r.id])]
        if quiet:
            _as_told(quiet)
        waiting = [r for r in waiting if r not in quiet and r not in held]
        if changed and not waiting:  # what the planner saw needs publishing no more
            raise publish_conflict(week, [r.team for r in changed])
        if held and not waiting:
            totals: dict[str, int] = defaultdict(int)
            for roster in held:
                for key, value in would[roster.id].items():
                    totals[key] += value
            raise OnlyHeld(_("Er is niets gepubliceerd: alle wijzigingen zijn tegengehouden. Medewerkers zien nog "
                             "wat eerder is gepubliceerd."), dict(totals))
    done = _publishing(week, waiting, _("Er was niets te publiceren: medewerkers zien alle roosters van deze week al."),
                       user)
    return PublishedWeek(done, [r.team for r in changed])


PUBLISH_ROUNDS = 3  # publications started again for absences saved meanwhile, before giving up
DEADLOCK = "40P01"  # PostgreSQL's SQLSTATE deadlock_detected


def _publishing(week: str, rosters: list[Roster], message: str, user) -> list[tuple[Roster, dict[str, int]]]:
    """Publish these rosters of the week (_publish) and commit, all or none.

    What the rosters hold and what was told is read once for all of them rather than once per
    roster (read_for_publishing): at a hundred teams that is a few queries instead of some four hundred.

    An absence saved while this runs (every team's week takes seconds) must not let a shift be
    told on a day its person was just entered as sick, while the absence's message says the roster
    is not published yet. So, once written, publishing holds the rosters' rows (FOR UPDATE; on
    SQLite its writes hold the whole database) and reads the absences again: one saved meanwhile
    starts the publication again, which holds that shift. One saved later waits for the commit
    (the absence's history line needs the roster's row), and then says the roster was published.

    The same publish sent twice at once (a double click) loses the race on the shifts' uids or
    on the rosters' versions to its twin, while writing or at the commit: if every roster is
    published now, it went through, and `message` says so; else the teams whose roster changed
    meanwhile are named."""
    ids = [roster.id for roster in rosters]
    expected = {roster.id: roster.lock_version for roster in rosters}
    for _round in range(PUBLISH_ROUNDS):
        try:
            read = read_for_publishing(week, rosters)
            done = [(roster, _publish(roster, user, read)) for roster in rosters]
            db.session.flush()
            _hold(ids)
            if not _absent_since(read, week):
                db.session.commit()
                return done
        except (IntegrityError, StaleDataError):
            db.session.rollback()
            now = db.session.execute(select(Roster.id, Roster.version, Roster.has_unpublished_changes,
                                            Roster.lock_version).where(Roster.id.in_(ids))).all()
            if now and all(version > 0 and not unpublished for _id, version, unpublished, _lock in now):
                raise ServiceError(message, field=ALREADY_PUBLISHED) from None
            changed = {roster_id for roster_id, _v, _u, lock in now if lock != expected[roster_id]}
            raise publish_conflict(week, [r.team for r in rosters if r.id in changed or len(rosters) == 1]) from None
        except OperationalError as exc:
            # PostgreSQL broke a deadlock by ending this transaction: a solve saving several of
            # these rosters held one this lock waited for. Once more, from the rosters as they are.
            if getattr(exc.orig, "sqlstate", None) != DEADLOCK:
                raise
        db.session.rollback()
        rosters = _hold(ids)  # as they are now: the rollback let go of them
        changed = [r for r in rosters if r.lock_version != expected[r.id]]
        if changed:
            raise publish_conflict(week, [r.team for r in changed])
    db.session.rollback()
    raise ServiceError(_("Terwijl je publiceerde, zijn er afwezigheden ingevoerd. Er is niets gepubliceerd. "
                         "Publiceer opnieuw."))


def _hold(roster_ids: list[int]) -> list[Roster]:
    """Lock these rosters' rows until the commit (PostgreSQL; SQLite has no row locks) and read
    them as they are now, by team (the order every publication locks in)."""
    return list(db.session.scalars(
        select(Roster).where(Roster.id.in_(roster_ids or [0])).order_by(Roster.team_id, Roster.id)
        .with_for_update().execution_options(populate_existing=True)))


def _absent_since(read: PublishingRead, week: str) -> set[tuple[int, dt.date]]:
    """The shifts publishing read (`read`) that clash with an absence saved after it read them."""
    shifts = [a for found in read.shifts.values() for a in found]
    return _absent_cells(shifts, week_days(week, 7)) - read.absent


# A shift on a request the ministry cancelled or the planner declined since, or on a day the
# request no longer asks for (its days or dates were changed), is not told to anyone (the roster
# marks it); a published one is called off. Days gone by go by what was asked then (asked_then).
WITHDRAWN = frozenset({RequestStatus.CANCELLED.value, RequestStatus.DECLINED.value})


def request_stands(request: DeploymentRequest, day: dt.date) -> bool:
    """Whether the request still asks for people on that day (see WITHDRAWN)."""
    return request.status not in WITHDRAWN and request.occurs_on(day)


def asked_then(shifts, since: dt.date) -> dict[int, dict[dt.date, request_history.Asked]]:
    """What the requests of these shifts asked on their days before `since` (today), as it was
    asked then (request_history): a request cancelled or changed since still asked for its days
    gone by, as they were worked. One query."""
    past = [a for a in shifts if a.date < since]
    if not past:
        return {}
    requests = list({a.request_id: a.request for a in past}.values())
    return request_history.asked_days(requests, min(a.date for a in past), max(a.date for a in past))


def stood_then(asked: dict[int, dict[dt.date, request_history.Asked]], request_id: int, day: dt.date) -> bool:
    """request_stands for a day gone by: whether the request asked for people that day, then."""
    then = asked.get(request_id, {}).get(day)
    return then is not None and then.status not in WITHDRAWN


def works_then(employee: Employee, day: dt.date) -> bool:
    """Whether the day lies within the person's contract (ending one sets its last day). A shift
    outside it (the contract was ended after the roster was made) is not told to anyone."""
    return employee.employed_on(day)


def within_hours(request: DeploymentRequest, windows) -> bool:
    """Whether a shift of the request lies inside one of these (start, end) working-hour windows."""
    return any(start <= request.start_minute and request.end_minute <= end for start, end in windows)


def does_work_type(employee: Employee, request: DeploymentRequest) -> bool:
    """Whether the request's work is one of the person's work types (hard rule 3)."""
    return any(w.id == request.work_type_id for w in employee.work_types)


def may_work_at(employee: Employee, request: DeploymentRequest) -> bool:
    """Whether the person may work at the request's place: anywhere, unless they have a list of
    places (hard rule 3)."""
    return not employee.allowed_locations or any(loc.id == request.location_id for loc in employee.allowed_locations)


# Why a shift from today on no longer fits, beyond the person's hours, absence and contract
# (misfit). Publishing holds a new or changed shift for the first two as it holds one at an
# absence (what was told stands): nobody is sent to another team's work, or out of the region.
# Work or a place no longer on the person's lists is flagged and noted, and told as before:
# publishing has always told the roster's work whatever those lists say (rosters made by hand
# or imported hold such work), and the team leader repairs it.
MOVED, OUTSIDE_REGION, UNQUALIFIED = "moved", "region", "unqualified"
HELD_AT_PUBLISH = frozenset({MOVED, OUTSIDE_REGION})
TOO_LONG = "too_long"  # publish's count of shifts longer than the person's hours a day
NO_REST = "no_rest"  # publish's count of new or changed shifts held for the 11 hours' rest


def misfit(employee: Employee, request: DeploymentRequest, team_id: int, region: str) -> str | None:
    """Why this team's shift no longer fits the person: MOVED (they are in another team now),
    OUTSIDE_REGION (the place lies outside the team's region: the ministry moved its request, or
    the place's region changed), UNQUALIFIED (the work or the place is no longer theirs); else None.
    Needs the request's location and the person's work types and places loaded."""
    if employee.team_id != team_id:
        return MOVED
    if request.location.region != region:
        return OUTSIDE_REGION
    if not (does_work_type(employee, request) and may_work_at(employee, request)):
        return UNQUALIFIED
    return None


def longer_than_day_limit(employee: Employee, request: DeploymentRequest) -> bool:
    """Whether a shift of the request is longer than the person may work a day (their hours a day,
    which a doctor may have lowered since the shift was planned, or the request's times changed)."""
    return request.worked_minutes > employee.max_minutes_per_day


def _fits_working_hours(a: Assignment) -> bool:
    """Whether the shift lies inside the person's weekly working hours that weekday."""
    return within_hours(a.request, [(slot.start_minute, slot.end_minute) for slot in a.employee.availability
                                    if slot.weekday == a.date.isoweekday()])


@dataclasses.dataclass
class PublishingRead:
    """What publishing reads for its rosters, once for all of them (publish_week)."""

    shifts: dict[int, list[Assignment]]  # per roster id: every shift it holds
    leaders: dict[int, dict[tuple[dt.date, int], int]]  # per roster id: _supervisors_at
    told: dict[tuple[int, dt.date], PublishedShift]  # _told_shifts
    absent: set[tuple[int, dt.date]]  # _absent_cells
    asked: dict[int, dict[dt.date, request_history.Asked]]  # asked_then, for days gone by
    regions: dict[int, str]  # team id -> region
    since: dt.date  # today: the days before it are gone by
    minute: int  # minute_now(since): today's shifts that start at or before it have begun
    # (employee id, date) -> the first start and last end of their work that day, in any roster,
    # the day before the week to the day after (not a day they are away): for the rest rule.
    worked: dict[tuple[int, dt.date], tuple[int, int]] = dataclasses.field(default_factory=dict)
    # A reader that has the people and their working hours already (the roster page, publish_outcomes)
    # passes them: employee id -> Employee (work types and places loaded), and (employee id,
    # weekday) -> [(start, end)]. Publishing itself reads them with its shifts (a.employee).
    people: dict[int, Employee] | None = None
    windows: dict[tuple[int, int], list[tuple[int, int]]] | None = None
    # team id -> the keys of `told` of that team when first asked (_answers_for), kept up to date
    # with the shifts publishing adds.
    told_of_team: dict[int, list[tuple[int, dt.date]]] | None = None

    def begun(self, day: dt.date, start_minute: int) -> bool:
        """has_begun with this read's today and minute (see _publish)."""
        return has_begun(day, start_minute, self.since, self.minute)


def has_begun(day: dt.date, start_minute: int, today: dt.date, minute: int) -> bool:
    """Whether a shift that day starting then is under way or over, `minute` being minute_now(today):
    a day gone by, or today from its start time on. Publishing keeps such a told shift as history
    (_publish), and the roster page marks nothing publishing would not change (rosters/view.py)."""
    return day < today or (day == today and start_minute <= minute)


def read_for_publishing(week: str, rosters: list[Roster]) -> PublishingRead:
    """Read what publishing these rosters of the week needs: a fixed number of queries."""
    days, since = week_days(week, 7), today()
    shifts = _roster_shifts(rosters)
    every = [a for found in shifts.values() for a in found]
    absent = _absent_cells(every, days)
    return PublishingRead(
        shifts=shifts, leaders=_supervisors_at(rosters),
        told=_told_shifts(days, [r.team_id for r in rosters], [a.employee_id for a in every]),
        absent=absent, asked=asked_then(every, since),
        worked={key: span for key, span in planning.days_worked(
            {a.employee_id for a in every}, days[0] - dt.timedelta(days=1), days[-1] + dt.timedelta(days=1)).items()
            if key not in absent},
        regions=dict(db.session.execute(select(Team.id, Team.region).where(
            Team.id.in_({r.team_id for r in rosters}))).all()) if rosters else {},
        since=since, minute=minute_now(since))


def _roster_shifts(rosters: list[Roster]) -> dict[int, list[Assignment]]:
    """Per roster id, every shift it holds, with what publishing looks at loaded."""
    found: dict[int, list[Assignment]] = {r.id: [] for r in rosters}
    if not rosters:
        return found
    for a in db.session.scalars(
        select(Assignment).where(Assignment.roster_id.in_(list(found)))
        .options(selectinload(Assignment.request).selectinload(DeploymentRequest.location),
                 selectinload(Assignment.employee).selectinload(Employee.availability),
                 selectinload(Assignment.employee).selectinload(Employee.work_types),
                 selectinload(Assignment.employee).selectinload(Employee.allowed_locations))
        .order_by(Assignment.roster_id, Assignment.id)
    ):
        found[a.roster_id].append(a)
    return found


def _supervisors_at(rosters: list[Roster]) -> dict[int, dict[tuple[dt.date, int], int]]:
    """Per roster id, the team leader at each (date, location)."""
    found: dict[int, dict[tuple[dt.date, int], int]] = {r.id: {} for r in rosters}
    if not rosters:
        return found
    for s in db.session.scalars(
        select(SupervisionAssignment).where(SupervisionAssignment.roster_id.in_(list(found)))
        .order_by(SupervisionAssignment.roster_id, SupervisionAssignment.id)
    ):
        found[s.roster_id][(s.date, s.location_id)] = s.supervisor_id
    return found


def _told_shifts(days: list[dt.date], team_ids: list[int], employee_ids: list[int],
                 ) -> dict[tuple[int, dt.date], PublishedShift]:
    """The published shifts of the week that these teams' rosters may change: those of the teams
    and those of the people on them, by (employee, date). Rosters published one after another
    share it: each adds its new shifts (see _publish), so the next sees them as a query would."""
    if not team_ids and not employee_ids:
        return {}
    return {(p.employee_id, p.date): p for p in db.session.scalars(
        select(PublishedShift).where(
            PublishedShift.date.between(days[0], days[-1]),
            or_(PublishedShift.team_id.in_(sorted(set(team_ids))),
                PublishedShift.employee_id.in_(sorted(set(employee_ids)))),
        ).order_by(PublishedShift.id))}


def _absent_cells(assignments: list[Assignment], days: list[dt.date]) -> set[tuple[int, dt.date]]:
    """(employee id, date) of these shifts that clash with an absence of the person, one query."""
    people = {a.employee_id for a in assignments}
    if not people:
        return set()
    absences = db.session.scalars(select(Absence).where(
        Absence.employee_id.in_(people), Absence.start_date <= days[-1], Absence.end_date >= days[0])).all()
    return affected_cells(assignments, absences)


HISTORY, TOLD, HELD, NOT_TOLD = "history", "told", "held", "not_told"  # Outcome.kind


@dataclasses.dataclass(frozen=True, slots=True)
class Outcome:
    """What publishing does with one shift of a roster (_publish's `outcomes`), so the roster page
    counts what will stand after publishing by publishing's own rule: HISTORY (told as the roster
    holds it, gone by or begun: kept), TOLD (told as the roster holds it: new, changed or the same),
    HELD (not told, `why`: the counts' key, "held" for outside the working hours, TOO_LONG,
    "absent", MOVED, OUTSIDE_REGION or NO_REST), NOT_TOLD (its request no longer asks for the day,
    or outside the contract: what was told is called off). `stands`: what the person will work that
    day (request id, place, work, start, end, break), None for nothing (a held shift never told)."""
    kind: str
    why: str | None = None
    stands: tuple[int, int, int, int, int, int] | None = None

    @property
    def minutes(self) -> int:
        """The minutes of work that stand that day."""
        return 0 if self.stands is None else self.stands[4] - self.stands[3] - self.stands[5]


def _standing(shift, team_id: int) -> tuple[int, int, int, int, int, int] | None:
    """What a told shift of this team leaves standing (Outcome.stands), None when it is called
    off, another team's (that roster answers for it) or nothing was told."""
    if shift is None or shift.cancelled or shift.team_id != team_id:
        return None
    return (shift.request_id, shift.location_id, shift.work_type_id, shift.start_minute, shift.end_minute,
            shift.break_minutes)


def publish_outcomes(rosters: list[Roster], read: PublishingRead) -> dict[int, dict[tuple[int, dt.date], Outcome]]:
    """Per roster id, per (employee id, date) of its shifts, what publishing it now would do
    (_publish with apply=False, whose rule it is): nothing is written. `read` as read_for_publishing
    gives it, or as the roster page builds it from what it has read."""
    out: dict[int, dict[tuple[int, dt.date], Outcome]] = {}
    for roster in rosters:
        out[roster.id] = {}
        _publish(roster, None, read, apply=False, outcomes=out[roster.id])
    return out


def _answers_for(read: PublishingRead, team_id: int, employee_ids: set[int], days: list[dt.date]
                 ) -> dict[tuple[int, dt.date], PublishedShift]:
    """The told shifts a roster answers for: its team's, and its people's wherever they were told.
    Looked up by team and person rather than by going over every told shift for each roster (a
    hundred rosters read at once, each would go over all 2,400 of the week)."""
    if read.told_of_team is None:
        read.told_of_team = defaultdict(list)
        for key, p in read.told.items():
            read.told_of_team[p.team_id].append(key)
    keys = {key for key in read.told_of_team.get(team_id, ()) if read.told[key].team_id == team_id}
    keys |= {(e, day) for e in employee_ids for day in days if (e, day) in read.told}
    return {key: read.told[key] for key in sorted(keys)}


def _fits_hours(read: PublishingRead, a: Assignment, employee: Employee) -> bool:
    """_fits_working_hours, from the read's working hours when it has them."""
    if read.windows is None:
        return _fits_working_hours(a)
    return within_hours(a.request, read.windows.get((employee.id, a.date.isoweekday()), ()))


def _publish(roster: Roster, user, read: PublishingRead | None = None, *, apply: bool = True,
             outcomes: dict[tuple[int, dt.date], Outcome] | None = None) -> dict[str, int]:
    """publish() without its check and commit. publish_week passes what it read for all rosters
    at once (read_for_publishing). With apply=False nothing is written: only the counts (would_tell), and
    with `outcomes` (a dict to fill) what it does with each shift (publish_outcomes); then it
    leaves out the told shifts it would call off (the roster page reads those itself).

    Days gone by are history: a shift told as the roster still holds it stays as told, whatever
    changed since (the request's place or times, its cancellation, the contract, the person's
    team). Only the roster itself changes them (someone notes what really happened, which a week
    gone by invites): that is told, with what the request asked then.

    So is a shift of today once its told start has come (read.begun) while the roster still holds
    it on the same request: the person went to work as told, and publishing neither changes nor
    calls it off when its request no longer stands (cancelled at 10:00), so its hours stay. Any
    other change of today (a new shift, a move, a shift taken off, also of one under way) is work
    to come: held or told as any other, and at short notice, so the team leader phones about it
    (a repair at 10:00 that moves someone working since 09:00 must reach them).

    The counts: new, changed, cancelled, same, held (outside the working hours), absent; and,
    only when publishing held shifts for them, moved and region (HELD_AT_PUBLISH)."""
    read = read or read_for_publishing(roster.week, [roster])
    assignments, supervisor_at, told = read.shifts[roster.id], read.leaders[roster.id], read.told
    since, region = read.since, read.regions[roster.team_id]
    employee_ids = {a.employee_id for a in assignments}
    # The shifts this roster answers for: its team's, and its people's wherever they were told.
    existing = _answers_for(read, roster.team_id, employee_ids, week_days(roster.week, 7))
    counts = {"new": 0, "changed": 0, "cancelled": 0, "same": 0, "held": 0, "absent": 0}
    now = utcnow()
    # The shifts that reach the rest rule: (assignment, key, told shift, values, begun, differs).
    pending: list[tuple] = []
    # Changed work held for another reason (outside the hours, too long, away, no longer fitting):
    # the times told that day, which stand (None: nothing told). The rest rule reads them.
    kept: dict[tuple[int, dt.date], tuple[int, int] | None] = {}
    outcome = outcomes.__setitem__ if outcomes is not None else (lambda _key, _outcome: None)
    for a in assignments:
        key, q, past = (a.employee_id, a.date), a.request, a.date < since
        employee = read.people[a.employee_id] if read.people is not None else a.employee
        shift = existing.get(key)
        is_told = shift is not None and not shift.cancelled
        if is_told and shift.request_id == q.id and read.begun(a.date, shift.start_minute):
            # Told as the roster holds it, and gone by or begun: worked as told.
            existing.pop(key)
            counts["same"] += 1
            outcome(key, Outcome(HISTORY, stands=(q.id, shift.location_id, shift.work_type_id, shift.start_minute,
                                                  shift.end_minute, shift.break_minutes)))
            continue
        stands = stood_then(read.asked, q.id, a.date) if past else request_stands(q, a.date)
        if not (stands and works_then(employee, a.date)):
            outcome(key, Outcome(NOT_TOLD))
            continue  # not told; what this team told that day is called off below
        if not _fits_hours(read, a, employee):
            # Outside the person's working hours (their hours changed, or the ministry moved the
            # request's times): nobody is told to come then. What they were told stands until the
            # roster is planned again or repaired; the roster page flags the shift meanwhile.
            existing.pop(key, None)
            counts["held"] += 1
            kept[key] = _told_times(shift)
            outcome(key, Outcome(HELD, "held", _standing(shift, roster.team_id)))
            continue
        if longer_than_day_limit(employee, q):
            # Longer than the person may work a day now: held the same way (the grid flags it).
            existing.pop(key, None)
            counts[TOO_LONG] = counts.get(TOO_LONG, 0) + 1
            kept[key] = _told_times(shift)
            outcome(key, Outcome(HELD, TOO_LONG, _standing(shift, roster.team_id)))
            continue
        # A day gone by: as asked then. Today is as the request asks now (request_history keeps days
        # before today only), begun or not: stood_then would say the same as request_stands above.
        then = read.asked[q.id][a.date] if past else request_history.Asked.of(q)
        # History being set down (no hold, no call at short notice): a day gone by only. A change
        # of today is told at short notice even when its times have begun: someone is working
        # elsewhere or at home now, and must hear of it.
        begun = past
        values = dict(team_id=roster.team_id, request_id=q.id, location_id=then.location_id,
                      work_type_id=then.work_type_id, supervisor_id=supervisor_at.get((a.date, then.location_id)),
                      start_minute=then.start_minute, end_minute=then.end_minute,
                      break_minutes=q.break_minutes if then.break_minutes is None else then.break_minutes)
        existing.pop(key, None)
        differs = shift is None or shift.cancelled or any(getattr(shift, k) != v for k, v in values.items())
        why = None if begun else misfit(employee, q, roster.team_id, region)
        why = why if why in HELD_AT_PUBLISH else None
        if differs and (key in read.absent or why):
            # The person is away then (ill, on leave, an appointment), or the shift no longer fits
            # (they are in another team now, the place lies outside the team's region): new or
            # changed work for that day is not told to them. What they were told stands until a
            # repair or a hand edit takes the shift away; the roster page flags it meanwhile.
            reason = "absent" if key in read.absent else why
            counts[reason] = counts.get(reason, 0) + 1
            kept[key] = _told_times(shift)
            outcome(key, Outcome(HELD, reason, _standing(shift, roster.team_id)))
            continue
        pending.append((a, key, shift, values, begun, differs))
    # New or changed work that leaves the person without 11 hours' rest (a ministry moved the
    # request's times): not told; what they were told stands until the roster is planned again or
    # repaired (the grid flags it meanwhile). Of two such days in a row, the later (_held_for_rest).
    no_rest = _held_for_rest({key: ((values["start_minute"], values["end_minute"]), _told_times(shift))
                              for _a, key, shift, values, begun, differs in pending if differs and not begun},
                             kept, read.worked)
    for a, key, shift, values, begun, differs in pending:
        if key in no_rest:
            counts[NO_REST] = counts.get(NO_REST, 0) + 1
            outcome(key, Outcome(HELD, NO_REST, _standing(shift, roster.team_id)))
            continue
        outcome(key, Outcome(TOLD, stands=tuple(values[k] for k in (
            "request_id", "location_id", "work_type_id", "start_minute", "end_minute", "break_minutes"))))
        if shift is None:
            # A shift added to a week already told is a change for that person (a free day now
            # has work): sequence 1, like a changed one, so the week page and the team leader's
            # short-notice list say so. In a first publication it is simply the roster: 0.
            counts["new"] += 1
            if not apply:
                continue
            was_told = roster.version > 0
            shift = PublishedShift(uid=shift_uid(a.employee_id, a.date), employee_id=a.employee_id,
                                   date=a.date, sequence=int(was_told), cancelled=False, updated_at=now,
                                   short_notice=was_told and not begun and at_short_notice(a.date), **values)
            db.session.add(shift)
            told[key] = shift  # the next roster of publish_week sees it
            if read.told_of_team is not None:
                read.told_of_team[roster.team_id].append(key)
            # Work on a day that had none: "nieuw" (counted above), also in a week told before
            # (the roster page marks it "gewijzigd" there, and the person's week page says it changed).
        elif differs:
            # Work again on a day this team called off: a day without work gets work, "nieuw" as
            # above (the row is the day's own, so the calendar event comes back). Another team's
            # day taken over (the person moved, publish_week) is a change of team: "gewijzigd".
            counts["new" if shift.cancelled and shift.team_id == roster.team_id else "changed"] += 1
            if not apply:
                continue
            leader_only = _leader_only_since_first_told(shift, values)
            for k, v in values.items():
                setattr(shift, k, v)
            shift.cancelled = False
            tell_change(shift, now, begun=begun)
            shift.leader_only = leader_only
            shift.contract_call_off = False
        else:
            counts["same"] += 1
    if outcomes is not None:
        return counts  # the told shifts to call off are the roster page's own read
    for shift in existing.values():
        if shift.team_id != roster.team_id or shift.cancelled:
            continue
        begun = shift.date < since
        if read.begun(shift.date, shift.start_minute) and shift.employee.team_id != roster.team_id:
            # A day gone by (or a shift begun today) of someone who has left the team: not this
            # roster's to change (a re-plan of the team leaves them out).
            continue
        counts["cancelled"] += 1
        if apply:
            shift.cancelled = True
            tell_change(shift, now, begun=begun)
    if not apply:
        return counts
    roster.version += 1
    roster.status = RosterStatus.PUBLISHED.value
    roster.published_at = now
    roster.updated_at = now
    roster.has_unpublished_changes = False
    roster_history.record(roster, user, "publish", "publish", v=roster.version, new=counts["new"],
                          changed=counts["changed"], cancelled=counts["cancelled"])
    audit.record("roster.publish", roster, detail=f"week={roster.week} version={roster.version} "
                 + " ".join(f"{k}={v}" for k, v in counts.items()), actor=user)
    return counts


def _told_times(shift: PublishedShift | None) -> tuple[int, int] | None:
    """The start and end a told shift stands at (None: nothing told that day, or called off)."""
    return None if shift is None or shift.cancelled else (shift.start_minute, shift.end_minute)


def _held_for_rest(new: dict[tuple[int, dt.date], tuple[tuple[int, int], tuple[int, int] | None]],
                   kept: dict[tuple[int, dt.date], tuple[int, int] | None],
                   worked: dict[tuple[int, dt.date], tuple[int, int]]) -> set[tuple[int, dt.date]]:
    """Which of a roster's new or changed shifts to come publishing holds for the 11 hours' rest.
    `new`: (employee id, date) -> (the shift's times, the times told that day or None); `kept`:
    the roster's other changed days held (for their hours, an absence...) -> the told times, which
    stand; `worked`: the roster's work in any roster, by day (PublishingRead.worked).

    The rule: a shift is held when it leaves less than 11 hours' rest after the roster's work the
    day before, or after what the person will have been told for that day (a held day's told
    times stand). Of two changed days in a row without rest between them, only the later is held,
    as the grid tags it: the earlier is told if it has its rest against what will stand the day
    after (that day's told times where it is held, its new times where it is told); else both are
    held, so nobody is told a pair without rest. Against a day that does not change here (the same
    as told, another roster's), it is held as before. Decided per person in date order: the day
    before is decided; the day after is decided as if this one were told."""
    held: set[tuple[int, dt.date]] = set()
    one_day = dt.timedelta(days=1)

    def tellable(key: tuple[int, dt.date], before: tuple[int, int] | None) -> bool:
        (employee_id, day), times = key, new[key][0]
        previous, following = (employee_id, day - one_day), (employee_id, day + one_day)
        if any(planning.short_of_rest(day, *times, span, None) for span in (worked.get(previous), before)):
            return False
        if following in new:
            # Told if the day after is then told too (it has its rest against this one), or else
            # has its rest against what was told for the day after, which stands when it is held.
            return tellable(following, times) or not planning.short_of_rest(day, *times, None, new[following][1])
        after = kept[following] if following in kept else worked.get(following)
        return not planning.short_of_rest(day, *times, None, after)

    for key in sorted(new):
        previous = (key[0], key[1] - one_day)
        before = (new[previous][1] if previous in held else new[previous][0]) if previous in new \
            else kept.get(previous)
        if not tellable(key, before):
            held.add(key)
    return held


# --- absences -------------------------------------------------------------------------------


def absence_overlaps(absence: Absence, day: dt.date, start: int, end: int) -> bool:
    """Whether the absence takes the day, or part of the times start-end (minutes) that day."""
    if not absence.start_date <= day <= absence.end_date:
        return False
    return absence.whole_day or (absence.start_minute < end and start < absence.end_minute)


def affected_cells(assignments, absences) -> set[tuple[int, dt.date]]:
    """(employee id, date) of shifts that clash with an absence registered for that person."""
    by_employee: dict[int, list[Absence]] = defaultdict(list)
    for absence in absences:
        if absence.employee_id is not None:
            by_employee[absence.employee_id].append(absence)
    out = set()
    for a in assignments:
        q = a.request
        if any(absence_overlaps(x, a.date, q.start_minute, q.end_minute) for x in by_employee.get(a.employee_id, ())):
            out.add((a.employee_id, a.date))
    return out


def leader_clashes(supervision, assignments, absences) -> list[SupervisionAssignment]:
    """The supervision rows whose supervisor is absent while leading there.

    Leading means being there for the team's shifts at that location that day, first to last
    (hard rule 6), or the whole day when the roster has none there: an absence outside those
    times (an appointment before the shifts) is no clash. `assignments` must hold those shifts.
    """
    span: dict[tuple[int, dt.date, int], tuple[int, int]] = {}
    for a in assignments:
        key = (a.roster_id, a.date, a.request.location_id)
        start, end = span.get(key, (a.request.start_minute, a.request.end_minute))
        span[key] = (min(start, a.request.start_minute), max(end, a.request.end_minute))
    by_supervisor: dict[int, list[Absence]] = defaultdict(list)
    for absence in absences:
        if absence.supervisor_id is not None:
            by_supervisor[absence.supervisor_id].append(absence)
    out = []
    for s in supervision:
        start, end = span.get((s.roster_id, s.date, s.location_id), (0, 24 * 60))
        if any(absence_overlaps(x, s.date, start, end) for x in by_supervisor.get(s.supervisor_id, ())):
            out.append(s)
    return out


def archived_leading(supervision, since: dt.date) -> list[SupervisionAssignment]:
    """The supervision rows from `since` (today) on whose supervisor has been archived.

    An archived team leader leads nobody any more: such a day needs another leader, as when the
    leader is absent (leader_clashes), and a repair finds one (the solver leaves archived leaders
    out). Days gone by keep the history as it was. Needs each row's supervisor loaded."""
    return [s for s in supervision if s.date >= since and s.supervisor.archived]


def _acting_user():
    """Who is logged in, for a history line written by a hook (None outside a request)."""
    from flask import has_request_context
    from flask_login import current_user

    return current_user if has_request_context() and current_user.is_authenticated else None


def mark_affected_shifts(absence: Absence, user=None) -> list[Assignment]:
    """Hook for absences: note every planned shift the absence hits in its roster's history.

    The roster page shows those shifts with a warning (it compares shifts with absences), and
    "Repareer vanaf" re-plans them. Does not commit: it runs in the absence's transaction.
    The history names no kind of absence: whether someone is ill is health data.
    """
    if absence.employee_id is None:
        _mark_leader_absent(absence, user or _acting_user())
        return []
    user = user or _acting_user()
    hits = [a for a in db.session.scalars(
        select(Assignment).where(Assignment.employee_id == absence.employee_id,
                                 Assignment.date.between(absence.start_date, absence.end_date))
        .options(selectinload(Assignment.request), selectinload(Assignment.roster))
    ) if absence_overlaps(absence, a.date, a.request.start_minute, a.request.end_minute)
        # A day the request no longer asks for (called off, dropped) is no shift to repair.
        and (a.date < today() or request_stands(a.request, a.date))]
    for a in hits:
        roster_history.record(a.roster, user, "absence", "absence", employee=a.employee_id, name=a.employee.name,
                              day=a.date)
    return hits


def _mark_leader_absent(absence: Absence, user) -> None:
    """A team leader's absence while leading a team somewhere: a line in that roster's history,
    as for an employee's (the roster page flags it; a repair finds a stand-in)."""
    supervision = db.session.scalars(select(SupervisionAssignment).where(
        SupervisionAssignment.supervisor_id == absence.supervisor_id,
        SupervisionAssignment.date.between(absence.start_date, absence.end_date))
        .options(selectinload(SupervisionAssignment.roster), selectinload(SupervisionAssignment.supervisor))).all()
    if not supervision:
        return
    shifts = db.session.scalars(select(Assignment).where(
        Assignment.roster_id.in_({s.roster_id for s in supervision}),
        Assignment.date.between(absence.start_date, absence.end_date)).options(selectinload(Assignment.request))).all()
    for s in leader_clashes(supervision, shifts, [absence]):
        roster_history.record(s.roster, user, "leader_absence", "leader_absence", name=s.supervisor.name, day=s.date)


def mark_archived_leader(supervisor: Supervisor, user=None) -> dict[Team, set[str]]:
    """Hook for a team leader just archived: note each day from today on that they still lead a
    team in that roster's history (as _mark_leader_absent does for an absence), and return the
    affected weeks by team, for the message that says what to do.

    The weeks are those of the rosters (draft or published) where they lead from today on, and
    those of told shifts that still name them (a roster changed since may lead otherwise there).
    Does not commit: it runs in the archiving's transaction."""
    user = user or _acting_user()
    since = today()
    supervision = db.session.scalars(select(SupervisionAssignment).where(
        SupervisionAssignment.supervisor_id == supervisor.id, SupervisionAssignment.date >= since)
        .options(selectinload(SupervisionAssignment.roster).selectinload(Roster.team))
        .order_by(SupervisionAssignment.date)).all()
    weeks: dict[Team, set[str]] = defaultdict(set)
    days: set[tuple[int, dt.date]] = set()
    for s in supervision:
        weeks[s.roster.team].add(s.roster.week)
        if (s.roster_id, s.date) not in days:  # one line a day, however many places they lead
            days.add((s.roster_id, s.date))
            roster_history.record(s.roster, user, "leader_archived", "leader_archived", name=supervisor.name,
                                  day=s.date)
    for team, day in db.session.execute(
            select(Team, PublishedShift.date).join(Team, Team.id == PublishedShift.team_id)
            .where(PublishedShift.supervisor_id == supervisor.id, PublishedShift.date >= since,
                   PublishedShift.cancelled.is_(False)).distinct()):
        weeks[team].add(week_of(day))
    return {team: found for team, found in weeks.items() if not team.archived}


def minute_now(day: dt.date) -> int:
    """The minute of `day` (today) it is now where the teams work (minutes since midnight), for
    shifts of today that have begun. -1 (none of it yet) when the clock's date is not `day`: a
    test that fakes only today's date keeps every shift of that day still to come."""
    from .feeds import local_now

    now = local_now()
    return now.hour * 60 + now.minute if now.date() == day else -1


def today() -> dt.date:
    """Today where the teams work (the app's time zone), not the server's."""
    from .feeds import local_today

    return local_today()


def weeks_planned_before(request: DeploymentRequest) -> list[str]:
    """The weeks with a day of the request from today on for which a team of its region has a
    roster already (planned or published), by week: planned without this request (just accepted),
    they need planning again to take it in."""
    since, days = today(), []
    day = max(request.start_date, since)
    while day <= request.end_date:
        if request.occurs_on(day):
            days.append(day)
        day += dt.timedelta(days=1)
    weeks = sorted({week_of(day) for day in days})
    if not weeks:
        return []
    return sorted(db.session.scalars(
        select(Roster.week).join(Team, Team.id == Roster.team_id)
        .where(Team.region == request.location.region, Team.archived.is_(False), Roster.week.in_(weeks))
        .distinct()))


def roster_status(roster: Roster | None) -> str:
    """'none' (no roster), 'draft' (never published), 'changed' (changed since it was
    published) or 'published' (employees see it as it is)."""
    if roster is None:
        return "none"
    if roster.version == 0:
        return "draft"
    return "changed" if roster.has_unpublished_changes else "published"


def not_yet_published(week: str, team_ids: list[int] | None = None) -> list[tuple[Team, str]]:
    """The active teams (all, or these) whose roster for the week employees do not see as it is,
    with its roster_status, by team name."""
    query = (select(Team, Roster).outerjoin(Roster, (Roster.team_id == Team.id) & (Roster.week == week))
             .where(Team.archived.is_(False)).order_by(Team.name, Team.id))
    if team_ids is not None:
        query = query.where(Team.id.in_(team_ids or [0]))
    rows = [(team, roster_status(roster)) for team, roster in db.session.execute(query)]
    return [(team, status) for team, status in rows if status != "published"]


# --- changes told at short notice -------------------------------------------------------------

SHORT_NOTICE_WORKDAYS = 2  # today and the next two working days


def short_notice_window(day: dt.date) -> tuple[dt.date, dt.date]:
    """Today through the SHORT_NOTICE_WORKDAYS-th working day after it (Friday: up to Tuesday;
    a public holiday is no working day: Thursday 31 December reaches Tuesday 5 January)."""
    last, left = day, SHORT_NOTICE_WORKDAYS
    while left:
        last += dt.timedelta(days=1)
        left -= last.isoweekday() <= 5 and not is_public_holiday(last)
    return day, last


def at_short_notice(day: dt.date) -> bool:
    """A change told today for this day comes at short notice."""
    return day <= short_notice_window(today())[1]


def _leader_only_since_first_told(shift: PublishedShift, values: dict) -> bool:
    """Whether telling `values` gives the day another team leader and nothing else, compared with
    what the person was FIRST told that day: the week page, the calendar and the call list then say
    "your time and place stay the same", and "Dit is veranderd" compares with the first telling too.

    Only the last telling is stored, so this holds when the shift is as first told apart from its
    leader: never changed (sequence 0), or changed in its leader only each time since (leader_only).
    A shift moved (Rijnstraat 09:00-15:00 told first, Turfmarkt 09:00-13:00 after) keeps the
    general words when a later publication changes only its leader: she was first told Rijnstraat.
    """
    if shift.cancelled or not (shift.sequence == 0 or shift.leader_only):
        return False
    return all(getattr(shift, k) == v for k, v in values.items() if k != "supervisor_id")


def tell_change(shift: PublishedShift, now: dt.datetime, begun: bool = False) -> None:
    """Note a change of a told shift. One that has `begun` (a day gone by, or today from its start:
    a correction of what was worked) goes on no short-notice list: there is nobody to warn."""
    shift.sequence += 1
    shift.leader_only = False  # the caller says so when only the team leader changed
    shift.access_only = False  # likewise when only the way in changed (access_told)
    shift.updated_at = now
    shift.short_notice = not begun and at_short_notice(shift.date)


def short_notice_changes(team_ids: list[int] | None, day: dt.date | None = None,
                         week: str | None = None) -> list[PublishedShift]:
    """Published shifts of these teams (None: of every team, the planner's list), from today to the
    next two working days, whose last change was told at short notice (less than two working days
    ahead): not everyone looks at their calendar, so the team leader (or, when the leader is away,
    the planner) tells these people in person. A change stays listed until its day has passed,
    over weekends and holidays, or until someone marks it as told (mark_called). Sorted by date
    and name; a first publication holds no changes."""
    if team_ids is not None and not team_ids:
        return []
    first, last = short_notice_window(day or today())
    if week is not None:  # what one publication changed: its own week's days only
        days = week_days(week, 7)
        first, last = max(first, days[0]), min(last, days[-1])
    # Nobody to call whose contract has been closed (or whose data was anonymised).
    query = select(PublishedShift).join(Employee, Employee.id == PublishedShift.employee_id).where(
        Employee.archived.is_(False), PublishedShift.date.between(first, last),
        PublishedShift.sequence > 0, PublishedShift.short_notice.is_(True),
        or_(PublishedShift.called_sequence.is_(None), PublishedShift.called_sequence < PublishedShift.sequence),
        # Work called off while the person is absent that day: they know already (they are ill,
        # on leave or at their appointment), so nobody needs to phone them about it. A part-day
        # absence counts only where it covers the whole shift: an appointment from one to three
        # does not tell anyone that their work from ten is off (a repair calls off the whole
        # shift, and they would come in at ten for work that is gone).
        or_(PublishedShift.cancelled.is_(False), ~exists().where(
            Absence.employee_id == PublishedShift.employee_id,
            Absence.start_date <= PublishedShift.date, Absence.end_date >= PublishedShift.date,
            or_(Absence.start_minute.is_(None), and_(Absence.start_minute <= PublishedShift.start_minute,
                                                     Absence.end_minute >= PublishedShift.end_minute)))),
    ).options(selectinload(PublishedShift.employee), selectinload(PublishedShift.location),
              selectinload(PublishedShift.supervisor), selectinload(PublishedShift.team))
    if team_ids is not None:
        query = query.where(PublishedShift.team_id.in_(team_ids))
    return sorted(db.session.scalars(query), key=lambda s: (s.date, s.employee.sort_name, s.id))


def call_list(team_ids: list[int] | None) -> list[tuple[Team, list[list[PublishedShift]]]]:
    """The start page's list to phone (short_notice_changes), per team by name and in it per
    person, in the order of their first change: one call tells a person all their changes, and a
    planner with a hundred teams sees only the teams that have someone to call."""
    by_team: dict[int, dict[int, list[PublishedShift]]] = {}
    teams: dict[int, Team] = {}
    for shift in short_notice_changes(team_ids):
        teams[shift.team_id] = shift.team
        by_team.setdefault(shift.team_id, {}).setdefault(shift.employee_id, []).append(shift)
    return [(teams[team_id], list(people.values()))
            for team_id, people in sorted(by_team.items(), key=lambda item: (teams[item[0]].name, item[0]))]


def short_notice_made_by(published: list[Roster], week: str) -> tuple[list[PublishedShift], list[PublishedShift]]:
    """The week's open short-notice changes of these just published rosters' teams, split into
    those this publication made and earlier ones still on the call list (not yet phoned). A shift
    that publishing changed carries the publication's moment: _publish gives its updated_at the
    roster's published_at."""
    at = {roster.team_id: roster.published_at for roster in published}
    found = short_notice_changes(list(at), week=week)
    made = [shift for shift in found if shift.updated_at == at.get(shift.team_id)]
    return made, [shift for shift in found if shift.updated_at != at.get(shift.team_id)]


def mark_called(shift: PublishedShift, *, user=None) -> None:
    """The team leader has told the person of this change in person: it leaves the short-notice
    list until the shift changes again."""
    shift.called_sequence = shift.sequence
    audit.record("shift.called", shift, detail=f"sequence={shift.sequence}", actor=user)
    db.session.commit()


UNWORKABLE = ("unavailable", "contract_ended", "contract_not_started", "moved_team", "work_type_dropped",
              "location_dropped", "over_contract", "over_day_limit")
# History lines the hooks write about a roster (an absence, a changed person or place): notes,
# not changes of the roster itself (its lock version stays).
NOTED_ONLY = frozenset({"absence", "leader_absence", "absence_taken_back", "leader_absence_taken_back",
                        "leader_archived", "outside_region", *UNWORKABLE})
# The employee's fields whose change can leave shifts standing that no longer fit them, and the
# names the employees import gives some of them (dataio.kinds.employees).
WATCHED = frozenset({"availability", "contract_end", "contract_start", "team_id", "work_types", "allowed_locations",
                     "contract_minutes", "max_minutes_per_day"})
ALIASES = {"pattern": "availability", "team": "team_id", "locations": "allowed_locations"}


def mark_unworkable_shifts(employee: Employee, changed: list[str], user=None) -> list[Assignment]:
    """Hook for a changed employee: note each shift from today on that the change leaves standing
    on a time they no longer work (weekly working hours), outside their contract, in the roster
    of a team they are no longer in, or on work or at a place no longer theirs; and each week from
    today on that now holds more work than their lowered contract hours.

    The roster page flags those shifts (and publishing leaves out the ones after a contract, and
    holds new or changed ones in another team's roster); this puts the reason in the roster's
    history, as mark_affected_shifts does for absences. `changed` names the changed fields as the
    employee form does ("team_id", "work_types", "allowed_locations", "contract_minutes", ...) or
    as the import does ("team", "locations", "pattern").
    Does not commit: it runs in the employee's transaction.
    """
    changed = {ALIASES.get(name, name) for name in changed}
    if not WATCHED & changed:
        return []
    user = user or _acting_user()
    since = (today(), minute_now(today()))  # a shift of today under way is not marked as too long
    windows: dict[int, list[tuple[int, int]]] = {}
    for slot in employee.availability:
        windows.setdefault(slot.weekday, []).append((slot.start_minute, slot.end_minute))
    shifts = db.session.scalars(
        select(Assignment).where(Assignment.employee_id == employee.id, Assignment.date >= today())
        .options(selectinload(Assignment.request), selectinload(Assignment.roster).selectinload(Roster.team))
        .order_by(Assignment.date)
    ).all()
    # A line once per shift (or week) and reason: a second edit of the hours does not repeat it.
    told = {(c.roster_id, c.message, c.params.get("day")) for c in db.session.scalars(
        select(RosterChange).where(RosterChange.roster_id.in_({a.roster_id for a in shifts}),
                                   RosterChange.message.in_(UNWORKABLE))
    ) if isinstance(c.params, dict) and c.params.get(roster_history.EMPLOYEE) == employee.id} if shifts else set()
    marked = []
    for a in shifts:
        message, extra = _unworkable(employee, a, windows, changed, since)
        if message is None or (a.roster_id, message, a.date.isoformat()) in told:
            continue
        roster_history.record(a.roster, user, message, message, employee=employee.id, name=employee.name, day=a.date,
                              **extra)
        marked.append(a)
    if "contract_minutes" in changed:
        for roster in _weeks_over_contract(employee, {a.roster for a in shifts}):
            if (roster.id, "over_contract", None) not in told:
                roster_history.record(roster, user, "over_contract", "over_contract", employee=employee.id,
                                      name=employee.name, week=roster.week)
    if {"contract_end", "contract_start"} & changed:
        _call_off_outside_contract(employee)
    return marked


def _unworkable(employee: Employee, a: Assignment, windows, changed: set[str],
                since: tuple[dt.date, int]) -> tuple[str | None, dict]:
    """The history line's key for a shift that no longer fits the person (first reason only), and
    the values it shows beyond name and day; (None, {}) when it fits. Only what `changed` can
    have broken is looked at."""
    if {"availability", "contract_end", "contract_start"} & changed:
        if employee.contract_start and a.date < employee.contract_start:
            return "contract_not_started", {}
        if not works_then(employee, a.date):
            return "contract_ended", {}
        if not within_hours(a.request, windows.get(a.date.isoweekday(), ())):
            return "unavailable", {}
    if "team_id" in changed and a.roster.team_id != employee.team_id:
        return "moved_team", {"team": employee.team.name}
    if "work_types" in changed and not does_work_type(employee, a.request):
        return "work_type_dropped", {}
    if "allowed_locations" in changed and not may_work_at(employee, a.request):
        return "location_dropped", {}
    if "max_minutes_per_day" in changed and longer_than_day_limit(employee, a.request):
        # Not a shift of today under way: the person is at work, and a repair keeps it as it is.
        day, minute = since
        if not (a.date == day and a.request.start_minute <= minute):
            return "over_day_limit", {}
    return None, {}


def _weeks_over_contract(employee: Employee, rosters) -> list[Roster]:
    """Of these rosters (weeks with a shift of the person from today on), the ones whose week
    holds more of the person's work than their weekly contract hours, counted as the roster page
    counts it: shifts on requests that (then) asked for that day, within the contract."""
    own = sorted((r for r in rosters if r.team_id == employee.team_id), key=lambda r: r.week)
    if not own:
        return []
    rows = db.session.scalars(select(Assignment).where(
        Assignment.employee_id == employee.id, Assignment.roster_id.in_([r.id for r in own]))
        .options(selectinload(Assignment.request))).all()
    since = today()
    asked = asked_then(rows, since)
    minutes: dict[int, int] = defaultdict(int)
    for a in rows:
        stands = stood_then(asked, a.request_id, a.date) if a.date < since else request_stands(a.request, a.date)
        if stands and works_then(employee, a.date):
            minutes[a.roster_id] += a.request.worked_minutes
    return [r for r in own if minutes[r.id] > employee.contract_minutes]


def mark_shifts_outside_region(*, request_id: int | None = None, location_id: int | None = None,
                               user=None) -> list[Assignment]:
    """Hook for a request moved to another place, or a place moved to another region: note each
    shift from today on on it whose place now lies outside its team's region in that roster's
    history (once). The roster page flags those shifts and publishing holds new or changed ones
    until a repair or a hand edit. Does not commit: it runs in the change's transaction."""
    if request_id is None and location_id is None:
        return []
    user = user or _acting_user()
    query = (select(Assignment).join(Roster, Roster.id == Assignment.roster_id).join(Team, Team.id == Roster.team_id)
             .join(DeploymentRequest, DeploymentRequest.id == Assignment.request_id)
             .join(Location, Location.id == DeploymentRequest.location_id)
             .where(Assignment.date >= today(), Location.region != Team.region)
             .options(selectinload(Assignment.roster), selectinload(Assignment.employee))
             .order_by(Assignment.date, Assignment.id))
    if request_id is not None:
        query = query.where(Assignment.request_id == request_id)
    if location_id is not None:
        query = query.where(DeploymentRequest.location_id == location_id)
    shifts = db.session.scalars(query).all()
    told = {(c.roster_id, c.params.get(roster_history.EMPLOYEE), c.params.get("day")) for c in db.session.scalars(
        select(RosterChange).where(RosterChange.roster_id.in_({a.roster_id for a in shifts}),
                                   RosterChange.message == "outside_region")
    ) if isinstance(c.params, dict)} if shifts else set()
    for a in shifts:
        if (a.roster_id, a.employee_id, a.date.isoformat()) not in told:
            roster_history.record(a.roster, user, "outside_region", "outside_region", employee=a.employee_id,
                                  name=a.employee.name, day=a.date)
    return shifts


def _call_off_outside_contract(employee: Employee) -> None:
    """Told shifts from today on outside the contract are called off at once: the person will not
    come, and their feed, the team's and the ministry's location feed must not say otherwise until
    someone publishes (the roster keeps them, flagged, as before).

    The other way too: a shift called off this way whose day is inside the contract again (an end
    set by mistake and taken back, a later last day) is told again, as long as the roster still
    holds the person that day; a publication since decides it otherwise."""
    now = utcnow()
    for shift in db.session.scalars(select(PublishedShift).where(
            PublishedShift.employee_id == employee.id, PublishedShift.date >= today())):
        inside = works_then(employee, shift.date)
        if not shift.cancelled and not inside:
            shift.cancelled = True
            tell_change(shift, now)
            shift.contract_call_off = True
        elif shift.cancelled and shift.contract_call_off and inside and db.session.scalar(
                select(Assignment.id).where(Assignment.employee_id == employee.id, Assignment.date == shift.date)):
            shift.cancelled = False
            tell_change(shift, now)
            shift.contract_call_off = False

