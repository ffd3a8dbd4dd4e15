"""Production operations (QA): behind a proxy, stopping jobs nothing runs, database errors, settings
from the environment, the SQLite file's rights and the secret key."""
from __future__ import annotations

import datetime as dt
import logging
import os
import sqlite3
import stat
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select, text
from sqlalchemy.exc import OperationalError

from binnenwerk import create_app, jobs
from binnenwerk.access import public
from binnenwerk.extensions import db
from binnenwerk.models import Assignment, JobStatus, SolveJob, utcnow
from tests.conftest import TEST_PASSWORD

from .test_rosters_flow import WEEK, world  # noqa: F401  (fixture)
from .test_rosters_rq import redis_queue  # noqa: F401  (fixture)
from .test_security_login import WRONG, post_login

ROOT = Path(__file__).resolve().parents[2]


def _job(job_id: int) -> SolveJob:
    db.session.expire_all()
    return db.session.get(SolveJob, job_id)


def _an_address() -> str:
    """A client address of its own per test: the limiter's counters outlive an app."""
    n = uuid.uuid4().int
    return f"198.51.{n % 250 + 1}.{n // 250 % 250 + 1}"


# --- behind a reverse proxy -------------------------------------------------------------------


def test_behind_a_proxy_over_https_links_are_https_cookies_secure_and_hsts_sent(app_with, make):
    proxied = app_with(BEHIND_PROXY=1, SERVER_NAME=None)
    client = proxied.test_client()
    forwarded = {"X-Forwarded-For": _an_address(), "X-Forwarded-Proto": "https",
                 "X-Forwarded-Host": "planning.binnenwerk.example"}
    team = make.team(name="Team Oost")
    leader = make.user(role="team_leader", teams=[team])
    anna = make.employee(team=team, first_name="Anna", last_name="Jansen")
    db.session.commit()

    login = client.post("/auth/login", data={"email": leader.email, "password": TEST_PASSWORD}, headers=forwarded)
    assert login.status_code == 302
    cookie = next(c for c in login.headers.getlist("Set-Cookie") if c.startswith("session="))
    assert "Secure" in cookie
    assert login.headers["Strict-Transport-Security"].startswith("max-age=")

    page = client.post(f"/kalender/link/medewerker/{anna.id}/vernieuwen", headers=forwarded, follow_redirects=True)
    html = page.get_data(as_text=True)
    assert "https://planning.binnenwerk.example/week/" in html
    assert "http://planning.binnenwerk.example/" not in html


def test_behind_a_proxy_the_cookie_is_secure_unless_set_otherwise(app_with, make):
    user = make.user(role="team_leader")
    db.session.commit()

    def session_cookie(app) -> str:
        response = post_login(app.test_client(), user.email)  # plain http, as a proxy may pass it on
        return next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))

    assert "Secure" in session_cookie(app_with(BEHIND_PROXY=1))
    assert app_with(BEHIND_PROXY=1).config["REMEMBER_COOKIE_SECURE"] is True
    assert "Secure" not in session_cookie(app_with(BEHIND_PROXY=1, SESSION_COOKIE_SECURE=False))
    assert "Secure" not in session_cookie(app_with())  # no proxy, no https: a local run


def test_behind_a_proxy_each_client_has_its_own_login_limit(app_with, make):
    limited = app_with(BEHIND_PROXY=1, RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="3 per minute")
    first, second = make.user(email="een@example.org"), make.user(email="twee@example.org")
    db.session.commit()
    client = limited.test_client()  # every request comes from the proxy's own address
    one, other = {"X-Forwarded-For": _an_address()}, {"X-Forwarded-For": _an_address()}

    def attempt(user, headers, password=WRONG):
        return client.post("/auth/login", data={"email": user.email, "password": password}, headers=headers)

    assert [attempt(first, one).status_code for _ in range(3)] == [401, 401, 401]
    assert attempt(first, one).status_code == 429
    # Another team leader behind the same proxy is not refused for the first one's tries.
    assert attempt(second, other, TEST_PASSWORD).status_code == 302


# --- stopping a job nothing runs ----------------------------------------------------------------


def _start(client, world) -> int:  # noqa: F811
    response = client.post("/rooster/plannen", data={"week": WEEK, "team": world.team.id, "time_limit": "10"})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return int(response.headers["Location"].rstrip("/").split("/")[-1])


def test_stop_on_a_queued_job_without_a_worker_ends_it_at_once(app, client, login, world, redis_queue):  # noqa: F811
    login(world.planner)
    job_id = _start(client, world)
    assert _job(job_id).status == JobStatus.QUEUED.value and redis_queue.count == 1

    said = client.post(f"/rooster/planning/{job_id}/stoppen", follow_redirects=True).get_data(as_text=True)
    job = _job(job_id)
    assert job.status == JobStatus.CANCELLED.value and "niet begonnen" in job.error and job.finished_at
    assert "Gestopt" in said
    assert redis_queue.count == 0  # taken off the queue
    state = client.get(f"/rooster/planning/{job_id}.json").get_json()
    assert state["done"] and state["status"] == "cancelled"

    # The planner may plan again straight away.
    again = client.post("/rooster/plannen", data={"week": WEEK, "team": world.team.id, "time_limit": "10"},
                        follow_redirects=True).get_data(as_text=True)
    assert "Er wordt al een rooster" not in again
    assert db.session.scalar(select(SolveJob).where(SolveJob.id != job_id)).status == JobStatus.QUEUED.value


def test_a_worker_that_takes_a_stopped_job_after_all_does_nothing(app, world):  # noqa: F811
    app.config["REDIS_URL"] = ""
    job = jobs.create_job(WEEK, world.team.id, time_limit=5)  # queued; no thread started
    assert jobs.request_cancel(job)
    assert _job(job.id).status == JobStatus.CANCELLED.value

    jobs.rq_solve(job.id)  # what a worker would do with it
    job = _job(job.id)
    assert job.status == JobStatus.CANCELLED.value and "niet begonnen" in job.error
    assert db.session.scalar(select(Assignment)) is None


def test_stop_on_a_running_job_that_shows_no_life_ends_it_at_once(app, client, login, world):  # noqa: F811
    gone = SolveJob(week=WEEK, team_id=world.team.id, status=JobStatus.RUNNING.value, time_limit=60,
                    heartbeat_at=utcnow() - dt.timedelta(seconds=30))  # under the 60 s heartbeat timeout
    alive = SolveJob(week="2026-W51", team_id=world.team.id, status=JobStatus.RUNNING.value, time_limit=60,
                     heartbeat_at=utcnow())
    db.session.add_all([gone, alive])
    db.session.commit()
    login(world.planner)
    client.post(f"/rooster/planning/{gone.id}/stoppen")
    client.post(f"/rooster/planning/{alive.id}/stoppen")

    stopped = _job(gone.id)
    assert stopped.status == JobStatus.CANCELLED.value and "niet veranderd" in stopped.error
    # A run with a fresh heartbeat is asked to stop: it hears it within a second and ends itself.
    asked = _job(alive.id)
    assert asked.status == JobStatus.RUNNING.value and asked.cancel_requested
    assert jobs.overlapping_active_job(WEEK, world.team.id) is None  # the week may be planned again


def test_a_worker_without_the_database_logs_it_loudly_and_fails_in_rq(tmp_path, caplog):
    """A worker started without DATABASE_URL opens an empty SQLite file: no such table."""
    empty = create_app({"TESTING": True, "SECRET_KEY": "x",
                        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'nothing.sqlite'}"})
    with empty.app_context(), caplog.at_level(logging.ERROR, logger="binnenwerk.jobs"):
        assert jobs.run(7) is False  # no exception out of run: it handles it
        with pytest.raises(RuntimeError, match="solve job 7"):
            jobs.rq_solve(7)
        db.session.remove()
        db.engine.dispose()
    said = [r.getMessage() for r in caplog.records if r.name == "binnenwerk.jobs"]
    assert any("nothing.sqlite" in m and "no such table" in m and "DATABASE_URL" in m for m in said), said


def test_a_worker_on_another_database_that_lacks_the_job_says_so(app, caplog):
    with caplog.at_level(logging.ERROR, logger="binnenwerk.jobs"):
        assert jobs.run(987654) is False
    assert any("987654" in r.getMessage() and "no solve job" in r.getMessage() and "DATABASE_URL" in r.getMessage()
               for r in caplog.records)


def _waiting_job(world) -> SolveJob:  # noqa: F811
    job = jobs.create_job(WEEK, world.team.id, time_limit=5)
    job.created_at = utcnow() - dt.timedelta(minutes=2)
    db.session.commit()
    return job


def test_a_job_no_worker_has_taken_says_so_on_its_page(app, client, login, world, redis_queue):  # noqa: F811
    from rq import Queue, Worker

    # A queue of its own: a worker killed by another test stays listed on the shared one for minutes.
    queue = Queue(f"{redis_queue.name}-{uuid.uuid4().hex}", connection=redis_queue.connection)
    app.config["SOLVE_QUEUE"] = queue.name
    login(world.planner)
    job = _waiting_job(world)
    state = client.get(f"/rooster/planning/{job.id}.json").get_json()
    assert state["status"] == "queued" and not state["done"]
    assert "Nog geen rekenserver heeft dit rooster opgepakt: er draait nu geen rekenserver" in state["error"]
    page = client.get(f"/rooster/planning/{job.id}").get_data(as_text=True)
    assert 'id="job-waiting"' in page and "er draait nu geen rekenserver" in page

    worker = Worker([queue], connection=queue.connection, name=f"ops-{uuid.uuid4().hex}")
    worker.register_birth()
    try:
        worker.set_state("busy")
        assert "bezig met ander werk" in client.get(f"/rooster/planning/{job.id}.json").get_json()["error"]
    finally:
        worker.register_death()

    # A worker that takes it clears the note.
    jobs._claim(job.id)
    assert _job(job.id).error == ""


def test_a_fresh_job_has_no_note_and_without_redis_the_note_is_general(app, client, login, world):  # noqa: F811
    app.config["REDIS_URL"] = ""
    login(world.planner)
    fresh = jobs.create_job(WEEK, world.team.id, time_limit=5)
    assert client.get(f"/rooster/planning/{fresh.id}.json").get_json()["error"] == ""
    fresh.created_at = utcnow() - dt.timedelta(minutes=2)
    db.session.commit()
    error = client.get(f"/rooster/planning/{fresh.id}.json").get_json()["error"]
    assert error.startswith("Nog geen rekenserver heeft dit rooster opgepakt. Wacht nog even")


# --- database errors ----------------------------------------------------------------------------


def _failing_route(app: Flask) -> None:
    """A page whose statement fails in the database with a person's name bound to it."""

    @public
    def failing():
        # Built here, so the traceback's source lines do not show it: only a leak of the value would.
        name = "-".join(("Geheim", "Jansen"))
        if db.engine.dialect.name == "postgresql":
            db.session.execute(text("SET LOCAL statement_timeout = 50"))
            db.session.execute(text("SELECT pg_sleep(1), CAST(:name AS text)"), {"name": name})
        else:
            db.session.execute(text("SELECT * FROM no_such_table WHERE name = :name"), {"name": name})
        return "not reached"

    app.add_url_rule("/ops-qa-failing", "ops_qa_failing", failing)


def test_a_database_error_that_is_not_an_outage_is_a_500_and_logged_without_values(app_with, caplog):
    broken = app_with()
    _failing_route(broken)
    with caplog.at_level(logging.ERROR):
        response = broken.test_client().get("/ops-qa-failing")
    html = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Er ging iets mis" in html and "niet bereikbaar" not in html
    logged = [r for r in caplog.records if r.name == "binnenwerk.database"]
    assert len(logged) == 1 and logged[0].levelno == logging.ERROR
    message = logged[0].getMessage()
    assert "OperationalError" in message or "QueryCanceled" in message
    assert "no such table" in message or "statement timeout" in message
    assert "Geheim-Jansen" not in caplog.text  # the traceback too: hide_parameters


def test_a_database_that_cannot_be_reached_is_a_503_and_logged(app, client, login, world, monkeypatch,  # noqa: F811
                                                                 caplog):
    login(world.planner)

    def down(*args, **kwargs):
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    for name in ("execute", "scalars", "scalar", "get"):
        monkeypatch.setattr(db.session, name, down)
    with caplog.at_level(logging.ERROR):
        response = client.get("/rooster/")
    assert response.status_code == 503 and "niet bereikbaar" in response.get_data(as_text=True)
    assert any(r.name == "binnenwerk.database" and "unreachable" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize("path", ["/week/{token}", "/calendar/{token}.ics", "/week/{token}/toegankelijkheid",
                                  "/calendar/{token}/qr.svg"])
def test_an_employees_page_says_in_plain_words_that_the_work_cannot_be_shown(app, client, make, monkeypatch, path):
    """The staff page said "Database niet bereikbaar ... Er is niets opgeslagen" with a link to the
    staff login (a QA finding): an employee reads that their work cannot be shown now, and whom to call."""
    from binnenwerk.models import FeedKind
    from binnenwerk.services import tokens

    token = tokens.issue(FeedKind.EMPLOYEE, make.employee())
    db.session.commit()

    def down(*args, **kwargs):
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    for name in ("execute", "scalars", "scalar", "get"):
        monkeypatch.setattr(db.session, name, down)
    response = client.get(path.format(token=token))
    page = response.get_data(as_text=True)
    assert response.status_code == 503 and response.headers["Retry-After"] == "300"
    if path.startswith("/week/"):
        assert "Je werk is nu even niet te zien" in page and "Bel je teamleider." in page
    else:
        # A feed's address may be a ministry location's or a team's: words for anyone (a QA finding:
        # a ministry's contact was told to call their team leader).
        assert "Deze agenda is nu even niet te zien" in page and "teamleider" not in page
        assert "Probeer het over een paar minuten nog een keer." in page
    assert "Database" not in page and "/auth/login" not in page


def _psycopg_error(state: str | None):
    kind = type("OperationalError", (Exception,), {"__module__": "psycopg", "sqlstate": state})
    return OperationalError("SELECT 1", {}, kind("server said no"))


@pytest.mark.parametrize("state,unreachable", [
    (None, True),  # libpq: the connection failed
    ("08006", True),  # connection failure
    ("57P01", True),  # the server is shutting down
    ("40P01", False),  # deadlock
    ("55P03", False),  # lock not available
    ("57014", False),  # statement timeout
])
def test_only_a_connection_failure_counts_as_unreachable(state, unreachable):
    from binnenwerk.main.routes import _database_unreachable

    assert _database_unreachable(_psycopg_error(state)) is unreachable


def test_sqlite_no_such_table_is_not_an_outage_but_a_missing_file_folder_is():
    from binnenwerk.main.routes import _database_unreachable

    assert not _database_unreachable(OperationalError("SELECT", {}, sqlite3.OperationalError("no such table: x")))
    assert _database_unreachable(OperationalError("SELECT", {}, sqlite3.OperationalError(
        "unable to open database file")))


# --- settings from the environment, the SQLite file, the secret key ------------------------------


@pytest.fixture
def bare_environment(monkeypatch, tmp_path):
    """create_app() as a deployment runs it, with an instance folder and database in tmp_path."""
    monkeypatch.setattr(Flask, "auto_find_instance_path", lambda self: str(tmp_path / "instance"))
    for key in ("SECRET_KEY", "DATABASE_URL", "REDIS_URL", "SOLVE_TIME_LIMIT", "SOLVE_WORKERS", "BEHIND_PROXY",
                "SESSION_COOKIE_SECURE", "REMEMBER_COOKIE_SECURE", "MFA_REQUIRED_ROLES", "FLASK_DEBUG",
                "SESSION_IDLE_MINUTES", "SESSION_MAX_HOURS"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'deployed.sqlite'}")
    monkeypatch.setenv("SECRET_KEY", "deployed")
    return monkeypatch


def test_the_environment_sets_the_solver_proxy_cookie_and_mfa_settings(bare_environment):
    for key, value in {"SOLVE_TIME_LIMIT": "45", "SOLVE_WORKERS": "4", "BEHIND_PROXY": "2",
                       "MFA_REQUIRED_ROLES": "admin, planner, team_leader", "SESSION_IDLE_MINUTES": "30",
                       "SESSION_MAX_HOURS": "9"}.items():
        bare_environment.setenv(key, value)
    config = create_app().config
    assert config["SOLVE_TIME_LIMIT"] == 45.0 and config["SOLVE_WORKERS"] == 4
    # (The idle logout was read from instance/config.py only: a QA finding.)
    assert config["SESSION_IDLE_MINUTES"] == 30 and config["SESSION_MAX_HOURS"] == 9
    assert config["BEHIND_PROXY"] == 2 and config["SESSION_COOKIE_SECURE"] is True
    assert config["MFA_REQUIRED_ROLES"] == ("admin", "planner", "team_leader")

    bare_environment.setenv("BEHIND_PROXY", "true")
    bare_environment.setenv("SESSION_COOKIE_SECURE", "0")
    bare_environment.setenv("MFA_REQUIRED_ROLES", "")
    config = create_app().config
    assert config["BEHIND_PROXY"] == 1 and config["SESSION_COOKIE_SECURE"] is False
    assert config["MFA_REQUIRED_ROLES"] == ()


@pytest.mark.parametrize("key,value", [
    ("SOLVE_WORKERS", "abc"), ("SOLVE_WORKERS", "0"), ("SOLVE_TIME_LIMIT", "soon"), ("SOLVE_TIME_LIMIT", "-5"),
    ("BEHIND_PROXY", "maybe"), ("SESSION_COOKIE_SECURE", "sure"), ("MFA_REQUIRED_ROLES", "admin,planer"),
    ("SESSION_IDLE_MINUTES", "0"), ("SESSION_MAX_HOURS", "twelve"),
])
def test_a_bad_setting_stops_the_start_naming_it(bare_environment, key, value):
    from binnenwerk.config import ConfigError

    bare_environment.setenv(key, value)
    with pytest.raises(ConfigError) as refused:
        create_app()
    assert key in str(refused.value) and value.split(",")[-1] in str(refused.value)


@pytest.mark.parametrize("key,value", [
    ("DATABASE_URL", "garbage:geheim@host"), ("DATABASE_URL", "postgresql://u:geheim@host:5432x/db"),
    ("REDIS_URL", "127.0.0.1:6379/7"), ("REDIS_URL", "garbage"),
    # A port that is no number, a broken IPv6 address, a driver the app does not ship (QA findings:
    # the limiter's and SQLAlchemy's tracebacks, not naming the setting).
    ("REDIS_URL", "redis://:geheim@localhost:abc/0"), ("REDIS_URL", "redis://:geheim@[::1:6379/0"),
    ("DATABASE_URL", "postgresql+psycopg2://u:geheim@127.0.0.1/db"), ("DATABASE_URL", "mysql://u:geheim@host/db"),
])
def test_a_url_the_app_cannot_use_stops_the_start_naming_it_but_not_its_password(bare_environment, key, value):
    """A database or Redis URL without its scheme stopped every command and gunicorn worker with
    a traceback (a QA finding); the setting is named, the value not repeated (it may hold a password)."""
    from binnenwerk.config import ConfigError

    bare_environment.setenv(key, value)
    with pytest.raises(ConfigError) as refused:
        create_app()
    assert f"Setting {key}: " in str(refused.value) and value not in str(refused.value)
    assert "geheim" not in str(refused.value)


def test_a_redis_socket_url_starts_the_app_with_the_limiter_on_that_socket(bare_environment):
    """REDIS_URL=unix:///... passed the check and then stopped every command with the limiter's
    "unknown storage scheme" (a QA finding): the limiter gets it as redis+unix://."""
    bare_environment.setenv("REDIS_URL", "unix:///tmp/binnenwerk-redis.sock")
    app = create_app()
    assert app.config["REDIS_URL"] == "unix:///tmp/binnenwerk-redis.sock"
    assert app.config["RATELIMIT_STORAGE_URI"] == "redis+unix:///tmp/binnenwerk-redis.sock"


def test_a_url_of_spaces_is_not_set(bare_environment):
    bare_environment.setenv("REDIS_URL", "   ")
    assert not create_app().config.get("REDIS_URL", "").strip()


def test_a_bad_setting_is_one_line_from_flask_not_a_traceback(tmp_path):
    env = dict(os.environ, SOLVE_WORKERS="abc", DATABASE_URL=f"sqlite:///{tmp_path / 'x.sqlite'}", SECRET_KEY="x")
    done = subprocess.run([sys.executable, "-m", "flask", "--app", "binnenwerk", "init-db"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode != 0
    assert "SOLVE_WORKERS" in done.stderr and "'abc'" in done.stderr
    assert "Traceback" not in done.stderr


def test_the_app_creates_its_sqlite_file_readable_by_its_owner_only(bare_environment, tmp_path):
    app = create_app()
    path = tmp_path / "deployed.sqlite"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    with app.app_context():
        db.session.execute(text("CREATE TABLE t (x INTEGER)"))
        db.session.commit()
        db.engine.dispose()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_init_db_makes_an_older_sqlite_file_private(bare_environment, tmp_path):
    path = tmp_path / "deployed.sqlite"
    sqlite3.connect(path).close()
    path.chmod(0o644)
    app = create_app()
    result = app.test_cli_runner().invoke(args=["init-db"])
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert "alleen leesbaar voor de eigenaar" in result.output
    with app.app_context():
        db.engine.dispose()


def test_a_start_without_secret_key_warns_outside_debug(bare_environment, tmp_path, caplog):
    bare_environment.delenv("SECRET_KEY")
    with caplog.at_level(logging.WARNING):
        create_app()
    assert any("SECRET_KEY is not set" in r.getMessage() for r in caplog.records)
    assert (tmp_path / "instance" / "secret_key").exists()

    caplog.clear()
    bare_environment.setenv("FLASK_DEBUG", "1")
    with caplog.at_level(logging.WARNING):
        create_app()
    assert not any("SECRET_KEY" in r.getMessage() for r in caplog.records)


def test_a_relative_sqlite_url_is_the_instance_folders_file_and_it_is_private(bare_environment, tmp_path,
                                                                             monkeypatch):
    """sqlite:///rel.sqlite opens instance/rel.sqlite (Flask-SQLAlchemy): that file is made 0600,
    and no stray file appears in the current directory."""
    elsewhere = tmp_path / "cwd"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    bare_environment.setenv("DATABASE_URL", "sqlite:///rel.sqlite")
    app = create_app()
    with app.app_context():
        db.session.execute(text("CREATE TABLE t (x INTEGER)"))
        db.session.commit()
        opened = db.engine.url.database
        db.engine.dispose()
    assert opened == str(tmp_path / "instance" / "rel.sqlite")
    assert stat.S_IMODE((tmp_path / "instance" / "rel.sqlite").stat().st_mode) == 0o600
    assert not (elsewhere / "rel.sqlite").exists()


@pytest.mark.parametrize("seconds,offered", [(20.0, "30"), (8.0, "10"), (60.0, "60"), (500.0, "180")])
def test_the_solve_forms_offer_the_deployments_time_limit_first(app, seconds, offered):
    from binnenwerk.rosters.forms import RepairForm, SolveForm

    app.config["SOLVE_TIME_LIMIT"] = seconds
    with app.test_request_context():
        assert SolveForm().time_limit.data == offered
        assert RepairForm().time_limit.data == offered


def test_instance_config_settings_are_read_and_checked_as_the_environments(bare_environment, tmp_path):
    """MFA_REQUIRED_ROLES = "admin,planner" in instance/config.py is two roles, not a set of letters;
    a misspelt role or SOLVE_WORKERS = "abc" there stops the start as in the environment."""
    from binnenwerk.config import ConfigError

    instance = tmp_path / "instance"
    instance.mkdir(exist_ok=True)
    (instance / "config.py").write_text('MFA_REQUIRED_ROLES = "admin,planner"\nSOLVE_WORKERS = "4"\n')
    config = create_app().config
    assert config["MFA_REQUIRED_ROLES"] == ("admin", "planner") and config["SOLVE_WORKERS"] == 4
    for text in ('MFA_REQUIRED_ROLES = ("admin", "planer")\n', 'SOLVE_WORKERS = "abc"\n', "BEHIND_PROXY = '²'\n"):
        (instance / "config.py").write_text(text)
        with pytest.raises(ConfigError):
            create_app()


def test_a_queued_job_whose_worker_failed_it_ends_as_failed_at_once(app, client, login, world,
                                                                    redis_queue):  # noqa: F811
    """A worker took the job and failed before its run could say so (a worker without the web
    app's DATABASE_URL): the row ends as failed at the next look instead of blocking the week."""
    from rq import Queue

    queue = Queue(f"{redis_queue.name}-{uuid.uuid4().hex}", connection=redis_queue.connection)
    app.config["SOLVE_QUEUE"] = queue.name
    login(world.planner)
    for how in ("failed", "gone from Redis"):
        job = _waiting_job(world)
        if how == "failed":
            entry = queue.enqueue("binnenwerk.jobs.rq_solve", job.id)
            entry.set_status("failed")
            job.rq_job_id = entry.id
        else:
            job.rq_job_id = f"gone-{uuid.uuid4().hex}"
        db.session.commit()
        state = client.get(f"/rooster/planning/{job.id}.json").get_json()
        assert state["status"] == "failed" and state["done"], (how, state)
        assert state["error"].startswith("De rekenserver kon dit rooster niet maken."), how
