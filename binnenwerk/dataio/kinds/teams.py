"""Teams: name (the key), region, home location and maximum size."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ... import access
from ...extensions import db
from ...formatting import name_key
from ...models import MAX_TEAM_SIZE, Employee, Team
from ...services import ServiceError, people
from ...services.regions import known_region
from .. import values as v
from ..engine import INVALID, Column, Context, Kind, Regions, RowReader, RowRefused, rows_text


class _Names:
    """Which teams have which name, apart from case, accents and spacing (the team form's rule:
    services.teams.team_name_taken), kept up to date as the file's rows create and rename teams."""

    def __init__(self):
        self.ids: dict[str, set[int]] = {}
        for team_id, name in db.session.execute(select(Team.id, Team.name)):
            self.ids.setdefault(name_key(name), set()).add(team_id)

    def taken(self, name: str, team: Team | None) -> bool:
        """Whether another team than `team` has this name (a team keeping its own name never clashes:
        see services.teams.team_name_taken)."""
        if team is not None and name_key(team.name) == name_key(name):
            return False
        return bool(self.ids.get(name_key(name), set()) - {getattr(team, "id", None)})

    def moved(self, team_id: int, old: str | None, new: str) -> None:
        if old is not None:
            self.ids.get(name_key(old), set()).discard(team_id)
        self.ids.setdefault(name_key(new), set()).add(team_id)


# The field names of services.people and the columns that hold them.
FIELD_COLUMNS = {"name": "naam", "region": "regio", "max_size": "max_medewerkers", "home_location_id": "thuislocatie"}


class TeamsKind(Kind):
    name = "teams"
    title = _l("Teams")
    content = _l("teams")
    sheet_title = _l("Teams")
    roles = access.OFFICE
    columns = [
        Column("naam", _l("De naam van het team. Een bestaand team met deze naam wordt bijgewerkt."), True,
               "Team Den Haag 1"),
        Column("regio", _l("De regio waarin het team werkt."), True, "Den Haag"),
        Column("thuislocatie", _l("De code van de vaste locatie van het team (mag leeg)."), False, "dh-rijnstraat"),
        Column("max_medewerkers", _l("Hoeveel medewerkers het team hoogstens heeft: 1 tot en met 15 (leeg: 15)."),
               False, 15, text=False),
    ]

    change_columns = {"name": ("naam",), "region": ("regio",), "home_location_id": ("thuislocatie",),
                      "max_size": ("max_medewerkers",)}

    def parse(self, row: RowReader, ctx: Context) -> dict:
        record = {
            "name": row.get("naam", v.text, max_length=100, required=True),
            "region": row.get("regio", v.text, max_length=100, required=True),
        }
        if row.has("thuislocatie"):
            code = row.get("thuislocatie", v.text, max_length=60)
            record["home_location"] = None
            if code not in (INVALID, ""):
                location = ctx.location(code)
                if location is None:
                    row.refuse("thuislocatie", ctx.unknown_location(code))
                record["home_location"] = location
        if row.has("max_medewerkers"):
            size = row.get("max_medewerkers", v.whole_number, low=1, high=MAX_TEAM_SIZE, required=False)
            record["max_size"] = MAX_TEAM_SIZE if size is None else size
        return record

    def file_keys(self, record: dict) -> list:
        return [("naam", record["name"].casefold())]

    def prepare(self, records: list[dict], ctx: Context) -> None:
        """Every team's name and every region's spellings, read once for the whole file: asked of the
        database per row, a file of 10,000 new teams read 10,000 growing lists (90 seconds)."""
        ctx.loaded[self.name] = _Names(), Regions()

    def apply(self, record: dict, ctx: Context, row: int) -> str:
        names, regions = ctx.loaded.get(self.name) or (_Names(), Regions())
        team = ctx.team(record["name"])
        ctx.claim(team, row, "naam")
        if team is not None and team.archived:
            raise RowRefused("naam", _("team '%(value)s' is gearchiveerd; haal het eerst uit het archief",
                                       value=team.name))
        # As the team form: "den haag" is the region the locations and teams already call "Den Haag".
        record["region"] = regions.known_region(record["region"], keep=team.region if team else None,
                                                own=team is not None)
        location = record.get("home_location", team.home_location if team else None)
        changed = team is None or any((
            team.name != record["name"], team.region != record["region"],
            "home_location" in record and team.home_location_id != getattr(location, "id", None),
            "max_size" in record and team.max_size != record["max_size"],
        ))
        if not changed:
            return "unchanged"
        if team is not None:
            ctx.remember(row, self.export_row(team))
        problems = self._location_problems(team, location, record["region"])
        if "max_size" in record:
            problems += self._size_problems(team, record["max_size"])
        if problems:
            raise RowRefused.every(problems)
        # The rules of services.people decide, as for the team form (e.g. no new region with members).
        data = people.TeamInput(name=record["name"], region=record["region"],
                                home_location_id=getattr(location, "id", None),
                                max_size=record.get("max_size", team.max_size if team else MAX_TEAM_SIZE))
        try:
            if names.taken(record["name"], team):
                raise ServiceError(_("Er is al een team met deze naam."), field="name")
            people._check_team(data, team, name_checked=True)
        except ServiceError as error:
            raise RowRefused(FIELD_COLUMNS.get(error.field or "", ""), error.message) from None
        created = team is None
        old_name, old_region = (None, None) if created else (team.name, team.region)
        # The fields the team form's audit row names (services.people.update_team).
        changed = [] if created else [name for name, value in (
            ("name", record["name"]), ("region", record["region"]),
            ("home_location_id", getattr(location, "id", None)), ("max_size", data.max_size),
        ) if getattr(team, name) != value]
        if created:
            team = Team(name=record["name"], region=record["region"], max_size=MAX_TEAM_SIZE)
            db.session.add(team)
        team.name = record["name"]
        if team.region != record["region"]:
            # As services.people.update_team: a team's supervisors work in the team's region.
            for supervisor in team.supervisors:
                supervisor.region = record["region"]
        team.region = record["region"]
        if "home_location" in record:
            team.home_location = location
        if "max_size" in record:
            team.max_size = record["max_size"]
        db.session.flush()
        ctx.add_team(team)
        names.moved(team.id, old_name, team.name)
        regions.moved(old_region, team.region)
        ctx.claim(team, row, "naam")
        if created:
            ctx.audit("team.create", team, f"name={team.name} region={team.region} max={team.max_size}")
        else:
            ctx.audit("team.update", team, "changed=" + ",".join(changed))
        ctx.note_region(team.region, row)
        return "create" if created else "update"

    @staticmethod
    def _location_problems(team: Team | None, location, region: str) -> list[tuple[str, str]]:
        """A home location newly given (or kept by a team changing region) must be in use and in the
        team's region."""
        if location is None or (team is not None and location.id == team.home_location_id
                                and team.region == region):
            return []
        if location.archived:
            return [("thuislocatie", _("locatie '%(value)s' is gearchiveerd", value=location.code))]
        if location.region != region:
            return [("thuislocatie", _("locatie '%(value)s' ligt in regio %(region)s, niet in regio %(team_region)s",
                                       value=location.code, region=location.region, team_region=region))]
        return []

    @staticmethod
    def _size_problems(team: Team | None, max_size: int) -> list[tuple[str, str]]:
        if team is None:
            return []
        members = db.session.scalar(select(func.count(Employee.id)).where(
            Employee.team_id == team.id, Employee.archived.is_(False))) or 0
        if max_size < members:
            return [("max_medewerkers", _("het team heeft al %(count)d medewerkers; het maximum kan niet lager zijn",
                                          count=members))]
        return []

    def check_unread(self, record: dict, unread: set[str], ctx: Context) -> list[tuple[str, str]]:
        """What apply would refuse in the cells that could be read ("abc" as the maximum and a home
        location of another region are said at once); a check that needs an unread cell waits."""
        team = ctx.team(record["name"]) if record["name"] not in (INVALID, None) else None
        if team is not None and team.archived:
            return [("naam", _("team '%(value)s' is gearchiveerd; haal het eerst uit het archief", value=team.name))]
        problems = []
        location = record.get("home_location", team.home_location if team else None)
        if "thuislocatie" not in unread and "regio" not in unread and "naam" not in unread:
            region = known_region(record["region"], keep=team.region if team else None,
                                  team_id=team.id if team else None)
            problems += self._location_problems(team, location, region)
        if "max_medewerkers" not in unread and "naam" not in unread and "max_size" in record:
            problems += self._size_problems(team, record["max_size"])
        return problems

    def no_location_warning(self, region: str, rows: list[int]) -> str:
        # As the team form says it (teams/routes.py _warn_if_no_location), for the file's rows.
        return ngettext(
            "Er is nog geen locatie in regio %(region)s (rij %(rows)s). Dit team kan pas ingepland worden als "
            "daar een locatie is.",
            "Er is nog geen locatie in regio %(region)s (rijen %(rows)s). Deze teams kunnen pas ingepland worden "
            "als daar een locatie is.", len(rows), region=region, rows=rows_text(rows))

    def export_rows(self) -> list[list]:
        teams = db.session.scalars(select(Team).where(Team.archived.is_(False)).order_by(Team.name)
                                   .options(selectinload(Team.home_location)))
        return [self.export_row(t) for t in teams]

    @staticmethod
    def export_row(t: Team) -> list:
        return [t.name, t.region, t.home_location.code if t.home_location else "", t.max_size]
