"""`flask import KIND FILE` refuses a device or pipe instead of reading it without end, and
`flask plan import` names a file that is no UTF-8 text as such and opens a file whose name begins
with '[' or '{' (QA round 18)."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from scheduling.io import _show
from sqlalchemy import select

from binnenwerk.extensions import db
from binnenwerk.models import Assignment

from .test_rosters_flow import WEEK, fast_solver, world  # noqa: F401  (fixtures)

pytestmark = pytest.mark.usefixtures("before_work_on_7_december")


# --- flask import: only a regular file, read no further than the limit ------------------------


@pytest.fixture
def whole_reads_fail(monkeypatch):
    """Reading a file whole fails the test at once: on /dev/zero it would fill the memory."""
    def whole(self):
        raise AssertionError(f"{self} read whole")

    monkeypatch.setattr(Path, "read_bytes", whole)


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/null"])
def test_import_refuses_a_device_instead_of_reading_it(runner, whole_reads_fail, device):
    if not os.path.exists(device):
        pytest.skip(f"no {device} here")
    result = runner.invoke(args=["import", "employees", device, "--dry-run"])
    assert result.exit_code == 1, result.output
    assert f"{device} is geen gewoon bestand. Importeer een .xlsx- of .csv-bestand." in result.output
    assert "Traceback" not in result.output and not isinstance(result.exception, AssertionError)


def test_import_refuses_a_file_over_the_limit_without_reading_it_whole(app, runner, tmp_path, whole_reads_fail):
    app.config["MAX_CONTENT_LENGTH"] = 100
    big = tmp_path / "groot.csv"
    big.write_text("voornaam;achternaam\n" + "Jan;Smit\n" * 20)
    result = runner.invoke(args=["import", "employees", str(big), "--dry-run"])
    assert result.exit_code == 1
    assert "Het bestand is groter dan 10 MB. Splits het in kleinere bestanden." in result.output


def test_import_still_reads_a_regular_file(runner, tmp_path):
    empty = tmp_path / "leeg.csv"
    empty.write_text("")
    result = runner.invoke(args=["import", "employees", str(empty), "--dry-run"])
    assert "geen gewoon bestand" not in result.output and "groter dan" not in result.output
    assert "Niets geïmporteerd" in result.output  # read, and refused for what it holds


# --- flask plan import ---------------------------------------------------------------------


def test_plan_import_of_a_file_that_is_no_utf8_text_says_so(runner, world, tmp_path):  # noqa: F811
    latin = tmp_path / "rooster.json"
    latin.write_bytes('{"status": "FEASIBLE", "opmerking": "één café"}'.encode("latin-1"))
    result = runner.invoke(args=["plan", "import", "--week", WEEK, str(latin)])
    assert result.exit_code == 1
    # The name as messages show values: shortened past 80 characters (a deep tmp_path in CI).
    assert f"- invoer: bestand {_show(str(latin))} is geen UTF-8-tekst" in result.output
    assert "UnicodeDecodeError" not in result.output and "Traceback" not in result.output


def test_plan_import_opens_a_file_whose_name_begins_with_a_bracket(runner, world, tmp_path,  # noqa: F811
                                                                   monkeypatch):
    runner.invoke(args=["plan", "solve", "--week", WEEK, "--time-limit", "2"])
    exported = tmp_path / "s.json"
    runner.invoke(args=["plan", "export", "--week", WEEK, "--out", str(tmp_path / "p.json"),
                        "--solution", str(exported)])
    assert json.loads(exported.read_text())["assignments"]
    exported.rename(tmp_path / "[w50].json")
    before = sorted((a.employee_id, a.date) for a in db.session.scalars(select(Assignment)))
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(args=["plan", "import", "--week", WEEK, "[w50].json"])
    assert result.exit_code == 0, result.output
    assert "opgeslagen als concept" in result.output and "geen geldige JSON" not in result.output
    db.session.expire_all()
    assert sorted((a.employee_id, a.date) for a in db.session.scalars(select(Assignment))) == before
