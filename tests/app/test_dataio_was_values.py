"""The import check says what a changed cell was, beside what the file makes it (a known gap: it
named only the changed fields, so a planner checking 300 changed rows could not see what each
row overwrote)."""
from __future__ import annotations

import csv
import io
import re

import pytest

from binnenwerk import models as m
from binnenwerk.extensions import db

from .dataio_uploads import upload, upload_folder  # noqa: F401 (upload_folder: an autouse fixture)


def _rows(client, kind: str, login=None, make=None) -> list[list[str]]:
    """The kind's export as rows (the header first), as a planner (logged in here when asked)."""
    if login is not None:
        login(make.user("planner"))
        db.session.commit()
    exported = client.get(f"/gegevens/{kind}/export.csv").data.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(exported), delimiter=";"))


def _csv(rows: list[list[str]]) -> bytes:
    return "\r\n".join(";".join(row) for row in rows).encode("utf-8")


def _row_html(page: str, number: int) -> str:
    return re.search(rf'<tr id="rij-{number}".*?</tr>', page, re.S).group(0)


def _cells(row_html: str) -> list[str]:
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", cell)).strip()
            for cell in re.findall(r"<td>(.*?)</td>", row_html, re.S)]


def test_a_changed_cell_says_what_it_was_and_an_unchanged_one_written_otherwise_says_nothing(
        demo, client, login, make):
    rows = _rows(client, "employees", login, make)
    header = rows[0]
    phone, hours, monday, tuesday = (header.index(name) for name in ("telefoon", "contracturen_per_week", "ma", "di"))
    first, second = rows[1], rows[2]
    old_phone = first[phone]
    first[phone] = "06-11112222"
    old_hours, old_monday = second[hours], second[monday]
    second[hours] = "7"
    second[monday] = "" if old_monday else "09:00-12:00"
    # The same day in other words: 8:30 for 08:30, no change to say.
    second[tuesday] = re.sub(r"\b0(\d):", r"\1:", second[tuesday])

    page = upload(client, "employees", _csv(rows), "medewerkers.csv").get_data(as_text=True)

    cells = _cells(_row_html(page, 2))
    columns = header
    # The table's cells come after Resultaat and Problemen, in the file's column order.
    by_column = dict(zip(columns, cells[2:]))
    assert "Verandert: telefoon" in cells[0]
    expected = f"was: {old_phone}" if old_phone else "was leeg"
    assert by_column["telefoon"] == f"06-11112222 {expected}"
    assert "was" not in by_column["voornaam"]

    by_column = dict(zip(columns, _cells(_row_html(page, 3))[2:]))
    assert by_column["contracturen_per_week"] == f"7 was: {old_hours}"
    assert by_column["ma"] == (f"was: {old_monday}" if old_monday else "09:00-12:00 was leeg")
    assert "was" not in by_column["di"]


@pytest.mark.usefixtures("before_work_on_7_december")
def test_a_status_changed_by_the_file_is_named_with_what_it_was(demo, client, login, make):
    rows = _rows(client, "requests", login, make)
    header = rows[0]
    status = header.index("status")
    waiting = next(row for row in rows[1:] if row[status] == "ingediend")
    waiting[status] = "geaccepteerd"

    page = upload(client, "requests", _csv([header, waiting]), "aanvragen.csv").get_data(as_text=True)

    cells = _cells(_row_html(page, 2))
    assert "Verandert: status" in cells[0]
    assert dict(zip(header, cells[2:]))["status"] == "geaccepteerd was: ingediend"


@pytest.mark.usefixtures("before_work_on_7_december")
def test_a_long_text_that_was_is_cut_short(demo, client, login, make):
    rows = _rows(client, "requests", login, make)
    header = rows[0]
    notes = header.index("opmerkingen")
    row = rows[1]
    db.session.get(m.DeploymentRequest, int(row[0])).notes = ("Lang " * 60).strip()
    db.session.commit()
    row[notes] = "Kort"

    page = upload(client, "requests", _csv([header, row]), "aanvragen.csv").get_data(as_text=True)

    shown = dict(zip(header, _cells(_row_html(page, 2))[2:]))["opmerkingen"]
    assert shown.startswith("Kort was: Lang Lang") and shown.endswith("…")
    assert len(shown) < len("Kort was: ") + 81


def test_english_pages_say_was_in_english(demo, client, login, make):
    rows = _rows(client, "teams", login, make)
    header = rows[0]
    size = header.index("max_medewerkers")
    old = rows[1][size]
    rows[1][size] = "14"
    client.post("/taal/en", data={"next": "/"})

    page = upload(client, "teams", _csv(rows[:2]), "teams.csv").get_data(as_text=True)

    assert f"14<br><span class=\"was-value\">was: {old}</span>" in page
    assert "Changes: size" in re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))
