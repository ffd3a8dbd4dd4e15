"""Upgrade d9b1c3e5f7a2: the locations a ministry archived before kept active are archived as
archiving the ministry now does (services.admin._archive_locations_of), except where work still
runs; the downgrade takes back exactly those. On SQLite, or PostgreSQL with TEST_DATABASE_URL."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import text

from binnenwerk.extensions import db

from .test_foundation import scratch_app

BEFORE = "c8a0e2b4d6f1"
NEW = "d9b1c3e5f7a2"


def _insert(sql: str, **values) -> int:
    return db.session.execute(text(sql + " RETURNING id"), values).scalar_one()


def _ministry(code: str, archived: bool) -> int:
    return _insert("INSERT INTO ministry (code, name, archived) VALUES (:c, :n, :a)",
                   c=code, n=f"Ministerie {code}", a=archived)


def _location(code: str, ministry: int, archived: bool = False) -> int:
    return _insert(
        "INSERT INTO location (code, name, address, postcode, city, region, ministry_id, archived) "
        "VALUES (:c, :n, 'Plein 1', '2511 AA', 'Den Haag', 'Den Haag', :m, :a)",
        c=code, n=f"Locatie {code}", m=ministry, a=archived)


def _world() -> dict[str, int]:
    """Ministry OLD archived before its locations went along: one place with nothing running,
    one with a running request, one where someone is told to come, one archived already, one
    whose request ended; ministry NEW active with a place of its own."""
    later = dt.date.today() + dt.timedelta(days=30)
    gone = dt.date.today() - dt.timedelta(days=30)
    old, new = _ministry("OLD", True), _ministry("NEW", False)
    places = {name: _location(name, old) for name in ("idle", "asked", "told", "ended")}
    places["already"] = _location("already", old, archived=True)
    places["other"] = _location("other", new)
    work = _insert("INSERT INTO work_type (code, name_nl, name_en, pictogram, colour, archived) "
                   "VALUES ('ict', 'ICT', 'ICT', 'broom', '#2f6b2f', :no)", no=False)
    for place, status, end in ((places["asked"], "geaccepteerd", later), (places["ended"], "ingepland", gone),
                               (places["idle"], "geannuleerd", later)):
        _insert("INSERT INTO deployment_request (ministry_id, location_id, work_type_id, start_date, end_date, "
                "weekdays, start_minute, end_minute, break_minutes, headcount, priority, status, decline_reason, "
                "contact_name, contact_phone, access_instructions, notes, changed_since_review, created_at, "
                "updated_at) VALUES (:m, :l, :w, :start, :end, '12345', 540, 900, 30, 2, 2, :s, '', '', '', '', "
                "'', :no, :now, :now)", m=old, l=place, w=work, start=gone, end=end, s=status, no=False,
                now=dt.datetime(2026, 12, 1, 12))
    team = _insert("INSERT INTO team (name, region, max_size, archived) VALUES ('Team A', 'Den Haag', 15, :no)",
                   no=False)
    anna = _insert(
        "INSERT INTO employee (first_name, last_name, sort_name, email, phone, team_id, contract_minutes, "
        "max_minutes_per_day, contract_start, job_coach_name, job_coach_phone, job_coach_email, archived) "
        "VALUES ('Anna', 'Jansen', 'jansen anna', '', '', :t, 1530, 360, :start, '', '', '', :no)",
        t=team, start=gone, no=False)
    for day, place, cancelled in ((later, places["told"], False), (later + dt.timedelta(days=1), places["idle"], True),
                                  (gone, places["ended"], False)):
        _insert("INSERT INTO published_shift (uid, employee_id, team_id, date, location_id, work_type_id, "
                "start_minute, end_minute, break_minutes, sequence, cancelled, updated_at) "
                "VALUES (:uid, :e, :t, :d, :l, :w, 540, 900, 30, 0, :c, :now)",
                uid=f"shift-{place}", e=anna, t=team, d=day, l=place, w=work, c=cancelled,
                now=dt.datetime(2026, 12, 1, 12))
    db.session.commit()
    return places


def _archived() -> dict[int, bool]:
    return {row.id: bool(row.archived) for row in db.session.execute(text("SELECT id, archived FROM location"))}


def _audited() -> list[tuple[str, str, str]]:
    return [tuple(row) for row in db.session.execute(text(
        "SELECT object_id, origin, detail FROM audit_event WHERE action = 'location_archived' ORDER BY id"))]


def test_the_upgrade_archives_the_idle_locations_of_archived_ministries_and_the_downgrade_takes_them_back(tmp_path, _schema):
    # _schema: so CI's PostgreSQL run keeps this test (tests/conftest.py keeps only those using it).
    from flask_migrate import downgrade, upgrade

    from binnenwerk.admin.audit_details import describe

    with scratch_app(tmp_path) as app:
        upgrade(revision=BEFORE)
        places = _world()

        upgrade(revision=NEW)
        archived = _archived()
        # Nothing runs any more at "idle" (its request cancelled, its shift called off) nor at "ended".
        assert archived[places["idle"]] and archived[places["ended"]] and archived[places["already"]]
        # Work still runs at these, so the admin archives them by hand once it is over.
        assert not archived[places["asked"]] and not archived[places["told"]]
        assert not archived[places["other"]]  # its ministry is active
        audited = _audited()
        assert sorted(int(object_id) for object_id, _origin, _detail in audited) == sorted(
            [places["idle"], places["ended"]])
        assert {(origin, detail) for _id, origin, detail in audited} == {
            ("cli", "with its ministry, by a database upgrade")}
        with app.test_request_context(headers={"Accept-Language": "nl"}):
            assert describe("location_archived", audited[0][2]) == (
                "samen met het ministerie, bij een update van de database")
        db.session.remove()

        downgrade(revision=BEFORE)
        archived = _archived()
        assert not archived[places["idle"]] and not archived[places["ended"]]
        assert archived[places["already"]]  # archived by the admin before: stays so
        assert _audited() == []
        db.session.remove()

        upgrade()
        assert _archived()[places["idle"]]
