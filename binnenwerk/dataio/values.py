"""Cell parsers: turn what a spreadsheet holds into Python values, or refuse in Dutch."""
from __future__ import annotations

import datetime as dt
import math
import re

from flask_babel import LazyString, format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..formatting import (
    ODD_SPACES, ascii_digits, line_breaks, minutes_to_hhmm, one_line, time_of_day_minutes, without_controls,
)

MAX_CELL = 2000
WEEKDAY_COLUMNS = ("ma", "di", "wo", "do", "vr", "za", "zo")  # ISO weekday 1..7
# The days a cell may name: the Dutch codes and names an export writes, and the English ones an
# English-speaking planner types (mon, monday), read whatever their case.
WEEKDAY_WORDS = {
    "ma": 1, "maandag": 1, "di": 2, "dinsdag": 2, "wo": 3, "woensdag": 3, "do": 4, "donderdag": 4,
    "vr": 5, "vrijdag": 5, "za": 6, "zaterdag": 6, "zo": 7, "zondag": 7,
    "mon": 1, "monday": 1, "tue": 2, "tues": 2, "tuesday": 2, "wed": 3, "wednesday": 3, "thu": 4, "thur": 4,
    "thurs": 4, "thursday": 4, "fri": 5, "friday": 5, "sat": 6, "saturday": 6, "sun": 7, "sunday": 7,
}
# The days by name in the reader's language, Monday first (ISO weekday 1..7).
WEEKDAY_NAMES = (_l("maandag"), _l("dinsdag"), _l("woensdag"), _l("donderdag"), _l("vrijdag"), _l("zaterdag"),
                 _l("zondag"))
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+\Z")
# An international phone number as an export writes it bare in a phone column: +, a digit, then
# digits and spaces. A hyphen or bracket makes a sum a spreadsheet works out ("+31-6-12345678" is
# -12345653): such a number gets the quote as any other text that starts like a formula.
INTERNATIONAL_PHONE_RE = re.compile(r"^\+[0-9][0-9 ]{4,38}\Z")
PHONE_CHARACTERS_RE = re.compile(r"^[0-9+()\- ]+\Z")
_WINDOW_RE = re.compile(r"^([\d:.]+?)\s*[-\u2013\u2014]\s*([\d:.]+)\Z", re.ASCII)
_DUTCH_DATE_RE = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})\Z", re.ASCII)
# A date with slashes, as an English spreadsheet writes month first (11/02/2026 for 2 November):
# read day first as every Dutch one, with a note on the check when the month could be either.
_SLASHED_DATE_RE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})\Z", re.ASCII)
# Some spreadsheets write a date as "2026-12-07 00:00:00": the midnight is allowed.
_ISO_DATE_RE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?\Z", re.ASCII)
# Any number of digits before the decimal sign: a huge number is out of range, not "no number".
_NUMBER_RE = re.compile(r"^-?\d+([.,]\d{1,6})?\Z", re.ASCII)
# The years the forms' date field takes (forms_common.DutchDateField): a date outside them stored
# by an import made the employee's form refuse every later save over a field nobody touched.
FIRST_YEAR, LAST_YEAR = 1900, 2200


class CellError(ValueError):
    """A cell that cannot be read; the message is Dutch and names the value."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def display(value) -> str:
    """How a raw cell is shown back to the user: as they typed it, Dutch decimals."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("ja") if value else _("nee")
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, dt.timedelta) and value >= dt.timedelta(0):
        # An Excel cell formatted [h]:mm as Excel shows it ("24:00"), not Python's "1 day, 0:00:00".
        seconds = round(value.total_seconds())
        shown = f"{seconds // 3600}:{seconds % 3600 // 60:02d}"
        return shown if not seconds % 60 else f"{shown}:{seconds % 60:02d}"
    if isinstance(value, float):
        if math.isfinite(value) and value == int(value):
            return str(int(value))
        return str(value).replace(".", ",")
    return without_controls(ODD_SPACES.sub(" ", str(value))).strip()


# An export writes a quote before these so a spreadsheet does not run the cell as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def guard_formula(value: str, *, phone: bool = False) -> str:
    """Prefix a text that a spreadsheet would take for a formula. In a phone column an international
    number ('+31 6 1234 5678') stays as it is, so the sheet shows the number as stored; only there:
    elsewhere '-1+1+1' or '+2+2+2' is a sum a spreadsheet works out, a name or note replaced by a
    number, and a phone number never starts with '-'."""
    if value and value.startswith(FORMULA_STARTS) and not (phone and INTERNATIONAL_PHONE_RE.match(value)):
        return "'" + value
    return value


def text(value, *, max_length: int = 200, required: bool = False, multiline: bool = False) -> str:
    """A text cell; one line with single spaces (as forms store names) unless `multiline`."""
    result = line_breaks(display(value)) if multiline else one_line(display(value))
    if result.startswith("'") and result[1:].startswith(FORMULA_STARTS):
        result = result[1:]  # written by guard_formula on export
    if required and not result:
        raise CellError(_("dit veld is verplicht"))
    if len(result) > max_length:
        raise CellError(_("te lang: hoogstens %(max)d tekens", max=max_length))
    return result


def email(value) -> str:
    result = text(value, max_length=200)
    if result and not EMAIL_RE.match(result):
        raise CellError(_("'%(value)s' is geen geldig e-mailadres", value=result))
    return result


def phone(value) -> str:
    """A phone number as the people forms take it (teams.forms.valid_phone: 10 to 15 digits)."""
    result = text(value, max_length=40)
    problem = phone_problem(result)
    if problem:
        raise CellError(problem)
    return result


# Nine digits, the first not 0: a Dutch number (06-12345678, 070-1234567) whose leading 0 a
# spreadsheet dropped when it took the cell for a number.
_LOST_ZERO_RE = re.compile(r"^[1-9][0-9]{8}\Z", re.ASCII)


def phone_problem(result: str) -> str:
    """Why a phone number (as read by text()) is refused, naming it, or "" when it is right."""
    from ..teams.forms import valid_phone  # the forms' rule; imported late, as the blueprints are

    if not result or valid_phone(result):
        return ""
    if not PHONE_CHARACTERS_RE.match(result) or "+" in result[1:]:
        return _("'%(value)s' is geen telefoonnummer (alleen cijfers, spaties, + of -)", value=result)
    if _LOST_ZERO_RE.match(result):
        # Excel made 0612345678 the number 612345678 (a column not set to Text, or a CSV opened in it).
        return _("'%(value)s' is te kort voor een telefoonnummer. Begint het nummer met een 0? Excel haalt die "
                 "weg: zet de kolom op Tekst en typ de 0 er weer voor.", value=result)
    if sum(c.isdigit() for c in result) < 10:
        return _("'%(value)s' is te kort voor een telefoonnummer. Vul een geldig telefoonnummer in, "
                 "bijvoorbeeld 06-12345678.", value=result)
    return _("'%(value)s' is te lang voor een telefoonnummer. Vul een geldig telefoonnummer in, "
             "bijvoorbeeld 06-12345678.", value=result)


def number(value, *, low: float, high: float, required: bool = True) -> float | None:
    """A number, Dutch ('25,5') or English ('25.5') decimals."""
    if value is None or display(value) == "":
        if required:
            raise CellError(_("dit veld is verplicht"))
        return None
    if isinstance(value, bool):
        raise CellError(_("'%(value)s' is geen getal", value=display(value)))
    if isinstance(value, (int, float)):
        try:
            result = float(value)
        except OverflowError:  # an integer past the largest float: out of range like any other
            result = math.inf if value > 0 else -math.inf
    else:
        raw = display(value).strip()  # "2 5" is not 25 (a slip for "2,5"?): refused, as the forms refuse it
        if not _NUMBER_RE.match(raw):
            raise CellError(_("'%(value)s' is geen getal", value=display(value)))
        result = float(raw.replace(",", "."))  # past the largest float this is inf: out of range
    if not math.isfinite(result) or not low <= result <= high:
        raise CellError(_(
            "'%(value)s' ligt niet tussen %(low)s en %(high)s",
            value=display(value), low=_dutch(low), high=_dutch(high),
        ))
    return result


def whole_number(value, *, low: int, high: int, required: bool = True) -> int | None:
    result = number(value, low=low, high=high, required=required)
    if result is None:
        return None
    if result != int(result):
        raise CellError(_("'%(value)s' is geen heel getal", value=display(value)))
    return int(result)


def hours_as_minutes(value, *, high_hours: float) -> int:
    """Hours like '25,5' as minutes (1530), rounded to the minute: more than 0 and at most
    `high_hours`, as the forms take them, with one message for too few and too many."""
    out_of_range = CellError(_("'%(value)s' moet meer dan 0 en hoogstens %(high)s uur zijn",
                               value=display(value), high=_dutch(high_hours)))
    try:
        hours = number(value, low=0, high=high_hours)
    except CellError:
        is_number = (isinstance(value, (int, float)) and not isinstance(value, bool)) or (
            isinstance(value, str) and _NUMBER_RE.match(value.strip()) is not None)
        if is_number:  # a number, below 0 or above the highest: said as for 0
            raise out_of_range from None
        raise
    if hours == 0:
        raise out_of_range
    return round(hours * 60)


def minutes_as_hours(minutes: int) -> float | int:
    """The exported form of hours: exact enough that reading it back gives the same minutes."""
    value = round(minutes / 60, 2)
    return int(value) if value == int(value) else value


def _dutch(value: float) -> str:
    return display(float(value))


def date(value, *, required: bool = True) -> dt.date | None:
    """A date as 2026-12-07, 7-12-2026 (also with / or .) or an Excel date cell, in the years the
    forms take."""
    if isinstance(value, dt.date):  # an Excel date cell (a datetime is a date too)
        return _in_years(value.date() if isinstance(value, dt.datetime) else value, display(value))
    raw = display(value)
    if not raw:
        if required:
            raise CellError(_("dit veld is verplicht"))
        return None
    match = _ISO_DATE_RE.match(raw)
    parts = (match.group(1), match.group(2), match.group(3)) if match else None
    if parts is None:
        match = _DUTCH_DATE_RE.match(raw)
        parts = (match.group(3), match.group(2), match.group(1)) if match else None
    try:
        if parts is None:
            raise ValueError(raw)
        result = dt.date(int(parts[0]), int(parts[1]), int(parts[2]))
    except ValueError:
        raise CellError(_("'%(value)s' is geen datum (schrijf 2026-12-07 of 7-12-2026)", value=raw)) from None
    return _in_years(result, raw)


def date_note(value) -> str:
    """What the check says of a date cell read day first that could as well be month first
    (11/02/2026: 11 February, or 2 November?), naming the date as read; "" for any other cell."""
    if not isinstance(value, str):
        return ""  # an Excel date cell is a date, whatever the sheet shows
    raw = display(value)
    match = _SLASHED_DATE_RE.match(raw)
    if not match:
        return ""
    day, month, year = (int(part) for part in match.groups())
    if day == month or day > 12 or month > 12:
        return ""
    try:
        read, other = dt.date(year, month, day), dt.date(year, day, month)
    except ValueError:
        return ""
    return _("%(value)s gelezen als %(date)s (dag-maand-jaar). Voor %(other)s schrijf je %(iso)s.", value=raw,
             date=format_date(read, "d MMMM y"), other=format_date(other, "d MMMM y"), iso=other.isoformat())


def _in_years(day: dt.date, shown: str) -> dt.date:
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise CellError(_("'%(value)s' ligt niet tussen %(low)s en %(high)s", value=shown, low=FIRST_YEAR,
                          high=LAST_YEAR))
    return day


# Seconds of :00 after a time, as a spreadsheet saved as CSV writes a time cell ("9:00:00").
SECONDS_PER_DAY = 24 * 60 * 60
_ZERO_SECONDS_RE = re.compile(r"^(\d{1,2}[:.]\d{2})[:.]00\Z", re.ASCII)


def _clock_minutes(text: str) -> int:
    """A time as the forms read it (9, 9.30, 9:30, 0930), or with :00 seconds; ValueError else."""
    text = text.strip()
    return time_of_day_minutes(_ZERO_SECONDS_RE.sub(r"\1", text))


def time_of_day(value, *, required: bool = True, end: bool = False) -> int | None:
    """A time '09:30', '9.30' or '9' (or an Excel time cell) as minutes after midnight. `end`: the
    field may end at midnight, so Excel's duration 24:00 (a cell of one day) is read as 24:00."""
    if isinstance(value, dt.time):
        return value.hour * 60 + value.minute
    if isinstance(value, dt.datetime):
        return value.hour * 60 + value.minute
    if isinstance(value, dt.timedelta):
        # A cell formatted [h]:mm: Excel's own "9:00" or "24:00", not English text in a Dutch message.
        seconds = round(value.total_seconds())
        if seconds < 0 or seconds % 60 or seconds > SECONDS_PER_DAY or (
                seconds == SECONDS_PER_DAY and not end):
            raise CellError(_("'%(value)s' is geen tijd. Schrijf de tijd zo: 9:30 of 14:00.", value=display(value)))
        return seconds // 60
    raw = display(value)
    if not raw:
        if required:
            raise CellError(_("dit veld is verplicht"))
        return None
    try:
        return _clock_minutes(raw)  # as the forms read it: 9, 9.30, 9:30, 0930 (and 9:00:00)
    except ValueError:
        raise CellError(_("'%(value)s' is geen tijd. Schrijf de tijd zo: 9:30 of 14:00.", value=raw)) from None


def windows(value) -> list[tuple[int, int]]:
    """A day of a weekly pattern: '08:30-16:00', several split by ',' or ';', or empty (free). Its
    times are spelled as a begintijd may be ('0730-1700', '7.30-17')."""
    raw = display(value)
    if not raw:
        return []
    found: list[tuple[int, int]] = []
    for part in re.split(r"[,;]", raw):
        match = _WINDOW_RE.match(part.strip())
        try:
            if not match:
                raise ValueError(part)
            start = _clock_minutes(match.group(1))
            end = _clock_minutes(match.group(2))
        except ValueError:
            raise CellError(_(
                "'%(value)s' is geen tijdvak (schrijf bijvoorbeeld 08:30-16:00, of laat leeg)", value=raw,
            )) from None
        if end <= start:
            raise CellError(_("in '%(value)s' ligt de eindtijd niet na de begintijd", value=raw))
        found.append((start, end))
    found.sort()
    for (_s1, end1), (start2, _e2) in zip(found, found[1:]):
        if start2 < end1:
            raise CellError(_("de tijdvakken in '%(value)s' overlappen", value=raw))
    return found


def windows_text(slots: list[tuple[int, int]]) -> str:
    return ", ".join(f"{minutes_to_hhmm(s)}-{minutes_to_hhmm(e)}" for s, e in sorted(slots))


def codes(value) -> list[str]:
    """A list of codes separated by ',' or ';', without duplicates, in the order given."""
    raw = display(value)
    result: list[str] = []
    for part in re.split(r"[,;]", raw):
        code = part.strip()
        if code and code.casefold() not in {c.casefold() for c in result}:
            result.append(code)
    return result


def _not_days(raw: str) -> CellError:
    # The Dutch codes each with its meaning in the reader's language (the English catalogue says
    # "ma (Monday)"), and that English day names are read too.
    return CellError(_("'%(value)s' zijn geen dagen. Schrijf de dagen met komma's ertussen, bijvoorbeeld ma,di,wo. "
                       "De dagen zijn ma, di, wo, do, vr, za en zo", value=raw))


def weekdays(value) -> str:
    """Days as 'ma,di,wo' (or full names, English ones, or ISO digits '135') -> '123'."""
    raw = display(value)
    if not raw:
        raise CellError(_("dit veld is verplicht"))
    found: set[int] = set()
    compact = raw.replace(" ", "")
    if ascii_digits(compact):
        for ch in compact:
            if ch not in "1234567":
                raise _not_days(raw)
            found.add(int(ch))
    else:
        for part in re.split(r"[,;\s]+", raw.casefold()):
            if not part:
                continue
            if part not in WEEKDAY_WORDS:
                raise _not_days(raw)
            found.add(WEEKDAY_WORDS[part])
    return "".join(str(d) for d in sorted(found))


def weekdays_text(digits: str) -> str:
    return ",".join(WEEKDAY_COLUMNS[int(d) - 1] for d in sorted(digits))


def _day_help(weekday: int, example: str) -> str:
    name = str(WEEKDAY_NAMES[weekday - 1])
    return _("%(day)s: beschikbaar, bijvoorbeeld %(example)s. Leeg: niet beschikbaar. Minstens één dag invullen.",
             day=name[:1].upper() + name[1:], example=example)


def day_help(weekday: int, example: str) -> LazyString:
    """The help of a weekly pattern's day column, naming its day ("Maandag: beschikbaar, ..."), in
    the language of the page or the template that shows it."""
    return LazyString(_day_help, weekday, example)
