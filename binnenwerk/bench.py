"""Benchmark of the planning pages on the current database: `python -m binnenwerk.bench` or `flask plan bench`.

Run it on `flask --app binnenwerk seed-demo --size large` (100 teams). It prints a table: the
all-teams week view rendered server-side (target under 300 ms, a bounded number of SQL queries;
with more than 20 teams it shows every team's line but one region's grids), the same with every
region's grids, one team's week view, and building the week's Problem (target under 2 s).
"""
from __future__ import annotations

import statistics
import time
from contextlib import contextmanager

from sqlalchemy import event, func, select

TARGETS = {"all_teams_view": 0.300, "problem_build": 2.0}


@contextmanager
def count_queries(engine):
    counter = {"n": 0}

    def before(*_args, **_kwargs):
        counter["n"] += 1

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield counter
    finally:
        event.remove(engine, "before_cursor_execute", before)


def _timed(fn, repeat: int):
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def run(app, week: str | None = None, repeat: int = 5) -> list[dict]:
    """Measure on `app`'s database; returns the rows of the table.

    The garbage collector stays on, as it is in the web server: the figures include its pauses.
    """
    import datetime as dt

    from flask_login import login_user

    from . import planning
    from .extensions import db
    from .formatting import week_of
    from .models import Employee, Role, Roster, Team, User

    rows = []
    with app.app_context():
        week = week or week_of(dt.date.today())
        planner = db.session.scalar(select(User).where(User.role == Role.PLANNER.value).limit(1))
        if planner is None:
            raise SystemExit("No planner account: run `flask --app binnenwerk seed-demo --size large` first.")
        teams = db.session.scalar(select(func.count(Team.id)))
        employees = db.session.scalar(select(func.count(Employee.id)))
        first_team = db.session.scalar(select(Roster.team_id).where(Roster.week == week).limit(1)) or \
            db.session.scalar(select(Team.id).limit(1))
        view = app.view_functions["rosters.week"]

        def render(query: str):
            def go():
                with app.test_request_context(f"/rooster/?{query}"):
                    login_user(planner)
                    body = view()
                    db.session.remove()
                    return len(body)
            return go

        for name, query, target in (
            ("all_teams_view", f"week={week}", TARGETS["all_teams_view"]),
            # More than 20 teams: the view above holds one region's grids; this one every grid.
            ("every_region", f"week={week}&regio=alle", None),
            ("team_view", f"week={week}&team={first_team}", None),
        ):
            render(query)()  # warm the template cache
            with count_queries(db.engine) as counter:
                render(query)()
            seconds, size = _timed(render(query), repeat)
            rows.append({"what": name, "seconds": seconds, "queries": counter["n"], "target": target,
                         "note": f"{size // 1024} kB html"})

        def build():
            problem, _ = planning.build_problem(week)
            db.session.remove()
            return problem

        with count_queries(db.engine) as counter:
            problem = build()
        seconds, _ = _timed(build, max(1, repeat // 2))
        rows.append({"what": "problem_build", "seconds": seconds, "queries": counter["n"],
                     "target": TARGETS["problem_build"],
                     "note": f"{len(problem.employees)} employees, {len(problem.requests)} requests"})
    print(f"Week {week}: {teams} teams, {employees} employees")
    print(f"{'what':<16} {'median ms':>10} {'queries':>8} {'target ms':>10} {'ok':>4}  note")
    for r in rows:
        target = f"{r['target'] * 1000:.0f}" if r["target"] else "-"
        ok = "-" if r["target"] is None else ("yes" if r["seconds"] <= r["target"] else "NO")
        print(f"{r['what']:<16} {r['seconds'] * 1000:>10.1f} {r['queries']:>8} {target:>10} {ok:>4}  {r['note']}")
    return rows


def main() -> None:
    import argparse

    from . import create_app

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--week", help="ISO week, default this week")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    run(create_app(), args.week, args.repeat)


if __name__ == "__main__":
    main()
