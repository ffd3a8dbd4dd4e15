"""Form building blocks every blueprint shares: safe id coercion, required-without-bubble, checkboxes."""
from __future__ import annotations

import datetime as dt
import re

from flask import flash, make_response, redirect
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, IntegerField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, StopValidation, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from .extensions import db
from .formatting import dated, minutes_to_hhmm, time_of_day_minutes
from .models import MINUTES_PER_DAY


# A whole number as a person or a form writes it: ASCII digits, maybe a sign. Python's int() reads
# more ("1_0" as 10, "١٠" and other scripts' digits, "²" it refuses after isdigit() took it).
WHOLE_NUMBER_RE = re.compile(r"[+-]?[0-9]+")


def whole_number(text) -> int:
    """'3' -> 3, ' 12 ' -> 12, '-5' -> -5; ValueError for anything else ('1_0', '2.5', '')."""
    if isinstance(text, int) and not isinstance(text, bool):
        return text
    if not isinstance(text, str) or not WHOLE_NUMBER_RE.fullmatch(text.strip()):
        raise ValueError(text)
    return int(text)


def int_or_none(value):
    """Coerce a choice to int; a tampered value becomes None so validation refuses it in Dutch."""
    if value in (None, ""):
        return None
    try:
        number = whole_number(value)
    except ValueError:
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
    # Field name -> the stored attribute it edits, where stored_name() does not find it by its rules.
    stored_as: dict[str, str] = {}


def refused_as_stale(error, form, obj=None, state=None, render=None, *, shown=None):
    """Someone else saved first (seen_state's refusal): the form again, as typed, with status 409 and
    a list of the fields where what was typed differs from what is stored now. None for any other
    refusal, which the form shows itself.

    `obj` and `state` are what seen_state.refuse_if_changed checked: the form now carries the state
    as it is, so saving again (after looking) stores what was typed. `render()` shows the form, as
    the view does at its end. `shown` is the object whose attributes the fields edit, when that is
    not `obj` (the sensitive-data form edits employee.sensitive, its state is the employee's).

    Called the old way, refused_as_stale(error, form_url), it says so and shows the form afresh:
    what was typed is lost.
    """
    from .services.seen_state import CONFLICT

    if error.field != CONFLICT:
        return None
    if isinstance(form, str):
        flash(error.message, "error")
        return redirect(form)
    form.seen_state.data = state(obj)
    differences = differing_fields(form, obj if shown is None else shown)
    said = _("Deze gegevens zijn net veranderd, misschien in een ander venster. Er is niets opgeslagen. Wat je "
             "invulde, staat nog in het formulier.")
    if differences:
        form.form_errors.extend([said + " " + _("Hier verschilt het van wat nu is opgeslagen:"), *differences,
                                 _("Kijk of alles klopt en sla dan opnieuw op.")])
    else:
        form.form_errors.append(said + " " + _("Kijk of alles klopt en sla dan opnieuw op."))
    response = make_response(render())
    response.status_code = 409
    return response


def differing_fields(form, stored) -> list[str]:
    """Each field where what the form holds differs from what `stored` holds now, with the stored
    value in words ('Telefoon: nu opgeslagen 06-12345678.'). Fields that edit nothing stored by a
    name stored_name() knows are left out."""
    lines = []
    short = _short_labels(form)
    for field in form:
        if field.type in ("CSRFTokenField", "HiddenField", "SubmitField", "PasswordField"):
            continue
        name = stored_name(form, field, stored)
        if name is None:
            continue
        now = getattr(stored, name) if stored is not None else None
        if _same(_typed(field), now):
            continue
        label = short[field.name]
        value = _in_words(field, now)
        lines.append(_("%(field)s: nu opgeslagen %(value)s.", field=label, value=value) if value is not None
                     else _("%(field)s: nu anders opgeslagen.", field=label))
    return lines


def _short_labels(form) -> dict[str, str]:
    """Each field's label without a closing "(...)" ("Telefoon (niet verplicht)" -> "Telefoon"),
    unless that is what tells two fields apart: "Naam (Nederlands)" and "Naam (Engels)" stay."""
    full = {field.name: str(field.label.text) for field in form}
    short = {name: re.sub(r"\s*\([^()]*\)$", "", label) for name, label in full.items()}
    alike = [label.casefold() for label in short.values()]
    return {name: label if alike.count(label.casefold()) == 1 else full[name] for name, label in short.items()}


def stored_name(form, field, stored) -> str | None:
    """The attribute of `stored` that `field` edits: the form's stored_as, else the same name, else
    work_type_ids -> work_types, or for a field of minutes contract_hours -> contract_minutes and
    start_time -> start_minute. None when there is none."""
    if field.name in getattr(form, "stored_as", {}):
        return form.stored_as[field.name]
    if stored is None:
        return field.name
    names = [field.name]
    if field.name.endswith("_ids"):
        names.append(field.name[:-4] + "s")
    if isinstance(field, MinutesField):
        names += [field.name.replace("hours", "minutes"), field.name.replace("_time", "_minute")]
    return next((name for name in names if hasattr(stored, name)), None)


def _typed(field):
    if hasattr(field, "slots"):  # the week of availability (teams.forms.WeeklyAvailabilityField)
        return field.slots
    if isinstance(field, MinutesField):
        return field.minutes
    return field.data


def _comparable(value):
    """A form's value and a stored one alike: rows by id, availability slots as (day, from, to),
    lists in any order, no value as ''."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, (list, set, frozenset)):
        return sorted((_comparable(item) for item in value), key=repr)
    if isinstance(value, (bool, int, float, tuple, dt.date)):
        return value
    if all(hasattr(value, name) for name in ("weekday", "start_minute", "end_minute")):
        return (value.weekday, value.start_minute, value.end_minute)
    return getattr(value, "id", value)


def _same(typed, stored) -> bool:
    typed, stored = _comparable(typed), _comparable(stored)
    if isinstance(typed, str) != isinstance(stored, str) and not isinstance(typed, list):
        return str(typed) == str(stored)  # '8' in a text field for a stored 8
    return typed == stored


def _in_words(field, value) -> str | None:
    """A stored value as the form would show it; None where that is no short text (a week of times)."""
    if hasattr(field, "slots"):
        return None
    value = _comparable(value)
    if value in ("", []):
        return _("niets")
    if isinstance(field, MinutesField):
        return field.format(value)
    if isinstance(value, dt.date):
        return dated(value)
    if isinstance(value, bool):
        return _("ja") if value else _("nee")
    choices = getattr(field, "choices", None)
    if choices:
        groups = choices.values() if isinstance(choices, dict) else [choices]
        labels = {_comparable(choice[0]): str(choice[1]) for group in groups for choice in group
                  if isinstance(choice, (tuple, list))}
        return ", ".join(labels.get(item, str(item)) for item in (value if isinstance(value, list) else [value]))
    text = " ".join(str(value).split())
    return text if len(text) <= 80 else text[:79] + "…"


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


def end_minute(start: int | None, end: int | None) -> int | None:
    """The end of a period within one day, as minutes after midnight. A time input cannot say 24:00,
    and people write the end of the day as midnight: an end of 00:00 after a start later in the day
    is the end of that day (1440). A start of 00:00 is the start of the day, and 00:00 to 00:00
    stays no period at all."""
    return MINUTES_PER_DAY if end == 0 and start else end


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
    """A whole number written with digits (whole_number: not "1_0", which int() reads as 10); text
    that is none ("abc", "2,5") gets the field's own words, not WTForms' "Not a valid integer value"."""

    def __init__(self, *args, invalid_message=_l("Vul een heel getal in, bijvoorbeeld 3."), **kwargs):
        super().__init__(*args, **kwargs)
        self.invalid_message = invalid_message

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        try:
            self.data = whole_number(valuelist[0])
        except ValueError:
            self.data = None
            raise ValueError(self.invalid_message) from None


def made_before(message: str, edit_url: str):
    """A new-item form sent again (a double click, or Back, other values and send again): the first
    copy made the item and nothing else is stored; say so, and open its edit form for what differs."""
    db.session.rollback()
    flash(message, "success")
    flash(_("Stond er iets anders in het formulier? Dat is niet opgeslagen. Pas het dan hier aan."), "info")
    return redirect(edit_url)
