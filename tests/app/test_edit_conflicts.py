"""Nothing stored is lost: an edit form saved over a change someone made after it was opened is refused.

Each case opens an edit form, lets "someone else" change the record (committed straight to the
database, as a second person's save would be), then posts the first form. The save must be refused
with the conflict message, the other change must still be stored, nothing of the stale post may be
written, and the form must show again with the current data. A post without the form's seen_state
is refused the same way; a normal open-edit-save still works.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Callable

import pytest

from binnenwerk.extensions import db
from binnenwerk.models import (
    Absence,
    AvailabilitySlot,
    DeploymentRequest,
    Employee,
    EmployeeSensitive,
    Location,
    Ministry,
    Supervisor,
    Team,
    User,
    WorkType,
)

from .edit_forms import CONFLICT, post_edit, post_request_edit, seen_state
from .test_requests_workflow import next_monday, request_form, world  # noqa: F401  (fixture)
from .test_teams_supervisors import week

TODAY = dt.date.today()


def _fresh(model, obj_id):
    db.session.expire_all()
    return db.session.get(model, obj_id)


@dataclass
class Case:
    """One edit form: who edits, its URL, the stale post, the other person's change and the checks."""

    user: object
    url: str
    post: dict  # what the first person saves (all fields, one of them changed)
    other_change: Callable[[], None]  # what someone else stores meanwhile (committed)
    other_kept: Callable[[], bool]  # the other change is still stored
    post_not_written: Callable[[], bool]  # nothing of the first person's save was stored
    post_written: Callable[[], bool]  # the first person's save was stored (the normal edit)
    shown_after_conflict: str  # text of the other change that the re-shown form contains


def team_case(make):
    team = make.team(name="Team A", region="Utrecht", max_size=12)
    tid = team.id

    def other():
        _fresh(Team, tid).max_size = 7

    return Case(
        user=make.user(role="planner"), url=f"/teams/{tid}/wijzigen",
        post={"name": "Team Oud", "region": "Utrecht", "home_location_id": "", "max_size": "12"},
        other_change=other, other_kept=lambda: _fresh(Team, tid).max_size == 7,
        post_not_written=lambda: _fresh(Team, tid).name == "Team A",
        post_written=lambda: _fresh(Team, tid).name == "Team Oud", shown_after_conflict='value="7"',
    )


def employee_case(make):
    team = make.team(name="Team A")
    cleaning = make.work_type(name_nl="Schoonmaak")
    employee = make.employee(team=team, work_types=[cleaning], first_name="Sanne", last_name="de Vries",
                             contract_start=dt.date(2026, 1, 5))
    eid = employee.id

    def other():
        # A change only to the availability: the fingerprint covers the slots too.
        _fresh(Employee, eid).availability = [AvailabilitySlot(weekday=6, start_minute=600, end_minute=720)]

    def slots():
        return [(s.weekday, s.start_minute, s.end_minute) for s in _fresh(Employee, eid).availability]

    return Case(
        user=make.user(role="team_leader", teams=[team]), url=f"/teams/medewerkers/{eid}/wijzigen",
        post={"first_name": "Oud", "last_name": "de Vries", "team_id": str(team.id), "contract_hours": "25,5",
              "max_hours_per_day": "8", "contract_start": "2026-01-05", "contract_end": "",
              "work_type_ids": [str(cleaning.id)], "phone": "", "email": "", "job_coach_name": "",
              "job_coach_phone": "", "job_coach_email": "", **week()},
        other_change=other, other_kept=lambda: slots() == [(6, 600, 720)],
        post_not_written=lambda: _fresh(Employee, eid).first_name == "Sanne",
        post_written=lambda: _fresh(Employee, eid).first_name == "Oud",
        shown_after_conflict='<input checked id="availability-5-available"',
    )


def sensitive_case(make):
    team = make.team(name="Team A")
    employee = make.employee(team=team)
    db.session.add(EmployeeSensitive(employee=employee, health_notes="Eerst", accommodations="Rustig"))
    eid = employee.id

    def other():
        _fresh(Employee, eid).sensitive.accommodations = "Door de planner"

    return Case(
        user=make.user(role="team_leader", teams=[team]), url=f"/teams/medewerkers/{eid}/persoonlijk",
        post={"indication": "", "indication_until": "", "health_notes": "Oude notitie", "accommodations": "Rustig"},
        other_change=other, other_kept=lambda: _fresh(Employee, eid).sensitive.accommodations == "Door de planner",
        post_not_written=lambda: _fresh(Employee, eid).sensitive.health_notes == "Eerst",
        post_written=lambda: _fresh(Employee, eid).sensitive.health_notes == "Oude notitie",
        shown_after_conflict="Door de planner",
    )


def supervisor_case(make):
    team = make.team(name="Team A")
    cars, bikes = make.work_type(name_nl="Auto's"), make.work_type(name_nl="Fietsen")
    supervisor = make.supervisor(team=team, work_types=[cars], name="Tessa Leider")
    sid = supervisor.id

    def other():
        _fresh(Supervisor, sid).work_types = [cars, bikes]

    return Case(
        user=make.user(role="planner"), url=f"/teams/teamleiders/{sid}/wijzigen",
        post={"name": "Oude Naam", "phone": "06-12345678", "email": "", "team_id": str(team.id), "region": "",
              "user_id": "", "work_type_ids": [str(cars.id)], **week(start="07:30", end="17:30")},
        other_change=other,
        other_kept=lambda: {w.id for w in _fresh(Supervisor, sid).work_types} == {cars.id, bikes.id},
        post_not_written=lambda: _fresh(Supervisor, sid).name == "Tessa Leider",
        post_written=lambda: _fresh(Supervisor, sid).name == "Oude Naam",
        shown_after_conflict=f'<input checked id="work_type_ids-1" name="work_type_ids" type="checkbox" '
                             f'value="{bikes.id}">',
    )


def absence_case(make):
    team = make.team(name="Team A")
    employee = make.employee(team=team)
    absence = make.absence(employee=employee, start=TODAY, end=TODAY + dt.timedelta(days=3), kind="ziek")
    aid = absence.id

    def other():
        _fresh(Absence, aid).note = "Door de planner"

    return Case(
        user=make.user(role="team_leader", teams=[team]), url=f"/teams/afwezigheid/{aid}",
        post={"person": f"medewerker-{employee.id}", "kind": "verlof", "start_date": TODAY.isoformat(),
              "end_date": (TODAY + dt.timedelta(days=3)).isoformat(), "whole_day": "y", "start_time": "",
              "end_time": "", "note": ""},
        other_change=other, other_kept=lambda: _fresh(Absence, aid).note == "Door de planner",
        post_not_written=lambda: _fresh(Absence, aid).kind == "ziek",
        post_written=lambda: _fresh(Absence, aid).kind == "verlof",
        shown_after_conflict="Door de planner",
    )


def ministry_case(make):
    ministry = make.ministry(code="BZK", name="Binnenlandse Zaken")
    mid = ministry.id

    def other():
        _fresh(Ministry, mid).name = "Binnenlandse Zaken en Koninkrijksrelaties"

    return Case(
        user=make.user(role="admin"), url=f"/beheer/ministeries/{mid}",
        post={"code": "BZKR", "name": "Binnenlandse Zaken"},
        other_change=other, other_kept=lambda: _fresh(Ministry, mid).name.endswith("Koninkrijksrelaties"),
        post_not_written=lambda: _fresh(Ministry, mid).code == "BZK",
        post_written=lambda: _fresh(Ministry, mid).code == "BZKR",
        shown_after_conflict="Binnenlandse Zaken en Koninkrijksrelaties",
    )


def location_case(make):
    location = make.location(region="Den Haag", code="dh-rijnstraat", name="Rijnstraat 8", address="Rijnstraat 8",
                             city="Den Haag")
    lid, ministry_id = location.id, location.ministry_id

    def other():
        _fresh(Location, lid).address = "Rijnstraat 8a"

    return Case(
        user=make.user(role="admin"), url=f"/beheer/locaties/{lid}",
        post={"code": "dh-rijnstraat", "name": "Rijnstraat Oud", "ministry_id": str(ministry_id),
              "address": "Rijnstraat 8", "postcode": "", "city": "Den Haag", "region": "Den Haag"},
        other_change=other, other_kept=lambda: _fresh(Location, lid).address == "Rijnstraat 8a",
        post_not_written=lambda: _fresh(Location, lid).name == "Rijnstraat 8",
        post_written=lambda: _fresh(Location, lid).name == "Rijnstraat Oud",
        shown_after_conflict="Rijnstraat 8a",
    )


def work_type_case(make):
    work_type = make.work_type(code="schoonmaak", name_nl="Schoonmaak", name_en="Cleaning", colour="#2f6b2f")
    wid = work_type.id

    def other():
        _fresh(WorkType, wid).name_en = "Cleaning work"

    return Case(
        user=make.user(role="admin"), url=f"/beheer/werksoorten/{wid}",
        post={"code": "schoonmaak", "name_nl": "Schoonmaken", "name_en": "Cleaning", "pictogram": "broom",
              "colour": "#2f6b2f"},
        other_change=other, other_kept=lambda: _fresh(WorkType, wid).name_en == "Cleaning work",
        post_not_written=lambda: _fresh(WorkType, wid).name_nl == "Schoonmaak",
        post_written=lambda: _fresh(WorkType, wid).name_nl == "Schoonmaken",
        shown_after_conflict="Cleaning work",
    )


def user_case(make):
    east, west = make.team(name="Team Oost"), make.team(name="Team West")
    user = make.user(role="team_leader", name="Els Eerst", email="els@binnenwerk.example", teams=[east])
    uid = user.id

    def other():
        _fresh(User, uid).teams = [east, west]

    return Case(
        user=make.user(role="admin"), url=f"/beheer/gebruikers/{uid}",
        post={"email": "els@binnenwerk.example", "name": "Els Later", "role": "team_leader", "ministry_id": "",
              "team_ids": [str(east.id)]},
        other_change=other,
        other_kept=lambda: sorted(t.name for t in _fresh(User, uid).teams) == ["Team Oost", "Team West"],
        post_not_written=lambda: _fresh(User, uid).name == "Els Eerst",
        post_written=lambda: _fresh(User, uid).name == "Els Later",
        shown_after_conflict=f'<option selected value="{west.id}">',
    )


CASES = {
    "team": team_case, "employee": employee_case, "sensitive": sensitive_case, "supervisor": supervisor_case,
    "absence": absence_case, "ministry": ministry_case, "location": location_case, "work_type": work_type_case,
    "user": user_case,
}


@pytest.fixture(params=list(CASES))
def case(request, make, login):
    built = CASES[request.param](make)
    db.session.commit()
    login(built.user)
    return built


def _commit(change: Callable[[], None]) -> None:
    change()
    db.session.commit()


def test_a_save_without_seen_state_is_refused(client, case):
    for data in (case.post, {**case.post, "seen_state": ""}):
        response = client.post(case.url, data=data, follow_redirects=True)
        assert CONFLICT in response.get_data(as_text=True)
        assert case.post_not_written()


def test_a_made_up_seen_state_is_refused(client, case):
    response = client.post(case.url, data={**case.post, "seen_state": "0" * 20}, follow_redirects=True)
    assert CONFLICT in response.get_data(as_text=True)
    assert case.post_not_written()


def test_the_normal_edit_still_saves(client, case):
    response = post_edit(client, case.url, case.post, follow_redirects=True)
    assert CONFLICT not in response.get_data(as_text=True)
    assert case.post_written()


def test_a_refused_form_keeps_what_it_saw_so_the_corrected_save_works(client, make, login):
    """A form shown again for a typo still carries the state it was opened with."""
    team = make.team(name="Team A", region="Utrecht")
    db.session.commit()
    login(make.user(role="planner"))
    url = f"/teams/{team.id}/wijzigen"
    seen = seen_state(client, url)
    bad = client.post(url, data={"name": "Team B", "region": "Utrecht", "home_location_id": "", "max_size": "99",
                                 "seen_state": seen})
    assert bad.status_code == 422 and f'value="{seen}"' in bad.get_data(as_text=True)
    good = client.post(url, data={"name": "Team B", "region": "Utrecht", "home_location_id": "", "max_size": "9",
                                  "seen_state": seen})
    assert good.status_code == 302 and _fresh(Team, team.id).name == "Team B"


# --- deployment requests: the existing version check may not be skipped ------------------------------------


@pytest.mark.parametrize("seen_version", [None, ""])
def test_a_request_change_without_seen_version_is_refused(client, login, world, make, seen_version):  # noqa: F811
    req = make.request(location=world.location, work_type=world.work_type, headcount=3,
                       start_date=next_monday(), end_date=next_monday() + dt.timedelta(days=4))
    login(world.contact)
    url = f"/aanvragen/{req.id}/wijzigen"
    data = request_form(world.location, world.work_type, start_date=next_monday().isoformat(),
                        end_date=(next_monday() + dt.timedelta(days=4)).isoformat(), headcount="5")
    if seen_version is not None:
        data["seen_version"] = seen_version
    response = client.post(url, data=data, follow_redirects=True)
    assert "Deze aanvraag is net veranderd, door iemand anders of in een ander venster." in response.get_data(as_text=True)
    assert _fresh(DeploymentRequest, req.id).headcount == 3

    assert post_request_edit(client, url, data).status_code == 302
    assert _fresh(DeploymentRequest, req.id).headcount == 5
