"""More of the year boundary: dates in another year named with their year on the remaining pages,
Amsterdam's date for the privacy pages, week sheets of a week without a roster, and a Solution
file for another week refused as such."""
from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import select

from binnenwerk.extensions import db
from binnenwerk.models import Assignment, Employee, FeedKind, Roster
from binnenwerk.services import tokens

from .test_rosters_flow import fast_solver, world  # noqa: F401  (fixtures)
from .test_year_boundary_pages import today  # noqa: F401  (fixture: Amsterdam's date, Wednesday 9 December)
from .test_short_notice import line_of

NEW_YEARS_EVE = dt.date(2026, 12, 31)


def get(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return response.get_data(as_text=True)


# --- dates in another year -------------------------------------------------------------------


def test_a_short_notice_change_in_next_year_names_the_year(client, login, make, today):
    today(NEW_YEARS_EVE)
    team = make.team(name="Team Jaar")
    gijs = make.employee(team=team, first_name="Gijs", last_name="Dijkstra", phone="06-11112222")
    make.published_shift(employee=gijs, date=dt.date(2027, 1, 5), cancelled=True, sequence=1)
    make.published_shift(employee=gijs, date=NEW_YEARS_EVE, cancelled=True, sequence=1)
    login(make.user("team_leader", teams=[team]))
    page = get(client, "/home")
    assert "dinsdag 5 januari 2027:" in line_of(page, "Gijs Dijkstra")
    assert "donderdag 31 december (vandaag):" in line_of(page, "Gijs Dijkstra")
    assert page.count('<span class="visually-hidden"> Gijs Dijkstra</span>') == 1  # one Gebeld for one call


def test_an_absence_to_delete_names_the_year_of_its_days_in_another_year(client, login, make, today):
    team = make.team(name="Team Jaar")
    person = make.employee(team=team, first_name="Gijs", last_name="Dijkstra")
    absence = make.absence(employee=person, start=dt.date(2026, 12, 28), end=dt.date(2027, 1, 5))
    login(make.user("team_leader", teams=[team]))
    page = get(client, f"/teams/afwezigheid/{absence.id}/verwijderen")
    assert "<dd>maandag 28 december</dd>" in page
    assert "<dd>dinsdag 5 januari 2027</dd>" in page


def test_links_made_in_another_year_name_it(client, login, make, today):
    team = make.team(name="Team Jaar")
    old, new = make.employee(team=team, first_name="Oud"), make.employee(team=team, first_name="Nieuw")
    location = make.location(name="Turfmarkt 147")
    rows = [tokens.issue(FeedKind.EMPLOYEE, old), tokens.issue(FeedKind.EMPLOYEE, new),
            tokens.issue(FeedKind.TEAM, team), tokens.issue(FeedKind.LOCATION, location)]
    db.session.flush()
    made = [dt.datetime(2025, 12, 30, 10), dt.datetime(2026, 12, 2, 10), dt.datetime(2025, 6, 3, 10),
            dt.datetime(2025, 12, 30, 10)]
    for token, at in zip(rows, made):
        tokens.resolve(token).created_at = at
    login(make.user("planner"))

    page = get(client, f"/kalender/team/{team.id}")
    assert "Actief sinds dinsdag 30 december 2025" in page
    assert "Actief sinds woensdag 2 december<" in page
    assert "Actief sinds dinsdag 3 juni 2025." in page
    assert "Actief sinds dinsdag 30 december 2025" in get(client, "/kalender/locaties")
    shown = get(client, f"/kalender/link/medewerker/{old.id}")
    assert "<dd>dinsdag 30 december 2025</dd>" in shown
    assert "<dd>woensdag 2 december</dd>" in get(client, f"/kalender/link/medewerker/{new.id}")


def test_an_account_made_last_year_names_the_year(client, login, make, today):
    user = make.user("planner", created_at=dt.datetime(2025, 3, 4, 9), last_login_at=dt.datetime(2026, 12, 8, 9))
    login(make.user("admin"))
    page = get(client, f"/beheer/gebruikers/{user.id}")
    assert "<dd>dinsdag 4 maart 2025</dd>" in page
    assert "<dd>dinsdag 8 december</dd>" in page


def test_the_employee_page_names_the_year_of_a_last_working_day_in_another_year(client, make, today):
    employee = make.employee(first_name="Julia", last_name="Huisman", contract_end=NEW_YEARS_EVE)
    later = make.employee(first_name="Jan", last_name="Huisman", contract_end=dt.date(2027, 1, 2))
    token, later_token = tokens.issue(FeedKind.EMPLOYEE, employee), tokens.issue(FeedKind.EMPLOYEE, later)
    db.session.commit()
    today(dt.date(2026, 12, 28))
    page = get(client, f"/week/{token}")
    assert "Je laatste werkdag: donderdag 31 december. In week 1 werk je niet meer bij ons." in page
    page = get(client, f"/week/{later_token}")
    assert "Je laatste werkdag: zaterdag 2 januari 2027. In week 1 werk je niet meer bij ons." in page
    # After the last working day the link has stopped, as an archived person's does.
    today(dt.date(2027, 1, 4))
    assert client.get(f"/week/{token}").status_code == 404


# --- the privacy pages go by Amsterdam's date -------------------------------------------------


def test_privacy_pages_go_by_the_local_date_not_the_servers(client, login, make, today):
    """Far from any real date, so the server's clock says the contract still runs."""
    local = dt.date(2090, 1, 1)
    today(local)
    employee = make.employee(first_name="Karel", last_name="Ende", contract_end=local - dt.timedelta(days=1))
    login(make.user("planner"))
    assert "Karel Ende" in get(client, "/privacy/")
    assert "Anonimiseren" in get(client, f"/privacy/medewerkers/{employee.id}")
    response = client.post(f"/privacy/medewerkers/{employee.id}/anonimiseren", data={"confirm": "y"})
    assert response.status_code == 302, response.get_data(as_text=True)[:800]
    db.session.expire_all()
    assert db.session.get(Employee, employee.id).anonymised_at is not None


# --- week sheets of a week without a roster ---------------------------------------------------


def test_week_sheets_say_when_a_week_has_no_roster_or_only_a_draft(client, login, make, today):
    team = make.team(name="Team Papier")
    make.employee(team, first_name="Anna", last_name="Jansen")
    login(make.user("team_leader", teams=[team]))
    url = f"/rooster/weekbriefjes?week=2026-W53&team={team.id}"

    none = get(client, url)
    assert "Er is nog geen rooster voor week 2026-W53." in none
    assert "niet gepubliceerd" not in none

    db.session.add(Roster(week="2026-W53", team=team, version=0))
    db.session.commit()
    draft = get(client, url)
    assert "Het rooster van week 2026-W53 is nog niet gepubliceerd: de medewerkers zien het nog niet." in draft
    assert "zoals het nu is" not in draft and "nog geen rooster" not in draft


# --- a Solution file for another week ---------------------------------------------------------


def solution_file(tmp_path, world, days) -> str:  # noqa: F811
    path = tmp_path / "roster.json"
    path.write_text(json.dumps({
        "format": "binnenwerk-roster-solution/1", "status": "FEASIBLE",
        "assignments": [{"employee": f"e-{world.people[0].id}", "date": day.isoformat(),
                         "request": f"r-{world.req.id}"} for day in days],
    }))
    return str(path)


def test_a_solution_for_another_week_is_refused_as_such(runner, world, tmp_path, today):  # noqa: F811
    file = solution_file(tmp_path, world, [dt.date(2026, 12, 29), dt.date(2026, 12, 30)])
    result = runner.invoke(args=["plan", "import", "--week", "2027-W01", file])
    assert result.exit_code != 0
    assert "Dit rooster hoort bij week 2026-W53, niet bij week 2027-W01; er is niets veranderd." in result.output
    assert "onbekende aanvraag" not in result.output and "breekt de regels" not in result.output

    result = runner.invoke(args=["plan", "import", "--week", "2026-W50", file])
    assert "Dit rooster hoort bij week 2026-W53, niet bij week 2026-W50;" in result.output

    mixed = solution_file(tmp_path, world, [dt.date(2026, 12, 7), dt.date(2026, 12, 14), dt.date(2026, 12, 29)])
    result = runner.invoke(args=["plan", "import", "--week", "2026-W50", mixed])
    assert result.exit_code != 0
    assert ("Dit rooster heeft diensten buiten week 2026-W50 (in week 2026-W51, 2026-W53); "
            "er is niets veranderd.") in result.output
    assert db.session.scalar(select(Assignment)) is None
