"""QA round 14 (misc): words that say what happened, and refusals that say why.

1. "Zelfde als vorige week" over Good Friday with no earlier roster: a Friday that has shifts
   already is not said to "stay empty"; the message says nothing was copied to it.
2. The employee form's maximum per day refuses a text that is no number with an example that fits
   the field (at most 12), not the contract hours' 25,5.
3. The job-agreement report refuses a quarter it cannot read with a message and this quarter's
   report (its downloads send to that page), not a 404; the capacity report reads ?vanaf= as its
   first week and says when it cannot.
"""
from __future__ import annotations

import datetime as dt
import html

import pytest
from sqlalchemy import select

from binnenwerk.extensions import db
from binnenwerk.models import Assignment, Employee, Roster
from binnenwerk.services import rosters as service
from tests.conftest import english_client

from .test_teams_employees import employee_form

GOOD_FRIDAY_WEEK, EASTER_WEEK = "2027-W12", "2027-W13"
MONDAY_22_MARCH, FRIDAY_2_APRIL = dt.date(2027, 3, 22), dt.date(2027, 4, 2)


def _text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def _flash(page: str) -> str:
    return page.split('class="flash flash-', 1)[1].split("</", 1)[0]


# --- 1. copying over Good Friday --------------------------------------------------------------------


@pytest.fixture
def easter(make, before_work_on_7_december):
    """A team whose rosters start in the week of Good Friday (26 March 2027): Anna on its Monday."""
    wt = make.work_type("cleaning", name_nl="Schoonmaak")
    place = make.location("Den Haag", name="Rijnstraat 8")
    team = make.team("Den Haag", name="Team Pasen")
    make.supervisor(team, work_types=[wt])
    anna, bram = (make.employee(team, work_types=[wt], first_name=name, last_name="Test") for name in ("Anna", "Bram"))
    ask = make.request(place, wt, weekdays="12345", headcount=2, start_date=dt.date(2027, 3, 15),
                       end_date=dt.date(2027, 4, 30))
    planner = make.user("planner")
    db.session.commit()
    service.set_cell(GOOD_FRIDAY_WEEK, team.id, anna.id, MONDAY_22_MARCH, ask.id, lock_version=0)
    return type("World", (), dict(team=team, anna=anna, bram=bram, ask=ask, planner=planner))


def _copy(client, world) -> str:
    roster = service.find_roster(EASTER_WEEK, world.team.id)
    return _text(client.post("/rooster/vorige-week", data={
        "week": EASTER_WEEK, "team": world.team.id, "lock_version": roster.lock_version if roster else 0,
    }, follow_redirects=True))


def _friday_shifts(world) -> int:
    db.session.expire_all()
    return len(db.session.scalars(select(Assignment).join(Roster).where(
        Roster.week == EASTER_WEEK, Roster.team_id == world.team.id, Assignment.date == FRIDAY_2_APRIL)).all())


def test_a_holiday_weekday_that_has_shifts_already_is_not_said_to_stay_empty(client, login, easter):
    for person in (easter.anna, easter.bram):
        roster = service.find_roster(EASTER_WEEK, easter.team.id)
        service.set_cell(EASTER_WEEK, easter.team.id, person.id, FRIDAY_2_APRIL, easter.ask.id,
                         lock_version=roster.lock_version if roster else 0)
    roster = service.find_roster(EASTER_WEEK, easter.team.id)
    service.publish(roster, user=easter.planner, lock_version=roster.lock_version)
    login(easter.planner)

    said = _flash(_copy(client, easter))
    assert _friday_shifts(easter) == 2
    assert ("Vorige week was vrijdag 26 maart 2027 een feestdag (Goede Vrijdag), en er is geen eerdere week met een "
            "rooster. Voor vrijdag 2 april 2027 is niets overgenomen.") in said, said
    assert "blijft leeg" not in said


def test_a_holiday_weekday_without_shifts_is_still_said_to_stay_empty(client, login, easter):
    login(easter.planner)
    said = _flash(_copy(client, easter))
    assert _friday_shifts(easter) == 0
    assert "Vrijdag 2 april 2027 blijft leeg." in said and "niets overgenomen" not in said.split("Goede Vrijdag")[1]


# --- 2. the maximum per day's example ---------------------------------------------------------------


@pytest.mark.parametrize("typed", ["abc", "-3"])
def test_the_maximum_per_day_refuses_a_text_with_an_example_that_fits_it(client, make, login, typed):
    team = make.team(region="Den Haag", name="Team Haaglanden")
    keyboard = make.work_type(name_nl="Toetsenborden reinigen")
    login(make.user(role="planner"))
    response = client.post("/teams/medewerkers/nieuw",
                           data=employee_form(team, [keyboard], max_hours_per_day=typed))
    page = _text(response)
    assert response.status_code == 422
    assert "Vul een aantal uren in, bijvoorbeeld 6." in page
    assert "Vul een aantal uren in, bijvoorbeeld 25,5." not in page  # the contract hours' example
    assert db.session.scalars(select(Employee)).first() is None


def test_the_maximum_per_day_s_example_in_english(app_with, make):
    team = make.team(region="Den Haag", name="Team Haaglanden")
    keyboard = make.work_type(name_nl="Toetsenborden reinigen")
    english = english_client(app_with, make, role="planner")
    form = employee_form(team, [keyboard], max_hours_per_day="abc")
    page = _text(english.post("/teams/medewerkers/nieuw", data=form))
    assert "Enter a number of hours, for example 6." in page
    assert "Enter a number of hours, for example 25.5." not in page


# --- 3. a quarter or first week that cannot be read -------------------------------------------------


REFUSED_QUARTER = "'abc' is geen kwartaal dat we kennen. Je ziet nu dit kwartaal (2026-K4)."


def test_a_quarter_that_cannot_be_read_says_so_and_shows_this_quarter(client, login, make, before_work_on_7_december):
    login(make.user(role="planner"))
    response = client.get("/rapportages/banenafspraak?kwartaal=abc")
    page = _text(response)
    assert response.status_code == 200
    assert REFUSED_QUARTER in page
    assert "<title>Fout: " in page and "Banenafspraak: kwartaal 4 2026" in page


@pytest.mark.parametrize("download", ["banenafspraak.csv", "banenafspraak-teams.csv", "banenafspraak.xlsx"])
def test_a_download_of_a_quarter_that_cannot_be_read_gets_the_page_that_says_so(client, login, make, download,
                                                                                before_work_on_7_december):
    login(make.user(role="planner"))
    response = client.get(f"/rapportages/{download}?kwartaal=abc")
    assert response.status_code == 302 and "attachment" not in response.headers.get("Content-Disposition", "")
    page = _text(client.get(response.headers["Location"]))
    assert REFUSED_QUARTER in page


def test_a_quarter_that_cannot_be_read_in_english(app_with, make, before_work_on_7_december):
    english = english_client(app_with, make, role="planner")
    page = _text(english.get("/rapportages/banenafspraak?kwartaal=abc"))
    assert "'abc' is not a quarter we know. You now see this quarter (2026-Q4)." in page


def test_the_capacity_report_reads_vanaf_and_says_when_it_cannot(client, login, make, before_work_on_7_december):
    login(make.user(role="planner"))
    refused = client.get("/rapportages/capaciteit?vanaf=xx")
    page = _text(refused)
    assert refused.status_code == 200
    assert "'xx' is geen week die we kennen. Je ziet nu deze week." in page and "<title>Fout: " in page
    chosen = _text(client.get("/rapportages/capaciteit?vanaf=2027-W05"))
    assert "vanaf maandag 1 februari 2027" in chosen and "geen week die we kennen" not in chosen
