"""The audit page's detail column reads in the admin's language, not as the log's English facts."""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from flask_babel import force_locale, refresh

from binnenwerk import audit
from binnenwerk.admin.audit_details import FIELD_WORDS, KEY_WORDS, describe
from binnenwerk.extensions import db
from binnenwerk.services import requests as request_service
from binnenwerk.services import tokens
from tests.conftest import TEST_PASSWORD, compile_english_catalog

PACKAGE = Path(__file__).resolve().parents[2] / "binnenwerk"


def table_of(page: str) -> str:
    return re.search(r"<tbody>(.*)</tbody>", page, re.S).group(1)


@pytest.mark.parametrize("action, detail, words", [
    ("login_failed", "unknown account; email=x@y.example", "onbekend account; e-mailadres x@y.example"),
    ("account_locked", "5 failed attempts; locked for 0:15:00", "5 mislukte pogingen; geblokkeerd voor 15 minuten"),
    ("logout", "account locked after wrong MFA codes", "account geblokkeerd na verkeerde codes"),
    ("logout", "idle timeout", "sessie verlopen door geen activiteit"),
    ("password_reset", "temporary password set; change required; MFA reset",
     "tijdelijk wachtwoord gegeven; moet het wachtwoord veranderen; tweestapsverificatie uitgezet"),
    ("login", "method=password+totp", "manier: wachtwoord en authenticator-app"),
    ("request_geaccepteerd", "from=ingediend", "was: ingediend"),
    ("request_priority", "from=2 to=3", "was: normaal nu: hoog"),
    ("employee.update", "changed=phone,work_types team=3->5", "gewijzigd: telefoon, werksoorten team: 3->5"),
    ("absence.update", "employee=7 2026-12-01..2026-12-04 changed=end_date",
     "medewerker: 7 01-12-2026 – 04-12-2026 gewijzigd: einddatum"),
    ("user_changed", "changed: role (planner -> admin), teams", "gewijzigd: rol (Planner → Beheerder), teams"),
    ("roster.publish", "week=2026-W50 version=2 new=3 changed=1 cancelled=0 same=4",
     "week: 2026-W50 versie: 2 nieuw: 3 gewijzigd: 1 vervallen: 0 ongewijzigd: 4"),
    ("calendar_token.issue", "kind=employee employee_id=1", "soort: medewerker medewerker: 1"),
    ("calendar_token.revoke", "kind=team reason=leader_left", "soort: team reden: de teamleider leidt het team niet meer"),
    ("roster.edit", "week=2026-W52 employee=3 day=2026-12-24 request=None",
     "week: 2026-W52 medewerker: 3 dag: 24-12-2026 aanvraag: –"),
    ("solve.start", "week=2026-W50 team=alle limit=20", "week: 2026-W50 team: alle tijdslimiet: 20 s"),
    ("location_deleted", "Rijnstraat 8", "Rijnstraat 8"),
    # When the solve read its data: bookkeeping for the roster page, not for a reader (QA round 18).
    ("roster.plan", "week=2026-W51 assignments=33 changed=6 as_of=2026-12-07T20:33:27.537950+00:00",
     "week: 2026-W51 diensten: 33 gewijzigd: 6"),
    ("something_new", "a fact we=never heard of", "a fact we=never heard of"),
])
def test_each_kind_of_detail_reads_as_dutch_words(app, action, detail, words):
    with app.test_request_context(), force_locale("nl"):
        assert describe(action, detail) == words


def test_the_request_changes_before_values_stay_off_the_audit_page(app):
    detail = "fields=headcount,weekdays" + request_service.BEFORE_MARK + '{"headcount": 6}'
    with app.test_request_context(), force_locale("nl"):
        assert describe("request_changed", detail) == "gewijzigd: mensen per dag, dagen"


def test_the_audit_page_shows_details_in_dutch_and_in_english(client, app_with, make, login):
    compile_english_catalog()
    refresh()
    employee = make.employee()
    db.session.flush()
    audit.record("employee.update", employee, detail="changed=phone,availability")
    audit.record("login_failed", None, result="refused", detail="unknown account; email=wie@x.example")
    login(make.user(role="admin"))
    rows = table_of(client.get("/beheer/audit").get_data(as_text=True))
    assert "gewijzigd: telefoon, beschikbaarheid" in rows
    assert "onbekend account; e-mailadres wie@x.example" in rows
    assert "changed=" not in rows and "unknown account" not in rows

    english = make.user(role="admin", locale="en")
    db.session.commit()
    browser = app_with().test_client()
    assert browser.post("/auth/login", data={"email": english.email, "password": TEST_PASSWORD}).status_code == 302
    rows = table_of(browser.get("/beheer/audit").get_data(as_text=True))
    assert "changed: phone, availability" in rows and "unknown account; email address wie@x.example" in rows


# --- every fact the code writes has words -------------------------------------------------------


def _pieces(node) -> list[str]:
    """The literal text of a detail expression: constants, an f-string's fixed parts, both sides
    of a concatenation and both branches of a conditional; never the values put in."""
    if isinstance(node, ast.Constant):
        return [node.value] if isinstance(node.value, str) else []
    if isinstance(node, ast.JoinedStr):
        return [part.value for part in node.values if isinstance(part, ast.Constant)]
    if isinstance(node, ast.BinOp):
        return _pieces(node.left) + _pieces(node.right)
    if isinstance(node, ast.IfExp):
        return _pieces(node.body) + _pieces(node.orelse)
    return []


def _literal_details() -> list[tuple[str, str]]:
    """(where, text) of the literal parts of each detail passed to audit.record, and of the
    reasons that become a detail (register_failure, _refuse, end_session, _locked_out)."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name not in ("record", "register_failure", "_refuse", "end_session", "_locked_out"):
                continue
            values = [kw.value for kw in node.keywords if kw.arg in ("detail", "reason")]
            if name == "register_failure" and len(node.args) > 1:
                values.append(node.args[1])
            for value in values:
                found += [(f"{path.name}:{node.lineno}", text) for text in _pieces(value) if text.strip()]
            if name == "_locked_out":  # end_session(detail=f"account locked after {what}")
                found += [(f"{path.name}:{node.lineno}", "account locked after " + text)
                          for arg in node.args for text in _pieces(arg)]
    return found


def test_every_key_the_code_writes_has_words():
    literals = _literal_details()
    assert len(literals) > 30  # the scan found the calls
    keys = {key for _, text in literals for key in re.findall(r"([a-z_]+)=", text)}
    # Keys that come from data: a publication's counts and the subject column of a calendar link.
    keys |= set(re.search(r"counts = \{(.*?)\}", (PACKAGE / "services" / "rosters.py").read_text()).group(1)
                .replace('"', "").replace(": 0", "").split(", "))
    keys |= {column for _model, column in tokens.SUBJECTS.values()}
    assert {"same", "employee_id"} <= keys
    assert {"week", "changed", "fields", "from", "contract_end"} <= keys
    keys.discard("form")  # the key a new-employee form was sent with: left out of what a reader sees
    assert keys - set(KEY_WORDS) == set()


def test_every_fixed_phrase_the_code_writes_has_words(app):
    phrases = [(where, text) for where, text in literals_without_values()]
    assert len(phrases) > 10
    with app.test_request_context(), force_locale("nl"):
        untranslated = [(where, text) for where, text in phrases if describe("x", text) == text]
    assert untranslated == []


def literals_without_values():
    for where, text in _literal_details():
        text = text.strip().rstrip(":;").strip()
        if "=" in text or not re.search(r"[a-z]{3}", text) or text in ("changed", "account locked after"):
            continue
        for part in text.split("; "):
            if part and not re.fullmatch(r"(failed attempts|locked for|calendar links revoked:?)", part):
                yield where, part


def test_every_field_a_service_reports_as_changed_has_words():
    names = set()
    for path in (PACKAGE / "services").glob("*.py"):
        source = path.read_text(encoding="utf-8")
        names |= set(re.findall(r'changed\.append\("([a-z_]+)"\)', source))
        for block in re.findall(r"values = \{(.*?)\}\n", source, re.S):
            names |= set(re.findall(r'"([a-z_]+)":', block))
    names |= {field.name for field in request_service.fields(request_service.RequestInput)}
    assert {"first_name", "availability", "headcount", "max_size"} <= names
    assert names - set(FIELD_WORDS) == set()


# --- a user's ministry and teams by name ---------------------------------------------------------


def test_a_users_ministry_and_teams_read_as_names(app, make):
    ministry = make.ministry(name="Ministerie van Zenith")
    alpha, bravo = make.team(name="Alpha"), make.team(name="Bravo")
    detail = (f"changed: role (team_leader -> ministry_contact), ministry_id (None -> {ministry.id}), "
              f"teams ([{alpha.id}, {bravo.id}] -> [])")
    with app.test_request_context(), force_locale("nl"):
        assert describe("user_changed", detail) == (
            "gewijzigd: rol (Teamleider → Contactpersoon ministerie), ministerie (geen → Ministerie van Zenith), "
            "teams (Alpha, Bravo → geen)")
        # A ministry deleted since keeps its number.
        assert describe("user_changed", "changed: ministry_id (99999 -> None)") == (
            "gewijzigd: ministerie (#99999 → geen)")
    compile_english_catalog()
    refresh()
    with app.test_request_context(), force_locale("en"):
        assert describe("user_changed", f"changed: ministry_id ({ministry.id} -> None)") == (
            "changed: ministry (Ministerie van Zenith → none)")


def test_the_audit_page_names_the_ministry_a_user_was_given(client, make, login):
    from .edit_forms import post_edit

    ministry = make.ministry(name="Ministerie van Zenith")
    user = make.user(role="planner", name="Piet Jansen", email="piet.jansen@minbzk.nl")
    make.user(role="planner", name="Blijvende Planner")  # the last active planner stays (admin.KEPT_ROLES)
    login(make.user(role="admin"))
    response = post_edit(client, f"/beheer/gebruikers/{user.id}", {
        "email": user.email, "name": user.name, "role": "ministry_contact", "ministry_id": str(ministry.id)})
    assert response.status_code == 302
    rows = table_of(client.get("/beheer/audit").get_data(as_text=True))
    assert "ministerie (geen → Ministerie van Zenith)" in rows and "None" not in rows


def test_a_forms_key_is_not_shown(app):
    """A new employee's audit row keeps the key its form was sent with (the same form sent twice
    makes one); the audit page shows the team, not the key."""
    with app.test_request_context(), force_locale("nl"):
        shown = describe("employee.create", "team=3 form=Zq8-k2x")
    assert "Zq8-k2x" not in shown and "form" not in shown and "3" in shown
