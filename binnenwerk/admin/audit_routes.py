"""The audit log page for admins: filter by actor, action, object type, period and result."""
from __future__ import annotations

import datetime as dt

from flask import render_template, request
from flask_babel import format_number, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import String, cast, false, func, literal, null, or_, select, union_all
from wtforms import DateField, SelectField, StringField
from wtforms.validators import Optional, ValidationError

from ..access import roles_required
from ..extensions import db
from ..formatting import PLANNING_YEARS, ascii_digits
from ..forms_common import MaxLength
from ..models import AuditEvent, Employee, Location, Ministry, Role, Supervisor, Team, User, WorkType
from ..paging import one_page
from . import bp
from .audit_details import describe

PER_PAGE = 50
FILTERS = ("actor", "actor_id", "action", "object_type", "result", "date_from", "date_to")


class AuditFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search form changes nothing

    actor = StringField(_l("Wie (e-mailadres of deel ervan)"), validators=[Optional(), MaxLength(200)])
    action = SelectField(_l("Actie"), choices=[], validate_choice=False)
    object_type = SelectField(_l("Soort object"), choices=[], validate_choice=False)
    result = SelectField(_l("Resultaat"), choices=[], validate_choice=False)
    date_from = DateField(_l("Vanaf datum"), validators=[Optional()])
    date_to = DateField(_l("Tot en met datum"), validators=[Optional()])

    def validate_date_from(self, field):
        _plausible(field.data)

    def validate_date_to(self, field):
        _plausible(field.data)
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError(_l("De einddatum ligt voor de begindatum."))


def _plausible(day: dt.date | None) -> None:
    # Far-off years overflow the timezone arithmetic; nothing was logged then anyway.
    if day is not None and day.year not in PLANNING_YEARS:
        raise ValidationError(_l("Kies een datum tussen 2000 en 2100."))


# How each result of audit.record reads; another (from a later version) shows as stored.
RESULT_WORDS = {"ok": _l("gelukt"), "refused": _l("geweigerd"), "locked": _l("geblokkeerd")}

# How each action reads, likewise; tests/app/test_audit_labels.py checks that every action the code
# records has its words here.
ACTION_WORDS = {
    # signing in and accounts
    "login": _l("Ingelogd"),
    "login_failed": _l("Inloggen mislukt"),
    "logout": _l("Uitgelogd"),
    "account_locked": _l("Account geblokkeerd"),
    "account_unlock": _l("Account gedeblokkeerd"),
    "password_change": _l("Wachtwoord gewijzigd"),
    "password_reset": _l("Wachtwoord opnieuw ingesteld"),
    "mfa_enrolment_started": _l("Instellen tweestapsverificatie begonnen"),
    "mfa_enable": _l("Tweestapsverificatie aangezet"),
    "mfa_disable": _l("Tweestapsverificatie uitgezet"),
    "mfa_reset": _l("Tweestapsverificatie gewist"),
    "user_created": _l("Gebruiker aangemaakt"),
    "user_changed": _l("Gebruiker gewijzigd"),
    "user_deactivated": _l("Gebruiker gedeactiveerd"),
    "user_reactivated": _l("Gebruiker weer geactiveerd"),
    # ministries, locations and work types
    "ministry_created": _l("Ministerie toegevoegd"),
    "ministry_changed": _l("Ministerie gewijzigd"),
    "ministry_archived": _l("Ministerie gearchiveerd"),
    "ministry_unarchived": _l("Ministerie uit archief gehaald"),
    "ministry_deleted": _l("Ministerie verwijderd"),
    "location_created": _l("Locatie toegevoegd"),
    "location_changed": _l("Locatie gewijzigd"),
    "location_archived": _l("Locatie gearchiveerd"),
    "location_unarchived": _l("Locatie uit archief gehaald"),
    "location_deleted": _l("Locatie verwijderd"),
    "region.rename": _l("Regio hernoemd"),
    "region.merge": _l("Regio's samengevoegd"),
    "work_type_created": _l("Werksoort toegevoegd"),
    "work_type_changed": _l("Werksoort gewijzigd"),
    "work_type_archived": _l("Werksoort gearchiveerd"),
    "work_type_unarchived": _l("Werksoort uit archief gehaald"),
    "work_type_deleted": _l("Werksoort verwijderd"),
    # teams, team leaders and employees
    "team.create": _l("Team toegevoegd"),
    "team.update": _l("Team gewijzigd"),
    "team.archive": _l("Team gearchiveerd"),
    "team.restore": _l("Team uit archief gehaald"),
    "supervisor.create": _l("Teamleider toegevoegd"),
    "supervisor.update": _l("Teamleider gewijzigd"),
    "supervisor.archive": _l("Teamleider gearchiveerd"),
    "supervisor.restore": _l("Teamleider uit archief gehaald"),
    "supervisor.anonymise": _l("Teamleider geanonimiseerd"),
    "employee.create": _l("Medewerker toegevoegd"),
    "employee.update": _l("Medewerker gewijzigd"),
    "employee.sensitive_update": _l("Bijzondere gegevens van medewerker gewijzigd"),
    "employee.archive": _l("Medewerker gearchiveerd"),
    "employee.contract_end": _l("Laatste werkdag van medewerker gezet"),
    "employee.restore": _l("Medewerker uit archief gehaald"),
    "employee.delete": _l("Medewerker verwijderd"),
    "absence.create": _l("Afwezigheid toegevoegd"),
    "absence.update": _l("Afwezigheid gewijzigd"),
    "absence.delete": _l("Afwezigheid verwijderd"),
    "absence.purge": _l("Oude afwezigheden verwijderd (bewaartermijn)"),
    # deployment requests (the status part of the code is the Dutch status value)
    "request_created": _l("Inzetaanvraag ingediend"),
    "request_changed": _l("Inzetaanvraag gewijzigd"),
    "request_reviewed": _l("Wijziging van inzetaanvraag bekeken"),
    "request_priority": _l("Prioriteit van inzetaanvraag gezet"),
    "request_geaccepteerd": _l("Inzetaanvraag geaccepteerd"),
    "request_afgewezen": _l("Inzetaanvraag afgewezen"),
    "request_ingepland": _l("Inzetaanvraag ingepland"),
    "request_afgerond": _l("Inzetaanvraag afgerond"),
    "request_geannuleerd": _l("Inzetaanvraag geannuleerd"),
    # rosters
    "solve.start": _l("Plannen gestart"),
    "solve.cancel": _l("Plannen gestopt"),
    "roster.solve": _l("Rooster gepland"),
    "roster.repair": _l("Rooster gerepareerd"),
    "roster.import": _l("Rooster geïmporteerd"),
    "roster.edit": _l("Dienst in rooster gewijzigd"),
    "roster.pin": _l("Dienst vastgezet"),
    "roster.leader": _l("Teamleider van een dag gekozen"),
    "roster.unpin": _l("Dienst losgemaakt"),
    "roster.copy_previous": _l("Rooster van vorige week overgenomen"),
    "roster.publish": _l("Rooster gepubliceerd"),
    "roster.as_told": _l("Rooster weer zoals gepubliceerd (niets te publiceren)"),
    "shift.called": _l("Wijziging van dienst zelf verteld"),
    "calendar_token.issue": _l("Agenda-link gemaakt"),
    "calendar_token.revoke": _l("Agenda-link ingetrokken"),
    # import, export and privacy
    "import_teams": _l("Teams geïmporteerd"),
    "import_supervisors": _l("Teamleiders geïmporteerd"),
    "import_employees": _l("Medewerkers geïmporteerd"),
    "import_requests": _l("Inzetaanvragen geïmporteerd"),
    "export_teams": _l("Teams geëxporteerd"),
    "export_supervisors": _l("Teamleiders geëxporteerd"),
    "export_employees": _l("Medewerkers geëxporteerd"),
    "export_requests": _l("Inzetaanvragen geëxporteerd"),
    "privacy_export": _l("Inzagegegevens gedownload"),
    "anonymise": _l("Medewerker geanonimiseerd"),
}

# The object an event is about is stored as its model's class name.
OBJECT_WORDS = {
    "User": _l("Gebruiker"),
    "Ministry": _l("Ministerie"),
    "Location": _l("Locatie"),
    "WorkType": _l("Werksoort"),
    "Team": _l("Team"),
    "Supervisor": _l("Teamleider"),
    "Employee": _l("Medewerker"),
    "Absence": _l("Afwezigheid"),
    "DeploymentRequest": _l("Inzetaanvraag"),
    "Roster": _l("Rooster"),
    "SolveJob": _l("Planopdracht"),
    "CalendarToken": _l("Agenda-link"),
    "PublishedShift": _l("Dienst"),
}


# The filters offer every code the app has words for, plus the codes without words (from an older
# or newer version) found among this many newest events. A DISTINCT over the whole log cost 300-400 ms
# on PostgreSQL at 330,000 events on every page load; this one reads the newest rows by primary key.
RECENT_FOR_CHOICES = 10_000


def _recent_codes() -> tuple[set[str], set[str], set[str]]:
    """The actions, object types and results of the newest RECENT_FOR_CHOICES events, in one query."""
    recent = (
        select(AuditEvent.action, AuditEvent.object_type, AuditEvent.result)
        .order_by(AuditEvent.id.desc()).limit(RECENT_FOR_CHOICES).subquery()
    )
    rows = db.session.execute(select(recent.c.action, recent.c.object_type, recent.c.result).distinct()).all()
    return tuple({row[n] for row in rows} for n in range(3))


def _choices(words: dict, found: set[str], chosen: str | None) -> list[tuple[str, str]]:
    # The chosen code stays an option, so the form shows the filter in force even for an old code.
    values = (set(words) | found | {chosen or ""}) - {""}
    options = sorted(((v, str(words.get(v, v))) for v in values), key=lambda option: option[1].casefold())
    return [("", _("Alle"))] + options


@bp.route("/audit")
@roles_required(Role.ADMIN)
def audit():
    form = AuditFilterForm(formdata=request.args)
    actions, object_types, results = _recent_codes()
    form.action.choices = _choices(ACTION_WORDS, actions, (form.action.data or "")[:40])
    form.object_type.choices = _choices(OBJECT_WORDS, object_types, (form.object_type.data or "")[:40])
    form.result.choices = _choices(RESULT_WORDS, results, (form.result.data or "")[:20])
    # A junk date in the URL is a field error on the page, never a crash.
    valid = form.validate() if request.args else True

    query = select(AuditEvent)
    if valid:
        query = _filtered(query, form)
    person = _person_sought()
    if person is not None:
        query = query.where(AuditEvent.actor_id == person.id)
    found = one_page(query.order_by(AuditEvent.at.desc(), AuditEvent.id.desc()), request.args.get("page"), PER_PAGE)
    args = {name: request.args[name][:200] for name in FILTERS if request.args.get(name)}
    return render_template(
        "admin/audit.html", form=form, events=found.items, page=found.number, pages=found.pages, total=found.total,
        total_text=format_number(found.total), args=args, person=person, object_names=_object_names(found.items),
        result_words=RESULT_WORDS, action_words=ACTION_WORDS, object_words=OBJECT_WORDS, describe=describe,
    ), 200 if valid else 422


def _person_sought() -> User | None:
    """The account whose actions alone are shown (?actor_id=, the link on a user's page): by id,
    so the person's actions under an earlier e-mail address are found too."""
    number = request.args.get("actor_id", type=int)
    if number is None or not 0 < number < 2**31:
        return None
    return db.session.get(User, number)


# The name of each kind of object that still exists: its one or two name columns, and how a row
# of them reads (`first`, `second`).
NAMED_OBJECTS = {
    "User": ((User.name,), lambda row: row.first),
    "Ministry": ((Ministry.name,), lambda row: row.first),
    "Location": ((Location.name, Location.city), lambda row: f"{row.first}, {row.second}"),
    "WorkType": ((WorkType.name_nl, WorkType.name_en), lambda row: row.first if _dutch() else row.second),
    "Team": ((Team.name,), lambda row: row.first),
    "Supervisor": ((Supervisor.name,), lambda row: row.first),
    "Employee": ((Employee.first_name, Employee.last_name), lambda row: f"{row.first} {row.second}"),
}


def _object_names(events) -> dict[tuple[str, str], str]:
    """(object type, object id) -> the object's name now, for the objects of a page that still
    exist: one statement for the page (a UNION of each kind's ids), never one per row."""
    if not events:
        return {}
    wanted: dict[str, set[int]] = {kind: set() for kind in NAMED_OBJECTS}
    for event in events:
        if event.object_type in wanted and ascii_digits(event.object_id or "") and int(event.object_id) < 2**31:
            wanted[event.object_type].add(int(event.object_id))
    parts = []
    for kind, (columns, _words) in NAMED_OBJECTS.items():
        model = columns[0].class_
        second = columns[1] if len(columns) > 1 else cast(null(), String)
        parts.append(select(literal(kind, String).label("kind"), model.id.label("id"), columns[0].label("first"),
                            second.label("second")).where(model.id.in_(wanted[kind])))
    return {(row.kind, str(row.id)): NAMED_OBJECTS[row.kind][1](row)
            for row in db.session.execute(union_all(*parts))}


def _dutch() -> bool:
    return str(get_locale() or "nl") == "nl"


def _filtered(query, form: AuditFilterForm):
    if form.actor.data and form.actor.data.strip():
        query = query.where(_actor_sought(form.actor.data.strip().lower()))
    if form.action.data:
        query = query.where(AuditEvent.action == form.action.data[:40])
    if form.object_type.data:
        query = query.where(AuditEvent.object_type == form.object_type.data[:40])
    if form.result.data:
        query = query.where(AuditEvent.result == form.result.data[:20])
    if form.date_from.data:
        query = query.where(AuditEvent.at >= _utc_start(form.date_from.data))
    if form.date_to.data:
        query = query.where(AuditEvent.at < _utc_start(form.date_to.data + dt.timedelta(days=1)))
    return query


# Above this many matching addresses (a log full of mistyped login addresses) the rows are matched
# as before, by lowering each row's address: a list of values that long gains nothing.
MAX_ADDRESSES_LISTED = 500


def _actor_sought(sought: str):
    """The rows of actors whose address contains `sought` (already lowercased): the address each
    row kept, or the person's address now (their actions from before a change of e-mail address
    are theirs too). Escaped: % and _ are characters of the address sought ("j_jansen@"), not
    wildcards.

    The log holds few different addresses: they are collected first (MATERIALIZED, or SQLite
    lowers every row's address before it drops the doubles), lowered, and the rows then matched
    on the address as stored and on the people's ids. Lowering every row's address is a Python
    function on SQLite (binnenwerk/__init__.py), and the count and the page each did it for every
    row: 0.85 s at 330,000 events."""
    kept = func.lower(AuditEvent.actor_email).contains(sought, autoescape=True)
    people = db.session.scalars(select(User.id).where(func.lower(User.email).contains(sought, autoescape=True))).all()
    stored = select(AuditEvent.actor_email.label("address")).distinct().cte("addresses").prefix_with("MATERIALIZED")
    found = db.session.scalars(select(stored.c.address).where(
        func.lower(stored.c.address).contains(sought, autoescape=True)).limit(MAX_ADDRESSES_LISTED + 1)).all()
    if len(found) > MAX_ADDRESSES_LISTED:
        return or_(kept, AuditEvent.actor_id.in_(people))
    if not found and not people:
        return false()
    return or_(AuditEvent.actor_email.in_(found), AuditEvent.actor_id.in_(people))


def _utc_start(day: dt.date) -> dt.datetime:
    """Midnight in the app's timezone, as the naive UTC the audit table stores."""
    from zoneinfo import ZoneInfo

    from flask import current_app

    local = dt.datetime.combine(day, dt.time(0), tzinfo=ZoneInfo(current_app.config["TIMEZONE"]))
    return local.astimezone(dt.timezone.utc).replace(tzinfo=None)
