"""QA round 19, absences (people with a labour disability; a gradual return after sickness is common):
00:00 as the end of a part-day absence, a day of leave within weeks of sick afternoons, the roster
history after an edit or a deletion, the words after saving, a stand-in of the pool reporting
their own absence, and an anonymised team leader taken back from the archive."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import select

from binnenwerk import planning, privacy, roster_history
from binnenwerk.extensions import db
from binnenwerk.forms_common import end_minute
from binnenwerk.models import Absence, Assignment, Roster, RosterChange, Supervisor, SupervisionAssignment
from binnenwerk.rosters import view
from binnenwerk.services import absences as ops
from binnenwerk.services.rosters import affected_cells

from .edit_forms import post_edit

TODAY = dt.date.today()
NEXT_MONDAY = TODAY + dt.timedelta(days=7 - TODAY.weekday())
# The QA's case: sick in the afternoons from 28 December to 8 January, a day of leave on 5 January.
SICK_FROM, SICK_TO, LEAVE_DAY = dt.date(2026, 12, 28), dt.date(2027, 1, 8), dt.date(2027, 1, 5)
ALREADY_ABSENT = "is in deze periode al afwezig"


def _text(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)).split())


@pytest.fixture
def team(make):
    return make.team(name="Team A")


@pytest.fixture
def employee(make, team):
    return make.employee(team=team, first_name="Mo", last_name="Peters", contract_start=dt.date(2020, 1, 1))


def form(who, start, end, **changes):
    kind = "medewerker" if hasattr(who, "contract_start") else "teamleider"
    data = {"person": f"{kind}-{who.id}", "kind": "ziek", "start_date": start.isoformat(),
            "end_date": end.isoformat(), "whole_day": "y", "start_time": "", "end_time": "", "note": ""}
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def _absences(employee) -> list[Absence]:
    db.session.expire_all()
    return list(db.session.scalars(select(Absence).where(Absence.employee_id == employee.id)
                                   .order_by(Absence.start_date, Absence.id)))


def _lines() -> list[str]:
    db.session.expire_all()
    return [roster_history.wording(c) for c in db.session.scalars(select(RosterChange).order_by(RosterChange.id))]


# --- 1. 00:00 as the end of the day -------------------------------------------------------------


def test_an_absence_until_0000_lasts_until_the_end_of_that_day(client, make, login, team, employee):
    login(make.user(role="team_leader", teams=[team]))
    day = TODAY + dt.timedelta(days=1)
    response = client.post("/teams/afwezigheid/nieuw", data=form(
        employee, day, day, whole_day=None, start_time="11:00", end_time="00:00"))
    assert response.status_code == 302, _text(response)
    [absence] = _absences(employee)
    assert (absence.start_minute, absence.end_minute) == (11 * 60, 24 * 60)  # as 24:00 is stored
    # 00:00 to 00:00 is no time at all, and an end before the start stays one.
    later = day + dt.timedelta(days=1)
    for start, end in (("00:00", "00:00"), ("11:00", "10:00")):
        refused = client.post("/teams/afwezigheid/nieuw", data=form(
            employee, later, later, whole_day=None, start_time=start, end_time=end))
        assert refused.status_code == 422 and "De eindtijd moet na de begintijd liggen." in _text(refused)
    assert len(_absences(employee)) == 1


def test_the_absence_form_says_00_00_is_the_end_of_the_day(client, make, login, team, employee):
    login(make.user(role="team_leader", teams=[team]))
    page = _text(client.get("/teams/afwezigheid/nieuw"))
    assert "Bijvoorbeeld 12:30. Tot het einde van de dag? Vul dan 00:00 in." in page


def test_an_end_of_00_00_after_a_start_is_the_end_of_that_day():
    assert end_minute(13 * 60, 0) == 24 * 60
    assert end_minute(0, 0) == 0 and end_minute(9 * 60, 17 * 60) == 17 * 60 and end_minute(None, 0) == 0


# --- 2. a whole day within a part-day absence ----------------------------------------------------


def test_a_day_of_leave_within_sick_afternoons_is_taken_in(client, make, login, team, employee):
    login(make.user(role="team_leader", teams=[team]))
    sick = client.post("/teams/afwezigheid/nieuw", data=form(
        employee, SICK_FROM, SICK_TO, whole_day=None, start_time="13:00", end_time="00:00"))
    assert sick.status_code == 302, _text(sick)
    leave = client.post("/teams/afwezigheid/nieuw", data=form(employee, LEAVE_DAY, LEAVE_DAY, kind="verlof"))
    assert leave.status_code == 302, _text(leave)
    assert [(a.kind, a.start_minute) for a in _absences(employee)] == [("ziek", 13 * 60), ("verlof", None)]
    # And the other way round: the sick afternoons after the day of leave.
    other = make.employee(team=team, first_name="Sara", last_name="Bos", contract_start=dt.date(2020, 1, 1))
    assert client.post("/teams/afwezigheid/nieuw", data=form(
        other, LEAVE_DAY, LEAVE_DAY, kind="verlof")).status_code == 302
    assert client.post("/teams/afwezigheid/nieuw", data=form(
        other, SICK_FROM, SICK_TO, whole_day=None, start_time="13:00", end_time="00:00")).status_code == 302
    # The same time twice is still refused: two whole days, or two parts that meet.
    whole = client.post("/teams/afwezigheid/nieuw", data=form(employee, LEAVE_DAY, LEAVE_DAY + dt.timedelta(days=1)))
    part = client.post("/teams/afwezigheid/nieuw", data=form(
        employee, SICK_TO, SICK_TO, kind="afspraak", whole_day=None, start_time="15:00", end_time="16:00"))
    assert whole.status_code == part.status_code == 422
    assert ALREADY_ABSENT in _text(whole) and ALREADY_ABSENT in _text(part)
    assert len(_absences(employee)) == 2


def _reintegration(make, team, employee):
    """The QA's absences, and a roster for the week of 5 January with a morning shift on the 5th and 6th."""
    make.absence(employee, start=SICK_FROM, end=SICK_TO, times=("13:00", "24:00"))
    ops.create_absence(ops.AbsenceInput("verlof", LEAVE_DAY, LEAVE_DAY), employee=employee)
    request = make.request(make.location(team.region), start_date=SICK_FROM, end_date=SICK_TO,
                           start_minute=9 * 60, end_minute=12 * 60)
    roster = Roster(week="2027-W01", team_id=team.id, version=1)
    db.session.add(roster)
    db.session.flush()
    for day in (LEAVE_DAY, LEAVE_DAY + dt.timedelta(days=1)):
        db.session.add(Assignment(roster_id=roster.id, employee_id=employee.id, date=day, request_id=request.id))
    db.session.commit()
    return roster


def test_planning_takes_the_whole_day_of_leave_and_the_other_days_mornings(app, make, team, employee):
    _reintegration(make, team, employee)
    absences = _absences(employee)
    wednesday = LEAVE_DAY + dt.timedelta(days=1)
    free = planning.availability_for(employee.availability, absences, [LEAVE_DAY, wednesday])
    assert LEAVE_DAY not in free
    assert free[wednesday] == ((8 * 60, 13 * 60),)  # 08:00 to the sick afternoon


def test_the_grid_marks_the_day_of_leave_whole_and_its_shift_as_clashing(app, make, team, employee):
    _reintegration(make, team, employee)
    wednesday = LEAVE_DAY + dt.timedelta(days=1)
    grid = view.load_week("2027-W01", [team])["teams"][0]
    assert grid.away[(employee.id, LEAVE_DAY)] == "whole" and grid.away[(employee.id, wednesday)] == "part"
    assert grid.cells[(employee.id, LEAVE_DAY)].affected and not grid.cells[(employee.id, wednesday)].affected
    shifts = db.session.scalars(select(Assignment).where(Assignment.employee_id == employee.id)).all()
    assert affected_cells(shifts, _absences(employee)) == {(employee.id, LEAVE_DAY)}
    [need] = ops.rosters_to_repair(since=SICK_FROM)
    assert need.shifts == 1


# --- 3. the roster history after an edit or a deletion -------------------------------------------


def _week_with_shifts(make, team, employee, days, *, leader=None):
    request = make.request(make.location(team.region), start_date=days[0], end_date=days[-1], weekdays="1234567")
    roster = Roster(week=f"{days[0].isocalendar()[0]}-W{days[0].isocalendar()[1]:02d}", team_id=team.id, version=1)
    db.session.add(roster)
    db.session.flush()
    for day in days:
        db.session.add(Assignment(roster_id=roster.id, employee_id=employee.id, date=day, request_id=request.id))
        if leader is not None:
            db.session.add(SupervisionAssignment(roster_id=roster.id, supervisor_id=leader.id, date=day,
                                                 location_id=request.location_id, team_id=team.id))
    db.session.commit()
    return roster


def test_changing_only_the_note_or_kind_writes_no_history_line_again(client, make, login, team, employee):
    days = [NEXT_MONDAY, NEXT_MONDAY + dt.timedelta(days=2)]
    _week_with_shifts(make, team, employee, days)
    absence = ops.create_absence(ops.AbsenceInput("ziek", days[0], days[-1]), employee=employee)
    assert len(_lines()) == 2
    login(make.user(role="team_leader", teams=[team]))
    url = f"/teams/afwezigheid/{absence.id}"
    for changes in ({"note": "Belt vrijdag"}, {"kind": "verlof"}):
        response = post_edit(client, url, form(employee, days[0], days[-1], **{"kind": "ziek", **changes}))
        assert response.status_code == 302, _text(response)
    assert len(_lines()) == 2


def test_shortening_an_absence_says_which_day_it_took_back_and_no_more(app, make, team, employee):
    days = [NEXT_MONDAY, NEXT_MONDAY + dt.timedelta(days=2)]
    _week_with_shifts(make, team, employee, days)
    absence = ops.create_absence(ops.AbsenceInput("ziek", days[0], days[-1]), employee=employee)
    ops.update_absence(absence, ops.AbsenceInput("ziek", days[0], days[0]))
    lines = _lines()
    assert len(lines) == 3 and "Mo Peters is op " in lines[2] and "toch niet afwezig" in lines[2]
    change = db.session.scalars(select(RosterChange).order_by(RosterChange.id.desc())).first()
    assert change.params["day"] == days[1].isoformat() and change.params["employee"] == employee.id


def test_deleting_an_absence_says_in_the_history_that_the_shift_can_stay(app, make, team, employee):
    _week_with_shifts(make, team, employee, [NEXT_MONDAY])
    absence = ops.create_absence(ops.AbsenceInput("ziek", NEXT_MONDAY, NEXT_MONDAY, note="Griep"), employee=employee)
    ops.delete_absence(absence)
    first, taken_back = _lines()
    assert "is afwezig op" in first
    assert re.fullmatch(r"Mo Peters is op \w+ \d+ \w+( \d{4})? toch niet afwezig\. De dienst kan blijven staan\.",
                        taken_back), taken_back
    assert "ziek" not in taken_back.lower() and "griep" not in taken_back.lower()


def test_deleting_a_day_of_leave_within_sick_hours_that_still_hit_the_shift_takes_nothing_back(
        app, make, team, employee):
    _week_with_shifts(make, team, employee, [NEXT_MONDAY])  # 09:00 to 15:00
    make.absence(employee, start=NEXT_MONDAY, end=NEXT_MONDAY + dt.timedelta(days=5), times=("13:00", "24:00"))
    db.session.commit()
    leave = ops.create_absence(ops.AbsenceInput("verlof", NEXT_MONDAY, NEXT_MONDAY), employee=employee)
    ops.delete_absence(leave)
    assert not [line for line in _lines() if "toch niet afwezig" in line]


def test_deleting_a_leaders_absence_says_so_without_naming_the_leader(app, make, team, employee):
    leader = make.supervisor(team, name="Tessa Leider")
    _week_with_shifts(make, team, employee, [NEXT_MONDAY], leader=leader)
    absence = ops.create_absence(ops.AbsenceInput("ziek", NEXT_MONDAY, NEXT_MONDAY), supervisor=leader)
    ops.delete_absence(absence)
    absent, taken_back = _lines()
    assert absent.startswith("Teamleider Tessa Leider is afwezig op")
    assert taken_back.startswith("De teamleider is op ") and taken_back.endswith(
        "toch niet afwezig en kan het team leiden.")


# --- 4. the words after saving ------------------------------------------------------------------


def test_the_words_after_saving_say_who_still_sees_the_shift(client, make, login, team, employee):
    _week_with_shifts(make, team, employee, [NEXT_MONDAY + dt.timedelta(days=1)])
    login(make.user(role="team_leader", teams=[team]))
    response = client.post("/teams/afwezigheid/nieuw", data=form(
        employee, NEXT_MONDAY, NEXT_MONDAY + dt.timedelta(days=2)), follow_redirects=True)
    page = _text(response)
    assert ("Wie afwezig is, ziet de dienst nog op de weekpagina en in de agenda, tot het rooster gerepareerd en "
            "opnieuw gepubliceerd is. Een collega die de dienst overneemt, ziet dat ook pas dan. Het ministerie en "
            "de locatie zien nu al dat er minder mensen komen.") in page
    assert "zien het oude rooster" not in page


# --- 5. a stand-in of the pool reports their own absence ----------------------------------------


@pytest.fixture
def stand_in(make, team):
    account = make.user(role="team_leader", teams=[team], name="Ineke Invaller")
    leader = make.supervisor(None, region=team.region, name="Ineke Invaller", user=account)
    make.supervisor(None, region=team.region, name="Paul Pool")  # another stand-in: not hers to report
    db.session.commit()
    return account, leader


def test_a_stand_in_of_the_pool_reports_edits_and_deletes_their_own_absence(client, login, stand_in):
    account, leader = stand_in
    login(account)
    page = _text(client.get("/teams/afwezigheid/nieuw"))
    assert "Ineke Invaller (teamleider)" in page and "Paul Pool" not in page
    day = TODAY + dt.timedelta(days=1)
    response = client.post("/teams/afwezigheid/nieuw", data=form(leader, day, day), follow_redirects=True)
    assert "De afwezigheid van Ineke Invaller is geregistreerd." in _text(response)
    assert "Ineke Invaller" in _text(client.get("/teams/afwezigheid"))
    absence = db.session.scalar(select(Absence).where(Absence.supervisor_id == leader.id))
    url = f"/teams/afwezigheid/{absence.id}"
    assert post_edit(client, url, form(leader, day, day + dt.timedelta(days=1))).status_code == 302
    assert client.get(f"/teams/afwezigheid/nieuw?teamleider={leader.id}").status_code == 200
    assert client.post(f"{url}/verwijderen", data={"seen_state": _seen(client, url)}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Absence, absence.id) is None
    # Nothing more: another stand-in of the pool is not hers to report.
    other = db.session.scalar(select(Supervisor).where(Supervisor.name == "Paul Pool"))
    assert client.get(f"/teams/afwezigheid/nieuw?teamleider={other.id}").status_code == 404
    assert client.post("/teams/afwezigheid/nieuw", data=form(other, day, day)).status_code == 422
    assert db.session.scalar(select(Absence).where(Absence.supervisor_id == other.id)) is None


def _seen(client, url: str) -> str:
    page = client.get(url.rstrip("/") + "/verwijderen").get_data(as_text=True)
    return re.search(r'name="seen_state"[^>]*value="([^"]*)"', page).group(1)


# --- 6. an anonymised team leader is not taken back ---------------------------------------------


def test_an_anonymised_team_leader_cannot_be_taken_back(client, make, login, team):
    leader = make.supervisor(team, name="Wim Weg", archived=True, archived_on=TODAY - dt.timedelta(days=400))
    leader.name = privacy.anonymous_leader_name(leader.id)
    login(make.user(role="planner"))
    response = client.post(f"/teams/teamleiders/{leader.id}/terugzetten", data={}, follow_redirects=True)
    assert "Deze teamleider is geanonimiseerd." in _text(response)
    assert "is weer actief" not in _text(response)
    db.session.expire_all()
    assert db.session.get(Supervisor, leader.id).archived
    # One who is not anonymised is taken back as before.
    back = make.supervisor(team, name="Wim Terug", archived=True, archived_on=TODAY - dt.timedelta(days=4))
    db.session.commit()
    response = client.post(f"/teams/teamleiders/{back.id}/terugzetten", data={}, follow_redirects=True)
    assert "Teamleider Wim Terug is weer actief." in _text(response)


def test_an_anonymised_team_leader_cannot_be_edited(client, make, login, team):
    leader = make.supervisor(team, name="Wim Weg", archived=True, archived_on=TODAY - dt.timedelta(days=400))
    leader.name = privacy.anonymous_leader_name(leader.id)
    login(make.user(role="planner"))
    page = _text(client.get(f"/teams/teamleiders/{leader.id}"))
    assert "kunnen niet meer worden gewijzigd of teruggezet" in page and "Weer actief maken" not in page
    response = client.post(f"/teams/teamleiders/{leader.id}/wijzigen", data={"name": "Wim Weg"}, follow_redirects=True)
    assert "kunnen niet meer worden gewijzigd of teruggezet" in _text(response)
    db.session.expire_all()
    assert db.session.get(Supervisor, leader.id).name == privacy.anonymous_leader_name(leader.id)



def test_a_whole_day_off_inside_a_part_day_absence_writes_the_days_line_once(app, make, team, employee):
    """QA round 19 (regression): the day's "afwezig" line came twice, once for each absence; it
    goes (taken back) only when neither absence makes the clash any more."""
    _week_with_shifts(make, team, employee, [NEXT_MONDAY])
    part = ops.create_absence(ops.AbsenceInput("ziek", NEXT_MONDAY, NEXT_MONDAY, 13 * 60, 24 * 60), employee=employee)
    whole = ops.create_absence(ops.AbsenceInput("verlof", NEXT_MONDAY, NEXT_MONDAY), employee=employee)
    assert len(_lines()) == 1 and "Mo Peters is afwezig op" in _lines()[0]
    ops.delete_absence(whole)
    assert len(_lines()) == 1  # the part-day absence still makes the clash
    ops.delete_absence(part)
    assert len(_lines()) == 2 and "toch niet afwezig" in _lines()[1]
