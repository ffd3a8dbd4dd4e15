"""QA pass 17: the command line names the command for another kind's file; a teams row lists all
its problems at once; a swap between a full team and another is judged on the file's end state;
a check replaced by a later one says so."""
from __future__ import annotations

import pytest

from binnenwerk.dataio.api import get_kind, import_file
from binnenwerk.extensions import db

from .dataio_uploads import token_of, upload, upload_folder  # noqa: F401 (upload_folder: an autouse fixture)
from .test_dataio_refusals import (  # noqa: F401 (world: a fixture)
    EMPLOYEE_HEADER, TEAM_HEADER, employee_row, run_import, world, write_csv,
)


def test_another_kinds_file_on_the_command_line_names_the_command_to_use(world, runner, tmp_path):
    path = write_csv(tmp_path, [EMPLOYEE_HEADER, employee_row()], name="medewerkers.csv")

    result = run_import(runner, "teams", path, "--dry-run")

    assert result.exit_code == 1
    assert ("Dit lijkt een bestand met medewerkers. Importeer het zo: flask --app binnenwerk import employees "
            "medewerkers.csv") in result.output
    assert "Upload het bij" not in result.output


def test_importing_a_check_a_later_check_replaced_says_so(world, make, login, client, upload_folder):
    login(make.user(role="planner"))
    teams = "\r\n".join(";".join(row) for row in [TEAM_HEADER, ["Team Den Haag 1", "Den Haag", "", "14"]]).encode()
    employees = "\r\n".join(";".join(row) for row in [EMPLOYEE_HEADER, employee_row()]).encode()
    first = upload(client, "teams", teams, "teams.csv")
    assert first.status_code == 200
    assert upload(client, "employees", employees, "medewerkers.csv").status_code == 200

    page = client.post("/gegevens/teams/bevestigen", data={"upload": token_of(first.get_data(as_text=True))},
                       follow_redirects=True).get_data(as_text=True)

    assert "Je hebt daarna een ander bestand gecontroleerd. Die controle vervangt deze" in page
    assert "verlopen of niet gevonden" not in page
    assert len(list(upload_folder.glob("*.csv"))) == 1  # the replaced file is gone, not left for a day


@pytest.mark.parametrize("incoming_first", [True, False])
def test_a_swap_with_a_full_team_is_judged_on_the_files_end_state(world, make, incoming_first):
    full = make.team("Den Haag", name="Team Vol", max_size=2)
    staying = make.employee(team=full, first_name="Blijf", last_name="Hier")
    leaving = make.employee(team=full, first_name="Ga", last_name="Weg")
    incoming = make.employee(team=world["team"], first_name="Kom", last_name="Erbij")
    db.session.commit()
    rows = {
        "in": [str(incoming.id)] + employee_row(voornaam="Kom", achternaam="Erbij", team="Team Vol"),
        "out": [str(leaving.id)] + employee_row(voornaam="Ga", achternaam="Weg", team="Team Den Haag 1"),
    }
    order = ["in", "out"] if incoming_first else ["out", "in"]

    outcome = _check("employees", [["id"] + EMPLOYEE_HEADER] + [rows[key] for key in order])

    assert outcome.ok, [str(p) for p in outcome.problems]
    assert staying.team_id == full.id


def test_a_full_team_without_anyone_leaving_it_in_the_file_still_refuses(world, make):
    full = make.team("Den Haag", name="Team Vol", max_size=1)
    make.employee(team=full)
    incoming = make.employee(team=world["team"], first_name="Kom", last_name="Erbij")
    db.session.commit()

    outcome = _check("employees", [["id"] + EMPLOYEE_HEADER,
                                   [str(incoming.id)] + employee_row(voornaam="Kom", achternaam="Erbij",
                                                                     team="Team Vol")])

    assert [str(p) for p in outcome.problems] == [
        "Rij 2, kolom team: Team Vol is vol: er is al 1 medewerker en het maximum is 1."]


def _check(kind: str, rows: list[list[str]]):
    data = "\r\n".join(";".join(row) for row in rows).encode("utf-8")
    return import_file(get_kind(kind), "f.csv", data, commit=False)


def test_a_refused_teams_row_lists_every_problem_at_once(world):
    outcome = _check("teams", [TEAM_HEADER, ["Team X", "Oots", "dh-rijnstraat", "abc"]])

    assert [str(p) for p in outcome.problems] == [
        "Rij 2, kolom max_medewerkers: 'abc' is geen getal.",
        "Rij 2, kolom thuislocatie: locatie 'dh-rijnstraat' ligt in regio Den Haag, niet in regio Oots.",
    ]


def test_a_teams_row_lowering_the_maximum_below_its_members_with_a_wrong_region_says_both(world, make):
    make.employee(team=world["team"])
    make.employee(team=world["team"])
    db.session.commit()

    outcome = _check("teams", [TEAM_HEADER, ["Team Den Haag 1", "Utrecht", "dh-rijnstraat", "1"]])

    assert [str(p) for p in outcome.problems] == [
        "Rij 2, kolom thuislocatie: locatie 'dh-rijnstraat' ligt in regio Den Haag, niet in regio Utrecht.",
        "Rij 2, kolom max_medewerkers: het team heeft al 2 medewerkers; het maximum kan niet lager zijn.",
    ]
