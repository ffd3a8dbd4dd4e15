"""Management of users, ministries, locations and work types: the rules that hold however they change."""
from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field

from flask_babel import format_date, format_decimal, get_locale, ngettext
from flask_babel import gettext as _
from sqlalchemy import and_, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload
from werkzeug.security import generate_password_hash

from .. import audit
from ..extensions import db
from ..formatting import name_key, week_of
from ..models import (
    AuditEvent,
    CalendarToken,
    DeploymentRequest,
    Employee,
    FeedKind,
    Location,
    Ministry,
    PublishedShift,
    RequestDayAsked,
    Role,
    SupervisionAssignment,
    Team,
    User,
    WorkType,
    employee_location,
    employee_work_type,
    ministry_work_type,
    supervisor_work_type,
    utcnow,
)
from . import ServiceError, accounts, tokens
from .submissions import FORM_KEPT, SentBefore, form_key, hold_form, made_by_form, refuse_if_sent_before  # noqa: F401 (made_by_form: the forms call it here)
from .regions import known_region
from .access_told import address_differs, tell_place_changed
from .requests import RUNNING, running_where, today
from .rosters import at_short_notice, minute_now
from .users import validate_password

PICTOGRAMS = ("keyboard", "car", "folder", "building", "broom", "laptop")
# One account per person: shared mailboxes hide who did what in the audit log.
GENERIC_LOCAL_PARTS = frozenset({"info", "admin", "team", "planning", "noreply", "no-reply"})
MIN_CONTRAST = 4.5
MAX_TEAMS_PER_LEADER = 200

HEX_COLOUR_RE = re.compile(r"^#[0-9a-fA-F]{6}\Z")
POSTCODE_RE = re.compile(r"^([1-9][0-9]{3})\s?([A-Za-z]{2})\Z")
MINISTRY_CODE_RE = re.compile(r"^[A-Za-z0-9&-]{1,20}\Z")
SLUG_CODE_RE = re.compile(r"^[A-Za-z0-9_-]+\Z")


def role_label(role: str) -> str:
    return {
        Role.ADMIN.value: _("Beheerder"),
        Role.PLANNER.value: _("Planner"),
        Role.TEAM_LEADER.value: _("Teamleider"),
        Role.MINISTRY_CONTACT.value: _("Contactpersoon ministerie"),
    }.get(role, role)


def pictogram_label(name: str) -> str:
    return {
        "keyboard": _("Toetsenbord"),
        "car": _("Auto"),
        "folder": _("Map"),
        "building": _("Gebouw"),
        "broom": _("Bezem"),
        "laptop": _("Laptop"),
    }.get(name, name)


# --- checks shared by the forms and the operations ------------------------------------------


def contrast_with_white(colour: str) -> float:
    """The WCAG 2.1 contrast ratio of white text on this #rrggbb background."""

    def channel(hex_pair: str) -> float:
        c = int(hex_pair, 16) / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(colour[i:i + 2]) for i in (1, 3, 5))
    luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return 1.05 / (luminance + 0.05)


def check_colour(colour: str) -> str | None:
    if not HEX_COLOUR_RE.match(colour or ""):
        return _("Vul een kleur in als # met 6 tekens (0-9 en a-f), bijvoorbeeld #1d5c96.")
    ratio = contrast_with_white(colour)
    if ratio < MIN_CONTRAST:
        # Rounded down, so 4.49 never reads as an acceptable "4,5".
        shown = format_decimal(int(ratio * 10) / 10, format="0.0")  # '4,4' in Dutch, '4.4' in English
        return _(
            "Deze kleur is te licht voor witte tekst: het contrast is %(ratio)s op 1 en moet minstens 4,5 op 1 zijn. "
            "Kies een donkerdere kleur.",
            ratio=shown,
        )
    return None


def normalise_postcode(postcode: str) -> str:
    """'1234ab' -> '1234 AB'; ValueError when it is not a Dutch postcode."""
    text = (postcode or "").strip()
    if not text:
        return ""
    match = POSTCODE_RE.match(text)
    if not match:
        raise ValueError(text)
    return f"{match.group(1)} {match.group(2).upper()}"


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def check_personal_email(email: str) -> str | None:
    local = normalise_email(email).split("@", 1)[0]
    if local in GENERIC_LOCAL_PARTS:
        return _(
            "Gebruik een persoonlijk e-mailadres. Eén account is voor één persoon. "
            "Een adres als %(local)s@ kan niet.",
            local=local,
        )
    return None


def email_taken(email: str, exclude_id: int | None = None) -> bool:
    query = select(User.id).where(func.lower(User.email) == normalise_email(email))
    if exclude_id is not None:
        query = query.where(User.id != exclude_id)
    return db.session.scalar(query) is not None


def _taken(column, value: str, exclude_id: int | None) -> bool:
    query = select(column.class_.id).where(func.lower(column) == (value or "").strip().lower())
    if exclude_id is not None:
        query = query.where(column.class_.id != exclude_id)
    return db.session.scalar(query.limit(1)) is not None


def ministry_code_taken(code: str, exclude_id: int | None = None) -> bool:
    return _taken(Ministry.code, code, exclude_id)


def _name_taken(column, value: str, exclude_id: int | None, *where) -> bool:
    """Whether another row has this name, apart from case, accents and spacing: two choices
    that read alike in a list are one too many. Catalog tables are small: compared here."""
    key = name_key(value)
    rows = db.session.execute(select(column.class_.id, column).where(*where))
    return any(name_key(name) == key for row_id, name in rows if row_id != exclude_id)


def ministry_name_taken(name: str, exclude_id: int | None = None) -> bool:
    return _name_taken(Ministry.name, name, exclude_id)


def location_code_taken(code: str, exclude_id: int | None = None) -> bool:
    return _taken(Location.code, code, exclude_id)


def work_type_code_taken(code: str, exclude_id: int | None = None) -> bool:
    return _taken(WorkType.code, code, exclude_id)


def work_type_name_taken(name: str, exclude_id: int | None = None) -> bool:
    return _name_taken(WorkType.name_nl, name, exclude_id)


def work_type_english_name_taken(name: str, exclude_id: int | None = None) -> bool:
    return _name_taken(WorkType.name_en, name, exclude_id)


def location_name_taken(name: str, city: str, ministry_id: int | None, exclude_id: int | None = None) -> bool:
    """Whether the ministry has another location of this name in this city (any case or accent): its
    contacts would see two choices alike in the request form."""
    return _name_taken(Location.name, name, exclude_id, Location.ministry_id == ministry_id,
                       func.lower(Location.city) == (city or "").strip().lower())


def usable_ministry(ministry_id: int | None, keep_id: int | None = None) -> tuple[Ministry | None, str | None]:
    """The ministry for a location or contact, or a message; `keep_id` may stay even if archived."""
    ministry = db.session.get(Ministry, ministry_id) if isinstance(ministry_id, int) else None
    if ministry is None:
        return None, _("Kies een ministerie uit de lijst.")
    if ministry.archived and ministry.id != keep_id:
        return None, _("%(ministry)s is gearchiveerd. Kies een ander ministerie.", ministry=label_of(ministry))
    return ministry, None


def teams_choosable(team_ids, keep_ids=frozenset()) -> list[Team] | None:
    """The teams, or None when one does not exist or is archived (and was not already linked)."""
    wanted = {i for i in team_ids if isinstance(i, int)}
    # A tampered form with thousands of ids would exceed the database's parameter limit.
    if len(wanted) != len(set(team_ids)) or len(wanted) > MAX_TEAMS_PER_LEADER:
        return None
    teams = list(db.session.scalars(select(Team).where(Team.id.in_(wanted)))) if wanted else []
    if len(teams) != len(wanted) or any(t.archived and t.id not in keep_ids for t in teams):
        return None
    return teams


def _commit_unique(message: str, field_name: str, *, flush: bool = False) -> None:
    """Commit (or only flush); a unique index that a concurrent change beat us to becomes a
    Dutch refusal. A new row is flushed before its audit row needs its id: the same form sent
    twice within a fraction of a second fails there (a 500 before), so that flush goes through
    here too."""
    try:
        db.session.flush() if flush else db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise ServiceError(message, field=field_name) from None


def _add_new(obj, action: str, duplicate_message: str, field_name: str, key: str | None) -> None:
    """Add and flush a new row (its audit row needs the id). A copy of the same form sent at the
    same moment (`key`) waits for the first (PostgreSQL: the key's lock; SQLite: the write lock at
    the flush) and then finds what it made: SentBefore, nothing added. Another row with its
    unique code becomes a Dutch refusal (a 500 before)."""
    db.session.add(obj)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        refuse_if_sent_before(action, type(obj), key)
        raise ServiceError(duplicate_message, field=field_name) from None
    refuse_if_sent_before(action, type(obj), key)


def _with_form(detail: str, key: str | None) -> str:
    """An audit detail with the key of the form that made the row: the same form sent twice makes one."""
    return f"{detail} form={key}" if key else detail


def deleted_before(kind_model, obj_id: int) -> str | None:
    """The name of a ministry, location or work type with this id deleted lately (its audit row
    says so), as it was named then; None when none was. A second click on "Ja, verwijderen" finds
    it gone: it went through."""
    prefix = _action_prefix_of(kind_model)
    detail = db.session.scalar(select(AuditEvent.detail).where(
        AuditEvent.action == f"{prefix}_deleted", AuditEvent.object_id == str(obj_id),
        AuditEvent.result == "ok", AuditEvent.at >= utcnow() - FORM_KEPT,
    ).order_by(AuditEvent.id.desc()).limit(1))
    return None if detail is None else deleted_label(detail)


def _changed(obj, values: dict) -> list[str]:
    changed = []
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed.append(name)
    return changed


# --- users ----------------------------------------------------------------------------------


@dataclass
class UserInput:
    email: str
    name: str
    role: str
    ministry_id: int | None = None
    team_ids: list[int] = field(default_factory=list)
    password: str | None = None  # only when creating


# Roles that always keep one active account: without an admin nobody can manage accounts, and
# without a planner requests stall (only a planner accepts or declines them).
KEPT_ROLES = (Role.ADMIN.value, Role.PLANNER.value)


def lock_active(role: str) -> None:
    """Lock every active row of a kept role, in id order (PostgreSQL; SQLite ignores FOR UPDATE),
    before one account stops having it: two admins switching off two of them at the same moment
    then take turns, and the second counts after the first committed. Id order, so neither waits
    for a row the other holds while holding one it wants; one change locks one role's rows only."""
    db.session.execute(select(User.id).where(User.role == role, User.active.is_(True))
                       .order_by(User.id).with_for_update()).all()


def lock_active_admins() -> None:
    lock_active(Role.ADMIN.value)


def _none_active_left(role: str) -> bool:
    """Whether no active account of `role` is left, counted after this transaction wrote its
    change (flushed): on SQLite that write holds the database's write lock until commit, so a
    change by someone else at the same moment is either in this count or waits for it; on
    PostgreSQL the rows locked by lock_active do the same."""
    db.session.flush()
    return not db.session.scalar(
        select(func.count(User.id)).where(User.role == role, User.active.is_(True)))


def _no_active_admin_left() -> bool:
    return _none_active_left(Role.ADMIN.value)


def _last_planner_message() -> str:
    return _("Dit is de laatste actieve planner. Zonder planner kan niemand aanvragen accepteren of afwijzen. "
             "Maak eerst iemand anders planner.")


def _resolve_user_links(data: UserInput, user: User | None) -> tuple[Ministry | None, list[Team]]:
    if data.role not in {r.value for r in Role}:
        raise ServiceError(_("Kies een rol uit de lijst."), field="role")
    ministry = None
    if data.role == Role.MINISTRY_CONTACT.value:
        if data.ministry_id is None:
            raise ServiceError(_("Een contactpersoon van een ministerie hoort bij een ministerie. Kies er een."),
                               field="ministry_id")
        ministry, problem = usable_ministry(data.ministry_id, keep_id=user.ministry_id if user else None)
        if problem:
            raise ServiceError(problem, field="ministry_id")
    elif data.ministry_id is not None:
        raise ServiceError(_("Alleen een contactpersoon van een ministerie hoort bij een ministerie. "
                             "Kies bij ministerie: geen."), field="ministry_id")
    teams: list[Team] = []
    if data.team_ids:
        if data.role != Role.TEAM_LEADER.value:
            raise ServiceError(_("Alleen een teamleider heeft teams. Zet de teams uit of kies de rol teamleider."),
                               field="team_ids")
        teams = teams_choosable(data.team_ids, keep_ids={t.id for t in user.teams} if user else set())
        if teams is None:
            raise ServiceError(_("Kies teams uit de lijst."), field="team_ids")
    return ministry, sorted(teams, key=lambda t: t.name)


def _check_email(email: str, user: User | None) -> str:
    email = normalise_email(email)
    if not email or "@" not in email:
        raise ServiceError(_("Vul een geldig e-mailadres in."), field="email")
    if user is None or email != normalise_email(user.email):
        problem = check_personal_email(email)
        if problem:
            raise ServiceError(problem, field="email")
    if email_taken(email, exclude_id=user.id if user else None):
        raise ServiceError(_("Er is al een account met e-mailadres %(email)s.", email=email), field="email")
    return email


def create_user(data: UserInput, *, submission: str = "") -> User:
    """Make an account. `submission` names the form: sent again, even at the same moment, it makes
    no second account (SentBefore with the first)."""
    key = form_key(submission)
    hold_form(key)
    refuse_if_sent_before("user_created", User, key)
    email = _check_email(data.email, None)
    name = (data.name or "").strip()
    if not name:
        raise ServiceError(_("Vul een naam in."), field="name")
    problem = validate_password(data.password or "")
    if problem:
        raise ServiceError(problem, field="password")
    ministry, teams = _resolve_user_links(data, None)
    # The admin chose this password, so the person picks their own at first login.
    user = User(email=email, name=name, role=data.role, ministry=ministry,
                password_hash=generate_password_hash(data.password), active=True, must_change_password=True)
    user.teams = teams
    taken = _("Er is al een account met e-mailadres %(email)s.", email=email)
    _add_new(user, "user_created", taken, "email", key)
    audit.record("user_created", user, detail=_with_form(f"email={email} role={data.role}", key))
    _commit_unique(taken, "email")
    return user


class LeaderOwnsAccount(ServiceError):
    """A refusal to change what a team leader's account sees: the page links the leader's page,
    where it can change."""

    def __init__(self, message: str, leader, field: str | None = None):
        super().__init__(message, field=field)
        self.leader = leader


def update_user(user: User, data: UserInput, *, actor: User | None = None) -> list[str]:
    email = _check_email(data.email, user)
    name = (data.name or "").strip()
    if not name:
        raise ServiceError(_("Vul een naam in."), field="name")
    ministry, teams = _resolve_user_links(data, user)
    leader = user.supervisor
    if leader is not None and not leader.archived and leader.team is not None and leader.team not in teams:
        # The account is how the team's own leader sees the team: taking the team (or the role)
        # away here would leave the team leader list and the account out of step.
        raise LeaderOwnsAccount(_("%(name)s is de teamleider van %(team)s en moet dat team blijven zien. Moet %(name)s een "
                                  "ander team leiden, of geen? Verander dat eerst op de pagina van de teamleider.",
                                  name=leader.name, team=leader.team.name), leader,
                                field="role" if data.role != Role.TEAM_LEADER.value else "team_ids")
    demoting = data.role != user.role and user.role == Role.ADMIN.value
    if demoting:
        if actor is not None and actor.id == user.id:
            _refuse("user_changed", user, _("Je kunt je eigen rol niet veranderen. Vraag dat aan een andere beheerder."),
                    field="role", reason="own admin role")
        lock_active_admins()
    # An inactive planner plans nothing: only an active one leaving the role can stall intake.
    leaving_planning = data.role != user.role and user.role == Role.PLANNER.value and user.active
    if leaving_planning:
        lock_active(Role.PLANNER.value)
    # What someone may see hangs on role, ministry and teams, and whose account it is on e-mail
    # address and name: log those with before and after.
    before = {"email": user.email, "name": user.name, "role": user.role, "ministry_id": user.ministry_id,
              "teams": sorted(t.id for t in user.teams)}
    before_teams = list(user.teams)
    changed = _changed(user, {"email": email, "name": name, "role": data.role,
                              "ministry_id": ministry.id if ministry else None})
    if before["teams"] != sorted(t.id for t in teams):
        user.teams = teams
        changed.append("teams")
    taken = _("Er is al een account met e-mailadres %(email)s.", email=email)
    if demoting:
        _commit_unique(taken, "email", flush=True)
        if _no_active_admin_left():
            _refuse("user_changed", user, _("Dit is de laatste actieve beheerder. Maak eerst iemand anders beheerder."),
                    field="role", reason="last active admin")
    if leaving_planning:
        _commit_unique(taken, "email", flush=True)
        if _none_active_left(Role.PLANNER.value):
            _refuse("user_changed", user, _last_planner_message(), field="role", reason="last active planner")
    if "teams" in changed:
        _stop_team_links(user, [team for team in before_teams if team not in teams])
    if changed:
        after = {"email": user.email, "name": user.name, "role": user.role, "ministry_id": user.ministry_id,
                 "teams": sorted(t.id for t in teams)}
        detail = ", ".join(f"{key} ({audit.as_audited(before[key])} -> {audit.as_audited(after[key])})" for key in changed)
        audit.record("user_changed", user, detail="changed: " + detail)
        _commit_unique(taken, "email")
    return changed


def _refuse(action: str, user: User, message: str, *, reason: str, field: str | None = None):
    """Refuse a change that could lock everyone out, and keep a trace of the attempt."""
    db.session.rollback()
    audit.record(action, user, result="refused", detail=reason)
    db.session.commit()
    raise ServiceError(message, field=field)


def set_user_active(user: User, active: bool, *, actor: User | None = None) -> None:
    if user.active == active:
        return
    if not active:
        if actor is not None and actor.id == user.id:
            _refuse("user_deactivated", user, _("Je kunt je eigen account niet deactiveren. Vraag dat aan een andere beheerder."),
                    reason="own account")
        if user.role in KEPT_ROLES:
            lock_active(user.role)
    user.active = active
    if not active and user.role == Role.ADMIN.value and _no_active_admin_left():
        _refuse("user_deactivated", user, _("Dit is de laatste actieve beheerder. Die kun je niet deactiveren."),
                reason="last active admin")
    if not active and user.role == Role.PLANNER.value and _none_active_left(Role.PLANNER.value):
        _refuse("user_deactivated", user, _last_planner_message(), reason="last active planner")
    # Both ways: a deactivated account's sessions end, and reactivation never brings one back.
    accounts.end_sessions(user)
    audit.record("user_reactivated" if active else "user_deactivated", user)
    if not active:
        _stop_team_links(user, user.teams)
    db.session.commit()


def _stop_team_links(user: User, teams) -> None:
    """An account that no longer sees these teams (taken off it, or deactivated): each team's
    link of the whole team's calendar stops, as when a leader leaves the team (services.people.
    follow_team_access). Whoever used the account may still have that link, with every employee's
    name, place and times; the team's other leaders make a new one. Does not commit."""
    for team in sorted(teams, key=lambda t: t.id):
        tokens.revoke_team_links(team, "account_lost_team")


def unlock_user(user: User) -> bool:
    """Lift the lock after too many wrong passwords or codes, so the person can try again at once;
    False when the account was not locked (any more)."""
    if not accounts.is_locked(user):
        return False
    user.failed_logins = 0
    user.locked_until = None
    audit.record("account_unlock", user)
    db.session.commit()
    return True


# --- what refers to a ministry, location or work type ---------------------------------------


def _uses(checks) -> list[str]:
    uses = []
    for query, describe in checks:
        n = db.session.scalar(query) or 0
        if n:
            uses.append(describe(n))
    return uses


def ministry_usage(ministry: Ministry) -> list[str]:
    return _uses([
        (select(func.count(Location.id)).where(Location.ministry_id == ministry.id),
         lambda n: ngettext("%(num)d locatie", "%(num)d locaties", n)),
        (select(func.count(DeploymentRequest.id)).where(DeploymentRequest.ministry_id == ministry.id),
         lambda n: ngettext("%(num)d inzetaanvraag", "%(num)d inzetaanvragen", n)),
        (select(func.count(User.id)).where(User.ministry_id == ministry.id),
         lambda n: ngettext("%(num)d gebruiker", "%(num)d gebruikers", n)),
    ])


def location_usage(location: Location) -> list[str]:
    return _uses([
        (select(func.count(DeploymentRequest.id)).where(DeploymentRequest.location_id == location.id),
         lambda n: ngettext("%(num)d inzetaanvraag", "%(num)d inzetaanvragen", n)),
        # A request that moved elsewhere keeps the days it asked here (reports of them).
        (select(func.count(func.distinct(RequestDayAsked.request_id))).where(RequestDayAsked.location_id == location.id),
         lambda n: ngettext("%(num)d inzetaanvraag die hier eerder om mensen vroeg",
                            "%(num)d inzetaanvragen die hier eerder om mensen vroegen", n)),
        (select(func.count(Team.id)).where(Team.home_location_id == location.id),
         lambda n: ngettext("%(num)d team met deze vaste locatie", "%(num)d teams met deze vaste locatie", n)),
        (select(func.count()).select_from(employee_location).where(employee_location.c.location_id == location.id),
         lambda n: ngettext("%(num)d medewerker die hier mag werken", "%(num)d medewerkers die hier mogen werken", n)),
        (select(func.count(SupervisionAssignment.id)).where(SupervisionAssignment.location_id == location.id),
         lambda n: ngettext("%(num)d begeleidingsdienst in roosters", "%(num)d begeleidingsdiensten in roosters", n)),
        (select(func.count(PublishedShift.id)).where(PublishedShift.location_id == location.id),
         lambda n: ngettext("%(num)d gepubliceerde dienst", "%(num)d gepubliceerde diensten", n)),
        (select(func.count(CalendarToken.id)).where(CalendarToken.location_id == location.id),
         lambda n: ngettext("%(num)d agendalink", "%(num)d agendalinks", n)),
    ])


def work_type_usage(work_type: WorkType) -> list[str]:
    return _uses([
        (select(func.count(DeploymentRequest.id)).where(DeploymentRequest.work_type_id == work_type.id),
         lambda n: ngettext("%(num)d inzetaanvraag", "%(num)d inzetaanvragen", n)),
        (select(func.count(func.distinct(RequestDayAsked.request_id))).where(RequestDayAsked.work_type_id == work_type.id),
         lambda n: ngettext("%(num)d inzetaanvraag die eerder om dit werk vroeg",
                            "%(num)d inzetaanvragen die eerder om dit werk vroegen", n)),
        (select(func.count()).select_from(employee_work_type)
         .where(employee_work_type.c.work_type_id == work_type.id),
         lambda n: ngettext("%(num)d medewerker die dit werk doet", "%(num)d medewerkers die dit werk doen", n)),
        (select(func.count()).select_from(supervisor_work_type)
         .where(supervisor_work_type.c.work_type_id == work_type.id),
         lambda n: ngettext("%(num)d begeleider van dit werk", "%(num)d begeleiders van dit werk", n)),
        (select(func.count(PublishedShift.id)).where(PublishedShift.work_type_id == work_type.id),
         lambda n: ngettext("%(num)d gepubliceerde dienst", "%(num)d gepubliceerde diensten", n)),
        (select(func.count()).select_from(ministry_work_type)
         .where(ministry_work_type.c.work_type_id == work_type.id),
         lambda n: ngettext("%(num)d ministerie met een afspraak hierover",
                            "%(num)d ministeries met een afspraak hierover", n)),
    ])


USAGE = {Ministry: ministry_usage, Location: location_usage, WorkType: work_type_usage}


def work_type_name(work_type: WorkType) -> str:
    """The work type's name in the reader's language."""
    return work_type.name_nl if str(get_locale() or "nl") == "nl" else work_type.name_en


def agreement_names(work_types) -> list[str]:
    """A ministry's agreement (or the work types to choose from) as the reader sees it: names in
    their language, in their alphabetical order, an archived one marked (it can no longer be
    requested, though it stays in the agreement)."""
    names = [_("%(name)s (gearchiveerd)", name=work_type_name(w)) if w.archived else work_type_name(w)
             for w in work_types]
    return sorted(names, key=str.casefold)


def label_of(obj) -> str:
    return {
        Ministry: lambda: _ministry_label(obj.name),
        Location: lambda: _("Locatie %(name)s", name=obj.name),
        WorkType: lambda: _("Werksoort %(name)s", name=work_type_name(obj)),
    }[type(obj)]()


def _ministry_label(name: str) -> str:
    # Most names already start with "Ministerie van ...": do not say it twice.
    return name if name.lower().startswith("ministerie") else _("Ministerie %(name)s", name=name)


DELETED_MARK = "deleted: "


def deleted_detail(obj) -> str:
    """What a deletion's audit row keeps of the item: its kind and names (a work type's in both
    languages), as JSON, so every reader gets it worded in their own language (deleted_label)."""
    names = {"name_nl": obj.name_nl, "name_en": obj.name_en} if isinstance(obj, WorkType) else {"name": obj.name}
    return DELETED_MARK + json.dumps({"kind": _action_prefix(obj), **names}, ensure_ascii=False)


def deleted_label(detail: str, *, bare: bool = False) -> str:
    """A deletion's audit detail as label_of named the item, in the reader's language (`bare`: a
    work type's name alone). A row from before deleted_detail held the label in the deleting
    admin's language: it stays as it was."""
    if not (detail or "").startswith(DELETED_MARK):
        return detail or ""
    try:
        facts = json.loads(detail[len(DELETED_MARK):])
        kind = facts["kind"]
    except (ValueError, KeyError, TypeError):
        return detail
    if kind == "work_type":
        name = facts.get("name_nl" if str(get_locale() or "nl") == "nl" else "name_en", "")
        return name if bare else _("Werksoort %(name)s", name=name)
    if kind == "ministry":
        return _ministry_label(facts.get("name", ""))
    if kind == "location":
        return _("Locatie %(name)s", name=facts.get("name", ""))
    return detail


def delete_catalog_item(obj) -> None:
    """Delete a ministry, location or work type that nothing refers to; otherwise refuse and say why."""
    uses = USAGE[type(obj)](obj)
    if uses:
        raise ServiceError(_(
            "%(what)s is nog in gebruik: %(uses)s. Verwijderen kan daarom niet. "
            "Archiveer het, dan blijft alles bewaard en kun je het niet meer kiezen.",
            what=label_of(obj), uses=", ".join(uses),
        ))
    label = label_of(obj)
    audit.record(f"{_action_prefix(obj)}_deleted", obj, detail=deleted_detail(obj))
    db.session.delete(obj)
    try:
        db.session.commit()
    except IntegrityError:
        # Something started using it between the check and the delete.
        db.session.rollback()
        raise ServiceError(_("%(what)s is net in gebruik genomen. Verwijderen kan niet; archiveer het.",
                             what=label)) from None


def set_catalog_archived(obj, archived: bool) -> list[Location]:
    """Archive a catalog item, or take it back. Returns the locations archived along with a
    ministry (its locations go with it, see _archive_locations_of); else []."""
    if archived:
        # Locked, so a request filed for it right now waits and then finds it archived.
        db.session.refresh(obj, with_for_update=True)
    if obj.archived == archived:
        return []
    if archived and isinstance(obj, Location):
        _refuse_archiving_a_location_in_use(obj)
    if archived and isinstance(obj, WorkType):
        _refuse_archiving_a_work_type_in_use(obj)
    if archived and isinstance(obj, Ministry):
        _refuse_archiving_a_ministry_with_running_requests(obj)
    if not archived and isinstance(obj, Location) and obj.ministry.archived:
        raise ServiceError(_(
            "%(ministry)s is gearchiveerd. Haal eerst het ministerie uit het archief, "
            "of kies voor deze locatie een ander ministerie.", ministry=label_of(obj.ministry),
        ))
    obj.archived = archived
    audit.record(f"{_action_prefix(obj)}_{'archived' if archived else 'unarchived'}", obj)
    along = _archive_locations_of(obj) if archived and isinstance(obj, Ministry) else []
    db.session.commit()
    return along


def _archive_locations_of(ministry: Ministry) -> list[Location]:
    """An archived ministry's locations are archived with it: else the team form and the request
    forms keep offering places nobody works for any more. They stay for history; taking the
    ministry back leaves them archived, as which of them are needed again is the admin's call."""
    locations = db.session.scalars(select(Location).where(
        Location.ministry_id == ministry.id, Location.archived.is_(False))
        .order_by(Location.id).with_for_update()).all()
    for location in locations:
        # The ministry's running requests were refused above; people still told to come would
        # lose the location's calendar.
        _refuse_archiving_a_location_people_come_to(location)
        location.archived = True
        audit.record("location_archived", location, detail="with its ministry")
    return list(locations)


# How many running requests a refusal names (the page links them); the others it counts.
NAMED_REQUESTS = 3


@dataclass(frozen=True)
class NamedRequest:
    id: int
    label: str  # "aanvraag 12 (Schoonmaak)", as the refusal's text says it


class HeldByRequests(ServiceError):
    """A refusal that names the running requests holding it back: the page links each one."""

    def __init__(self, message: str, requests: list[NamedRequest], field: str | None = None):
        super().__init__(message, field=field)
        self.requests = requests


@dataclass
class RunningRequests:
    count: int
    last: dt.date | None
    requests: list[NamedRequest]  # the first NAMED_REQUESTS, soonest ending first
    names: str  # "aanvraag 12 (Schoonmaak), aanvraag 14 (Ramen) en nog 2 andere"

    def __bool__(self) -> bool:
        return self.count > 0


def _running_requests(*conditions, describe) -> RunningRequests:
    """The requests meeting `conditions` that still run (see requests.running_where), each
    named as `describe(request)` says what it is."""
    count, last = running_where(*conditions)
    if not count:
        return RunningRequests(0, None, [], "")
    found = db.session.scalars(
        select(DeploymentRequest)
        .options(joinedload(DeploymentRequest.location), joinedload(DeploymentRequest.work_type))
        .where(*conditions, DeploymentRequest.status.in_(RUNNING), DeploymentRequest.end_date >= today())
        .order_by(DeploymentRequest.end_date, DeploymentRequest.id).limit(NAMED_REQUESTS)
    ).all()
    named = [NamedRequest(r.id, _("aanvraag %(id)s (%(what)s)", id=r.id, what=describe(r))) for r in found]
    names = ", ".join(n.label for n in named)
    if count > len(named):
        names = ngettext("%(names)s en nog %(num)d andere", "%(names)s en nog %(num)d andere",
                         count - len(named), names=names)
    return RunningRequests(count, last, named, names)


def _refuse_archiving_a_location_in_use(location: Location) -> None:
    """Rosters and the ministry's page still need a location while requests run there, and so
    do the people still told to come there (see _refuse_archiving_a_location_people_come_to)."""
    running = _running_requests(DeploymentRequest.location_id == location.id,
                                describe=lambda r: work_type_name(r.work_type))
    if running:
        raise HeldByRequests(ngettext(
            "Locatie %(name)s heeft nog %(num)d lopende inzetaanvraag, tot en met %(until)s. "
            "Archiveren kan pas als die is afgelopen, afgewezen of geannuleerd.",
            "Locatie %(name)s heeft nog %(num)d lopende inzetaanvragen, de laatste tot en met %(until)s. "
            "Archiveren kan pas als die zijn afgelopen, afgewezen of geannuleerd.",
            running.count, name=location.name, until=format_date(running.last, "d MMMM yyyy"),
        ) + " " + _("Het gaat om %(requests)s.", requests=running.names), running.requests)
    _refuse_archiving_a_location_people_come_to(location)


def _refuse_archiving_a_location_people_come_to(location: Location) -> None:
    """A request cancelled or declined leaves its published shifts standing until the planner
    publishes the week again: until then people are told to come, and an archived location
    would stop the ministry's calendar of the visits still told."""
    told = told_to_come(location)
    if told.people:
        raise ServiceError(ngettext(
            "Op locatie %(name)s komt nog %(num)d medewerker werken volgens het gepubliceerde rooster, "
            "tot en met %(until)s (%(weeks)s). Archiveren kan pas als niemand hier meer hoeft te komen. "
            "Gaat dit werk niet door? Dan moet de planner de roosters van die weken opnieuw publiceren.",
            "Op locatie %(name)s komen nog %(num)d medewerkers werken volgens het gepubliceerde rooster, "
            "tot en met %(until)s (%(weeks)s). Archiveren kan pas als niemand hier meer hoeft te komen. "
            "Gaat dit werk niet door? Dan moet de planner de roosters van die weken opnieuw publiceren.",
            told.people, name=location.name, until=format_date(told.last, "d MMMM yyyy"),
            weeks="; ".join(f"{team}: {', '.join(weeks)}" for team, weeks in told.weeks.items()),
        ))


def _refuse_archiving_a_work_type_in_use(work_type: WorkType) -> None:
    """As for a location: rosters and the ministry's page still need the work while requests run."""
    running = _running_requests(DeploymentRequest.work_type_id == work_type.id,
                                describe=lambda r: r.location.name)
    if running:
        raise HeldByRequests(ngettext(
            "Werksoort %(name)s heeft nog %(num)d lopende inzetaanvraag, tot en met %(until)s. "
            "Archiveren kan pas als die is afgelopen, afgewezen of geannuleerd.",
            "Werksoort %(name)s heeft nog %(num)d lopende inzetaanvragen, de laatste tot en met %(until)s. "
            "Archiveren kan pas als die zijn afgelopen, afgewezen of geannuleerd.",
            running.count, name=work_type_name(work_type), until=format_date(running.last, "d MMMM yyyy"),
        ) + " " + _("Het gaat om %(requests)s.", requests=running.names), running.requests)


def _refuse_archiving_a_ministry_with_running_requests(ministry: Ministry) -> None:
    """Archived, a ministry's contacts can no longer follow or change its requests, and its
    running requests could no longer be accepted: they end (or are declined) first."""
    running = _running_requests(DeploymentRequest.ministry_id == ministry.id,
                                describe=lambda r: f"{work_type_name(r.work_type)}, {r.location.name}")
    if running:
        raise HeldByRequests(ngettext(
            "%(name)s heeft nog %(num)d lopende inzetaanvraag, tot en met %(until)s. "
            "Archiveren kan pas als die is afgelopen, afgewezen of geannuleerd.",
            "%(name)s heeft nog %(num)d lopende inzetaanvragen, de laatste tot en met %(until)s. "
            "Archiveren kan pas als die zijn afgelopen, afgewezen of geannuleerd.",
            running.count, name=label_of(ministry), until=format_date(running.last, "d MMMM yyyy"),
        ) + " " + _("Het gaat om %(requests)s.", requests=running.names), running.requests)


def _action_prefix(obj) -> str:
    return _action_prefix_of(type(obj))


def _new_form(obj, action: str, model, submission: str) -> str | None:
    """For a create (`obj` None): the form's key, once a copy of it sent at the same moment has
    committed (PostgreSQL; SQLite waits at the flush), and SentBefore when one made it already."""
    if obj is not None:
        return None
    key = form_key(submission)
    hold_form(key)
    refuse_if_sent_before(action, model, key)
    return key


def _action_prefix_of(model) -> str:
    return {Ministry: "ministry", Location: "location", WorkType: "work_type"}[model]


# --- ministries -----------------------------------------------------------------------------


def save_ministry(ministry: Ministry | None, *, code: str, name: str,
                  work_type_ids: list[int] | None = None, submission: str = "") -> Ministry:
    """Store a ministry and, when `work_type_ids` is given, the work types of its agreement
    (what its contacts may request; an empty agreement is allowed: nothing yet)."""
    key = _new_form(ministry, "ministry_created", Ministry, submission)
    code, name = (code or "").strip().upper(), (name or "").strip()
    exclude = ministry.id if ministry else None
    if not MINISTRY_CODE_RE.match(code):
        raise ServiceError(_("Vul een code in van hoogstens 20 letters of cijfers, bijvoorbeeld BZK."), field="code")
    if not name:
        raise ServiceError(_("Vul een naam in."), field="name")
    if ministry_code_taken(code, exclude):
        raise ServiceError(_("Er is al een ministerie met code %(code)s.", code=code), field="code")
    if ministry_name_taken(name, exclude):
        raise ServiceError(_("Er is al een ministerie met de naam %(name)s.", name=name), field="name")
    agreed = {} if work_type_ids is None else {"work_types": _agreed_work_types(
        work_type_ids, keep=ministry.work_types if ministry else ())}
    return _save(ministry, Ministry, "ministry", {"code": code, "name": name},
                 _("Er is al een ministerie met deze code of naam."), collections=agreed, with_values=True, key=key)


def _agreed_work_types(ids, keep=()) -> list[WorkType]:
    """The work types for an agreement; an archived one only when it was in it already."""
    wanted = {i for i in ids or () if isinstance(i, int)}
    if len(wanted) != len(set(ids or ())):
        raise ServiceError(_("Kies werksoorten uit de lijst."), field="work_type_ids")
    found = db.session.scalars(select(WorkType).where(WorkType.id.in_(wanted))).all() if wanted else []
    keep_ids = {w.id for w in keep}
    if len(found) != len(wanted) or any(w.archived and w.id not in keep_ids for w in found):
        raise ServiceError(_("Kies werksoorten uit de lijst."), field="work_type_ids")
    return sorted(found, key=lambda w: w.name_nl)


def _save(obj, model, prefix: str, values: dict, duplicate_message: str, *, collections: dict | None = None,
          with_values: bool = False, key: str | None = None):
    """Create or change a catalog object; `collections` (relationship name -> rows) are set too,
    and count as changed when their ids differ. `with_values`: the audit keeps each changed
    field's value before and after ("name (Rijnstraat 8 -> Turfmarkt 147)"; a collection's ids),
    for what holds no personal data: what a place, ministry or work was called, where it was and
    what an agreement held stays traceable. `key`: the key of
    the form that creates it (made_by_form, SentBefore)."""
    collections = collections or {}
    if obj is None:
        obj = model(**values, **collections, archived=False)
        _add_new(obj, f"{prefix}_created", duplicate_message, "code", key)
        audit.record(f"{prefix}_created", obj, detail=_with_form(f"code={values['code']}", key))
    else:
        before = {name: getattr(obj, name) for name in values}
        changed = _changed(obj, values)
        described = [f"{name} ({audit.as_audited(before[name])} -> {audit.as_audited(values[name])})" for name in changed] \
            if with_values else list(changed)
        for name, rows in collections.items():
            ids_before, ids_after = sorted(r.id for r in getattr(obj, name)), sorted(r.id for r in rows)
            if ids_before != ids_after:
                setattr(obj, name, rows)
                changed.append(name)
                # By id: the audit page names them in its reader's language (audit_details).
                described.append(f"{name} ({ids_before} -> {ids_after})" if with_values else name)
        if not changed:
            return obj
        audit.record(f"{prefix}_changed", obj, detail="changed: " + ", ".join(described))
    _commit_unique(duplicate_message, "code")
    return obj


# --- locations ------------------------------------------------------------------------------


@dataclass
class LocationInput:
    code: str
    name: str
    address: str
    postcode: str
    city: str
    region: str
    ministry_id: int | None


def save_location(location: Location | None, data: LocationInput, *, submission: str = "") -> Location:
    key = _new_form(location, "location_created", Location, submission)
    code = (data.code or "").strip().lower()
    exclude = location.id if location else None
    if not SLUG_CODE_RE.match(code) or len(code) > 60:
        raise ServiceError(_("Vul een code in met alleen letters, cijfers en streepjes, bijvoorbeeld dh-rijnstraat."),
                           field="code")
    if location_code_taken(code, exclude):
        raise ServiceError(_("Er is al een locatie met code %(code)s.", code=code), field="code")
    values = {"code": code}
    for name, message in (("name", _("Vul een naam in.")), ("address", _("Vul een adres in.")),
                          ("city", _("Vul een plaats in.")), ("region", _("Vul een regio in."))):
        value = (getattr(data, name) or "").strip()
        if not value:
            raise ServiceError(message, field=name)
        values[name] = value
    try:
        values["postcode"] = normalise_postcode(data.postcode)
    except ValueError:
        raise ServiceError(_("Vul een postcode in als 1234 AB."), field="postcode") from None
    ministry, problem = usable_ministry(data.ministry_id, keep_id=location.ministry_id if location else None)
    if problem:
        raise ServiceError(problem, field="ministry_id")
    values["ministry_id"] = ministry.id
    if location_name_taken(values["name"], values["city"], ministry.id, exclude):
        raise ServiceError(_(
            "%(ministry)s heeft al een locatie %(name)s in %(city)s. Geef deze locatie een andere naam, "
            "bijvoorbeeld met de straat erin.", ministry=label_of(ministry), name=values["name"], city=values["city"],
        ), field="name")
    values["region"] = known_region(values["region"], keep=location.region if location else None,
                                    location_id=exclude)
    if location is not None and (values["region"] != location.region or ministry.id != location.ministry_id):
        # Locked, so a request filed for it right now cannot slip past these checks.
        db.session.refresh(location, with_for_update=True)
        if ministry.id != location.ministry_id:
            _refuse_moving_a_location_with_requests(location)
            # Its calendar link was the old ministry's: it would show the new one's planning.
            tokens.revoke_all(FeedKind.LOCATION, location)
        if values["region"] != location.region:
            _refuse_a_region_its_teams_do_not_share(location, values["region"])
    if location is not None and address_differs(address_of(location), tuple(values[n] for n in ADDRESS_FIELDS)):
        # Another door to go to: told as a change of place, committed with the address by _save.
        tell_place_changed(location.id)
    return _save(location, Location, "location", values, _("Er is al een locatie met code %(code)s.", code=code),
                 with_values=True, key=key)


def _refuse_moving_a_location_with_requests(location: Location) -> None:
    """A request belongs to the ministry that filed it: the location cannot take it elsewhere."""
    count = db.session.scalar(
        select(func.count(DeploymentRequest.id)).where(DeploymentRequest.location_id == location.id)) or 0
    if count:
        raise ServiceError(ngettext(
            "Locatie %(name)s heeft %(num)d inzetaanvraag. Die hoort bij het ministerie dat hem indiende, "
            "dus de locatie kan niet naar een ander ministerie. Maak voor het andere ministerie een nieuwe locatie aan.",
            "Locatie %(name)s heeft %(num)d inzetaanvragen. Die horen bij het ministerie dat ze indiende, "
            "dus de locatie kan niet naar een ander ministerie. Maak voor het andere ministerie een nieuwe locatie aan.",
            count, name=location.name,
        ), field="ministry_id")


def _refuse_a_region_its_teams_do_not_share(location: Location, region: str) -> None:
    """Teams (and so their employees) work only at locations of their own region: the ones
    whose home it is, the employees limited to it, and the work that runs there (a request is
    planned by the teams of its location's region; a team of the old region is told to come)."""
    teams = db.session.scalars(
        select(Team.name).where(Team.home_location_id == location.id, Team.archived.is_(False),
                                Team.region != region).order_by(Team.name)
    ).all()
    employees = db.session.execute(
        select(Team.name, func.count(Employee.id))
        .join(Employee, Employee.team_id == Team.id)
        .join(employee_location, employee_location.c.employee_id == Employee.id)
        .where(employee_location.c.location_id == location.id, Employee.archived.is_(False),
               Team.region != region)
        .group_by(Team.name).order_by(Team.name)
    ).all()
    uses = []
    if teams:
        uses.append(_("het is de vaste locatie van %(teams)s", teams=", ".join(teams)))
    if employees:
        count = sum(n for _name, n in employees)
        uses.append(ngettext("%(num)d medewerker van %(teams)s mag hier werken",
                             "%(num)d medewerkers van %(teams)s mogen hier werken",
                             count, teams=", ".join(name for name, _n in employees)))
    running = _running_requests(DeploymentRequest.location_id == location.id,
                                describe=lambda r: work_type_name(r.work_type))
    if running:
        uses.append(ngettext("er loopt nog %(num)d inzetaanvraag: %(requests)s",
                             "er lopen nog %(num)d inzetaanvragen: %(requests)s",
                             running.count, requests=running.names))
    told = told_to_come(location, Team.region != region)
    for team, weeks in told.weeks.items():
        uses.append(ngettext("%(team)s komt hier werken in week %(weeks)s",
                             "%(team)s komt hier werken in de weken %(weeks)s",
                             len(weeks), team=team, weeks=", ".join(weeks)))
    if running or told.people:
        raise HeldByRequests(_(
            "De regio van locatie %(name)s kan niet %(region)s worden: %(uses)s. "
            "Alleen teams uit de regio van een locatie werken daar. Verander de regio pas als dit werk "
            "voorbij is. Gaat het werk naar een andere plek? Maak daarvoor een nieuwe locatie aan.",
            name=location.name, region=region, uses="; ".join(uses),
        ), running.requests, field="region")
    if uses:
        raise ServiceError(_(
            "De regio van locatie %(name)s kan niet %(region)s worden: %(uses)s. "
            "Teams en medewerkers werken alleen op locaties in hun eigen regio. "
            "Kies eerst voor hen een andere locatie, of laat de regio zoals hij was.",
            name=location.name, region=region, uses="; ".join(uses),
        ), field="region")


# The name and address of a location: what week pages and calendars tell people where to go.
PLACE_FIELDS = ("name", "address", "postcode", "city")
# Where the door is: a change of these is a change of place for the people told to come (a new
# name alone is a rename: their calendars show it, nobody goes elsewhere).
ADDRESS_FIELDS = ("address", "postcode", "city")


def place_of(location: Location) -> tuple[str, ...]:
    return tuple(getattr(location, name) for name in PLACE_FIELDS)


def address_of(location: Location) -> tuple[str, ...]:
    return tuple(getattr(location, name) for name in ADDRESS_FIELDS)


@dataclass
class ToldToCome:
    """Who is told (a published shift, not called off) to come to a location from today on."""

    people: int = 0
    first: dt.date | None = None
    last: dt.date | None = None
    weeks: dict[str, list[str]] = field(default_factory=dict)  # team name -> its ISO weeks there


def told_to_come(location: Location, *conditions) -> ToldToCome:
    """The people told to come to `location` from now on (and their teams' weeks there), of
    the teams that meet `conditions`. A shift of today already over is no longer to come: it
    does not hold up archiving the place until tomorrow."""
    day = today()
    rows = db.session.execute(
        select(Team.name, PublishedShift.date, PublishedShift.employee_id)
        .join(Team, Team.id == PublishedShift.team_id)
        .where(PublishedShift.location_id == location.id, PublishedShift.cancelled.is_(False),
               or_(PublishedShift.date > day, and_(PublishedShift.date == day,
                                                    PublishedShift.end_minute > minute_now(day))),
               *conditions)
        .order_by(Team.name, PublishedShift.date)
    ).all()
    told = ToldToCome(people=len({employee_id for _team, _day, employee_id in rows}),
                      first=min((day for _team, day, _e in rows), default=None),
                      last=max((day for _team, day, _e in rows), default=None))
    for team, day, _employee_id in rows:
        weeks = told.weeks.setdefault(team, [])
        if week_of(day) not in weeks:
            weeks.append(week_of(day))
    return told


def new_place_warning(location: Location, before: tuple[str, ...] | None) -> str | None:
    """After a location's name or address changed: how many people are told to come there from
    today on, who now read the new one in their week page and calendar (every day of it, also the
    days gone by). None when it did not change or nobody is told to come. A new address was told
    as a change (save_location): the message says what they read and who is called, so the admin
    need not pass it on by hand."""
    if before is None or place_of(location) == tuple(before):
        return None
    told = told_to_come(location)
    if not told.people:
        return None
    if address_differs(tuple(before)[1:], address_of(location)):
        said = ngettext(
            "Let op: %(num)d medewerker van %(teams)s komt hier volgens het rooster werken, van vandaag "
            "tot en met %(until)s. In het weekoverzicht en de agenda van die medewerker staat nu: %(place)s. "
            "Er staat ook bij: \"Dit is veranderd.\"",
            "Let op: %(num)d medewerkers van %(teams)s komen hier volgens het rooster werken, van vandaag "
            "tot en met %(until)s. In hun weekoverzicht en agenda staat nu: %(place)s. "
            "Er staat ook bij: \"Dit is veranderd.\"",
            told.people, teams=", ".join(told.weeks), until=format_date(told.last, "d MMMM yyyy"),
            place=location.name_and_address,
        )
        if at_short_notice(told.first):
            # tell_change put these days on the call list: not everyone looks at their calendar.
            said += " " + _("Wie hier de komende twee werkdagen werkt, staat op de startpagina van de teamleider "
                            "bij \"Vertel het zelf\". De teamleider belt die medewerkers.")
        return said
    return ngettext(
        "Let op: %(num)d medewerker van %(teams)s komt hier volgens het rooster werken, van vandaag "
        "tot en met %(until)s. In het weekoverzicht en de agenda van die medewerker staat nu: %(place)s. "
        "Vertel het de teamleider: de plek heeft een nieuwe naam, het adres blijft hetzelfde.",
        "Let op: %(num)d medewerkers van %(teams)s komen hier volgens het rooster werken, van vandaag "
        "tot en met %(until)s. In hun weekoverzicht en agenda staat nu: %(place)s. "
        "Vertel het de teamleiders: de plek heeft een nieuwe naam, het adres blijft hetzelfde.",
        told.people, teams=", ".join(told.weeks), until=format_date(told.last, "d MMMM yyyy"),
        place=location.name_and_address,
    )


def regions() -> list[str]:
    """Regions in use, for suggestions: teams and locations must spell a region the same way."""
    names = set(db.session.scalars(select(Location.region).distinct()))
    names |= set(db.session.scalars(select(Team.region).distinct()))
    return sorted(n for n in names if n)


# --- work types -----------------------------------------------------------------------------


@dataclass
class WorkTypeInput:
    code: str
    name_nl: str
    name_en: str
    pictogram: str
    colour: str


def save_work_type(work_type: WorkType | None, data: WorkTypeInput, *, submission: str = "") -> WorkType:
    key = _new_form(work_type, "work_type_created", WorkType, submission)
    code = (data.code or "").strip().lower()
    exclude = work_type.id if work_type else None
    if not SLUG_CODE_RE.match(code) or len(code) > 40:
        raise ServiceError(_("Vul een code in met alleen letters, cijfers en streepjes, bijvoorbeeld schoonmaak."),
                           field="code")
    if work_type_code_taken(code, exclude):
        raise ServiceError(_("Er is al een werksoort met code %(code)s.", code=code), field="code")
    name_nl, name_en = (data.name_nl or "").strip(), (data.name_en or "").strip()
    if not name_nl:
        raise ServiceError(_("Vul een Nederlandse naam in."), field="name_nl")
    if not name_en:
        raise ServiceError(_("Vul een Engelse naam in."), field="name_en")
    if work_type_name_taken(name_nl, exclude):
        raise ServiceError(_("Er is al een werksoort met de naam %(name)s.", name=name_nl), field="name_nl")
    if work_type_english_name_taken(name_en, exclude):
        raise ServiceError(_("Er is al een werksoort met de Engelse naam %(name)s.", name=name_en), field="name_en")
    if data.pictogram not in PICTOGRAMS:
        raise ServiceError(_("Kies een pictogram uit de lijst."), field="pictogram")
    colour = (data.colour or "").strip().lower()
    problem = check_colour(colour)
    if problem:
        raise ServiceError(problem, field="colour")
    values = {"code": code, "name_nl": name_nl, "name_en": name_en, "pictogram": data.pictogram, "colour": colour}
    return _save(work_type, WorkType, "work_type", values, _("Er is al een werksoort met deze code of naam."),
                 with_values=True, key=key)
