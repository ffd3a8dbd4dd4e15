"""'Publiceer alle' at a hundred teams: what the rosters hold and what was told is read once for
all rosters, and publishing them together tells exactly what publishing them one by one tells."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import event, select

from binnenwerk.extensions import db
from binnenwerk.models import Assignment, AuditEvent, PublishedShift, Roster, SupervisionAssignment
from binnenwerk.services import rosters

WEEK = "2026-W51"
MON, TUE, WED = dt.date(2026, 12, 14), dt.date(2026, 12, 15), dt.date(2026, 12, 16)


def _draft(team, shifts, supervision=()) -> Roster:
    """A draft roster of WEEK for the team: shifts are (employee, date, request)."""
    roster = Roster(week=WEEK, team=team)
    db.session.add(roster)
    db.session.flush()
    for employee, day, request in shifts:
        db.session.add(Assignment(roster_id=roster.id, employee_id=employee.id, date=day, request_id=request.id))
    for supervisor, day, location in supervision:
        db.session.add(SupervisionAssignment(roster_id=roster.id, supervisor_id=supervisor.id, date=day,
                                             location_id=location.id, team_id=team.id))
    db.session.flush()
    return roster


def _teams_with_drafts(make, count: int) -> None:
    for _ in range(count):
        team = make.team("Utrecht")
        location = make.location("Utrecht")
        request = make.request(location, start_date=MON, end_date=MON + dt.timedelta(days=4))
        people = [make.employee(team) for _ in range(2)]
        _draft(team, [(p, day, request) for p in people for day in (MON, TUE)],
               [(make.supervisor(team), day, location) for day in (MON, TUE)])


def _reads_while_publishing_all(client) -> dict[str, int]:
    """POST 'Publiceer alle' as the all-teams page offers it; the SELECTs of each table it ran."""
    db.session.commit()
    page = client.get(f"/rooster/?week={WEEK}").get_data(as_text=True)
    locks = re.search(r'name="locks" value="([^"]+)"', page).group(1)
    seen: list[str] = []

    def note(_conn, _cursor, statement, *_args):
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", note)
    try:
        response = client.post("/rooster/publiceren-alle", data={"week": WEEK, "locks": locks})
    finally:
        event.remove(db.engine, "before_cursor_execute", note)
    assert response.status_code == 302
    return {table: sum(bool(re.search(rf"\bFROM {table}\b", s)) for s in seen)
            for table in ("published_shift", "assignment", "supervision_assignment")}


def test_publish_all_reads_the_weeks_shifts_once_for_two_teams_and_for_six(client, make, login, monkeypatch):
    monkeypatch.setattr(rosters, "today", lambda: dt.date(2026, 12, 10))
    login(make.user("planner"))
    _teams_with_drafts(make, 2)
    few = _reads_while_publishing_all(client)
    assert db.session.scalar(select(db.func.count(PublishedShift.id))) == 8
    _teams_with_drafts(make, 4)
    many = _reads_while_publishing_all(client)  # the first two are published: the four new ones wait
    assert db.session.scalar(select(db.func.count(PublishedShift.id))) == 24
    assert many == few, (few, many)
    # the week's told shifts, then the short-notice list of the message; one read of the rosters' leaders
    assert many["published_shift"] == 2 and many["supervision_assignment"] == 1, many


@pytest.fixture
def moved(make, monkeypatch):
    """Three teams' week, published once; then Xander moves from team A to team B mid-week,
    A adds a shift, C drops one. Thursday 10 December: Monday the 14th is short notice."""
    monkeypatch.setattr(rosters, "today", lambda: dt.date(2026, 12, 10))
    teams = [make.team("Utrecht", name=f"Team {name}") for name in "ABC"]
    location = make.location("Utrecht")
    request = make.request(location, start_date=MON, end_date=MON + dt.timedelta(days=4))
    xander, anna = make.employee(teams[0], first_name="Xander"), make.employee(teams[0], first_name="Anna")
    bo, cas = make.employee(teams[1], first_name="Bo"), make.employee(teams[2], first_name="Cas")
    leader = make.supervisor(teams[0], name="Lia")
    drafts = [_draft(teams[0], [(xander, MON, request), (xander, TUE, request), (anna, MON, request)],
                     [(leader, MON, location)]),
              _draft(teams[1], [(bo, MON, request)]),
              _draft(teams[2], [(cas, MON, request), (cas, TUE, request)])]
    db.session.commit()
    return teams, drafts, request, (xander, anna, bo, cas)


def _second_week(teams, drafts, request, people) -> None:
    xander, anna, _bo, cas = people
    a, b, c = drafts
    xander.team_id = teams[1].id
    db.session.delete(db.session.scalars(select(Assignment).where(
        Assignment.employee_id == xander.id, Assignment.date == TUE)).one())
    db.session.delete(db.session.scalars(select(Assignment).where(
        Assignment.employee_id == cas.id, Assignment.date == TUE)).one())
    db.session.flush()
    db.session.add_all([Assignment(roster_id=a.id, employee_id=anna.id, date=TUE, request_id=request.id),
                        Assignment(roster_id=b.id, employee_id=xander.id, date=TUE, request_id=request.id),
                        Assignment(roster_id=b.id, employee_id=xander.id, date=WED, request_id=request.id)])
    for roster in drafts:
        roster.has_unpublished_changes = True
    db.session.commit()


def _publish(drafts, how: str) -> list[dict[str, int]]:
    db.session.expire_all()
    if how == "all at once":
        seen = {r.id: r.lock_version for r in db.session.scalars(select(Roster))}
        return [counts for _roster, counts in rosters.publish_week(WEEK, seen).done]
    return [rosters.publish(db.session.get(Roster, r.id)) for r in drafts]


def _told() -> list[tuple]:
    db.session.expire_all()
    return sorted((s.employee.first_name, s.date.day, s.team.name, s.sequence, s.cancelled, s.short_notice,
                   s.supervisor_id is not None) for s in db.session.scalars(select(PublishedShift)))


@pytest.mark.parametrize("how", ["all at once", "one by one"])
def test_publishing_all_tells_what_publishing_each_in_turn_tells(moved, how):
    teams, drafts, request, people = moved
    assert _publish(drafts, how) == [dict(new=3, changed=0, cancelled=0, same=0, held=0, absent=0),
                                     dict(new=1, changed=0, cancelled=0, same=0, held=0, absent=0),
                                     dict(new=2, changed=0, cancelled=0, same=0, held=0, absent=0)]
    _second_week(teams, drafts, request, people)
    # Work on a day that had none is "nieuw" on a republish too (a planner reads "0 nieuw" as
    # "nobody got extra work").
    assert _publish(drafts, how) == [
        dict(new=1, changed=0, cancelled=1, same=2, held=0, absent=0),  # A: Anna's Tuesday added, Xander's Tuesday gone
        dict(new=1, changed=1, cancelled=0, same=1, held=0, absent=0),  # B: Xander's Tuesday taken over, his Wednesday added
        dict(new=0, changed=0, cancelled=1, same=1, held=0, absent=0),  # C: Cas's Tuesday gone
    ]
    assert _told() == [
        ("Anna", 14, "Team A", 0, False, False, True),
        ("Anna", 15, "Team A", 1, False, False, False),
        ("Bo", 14, "Team B", 0, False, False, False),
        ("Cas", 14, "Team C", 0, False, False, False),
        ("Cas", 15, "Team C", 1, True, False, False),
        ("Xander", 14, "Team A", 0, False, False, True),  # his Monday stays with team A's roster
        ("Xander", 15, "Team B", 2, False, False, False),  # called off by A, told again by B
        ("Xander", 16, "Team B", 1, False, False, False),
    ]
    assert [r.version for r in db.session.scalars(select(Roster).order_by(Roster.team_id))] == [2, 2, 2]
    assert len(db.session.scalars(select(AuditEvent).where(AuditEvent.action == "roster.publish")).all()) == 6
