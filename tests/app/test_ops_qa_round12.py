"""Operations QA, round 12: the restored SQLite file's rights, SECRET_KEY and errors in
instance/config.py, command-line errors as messages instead of tracebacks, backup targets that are
no regular file, and init-db and seed-demo in Dutch."""
from __future__ import annotations

import os
import stat
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import click
import pytest
from flask import Flask
from flask_migrate import upgrade

from binnenwerk import create_app
from binnenwerk.config import ConfigError
from binnenwerk.extensions import db

ROOT = Path(__file__).resolve().parents[2]
UNREACHABLE = "postgresql+psycopg://nobody@127.0.0.1:1/x"
STRONG = "Sterk-wachtwoord-1"


def _sqlite_app(path: Path) -> Flask:
    return create_app({"TESTING": True, "SECRET_KEY": "test", "MFA_REQUIRED_ROLES": (),
                       "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})


@contextmanager
def _context(app: Flask):
    with app.app_context():
        try:
            yield app.test_cli_runner()
        finally:
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def umask_022():
    """SQLite makes a new file 0666 minus the umask: 0644 under the usual 022."""
    before = os.umask(0o022)
    yield
    os.umask(before)


@pytest.fixture
def migrated(tmp_path) -> Flask:
    """An embedded database with the schema (backup and restore work on SQLite only)."""
    app = _sqlite_app(tmp_path / "live.sqlite")
    with _context(app):
        upgrade()
    return app


def _refused(result, *phrases: str) -> None:
    """Exit 1 with a message (a ClickException), not a traceback."""
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit), repr(result.exception)
    for phrase in phrases:
        assert phrase in result.output, result.output


# --- 1. the restored database file is private ------------------------------------------------


def test_a_restore_into_a_folder_not_there_makes_the_folder_and_the_database_private(migrated, tmp_path, umask_022):
    backup = tmp_path / "b2.sqlite"
    with _context(migrated) as runner:
        assert runner.invoke(args=["backup", str(backup)]).exit_code == 0
    restored = tmp_path / "dr" / "new.sqlite"
    with _context(_sqlite_app(restored)) as runner:
        result = runner.invoke(args=["restore", str(backup), "--yes"])
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(restored.stat().st_mode) == 0o600
    assert stat.S_IMODE(restored.parent.stat().st_mode) == 0o700


# --- 2. SECRET_KEY in instance/config.py ------------------------------------------------------


@pytest.fixture
def instance(monkeypatch, tmp_path) -> Path:
    """create_app() as a deployment runs it, with instance/config.py to write in tmp_path."""
    folder = tmp_path / "instance"
    folder.mkdir()
    monkeypatch.setattr(Flask, "auto_find_instance_path", lambda self: str(folder))
    for key in ("SECRET_KEY", "REDIS_URL", "FLASK_DEBUG"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'deployed.sqlite'}")
    return folder


@pytest.mark.parametrize("written", ['""', '"   "', "None"])
def test_a_blank_secret_key_in_config_py_is_not_set_and_the_instance_key_is_used(instance, written):
    (instance / "config.py").write_text(f"SECRET_KEY = {written}\n")
    app = create_app()
    assert app.config["SECRET_KEY"] == (instance / "secret_key").read_text().strip()
    response = app.test_client().get("/auth/login")  # a form: CSRF signs with the key
    assert response.status_code == 200
    with app.app_context():
        db.engine.dispose()


@pytest.mark.parametrize("written", ["12", "['a', 'b']"])
def test_a_secret_key_that_is_not_text_stops_the_start_naming_it(instance, written):
    (instance / "config.py").write_text(f"SECRET_KEY = {written}\n")
    with pytest.raises(ConfigError) as refused:
        create_app()
    assert refused.value.setting == "SECRET_KEY"
    assert refused.value.format_message().startswith("Setting SECRET_KEY: ")


# --- 3e. an error in instance/config.py -------------------------------------------------------


@pytest.mark.parametrize(("text", "line", "error"), [
    ("SOLVE_WORKERS = (\n", 1, "SyntaxError: '(' was never closed"),
    ("A = 1\nB = 1 / 0\n", 2, "ZeroDivisionError: division by zero"),
    ("\n\nimport no_such_module_of_binnenwerk\n", 3, "ModuleNotFoundError: No module named"),
])
def test_an_error_in_config_py_is_one_line_with_the_file_and_line(instance, text, line, error):
    (instance / "config.py").write_text(text)
    with pytest.raises(click.ClickException) as refused:
        create_app()
    message = refused.value.format_message()
    assert message.startswith(f"{instance / 'config.py'}, line {line}: {error}"), message


def test_a_broken_config_py_ends_the_flask_command_without_a_traceback(instance, tmp_path):
    (instance / "config.py").write_text("X = 1\nY = 1 / 0\n")
    start = ("import sys; from flask import Flask; from flask.cli import main; "
             f"Flask.auto_find_instance_path = lambda self: {str(instance)!r}; "
             "sys.argv = ['flask', '--app', 'binnenwerk', 'init-db']; main()")
    done = subprocess.run([sys.executable, "-c", start], cwd=ROOT, env=dict(os.environ, SECRET_KEY="x"),
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert f"{instance / 'config.py'}, line 2: ZeroDivisionError" in done.stderr
    assert "Traceback" not in done.stderr


# --- 3a-c. a database the command cannot use --------------------------------------------------


COMMANDS = {
    "init-db": ["init-db"],
    "create-user": ["create-user", "--email", "a@example.org", "--name", "A", "--role", "planner",
                    "--password", STRONG],
    "purge-absences": ["purge-absences"],
    "seed-demo": ["seed-demo"],
    "account unlock": ["account", "unlock", "a@example.org"],
    "plan export": ["plan", "export", "--week", "2026-W50", "--out", "-"],
    "export teams": ["export", "teams", "teams.xlsx"],
}


@pytest.mark.parametrize("command", ["init-db", "create-user", "purge-absences", "seed-demo", "account unlock"])
def test_a_database_that_cannot_be_reached_is_a_message(command):
    app = create_app({"TESTING": True, "SECRET_KEY": "test", "SQLALCHEMY_DATABASE_URI": UNREACHABLE})
    with _context(app) as runner:
        _refused(runner.invoke(args=COMMANDS[command]), "De database is niet bereikbaar: connection failed")


def test_an_sqlite_file_in_a_folder_not_there_is_a_message_and_no_folder_is_made(tmp_path):
    missing = tmp_path / "no" / "dir"
    with _context(_sqlite_app(missing / "x.sqlite")) as runner:
        _refused(runner.invoke(args=["init-db"]), f"De map {missing} van de database bestaat niet.")
    assert not missing.parent.exists()


@pytest.mark.parametrize("command", ["init-db", "export teams"])
def test_an_sqlite_file_that_is_no_database_is_a_message(tmp_path, monkeypatch, command):
    """"file is not a database" (a plain DatabaseError) still ended in a traceback (a QA finding)."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "x.db").write_text("hello\n")
    with _context(_sqlite_app(tmp_path / "x.db")) as runner:
        _refused(runner.invoke(args=COMMANDS[command]), f"Het databasebestand {tmp_path / 'x.db'} is niet te gebruiken",
                 "file is not a database")


@pytest.mark.parametrize("command", ["seed-demo", "plan export", "export teams", "create-user", "purge-absences"])
def test_a_database_without_tables_says_to_run_init_db(tmp_path, monkeypatch, command):
    monkeypatch.chdir(tmp_path)
    with _context(_sqlite_app(tmp_path / "fresh.sqlite")) as runner:
        _refused(runner.invoke(args=COMMANDS[command]), "De database heeft de tabellen van deze versie nog niet",
                 "flask --app binnenwerk init-db")


def test_the_flask_command_says_so_too_without_a_traceback(tmp_path):
    env = dict(os.environ, SECRET_KEY="x", DATABASE_URL=f"sqlite:///{tmp_path / 'fresh.sqlite'}")
    done = subprocess.run([sys.executable, "-m", "flask", "--app", "binnenwerk", "plan", "export", "--week",
                           "2026-W50", "--out", "-"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert "init-db" in done.stderr and "Traceback" not in done.stderr


def test_a_backup_of_a_database_without_tables_is_refused(tmp_path):
    target = tmp_path / "b.sqlite"
    with _context(_sqlite_app(tmp_path / "fresh.sqlite")) as runner:
        _refused(runner.invoke(args=["backup", str(target)]), "heeft nog geen tabellen", "init-db")
    assert not target.exists() and not list(tmp_path.glob("*.partial"))


# --- 3d. an output folder that is not there ---------------------------------------------------


@pytest.mark.parametrize("command", [["export", "employees"], ["plan", "export", "--week", "2026-W50", "--out"]])
def test_an_export_into_a_folder_not_there_says_so(runner, tmp_path, command):
    target = tmp_path / "nodir" / "x.xlsx"
    _refused(runner.invoke(args=command + [str(target)]),
             f"Kan {target} niet schrijven: de map {target.parent} bestaat niet.")


# --- 4 and 5. backup targets ------------------------------------------------------------------


def test_a_backup_refuses_to_replace_a_link_and_leaves_the_file_it_points_to(migrated, tmp_path):
    offsite = tmp_path / "offsite.sqlite"
    offsite.write_bytes(b"last night's copy")
    link = tmp_path / "latest.sqlite"
    link.symlink_to(offsite)
    with _context(migrated) as runner:
        _refused(runner.invoke(args=["backup", str(link)]), f"{link} is een link.")
    assert link.is_symlink() and offsite.read_bytes() == b"last night's copy"


def test_a_backup_refuses_to_replace_a_file_that_is_not_a_regular_one(migrated, tmp_path):
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)  # as /dev/full: a special file, which os.replace() would put a database in place of
    with _context(migrated) as runner:
        _refused(runner.invoke(args=["backup", str(pipe)]), f"{pipe} is geen gewoon bestand.")
    assert stat.S_ISFIFO(pipe.lstat().st_mode)


def test_a_backup_where_no_file_can_be_made_gives_that_reason_not_a_missing_folder(migrated):
    with _context(migrated) as runner:
        result = runner.invoke(args=["backup", "/proc/foo.sqlite"])
    _refused(result, "in de map /proc kunnen geen bestanden worden gemaakt")
    assert "bestaat niet" not in result.output


# --- init-db and seed-demo speak Dutch --------------------------------------------------------


def test_init_db_says_in_dutch_that_the_database_is_up_to_date(runner):
    result = runner.invoke(args=["init-db"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("De database heeft al de nieuwste schemaversie (")


def test_seed_demo_speaks_dutch(runner, make, monkeypatch):
    import binnenwerk.planning as planning

    monkeypatch.setattr(planning, "seed_demo_rosters", lambda size: "")
    busy = runner.invoke(args=["seed-demo", "--busy"])
    assert busy.exit_code == 2 and "--busy hoort bij --size large" in busy.output
    seeded = runner.invoke(args=["seed-demo"])
    assert seeded.exit_code == 0 and seeded.output.startswith("Demogegevens (small): ")
    assert "medewerkers" in seeded.output and "employees" not in seeded.output
    again = runner.invoke(args=["seed-demo", "--if-empty"])
    assert again.exit_code == 0 and "De demo is niet geladen." in again.output
