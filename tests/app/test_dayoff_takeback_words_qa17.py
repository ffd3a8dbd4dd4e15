"""QA round 17: "Toch laten doorgaan" tells the ministry what happens that day. Taken back before
the planner published the call-off, the team was never taken off and comes as planned; taken back
after it, the planner looks for a team again."""
from __future__ import annotations

import pytest

from binnenwerk.extensions import db
from binnenwerk.models import Roster
from binnenwerk.services import rosters as roster_service

from .test_request_day_off import THU, world  # noqa: F401 (world: a fixture)

pytestmark = pytest.mark.usefixtures("before_work_on_7_december")

STILL_COMING = "Het team dat ingepland was, komt zoals gepland."
LOOKING = "De planner kijkt of er een team kan komen."


def take_back(client, world) -> str:
    page = client.post(f"/aanvragen/{world.req.id}/dag-terug", data={"date": THU.isoformat()}, follow_redirects=True)
    assert page.status_code == 200
    return " ".join(page.get_data(as_text=True).split())


def test_taken_back_before_the_call_off_was_published_the_team_comes_as_planned(client, login, world):
    login(world.contact)
    assert client.post(f"/aanvragen/{world.req.id}/dag-afzeggen", data={"date": THU.isoformat()}).status_code == 302
    said = take_back(client, world)
    assert STILL_COMING in said and LOOKING not in said


def test_taken_back_after_the_call_off_was_published_the_planner_looks_again(client, login, world):
    login(world.contact)
    assert client.post(f"/aanvragen/{world.req.id}/dag-afzeggen", data={"date": THU.isoformat()}).status_code == 302
    roster_service.publish(db.session.get(Roster, world.roster_id))  # the planner calls Thursday off
    db.session.commit()
    said = take_back(client, world)
    assert LOOKING in said and STILL_COMING not in said
