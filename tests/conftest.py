"""Shared fixtures: a migrated database per test session, emptied after each test, and builders.

The database is SQLite in a temporary folder, or PostgreSQL when TEST_DATABASE_URL is set.
Tests that need a service this machine lacks skip locally but fail in CI (CI=true).
"""
from __future__ import annotations

import datetime as dt
import itertools
import os
import sqlite3
import threading
import time
from types import SimpleNamespace

import pytest
from flask import Flask
from jinja2 import BytecodeCache
from sqlalchemy import event, select, text
from sqlalchemy.engine import Engine
from werkzeug.security import generate_password_hash

from binnenwerk import create_app
from binnenwerk.extensions import db
from binnenwerk import models as m

# The app's dates are those of Europe/Amsterdam (its TIMEZONE), whatever the server's clock says;
# tests that build dates with dt.date.today() must get the same day, also between 23:00 and 24:00
# UTC, when Amsterdam is a day ahead (found by running the suite with TZ=Etc/GMT-14).
os.environ["TZ"] = "Europe/Amsterdam"
time.tzset()

TEST_PASSWORD = "Test-wachtwoord-2026"
FAST_HASH = generate_password_hash(TEST_PASSWORD, method="pbkdf2:sha256:1000")
IN_CI = os.environ.get("CI", "").lower() == "true"


@event.listens_for(Engine, "connect")
def _sqlite_without_fsync(dbapi_connection, _record) -> None:
    """Test databases on SQLite are thrown away: no fsync on each commit (the suite waited on the
    disk: tests/app 179 s -> 163 s on two workers). What a commit shows other connections is unchanged."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.execute("PRAGMA synchronous=OFF")


class _TemplateCodeCache(BytecodeCache):
    """Compiled templates shared by every app a test run builds (app_with, the backup tests' apps,
    the browser's live server): each new app compiled each template it rendered again, 5% of the
    suite's time. Keyed by the template's source, so an edited template is compiled afresh."""

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket) -> None:
        if bucket.key in self._code:
            bucket.bytecode_from_string(self._code[bucket.key])

    def dump_bytecode(self, bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()


Flask.jinja_options = {**Flask.jinja_options, "bytecode_cache": _TemplateCodeCache()}


def need_service(name: str, available: bool, why: str = "") -> None:
    """Skip on a developer machine without the service; fail in CI, where it must be there."""
    if available:
        return
    message = f"{name} is not available{': ' + why if why else ''}"
    if IN_CI:
        pytest.fail(message + " (CI must provide it)")
    pytest.skip(message)


# Tests of the words and markup pages and messages show in either language, and of reading a
# spreadsheet file: they use a database only to have something to show, the same on either one,
# and run once, on SQLite (CI's time limit is 15 minutes for both runs).
SAME_ON_EVERY_DATABASE = frozenset({
    "test_i18n", "test_i18n_pages", "test_english_qa", "test_english_qa_dates_and_lang", "test_english_calendar",
    "test_calendar_employee_words", "test_dataio_refusal_words", "test_plan_cli_words", "test_roster_words_qa3",
    "test_week_statement_plain_words", "test_week_accessibility_statement", "test_import_xlsx_cost",
    "test_words_qa_round12", "test_lang_nl_qa14", "test_lang_nl_langnl", "test_english_words_qa14",
    "test_employee_words_qa13",
})


def pytest_collection_modifyitems(config, items):
    """With TEST_DATABASE_URL (CI's PostgreSQL run) only the tests that use the test database run:
    the others (the optimiser, the browser's own SQLite demo, pure functions) answered in the
    SQLite run already and would answer the same again."""
    if not os.environ.get("TEST_DATABASE_URL"):
        return
    keep, drop = [], []
    for item in items:
        same_anywhere = item.module.__name__.rsplit(".", 1)[-1] in SAME_ON_EVERY_DATABASE
        (keep if "_schema" in getattr(item, "fixturenames", ()) and not same_anywhere else drop).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


def compile_english_catalog() -> None:
    """What `make translations` does; the .mo is not in git, so a bare pytest run needs it too."""
    from pathlib import Path

    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    po = Path(__file__).resolve().parents[1] / "binnenwerk" / "translations" / "en" / "LC_MESSAGES" / "messages.po"
    mo = po.with_suffix(".mo")
    if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
        with po.open("rb") as source:
            catalog = read_po(source, locale="en")
        partial = mo.with_name(f"messages.{os.getpid()}.tmp")  # parallel workers may compile at once
        with partial.open("wb") as target:
            write_mo(target, catalog)
        os.replace(partial, mo)


def _database_url(tmp_path_factory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return _per_worker_database(url)
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite'}"


def _per_worker_database(url: str) -> str:
    """With pytest-xdist each worker gets its own PostgreSQL database, created on first use."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return url
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    base = make_url(url)
    name = f"{base.database}_{worker}"
    engine = create_engine(base, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        exists = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).scalar()
        if not exists:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def _schema(tmp_path_factory):
    """Migrate an empty database once per session (this also proves the migrations run)."""
    from flask_migrate import upgrade

    url = _database_url(tmp_path_factory)
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "test"})
    with app.app_context():
        if url.startswith("postgresql"):
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public;"))
        upgrade()
        db.engine.dispose()
    return url


@pytest.fixture(scope="session")
def _instance_folder(tmp_path_factory) -> str:
    """The test apps' instance folder: on PostgreSQL the record of anonymisations is kept there
    (privacy.record_path), which must not be the checkout's instance/."""
    return str(tmp_path_factory.mktemp("instance"))


@pytest.fixture(scope="session")
def _one_app(_schema, _instance_folder):
    """The app every test gets, built once per worker: building one takes 0.1 s (Werkzeug compiles
    its URL rules), a tenth of the suite when done per test. A test that needs other settings at
    build time, or adds routes, uses app_with(). The English catalogue is compiled first: Flask-Babel
    keeps the translations it loads, so an English page before it (a bare `pytest` on a fresh clone,
    without `make test`'s compile) would stay Dutch for the rest of the worker's run."""
    compile_english_catalog()
    app = create_app({
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": _schema,
        "SECRET_KEY": "test-secret",
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "MFA_REQUIRED_ROLES": (),
        "SERVER_NAME": "localhost",
    })
    app.instance_path = _instance_folder
    return app


@pytest.fixture
def app(_one_app):
    """The app with a context of its own for the test; its settings are put back after it (tests
    change some, e.g. the solver's time limit), its tables emptied."""
    from binnenwerk.security import limiter

    app = _one_app
    settings = dict(app.config)
    # The rate limiter is one object for every app: an app_with(RATELIMIT_ENABLED=True) of an
    # earlier test switched it on for all (a fresh app per test used to switch it back).
    limiter.enabled = bool(app.config.get("RATELIMIT_ENABLED", True))
    try:
        with app.app_context():
            yield app
            db.session.remove()
            _wait_for_solves()
            _empty_all_tables()
            if db.engine.dialect.name != "postgresql":
                # PostgreSQL's connections stay in the pool for the next test (a new one costs 6 ms).
                db.engine.dispose()
    finally:
        app.config.clear()
        app.config.update(settings)


def _wait_for_solves(seconds: float = 60) -> None:
    """Let a solve a test started and did not wait for end before its tables are emptied: on
    PostgreSQL, TRUNCATE and a solve thread still saving its roster deadlocked (and the next test
    then met the last one's rows)."""
    deadline = time.monotonic() + seconds
    for thread in threading.enumerate():
        if thread is not threading.current_thread() and thread.name.startswith(("solve-", "solver-")):
            thread.join(max(0.0, deadline - time.monotonic()))


def _empty_all_tables() -> None:
    """Delete every row and start the ids at 1 again. On PostgreSQL this is DELETE and setval, not
    TRUNCATE: TRUNCATE gave all 26 tables new files every test (67 ms a test; a checkpoint during
    one run synced 347,789 files); deleting the few rows a test made takes about 11 ms."""
    tables = list(reversed(db.metadata.sorted_tables))
    with db.engine.begin() as conn:
        if conn.dialect.name != "postgresql":
            for table in tables:
                conn.execute(table.delete())
            return
        # One round trip for every table and sequence (27 DELETEs one at a time: 6 ms, together 1.5 ms);
        # setval sets every id sequence back to 1, as TRUNCATE ... RESTART IDENTITY did.
        statements = [f'DELETE FROM "{table.name}"' for table in tables]
        if sequences := _id_sequences(conn, tables):
            statements.append("SELECT " + ", ".join(f"setval('{name}', 1, false)" for name in sequences))
        conn.exec_driver_sql("; ".join(statements))


_sequences: list[str] | None = None


def _id_sequences(conn, tables) -> list[str]:
    """The tables' id sequences on PostgreSQL, looked up once per test worker."""
    global _sequences
    if _sequences is None:
        _sequences = [name for table in tables for column in table.primary_key.columns
                      if (name := conn.execute(text("SELECT pg_get_serial_sequence(:t, :c)"),
                                               {"t": f'"{table.name}"', "c": column.name}).scalar())]
    return _sequences


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def app_with(app):
    """app_with(**config) builds another app on the same test database with other settings.

    Its context is not pushed, so every request gets a fresh `g` (as in production) and one test
    can use several clients logged in as different users. Rows are made and read through the
    `app` fixture's session; call db.session.expire_all() before reading what a request changed.
    """
    made = []

    def build(**overrides):
        config = {
            "TESTING": True, "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "SECRET_KEY": "test-secret", "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False,
            "MFA_REQUIRED_ROLES": (), "SERVER_NAME": "localhost",
        }
        config.update(overrides)
        new = create_app(config)
        new.instance_path = app.instance_path
        made.append(new)
        return new

    yield build
    for new in made:
        with new.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class Builders:
    """Builder functions for test data: each takes only what the test cares about."""

    _seq = itertools.count(1)

    def __init__(self) -> None:
        self._agrees_to_all: list = []  # ministries made without an agreement of their own

    def _n(self) -> int:
        return next(self._seq)

    def ministry(self, code: str | None = None, *, agreement=None, **kw) -> m.Ministry:
        """A ministry with an agreement on every work type, those made later included (as the
        migration starts every ministry), unless `agreement` lists its work types."""
        n = self._n()
        obj = m.Ministry(code=code or f"M{n}", name=kw.pop("name", f"Ministerie {n}"), **kw)
        if agreement is None:
            obj.work_types = list(db.session.scalars(select(m.WorkType)))
            self._agrees_to_all.append(obj)
        else:
            obj.work_types = list(agreement)
        db.session.add(obj)
        db.session.flush()
        return obj

    def work_type(self, code: str | None = None, **kw) -> m.WorkType:
        n = self._n()
        obj = m.WorkType(
            code=code or f"wt{n}", name_nl=kw.pop("name_nl", f"Werksoort {n}"),
            name_en=kw.pop("name_en", f"Work type {n}"), pictogram=kw.pop("pictogram", "broom"),
            colour=kw.pop("colour", "#2f6b2f"), **kw,
        )
        db.session.add(obj)
        for ministry in self._agrees_to_all:
            ministry.work_types.append(obj)
        db.session.flush()
        return obj

    def location(self, region: str = "Den Haag", ministry: m.Ministry | None = None, **kw) -> m.Location:
        n = self._n()
        obj = m.Location(
            code=kw.pop("code", f"loc-{n}"), name=kw.pop("name", f"Locatie {n}"),
            address=kw.pop("address", f"Straat {n}"), city=kw.pop("city", region), region=region,
            ministry=ministry or self.ministry(), **kw,
        )
        db.session.add(obj)
        db.session.flush()
        return obj

    def team(self, region: str = "Den Haag", **kw) -> m.Team:
        n = self._n()
        obj = m.Team(name=kw.pop("name", f"Team {n}"), region=region, **kw)
        db.session.add(obj)
        db.session.flush()
        return obj

    def employee(self, team: m.Team | None = None, work_types=(), weekdays=(1, 2, 3, 4, 5),
                 window=("08:00", "17:00"), **kw) -> m.Employee:
        n = self._n()
        team = team or self.team()
        start, end = (int(x[:2]) * 60 + int(x[3:]) for x in window)
        obj = m.Employee(
            first_name=kw.pop("first_name", f"Mede{n}"), last_name=kw.pop("last_name", f"Werker{n}"),
            team=team, contract_minutes=kw.pop("contract_minutes", 1530),
            max_minutes_per_day=kw.pop("max_minutes_per_day", 480),
            contract_start=kw.pop("contract_start", dt.date(2025, 1, 1)), **kw,
        )
        obj.work_types = list(work_types)
        obj.availability = [m.AvailabilitySlot(weekday=d, start_minute=start, end_minute=end) for d in weekdays]
        db.session.add(obj)
        db.session.flush()
        return obj

    def supervisor(self, team: m.Team | None = None, region: str | None = None, work_types=(),
                   weekdays=(1, 2, 3, 4, 5), window=("07:30", "17:30"), **kw) -> m.Supervisor:
        n = self._n()
        start, end = (int(x[:2]) * 60 + int(x[3:]) for x in window)
        obj = m.Supervisor(
            name=kw.pop("name", f"Leider {n}"), team=team,
            region=region or (team.region if team else "Den Haag"), phone=kw.pop("phone", "06-12345678"), **kw,
        )
        obj.work_types = list(work_types)
        obj.availability = [m.AvailabilitySlot(weekday=d, start_minute=start, end_minute=end) for d in weekdays]
        db.session.add(obj)
        db.session.flush()
        return obj

    def user(self, role: str = "planner", email: str | None = None, teams=(), ministry=None, **kw) -> m.User:
        n = self._n()
        if role == "ministry_contact" and ministry is None:
            ministry = self.ministry()
        obj = m.User(
            email=email or f"user{n}@example.org", name=kw.pop("name", f"Gebruiker {n}"), role=role,
            password_hash=kw.pop("password_hash", FAST_HASH), ministry=ministry, **kw,
        )
        obj.teams = list(teams)
        db.session.add(obj)
        db.session.flush()
        return obj

    def request(self, location: m.Location | None = None, work_type: m.WorkType | None = None, **kw):
        location = location or self.location()
        obj = m.DeploymentRequest(
            ministry=kw.pop("ministry", location.ministry), location=location,
            work_type=work_type or self.work_type(),
            start_date=kw.pop("start_date", dt.date(2026, 12, 7)), end_date=kw.pop("end_date", dt.date(2026, 12, 31)),
            weekdays=kw.pop("weekdays", "12345"), start_minute=kw.pop("start_minute", 9 * 60),
            end_minute=kw.pop("end_minute", 15 * 60), break_minutes=kw.pop("break_minutes", 30),
            headcount=kw.pop("headcount", 3), priority=kw.pop("priority", 2),
            status=kw.pop("status", m.RequestStatus.ACCEPTED.value), **kw,
        )
        db.session.add(obj)
        db.session.flush()
        return obj

    def absence(self, employee: m.Employee | None = None, supervisor: m.Supervisor | None = None,
                start: dt.date | None = None, end: dt.date | None = None, kind: str = "ziek",
                times: tuple[str, str] | None = None, **kw) -> m.Absence:
        """An absence stored directly (no service hook runs); whole days unless `times` is given."""
        if employee is None and supervisor is None:
            employee = self.employee()
        start = start or dt.date.today()
        minutes = [int(x[:2]) * 60 + int(x[3:]) for x in times] if times else [None, None]
        obj = m.Absence(employee=employee, supervisor=supervisor, kind=kind, start_date=start,
                        end_date=end or start, start_minute=minutes[0], end_minute=minutes[1], **kw)
        db.session.add(obj)
        db.session.flush()
        return obj

    def published_shift(self, employee: m.Employee | None = None, date: dt.date | None = None,
                        location: m.Location | None = None, work_type: m.WorkType | None = None,
                        supervisor: m.Supervisor | None = None, start: str = "09:00", end: str = "15:00",
                        **kw) -> m.PublishedShift:
        """A shift as employees were told it (what a publication writes)."""
        n = self._n()
        employee = employee or self.employee()
        start_minute, end_minute = (int(x[:2]) * 60 + int(x[3:]) for x in (start, end))
        sequence = kw.pop("sequence", 0)
        obj = m.PublishedShift(
            uid=kw.pop("uid", f"shift-{n}@binnenwerk.test"), employee=employee,
            team_id=kw.pop("team_id", employee.team_id), date=date or dt.date.today(),
            location=location or self.location(), work_type=work_type or self.work_type(),
            supervisor=supervisor, start_minute=start_minute, end_minute=end_minute,
            break_minutes=kw.pop("break_minutes", 30), sequence=sequence,
            # A changed shift is, unless said otherwise, a change told at short notice.
            short_notice=kw.pop("short_notice", sequence > 0),
            cancelled=kw.pop("cancelled", False), **kw,
        )
        db.session.add(obj)
        db.session.flush()
        return obj


@pytest.fixture
def make(app) -> Builders:
    return Builders()


@pytest.fixture
def before_work_on_7_december(monkeypatch):
    """The app's clock at Monday 7 December 2026, 07:00 in Amsterdam. Tests written around week
    2026-W50 that take its Monday for a day to come: run on the real clock, its shifts of 09:00 had
    begun after 09:00 that morning (publishing keeps begun shifts as told) and are past after it.
    Also for tests that change or cancel a request of the builders' default dates (7 to 31 December
    2026): from 2027 on the real clock that request has gone by and the ministry can no longer
    change it. Restore a test's own patch with setattr, not monkeypatch.undo(): undo() would put
    the real clock back too."""
    from zoneinfo import ZoneInfo

    from binnenwerk.services import feeds

    monkeypatch.setattr(feeds, "local_now", lambda: dt.datetime(2026, 12, 7, 7, 0, tzinfo=ZoneInfo("Europe/Amsterdam")))


def english_client(app_with, make, role: str = "admin"):
    """A client logged in as a new user of `role` who reads English (a fresh app: the page language
    is per request)."""
    from flask_babel import refresh

    compile_english_catalog()
    refresh()
    user = make.user(role=role, locale="en")
    db.session.commit()
    browser = app_with().test_client()
    assert browser.post("/auth/login", data={"email": user.email, "password": TEST_PASSWORD}).status_code == 302
    return browser


@pytest.fixture
def login(client):
    """login(user) logs the test client in as that user (password TEST_PASSWORD)."""

    def do_login(user: m.User, password: str = TEST_PASSWORD):
        db.session.commit()
        response = client.post("/auth/login", data={"email": user.email, "password": password})
        assert response.status_code in (302, 303), response.get_data(as_text=True)[:500]
        return response

    return do_login


@pytest.fixture
def demo(app):
    """The small demo organisation (6 teams), seeded for a fixed date."""
    from binnenwerk import demo as demo_module

    demo_module.seed("small", today=dt.date(2026, 12, 7))
    return SimpleNamespace(password=demo_module.DEMO_PASSWORD)
