"""What happens while a solve runs (QA round 14): a request accepted, changed or given a higher
priority after the solve read its data is not in the roster it saves, and the roster page, the job
page and the acceptance say to plan again; a location archived, or a contact moved to another
ministry, while a request form is open is said as such.

The other party acts in the middle of the solve, from the solver's thread, through a client of its
own (its own app context and database session), as another browser would.
"""
from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import func, select

from binnenwerk import jobs
from binnenwerk.extensions import db
from binnenwerk.models import AuditEvent, DeploymentRequest, JobStatus, RequestStatus, Roster, SolveJob
from binnenwerk.rosters import view
from binnenwerk.services import feeds
from binnenwerk.services.requests import version_of
from tests.conftest import TEST_PASSWORD

from .edit_forms import form_as_shown
from .test_requests_workflow import request_form, world  # noqa: F401  (fixture)
from .test_roster_scale_qa import panel
from .test_rosters_flow import fast_solver  # noqa: F401  (autouse fixture)

WEEK = "2026-W50"
MON, FRI = dt.date(2026, 12, 7), dt.date(2026, 12, 11)
SATURDAY = dt.date(2026, 12, 5)
ACCEPTED = "Deze aanvraag is geaccepteerd nadat dit rooster werd gemaakt: plan opnieuw."
CHANGED = "Deze aanvraag is veranderd nadat dit rooster werd gemaakt: plan opnieuw."
PRIORITY = "De prioriteit van deze aanvraag is veranderd nadat dit rooster werd gemaakt: plan opnieuw."


def text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


@pytest.fixture
def utrecht(make, monkeypatch, before_work_on_7_december):
    """Team Utrecht (three people and its leader) planned for one person a day at the Graadt van
    Roggenweg; the Catharijnesingel asks five a day, more than the team has: short whatever the plan.
    A second team in Zwolle for the all-teams solve."""
    monkeypatch.setattr(feeds, "local_today", lambda: SATURDAY)
    wt = make.work_type("cars", name_nl="Autowassen")
    team = make.team("Utrecht", name="Team Utrecht")
    make.supervisor(team, work_types=[wt])
    for name in ("Anna", "Bram", "Cees"):
        make.employee(team, work_types=[wt], first_name=name, last_name="Test")
    make.request(make.location("Utrecht", name="Graadt van Roggenweg"), wt, headcount=1, start_date=MON,
                 end_date=FRI)
    big = make.request(make.location("Utrecht", name="Catharijnesingel"), wt, headcount=4, start_date=MON,
                       end_date=FRI, status=RequestStatus.SUBMITTED.value)
    zwolle = make.team("Zwolle", name="Team Zwolle")
    make.supervisor(zwolle, work_types=[wt])
    make.employee(zwolle, work_types=[wt], first_name="Dirk", last_name="Test")
    make.request(make.location("Zwolle", name="Stationsplein"), wt, headcount=1, start_date=MON, end_date=FRI)
    planner = make.user("planner", email="planner-a@example.org")
    colleague = make.user("planner", email="planner-b@example.org")
    contact = make.user("ministry_contact", ministry=big.ministry, email="contact@example.org")
    db.session.commit()
    # Plain values too: the other party acts in a thread without the test's session.
    return type("Utrecht", (), dict(wt=wt, team=team, big=big, planner=planner, colleague=colleague,
                                    contact=contact, big_id=big.id, colleague_email=colleague.email,
                                    contact_email=contact.email))


def logged_in(app, email: str):
    """A browser of its own: a client whose requests run in the thread that sends them."""
    other = app.test_client()
    assert other.post("/auth/login", data={"email": email, "password": TEST_PASSWORD}).status_code == 302
    return other


def while_solving(monkeypatch, act) -> list:
    """Run `act()` once, in the middle of the next solve: after the job read its data, before the
    optimiser returns. Returns the list `act`'s answer is put in."""
    real, answers = jobs.solve, []

    def solve(problem, **kwargs):
        if not answers:
            answers.append(act())
        return real(problem, **kwargs)

    monkeypatch.setattr(jobs, "solve", solve)
    return answers


def accept(app, utrecht) -> str:
    """Planner B accepts the Catharijnesingel's request in the intake."""
    with app.app_context():
        version = version_of(db.session.get(DeploymentRequest, utrecht.big_id))
        db.session.remove()
    response = logged_in(app, utrecht.colleague_email).post(
        f"/aanvragen/{utrecht.big_id}/accepteren", data={"seen_version": version, "next": "intake"},
        follow_redirects=True)
    assert response.status_code == 200
    return text(response.get_data(as_text=True))


def raise_headcount(app, utrecht) -> str:
    """The ministry asks five a day instead of four, on its change form."""
    contact = logged_in(app, utrecht.contact_email)
    url = f"/aanvragen/{utrecht.big_id}/wijzigen"
    response = contact.post(url, data={**form_as_shown(contact, url), "headcount": "5"}, follow_redirects=True)
    assert response.status_code == 200
    return text(response.get_data(as_text=True))


def raise_priority(app, utrecht) -> str:
    response = logged_in(app, utrecht.colleague_email).post(
        f"/aanvragen/{utrecht.big_id}/prioriteit", data={"priority": "3", "seen_priority": "2"}, follow_redirects=True)
    assert response.status_code == 200
    return text(response.get_data(as_text=True))


def solve_on_page(client, team: int | None) -> SolveJob:
    data = {"week": WEEK, "time_limit": "10", **({"team": team} if team else {})}
    response = client.post("/rooster/plannen", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    job_id = int(response.headers["Location"].rstrip("/").split("/")[-1])
    jobs.wait(job_id, 60)
    db.session.expire_all()
    return db.session.get(SolveJob, job_id)


def solve_in_worker(team: int | None, utrecht) -> SolveJob:
    """As an RQ worker runs it: its entry point, in a process of its own (here: this thread)."""
    job = jobs.create_job(WEEK, team, user=utrecht.planner, time_limit=10)
    jobs.rq_solve(job.id)
    db.session.expire_all()
    return db.session.get(SolveJob, job.id)


def short_rows(client, utrecht) -> list[str]:
    """The roster page's short days of the Catharijnesingel."""
    html = client.get(f"/rooster/?week={WEEK}&team={utrecht.team.id}").get_data(as_text=True)
    return [text(row) for row in panel(html).split("<li><strong>")[1:] if "Catharijnesingel" in row]


@pytest.mark.parametrize("scope, change, worker, late, told", [
    ("team", "accept", False, ACCEPTED, "is geaccepteerd."),
    ("all", "headcount", False, CHANGED, "is veranderd."),
    ("team", "priority", True, PRIORITY, "heeft een hogere prioriteit gekregen."),
], ids=["accepted during a team's solve", "headcount raised during an all-teams solve",
        "priority raised during a worker's solve"])
def test_a_request_decided_on_while_the_solve_runs_says_plan_again(app, client, login, utrecht, monkeypatch,
                                                                    scope, change, worker, late, told):
    if change != "accept":
        utrecht.big.status = RequestStatus.ACCEPTED.value
        db.session.commit()
    act = {"accept": accept, "headcount": raise_headcount, "priority": raise_priority}[change]
    answers = while_solving(monkeypatch, lambda: act(app, utrecht))
    login(utrecht.planner)
    team = utrecht.team.id if scope == "team" else None

    job = solve_in_worker(team, utrecht) if worker else solve_on_page(client, team)

    assert job.status == JobStatus.FINISHED.value, job.error
    assert answers, "the other party did not act during the solve"
    # Saved, but planned without it: every short day of the request says to plan again, not
    # the optimiser's reasons for a plan that did not know of it.
    rows = short_rows(client, utrecht)
    assert len(rows) == 5, rows
    assert all(late in row for row in rows), rows
    assert not any("elders" in row for row in rows), rows
    # The job's page says which request changed while it planned, and that the week needs a run.
    page = text(client.get(f"/rooster/planning/{job.id}").get_data(as_text=True))
    assert "Tijdens het plannen is een aanvraag veranderd. Dit rooster houdt daar nog geen rekening mee. " \
           f"Plan week {WEEK} opnieuw." in page
    assert f"Aanvraag {utrecht.big.id} (Autowassen Catharijnesingel) {told}" in page


def test_accepting_while_the_week_is_being_planned_names_that_week(app, client, login, utrecht, monkeypatch):
    answers = while_solving(monkeypatch, lambda: accept(app, utrecht))
    login(utrecht.planner)

    assert solve_on_page(client, utrecht.team.id).status == JobStatus.FINISHED.value

    said = answers[0]
    assert "Week 50 van regio Utrecht wordt nu gepland, zonder deze aanvraag. Plan die week opnieuw als het " \
           "plannen klaar is." in said
    assert "al gepland" not in said  # no roster of week 50 was made yet


def test_a_solve_waiting_in_the_queue_is_not_named_on_accepting(client, login, utrecht):
    # It has not read its data yet: it plans the request as accepted now.
    db.session.add(SolveJob(week=WEEK, team_id=utrecht.team.id, status=JobStatus.QUEUED.value, time_limit=10))
    login(utrecht.colleague)
    said = text(client.post(f"/aanvragen/{utrecht.big.id}/accepteren",
                            data={"seen_version": version_of(utrecht.big), "next": "intake"},
                            follow_redirects=True).get_data(as_text=True))
    assert "De aanvraag is geaccepteerd." in said
    assert "wordt nu gepland" not in said


def test_the_plan_counts_from_when_the_solve_read_its_data_in_utc(client, login, utrecht):
    login(utrecht.planner)
    job = solve_on_page(client, utrecht.team.id)
    assert job.status == JobStatus.FINISHED.value, job.error
    roster = db.session.scalar(select(Roster).where(Roster.week == WEEK, Roster.team_id == utrecht.team.id))
    detail = db.session.scalar(select(AuditEvent.detail).where(AuditEvent.action == "roster.solve",
                                                               AuditEvent.object_id == str(roster.id)))
    assert re.search(r" as_of=\S+\+00:00$", detail), detail
    read = view.planned_as_of(detail)
    saved = db.session.scalar(select(AuditEvent.at).where(AuditEvent.action == "roster.solve"))
    # Between the job's start and its save, both in UTC as the audit log keeps time (not the
    # Amsterdam clock, an hour ahead in winter).
    assert job.created_at <= read <= saved
    # Nothing was decided while it ran: the page gives no reason to plan again.
    assert "decided_meanwhile" not in job.result
    assert not any(ACCEPTED in row for row in short_rows(client, utrecht))


# --- the request forms: a location archived, or the contact moved, while the form is open ----------------


def test_a_location_archived_while_the_new_request_form_is_open_is_said_so(client, login, world):  # noqa: F811
    login(world.contact)
    assert client.get("/aanvragen/nieuw").status_code == 200
    world.location.archived = True  # the admin, meanwhile
    db.session.commit()

    response = client.post("/aanvragen/nieuw", data=request_form(world.location, world.work_type))

    assert response.status_code == 422
    page = text(response.get_data(as_text=True))
    assert "Deze locatie is net gearchiveerd. U kunt er geen aanvraag meer voor doen. Kies een andere locatie." in page
    assert "Kies een locatie van uw eigen ministerie." not in page
    assert db.session.scalar(select(func.count(DeploymentRequest.id))) == 0


def test_another_ministrys_location_is_still_refused_as_not_your_own(client, login, world):  # noqa: F811
    world.other_location.archived = True
    db.session.commit()
    login(world.contact)
    page = text(client.post("/aanvragen/nieuw", data=request_form(world.other_location, world.work_type))
                .get_data(as_text=True))
    assert "Kies een locatie van uw eigen ministerie." in page
    assert "net gearchiveerd" not in page


@pytest.mark.usefixtures("before_work_on_7_december")
def test_a_contact_moved_to_another_ministry_while_changing_a_request_is_told_why(client, login, world,  # noqa: F811
                                                                                  make):
    req = make.request(location=world.location, work_type=world.work_type, headcount=3)
    login(world.contact)
    url = f"/aanvragen/{req.id}/wijzigen"
    shown = form_as_shown(client, url)
    world.contact.ministry_id = world.other.id  # the admin, meanwhile
    db.session.commit()

    response = client.post(url, data={**shown, "headcount": "5"}, follow_redirects=True)

    assert response.status_code == 200
    page = text(response.get_data(as_text=True))
    assert "U kunt deze aanvraag niet meer wijzigen. Hij hoort bij een ander ministerie dan uw account nu. " \
           "Er is niets opgeslagen." in page
    assert "Niet gevonden" not in page
    assert world.ministry.name not in page  # nothing of the request's ministry
    db.session.expire_all()
    assert db.session.get(DeploymentRequest, req.id).headcount == 3


@pytest.mark.usefixtures("before_work_on_7_december")
def test_another_ministrys_request_without_the_form_shown_is_still_not_found(client, login, world, make):  # noqa: F811
    req = make.request(location=world.location, work_type=world.work_type, headcount=3)
    login(world.other_contact)
    url = f"/aanvragen/{req.id}/wijzigen"
    data = request_form(world.location, world.work_type, headcount="5")
    assert client.post(url, data=data).status_code == 404
    assert client.post(url, data={**data, "seen_version": "2026-12-01T10:00:00"}).status_code == 404
    db.session.expire_all()
    assert db.session.get(DeploymentRequest, req.id).headcount == 3
