"""What a QA tester found in what pages and files show of typed text (round 13): a name in a
right-to-left script showed the phone number after it backwards, a CSV export left formulas in
any text that looked like a phone number, invisible characters other than three zero-width ones
made a second team that looked like the first, decline and cancel reasons lost their line breaks,
and an uploaded file's name kept a right-to-left override."""
from __future__ import annotations

import csv
import datetime as dt
import io
import shutil
import unicodedata
from pathlib import Path

import pytest
from sqlalchemy import select

from binnenwerk.dataio import values, writing
from binnenwerk.extensions import db
from binnenwerk import formatting
from binnenwerk.formatting import name_key, one_line, without_controls
from binnenwerk.models import Assignment, Ministry, RequestStatus, Roster, Team

from ..conftest import need_service
from .dataio_uploads import upload, upload_folder  # noqa: F401 (upload_folder: an autouse fixture)
from .test_requests_workflow import world  # noqa: F401  (fixture)

S = RequestStatus
ARABIC_NAME, PHONE = "محمد العلي", "070-5814829"
WEEK = "2027-W10"
MONDAY = dt.date.fromisocalendar(2027, 10, 1)


# --- 1. a name in a right-to-left script before a phone number ------------------------------------


@pytest.fixture
def contact_request(world, make):
    """An accepted request whose contact on site has an Arabic name and a phone number."""
    return make.request(location=world.location, work_type=world.work_type, status=S.ACCEPTED.value,
                        start_date=MONDAY, end_date=MONDAY, weekdays="1", headcount=1,
                        contact_name=ARABIC_NAME, contact_phone=PHONE)


def test_the_contact_name_on_the_request_page_is_isolated_from_the_phone_number(client, login, world,
                                                                                 contact_request):
    login(world.planner)
    page = client.get(f"/aanvragen/{contact_request.id}").get_data(as_text=True)

    assert f"<bdi>{ARABIC_NAME}</bdi>, {PHONE}" in page


def test_the_contact_name_on_the_team_week_is_isolated_from_the_phone_number(client, login, world, make,
                                                                              contact_request):
    team = make.team(region="Noord", name="Team Noord")
    person = make.employee(team=team)
    roster = Roster(week=WEEK, team_id=team.id, status="draft")
    db.session.add(roster)
    db.session.flush()
    db.session.add(Assignment(roster_id=roster.id, employee_id=person.id, date=MONDAY, request_id=contact_request.id))
    login(make.user(role="team_leader", teams=[team]))

    page = client.get(f"/rooster/?week={WEEK}&team={team.id}").get_data(as_text=True)

    assert f'Contactpersoon: <bdi>{ARABIC_NAME}</bdi>, <a href="tel:0705814829">{PHONE}</a>' in page


def test_the_team_leader_and_team_on_the_ministrys_plan_are_isolated_from_what_follows(client, login, world,
                                                                                        make):
    team = make.team(region="Noord", name="فريق الشمال")
    leader = make.supervisor(team=team, name="Tineke حداد", phone="06-77446522")
    req = make.request(location=world.location, work_type=world.work_type, status=S.ACCEPTED.value,
                       start_date=MONDAY, end_date=MONDAY, weekdays="1", headcount=1)
    make.published_shift(employee=make.employee(team=team), date=MONDAY, location=world.location,
                         work_type=world.work_type, supervisor=leader, request_id=req.id)
    login(world.contact)

    page = client.get(f"/aanvragen/planning?week={WEEK}").get_data(as_text=True)

    assert '<bdi>Tineke حداد</bdi>, <a href="tel:06-77446522">06-77446522</a>' in page
    assert "<bdi>فريق الشمال</bdi> (1 persoon)" in page


def test_the_job_coach_name_on_the_employee_page_is_isolated_from_the_phone_number(client, login, make):
    team = make.team(name="Team A")
    employee = make.employee(team=team, job_coach_name="نور أماري", job_coach_phone="06-11112222")
    login(make.user(role="team_leader", teams=[team]))

    page = client.get(f"/teams/medewerkers/{employee.id}").get_data(as_text=True)

    assert "<bdi>نور أماري</bdi>, 06-11112222" in page


def test_the_team_page_the_privacy_page_and_the_calendar_list_isolate_names_from_what_follows(client, login,
                                                                                               make):
    team = make.team(name="فريق الشمال")
    make.team(name="Team B")
    make.supervisor(team=team, name="Tineke حداد", phone="06-77446522")
    employee = make.employee(team=team, job_coach_name="نور أماري", job_coach_phone="06-11112222")
    make.employee(team=team)
    login(make.user(role="planner"))

    team_page = client.get(f"/teams/{team.id}").get_data(as_text=True)
    privacy_page = client.get(f"/privacy/medewerkers/{employee.id}").get_data(as_text=True)
    calendar_list = client.get("/kalender").get_data(as_text=True)

    assert "<bdi>Tineke حداد</bdi></a>, telefoon" in team_page
    assert "<bdi>نور أماري</bdi> 06-11112222" in privacy_page
    assert '<bdi>فريق الشمال</bdi> <span class="muted">(2 medewerkers zonder link)' in calendar_list


@pytest.mark.browser
def test_a_browser_draws_the_phone_number_after_an_arabic_name_in_its_own_order(client, login, world,
                                                                                contact_request):
    chromium = "/usr/bin/chromium"
    need_service("Chromium", shutil.which(chromium) is not None or Path(chromium).exists())
    playwright_api = pytest.importorskip("playwright.sync_api")
    login(world.planner)
    page_html = client.get(f"/aanvragen/{contact_request.id}").get_data(as_text=True)
    fragment = page_html.split("<dl class=\"facts\">")[1].split("</dl>")[0]

    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, headless=True,
                                             args=["--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page()
            page.set_content(f'<html lang="nl"><body><dl>{fragment}</dl></body></html>')
            # Where the area code and the rest of the number are drawn, left to right.
            lefts = page.evaluate("""() => {
                const dd = [...document.querySelectorAll('dd')].find(d => d.textContent.includes('5814829'));
                const walker = document.createTreeWalker(dd, NodeFilter.SHOW_TEXT);
                let node;
                while ((node = walker.nextNode()) && !node.data.includes('5814829')) {}
                const at = (part) => {
                    const range = document.createRange();
                    const start = node.data.indexOf(part);
                    range.setStart(node, start);
                    range.setEnd(node, start + part.length);
                    return range.getBoundingClientRect().left;
                };
                return [at('070'), at('5814829')];
            }""")
        finally:
            browser.close()

    area_code, number = lefts
    assert area_code < number  # "070-5814829", not "5814829-070"


# --- 2. formulas in a CSV export --------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["-1-1-1", "+2+2+2", "-1+1+1+1", "+31 6 1234 5678", "-(20) 30"])
def test_text_outside_a_phone_column_that_looks_like_a_phone_number_is_kept_from_formulas(typed):
    assert writing.csv_cell(typed) == "'" + typed


def test_a_phone_column_keeps_an_international_number_bare_and_guards_the_rest():
    assert writing.csv_cell("+31 6 1234 5678", phone=True) == "+31 6 1234 5678"
    assert writing.csv_cell("06-12345678", phone=True) == "06-12345678"
    for sum_like in ("-06-12345678", "+-1-1-1-1-1-1-1-1-1-1", "=1+1", "+2+2+2"):
        assert writing.csv_cell(sum_like, phone=True) == "'" + sum_like


def test_the_employee_export_guards_names_and_keeps_the_phone_bare_and_reads_both_back(runner, make, tmp_path):
    team = make.team(name="Team A")
    make.employee(team=team, first_name="-1-1-1", last_name="+2+2+2", phone="+31 6 1234 5678",
                  job_coach_name="-1+1+1+1", job_coach_phone="06-11112222")
    db.session.commit()
    first, second = tmp_path / "employees-1.csv", tmp_path / "employees-2.csv"
    assert runner.invoke(args=["export", "employees", str(first)]).exit_code == 0

    row = next(csv.DictReader(io.StringIO(first.read_text(encoding="utf-8-sig")), delimiter=";"))

    assert (row["voornaam"], row["achternaam"], row["jobcoach_naam"]) == ("'-1-1-1", "'+2+2+2", "'-1+1+1+1")
    assert (row["telefoon"], row["jobcoach_telefoon"]) == ("+31 6 1234 5678", "06-11112222")
    result = runner.invoke(args=["import", "employees", str(first)])
    assert result.exit_code == 0 and "0 nieuw, 0 gewijzigd" in result.output, result.output
    assert runner.invoke(args=["export", "employees", str(second)]).exit_code == 0
    assert first.read_bytes() == second.read_bytes()


def test_the_request_export_guards_the_notes_and_keeps_the_contact_phone_bare(runner, world, make, tmp_path):
    make.request(location=world.location, work_type=world.work_type, notes="-1+1+1+1",
                 contact_name="+2+2+2", contact_phone="+31 70 123 4567")
    db.session.commit()
    path = tmp_path / "requests.csv"
    assert runner.invoke(args=["export", "requests", str(path)]).exit_code == 0

    row = next(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig")), delimiter=";"))

    assert (row["opmerkingen"], row["contactpersoon"]) == ("'-1+1+1+1", "'+2+2+2")
    assert row["contact_telefoon"] == "+31 70 123 4567"


def test_the_export_knows_the_phone_columns_by_name_and_no_other_column_as_one():
    """The kinds' phone columns, read with values.phone; no other column may end in 'telefoon'."""
    from binnenwerk.dataio.api import KIND_BY_NAME

    phone_columns = {c.name for kind in KIND_BY_NAME.values() for c in kind.columns
                     if writing.is_phone_column(c.name)}
    assert phone_columns == {"telefoon", "jobcoach_telefoon", "contact_telefoon"}


# --- 3. invisible characters in names ---------------------------------------------------------------


INVISIBLES = ["\u200d", "\u200c", "\u034f", "\u2063", "\u3164", "\u180e", "\U000e0041", "\u00ad", "\u2061",
              "\u115f", "\u1160", "\uffa0", "\u206a", "\ufff9"]


def every_format_character() -> list[str]:
    """Every character of Unicode category Cf this Python knows."""
    return [chr(c) for c in range(0x110000) if unicodedata.category(chr(c)) == "Cf"]


def test_every_format_character_leaves_a_one_line_text():
    for char in every_format_character():
        assert one_line(without_controls(f"Team{char} Utrecht{char}")) == "Team Utrecht", hex(ord(char))


def test_a_text_area_keeps_the_joiners_a_running_text_may_need():
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"
    assert without_controls(f"Groet {family}\nmee") == f"Groet {family}\nmee"
    assert without_controls("Team\u00ad Utrecht\u2063") == "Team Utrecht"
    for char in every_format_character():  # only the joiners and the direction controls are left to others
        if without_controls(f"a{char}b") != "ab":
            assert formatting.JOINERS.match(char) or formatting.BIDI_CONTROLS.match(char), hex(ord(char))


@pytest.mark.parametrize("char", INVISIBLES + ["\u200e", "\u202e", "\ufe0f"])
def test_names_that_differ_by_an_invisible_character_have_one_key(char):
    assert name_key(f"Team{char} Utrecht{char}") == name_key("Team Utrecht")
    assert name_key(f"Ministerie van Financi{char}ën") == name_key("ministerie van financien")


def test_every_format_character_is_left_out_of_a_names_key():
    for char in every_format_character():
        assert name_key(f"Team {char}Utrecht{char}") == "team utrecht", hex(ord(char))


@pytest.fixture
def planner(make, login):
    user = make.user(role="planner")
    login(user)
    return user


def team_form(**changes):
    return {"name": "Team Utrecht", "region": "Utrecht", "home_location_id": "", "max_size": "15", **changes}


@pytest.mark.parametrize("char", INVISIBLES)
def test_the_team_form_makes_no_second_team_that_looks_like_the_first(client, make, planner, char):
    make.team(name="Team Utrecht", region="Utrecht")
    db.session.commit()

    for name in (f"Team Utrecht{char}", f"Team Utr{char}echt"):
        response = client.post("/teams/nieuw", data=team_form(name=name))
        assert response.status_code == 422 and "Er is al een team met deze naam." in response.get_data(as_text=True)

    db.session.expire_all()
    assert db.session.scalars(select(Team.name)).all() == ["Team Utrecht"]


def test_a_name_stored_with_an_invisible_character_before_is_the_same_team(client, make, planner):
    make.team(name="Team Utrecht\u200d", region="Utrecht")
    db.session.commit()

    response = client.post("/teams/nieuw", data=team_form(name="Team Utrecht"))

    assert response.status_code == 422 and "Er is al een team met deze naam." in response.get_data(as_text=True)


def test_a_new_team_name_is_stored_without_invisible_characters(client, make, planner):
    response = client.post("/teams/nieuw", data=team_form(name="Team\u00ad Amers\u200dfoort\U000e0041\u3164"))

    assert response.status_code == 302
    assert db.session.scalar(select(Team.name)) == "Team Amersfoort"


@pytest.mark.parametrize("char", ["\u200d", "\u00ad", "\U000e0041"])
def test_the_ministry_form_makes_no_second_ministry_that_looks_like_the_first(client, make, login, char):
    login(make.user(role="admin"))
    first = client.post("/beheer/ministeries/nieuw", data={"code": "BZK", "name": "Binnenlandse Zaken"})
    assert first.status_code == 302

    again = client.post("/beheer/ministeries/nieuw", data={"code": "BZK2", "name": f"Binnenlandse Zaken{char}"})

    assert again.status_code == 422
    db.session.expire_all()
    assert db.session.scalars(select(Ministry.name)).all() == ["Binnenlandse Zaken"]


@pytest.mark.parametrize("char", INVISIBLES)
def test_an_imported_team_name_with_an_invisible_character_is_the_team_that_exists(runner, make, tmp_path, char):
    make.team(name="Team Utrecht", region="Utrecht")
    db.session.commit()
    path = tmp_path / "teams.csv"
    path.write_text(f"naam;regio\nTeam Utrecht{char};Utrecht\nTeam Ut{char}recht 2;Utrecht\n", encoding="utf-8")

    result = runner.invoke(args=["import", "teams", str(path)])

    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert sorted(db.session.scalars(select(Team.name))) == ["Team Utrecht", "Team Utrecht 2"]


def test_an_import_cell_is_read_without_invisible_characters():
    assert values.text("Jan\u00ad de\u200d Vries\u2063") == "Jan de Vries"
    assert values.text("Regel\u00ad 1\nRegel\u200d 2", multiline=True) == "Regel 1\nRegel\u200d 2"


# --- 4. decline and cancel reasons ------------------------------------------------------------------


@pytest.mark.parametrize("status, field", [(S.DECLINED.value, "decline_reason"), (S.CANCELLED.value, "cancel_reason")])
def test_a_reason_the_ministry_reads_keeps_its_line_breaks(client, login, world, make, status, field):
    req = make.request(location=world.location, work_type=world.work_type, status=status,
                       **{field: "Geen team vrij.\nZie https://example.org/<b>lang"})
    login(world.contact)

    page = client.get(f"/aanvragen/{req.id}").get_data(as_text=True)

    reason = page.split('<p class="flash flash-error pre"><strong>')[1].split("</p>")[0]
    assert reason.endswith("</strong> Geen team vrij.\nZie https://example.org/&lt;b&gt;lang")


# --- 5. the uploaded file's name --------------------------------------------------------------------


def test_the_import_check_shows_the_file_name_without_a_direction_override(client, login, make):
    login(make.user(role="planner"))

    response = upload(client, "teams", "naam;regio\nTeam Z;Utrecht\n".encode(), "teams\u202egpj\u200d.csv")

    page = response.get_data(as_text=True)
    assert "\u202e" not in page and "\u200d" not in page
    assert "teamsgpj.csv" in page
