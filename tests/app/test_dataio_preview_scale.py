"""An import's preview reads the teams, regions and names it checks once per file, not once per row.

A file of 10,000 new teams took 90 seconds to preview: each row asked the database again whether
another team had its name (reading and folding every team's name, the file's new ones too) and how
the regions are spelled. The reads a preview makes must not grow with the rows (each new row is
still written, to check it as the confirm will, and rolled back: those writes are not counted).
"""
from __future__ import annotations

import pytest
from sqlalchemy import event, select

from binnenwerk import models as m
from binnenwerk.extensions import db

from .dataio_uploads import upload, upload_folder  # noqa: F401 (upload_folder: an autouse fixture)

KINDS = {
    "teams": ("naam;regio;thuislocatie;max_medewerkers", "Team Groot {i};den haag;dh-1;12"),
    "supervisors": ("naam;team;regio;werksoorten;ma", "Leider {i};;den haag;keyboards;07:30-17:00"),
}


@pytest.fixture
def office(make, login):
    ministry = make.ministry("BZK", name="Binnenlandse Zaken")
    make.location("Den Haag", ministry, code="dh-1")
    make.work_type("keyboards")
    make.team("Den Haag", name="Team Den Haag 1")
    login(make.user(role="planner"))


def _reads_of_preview(client, kind: str, rows: int) -> tuple[int, str]:
    header, line = KINDS[kind]
    body = "\r\n".join([header] + [line.format(i=i) for i in range(rows)]).encode()
    reads = []

    def note(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("SELECT"):
            reads.append(statement)

    event.listen(db.engine, "before_cursor_execute", note)
    try:
        response = upload(client, kind, body, f"{kind}.csv")
    finally:
        event.remove(db.engine, "before_cursor_execute", note)
    return len(reads), response.get_data(as_text=True)


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_the_reads_of_a_preview_do_not_grow_with_the_rows(client, make, office, kind):
    few, page = _reads_of_preview(client, kind, 50)
    assert "Alle 50 rijen zijn in orde" in page, page[-3000:]
    many, page = _reads_of_preview(client, kind, 500)
    assert "Alle 500 rijen zijn in orde" in page, page[-3000:]
    assert many == few, (kind, few, many)


def test_a_name_or_region_the_file_itself_gives_is_still_seen_by_its_later_rows(client, make, office):
    """What the per-row queries saw (the rows before, flushed), the import's own lists see too."""
    body = ("naam;regio\r\nTeam Nieuw;Den Haag\r\nTeam Nieuw 2;Noordoost\r\nTeam Nieuw 3;noordoost\r\n"
            "Team Den Haag 1;Den Haag\r\n").encode()
    page = upload(client, "teams", body, "teams.csv").get_data(as_text=True)
    assert "Alle 4 rijen zijn in orde" in page, page[-3000:]
    db.session.rollback()

    from binnenwerk.dataio.api import get_kind, import_file

    with client.application.test_request_context():
        outcome = import_file(get_kind("teams"), "teams.csv", body, commit=True)
    assert outcome.committed, outcome.problems
    regions = dict(db.session.execute(select(m.Team.name, m.Team.region)).all())
    # "noordoost" is spelled as the region an earlier row of the file made: "Noordoost".
    assert regions["Team Nieuw 3"] == "Noordoost" and regions["Team Nieuw"] == "Den Haag"

    # A second team of the file under a name an earlier row took (in other letters) is refused.
    body = "naam;regio\r\nTeam Apart;Den Haag\r\nTEAM APART;Den Haag\r\n".encode()
    page = upload(client, "teams", body, "teams.csv").get_data(as_text=True)
    assert "Er is niets opgeslagen" in page


def test_a_team_name_that_differs_only_in_accents_is_refused_as_the_form_does(client, make, office):
    """The import follows the team form's rule (services.teams.team_name_taken): case, accents and
    spacing apart, "Téam Den  Haag 1" is "Team Den Haag 1", so it is no new team."""
    body = "naam;regio;thuislocatie;max_medewerkers\r\nTéam Den  Haag 1;den haag;dh-1;12\r\n".encode()
    page = upload(client, "teams", body, "teams.csv").get_data(as_text=True)
    assert "Er is al een team met deze naam." in page
    assert db.session.scalar(select(m.Team).where(m.Team.name != "Team Den Haag 1")) is None


def test_a_team_keeping_its_name_is_no_clash_with_an_older_accent_twin(client, make, office):
    """Saved under the older rule (case only), "Team Den Haag 1" and "Team Dén Haag 1" both exist:
    a row for the first that keeps its name is an update, not "Er is al een team"."""
    make.team("Den Haag", name="Team Dén Haag 1")
    body = "naam;regio;thuislocatie;max_medewerkers\r\nTeam Den Haag 1;den haag;dh-1;11\r\n".encode()
    page = upload(client, "teams", body, "teams.csv").get_data(as_text=True)
    assert "Er is al een team met deze naam." not in page
    assert "Alle 1 rijen zijn in orde" in page or "rij is in orde" in page, page[-2000:]
