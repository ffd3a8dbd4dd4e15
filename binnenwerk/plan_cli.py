"""The `flask plan ...` commands: export, solve, import and publish one week's rosters."""
from __future__ import annotations

import functools
import json
import re
import sys
from pathlib import Path

import click
from flask.cli import AppGroup
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select

from .extensions import db
from .formatting import NoSuchWeek, read_week, week_of
from .models import JobStatus, Roster, Team
from .services.teams import team_named

plan = AppGroup("plan", help="Plan a week: export the problem, solve, import a solution, publish.")
WEEK_HELP = "The week as the web's week box takes it: 2026-W50, 50 (the nearest week 50) or 'week 50 2026'."


def dutch(fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        with force_locale("nl"):
            return fn(*args, **kwargs)

    return wrapper


def _week(value: str) -> str:
    """The week as the web's week box reads it ('53', '2026-w53', 'week 53 2026') -> '2026-W53'."""
    try:
        return read_week(value[:40])
    except NoSuchWeek as exc:
        raise click.ClickException(exc.message) from None
    except ValueError:
        raise click.ClickException(_(
            "'%(week)s' lezen we niet als week. Schrijf bijvoorbeeld 2026-W53, 53 of \"week 53 2026\".", week=value,
        )) from None


def _teams(name: str | None) -> list[int] | None:
    if not name:
        return None
    team = team_named(name)  # "team den haag 1 " is Team Den Haag 1, as in the forms
    if team is None:
        # Team names mostly begin with "Team" themselves ("Team Den Haag 1"): say the word once.
        bare = re.sub(r"^team\s+", "", name.strip(), flags=re.IGNORECASE) or name
        raise click.ClickException(_("Team %(name)s bestaat niet.", name=bare))
    return [team.id]


@plan.command("export")
@click.option("--week", required=True, help=WEEK_HELP)
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, writable=True, allow_dash=True))
@click.option("--solution", type=click.Path(dir_okay=False, writable=True, allow_dash=True),
              help="Also write the week's current roster as a Solution.")
@click.option("--team", help="Only this team (its name).")
@dutch
def export(week: str, out: str, solution: str | None, team: str | None) -> None:
    """Write the week's Problem (and its roster) in the interchange format."""
    from scheduling.io import problem_to_dict, solution_to_dict

    from . import planning

    week = _week(week)
    problem, idmap = planning.build_problem(week, _teams(team))
    _write(out, problem_to_dict(problem))
    if solution:
        current = planning.current_solution(week, idmap.team_ids, problem)
        _write(solution, solution_to_dict(current))
    click.echo(_("Week %(week)s: %(e)d medewerkers, %(r)d aanvragen geschreven.", week=week,
                 e=len(problem.employees), r=len(problem.requests)), err=out == "-")


def _write(path: str, data: dict) -> None:
    """Write the JSON to `path` (or stdout for "-"), readable by its owner only: a Problem holds
    names and each person's limit of hours a day, which may be a doctor's."""
    text = json.dumps(data, ensure_ascii=False, indent=2)
    if path == "-":
        sys.stdout.write(text + "\n")
        return
    from .cli import write_private_file

    write_private_file(path, (text + "\n").encode("utf-8"))


@plan.command("solve")
@click.option("--week", required=True, help=WEEK_HELP)
@click.option("--time-limit", type=click.FloatRange(0.5, 3600), default=None, help="Seconds.")
@click.option("--team", help="Only this team (its name).")
@click.option("--region", help="Only this region's teams (its name, as the roster's region pages spell it).")
@dutch
def solve_command(week: str, time_limit: float | None, team: str | None, region: str | None) -> None:
    """Solve the week now and store it as a draft (pinned shifts stay)."""
    from . import jobs
    from .services import ServiceError

    week = _week(week)
    if team and region:
        raise click.ClickException(_("Kies --team of --region, niet allebei."))
    team_ids = _teams(team)
    if region is not None:
        found = jobs.find_region(region)
        if found is None:
            raise click.ClickException(_("Er is geen regio '%(region)s' met teams. Bekende regio's: %(known)s.",
                                         region=region[:60], known=", ".join(jobs.known_regions()) or "-"))
        region = found
    try:
        job = jobs.create_job(week, team_ids[0] if team_ids else None, time_limit=time_limit, region=region)
    except ServiceError as exc:
        raise click.ClickException(exc.message) from None
    jobs.run(job.id)
    db.session.expire_all()
    job = db.session.get(type(job), job.id)
    left_out = jobs.left_out_messages(job.result)
    if job.status != JobStatus.FINISHED.value:
        raise click.ClickException("\n".join([job.error or job.status] + left_out))
    from .rosters.view import count_short_days, load_request_days, short_days

    # As the roster page counts them (a region's page: that region's).
    short = (len(short_days(week, load_request_days(week, {region}))) if region
             else count_short_days(week, job.team_id))
    for line in left_out:
        click.echo(line, err=True)
    click.echo(_("Week %(week)s gepland in %(s).1f s: status %(status)s, score %(obj)s, %(short)d aanvraagdagen met te weinig mensen.",
                 week=week, s=job.elapsed_seconds, status=(job.result or {}).get("status", "?"),
                 obj=(job.result or {}).get("objective"), short=short))


@plan.command("import")
@click.option("--week", required=True, help=WEEK_HELP)
@click.option("--team", help="Only this team (its name).")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@dutch
def import_command(week: str, team: str | None, file: str) -> None:
    """Read a Solution file, check it against the week's rules and store it as a draft.

    Only the teams that appear in the file (or --team) are replaced; other rosters stay.
    """
    from scheduling.checker import check
    from scheduling.io import FormatError, load_solution

    from . import planning

    week = _week(week)
    # As a Path: the file itself, also when its name begins as JSON text would ('[w50].json').
    path = Path(file)
    try:
        _refuse_another_week(week, load_solution(path))
        full, _ids = planning.build_problem(week, _teams(team))
        solution = load_solution(path, full)
        employee_team = {e.id: planning.pk_of(e.team) for e in full.employees}
        in_file = sorted({employee_team[a.employee] for a in solution.assignments}
                         | {planning.pk_of(s.team) for s in solution.supervision})
        if not in_file:
            raise click.ClickException(_("Het bestand bevat geen diensten; er is niets veranderd."))
        # Check against the problem of just these teams: other teams' shifts use up headcount.
        problem, idmap = planning.build_problem(week, in_file)
        solution = load_solution(path, problem)
    except FormatError as exc:
        raise click.ClickException(_("Het bestand is niet geldig; er is niets veranderd:") + "\n"
                                   + "\n".join(f"- {e.message}" for e in exc.errors[:50])) from None
    except OSError as exc:
        raise click.ClickException(_("Het bestand kan niet gelezen worden: %(e)s", e=str(exc))) from None
    report = check(problem, solution)
    if not report.ok:
        raise click.ClickException(_("Dit rooster breekt de regels; er is niets veranderd:") + "\n"
                                   + "\n".join(f"- {idmap.humanise(v.message)}" for v in report.violations[:50]))
    rosters = planning.apply_solution(week, idmap, solution, action="import", file=str(file))
    click.echo(_("%(n)d roosters van week %(week)s opgeslagen als concept.", n=len(rosters), week=week))


def _refuse_another_week(week: str, solution) -> None:
    """A Solution carries no week, its dates tell which one it was made for. A file made for
    another week is refused as such, before this week's ids and rules would call its requests
    unknown or not held on those days."""
    dates = {a.date for a in solution.assignments} | {s.date for s in solution.supervision}
    weeks = {week_of(day) for day in dates}
    others = sorted(weeks - {week})
    if not others:
        return
    if len(others) == 1 and week not in weeks:
        raise click.ClickException(_(
            "Dit rooster hoort bij week %(other)s, niet bij week %(week)s; er is niets veranderd.",
            other=others[0], week=week))
    raise click.ClickException(_(
        "Dit rooster heeft diensten buiten week %(week)s (in week %(others)s); er is niets veranderd.",
        week=week, others=", ".join(others)))


@plan.command("publish")
@click.option("--week", required=True, help=WEEK_HELP)
@click.option("--team", help="Only this team (its name).")
@dutch
def publish_command(week: str, team: str | None) -> None:
    """Publish the week's rosters: employees see them in their feeds and week pages."""
    from .services import ServiceError
    from .services import rosters as service

    week = _week(week)
    team_ids = _teams(team)
    if team_ids and db.session.get(Team, team_ids[0]).archived:
        # Said as such, not "no roster to publish" (it may have one).
        raise click.ClickException(_("%(team)s is gearchiveerd. Een gearchiveerd team publiceert geen rooster.",
                                     team=db.session.get(Team, team_ids[0]).name))
    # As the pages publish: not an archived team's roster, and no empty version of a roster that
    # employees see as it is.
    query = select(Roster).join(Team, Team.id == Roster.team_id).where(Roster.week == week, Team.archived.is_(False))
    if team_ids:
        query = query.where(Roster.team_id.in_(team_ids))
    found = db.session.scalars(query.order_by(Roster.team_id)).all()
    if not found:
        raise click.ClickException(_("Week %(week)s heeft nog geen rooster om te publiceren.", week=week))
    for roster in found:
        try:
            counts = service.publish(roster, refuse_unchanged=True)
        except ServiceError as error:
            if error.field != service.ALREADY_PUBLISHED:
                raise click.ClickException(error.message) from None
            click.echo(f"{roster.team.name}: {error.message}")
            continue
        click.echo(_("%(team)s: versie %(v)d, %(new)d nieuw, %(changed)d gewijzigd, %(cancelled)d vervallen.",
                     team=roster.team.name, v=roster.version, new=counts["new"], changed=counts["changed"],
                     cancelled=counts["cancelled"]))
        if counts["held"]:
            click.echo(ngettext(
                "%(num)d dienst valt buiten de werktijden van de medewerker en is niet gepubliceerd. Plan het "
                "rooster opnieuw of repareer het.",
                "%(num)d diensten vallen buiten de werktijden van de medewerkers en zijn niet gepubliceerd. Plan "
                "het rooster opnieuw of repareer het.", counts["held"]))


@plan.command("bench")
@click.option("--week", help="The week, as for the other commands; default this week.")
@click.option("--repeat", type=click.IntRange(1, 50), default=5)
def bench_command(week: str | None, repeat: int) -> None:
    """Time the all-teams week view, one team's view and the Problem build; count SQL queries."""
    from flask import current_app

    from .bench import run

    run(current_app._get_current_object(), week and _week(week), repeat)
