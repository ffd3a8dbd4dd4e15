"""The all-or-nothing import: check every row, apply them in one transaction, or change nothing."""
from __future__ import annotations

import difflib
import hashlib
import json
import math
import re
from abc import ABC, abstractmethod
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Callable

from flask_babel import gettext as _
from markupsafe import Markup, escape
from sqlalchemy import func, insert, select
from sqlalchemy.exc import OperationalError, SQLAlchemyError

from .. import audit
from ..extensions import db
from ..formatting import marked_dutch
from ..models import AuditEvent, Location, Ministry, Team, WorkType, utcnow
from ..services.regions import has_location, with_region_meant
from . import values as v
from .reading import Table, normalise_header

INVALID = object()  # a cell that could not be read; its problem is already recorded
# Ends the detail of an audit row written by an import, beside the form's own facts.
IMPORT_MARK = "source=import"
ROWS_NAMED = 10  # rows a warning names; more are "…"
LISTED_ROWS = 200  # rows with problems, and other rows, a refused file's check lists
WORK_TYPE_COLUMNS = ("werksoorten", "werksoort")  # columns of work type codes
LOCATION_COLUMNS = ("locatie", "locaties", "thuislocatie")  # columns of location codes


@dataclass
class Column:
    """One column of a kind's spreadsheet: its Dutch header, whether it must be there, and help."""

    name: str
    description: Any  # lazy Dutch text
    required: bool = False
    example: Any = None
    aliases: tuple[str, ...] = ()
    # Words of the help that a file holds as they are, in Dutch in every language ("ma", "laag"):
    # a page in another language marks them lang="nl" (WCAG 3.1.2).
    values: tuple[str, ...] = ()
    # A column of text (names, codes, phone numbers, time slots): the .xlsx gives it the number
    # format Text, so that Excel keeps what is typed (0612345678 stays 0612345678). False for a
    # column of numbers, dates or times, which Excel may hold as such (the import reads them).
    text: bool = True


@dataclass
class Problem:
    """One reason the file cannot be imported; row 1 is the header row, 0 the whole file."""

    row: int
    column: str
    value: str
    message: str

    def __str__(self) -> str:
        template, params = self._template()
        return template % params if params else template

    def __html__(self) -> Markup:
        """On a page: the file's column name marked as Dutch on an English page (WCAG 3.1.2)."""
        template, params = self._template()
        if not params:
            return escape(template)
        return Markup(escape(template)) % {**params, "column": column_markup(self.column)}

    @property
    def sentence(self) -> str:
        """The message ending as a sentence: the import's own words are a clause ("'x' is geen
        getal"), a form's a sentence ("Kies minstens één werksoort."), and a list of both read as
        if some lines were cut short."""
        return self.message if self.message.endswith((".", "?", "!", "…")) else self.message + "."

    def _template(self) -> tuple[str, dict]:
        if self.row and self.column:
            return _("Rij %(row)d, kolom %(column)s: %(message)s"), dict(
                row=self.row, column=self.column, message=self.sentence)
        if self.row:
            return _("Rij %(row)d: %(message)s"), dict(row=self.row, message=self.sentence)
        return self.sentence, {}


def column_markup(column: str) -> Markup:
    """A column name of the file (always Dutch) for a page: lang="nl" when the page is not Dutch."""
    return escape(marked_dutch(column))


@dataclass
class RowResult:
    number: int
    cells: list[str]
    raw: dict[str, Any]
    action: str = ""  # create, update, unchanged; empty when the row has a problem
    problems: list[Problem] = field(default_factory=list)
    # What the user should know about this row but that does not stop it (a leader who still
    # leads shifts in the team they leave), in the words the form says it after a save.
    warnings: list[str] = field(default_factory=list)
    # How a cell was read where it could be read otherwise (11/02/2026 as 11 February), one Problem
    # each for its row and column; said on the check, never a refusal.
    readings: list[Problem] = field(default_factory=list)
    # For a changed row: the fields it changes, by the names the audit log gives them.
    changes: list[str] = field(default_factory=list)
    # For a changed row: the stored value of each column it changes ("" when empty), by column name.
    was: dict[str, str] = field(default_factory=dict)

    @property
    def changed_words(self) -> str:
        """'telefoon, naam jobcoach': what the row changes, as the audit log words it."""
        from ..admin.audit_details import FIELD_WORDS

        return ", ".join(str(FIELD_WORDS.get(name, name)) for name in self.changes)

    def refuse(self, column: str, message: str) -> None:
        value = v.display(self.raw.get(column)) if column else ""
        self.problems.append(Problem(self.number, column, value, message))


@dataclass
class Outcome:
    kind: str
    columns: list[str] = field(default_factory=list)  # the kind's columns that the file has, in order
    rows: list[RowResult] = field(default_factory=list)
    file_problems: list[Problem] = field(default_factory=list)

    @property
    def listed_rows(self) -> list[RowResult]:
        """The rows the check lists: the ones that change something, say something or are refused;
        a row that changes nothing is only counted. Of a refused file, the first LISTED_ROWS rows
        with problems and the first LISTED_ROWS others (the rest are counted: unlisted_rows): a file
        of 10,000 rows for a full team made a page of 5.5 MB of the same line."""
        rows = self._telling_rows()
        if self.ok:
            return rows  # what "Importeren" will do: all of it is shown before it is done
        refused = [row for row in rows if row.problems][:LISTED_ROWS]
        others = [row for row in rows if not row.problems][:LISTED_ROWS]
        return sorted(refused + others, key=lambda row: row.number)

    @property
    def unlisted_rows(self) -> tuple[int, int]:
        """(rows with problems, other rows) that the check would list but for its LISTED_ROWS."""
        if self.ok:
            return 0, 0
        refused = sum(1 for row in self.rows if row.problems)
        others = len(self._telling_rows()) - refused
        return max(refused - LISTED_ROWS, 0), max(others - LISTED_ROWS, 0)

    @property
    def quiet_rows(self) -> int:
        """The rows that change nothing and say nothing: counted, never listed."""
        return len(self.rows) - len(self._telling_rows())

    def _telling_rows(self) -> list[RowResult]:
        return [row for row in self.rows if not (row.action == "unchanged" and not row.warnings and not row.readings)]

    committed: bool = False
    sheet: str = ""  # the worksheet read, named when the workbook has more than one visible sheet
    # What the user should know but that does not stop the import (a region without locations),
    # the rows' own warnings first, each as "Rij 3: ...".
    warnings: list[str] = field(default_factory=list)
    # A row moves someone who still has shifts in the old team's rosters: as on the form, that
    # needs "Toch verplaatsen" (run's confirm_moves).
    asks_move: bool = False
    # What the rows do to stored data, as the check shows it (fingerprint()); set when every row is right.
    fingerprint: str = ""
    # run's `expect` differed: the rows would now do something the check did not show; nothing stored.
    changed_since_check: bool = False
    # The kind whose file this looks like, when its column names are another kind's (check_headers).
    other_kind: str = ""

    @property
    def problems(self) -> list[Problem]:
        return self.file_problems + [p for row in self.rows for p in row.problems]

    @property
    def ok(self) -> bool:
        return not self.problems

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)

    @property
    def sheet_read(self) -> str:
        """'Gelezen: werkblad ...', or empty when there was no sheet to choose."""
        return _("Gelezen: werkblad '%(sheet)s'.", sheet=self.sheet) if self.sheet else ""

    @property
    def sheet_note(self) -> str:
        """For a refusal: which sheet was read, and what to do when the data is on another one."""
        if not self.sheet:
            return ""
        return self.sheet_read + " " + _(
            "Staan de gegevens op een ander werkblad? Open dat werkblad, sla het bestand op en probeer het opnieuw.")

    @property
    def counts(self) -> dict[str, int]:
        return {action: self.count(action) for action in ("create", "update", "unchanged")}

    @property
    def summary(self) -> str:
        return summary_text(self.counts)


def summary_text(counts: dict[str, int]) -> str:
    """'2 nieuw, 0 gewijzigd, 1 ongewijzigd' from the number of rows per action."""
    return _(
        "%(created)d nieuw, %(updated)d gewijzigd, %(unchanged)d ongewijzigd",
        created=counts.get("create", 0), updated=counts.get("update", 0), unchanged=counts.get("unchanged", 0),
    )


class DatabaseBusy(Exception):
    """The database did not answer in time (locked by another write, a lost connection): no row's
    fault, nothing stored. The page says to try again in a moment."""


class RowRefused(Exception):
    """A row that may not be applied: the column it is about and a Dutch message, or (with
    `problems`) every (column, message) found at once, so a row is not refused one round at a time."""

    def __init__(self, column: str, message: str, *, problems: list[tuple[str, str]] | None = None):
        super().__init__(message)
        self.column = column
        self.message = message
        self.problems = problems or [(column, message)]

    @classmethod
    def every(cls, problems: list[tuple[str, str]]) -> "RowRefused":
        return cls(problems[0][0], problems[0][1], problems=problems)


class RowReader:
    """Reads a row's cells with the value parsers, collecting every problem instead of stopping."""

    def __init__(self, cells: dict[str, Any]):
        self.cells = cells
        self.errors: list[tuple[str, str]] = []
        # (column, message): how a cell was read that could be read otherwise (values.date_note).
        self.notes: list[tuple[str, str]] = []

    def has(self, column: str) -> bool:
        return column in self.cells

    def get(self, column: str, parser: Callable, *args, **kwargs):
        try:
            return parser(self.cells.get(column), *args, **kwargs)
        except v.CellError as error:
            self.errors.append((column, error.message))
            return INVALID

    def date(self, column: str, *, required: bool = True):
        """A date cell (values.date), with a note when its day and month could be swapped."""
        found = self.get(column, v.date, required=required)
        if found is not INVALID and found is not None:
            note = v.date_note(self.cells.get(column))
            if note:
                self.notes.append((column, note))
        return found

    def refuse(self, column: str, message: str) -> None:
        self.errors.append((column, message))

    def failed(self, column: str) -> bool:
        return any(c == column for c, _m in self.errors)

    @property
    def unread(self) -> set[str]:
        """The columns that could not be read: the checks that need them wait."""
        return {c for c, _m in self.errors}


class Context:
    """Lookups shared by the rows of one import, loaded once, and which row touched which object."""

    def __init__(self):
        self._teams: dict[str, Team] | None = None
        self._work_types: dict[str, WorkType] | None = None
        self._locations: dict[str, Location] | None = None
        self._ministries: dict[str, Ministry] | None = None
        # Per model: the active objects' codes by name and by code, for "Bedoel je ...?".
        self._meant: dict[Any, tuple[dict[str, str], dict[str, str]]] = {}
        self.touched: dict[tuple[str, int], int] = {}
        self.actor = None
        # What a kind's prepare() loaded for its rows; held here so the session keeps the objects.
        self.loaded: dict[str, Any] = {}
        # One audit entry per created or changed object, (action, object type, id, detail), kept
        # only when the import is to be committed; written in one statement with the summary.
        self.auditing = False
        self.audited: list[tuple[str, str, str, str]] = []
        # The regions that created or changed rows work in, with those rows' numbers: a region
        # without a location gets a warning, as on the team form.
        self.regions: dict[str, list[int]] = {}
        # "Toch verplaatsen" (run's confirm_moves): None asks (a preview), False refuses, True moves.
        self.confirm_moves: bool | None = None
        self.asks_move = False
        # (row, team leader, team left) for each row that moves a leader out of a team: the kind's
        # row_warnings say what that leaves behind, once every row is applied.
        self.moves: list[tuple[int, Any, Any]] = []
        # Warnings a row's apply found, by row number (said with the kinds' row_warnings).
        self.notes: dict[int, list[str]] = {}
        # The row being applied, and the fields each changed row changes (from its audit detail):
        # the check shows what a row changes, not only its new values.
        self.current_row = 0
        self.row_changes: dict[int, list[str]] = {}
        # The stored object's cells (as the export writes them) of each row that changes one.
        self.before_cells: dict[int, list] = {}

    @staticmethod
    def _load(model, attribute) -> dict:
        return {getattr(o, attribute).casefold(): o for o in db.session.scalars(select(model))}

    def team(self, name: str) -> Team | None:
        if self._teams is None:
            self._teams = self._load(Team, "name")
        return self._teams.get(name.casefold())

    def add_team(self, team: Team) -> None:
        self.team("")
        self._teams[team.name.casefold()] = team

    def work_type(self, code: str) -> WorkType | None:
        if self._work_types is None:
            self._work_types = self._load(WorkType, "code")
        return self._work_types.get(code.casefold())

    def location(self, code: str) -> Location | None:
        if self._locations is None:
            self._locations = self._load(Location, "code")
        return self._locations.get(code.casefold())

    def unknown_work_type(self, typed: str) -> str:
        """Why a work type code is refused, with the code meant when the value is a work type's name
        or a close typo of its code: the planner may not open the admin pages that list the codes."""
        return _("onbekende werksoort '%(value)s'", value=typed) + self._code_meant(
            typed, WorkType, lambda w: (w.name_nl, w.name_en))

    def unknown_location(self, typed: str) -> str:
        """As unknown_work_type, for a location ("Rijnstraat 8" is dh-rijnstraat)."""
        return _("onbekende locatie '%(value)s'", value=typed) + self._code_meant(typed, Location, lambda loc: (loc.name,))

    def _code_meant(self, typed: str, model, names: Callable) -> str:
        if model not in self._meant:
            by_name: dict[str, str] = {}
            by_code: dict[str, str] = {}
            for obj in db.session.scalars(select(model).where(model.archived.is_(False)).order_by(model.id)):
                by_code[obj.code.casefold()] = obj.code
                for name in names(obj):
                    if name:
                        by_name.setdefault(" ".join(name.split()).casefold(), obj.code)
            self._meant[model] = by_name, by_code
        by_name, by_code = self._meant[model]
        key = " ".join(typed.split()).casefold()
        if key in by_name:
            return ". " + _("Vul de code in: %(code)s.", code=by_name[key])
        close = difflib.get_close_matches(key, list(by_code) + list(by_name), n=1, cutoff=0.6)
        if close:
            return ". " + _("Bedoel je %(code)s?", code=by_code.get(close[0]) or by_name[close[0]])
        return ""

    def ministry(self, code: str) -> Ministry | None:
        if self._ministries is None:
            self._ministries = self._load(Ministry, "code")
        return self._ministries.get(code.casefold())

    def audit(self, action: str, obj, detail: str) -> None:
        """Note a change for the audit log, as the forms record it (the same action names and
        details: field names, never personal values) and marked as coming from an import.
        Call after the flush, so a new object has its id."""
        for token in detail.split():
            if token.startswith(("changed=", "fields=")):
                self.row_changes.setdefault(self.current_row, []).extend(
                    name for name in token.split("=", 1)[1].split(",") if name)
        if self.auditing:
            detail = f"{detail} {IMPORT_MARK}" if detail else IMPORT_MARK
            self.audited.append((action, type(obj).__name__, str(obj.id), detail))

    def remember(self, row: int, cells: list) -> None:
        """The object a row changes as it is stored, in the kind's export cells (before the change)."""
        self.before_cells[row] = cells

    def note_region(self, region: str, row: int) -> None:
        if region:
            self.regions.setdefault(region, []).append(row)

    def confirm_move(self, row: int, column: str, question: str) -> None:
        """A move the form asks "Toch verplaatsen" for (`question`: why, in the form's words): an
        import without that confirmation refuses the row; else the row says it."""
        self.asks_move = True
        if self.confirm_moves is False:
            raise RowRefused(column, question + " " + _(
                "Wil je toch verplaatsen? Kies dan 'Toch verplaatsen' bij het importeren."))
        self.notes.setdefault(row, []).append(question)

    def claim(self, obj, row: int, column: str) -> None:
        """Refuse a second row that changes an object an earlier row of the file already changes."""
        if obj is None or obj.id is None:
            return
        key = (type(obj).__name__, obj.id)
        earlier = self.touched.get(key)
        if earlier is not None and earlier != row:
            raise RowRefused(column, _("dit gaat over hetzelfde als rij %(row)d; elke rij mag maar één keer voorkomen",
                                   row=earlier))
        self.touched[key] = row


class Regions:
    """services.regions.known_region over the regions' spellings counted once for a whole file,
    kept up to date as its rows create teams and change their regions (asked of the database, it
    was two queries a row over a teams table the file makes longer)."""

    def __init__(self):
        self.counts: Counter = Counter()
        for model in (Location, Team):
            for region, n in db.session.execute(select(model.region, func.count(model.id)).group_by(model.region)):
                if region:
                    self.counts[region] += n

    def known_region(self, typed: str, *, keep: str | None = None, own: bool = False) -> str:
        """As known_region(typed, keep=keep); `own`: `keep` is the stored region of a team being
        edited, whose own spelling must not decide what the new one becomes (its team_id=)."""
        text = " ".join((typed or "").split())
        if not text or text == keep:
            return text

        def count(spelling: str) -> int:
            return self.counts[spelling] - (own and spelling == keep)

        if count(text) > 0:
            return text
        same = [spelling for spelling in self.counts
                if count(spelling) > 0 and " ".join(spelling.split()).casefold() == text.casefold()]
        if not same:
            return text
        return max(same, key=lambda spelling: (count(spelling), spelling))  # the most used spelling

    def moved(self, old: str | None, new: str) -> None:
        """A team of the file now works in `new` (before: in `old`, or nowhere: a new team)."""
        if old:
            self.counts[old] -= 1
        if new:
            self.counts[new] += 1


class Kind(ABC):
    """A kind of data that can be imported and exported; subclasses describe one each."""

    name = ""
    title: Any = ""
    # What a file of this kind holds, as "Dit lijkt een bestand met ..." says it (lazy Dutch text).
    content: Any = ""
    sheet_title = ""
    roles: tuple = ()
    columns: list[Column] = []

    @abstractmethod
    def parse(self, row: RowReader, ctx: Context) -> dict:
        """One row's values, checked; problems are added to the row reader."""

    def file_keys(self, record: dict) -> list[tuple[str, Any]]:
        """(column, key) pairs that must be unique within the file."""
        return []

    def repeated_in_file(self, column: str, value, row: int) -> str:
        """Why a row whose key in `column` an earlier row of the file has too is refused.

        A kind whose key is more than the one column's value says what the key is made of.
        """
        return _("'%(value)s' staat ook al in rij %(row)d", value=v.display(value), row=row)

    def no_location_warning(self, region: str, rows: list[int]) -> str:
        """What to say when rows of this kind work in a region without a location (teams and
        supervisors); empty for a kind that has no region."""
        return ""

    def check_unread(self, record: dict, unread: set[str], ctx: Context) -> list[tuple[str, str]]:
        """For a row with cells that could not be read: the problems apply would find in what
        could be read (the service's rules), so that every problem of a row is said at once. A
        check that needs an unread column waits for it."""
        return []

    def row_warnings(self, ctx: Context) -> dict[int, list[str]]:
        """After every row is applied (flushed, before the commit or the rollback): what to say
        per row that does not stop the import, as the form says it after a save."""
        return {}

    def prepare(self, records: list[dict], ctx: Context) -> None:
        """Load, before the first apply, what the rows to apply will look up (a few queries for the
        whole file instead of a few per row). The records are those of the rows without problems."""

    @abstractmethod
    def apply(self, record: dict, ctx: Context, row: int) -> str:
        """Create or update one object (flushed, not committed); returns create, update or unchanged."""

    @abstractmethod
    def export_rows(self) -> list[list]:
        """Every stored object as a row in the columns' order."""

    # The columns that hold each changed field, by the names the audit log gives the fields.
    change_columns: dict[str, tuple[str, ...]] = {}

    def was(self, changes: list[str], before: list, after: dict[str, str]) -> dict[str, str]:
        """For a changed row: the stored value of each column whose field it changes, where the
        row's cell says something else (`after`: the row's cells as shown, by column)."""
        stored = {column.name: cell for column, cell in zip(self.columns, before)}
        found: dict[str, str] = {}
        for change in changes:
            for column in self.change_columns.get(change, ()):
                if column in after and column in stored and not _same_cell(stored[column], after[column]):
                    text = " ".join(cell_text(stored[column]).split())
                    found[column] = text if len(text) <= WAS_LENGTH else text[:WAS_LENGTH - 1].rstrip() + "…"
        return found

    def example_row(self) -> list:
        """The template's example row; its work type codes are those of the database's work types
        in use (a fresh database has no 'keyboards'), else the fixed example."""
        row = [c.example for c in self.columns]
        for position, column in enumerate(self.columns):
            if column.name in WORK_TYPE_COLUMNS and column.example:
                codes = db.session.scalars(select(WorkType.code).where(WorkType.archived.is_(False))
                                           .order_by(WorkType.id).limit(len(v.codes(column.example)))).all()
                if codes:
                    row[position] = ",".join(codes)
        return row

    def code_lists(self) -> list[tuple[str, list[tuple[str, str]]]]:
        """The codes of the active locations and work types, with their names, for a kind whose
        columns take them: (heading, [(code, name)]). The import page and the template's help
        list them, as a planner may not open the admin pages that show them."""
        from ..services.admin import work_type_name

        names = {c.name for c in self.columns}
        lists = []
        if names & set(LOCATION_COLUMNS):
            locations = db.session.scalars(select(Location).where(Location.archived.is_(False))
                                           .order_by(Location.region, Location.code))
            lists.append((_("Codes van de locaties"),
                          [(loc.code, f"{loc.name} ({loc.region})" if loc.region else loc.name) for loc in locations]))
        if names & set(WORK_TYPE_COLUMNS):
            work_types = db.session.scalars(select(WorkType).where(WorkType.archived.is_(False))
                                            .order_by(WorkType.code))
            lists.append((_("Codes van de werksoorten"), [(w.code, work_type_name(w)) for w in work_types]))
        return lists

    # -- helpers shared by the kinds --

    def resolve_codes(self, row: RowReader, column: str, lookup: Callable, unknown: Callable[[str], str]) -> list:
        found = []
        codes = row.get(column, v.codes)
        if codes is INVALID:
            return INVALID
        for code in codes:
            obj = lookup(code)
            if obj is None:
                row.refuse(column, unknown(code))
                return INVALID
            found.append(obj)
        return found

    def read_pattern(self, row: RowReader) -> dict[int, list[tuple[int, int]]]:
        """The weekly pattern from the day columns that are present: {weekday: [(start, end)]}."""
        pattern = {}
        for weekday, column in enumerate(v.WEEKDAY_COLUMNS, start=1):
            if row.has(column):
                slots = row.get(column, v.windows)
                if slots is not INVALID:
                    pattern[weekday] = slots
        return pattern


def pattern_of(owner) -> dict[int, list[tuple[int, int]]]:
    pattern: dict[int, list[tuple[int, int]]] = {d: [] for d in range(1, 8)}
    for slot in owner.availability:
        pattern.setdefault(slot.weekday, []).append((slot.start_minute, slot.end_minute))
    return {d: sorted(s) for d, s in pattern.items()}


def merged_slots(owner, pattern: dict[int, list[tuple[int, int]]]) -> list[tuple[int, int, int]]:
    """The weekly pattern after the import, as the services take it: (weekday, start, end)."""
    current = pattern_of(owner) if owner is not None else {}
    return [(d, s, e) for d in range(1, 8) for s, e in pattern.get(d, current.get(d, []))]


def pattern_changes(owner, pattern: dict[int, list[tuple[int, int]]]) -> list[int]:
    current = pattern_of(owner) if owner is not None else {d: [] for d in range(1, 8)}
    return [d for d, slots in pattern.items() if current.get(d, []) != slots]


def set_pattern(owner, pattern: dict[int, list[tuple[int, int]]], slot_factory: Callable) -> None:
    """Replace the windows of the weekdays in `pattern`; other days keep theirs."""
    for slot in [s for s in owner.availability if s.weekday in pattern]:
        owner.availability.remove(slot)
    for weekday, slots in sorted(pattern.items()):
        for start, end in slots:
            owner.availability.append(slot_factory(weekday=weekday, start_minute=start, end_minute=end))


def pattern_cells(owner) -> list[str]:
    pattern = pattern_of(owner)
    return [v.windows_text(pattern.get(d, [])) for d in range(1, 8)]


WAS_LENGTH = 80  # characters of a stored text shown beside its new value; a longer one is cut with "…"


def cell_text(value) -> str:
    """A stored value as an exported cell shows it (Dutch decimals, dates as 2026-12-07)."""
    return v.display(value)


_LEADING_ZERO = re.compile(r"(?<![\d:])0(\d:)")


def _same_cell(stored, typed: str) -> bool:
    """Whether a typed cell says what the stored value does, as far as text can tell: 8:30 is
    08:30, 25.5 is 25,5 and a list of codes in another order is the same list."""
    def parts(text: str) -> list[str]:
        text = _LEADING_ZERO.sub(r"\1", text.casefold())
        return sorted(re.sub(r"\s+", "", part).replace(".", ",") for part in text.split(",") if part.strip())

    return parts(cell_text(stored)) == parts(typed)


def _same_example(example, cell) -> bool:
    """Whether a file's cell says what the template's example cell does, as a spreadsheet may have
    rewritten it: 8:30 for 08:30, 25.5 for 25,5, a date or time cell for the text."""
    typed = v.display(cell)
    if _same_cell(example, typed):
        return True
    if not typed[:1].isdigit():  # no date, time or number (a name, most often: said at once)
        return False
    for parser in (v.date, v.time_of_day, _any_number):
        try:
            if parser(example) == parser(cell):
                return True
        except v.CellError:
            continue
    return False


def _any_number(value) -> float | None:
    return v.number(value, low=-math.inf, high=math.inf)


def example_matcher(kind: "Kind") -> Callable[[dict], bool]:
    """Whether a row's cells (by column name, the file's columns only) are the template's example
    row: every column the example fills is in the file and says the same, and every other column
    of the file is empty. The example's work types are those of the template as it is downloaded
    now, or the fixed ones of a template downloaded before there were work types."""
    candidates = list(zip(kind.example_row(), [c.example for c in kind.columns]))

    def matches(raw: dict) -> bool:
        for column, values in zip(kind.columns, candidates):
            filled = [value for value in values if v.display(value)]
            if not filled:
                if v.display(raw.get(column.name)):
                    return False
            elif column.name not in raw or not any(_same_example(value, raw[column.name]) for value in filled):
                return False
        return True

    return matches


def example_refusal() -> str:
    """Why the template's example row is refused: imported, it made "Sanne de Vries" a real
    employee and "Peter Jansen" a second team leader of Team Den Haag 1 (QA)."""
    return _("dit is de voorbeeldrij uit het sjabloon, geen echte gegevens. Haal deze rij uit het bestand en "
             "upload het opnieuw.")


def rows_text(rows: list[int]) -> str:
    """'2, 5, 7', or the first ROWS_NAMED and '…'."""
    return ", ".join(map(str, rows[:ROWS_NAMED])) + (", …" if len(rows) > ROWS_NAMED else "")


def _region_warnings(kind: Kind, ctx: Context) -> list[str]:
    """The team form's warning, per region the file's new or changed rows work in that has no
    location (not archived) yet: one query per region, and a file names only a few. Such a region
    is most often a typo, so the warning ends as the form's does: "Bedoel je Den Haag?" with the
    region with a location spelled most like it (services.regions.with_region_meant, the form's
    own rule and words)."""
    return [with_region_meant(kind.no_location_warning(region, rows), region, among=Location)
            for region, rows in sorted(ctx.regions.items()) if not has_location(region)]


def _write_audit(kind: Kind, outcome: Outcome, ctx: Context, actor) -> None:
    """The summary row (as before) and a row per created or changed object, in one statement:
    a file of 10,000 rows must not cost 10,000 inserts nor 10,000 log lines."""
    now = utcnow()
    summary = audit.record(
        f"import_{kind.name}", None, actor=actor,
        detail=f"created={outcome.count('create')} updated={outcome.count('update')} "
               f"unchanged={outcome.count('unchanged')}",
    )
    summary.at = now
    if ctx.audited:
        db.session.execute(insert(AuditEvent), [
            {"at": now, "actor_id": summary.actor_id, "actor_email": summary.actor_email, "action": action,
             "object_type": object_type, "object_id": object_id, "result": "ok", "origin": summary.origin,
             "detail": detail[:2000]}
            for action, object_type, object_id, detail in ctx.audited
        ])


def fingerprint(kind: Kind, outcome: Outcome, ctx: Context) -> str:
    """One hash of what the import does to stored data, as its check shows it: per row that creates
    or changes something, what it does, the fields it changes and the changed object's stored cells
    in the file's columns. A colleague's change since the check to a record the file changes, or that
    makes an unchanged row change, gives another hash; a change to anything else does not."""
    positions = [i for i, column in enumerate(kind.columns) if column.name in outcome.columns]
    rows = []
    for result in outcome.rows:
        if result.action not in ("create", "update"):
            continue
        before = ctx.before_cells.get(result.number)
        stored = None if before is None else [cell_text(before[i]) if i < len(before) else "" for i in positions]
        rows.append([result.number, result.action, sorted(result.changes), stored])
    return hashlib.sha256(json.dumps(rows, ensure_ascii=False).encode("utf-8")).hexdigest()


def _beyond_the_header(cells: list, width: int) -> str:
    """Why a row with something written right of the last column name cannot be read, or ''."""
    for position in range(width, len(cells)):
        if v.display(cells[position]):
            return _("in kolom %(n)d staat '%(value)s', maar die kolom heeft geen naam. Staat er een puntkomma of "
                     "komma in een tekst? Zet die tekst dan tussen aanhalingstekens, of gebruik het sjabloon.",
                     n=position + 1, value=v.display(cells[position])[:80])
    return ""


def _column_names(kind: Kind) -> dict[str, str]:
    """A kind's column names and their aliases, each to the column's name."""
    names = {c.name: c.name for c in kind.columns}
    for column in kind.columns:
        for alias in column.aliases:
            names[alias] = column.name
    return names


def check_headers(kind: Kind, table: Table, outcome: Outcome) -> dict[str, int]:
    """Map each known column to its position; unknown, missing or doubled columns are problems."""
    headers = table.headers
    names = _column_names(kind)
    index: dict[str, int] = {}
    problems: list[Problem] = []
    unknown = False
    for position, header in enumerate(headers):
        key = normalise_header(header)
        if not key:
            # A column without a name is only a problem when something is written in it.
            if any(position < len(cells) and v.display(cells[position]) for _n, cells in table.rows):
                problems.append(Problem(1, "", "", _(
                    "kolom %(n)d heeft geen naam; geef hem een naam uit het sjabloon of maak hem leeg",
                    n=position + 1)))
            continue
        name = names.get(key)
        if name is None:
            unknown = True
            problems.append(Problem(1, str(header), str(header), _(
                "deze kolom kennen we niet. Gebruik de kolomnamen uit het sjabloon.")))
        elif name in index:
            problems.append(Problem(1, str(header), str(header), _("deze kolom staat er twee keer in")))
        else:
            index[name] = position
    for column in kind.columns:
        if column.required and column.name not in index:
            problems.append(Problem(1, column.name, "", _("deze kolom ontbreekt; hij is verplicht")))
    other = _kind_of_headers(kind, headers) if unknown else None
    if other is not None:
        # The file of another kind (the employees file on the teams page): one line that says so,
        # not twenty about its columns.
        outcome.other_kind = other.name
        problems = [Problem(0, "", "", _("Dit lijkt een bestand met %(content)s. Upload het bij %(title)s.",
                                         content=other.content, title=other.title))]
    outcome.file_problems += problems
    return index


def _kind_of_headers(kind: Kind, headers: list[str]) -> Kind | None:
    """The other kind whose file this is: more than half of its required columns are there, it
    knows more than half of the column names (two at least: "naam" alone is no kind's file) and
    more of them than `kind` does (the most of them, of two that would)."""
    from .kinds import KIND_BY_NAME  # the kinds import this module

    keys = {normalise_header(header) for header in headers} - {""}

    def known(some: Kind) -> set[str]:
        names = _column_names(some)
        return {names[key] for key in keys if key in names}

    best, most = None, len(known(kind))
    for other in KIND_BY_NAME.values():
        if other.name == kind.name:
            continue
        found = known(other)
        required = {c.name for c in other.columns if c.required}
        if 2 * len(required & found) > len(required) and 2 * len(found) > len(keys) and len(found) > max(most, 1):
            best, most = other, len(found)
    return best


def run(kind: Kind, table: Table, *, commit: bool, actor=None, confirm_moves: bool | None = None,
        expect: str | None = None) -> Outcome:
    """Check the whole file and apply it in one transaction; commit only when every row is right.

    With commit=False (a preview or a dry run) the rows are applied to find the problems that
    depend on the database and on earlier rows (a full team), and then rolled back.
    `confirm_moves` is the form's "Toch verplaatsen" for a move that leaves shifts in the old
    team's rosters: None (a preview) says so per row, False refuses such a row, True moves.
    `expect` is the fingerprint of the check the user confirms: when the rows would now do
    something else (someone changed those records since), nothing is committed and the outcome's
    `changed_since_check` says so. Compared in the import's own transaction, before its commit.
    """
    outcome = Outcome(kind=kind.name, sheet=table.sheet)
    index = check_headers(kind, table, outcome)
    if outcome.file_problems:
        return outcome
    if not table.rows:
        outcome.file_problems.append(Problem(0, "", "", _("Het bestand heeft geen rijen met gegevens.")))
        return outcome

    outcome.columns = [c.name for c in kind.columns if c.name in index]
    ctx = Context()
    ctx.actor = actor
    ctx.auditing = commit
    ctx.confirm_moves = confirm_moves
    parsed: list[tuple[RowResult, dict]] = []
    first_seen: dict[tuple[str, Any], int] = {}
    # The template's example row, left above the user's own rows: refused when it would create or
    # change something (a stored record that happens to equal it, as in an export, stays unchanged).
    is_example = example_matcher(kind)
    examples: set[int] = set()
    try:
        for number, cells in table.rows:
            raw = {name: (cells[i] if i < len(cells) else None) for name, i in index.items()}
            result = RowResult(number, [v.display(raw.get(name)) for name in outcome.columns], raw)
            if is_example(raw):
                examples.add(number)
            reader = RowReader(raw)
            record = kind.parse(reader, ctx)
            for column, message in reader.errors:
                result.refuse(column, message)
            result.readings = [Problem(number, column, v.display(raw.get(column)), message)
                               for column, message in reader.notes]
            extra = _beyond_the_header(cells, len(table.headers))
            if extra:
                # A text with a separator in it, not quoted: its end went into a column of no name
                # and would be lost without a word (a cancel reason cut short at its ";").
                result.refuse("", extra)
            if reader.errors:
                for column, message in kind.check_unread(record, reader.unread, ctx):
                    result.refuse(column, message)
            if not reader.errors:
                for column, key in kind.file_keys(record):
                    if key is None:
                        continue
                    earlier = first_seen.setdefault((column, key), number)
                    if earlier != number:
                        result.refuse(column, kind.repeated_in_file(column, raw.get(column), earlier))
            if number in examples and result.problems:
                # Said as what it is, not as its example team or work type unknown here.
                _refuse_example(result)
            outcome.rows.append(result)
            parsed.append((result, record))

        kind.prepare([record for result, record in parsed if not result.problems], ctx)
        for result, record in parsed:
            if result.problems:
                continue
            try:
                ctx.current_row = result.number
                result.action = kind.apply(record, ctx, result.number)
                result.changes = ctx.row_changes.get(result.number, []) if result.action == "update" else []
                if result.changes and result.number in ctx.before_cells:
                    result.was = kind.was(result.changes, ctx.before_cells[result.number],
                                          dict(zip(outcome.columns, result.cells)))
            except RowRefused as refusal:
                for column, message in refusal.problems:
                    result.refuse(column, message)
                if result.number in examples:
                    _refuse_example(result)
            except OperationalError as exc:
                # Locked by another write for longer than its timeout, or a connection lost: no
                # fault of this row (said so: a QA pass read "row 19 refused" of a good file).
                db.session.rollback()
                raise DatabaseBusy() from exc
            except SQLAlchemyError:
                # The checks above should make this impossible; if the database still refuses,
                # the transaction is gone, so stop here and keep nothing.
                db.session.rollback()
                result.refuse("", _("de database weigerde deze rij; er is niets opgeslagen"))
                return outcome
            if result.number in examples and result.action in ("create", "update"):
                _refuse_example(result)

        outcome.asks_move = ctx.asks_move
        if outcome.ok:
            by_row = kind.row_warnings(ctx)
            for result in outcome.rows:
                outcome.warnings += [str(reading) for reading in result.readings]
                result.warnings = ctx.notes.get(result.number, []) + by_row.get(result.number, [])
                # Before anything is stored (the check, a dry run), said as what importing will leave.
                outcome.warnings += [_("Rij %(row)d: %(message)s", row=result.number, message=warning) if commit else
                                     _("Rij %(row)d, na het importeren: %(message)s", row=result.number,
                                       message=warning) for warning in result.warnings]
            outcome.warnings += _region_warnings(kind, ctx)
            outcome.fingerprint = fingerprint(kind, outcome, ctx)
            outcome.changed_since_check = expect is not None and outcome.fingerprint != expect
        if outcome.ok and commit and not outcome.changed_since_check:
            _write_audit(kind, outcome, ctx, actor)
            db.session.commit()
            outcome.committed = True
        else:
            db.session.rollback()
    except BaseException:
        db.session.rollback()
        raise
    return outcome


def _refuse_example(result: RowResult) -> None:
    """The template's example row refused with one problem that says so, instead of what else it
    would do or what else is wrong with it."""
    result.problems = []
    result.action = ""
    result.changes = []
    result.was = {}
    result.refuse("", example_refusal())
