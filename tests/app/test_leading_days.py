"""A team leader's start page says where and when they lead, as the published rosters told it.

Team Den Haag 1 works at Turfmarkt 147 every weekday of week 2026-W50 (three people, 09:00-15:00),
its roster published. Piet, a stand-in of the regional pool of Den Haag (no team), leads it from
Monday to Thursday; Bram, the own leader of Team Den Haag 2, stands in on Friday. Team Den Haag 2's
roster of that week is a draft that has Piet lead it on Friday; next week's roster of Team Den
Haag 1 is a draft with Piet on Monday, and the week after is published with Piet on Monday too.
"""
from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from binnenwerk import planning
from binnenwerk.extensions import db
from binnenwerk.models import Assignment, Roster, SupervisionAssignment
from binnenwerk.services import feeds
from binnenwerk.services import rosters as roster_service

from ..conftest import TEST_PASSWORD, compile_english_catalog

D = dt.date
MON = D(2026, 12, 7)
WEEK_DAYS = [MON + dt.timedelta(days=n) for n in range(5)]
TUE, WED, THU, FRI = WEEK_DAYS[1:]
NEXT_MON, LATER_MON = D(2026, 12, 14), D(2026, 12, 21)


@pytest.fixture
def world(make, monkeypatch):
    now = dt.datetime(2026, 12, 7, 7, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))
    monkeypatch.setattr(feeds, "local_now", lambda: now)
    monkeypatch.setattr(feeds, "local_today", lambda: now.date())
    wt = make.work_type("keyboards")
    turfmarkt = make.location("Den Haag", name="Turfmarkt 147", address="Turfmarkt 147", postcode="2511 DP")
    rijnstraat = make.location("Den Haag", ministry=turfmarkt.ministry, name="Rijnstraat 8", address="Rijnstraat 8")
    one = make.team("Den Haag", name="Team Den Haag 1")
    two = make.team("Den Haag", name="Team Den Haag 2")
    anna = make.supervisor(one, name="Anna Eigen", phone="070 111 2233", work_types=[wt])
    bram = make.supervisor(two, name="Bram Buur", phone="070-444 5566", work_types=[wt])
    piet = make.supervisor(None, region="Den Haag", name="Piet Pool", phone="06-99887766", work_types=[wt])
    piet.user = make.user("team_leader", name="Piet Pool")
    bram.user = make.user("team_leader", name="Bram Buur", teams=[two])
    ones = [make.employee(one, work_types=[wt], first_name=n, last_name="Turf", contract_minutes=2400)
            for n in ("An", "Bo", "Cas")]
    twos = [make.employee(two, work_types=[wt], first_name=n, last_name="Rijn", contract_minutes=2400)
            for n in ("Dirk", "Eva")]
    at_turfmarkt = make.request(turfmarkt, wt, weekdays="12345", headcount=3, start_date=MON, end_date=D(2026, 12, 31))
    at_rijnstraat = make.request(rijnstraat, wt, weekdays="12345", headcount=2, start_date=MON,
                                 end_date=D(2026, 12, 31), start_minute=8 * 60 + 30, end_minute=14 * 60)

    def roster(week, team, people, request, days, leaders, publish):
        r = planning.get_or_create_roster(week, team.id)
        for person in people:
            for day in days:
                db.session.add(Assignment(roster_id=r.id, employee_id=person.id, date=day, request_id=request.id))
        for day, leader in leaders.items():
            db.session.add(SupervisionAssignment(roster_id=r.id, supervisor_id=leader.id, date=day,
                                                 location_id=request.location_id, team_id=team.id))
        db.session.commit()
        if publish:
            roster_service.publish(db.session.get(Roster, r.id))
            db.session.commit()

    roster("2026-W50", one, ones, at_turfmarkt, WEEK_DAYS, {MON: piet, TUE: piet, WED: piet, THU: piet, FRI: bram},
           publish=True)
    roster("2026-W50", two, twos, at_rijnstraat, WEEK_DAYS, {MON: bram, TUE: bram, WED: bram, THU: bram, FRI: piet},
           publish=False)
    roster("2026-W51", one, ones, at_turfmarkt, [NEXT_MON], {NEXT_MON: piet}, publish=False)
    roster("2026-W52", one, ones, at_turfmarkt, [LATER_MON], {LATER_MON: piet}, publish=True)
    return type("World", (), dict(piet=piet, bram=bram, anna=anna, one=one, two=two, piet_user=piet.user,
                                  bram_user=bram.user, turfmarkt=turfmarkt))


def leading_section(client) -> str:
    html = client.get("/home").get_data(as_text=True)
    assert 'class="leading-days"' in html, html[:3000]
    return html.split('class="leading-days"')[1].split("</section>")[0]


def rows(section: str) -> dict[str, str]:
    """The section's table rows by their row header (the day)."""
    found = {}
    for row in re.findall(r"<tr>(.*?)</tr>", section, flags=re.S):
        head = re.search(r'<th scope="row">(.*?)</th>', row, flags=re.S)
        if head:
            found[re.sub(r"\s+", " ", head.group(1)).strip()] = row
    return found


def test_a_pool_stand_in_sees_the_published_days_they_lead(client, login, world):
    login(world.piet_user)
    html = client.get("/home").get_data(as_text=True)
    assert "Je bent invaller in de pool van regio Den Haag." in html
    assert "Je bent nog niet aan een team gekoppeld" not in html
    section = leading_section(client)
    assert "Waar je leidt" in section
    days = rows(section)
    assert list(days) == ["maandag 7 december (vandaag)", "dinsdag 8 december", "woensdag 9 december",
                          "donderdag 10 december"]
    monday = days["maandag 7 december (vandaag)"]
    assert "Team Den Haag 1" in monday and "Turfmarkt 147" in monday and "2511 DP" in monday
    assert "09:00–15:00" in monday
    assert "<td>3</td>" in monday
    # Whom to call about the team: its own leader.
    assert "Anna Eigen" in monday and 'href="tel:0701112233"' in monday
    # A table a screen reader can read: a caption, headers with their scope.
    assert "<caption" in section and '<th scope="col">' in section


def test_draft_rosters_and_other_weeks_are_not_told(client, login, world):
    login(world.piet_user)
    section = leading_section(client)
    # Friday: Team Den Haag 2's roster that has Piet lead is a draft; the weeks are this one and next.
    assert "vrijdag 11 december" not in section and "Rijnstraat" not in section and "Team Den Haag 2" not in section
    assert "14 december" not in section and "21 december" not in section
    assert "Volgende week (ma 14 dec – zo 20 dec) leid je nog nergens." in section


def test_a_teams_own_leader_standing_in_elsewhere_sees_that_day(client, login, world):
    login(world.bram_user)
    html = client.get("/home").get_data(as_text=True)
    assert "Team Den Haag 2" in html  # their own team, as before
    days = rows(leading_section(client))
    # Their own team's roster is a draft: only the Friday at Team Den Haag 1, which is published.
    assert list(days) == ["vrijdag 11 december"]
    friday = days["vrijdag 11 december"]
    assert "Team Den Haag 1" in friday and "Turfmarkt 147" in friday and "09:00–15:00" in friday
    assert "Anna Eigen" in friday and "070 111 2233" in friday


def test_days_the_leader_is_absent_are_marked_without_why(client, login, world, make):
    make.absence(supervisor=world.piet, start=WED, kind="ziek", note="griep")
    make.absence(supervisor=world.piet, start=THU, kind="ziek", times=("14:00", "15:00"))
    make.absence(employee=db.session.scalar(select(Assignment)).employee, start=MON, kind="ziek")
    db.session.commit()
    login(world.piet_user)
    section = leading_section(client)
    days = rows(section)
    assert "Je bent dan afwezig" in days["woensdag 9 december"]
    assert "Je bent afwezig: 14:00–15:00" in days["donderdag 10 december"]
    assert "afwezig" not in days["dinsdag 8 december"]
    # Never why, never who of the people, nor their absences.
    for word in ("ziek", "griep", "An Turf", "Bo Turf", "Cas Turf", "Turf, "):
        assert word not in section


def test_the_section_in_english(app_with, world):
    compile_english_catalog()
    world.piet_user.locale = "en"
    db.session.commit()
    browser = app_with().test_client()
    assert browser.post("/auth/login", data={"email": world.piet_user.email,
                                             "password": TEST_PASSWORD}).status_code == 302
    section = leading_section(browser)
    assert "Where you lead" in section
    days = rows(section)
    assert "Monday 7 December (today)" in days
    monday = days["Monday 7 December (today)"]
    assert '<span lang="nl">Turfmarkt 147, 2511 DP Den Haag</span>' in monday and "09:00–15:00" in monday
    assert "You are not leading anywhere next week (Mon 14 Dec – Sun 20 Dec) yet." in section


def test_a_leader_who_leads_nowhere_is_told_so(client, login, make, world):
    quiet = make.supervisor(None, region="Den Haag", name="Quinten Stil")
    quiet.user = make.user("team_leader", name="Quinten Stil")
    db.session.commit()
    login(quiet.user)
    section = leading_section(client)
    assert "<table" not in section
    assert "Deze week (ma 7 dec – zo 13 dec) leid je nergens." in section


def test_a_leader_changed_but_not_yet_published_is_not_told(client, login, world, make):
    """The people of Tuesday still expect Piet until the change is published: so does his list."""
    tuesday = db.session.scalar(select(SupervisionAssignment).where(SupervisionAssignment.date == TUE,
                                                                    SupervisionAssignment.team_id == world.one.id))
    tuesday.supervisor_id = world.anna.id
    tuesday.roster.has_unpublished_changes = True
    world.anna.user = make.user("team_leader", name="Anna Eigen", teams=[world.one])
    db.session.commit()
    login(world.piet_user)
    assert "dinsdag 8 december" in rows(leading_section(client))
    client.post("/auth/logout")
    login(world.anna.user)
    assert "dinsdag 8 december" not in rows(leading_section(client))
