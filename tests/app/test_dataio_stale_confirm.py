""""Importeren" does only what the check showed: a change someone saved since the check to what the
file changes, or that makes a row of the file change something, stops the import (a confirmed QA
finding: the import put a colleague's 30 contract hours back to the file's 36, unseen).

Nothing is imported then, the colleague's change stays, and the check is shown again as the data
is now, with a message at the top; "Importeren" on that page imports what it shows.
"""
from __future__ import annotations

import csv
import io
import re
from html import unescape

import pytest
from sqlalchemy import select

from binnenwerk import models as m
from binnenwerk.extensions import db

from .dataio_uploads import token_of, upload, upload_folder  # noqa: F401 (upload_folder: an autouse fixture)

CHANGED_SINCE = "Sinds de controle is er iets veranderd aan de gegevens waar dit bestand over gaat"


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def exported(client, kind: str) -> list[list[str]]:
    body = client.get(f"/gegevens/{kind}/export.csv").data.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(body), delimiter=";"))


def csv_of(rows) -> bytes:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=";").writerows(rows)
    return buffer.getvalue().encode("utf-8")


def confirm(client, kind: str, page: str):
    return client.post(f"/gegevens/{kind}/bevestigen", data={"upload": token_of(page)}, follow_redirects=True)


def row_html(page: str, number: int) -> str:
    found = re.search(rf'<tr id="rij-{number}".*?</tr>', page, re.S)
    return found.group(0) if found else ""


def saved_by_a_colleague(obj, **values) -> None:
    """What a second planner's (or the ministry's) form saves meanwhile, committed."""
    for name, value in values.items():
        setattr(obj, name, value)
    db.session.commit()


def fresh(model, object_id: int):
    db.session.expire_all()
    return db.session.get(model, object_id)


@pytest.fixture
def planner(demo, client, login, make):
    login(make.user(role="planner"))
    return client


@pytest.fixture
def employees_file(planner):
    """The employees export with its first person's phone changed: (rows, header)."""
    rows = exported(planner, "employees")
    header = rows[0]
    rows[1][header.index("telefoon")] = "06-11112222"
    return rows, header


def test_a_colleagues_change_to_another_row_since_the_check_imports_nothing_and_checks_again(
        planner, employees_file):
    rows, header = employees_file
    ids, hours = header.index("id"), header.index("contracturen_per_week")
    check = upload(planner, "employees", csv_of(rows), "medewerkers.csv").get_data(as_text=True)
    others = len(rows) - 2
    assert f"0 nieuw, 1 gewijzigd, {others} ongewijzigd" in text_of(check)
    phoned = int(rows[1][ids])
    julia = fresh(m.Employee, int(rows[2][ids]))
    in_file = julia.contract_minutes
    saved_by_a_colleague(julia, contract_minutes=in_file - 360)  # 6 hours a week less, on her form

    again = confirm(planner, "employees", check)

    page = again.get_data(as_text=True)
    assert again.status_code == 409
    assert CHANGED_SINCE in text_of(page) and "Er is niets geïmporteerd." in text_of(page)
    assert 'role="alert" tabindex="-1" id="conflict"' in page  # focused and read out, as other conflicts
    assert fresh(m.Employee, julia.id).contract_minutes == in_file - 360  # the colleague's change is kept
    assert fresh(m.Employee, phoned).phone != "06-11112222"  # and nothing of the file was imported
    # The check again, as the data is now: Julia's row would put her hours back, and says so.
    assert f"0 nieuw, 2 gewijzigd, {others - 1} ongewijzigd" in text_of(page)
    julia_row = text_of(row_html(page, 3))
    assert "Verandert: contracturen" in julia_row and f"{rows[2][hours]} was: " in julia_row
    assert token_of(page) == token_of(check)  # the file is kept for "Importeren" on this page

    done = confirm(planner, "employees", page)

    assert "Het bestand is geïmporteerd: 0 nieuw, 2 gewijzigd" in text_of(done.get_data(as_text=True))
    assert fresh(m.Employee, julia.id).contract_minutes == in_file  # seen in the check, and chosen
    assert fresh(m.Employee, phoned).phone == "06-11112222"


def test_a_colleagues_change_to_a_cell_the_file_also_changes_is_not_overwritten_unseen(planner, employees_file):
    rows, header = employees_file
    ids = header.index("id")
    check = upload(planner, "employees", csv_of(rows), "medewerkers.csv").get_data(as_text=True)
    person = fresh(m.Employee, int(rows[1][ids]))
    saved_by_a_colleague(person, phone="06-33334444")  # the same field, another number

    again = confirm(planner, "employees", check)

    page = again.get_data(as_text=True)
    assert again.status_code == 409 and CHANGED_SINCE in text_of(page)
    assert fresh(m.Employee, person.id).phone == "06-33334444"
    assert "06-11112222 was: 06-33334444" in text_of(row_html(page, 2))


@pytest.mark.usefixtures("before_work_on_7_december")
def test_a_ministrys_edit_of_a_request_since_the_check_is_not_put_back(planner, make):
    rows = exported(planner, "requests")
    header = rows[0]
    ids, priority = header.index("id"), header.index("prioriteit")
    rows[1][priority] = "hoog" if rows[1][priority] != "hoog" else "normaal"
    check = upload(planner, "requests", csv_of(rows), "aanvragen.csv").get_data(as_text=True)
    assert "1 gewijzigd" in text_of(check)
    edited = fresh(m.DeploymentRequest, int(rows[2][ids]))
    people = edited.headcount
    saved_by_a_colleague(edited, headcount=people + 1, notes="Graag een persoon extra.")

    again = confirm(planner, "requests", check)

    page = again.get_data(as_text=True)
    assert again.status_code == 409 and CHANGED_SINCE in text_of(page)
    kept = fresh(m.DeploymentRequest, edited.id)
    assert (kept.headcount, kept.notes) == (people + 1, "Graag een persoon extra.")
    assert "2 gewijzigd" in text_of(page)
    edited_row = text_of(row_html(page, 3))
    assert f"was: {people + 1}" in edited_row and "was: Graag een persoon extra." in edited_row

    done = confirm(planner, "requests", page)

    assert "Het bestand is geïmporteerd" in text_of(done.get_data(as_text=True))
    assert fresh(m.DeploymentRequest, edited.id).headcount == people  # as the check showed, and chosen


def test_importeren_without_a_change_since_the_check_imports_as_before(planner, employees_file):
    rows, header = employees_file
    ids = header.index("id")
    check = upload(planner, "employees", csv_of(rows), "medewerkers.csv").get_data(as_text=True)

    done = confirm(planner, "employees", check)

    page = done.get_data(as_text=True)
    assert CHANGED_SINCE not in text_of(page)
    assert "Het bestand is geïmporteerd: 0 nieuw, 1 gewijzigd" in text_of(page)
    assert fresh(m.Employee, int(rows[1][ids])).phone == "06-11112222"


def test_a_change_to_a_record_the_file_does_not_hold_does_not_stop_the_import(planner, employees_file):
    rows, header = employees_file
    ids = header.index("id")
    check = upload(planner, "employees", csv_of(rows[:2]), "een-persoon.csv").get_data(as_text=True)
    someone_else = fresh(m.Employee, int(rows[2][ids]))
    theirs = someone_else.contract_minutes - 60
    saved_by_a_colleague(someone_else, contract_minutes=theirs)

    done = confirm(planner, "employees", check)

    assert "Het bestand is geïmporteerd: 0 nieuw, 1 gewijzigd, 0 ongewijzigd" in text_of(done.get_data(as_text=True))
    assert fresh(m.Employee, someone_else.id).contract_minutes == theirs


def test_a_person_added_since_the_check_under_a_new_rows_name_is_not_changed_unseen(planner, make):
    team = next(t for t in db.session.scalars(select(m.Team).order_by(m.Team.id))
                if len([e for e in t.employees if not e.archived]) < t.max_size - 1)
    work_type = db.session.scalar(select(m.WorkType).order_by(m.WorkType.id))
    body = ("voornaam;achternaam;team;contracturen_per_week;max_uren_per_dag;werksoorten;ma;contract_start\n"
            f"Zeno;Zwart;{team.name};20;6;{work_type.code};09:00-13:00;2026-12-07\n").encode()
    check = upload(planner, "employees", body, "nieuw.csv").get_data(as_text=True)
    assert "1 nieuw" in text_of(check)
    made = make.employee(team, first_name="Zeno", last_name="Zwart", work_types=[work_type])
    db.session.commit()
    theirs = made.contract_minutes
    assert theirs != 20 * 60  # the file's hours would change them

    again = confirm(planner, "employees", check)

    page = again.get_data(as_text=True)
    assert again.status_code == 409 and CHANGED_SINCE in text_of(page)
    assert "0 nieuw, 1 gewijzigd" in text_of(page)  # the row now changes the person just added
    assert fresh(m.Employee, made.id).contract_minutes == theirs


def test_a_second_click_while_the_first_finds_a_change_shows_the_check_again_too(planner, employees_file,
                                                                                  upload_folder):
    import threading

    from binnenwerk.dataio import routes

    rows, header = employees_file
    check = upload(planner, "employees", csv_of(rows), "medewerkers.csv").get_data(as_text=True)
    kept = upload_folder / f"{token_of(check)}.csv"
    # The first click is importing; it finds the data changed since the check and puts the file back.
    busy = routes._claim(kept)
    threading.Timer(0.3, lambda: busy.rename(kept)).start()

    second = confirm(planner, "employees", check)

    page = second.get_data(as_text=True)
    assert second.status_code == 409 and CHANGED_SINCE in text_of(page)
    assert "verlopen" not in page and token_of(page) == token_of(check)
    assert fresh(m.Employee, int(rows[1][header.index("id")])).phone != "06-11112222"
