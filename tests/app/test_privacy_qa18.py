"""QA round 18, privacy (AVG):

1. A solve job kept people's names and absence days in its result (the pins that could not stay,
   with why: "absent"; the pins that clashed), also after anonymising and after the one-year
   absence purge. Results now hold people by id (the job page names them when shown, an anonymised
   person as anonymised); anonymising takes the person out of every result, the purge takes
   absences out of the results of weeks as long ago, and a data migration takes the names of the
   people anonymised before out of results stored before.
2. `flask restore` of a backup made before an anonymisation brought the person back, health data
   included. Anonymisations are noted beside the database (anonymised.json, ids only, 0600); a
   restore anonymises them again, and applies the absence purge's term.
3. /privacy/ listed at most 100 people whose contract ended, silently: now a page at a time, with
   the total; a search that finds more than it lists says so.
"""
from __future__ import annotations

import datetime as dt
import html
import json
import os
import re
import stat

import pytest
from sqlalchemy import func, select, text

from binnenwerk import jobs, privacy
from binnenwerk.extensions import db
from binnenwerk.models import (Absence, Assignment, AuditEvent, Employee, EmployeeSensitive, JobStatus, Roster,
                               SolveJob)
from binnenwerk.services import ServiceError

WEEK = "2026-W51"
MON, TUE, WED = dt.date(2026, 12, 14), dt.date(2026, 12, 15), dt.date(2026, 12, 16)
AFTER_THE_CONTRACT = dt.date(2027, 2, 1)  # the day anonymising is asked for


# --- 1. solve jobs' results ------------------------------------------------------------------------


@pytest.fixture
def world(app, make, before_work_on_7_december):
    """Team Den Haag 2 with its leader and Esra van den Berg and a namesake (told apart by e-mail),
    and Anna Test; a request Monday to Friday 09:00-15:00; a draft roster of week 51."""
    app.config.update(SOLVE_DETERMINISTIC=True, SOLVE_WORKERS=1, SOLVE_TIME_LIMIT=2.0, REDIS_URL="")
    wt = make.work_type("keyboards")
    loc = make.location("Den Haag", name="Rijnstraat 8")
    team = make.team("Den Haag", name="Team Den Haag 2")
    make.supervisor(team, work_types=[wt])
    esra = make.employee(team, work_types=[wt], first_name="Esra", last_name="van den Berg",
                         email="esra@example.org")
    namesake = make.employee(team, work_types=[wt], first_name="Esra", last_name="van den Berg",
                             email="esra.b@example.org")
    anna = make.employee(team, work_types=[wt], first_name="Anna", last_name="Test")
    req = make.request(loc, wt, weekdays="12345", headcount=2)
    roster = Roster(week=WEEK, team_id=team.id, status="draft", version=0)
    db.session.add(roster)
    planner = make.user("planner")
    db.session.commit()
    return type("World", (), dict(team=team, esra=esra, namesake=namesake, anna=anna, req=req, roster=roster,
                                  planner=planner))


def pin(world, person, day) -> None:
    db.session.add(Assignment(roster_id=world.roster.id, employee_id=person.id, date=day, request_id=world.req.id,
                              pinned=True))


def plan(client, world) -> SolveJob:
    response = client.post("/rooster/plannen", data={"week": WEEK, "team": world.team.id, "time_limit": "10"})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    job_id = int(response.headers["Location"].rstrip("/").split("/")[-1])
    jobs.wait(job_id, 60)
    db.session.expire_all()
    return db.session.get(SolveJob, job_id)


def page_text(client, job) -> str:
    page = client.get(f"/rooster/planning/{job.id}").get_data(as_text=True)
    return html.unescape(" ".join(re.sub(r"<[^>]+>", " ", page).split()))


def stored_jobs() -> str:
    """Every solve job's result and message, as stored."""
    return " ".join(json.dumps(job.result, ensure_ascii=False) + " " + (job.error or "")
                    for job in db.session.scalars(select(SolveJob)))


def anonymise(person) -> None:
    person.contract_end = dt.date(2027, 1, 1)
    db.session.commit()
    privacy.anonymise_employee(person, today=AFTER_THE_CONTRACT)
    db.session.expire_all()


def test_a_pin_dropped_for_an_absence_is_stored_by_id_and_named_on_the_page(client, login, world, make):
    pin(world, world.esra, TUE)
    make.absence(world.esra, start=TUE, kind="ziek")
    db.session.commit()
    login(world.planner)

    job = plan(client, world)

    assert job.status == JobStatus.FINISHED.value, job.error
    assert job.result["dropped_pins"] == [{"date": TUE.isoformat(), "employee_id": world.esra.id, "reason": "absent"}]
    assert "Esra" not in stored_jobs()
    assert "Esra van den Berg (dinsdag 15 december): afwezig." in page_text(client, job)

    anonymise(world.esra)

    # Gone with its day and reason; the page says nothing of it any more.
    assert db.session.get(SolveJob, job.id).result["dropped_pins"] == []
    said = page_text(client, job)
    assert "afwezig" not in said and "15 december" not in said


def test_clashing_pins_are_stored_by_id_and_read_as_anonymised_after_anonymising(client, login, world):
    for day in (MON, TUE, WED):
        pin(world, world.esra, day)
    world.esra.contract_minutes = 600  # 10 hours a week: three pinned shifts of 5.5 hours do not fit
    db.session.commit()
    login(world.planner)

    job = plan(client, world)

    assert job.status == JobStatus.FAILED.value
    stored = json.dumps(job.result)
    assert "Esra" not in stored and "esra@example.org" not in stored
    said = page_text(client, job)
    # Told apart from the namesake, as the roster grid does, when the page is shown.
    assert "Esra van den Berg (esra@example.org) op maandag 14 december, Rijnstraat 8 09:00–15:00" in said
    assert "Esra van den Berg heeft deze week niet genoeg contracturen" in said

    anonymise(world.esra)

    assert "Esra" not in stored_jobs() and "esra@example.org" not in stored_jobs()
    job = db.session.get(SolveJob, job.id)
    assert f"Geanonimiseerd #{world.esra.id} op maandag 14 december" in job.error  # the command line's message
    said = page_text(client, job)
    assert f"Geanonimiseerd #{world.esra.id} op maandag 14 december, Rijnstraat 8 09:00–15:00" in said
    assert "Esra van den Berg" not in said


def _stored_before(world, name="Esra van den Berg", email="esra@example.org") -> dict:
    """A result as jobs stored them before people were kept by id (and this morning's dropped pins,
    with both): names in words, an e-mail address telling namesakes apart."""
    anna = "Anna Test"
    return {
        "assignments": [], "supervision": [],
        "dropped_pins": [{"name": name, "date": TUE.isoformat(), "employee_id": world.esra.id, "reason": "absent"},
                         {"name": name, "date": WED.isoformat()},
                         {"name": anna, "date": WED.isoformat(), "employee_id": world.anna.id, "reason": "off"}],
        "left_out": [
            {"team_id": world.team.id, "team": "Team Den Haag 2",
             "changes": [{"what": "absent", "name": name, "days": [MON.isoformat()]},
                         {"what": "contract", "name": name},
                         {"what": "absent", "name": anna, "days": [TUE.isoformat()]}]},
            {"team_id": world.team.id, "team": "Team Den Haag 2",
             "pins": [{"name": name, "email": email, "nr": None, "date": MON.isoformat(), "place": "Rijnstraat 8",
                       "start": 540, "end": 900, "hours": True,
                       "held": [{"name": "Olaf Kaya", "date": MON.isoformat(), "place": "Turfmarkt 147", "team": "",
                                 "with": [name, anna]}]}]},
        ],
    }


def test_anonymising_takes_the_person_out_of_every_stored_job_result(client, login, world):
    old = SolveJob(week=WEEK, team_id=None, status=JobStatus.FINISHED.value, time_limit=5.0,
                   result=_stored_before(world))
    clash = SolveJob(week=WEEK, team_id=world.team.id, status=JobStatus.FAILED.value, time_limit=5.0,
                     result={"conflicting_pins": [{"name": "Esra van den Berg", "email": "esra@example.org", "nr": None,
                                                   "date": MON.isoformat(), "place": "Rijnstraat 8", "start": 540,
                                                   "end": 900, "hours": True}]},
                     error="De vastgezette diensten passen niet samen in een rooster: Esra van den Berg "
                           "(esra@example.org) op maandag 14 december, Rijnstraat 8 09:00–15:00. Esra van den Berg "
                           "(esra@example.org) heeft deze week niet genoeg contracturen voor al deze diensten.")
    db.session.add_all([old, clash])
    db.session.commit()

    anonymise(world.esra)

    everything = stored_jobs()
    assert "Esra" not in everything and "esra@example.org" not in everything
    result = db.session.get(SolveJob, old.id).result
    # Her pins that could not stay and her absence go with their days; Anna's stay.
    assert result["dropped_pins"] == [{"name": "Anna Test", "date": WED.isoformat(), "employee_id": world.anna.id,
                                       "reason": "off"}]
    assert result["left_out"][0]["changes"] == [{"what": "contract", "employee_id": world.esra.id},
                                                {"what": "absent", "name": "Anna Test", "days": [TUE.isoformat()]}]
    assert result["left_out"][1]["pins"][0]["employee_id"] == world.esra.id
    assert result["left_out"][1]["pins"][0]["held"][0]["with"] == [f"Geanonimiseerd #{world.esra.id}", "Anna Test"]
    login(world.planner)
    said = page_text(client, old)
    assert f"de uren van Geanonimiseerd #{world.esra.id} zijn veranderd" in said
    assert f"Geanonimiseerd #{world.esra.id} op maandag 14 december" in said
    said = page_text(client, clash)
    assert f"Geanonimiseerd #{world.esra.id} op maandag 14 december" in said
    assert f"Geanonimiseerd #{world.esra.id} heeft deze week niet genoeg contracturen" in db.session.get(
        SolveJob, clash.id).error
    # Her namesake is someone else: anonymising Esra leaves a namesake's later job alone.
    assert world.namesake.name == "Esra van den Berg"


def test_the_absence_purge_takes_absences_out_of_the_results_of_jobs_as_long_ago(world):
    a_year_ago = SolveJob(week="2025-W50", team_id=world.team.id, status=JobStatus.FINISHED.value, time_limit=5.0,
                          result={"assignments": [], "dropped_pins": [
                              {"date": "2025-12-09", "employee_id": world.esra.id, "reason": "absent"}],
                              "dropped_leads": [{"name": "Olaf Kaya", "date": "2025-12-09", "place": "Rijnstraat 8"}],
                              "left_out": [{"team_id": world.team.id, "team": "Team Den Haag 2", "changes": [
                                  {"what": "absent", "employee_id": world.anna.id, "days": ["2025-12-08"]}]}]})
    recent = SolveJob(week="2026-W02", team_id=world.team.id, status=JobStatus.FINISHED.value, time_limit=5.0,
                      result={"assignments": [], "dropped_pins": [
                          {"date": "2026-01-06", "employee_id": world.esra.id, "reason": "absent"}]})
    db.session.add_all([a_year_ago, recent])
    db.session.commit()

    privacy.purge_old_absences(today=dt.date(2026, 12, 20))  # absences ended before 20 December 2025 go

    db.session.expire_all()
    result = db.session.get(SolveJob, a_year_ago.id).result
    assert "dropped_pins" not in result and "dropped_leads" not in result
    assert result["left_out"][0]["changes"] == [{"what": "other"}]
    assert db.session.get(SolveJob, recent.id).result["dropped_pins"] == [
        {"date": "2026-01-06", "employee_id": world.esra.id, "reason": "absent"}]
    purge = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "absence.purge"))
    assert purge.detail == "absences=0 ended_before=2025-12-20 solve_jobs=1"


# --- 1. the data migration of results stored before --------------------------------------------------

BEFORE_MIGRATION = "d9b1c3e5f7a2"


@pytest.fixture
def fresh_database(tmp_path, app):
    """An empty database of its own (the suite's is at the newest schema), on the suite's backend:
    SQLite, and PostgreSQL in CI's PostgreSQL run (TEST_DATABASE_URL)."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        yield f"sqlite:///{tmp_path / 'migration.sqlite'}"
        return
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    base = make_url(url)
    name = f"{base.database}_privacy_migration"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()


def test_the_migration_takes_the_names_of_people_anonymised_before_out_of_stored_results(fresh_database):
    from alembic import command

    from binnenwerk import create_app
    from tests.conftest import Builders

    other = create_app({"TESTING": True, "SECRET_KEY": "test", "SQLALCHEMY_DATABASE_URI": fresh_database})
    with other.app_context():
        config = other.extensions["migrate"].migrate.get_config()
        try:
            command.upgrade(config, BEFORE_MIGRATION)
            make = Builders()
            team = make.team(name="Team Den Haag 2")
            # Anonymised before this round: her name is gone from the employee table, not from the jobs.
            gone = make.employee(team, first_name="Geanonimiseerd", last_name="#x",
                                 anonymised_at=dt.datetime(2026, 1, 5))
            gone.last_name = f"#{gone.id}"
            anna = make.employee(team, first_name="Anna", last_name="Test")
            world = type("W", (), dict(esra=gone, anna=anna, team=team))
            job = SolveJob(week=WEEK, status=JobStatus.FINISHED.value, time_limit=5.0, result=_stored_before(world))
            clash = SolveJob(week=WEEK, team_id=team.id, status=JobStatus.FAILED.value, time_limit=5.0,
                             result={"conflicting_pins": [{"name": "Esra van den Berg", "email": "esra@example.org",
                                                           "nr": None, "date": MON.isoformat()}]},
                             error="De vastgezette diensten passen niet samen in een rooster: Esra van den Berg "
                                   "(esra@example.org) op maandag 14 december.")
            db.session.add_all([job, clash])
            db.session.commit()
            ids = job.id, clash.id

            command.upgrade(config, "head")

            db.session.expire_all()
            assert "Esra" not in stored_jobs() and "esra@example.org" not in stored_jobs()
            result = db.session.get(SolveJob, ids[0]).result
            assert result["dropped_pins"] == [{"date": WED.isoformat(), "employee_id": anna.id, "reason": "off"}]
            assert result["left_out"][0]["changes"] == [
                {"what": "contract", "employee_id": None}, {"what": "absent", "employee_id": anna.id,
                                                            "days": [TUE.isoformat()]}]
            assert result["left_out"][1]["pins"][0]["employee_id"] is None
            assert result["left_out"][1]["pins"][0]["held"][0]["with_ids"] == [None, anna.id]
            with other.test_request_context():
                said = jobs.left_out_messages(result)
                assert "de uren van onbekend zijn veranderd; Anna Test is afwezig op dinsdag 15 december" in said[0]
                assert "waar ook onbekend, Anna Test vaststaan" in said[1]
            assert "Esra" not in db.session.get(SolveJob, ids[1]).error

            # The app of before reads names: the downgrade writes them as they are now.
            command.downgrade(config, BEFORE_MIGRATION)
            db.session.expire_all()
            result = db.session.get(SolveJob, ids[0]).result
            assert result["left_out"][1]["pins"][0]["name"] == "onbekend"
            assert result["left_out"][1]["pins"][0]["held"][0]["with"] == ["onbekend", "Anna Test"]
        finally:
            db.session.remove()
            db.engine.dispose()


# --- 2. a restore anonymises again ------------------------------------------------------------------


@pytest.fixture
def sqlite_app(tmp_path):
    """Backup and restore are for the embedded SQLite database (as tests/app/test_backup.py)."""
    from flask_migrate import upgrade

    from binnenwerk import create_app

    app = create_app({"TESTING": True, "SECRET_KEY": "test", "MFA_REQUIRED_ROLES": (),
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'embedded.sqlite'}"})
    with app.app_context():
        upgrade()
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def people(sqlite_app):
    from tests.conftest import Builders

    make = Builders()
    team = make.team()
    former = make.employee(team, first_name="Fleur", last_name="Oudgediende", email="fleur@example.org",
                           contract_start=dt.date(2023, 1, 1), contract_end=dt.date(2025, 6, 30))
    db.session.add(EmployeeSensitive(employee=former, health_notes="Rugklachten, niet tillen"))
    make.absence(former, start=dt.date(2025, 6, 2), end=dt.date(2025, 6, 6), kind="ziek", note="Griep")
    stays = make.employee(team, first_name="Bram", last_name="Blijft")
    db.session.commit()
    # Their ids: a restore ends the session, and the objects with it.
    return type("People", (), dict(former=former, stays=stays, former_id=former.id, stays_id=stays.id))


def _everything() -> str:
    values = []
    for table in db.metadata.sorted_tables:
        for row in db.session.execute(select(table)):
            values.extend(str(value) for value in row if value is not None)
    return " ".join(values)


def test_a_restore_of_a_backup_from_before_an_anonymisation_anonymises_again(sqlite_app, people, tmp_path):
    from binnenwerk.backup import _migrations, backup, restore

    backup(tmp_path / "before.sqlite")
    privacy.anonymise_employee(people.former, today=dt.date(2025, 7, 1))

    restored = restore(tmp_path / "before.sqlite")

    db.session.expire_all()
    former = db.session.get(Employee, people.former_id)
    assert former.anonymised_at is not None and former.name == f"Geanonimiseerd #{former.id}"
    everything = _everything()
    for trace in ("Fleur", "Oudgediende", "fleur@example.org", "Rugklachten", "Griep"):
        assert trace not in everything
    assert db.session.scalar(select(func.count()).select_from(Absence)) == 0
    again = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "anonymise"))
    assert again.object_id == str(former.id) and again.detail.startswith("again after a restore")
    assert db.session.get(Employee, people.stays_id).name == "Bram Blijft"
    # Still the backup's revision (what the command prints), and how many were anonymised again.
    assert restored == _migrations().get_current_head() and restored.anonymised_again == 1
    # The record beside the database: ids, the contract's first day and the day; no name; the owner's only.
    record = tmp_path / "anonymised.json"
    assert stat.S_IMODE(record.stat().st_mode) == 0o600
    noted = json.loads(record.read_text())
    assert noted["anonymised"] == [{"employee_id": people.former_id, "contract_start": "2023-01-01",
                                    "on": "2025-07-01"}]
    assert "Fleur" not in record.read_text() and "Oudgediende" not in record.read_text()
    # A second restore of the same backup does it again; of a backup made after, nothing to do.
    assert restore(tmp_path / "before.sqlite").anonymised_again == 1
    backup(tmp_path / "after.sqlite")
    assert restore(tmp_path / "after.sqlite").anonymised_again == 0


def test_a_restore_leaves_someone_else_with_the_same_id_alone(sqlite_app, people, tmp_path):
    """A database begun anew numbers its people from 1 again: the record's person is known by the
    first day of the contract too."""
    from binnenwerk.backup import backup, restore

    backup(tmp_path / "before.sqlite")
    privacy.anonymise_employee(people.former, today=dt.date(2025, 7, 1))
    record = tmp_path / "anonymised.json"
    noted = json.loads(record.read_text())
    noted["anonymised"][0]["contract_start"] = "2019-05-01"
    record.write_text(json.dumps(noted))

    assert restore(tmp_path / "before.sqlite").anonymised_again == 0
    db.session.expire_all()
    assert db.session.get(Employee, people.former_id).name == "Fleur Oudgediende"


def test_a_restore_applies_the_absence_purge_again(sqlite_app, people, tmp_path):
    from binnenwerk.backup import backup, restore
    from binnenwerk.formatting import local_today

    long_ago = local_today() - dt.timedelta(days=800)
    from tests.conftest import Builders

    Builders().absence(people.stays, start=long_ago, kind="ziek")
    db.session.commit()
    old = db.session.scalar(select(func.count()).select_from(Absence).where(
        Absence.end_date < local_today() - dt.timedelta(days=365)))  # Bram's, and Fleur's of 2025 after June 2026
    backup(tmp_path / "before.sqlite")
    assert privacy.purge_old_absences(today=local_today()) == old
    assert json.loads((tmp_path / "anonymised.json").read_text())["absence_purge"]["keep_days"] == 365

    restored = restore(tmp_path / "before.sqlite")

    assert restored.absences_purged == old and restored.anonymised_again == 0
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Absence).where(Absence.start_date == long_ago)) == 0


def test_a_restore_refuses_when_the_record_cannot_be_read(sqlite_app, people, tmp_path):
    from binnenwerk.backup import BackupError, backup, restore, sqlite_path

    backup(tmp_path / "before.sqlite")
    (tmp_path / "anonymised.json").write_text("{ not json")
    before = sqlite_path().read_bytes()

    with pytest.raises(BackupError) as refused:
        restore(tmp_path / "before.sqlite")

    assert "anonymised.json" in str(refused.value) and "De database is niet veranderd." in str(refused.value)
    assert sqlite_path().read_bytes() == before


def test_nothing_is_anonymised_when_the_record_cannot_be_written(sqlite_app, people, tmp_path):
    (tmp_path / "anonymised.json").mkdir()  # a folder where the file should be

    with pytest.raises(ServiceError) as refused:
        privacy.anonymise_employee(people.former, today=dt.date(2025, 7, 1))
    db.session.rollback()

    assert "Er is niets geanonimiseerd." in refused.value.message
    db.session.expire_all()
    former = db.session.get(Employee, people.former.id)
    assert former.anonymised_at is None and former.name == "Fleur Oudgediende"


# --- 3. the list of contracts ended, a page at a time -----------------------------------------------


def test_every_contract_ended_can_be_reached_a_page_at_a_time(client, login, make):
    team = make.team(name="Team Zwolle 1")
    for n in range(120):
        make.employee(team, first_name=f"Oud{n:03d}", last_name="Medewerker", contract_end=dt.date(2025, 6, 30))
    db.session.commit()
    login(make.user("planner"))

    first = client.get("/privacy/").get_data(as_text=True)
    last = client.get("/privacy/?page=3").get_data(as_text=True)

    assert first.count("Oud0") + first.count("Oud1") == 50  # privacy_routes.ENDED_PER_PAGE
    assert "Medewerkers van wie het contract is afgelopen (120), pagina 1 van 3" in first
    assert 'href="/privacy/?page=2"' in first
    assert "Oud119" in last and "Oud100" in last and "Oud099" not in last


def test_a_search_that_finds_more_than_it_lists_says_so(client, login, make):
    team = make.team()
    for n in range(101):
        make.employee(team, first_name=f"Zoek{n:03d}", last_name="Veel")
    db.session.commit()
    login(make.user("planner"))

    page = client.get("/privacy/?q=veel").get_data(as_text=True)

    assert page.count("Veel</a>") == 100
    assert "Dit zijn de eerste 100. Typ meer van de naam om de anderen te vinden." in page
    assert "Typ meer van de naam" not in client.get("/privacy/?q=Zoek007").get_data(as_text=True)
