"""The week view and the Problem build use a fixed number of queries, however many teams."""
from __future__ import annotations

import datetime as dt

from binnenwerk import planning
from binnenwerk.bench import count_queries
from binnenwerk.extensions import db

from .test_rosters_flow import WEEK, fast_solver  # noqa: F401  (fixture)

MON = dt.date(2026, 12, 7)


def _organisation(make, teams: int):
    wt = make.work_type()
    for n in range(teams):
        region = f"Regio {n % 3}"
        loc = make.location(region)
        team = make.team(region)
        make.supervisor(team, work_types=[wt])
        for _ in range(3):
            make.employee(team, work_types=[wt])
        make.request(loc, wt, weekdays="12345", headcount=2, start_date=MON)
    db.session.commit()
    problem, idmap = planning.build_problem(WEEK)
    from scheduling import solve

    planning.apply_solution(WEEK, idmap, solve(problem, time_limit=2, workers=1, deterministic=True))


def _queries(client, url: str, app) -> int:
    db.session.expire_all()  # each measured request loads the user, like a real one
    with count_queries(db.engine) as counter:
        response = client.get(url)
    assert response.status_code == 200
    return counter["n"]


def test_the_all_teams_view_needs_no_query_per_team_or_cell(client, login, make, app):
    planner = make.user("planner")
    _organisation(make, 2)
    login(planner)
    few = _queries(client, f"/rooster/?week={WEEK}", app)
    _organisation(make, 6)
    many = _queries(client, f"/rooster/?week={WEEK}", app)
    assert many == few
    assert "Plan alle teams" in client.get(f"/rooster/?week={WEEK}").get_data(as_text=True)


def test_building_the_problem_needs_no_query_per_employee(make, app):
    _organisation(make, 2)
    with count_queries(db.engine) as counter:
        planning.build_problem(WEEK)
    few = counter["n"]
    _organisation(make, 6)
    with count_queries(db.engine) as counter:
        problem, _ = planning.build_problem(WEEK)
    assert counter["n"] == few
    assert len(problem.employees) == 24


def test_the_bench_command_prints_a_table(runner, make):
    make.user("planner")
    _organisation(make, 2)
    result = runner.invoke(args=["plan", "bench", "--week", WEEK, "--repeat", "1"])
    assert result.exit_code == 0, result.output
    assert "all_teams_view" in result.output and "problem_build" in result.output and "queries" in result.output


def test_the_week_sheets_need_no_query_per_employee(client, login, make, app):
    from binnenwerk.models import Team

    planner = make.user("planner")
    _organisation(make, 1)
    team = db.session.scalars(db.select(Team).order_by(Team.id)).first()
    login(planner)
    url = f"/rooster/weekbriefjes?week={WEEK}&team={team.id}"
    few = _queries(client, url, app)
    for n in range(5):
        make.employee(team, first_name=f"Extra{n}")
    db.session.commit()
    assert _queries(client, url, app) == few
