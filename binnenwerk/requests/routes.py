"""Views of the requests blueprint: the ministry's requests and plan, the planner's intake."""
from __future__ import annotations

import csv
import datetime as dt
import io
import secrets

from flask import Response, abort, flash, g, get_flashed_messages, redirect, render_template, request, url_for
from flask_babel import get_locale, gettext as _, ngettext
from flask_login import current_user
from sqlalchemy import or_, select
from sqlalchemy.orm import contains_eager, selectinload

from ..access import OFFICE, require_ministry, roles_required
from ..extensions import db
from ..formatting import (
    NoSuchWeek, ascii_digits, csv_delimiter, date_period, full_date, local_today, marked_dutch_in, minutes_to_hhmm,
    parse_week, read_week, upper_first, week_of,
)
from ..models import (
    AuditEvent, DeploymentRequest, Location, Ministry, PublishedShift, RequestDayAsked, RequestStatus, Role, WorkType,
)
from ..paging import one_page
from ..services import ServiceError
from ..services import reports as report_service
from ..services import requests as service
from ..services.admin import work_type_name
from . import bp
from ..teams.forms import WEEKDAY_SHORT
from .forms import CancelForm, ConfirmForm, DayOffForm, DeclineForm, PriorityForm, RequestForm

S = RequestStatus
MAX_ID = 2**31 - 1
PLAN_WEEKS = 4
# What the request lists show of each request besides its location: loaded with the list, not per row.
_LISTED = (selectinload(DeploymentRequest.ministry), selectinload(DeploymentRequest.work_type))


def _is_contact() -> bool:
    return current_user.role == Role.MINISTRY_CONTACT.value


def _load(request_id: int) -> DeploymentRequest:
    """The request, or 404 when it does not exist or belongs to another ministry."""
    if request_id > MAX_ID:
        abort(404)
    found = db.session.get(DeploymentRequest, request_id)
    if found is None:
        abort(404)
    require_ministry(current_user, found.ministry_id)
    return found


def _moved_to_other_ministry(request_id: int) -> bool:
    """Whether this contact sends the change form of a request that is not of their ministry, as
    they saw it (the version the form carries): their account moved to another ministry while the
    form was open. Anyone else (another request, a number tried) gets "not found", as _load gives."""
    if request_id > MAX_ID:
        return False
    found = db.session.get(DeploymentRequest, request_id)
    seen = request.form.get("seen_version") or ""
    return (found is not None and found.ministry_id != current_user.ministry_id and bool(seen)
            and seen == service.version_of(found))


def _actor():
    return current_user._get_current_object()


def _template_helpers() -> dict:
    return {"status_label": service.status_label, "priority_label": service.priority_label, "S": S,
            "change_line": _change_line, "today": local_today(), "version_of": service.version_of}


def _say_weeks_still_told(found: DeploymentRequest) -> None:
    """After a cancel or decline: which weeks still tell people to come, for the planner to publish
    again (publishing calls those shifts off); the ministry sees them on its planning page."""
    weeks = service.weeks_still_told(found)
    if weeks and current_user.role == Role.MINISTRY_CONTACT.value:
        flash(_("Er staan nog mensen van Binnenwerk ingepland voor deze aanvraag. De planner haalt hen uit het "
                "rooster en laat hen weten dat ze niet komen. Tot dan ziet u hen op de pagina Planning."), "info")
    said = service.still_told_message(found) if current_user.role == Role.PLANNER.value else None
    if said:
        flash(said, "warning")


def _field_label(name: str) -> str:
    return {
        "location_id": _("Locatie"), "work_type_id": _("Werksoort"), "start_date": _("Eerste dag"),
        "end_date": _("Laatste dag"), "weekdays": _("Dagen"), "start_minute": _("Begintijd"),
        "end_minute": _("Eindtijd"), "break_minutes": _("Pauze in minuten"), "headcount": _("Mensen per dag"),
        "priority": _("Prioriteit"), "contact_name": _("Contactpersoon op locatie"),
        "contact_phone": _("Telefoon contactpersoon"), "access_instructions": _("Toegang tot het gebouw"),
        "notes": _("Opmerkingen"), "status": _("Status"), service.DATES_OFF: _("Afgezegde dagen"),
    }.get(name, name)


def _field_value(name: str, value) -> str:
    """A request field's value as the pages show it (dates as dates or ISO text)."""
    if value in (None, "") or (name == service.DATES_OFF and not value):
        return "–"
    if name == service.DATES_OFF:
        return ", ".join(date_period(day, day) for day in map(dt.date.fromisoformat, value))
    if name in ("start_date", "end_date"):
        day = dt.date.fromisoformat(value) if isinstance(value, str) else value
        return date_period(day, day)
    if name in ("start_minute", "end_minute"):
        return minutes_to_hhmm(value)
    if name == "weekdays":
        return ", ".join(str(WEEKDAY_SHORT[int(d) - 1]) for d in value)
    if name == "priority":
        return service.priority_label(value).lower()  # mid-sentence: "was normaal, nu hoog"
    if name == "status":
        return service.status_label(value).lower()
    if name == "location_id":
        found = db.session.get(Location, value)
        return found.name if found else "–"
    if name == "work_type_id":
        found = db.session.get(WorkType, value)
        return work_type_name(found) if found else "–"
    return str(value)


def _change_line(change: service.FieldChange) -> str:
    """One changed field of a request, then and now, in the planner's words."""
    return _("%(field)s: was %(before)s, nu %(after)s", field=_field_label(change.name),
             before=_field_value(change.name, change.before), after=_field_value(change.name, change.after))


def _conflict_lines(stored: DeploymentRequest, typed) -> list[str]:
    """Where what the contact typed differs from what someone saved meanwhile, both in words."""
    return [_("%(field)s: nu opgeslagen %(stored)s, u typte %(typed)s", field=_field_label(name),
              stored=_field_value(name, getattr(stored, name)), typed=_field_value(name, getattr(typed, name)))
            for name in service.differing_fields(stored, typed)]


# --- the ministry contact ------------------------------------------------------------------------


@bp.route("/")
@roles_required(Role.MINISTRY_CONTACT, *OFFICE)
def index():
    if not _is_contact():
        # The office's "Aanvragen" is the intake: a planner or admin who opens /aanvragen/ lands there.
        return redirect(url_for("requests.intake"))
    found = db.session.scalars(
        select(DeploymentRequest)
        .options(selectinload(DeploymentRequest.location), *_LISTED)
        .where(DeploymentRequest.ministry_id == current_user.ministry_id)
        .order_by(DeploymentRequest.start_date.desc(), DeploymentRequest.id.desc())
    ).all()
    # An archived ministry files no new requests: no button that only leads to a refusal.
    archived = current_user.ministry is None or current_user.ministry.archived
    return render_template("requests/index.html", requests=found, ministry_archived=archived,
                           **_template_helpers())


def _fill_choices(form: RequestForm, existing: DeploymentRequest | None = None) -> None:
    locations = service.allowed_locations(current_user.ministry_id, existing.location_id if existing else None)
    form.location_id.choices = [("", _("Kies een locatie"))] + [
        (loc.id, f"{loc.name}, {loc.city}") for loc in locations
    ]
    ministry_id = existing.ministry_id if existing else current_user.ministry_id
    work_types = service.allowed_work_types(ministry_id, existing.work_type_id if existing else None)
    choices = sorted(((w.id, work_type_name(w)) for w in work_types), key=lambda choice: choice[1].casefold())
    form.work_type_id.choices = [("", _("Kies een werksoort"))] + choices


def _input_from(form: RequestForm) -> service.RequestInput:
    start_minute, end_minute = form.shift_minutes()
    return service.RequestInput(
        location_id=form.location_id.data, work_type_id=form.work_type_id.data,
        start_date=form.start_date.data, end_date=form.end_date.data,
        weekdays="".join(form.weekdays.data or []),
        start_minute=start_minute, end_minute=end_minute,
        break_minutes=form.break_minutes.data, headcount=form.headcount.data, priority=form.priority.data,
        contact_name=form.contact_name.data or "", contact_phone=form.contact_phone.data or "",
        access_instructions=form.access_instructions.data or "", notes=form.notes.data or "",
    )


def _validated_input(form: RequestForm, existing: DeploymentRequest | None) -> service.RequestInput | None:
    """Parse the form and apply the service's rules; errors land on their fields. The service's
    rules run on what the form could read even when it refused other fields, so a contact sees
    every problem at once (a wrong location beside an impossible date), not one per send."""
    if not form.is_submitted():
        return None
    readable = form.validate()
    if "csrf_token" in form.errors:
        return None
    unread = {name for name, messages in form.errors.items() if name is not None and messages}
    data = _input_from(form)
    errors = service.validate(data, existing.ministry_id if existing else current_user.ministry_id, existing,
                              unread=unread, keep_region=existing is not None)
    for name, message in errors.items():
        form[name].errors = list(form[name].errors) + [message]
    return data if readable and not errors else None


def _ask_same_again(form, existing, error):
    """Not stored: the form again as typed (a new one with its submission key), the request it
    would repeat, and a box to tick for two alike on purpose."""
    db.session.rollback()
    same = db.session.get(DeploymentRequest, error.existing_id)
    return render_template("requests/form.html", form=form, existing=existing, same=same, refused=True,
                           **_template_helpers()), 422


@bp.route("/nieuw", methods=["GET", "POST"])
@roles_required(Role.MINISTRY_CONTACT)
def new():
    if request.method == "GET":
        try:
            service.refuse_if_ministry_archived(current_user.ministry_id)
        except ServiceError as error:
            flash(error.message, "error")
            return redirect(url_for("requests.index"))
    form = RequestForm()
    _fill_choices(form)
    if request.method == "GET":
        form.weekdays.data = ["1", "2", "3", "4", "5"]
        form.submission.data = secrets.token_urlsafe(16)
    data = _validated_input(form, None)
    if data is not None:
        try:
            created = service.create_request(data, ministry_id=current_user.ministry_id, actor=_actor(),
                                             submission=form.submission.data or "",
                                             same_again=bool(form.same_again.data))
        except service.SameRunningRequest as error:
            return _ask_same_again(form, None, error)
        except service.DuplicateRequest as error:
            # This very form was sent before (a double click): the first one made the request.
            db.session.rollback()
            flash(error.message, "info")
            return redirect(url_for("requests.detail", request_id=error.existing_id))
        except ServiceError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            flash(_("Uw aanvraag is verstuurd. De planner bekijkt hem zo snel mogelijk."), "success")
            _say_holidays(created)
            return redirect(url_for("requests.detail", request_id=created.id))
    status = 422 if request.method == "POST" else 200
    return render_template("requests/form.html", form=form, existing=None), status


@bp.route("/<int:request_id>/wijzigen", methods=["GET", "POST"])
@roles_required(Role.MINISTRY_CONTACT)
def edit(request_id: int):
    if request.method == "POST" and _moved_to_other_ministry(request_id):
        # Nothing is stored; the list of the ministry the account now belongs to, with why.
        flash(_("U kunt deze aanvraag niet meer wijzigen. Hij hoort bij een ander ministerie dan uw account nu. "
                "Er is niets opgeslagen. Klopt dit niet? Neem dan contact op met Binnenwerk."), "error")
        return redirect(url_for("requests.index"))
    existing = _load(request_id)
    if existing.status not in service.CHANGEABLE:
        flash(_("Deze aanvraag is %(status)s en kan niet meer veranderen.",
                status=service.status_label(existing.status).lower()), "error")
        return redirect(url_for("requests.detail", request_id=existing.id))
    if service.is_over(existing):
        # Not a form whose every save is refused for its end date: it is over, nothing is stored.
        flash(service.over_message(existing), "error")
        return redirect(url_for("requests.detail", request_id=existing.id))
    form = RequestForm(obj=existing)
    _fill_choices(form, existing)
    form.same_again.label.text = _("Ja, ik wil twee aanvragen met dezelfde gegevens (bijvoorbeeld voor meer dan 15 "
                                   "mensen per dag)")
    if request.method == "GET":
        form.weekdays.data = list(existing.weekdays)
        form.start_time.set_minutes(existing.start_minute)
        form.end_time.set_minutes(existing.end_minute)
        form.seen_version.data = service.version_of(existing)
    data = _validated_input(form, existing)
    if data is not None:
        try:
            changed = service.update_request(existing, data, actor=_actor(),
                                             seen_version=form.seen_version.data or "",
                                             same_again=bool(form.same_again.data))
        except service.SameRunningRequest as error:
            return _ask_same_again(form, existing, error)
        except ServiceError as error:
            db.session.rollback()
            if error.field != "conflict":
                flash(error.message, "error")
            else:
                # What was typed stays in the form (a long access instruction is not typed twice);
                # the box says what was saved meanwhile where it differs, and the next save may
                # overwrite it, now that it was shown.
                conflict = _conflict_lines(existing, data)
                form.seen_version.data = service.version_of(existing)
                if not conflict:
                    return redirect(url_for("requests.detail", request_id=existing.id))
                return render_template("requests/form.html", form=form, existing=existing, conflict=conflict,
                                       refused=True, **_template_helpers()), 409
        else:
            if not changed:
                flash(_("Er was niets veranderd."), "info")
            elif existing.changed_since_review:
                flash(_("Uw wijziging is opgeslagen. De planner kijkt er opnieuw naar."), "success")
            else:
                flash(_("Uw wijziging is opgeslagen."), "success")
            if changed:
                _say_holidays(existing)
            return redirect(url_for("requests.detail", request_id=existing.id))
    status = 422 if request.method == "POST" else 200
    return render_template("requests/form.html", form=form, existing=existing, **_template_helpers()), status


@bp.route("/<int:request_id>/annuleren", methods=["GET", "POST"])
@roles_required(Role.MINISTRY_CONTACT, Role.PLANNER)
def cancel(request_id: int):
    found = _load(request_id)
    if found.status == S.CANCELLED.value:
        flash(_("Deze aanvraag is al %(status)s.", status=service.status_label(found.status).lower()), "info")
        return redirect(url_for("requests.detail", request_id=found.id))
    if not service.can_transition(found.status, S.CANCELLED.value):
        # Nothing to confirm: the same refusal the service gives, before anyone is asked.
        flash(_("Een aanvraag die %(current)s is, kan niet %(new)s worden.",
                current=service.status_label(found.status).lower(),
                new=service.status_label(S.CANCELLED.value).lower()), "error")
        return redirect(url_for("requests.detail", request_id=found.id))
    by_planner = current_user.role == Role.PLANNER.value
    if not by_planner and service.is_over(found):
        # Its days were worked (or not): cancelling would only turn them into "geannuleerd".
        flash(service.over_message(found), "error")
        return redirect(url_for("requests.detail", request_id=found.id))
    # The planner says why (the ministry reads it, as it reads a decline's reason); the ministry
    # contact cancels their own request without one.
    form = CancelForm() if by_planner else ConfirmForm()
    if form.validate_on_submit():
        try:
            service.transition(found, S.CANCELLED.value, actor=_actor(),
                               reason=form.reason.data if by_planner else "")
        except ServiceError as error:
            db.session.rollback()
            if error.field != "reason" or not by_planner:
                flash(error.message, "error")
                return redirect(url_for("requests.detail", request_id=found.id))
            form.reason.errors = list(form.reason.errors) + [error.message]  # what was typed stays
        else:
            flash(_("De aanvraag is geannuleerd."), "success")
            _say_weeks_still_told(found)
            return redirect(url_for("requests.detail", request_id=found.id))
    status = 422 if request.method == "POST" else 200
    return render_template("requests/cancel.html", req=found, form=form, told=service.weeks_still_told(found),
                           by_planner=by_planner, **_template_helpers()), status


@bp.route("/planning")
@roles_required(Role.MINISTRY_CONTACT)
def plan():
    first, chosen, refused = _plan_period()
    last = first + dt.timedelta(days=7 * PLAN_WEEKS - 1)
    one = _request_filter()
    request_id = one.id if one else None
    blocks = report_service.ministry_plan(current_user.ministry_id, first, last, request_id)
    begun_old_way = _begun_the_old_way(blocks)
    dropped = {d.request.id: d for d in service.dropped_days(current_user.ministry_id, first, last, request_id)}
    shown = {b.request.id for b in blocks}
    dropped_only = [d for pk, d in dropped.items() if pk not in shown]
    kind = _nobody_planned_kind(blocks, first)
    # Days a later week's planning has yet to fill: counted apart, so "2 of 18 days covered" does
    # not read as 16 days gone wrong when 13 of them are simply not planned yet.
    not_yet = {b.request.id: sum(1 for d in b.days if d.planned == 0 and kind(d, b.request) == NOT_PLANNED_YET)
               for b in blocks}
    too_many = _more_than_asked_to_come(blocks)
    return render_template(
        "requests/plan.html", blocks=blocks, first=first, last=last, week=chosen, refused=refused,
        previous_week=week_of(first - dt.timedelta(weeks=PLAN_WEEKS)),
        next_week=week_of(first + dt.timedelta(weeks=PLAN_WEEKS)), request_id=request_id, one=one,
        why_empty=_why_not_planned(one) if one and not blocks and not dropped_only else None,
        dropped=dropped, dropped_only=dropped_only, dropped_note=_dropped_note,
        not_yet=not_yet, nobody_planned=_nobody_planned_words(blocks, first, kind),
        began_old_way=lambda team: id(team) in begun_old_way,
        more_than_asked_pending=lambda day: id(day) in too_many,
        more_than_asked_days={b.request.id: sum(1 for d in b.days if id(d) in too_many) for b in blocks},
        # The dates called off are left out of the list, as holidays are: said, not silently gone.
        called_off=service.called_off_between(current_user.ministry_id, first, last, request_id),
        **_template_helpers(),
    )


def _begun_the_old_way(blocks: list[report_service.PlanRequest]) -> set[int]:
    """The teams (PlanTeam, by id()) told the old way whose shifts had begun (or gone by) before the
    change: the same rule as publishing's (services.rosters.has_begun), from the told start. Nobody
    plans such a day any more, so nothing is pending there: they count as they came (their day is
    covered when enough people came) and get a note in the past tense (_old_way_words, as the
    page words it), not "Wijziging nog niet ingepland" as if the team could still come otherwise."""
    from ..services.rosters import has_begun, minute_now

    today = local_today()
    minute = minute_now(today)
    begun = set()
    for block in blocks:
        for day in block.days:
            for team in day.teams:
                if not team.current and has_begun(day.date, team.start_minute, today, minute):
                    team.current = True  # nothing pending: see above
                    begun.add(id(team))
    return begun


def _more_than_asked_to_come(blocks: list[report_service.PlanRequest]) -> set[int]:
    """The days (PlanDay, by id()) where more people are still told to come than the contact now
    asks, and whose shifts have not begun: the lower number is not planned yet (the planner takes
    people off and publishes again). A day begun or gone by keeps who came."""
    from ..services.rosters import has_begun, minute_now

    today = local_today()
    minute = minute_now(today)
    return {id(day) for block in blocks for day in block.days
            if day.more_than_asked and not day.outdated
            and not has_begun(day.date, min(t.start_minute for t in day.teams), today, minute)}


def _old_way_words(begun: set[int]):
    """`words(day, team)`: the note of a team that began the old way (_begun_the_old_way), else "".
    Today: the change holds from the next day. A day gone by: the team came the old way."""
    today = local_today()

    def words(day: report_service.PlanDay, team: report_service.PlanTeam) -> str:
        if id(team) not in begun:
            return ""
        times = f"{minutes_to_hhmm(team.start_minute)}–{minutes_to_hhmm(team.end_minute)}"
        if day.date == today:
            return _("al begonnen volgens de oude aanvraag: %(times)s, %(location)s. Uw wijziging geldt vanaf "
                     "de volgende dag", times=times, location=team.location)
        return _("gekomen volgens de oude aanvraag: %(times)s, %(location)s", times=times, location=team.location)

    return words


NOT_PLANNED_YET = "not_yet"


def _nobody_planned_kind(blocks: list[report_service.PlanRequest], first: dt.date):
    """`kind(day, request)` of a day with nobody planned. Gone by: "gone". Its team called off:
    "called_off". In a week every team of the request's region has published: "nobody" (the
    planning is made, and nobody was put on it; "not yet" would have the ministry wait for a team
    that is not coming). Otherwise NOT_PLANNED_YET."""
    today = local_today()
    published = service.weeks_published({b.request.location.region for b in blocks},
                                        {week_of(first + dt.timedelta(weeks=n)) for n in range(PLAN_WEEKS)})

    def kind(day: report_service.PlanDay, found: DeploymentRequest) -> str:
        if day.date < today:
            return "gone"
        if day.called_off:
            return "called_off"
        if (found.location.region, week_of(day.date)) in published:
            return "nobody"
        return NOT_PLANNED_YET

    return kind


def _nobody_planned_words(blocks: list[report_service.PlanRequest], first: dt.date, kind=None):
    """`words(day, request)`: what the page and its CSV say of a day with nobody planned
    (_nobody_planned_kind; pass it when the caller has it, to ask the database once)."""
    kind = kind or _nobody_planned_kind(blocks, first)
    words = {"gone": _("Niet ingepland"), "called_off": _("Niet meer ingepland"), "nobody": _("Niemand ingepland"),
             NOT_PLANNED_YET: _("Nog niet ingepland")}
    return lambda day, found: words[kind(day, found)]


def _ever_planned(found: DeploymentRequest) -> bool:
    """Whether the planning page can have anything of the request: it is accepted (or scheduled, or
    completed), or it was withdrawn after people were told to come or days were committed."""
    if found.status in report_service.COMMITTED_STATUSES:
        return True
    if found.status == S.SUBMITTED.value:
        return False
    told = select(PublishedShift.id).where(PublishedShift.request_id == found.id).limit(1)
    kept = select(RequestDayAsked.id).where(RequestDayAsked.request_id == found.id,
                                            RequestDayAsked.status.in_(report_service.COMMITTED_STATUSES)).limit(1)
    return db.session.scalar(told) is not None or db.session.scalar(kept) is not None


def _why_not_planned(found: DeploymentRequest) -> str:
    """Why the planning page of one request shows nothing: not accepted (yet), or nothing of it in
    these weeks. The page for all requests would say there is no accepted request, which reads as
    if this one were lost."""
    if not _ever_planned(found):
        if found.status == S.SUBMITTED.value:
            return _("Deze aanvraag is nog niet geaccepteerd. Daarom staat er nog niets in de planning. Als de "
                     "planner hem accepteert, ziet u hier welk team komt.")
        if found.status == S.CANCELLED.value:
            return _("Deze aanvraag is geannuleerd. Er was niets voor ingepland.")
        if found.status == S.DECLINED.value:
            return _("Deze aanvraag is afgewezen. Er was niets voor ingepland.")
    # Withdrawn after people were told to come, and called off since: not "nothing in these weeks",
    # which reads as if a team might still be planned.
    if found.status == S.CANCELLED.value:
        return _("Deze aanvraag is geannuleerd. Er komt geen team meer.")
    if found.status == S.DECLINED.value:
        return _("Deze aanvraag is afgewezen. Er komt geen team meer.")
    return _("In deze weken staat er niets van deze aanvraag in de planning.")


def _dropped_note(day: service.DroppedDay, withdrawn: bool = False) -> str:
    """One line on people still planned on a day their request no longer asks for (team level).
    Under a cancelled or declined request, whose box says so once, the line is short."""
    if withdrawn:
        return ngettext(
            "%(date)s: nog %(num)d persoon van %(team)s (%(times)s, %(location)s).",
            "%(date)s: nog %(num)d mensen van %(team)s (%(times)s, %(location)s).",
            day.people, date=date_period(day.date, day.date), team=day.team,
            times=f"{minutes_to_hhmm(day.start_minute)}–{minutes_to_hhmm(day.end_minute)}", location=day.location,
        )
    return ngettext(
        "Op %(date)s staat nog %(num)d persoon van %(team)s ingepland (%(times)s, %(location)s), "
        "maar die dag hoort niet meer bij de aanvraag.",
        "Op %(date)s staan nog %(num)d mensen van %(team)s ingepland (%(times)s, %(location)s), "
        "maar die dag hoort niet meer bij de aanvraag.",
        day.people, date=date_period(day.date, day.date), team=day.team,
        times=f"{minutes_to_hhmm(day.start_minute)}–{minutes_to_hhmm(day.end_minute)}", location=day.location,
    )


@bp.route("/planning.csv")
@roles_required(Role.MINISTRY_CONTACT)
def plan_csv():
    first, chosen, _refused = _plan_period(strict=True)
    last = first + dt.timedelta(days=7 * PLAN_WEEKS - 1)
    one = _request_filter()
    request_id = one.id if one else None
    blocks = report_service.ministry_plan(current_user.ministry_id, first, last, request_id)
    old_way_note = _old_way_words(_begun_the_old_way(blocks))
    too_many = _more_than_asked_to_come(blocks)
    dropped = service.dropped_days(current_user.ministry_id, first, last, request_id)
    nobody_planned = _nobody_planned_words(blocks, first)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=csv_delimiter())  # ';' in Dutch, ',' in English
    writer.writerow([_("Aanvraag"), _("Locatie"), _("Werksoort"), _("Datum"), _("Begintijd"), _("Eindtijd"),
                     _("Gevraagd"), _("Ingepland"), _("Team"), _("Mensen van dit team"), _("Teamleider"),
                     _("Telefoon teamleider"), _("Opmerking")])
    english = str(get_locale() or "nl") != "nl"
    # Per request, by date: the days it asks for, and the days people still stand planned that
    # it no longer asks for (nobody asked, the note says who still comes).
    rows: dict[int, list[tuple[dt.date, list]]] = {}
    requests = {b.request.id: b.request for b in blocks} | {d.request.id: d.request for d in dropped}
    for block in blocks:
        for day in block.days:
            for team in day.teams or [None]:
                note, came = "", None
                if team is not None and not team.current:
                    note = _("Wijziging nog niet ingepland: dit team komt nog %(times)s, %(location)s",
                             times=f"{minutes_to_hhmm(team.start_minute)}–{minutes_to_hhmm(team.end_minute)}",
                             location=team.location)
                elif team is None:
                    note = nobody_planned(day, block.request)  # as the page's "Gedekt" says it
                elif id(day) in too_many:
                    note = _("Wijziging nog niet ingepland: %(num)d meer dan gevraagd", num=day.more_than_asked)
                else:
                    note = upper_first(old_way_note(day, team))  # a day begun the old way
                    if note:
                        # The times and place the team came by, as the note and the page say.
                        came = ((team.start_minute, team.end_minute), team.location)
                # How many people this team sends, also when they still come for the old request
                # ("Ingepland" counts them too, as the page does; the note says the change is not
                # planned yet).
                rows.setdefault(block.request.id, []).append((day.date, day, [
                    day.wanted, day.planned, team.team if team else "", team.people if team else "",
                    team.leader_name if team else "", team.leader_phone if team else "", note], came))
    for gone in dropped:
        # Nobody asked, yet these people come: "Ingepland" counts them, all teams of the day.
        coming: dict[dt.date, int] = {}
        for day in gone.days:
            coming[day.date] = coming.get(day.date, 0) + day.people
        withdrawn = gone.request.status in (S.CANCELLED.value, S.DECLINED.value)
        for day in gone.days:
            # Under a cancelled or declined request the page's box says so once; a spreadsheet
            # row stands alone, so it says it itself.
            why = (_("Deze aanvraag is %(status)s. Toch staan er nog mensen ingepland:",
                     status=service.status_label(gone.request.status).lower()) + " " + _dropped_note(day, True)
                   if withdrawn else _dropped_note(day))
            rows.setdefault(gone.request.id, []).append((day.date, day, [
                0, coming[day.date], day.team, day.people, day.leader_name, day.leader_phone,
                why + " " + _("De planner past dit aan.")], None))
    for pk in sorted(rows, key=lambda pk: (requests[pk].start_date, pk)):
        r = requests[pk]
        for day, asked, rest, came in sorted(rows[pk], key=lambda row: row[0]):
            if came:
                times, place = came
            elif isinstance(asked, service.DroppedDay):
                # People still planned on a day no longer asked: the times and place they come at.
                times, place = (asked.start_minute, asked.end_minute), asked.location
                asked = None
            else:
                # A day gone by shows the place, work and times asked then.
                times = (asked.start_minute, asked.end_minute) if asked else (r.start_minute, r.end_minute)
                place = asked.earlier_location if asked and asked.earlier_location else r.location.name
            work = asked.earlier_work_type if asked and asked.earlier_work_type else r.work_type
            work_type = (work.name_en or work.name_nl) if english else work.name_nl
            writer.writerow([report_service.spreadsheet_safe(v) for v in [
                r.id, place, work_type, day.isoformat(), *map(minutes_to_hhmm, times), *rest,
            ]])
    return Response(
        "\ufeff" + out.getvalue(), mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="planning-{chosen}.csv"'},
    )


def _plan_period(strict: bool = False) -> tuple[dt.date, str, bool]:
    """The first Monday shown: the week asked for, else this week (at the weekend the next one:
    the week just gone is no longer what a contact looks ahead to); and whether a typed week was
    refused (the page's title then starts with "Fout:")."""
    text = request.args.get("week")
    if text:
        try:
            chosen = read_week(text[:20])
        except ValueError as exc:
            if strict:
                abort(404)
            # Name the week once ('week 53 2027'), and at the weekend say the coming week is shown.
            why = _("'%(week)s' is geen week die we kennen.", week=text[:20])
            if isinstance(exc, NoSuchWeek):  # '2027-W53': say why
                why += " " + exc.year_note
            today = local_today()
            flash(f"{why} " + (_("U ziet nu de komende week (%(week)s).", week=week_of(today + dt.timedelta(days=2)))
                               if today.isoweekday() >= 6 else _("U ziet nu deze week.")), "error")
        else:
            year, number = parse_week(chosen)
            return dt.date.fromisocalendar(year, number, 1), chosen, False
    today = local_today()
    chosen = week_of(today + dt.timedelta(days=2) if today.isoweekday() >= 6 else today)
    year, number = parse_week(chosen)
    return dt.date.fromisocalendar(year, number, 1), chosen, bool(text)


def _request_filter() -> DeploymentRequest | None:
    """The one request the planning page shows (?aanvraag=<id>), or None for all of them."""
    raw = request.args.get("aanvraag")
    if not raw:
        return None
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 10:  # not "²", which isdigit() takes and int() refuses
        abort(404)
    return _load(int(raw))


# --- shared: one request -----------------------------------------------------------------------------


def _over_note(found: DeploymentRequest) -> str | None:
    """Why a request gone by cannot change, for its page; None when the flash above says it
    already (the redirect from /wijzigen or /annuleren): a screen reader read it twice."""
    note = service.over_message(found)
    return None if note in get_flashed_messages() else note


def _say_holidays(found: DeploymentRequest) -> None:
    """After filing or changing: the holidays within the request, on which no team comes (the
    request's page it leads to then leaves its own note out: _holidays_note)."""
    note = service.holidays_note(found)
    if note:
        flash(note, "info")


def _holidays_note(found: DeploymentRequest) -> str | None:
    """The request's holidays for its page; None when the flash above names them already."""
    note = service.holidays_note(found)
    return None if note in get_flashed_messages() else note


@bp.route("/<int:request_id>")
@roles_required(Role.MINISTRY_CONTACT, *OFFICE)
def detail(request_id: int):
    return _detail_page(_load(request_id))


def _may_call_off_days(found: DeploymentRequest) -> bool:
    """Whether this user may call off a date of the request (or take one back): its ministry's
    contact or the planner, while it is accepted or scheduled and not over."""
    return (current_user.role in (Role.MINISTRY_CONTACT.value, Role.PLANNER.value)
            and found.status in service.DAY_OFF_STATUSES and not service.is_over(found))


def _detail_page(found: DeploymentRequest, day_off_form: DayOffForm | None = None, refused: bool = False):
    # The ministry's own request whose last day has gone by: no change or cancel, and why not.
    over = _is_contact() and found.status in service.CHANGEABLE and service.is_over(found)
    may_call_off = _may_call_off_days(found)
    return render_template(
        "requests/detail.html", req=found, form=ConfirmForm(), decline_form=DeclineForm(),
        over_note=_over_note(found) if over else None,
        holidays_note=_holidays_note(found),
        # A decision refused, or a date that cannot be called off or taken back: "Fout:" in the title.
        refused=refused or bool(g.get("stale_request")) or bool(day_off_form and day_off_form.errors),
        priority_form=PriorityForm(priority=found.priority),
        changes=service.changes_since_review(found) if current_user.role != Role.MINISTRY_CONTACT.value else None,
        can_complete=service.can_complete(found),
        can_change=_is_contact() and found.status in service.CHANGEABLE and not over,
        # Only where the planning page has something of it: for a request not accepted it would be empty.
        shows_plan=_is_contact() and _ever_planned(found),
        can_cancel=current_user.role in (Role.MINISTRY_CONTACT.value, Role.PLANNER.value)
        and service.can_transition(found.status, S.CANCELLED.value) and not over,
        is_planner=current_user.role == Role.PLANNER.value, can_transition=service.can_transition,
        day_off_form=day_off_form or DayOffForm(formdata=None) if may_call_off else None,
        # Only the dates it would otherwise ask for: one left outside a changed period or weekdays is moot.
        dates_off=[(day, may_call_off and service.may_take_back(found, day)) for day in service.dates_off_asked(found)],
        back_form=ConfirmForm(), **_template_helpers(),
    )


@bp.route("/<int:request_id>/dag-afzeggen", methods=["POST"])
@roles_required(Role.MINISTRY_CONTACT, Role.PLANNER)
def call_off_day(request_id: int):
    """"Eén dag afzeggen": one date of the period without people, the rest of it as asked."""
    found = _load(request_id)
    form = DayOffForm()
    day = None
    try:
        service.refuse_unless_days_may_change(found)
        if not form.validate_on_submit():
            return _detail_page(found, form), 422
        day = form.date.data
        service.call_off_day(found, day, actor=_actor())
    except ServiceError as error:
        db.session.rollback()
        # The same call-off sent again (a double click, also at the same moment: the service's
        # lock or the unique date makes the second "already called off"), or after someone else's:
        # it went through, as the first says; nothing is stored twice.
        if not (error.field == "date" and day is not None and _called_off_already(found, day)):
            return _refused_day_off(found, form, error)
    flash(_("Op %(date)s komt er geen team: de dag is afgezegd.", date=full_date(day)), "success")
    if service.told_on(found, day) and _is_contact():
        flash(_("Er stonden al mensen ingepland. De planner haalt hen uit het rooster en laat hen weten dat ze "
                "niet komen."), "info")
    elif service.told_on(found, day):
        flash(_("Er staan die dag nog mensen ingepland. Publiceer het rooster van week %(week)s opnieuw: dan gaan "
                "hun diensten niet door.", week=week_of(day)), "warning")
    return redirect(url_for("requests.detail", request_id=found.id))


@bp.route("/<int:request_id>/dag-terug", methods=["POST"])
@roles_required(Role.MINISTRY_CONTACT, Role.PLANNER)
def take_back_day_off(request_id: int):
    """"Toch laten doorgaan": a called-off date asked for again, while it is still to come."""
    found = _load(request_id)
    form = DayOffForm()
    # Refused, the page answers at once (not a redirect) so its title can begin with "Fout:".
    if not form.validate_on_submit():
        flash(_("Kies een afgezegde dag uit de lijst."), "error")
        return _detail_page(found, refused=True), 422
    day = form.date.data
    try:
        service.take_back_day_off(found, day, actor=_actor())
    except ServiceError as error:
        db.session.rollback()
        # The same take-back sent again (a double click, also at the same moment: the second waits
        # for the first's lock), or after someone else's: the day goes ahead, as the first says.
        if not (error.field == "date" and _taken_back_already(found, day)):
            flash(error.message, "error")
            return _detail_page(found, refused=True), 409
    if _is_contact() and service.told_on(found, day):
        # Taken back before the planner published the call-off: the team was never taken off.
        flash(_("Op %(date)s vraagt u weer mensen. Het team dat ingepland was, komt zoals gepland.",
                date=full_date(day)), "success")
    elif _is_contact():
        flash(_("Op %(date)s vraagt u weer mensen. De planner kijkt of er een team kan komen.", date=full_date(day)),
              "success")
    else:
        flash(_("Op %(date)s vraagt de aanvraag weer mensen. Kijk of het rooster van week %(week)s klopt en publiceer "
                "het opnieuw.", date=full_date(day), week=week_of(day)), "success")
    return redirect(url_for("requests.detail", request_id=found.id))


def _called_off_already(found: DeploymentRequest, day: dt.date) -> bool:
    """Whether a call-off of `day` the service refused was refused only because the day is called
    off already (as the request now stands): a day gone by, outside the request, not one of its
    weekdays or a holiday is refused before that, and stays refused."""
    return day >= service.today() and day in service.dates_off_asked(found)


def _taken_back_already(found: DeploymentRequest, day: dt.date) -> bool:
    """Whether a take-back of `day` the service refused as "not called off" asks for what is so:
    the day was called off and taken back since (a take-back is in the request's history), and the
    request asks for people on it, still to come. A date never called off, or one the request no
    longer asks for, stays refused."""
    if day in [off.date for off in found.dates_off] or not (service.would_ask_on(found, day)
                                                           and service.may_take_back(found, day)):
        return False
    said = f"fields={service.DATES_OFF} {service.TAKEN_BACK}={day.isoformat()}"
    return db.session.scalar(
        select(AuditEvent.id).where(AuditEvent.object_type == "DeploymentRequest",
                                    AuditEvent.object_id == str(found.id), AuditEvent.action == "request_changed",
                                    AuditEvent.detail.startswith(said, autoescape=True)).limit(1)) is not None


def _refused_day_off(found: DeploymentRequest, form: DayOffForm, error: ServiceError):
    """A date refused: its reason on the field, the rest (the request no longer runs) on top."""
    if error.field == "date":
        form.date.errors = list(form.date.errors) + [error.message]
        return _detail_page(found, form), 422
    flash(error.message, "error")
    return _detail_page(found, refused=True), 409


# --- the planner -------------------------------------------------------------------------------------


@bp.route("/intake")
@roles_required(*OFFICE)
def intake():
    # At Binnenwerk's size hundreds can wait (an import of requests): a page at a time, and by
    # region or ministry, as the list of all requests; a decision returns to the same page.
    ministry, region = _list_filters(request.args)
    query = (
        select(DeploymentRequest)
        .join(Location, Location.id == DeploymentRequest.location_id)
        .options(contains_eager(DeploymentRequest.location), *_LISTED)
        .where(or_(DeploymentRequest.status == S.SUBMITTED.value, DeploymentRequest.changed_since_review.is_(True)))
        .order_by(DeploymentRequest.priority.desc(), DeploymentRequest.start_date, DeploymentRequest.id)
    )
    if ministry:
        query = query.where(DeploymentRequest.ministry_id == int(ministry))
    if region:
        query = query.where(Location.region == region)
    found = one_page(query, request.args.get("page"), INTAKE_PER_PAGE)
    today = local_today()
    outlook = report_service.capacity_outlook(found.items, today - dt.timedelta(days=today.weekday()))
    args = {name: value for name, value in (("ministerie", ministry), ("regio", region)) if value}
    return render_template(
        "requests/intake.html", requests=found.items, found=found, form=ConfirmForm(), outlook=outlook,
        is_planner=current_user.role == Role.PLANNER.value, args=args,
        chosen={"ministry": ministry, "region": region},
        ministries=db.session.scalars(select(Ministry).order_by(Ministry.name)).all(),
        regions=db.session.scalars(select(Location.region).distinct().order_by(Location.region)).all(),
        **_template_helpers(),
    )


INTAKE_PER_PAGE = 50


def _list_filters(source) -> tuple[str, str]:
    """The request lists' ministry (an id, as text) and region from a query or a decision's form;
    '' for none or for one that is no id."""
    ministry = source.get("ministerie", "")
    if not (ministry.isascii() and ministry.isdigit() and int(ministry) <= MAX_ID):
        ministry = ""
    return ministry, source.get("regio", "")[:100]


def _intake_url(source) -> str:
    """The intake page a decision was taken on: its filters and page."""
    ministry, region = _list_filters(source)
    page = source.get("page", "")
    args = {name: value for name, value in (("ministerie", ministry), ("regio", region),
                                            ("page", page if ascii_digits(page) else "")) if value}
    return url_for("requests.intake", **args)


ALL_PER_PAGE = 100


@bp.route("/alle")
@roles_required(*OFFICE)
def all_requests():
    status = request.args.get("status", "")
    ministry, region = _list_filters(request.args)
    query = (
        select(DeploymentRequest)
        .join(Location, Location.id == DeploymentRequest.location_id)
        .options(contains_eager(DeploymentRequest.location), *_LISTED)
        .order_by(DeploymentRequest.start_date.desc(), DeploymentRequest.id.desc())
    )
    if status in {s.value for s in S}:
        query = query.where(DeploymentRequest.status == status)
    if ministry:
        query = query.where(DeploymentRequest.ministry_id == int(ministry))
    if region:
        query = query.where(Location.region == region)
    found = one_page(query, request.args.get("page"), ALL_PER_PAGE)
    ministries = db.session.scalars(select(Ministry).order_by(Ministry.name)).all()
    regions = db.session.scalars(select(Location.region).distinct().order_by(Location.region)).all()
    return render_template(
        "requests/all.html", requests=found.items, found=found, ministries=ministries, regions=regions,
        chosen={"status": status, "ministry": ministry, "region": region},
        args={name: value for name, value in (("status", status), ("ministerie", ministry), ("regio", region))
              if value},
        statuses=[s.value for s in S], **_template_helpers(),
    )


def _planner_action(request_id: int, do, success: str):
    """`do(request, seen_version)`: the version the planner's page showed (None from a form without
    one), so a request changed since is refused instead of decided on unseen."""
    found = _load(request_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        do(found, request.form.get("seen_version"))
    except service.StaleRequest as error:
        db.session.rollback()
        # The request page as it is now, with what changed since the planner's page on top and
        # buttons for this version: nothing was stored, the planner decides again.
        g.stale_request = (error.message, [_change_line(change) for change in error.changes])
        return detail(found.id), 409
    except ServiceError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        flash(success, "success")
    target = request.form.get("next")
    if target == "intake":
        return redirect(_intake_url(request.form))
    return redirect(url_for("requests.detail", request_id=found.id))


@bp.route("/<int:request_id>/accepteren", methods=["POST"])
@roles_required(Role.PLANNER)
def accept(request_id: int):
    accepted: list[DeploymentRequest] = []

    def do(found: DeploymentRequest, seen) -> None:
        accepted.append(service.transition(found, S.ACCEPTED.value, actor=_actor(), seen_version=seen))

    response = _planner_action(request_id, do, _("De aanvraag is geaccepteerd."))
    if accepted:
        _say_weeks_planned(accepted[0])
    return response


def _say_weeks_planned(found: DeploymentRequest) -> None:
    """After an accept: the weeks of its region to plan again (the import says the same)."""
    region = found.location.region  # a Dutch name, marked on an English page (WCAG 3.1.2)
    for said in service.weeks_planned_messages(found):
        flash(marked_dutch_in(said, region), "warning")


@bp.route("/<int:request_id>/bekeken", methods=["POST"])
@roles_required(Role.PLANNER)
def mark_reviewed(request_id: int):
    return _planner_action(
        request_id, lambda r, seen: service.mark_reviewed(r, actor=_actor(), seen_version=seen),
        _("De wijziging is als bekeken gemarkeerd."),
    )


@bp.route("/<int:request_id>/prioriteit", methods=["POST"])
@roles_required(Role.PLANNER)
def set_priority(request_id: int):
    found = _load(request_id)
    form = PriorityForm()
    if not form.validate_on_submit():
        flash(_("Kies een prioriteit uit de lijst."), "error")
        return redirect(url_for("requests.detail", request_id=found.id))
    try:
        changed = service.set_priority(found, form.priority.data, actor=_actor(), seen_priority=form.seen())
    except ServiceError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        if changed:
            flash(_("De prioriteit is nu: %(priority)s.", priority=service.priority_label(form.priority.data).lower()),
                  "success")
    return redirect(url_for("requests.detail", request_id=found.id))


@bp.route("/<int:request_id>/status", methods=["POST"])
@roles_required(Role.PLANNER)
def set_status(request_id: int):
    new = request.form.get("status", "")
    if new not in (S.SCHEDULED.value, S.COMPLETED.value):
        found = _load(request_id)
        flash(_("Deze status kun je hier niet kiezen."), "error")
        return redirect(url_for("requests.detail", request_id=found.id))
    return _planner_action(
        request_id, lambda r, seen: service.transition(r, new, actor=_actor(), seen_version=seen),
        _("De status is nu: %(status)s.", status=service.status_label(new).lower()),
    )


@bp.route("/<int:request_id>/afwijzen", methods=["GET", "POST"])
@roles_required(Role.PLANNER)
def decline(request_id: int):
    found = _load(request_id)
    if not service.can_transition(found.status, S.DECLINED.value):
        # Say so before a reason is typed, not after it is thrown away.
        flash(_("Deze aanvraag is %(status)s en kan niet meer afgewezen worden.",
                status=service.status_label(found.status).lower()), "error")
        return redirect(url_for("requests.detail", request_id=found.id))
    form = DeclineForm()
    # "Terug" to where the planner came from: the intake's page and filters, or the request.
    back = (_intake_url(request.args) if request.args.get("van") == "intake"
            else url_for("requests.detail", request_id=found.id))
    # The version the planner decides on: the one the page with the 'Afwijzen' link showed (a
    # change made since is shown here first), then the one this page showed.
    seen = request.form.get("seen_version") if request.method == "POST" else request.args.get("versie")
    changed_since = None
    if request.method == "GET" and seen and seen != service.version_of(found):
        changed_since = [_change_line(change) for change in service.changes_since(found, seen)]
    if form.validate_on_submit():
        try:
            service.transition(found, S.DECLINED.value, actor=_actor(), reason=form.reason.data, seen_version=seen)
        except service.StaleRequest as error:
            db.session.rollback()
            # The reason typed stays; the page now shows (and carries) the request as it is.
            return render_template(
                "requests/decline.html", req=found, form=form, seen_version=service.version_of(found), back=back,
                stale=(error.message, [_change_line(change) for change in error.changes]), refused=True,
                **_template_helpers(),
            ), 409
        except ServiceError as error:
            db.session.rollback()
            if error.field == "reason":
                form.reason.errors = list(form.reason.errors) + [error.message]
            else:
                flash(error.message, "error")
                return redirect(url_for("requests.detail", request_id=found.id))
        else:
            flash(_("De aanvraag is afgewezen."), "success")
            _say_weeks_still_told(found)
            return redirect(_intake_url(request.args))  # the intake page it came from: filters and page
    status = 422 if request.method == "POST" else 200
    return render_template("requests/decline.html", req=found, form=form, changed_since=changed_since, back=back,
                           seen_version=seen if request.method == "POST" and seen else service.version_of(found),
                           **_template_helpers()), status
