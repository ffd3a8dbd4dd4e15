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
