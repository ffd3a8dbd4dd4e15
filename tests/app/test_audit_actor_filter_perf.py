"""The audit log's "Wie" filter finds what it found before (part of an address, any case, the
address a row kept and the person's address now), without lowering every row's address: the log's
few addresses are looked up first and the rows matched on them."""
from __future__ import annotations

from urllib.parse import urlencode

from sqlalchemy import func, or_, select

from binnenwerk import audit
from binnenwerk.admin import audit_routes
from binnenwerk.extensions import db
from binnenwerk.models import AuditEvent, User
from tests.app.test_perf_audit import _statements_of


def _found(client, sought: str) -> tuple[str, list[str]]:
    """The page the filter shows, and the statements it took."""
    seen, page = _statements_of(client, "/beheer/audit?" + urlencode({"actor": sought}))
    return page, seen


def _ids_of(sought: str) -> set[int]:
    """The events the filter matches (the page lowercases what was typed)."""
    return set(db.session.scalars(select(AuditEvent.id).where(audit_routes._actor_sought(sought.strip().lower()))))


def _ids_before(sought: str) -> set[int]:
    """What the filter matched before this change: every row's address lowered, or the person's."""
    sought = sought.strip().lower()
    now = select(User.id).where(func.lower(User.email).contains(sought, autoescape=True))
    return set(db.session.scalars(select(AuditEvent.id).where(or_(
        func.lower(AuditEvent.actor_email).contains(sought, autoescape=True), AuditEvent.actor_id.in_(now)))))


def _world(make):
    """Events of: Éva (address now eva.de-Vries@...), once known as an older address; Jan with an
    underscore; a deleted account (no actor id, only the address kept); the command line."""
    eva = make.user(role="planner", name="Éva", email="Eva.de-Vries@binnenwerk.example")
    jan = make.user(role="planner", name="Jan", email="j_jansen@binnenwerk.example")
    jaap = make.user(role="planner", name="Jaap", email="jxjansen@binnenwerk.example")
    db.session.flush()
    events = {
        "eva_before": audit.record("team.update", detail="x", actor=eva),
        "jan": audit.record("team.update", detail="x", actor=jan),
        "jaap": audit.record("team.update", detail="x", actor=jaap),
        "gone": AuditEvent(action="login", actor_id=None, actor_email="Weg.Geweest@BINNENWERK.example", origin="x"),
        "cli": AuditEvent(action="login", actor_id=None, actor_email="", origin="cli"),
    }
    db.session.add_all(events.values())
    db.session.flush()
    # Éva's address changes: her earlier events keep the old one, and the old one finds them too.
    events["eva_before"].actor_email = "eva.oud@binnenwerk.example"
    events["eva_after"] = audit.record("team.update", detail="y", actor=eva)
    db.session.commit()
    return {name: e.id for name, e in events.items()}


def test_the_filter_finds_part_of_an_address_in_any_case_kept_or_now(client, make, login):
    login(make.user(role="admin", email="beheer@binnenwerk.example"))
    e = _world(make)
    mine = {e["eva_before"], e["eva_after"]}

    # Part of the address now, in any case: both of Éva's events, the one under her old address too.
    assert _ids_of("DE-vries") & set(e.values()) == mine
    assert _ids_of("eva.de-vries@binnenwerk.example") & set(e.values()) == mine
    # The old address kept by a row finds that row (her new events carry the new address).
    assert _ids_of("Eva.OUD") & set(e.values()) == {e["eva_before"]}
    # A deleted account's address, kept only by its rows; the address in another case.
    assert _ids_of("weg.geweest@binnenwerk") == {e["gone"]}
    # "_" is a character of the address, not a wildcard: j_jansen, not jxjansen.
    assert _ids_of("J_JANSEN") == {e["jan"]}
    assert _ids_of("jansen") == {e["jan"], e["jaap"]}
    assert _ids_of("niemand-anders") == set()


SOUGHT = ("DE-vries", "eva.de-vries@binnenwerk.example", "Eva.OUD", "weg.geweest@binnenwerk", "J_JANSEN",
          "jansen", "niemand-anders", "@", "BINNENWERK", "_", "%", "éva")


def test_the_filter_matches_what_it_matched_before_on_both_paths(client, make, login, monkeypatch):
    login(make.user(role="admin", email="beheer@binnenwerk.example"))
    _world(make)
    for sought in SOUGHT:
        assert _ids_of(sought) == _ids_before(sought), sought
    # More matching addresses than a list holds: the rows are matched one by one, as before.
    monkeypatch.setattr(audit_routes, "MAX_ADDRESSES_LISTED", 1)
    for sought in SOUGHT:
        assert _ids_of(sought) == _ids_before(sought), sought


def test_the_rows_are_matched_on_the_few_addresses_not_by_lowering_each(client, make, login, monkeypatch):
    login(make.user(role="admin", email="beheer@binnenwerk.example"))
    _world(make)

    page, seen = _found(client, "  Jansen ")
    assert "2 regels gevonden." in page
    assert "j_jansen@binnenwerk.example" in page and "jxjansen@binnenwerk.example" in page
    counted = [s for s in seen if s.startswith("SELECT count(*)")][0]
    assert "lower(audit_event.actor_email)" not in counted and "audit_event.actor_email IN" in counted
    assert sum(s.startswith("WITH addresses AS MATERIALIZED") for s in seen) == 1

    page, seen = _found(client, "niemand-anders")  # nobody: a condition that is false, no row read
    assert "0 regels gevonden." in page
    counted = [s for s in seen if s.startswith("SELECT count(*)")][0]
    assert "WHERE 0 = 1" in counted or "WHERE false" in counted

    monkeypatch.setattr(audit_routes, "MAX_ADDRESSES_LISTED", 1)
    page, seen = _found(client, "Jansen")
    assert "2 regels gevonden." in page
    assert "lower(audit_event.actor_email)" in [s for s in seen if s.startswith("SELECT count(*)")][0]
