"""Forms of the requests blueprint: a deployment request, a decline or cancel reason, the priority,
one date called off."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import Optional

from ..forms_common import (
    DutchDateField, MaxLength, MultiCheckboxField, Needed, NeededText, TimeOfDayField, WholeNumberField, int_or_none,
)
from ..models import MINUTES_PER_DAY
from ..teams.forms import PlaceSelectField

WEEKDAYS = [
    ("1", _l("maandag")), ("2", _l("dinsdag")), ("3", _l("woensdag")), ("4", _l("donderdag")),
    ("5", _l("vrijdag")), ("6", _l("zaterdag")), ("7", _l("zondag")),
]
PRIORITIES = [(1, _l("Laag")), (2, _l("Normaal")), (3, _l("Hoog"))]


class TimeTextField(TimeOfDayField):
    """A time of day as HH:MM, shown as the browser's time input.

    Without autocomplete="off" (the text fields' way to keep a list of earlier entries from covering
    the form): a time input shows no such list, and with it Chromium leaves the times out when it
    fills in the form again after the Back button."""

    input_kw = {"type": "time", "inputmode": "numeric"}

    def format(self, minutes: int) -> str:
        # A time input shows nothing for "24:00": the end of the day is midnight, 00:00, as typed
        # (RequestForm.shift_minutes reads it back as the end of the day).
        return super().format(minutes % MINUTES_PER_DAY)


class RequestForm(FlaskForm):
    # When the request was last changed as this form saw it: a save over a newer change is refused.
    seen_version = HiddenField()
    # Which filled-in form this is (a new request only): sent twice, it still makes one request.
    submission = HiddenField()
    location_id = PlaceSelectField(
        _l("Locatie"), coerce=int_or_none, validate_choice=False,
        validators=[Needed(_l("Kies een locatie."))],
    )
    work_type_id = SelectField(
        _l("Werksoort"), coerce=int_or_none, validate_choice=False,
        validators=[Needed(_l("Kies een werksoort."))],
    )
    start_date = DutchDateField(_l("Van"), validators=[Needed(_l("Vul een begindatum in."))])
    end_date = DutchDateField(_l("Tot en met"), validators=[Needed(_l("Vul een einddatum in."))])
    weekdays = MultiCheckboxField(_l("Dagen"), choices=WEEKDAYS, validate_choice=False)
    start_time = TimeTextField(_l("Begintijd"), validators=[Needed(_l("Vul een begintijd in."))])
    end_time = TimeTextField(_l("Eindtijd"), validators=[Needed(_l("Vul een eindtijd in."))])
    break_minutes = WholeNumberField(
        _l("Pauze in minuten"), default=0, validators=[Needed(_l("Vul de pauze in minuten in (0 mag)."))],
        invalid_message=_l("Vul de pauze in als een heel aantal minuten, bijvoorbeeld 30."),
    )
    headcount = WholeNumberField(_l("Aantal mensen per dag"), validators=[Needed(_l("Vul een aantal in."))],
                                 invalid_message=_l("Vul een heel aantal mensen in, bijvoorbeeld 3."))
    priority = SelectField(_l("Prioriteit"), choices=PRIORITIES, coerce=int_or_none, default=2, validate_choice=False)
    contact_name = StringField(_l("Contactpersoon op locatie"), validators=[Optional(), MaxLength(200)])
    contact_phone = StringField(
        _l("Telefoon contactpersoon"), validators=[Optional(), MaxLength(40)], render_kw={"type": "tel"}
    )
    access_instructions = TextAreaField(_l("Toegang tot het gebouw"), validators=[Optional(), MaxLength(2000)])
    notes = TextAreaField(_l("Opmerkingen"), validators=[Optional(), MaxLength(2000)])
    # A new request that asks what a running one asks is filed only when the contact ticks this
    # (shown after the first try: services.requests.SameRunningRequest).
    same_again = BooleanField(_l("Ja, ik wil nog een aanvraag met dezelfde gegevens (bijvoorbeeld voor meer dan "
                                 "15 mensen per dag)"))

    def shift_minutes(self) -> tuple[int | None, int | None]:
        """The start and end as minutes after midnight (None where unreadable). A time input cannot
        say 24:00: an end of 00:00 after a start later in the day is the end of that day (1440). A
        start of 00:00 is the start of the day, and 00:00 to 00:00 stays no shift at all."""
        start, end = self.start_time.minutes, self.end_time.minutes
        if end == 0 and start:
            end = MINUTES_PER_DAY
        return start, end


class DeclineForm(FlaskForm):
    reason = TextAreaField(
        _l("Reden van afwijzen"),
        validators=[NeededText(_l("Geef een reden waarom je de aanvraag afwijst.")), MaxLength(2000)],
    )


class CancelForm(FlaskForm):
    """The planner's cancel: the ministry reads why (a ministry contact cancels with a ConfirmForm)."""

    reason = TextAreaField(
        _l("Reden van annuleren"),
        validators=[NeededText(_l("Geef een reden waarom je de aanvraag annuleert.")), MaxLength(2000)],
    )


class ConfirmForm(FlaskForm):
    """An empty form: only the CSRF token, for buttons that change something."""


class PriorityForm(FlaskForm):
    """The planner weighs requests against each other: the ministry's priority is its wish."""

    priority = SelectField(_l("Prioriteit"), choices=PRIORITIES, coerce=int_or_none)
    # The priority the page showed: one set since is not overwritten unseen (services.requests.set_priority).
    seen_priority = HiddenField()

    def seen(self) -> int | None:
        return int(self.seen_priority.data) if self.seen_priority.data in ("1", "2", "3") else None


class DayOffForm(FlaskForm):
    """One date of a running request called off (or, sent with a called-off date, taken back)."""

    date = DutchDateField(_l("Datum"), validators=[Needed(_l("Vul een datum in."))])
