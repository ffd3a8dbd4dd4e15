"""The `flask plan` commands: export, solve, import (good and bad) and publish."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from binnenwerk.extensions import db
from binnenwerk.models import Assignment, PublishedShift, Roster

from .test_rosters_flow import WEEK, fast_solver, world  # noqa: F401  (fixtures)

# Written when 2026-W50 was to come: the app's clock stays before its Monday's work.
pytestmark = pytest.mark.usefixtures("before_work_on_7_december")


def test_export_writes_the_problem_and_the_current_roster(runner, world, tmp_path):  # noqa: F811
    out, sol = tmp_path / "p.json", tmp_path / "s.json"
    result = runner.invoke(args=["plan", "export", "--week", WEEK, "--out", str(out), "--solution", str(sol)])
    assert result.exit_code == 0, result.output
    problem = json.loads(out.read_text())
    assert problem["format"] == "binnenwerk-roster/1" and problem["week"] == WEEK
    assert {e["id"] for e in problem["employees"]} == {f"e-{p.id}" for p in world.people}
    assert problem["requests"][0]["id"] == f"r-{world.req.id}"
    assert json.loads(sol.read_text())["assignments"] == []


def test_export_files_are_readable_by_their_owner_only(runner, world, tmp_path):  # noqa: F811
    """A Problem holds names and each person's limit of hours a day (maybe a doctor's)."""
    out, sol = tmp_path / "p.json", tmp_path / "s.json"
    out.write_text("{}")
    out.chmod(0o644)  # there before, readable by all: written over, and closed up
    result = runner.invoke(args=["plan", "export", "--week", WEEK, "--out", str(out), "--solution", str(sol)])
    assert result.exit_code == 0, result.output
    assert out.stat().st_mode & 0o777 == 0o600 and sol.stat().st_mode & 0o777 == 0o600
    assert json.loads(out.read_text())["week"] == WEEK


def test_solve_stores_a_draft_and_publish_publishes_it(runner, world):  # noqa: F811
    result = runner.invoke(args=["plan", "solve", "--week", WEEK, "--time-limit", "2"])
    assert result.exit_code == 0, result.output
    assert "gepland" in result.output and "0 aanvraagdagen met te weinig mensen" in result.output
    roster = db.session.scalar(select(Roster).where(Roster.team_id == world.team.id))
    assert roster.status == "draft" and len(roster.assignments) == 6
    result = runner.invoke(args=["plan", "publish", "--week", WEEK])
    assert result.exit_code == 0, result.output
    assert len(db.session.scalars(select(PublishedShift)).all()) == 6
    # Again, unchanged: no empty version (as the pages; it made one a run).
    again = runner.invoke(args=["plan", "publish", "--week", WEEK])
    assert again.exit_code == 0, again.output
    assert "Er was niets te publiceren" in again.output
    db.session.expire_all()
    assert db.session.get(Roster, roster.id).version == 1


def test_publish_of_an_archived_team_says_it_is_archived(runner, world):  # noqa: F811
    """It said "Week ... heeft nog geen rooster om te publiceren" for a team with a roster (a QA finding)."""
    runner.invoke(args=["plan", "solve", "--week", WEEK, "--time-limit", "2"])
    world.team.archived = True
    db.session.commit()
    result = runner.invoke(args=["plan", "publish", "--week", WEEK, "--team", world.team.name])
    assert result.exit_code == 1
    assert f"{world.team.name} is gearchiveerd. Een gearchiveerd team publiceert geen rooster." in result.output
    assert db.session.scalars(select(PublishedShift)).all() == []


def test_import_round_trips_an_exported_roster(runner, world, tmp_path):  # noqa: F811
    runner.invoke(args=["plan", "solve", "--week", WEEK, "--time-limit", "2"])
    sol = tmp_path / "s.json"
    runner.invoke(args=["plan", "export", "--week", WEEK, "--out", str(tmp_path / "p.json"), "--solution", str(sol)])
    before = sorted((a.employee_id, a.date) for a in db.session.scalars(select(Assignment)))
    result = runner.invoke(args=["plan", "import", "--week", WEEK, str(sol)])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert sorted((a.employee_id, a.date) for a in db.session.scalars(select(Assignment))) == before


def test_import_refuses_bad_files_in_dutch_and_changes_nothing(runner, world, tmp_path):  # noqa: F811
    bad = tmp_path / "bad.json"
    bad.write_text("{niet: json")
    result = runner.invoke(args=["plan", "import", "--week", WEEK, str(bad)])
    assert result.exit_code != 0 and "geen geldige JSON" in result.output
    unknown = tmp_path / "unknown.json"
    unknown.write_text(json.dumps({"format": "binnenwerk-roster-solution/1", "status": "FEASIBLE",
                                   "assignments": [{"employee": "e-999999", "date": "2026-12-07",
                                                    "request": f"r-{world.req.id}"}]}))
    result = runner.invoke(args=["plan", "import", "--week", WEEK, str(unknown)])
    assert result.exit_code != 0 and "onbekende medewerker" in result.output
    # Three people on a request for two, without supervision: refused with the rules.
    rows = [{"employee": f"e-{p.id}", "date": "2026-12-07", "request": f"r-{world.req.id}"} for p in world.people]
    breaking = tmp_path / "breaking.json"
    breaking.write_text(json.dumps({"format": "binnenwerk-roster-solution/1", "status": "FEASIBLE",
                                    "assignments": rows}))
    result = runner.invoke(args=["plan", "import", "--week", WEEK, str(breaking)])
    assert result.exit_code != 0 and "breekt de regels" in result.output
    assert "meer dan de gevraagde 2" in result.output and "Geen teamleider" in result.output
    assert "e-" not in result.output.split("regels")[1]  # names, not ids
    assert db.session.scalar(select(Assignment)) is None
    result = runner.invoke(args=["plan", "solve", "--week", "2026-W77"])
    assert result.exit_code != 0 and "bestaat niet" in result.output
