"""Views of the teams blueprint: thin handlers around services.people and services.absences."""
from __future__ import annotations

import datetime as dt
import secrets
from types import SimpleNamespace

from babel.lists import format_list
from flask import abort, flash, get_template_attribute, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import ColumnElement, Select, and_, false, func, or_, select
from sqlalchemy.orm import selectinload

from .. import privacy
from ..access import can_manage_team, can_see_sensitive, require_team, roles_required, team_ids_of
from ..extensions import db
from ..folding import contains_folded
from ..forms_common import made_before, refused_as_stale
from ..formatting import (ascii_digits, date_period, decimal_text, full_date, local_today, marked_dutch_in, name_key,
                          name_suffixes, week_names)
from ..models import (
    Absence,
    Assignment,
    DeploymentRequest,
    Employee,
    FeedKind,
    Location,
    RequestStatus,
    Role,
    Roster,
    Supervisor,
    Team,
    WorkType,
    employee_work_type,
)
from ..paging import one_page
from ..services import ServiceError
from ..services import absences as absence_ops
from ..services import people as ops
from ..services import regions as region_service
from ..services import seen_state, tokens
from ..services.admin import work_type_name
from ..services.regions import REGION_LENGTH
from ..services.rosters import longer_than_day_limit, minute_now
from ..services.submissions import SentBefore, made_by_form
from . import bp
from .forms import (
    ABSENCE_KINDS,
    AbsenceFilterForm,
    AbsenceForm,
    AbsenceTeamForm,
    ArchiveEmployeeForm,
    ConfirmForm,
    EmployeeFilterForm,
    EmployeeForm,
    SensitiveForm,
    SupervisorForm,
    TeamForm,
    availability_summary,
)

ADMIN, PLANNER, TEAM_LEADER = Role.ADMIN, Role.PLANNER, Role.TEAM_LEADER

# Earlier absences: those that ended in the last year (the longest one absence may last), newest
# first, a page at a time. Enough to check and correct recent ones; older ones are deleted (privacy.
# purge_old_absences) and none is taken in (services.absences._check).
EARLIER_WINDOW = dt.timedelta(days=absence_ops.ABSENCE_KEEP_DAYS)
EARLIER_PER_PAGE = 50
EARLIER_ON_EMPLOYEE = 5  # the employee page shows the last few and points to the list
EMPLOYEES_PER_PAGE = 100  # the employees list, a page at a time (over 1,300 people at 100 teams)
REPAIRS_NAMED = 3  # rosters named after saving an absence; the rest are counted (the message lives in the cookie)


# --- helpers ------------------------------------------------------------------------------------


def _apply_service_error(form, error: ServiceError) -> None:
    """Show a refusal from the service next to its field, or above the form."""
    if error.field and error.field in form:
        form[error.field].errors = [*form[error.field].errors, error.message]
    else:
        form.form_errors.append(error.message)


def _visible_teams(include_archived: bool = False, with_home: bool = False) -> list[Team]:
    allowed = team_ids_of(current_user)
    query = select(Team).order_by(Team.name)
    if with_home:  # the team list shows each home location: one query, not one per team
        query = query.options(selectinload(Team.home_location))
    if allowed is not None:
        query = query.where(Team.id.in_(allowed or {-1}))
    if not include_archived:
        query = query.where(Team.archived.is_(False))
    return list(db.session.scalars(query))


def _team_or_404(team_id: int) -> Team:
    team = db.session.get(Team, team_id)
    if team is None:
        abort(404)
    require_team(current_user, team.id)
    return team


def _employee_or_404(employee_id: int) -> Employee:
    employee = db.session.get(Employee, employee_id)
    if employee is None or employee.anonymised_at is not None:
        abort(404)
    require_team(current_user, employee.team_id)
    return employee


def _supervisor_or_404(supervisor_id: int) -> Supervisor:
    supervisor = db.session.get(Supervisor, supervisor_id)
    if supervisor is None:
        abort(404)
    if team_ids_of(current_user) is not None:
        # Team leaders see the supervisors of their own teams; pool and other teams do not exist for them.
        require_team(current_user, supervisor.team_id)
    return supervisor


def _kind_labels() -> dict[str, str]:
    return {value: str(label) for value, label in ABSENCE_KINDS}


def _work_type_choices(keep=()) -> list[tuple[int, str]]:
    keep_ids = {w.id for w in keep}
    rows = db.session.scalars(select(WorkType).order_by(WorkType.name_nl)).all()
    english = str(get_locale()) == "en"

    def label(w: WorkType) -> str:
        name = w.name_en if english else w.name_nl
        return _("%(name)s (gearchiveerd)", name=name) if w.archived else name  # kept while ticked

    return [(w.id, label(w)) for w in rows if not w.archived or w.id in keep_ids]


def _status_code(form) -> int:
    return 422 if form.errors or getattr(form, "form_errors", None) else 200


# --- teams --------------------------------------------------------------------------------------


TEAMS_PER_PAGE = 50  # the teams list and the team leaders list, a page at a time (about 100 of each)


def _regions_in(scope: Select, column) -> list[str]:
    """The regions of what a list may show (its scope, before its filters): the region filter's choices."""
    return [r for r in db.session.scalars(scope.with_only_columns(column).distinct().order_by(column)) if r]


def _region_asked(regions: list[str]) -> tuple[str | None, str | None]:
    """The region in the URL (?regio=) when the list has it; otherwise None, and what was asked
    (to say it is not in the list, rather than showing an empty list for a renamed region)."""
    asked = " ".join(request.args.get("regio", "").split())[:REGION_LENGTH]
    if not asked:
        return None, None
    return (asked, None) if asked in regions else (None, asked)


def _count(scope: Select) -> int:
    return db.session.scalar(select(func.count()).select_from(scope.order_by(None).subquery())) or 0


@bp.route("/")
@roles_required(ADMIN, PLANNER, TEAM_LEADER)
def index():
    allowed = team_ids_of(current_user)
    show_archived = request.args.get("archief") == "1" and allowed is None
    # The teams this user sees in this view; the search and the region only narrow it.
    scope = select(Team).where(Team.archived.is_(show_archived))
    if allowed is not None:
        scope = scope.where(Team.id.in_(allowed or {-1}))
    filter_form = EmployeeFilterForm(formdata=request.args)
    words = filter_form.words
    regions = _regions_in(scope, Team.region)
    region, unknown_region = _region_asked(regions)
    # The home location with the list: one query, not one per team.
    query = scope.options(selectinload(Team.home_location)).order_by(Team.name, Team.id)
    if region is not None:
        query = query.where(Team.region == region)
    for word in words:
        query = query.where(contains_folded(Team.name, word))
    found = one_page(query, request.args.get("page"), TEAMS_PER_PAGE)
    filtered = bool(words) or region is not None
    counts = dict(
        db.session.execute(
            select(Employee.team_id, func.count(Employee.id))
            .where(Employee.archived.is_(False), Employee.team_id.in_([t.id for t in found.items] or [-1]))
            .group_by(Employee.team_id)
        ).all()
    )
    search = " ".join(words)
    args = {name: value for name, value in (("naam", search), ("regio", region),
                                            ("archief", 1 if show_archived else None)) if value}
    return render_template(
        "teams/index.html", teams=found.items, found=found, total=_count(scope) if filtered else found.total,
        counts=counts, show_archived=show_archived, filter_form=filter_form, search=search, regions=regions,
        region=region, unknown_region=unknown_region, filtered=filtered, args=args,
    )


def _team_form_choices(form: TeamForm, team: Team | None) -> None:
    keep = team.home_location_id if team else None
    locations = db.session.scalars(select(Location).order_by(Location.region, Location.name)).all()
    form.home_location_id.choices = [("", _("Geen"))] + [
        (loc.id, f"{loc.name} ({loc.region})") for loc in locations if not loc.archived or loc.id == keep
    ]


def _team_input(form: TeamForm) -> ops.TeamInput:
    return ops.TeamInput(name=form.name.data, region=form.region.data,
                         home_location_id=form.home_location_id.data, max_size=form.max_size_value)


@bp.route("/nieuw", methods=["GET", "POST"])
@roles_required(ADMIN, PLANNER)
def team_new():
    form = TeamForm()
    _team_form_choices(form, None)
    submission = _submission()
    if request.method == "POST" and (made := made_by_form("team.create", Team, submission)) is not None:
        # Sent again after its first copy made the team: the form's own check would call the name taken.
        return made_before(_("%(name)s was al aangemaakt. Er is geen tweede gemaakt.", name=made.name),
                           url_for("teams.team_edit", team_id=made.id))
    if form.validate_on_submit():
        try:
            team = ops.create_team(_team_input(form), submission=submission)
        except SentBefore as sent:
            return made_before(_("%(name)s was al aangemaakt. Er is geen tweede gemaakt.", name=sent.made.name),
                               url_for("teams.team_edit", team_id=sent.made.id))
        except ServiceError as error:
            _apply_service_error(form, error)
        else:
            flash(_("%(name)s is aangemaakt.", name=team.name), "success")
            _warn_if_no_location(team)
            return redirect(url_for("teams.team", team_id=team.id))
    return render_template("teams/team_form.html", form=form, team=None, regions=ops.regions(),
                           submission=submission), _status_code(form)


@bp.route("/<int:team_id>")
@roles_required(ADMIN, PLANNER, TEAM_LEADER)
def team(team_id: int):
    team = _team_or_404(team_id)
    members = db.session.scalars(
        select(Employee).where(Employee.team_id == team.id, Employee.archived.is_(False))
        .options(selectinload(Employee.work_types), selectinload(Employee.availability))
        .order_by(Employee.sort_name, Employee.id)
    ).all()
    supervisors = db.session.scalars(
        select(Supervisor).where(Supervisor.team_id == team.id, Supervisor.archived.is_(False))
        .options(selectinload(Supervisor.work_types)).order_by(Supervisor.name)
    ).all()
    # No overview lists an archived team's rosters any more: its page leads to them, at its last
    # roster that holds a shift (a draft emptied before archiving shows nothing), else its last one.
    roster_week = None
    if team.archived:
        with_shift = select(Assignment.id).where(Assignment.roster_id == Roster.id).exists()
        roster_week = (db.session.scalar(select(func.max(Roster.week)).where(Roster.team_id == team.id, with_shift))
                       or db.session.scalar(select(func.max(Roster.week)).where(Roster.team_id == team.id)))
    return render_template(
        "teams/team.html", team=team, members=members, supervisors=supervisors,
        summary=availability_summary, confirm=ConfirmForm(), roster_week=roster_week,
    )


@bp.route("/<int:team_id>/wijzigen", methods=["GET", "POST"])
@roles_required(ADMIN, PLANNER)
def team_edit(team_id: int):
    team = _team_or_404(team_id)
    form = TeamForm(obj=team)
    if request.method == "GET":
        form.max_size.data = str(team.max_size)
        form.seen_state.data = seen_state.team_state(team)
    _team_form_choices(form, team)
    if form.validate_on_submit():
        try:
            seen_state.refuse_if_changed(team, form.seen_state.data, seen_state.team_state)
            changed = ops.update_team(team, _team_input(form))
        except ServiceError as error:
            db.session.rollback()
            stale = refused_as_stale(error, form, team, seen_state.team_state, lambda: render_template(
                "teams/team_form.html", form=form, team=team, regions=ops.regions()))
            if stale:
                return stale
            _apply_service_error(form, error)
        else:
            flash(_("%(name)s is opgeslagen.", name=team.name) if changed else _("Er was niets veranderd."),
                  "success" if changed else "info")
            _warn_if_no_location(team)
            return redirect(url_for("teams.team", team_id=team.id))
    return render_template("teams/team_form.html", form=form, team=team, regions=ops.regions()), _status_code(form)


def _warn_if_no_location(team: Team) -> None:
    """A region typed for the first time may be a typo: a team there has nowhere to work yet. The
    region with a location spelled most like it is suggested, as the location form does."""
    if not team.archived and not region_service.has_location(team.region):
        warning = _("Er is nog geen locatie in regio %(region)s. Dit team kan pas ingepland worden als daar een "
                    "locatie is.", region=team.region)
        flash(region_service.with_region_meant(warning, team.region, among=Location), "warning")


def _warn_if_no_team(supervisor: Supervisor) -> None:
    """A stand-in of the pool leads only teams of their region: a region without a team (a typo,
    most likely) leaves them nobody to lead. The region with a team spelled most like it is
    suggested."""
    if supervisor.team is None and not supervisor.archived and not region_service.has_team(supervisor.region):
        warning = _("Er werkt nog geen team in regio %(region)s. Deze invaller kan pas ingepland worden als daar "
                    "een team is.", region=supervisor.region)
        flash(region_service.with_region_meant(warning, supervisor.region), "warning")


@bp.route("/<int:team_id>/archiveren", methods=["POST"])
@roles_required(ADMIN, PLANNER)
def team_archive(team_id: int):
    return _set_team_archived(team_id, True)


@bp.route("/<int:team_id>/terugzetten", methods=["POST"])
@roles_required(ADMIN, PLANNER)
def team_restore(team_id: int):
    return _set_team_archived(team_id, False)


def _set_team_archived(team_id: int, archived: bool):
    team = _team_or_404(team_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        ops.set_team_archived(team, archived)
    except ServiceError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        flash(_("%(name)s is gearchiveerd.", name=team.name) if archived
              else _("%(name)s is weer actief.", name=team.name), "success")
    return redirect(url_for("teams.team", team_id=team.id))


# --- employees ----------------------------------------------------------------------------------


@bp.route("/medewerkers")
@roles_required(ADMIN, PLANNER, TEAM_LEADER)
def employees():
    teams = _visible_teams(include_archived=True)
    filter_form = EmployeeFilterForm(formdata=request.args)
    filter_form.team.choices = [("", _("Alle teams"))] + [(t.id, t.name) for t in teams]
    team_ids = [t.id for t in teams]
    chosen = filter_form.team.data if filter_form.team.data in team_ids else None
    show_archived = request.args.get("archief") == "1"
    words = filter_form.words
    query = (
        select(Employee).options(selectinload(Employee.team), selectinload(Employee.work_types))
        .where(Employee.anonymised_at.is_(None), Employee.archived.is_(show_archived))
        .order_by(Employee.sort_name, Employee.id)
    )
    if chosen is not None:
        query = query.where(Employee.team_id == chosen)
    elif team_ids_of(current_user) is not None:
        query = query.where(Employee.team_id.in_(team_ids or [-1]))
    for word in words:  # every word in the first or the last name: 'sanne vries', 'de vries', 'Vries, Sanne'
        query = query.where(or_(contains_folded(Employee.first_name, word),
                                contains_folded(Employee.last_name, word)))
    found = one_page(query, request.args.get("page"), EMPLOYEES_PER_PAGE)
    search = " ".join(words)
    args = {name: value for name, value in (("naam", search), ("team", chosen), ("archief", 1 if show_archived else None))
            if value}
    return render_template(
        "teams/employees.html", employees=found.items, found=found, filter_form=filter_form,
        chosen_team=chosen, search=search, show_archived=show_archived, args=args,
        can_edit=current_user.role in (PLANNER.value, TEAM_LEADER.value),
    )


def _employee_form_choices(form: EmployeeForm, employee: Employee | None) -> None:
    teams = _visible_teams()
    if employee is not None and employee.team not in teams:
        teams.append(employee.team)
    form.team_id.choices = [("", _("Kies een team"))] + [(t.id, f"{t.name} ({t.region})") for t in teams]
    form.work_type_ids.choices = _work_type_choices(employee.work_types if employee else ())
    # Only locations of the regions the user's teams are in; the service checks the chosen team's region.
    regions = {t.region for t in teams}
    keep = {loc.id for loc in employee.allowed_locations} if employee else set()
    locations = db.session.scalars(
        select(Location).where(Location.region.in_(regions or {""})).order_by(Location.region, Location.name)
    ).all()
    form.location_ids.choices = [
        (loc.id, f"{loc.name} ({loc.region})") for loc in locations if not loc.archived or loc.id in keep
    ]


def _employee_input(form: EmployeeForm) -> ops.EmployeeInput:
    return ops.EmployeeInput(
        first_name=form.first_name.data, last_name=form.last_name.data, team_id=form.team_id.data,
        contract_minutes=form.contract_hours.minutes, max_minutes_per_day=form.max_hours_per_day.minutes,
        contract_start=form.contract_start.data, contract_end=form.contract_end.data,
        availability=form.availability.slots, work_type_ids=list(form.work_type_ids.data or []),
        location_ids=list(form.location_ids.data or []), phone=form.phone.data or "", email=form.email.data or "",
        job_coach_name=form.job_coach_name.data or "", job_coach_phone=form.job_coach_phone.data or "",
        job_coach_email=form.job_coach_email.data or "",
    )


@bp.route("/medewerkers/nieuw", methods=["GET", "POST"])
@roles_required(PLANNER, TEAM_LEADER)
def employee_new():
    form = EmployeeForm()
    _employee_form_choices(form, None)
    if request.method == "GET":
        team_arg = request.args.get("team", type=int)
        offered = [value for value, _label in form.team_id.choices if value != ""]
        if team_arg in offered:
            form.team_id.data = team_arg
        elif len(offered) == 1:
            form.team_id.data = offered[0]  # a team leader of one team: no choice to make
    submission = _submission()
    if form.validate_on_submit():
        try:
            employee = ops.create_employee(_employee_input(form), submission=submission)
        except SentBefore as sent:
            db.session.rollback()
            employee = sent.made
            if not can_manage_team(current_user, employee.team_id) or employee.archived:
                # Moved to another team (or archived) since: not this form's to change any more.
                flash(_("%(name)s was al toegevoegd. Er is geen tweede gemaakt.", name=employee.name), "success")
                return redirect(url_for("teams.employees"))
            return made_before(_("%(name)s was al toegevoegd aan %(team)s. Er is geen tweede gemaakt.",
                                 name=employee.name, team=employee.team.name),
                               url_for("teams.employee_edit", employee_id=employee.id))
        except ServiceError as error:
            db.session.rollback()
            _apply_service_error(form, error)
        else:
            flash(_("%(name)s is toegevoegd aan %(team)s.", name=employee.name, team=employee.team.name),
                  "success")
            return redirect(url_for("teams.employee", employee_id=employee.id))
    return render_template("teams/employee_form.html", form=form, employee=None,
                           submission=submission), _status_code(form)


def _submission() -> str:
    """The key of a form that makes something new: fresh when the form is opened, sent back with it
    (so the same form sent twice makes one; services.submissions.SentBefore)."""
    return request.form.get("submission", "")[:64] if request.method == "POST" else secrets.token_urlsafe(16)


@bp.route("/medewerkers/<int:employee_id>")
@roles_required(ADMIN, PLANNER, TEAM_LEADER)
def employee(employee_id: int):
    return _employee_page(_employee_or_404(employee_id))


def _employee_page(employee: Employee, archive_form: ArchiveEmployeeForm | None = None):
    """The employee's page; with a refused 'Contract beëindigen' form, that form and its errors."""
    sensitive_allowed = can_see_sensitive(current_user, employee)
    today = local_today()
    absences = db.session.scalars(
        select(Absence).where(Absence.employee_id == employee.id, Absence.end_date >= today)
        .order_by(Absence.start_date)
    ).all() if current_user.role != ADMIN.value else []
    # The last few that are over (one more, to know whether to point to the full list).
    earlier = db.session.scalars(
        select(Absence).where(Absence.employee_id == employee.id, Absence.end_date < today,
                              Absence.end_date >= today - EARLIER_WINDOW)
        .order_by(Absence.end_date.desc(), Absence.id.desc()).limit(EARLIER_ON_EMPLOYEE + 1)
    ).all() if current_user.role != ADMIN.value else []
    return render_template(
        "teams/employee.html", employee=employee, sensitive_allowed=sensitive_allowed,
        sensitive=employee.sensitive if sensitive_allowed else None, summary=availability_summary,
        day_limit=_exact_hours(employee.max_minutes_per_day) if sensitive_allowed else None,
        can_edit=current_user.role in (PLANNER.value, TEAM_LEADER.value), absences=absences,
        earlier_absences=earlier, earlier_shown=EARLIER_ON_EMPLOYEE,
        kind_labels=_kind_labels(), confirm=ConfirmForm(), archive_form=archive_form or ArchiveEmployeeForm(
            formdata=None, contract_end=max(today, employee.contract_start)),
        in_rosters=ops.employee_in_rosters(employee),
        needs_link=(current_user.role in (PLANNER.value, TEAM_LEADER.value) and not employee.archived
                    and tokens.active_for(FeedKind.EMPLOYEE, employee) is None),
        refused=archive_form is not None and bool(archive_form.errors),
    ), 422 if archive_form is not None and archive_form.errors else 200


def _exact_hours(minutes: int) -> str:
    """A limit on hours a day as saved, never rounded (it may be a doctor's): '4,75 uur', '8 uur',
    or, where two decimals would round it, '4 uur en 20 minuten'."""
    if minutes % 3 == 0:  # a whole number of hundredths of an hour
        return _("%(hours)s uur", hours=decimal_text(minutes / 60, 2))
    hours, rest = divmod(minutes, 60)
    rest_text = ngettext("%(num)d minuut", "%(num)d minuten", rest)
    if not hours:
        return rest_text
    return ngettext("%(num)d uur en %(minutes)s", "%(num)d uur en %(minutes)s", hours, minutes=rest_text)


@bp.route("/medewerkers/<int:employee_id>/wijzigen", methods=["GET", "POST"])
@roles_required(PLANNER, TEAM_LEADER)
def employee_edit(employee_id: int):
    employee = _employee_or_404(employee_id)
    form = EmployeeForm(obj=employee)
    _employee_form_choices(form, employee)
    if request.method == "GET":
        form.contract_hours.process_data(employee.contract_minutes)
        form.max_hours_per_day.process_data(employee.max_minutes_per_day)
        form.work_type_ids.data = [w.id for w in employee.work_types]
        form.location_ids.data = [loc.id for loc in employee.allowed_locations]
        form.seen_state.data = seen_state.employee_state(employee)
    if form.validate_on_submit():
        left: list[ops.ShiftsInTeam] = []
        changed: list[str] | None = None
        try:
            seen_state.refuse_if_changed(employee, form.seen_state.data, seen_state.employee_state)
            left = _unconfirmed_move(employee, form)
            if not left:
                changed = ops.update_employee(employee, _employee_input(form))
        except ServiceError as error:
            db.session.rollback()
            stale = refused_as_stale(error, form, employee, seen_state.employee_state, lambda: render_template(
                "teams/employee_form.html", form=form, employee=employee))
            if stale:
                return stale
            _apply_service_error(form, error)
        if left:
            form.team_id.errors = [*form.team_id.errors, _move_question(employee, left)]
            if sum(len(group.weeks) for group in left) == 1:  # the box says what the question says
                form.confirm_move.label.text = _("Toch verplaatsen. Ik repareer het rooster van het oude team "
                                                 "daarna.")
            return render_template("teams/employee_form.html", form=form, employee=employee, ask_move=True), 422
        if changed is not None:
            flash(_("De gegevens van %(name)s zijn opgeslagen.", name=employee.name) if changed
                  else _("Er was niets veranderd."), "success" if changed else "info")
            if "team_id" in changed:
                left = ops.shifts_outside_team(employee, employee.team_id, local_today())
                if left:
                    flash(_shifts_left_message(employee, left), "warning")
            if ops.archive_ended_contracts():  # an end date typed in the past closes the contract now
                db.session.refresh(employee)
                if employee.archived:
                    flash(_("Het contract van %(name)s is afgelopen. %(name)s staat nu in het archief; de "
                            "agenda-link en de weekpagina werken niet meer.", name=employee.name), "warning")
            elif employee.archived and "contract_end" in changed and (
                    employee.contract_end is None or employee.contract_end >= local_today()):
                # An end date typed in the past, then corrected: the contract runs, but the
                # archive (and the link it stopped) stays until someone takes the person back.
                flash(_("%(name)s staat nog in het archief. Moet %(name)s weer werken? Kies dan op deze pagina "
                        "'Weer in dienst nemen' en maak een nieuwe agenda-link.", name=employee.name), "warning")
            if "contract_end" in changed:  # as 'Contract beëindigen' says it: the rosters to repair
                _flash_contract_repairs(employee)
            if "max_minutes_per_day" in changed:
                _flash_day_limit_repairs(employee)
            return redirect(url_for("teams.employee", employee_id=employee.id))
    return render_template("teams/employee_form.html", form=form, employee=employee), _status_code(form)


def _unconfirmed_move(employee: Employee, form: EmployeeForm) -> list[ops.ShiftsInTeam]:
    """A move to another team that leaves shifts in the old team's rosters and is not confirmed
    yet: those shifts (the planner is asked first), else []. A move the service refuses outright
    (told to come this week) is refused here already, with the service's words."""
    team = db.session.get(Team, form.team_id.data) if form.team_id.data else None
    if team is None or team.id == employee.team_id or employee.archived or form.confirm_move.data:
        return []
    ops.refuse_move_while_told_this_week(employee, team)
    return ops.shifts_outside_team(employee, team.id, local_today())


def _move_question(employee: Employee, left: list[ops.ShiftsInTeam]) -> str:
    """Before a move: which shifts stay in the old team's rosters, and what to do to move anyway."""
    shifts = sum(len(group.days) for group in left)
    rosters = sum(len(group.weeks) for group in left)  # as _shifts_left_message counts them
    if not any(group.ever_published for group in left):
        # Nothing of it was ever published: adjust before publishing, not "publish again".
        stay = ngettext("Die dienst blijft staan tot je dat rooster aanpast.",
                        "Die diensten blijven staan tot je dat rooster aanpast.", shifts) if rosters == 1 else \
            _("Die diensten blijven staan tot je die roosters aanpast.")
    elif shifts > 1 and rosters == 1:
        # Several shifts, one roster: "die diensten", but "dat rooster".
        stay = _("Die diensten blijven staan tot je dat rooster repareert en opnieuw publiceert.")
    else:
        stay = ngettext("Die dienst blijft staan tot je dat rooster repareert en opnieuw publiceert.",
                        "Die diensten blijven staan tot je die roosters repareert en opnieuw publiceert.", shifts)
    return " ".join([
        _shifts_standing(employee, left),
        stay,
        *_told_ones(employee, left),
        _("Wil je %(name)s toch nu verplaatsen? Vink dan hieronder 'Toch verplaatsen' aan en sla opnieuw op.",
          name=employee.name),
    ])


def _shifts_left_message(employee: Employee, left: list[ops.ShiftsInTeam]) -> str:
    """After a move: the shifts from today on that still stand in the old team's rosters (their
    number and weeks), that those rosters need a repair and a publication for the person to hear
    of it, and, for shifts already told, that the person still comes until then."""
    rosters = sum(len(group.weeks) for group in left)
    if any(group.ever_published for group in left):
        what_now = ngettext(
            "Repareer dat rooster van het oude team en publiceer het opnieuw, zodat %(name)s het ook hoort.",
            "Repareer die roosters van het oude team en publiceer ze opnieuw, zodat %(name)s het ook hoort.",
            rosters, name=employee.name)
    else:  # drafts nobody has seen yet
        what_now = ngettext("Pas dat rooster van het oude team aan voordat je het publiceert.",
                            "Pas die roosters van het oude team aan voordat je ze publiceert.", rosters)
    return " ".join([_shifts_standing(employee, left), what_now, *_told_ones(employee, left)])


def _shifts_standing(employee: Employee, left: list[ops.ShiftsInTeam]) -> str:
    """'Sanne staat nog in 3 diensten in week 51 en 52 van Team Oud.'"""
    locale = str(get_locale() or "nl")
    told = [week for group in left for week in group.weeks]
    parts = [ngettext("week %(weeks)s van %(team)s", "week %(weeks)s van %(team)s", len(group.weeks),
                      weeks=week_names(group.weeks, told, local_today()), team=group.team.name) for group in left]
    return ngettext("%(name)s staat nog in %(num)d dienst in %(weeks)s.",
                    "%(name)s staat nog in %(num)d diensten in %(weeks)s.",
                    sum(len(group.days) for group in left), name=employee.name,
                    weeks=format_list(parts, locale=locale))


def _told_ones(employee: Employee, left: list[ops.ShiftsInTeam]) -> list[str]:
    """For shifts already told: that the person still comes for them until a new publication."""
    told = sum(len(group.told) for group in left)
    if not told:
        return []
    if told == sum(len(group.days) for group in left):  # every one of them: "die dienst(en)"
        return [ngettext(
            "Die dienst is al aan %(name)s doorgegeven. Tot je opnieuw publiceert, komt %(name)s daarvoor "
            "gewoon werken.",
            "Die diensten zijn al aan %(name)s doorgegeven. Tot je opnieuw publiceert, komt %(name)s daarvoor "
            "gewoon werken.", told, name=employee.name)]
    return [ngettext(
        "%(num)d van die diensten is al aan %(name)s doorgegeven. Tot je opnieuw publiceert, komt %(name)s "
        "daarvoor gewoon werken.",
        "%(num)d van die diensten zijn al aan %(name)s doorgegeven. Tot je opnieuw publiceert, komt %(name)s "
        "daarvoor gewoon werken.", told, name=employee.name)]


@bp.route("/medewerkers/<int:employee_id>/persoonlijk", methods=["GET", "POST"])
@roles_required(PLANNER, TEAM_LEADER)
def employee_sensitive(employee_id: int):
    employee = _employee_or_404(employee_id)
    if not can_see_sensitive(current_user, employee):
        abort(404)
    form = SensitiveForm(obj=employee.sensitive)
    if request.method == "GET":
        form.seen_state.data = seen_state.sensitive_state(employee)
    if form.validate_on_submit():
        values = dict(indication=form.indication.data or "", indication_until=form.indication_until.data,
                      health_notes=form.health_notes.data or "", accommodations=form.accommodations.data or "")
        try:
            seen_state.refuse_if_changed(employee, form.seen_state.data, seen_state.sensitive_state)
            # (also refused when someone else saved the first personal data at this very moment)
            changed = ops.update_sensitive(employee, **values)
        except ServiceError as error:
            db.session.rollback()
            if error.field != seen_state.CONFLICT or not ops.sensitive_stored_as(employee, **values):
                return refused_as_stale(error, form, employee, seen_state.sensitive_state, lambda: render_template(
                    "teams/sensitive_form.html", form=form, employee=employee), shown=employee.sensitive)
            changed = True  # the same save sent twice: the first click stored just this
        flash(_("De persoonlijke gegevens van %(name)s zijn opgeslagen.", name=employee.name) if changed
              else _("Er was niets veranderd."), "success" if changed else "info")
        return redirect(url_for("teams.employee", employee_id=employee.id))
    return render_template("teams/sensitive_form.html", form=form, employee=employee), _status_code(form)


@bp.route("/medewerkers/<int:employee_id>/contract-beeindigen", methods=["POST"])
@roles_required(PLANNER, TEAM_LEADER)
def employee_archive(employee_id: int):
    employee = _employee_or_404(employee_id)
    form = ArchiveEmployeeForm()
    if not form.validate_on_submit():
        return _employee_page(employee, form)  # the error on the field, as every form shows it
    try:
        revoked = ops.archive_employee(employee, form.contract_end.data)
    except ServiceError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        if revoked is None:  # the last day is still to come
            flash(_("Het contract van %(name)s eindigt na %(date)s. Tot en met die dag blijft %(name)s in het team, "
                    "in de roosters en in de agenda-link. Daarna wordt het contract afgesloten.",
                    name=employee.name, date=full_date(employee.contract_end)), "success")
            if form.contract_end.data > employee.contract_end:  # ending a contract never lengthens it
                flash(_("Het contract liep al tot en met %(date)s; dat blijft zo. Een later einde zet je bij "
                        "'Gegevens wijzigen'.", date=full_date(employee.contract_end)), "info")
            _flash_contract_repairs(employee)
            return redirect(url_for("teams.employee", employee_id=employee.id))
        flash(_("Het contract van %(name)s is beëindigd. De gegevens blijven bewaard.", name=employee.name),
              "success")
        if revoked:
            flash(_("De agenda-link en de weekpagina van %(name)s werken niet meer.", name=employee.name), "info")
        _flash_contract_repairs(employee)
    return redirect(url_for("teams.employee", employee_id=employee.id))


@bp.route("/medewerkers/<int:employee_id>/terugzetten", methods=["POST"])
@roles_required(PLANNER, TEAM_LEADER)
def employee_restore(employee_id: int):
    employee = _employee_or_404(employee_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        ended = ops.restore_employee(employee)
    except ServiceError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        if ended is None:
            flash(_("%(name)s is weer in dienst.", name=employee.name), "success")
        else:  # the restore took the end date away: say so, and where a new one goes
            flash(_("%(name)s is weer in dienst. Het contract heeft geen einddatum meer (het liep tot en met "
                    "%(date)s). Stopt het contract later weer? Vul dan de einddatum in bij 'Gegevens wijzigen'.",
                    name=employee.name, date=full_date(ended)), "success")
        if tokens.active_for(FeedKind.EMPLOYEE, employee) is None:
            flash(_("Een oude agenda-link van %(name)s werkt niet meer. Maak een nieuwe link op de pagina "
                    "Agenda-links en geef die aan %(name)s.", name=employee.name), "info")
    return redirect(url_for("teams.employee", employee_id=employee.id))


@bp.route("/medewerkers/<int:employee_id>/verwijderen", methods=["GET", "POST"])
@roles_required(PLANNER)
def employee_delete(employee_id: int):
    """GET asks to confirm (a page, so it works without JavaScript); the POST from it deletes."""
    employee = _employee_or_404(employee_id)
    if request.method == "GET":
        return render_template("teams/employee_delete.html", employee=employee, confirm=ConfirmForm())
    if not ConfirmForm().validate_on_submit():
        abort(400)
    team_id, name = employee.team_id, employee.name
    try:
        ops.delete_employee(employee)
    except ServiceError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("teams.employee", employee_id=employee_id))
    flash(_("%(name)s is verwijderd.", name=name), "success")
    return redirect(url_for("teams.employees", team=team_id))


# --- supervisors --------------------------------------------------------------------------------


@bp.route("/teamleiders")
@roles_required(ADMIN, PLANNER, TEAM_LEADER)
def supervisors():
    allowed = team_ids_of(current_user)
    show_archived = request.args.get("archief") == "1"
    # The team leaders this user sees in this view; the search, region and team only narrow it.
    scope = select(Supervisor).where(Supervisor.archived.is_(show_archived))
    if allowed is not None:
        scope = scope.where(Supervisor.team_id.in_(allowed or {-1}))
    filter_form = EmployeeFilterForm(formdata=request.args)
    words = filter_form.words
    regions = _regions_in(scope, Supervisor.region)
    region, unknown_region = _region_asked(regions)
    teams = _visible_teams(include_archived=True)
    team_choice = _supervisor_team_asked(teams, pool_allowed=allowed is None)
    query = scope.options(selectinload(Supervisor.team), selectinload(Supervisor.work_types),
                          selectinload(Supervisor.user)).order_by(Supervisor.region, Supervisor.name, Supervisor.id)
    if region is not None:
        query = query.where(Supervisor.region == region)
    if team_choice == POOL:
        query = query.where(Supervisor.team_id.is_(None))
    elif team_choice is not None:
        query = query.where(Supervisor.team_id == team_choice)
    for word in words:
        query = query.where(contains_folded(Supervisor.name, word))
    found = one_page(query, request.args.get("page"), TEAMS_PER_PAGE)
    filtered = bool(words) or region is not None or team_choice is not None
    search = " ".join(words)
    args = {name: value for name, value in (("naam", search), ("regio", region), ("team", team_choice),
                                            ("archief", 1 if show_archived else None)) if value}
    return render_template(
        "teams/supervisors.html", supervisors=found.items, found=found,
        total=_count(scope) if filtered else found.total, show_archived=show_archived, can_edit=allowed is None,
        filter_form=filter_form, search=search, regions=regions, region=region, unknown_region=unknown_region,
        teams=teams, team_choice=team_choice, pool_allowed=allowed is None, filtered=filtered, args=args,
    )


POOL = "pool"  # ?team=pool: the regional pool's stand-ins (no team)


def _supervisor_team_asked(teams: list[Team], pool_allowed: bool) -> int | str | None:
    """The team leaders list's team filter from the URL: a team the user sees, the pool (for
    those who see it), or None (all; also for an id of a team the user does not see)."""
    asked = request.args.get("team", "")
    if asked == POOL:
        return POOL if pool_allowed else None
    if not (asked.isascii() and asked.isdigit()) or len(asked) > 10:  # not "²", which int() refuses
        return None
    return int(asked) if int(asked) in {t.id for t in teams} else None


def _supervisor_form_choices(form: SupervisorForm, supervisor: Supervisor | None) -> None:
    teams = _visible_teams()
    if supervisor is not None and supervisor.team is not None and supervisor.team not in teams:
        teams.append(supervisor.team)
    form.team_id.choices = [("", _("Geen team: regionale pool"))] + [(t.id, f"{t.name} ({t.region})") for t in teams]
    form.work_type_ids.choices = _work_type_choices(supervisor.work_types if supervisor else ())
    # The leader's own account stays offered when deactivated (ops.linkable_users), marked so.
    form.user_id.choices = [("", _("Geen account"))] + [
        (u.id, f"{u.name} ({u.email})" if u.active else _("%(name)s (gedeactiveerd)", name=f"{u.name} ({u.email})"))
        for u in ops.linkable_users(supervisor)
    ]


def _supervisor_input(form: SupervisorForm) -> ops.SupervisorInput:
    return ops.SupervisorInput(
        name=form.name.data, phone=form.phone.data, email=form.email.data or "", team_id=form.team_id.data,
        region=form.region.data or "", work_type_ids=list(form.work_type_ids.data or []),
        availability=form.availability.slots, user_id=form.user_id.data,
    )


@bp.route("/teamleiders/nieuw", methods=["GET", "POST"])
@roles_required(ADMIN, PLANNER)
def supervisor_new():
    form = SupervisorForm()
    _supervisor_form_choices(form, None)
    if request.method == "GET":  # from a team's page: "Teamleider toevoegen" for that team
        team_arg = request.args.get("team", type=int)
        if team_arg in [value for value, _label in form.team_id.choices if value != ""]:
            form.team_id.data = team_arg
    submission = _submission()
    if form.validate_on_submit():
        try:
            supervisor = ops.create_supervisor(_supervisor_input(form), submission=submission)
        except SentBefore as sent:
            return made_before(_("Teamleider %(name)s was al toegevoegd. Er is geen tweede gemaakt.",
                                 name=sent.made.name), url_for("teams.supervisor_edit", supervisor_id=sent.made.id))
        except ServiceError as error:
            db.session.rollback()
            _apply_service_error(form, error)
        else:
            flash(_("Teamleider %(name)s is toegevoegd.", name=supervisor.name), "success")
            _flash_leader_access(supervisor, None, None)
            _flash_fixed_leader(supervisor)
            _warn_if_no_team(supervisor)
            return redirect(url_for("teams.supervisors"))
    return render_template("teams/supervisor_form.html", form=form, supervisor=None, submission=submission,
                           regions=ops.regions()), _status_code(form)


@bp.route("/teamleiders/<int:supervisor_id>")
@roles_required(ADMIN, PLANNER, TEAM_LEADER)
def supervisor(supervisor_id: int):
    supervisor = _supervisor_or_404(supervisor_id)
    anonymised = privacy.leader_is_anonymised(supervisor)
    return render_template("teams/supervisor.html", supervisor=supervisor, summary=availability_summary,
                           can_edit=team_ids_of(current_user) is None and not anonymised, anonymised=anonymised,
                           confirm=ConfirmForm())


@bp.route("/teamleiders/<int:supervisor_id>/wijzigen", methods=["GET", "POST"])
@roles_required(ADMIN, PLANNER)
def supervisor_edit(supervisor_id: int):
    supervisor = _supervisor_or_404(supervisor_id)
    if privacy.leader_is_anonymised(supervisor):
        # Erased for good: a new name or phone would tie the history to a person again.
        flash(_("Deze teamleider is geanonimiseerd: de gegevens zijn gewist en kunnen niet meer worden gewijzigd "
                "of teruggezet."), "error")
        return redirect(url_for("teams.supervisor", supervisor_id=supervisor.id))
    form = SupervisorForm(obj=supervisor)
    _supervisor_form_choices(form, supervisor)
    if request.method == "GET":
        form.work_type_ids.data = [w.id for w in supervisor.work_types]
        form.seen_state.data = seen_state.supervisor_state(supervisor)
    old_team, old_user = supervisor.team, supervisor.user
    if form.validate_on_submit():
        linked = tokens.teams_with_link([old_team] if old_team is not None else [])
        try:
            seen_state.refuse_if_changed(supervisor, form.seen_state.data, seen_state.supervisor_state)
            unled = _unconfirmed_leader_move(supervisor, form)
            if unled:
                form.team_id.errors = [*form.team_id.errors, _leader_move_question(supervisor, form, unled)]
                return render_template("teams/supervisor_form.html", form=form, supervisor=supervisor,
                                       regions=ops.regions(), ask_move=True), 422
            changed = ops.update_supervisor(supervisor, _supervisor_input(form))
        except ServiceError as error:
            db.session.rollback()
            stale = refused_as_stale(error, form, supervisor, seen_state.supervisor_state, lambda: render_template(
                "teams/supervisor_form.html", form=form, supervisor=supervisor, regions=ops.regions()))
            if stale:
                return stale
            _apply_service_error(form, error)
        else:
            flash(_("Teamleider %(name)s is opgeslagen.", name=supervisor.name) if changed
                  else _("Er was niets veranderd."), "success" if changed else "info")
            if {"team_id", "user_id"} & set(changed) and not supervisor.archived:  # an archived one leads none
                _flash_leader_access(supervisor, old_team, old_user)
                _flash_team_link_stopped(old_team, linked, supervisor, old_user)
            if "team_id" in changed:
                _flash_fixed_leader(supervisor)
            if {"region", "team_id"} & set(changed):
                _warn_if_no_team(supervisor)
            if "region" in changed and supervisor.team is None:
                # A stand-in of the pool leads only in their region: the teams of the old one still
                # have them on the days to come.
                led = ops.weeks_led_outside_region(supervisor)
                if led:
                    flash(_still_leads_message(supervisor, led), "warning")
            return redirect(url_for("teams.supervisor", supervisor_id=supervisor.id))
    return render_template("teams/supervisor_form.html", form=form, supervisor=supervisor,
                           regions=ops.regions()), _status_code(form)


def _unconfirmed_leader_move(supervisor: Supervisor, form: SupervisorForm) -> list[WorkType]:
    """A move to another team whose work the leader cannot (all) lead, not confirmed yet: the work
    types they lack, else []."""
    team = db.session.get(Team, form.team_id.data) if form.team_id.data else None
    if team is None or team.id == supervisor.team_id or supervisor.archived or form.confirm_move.data:
        return []
    return _unled_work(team, set(form.work_type_ids.data or ()))


def _unled_work(team: Team, led: set[int]) -> list[WorkType]:
    """The team's work a leader with work types `led` cannot lead: the work types of the requests
    from today on in the team's region (accepted or planned) that someone of the team does."""
    team_types = (select(employee_work_type.c.work_type_id)
                  .join(Employee, Employee.id == employee_work_type.c.employee_id)
                  .where(Employee.team_id == team.id, Employee.archived.is_(False)))
    asked = (select(DeploymentRequest.work_type_id).join(Location, Location.id == DeploymentRequest.location_id)
             .where(Location.region == team.region, DeploymentRequest.end_date >= local_today(),
                    DeploymentRequest.status.in_([RequestStatus.ACCEPTED.value, RequestStatus.SCHEDULED.value])))
    return list(db.session.scalars(select(WorkType).where(
        WorkType.id.in_(team_types), WorkType.id.in_(asked), WorkType.id.not_in(led or {0}))
        .order_by(WorkType.name_nl)))


def _leader_move_question(supervisor: Supervisor, form: SupervisorForm, unled: list[WorkType]) -> str:
    """Before a move to a team with work the leader cannot lead: which work, that a move holds for
    every week (a stand-in for a day is another matter), and how to move anyway."""
    team = db.session.get(Team, form.team_id.data)
    locale = str(get_locale() or "nl")
    work = format_list([work_type_name(w) for w in unled], locale=locale)
    return " ".join([
        _("%(team)s doet ook %(work)s. %(name)s kan dat werk niet leiden.", team=team.name, work=work,
          name=supervisor.name),
        _("Verplaatsen geldt voor elke week vanaf nu, niet voor één dag. Voor één dag invallen is de regionale "
          "pool er, of de planning kiest een invaller."),
        _("Wil je %(name)s toch verplaatsen? Vink dan hieronder 'Toch verplaatsen' aan en sla opnieuw op.",
          name=supervisor.name),
    ])


@bp.route("/teamleiders/<int:supervisor_id>/archiveren", methods=["POST"])
@roles_required(ADMIN, PLANNER)
def supervisor_archive(supervisor_id: int):
    return _set_supervisor_archived(supervisor_id, True)


@bp.route("/teamleiders/<int:supervisor_id>/terugzetten", methods=["POST"])
@roles_required(ADMIN, PLANNER)
def supervisor_restore(supervisor_id: int):
    return _set_supervisor_archived(supervisor_id, False)


def _set_supervisor_archived(supervisor_id: int, archived: bool):
    supervisor = _supervisor_or_404(supervisor_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if not archived and privacy.leader_is_anonymised(supervisor):
        # Name, phone, working times and account are gone: taken back, nobody would know who leads.
        flash(_("Deze teamleider is geanonimiseerd. De naam en de gegevens zijn gewist, daarom kun je deze "
                "teamleider niet terugzetten. Komt de teamleider terug? Maak dan een nieuwe teamleider aan."),
              "error")
        return redirect(url_for("teams.supervisor", supervisor_id=supervisor.id))
    team, account = supervisor.team, supervisor.user
    saw = account is not None and team is not None and team in account.teams
    linked = tokens.teams_with_link([team] if team is not None and archived else [])
    still_leads = ops.set_supervisor_archived(supervisor, archived)
    flash(_("Teamleider %(name)s is gearchiveerd.", name=supervisor.name) if archived
          else _("Teamleider %(name)s is weer actief.", name=supervisor.name), "success")
    if account is not None and team is not None and (team in account.teams) != saw:
        # As after a move (follow_team_access): the account no longer sees the team, or again.
        _flash_leader_access(supervisor, team if archived else None, account if archived else None)
    if archived:
        _flash_team_link_stopped(team, linked, supervisor, None)
        if account is not None and account.active:
            # Nothing automatic: the account may be used again (a leader back after a leave), but say where it goes.
            flash(_("Het account van %(name)s is nog actief. Werkt %(name)s niet meer bij Binnenwerk, deactiveer dan "
                    "ook het account op de pagina Gebruikers.", name=account.name)
                  if current_user.role == Role.ADMIN.value
                  else _("Het account van %(name)s is nog actief. Werkt %(name)s niet meer bij Binnenwerk, vraag dan "
                         "een beheerder om ook het account te deactiveren.", name=account.name), "info")
    else:
        _flash_fixed_leader(supervisor)
    if still_leads:
        flash(_still_leads_message(supervisor, still_leads), "warning")
    return redirect(url_for("teams.supervisor", supervisor_id=supervisor.id))


def _flash_team_link_stopped(team: Team | None, linked: set[int], supervisor: Supervisor, old_user) -> None:
    """After a leader left `team` (moved, archived) or its account lost it: the link of the whole
    team's calendar it had before (`linked`: tokens.teams_with_link) stopped. Say so, and who makes
    a new one (ops.team_link_stopped)."""
    if team is None or team.id not in linked or tokens.teams_with_link([team]):
        return
    left = supervisor.archived or supervisor.team is not team
    name = supervisor.name if left or old_user is None else old_user.name
    flash(ops.team_link_stopped(team, name, account=not left, leaving=supervisor if left else None), "warning")


def _flash_fixed_leader(supervisor: Supervisor) -> None:
    """A leader who came into a team that had one already: its employees keep the one there longest
    as their fixed team leader (the week page's "vaste teamleider")."""
    team = supervisor.team
    if team is None or supervisor.archived:
        return
    own = ops.own_leader(team)
    if own is not None and own.id != supervisor.id:
        flash(_("%(team)s had al een teamleider. De medewerkers van %(team)s houden %(leader)s als vaste "
                "teamleider.", team=team.name, leader=own.name), "info")


def _flash_leader_access(supervisor: Supervisor, old_team: Team | None, old_user) -> None:
    """After a team leader's team or account changed: which teams each account now sees (and no
    longer), the weeks of the old team the leader still leads, and a team left without a leader."""
    locale = str(get_locale() or "nl")
    moved = old_team is not supervisor.team

    def sees(account) -> str:
        return format_list([t.name for t in sorted(account.teams, key=lambda t: (t.name, t.id))], locale=locale)

    if old_user is not None and old_team is not None and old_team not in old_user.teams:
        if old_user is supervisor.user and old_user.teams:
            flash(_("Het account van %(account)s ziet nu %(teams)s, en %(old)s niet meer.", account=old_user.name,
                    teams=sees(old_user), old=old_team.name), "info")
        else:
            flash(_("Het account van %(account)s ziet %(old)s niet meer.", account=old_user.name, old=old_team.name),
                  "info")
    elif old_user is not None and old_user is supervisor.user and moved and supervisor.team is not None:
        flash(_("Het account van %(account)s ziet nu %(teams)s.", account=old_user.name, teams=sees(old_user)), "info")
    if supervisor.user is not None and supervisor.user is not old_user and supervisor.team is not None:
        flash(_("Het account van %(account)s ziet nu %(teams)s.", account=supervisor.user.name,
                teams=sees(supervisor.user)), "info")
    if old_team is None or old_team is supervisor.team:
        return
    weeks = ops.weeks_led_in_team(supervisor, old_team)
    if weeks:
        flash(_still_leads_message(supervisor, {old_team: weeks}), "warning")
    if not old_team.archived and not ops.team_has_leader(old_team):
        flash(_("%(team)s heeft nu geen eigen teamleider. Geef het team een nieuwe teamleider. Tot dan zien de "
                "medewerkers van %(team)s op hun weekpagina niet wie hun teamleider is.", team=old_team.name),
              "warning")


def _still_leads_message(supervisor: Supervisor, weeks_by_team: dict) -> str:
    """'Tineke leidt nog diensten in week 50 en 51 (Team Den Haag 1). Repareer ...': the weeks
    and teams where an archived leader still leads from today on, and what to do."""
    locale = str(get_locale() or "nl")
    parts, rosters = [], 0
    told = [week for weeks in weeks_by_team.values() for week in weeks]
    for team in sorted(weeks_by_team, key=lambda t: (t.name, t.id)):
        weeks = sorted(weeks_by_team[team])
        rosters += len(weeks)
        parts.append(ngettext("week %(weeks)s (%(team)s)", "week %(weeks)s (%(team)s)", len(weeks),
                              weeks=week_names(weeks, told, local_today()), team=team.name))
    published = db.session.scalar(select(func.count(Roster.id)).where(Roster.version > 0, or_(*(
        and_(Roster.team_id == team.id, Roster.week.in_(sorted(weeks))) for team, weeks in weeks_by_team.items()))))
    if not published:  # drafts nobody has seen yet (told shifts would have a published roster)
        return ngettext(
            "%(name)s leidt nog diensten in %(weeks)s. Pas dat rooster aan voordat je het publiceert.",
            "%(name)s leidt nog diensten in %(weeks)s. Pas die roosters aan voordat je ze publiceert.",
            rosters, name=supervisor.name, weeks=format_list(parts, locale=locale))
    return ngettext(
        "%(name)s leidt nog diensten in %(weeks)s. Repareer dat rooster en publiceer het opnieuw.",
        "%(name)s leidt nog diensten in %(weeks)s. Repareer die roosters en publiceer ze opnieuw.",
        rosters, name=supervisor.name, weeks=format_list(parts, locale=locale))


# --- absences -----------------------------------------------------------------------------------


def _absence_scope(query):
    """Limit an Absence query to the people of the user's teams. Of the team leaders, a team leader
    sees only their own: a fellow leader's sick leave is health data for planners (the roster
    still shows that leader as absent, without the kind)."""
    allowed = team_ids_of(current_user)
    if allowed is None:
        return query
    ids = allowed or {-1}
    # Their own, whatever team: a stand-in of the pool (no team) too.
    return query.where(or_(
        Absence.employee_id.in_(select(Employee.id).where(Employee.team_id.in_(ids))),
        Absence.supervisor_id.in_(select(Supervisor.id).where(_own_leader_row())),
    ))


def _out_of_sight(absence: Absence) -> bool:
    """An absence the user may report but not see afterwards: a fellow team leader's."""
    return db.session.scalar(_absence_scope(select(Absence.id).where(Absence.id == absence.id))) is None


def _flash_repairs(absence: Absence) -> None:
    """Say which rosters (the user may open) now clash with the absence just saved, with a link to each:
    until they are repaired and published, the absent employee still sees the shifts told (the location and
    the ministry count them out at once)."""
    needs = absence_ops.rosters_to_repair(absence=absence, team_ids=team_ids_of(current_user))
    line = get_template_attribute("teams/_repairs.html", "repair_line")
    for need in needs[:REPAIRS_NAMED]:
        flash(line(need), "warning")
    if len(needs) > REPAIRS_NAMED:
        rest = len(needs) - REPAIRS_NAMED
        flash(ngettext("En nog %(num)d rooster met diensten die samenvallen met deze afwezigheid.",
                       "En nog %(num)d roosters met diensten die samenvallen met deze afwezigheid.", rest), "warning")


def _flash_contract_repairs(employee: Employee) -> None:
    """After a contract's last working day is set: the rosters (the user may open) with the person's shifts
    after it, from today on, by week and team, with a link to each, as after an absence: those days need
    someone else."""
    _flash_needs(contract_repairs(employee, team_ids_of(current_user)), lambda rest: ngettext(
        "En nog %(num)d rooster met diensten na de laatste werkdag.",
        "En nog %(num)d roosters met diensten na de laatste werkdag.", rest))


def _flash_day_limit_repairs(employee: Employee) -> None:
    """After the hours a day went down: the rosters (the user may open) with the person's shifts from now on
    that are longer than that, as the grid flags them, with a link to each. Says no hours (a limit may be a
    doctor's), and only to whom may see the person's personal data."""
    if not can_see_sensitive(current_user, employee):
        return
    _flash_needs(day_limit_repairs(employee, team_ids_of(current_user)), lambda rest: ngettext(
        "En nog %(num)d rooster met diensten langer dan de uren per dag.",
        "En nog %(num)d roosters met diensten langer dan de uren per dag.", rest))


def _flash_needs(needs: list[SimpleNamespace], more) -> None:
    line = get_template_attribute("teams/_repairs.html", "repair_line")
    for need in needs[:REPAIRS_NAMED]:
        flash(line(need), "warning")
    if len(needs) > REPAIRS_NAMED:
        flash(more(len(needs) - REPAIRS_NAMED), "warning")


def _shifts_to_come(employee: Employee, team_ids: set[int] | None) -> Select:
    """The person's shifts from today on in the rosters of teams in `team_ids` (None: every team) that are
    not archived, with their roster and team."""
    query = (select(Assignment).join(Roster, Roster.id == Assignment.roster_id).join(Team, Team.id == Roster.team_id)
             .where(Assignment.employee_id == employee.id, Assignment.date >= local_today(), Team.archived.is_(False))
             .options(selectinload(Assignment.roster).selectinload(Roster.team)))
    if team_ids is not None:
        query = query.where(Roster.team_id.in_(list(team_ids) or [-1]))
    return query


def _needs_by_roster(employee: Employee, shifts, what: str) -> list[SimpleNamespace]:
    """The shifts counted per roster, as repair_line reads them (`what`: after_contract or too_long)."""
    counts: dict[Roster, int] = {}
    for shift in shifts:
        counts[shift.roster] = counts.get(shift.roster, 0) + 1
    return sorted((SimpleNamespace(roster=roster, name=employee.name, published=roster.version > 0, **{what: n})
                   for roster, n in counts.items()), key=lambda need: (need.roster.week, need.roster.team.name))


def contract_repairs(employee: Employee, team_ids: set[int] | None = None) -> list[SimpleNamespace]:
    """The rosters with the person's shifts after their contract's last working day, from today on."""
    if employee.contract_end is None:
        return []
    return _needs_by_roster(employee, db.session.scalars(
        _shifts_to_come(employee, team_ids).where(Assignment.date > employee.contract_end)), "after_contract")


def contract_repair_texts(employee: Employee) -> list[str]:
    """contract_repairs of every team in the words of the message after a save, without the links: for an
    import's warnings."""
    return _repair_texts(contract_repairs(employee))


def day_limit_repair_texts(employee: Employee) -> list[str]:
    """day_limit_repairs of every team as contract_repair_texts says its own (never the hours)."""
    return _repair_texts(day_limit_repairs(employee))


def _repair_texts(needs: list[SimpleNamespace]) -> list[str]:
    line = get_template_attribute("teams/_repairs.html", "repair_line")
    return [line(need, link=False).striptags() for need in needs]


def day_limit_repairs(employee: Employee, team_ids: set[int] | None = None) -> list[SimpleNamespace]:
    """The rosters with the person's shifts from now on that are longer than their hours a day (a shift of
    today under way is kept as it is and not flagged: rosters.routes' grid)."""
    today = local_today()
    now = minute_now(today)
    shifts = db.session.scalars(_shifts_to_come(employee, team_ids).options(selectinload(Assignment.request)))
    return _needs_by_roster(employee, [
        a for a in shifts if longer_than_day_limit(employee, a.request)
        and not (a.date == today and a.request.start_minute <= now)], "too_long")


def _to_absence_list(absence: Absence):
    """Back to the absence list that shows the absence just saved; one that is over is no longer
    'vanaf vandaag', so say where it went."""
    today = local_today()
    if absence.end_date >= today:
        return redirect(url_for("teams.absences"))
    # One that ended before the list's year is refused (services.absences.ABSENCE_KEEP_DAYS).
    flash(_("Deze afwezigheid is al voorbij. Daarom staat die in de lijst Eerdere afwezigheid."), "info")
    return redirect(url_for("teams.absences", eerder=1))


@bp.route("/afwezigheid")
@roles_required(PLANNER, TEAM_LEADER)
def absences():
    teams = _visible_teams(include_archived=True)
    filter_form = AbsenceFilterForm(formdata=request.args)
    filter_form.team.choices = [("", _("Alle teams"))] + [(t.id, t.name) for t in teams]
    chosen = filter_form.team.data if filter_form.team.data in {t.id for t in teams} else None
    today = local_today()
    earlier = request.args.get("eerder") == "1"
    words = filter_form.words
    query = _absence_scope(
        select(Absence).options(selectinload(Absence.employee).selectinload(Employee.team),
                                selectinload(Absence.supervisor).selectinload(Supervisor.team))
    )
    if earlier:
        query = query.where(Absence.end_date < today, Absence.end_date >= today - EARLIER_WINDOW).order_by(
            Absence.end_date.desc(), Absence.start_date.desc(), Absence.id.desc())
    else:
        query = query.where(Absence.end_date >= today).order_by(Absence.start_date, Absence.id)
    if chosen is not None:
        query = query.where(or_(
            Absence.employee_id.in_(select(Employee.id).where(Employee.team_id == chosen)),
            Absence.supervisor_id.in_(select(Supervisor.id).where(Supervisor.team_id == chosen)),
        ))
    if words:
        query = query.where(_absent_person_named(words))
    # Both views a page at a time: a spring of holiday planning puts well over a thousand
    # absences from today in one list.
    found = one_page(query, request.args.get("page"), EARLIER_PER_PAGE)
    search = " ".join(words)
    args = {name: value for name, value in (("naam", search), ("team", chosen)) if value}
    return render_template(
        "teams/absences.html", absences=found.items, found=found,
        earlier=earlier, since=today - EARLIER_WINDOW, chosen_team=chosen, search=search, args=args,
        filter_form=filter_form, kind_labels=_kind_labels(), today=today,
    )


def _absent_person_named(words: list[str]) -> ColumnElement[bool]:
    """Whether the absent person has every word in their name, folded as the employees list's
    search folds it: an employee's first or last name ('de groot', 'Groot, Bas'), a team leader's
    name. The team limits stay with the caller's query (_absence_scope), so a search never widens them."""
    employee_match = select(Employee.id)
    for word in words:
        employee_match = employee_match.where(or_(contains_folded(Employee.first_name, word),
                                                  contains_folded(Employee.last_name, word)))
    supervisor_match = select(Supervisor.id)
    for word in words:
        supervisor_match = supervisor_match.where(contains_folded(Supervisor.name, word))
    return or_(Absence.employee_id.in_(employee_match), Absence.supervisor_id.in_(supervisor_match))


# Above this many people a planner picks the team first (AbsenceTeamForm), then the person from that
# team's list: the large demo's one list held 1,486 names, with 51 named Vos. The small demo has 86.
PEOPLE_IN_ONE_LIST = 100
LEADERS_STEP = "teamleiders"  # the team step's choice for every team leader and stand-in


def _reportable() -> tuple[Select, Select]:
    """The employees and the team leaders the user may report absent: a team leader their teams'
    people and leaders, and themselves whatever team (a stand-in of the pool has none)."""
    allowed = team_ids_of(current_user)
    employees = select(Employee).where(Employee.archived.is_(False), Employee.anonymised_at.is_(None))
    supervisors = select(Supervisor).where(Supervisor.archived.is_(False))
    if allowed is not None:
        employees = employees.where(Employee.team_id.in_(allowed or {-1}))
        supervisors = supervisors.where(or_(Supervisor.team_id.in_(allowed or {-1}), _own_leader_row()))
    return employees, supervisors


def _own_leader_row() -> ColumnElement[bool]:
    """SQL: the team leader row linked to the user's account, for a team leader (false for anyone else)."""
    if current_user.role != TEAM_LEADER.value:
        return false()
    return Supervisor.user_id == current_user.id


def _team_step() -> AbsenceTeamForm | None:
    """The team step for a planner among more than PEOPLE_IN_ONE_LIST people (None: one list, as for a
    team leader, who only ever sees their own team), with the team asked in the page's address (?team=)."""
    if team_ids_of(current_user) is not None:
        return None
    employees, supervisors = _reportable()
    count = sum(db.session.scalar(select(func.count()).select_from(q.subquery())) for q in (employees, supervisors))
    if count <= PEOPLE_IN_ONE_LIST:
        return None
    step = AbsenceTeamForm(formdata=request.args if "team" in request.args else None)
    # The teams someone may be reported absent in (an archived team's people still count, as in the one list).
    teams = db.session.scalars(select(Team).where(Team.id.in_(employees.with_only_columns(Employee.team_id)))
                               .order_by(Team.name, Team.id))
    step.team.choices = ([("", _("Kies een team"))] + [(str(t.id), t.name) for t in teams]
                         + [(LEADERS_STEP, _("Teamleiders en invallers"))])
    return step


def _person_choices(team: str | None = None) -> dict[str | None, list[tuple[str, str]]]:
    """Everyone the user may report absent, grouped (an <optgroup>) per team, ordered by team name,
    then the team leaders in a group of their own: at a hundred teams one flat list of 1,500 names
    is not usable, grouped a keyboard or screen-reader user hears the team before the names.
    `team` (a team's id, or LEADERS_STEP) narrows it to that team's people and leaders, or to the
    team leaders and stand-ins."""
    employees, supervisors = _reportable()
    employees = employees.options(selectinload(Employee.team)).order_by(Employee.sort_name, Employee.id)
    if team not in (None, LEADERS_STEP):
        employees = employees.where(Employee.team_id == int(team))
        supervisors = supervisors.where(Supervisor.team_id == int(team))
    choices: dict[str | None, list[tuple[str, str]]] = {None: [("", _("Kies wie er afwezig is"))]}
    by_team: dict[int, list[Employee]] = {}
    for e in db.session.scalars(employees) if team != LEADERS_STEP else ():
        by_team.setdefault(e.team_id, []).append(e)
    for members in sorted(by_team.values(), key=lambda group: (group[0].team.name, group[0].team_id)):
        # The team stays in each label (not every screen reader reads the group out); only
        # namesakes within a team need more.
        suffix = name_suffixes(members)
        choices[members[0].team.name] = [
            (f"medewerker-{e.id}", f"{e.list_name} ({e.team.name}){suffix[e.id]}") for e in members]
    # Sorted here, with accents aside as the employees' sort_name ("Özlem" under O, not after
    # "Zoë"): a team leader has no stored sort key, and SQL's order puts "Ö" after "Z".
    leaders = [(f"teamleider-{s.id}", _("%(name)s (teamleider)", name=s.name))
               for s in sorted(db.session.scalars(supervisors), key=lambda s: (name_key(s.name), s.id))]
    if leaders:
        choices[_("Teamleiders")] = leaders
    return choices


def _asked_person() -> tuple[str, Employee | Supervisor] | None:
    """The person the form was opened for from their page (?medewerker=<id> or ?teamleider=<id>),
    as the form's value and the row; 404 for anyone the user may not report absent (another team,
    an ended contract, an archived team leader, no such id)."""
    for kind in ("medewerker", "teamleider"):
        raw = request.args.get(kind)
        if raw is None:
            continue
        if not ascii_digits(raw) or len(raw) > 9:
            abort(404)
        own = current_user.supervisor if current_user.role == TEAM_LEADER.value else None
        if kind == "teamleider" and own is not None and own.id == int(raw):
            person = own  # a team leader themselves, whatever team (_reportable)
        else:
            person = _employee_or_404(int(raw)) if kind == "medewerker" else _supervisor_or_404(int(raw))
        if person.archived:  # (another team's or the pool's leaders are 404 for a team leader already)
            abort(404)
        return f"{kind}-{person.id}", person
    return None


def _offered(field) -> set[str]:
    groups = field.choices.values() if isinstance(field.choices, dict) else [field.choices]
    return {value for group in groups for value, _label in group}


def _person(value: str):
    kind, _sep, number = (value or "").partition("-")
    obj_id = int(number) if ascii_digits(number) and len(number) < 10 else None
    if obj_id is None:
        return None, None
    if kind == "medewerker":
        return db.session.get(Employee, obj_id), None
    if kind == "teamleider":
        return None, db.session.get(Supervisor, obj_id)
    return None, None


def _absence_input(form: AbsenceForm) -> absence_ops.AbsenceInput:
    whole = bool(form.whole_day.data)
    return absence_ops.AbsenceInput(
        kind=form.kind.data, start_date=form.start_date.data, end_date=form.end_date.data,
        start_minute=None if whole else form.start_time.minutes, end_minute=None if whole else form.end_time.minutes,
        note=form.note.data or "",
    )


@bp.route("/afwezigheid/nieuw", methods=["GET", "POST"])
@roles_required(PLANNER, TEAM_LEADER)
def absence_new():
    form = AbsenceForm()
    asked = _asked_person()
    fixed = step = None
    if asked is not None:
        # Opened from the person's page: that person, fixed (as on the edit form), without the list.
        value, fixed = asked
        form.person.choices = [(value, fixed.name)]
        form.person.data, form.person.raw_data = value, [value]  # whatever the page posts as the person
    elif (step := _team_step()) is not None and "team" in request.args:
        if not step.validate():
            # Not a team of the list (an edited address, or a team archived since): say so, store nothing.
            return render_template("teams/absence_form.html", form=form, absence=None, person=None,
                                   step=step, show_form=False), 422
        form.person.choices = _person_choices(step.team.data)
    elif step is not None and request.method == "GET":
        # Many people: the team first, then only its people (the form is sent with the team in its address).
        return render_template("teams/absence_form.html", form=form, absence=None, person=None,
                               step=step, show_form=False)
    else:
        # One list; also a form sent without the team (a page from before the team step).
        form.person.choices = _person_choices()
    if request.method == "GET":
        wanted = request.args.get("wie", "")
        if asked is None and wanted in _offered(form.person):
            form.person.data = wanted
        form.start_date.data = form.end_date.data = local_today()
    submission = _submission()
    if form.validate_on_submit():
        employee, supervisor = _person(form.person.data)
        try:
            # A fellow team leader's absences are not this team leader's to see: no answer may tell
            # what is stored (see create_absence).
            hidden = supervisor is not None and current_user.role == TEAM_LEADER.value \
                and supervisor.user_id != current_user.id
            absence = absence_ops.create_absence(_absence_input(form), employee=employee, supervisor=supervisor,
                                                 same_as_stored=not hidden, submission=submission)
        except SentBefore as sent:
            # This form was sent before (a double click, or Back, other dates and send again): the
            # first stored it and nothing else is; say which, and where to change it.
            db.session.rollback()
            made = sent.made
            who = made.employee or made.supervisor
            flash(_("De afwezigheid van %(name)s van %(period)s was al geregistreerd met dit formulier. Er is niets "
                    "nieuws opgeslagen.", name=who.name, period=date_period(made.start_date, made.end_date)), "info")
            if _out_of_sight(made):
                # A fellow team leader's: not this leader's to open; as the first send said.
                flash(_("Alleen planners zien de afwezigheid van andere teamleiders. Moet er iets veranderen? "
                        "Vraag het een planner."), "info")
                return redirect(url_for("teams.absences"))
            flash(_("Klopt er iets niet? Pas de afwezigheid dan hier aan."), "info")
            return redirect(url_for("teams.absence_edit", absence_id=made.id))
        except ServiceError as error:
            db.session.rollback()
            _apply_service_error(form, error)
        else:
            flash(_("De afwezigheid van %(name)s is geregistreerd.", name=(employee or supervisor).name), "success")
            _flash_repairs(absence)
            if _out_of_sight(absence):
                flash(_("Alleen planners zien de afwezigheid van andere teamleiders. Moet er iets veranderen? "
                        "Vraag het een planner."), "info")
                return redirect(url_for("teams.absences"))
            return _to_absence_list(absence)
    return render_template("teams/absence_form.html", form=form, absence=None, person=fixed,
                           person_page=_person_page(fixed), submission=submission, step=step,
                           show_form=True), _status_code(form)


def _person_page(person: Employee | Supervisor | None) -> str | None:
    if isinstance(person, Employee):
        return url_for("teams.employee", employee_id=person.id)
    if isinstance(person, Supervisor):
        return url_for("teams.supervisor", supervisor_id=person.id)
    return None


def _absence_or_404(absence_id: int) -> Absence:
    absence = db.session.scalar(_absence_scope(select(Absence).where(Absence.id == absence_id)))
    if absence is None:
        abort(404)
    return absence


@bp.route("/afwezigheid/<int:absence_id>", methods=["GET", "POST"])
@roles_required(PLANNER, TEAM_LEADER)
def absence_edit(absence_id: int):
    if request.method == "POST" and db.session.scalar(
            _absence_scope(select(Absence.id).where(Absence.id == absence_id))) is None:
        # Deleted since the form was opened (another window, a colleague): say so instead of a bare
        # "not found". Still a 404, and the same words for absences one may not see.
        return render_template("error.html", title=_("Niet gevonden"), message=_(
            "Deze afwezigheid bestaat niet meer: misschien is ze net verwijderd, in een ander venster of door "
            "iemand anders. Er is niets opgeslagen. Voer de afwezigheid opnieuw in als dat nog nodig is.")), 404
    absence = _absence_or_404(absence_id)
    person = absence.employee or absence.supervisor
    value = f"medewerker-{absence.employee_id}" if absence.employee_id else f"teamleider-{absence.supervisor_id}"
    form = AbsenceForm(obj=absence)
    # The person is fixed on an existing absence; the field is shown read-only.
    form.person.choices = [(value, person.name)]
    form.person.data = value
    if request.method == "GET":
        form.whole_day.data = absence.whole_day
        if not absence.whole_day:
            form.start_time.process_data(absence.start_minute)
            form.end_time.process_data(absence.end_minute)
        form.seen_state.data = seen_state.absence_state(absence)
    if form.validate_on_submit():
        try:
            seen_state.refuse_if_changed(absence, form.seen_state.data, seen_state.absence_state)
            absence_ops.update_absence(absence, _absence_input(form))
        except ServiceError as error:
            db.session.rollback()
            stale = refused_as_stale(error, form, absence, seen_state.absence_state, lambda: render_template(
                "teams/absence_form.html", form=form, absence=absence, person=person))
            if stale:
                return stale
            _apply_service_error(form, error)
        else:
            flash(_("De afwezigheid van %(name)s is opgeslagen.", name=person.name), "success")
            _flash_repairs(absence)
            return _to_absence_list(absence)
    return render_template("teams/absence_form.html", form=form, absence=absence, person=person), _status_code(form)


@bp.route("/afwezigheid/<int:absence_id>/verwijderen", methods=["GET", "POST"])
@roles_required(PLANNER, TEAM_LEADER)
def absence_delete(absence_id: int):
    """GET asks to confirm (a page, so it works without JavaScript); the POST from it deletes, only
    the absence as that page showed it (its seen_state): one changed since is shown again as it is
    now, to confirm anew. A second delete (a double click, the back button) says it is done."""
    if request.method == "POST" and db.session.get(Absence, absence_id) is None:
        if not ConfirmForm().validate_on_submit():
            abort(400)
        flash(_("Deze afwezigheid was al verwijderd, misschien in een ander venster of door iemand anders."),
              "info")
        return redirect(url_for("teams.absences"))
    absence = _absence_or_404(absence_id)
    person = absence.employee or absence.supervisor
    if request.method == "GET":
        return _absence_delete_page(absence)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        seen_state.refuse_if_changed(absence, request.form.get("seen_state"), seen_state.absence_state)
    except ServiceError:
        db.session.rollback()
        return _absence_delete_page(absence, changed=True), 409
    name = person.name
    absence_ops.delete_absence(absence)
    flash(_("De afwezigheid van %(name)s is verwijderd.", name=name), "success")
    return redirect(url_for("teams.absences"))


def _absence_delete_page(absence: Absence, changed: bool = False) -> str:
    return render_template("teams/absence_delete.html", absence=absence, person=absence.employee or absence.supervisor,
                           kind_labels=_kind_labels(), confirm=ConfirmForm(),
                           seen=seen_state.absence_state(absence), changed=changed)
