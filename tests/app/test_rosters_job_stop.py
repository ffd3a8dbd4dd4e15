"""A solve's job page: a stop pressed as the roster is being saved, and the time a quick solve took."""
from __future__ import annotations

import threading

from sqlalchemy import select

from binnenwerk import jobs, planning
from binnenwerk.extensions import db
from binnenwerk.models import JobStatus, Roster, SolveJob

from .test_rosters_flow import WEEK, cells, fast_solver, world  # noqa: F401  (fixtures)


def test_a_stop_pressed_while_the_roster_is_saved_wins_and_nothing_is_saved(client, login, world,  # noqa: F811
                                                                          monkeypatch):
    saving, go = threading.Event(), threading.Event()
    original = planning.apply_solution

    def slow_save(*args, **kwargs):
        saving.set()  # the solve is done and about to store its roster
        assert go.wait(30)
        return original(*args, **kwargs)

    monkeypatch.setattr(planning, "apply_solution", slow_save)
    login(world.planner)
    response = client.post("/rooster/plannen", data={"week": WEEK, "team": world.team.id, "time_limit": "10"})
    job_id = int(response.headers["Location"].split("/")[-1])
    assert saving.wait(60)

    said = client.post(f"/rooster/planning/{job_id}/stoppen", follow_redirects=True).get_data(as_text=True)
    go.set()
    jobs.wait(job_id, 60)
    db.session.expire_all()
    job = db.session.get(SolveJob, job_id)

    # What the stop said must hold: it said the roster stays as it was, so nothing is saved.
    assert "Het rooster blijft zoals het was" in said
    assert job.status == JobStatus.CANCELLED.value and "niet veranderd" in job.error
    assert cells(world.team) == {} and db.session.scalar(select(Roster)) is None
    page = client.get(f"/rooster/planning/{job_id}").get_data(as_text=True)
    assert "Gestopt" in page and "opgeslagen" not in page


def test_a_stop_after_the_roster_was_saved_says_it_was_saved(client, login, world):  # noqa: F811
    login(world.planner)
    response = client.post("/rooster/plannen", data={"week": WEEK, "team": world.team.id, "time_limit": "10"})
    job_id = int(response.headers["Location"].split("/")[-1])
    jobs.wait(job_id, 60)
    said = client.post(f"/rooster/planning/{job_id}/stoppen", follow_redirects=True).get_data(as_text=True)
    assert "blijft zoals het was" not in said
    assert "Het plannen was al klaar: het rooster is al opgeslagen." in said
    assert cells(world.team)


def test_the_stop_cannot_slip_in_between_the_check_and_the_save(world, monkeypatch):  # noqa: F811
    """The stop is asked after the job's last look for one but before its save commits (another
    process's request, here the same session): the save is undone."""
    original = planning.apply_solution

    def stop_then_save(*args, **kwargs):
        job = db.session.get(SolveJob, job_id)
        assert jobs.request_cancel(job)  # still running: the stop is taken
        return original(*args, **kwargs)

    monkeypatch.setattr(planning, "apply_solution", stop_then_save)
    job_id = jobs.create_job(WEEK, world.team.id, time_limit=5).id
    jobs.run(job_id)
    db.session.expire_all()
    assert db.session.get(SolveJob, job_id).status == JobStatus.CANCELLED.value
    assert cells(world.team) == {}


def quick(problem, **kwargs):
    from scheduling import Solution

    return Solution("OPTIMAL", objective=0, best_bound=0)


def test_a_solve_under_a_second_says_so(client, login, world, monkeypatch, app_with, make):  # noqa: F811
    from tests.conftest import english_client

    monkeypatch.setattr(jobs, "solve", quick)
    login(world.planner)
    response = client.post("/rooster/plannen", data={"week": WEEK, "team": world.team.id, "time_limit": "10"})
    job_id = int(response.headers["Location"].split("/")[-1])
    jobs.wait(job_id, 60)
    db.session.expire_all()
    job = db.session.get(SolveJob, job_id)
    assert job.status == JobStatus.FINISHED.value and job.elapsed_seconds < 0.5
    page = client.get(f"/rooster/planning/{job_id}").get_data(as_text=True)
    assert "Dat duurde minder dan een seconde." in page and "0 seconden" not in page
    assert client.get(f"/rooster/planning/{job_id}.json").get_json()["detail"] == "Dat duurde minder dan een seconde."
    english = english_client(app_with, make, role="planner")
    assert "That took less than a second." in english.get(f"/rooster/planning/{job_id}").get_data(as_text=True)
