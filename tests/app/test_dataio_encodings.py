"""Files as spreadsheet programs save them: Excel's "Unicode-tekst" (UTF-16 with a byte order mark,
tab-separated) imports as its UTF-8 twin; a workbook too large to unpack because of a million
empty formatted rows says what to do about them."""
from __future__ import annotations

import codecs
import io
import zipfile

import openpyxl
import pytest
from sqlalchemy import select

from binnenwerk import models as m
from binnenwerk.dataio import reading, writing
from binnenwerk.dataio.api import get_kind, import_file
from binnenwerk.extensions import db

from .dataio_uploads import upload, upload_folder  # noqa: F401 (upload_folder: an autouse fixture)
from .test_dataio_limits import planner  # noqa: F401 (fixture)

# As Excel writes "Unicode-tekst": tabs, CRLF, and letters beyond Windows-1252 are fine too.
TEAMS_TEXT = ("naam\tregio\tthuislocatie\tmax_medewerkers\r\n"
              "Team Súdwest-Fryslân\tDen Haag\tdh-rijnstraat\t12\r\n"
              "Team Łódź–Den Haag\tDen Haag\t\t\r\n")
BOMS = {"utf-16-le": codecs.BOM_UTF16_LE, "utf-16-be": codecs.BOM_UTF16_BE}


def stored_teams() -> list[tuple]:
    db.session.expire_all()
    return [(t.name, t.region, t.home_location.code if t.home_location else "", t.max_size)
            for t in db.session.scalars(select(m.Team).order_by(m.Team.name))]


def unicode_text(encoding: str) -> bytes:
    return BOMS[encoding] + TEAMS_TEXT.encode(encoding)


@pytest.mark.parametrize("encoding", sorted(BOMS))
def test_excel_unicode_text_reads_as_its_utf8_twin(app, encoding):
    with app.test_request_context():
        twin = reading.read("teams.csv", TEAMS_TEXT.encode("utf-8"))
        table = reading.read("teams.csv", unicode_text(encoding))

    assert (table.headers, table.rows) == (twin.headers, twin.rows)
    assert table.headers == ["naam", "regio", "thuislocatie", "max_medewerkers"]
    assert table.rows[0] == (2, ["Team Súdwest-Fryslân", "Den Haag", "dh-rijnstraat", "12"])


@pytest.mark.parametrize("encoding", sorted(BOMS))
def test_excel_unicode_text_imports_through_the_page(planner, client, encoding):
    preview = upload(client, "teams", unicode_text(encoding), "teams.csv")

    text = preview.get_data(as_text=True)
    assert preview.status_code == 200, text
    assert "geen CSV-bestand" not in text and "Alle 2 rijen zijn in orde: 2 nieuw" in text


def test_excel_unicode_text_imports_with_the_command(app, make, runner, tmp_path):
    make.location("Den Haag", code="dh-rijnstraat")
    db.session.commit()
    path = tmp_path / "teams.csv"
    path.write_bytes(unicode_text("utf-16-le"))

    result = runner.invoke(args=["import", "teams", str(path)])

    assert result.exit_code == 0, result.output
    assert "Geïmporteerd: 2 nieuw" in result.output
    assert stored_teams() == [("Team Súdwest-Fryslân", "Den Haag", "dh-rijnstraat", 12),
                              ("Team Łódź–Den Haag", "Den Haag", "", 15)]


def test_a_damaged_utf16_file_says_its_characters_cannot_be_read(app):
    with app.test_request_context():
        outcome = import_file(get_kind("teams"), "teams.csv", unicode_text("utf-16-le")[:-1], commit=True)

    assert [str(p) for p in outcome.file_problems] == [
        "De tekens in dit CSV-bestand kunnen we niet lezen. Sla het op als CSV UTF-8."]
    assert stored_teams() == []


def test_a_utf8_file_with_one_line_in_another_encoding_is_refused_not_stored_garbled(app):
    """One line pasted from another program (Windows-1252) into a UTF-8 file: read as Windows-1252
    the whole file stored "Team Súdwest" as "Team SÃºdwest" (a QA pass); the line is named."""
    text = TEAMS_TEXT.replace("\t", ";").encode("utf-8") + "Team Café\tDen Haag\t\t\r\n".replace(
        "\t", ";").encode("cp1252")
    with app.test_request_context():
        outcome = import_file(get_kind("teams"), "teams.csv", text, commit=True)

    assert [str(p) for p in outcome.file_problems] == [
        "Regel 4 van dit CSV-bestand heeft tekens in een andere codering dan de rest van het bestand. "
        "Sla het bestand op als CSV UTF-8 en kijk die regel na."]
    assert stored_teams() == []


def test_a_windows_1252_file_still_reads(app):
    # "É’" and "É" before a no-break space are two bytes UTF-8 would write too (a QA pass).
    text = "naam;regio\r\nTeam Café;Den Haag\r\nTeam Zoë;Den Haag\r\nTeam CAFÉ’S;Den Haag\r\nRÉ\xa0Noord;Oost\r\n"
    assert [row[1][0] for row in reading.read("teams.csv", text.encode("cp1252")).rows] == \
        ["Team Café", "Team Zoë", "Team CAFÉ’S", "RÉ\xa0Noord"]


def test_the_line_in_another_encoding_is_counted_with_old_mac_line_ends(app):
    text = "naam;regio\rTeam Súdwest-Fryslân;Den Haag\rTeam Café;Den Haag\r".encode("utf-8")
    text = text.replace("Café".encode("utf-8"), "Café".encode("cp1252"))
    with pytest.raises(reading.ReadError, match="Regel 3 van dit CSV-bestand"):
        reading.read("teams.csv", text)


def test_a_binary_file_named_csv_is_still_no_csv(app):
    with app.test_request_context():
        outcome = import_file(get_kind("teams"), "teams.csv", b"naam\x00\x01\x02regio", commit=True)
    assert [str(p) for p in outcome.file_problems] == [
        "Dit bestand is geen CSV-bestand (tekst). Kies een .xlsx- of .csv-bestand."]


# --- a workbook with one row of data and a million empty formatted rows ----------------------------


def workbook_with_formatted_empty_rows(empty_rows: int) -> bytes:
    """The teams template with its example row and then `empty_rows` rows that hold nothing but a
    style, as Excel saves a sheet whose whole columns were given a colour or border."""
    source = zipfile.ZipFile(io.BytesIO(writing.template(get_kind("teams"), "xlsx")))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename != "xl/worksheets/sheet1.xml":
                target.writestr(info.filename, content)
                continue
            head, tail = content.split(b"</sheetData>")
            with target.open(info.filename, "w", force_zip64=True) as part:
                part.write(head)
                for start in range(3, empty_rows + 3, 50_000):
                    part.write(b"".join(
                        b'<row r="%d" s="1" customFormat="1"><c r="A%d" s="1"/><c r="B%d" s="1"/></row>' % (n, n, n)
                        for n in range(start, min(start + 50_000, empty_rows + 3))))
                part.write(b"</sheetData>" + tail)
    return buffer.getvalue()


def test_a_workbook_too_large_for_its_empty_formatted_rows_says_to_delete_them(planner, client, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("openpyxl was asked to read a workbook that should have been refused")

    monkeypatch.setattr(openpyxl, "load_workbook", refuse)  # the limit holds: refused unread
    body = workbook_with_formatted_empty_rows(1_000_000)
    assert len(body) < 10 * 1024 * 1024  # a small upload: nothing in it to split

    response = upload(client, "teams", body, "teams.xlsx")

    text = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Een deel van dit Excel-bestand is uitgepakt groter dan 50 MB." in text
    assert "heel veel lege rijen met opmaak onder de gegevens" in text
    assert "Verwijder dan de lege rijen onder de gegevens" in text and "sla het werkblad op als CSV" in text
    assert "splits het bestand" in text  # still, for a file that really holds that much
    assert stored_teams() == []


# --- the database busy, or an import cut off ---------------------------------------------------


def _locked(*_args, **_kwargs):
    from sqlalchemy.exc import OperationalError

    raise OperationalError("INSERT ...", {}, Exception("database is locked"))


def test_a_busy_database_during_import_blames_no_row(planner, client, monkeypatch):
    from binnenwerk.dataio.kinds import teams as teams_kind

    from .dataio_uploads import token_of

    text = TEAMS_TEXT.replace("\t", ";").encode("utf-8")
    page = upload(client, "teams", text, "teams.csv").get_data(as_text=True)
    monkeypatch.setattr(teams_kind.TeamsKind, "apply", _locked)
    busy = client.post("/gegevens/teams/bevestigen", data={"upload": token_of(page)}, follow_redirects=True)
    said = busy.get_data(as_text=True)
    assert "De database was even bezig. Er is niets opgeslagen. Upload het bestand over een minuut nog eens." in said
    assert "Rij " not in said and stored_teams() == []
    checked = upload(client, "teams", text, "teams.csv")  # the check runs the rows too
    assert checked.status_code == 503 and "De database was even bezig" in checked.get_data(as_text=True)
    monkeypatch.undo()
    page = upload(client, "teams", text, "teams.csv").get_data(as_text=True)
    done = client.post("/gegevens/teams/bevestigen", data={"upload": token_of(page)}, follow_redirects=True)
    assert "Het bestand is geïmporteerd" in done.get_data(as_text=True) and len(stored_teams()) == 2


def test_an_import_cut_off_is_not_waited_for_forever(planner, client, monkeypatch):
    import os
    import time

    from binnenwerk.dataio import routes

    from .dataio_uploads import token_of

    page = upload(client, "teams", TEAMS_TEXT.replace("\t", ";").encode("utf-8"), "teams.csv").get_data(as_text=True)
    token = token_of(page)
    kept = next(routes._upload_dir().glob(f"{token}.*"))
    claim = kept.with_name(kept.name + ".busy")
    kept.rename(claim)  # as a process killed while importing leaves it
    os.utime(claim, (time.time() - routes.STALE_CLAIM - 1,) * 2)
    monkeypatch.setattr(routes, "WAIT_FOR_IMPORT", 0.5)
    said = client.post("/gegevens/teams/bevestigen", data={"upload": token},
                       follow_redirects=True).get_data(as_text=True)
    assert "wordt nog geïmporteerd" not in said
    assert "Er is niets geïmporteerd. Upload het bestand opnieuw." in said
