"""QA pass 17, small UI fixes: the plan buttons of the all-teams roster page, and the ministry's
plan page counting the days not planned yet apart from the days that fell short."""
from __future__ import annotations

import datetime as dt
import re

import pytest

from binnenwerk.extensions import db
from binnenwerk.models import RequestStatus, Roster

pytestmark = pytest.mark.usefixtures("before_work_on_7_december")

ROSTER_WEEK = "2026-W50"


# --- the roster page's plan buttons ---------------------------------------------------------------


@pytest.fixture
def many_teams(make):
    """More teams than fit on one page (rosters.routes.GRIDS_AT_ONCE): the overview without a
    region shows the grids of Almere, the first region by name."""
    for region, count in (("Zwolle", 11), ("Almere", 11)):
        for i in range(1, count + 1):
            make.team(region, name=f"Team {region} {i:02d}")
    planner = make.user("planner")
    db.session.commit()
    return planner


def plan_buttons(page: str) -> list[tuple[str, str]]:
    """The solve form's submit buttons in page order: (class, visible text)."""
    form = re.search(r'<form method="post" action="/rooster/plannen" class="actions">(.*?)</form>', page, re.S)
    assert form, "no plan form on the page"
    found = []
    for attrs, inner in re.findall(r"<button([^>]*)>(.*?)</button>", form.group(1), re.S):
        visible = re.sub(r'<span class="visually-hidden">.*?</span>', "", inner, flags=re.S)
        text = " ".join(re.sub(r"<[^>]+>", " ", visible).split())
        found.append((re.search(r'class="([^"]*)"', attrs).group(1), text))
    return found


def test_the_all_teams_overview_plans_all_teams_first_and_names_the_region(client, login, many_teams):
    login(many_teams)
    page = client.get(f"/rooster/?week={ROSTER_WEEK}").get_data(as_text=True)

    buttons = plan_buttons(page)
    assert buttons[0] == ("button primary", "Plan alle teams (vaste diensten blijven)")
    assert buttons[1] == ("button", "Plan regio Almere")  # said, not hidden text behind "deze regio"
    assert re.search(r'<button[^>]*name="regio" value="Almere"[^>]*>Plan regio Almere</button>', page)
    assert "Plan deze regio" not in page


def test_a_regions_page_plans_that_region_first_by_its_name(client, login, many_teams):
    login(many_teams)
    page = client.get(f"/rooster/?week={ROSTER_WEEK}&regio=zwolle").get_data(as_text=True)  # as typed

    assert plan_buttons(page) == [("button primary", "Plan regio Zwolle"),
                                  ("button", "Plan alle teams (vaste diensten blijven)")]


def test_a_mistyped_region_is_not_taken_for_the_region_shown_instead(client, login, many_teams):
    login(many_teams)
    page = client.get(f"/rooster/?week={ROSTER_WEEK}&regio=Zwole").get_data(as_text=True)

    assert "Er is geen regio" in page  # the page shows Almere instead, and says so
    assert plan_buttons(page)[0] == ("button primary", "Plan alle teams (vaste diensten blijven)")


def test_every_region_at_once_has_only_the_all_teams_button(client, login, many_teams):
    login(many_teams)
    page = client.get(f"/rooster/?week={ROSTER_WEEK}&regio=alle").get_data(as_text=True)

    assert plan_buttons(page) == [("button primary", "Plan alle teams (vaste diensten blijven)")]


# --- the ministry's plan page ---------------------------------------------------------------------

PLAN_WEEK = "2027-W10"
MONDAY = dt.date.fromisocalendar(2027, 10, 1)


@pytest.fixture
def contact_world(make):
    ministry = make.ministry(name="Ministerie van Eigen Zaken")
    location = make.location(region="Den Haag", ministry=ministry, name="Den Haag locatie 3")
    work_type = make.work_type(name_nl="Toetsenborden reinigen")
    team = make.team(region="Den Haag", name="Team Hofstad")
    leader = make.supervisor(team=team, name="Sanne Leider")
    people = [make.employee(team=team) for _ in range(2)]
    contact = make.user(role="ministry_contact", ministry=ministry)
    return dict(make=make, ministry=ministry, location=location, work_type=work_type, team=team, leader=leader,
                people=people, contact=contact)


def make_request(w, start: dt.date, end: dt.date):
    return w["make"].request(location=w["location"], work_type=w["work_type"], status=RequestStatus.ACCEPTED.value,
                             start_date=start, end_date=end, weekdays="12345", headcount=2)


def plan_page(client, w) -> str:
    db.session.commit()
    return client.get(f"/aanvragen/planning?week={PLAN_WEEK}").get_data(as_text=True)


def test_the_plan_says_how_many_days_are_not_planned_yet(client, login, contact_world):
    """QA: "2 van de 18 dagen zijn helemaal gedekt" where 13 of the others were later weeks not
    planned yet; it read as 16 days gone wrong."""
    w = contact_world
    req = make_request(w, MONDAY, MONDAY + dt.timedelta(days=11))  # two weeks: 10 working days
    for person in w["people"]:  # Monday: 2 of 2
        w["make"].published_shift(employee=person, date=MONDAY, location=w["location"], work_type=w["work_type"],
                                  supervisor=w["leader"], request_id=req.id)
    w["make"].published_shift(employee=w["people"][0], date=MONDAY + dt.timedelta(days=1),  # Tuesday: 1 of 2
                              location=w["location"], work_type=w["work_type"], supervisor=w["leader"],
                              request_id=req.id)
    # The region's only team has published week 10: its days with nobody are planned without
    # anyone ("Niemand ingepland"), not waiting. Week 11 is not planned yet.
    db.session.add(Roster(week=PLAN_WEEK, team=w["team"], version=1))
    login(w["contact"])

    page = plan_page(client, w)

    assert "1 van de 10 dagen is helemaal gedekt. 5 dagen zijn nog niet ingepland." in page
    assert page.count("✗ Nog niet ingepland") == 5 and page.count("✗ Niemand ingepland") == 3


def test_one_day_not_planned_yet_is_counted_in_the_singular(client, login, contact_world):
    w = contact_world
    req = make_request(w, MONDAY, MONDAY + dt.timedelta(days=1))
    for person in w["people"]:
        w["make"].published_shift(employee=person, date=MONDAY, location=w["location"], work_type=w["work_type"],
                                  supervisor=w["leader"], request_id=req.id)
    login(w["contact"])

    assert "1 van de 2 dagen is helemaal gedekt. 1 dag is nog niet ingepland." in plan_page(client, w)


def test_a_request_with_nothing_planned_yet_says_so_instead_of_none_covered(client, login, contact_world):
    w = contact_world
    make_request(w, MONDAY, MONDAY + dt.timedelta(days=4))
    make_request(w, MONDAY + dt.timedelta(days=7), MONDAY + dt.timedelta(days=7))  # one day
    login(w["contact"])

    page = plan_page(client, w)

    assert "Geen van de 5 dagen is al ingepland." in page and "0 van de 5" not in page
    assert "De dag is nog niet ingepland." in page and "De dag is niet helemaal gedekt." not in page


def test_days_that_fell_short_are_still_counted_as_before(client, login, contact_world):
    """Nothing waits for a later week's planning: the count is the one it always was."""
    w = contact_world
    req = make_request(w, MONDAY, MONDAY + dt.timedelta(days=1))
    w["make"].published_shift(employee=w["people"][0], date=MONDAY, location=w["location"],
                              work_type=w["work_type"], supervisor=w["leader"], request_id=req.id)
    db.session.add(Roster(week=PLAN_WEEK, team=w["team"], version=1))
    login(w["contact"])

    page = plan_page(client, w)

    assert "0 van de 2 dagen zijn helemaal gedekt.</p>" in page
    assert "nog niet ingepland." not in page
