"""Teams, employees and supervisors: the rules that hold however they are created or changed."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

from babel.lists import format_list
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from sqlalchemy import exists, func, or_, select
from sqlalchemy.exc import IntegrityError

from .. import audit
from ..extensions import db
from ..formatting import full_date, week_of
from ..models import (
    MAX_TEAM_SIZE,
    MINUTES_PER_DAY,
    Absence,
    Assignment,
    AvailabilitySlot,
    Employee,
    EmployeeSensitive,
    FeedKind,
    Location,
    PublishedShift,
    Role,
    Roster,
    SupervisionAssignment,
    Supervisor,
    Team,
    User,
    WorkType,
    utcnow,
)
from . import ServiceError, feeds, seen_state, tokens
from .regions import known_region
from .submissions import form_key, hold_form, refuse_if_sent_before
from .teams import ensure_room_in_team, team_name_taken

MAX_CONTRACT_MINUTES = 40 * 60
MAX_DAY_MINUTES = 12 * 60


# --- shared checks ------------------------------------------------------------------------------


def _check_slots(slots) -> list[tuple[int, int, int]]:
    """A weekly pattern: at least one window, each on a real weekday, ending after it starts."""
    slots = list(slots or [])
    if not slots:
        raise ServiceError(_("Kies minstens één dag waarop iemand kan werken."), field="availability")
    for weekday, start, end in slots:
        if not 1 <= weekday <= 7 or not 0 <= start < end <= MINUTES_PER_DAY:
            raise ServiceError(_("De eindtijd moet na de begintijd liggen."), field="availability")
    return slots


def _work_types(ids, keep=()) -> list[WorkType]:
    ids = set(ids or [])
    if not ids:
        raise ServiceError(_("Kies minstens één werksoort."), field="work_type_ids")
    # An import has every work type in the session already: no query per row then.
    held = [db.session.identity_map.get(db.session.identity_key(WorkType, i)) for i in ids]
    found = held if all(w is not None for w in held) else (
        db.session.scalars(select(WorkType).where(WorkType.id.in_(ids))).all())
    keep_ids = {w.id for w in keep}
    if len(found) != len(ids) or any(w.archived and w.id not in keep_ids for w in found):
        raise ServiceError(_("Kies werksoorten uit de lijst."), field="work_type_ids")
    return sorted(found, key=lambda w: w.name_nl)


def _team(team_id: int | None) -> Team:
    team = db.session.get(Team, team_id) if team_id is not None else None
    if team is None:
        raise ServiceError(_("Kies een team uit de lijst."), field="team_id")
    return team


def _slot_rows(slots) -> list[AvailabilitySlot]:
    return [AvailabilitySlot(weekday=d, start_minute=s, end_minute=e) for d, s, e in sorted(slots)]


def _same_slots(rows, slots) -> bool:
    return sorted((r.weekday, r.start_minute, r.end_minute) for r in rows) == sorted(slots)


def _flush_unique(message: str, field_name: str) -> None:
    # The name check above can race with a second request; the unique index decides.
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise ServiceError(message, field=field_name) from None


def regions() -> list[str]:
    """Every region in use by a location or a team, for the region suggestions."""
    names = set(db.session.scalars(select(Location.region).distinct()))
    names |= set(db.session.scalars(select(Team.region).distinct()))
    return sorted(n for n in names if n)


# --- the same form sent twice: services/submissions.py ---------------------------------------------

def _written_then_checked(check) -> None:
    """Run `check` once this transaction has written (flushed) its insert: from its first write
    SQLite lets no other writer in until commit, so what the check reads now includes everything
    committed before and nothing can slip in after (PostgreSQL holds its locks already). A refusal
    takes the insert back."""
    db.session.flush()
    try:
        check()
    except ServiceError:
        db.session.rollback()
        raise


# --- teams --------------------------------------------------------------------------------------


@dataclass
class TeamInput:
    name: str
    region: str
    home_location_id: int | None = None
    max_size: int = MAX_TEAM_SIZE


def active_member_count(team: Team) -> int:
    return db.session.scalar(
        select(func.count(Employee.id)).where(Employee.team_id == team.id, Employee.archived.is_(False))
    ) or 0


def _check_team(data: TeamInput, team: Team | None, *, name_checked: bool = False) -> Location | None:
    """The team form's rules. `name_checked`: the caller has already made sure no other team has
    the name (an import, which holds every team's name and would else read them all per row)."""
    name = (data.name or "").strip()
    if not name:
        raise ServiceError(_("Vul een naam in."), field="name")
    if not (data.region or "").strip():
        raise ServiceError(_("Vul een regio in."), field="region")
    if not 1 <= data.max_size <= MAX_TEAM_SIZE:
        raise ServiceError(_("Vul een aantal in van 1 tot en met %(max)d.", max=MAX_TEAM_SIZE), field="max_size")
    if not name_checked and team_name_taken(name, getattr(team, "id", None)):
        raise ServiceError(_("Er is al een team met deze naam."), field="name")
    location = None
    if data.home_location_id is not None:
        location = db.session.get(Location, data.home_location_id)
        if location is None or (location.archived and (team is None or team.home_location_id != location.id)):
            raise ServiceError(_("Kies een locatie uit de lijst."), field="home_location_id")
        if location.region != data.region.strip():
            raise ServiceError(
                _("Locatie %(location)s ligt in regio %(location_region)s, niet in regio %(region)s van het team.",
                  location=location.name, location_region=location.region, region=data.region.strip()),
                field="home_location_id",
            )
    if team is not None:
        members = active_member_count(team)
        if data.max_size < members:
            raise ServiceError(
                _("Het team heeft al %(count)d medewerkers. Het maximum kan niet lager zijn.", count=members),
                field="max_size",
            )
        if data.region.strip() != team.region and members:
            raise ServiceError(
                _("Het team heeft medewerkers. Verander de regio pas als het team leeg is."), field="region"
            )
    return location


def _in_known_region(data: TeamInput, team: Team | None) -> TeamInput:
    """The input with its region spelled as the locations and other teams spell it."""
    return replace(data, region=known_region(data.region, keep=team.region if team else None,
                                              team_id=team.id if team else None))


def create_team(data: TeamInput, *, submission: str = "") -> Team:
    """Add a team; `submission` as for create_employee: the same form sent again (a double click,
    Back and resend) is SentBefore with the team the first made, not "Er is al een team met deze
    naam" (the name its twin just took)."""
    key = form_key(submission)
    hold_form(key)
    refuse_if_sent_before("team.create", Team, key)
    data = _in_known_region(data, None)
    try:
        _check_team(data, None)
        team = Team(name=data.name.strip(), region=data.region.strip(), home_location_id=data.home_location_id,
                    max_size=data.max_size)
        db.session.add(team)
        _flush_unique(_("Er is al een team met deze naam."), "name")
    except ServiceError:
        db.session.rollback()
        refuse_if_sent_before("team.create", Team, key)  # its twin took the name meanwhile
        raise
    audit.record("team.create", team, detail=f"name={team.name} region={team.region} max={team.max_size}"
                 + (f" form={key}" if key else ""))
    db.session.commit()
    return team


def update_team(team: Team, data: TeamInput) -> list[str]:
    data = _in_known_region(data, team)
    _check_team(data, team)
    values = {"name": data.name.strip(), "region": data.region.strip(),
              "home_location_id": data.home_location_id, "max_size": data.max_size}
    changed = [k for k, v in values.items() if getattr(team, k) != v]
    if not changed:
        return []
    before = {k: getattr(team, k) for k in changed}
    for key in changed:
        setattr(team, key, values[key])
    if "region" in changed:
        # A team's supervisors work in the team's region (pool supervisors keep their own).
        for supervisor in team.supervisors:
            supervisor.region = team.region
    _flush_unique(_("Er is al een team met deze naam."), "name")
    # What the team was called and where it worked stays traceable (no personal data).
    audit.record("team.update", team, detail=_team_changes(before, values, changed))
    db.session.commit()
    return changed


def _team_changes(before: dict, after: dict, changed: list[str]) -> str:
    """A team's changes for the audit log, its place by name ("home_location (Rijnstraat 8 ->
    Turfmarkt 147)"): the number of a place says nothing to a reader, and the name it had then
    stays when it is renamed or deleted later."""
    if "home_location_id" not in changed:
        return audit.changes(before, after, changed)
    names = ["home_location" if key == "home_location_id" else key for key in changed]

    def place(values: dict) -> dict:
        location = db.session.get(Location, values["home_location_id"]) if values["home_location_id"] else None
        return {**values, "home_location": location.name if location is not None else ""}

    return audit.changes(place(before), place(after), names)


def set_team_archived(team: Team, archived: bool) -> None:
    if archived == team.archived:
        return
    if archived:
        members = active_member_count(team)
        if members:
            raise ServiceError(ngettext(
                "%(name)s heeft nog %(num)d actieve medewerker. Zet deze eerst in een ander team "
                "of beëindig het contract.",
                "%(name)s heeft nog %(num)d actieve medewerkers. Zet hen eerst in een ander team "
                "of beëindig hun contract.", members, name=team.name,
            ))
        _refuse_archiving_a_team_with_its_leader(team)
    team.archived = archived
    audit.record("team.archive" if archived else "team.restore", team)
    db.session.commit()


def active_leaders(team: Team) -> list[Supervisor]:
    """The team's own leaders who are not archived: those the team's pages and planning name."""
    return list(db.session.scalars(select(Supervisor).where(
        Supervisor.team_id == team.id, Supervisor.archived.is_(False)).order_by(Supervisor.name, Supervisor.id)))


def _refuse_archiving_a_team_with_its_leader(team: Team) -> None:
    """An active leader of an archived team is planned nowhere (planning takes the leaders of the
    teams it plans, and pool leaders without a team) and their account sees a team that is gone:
    they move to another team or the regional pool first, or are archived themselves."""
    leaders = active_leaders(team)
    if leaders:
        raise ServiceError(ngettext(
            "%(name)s heeft nog een actieve teamleider: %(leaders)s. Zet de teamleider eerst in een ander "
            "team of in de regionale pool, of archiveer de teamleider.",
            "%(name)s heeft nog %(num)d actieve teamleiders: %(leaders)s. Zet hen eerst in een ander "
            "team of in de regionale pool, of archiveer hen.", len(leaders), name=team.name,
            leaders=format_list([leader.name for leader in leaders], locale=get_locale()),
        ))


# --- employees ----------------------------------------------------------------------------------


@dataclass
class EmployeeInput:
    first_name: str
    last_name: str
    team_id: int | None
    contract_minutes: int
    max_minutes_per_day: int
    contract_start: dt.date
    availability: list[tuple[int, int, int]]
    work_type_ids: list[int]
    location_ids: list[int] = field(default_factory=list)
    contract_end: dt.date | None = None
    phone: str = ""
    email: str = ""
    job_coach_name: str = ""
    job_coach_phone: str = ""
    job_coach_email: str = ""


def _check_employee(data: EmployeeInput, employee: Employee | None):
    if not (data.first_name or "").strip():
        raise ServiceError(_("Vul een voornaam in."), field="first_name")
    if not (data.last_name or "").strip():
        raise ServiceError(_("Vul een achternaam in."), field="last_name")
    if not 0 < data.contract_minutes <= MAX_CONTRACT_MINUTES:
        raise ServiceError(_("Contracturen moeten meer dan 0 en hoogstens 40 per week zijn."), field="contract_hours")
    if not 0 < data.max_minutes_per_day <= MAX_DAY_MINUTES:
        raise ServiceError(_("Het maximum per dag moet meer dan 0 en hoogstens 12 uur zijn."),
                           field="max_hours_per_day")
    if data.contract_start is None:
        raise ServiceError(_("Vul de begindatum van het contract in."), field="contract_start")
    if data.contract_end is not None and data.contract_end < data.contract_start:
        raise ServiceError(_("Het einde van het contract mag niet voor het begin liggen."), field="contract_end")
    slots = _check_slots(data.availability)
    team = _team(data.team_id)
    work_types = _work_types(data.work_type_ids, keep=employee.work_types if employee else ())
    location_ids = set(data.location_ids or [])
    locations = db.session.scalars(select(Location).where(Location.id.in_(location_ids))).all() if location_ids else []
    kept = {loc.id for loc in employee.allowed_locations} if employee else set()
    if len(locations) != len(location_ids) or any(loc.archived and loc.id not in kept for loc in locations):
        raise ServiceError(_("Kies locaties uit de lijst."), field="location_ids")
    outside = [loc for loc in locations if loc.region != team.region]
    if outside:
        raise ServiceError(
            _("Locatie %(location)s ligt niet in regio %(region)s van het team. Kies alleen locaties in die regio.",
              location=outside[0].name, region=team.region),
            field="location_ids",
        )
    return team, slots, work_types, sorted(locations, key=lambda loc: loc.name)


def create_employee(data: EmployeeInput, *, submission: str = "") -> Employee:
    """Add an employee. `submission` names the form it came from: the same form sent again, even
    at the same moment as the first, is refused with SentBefore and the employee the first made.
    The team's limit holds for adds at the same moment too, on SQLite as well (counted again
    once this insert holds the write lock)."""
    key = form_key(submission)
    hold_form(key)
    refuse_if_sent_before("employee.create", Employee, key)
    team, slots, work_types, locations = _check_employee(data, None)
    ensure_room_in_team(team.id)
    employee = Employee(
        first_name=data.first_name.strip(), last_name=data.last_name.strip(), team=team,
        contract_minutes=data.contract_minutes, max_minutes_per_day=data.max_minutes_per_day,
        contract_start=data.contract_start, contract_end=data.contract_end,
        phone=(data.phone or "").strip(), email=(data.email or "").strip(),
        job_coach_name=(data.job_coach_name or "").strip(), job_coach_phone=(data.job_coach_phone or "").strip(),
        job_coach_email=(data.job_coach_email or "").strip(),
    )
    employee.work_types = work_types
    employee.allowed_locations = locations
    employee.availability = _slot_rows(slots)
    db.session.add(employee)

    def still_room() -> None:
        refuse_if_sent_before("employee.create", Employee, key)  # its twin committed meanwhile
        ensure_room_in_team(team.id, moving_employee_id=employee.id)

    _written_then_checked(still_room)
    audit.record("employee.create", employee, detail=f"team={team.id}" + (f" form={key}" if key else ""))
    db.session.commit()
    return employee


@dataclass
class ShiftsInTeam:
    """An employee's shifts in one team's rosters from a day on: planned there, or told (published
    and not called off); a day in both counts once."""

    team: Team
    days: list[dt.date]
    told: list[dt.date]
    published_weeks: frozenset[str] = frozenset()  # of those weeks, the ones whose roster was published

    @property
    def weeks(self) -> list[str]:
        return sorted({week_of(day) for day in self.days})

    @property
    def ever_published(self) -> bool:
        return bool(self.told or self.published_weeks)


def shifts_outside_team(employee: Employee, team_id: int, since: dt.date,
                        until: dt.date | None = None) -> list[ShiftsInTeam]:
    """The employee's shifts from `since` (to `until`) in the rosters of teams other than
    `team_id`, by team name: what a move to that team leaves standing in the old team's rosters
    and in what the person was told, until those rosters are repaired and published again."""
    planned = (select(Roster.team_id, Assignment.date, Roster.version).join(Roster, Roster.id == Assignment.roster_id)
               .where(Assignment.employee_id == employee.id, Assignment.date >= since, Roster.team_id != team_id))
    told = select(PublishedShift.team_id, PublishedShift.date).where(
        PublishedShift.employee_id == employee.id, PublishedShift.date >= since,
        PublishedShift.cancelled.is_(False), PublishedShift.team_id != team_id)
    if until is not None:
        planned = planned.where(Assignment.date <= until)
        told = told.where(PublishedShift.date <= until)
    days: dict[int, set[dt.date]] = {}
    told_days: dict[int, set[dt.date]] = {}
    published: dict[int, set[str]] = {}
    for other_team, day, version in db.session.execute(planned):
        days.setdefault(other_team, set()).add(day)
        if version:
            published.setdefault(other_team, set()).add(week_of(day))
    for other_team, day in db.session.execute(told):
        days.setdefault(other_team, set()).add(day)
        told_days.setdefault(other_team, set()).add(day)
    if not days:
        return []
    teams = db.session.scalars(select(Team).where(Team.id.in_(days))).all()
    return [ShiftsInTeam(team, sorted(days[team.id]), sorted(told_days.get(team.id, ())),
                         frozenset(published.get(team.id, ())))
            for team in sorted(teams, key=lambda t: (t.name, t.id))]


def refuse_move_while_told_this_week(employee: Employee, team: Team) -> None:
    """A move takes effect at once (the form has no date). Someone told to come this week with
    their team is not moved away from it mid-week: the old team's leader leads them those days and
    would no longer see their page and notes, and there is no time left to repair the week well.
    Later weeks can be repaired in time, so they only get a warning after the move."""
    today = feeds.local_today()
    sunday = today + dt.timedelta(days=7 - today.isoweekday())
    standing = [group for group in shifts_outside_team(employee, team.id, today, sunday) if group.told]
    if not standing:
        return
    locale = str(get_locale() or "nl")
    told = sorted(day for group in standing for day in group.told)
    raise ServiceError(ngettext(
        "%(name)s heeft deze week nog %(num)d dienst bij %(team)s (%(days)s) en weet dat al. Verander het "
        "team daarom pas op %(monday)s of later. Moet het eerder? Haal %(name)s dan eerst uit het rooster "
        "van deze week en publiceer het opnieuw.",
        "%(name)s heeft deze week nog %(num)d diensten bij %(team)s (%(days)s) en weet dat al. Verander het "
        "team daarom pas op %(monday)s of later. Moet het eerder? Haal %(name)s dan eerst uit het rooster "
        "van deze week en publiceer het opnieuw.",
        len(told), name=employee.name, team=format_list([group.team.name for group in standing], locale=locale),
        days=format_list([full_date(day, today) for day in told], locale=locale),
        monday=full_date(sunday + dt.timedelta(days=1), today),
    ), field="team_id")


def update_employee(employee: Employee, data: EmployeeInput) -> list[str]:
    """Change an employee; returns the names of the changed fields (no values: they are personal).

    A move to another team is refused while the person is told to come this week in their old
    team (refuse_move_while_told_this_week); shifts in later weeks stay in the old team's rosters,
    flagged there, until repaired (shifts_outside_team says which)."""
    team, slots, work_types, locations = _check_employee(data, employee)
    if team.id != employee.team_id and not employee.archived:
        ensure_room_in_team(team.id, moving_employee_id=employee.id)
    if team.id != employee.team_id:
        refuse_move_while_told_this_week(employee, team)
    values = {
        "first_name": data.first_name.strip(), "last_name": data.last_name.strip(), "team_id": team.id,
        "contract_minutes": data.contract_minutes, "max_minutes_per_day": data.max_minutes_per_day,
        "contract_start": data.contract_start, "contract_end": data.contract_end,
        "phone": (data.phone or "").strip(), "email": (data.email or "").strip(),
        "job_coach_name": (data.job_coach_name or "").strip(),
        "job_coach_phone": (data.job_coach_phone or "").strip(),
        "job_coach_email": (data.job_coach_email or "").strip(),
    }
    changed = [k for k, v in values.items() if getattr(employee, k) != v]
    old_team = employee.team_id
    for key in changed:
        setattr(employee, key, values[key])
    if {w.id for w in employee.work_types} != {w.id for w in work_types}:
        employee.work_types = work_types
        changed.append("work_types")
    if {loc.id for loc in employee.allowed_locations} != {loc.id for loc in locations}:
        employee.allowed_locations = locations
        changed.append("allowed_locations")
    if not _same_slots(employee.availability, slots):
        employee.availability = _slot_rows(slots)
        changed.append("availability")
    if not changed:
        return []
    if "team_id" in changed:
        # Keep the relationship in step with the new id for the rest of this request.
        employee.team = team
        if not employee.archived:  # a move into a team filled at this moment (SQLite: see create_employee)
            _written_then_checked(lambda: ensure_room_in_team(team.id, moving_employee_id=employee.id))
    detail = "changed=" + ",".join(changed)
    if "team_id" in changed:
        detail += f" team={old_team}->{team.id}"
    audit.record("employee.update", employee, detail=detail)
    from .rosters import mark_unworkable_shifts  # rosters builds on people's neighbours; import late

    mark_unworkable_shifts(employee, changed)
    db.session.commit()
    return changed


def update_sensitive(employee: Employee, *, indication: str, indication_until: dt.date | None,
                     health_notes: str, accommodations: str) -> bool:
    """Change the special-category data. The audit row names the event only, never the content."""
    record = employee.sensitive
    values = _sensitive_values(indication, indication_until, health_notes, accommodations)
    if record is None:
        if not any(values.values()):
            return False
        db.session.add(EmployeeSensitive(employee=employee, **values))
        try:
            db.session.flush()
        except IntegrityError:
            # The same form's other copy (a double click) or another user saved the first
            # personal data at this moment: the same values are saved; other ones are refused as
            # a change made meanwhile, the form shows what is stored now.
            db.session.rollback()
            stored = db.session.get(EmployeeSensitive, employee.id)
            if stored is not None and all(getattr(stored, k) == v for k, v in values.items()):
                return True
            seen_state.refuse_if_changed(employee, None, seen_state.sensitive_state)  # always refuses
            raise
    else:
        if all(getattr(record, k) == v for k, v in values.items()):
            return False
        for key, value in values.items():
            setattr(record, key, value)
    audit.record("employee.sensitive_update", employee)
    db.session.commit()
    return True


def _sensitive_values(indication: str, indication_until: dt.date | None, health_notes: str,
                      accommodations: str) -> dict:
    return {
        "indication": (indication or "").strip()[:100], "indication_until": indication_until,
        "health_notes": (health_notes or "").strip(), "accommodations": (accommodations or "").strip(),
    }


def sensitive_stored_as(employee: Employee, *, indication: str, indication_until: dt.date | None,
                        health_notes: str, accommodations: str) -> bool:
    """Whether the special-category data stored now is exactly what a save of these values would
    store: a save refused as stale that would change nothing is the same save sent twice (on
    PostgreSQL the second click waits for the first one's row lock, then finds its data)."""
    record = employee.sensitive
    values = _sensitive_values(indication, indication_until, health_notes, accommodations)
    if record is None:
        return not any(values.values())
    return all(getattr(record, k) == v for k, v in values.items())


def archive_employee(employee: Employee, last_day: dt.date, today: dt.date | None = None) -> int | None:
    """End the contract on its last working day.

    A last day gone by archives the employee now: they stay for history, rosters and reports, but
    are no longer planned, and their calendar and week-page links stop for good (a restore does not
    bring an old link back to life: it may have been passed on); returns how many links were revoked.
    A last day still to come only sets the contract's end: until then the person works, is told
    their shifts and can be reported absent; archive_ended_contracts() archives them the day after.
    Returns None then.
    """
    if employee.archived:
        raise ServiceError(_("Het contract van %(name)s is al beëindigd.", name=employee.name))
    if last_day is None:
        raise ServiceError(_("Vul de laatste werkdag in."), field="contract_end")
    if last_day < employee.contract_start:
        raise ServiceError(_("De laatste werkdag mag niet voor het begin van het contract liggen."),
                           field="contract_end")
    if employee.contract_end is None or last_day < employee.contract_end:
        employee.contract_end = last_day
    from .rosters import mark_unworkable_shifts

    mark_unworkable_shifts(employee, ["contract_end"])
    if employee.contract_end >= (today or feeds.local_today()):
        audit.record("employee.contract_end", employee, detail=f"contract_end={employee.contract_end.isoformat()}")
        db.session.commit()
        return None
    revoked = _archive(employee)
    db.session.commit()
    return revoked


def _archive(employee: Employee, detail: str = "") -> int:
    employee.archived = True
    audit.record("employee.archive", employee,
                 detail=f"contract_end={employee.contract_end.isoformat()}" + (f" {detail}" if detail else ""))
    return tokens.revoke_all(FeedKind.EMPLOYEE, employee)


def archive_ended_contracts(today: dt.date | None = None) -> int:
    """Archive everyone whose contract's last day has gone by (set ahead by archive_employee, or
    by an edit or an import); called as team pages open. Returns how many."""
    ended = db.session.scalars(select(Employee).where(
        Employee.archived.is_(False), Employee.contract_end < (today or feeds.local_today()))).all()
    for employee in ended:
        _archive(employee, "after the last working day")
    if ended:
        db.session.commit()
    return len(ended)


def restore_employee(employee: Employee) -> dt.date | None:
    """Take someone back whose contract ended: the contract runs on without an end. Returns the
    end date that was taken away, if there was one."""
    if not employee.archived:
        return None
    ensure_room_in_team(employee.team_id)
    employee.archived = False
    # Taken back: the contract runs on (a last day gone by would close it again at once).
    ended, employee.contract_end = employee.contract_end, None
    _written_then_checked(lambda: ensure_room_in_team(employee.team_id, moving_employee_id=employee.id))
    audit.record("employee.restore", employee, detail=f"contract_end_was={ended.isoformat()}" if ended else "")
    from .rosters import mark_unworkable_shifts

    mark_unworkable_shifts(employee, ["contract_end"])  # shifts the end called off are told again
    db.session.commit()
    return ended


def employee_in_rosters(employee: Employee) -> bool:
    return bool(
        db.session.scalar(select(exists().where(Assignment.employee_id == employee.id)))
        or db.session.scalar(select(exists().where(PublishedShift.employee_id == employee.id)))
    )


def delete_employee(employee: Employee) -> None:
    """Remove an employee entered by mistake; someone who was ever rostered can only be archived."""
    if employee_in_rosters(employee):
        raise ServiceError(_(
            "%(name)s staat in een rooster en kan daarom niet worden verwijderd. Beëindig het contract.",
            name=employee.name,
        ))
    # "Alle gegevens worden gewist": the earlier audit rows too, as anonymising empties them (their
    # absences' days, the fields changed); the rows keep what was done, when and by whom.
    from ..privacy import _erase_audit_details

    _erase_audit_details(employee.id, {str(pk) for pk in db.session.scalars(
        select(Absence.id).where(Absence.employee_id == employee.id))})
    audit.record("employee.delete", employee, detail=f"team={employee.team_id}")
    db.session.delete(employee)
    db.session.commit()


# --- supervisors --------------------------------------------------------------------------------


@dataclass
class SupervisorInput:
    name: str
    phone: str
    team_id: int | None
    region: str
    work_type_ids: list[int]
    availability: list[tuple[int, int, int]]
    email: str = ""
    user_id: int | None = None


def linkable_users(supervisor: Supervisor | None) -> list[User]:
    """Active team-leader accounts that are not yet linked to another supervisor, and the
    supervisor's own account even when deactivated: a form that no longer offered it would send
    "no account" and quietly unlink it (and take the team off it) on any other change."""
    taken = select(Supervisor.user_id).where(Supervisor.user_id.is_not(None))
    usable = User.active.is_(True)
    if supervisor is not None:
        taken = taken.where(Supervisor.id != supervisor.id)
        if supervisor.user_id is not None:
            usable = or_(usable, User.id == supervisor.user_id)
    return db.session.scalars(
        select(User).where(User.role == Role.TEAM_LEADER.value, usable, User.id.not_in(taken))
        .order_by(User.name)
    ).all()


def _check_supervisor(data: SupervisorInput, supervisor: Supervisor | None, *, region_known: bool = False):
    """The supervisor form's rules. `region_known`: data.region is already spelled as the region's
    teams and locations spell it (an import, which knows the spellings without a query per row)."""
    if not (data.name or "").strip():
        raise ServiceError(_("Vul een naam in."), field="name")
    if data.team_id is not None:
        team = _team(data.team_id)
        region = team.region
    else:
        team = None
        # Spelled as the region's teams and locations are ("den haag" is "Den Haag").
        region = (" ".join((data.region or "").split()) if region_known
                  else known_region(data.region or "", keep=supervisor.region if supervisor else None))
        if not region:
            raise ServiceError(_("Een teamleider in de pool hoort bij een regio. Vul de regio in."), field="region")
    slots = _check_slots(data.availability)
    work_types = _work_types(data.work_type_ids, keep=supervisor.work_types if supervisor else ())
    user = None
    if data.user_id is not None:
        user = db.session.get(User, data.user_id)
        if user is None or user.role != Role.TEAM_LEADER.value or user not in linkable_users(supervisor):
            raise ServiceError(_("Kies een account uit de lijst."), field="user_id")
    return team, region, slots, work_types, user


def create_supervisor(data: SupervisorInput, *, submission: str = "") -> Supervisor:
    """Add a team leader; `submission` as for create_employee (SentBefore)."""
    key = form_key(submission)
    hold_form(key)
    refuse_if_sent_before("supervisor.create", Supervisor, key)
    team, region, slots, work_types, user = _check_supervisor(data, None)
    supervisor = Supervisor(
        name=data.name.strip(), phone=data.phone.strip(), email=(data.email or "").strip(), team=team,
        region=region, user=user,
    )
    supervisor.work_types = work_types
    supervisor.availability = _slot_rows(slots)
    db.session.add(supervisor)
    _written_then_checked(lambda: refuse_if_sent_before("supervisor.create", Supervisor, key))
    audit.record("supervisor.create", supervisor,
                 detail=f"team={team.id if team else 'pool'} region={region}" + (f" form={key}" if key else ""))
    follow_team_access(supervisor, None, None)
    db.session.commit()
    return supervisor


def update_supervisor(supervisor: Supervisor, data: SupervisorInput) -> list[str]:
    """Change a team leader; returns the names of the changed fields. A new team or account moves
    the account's team access with it (follow_team_access)."""
    team, region, slots, work_types, user = _check_supervisor(data, supervisor)
    old_team, old_user = supervisor.team, supervisor.user
    values = {
        "name": data.name.strip(), "phone": data.phone.strip(), "email": (data.email or "").strip(),
        "team_id": team.id if team else None, "region": region, "user_id": user.id if user else None,
    }
    changed = [k for k, v in values.items() if getattr(supervisor, k) != v]
    for key in changed:
        setattr(supervisor, key, values[key])
    if "team_id" in changed:
        supervisor.team = team
    if "user_id" in changed:
        supervisor.user = user
    if {w.id for w in supervisor.work_types} != {w.id for w in work_types}:
        supervisor.work_types = work_types
        changed.append("work_types")
    if not _same_slots(supervisor.availability, slots):
        supervisor.availability = _slot_rows(slots)
        changed.append("availability")
    if not changed:
        return []
    audit.record("supervisor.update", supervisor, detail="changed=" + ",".join(changed))
    # An archived leader led no team before the edit either: a team the admin gave the account since stays.
    follow_team_access(supervisor, None if supervisor.archived else old_team, old_user)
    db.session.commit()
    return changed


def follow_team_access(supervisor: Supervisor, old_team: Team | None, old_user: User | None) -> list[User]:
    """A leader's account sees the team the leader leads, and no longer the one they led before.

    What a team-leader account may see is its own list of teams (access.team_ids_of), set by the
    admin; leading a team is the supervisor's team. When the team or the linked account changes,
    the account that led the old team loses it (its employees' health notes are special-category
    data) and the account now linked gains the new one. Other teams the admin gave the account
    stay. An archived leader leads no team: archiving takes the team off the account as a move
    away does, and taking the leader back gives it back as a move into it would. Only a
    team-leader account gains a team (the admin's form gives teams to no other role). Each
    changed account gets an audit row with its teams before and after, as the admin's user form
    records it.

    A team that loses the leader (moved, archived) or whose account loses the team stops its
    link of the whole team's calendar (tokens.revoke_team_links): that person may still have it,
    with every employee's name, place and times. Returns the accounts changed; does not commit."""
    new_team = None if supervisor.archived else supervisor.team
    new_user = supervisor.user
    before: dict[User, list[int]] = {}

    def note(account: User) -> None:
        before.setdefault(account, sorted(t.id for t in account.teams))

    lost_access = False
    if old_user is not None and old_team is not None and (old_user is not new_user or old_team is not new_team):
        if old_team in old_user.teams:
            note(old_user)
            old_user.teams.remove(old_team)
            lost_access = True
    if old_team is not None and (old_team is not new_team or lost_access):
        tokens.revoke_team_links(old_team, "leader_left" if old_team is not new_team else "account_lost_team")
    if (new_user is not None and new_team is not None and new_team not in new_user.teams
            and new_user.role == Role.TEAM_LEADER.value):
        note(new_user)
        new_user.teams.append(new_team)
    for account, was in before.items():
        now = sorted(t.id for t in account.teams)
        audit.record("user_changed", account,
                     detail=f"changed: teams ({was} -> {now})")  # the leader's own edit is audited beside it
    return list(before)


def team_link_stopped(team: Team, name: str, *, account: bool, leaving: Supervisor | None = None) -> str:
    """What to say when the link of the whole team's calendar stopped (follow_team_access,
    services.admin): why, that there is no new one yet, and who makes it on which page. `name`
    left the team (or, `account`, their account no longer sees it); `leaving` is not one of the
    team's other leaders."""
    others = [leader for leader in active_leaders(team) if leaving is None or leader.id != leaving.id]
    if account:
        why = _("De link naar de agenda van het hele team (%(team)s) werkt niet meer, want het account van "
                "%(name)s ziet dat team niet meer.", team=team.name, name=name)
    else:
        why = _("De link naar de agenda van het hele team (%(team)s) werkt niet meer, want %(name)s leidt dat "
                "team niet meer.", team=team.name, name=name)
    if others:
        who = ngettext(
            "Er is nog geen nieuwe link. %(leaders)s maakt die op de pagina Agenda-links van %(team)s en "
            "zet die in de eigen agenda.",
            "Er is nog geen nieuwe link. %(leaders)s maken die op de pagina Agenda-links van %(team)s en "
            "zetten die in hun eigen agenda.", len(others), team=team.name,
            leaders=format_list([leader.name for leader in others], locale=get_locale()))
    else:
        who = _("Er is nog geen nieuwe link. De nieuwe teamleider van %(team)s maakt die op de pagina "
                "Agenda-links van %(team)s.", team=team.name)
    return f"{why} {who}"


def own_leader(team: Team) -> Supervisor | None:
    """The team's own, fixed leader: of its active leaders the one there longest (feeds.team_leaders)."""
    return feeds.team_leaders([team.id]).get(team.id)


def team_has_leader(team: Team) -> bool:
    """Whether the team has a leader of its own (not archived): the one its week pages name."""
    return bool(db.session.scalar(select(exists().where(
        Supervisor.team_id == team.id, Supervisor.archived.is_(False)))))


def weeks_led_in_team(supervisor: Supervisor, team: Team, since: dt.date | None = None) -> set[str]:
    """The weeks of `team` in which the leader still leads from today (or `since`) on: in its
    rosters (draft or published), or in shifts told that name them (a roster changed since may
    lead otherwise there). As rosters.mark_archived_leader finds them, for one team."""
    since = since or feeds.local_today()
    weeks = set(db.session.scalars(
        select(Roster.week).join(SupervisionAssignment, SupervisionAssignment.roster_id == Roster.id)
        .where(SupervisionAssignment.supervisor_id == supervisor.id, SupervisionAssignment.date >= since,
               Roster.team_id == team.id).distinct()))
    weeks |= {week_of(day) for day in db.session.scalars(
        select(PublishedShift.date).where(
            PublishedShift.supervisor_id == supervisor.id, PublishedShift.team_id == team.id,
            PublishedShift.date >= since, PublishedShift.cancelled.is_(False)).distinct())}
    return weeks


def weeks_led_outside_region(supervisor: Supervisor, since: dt.date | None = None) -> dict[Team, set[str]]:
    """For a stand-in of the pool: the weeks, by team, of teams outside their region (moved since)
    that they still lead from today on, as weeks_led_in_team finds them for one team."""
    since = since or feeds.local_today()
    found: dict[Team, set[str]] = {}
    for team, week in db.session.execute(
            select(Team, Roster.week).join(Roster, Roster.team_id == Team.id)
            .join(SupervisionAssignment, SupervisionAssignment.roster_id == Roster.id)
            .where(SupervisionAssignment.supervisor_id == supervisor.id, SupervisionAssignment.date >= since,
                   Team.region != supervisor.region).distinct()):
        found.setdefault(team, set()).add(week)
    for team, day in db.session.execute(
            select(Team, PublishedShift.date).join(Team, Team.id == PublishedShift.team_id)
            .where(PublishedShift.supervisor_id == supervisor.id, PublishedShift.date >= since,
                   PublishedShift.cancelled.is_(False), Team.region != supervisor.region).distinct()):
        found.setdefault(team, set()).add(week_of(day))
    return {team: weeks for team, weeks in found.items() if not team.archived}


def set_supervisor_archived(supervisor: Supervisor, archived: bool) -> dict:
    """Archive a team leader, or take them back.

    An archived leader counts as absent from today on wherever they still lead (rosters, feeds,
    week pages, the ministry's plan), until the rosters are repaired, and those days stay so once
    gone by (archived_on keeps the day); taking them back undoes
    that where the roster still has them. The linked account stops seeing the team they led (its
    employees' indication and health notes) and sees it again when they are taken back
    (follow_team_access), and the team's calendar link stops, as on a move away. Taking them back
    makes them the team's newest leader (team_since). Returns, on archiving, the weeks by team
    where they still lead from today on (rosters.mark_archived_leader), for the message; else {}."""
    if archived == supervisor.archived:
        return {}
    supervisor.archived = archived
    supervisor.archived_on = feeds.local_today() if archived else None
    if not archived and supervisor.team_id is not None:
        # Back in the team from now on: not, after months away, its employees' fixed leader again.
        supervisor.team_since = utcnow()
    audit.record("supervisor.archive" if archived else "supervisor.restore", supervisor)
    if archived:
        follow_team_access(supervisor, supervisor.team, supervisor.user)
    else:
        follow_team_access(supervisor, None, None)
    affected = {}
    if archived:
        from .rosters import mark_archived_leader  # rosters builds on people's neighbours; import late

        affected = mark_archived_leader(supervisor)
    db.session.commit()
    return affected


def supervisor_in_rosters(supervisor: Supervisor) -> bool:
    return bool(
        db.session.scalar(select(exists().where(SupervisionAssignment.supervisor_id == supervisor.id)))
        or db.session.scalar(select(exists().where(PublishedShift.supervisor_id == supervisor.id)))
    )
