"""The import and export commands: dry run, exit status, file formats, and how CSV is read."""
from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from binnenwerk import models as m
from binnenwerk.extensions import db

TEAMS = "naam;regio;thuislocatie;max_medewerkers\r\nTeam Delft;Zuid-Holland;;12\r\nTeam Zeeland;Zeeland;;\r\n"


def team_count() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count(m.Team.id)))


def test_a_dry_run_checks_the_file_and_stores_nothing(app, runner, tmp_path):
    path = tmp_path / "teams.csv"
    path.write_text(TEAMS, encoding="utf-8")

    result = runner.invoke(args=["import", "teams", str(path), "--dry-run"])

    assert result.exit_code == 0
    assert "Controle geslaagd, niets opgeslagen (--dry-run): 2 nieuw" in result.output
    assert team_count() == 0
    assert db.session.scalar(select(func.count(m.AuditEvent.id))) == 0


def test_a_dry_run_with_a_bad_row_exits_non_zero(app, runner, tmp_path):
    path = tmp_path / "teams.csv"
    path.write_text(TEAMS + "Team Fout;;;\r\n", encoding="utf-8")

    result = runner.invoke(args=["import", "teams", str(path), "--dry-run"])

    assert result.exit_code == 1
    assert "rij 4\tkolom regio\twaarde ''\tdit veld is verplicht" in result.output


def test_an_import_stores_every_row_and_writes_one_summary_audit_record(app, runner, tmp_path):
    path = tmp_path / "teams.csv"
    path.write_text(TEAMS, encoding="utf-8")

    result = runner.invoke(args=["import", "teams", str(path)])

    assert result.exit_code == 0 and "Geïmporteerd: 2 nieuw, 0 gewijzigd, 0 ongewijzigd." in result.output
    assert team_count() == 2
    # Each team has its own row besides (tests/app/test_dataio_audit.py).
    events = db.session.scalars(select(m.AuditEvent).where(m.AuditEvent.action == "import_teams")).all()
    assert [(e.action, e.detail) for e in events] == [("import_teams", "created=2 updated=0 unchanged=0")]


@pytest.mark.parametrize("encoding,delimiter,bom", [
    ("utf-8", ";", True), ("utf-8", ",", False), ("cp1252", ";", False), ("utf-8", "\t", False),
])
def test_csv_is_read_with_either_delimiter_a_bom_and_windows_encoding(app, runner, tmp_path, encoding, delimiter, bom):
    text = TEAMS.replace(";", delimiter).replace("Team Zeeland", "Team Zoë")
    path = tmp_path / "teams.csv"
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode(encoding))

    result = runner.invoke(args=["import", "teams", str(path)])

    assert result.exit_code == 0, result.output
    names = set(db.session.scalars(select(m.Team.name)))
    assert names == {"Team Delft", "Team Zoë"}


def test_headers_may_differ_in_case_and_spaces(app, runner, tmp_path):
    path = tmp_path / "teams.csv"
    path.write_text("Naam;Regio;Max medewerkers\nTeam Delft;Zuid-Holland;12\n", encoding="utf-8")
    assert runner.invoke(args=["import", "teams", str(path)]).exit_code == 0
    assert db.session.scalar(select(m.Team.max_size)) == 12


def test_an_unreadable_file_exits_non_zero_with_a_dutch_message(app, runner, tmp_path):
    path = tmp_path / "teams.xlsx"
    path.write_bytes(b"MZ" + bytes(range(256)) * 10)

    result = runner.invoke(args=["import", "teams", str(path)])

    assert result.exit_code == 1
    assert "kunnen we niet lezen als Excel-bestand" in result.output


def test_export_writes_xlsx_or_csv_by_the_extension(make, runner, tmp_path):
    make.team("Den Haag", name="Team Den Haag 1", max_size=12)
    db.session.commit()

    assert runner.invoke(args=["export", "teams", str(tmp_path / "t.xlsx")]).exit_code == 0
    assert runner.invoke(args=["export", "teams", str(tmp_path / "t.csv")]).exit_code == 0
    refused = runner.invoke(args=["export", "teams", str(tmp_path / "t.pdf")])

    rows = list(load_workbook(io.BytesIO((tmp_path / "t.xlsx").read_bytes())).worksheets[0].iter_rows(values_only=True))
    assert rows == [("naam", "regio", "thuislocatie", "max_medewerkers"), ("Team Den Haag 1", "Den Haag", None, 12)]
    assert (tmp_path / "t.csv").read_bytes() == (
        "\ufeffnaam;regio;thuislocatie;max_medewerkers\r\nTeam Den Haag 1;Den Haag;;12\r\n".encode())
    assert refused.exit_code != 0 and ".xlsx of .csv" in refused.output


def test_an_export_file_is_readable_by_its_owner_only(app, runner, tmp_path):
    """It holds names, phone numbers and the hours a day a doctor may have limited (plan export's
    files were 0600 already; these were 0644)."""
    import stat

    fresh, there = tmp_path / "medewerkers.xlsx", tmp_path / "oud.csv"
    there.write_text("oud")
    there.chmod(0o644)
    for path in (fresh, there):
        result = runner.invoke(args=["export", "employees", str(path)])
        assert result.exit_code == 0, result.output
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
