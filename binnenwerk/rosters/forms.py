"""Forms of the rosters area: a cell edit, a solve, a repair, and plain action buttons."""
from flask_babel import lazy_gettext as _l
from flask import current_app
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, RadioField, SelectField, StringField
from wtforms.validators import DataRequired, Optional

from ..forms_common import MaxLength

TIME_LIMITS = [("10", _l("10 seconden (snel)")), ("30", _l("30 seconden")), ("60", _l("1 minuut")),
               ("180", _l("3 minuten (grondig)"))]


def default_time_limit() -> str:
    """The choice nearest the deployment's SOLVE_TIME_LIMIT (the longer one of two as near: 20 s
    offers 30), so the setting is what a solve started from the page takes unless changed."""
    wanted = float(current_app.config.get("SOLVE_TIME_LIMIT") or 30)
    return min((value for value, _label in TIME_LIMITS), key=lambda v: (abs(float(v) - wanted), -float(v)))


class ActionForm(FlaskForm):
    """A button that changes a roster: CSRF plus the version the page was showing."""

    lock_version = HiddenField()


class CellForm(ActionForm):
    request = SelectField(_l("Dienst"), choices=[], validate_choice=False)
    # The cell as the form showed it (service.cell_state): another cell saved meanwhile is no conflict.
    seen_cell = HiddenField()
    pinned = BooleanField(_l("Vastzetten, zodat opnieuw plannen deze dienst niet verandert"), default=True)
    reason = StringField(_l("Reden (voor de geschiedenis)"), validators=[Optional(), MaxLength(500)])


class LeaderForm(ActionForm):
    supervisor = RadioField(_l("Teamleider"), choices=[], validate_choice=False)
    # Who led there as the form showed it (service.leader_state): another change meanwhile is no conflict.
    seen_leader = HiddenField()
    pinned = BooleanField(_l("Vastzetten, zodat opnieuw plannen deze teamleider hier houdt"), default=True)


class SolveForm(FlaskForm):
    time_limit = SelectField(_l("Rekentijd"), choices=TIME_LIMITS, default=default_time_limit)


class RepairForm(ActionForm):
    day = SelectField(_l("Repareer vanaf"), choices=[], validators=[DataRequired()], validate_choice=False)
    time_limit = SelectField(_l("Rekentijd"), choices=TIME_LIMITS, default=default_time_limit)
