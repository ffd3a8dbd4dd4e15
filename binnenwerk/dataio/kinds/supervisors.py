"""Supervisors: team leaders (team set) and regional pool stand-ins (team empty)."""
from __future__ import annotations

from babel.lists import format_list
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ... import access
from ...extensions import db
from ...folding import fold, folded
from ...models import AvailabilitySlot, Supervisor, Team
from ...services import ServiceError, people
from ...services.admin import work_type_name
from .. import values as v
from ..engine import (
    INVALID, Column, Context, Kind, Regions, RowReader, RowRefused, merged_slots, pattern_cells, pattern_changes,
    rows_text, set_pattern,
)

# The field names of services.people and the columns that hold them.
FIELD_COLUMNS = {"name": "naam", "region": "regio", "team_id": "team", "availability": "ma t/m zo",
                 "work_type_ids": "werksoorten"}


class SupervisorsKind(Kind):
    name = "supervisors"
    title = _l("Teamleiders")
    content = _l("teamleiders")
    sheet_title = _l("Teamleiders")
    roles = access.OFFICE
    columns = [
        Column("id", _l("Het nummer van de teamleider in de planner. Leeg bij een nieuwe teamleider."), False, None,
               text=False),
        Column("naam", _l("Voor- en achternaam. Een bestaande teamleider met deze naam wordt bijgewerkt."), True,
               "Peter Jansen"),
        Column("team", _l("De naam van het team dat hij of zij leidt. Leeg: invalpool van de regio."), False,
               "Team Den Haag 1"),
        Column("regio", _l("De regio. Mag leeg als er een team is: dan de regio van het team."), False, "Den Haag"),
        Column("email", _l("E-mailadres (mag leeg)."), False, "", aliases=("e_mail",)),
        Column("telefoon", _l("Telefoonnummer (mag leeg)."), False, "06-87654321"),
        Column("werksoorten", _l("Codes van de werksoorten, gescheiden door een komma. Minstens één."), False, "keyboards"),
        Column("ma", v.day_help(1, "07:30-17:00"), False, "07:30-17:00"),
        Column("di", v.day_help(2, "07:30-17:00"), False, "07:30-17:00"),
        Column("wo", v.day_help(3, "07:30-17:00"), False, "07:30-17:00"),
        Column("do", v.day_help(4, "07:30-17:00"), False, "07:30-17:00"),
        Column("vr", v.day_help(5, "07:30-17:00"), False, "07:30-17:00"),
        Column("za", v.day_help(6, "07:30-17:00"), False, ""),
        Column("zo", v.day_help(7, "07:30-17:00"), False, ""),
    ]

    change_columns = {
        "name": ("naam",), "team_id": ("team",), "region": ("regio",), "email": ("email",), "phone": ("telefoon",),
        "work_types": ("werksoorten",), "availability": ("ma", "di", "wo", "do", "vr", "za", "zo"),
    }

    def parse(self, row: RowReader, ctx: Context) -> dict:
        record: dict = {}
        if row.has("id"):
            record["id"] = row.get("id", v.whole_number, low=1, high=2**31 - 1, required=False)
        record["name"] = row.get("naam", v.text, max_length=200, required=True)
        team = None
        if row.has("team"):
            team_name = row.get("team", v.text, max_length=100)
            if team_name not in (INVALID, ""):
                team = ctx.team(team_name)
                if team is None:
                    row.refuse("team", _("onbekend team '%(value)s'", value=team_name))
                elif team.archived:
                    row.refuse("team", _("team '%(value)s' is gearchiveerd", value=team_name))
            record["team"] = team
        region = row.get("regio", v.text, max_length=100) if row.has("regio") else ""
        if region is not INVALID:
            if team is not None and not row.failed("team"):
                if region and region.casefold() != team.region.casefold():
                    row.refuse("regio", _(
                        "regio '%(value)s' past niet bij team %(team)s (regio %(region)s)",
                        value=region, team=team.name, region=team.region))
                region = team.region
            elif not region and row.has("team") and not row.failed("team"):
                row.refuse("regio", _("vul de regio in voor een teamleider zonder team (invalpool)"))
        record["region"] = region
        if row.has("email"):
            record["email"] = row.get("email", v.email)
        if row.has("telefoon"):
            record["phone"] = row.get("telefoon", v.phone)
        if row.has("werksoorten"):
            record["work_types"] = self.resolve_codes(
                row, "werksoorten", ctx.work_type, ctx.unknown_work_type)
        record["pattern"] = self.read_pattern(row)
        return record

    def file_keys(self, record: dict) -> list:
        # Two supervisors may share a name: then the id column tells them apart.
        if record.get("id"):
            return [("id", record["id"])]
        return [("naam", fold(record["name"]))]

    @staticmethod
    def _same_name(name: str) -> list[Supervisor]:
        query = select(Supervisor).where(folded(Supervisor.name) == fold(name), Supervisor.archived.is_(False))
        return list(db.session.scalars(query))

    def prepare(self, records: list[dict], ctx: Context) -> None:
        """The supervisors (not archived) by folded name, and the regions' spellings, read once for the
        whole file: asked per row, each row read every name again, the file's new ones too."""
        by_name: dict[str, list[Supervisor]] = {}
        # With what apply compares (work types, weekly pattern): not loaded one supervisor at a time.
        query = select(Supervisor).where(Supervisor.archived.is_(False)).options(
            selectinload(Supervisor.work_types), selectinload(Supervisor.availability))
        for supervisor in db.session.scalars(query):
            by_name.setdefault(fold(supervisor.name), []).append(supervisor)
        ctx.loaded[self.name] = by_name, Regions()

    def apply(self, record: dict, ctx: Context, row: int) -> str:
        by_name, regions = ctx.loaded.get(self.name) or (None, Regions())
        supervisor = None
        if record.get("id"):
            supervisor = db.session.get(Supervisor, record["id"])
            if supervisor is not None and supervisor.archived:
                # Known, but archived: said as such (as for employees), not "unknown".
                raise RowRefused("id", _("teamleider %(name)s is gearchiveerd; haal die eerst uit het archief, of "
                                         "haal de rij weg", name=supervisor.name))
            if supervisor is None:
                raise RowRefused("id", _("onbekende teamleider met id %(value)s", value=record["id"]))
        else:
            matches = (list(by_name.get(fold(record["name"]), [])) if by_name is not None
                       else self._same_name(record["name"]))
            if len(matches) > 1:
                raise RowRefused("naam", _("er zijn %(count)d teamleiders met deze naam; vul de kolom id in",
                                           count=len(matches)))
            supervisor = matches[0] if matches else None
        ctx.claim(supervisor, row, "id" if record.get("id") else "naam")

        team = record["team"] if "team" in record else (supervisor.team if supervisor else None)
        region = record["region"] or (team.region if team else (supervisor.region if supervisor else ""))
        if not region:
            raise RowRefused("regio", _("vul de regio in voor een teamleider zonder team (invalpool)"))
        # A pool stand-in's region as the teams and locations spell it ("den haag" is "Den Haag").
        region = regions.known_region(region, keep=supervisor.region if supervisor else None)
        changed = self._changed_fields(supervisor, record, team, region) if supervisor is not None else []
        if supervisor is not None and not changed:
            return "unchanged"
        if supervisor is not None:
            ctx.remember(row, self.export_row(supervisor))
        had_work = {w.id for w in supervisor.work_types} if supervisor else set()
        for work_type in record.get("work_types", []):
            if work_type.archived and work_type.id not in had_work:
                raise RowRefused("werksoorten", _("werksoort '%(value)s' is gearchiveerd", value=work_type.code))
        # The rules of services.people decide, as for the supervisor form. The account link is
        # not part of an import, so it is not checked here.
        work_types = record.get("work_types", supervisor.work_types if supervisor else [])
        data = people.SupervisorInput(
            name=record["name"], phone=record.get("phone", getattr(supervisor, "phone", "")),
            email=record.get("email", getattr(supervisor, "email", "")), team_id=getattr(team, "id", None),
            region=region, work_type_ids=[w.id for w in work_types],
            availability=merged_slots(supervisor, record["pattern"]),
        )
        try:
            people._check_supervisor(data, supervisor, region_known=True)
        except ServiceError as error:
            raise RowRefused(FIELD_COLUMNS.get(error.field or "", ""), error.message) from None

        created = supervisor is None
        old_team, old_user = (None, None) if created else (supervisor.team, supervisor.user)
        if not created and team is not None and team is not old_team:
            self._ask_unled_work(supervisor, team, work_types, ctx, row)
        old_name = None if created else supervisor.name
        if created:
            supervisor = Supervisor(name=record["name"], region=region)
            db.session.add(supervisor)
        supervisor.name = record["name"]
        supervisor.team = team
        supervisor.region = region
        for attribute in ("email", "phone"):
            if attribute in record:
                setattr(supervisor, attribute, record[attribute])
        if "work_types" in record:
            supervisor.work_types = list(record["work_types"])
        set_pattern(supervisor, record["pattern"], AvailabilitySlot)
        # As on the form: the linked account sees the team the leader now leads, no longer the old one.
        people.follow_team_access(supervisor, old_team, old_user)
        db.session.flush()
        if by_name is not None and old_name != supervisor.name:  # later rows find them by the new name
            if old_name is not None:
                by_name[fold(old_name)] = [s for s in by_name.get(fold(old_name), []) if s is not supervisor]
            by_name.setdefault(fold(supervisor.name), []).append(supervisor)
        ctx.claim(supervisor, row, "naam")
        # As the supervisor form records it (services.people), the fields by name only.
        if created:
            ctx.audit("supervisor.create", supervisor, f"team={team.id if team else 'pool'} region={region}")
        else:
            ctx.audit("supervisor.update", supervisor, "changed=" + ",".join(changed))
        ctx.note_region(region, row)
        if old_team is not None and old_team is not team:
            ctx.moves.append((row, supervisor, old_team))
        return "create" if created else "update"

    @staticmethod
    def _ask_unled_work(supervisor: Supervisor, team: Team, work_types: list, ctx: Context, row: int) -> None:
        """As the form asks before such a move: the new team does work the leader cannot lead."""
        from ...teams.routes import _unled_work  # the form's rule; routes import late (blueprints)

        unled = _unled_work(team, {w.id for w in work_types})
        if not unled:
            return
        work = format_list([work_type_name(w) for w in unled], locale=str(get_locale() or "nl"))
        ctx.confirm_move(row, "team", " ".join([
            _("%(team)s doet ook %(work)s. %(name)s kan dat werk niet leiden.", team=team.name, work=work,
              name=supervisor.name),
            _("Verplaatsen geldt voor elke week vanaf nu, niet voor één dag. Voor één dag invallen is de regionale "
              "pool er, of de planning kiest een invaller."),
        ]))

    def row_warnings(self, ctx: Context) -> dict[int, list[str]]:
        """As the form says after moving a leader: the weeks of the old team they still lead (those
        rosters need a repair), and a team left without a leader of its own. Asked once every row
        is applied: a later row of the file may give the old team its new leader."""
        from ...teams.routes import _still_leads_message  # the form's words

        warnings: dict[int, list[str]] = {}
        locale = str(get_locale() or "nl")
        for row, supervisor, old_team in ctx.moves:
            said = warnings.setdefault(row, [])
            account = supervisor.user
            if account is not None and old_team not in account.teams:
                # Which teams the leader's login sees now, as the form says it.
                if account.teams:
                    said.append(_("Het account van %(account)s ziet nu %(teams)s, en %(old)s niet meer.",
                                  account=account.name, old=old_team.name, teams=format_list(
                                      [t.name for t in sorted(account.teams, key=lambda t: (t.name, t.id))],
                                      locale=locale)))
                else:
                    said.append(_("Het account van %(account)s ziet %(old)s niet meer.", account=account.name,
                                  old=old_team.name))
            weeks = people.weeks_led_in_team(supervisor, old_team)
            if weeks:
                said.append(_still_leads_message(supervisor, {old_team: weeks}))
            if not old_team.archived and not people.team_has_leader(old_team):
                said.append(_("%(team)s heeft nu geen eigen teamleider. Geef het team een nieuwe teamleider. Tot dan "
                              "zien de medewerkers van %(team)s op hun weekpagina niet wie hun teamleider is.",
                              team=old_team.name))
        return warnings

    def no_location_warning(self, region: str, rows: list[int]) -> str:
        return ngettext(
            "Er is nog geen locatie in regio %(region)s (rij %(rows)s). Deze teamleider kan daar pas ingepland "
            "worden als er een locatie is.",
            "Er is nog geen locatie in regio %(region)s (rijen %(rows)s). Deze teamleiders kunnen daar pas "
            "ingepland worden als er een locatie is.", len(rows), region=region, rows=rows_text(rows))

    @staticmethod
    def _changed_fields(supervisor: Supervisor, record: dict, team: Team | None, region: str) -> list[str]:
        """The fields the row changes, named as services.people.update_supervisor names them."""
        changed = [name for name, value in (("name", record["name"]), ("team_id", getattr(team, "id", None)),
                                            ("region", region)) if getattr(supervisor, name) != value]
        changed += [a for a in ("phone", "email") if a in record and getattr(supervisor, a) != record[a]]
        if "work_types" in record and {w.id for w in supervisor.work_types} != {w.id for w in record["work_types"]}:
            changed.append("work_types")
        if pattern_changes(supervisor, record["pattern"]):
            changed.append("availability")
        return changed

    def export_rows(self) -> list[list]:
        supervisors = db.session.scalars(
            select(Supervisor).where(Supervisor.archived.is_(False))
            .options(selectinload(Supervisor.team), selectinload(Supervisor.work_types),
                     selectinload(Supervisor.availability))
            .order_by(Supervisor.region, Supervisor.name, Supervisor.id)
        )
        return [self.export_row(s) for s in supervisors]

    @staticmethod
    def export_row(s: Supervisor) -> list:
        return [s.id, s.name, s.team.name if s.team else "", s.region, s.email, s.phone,
                ",".join(sorted(w.code for w in s.work_types)), *pattern_cells(s)]
