"""Employees: contract, limits, work types, locations and weekly pattern. Never special-category data."""
from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ...extensions import db
from ...folding import fold
from ...formatting import local_today
from ...models import AvailabilitySlot, Employee, Role, Team
from ...services import ServiceError
from ...services import people
from ...services.teams import ensure_room_in_team
from .. import values as v
from ..engine import (
    INVALID, Column, Context, Kind, RowReader, RowRefused, merged_slots, pattern_cells, pattern_changes, set_pattern,
)

MAX_CONTRACT_HOURS = people.MAX_CONTRACT_MINUTES / 60
MAX_DAY_HOURS = people.MAX_DAY_MINUTES / 60
# The field names of services.people and the columns that hold them.
FIELD_COLUMNS = {
    "first_name": "voornaam", "last_name": "achternaam", "team_id": "team", "contract_hours": "contracturen_per_week",
    "max_hours_per_day": "max_uren_per_dag", "contract_start": "contract_start", "contract_end": "contract_eind",
    "availability": "ma t/m zo", "work_type_ids": "werksoorten", "location_ids": "locaties",
}
# The names the employee form's audit rows give the import's changes (services.people.update_employee).
AUDIT_NAMES = {"team": "team_id", "locations": "allowed_locations", "pattern": "availability"}
PLAIN = ("first_name", "last_name", "contract_minutes", "max_minutes_per_day", "contract_start", "contract_end",
         "email", "phone", "job_coach_name", "job_coach_phone", "job_coach_email")

RELATED = (selectinload(Employee.work_types), selectinload(Employee.allowed_locations),
           selectinload(Employee.availability))
CHUNK = 500  # ids or names in one IN list


def _read(record: dict, key: str) -> list:
    """A list the row gives, or none: not in the file, or not readable."""
    found = record.get(key)
    return [] if found is None or found is INVALID else found


def _chunks(values: list) -> list[list]:
    return [values[start:start + CHUNK] for start in range(0, len(values), CHUNK)]


@dataclass
class _Loaded:
    """The employees prepare() found for the file, and the names rows of it gave or took since."""

    by_id: dict[int, Employee] = field(default_factory=dict)
    looked_up: set[int] = field(default_factory=set)
    by_name: dict[tuple[int, str, str], list[Employee]] = field(default_factory=dict)
    dirty_teams: set[int] = field(default_factory=set)
    dirty_keys: set[tuple[int, str, str]] = field(default_factory=set)
    # Every active employee's team by folded name, for a new row named as someone of another team.
    teams_by_name: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    # Per team: the members a row of the file moves out of it, until that row is applied. A full
    # team's size is judged on the file's end state: a swap does not depend on row order.
    leaving: dict[int, set[int]] = field(default_factory=dict)

    def dirty(self, team_id: int, first_name: str, last_name: str) -> None:
        """A name in a team that may now match other employees than it did at loading."""
        if first_name.isascii() and last_name.isascii():  # lowered alike by Python and every database
            self.dirty_keys.add((team_id, fold(first_name), fold(last_name)))
        else:  # SQLite lowers only ASCII: for this team the database answers from now on
            self.dirty_teams.add(team_id)


def _not_to_update(employee: Employee | None, employee_id: int) -> str:
    """Why a row's id names no one an import may change, else "". Someone whose contract ended is
    named (the row came from an export of before); someone anonymised is unknown, as no one."""
    if employee is None or employee.anonymised_at is not None:
        return _("onbekende medewerker met id %(value)s", value=employee_id)
    if employee.archived:
        return _("%(name)s is uit dienst (gearchiveerd); neem %(name)s eerst weer in dienst, of haal de rij weg",
                 name=employee.name)
    return ""


class EmployeesKind(Kind):
    name = "employees"
    title = _l("Medewerkers")
    content = _l("medewerkers")
    sheet_title = _l("Medewerkers")
    roles = (Role.PLANNER,)
    columns = [
        Column("id", _l("Het nummer van de medewerker in de planner. Leeg bij een nieuwe medewerker."), False, None,
               text=False),
        Column("voornaam", _l("Voornaam."), True, "Sanne"),
        Column("achternaam", _l("Achternaam, met tussenvoegsel."), True, "de Vries"),
        Column("team", _l("De naam van het team. Het team mag niet vol zijn (hoogstens 15)."), True, "Team Den Haag 1"),
        Column("email", _l("E-mailadres (mag leeg)."), False, "", aliases=("e_mail",)),
        Column("telefoon", _l("Telefoonnummer (mag leeg)."), False, "06-12345678"),
        Column("contracturen_per_week", _l("Uren per week volgens het contract, bijvoorbeeld 25,5."), True, 25.5,
               text=False),
        Column("max_uren_per_dag", _l("Hoeveel uur iemand hoogstens op een dag werkt, bijvoorbeeld 6."), True, 6,
               text=False),
        Column("werksoorten", _l("Codes van de werksoorten, gescheiden door een komma. Minstens één."), False, "keyboards,pdossiers"),
        Column("locaties", _l("Codes van de locaties waar iemand mag werken, gescheiden door een komma. Leeg: alle locaties van de regio."), False, ""),
        Column("ma", v.day_help(1, "08:30-16:00"), False, "08:30-14:30"),
        Column("di", v.day_help(2, "08:30-16:00"), False, "08:30-14:30"),
        Column("wo", v.day_help(3, "08:30-16:00"), False, ""),
        Column("do", v.day_help(4, "08:30-16:00"), False, "08:30-14:30"),
        Column("vr", v.day_help(5, "08:30-16:00"), False, "08:30-14:30"),
        Column("za", v.day_help(6, "08:30-16:00"), False, ""),
        Column("zo", v.day_help(7, "08:30-16:00"), False, ""),
        Column("contract_start", _l("Eerste dag van het contract: 2026-12-07 of 7-12-2026."), True, "2026-01-05",
               text=False),
        Column("contract_eind", _l("Laatste dag van het contract (leeg: geen einddatum)."), False, "",
               aliases=("contract_einde",), text=False),
        Column("jobcoach_naam", _l("Naam van de jobcoach (mag leeg)."), False, ""),
        Column("jobcoach_telefoon", _l("Telefoon van de jobcoach (mag leeg)."), False, ""),
        Column("jobcoach_email", _l("E-mailadres van de jobcoach (mag leeg)."), False, "", aliases=("jobcoach_e_mail",)),
    ]

    change_columns = {
        "first_name": ("voornaam",), "last_name": ("achternaam",), "team_id": ("team",),
        "contract_minutes": ("contracturen_per_week",), "max_minutes_per_day": ("max_uren_per_dag",),
        "contract_start": ("contract_start",), "contract_end": ("contract_eind",), "email": ("email",),
        "phone": ("telefoon",), "job_coach_name": ("jobcoach_naam",), "job_coach_phone": ("jobcoach_telefoon",),
        "job_coach_email": ("jobcoach_email",), "work_types": ("werksoorten",), "allowed_locations": ("locaties",),
        "availability": ("ma", "di", "wo", "do", "vr", "za", "zo"),
    }

    def parse(self, row: RowReader, ctx: Context) -> dict:
        record: dict = {}
        if row.has("id"):
            record["id"] = row.get("id", v.whole_number, low=1, high=2**31 - 1, required=False)
        record["first_name"] = row.get("voornaam", v.text, max_length=100, required=True)
        record["last_name"] = row.get("achternaam", v.text, max_length=100, required=True)
        team_name = row.get("team", v.text, max_length=100, required=True)
        record["team"] = INVALID
        if team_name is not INVALID:
            team = ctx.team(team_name)
            if team is None:
                row.refuse("team", _("onbekend team '%(value)s'", value=team_name))
            elif team.archived:
                row.refuse("team", _("team '%(value)s' is gearchiveerd", value=team_name))
            else:
                record["team"] = team
        if row.has("email"):
            record["email"] = row.get("email", v.email)
        if row.has("telefoon"):
            record["phone"] = row.get("telefoon", v.phone)
        record["contract_minutes"] = row.get("contracturen_per_week", v.hours_as_minutes, high_hours=MAX_CONTRACT_HOURS)
        record["max_minutes_per_day"] = row.get("max_uren_per_dag", v.hours_as_minutes, high_hours=MAX_DAY_HOURS)
        if row.has("werksoorten"):
            record["work_types"] = self.resolve_codes(
                row, "werksoorten", ctx.work_type, ctx.unknown_work_type)
        if row.has("locaties"):
            record["locations"] = self.resolve_codes(
                row, "locaties", ctx.location, ctx.unknown_location)
        record["pattern"] = self.read_pattern(row)
        record["contract_start"] = row.date("contract_start")
        if row.has("contract_eind"):
            end = row.date("contract_eind", required=False)
            start = record["contract_start"]
            if end not in (INVALID, None) and start is not INVALID and end < start:
                row.refuse("contract_eind", _(
                    "de einddatum %(end)s ligt voor de begindatum %(start)s",
                    end=end.isoformat(), start=start.isoformat()))
            record["contract_end"] = end
        if row.has("jobcoach_naam"):
            record["job_coach_name"] = row.get("jobcoach_naam", v.text, max_length=200)
        if row.has("jobcoach_telefoon"):
            record["job_coach_phone"] = row.get("jobcoach_telefoon", v.phone)
        if row.has("jobcoach_email"):
            record["job_coach_email"] = row.get("jobcoach_email", v.email)
        return record

    def file_keys(self, record: dict) -> list:
        # Two people may share a name in one team: then the id column tells them apart.
        if record.get("id"):
            return [("id", record["id"])]
        return [("voornaam", (fold(record["first_name"]), fold(record["last_name"]), record["team"].id))]

    def repeated_in_file(self, column: str, value, row: int) -> str:
        if column == "id":
            return super().repeated_in_file(column, value, row)
        return _("dit is dezelfde medewerker als rij %(row)d (zelfde voornaam, achternaam en team)", row=row)

    @staticmethod
    def _same_name(record: dict, team_id: int) -> list[Employee]:
        # Compared here, not by the database's lower(), which folds fewer letters (PostgreSQL
        # keeps 'ß' apart from 'ss'): the same rule as the file's own repeats (file_keys).
        query = select(Employee).where(
            Employee.team_id == team_id, Employee.archived.is_(False), Employee.anonymised_at.is_(None))
        first, last = fold(record["first_name"]), fold(record["last_name"])
        return [e for e in db.session.scalars(query) if fold(e.first_name) == first and fold(e.last_name) == last]

    def prepare(self, records: list[dict], ctx: Context) -> None:
        """The file's employees with what apply compares (work types, locations, pattern), in a few
        queries: by id, and by name for the rows without one. 1,500 rows took some 7,600 statements."""
        loaded = ctx.loaded[self.name] = _Loaded()
        ids = sorted({record["id"] for record in records if record.get("id")})
        for chunk in _chunks(ids):
            query = select(Employee).where(Employee.id.in_(chunk)).options(*RELATED)
            loaded.by_id.update((employee.id, employee) for employee in db.session.scalars(query))
        loaded.looked_up = set(ids)
        for record in records:
            employee = loaded.by_id.get(record.get("id"))
            if employee is not None and not employee.archived and employee.team_id != record["team"].id:
                loaded.leaving.setdefault(employee.team_id, set()).add(employee.id)
        named = [record for record in records if not record.get("id")]
        if named:
            # Who is called so in another team: a new row with their name may mean them (one query).
            for first_name, last_name, team_name in db.session.execute(
                select(Employee.first_name, Employee.last_name, Team.name).join(Team, Team.id == Employee.team_id)
                .where(Employee.archived.is_(False), Employee.anonymised_at.is_(None))
            ):
                loaded.teams_by_name.setdefault((fold(first_name), fold(last_name)), []).append(team_name)
        team_ids = sorted({record["team"].id for record in named})
        for chunk in _chunks(team_ids):
            # The teams' people (15 a team at most), their names folded as _same_name folds them.
            query = select(Employee).where(
                Employee.team_id.in_(chunk), Employee.archived.is_(False), Employee.anonymised_at.is_(None),
            ).options(*RELATED)
            for employee in db.session.scalars(query):
                key = (employee.team_id, fold(employee.first_name), fold(employee.last_name))
                loaded.by_name.setdefault(key, []).append(employee)

    @staticmethod
    def _by_id(loaded: _Loaded | None, employee_id: int) -> Employee | None:
        if loaded is not None and employee_id in loaded.looked_up:
            found = loaded.by_id.get(employee_id)
            if found is not None:
                return found
        # Not in the file's list, or not there when it was loaded (made by an earlier row of it).
        return db.session.get(Employee, employee_id)

    def _named(self, loaded: _Loaded | None, record: dict, team_id: int) -> list[Employee]:
        key = (team_id, fold(record["first_name"]), fold(record["last_name"]))
        if loaded is None or team_id in loaded.dirty_teams or key in loaded.dirty_keys:
            return self._same_name(record, team_id)  # an earlier row gave or took this name: ask the database
        return list(loaded.by_name.get(key, []))

    def apply(self, record: dict, ctx: Context, row: int) -> str:
        team = record["team"]
        employee = None
        loaded = ctx.loaded.get(self.name)
        if record.get("id"):
            employee = self._by_id(loaded, record["id"])
            refused = _not_to_update(employee, record["id"])
            if refused:
                raise RowRefused("id", refused)
        else:
            matches = self._named(loaded, record, team.id)
            if len(matches) > 1:
                raise RowRefused("voornaam", _(
                    "in team %(team)s staan %(count)d medewerkers met deze naam; vul de kolom id in",
                    team=team.name, count=len(matches)))
            employee = matches[0] if matches else None
        ctx.claim(employee, row, "id" if record.get("id") else "voornaam")

        changes = self._changes(employee, record)
        if employee is not None and not changes:
            return "unchanged"
        if employee is not None:
            ctx.remember(row, self.export_row(employee))
        moving = employee is not None and employee.team_id != team.id
        problems: list[tuple[str, str]] = []
        if employee is None or moving:
            # The one rule for a full team: rows earlier in this file are flushed, so they count.
            # And as the form: no move away from a team the person is told to come to this week
            # ("Toch verplaatsen" does not change that there either).
            try:
                try:
                    ensure_room_in_team(team.id, moving_employee_id=employee.id if employee else None)
                except ServiceError:
                    if not self._room_after_file(team, employee, loaded):
                        raise
                if employee is not None:
                    people.refuse_move_while_told_this_week(employee, team)
            except ServiceError as error:
                problems.append(("team", error.message))
        # Every other problem of the row too, not one round at a time.
        problems += self._link_problems(employee, record, team)
        problems += self._rule_problems(employee, record, known=True, found=problems)
        if problems:
            raise RowRefused.every(problems)
        if moving:
            # As the form asks first: shifts from today on stay in the old team's rosters.
            left = people.shifts_outside_team(employee, team.id, local_today())
            if left:
                from ...teams.routes import _shifts_left_message  # the form's words

                ctx.confirm_move(row, "team", _shifts_left_message(employee, left))

        created = employee is None
        if created and loaded is not None:
            # A row without an id is matched in its own team only: someone of another team with
            # this name may be the one meant (a team change without the id column adds a second).
            elsewhere = sorted({name for name in loaded.teams_by_name.get(
                (fold(record["first_name"]), fold(record["last_name"])), []) if name != team.name})
            if elsewhere:
                ctx.notes.setdefault(row, []).append(_(
                    "er staat al iemand met deze naam in %(teams)s. Bedoel je die persoon? Vul dan de kolom id in: "
                    "zonder id komt er een nieuwe medewerker bij.", teams=", ".join(elsewhere)))
        old_team_id = None if created else employee.team_id
        if loaded is not None and old_team_id is not None:
            loaded.leaving.get(old_team_id, set()).discard(employee.id)
        renamed = created or bool({"first_name", "last_name", "team"} & set(changes))
        if renamed and loaded is not None and not created:
            loaded.dirty(employee.team_id, employee.first_name, employee.last_name)
        if renamed and loaded is not None:
            loaded.dirty(team.id, record["first_name"], record["last_name"])
        if created:
            employee = Employee(team=team, contract_start=record["contract_start"])
            db.session.add(employee)
        for attribute in PLAIN:
            if attribute in record:
                setattr(employee, attribute, record[attribute])
        employee.team = team
        if "work_types" in record:
            employee.work_types = list(record["work_types"])
        if "locations" in record:
            employee.allowed_locations = list(record["locations"])
        if created or "pattern" in changes:  # the same windows again would only renumber their rows
            set_pattern(employee, record["pattern"], AvailabilitySlot)
        db.session.flush()
        if not created:  # as the form does: the roster's history says which shifts this leaves out
            from ...services.rosters import mark_unworkable_shifts

            mark_unworkable_shifts(employee, [AUDIT_NAMES.get(c, c) for c in changes])  # named as the form names them
            # As the form says after a save: each roster with shifts after the last working day,
            # or longer than a lowered limit on hours a day (the rosters only, never the hours).
            from ...teams.routes import contract_repair_texts, day_limit_repair_texts  # the form's words

            if "contract_end" in changes:
                ctx.notes.setdefault(row, []).extend(contract_repair_texts(employee))
            if "max_minutes_per_day" in changes:
                ctx.notes.setdefault(row, []).extend(day_limit_repair_texts(employee))
        ctx.claim(employee, row, "voornaam")
        # As the employee form records it: the changed fields by name, never their values (a
        # limit on hours a day may be a doctor's); the team by id.
        if created:
            ctx.audit("employee.create", employee, f"team={team.id}")
        else:
            detail = "changed=" + ",".join(AUDIT_NAMES.get(c, c) for c in changes)
            if old_team_id != team.id:
                detail += f" team={old_team_id}->{team.id}"
            ctx.audit("employee.update", employee, detail)
        return "create" if created else "update"

    @staticmethod
    def _room_after_file(team: Team, employee: Employee | None, loaded: _Loaded | None) -> bool:
        """Whether a team that is full now has room once the file's later rows have moved their
        members out of it (the import is all or nothing: a refused later row refuses this one too)."""
        leaving = (loaded.leaving.get(team.id) or set()) if loaded is not None else set()
        leaving = leaving - {getattr(employee, "id", None)}
        if not leaving or team.archived:
            return False
        members = db.session.scalar(select(func.count(Employee.id)).where(
            Employee.team_id == team.id, Employee.archived.is_(False),
            Employee.id.notin_(leaving | {getattr(employee, "id", None) or 0}))) or 0
        return members < team.max_size

    @staticmethod
    def _service_input(employee: Employee | None, record: dict) -> people.EmployeeInput:
        """The employee as the import leaves it: the row's columns, else what is stored."""
        def value(name, default=""):
            return record[name] if name in record else getattr(employee, name, default)

        work_types = record.get("work_types", employee.work_types if employee else [])
        locations = record.get("locations", employee.allowed_locations if employee else [])
        return people.EmployeeInput(
            first_name=record["first_name"], last_name=record["last_name"], team_id=record["team"].id,
            contract_minutes=record["contract_minutes"], max_minutes_per_day=record["max_minutes_per_day"],
            contract_start=record["contract_start"], availability=merged_slots(employee, record["pattern"]),
            work_type_ids=[w.id for w in work_types], location_ids=[loc.id for loc in locations],
            contract_end=value("contract_end", None), phone=value("phone"), email=value("email"),
            job_coach_name=value("job_coach_name"), job_coach_phone=value("job_coach_phone"),
            job_coach_email=value("job_coach_email"),
        )

    @staticmethod
    def _changes(employee: Employee | None, record: dict) -> list[str]:
        if employee is None:
            return ["new"]
        changed = [a for a in PLAIN if a in record and getattr(employee, a) != record[a]]
        if employee.team_id != record["team"].id:
            changed.append("team")
        if "work_types" in record and {w.id for w in employee.work_types} != {w.id for w in record["work_types"]}:
            changed.append("work_types")
        if "locations" in record and (
                {loc.id for loc in employee.allowed_locations} != {loc.id for loc in record["locations"]}):
            changed.append("locations")
        if pattern_changes(employee, record["pattern"]):
            changed.append("pattern")
        return changed

    @staticmethod
    def _link_problems(employee: Employee | None, record: dict, team: Team | None) -> list[tuple[str, str]]:
        """Archived work types and far-away locations may stay, but not be newly given. Without a
        team (unreadable), the locations' region waits for it."""
        problems = []
        had_work = {w.id for w in employee.work_types} if employee else set()
        for work_type in _read(record, "work_types"):
            if work_type.archived and work_type.id not in had_work:
                problems.append(("werksoorten", _("werksoort '%(value)s' is gearchiveerd", value=work_type.code)))
                break
        had_locations = {loc.id for loc in employee.allowed_locations} if employee else set()
        for location in _read(record, "locations"):
            if location.id in had_locations and (team is None or employee.team_id == team.id):
                continue
            if location.archived:
                problems.append(("locaties", _("locatie '%(value)s' is gearchiveerd", value=location.code)))
                break
            if team is not None and location.region != team.region:
                problems.append(("locaties", _(
                    "locatie '%(value)s' ligt in regio %(region)s, niet in regio %(team_region)s van het team",
                    value=location.code, region=location.region, team_region=team.region)))
                break
        return problems

    def _rule_problems(self, employee: Employee | None, record: dict, *, known: bool,
                       found: list[tuple[str, str]], unread: set[str] = frozenset()) -> list[tuple[str, str]]:
        """The rules of services.people, as for the employee form, each on its own: at least one day,
        at least one work type, then the rest. `known`: whether `employee` is surely who the row is
        about (else a rule that needs their stored values waits); `found`: problems already said."""
        problems: list[tuple[str, str]] = []

        def attempt(check, *args, **kwargs) -> None:
            try:
                check(*args, **kwargs)
            except ServiceError as error:
                problems.append((FIELD_COLUMNS.get(error.field or "", ""), error.message))

        said = {column for column, _message in found}
        pattern = record.get("pattern", {})
        if not unread & set(v.WEEKDAY_COLUMNS) and (known or len(pattern) == len(v.WEEKDAY_COLUMNS)):
            attempt(people._check_slots, merged_slots(employee if known else None, pattern))
        if "werksoorten" not in unread | said and (known or "work_types" in record):
            work_types = record.get("work_types", employee.work_types if employee else [])
            # Whom the row is about unknown, an archived work type may be theirs: only "none" is said.
            kept = employee.work_types if employee else () if known else work_types
            attempt(people._work_types, [w.id for w in work_types], keep=kept)
        if not unread and not problems and not found:
            attempt(people._check_employee, self._service_input(employee, record), employee)
        return problems

    def check_unread(self, record: dict, unread: set[str], ctx: Context) -> list[tuple[str, str]]:
        """What apply would also refuse in what could be read: an unknown id, a new archived work
        type or a far location, no day, no work type."""
        problems: list[tuple[str, str]] = []
        team = record.get("team") if "team" not in unread else None
        team = None if team is INVALID else team
        employee, known = None, False
        if "id" in unread:
            pass
        elif record.get("id"):
            employee = db.session.get(Employee, record["id"])
            refused = _not_to_update(employee, record["id"])
            if refused:
                problems.append(("id", refused))
                employee = None
            else:
                known = True
        elif team is not None and not {"voornaam", "achternaam"} & unread:
            matches = self._same_name(record, team.id)
            employee, known = (matches[0], True) if len(matches) == 1 else (None, not matches)
        if known:
            problems += self._link_problems(employee, record, team)
        problems += self._rule_problems(employee, record, known=known, found=problems, unread=unread)
        return problems

    def export_rows(self) -> list[list]:
        employees = db.session.scalars(
            select(Employee).join(Team)
            .where(Employee.archived.is_(False), Employee.anonymised_at.is_(None))
            .options(selectinload(Employee.team), selectinload(Employee.work_types),
                     selectinload(Employee.allowed_locations), selectinload(Employee.availability))
            .order_by(Team.name, Employee.sort_name, Employee.id)
        )
        return [self.export_row(e) for e in employees]

    @staticmethod
    def export_row(e: Employee) -> list:
        return [
            e.id, e.first_name, e.last_name, e.team.name, e.email, e.phone,
            v.minutes_as_hours(e.contract_minutes), v.minutes_as_hours(e.max_minutes_per_day),
            ",".join(sorted(w.code for w in e.work_types)),
            ",".join(sorted(loc.code for loc in e.allowed_locations)),
            *pattern_cells(e),
            e.contract_start, e.contract_end, e.job_coach_name, e.job_coach_phone, e.job_coach_email,
        ]
