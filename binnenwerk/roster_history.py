"""Roster history lines, stored as a message key with values and worded in the reader's language.

A sentence stored in the language of whoever made the change would show a Dutch planner English
history, so RosterChange keeps a key from MESSAGES and its values, and the page words them for
whoever reads it. The msgids are the Dutch wording, so the English catalog translates them like
every other text. `detail` gets the Dutch wording too: rows from before the keys have only that,
and it keeps a downgrade of the migration from losing lines.

Values are the names people know (an employee's name, a place, a work type) plus the employee's
id, so anonymisation can find the lines about that person. Never the kind of an absence or any
other health data: `record` refuses a value its message does not show.
"""
from __future__ import annotations

import datetime as dt
import re
from typing import Callable, NamedTuple

from flask_babel import force_locale, get_locale, gettext, ngettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select

from .extensions import db
from .formatting import full_date
from .models import DeploymentRequest, Roster, RosterChange


class Counted(NamedTuple):
    """A message with a count in it: `word(values)` words it for that count (ngettext: "1 dienst",
    "2 diensten"); `shows` are the values it shows; `may_show` those it shows only when given."""
    word: Callable[[dict], str]
    shows: frozenset[str]
    may_show: frozenset[str] = frozenset()


# A plan's line: how many shifts, how many changed and, when given ("l"), at how many places and
# days another team leader leads than before (a repair that only changes leaders has a line too).
LEADERS_CHANGED = "l"


def _leaders(values: dict) -> str:
    return ngettext("teamleider %(num)d keer veranderd", "teamleider %(num)d keer veranderd",
                    values[LEADERS_CHANGED])


def _planned(values: dict) -> str:
    if values.get(LEADERS_CHANGED):
        return ngettext("%(n)d dienst gepland, %(c)d gewijzigd, %(leaders)s.",
                        "%(n)d diensten gepland, %(c)d gewijzigd, %(leaders)s.", values["n"],
                        leaders=_leaders(values), **values)
    return ngettext("%(n)d dienst gepland, %(c)d gewijzigd.", "%(n)d diensten gepland, %(c)d gewijzigd.",
                    values["n"], **values)


def _repaired(values: dict) -> str:
    if values.get(LEADERS_CHANGED):
        return ngettext("Gerepareerd vanaf %(day)s: %(n)d dienst gepland, %(c)d gewijzigd, %(leaders)s.",
                        "Gerepareerd vanaf %(day)s: %(n)d diensten gepland, %(c)d gewijzigd, %(leaders)s.",
                        values["n"], leaders=_leaders(values), **values)
    return ngettext("Gerepareerd vanaf %(day)s: %(n)d dienst gepland, %(c)d gewijzigd.",
                    "Gerepareerd vanaf %(day)s: %(n)d diensten gepland, %(c)d gewijzigd.", values["n"], **values)


def _imported(values: dict) -> str:
    if values.get(LEADERS_CHANGED):
        return ngettext("Geïmporteerd uit %(file)s: %(n)d dienst gepland, %(c)d gewijzigd, %(leaders)s.",
                        "Geïmporteerd uit %(file)s: %(n)d diensten gepland, %(c)d gewijzigd, %(leaders)s.",
                        values["n"], leaders=_leaders(values), **values)
    return ngettext("Geïmporteerd uit %(file)s: %(n)d dienst gepland, %(c)d gewijzigd.",
                    "Geïmporteerd uit %(file)s: %(n)d diensten gepland, %(c)d gewijzigd.", values["n"], **values)


def _copied(values: dict) -> str:
    copied = ngettext("%(num)d dienst van vorige week overgenomen", "%(num)d diensten van vorige week overgenomen",
                      values["n"])
    return ngettext("%(copied)s, %(num)d paste niet.", "%(copied)s, %(num)d pasten niet.", values["s"], copied=copied)


MESSAGES = {
    "planned": Counted(_planned, frozenset({"n", "c"}), frozenset({LEADERS_CHANGED})),
    "repaired": Counted(_repaired, frozenset({"day", "n", "c"}), frozenset({LEADERS_CHANGED})),
    "imported": Counted(_imported, frozenset({"file", "n", "c"}), frozenset({LEADERS_CHANGED})),
    "edit": _l("%(name)s, %(day)s: %(old)s wordt %(new)s"),
    "edit_pinned": _l("%(name)s, %(day)s: %(old)s wordt %(new)s (vastgezet)"),
    "pin": _l("%(name)s, %(day)s vastgezet"),
    "leader": _l("%(place)s, %(day)s: teamleider %(old)s wordt %(new)s"),
    "leader_pinned": _l("%(place)s, %(day)s: teamleider %(old)s wordt %(new)s (vastgezet)"),
    "leader_pin": _l("%(place)s, %(day)s: teamleider %(name)s vastgezet"),
    "leader_unpin": _l("%(place)s, %(day)s: teamleider %(name)s losgemaakt"),
    "unpin": _l("%(name)s, %(day)s losgemaakt"),
    "copy": Counted(_copied, frozenset({"n", "s"})),
    "publish": _l("Versie %(v)d gepubliceerd: %(new)d nieuw, %(changed)d gewijzigd, %(cancelled)d vervallen."),
    "absence": _l("%(name)s is afwezig op %(day)s en staat ingeroosterd. Pas het rooster aan."),
    "leader_absence": _l("Teamleider %(name)s is afwezig op %(day)s en leidt dan het team. Repareer het rooster: "
                         "is er een invaller vrij, dan komt die."),
    # An absence deleted, shortened or moved: the answer to its line above (services.absences._note_clashes).
    "absence_taken_back": _l("%(name)s is op %(day)s toch niet afwezig. De dienst kan blijven staan."),
    "leader_absence_taken_back": _l("De teamleider is op %(day)s toch niet afwezig en kan het team leiden."),
    "leader_archived": _l("Teamleider %(name)s is gearchiveerd, maar leidt het team op %(day)s. Repareer het "
                          "rooster, zodat er een andere teamleider komt."),
    "unavailable": _l("De vaste werktijden van %(name)s zijn veranderd: de dienst op %(day)s valt erbuiten. "
                      "Pas het rooster aan."),
    "contract_ended": _l("Het contract van %(name)s loopt af voor %(day)s, maar er staat een dienst. "
                         "Pas het rooster aan."),
    "contract_not_started": _l("Het contract van %(name)s begint pas na %(day)s, maar er staat een dienst. "
                               "Pas het rooster aan."),
    # Shifts that no longer fit beyond the working hours and the contract's dates
    # (services.rosters.mark_unworkable_shifts, mark_shifts_outside_region).
    "moved_team": _l("%(name)s zit nu in %(team)s, maar staat op %(day)s nog in dit rooster. Haal de dienst "
                     "weg of repareer het rooster."),
    "work_type_dropped": _l("De werksoorten van %(name)s zijn veranderd: het werk van de dienst op %(day)s hoort "
                            "er niet meer bij. Pas het rooster aan."),
    "location_dropped": _l("De locaties van %(name)s zijn veranderd: de plek van de dienst op %(day)s hoort er "
                           "niet meer bij. Pas het rooster aan."),
    "over_contract": _l("De contracturen van %(name)s zijn verlaagd: in week %(week)s staat meer werk ingepland "
                        "dan het contract. Pas het rooster aan."),
    "over_day_limit": _l("%(name)s mag nu minder uren per dag werken: de dienst op %(day)s is langer. "
                         "Pas het rooster aan."),
    "outside_region": _l("De plek van de dienst van %(name)s op %(day)s ligt niet meer in de regio van het team. "
                         "Repareer het rooster of pas de dienst aan."),
}

# Not shown, but stored with a line that names someone: how anonymisation finds it.
EMPLOYEE = "employee"
# The line a solution written by apply_solution gets, by its action (else "planned").
PLANNED_BY_ACTION = {"repair": "repaired", "import": "imported"}
# Messages whose old/new are what a cell held (see shift()); publish's "new" is a count.
_WITH_SHIFTS = {"edit", "edit_pinned"}
_PLACEHOLDER = re.compile(r"%\((\w+)\)")


def placeholders(message: str) -> set[str]:
    """The values a message shows (the same in every language: the catalog test checks that)."""
    text = MESSAGES[message]
    return set(text.shows) if isinstance(text, Counted) else set(_PLACEHOLDER.findall(str(text)))


def optional_values(message: str) -> set[str]:
    """The values a message shows only when it is given them (Counted.may_show)."""
    text = MESSAGES[message]
    return set(text.may_show) if isinstance(text, Counted) else set()


def shift(request: DeploymentRequest | None) -> dict | None:
    """What a cell held, as a value for 'old'/'new': None is a day off."""
    if request is None:
        return None
    return {"work_nl": request.work_type.name_nl, "work_en": request.work_type.name_en,
            "place": request.location.name}


def record(roster: Roster, user, action: str, message: str, *, reason: str = "", **params) -> RosterChange:
    """Add a history line to the session (the caller commits)."""
    shown = placeholders(message)
    if not shown <= set(params) <= shown | optional_values(message) | {EMPLOYEE}:
        raise ValueError(f"history line {message!r} takes {sorted(shown)} (and {EMPLOYEE!r}, "
                         f"{sorted(optional_values(message))}), got {sorted(params)}")
    params = {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in params.items()}
    with force_locale("nl"):
        detail = _word(message, params)
    change = RosterChange(roster_id=roster.id, user_id=getattr(user, "id", None), action=action,
                          message=message, params=params, detail=detail, reason=(reason or "")[:2000])
    db.session.add(change)
    return change


def wording(change: RosterChange) -> str:
    """The line in the reader's language; a row without a known key shows its stored text."""
    if change.message not in MESSAGES or not isinstance(change.params, dict):
        return change.detail
    try:
        return _word(change.message, change.params)
    except (KeyError, TypeError, ValueError):  # values a later version wrote differently
        return change.detail


def erase_name(employee_id: int, old_name: str, new_name: str) -> None:
    """Put `new_name` where the lines name this employee: in their values and in their text; and
    drop the reasons typed on lines about them ("Gijs heeft fysiotherapie"): free text that may
    call them by first name and say why, which no name replacement can find."""
    for change in db.session.scalars(select(RosterChange).where(
            RosterChange.params[EMPLOYEE].as_integer() == employee_id)):
        change.params = {**change.params, "name": new_name}  # a new dict: the JSON column sees the change
        change.reason = ""
    # Older lines are text only ("Anna de Vries is afwezig op ..."); newer ones have it in detail too.
    for change in db.session.scalars(select(RosterChange).where(
            or_(RosterChange.detail.contains(old_name, autoescape=True),
                RosterChange.reason.contains(old_name, autoescape=True)))):
        change.detail = change.detail.replace(old_name, new_name)
        if old_name in change.reason:
            change.reason = ""


def lines_about(employee_id: int) -> list[RosterChange]:
    """The roster history's lines about one employee (their values name them), oldest first."""
    return list(db.session.scalars(select(RosterChange).where(
        RosterChange.params[EMPLOYEE].as_integer() == employee_id).order_by(RosterChange.at, RosterChange.id)))


def _word(message: str, params: dict) -> str:
    values = dict(params)
    if "day" in values:
        values["day"] = full_date(dt.date.fromisoformat(values["day"]))
    if message in _WITH_SHIFTS:
        values["old"], values["new"] = _shift_label(values["old"]), _shift_label(values["new"])
    text = MESSAGES[message]
    return text.word(values) if isinstance(text, Counted) else str(text) % values


def _shift_label(value: dict | None) -> str:
    if value is None:
        return gettext("vrij")
    work = value["work_en"] if str(get_locale()) == "en" else value["work_nl"]
    return f"{work} {value['place']}"
