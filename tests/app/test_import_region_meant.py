"""An import's warning about a region without a location suggests the region a typo meant, as the
team and stand-in forms do ("Bedoel je Den Haag?"), with the forms' own rule and words
(services.regions.with_region_meant): a region spelled much like one with a location is named; a
region like none is only warned about.
"""
from __future__ import annotations

import csv
import io
import re
from html import unescape

import pytest

from binnenwerk.extensions import db

from .dataio_uploads import token_of, upload, upload_folder  # noqa: F401 (upload_folder: an autouse fixture)

pytestmark = pytest.mark.usefixtures("before_work_on_7_december")


def csv_bytes(rows) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";").writerows(rows)
    return buffer.getvalue().encode("utf-8")


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


@pytest.fixture
def den_haag(make):
    """Den Haag has a location and a team; Denhaag-Oud only a team (no location: not suggested)."""
    make.location("Den Haag", code="dh-rijnstraat")
    make.work_type("keyboards")
    make.team("Den Haag", name="Team Den Haag 1")
    make.team("Denhaag-Oud", name="Team Oud")
    db.session.commit()


def test_a_team_import_in_a_misspelt_region_suggests_the_region_meant(den_haag, client, login, make):
    login(make.user(role="planner"))
    body = csv_bytes([["naam", "regio"], ["Team Den Haag 7", "Den Haaag"], ["Team Mars", "Mars"]])

    preview = upload(client, "teams", body, "teams.csv")
    page = text_of(preview.get_data(as_text=True))
    assert preview.status_code == 200
    assert ("Er is nog geen locatie in regio Den Haaag (rij 2). Dit team kan pas ingepland worden als daar een "
            "locatie is. Bedoel je Den Haag?") in page
    # Nothing spelled like Mars has a location: the warning as before, without a guess.
    assert "Er is nog geen locatie in regio Mars (rij 3). Dit team kan pas ingepland worden als daar een " \
           "locatie is." in page
    assert page.count("Bedoel je") == 1

    done = client.post("/gegevens/teams/bevestigen", data={"upload": token_of(preview.get_data(as_text=True))},
                       follow_redirects=True)
    assert "Het bestand is geïmporteerd: 2 nieuw" in text_of(done.get_data(as_text=True))
    assert "Bedoel je Den Haag?" in text_of(done.get_data(as_text=True))


def test_a_stand_in_import_in_a_misspelt_region_suggests_the_region_meant(den_haag, runner, tmp_path):
    path = tmp_path / "teamleiders.csv"
    path.write_bytes(csv_bytes([["naam", "team", "regio", "werksoorten", "ma"],
                                ["Ria Invaller", "", "Den Haga", "keyboards", "08:00-16:00"]]))

    for args in (["--dry-run"], []):
        result = runner.invoke(args=["import", "supervisors", str(path), *args])
        assert result.exit_code == 0, result.output
        assert ("Er is nog geen locatie in regio Den Haga (rij 2). Deze teamleider kan daar pas ingepland worden "
                "als er een locatie is. Bedoel je Den Haag?") in result.output


def test_on_an_english_page_the_region_meant_is_marked_dutch(den_haag, app_with, make):
    from tests.conftest import english_client

    browser = english_client(app_with, make, role="planner")
    preview = upload(browser, "teams", csv_bytes([["naam", "regio"], ["Team Den Haag 7", "Den Haaag"]]), "teams.csv")
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200
    assert 'Did you mean <span lang="nl">Den Haag</span>?' in html
