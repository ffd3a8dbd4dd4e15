"""QA round on people leaving and coming back (the app's clock: Monday 7 December 2026, week 50
published, week 51 a draft).

- An archived team leader's login no longer sees the team they led (its employees' indication and
  health notes), as after a move; taking the leader back gives it back, as a move into the team would.
- A contract's end set on the employee form or by the employees import names each roster with
  shifts after the last working day, in the words of 'Contract beëindigen'.
- A row of an export naming someone whose contract has ended says so, instead of "onbekend".
- Lowering the hours a day names the rosters with shifts now longer than that (never the hours).
- Taking someone back says the end date went; `restore` checks the file before it asks.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
from html import unescape
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from binnenwerk.dataio.kinds.employees import EmployeesKind
from binnenwerk.extensions import db
from binnenwerk.models import Assignment, AuditEvent, Employee, EmployeeSensitive, Roster, Supervisor, User
from binnenwerk.services import feeds
from binnenwerk.services import people as ops
from binnenwerk.services import rosters as roster_service

from .dataio_uploads import token_of, upload, upload_folder  # noqa: F401  (the fixture)
from .edit_forms import form_as_shown

MON, TUE, WED = dt.date(2026, 12, 7), dt.date(2026, 12, 8), dt.date(2026, 12, 9)
MON_51 = dt.date(2026, 12, 14)


@pytest.fixture(autouse=True)
def monday(monkeypatch):
    monkeypatch.setattr(feeds, "local_today", lambda: MON)
    monkeypatch.setattr(feeds, "local_now", lambda: dt.datetime.combine(MON, dt.time(8), ZoneInfo("Europe/Amsterdam")))


@pytest.fixture
def world(make):
    """Team Den Haag 1, led by Tineke (her login sees the team); Rosa works Wednesday of week 50
    (published) and Monday of week 51 (a draft), 09:00-15:00 with a half-hour break."""
    wt = make.work_type("ict", name_nl="ICT en digitalisering", name_en="ICT and digitisation")
    place = make.location("Den Haag", name="Den Haag locatie 3")
    team = make.team("Den Haag", name="Team Den Haag 1")
    account = make.user("team_leader", name="Tineke Teamleider", teams=[team])
    leader = make.supervisor(team, work_types=[wt], name="Tineke Teamleider", user=account)
    rosa = make.employee(team, work_types=[wt], first_name="Rosa", last_name="Koster")
    db.session.add(EmployeeSensitive(employee=rosa, indication="Banenafspraak", health_notes="Rugklachten"))
    request = make.request(place, wt, start_date=MON, end_date=dt.date(2027, 1, 8), headcount=2)
    w50 = Roster(week="2026-W50", team=team)
    w51 = Roster(week="2026-W51", team=team)
    db.session.add_all([w50, w51])
    db.session.flush()
    for roster, day in ((w50, WED), (w51, MON_51)):
        db.session.add(Assignment(roster_id=roster.id, employee_id=rosa.id, date=day, request_id=request.id))
    db.session.commit()
    roster_service.publish(w50)
    planner = make.user("planner")
    db.session.commit()
    return type("World", (), dict(wt=wt, team=team, account=account, leader=leader, rosa=rosa, planner=planner))


def page_text(response) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))))


def flashes(response) -> list[str]:
    html = response.get_data(as_text=True)
    return [re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", "", found))).strip()
            for found in re.findall(r'<p class="flash flash-\w+"[^>]*>(.*?)</p>', html, flags=re.S)]


def edit_rosa(client, world, **changes):
    url = f"/teams/medewerkers/{world.rosa.id}/wijzigen"
    data = {**form_as_shown(client, url), **changes}
    return client.post(url, data=data, follow_redirects=True)


W50_AFTER_END = ("Week 2026-W50, Team Den Haag 1: 1 dienst ligt na de laatste werkdag van Rosa Koster. "
                 "Repareer het rooster en publiceer het opnieuw, dan gaat dat werk naar een ander.")
W51_AFTER_END = ("Week 2026-W51, Team Den Haag 1: 1 dienst ligt na de laatste werkdag van Rosa Koster. "
                 "Het rooster is nog niet gepubliceerd. Pas het aan voordat je het publiceert.")


# --- 1. an archived team leader's login no longer sees the team -----------------------------------


def test_archiving_a_leader_takes_the_team_off_their_login_and_says_so(client, login, world):
    login(world.planner)
    response = client.post(f"/teams/teamleiders/{world.leader.id}/archiveren", follow_redirects=True)
    assert "Teamleider Tineke Teamleider is gearchiveerd." in flashes(response)
    assert "Het account van Tineke Teamleider ziet Team Den Haag 1 niet meer." in flashes(response)
    db.session.expire_all()
    assert db.session.get(User, world.account.id).teams == []
    change = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "user_changed")).one()
    assert f"teams ([{world.team.id}] -> [])" in change.detail

    client.post("/auth/logout")
    login(world.account)
    assert client.get(f"/teams/medewerkers/{world.rosa.id}").status_code == 404
    assert client.get(f"/teams/medewerkers/{world.rosa.id}/persoonlijk").status_code == 404
    assert "Rugklachten" not in client.get("/teams/medewerkers").get_data(as_text=True)


def test_the_archive_button_says_the_login_will_lose_the_team(client, login, world):
    login(world.planner)
    html = page_text(client.get(f"/teams/teamleiders/{world.leader.id}"))
    assert f"Het account {world.account.email} ziet Team Den Haag 1 dan niet meer." in html


def test_taking_the_leader_back_gives_the_team_back_as_a_move_into_it_would(client, login, world):
    login(world.planner)
    client.post(f"/teams/teamleiders/{world.leader.id}/archiveren")
    response = client.post(f"/teams/teamleiders/{world.leader.id}/terugzetten", follow_redirects=True)
    assert "Teamleider Tineke Teamleider is weer actief." in flashes(response)
    assert "Het account van Tineke Teamleider ziet nu Team Den Haag 1." in flashes(response)
    db.session.expire_all()
    assert [t.id for t in db.session.get(User, world.account.id).teams] == [world.team.id]


def test_editing_an_archived_leader_gives_no_team_back(client, login, world):
    login(world.planner)
    client.post(f"/teams/teamleiders/{world.leader.id}/archiveren")
    url = f"/teams/teamleiders/{world.leader.id}/wijzigen"
    response = client.post(url, data={**form_as_shown(client, url), "phone": "06-99998888"}, follow_redirects=True)
    assert "Teamleider Tineke Teamleider is opgeslagen." in flashes(response)
    assert not any("ziet nu" in said for said in flashes(response))
    db.session.expire_all()
    assert db.session.get(User, world.account.id).teams == []


def test_a_leader_taken_back_gives_no_team_to_an_account_that_is_no_team_leader_now(world):
    ops.set_supervisor_archived(world.leader, True)
    world.account.role = "planner"  # the admin changed the login meanwhile
    db.session.commit()
    ops.set_supervisor_archived(db.session.get(Supervisor, world.leader.id), False)
    db.session.expire_all()
    assert db.session.get(User, world.account.id).teams == []


def test_a_team_the_admin_gave_other_leaders_accounts_stays(make, world):
    other = make.team("Den Haag", name="Team Den Haag 2")
    world.account.teams.append(other)
    db.session.commit()
    ops.set_supervisor_archived(world.leader, True)
    db.session.expire_all()
    assert [t.name for t in db.session.get(User, world.account.id).teams] == ["Team Den Haag 2"]


# --- 2. a contract's end by the employee form or the import names the rosters to repair -------------


def test_an_end_date_ahead_on_the_form_names_each_roster_with_shifts_after_it(client, login, world):
    login(world.planner)
    response = edit_rosa(client, world, contract_end=TUE.isoformat())
    said = flashes(response)
    assert "De gegevens van Rosa Koster zijn opgeslagen." in said
    assert any(line.startswith(W50_AFTER_END) for line in said)
    assert any(line.startswith(W51_AFTER_END) for line in said)
    html = response.get_data(as_text=True)
    assert f'href="/rooster/?week=2026-W51&amp;team={world.team.id}">Naar het rooster van week 2026-W51' in html


def test_an_end_date_gone_by_on_the_form_names_them_too(client, login, make, world):
    login(make.user("team_leader", teams=[world.team]))
    response = edit_rosa(client, world, contract_end=dt.date(2026, 12, 4).isoformat())
    said = flashes(response)
    assert any("staat nu in het archief" in line for line in said)
    assert any(line.startswith(W50_AFTER_END) for line in said)
    assert any(line.startswith(W51_AFTER_END) for line in said)


def test_a_save_that_leaves_the_end_date_alone_names_no_roster(client, login, world):
    login(world.planner)
    response = edit_rosa(client, world, phone="06-11112222")
    assert not any("laatste werkdag" in line for line in flashes(response))


def export_csv(*rows) -> bytes:
    header = [column.name for column in EmployeesKind.columns]
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if cell is None else cell.isoformat() if isinstance(cell, dt.date) else
                         str(cell).replace(".", ",") if isinstance(cell, float) else cell for cell in row])
    return buffer.getvalue().encode("utf-8")


def rosa_row(world, **changes) -> list:
    row = EmployeesKind.export_row(db.session.get(Employee, world.rosa.id))
    names = [column.name for column in EmployeesKind.columns]
    for name, value in changes.items():
        row[names.index(name)] = value
    return row


def test_the_import_says_per_row_which_rosters_an_end_date_leaves_to_repair(client, login, world):
    login(world.planner)
    page = upload(client, "employees", export_csv(rosa_row(world, contract_eind=TUE)), "medewerkers.csv")
    said = [re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", "", item))).strip() for item in re.findall(
        r"<li>(.*?)</li>", page.get_data(as_text=True).split('class="row-warnings"')[1].split("</ul>")[0])]
    assert said == [f"Let op, na het importeren: {W50_AFTER_END}", f"Let op, na het importeren: {W51_AFTER_END}"]
    done = client.post("/gegevens/employees/bevestigen", data={"upload": token_of(page.get_data(as_text=True))},
                       follow_redirects=True)
    assert f"Rij 2: {W50_AFTER_END}" in page_text(done)
    db.session.expire_all()
    assert db.session.get(Employee, world.rosa.id).contract_end == TUE


def test_the_import_command_says_it_too(app, world, tmp_path):
    path = tmp_path / "medewerkers.csv"
    path.write_bytes(export_csv(rosa_row(world, contract_eind=TUE)))
    result = app.test_cli_runner().invoke(args=["import", "employees", str(path)])
    assert result.exit_code == 0, result.output
    output = " ".join(result.output.split())  # the warnings go to stderr, which the runner's output holds
    assert f"Rij 2: {W50_AFTER_END}" in output and f"Rij 2: {W51_AFTER_END}" in output


# --- 3. a row of someone whose contract has ended ------------------------------------------------------


def test_a_row_of_someone_whose_contract_ended_says_so(client, login, world):
    row = rosa_row(world)
    world.rosa.archived, world.rosa.contract_end = True, dt.date(2026, 11, 30)
    db.session.commit()
    login(world.planner)
    text = page_text(upload(client, "employees", export_csv(row), "medewerkers.csv"))
    assert ("Rosa Koster is uit dienst (gearchiveerd); neem Rosa Koster eerst weer in dienst, of haal de rij weg"
            in text)
    assert "onbekende medewerker" not in text
    # With a cell that cannot be read as well: the same words (check_unread).
    broken = rosa_row(world, contracturen_per_week="veel")
    text = page_text(upload(client, "employees", export_csv(broken), "medewerkers.csv"))
    assert "Rosa Koster is uit dienst (gearchiveerd)" in text


def test_a_team_leader_row_of_someone_archived_says_so(client, login, world):
    """The supervisors import called an archived leader "onbekende teamleider met id N" too."""
    from binnenwerk.dataio.kinds.supervisors import SupervisorsKind

    row = SupervisorsKind.export_row(db.session.get(Supervisor, world.leader.id))
    world.leader.archived = True
    db.session.commit()
    login(world.planner)
    header = ";".join(column.name for column in SupervisorsKind.columns)
    body = (header + "\n" + ";".join("" if cell is None else str(cell) for cell in row) + "\n").encode()
    text = page_text(upload(client, "supervisors", body, "teamleiders.csv"))
    assert ("teamleider Tineke Teamleider is gearchiveerd; haal die eerst uit het archief, of haal de rij weg"
            in text)
    assert "onbekende teamleider" not in text


def test_a_row_of_someone_anonymised_stays_unknown(client, login, world):
    row = rosa_row(world)
    world.rosa.archived, world.rosa.anonymised_at = True, dt.datetime(2026, 12, 1, 12)
    db.session.commit()
    login(world.planner)
    text = page_text(upload(client, "employees", export_csv(row), "medewerkers.csv"))
    assert f"onbekende medewerker met id {world.rosa.id}" in text and "uit dienst" not in text


# --- 4. a lower limit on hours a day names the rosters with shifts now too long ------------------------


def test_lowering_the_hours_a_day_names_the_rosters_with_longer_shifts_and_no_hours(client, login, world):
    login(world.planner)
    response = edit_rosa(client, world, max_hours_per_day="4,5")
    said = flashes(response)
    w50 = next(line for line in said if line.startswith("Week 2026-W50"))
    assert w50.startswith("Week 2026-W50, Team Den Haag 1: 1 dienst is langer dan de uren per dag van Rosa Koster. "
                          "Repareer het rooster en publiceer het opnieuw, dan gaat dat werk naar een ander.")
    assert any(line.startswith("Week 2026-W51, Team Den Haag 1: 1 dienst is langer dan de uren per dag van Rosa "
                               "Koster. Het rooster is nog niet gepubliceerd.") for line in said)
    assert not any("4,5" in line or "4.5" in line for line in said)
    details = " ".join(e.detail or "" for e in db.session.scalars(select(AuditEvent)))
    assert "4,5" not in details and "270" not in details


def test_the_import_names_the_rosters_a_lowered_hours_a_day_leaves_to_repair(client, login, world):
    """The form named them; an import of the same change said only "1 gewijzigd" (a QA finding)."""
    login(world.planner)
    page = upload(client, "employees", export_csv(rosa_row(world, max_uren_per_dag=4.5)), "medewerkers.csv")
    text = page_text(page)
    assert re.search(r"Let op, na het importeren ?: Week 2026-W50, Team Den Haag 1: 1 dienst is langer dan de uren per "
                     r"dag van Rosa Koster\.", text)
    assert "4,5 uur" not in text and "270" not in text
    done = client.post("/gegevens/employees/bevestigen", data={"upload": token_of(page.get_data(as_text=True))},
                       follow_redirects=True)
    assert "Rij 2: Week 2026-W50, Team Den Haag 1: 1 dienst is langer dan de uren per dag" in page_text(done)


def test_hours_a_day_that_still_fit_name_no_roster(client, login, world):
    login(world.planner)
    response = edit_rosa(client, world, max_hours_per_day="6")
    assert not any("langer dan de uren per dag" in line for line in flashes(response))


# --- 5. words after taking back, and restore checks before it asks ---------------------------------------


def test_taking_someone_back_says_the_end_date_went(client, login, world):
    world.rosa.archived, world.rosa.contract_end = True, dt.date(2026, 11, 30)
    db.session.commit()
    login(world.planner)
    response = client.post(f"/teams/medewerkers/{world.rosa.id}/terugzetten", follow_redirects=True)
    said = flashes(response)
    assert ("Rosa Koster is weer in dienst. Het contract heeft geen einddatum meer (het liep tot en met "
            "maandag 30 november). Stopt het contract later weer? Vul dan de einddatum in bij 'Gegevens wijzigen'."
            in said), said
    assert not any("Kijk of het einde van het contract nog klopt" in line for line in said)


@pytest.fixture
def sqlite_app(tmp_path):
    from flask_migrate import upgrade

    from binnenwerk import create_app

    app = create_app({"TESTING": True, "SECRET_KEY": "test", "MFA_REQUIRED_ROLES": (),
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'embedded.sqlite'}"})
    with app.app_context():
        upgrade()
        yield app
        db.session.remove()
        db.engine.dispose()


def test_restore_checks_the_file_before_it_asks_whether_to_go_on(sqlite_app, tmp_path):
    runner = sqlite_app.test_cli_runner()
    missing = runner.invoke(args=["restore", str(tmp_path / "nope.sqlite")], input="y\n")
    assert missing.exit_code != 0 and "bestaat niet" in missing.output and "Doorgaan?" not in missing.output
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"not a database at all" * 100)
    result = runner.invoke(args=["restore", str(junk)], input="y\n")
    assert result.exit_code != 0 and "geen SQLite-database" in result.output and "Doorgaan?" not in result.output
