"""Query counts of the pages the load benchmark found costly: a cell save and a fully staffed week."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from binnenwerk import planning
from binnenwerk.bench import count_queries
from binnenwerk.extensions import db
from binnenwerk.models import Assignment, Roster
from binnenwerk.services import rosters as service

WEEK = "2026-W50"
MON = dt.date(2026, 12, 7)
DAYS = [MON + dt.timedelta(days=n) for n in range(3)]


@pytest.fixture
def world(make):
    """A team of three with its leader; one request for one person, Monday to Wednesday."""
    wt = make.work_type("keyboards")
    loc = make.location("Den Haag", name="Rijnstraat 8")
    team = make.team("Den Haag", name="Team A")
    make.supervisor(team, work_types=[wt])
    people = [make.employee(team, work_types=[wt], first_name=n, last_name="Test") for n in ("Anna", "Bram", "Cees")]
    req = make.request(loc, wt, weekdays="123", headcount=1, start_date=MON, end_date=dt.date(2026, 12, 31))
    leader = make.user("team_leader", teams=[team])
    db.session.commit()
    return type("World", (), dict(team=team, people=people, req=req, leader=leader))


def _queries(call) -> tuple[int, object]:
    db.session.expire_all()  # every measured request loads what it needs, like a real one
    with count_queries(db.engine) as counter:
        result = call()
    return counter["n"], result


def _lock(team) -> int:
    roster = db.session.scalar(select(Roster).where(Roster.week == WEEK, Roster.team_id == team.id))
    return roster.lock_version if roster else 0


def test_a_cell_save_builds_the_week_problem_once_not_twice(client, login, world):
    login(world.leader)
    anna = world.people[0]
    build, _ = _queries(lambda: planning.build_problem(WEEK, [world.team.id]))
    form_url = f"/rooster/cel?week={WEEK}&team={world.team.id}&employee={anna.id}&date={MON}"
    shown, page = _queries(lambda: client.get(form_url))
    assert page.status_code == 200 and "Vrij (geen dienst)" in page.get_data(as_text=True)
    lock = _lock(world.team)
    saved, response = _queries(lambda: client.post("/rooster/cel", data={
        "week": WEEK, "team": world.team.id, "employee": anna.id, "date": MON.isoformat(),
        "request": str(world.req.id), "pinned": "y", "lock_version": lock,
    }))
    assert response.status_code == 302, response.get_data(as_text=True)[:1000]
    assert db.session.scalar(select(Assignment.request_id).where(
        Assignment.employee_id == anna.id, Assignment.date == MON)) == world.req.id
    # Showing the form builds the Problem once; the save checks the edit on one Problem too, and
    # writes. A second build in the save (for the form's options) would cost `build` again.
    assert saved < shown + build, (saved, shown, build)


def test_a_refused_cell_save_still_shows_its_options_and_the_reason(client, login, world):
    login(world.leader)
    anna, bram = world.people[:2]
    service.set_cell(WEEK, world.team.id, anna.id, MON, world.req.id, lock_version=0, user=world.leader)
    response = client.post("/rooster/cel", data={
        "week": WEEK, "team": world.team.id, "employee": bram.id, "date": MON.isoformat(),
        "request": str(world.req.id), "lock_version": _lock(world.team),
    })
    text = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Dit kan niet" in text and "Vrij (geen dienst)" in text and "Rijnstraat 8" in text
    assert db.session.scalar(select(Assignment.id).where(Assignment.employee_id == bram.id)) is None


def test_a_fully_staffed_week_view_skips_the_shortfall_reasons_and_their_queries(client, login, world):
    login(world.leader)
    anna = world.people[0]
    for day in DAYS:
        service.set_cell(WEEK, world.team.id, anna.id, day, world.req.id, lock_version=_lock(world.team),
                         user=world.leader)
    url = f"/rooster/?week={WEEK}&team={world.team.id}"
    full, page = _queries(lambda: client.get(url))
    assert page.status_code == 200 and "Alle aanvragen van deze week zijn gevuld." in page.get_data(as_text=True)

    service.set_cell(WEEK, world.team.id, anna.id, DAYS[2], None, lock_version=_lock(world.team), user=world.leader)
    short, page = _queries(lambda: client.get(url))
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "1 persoon te weinig" in text
    # The short week still gets its reasons from a fresh Problem; the full week needs none.
    assert full + 10 <= short, (full, short)


def test_the_load_benchmark_refuses_a_database_that_is_not_on_this_machine():
    from binnenwerk import bench_load

    with pytest.raises(SystemExit, match="only runs against a database on 127.0.0.1"):
        bench_load.check_local("postgresql+psycopg://postgres@db.example.org:5432/bench_load")
    bench_load.check_local(bench_load.DEFAULT_DATABASE)  # no refusal
    with pytest.raises(SystemExit):
        bench_load.main(["--seconds", "100000"])  # bounded: at most 600 s of load


def test_the_load_benchmark_reports_nearest_rank_percentiles():
    from binnenwerk.bench_load import percentile

    times = [n / 1000 for n in range(1, 101)]
    assert (percentile(times, .50), percentile(times, .95), percentile(times, .99)) == (0.050, 0.095, 0.099)
