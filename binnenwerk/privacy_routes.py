"""Pages for the AVG: an employee's inzage export and anonymisation, and the anonymisation of a team
leader who has left (planners only)."""
from __future__ import annotations

import json

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload
from wtforms import BooleanField, SubmitField
from wtforms.validators import DataRequired

from . import audit, privacy
from .access import roles_required
from .extensions import db
from .folding import contains_folded
from .formatting import local_today
from .models import Employee, Role, Supervisor
from .paging import one_page

bp = Blueprint("privacy", __name__, url_prefix="/privacy")

MAX_LISTED = 100  # people found by name; more: the page says to type more of the name
ENDED_PER_PAGE = 50


class AnonymiseForm(FlaskForm):
    confirm = BooleanField(
        _l("Ik weet dat naam, contactgegevens en gezondheidsgegevens definitief worden verwijderd."),
        validators=[DataRequired(message=_l("Vink aan dat je dit zeker weet."))],
    )
    submit = SubmitField(_l("Anonimiseren"))


class AnonymiseLeaderForm(FlaskForm):
    confirm = BooleanField(
        _l("Ik weet dat naam, contactgegevens, werktijden, afwezigheden en het account definitief worden "
           "verwijderd."),
        validators=[DataRequired(message=_l("Vink aan dat je dit zeker weet."))],
    )
    submit = SubmitField(_l("Anonimiseren"))


def _employee_or_404(employee_id: int) -> Employee:
    employee = db.session.get(Employee, employee_id)
    if employee is None:
        abort(404)
    return employee


@bp.route("/")
@roles_required(Role.PLANNER)
def index():
    query_text = (request.args.get("q") or "").strip()[:100]
    # A page at a time, as the other long lists: all of them can be reached, and the page says how many.
    ended = one_page(
        select(Employee).options(joinedload(Employee.team))  # each line names the team: not a query each
        .where(Employee.anonymised_at.is_(None), Employee.contract_end.is_not(None),
               Employee.contract_end < local_today())
        .order_by(Employee.contract_end, Employee.sort_name, Employee.id),
        request.args.get("page"), ENDED_PER_PAGE)
    found = []
    if query_text:
        # Word by word, as the employees list searches: a full name from a letter ("Ayşe Özdemir")
        # finds the person whose first and last name hold those words.
        matching = select(Employee).options(joinedload(Employee.team))
        for word in query_text.replace(",", " ").split():
            matching = matching.where(or_(contains_folded(Employee.first_name, word),
                                          contains_folded(Employee.last_name, word)))
        found = db.session.scalars(
            matching
            .order_by(Employee.sort_name, Employee.id)
            .limit(MAX_LISTED + 1)  # one more: whether there are more than the page lists
        ).all()
    more_found = len(found) > MAX_LISTED
    return render_template("privacy/index.html", ended=ended, found=found[:MAX_LISTED], more_found=more_found,
                           max_listed=MAX_LISTED, query_text=query_text,
                           leaders=privacy.leaders_to_anonymise(local_today()), weeks_back=privacy.WEEKS_BACK)


@bp.route("/medewerkers/<int:employee_id>")
@roles_required(Role.PLANNER)
def employee(employee_id: int):
    employee = _employee_or_404(employee_id)
    can_anonymise = privacy.contract_has_ended(employee, local_today()) and not employee.anonymised_at
    return render_template(
        "privacy/employee.html", employee=employee, data=privacy.export_employee(employee),
        form=AnonymiseForm(), can_anonymise=can_anonymise,
    )


@bp.route("/medewerkers/<int:employee_id>/inzage.json")
@roles_required(Role.PLANNER)
def export(employee_id: int):
    employee = _employee_or_404(employee_id)
    data = privacy.export_employee(employee)
    # Reading special-category data out of the system is worth a trace, like a change.
    audit.record("privacy_export", employee)
    db.session.commit()
    body = json.dumps(data, ensure_ascii=False, indent=2)
    return Response(
        body, mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="inzage-medewerker-{employee.id}.json"'},
    )


@bp.route("/medewerkers/<int:employee_id>/anonimiseren", methods=["POST"])
@roles_required(Role.PLANNER)
def anonymise(employee_id: int):
    employee = _employee_or_404(employee_id)
    form = AnonymiseForm()
    if form.validate_on_submit():
        try:
            privacy.anonymise_employee(employee, today=local_today())
        except privacy.ServiceError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            flash(_("De gegevens zijn geanonimiseerd. De gewerkte uren blijven meetellen in de rapportages."),
                  "success")
            return redirect(url_for("privacy.employee", employee_id=employee.id))
    can_anonymise = privacy.contract_has_ended(employee, local_today()) and not employee.anonymised_at
    return render_template(
        "privacy/employee.html", employee=employee, data=privacy.export_employee(employee),
        form=form, can_anonymise=can_anonymise,
    ), 422


def _leader_page(supervisor: Supervisor, form: AnonymiseLeaderForm):
    today = local_today()
    return render_template(
        "privacy/leader.html", leader=supervisor, form=form, last_led=privacy.last_day_led(supervisor),
        anonymised=privacy.leader_is_anonymised(supervisor), refusal=privacy.leader_refusal(supervisor, today),
    )


@bp.route("/teamleiders/<int:supervisor_id>")
@roles_required(Role.PLANNER)
def leader(supervisor_id: int):
    supervisor = db.session.get(Supervisor, supervisor_id) or abort(404)
    return _leader_page(supervisor, AnonymiseLeaderForm())


@bp.route("/teamleiders/<int:supervisor_id>/anonimiseren", methods=["POST"])
@roles_required(Role.PLANNER)
def anonymise_leader(supervisor_id: int):
    supervisor = db.session.get(Supervisor, supervisor_id) or abort(404)
    form = AnonymiseLeaderForm()
    if form.validate_on_submit():
        try:
            privacy.anonymise_leader(supervisor, today=local_today())
        except privacy.ServiceError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            flash(_("De gegevens van de teamleider zijn geanonimiseerd. De dagen die de teamleider leidde blijven in "
                    "de roosters, zonder naam."), "success")
            return redirect(url_for("privacy.leader", supervisor_id=supervisor.id))
    return _leader_page(supervisor, form), 422
