"""The audit page stays cheap as the log grows: its filters never read the whole log."""
from __future__ import annotations

import re

from sqlalchemy import event

from binnenwerk import audit
from binnenwerk.admin import audit_routes
from binnenwerk.extensions import db
from binnenwerk.models import AuditEvent
from tests.app.test_audit_labels import options_of


def _statements_of(client, url: str) -> tuple[list[str], str]:
    db.session.commit()
    seen: list[str] = []

    def before(_conn, _cursor, statement, *_args):
        seen.append(" ".join(statement.split()))

    event.listen(db.engine, "before_cursor_execute", before)
    try:
        response = client.get(url)
    finally:
        event.remove(db.engine, "before_cursor_execute", before)
    assert response.status_code == 200
    return seen, response.get_data(as_text=True)


def _log(count: int, action: str = "login", object_type: str = "", result: str = "ok") -> None:
    db.session.add_all(AuditEvent(action=action, object_type=object_type, result=result, origin="cli")
                       for _ in range(count))


def test_the_audit_page_reads_the_log_only_for_its_count_and_a_bounded_number_of_rows(client, make, login):
    login(make.user(role="admin"))
    _log(30)
    few, _ = _statements_of(client, "/beheer/audit")
    _log(300, action="employee.update", object_type="Employee", result="refused")
    many, page = _statements_of(client, "/beheer/audit?page=2")
    assert len(many) == len(few), (few, many)
    reads = [s for s in many if re.search(r"\bFROM audit_event\b", s)]
    assert reads, many
    for statement in reads:
        # One count(*) for the pager; every other read of the log is limited (a DISTINCT over the
        # whole table cost 300-400 ms on PostgreSQL at 330,000 events, on every load).
        assert "count(" in statement or re.search(r"\bLIMIT\b", statement), statement
    assert ("Employee", "Medewerker") in options_of(page, "object_type")
    assert ("refused", "geweigerd") in options_of(page, "result")


def test_every_code_with_words_is_an_option_even_before_it_was_logged(client, make, login):
    login(make.user(role="admin"))
    _, page = _statements_of(client, "/beheer/audit")
    actions = options_of(page, "action")
    assert {value for value, _ in actions[1:]} >= set(audit_routes.ACTION_WORDS)
    assert {value for value, _ in options_of(page, "object_type")[1:]} >= set(audit_routes.OBJECT_WORDS)
    labels = [label for _, label in actions[1:]]
    assert labels == sorted(labels, key=str.casefold)


def test_a_code_without_words_is_offered_while_recent_and_stays_selected_when_chosen(client, make, login, monkeypatch):
    monkeypatch.setattr(audit_routes, "RECENT_FOR_CHOICES", 5)
    login(make.user(role="admin"))
    db.session.add(AuditEvent(action="legacy_thing_done", object_type="Gadget", object_id="7", origin="cli"))
    db.session.flush()
    _, page = _statements_of(client, "/beheer/audit")
    assert ("legacy_thing_done", "legacy_thing_done") in options_of(page, "action")
    assert ("Gadget", "Gadget") in options_of(page, "object_type")

    for _ in range(5):
        audit.record("export_requests", None, detail="format=csv")
    _, page = _statements_of(client, "/beheer/audit")
    assert ("legacy_thing_done", "legacy_thing_done") not in options_of(page, "action")  # older than the window

    _, page = _statements_of(client, "/beheer/audit?action=legacy_thing_done")
    assert "1 regel gevonden." in page and "Gadget 7" in page
    assert re.search(r'<option[^>]*value="legacy_thing_done"[^>]*selected|<option selected[^>]*value="legacy_thing_done"',
                     page)
