"""The ministry's planning page after the contact lowered the number of people asked: the people
still told to come outnumber the new number until the planner publishes again. That is a change
not planned yet (as a change of times is), not a plain "Ja"; once begun, the day keeps who came."""
from __future__ import annotations

import datetime as dt

import pytest

from binnenwerk.extensions import db
from binnenwerk.services import feeds, rosters

from .test_requests_plan import MONDAY, WEEK, plan_rows, plan_table, published_monday  # noqa: F401 (fixture)
from .test_requests_workflow import world  # noqa: F401  (fixture)


@pytest.mark.usefixtures("before_work_on_7_december")
def test_fewer_people_asked_than_still_come_is_a_change_not_planned_yet(client, login, world, published_monday):
    req = published_monday.request
    req.headcount = 2  # the contact asks 2 instead of 3; the 3 told still come
    login(world.contact)

    page = client.get(f"/aanvragen/planning?week={WEEK}").get_data(as_text=True)
    [day] = plan_table(page)
    assert day[3:] == ["2", "3", "! Wijziging nog niet ingepland: 1 meer dan gevraagd"]
    said = " ".join(page.split())
    assert ("Op 1 dag is uw wijziging nog niet ingepland: daar komen nog meer mensen dan u nu vraagt. "
            "De planner past dit aan.") in said
    [row] = plan_rows(client, req.id)["2027-03-08"]
    assert (row["Gevraagd"], row["Ingepland"], row["Opmerking"]) == (
        "2", "3", "Wijziging nog niet ingepland: 1 meer dan gevraagd")


def test_a_day_begun_with_more_people_than_now_asked_keeps_who_came(client, login, world, published_monday,
                                                                    monkeypatch):
    req = published_monday.request
    monkeypatch.setattr(feeds, "local_today", lambda: MONDAY)
    monkeypatch.setattr(rosters, "minute_now", lambda day: 8 * 60)
    req.headcount = 2  # lowered before the 09:00 shift began: today's change
    db.session.commit()
    monkeypatch.setattr(rosters, "minute_now", lambda day: 10 * 60)  # the 09:00 shift is under way
    login(world.contact)

    page = client.get(f"/aanvragen/planning?week={WEEK}").get_data(as_text=True)
    [day] = plan_table(page)
    assert day[3:] == ["2", "3", "✓ Ja, 1 meer dan gevraagd"]
    assert "nog meer mensen dan u nu vraagt" not in page
    [row] = plan_rows(client, req.id)["2027-03-08"]
    assert row["Opmerking"] == ""


@pytest.mark.usefixtures("before_work_on_7_december")
def test_as_many_as_asked_says_nothing_more(client, login, world, published_monday):
    login(world.contact)
    page = client.get(f"/aanvragen/planning?week={WEEK}").get_data(as_text=True)
    [day] = plan_table(page)
    assert day[3:] == ["3", "3", "✓ Ja"]
    assert "meer dan gevraagd" not in page
