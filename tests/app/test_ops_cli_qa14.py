"""Operations QA, round 14: a damaged backup is called damaged, init-db on a database of a newer
version, purge-absences with a term too long for a date, and create-user asks for the password
last and in Dutch."""
from __future__ import annotations

import datetime as dt
import hashlib
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import func, select
from werkzeug.security import check_password_hash

from binnenwerk.extensions import db
from binnenwerk.models import Absence, User

from .test_backup import sqlite_app  # noqa: F401 (a fixture: the embedded database, on any suite)

UNCHANGED = "De database is niet veranderd."


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _a_backup(app, tmp_path) -> Path:
    target = tmp_path / "backup.sqlite"
    result = app.test_cli_runner().invoke(args=["backup", str(target)])
    assert result.exit_code == 0, result.output
    return target


def _refused(result, *phrases: str, code: int = 1) -> None:
    """A message and a non-zero exit, not a traceback."""
    assert result.exit_code == code, result.output
    assert isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    for phrase in phrases:
        assert phrase in result.output, result.output


# --- 1. a damaged or cut-off backup is damaged, not "no SQLite database" ---------------------


def _cut_in_half(data: bytes) -> bytes:
    return data[:len(data) // 2]


def _overwritten_at(offset: int):
    return lambda data: data[:offset] + b"\xff" * 64 + data[offset + 64:]


@pytest.mark.parametrize("damage", [_cut_in_half, _overwritten_at(4096), _overwritten_at(40960)],
                         ids=["cut in half", "overwritten at 4096", "overwritten at 40960"])
def test_restore_of_a_damaged_backup_says_it_is_damaged_and_to_take_an_older_one(sqlite_app, tmp_path, damage):
    backup = _a_backup(sqlite_app, tmp_path)
    backup.write_bytes(damage(backup.read_bytes()))
    live = Path(sqlite_app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///"))
    before = _digest(live)

    result = sqlite_app.test_cli_runner().invoke(args=["restore", str(backup), "--yes"])

    _refused(result, f"De back-up {backup} is beschadigd of onvolledig", "Zet een oudere back-up terug.", UNCHANGED)
    assert "geen SQLite-database" not in result.output
    assert _digest(live) == before


def test_a_file_that_is_no_sqlite_database_at_all_is_still_called_so(sqlite_app, tmp_path):
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"not a database at all" * 500)
    result = sqlite_app.test_cli_runner().invoke(args=["restore", str(junk), "--yes"])
    _refused(result, f"{junk} is geen SQLite-database.", UNCHANGED)
    assert "beschadigd" not in result.output


# --- 2. init-db on a database a newer version migrated ---------------------------------------


def test_init_db_on_a_database_of_a_newer_version_says_so_in_dutch_and_changes_nothing(sqlite_app):
    live = Path(sqlite_app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///"))
    db.session.remove()
    db.engine.dispose()
    with sqlite3.connect(live) as conn:
        conn.execute("UPDATE alembic_version SET version_num = 'ffff00001111'")
    before = _digest(live)

    result = sqlite_app.test_cli_runner().invoke(args=["init-db"])

    _refused(result, "nieuwere versie van Binnenwerk Teamplanner", "ffff00001111",
             "Zet de nieuwere versie van de app weer terug", "back-up van vóór die update", UNCHANGED)
    assert "Can't locate revision" not in result.output
    assert _digest(live) == before


# --- 3. purge-absences with a term no date can be computed for -------------------------------


@pytest.mark.parametrize("days", ["1000000", "99999999999"])
def test_purge_with_a_keep_days_too_large_for_a_date_says_the_most_and_deletes_nothing(runner, make, monkeypatch,
                                                                                      days):
    monkeypatch.setattr("binnenwerk.services.feeds.local_today", lambda: dt.date(2026, 12, 7))
    make.absence(start=dt.date(2020, 5, 1), end=dt.date(2020, 5, 2))
    db.session.commit()

    for dry_run in (["--dry-run"], []):
        result = runner.invoke(args=["purge-absences", "--keep-days", days, *dry_run])
        _refused(result, "--keep-days is hoogstens 36500 (100 jaar). Er is niets verwijderd.", code=2)
    assert db.session.scalar(select(func.count(Absence.id))) == 1


def test_purge_with_the_longest_keep_days_works(runner, make, monkeypatch):
    monkeypatch.setattr("binnenwerk.services.feeds.local_today", lambda: dt.date(2026, 12, 7))
    make.absence(start=dt.date(2020, 5, 1), end=dt.date(2020, 5, 2))
    db.session.commit()
    result = runner.invoke(args=["purge-absences", "--keep-days", "36500", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "0 afwezigheden eindigden meer dan 36500 dagen geleden" in result.output


# --- 4. create-user checks the rest before it asks for the password, in Dutch ----------------


@pytest.mark.parametrize("args, message", [
    (["--email", "bad", "--name", "X", "--role", "planner"], "Vul een geldig e-mailadres in."),
    (["--email", "x@example.org", "--name", "  ", "--role", "planner"], "Vul een naam in."),
    (["--email", "x@example.org", "--name", "X", "--role", "ministry_contact"],
     "Een contactpersoon van een ministerie hoort bij een ministerie."),
    (["--email", "BESTAAT@example.org", "--name", "X", "--role", "planner"],
     "Er is al een account met e-mailadres bestaat@example.org."),
], ids=["bad e-mail", "no name", "ministry contact without ministry", "e-mail taken"])
def test_create_user_refuses_bad_details_before_asking_for_the_password(runner, make, args, message):
    make.user(email="bestaat@example.org")
    db.session.commit()
    result = runner.invoke(args=["create-user", *args], input="Sterk-wachtwoord-1\nSterk-wachtwoord-1\n")
    _refused(result, message)
    assert "Password" not in result.output and "Wachtwoord" not in result.output
    assert db.session.scalar(select(func.count(User.id))) == 1


def test_create_user_on_a_team_for_another_role_is_refused_before_the_password(runner, make):
    team = make.team(name="Team Noord")
    db.session.commit()
    result = runner.invoke(args=["create-user", "--email", "x@example.org", "--name", "X", "--role", "planner",
                                 "--team", team.name], input="Sterk-wachtwoord-1\nSterk-wachtwoord-1\n")
    _refused(result, "Alleen een teamleider heeft teams.")
    assert "Password" not in result.output and "Wachtwoord" not in result.output


def test_create_user_asks_for_the_password_twice_in_dutch(runner):
    result = runner.invoke(args=["create-user", "--email", "nieuw@example.org", "--name", "Nieuw", "--role", "planner"],
                           input="Sterk-wachtwoord-1\nAnders-wachtwoord-2\nSterk-wachtwoord-1\nSterk-wachtwoord-1\n")
    assert result.exit_code == 0, result.output
    assert "Wachtwoord: " in result.output and "Typ het wachtwoord nog een keer: " in result.output
    assert "De twee wachtwoorden zijn niet hetzelfde." in result.output
    assert "Password" not in result.output and "Repeat for confirmation" not in result.output
    assert "Account nieuw@example.org (planner) aangemaakt." in result.output
    user = db.session.scalar(select(User).where(User.email == "nieuw@example.org"))
    assert check_password_hash(user.password_hash, "Sterk-wachtwoord-1")
