"""What a QA tester found reading the app in English: dates in Dutch forms, a mixed-language
access-request file, audit details, missing plural forms, CSVs English Excel does not split, and
English wording. Each in Dutch stays as it was."""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re

import pytest
from babel.messages.pofile import read_po
from flask_babel import force_locale, refresh

from binnenwerk import jobs, roster_history
from binnenwerk.admin.audit_details import describe
from binnenwerk.extensions import db
from binnenwerk.formatting import date_time, dated, day_and_month
from binnenwerk.models import AuditEvent, Roster, RosterChange
from binnenwerk.services import ServiceError
from binnenwerk.services.absences import AbsenceInput, create_absence
from tests.app.test_i18n import PO
from tests.conftest import TEST_PASSWORD, compile_english_catalog

pytestmark = pytest.mark.usefixtures("before_work_on_7_december")


@pytest.fixture(autouse=True)
def english_catalog(app):
    compile_english_catalog()
    refresh()
    yield


def signed_in(app_with, user):
    """A fresh client (a fresh `g`, so the user's language) logged in as `user`."""
    db.session.commit()
    client = app_with().test_client()
    assert client.post("/auth/login", data={"email": user.email, "password": TEST_PASSWORD}).status_code == 302
    return client


def in_language(app, language: str):
    class Both:
        def __enter__(self):
            self.request = app.test_request_context()
            self.request.__enter__()
            self.locale = force_locale(language)
            self.locale.__enter__()

        def __exit__(self, *exc):
            self.locale.__exit__(*exc)
            self.request.__exit__(*exc)

    return Both()


# --- 2. dates in the reader's forms -------------------------------------------------------------


def test_the_date_helpers_keep_the_dutch_forms_and_write_the_month_in_english(app):
    day, moment = dt.date(2025, 1, 1), dt.datetime(2026, 12, 6, 0, 36, 34)  # UTC; 01:36 in Amsterdam
    with in_language(app, "nl"):
        assert (dated(day), dated(day, abbreviated=True)) == ("01-01-2025", "01-01-2025")
        assert day_and_month(dt.date(2026, 12, 9)) == "09-12"
        assert (date_time(moment), date_time(moment, seconds=True)) == ("06-12-2026 01:36", "06-12-2026 01:36:34")
    with in_language(app, "en"):
        assert (dated(day), dated(day, abbreviated=True)) == ("1 January 2025", "1 Jan 2025")
        assert day_and_month(dt.date(2026, 12, 9)) == "9 Dec"
        assert date_time(moment, seconds=True) == "6 Dec 2026, 01:36:34"


@pytest.mark.parametrize("language, words", [
    ("nl", "Het contract van Anna Test begint op 01-01-2025."),
    ("en", "The contract of Anna Test starts on 1 January 2025."),
])
def test_the_absence_before_the_contract_names_its_start_in_the_readers_form(app, make, language, words):
    anna = make.employee(first_name="Anna", last_name="Test", contract_start=dt.date(2025, 1, 1))
    db.session.commit()
    with in_language(app, language), pytest.raises(ServiceError) as refused:
        create_absence(AbsenceInput("verlof", dt.date(2024, 12, 30), dt.date(2025, 1, 2)), employee=anna)
    assert refused.value.message.startswith(words)


def test_the_audit_log_writes_its_times_and_days_in_the_readers_form(app_with, make):
    db.session.add(AuditEvent(action="absence.update", at=dt.datetime(2026, 12, 6, 0, 36, 34), origin="cli",
                              detail="employee=7 2026-12-01..2026-12-04 changed=end_date"))
    dutch = signed_in(app_with, make.user("admin")).get("/beheer/audit").get_data(as_text=True)
    assert "06-12-2026 01:36:34" in dutch and "01-12-2026 – 04-12-2026" in dutch
    english = signed_in(app_with, make.user("admin", locale="en")).get("/beheer/audit").get_data(as_text=True)
    assert "6 Dec 2026, 01:36:34" in english and "1 Dec 2026 – 4 Dec 2026" in english
    assert "06-12-2026" not in english


def test_the_roster_history_writes_its_times_in_the_readers_form(app_with, make):
    team = make.team(name="Team A")
    roster = Roster(week="2026-W50", team=team)
    db.session.add(roster)
    db.session.flush()
    db.session.add(RosterChange(roster_id=roster.id, action="solve", at=dt.datetime(2026, 12, 5, 0, 4),
                                message="planned", params={"n": 3, "c": 0}, detail="3 diensten gepland, 0 gewijzigd."))
    english = signed_in(app_with, make.user("planner", locale="en"))
    page = english.get(f"/rooster/{roster.id}/geschiedenis").get_data(as_text=True)
    assert "5 Dec 2026, 01:04" in page and "05-12-2026" not in page


@pytest.mark.parametrize("language, said", [("nl", "Anna Test (09-12)"), ("en", "Anna Test (9 Dec)")])
def test_the_conflicting_pins_name_their_day_in_the_readers_form(app, language, said):
    with in_language(app, language):
        message = jobs.pins_message({"conflicting_pins": [{"name": "Anna Test", "date": "2026-12-09"}]})
    assert said in message


# --- 3. the access-request file: Dutch, the employee's language, whoever downloads it -----------


def test_the_access_request_file_is_dutch_for_an_english_planner(app_with, make):
    wt = make.work_type(name_nl="Toetsenborden reinigen", name_en="Keyboard cleaning")
    team = make.team("Zuid", name="Team Zuid")
    anna = make.employee(team, work_types=[wt], first_name="Anna", last_name="Test")
    roster = Roster(week="2026-W50", team=team)
    db.session.add(roster)
    db.session.flush()
    roster_history.record(roster, None, "pin", "pin", employee=anna.id, name="Anna Test", day=dt.date(2026, 12, 9))
    english = signed_in(app_with, make.user("planner", locale="en"))

    data = json.loads(english.get(f"/privacy/medewerkers/{anna.id}/inzage.json").get_data(as_text=True))
    assert data["export"]["about"] == "inzage (AVG art. 15)"
    assert data["personal"]["locations"] == ["Alle locaties in regio Zuid"]
    assert data["personal"]["work_types"] == ["Toetsenborden reinigen"]
    assert [line["what"] for line in data["roster_history"]] == ["Anna Test, woensdag 9 december vastgezet"]
    # The page shows the same lines, marked as Dutch for the English reader.
    page = english.get(f"/privacy/medewerkers/{anna.id}").get_data(as_text=True)
    assert '<span lang="nl">Anna Test, woensdag 9 december vastgezet</span>' in page


def test_the_dutch_access_request_file_has_no_english_in_it(app_with, make):
    anna = make.employee(make.team("Zuid"), first_name="Anna", last_name="Test")
    dutch = signed_in(app_with, make.user("planner"))
    data = json.loads(dutch.get(f"/privacy/medewerkers/{anna.id}/inzage.json").get_data(as_text=True))
    assert data["personal"]["locations"] == ["Alle locaties in regio Zuid"]
    assert list(data) == ["export", "personal", "sensitive", "absences", "planned_shifts", "published_shifts",
                          "roster_history", "calendar_links"]  # the keys stay as they were


# --- 4. audit details ---------------------------------------------------------------------------


@pytest.mark.parametrize("language, detail, words", [
    ("nl", "email=nina@x.example role=planner", "e-mailadres nina@x.example, rol Planner"),
    ("en", "email=nina@x.example role=planner", "email address nina@x.example, role Planner"),
    ("nl", "unknown account; email=wie@x.example", "onbekend account; e-mailadres wie@x.example"),
    ("nl", "5 failed attempts; locked for 0:15:00", "5 mislukte pogingen; geblokkeerd voor 15 minuten"),
    ("en", "5 failed attempts; locked for 0:15:00", "5 failed attempts; locked for 15 minutes"),
    ("nl", "locked for 0:01:00", "geblokkeerd voor 1 minuut"),
    ("nl", "locked for 1:00:00", "geblokkeerd voor 1 uur"),
    ("en", "locked for 2:00:00", "locked for 2 hours"),
    ("en", "locked for 1:30:00", "locked for 90 minutes"),
])
def test_audit_details_read_as_words(app, language, detail, words):
    with in_language(app, language):
        assert describe("user_created", detail) == words


def test_the_origin_of_a_row_without_a_request_is_in_words(app_with, make):
    db.session.add(AuditEvent(action="team.archive", origin="cli"))
    db.session.add(AuditEvent(action="solve.start", origin="job"))
    db.session.add(AuditEvent(action="login", origin="192.0.2.7"))
    dutch = signed_in(app_with, make.user("admin")).get("/beheer/audit").get_data(as_text=True)
    assert "<td>opdrachtregel</td>" in dutch and "<td>achtergrondtaak</td>" in dutch
    assert "<td>192.0.2.7</td>" in dutch
    english = signed_in(app_with, make.user("admin", locale="en")).get("/beheer/audit").get_data(as_text=True)
    assert "<td>command line</td>" in english and "<td>background job</td>" in english
    assert "<td>cli</td>" not in english + dutch and "<td>job</td>" not in english + dutch


# --- 5. plural forms ----------------------------------------------------------------------------


@pytest.mark.parametrize("message, values, dutch, english", [
    ("planned", {"n": 1, "c": 0}, "1 dienst gepland, 0 gewijzigd.", "1 shift planned, 0 changed."),
    ("planned", {"n": 2, "c": 1}, "2 diensten gepland, 1 gewijzigd.", "2 shifts planned, 1 changed."),
    ("repaired", {"n": 1, "c": 1, "day": "2026-12-08"}, "Gerepareerd vanaf dinsdag 8 december: 1 dienst gepland, "
     "1 gewijzigd.", "Repaired from Tuesday 8 December: 1 shift planned, 1 changed."),
    ("imported", {"n": 1, "c": 0, "file": "a.json"}, "Geïmporteerd uit a.json: 1 dienst gepland, 0 gewijzigd.",
     "Imported from a.json: 1 shift planned, 0 changed."),
    ("copy", {"n": 1, "s": 1}, "1 dienst van vorige week overgenomen, 1 paste niet.",
     "1 shift copied from last week, 1 did not fit."),
    ("copy", {"n": 3, "s": 2}, "3 diensten van vorige week overgenomen, 2 pasten niet.",
     "3 shifts copied from last week, 2 did not fit."),
])
def test_roster_history_lines_count_in_the_right_form(app, message, values, dutch, english):
    change = RosterChange(message=message, params=values, detail="")
    for language, words in (("nl", dutch), ("en", english)):
        with in_language(app, language):
            assert roster_history.wording(change) == words
    assert roster_history.placeholders(message) == set(values)


def test_the_inzage_page_counts_one_shift_as_one(app_with, make):
    anna = make.employee(first_name="Anna", last_name="Test")
    make.published_shift(employee=anna, date=dt.date(2026, 12, 9))
    db.session.commit()
    dutch = signed_in(app_with, make.user("planner")).get(f"/privacy/medewerkers/{anna.id}").get_data(as_text=True)
    assert "0 geplande diensten, 1 doorgegeven dienst." in dutch
    english = signed_in(app_with, make.user("planner", locale="en")).get(
        f"/privacy/medewerkers/{anna.id}").get_data(as_text=True)
    assert "0 planned shifts, 1 published shift." in english


# --- 6. CSV downloads that English Excel splits -------------------------------------------------


def test_the_job_csvs_use_commas_and_q_for_an_english_reader(app_with, make):
    english = signed_in(app_with, make.user("planner", locale="en"))
    for url, name in (("/rapportages/banenafspraak.csv?kwartaal=2026-K2", "job-agreement-2026-Q2.csv"),
                      ("/rapportages/banenafspraak-teams.csv?kwartaal=2026-K2", "team-use-2026-Q2.csv")):
        response = english.get(url)
        assert f'filename="{name}"' in response.headers["Content-Disposition"]
        header = response.get_data(as_text=True).lstrip("\ufeff").splitlines()[0]
        assert "," in header and ";" not in header
    excel = english.get("/rapportages/banenafspraak.xlsx?kwartaal=2026-K2")
    assert 'filename="job-agreement-2026-Q2.xlsx"' in excel.headers["Content-Disposition"]


def test_the_dutch_job_csvs_stay_as_they_were(app_with, make):
    dutch = signed_in(app_with, make.user("planner"))
    response = dutch.get("/rapportages/banenafspraak-teams.csv?kwartaal=2026-K2")
    assert 'filename="benutting-teams-2026-K2.csv"' in response.headers["Content-Disposition"]
    assert response.get_data(as_text=True) == (
        "\ufeffTeam;Regio;Kwartaal;Gewerkte uren;Contracturen;Benutting;Benutting telt tot en met\r\n")


def test_an_english_ministry_plan_csv_quotes_a_comma_in_a_cell(app_with, make):
    ministry = make.ministry()
    location = make.location(ministry=ministry, name="Gebouw Oost, vleugel B")
    make.request(location, status="geaccepteerd", start_date=dt.date(2027, 3, 8), end_date=dt.date(2027, 3, 12))
    contact = make.user("ministry_contact", ministry=ministry, locale="en")
    text = signed_in(app_with, contact).get("/aanvragen/planning.csv?week=2027-W10").get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0][:4] == ["Request", "Location", "Work type", "Date"]
    assert rows[1][1] == "Gebouw Oost, vleugel B" and '"Gebouw Oost, vleugel B"' in text


# --- 7. English wording -------------------------------------------------------------------------


def english_texts() -> list[str]:
    with PO.open("rb") as f:
        catalog = read_po(f, locale="en")
    return [s for m in catalog if m.id for s in (m.string if isinstance(m.string, tuple) else (m.string,))]


def test_no_english_text_asks_a_question_the_dutch_way():
    """'Werkt het niet? Doe dan ...' reads 'If it does not work, do ...' in English, not '...? Then ...'."""
    assert [t for t in english_texts() if re.search(r"\?\s+Then\b", t)] == []


def test_labels_and_buttons_read_as_english():
    texts = english_texts()
    for wrong in ("Up to and including", "Up to and including date", "Make link", "Make roster", "Pictogram",
                  "Two-step login", "check of the file", "Nothing had changed."):
        assert wrong not in texts, wrong
    assert not [t for t in texts if "There already is" in t or "coverage and use " in t or "signed in" in t]
    assert not [t for t in texts if "employees asked for" in t]


@pytest.mark.parametrize("msgid, english", [
    ("Er was niets veranderd.", "Nothing has changed."),
    ("Inloggen in twee stappen", "Two-step verification"),
    ("Pictogram", "Icon"),
    ("controle van het bestand", "file check"),
    ("Link maken", "Create link"),
    ("Rooster maken", "Create roster"),
    ("Tot en met", "To"),
    ("Scan de QR-code met de app. Lukt scannen niet? Typ dan de sleutel hieronder over.",
     "Scan the QR code with the app. If scanning does not work, type in the key below."),
])
def test_the_english_wording(app, msgid, english):
    from flask_babel import gettext

    with in_language(app, "en"):
        assert gettext(msgid) == english


def test_the_roster_weeks_period_reads_monday_to_sunday(app_with, make):
    make.team(name="Team A")
    page = signed_in(app_with, make.user("planner", locale="en")).get("/rooster/?week=2026-W50").get_data(as_text=True)
    assert re.search(r"Monday 7 December\s+to\s+Sunday 13 December", page)
    assert "up to and including" not in page
