"""The solve progress page keeps polling through a restart or a 503, and shows when no planning
server has taken the job (production-operations QA)."""
from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.browser.test_flows import TEAM_LEADER, next_week

pytestmark = pytest.mark.browser

OFFLINE = "Geen verbinding, ik probeer het opnieuw"


def _job_row(live_server, status: str) -> int:
    """A job of a week no other test plans, for Team Den Haag 1 (a row only, no worker)."""
    from sqlalchemy import select

    from binnenwerk.extensions import db
    from binnenwerk.formatting import shift_week
    from binnenwerk.models import SolveJob, Team

    with live_server.app.app_context():
        team = db.session.scalar(select(Team).where(Team.name == "Team Den Haag 1"))
        job = SolveJob(week=shift_week(next_week(), 20), team_id=team.id, status=status, progress=0.3,
                       time_limit=30, heartbeat_at=_now())
        db.session.add(job)
        db.session.commit()
        return job.id


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def _change(live_server, job_id: int, **values) -> None:
    from binnenwerk.extensions import db
    from binnenwerk.models import SolveJob

    with live_server.app.app_context():
        job = db.session.get(SolveJob, job_id)
        for name, value in values.items():
            setattr(job, name, value)
        db.session.commit()


def test_the_progress_page_keeps_polling_through_failed_answers(page, live_server):
    from binnenwerk.models import JobStatus

    log_in(page, live_server, TEAM_LEADER)
    job_id = _job_row(live_server, JobStatus.RUNNING.value)
    failing = {"on": True, "count": 0}

    def answer(route):
        if failing["on"]:
            failing["count"] += 1
            route.fulfill(status=503, content_type="text/html", body="<h1>Database niet bereikbaar</h1>")
        else:
            route.continue_()

    page.route(f"**/rooster/planning/{job_id}.json", answer)
    try:
        page.goto(f"{live_server.url}/rooster/planning/{job_id}")
        label = page.locator("#job-label")
        expect(label).to_have_text(OFFLINE)
        # The link to reload by hand is offered again (the `hidden` attribute; the .button style
        # shows it in any case).
        expect(page.locator("#job-refresh")).not_to_have_attribute("hidden", "")
        # Still trying, with a growing pause: a second failed poll comes (after about 2 s).
        deadline = dt.datetime.now() + dt.timedelta(seconds=10)
        while failing["count"] < 2 and dt.datetime.now() < deadline:
            page.wait_for_timeout(200)
        assert failing["count"] >= 2

        failing["on"] = False  # the server is back
        _change(live_server, job_id, heartbeat_at=_now())
        expect(label).to_have_text("Bezig met plannen", timeout=15_000)
        expect(page.locator("#job-refresh")).to_have_attribute("hidden", "")

        _change(live_server, job_id, status=JobStatus.FINISHED.value, progress=1.0)
        expect(page.locator("#job")).to_have_attribute("data-done", "true", timeout=10_000)
    finally:
        _change(live_server, job_id, status=JobStatus.FAILED.value, error="test ended")


def test_the_progress_page_shows_when_no_planning_server_took_the_job(page, live_server):
    from binnenwerk.models import JobStatus

    log_in(page, live_server, TEAM_LEADER)
    job_id = _job_row(live_server, JobStatus.QUEUED.value)
    try:
        page.goto(f"{live_server.url}/rooster/planning/{job_id}")
        note = page.locator("#job-waiting")
        expect(note).to_have_attribute("role", "status")
        expect(note).to_have_text("")
        _change(live_server, job_id, created_at=_now() - dt.timedelta(minutes=2))
        expect(note).to_contain_text("Nog geen rekenserver heeft dit rooster opgepakt", timeout=10_000)
        # Only the step is in an aria-live region; the note is a status of its own.
        expect(page.locator("[aria-live]")).to_have_count(1)
    finally:
        _change(live_server, job_id, status=JobStatus.FAILED.value, error="test ended")
