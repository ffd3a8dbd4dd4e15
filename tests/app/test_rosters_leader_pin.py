"""A day's team leader chosen on the team leader page is pinned by default: planning again keeps
them there (scheduling's pinned_supervision); the box cleared, or the current leader chosen
without it, lets planning choose again. A pin that can no longer hold is named, not kept."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import select, update

from binnenwerk import planning
from binnenwerk.admin.audit_details import describe
from binnenwerk.extensions import db
from binnenwerk.models import AuditEvent, JobStatus, RosterChange, SupervisionAssignment, Supervisor

from tests.conftest import english_client

from .test_rosters_flow import MON, TUE, WEEK, cells, repair_via_page, roster_of, solve_via_page
from .test_rosters_leader_choice import choose, form_values, url, world  # noqa: F401 (fixture)


# Written when 2026-W50 was to come: the app's clock stays before its Monday's work.
pytestmark = pytest.mark.usefixtures("before_work_on_7_december")

@pytest.fixture(autouse=True)
def fast_solver(app):
    app.config.update(SOLVE_DETERMINISTIC=True, SOLVE_WORKERS=1, SOLVE_TIME_LIMIT=2.0, REDIS_URL="")


def lead_row(team, day, location) -> SupervisionAssignment | None:
    db.session.expire_all()
    return db.session.scalar(select(SupervisionAssignment).where(
        SupervisionAssignment.team_id == team.id, SupervisionAssignment.date == day,
        SupervisionAssignment.location_id == location.id))


def publish(client, team) -> None:
    response = client.post("/rooster/publiceren", data={"week": WEEK, "team": team.id,
                                                        "lock_version": roster_of(team).lock_version})
    assert response.status_code == 302


def history(message: str) -> list[str]:
    return db.session.scalars(select(RosterChange.detail).where(RosterChange.message == message)
                              .order_by(RosterChange.id)).all()


def _published_then_chosen(client, login, world, pin: bool):
    """The week planned and published with one of the team's own leaders on Monday, then the
    stand-in chosen for Monday (pinned or not): a re-plan pays supervision_change to keep the stand-in."""
    login(world.planner)
    solve_via_page(client, world.team)
    told = lead_row(world.team, MON, world.loc).supervisor_id
    assert told in {s.id for s in world.own}
    publish(client, world.team)
    response = choose(client, world, world.pool, **({"pinned": "y"} if pin else {}))
    assert response.status_code == 302, response.get_data(as_text=True)[:800]
    return told, response


def test_a_pinned_choice_stays_through_a_re_plan_and_the_grid_marks_it(client, login, world):
    told, response = _published_then_chosen(client, login, world, pin=True)
    row = lead_row(world.team, MON, world.loc)
    assert row.supervisor_id == world.pool.id and row.pinned
    assert "Dit staat vast: opnieuw plannen houdt deze teamleider hier." in client.get(
        response.headers["Location"]).get_data(as_text=True)
    grid = client.get(f"/rooster/?week={WEEK}&team={world.team.id}").get_data(as_text=True)
    foot = grid[grid.index("<tfoot>"):grid.index("</tfoot>")]
    assert 'Ina Invaller (invaller): Rijnstraat 8</span> <span class="tag">vast</span>' in foot
    assert foot.count('<span class="tag">vast</span>') == 1  # the solver's choices are not pinned
    assert history("leader_pinned") and "(vastgezet)" in history("leader_pinned")[0]
    detail = db.session.scalars(select(AuditEvent.detail).where(AuditEvent.action == "roster.leader")).one()
    assert detail.endswith("pinned=1")
    with client.application.test_request_context():
        assert describe("roster.leader", detail).endswith("vastgezet: ja")
    problem, _idmap = planning.build_problem(WEEK, [world.team.id])
    assert [(planning.pk_of(p.supervisor), p.date) for p in problem.pinned_supervision] == [(world.pool.id, MON)]

    job = solve_via_page(client, world.team)

    assert job.status == JobStatus.FINISHED.value, job.error
    row = lead_row(world.team, MON, world.loc)
    assert row.supervisor_id == world.pool.id and row.pinned
    assert lead_row(world.team, TUE, world.loc).supervisor_id == told


def test_an_unpinned_choice_is_the_solvers_again_at_a_re_plan(client, login, world):
    told, _response = _published_then_chosen(client, login, world, pin=False)
    row = lead_row(world.team, MON, world.loc)
    assert row.supervisor_id == world.pool.id and not row.pinned
    assert planning.build_problem(WEEK, [world.team.id])[0].pinned_supervision == ()

    solve_via_page(client, world.team)

    # Back to the leader the people were told: a dropped published leader costs the solver.
    assert lead_row(world.team, MON, world.loc).supervisor_id == told


def test_the_current_leader_is_pinned_and_unpinned_on_the_same_page(client, login, world):
    login(world.tl)
    solve_via_page(client, world.team)
    publish(client, world.team)
    current = lead_row(world.team, MON, world.loc)
    name = next(s.name for s in world.own if s.id == current.supervisor_id)
    page = client.get(url(world)).get_data(as_text=True)
    # Who leads now is offered first and chosen, with the box ticked.
    assert (f'<input checked id="supervisor-0" name="supervisor" type="radio" value="{current.supervisor_id}"> '
            f'<label for="supervisor-0">{name} (nu)</label>') in page
    assert '<input aria-describedby="pinned-hint" checked id="pinned" name="pinned" type="checkbox" value="y">' in page
    version = roster_of(world.team).lock_version

    assert choose(client, world, current, pinned="y").status_code == 302

    row = lead_row(world.team, MON, world.loc)
    assert row.id == current.id and row.pinned  # the same row, now pinned
    assert roster_of(world.team).lock_version != version
    assert not roster_of(world.team).has_unpublished_changes  # nothing the people see changed
    [line] = history("leader_pin")
    assert line.startswith("Rijnstraat 8, ") and line.endswith(f": teamleider {name} vastgezet")
    assert "Dit staat vast" in client.get(url(world)).get_data(as_text=True)

    # Sent again: nothing more to do.
    assert choose(client, world, current, pinned="y").status_code == 302
    assert len(history("leader_pin")) == 1

    assert choose(client, world, current).status_code == 302  # the box cleared
    row = lead_row(world.team, MON, world.loc)
    assert row.id == current.id and not row.pinned
    assert len(history("leader_unpin")) == 1 and "losgemaakt" in history("leader_unpin")[0]
    # The history page names what was done in words, not the code "leader" (a QA finding).
    page = client.get(f"/rooster/{roster_of(world.team).id}/geschiedenis").get_data(as_text=True)
    assert "<td>Teamleider gekozen</td>" in page and "<td>leader</td>" not in page


def test_a_pinned_leader_absent_since_is_named_by_the_re_plan_and_replaced(client, login, world, make):
    login(world.planner)
    solve_via_page(client, world.team)
    assert choose(client, world, world.pool, pinned="y").status_code == 302
    make.absence(supervisor=world.pool, start=MON, end=MON, kind="ziek")
    db.session.commit()
    problem, idmap = planning.build_problem(WEEK, [world.team.id])
    assert problem.pinned_supervision == ()
    assert [(s, d) for s, d, _loc, _team in idmap.dropped_leads] == [(world.pool.id, MON)]

    job = solve_via_page(client, world.team)

    assert job.status == JobStatus.FINISHED.value, job.error
    assert lead_row(world.team, MON, world.loc).supervisor_id in {s.id for s in world.own}
    page = client.get(f"/rooster/planning/{job.id}").get_data(as_text=True)
    assert "1 vastgezette teamleider kon niet blijven" in page
    assert "Ina Invaller, Rijnstraat 8 (maandag 7 december" in page
    assert "ziek" not in page.lower()  # never the kind of absence


def test_a_cell_edit_the_pinned_leader_cannot_lead_is_refused_and_names_the_pin(client, login, world, make):
    login(world.planner)
    solve_via_page(client, world.team)
    assert choose(client, world, world.pool, pinned="y").status_code == 302
    # Cleaning at the same place on Monday, afterwards: the team's own leaders can lead it, the
    # stand-in (keyboards only) cannot.
    cleaning = make.work_type("cleaning")
    for s in world.own:
        s.work_types.append(cleaning)
    free = next(e for e in world.people if (e.id, MON) not in cells(world.team))
    free.work_types.append(cleaning)
    extra = make.request(world.loc, cleaning, weekdays="1", headcount=1, start_date=MON, end_date=dt.date(2026, 12, 31))
    db.session.commit()
    before = cells(world.team)

    response = client.post("/rooster/cel", data={
        "week": WEEK, "team": world.team.id, "employee": free.id, "date": MON.isoformat(),
        "request": str(extra.id), "pinned": "y", "lock_version": roster_of(world.team).lock_version})

    text = response.get_data(as_text=True)
    assert response.status_code == 422, text[:500]
    assert "Ina Invaller staat op maandag 7 december vast als teamleider en kan dit dan niet leiden" in text
    assert cells(world.team) == before
    assert lead_row(world.team, MON, world.loc).supervisor_id == world.pool.id


def test_the_pin_box_and_its_messages_are_english_on_request(app_with, make, world):
    english = english_client(app_with, make, "planner")
    solve_via_page(english, world.team)
    page = english.get(url(world)).get_data(as_text=True)
    assert "Pin, so that planning again keeps this team leader here" in page and "(now)" in page
    data = {**form_values(page), "supervisor": str(world.pool.id), "pinned": "y"}
    response = english.post("/rooster/leider", data=data)
    assert response.status_code == 302
    shown = english.get(response.headers["Location"]).get_data(as_text=True)
    assert "This is pinned: planning again keeps this team leader here." in shown
    line = english.get(f"/rooster/{roster_of(world.team).id}/geschiedenis").get_data(as_text=True)
    # Which leader the solve chose first may differ on a busy machine (its time limit is wall time):
    # the line says the change to Ina pinned, or Ina pinned where she led already.
    assert re.search(r"team leader (\S.* becomes )?Ina Invaller( \(pinned\)| pinned)", line), line[-3000:]


def test_a_current_leader_away_since_is_marked_and_cannot_be_pinned_but_can_be_unpinned(client, login, world, make):
    login(world.planner)
    solve_via_page(client, world.team)
    current = lead_row(world.team, MON, world.loc)
    name = next(s.name for s in world.own if s.id == current.supervisor_id)
    make.absence(supervisor=db.session.get(Supervisor, current.supervisor_id), start=MON, end=MON, kind="ziek")
    db.session.commit()
    page = client.get(url(world)).get_data(as_text=True)
    assert f"{name} (nu) (is op maandag 7 december niet vrij of kan dit werk niet leiden)" in page
    assert "ziek" not in page

    refused = choose(client, world, current, pinned="y")

    assert refused.status_code == 422
    assert "Dit kan niet:" in refused.get_data(as_text=True)
    assert not lead_row(world.team, MON, world.loc).pinned
    # Pinned before the absence was known: clearing the box still works.
    db.session.execute(update(SupervisionAssignment).where(SupervisionAssignment.id == current.id).values(pinned=True))
    db.session.commit()
    assert choose(client, world, current).status_code == 302
    assert not lead_row(world.team, MON, world.loc).pinned


@pytest.mark.parametrize("scope", ["team", "all"])
def test_a_pinned_leader_moved_to_another_team_since_is_no_longer_pinned_here(client, login, world, scope):
    login(world.planner)
    solve_via_page(client, world.team)
    other_own = next(s for s in world.own if s.id != lead_row(world.team, MON, world.loc).supervisor_id)
    assert choose(client, world, other_own, pinned="y").status_code == 302
    other_own.team_id = world.foreign.team_id
    db.session.commit()

    problem, idmap = planning.build_problem(WEEK, [world.team.id] if scope == "team" else None)

    assert problem.pinned_supervision == ()
    assert [(s, d) for s, d, _loc, _team in idmap.dropped_leads] == [(other_own.id, MON)]


@pytest.mark.parametrize("pin", [True, False])
def test_a_repair_keeps_a_pinned_leader_and_brings_back_the_told_one_otherwise(client, login, world, pin):
    login(world.planner)
    solve_via_page(client, world.team)
    told = lead_row(world.team, TUE, world.loc).supervisor_id
    publish(client, world.team)
    assert choose(client, world, world.pool, day=TUE, **({"pinned": "y"} if pin else {})).status_code == 302

    job = repair_via_page(client, world.team, TUE)

    assert job.status == JobStatus.FINISHED.value, job.error
    row = lead_row(world.team, TUE, world.loc)
    assert (row.supervisor_id, row.pinned) == ((world.pool.id, True) if pin else (told, False))


def test_pinning_a_shift_as_it_is_changes_nothing_the_people_see(client, login, world):
    """The cell's box is ticked when its form opens: 'Opslaan' on a planned shift only pins it.
    That marked the published roster changed, and publishing then made an empty version."""
    from binnenwerk.models import Assignment

    login(world.tl)
    solve_via_page(client, world.team)
    publish(client, world.team)
    (employee_id, day), request_id = next(iter(sorted(cells(world.team).items())))
    published = roster_of(world.team).version

    def save(**pinned):
        return client.post("/rooster/cel", data={
            "week": WEEK, "team": world.team.id, "employee": employee_id, "date": day.isoformat(),
            "request": str(request_id), "lock_version": roster_of(world.team).lock_version, **pinned},
            follow_redirects=True).get_data(as_text=True)

    def shift() -> Assignment:
        db.session.expire_all()
        return db.session.scalar(select(Assignment).where(Assignment.employee_id == employee_id,
                                                          Assignment.date == day))

    page = save(pinned="y")
    assert shift().pinned and shift().request_id == request_id
    assert not roster_of(world.team).has_unpublished_changes
    assert "staat nu vast: opnieuw plannen houdt hem. De medewerker merkt er niets van." in page
    [line] = history("pin")
    assert line.endswith(" vastgezet") and "wordt" not in line and not history("edit_pinned")

    done = client.post("/rooster/publiceren", data={"week": WEEK, "team": world.team.id,
                                                    "lock_version": roster_of(world.team).lock_version},
                       follow_redirects=True).get_data(as_text=True)
    assert "Er was niets te publiceren" in done and roster_of(world.team).version == published

    page = save()  # the box cleared
    assert not shift().pinned and not roster_of(world.team).has_unpublished_changes
    assert "staat niet meer vast: opnieuw plannen mag hem veranderen." in page
    [line] = history("unpin")
    assert line.endswith(" losgemaakt")


@pytest.mark.parametrize("how", ["this roster", "all rosters"])
def test_an_edit_put_back_publishes_no_empty_version(client, login, world, how):
    """A shift set free and put back left the roster "gewijzigd na publicatie", and publishing made
    a version that told nobody anything (a QA finding)."""
    login(world.tl if how == "this roster" else world.planner)
    solve_via_page(client, world.team)
    publish(client, world.team)
    (employee_id, day), request_id = next(iter(sorted(cells(world.team).items())))
    published = roster_of(world.team).version
    for value in ("", str(request_id)):
        response = client.post("/rooster/cel", data={
            "week": WEEK, "team": world.team.id, "employee": employee_id, "date": day.isoformat(),
            "request": value, "lock_version": roster_of(world.team).lock_version})
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
    # Put back as told: not marked changed at all (it was, until a Publiceer found nothing to tell).
    assert not roster_of(world.team).has_unpublished_changes

    if how == "this roster":
        done = client.post("/rooster/publiceren", data={"week": WEEK, "team": world.team.id,
                                                        "lock_version": roster_of(world.team).lock_version},
                           follow_redirects=True)
    else:
        roster = roster_of(world.team)
        done = client.post("/rooster/publiceren-alle", data={"week": WEEK, "locks": f"{roster.id}:{roster.lock_version}"},
                           follow_redirects=True)
    assert "Er was niets te publiceren" in done.get_data(as_text=True)
    assert roster_of(world.team).version == published and not roster_of(world.team).has_unpublished_changes
