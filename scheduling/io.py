"""Reader and writer of the `binnenwerk-roster/1` interchange format (problem and solution).

The reader validates everything and collects all errors before refusing, so a planner sees
every problem of an import at once. Messages are in Dutch because the app shows them as they
are; each names the field (as a path) and the offending value.
"""
from __future__ import annotations

import datetime as dt
import errno
import json
import math
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from .domain import (
    DEFAULT_WEIGHTS,
    FORMAT,
    MAX_TEAM_SIZE,
    SOLUTION_FORMAT,
    STATUSES,
    AssignmentRef,
    Employee,
    Location,
    Previous,
    PreviousSupervision,
    Problem,
    Reason,
    Request,
    Shortfall,
    Solution,
    Supervisor,
    SupervisionRef,
    Team,
    Window,
    WorkType,
    time_zone,
)

__all__ = [
    "FieldError",
    "FormatError",
    "read_problem",
    "load_problem",
    "problem_to_dict",
    "dump_problem",
    "read_solution",
    "load_solution",
    "solution_to_dict",
    "dump_solution",
    "format_time",
    "parse_time",
    "json_problem",
    "file_problem",
]

_TIME_RE = re.compile(r"^(\d{2}):(\d{2})\Z")
_WEEK_RE = re.compile(r"^(\d{4})-W(\d{2})\Z")
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}\Z")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")

# Upper limits of the format's whole numbers. JSON has no limit on a number's size, Python
# neither, but CP-SAT takes 64-bit integers (bounds and coefficients) and multiplies them
# in the objective; a number past these limits is refused by the reader, so solve, greedy
# and check see the same, safe problems.
#
# - Minutes within a day (max_minutes_per_day, break_minutes, min_rest_minutes,
#   max_supervision_minutes): at most a day, 24 x 60 = 1440. Minutes within a week
#   (contract_minutes): at most seven such days, 10080; a week has no more dates (`days` are
#   distinct dates of one ISO week).
# - headcount and shortfall[].missing: a team has at most MAX_TEAM_SIZE (15) employees, but
#   several teams of a region may work on one request (and the app's database allows 100), so
#   the limit is that of a hundred or so full teams at one place: 1000.
# - priority 1..3, weekday 1..7, max_size 1..15 are given by the format itself.
# - Weights: at most a million, a thousand times the largest default (shortfall 1000).
#   The largest objective term then stays far inside 2**62:
#     shortfall per request:       weight x priority x headcount x days
#                                  <= 10**6 x 3 x 1000 x 7 = 2.1 * 10**10 < 2**35
#     contract gap per employee:   weight x contract_minutes <= 10**6 x 10080 < 2**34
#     change per employee:         weight x 7 dates                        < 2**23
#     team split per team:         weight x 14 extra places x 7 dates      < 2**27
#     republish / supervision:     weight per published row                < 2**20
#     supervision continuity:      weight per previous_supervision row     < 2**20
#     supervision stand-in:        weight x 15 places a team x 7 dates     < 2**27
#   So every term of the objective is below 2**35, and the sum stays below 2**62 up to 2**27
#   (some 134 million) employees, requests and published rows: far more than any file that
#   fits in memory, let alone one week of a few hundred people.
# - A solution's objective and best_bound: within 2**62, which by the above is all a real
#   objective needs and which 64-bit arithmetic handles with room to spare.
MINUTES_PER_DAY = 24 * 60
MAX_WEEK_MINUTES = 7 * MINUTES_PER_DAY
MAX_HEADCOUNT = 1000
MAX_WEIGHT = 1_000_000
MAX_OBJECTIVE = 2**62


@dataclass(frozen=True)
class FieldError:
    """One problem with one field of the input; `message` is complete and in Dutch."""

    path: str
    value: Any
    message: str

    def __str__(self) -> str:
        return self.message


class FormatError(ValueError):
    """The input does not follow the interchange format; `errors` lists every problem found."""

    def __init__(self, errors: list[FieldError]):
        self.errors = list(errors)
        super().__init__("\n".join(e.message for e in self.errors))


def _show(value: Any) -> str:
    """A short, readable rendering of a value for a message (junk can be huge)."""
    try:
        if isinstance(value, str):
            # Control characters as JSON writes them: a message stays one readable line.
            text = "'" + _CONTROL.sub(lambda c: json.dumps(c.group())[1:-1], value) + "'"
        elif value is None:
            text = "null"
        elif isinstance(value, bool):
            text = "true" if value else "false"
        else:
            text = json.dumps(value, ensure_ascii=False, default=repr)
    except (TypeError, ValueError, RecursionError):
        text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _unknown(what: str) -> str:
    # Dutch adjectives lose their -e before a neuter ("het") noun: "onbekend team".
    return f"onbekend {what}" if what == "team" else f"onbekende {what}"


def _type_name(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "een boolean"
    if isinstance(value, int):
        return "een geheel getal"
    if isinstance(value, float):
        return "een kommagetal"
    if isinstance(value, str):
        return "tekst"
    if isinstance(value, list):
        return "een lijst"
    if isinstance(value, dict):
        return "een object"
    return type(value).__name__


def _instead(value: Any) -> str:
    """The second half of "moet ... zijn, <this>": what was there instead, in words."""
    if value is None:
        return "maar er staat niets (null)"
    return f"niet {_type_name(value)} {_show(value)}"


_JSON_PROBLEMS = {
    "Expecting value": "hier verwachten we een waarde (tekst tussen dubbele aanhalingstekens, een getal, "
                       "true, false, null, een lijst of een object)",
    "Expecting property name enclosed in double quotes":
        "hier verwachten we een veldnaam tussen dubbele aanhalingstekens",
    "Expecting ':' delimiter": "hier ontbreekt een dubbele punt (:) tussen veldnaam en waarde",
    "Expecting ',' delimiter": "hier ontbreekt een komma (,) of een sluithaakje",
    "Extra data": "na het einde van de JSON staat nog meer tekst",
    "Unterminated string starting at": "een tekst die hier begint, wordt niet afgesloten met een dubbel aanhalingsteken",
    "Invalid \\uXXXX escape": "ongeldige \\u-code in een tekst (verwacht \\u met vier hexadecimale cijfers)",
    "Unexpected UTF-8 BOM (decode using utf-8-sig)": "het bestand begint met een onzichtbaar BOM-teken",
    "Illegal trailing comma before end of object": "een komma vlak voor het sluithaakje } is niet toegestaan",
    "Illegal trailing comma before end of array": "een komma vlak voor het sluithaakje ] is niet toegestaan",
}


def json_problem(exc: Exception) -> str:
    """What is wrong with unreadable JSON, in Dutch: where (line and column) and what.

    json.JSONDecodeError's own message is English; the decoder's few messages are translated
    here, anything else gets a general description with the place.
    """
    if isinstance(exc, RecursionError):
        return "de lijsten en objecten zijn te diep in elkaar genest"
    if isinstance(exc, json.JSONDecodeError):
        what = _JSON_PROBLEMS.get(exc.msg)
        if what is None and exc.msg.startswith("Invalid control character"):
            what = "een tekst bevat een stuurteken (zoals een tab of regeleinde); schrijf het als \\t of \\n"
        elif what is None and exc.msg.startswith("Invalid \\escape"):
            what = "ongeldige \\-code in een tekst (een losse \\ schrijf je als \\\\)"
        elif what is None:
            what = "hier klopt de opbouw van de JSON niet"
        return f"regel {exc.lineno}, kolom {exc.colno}: {what}"
    if isinstance(exc, ValueError) and "digits" in str(exc):
        # Python refuses to read whole numbers of more than 4300 digits.
        return "er staat een getal in met duizenden cijfers, veel te groot voor elk veld"
    return "de tekst is geen JSON"


def parse_time(text: str) -> int | None:
    """'HH:MM' (00:00 .. 24:00) to minutes since midnight, or None when it does not parse."""
    if not isinstance(text, str):
        return None
    m = _TIME_RE.match(text)
    if not m:
        return None
    hours, minutes = int(m.group(1)), int(m.group(2))
    if minutes > 59 or hours > 24 or (hours == 24 and minutes != 0):
        return None
    return hours * 60 + minutes


def format_time(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _parse_date(text: Any) -> dt.date | None:
    if not isinstance(text, str) or not _DATE_RE.match(text):
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


class _Reader:
    """Collects errors while pulling typed values out of untrusted JSON-like data."""

    def __init__(self) -> None:
        self.errors: list[FieldError] = []
        # The kinds ("medewerker", ...) whose top-level list is missing or not a list: that is
        # reported once, not again for every reference to one of its things.
        self.broken: set[str] = set()

    def error(self, path: str, value: Any, message: str) -> None:
        self.errors.append(FieldError(path, value, f"{path or 'invoer'}: {message}"))

    @staticmethod
    def at(path: str, key: str | int) -> str:
        if isinstance(key, int):
            return f"{path}[{key}]"
        return f"{path}.{key}" if path else key

    # Each getter returns None when the field is missing or wrong, after recording why.

    def field(self, obj: dict, key: str, path: str, required: bool = True) -> tuple[bool, Any]:
        if key not in obj:
            if required:
                self.error(self.at(path, key), None, "verplicht veld ontbreekt")
            return False, None
        return True, obj[key]

    def string(self, obj: dict, key: str, path: str, required: bool = True) -> str | None:
        present, value = self.field(obj, key, path, required)
        if not present:
            return None
        if not isinstance(value, str):
            self.error(self.at(path, key), value, f"moet tekst zijn, {_instead(value)}")
            return None
        if value == "":
            self.error(self.at(path, key), value, "mag niet leeg zijn")
            return None
        return value

    def integer(self, obj: dict, key: str, path: str, *, minimum: int | None = 0,
                maximum: int | None = None, required: bool = True, why: str = "") -> int | None:
        present, value = self.field(obj, key, path, required)
        if not present:
            return None
        return self.integer_value(value, self.at(path, key), minimum=minimum, maximum=maximum, why=why)

    def integer_value(self, value: Any, path: str, *, minimum: int | None = 0,
                      maximum: int | None = None, why: str = "") -> int | None:
        """A whole number within [minimum, maximum]; `why` explains the maximum in a refusal."""
        why = f" ({why})" if why else ""
        # bool is a subclass of int in Python; true/false is never a count of minutes.
        if isinstance(value, bool) or not isinstance(value, int):
            self.error(path, value, f"moet een geheel getal zijn, {_instead(value)}")
            return None
        if minimum is not None and value < minimum:
            if minimum == 0:
                self.error(path, value, f"mag niet negatief zijn: {_show(value)}")
            elif maximum is not None:
                self.error(path, value, f"moet tussen {minimum} en {maximum} liggen{why}, niet {_show(value)}")
            else:
                self.error(path, value, f"moet minstens {minimum} zijn, niet {_show(value)}")
            return None
        if maximum is not None and value > maximum:
            if minimum is not None:
                self.error(path, value, f"moet tussen {minimum} en {maximum} liggen{why}, niet {_show(value)}")
            else:
                self.error(path, value, f"mag hoogstens {maximum} zijn{why}, niet {_show(value)}")
            return None
        return value

    def time(self, obj: dict, key: str, path: str) -> int | None:
        present, value = self.field(obj, key, path)
        if not present:
            return None
        return self.time_value(value, self.at(path, key))

    def time_value(self, value: Any, path: str) -> int | None:
        minutes = parse_time(value)
        if minutes is None:
            self.error(path, value, f"ongeldige tijd {_show(value)}, verwacht UU:MM tussen 00:00 en 24:00")
        return minutes

    def date(self, value: Any, path: str) -> dt.date | None:
        parsed = _parse_date(value)
        if parsed is None:
            self.error(path, value, f"ongeldige datum {_show(value)}, verwacht JJJJ-MM-DD")
        return parsed

    def list_of(self, obj: dict, key: str, path: str, required: bool = True,
                nullable: bool = False) -> list | None:
        present, value = self.field(obj, key, path, required)
        if not present:
            return None
        if value is None and nullable:
            return None
        if not isinstance(value, list):
            self.error(self.at(path, key), value, f"moet een lijst zijn, {_instead(value)}")
            return None
        return value

    def objects(self, obj: dict, key: str, required: bool = True,
                what: str | None = None) -> list[tuple[str, dict]]:
        """The (path, object) pairs of a top-level list of objects; non-objects are errors.

        `what` names the kind of thing the list holds, for the ids that refer to them: when the
        list is missing or not a list, those references are not reported as unknown as well.
        """
        present = key in obj
        items = self.list_of(obj, key, "", required)
        if items is None and what is not None and (present or required):
            self.broken.add(what)
        out: list[tuple[str, dict]] = []
        for i, item in enumerate(items or []):
            path = self.at(key, i)
            if not isinstance(item, dict):
                self.error(path, item, f"moet een object zijn, {_instead(item)}")
                continue
            out.append((path, item))
        return out

    def id_list(self, obj: dict, key: str, path: str, known: dict, what: str,
                required: bool = True, nullable: bool = False) -> tuple[str, ...] | None:
        """A list of ids that must each name a known thing, without repeats."""
        items = self.list_of(obj, key, path, required, nullable)
        if items is None:
            return None
        out: list[str] = []
        for i, item in enumerate(items):
            p = self.at(self.at(path, key), i)
            if not isinstance(item, str):
                self.error(p, item, f"moet tekst zijn, {_instead(item)}")
            elif item not in known:
                if what not in self.broken:
                    self.error(p, item, f"{_unknown(what)} {_show(item)}")
            elif item in out:
                self.error(p, item, f"{what} {_show(item)} staat er dubbel in")
            else:
                out.append(item)
        return tuple(out)

    def availability(self, obj: dict, path: str) -> dict[dt.date, tuple[Window, ...]] | None:
        present, value = self.field(obj, "availability", path)
        if not present:
            return None
        apath = self.at(path, "availability")
        if not isinstance(value, dict):
            self.error(apath, value, f"moet een object met datums zijn, {_instead(value)}")
            return None
        out: dict[dt.date, tuple[Window, ...]] = {}
        ok = True
        for key, windows in value.items():
            kpath = f'{apath}["{key}"]'
            day = self.date(key, kpath)
            if not isinstance(windows, list):
                self.error(kpath, windows, f"moet een lijst van tijdvakken zijn, {_instead(windows)}")
                ok = False
                continue
            parsed: list[Window] = []
            for i, window in enumerate(windows):
                wpath = f"{kpath}[{i}]"
                if not (isinstance(window, list) and len(window) == 2):
                    self.error(wpath, window, f"tijdvak {_show(window)} moet een paar [begin, einde] zijn")
                    ok = False
                    continue
                start = self.time_value(window[0], f"{wpath}[0]")
                end = self.time_value(window[1], f"{wpath}[1]")
                if start is None or end is None:
                    ok = False
                    continue
                if end <= start:
                    self.error(wpath, window, f"tijdvak {_show(window)} eindigt niet na het begin")
                    ok = False
                    continue
                if parsed and start < parsed[-1][1]:
                    self.error(wpath, window, f"tijdvak {_show(window)} overlapt het vorige of staat niet op volgorde")
                    ok = False
                    continue
                parsed.append((start, end))
            if day is None:
                ok = False
            elif day in out:
                self.error(kpath, key, f"datum {_show(key)} staat er dubbel in")
                ok = False
            else:
                out[day] = tuple(parsed)
        return out if ok else None


def _index(reader: _Reader, items: list[tuple[str, dict]], what: str
           ) -> tuple[dict[str, tuple[str, dict]], list[tuple[str | None, str, dict]]]:
    """Map id -> (path, object), reporting duplicate and missing ids.

    Also returns every object with its id (None when unusable) so the caller still validates
    the rest of an object whose id is wrong: the planner should see all errors at once.
    """
    seen: dict[str, tuple[str, dict]] = {}
    entries: list[tuple[str | None, str, dict]] = []
    for path, obj in items:
        ident = reader.string(obj, "id", path)
        if ident is not None and ident in seen:
            reader.error(reader.at(path, "id"), ident,
                         f"{what} {_show(ident)} komt twee keer voor (ook in {seen[ident][0]})")
            ident = None
        elif ident is not None:
            seen[ident] = (path, obj)
        entries.append((ident, path, obj))
    return seen, entries


def read_problem(data: Any) -> Problem:
    """Validate parsed JSON and build a Problem; raise FormatError listing every problem.

    Besides the format's fields it reads this package's optional additions: published_supervision,
    pinned_supervision (rule 9), min_rest_minutes, max_supervision_minutes, and
    previous_supervision: [{"supervisor", "weekday" (1-7), "location", "team"}], who led which
    team where on that ISO weekday last week (one entry a team, place and weekday, one a leader
    and weekday; a leader who may lead that team, a place of its region), with its weight
    supervision_continuity. Its weights may set supervision_stand_in as well (each place a team
    works at that a pool stand-in leads, not one of its own leaders)."""
    r = _Reader()
    if not isinstance(data, dict):
        r.error("", data, f"een probleem moet een JSON-object zijn, {_instead(data)}")
        raise FormatError(r.errors)

    present, tag = r.field(data, "format", "")
    if present and tag != FORMAT:
        r.error("format", tag, f"onbekend formaat {_show(tag)}, verwacht '{FORMAT}'")

    week_text = r.string(data, "week", "")
    week: tuple[int, int] | None = None
    if week_text is not None:
        m = _WEEK_RE.match(week_text)
        if m:
            try:
                dt.date.fromisocalendar(int(m.group(1)), int(m.group(2)), 1)
                week = (int(m.group(1)), int(m.group(2)))
            except ValueError:
                pass
        if week is None:
            r.error("week", week_text, f"ongeldige ISO-week {_show(week_text)}, verwacht bijvoorbeeld '2026-W50'")

    timezone = "Europe/Amsterdam"
    if "timezone" in data:
        timezone = r.string(data, "timezone", "") or timezone
        # The rest between dates (rule 10) is real time in this zone: a name that does not load
        # would quietly count the clock instead. (The default is what a file without the field
        # gets, unchecked: a machine without a time zone database still reads it.)
        if timezone != "Europe/Amsterdam" and time_zone(timezone) is None:
            r.error("timezone", timezone,
                    f"onbekende tijdzone {_show(timezone)}, verwacht een IANA-naam zoals 'Europe/Amsterdam'")

    days: list[dt.date] = []
    errors_before_days = len(r.errors)
    for i, text in enumerate(r.list_of(data, "days", "") or []):
        path = f"days[{i}]"
        day = r.date(text, path)
        if day is None:
            continue
        if day in days:
            r.error(path, text, f"datum {_show(text)} staat er dubbel in")
            continue
        if week is not None and tuple(day.isocalendar())[:2] != week:
            r.error(path, text, f"datum {_show(text)} valt niet in week {_show(week_text)}")
        days.append(day)
    day_set = set(days)
    # With `days` itself broken, every date would look unplanned: do not bury the real error.
    days_broken = len(r.errors) > errors_before_days

    def unplanned(day: dt.date) -> bool:
        return not days_broken and day not in day_set

    # Kinds are read in dependency order so later ones can check references to earlier ones.
    wt_index, wt_entries = _index(r, r.objects(data, "work_types", what="werksoort"), "werksoort")
    work_types = []
    for ident, path, obj in wt_entries:
        name = r.string(obj, "name", path)
        if name is not None:
            work_types.append(WorkType(ident, name))

    loc_index, loc_entries = _index(r, r.objects(data, "locations", what="locatie"), "locatie")
    locations: dict[str, Location] = {}
    for ident, path, obj in loc_entries:
        name = r.string(obj, "name", path)
        region = r.string(obj, "region", path)
        if name is not None and region is not None:
            locations[ident] = Location(ident, name, region)

    team_index, team_entries = _index(r, r.objects(data, "teams", what="team"), "team")
    teams: dict[str, Team] = {}
    for ident, path, obj in team_entries:
        name = r.string(obj, "name", path)
        region = r.string(obj, "region", path)
        max_size = MAX_TEAM_SIZE
        if "max_size" in obj:
            max_size = r.integer(obj, "max_size", path, minimum=1, maximum=MAX_TEAM_SIZE)
        if name is not None and region is not None and max_size is not None:
            teams[ident] = Team(ident, name, region, max_size)

    def ref(obj: dict, key: str, path: str, known: dict, what: str) -> str | None:
        value = r.string(obj, key, path)
        if value is not None and value not in known:
            if what not in r.broken:  # else its list's own error says it all
                r.error(r.at(path, key), value, f"{_unknown(what)} {_show(value)}")
            return None
        return value

    sup_index, sup_entries = _index(r, r.objects(data, "supervisors", what="teamleider"), "teamleider")
    supervisors = []
    for ident, path, obj in sup_entries:
        name = r.string(obj, "name", path)
        region = r.string(obj, "region", path)
        team: str | None = None
        team_ok = True
        present, team_value = r.field(obj, "team", path)
        if present and team_value is not None:
            team = ref(obj, "team", path, team_index, "team")
            team_ok = team is not None
            if team in teams and region is not None and teams[team].region != region:
                r.error(r.at(path, "region"), region,
                        f"regio {_show(region)} wijkt af van de regio {_show(teams[team].region)} van team {_show(team)}")
                team_ok = False
        wts = r.id_list(obj, "work_types", path, wt_index, "werksoort")
        availability = r.availability(obj, path)
        if None not in (name, region, wts, availability) and present and team_ok:
            supervisors.append(Supervisor(ident, name, team, region, wts, availability))

    emp_index, emp_entries = _index(r, r.objects(data, "employees", what="medewerker"), "medewerker")
    employees: list[Employee] = []
    team_counts: dict[str, int] = {}
    for ident, path, obj in emp_entries:
        name = r.string(obj, "name", path)
        team = ref(obj, "team", path, team_index, "team")
        if team is not None:
            team_counts[team] = team_counts.get(team, 0) + 1
        contract = r.integer(obj, "contract_minutes", path, maximum=MAX_WEEK_MINUTES,
                             why="de minuten van zeven dagen")
        per_day = r.integer(obj, "max_minutes_per_day", path, maximum=MINUTES_PER_DAY,
                            why="de minuten van een dag")
        wts = r.id_list(obj, "work_types", path, wt_index, "werksoort")
        locs_ok = True
        locs = r.id_list(obj, "locations", path, loc_index, "locatie", nullable=True)
        if "locations" in obj and obj["locations"] is not None and locs is None:
            locs_ok = False
        if locs is not None and team in teams:
            for i, loc in enumerate(locs):
                if loc in locations and locations[loc].region != teams[team].region:
                    r.error(f"{path}.locations[{i}]", loc,
                            f"locatie {_show(loc)} ligt in regio {_show(locations[loc].region)}, "
                            f"niet in de regio {_show(teams[team].region)} van team {_show(team)}")
                    locs_ok = False
        availability = r.availability(obj, path)
        if None not in (name, team, contract, per_day, wts, availability) and locs_ok:
            employees.append(Employee(ident, name, team, contract, per_day, wts, locs, availability))

    for ident, count in team_counts.items():
        team = teams.get(ident)
        if team is not None and count > team.max_size:
            path = team_index[ident][0]
            r.error(f"{path}.max_size", team.max_size,
                    f"team {_show(ident)} heeft {count} medewerkers, meer dan max_size {team.max_size}")

    req_index, req_entries = _index(r, r.objects(data, "requests", what="aanvraag"), "aanvraag")
    requests: list[Request] = []
    for ident, path, obj in req_entries:
        location = ref(obj, "location", path, loc_index, "locatie")
        work_type = ref(obj, "work_type", path, wt_index, "werksoort")
        req_days: list[dt.date] = []
        days_ok = True
        raw_days = r.list_of(obj, "days", path)
        if raw_days is None:
            days_ok = False
        for i, text in enumerate(raw_days or []):
            p = f"{path}.days[{i}]"
            day = r.date(text, p)
            if day is None:
                days_ok = False
            elif unplanned(day):
                r.error(p, text, f"datum {_show(text)} hoort niet bij de geplande dagen (days)")
                days_ok = False
            elif day in req_days:
                r.error(p, text, f"datum {_show(text)} staat er dubbel in")
                days_ok = False
            else:
                req_days.append(day)
        start = r.time(obj, "start", path)
        end = r.time(obj, "end", path)
        if start is not None and end is not None and end <= start:
            r.error(f"{path}.end", obj["end"], f"einde {_show(obj['end'])} ligt niet na het begin {_show(obj['start'])}")
            end = None
        break_minutes = r.integer(obj, "break_minutes", path, maximum=MINUTES_PER_DAY,
                                  why="de minuten van een dag")
        if break_minutes is not None and start is not None and end is not None and break_minutes >= end - start:
            r.error(f"{path}.break_minutes", break_minutes,
                    f"pauze van {break_minutes} minuten is niet korter dan de dienst van {end - start} minuten")
            break_minutes = None
        headcount = r.integer(obj, "headcount", path, maximum=MAX_HEADCOUNT)
        priority = r.integer(obj, "priority", path, minimum=1, maximum=3)
        if None not in (location, work_type, start, end, break_minutes, headcount, priority) and days_ok:
            requests.append(Request(ident, location, work_type, tuple(req_days), start, end,
                                    break_minutes, headcount, priority))

    previous: list[Previous] = []
    seen_prev: dict[tuple[str, int], str] = {}
    for path, obj in r.objects(data, "previous", required=False):
        employee = ref(obj, "employee", path, emp_index, "medewerker")
        weekday = r.integer(obj, "weekday", path, minimum=1, maximum=7)
        location = ref(obj, "location", path, loc_index, "locatie")
        work_type = ref(obj, "work_type", path, wt_index, "werksoort")
        if employee is not None and weekday is not None:
            if (employee, weekday) in seen_prev:
                r.error(path, obj, f"medewerker {_show(employee)} heeft al een vorige inzet op weekdag "
                                   f"{weekday} (in {seen_prev[(employee, weekday)]})")
                continue
            seen_prev[(employee, weekday)] = path
        if None not in (employee, weekday, location, work_type):
            previous.append(Previous(employee, weekday, location, work_type))

    def assignment_refs(key: str, planned_days_only: bool) -> list[AssignmentRef]:
        out = []
        for path, obj in r.objects(data, key, required=False):
            employee = ref(obj, "employee", path, emp_index, "medewerker")
            request = ref(obj, "request", path, req_index, "aanvraag")
            day = None
            present, text = r.field(obj, "date", path)
            if present:
                day = r.date(text, f"{path}.date")
                if day is not None and planned_days_only and unplanned(day):
                    r.error(f"{path}.date", text, f"datum {_show(text)} hoort niet bij de geplande dagen (days)")
                    day = None
            if None not in (employee, request, day):
                out.append(AssignmentRef(employee, day, request))
        return out

    pinned = assignment_refs("pinned", planned_days_only=True)
    # A repair may plan only the rest of a published week, so published dates may lie outside days.
    published = assignment_refs("published", planned_days_only=False)

    def supervision_rows(key: str):
        """Each row of a list of supervision entries: its path, the row, its date as given, and its
        supervisor, date, location and team (None where unknown or malformed)."""
        for path, obj in r.objects(data, key, required=False):
            supervisor = ref(obj, "supervisor", path, sup_index, "teamleider")
            location = ref(obj, "location", path, loc_index, "locatie")
            team = ref(obj, "team", path, team_index, "team")
            present, text = r.field(obj, "date", path)
            day = r.date(text, f"{path}.date") if present else None
            yield path, obj, text, SupervisionRef(supervisor, day, location, team)

    # Optional, this package's: who led which team where in the published roster.
    published_supervision = [row for _path, _obj, _text, row in supervision_rows("published_supervision")
                             if None not in (row.supervisor, row.date, row.location, row.team)]
    # Optional, this package's: team leaders a person chose (rule 9, see Problem.pinned_supervision).
    pinned_supervision = []
    supervisor_of = {x.id: x for x in supervisors}

    def may_lead_there(path: str, supervisor: str, location: str, team: str) -> bool:
        """Whether the leader may lead the team (its own, or a stand-in of its region) at a place
        of its region, as pinned_supervision and previous_supervision entries must; else an error."""
        who, where, crew = supervisor_of.get(supervisor), locations.get(location), teams.get(team)
        if who is not None and crew is not None and (
                who.team not in (None, team) or (who.team is None and who.region != crew.region)):
            r.error(f"{path}.supervisor", supervisor,
                    f"teamleider {_show(supervisor)} kan team {_show(team)} niet leiden "
                    "(een teamleider van een ander team, of een invaller van een andere regio)")
            return False
        if where is not None and crew is not None and where.region != crew.region:
            r.error(f"{path}.location", location,
                    f"locatie {_show(location)} ligt niet in de regio {_show(crew.region)} van team {_show(team)}")
            return False
        return True
    pinned_place: dict[tuple[str, str, dt.date], str] = {}
    pinned_leader: dict[tuple[str, dt.date], str] = {}
    for path, obj, text, row in supervision_rows("pinned_supervision"):
        supervisor, day, location, team = row.supervisor, row.date, row.location, row.team
        if day is not None and unplanned(day):
            r.error(f"{path}.date", text, f"datum {_show(text)} hoort niet bij de geplande dagen (days)")
            continue
        if None in (supervisor, location, team, day):
            continue
        if not may_lead_there(path, supervisor, location, team):
            continue
        if (team, location, day) in pinned_place:
            r.error(path, obj, f"team {_show(team)} heeft op {day.isoformat()} op locatie {_show(location)} "
                               f"al een vastgezette teamleider (in {pinned_place[(team, location, day)]})")
            continue
        if (supervisor, day) in pinned_leader:
            r.error(path, obj, f"teamleider {_show(supervisor)} is op {day.isoformat()} al vastgezet "
                               f"(in {pinned_leader[(supervisor, day)]})")
            continue
        pinned_place[(team, location, day)] = pinned_leader[(supervisor, day)] = path
        pinned_supervision.append(row)

    # Optional, this package's: who led which team where on each weekday last week (see
    # Problem.previous_supervision), as `previous` is for employees.
    previous_supervision = []
    previous_place: dict[tuple[str, str, int], str] = {}
    previous_leader: dict[tuple[str, int], str] = {}
    for path, obj in r.objects(data, "previous_supervision", required=False):
        supervisor = ref(obj, "supervisor", path, sup_index, "teamleider")
        weekday = r.integer(obj, "weekday", path, minimum=1, maximum=7)
        location = ref(obj, "location", path, loc_index, "locatie")
        team = ref(obj, "team", path, team_index, "team")
        if None in (supervisor, weekday, location, team):
            continue
        if not may_lead_there(path, supervisor, location, team):
            continue
        if (team, location, weekday) in previous_place:
            r.error(path, obj, f"team {_show(team)} heeft op weekdag {weekday} op locatie {_show(location)} "
                               f"al een vorige teamleider (in {previous_place[(team, location, weekday)]})")
            continue
        if (supervisor, weekday) in previous_leader:
            r.error(path, obj, f"teamleider {_show(supervisor)} leidde op weekdag {weekday} al een team "
                               f"(in {previous_leader[(supervisor, weekday)]})")
            continue
        previous_place[(team, location, weekday)] = previous_leader[(supervisor, weekday)] = path
        previous_supervision.append(PreviousSupervision(supervisor, weekday, location, team))

    weights = dict(DEFAULT_WEIGHTS)
    if "weights" in data and data["weights"] is not None:
        raw = data["weights"]
        if not isinstance(raw, dict):
            r.error("weights", raw, f"moet een object zijn, {_instead(raw)}")
        else:
            for key, value in raw.items():
                path = f"weights.{key}"
                if key not in DEFAULT_WEIGHTS:
                    # The format's rule for every object: unknown fields are ignored, so a file from a
                    # writer that knows a weight more (as this package added supervision_change) is read.
                    continue
                checked = r.integer_value(value, path, maximum=MAX_WEIGHT)
                if checked is not None:
                    weights[key] = checked

    min_rest = 0
    if data.get("min_rest_minutes") is not None:
        checked = r.integer_value(data["min_rest_minutes"], "min_rest_minutes", maximum=MINUTES_PER_DAY,
                                  why="de minuten van een dag")
        if checked is not None:
            min_rest = checked
    longest_supervision = 0
    if data.get("max_supervision_minutes") is not None:
        checked = r.integer_value(data["max_supervision_minutes"], "max_supervision_minutes",
                                  maximum=MINUTES_PER_DAY, why="de minuten van een dag")
        if checked is not None:
            longest_supervision = checked

    if r.errors:
        raise FormatError(r.errors)
    return Problem(
        week=week_text, timezone=timezone, days=tuple(days), work_types=tuple(work_types),
        locations=tuple(locations.values()), teams=tuple(teams.values()),
        supervisors=tuple(supervisors), employees=tuple(employees), requests=tuple(requests),
        previous=tuple(previous), pinned=tuple(pinned), published=tuple(published),
        weights=weights, min_rest_minutes=min_rest, published_supervision=tuple(published_supervision),
        pinned_supervision=tuple(pinned_supervision), max_supervision_minutes=longest_supervision,
        previous_supervision=tuple(previous_supervision),
    )


def file_problem(exc: OSError) -> str:
    """Why a file could not be read, in Dutch: the system's own words (exc.strerror) are English."""
    if isinstance(exc, FileNotFoundError):
        return "het bestand bestaat niet"
    if isinstance(exc, IsADirectoryError):
        return "dat is een map"
    if isinstance(exc, NotADirectoryError):
        return "een deel van het pad is geen map"
    if isinstance(exc, PermissionError):
        return "geen leesrechten"
    if exc.errno == errno.ENAMETOOLONG:
        return "de naam is te lang"
    return exc.strerror or exc.__class__.__name__


def _is_file_name(text: str) -> bool:
    """Whether `text` names a file rather than holding JSON: a path that exists is a file (also
    '[w50].json'), else text that begins as JSON does ('{' or '[') is the JSON itself."""
    return os.path.exists(text) or not text.lstrip().startswith(("{", "["))


def _load_json(path_or_text: str | Path) -> Any:
    """JSON from a file path or from the text itself; unreadable input is a FormatError."""
    text: str
    if isinstance(path_or_text, Path) or _is_file_name(str(path_or_text)):
        name = _show(str(path_or_text))
        try:
            text = Path(path_or_text).read_text(encoding="utf-8")
        except UnicodeDecodeError:
            raise FormatError([FieldError("", str(path_or_text),
                                          f"invoer: bestand {name} is geen UTF-8-tekst")]) from None
        except OSError as exc:
            why = file_problem(exc)
            raise FormatError([FieldError("", str(path_or_text),
                                          f"invoer: bestand {name} kan niet gelezen worden ({why})")]) from None
    else:
        text = str(path_or_text)
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as exc:  # JSONDecodeError is a ValueError
        raise FormatError([FieldError("", None, f"invoer: geen geldige JSON ({json_problem(exc)})")]) from None


def load_problem(path_or_text: str | Path) -> Problem:
    """Read a problem from a JSON file path or from JSON text."""
    return read_problem(_load_json(path_or_text))


def _availability_to_dict(availability: dict[dt.date, tuple[Window, ...]]) -> dict[str, list]:
    return {day.isoformat(): [[format_time(s), format_time(e)] for s, e in windows]
            for day, windows in sorted(availability.items())}


def _ref_to_dict(ref: AssignmentRef) -> dict:
    return {"employee": ref.employee, "date": ref.date.isoformat(), "request": ref.request}


def problem_to_dict(problem: Problem) -> dict:
    """The problem in the interchange format, ready for json.dumps; read_problem inverts it.
    This package's optional fields (published_supervision, pinned_supervision,
    previous_supervision, min_rest_minutes, max_supervision_minutes) are written only when set,
    so a Problem without them writes the file it always did."""
    out = {
        "format": FORMAT,
        "week": problem.week,
        "timezone": problem.timezone,
        "days": [d.isoformat() for d in problem.days],
        "work_types": [{"id": w.id, "name": w.name} for w in problem.work_types],
        "locations": [{"id": l.id, "name": l.name, "region": l.region} for l in problem.locations],
        "teams": [{"id": t.id, "name": t.name, "region": t.region, "max_size": t.max_size}
                  for t in problem.teams],
        "supervisors": [{"id": s.id, "name": s.name, "team": s.team, "region": s.region,
                         "work_types": list(s.work_types),
                         "availability": _availability_to_dict(s.availability)}
                        for s in problem.supervisors],
        "employees": [{"id": e.id, "name": e.name, "team": e.team,
                       "contract_minutes": e.contract_minutes,
                       "max_minutes_per_day": e.max_minutes_per_day,
                       "work_types": list(e.work_types),
                       "locations": None if e.locations is None else list(e.locations),
                       "availability": _availability_to_dict(e.availability)}
                      for e in problem.employees],
        "requests": [{"id": q.id, "location": q.location, "work_type": q.work_type,
                      "days": [d.isoformat() for d in q.days], "start": format_time(q.start),
                      "end": format_time(q.end), "break_minutes": q.break_minutes,
                      "headcount": q.headcount, "priority": q.priority}
                     for q in problem.requests],
        "previous": [{"employee": p.employee, "weekday": p.weekday, "location": p.location,
                      "work_type": p.work_type} for p in problem.previous],
        "pinned": [_ref_to_dict(p) for p in problem.pinned],
        "published": [_ref_to_dict(p) for p in problem.published],
        "weights": dict(problem.weights),
    }
    if problem.min_rest_minutes:
        out["min_rest_minutes"] = problem.min_rest_minutes
    if problem.max_supervision_minutes:
        out["max_supervision_minutes"] = problem.max_supervision_minutes
    for key in ("published_supervision", "pinned_supervision"):
        rows = getattr(problem, key)
        if rows:
            out[key] = [{"supervisor": s.supervisor, "date": s.date.isoformat(), "location": s.location,
                         "team": s.team} for s in rows]
    if problem.previous_supervision:
        out["previous_supervision"] = [{"supervisor": p.supervisor, "weekday": p.weekday, "location": p.location,
                                        "team": p.team} for p in problem.previous_supervision]
    return out


def dump_problem(problem: Problem) -> str:
    return json.dumps(problem_to_dict(problem), ensure_ascii=False, indent=2)


def read_solution(data: Any, problem: Problem | None = None) -> Solution:
    """Validate parsed JSON and build a Solution; with a problem, ids must name its things."""
    r = _Reader()
    if not isinstance(data, dict):
        r.error("", data, f"een oplossing moet een JSON-object zijn, {_instead(data)}")
        raise FormatError(r.errors)

    present, tag = r.field(data, "format", "")
    if present and tag != SOLUTION_FORMAT:
        r.error("format", tag, f"onbekend formaat {_show(tag)}, verwacht '{SOLUTION_FORMAT}'")
    status = r.string(data, "status", "")
    if status is not None and status not in STATUSES:
        r.error("status", status, f"onbekende status {_show(status)}, verwacht een van {', '.join(STATUSES)}")

    def optional_int(key: str) -> int | None:
        if data.get(key) is None:
            return None
        return r.integer(data, key, "", minimum=-MAX_OBJECTIVE, maximum=MAX_OBJECTIVE)

    objective = optional_int("objective")
    best_bound = optional_int("best_bound")
    wall_seconds = 0.0
    if data.get("wall_seconds") is not None:
        value = data["wall_seconds"]
        seconds = None
        if not isinstance(value, bool) and isinstance(value, (int, float)):
            try:
                seconds = float(value)
            except OverflowError:  # a whole number too large for a float
                seconds = None
        if seconds is None or not math.isfinite(seconds) or seconds < 0:
            r.error("wall_seconds", value, f"moet een eindig, niet-negatief getal zijn, niet {_show(value)}")
        else:
            wall_seconds = seconds

    known: dict[str, set[str]] | None = None
    if problem is not None:
        known = {
            "employee": {e.id for e in problem.employees},
            "request": {q.id for q in problem.requests},
            "supervisor": {s.id for s in problem.supervisors},
            "location": {l.id for l in problem.locations},
            "team": {t.id for t in problem.teams},
        }
    names = {"employee": "medewerker", "request": "aanvraag", "supervisor": "teamleider",
             "location": "locatie", "team": "team"}

    def ident(obj: dict, key: str, path: str) -> str | None:
        value = r.string(obj, key, path)
        if value is not None and known is not None and value not in known[key]:
            r.error(r.at(path, key), value, f"{_unknown(names[key])} {_show(value)}")
            return None
        return value

    def day_of(obj: dict, path: str) -> dt.date | None:
        present, text = r.field(obj, "date", path)
        return r.date(text, f"{path}.date") if present else None

    def rows(key: str, build: Callable[[str, dict], Any], required: bool) -> list:
        out = []
        for path, obj in r.objects(data, key, required=required):
            item = build(path, obj)
            if item is not None:
                out.append(item)
        return out

    def assignment(path: str, obj: dict) -> AssignmentRef | None:
        values = (ident(obj, "employee", path), day_of(obj, path), ident(obj, "request", path))
        return None if None in values else AssignmentRef(*values)

    def supervision(path: str, obj: dict) -> SupervisionRef | None:
        values = (ident(obj, "supervisor", path), day_of(obj, path),
                  ident(obj, "location", path), ident(obj, "team", path))
        return None if None in values else SupervisionRef(*values)

    def shortfall(path: str, obj: dict) -> Shortfall | None:
        request = ident(obj, "request", path)
        day = day_of(obj, path)
        missing = r.integer(obj, "missing", path, maximum=MAX_HEADCOUNT)
        reasons: list[str] = []
        ok = True
        for i, reason in enumerate(r.list_of(obj, "reasons", path, required=False) or []):
            if not isinstance(reason, str):
                r.error(f"{path}.reasons[{i}]", reason, f"moet tekst zijn, {_instead(reason)}")
                ok = False
            else:
                reasons.append(reason)
        codes: list[Reason] = []
        for i, code in enumerate(r.list_of(obj, "reason_codes", path, required=False) or []):
            # Optional and informative only: an entry of the wrong shape is left out.
            if isinstance(code, dict) and isinstance(code.get("code"), str):
                params = tuple(sorted((k, v) for k, v in code.items()
                                      if k != "code" and isinstance(k, str) and isinstance(v, (str, int))
                                      and not isinstance(v, bool)))
                codes.append(Reason(code["code"], params))
        if None in (request, day, missing) or not ok:
            return None
        return Shortfall(request, day, missing, tuple(reasons), tuple(codes))

    assignments = rows("assignments", assignment, required=True)
    supervisions = rows("supervision", supervision, required=False)
    shortfalls = rows("shortfall", shortfall, required=False)
    conflicting = rows("conflicting_pins", assignment, required=False)

    if r.errors:
        raise FormatError(r.errors)
    return Solution(status=status, assignments=assignments, supervision=supervisions,
                    shortfall=shortfalls, objective=objective, best_bound=best_bound,
                    wall_seconds=wall_seconds, conflicting_pins=conflicting)


def load_solution(path_or_text: str | Path, problem: Problem | None = None) -> Solution:
    """Read a solution from a JSON file path or from JSON text."""
    return read_solution(_load_json(path_or_text), problem)


def _shortfall_to_dict(s: Shortfall) -> dict:
    out: dict[str, Any] = {"request": s.request, "date": s.date.isoformat(), "missing": s.missing,
                           "reasons": list(s.reasons)}
    if s.codes:  # an optional addition to the format: the reasons as codes and values
        out["reason_codes"] = [c.as_dict() for c in s.codes]
    return out


def solution_to_dict(solution: Solution) -> dict:
    """The solution in the interchange format; `conflicting_pins` only when there are any."""
    out: dict[str, Any] = {
        "format": SOLUTION_FORMAT,
        "status": solution.status,
        "objective": solution.objective,
        "best_bound": solution.best_bound,
        "wall_seconds": solution.wall_seconds,
        "assignments": [_ref_to_dict(a) for a in solution.assignments],
        "supervision": [{"supervisor": s.supervisor, "date": s.date.isoformat(),
                         "location": s.location, "team": s.team} for s in solution.supervision],
        "shortfall": [_shortfall_to_dict(s) for s in solution.shortfall],
    }
    if solution.conflicting_pins:
        out["conflicting_pins"] = [_ref_to_dict(p) for p in solution.conflicting_pins]
    return out


def dump_solution(solution: Solution) -> str:
    return json.dumps(solution_to_dict(solution), ensure_ascii=False, indent=2)
