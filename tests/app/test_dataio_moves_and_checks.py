"""The import does what the people forms do for the same change, and says every problem at once.

A team leader moved by a row (to the pool or another team) gets the form's warnings, per row, in
the preview and after the import: the old team's weeks they still lead, a team left without a
leader of its own. An employee moved while told to come this week is refused with the form's
words; a move that leaves shifts in later weeks needs "Toch verplaatsen", as on the form, and is
named with its weeks. A row's problems are all said in one pass, and the count is what is listed.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
from html import unescape

import pytest
from sqlalchemy import select

from binnenwerk.extensions import db
from binnenwerk.models import Assignment, Employee, Roster, SupervisionAssignment, Supervisor, Team
from binnenwerk.services import feeds

from .dataio_uploads import token_of, upload, upload_folder  # noqa: F401  (the fixture)

WED = dt.date(2026, 12, 9)  # today, week 50
THU = dt.date(2026, 12, 10)  # week 50, to come
MON_51 = dt.date(2026, 12, 14)
THU_51 = dt.date(2026, 12, 17)
MON_52 = dt.date(2026, 12, 21)

LEADER_HEADER = "id;naam;team;regio;email;telefoon;werksoorten;ma;di;wo;do;vr;za;zo"


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def flashes(html: str) -> list[str]:
    return [re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", "", found))).strip()
            for found in re.findall(r'<p class="flash flash-\w+"[^>]*>(.*?)</p>', html, flags=re.S)]


def confirm(client, kind: str, page: str, **extra):
    return client.post(f"/gegevens/{kind}/bevestigen", data={"upload": token_of(page), **extra},
                       follow_redirects=True)


def csv_of(rows) -> bytes:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=";").writerows(rows)
    return buffer.getvalue().encode("utf-8")


@pytest.fixture
def world(make, login, monkeypatch):
    """Lea leads Team Oud: Thursday (week 50, published) and next Monday (a draft). Sanne is in
    Team Oud; Team Nieuw has room."""
    monkeypatch.setattr(feeds, "local_today", lambda: WED)
    wt = make.work_type("schoonmaak")
    place = make.location("Den Haag", name="Rijnstraat 8")
    old = make.team("Den Haag", name="Team Oud")
    new = make.team("Den Haag", name="Team Nieuw")
    lea = make.supervisor(old, work_types=[wt], name="Lea Leider")
    sanne = make.employee(old, work_types=[wt], first_name="Sanne", last_name="de Vries")
    request = make.request(place, wt, weekdays="14", headcount=1, start_date=dt.date(2026, 12, 7),
                           end_date=dt.date(2026, 12, 31))
    for week, day, version in (("2026-W50", THU, 1), ("2026-W51", MON_51, 0)):
        roster = Roster(week=week, team=old, version=version)
        db.session.add(roster)
        db.session.flush()
        db.session.add(SupervisionAssignment(roster_id=roster.id, supervisor_id=lea.id, date=day,
                                             location_id=place.id, team_id=old.id))
    login(make.user("planner"))
    return type("World", (), dict(make=make, wt=wt, place=place, old=old, new=new, lea=lea, sanne=sanne,
                                  request=request))


# --- 1. a team leader moved by the import: the form's warnings, per row ----------------------------

STILL_LEADS = ("Lea Leider leidt nog diensten in week 50 en 51 (Team Oud). Repareer die roosters en publiceer "
               "ze opnieuw.")
NO_LEADER = ("Team Oud heeft nu geen eigen teamleider. Geef het team een nieuwe teamleider. Tot dan zien de "
             "medewerkers van Team Oud op hun weekpagina niet wie hun teamleider is.")


def test_a_leader_moved_to_another_pool_is_named_with_the_weeks_she_still_leads_before_and_after(client, world):
    body = (LEADER_HEADER + "\n;Lea Leider;;Noord-Holland;;06-12345678;schoonmaak;07:30-17:00;;;;;;\n").encode()
    preview = upload(client, "supervisors", body, "teamleiders.csv")
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200
    said = text_of(page)
    assert (f"Wijzigen Verandert: team, regio, beschikbaarheid Let op, na het importeren : {STILL_LEADS}" in said
            and f"Let op, na het importeren : {NO_LEADER}" in said)
    # Before anything is stored, said as what importing will leave (a QA finding: it read as done).
    assert f"Rij 2, na het importeren: {STILL_LEADS}" in flashes(page)
    assert f"Rij 2, na het importeren: {NO_LEADER}" in flashes(page)

    result = confirm(client, "supervisors", page)
    db.session.expire_all()
    lea = db.session.get(Supervisor, world.lea.id)
    assert lea.team_id is None and lea.region == "Noord-Holland"
    said = flashes(result.get_data(as_text=True))
    assert "Het bestand is geïmporteerd: 0 nieuw, 1 gewijzigd, 0 ongewijzigd." in said
    assert f"Rij 2: {STILL_LEADS}" in said and f"Rij 2: {NO_LEADER}" in said
    # As on the form: the team she left knows when its leader left (its feed events name nobody).
    assert db.session.get(Team, world.old.id).leader_left_at is not None


def test_a_team_given_its_new_leader_by_a_later_row_is_not_said_to_be_without_one(client, world):
    body = (LEADER_HEADER + "\n;Lea Leider;Team Nieuw;;;;schoonmaak;07:30-17:00;;;;;;"
            "\n;Bas Nieuw;Team Oud;;;06-12345678;schoonmaak;07:30-17:00;;;;;;\n").encode()
    page = upload(client, "supervisors", body, "teamleiders.csv").get_data(as_text=True)
    said = flashes(page)
    assert f"Rij 2, na het importeren: {STILL_LEADS}" in said
    assert not any("geen eigen teamleider" in line for line in said)


def test_a_leader_edit_without_a_move_says_nothing(client, world):
    body = (LEADER_HEADER + f"\n{world.lea.id};Lea Leider;Team Oud;;;06-87654321;schoonmaak;07:30-17:00;;;;;;\n").encode()
    page = upload(client, "supervisors", body, "teamleiders.csv").get_data(as_text=True)
    assert "Let op" not in text_of(page) and not any("Rij 2" in line for line in flashes(page))


def test_a_leader_moved_to_a_team_with_work_she_cannot_lead_needs_toch_verplaatsen(client, world):
    other = world.make.work_type("ramen", name_nl="Ramen wassen")
    world.make.employee(world.new, work_types=[other])
    world.make.request(world.place, other)
    db.session.commit()
    body = (LEADER_HEADER + "\n;Lea Leider;Team Nieuw;;;;schoonmaak;07:30-17:00;;;;;;\n").encode()
    page = upload(client, "supervisors", body, "teamleiders.csv").get_data(as_text=True)
    assert "Team Nieuw doet ook Ramen wassen. Lea Leider kan dat werk niet leiden." in text_of(page)
    assert 'name="confirm_move"' in page and "Toch verplaatsen, voor elke week vanaf nu." in page

    again = confirm(client, "supervisors", page)  # "Importeren" without the box: asked again, nothing stored
    assert again.status_code == 422 and "Vink &#39;Toch verplaatsen&#39; aan" in again.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Supervisor, world.lea.id).team_id == world.old.id

    confirm(client, "supervisors", again.get_data(as_text=True), confirm_move="y")
    db.session.expire_all()
    assert db.session.get(Supervisor, world.lea.id).team_id == world.new.id


# --- 2. an employee moved by the import: as the form ---------------------------------------------

def shifts(world, week: str, *, published: bool, days=(), told=()) -> None:
    roster = db.session.scalar(select(Roster).where(Roster.week == week, Roster.team_id == world.old.id))
    if roster is None:
        roster = Roster(week=week, team=world.old)
        db.session.add(roster)
    roster.version = 1 if published else 0
    roster.published_at = dt.datetime(2026, 12, 4, 12) if published else None
    db.session.flush()
    for day in days:
        db.session.add(Assignment(roster_id=roster.id, employee_id=world.sanne.id, date=day,
                                  request_id=world.request.id))
    for day in told:
        world.make.published_shift(employee=world.sanne, date=day, location=world.place, work_type=world.wt,
                                   request=world.request)
    db.session.commit()


def moved_export(client) -> bytes:
    exported = client.get("/gegevens/employees/export.csv").get_data().decode("utf-8-sig")
    return exported.replace(";Team Oud;", ";Team Nieuw;").encode("utf-8")


def team_of(world) -> int:
    db.session.expire_all()
    return db.session.get(Employee, world.sanne.id).team_id


def test_an_employee_told_to_come_this_week_is_not_moved_by_the_import(client, world):
    shifts(world, "2026-W50", published=True, days=(THU,), told=(THU,))
    response = upload(client, "employees", moved_export(client), "medewerkers.csv")
    assert response.status_code == 422
    assert ("Rij 2, kolom team: Sanne de Vries heeft deze week nog 1 dienst bij Team Oud (donderdag 10 december) "
            "en weet dat al. Verander het team daarom pas op maandag 14 december of later.") in text_of(
        response.get_data(as_text=True))
    assert team_of(world) == world.old.id


LEFT = ("Sanne de Vries staat nog in 3 diensten in week 51 en 52 van Team Oud. Repareer die roosters van het "
        "oude team en publiceer ze opnieuw, zodat Sanne de Vries het ook hoort. 2 van die diensten zijn al aan "
        "Sanne de Vries doorgegeven. Tot je opnieuw publiceert, komt Sanne de Vries daarvoor gewoon werken.")


def test_a_move_that_leaves_later_shifts_names_them_and_needs_toch_verplaatsen(client, world):
    shifts(world, "2026-W51", published=True, days=(MON_51, THU_51), told=(MON_51, THU_51))
    shifts(world, "2026-W52", published=False, days=(MON_52,))
    preview = upload(client, "employees", moved_export(client), "medewerkers.csv")
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200 and f"Let op, na het importeren : {LEFT}" in text_of(page)
    assert 'name="confirm_move"' in page
    assert "Toch verplaatsen. Ik repareer de roosters van het oude team daarna." in page

    again = confirm(client, "employees", page)
    assert again.status_code == 422 and team_of(world) == world.old.id

    result = confirm(client, "employees", again.get_data(as_text=True), confirm_move="y")
    assert team_of(world) == world.new.id
    assert f"Rij 2: {LEFT}" in flashes(result.get_data(as_text=True))


def test_an_import_that_is_not_confirmed_refuses_the_move_on_its_row(app, world):
    """The service's guard behind the page: confirm_moves=False (the CLI without --confirm-moves,
    or a page whose preview did not ask) refuses the row, and nothing is stored."""
    from binnenwerk.dataio.api import get_kind, import_file

    shifts(world, "2026-W51", published=False, days=(MON_51,))
    body = csv_of([["id", "voornaam", "achternaam", "team", "contracturen_per_week", "max_uren_per_dag",
                    "contract_start"],
                   [world.sanne.id, "Sanne", "de Vries", "Team Nieuw", "25,5", "8", "2025-01-01"]])
    with app.test_request_context():
        refused = import_file(get_kind("employees"), "m.csv", body, commit=True, confirm_moves=False)
        assert not refused.committed and refused.asks_move
        assert [p.column for p in refused.problems] == ["team"]
        assert refused.problems[0].message.startswith("Sanne de Vries staat nog in 1 dienst in week 51 van Team Oud.")
        assert team_of(world) == world.old.id
        moved = import_file(get_kind("employees"), "m.csv", body, commit=True, confirm_moves=True)
        assert moved.committed and team_of(world) == world.new.id


def test_the_cli_moves_only_with_confirm_moves(runner, world, tmp_path):
    shifts(world, "2026-W51", published=False, days=(MON_51,))
    path = tmp_path / "m.csv"
    path.write_bytes(csv_of([["id", "voornaam", "achternaam", "team", "contracturen_per_week", "max_uren_per_dag",
                              "contract_start"],
                             [world.sanne.id, "Sanne", "de Vries", "Team Nieuw", "25,5", "8", "2025-01-01"]]))
    refused = runner.invoke(args=["import", "employees", str(path)])
    assert refused.exit_code == 1 and "--confirm-moves" in refused.output and team_of(world) == world.old.id
    done = runner.invoke(args=["import", "employees", str(path), "--confirm-moves"])
    assert done.exit_code == 0, done.output
    assert "week 51 van Team Oud" in done.output and team_of(world) == world.new.id


# --- 3. every problem of a row in one pass, and the count is what is listed ----------------------

@pytest.fixture
def office(make, login):
    bzk = make.ministry("BZK", name="Binnenlandse Zaken")
    make.location("Den Haag", bzk, code="dh-rijnstraat")
    make.work_type("keyboards")
    make.team("Den Haag", name="Team Den Haag 1")
    login(make.user("planner"))


def listed(page: str) -> tuple[int, list[str]]:
    said = text_of(page)
    count = int(re.search(r"Er (?:is|zijn) (\d+) proble", said).group(1))
    summary = re.search(r'<div class="error-summary".*?</div>', page, flags=re.S).group(0)
    return count, [text_of(item).strip() for item in re.findall(r"<li>(.*?)</li>", summary, flags=re.S)]


def test_a_request_row_says_all_its_problems_at_once_and_counts_them(client, office):
    start = dt.date.today() + dt.timedelta(days=30)
    body = csv_of([["ministerie", "locatie", "werksoort", "startdatum", "einddatum", "dagen", "begintijd",
                    "eindtijd", "aantal_medewerkers", "prioriteit", "status"],
                   ["BZK", "dh-rijnstraat", "keyboards", start.isoformat(),
                    (start + dt.timedelta(days=730)).isoformat(), "ma,xx", "13:00", "09:00", "20", "urgent", "klaar"]])
    page = upload(client, "requests", body, "aanvragen.csv").get_data(as_text=True)
    count, items = listed(page)
    assert count == len(items) == 6
    for column, message in (
            ("dagen", "'ma,xx' zijn geen dagen"), ("aantal_medewerkers", "'20' ligt niet tussen 1 en 15"),
            ("prioriteit", "'urgent' is geen prioriteit"), ("status", "'klaar' is geen status"),
            ("eindtijd", "De eindtijd moet na de begintijd liggen."),
            ("einddatum", "Een aanvraag duurt hoogstens 1 jaar.")):
        assert any(item.startswith(f"Rij 2, kolom {column}: {message}") for item in items), (column, items)


def test_a_cross_field_check_waits_only_for_its_own_unreadable_fields(client, office):
    start = dt.date.today() + dt.timedelta(days=30)
    body = csv_of([["ministerie", "locatie", "werksoort", "startdatum", "einddatum", "dagen", "begintijd",
                    "eindtijd", "aantal_medewerkers"],
                   ["BZK", "dh-rijnstraat", "keyboards", start.isoformat(), "gisteren", "ma", "13:00", "09:00", "3"]])
    _count, items = listed(upload(client, "requests", body, "aanvragen.csv").get_data(as_text=True))
    assert [item.split(":")[0] for item in items] == ["Rij 2, kolom einddatum", "Rij 2, kolom eindtijd"]


def test_an_employee_row_without_work_types_and_days_says_both(client, office):
    body = csv_of([["voornaam", "achternaam", "team", "contracturen_per_week", "max_uren_per_dag", "werksoorten",
                    "ma", "di", "wo", "do", "vr", "za", "zo", "contract_start"],
                   ["Piet", "Jansen", "Team Den Haag 1", "20", "6", "", "", "", "", "", "", "", "", "2026-01-05"],
                   ["Kees", "Jansen", "Team Den Haag 1", "veel", "6", "", "", "", "", "", "", "", "", "2026-01-05"]])
    count, items = listed(upload(client, "employees", body, "medewerkers.csv").get_data(as_text=True))
    assert count == len(items) == 5
    for row in (2, 3):
        assert f"Rij {row}, kolom ma t/m zo: Kies minstens één dag waarop iemand kan werken." in items
        assert f"Rij {row}, kolom werksoorten: Kies minstens één werksoort." in items


# --- small: the phone rule of the forms, the template's work types ------------------------------

def test_a_short_phone_number_is_called_too_short_as_on_the_form(client, office):
    body = (LEADER_HEADER + "\n;Lea Leider;Team Den Haag 1;;;06-1;keyboards;07:30-17:00;;;;;;\n").encode()
    said = text_of(upload(client, "supervisors", body, "teamleiders.csv").get_data(as_text=True))
    assert ("Rij 2, kolom telefoon: '06-1' is te kort voor een telefoonnummer. Vul een geldig telefoonnummer in, "
            "bijvoorbeeld 06-12345678.") in said
    assert "alleen cijfers" not in said


def test_the_employees_template_uses_work_types_the_database_has(client, make, login):
    login(make.user("planner"))
    fallback = client.get("/gegevens/employees/sjabloon.csv").get_data().decode("utf-8-sig")
    assert ";keyboards,pdossiers;" in fallback  # none yet: the fixed example
    make.work_type("ramen")
    make.work_type("stof")
    make.work_type("oud", archived=True)
    db.session.commit()
    rows = list(csv.reader(io.StringIO(
        client.get("/gegevens/employees/sjabloon.csv").get_data().decode("utf-8-sig")), delimiter=";"))
    assert dict(zip(rows[0], rows[1]))["werksoorten"] == "ramen,stof"


# --- a new row named as someone of another team ------------------------------------------------


def test_a_row_without_id_named_as_someone_of_another_team_warns_that_it_adds_a_second(client, world):
    """A row without an id is matched in its own team only, so a team change without the id column
    adds a second Sanne: the check says so and how to move her instead (noticed in QA)."""
    body = csv_of([["voornaam", "achternaam", "team", "contracturen_per_week", "max_uren_per_dag", "contract_start",
                    "werksoorten", "ma"],
                   ["Sanne", "de Vries", "Team Nieuw", "25,5", "8", "2025-01-01", "schoonmaak", "08:00-17:00"],
                   ["Piet", "Nieuw", "Team Nieuw", "25,5", "8", "2025-01-01", "schoonmaak", "08:00-17:00"]])
    page = upload(client, "employees", body, "medewerkers.csv").get_data(as_text=True)
    said = flashes(page)
    assert ("Rij 2, na het importeren: er staat al iemand met deze naam in Team Oud. Bedoel je die persoon? Vul dan "
            "de kolom id in: zonder id komt er een nieuwe medewerker bij.") in said
    assert not any(line.startswith("Rij 3") for line in said)  # Piet is new everywhere


def test_a_leader_moved_by_import_says_which_team_her_account_sees_now(client, world):
    """As the form says it (the import did not)."""
    account = world.make.user("team_leader", name="Lea Leider", teams=[world.old])
    world.lea.user = account
    db.session.commit()
    body = (LEADER_HEADER + f"\n{world.lea.id};Lea Leider;Team Nieuw;;;06-12345678;schoonmaak;07:30-17:00;;;;;;\n").encode()
    page = upload(client, "supervisors", body, "teamleiders.csv").get_data(as_text=True)
    assert ("Rij 2, na het importeren: Het account van Lea Leider ziet nu Team Nieuw, en Team Oud niet meer."
            in flashes(page))
