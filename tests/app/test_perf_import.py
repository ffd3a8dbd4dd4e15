"""The employees import loads the file's employees up front: an unchanged row costs no statement of its own.

The refusals that depend on what earlier rows of the same file did (a name given or taken, an id an
earlier row made) are pinned here too, as the per-row lookups answered them.
"""
from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import func, literal, select

from binnenwerk import models as m
from binnenwerk.bench import count_queries
from binnenwerk.dataio import writing
from binnenwerk.dataio.api import get_kind, import_file
from binnenwerk.extensions import db
from tests.app.test_dataio_refusals import EMPLOYEE_HEADER, employee_row, world  # noqa: F401 - a fixture

TEAMS = ["Team Den Haag 1", "Team Den Haag 2", "Team Den Haag 3"]


@pytest.fixture
def teams(world, make):  # noqa: F811
    return [world["team"]] + [make.team("Den Haag", name=name) for name in TEAMS[1:]]


def _hire(make, teams, world, per_team: int) -> None:  # noqa: F811
    for team in teams:
        for _ in range(per_team):
            make.employee(team=team, work_types=[world["keyboards"]], allowed_locations=[world["location"]])
    db.session.commit()


def _export_with_one_change_and_one_newcomer(app) -> bytes:
    with app.test_request_context():
        rows = list(csv.reader(io.StringIO(writing.export(get_kind("employees"), "csv").decode("utf-8-sig")),
                               delimiter=";"))
    header = rows[0]
    rows[1][header.index("telefoon")] = "06-99999999"
    newcomer = dict(zip(header, rows[-1]), id="", voornaam="Nieuwe", achternaam="Collega")
    rows.append([newcomer[column] for column in header])
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";").writerows(rows)
    return buffer.getvalue().encode("utf-8")


def _statements_of_import(app, data: bytes, commit: bool = False) -> tuple[int, object]:
    db.session.expire_all()
    with app.test_request_context(), count_queries(db.engine) as counter:
        outcome = import_file(get_kind("employees"), "medewerkers.csv", data, commit=commit)
    return counter["n"], outcome


def test_an_import_costs_the_same_for_six_unchanged_employees_and_for_thirty(app, make, world, teams):  # noqa: F811
    _hire(make, teams, world, per_team=2)
    few, outcome = _statements_of_import(app, _export_with_one_change_and_one_newcomer(app))
    assert outcome.ok and outcome.counts == {"create": 1, "update": 1, "unchanged": 5}, outcome.problems

    _hire(make, teams, world, per_team=8)
    data = _export_with_one_change_and_one_newcomer(app)
    many, outcome = _statements_of_import(app, data)
    assert outcome.ok and outcome.counts == {"create": 1, "update": 1, "unchanged": 29}, outcome.problems
    assert many == few, (few, many)

    # The confirm writes the same, and what it writes is what a row-by-row import wrote.
    confirmed, outcome = _statements_of_import(app, data, commit=True)
    assert outcome.committed and confirmed <= few + 3, (few, confirmed)
    db.session.expire_all()
    newcomer = db.session.scalar(select(m.Employee).where(m.Employee.first_name == "Nieuwe"))
    assert newcomer.team.name == "Team Den Haag 3" and [w.code for w in newcomer.work_types] == ["keyboards"]
    assert db.session.scalar(select(func.count()).where(m.Employee.phone == "06-99999999")) == 1


def _import(app, rows) -> object:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";").writerows(rows)
    with app.test_request_context():
        return import_file(get_kind("employees"), "x.csv", buffer.getvalue().encode("utf-8"), commit=True)


def test_a_name_an_earlier_row_gives_to_someone_is_that_person_for_a_later_row(app, make, world):  # noqa: F811
    anna = make.employee(team=world["team"], first_name="Anna", last_name="Smit")
    db.session.commit()
    outcome = _import(app, [
        ["id"] + EMPLOYEE_HEADER,
        [str(anna.id)] + employee_row(voornaam="Sanne", achternaam="de Vries"),
        [""] + employee_row(voornaam="sanne", achternaam="DE VRIES", contracturen_per_week="20"),
    ])
    assert [str(p) for p in outcome.problems] == [
        "Rij 3, kolom voornaam: dit gaat over hetzelfde als rij 2; elke rij mag maar één keer voorkomen."]


def test_a_name_an_earlier_row_takes_away_is_free_for_a_newcomer(app, make, world):  # noqa: F811
    anna = make.employee(team=world["team"], first_name="Sanne", last_name="de Vries")
    db.session.commit()
    outcome = _import(app, [
        ["id"] + EMPLOYEE_HEADER,
        [str(anna.id)] + employee_row(voornaam="Anna", achternaam="de Vries"),
        [""] + employee_row(),
    ])
    assert outcome.committed and outcome.counts == {"create": 1, "update": 1, "unchanged": 0}, outcome.problems
    names = db.session.scalars(select(m.Employee.first_name).order_by(m.Employee.id)).all()
    assert names == ["Anna", "Sanne"]


def test_an_id_an_earlier_row_of_the_file_made_is_that_new_person(app, make, world):  # noqa: F811
    anna = make.employee(team=world["team"], first_name="Anna", last_name="Smit")
    db.session.commit()
    next_id = anna.id + 1
    outcome = _import(app, [
        ["id"] + EMPLOYEE_HEADER,
        [""] + employee_row(),
        [str(next_id)] + employee_row(voornaam="Sanne", contracturen_per_week="20"),
    ])
    assert [str(p) for p in outcome.problems] == [
        "Rij 3, kolom id: dit gaat over hetzelfde als rij 2; elke rij mag maar één keer voorkomen."]


def test_a_name_with_letters_beyond_ascii_is_matched_on_every_database(app, make, world):  # noqa: F811
    eva = make.employee(team=world["team"], first_name="Éva", last_name="Çelik", phone="06-11111111")
    db.session.commit()
    outcome = _import(app, [
        EMPLOYEE_HEADER + ["telefoon"],
        employee_row(voornaam="ÉVA", achternaam="çelik") + ["06-22222222"],
    ])
    assert outcome.committed, outcome.problems
    # 'ÉVA çelik' is Éva Çelik, updated (SQLite's lower() is Python's there, as PostgreSQL's is
    # Unicode's): not a second Éva.
    assert db.session.scalar(select(func.lower(literal("ÉVA")))) == "éva"
    people = [e for e in db.session.scalars(select(m.Employee)) if e.last_name.lower() == "çelik"]
    assert [(e.id, e.phone) for e in people] == [(eva.id, "06-22222222")]


def test_names_match_whatever_their_case_and_turkish_or_german_letters(app, make, world):  # noqa: F811
    ilker = make.employee(team=world["team"], first_name="İlker", last_name="Yılmaz", phone="06-11111111")
    jurgen = make.employee(team=world["team"], first_name="Jürgen", last_name="Großmann", phone="06-22222222")
    db.session.commit()
    outcome = _import(app, [
        EMPLOYEE_HEADER + ["telefoon"],
        employee_row(voornaam="ILKER", achternaam="YILMAZ") + ["06-33333333"],
        employee_row(voornaam="jürgen", achternaam="GROSSMANN") + ["06-44444444"],
    ])
    assert outcome.committed, outcome.problems
    db.session.expire_all()
    assert (db.session.get(m.Employee, ilker.id).phone, db.session.get(m.Employee, jurgen.id).phone) == ("06-33333333", "06-44444444")
    assert db.session.scalar(select(func.count(m.Employee.id))) == 2  # nobody new
