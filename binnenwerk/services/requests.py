"""Deployment requests: the rules for filing and changing them, their status machine, and the
shifts still standing on days a request no longer asks for."""
from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Collection
from dataclasses import dataclass, fields

from babel.lists import format_list
from flask_babel import format_date, get_locale, ngettext
from flask_babel import gettext as _
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError

from .. import audit
from ..formatting import full_date, holiday, hours as hours_text, week_names, week_of
from ..public_holidays import is_public_holiday, public_holidays
from ..extensions import db
from ..models import (
    DeploymentRequest,
    Location,
    Ministry,
    PublishedShift,
    RequestDateOff,
    RequestStatus,
    Role,
    Roster,
    Supervisor,
    Team,
    WorkType,
    ministry_work_type,
    utcnow,
)
from . import ServiceError, feeds, request_history
from .access_told import instructions_differ, tell_access_changed
from .reports import COMMITTED_STATUSES, leader_contact, leaders_away, request_days

S = RequestStatus

# Which status may follow which. Anything not listed here is refused.
TRANSITIONS: dict[str, frozenset[str]] = {
    S.SUBMITTED.value: frozenset({S.ACCEPTED.value, S.DECLINED.value, S.CANCELLED.value}),
    # Declining an accepted request undoes a mistaken accept; its reason reaches the ministry.
    S.ACCEPTED.value: frozenset({S.SCHEDULED.value, S.DECLINED.value, S.CANCELLED.value}),
    S.SCHEDULED.value: frozenset({S.COMPLETED.value, S.CANCELLED.value}),
    S.DECLINED.value: frozenset(),
    S.COMPLETED.value: frozenset(),
    S.CANCELLED.value: frozenset(),
}

# A ministry may still change a request in these statuses.
CHANGEABLE = frozenset({S.SUBMITTED.value, S.ACCEPTED.value, S.SCHEDULED.value})
# A change to a request in these statuses must be looked at again by the planner.
REVIEWED = frozenset({S.ACCEPTED.value, S.SCHEDULED.value})
# Until its end date a request in these statuses still needs its location (and may get shifts there).
RUNNING = frozenset({S.SUBMITTED.value, S.ACCEPTED.value, S.SCHEDULED.value})

MAX_HEADCOUNT = 15
MAX_SHIFT_MINUTES = 12 * 60  # Arbeidstijdenwet: at most 12 hours a shift
LONG_SHIFT_MINUTES = 330  # more than 5.5 hours ...
LONG_SHIFT_BREAK = 30  # ... needs at least a 30-minute break
VERY_LONG_SHIFT_MINUTES = 600  # more than 10 hours ...
VERY_LONG_SHIFT_BREAK = 45  # ... at least 45 minutes (Arbeidstijdenwet, art. 5:4)
MAX_PERIOD_DAYS = 365
MAX_LEAD_DAYS = 365  # requests are planned at most a year ahead
MAX_TEXT = 2000
PHONE_RE = re.compile(r"^[0-9+()\- ]{1,40}\Z")  # the characters only; valid_phone decides the length


def status_label(status: str) -> str:
    return {
        S.SUBMITTED.value: _("Ingediend"),
        S.ACCEPTED.value: _("Geaccepteerd"),
        S.DECLINED.value: _("Afgewezen"),
        S.SCHEDULED.value: _("Ingepland"),
        S.COMPLETED.value: _("Afgerond"),
        S.CANCELLED.value: _("Geannuleerd"),
    }.get(status, status)


def priority_label(priority: int) -> str:
    return {1: _("Laag"), 2: _("Normaal"), 3: _("Hoog")}.get(priority, str(priority))


def today() -> dt.date:
    """Today where the teams work (the app's time zone), not the server's."""
    from .feeds import local_today

    return local_today()


@dataclass
class RequestInput:
    """What a ministry contact fills in, already parsed into Python types."""

    location_id: int
    work_type_id: int
    start_date: dt.date
    end_date: dt.date
    weekdays: str
    start_minute: int
    end_minute: int
    break_minutes: int
    headcount: int
    priority: int
    contact_name: str = ""
    contact_phone: str = ""
    access_instructions: str = ""
    notes: str = ""


def allowed_locations(ministry_id: int, keep_id: int | None = None) -> list[Location]:
    """The ministry's own locations that are in use (plus the current one when changing)."""
    query = select(Location).where(Location.ministry_id == ministry_id)
    if keep_id is None:
        query = query.where(Location.archived.is_(False))
    else:
        query = query.where((Location.archived.is_(False)) | (Location.id == keep_id))
    return list(db.session.scalars(query.order_by(Location.name)))


def allowed_work_types(ministry_id: int, keep_id: int | None = None) -> list[WorkType]:
    """The work types of the ministry's agreement that are in use (plus the current one when
    changing a request: an agreement narrowed since does not undo what was asked)."""
    agreed = select(ministry_work_type.c.work_type_id).where(ministry_work_type.c.ministry_id == ministry_id)
    usable = WorkType.archived.is_(False) & WorkType.id.in_(agreed)
    query = select(WorkType).where(usable if keep_id is None else usable | (WorkType.id == keep_id))
    return list(db.session.scalars(query.order_by(WorkType.name_nl)))


def validate(data: RequestInput, ministry_id: int, existing: DeploymentRequest | None = None, *,
             unread: Collection[str] = (), keep_region: bool = False) -> dict[str, str]:
    """Every problem with the input, by field name; empty when it may be stored. `unread` names the
    fields a form could not read (it tells their own errors): the checks that need them wait, the
    others run, so the form shows every problem at once instead of one round at a time.

    With `keep_region` (a ministry contact's change), an accepted or scheduled request does not
    move to a place in another region: its teams are planned in this one. The planner's import
    may move it (and the shifts out of the region are flagged then)."""
    errors: dict[str, str] = {}

    def read(*names: str) -> bool:
        return not any(name in unread for name in names)

    keep_location = existing.location_id if existing else None
    if read("location_id") and data.location_id not in {
            loc.id for loc in allowed_locations(ministry_id, keep_location)}:
        place = db.session.get(Location, data.location_id) if isinstance(data.location_id, int) \
            and 0 < data.location_id < 2**31 else None
        if place is not None and place.archived and place.ministry_id == ministry_id:
            # Archived while the form was open: it is the ministry's own, but no longer in use.
            errors["location_id"] = _("Deze locatie is net gearchiveerd. U kunt er geen aanvraag meer voor "
                                      "doen. Kies een andere locatie.")
        else:
            errors["location_id"] = _("Kies een locatie van uw eigen ministerie.")
    elif keep_region and read("location_id") and leaves_region(existing, data.location_id):
        errors["location_id"] = _("Deze plek ligt in een andere regio dan de ingeplande teams. "
                                  "Dien daar een nieuwe aanvraag voor in.")
    # A request keeps its work type outside a narrowed agreement, but not when it moves to another
    # ministry (an import can do that): there it is new work for that ministry.
    keep_work = existing.work_type_id if existing and existing.ministry_id == ministry_id else None
    if read("work_type_id") and data.work_type_id not in {w.id for w in allowed_work_types(ministry_id, keep_work)}:
        chosen = db.session.get(WorkType, data.work_type_id) if isinstance(data.work_type_id, int) \
            and 0 < data.work_type_id < 2**31 else None
        if chosen is not None and chosen.archived:
            errors["work_type_id"] = _("Binnenwerk biedt dit werk niet meer aan. Kies een andere werksoort.")
        else:
            errors["work_type_id"] = _("Kies een werksoort uit de lijst. Uw ministerie kan alleen werk vragen "
                                       "waarover het een afspraak heeft met Binnenwerk.")

    now = today()
    if read("start_date"):
        start_unchanged = existing is not None and existing.start_date == data.start_date
        if data.start_date < now and not start_unchanged:
            errors["start_date"] = _("De begindatum ligt in het verleden. Kies vandaag of later.")
        elif (data.start_date - now).days > MAX_LEAD_DAYS:
            errors["start_date"] = _("De begindatum ligt te ver vooruit. Kies een datum binnen een jaar.")
    if read("end_date"):
        if read("start_date") and data.end_date < data.start_date:
            errors["end_date"] = _("De einddatum ligt voor de begindatum.")
        elif data.end_date < now:
            errors["end_date"] = _("De einddatum ligt in het verleden.")
        elif read("start_date") and (data.end_date - data.start_date).days > MAX_PERIOD_DAYS:
            errors["end_date"] = _("Een aanvraag duurt hoogstens 1 jaar. Kies een eerdere einddatum.")

    days = sorted(set(data.weekdays))
    if not read("weekdays"):
        pass
    elif not days:
        errors["weekdays"] = _("Kies minstens één dag.")
    elif any(d not in "1234567" for d in days):  # only a tampered form sends another value
        errors["weekdays"] = _("Kies dagen uit de lijst: maandag tot en met zondag.")
    elif "end_date" not in errors and "start_date" not in errors and read("start_date", "end_date"):
        chosen = _chosen_days(data.start_date, data.end_date, days)
        if not chosen:
            errors["weekdays"] = _("Geen van de gekozen dagen valt in deze periode.")
        elif all(is_public_holiday(day) for day in chosen):
            errors["weekdays"] = ngettext(
                "Op %(days)s is het een feestdag. Dan komt er geen team. Kies een andere periode of andere dagen.",
                "Op %(days)s zijn het feestdagen. Dan komt er geen team. Kies een andere periode of andere dagen.",
                len(chosen), days=_named_holidays(chosen))

    length = data.end_minute - data.start_minute if read("start_time", "end_time") else None
    # The law counts real hours: a night shift over the night the clocks go back lasts an hour
    # longer than its clock times say (01:00-06:00 is 6 hours then), and needs the break of that.
    longest, clock_day = length, None
    if length is not None and length > 0 and read("start_date", "end_date", "weekdays") \
            and "start_date" not in errors and "end_date" not in errors:
        longest, clock_day = _longest_real_minutes(data.start_date, data.end_date, days, data.start_minute,
                                                   data.end_minute)
    clock_note = "" if clock_day is None else " " + _(
        "Op %(day)s gaat de klok een uur terug: de dienst duurt dan %(hours)s uur.", day=full_date(clock_day),
        hours=hours_text(longest))
    if length is None:
        pass
    elif length <= 0:
        errors["end_time"] = _("De eindtijd moet na de begintijd liggen.")
    elif longest > MAX_SHIFT_MINUTES:
        errors["end_time"] = _("Een dienst duurt hoogstens 12 uur.") + (clock_note if length <= MAX_SHIFT_MINUTES else "")
    elif read("start_date", "end_date", "weekdays") and "start_date" not in errors and "end_date" not in errors:
        # A time the clocks skip (02:30 the night they go forward) is on no clock: a phone's
        # calendar would show 03:30, the week page 02:30.
        skipped = _skipped_by_clock(data.start_date, data.end_date, days, data.start_minute, data.end_minute)
        if skipped is not None:
            day, time, name = skipped
            errors[name] = _("Op %(day)s gaat de klok een uur vooruit: %(time)s bestaat dan niet. Kies een andere "
                             "tijd of een periode zonder die dag.", day=full_date(day), time=time)
    if not read("break_minutes"):
        pass
    elif data.break_minutes < 0:
        errors["break_minutes"] = _("De pauze kan niet negatief zijn.")
    elif length is not None and length > 0 and data.break_minutes >= length:
        errors["break_minutes"] = _("De pauze moet korter zijn dan de dienst.")
    elif length is not None and longest > VERY_LONG_SHIFT_MINUTES and data.break_minutes < VERY_LONG_SHIFT_BREAK:
        errors["break_minutes"] = _("Een dienst van meer dan 10 uur heeft minstens 45 minuten pauze "
                                    "(Arbeidstijdenwet).") + (clock_note if length <= VERY_LONG_SHIFT_MINUTES else "")
    elif length is not None and longest > LONG_SHIFT_MINUTES and data.break_minutes < LONG_SHIFT_BREAK:
        errors["break_minutes"] = _("Een dienst van meer dan 5,5 uur heeft minstens 30 minuten pauze "
                                    "(Arbeidstijdenwet).") + (clock_note if length <= LONG_SHIFT_MINUTES else "")

    if read("headcount") and not 1 <= data.headcount <= MAX_HEADCOUNT:
        errors["headcount"] = _("Vraag 1 tot en met %(max)d mensen per dag.", max=MAX_HEADCOUNT)
    if read("priority") and data.priority not in (1, 2, 3):
        errors["priority"] = _("Kies laag, normaal of hoog.")
    if read("contact_name") and len(data.contact_name) > 200:
        errors["contact_name"] = _("De naam is te lang (hoogstens 200 tekens).")
    if read("contact_phone") and data.contact_phone:
        from ..teams.forms import valid_phone  # the people forms' rule; imported late, as the blueprints are

        if not PHONE_RE.match(data.contact_phone):
            errors["contact_phone"] = _("Vul een telefoonnummer in met alleen cijfers, spaties, + of -.")
        elif not valid_phone(data.contact_phone) and not (existing and existing.contact_phone == data.contact_phone):
            # (A number stored before this rule stays as it is until someone changes it.)
            errors["contact_phone"] = _("Vul een geldig telefoonnummer in, bijvoorbeeld 070-1234567: 10 tot 15 "
                                        "cijfers, met alleen spaties of streepjes ertussen en een + vooraan.")
    for name in ("access_instructions", "notes"):
        if read(name) and len(getattr(data, name)) > MAX_TEXT:
            errors[name] = _("Deze tekst is te lang (hoogstens %(max)d tekens).", max=MAX_TEXT)
    return errors


def leaves_region(existing: DeploymentRequest | None, location_id: int) -> bool:
    """Whether moving an accepted or scheduled request to `location_id` takes it out of the region
    its teams are planned in."""
    if existing is None or existing.status not in REVIEWED or location_id == existing.location_id:
        return False
    regions = dict(db.session.execute(select(Location.id, Location.region).where(
        Location.id.in_([existing.location_id, location_id]))).all())
    return regions.get(location_id) != regions.get(existing.location_id)


def _longest_real_minutes(start: dt.date, end: dt.date, days: list[str], start_minute: int,
                          end_minute: int) -> tuple[int, dt.date | None]:
    """The longest a shift of these clock times lasts in real minutes on the period's chosen days,
    and the day it is longer than its clock times say (the clocks go back that night), or None.
    The clocks change on a Sunday only, so only Sundays are looked at."""
    from zoneinfo import ZoneInfo

    from flask import current_app

    clock = end_minute - start_minute
    if "7" not in days:
        return clock, None
    zone = ZoneInfo(current_app.config.get("TIMEZONE", feeds.TZID))
    longest, on = clock, None
    day = start + dt.timedelta(days=(6 - start.weekday()) % 7)
    while day <= end:
        midnight = dt.datetime(day.year, day.month, day.day, tzinfo=zone)
        # Wall-clock arithmetic, then real instants: the difference is the real length.
        begin = (midnight + dt.timedelta(minutes=start_minute)).astimezone(dt.timezone.utc)
        finish = (midnight + dt.timedelta(minutes=end_minute)).astimezone(dt.timezone.utc)
        real = int((finish - begin).total_seconds() // 60)
        if real > longest:
            longest, on = real, day
        day += dt.timedelta(weeks=1)
    return longest, on


def _skipped_by_clock(start: dt.date, end: dt.date, days: list[str], start_minute: int,
                     end_minute: int) -> tuple[dt.date, str, str] | None:
    """The first day of the period, on its chosen days, whose start or end time the clocks skip
    (they go forward that night), with that time ("02:30") and its field ("start_time" or "end_time"); None
    when there is none. Only Sundays, as _longest_real_minutes; a public holiday is no request day."""
    from zoneinfo import ZoneInfo

    from flask import current_app

    from ..formatting import minutes_to_hhmm

    if "7" not in days:
        return None
    zone = ZoneInfo(current_app.config.get("TIMEZONE", feeds.TZID))
    day = start + dt.timedelta(days=(6 - start.weekday()) % 7)
    while day <= end:
        midnight = dt.datetime(day.year, day.month, day.day)
        for minute, name in ((start_minute, "start_time"), (end_minute, "end_time")):
            local = midnight + dt.timedelta(minutes=minute)
            # zoneinfo gives a skipped time another time back.
            back = local.replace(tzinfo=zone).astimezone(dt.timezone.utc).astimezone(zone).replace(tzinfo=None)
            if back != local and not is_public_holiday(day):
                return day, minutes_to_hhmm(minute), name
        day += dt.timedelta(weeks=1)
    return None


def _chosen_days(start: dt.date, end: dt.date, days: list[str]) -> list[dt.date]:
    """The period's days on the chosen weekdays, the first three weeks of them: enough to tell
    whether any is not a public holiday (Christmas and New Year fall on the same weekday)."""
    span = min((end - start).days, 20)
    return [day for day in (start + dt.timedelta(days=i) for i in range(span + 1)) if str(day.isoweekday()) in days]


def _named_holidays(days: list[dt.date]) -> str:
    """'vrijdag 26 maart (Goede Vrijdag) en zondag 28 maart (Eerste paasdag)' in the reader's language."""
    return format_list([f"{full_date(day)} ({holiday(day)})" for day in days], locale=str(get_locale() or "nl"))


def holidays_asked(found: DeploymentRequest) -> list[dt.date]:
    """The public holidays from today to the request's end on its weekdays: days it seems to ask
    for, on which no team comes (occurs_on leaves them out). Empty for a request that no longer runs."""
    if found.status not in RUNNING:
        return []
    first = max(found.start_date, today())
    return sorted(day for year in range(first.year, found.end_date.year + 1) for day in public_holidays(year)
                  if first <= day <= found.end_date and str(day.isoweekday()) in found.weekdays)


def holidays_note(found: DeploymentRequest) -> str | None:
    """The request's holidays still to come by name and date, for its page and the message after
    filing or changing it; None when it has none."""
    days = holidays_asked(found)
    if not days:
        return None
    return ngettext("Op deze feestdag komt er geen team: %(days)s.", "Op deze feestdagen komt er geen team: %(days)s.",
                    len(days), days=_named_holidays(days))


def _refuse_if_invalid(data: RequestInput, ministry_id: int, existing: DeploymentRequest | None = None,
                       **rules) -> None:
    errors = validate(data, ministry_id, existing, **rules)
    if errors:
        field, message = next(iter(errors.items()))
        raise ServiceError(message, field=field)


def _normalised(data: RequestInput) -> RequestInput:
    data.weekdays = "".join(sorted(set(data.weekdays)))
    for name in ("contact_name", "contact_phone", "access_instructions", "notes"):
        setattr(data, name, (getattr(data, name) or "").strip())
    return data


def running_at(location_id: int) -> tuple[int, dt.date | None]:
    """How many requests still run at a location, and the last day the last of them runs."""
    return running_where(DeploymentRequest.location_id == location_id)


def running_where(*conditions) -> tuple[int, dt.date | None]:
    """How many requests that meet `conditions` still run, and the last day the last of them runs."""
    count, last = db.session.execute(
        select(func.count(DeploymentRequest.id), func.max(DeploymentRequest.end_date)).where(
            *conditions, DeploymentRequest.status.in_(RUNNING), DeploymentRequest.end_date >= today(),
        )
    ).one()
    return count or 0, last


def _hold(model, obj_id) -> None:
    """Share-lock a row until commit (PostgreSQL): archiving or moving it waits for us, or we for it,
    while other requests filed at the same moment do not wait for each other."""
    if isinstance(obj_id, int):
        db.session.execute(select(model.id).where(model.id == obj_id).with_for_update(read=True))


def refuse_if_ministry_archived(ministry_id: int) -> None:
    """An archived ministry files no new requests (archiving waits until its running ones end)."""
    if db.session.scalar(select(Ministry.archived).where(Ministry.id == ministry_id)) is not False:
        raise ServiceError(_("Uw ministerie is gearchiveerd. U kunt geen nieuwe aanvragen meer indienen. "
                             "Neem contact op met Binnenwerk als dat niet klopt."))


def create_request(data: RequestInput, *, ministry_id: int, actor, submission: str = "",
                   same_again: bool = False) -> DeploymentRequest:
    """File a request. `submission` names the form it came from: the same form sent again, even
    at the same instant as the first, lands on the request the first one made. A request that asks
    exactly what a running one asks is refused (SameRunningRequest) unless `same_again` says the
    contact wants a second one on purpose (more than 15 people a day takes two)."""
    data = _normalised(data)
    key = f"{ministry_id}:{submission}" if SUBMISSION_RE.fullmatch(submission or "") else None
    _refuse_if_sent_before(key)
    # Held before the checks read them: an admin archiving or moving either at this moment cannot
    # slip between the check and the insert. Location first, in the order the admin's changes take.
    _hold(Location, data.location_id)
    _hold(Ministry, ministry_id)
    refuse_if_ministry_archived(ministry_id)
    _refuse_if_invalid(data, ministry_id)
    twin = None if same_again else _same_running_request(data, ministry_id)
    if twin is not None:
        # Filed again by mistake (another form, the page opened twice), or on purpose: the contact
        # is asked, and nothing is stored until they say so.
        raise SameRunningRequest(twin)
    request = DeploymentRequest(
        ministry_id=ministry_id, status=S.SUBMITTED.value, created_by_id=getattr(actor, "id", None),
        submission_key=key, **{f.name: getattr(data, f.name) for f in fields(RequestInput)},
    )
    db.session.add(request)
    try:
        db.session.flush()
    except IntegrityError:
        # The same form's other copy inserted first (checked above, committed since).
        db.session.rollback()
        _refuse_if_sent_before(key)
        raise
    audit.record("request_created", request, actor=actor)
    db.session.commit()
    return request


SUBMISSION_RE = re.compile(r"[A-Za-z0-9_-]{16,64}")


def _refuse_if_sent_before(key: str | None) -> None:
    found = db.session.scalar(select(DeploymentRequest.id).where(DeploymentRequest.submission_key == key)) \
        if key else None
    if found is not None:
        raise DuplicateRequest.of(found)


class DuplicateRequest(ServiceError):
    """The same form sent again (a double click, a page sent twice): the first one made the request."""

    def __init__(self, message: str, existing_id: int):
        super().__init__(message)
        self.existing_id = existing_id

    @classmethod
    def of(cls, existing_id: int) -> DuplicateRequest:
        return cls(_("Deze aanvraag had u al ingediend: aanvraag %(id)d. Er is geen tweede gemaakt.",
                     id=existing_id), existing_id)


class SameRunningRequest(ServiceError):
    """Another form that asks exactly what a running request of the ministry asks: a second one
    only when the contact says so (`same_again`)."""

    def __init__(self, existing_id: int, stored: bool = False):
        super().__init__(
            _("Na deze wijziging vraagt deze aanvraag hetzelfde als aanvraag %(id)d. Uw wijziging is nog niet "
              "opgeslagen.", id=existing_id) if stored else
            _("U heeft al een aanvraag met dezelfde gegevens: aanvraag %(id)d. Er is nog geen tweede gemaakt.",
              id=existing_id))
        self.existing_id = existing_id


# What a request asks (contact details, notes and priority aside): two running requests of a
# ministry alike in all of these are asked about (SameRunningRequest).
ASKED = ("location_id", "work_type_id", "start_date", "end_date", "weekdays", "start_minute", "end_minute",
         "break_minutes", "headcount")


def _same_running_request(data: RequestInput, ministry_id: int, besides: int | None = None) -> int | None:
    """The id of another running request of the ministry that asks exactly the same, if any."""
    return db.session.scalar(
        select(DeploymentRequest.id).where(
            DeploymentRequest.ministry_id == ministry_id, DeploymentRequest.status.in_(RUNNING),
            DeploymentRequest.id != (besides or 0),
            *(getattr(DeploymentRequest, name) == getattr(data, name) for name in ASKED),
        ).order_by(DeploymentRequest.id).limit(1)
    )


def version_of(request: DeploymentRequest) -> str:
    return request.updated_at.isoformat() if request.updated_at else ""


def ministry_sets_priority(request: DeploymentRequest) -> bool:
    """Until the planner takes a request in, its priority is the ministry's wish, on its form;
    after that it is the planner's (set_priority), and the ministry's form no longer has it."""
    return request.status == S.SUBMITTED.value


def update_request(request: DeploymentRequest, data: RequestInput, *, actor, seen_version: str,
                   same_again: bool = False) -> list[str]:
    """Store the ministry's change; returns the names of the fields that changed. A change that
    makes the request ask exactly what another running one asks is refused (SameRunningRequest)
    unless `same_again` says so, as a new request is.

    `seen_version` is version_of() as the form showed it: when someone changed the request since,
    the save is refused instead of silently overwriting their change. An empty one is refused too:
    a save that cannot show which version it saw must not overwrite the current one.
    """
    db.session.refresh(request, with_for_update=True)
    refuse_if_over(request)
    if seen_version and seen_version != version_of(request) and not _differs(request, _normalised(data)):
        return []  # the same save sent twice (a double click): the first one stored it
    if not seen_version or seen_version != version_of(request):
        # Someone else, or the same person in another tab: the words fit both.
        raise ServiceError(_("Deze aanvraag is net veranderd, door iemand anders of in een ander venster. Hieronder "
                             "staan de nieuwe gegevens. Doe uw wijziging opnieuw."), field="conflict")
    if request.status not in CHANGEABLE:
        raise ServiceError(_("Deze aanvraag is %(status)s en kan niet meer veranderen.",
                             status=status_label(request.status).lower()))
    data = _normalised(data)
    if not ministry_sets_priority(request):
        data.priority = request.priority  # once taken in, the planner decides it (set_priority)
    _refuse_if_invalid(data, request.ministry_id, request, keep_region=True)
    changed = _differs(request, data)
    if not changed:
        return []
    twin = None if same_again or not set(changed) & set(ASKED) else _same_running_request(data, request.ministry_id,
                                                                                          besides=request.id)
    if twin is not None:
        raise SameRunningRequest(twin, stored=True)
    # The version the change was made on, first (a long text may cut the detail short): what
    # changed since a page showed the request is every change made on that version or a later one.
    before = {VERSION_KEY: version_of(request), **{name: _plain(getattr(request, name)) for name in changed}}
    access_changed = instructions_differ(request.access_instructions, data.access_instructions)
    for name in changed:
        setattr(request, name, getattr(data, name))
    if request.status in REVIEWED:
        request.changed_since_review = True
    request.updated_at = utcnow()
    if access_changed:
        tell_access_changed(request.id)  # the people told to come hear of the new way in
    audit.record("request_changed", request, actor=actor,
                 detail="fields=" + ",".join(changed) + BEFORE_MARK + json.dumps(before, ensure_ascii=False))
    db.session.commit()
    return changed


BEFORE_MARK = "; before="
VERSION_KEY = "updated_at"  # in a change's before-values: the version of the request it changed


def _differs(request: DeploymentRequest, data: RequestInput) -> list[str]:
    return [f.name for f in fields(RequestInput) if getattr(request, f.name) != getattr(data, f.name)]


def differing_fields(request: DeploymentRequest, data: RequestInput) -> list[str]:
    """The fields in which a form's input differs from the stored request, as a save compares them."""
    return _differs(request, _normalised(data))


def _plain(value):
    return value.isoformat() if isinstance(value, dt.date) else value


@dataclass
class FieldChange:
    name: str
    before: object
    after: object


# A change's name for the dates the request no longer asks for (call_off_day): in its before-values
# as a sorted list of ISO dates, beside the form's fields.
DATES_OFF = "dates_off"
# Its detail names the date and which way: "off=<date>" called off, "back=<date>" asked for again.
CALLED_OFF, TAKEN_BACK = "off", "back"
_DATES_OFF_DAY = re.compile(rf"\b({CALLED_OFF}|{TAKEN_BACK}|day)=(\d{{4}}-\d\d-\d\d)")

# After these the planner has seen the request as it is: each clears changed_since_review. A move
# to a status is recorded as transition() writes it, "request_" and the (Dutch) status value.
REVIEW_ACTIONS = ("request_reviewed", *(f"request_{status}" for status in (S.ACCEPTED.value, S.SCHEDULED.value)))
STATUS_ACTIONS = tuple(f"request_{status.value}" for status in S)
# What a page's version covers, and what a change since it can name: the ministry's fields and the status.
VERSIONED = (*(f.name for f in fields(RequestInput)), "status", DATES_OFF)


def changes_since_review(request: DeploymentRequest) -> list[FieldChange] | None:
    """What the ministry changed since the planner last accepted, scheduled or looked at the
    request: each field's value then and now (a field changed and changed back is left out, so all
    changed back is an empty list). None when nothing is known (not flagged, or changed where no
    values were kept)."""
    if not request.changed_since_review:
        return None
    first_before: dict = {}
    office_days: set[str] = set()  # the dates off the planner called off or took back since
    for event in _change_events(request, REVIEW_ACTIONS):  # newest first, back to the last review
        if event.action != "request_changed":
            break
        if _by_office(event):
            # The planner's own change (a date called off): theirs to know, not the ministry's.
            office_days.update(_day_of_dates_off_change(event))
            continue
        first_before.update(_before_values(event))
    first_before.pop(VERSION_KEY, None)
    if not first_before:
        return None
    changes = _field_changes(request, first_before)
    if office_days:
        # A date the planner acted on last is as they left it: only the ministry's dates are its change.
        changes = [FieldChange(c.name, *(sorted(set(v) - office_days) for v in (c.before, c.after)))
                   if c.name == DATES_OFF else c for c in changes]
        changes = [c for c in changes if c.before != c.after]
    return changes


def changes_since(request: DeploymentRequest, version: str) -> list[FieldChange]:
    """What was changed in the request since `version` (version_of() as a page showed it): each
    field's value then and now. Empty when no field differs, or when it is not known (changes
    stored before the version was kept with them)."""
    seen = _as_time(version)
    if seen is None:
        return []
    first_before: dict = {}
    # Newest first, back to the change that made `version`; a status and a priority made a new
    # version too (a priority only while the ministry sets it: ministry_sets_priority).
    for event in _change_events(request, ("request_priority", *STATUS_ACTIONS)):
        before = _before_values(event)
        if event.action != "request_changed" and not before:
            continue  # no version kept (made none, or stored before they were): says nothing about the rest
        made_on = _as_time(before.pop(VERSION_KEY, None))
        if made_on is None or made_on < seen:
            break
        first_before.update(before)
    return _field_changes(request, first_before)


def _by_office(event) -> bool:
    """Whether a change was made by the office (the planner calls off a date), not the ministry:
    the form is the ministry's only; a row whose account is gone counts as the ministry's."""
    return event.actor is not None and event.actor.role != Role.MINISTRY_CONTACT.value


def _day_of_dates_off_change(event) -> list[str]:
    """The date (ISO) a call-off or a take-back was about (its detail's "off=" or "back=")."""
    found = _DATES_OFF_DAY.search((event.detail or "").split(BEFORE_MARK)[0])
    return [found.group(2)] if found else []


def _change_events(request: DeploymentRequest, also: tuple[str, ...] = ()) -> list:
    from ..models import AuditEvent

    return db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.object_type == "DeploymentRequest", AuditEvent.object_id == str(request.id),
               AuditEvent.action.in_(("request_changed", *also)))
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    ).all()


_VERSION_AT_START = re.compile(r'\{"%s": "([^"]*)"' % VERSION_KEY)


def _before_values(event) -> dict:
    """A request_changed row's before-values; only the version when a long text cut it short."""
    _, mark, stored = (event.detail or "").partition(BEFORE_MARK)
    if not mark:
        return {}
    try:
        values = json.loads(stored)
    except ValueError:
        found = _VERSION_AT_START.match(stored)
        return {VERSION_KEY: found.group(1)} if found else {}
    return values if isinstance(values, dict) else {}


def _as_time(version: str | None) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(version) if version else None
    except (TypeError, ValueError):
        return None


def _field_changes(request: DeploymentRequest, first_before: dict) -> list[FieldChange]:
    changes = []
    for name in VERSIONED:
        if name not in first_before:
            continue
        now = dates_off_of(request) if name == DATES_OFF else _plain(getattr(request, name))
        if first_before[name] != now:
            changes.append(FieldChange(name, first_before[name], now))
    return changes


class StaleRequest(ServiceError):
    """The planner acted on a page that showed an older version of the request; `changes` says what
    differs since (it may be empty: it changed and back, or changed where no values were kept)."""

    def __init__(self, changes: list[FieldChange]):
        super().__init__(_("Deze aanvraag is veranderd nadat je de pagina opende. Er is niets opgeslagen."),
                         field="conflict")
        self.changes = changes


def refuse_if_stale(request: DeploymentRequest, seen_version: str | None) -> None:
    """Refuse a planner's decision taken on an older version of the request than the stored one.
    None means the caller knows no version (the command line, an import): nothing to compare."""
    if seen_version is not None and seen_version != version_of(request):
        raise StaleRequest(changes_since(request, seen_version))


def can_transition(current: str, new: str) -> bool:
    return new in TRANSITIONS.get(current, frozenset())


def transition(request: DeploymentRequest, new_status: str, *, actor, reason: str = "",
               seen_version: str | None = None) -> DeploymentRequest:
    """Move a request to a new status, or refuse with a Dutch message.

    The status is written only if it is still the one this decision was based on (a conditional
    UPDATE): of two planners accepting and declining the same request at once exactly one wins,
    and the other is told the request changed meanwhile, with nothing of their action stored.
    `seen_version` is version_of() as the planner's page showed the request: a request changed
    since is refused (StaleRequest, with what changed) instead of accepting what nobody saw.
    """
    seen = request.status
    if seen == new_status:
        raise ServiceError(_("Deze aanvraag is al %(status)s.", status=status_label(seen).lower()))
    if not can_transition(seen, new_status):
        raise ServiceError(_(
            "Een aanvraag die %(current)s is, kan niet %(new)s worden.",
            current=status_label(seen).lower(), new=status_label(new_status).lower(),
        ))
    by_ministry = getattr(actor, "role", None) == "ministry_contact"
    if new_status == S.CANCELLED.value and by_ministry:
        refuse_if_over(request)
    refuse_if_stale(request, seen_version)
    values: dict = {"status": new_status, "updated_at": utcnow()}
    if new_status == S.DECLINED.value:
        values["decline_reason"] = _reason(reason, _("Geef een reden waarom je de aanvraag afwijst."))
    if new_status == S.CANCELLED.value and not by_ministry:
        # Binnenwerk calls off what the ministry asked: it reads why, as it does for a decline. The
        # ministry's own cancel needs no reason.
        values["cancel_reason"] = _reason(reason, _("Geef een reden waarom je de aanvraag annuleert."))
    if new_status == S.ACCEPTED.value:
        refuse_accepting_if_archived(request.location, request.ministry)
    if new_status == S.COMPLETED.value and not can_complete(request):
        raise ServiceError(_("Een aanvraag is pas afgerond na de laatste dag (%(date)s).",
                             date=format_date(request.end_date, "d MMMM yyyy")))
    if new_status == S.CANCELLED.value and by_ministry and seen in REVIEWED:
        # The planner has people planned for it: they must see the cancellation.
        values["changed_since_review"] = True
    elif new_status in (S.ACCEPTED.value, S.DECLINED.value) or not by_ministry:
        values["changed_since_review"] = False
    request_id = request.id
    # The version the move was made on, as a change's (see update_request): a page opened before it
    # is told the status changed.
    before = {VERSION_KEY: version_of(request), "status": seen}
    # Checked above, and again by the UPDATE: a change saved between the two is not accepted either.
    same_version = (DeploymentRequest.updated_at == request.updated_at,) if seen_version is not None else ()
    if new_status == S.CANCELLED.value and seen in request_history.COMMITTED:
        # The days gone by were committed (and maybe worked): reports keep them.
        asked = request_history.values_of(request)
        request_history.freeze(db.session, request_id, asked, asked)
    if new_status in request_history.WITHDRAWN:
        request_history.unsettle_rosters(db.session, request_id)
    written = db.session.execute(
        update(DeploymentRequest)
        .where(DeploymentRequest.id == request_id, DeploymentRequest.status == seen, *same_version)
        .values(**values)
        .execution_options(synchronize_session=False)
    ).rowcount
    if written != 1:
        db.session.rollback()
        now = db.session.scalar(select(DeploymentRequest.status).where(DeploymentRequest.id == request_id))
        if now == seen and seen_version is not None:
            raise StaleRequest(changes_since(request, seen_version))
        # Not "someone else": it may have been the same person's first click of a double click.
        status = status_label(now or "").lower()
        if by_ministry:
            message = _("Deze aanvraag is net veranderd: hij is nu %(status)s. "
                        "Bekijk de aanvraag opnieuw en kies dan wat u wilt doen.", status=status)
        else:
            message = _("Deze aanvraag is net veranderd: hij is nu %(status)s. "
                        "Bekijk de aanvraag opnieuw en kies dan wat je wilt doen.", status=status)
        raise ServiceError(message, field="conflict")
    # Field names and values of the status only: the reason's text stays on the request.
    audit.record(f"request_{new_status}", request, actor=actor,
                 detail=f"from={seen}" + BEFORE_MARK + json.dumps(before))
    db.session.commit()  # expires `request`: its next read shows what was written
    return request


def _reason(reason: str | None, missing: str) -> str:
    """A decline's or cancel's reason as stored; refused (on the reason field) when empty or too long."""
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(missing, field="reason")
    if len(reason) > MAX_TEXT:
        raise ServiceError(_("De reden is te lang (hoogstens %(max)d tekens).", max=MAX_TEXT), field="reason")
    return reason


def weeks_still_told(request: DeploymentRequest) -> list[str]:
    """The weeks (from today on) in which people were told to work on this request and still are:
    after a cancel or decline those rosters must be published again to call the shifts off."""
    days = db.session.scalars(select(PublishedShift.date).where(
        PublishedShift.request_id == request.id, PublishedShift.cancelled.is_(False),
        PublishedShift.date >= feeds.local_today()).distinct()).all()
    return sorted({week_of(day) for day in days})


def weeks_being_planned(request: DeploymentRequest) -> list[str]:
    """The weeks with a day of the request from today on whose rosters of its region a solve is
    making right now (running, and alive): it read its data before this request was accepted or
    changed, so it plans without it, and the week needs planning again when it is done. A solve
    still waiting in the queue reads the request as it is now."""
    from .. import jobs
    from ..models import JobStatus, SolveJob

    first = max(request.start_date, today())
    days = [first + dt.timedelta(days=n) for n in range((request.end_date - first).days + 1)]
    weeks = sorted({week_of(day) for day in days if request.occurs_on(day)})
    if not weeks:
        return []
    region = request.location.region
    alive = utcnow() - dt.timedelta(seconds=float(jobs.current_config("SOLVE_HEARTBEAT_TIMEOUT",
                                                                      jobs.HEARTBEAT_TIMEOUT)))
    in_region = select(Team.id).where(Team.region == region)
    return sorted(set(db.session.scalars(select(SolveJob.week).where(
        SolveJob.week.in_(weeks), SolveJob.status == JobStatus.RUNNING.value, SolveJob.cancel_requested.is_(False),
        func.coalesce(SolveJob.heartbeat_at, SolveJob.created_at) >= alive,
        SolveJob.team_id.in_(in_region) | (SolveJob.team_id.is_(None)
                                           & (SolveJob.region.is_(None) | (SolveJob.region == region)))))))


def still_told_message(request: DeploymentRequest) -> str | None:
    """The planner's words after a cancel or decline (its form, its import) while people are still
    told to come: which rosters to publish again, since publishing calls those shifts off."""
    weeks = weeks_still_told(request)
    if not weeks:
        return None
    return ngettext(
        "Er staan nog mensen ingepland op deze aanvraag in week %(weeks)s. Publiceer dat rooster opnieuw: "
        "dan gaan die diensten niet door.",
        "Er staan nog mensen ingepland op deze aanvraag in de weken %(weeks)s. Publiceer die roosters opnieuw: "
        "dan gaan die diensten niet door.", len(weeks), weeks=", ".join(weeks))


def changed_while_told_message(request: DeploymentRequest) -> str | None:
    """The planner's words after what a running request asks changed (its times, its people) while
    people are told to come on it: those rosters still say what was asked before, until they are
    checked and published again."""
    weeks = weeks_still_told(request)
    if not weeks:
        return None
    return ngettext(
        "Er staan mensen ingepland op deze aanvraag in week %(weeks)s. Kijk of dat rooster nog klopt en "
        "publiceer het opnieuw.",
        "Er staan mensen ingepland op deze aanvraag in de weken %(weeks)s. Kijk of die roosters nog kloppen en "
        "publiceer ze opnieuw.", len(weeks), weeks=", ".join(weeks))


def weeks_planned_messages(request: DeploymentRequest) -> list[str]:
    """After an accept (its button, its import): the weeks of the request whose rosters of its
    region were made already, and those a solve is making right now (it read its data before the
    accept). They do not take it in until the region is planned again. The region's name is the
    caller's to mark as Dutch."""
    from .rosters import weeks_planned_before

    running = weeks_being_planned(request)
    weeks = [week for week in weeks_planned_before(request) if week not in running]
    region = request.location.region
    said = []
    if weeks:
        said.append(ngettext(
            "Week %(weeks)s van regio %(region)s is al gepland. Plan die regio opnieuw om deze aanvraag "
            "in te plannen.",
            "Weken %(weeks)s van regio %(region)s zijn al gepland. Plan die regio opnieuw om deze aanvraag "
            "in te plannen.", len(weeks), weeks=week_names(weeks, weeks + running, today()), region=region))
    if running:
        said.append(ngettext(
            "Week %(weeks)s van regio %(region)s wordt nu gepland, zonder deze aanvraag. Plan die week "
            "opnieuw als het plannen klaar is.",
            "Weken %(weeks)s van regio %(region)s worden nu gepland, zonder deze aanvraag. Plan die weken "
            "opnieuw als het plannen klaar is.", len(running), weeks=week_names(running, weeks + running, today()),
            region=region))
    return said


def can_complete(request: DeploymentRequest) -> bool:
    """Completed means its last day has gone by: before that people still go there."""
    return is_over(request)


def is_over(request: DeploymentRequest) -> bool:
    """Its last day has gone by: what it asked was worked (or not), so the ministry no longer
    changes or cancels it. A change could only be refused for its end date, and a cancel would
    turn work done into "geannuleerd" on the planner's intake."""
    return request.end_date < today()


def over_message(request: DeploymentRequest) -> str:
    """Why a ministry contact can no longer change or cancel a request whose last day has gone by."""
    return _("Deze aanvraag is voorbij: de laatste dag was %(date)s. U kunt hem niet meer wijzigen of annuleren.",
             date=format_date(request.end_date, "d MMMM yyyy"))


def refuse_if_over(request: DeploymentRequest) -> None:
    """A ministry's change or cancel of a request whose last day has gone by: refused, nothing stored."""
    if is_over(request):
        raise ServiceError(over_message(request))


def weeks_published(regions: Collection[str], weeks: Collection[str]) -> set[tuple[str, str]]:
    """The (region, week) pairs in which every active team of the region has published its roster
    (at least once, as the job report counts a week published). A request's day there with nobody
    planned was planned without anyone: "nobody planned", not "not planned yet"."""
    if not regions or not weeks:
        return set()
    teams = dict(db.session.execute(
        select(Team.region, func.count(Team.id))
        .where(Team.region.in_(set(regions)), Team.archived.is_(False)).group_by(Team.region)).all())
    published = db.session.execute(
        select(Team.region, Roster.week, func.count(Roster.id))  # one roster a team and week
        .join(Team, Team.id == Roster.team_id)
        .where(Team.region.in_(set(regions)), Team.archived.is_(False), Roster.week.in_(set(weeks)),
               Roster.version > 0)
        .group_by(Team.region, Roster.week)).all()
    return {(region, week) for region, week, count in published if count >= teams.get(region, 0) > 0}


def refuse_accepting_if_archived(location: Location, ministry: Ministry) -> None:
    """A request at an archived location, or of an archived ministry, can no longer be taken on.

    Takes the location and ministry rather than the request, so the import can check the ones a
    row is about to store before it stores them.
    """
    if location.archived:
        raise ServiceError(_(
            "Locatie %(name)s is gearchiveerd. Een aanvraag voor die locatie kun je niet accepteren. "
            "Wijs de aanvraag af met een reden.", name=location.name,
        ))
    if ministry.archived:
        from .admin import label_of  # admin imports this module

        raise ServiceError(_(
            "%(name)s is gearchiveerd. Een aanvraag van dit ministerie kun je niet accepteren. "
            "Wijs de aanvraag af met een reden.", name=label_of(ministry),
        ))


def set_priority(request: DeploymentRequest, priority: int, *, actor, seen_priority: int | None = None) -> bool:
    """The planner's choice of priority (the ministry's is a wish); False when it was already so.

    `seen_priority` is the priority the planner's page showed: one set since (by another planner, or
    in another tab) is not overwritten unseen. None means the caller knows none: nothing to compare.
    """
    if priority not in (1, 2, 3):
        raise ServiceError(_("Kies een prioriteit uit de lijst."), field="priority")
    if request.status not in RUNNING:
        raise ServiceError(_("Deze aanvraag is %(status)s: de prioriteit doet er niet meer toe.",
                             status=status_label(request.status).lower()))
    if request.priority == priority:
        return False  # also the second click of a double click
    seen = request.priority if seen_priority is None else seen_priority
    if seen != request.priority:
        raise _priority_changed(request.priority)
    values: dict = {"priority": priority}
    detail = f"from={request.priority} to={priority}"
    if ministry_sets_priority(request):
        # On the ministry's form too: a new version, so that a form or page opened before says what
        # changed (the before-values as a change's, see update_request).
        values["updated_at"] = utcnow()
        detail += BEFORE_MARK + json.dumps({VERSION_KEY: version_of(request), "priority": request.priority})
    else:
        # The planner's own field now: the ministry's open form, which no longer shows it, stays
        # current (its save is not refused for it), and the rosters' stamps stay as they are.
        values["updated_at"] = DeploymentRequest.updated_at
    # Conditional, like transition(): of two planners setting it at once, the second is told.
    written = db.session.execute(
        update(DeploymentRequest)
        .where(DeploymentRequest.id == request.id, DeploymentRequest.priority == seen,
               DeploymentRequest.status.in_(RUNNING))
        .values(**values)
        .execution_options(synchronize_session=False)
    ).rowcount
    if written != 1:
        db.session.rollback()
        db.session.refresh(request)
        if request.status not in RUNNING:
            raise ServiceError(_("Deze aanvraag is %(status)s: de prioriteit doet er niet meer toe.",
                                 status=status_label(request.status).lower()))
        if request.priority == priority:
            return False
        raise _priority_changed(request.priority)
    audit.record("request_priority", request, actor=actor, detail=detail)
    db.session.commit()  # expires `request`: its next read shows what was written
    return True


def _priority_changed(now: int) -> ServiceError:
    return ServiceError(_("De prioriteit is net op %(priority)s gezet, nadat je de pagina opende. Er is niets "
                          "opgeslagen. Wil je toch een andere prioriteit? Kies dan opnieuw.",
                          priority=priority_label(now).lower()), field="priority")


def mark_reviewed(request: DeploymentRequest, *, actor, seen_version: str | None = None) -> DeploymentRequest:
    """The planner has seen what the ministry changed. `seen_version` is version_of() as their page
    showed the request: a change made since is not cleared unseen (StaleRequest, with what changed)."""
    if not request.changed_since_review:
        raise ServiceError(_("Deze aanvraag heeft geen wijzigingen om te bekijken."))
    refuse_if_stale(request, seen_version)
    same_version = (DeploymentRequest.updated_at == request.updated_at,) if seen_version is not None else ()
    # Conditional like transition(): two planners marking it at once leave one audit row, and a
    # change saved between the check and the UPDATE keeps its flag.
    written = db.session.execute(
        update(DeploymentRequest)
        .where(DeploymentRequest.id == request.id, DeploymentRequest.changed_since_review.is_(True), *same_version)
        .values(changed_since_review=False)
        .execution_options(synchronize_session=False)
    ).rowcount
    if written != 1:
        db.session.rollback()
        if seen_version is not None and request.changed_since_review:
            raise StaleRequest(changes_since(request, seen_version))
        raise ServiceError(_("Deze aanvraag heeft geen wijzigingen om te bekijken."))
    audit.record("request_reviewed", request, actor=actor)
    db.session.commit()
    return request


# --- one date called off ---------------------------------------------------------------------------

# A request the planner took in whose days are planned: one of them may be called off (and taken
# back). One still waiting is changed with its form; one withdrawn or completed asks for nothing more.
DAY_OFF_STATUSES = frozenset({S.ACCEPTED.value, S.SCHEDULED.value})


def dates_off_of(request: DeploymentRequest) -> list[str]:
    """The dates the request does not ask for after all, as ISO text in order (a change's values)."""
    return [off.date.isoformat() for off in request.dates_off]


def _started(request: DeploymentRequest, day: dt.date) -> bool:
    """Whether the request's shift that day is under way or over: the rule publishing keeps told
    shifts by (rosters.has_begun). A day of today may still be called off before its start."""
    from .rosters import has_begun, minute_now  # rosters imports this module

    now = today()
    return has_begun(day, request.start_minute, now, minute_now(now))


def refuse_unless_days_may_change(request: DeploymentRequest) -> None:
    """Refuse calling off a date (or taking one back) of a request not taken in, withdrawn or over."""
    if request.status == S.SUBMITTED.value:
        raise ServiceError(_("Deze aanvraag is nog niet geaccepteerd. Een dag afzeggen kan pas als de planner hem "
                             "heeft geaccepteerd."))
    if request.status not in DAY_OFF_STATUSES:
        raise ServiceError(_("Deze aanvraag is %(status)s. Er valt geen dag meer af te zeggen.",
                             status=status_label(request.status).lower()))
    if is_over(request):
        raise ServiceError(_("Deze aanvraag is voorbij. Er valt geen dag meer af te zeggen."))


def day_off_refusal(request: DeploymentRequest, day: dt.date) -> str | None:
    """Why `day` cannot be called off for this request, or None: it must be a day the request asks
    for (in its period, on one of its weekdays, no public holiday, not called off already) that is
    still to come (today only before the shift starts)."""
    if day < today():
        return _("Deze datum ligt in het verleden. Kies vandaag of later.")
    if not request.start_date <= day <= request.end_date:
        return _("Deze datum valt buiten de aanvraag. De aanvraag loopt van %(first)s tot en met %(last)s.",
                 first=full_date(request.start_date), last=full_date(request.end_date))
    if str(day.isoweekday()) not in request.weekdays:
        return _("Op %(date)s vraagt deze aanvraag geen mensen: het is geen van de gekozen dagen.",
                 date=full_date(day))
    if is_public_holiday(day):
        return _("Op %(date)s is het een feestdag (%(holiday)s). Dan komt er al geen team.",
                 date=full_date(day), holiday=holiday(day))
    if any(off.date == day for off in request.dates_off):
        return _("Deze dag is al afgezegd.")
    if _started(request, day):
        return _("De dienst van vandaag is al begonnen. Deze dag kan niet meer worden afgezegd.")
    return None


def call_off_day(request: DeploymentRequest, day: dt.date, *, actor) -> None:
    """Call off one date of a running request: it no longer asks for people that day, the rest of
    its period stands. A change of the request like the ministry's form makes: a new version, the
    planner looks again (a ministry contact's), the published rosters with its shifts are no longer
    what was told (publishing calls that day's shifts off), and the audit keeps the dates before.
    Refused (ServiceError on "date", nothing stored) for a day it does not ask for or gone by."""
    db.session.refresh(request, with_for_update=True)
    refuse_unless_days_may_change(request)
    message = day_off_refusal(request, day)
    if message:
        raise ServiceError(message, field="date")
    before = _dates_off_before(request)
    request.dates_off.append(RequestDateOff(date=day, created_by_id=getattr(actor, "id", None)))
    _store_dates_off_change(request, CALLED_OFF, day, before, actor)


def take_back_day_off(request: DeploymentRequest, day: dt.date, *, actor) -> None:
    """Ask for a called-off date again ("toch laten doorgaan"), while it is still to come: the
    same kind of change as call_off_day."""
    db.session.refresh(request, with_for_update=True)
    refuse_unless_days_may_change(request)
    found = next((off for off in request.dates_off if off.date == day), None)
    if found is None:
        raise ServiceError(_("Deze dag is niet afgezegd."), field="date")
    if not would_ask_on(request, day):
        raise ServiceError(_("Op %(date)s vraagt de aanvraag geen mensen meer: die dag valt buiten de periode of de "
                             "gekozen dagen, of het is een feestdag. Toch laten doorgaan kan daarom niet.",
                             date=full_date(day)), field="date")
    if not may_take_back(request, day):
        raise ServiceError(_("Deze dag is al begonnen of voorbij. Hij blijft afgezegd."), field="date")
    before = _dates_off_before(request)
    # Deleted by a statement that says whether it found the row: the same take-back at the same
    # instant on SQLite (no row lock; this one waited for the other's write) finds it gone, and the
    # route says it went through, instead of a second history line for one take-back.
    gone = db.session.execute(delete(RequestDateOff).where(RequestDateOff.id == found.id)
                              .execution_options(synchronize_session=False)).rowcount
    if gone != 1:
        db.session.rollback()
        raise ServiceError(_("Deze dag is niet afgezegd."), field="date")
    db.session.expunge(found)
    db.session.expire(request, ["dates_off"])
    _store_dates_off_change(request, TAKEN_BACK, day, before, actor)


def may_take_back(request: DeploymentRequest, day: dt.date) -> bool:
    """Whether a called-off date is still to come (today: before the shift starts)."""
    return day >= today() and not _started(request, day)


def would_ask_on(request: DeploymentRequest, day: dt.date) -> bool:
    """Whether the request would ask for people on `day` but for its being called off: in its
    period, one of its weekdays, no public holiday. A date called off before the period or the
    weekdays changed may fall outside them: it is kept (should they take it in again, it is still
    called off), but neither listed nor to be taken back."""
    return (request.start_date <= day <= request.end_date and str(day.isoweekday()) in request.weekdays
            and not is_public_holiday(day))


def dates_off_asked(request: DeploymentRequest) -> list[dt.date]:
    """The called-off dates the request would otherwise ask for (would_ask_on), in order."""
    return [off.date for off in request.dates_off if would_ask_on(request, off.date)]


def _dates_off_before(request: DeploymentRequest) -> dict:
    # The version the change was made on, first, as update_request keeps it (changes_since).
    return {VERSION_KEY: version_of(request), DATES_OFF: dates_off_of(request)}


def _store_dates_off_change(request: DeploymentRequest, way: str, day: dt.date, before: dict, actor) -> None:
    if getattr(actor, "role", None) == "ministry_contact" and request.status in REVIEWED:
        request.changed_since_review = True  # the planner's own change needs no second look
    request.updated_at = utcnow()
    try:
        # Its shifts that day are no longer what people were told (or, taken back, are again), until
        # the roster is published again; a roster whose publication would tell nothing stays as it is.
        request_history.unsettle_rosters(db.session, request.id, check_at_commit=True)
        audit.record("request_changed", request, actor=actor,
                     detail=f"fields={DATES_OFF} {way}={day.isoformat()}" + BEFORE_MARK + json.dumps(before))
        db.session.commit()
    except IntegrityError:
        # The same date called off at the same moment (a double click, another tab): stored once.
        db.session.rollback()
        raise ServiceError(_("Deze dag is al afgezegd."), field="date") from None


def called_off_between(ministry_id: int, start: dt.date, end: dt.date,
                       request_id: int | None = None) -> list[tuple[DeploymentRequest, list[dt.date]]]:
    """Per running request of the ministry (by its start), the dates of [start, end] it calls
    off that it would otherwise ask for: the ministry's plan lists no such date, and says why."""
    found: dict[int, tuple[DeploymentRequest, list[dt.date]]] = {}
    query = (select(RequestDateOff).join(DeploymentRequest, DeploymentRequest.id == RequestDateOff.request_id)
             .where(DeploymentRequest.ministry_id == ministry_id, DeploymentRequest.status.in_(DAY_OFF_STATUSES),
                    RequestDateOff.date.between(start, end))
             .order_by(DeploymentRequest.start_date, DeploymentRequest.id, RequestDateOff.date))
    if request_id is not None:
        query = query.where(DeploymentRequest.id == request_id)
    for off in db.session.scalars(query):
        request = db.session.get(DeploymentRequest, off.request_id)
        if would_ask_on(request, off.date):
            found.setdefault(request.id, (request, []))[1].append(off.date)
    return list(found.values())


def told_on(request: DeploymentRequest, day: dt.date) -> int:
    """How many people were told to come on the request that day and still are."""
    return db.session.scalar(select(func.count(PublishedShift.id)).where(
        PublishedShift.request_id == request.id, PublishedShift.date == day,
        PublishedShift.cancelled.is_(False))) or 0


# --- shifts standing on days a request no longer asks for --------------------------------------


@dataclass
class DroppedDay:
    """A team still told to come on a day its request no longer asks for. Team level only: the
    ministry sees how many people, never who."""

    date: dt.date
    team: str
    people: int
    location: str
    start_minute: int
    end_minute: int
    leader_name: str = ""
    leader_phone: str = ""


@dataclass
class DroppedDays:
    request: DeploymentRequest
    days: list[DroppedDay]


def dropped_days(ministry_id: int, start: dt.date, end: dt.date, request_id: int | None = None) -> list[DroppedDays]:
    """Per request of the ministry: published shifts in [start, end] on days the request does not
    (or no longer) ask for, grouped by day, team, place and times.

    They stand until the planner publishes the week again (publishing calls them off); until then
    the ministry must know people may still come. reports.ministry_plan shows the days a request
    asks for; this is everything else: a weekday or dates changed, or the request cancelled.
    Only from today on: a day gone by was worked or not, and nobody adjusts it any more. Nor does
    anyone adjust a shift of today whose start has come: publishing keeps it as told
    (services.rosters._publish), so it is left out too.
    """
    from .rosters import minute_now

    today = feeds.local_today()
    start = max(start, today)
    if start > end:
        return []
    query = (
        # One line per day, team, place and times; any one of the supervisors there is the one to call.
        select(PublishedShift.request_id, PublishedShift.date, PublishedShift.team_id,
               func.min(PublishedShift.supervisor_id), PublishedShift.location_id, PublishedShift.start_minute,
               PublishedShift.end_minute, func.count(PublishedShift.id))
        .join(DeploymentRequest, DeploymentRequest.id == PublishedShift.request_id)
        .where(
            DeploymentRequest.ministry_id == ministry_id,
            PublishedShift.cancelled.is_(False),
            PublishedShift.date.between(start, end),
        )
        .group_by(PublishedShift.request_id, PublishedShift.date, PublishedShift.team_id,
                  PublishedShift.location_id, PublishedShift.start_minute, PublishedShift.end_minute)
    )
    if request_id is not None:
        query = query.where(PublishedShift.request_id == request_id)
    rows = db.session.execute(query).all()
    if not rows:
        return []
    requests = {r.id: r for r in db.session.scalars(
        select(DeploymentRequest).where(DeploymentRequest.id.in_({row[0] for row in rows})))}
    asked = {
        r.id: set(request_days(r, start, end)) if r.status in COMMITTED_STATUSES else set()
        for r in requests.values()
    }
    minute = minute_now(today)
    rows = [row for row in rows if row[1] not in asked[row[0]] and not (row[1] == today and row[5] <= minute)]
    if not rows:
        return []
    team_ids = {row[2] for row in rows}
    teams = dict(db.session.execute(select(Team.id, Team.name).where(Team.id.in_(team_ids))).all())
    location_names = dict(db.session.execute(
        select(Location.id, Location.name).where(Location.id.in_({row[4] for row in rows}))).all())
    # As on the rest of the plan: the shift's supervisor, else the team's own leader.
    supervisor_ids = {row[3] for row in rows if row[3] is not None}
    leaders = {s.id: s for s in db.session.scalars(select(Supervisor).where(Supervisor.id.in_(supervisor_ids)))} \
        if supervisor_ids else {}
    team_leaders = feeds.team_leaders(team_ids)

    away = leaders_away(set(leaders) | {s.id for s in team_leaders.values()}, start, end)
    found: dict[int, list[DroppedDay]] = {}
    for request_id_, day, team_id, supervisor_id, location_id, start_minute, end_minute, people in rows:
        leader = leaders.get(supervisor_id) or team_leaders.get(team_id)
        leader_name, leader_phone = leader_contact(leader, day, start_minute, end_minute, away)
        found.setdefault(request_id_, []).append(DroppedDay(
            date=day, team=teams.get(team_id, ""), people=people, location=location_names.get(location_id, ""),
            start_minute=start_minute, end_minute=end_minute, leader_name=leader_name, leader_phone=leader_phone,
        ))
    ordered = sorted(found, key=lambda pk: (requests[pk].start_date, pk))
    return [
        DroppedDays(request=requests[pk], days=sorted(found[pk], key=lambda d: (d.date, d.team, d.start_minute)))
        for pk in ordered
    ]
