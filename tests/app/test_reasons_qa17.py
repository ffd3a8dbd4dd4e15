"""The words of a short request-day's reasons in the app (QA pass 17): the rest owed to a shift in
the next week reads as rest, and the new variants of the reasons are worded as the optimiser words
them."""
from __future__ import annotations

import datetime as dt

import pytest
from flask_babel import force_locale

from binnenwerk import planning, reasons
from binnenwerk.extensions import db
from binnenwerk.models import Assignment, SupervisionAssignment
from scheduling.explain import dutch, reason

pytestmark = pytest.mark.usefixtures("before_work_on_7_december")
WEEK = "2026-W50"
SUNDAY, NEXT_MONDAY = dt.date(2026, 12, 13), dt.date(2026, 12, 14)
EVERY_DAY = (1, 2, 3, 4, 5, 6, 7)
WEDNESDAY = "2026-12-09"


@pytest.fixture
def late_sunday(make):
    """Noord's one team: a request on Sunday 15:00-23:00 for one; Anna and the stand-in Ina free
    every day 06:00-23:59, the team's own leader on weekdays only; next week's roster has Anna at
    work on Monday at 08:30, led by Ina: 11 hours' rest leaves them Sunday until 21:30."""
    wt = make.work_type("carwash")
    team = make.team("Noord", name="Team Groningen")
    make.supervisor(team, work_types=[wt], name="Tineke Teamleider")
    ina = make.supervisor(None, region="Noord", work_types=[wt], weekdays=EVERY_DAY, window=("06:00", "23:59"),
                          name="Ina Invaller")
    anna = make.employee(team, work_types=[wt], weekdays=EVERY_DAY, window=("06:00", "23:59"), first_name="Anna")
    place = make.location("Noord", name="Stationsweg 1")
    sunday = make.request(place, wt, weekdays="7", start_date=SUNDAY, end_date=SUNDAY,
                          start_minute=15 * 60, end_minute=23 * 60, headcount=1)
    monday = make.request(place, wt, weekdays="1", start_date=NEXT_MONDAY, end_date=NEXT_MONDAY,
                          start_minute=8 * 60 + 30, end_minute=12 * 60 + 30, headcount=1)
    roster = planning.get_or_create_roster("2026-W51", team.id)
    db.session.add(Assignment(roster_id=roster.id, employee_id=anna.id, date=NEXT_MONDAY, request_id=monday.id))
    db.session.add(SupervisionAssignment(roster_id=roster.id, supervisor_id=ina.id, date=NEXT_MONDAY,
                                         location_id=place.id, team_id=team.id))
    db.session.commit()
    return team, sunday


def _sunday_reasons(team) -> list[str]:
    problem, idmap = planning.build_problem(WEEK, [team.id])
    solution = planning.current_solution(WEEK, [team.id], problem)
    [row] = [r for r in planning.shortfalls(problem, solution, idmap) if r.date == SUNDAY]
    return reasons.render(row.missing, [c.as_dict() for c in row.codes])


def test_rest_owed_to_next_weeks_monday_reads_as_rest_for_employee_and_leader(app, late_sunday):
    team, _sunday = late_sunday
    with app.test_request_context(), force_locale("nl"):
        said = _sunday_reasons(team)
    assert said[0] == "1 te weinig: 1 teamleider die dit kan leiden heeft dan te weinig rust tussen twee " \
                      "werkdagen", said
    assert "1 medewerker heeft dan te weinig rust tussen twee diensten" in said
    assert not any("niet beschikbaar" in s or "geen teamleider vrij" in s for s in said), said


def test_the_problem_still_keeps_that_rest_from_the_optimiser(app, late_sunday):
    team, _sunday = late_sunday
    problem, idmap = planning.build_problem(WEEK, [team.id])
    anna = next(e for e in problem.employees if e.name.startswith("Anna"))
    assert anna.availability[SUNDAY] == ((6 * 60, 21 * 60 + 30),)
    assert idmap.rest_kept[anna.id] == {SUNDAY: [(21 * 60 + 30, 23 * 60 + 59)]}


NEW_VARIANTS = [
    reason("outside_window", n=1, day=WEDNESDAY, start="08:30", end="12:30", partly=1),
    reason("outside_window", n=2, day=WEDNESDAY, start="08:30", end="12:30", partly=1),
    reason("too_few_fit", n=0, of=3, day=WEDNESDAY),
    reason("too_few_fit", n=0, of=1, day=WEDNESDAY),
    reason("supervisors_busy", day=WEDNESDAY, places="Stationsweg 1"),
    reason("supervisors_busy", day=WEDNESDAY, teams="Team 2", places="Stationsweg 1"),
    reason("other_supervisors_busy", n=1, day=WEDNESDAY, places="Stationsweg 1"),
    reason("other_supervisors_busy", n=2, day=WEDNESDAY, teams="Team 2", places="Stationsweg 1"),
    reason("no_supervisor", day=WEDNESDAY, teams="Team 1", own_away=1, n=1),
    reason("no_supervisor", day=WEDNESDAY, teams="Team 1", own_away=1, n=2),
]


@pytest.mark.parametrize("r", NEW_VARIANTS, ids=lambda r: "-".join(f"{k}={v}" for k, v in r.params))
def test_the_app_words_the_new_variants_in_dutch_as_the_optimiser_does(app, r):
    with app.test_request_context(), force_locale("nl"):
        assert reasons.render(2, [r.as_dict()]) == [f"2 te weinig: {dutch(r)}"]


def test_the_new_variants_read_as_asked(app):
    said = {dutch(r) for r in NEW_VARIANTS}
    assert "1 medewerker is op woensdag niet de hele tijd van 08:30 tot 12:30 beschikbaar" in said
    assert "geen van de 3 gevraagde medewerkers heeft deze werksoort en is op woensdag op tijd beschikbaar" in said
    assert "niemand met deze werksoort is op woensdag op tijd beschikbaar (1 medewerker gevraagd)" in said
    assert "alle teamleiders die dit kunnen leiden zijn op woensdag al elders ingezet (op Stationsweg 1)" in said
    assert "de eigen teamleider van Team 1 is op woensdag vrij of afwezig" in said
    assert "de eigen teamleiders van Team 1 zijn op woensdag vrij of afwezig" in said


def test_a_ministry_contact_never_sees_the_roster_page_with_the_reasons(client, login, make):
    login(make.user("ministry_contact"))
    response = client.get(f"/rooster/?week={WEEK}")
    assert response.status_code in (302, 403), response.status_code
