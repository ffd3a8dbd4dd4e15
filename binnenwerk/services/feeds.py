"""iCalendar feeds and the employee's week, built from published shifts only.

Three feeds, chosen by the token's kind: an employee's own shifts, a team's shifts (with names,
for its team leader) and a location's team visits (team level only, for the ministry). None of
them carries anything of EmployeeSensitive. Rendering is bounded: one joined query for the shifts
(or, for a location, the visits aggregated in the database) and one for fallback team leaders.
A conditional request costs one query and no rendering (poll()).

A leader who is absent on a shift's day is not named to employees or the ministry, nor is their
phone given in any feed: they would be called while ill, or expected while they will not come.
The kind of absence (ill, leave) is never read here: it is special-category data.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
from dataclasses import dataclass, field
from functools import lru_cache
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import Date, DateTime, String, and_, bindparam, case, cast, exists, func, literal_column, or_, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import joinedload
from sqlalchemy.sql.functions import FunctionElement

from ..extensions import db
from ..formatting import minutes_to_hhmm, week_of
from ..public_holidays import public_holiday_name
from ..models import (
    Absence, AuditEvent, CalendarToken, DeploymentRequest, Employee, FeedKind, Location, PublishedShift,
    RequestDayAsked, Roster,
    Supervisor, Team, WorkType, name_and_address,
)
from . import request_history, tokens

TZID = "Europe/Amsterdam"
WEEKS_BACK = 4
WEEKS_AHEAD = 8
PRODID = "-//Binnenwerk//Teamplanner//NL"
# Bump when the feed's layout changes, so every ETag changes with it.
# 3: a cancelled event carries no team leader line.
# 4: the employee's events say a change, a called-off day as a day off, how to get in, and the
#    office number on a day the team leader is away.
# 5: what the text shows of its places, work, teams, leaders, people and how to get in is part of
#    the ETag (see _shown_texts): an edited address reaches a phone at its next poll.
# 6: the VTIMEZONE is one yearly rule each way (see VTIMEZONE), not a list of dates; a visit's
#    DTSTAMP is its team's day's newest change; an employee's event is stamped by an edit of how
#    to get in too.
# 7: an event is stamped by an edit of the place, work type and team leader it names too, and the
#    feed's Last-Modified by the newest of those edits (see _latest_edit).
# 8: and by a rename of the team or person it names, a leader leaving the team whose own leader a
#    shift naming nobody names, and a change of its leader's absences (see _stamp).
# 9: the employee's event tells a leader's short absence as its times, a change with another
#    leader than their own says so, and a stopped link asks whether they still work here.
# 10: a location's visit is one per request of a team's day, not the day's first start to last
#    end with everyone at once (see load_visits).
# 11: a visit's SEQUENCE and DTSTAMP are its whole day's (every team's, see load_visits); a time the
#    clocks skip is written as the first one after the gap (see _wall_clock); the employee's events
#    around a contract's end say it as the week page does.
# 12: a location's visit leaves out its people absent then, as the ministry's planning page does
#    (see _absent_during); a visit nobody comes to any more is told as not going ahead.
FORMAT_VERSION = "12"
# The languages a feed speaks besides Dutch, asked for with ?taal=<code> on its link: the week page
# puts it on the links it gives when it is shown in that language. Dutch is a link without it.
FEED_LANGUAGES = ("en",)


def feed_language(value) -> str | None:
    """The feed's language from the link's marker: None (Dutch) for none, "nl" or anything unknown."""
    return value if value in FEED_LANGUAGES else None


def _work_type_name(wt, language: str | None):
    """SQL: a work type's name in the feed's language; the Dutch one where no English one is set."""
    if language == "en":
        return func.coalesce(func.nullif(wt.c.name_en, ""), wt.c.name_nl)
    return wt.c.name_nl


def local_now() -> dt.datetime:
    return dt.datetime.now(ZoneInfo(current_app.config.get("TIMEZONE", TZID)))


def local_today() -> dt.date:
    return local_now().date()


def changed_to_come(sequence: int, day: dt.date, today: dt.date) -> bool:
    """Not what the person was first told (a publication raised the shift's sequence), and still
    to come: the week page says "Dit is veranderd", the employee's calendar "Veranderd"."""
    return sequence > 0 and day >= today


def office_phone() -> str:
    """Binnenwerk's office number, given to employees on a day their team leader is away."""
    return (current_app.config.get("OFFICE_PHONE") or "").strip()


def contract_over(contract_end: dt.date | None, today: dt.date) -> bool:
    """The person's last working day has gone by: their feed and week page stop as an archived
    person's do. people.archive_ended_contracts archives them only as a team page opens, which
    may be days later, and a link's GET writes nothing; until then the links must not go on
    giving the calendar, the team leader's name and phone of someone who has left."""
    return contract_end is not None and contract_end < today


def window(today: dt.date) -> tuple[dt.date, dt.date]:
    """First and last day of the feed: 4 weeks back to 8 weeks ahead."""
    return today - dt.timedelta(weeks=WEEKS_BACK), today + dt.timedelta(weeks=WEEKS_AHEAD)


def _subject_filter(row):
    if row.kind == FeedKind.EMPLOYEE.value:
        return PublishedShift.employee_id == row.employee_id
    if row.kind == FeedKind.TEAM.value:
        return PublishedShift.team_id == row.team_id
    return PublishedShift.location_id == row.location_id


# --- absent leaders ---------------------------------------------------------------------------


def own_leader_order(team_since=Supervisor.team_since, pk=Supervisor.id):
    """ORDER BY terms that put a team's own leader first: of its active leaders, the one who has
    led it longest (team_since; empty, from before it was kept, counts as first), then the lowest
    id. NULLS FIRST is said, as PostgreSQL puts them last (SQLite first)."""
    return team_since.asc().nulls_first(), pk.asc()


def _own_leader_id(team_id):
    """SQL: the team's own leader, the one team_leaders() picks (there longest, active)."""
    own = Supervisor.__table__.alias("own_leader")
    return (
        select(own.c.id).where(own.c.team_id == team_id, own.c.archived.is_(False))
        .order_by(*own_leader_order(own.c.team_since, own.c.id)).limit(1)
        .correlate_except(own).scalar_subquery()
    )


def _leader_id(shifts):
    """SQL: who leads a shift: the leader it names, or else its team's own leader."""
    return func.coalesce(shifts.c.supervisor_id, _own_leader_id(shifts.c.team_id))


# Today, bound when a statement using _leader_is_away runs (the cached SQL holds no date).
LEADER_TODAY = "leader_today"


def _leader_is_away(leader_id, day, start_minute, end_minute):
    """SQL: the leader is absent that day for the whole day, or for part of these times; or the
    leader has been archived and the day is the day of archiving or later (today or later for a
    leader archived before that day was kept: bind LEADER_TODAY when running it).

    Part of the shift is enough: the leader cannot lead it, and a repair puts someone else on
    the whole day. An archived leader leads nobody any more: the days from the archiving on are
    told as an absent leader's, until the roster is repaired, and stay so once gone by (they
    were not there); days before it keep the history as it was.
    """
    away = Absence.__table__.alias("leader_away")
    archived = Supervisor.__table__.alias("leader_archived")
    return or_(
        exists().where(
            away.c.supervisor_id == leader_id,
            away.c.start_date <= day, away.c.end_date >= day,
            or_(away.c.start_minute.is_(None),
                and_(away.c.start_minute < end_minute, away.c.end_minute > start_minute)),
        ).correlate_except(away),
        exists().where(
            archived.c.id == leader_id, archived.c.archived.is_(True),
            day >= func.coalesce(archived.c.archived_on, bindparam(LEADER_TODAY, type_=Date)),
        ).correlate_except(archived),
    )


# --- absent people (location feeds) -------------------------------------------------------------


def _absent_during(employee_id, day, start_minute, end_minute):
    """SQL: the person is absent that day, the whole day or part of these times: the rule of
    services.rosters.absence_overlaps, by which the ministry's planning page (reports.ministry_plan)
    leaves them out. Only whether, never the kind."""
    away = Absence.__table__.alias("person_away")
    return exists().where(
        away.c.employee_id == employee_id,
        away.c.start_date <= day, away.c.end_date >= day,
        or_(away.c.start_minute.is_(None),
            and_(away.c.start_minute < end_minute, away.c.end_minute > start_minute)),
    ).correlate_except(away)


def _absence_changed(employee_id):
    """SQL: when an absence of the person in the feeds' weeks was last recorded, moved or removed
    (Employee.absence_changed_at, services.absences): a visit's count moves with it, so its stamp
    does. Any of the person's absences: a stamp moved needlessly makes a calendar look again,
    nothing more. Only the moment, never the kind."""
    emp = Employee.__table__.alias("counted_person")
    return select(emp.c.absence_changed_at).where(emp.c.id == employee_id).correlate_except(emp).scalar_subquery()


def _people_away(shifts, where, start, end):
    """SQL: for a location's feed, one text listing the absences, in the window, of the people of
    its shifts that go ahead (id, person, dates and times; never the kind), led by the newest
    moment one of them was recorded, changed or removed (see _latest_edit, _absence_changed).

    A person's absence changes a visit's number of people, not a shift, so the ETag takes this in,
    as it does a leader's (_leader_absences); the moment stamps the visits, so it is the feed's
    Last-Modified too. `where`: the location's shifts only; other feeds show no count."""
    away = Absence.__table__.alias("people_away")
    # On a day the person comes here: one at another place, or on a day off, is no visit's.
    told = exists().where(where, shifts.c.cancelled.is_(False), shifts.c.employee_id == away.c.employee_id,
                          shifts.c.date >= away.c.start_date, shifts.c.date <= away.c.end_date
                          ).correlate_except(shifts)
    empty, colon = literal_column("''", String), literal_column("':'", String)
    entry = cast(away.c.id, String)
    for column in (away.c.employee_id, away.c.start_date, away.c.end_date, away.c.start_minute,
                   away.c.end_minute):
        entry = entry + colon + func.coalesce(cast(column, String), empty)
    # Correlated like `where` (to the token in poll()).
    changed = (select(func.max(_absence_changed(shifts.c.employee_id)))
               .where(where, shifts.c.cancelled.is_(False)).correlate_except(shifts).scalar_subquery())
    return select(_edit_time(changed) + _EDITS_END + func.coalesce(_CommaJoined(entry), empty)).where(
        told, away.c.employee_id.is_not(None), away.c.end_date >= start, away.c.start_date <= end,
    )


class _CommaJoined(FunctionElement):
    """SQL: an aggregate joining texts with commas, in no particular order.

    func.aggregate_strings() does the same, but renders its separator into the SQL on every
    execution: about a tenth of a poll's time. SQLite and PostgreSQL, the app's two databases.
    """

    type = String()
    inherit_cache = True


@compiles(_CommaJoined)
def _comma_joined_postgresql(element, compiler, **kw):
    return f"string_agg({compiler.process(element.clauses, **kw)}, ',')"


@compiles(_CommaJoined, "sqlite")
def _comma_joined_sqlite(element, compiler, **kw):
    return f"group_concat({compiler.process(element.clauses, **kw)}, ',')"


class _DistinctCommaJoined(_CommaJoined):
    """SQL: _CommaJoined over the distinct texts only (a feed's sixty shifts at one place give
    its address once)."""

    inherit_cache = True


@compiles(_DistinctCommaJoined)
def _distinct_comma_joined_postgresql(element, compiler, **kw):
    return f"string_agg(DISTINCT {compiler.process(element.clauses, **kw)}, ',')"


@compiles(_DistinctCommaJoined, "sqlite")
def _distinct_comma_joined_sqlite(element, compiler, **kw):
    # SQLite takes no separator with DISTINCT; its own is the comma.
    return f"group_concat(DISTINCT {compiler.process(element.clauses, **kw)})"


class _Newest(FunctionElement):
    """SQL: the newest of two or more stored moments, leaving out NULL. The events' stamps are
    worked out in the query: a team feed's thousand rows cost less so than read and compared one
    by one. SQLite stores moments as ISO text, which sorts as they do."""

    type = DateTime()
    inherit_cache = True


@compiles(_Newest)
def _newest_postgresql(element, compiler, **kw):
    return f"GREATEST({compiler.process(element.clauses, **kw)})"  # leaves out NULL


@compiles(_Newest, "sqlite")
def _newest_sqlite(element, compiler, **kw):
    # SQLite's max() of two or more values is NULL when one is; '' sorts before any moment.
    values = ", ".join(f"coalesce({compiler.process(clause, **kw)}, '')" for clause in element.clauses)
    return f"nullif(max({values}), '')"


@lru_cache(maxsize=1)
def _shift_leader_is_away():
    """SQL: a published shift's leader is away during it. Built once: building takes longer than
    running it for a feed's sixty shifts."""
    ps = PublishedShift.__table__
    return _leader_is_away(_leader_id(ps), ps.c.date, ps.c.start_minute, ps.c.end_minute)


def _feed_leaders(shifts, where):
    """SQL: the ids of every leader a feed's shifts have: the one a shift names, or else any
    leader of its team (team_leaders() picks one of them)."""
    team_leader = Supervisor.__table__.alias("feed_team_leader")
    return select(func.coalesce(shifts.c.supervisor_id, team_leader.c.id)).select_from(
        shifts.outerjoin(team_leader, and_(shifts.c.supervisor_id.is_(None),
                                           team_leader.c.team_id == shifts.c.team_id))
    ).where(where).correlate_except(shifts, team_leader)


# Between the parts of one entry in _shown_texts and _leaders_shown: a character no form lets
# through, so moving text from one field to the next gives another entry. Written into the SQL.
_PART = literal_column("'\x1f'", String)


def _joined(*columns):
    """SQL: the columns as one text, _PART between them (an empty one where a column is NULL)."""
    empty = literal_column("''", String)
    texts = [func.coalesce(column if isinstance(column.type, String) else cast(column, String), empty)
             for column in columns]
    text = texts[0]
    for part in texts[1:]:
        text = text + _PART + part
    return text


# Between the newest edit time that leads a text of _shown_texts or _leaders_shown and the text's
# entries: a character no time holds.
_EDITS_END = literal_column("'\x1e'", String)


def _edit_time(column):
    """SQL: a stored moment as text, empty where NULL."""
    return func.coalesce(cast(column, String), literal_column("''", String))


def _latest_edit(listed: str | None) -> tuple[dt.datetime | None, str | None]:
    """The newest edit time leading a text of _shown_texts or _leaders_shown, and the text without
    it: the rows the feed's events name were edited no later than that (the feed's Last-Modified
    moves with an event's stamp)."""
    if listed is None:
        return None, None
    edited, _end, rest = listed.partition("\x1e")
    return (dt.datetime.fromisoformat(edited) if edited else None), rest


def _leaders_shown(shifts, where):
    """SQL: one text listing every leader the feed's shifts have (see _feed_leaders): id, name,
    phone, whether and since when archived, when edited and when their absences last changed; led
    by the newest of those moments (see _latest_edit).

    The feed names a leader and gives their phone; archiving a leader changes the text of the
    days to come (as an absence does). None of it changes a shift, so the ETag takes this in. A
    superset again: a leader of days gone by only, or a team's other leader. The edit times stamp
    the events (_stamp): a body that differs only in its stamps has another ETag."""
    leader = Supervisor.__table__.alias("feed_leader")
    return select(
        _edit_time(func.max(_Newest(leader.c.updated_at, leader.c.absence_changed_at))) + _EDITS_END
        + _CommaJoined(_joined(leader.c.id, leader.c.name, leader.c.phone, leader.c.archived,
                               leader.c.archived_on, leader.c.updated_at, leader.c.absence_changed_at))
    ).where(leader.c.id.in_(_feed_leaders(shifts, where)))


def _shown_texts(shifts, where):
    """SQL: one text listing what the feed's events show that is not the shift's own: the name
    and address of each place, the names of its work types (both languages), teams and people,
    and how to get in (the request's access instructions); with when each place, work type and
    request was edited, each team or person renamed and each team last left by a leader, and led
    by the newest of those moments (see _latest_edit).

    All are edited elsewhere (an admin gives a location a new address) without touching a shift,
    so the ETag takes them in: a phone asking with the ETag from before gets the new text, not
    304. One pass over the feed's shifts for the rows they refer to (a team's 900 shifts refer
    to some 15), whose texts are put together then. A superset: the people's names are shown in
    the team feed only, how to get in in the employee's only.
    """
    loc, wt, team = Location.__table__, WorkType.__table__, Team.__table__
    emp, req = Employee.__table__, DeploymentRequest.__table__
    empty = literal_column("''", String)
    # Correlated like `where` (to the token in poll()), not joined to it.
    used = select(shifts.c.location_id, shifts.c.work_type_id, shifts.c.team_id, shifts.c.employee_id,
                  shifts.c.request_id).where(where).distinct().correlate_except(shifts).subquery("feed_used")
    # The edit times of places and work types stamp the events too (as the request's does).
    entries = [
        literal_column("'l'", String) + _joined(loc.c.id, loc.c.name, loc.c.address, loc.c.postcode, loc.c.city,
                                                loc.c.updated_at),
        literal_column("'w'", String) + _joined(wt.c.id, wt.c.name_nl, wt.c.name_en, wt.c.updated_at),
        literal_column("'t'", String) + _joined(team.c.id, team.c.name, team.c.name_changed_at,
                                                team.c.leader_left_at),
        literal_column("'e'", String) + _joined(emp.c.id, emp.c.first_name, emp.c.last_name,
                                                emp.c.name_changed_at),
        # NULL for a shift without a request: left out of the list. Its edit time too: it stamps
        # the employee's events (_employee_shift_event), so a body that differs only in its
        # stamps has another ETag (any edit of the request: a poll gets 200, not 304).
        literal_column("'r'", String) + cast(req.c.id, String) + _PART + req.c.access_instructions
        + _PART + func.coalesce(cast(req.c.updated_at, String), ""),
    ]
    text = _edit_time(func.max(_Newest(loc.c.updated_at, wt.c.updated_at, req.c.updated_at, team.c.name_changed_at,
                                       team.c.leader_left_at, emp.c.name_changed_at))) + _EDITS_END
    text = text + func.coalesce(_DistinctCommaJoined(entries[0]), empty)
    for entry in entries[1:]:
        text = text + literal_column("','", String) + func.coalesce(_DistinctCommaJoined(entry), empty)
    return select(text).select_from(
        used.join(loc, loc.c.id == used.c.location_id)
        .join(wt, wt.c.id == used.c.work_type_id)
        .join(team, team.c.id == used.c.team_id)
        .join(emp, emp.c.id == used.c.employee_id)
        .outerjoin(req, req.c.id == used.c.request_id)
    )


def _leader_absences(shifts, where, start, end):
    """SQL: one text listing the absences, in the feed's window, of every leader its shifts have.

    A leader's absence changes the feed's text but no shift, so the ETag takes this in: an
    absence added, moved or removed changes the list (id, leader, dates and times). The list is a superset of what the text uses (a day without a shift, part of a day
    outside the shift), which costs at most a needless full answer. It holds no kind of absence.
    """
    away = Absence.__table__.alias("feed_absence")
    # Any leader of the team where a shift names nobody: team_leaders() picks one of them.
    leaders = _feed_leaders(shifts, where)

    # Constants written into the SQL, not bound: this runs on every poll.
    empty, colon = literal_column("''", String), literal_column("':'", String)
    # The leader's id too: SQLite hands a deleted last row's id to the next absence (of anyone).
    entry = cast(away.c.id, String)
    for column in (away.c.supervisor_id, away.c.start_date, away.c.end_date, away.c.start_minute,
                   away.c.end_minute):
        entry = entry + colon + func.coalesce(cast(column, String), empty)
    return select(_CommaJoined(entry)).where(
        away.c.supervisor_id.in_(leaders),
        away.c.end_date >= start, away.c.start_date <= end,
    )


def leader_away_now(supervisor: Supervisor | None, now: dt.datetime) -> bool:
    """The employee's own team leader is absent at this moment (the whole day, or just now)."""
    if supervisor is None:
        return False
    minute = now.hour * 60 + now.minute
    return bool(db.session.scalar(select(exists().where(
        Absence.supervisor_id == supervisor.id,
        Absence.start_date <= now.date(), Absence.end_date >= now.date(),
        or_(Absence.start_minute.is_(None), and_(Absence.start_minute <= minute, Absence.end_minute > minute)),
    ))))


def leader_absence_times(leader_ids, first: dt.date, last: dt.date) -> dict[int, list[tuple]]:
    """Per leader, their absences between these days as (start date, end date, start minute, end
    minute): when they are away, never why (the kind is not read). One query."""
    ids = sorted({i for i in leader_ids if i is not None})
    found: dict[int, list[tuple]] = {}
    if not ids:
        return found
    for row in db.session.execute(
        select(Absence.supervisor_id, Absence.start_date, Absence.end_date, Absence.start_minute, Absence.end_minute)
        .where(Absence.supervisor_id.in_(ids), Absence.start_date <= last, Absence.end_date >= first)
    ):
        found.setdefault(row[0], []).append(tuple(row[1:]))
    return found


def away_times(absences, day: dt.date, start_minute: int, end_minute: int) -> list[tuple[int, int]]:
    """The parts of a shift its leader is away, from their absences (leader_absence_times): the
    times within the shift, joined where they touch. Empty when the leader misses the whole shift
    (a whole day, absences covering all of it, or an archived leader, who has no absence): then
    Binnenwerk looks for someone else. A short appointment (14:00-15:00 in a 09:00-15:00 shift)
    is told as that, not as a day the leader is not there."""
    parts = []
    for first, last, start, end in absences or ():
        if not first <= day <= last:
            continue
        if start is None:
            return []
        start, end = max(start, start_minute), min(end, end_minute)
        if start < end:
            parts.append((start, end))
    joined: list[tuple[int, int]] = []
    for start, end in sorted(parts):
        if joined and start <= joined[-1][1]:
            joined[-1] = (joined[-1][0], max(joined[-1][1], end))
        else:
            joined.append((start, end))
    if joined == [(start_minute, end_minute)]:
        return []
    return joined


# --- conditional requests ---------------------------------------------------------------------


@dataclass(frozen=True)
class Fingerprint:
    etag: str
    last_modified: dt.datetime  # aware, UTC


def _in_any_order(listed: str | None) -> str:
    """A text aggregated in no particular order, in one order."""
    return ",".join(sorted((listed or "").split(",")))


def _fingerprint(token_id: int, created_at, today: dt.date, count: int, latest, absences,
                 leaders=None, language: str | None = None, shown=None,
                 contract_end: dt.date | None = None, people_away: str | None = None) -> Fingerprint:
    # The day is part of it: the window moves daily, and a changed shift's "Veranderd" goes when
    # its day has passed. Leaders' absences are part of it too (see _leader_absences), as are the
    # leaders themselves (_leaders_shown) and the texts the events show (_shown_texts): they
    # change the text, not the shifts.
    if isinstance(latest, str):  # an aggregate may come back from SQLite as text
        latest = dt.datetime.fromisoformat(latest)
    latest = max(latest or created_at, created_at)
    raw = f"{FORMAT_VERSION}|{token_id}|{today.isoformat()}|{count}|{latest.isoformat()}|{_in_any_order(absences)}"
    if leaders:  # see _leaders_shown
        raw += "|leaders:" + _in_any_order(leaders)
    if shown:  # see _shown_texts
        raw += "|shown:" + _in_any_order(shown)
    office = office_phone()
    if office:  # the employee's text on a leader's away day gives it: a new number is a new text
        raw += "|office:" + office
    if language:  # another language is another text; Dutch (None) leaves every ETag as it was
        raw += "|lang:" + language
    if contract_end is not None:  # the employee's last day and the days after it say so
        raw += "|end:" + contract_end.isoformat()
    if people_away:  # a location's visits count people (see _people_away)
        raw += "|away:" + _in_any_order(people_away)
    etag = hashlib.sha256(raw.encode()).hexdigest()[:32]
    return Fingerprint(etag=etag, last_modified=latest.replace(tzinfo=dt.timezone.utc, microsecond=0))


def _shown(subject_name, texts) -> str:
    """What _fingerprint takes as `shown`: the calendar's name and the events' texts."""
    return "n" + (subject_name or "") + "," + (texts or "")


def fingerprint(row: CalendarToken, today: dt.date | None = None, language: str | None = None) -> Fingerprint:
    """The feed's version from one aggregate query over its shifts, without rendering anything."""
    today = today or local_today()
    start, end = window(today)
    ps, team, loc = PublishedShift.__table__, Team.__table__, Location.__table__
    own = and_(_subject_filter(row), ps.c.date >= start, ps.c.date <= end)
    # The name in the calendar's own name: a team's or a location's (none for an employee's).
    named = func.coalesce(select(team.c.name).where(team.c.id == row.team_id).scalar_subquery(),
                          select(loc.c.name).where(loc.c.id == row.location_id).scalar_subquery())
    # Only a location's visits count people (see _people_away).
    people_away = (_people_away(ps, own, start, end).correlate(None).scalar_subquery()
                   if row.kind == FeedKind.LOCATION.value else literal_column("NULL", String))
    count, latest, absences, leaders, texts, subject_name, away = db.session.execute(
        select(func.count(ps.c.id), func.max(ps.c.updated_at),
               _leader_absences(ps, own, start, end).correlate(None).scalar_subquery(),
               _leaders_shown(ps, own).correlate(None).scalar_subquery(),
               _shown_texts(ps, own).correlate(None).scalar_subquery(),
               named, people_away).where(own)
    ).one()
    contract_end = row.employee.contract_end if row.kind == FeedKind.EMPLOYEE.value else None
    return _fingerprint_of(row.id, row.created_at, today, count, latest, absences, leaders, language,
                           subject_name, texts, contract_end, away)


def _fingerprint_of(token_id: int, created_at, today: dt.date, count: int, latest, absences, leaders,
                    language: str | None, subject_name, texts, contract_end: dt.date | None = None,
                    people_away: str | None = None) -> Fingerprint:
    """_fingerprint of what the query of fingerprint() or poll() found: the newest edit of a
    place, work type, request or leader the events name, or change of a location's people's
    absences (_people_away), counts as the feed's latest change (the events' stamps take them in)."""
    leaders_edited, leaders = _latest_edit(leaders)
    texts_edited, texts = _latest_edit(texts)
    away_changed, people_away = _latest_edit(people_away)
    if isinstance(latest, str):  # an aggregate may come back from SQLite as text
        latest = dt.datetime.fromisoformat(latest)
    edits = [moment for moment in (latest, leaders_edited, texts_edited, away_changed) if moment is not None]
    return _fingerprint(token_id, created_at, today, count, max(edits) if edits else None, absences, leaders,
                        language, _shown(subject_name, texts), contract_end, people_away)


@lru_cache(maxsize=1)
def _poll_statement():
    """Token, subject state, the feed's shift count and latest change, its leaders (and their
    absences) and the texts its events show, in one query.

    Built once: a phone polls every hour, so this is the hot path. Exactly one subject column of
    the token is set; comparing with the other two (NULL) is never true, so the OR picks the
    subject's shifts whatever the kind.
    """
    ct, ps = CalendarToken.__table__, PublishedShift.__table__
    emp, team, loc = Employee.__table__, Team.__table__, Location.__table__
    in_window = (ps.c.date >= bindparam("start", type_=Date), ps.c.date <= bindparam("end", type_=Date))
    own = and_(
        or_(ps.c.employee_id == ct.c.employee_id, ps.c.team_id == ct.c.team_id,
            ps.c.location_id == ct.c.location_id),
        *in_window,
    )
    return (
        select(
            ct.c.id, ct.c.nonce, ct.c.created_at, ct.c.revoked_at,
            emp.c.archived.label("employee_archived"), emp.c.anonymised_at, emp.c.contract_end,
            team.c.archived.label("team_archived"), loc.c.archived.label("location_archived"),
            select(func.count(ps.c.id)).where(own).correlate(ct).scalar_subquery().label("shift_count"),
            select(func.max(ps.c.updated_at)).where(own).correlate(ct).scalar_subquery().label("latest"),
            _leader_absences(ps, own, bindparam("start", type_=Date), bindparam("end", type_=Date))
            .correlate(ct).scalar_subquery().label("absences"),
            _leaders_shown(ps, own).correlate(ct).scalar_subquery().label("leaders"),
            _shown_texts(ps, own).correlate(ct).scalar_subquery().label("texts"),
            # NULL location for the other kinds: no shift, an empty list (see _people_away).
            _people_away(ps, and_(ps.c.location_id == ct.c.location_id, *in_window),
                         bindparam("start", type_=Date), bindparam("end", type_=Date))
            .correlate(ct).scalar_subquery().label("people_away"),
            func.coalesce(team.c.name, loc.c.name).label("subject_name"),
        )
        .select_from(
            ct.outerjoin(emp, emp.c.id == ct.c.employee_id)
            .outerjoin(team, team.c.id == ct.c.team_id)
            .outerjoin(loc, loc.c.id == ct.c.location_id)
        )
        .where(ct.c.token_hash == bindparam("token_hash"))
    )


def poll(token: str, today: dt.date | None = None,
         language: str | None = None) -> tuple[int, Fingerprint] | None:
    """(token id, fingerprint) of a live feed token from one query; None when unknown, revoked,
    derived with another SECRET_KEY or its subject archived (or an employee whose contract has
    ended, see contract_over). `language`: see feed_language()."""
    if not isinstance(token, str) or not tokens.TOKEN_RE.match(token):
        return None
    today = today or local_today()
    start, end = window(today)
    # A bare connection, not the ORM session: nothing here needs identity or a unit of work.
    with db.engine.connect() as conn:
        found = conn.execute(
            _poll_statement(), {"token_hash": tokens.hash_token(token), "start": start, "end": end}
        ).first()
    if found is None or found.revoked_at is not None:
        return None
    if found.employee_archived or found.anonymised_at or found.team_archived or found.location_archived:
        return None
    if contract_over(found.contract_end, today):
        return None
    if not hmac.compare_digest(tokens.derive(found.nonce), token):
        return None
    return found.id, _fingerprint_of(found.id, found.created_at, today, found.shift_count, found.latest,
                                     found.absences, found.leaders, language, found.subject_name, found.texts,
                                     found.contract_end, found.people_away)


# --- loading ----------------------------------------------------------------------------------


def load_shifts(row: CalendarToken, start: dt.date, end: dt.date, today: dt.date | None = None,
                language: str | None = None) -> list:
    """The feed's shifts as plain rows with what the events need, in one joined Core query.

    Plain rows, not ORM objects: a team feed has up to a thousand shifts. Employee names are
    selected for the team feed only; how to get in (the request's access instructions, as the
    ministry wrote them, as the week page shows them: on a day gone by as told then, where kept,
    see request_history) and whether a change was of the leader only or of the way in only, for
    the employee feed only. Each row's `stamp`: see _stamp.
    """
    ps, loc, wt = PublishedShift.__table__, Location.__table__, WorkType.__table__
    sup, team, emp = Supervisor.__table__, Team.__table__, Employee.__table__
    req = DeploymentRequest.__table__
    columns = [
        ps.c.id, ps.c.uid, ps.c.date, ps.c.start_minute, ps.c.end_minute, ps.c.break_minutes, ps.c.sequence,
        ps.c.cancelled, ps.c.team_id, ps.c.location_id, ps.c.work_type_id, ps.c.supervisor_id,
        loc.c.name.label("location_name"), loc.c.address, loc.c.postcode, loc.c.city,
        _work_type_name(wt, language).label("work_type_name"), team.c.name.label("team_name"),
        sup.c.name.label("supervisor_name"), sup.c.phone.label("supervisor_phone"),
        _shift_leader_is_away().label("leader_away"),
    ]
    # What the event's text names (see _stamp): a called-off one names no leader (nor whether they
    # are there), and the employee's no place or way in either (it is a day off).
    named = (wt.c.updated_at, loc.c.updated_at, sup.c.updated_at, sup.c.absence_changed_at)
    called_off = (wt.c.updated_at, loc.c.updated_at)
    joins = (
        ps.join(loc, loc.c.id == ps.c.location_id)
        .join(wt, wt.c.id == ps.c.work_type_id)
        .join(team, team.c.id == ps.c.team_id)
        .outerjoin(sup, sup.c.id == ps.c.supervisor_id)
    )
    if row.kind == FeedKind.TEAM.value:
        columns += [emp.c.first_name, emp.c.last_name]
        joins = joins.join(emp, emp.c.id == ps.c.employee_id)
        named, called_off = named + (emp.c.name_changed_at,), called_off + (emp.c.name_changed_at,)
    elif row.kind == FeedKind.EMPLOYEE.value:
        kept = RequestDayAsked.__table__
        columns += [ps.c.leader_only, ps.c.access_only,
                    func.coalesce(kept.c.access_instructions, req.c.access_instructions).label("access_instructions")]
        # Days to come (today too) read the request; a kept entry is always of a day gone by, the
        # condition only says so. The ETag needs nothing more: a kept text is written only with an
        # edit of its request, whose text and edit time it takes in (_shown_texts).
        joins = joins.outerjoin(req, req.c.id == ps.c.request_id).outerjoin(kept, and_(
            kept.c.request_id == ps.c.request_id, kept.c.date == ps.c.date,
            ps.c.date < bindparam(LEADER_TODAY, type_=Date)))
        named, called_off = named + (req.c.updated_at,), (wt.c.updated_at,)
    columns.append(case((ps.c.cancelled, _Newest(ps.c.updated_at, *called_off)),
                        else_=_Newest(ps.c.updated_at, *named)).label("stamp"))
    return list(db.session.execute(
        select(*columns)
        .select_from(joins)
        .where(_subject_filter(row), ps.c.date >= start, ps.c.date <= end)
        .order_by(ps.c.date, ps.c.start_minute, ps.c.id),
        {LEADER_TODAY: today or local_today()},
    ))


def team_leaders(team_ids) -> dict[int, Supervisor]:
    """Each team's own team leader: of its active leaders the one there longest (own_leader_order),
    the employees' fixed leader and who to call when a shift names nobody."""
    ids = sorted(set(team_ids))
    if not ids:
        return {}
    leaders: dict[int, Supervisor] = {}
    for supervisor in db.session.scalars(
        select(Supervisor)
        .where(Supervisor.team_id.in_(ids), Supervisor.archived.is_(False))
        .order_by(*own_leader_order())
    ):
        leaders.setdefault(supervisor.team_id, supervisor)
    return leaders


def _team_leaders_and_edits(team_ids) -> tuple[dict[int, Supervisor], dict[int, dt.datetime]]:
    """team_leaders(), and when each team's leaders were last edited or their absences changed
    (archived ones too), or a leader last left the team: in one query. The newest of those stamps
    the events of shifts naming nobody (see _stamp)."""
    ids = sorted(set(team_ids))
    leaders: dict[int, Supervisor] = {}
    edits: dict[int, dt.datetime] = {}
    if not ids:
        return leaders, edits
    for team_id, left, supervisor in db.session.execute(
        select(Team.id, Team.leader_left_at, Supervisor)
        .outerjoin(Supervisor, Supervisor.team_id == Team.id)
        .where(Team.id.in_(ids)).order_by(*own_leader_order())
    ):
        moments = [left]
        if supervisor is not None:
            if not supervisor.archived:
                leaders.setdefault(team_id, supervisor)
            moments += [supervisor.updated_at, supervisor.absence_changed_at]
        for moment in moments:
            edited = edits.get(team_id)
            if moment is not None and (edited is None or moment > edited):
                edits[team_id] = moment
    return leaders, edits


def leader_of(shift, leaders: dict[int, Supervisor]) -> Supervisor | None:
    """A PublishedShift's supervising leader that day, or else the team's own leader."""
    return shift.supervisor or leaders.get(shift.team_id)


@dataclass(frozen=True)
class Leader:
    id: int
    name: str
    phone: str


def _leader_of_row(shift, leaders: dict[int, Supervisor]) -> Leader | None:
    if shift.supervisor_id is not None and shift.supervisor_name is not None:
        return Leader(shift.supervisor_id, shift.supervisor_name, shift.supervisor_phone or "")
    fallback = leaders.get(shift.team_id)
    return Leader(fallback.id, fallback.name, fallback.phone or "") if fallback else None


# --- writing ------------------------------------------------------------------------------------
#
# Events are written as content lines here rather than through icalendar's Event objects: those
# cost about 0.4 ms an event, and a 12-week feed must render in well under 20 ms. The tests read
# every feed back with icalendar and vobject.

# Control characters other than tab and newline are not allowed in a TEXT value.
# C1 controls too; NEL and Unicode's line and paragraph separators are line breaks (text stored
# before the forms read them so: formatting.without_controls).
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")
_OTHER_LINE_BREAKS = re.compile("[\x85\u2028\u2029]")


def escape_text(text: str) -> str:
    """A TEXT value (RFC 5545, 3.3.11): backslash, semicolon, comma and newline escaped."""
    text = str(text).replace("\r\n", "\n").replace("\r", "\n")
    if _CONTROL.search(text):
        text = _CONTROL.sub("", _OTHER_LINE_BREAKS.sub("\n", text))
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def fold(line: str) -> bytes:
    """One content line as bytes, folded at 75 octets (RFC 5545, 3.1), never inside a character."""
    data = line.encode("utf-8")
    if len(data) <= 75:
        return data + b"\r\n"
    parts, start, limit = [], 0, 75
    while len(data) - start > limit:
        cut = start + limit
        while data[cut] & 0xC0 == 0x80:  # a UTF-8 continuation byte: step back to the character start
            cut -= 1
        parts.append(data[start:cut])
        start, limit = cut, 74  # a continuation line starts with one space
    parts.append(data[start:])
    return b"\r\n ".join(parts) + b"\r\n"


def _local(day: dt.date, minute: int) -> str:
    # Wall-clock time in Europe/Amsterdam; 24:00 is midnight at the start of the next day.
    return _wall_clock(day, minute).strftime("%Y%m%dT%H%M%S")


_FEED_ZONE = ZoneInfo(TZID)  # the zone of the VTIMEZONE written: its rules, not the app's setting


def _exists(local: dt.datetime) -> bool:
    """The wall-clock time is shown by a clock that day: not inside the hour skipped when the
    clocks go forward (zoneinfo gives such a time another time back)."""
    there = local.replace(tzinfo=_FEED_ZONE)
    return there.astimezone(dt.timezone.utc).astimezone(_FEED_ZONE).replace(tzinfo=None) == local


def _wall_clock(day: dt.date, minute: int) -> dt.datetime:
    """The event's local time: the stored time, or for one the clocks skip (02:30 on the night
    they go forward, stored before requests refused it) the first time after the gap (03:00).
    RFC 5545 (3.3.5) reads a skipped time with the offset before the gap, so a phone would show
    03:30, an hour after the 02:30 the week page says; no work can start while no clock shows it."""
    local = dt.datetime.combine(day, dt.time()) + dt.timedelta(minutes=minute)
    if _exists(local):
        return local
    while not _exists(local):  # a gap is an hour at most: sixty steps, on two nights a year
        local += dt.timedelta(minutes=1)
    return local


def _skipped_note(texts: "_Texts", day: dt.date, *minutes: int) -> str | None:
    """A line for an event whose stored times the clocks skip: the times it says (the week
    page's) and the time the calendar shows instead."""
    for minute in minutes:
        shown = _wall_clock(day, minute)
        if shown != dt.datetime.combine(day, dt.time()) + dt.timedelta(minutes=minute):
            return texts.clock_forward % {"time": minutes_to_hhmm(minute), "real": shown.strftime("%H:%M")}
    return None


def _utc_stamp(moment: dt.datetime) -> str:
    # Stored datetimes are naive UTC (models.utcnow).
    return moment.strftime("%Y%m%dT%H%M%SZ")


def _stamp(row, edits: dict[int, dt.datetime], *, leader_line: bool, says_change: bool = False,
           text_edited: dt.datetime | None = None) -> dt.datetime:
    """An event's DTSTAMP and LAST-MODIFIED: the newest of its own change (the shift's; a visit's
    day's, see load_visits) and the edits of the rows its text names: its work type, place
    and leader, and how to get in, the renaming of its team (a visit) or person (the team feed),
    and a change of its leader's absences (the line says whether they are there); the query gives
    that as `stamp` (_Newest). For an event with a leader line whose shift names nobody, the
    newest edit or change of absences of any of its team's leaders, or the last time a leader left
    the team (`edits`, archived ones too: archiving or moving the team's own leader puts another
    in the line, or none), the superset the ETag takes in (_feed_leaders).

    An admin renaming a place, a work type or a team leader changes the event's text, not the
    shift: LAST-MODIFIED is when the event's information was last revised (RFC 5545, 3.8.7.3),
    and a calendar app may keep the old text of an event whose stamps and SEQUENCE all stayed.
    SEQUENCE stays, as for an edit of how to get in: it counts publications that changed the
    shift (times, place, leader, called off), says "Veranderd" when above 0 (changed_to_come),
    and a renamed place is no new time or place to come to. A new address (street, postcode or
    city) is: services.access_told.tell_place_changed tells it as a change of place, SEQUENCE and all.

    An absent leader's line changes once its day has gone by (nobody is sought any more): its
    stamp is then at least the next day's start. So does an employee's event that `says_change`
    ("Veranderd", changed_to_come): the words go once its day has passed.

    `text_edited`: when something else its text says was last changed (the person's contract's
    end, for their last day and the days after it), if later.
    """
    stamp = row.stamp
    if text_edited is not None and text_edited > stamp:
        stamp = text_edited
    if leader_line and row.supervisor_id is None:
        edited = edits.get(row.team_id)
        if edited is not None and edited > stamp:
            stamp = edited
    if (says_change or (leader_line and getattr(row, "leader_away", False))) and row.date < local_today():
        zone = ZoneInfo(current_app.config.get("TIMEZONE", TZID))
        next_day = dt.datetime.combine(row.date + dt.timedelta(days=1), dt.time(), zone)
        stamp = max(stamp, next_day.astimezone(dt.timezone.utc).replace(tzinfo=None))
    return stamp


class _Texts:
    """The feed's Dutch phrases, translated once per feed instead of once per event."""

    def __init__(self, kind: str):
        self.work = _("Werk: %(work_type)s")
        self.employee = _("Medewerker: %(name)s")
        self.times = _("Tijd: %(start)s tot %(end)s")
        self.no_break = _("Pauze: geen")
        self.break_ = _("Pauze: %(n)d minuten")
        self.where = _("Waar: %(place)s")
        self.leader_phone = _("Teamleider: %(name)s, telefoon %(phone)s")
        self.leader = _("Teamleider: %(name)s")
        # A leader absent that day: no phone to call. The employee reads what the week page
        # says; the team's own leader (staff) still sees who it is; the ministry gets no name.
        self.kind = kind
        self.employee_leader_away = _("Je teamleider is er die dag niet. Binnenwerk zoekt iemand anders.")
        if kind == FeedKind.EMPLOYEE.value:
            self._employee_texts()
        self.team_leader_away = _("Teamleider: %(name)s (afwezig)")
        self.location_leader_away = _("Teamleider: afwezig, Binnenwerk zoekt een vervanger")
        # On a day gone by nobody is sought any more (the ministry's plan says the same).
        self.location_leader_away_past = _("Teamleider: afwezig")
        self.employee_leader_away_past = _("Je teamleider was er die dag niet.")
        self.today = local_today()
        self.cancelled = _("Gaat niet door (%(what)s)")  # "what" holds a colon of its own: "Werk: ..."
        # Every feed's reader ("je" and "u" alike): no pronoun.
        self.clock_forward = _("Die nacht gaat de klok een uur vooruit: %(time)s bestaat dan niet. "
                               "Daarom staat hier %(real)s.")
        self.team = _("Team: %(team)s")
        self.people = _("Aantal personen: %(n)d")
        self._places: dict[int, str] = {}
        self._leaders: dict[int, str | None] = {}

    def _employee_texts(self) -> None:
        # The employee's own words, as the week page says them (B1): a change first, a called-off
        # day as a day off, and on a leader's away day a number to call (the office's).
        office = office_phone()
        self.office_call = _("Ben je ziek of heb je een vraag? Bel dan Binnenwerk: %(phone)s.",
                             phone=office) if office else ""
        if office:
            self.employee_leader_away += " " + self.office_call
        # Away for part of the shift (an appointment): when, not that someone else is sought.
        self.employee_leader_away_part = _("Je teamleider is er die dag van %(start)s tot %(end)s niet.")
        self.employee_leader_away_part_past = _("Je teamleider was er die dag van %(start)s tot %(end)s niet.")
        self.changed_summary = _("Veranderd: %(work_type)s")
        self.changed = _("Let op: dit is veranderd. Kijk goed hoe laat en waar je werkt.")
        self.changed_leader = _("Let op: dit is veranderd. Je hebt die dag een andere teamleider. "
                                "Je tijd en je plek blijven hetzelfde.")
        # Only the way in changed (access_only): its new text follows on the "Zo kom je binnen" line.
        self.changed_access = _("Let op: dit is veranderd. Je komt op een andere manier binnen.")
        self.read_how_below = _("Lees hieronder hoe.")
        self.changed_access_gone = _("Let op: dit is veranderd. Er staat geen uitleg meer bij hoe je binnenkomt.")
        self.changed_other_leader = _("Je hebt die dag ook een andere teamleider.")
        self.day_off_summary = _("Vrij: je werk gaat niet door (%(work_type)s)")
        self.day_off = _("Je hoeft deze dag niet te werken.")
        # Around the contract's end, the week page's words: the last day says it is the last, a
        # day after it without work is no day off, the person no longer works here.
        self.last_day = _("Dit is je laatste werkdag bij Binnenwerk.")
        self.after_end_summary = _("Geen werk meer (%(work_type)s)")
        self.after_end = _("Geen werk meer.") + " " + _("Je werkt dan niet meer bij Binnenwerk.")
        self.how_to_get_in = _("Zo kom je binnen: %(how)s")

    def employee_away_line(self, parts: list[tuple[int, int]], day: dt.date | None = None) -> str:
        """The employee's line on a day their leader is away: the times of each part (away_times),
        or for the whole shift that someone else is sought (on a day gone by, that they were not
        there); the office's number with either."""
        gone_by = self._gone_by(day)
        if not parts:
            return self.employee_leader_away_past if gone_by else self.employee_leader_away
        part = self.employee_leader_away_part_past if gone_by else self.employee_leader_away_part
        said = [part % {"start": minutes_to_hhmm(start), "end": minutes_to_hhmm(end)} for start, end in parts]
        return " ".join(said + ([self.office_call] if self.office_call and not gone_by else []))

    def place(self, shift) -> str:
        if shift.location_id not in self._places:
            self._places[shift.location_id] = name_and_address(
                shift.location_name, shift.address, shift.postcode, shift.city)
        return self._places[shift.location_id]

    def _gone_by(self, day: dt.date | None) -> bool:
        return day is not None and day < self.today

    def leader_line(self, leader: Leader | None, away: bool = False, day: dt.date | None = None) -> str | None:
        if leader is None:
            return None
        if away:
            if self.kind == FeedKind.EMPLOYEE.value:
                return self.employee_leader_away_past if self._gone_by(day) else self.employee_leader_away
            if self.kind == FeedKind.TEAM.value:
                return self.team_leader_away % {"name": leader.name}
            return self.location_leader_away_past if self._gone_by(day) else self.location_leader_away
        if leader.id not in self._leaders:
            if leader.phone:
                self._leaders[leader.id] = self.leader_phone % {"name": leader.name, "phone": leader.phone}
            else:
                self._leaders[leader.id] = self.leader % {"name": leader.name}
        return self._leaders[leader.id]

    def times_line(self, start_minute: int, end_minute: int) -> str:
        return self.times % {"start": minutes_to_hhmm(start_minute), "end": minutes_to_hhmm(end_minute)}

    def break_line(self, minutes: int) -> str:
        return self.break_ % {"n": minutes} if minutes else self.no_break


# Europe/Amsterdam as one yearly rule each way: summer time from the last Sunday of March at 02:00
# to the last Sunday of October at 03:00 (EU rule since 1996). Outlook for Windows reads a
# VTIMEZONE as one yearly rule, from DTSTART, RRULE and the offsets only ([MS-STANOICAL]
# 2.2.47): icalendar's from_tzid() lists every change as an RDATE beside a placeholder STANDARD,
# which Outlook shows an hour off in summer. Outlook, Google and Apple all read this form; the
# tests check it against zoneinfo for 2020-2040. Written out, as the events are.
VTIMEZONE = b"".join(line.encode() + b"\r\n" for line in (
    "BEGIN:VTIMEZONE",
    f"TZID:{TZID}",
    "BEGIN:STANDARD",
    "DTSTART:19701025T030000",
    "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
    "TZOFFSETFROM:+0200",
    "TZOFFSETTO:+0100",
    "TZNAME:CET",
    "END:STANDARD",
    "BEGIN:DAYLIGHT",
    "DTSTART:19700329T020000",
    "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
    "TZOFFSETFROM:+0100",
    "TZOFFSETTO:+0200",
    "TZNAME:CEST",
    "END:DAYLIGHT",
    "END:VTIMEZONE",
))


def calendar_name(row: CalendarToken) -> str:
    if row.kind == FeedKind.EMPLOYEE.value:
        return _("Binnenwerk: mijn werk")
    if row.kind == FeedKind.TEAM.value:
        return _("Binnenwerk: %(team)s", team=row.team.name)
    return _("Binnenwerk: teams op %(location)s", location=row.location.name)


def _header(row: CalendarToken) -> list[bytes]:
    return [
        b"BEGIN:VCALENDAR\r\n",
        b"VERSION:2.0\r\n",
        fold(f"PRODID:{PRODID}"),
        b"CALSCALE:GREGORIAN\r\n",
        b"METHOD:PUBLISH\r\n",
        fold(f"X-WR-CALNAME:{escape_text(calendar_name(row))}"),
        fold(f"X-WR-TIMEZONE:{TZID}"),
        b"REFRESH-INTERVAL;VALUE=DURATION:PT1H\r\n",
        b"X-PUBLISHED-TTL:PT1H\r\n",
        VTIMEZONE,
    ]


def _event(out: list[bytes], texts: _Texts, *, uid: str, sequence: int, cancelled: bool, day: dt.date,
           start_minute: int, end_minute: int, updated_at: dt.datetime, summary: str, location: str | None,
           lines: list[str | None], final_summary: bool = False) -> None:
    """One VEVENT. A cancelled event's summary says "Gaat niet door (...)" unless `final_summary`
    (the employee's own words); an event without `location` has no LOCATION."""
    stamp = _utc_stamp(updated_at)
    if cancelled and not final_summary:
        summary = texts.cancelled % {"what": summary}
    skipped = _skipped_note(texts, day, start_minute, end_minute)
    if skipped:
        lines = [*lines, skipped]
    out += [
        b"BEGIN:VEVENT\r\n",
        fold(f"UID:{escape_text(uid)}"),
        fold(f"DTSTAMP:{stamp}"),
        fold(f"LAST-MODIFIED:{stamp}"),
        fold(f"DTSTART;TZID={TZID}:{_local(day, start_minute)}"),
        fold(f"DTEND;TZID={TZID}:{_local(day, end_minute)}"),
        fold(f"SEQUENCE:{int(sequence)}"),
        b"STATUS:CANCELLED\r\n" if cancelled else b"STATUS:CONFIRMED\r\n",
        b"TRANSP:TRANSPARENT\r\n" if cancelled else b"TRANSP:OPAQUE\r\n",
        fold(f"SUMMARY:{escape_text(summary)}"),
    ]
    if location:
        out.append(fold(f"LOCATION:{escape_text(location)}"))
    out += [
        fold(f"DESCRIPTION:{escape_text(chr(10).join(line for line in lines if line))}"),
        b"END:VEVENT\r\n",
    ]


def _leader_line(texts: _Texts, row, leaders, *, cancelled: bool) -> str | None:
    # A called-off shift or visit names no team leader, as the week page shows none for it:
    # nobody is led there, nor does a stand-in come ("someone else comes" would only confuse).
    # Nor could the line stay as told: who leads and whether they are away change while no
    # publication touches the event again, so its SEQUENCE stays, and a calendar app may keep
    # its old text of an event whose SEQUENCE did not rise.
    if cancelled:
        return None
    return texts.leader_line(_leader_of_row(row, leaders), away=bool(row.leader_away), day=row.date)


def _away_leaders_absences(shifts, leaders, start: dt.date, end: dt.date) -> dict[int, list[tuple]]:
    """leader_absence_times() of the leaders away during one of these shifts: none queried when
    nobody is (the usual feed)."""
    away = [_leader_of_row(s, leaders) for s in shifts if s.leader_away and not s.cancelled]
    return leader_absence_times([leader.id for leader in away if leader is not None], start, end)


def _employee_leader_line(texts: _Texts, shift, leaders, absences) -> str | None:
    """The employee's leader line: the leader, or on a day they are away for part of the shift
    the times they are away (the week page's words), or for all of it that someone else is sought."""
    leader = _leader_of_row(shift, leaders)
    if leader is None or not shift.leader_away:
        return _leader_line(texts, shift, leaders, cancelled=False)
    parts = away_times(absences.get(leader.id), shift.date, shift.start_minute, shift.end_minute)
    return texts.employee_away_line(parts, shift.date)


def _employee_shift_event(out, texts: _Texts, shift, leaders, edits, today: dt.date, *,
                          own_leader_id: int | None = None, absences=None,
                          contract_end: dt.date | None = None, end_edited: dt.datetime | None = None) -> None:
    """An employee's own shift, in the words of the week page: a called-off one as a day off (no
    time, break or place: nothing to come to), a changed one still to come saying so first (the
    week page's rule, changed_to_come), and how to get in as the ministry wrote it.

    `own_leader_id`: the person's own team leader; a changed day led by another (and not only
    that: leader_only) says so; one whose way in changed and nothing else (access_only) says that.
    `absences`: see _away_leaders_absences. `contract_end`: the person's last working day: the
    last day and the days after it say so (the week page's Day.last_day and Day.after_end);
    `end_edited`: when it was last set or changed (_contract_end_edited)."""
    work_type = shift.work_type_name
    common = dict(uid=shift.uid, sequence=shift.sequence, cancelled=shift.cancelled, day=shift.date,
                  start_minute=shift.start_minute, end_minute=shift.end_minute, final_summary=True)
    last_day = contract_end is not None and shift.date == contract_end
    after_end = contract_end is not None and shift.date > contract_end
    # The end is set without touching the last day's shift: its text changes all the same. Every
    # event takes it: when the end moves, the former last day's text changes too, and which day
    # that was is not kept.
    ended = end_edited
    if shift.cancelled and after_end:  # not a day off: they no longer work here
        _event(out, texts, **common, updated_at=_stamp(shift, edits, leader_line=False, text_edited=ended),
               summary=texts.after_end_summary % {"work_type": work_type}, location=None, lines=[texts.after_end])
        return
    if shift.cancelled:  # names the work type only
        _event(out, texts, **common, updated_at=_stamp(shift, edits, leader_line=False, text_edited=ended),
               summary=texts.day_off_summary % {"work_type": work_type}, location=None,
               lines=[texts.last_day if last_day else None, texts.day_off])
        return
    work = texts.work % {"work_type": work_type}
    place = texts.place(shift)
    changed = changed_to_come(shift.sequence, shift.date, today)
    change_line = None
    instructions = (shift.access_instructions or "").strip()
    if changed and shift.access_only:
        # Time, place and leader as first told: the week page's words, and instructions taken
        # away leave nothing below to read: that is said instead.
        change_line = f"{texts.changed_access} {texts.read_how_below}" if instructions else texts.changed_access_gone
    elif changed:
        change_line = texts.changed_leader if shift.leader_only else texts.changed
        leader = _leader_of_row(shift, leaders)
        if not shift.leader_only and not shift.leader_away and leader is not None and leader.id != own_leader_id:
            change_line += " " + texts.changed_other_leader
    # The ministry edits how to get in on its request, not on the shift: the shifts to come get a
    # higher SEQUENCE for it (services.access_told), and the stamp says the text is newer, as for a
    # renamed place, work type or leader (see _stamp). A day gone by says what was told then
    # (load_shifts: request_history keeps it).
    _event(
        out, texts, **common,
        updated_at=_stamp(shift, edits, leader_line=True, says_change=shift.sequence > 0, text_edited=ended),
        summary=texts.changed_summary % {"work_type": work_type} if changed else work,
        location=place,
        lines=[
            change_line,
            texts.last_day if last_day else None,
            work,
            texts.times_line(shift.start_minute, shift.end_minute),
            texts.break_line(shift.break_minutes),
            texts.where % {"place": place},
            texts.how_to_get_in % {"how": instructions} if instructions else None,
            _employee_leader_line(texts, shift, leaders, absences or {}),
        ],
    )


def _shift_event(out, texts: _Texts, shift, leaders, edits, *, with_name: bool) -> None:
    work = texts.work % {"work_type": shift.work_type_name}
    place = texts.place(shift)
    name = f"{shift.first_name} {shift.last_name}" if with_name else None
    _event(
        out, texts,
        uid=f"team-{shift.uid}" if with_name else shift.uid,
        sequence=shift.sequence, cancelled=shift.cancelled, day=shift.date,
        start_minute=shift.start_minute, end_minute=shift.end_minute,
        updated_at=_stamp(shift, edits, leader_line=not shift.cancelled),
        summary=f"{name} – {work}" if with_name else work,
        location=place,
        lines=[
            texts.employee % {"name": name} if with_name else None,
            work,
            texts.times_line(shift.start_minute, shift.end_minute),
            texts.break_line(shift.break_minutes),
            texts.where % {"place": place},
            _leader_line(texts, shift, leaders, cancelled=shift.cancelled),
        ],
    )


def load_visits(row: CalendarToken, start: dt.date, end: dt.date, today: dt.date | None = None,
                language: str | None = None) -> list:
    """A location's team visits, aggregated in the database: one row per day, team, work type and
    request, as the ministry's planning page shows them. No employee column is selected at all.

    A team may come twice a day for the same work (two requests: 06:00-10:00 and 17:00-24:00):
    one event from the first start to the last end would say a team is there all day, with
    everyone at once. Each request is its own visit with its own number of people. The times span
    its shifts that still go ahead (all of them when none does): one called off at the times its
    request had before stays inside its request's visit, not a "Gaat niet door" beside it.
    `block` numbers a day's visits of one team and work type by request: the first keeps the UID
    a visit always had (see _visit_uid).

    Its people are those whose shift goes ahead and who are not absent then (_absent_during), as
    the ministry's planning page counts them: never who is absent, nor why. A visit all of whose
    people are absent is told as one that does not go ahead, as the page leaves that team out.
    `absence_changed`: when an absence of one of them last changed (see _absence_changed).
    """
    ps, loc, wt = PublishedShift.__table__, Location.__table__, WorkType.__table__
    sup, team = Supervisor.__table__, Team.__table__
    told = ps.c.cancelled.is_(False)
    going = and_(told, ~_absent_during(ps.c.employee_id, ps.c.date, ps.c.start_minute, ps.c.end_minute))
    agg = (
        select(
            ps.c.date, ps.c.team_id, ps.c.location_id, ps.c.work_type_id, ps.c.request_id,
            func.count(ps.c.id).label("shifts"),
            func.sum(case((going, 1), else_=0)).label("people"),
            func.min(case((going, ps.c.start_minute))).label("going_start"),
            func.max(case((going, ps.c.end_minute))).label("going_end"),
            func.min(ps.c.start_minute).label("any_start"),
            func.max(ps.c.end_minute).label("any_end"),
            func.min(case((going, ps.c.supervisor_id))).label("going_supervisor_id"),
            func.min(ps.c.supervisor_id).label("any_supervisor_id"),
            func.max(case((told, _absence_changed(ps.c.employee_id)))).label("absence_changed"),
        )
        .where(_subject_filter(row), ps.c.date >= start, ps.c.date <= end)
        .group_by(ps.c.date, ps.c.team_id, ps.c.location_id, ps.c.work_type_id, ps.c.request_id)
        .subquery()
    )
    # A visit's SEQUENCE must never go down, also when a shift leaves it for another place or
    # another team (its person moved: the new team's publication takes the day's row over). The
    # shift's own sequence then rises, but it no longer counts for the visit, and a shift keeps no
    # record of the team it had: only the whole day's shifts, every team's, are a set no shift
    # leaves. Each publication raises that sum (a new shift adds one, a changed or cancelled one
    # raises its sequence); a change elsewhere that day raises it needlessly, which only makes a
    # calendar look again. Its DTSTAMP is the newest change of the same shifts: taken from the
    # visit's own or its team's, it would go back when the shift changed last leaves them, while
    # the SEQUENCE goes up.
    every = PublishedShift.__table__.alias("every")
    whole_day = (
        select(every.c.date, func.sum(every.c.sequence + 1).label("revision"),
               func.max(every.c.updated_at).label("updated_at"))
        .where(every.c.date >= start, every.c.date <= end)
        .group_by(every.c.date)
        .subquery()
    )
    supervisor_id = func.coalesce(agg.c.going_supervisor_id, agg.c.any_supervisor_id)
    # The leader named (or else the team's own) is absent during the visit's times.
    going = agg.c.people > 0
    start_minute = case((going, agg.c.going_start), else_=agg.c.any_start)
    end_minute = case((going, agg.c.going_end), else_=agg.c.any_end)
    leader_away = _leader_is_away(
        func.coalesce(supervisor_id, _own_leader_id(agg.c.team_id)), agg.c.date, start_minute, end_minute)
    # By request id: a request added later to a team's day has a higher one (0: its request gone).
    block = func.row_number().over(
        partition_by=(agg.c.date, agg.c.team_id, agg.c.location_id, agg.c.work_type_id),
        order_by=func.coalesce(agg.c.request_id, 0),
    )
    return list(db.session.execute(
        select(
            agg, supervisor_id.label("supervisor_id"), whole_day.c.revision, block.label("block"),
            start_minute.label("start_minute"), end_minute.label("end_minute"),
            team.c.name.label("team_name"), _work_type_name(wt, language).label("work_type_name"),
            loc.c.name.label("location_name"), loc.c.address, loc.c.postcode, loc.c.city,
            sup.c.name.label("supervisor_name"), sup.c.phone.label("supervisor_phone"),
            leader_away.label("leader_away"),
            # The day's newest change, or a later edit of what the visit names (see _stamp);
            # a called-off visit names no leader.
            case((going, _Newest(whole_day.c.updated_at, wt.c.updated_at, loc.c.updated_at, team.c.name_changed_at,
                                 sup.c.updated_at, sup.c.absence_changed_at, agg.c.absence_changed)),
                 else_=_Newest(whole_day.c.updated_at, wt.c.updated_at, loc.c.updated_at,
                               team.c.name_changed_at, agg.c.absence_changed)).label("stamp"),
        )
        .select_from(
            agg.join(team, team.c.id == agg.c.team_id)
            .join(whole_day, whole_day.c.date == agg.c.date)
            .join(wt, wt.c.id == agg.c.work_type_id)
            .join(loc, loc.c.id == agg.c.location_id)
            .outerjoin(sup, sup.c.id == supervisor_id)
        )
        .order_by(agg.c.date, start_minute, end_minute, agg.c.team_id, agg.c.work_type_id, agg.c.request_id),
        {LEADER_TODAY: today or local_today()},
    ))


def _visit_uid(visit) -> str:
    """A visit's UID: its day, team, place and work type; a second or later request of these (see
    load_visits) its request too ("-r12").

    The usual day, one request, keeps the UID visits had before they were split by request, so a
    subscribed calendar sees the same events; so does the day's first request. A request added
    later adds an event and changes none; one called off stays as a cancelled visit (its shifts
    stay, cancelled) and new times move an event: each keeps its UID. The request in every UID
    would have given each subscribed event a new one at once (the old ones gone without a
    cancellation, left standing by an app that keeps what a feed no longer has); times in it would
    change with the request's times."""
    uid = f"visit-{visit.date:%Y%m%d}-t{visit.team_id}-l{visit.location_id}-w{visit.work_type_id}"
    if visit.block > 1:
        uid += f"-r{visit.request_id or 0}"
    return uid + "@binnenwerk"


def _visit_event(out, texts: _Texts, visit, leaders, edits) -> None:
    people = int(visit.people or 0)
    team, work, place = visit.team_name, visit.work_type_name, texts.place(visit)
    updated_at = _stamp(visit, edits, leader_line=bool(people))
    day = visit.date
    _event(
        out, texts,
        uid=_visit_uid(visit),
        sequence=int(visit.revision or 1) - 1,  # never lower: see load_visits
        cancelled=not people, day=day, start_minute=visit.start_minute, end_minute=visit.end_minute,
        updated_at=updated_at,
        # A called-off visit names no number: "(0 personen)" reads as a team coming empty-handed.
        summary=ngettext(
            "%(team)s: %(work_type)s (%(num)d persoon)", "%(team)s: %(work_type)s (%(num)d personen)", people,
            team=team, work_type=work,
        ) if people else _("%(team)s: %(work_type)s", team=team, work_type=work),
        location=place,
        lines=[
            texts.team % {"team": team},
            texts.work % {"work_type": work},
            texts.people % {"n": people} if people else None,
            texts.times_line(visit.start_minute, visit.end_minute),
            texts.where % {"place": place},
            _leader_line(texts, visit, leaders, cancelled=not people),
        ],
    )


def build_feed(row: CalendarToken, today: dt.date | None = None, language: str | None = None) -> bytes:
    """The whole iCalendar text of a token's feed (CRLF lines, folded at 75 octets), in Dutch or in
    `language` (see feed_language()). Never in the language of whoever asks (a member of staff
    opening the link in their browser): the ETag says which text it is."""
    with force_locale(language or "nl"):
        return _build_feed(row, today, language)


def _build_feed(row: CalendarToken, today: dt.date | None, language: str | None) -> bytes:
    today = today or local_today()
    start, end = window(today)
    texts = _Texts(row.kind)
    out = _header(row)
    if row.kind == FeedKind.LOCATION.value:
        visits = load_visits(row, start, end, today, language)
        leaders, edits = _team_leaders_and_edits(v.team_id for v in visits if v.supervisor_id is None)
        for visit in visits:
            _visit_event(out, texts, visit, leaders, edits)
    else:
        shifts = load_shifts(row, start, end, today, language)
        teams = [s.team_id for s in shifts if s.supervisor_id is None]
        if row.kind == FeedKind.EMPLOYEE.value:
            # The person's own team's leader (the week page's "vaste teamleider"): a changed day
            # led by another says so.
            own_team = row.employee.team_id
            leaders, edits = _team_leaders_and_edits(teams + [own_team])
            own = leaders.get(own_team)
            absences = _away_leaders_absences(shifts, leaders, start, end)
            # Looked up for an end in the window only (a few people at a time): the audit is large.
            contract_end = row.employee.contract_end
            ends_here = contract_end is not None and contract_end <= end
            end_edited = _contract_end_edited(row.employee) if ends_here else None
            for shift in shifts:
                _employee_shift_event(out, texts, shift, leaders, edits, today,
                                      own_leader_id=own.id if own else None, absences=absences,
                                      contract_end=contract_end, end_edited=end_edited)
        else:
            leaders, edits = _team_leaders_and_edits(teams)
            for shift in shifts:
                _shift_event(out, texts, shift, leaders, edits, with_name=True)
    out.append(b"END:VCALENDAR\r\n")
    return b"".join(out)


# What the audit says of a change of an employee's contract's end: ending it, an edit of it
# (people.update_employee lists the fields changed) and taking it back (a restore).
_CONTRACT_END_ACTIONS = ("employee.contract_end", "employee.update", "employee.restore")


def _contract_end_edited(employee: Employee) -> dt.datetime | None:
    """When the person's contract's end was last set, changed or taken back, from the audit: the
    employee row keeps no such moment, and the end changes the text of the last day's event (and
    of days after it called off before) without touching their shifts. Only the moment is read."""
    return db.session.scalar(
        select(func.max(AuditEvent.at)).where(
            AuditEvent.object_type == "Employee", AuditEvent.object_id == str(employee.id),
            AuditEvent.action.in_(_CONTRACT_END_ACTIONS), AuditEvent.detail.contains("contract_end"),
        )
    )


def build_stopped_feed(row: CalendarToken, today: dt.date | None = None, language: str | None = None) -> bytes:
    """The calendar of a stopped link: one all-day notice today and no shifts.

    A 404 leaves a subscribed phone showing the shifts it last fetched, which go out of date (and
    stand beside the new link's after a renewal). A calendar without them makes the phone drop
    them; the notice says what to do. It names nobody and tells nothing of the roster."""
    with force_locale(language or "nl"):
        return _build_stopped_feed(row, today)


def stopped_feed(row: CalendarToken, today: dt.date | None = None,
                 language: str | None = None) -> tuple[bytes, Fingerprint]:
    """build_stopped_feed() and its version: the ETag is the text's own hash (the text is small and
    changes with its day only), so a phone polling every hour gets 304 until the notice moves."""
    today = today or local_today()
    body = build_stopped_feed(row, today, language)
    return body, Fingerprint(etag=hashlib.sha256(body).hexdigest()[:32],
                             last_modified=_stopped_stamp(row, today).replace(tzinfo=dt.timezone.utc))


def _day_start_utc(day: dt.date) -> dt.datetime:
    """Midnight at the start of a local day, as a stored moment (naive UTC)."""
    zone = ZoneInfo(current_app.config.get("TIMEZONE", TZID))
    start = dt.datetime.combine(day, dt.time(), zone).astimezone(dt.timezone.utc)
    return start.replace(tzinfo=None)


def _stopped_stamp(row: CalendarToken, today: dt.date) -> dt.datetime:
    """The notice's DTSTAMP: when the link stopped (or was made, for one whose subject went), but
    no earlier than the start of the notice's day. The notice moves to a new day every day; a
    stamp that stayed would tell a calendar app the moved event is the one it already has."""
    return max((row.revoked_at or row.created_at).replace(microsecond=0), _day_start_utc(today))


def _stopped_sequence(row: CalendarToken, today: dt.date) -> int:
    """The notice's SEQUENCE: days since the link was made, so it rises with every day the notice
    moves (RFC 5545 3.8.7.4: a new date is a new revision). Counted from the making of the link,
    not from when it stopped: that moment can change afterwards (a link stops the day after a
    contract's last day but is revoked only when the person is archived, days later; taking them
    back removes the end), and a SEQUENCE must never go down."""
    return max(0, (today - row.created_at.date()).days)


def _build_stopped_feed(row: CalendarToken, today: dt.date | None) -> bytes:
    today = today or local_today()
    if row.kind == FeedKind.EMPLOYEE.value:
        # Neutral: the person may have left (a contract ended), and then there is no new link.
        advice = _("Deze link werkt niet meer. Werk je nog bij Binnenwerk? Vraag je teamleider dan om een "
                   "nieuwe link. Deze agenda kun je van je telefoon verwijderen.")
    elif row.kind == FeedKind.TEAM.value:  # the team leader's, who is "je" on every staff page
        advice = _("Misschien is er een nieuwe link. Die vind je in de Teamplanner op de pagina "
                   "Agenda-links. Deze agenda kun je verwijderen.")
    else:  # a location's, the ministry contact's: "u"
        advice = _("Misschien is er een nieuwe link. Die vindt u in de Teamplanner op de pagina "
                   "Agenda-links. Deze agenda kunt u verwijderen.")
    out = _header(row)
    out += [
        b"BEGIN:VEVENT\r\n",
        fold(f"UID:link-stopped-{row.id}@binnenwerk"),
        fold(f"DTSTAMP:{_utc_stamp(_stopped_stamp(row, today))}"),
        fold(f"DTSTART;VALUE=DATE:{today:%Y%m%d}"),
        fold(f"DTEND;VALUE=DATE:{today + dt.timedelta(days=1):%Y%m%d}"),
        fold(f"SEQUENCE:{_stopped_sequence(row, today)}"),
        b"TRANSP:TRANSPARENT\r\n",
        fold(f"SUMMARY:{escape_text(_('Deze agenda-link werkt niet meer'))}"),
        fold(f"DESCRIPTION:{escape_text(advice)}"),
        b"END:VEVENT\r\n",
        b"END:VCALENDAR\r\n",
    ]
    return b"".join(out)


# --- the employee's week page -----------------------------------------------------------------


@dataclass
class Day:
    date: dt.date
    shift: PublishedShift | None
    leader: Supervisor | None
    is_today: bool
    # The leader is absent that day: the page names nobody and gives no phone.
    leader_away: bool = False
    # When leader_away: the parts of the shift the leader is away (away_times); empty for all of it.
    away_times: list[tuple[int, int]] = field(default_factory=list)
    # The leader is not the person's own team leader (the page's "vaste teamleider"): the day says
    # who leads it, so the page never calls two people "je teamleider" without saying which day.
    other_leader: bool = False
    # Not what the person was first told (times, place, work or leader), and still to come: the
    # page says so, since a change is what these readers most need to notice.
    changed: bool = False
    holiday: str | None = None  # a public holiday's name: a free day says why
    gone_by: bool = False  # before today: an absent leader's day no longer says someone is sought
    # Before the person's contract starts: not a day off, they do not work here yet.
    before_start: bool = False
    # No shift, in a week the person's own team has not published (their old team's shifts shown,
    # after a move): not known to be free yet.
    not_ready: bool = False
    # The contract's last day: the page says it is the last working day at Binnenwerk.
    last_day: bool = False
    # After the contract's last day, without work (a shift called off for the end too): not a day
    # off, they no longer work here (as before_start, the other way round).
    after_end: bool = False
    # How to get in: the request's access instructions as the ministry wrote them, on a day gone
    # by as told then (request_history.told_access), so looking back (or a printed sheet) does
    # not show a way in written later. Empty without a request or instructions.
    access_instructions: str = ""


@dataclass
class Week:
    monday: dt.date
    offset: int  # 0 this week, 1 next week, 2 the week after
    days: list[Day]
    # False while the team's roster for the week is not published and the person has no shift
    # in it: a day without a shift then is not known to be free yet.
    is_planned: bool = True

    @property
    def sunday(self) -> dt.date:
        return self.monday + dt.timedelta(days=6)


def employee_weeks(employee: Employee, today: dt.date | None = None) -> list[Week]:
    """Two weeks from this one, Monday to Friday always, a weekend day only when there is a shift
    (or was: a cancelled one says so). On a Saturday or Sunday with no shift left this week, this
    week's workdays are past: the page starts with next week."""
    today = today or local_today()
    monday = today - dt.timedelta(days=today.weekday())
    weeks = weeks_of([employee], [monday + dt.timedelta(weeks=n) for n in range(3)], today)[employee.id]
    start = 0
    if today.weekday() >= 5 and not any(d.shift is not None and d.date >= today for d in weeks[0].days):
        start = 1
    return weeks[start:start + 2]


def weeks_of(employees: list[Employee], mondays: list[dt.date], today: dt.date | None = None
             ) -> dict[int, list[Week]]:
    """Each person's weeks starting on these (consecutive) Mondays, as the week page shows them,
    by employee id: a fixed number of queries however many people (a team's week sheets)."""
    today = today or local_today()
    this_monday = today - dt.timedelta(days=today.weekday())
    ids = [e.id for e in employees]
    shifts: dict[int, dict[dt.date, PublishedShift]] = {e.id: {} for e in employees}
    for s in db.session.scalars(
        select(PublishedShift)
        .where(
            PublishedShift.employee_id.in_(ids),
            PublishedShift.date >= mondays[0],
            PublishedShift.date <= mondays[-1] + dt.timedelta(days=6),
        )
        .options(
            joinedload(PublishedShift.location),
            joinedload(PublishedShift.work_type),
            joinedload(PublishedShift.supervisor),
            joinedload(PublishedShift.request),  # how to get in, as the ministry wrote it (now)
        )
    ).unique():
        shifts[s.employee_id][s.date] = s
    every = [s for by_day in shifts.values() for s in by_day.values()]
    told_then = request_history.told_access(every, today)  # how to get in, on days gone by
    leaders = team_leaders([e.team_id for e in employees] + [s.team_id for s in every])
    ps = PublishedShift.__table__
    away = set(db.session.scalars(
        select(ps.c.id).where(ps.c.id.in_([s.id for s in every]), _shift_leader_is_away()),
        {LEADER_TODAY: today},
    )) if every else set()
    away_leaders = {s.id: leader_of(s, leaders) for s in every if s.id in away}
    absences = leader_absence_times([x.id for x in away_leaders.values() if x is not None],
                                    mondays[0], mondays[-1] + dt.timedelta(days=6))
    published = {tuple(row) for row in db.session.execute(
        select(Roster.team_id, Roster.week).where(
            Roster.team_id.in_({e.team_id for e in employees}),
            Roster.week.in_([week_of(m) for m in mondays]),
            Roster.published_at.is_not(None),
        )
    )}
    language = str(get_locale() or "nl")
    out: dict[int, list[Week]] = {}
    for employee in employees:
        mine = shifts[employee.id]
        own = leaders.get(employee.team_id)
        end = employee.contract_end
        weeks = []
        for first in mondays:
            in_week = [s for day, s in mine.items() if first <= day < first + dt.timedelta(weeks=1)]
            # Their own team told them this week (its roster published, or shifts of it told):
            # a day without a shift is free. Only another team's shifts (before a move) say
            # nothing about the other days.
            own_team_told = (employee.team_id, week_of(first)) in published or any(
                s.team_id == employee.team_id for s in in_week)
            told = own_team_told or bool(in_week)
            days = []
            for n in range(7):
                day = first + dt.timedelta(days=n)
                shift = mine.get(day)
                if n >= 5 and shift is None:
                    continue
                leader = leader_of(shift, leaders) if shift else None
                # Work that no longer goes ahead is a change too: the week says so at the top.
                changed = shift is not None and changed_to_come(shift.sequence, day, today)
                leader_away = bool(shift) and shift.id in away
                parts = away_times(absences.get(leader.id), day, shift.start_minute, shift.end_minute) \
                    if leader_away and leader is not None else []
                days.append(Day(day, shift, leader, day == today, leader_away=leader_away, away_times=parts,
                                gone_by=day < today,
                                other_leader=leader is not None and (own is None or leader.id != own.id),
                                changed=changed, holiday=public_holiday_name(day, language, in_sentence=True),
                                before_start=shift is None and day < employee.contract_start,
                                not_ready=shift is None and not own_team_told,
                                last_day=day == end,
                                after_end=end is not None and day > end and (shift is None or shift.cancelled),
                                access_instructions=_access_told(shift, told_then)))
            weeks.append(Week(first, (first - this_monday).days // 7, days, is_planned=told))
        out[employee.id] = weeks
    return out


def _access_told(shift: PublishedShift | None, told_then: dict[tuple[int, dt.date], str]) -> str:
    """How to get in on the shift's day: as kept for a day gone by, else as the request says now."""
    if shift is None or shift.request is None:
        return ""
    return told_then.get((shift.request_id, shift.date), shift.request.access_instructions) or ""


def own_team_leader(employee: Employee) -> Supervisor | None:
    return team_leaders([employee.team_id]).get(employee.team_id)


def today_contact(weeks: list[Week], own: Supervisor | None, own_away_now: bool) -> Supervisor | None:
    """Whom the week page tells to call when ill today, once, at its top: the leader of today's
    work, or else the person's own team leader; None for the office (Binnenwerk), when that leader
    is away (today's for any part of the shift: the page gives the office then, not their phone),
    has no phone, or the own leader is away now. A page naming one leader at its top and another
    on today's block left the reader to guess."""
    day = next((d for week in weeks for d in week.days if d.is_today), None)
    if day is not None and day.shift is not None and not day.shift.cancelled and day.leader is not None:
        if day.leader_away or (own is not None and day.leader.id == own.id and own_away_now):
            return None
        return day.leader if day.leader.phone else None
    if own is None or own_away_now or not own.phone:
        return None
    return own
