"""Team membership rules that hold however an employee is added: form, import or seed."""
from __future__ import annotations

from flask_babel import gettext as _, ngettext
from sqlalchemy import func, select

from ..extensions import db
from ..formatting import name_key
from ..models import Employee, Team
from . import ServiceError


def ensure_room_in_team(team_id: int, *, moving_employee_id: int | None = None) -> Team:
    """Refuse when the team already has its maximum (at most 15) of active employees.

    The team row is locked (on PostgreSQL) so two people adding the 15th member at once cannot
    both succeed.
    """
    team = db.session.execute(
        select(Team).where(Team.id == team_id).with_for_update()
    ).scalar_one_or_none()
    if team is None:
        raise ServiceError(_("Dit team bestaat niet."), field="team_id")
    if team.archived:
        raise ServiceError(_("%(name)s is gearchiveerd.", name=team_called(team.name)), field="team_id")
    query = select(func.count(Employee.id)).where(Employee.team_id == team_id, Employee.archived.is_(False))
    if moving_employee_id is not None:
        query = query.where(Employee.id != moving_employee_id)
    members = db.session.scalar(query) or 0
    if members >= team.max_size:
        raise ServiceError(ngettext("%(name)s is vol: er is al %(num)d medewerker en het maximum is %(max)d.",
                                    "%(name)s is vol: er zijn al %(num)d medewerkers en het maximum is %(max)d.",
                                    members, name=team_called(team.name), max=team.max_size), field="team_id")
    return team


def team_name_taken(name: str, exclude_id: int | None = None) -> bool:
    """Whether another team has this name, apart from case, accents and spacing ("Téam Den Haag 1"
    beside "Team Den Haag 1"), as for ministries, locations and work types (services/admin.py):
    two teams that read alike in a list are one too many. Archived ones count: they can come back."""
    key = name_key(name)
    names = db.session.execute(select(Team.id, Team.name)).all()
    if any(team_id == exclude_id and name_key(own) == key for team_id, own in names):
        # The team keeps its name: two names saved under the older rule (case only) may differ in
        # accents alone; each team can still be edited, a new clash is what is refused.
        return False
    return any(name_key(other) == key for team_id, other in names if team_id != exclude_id)


def team_named(name: str) -> Team | None:
    """The team with this name as a reader reads it (name_key: case, accents and spacing aside),
    as typed on the command line; None when there is none. Names are unique by that key."""
    key = name_key(name)
    exact = db.session.scalar(select(Team).where(Team.name == name))
    if exact is not None:
        return exact
    return next((team for team in db.session.scalars(select(Team)) if name_key(team.name) == key), None)


def team_called(name: str) -> str:
    """A team in a sentence: most are called "Team ..." already ("Team Team Den Haag 1 is vol"
    would say it twice), the others get the word."""
    return name if name.split(" ", 1)[0].lower() == "team" else _("Team %(name)s", name=name)
