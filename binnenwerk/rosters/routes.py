"""Views of the rosters blueprint: week view, cell edits, solve jobs, publish, repair, history, print."""
from __future__ import annotations

import datetime as dt
from collections import defaultdict

from babel.lists import format_list
from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import force_locale, get_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from .. import formatting, jobs, planning, roster_history
from ..access import require_team, roles_required, team_ids_of
from ..extensions import db
from ..formatting import (ascii_digits, current_week, full_date, local_today, marked_dutch_in, parse_week, read_week,
                          week_days, week_of)
from ..models import (
    Absence, Assignment, Employee, JobStatus, Location, PublishedShift, Role, Roster, RosterChange, SolveJob,
    SupervisionAssignment, Supervisor, Team,
)
from ..services import ServiceError
from ..services import rosters as service
from . import bp
from .forms import ActionForm, CellForm, LeaderForm, RepairForm, SolveForm
from .view import explain_short_days, load_request_days, load_week, short_days, week_asks_anyone

PLANNERS = (Role.PLANNER, Role.TEAM_LEADER)


# --- parameters -----------------------------------------------------------------------------


def _week_arg(source=None, strict: bool = False) -> str:
    """The week asked for; without one this week, at the weekend the next (current_week)."""
    text = (source or request.args).get("week", "")
    if strict and text:
        try:
            parse_week(text)  # forms send the page's own week
        except ValueError:
            abort(404)
        return text
    return _week_shown(text)[0]


def _week_shown(text: str) -> tuple[str, bool]:
    """The week a page shows for a typed one (_week_typed), and whether the text was refused: then
    the message is at the top, and the page passes `refused` (its title starts with "Fout:")."""
    week, refused = _week_typed(text)
    if refused:
        flash(refused[1], "error")
    return week, refused is not None


def _week_typed(text: str) -> tuple[str, tuple[str, str] | None]:
    """The week as people type it in the week box, and for a text that is no week (that text,
    why); the roster page keeps it in the box, marked wrong and tied to the message (WCAG 3.3.1)."""
    if not text:
        return current_week(), None
    try:
        return read_week(text[:20]), None
    except ValueError as exc:
        return current_week(), (text[:20], week_refused_message(text, exc))


def typed_week_refused(text: str, exc: ValueError) -> str:
    """A week box's text that is no week: say so at the top and show this week (see below)."""
    flash(week_refused_message(text, exc), "error")
    return current_week()


def week_refused_message(text: str, exc: ValueError) -> str:
    """A week box's text that is no week: say so (and why, for '2027-W53') and show this week, at
    the weekend the coming one, saying which. The roster page and the capacity report."""
    why = _("'%(week)s' is geen week die we kennen.", week=text[:20])
    if isinstance(exc, formatting.NoSuchWeek):  # '2027-W53': say why
        why += " " + exc.year_note
    # At the weekend the page opens on the coming week (current_week): say that, not "deze week".
    shown = current_week()
    return f"{why} " + (_("Je ziet nu deze week.") if shown == week_of(local_today())
                        else _("Je ziet nu de komende week (%(week)s).", week=shown))


def _int_arg(value) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**31 else None


def _get_or_404(model, pk: int):
    # Ids beyond the database's integer range are simply unknown (not an overflow error).
    found = db.session.get(model, pk) if 0 < pk < 2**31 else None
    if found is None:
        abort(404)
    return found


def _team_or_404(value, *, archived_readable: bool = False) -> Team:
    """The team asked for, if the user may see it. An archived team's rosters stay readable as
    history (`archived_readable`, read-only pages only); nothing plans or changes them."""
    team_id = _int_arg(value)
    if team_id is None:
        abort(404)
    team = db.session.get(Team, team_id)
    if team is None or (team.archived and not archived_readable):
        abort(404)
    require_team(current_user, team.id)
    return team


def _visible_teams() -> list[Team]:
    allowed = team_ids_of(current_user)
    query = select(Team).where(Team.archived.is_(False)).order_by(Team.region, Team.name)
    if allowed is not None:
        query = query.where(Team.id.in_(allowed or [-1]))
    return list(db.session.scalars(query))


def _back(week: str, team_id: int | None, region: str | None = None):
    """To the week's roster (a region's page: that region's). A cell's page goes back with _view_url."""
    return redirect(url_for("rosters.week", week=week, team=team_id) if team_id
                    else url_for("rosters.week", week=week, regio=region))


def _cell_view(source, team: Team) -> str | None:
    """The roster page a cell was opened from, to go back to: the team's region's page (its name)
    or the all-teams view (ALL_REGIONS); None for the team's own page. Only a page that shows this
    team's grid and that this user sees; anything else leads back to the team's page."""
    asked = (source.get("regio") or "").strip()[:100].casefold()
    if not asked:
        return None
    if asked == ALL_REGIONS:
        return ALL_REGIONS if _visible_team_count() > 1 else None  # one team: the all-teams view is it
    return team.region if asked == team.region.casefold() else None


def _visible_team_count() -> int:
    allowed = team_ids_of(current_user)
    query = select(func.count(Team.id)).where(Team.archived.is_(False))
    if allowed is not None:
        query = query.where(Team.id.in_(allowed or [-1]))
    return db.session.scalar(query) or 0


def _view_url(week: str, team: Team, view: str | None, cell: tuple[Employee, dt.date] | None = None) -> str:
    """The roster page of _cell_view; after a cell's save, at that cell (the grid brings the focus
    back to it). The cell's id is as rosters/_grid.html writes it: someone now in another team has a
    row in both teams' grids, the old team's marked with its team."""
    anchor = None
    if cell:
        anchor = f"cel-{cell[0].id}-{cell[1].isoformat()}"
        if cell[0].team_id != team.id:
            anchor += f"-team-{team.id}"
    if view is None:
        return url_for("rosters.week", week=week, team=team.id, _anchor=anchor)
    if _visible_team_count() <= GRIDS_AT_ONCE:
        view = None  # every grid fits on the all-teams view: its address has no region
    return url_for("rosters.week", week=week, regio=view, _anchor=anchor)


# --- week view ------------------------------------------------------------------------------


GRIDS_AT_ONCE = 20  # more teams than this: the all-teams view shows one region's grids at a time
ALL_REGIONS = "alle"


@bp.route("/")
@roles_required(*PLANNERS)
def week():
    week, week_refused = _week_typed(request.args.get("week", ""))
    all_teams = _visible_teams()
    team = _team_or_404(request.args.get("team"), archived_readable=True) if request.args.get("team") else None
    if team is not None and team.archived:
        return _archived_week(week, week_refused, team)
    if team is None and len(all_teams) == 1:
        team = all_teams[0]  # a team leader of one team goes straight to it
    teams = [team] if team else all_teams
    region, regions = _region_shown(team, all_teams)
    # A region's page reads the grids of its teams only; every other team gets its overview line.
    data = load_week(week, teams, [t for t in teams if t.region == region] if region is not None else None)
    active = _active_job_shown(week, team, all_teams, region)
    # With many teams the grids, the requests and the short days are one region's at a time; the
    # overview above them keeps every team, and each region says how many short days it has.
    short = short_days(week, data["request_days"])
    short_per_region: dict[str, int] = defaultdict(int)
    for row in short:
        short_per_region[row.request.location.region] += 1
    if region is not None:
        data["request_days"] = [rd for rd in data["request_days"] if rd.request.location.region == region]
        short = [row for row in short if row.request.location.region == region]
    grid_teams = [tw for tw in data["teams"] if region is None or tw.team.region == region]
    # The panel lists exactly the table's short cells, with the table's counts; reasons only
    # when there is a short day (they cost a Problem of the region's teams).
    shortfall = explain_short_days(week, short)
    repair = RepairForm()
    today = local_today()
    # A repair starts today at the earliest: the days gone by were worked as they stand, and a repair
    # from one of them would plan them again (and publishing would cancel work that was done). Nobody
    # works on a public holiday: nothing to repair from there either. A week gone by offers no day:
    # the page has no repair form then.
    repair.day.choices = [(d.isoformat(), full_date(d, today)) for d in data["days"]
                          if d >= today and not formatting.holiday(d)]
    # Repair from the first shift to come that clashes with an absence, or the first day to come its
    # team leader is away or in another team now: that is what needs it. Else today.
    clashes = sorted([day for tw in data["teams"] for (_e, day), cell in tw.cells.items()
                      if cell.affected and day >= today]
                     + [row[0] for tw in data["teams"] for row in (*tw.leader_absent, *tw.leader_moved)
                        if row[0] >= today])
    start = clashes[0].isoformat() if clashes else today.isoformat()
    if start in dict(repair.day.choices):
        repair.day.data = start
    this_week = current_week(today)
    return render_template(
        "rosters/week.html", week=week, team=team, all_teams=all_teams, active_job=active,
        active_job_link=active is not None and jobs.may_view_job(active, current_user),
        this_week=this_week, past_week=week_of(today) if this_week != week_of(today) else None, today=today,
        shortfall=shortfall, solve_form=SolveForm(), repair_form=repair, action_form=ActionForm(),
        region=region, regions=regions, grid_teams=grid_teams, short_per_region=short_per_region,
        week_refused=week_refused, refused=week_refused is not None,
        all_regions=ALL_REGIONS, **data,
    )


def _archived_week(week: str, week_refused, team: Team):
    """An archived team's week as the printable grid: the roster as it was, without the week
    page's plan, publish and edit actions (which refuse an archived team). The page has no week
    box to tie a refused week to, so its message goes to the top; the week links and the way back
    to the team's page are what lead to and from it (the all-teams view lists active teams only)."""
    if week_refused is not None:
        flash(week_refused[1], "error")
    flash(_("%(name)s is gearchiveerd. Je kunt dit rooster alleen bekijken; plannen, publiceren en "
            "wijzigen kan niet meer.", name=team.name), "info")
    return render_template("rosters/print.html", week=week, team=team, refused=week_refused is not None,
                           archived_view=True, **load_week(week, [team]))


def _region_shown(team: Team | None, all_teams: list[Team]) -> tuple[str | None, list[tuple[str, int]]]:
    """The region whose grids the all-teams view shows (None: every team's), and the regions to
    choose from with their number of teams (none when every grid fits on one page).

    A hundred grids are 10,000 cells: seconds in the browser, and a page nobody reads whole."""
    if team is not None or len(all_teams) <= GRIDS_AT_ONCE:
        return None, []
    counts: dict[str, int] = defaultdict(int)
    for t in all_teams:
        counts[t.region] += 1
    regions = sorted(counts.items())
    asked = request.args.get("regio", "").strip()
    if asked.casefold() == ALL_REGIONS:
        return None, regions
    if not asked:
        return regions[0][0], regions
    found = next((name for name in counts if name.casefold() == asked.casefold()), None)
    if found is None:  # a region renamed since the link was kept, or mistyped
        flash(marked_dutch_in(_("Er is geen regio '%(region)s' met teams. Je ziet regio %(first)s.",
                                region=asked[:60], first=regions[0][0]), regions[0][0]), "error")
        return regions[0][0], regions
    return found, regions


# --- cells ----------------------------------------------------------------------------------


@bp.route("/cel", methods=["GET", "POST"])
@roles_required(*PLANNERS)
def cell():
    source = request.form if request.method == "POST" else request.args
    week = _week_arg(source, strict=True)
    team = _team_or_404(source.get("team"))
    employee_id = _int_arg(source.get("employee"))
    employee = db.session.get(Employee, employee_id) if employee_id else None
    if employee is None:
        abort(404)
    try:
        day = dt.date.fromisoformat(source.get("date", ""))
    except ValueError:
        abort(404)
    if day not in week_days(week, 7):
        abort(404)
    roster, current, elsewhere = _cell_now(week, team, employee, day)
    # Someone no longer in the team (moved to another, or left) whose shift this team's roster
    # still holds: the cell can only be freed.
    gone = employee.team_id != team.id or employee.archived
    view = _cell_view(source, team)  # a region's page or all teams: back there, not to the team's
    if gone and current is None:
        if request.method == "POST" and employee.team_id == team.id:
            # The contract ended while the form was open: say so, not "no such page".
            flash(service.left_error(employee).message, "error")
            return redirect(_view_url(week, team, view))
        abort(404)
    form = CellForm()
    if request.method == "POST" and form.validate_on_submit():
        chosen = form.request.data or ""
        request_id = _int_arg(chosen) if chosen else None
        # A pin holds a shift; nothing holds a free day (a re-plan or repair may fill it again).
        pin = bool(form.pinned.data) and request_id is not None
        if chosen and request_id is None:
            form.request.errors = [_("Kies een dienst uit de lijst.")]
        elif pin and current is not None and current.request_id == request_id and current.pinned and (
                refusal := service.pin_refusal(week, team.id, employee, day, request_id)):
            # Pinned before it stopped fitting: keeping it pinned promises what a re-plan drops.
            form.request.errors = [refusal]
        elif service.cell_unchanged(roster, form.lock_version.data, employee.id, day, request_id, pin):
            said = _("Er was niets veranderd.")  # nor goes anything into the history
            if request_id is None and form.pinned.data:  # "vastzetten" ticked on a day already free
                said = " ".join(filter(None, (said, _free_day_not_pinned(employee, day))))
            flash(said, "info")
            return redirect(_view_url(week, team, view, cell=(employee, day)))
        else:
            # The same shift, only pinned or let go (the box is ticked when the form opens).
            pin_only = current is not None and current.request_id == request_id and current.pinned != pin
            try:
                service.set_cell(week, team.id, employee.id, day, request_id, lock_version=form.lock_version.data,
                                 user=current_user, pin=pin, reason=form.reason.data or "",
                                 seen_cell=form.seen_cell.data or None)
            except ServiceError as exc:
                form.request.errors = [exc.message]
                # The cell as it is now: a save refused for a change made meanwhile may have met
                # that change's rollback (the shift read above may be gone).
                roster, current, elsewhere = _cell_now(week, team, employee, day)
            else:
                if pin_only:
                    said = (_("De dienst van %(name)s op %(day)s staat nu vast: opnieuw plannen houdt hem. De "
                              "medewerker merkt er niets van.", name=employee.name, day=full_date(day)) if pin else
                            _("De dienst van %(name)s op %(day)s staat niet meer vast: opnieuw plannen mag hem "
                              "veranderen.", name=employee.name, day=full_date(day)))
                else:
                    said = _("Het rooster van %(name)s op %(day)s is aangepast.", name=employee.name,
                             day=full_date(day))
                if request_id is None and form.pinned.data:  # "vastzetten" ticked on a free day
                    said = " ".join(filter(None, (said, _free_day_not_pinned(employee, day))))
                flash(said, "success")
                return redirect(_view_url(week, team, view, cell=(employee, day)))
    # The options are built only for a page that is shown: a save that succeeds needs no Problem of
    # its own here (set_cell builds and checks one), which halves its queries.
    problem, idmap = planning.build_problem(week, [team.id])
    # `fits`: what saving may take. The options also list, marked, a request other teams fill that
    # day and a shift without rest against another roster's shift (service.cell_listed); the
    # cell's own shift that no longer fits keeps its own words below.
    options, fits = ([], set()) if gone else service.cell_listed(problem, idmap, week, team.id, employee.id, day)
    options = [q for q in options if q.id in fits or current is None or q.id != current.request_id]
    # A request others already fill that day (every team), a shift too close to the person's
    # shift the day before or after (11 hours of rest, in any roster), one over the week's
    # contract hours or the hours a day: marked, not hidden, so the person editing sees why
    # choosing it will be refused (set_cell says it in the same words: service.cell_reasons).
    reasons = service.cell_reasons(problem, week, team.id, employee, day, options)
    # And whatever else saving would refuse now, such as no team leader free to lead the team there.
    refused = service.cell_refusals(problem, week, team.id, employee.id, day)

    def marks(q) -> str:
        why = reasons.get(q.id, [])
        said = [_("(vol)")] if service.CELL_FULL in why else []
        said += [_("(te weinig rust)")] if service.CELL_REST in why else []
        said += [_("(meer dan het contract)")] if service.CELL_HOURS in why else []
        rule = refused.get(q.id)
        if rule in (6, 7):
            said.append(_("(geen teamleider vrij)"))
        elif (rule is not None or q.id not in fits) and not said:
            said.append(_("(kan nu niet)"))
        # One pair of brackets: "(vol; meer dan het contract)".
        return " (" + "; ".join(m.strip("()") for m in said) + ")" if said else ""

    marked = {q.id: marks(q) for q in options}
    form.request.choices = [("", _("Vrij (geen dienst)"))] + [(str(q.id), _option_label(q) + marked[q.id])
                                                              for q in options]
    if current is not None and str(current.request_id) not in dict(form.request.choices):
        form.request.choices.append((str(current.request_id), _option_label(current.request) + " "
                                     + _no_longer_fits(current, employee)))
    if request.method == "GET" or not form.seen_cell.data:
        form.seen_cell.data = service.cell_state(roster, employee.id, day)
    elif form.errors and form.seen_cell.data != service.cell_state(roster, employee.id, day):
        form.seen_cell.data = service.cell_state(roster, employee.id, day)  # shown again as it is now
    if request.method == "GET":
        form.lock_version.data = roster.lock_version if roster else 0
        form.request.data = str(current.request_id) if current else ""
        # A choice made by hand is a decision: planning again keeps it unless the box is cleared
        # (before, a cell holding a planned, unpinned shift offered it unticked, and a re-plan
        # silently undid the edit).
        form.pinned.data = True
        if current is not None and current.request_id not in fits and day >= local_today():
            # A shift that no longer fits is not offered pinned: a re-plan drops it (unless it has
            # begun, which _set_cell checks; the box is then the person's to tick).
            form.pinned.data = day == local_today() and current.request.start_minute <= service.minute_now(day)
    return (render_template("rosters/cell.html", week=week, team=team, employee=employee, day=day, form=form,
                            view=view, back=_view_url(week, team, view),
                            current=current, roster=roster, away=_away(employee, day),
                            nothing_fits=not options and current is None,
                            # The hint says beforehand what the marks mean (WCAG 3.3.2).
                            any_marked=any(marked.values()),
                            gone=gone, now_in=employee.team if employee.team_id != team.id else None,
                            elsewhere=elsewhere),
            422 if form.errors else 200)


@bp.route("/leider", methods=["GET", "POST"])
@roles_required(*PLANNERS)
def leader():
    """Choose who leads the team's shifts at a place on one day: one of the team's own leaders or a
    stand-in of the region's pool, as far as the rules allow (planning again may choose anew)."""
    source = request.form if request.method == "POST" else request.args
    week = _week_arg(source, strict=True)
    team = _team_or_404(source.get("team"))
    location = db.session.get(Location, _int_arg(source.get("location")) or 0)
    try:
        day = dt.date.fromisoformat(source.get("date", ""))
    except ValueError:
        abort(404)
    if location is None or day not in week_days(week, 7):
        abort(404)
    view = _cell_view(source, team)
    # Back at this place's leader entry in the grid, as rosters/_grid.html writes its id: grid.js
    # brings the focus back to its edit link, as after a cell's page.
    back = f"{_view_url(week, team, view)}#cel-leider-{team.id}-{day.isoformat()}-{location.id}"
    form = LeaderForm()
    if request.method == "POST" and form.validate_on_submit():
        chosen = _int_arg(form.supervisor.data)
        if chosen is None:
            form.supervisor.errors = [_("Kies een teamleider uit de lijst.")]
        else:
            pin = bool(form.pinned.data)
            try:
                service.set_leader(week, team.id, day, location.id, chosen, lock_version=form.lock_version.data,
                                   user=current_user, seen_leader=form.seen_leader.data or None, pin=pin)
            except ServiceError as exc:
                form.supervisor.errors = [exc.message]
            else:
                name = db.session.get(Supervisor, chosen).name
                said = _("%(name)s leidt %(team)s op %(day)s op %(place)s.", name=name, team=team.name,
                         day=full_date(day), place=location.name)
                said += " " + (_("Dit staat vast: opnieuw plannen houdt deze teamleider hier.") if pin else
                               _("Dit staat niet vast: opnieuw plannen kan een ander kiezen."))
                flash(said, "success")
                return redirect(back)
    choice = service.leader_choice(week, team.id, day, location.id)
    if choice is None:
        if request.method == "POST":
            # The team's shifts there went since the form opened: say so on the roster, not "not found".
            flash(form.supervisor.errors[0] if form.supervisor.errors else
                  _("Het team werkt die dag niet op deze plek. Er is niets opgeslagen."), "error")
            return redirect(back)
        abort(404)
    people = {s.id: s for s in db.session.scalars(select(Supervisor).where(
        Supervisor.id.in_([i for i, _why in choice.options])))}
    current = db.session.get(Supervisor, planning.pk_of(choice.current.supervisor)) if choice.current else None
    form.supervisor.choices = [(str(i), people[i].name + (" " + _("(invaller)") if people[i].team_id is None else "")
                                + (" " + _("(nu)") if current is not None and i == current.id else "")
                                + (f" ({why})" if why else "")) for i, why in choice.options]
    if request.method == "GET" or not form.seen_leader.data or form.errors:
        form.seen_leader.data = service.leader_state(choice.roster, day, location.id)
    if request.method == "GET":
        form.lock_version.data = choice.roster.lock_version
        if current is not None:
            form.supervisor.data = str(current.id)
    return (render_template("rosters/leader.html", week=week, team=team, day=day, location=location, form=form,
                            view=view, back=back, current=current, kept=choice.kept, pinned=choice.pinned,
                            any_free=any(why is None for i, why in choice.options
                                         if current is None or i != current.id)),
            422 if form.errors else 200)


def _cell_now(week: str, team: Team, employee: Employee, day: dt.date):
    """The team's roster of the week, the person's shift that day in it (None: free), and the team
    of another roster holding them that day (the person moved here since: not this cell's)."""
    roster = service.find_roster(week, team.id)
    current = db.session.scalar(select(Assignment).where(Assignment.employee_id == employee.id, Assignment.date == day))
    here = current is not None and roster is not None and current.roster_id == roster.id
    elsewhere = current.roster.team if current is not None and not here else None
    return roster, None if elsewhere else current, elsewhere


def _away(employee: Employee, day: dt.date) -> str | None:
    """'whole' or 'part' when the person has an absence that day (never its kind), else None."""
    absences = db.session.scalars(select(Absence).where(
        Absence.employee_id == employee.id, Absence.start_date <= day, Absence.end_date >= day)).all()
    if not absences:
        return None
    return "whole" if any(a.start_minute is None for a in absences) else "part"


def _free_day_not_pinned(employee: Employee, day: dt.date) -> str:
    """What keeps a day freed by hand free: an absence, not a pin. Nothing when an absence keeps it
    free already: one that leaves none of the person's working hours that day (the whole day, or
    all the time they work then), so planning or repairing puts no shift there
    (planning.availability_for)."""
    absences = db.session.scalars(select(Absence).where(
        Absence.employee_id == employee.id, Absence.start_date <= day, Absence.end_date >= day)).all()
    if absences and day not in planning.availability_for(employee.availability, absences, [day]):
        return ""
    return _("Een vrije dag staat niet vast: opnieuw plannen of repareren kan er weer een dienst op zetten. "
             "Moet %(name)s die dag vrij zijn? Voer dan een afwezigheid in (verlof of afspraak).", name=employee.name)


def _no_longer_fits(shift: Assignment, employee: Employee) -> str:
    """Why the cell's shift is no longer offered, as the roster page flags it (never the kind of
    absence: the form is read over a shoulder as easily as the grid)."""
    day, q = shift.date, shift.request
    if employee.team_id != shift.roster.team_id:
        return _("(past niet meer: nu in %(team)s)", team=employee.team.name)
    absences = db.session.scalars(select(Absence).where(
        Absence.employee_id == employee.id, Absence.start_date <= day, Absence.end_date >= day)).all()
    if service.affected_cells([shift], absences):
        return _("(past niet meer: afwezig)")
    if not service.request_stands(q, day):
        return _("(past niet meer: de aanvraag vraagt dit niet meer)")
    if not service.works_then(employee, day):
        return _("(past niet meer: buiten het contract)")
    windows = [(slot.start_minute, slot.end_minute) for slot in employee.availability
               if slot.weekday == day.isoweekday()]
    if not service.within_hours(q, windows):
        return _("(past niet meer: buiten de werktijden)")
    today = local_today()
    # Gone by or under way: kept as it is, and the grid does not flag it as too long.
    begun = day < today or (day == today and q.start_minute <= service.minute_now(today))
    too_long = service.longer_than_day_limit(employee, q)
    if too_long and not begun:
        return _("(past niet meer: langer dan de uren per dag)")
    if q.location.region != shift.roster.team.region:
        return _("(past niet meer: buiten de regio van het team)")
    if not service.does_work_type(employee, q):
        return _("(past niet meer: niet de werksoort van de medewerker)")
    if not service.may_work_at(employee, q):
        return _("(past niet meer: niet een locatie van de medewerker)")
    if too_long:
        return _("(begonnen voordat de uren per dag omlaag gingen)")
    return _("(past niet meer)")


def _option_label(q) -> str:
    from flask_babel import get_locale

    from ..formatting import minutes_to_hhmm

    name = q.work_type.name_en if str(get_locale()) == "en" else q.work_type.name_nl
    return f"{q.location.name}: {name}, {minutes_to_hhmm(q.start_minute)}–{minutes_to_hhmm(q.end_minute)}"


@bp.route("/gebeld/<int:shift_id>", methods=["POST"])
@roles_required(*PLANNERS)
def mark_called(shift_id: int):
    """'Gebeld' on the start page's short-notice list: the person's changes the list showed (the form's
    `shift` ids, the person's, this one at least) have been told in one call. A change listed since
    the page was opened is not among them: it stays, to be told too."""
    shift = _get_or_404(PublishedShift, shift_id)
    require_team(current_user, shift.team_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    # Each change as the page showed it, "id:sequence": a change made since (the same day changed
    # again, its sequence raised) was not told in this call, so it stays listed.
    shown: dict[int, int | None] = {}
    for value in request.form.getlist("shift")[:50]:
        pk, _sep, sequence = value.partition(":")
        if ascii_digits(pk) and ascii_digits(sequence) and len(pk) <= 10 and len(sequence) <= 10:
            shown[int(pk)] = int(sequence)
    if not shown:
        shown = {shift_id: None}  # a form without them: the button's change, as it is now
    theirs = [s for s in service.short_notice_changes([shift.team_id]) if s.employee_id == shift.employee_id]
    listed = [s for s in theirs if s.id in shown and shown[s.id] in (None, s.sequence)]
    if not listed and theirs:
        # Still on the list, with changes the page did not show: the call told other news.
        flash(_("Er is sindsdien iets veranderd voor %(name)s. Kijk wat er nu staat en bel opnieuw.",
                name=shift.employee.name), "warning")
        return redirect(url_for("main.home"))
    if not listed:
        # Told already, changed again, or never a change to phone about: nothing to note.
        flash(_("%(name)s staat niet (meer) op de lijst om te bellen. Er is niets genoteerd.",
                name=shift.employee.name), "info")
        return redirect(url_for("main.home"))
    for told in listed:
        service.mark_called(told, user=current_user)
    flash(_("Genoteerd: %(name)s weet het.", name=shift.employee.name), "success")
    return redirect(url_for("main.home"))


# --- whole-week actions ---------------------------------------------------------------------


@bp.route("/plannen", methods=["POST"])
@roles_required(*PLANNERS)
def solve():
    week = _week_arg(request.form, strict=True)
    team = _team_or_404(request.form.get("team")) if request.form.get("team") else None
    if team is None and not current_user.has_role(Role.PLANNER):
        abort(404)
    # "Plan regio X" on a region's page: that region's teams only.
    region = None if team else (request.form.get("regio") or "").strip()[:100] or None
    form = SolveForm()
    if not form.validate_on_submit():
        flash(_("Kies een rekentijd uit de lijst."), "error")
        return _back(week, team.id if team else None, region=region)
    return _start(week, team, time_limit=float(form.time_limit.data), region=region)


def _start(week: str, team: Team | None, *, time_limit: float, repair_from: dt.date | None = None,
           region: str | None = None):
    if (nothing := _nothing_to_plan(week, team, region)) is not None:
        flash(nothing, "error")
        return _back(week, team.id if team else None, region=region)
    try:
        job = jobs.start_solve(week, team.id if team else None, user=current_user, time_limit=time_limit,
                               repair_from=repair_from, region=region)
    except ServiceError as exc:
        flash(exc.message, "error")
        return _back(week, team.id if team else None, region=region)
    return redirect(url_for("rosters.job", job_id=job.id))


def _nothing_to_plan(week: str, team: Team | None, region: str | None) -> str | None:
    """Why a solve of these teams (a team, a region's, every team's) would have nothing to do, or None.

    No active team: nothing to plan for. No accepted request of their regions asking anyone this
    week, and no roster of theirs that week with a shift or team leader to take off (a week whose
    requests were cancelled after it was planned is planned again to clear it): a solve would only
    leave empty draft rosters, and publishing them would show the employees a week off ("Vrij")
    rather than a week not planned yet."""
    if team is not None:
        team_ids, regions = [team.id], {team.region}
    elif region is not None:
        found = jobs.find_region(region)
        if found is None:
            return None  # jobs.create_job says there is no such region
        team_ids, regions = jobs.region_team_ids(found), {found}
    else:
        rows = db.session.execute(select(Team.id, Team.region).where(Team.archived.is_(False))).all()
        if not rows:
            return _("Er is niets te plannen: er zijn nog geen teams. Maak eerst een team bij Teams.")
        team_ids, regions = [team_id for team_id, _region in rows], {name for _team_id, name in rows}
    if week_asks_anyone(week, regions):
        return None
    rosters = select(Roster.id).where(Roster.week == week, Roster.team_id.in_(team_ids or [-1]))
    if db.session.scalar(select(Assignment.id).where(Assignment.roster_id.in_(rosters)).limit(1)) is not None or \
            db.session.scalar(select(SupervisionAssignment.id)
                              .where(SupervisionAssignment.roster_id.in_(rosters)).limit(1)) is not None:
        return None
    if team is not None:
        return _("Er is deze week geen geaccepteerde aanvraag voor dit team: er is niets te plannen.")
    return _("Er is deze week geen geaccepteerde aanvraag voor deze teams: er is niets te plannen.")


@bp.route("/repareren", methods=["POST"])
@roles_required(*PLANNERS)
def repair():
    week = _week_arg(request.form, strict=True)
    team = _team_or_404(request.form.get("team"))
    form = RepairForm()
    form.day.choices = [(d.isoformat(), d.isoformat()) for d in week_days(week, 7)]
    try:
        day = dt.date.fromisoformat(form.day.data or "")
    except ValueError:
        day = None
    form.validate_on_submit()  # CSRF is checked for every POST before this; here, which field is wrong
    if day not in week_days(week, 7):
        flash(_("Kies een dag van deze week om vanaf te repareren."), "error")
        return _back(week, team.id)
    today = local_today()
    if day < today:
        # Days gone by were worked as they stand: a repair from one would plan them again.
        if week_days(week, 7)[-1] < today:
            flash(_("Week %(week)s is voorbij: je kunt het rooster niet meer repareren. De dagen blijven "
                    "zoals ze zijn.", week=week), "error")
        else:
            flash(_("Je kunt niet repareren vanaf %(day)s: die dag is voorbij en blijft zoals hij is. Kies "
                    "vandaag of een dag daarna.", day=full_date(day, today)), "error")
        return _back(week, team.id)
    if formatting.holiday(day):
        flash(_("Op %(day)s werkt niemand: het is een feestdag. Kies een andere dag.", day=full_date(day)), "error")
        return _back(week, team.id)
    if form.time_limit.errors:
        flash(_("Kies een rekentijd uit de lijst."), "error")
        return _back(week, team.id)
    try:
        # The repair starts from the roster the page showed: not over a change made since.
        service.check_version(service.find_roster(week, team.id), form.lock_version.data)
    except ServiceError as exc:
        flash(exc.message, "error")
        return _back(week, team.id)
    return _start(week, team, time_limit=float(form.time_limit.data or 30), repair_from=day)


@bp.route("/vorige-week", methods=["POST"])
@roles_required(*PLANNERS)
def copy_previous():
    week = _week_arg(request.form, strict=True)
    team = _team_or_404(request.form.get("team"))
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        copied = service.copy_previous_week(week, team.id, lock_version=form.lock_version.data, user=current_user)
    except ServiceError as exc:
        flash(exc.message, "info" if exc.field == service.ALREADY_DONE else "error")
    else:
        filled, skipped, kept = copied.filled, copied.skipped, copied.kept
        said = [ngettext("%(num)d dienst van vorige week overgenomen in een leeg vakje.",
                         "%(num)d diensten van vorige week overgenomen in lege vakjes.", filled)]
        if skipped:
            said.append(ngettext(
                "%(num)d dienst van vorige week past deze week niet (bijvoorbeeld door afwezigheid, een "
                "andere aanvraag of geen teamleider vrij); dat vakje blijft leeg.",
                "%(num)d diensten van vorige week passen deze week niet (bijvoorbeeld door afwezigheid, een "
                "andere aanvraag of geen teamleider vrij); die vakjes blijven leeg.", skipped))
        if kept:
            said.append(ngettext("%(num)d dienst stond er al en is niet veranderd.",
                                 "%(num)d diensten stonden er al en zijn niet veranderd.", kept))
        for day in copied.holidays:
            said.append(_("%(day)s is een feestdag (%(name)s): daar is niets overgenomen.",
                          day=formatting.upper_first(full_date(day)), name=formatting.holiday(day)))
        for day in copied.no_earlier:
            holiday = day - dt.timedelta(weeks=1)
            # A day that has shifts already keeps them: it does not "stay empty".
            if any(a.date == day for a in copied.roster.assignments):
                said.append(_("Vorige week was %(day)s een feestdag (%(name)s), en er is geen eerdere week met een "
                              "rooster. Voor %(weekday)s is niets overgenomen.", day=full_date(holiday),
                              name=formatting.holiday(holiday), weekday=full_date(day)))
            else:
                said.append(_("Vorige week was %(day)s een feestdag (%(name)s), en er is geen eerdere week met een "
                              "rooster. %(weekday)s blijft leeg.", day=full_date(holiday),
                              name=formatting.holiday(holiday), weekday=formatting.upper_first(full_date(day))))
        for day, back in copied.from_earlier:
            skipped_days = [day - dt.timedelta(weeks=b) for b in range(back - 1, 0, -1)]  # oldest first
            source = day - dt.timedelta(weeks=back)
            said.append(ngettext(
                "Vorige week was %(days)s een feestdag. Voor %(weekday)s is %(source)s overgenomen, uit week %(week)s.",
                "In de weken ervoor waren %(days)s feestdagen. Voor %(weekday)s is %(source)s overgenomen, uit week "
                "%(week)s.", len(skipped_days),
                days=format_list([f"{full_date(d)} ({formatting.holiday(d)})" for d in skipped_days],
                                 locale=str(get_locale() or "nl")),
                weekday=full_date(day), source=full_date(source), week=source.isocalendar()[1]))
        flash(" ".join(said), "success" if filled or not skipped else "warning")
    return _back(week, team.id)


@bp.route("/publiceren", methods=["POST"])
@roles_required(*PLANNERS)
def publish():
    week = _week_arg(request.form, strict=True)
    team = _team_or_404(request.form.get("team"))
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    roster = service.find_roster(week, team.id)
    if roster is None:
        flash(_("Er is nog geen rooster om te publiceren. Maak eerst een rooster."), "error")
        return _back(week, team.id)
    try:
        # A form without the version (an old page, a field taken out) is checked as one of no version:
        # only the command line publishes without one.
        counts = service.publish(roster, user=current_user, lock_version=form.lock_version.data or "",
                                 refuse_unchanged=True)
    except service.OnlyHeld as exc:
        # No new version: what was held, and why.
        flash(exc.message, "warning")
        _say_held(exc.counts)
    except ServiceError as exc:
        flash(exc.message, "success" if exc.field == "done" else "error")
    else:
        flash(_("Gepubliceerd: versie %(v)d. %(new)d nieuw, %(changed)d gewijzigd, %(cancelled)d vervallen. "
                "Medewerkers zien het rooster nu.", v=roster.version, **{k: counts[k] for k in ("new", "changed", "cancelled")}),
              "success")
        _say_held(counts)
        _say_short_notice(roster, week)
    return _back(week, team.id)


def _say_short_notice(roster: Roster, week: str) -> None:
    """Who this publication changed at short notice, by name, to phone. Changes of an earlier
    publication still on the call list are not named as if new: one sentence points to the list.
    Both point to the publisher's own start page: a team leader's lists their teams, a planner's
    every team (so the calls are made when the team leader is away)."""
    made, earlier = service.short_notice_made_by([roster], week)
    # Lists of people sort on the surname after its particles ("de Boer" under B), as everywhere.
    keys = {shift.employee.name: formatting.sort_name(shift.employee.first_name, shift.employee.last_name)
            for shift in made}
    named = sorted(keys, key=lambda name: (keys[name], name))
    if named:
        flash(Markup("{} <a href=\"{}\">{}</a>").format(
            ngettext("Op korte termijn veranderd voor: %(names)s. Bel deze medewerker even: niet iedereen kijkt in "
                     "de agenda. Het telefoonnummer staat op de startpagina.",
                     "Op korte termijn veranderd voor: %(names)s. Bel ze even: niet iedereen kijkt in de agenda. "
                     "De telefoonnummers staan op de startpagina.", len(named), names=", ".join(named)),
            _call_list_url(roster.team_id), _("Bekijk de lijst")), "warning")
    waiting = len({shift.employee_id for shift in earlier} - {shift.employee_id for shift in made})
    if waiting:
        flash(Markup("{} <a href=\"{}\">{}</a>").format(
            ngettext("Van een eerdere publicatie staat nog %(num)d medewerker op je lijst om te bellen.",
                     "Van een eerdere publicatie staan nog %(num)d medewerkers op je lijst om te bellen.", waiting),
            _call_list_url(roster.team_id), _("Bekijk de lijst")), "info")


def _call_list_url(team_id: int) -> str:
    """The publisher's call list: the team's part of a planner's start page, the list of a team
    leader's."""
    anchor = "short-notice-title" if current_user.has_role(Role.TEAM_LEADER) else f"bellen-team-{team_id}"
    return url_for("main.home", _anchor=anchor)


def _say_held(counts: dict[str, int]) -> None:
    """What publishing did not tell, and why (services.rosters._publish's counts)."""
    held, absent = counts.get("held", 0), counts.get("absent", 0)
    moved, region = counts.get(service.MOVED, 0), counts.get(service.OUTSIDE_REGION, 0)
    if absent:
        flash(ngettext(
            "%(num)d nieuwe of gewijzigde dienst is niet gepubliceerd: de medewerker is dan afwezig. Repareer het "
            "rooster, dan gaat die dienst naar een ander.",
            "%(num)d nieuwe of gewijzigde diensten zijn niet gepubliceerd: de medewerkers zijn dan afwezig. "
            "Repareer het rooster, dan gaan die diensten naar anderen.", absent), "warning")
    if held:
        flash(ngettext(
            "%(num)d dienst valt buiten de werktijden van de medewerker en is niet gepubliceerd. Plan het rooster "
            "opnieuw of repareer het.",
            "%(num)d diensten vallen buiten de werktijden van de medewerkers en zijn niet gepubliceerd. Plan het "
            "rooster opnieuw of repareer het.", held), "warning")
    no_rest = counts.get(service.NO_REST, 0)
    if no_rest:
        flash(ngettext(
            "%(num)d nieuwe of gewijzigde dienst geeft de medewerker geen 11 uur rust tussen twee werkdagen en is "
            "niet gepubliceerd. Plan het rooster opnieuw of repareer het.",
            "%(num)d nieuwe of gewijzigde diensten geven de medewerkers geen 11 uur rust tussen twee werkdagen en "
            "zijn niet gepubliceerd. Plan het rooster opnieuw of repareer het.", no_rest), "warning")
    too_long = counts.get(service.TOO_LONG, 0)
    if too_long:
        flash(ngettext(
            "%(num)d dienst is langer dan de medewerker per dag mag werken en is niet gepubliceerd. Plan het "
            "rooster opnieuw of repareer het.",
            "%(num)d diensten zijn langer dan de medewerkers per dag mogen werken en zijn niet gepubliceerd. Plan "
            "het rooster opnieuw of repareer het.", too_long), "warning")
    if moved:
        flash(ngettext(
            "%(num)d nieuwe of gewijzigde dienst is niet gepubliceerd: de medewerker zit nu in een ander team. "
            "Haal de dienst weg of repareer het rooster.",
            "%(num)d nieuwe of gewijzigde diensten zijn niet gepubliceerd: de medewerkers zitten nu in een ander "
            "team. Haal de diensten weg of repareer het rooster.", moved), "warning")
    if region:
        flash(ngettext(
            "%(num)d nieuwe of gewijzigde dienst is niet gepubliceerd: de plek ligt buiten de regio van het team. "
            "Repareer het rooster of pas de dienst aan.",
            "%(num)d nieuwe of gewijzigde diensten zijn niet gepubliceerd: de plek ligt buiten de regio van het "
            "team. Repareer het rooster of pas de diensten aan.", region), "warning")


@bp.route("/publiceren-alle", methods=["POST"])
@roles_required(Role.PLANNER)
def publish_all():
    """The planner publishes every team's week at once, as the all-teams page showed it."""
    week = _week_arg(request.form, strict=True)
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    seen: dict[int, int] = {}
    for pair in (request.form.get("locks") or "").split(","):
        roster_id, _sep, lock = pair.partition(":")
        if ascii_digits(roster_id) and ascii_digits(lock):
            seen[int(roster_id)] = int(lock)
    try:
        published = service.publish_week(week, seen, user=current_user)
        done = published.done
    except service.OnlyHeld as exc:
        flash(exc.message, "warning")
        _say_held(exc.counts)
    except ServiceError as exc:
        flash(exc.message, "success" if exc.field == service.ALREADY_PUBLISHED else "error")
    else:
        if done:
            totals = {k: sum(counts.get(k, 0) for _r, counts in done)
                      for k in ("new", "changed", "cancelled", "held", "absent", service.MOVED,
                                service.OUTSIDE_REGION, service.TOO_LONG, service.NO_REST)}
            flash(ngettext("%(num)d rooster gepubliceerd. Medewerkers zien het nu.",
                           "%(num)d roosters gepubliceerd. Medewerkers zien ze nu.", len(done)) + " "
                  + _("%(new)d nieuw, %(changed)d gewijzigd, %(cancelled)d vervallen.",
                      **{k: totals[k] for k in ("new", "changed", "cancelled")}), "success")
            _say_held(totals)
            # Only what this publication changed: earlier changes are on the team leaders' lists already.
            soon, _earlier = service.short_notice_made_by([roster for roster, _counts in done], week)
            if soon:
                teams = sorted({shift.team.name for shift in soon})
                # The planner's start page lists every team's calls (the team leader may be the one away).
                flash(Markup("{} <a href=\"{}\">{}</a>").format(ngettext(
                    "Op korte termijn veranderd voor %(people)d medewerker van %(teams)s. Die staat op je "
                    "startpagina en op die van de teamleider: bel even.",
                    "Op korte termijn veranderd voor %(people)d medewerkers van %(teams)s. Ze staan op je "
                    "startpagina en op die van hun teamleider: bel ze even.",
                    len({shift.employee_id for shift in soon}), people=len({shift.employee_id for shift in soon}),
                    teams=", ".join(teams)), url_for("main.home", _anchor="short-notice-title"), _("Bekijk de lijst")),
                    "warning")
        else:
            flash(_("Er was niets te publiceren: medewerkers zien alle roosters van deze week al."), "success")
        if published.left_out:
            flash(service.left_out_of_publishing(published.left_out), "warning")
        if done and jobs.overlapping_active_job(week, None, teams=[roster.team_id for roster, _c in done]):
            # The running solve finds these rosters changed when it saves, and leaves their teams out.
            flash(_("Er wordt nu ook een rooster van week %(week)s gemaakt. Dat slaat niets op voor de teams die je "
                    "net hebt gepubliceerd: hun rooster blijft zoals je het publiceerde.", week=week), "warning")
    return _back(week, None)


# --- jobs -----------------------------------------------------------------------------------


def _job_or_404(job_id: int) -> SolveJob:
    job = _get_or_404(SolveJob, job_id)
    if not jobs.may_view_job(job, current_user):
        abort(404)  # 404, not 403: do not confirm that another team's job exists
    return job


def _active_job_shown(week: str, team: Team | None, all_teams: list[Team],
                      region: str | None = None) -> SolveJob | None:
    """The running solve the week page tells of: one that covers the team shown, on a region's
    page one that covers a team of the region, or, on the all-teams view, one of the teams this
    user sees (not another region's team's solve)."""
    if team is None and region is not None:
        return jobs.overlapping_active_job(week, None, teams=[t.id for t in all_teams if t.region == region],
                                           region=region)
    if team is not None or current_user.has_role(Role.PLANNER):
        return jobs.overlapping_active_job(week, team.id if team else None)
    return jobs.overlapping_active_job(week, None, teams=[t.id for t in all_teams])


def _job_state(job: SolveJob) -> dict:
    done = job.status not in jobs.ACTIVE
    labels = {
        JobStatus.QUEUED.value: _("In de wachtrij"), JobStatus.RUNNING.value: _("Bezig met plannen"),
        JobStatus.FINISHED.value: _("Klaar"), JobStatus.FAILED.value: _("Mislukt"),
        JobStatus.CANCELLED.value: _("Gestopt"),
    }
    return {
        "id": job.id, "status": job.status, "label": labels.get(job.status, job.status), "done": done,
        "progress": round(job.progress or 0.0, 3), "best_objective": job.best_objective,
        "best_bound": job.best_bound, "elapsed_seconds": round(job.elapsed_seconds or 0.0, 1),
        # Job messages are stored in Dutch, which is their msgid: fixed ones translate here.
        "time_limit": job.time_limit,
        "error": (jobs.pins_message(job.result) or _(job.error)) if job.error else "",
        "cancel_requested": job.cancel_requested, "detail": _job_detail(job, done),
        "roster_url": url_for("rosters.week", week=job.week, team=job.team_id) if job.team_id
        else url_for("rosters.week", week=job.week, regio=job.region or ALL_REGIONS),  # None: every team
        # Teams a multi-team solve left out because their pins conflict: one line each.
        "left_out": jobs.left_out_messages(job.result),
    }


def _job_detail(job: SolveJob, done: bool) -> str:
    """The seconds, and how good the best roster so far is in words (never the raw score)."""
    elapsed = round(job.elapsed_seconds or 0.0)
    if done:
        if job.status != JobStatus.FINISHED.value:
            return ""
        if elapsed == 0:  # not "0 seconden"
            return _("Dat duurde minder dan een seconde.")
        return ngettext("Dat duurde %(num)d seconde.", "Dat duurde %(num)d seconden.", elapsed)
    text = _("%(s)d van %(t)d seconden.", s=elapsed, t=round(job.time_limit or 0))
    objective, bound = job.best_objective, job.best_bound
    if objective is None:
        return text
    # A region without a roster yet counts as an empty roster with bound 0: until every region has
    # one, a percentage would measure the regions left, not how much better the roster can get.
    regions = (getattr(job, "result", None) or {}).get("regions")
    if regions and regions.get("with_roster", 0) < regions.get("of", 0):
        return text + " " + ngettext("%(num)d van %(of)d regio's heeft een rooster; de planner werkt aan de rest.",
                                     "%(num)d van %(of)d regio's hebben een rooster; de planner werkt aan de rest.",
                                     regions["with_roster"], of=regions["of"])
    if bound is not None and objective > 0:
        room = max(0.0, (objective - bound) / objective * 100)
        if objective <= bound:  # proven: nothing better exists (the search may still be wrapping up)
            return text + " " + _("Er is een rooster gevonden dat niet beter kan.")
        if room < 1:
            return text + " " + _("Er is een rooster gevonden. Het kan hoogstens een klein beetje beter; de "
                                  "planner zoekt verder.")
        return text + " " + _("Er is een rooster gevonden. Het kan hoogstens %(p)d%% beter; de planner zoekt verder.",
                              p=round(room))
    return text + " " + _("Er is een rooster gevonden; de planner zoekt een beter rooster.")


def _short_days_of(job: SolveJob) -> int | None:
    """Short request-days as the roster page the job links to counts them: the team's region,
    the job's region, or every region. None when no accepted request there asks anyone that week
    (its table is empty): the job page then says so, not that all requests are filled."""
    if job.team_id is not None:
        team = db.session.get(Team, job.team_id)
        regions = {team.region} if team else set()
    elif job.region is not None:
        regions = {job.region}
    else:
        regions = set(db.session.scalars(select(Team.region).where(Team.archived.is_(False))))
    request_days = load_request_days(job.week, regions)
    return len(short_days(job.week, request_days)) if request_days else None


@bp.route("/planning/<int:job_id>")
@roles_required(*PLANNERS)
def job(job_id: int):
    jobs.reap_lost_jobs()
    job = _job_or_404(job_id)
    # Counted like the roster's table and panel, which the summary sends the reader to.
    short = _short_days_of(job) if job.status == JobStatus.FINISHED.value else None
    # A repair's earlier days that could still be repaired (of its week, from today on): the page
    # points at them when the repair changed nothing.
    earlier = job.repair_from is not None and job.repair_from > max(week_days(job.week, 7)[0], local_today())
    # The page lists every team of a line that names only a few (jobs.left_out_lines), and per
    # person why their pins could not stay (jobs.dropped_pin_lines).
    old_dropped, dropped_lines = jobs.dropped_pin_lines(job.result)
    return render_template("rosters/job.html", job=job, state=_job_state(job), form=ActionForm(),
                           scope=jobs.team_name(job), short=short, earlier_days=earlier,
                           left_out_lines=jobs.left_out_lines(job.result),
                           old_dropped=old_dropped, dropped_lines=dropped_lines)


@bp.route("/planning/<int:job_id>.json")
@roles_required(*PLANNERS)
def job_status(job_id: int):
    jobs.reap_lost_jobs()
    job = _job_or_404(job_id)
    return jsonify(_job_state(job))


@bp.route("/planning/<int:job_id>/stoppen", methods=["POST"])
@roles_required(*PLANNERS)
def job_cancel(job_id: int):
    job = _job_or_404(job_id)
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    if job.status in jobs.ACTIVE and jobs.request_cancel(job, user=current_user):
        flash(_("Het plannen wordt gestopt. Het rooster blijft zoals het was."), "success")
    elif job.status == JobStatus.FINISHED.value:
        # The stop came as the roster was being saved, or after: say so, not that nothing changed.
        flash(_("Het plannen was al klaar: het rooster is al opgeslagen. Wil je het anders? Pas het aan of "
                "plan opnieuw."), "error")
    else:
        flash(_("Het plannen was al afgelopen."), "error")
    return redirect(url_for("rosters.job", job_id=job.id))


# --- history and print ----------------------------------------------------------------------


@bp.route("/<int:roster_id>/geschiedenis")
@roles_required(*PLANNERS)
def history(roster_id: int):
    roster = _get_or_404(Roster, roster_id)
    require_team(current_user, roster.team_id)
    changes = db.session.scalars(
        select(RosterChange).where(RosterChange.roster_id == roster.id)
        .options(selectinload(RosterChange.user)).order_by(RosterChange.at.desc(), RosterChange.id.desc())
    ).all()
    return render_template("rosters/history.html", roster=roster, changes=changes, wording=roster_history.wording)


@bp.route("/weekbriefjes")
@roles_required(*PLANNERS)
def week_sheets():
    """One sheet per employee of the team with their week as published: for people who read
    their week on paper (no phone, or rather not), handed out by the team leader.

    The sheets speak the employees' language, Dutch, whatever the member of staff reads (the page
    around them speaks theirs); in English with ?taal=en, for an employee who reads English."""
    from ..calendar.routes import print_language
    from ..services import feeds

    week, refused = _week_shown(request.args.get("week", ""))
    team = _team_or_404(request.args.get("team"), archived_readable=True)
    monday = week_days(week, 1)[0]
    employees = db.session.scalars(
        select(Employee).where(Employee.team_id == team.id, Employee.archived.is_(False))
        .order_by(Employee.sort_name, Employee.id)).all()
    language = print_language()
    with force_locale(language):  # the week's words (what changed, and how) too
        weeks = feeds.weeks_of(employees, [monday]) if employees else {}
        sheets = [(e, weeks[e.id][0]) for e in employees]
        printed = Markup(render_template("rosters/_week_sheets.html", team=team, sheets=sheets, language=language))
    # 'none' and 'draft' say there is nothing published to print yet, 'changed' that an older version is.
    return render_template("rosters/week_sheets.html", week=week, team=team, sheets=sheets, printed=printed,
                           language=language, refused=refused,
                           status=service.roster_status(service.find_roster(week, team.id)))


@bp.route("/afdrukken")
@roles_required(*PLANNERS)
def print_view():
    week, refused = _week_shown(request.args.get("week", ""))
    team = _team_or_404(request.args.get("team"), archived_readable=True) if request.args.get("team") else None
    teams = [team] if team else _visible_teams()
    # From a region's page: that region's teams (a hundred teams are a hundred sheets).
    region = request.args.get("regio", "").strip().casefold()
    if team is None and region and region != ALL_REGIONS:
        teams = [t for t in teams if t.region.casefold() == region] or teams
    data = load_week(week, teams)
    return render_template("rosters/print.html", week=week, team=team, refused=refused, **data)
