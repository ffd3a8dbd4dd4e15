"""Solve jobs that fail safely: a killed worker, a lost job, a solver error, a database that is down."""
from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from binnenwerk import jobs
from binnenwerk.extensions import db
from binnenwerk.models import Assignment, JobStatus, SolveJob, utcnow

from .test_rosters_flow import WEEK, solve_via_page, world  # noqa: F401  (fixture)
from .test_rosters_rq import redis_queue  # noqa: F401  (fixture)

# Written when 2026-W50 was to come: the app's clock stays before its Monday's work.
pytestmark = pytest.mark.usefixtures("before_work_on_7_december")

ROOT = Path(__file__).resolve().parents[2]


def _job(job_id: int) -> SolveJob:
    db.session.expire_all()
    return db.session.get(SolveJob, job_id)


def _wait_for(predicate, seconds: float = 30.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError("condition not reached in time")


def test_a_worker_killed_mid_solve_fails_the_job_and_a_retry_succeeds(app, client, login, world, redis_queue):  # noqa: F811
    login(world.planner)
    response = client.post("/rooster/plannen", data={"week": WEEK, "team": world.team.id, "time_limit": "10"})
    assert response.status_code == 302
    job_id = db.session.scalars(select(SolveJob.id)).one()

    env = dict(os.environ, DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"], REDIS_URL="")
    worker = subprocess.Popen(
        [sys.executable, "-m", "tests.app.hanging_worker", app.config["REDIS_URL"], app.config["SOLVE_QUEUE"]],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    try:
        _wait_for(lambda: _job(job_id).status == JobStatus.RUNNING.value and _job(job_id).heartbeat_at)
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait(10)

    app.config["SOLVE_HEARTBEAT_TIMEOUT"] = 1.0
    state = _wait_for(lambda: (s := client.get(f"/rooster/planning/{job_id}.json").get_json())["status"] == "failed"
                      and s, seconds=15)
    job = _job(job_id)
    assert job.status == JobStatus.FAILED.value
    assert "onderbroken" in job.error and "niet veranderd" in job.error
    assert "onderbroken" in str(state)
    assert db.session.scalar(select(Assignment)) is None  # the roster is exactly as it was: empty

    app.config["REDIS_URL"] = ""  # the retry runs in-process
    retry = solve_via_page(client, world.team)
    assert retry.status == JobStatus.FINISHED.value, retry.error
    assert len(db.session.scalars(select(Assignment)).all()) == 6


def test_a_lost_running_job_no_longer_blocks_the_week(app, client, login, world):  # noqa: F811
    lost = SolveJob(week=WEEK, team_id=world.team.id, status=JobStatus.RUNNING.value,
                    heartbeat_at=utcnow() - dt.timedelta(minutes=5))
    db.session.add(lost)
    db.session.commit()
    login(world.planner)
    job = solve_via_page(client, world.team)
    assert job.status == JobStatus.FINISHED.value, job.error
    assert _job(lost.id).status == JobStatus.FAILED.value


def test_a_job_no_worker_picks_up_is_failed_with_a_message(app, client, login, world):  # noqa: F811
    waiting = SolveJob(week=WEEK, team_id=world.team.id, status=JobStatus.QUEUED.value,
                       created_at=utcnow() - dt.timedelta(hours=1))
    db.session.add(waiting)
    db.session.commit()
    login(world.planner)
    state = client.get(f"/rooster/planning/{waiting.id}.json").get_json()
    assert state["status"] == "failed"
    assert "geen rekenserver" in _job(waiting.id).error


def test_a_solver_error_leaves_the_roster_unchanged_and_allows_a_retry(app, client, login, world, monkeypatch):  # noqa: F811
    login(world.planner)
    first = solve_via_page(client, world.team)
    before = {(a.employee_id, a.date, a.request_id) for a in db.session.scalars(select(Assignment))}
    assert len(before) == 6
    real_solve = jobs.solve

    def broken(problem, **kwargs):
        raise RuntimeError("solver crashed")

    monkeypatch.setattr(jobs, "solve", broken)
    failed = solve_via_page(client, world.team)
    assert failed.status == JobStatus.FAILED.value and "niet veranderd" in failed.error
    assert {(a.employee_id, a.date, a.request_id) for a in db.session.scalars(select(Assignment))} == before
    assert first.status == JobStatus.FINISHED.value

    monkeypatch.setattr(jobs, "solve", real_solve)  # not undo(): that would undo the test's clock too
    assert solve_via_page(client, world.team).status == JobStatus.FINISHED.value


def test_a_database_busy_for_a_moment_during_a_solve_does_not_end_it(app, client, login, world, monkeypatch):  # noqa: F811
    """SQLite locked by another write for a few seconds: the progress is not written then, and the
    solve goes on and saves (a QA pass saw a 7-second lock fail the job)."""
    login(world.planner)
    real_solve, real_write = jobs.solve, jobs._write_progress
    refused = []

    def slow(problem, **kwargs):
        time.sleep(0.6)  # a few progress rounds
        return real_solve(problem, **kwargs)

    def locked(job, p, elapsed):
        if len(refused) < 3:
            refused.append(elapsed)
            raise OperationalError("UPDATE solve_job ...", {}, Exception("database is locked"))
        real_write(job, p, elapsed)

    monkeypatch.setattr(jobs, "PROGRESS_INTERVAL", 0.1)
    monkeypatch.setattr(jobs, "solve", slow)
    monkeypatch.setattr(jobs, "_write_progress", locked)
    job = solve_via_page(client, world.team)
    assert len(refused) == 3
    assert job.status == JobStatus.FINISHED.value, job.error
    assert db.session.scalars(select(Assignment)).first() is not None


def test_a_database_that_is_down_gets_a_clear_page_not_a_stack_trace(app, client, login, world, monkeypatch):  # noqa: F811
    login(world.planner)

    def down(*args, **kwargs):
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    monkeypatch.setattr(db.session, "execute", down)
    monkeypatch.setattr(db.session, "scalars", down)
    monkeypatch.setattr(db.session, "scalar", down)
    monkeypatch.setattr(db.session, "get", down)
    response = client.get("/rooster/")
    assert response.status_code == 503
    text = response.get_data(as_text=True)
    assert "De database is even niet bereikbaar" in text and "Traceback" not in text


def test_pool_pre_ping_is_on_so_a_restarted_database_is_reconnected(app):
    assert app.config["SQLALCHEMY_ENGINE_OPTIONS"]["pool_pre_ping"] is True
    assert db.engine.pool._pre_ping


def test_a_failed_jobs_message_is_shown_in_the_readers_language(app_with, make, world):  # noqa: F811
    from tests.conftest import compile_english_catalog

    compile_english_catalog()
    lost = SolveJob(week=WEEK, team_id=world.team.id, status=JobStatus.QUEUED.value,
                    created_at=utcnow() - dt.timedelta(hours=1))
    db.session.add(lost)
    db.session.commit()
    english = app_with().test_client()
    english.post("/auth/login", data={"email": world.planner.email, "password": "Test-wachtwoord-2026"})
    english.post("/taal/en", data={"next": "/"})
    state = english.get(f"/rooster/planning/{lost.id}.json").get_json()
    assert state["status"] == "failed"
    assert state["error"].startswith("No computing server was free")
