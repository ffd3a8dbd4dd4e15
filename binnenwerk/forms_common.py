"""Form building blocks every blueprint shares: safe id coercion, required-without-bubble, checkboxes."""
from __future__ import annotations

import datetime as dt
import re

from flask import flash, redirect
from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, IntegerField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, StopValidation, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from .formatting import minutes_to_hhmm, time_of_day_minutes


def int_or_none(value):
    """Coerce a choice to int; a tampered value becomes None so validation refuses it in Dutch."""
    if value in (None, ""):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    # Larger than any database integer: cannot exist, and would overflow PostgreSQL's int4.
    return number if 0 < number < 2**31 else None


def strip_text(value):
    return value.strip() if isinstance(value, str) else value


# WTForms' own message, which WTForms translates (a name, so it is not extracted as ours).
WTFORMS_REQUIRED = "This field is required."


class Needed(InputRequired):
    """InputRequired without the HTML `required` flag.

    The browser's own validation bubble speaks the browser's language and appears before the
    server's Dutch message tied to the field; without the flag people always get the latter.
    """

    def __init__(self, message=None):
        super().__init__(message)
        # Marked as required in words and for screen readers (aria-required), not for the browser.
        self.field_flags = {"needed": True}

    def __call__(self, form, field):
        # Only spaces is no input either: fields that strip their text (times, hours, dates)
        # would otherwise pass here with no value at all.
        raw = field.raw_data[0] if field.raw_data else None
        if isinstance(raw, str) and not raw.strip():
            field.errors[:] = []
            raise StopValidation(self.message or field.gettext(WTFORMS_REQUIRED))
        super().__call__(form, field)


class NeededText(DataRequired):
    """DataRequired without the HTML `required` flag, for the same reason as Needed."""

    def __init__(self, message=None):
        super().__init__(message)
        self.field_flags = {"needed": True}


class SeenState:
    """Mixin for an edit form: `seen_state` is the fingerprint of the stored values as the form showed
    them (services/seen_state.py); a save over a change made since is refused."""

    seen_state = HiddenField()


def refused_as_stale(error, form_url: str):
    """Someone else saved first (seen_state's refusal): say so and show the form again with what is
    stored now. None for any other refusal, which the form shows itself."""
    from .services.seen_state import CONFLICT

    if error.field != CONFLICT:
        return None
    flash(error.message, "error")
    return redirect(form_url)


class MaxLength(Length):
    """At most `max` characters, in the app's words (WTForms' own says "karakters"); stops the
    field's other checks: one clear message for a far too long value."""

    def __init__(self, max: int, message=None):
        super().__init__(max=max, message=message or _l("Hoogstens %(max)d tekens."))

    def __call__(self, form, field):
        try:
            super().__call__(form, field)
        except ValidationError as error:
            raise StopValidation(str(error)) from None


class MultiCheckboxField(SelectMultipleField):
    """Checkboxes; templates/_forms.html renders it as a fieldset with a legend."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class MinutesField(StringField):
    """A text field whose value means a number of minutes (a time of day, hours a week).

    Subclasses give `parse` (text -> minutes, ValueError when it is not one), `format` (minutes ->
    text) and `invalid_message`. `.minutes` holds the value when the text is valid, else None.
    """

    invalid_message = ""
    input_kw: dict = {}

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("render_kw", dict(self.input_kw))
        super().__init__(*args, **kwargs)
        self.minutes = None

    def parse(self, text: str) -> int:
        raise ValueError(text)

    def format(self, minutes: int) -> str:
        return str(minutes)

    def set_minutes(self, minutes: int) -> None:
        self.minutes = minutes
        self.data = self.format(minutes)

    def process_data(self, value):
        self.minutes = value if isinstance(value, int) else None
        self.data = self.format(value) if isinstance(value, int) else (value or "")

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        self.minutes = None
        text = (self.data or "").strip()[:20]
        self.data = text
        if not text:
            return
        try:
            self.minutes = self.parse(text)
        except ValueError:
            raise ValueError(self.invalid_message) from None


class TimeOfDayField(MinutesField):
    """A time of day: '9:30' -> 570, written the way people write it (time_of_day_minutes), shown as
    HH:MM."""

    invalid_message = _l("Schrijf de tijd zo: 9:30 of 14:00.")
    input_kw = {"inputmode": "numeric", "autocomplete": "off"}

    def parse(self, text: str) -> int:
        return time_of_day_minutes(text)

    def format(self, minutes: int) -> str:
        return minutes_to_hhmm(minutes)


class DutchDateField(StringField):
    """A date (input type=date sends YYYY-MM-DD; 31-12-2026 is accepted too); `.data` is a date or None."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("render_kw", {"type": "date"})
        super().__init__(*args, **kwargs)

    def _value(self):
        if isinstance(self.data, dt.date):
            return self.data.isoformat()
        return self.raw_data[0] if self.raw_data else ""

    def process_formdata(self, valuelist):
        self.data = None
        text = (valuelist[0] if valuelist else "") or ""
        text = text.strip()[:20]
        if not text:
            return
        for pattern in ("%Y-%m-%d", "%d-%m-%Y"):
            try:
                self.data = dt.datetime.strptime(text, pattern).date()
            except ValueError:
                continue
            if not 1900 <= self.data.year <= 2200:
                self.data = None
                raise ValueError(_l("Vul een datum in tussen 1900 en 2200."))
            return
        if re.fullmatch(r"\d{1,2}-\d{1,2}-\d{4}|\d{4}-\d{1,2}-\d{1,2}", text):  # 31-02-2027: written right
            raise ValueError(_l("Die datum bestaat niet. Kies een dag uit de kalender."))
        raise ValueError(_l("Vul een datum in als dd-mm-jjjj, bijvoorbeeld 31-12-2026."))


class WholeNumberField(IntegerField):
    """A whole number; text that is none ("abc", "2,5") gets the field's own words, not WTForms'
    "Not a valid integer value"."""

    def __init__(self, *args, invalid_message=_l("Vul een heel getal in, bijvoorbeeld 3."), **kwargs):
        super().__init__(*args, **kwargs)
        self.invalid_message = invalid_message

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(self.invalid_message) from None
