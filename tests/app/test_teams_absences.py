"""Absences: register, change and remove for employees and supervisors, and every refusal."""
import datetime as dt

import pytest
from sqlalchemy import select

from binnenwerk.extensions import db
from binnenwerk.models import Absence, AuditEvent
from binnenwerk.services import ServiceError
from binnenwerk.services import absences as ops

from .edit_forms import post_edit

TODAY = dt.date.today()


def _text(response):
    return response.get_data(as_text=True)


def absence_form(who, **changes):
    kind = "medewerker" if hasattr(who, "contract_start") else "teamleider"
    data = {"person": f"{kind}-{who.id}", "kind": "ziek", "start_date": TODAY.isoformat(),
            "end_date": (TODAY + dt.timedelta(days=2)).isoformat(), "whole_day": "y",
            "start_time": "", "end_time": "", "note": ""}
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def team(make):
    return make.team(name="Team A")


@pytest.fixture
def employee(make, team):
    return make.employee(team=team, first_name="Mo", last_name="Peters", contract_start=dt.date(2020, 1, 1))


def _absences():
    return db.session.scalars(select(Absence)).all()


def test_team_leader_registers_a_whole_day_sick_report(client, make, login, team, employee):
    login(make.user(role="team_leader", teams=[team]))
    assert client.get("/teams/afwezigheid/nieuw").status_code == 200
    response = client.post("/teams/afwezigheid/nieuw", data=absence_form(employee), follow_redirects=True)
    assert "De afwezigheid van Mo Peters is geregistreerd." in _text(response)
    absence = db.session.scalars(select(Absence)).one()
    assert (absence.employee_id, absence.kind, absence.start_date, absence.whole_day) == (
        employee.id, "ziek", TODAY, True)
    assert "Mo Peters" in _text(client.get("/teams/afwezigheid"))
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "absence.create")).one()
    assert "ziek" not in event.detail  # sick leave is health data: dates and person id only


def test_absence_list_shows_part_of_day_and_hides_past_absences(client, make, login, team, employee):
    make.absence(employee=employee, start=TODAY + dt.timedelta(days=1), kind="afspraak", times=("13:00", "15:00"))
    make.absence(employee=make.employee(team=team, last_name="Vroeger"), start=TODAY - dt.timedelta(days=9),
                 end=TODAY - dt.timedelta(days=8))
    login(make.user(role="planner"))
    html = _text(client.get("/teams/afwezigheid"))
    assert "Mo Peters" in html and "Afspraak" in html and "13:00–15:00" in html
    assert "Vroeger" not in html


def test_part_of_a_day_for_a_supervisor(client, make, login, team):
    supervisor = make.supervisor(team=team, name="Tessa Leider")
    login(make.user(role="planner"))
    response = client.post("/teams/afwezigheid/nieuw", data=absence_form(
        supervisor, kind="afspraak", whole_day=None, start_time="09:00", end_time="11:30",
        end_date=TODAY.isoformat()), follow_redirects=True)
    assert "De afwezigheid van Tessa Leider is geregistreerd." in _text(response)
    absence = db.session.scalars(select(Absence)).one()
    assert (absence.supervisor_id, absence.start_minute, absence.end_minute) == (supervisor.id, 540, 690)
    assert "09:00–11:30" in _text(client.get("/teams/afwezigheid"))


@pytest.mark.parametrize("changes,message", [
    ({"end_date": (TODAY - dt.timedelta(days=1)).isoformat()}, "De einddatum mag niet voor de begindatum liggen."),
    ({"end_date": (TODAY + dt.timedelta(days=366)).isoformat()}, "Een afwezigheid duurt hoogstens een jaar."),
    ({"start_date": "2019-12-31", "end_date": "2020-01-02"}, "Het contract van Mo Peters begint op 01-01-2020."),
    ({"whole_day": None, "start_time": "25:00", "end_time": "26:00"}, "Schrijf de tijd zo: 9:30 of 14:00."),
    ({"whole_day": None, "start_time": "14:00", "end_time": "10:00"}, "De eindtijd moet na de begintijd liggen."),
    ({"whole_day": None, "start_time": "", "end_time": ""}, "Vul een begintijd in, of kies hele dag."),
    ({"kind": "vakantie"}, "Kies een soort afwezigheid uit de lijst."),
    ({"person": "medewerker-999999"}, "Kies iemand uit de lijst."),
    ({"person": "iets"}, "Kies iemand uit de lijst."),
    ({"start_date": "gisteren"}, "Vul een datum in als dd-mm-jjjj"),
    ({"start_date": "   "}, "Vul een begindatum in."),
    ({"end_date": " "}, "Vul een einddatum in."),
])
def test_bad_absence_input_is_refused(client, make, login, employee, changes, message):
    login(make.user(role="planner"))
    response = client.post("/teams/afwezigheid/nieuw", data=absence_form(employee, **changes))
    assert response.status_code == 422
    assert message in _text(response)
    assert _absences() == []


def test_an_absence_after_the_contract_end_is_refused(client, make, login, team):
    leaving = make.employee(team=team, first_name="Eva", last_name="Kort", contract_start=dt.date(2020, 1, 1),
                            contract_end=TODAY + dt.timedelta(days=1))
    login(make.user(role="planner"))
    response = client.post("/teams/afwezigheid/nieuw", data=absence_form(leaving))
    assert response.status_code == 422
    assert "Het contract van Eva Kort eindigt op" in _text(response)


def test_overlapping_absences_of_one_person_are_refused(client, make, login, employee):
    db.session.add(Absence(employee=employee, kind="verlof", start_date=TODAY + dt.timedelta(days=1),
                           end_date=TODAY + dt.timedelta(days=5)))
    login(make.user(role="planner"))
    response = client.post("/teams/afwezigheid/nieuw", data=absence_form(employee))
    assert response.status_code == 422
    assert "Mo Peters is in deze periode al afwezig." in _text(response)
    assert len(_absences()) == 1


def test_team_leader_cannot_reach_another_teams_people_or_absences(client, make, login, employee):
    own = make.team(name="Eigen")
    foreign = Absence(employee=employee, kind="verlof", start_date=TODAY, end_date=TODAY)
    db.session.add(foreign)
    db.session.flush()
    login(make.user(role="team_leader", teams=[own]))
    assert "Mo Peters" not in _text(client.get("/teams/afwezigheid"))
    assert client.get(f"/teams/afwezigheid/{foreign.id}").status_code == 404
    # A save to another team's absence reads as one that no longer exists: it is not touched.
    client.post(f"/teams/afwezigheid/{foreign.id}", data=absence_form(employee, kind="ziek"))
    db.session.expire_all()
    assert db.session.get(Absence, foreign.id).kind == "verlof"
    assert client.post(f"/teams/afwezigheid/{foreign.id}/verwijderen").status_code == 404
    response = client.post("/teams/afwezigheid/nieuw", data=absence_form(employee,
                           start_date=(TODAY + dt.timedelta(days=10)).isoformat(),
                           end_date=(TODAY + dt.timedelta(days=10)).isoformat()))
    assert response.status_code == 422 and "Kies iemand uit de lijst." in _text(response)
    assert len(_absences()) == 1


def test_admin_and_ministry_have_no_absence_pages(client, make, login):
    login(make.user(role="admin"))
    assert client.get("/teams/afwezigheid").status_code == 403


def test_changing_and_deleting_an_absence(client, make, login, team, employee):
    absence = make.absence(employee=employee, start=TODAY, end=TODAY + dt.timedelta(days=3))
    absence_id = absence.id
    login(make.user(role="team_leader", teams=[team]))
    html = _text(client.get(f"/teams/afwezigheid/{absence_id}"))
    assert "Afwezigheid van Mo Peters wijzigen" in html
    response = post_edit(client, f"/teams/afwezigheid/{absence_id}", absence_form(
        employee, kind="verlof", end_date=(TODAY + dt.timedelta(days=1)).isoformat()), follow_redirects=True)
    assert "De afwezigheid van Mo Peters is opgeslagen." in _text(response)
    db.session.expire_all()
    stored = db.session.get(Absence, absence_id)
    assert stored.kind == "verlof" and stored.end_date == TODAY + dt.timedelta(days=1)
    confirm = _text(client.get(f"/teams/afwezigheid/{absence_id}/verwijderen"))
    assert "Weet je zeker dat je deze afwezigheid wilt verwijderen?" in confirm
    response = post_edit(client, f"/teams/afwezigheid/{absence_id}/verwijderen", {}, follow_redirects=True)
    assert "De afwezigheid van Mo Peters is verwijderd." in _text(response)
    assert _absences() == []
    # The edit form of it still open in another window: saving says what happened, stores nothing.
    response = client.post(f"/teams/afwezigheid/{absence_id}", data=absence_form(employee, kind="ziek"),
                           follow_redirects=True)
    assert "Deze afwezigheid bestaat niet meer: misschien is ze net verwijderd" in _text(response)
    assert _absences() == []
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.object_type == "Absence").order_by(AuditEvent.id)).all()
    assert actions == ["absence.update", "absence.delete"]


def test_the_person_of_an_absence_cannot_be_switched_by_post(client, make, login, team, employee):
    other = make.employee(team=team)
    absence = Absence(employee=employee, kind="ziek", start_date=TODAY, end_date=TODAY)
    db.session.add(absence)
    db.session.flush()
    login(make.user(role="planner"))
    post_edit(client, f"/teams/afwezigheid/{absence.id}", absence_form(other))
    db.session.expire_all()
    assert db.session.get(Absence, absence.id).employee_id == employee.id


def test_service_functions_are_the_single_entry_point_and_return_the_absence(app, make, employee):
    with app.test_request_context():
        _service_round_trip(employee)


def _service_round_trip(employee):
    data = ops.AbsenceInput(kind="verlof", start_date=TODAY, end_date=TODAY)
    created = ops.create_absence(data, employee=employee)
    assert isinstance(created, Absence) and created.id
    changed = ops.update_absence(created, ops.AbsenceInput(kind="ziek", start_date=TODAY, end_date=TODAY,
                                                           start_minute=600, end_minute=660))
    assert changed is created and changed.start_minute == 600
    assert ops.delete_absence(created) is created
    with pytest.raises(ServiceError):
        ops.create_absence(data)  # nobody
    with pytest.raises(ServiceError):
        ops.create_absence(ops.AbsenceInput(kind="ziek", start_date=TODAY, end_date=TODAY, start_minute=600),
                           employee=employee)


@pytest.mark.parametrize("start,end,minutes", [
    ("9", "10.30", (540, 630)), ("9.30", "12:30", (570, 750)), ("09.30", "1400", (570, 840)),
    ("0930", "930", None),  # the same time twice: the end must come after the start
])
def test_times_are_accepted_as_people_write_them(client, make, login, employee, start, end, minutes):
    login(make.user(role="planner"))
    response = client.post("/teams/afwezigheid/nieuw", data=absence_form(
        employee, kind="afspraak", whole_day=None, start_time=start, end_time=end, end_date=TODAY.isoformat()))
    if minutes is None:
        assert response.status_code == 422 and "De eindtijd moet na de begintijd liggen." in _text(response)
        assert _absences() == []
        return
    assert response.status_code == 302, _text(response)[:2000]
    absence = _absences()[0]
    assert (absence.start_minute, absence.end_minute) == minutes


def test_the_time_boxes_have_no_example_that_disagrees_with_their_hint(client, make, login, employee):
    login(make.user(role="planner"))
    html = _text(client.get("/teams/afwezigheid/nieuw"))
    assert "Bijvoorbeeld 12:30." in html and 'placeholder="09:00"' not in html


def test_removing_an_absence_asks_first_on_a_page_of_its_own(client, make, login, team, employee):
    """No JavaScript needed: the edit page links to a confirmation page; only its form deletes."""
    absence = make.absence(employee=employee, start=TODAY, end=TODAY + dt.timedelta(days=1), kind="verlof")
    absence_id = absence.id
    login(make.user(role="team_leader", teams=[team]))
    edit = _text(client.get(f"/teams/afwezigheid/{absence_id}"))
    confirm_url = f"/teams/afwezigheid/{absence_id}/verwijderen"
    assert f'<a class="button danger" href="{confirm_url}">Afwezigheid verwijderen</a>' in edit
    assert f'action="{confirm_url}"' not in edit  # no form on the edit page deletes on one click
    page = client.get(confirm_url)
    html = _text(page)
    assert page.status_code == 200 and len(_absences()) == 1
    assert "<h1>Afwezigheid van Mo Peters verwijderen</h1>" in html and "Verlof" in html
    assert '<form method="post" class="actions">' in html  # posts to itself
    assert '<button type="submit" class="button danger">Ja, verwijderen</button>' in html
    assert f'href="/teams/afwezigheid/{absence_id}">Annuleren</a>' in html
    post_edit(client, confirm_url, {})
    assert _absences() == []


def test_the_confirmation_page_is_only_for_ones_own_team(client, make, login, employee):
    absence = make.absence(employee=employee)
    login(make.user(role="team_leader", teams=[make.team(name="Eigen")]))
    assert client.get(f"/teams/afwezigheid/{absence.id}/verwijderen").status_code == 404


def test_a_past_absence_leads_to_the_list_of_earlier_absences(client, make, login, team, employee):
    """Last week's sickness, registered now, can be found to check and correct (QA finding 6)."""
    login(make.user(role="team_leader", teams=[team]))
    last_week = TODAY - dt.timedelta(days=7)
    response = client.post("/teams/afwezigheid/nieuw", data=absence_form(
        employee, start_date=last_week.isoformat(), end_date=(last_week + dt.timedelta(days=1)).isoformat()))
    assert response.status_code == 302 and response.location.endswith("/teams/afwezigheid?eerder=1")
    page = _text(client.get(response.location))
    assert "De afwezigheid van Mo Peters is geregistreerd." in page
    assert "Deze afwezigheid is al voorbij. Daarom staat die in de lijst Eerdere afwezigheid." in page
    assert "<h1>Eerdere afwezigheid</h1>" in page and "Mo Peters" in page
    assert f'href="/teams/afwezigheid/{_absences()[0].id}"' in page  # to correct it
    assert "Mo Peters" not in _text(client.get("/teams/afwezigheid"))
    employee_page = _text(client.get(f"/teams/medewerkers/{employee.id}"))
    assert "Eerder afwezig" in employee_page and f'href="/teams/afwezigheid/{_absences()[0].id}"' in employee_page


def test_a_current_absence_still_leads_to_the_list_from_today(client, make, login, team, employee):
    login(make.user(role="team_leader", teams=[team]))
    response = client.post("/teams/afwezigheid/nieuw", data=absence_form(employee))
    assert response.location.endswith("/teams/afwezigheid")
    assert "al voorbij" not in _text(client.get(response.location))


def test_earlier_absences_are_the_last_years_newest_first_a_page_at_a_time(client, make, login, team, employee,
                                                                            monkeypatch):
    from binnenwerk.teams import routes

    monkeypatch.setattr(routes, "EARLIER_PER_PAGE", 2)
    for days_ago, name in ((3, "Drie"), (10, "Tien"), (40, "Veertig"), (400, "Oud")):
        make.absence(employee=make.employee(team=team, last_name=name), start=TODAY - dt.timedelta(days=days_ago))
    make.absence(employee=make.employee(team=make.team(name="Ander"), last_name="Vreemd"),
                 start=TODAY - dt.timedelta(days=5))
    make.absence(employee=employee, start=TODAY)  # current: not earlier
    login(make.user(role="team_leader", teams=[team]))
    first = _text(client.get("/teams/afwezigheid?eerder=1"))
    assert first.index("Drie") < first.index("Tien") and "Veertig" not in first
    assert "Vreemd" not in first and "Oud" not in first and "Mo Peters" not in first
    assert "Wat eerder eindigde, wordt verwijderd." in first and "(3)" in first
    assert "Pagina 1 van 2" in first and 'href="/teams/afwezigheid?page=2&amp;eerder=1"' in first
    second = _text(client.get("/teams/afwezigheid?eerder=1&page=2"))
    assert "Veertig" in second and "Drie" not in second
    assert "Oud" not in second


def test_the_employee_page_shows_the_last_few_earlier_absences_and_points_to_the_list(client, make, login, team,
                                                                                       employee):
    for week in range(1, 8):
        make.absence(employee=employee, start=TODAY - dt.timedelta(days=7 * week), kind="verlof")
    login(make.user(role="team_leader", teams=[team]))
    html = _text(client.get(f"/teams/medewerkers/{employee.id}"))
    earlier = html.split("Eerder afwezig")[1]
    assert earlier.count("Verlof:") == 5 and "Hier staan de laatste 5." in earlier
    assert f'href="/teams/afwezigheid?eerder=1&amp;team={team.id}"' in earlier


def test_the_same_absence_sent_twice_is_stored_once_and_says_it_went_through(client, make, login, team, employee):
    login(make.user(role="team_leader", teams=[team]))
    form = absence_form(employee)
    first = client.post("/teams/afwezigheid/nieuw", data=form, follow_redirects=True)
    second = client.post("/teams/afwezigheid/nieuw", data=form, follow_redirects=True)
    assert second.status_code == 200
    assert "De afwezigheid van Mo Peters is geregistreerd." in _text(first) and "al afwezig" not in _text(second)
    assert "De afwezigheid van Mo Peters is geregistreerd." in _text(second)
    assert len(_absences()) == 1
    # Another absence in the same days is still refused.
    other = client.post("/teams/afwezigheid/nieuw", data=absence_form(employee, kind="verlof"))
    assert other.status_code == 422 and "is in deze periode al afwezig" in _text(other)


def test_two_appointments_on_one_day_at_other_times_are_no_clash(client, make, login, team, employee):
    login(make.user(role="team_leader", teams=[team]))
    day = (TODAY + dt.timedelta(days=1)).isoformat()

    def appointment(start, end):
        return client.post("/teams/afwezigheid/nieuw", data=absence_form(
            employee, kind="afspraak", start_date=day, end_date=day, whole_day=None,
            start_time=start, end_time=end))

    assert appointment("09:00", "10:00").status_code == 302
    assert appointment("15:00", "16:00").status_code == 302
    clash = appointment("09:30", "11:00")  # overlaps the first
    assert clash.status_code == 422 and "is in deze periode al afwezig" in _text(clash)
    assert len(_absences()) == 2


def test_an_appointment_every_morning_and_one_afternoon_in_that_week_are_no_clash(client, make, login, team, employee):
    """Physio 08:00-09:00 every day of a week, then a doctor at 14:00 on one of them, was refused as
    "al afwezig" (a QA finding): a part-day absence is that part of each of its days."""
    login(make.user(role="team_leader", teams=[team]))
    first = TODAY + dt.timedelta(days=1)

    def appointment(start_day, end_day, start, end):
        return client.post("/teams/afwezigheid/nieuw", data=absence_form(
            employee, kind="afspraak", start_date=start_day.isoformat(), end_date=end_day.isoformat(),
            whole_day=None, start_time=start, end_time=end))

    assert appointment(first, first + dt.timedelta(days=4), "08:00", "09:00").status_code == 302
    assert appointment(first + dt.timedelta(days=1), first + dt.timedelta(days=1), "14:00", "15:00").status_code == 302
    clash = appointment(first + dt.timedelta(days=2), first + dt.timedelta(days=2), "08:30", "10:00")
    assert clash.status_code == 422 and "is in deze periode al afwezig" in _text(clash)
    whole = client.post("/teams/afwezigheid/nieuw", data=absence_form(
        employee, kind="verlof", start_date=(first + dt.timedelta(days=3)).isoformat(),
        end_date=(first + dt.timedelta(days=3)).isoformat()))
    # A whole day off inside part-day absences is taken (QA round 19: a day's leave during a
    # gradual return to work); that day counts as absent all day.
    assert whole.status_code == 302
    assert len(_absences()) == 3
