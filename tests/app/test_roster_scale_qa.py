"""A QA pass at full scale: a request accepted into a planned week says so (on accepting and at its
short days), a region's roster page reads only its own grids, publishing an unchanged roster makes
no empty version, and the call-list message names only what this publication changed."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import delete, event, func, select

from binnenwerk import planning
from binnenwerk.extensions import db
from binnenwerk.models import (
    Absence, Assignment, DeploymentRequest, RequestStatus, RosterChange, SupervisionAssignment,
)
from binnenwerk.rosters.routes import GRIDS_AT_ONCE
from binnenwerk.services import feeds
from binnenwerk.services import rosters as service

from .test_rosters_flow import fast_solver, solve_via_page  # noqa: F401  (fast_solver: autouse fixture)

WEEK = "2026-W50"
MON, THU, FRI = dt.date(2026, 12, 7), dt.date(2026, 12, 10), dt.date(2026, 12, 11)
SATURDAY_BEFORE = dt.date(2026, 12, 5)


@pytest.fixture
def saturday(monkeypatch):
    monkeypatch.setattr(feeds, "local_today", lambda: SATURDAY_BEFORE)


def flashes(html: str) -> list[str]:
    found = re.findall(r'<p class="flash[^"]*"[^>]*>(.*?)</p>', html, re.S)
    return [re.sub(r"\s+", " ", text).strip() for text in found]


def panel(html: str) -> str:
    return html.split('id="tekort-kop"', 1)[1].split("</section>", 1)[0]


# --- 1. a request accepted into a week already planned -------------------------------------------


@pytest.fixture
def amersfoort(make):
    """One team in Amersfoort with two people and its leader, a request for one of them Mon-Fri."""
    wt = make.work_type("cars", name_nl="Autowassen")
    place = make.location("Amersfoort", name="Stationsplein 1")
    team = make.team("Amersfoort", name="Team Amersfoort")
    make.supervisor(team, work_types=[wt])
    people = [make.employee(team, work_types=[wt], first_name=n, last_name="Test") for n in ("Anna", "Bram")]
    first = make.request(place, wt, headcount=1, start_date=MON, end_date=dt.date(2026, 12, 18))
    planner = make.user("planner")
    db.session.commit()
    return type("Amersfoort", (), dict(wt=wt, place=place, team=team, people=people, first=first, planner=planner))


def accept(client, request: DeploymentRequest) -> str:
    from binnenwerk.services.requests import version_of

    response = client.post(f"/aanvragen/{request.id}/accepteren",
                           data={"seen_version": version_of(request), "next": "intake"}, follow_redirects=True)
    return response.get_data(as_text=True)


def test_accepting_into_planned_weeks_names_the_weeks_to_plan_again(client, login, make, amersfoort, saturday):
    for week in (WEEK, "2026-W51"):
        planning.get_or_create_roster(week, amersfoort.team.id)
    late = make.request(amersfoort.place, amersfoort.wt, headcount=2, weekdays="15", start_date=MON,
                        end_date=dt.date(2026, 12, 31), status=RequestStatus.SUBMITTED.value)
    elsewhere = make.request(make.location("Zwolle"), amersfoort.wt, start_date=MON, end_date=FRI,
                             status=RequestStatus.SUBMITTED.value)
    login(amersfoort.planner)

    said = flashes(accept(client, late))

    assert said == ["De aanvraag is geaccepteerd.", "Weken 50 en 51 van regio Amersfoort zijn al gepland. Plan die "
                    "regio opnieuw om deze aanvraag in te plannen."]
    # A region with no roster in those weeks has nothing to plan again.
    assert flashes(accept(client, elsewhere)) == ["De aanvraag is geaccepteerd."]


def test_a_short_day_of_a_request_accepted_after_planning_says_so_until_planned_again(
        client, login, make, amersfoort, saturday):
    login(amersfoort.planner)
    assert solve_via_page(client, amersfoort.team).status == "finished"
    # Asks more people than the team has left: short whether planned again or not.
    late = make.request(amersfoort.place, amersfoort.wt, headcount=3, weekdays="15", start_date=MON, end_date=FRI,
                        status=RequestStatus.SUBMITTED.value, start_minute=9 * 60, end_minute=12 * 60)
    db.session.commit()
    accept(client, late)
    hint = "Deze aanvraag is geaccepteerd nadat dit rooster werd gemaakt: plan opnieuw."

    page = panel(client.get(f"/rooster/?week={WEEK}&team={amersfoort.team.id}").get_data(as_text=True))

    rows = page.split("<li><strong>")[1:]
    late_rows = [row for row in rows if "maandag 7 december" in row or "vrijdag 11 december" in row]
    assert len(late_rows) == 2 and all(hint in row for row in late_rows)
    # Instead of the optimiser's reasons, which explain a plan made without this request.
    assert all("al elders ingezet" not in row and "te weinig:" not in row for row in late_rows)

    # Planned again: the optimiser's reasons, no longer the hint.
    assert solve_via_page(client, amersfoort.team).status == "finished"
    again = panel(client.get(f"/rooster/?week={WEEK}&team={amersfoort.team.id}").get_data(as_text=True))
    assert "maandag 7 december" in again and hint not in again

    # A priority changed afterwards says that.
    client.post(f"/aanvragen/{late.id}/prioriteit", data={"priority": "3"})
    changed = panel(client.get(f"/rooster/?week={WEEK}&team={amersfoort.team.id}").get_data(as_text=True))
    assert "De prioriteit van deze aanvraag is veranderd nadat dit rooster werd gemaakt: plan opnieuw." in changed


# --- 2. a region's page reads its own grids only -------------------------------------------------


@pytest.fixture
def regions(make, saturday):
    """Twelve teams in Groningen, eleven in Zwolle, each with a published week; in a Zwolle team
    things that need attention (an absence, a cancelled request, a shift outside working hours,
    an ended contract, a leader away, more hours than the contract)."""
    wt = make.work_type("keyboards")
    built = {}
    for region, count in (("Groningen", 12), ("Zwolle", 11)):
        place = make.location(region, name=f"Kantoor {region}")
        request = make.request(place, wt, headcount=2, start_date=MON, end_date=FRI)
        for i in range(1, count + 1):
            team = make.team(region, name=f"Team {region} {i:02d}")
            leader = make.supervisor(team, work_types=[wt])
            person = make.employee(team, work_types=[wt])
            roster = planning.get_or_create_roster(WEEK, team.id)
            db.session.add(Assignment(roster_id=roster.id, employee_id=person.id, date=MON, request_id=request.id))
            built[team.name] = (team, leader, person, roster, place)
    db.session.commit()
    for team, *_rest in built.values():
        service.publish(service.find_roster(WEEK, team.id))
    team, leader, person, roster, place = built["Team Zwolle 03"]
    asked = roster.assignments[0].request
    make.absence(person, start=MON)  # absent on the day of their shift
    ended = make.employee(team, work_types=[wt], contract_end=dt.date(2026, 12, 8))
    short_contract = make.employee(team, work_types=[wt], contract_minutes=300)
    odd_hours = make.employee(team, work_types=[wt], window=("13:00", "17:00"))
    spare = make.employee(team, work_types=[wt])
    cancelled = make.request(place, wt, headcount=1, start_date=MON, end_date=FRI,
                             status=RequestStatus.CANCELLED.value)
    for who, day, request in ((ended, FRI, asked), (short_contract, THU, asked), (odd_hours, THU, asked),
                              (spare, dt.date(2026, 12, 8), cancelled)):
        db.session.add(Assignment(roster_id=roster.id, employee_id=who.id, date=day, request_id=request.id))
    db.session.add(leading(roster, leader, MON, place))
    make.absence(supervisor=leader, start=MON)
    db.session.commit()
    assert len(built) > GRIDS_AT_ONCE
    return built


def leading(roster, leader, day, place) -> SupervisionAssignment:
    return SupervisionAssignment(roster_id=roster.id, supervisor_id=leader.id, date=day, location_id=place.id,
                                 team_id=roster.team_id)


def overview_lines(html: str) -> dict[str, str]:
    table = html.split('id="overzicht-tabel"', 1)[1].split("</table>", 1)[0]
    return {name: re.sub(r'href="[^"]*"', "", row) for row in re.split(r"<tr[^>]*>", table)[2:]
            for name in re.findall(r">(Team [^<]+)</a>", row)}


def test_a_regions_page_reads_only_its_grids_and_keeps_every_teams_line(client, login, make, regions):
    login(make.user("planner"))
    loaded: list[Assignment] = []

    def count(target, _context):
        loaded.append(target)

    event.listen(Assignment, "load", count)
    try:
        groningen = client.get(f"/rooster/?week={WEEK}&regio=Groningen").get_data(as_text=True)
    finally:
        event.remove(Assignment, "load", count)

    # Only the shown region's shifts are read as rows of the grid; of another region only the shift
    # the requests' table counts off for its person's absence (every region's, for their short days).
    groningen_rosters = {roster.id for team, _l, _p, roster, _pl in regions.values() if team.region == "Groningen"}
    assert {a.roster_id for a in loaded} >= groningen_rosters
    _team, _leader, absent, _roster, _place = regions["Team Zwolle 03"]
    assert [(a.employee_id, a.date) for a in loaded if a.roster_id not in groningen_rosters] == [(absent.id, MON)]
    # Every team's line reads as on the page with every region's grids: status, shifts and notes.
    every = client.get(f"/rooster/?week={WEEK}&regio=alle").get_data(as_text=True)
    assert overview_lines(groningen) == overview_lines(every)
    zwolle_03 = overview_lines(groningen)["Team Zwolle 03"]
    for note in ("1 dienst samen met een afwezigheid", "teamleider afwezig op", "1 dienst op een dag die de "
                 "aanvraag niet meer vraagt", "1 dienst buiten de werktijden", "1 dienst na het einde van een "
                 "contract", "1 medewerker meer uren dan het contract"):
        assert note in zwolle_03, note
    assert "<td>5</td>" in zwolle_03
    # And the regions' counts of teams and short days.
    assert re.search(r'regio=Zwolle">Zwolle</a>\s*<span class="muted">\(11 teams, <span class="tag-warn">'
                     r'\d+ tekort', groningen)


# --- 3. publishing a roster that has not changed -----------------------------------------------


@pytest.fixture
def published(make, saturday):
    wt = make.work_type("keyboards")
    team = make.team("Den Haag", name="Team A")
    make.team("Den Haag", name="Team B")
    person = make.employee(team, work_types=[wt], first_name="Anna", last_name="Test")
    request = make.request(make.location("Den Haag"), wt, headcount=1, start_date=MON, end_date=FRI)
    roster = planning.get_or_create_roster(WEEK, team.id)
    db.session.add(Assignment(roster_id=roster.id, employee_id=person.id, date=MON, request_id=request.id))
    planner = make.user("planner")
    db.session.commit()
    return type("Published", (), dict(team=team, person=person, roster=roster, planner=planner))


def publish_page(client, team) -> str:
    db.session.expire_all()
    roster = service.find_roster(WEEK, team.id)
    response = client.post("/rooster/publiceren", data={"week": WEEK, "team": team.id,
                                                         "lock_version": roster.lock_version}, follow_redirects=True)
    db.session.expire_all()
    return response.get_data(as_text=True)


def history_lines(roster) -> int:
    return db.session.scalar(select(func.count(RosterChange.id)).where(RosterChange.roster_id == roster.id,
                                                                       RosterChange.action == "publish"))


def test_publishing_an_unchanged_roster_makes_no_empty_version(client, login, published):
    login(published.planner)
    assert "Gepubliceerd: versie 1." in publish_page(client, published.team)

    again = publish_page(client, published.team)

    assert "Er was niets te publiceren: medewerkers zien dit rooster al zoals het is." in again
    assert "Gepubliceerd" not in again
    assert service.find_roster(WEEK, published.team.id).version == 1 and history_lines(published.roster) == 1


def test_an_edit_put_back_leaves_the_roster_as_published(client, login, make, published):
    """A cell changed and changed back still said "Er zijn wijzigingen die medewerkers nog niet zien"
    and counted on the start pages until someone pressed Publiceer (a QA finding)."""
    leader = make.supervisor(published.team, work_types=list(published.person.work_types), name="Tineke")
    place = db.session.scalar(select(Assignment).where(Assignment.roster_id == published.roster.id)).request.location_id
    db.session.add(SupervisionAssignment(roster_id=published.roster.id, supervisor_id=leader.id, date=MON,
                                         location_id=place, team_id=published.team.id))
    db.session.commit()
    login(published.planner)
    publish_page(client, published.team)

    def cell(request_id):
        lock = service.find_roster(WEEK, published.team.id).lock_version
        service.set_cell(WEEK, published.team.id, published.person.id, MON, request_id, lock_version=lock)
        db.session.expire_all()
        return service.roster_status(service.find_roster(WEEK, published.team.id))

    told = db.session.scalar(select(Assignment.request_id).where(Assignment.employee_id == published.person.id))
    assert cell(None) == "changed"
    assert cell(told) == "published"
    grid = client.get(f"/rooster/?week={WEEK}&team={published.team.id}").get_data(as_text=True)
    assert "Er zijn wijzigingen die medewerkers nog niet zien" not in grid
    assert service.find_roster(WEEK, published.team.id).version == 1


def test_a_shift_held_back_at_publishing_is_published_once_it_may_be(client, login, make, published):
    """Nothing marks the roster changed when the absence that held a shift back is taken away:
    publishing still has something to tell, so it is no 'nothing to publish'."""
    absence = make.absence(published.person, start=MON)
    login(published.planner)
    first = publish_page(client, published.team)
    assert "Gepubliceerd: versie 1. 0 nieuw" in first
    db.session.execute(delete(Absence).where(Absence.id == absence.id))
    db.session.commit()
    assert service.roster_status(service.find_roster(WEEK, published.team.id)) == "published"

    again = publish_page(client, published.team)

    assert "Gepubliceerd: versie 2. 1 nieuw, 0 gewijzigd, 0 vervallen." in again


# --- 4. the call list after publishing --------------------------------------------------------


WEDNESDAY = dt.date(2026, 12, 9)


def test_publishing_names_only_the_short_notice_changes_it_made(client, login, make, monkeypatch):
    monkeypatch.setattr(feeds, "local_today", lambda: WEDNESDAY)
    wt = make.work_type("keyboards")
    team = make.team("Den Haag", name="Team A")
    make.team("Den Haag", name="Team B")
    request = make.request(make.location("Den Haag"), wt, headcount=3, start_date=MON, end_date=FRI)
    dirk, eva, rosa = (make.employee(team, work_types=[wt], first_name=n, last_name="Test")
                       for n in ("Dirk", "Eva", "Rosa"))
    roster = planning.get_or_create_roster(WEEK, team.id)
    for person in (dirk, eva, rosa):
        db.session.add(Assignment(roster_id=roster.id, employee_id=person.id, date=THU, request_id=request.id))
    leader = make.user("team_leader", teams=[team])
    planner = make.user("planner")
    db.session.commit()
    login(leader)
    publish_page(client, team)

    def free(person):
        lock = service.find_roster(WEEK, team.id).lock_version
        service.set_cell(WEEK, team.id, person.id, THU, None, lock_version=lock)

    free(dirk)
    second = flashes(publish_page(client, team))
    assert any(text.startswith("Op korte termijn veranderd voor: Dirk Test. Bel deze medewerker even") for text in second)

    free(eva)
    third = publish_page(client, team)
    said = flashes(third)
    # Eva is this publication's; Dirk's change, still to call, is pointed at, not named as new.
    assert any(text.startswith("Op korte termijn veranderd voor: Eva Test. Bel deze medewerker even") for text in said)
    assert not any("Dirk" in text for text in said)
    assert ("Van een eerdere publicatie staat nog 1 medewerker op je lijst om te bellen. "
            '<a href="/home#short-notice-title">Bekijk de lijst</a>') in said

    # The planner, whose start page lists every team's calls: the same, with a link to this team's part.
    client.post("/auth/logout")
    login(planner)
    free(rosa)
    said = flashes(publish_page(client, team))
    assert any(text.startswith("Op korte termijn veranderd voor: Rosa Test.") for text in said)
    assert ('Van een eerdere publicatie staan nog 2 medewerkers op je lijst om te bellen. <a href="/home#bellen-team-%d">'
            "Bekijk de lijst</a>" % team.id) in said
