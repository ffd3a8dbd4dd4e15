"""Text as typed or imported is stored as meant: one line with single spaces (text areas keep their
line breaks) and no bidirectional controls, so a name with a double space is not a second one."""
from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import select

from binnenwerk.dataio import values
from binnenwerk.extensions import db
from binnenwerk.models import EmployeeSensitive, Ministry, Team

from .edit_forms import post_edit

RLO, PDF, LRI, PDI, RLM = "\u202e", "\u202c", "\u2066", "\u2069", "\u200f"


def team_form(**changes):
    return {"name": "Team Utrecht 1", "region": "Utrecht", "home_location_id": "", "max_size": "15", **changes}


@pytest.fixture
def planner(make, login):
    user = make.user(role="planner")
    login(user)
    return user


def test_a_name_with_a_double_space_is_the_team_that_exists(client, make, planner):
    make.team(name="Team Utrecht 1", region="Utrecht")
    other = make.team(name="Team Utrecht 2", region="Utrecht")
    db.session.commit()
    response = client.post("/teams/nieuw", data=team_form(name="Team  Utrecht \t1"))
    assert response.status_code == 422 and "Er is al een team met deze naam." in response.get_data(as_text=True)
    response = post_edit(client, f"/teams/{other.id}/wijzigen", team_form(name="Team  Utrecht   1"))
    assert response.status_code == 422 and "Er is al een team met deze naam." in response.get_data(as_text=True)
    db.session.expire_all()
    assert sorted(t.name for t in db.session.scalars(select(Team))) == ["Team Utrecht 1", "Team Utrecht 2"]


def test_names_are_stored_with_single_spaces(client, make, login):
    login(make.user(role="admin"))
    response = client.post("/beheer/ministeries/nieuw",
                           data={"code": "BZK", "name": "Ministerie van  Binnenlandse\r\nZaken"})
    assert response.status_code == 302
    assert db.session.scalar(select(Ministry.name)) == "Ministerie van Binnenlandse Zaken"
    again = client.post("/beheer/ministeries/nieuw", data={"code": "BZK2", "name": "Ministerie  van Binnenlandse Zaken"})
    assert again.status_code == 422


def test_bidirectional_controls_are_dropped_from_form_input(client, make, login):
    """A right-to-left override before a phone number showed it backwards on every page."""
    team = make.team(name="Team A")
    employee = make.employee(team=team)
    login(make.user(role="team_leader", teams=[team]))
    response = post_edit(client, f"/teams/medewerkers/{employee.id}/persoonlijk", {
        "indication": f"Banen{RLO}afspraak", "indication_until": "",
        "health_notes": f"Regel 1{RLM}\nRegel  2", "accommodations": f"{LRI}Koptelefoon{PDI}",
    })
    assert response.status_code == 302
    stored = db.session.get(EmployeeSensitive, employee.id)
    # A direction mark alone goes, also inside a word (it was pasted along, not typed as a space).
    assert stored.indication == "Banenafspraak" and stored.accommodations == "Koptelefoon"
    # A text area keeps its line breaks and its spaces: only the invisible control goes.
    assert stored.health_notes == "Regel 1\nRegel  2"


def test_a_password_keeps_even_a_double_space(client, make, login):
    from werkzeug.security import check_password_hash

    user = make.user(role="team_leader")
    login(user)
    spaced = "Lang  genoeg wachtwoord 7"
    response = client.post("/auth/wachtwoord",
                           data={"current": "Test-wachtwoord-2026", "new": spaced, "repeat": spaced})
    assert response.status_code == 302
    db.session.expire_all()
    assert check_password_hash(db.session.get(type(user), user.id).password_hash, spaced)


@pytest.mark.parametrize("cell,expected", [
    ("Team  Den Haag 1", "Team Den Haag 1"),
    (" Team\tDen\u00a0 Haag\n1 ", "Team Den Haag 1"),
    (f"Jan {RLO}Jansen{PDF}", "Jan Jansen"),
])
def test_an_imported_text_is_one_line_with_single_spaces(cell, expected):
    assert values.text(cell) == expected


def test_an_imported_note_keeps_its_line_breaks_but_no_bidirectional_controls():
    assert values.text(f"Bel aan{RLO} bij\nde  achterdeur", multiline=True, max_length=2000) == "Bel aan bij\nde  achterdeur"
    # A spreadsheet's CRLF or CR is the LF the forms store: the same note, not a changed one.
    note = values.text("Bel aan\r\nbij de\rachterdeur", multiline=True, max_length=2000)
    assert note == "Bel aan\nbij de\nachterdeur"


def test_an_import_with_a_double_space_finds_the_team_that_exists(make, runner, tmp_path):
    make.team("Den Haag", name="Team Den Haag 1")
    db.session.commit()
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=";").writerows([["naam", "regio", "thuislocatie", "max_medewerkers"],
                                                 ["Team  Den Haag 1", "Den Haag", "", "12"]])
    path = tmp_path / "teams.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8")

    result = runner.invoke(args=["import", "teams", str(path)])

    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert [(t.name, t.max_size) for t in db.session.scalars(select(Team))] == [("Team Den Haag 1", 12)]


@pytest.mark.parametrize("typed,expected", [
    ("Jan\x00\u202eDoe\x07", "Jan Doe"),  # a run of controls between words is one space, none at the end
    ("Jan\x01\x02 \x03Doe", "Jan Doe"),  # beside a space it adds none
    ("Jan de Vries\x1b[31m", "Jan de Vries"),  # an ANSI escape sequence goes whole, "[31m" too
    ("\x1b[1;31mJan\x1b[0m Doe", "Jan Doe"),
    ("Jan\x7fDoe", "Jan Doe"),
    ("Jan\u200bDoe", "JanDoe"),  # a zero-width character is no space: it goes
    ("Ro\u202esa", "Rosa"),  # so do direction marks alone: pasted inside a name they must not split it
    ("06-\u202e12345678", "06-12345678"),
    ("Regel 1\x07\nRegel\x00 2", "Regel 1\nRegel 2"),  # line breaks and the spaces typed stay
])
def test_control_characters_leave_one_space_between_words(typed, expected):
    from binnenwerk.formatting import without_controls

    assert without_controls(typed) == expected


def test_a_form_reads_control_characters_between_words_as_a_space(client, make, login):
    """"Jan\\x00\\u202eDoe\\x07" was stored as "JanDoe", and a name ending in an ANSI colour code kept
    "[31m"; a text area keeps its line breaks."""
    team = make.team(name="Team A")
    employee = make.employee(team=team)
    login(make.user(role="team_leader", teams=[team]))
    response = post_edit(client, f"/teams/medewerkers/{employee.id}/persoonlijk", {
        "indication": f"Jan\x00{RLO}Doe\x07", "indication_until": "",
        "health_notes": "Regel\x001\r\nRegel\x07 2\x1b[0m", "accommodations": "Koptelefoon\x1b[31m",
    })
    assert response.status_code == 302
    stored = db.session.get(EmployeeSensitive, employee.id)
    assert stored.indication == "Jan Doe"
    assert stored.accommodations == "Koptelefoon"
    assert stored.health_notes == "Regel 1\nRegel 2"


def test_an_imported_text_reads_control_characters_between_words_as_a_space():
    assert values.text("Jan\x00Jansen") == "Jan Jansen"
    assert values.text(f"Ro{RLO}sa") == "Rosa"  # a direction mark alone goes
    assert values.text(f"Bel aan{RLO}\nbij de deur", multiline=True, max_length=2000) == "Bel aan\nbij de deur"
