"""What a request asked on days gone by, kept when the request changes.

A ministry may change a running request: more people, other weekdays, other times, a later start.
The days that had already passed were asked for (and worked, or not) as the request was then, so
reports of them must not change with it. When a request's days, headcount, place, work type,
times or break change, or a committed request is cancelled, every day gone by that the old or the
new version covers and that has no entry yet gets one (`RequestDayAsked`) with what the old version
asked that day: 0 where it asked nothing. Reports read those entries before the request. Today is
a day gone by once its shift has begun, by the start time asked then (`begun_today`, the rule of
rosters.has_begun that keeps a told shift and refuses calling the day off): a change at 21:40
leaves the 09:00-15:00 shift of today as it was asked; one at 08:00 applies to it.

How to get in (the access instructions) is kept the same way, for the people told it: when a
committed request's instructions change (spaces around them are no change: access_told), each
day gone by keeps the text told until now, on its entry (a new one, or one kept before without
it; today's too once its shift has begun, as above). What shows a day before today (the week
page and sheet, the calendar feed) reads it there (`told_access`); days to come, today included,
read the request, as they always did. A new
entry kept for another change holds the instructions of then too, so a later change of them
finds them kept. None on an entry: not kept, the request's text stands in.

Every change goes through the ORM (the request form, the import) and is caught before the flush;
a status change by conditional UPDATE (`requests.transition`) calls `freeze` itself.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask import has_app_context
from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Session

from ..extensions import db
from ..models import Assignment, DeploymentRequest, RequestDateOff, RequestDayAsked, RequestStatus, Roster, utcnow
from ..public_holidays import is_public_holiday

S = RequestStatus
# The fields that decide which days a request asks for, how many people and what they do. The
# break too: a roster counts a day gone by never told so by the hours asked then (rosters.view).
TRACKED = ("start_date", "end_date", "weekdays", "headcount", "location_id", "work_type_id",
           "start_minute", "end_minute", "break_minutes")
# Of those, the ones that change what a planned shift on the request is (its days, times, place,
# work): a published roster with such shifts is no longer what its people were told.
TOLD = ("start_date", "end_date", "weekdays", "location_id", "work_type_id", "start_minute", "end_minute",
        "break_minutes")
WITHDRAWN = (S.CANCELLED.value, S.DECLINED.value)
COMMITTED = (S.ACCEPTED.value, S.SCHEDULED.value, S.COMPLETED.value)
# How to get in: kept for days gone by when it changes (see above), not a change of what was asked.
ACCESS = "access_instructions"


@dataclass(frozen=True)
class Asked:
    """What a request asked for one day."""

    headcount: int
    location_id: int
    work_type_id: int
    start_minute: int
    end_minute: int
    status: str
    # None: kept before the break was (RequestDayAsked.break_minutes), so not known.
    break_minutes: int | None = None

    @classmethod
    def of(cls, request: DeploymentRequest) -> Asked:
        return cls(request.headcount, request.location_id, request.work_type_id, request.start_minute,
                   request.end_minute, request.status, request.break_minutes)


def _today() -> dt.date:
    if has_app_context():
        from . import feeds  # looked up here, so that a test's fake today applies

        return feeds.local_today()
    return dt.date.today()


def _asks_on(values: dict, day: dt.date) -> bool:
    return (values["start_date"] <= day <= values["end_date"] and str(day.isoweekday()) in values["weekdays"]
            and not is_public_holiday(day))


def _past_days(values: dict, today: dt.date):
    day, last = values["start_date"], min(values["end_date"], today - dt.timedelta(days=1))
    while day <= last:
        if _asks_on(values, day):
            yield day
        day += dt.timedelta(days=1)


def _minute_now(today: dt.date) -> int:
    """rosters.minute_now (-1 when the clock's date is not `today`), also outside the app."""
    if has_app_context():
        from .rosters import minute_now  # the roster services import this module

        return minute_now(today)
    now = dt.datetime.now()
    return now.hour * 60 + now.minute if now.date() == today else -1


def begun_today(old: dict, new: dict, today: dt.date, minute: int | None = None) -> bool:
    """Whether today's shift has begun, by the request's start time as asked then (`old`): the
    rule publishing keeps a told shift by (rosters.has_begun). Such a day was asked (and worked) as
    the request was, as a day gone by was. A day `old` did not ask for had no shift: it goes by
    `new`'s start, so a shift added for tonight still counts, one added for this morning does not."""
    values = old if _asks_on(old, today) else new if _asks_on(new, today) else None
    if values is None:
        return False
    from .rosters import has_begun  # the roster services import this module

    return has_begun(today, values["start_minute"], today, _minute_now(today) if minute is None else minute)


def days_gone_by(old: dict, new: dict, today: dt.date, minute: int | None = None) -> set[dt.date]:
    """The days `old` or `new` asks for that a change no longer reaches: before today, and today
    once its shift has begun (begun_today)."""
    days = set(_past_days(old, today)) | set(_past_days(new, today))
    if begun_today(old, new, today, minute):
        days.add(today)
    return days


def freeze(session: Session, request_id: int, old: dict, new: dict, today: dt.date | None = None) -> int:
    """Keep what `old` (the request's values before a change, with its status) asked on each day
    gone by (days_gone_by: before today, and today once its shift has begun) that `old` or `new`
    covers and that has no entry yet. Returns the entries added.

    `old`'s access instructions (when given) go on the new entries; when they differ from `new`'s,
    also on the entries of those days kept before without them: that text is what their people
    were told until now."""
    today = today or _today()
    days = days_gone_by(old, new, today)
    if not days:
        return 0
    access = old.get(ACCESS)
    kept = {entry.date: entry for entry in session.scalars(select(RequestDayAsked).where(
        RequestDayAsked.request_id == request_id, RequestDayAsked.date.in_(days)))}
    if access is not None and _instructions_differ(access, new.get(ACCESS)):
        for entry in kept.values():
            if entry.access_instructions is None:
                entry.access_instructions = access
    # A date called off (RequestDateOff) was not asked for: kept as 0, as a weekday not asked.
    off = set(session.scalars(select(RequestDateOff.date).where(
        RequestDateOff.request_id == request_id, RequestDateOff.date.in_(days))))
    added = 0
    for day in sorted(days - set(kept)):
        session.add(RequestDayAsked(
            request_id=request_id, date=day,
            headcount=old["headcount"] if _asks_on(old, day) and day not in off else 0,
            status=old["status"], location_id=old["location_id"], work_type_id=old["work_type_id"],
            start_minute=old["start_minute"], end_minute=old["end_minute"], break_minutes=old["break_minutes"],
            access_instructions=access))
        added += 1
    return added


def _instructions_differ(before: str | None, after: str | None) -> bool:
    # Imported here: access_told imports the roster services, which import this module.
    from .access_told import instructions_differ

    return instructions_differ(before, after)


def values_of(request: DeploymentRequest) -> dict:
    return {name: getattr(request, name) for name in (*TRACKED, "status", ACCESS)}


def told_access(shifts, today: dt.date | None = None) -> dict[tuple[int, dt.date], str]:
    """How to get in as told on each day gone by of these shifts (anything with `request_id` and
    `date`) where it was kept, by (request id, date): the text to show instead of the request's.
    Days to come (today included) are left out: they read the request. One query, none without
    a day gone by."""
    today = today or _today()
    past = {(s.request_id, s.date) for s in shifts if s.request_id is not None and s.date < today}
    if not past:
        return {}
    rows = db.session.execute(select(
        RequestDayAsked.request_id, RequestDayAsked.date, RequestDayAsked.access_instructions).where(
        RequestDayAsked.request_id.in_({r for r, _ in past}),
        RequestDayAsked.date.between(min(d for _, d in past), max(d for _, d in past)),
        RequestDayAsked.access_instructions.is_not(None)))
    return {(r, d): text for r, d, text in rows if (r, d) in past}


@event.listens_for(Session, "before_flush")
def _freeze_changed_requests(session: Session, flush_context, instances) -> None:
    for obj in list(session.dirty):
        if not isinstance(obj, DeploymentRequest) or obj.id is None:
            continue
        state = inspect(obj)
        names = (*TRACKED, "status", ACCESS)
        histories = {name: state.attrs[name].history for name in names}
        if not any(h.added for h in histories.values()):
            continue
        stored = None
        if any(h.added and not h.deleted for h in histories.values()):
            # Set while expired (after a commit), the old value was never loaded: the row still
            # holds it, since this flush has not written yet.
            columns = [getattr(DeploymentRequest, name) for name in names]
            stored = dict(zip(names, session.execute(select(*columns).where(DeploymentRequest.id == obj.id)).one()))
        old, changed = {}, False
        for name in names:
            history = histories[name]
            before = history.deleted[0] if history.deleted else (stored[name] if stored else None)
            if history.added and before is not None and before != getattr(obj, name):
                old[name] = before
                changed = changed or name in TRACKED
            else:
                old[name] = getattr(obj, name)
        cancelled = old["status"] in COMMITTED and obj.status == S.CANCELLED.value
        # Only a committed request's shifts were told to anyone: a draft's way in is kept for none.
        retold = old["status"] in COMMITTED and _instructions_differ(old[ACCESS], getattr(obj, ACCESS))
        if changed or cancelled or retold:
            freeze(session, obj.id, old, values_of(obj))
        withdrawn = obj.status in WITHDRAWN and old["status"] not in WITHDRAWN
        if withdrawn or any(old[name] != getattr(obj, name) for name in TOLD):
            unsettle_rosters(session, obj.id, check_at_commit=not withdrawn)


# session.info: the rosters a change of a request marked changed, checked at the commit
# (_settle_rosters_as_told): id -> the roster as it was before the first mark of the transaction.
TO_CHECK = "rosters_to_check_as_told"


@dataclass
class _Unsettled:
    """A roster as it was before unsettle_rosters first marked it in this transaction (`old`:
    _row_of), and the stamp it set last: settled as told and touched by nothing else, it gets its
    lock version back (_restore_lock_version). `old` is None when the roster had changes of its
    own pending then: it keeps its new lock version."""

    old: tuple | None
    lock_version: int
    updated_at: dt.datetime
    stamp: dt.datetime | None = None


def _row_of(roster: Roster) -> tuple:
    """What of a roster, besides its lock version and its mark, another change would show in."""
    return roster.version, roster.status, roster.published_at, roster.team_id, roster.week


def unsettle_rosters(session: Session, request_id: int, today: dt.date | None = None, *,
                     check_at_commit: bool = False) -> int:
    """Mark the published rosters with shifts on the request from today on as changed since
    publication: their shifts are no longer what people were told (other times, place or work,
    or the day is no longer asked for), until the roster is published again. Returns how many.

    `check_at_commit` (a change of the request's own values): at the commit, a roster whose
    publication would then tell nobody anything is not marked after all (_settle_rosters_as_told)."""
    today = today or _today()
    rosters = session.scalars(select(Roster).where(
        Roster.version > 0,
        Roster.id.in_(select(Assignment.roster_id).where(Assignment.request_id == request_id,
                                                         Assignment.date >= today)))).all()
    kept = session.info.setdefault(TO_CHECK, {}) if check_at_commit and rosters else {}
    for roster in rosters:
        if check_at_commit and roster.id not in kept:
            kept[roster.id] = _Unsettled(None if session.is_modified(roster) else _row_of(roster),
                                         roster.lock_version, roster.updated_at)
        roster.has_unpublished_changes = True
        roster.updated_at = utcnow()  # the lock version: an edit begun before this is re-checked
        if check_at_commit:
            kept[roster.id].stamp = roster.updated_at
    return len(rosters)


@event.listens_for(Session, "before_commit")
def _settle_rosters_as_told(session: Session) -> None:
    """The rosters a request's change marked changed whose shifts are all still what publishing
    would tell (a time changed and put back, a weekday ticked and unticked, or a change of days
    their shifts are not on): not marked, so no page asks to publish what employees already see.
    The test is the one an edit of the roster gets (rosters.unmark_if_as_told). Made at the commit,
    once the change is flushed: publishing reads the request as it is then, and a change and its
    undo in one form count once. A withdrawal (also by conditional UPDATE, requests.transition)
    is not checked: it calls off what was told."""
    if not has_app_context() or session is not db.session():
        return
    if any(isinstance(obj, DeploymentRequest) for obj in session.dirty):
        session.flush()  # the commit's own flush comes after this: it would mark them too late
    kept = session.info.pop(TO_CHECK, None)
    if not kept:
        return
    from .rosters import unmark_if_as_told  # the roster services import this module

    for roster in session.scalars(select(Roster).where(Roster.id.in_(list(kept))).order_by(Roster.id)).all():
        unmark_if_as_told(roster)
        _restore_lock_version(roster, kept[roster.id])


def _restore_lock_version(roster: Roster, before: _Unsettled) -> None:
    """A roster settled as told (not marked changed now) that nothing else changed in this
    transaction (its stamp is still unsettle_rosters' and the rest of it as it was) is again the
    roster it was: its lock version and stamp as before, so a solve or an edit begun on it
    meanwhile still saves. Its mark may have gone (the change undid one made before): publishing
    it would tell nobody anything, whichever page it is published from."""
    if (roster.has_unpublished_changes or before.old is None or roster.updated_at != before.stamp
            or _row_of(roster) != before.old):
        return
    roster.lock_version = before.lock_version  # set, it is written as is (not raised) at the flush
    roster.updated_at = before.updated_at


@event.listens_for(Session, "after_rollback")
def _forget_rosters_to_check(session: Session) -> None:
    session.info.pop(TO_CHECK, None)


def asked_days(requests: list[DeploymentRequest], start: dt.date, end: dt.date) -> dict[int, dict[dt.date, Asked]]:
    """Per request, what it asked on each day of [start, end]: the kept entry of a day gone by
    where there is one, else the request as it is. Days it asked nothing are left out. One query."""
    kept: dict[int, dict[dt.date, Asked]] = {r.id: {} for r in requests}
    if requests:
        for entry in db.session.scalars(select(RequestDayAsked).where(
                RequestDayAsked.request_id.in_([r.id for r in requests]),
                RequestDayAsked.date.between(start, end))):
            kept[entry.request_id][entry.date] = Asked(
                entry.headcount, entry.location_id, entry.work_type_id, entry.start_minute, entry.end_minute,
                entry.status, entry.break_minutes)
    result: dict[int, dict[dt.date, Asked]] = {}
    for request in requests:
        days = kept[request.id]
        if request.status == S.CANCELLED.value:
            # Only the days gone by while it was committed; none after it was called off.
            result[request.id] = {d: a for d, a in sorted(days.items()) if a.headcount > 0 and a.status in COMMITTED}
            continue
        now = Asked.of(request)
        day, last = max(start, request.start_date), min(end, request.end_date)
        while day <= last:
            if day not in days and request.occurs_on(day):
                days[day] = now
            day += dt.timedelta(days=1)
        result[request.id] = {d: a for d, a in sorted(days.items()) if a.headcount > 0}
    return result


def requests_with_days(statuses, start: dt.date, end: dt.date, *, ministry_id: int | None = None,
                       request_id: int | None = None, cancelled_too: bool = False):
    """The requests in `statuses` that ask for a day of [start, end], as they are or as they were:
    one whose start moved past the period still counts its kept days. With `cancelled_too`, also the
    cancelled ones that were committed on a kept day of the period."""
    overlaps = (DeploymentRequest.start_date <= end) & (DeploymentRequest.end_date >= start)
    kept = select(RequestDayAsked.request_id).where(RequestDayAsked.date.between(start, end))
    condition = DeploymentRequest.status.in_(statuses) & (overlaps | DeploymentRequest.id.in_(kept))
    if cancelled_too:
        condition = condition | ((DeploymentRequest.status == S.CANCELLED.value) & DeploymentRequest.id.in_(
            kept.where(RequestDayAsked.status.in_(COMMITTED))))
    query = select(DeploymentRequest).where(condition)
    if ministry_id is not None:
        query = query.where(DeploymentRequest.ministry_id == ministry_id)
    if request_id is not None:
        query = query.where(DeploymentRequest.id == request_id)
    return query.order_by(DeploymentRequest.start_date, DeploymentRequest.id)
