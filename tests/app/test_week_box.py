"""The roster page's week box takes a week as people type it, not only '2026-W50'."""
from __future__ import annotations

import datetime as dt

import pytest

from binnenwerk.formatting import read_week
from binnenwerk.services import feeds

DECEMBER = dt.date(2026, 12, 5)
WEDNESDAY = dt.date(2026, 12, 9)


@pytest.mark.parametrize("typed, week", [
    ("2026-W50", "2026-W50"), ("2026-w50", "2026-W50"), ("2026 50", "2026-W50"), ("2026-50", "2026-W50"),
    ("50", "2026-W50"), ("week 50", "2026-W50"), ("Week 7", "2027-W07"), ("wk 2", "2027-W02"),
    ("w49", "2026-W49"), (" 51 ", "2026-W51"), ("2026-W53", "2026-W53"),
])
def test_typed_weeks_are_read(typed, week):
    assert read_week(typed, DECEMBER) == week


@pytest.mark.parametrize("typed", ["", "week", "0", "54", "2027-W53", "abc", "2026-W5x", "1999-W10", "500"])
def test_what_is_no_week_is_refused(typed):
    with pytest.raises(ValueError):
        read_week(typed, DECEMBER)


def test_the_box_shows_the_typed_week_and_says_so_when_there_is_none(client, login, make, monkeypatch):
    # A weekday: at the weekend the fallback is the coming week, and says so (test_qa_regressions_2).
    monkeypatch.setattr(feeds, "local_today", lambda: WEDNESDAY)
    team = make.team("Den Haag", name="Team Week")
    login(make.user("team_leader", teams=[team]))
    page = client.get(f"/rooster/?week=week+{5}&team={team.id}").get_data(as_text=True)
    assert "pattern=" not in page.split('id="week-field"')[1].split(">")[0]
    assert 'value="2027-W05"' in page  # the nearest week 5
    wrong = client.get(f"/rooster/?week=abc&team={team.id}").get_data(as_text=True)
    assert "&#39;abc&#39; is geen week die we kennen. Je ziet nu deze week." in wrong
    wrong = client.get(f"/rooster/?week=week+60&team={team.id}").get_data(as_text=True)
    assert "&#39;week 60&#39; is geen week die we kennen. De weken van 2026 lopen van 1 tot en met 53. Je ziet nu deze week." in wrong
    wrong = client.get(f"/rooster/?week=week+0&team={team.id}").get_data(as_text=True)
    assert "&#39;week 0&#39; is geen week die we kennen. De weken van 2026 lopen van 1 tot en met 53. Je ziet nu deze week." in wrong


def test_a_refused_week_stays_in_the_box_marked_wrong_with_its_message(client, login, make, monkeypatch):
    """WCAG 3.3.1: the message is tied to the box, which keeps what was typed (not this week)."""
    monkeypatch.setattr(feeds, "local_today", lambda: WEDNESDAY)
    team = make.team("Den Haag", name="Team Week")
    login(make.user("team_leader", teams=[team]))
    page = client.get(f"/rooster/?week=2026-W99&team={team.id}").get_data(as_text=True)
    box = page.split('id="week-field"')[1].split(">")[0]
    assert 'value="2026-W99"' in box and 'aria-invalid="true"' in box
    assert 'aria-describedby="week-hint week-error"' in box
    error = page.split('id="week-error"')[1].split("</span>")[0]
    assert "&#39;2026-W99&#39; is geen week die we kennen." in error
    assert page.count("is geen week die we kennen") == 1  # not again at the top
    assert "Rooster week 2026-W50" in page  # this week is shown
    good = client.get(f"/rooster/?week=2026-W50&team={team.id}").get_data(as_text=True)
    assert 'aria-invalid' not in good.split('id="week-field"')[1].split(">")[0]
