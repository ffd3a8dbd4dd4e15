"""Two saves of a roster at nearly the same time, and an absence entered while publishing runs.

Each race is played out deterministically: the request under test stops between reading the roster
and writing it, and the other request (another browser tab, a double click, a colleague) runs to
the end meanwhile, in a thread of its own with its own database session, as in production.
Also on PostgreSQL (TEST_DATABASE_URL), where these races gave a 500 on a unique constraint.
"""
from __future__ import annotations

import datetime as dt
import re
import threading

import pytest
from sqlalchemy import func, select

from binnenwerk import planning
from binnenwerk.extensions import db
from binnenwerk.models import (
    Absence, PublishedShift, Roster, RosterChange, RosterStatus, SupervisionAssignment, Team,
)
from binnenwerk.services import feeds, people
from binnenwerk.services import rosters as service
from tests.conftest import TEST_PASSWORD

from .edit_forms import form_as_shown

pytestmark = pytest.mark.usefixtures("before_work_on_7_december")

WEEK, NEXT = "2026-W50", "2026-W51"
MON, TUE, WED = dt.date(2026, 12, 7), dt.date(2026, 12, 8), dt.date(2026, 12, 9)
NEXT_MON = MON + dt.timedelta(weeks=1)
SATURDAY = dt.date(2026, 12, 5)  # "today": the week to come is all ahead


@pytest.fixture(autouse=True)
def saturday(monkeypatch):
    monkeypatch.setattr(feeds, "local_today", lambda: SATURDAY)


@pytest.fixture
def world(make):
    """One team of three with its leader; a request for two people Monday to Wednesday."""
    wt = make.work_type("keyboards")
    loc = make.location("Den Haag", name="Rijnstraat 8")
    team = make.team("Den Haag", name="Team A")
    make.team("Den Haag", name="Team B")  # with one team the planner's roster page shows that team alone
    make.supervisor(team, work_types=[wt])
    people = [make.employee(team, work_types=[wt], first_name=n, last_name="Test") for n in ("Anna", "Bram", "Cees")]
    req = make.request(loc, wt, weekdays="123", headcount=2, start_date=MON, end_date=dt.date(2026, 12, 31))
    planner = make.user("planner")
    leader = make.user("team_leader", teams=[team])
    db.session.commit()
    return type("World", (), dict(wt=wt, loc=loc, team=team, people=people, req=req, planner=planner,
                                  leader=leader))


def roster_of(team, week=WEEK) -> Roster | None:
    db.session.expire_all()
    return db.session.scalar(select(Roster).where(Roster.week == week, Roster.team_id == team.id))


def cells(team, week=WEEK) -> dict:
    roster = roster_of(team, week)
    return {(a.employee_id, a.date): a.request_id for a in roster.assignments} if roster else {}


def put(world, person, day, week=WEEK, request_id="req"):
    """A cell saved beforehand, as the roster page does."""
    roster = roster_of(world.team, week)
    service.set_cell(week, world.team.id, person.id, day, world.req.id if request_id == "req" else request_id,
                     lock_version=roster.lock_version if roster else 0, user=world.planner)


def cell_form(world, person, day, request_id, week=WEEK) -> dict:
    roster = roster_of(world.team, week)
    return {"week": week, "team": world.team.id, "employee": person.id, "date": day.isoformat(),
            "request": "" if request_id is None else str(request_id),
            "lock_version": roster.lock_version if roster else 0}


def text(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)).split())


def as_other(app, user, post, answers):
    """The other request, to run in a thread: a browser of its own, logged in there (in this
    thread the test's app context, and with it the logged-in user, is shared by every request)."""
    email = user.email

    def run():
        other = app.test_client()
        assert other.post("/auth/login", data={"email": email, "password": TEST_PASSWORD}).status_code == 302
        answers.append(post(other))

    return run


def the_other_goes_first(monkeypatch, app, user, module, name, post, *, wait: float | None = None):
    """Right after the first call of `module.name` (a read), the other request (`post(its client)`)
    runs to the end, in a thread with a session of its own: what it saves is committed between this
    request's read and its write. `wait`: give up waiting for it after that many seconds (it may
    wait for this request's lock). Returns the other's responses, and the hook (its `thread`)."""
    real, answers = getattr(module, name), []
    other = as_other(app, user, post, answers)

    def hooked(*args, **kwargs):
        result = real(*args, **kwargs)
        if not hasattr(hooked, "thread"):
            hooked.thread = threading.Thread(target=other)
            hooked.thread.start()
            hooked.thread.join(wait)
        return result

    monkeypatch.setattr(module, name, hooked)
    return answers, hooked


def roster_made_by_the_other(monkeypatch, app, user, post):
    """The other request makes the week's roster after this one looked for it and found none, and
    before this one inserts its own (two people start the same new week at once): the insert then
    meets uq_roster_week_team, as get_or_create_roster does in that race."""
    answers, real = [], planning.get_or_create_roster
    other = as_other(app, user, post, answers)

    def racing(week, team_id):
        monkeypatch.setattr(planning, "get_or_create_roster", real)  # the other request uses the real one
        thread = threading.Thread(target=other)
        thread.start()
        thread.join()
        roster = Roster(week=week, team_id=team_id, status=RosterStatus.DRAFT.value, version=0)
        db.session.add(roster)
        db.session.flush()
        return roster

    monkeypatch.setattr(planning, "get_or_create_roster", racing)
    return answers


def edits_of(person, day) -> int:
    return len([c for c in db.session.scalars(select(RosterChange).where(RosterChange.action == "edit"))
                if c.params.get("employee") == person.id and c.params.get("day") == day.isoformat()])


# --- two saves of one cell --------------------------------------------------------------------


def test_the_same_cell_freed_twice_at_once_says_it_went_through(app, client, login, world, monkeypatch):
    anna = world.people[0]
    put(world, anna, MON)
    form = cell_form(world, anna, MON, None)
    answers, _hook = the_other_goes_first(monkeypatch, app, world.planner, service, "_cell_problem",
                                          lambda other: other.post("/rooster/cel", data=form))
    login(world.planner)
    response = client.post("/rooster/cel", data=form, follow_redirects=True)
    assert answers[0].status_code == 302
    assert response.status_code == 200, text(response)[:300]
    assert "Het rooster van Anna Test op maandag 7 december is aangepast." in text(response)
    assert "niets opgeslagen" not in text(response)
    assert (anna.id, MON) not in cells(world.team)
    assert edits_of(anna, MON) == 2  # the one put() made, and one of the two frees


def test_the_same_shift_given_twice_at_once_is_saved_once(app, client, login, world, monkeypatch):
    anna, bram, _cees = world.people
    put(world, anna, MON)
    form = cell_form(world, bram, MON, world.req.id)
    answers, _hook = the_other_goes_first(monkeypatch, app, world.planner, service, "_cell_problem",
                                          lambda other: other.post("/rooster/cel", data=form))
    login(world.planner)
    response = client.post("/rooster/cel", data=form, follow_redirects=True)
    assert answers[0].status_code == 302
    assert response.status_code == 200 and "Het rooster van Bram Test op maandag 7 december is aangepast." in text(
        response), text(response)[:300]
    assert "niets opgeslagen" not in text(response)
    assert cells(world.team)[(bram.id, MON)] == world.req.id
    assert edits_of(bram, MON) == 1


def test_another_value_for_the_same_cell_meanwhile_is_refused_and_shows_the_cell_as_it_is(
        app, client, login, world, monkeypatch, make):
    """The other request gave the cell another shift; this one frees it: refused (it is this very
    cell), and the form shows the cell as it is now, not the shift it read before (that row is gone)."""
    anna = world.people[0]
    other_req = make.request(world.loc, world.wt, weekdays="123", headcount=1, start_date=MON,
                             start_minute=8 * 60, end_minute=12 * 60)
    db.session.commit()
    put(world, anna, MON)
    free, moved = cell_form(world, anna, MON, None), cell_form(world, anna, MON, other_req.id)
    the_other_goes_first(monkeypatch, app, world.planner, service, "_cell_problem",
                         lambda other: other.post("/rooster/cel", data=moved))
    login(world.planner)
    response = client.post("/rooster/cel", data=free)
    assert response.status_code == 422, text(response)[:300]
    assert "Dit rooster is net veranderd. Er is niets opgeslagen." in text(response)
    assert "Iemand anders" not in text(response)
    assert cells(world.team)[(anna.id, MON)] == other_req.id
    assert re.search(rf'name="seen_cell"[^>]*value="{other_req.id}:0"', response.get_data(as_text=True))


def test_the_back_button_then_another_value_blames_nobody(client, login, world):
    anna = world.people[0]
    put(world, anna, MON)
    login(world.planner)
    url = f"/rooster/cel?week={WEEK}&team={world.team.id}&employee={anna.id}&date={MON}"
    opened = form_as_shown(client, url)
    assert client.post("/rooster/cel", data={**opened, "request": ""}).status_code == 302
    # Back to the form as it was, another choice: the cell changed since (by this same person).
    again = client.post("/rooster/cel", data={**opened, "request": str(world.req.id), "pinned": ""})
    assert again.status_code == 422
    assert "Dit rooster is net veranderd. Er is niets opgeslagen." in text(again)
    assert "Iemand anders" not in text(again)


# --- two people start the same new week -------------------------------------------------------


@pytest.mark.parametrize("race", ["insert", "read"])
def test_two_cells_of_a_new_week_saved_at_once_are_both_kept_with_their_leader(
        app, client, login, world, monkeypatch, race):
    """'insert': both looked for the week's roster before either made it (uq_roster_week_team);
    'read': the other made it before this one looked. Either way both cells are saved, and the
    other's day keeps its team leader (the supervision this one computed had no shift there)."""
    anna, bram, _cees = world.people
    mine, theirs = cell_form(world, anna, MON, world.req.id), cell_form(world, bram, TUE, world.req.id)
    if race == "insert":
        answers = roster_made_by_the_other(monkeypatch, app, world.planner,
                                           lambda other: other.post("/rooster/cel", data=theirs))
    else:
        answers, _hook = the_other_goes_first(monkeypatch, app, world.planner, service, "_cell_problem",
                                              lambda other: other.post("/rooster/cel", data=theirs))
    login(world.planner)
    response = client.post("/rooster/cel", data=mine, follow_redirects=True)
    assert answers[0].status_code == 302
    assert "Het rooster van Anna Test op maandag 7 december is aangepast." in text(response), text(response)[:300]
    assert cells(world.team) == {(anna.id, MON): world.req.id, (bram.id, TUE): world.req.id}
    roster = roster_of(world.team)
    led = {s.date for s in db.session.scalars(select(SupervisionAssignment).where(
        SupervisionAssignment.roster_id == roster.id))}
    assert led == {MON, TUE}
    assert db.session.scalar(select(func.count(Roster.id)).where(Roster.week == WEEK)) == 1


def test_the_same_cell_of_a_new_week_saved_twice_at_once_is_saved_once(app, client, login, world, monkeypatch):
    anna = world.people[0]
    form = cell_form(world, anna, MON, world.req.id)
    answers = roster_made_by_the_other(monkeypatch, app, world.planner,
                                       lambda other: other.post("/rooster/cel", data=form))
    login(world.planner)
    response = client.post("/rooster/cel", data=form, follow_redirects=True)
    assert answers[0].status_code == 302
    assert "Het rooster van Anna Test op maandag 7 december is aangepast." in text(response), text(response)[:300]
    assert cells(world.team) == {(anna.id, MON): world.req.id}
    assert edits_of(anna, MON) == 1


# --- "Zelfde als vorige week" twice ----------------------------------------------------------


def last_week_with_two_shifts(world):
    anna, bram, _cees = world.people
    put(world, anna, MON)
    put(world, bram, TUE)
    return {"week": NEXT, "team": world.team.id}


def copies() -> int:
    return db.session.scalar(select(func.count(RosterChange.id)).where(RosterChange.action == "copy"))


ALREADY_COPIED = "Vorige week is al overgenomen in dit rooster: 2 diensten. Er is niets nog een keer overgenomen."


def test_copying_last_week_again_says_it_was_copied_already(client, login, world):
    form = {**last_week_with_two_shifts(world), "lock_version": 0}
    login(world.planner)
    first = client.post("/rooster/vorige-week", data=form, follow_redirects=True)
    assert "2 diensten van vorige week overgenomen in lege vakjes." in text(first)
    again = client.post("/rooster/vorige-week", data=form, follow_redirects=True)
    assert ALREADY_COPIED in text(again), text(again)[:600]
    assert "niets opgeslagen" not in text(again)
    assert len(cells(world.team, NEXT)) == 2 and copies() == 1


@pytest.mark.parametrize("race", ["insert", "read", "existing"])
def test_last_week_copied_twice_at_once_is_copied_once(app, client, login, world, monkeypatch, race):
    """'insert' and 'read' as above, on a week without a roster; 'existing': the week has a roster
    (one cell of it), and both copies read it before either wrote (uq_assignment_employee_date on
    PostgreSQL, a stale roster on SQLite)."""
    form = last_week_with_two_shifts(world)
    if race == "existing":
        put(world, world.people[2], NEXT_MON + dt.timedelta(days=2), week=NEXT)
    form["lock_version"] = roster_of(world.team, NEXT).lock_version if race == "existing" else 0
    post = lambda other: other.post("/rooster/vorige-week", data=form)  # noqa: E731
    if race == "insert":
        answers = roster_made_by_the_other(monkeypatch, app, world.planner, post)
    else:
        answers, _hook = the_other_goes_first(monkeypatch, app, world.planner, planning, "build_problem", post)
    login(world.planner)
    response = client.post("/rooster/vorige-week", data=form, follow_redirects=True)
    assert answers[0].status_code == 302
    assert ALREADY_COPIED in text(response), text(response)[:600]
    assert len(cells(world.team, NEXT)) == (3 if race == "existing" else 2) and copies() == 1


# --- messages ---------------------------------------------------------------------------------


def test_a_cell_saved_after_the_contract_ended_says_so(client, login, world):
    cees = world.people[2]
    login(world.planner)
    url = f"/rooster/cel?week={WEEK}&team={world.team.id}&employee={cees.id}&date={MON}"
    opened = form_as_shown(client, url)
    people.archive_employee(cees, dt.date(2026, 12, 4), today=SATURDAY)
    response = client.post("/rooster/cel", data={**opened, "request": str(world.req.id)}, follow_redirects=True)
    assert response.status_code == 200
    assert "Cees Test werkt hier niet meer vanaf zaterdag 5 december. Er is niets opgeslagen." in text(response)
    assert cells(world.team) == {}


def test_a_refused_publish_names_the_team_and_says_nothing_was_published(client, login, world):
    anna, bram, _cees = world.people
    put(world, anna, MON)
    seen = roster_of(world.team).lock_version
    put(world, bram, MON)  # changed after the page was shown
    login(world.planner)
    response = client.post("/rooster/publiceren", data={"week": WEEK, "team": world.team.id, "lock_version": seen},
                           follow_redirects=True)
    assert ("Het rooster van Team A is net veranderd. Er is niets gepubliceerd. Bekijk het en publiceer opnieuw."
            in text(response)), text(response)[:600]
    assert "opgeslagen" not in text(response) and roster_of(world.team).version == 0


def test_a_publish_without_the_pages_version_is_refused_not_published_unseen(client, login, world):
    """A publish form without its lock_version (a field taken out, a page from before it) skipped
    the check and published a change nobody on that page saw (a QA finding)."""
    put(world, world.people[0], MON)
    login(world.planner)
    response = client.post("/rooster/publiceren", data={"week": WEEK, "team": world.team.id}, follow_redirects=True)
    assert "Er is niets gepubliceerd." in text(response) and roster_of(world.team).version == 0


def test_publish_all_leaves_out_the_teams_that_changed_and_publishes_the_rest(client, login, world, make):
    anna = world.people[0]
    put(world, anna, MON)
    other_team = db.session.scalar(select(Team).where(Team.name == "Team B"))
    wt2 = make.work_type("mops")
    make.supervisor(other_team, work_types=[wt2])
    dirk = make.employee(other_team, work_types=[wt2], first_name="Dirk", last_name="Test")
    req2 = make.request(world.loc, wt2, weekdays="1", headcount=1, start_date=MON)
    db.session.commit()
    service.set_cell(WEEK, other_team.id, dirk.id, MON, req2.id, lock_version=0, user=world.planner)
    mine, theirs = roster_of(world.team), roster_of(other_team)
    locks = f"{mine.id}:{mine.lock_version},{theirs.id}:{theirs.lock_version}"
    put(world, world.people[1], MON)  # Team A changed after the page was shown
    login(world.planner)
    response = client.post("/rooster/publiceren-alle", data={"week": WEEK, "locks": locks}, follow_redirects=True)
    # Team B's roster is published as the planner saw it; Team A's is named, for them to look at first.
    assert ("Het rooster van Team A is net veranderd en is daarom niet gepubliceerd. Bekijk het en publiceer het "
            "opnieuw." in text(response)), text(response)[:600]
    assert "1 rooster gepubliceerd." in text(response)
    db.session.expire_all()
    assert roster_of(world.team).version == 0 and roster_of(other_team).version == 1
    # Both changed since (the page sent stale versions for both): nothing is published.
    put(world, world.people[0], TUE)
    mine, theirs = roster_of(world.team), roster_of(other_team)
    service.set_cell(WEEK, other_team.id, dirk.id, MON, None, lock_version=theirs.lock_version, user=world.planner)
    response = client.post("/rooster/publiceren-alle", data={"week": WEEK, "locks": locks}, follow_redirects=True)
    assert ("De roosters van Team A en Team B zijn net veranderd. Er is niets gepubliceerd. Bekijk ze en publiceer "
            "opnieuw." in text(response)), text(response)[:600]
    db.session.expire_all()
    assert roster_of(world.team).version == 0 and roster_of(other_team).version == 1
    assert roster_of(other_team).has_unpublished_changes


# --- an absence entered while publishing runs -------------------------------------------------


def absence_form(person, day) -> dict:
    return {"person": f"medewerker-{person.id}", "kind": "ziek", "start_date": day.isoformat(),
            "end_date": day.isoformat(), "whole_day": "y", "start_time": "", "end_time": "", "note": ""}


@pytest.mark.parametrize("how", ["one", "all"])
@pytest.mark.parametrize("when", ["read", "written"])
def test_an_absence_entered_while_publishing_holds_that_shift_or_says_it_was_published(
        app, client, login, world, monkeypatch, how, when):
    """Publishing reads the shifts and the absences, then writes what it tells. An absence saved
    after the read ('read'): publishing sees it before it commits, and holds that shift. One saved
    once publishing has written ('written'): it waits for the publication (the rosters' row lock,
    on SQLite the database's), and then says the roster was published. Never a shift told on a day
    the person was entered as sick while their absence said the roster was not published yet."""
    anna, bram, _cees = world.people
    put(world, anna, MON)
    put(world, bram, TUE)
    roster = roster_of(world.team)
    sick = absence_form(anna, MON)
    answers, hook = the_other_goes_first(
        monkeypatch, app, world.leader, service, {"read": "read_for_publishing", "written": "_absent_since"}[when],
        lambda other: other.post("/teams/afwezigheid/nieuw", data=sick, follow_redirects=True), wait=1)
    login(world.planner)
    if how == "one":
        published = client.post("/rooster/publiceren", data={
            "week": WEEK, "team": world.team.id, "lock_version": roster.lock_version}, follow_redirects=True)
    else:
        published = client.post("/rooster/publiceren-alle", data={
            "week": WEEK, "locks": f"{roster.id}:{roster.lock_version}"}, follow_redirects=True)
    assert hasattr(hook, "thread"), text(published)[:600]
    hook.thread.join(30)
    assert "Gepubliceerd" in text(published) or "gepubliceerd" in text(published), text(published)[:600]
    absence_said = text(answers[0])
    assert "De afwezigheid van Anna Test is geregistreerd." in absence_said
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Absence.id))) == 1
    told = db.session.scalar(select(PublishedShift).where(PublishedShift.employee_id == anna.id,
                                                          PublishedShift.date == MON))
    if told is None:  # held: publishing saw the absence, and says so
        assert "1 nieuwe of gewijzigde dienst is niet gepubliceerd: de medewerker is dan afwezig." in text(published)
    else:  # told before the absence was saved: the absence says the roster was published
        assert "Wie afwezig is, ziet de dienst nog op de weekpagina en in de agenda, tot het rooster gerepareerd en opnieuw gepubliceerd is." \
            in absence_said, absence_said[:800]
    assert "Het rooster is nog niet gepubliceerd" not in absence_said or told is None
    assert (told is None) == (when == "read")
    assert db.session.scalar(select(PublishedShift).where(PublishedShift.employee_id == bram.id)) is not None
