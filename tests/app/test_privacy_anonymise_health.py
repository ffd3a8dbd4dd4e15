"""Anonymising leaves no health data behind: not the days or kinds of absences (in the audit log, the
roster history or anywhere else that can be read back), and not a doctor's limit on hours a day."""
from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import select

from binnenwerk import models as m
from binnenwerk.extensions import db
from binnenwerk.services import absences, tokens
from binnenwerk.services.absences import AbsenceInput
from binnenwerk.services.people import MAX_DAY_MINUTES

MONDAY = dt.date(2025, 3, 3)  # a planned shift: the day stays (the hours worked count)
SICK = (dt.date(2025, 3, 4), dt.date(2025, 3, 6))  # changed to end a day later below
SICK_AFTER_CHANGE = (dt.date(2025, 3, 4), dt.date(2025, 3, 7))
APPOINTMENT = dt.date(2025, 4, 10)  # deleted before the anonymising: only the log had it
OTHERS_DAY = dt.date(2025, 5, 20)  # another person's absence: stays as it is
MONTHS = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
          "november", "december"]


def _days(start: dt.date, end: dt.date) -> list[dt.date]:
    return [start + dt.timedelta(days=n) for n in range((end - start).days + 1)]


def _spellings(day: dt.date) -> list[str]:
    """How a stored day may read: ISO (audit details, history values), Dutch (history lines)."""
    return [day.isoformat(), day.strftime("%d-%m-%Y"), f"{day.day}-{day.month}-{day.year}",
            f" {day.day} {MONTHS[day.month - 1]}"]


def _everything() -> list[str]:
    """Every value of every table, as text: what any page, export or query can read back."""
    values = []
    for table in db.metadata.sorted_tables:
        for row in db.session.execute(select(table)):
            for value in row:
                if value is None:
                    continue
                if isinstance(value, (dict, list)):
                    value = json.dumps(value, ensure_ascii=False)
                elif isinstance(value, (dt.date, dt.datetime)):
                    value = value.isoformat()
                values.append(f"{table.name}: {value}")
    return values


def test_anonymising_leaves_no_absence_day_kind_note_or_day_limit_anywhere(client, make, login, monkeypatch):
    # The absences are entered the day after the contract, within the year they are kept.
    monkeypatch.setattr("binnenwerk.services.feeds.local_today", lambda: dt.date(2025, 7, 1))
    work_type, location = make.work_type(), make.location()
    team = make.team()
    former = make.employee(team=team, work_types=[work_type], first_name="Fleur", last_name="Oudgediende",
                           contract_start=dt.date(2024, 1, 1), contract_end=dt.date(2025, 6, 30),
                           max_minutes_per_day=300)  # 5 hours a day: the doctor's advice
    other = make.employee(team=team, work_types=[work_type], first_name="Bram", last_name="Blijft")
    request = make.request(location=location, work_type=work_type, start_date=MONDAY, end_date=MONDAY)
    roster = m.Roster(week="2025-W10", team=team)
    roster.assignments = [m.Assignment(employee=former, date=MONDAY, request=request)]
    db.session.add(roster)
    db.session.commit()
    before = set(_everything())

    # Through the services the pages use, so the audit rows and history lines are the real ones.
    absences.create_absence(AbsenceInput("ziek", MONDAY, MONDAY, note="Rugpijn"), employee=former)
    sick = absences.create_absence(AbsenceInput("ziek", *SICK, note="Griep met koorts"), employee=former)
    absences.update_absence(sick, AbsenceInput("ziek", *SICK_AFTER_CHANGE, note="Griep met koorts"))
    appointment = absences.create_absence(AbsenceInput("afspraak", APPOINTMENT, APPOINTMENT,
                                                       note="Bij de bedrijfsarts"), employee=former)
    absences.delete_absence(appointment)
    absences.create_absence(AbsenceInput("verlof", OTHERS_DAY, OTHERS_DAY), employee=other)
    tokens.issue("employee", former)
    db.session.commit()
    history = db.session.scalars(select(m.RosterChange.detail)).all()
    assert any("is afwezig op maandag 3 maart" in line for line in history), history  # the shift it hits
    logged = db.session.scalars(select(m.AuditEvent.detail)).all()
    assert any(f"employee={former.id} {SICK[0].isoformat()}" in d for d in logged), logged  # the QA's finding

    login(make.user(role="planner"))
    response = client.post(f"/privacy/medewerkers/{former.id}/anonimiseren", data={"confirm": "y"},
                           follow_redirects=True)
    assert response.status_code == 200 and "De gegevens zijn geanonimiseerd." in response.get_data(as_text=True)

    db.session.expire_all()
    found = [value for value in _everything() if value not in before]
    gone = [*_days(*SICK_AFTER_CHANGE), APPOINTMENT]
    for day in gone:
        for spelling in _spellings(day):
            assert not [value for value in found if spelling in value], (spelling, found)
    for word in ("ziek", "afspraak", "Rugpijn", "Griep", "bedrijfsarts"):
        assert not [value for value in found if word in value], (word, found)
    # Nothing left names her beside what was done (an absence's days, a calendar link).
    details = db.session.scalars(select(m.AuditEvent.detail)).all()
    assert not [d for d in details if {f"employee={former.id}", f"employee_id={former.id}"} & set(d.split())], details
    # The monday line said she was absent on a day she was planned: gone; the shift itself stays.
    assert not any("afwezig" in line for line in db.session.scalars(select(m.RosterChange.detail)))
    assert db.session.scalar(select(m.Assignment.date).where(m.Assignment.employee_id == former.id)) == MONDAY

    # The doctor's limit is gone: the highest a day may have, as for everyone without a limit.
    employee = db.session.get(m.Employee, former.id)
    assert employee.max_minutes_per_day == MAX_DAY_MINUTES
    export = json.loads(client.get(f"/privacy/medewerkers/{former.id}/inzage.json").get_data(as_text=True))
    assert export["personal"]["max_hours_per_day"] == 12 and export["absences"] == []

    # Another person's absence and its log rows are theirs, and stay whole.
    assert db.session.scalar(select(m.Absence.kind).where(m.Absence.employee_id == other.id)) == "verlof"
    assert any(d.startswith(f"employee={other.id} {OTHERS_DAY.isoformat()}") for d in details), details
    # The calendar link's row still says what kind of link it was.
    issued = db.session.scalars(select(m.AuditEvent.detail).where(m.AuditEvent.action == "calendar_token.issue"))
    assert list(issued) == ["kind=employee"]


def test_the_anonymised_page_lists_exactly_what_is_kept(client, make, login):
    former = make.employee(contract_start=dt.date(2024, 1, 1), contract_end=dt.date(2025, 6, 30),
                           max_minutes_per_day=300)
    login(make.user(role="planner"))
    before = client.get(f"/privacy/medewerkers/{former.id}").get_data(as_text=True)
    assert "het maximum aantal uren per dag" in before  # it says the limit goes, before it goes

    page = client.post(f"/privacy/medewerkers/{former.id}/anonimiseren", data={"confirm": "y"},
                       follow_redirects=True).get_data(as_text=True)
    kept = page.split("Alleen dit is bewaard:", 1)[1].split("</ul>", 1)[0]
    assert "het team, het contract en de uren per week" in kept
    assert "de werksoorten, de locaties en de werktijden" in kept
    assert "uren per dag" not in kept  # the limit is not kept: it is reset
    assert "het is nu 12 uur" in page
