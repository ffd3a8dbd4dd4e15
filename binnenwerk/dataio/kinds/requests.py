"""Deployment requests: the id is the key; the rules are those of services.requests."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ...extensions import db
from ...formatting import minutes_to_hhmm
from ...models import MINUTES_PER_DAY, DeploymentRequest, RequestStatus, Role
from ...services import ServiceError, access_told
from ...services import requests as request_service
from .. import values as v
from ..engine import INVALID, Column, Context, Kind, RowReader, RowRefused

PRIORITY_WORDS = {"laag": 1, "normaal": 2, "hoog": 3}
PRIORITY_NAMES = {n: w for w, n in PRIORITY_WORDS.items()}
# The English words the English pages give the priorities: read too, as an export writes Dutch.
ENGLISH_PRIORITIES = {"low": 1, "normal": 2, "high": 3}
STATUSES = {s.value for s in RequestStatus}
# The English words the English pages give the statuses (US "canceled" too), each to the stored status.
ENGLISH_STATUSES = {
    "submitted": RequestStatus.SUBMITTED.value, "accepted": RequestStatus.ACCEPTED.value,
    "declined": RequestStatus.DECLINED.value, "scheduled": RequestStatus.SCHEDULED.value,
    "completed": RequestStatus.COMPLETED.value, "cancelled": RequestStatus.CANCELLED.value,
    "canceled": RequestStatus.CANCELLED.value,
}
# The service's field names and the columns that hold them.
FIELD_COLUMNS = {
    "location_id": "locatie", "work_type_id": "werksoort", "start_date": "startdatum", "end_date": "einddatum",
    "weekdays": "dagen", "start_time": "begintijd", "end_time": "eindtijd", "break_minutes": "pauze_minuten",
    "headcount": "aantal_medewerkers", "priority": "prioriteit", "contact_name": "contactpersoon",
    "contact_phone": "contact_telefoon", "access_instructions": "toegangsinstructies", "notes": "opmerkingen",
}
# (column, attribute, max length) of the free texts.
TEXTS = (
    ("contactpersoon", "contact_name", 200), ("contact_telefoon", "contact_phone", 40),
    ("toegangsinstructies", "access_instructions", 2000), ("opmerkingen", "notes", 2000),
    ("reden_afwijzing", "decline_reason", 2000), ("reden_annulering", "cancel_reason", 2000),
)
MULTILINE_TEXTS = {"toegangsinstructies", "opmerkingen", "reden_afwijzing", "reden_annulering"}
CHUNK = 500  # ids in one IN list
COMPARED = ("ministry_id", "location_id", "work_type_id", "start_date", "end_date", "weekdays", "start_minute",
            "end_minute", "break_minutes", "headcount", "priority", "status", "contact_name", "contact_phone",
            "access_instructions", "notes", "decline_reason", "cancel_reason")


def priority(value) -> int:
    raw = v.display(value).casefold()
    if raw in PRIORITY_WORDS or raw in ENGLISH_PRIORITIES:
        return PRIORITY_WORDS.get(raw) or ENGLISH_PRIORITIES[raw]
    if raw in ("1", "2", "3"):
        return int(raw)
    # The Dutch words with their meaning in the reader's language (the English catalogue says
    # "laag (low)"), and that the English words are read too.
    raise v.CellError(_("'%(value)s' is geen prioriteit. Schrijf laag, normaal of hoog", value=v.display(value)))


def status(value) -> str | None:
    raw = v.display(value).casefold()
    if not raw:
        return None
    if raw in ENGLISH_STATUSES:
        return ENGLISH_STATUSES[raw]
    if raw not in STATUSES:
        # As priority's: the Dutch words, each with its meaning in the reader's language.
        raise v.CellError(_(
            "'%(value)s' is geen status. Schrijf ingediend, geaccepteerd, afgewezen, ingepland, afgerond of "
            "geannuleerd", value=v.display(value)))
    return raw


class RequestsKind(Kind):
    name = "requests"
    title = _l("Inzetaanvragen")
    content = _l("inzetaanvragen")
    sheet_title = _l("Inzetaanvragen")
    roles = (Role.PLANNER,)
    columns = [
        Column("id", _l("Het nummer van de aanvraag. Leeg bij een nieuwe aanvraag."), False, None, text=False),
        Column("ministerie", _l("De code van het ministerie, bijvoorbeeld BZK."), True, "BZK"),
        Column("locatie", _l("De code van de locatie. Die hoort bij het ministerie."), True, "dh-rijnstraat"),
        Column("werksoort", _l("De code van de werksoort."), True, "keyboards"),
        Column("startdatum", _l("Eerste dag: 2026-12-07 of 7-12-2026."), True, "2027-01-04", text=False),
        Column("einddatum", _l("Laatste dag (hoogstens een jaar na de eerste)."), True, "2027-03-26", text=False),
        Column("dagen", _l("De dagen met komma's ertussen, bijvoorbeeld ma,di,wo,do,vr. De dagen zijn ma, di, "
                           "wo, do, vr, za en zo."), True, "ma,wo,vr",
               values=v.WEEKDAY_COLUMNS),
        Column("begintijd", _l("Begintijd, bijvoorbeeld 09:00."), True, "09:00", text=False),
        Column("eindtijd", _l("Eindtijd, bijvoorbeeld 15:00."), True, "15:00", text=False),
        Column("pauze_minuten", _l("Pauze in minuten (0 mag). Meer dan 5,5 uur werk: minstens 30. Meer dan 10 uur: minstens 45."), False, 30,
               text=False),
        Column("aantal_medewerkers", _l("Hoeveel mensen per dag: 1 tot en met 15."), True, 3, text=False),
        Column("prioriteit", _l("laag, normaal of hoog. Leeg: normaal."), False, "normaal",
               values=tuple(PRIORITY_WORDS)),
        Column("status", _l("ingediend, geaccepteerd, afgewezen, ingepland, afgerond of geannuleerd. Leeg: "
                            "ingediend bij een nieuwe aanvraag, anders ongewijzigd."),
               False, "ingediend", values=tuple(sorted(STATUSES))),
        Column("contactpersoon", _l("Contactpersoon op de locatie (mag leeg)."), False, ""),
        Column("contact_telefoon", _l("Telefoon van de contactpersoon (mag leeg)."), False, ""),
        Column("toegangsinstructies", _l("Hoe het team binnenkomt (mag leeg)."), False, ""),
        Column("opmerkingen", _l("Opmerkingen (mag leeg)."), False, ""),
        Column("reden_afwijzing", _l("Waarom de aanvraag is afgewezen (alleen bij status afgewezen)."), False, "",
               values=(RequestStatus.DECLINED.value,)),
        Column("reden_annulering", _l("Waarom Binnenwerk de aanvraag annuleert (alleen bij status geannuleerd). "
                                      "Het ministerie ziet deze reden."), False, "",
               values=(RequestStatus.CANCELLED.value,)),
    ]

    change_columns = {
        **{name: (column,) for name, column in FIELD_COLUMNS.items()},
        "ministry_id": ("ministerie",), "start_minute": ("begintijd",), "end_minute": ("eindtijd",),
        "status": ("status",), "decline_reason": ("reden_afwijzing",), "cancel_reason": ("reden_annulering",),
    }

    def parse(self, row: RowReader, ctx: Context) -> dict:
        record: dict = {}
        if row.has("id"):
            record["id"] = row.get("id", v.whole_number, low=1, high=2**31 - 1, required=False)
        code = row.get("ministerie", v.text, max_length=20, required=True)
        ministry = None
        if code is not INVALID:
            ministry = ctx.ministry(code)
            if ministry is None:
                row.refuse("ministerie", _("onbekend ministerie '%(value)s'", value=code))
        record["ministry"] = ministry
        code = row.get("locatie", v.text, max_length=60, required=True)
        record["location"] = None
        if code is not INVALID:
            location = ctx.location(code)
            if location is None:
                row.refuse("locatie", ctx.unknown_location(code))
            elif ministry is not None and location.ministry_id != ministry.id:
                row.refuse("locatie", _("locatie '%(value)s' hoort niet bij ministerie %(ministry)s",
                                        value=code, ministry=ministry.code))
            record["location"] = location
        code = row.get("werksoort", v.text, max_length=40, required=True)
        record["work_type"] = None
        if code is not INVALID:
            record["work_type"] = ctx.work_type(code)
            if record["work_type"] is None:
                row.refuse("werksoort", ctx.unknown_work_type(code))
        record["start_date"] = row.date("startdatum")
        record["end_date"] = row.date("einddatum")
        record["weekdays"] = row.get("dagen", v.weekdays)
        record["start_minute"] = row.get("begintijd", v.time_of_day)
        record["end_minute"] = row.get("eindtijd", v.time_of_day, end=True)
        if record["end_minute"] == 0 and type(record["start_minute"]) is int and record["start_minute"] > 0:
            # Until midnight, typed as the form's time field takes it: 00:00 after a start later in
            # the day is the end of that day (an export writes 24:00, which reads as itself).
            record["end_minute"] = MINUTES_PER_DAY
        if row.has("pauze_minuten"):
            pause = row.get("pauze_minuten", v.whole_number, low=0, high=720, required=False)
            record["break_minutes"] = 0 if pause is None else pause
        record["headcount"] = row.get("aantal_medewerkers", v.whole_number, low=1,
                                      high=request_service.MAX_HEADCOUNT)
        if row.has("prioriteit"):
            record["priority"] = 2 if not v.display(row.cells.get("prioriteit")) else row.get("prioriteit", priority)
        if row.has("status"):
            record["status"] = row.get("status", status)
        for column, attribute, length in TEXTS:
            if row.has(column):
                record[attribute] = row.get(column, v.text, max_length=length, multiline=column in MULTILINE_TEXTS)
        return record

    def file_keys(self, record: dict) -> list:
        if record.get("id"):
            return [("id", record["id"])]
        return [("locatie", (record["ministry"].id, record["location"].id, record["work_type"].id,
                             record["start_date"], record["end_date"], record["weekdays"],
                             record["start_minute"], record["end_minute"]))]

    def repeated_in_file(self, column: str, value, row: int) -> str:
        if column == "id":
            return super().repeated_in_file(column, value, row)
        return _("dit is dezelfde aanvraag als rij %(row)d (zelfde ministerie, locatie, werksoort, periode, dagen "
                 "en tijden)", row=row)

    def prepare(self, records: list[dict], ctx: Context) -> None:
        """The file's requests by id, with their dates off, in a few queries: got one by one, the
        8,424 rows of an export took some 16,850 statements to check, and as many to save."""
        ids = sorted({record["id"] for record in records if record.get("id")})
        by_id: dict[int, DeploymentRequest] = {}
        for start in range(0, len(ids), CHUNK):
            query = (select(DeploymentRequest).where(DeploymentRequest.id.in_(ids[start:start + CHUNK]))
                     .options(selectinload(DeploymentRequest.dates_off)))
            by_id.update((found.id, found) for found in db.session.scalars(query))
        # Held here: the session's identity map keeps them only while something else does.
        ctx.loaded[self.name] = by_id, set(ids)

    def _existing(self, ctx: Context, request_id: int) -> DeploymentRequest | None:
        by_id, looked_up = ctx.loaded.get(self.name) or ({}, set())
        if request_id in looked_up and request_id in by_id:
            return by_id[request_id]
        # Not in the file's list, or not there when it was loaded (made by an earlier row of it).
        return db.session.get(DeploymentRequest, request_id)

    def apply(self, record: dict, ctx: Context, row: int) -> str:
        existing = None
        if record.get("id"):
            existing = self._existing(ctx, record["id"])
            if existing is None:
                raise RowRefused("id", _("onbekende aanvraag met id %(value)s", value=record["id"]))
        ctx.claim(existing, row, "id")
        values = self._values(record, existing)
        if existing is not None and all(getattr(existing, name) == values[name] for name in COMPARED):
            return "unchanged"
        if existing is not None:
            ctx.remember(row, self.export_row(existing))

        # Every problem of the row at once, not one round at a time.
        problems = self._status_problems(existing, values["status"], values["decline_reason"],
                                         values["cancel_reason"])
        files_new = existing is None or existing.ministry_id != values["ministry_id"]
        accepts = values["status"] == RequestStatus.ACCEPTED.value and (
            existing is None or existing.status != RequestStatus.ACCEPTED.value)
        if files_new or accepts:
            # Read again under a share lock (PostgreSQL), in create_request's order: an admin archiving
            # either one right now waits for this import, or this import sees it archived.
            db.session.refresh(record["location"], with_for_update={"read": True})
            db.session.refresh(record["ministry"], with_for_update={"read": True})
        if files_new and record["ministry"].archived:
            # The rule of request_service.refuse_if_ministry_archived, in words for the planner
            # importing (the service's are for the ministry's own contact).
            problems.append(("ministerie", _("ministerie '%(value)s' is gearchiveerd en dient geen nieuwe "
                                             "aanvragen in", value=record["ministry"].code)))
        if existing is None:
            problems += self._duplicate(values)
        data = request_service.RequestInput(**{
            name: values[name] for name in (
                "location_id", "work_type_id", "start_date", "end_date", "weekdays", "start_minute", "end_minute",
                "break_minutes", "headcount", "priority", "contact_name", "contact_phone",
                "access_instructions", "notes")
        })
        problems += self._validation_problems(record, request_service.validate(data, values["ministry_id"], existing))
        if problems:
            raise RowRefused.every(problems)
        if accepts:
            self._refuse(request_service.refuse_accepting_if_archived, record["location"], record["ministry"],
                         column="status")

        created = existing is None
        before_status = None if created else existing.status
        changed = [] if created else [name for name in COMPARED
                                      if name != "status" and getattr(existing, name) != values[name]]
        access_before = None if created else existing.access_instructions or ""
        if created:
            existing = DeploymentRequest(created_by_id=getattr(ctx.actor, "id", None))
            db.session.add(existing)
        for name in COMPARED:
            setattr(existing, name, values[name])
        db.session.flush()
        if access_before is not None and access_told.instructions_differ(access_before,
                                                                          existing.access_instructions):
            access_told.tell_access_changed(existing.id)  # as the request's edit form tells it
        if "location_id" in changed:
            # A place in another region: its team's shifts there are flagged, and held at publish.
            from ...services import rosters

            rosters.mark_shifts_outside_region(request_id=existing.id, user=ctx.actor)
        ctx.claim(existing, row, "id")
        # As the request pages record it: the new request, the changed fields by name (their
        # before-values are the form's alone, for the planner's review), a status change apart.
        if created:
            ctx.audit("request_created", existing, "")
        else:
            if changed:
                ctx.audit("request_changed", existing, "fields=" + ",".join(changed))
            if before_status != existing.status:
                ctx.audit(f"request_{existing.status}", existing, f"from={before_status}")
                ctx.row_changes.setdefault(row, []).append("status")
        ctx.notes.setdefault(row, []).extend(self._roster_notes(existing, before_status, changed))
        return "create" if created else "update"

    @staticmethod
    def _roster_notes(found: DeploymentRequest, before_status: str | None, changed: list[str]) -> list[str]:
        """What the planner's forms say of the rosters a status change or a change of what is asked
        leaves behind, in their words (services.requests builds them for both)."""
        ended = (RequestStatus.CANCELLED.value, RequestStatus.DECLINED.value)
        if found.status != before_status and found.status in ended:
            said = request_service.still_told_message(found)
            return [said] if said else []
        notes = []
        if found.status != before_status and found.status == RequestStatus.ACCEPTED.value:
            notes += request_service.weeks_planned_messages(found)
        if before_status is not None and found.status in request_service.RUNNING and \
                set(changed) & set(request_service.ASKED):
            said = request_service.changed_while_told_message(found)
            if said:
                notes.append(said)
        return notes

    @classmethod
    def _values(cls, record: dict, existing: DeploymentRequest | None) -> dict:
        """Every stored field: from the row, else kept from the request, else the default."""
        return {
            "ministry_id": record["ministry"].id, "location_id": record["location"].id,
            "work_type_id": record["work_type"].id,
            **{k: record[k] for k in ("start_date", "end_date", "weekdays", "start_minute", "end_minute", "headcount")},
            **cls._values_read(record, existing),
        }

    @staticmethod
    def _status_problems(existing: DeploymentRequest | None, new: str, decline_reason: str | None,
                         cancel_reason: str | None) -> list[tuple[str, str]]:
        """A status the request cannot get from its current one; a decline without a reason; a
        cancel without one, or a cancel's reason on a request that is not cancelled by this row
        (a reason None: not read, so that check waits).

        The import is Binnenwerk's: like the planner's cancel (requests.transition) it says the
        ministry why. A request cancelled before keeps its reason as it is, or its lack of one (then
        the ministry cancelled it, and no reason of Binnenwerk's belongs to it)."""
        problems = []
        if existing is not None and existing.status != new and not request_service.can_transition(existing.status, new):
            problems.append(("status", _(
                "een aanvraag die %(current)s is, kan niet %(new)s worden",
                current=request_service.status_label(existing.status).lower(),
                new=request_service.status_label(new).lower())))
        if new == RequestStatus.DECLINED.value and decline_reason == "":
            problems.append(("reden_afwijzing", _("een afgewezen aanvraag heeft een reden nodig")))
        if cancel_reason is None:
            return problems
        cancelled = RequestStatus.CANCELLED.value
        was_cancelled = existing is not None and existing.status == cancelled
        if new != cancelled and cancel_reason:
            problems.append(("reden_annulering", _("vul alleen een reden van annuleren in bij status geannuleerd")))
        elif new == cancelled and not was_cancelled and not cancel_reason:
            problems.append(("reden_annulering",
                             _("een aanvraag die je annuleert, heeft een reden nodig: het ministerie leest die")))
        elif was_cancelled and cancel_reason != existing.cancel_reason:
            problems.append(("reden_annulering", _("de reden van een geannuleerde aanvraag verandert niet meer")))
        return problems

    @staticmethod
    def _validation_problems(record: dict, errors: dict[str, str]) -> list[tuple[str, str]]:
        """request_service.validate's errors by column, the location's and the work type's in words
        for the planner importing (the service's are for the ministry's own contact)."""
        problems = []
        for name, message in errors.items():
            if name == "location_id":
                message = _("locatie '%(value)s' is gearchiveerd", value=record["location"].code)
            elif name == "work_type_id" and record["work_type"].archived:
                message = _("werksoort '%(value)s' is gearchiveerd", value=record["work_type"].code)
            elif name == "work_type_id":
                message = _("ministerie %(ministry)s heeft geen afspraak over werksoort '%(value)s'",
                            ministry=record["ministry"].code, value=record["work_type"].code)
            elif name == "contact_phone":
                # Said as the other imports say a phone number, naming it (and a leading 0 that
                # Excel dropped); the service's words name no value.
                typed = record.get("contact_phone")
                message = (v.phone_problem(typed) if isinstance(typed, str) else "") or message
            problems.append((FIELD_COLUMNS.get(name, ""), message))
        return problems

    def check_unread(self, record: dict, unread: set[str], ctx: Context) -> list[tuple[str, str]]:
        """The service's rules on what could be read (request_service.validate with the unread
        fields named: a check that needs one of them waits), and the status's."""
        problems: list[tuple[str, str]] = []
        existing = None
        if record.get("id") not in (None, INVALID):
            existing = db.session.get(DeploymentRequest, record["id"])
            if existing is None:
                problems.append(("id", _("onbekende aanvraag met id %(value)s", value=record["id"])))
        column_fields = {column: name for name, column in FIELD_COLUMNS.items()}
        waiting = {column_fields[c] for c in unread if c in column_fields}
        if "id" in unread or (record.get("id") not in (None, INVALID) and existing is None):
            # Whether the request is new decides what a date in the past or an old place means.
            waiting |= {"start_date", "location_id", "work_type_id"}
        if record.get("ministry") is None:
            waiting |= {"location_id", "work_type_id"}
        if record.get("location") is None:
            waiting.add("location_id")
        if record.get("work_type") is None:
            waiting.add("work_type_id")
        read = {name: record.get(key) for name, key in (
            ("start_date", "start_date"), ("end_date", "end_date"), ("weekdays", "weekdays"),
            ("start_time", "start_minute"), ("end_time", "end_minute"), ("headcount", "headcount"))}
        stored = self._values_read(record, existing)
        waiting |= {name for name, value in (read | stored).items() if value is None or value is INVALID}

        def value(name: str, default):
            found = read.get(name, stored.get(name))
            return default if found is None or found is INVALID else found

        data = request_service.RequestInput(
            location_id=getattr(record.get("location"), "id", 0),
            work_type_id=getattr(record.get("work_type"), "id", 0),
            start_date=value("start_date", None), end_date=value("end_date", None), weekdays=value("weekdays", ""),
            start_minute=value("start_time", 0), end_minute=value("end_time", 0), headcount=value("headcount", 1),
            **{name: value(name, default) for name, default in (
                ("break_minutes", 0), ("priority", 2), ("contact_name", ""), ("contact_phone", ""),
                ("access_instructions", ""), ("notes", ""))},
        )
        ministry = record.get("ministry")
        if ministry is not None and ministry.archived and (existing is None or existing.ministry_id != ministry.id):
            problems.append(("ministerie", _("ministerie '%(value)s' is gearchiveerd en dient geen nieuwe "
                                             "aanvragen in", value=ministry.code)))
        errors = request_service.validate(data, getattr(record.get("ministry"), "id", 0), existing, unread=waiting)
        problems += self._validation_problems(record, errors)
        status_value = stored["status"]
        if status_value is not INVALID and not (existing is None and "id" in unread):
            reasons = [None if stored[name] is INVALID else stored[name]
                       for name in ("decline_reason", "cancel_reason")]
            problems += self._status_problems(existing, status_value, *reasons)
        return problems

    @staticmethod
    def _values_read(record: dict, existing: DeploymentRequest | None) -> dict:
        """The optional fields as apply stores them (from the row, else kept, else the default);
        INVALID for a cell that could not be read."""
        defaults = {"break_minutes": 0, "priority": 2, "status": RequestStatus.SUBMITTED.value, "contact_name": "",
                    "contact_phone": "", "access_instructions": "", "notes": "", "decline_reason": "",
                    "cancel_reason": ""}
        values = {}
        for name, default in defaults.items():
            value = record.get(name)
            if value is None:
                value = getattr(existing, name) if existing is not None else default
            values[name] = value
        return values

    @staticmethod
    def _refuse(check, *args, column: str) -> None:
        """Run one of the service's checks; its refusal becomes this row's, in the same words."""
        try:
            check(*args)
        except ServiceError as error:
            raise RowRefused(column, error.message) from None

    @staticmethod
    def _duplicate(values: dict) -> list[tuple[str, str]]:
        same = db.session.scalar(select(DeploymentRequest.id).where(
            *(getattr(DeploymentRequest, name) == values[name] for name in (
                "ministry_id", "location_id", "work_type_id", "start_date", "end_date", "weekdays",
                "start_minute", "end_minute")),
            DeploymentRequest.status.notin_((RequestStatus.CANCELLED.value, RequestStatus.DECLINED.value)),
        ).limit(1))
        if same is None:
            return []
        return [("locatie", _("deze aanvraag bestaat al (id %(id)d); vul dat id in om hem te wijzigen", id=same))]

    def export_rows(self) -> list[list]:
        found = db.session.scalars(
            select(DeploymentRequest)
            .options(selectinload(DeploymentRequest.ministry), selectinload(DeploymentRequest.location),
                     selectinload(DeploymentRequest.work_type))
            .order_by(DeploymentRequest.id)
        )
        return [self.export_row(r) for r in found]

    @staticmethod
    def export_row(r: DeploymentRequest) -> list:
        return [r.id, r.ministry.code, r.location.code, r.work_type.code, r.start_date, r.end_date,
                v.weekdays_text(r.weekdays), minutes_to_hhmm(r.start_minute), minutes_to_hhmm(r.end_minute),
                r.break_minutes, r.headcount, PRIORITY_NAMES.get(r.priority, str(r.priority)), r.status,
                r.contact_name, r.contact_phone, r.access_instructions, r.notes, r.decline_reason, r.cancel_reason]
