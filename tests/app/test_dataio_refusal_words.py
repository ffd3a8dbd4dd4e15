"""A preview with problems is a refused form; hours out of range get one message; an empty file is
not called a backup of another application."""
from __future__ import annotations

import re

import pytest

from .dataio_uploads import upload, upload_folder  # noqa: F401 (upload_folder: an autouse fixture)
from .test_backup import _assert_refused, runner, sqlite_app  # noqa: F401 (fixtures)

HEADER = "voornaam;achternaam;team;contracturen_per_week;max_uren_per_dag;werksoorten;ma;contract_start"


@pytest.fixture
def planner(make, login):
    make.location("Den Haag", code="dh-rijnstraat")
    make.work_type("keyboards")
    make.team("Den Haag", name="Team Den Haag 1")
    login(make.user(role="planner"))


def _title(page: str) -> str:
    return re.search(r"<title>(.*?)</title>", page, re.S).group(1)


def test_a_preview_with_problems_is_refused_as_every_form_is(planner, client):
    good = "Sanne;de Vries;Team Den Haag 1;25,5;6;keyboards;09:00-13:00;2026-12-07"
    bad = "Piet;Jansen;Team Delft;25;6;keyboards;09:00-13:00;2026-12-07"

    refused = upload(client, "employees", f"{HEADER}\n{good}\n{bad}\n".encode(), "medewerkers.csv")
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert "Er is niets opgeslagen" in page and _title(page).startswith("Fout: ")

    fine = upload(client, "employees", f"{HEADER}\n{good}\n".encode(), "medewerkers.csv")
    page = fine.get_data(as_text=True)
    assert fine.status_code == 200 and "Fout:" not in _title(page)


@pytest.mark.parametrize("column", ["max_uren_per_dag", "contracturen_per_week"])
def test_too_few_and_too_many_hours_get_the_same_message(planner, client, column):
    highest = {"max_uren_per_dag": "12", "contracturen_per_week": "40"}[column]
    messages = []
    for value in ("0", "-1", "25" if column == "max_uren_per_dag" else "45"):
        cells = dict(zip(HEADER.split(";"), "Piet;Jansen;Team Den Haag 1;25;6;keyboards;09:00-13:00;2026-12-07"
                         .split(";")), **{column: value})
        body = f"{HEADER}\n{';'.join(cells.values())}\n".encode()
        page = upload(client, "employees", body, "medewerkers.csv").get_data(as_text=True)
        found = re.search(rf"Rij 2, kolom {column}: (.*?)</", page)
        assert found, page[-2000:]
        messages.append(found.group(1).replace(f"&#39;{value}&#39;", "'X'"))
    assert messages == [f"'X' moet meer dan 0 en hoogstens {highest} uur zijn."] * 3, messages


def test_restore_of_an_empty_file_says_it_is_empty(runner, tmp_path):  # noqa: F811
    empty = tmp_path / "leeg.sqlite"
    empty.write_bytes(b"")
    _assert_refused(runner, empty, "is leeg")
    result = runner.invoke(args=["restore", "--yes", str(empty)])
    assert "andere toepassing" not in result.output
