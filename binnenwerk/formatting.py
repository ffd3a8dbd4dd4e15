"""Jinja filters and helpers: times, Dutch dates, ISO weeks, pictograms."""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal

from flask import Flask
from flask_babel import format_date, format_datetime, format_decimal, get_locale

from .public_holidays import public_holiday_name

WEEK_RE = re.compile(r"^(\d{4})-W(\d{2})\Z", re.ASCII)
# The years a week, quarter or date filter may name: enough for any plan or report, and it keeps
# date arithmetic near the ends of the calendar (9999-W52 ends in year 10000) out of the pages.
PLANNING_YEARS = range(2000, 2101)
# Control characters but tab and line breaks: never text a person typed, and no worksheet may hold
# them (openpyxl refuses the whole file).
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
# Zero-width characters: "Team A" with one of them would be a second team that looks like the first.
# Also the characters a password may not hold (services.users): a wider set there would refuse the
# logins of passwords set with one of FORMAT_CHARACTERS, which passwords were allowed to hold.
INVISIBLE_CHARACTERS = re.compile(r"[\u200b\u2060\ufeff]")
# Every format character (Unicode category Cf) but the bidirectional controls and the joiners below,
# as of Unicode 15 (a test compares with the running Python's table): soft hyphen, zero-width space,
# word joiner, invisible operators, the Mongolian vowel separator, byte order mark, interlinear
# annotation, Arabic number signs, the language tag. And what draws nothing while no format
# character: the combining grapheme joiner, the Hangul fillers and Khmer's two inherent vowels.
# Invisible, or (the Arabic number signs) drawn over the digits after them: never meant in a name,
# and "Team Utrecht" with one of them would be a second team that looks like the first. Taken out of
# every text (without_controls).
FORMAT_CHARACTERS = re.compile(
    "[\u00ad\u0600-\u0605\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b\u2060-\u2064\u206a-\u206f\ufeff"
    "\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
    "\U000e0001\u034f\u115f\u1160\u17b4\u17b5\u3164\uffa0]")
# The zero-width joiner and non-joiner and the tag characters: invisible too, but a running text
# may need them (an emoji sequence like a flag, a Persian word), so a text area keeps them; a one-line
# field, a name, drops them (one_line).
JOINERS = re.compile("[\u200c\u200d\U000e0020-\U000e007f]")
# Variation selectors: after a letter they change nothing to see (after an emoji, its look).
VARIATION_SELECTORS = re.compile("[\ufe00-\ufe0f\U000e0100-\U000e01ef]")
# Spaces other than the plain one (a non-breaking space pasted from a document or a spreadsheet):
# "Jan de Vries" with one of them is not found by a search for the name, and a second "Team A"
# would look like the first. Read as a plain space.
ODD_SPACES = re.compile(r"[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]")
# Bidirectional controls (marks, embeddings, overrides, isolates): invisible, and a right-to-left
# override in a contact name showed the phone number after it backwards. Never typed on purpose here.
BIDI_CONTROLS = re.compile(r"[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_WHITESPACE_RUN = re.compile(r"\s+")
# What name_key leaves out: nothing of it shows in a name.
_UNSEEN_IN_NAMES = re.compile(
    f"{FORMAT_CHARACTERS.pattern}|{JOINERS.pattern}|{BIDI_CONTROLS.pattern}|{VARIATION_SELECTORS.pattern}")
# ANSI escape sequences (ESC [, parameters, a final letter), as text copied from a terminal brings
# them along: dropped whole, so a name does not keep "[31m" after its escape character is gone.
# The 8-bit CSI (U+009B) starts the same sequences.
ANSI_ESCAPES = re.compile(r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]")
# The C1 control characters (U+0080-U+009F; NEL, U+0085, is a line break below): invisible, never
# typed, and a calendar or worksheet may read them as commands.
C1_CONTROLS = re.compile(r"[\x80-\x84\x86-\x9f]")
# Line breaks other than CR and LF: NEL and Unicode's line and paragraph separators. Read as LF, so
# a text area keeps the line and a one-line field gets one space, as for any line break.
OTHER_LINE_BREAKS = re.compile("[\x85\u2028\u2029]")
# A run of control characters (DEL and C1 too) and bidirectional controls: what without_controls
# replaces.
_CONTROL_RUN = re.compile(
    f"(?:{CONTROL_CHARACTERS.pattern}|\x7f|{C1_CONTROLS.pattern}|{BIDI_CONTROLS.pattern})+")


def ascii_digits(text: str) -> bool:
    """Whether the text is one or more of the digits 0-9 and nothing else. str.isdigit() also takes
    "²" (which int() then refuses: a 500) and other scripts' digits."""
    return text.isascii() and text.isdigit()


def _has_control_character(text: str) -> bool:
    return bool(CONTROL_CHARACTERS.search(text) or C1_CONTROLS.search(text)) or "\x7f" in text


def without_controls(text: str) -> str:
    """Text as meant without the invisible characters pasted along: format characters
    (FORMAT_CHARACTERS: zero-width ones, soft hyphens and the like) and ANSI escape sequences go,
    direction marks alone go ("Ro\\u202esa" is "Rosa"), and a run holding a control character
    between two words becomes one space ("Jan\\x00\\u202eDoe" is "Jan Doe", not
    "JanDoe"); at the start or end of the text or beside a space or line break it goes, so the text's
    own spacing and lines stay as typed. NEL and the Unicode line and paragraph separators are line
    breaks (LF)."""

    def replaced(match: re.Match) -> str:
        if not _has_control_character(match.group()):
            return ""  # direction marks alone (pasted inside a name or number): "Ro\u202esa" is "Rosa"
        before, after = match.string[match.start() - 1:match.start()], match.string[match.end():match.end() + 1]
        return " " if before and after and not before.isspace() and not after.isspace() else ""

    text = OTHER_LINE_BREAKS.sub("\n", ANSI_ESCAPES.sub("", FORMAT_CHARACTERS.sub("", text)))
    return _CONTROL_RUN.sub(replaced, text)


def name_key(text: str | None) -> str:
    """What makes two names the same to a reader: case, accents and spacing aside
    ("Ministerie van Financiën" and "ministerie van  financien"), and whatever does not show
    (format characters, joiners, direction controls, variation selectors): a name stored with one
    before the forms took it out is the same as the name without it."""
    decomposed = unicodedata.normalize("NFKD", _UNSEEN_IN_NAMES.sub("", text or ""))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(bare.casefold().split())


def line_breaks(text: str) -> str:
    """Line breaks as LF: a browser sends a text area's as CRLF, an import or a feed LF, and the
    same text stored both ways would count as changed."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def surname_parts(last_name: str) -> tuple[str, str]:
    """A Dutch surname as lists sort it: ('Groot', 'de') for 'de Groot', ('Berg', 'van den') for
    'van den Berg', ('Hart', "'t") for "'t Hart". The particles (tussenvoegsels) are the leading
    words written in lower case; 'El Amrani' or 'De Jong' written with a capital have none."""
    words = last_name.split()
    first = 0
    while first < len(words) - 1 and words[first].lstrip("'")[:1].islower():
        first += 1
    return " ".join(words[first:]), " ".join(words[:first])


def sort_name(first_name: str, last_name: str) -> str:
    """The key a list of people sorts on: 'de Groot, Bas' between 'Gans' and 'Haas', and
    'Özdemir' under O as a Dutch list has it (accents aside), not after Z."""
    main, particles = surname_parts(last_name)
    key = unicodedata.normalize("NFKD", f"{main} {first_name} {particles}")
    return "".join(ch for ch in key if not unicodedata.combining(ch)).casefold().strip()[:250]


def list_name(first_name: str, last_name: str) -> str:
    """A name in a sorted list, surname first as it sorts: 'Groot, Bas de' (typing G finds it)."""
    main, particles = surname_parts(last_name)
    return f"{main}, {first_name}" + (f" {particles}" if particles else "")


def one_line(text: str) -> str:
    """Runs of whitespace (line breaks too) as one space: a page shows "Team  A" as "Team A", so
    a name stored with two spaces would be a second "Team A" that looks like the first. The
    joiners go for the same reason (a text area keeps them: JOINERS)."""
    return _WHITESPACE_RUN.sub(" ", JOINERS.sub("", text))


def minutes_to_hhmm(minutes: int | None) -> str:
    if minutes is None:
        return ""
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def hhmm_to_minutes(text: str) -> int:
    """'09:30' -> 570; raises ValueError on anything else (24:00 allowed as end of day)."""
    match = re.fullmatch(r"(\d{1,2}):(\d{2})", (text or "").strip())
    if not match:
        raise ValueError(text)
    hours, minutes = int(match.group(1)), int(match.group(2))
    if minutes > 59 or hours > 24 or (hours == 24 and minutes):
        raise ValueError(text)
    return hours * 60 + minutes


def parse_week(text: str) -> tuple[int, int]:
    """'2026-W50' -> (2026, 50); ValueError when it is not a real ISO week of PLANNING_YEARS."""
    match = WEEK_RE.match(text or "")
    if not match:
        raise ValueError(text)
    year, week = int(match.group(1)), int(match.group(2))
    if year not in PLANNING_YEARS:
        raise ValueError(text)
    dt.date.fromisocalendar(year, week, 1)  # raises ValueError for week 53 in a 52-week year
    return year, week


# A week as people type it: the year first ('2026-W53', '2026 53') or after the number, the Dutch way
# around New Year ('week 53 2026', '53-2026', 'week 1 van 2027'), or no year at all ('53', 'wk 53').
# After the number the year needs something between them ('532026' stays unread).
TYPED_WEEK_RE = re.compile(
    r"^(?:(?P<year>\d{4})\s*[-/ ]?\s*)?(?:w|wk|week)?\s*(?P<number>\d{1,2})\Z"
    r"|^(?:w|wk|week)?\s*(?P<number_first>\d{1,2})(?:\s*[-/,]\s*|\s+(?:van\s+|of\s+)?)(?P<year_after>\d{4})\Z",
    re.IGNORECASE | re.ASCII,
)


class NoSuchWeek(ValueError):
    """A week written the right way that is no week of PLANNING_YEARS ('2027-W53': 2027 has 52)."""

    def __init__(self, text: str, year: int) -> None:
        super().__init__(text)
        self.year = year

    @property
    def weeks(self) -> int | None:
        """How many weeks the year has (None outside PLANNING_YEARS)."""
        return dt.date(self.year, 12, 28).isocalendar()[1] if self.year in PLANNING_YEARS else None

    @property
    def year_note(self) -> str:
        """What is wrong with the year, in the user's language: 'De weken van 2027 lopen van 1 tot
        en met 52.' (the answer to week 0 as well as to week 53)."""
        from flask_babel import gettext as _

        if self.weeks is None:
            return _("%(year)d valt buiten de jaren die we plannen (%(first)d tot en met %(last)d).",
                     year=self.year, first=PLANNING_YEARS[0], last=PLANNING_YEARS[-1])
        return _("De weken van %(year)d lopen van 1 tot en met %(n)d.", year=self.year, n=self.weeks)

    @property
    def message(self) -> str:
        """Why, naming the week once: 'Week 53 van 2027 bestaat niet: de weken van 2027 lopen van 1
        tot en met 52.' (not 'Week week 53 2027 bestaat niet'), for the command line."""
        from flask_babel import gettext as _

        match = TYPED_WEEK_RE.match(str(self.args[0] if self.args else "").strip())
        if not match:
            return self.year_note
        number = int(match.group("number") or match.group("number_first"))
        if self.weeks is None:
            return _("Week %(number)d van %(year)d valt buiten de jaren die we plannen (%(first)d tot en met "
                     "%(last)d).", number=number, year=self.year, first=PLANNING_YEARS[0], last=PLANNING_YEARS[-1])
        return _("Week %(number)d van %(year)d bestaat niet: de weken van %(year)d lopen van 1 tot en met %(n)d.",
                 number=number, year=self.year, n=self.weeks)


def read_week(text: str, today: dt.date | None = None) -> str:
    """A week as people type it -> '2026-W50'. Takes '2026-W50', '2026-w50', '2026 50', 'week 50',
    'wk 50', 'w50' and '50', and the year after the number: 'week 50 2026', '50-2026', 'week 1 van
    2027'. A week without a year is the one of that number nearest to today (in December, '2' is
    early next year). ValueError when the text is no week; NoSuchWeek, a ValueError, when it is
    written as one but is no real week of PLANNING_YEARS ('2027-W53')."""
    match = TYPED_WEEK_RE.match((text or "").strip())
    if not match:
        raise ValueError(text)
    around = today or local_today()
    number = int(match.group("number") or match.group("number_first"))
    typed_year = match.group("year") or match.group("year_after")
    if typed_year:
        candidates = [int(typed_year)]
    else:
        year = around.isocalendar()[0]
        candidates = [year, year + 1, year - 1]
    weeks = []
    for year in candidates:
        try:
            weeks.append(dt.date.fromisocalendar(year, number, 1))
        except ValueError:
            continue
    if not weeks:
        raise NoSuchWeek(text, candidates[0])
    week = week_of(min(weeks, key=lambda monday: abs((monday - around).days)))
    try:
        parse_week(week)  # within the planning years
    except ValueError:
        raise NoSuchWeek(text, int(week[:4])) from None
    return week


# 9, 9.30, 9:30, 09.30, 0930 and 930: hours, then minutes after a colon, a dot or nothing.
TIME_OF_DAY_RE = re.compile(r"(\d{1,2})(?:[:.](\d{2}))?|(\d{1,2})(\d{2})", re.ASCII)


def time_of_day_minutes(text: str) -> int:
    """A time as people write it ('9', '10.30', '0930') -> minutes since midnight; ValueError when it
    is none (24:00 allowed as end of day). The form that uses it checks whether it fits its range."""
    match = TIME_OF_DAY_RE.fullmatch((text or "").strip())
    if not match:
        raise ValueError(text)
    if match.group(1) is not None:
        hours, minutes = match.group(1), match.group(2) or "00"
    else:
        hours, minutes = match.group(3), match.group(4)
    return hhmm_to_minutes(f"{hours}:{minutes}")


def local_today() -> dt.date:
    """Today where the teams work (Europe/Amsterdam, the app's TIMEZONE), not on the server's clock:
    the one date every staff page, report and default week goes by, as the feeds and the employee
    page do. Outside an app (a script, a unit test of a filter) the machine's date."""
    from flask import has_app_context

    if not has_app_context():
        return dt.date.today()
    from .services import feeds

    return feeds.local_today()


def current_week(today: dt.date | None = None) -> str:
    """The week a page opens on: this one, or at the weekend, when its workdays are past, the next
    (as the employee's week page and the ministry's planning page do)."""
    today = today or local_today()
    if today.isoweekday() >= 6:
        today += dt.timedelta(days=8 - today.isoweekday())
    return week_of(today)


def week_days(week: str, count: int = 5) -> list[dt.date]:
    year, number = parse_week(week)
    return [dt.date.fromisocalendar(year, number, d) for d in range(1, count + 1)]


def week_of(day: dt.date) -> str:
    year, number, _ = day.isocalendar()
    return f"{year}-W{number:02d}"


def shift_week(week: str, delta: int) -> str:
    return week_of(week_days(week, 1)[0] + dt.timedelta(weeks=delta))


def week_names(weeks: list[str], told: list[str] | None = None, today: dt.date | None = None) -> str:
    """'50, 51 en 52' in the reader's language; with the year ('2026-W53 en 2027-W01') when the
    weeks `told` in the same message (default: `weeks`) span two years, or, given `today`, lie in
    another year than today's week: a bare 'week 53 en 1' reads backwards, and 'week 1' in
    December does not say which January."""
    from babel.lists import format_list

    years = {week[:4] for week in (told if told is not None else weeks)}
    if today is not None:
        years.add(str(today.isocalendar()[0]))
    one_year = len(years) == 1
    return format_list([str(int(week[-2:])) if one_year else week for week in weeks], locale=str(get_locale() or "nl"))


def marked_dutch(text: str):
    """Dutch text (a place's, a ministry's or a file's column name) on a page in another language:
    marked lang="nl" (WCAG 3.1.2) as the templates' in_dutch does; on a Dutch page as it is."""
    from markupsafe import Markup

    if str(get_locale() or "nl") == "nl":
        return text
    return Markup('<span lang="nl">%s</span>') % text


def marked_dutch_in(message: str, *dutch: str):
    """A message already worded (a flash, a service's text) that says Dutch names (a place's, a
    region's): each name marked as marked_dutch marks it; on a Dutch page the message as it is.
    The names are found in the text as written and each piece escaped after, so a name such as
    "34" is never found inside an escaped character ("&#34;")."""
    from markupsafe import Markup, escape

    names = sorted({str(name) for name in dutch if name}, key=len, reverse=True)
    if str(get_locale() or "nl") == "nl" or not names:
        return message
    # One pass, the longest name first: "Oost" inside "Oost-Nederland" is not marked twice; whole
    # words only ("Den Haag" inside a typed "Den Haagg" is not a name said).
    found = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(name) for name in names) + r")(?!\w)")
    said, at = Markup(""), 0
    for match in found.finditer(message):
        said += escape(message[at:match.start()]) + Markup('<span lang="nl">%s</span>') % match.group(0)
        at = match.end()
    return said + escape(message[at:])


def long_date(day: dt.date) -> str:
    """'maandag 7 december' in Dutch, 'Monday 7 December' in English."""
    return format_date(day, "EEEE d MMMM")


def short_date(day: dt.date) -> str:
    return format_date(day, "EEE d MMM")


def date_period(start: dt.date, end: dt.date, today: dt.date | None = None) -> str:
    """A period of days for a reader: 'do 10 dec' for one day, 'ma 7 dec – do 31 dec' within this
    year; outside this year with the year, once when both ends share it ('ma 26 apr – vr 7 mei
    2027'), else at both ends ('ma 28 dec 2026 – vr 8 jan 2027')."""
    this_year = (today or local_today()).year
    with_year = "EEE d MMM y"
    if start == end:
        return format_date(start, with_year if start.year != this_year else "EEE d MMM")
    if start.year == end.year == this_year:
        return f"{short_date(start)} – {short_date(end)}"
    if start.year == end.year:
        return f"{short_date(start)} – {format_date(end, with_year)}"
    return f"{format_date(start, with_year)} – {format_date(end, with_year)}"


def full_date(day: dt.date, today: dt.date | None = None) -> str:
    """long_date with the year when the day is not in this year (the rule of date_period):
    'maandag 7 december', 'vrijdag 1 januari 2027'. A stored timestamp (naive UTC, "active
    since") counts by its date in Amsterdam: 31 December 23:30 UTC is New Year's Day there."""
    if isinstance(day, dt.datetime):
        from flask_babel import to_user_timezone

        day = to_user_timezone(day).date()
    if day.year == (today or local_today()).year:
        return long_date(day)
    return format_date(day, "EEEE d MMMM y")


def upper_first(text: str) -> str:
    """The text with its first letter a capital, the rest as it is ('vrijdag 25 December' ->
    'Vrijdag 25 December'; str.capitalize would write 'december' in English)."""
    return text[:1].upper() + text[1:]


# Dates with their year in a message or a table, and moments in a log: the Dutch forms are the
# numbers Dutch readers write ('01-12-2026'); in English 01-12 is the first of December in one
# country and the twelfth of January in another, so the month is written out there.
NUMERIC_DATE = "dd-MM-yyyy"


def _dutch() -> bool:
    return str(get_locale() or "nl") == "nl"


def dated(day: dt.date, abbreviated: bool = False) -> str:
    """A date with its year: '01-12-2026' in Dutch, '1 December 2026' in English ('1 Dec 2026'
    abbreviated, for a table)."""
    if _dutch():
        return format_date(day, NUMERIC_DATE)
    return format_date(day, "d MMM y" if abbreviated else "d MMMM y")


def day_and_month(day: dt.date) -> str:
    """A date in this year, short: '09-12' in Dutch, '9 Dec' in English."""
    return format_date(day, "dd-MM" if _dutch() else "d MMM")


def date_time(moment: dt.datetime, seconds: bool = False) -> str:
    """A stored moment (naive UTC) in Amsterdam's time, for a log: '06-12-2026 01:36' in Dutch,
    '6 Dec 2026, 01:36' in English; with the seconds for the audit log."""
    clock = "HH:mm:ss" if seconds else "HH:mm"
    return format_datetime(moment, f"{NUMERIC_DATE} {clock}" if _dutch() else f"d MMM y, {clock}")


def long_date_period(start: dt.date, end: dt.date, today: dt.date | None = None) -> tuple[str, str]:
    """The two ends of a period as long dates, with the year by date_period's rule: none within
    this year, once (at the end) when both ends share another year, else at both ends."""
    this_year = (today or local_today()).year
    with_year = "EEEE d MMMM y"
    if start.year == end.year == this_year:
        return long_date(start), long_date(end)
    if start.year == end.year:
        return long_date(start), format_date(end, with_year)
    return format_date(start, with_year), format_date(end, with_year)


def hours(minutes: int | None, english: bool | None = None) -> str:
    """Minutes as hours the Dutch way: 1530 -> '25,5' ('25.5' in English). A page that prints many
    passes `english` once looked up (the locale lookup is most of this function's time)."""
    if minutes is None:
        return ""
    value = minutes / 60
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    if english is None:
        english = str(get_locale()) != "nl"
    return text if english else text.replace(".", ",")


def decimal_text(value: float | None, digits: int = 4) -> str:
    """A number for a reader, in the user's language: '12,5' in Dutch, '12.5' in English; at most
    `digits` decimals, no trailing zeros and no thousands separator, so a spreadsheet reads it as
    one number ('' for None)."""
    if value is None:
        return ""
    return format_decimal(value, format="0." + "#" * digits if digits else "0")


def half_up(value: float, digits: int = 0) -> Decimal:
    """`value` rounded half up to `digits` decimals, as Excel and people round: 0.725 -> 0.73,
    88.25 -> 88.3. Python's round() and '%.2f' round half to even, and on the float's binary
    value (0.725 is 0.72499999...), so a page said 72% where the CSV's 0,725 shows 73% in Excel.
    The float is read as the shortest decimal that is it (its repr)."""
    return Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)


def rounded_text(value: float, digits: int = 0, trim: bool = False) -> str:
    """A figure for a page, rounded half up (half_up) to `digits` decimals, with the decimal sign
    of the user's language and no thousands separator: '88,3' in Dutch, '88.3' in English; `trim`
    leaves off trailing zeros ('26' for 26.0, as hours() writes hours)."""
    text = f"{half_up(value, digits):f}"
    if trim and "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",") if _dutch() else text


def whole_percent(fraction: float) -> int:
    """A fraction as a whole percent, rounded half up: 0.725 -> 73 (as Excel shows the CSV's 0,725).
    Scaled in decimal: 0.725 * 100 in floating point need not be 72.5."""
    return int((Decimal(repr(float(fraction))) * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def percent_text(fraction: float | None) -> str:
    """A fraction as a whole percent for a page (whole_percent): '73%'; '–' for None."""
    return "–" if fraction is None else f"{whole_percent(fraction)}%"


def csv_delimiter() -> str:
    """The cell separator of a CSV download, as the reader's Excel splits it: ';' in Dutch, where
    the comma is the decimal sign (decimal_text), ',' in English, with '.' decimals. Cells holding
    the separator are quoted (the csv module does that)."""
    return ";" if _dutch() else ","


def telling_apart(people) -> dict[int, tuple[str, int | None]]:
    """By id, what tells a person apart from another in `people` with the same name: (their
    e-mail address, None), else ('', their number); ('', None) for a name nobody else has."""
    from collections import Counter

    names = Counter(p.name for p in people)
    emails = Counter(p.email for p in people if getattr(p, "email", ""))
    found = {}
    for p in people:
        if names[p.name] == 1:
            found[p.id] = ("", None)
        elif getattr(p, "email", "") and emails[p.email] == 1:
            found[p.id] = (p.email, None)
        else:
            found[p.id] = ("", p.id)
    return found


def name_suffixes(people) -> dict[int, str]:
    """By id, what tells a person apart from another in `people` with the same name: their
    e-mail address, else their number ('' for a name nobody else has), so nobody picks the
    wrong one."""
    from flask_babel import gettext

    return {pk: f" ({email})" if email else (" (" + gettext("nr. %(n)d", n=nr) + ")" if nr else "")
            for pk, (email, nr) in telling_apart(people).items()}


def name_labels(people) -> dict[int, str]:
    """Each person's name by id, told apart where two share it (name_suffixes)."""
    return {p.id: p.name + suffix for p, suffix in zip(people, name_suffixes(people).values())}


def holiday(day: dt.date) -> str | None:
    """The day's public holiday by name in the reader's language, or None."""
    return public_holiday_name(day, str(get_locale() or "nl"))


def formally() -> bool:
    """Staff read "je", a ministry contact "u" (as the ministry's own pages say it): for the pages
    and messages both see (account, password, two-step verification)."""
    from flask_login import current_user

    from .models import Role

    return bool(getattr(current_user, "is_authenticated", False)) and current_user.role == Role.MINISTRY_CONTACT.value


def you(informal, formal):
    """A lazy text in the reader's form of address (formally); both texts are marked for
    translation where they are written (_l), so the catalogue has both."""
    from flask_babel import LazyString

    return LazyString(lambda: str(formal) if formally() else str(informal))


def days_list(days, today: dt.date | None = None) -> str:
    """'maandag 7 december, dinsdag 8 december en woensdag 9 december' (full_date each, in order)."""
    from babel.lists import format_list
    from flask_babel import get_locale

    return format_list([full_date(day, today) for day in sorted(set(days))], locale=str(get_locale() or "nl"))


def init_app(app: Flask) -> None:
    app.jinja_env.filters.update(
        hhmm=minutes_to_hhmm, long_date=long_date, short_date=short_date, hours=hours, holiday=holiday
    )
    app.jinja_env.globals.update(formally=formally, week_of=week_of, shift_week=shift_week, week_days=week_days,
                                 name_labels=name_labels, date_period=date_period)
    app.jinja_env.filters["full_date"] = full_date
    # One day, short, with the year when it is not this year's ('vr 1 jan 2027' in December).
    app.jinja_env.filters["short_day"] = lambda day: date_period(day, day)
    app.jinja_env.globals["week_names"] = week_names
    app.jinja_env.filters["days_list"] = days_list
    app.jinja_env.filters["date_time"] = date_time
    app.jinja_env.filters["dated"] = dated
    app.jinja_env.filters["rounded"] = rounded_text
    app.jinja_env.filters["percent"] = percent_text
    app.jinja_env.filters["from_iso"] = lambda text: dt.date.fromisoformat(text) if text else None
    app.jinja_env.globals["long_date_period"] = long_date_period
