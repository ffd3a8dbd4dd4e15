"""A team leader archived while still leading shifts: from today on treated as an absent leader.

Employees' week pages and feeds, the ministry's plan and the rosters say what they say for an
absent leader (no name, no phone; the roster flags the days that need another leader), archiving
says which weeks and teams still need a repair, a repair picks another leader, and taking the
leader back undoes it all. Days gone by keep the history as it was.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
from sqlalchemy import delete, select

from binnenwerk import jobs
from binnenwerk.extensions import db
from binnenwerk.models import Assignment, FeedKind, PublishedShift, Roster, SupervisionAssignment
from binnenwerk.services import feeds, tokens

MON = dt.date(2026, 12, 7)  # week 50, gone by: history
WED = dt.date(2026, 12, 9)  # today
THU = dt.date(2026, 12, 10)  # week 50, to come
NEXT_MON = dt.date(2026, 12, 14)  # week 51 (a draft)

AWAY_DAY = "Je teamleider is er die dag niet. Binnenwerk zoekt iemand anders."
AWAY_PAST = "Je teamleider was er die dag niet."  # a day gone by: nobody is sought any more
NAMED = "Je teamleider is Tineke Teamleider."
LED = "Die dag is Tineke Teamleider je teamleider."  # archived: not the team's own leader any more
PHONE = "06-11112222"


@pytest.fixture(autouse=True)
def fast_solver(app):
    app.config.update(SOLVE_DETERMINISTIC=True, SOLVE_WORKERS=1, SOLVE_TIME_LIMIT=2.0, REDIS_URL="")


@pytest.fixture
def world(make, monkeypatch):
    """Team Den Haag 1 led by Tineke: week 50 published (Monday gone by, Thursday to come), week 51
    a draft; a pool stand-in in the region; another team, so the roster page has its overview."""
    monkeypatch.setattr(feeds, "local_today", lambda: WED)
    wt = make.work_type("keyboards", name_nl="Toetsenborden reinigen")
    bzk = make.ministry("BZK", name="Ministerie van BZK")
    place = make.location("Den Haag", ministry=bzk, name="Rijnstraat 8")
    team = make.team("Den Haag", name="Team Den Haag 1")
    make.team("Den Haag", name="Team Den Haag 2")
    leader = make.supervisor(team, work_types=[wt], name="Tineke Teamleider", phone=PHONE)
    stand_in = make.supervisor(None, region="Den Haag", work_types=[wt], name="Olaf Kaya", phone="06-33334444")
    anna = make.employee(team, work_types=[wt], first_name="Anna", last_name="Jansen")
    request = make.request(place, wt, weekdays="14", headcount=1, start_date=MON, end_date=dt.date(2026, 12, 31))
    w50 = Roster(week="2026-W50", team=team, version=1, published_at=dt.datetime(2026, 12, 4, 12))
    w51 = Roster(week="2026-W51", team=team)
    db.session.add_all([w50, w51])
    db.session.flush()
    for roster, day in ((w50, MON), (w50, THU), (w51, NEXT_MON)):
        db.session.add(Assignment(roster_id=roster.id, employee_id=anna.id, date=day, request_id=request.id))
        db.session.add(SupervisionAssignment(roster_id=roster.id, supervisor_id=leader.id, date=day,
                                             location_id=place.id, team_id=team.id))
    for day in (MON, THU):
        make.published_shift(employee=anna, date=day, location=place, work_type=wt, supervisor=leader,
                             request=request)
    planner = make.user("planner")
    contact = make.user("ministry_contact", ministry=bzk)
    employee_token = tokens.issue(FeedKind.EMPLOYEE, anna)
    location_token = tokens.issue(FeedKind.LOCATION, place)
    db.session.commit()
    return type("World", (), dict(wt=wt, place=place, team=team, leader=leader, stand_in=stand_in, anna=anna,
                                  request=request, planner=planner, contact=contact,
                                  employee_token=employee_token, location_token=location_token))


def _text(response) -> str:
    return response.get_data(as_text=True)


def archive(client, world, follow=True):
    return client.post(f"/teams/teamleiders/{world.leader.id}/archiveren", follow_redirects=follow)


def restore(client, world):
    return client.post(f"/teams/teamleiders/{world.leader.id}/terugzetten", follow_redirects=True)


def day_block(html: str, day: dt.date) -> str:
    return html.split(f'id="day-{day.isoformat()}"')[1].split("</article>")[0]


def events(feed: str) -> dict[str, str]:
    """Each event's unfolded text by its DTSTART date (YYYYMMDD)."""
    unfolded = feed.replace("\r\n ", "").replace("\\,", ",").replace("\\;", ";")
    out = {}
    for event in unfolded.split("BEGIN:VEVENT")[1:]:
        out[re.search(r"DTSTART;TZID=[^:]+:(\d{8})", event).group(1)] = event.split("END:VEVENT")[0]
    return out


def plan_rows(client) -> dict[str, dict]:
    text = _text(client.get("/aanvragen/planning.csv")).lstrip("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    return {row["Datum"]: row for row in rows if row["Team"]}


def overview_note(html: str, team_name: str) -> str:
    table = html.split('id="overzicht-tabel"')[1].split("</table>")[0]
    row = next(r for r in re.findall(r"<tr[^>]*>(.*?)</tr>", table, flags=re.S) if f">{team_name}</a>" in r)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip()


# --- what archiving says -------------------------------------------------------------------------


def test_archiving_a_leader_who_leads_only_in_a_draft_says_to_change_it_before_publishing(client, login, world):
    """Week 51 alone, never published: not "publiceer het opnieuw" (a QA finding)."""
    db.session.execute(delete(SupervisionAssignment).where(SupervisionAssignment.date < NEXT_MON))
    db.session.execute(delete(PublishedShift))
    db.session.commit()
    login(world.planner)
    html = _text(archive(client, world))
    assert ("Tineke Teamleider leidt nog diensten in week 51 (Team Den Haag 1). Pas dat rooster aan voordat je "
            "het publiceert.") in html
    assert "opnieuw" not in html.split("Tineke Teamleider leidt nog diensten")[1].split("</p>")[0]


def test_archiving_a_leader_who_still_leads_names_the_weeks_and_teams_and_what_to_do(client, login, world):
    login(world.planner)
    html = _text(archive(client, world))
    assert "Teamleider Tineke Teamleider is gearchiveerd." in html
    assert ("Tineke Teamleider leidt nog diensten in week 50 en 51 (Team Den Haag 1). "
            "Repareer die roosters en publiceer ze opnieuw.") in html
    # Each day from today on that she leads goes into the roster's history (not Monday, gone by).
    history = _text(client.get(f"/rooster/{db.session.scalar(select(Roster.id).where(Roster.week == '2026-W50'))}"
                               "/geschiedenis"))
    assert "Teamleider Tineke Teamleider is gearchiveerd, maar leidt het team op donderdag 10 december." in history
    assert "op maandag 7 december" not in history
    assert "Teamleider gearchiveerd" in history and "leader_archived" not in history  # the "Wat" column


def test_archiving_a_leader_who_led_only_days_gone_by_warns_of_nothing(client, login, world):
    """The stand-in led Monday only: archiving them asks for no repair. (Tineke, who still
    leads, does get the warning: the check is not that nothing is ever said.)"""
    roster = db.session.scalar(select(Roster).where(Roster.week == "2026-W50"))
    db.session.add(SupervisionAssignment(roster_id=roster.id, supervisor_id=world.stand_in.id, date=MON,
                                         location_id=world.place.id, team_id=world.team.id))
    db.session.commit()
    login(world.planner)
    html = _text(client.post(f"/teams/teamleiders/{world.stand_in.id}/archiveren", follow_redirects=True))
    assert "Teamleider Olaf Kaya is gearchiveerd." in html and "leidt nog diensten" not in html
    assert "Tineke Teamleider leidt nog diensten in week 50 en 51" in _text(archive(client, world))


def test_the_archiving_message_in_english(app_with, make, world):
    from tests.conftest import english_client

    browser = english_client(app_with, make, role="planner")
    html = _text(browser.post(f"/teams/teamleiders/{world.leader.id}/archiveren", follow_redirects=True))
    assert ("Tineke Teamleider still leads shifts in weeks 50 and 51 (Team Den Haag 1). "
            "Repair those rosters and publish them again.") in html


# --- the employee's week page and feeds ----------------------------------------------------------


def test_the_week_page_names_no_archived_leader_on_days_to_come(client, login, world):
    page = f"/week/{world.employee_token}"
    before = day_block(_text(client.get(page)), THU)
    assert NAMED in before and f"Bel {PHONE}." in before
    login(world.planner)
    archive(client, world)

    html = _text(client.get(page))
    thursday = day_block(html, THU)
    assert AWAY_DAY in thursday
    assert "Tineke" not in thursday and PHONE not in thursday and "tel:" not in thursday
    # Monday has gone by: it keeps who led it (no longer the team's own leader: "Die dag is ...").
    assert LED in day_block(html, MON) and AWAY_DAY not in day_block(html, MON)
    # No top block offering to call her either.
    assert "tel:0611112222" not in html.split('id="day-')[0]


def test_the_feeds_name_no_archived_leader_on_days_to_come_and_their_etag_changes(client, login, world):
    feed_url = f"/calendar/{world.employee_token}.ics"
    first = client.get(feed_url)
    assert f"Teamleider: Tineke Teamleider, telefoon {PHONE}" in events(_text(first))["20261210"]
    etag = first.headers["ETag"]
    login(world.planner)
    archive(client, world)

    # A phone asking whether its copy still holds gets the new text, not 304.
    again = client.get(feed_url, headers={"If-None-Match": etag})
    assert again.status_code == 200
    by_day = events(_text(again))
    assert AWAY_DAY in by_day["20261210"]
    assert "Tineke" not in by_day["20261210"] and PHONE not in by_day["20261210"]
    assert f"Teamleider: Tineke Teamleider, telefoon {PHONE}" in by_day["20261207"]  # gone by: as it was

    visits = events(_text(client.get(f"/calendar/{world.location_token}.ics")))
    assert "Teamleider: afwezig, Binnenwerk zoekt een vervanger" in visits["20261210"]
    assert "Tineke" not in visits["20261210"] and PHONE not in visits["20261210"]


def test_days_led_after_the_archiving_stay_without_the_leader_once_gone_by(client, login, world, monkeypatch):
    """Archived on Wednesday, not repaired: on Friday, Thursday has gone by. It was told as a day
    without her, and she was not there: the week page, the feeds and the ministry's plan keep
    saying so (they named her again once the day had passed). Monday, before the archiving,
    keeps her name; taking her back names her on Thursday again."""
    login(world.planner)
    archive(client, world)
    client.post("/auth/logout")
    monkeypatch.setattr(feeds, "local_today", lambda: dt.date(2026, 12, 11))

    html = _text(client.get(f"/week/{world.employee_token}?week=2026-W50"))
    thursday = day_block(html, THU)
    assert AWAY_PAST in thursday and "Tineke" not in thursday
    assert "zoekt" not in thursday and "Bel dan Binnenwerk" not in thursday
    assert LED in day_block(html, MON)
    by_day = events(_text(client.get(f"/calendar/{world.employee_token}.ics")))
    assert AWAY_PAST in by_day["20261210"] and "Tineke" not in by_day["20261210"]
    assert "zoekt" not in by_day["20261210"]
    assert f"Teamleider: Tineke Teamleider, telefoon {PHONE}" in by_day["20261207"]
    visits = events(_text(client.get(f"/calendar/{world.location_token}.ics")))
    assert "Teamleider: afwezig" in visits["20261210"] and "zoekt" not in visits["20261210"]
    login(world.contact)
    rows = plan_rows(client)
    assert rows[THU.isoformat()]["Teamleider"] == "afwezig"  # gone by: no longer "looking for a stand-in"
    assert rows[MON.isoformat()]["Teamleider"] == "Tineke Teamleider"

    client.post("/auth/logout")
    login(world.planner)
    restore(client, world)
    assert db.session.get(type(world.leader), world.leader.id).archived_on is None
    by_day = events(_text(client.get(f"/calendar/{world.employee_token}.ics")))
    assert f"Teamleider: Tineke Teamleider, telefoon {PHONE}" in by_day["20261210"]


# --- the ministry's plan -------------------------------------------------------------------------


def test_the_ministrys_plan_csv_gives_no_name_or_phone_of_an_archived_leader(client, login, world):
    login(world.planner)
    archive(client, world)
    client.post("/auth/logout")
    login(world.contact)

    rows = plan_rows(client)
    thursday = rows[THU.isoformat()]
    assert "Tineke" not in str(thursday) and PHONE not in str(thursday)
    assert thursday["Teamleider"] == "afwezig, Binnenwerk zoekt een vervanger" and thursday["Telefoon teamleider"] == ""
    # Monday has gone by: it keeps who led it.
    assert rows[MON.isoformat()]["Teamleider"] == "Tineke Teamleider"
    assert rows[MON.isoformat()]["Telefoon teamleider"] == PHONE


# --- the rosters ---------------------------------------------------------------------------------


def test_the_rosters_flag_the_days_an_archived_leader_still_leads(client, login, world):
    login(world.planner)
    assert "teamleider afwezig" not in overview_note(_text(client.get("/rooster/?week=2026-W50")), "Team Den Haag 1")
    archive(client, world)

    note = overview_note(_text(client.get("/rooster/?week=2026-W50")), "Team Den Haag 1")
    assert "teamleider afwezig op do 10 dec" in note and "ma 7 dec" not in note
    assert "teamleider afwezig op ma 14 dec" in overview_note(_text(client.get("/rooster/?week=2026-W51")),
                                                             "Team Den Haag 1")
    grid = _text(client.get(f"/rooster/?week=2026-W50&team={world.team.id}"))
    assert "Tineke Teamleider leidt het team op donderdag 10 december, maar is dan afwezig." in grid
    assert "maandag 7 december, maar is dan afwezig" not in grid
    leader_row = grid.split('<th scope="row">Teamleider</th>')[1].split("</tr>")[0]
    marked = ["let op: afwezig" in cell for cell in re.findall(r"<td>(.*?)</td>", leader_row, flags=re.S)]
    assert marked[:5] == [False, False, False, True, False]  # Mon-Fri


def test_a_repair_puts_another_leader_on_the_days_to_come(client, login, world):
    """The roster flags the day, and a repair from it leaves the flag behind."""
    login(world.planner)
    archive(client, world)
    grid = _text(client.get(f"/rooster/?week=2026-W50&team={world.team.id}"))
    assert "Tineke Teamleider leidt het team op donderdag 10 december, maar is dan afwezig." in grid
    roster = db.session.scalar(select(Roster).where(Roster.week == "2026-W50"))
    response = client.post("/rooster/repareren", data={"week": "2026-W50", "team": world.team.id,
                                                       "day": THU.isoformat(), "time_limit": "10",
                                                       "lock_version": roster.lock_version})
    assert response.status_code == 302, _text(response)[:500]
    jobs.wait(int(response.headers["Location"].rstrip("/").split("/")[-1]), 60)
    db.session.expire_all()
    leads = {s.date: s.supervisor_id for s in db.session.scalars(
        select(SupervisionAssignment).where(SupervisionAssignment.roster_id == roster.id))}
    assert leads[THU] == world.stand_in.id  # the solver leaves archived leaders out
    assert leads[MON] == world.leader.id  # a day before the repair keeps who led it
    grid = _text(client.get(f"/rooster/?week=2026-W50&team={world.team.id}"))
    assert "maar is dan afwezig" not in grid


# --- taking the leader back -----------------------------------------------------------------------


def test_taking_the_leader_back_undoes_it_where_the_roster_still_has_her(client, login, world):
    login(world.planner)
    archive(client, world)
    assert AWAY_DAY in day_block(_text(client.get(f"/week/{world.employee_token}")), THU)
    html = _text(restore(client, world))
    assert "Teamleider Tineke Teamleider is weer actief." in html and "leidt nog diensten" not in html

    thursday = day_block(_text(client.get(f"/week/{world.employee_token}")), THU)
    assert NAMED in thursday and f"Bel {PHONE}." in thursday and AWAY_DAY not in thursday
    assert f"Teamleider: Tineke Teamleider, telefoon {PHONE}" in events(
        _text(client.get(f"/calendar/{world.employee_token}.ics")))["20261210"]
    assert "teamleider afwezig" not in overview_note(_text(client.get("/rooster/?week=2026-W50")), "Team Den Haag 1")
    client.post("/auth/logout")
    login(world.contact)
    assert plan_rows(client)[THU.isoformat()]["Telefoon teamleider"] == PHONE


def test_the_day_gone_by_gets_a_newer_stamp_as_its_leader_line_changes(client, login, world, monkeypatch):
    """A calendar app may keep an event whose stamps all stayed: the away day's new words ("afwezig",
    no one sought) come with a LAST-MODIFIED of the next day's start."""
    login(world.planner)
    archive(client, world)
    client.post("/auth/logout")
    monkeypatch.setattr(feeds, "local_today", lambda: dt.date(2026, 12, 10))
    to_come = _text(client.get(f"/calendar/{world.location_token}.ics"))
    monkeypatch.setattr(feeds, "local_today", lambda: dt.date(2026, 12, 11))
    gone_by = _text(client.get(f"/calendar/{world.location_token}.ics"))

    def modified(body: str) -> str:
        thursday = next(e for e in body.split("BEGIN:VEVENT")[1:] if ":20261210T" in e.split("DTSTART", 1)[1][:40])
        return re.search(r"LAST-MODIFIED:(\S+)", thursday).group(1)

    assert modified(to_come) < "20261210T230000Z" <= modified(gone_by)
