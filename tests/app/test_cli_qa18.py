"""Command-line QA, round 18: an upgrade by init-db is all or nothing (also when stopped halfway,
with Ctrl-C or a killed process), the half copies an older version left are dropped, init-db names
the next step on a database without accounts, create-user keeps the admin page's lengths, restore
takes "j", and `account reset-password` gives a locked-out admin a way back."""
from __future__ import annotations

import datetime as dt
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import pytest
from sqlalchemy import event, func, inspect, select, text
from werkzeug.security import check_password_hash, generate_password_hash

from binnenwerk.extensions import db
from binnenwerk.models import AuditEvent, Team, User, UserSession

from .test_backup import sqlite_app  # noqa: F401 (a fixture: the embedded database, on any suite)
from .test_foundation import scratch_app

ROOT = Path(__file__).resolve().parents[2]
BEFORE = "d2f4a6c8e0b1"  # the revision the QA report's database was at
BATCH = "e4b6c8d0f2a3"  # its next migration rebuilds five tables on SQLite (a batch migration)
PASSWORD = "Sterk-wachtwoord-1"


def _head() -> str:
    from alembic.script import ScriptDirectory
    from flask import current_app

    return ScriptDirectory.from_config(current_app.extensions["migrate"].migrate.get_config()).get_current_head()


def _refused(result, *phrases: str) -> None:
    """A message and exit code 1, not a traceback."""
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    for phrase in phrases:
        assert phrase in result.output, result.output


# --- 1. an upgrade is all or nothing -------------------------------------------------------------


def _snapshot() -> list:
    """Everything in the database: on SQLite its whole dump (tables as created, AUTOINCREMENT and
    sqlite_sequence included), elsewhere every table's columns and rows."""
    db.session.remove()
    with db.engine.connect() as connection:
        if connection.dialect.name == "sqlite":
            return list(connection.connection.driver_connection.iterdump())
        found = inspect(connection)
        return [(table, [(c["name"], str(c["type"]), c["nullable"]) for c in found.get_columns(table)],
                 sorted(map(repr, connection.execute(text(f'SELECT * FROM "{table}"')).all())))
                for table in sorted(found.get_table_names())]


def _leftovers() -> list[str]:
    with db.engine.connect() as connection:
        return [name for name in inspect(connection).get_table_names() if name.startswith("_alembic_tmp_")]


def _revision() -> str | None:
    from binnenwerk.cli import _schema_revision

    return _schema_revision()


class Stopped(Exception):
    """A migration run stopped on purpose."""


def _stop_after(revision: str):
    """Alembic's on_version_apply: the run stops right after `revision` is applied, before the next one."""
    def stop(ctx, step, heads, run_args):
        if revision in step.up_revision_ids:
            raise Stopped(f"stopped after {revision}")
    return stop


@pytest.mark.parametrize("stop", ["between two migrations", "within a migration", "ctrl-c within a migration"])
def test_an_upgrade_stopped_halfway_leaves_the_database_as_it_was_and_a_rerun_completes(
        _schema, tmp_path, monkeypatch, stop):
    """The QA report's database: the demo, one migration before the batch migration. Stopped within
    the batch migration (after it rebuilt the first table), an upgrade left _alembic_tmp_ministry
    and every later init-db failed on it; stopped after it, the database was at a revision between.
    On PostgreSQL a run was one transaction already: this checks it stays so."""
    from flask_migrate import downgrade, upgrade

    from binnenwerk import demo

    with scratch_app(tmp_path) as app:
        sqlite = db.engine.dialect.name == "sqlite"
        if stop != "between two migrations" and not sqlite:
            pytest.skip("the batch migration rebuilds tables on SQLite only")
        upgrade()
        demo.seed("small")
        db.session.remove()
        downgrade(revision=BEFORE)
        before = _snapshot()
        runner = app.test_cli_runner()

        if stop == "between two migrations":
            # The batch migration done (committed on its own before), and the one after it.
            monkeypatch.setitem(app.extensions["migrate"].configure_args, "on_version_apply",
                                _stop_after("f5c7d9e1a3b4"))
        else:
            problem = Stopped("stopped") if stop == "within a migration" else KeyboardInterrupt()

            def second_table(conn, cursor, statement, parameters, context, executemany):
                if statement.lstrip().startswith("CREATE TABLE _alembic_tmp_location"):
                    raise problem
            event.listen(db.engine, "before_cursor_execute", second_table)
        try:
            result = runner.invoke(args=["init-db"])
        finally:
            monkeypatch.undo()
            if stop != "between two migrations":
                event.remove(db.engine, "before_cursor_execute", second_table)
        assert result.exit_code != 0, result.output

        assert _revision() == BEFORE
        assert _leftovers() == []
        assert _snapshot() == before
        again = runner.invoke(args=["init-db"])
        assert again.exit_code == 0, again.output
        assert f"De database is bijgewerkt van schemaversie {BEFORE} naar {_head()}." in again.output
        assert _revision() == _head()


def test_a_first_init_db_stopped_halfway_leaves_no_tables_and_a_rerun_completes(_schema, tmp_path, monkeypatch):
    """A new database stopped after the sort-name migration added its column: the rerun failed on
    "duplicate column name: sort_name" (on SQLite) forever."""
    with scratch_app(tmp_path) as app:
        runner = app.test_cli_runner()
        monkeypatch.setitem(app.extensions["migrate"].configure_args, "on_version_apply",
                            _stop_after("c4f6e8a0b2d3"))
        assert runner.invoke(args=["init-db"]).exit_code != 0
        monkeypatch.undo()
        with db.engine.connect() as connection:
            assert inspect(connection).get_table_names() == []
        again = runner.invoke(args=["init-db"])
        assert again.exit_code == 0, again.output
        assert f"De database is gemaakt (schemaversie {_head()})." in again.output


@pytest.fixture(scope="module")
def demo_before_the_batch_migration(tmp_path_factory) -> Path:
    """The demo database at the revision before the batch migration, made once for the interrupts."""
    from flask_migrate import downgrade, upgrade

    from binnenwerk import create_app, demo

    path = tmp_path_factory.mktemp("interrupts") / "demo.sqlite"
    app = create_app({"TESTING": True, "SECRET_KEY": "test", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})
    with app.app_context():
        upgrade()
        demo.seed("small")
        db.session.remove()
        downgrade(revision=BEFORE)
        db.engine.dispose()
    return path


def _dump(path: Path) -> list[str]:
    with closing(sqlite3.connect(path)) as connection:  # read-write: a killed writer's journal is rolled back
        return list(connection.iterdump())


def _init_db_interrupted(path: Path, line: str, delay: float, sig: signal.Signals) -> tuple[int, str]:
    """`flask init-db` in a process of its own, sent `sig` (SIGINT is Ctrl-C) `delay` seconds after
    its log says `line`; its exit code and output."""
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{path}", "SECRET_KEY": "test", "PYTHONUNBUFFERED": "1"}
    env.pop("TEST_DATABASE_URL", None)
    process = subprocess.Popen([sys.executable, "-m", "flask", "--app", "binnenwerk", "init-db"], cwd=ROOT, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    log = []
    for said in process.stdout:  # Alembic logs each migration before it runs it
        log.append(said)
        if line in said:
            time.sleep(delay)
            process.send_signal(sig)
            break
    rest, _ = process.communicate(timeout=300)
    return process.returncode, "".join(log) + rest


@pytest.mark.slow
@pytest.mark.parametrize("line, delay, sig", [
    (f"Running upgrade {BEFORE} -> {BATCH}", 0.05, signal.SIGINT),  # the QA report's moment
    (f"Running upgrade {BATCH} -> ", 0.0, signal.SIGINT),  # the batch migration done, the next one begun
    # Inside the batch migration (about 90 ms on a quiet machine; the whole chain after it commits
    # at about 165 ms, so a kill at 0.1 s sometimes came after the commit: CI, 2026-12-08).
    (f"Running upgrade {BEFORE} -> {BATCH}", 0.03, signal.SIGKILL),
], ids=["ctrl-c 0.05 s into the batch migration", "ctrl-c after it", "killed 0.03 s into it"])
def test_init_db_interrupted_for_real_leaves_the_old_revision_and_runs_again(
        demo_before_the_batch_migration, tmp_path, line, delay, sig):
    from binnenwerk import create_app

    path = tmp_path / "demo.sqlite"
    shutil.copy(demo_before_the_batch_migration, path)
    before = _dump(path)

    code, output = _init_db_interrupted(path, line, delay, sig)
    assert code != 0, f"the upgrade ended before the interrupt\n{output[-3000:]}"
    after = _dump(path)
    assert not [row for row in after if "_alembic_tmp_" in row]
    assert after == before  # the old revision (d2f4...) and every row, table and sequence as they were

    # Run again (in this process: a new one takes seconds to start).
    app = create_app({"TESTING": True, "SECRET_KEY": "test", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})
    with app.app_context():
        again = app.test_cli_runner().invoke(args=["init-db"])
        assert again.exit_code == 0, again.output
        assert f"De database is bijgewerkt van schemaversie {BEFORE} naar {_head()}." in again.output
        assert _leftovers() == []
        db.session.remove()
        db.engine.dispose()


# --- 1b. init-db drops the half copies an older version left ------------------------------------


@pytest.fixture
def at_the_revision_before(tmp_path):
    from flask_migrate import downgrade, upgrade

    with scratch_app(tmp_path) as app:
        upgrade()
        db.session.remove()
        downgrade(revision=BEFORE)
        yield app


def _older_versions_leftover(table: str) -> None:
    """What an older version's batch migration left when stopped: the copy made, not yet renamed."""
    with db.engine.begin() as connection:
        connection.exec_driver_sql(f'CREATE TABLE "_alembic_tmp_{table}" (id INTEGER NOT NULL PRIMARY KEY, '
                                   "code VARCHAR(20))")
        connection.exec_driver_sql(f'INSERT INTO "_alembic_tmp_{table}" (id, code) VALUES (1, \'BZK\')')


def test_init_db_drops_a_half_copy_an_older_version_left_and_says_so(_schema, at_the_revision_before):
    _older_versions_leftover("ministry")
    result = at_the_revision_before.test_cli_runner().invoke(args=["init-db"])
    assert result.exit_code == 0, result.output
    assert ("De tabel _alembic_tmp_ministry is verwijderd: een halve kopie van een eerdere update die is "
            "onderbroken.") in result.output
    assert f"De database is bijgewerkt van schemaversie {BEFORE} naar {_head()}." in result.output
    assert _leftovers() == []


def test_init_db_keeps_a_copy_whose_table_is_gone(_schema, at_the_revision_before):
    """Its rows may be the only ones left: refused, nothing changed."""
    _older_versions_leftover("vanished")
    before = _snapshot()
    result = at_the_revision_before.test_cli_runner().invoke(args=["init-db"])
    _refused(result, "De tabel vanished ontbreekt, en _alembic_tmp_vanished is een kopie ervan van een update "
                     "die is onderbroken.", "Zet een back-up van vóór die update terug. De database is niet veranderd.")
    assert _snapshot() == before


def test_an_upgrade_that_breaks_foreign_keys_is_rolled_back_whole(_schema, at_the_revision_before):
    """env.py checks the foreign keys after the run (SQLite's are off while a batch migration
    rebuilds tables): the check is in the run's transaction now, so a failing one leaves the
    database at its revision instead of migrated and then refused."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's foreign key check")
    with db.engine.connect() as connection:  # a session of someone deleted while the keys were off
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        connection.exec_driver_sql("INSERT INTO user_session (user_id, token_hash, created_at) "
                                   "VALUES (4242, 'x', '2026-12-07 08:00:00')")
        connection.commit()
        connection.exec_driver_sql("PRAGMA foreign_keys=ON")
    db.engine.dispose()
    before = _snapshot()
    result = at_the_revision_before.test_cli_runner().invoke(args=["init-db"])
    assert result.exit_code == 1, result.output
    assert _revision() == BEFORE
    assert _snapshot() == before


# --- 2. init-db names the next step on a database without accounts ------------------------------


NEXT_STEP = [
    "Er is nog geen account. Maak het eerste beheerdersaccount met:",
    '  flask --app binnenwerk create-user --email E-MAILADRES --name "NAAM" --role admin',
    "De opdracht vraagt het wachtwoord; bij de eerste keer inloggen kies je een eigen wachtwoord. Alleen voor een "
    "demo of een test (nooit met echte gegevens): flask --app binnenwerk seed-demo",
]


def test_init_db_on_a_new_database_says_how_to_make_the_first_admin(_schema, tmp_path):
    with scratch_app(tmp_path) as app:
        runner = app.test_cli_runner()
        created = runner.invoke(args=["init-db"])
        assert created.exit_code == 0, created.output
        assert created.output.splitlines() == [f"De database is gemaakt (schemaversie {_head()})."] + NEXT_STEP
        # Still no account: said again.
        assert runner.invoke(args=["init-db"]).output.splitlines()[1:] == NEXT_STEP


def test_init_db_with_accounts_says_no_next_step(runner, make):
    make.user(role="admin")
    db.session.commit()
    result = runner.invoke(args=["init-db"])
    assert result.exit_code == 0, result.output
    assert "Er is nog geen account" not in result.output and "create-user" not in result.output


# --- 3. create-user keeps the admin page's lengths ----------------------------------------------


@pytest.mark.parametrize("field, value, message", [
    ("--name", "N" * 201, "De naam is te lang: 201 tekens. Hij mag hoogstens 200 tekens hebben."),
    ("--name", "N" * 5000, "De naam is te lang: 5000 tekens. Hij mag hoogstens 200 tekens hebben."),
    ("--email", "e" * 189 + "@example.org", "Het e-mailadres is te lang: 201 tekens. Het mag hoogstens 200 tekens "
                                           "hebben."),
], ids=["name of 201", "name of 5000", "e-mail of 201"])
def test_create_user_refuses_a_name_or_e_mail_over_200_characters_before_the_password(runner, field, value, message):
    details = {"--email": "lang@example.org", "--name": "Lang", field: value}
    result = runner.invoke(args=["create-user", *[x for pair in details.items() for x in pair], "--role", "planner"],
                           input=f"{PASSWORD}\n{PASSWORD}\n")
    _refused(result, message)
    assert "Wachtwoord" not in result.output
    assert db.session.scalar(select(func.count(User.id))) == 0


def test_create_user_takes_200_characters_as_the_admin_page_does(runner):
    name, email = "N" * 200, "e" * 188 + "@example.org"
    result = runner.invoke(args=["create-user", "--email", f" {email} ", "--name", f"  {name}  ", "--role", "planner"],
                           input=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User))
    assert (user.name, user.email) == (name, email)


# --- 4. restore takes j and ja --------------------------------------------------------------------


def test_restore_asks_j_n_in_dutch_and_takes_dutch_and_english_answers(sqlite_app, tmp_path):  # noqa: F811
    runner = sqlite_app.test_cli_runner()
    backup = tmp_path / "backup.sqlite"
    assert runner.invoke(args=["backup", str(backup)]).exit_code == 0

    def restore(answers: str) -> tuple:
        if db.session.scalar(select(Team).where(Team.name == "Na de back-up")) is None:
            db.session.add(Team(name="Na de back-up", region="Den Haag"))
            db.session.commit()
        result = runner.invoke(args=["restore", str(backup)], input=answers)
        db.session.remove()
        return result, db.session.scalar(select(Team).where(Team.name == "Na de back-up")) is None

    for no in ("n\n", "nee\n", "NO\n", "\n"):
        result, restored = restore(no)
        assert "Dit vervangt alle gegevens in de database. Doorgaan? [j/N]: " in result.output
        assert result.exit_code == 1 and not restored, (no, result.output)
        assert "De database is niet veranderd." in result.output and "Aborted" not in result.output
    for yes in ("j\n", "ja\n", "JA\n", "y\n", "Yes\n", "misschien\nj\n"):
        result, restored = restore(yes)
        assert result.exit_code == 0 and restored, (yes, result.output)
        assert "invalid input" not in result.output
    assert "Antwoord j (ja) of n (nee)." in result.output  # "misschien": asked again


# --- 5. account reset-password ------------------------------------------------------------------


def test_reset_password_gives_a_temporary_password_ends_sessions_and_audits(runner, make):
    from binnenwerk.services.accounts import start_session

    own = generate_password_hash("Vergeten-wachtwoord-9", method="pbkdf2:sha256:1000")
    admin = make.user(role="admin", email="beheer@example.org", name="Beheer", password_hash=own,
                      failed_logins=5, locked_until=dt.datetime(2099, 1, 1))
    start_session(admin)
    start_session(admin)
    db.session.commit()

    result = runner.invoke(args=["account", "reset-password", "BEHEER@example.org"],
                           input=f"{PASSWORD}\nAnders-wachtwoord-2\n{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert "Tijdelijk wachtwoord: " in result.output and "Typ het wachtwoord nog een keer: " in result.output
    assert "De twee wachtwoorden zijn niet hetzelfde." in result.output
    assert ("Het tijdelijke wachtwoord van beheer@example.org is ingesteld, en het account is overal uitgelogd. "
            "Geef het wachtwoord persoonlijk door. Bij de volgende keer inloggen moet Beheer een eigen wachtwoord "
            "kiezen.") in result.output
    db.session.expire_all()
    assert check_password_hash(admin.password_hash, PASSWORD)
    assert admin.must_change_password
    assert admin.previous_password_hash == own  # the forgotten one may not come back at the change
    assert (admin.failed_logins, admin.locked_until) == (0, None)
    assert db.session.scalar(select(func.count(UserSession.id)).where(UserSession.user_id == admin.id)) == 0
    row = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "password_reset"))
    assert (row.object_id, row.origin, row.actor_id, row.actor_email) == (str(admin.id), "cli", None, "")


def test_reset_password_then_the_login_asks_for_a_new_password(runner, make, client):
    admin = make.user(role="admin", email="beheer@example.org")
    db.session.commit()
    assert runner.invoke(args=["account", "reset-password", admin.email],
                         input=f"{PASSWORD}\n{PASSWORD}\n").exit_code == 0
    login = client.post("/auth/login", data={"email": admin.email, "password": PASSWORD})
    assert login.status_code == 302
    assert "wachtwoord" in client.get("/").headers["Location"]


@pytest.mark.parametrize("password, message", [
    ("kort", "Een wachtwoord heeft minstens 12 tekens."),
    ("alleenkleineletters1", "Gebruik in een wachtwoord hoofdletters, kleine letters en cijfers."),
])
def test_reset_password_keeps_the_password_rules_and_changes_nothing_on_a_weak_one(runner, make, password, message):
    admin = make.user(role="admin", email="beheer@example.org")
    db.session.commit()
    before = admin.password_hash
    result = runner.invoke(args=["account", "reset-password", admin.email], input=f"{password}\n{password}\n")
    _refused(result, message)
    db.session.expire_all()
    assert admin.password_hash == before and not admin.must_change_password
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "password_reset")) == 0


def test_reset_password_of_an_unknown_address_says_so_before_asking(runner):
    result = runner.invoke(args=["account", "reset-password", "niemand@example.org"], input=f"{PASSWORD}\n{PASSWORD}\n")
    _refused(result, "Er is geen account met e-mailadres niemand@example.org.")
    assert "wachtwoord:" not in result.output.lower()
