"""iCalendar feeds and the employee's week, built from published shifts only.

Three feeds, chosen by the token's kind: an employee's own shifts, a team's shifts (with names,
for its team leader) and a location's team visits (team level only, for the ministry). None of
them carries anything of EmployeeSensitive. Rendering is bounded: one query for the shifts with
their related rows eager-loaded, one for the fallback team leaders.
"""
from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from functools import lru_cache
from zoneinfo import ZoneInfo

import icalendar
from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..formatting import minutes_to_hhmm
from ..models import CalendarToken, Employee, FeedKind, Location, PublishedShift, Supervisor

TZID = "Europe/Amsterdam"
WEEKS_BACK = 4
WEEKS_AHEAD = 8
PRODID = "-//Binnenwerk//Teamplanner//NL"
# Bump when the feed's layout changes, so every ETag changes with it.
FORMAT_VERSION = "1"


def local_today() -> dt.date:
    return dt.datetime.now(ZoneInfo(current_app.config.get("TIMEZONE", TZID))).date()


def window(today: dt.date) -> tuple[dt.date, dt.date]:
    """First and last day of the feed: 4 weeks back to 8 weeks ahead."""
    return today - dt.timedelta(weeks=WEEKS_BACK), today + dt.timedelta(weeks=WEEKS_AHEAD)


def _subject_filter(row: CalendarToken):
    if row.kind == FeedKind.EMPLOYEE.value:
        return PublishedShift.employee_id == row.employee_id
    if row.kind == FeedKind.TEAM.value:
        return PublishedShift.team_id == row.team_id
    return PublishedShift.location_id == row.location_id


# --- conditional requests ---------------------------------------------------------------------


@dataclass(frozen=True)
class Fingerprint:
    etag: str
    last_modified: dt.datetime  # aware, UTC


def fingerprint(row: CalendarToken, today: dt.date | None = None) -> Fingerprint:
    """The feed's version from one cheap aggregate query, computed before any rendering.

    The day is part of it: the window moves daily, and names or addresses edited elsewhere
    (which leave the shifts untouched) reach subscribers within a day.
    """
    today = today or local_today()
    start, end = window(today)
    count, latest = db.session.execute(
        select(func.count(PublishedShift.id), func.max(PublishedShift.updated_at)).where(
            _subject_filter(row), PublishedShift.date >= start, PublishedShift.date <= end
        )
    ).one()
    latest = max(latest or row.created_at, row.created_at)
    if isinstance(latest, str):  # some SQLite drivers hand back the aggregate as text
        latest = dt.datetime.fromisoformat(latest)
    raw = f"{FORMAT_VERSION}|{row.id}|{today.isoformat()}|{count}|{latest.isoformat()}"
    etag = hashlib.sha256(raw.encode()).hexdigest()[:32]
    return Fingerprint(etag=etag, last_modified=latest.replace(tzinfo=dt.timezone.utc, microsecond=0))


# --- loading ----------------------------------------------------------------------------------


def load_shifts(row: CalendarToken, start: dt.date, end: dt.date) -> list[PublishedShift]:
    options = [
        joinedload(PublishedShift.location),
        joinedload(PublishedShift.work_type),
        joinedload(PublishedShift.supervisor),
        joinedload(PublishedShift.team),
    ]
    if row.kind == FeedKind.TEAM.value:
        options.append(joinedload(PublishedShift.employee))
    return list(
        db.session.scalars(
            select(PublishedShift)
            .where(_subject_filter(row), PublishedShift.date >= start, PublishedShift.date <= end)
            .options(*options)
            .order_by(PublishedShift.date, PublishedShift.start_minute, PublishedShift.id)
        ).unique()
    )


def team_leaders(team_ids) -> dict[int, Supervisor]:
    """Each team's own (first, active) team leader: who to call when a shift names nobody."""
    ids = sorted(set(team_ids))
    if not ids:
        return {}
    leaders: dict[int, Supervisor] = {}
    for supervisor in db.session.scalars(
        select(Supervisor)
        .where(Supervisor.team_id.in_(ids), Supervisor.archived.is_(False))
        .order_by(Supervisor.id)
    ):
        leaders.setdefault(supervisor.team_id, supervisor)
    return leaders


def leader_of(shift: PublishedShift, leaders: dict[int, Supervisor]) -> Supervisor | None:
    return shift.supervisor or leaders.get(shift.team_id)


# --- text -------------------------------------------------------------------------------------


def _break_text(minutes: int) -> str:
    if not minutes:
        return _("Pauze: geen")
    return _("Pauze: %(n)d minuten", n=minutes)


def _leader_text(leader: Supervisor | None) -> str | None:
    if leader is None:
        return None
    if leader.phone:
        return _("Teamleider: %(name)s, telefoon %(phone)s", name=leader.name, phone=leader.phone)
    return _("Teamleider: %(name)s", name=leader.name)


def _place(location: Location) -> str:
    return f"{location.name}, {location.full_address}"


def _times_text(start_minute: int, end_minute: int) -> str:
    return _("Tijd: %(start)s tot %(end)s", start=minutes_to_hhmm(start_minute), end=minutes_to_hhmm(end_minute))


# --- building ---------------------------------------------------------------------------------


@lru_cache(maxsize=8)
def _vtimezone_ical(first_year: int, last_year: int) -> bytes:
    zone = icalendar.Timezone.from_tzid(
        TZID, first_date=dt.date(first_year, 1, 1), last_date=dt.date(last_year, 12, 31)
    )
    return zone.to_ical()


def _vtimezone(start: dt.date, end: dt.date) -> icalendar.Timezone:
    # Cached as text: building it walks the zone's transitions, parsing back is cheap.
    return icalendar.Timezone.from_ical(_vtimezone_ical(start.year - 1, end.year + 1))


def _at(day: dt.date, minute: int, zone: ZoneInfo) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=zone) + dt.timedelta(minutes=minute)


def _utc(moment: dt.datetime) -> dt.datetime:
    return moment.replace(tzinfo=dt.timezone.utc, microsecond=0)


def calendar_name(row: CalendarToken) -> str:
    if row.kind == FeedKind.EMPLOYEE.value:
        return _("Binnenwerk: mijn werk")
    if row.kind == FeedKind.TEAM.value:
        return _("Binnenwerk: %(team)s", team=row.team.name)
    return _("Binnenwerk: teams op %(location)s", location=row.location.name)


def _new_calendar(row: CalendarToken, start: dt.date, end: dt.date) -> icalendar.Calendar:
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", calendar_name(row))
    cal.add("x-wr-timezone", TZID)
    cal.add("refresh-interval", dt.timedelta(hours=1), parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", "PT1H")
    cal.add_component(_vtimezone(start, end))
    return cal


@dataclass
class Visit:
    """A team's visit to a location on a day: what a ministry may see."""

    key: tuple
    shifts: list[PublishedShift] = field(default_factory=list)

    @property
    def active(self) -> list[PublishedShift]:
        return [s for s in self.shifts if not s.cancelled]


def _event_common(event, uid, sequence, cancelled, start, end, updated_at, summary, location, lines):
    event.add("uid", uid)
    event.add("dtstamp", _utc(updated_at))
    event.add("last-modified", _utc(updated_at))
    event.add("dtstart", start)
    event.add("dtend", end)
    event.add("sequence", sequence)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("transp", "TRANSPARENT" if cancelled else "OPAQUE")
    if cancelled:
        summary = _("Gaat niet door: %(what)s", what=summary)
    event.add("summary", summary)
    event.add("location", location)
    event.add("description", "\n".join(line for line in lines if line))


def _shift_event(shift: PublishedShift, leaders, zone, *, with_name: bool) -> icalendar.Event:
    event = icalendar.Event()
    work = _("Werk: %(work_type)s", work_type=shift.work_type.name_nl)
    summary = f"{shift.employee.name} – {work}" if with_name else work
    lines = [
        _("Medewerker: %(name)s", name=shift.employee.name) if with_name else None,
        work,
        _times_text(shift.start_minute, shift.end_minute),
        _break_text(shift.break_minutes),
        _("Waar: %(place)s", place=_place(shift.location)),
        _leader_text(leader_of(shift, leaders)),
    ]
    uid = f"team-{shift.uid}" if with_name else shift.uid
    _event_common(
        event, uid, shift.sequence, shift.cancelled,
        _at(shift.date, shift.start_minute, zone), _at(shift.date, shift.end_minute, zone),
        shift.updated_at, summary, _place(shift.location), lines,
    )
    return event


def _visits(shifts: list[PublishedShift]) -> list[Visit]:
    visits: dict[tuple, Visit] = {}
    for shift in shifts:
        key = (shift.date, shift.team_id, shift.location_id, shift.work_type_id)
        visits.setdefault(key, Visit(key)).shifts.append(shift)
    return list(visits.values())


def _visit_event(visit: Visit, leaders, zone) -> icalendar.Event:
    first = visit.shifts[0]
    active = visit.active
    counted = active or visit.shifts
    start_minute = min(s.start_minute for s in counted)
    end_minute = max(s.end_minute for s in counted)
    leader = next((s.supervisor for s in counted if s.supervisor), None) or leaders.get(first.team_id)
    team = first.team.name
    people = len(active)
    work = first.work_type.name_nl
    summary = ngettext(
        "%(team)s: %(work_type)s (%(num)d persoon)", "%(team)s: %(work_type)s (%(num)d personen)", people,
        team=team, work_type=work,
    )
    lines = [
        _("Team: %(team)s", team=team),
        _("Werk: %(work_type)s", work_type=work),
        _("Aantal personen: %(n)d", n=people),
        _times_text(start_minute, end_minute),
        _("Waar: %(place)s", place=_place(first.location)),
        _leader_text(leader),
    ]
    day, team_id, location_id, work_type_id = visit.key
    uid = f"visit-{day:%Y%m%d}-t{team_id}-l{location_id}-w{work_type_id}@binnenwerk"
    # Never lower: every change raises a shift's sequence, every new shift adds one.
    sequence = sum(s.sequence for s in visit.shifts) + len(visit.shifts) - 1
    event = icalendar.Event()
    _event_common(
        event, uid, sequence, not active,
        _at(day, start_minute, zone), _at(day, end_minute, zone),
        max(s.updated_at for s in visit.shifts), summary, _place(first.location), lines,
    )
    return event


def build_feed(row: CalendarToken, today: dt.date | None = None) -> bytes:
    """The whole iCalendar text of a token's feed (CRLF lines, folded at 75 octets)."""
    today = today or local_today()
    start, end = window(today)
    zone = ZoneInfo(TZID)
    shifts = load_shifts(row, start, end)
    leaders = team_leaders(s.team_id for s in shifts if s.supervisor_id is None)
    cal = _new_calendar(row, start, end)
    if row.kind == FeedKind.LOCATION.value:
        for visit in _visits(shifts):
            cal.add_component(_visit_event(visit, leaders, zone))
    else:
        with_name = row.kind == FeedKind.TEAM.value
        for shift in shifts:
            cal.add_component(_shift_event(shift, leaders, zone, with_name=with_name))
    return cal.to_ical()


# --- the employee's week page -----------------------------------------------------------------


@dataclass
class Day:
    date: dt.date
    shift: PublishedShift | None
    leader: Supervisor | None
    is_today: bool


@dataclass
class Week:
    monday: dt.date
    is_current: bool
    days: list[Day]


def employee_weeks(employee: Employee, today: dt.date | None = None) -> list[Week]:
    """This week and next, Monday to Friday always, a weekend day only when there is a shift."""
    today = today or local_today()
    monday = today - dt.timedelta(days=today.weekday())
    last = monday + dt.timedelta(days=13)
    shifts = {
        s.date: s
        for s in db.session.scalars(
            select(PublishedShift)
            .where(
                PublishedShift.employee_id == employee.id,
                PublishedShift.date >= monday,
                PublishedShift.date <= last,
            )
            .options(
                joinedload(PublishedShift.location),
                joinedload(PublishedShift.work_type),
                joinedload(PublishedShift.supervisor),
            )
        ).unique()
    }
    leaders = team_leaders([employee.team_id] + [s.team_id for s in shifts.values()])
    weeks = []
    for offset in (0, 1):
        first = monday + dt.timedelta(weeks=offset)
        days = []
        for n in range(7):
            day = first + dt.timedelta(days=n)
            shift = shifts.get(day)
            if n >= 5 and (shift is None or shift.cancelled):
                continue
            leader = leader_of(shift, leaders) if shift else None
            days.append(Day(day, shift, leader, day == today))
        weeks.append(Week(first, offset == 0, days))
    return weeks


def own_team_leader(employee: Employee) -> Supervisor | None:
    return team_leaders([employee.team_id]).get(employee.team_id)
