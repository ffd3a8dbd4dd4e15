"""Capacity per region: requested person-hours by status against available contract hours."""
from __future__ import annotations

import datetime as dt
import html

import pytest

from binnenwerk.extensions import db
from binnenwerk.models import Absence, RequestStatus
from binnenwerk.services.reports import CapacityCell, capacity
from tests.app.test_english_qa import signed_in
from tests.app.test_reports_jobs import csv_rows

S = RequestStatus
WEEK = "2027-W10"
MONDAY = dt.date.fromisocalendar(2027, 10, 1)


@pytest.fixture
def noord(make):
    team = make.team(region="Noord", name="Team Noord")
    # 20 h over Mon-Thu = 300 min a day; 25.5 h over Mon-Fri = 306 min a day.
    wt = make.work_type(name_nl="Toetsenborden reinigen", name_en="Keyboard cleaning")
    e1 = make.employee(team=team, contract_minutes=1200, weekdays=(1, 2, 3, 4), work_types=[wt])
    e2 = make.employee(team=team, contract_minutes=1530, work_types=[wt])
    make.employee(team=team, contract_minutes=1530, archived=True, work_types=[wt])
    make.employee(team=make.team(region="Noord", archived=True), contract_minutes=1530, work_types=[wt])
    db.session.add_all([
        Absence(employee=e1, kind="ziek", start_date=MONDAY + dt.timedelta(days=1), end_date=MONDAY + dt.timedelta(days=1)),
        Absence(employee=e2, kind="afspraak", start_date=MONDAY + dt.timedelta(days=2),
                end_date=MONDAY + dt.timedelta(days=2), start_minute=13 * 60, end_minute=15 * 60),
    ])
    location = make.location(region="Noord", name="Noorderhuis")
    # accepted: 2 people, Mon + Wed, 5.5 h worked -> 1320 min
    make.request(location=location, work_type=wt, status=S.ACCEPTED.value, start_date=MONDAY,
                 end_date=MONDAY + dt.timedelta(days=6), weekdays="13", headcount=2,
                 start_minute=540, end_minute=900, break_minutes=30)
    # submitted: 1 person, Fri, 4 h -> 240 min
    make.request(location=location, work_type=wt, status=S.SUBMITTED.value, start_date=MONDAY,
                 end_date=MONDAY + dt.timedelta(days=6), weekdays="5", headcount=1,
                 start_minute=540, end_minute=780, break_minutes=0)
    # scheduled: 1 person, Tue, 4 h -> 240 min
    make.request(location=location, work_type=wt, status=S.SCHEDULED.value, start_date=MONDAY,
                 end_date=MONDAY + dt.timedelta(days=6), weekdays="2", headcount=1,
                 start_minute=540, end_minute=780, break_minutes=0)
    # next week a big new request: 15 people, Mon-Fri, 7.5 h -> 33750 min
    make.request(location=location, work_type=wt, status=S.SUBMITTED.value, start_date=MONDAY + dt.timedelta(weeks=1),
                 end_date=MONDAY + dt.timedelta(weeks=1, days=6), weekdays="12345", headcount=15,
                 start_minute=480, end_minute=960, break_minutes=30)
    # declined and cancelled requests ask for nothing
    for status in (S.DECLINED.value, S.CANCELLED.value):
        make.request(location=location, work_type=wt, status=status, start_date=MONDAY,
                     end_date=MONDAY + dt.timedelta(days=6), headcount=15)
    return team


def test_capacity_sums_demand_by_status_and_available_hours(app, noord):
    rows = capacity(MONDAY, 8)
    assert [r.region for r in rows] == ["Noord"]
    first, second, third = rows[0].cells[:3]
    assert first.week == WEEK and len(rows[0].cells) == 8
    assert (first.accepted, first.scheduled, first.submitted) == (1320, 240, 240)
    # 1200 - 300 (sick Tuesday) + 1530 - 120 (two-hour appointment)
    assert first.available == pytest.approx(2310)
    assert first.ratio == pytest.approx(1800 / 2310) and first.level == "ok"
    assert second.submitted == 33750 and second.available == pytest.approx(2730) and second.level == "short"
    assert third.demand == 0 and third.level == "ok"


@pytest.mark.parametrize("demand,available,level", [
    (0, 0, "ok"), (85, 100, "ok"), (86, 100, "tight"), (100, 100, "tight"), (101, 100, "short"), (1, 0, "short"),
])
def test_levels(demand, available, level):
    assert CapacityCell(week=WEEK, accepted=demand, available=available).level == level


def test_capacity_page_uses_text_and_icons_not_only_colour(client, login, make, noord):
    login(make.user(role="planner"))
    page = client.get(f"/rapportages/capaciteit?week={WEEK}").get_data(as_text=True)
    assert "Noord" in page and "<caption" in page and 'scope="row"' in page
    assert "✓ Ruim" in page and "✗ Tekort" in page and "Uitleg" in page
    assert "38,5" in page  # 2310 minutes available in the first week
    assert "562,5" in page  # the big submitted request in the second week
    assert "<dt>Ingepland</dt>" not in page


def test_demand_rows_name_the_status_of_requests_not_planned_shifts(client, login, make, noord):
    """'Vraag, status ingepland 0 u' read as 'nothing planned' next to a full roster."""
    login(make.user(role="planner"))
    page = client.get(f"/rapportages/capaciteit?week={WEEK}").get_data(as_text=True)
    for status in ("geaccepteerd", "ingepland", "ingediend"):
        assert f"<dt>Aanvragen met status {status}</dt>" in page
    assert "Vraag, status ingepland" not in page and "Vraag, geaccepteerd" not in page
    assert "Die status zegt niet hoeveel diensten al in een rooster staan." in page
    assert '<th scope="row">Noord</th>' in page and '<th scope="col">Week ' in page


def test_admin_may_read_the_capacity_page(client, login, make):
    login(make.user(role="admin"))
    assert client.get("/rapportages/capaciteit").status_code == 200


def test_a_bad_week_says_so_and_shows_this_week(client, login, make):
    login(make.user(role="planner"))
    for week in ["2027-W60", "morgen", "99999-W01", "x" * 500]:
        page = client.get("/rapportages/capaciteit", query_string={"week": week})
        assert page.status_code == 200, week
        assert "is geen week die we kennen." in page.get_data(as_text=True), week


def test_team_leaders_cannot_see_reports(client, login, make):
    login(make.user(role="team_leader"))
    assert client.get("/rapportages/capaciteit").status_code == 403
    assert client.get("/rapportages/banenafspraak").status_code == 403


def test_intake_warns_where_a_new_request_outruns_the_region(client, login, make):
    today = dt.date.today()
    monday = today - dt.timedelta(days=today.weekday()) + dt.timedelta(weeks=2)
    wt = make.work_type()
    team = make.team(region="Oost")
    for _ in range(3):
        make.employee(team=team, contract_minutes=1800, work_types=[wt])
    small = make.request(location=make.location(region="Oost", name="Klein Verzoek"), work_type=wt,
                         status=S.SUBMITTED.value, start_date=monday, end_date=monday, weekdays="1", headcount=1)
    big = make.request(location=make.location(region="West", name="Groot Verzoek"), work_type=wt,
                       status=S.SUBMITTED.value, start_date=monday, end_date=monday + dt.timedelta(days=4), headcount=10)
    far = make.request(location=make.location(region="Oost", name="Ver Verzoek"), work_type=wt,
                       status=S.SUBMITTED.value, start_date=monday + dt.timedelta(weeks=20),
                       end_date=monday + dt.timedelta(weeks=21))
    login(make.user(role="planner"))
    page = client.get("/aanvragen/intake").get_data(as_text=True)

    def row(name):
        return page.split(name, 1)[1].split("</tr>", 1)[0]

    assert "✓ Ruim" in row("Klein Verzoek")
    assert "✗ Tekort" in row("Groot Verzoek") and f"week {monday.isocalendar()[1]}" in row("Groot Verzoek")
    assert "Na de komende 8 weken" in row("Ver Verzoek")
    assert small.id and big.id and far.id


def test_public_holidays_count_neither_as_demand_nor_as_available(app, make):
    # Week 18 of 2027: Liberation Day (Wednesday 5 May) and Ascension Day (Thursday 6 May).
    monday = dt.date.fromisocalendar(2027, 18, 1)
    make.employee(team=make.team(region="West"), contract_minutes=1530)
    make.request(location=make.location(region="West"), status=S.ACCEPTED.value, start_date=monday,
                 end_date=monday + dt.timedelta(days=4), weekdays="12345", headcount=1,
                 start_minute=540, end_minute=780, break_minutes=0)
    cell = capacity(monday, 1)[0].cells[0]
    assert cell.accepted == 3 * 240
    assert cell.available == pytest.approx(3 * 306)


def test_the_capacity_report_reads_a_week_as_people_type_it(client, make, login, monkeypatch):
    from binnenwerk.services import feeds

    monkeypatch.setattr(feeds, "local_today", lambda: dt.date(2026, 12, 9))
    login(make.user("planner"))
    for typed in ("53", "week 53 2026", "2026-W53"):
        page = client.get("/rapportages/capaciteit", query_string={"week": typed})
        assert page.status_code == 200, typed
        assert "vanaf maandag 28 december" in page.get_data(as_text=True), typed  # 2026-W53's Monday
    refused = client.get("/rapportages/capaciteit?week=2027-W53")  # as the roster page: say why, show this week
    assert refused.status_code == 200
    assert "De weken van 2027 lopen van 1 tot en met 52. Je ziet nu deze week." in refused.get_data(as_text=True).replace("&#39;", "'")


# --- per kind of work ------------------------------------------------------------------------------


@pytest.fixture
def no_car_washers(make, noord):
    """Noord's two people clean keyboards; in week 10 someone asks for a car wash (4 h, one day)."""
    cars = make.work_type(name_nl="Auto's wassen zonder water", name_en="Waterless car wash")
    place = make.location(region="Noord", name="Garage Noord")
    return make.request(location=place, work_type=cars, status=S.SUBMITTED.value, start_date=MONDAY,
                        end_date=MONDAY, weekdays="1", headcount=1, start_minute=540, end_minute=780,
                        break_minutes=0)


def test_a_kind_of_work_nobody_can_do_is_short_whatever_the_hours_say(app, no_car_washers):
    first = capacity(MONDAY, 8)[0].cells[0]
    assert first.ratio == pytest.approx(2040 / 2310) and first.hours_level == "tight"
    assert [w.name_nl for w in first.short_work] == ["Auto's wassen zonder water"]
    assert first.short_work[0].demand == 240 and first.short_work[0].available == 0
    assert first.level == "short"
    # Keyboards: 1,800 minutes asked of the 2,310 its two people have: not short.
    keyboards = [w for w in first.work.values() if w.name_nl == "Toetsenborden reinigen"][0]
    assert keyboards.demand == 1800 and keyboards.available == pytest.approx(2310) and not keyboards.short


def test_someone_who_can_do_two_kinds_of_work_counts_for_each(app, make, noord, no_car_washers):
    both = make.employee(team=noord, contract_minutes=300, weekdays=(1,),
                         work_types=[no_car_washers.work_type, *noord.employees[0].work_types])
    first = capacity(MONDAY, 8)[0].cells[0]
    assert first.available == pytest.approx(2610) and first.short_work == []
    assert all(w.available >= 300 for w in first.work.values())
    assert both.id


def test_the_capacity_page_names_the_kind_of_work_that_is_short(client, login, make, no_car_washers):
    login(make.user(role="planner"))
    page = client.get(f"/rapportages/capaciteit?week={WEEK}").get_data(as_text=True)
    first_cell = html.unescape(page.split('<th scope="row">Noord</th>', 1)[1].split("</td>", 1)[0])
    assert "✗ Tekort" in first_cell and "88%" in first_cell
    assert "Te weinig mensen voor:" in first_cell and "Auto's wassen zonder water</span>: 4 u gevraagd, 0 u beschikbaar" in first_cell
    assert "Toetsenborden" not in first_cell
    assert "Iemand die meer werksoorten kan, telt bij elke werksoort mee." in page


def test_the_capacity_page_and_csv_in_english(app_with, make, no_car_washers):
    english = signed_in(app_with, make.user(role="planner", locale="en"))
    page = english.get(f"/rapportages/capaciteit?week={WEEK}").get_data(as_text=True)
    assert "Too few people for:" in page and "Waterless car wash</span>: 4 h requested, 0 h available" in page
    rows = csv_rows(english.get(f"/rapportages/capaciteit.csv?week={WEEK}"), delimiter=",")
    assert rows[0][0] == "Region" and rows[1] == ["Noord", WEEK, "Shortage", "88", "22", "4", "8", "38.5",
                                                  "Waterless car wash"]


def test_intake_says_when_the_request_s_own_work_is_short(client, login, make, noord, no_car_washers):
    today = dt.date.today()
    monday = today - dt.timedelta(days=today.weekday()) + dt.timedelta(weeks=1)
    keyboards = noord.employees[0].work_types[0]
    for work_type, name in ((no_car_washers.work_type, "Wasplaats"), (keyboards, "Kantoortuin")):
        make.request(location=make.location(region="Noord", name=name), work_type=work_type,
                     status=S.SUBMITTED.value, start_date=monday, end_date=monday, weekdays="1", headcount=1)
    login(make.user(role="planner"))
    page = client.get("/aanvragen/intake").get_data(as_text=True)

    def row(name):
        return page.split(name, 1)[1].split("</tr>", 1)[0]

    assert "✗ Tekort" in row("Wasplaats") and "Te weinig mensen in regio Noord kunnen dit werk doen." in row("Wasplaats")
    # The same region and week, keyboards: its own people are enough; the car wash does not count.
    assert "✓ Ruim" in row("Kantoortuin") and "Te weinig mensen" not in row("Kantoortuin")


def test_the_capacity_csv_has_a_row_per_region_and_week(client, login, make, no_car_washers):
    login(make.user(role="planner"))
    response = client.get(f"/rapportages/capaciteit.csv?week={WEEK}")
    assert response.mimetype == "text/csv"
    assert f'filename="capaciteit-{WEEK}.csv"' in response.headers["Content-Disposition"]
    rows = csv_rows(response)
    assert rows[0] == ["Regio", "Week", "Oordeel", "Vraag in procenten van beschikbaar",
                       "Aanvragen met status geaccepteerd (uren)", "Aanvragen met status ingepland (uren)",
                       "Aanvragen met status ingediend (uren)", "Beschikbaar (uren)", "Te weinig mensen voor"]
    assert len(rows) == 1 + 8
    assert rows[1] == ["Noord", WEEK, "Tekort", "88", "22", "4", "8", "38,5", "Auto's wassen zonder water"]
    assert rows[2][:3] == ["Noord", "2027-W11", "Tekort"] and rows[2][6] == "562,5"
    assert rows[2][8] == "Toetsenborden reinigen"  # 15 people a day for a week: its two people cannot
    assert rows[3][2:4] == ["Ruim", "0"]


@pytest.mark.parametrize("role,status", [("team_leader", 403), ("ministry_contact", 403), ("admin", 200)])
def test_only_the_office_downloads_the_capacity_csv(client, login, make, role, status):
    login(make.user(role=role))
    assert client.get("/rapportages/capaciteit.csv?week=morgen").status_code == status
