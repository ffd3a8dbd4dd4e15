"""QA regressions around today's shifts that have begun, and the planner's hints.

Publishing keeps a told shift of today whose start has come as told, like a day gone by
(test_publish_today_started). The team's roster page, the ministry's planning page and a repair or
re-plan at 10:00 follow the same rule: the people at work now are history, not work to cancel or
move. A short day's "plan opnieuw" hint counts only changes that change what is asked, and a
priority only when it was raised. Moving someone whose shifts stand in one roster says "dat rooster".
"""
from __future__ import annotations

import datetime as dt
import re
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from binnenwerk import jobs
from binnenwerk.extensions import db
from binnenwerk.models import DeploymentRequest, JobStatus, RequestStatus, Roster, SolveJob
from binnenwerk.rosters import view
from binnenwerk.services import feeds
from binnenwerk.services import requests as request_service
from binnenwerk.services import rosters as service

# The same week and team; `world` asks for this file's `clock`, which also makes solves short.
from .test_publish_today_started import AMSTERDAM, DAYS, FRI, MON, THU, TUE, WED, WEEK  # noqa: F401
from .test_publish_today_started import world  # noqa: F401  (fixture)


@pytest.fixture
def clock(app, monkeypatch):
    """clock.set(day, hour) makes it that hour of that day in Amsterdam, for the whole app."""
    app.config.update(SOLVE_DETERMINISTIC=True, SOLVE_WORKERS=1, SOLVE_TIME_LIMIT=2.0, REDIS_URL="")

    def set_clock(day: dt.date, hour: int = 10) -> None:
        monkeypatch.setattr(feeds, "local_now", lambda: dt.datetime.combine(day, dt.time(hour), AMSTERDAM))
        monkeypatch.setattr(feeds, "local_today", lambda: day)

    return SimpleNamespace(set=set_clock)




def cancel(world, request: DeploymentRequest) -> None:
    request_service.transition(request, RequestStatus.CANCELLED.value, actor=world.planner, reason="Locatie gesloten.")


def grid(client, login, world) -> str:
    login(world.planner)
    page = client.get(f"/rooster/?week={WEEK}&team={world.team.id}").get_data(as_text=True)
    client.post("/auth/logout")
    return page


def cell(page: str, employee, day: dt.date) -> str:
    return page.split(f'id="cel-{employee.id}-{day.isoformat()}"')[1].split("</td>")[0]


def hours(page: str, employee) -> str:
    """The row's hours column: 'worked (contract)'."""
    row = page.split(f'id="cel-{employee.id}-{FRI.isoformat()}"')[1].split("</tr>")[0]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", row.split('class="hours')[1].split(">", 1)[1])).strip()


# --- A. the roster page and the ministry's planning page ---------------------------------------


def test_the_grid_keeps_todays_begun_shifts_of_a_cancelled_request_as_worked(client, login, world, clock):
    clock.set(WED, 10)
    cancel(world, world.morning)
    page = grid(client, login, world)
    for person in (world.anna, world.bram):
        assert ["niet meer gevraagd" in cell(page, person, d) for d in DAYS] == [False, False, False, True, True]
    # "Let op": Thursday and Friday of the two only.
    assert "4 diensten horen bij een aanvraag die op die dag niet meer geldt" in page
    # Monday to Wednesday worked: 3 x 3,5 hours.
    assert hours(page, world.anna).startswith("10,5 ")
    # The overview's line counts by the same rule.
    weeks, _shifts = view._team_weeks(WEEK, [world.team], False)
    assert weeks[world.team.id].withdrawn_count == 4


def test_before_its_start_todays_shift_of_a_cancelled_request_is_still_flagged(client, login, world, clock):
    clock.set(WED, 8)
    cancel(world, world.morning)
    page = grid(client, login, world)
    assert ["niet meer gevraagd" in cell(page, world.anna, d) for d in DAYS] == [False, False, True, True, True]
    assert "6 diensten horen bij een aanvraag die op die dag niet meer geldt" in page
    assert hours(page, world.anna).startswith("7 ")


def ministry_plan(client, login, world) -> str:
    login(world.contact)
    page = client.get(f"/aanvragen/planning?week={WEEK}").get_data(as_text=True)
    client.post("/auth/logout")
    return re.sub(r"\s+", " ", page)


def test_the_ministry_is_not_told_the_planner_adjusts_shifts_under_way(client, login, world, clock):
    clock.set(WED, 10)
    cancel(world, world.morning)
    page = ministry_plan(client, login, world)
    assert "Toch staan er nog mensen ingepland" in page
    assert "17 mrt" not in page.split("Toch staan er nog mensen ingepland")[1].split("De planner past dit aan")[0]
    assert "18 mrt" in page.split("Toch staan er nog mensen ingepland")[1].split("De planner past dit aan")[0]
    clock.set(WED, 8)
    before = ministry_plan(client, login, world)
    assert "17 mrt" in before.split("Toch staan er nog mensen ingepland")[1].split("De planner past dit aan")[0]


# --- B. a repair or re-plan at 10:00 -----------------------------------------------------------


def run_job(repair_from: dt.date | None = None) -> SolveJob:
    job = jobs.create_job(WEEK, None, repair_from=repair_from, time_limit=5)
    jobs.run(job.id)
    db.session.expire_all()
    return db.session.get(SolveJob, job.id)


def planned(world) -> dict[tuple[int, dt.date], int]:
    db.session.expire_all()
    return {(a.employee_id, a.date): a.request_id
            for a in db.session.get(Roster, world.roster_id).assignments}


@pytest.mark.parametrize("repair", [True, False], ids=["repair", "re-plan"])
def test_a_repair_at_ten_keeps_todays_begun_shifts_of_a_cancelled_request(world, clock, repair):
    clock.set(WED, 10)
    cancel(world, world.morning)
    job = run_job(WED if repair else None)
    assert job.status == JobStatus.FINISHED.value, job.error
    shifts = planned(world)
    for person in (world.anna, world.bram):
        assert shifts.get((person.id, WED)) == world.morning.id  # at work now: as it was
        assert (person.id, THU) not in shifts and (person.id, FRI) not in shifts
    # Publishing then calls off Thursday and Friday only.
    counts = service.publish(db.session.get(Roster, world.roster_id))
    assert counts["cancelled"] == 4


def test_a_repair_before_the_start_plans_todays_shift_again(world, clock):
    clock.set(WED, 8)
    cancel(world, world.morning)
    assert run_job(WED).status == JobStatus.FINISHED.value
    assert (world.anna.id, WED) not in planned(world)


def test_a_re_plan_on_monday_at_ten_keeps_mondays_begun_shifts(world, clock, make):
    """A week whose first day has begun is partly gone by: the re-plan keeps what is under way."""
    clock.set(MON, 10)
    # Dora is free and could take Anna's Monday: the solver may not move a shift under way.
    make.employee(world.team, work_types=[world.morning.work_type], first_name="Dora", last_name="Dekker")
    cancel(world, world.morning)
    db.session.commit()
    assert run_job().status == JobStatus.FINISHED.value
    shifts = planned(world)
    assert shifts.get((world.anna.id, MON)) == world.morning.id
    assert (world.anna.id, TUE) not in shifts


# --- C. the short days' "plan opnieuw" hint ----------------------------------------------------


CHANGED = "Deze aanvraag is veranderd nadat dit rooster werd gemaakt: plan opnieuw."
PRIORITY = "De prioriteit van deze aanvraag is veranderd nadat dit rooster werd gemaakt: plan opnieuw."
ACCEPTED = "Deze aanvraag is geaccepteerd nadat dit rooster werd gemaakt: plan opnieuw."
SAT = dt.date(2026, 12, 5)
W50 = "2026-W50"


@pytest.fixture
def short(make, login, client, monkeypatch):
    """Team Amersfoort (Anna, Bram) planned for a request for three: short every day."""
    from .test_rosters_flow import solve_via_page

    monkeypatch.setattr(feeds, "local_today", lambda: SAT)
    wt = make.work_type("cars", name_nl="Autowassen")
    place = make.location("Amersfoort", name="Stationsplein 1", code="af-station")
    team = make.team("Amersfoort", name="Team Amersfoort")
    make.supervisor(team, work_types=[wt])
    for name in ("Anna", "Bram"):
        make.employee(team, work_types=[wt], first_name=name, last_name="Test")
    request = make.request(place, wt, headcount=3, start_date=dt.date(2026, 12, 7), end_date=dt.date(2026, 12, 11),
                           start_minute=9 * 60, end_minute=12 * 60)
    planner = make.user("planner")
    db.session.commit()
    login(planner)
    assert solve_via_page(client, team).status == "finished"
    return SimpleNamespace(team=team, request=request, planner=planner, place=place, wt=wt)


def short_panel(client, short) -> str:
    html = client.get(f"/rooster/?week={W50}&team={short.team.id}").get_data(as_text=True)
    return html.split('id="tekort-kop"', 1)[1].split("</section>", 1)[0]


def change(short, **values) -> None:
    request = db.session.get(DeploymentRequest, short.request.id)
    data = request_service.RequestInput(**{
        name: getattr(request, name) for name in request_service.RequestInput.__dataclass_fields__})
    for name, value in values.items():
        setattr(data, name, value)
    assert request_service.update_request(request, data, actor=short.planner,
                                          seen_version=request_service.version_of(request))


def test_a_contact_change_does_not_hide_the_short_days_reasons(client, short):
    change(short, contact_phone="06-99999999", notes="Bel aan bij de achterdeur")
    assert CHANGED not in short_panel(client, short)
    change(short, start_minute=8 * 60)  # a change of what is asked does
    assert CHANGED in short_panel(client, short)


def test_only_a_raised_priority_asks_to_plan_again(client, short):
    client.post(f"/aanvragen/{short.request.id}/prioriteit", data={"priority": "1"})
    assert PRIORITY not in short_panel(client, short)
    client.post(f"/aanvragen/{short.request.id}/prioriteit", data={"priority": "3"})
    assert PRIORITY in short_panel(client, short)


def test_a_request_imported_already_accepted_after_planning_says_so(app, client, short):
    from .test_dataio_audit import import_rows

    header = ["id", "ministerie", "locatie", "werksoort", "startdatum", "einddatum", "dagen", "begintijd",
              "eindtijd", "aantal_medewerkers", "status"]
    import_rows(app, "requests", [header, ["", short.place.ministry.code, "af-station", "cars", "2026-12-07",
                                           "2026-12-11", "ma,di,wo,do,vr", "13:00", "16:00", "3", "geaccepteerd"]])
    imported = db.session.scalar(select(DeploymentRequest).where(DeploymentRequest.id != short.request.id))
    assert imported.status == RequestStatus.ACCEPTED.value
    rows = short_panel(client, short).split("<li><strong>")[1:]
    imported_rows = [row for row in rows if "3 personen te weinig" in row]  # the new one: nobody planned
    assert len(imported_rows) == 5 and all(ACCEPTED in row for row in imported_rows)
    assert not any(ACCEPTED in row for row in rows if row not in imported_rows)


# --- D. moving someone: "dat rooster" for one roster -------------------------------------------


def _sanne_in_team_oud(make, login, monkeypatch) -> SimpleNamespace:
    """Sanne in Team Oud on a Wednesday, Team Nieuw beside it, a planner logged in."""
    from . import test_people_moves_qa as moves

    monkeypatch.setattr(feeds, "local_today", lambda: moves.WED)
    wt = make.work_type(name_nl="Toetsenborden reinigen")
    place = make.location("Den Haag", name="Rijnstraat 8")
    old, new = make.team("Den Haag", name="Team Oud"), make.team("Den Haag", name="Team Nieuw")
    sanne = make.employee(old, work_types=[wt], first_name="Sanne", last_name="de Vries")
    request = make.request(place, wt, weekdays="14", headcount=1, start_date=dt.date(2026, 12, 7),
                           end_date=dt.date(2026, 12, 31))
    login(make.user("planner"))
    return SimpleNamespace(make=make, wt=wt, place=place, old=old, new=new, sanne=sanne, request=request)


def test_a_move_leaving_shifts_in_one_roster_says_that_roster(client, make, login, monkeypatch):
    from html import unescape

    from . import test_people_moves_qa as moves

    found = _sanne_in_team_oud(make, login, monkeypatch)
    moves.roster(found, "2026-W51", published=False, days=(moves.MON_51, moves.THU_51))
    text = re.sub(r"\s+", " ", unescape(moves.move(client, found).get_data(as_text=True)))
    # Week 51 was never published: "adjust it", not "publish it again".
    assert ("Sanne de Vries staat nog in 2 diensten in week 51 van Team Oud. Die diensten blijven staan tot je "
            "dat rooster aanpast.") in text
    assert "opnieuw publiceert" not in text
    moved = re.sub(r"\s+", " ", unescape(moves.move(client, found, confirm_move="y").get_data(as_text=True)))
    assert moves.team_of(found) == found.new.id
    assert ("Sanne de Vries staat nog in 2 diensten in week 51 van Team Oud. Pas dat rooster van het oude team "
            "aan voordat je het publiceert.") in moved
    assert "opnieuw" not in " ".join(moves.flashes(moved))


def test_a_move_leaving_shifts_in_a_published_roster_says_publish_again(client, make, login, monkeypatch):
    from html import unescape

    from . import test_people_moves_qa as moves

    found = _sanne_in_team_oud(make, login, monkeypatch)
    # Published, but these two shifts were added after it: nobody told Sanne, the roster still needs publishing again.
    moves.roster(found, "2026-W51", published=True, days=(moves.MON_51, moves.THU_51))
    text = re.sub(r"\s+", " ", unescape(moves.move(client, found).get_data(as_text=True)))
    assert ("Die diensten blijven staan tot je dat rooster repareert en opnieuw publiceert.") in text
