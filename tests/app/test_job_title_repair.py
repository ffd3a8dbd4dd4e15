"""A repair's job page says it repairs (QA round 19: it was titled "Rooster maken" as a plan is)."""
from __future__ import annotations

import re

import pytest

from binnenwerk.services import rosters as service

from .test_rosters_flow import TUE, WEEK, fast_solver, repair_via_page, roster_of, solve_via_page, world  # noqa: F401

pytestmark = pytest.mark.usefixtures("before_work_on_7_december")


def heading(client, job) -> tuple[str, str]:
    page = client.get(f"/rooster/planning/{job.id}").get_data(as_text=True)
    title = " ".join(re.search(r"<title>(.*?)</title>", page, re.S).group(1).split())
    return title, " ".join(re.search(r"<h1>(.*?)</h1>", page, re.S).group(1).split())


def test_a_repairs_job_page_is_titled_as_a_repair_and_a_plans_as_a_plan(client, login, world):
    login(world.tl)
    plan = solve_via_page(client, world.team)
    service.publish(roster_of(world.team))
    repair = repair_via_page(client, world.team, TUE)

    title, h1 = heading(client, repair)
    assert h1 == f"Rooster repareren: week {WEEK}, Team A" and h1 in title
    assert heading(client, plan)[1] == f"Rooster maken: week {WEEK}, Team A"
