"""A shift before a person's contract starts is marked as such in the grid, not "after the contract
ended" (a new employee planned a day early read as if they had left)."""
from __future__ import annotations

import datetime as dt

from binnenwerk.extensions import db
from binnenwerk.models import Assignment, Roster
from binnenwerk.services import feeds

MON, WED = dt.date(2026, 12, 14), dt.date(2026, 12, 16)  # week 51; the contract starts on Wednesday


def test_a_shift_before_the_contract_starts_says_so(client, make, login, monkeypatch):
    monkeypatch.setattr(feeds, "local_today", lambda: dt.date(2026, 12, 9))
    team = make.team("Utrecht", name="Team Utrecht 4")
    make.supervisor(team, name="Tineke")
    fenna = make.employee(team, first_name="Fenna", last_name="van Nieuw", contract_start=WED)
    leaver = make.employee(team, first_name="Rosa", last_name="Koster", contract_end=MON)
    request = make.request(make.location(region="Utrecht"), start_date=MON, end_date=dt.date(2026, 12, 18))
    roster = Roster(week="2026-W51", team=team)
    db.session.add(roster)
    db.session.flush()
    for person, day in ((fenna, MON), (leaver, MON + dt.timedelta(days=1))):
        db.session.add(Assignment(roster_id=roster.id, employee_id=person.id, date=day, request_id=request.id))
    login(make.user("planner"))
    db.session.commit()

    page = client.get(f"/rooster/?week=2026-W51&team={team.id}").get_data(as_text=True)

    assert page.count("let op: voor begin contract") == 1
    assert page.count("let op: na einde contract") == 1
