"""A repair from a day plans that day and the days after it, not the days before: a short day
before it was planned when the week was planned, and a request accepted between the two still
says "geaccepteerd nadat dit rooster werd gemaakt" there (and only there)."""
from __future__ import annotations

import datetime as dt

import pytest

from binnenwerk.extensions import db
from binnenwerk.models import RequestStatus
from binnenwerk.services import feeds

from .test_roster_scale_qa import accept, panel
from .test_rosters_flow import fast_solver, repair_via_page, solve_via_page  # noqa: F401  (autouse fixture)

WEEK = "2026-W50"
DAYS = [dt.date(2026, 12, 7) + dt.timedelta(days=n) for n in range(5)]
MON, TUE, WED, THU, FRI = DAYS
NAMES = ("maandag 7 december", "dinsdag 8 december", "woensdag 9 december", "donderdag 10 december",
         "vrijdag 11 december")
ACCEPTED = "Deze aanvraag is geaccepteerd nadat dit rooster werd gemaakt: plan opnieuw."


@pytest.fixture
def amersfoort(make, monkeypatch):
    """Team Amersfoort (Anna, Bram) planned on the Saturday before for a request for one person."""
    monkeypatch.setattr(feeds, "local_today", lambda: dt.date(2026, 12, 5))
    wt = make.work_type("cars", name_nl="Autowassen")
    place = make.location("Amersfoort", name="Stationsplein 1")
    team = make.team("Amersfoort", name="Team Amersfoort")
    make.supervisor(team, work_types=[wt])
    for name in ("Anna", "Bram"):
        make.employee(team, work_types=[wt], first_name=name, last_name="Test")
    make.request(place, wt, headcount=1, start_date=MON, end_date=FRI)
    planner = make.user("planner")
    db.session.commit()
    return type("Amersfoort", (), dict(wt=wt, team=team, planner=planner))


def late_rows(client, team) -> dict[str, str]:
    """The short days of the Eemplein's request, by the day's name."""
    page = panel(client.get(f"/rooster/?week={WEEK}&team={team.id}").get_data(as_text=True))
    rows = [row for row in page.split("<li><strong>")[1:] if "Eemplein 2" in row]
    return {name: row for name in NAMES for row in rows if name in row}


def test_a_repair_from_wednesday_leaves_monday_and_tuesday_planned_before_the_acceptance(
        client, login, make, amersfoort):
    login(amersfoort.planner)
    assert solve_via_page(client, amersfoort.team).status == "finished"
    # Asks more people than the team has: short every day, whether planned again or not.
    late = make.request(make.location("Amersfoort", name="Eemplein 2"), amersfoort.wt, headcount=3,
                        start_date=MON, end_date=FRI, status=RequestStatus.SUBMITTED.value)
    db.session.commit()
    accept(client, late)
    before = late_rows(client, amersfoort.team)
    assert list(before) == list(NAMES) and all(ACCEPTED in row for row in before.values())

    assert repair_via_page(client, amersfoort.team, WED, week=WEEK).status == "finished"

    after = late_rows(client, amersfoort.team)
    assert list(after) == list(NAMES)
    # Monday and Tuesday are as the first plan made them, without this request.
    assert [ACCEPTED in after[name] for name in NAMES] == [True, True, False, False, False]
    # Wednesday on, planned with it: the optimiser's reasons instead.
    assert all(after[name].count("<li>") > 0 for name in NAMES[2:])

    # Planning the whole week again plans Monday and Tuesday with it too.
    assert solve_via_page(client, amersfoort.team).status == "finished"
    assert not any(ACCEPTED in row for row in late_rows(client, amersfoort.team).values())
