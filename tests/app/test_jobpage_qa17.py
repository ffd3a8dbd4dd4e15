"""The solve job's page on a large week (QA round 17): regions still to do are counted, not turned into
a meaningless percentage; teams left out for the same reason share one line with fitting advice;
publishing all rosters during a solve says what that solve then does; and a team leader is not told
to stop a planner's solve they cannot see."""
from __future__ import annotations

import datetime as dt
import html

import pytest
from sqlalchemy import select

from binnenwerk import jobs
from binnenwerk.extensions import db
from binnenwerk.models import JobStatus, Roster, SolveJob, utcnow
from binnenwerk.services import rosters as roster_service
from scheduling import Progress

from .test_solve_integrity_qa import fast_solver  # noqa: F401 (an autouse fixture: a quick, repeatable solver)

WEEK = "2026-W50"
MON = dt.date(2026, 12, 7)


@pytest.fixture
def world(make):
    """Two teams in two regions, each with its leader, two people and a request for two on Monday."""
    wt = make.work_type("keyboards", name_nl="Toetsenborden")
    teams = {}
    for region, names in (("Den Haag", ("Anna", "Bram")), ("Zwolle", ("Cees", "Dirk"))):
        team = teams[region] = make.team(region, name=f"Team {region} 1")
        make.supervisor(team, work_types=[wt], name=f"Leider {region}")
        for name in names:
            make.employee(team, work_types=[wt], first_name=name, last_name="Test")
        make.request(make.location(region, name=f"Kantoor {region}"), wt, weekdays="1", headcount=2,
                     start_date=MON, end_date=MON)
    planner = make.user("planner")
    leader_user = make.user("team_leader", teams=[teams["Den Haag"]])
    db.session.commit()
    return type("World", (), dict(teams=teams, planner=planner, leader_user=leader_user))


def running_job(world, *, team=None, region=None, **values) -> SolveJob:
    """A solve of the week that runs now (its heartbeat fresh), as another process would show it."""
    job = SolveJob(week=WEEK, team_id=team.id if team else None, region=region, status=JobStatus.RUNNING.value,
                   time_limit=30.0, heartbeat_at=utcnow(), created_by_id=world.planner.id, **values)
    db.session.add(job)
    db.session.commit()
    return job


def text_of(response) -> str:
    return html.unescape(" ".join(response.get_data(as_text=True).split()))


def run_job() -> SolveJob:
    job = jobs.create_job(WEEK, None, time_limit=5)
    jobs.run(job.id)
    db.session.expire_all()
    return db.session.get(SolveJob, job.id)


# --- 1: regions still to do ---------------------------------------------------------------------


def test_while_regions_are_still_to_do_the_page_counts_them_instead_of_a_percentage(client, login, world):
    job = running_job(world, elapsed_seconds=3.0, best_objective=250_000.0, best_bound=2_000.0,
                      result={"regions": {"with_roster": 12, "of": 25}})
    login(world.planner)

    page = text_of(client.get(f"/rooster/planning/{job.id}"))
    detail = client.get(f"/rooster/planning/{job.id}.json").get_json()["detail"]

    assert "3 van 30 seconden. 12 van 25 regio's hebben een rooster; de planner werkt aan de rest." in page
    assert detail == "3 van 30 seconden. 12 van 25 regio's hebben een rooster; de planner werkt aan de rest."
    assert "%" not in detail and "hoogstens" not in page
    # The step alone is announced, not the count (it is in the element that is not live).
    assert 'role="status" aria-live="polite">Bezig met plannen</strong>' in page


def test_once_every_region_has_a_roster_the_page_says_how_much_better_it_can_get(client, login, world):
    job = running_job(world, elapsed_seconds=21.0, best_objective=100_000.0, best_bound=90_000.0,
                      result={"regions": {"with_roster": 25, "of": 25}})
    login(world.planner)

    detail = client.get(f"/rooster/planning/{job.id}.json").get_json()["detail"]

    assert detail == ("21 van 30 seconden. Er is een rooster gevonden. Het kan hoogstens 10% beter; de planner "
                      "zoekt verder.")


def test_one_region_of_one_reads_as_before_and_the_count_says_heeft(app, world):
    from binnenwerk.rosters.routes import _job_detail

    with app.test_request_context():
        one = _job_detail(running_job(world, elapsed_seconds=2.0, best_objective=10.0, best_bound=0.0,
                                      result={"regions": {"with_roster": 1, "of": 3}}), False)
    assert one == "2 van 30 seconden. 1 van 3 regio's heeft een rooster; de planner werkt aan de rest."


def test_the_run_keeps_the_regions_with_a_roster_on_the_job_while_it_runs(app, world):
    job = running_job(world)

    jobs._write_progress(job, Progress(best_objective=500, best_bound=0, elapsed_seconds=1.0, fraction=0.1,
                                       regions=25, regions_with_roster=12), 1.0)
    db.session.expire_all()

    assert db.session.get(SolveJob, job.id).result == {"regions": {"with_roster": 12, "of": 25}}


def test_a_finished_run_replaces_the_region_count_with_its_result(world):
    job = run_job()

    assert job.status == JobStatus.FINISHED.value, job.error
    assert "regions" not in job.result and "assignments" in job.result


# --- 2: teams left out for the same reason ------------------------------------------------------


def left_out_list(client, job) -> str:
    page = " ".join(client.get(f"/rooster/planning/{job.id}").get_data(as_text=True).split())
    return html.unescape(page.split('id="job-left-out">')[1].split('<div class="actions">')[0]).strip()


def test_a_hundred_teams_left_out_for_the_same_reason_share_one_line(client, login, world):
    names = [f"Team {n:03d}" for n in range(1, 101)]
    job = running_job(world, result={"planned_teams": 100, "left_out": [
        {"team_id": n, "team": name, "changes": [{"what": "roster"}]} for n, name in enumerate(names, 1)]})
    job.status, job.error = JobStatus.FAILED.value, "Geen enkel team is opgeslagen."
    db.session.commit()
    login(world.planner)

    said = left_out_list(client, job)

    assert said.startswith("<li>100 teams zijn niet gepland: tijdens het plannen is er iets veranderd: het rooster "
                           "is met de hand veranderd of gepubliceerd. Het gaat om Team 001, Team 002, Team 003 en "
                           "97 andere teams. Plan alle teams opnieuw. De roosters van deze teams zijn niet "
                           "veranderd.")
    assert said.count("niet gepland") == 1 and "Plan dit team opnieuw" not in said
    assert "<details><summary>Toon alle 100 teams</summary>" in said
    assert all(f"<li>{name}</li>" in said for name in names)
    assert len(said) < 4_000  # was 18 kB


def test_a_few_teams_of_many_left_out_together_are_named_and_told_to_plan_them_again(client, login, world):
    job = running_job(world, result={"planned_teams": 10, "left_out": [
        {"team_id": 1, "team": "Team A", "changes": [{"what": "roster"}]},
        {"team_id": 2, "team": "Team B", "changes": [{"what": "team"}]},
        {"team_id": 3, "team": "Team C", "changes": [{"what": "roster"}]}]})
    job.status = JobStatus.FINISHED.value
    db.session.commit()
    login(world.planner)

    page = text_of(client.get(f"/rooster/planning/{job.id}"))

    assert ("2 teams zijn niet gepland: tijdens het plannen is er iets veranderd: het rooster is met de hand "
            "veranderd of gepubliceerd. Het gaat om Team A en Team C. Plan deze teams opnieuw. De roosters van deze "
            "teams zijn niet veranderd.") in page
    # A reason of one team alone reads as it did.
    assert ("Team B is niet gepland: tijdens het plannen is er iets veranderd: het team is gearchiveerd. Plan dit "
            "team opnieuw.") in page
    assert "<details>" not in page


def test_a_shared_line_on_a_page_not_in_dutch_escapes_the_team_names(app_with, world):
    with app_with(BABEL_DEFAULT_LOCALE="en").test_request_context():
        from flask_babel import force_locale

        with force_locale("en"):
            lines = jobs.left_out_messages({"planned_teams": 2, "left_out": [
                {"team_id": 1, "team": "Team <A>", "changes": [{"what": "roster"}]},
                {"team_id": 2, "team": "Team B", "changes": [{"what": "roster"}]}]})
    assert len(lines) == 1
    assert "Team &lt;A&gt;" in str(lines[0]) and "<A>" not in str(lines[0])


def test_publishing_every_team_during_an_all_teams_solve_gives_one_line_on_its_page(client, login, world,
                                                                                    monkeypatch):
    assert run_job().status == JobStatus.FINISHED.value  # drafts to publish
    original = jobs._run_solver

    def publish_during_the_solve(*args, **kwargs):
        solution = original(*args, **kwargs)
        rosters = db.session.scalars(select(Roster).where(Roster.week == WEEK)).all()
        roster_service.publish_week(WEEK, {r.id: r.lock_version for r in rosters}, user=world.planner).done
        return solution

    monkeypatch.setattr(jobs, "_run_solver", publish_during_the_solve)
    job = run_job()

    assert job.status == JobStatus.FAILED.value and "Geen enkel team is opgeslagen" in job.error
    login(world.planner)
    page = text_of(client.get(f"/rooster/planning/{job.id}"))
    assert ("2 teams zijn niet gepland: tijdens het plannen is er iets veranderd: het rooster is met de hand "
            "veranderd of gepubliceerd. Het gaat om Team Den Haag 1 en Team Zwolle 1. Plan alle teams opnieuw.") in page
    assert "Plan dit team opnieuw" not in page


def test_publishing_all_while_a_solve_runs_says_it_saves_nothing_for_those_teams(client, login, world):
    assert run_job().status == JobStatus.FINISHED.value  # drafts to publish
    running_job(world)
    login(world.planner)

    week_page = text_of(client.get(f"/rooster/?week={WEEK}"))
    assert ("Er wordt nu een rooster van deze week gemaakt. Publiceer je nu, dan slaat dat plannen niets op voor de "
            "teams die je publiceert.") in week_page
    assert 'aria-describedby="publish-all-while-solving"' in week_page

    rosters = db.session.scalars(select(Roster).where(Roster.week == WEEK)).all()
    after = text_of(client.post("/rooster/publiceren-alle", data={
        "week": WEEK, "locks": ",".join(f"{r.id}:{r.lock_version}" for r in rosters)}, follow_redirects=True))
    assert "2 roosters gepubliceerd" in after
    assert ("Er wordt nu ook een rooster van week 2026-W50 gemaakt. Dat slaat niets op voor de teams die je net hebt "
            "gepubliceerd") in after


def test_publishing_all_with_no_solve_running_says_nothing_of_one(client, login, world):
    assert run_job().status == JobStatus.FINISHED.value
    login(world.planner)

    assert "publish-all-while-solving" not in text_of(client.get(f"/rooster/?week={WEEK}"))
    rosters = db.session.scalars(select(Roster).where(Roster.week == WEEK)).all()
    after = text_of(client.post("/rooster/publiceren-alle", data={
        "week": WEEK, "locks": ",".join(f"{r.id}:{r.lock_version}" for r in rosters)}, follow_redirects=True))
    assert "2 roosters gepubliceerd" in after and "Er wordt nu ook een rooster" not in after


# --- 3: a solve the team leader cannot see ------------------------------------------------------


@pytest.mark.parametrize("region, said", [
    (None, "De planner maakt nu het rooster van alle teams van week 2026-W50. Wacht tot dat klaar is."),
    ("Den Haag", "De planner maakt nu het rooster van alle teams in regio Den Haag van week 2026-W50. Wacht tot "
                 "dat klaar is."),
])
def test_a_team_leader_is_not_told_to_stop_a_planners_solve(client, login, world, region, said):
    running_job(world, region=region)
    login(world.leader_user)

    page = text_of(client.post("/rooster/plannen", data={"week": WEEK, "team": world.teams["Den Haag"].id,
                                                         "time_limit": "10"}, follow_redirects=True))

    assert said in page
    assert "stop het eerst" not in page


def test_the_planner_is_still_told_to_wait_or_stop_the_solve(client, login, world):
    running_job(world)
    login(world.planner)

    page = text_of(client.post("/rooster/plannen", data={"week": WEEK, "team": world.teams["Den Haag"].id,
                                                         "time_limit": "10"}, follow_redirects=True))

    assert "Er wordt al een rooster voor week 2026-W50 gemaakt. Wacht tot dat klaar is, of stop het eerst." in page


def test_a_team_leader_under_their_own_teams_solve_may_stop_it(client, login, world):
    running_job(world, team=world.teams["Den Haag"])
    login(world.leader_user)

    page = text_of(client.post("/rooster/plannen", data={"week": WEEK, "team": world.teams["Den Haag"].id,
                                                         "time_limit": "10"}, follow_redirects=True))

    assert "Wacht tot dat klaar is, of stop het eerst." in page
