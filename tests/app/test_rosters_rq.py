"""The solve job through RQ on a real Redis, run by an rq SimpleWorker in burst mode."""
from __future__ import annotations

import os

import pytest
from sqlalchemy import select

from binnenwerk import jobs
from binnenwerk.extensions import db
from binnenwerk.models import Assignment, JobStatus, SolveJob
from tests.conftest import need_service

from .test_rosters_flow import WEEK, world  # noqa: F401  (fixture)

# Written when 2026-W50 was to come: the app's clock stays before its Monday's work.
pytestmark = pytest.mark.usefixtures("before_work_on_7_december")

REDIS_URL = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture
def redis_queue(app):
    from redis import Redis
    from redis.exceptions import RedisError
    from rq import Queue

    connection = Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        connection.ping()
    except RedisError as exc:
        need_service("Redis", False, str(exc))
    # One queue per xdist worker and database, so parallel test runs never take each other's jobs.
    name = f"{jobs.QUEUE_NAME}-test-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}-{db.engine.dialect.name}"
    queue = Queue(name, connection=connection)
    queue.empty()
    app.config.update(REDIS_URL=REDIS_URL, SOLVE_DETERMINISTIC=True, SOLVE_WORKERS=1, SOLVE_QUEUE=name)
    yield queue
    queue.empty()


def _worker(queue):
    """RQ's in-process worker, whose command channel's thread wakes every 0.1 s instead of every
    60 s (RQ 3.0): when that thread sleeps through the unsubscribe at the end of a burst, RQ's
    close of the channel waits for it to wake, so 1 run in 8 under load took 60 s."""
    from rq import SimpleWorker

    class Worker(SimpleWorker):
        def subscribe(self):
            self.pubsub = self.connection.pubsub()
            self.pubsub.subscribe(**{self.pubsub_channel_name: self.handle_payload})
            self.pubsub_thread = self.pubsub.run_in_thread(
                sleep_time=0.1, daemon=True, exception_handler=getattr(self, "_pubsub_exception_handler", None))

    return Worker([queue], connection=queue.connection)


def test_a_solve_goes_through_rq_and_a_worker_fills_the_roster(client, login, world, redis_queue):  # noqa: F811
    login(world.planner)
    response = client.post("/rooster/plannen", data={"week": WEEK, "team": world.team.id, "time_limit": "10"})
    assert response.status_code == 302
    job = db.session.scalars(select(SolveJob)).one()
    assert job.status == JobStatus.QUEUED.value and job.rq_job_id
    assert redis_queue.count == 1
    assert client.get(f"/rooster/planning/{job.id}.json").get_json()["status"] == "queued"

    assert _worker(redis_queue).work(burst=True)

    db.session.expire_all()
    job = db.session.get(SolveJob, job.id)
    assert job.status == JobStatus.FINISHED.value, job.error
    assert len(db.session.scalars(select(Assignment)).all()) == 6
    assert client.get(f"/rooster/planning/{job.id}.json").get_json()["done"]


def test_an_unreachable_redis_fails_the_job_with_a_clear_message(client, login, world, app):  # noqa: F811
    app.config.update(REDIS_URL="redis://127.0.0.1:1/0")
    login(world.planner)
    response = client.post("/rooster/plannen", data={"week": WEEK, "team": world.team.id, "time_limit": "10"},
                           follow_redirects=True)
    assert "De planner is nu niet bereikbaar" in response.get_data(as_text=True)
    job = db.session.scalars(select(SolveJob)).one()
    assert job.status == JobStatus.FAILED.value
    assert db.session.scalar(select(Assignment)) is None
