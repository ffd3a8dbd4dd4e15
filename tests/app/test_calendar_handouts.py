"""A team's links made in one go, and one printable sheet per employee to hand out."""
from __future__ import annotations

import re

from sqlalchemy import select

from binnenwerk.extensions import db
from binnenwerk.models import AuditEvent, CalendarToken, EmployeeSensitive, FeedKind
from binnenwerk.services import tokens


def active_rows(employees) -> dict[int, int]:
    """employee id -> id of the active link row."""
    db.session.expire_all()
    return {row.employee_id: row.id for row in db.session.scalars(select(CalendarToken).where(
        CalendarToken.employee_id.in_([e.id for e in employees]), CalendarToken.revoked_at.is_(None)))}


def test_links_are_made_for_those_without_one_and_others_keep_theirs(client, login, make):
    team = make.team(name="Team Links")
    anna, bram, cees = (make.employee(team, first_name=n) for n in ("Anna", "Bram", "Cees"))
    tokens.issue(FeedKind.EMPLOYEE, anna)
    db.session.commit()
    before = active_rows([anna, bram, cees])
    login(make.user("team_leader", teams=[team]))

    page = client.get(f"/kalender/team/{team.id}").get_data(as_text=True)
    assert "Links maken voor wie er nog geen heeft (2 medewerkers)" in page
    response = client.post(f"/kalender/team/{team.id}/links-maken", follow_redirects=True)

    assert "2 links gemaakt." in response.get_data(as_text=True)
    after = active_rows([anna, bram, cees])
    assert set(after) == {anna.id, bram.id, cees.id} and after[anna.id] == before[anna.id]
    assert db.session.scalar(select(db.func.count(AuditEvent.id)).where(
        AuditEvent.action == "calendar_token.issue")) == 3
    again = client.post(f"/kalender/team/{team.id}/links-maken", follow_redirects=True)
    assert "Iedereen in het team heeft al een link." in again.get_data(as_text=True)
    assert active_rows([anna, bram, cees]) == after


def test_each_sheet_holds_the_persons_own_codes_and_nothing_private(client, login, make):
    team = make.team(name="Team Briefjes")
    anna = make.employee(team, first_name="Anna", last_name="Jansen")
    anna.sensitive = EmployeeSensitive(indication="Wajong-GEHEIM", health_notes="Rug-GEHEIM")
    bram = make.employee(team, first_name="Bram", last_name="Bos")
    token = tokens.issue(FeedKind.EMPLOYEE, anna)
    db.session.commit()
    login(make.user("team_leader", teams=[team]))

    response = client.get(f"/kalender/team/{team.id}/briefjes")

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store" and response.headers["Referrer-Policy"] == "no-referrer"
    sheet = html.split(f'id="briefje-{anna.id}"')[1].split("</section>")[0]
    assert "Jouw werk op je telefoon, Anna" in sheet
    # The week page's code, and the calendar's: the week page's calendar part (iPhone and Android).
    assert f"/calendar/{token}/qr.svg?voor=week" in sheet and f"/calendar/{token}/qr.svg?voor=agenda\"" in sheet
    assert f'id="briefje-{bram.id}"' not in html
    assert "1 medewerker heeft nog geen link en dus geen briefje:" in html and "Bram Bos" in html
    assert "GEHEIM" not in html
    assert client.get(f"/calendar/{token}/qr.svg?voor=week").status_code == 200
    assert client.get(f"/calendar/{token}/qr.svg?voor=agenda").status_code == 200


def test_another_teams_leader_gets_neither_links_nor_sheets(client, login, make):
    team, other = make.team(name="Team Eigen"), make.team(name="Team Ander")
    person = make.employee(team)
    login(make.user("team_leader", teams=[other]))
    assert client.get(f"/kalender/team/{team.id}/briefjes").status_code == 404
    assert client.post(f"/kalender/team/{team.id}/links-maken").status_code == 404
    assert active_rows([person]) == {}


def test_week_sheets_print_each_persons_published_week(client, login, make):
    import datetime as dt

    from binnenwerk.models import Roster

    team = make.team(name="Team Papier")
    make.supervisor(team, name="Tineke", phone="06-12345678")
    anna = make.employee(team, first_name="Anna", last_name="Jansen")
    anna.sensitive = EmployeeSensitive(indication="Wajong-GEHEIM")
    bram = make.employee(team, first_name="Bram", last_name="Bos")
    monday = dt.date(2026, 12, 7)
    place = make.location(name="Rijnstraat 8")
    make.published_shift(employee=anna, date=monday, location=place, start="09:00", end="15:00", team_id=team.id)
    db.session.add(Roster(week="2026-W50", team=team, version=1, published_at=dt.datetime(2026, 12, 1)))
    db.session.commit()
    login(make.user("team_leader", teams=[team]))

    roster_page = client.get(f"/rooster/?week=2026-W50&team={team.id}").get_data(as_text=True)
    assert "Weekbriefjes afdrukken" in roster_page
    html = client.get(f"/rooster/weekbriefjes?week=2026-W50&team={team.id}").get_data(as_text=True)

    anna_sheet = html.split(f'id="weekbriefje-{anna.id}"')[1].split("</section>")[0]
    assert "Jouw werk, Anna" in anna_sheet and "(week 50)" in anna_sheet
    assert "Maandag 7 december" in anna_sheet and "Je werkt van 09:00 tot 15:00." in anna_sheet
    assert "Waar: Rijnstraat 8" in anna_sheet and "Je teamleider is Tineke." in anna_sheet
    bram_sheet = html.split(f'id="weekbriefje-{bram.id}"')[1].split("</section>")[0]
    assert "Je werkt" not in bram_sheet and bram_sheet.count("Vrij.") == 5
    assert "niet gepubliceerd zoals het nu is" not in html
    assert "GEHEIM" not in html
    assert len(set(re.findall(r'id="(dag-[^"]+)"', html))) == len(re.findall(r'id="(dag-[^"]+)"', html)) == 10


def test_a_week_sheet_not_ready_yet_names_its_week(client, login, make):
    team = make.team(name="Team Later")
    make.employee(team, first_name="Anna", last_name="Jansen")
    db.session.commit()
    login(make.user("team_leader", teams=[team]))
    html = client.get(f"/rooster/weekbriefjes?week=2026-W51&team={team.id}").get_data(as_text=True)
    assert "Je rooster voor week 51 is nog niet klaar." in html and "deze week is nog niet klaar" not in html


def team_with_links(make, login, names):
    """A team of people named (first, last), each with a link, and its team leader logged in."""
    team = make.team(name="Team Namen")
    people = [make.employee(team, first_name=first, last_name=last) for first, last in names]
    for person in people:
        tokens.issue(FeedKind.EMPLOYEE, person)
    db.session.commit()
    login(make.user("team_leader", teams=[team]))
    return team, people


def test_links_sheets_and_week_sheets_list_people_by_last_name_like_the_roster(client, login, make):
    team, people = team_with_links(make, login, [("Anna", "Zwart"), ("Cees", "Alders"), ("Bram", "Mulder"),
                                                 ("Anna", "Mulder")])
    by_last_name = ["Cees Alders", "Anna Mulder", "Bram Mulder", "Anna Zwart"]
    ids = {p.name: p.id for p in people}

    def order(html: str, marker: str) -> list[str]:
        return sorted(by_last_name, key=lambda name: html.index(marker.format(id=ids[name])))

    links = client.get(f"/kalender/team/{team.id}").get_data(as_text=True)
    assert order(links, "/kalender/link/medewerker/{id}\"") == by_last_name
    handouts = client.get(f"/kalender/team/{team.id}/briefjes").get_data(as_text=True)
    assert order(handouts, 'id="briefje-{id}"') == by_last_name
    sheets = client.get(f"/rooster/weekbriefjes?week=2026-W50&team={team.id}").get_data(as_text=True)
    assert order(sheets, 'id="weekbriefje-{id}"') == by_last_name


def test_each_sheet_has_its_own_heading_when_people_share_a_first_or_whole_name(client, login, make):
    """The heading names the sheet's region: two the same is one landmark twice (axe landmark-unique)."""
    team, _people = team_with_links(make, login, [("Umut", "Kuiper"), ("Umut", "Prins"), ("Rosa", "de Vries"),
                                                  ("Rosa", "de Vries")])
    for url in (f"/kalender/team/{team.id}/briefjes", f"/rooster/weekbriefjes?week=2026-W50&team={team.id}"):
        html = client.get(url).get_data(as_text=True)
        headings = re.findall(r'<h2 id="(?:week)?briefje-\d+">(.*?)</h2>', html, re.S)
        assert len(headings) == 4 and len(set(headings)) == 4, (url, headings)
        assert any("Umut Kuiper" in h for h in headings) and any("Umut Prins" in h for h in headings)


def test_week_sheets_are_only_for_the_teams_own_leader(client, login, make):
    team, other = make.team(name="Team Eigen"), make.team(name="Team Ander")
    login(make.user("team_leader", teams=[other]))
    assert client.get(f"/rooster/weekbriefjes?week=2026-W50&team={team.id}").status_code == 404


def test_a_week_sheet_prints_long_access_instructions_once_and_no_today(client, login, make, monkeypatch):
    """A 2,000-character access text printed on every day at that place took a sheet to three pages,
    and the sheet printed on Monday said "Maandag (vandaag)" for the rest of the week (QA findings)."""
    import datetime as dt

    from binnenwerk.models import Roster
    from binnenwerk.services import feeds

    monday = dt.date(2026, 12, 7)
    monkeypatch.setattr(feeds, "local_today", lambda: monday)
    team = make.team(name="Team Papier")
    anna = make.employee(team, first_name="Anna", last_name="Jansen")
    place = make.location(name="Rijnstraat 8")
    ask = make.request(place, start_date=monday, end_date=monday + dt.timedelta(days=30),
                       access_instructions="Meld je bij de receptie. " * 40)
    for day in (monday, monday + dt.timedelta(days=2)):
        make.published_shift(employee=anna, date=day, location=place, request=ask, team_id=team.id)
    db.session.add(Roster(week="2026-W50", team=team, version=1, published_at=dt.datetime(2026, 12, 1)))
    db.session.commit()
    login(make.user("team_leader", teams=[team]))

    sheet = client.get(f"/rooster/weekbriefjes?week=2026-W50&team={team.id}").get_data(as_text=True)

    assert sheet.count("Meld je bij de receptie.") == 40
    assert "Zo kom je binnen: dat staat bij maandag 7 december." in sheet
    assert "(vandaag)" not in sheet and "is-today" not in sheet
    # The week page on screen still says which day is today, and gives the text each day.
    token = tokens.issue(FeedKind.EMPLOYEE, anna)
    db.session.commit()
    week = client.get(f"/week/{token}").get_data(as_text=True)
    assert "(vandaag)" in week and week.count("Meld je bij de receptie.") == 80
