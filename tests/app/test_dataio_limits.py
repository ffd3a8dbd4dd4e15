"""Import limits: a workbook that unpacks to far too much, and an upload over the size limit."""
from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest
from sqlalchemy import func, select

from binnenwerk import models as m
from binnenwerk.dataio import reading, writing
from binnenwerk.dataio.api import get_kind, import_file
from binnenwerk.extensions import db

from .dataio_uploads import upload, upload_folder  # noqa: F401 (upload_folder: an autouse fixture)

MB = 1024 * 1024
CELL = b'<row r="2"><c r="A2" t="inlineStr"><is><t>'


@pytest.fixture
def planner(make, login):
    make.location("Den Haag", code="dh-rijnstraat")
    user = make.user(role="planner")
    login(user)
    return user


def teams() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count(m.Team.id)))


def teams_workbook(*, name_length: int = 0, padding: tuple[int, ...] = ()) -> bytes:
    """The teams template; its first team's name `name_length` bytes of 'A' when given, and extra
    parts of the given sizes. Written in chunks: the zip stays small however large its parts."""
    source = zipfile.ZipFile(io.BytesIO(writing.template(get_kind("teams"), "xlsx")))
    target_buffer = io.BytesIO()
    with zipfile.ZipFile(target_buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename != "xl/worksheets/sheet1.xml" or not name_length:
                target.writestr(info.filename, content)
                continue
            head, tail = content.split(b'<row r="2">')
            tail = tail.split(b"Team Den Haag 1", 1)[1]
            with target.open(info.filename, "w", force_zip64=True) as part:
                part.write(head + CELL)
                for start in range(0, name_length, MB):
                    part.write(b"A" * min(MB, name_length - start))
                part.write(tail)
        for number, size in enumerate(padding):
            with target.open(f"xl/media/image{number}.png", "w", force_zip64=True) as part:
                for start in range(0, size, MB):
                    part.write(b"\0" * min(MB, size - start))
    return target_buffer.getvalue()


@pytest.fixture
def no_parsing(monkeypatch):
    """A workbook refused for its size must be refused before openpyxl reads any of it."""

    def refuse(*args, **kwargs):
        raise AssertionError("openpyxl was asked to read a workbook that should have been refused")

    monkeypatch.setattr(openpyxl, "load_workbook", refuse)


def test_a_workbook_with_a_part_that_unpacks_past_the_limit_is_refused_unread(planner, client, no_parsing):
    body = teams_workbook(name_length=reading.MAX_PART_SIZE + 1)
    assert len(body) < MB  # what makes it dangerous: a small upload

    response = upload(client, "teams", body, "teams.xlsx")

    assert response.status_code == 422
    assert "Een deel van dit Excel-bestand is uitgepakt groter dan 50 MB" in response.get_data(as_text=True)
    assert teams() == 0


def test_a_workbook_whose_parts_unpack_past_the_limit_together_is_refused_unread(planner, client, no_parsing):
    body = teams_workbook(padding=(40 * MB, 40 * MB, 25 * MB))

    response = upload(client, "teams", body, "teams.xlsx")

    assert response.status_code == 422
    assert "Dit Excel-bestand is uitgepakt groter dan 100 MB" in response.get_data(as_text=True)
    assert teams() == 0


def test_a_cell_longer_than_excel_allows_is_refused_before_it_is_read(planner, client, no_parsing):
    response = upload(client, "teams", teams_workbook(name_length=reading.LONGEST_XML_TEXT + 1), "teams.xlsx")

    assert response.status_code == 422
    assert "Een cel in dit Excel-bestand heeft meer tekst dan Excel in een cel toelaat (32.767 tekens)" in \
        response.get_data(as_text=True)


def test_the_confirm_step_applies_the_same_limits(app):
    """The kept upload is read again on confirm: the same function, the same refusal."""
    outcome = import_file(get_kind("teams"), "teams.xlsx", teams_workbook(name_length=reading.MAX_PART_SIZE + 1),
                          commit=True)

    assert not outcome.committed and "uitgepakt groter dan 50 MB" in str(outcome.file_problems[0])
    assert teams() == 0


def test_a_workbook_within_the_limits_is_read(planner, client):
    # The longest text Excel holds in a cell, and a part of 30 MB (an image, say).
    body = teams_workbook(name_length=32_767, padding=(30 * MB,))

    response = upload(client, "teams", body, "teams.xlsx")

    # Read, and refused only for the name's length like any other long name.
    assert "Rij 2, kolom naam: te lang: hoogstens 100 tekens" in response.get_data(as_text=True)


def test_a_damaged_zip_still_gets_the_unreadable_message(planner, client):
    whole = writing.template(get_kind("teams"), "xlsx")
    damaged = bytearray(whole)
    start = whole.index(b"xl/worksheets/sheet1.xml") + len("xl/worksheets/sheet1.xml")
    damaged[start:start + 40] = b"\xff" * 40  # the sheet's compressed data

    for body in (whole[: len(whole) // 2], bytes(damaged)):
        response = upload(client, "teams", body, "teams.xlsx")

        assert response.status_code == 422
        assert "Dit bestand kunnen we niet lezen als Excel-bestand (.xlsx)" in response.get_data(as_text=True)
