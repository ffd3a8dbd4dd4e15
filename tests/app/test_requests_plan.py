"""What a ministry sees of the plan: teams, team leaders and numbers, never employees."""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
from types import SimpleNamespace

import pytest

from binnenwerk.extensions import db
from binnenwerk.models import Assignment, RequestStatus, Roster
from binnenwerk.services import feeds, rosters

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


@pytest.mark.usefixtures("before_work_on_7_december")
def test_ministry_sees_teams_leaders_and_coverage_per_day(client, login, world, planned):
    login(world.contact)
    page = client.get(f"/aanvragen/planning?week={WEEK}").get_data(as_text=True)
    assert "Eigen Gebouw" in page and "<bdi>Team Noorderlicht</bdi> (2 mensen)" in page
    assert "<bdi>Team Noorderlicht</bdi> (3 mensen)" in page
    assert "Sanne Leider" in page and "06-11112222" in page
    assert "Piet Invaller" in page and "06-33334444" in page
    assert "Deels: 2 van 3" in page
    assert "✓ Ja" in page
    assert "✗ Nog niet ingepland" in page
    assert "1 van de 3 dagen is helemaal gedekt." in page


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
    assert by_day["2027-03-08"]["Mensen van dit team"] == "2"  # who comes, also for an old request
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


# --- a request changed after its shifts were published ------------------------------------------


def plan_rows(client, request_id: int) -> dict[str, list[dict]]:
    response = client.get(f"/aanvragen/planning.csv?week={WEEK}&aanvraag={request_id}")
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))
    by_day: dict[str, list[dict]] = {}
    for row in rows:
        by_day.setdefault(row["Datum"], []).append(row)
    return by_day


@pytest.fixture
def published_monday(world, make):
    """An accepted one-day request, 09:00-15:00 for 3 people, whose team was told exactly that."""
    team = make.team(region="Noord", name="Team Den Haag 1")
    make.supervisor(team=team, name="Sanne Leider")
    req = make.request(location=world.location, work_type=world.work_type, start_date=MONDAY, end_date=MONDAY,
                       weekdays="1", headcount=3, start_minute=9 * 60, end_minute=15 * 60)
    shifts = [make.published_shift(employee=make.employee(team=team), date=MONDAY, location=world.location,
                                   work_type=world.work_type, request_id=req.id, start="09:00", end="15:00")
              for _ in range(3)]
    return SimpleNamespace(request=req, shifts=shifts)


def test_a_published_request_matching_its_shifts_is_covered(client, login, world, published_monday):
    login(world.contact)
    page = client.get(f"/aanvragen/planning?week={WEEK}").get_data(as_text=True)
    assert "<bdi>Team Den Haag 1</bdi> (3 mensen)" in page and "✓ Ja" in page
    assert "Wijziging nog niet ingepland" not in page
    [row] = plan_rows(client, published_monday.request.id)["2027-03-08"]
    assert (row["Ingepland"], row["Opmerking"]) == ("3", "")


@pytest.mark.usefixtures("before_work_on_7_december")
def test_new_times_are_not_shown_as_planned_while_the_team_has_the_old_ones(client, login, world, published_monday):
    req = published_monday.request
    req.start_minute, req.end_minute = 10 * 60, 16 * 60  # the contact changed the times
    login(world.contact)

    page = client.get(f"/aanvragen/planning?week={WEEK}").get_data(as_text=True)
    assert "✓ Ja" not in page
    assert "! Wijziging nog niet ingepland" in page
    assert "nog volgens de oude aanvraag: 09:00–15:00, Eigen Gebouw" in page
    assert "De dag is niet helemaal gedekt." in page
    assert "Op 1 dag is uw wijziging nog niet ingepland" in page
    [row] = plan_rows(client, req.id)["2027-03-08"]
    # The 3 people still come (the old way): they count as planned, the day is not covered.
    assert (row["Begintijd"], row["Eindtijd"], row["Ingepland"], row["Team"]) == ("10:00", "16:00", "3", "Team Den Haag 1")
    assert row["Opmerking"] == "Wijziging nog niet ingepland: dit team komt nog 09:00–15:00, Eigen Gebouw"


def test_a_new_location_is_not_shown_as_planned_while_the_team_goes_to_the_old_one(
        client, login, world, make, published_monday):
    req = published_monday.request
    req.location = make.location(region="Noord", ministry=world.ministry, name="Nieuw Gebouw")
    login(world.contact)

    page = client.get(f"/aanvragen/planning?week={WEEK}").get_data(as_text=True)
    assert "Nieuw Gebouw" in page and "✓ Ja" not in page
    assert "nog volgens de oude aanvraag: 09:00–15:00, Eigen Gebouw" in page
    [row] = plan_rows(client, req.id)["2027-03-08"]
    assert (row["Locatie"], row["Ingepland"]) == ("Nieuw Gebouw", "3")
    assert row["Opmerking"] == "Wijziging nog niet ingepland: dit team komt nog 09:00–15:00, Eigen Gebouw"


def plan_table(page: str) -> list[list[str]]:
    """The cells of each day of the plan's tables as text: date, team, leader, asked, planned, covered."""
    rows = []
    for row in re.findall(r"<tr>\s*<th scope=\"row\">(.*?)</tr>", page, re.S):
        rows.append([" ".join(re.sub(r"<[^>]+>", " ", cell).split())
                     for cell in re.findall(r"^(.*?)</th>|<td>(.*?)</td>", row, re.S) for cell in cell if cell])
    return rows


@pytest.mark.usefixtures("before_work_on_7_december")
def test_people_still_coming_the_old_way_count_as_planned_but_the_day_is_not_covered(
        client, login, world, published_monday):
    """The page and the CSV said "Ingepland 0" while 3 people of the team still come at the old times."""
    req = published_monday.request
    req.start_minute, req.end_minute = 10 * 60, 16 * 60
    published_monday.shifts[0].start_minute, published_monday.shifts[0].end_minute = 10 * 60, 16 * 60
    login(world.contact)

    page = client.get(f"/aanvragen/planning?week={WEEK}").get_data(as_text=True)
    [day] = plan_table(page)
    asked, planned, covered = day[3:]
    assert (asked, planned, covered) == ("3", "3", "! Wijziging nog niet ingepland")
    assert "De dag is niet helemaal gedekt." in page
    rows = plan_rows(client, req.id)["2027-03-08"]
    # The CSV agrees with the page: one line per group of the team, each with the day's numbers.
    assert {(r["Gevraagd"], r["Ingepland"]) for r in rows} == {("3", "3")}
    assert sorted(r["Mensen van dit team"] for r in rows) == ["1", "2"]
    assert [r["Opmerking"] for r in rows if r["Mensen van dit team"] == "2"] == [
        "Wijziging nog niet ingepland: dit team komt nog 09:00–15:00, Eigen Gebouw"]


def test_a_day_gone_by_without_anyone_is_not_planned_and_a_day_to_come_not_yet(
        client, login, world, make, monkeypatch):
    make.request(location=world.location, work_type=world.work_type, start_date=MONDAY,
                 end_date=MONDAY + dt.timedelta(days=2), weekdays="123", headcount=2)
    monkeypatch.setattr(feeds, "local_today", lambda: MONDAY + dt.timedelta(days=1))  # Tuesday
    login(world.contact)

    page = client.get(f"/aanvragen/planning?week={WEEK}").get_data(as_text=True)
    assert [day[5] for day in plan_table(page)] == [
        "✗ Niet ingepland", "✗ Nog niet ingepland", "✗ Nog niet ingepland"]


@pytest.mark.usefixtures("before_work_on_7_december")
def test_a_change_counts_as_planned_once_the_shifts_are_published_again(client, login, world, published_monday):
    req = published_monday.request
    req.start_minute, req.end_minute = 10 * 60, 16 * 60
    for shift in published_monday.shifts[:2]:  # the team leader republished two of the three
        shift.start_minute, shift.end_minute = 10 * 60, 16 * 60
    login(world.contact)
    page = client.get(f"/aanvragen/planning?week={WEEK}").get_data(as_text=True)
    assert "<bdi>Team Den Haag 1</bdi> (2 mensen)" in page and "Wijziging nog niet ingepland" in page

    published_monday.shifts[2].start_minute, published_monday.shifts[2].end_minute = 10 * 60, 16 * 60
    db.session.commit()
    page = client.get(f"/aanvragen/planning?week={WEEK}").get_data(as_text=True)
    assert "<bdi>Team Den Haag 1</bdi> (3 mensen)" in page and "✓ Ja" in page
    assert "Wijziging nog niet ingepland" not in page and "oude aanvraag" not in page


def test_the_export_names_work_types_in_the_readers_language(app_with, make, world, published_monday):
    from tests.conftest import TEST_PASSWORD, compile_english_catalog
    from flask_babel import refresh

    compile_english_catalog()
    refresh()
    db.session.commit()
    client = app_with().test_client()
    client.post("/auth/login", data={"email": world.contact.email, "password": TEST_PASSWORD})
    client.post("/taal/en", data={"next": "/home"})
    response = client.get(f"/aanvragen/planning.csv?week={WEEK}&aanvraag={published_monday.request.id}")
    text = response.get_data(as_text=True).lstrip("\ufeff")
    [row] = list(csv.DictReader(io.StringIO(text), delimiter=","))  # as English Excel splits it
    assert row["Date"] == "2027-03-08"
    assert row["Work type"] == world.work_type.name_en
    assert world.work_type.name_nl not in text


# --- days a request dropped while its shifts still stand ---------------------------------------


def this_year_or(year: int) -> str:
    """' 2027' when the page must name that year (it is not this year on the app's clock), else ''."""
    return "" if feeds.local_today().year == year else f" {year}"


@pytest.fixture
def published_week(world, make):
    """An accepted Monday-to-Wednesday request, 2 people a day, published to the team through a
    real roster publication."""
    team = make.team(region="Noord", name="Team Den Haag 1")
    make.supervisor(team=team, name="Sanne Leider", phone="06-11112222")
    people = [make.employee(team=team, first_name=f"Zacharias{n}", last_name="Uniekenaam", email=f"zach{n}@example.org")
              for n in range(2)]
    req = make.request(location=world.location, work_type=world.work_type, start_date=MONDAY,
                       end_date=MONDAY + dt.timedelta(days=2), weekdays="123", headcount=2)
    roster = Roster(week=WEEK, team=team)
    db.session.add(roster)
    db.session.flush()
    for offset in range(3):
        for person in people:
            db.session.add(Assignment(roster_id=roster.id, employee_id=person.id,
                                      date=MONDAY + dt.timedelta(days=offset), request_id=req.id))
    db.session.commit()
    rosters.publish(roster)

    def republish():
        rosters.publish(db.session.get(Roster, roster.id))

    return SimpleNamespace(request=req, republish=republish)


@pytest.mark.usefixtures("before_work_on_7_december")
def test_a_dropped_weekday_shows_who_still_comes_until_the_week_is_published_again(
        client, login, world, published_week):
    req = published_week.request
    req.weekdays = "12"  # the contact took Wednesday out; the team was told to come
    db.session.commit()
    login(world.contact)
    notice = (f"Op wo 10 mrt{this_year_or(2027)} staan nog 2 mensen van Team Den Haag 1 ingepland "
              "(09:00–15:00, Eigen Gebouw), maar die dag hoort niet meer bij de aanvraag.")

    page = client.get(f"/aanvragen/planning?week={WEEK}").get_data(as_text=True)
    assert notice in page and "De planner past dit aan." in page
    assert "2 van de 2 dagen zijn helemaal gedekt." in page  # Monday and Tuesday: as before
    by_day = plan_rows(client, req.id)
    [wednesday] = by_day["2027-03-10"]
    assert (wednesday["Gevraagd"], wednesday["Ingepland"], wednesday["Team"]) == ("0", "2", "Team Den Haag 1")
    assert wednesday["Teamleider"] == "Sanne Leider"
    assert wednesday["Opmerking"] == notice + " De planner past dit aan."
    assert [r["Ingepland"] for r in by_day["2027-03-08"] + by_day["2027-03-09"]] == ["2", "2"]
    export = client.get(f"/aanvragen/planning.csv?week={WEEK}").get_data(as_text=True)
    for text in (page, export):
        assert "Zacharias" not in text and "Uniekenaam" not in text and "zach0@example.org" not in text

    published_week.republish()  # Wednesday's shifts are called off
    page = client.get(f"/aanvragen/planning?week={WEEK}").get_data(as_text=True)
    assert "hoort niet meer bij de aanvraag" not in page and "De planner past dit aan." not in page
    assert "2027-03-10" not in plan_rows(client, req.id)


@pytest.mark.usefixtures("before_work_on_7_december")
def test_the_spreadsheet_gives_the_times_people_still_come_at_under_a_changed_and_cancelled_request(
        client, login, world, published_week):
    """A cancelled request whose times changed first: the rows gave the new times (10:00) while the
    people still come 09:00-15:00, and said "die dag hoort niet meer bij de aanvraag" (a QA finding)."""
    req = published_week.request
    req.start_minute = 10 * 60
    req.status = "geannuleerd"
    db.session.commit()
    login(world.contact)

    by_day = plan_rows(client, req.id)

    for date in ("2027-03-08", "2027-03-09", "2027-03-10"):
        [row] = by_day[date]
        assert (row["Begintijd"], row["Eindtijd"], row["Locatie"]) == ("09:00", "15:00", "Eigen Gebouw")
        assert (row["Gevraagd"], row["Ingepland"], row["Team"]) == ("0", "2", "Team Den Haag 1")
        assert row["Opmerking"].startswith("Deze aanvraag is geannuleerd. Toch staan er nog mensen ingepland: ")
        assert row["Opmerking"].endswith(": nog 2 mensen van Team Den Haag 1 (09:00–15:00, Eigen Gebouw). "
                                         "De planner past dit aan.")
        assert "hoort niet meer bij de aanvraag" not in row["Opmerking"]


@pytest.mark.usefixtures("before_work_on_7_december")
def test_one_person_left_on_a_dropped_day_is_one_person(client, login, world, published_monday):
    req = published_monday.request
    req.weekdays, req.end_date = "12", MONDAY + dt.timedelta(days=1)
    published_monday.shifts[0].date = MONDAY + dt.timedelta(days=2)  # one of them also has Wednesday
    login(world.contact)
    page = client.get(f"/aanvragen/planning?week={WEEK}").get_data(as_text=True)
    assert f"Op wo 10 mrt{this_year_or(2027)} staat nog 1 persoon van Team Den Haag 1 ingepland" in page


def plan_rows_for(client, week: str, request_id: int) -> list[dict]:
    response = client.get(f"/aanvragen/planning.csv?week={week}&aanvraag={request_id}")
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))


@pytest.mark.usefixtures("before_work_on_7_december")
def test_an_end_date_moved_out_of_the_weeks_still_shows_the_shifts_there(client, login, world, make):
    team = make.team(region="Noord", name="Team Laat")
    later = MONDAY + dt.timedelta(weeks=1)
    req = make.request(location=world.location, work_type=world.work_type, start_date=MONDAY,
                       end_date=later + dt.timedelta(days=4), weekdays="1", headcount=1)
    make.published_shift(employee=make.employee(team=team, first_name="Zacharias", last_name="Uniekenaam"),
                         date=later, location=world.location, work_type=world.work_type, request_id=req.id)
    req.end_date = MONDAY  # the contact ended it a week earlier: nothing asked in week 11 any more
    login(world.contact)

    page = client.get("/aanvragen/planning?week=2027-W11").get_data(as_text=True)
    assert f"Op ma 15 mrt{this_year_or(2027)} staat nog 1 persoon van Team Laat ingepland" in page
    assert "Eigen Gebouw</a>" in page and "Zacharias" not in page
    [row] = plan_rows_for(client, "2027-W11", req.id)
    assert (row["Datum"], row["Gevraagd"], row["Team"]) == ("2027-03-15", "0", "Team Laat")
    assert "staat nog 1 persoon van Team Laat ingepland" in row["Opmerking"]


@pytest.mark.usefixtures("before_work_on_7_december")
def test_shifts_of_a_cancelled_request_are_shown_until_they_are_called_off(
        client, login, world, make, published_monday):
    published_monday.request.status = S.CANCELLED.value
    published_monday.shifts[0].supervisor = make.supervisor(region="Noord", name="Piet Invaller")
    login(world.contact)
    page = client.get(f"/aanvragen/planning?week={WEEK}").get_data(as_text=True)
    # Said once for the whole request, then one short line per day for the team, whoever leads.
    assert page.count("Deze aanvraag is geannuleerd. Toch staan er nog mensen ingepland:") == 1
    assert page.count("nog 3 mensen van Team Den Haag 1 (09:00–15:00, Eigen Gebouw).") == 1
    assert "hoort niet meer bij de aanvraag" not in page
    # The CSV's note stands alone: it keeps the whole sentence.
    [row] = plan_rows_for(client, WEEK, published_monday.request.id)
    assert "nog 3 mensen van Team Den Haag 1 (09:00–15:00, Eigen Gebouw)" in row["Opmerking"]

    for shift in published_monday.shifts:
        shift.cancelled = True
    db.session.commit()
    page = client.get(f"/aanvragen/planning?week={WEEK}").get_data(as_text=True)
    assert "Toch staan er nog mensen" not in page and "Team Den Haag 1" not in page


def test_another_ministrys_dropped_days_are_not_shown(client, login, world, published_monday):
    published_monday.request.weekdays = "2"
    login(world.other_contact)
    page = client.get(f"/aanvragen/planning?week={WEEK}").get_data(as_text=True)
    assert "Team Den Haag 1" not in page and "hoort niet meer bij de aanvraag" not in page


# --- dates name their year when it is not this year --------------------------------------------


def test_weeks_across_new_year_name_the_years(client, login, world, make):
    start = dt.date(2026, 12, 28)  # 2026-W53: four weeks to Sunday 24 January 2027
    make.request(location=world.location, work_type=world.work_type, start_date=start,
                 end_date=dt.date(2027, 1, 8), weekdays="12345")
    login(world.contact)
    page = client.get("/aanvragen/planning?week=2026-W53").get_data(as_text=True)
    assert "Van maandag 28 december 2026 tot en met zondag 24 januari 2027." in page
    for day, text in ((dt.date(2026, 12, 29), "dinsdag 29 december"), (dt.date(2027, 1, 4), "maandag 4 januari")):
        assert f"<th scope=\"row\">{text}{this_year_or(day.year)}</th>" in page


def test_long_dates_name_the_year_by_the_rule_of_date_period(app):
    from flask_babel import force_locale

    from binnenwerk.formatting import full_date, long_date_period

    today = dt.date(2026, 12, 5)
    with app.test_request_context(), force_locale("nl"):
        assert full_date(dt.date(2026, 12, 9), today) == "woensdag 9 december"
        assert full_date(dt.date(2027, 1, 1), today) == "vrijdag 1 januari 2027"
        assert long_date_period(dt.date(2026, 12, 7), dt.date(2027, 1, 3), today) == (
            "maandag 7 december 2026", "zondag 3 januari 2027")
        assert long_date_period(dt.date(2026, 11, 2), dt.date(2026, 11, 29), today) == (
            "maandag 2 november", "zondag 29 november")
        assert long_date_period(dt.date(2027, 3, 8), dt.date(2027, 4, 4), today) == (
            "maandag 8 maart", "zondag 4 april 2027")
        # A stored timestamp is UTC: its date and year are Amsterdam's.
        new_year = dt.date(2027, 1, 1)
        assert full_date(dt.datetime(2026, 12, 31, 23, 30), new_year) == "vrijdag 1 januari"
        assert full_date(dt.datetime(2026, 12, 31, 22, 30), new_year) == "donderdag 31 december 2026"


@pytest.mark.usefixtures("before_work_on_7_december")
def test_the_english_plan_names_dropped_days_and_years_in_english(app_with, make, world, published_week):
    from flask_babel import force_locale, ngettext, refresh

    from tests.conftest import TEST_PASSWORD, compile_english_catalog

    compile_english_catalog()
    refresh()
    published_week.request.weekdays = "12"
    english = make.user(role="ministry_contact", ministry=world.ministry, locale="en")
    db.session.commit()
    app = app_with()
    client = app.test_client()
    client.post("/auth/login", data={"email": english.email, "password": TEST_PASSWORD})

    page = client.get(f"/aanvragen/planning?week={WEEK}").get_data(as_text=True)
    year = this_year_or(2027)
    assert f"Monday 8 March{year}" in page and "Sunday 4 April 2027" in page
    assert "maandag" not in page and "wo 10 mrt" not in page
    # The sentence in the reader's language, with an English date in it.
    with app.test_request_context(), force_locale("en"):
        wanted = ngettext(
            "Op %(date)s staat nog %(num)d persoon van %(team)s ingepland (%(times)s, %(location)s), "
            "maar die dag hoort niet meer bij de aanvraag.",
            "Op %(date)s staan nog %(num)d mensen van %(team)s ingepland (%(times)s, %(location)s), "
            "maar die dag hoort niet meer bij de aanvraag.",
            2, date=f"Wed 10 Mar{year}", team="Team Den Haag 1", times="09:00–15:00", location="Eigen Gebouw")
    assert wanted in page
    export = client.get(f"/aanvragen/planning.csv?week={WEEK}&aanvraag={published_week.request.id}")
    rows = list(csv.DictReader(io.StringIO(export.get_data(as_text=True).lstrip("\ufeff")), delimiter=","))
    [wednesday] = [r for r in rows if r["Date"] == "2027-03-10"]
    assert wednesday["Note"].startswith(wanted)


def _shift_world(make):
    from binnenwerk.models import Ministry  # noqa: F401  (make.ministry builds one)

    ministry = make.ministry(name="Ministerie van Eigen Zaken")
    location = make.location(region="Noord", ministry=ministry, name="Eigen Gebouw")
    work_type = make.work_type(name_nl="Toetsenborden reinigen")
    contact = make.user(role="ministry_contact", ministry=ministry)
    team = make.team(region="Noord", name="Team Noord 1")
    leader = make.supervisor(team=team, name="Sanne Leider", phone="06-11112222")
    return SimpleNamespace(location=location, work_type=work_type, contact=contact, team=team, leader=leader,
                           employee=make.employee(team=team))


def _week_of(day: dt.date) -> str:
    return f"{day.isocalendar()[0]}-W{day.isocalendar()[1]:02d}"


def test_days_gone_by_of_a_cancelled_request_are_not_flagged_for_the_planner(client, login, make):
    """Worked two weeks ago, cancelled since: nothing to adjust any more (and republishing that
    week would take the hours out of the job-agreement figures)."""
    w = _shift_world(make)
    today = dt.date.today()
    monday = today - dt.timedelta(days=today.weekday() + 14)
    request = make.request(location=w.location, work_type=w.work_type, start_date=monday,
                           end_date=today + dt.timedelta(days=30), weekdays="12345", headcount=1,
                           status=RequestStatus.SCHEDULED.value)
    for n in range(3):
        make.published_shift(employee=w.employee, date=monday + dt.timedelta(days=n), location=w.location,
                             work_type=w.work_type, request_id=request.id)
    coming = monday + dt.timedelta(weeks=5)  # still to come, beyond the past page's four weeks
    make.published_shift(employee=w.employee, date=coming, location=w.location, work_type=w.work_type,
                         request_id=request.id)
    request.status = RequestStatus.CANCELLED.value
    db.session.commit()
    login(w.contact)
    past = client.get(f"/aanvragen/planning?week={_week_of(monday)}").get_data(as_text=True)
    assert "De planner past dit aan." not in past
    # The days it was committed for stay on the page, as the job-agreement report counts them.
    assert "Deze aanvraag is geannuleerd. Hieronder staan de dagen die al voorbij waren." in past
    ahead = client.get(f"/aanvragen/planning?week={_week_of(coming)}").get_data(as_text=True)
    assert "De planner past dit aan." in ahead
    assert "In deze weken is er geen geaccepteerde aanvraag" not in ahead


def test_the_ministry_is_not_given_an_absent_leader_to_call(client, login, make):
    """As in the location feed: a leader absent during the team's shifts is not named, no phone."""
    w = _shift_world(make)
    today = dt.date.today()
    monday = today + dt.timedelta(days=7 - today.weekday())
    request = make.request(location=w.location, work_type=w.work_type, start_date=monday,
                           end_date=monday + dt.timedelta(days=1), weekdays="12", headcount=1)
    for day in (monday, monday + dt.timedelta(days=1)):
        make.published_shift(employee=w.employee, date=day, location=w.location, work_type=w.work_type,
                             request_id=request.id)
    make.absence(supervisor=w.leader, start=monday, kind="ziek")
    db.session.commit()
    login(w.contact)
    html = client.get(f"/aanvragen/planning?week={_week_of(monday)}").get_data(as_text=True)
    export = client.get(f"/aanvragen/planning.csv?week={_week_of(monday)}").get_data(as_text=True)
    assert html.count("Sanne Leider") == 1 and html.count("tel:06-11112222") == 1  # Tuesday only
    assert "afwezig, Binnenwerk zoekt een vervanger" in html and "ziek" not in html.lower()
    rows = [line for line in export.splitlines() if "Team Noord 1" in line]
    assert [("Sanne Leider;06-11112222" in line, "afwezig" in line) for line in rows] == [(False, True), (True, False)]


@pytest.mark.parametrize("weekday,label", [(3, "Deze week"), (6, "Komende week"), (7, "Komende week")])
def test_the_button_back_to_now_says_which_week_it_shows(client, login, world, monkeypatch, weekday, label):
    """At the weekend the plan starts with the coming week: the button does not call it this week."""
    monkeypatch.setattr(feeds, "local_today", lambda: MONDAY + dt.timedelta(days=weekday - 1))
    login(world.contact)
    page = client.get("/aanvragen/planning").get_data(as_text=True)
    buttons = re.search(r'<nav class="actions" aria-label="Andere weken">(.*?)</nav>', page, re.S).group(1)
    assert f">{label}</a>" in buttons
    assert (">Deze week</a>" in buttons) == (label == "Deze week")


@pytest.mark.usefixtures("before_work_on_7_december")
def test_a_day_whose_team_was_called_off_says_no_longer_planned(client, login, world, published_monday):
    """A repair took the team away two days ahead: the day is not 'not planned yet' (a team is
    still to be arranged) but no longer planned."""
    for shift in published_monday.shifts:
        shift.cancelled, shift.sequence = True, 1
    db.session.commit()
    login(world.contact)
    page = client.get(f"/aanvragen/planning?week={WEEK}").get_data(as_text=True)
    assert "✗ Niet meer ingepland" in page and "Nog niet ingepland" not in page
    [row] = plan_rows(client, published_monday.request.id)["2027-03-08"]
    assert (row["Ingepland"], row["Opmerking"]) == ("0", "Niet meer ingepland")


@pytest.mark.usefixtures("before_work_on_7_december")
def test_a_day_never_planned_still_says_not_planned_yet(client, login, world, make):
    make.request(location=world.location, work_type=world.work_type, start_date=MONDAY, end_date=MONDAY,
                 weekdays="1", headcount=3)
    db.session.commit()
    login(world.contact)
    page = client.get(f"/aanvragen/planning?week={WEEK}").get_data(as_text=True)
    assert "✗ Nog niet ingepland" in page and "Niet meer ingepland" not in page
