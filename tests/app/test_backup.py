"""Backup and restore of the SQLite database through the CLI."""
import hashlib
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import func, select

from binnenwerk.extensions import db
from binnenwerk.models import Employee, Team, User


@pytest.fixture
def sqlite_app(tmp_path):
    """Backup and restore are for the embedded SQLite database: always test them on one, also
    when the rest of the suite runs on PostgreSQL."""
    from flask_migrate import upgrade

    from binnenwerk import create_app, demo

    app = create_app({"TESTING": True, "SECRET_KEY": "test", "MFA_REQUIRED_ROLES": (),
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'embedded.sqlite'}"})
    with app.app_context():
        upgrade()
        demo.seed("small")
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def runner(sqlite_app):
    return sqlite_app.test_cli_runner()


def _counts() -> dict[str, int]:
    return {m.__name__: db.session.scalar(select(func.count()).select_from(m)) for m in (Employee, Team, User)}


def test_restore_into_an_empty_database_gives_back_every_row(runner, tmp_path):
    before = _counts()
    assert before["Employee"] > 50
    target = tmp_path / "backup.sqlite"
    result = runner.invoke(args=["backup", str(target)])
    assert result.exit_code == 0, result.output
    with sqlite3.connect(target) as conn:
        assert conn.execute("SELECT count(*) FROM employee").fetchone()[0] == before["Employee"]

    db.session.execute(db.delete(Employee))  # lose data, then restore it
    db.session.commit()
    assert _counts()["Employee"] == 0
    result = runner.invoke(args=["restore", "--yes", str(target)])
    assert result.exit_code == 0, result.output
    assert _counts() == before


def test_restore_refuses_a_file_that_is_not_a_backup_and_keeps_the_data(runner, tmp_path):
    before = _counts()
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"not a database at all" * 100)
    result = runner.invoke(args=["restore", "--yes", str(junk)])
    assert result.exit_code != 0
    assert "geen SQLite-database" in result.output
    assert _counts() == before


def test_restore_refuses_a_missing_file(runner, tmp_path):
    result = runner.invoke(args=["restore", "--yes", str(tmp_path / "nope.sqlite")])
    assert result.exit_code != 0 and "bestaat niet" in result.output


def test_restore_of_a_fifo_says_it_is_no_regular_file_not_that_it_is_missing(runner, tmp_path):
    import os

    fifo = tmp_path / "fifo.db"
    os.mkfifo(fifo)
    result = runner.invoke(args=["restore", "--yes", str(fifo)])
    assert result.exit_code != 0 and "is geen gewoon bestand" in result.output and "bestaat niet" not in result.output


def test_backup_refuses_to_overwrite_the_database_itself(runner):
    from binnenwerk.backup import sqlite_path

    result = runner.invoke(args=["backup", str(sqlite_path())])
    assert result.exit_code != 0 and "niet de database zelf" in result.output


def test_backup_of_a_postgresql_database_points_to_pg_dump(tmp_path):
    from binnenwerk import create_app

    app = create_app({"TESTING": True, "SECRET_KEY": "test",
                      "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://nobody@127.0.0.1:1/none"})
    result = app.test_cli_runner().invoke(args=["backup", str(tmp_path / "x.sqlite")])
    assert result.exit_code != 0 and "pg_dump" in result.output
    # A restore says so before it asks whether to go on (it asked first).
    backup = tmp_path / "b.sqlite"
    backup.write_bytes(b"")
    result = app.test_cli_runner().invoke(args=["restore", str(backup)], input="n\n")
    assert result.exit_code != 0 and "pg_restore" in result.output and "Doorgaan?" not in result.output


# --- a restore refuses what is not this app's, before it touches the live database ----------

HEAD_MINUS_ONE = "64fbd370b276"  # the next migration, 33527b3afc6c, adds roster_change.message


def _live_digest() -> str:
    from binnenwerk.backup import sqlite_path

    return hashlib.sha256(sqlite_path().read_bytes()).hexdigest()


def _head() -> str:
    from binnenwerk.backup import _migrations

    return _migrations().get_current_head()


def _version(path: Path) -> list:
    with sqlite3.connect(path) as conn:
        return [r[0] for r in conn.execute("SELECT version_num FROM alembic_version")]


def _a_backup(runner, tmp_path, name="backup.sqlite") -> Path:
    target = tmp_path / name
    result = runner.invoke(args=["backup", str(target)])
    assert result.exit_code == 0, result.output
    return target


def _edit(path: Path, *statements: str) -> None:
    conn = sqlite3.connect(path)
    with conn:
        for statement in statements:
            conn.execute(statement)
    conn.close()


def _downgraded(sqlite_app, path: Path, revision: str) -> Path:
    """The backup as an older version of this app would have written it."""
    from alembic import command

    from binnenwerk import create_app

    older = create_app(dict(sqlite_app.config, SQLALCHEMY_DATABASE_URI=f"sqlite:///{path}"))
    with older.app_context():
        command.downgrade(older.extensions["migrate"].migrate.get_config(), revision)
        db.session.remove()
        db.engine.dispose()
    assert _version(path) == [revision]
    return path


def _other_application(path: Path, revision: str) -> Path:
    _edit(path,
          "CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY)",
          f"INSERT INTO alembic_version VALUES ('{revision}')",
          "CREATE TABLE user (id INTEGER PRIMARY KEY, login TEXT)",
          "CREATE TABLE employee (id INTEGER PRIMARY KEY, name TEXT)",
          "CREATE TABLE roster (id INTEGER PRIMARY KEY, day TEXT)",
          "INSERT INTO user (login) VALUES ('someone')")
    return path


def _assert_refused(runner, path: Path, *phrases: str) -> None:
    before, digest = _counts(), _live_digest()
    result = runner.invoke(args=["restore", "--yes", str(path)])
    assert _live_digest() == digest, "the live database changed"
    assert _counts() == before
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit), result.exception  # a message, not a traceback
    for phrase in phrases:
        assert phrase in result.output
    assert "De database is niet veranderd." in result.output
    assert not list(Path(_live_path()).parent.glob("*.restore")), "the staging copy is left behind"


def _live_path() -> Path:
    from binnenwerk.backup import sqlite_path

    return sqlite_path()


def test_restore_refuses_a_database_of_another_application(runner, tmp_path):
    other = _other_application(tmp_path / "other.sqlite", "3f2a1b9c0d4e")
    _assert_refused(runner, other, "andere toepassing")
    assert runner.invoke(args=["init-db"]).exit_code == 0


def test_restore_refuses_another_application_that_happens_to_share_a_revision(runner, tmp_path):
    other = _other_application(tmp_path / "other.sqlite", _head())
    _assert_refused(runner, other, "andere toepassing", "Na het bijwerken ontbreken")


def test_restore_refuses_a_backup_of_a_newer_version_and_says_to_update_first(runner, tmp_path):
    newer = _a_backup(runner, tmp_path)
    _edit(newer, "UPDATE alembic_version SET version_num = 'ffff_future'")
    _assert_refused(runner, newer, "nieuwere versie", "ffff_future", "update de app eerst")
    result = runner.invoke(args=["init-db"])  # the live database still migrates
    assert result.exit_code == 0, result.output
    assert _version(_live_path()) == [_head()]


@pytest.mark.parametrize("statement", [
    "DELETE FROM alembic_version",
    "UPDATE alembic_version SET version_num = ''",
    "INSERT INTO alembic_version VALUES ('cdd0da6d73a5')",
])
def test_restore_refuses_a_backup_with_an_empty_or_broken_version_table(runner, tmp_path, statement):
    broken = _a_backup(runner, tmp_path)
    _edit(broken, statement)
    _assert_refused(runner, broken, "versietabel (alembic_version)", "leeg of beschadigd")


def test_restore_refuses_a_backup_without_a_version_table(runner, tmp_path):
    unversioned = _a_backup(runner, tmp_path)
    _edit(unversioned, "DROP TABLE alembic_version")
    _assert_refused(runner, unversioned, "andere toepassing")


def test_restore_of_an_older_backup_migrates_it_to_the_newest_schema(sqlite_app, runner, tmp_path):
    before = _counts()
    older = _downgraded(sqlite_app, _a_backup(runner, tmp_path), HEAD_MINUS_ONE)
    db.session.execute(db.delete(Employee))
    db.session.commit()

    result = runner.invoke(args=["restore", "--yes", str(older)])
    assert result.exit_code == 0, result.output
    assert f"schemaversie {HEAD_MINUS_ONE}" in result.output
    assert _counts() == before
    assert _version(_live_path()) == [_head()]
    with sqlite3.connect(_live_path()) as conn:
        assert "message" in {r[1] for r in conn.execute("PRAGMA table_info(roster_change)")}


def test_a_restore_whose_migration_fails_leaves_the_live_database_as_it_was(sqlite_app, runner, tmp_path):
    older = _downgraded(sqlite_app, _a_backup(runner, tmp_path), HEAD_MINUS_ONE)
    _edit(older, "ALTER TABLE roster_change ADD COLUMN message VARCHAR(40)")  # the next migration adds it
    _assert_refused(runner, older, "kon niet naar de nieuwste schemaversie worden bijgewerkt")
    assert _version(_live_path()) == [_head()]


def test_restore_asks_in_dutch_and_stops_on_no(runner, tmp_path):
    target = _a_backup(runner, tmp_path)
    digest = _live_digest()
    result = runner.invoke(args=["restore", str(target)], input="n\n")
    assert result.exit_code == 1
    assert "Dit vervangt alle gegevens in de database. Doorgaan?" in result.output
    assert _live_digest() == digest


# --- backup errors are messages ------------------------------------------------------------


def test_backup_reports_success_in_dutch(runner, tmp_path):
    result = runner.invoke(args=["backup", str(tmp_path / "b.sqlite")])
    assert result.exit_code == 0 and "Back-up geschreven naar" in result.output


@pytest.mark.parametrize("where", ["/proc/nope/x.sqlite", "a-file/x.sqlite"])
def test_backup_to_a_folder_that_cannot_exist_is_a_message(runner, tmp_path, where):
    (tmp_path / "a-file").write_text("in the way")
    target = where if where.startswith("/") else str(tmp_path / where)
    result = runner.invoke(args=["backup", target])
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit), result.exception
    assert "bestaat niet en kan niet worden gemaakt" in result.output


def test_backup_without_write_permission_is_a_message(runner, tmp_path, monkeypatch):
    import binnenwerk.backup

    def refused(*args, **kwargs):  # root ignores file modes, so the refusal is simulated
        raise PermissionError(13, "Permission denied", str(tmp_path))

    monkeypatch.setattr(binnenwerk.backup.tempfile, "mkstemp", refused)
    result = runner.invoke(args=["backup", str(tmp_path / "x.sqlite")])
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit), result.exception
    assert "geen schrijfrechten" in result.output
    assert not (tmp_path / "x.sqlite").exists()
