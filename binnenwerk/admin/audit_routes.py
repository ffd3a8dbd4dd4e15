"""The audit log page for admins: filter by actor, action, object type, period and result."""
from __future__ import annotations

import datetime as dt

from flask import render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from wtforms import DateField, SelectField, StringField
from wtforms.validators import Length, Optional, ValidationError

from ..access import roles_required
from ..extensions import db
from ..formatting import PLANNING_YEARS
from ..models import AuditEvent, Role
from . import bp

PER_PAGE = 50
FILTERS = ("actor", "action", "object_type", "result", "date_from", "date_to")
MAX_PAGE = 100_000


class AuditFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search form changes nothing

    actor = StringField(_l("Wie (e-mailadres of deel ervan)"), validators=[Optional(), Length(max=200)])
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


def _choices(column, words: dict | None = None) -> list[tuple[str, str]]:
    values = db.session.scalars(select(column).distinct().where(column != "").order_by(column)).all()
    return [("", _("Alle"))] + [(v, str((words or {}).get(v, v))) for v in values]


@bp.route("/audit")
@roles_required(Role.ADMIN)
def audit():
    form = AuditFilterForm(formdata=request.args)
    form.action.choices = _choices(AuditEvent.action)
    form.object_type.choices = _choices(AuditEvent.object_type)
    form.result.choices = _choices(AuditEvent.result, RESULT_WORDS)
    # A junk date in the URL is a field error on the page, never a crash.
    valid = form.validate() if request.args else True

    query = select(AuditEvent)
    if valid:
        query = _filtered(query, form)
    page = _page_number(request.args.get("page"))
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    pages = max(1, -(-total // PER_PAGE))
    page = min(page, pages)
    events = db.session.scalars(
        query.order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(PER_PAGE).offset((page - 1) * PER_PAGE)
    ).all()
    args = {name: request.args[name][:200] for name in FILTERS if request.args.get(name)}
    return render_template(
        "admin/audit.html", form=form, events=events, page=page, pages=pages, total=total, args=args,
        result_words=RESULT_WORDS,
    ), 200 if valid else 422


def _filtered(query, form: AuditFilterForm):
    if form.actor.data and form.actor.data.strip():
        pattern = "%" + form.actor.data.strip().lower().replace("%", "").replace("_", "") + "%"
        query = query.where(func.lower(AuditEvent.actor_email).like(pattern))
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


def _utc_start(day: dt.date) -> dt.datetime:
    """Midnight in the app's timezone, as the naive UTC the audit table stores."""
    from zoneinfo import ZoneInfo

    from flask import current_app

    local = dt.datetime.combine(day, dt.time(0), tzinfo=ZoneInfo(current_app.config["TIMEZONE"]))
    return local.astimezone(dt.timezone.utc).replace(tzinfo=None)


def _page_number(text: str | None) -> int:
    if not text or not text.isdigit() or len(text) > 6:
        return 1
    return max(1, min(int(text), MAX_PAGE))
