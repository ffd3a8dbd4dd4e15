"""What a ministry sees of the plan: teams, team leaders and numbers, never employees."""
from __future__ import annotations

import csv
import datetime as dt
import io

import pytest

from binnenwerk.models import RequestStatus

from .test_requests_workflow import world  # noqa: F401  (fixture)

S = RequestStatus
WEEK = "2027-W10"
MONDAY = dt.date.fromisocalendar(2027, 10, 1)


@pytest.fixture
def planned(world, make):
    team = make.team(region="Noord", name="Team Noorderlicht")
    leader = make.supervisor(team=team, name="Sanne Leider", phone="06-11112222")
    stand_in = make.supervisor(region="Noord", name="Piet Invaller", phone="06-33334444")
    people = [make.employee(team=team, first_name=f"Zacharias{n}", last_name="Uniekenaam", phone="06-99990000",
                            email=f"zach{n}@example.org")
              for n in range(4)]
    req = make.request(location=world.location, work_type=world.work_type, status=S.ACCEPTED.value,
                       start_date=MONDAY, end_date=MONDAY + dt.timedelta(days=2), weekdays="123", headcount=3)
    declined = make.request(location=world.location, work_type=world.work_type, status=S.DECLINED.value,
                            start_date=MONDAY, end_date=MONDAY, weekdays="1", headcount=3)

    def shift(person, day, supervisor=None, cancelled=False, request=req):
        make.published_shift(employee=person, date=day, location=world.location, work_type=world.work_type,
                             supervisor=supervisor, request_id=request.id, cancelled=cancelled)

    shift(people[0], MONDAY, leader)  # Monday: 2 of 3
    shift(people[1], MONDAY, leader)
    shift(people[2], MONDAY, cancelled=True)  # taken away again: does not count
    for person in people[:3]:  # Tuesday: 3 of 3, led by the stand-in
        shift(person, MONDAY + dt.timedelta(days=1), stand_in)
    shift(people[3], MONDAY, request=declined)  # Wednesday: nothing published
    return req


def test_ministry_sees_teams_leaders_and_coverage_per_day(client, login, world, planned):
    login(world.contact)
    page = client.get(f"/aanvragen/planning?week={WEEK}").get_data(as_text=True)
    assert "Eigen Gebouw" in page and "Team Noorderlicht (2 mensen)" in page and "Team Noorderlicht (3 mensen)" in page
    assert "Sanne Leider" in page and "06-11112222" in page
    assert "Piet Invaller" in page and "06-33334444" in page
    assert "Deels: 2 van 3" in page
    assert "✓ Ja" in page
    assert "✗ Nog niet ingepland" in page
    assert "1 van de 3 dagen zijn helemaal gedekt." in page


def test_the_plan_shows_no_employee_data(client, login, world, planned):
    login(world.contact)
    page = client.get(f"/aanvragen/planning?week={WEEK}").get_data(as_text=True)
    export = client.get(f"/aanvragen/planning.csv?week={WEEK}").get_data(as_text=True)
    for text in (page, export):
        assert "Zacharias" not in text and "Uniekenaam" not in text
        assert "06-99990000" not in text and "zach0@example.org" not in text


def test_plan_export_has_the_same_numbers(client, login, world, planned):
    login(world.contact)
    response = client.get(f"/aanvragen/planning.csv?week={WEEK}&aanvraag={planned.id}")
    assert response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))
    by_day = {r["Datum"]: r for r in rows}
    assert set(by_day) == {"2027-03-08", "2027-03-09", "2027-03-10"}
    assert (by_day["2027-03-08"]["Gevraagd"], by_day["2027-03-08"]["Ingepland"]) == ("3", "2")
    assert by_day["2027-03-08"]["Teamleider"] == "Sanne Leider"
    assert (by_day["2027-03-09"]["Ingepland"], by_day["2027-03-09"]["Teamleider"]) == ("3", "Piet Invaller")
    assert (by_day["2027-03-10"]["Ingepland"], by_day["2027-03-10"]["Team"]) == ("0", "")


def test_a_shift_without_supervisor_shows_the_teams_own_leader(client, login, world, make):
    team = make.team(name="Team Zonder Begeleider")
    make.supervisor(team=team, name="Eigen Teamleider", phone="06-55556666")
    req = make.request(location=world.location, work_type=world.work_type, start_date=MONDAY, end_date=MONDAY,
                       weekdays="1", headcount=1)
    make.published_shift(employee=make.employee(team=team), date=MONDAY, location=world.location,
                         work_type=world.work_type, request_id=req.id)
    login(world.contact)
    page = client.get(f"/aanvragen/planning?week={WEEK}").get_data(as_text=True)
    assert "Eigen Teamleider" in page and "06-55556666" in page


def test_plan_filtered_to_one_request(client, login, world, planned, make):
    other = make.location(ministry=world.ministry, name="Tweede Gebouw")
    make.request(location=other, work_type=world.work_type, start_date=MONDAY, end_date=MONDAY, weekdays="1")
    login(world.contact)
    everything = client.get(f"/aanvragen/planning?week={WEEK}").get_data(as_text=True)
    assert "Tweede Gebouw" in everything
    one = client.get(f"/aanvragen/planning?week={WEEK}&aanvraag={planned.id}").get_data(as_text=True)
    assert "Eigen Gebouw" in one and "Tweede Gebouw" not in one
