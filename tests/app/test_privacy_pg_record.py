"""The record of anonymisations on PostgreSQL, and applying it again after a pg_restore.

On PostgreSQL no anonymisation was noted outside the database, so a pg_restore of an older dump
brought erased people back, health data included, without a word. The record (anonymised.json)
is now kept in the app's instance folder there, and `flask reapply-anonymisations` applies it to
the database restored (the same code as `flask restore` on SQLite): idempotent, and leaving alone
a person of the record's id whose contract began on another day (another database).
"""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from binnenwerk import privacy
from binnenwerk.extensions import db
from binnenwerk.models import Absence, AuditEvent, Employee, EmployeeSensitive

from .test_privacy_qa18 import sqlite_app  # noqa: F401 (fixture: an app on an SQLite file of its own)


@pytest.fixture
def record(app, monkeypatch, tmp_path) -> Path:
    """The record's file, in this test's own instance folder (not yet made: the app makes it). On
    SQLite the record lies beside the database file, which the whole session shares: there the test
    gives record_path this test's folder instead."""
    instance = tmp_path / "instance"
    monkeypatch.setattr(app, "instance_path", str(instance))
    if db.engine.dialect.name == "sqlite":
        monkeypatch.setattr(privacy, "record_path", lambda: instance / privacy.RECORD_NAME)
    return instance / privacy.RECORD_NAME


@pytest.fixture
def people(app, make):
    team = make.team()
    former = make.employee(team, first_name="Fleur", last_name="Oudgediende", email="fleur@example.org",
                           contract_start=dt.date(2023, 1, 1), contract_end=dt.date(2025, 6, 30))
    db.session.add(EmployeeSensitive(employee=former, health_notes="Rugklachten, niet tillen"))
    make.absence(former, start=dt.date(2025, 6, 2), end=dt.date(2025, 6, 6), kind="ziek", note="Griep")
    stays = make.employee(team, first_name="Bram", last_name="Blijft")
    db.session.commit()
    return type("People", (), dict(former=former, stays=stays, former_id=former.id, stays_id=stays.id))


def _as_in_an_older_dump(people, make) -> None:
    """What a pg_restore of a dump made before the anonymisation brings back: the person as they
    were, their health notes and absences, and not the anonymisation's audit row."""
    former = db.session.get(Employee, people.former_id)
    former.first_name, former.last_name, former.email = "Fleur", "Oudgediende", "fleur@example.org"
    former.anonymised_at, former.archived = None, False
    db.session.add(EmployeeSensitive(employee=former, health_notes="Rugklachten, niet tillen"))
    make.absence(former, start=dt.date(2025, 6, 2), end=dt.date(2025, 6, 6), kind="ziek", note="Griep")
    db.session.execute(db.delete(AuditEvent))
    db.session.commit()


def _anonymised_rows() -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "anonymise"))


def test_on_postgresql_the_record_is_kept_in_the_instance_folder(app_with):
    server = app_with(SQLALCHEMY_DATABASE_URI="postgresql+psycopg://nobody@127.0.0.1:1/elsewhere")
    with server.app_context():
        assert privacy.record_path() == Path(server.instance_path) / "anonymised.json"
    in_memory = app_with(SQLALCHEMY_DATABASE_URI="sqlite://")
    with in_memory.app_context():
        assert privacy.record_path() is None


def test_an_anonymisation_is_noted_in_the_record(people, record):
    privacy.anonymise_employee(people.former, today=dt.date(2025, 7, 1))

    noted = json.loads(record.read_text())
    assert noted["anonymised"] == [{"employee_id": people.former_id, "contract_start": "2023-01-01",
                                    "on": "2025-07-01"}]
    assert "Fleur" not in record.read_text()


def test_reapplying_the_record_after_a_restore_anonymises_again_once(people, record, make, runner):
    privacy.anonymise_employee(people.former, today=dt.date(2025, 7, 1))
    _as_in_an_older_dump(people, make)

    first = runner.invoke(args=["reapply-anonymisations"])

    assert first.exit_code == 0, first.output
    assert "1 medewerker was na deze back-up geanonimiseerd en is opnieuw geanonimiseerd." in first.output
    db.session.expire_all()
    former = db.session.get(Employee, people.former_id)
    assert former.anonymised_at is not None and former.name == f"Geanonimiseerd #{former.id}"
    assert db.session.get(EmployeeSensitive, people.former_id) is None
    assert db.session.scalar(select(func.count()).select_from(Absence)) == 0
    again = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "anonymise"))
    assert again.object_id == str(people.former_id) and again.detail.startswith("again after a restore")
    assert db.session.get(Employee, people.stays_id).name == "Bram Blijft"

    second = runner.invoke(args=["reapply-anonymisations"])

    assert second.exit_code == 0, second.output
    assert "was al gedaan: niemand opnieuw geanonimiseerd, geen afwezigheden verwijderd." in second.output
    assert "opnieuw geanonimiseerd." not in second.output
    assert _anonymised_rows() == 1


def test_reapplying_leaves_someone_else_with_the_same_id_alone(people, record, runner):
    """A database begun anew numbers its people from 1 again: the record's person is known by the
    first day of the contract too, as a restore knows them."""
    privacy.remember_anonymised(people.former, dt.date(2025, 7, 1))
    noted = json.loads(record.read_text())
    noted["anonymised"][0]["contract_start"] = "2019-05-01"
    record.write_text(json.dumps(noted))

    result = runner.invoke(args=["reapply-anonymisations"])

    assert result.exit_code == 0, result.output
    assert "Bij 1 medewerker in" in result.output and "niet geanonimiseerd" in result.output
    assert "was al gedaan: niemand opnieuw geanonimiseerd" in result.output
    db.session.expire_all()
    assert db.session.get(Employee, people.former_id).name == "Fleur Oudgediende"
    assert _anonymised_rows() == 0


def test_reapplying_applies_the_absence_purge_again(people, record, make, runner):
    from binnenwerk.formatting import local_today

    long_ago = local_today() - dt.timedelta(days=800)
    make.absence(people.stays, start=long_ago, end=long_ago, kind="ziek")
    db.session.commit()
    privacy._remember_purge(365, local_today())
    assert json.loads(record.read_text())["absence_purge"]["keep_days"] == 365

    result = runner.invoke(args=["reapply-anonymisations"])

    assert result.exit_code == 0, result.output
    assert "opnieuw verwijderd, zoals purge-absences al had gedaan." in result.output
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Absence).where(Absence.start_date == long_ago)) == 0
    assert "was al gedaan" in runner.invoke(args=["reapply-anonymisations"]).output


def test_reapplying_refuses_a_record_it_cannot_read(people, record, runner):
    record.parent.mkdir()
    record.write_text("{ not json")

    result = runner.invoke(args=["reapply-anonymisations"])

    assert result.exit_code == 1
    assert "anonymised.json" in result.output and "De database is niet veranderd." in result.output
    db.session.expire_all()
    assert db.session.get(Employee, people.former_id).name == "Fleur Oudgediende"


def test_reapplying_without_a_record_says_so(people, record, runner):
    result = runner.invoke(args=["reapply-anonymisations"])

    assert result.exit_code == 0, result.output
    assert "bestaat niet" in result.output and "De database is niet veranderd." in result.output


def test_a_restore_says_whom_of_the_record_it_left_alone(sqlite_app, tmp_path):
    from binnenwerk.backup import backup
    from tests.conftest import Builders

    former = Builders().employee(first_name="Fleur", last_name="Oudgediende", contract_start=dt.date(2023, 1, 1),
                                 contract_end=dt.date(2025, 6, 30))
    db.session.commit()
    backup(tmp_path / "before.sqlite")
    privacy.anonymise_employee(former, today=dt.date(2025, 7, 1))
    record = tmp_path / "anonymised.json"  # beside embedded.sqlite
    noted = json.loads(record.read_text())
    noted["anonymised"][0]["contract_start"] = "2019-05-01"
    record.write_text(json.dumps(noted))

    result = sqlite_app.test_cli_runner().invoke(args=["restore", "--yes", str(tmp_path / "before.sqlite")])

    assert result.exit_code == 0, result.output
    assert f"Bij 1 medewerker in {record} klopt de eerste contractdag niet met deze database." in result.output
