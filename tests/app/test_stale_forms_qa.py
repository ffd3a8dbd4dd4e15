"""A staff form saved over someone else's change keeps what was typed: it comes back (409) with the
fields that differ from what is stored now, and saving it again after looking stores it.

The page tests need the views to call forms_common.refused_as_stale the new way (the form, the
object, its state and how to show the form); the unit tests at the end do not.
"""
from __future__ import annotations

import datetime as dt
import re
from types import SimpleNamespace

from flask_wtf import FlaskForm
from wtforms import SelectField, StringField

from binnenwerk.extensions import db
from binnenwerk.forms_common import (
    DutchDateField, MultiCheckboxField, SeenState, TimeOfDayField, differing_fields, int_or_none, refused_as_stale,
)
from binnenwerk.models import Employee, EmployeeSensitive
from binnenwerk.services import ServiceError
from binnenwerk.services import seen_state as states
from binnenwerk.services.seen_state import CONFLICT as CONFLICT_FIELD

from .edit_forms import CONFLICT, seen_state
from .test_edit_conflicts import _commit, _fresh, case  # noqa: F401  (fixture)
from .test_teams_supervisors import week

KEPT = "Wat je invulde, staat nog in het formulier."

# What each form of test_edit_conflicts says about the other person's change.
NAMED = {
    "/teams/medewerkers/%d/wijzigen": "Beschikbaarheid per week: nu anders opgeslagen.",
    "/teams/medewerkers/%d/persoonlijk": "Aanpassingen op het werk: nu opgeslagen Door de planner.",
    "/teams/teamleiders/": "Werksoorten: nu opgeslagen ",
    "/teams/afwezigheid/": "Opmerking: nu opgeslagen Door de planner.",
    "/teams/": "Maximaal aantal medewerkers: nu opgeslagen 7.",
    "/beheer/ministeries/": "Naam: nu opgeslagen Binnenlandse Zaken en Koninkrijksrelaties.",
    "/beheer/locaties/": "Adres: nu opgeslagen Rijnstraat 8a.",
    "/beheer/werksoorten/": "Cleaning work.",
    "/beheer/gebruikers/": "Teams: nu opgeslagen ",
}


def named(url: str) -> str:
    for start, words in NAMED.items():
        if re.match(re.escape(start).replace("%d", r"\d+"), url):
            return words
    raise AssertionError(url)


def value_of(page: str, name: str) -> str:
    return re.search(rf'<input[^>]*name="{name}"[^>]*value="([^"]*)"', page).group(1)


def test_a_stale_save_comes_back_as_typed_naming_what_differs_and_saves_after_a_look(client, case):  # noqa: F811
    seen = seen_state(client, case.url)
    _commit(case.other_change)

    response = client.post(case.url, data={**case.post, "seen_state": seen})

    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert CONFLICT in page and KEPT in page
    assert named(case.url) in page
    assert case.other_kept() and case.post_not_written()
    # The form carries the state as it is now: sent again as shown, what was typed is stored.
    again = client.post(case.url, data={**case.post, "seen_state": value_of(page, "seen_state")})
    assert again.status_code == 302
    assert case.post_written()


def employee_world(make):
    team = make.team(name="Team A")
    cleaning = make.work_type(name_nl="Schoonmaak")
    employee = make.employee(team=team, work_types=[cleaning], first_name="Sanne", last_name="de Vries",
                             contract_start=dt.date(2026, 1, 5), phone="06-11111111", contract_minutes=1530)
    db.session.add(EmployeeSensitive(employee=employee, health_notes="Eerst", accommodations="Rustig"))
    return SimpleNamespace(team=team, cleaning=cleaning, employee=employee,
                           leader=make.user(role="team_leader", teams=[team]))


def test_the_team_leaders_new_hours_coach_and_times_survive_the_planners_phone_change(client, make, login):
    world = employee_world(make)
    db.session.commit()
    login(world.leader)
    url = f"/teams/medewerkers/{world.employee.id}/wijzigen"
    seen = seen_state(client, url)
    _fresh(Employee, world.employee.id).phone = "06-22222222"  # the planner, meanwhile
    db.session.commit()

    typed = {"first_name": "Sanne", "last_name": "de Vries", "team_id": str(world.team.id), "contract_hours": "30",
             "max_hours_per_day": "8", "contract_start": "2026-01-05", "contract_end": "",
             "work_type_ids": [str(world.cleaning.id)], "phone": "06-11111111", "email": "",
             "job_coach_name": "Jan Coach", "job_coach_phone": "", "job_coach_email": "",
             **week(days=(1, 2, 3), start="09:00", end="15:00"), "seen_state": seen}
    response = client.post(url, data=typed)

    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert CONFLICT in page and KEPT in page
    assert "Telefoon: nu opgeslagen 06-22222222." in page
    assert "Contracturen per week: nu opgeslagen 25,5." in page
    assert "Naam jobcoach: nu opgeslagen niets." in page
    assert "Beschikbaarheid per week: nu anders opgeslagen." in page
    assert "Werksoorten" not in page.split("Controleer het formulier")[1].split("</ul>")[0]  # the same: not named
    assert value_of(page, "contract_hours") == "30" and value_of(page, "job_coach_name") == "Jan Coach"
    assert value_of(page, "availability-0-start") == "09:00"
    stored = _fresh(Employee, world.employee.id)
    assert (stored.phone, stored.contract_minutes, stored.job_coach_name) == ("06-22222222", 1530, "")

    assert client.post(url, data={**typed, "seen_state": value_of(page, "seen_state")}).status_code == 302
    stored = _fresh(Employee, world.employee.id)
    assert (stored.contract_minutes, stored.job_coach_name) == (30 * 60, "Jan Coach")


def test_typed_health_notes_survive_a_change_to_the_accommodations(client, make, login):
    world = employee_world(make)
    db.session.commit()
    login(world.leader)
    url = f"/teams/medewerkers/{world.employee.id}/persoonlijk"
    seen = seen_state(client, url)
    _fresh(Employee, world.employee.id).sensitive.accommodations = "Een eigen werkplek"
    db.session.commit()

    response = client.post(url, data={"indication": "", "indication_until": "", "accommodations": "Rustig",
                                      "health_notes": "Lange notitie over wat nodig is", "seen_state": seen})

    page = response.get_data(as_text=True)
    assert response.status_code == 409 and KEPT in page
    assert "Lange notitie over wat nodig is" in page
    assert "Aanpassingen op het werk: nu opgeslagen Een eigen werkplek." in page
    assert "Gezondheid" in page.split("Controleer het formulier")[1].split("</ul>")[0]
    assert _fresh(Employee, world.employee.id).sensitive.health_notes == "Eerst"


# --- forms_common on its own ------------------------------------------------------------------------


def test_the_old_call_still_shows_the_form_afresh(app):
    with app.test_request_context("/teams/1/wijzigen", method="POST"):
        response = refused_as_stale(ServiceError("Deze gegevens zijn net veranderd.", field=CONFLICT_FIELD),
                                    "/teams/1/wijzigen")
        assert response.status_code == 302 and response.location.endswith("/teams/1/wijzigen")
        assert refused_as_stale(ServiceError("Iets anders."), "/teams/1/wijzigen") is None


class _Form(SeenState, FlaskForm):
    class Meta:
        csrf = False

    name = StringField("Naam")
    phone = StringField("Telefoon (niet verplicht)")
    team_id = SelectField("Team", coerce=int_or_none, choices=[(1, "Team Oost"), (2, "Team West")])
    work_type_ids = MultiCheckboxField("Werksoorten", coerce=int_or_none, choices=[(5, "Auto's"), (6, "Fietsen")])
    start_time = TimeOfDayField("Begintijd")
    ends = DutchDateField("Einde")
    picked = MultiCheckboxField("Plekken", coerce=int_or_none, choices=[(8, "Hal"), (9, "Zaal")])
    stored_as = {"ends": "contract_end", "picked": "allowed_locations"}


def test_the_fields_that_differ_are_named_with_what_is_stored_now(app):
    stored = SimpleNamespace(
        name="Sanne", phone="06-2", team_id=2, work_types=[SimpleNamespace(id=6), SimpleNamespace(id=5)],
        start_minute=540, contract_end=dt.date(2027, 3, 1), allowed_locations=[SimpleNamespace(id=9)])
    data = {"name": " Sanne ", "phone": "06-1", "team_id": "1", "work_type_ids": ["5", "6"], "start_time": "9:00",
            "ends": "2027-03-01", "picked": ["8"]}
    with app.test_request_context("/", method="POST", data=data):
        form = _Form()
        assert differing_fields(form, stored) == [
            "Telefoon: nu opgeslagen 06-2.", "Team: nu opgeslagen Team West.", "Plekken: nu opgeslagen Zaal."]


def test_a_stale_form_comes_back_with_status_409_and_the_state_as_it_is(app, make):
    team = make.team(name="Team Oost", max_size=7)
    db.session.commit()
    with app.test_request_context("/", method="POST", data={"name": "Team Oost", "region": team.region,
                                                           "max_size": "9"}):
        from binnenwerk.teams.forms import TeamForm

        form = TeamForm(meta={"csrf": False})
        form.home_location_id.choices = [("", "–")]
        error = ServiceError("Deze gegevens zijn net veranderd.", field=CONFLICT_FIELD)
        response = refused_as_stale(error, form, team, states.team_state, lambda: ("het formulier", 200))
        assert response.status_code == 409 and response.get_data(as_text=True) == "het formulier"
        assert form.seen_state.data == states.team_state(team)
        assert form.form_errors[1] == "Maximaal aantal medewerkers: nu opgeslagen 7."
        assert refused_as_stale(ServiceError("Iets anders."), form, team, states.team_state, lambda: "") is None


class _NameForm(SeenState, FlaskForm):
    class Meta:
        csrf = False

    name = StringField("Naam")


def test_a_long_stored_text_is_cut_short_in_the_list(app):
    with app.test_request_context("/", method="POST", data={"name": "kort"}):
        line = differing_fields(_NameForm(), SimpleNamespace(name="x" * 200))[0]
        assert line.startswith("Naam: nu opgeslagen xxx") and line.endswith("….") and len(line) < 110
