"""A repair after an absence keeps the days the person is well (QA round 17): the week's contract is
lowered for the absent days, so a shift kept on one of those days (before the repair's first day,
or under way) takes nothing from the hours left for the other days. Before, it was counted against
the lowered contract a second time, and someone sick Monday to Wednesday lost Thursday too."""
from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from binnenwerk.extensions import db
from binnenwerk.models import FeedKind, JobStatus, Roster
from binnenwerk.services import feeds, tokens

from .test_rosters_flow import fast_solver, repair_via_page, solve_via_page  # noqa: F401  (autouse fixture)

WEEK = "2026-W50"
MON = dt.date(2026, 12, 7)
TUE, WED, THU, FRI = (MON + dt.timedelta(days=n) for n in range(1, 5))
AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def at(monkeypatch, day: dt.date, hour: int, minute: int) -> None:
    monkeypatch.setattr(feeds, "local_now", lambda: dt.datetime(day.year, day.month, day.day, hour, minute,
                                                                 tzinfo=AMSTERDAM))


@pytest.fixture
def week(make, monkeypatch, client, login):
    """Anouk Smit (Monday to Friday 09:00-15:00, contract 32 hours) planned and published on the
    Saturday before for every weekday at Rijnstraat 8; her team leader is logged in."""
    wt = make.work_type("keyboards")
    team = make.team("Den Haag", name="Team A")
    make.supervisor(team, work_types=[wt])
    anouk = make.employee(team, work_types=[wt], first_name="Anouk", last_name="Smit",
                          window=("09:00", "15:00"), contract_minutes=32 * 60)
    make.request(make.location("Den Haag", name="Rijnstraat 8"), wt, headcount=1, start_date=MON, end_date=FRI)
    leader = make.user("team_leader", teams=[team])
    db.session.commit()
    at(monkeypatch, dt.date(2026, 12, 5), 10, 0)
    login(leader)
    assert solve_via_page(client, team).status == JobStatus.FINISHED.value
    assert days_of(team, anouk) == [MON, TUE, WED, THU, FRI]
    published = client.post("/rooster/publiceren", data={"week": WEEK, "team": team.id,
                                                          "lock_version": roster_of(team).lock_version})
    assert published.status_code == 302
    return type("Week", (), dict(team=team, anouk=anouk))


def roster_of(team) -> Roster:
    db.session.expire_all()
    return db.session.scalar(select(Roster).where(Roster.week == WEEK, Roster.team_id == team.id))


def days_of(team, person) -> list[dt.date]:
    return sorted(a.date for a in roster_of(team).assignments if a.employee_id == person.id)


def sick_monday_to_wednesday(client, person) -> None:
    response = client.post("/teams/afwezigheid/nieuw", data={
        "person": f"medewerker-{person.id}", "kind": "ziek", "start_date": MON.isoformat(),
        "end_date": WED.isoformat(), "whole_day": "y", "start_time": "", "end_time": "", "note": ""})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]


def grid_hours(client, team, person) -> str:
    """The grid's "Uren (contract)" cell of the person's row, as the page shows it."""
    html = client.get(f"/rooster/?week={WEEK}&team={team.id}").get_data(as_text=True)
    row = html[html.index(person.name):]
    cell = re.search(r'<td class="hours[^"]*">(.*?)</td>', row, re.S).group(1)
    return " ".join(re.sub(r"<[^>]+>", " ", cell).split())


def cell_option(client, team, person, day) -> str:
    """The label of the Rijnstraat option in the cell form of the person's day."""
    html = client.get(f"/rooster/cel?week={WEEK}&team={team.id}&employee={person.id}&date={day.isoformat()}"
                      ).get_data(as_text=True)
    [label] = re.findall(r"<option[^>]*>([^<]*Rijnstraat[^<]*)</option>", html)
    return label


@pytest.mark.parametrize("now, repair_from", [
    ((MON, 7, 17), TUE),  # Monday's shift still to come, kept as the day before the repair's first
    ((MON, 9, 8), MON),   # Monday's shift under way, kept as it is
    ((MON, 7, 17), MON),  # Monday's shift still to come, in the repair
], ids=["before-work-from-tuesday", "shift-begun-from-today", "before-work-from-today"])
def test_a_repair_after_sick_monday_to_wednesday_keeps_thursday_and_friday(client, monkeypatch, week, now,
                                                                             repair_from):
    at(monkeypatch, *now)
    sick_monday_to_wednesday(client, week.anouk)

    job = repair_via_page(client, week.team, repair_from)

    assert job.status == JobStatus.FINISHED.value, job.error
    assert THU in days_of(week.team, week.anouk) and FRI in days_of(week.team, week.anouk)
    assert TUE not in days_of(week.team, week.anouk) and WED not in days_of(week.team, week.anouk)


def test_after_a_repair_from_tuesday_the_grid_shows_thursday_and_friday_within_the_lowered_contract(
        client, monkeypatch, week):
    at(monkeypatch, MON, 7, 17)
    sick_monday_to_wednesday(client, week.anouk)
    assert repair_via_page(client, week.team, TUE).status == JobStatus.FINISHED.value

    # Monday's shift to come on a day she is sick brings no hours: Thursday and Friday, of 12.8.
    assert grid_hours(client, week.team, week.anouk) == "11 (12,8)"


def test_after_publishing_the_repair_her_week_page_keeps_thursday_and_friday(client, monkeypatch, week):
    at(monkeypatch, MON, 7, 17)
    sick_monday_to_wednesday(client, week.anouk)
    assert repair_via_page(client, week.team, TUE).status == JobStatus.FINISHED.value
    published = client.post("/rooster/publiceren", data={"week": WEEK, "team": week.team.id,
                                                          "lock_version": roster_of(week.team).lock_version})
    assert published.status_code == 302
    token = tokens.issue(FeedKind.EMPLOYEE, week.anouk)
    db.session.commit()

    text = " ".join(re.sub(r"<[^>]+>", " ", client.get(f"/week/{token}").get_data(as_text=True)).split())
    thursday = text[text.index("Donderdag 10 december"):text.index("Vrijdag 11 december")]
    friday = text[text.index("Vrijdag 11 december"):text.index("Volgende week")]
    for day in (thursday, friday):
        assert "Je werk: " in day and "gaat niet door" not in day


def test_a_repair_keeps_a_pinned_day_within_a_contract_an_absence_lowered(client, monkeypatch, week):
    """Unchanged: a pin and a shift under way still stay however far the absence lowers the contract."""
    at(monkeypatch, MON, 9, 8)
    response = client.post("/rooster/cel", data={
        "week": WEEK, "team": week.team.id, "employee": week.anouk.id, "date": FRI.isoformat(),
        "request": str(roster_assignment(week.team, week.anouk, FRI).request_id), "pinned": "y",
        "lock_version": roster_of(week.team).lock_version, "reason": "", "seen_cell": ""})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    client.post("/teams/afwezigheid/nieuw", data={
        "person": f"medewerker-{week.anouk.id}", "kind": "ziek", "start_date": MON.isoformat(),
        "end_date": THU.isoformat(), "whole_day": "y", "start_time": "", "end_time": "", "note": ""})

    job = repair_via_page(client, week.team, MON)

    assert job.status == JobStatus.FINISHED.value, job.error
    assert days_of(week.team, week.anouk) == [MON, FRI]  # under way, and pinned


def roster_assignment(team, person, day):
    return next(a for a in roster_of(team).assignments if a.employee_id == person.id and a.date == day)


# --- with the proposed change to rosters/view.py and services/rosters.py (cell_reasons) ---------


def cell_option(client, team, person, day) -> str:
    """The label of the Rijnstraat option in the cell form of the person's day."""
    html = client.get(f"/rooster/cel?week={WEEK}&team={team.id}&employee={person.id}&date={day.isoformat()}"
                      ).get_data(as_text=True)
    [label] = re.findall(r"<option[^>]*>([^<]*Rijnstraat[^<]*)</option>", html)
    return label


def test_after_a_repair_from_tuesday_the_cell_form_offers_thursday_within_the_contract(client, monkeypatch, week):
    at(monkeypatch, MON, 7, 17)
    sick_monday_to_wednesday(client, week.anouk)
    assert repair_via_page(client, week.team, TUE).status == JobStatus.FINISHED.value

    assert "contract" not in cell_option(client, week.team, week.anouk, THU)


def test_a_shift_under_way_on_a_sick_day_comes_on_top_of_the_lowered_contract_in_grid_and_cell_form(
        client, monkeypatch, week):
    at(monkeypatch, MON, 9, 8)
    sick_monday_to_wednesday(client, week.anouk)
    assert repair_via_page(client, week.team, MON).status == JobStatus.FINISHED.value

    assert days_of(week.team, week.anouk) == [MON, THU, FRI]
    # Monday's 5.5 hours worked, on top of the 12.8 left for Thursday and Friday.
    assert grid_hours(client, week.team, week.anouk) == "16,5 (18,3)"
    assert "contract" not in cell_option(client, week.team, week.anouk, THU)
