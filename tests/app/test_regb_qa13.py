"""QA round 13, second look: audit rows with commas and brackets in names, phone numbers with
hyphens in exports, a left person's link page, the leader link beside the role field, a team's
place by name in the audit, team leaders sorted with accents aside and archived work types marked
on their page."""
import datetime as dt
import re

import pytest
from sqlalchemy import select

from binnenwerk.admin.audit_details import describe
from binnenwerk.extensions import db
from binnenwerk.models import AuditEvent

from .edit_forms import form_as_shown, post_edit
from .test_admin_catalog import _text, admin  # noqa: F401 (a fixture)
from .test_admin_qa13 import linked_leader  # noqa: F401 (a fixture)

LVVN = "Ministerie van Landbouw, Visserij, Voedselzekerheid en Natuur (LVVN)"


def _detail(action: str) -> str:
    return db.session.scalars(select(AuditEvent.detail).where(AuditEvent.action == action)
                              .order_by(AuditEvent.id.desc())).first()


def _audit_rows(client) -> str:
    page = _text(client.get("/beheer/audit"))
    return re.search(r"<tbody>(.*)</tbody>", page, re.S).group(1)


# --- fault 1: names with ", " and brackets in the audit log ---------------------------------------


def test_a_ministry_renamed_with_commas_and_brackets_reads_as_words(client, admin, make):
    ministry = make.ministry("LVVN", name="Ministerie van LNV")
    db.session.commit()
    response = post_edit(client, f"/beheer/ministeries/{ministry.id}", {"code": "LVVN", "name": LVVN})
    assert response.status_code == 302
    with client.application.test_request_context():
        assert describe("ministry_changed", _detail("ministry_changed")) == (
            f"gewijzigd: naam (Ministerie van LNV → {LVVN})")
    assert f"naam (Ministerie van LNV → {LVVN})" in _audit_rows(client)


def test_a_location_renamed_with_commas_and_brackets_reads_as_words(client, admin, make):
    location = make.location(name="Turfmarkt 147", address="Turfmarkt 147")
    db.session.commit()
    url = f"/beheer/locaties/{location.id}"
    response = post_edit(client, url, {**form_as_shown(client, url), "name": "Turfmarkt 147, gebouw B (ingang Oost)"})
    assert response.status_code == 302
    with client.application.test_request_context():
        assert describe("location_changed", _detail("location_changed")) == (
            "gewijzigd: naam (Turfmarkt 147 → Turfmarkt 147, gebouw B (ingang Oost))")


def test_a_team_renamed_with_commas_and_brackets_reads_as_words(client, admin, make):
    team = make.team(name="Team Den Haag 2")
    make.location(region=team.region)
    db.session.commit()
    url = f"/teams/{team.id}/wijzigen"
    response = post_edit(client, url, {**form_as_shown(client, url), "name": "Team Den Haag 2, Centrum (Oost)"})
    assert response.status_code == 302
    with client.application.test_request_context():
        assert describe("team.update", _detail("team.update")) == (
            "gewijzigd: naam (Team Den Haag 2 → Team Den Haag 2, Centrum (Oost))")


def test_a_name_that_looks_like_a_second_change_stays_one_value(client, admin, make):
    team = make.team(name="Team Noord")
    make.location(region=team.region)
    db.session.commit()
    url = f"/teams/{team.id}/wijzigen"
    tricky = "X), code (A -> B"
    response = post_edit(client, url, {**form_as_shown(client, url), "name": tricky})
    assert response.status_code == 302
    with client.application.test_request_context():
        assert describe("team.update", _detail("team.update")) == f"gewijzigd: naam (Team Noord → {tricky})"
    rows = _audit_rows(client)
    assert "gewijzigd: naam (Team Noord → X), code (A -&gt; B)</td>" in rows and "code (A → B)" not in rows


@pytest.mark.parametrize("detail, words", [
    # Rows stored before values were escaped: read as well as can be told.
    (f"changed: name (Ministerie van LNV -> {LVVN}), code (LNV -> LVVN)",
     f"gewijzigd: naam (Ministerie van LNV → {LVVN}), code (LNV → LVVN)"),
    ("changed: name (Turfmarkt 147 -> Turfmarkt 147, gebouw B (ingang Oost)), address (A -> B)",
     "gewijzigd: naam (Turfmarkt 147 → Turfmarkt 147, gebouw B (ingang Oost)), adres (A → B)"),
    ("changed: name (Team Den Haag 2, Centrum (Oost) -> Team West)",
     "gewijzigd: naam (Team Den Haag 2, Centrum (Oost) → Team West)"),
    ("changed: role (planner -> admin), teams", "gewijzigd: rol (Planner → Beheerder), teams"),
    ("changed: phone, availability", "gewijzigd: telefoon, beschikbaarheid"),
])
def test_older_rows_read_as_before(app, detail, words):
    with app.test_request_context():
        assert describe("x_changed", detail) == words


def test_a_backslash_in_a_name_reads_as_typed(app):
    from binnenwerk import audit

    detail = audit.changes({"name": "A\\B, C"}, {"name": "D (E) -> F"}, ["name"])
    with app.test_request_context():
        assert describe("team.update", detail) == "gewijzigd: naam (A\\B, C → D (E) -> F)"


# --- fault 5: a team's place by name in the audit log ------------------------------------------------


def test_a_teams_new_place_is_logged_and_shown_by_name(client, admin, make):
    first = make.location(name="Rijnstraat 8", region="Den Haag")
    second = make.location(name="Turfmarkt 147, gebouw B", region="Den Haag")
    team = make.team(name="Team Zuid", region="Den Haag", home_location_id=first.id)
    db.session.commit()
    url = f"/teams/{team.id}/wijzigen"
    response = post_edit(client, url, {**form_as_shown(client, url), "home_location_id": str(second.id)})
    assert response.status_code == 302
    assert _detail("team.update") == "changed: home_location (Rijnstraat 8 -> Turfmarkt 147\\, gebouw B)"
    rows = _audit_rows(client)
    assert "vaste locatie (Rijnstraat 8 → Turfmarkt 147, gebouw B)" in rows
    # Renamed later: the row keeps the name it had.
    second.name = "Turfmarkt 149"
    db.session.commit()
    assert "vaste locatie (Rijnstraat 8 → Turfmarkt 147, gebouw B)" in _audit_rows(client)


def test_a_teams_place_taken_away_reads_as_none(client, admin, make):
    first = make.location(name="Rijnstraat 8", region="Den Haag")
    team = make.team(name="Team Zuid", region="Den Haag", home_location_id=first.id)
    db.session.commit()
    url = f"/teams/{team.id}/wijzigen"
    response = post_edit(client, url, {**form_as_shown(client, url), "home_location_id": ""})
    assert response.status_code == 302, re.findall(r'class="error[^>]*>(.*?)</', _text(response), re.S)
    assert "vaste locatie (Rijnstraat 8 → geen)" in _audit_rows(client)


def test_an_older_rows_place_numbers_read_as_names(app, make):
    first, second = make.location(name="Rijnstraat 8"), make.location(name="Turfmarkt 147")
    db.session.commit()
    with app.test_request_context():
        assert describe("team.update", f"changed: home_location_id ({first.id} -> {second.id})") == (
            "gewijzigd: vaste locatie (Rijnstraat 8 → Turfmarkt 147)")
        assert describe("team.update", f"changed: home_location_id (None -> {second.id})") == (
            "gewijzigd: vaste locatie (geen → Turfmarkt 147)")


# --- fault 2: a phone number with hyphens is no sum in a spreadsheet -------------------------------


@pytest.mark.parametrize("typed", ["+31-6-12345678", "+31 (0)6 1234 5678", "+316-12345678"])
def test_a_phone_column_guards_an_international_number_with_more_than_digits_and_spaces(typed):
    from binnenwerk.dataio import values, writing

    assert writing.csv_cell(typed, phone=True) == "'" + typed
    assert values.text("'" + typed) == typed  # the import takes the quote off again


def test_the_employees_export_guards_a_hyphenated_phone_and_reads_it_back(client, login, runner, make, tmp_path):
    import csv
    import io

    team = make.team(name="Team A")
    make.employee(team=team, first_name="Jan", last_name="Smit", phone="+31-6-12345678",
                  job_coach_phone="+31 6 1234 5678")
    planner = make.user(role="planner")
    db.session.commit()
    login(planner)
    data = client.get("/gegevens/employees/export.csv").data
    exported = data.decode("utf-8-sig")
    row = next(csv.DictReader(io.StringIO(exported), delimiter=";"))
    assert (row["telefoon"], row["jobcoach_telefoon"]) == ("'+31-6-12345678", "+31 6 1234 5678")
    first, second = tmp_path / "employees-1.csv", tmp_path / "employees-2.csv"
    first.write_bytes(data)
    result = runner.invoke(args=["import", "employees", str(first)])
    assert result.exit_code == 0 and "0 nieuw, 0 gewijzigd" in result.output, result.output
    assert runner.invoke(args=["export", "employees", str(second)]).exit_code == 0
    assert second.read_bytes() == data


# --- fault 3: the link page of a person whose contract has ended ------------------------------------


@pytest.fixture
def left_person(make, monkeypatch):
    """Anna's contract ran to Friday 11 December; it is the Monday after (not yet archived), and
    her link was never revoked."""
    from binnenwerk.models import FeedKind
    from binnenwerk.services import feeds, tokens

    team = make.team(name="Team Oost")
    leader = make.user(role="team_leader", teams=[team])
    anna = make.employee(team=team, first_name="Anna", last_name="Jansen", contract_start=dt.date(2026, 1, 5),
                         contract_end=dt.date(2026, 12, 11))
    tokens.issue(FeedKind.EMPLOYEE, anna)
    db.session.commit()
    monkeypatch.setattr(feeds, "local_today", lambda: dt.date(2026, 12, 14))
    return leader, anna


def test_a_left_persons_link_page_says_the_link_stopped_with_the_contract(client, login, left_person):
    leader, anna = left_person
    login(leader)
    page = _text(client.get(f"/kalender/link/medewerker/{anna.id}"))
    assert ("Het contract van Anna Jansen is geëindigd op vrijdag 11 december. "
            "Daarom werkt de agenda-link niet meer.") in page
    for gone in ("webcal:", "/week/", "qr.svg", "Gemaakt op", "Link intrekken", "Nieuwe link maken",
                 "Link maken", "gearchiveerd"):
        assert gone not in page, gone


def test_renewing_a_left_persons_link_says_the_contract_ended(client, login, left_person):
    from binnenwerk.models import FeedKind
    from binnenwerk.services import tokens

    leader, anna = left_person
    login(leader)
    before = tokens.active_for(FeedKind.EMPLOYEE, anna)
    page = _text(client.post(f"/kalender/link/medewerker/{anna.id}/vernieuwen", follow_redirects=True))
    assert ("Het contract van Anna Jansen is geëindigd op vrijdag 11 december. "
            "Daarom kun je geen nieuwe link maken.") in page
    assert "gearchiveerd" not in page
    assert tokens.active_for(FeedKind.EMPLOYEE, anna) is before


# --- fault 4: no link inside a link in the error summary --------------------------------------------


def test_a_leaders_role_change_refusal_has_plain_words_and_the_link_beside_the_field(client, admin, linked_leader):
    leader, account, _team = linked_leader
    link = f'<a href="/teams/teamleiders/{leader.id}/wijzigen">Naar de pagina van teamleider Tim Leider</a>'
    assert link in _text(client.get(f"/beheer/gebruikers/{account.id}"))  # before any error too
    response = post_edit(client, f"/beheer/gebruikers/{account.id}", {
        "email": account.email, "name": account.name, "role": "planner", "ministry_id": ""})
    assert response.status_code == 422
    page = _text(response)
    summary = re.search(r'<div class="error-summary".*?</div>', page, re.S).group(0)
    [item] = re.findall(r"<li>(.*?)</li>", summary, re.S)
    assert item.count("<a ") == 1 and item.startswith('<a href="#role">')
    assert "Verander dat eerst op de pagina van de teamleider." in item
    error = re.search(r'<p class="error" id="role-error">(.*?)</p>', page, re.S).group(1)
    assert "<a " not in error
    hint = re.search(r'<p class="hint" id="role-hint">(.*?)</p>', page, re.S).group(1)
    assert link in hint and "Dit account hoort bij teamleider Tim Leider." in hint


def test_a_leaders_teams_refusal_has_the_link_beside_the_teams_field(client, admin, linked_leader, make):
    leader, account, _team = linked_leader
    other = make.team(name="Team West")
    db.session.commit()
    response = post_edit(client, f"/beheer/gebruikers/{account.id}", {
        "email": account.email, "name": account.name, "role": "team_leader", "ministry_id": "",
        "team_ids": [str(other.id)]})
    assert response.status_code == 422
    page = _text(response)
    assert "Verander dat eerst op de pagina van de teamleider." in page
    hint = re.search(r'<p class="hint" id="team_ids-hint">(.*?)</p>', page, re.S).group(1)
    assert f'<a href="/teams/teamleiders/{leader.id}/wijzigen">Naar de pagina van teamleider Tim Leider</a>' in hint


def test_the_role_field_of_another_account_has_no_leader_link(client, admin, make):
    user = make.user(role="planner", name="Piet Plan")
    db.session.commit()
    page = _text(client.get(f"/beheer/gebruikers/{user.id}"))
    assert "Naar de pagina van teamleider" not in page and 'id="role-hint"' not in page


# --- fault 6: team leaders sorted with accents aside; archived work types marked on their page --------


def test_the_absence_forms_team_leaders_sort_with_accents_aside(client, login, make):
    team = make.team(name="Team Oost")
    for name in ("Zoë Kok", "Özlem Aydın", "Bas Bakker", "Émile Dubois"):
        make.supervisor(team=team, name=name)
    login(make.user(role="planner"))
    page = _text(client.get("/teams/afwezigheid/nieuw"))
    group = re.search(r'<optgroup label="Teamleiders">(.*?)</optgroup>', page, re.S).group(1)
    names = re.findall(r">([^<]*) \(teamleider\)</option>", group)
    assert names == ["Bas Bakker", "Émile Dubois", "Özlem Aydın", "Zoë Kok"]


def test_the_team_leaders_page_marks_an_archived_work_type(client, login, make):
    kept = make.work_type(name_nl="Schoonmaak")
    retired = make.work_type(name_nl="Oude werksoort", archived=True)
    leader = make.supervisor(name="Tim Leider", work_types=[kept, retired])
    login(make.user(role="planner"))
    page = _text(client.get(f"/teams/teamleiders/{leader.id}"))
    shown = re.search(r"<dt>Werksoorten</dt><dd>(.*?)</dd>", page, re.S).group(1)
    assert "Oude werksoort" in shown and "(gearchiveerd)" in shown
    words = " ".join(re.sub(r"<[^>]+>", "", shown).split()).replace(" ,", ",")
    assert words == "Schoonmaak, Oude werksoort (gearchiveerd)"
