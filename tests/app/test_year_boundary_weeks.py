"""Weeks typed around New Year: the year after the number ('week 53 2026'), in the week box and the CLI."""
from __future__ import annotations

import datetime as dt
import json

import pytest

from binnenwerk.formatting import NoSuchWeek, read_week
from binnenwerk.services import feeds

DECEMBER = dt.date(2026, 12, 9)  # a Wednesday: the box falls back to this week, 2026-W50


@pytest.mark.parametrize("typed, week", [
    ("week 53 2026", "2026-W53"), ("wk 53 2026", "2026-W53"), ("W53 2026", "2026-W53"), ("53-2026", "2026-W53"),
    ("53/2026", "2026-W53"), ("wk 53-2026", "2026-W53"), ("1 2027", "2027-W01"), ("week 1 van 2027", "2027-W01"),
    ("Week 1 of 2027", "2027-W01"), ("week 2 2026", "2026-W02"),
])
def test_a_week_with_the_year_after_it_is_read(typed, week):
    assert read_week(typed, DECEMBER) == week


@pytest.mark.parametrize("typed", ["53 2027", "week 53 van 2027", "2027-W53", "week 10 1999"])
def test_a_week_written_right_that_does_not_exist_is_no_such_week(typed):
    with pytest.raises(NoSuchWeek):
        read_week(typed, DECEMBER)


@pytest.mark.parametrize("typed", ["532026", "53 20266", "week 53 26", "2026 53 2027", "53 van"])
def test_what_is_no_week_stays_refused(typed):
    with pytest.raises(ValueError):
        read_week(typed, DECEMBER)


@pytest.fixture
def december(monkeypatch):
    monkeypatch.setattr(feeds, "local_today", lambda: DECEMBER)


def test_the_week_box_shows_the_week_typed_with_the_year_after_it(client, login, make, december):
    team = make.team("Den Haag", name="Team Jaar")
    login(make.user("team_leader", teams=[team]))
    for typed, week in [("week 53 2026", "2026-W53"), ("53-2026", "2026-W53"), ("week 1 van 2027", "2027-W01")]:
        page = client.get("/rooster/", query_string={"week": typed, "team": team.id}).get_data(as_text=True)
        assert f'value="{week}"' in page and "geen week die we kennen" not in page, typed
        assert f"Rooster week {week}" in page
    wrong = client.get("/rooster/", query_string={"week": "week 53 2027", "team": team.id}).get_data(as_text=True)
    assert "&#39;week 53 2027&#39; is geen week die we kennen. De weken van 2027 lopen van 1 tot en met 52. Je ziet nu deze week." in wrong
    assert 'value="2026-W50"' in wrong


@pytest.mark.parametrize("typed", ["53", "2026-w53", "week 53 2026", "53-2026"])
def test_the_cli_takes_the_week_as_the_web_box_does(runner, make, tmp_path, december, typed):
    out = tmp_path / "p.json"
    result = runner.invoke(args=["plan", "export", "--week", typed, "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "Week 2026-W53:" in result.output
    assert json.loads(out.read_text())["week"] == "2026-W53"


def test_the_cli_says_a_week_does_not_exist_or_how_to_write_it(runner, tmp_path, december):
    for command in (["export", "--out", str(tmp_path / "p.json")], ["solve"], ["publish"],
                    ["import", str(tmp_path / "p.json")]):
        (tmp_path / "p.json").write_text("{}")
        result = runner.invoke(args=["plan", *command, "--week", "2027-W53"])
        assert result.exit_code != 0 and "Week 53 van 2027 bestaat niet: de weken van 2027 lopen van 1 tot en met 52." in result.output, command
    result = runner.invoke(args=["plan", "export", "--week", "volgende", "--out", str(tmp_path / "p.json")])
    assert result.exit_code != 0
    assert "'volgende' lezen we niet als week. Schrijf bijvoorbeeld 2026-W53, 53 of \"week 53 2026\"." in result.output
    assert "bestaat niet" not in result.output
    result = runner.invoke(args=["plan", "solve", "--week", "1999-W10"])
    assert result.exit_code != 0 and "valt buiten de jaren die we plannen (2000 tot en met 2100)" in result.output
