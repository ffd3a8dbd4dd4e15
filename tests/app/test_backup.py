"""Backup and restore of the SQLite database through the CLI."""
import sqlite3

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
    assert "not a SQLite database" in result.output or "not a Binnenwerk backup" in result.output
    assert _counts() == before


def test_restore_refuses_a_missing_file(runner, tmp_path):
    result = runner.invoke(args=["restore", "--yes", str(tmp_path / "nope.sqlite")])
    assert result.exit_code != 0 and "no such file" in result.output


def test_backup_refuses_to_overwrite_the_database_itself(runner):
    from binnenwerk.backup import sqlite_path

    result = runner.invoke(args=["backup", str(sqlite_path())])
    assert result.exit_code != 0 and "cannot be the database itself" in result.output


def test_backup_of_a_postgresql_database_points_to_pg_dump(tmp_path):
    from binnenwerk import create_app

    app = create_app({"TESTING": True, "SECRET_KEY": "test",
                      "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://nobody@127.0.0.1:1/none"})
    result = app.test_cli_runner().invoke(args=["backup", str(tmp_path / "x.sqlite")])
    assert result.exit_code != 0 and "pg_dump" in result.output
