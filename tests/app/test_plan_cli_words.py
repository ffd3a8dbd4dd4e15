"""The wording of the `flask plan ...` commands' refusals."""
from __future__ import annotations

import pytest


@pytest.mark.parametrize("typed", ["Team Nergens", "team Nergens", "Nergens"])
def test_an_unknown_team_is_named_with_the_word_team_once(runner, tmp_path, typed):
    result = runner.invoke(args=["plan", "export", "--week", "2026-W50", "--out", str(tmp_path / "p.json"),
                                 "--team", typed])
    assert result.exit_code != 0
    assert "Team Nergens bestaat niet." in result.output, result.output
    assert "Team Team" not in result.output and "Team team" not in result.output


@pytest.mark.parametrize("typed", ["team den haag 1", "Team Den Haag 1 ", "TEAM  DEN HAAG 1"])
def test_a_team_typed_apart_from_case_and_spacing_is_found(runner, tmp_path, make, typed):
    import json

    from binnenwerk.extensions import db

    team = make.team(name="Team Den Haag 1")
    make.employee(team)
    db.session.commit()
    out = tmp_path / "p.json"
    result = runner.invoke(args=["plan", "export", "--week", "2026-W50", "--out", str(out), "--team", typed])
    assert result.exit_code == 0, result.output
    assert [t["name"] for t in json.loads(out.read_text())["teams"]] == ["Team Den Haag 1"]
