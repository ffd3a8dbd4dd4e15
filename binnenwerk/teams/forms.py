"""Forms of the teams blueprint, with the reusable weekly-availability component."""
from __future__ import annotations

import datetime as dt
import re

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    SearchField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Email, Length, Optional, StopValidation, ValidationError
from wtforms.utils import unset_value

from ..formatting import ascii_digits, decimal_text, marked_dutch, minutes_to_hhmm
from ..forms_common import (
    DutchDateField,
    MinutesField,
    MultiCheckboxField,
    Needed,
    NeededText,
    SeenState,
    TimeOfDayField,
    end_minute,
    int_or_none,
    strip_text,
)
from ..models import MAX_TEAM_SIZE, AbsenceKind
from ..services.teams import team_name_taken

WEEKDAY_NAMES = (
    _l("maandag"), _l("dinsdag"), _l("woensdag"), _l("donderdag"), _l("vrijdag"), _l("zaterdag"), _l("zondag"),
)
WEEKDAY_SHORT = (_l("ma"), _l("di"), _l("wo"), _l("do"), _l("vr"), _l("za"), _l("zo"))


class PlaceSelectField(SelectField):
    """A choice of places (locations): on a page in another language their Dutch names are marked
    lang="nl" (WCAG 3.1.2), as the ministry options are; the empty choice ("Geen") is the page's."""

    def iter_choices(self):
        choices = super().iter_choices()
        if str(get_locale() or "nl") == "nl":
            return choices
        return [c if c.value in ("", None) else c._replace(render_kw={**(c.render_kw or {}), "lang": "nl"})
                for c in choices]


class PlaceCheckboxField(MultiCheckboxField):
    """Checkboxes of places: each label's Dutch name marked as formatting.marked_dutch does."""

    def iter_choices(self):
        return [c._replace(label=marked_dutch(c.label)) for c in super().iter_choices()]


ABSENCE_KINDS = [
    (AbsenceKind.SICK.value, _l("Ziek")),
    (AbsenceKind.LEAVE.value, _l("Verlof")),
    (AbsenceKind.APPOINTMENT.value, _l("Afspraak")),
]
HOURS_RE = re.compile(r"^(\d{1,3})(?:[.,](\d{1,2}))?\Z", re.ASCII)
# Digits, spaces, dashes, brackets and a leading +; 10 to 15 digits (Dutch and international numbers).
PHONE_RE = re.compile(r"^\+?[0-9 ()\-]{8,25}\Z")
MAX_TEXT = 200


def parse_hours(text: str) -> int:
    """'25,5' or '25.5' hours -> 1530 minutes; ValueError on anything else."""
    match = HOURS_RE.match((text or "").strip())
    if not match:
        raise ValueError(text)
    whole, fraction = match.group(1), match.group(2) or "0"
    return round((int(whole) + int(fraction) / 10 ** len(fraction)) * 60)


def hours_text(minutes: int | None) -> str:
    """Minutes as hours for a form field, in the user's language: '25,5' in Dutch, '25.5' in English
    (parse_hours reads both)."""
    if minutes is None:
        return ""
    return decimal_text(minutes / 60, 2)


def valid_phone(text: str) -> bool:
    text = (text or "").strip()
    digits = sum(c.isdigit() for c in text)
    return bool(PHONE_RE.match(text)) and 10 <= digits <= 15


class TextField(StringField):
    """A text field that drops surrounding spaces (' Team A' must not be a second Team A)."""

    def __init__(self, *args, **kwargs):
        kwargs["filters"] = [strip_text, *kwargs.get("filters", [])]
        super().__init__(*args, **kwargs)


class TimeField(TimeOfDayField):
    """A time of day as HH:MM in the team forms."""


class HoursField(MinutesField):
    """Hours with a Dutch decimal comma or a dot ('25,5' and '25.5')."""

    invalid_message = _l("Vul een aantal uren in, bijvoorbeeld 25,5.")
    input_kw = {"inputmode": "decimal", "autocomplete": "off"}

    def __init__(self, *args, invalid_message=None, **kwargs):
        super().__init__(*args, **kwargs)
        if invalid_message is not None:  # an example that fits the field's own range
            self.invalid_message = invalid_message

    def parse(self, text: str) -> int:
        return parse_hours(text)

    def format(self, minutes: int) -> str:
        return hours_text(minutes)


# --- weekly availability -----------------------------------------------------------------------


class DayAvailabilityForm(Form):
    """One weekday of the pattern: available or not, and from when to when."""

    available = BooleanField(_l("Beschikbaar"))
    start = TimeField(_l("Van"))
    end = TimeField(_l("Tot"))

    def validate_start(self, field):
        if self.available.data and field.minutes is None and not field.process_errors:
            raise ValidationError(_l("Vul een begintijd in."))

    def validate_end(self, field):
        if not self.available.data:
            return
        if field.minutes is None:
            if field.process_errors:
                return
            raise ValidationError(_l("Vul een eindtijd in."))
        if self.start.minutes is not None and field.minutes <= self.start.minutes:
            raise ValidationError(_l("De eindtijd moet na de begintijd liggen."))


def _day_values(data) -> list[dict]:
    """Seven day dicts from AvailabilitySlot rows (or from dicts already in that shape)."""
    days = [{"available": False, "start": "", "end": ""} for _ in range(7)]
    for index, item in enumerate(data or []):
        if isinstance(item, dict):
            if index < 7:
                days[index] = item
        elif 1 <= item.weekday <= 7:
            days[item.weekday - 1] = {"available": True, "start": item.start_minute, "end": item.end_minute}
    return days


class _AtLeastOneDay:
    """The week needs a working day; `needed` marks the group "(verplicht)" (forms_common.Needed)."""

    field_flags = {"needed": True}

    def __call__(self, form, field):
        if not any(entry.form.available.data for entry in field.entries):
            raise ValidationError(_l("Kies minstens één dag waarop iemand kan werken."))


class AtLeastOneChoice:
    """A checkbox group that needs a box ticked, marked "(verplicht)" like a Needed field."""

    field_flags = {"needed": True}

    def __init__(self, message):
        self.message = message

    def __call__(self, form, field):
        if not field.data:
            raise StopValidation(self.message)


class WeeklyAvailabilityField(FieldList):
    """Seven days, Monday to Sunday. `.slots` is [(weekday, start_minute, end_minute)]."""

    def __init__(self, label=None, validators=None, **kwargs):
        validators = [_AtLeastOneDay(), *(validators or [])]
        super().__init__(FormField(DayAvailabilityForm), label, validators, min_entries=7, max_entries=7, **kwargs)

    def process(self, formdata, data=unset_value, extra_filters=None):
        # Always exactly seven entries at fixed indices: a posted form that leaves out a day (or
        # sends index 9) must not shift Thursday into Monday's place.
        self.process_errors = []
        self.object_data = data
        days = _day_values(None if data is unset_value else data)
        self.entries = []
        self.last_index = -1
        for index in range(7):
            self._add_entry(formdata, days[index], index=index)
        for index, entry in enumerate(self.entries):
            entry.day_name = WEEKDAY_NAMES[index]

    @property
    def own_errors(self) -> list[str]:
        """Errors of the week as a whole (the entries' errors are dicts)."""
        return [str(e) for e in self.errors if not isinstance(e, dict)]

    @property
    def messages(self) -> list[tuple[str, str]]:
        """(field id, 'maandag: message') for each problem, for the error summary."""
        found = [(self.id, message) for message in self.own_errors]
        for entry in self.entries:
            for sub in (entry.form.start, entry.form.end):
                for error in sub.errors:
                    found.append((sub.id, f"{entry.day_name}, {sub.label.text.lower()}: {error}"))
        return found

    @property
    def slots(self) -> list[tuple[int, int, int]]:
        return [
            (index + 1, entry.form.start.minutes, entry.form.end.minutes)
            for index, entry in enumerate(self.entries)
            if entry.form.available.data and entry.form.start.minutes is not None and entry.form.end.minutes is not None
        ]


def availability_summary(slots) -> str:
    """'ma 08:00–17:00, di 08:00–17:00' from AvailabilitySlot rows."""
    parts = []
    for slot in sorted(slots, key=lambda s: (s.weekday, s.start_minute)):
        parts.append(
            f"{WEEKDAY_SHORT[slot.weekday - 1]} {minutes_to_hhmm(slot.start_minute)}–{minutes_to_hhmm(slot.end_minute)}"
        )
    return ", ".join(parts)


# --- teams --------------------------------------------------------------------------------------


class TeamForm(SeenState, FlaskForm):
    name = TextField(_l("Naam"), validators=[
        NeededText(_l("Vul een naam in.")), Length(max=100, message=_l("Hoogstens 100 tekens.")),
    ])
    region = TextField(_l("Regio"), render_kw={"list": "regions", "autocomplete": "off"}, validators=[
        NeededText(_l("Vul een regio in.")), Length(max=100, message=_l("Hoogstens 100 tekens.")),
    ])
    home_location_id = PlaceSelectField(_l("Thuislocatie (niet verplicht)"), coerce=int_or_none, validate_choice=False)
    max_size = StringField(_l("Maximaal aantal medewerkers"), default=str(MAX_TEAM_SIZE),
                           render_kw={"inputmode": "numeric", "autocomplete": "off"},
                           validators=[NeededText(_l("Vul een aantal in van 1 tot en met 15."))])

    def __init__(self, *args, obj=None, **kwargs):
        super().__init__(*args, obj=obj, **kwargs)
        self.editing_id = getattr(obj, "id", None)  # the team this form changes: not a duplicate of itself

    def validate_name(self, field):
        if team_name_taken(field.data or "", exclude_id=self.editing_id):
            raise ValidationError(_l("Er is al een team met deze naam."))

    def validate_home_location_id(self, field):
        if field.data is None and field.raw_data and field.raw_data[0] not in ("", None):
            raise ValidationError(_l("Kies een locatie uit de lijst."))

    def validate_max_size(self, field):
        # A post without the field keeps the team's stored number (an int): that is no answer either.
        text = field.data.strip() if isinstance(field.data, str) and field.raw_data else ""
        if not ascii_digits(text) or len(text) > 3 or not 1 <= int(text) <= MAX_TEAM_SIZE:
            raise ValidationError(_l("Vul een aantal in van 1 tot en met %(max)d.", max=MAX_TEAM_SIZE))

    @property
    def max_size_value(self) -> int:
        return int(self.max_size.data.strip())


# --- employees ----------------------------------------------------------------------------------


class _ChoiceChecks:
    """Refuse values that were not offered (tampered or stale forms) with a Dutch message."""

    def _check_choice(self, field, message):
        offered = {value for value, _label in field.choices}
        if field.data is None or field.data not in offered:
            raise ValidationError(message)

    def _check_choices(self, field, message):
        offered = {value for value, _label in field.choices}
        if any(value is None or value not in offered for value in field.data or []):
            raise ValidationError(message)


class EmployeeForm(SeenState, FlaskForm, _ChoiceChecks):
    # The fields in the order employee_form.html draws them: the error summary lists them so (3.3.1).
    stored_as = {"location_ids": "allowed_locations"}
    first_name = TextField(_l("Voornaam"), validators=[
        NeededText(_l("Vul een voornaam in.")), Length(max=100, message=_l("Hoogstens 100 tekens.")),
    ])
    last_name = TextField(_l("Achternaam"), validators=[
        NeededText(_l("Vul een achternaam in.")), Length(max=100, message=_l("Hoogstens 100 tekens.")),
    ])
    team_id = SelectField(_l("Team"), coerce=int_or_none, validate_choice=False,
                          validators=[Needed(_l("Kies een team."))])
    # Asked (and shown) only when a move to another team leaves shifts in the old team's rosters.
    confirm_move = BooleanField(_l("Toch verplaatsen. Ik repareer de roosters van het oude team daarna."))
    contract_hours = HoursField(_l("Contracturen per week"), validators=[Needed(_l("Vul de contracturen in."))])
    max_hours_per_day = HoursField(_l("Maximaal aantal uren per dag"),
                                   validators=[Needed(_l("Vul het maximaal aantal uren per dag in."))],
                                   invalid_message=_l("Vul een aantal uren in, bijvoorbeeld 6."))
    contract_start = DutchDateField(_l("Begin contract"), validators=[Needed(_l("Vul de begindatum van het contract in."))])
    contract_end = DutchDateField(_l("Einde contract (niet verplicht)"))
    availability = WeeklyAvailabilityField(_l("Beschikbaarheid per week"))
    work_type_ids = MultiCheckboxField(_l("Werksoorten"), coerce=int_or_none, validate_choice=False,
                                       validators=[AtLeastOneChoice(_l("Kies minstens één werksoort."))])
    location_ids = PlaceCheckboxField(_l("Locaties waar iemand mag werken (niet verplicht)"),
                                      coerce=int_or_none, validate_choice=False)
    phone = TextField(_l("Telefoon (niet verplicht)"), render_kw={"type": "tel", "autocomplete": "off"},
                      validators=[Optional(), Length(max=40, message=_l("Hoogstens 40 tekens."))])
    email = TextField(_l("E-mailadres (niet verplicht)"), render_kw={"type": "email", "autocomplete": "off"},
                      validators=[Optional(), Length(max=MAX_TEXT, message=_l("Hoogstens 200 tekens.")),
                                  Email(_l("Vul een geldig e-mailadres in, bijvoorbeeld naam@voorbeeld.nl."))])
    job_coach_name = TextField(_l("Naam jobcoach (niet verplicht)"),
                               validators=[Optional(), Length(max=MAX_TEXT, message=_l("Hoogstens 200 tekens."))])
    job_coach_phone = TextField(_l("Telefoon jobcoach (niet verplicht)"), render_kw={"type": "tel"},
                                validators=[Optional(), Length(max=40, message=_l("Hoogstens 40 tekens."))])
    job_coach_email = TextField(_l("E-mailadres jobcoach (niet verplicht)"), render_kw={"type": "email"},
                                validators=[Optional(), Length(max=MAX_TEXT, message=_l("Hoogstens 200 tekens.")),
                                            Email(_l("Vul een geldig e-mailadres in, bijvoorbeeld naam@voorbeeld.nl."))])

    def validate_team_id(self, field):
        self._check_choice(field, _l("Kies een team uit de lijst."))

    def validate_contract_hours(self, field):
        if field.minutes is not None and not 0 < field.minutes <= 40 * 60:
            raise ValidationError(_l("Contracturen moeten meer dan 0 en hoogstens 40 per week zijn."))

    def validate_max_hours_per_day(self, field):
        if field.minutes is not None and not 0 < field.minutes <= 12 * 60:
            raise ValidationError(_l("Het maximum per dag moet meer dan 0 en hoogstens 12 uur zijn."))

    def validate_work_type_ids(self, field):
        self._check_choices(field, _l("Kies werksoorten uit de lijst."))

    def validate_contract_end(self, field):
        start = self.contract_start.data
        if field.data is not None and isinstance(start, dt.date) and field.data < start:
            raise ValidationError(_l("Het einde van het contract mag niet voor het begin liggen."))

    def validate_phone(self, field):
        if field.data and not valid_phone(field.data):
            raise ValidationError(_l("Vul een geldig telefoonnummer in, bijvoorbeeld 06-12345678."))

    def validate_job_coach_phone(self, field):
        self.validate_phone(field)


class SensitiveForm(SeenState, FlaskForm):
    indication = TextField(_l("Indicatie (niet verplicht)"), render_kw={"autocomplete": "off"},
                           validators=[Optional(), Length(max=100, message=_l("Hoogstens 100 tekens."))])
    indication_until = DutchDateField(_l("Indicatie geldig tot en met (niet verplicht)"))
    health_notes = TextAreaField(_l("Gezondheid: waar moeten we rekening mee houden? (niet verplicht)"),
                                 filters=[strip_text],
                                 validators=[Optional(), Length(max=4000, message=_l("Hoogstens 4000 tekens."))])
    accommodations = TextAreaField(_l("Aanpassingen op het werk (niet verplicht)"), filters=[strip_text],
                                   validators=[Optional(), Length(max=4000, message=_l("Hoogstens 4000 tekens."))])


class ArchiveEmployeeForm(FlaskForm):
    contract_end = DutchDateField(_l("Laatste werkdag"), validators=[Needed(_l("Vul de laatste werkdag in."))])


class ConfirmForm(FlaskForm):
    """Only the CSRF token, for buttons that change something."""


# --- supervisors --------------------------------------------------------------------------------


class SupervisorForm(SeenState, FlaskForm, _ChoiceChecks):
    name = TextField(_l("Naam"), validators=[
        NeededText(_l("Vul een naam in.")), Length(max=MAX_TEXT, message=_l("Hoogstens 200 tekens.")),
    ])
    phone = TextField(_l("Telefoon"), render_kw={"type": "tel", "autocomplete": "off"},
                      validators=[NeededText(_l("Vul een telefoonnummer in.")),
                                  Length(max=40, message=_l("Hoogstens 40 tekens."))])
    email = TextField(_l("E-mailadres (niet verplicht)"), render_kw={"type": "email", "autocomplete": "off"},
                      validators=[Optional(), Length(max=MAX_TEXT, message=_l("Hoogstens 200 tekens.")),
                                  Email(_l("Vul een geldig e-mailadres in, bijvoorbeeld naam@voorbeeld.nl."))])
    team_id = SelectField(_l("Team"), coerce=int_or_none, validate_choice=False)
    # Asked only for a move to a team with work the leader cannot lead (teams.routes._unled_work).
    confirm_move = BooleanField(_l("Toch verplaatsen, voor elke week vanaf nu."))
    region = TextField(_l("Regio (alleen voor de pool)"), render_kw={"list": "regions", "autocomplete": "off"},
                       validators=[Optional(), Length(max=100, message=_l("Hoogstens 100 tekens."))])
    work_type_ids = MultiCheckboxField(_l("Werksoorten"), coerce=int_or_none, validate_choice=False,
                                       validators=[AtLeastOneChoice(_l("Kies minstens één werksoort."))])
    availability = WeeklyAvailabilityField(_l("Beschikbaarheid per week"))
    user_id = SelectField(_l("Account om in te loggen (niet verplicht)"), coerce=int_or_none, validate_choice=False)

    def validate_phone(self, field):
        if not valid_phone(field.data):
            raise ValidationError(_l("Vul een geldig telefoonnummer in, bijvoorbeeld 06-12345678."))

    def validate_team_id(self, field):
        if field.data is None and field.raw_data and field.raw_data[0] not in ("", None):
            raise ValidationError(_l("Kies een team uit de lijst."))
        if field.data is not None:
            self._check_choice(field, _l("Kies een team uit de lijst."))

    def validate_region(self, field):
        if self.team_id.data is None and not field.data:
            raise ValidationError(_l("Een teamleider in de pool hoort bij een regio. Vul de regio in."))

    def validate_work_type_ids(self, field):
        self._check_choices(field, _l("Kies werksoorten uit de lijst."))

    def validate_user_id(self, field):
        if field.data is None and field.raw_data and field.raw_data[0] not in ("", None):
            raise ValidationError(_l("Kies een account uit de lijst."))
        if field.data is not None:
            self._check_choice(field, _l("Kies een account uit de lijst."))


# --- absences -----------------------------------------------------------------------------------


class AbsenceForm(SeenState, FlaskForm):
    person = SelectField(_l("Wie"), validate_choice=False, validators=[Needed(_l("Kies wie er afwezig is."))])
    kind = SelectField(_l("Soort"), validate_choice=False,
                       validators=[Needed(_l("Kies een soort afwezigheid."))])
    start_date = DutchDateField(_l("Van"), validators=[Needed(_l("Vul een begindatum in."))])
    end_date = DutchDateField(_l("Tot en met"), validators=[Needed(_l("Vul een einddatum in."))])
    whole_day = BooleanField(_l("Hele dag"), default=True)
    start_time = TimeField(_l("Begintijd (alleen bij een deel van de dag)"))
    end_time = TimeField(_l("Eindtijd (alleen bij een deel van de dag)"))
    note = TextField(_l("Opmerking (niet verplicht)"),
                     validators=[Optional(), Length(max=MAX_TEXT, message=_l("Hoogstens 200 tekens."))])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = list(ABSENCE_KINDS)

    def validate(self, extra_validators=None):
        if self.whole_day.data:
            # A whole day: the part-of-day times do not count, whatever their boxes still hold (the
            # page hides them once "Hele dag" is ticked). No error for a time typed before that ("abc"
            # would point at a hidden box and block the save), and no time to store.
            for time_field in (self.start_time, self.end_time):
                time_field.process_errors = []
                time_field.minutes = None
        else:
            # Until the end of the day, written as midnight (as on the request form): 13:00 to 00:00
            # is stored as 13:00 to 24:00, which the service and every page read as the day's end.
            self.end_time.minutes = end_minute(self.start_time.minutes, self.end_time.minutes)
        return super().validate(extra_validators)

    def validate_person(self, field):
        # A list, or grouped per team (a dict of group -> list): see teams.routes._person_choices.
        groups = field.choices.values() if isinstance(field.choices, dict) else [field.choices]
        if field.data not in {value for group in groups for value, _label in group}:
            raise ValidationError(_l("Kies iemand uit de lijst."))

    def validate_kind(self, field):
        if field.data not in {value for value, _label in ABSENCE_KINDS}:
            raise ValidationError(_l("Kies een soort afwezigheid uit de lijst."))

    def validate_end_date(self, field):
        start = self.start_date.data
        if field.data is not None and start is not None and field.data < start:
            raise ValidationError(_l("De einddatum mag niet voor de begindatum liggen."))

    def validate_start_time(self, field):
        if not self.whole_day.data and field.minutes is None and not field.process_errors:
            raise ValidationError(_l("Vul een begintijd in, of kies hele dag."))

    def validate_end_time(self, field):
        if self.whole_day.data:
            return
        if field.minutes is None:
            if field.process_errors:
                return
            raise ValidationError(_l("Vul een eindtijd in, of kies hele dag."))
        if self.start_time.minutes is not None and field.minutes <= self.start_time.minutes:
            raise ValidationError(_l("De eindtijd moet na de begintijd liggen."))


class AbsenceTeamForm(FlaskForm):
    """The absence form's first step for a planner among many people (a GET form): the team, or the
    team leaders and stand-ins, whose people the person list then holds."""

    class Meta:
        csrf = False

    team = SelectField(_l("Kies eerst het team"), validate_choice=False)

    def validate_team(self, field):
        if not field.data:
            raise ValidationError(_l("Kies een team."))
        if field.data not in {value for value, _label in field.choices if value}:
            raise ValidationError(_l("Dit team staat niet in de lijst. Kies een team uit de lijst."))


class TeamFilterForm(FlaskForm):
    class Meta:
        csrf = False

    team = SelectField(_l("Team"), coerce=int_or_none, validate_choice=False)


MAX_SEARCH = 100  # characters of a name search that count; the rest is ignored


class EmployeeFilterForm(TeamFilterForm):
    """The employees list's filter (a GET form): a part of a name, and a team."""

    name = SearchField(_l("Zoek op naam"), name="naam", filters=[strip_text])

    @property
    def words(self) -> list[str]:
        """The search's words, each to be found in the first or the last name."""
        return (self.name.data or "")[:MAX_SEARCH].replace(",", " ").split()


class AbsenceFilterForm(EmployeeFilterForm):
    """The absences list's filter (a GET form): the employees list's name search, so both lists
    find the same people by the same words, and a team."""
