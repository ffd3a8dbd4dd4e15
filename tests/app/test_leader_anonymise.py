"""A team leader who has left can be anonymised (AVG right to erasure), as an employee can.

Before, an archived leader's name, phone, e-mail address, working times, work types and account stayed
shown to planners for ever, and their name stayed in audit rows. The privacy page now lists the
archived leaders who lead on no day of the feed window or later; anonymising one keeps the days they
led (under "Geanonimiseerd #id"), is noted in the record of anonymisations and done again after a
restore of an older backup.
"""
from __future__ import annotations

import datetime as dt
import html
import json
import re
from pathlib import Path

import pytest
from sqlalchemy import func, select

from binnenwerk import privacy, roster_history
from binnenwerk.extensions import db
from binnenwerk.models import (Absence, AuditEvent, AvailabilitySlot, PublishedShift, Roster, RosterChange,
                               SolveJob, SupervisionAssignment, Supervisor, User)
from binnenwerk.services import feeds

TODAY = dt.date(2026, 12, 16)  # a Wednesday; the feed window begins 4 weeks before: 18 November
LONG_AGO = dt.date(2026, 10, 5)  # a Monday, week 41: before the feed window
IN_WINDOW = dt.date(2026, 11, 30)  # a Monday, week 49: in the feed window


def _text(response) -> str:
    return html.unescape(" ".join(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)).split()))


@pytest.fixture
def record(app, monkeypatch, tmp_path) -> Path:
    """The record of anonymisations in this test's own folder (as test_privacy_pg_record does)."""
    instance = tmp_path / "instance"
    monkeypatch.setattr(app, "instance_path", str(instance))
    if db.engine.dialect.name == "sqlite":
        monkeypatch.setattr(privacy, "record_path", lambda: instance / privacy.RECORD_NAME)
    return instance / privacy.RECORD_NAME


@pytest.fixture
def world(app, make, login, monkeypatch, record):
    """Team Den Haag 1; Gerda Vertrokken (archived, led a day in week 41, with a team-leader
    account, an absence and a reason naming her), Henk Nogbezig (archived, leads a day in week 49)
    and Ilse Actief (not archived, led long ago); a published shift of Anna led by Gerda."""
    monkeypatch.setattr(feeds, "local_today", lambda: TODAY)
    wt = make.work_type(name_nl="Toetsenborden reinigen")
    place = make.location("Den Haag", name="Rijnstraat 8")
    team = make.team("Den Haag", name="Team Den Haag 1")
    account = make.user("team_leader", email="gerda@example.org", name="Gerda Vertrokken")
    gone = make.supervisor(team, work_types=[wt], name="Gerda Vertrokken", phone="06-11112222",
                           email="gerda.prive@example.org", user=account, archived=True,
                           archived_on=dt.date(2026, 10, 20))
    busy = make.supervisor(team, name="Henk Nogbezig", archived=True, archived_on=dt.date(2026, 12, 1))
    active = make.supervisor(team, name="Ilse Actief")
    anna = make.employee(team, work_types=[wt], first_name="Anna", last_name="Test")
    planner = make.user("planner")
    make.absence(supervisor=gone, start=dt.date(2026, 10, 12), end=dt.date(2026, 10, 13), kind="ziek")
    rosters = {}
    for leader, day in ((gone, LONG_AGO), (busy, IN_WINDOW), (active, LONG_AGO + dt.timedelta(days=1))):
        week = f"{day.isocalendar()[0]}-W{day.isocalendar()[1]:02d}"
        roster = rosters.get(week) or Roster(week=week, team_id=team.id, status="published", version=1)
        db.session.add(roster)
        db.session.flush()
        rosters[week] = roster
        db.session.add(SupervisionAssignment(roster_id=roster.id, supervisor_id=leader.id, date=day,
                                             location_id=place.id, team_id=team.id))
    make.published_shift(anna, LONG_AGO, location=place, work_type=wt, supervisor=gone)
    first = next(iter(rosters.values()))
    roster_history.record(first, planner, "leader", "leader_pin", place="Rijnstraat 8", day=LONG_AGO,
                          name="Gerda Vertrokken", reason="Gerda Vertrokken kent de locatie")
    roster_history.record(first, None, "absence", "leader_absence", name="Gerda Vertrokken", day=LONG_AGO)
    # What the log and a plan's result said of Gerda before.
    db.session.add(AuditEvent(action="roster.leader", object_type="Roster", object_id="1",
                              detail=f"week=2026-W41 day=2026-10-05 supervisor={gone.id}"))
    db.session.add(AuditEvent(action="supervisor.update", object_type="Supervisor", object_id=str(gone.id),
                              detail="changed: name (Gerda V -> Gerda Vertrokken)"))
    db.session.add(AuditEvent(action="user_changed", object_type="User", object_id=str(account.id),
                              detail="changed: email (g@example.org -> gerda@example.org)"))
    db.session.add(AuditEvent(action="roster.edit", actor_id=account.id, actor_email="gerda@example.org",
                              object_type="Roster", object_id="1", detail="week=2026-W41"))
    db.session.add(SolveJob(week="2026-W41", team_id=team.id, status="finished", result={
        "dropped_leads": [{"name": "Gerda Vertrokken", "date": "2026-10-06", "place": "Rijnstraat 8"},
                          {"name": "Ilse Actief", "date": "2026-10-06", "place": "Rijnstraat 8"}],
        "left_out": [{"team": team.id, "changes": [{"what": "leader", "name": "Gerda Vertrokken",
                                                    "days": ["2026-10-07"]}]}]}))
    db.session.commit()
    login(planner)
    return type("World", (), dict(team=team, gone=gone, busy=busy, active=active, anna=anna, account=account,
                                  gone_id=gone.id, account_id=account.id))


def _anonymise(client, leader, **data):
    return client.post(f"/privacy/teamleiders/{leader.id}/anonimiseren", data={"confirm": "y", **data},
                       follow_redirects=True)


def test_the_privacy_page_lists_only_the_leaders_who_left_before_the_feed_window(client, world):
    page = _text(client.get("/privacy/"))

    assert "Teamleiders die weg zijn, nog niet geanonimiseerd" in page
    assert "Gerda Vertrokken" in page and f"/privacy/teamleiders/{world.gone.id}" in client.get(
        "/privacy/").get_data(as_text=True)
    assert "Henk Nogbezig" not in page  # still leads in the feed window
    assert "Ilse Actief" not in page  # not archived


def test_anonymising_a_leader_through_the_page_removes_what_identifies_them(client, world):
    said = _text(_anonymise(client, world.gone))

    assert "De gegevens van de teamleider zijn geanonimiseerd." in said
    db.session.expire_all()
    gone = db.session.get(Supervisor, world.gone_id)
    name = f"Geanonimiseerd #{gone.id}"
    assert (gone.name, gone.phone, gone.email, gone.user_id) == (name, "", "", None)
    assert gone.work_types == [] and gone.availability == []
    assert db.session.scalar(select(func.count()).select_from(AvailabilitySlot)
                             .where(AvailabilitySlot.supervisor_id == gone.id)) == 0
    assert db.session.scalar(select(func.count()).select_from(Absence).where(Absence.supervisor_id == gone.id)) == 0
    # The days led stay, under the anonymised name.
    assert db.session.scalar(select(func.count()).select_from(SupervisionAssignment)
                             .where(SupervisionAssignment.supervisor_id == gone.id)) == 1
    assert db.session.scalar(select(PublishedShift.supervisor_id)) == gone.id
    # Their own account is stopped and anonymous.
    account = db.session.get(User, world.account_id)
    assert not account.active and account.name == name and "gerda" not in account.email
    # Not on the list any more; the page says it was done.
    assert "Gerda" not in _text(client.get("/privacy/"))
    assert "Deze teamleider is geanonimiseerd." in _text(client.get(f"/privacy/teamleiders/{gone.id}"))
    # One audit row without a name; earlier rows no longer say who.
    row = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "supervisor.anonymise"))
    assert row.object_id == str(gone.id) and "Gerda" not in row.detail
    details = " ".join(f"{e.actor_email} {e.detail}" for e in db.session.scalars(select(AuditEvent)))
    assert "Gerda" not in details and "gerda" not in details and f"supervisor={gone.id}" not in details
    assert db.session.scalar(select(AuditEvent.detail).where(AuditEvent.action == "roster.leader")) == \
        "week=2026-W41 day=2026-10-05"
    # The roster history names her anonymised, without the reason naming her or the day she was away.
    lines = list(db.session.scalars(select(RosterChange)))
    assert [(c.message, c.params["name"], c.reason) for c in lines] == [("leader_pin", name, "")]
    assert name in lines[0].detail and "Gerda" not in lines[0].detail
    # Plans' results no longer name her; the other leader's stays.
    job = db.session.scalar(select(SolveJob))
    assert "Gerda" not in json.dumps(job.result) and "Ilse Actief" in json.dumps(job.result)


def test_pages_that_showed_the_leader_show_the_anonymised_name(client, world):
    _anonymise(client, world.gone)
    name = f"Geanonimiseerd #{world.gone_id}"

    leader_page = _text(client.get(f"/teams/teamleiders/{world.gone_id}"))
    assert name in leader_page
    assert "Gerda" not in leader_page and "06-11112222" not in leader_page
    grid = _text(client.get(f"/rooster/?week=2026-W41&team={world.team.id}"))
    assert f"{name}: Rijnstraat 8" in grid and "Gerda" not in grid
    # The employee's week page shows this week and the next: it names no leader of before the window.
    from binnenwerk.models import FeedKind
    from binnenwerk.services import tokens

    token = tokens.issue(FeedKind.EMPLOYEE, world.anna)
    db.session.commit()
    assert "Gerda" not in _text(client.get(f"/week/{token}"))


def test_a_leader_who_still_leads_in_the_feed_window_is_refused(client, world):
    response = client.post(f"/privacy/teamleiders/{world.busy.id}/anonimiseren", data={"confirm": "y"})

    assert response.status_code == 422
    said = _text(response)
    assert "Deze teamleider staat nog in een rooster op maandag 30 november." in said
    db.session.expire_all()
    assert db.session.get(Supervisor, world.busy.id).name == "Henk Nogbezig"


def test_a_leader_not_archived_is_refused(client, world):
    said = _text(_anonymise(client, world.active))

    assert "Deze teamleider is niet gearchiveerd." in said
    db.session.expire_all()
    assert db.session.get(Supervisor, world.active.id).name == "Ilse Actief"
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "supervisor.anonymise")) is None


def test_anonymising_asks_to_confirm(client, world):
    response = client.post(f"/privacy/teamleiders/{world.gone.id}/anonimiseren", data={})

    assert response.status_code == 422 and "Vink aan dat je dit zeker weet." in _text(response)
    db.session.expire_all()
    assert db.session.get(Supervisor, world.gone_id).name == "Gerda Vertrokken"


def test_a_leader_already_anonymised_is_refused(client, world):
    _anonymise(client, world.gone)

    said = _text(_anonymise(client, db.session.get(Supervisor, world.gone_id)))

    assert "Al gedaan." in said
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)
                             .where(AuditEvent.action == "supervisor.anonymise")) == 1


def _as_in_an_older_dump(world, make) -> None:
    """What a restore of a backup from before the anonymisation (and from before the archiving)
    brings back: the leader as they were, with their account."""
    gone = db.session.get(Supervisor, world.gone_id)
    account = db.session.get(User, world.account_id)
    account.name, account.email, account.active = "Gerda Vertrokken", "gerda@example.org", True
    gone.name, gone.phone, gone.user = "Gerda Vertrokken", "06-11112222", account
    gone.archived, gone.archived_on = False, None
    make.absence(supervisor=gone, start=dt.date(2026, 10, 12), kind="ziek")
    db.session.execute(db.delete(AuditEvent))
    db.session.commit()


def test_the_record_notes_the_leader_and_a_restore_anonymises_them_again(client, world, record, make, runner):
    _anonymise(client, world.gone)
    noted = json.loads(record.read_text())
    assert noted["anonymised_supervisors"] == [{"supervisor_id": world.gone_id, "first_led": "2026-10-05",
                                                "archived_on": "2026-10-20", "on": TODAY.isoformat()}]
    assert "Gerda" not in record.read_text() and noted.get("anonymised", []) == []
    _as_in_an_older_dump(world, make)

    first = runner.invoke(args=["reapply-anonymisations"])

    assert first.exit_code == 0, first.output
    db.session.expire_all()
    gone = db.session.get(Supervisor, world.gone_id)
    assert (gone.name, gone.phone, gone.user_id) == (f"Geanonimiseerd #{gone.id}", "", None)
    assert db.session.get(User, world.account_id).name == f"Geanonimiseerd #{gone.id}"
    assert db.session.scalar(select(func.count()).select_from(Absence)) == 0
    again = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "supervisor.anonymise"))
    assert again.detail.startswith("again after a restore")
    # Run again: nothing to do.
    assert privacy.reapply_after_restore(json.loads(record.read_text()), today=TODAY).anonymised_again == 0


def test_a_restore_leaves_another_leader_with_the_same_id_alone(world, record):
    """A database begun anew numbers its leaders from 1 again: the record's leader is known by the
    first day they led too."""
    privacy.remember_anonymised_leader(world.gone, TODAY)
    noted = json.loads(record.read_text())
    noted["anonymised_supervisors"][0]["first_led"] = "2019-05-06"

    assert privacy.reapply_after_restore(noted, today=TODAY).anonymised_again == 0
    db.session.expire_all()
    assert db.session.get(Supervisor, world.gone_id).name == "Gerda Vertrokken"


def test_a_record_without_leaders_still_works(world, record):
    """A record written before leaders were anonymised has no list of them."""
    assert privacy.reapply_after_restore({"anonymised": []}, today=TODAY).anonymised_again == 0
    record.parent.mkdir(parents=True, exist_ok=True)
    record.write_text(json.dumps({"anonymised": []}))
    privacy.remember_anonymised_leader(world.gone, TODAY)
    assert [e["supervisor_id"] for e in json.loads(record.read_text())["anonymised_supervisors"]] == [world.gone_id]
