"""The audit log's detail column in the reader's language: the log stores short English facts."""
from __future__ import annotations

import datetime as dt
import re

from flask_babel import gettext, ngettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..auth.routes import ROLE_LABELS
from ..extensions import db
from ..formatting import ascii_digits, dated
from ..models import AuditEvent, Location, Ministry, Team, WorkType
from ..services.admin import DELETED_MARK, deleted_label, pictogram_label, work_type_name
from ..services.requests import BEFORE_MARK, priority_label, status_label

# Whole details of a fixed form (reasons of refusals, sessions ended, account changes).
PHRASES = {
    "session lifetime reached": _l("sessie verlopen na de maximale duur"),
    "idle timeout": _l("sessie verlopen door geen activiteit"),
    "account locked": _l("account geblokkeerd"),
    "unknown account": _l("onbekend account"),
    "inactive account": _l("account gedeactiveerd"),
    "wrong password": _l("verkeerd wachtwoord"),
    "wrong current password": _l("verkeerd huidig wachtwoord"),
    "wrong MFA code": _l("verkeerde code van de authenticator-app"),
    "wrong code": _l("verkeerde code"),
    "required for role": _l("verplicht voor deze rol"),
    "own admin role": _l("eigen beheerdersrol"),
    "own account": _l("eigen account"),
    "last active admin": _l("laatste actieve beheerder"),
    "last active planner": _l("laatste actieve planner"),
    "with its ministry": _l("samen met het ministerie"),
    "again after a restore": _l("opnieuw, na het terugzetten van een back-up"),
    "with its ministry, by a database upgrade": _l("samen met het ministerie, bij een update van de database"),
    "temporary password set": _l("tijdelijk wachtwoord gegeven"),
    "change required": _l("moet het wachtwoord veranderen"),
    "MFA reset": _l("tweestapsverificatie uitgezet"),
    "from the command line": _l("via de opdrachtregel"),
    "demo": _l("demo"),
}


def _locked_for(found: re.Match) -> str:
    """How long an account is locked, as a str(timedelta) ('0:15:00') in words: '15 minuten'."""
    hours, minutes = int(found["h"]), int(found["m"])
    if minutes == 0 and hours:
        period = ngettext("%(num)d uur", "%(num)d uur", hours)
    else:
        period = ngettext("%(num)d minuut", "%(num)d minuten", hours * 60 + minutes)
    return gettext("geblokkeerd voor %(period)s", period=period)


def _new_account(found: re.Match) -> str:
    return gettext("e-mailadres %(email)s, rol %(role)s", email=found["email"],
                   role=ROLE_LABELS.get(found["role"], found["role"]))


# The same with a value in it: (pattern, words with the pattern's groups, or a function of the
# match that words it). An e-mail address is one word: what follows it is another fact.
PATTERNS = [
    (re.compile(r"email=(?P<email>\S*)"), _l("e-mailadres %(email)s")),
    (re.compile(r"email=(?P<email>\S*) role=(?P<role>\S+)"), _new_account),  # services/admin.py: a new user
    (re.compile(r"(?P<n>\d+) failed attempts"), _l("%(n)s mislukte pogingen")),
    (re.compile(r"locked for (?P<h>\d+):(?P<m>\d\d):\d\d"), _locked_for),
    (re.compile(r"account locked after wrong current passwords"),
     _l("account geblokkeerd na verkeerde wachtwoorden")),
    (re.compile(r"account locked after wrong MFA codes"), _l("account geblokkeerd na verkeerde codes")),
    (re.compile(r"calendar links revoked: (?P<n>\d+)"), _l("agenda-links ingetrokken: %(n)s")),
]

# The names in key=value facts.
FIRST_DAY_WORD = _l("vanaf")
KEY_WORDS = {
    "week": _l("week"), "day": _l("dag"), "employee": _l("medewerker"), "supervisor": _l("teamleider"),
    "request": _l("aanvraag"), "assignment": _l("dienst"), "assignments": _l("diensten"),
    "teams": _l("teams"), "supervisors": _l("teamleiders"), "locations": _l("locaties"),
    "changed": _l("gewijzigd"), "fields": _l("gewijzigd"), "version": _l("versie"), "new": _l("nieuw"),
    "cancelled": _l("vervallen"), "filled": _l("ingevuld"), "skipped": _l("overgeslagen"),
    "sequence": _l("versie van de dienst"), "team": _l("team"), "region": _l("regio"),
    "max": _l("hoogstens"), "name": _l("naam"), "code": _l("code"), "role": _l("rol"), "email": _l("e-mailadres"),
    "format": _l("bestandsvorm"), "created": _l("nieuw"), "updated": _l("bijgewerkt"),
    "unchanged": _l("ongewijzigd"), "kind": _l("soort"), "from": _l("was"), "to": _l("nu"),
    "limit": _l("tijdslimiet"), "method": _l("manier"), "contract_end": _l("einde contract"),
    "contract_end_was": _l("einde contract was"), "same": _l("ongewijzigd"),
    "held": _l("niet gepubliceerd (buiten werktijden)"),
    "absent": _l("niet gepubliceerd (medewerker afwezig)"),
    "source": _l("via"),
    "absences": _l("afwezigheden"), "solve_jobs": _l("planningen opgeschoond"), "ended_before": _l("geëindigd vóór"), "pinned": _l("vastgezet"),
    # a request's date called off, or asked for again (services.requests.call_off_day, take_back_day_off)
    "off": _l("dag afgezegd"), "back": _l("dag weer gevraagd"),
    # the subject of a calendar link (services/tokens.SUBJECTS)
    "employee_id": _l("medewerker"), "team_id": _l("team"), "location_id": _l("locatie"),
    # why a team's calendar link stopped (services/tokens.revoke_team_links)
    "reason": _l("reden"),
}

# Field names in lists of changed fields, over every kind of object.
FIELD_WORDS = {
    # people and teams
    "first_name": _l("voornaam"), "last_name": _l("achternaam"), "team_id": _l("team"),
    "contract_minutes": _l("contracturen"), "max_minutes_per_day": _l("hoogstens uren per dag"),
    "contract_start": _l("begin contract"), "contract_end": _l("einde contract"), "phone": _l("telefoon"),
    "email": _l("e-mailadres"), "job_coach_name": _l("naam jobcoach"), "job_coach_phone": _l("telefoon jobcoach"),
    "job_coach_email": _l("e-mailadres jobcoach"), "work_types": _l("werksoorten"),
    "allowed_locations": _l("locaties"), "availability": _l("beschikbaarheid"), "name": _l("naam"),
    "region": _l("regio"), "home_location_id": _l("vaste locatie"), "home_location": _l("vaste locatie"),
    "max_size": _l("grootte"),
    "user_id": _l("account"), "indication": _l("doelgroepindicatie"), "indication_until": _l("indicatie geldig tot"),
    "health_notes": _l("gezondheid"), "accommodations": _l("aanpassingen op het werk"),
    # absences
    "kind": _l("soort"), "start_date": _l("begindatum"), "end_date": _l("einddatum"),
    "start_minute": _l("begintijd"), "end_minute": _l("eindtijd"), "note": _l("notitie"),
    # requests: the dates called off (services.requests.call_off_day)
    "dates_off": _l("afgezegde dagen"),
    # accounts
    "role": _l("rol"), "ministry_id": _l("ministerie"), "teams": _l("teams"),
    # catalog
    "code": _l("code"), "address": _l("adres"), "postcode": _l("postcode"), "city": _l("plaats"),
    "name_nl": _l("naam (Nederlands)"), "name_en": _l("naam (Engels)"), "pictogram": _l("pictogram"),
    "colour": _l("kleur"),
    # requests
    "location_id": _l("locatie"), "work_type_id": _l("werksoort"), "weekdays": _l("dagen"),
    "break_minutes": _l("pauze"), "headcount": _l("mensen per dag"), "priority": _l("prioriteit"),
    "contact_name": _l("contactpersoon"), "contact_phone": _l("telefoon contactpersoon"),
    "access_instructions": _l("zo kom je binnen"), "notes": _l("opmerkingen"), "status": _l("status"),
    "decline_reason": _l("reden van afwijzing"), "cancel_reason": _l("reden van annulering"),
}

VALUE_WORDS = {
    "password": _l("wachtwoord"), "password+totp": _l("wachtwoord en authenticator-app"),
    "employee": _l("medewerker"), "team": _l("team"), "location": _l("locatie"), "pool": _l("regiopool"),
    "alle": _l("alle"), "import": _l("import van een spreadsheet"),
    "leader_left": _l("de teamleider leidt het team niet meer"),
    "account_lost_team": _l("het account van de teamleider ziet het team niet meer"),
}

YES_NO = {True: _l("ja"), False: _l("nee")}

_DATE = re.compile(r"\d{4}-\d\d-\d\d")
_PERIOD = re.compile(r"(\d{4}-\d\d-\d\d)\.\.(\d{4}-\d\d-\d\d)")
_PAIR = re.compile(r"([a-z_]+)=(\S*)")
# A value in "field (before -> after)": escaped characters (audit.as_audited: "\,", "\(", "\)",
# "\\", "-\>") and any other; a row from before the escaping may hold bare commas and brackets.
_VALUE = r"(?:\\.|[^\\])*?"
_CHANGE = re.compile(rf"([a-z_]+)(?: \(({_VALUE}) -> ({_VALUE})\))?", re.S)
_ESCAPED = re.compile(r"\\(.)", re.S)
# What follows the ", " before the next changed field: its name, then its values or the next ", ".
_NEXT_CHANGE = re.compile(r"([a-z_]+)(?: \(|, |$)")


def describe(action: str, detail: str) -> str:
    """The detail as words of the page's language; what it does not know it shows as stored."""
    detail = (detail or "").split(BEFORE_MARK)[0].strip()  # the before-values are for the request page
    if not detail:
        return ""
    if action.endswith("_deleted") and detail.startswith(DELETED_MARK):
        return deleted_label(detail)  # the kind and names of what was deleted, worded now
    if action in ("region.rename", "region.merge"):
        return _region_renamed(detail)
    if detail.startswith("changed: "):
        return f"{KEY_WORDS['changed']}: " + ", ".join(_change(part) for part in _changes(detail[9:]))
    parts = [_sentence(part) for part in detail.split("; ")]
    if all(part is not None for part in parts):
        return "; ".join(parts)
    if action.endswith("_deleted"):
        return detail  # an older row: the name of what was deleted, as the deleting admin read it
    # form=<key>: the key a new-employee or new-leader form was sent with, kept so the same form
    # sent twice makes one (services/people.py); as_of=<ISO time>: when a solve read its data, for
    # the roster page's "changed since planning" (rosters.view.planned_as_of). Nothing for a reader.
    return " ".join(_fact(action, token) for token in detail.split(" ") if not token.startswith(BOOKKEEPING))


BOOKKEEPING = ("form=", "as_of=")


def _region_renamed(detail: str) -> str:
    """A rename of a region ("changed: region (Oost -> West); teams=3 supervisors=5 locations=7")
    as its change and the rows it renamed: the counts come last, as a name may hold "; "."""
    change, _sep, counts = detail.rpartition("; ")
    numbers = dict(_PAIR.findall(counts))
    if not change.startswith("changed: ") or not all(ascii_digits(numbers.get(key, "")) for key in _RENAMED):
        return detail
    renamed = ", ".join(ngettext(one, many, int(numbers[key])) for key, (one, many) in _RENAMED.items())
    return f"{describe('', change)}; {renamed}"


# What a region's rename counts (services.regions.rename), one and more of each.
_RENAMED = {
    "teams": ("%(num)d team", "%(num)d teams"),
    "supervisors": ("%(num)d teamleider", "%(num)d teamleiders"),
    "locations": ("%(num)d locatie", "%(num)d locaties"),
}


def _sentence(part: str) -> str | None:
    if part in PHRASES:
        return str(PHRASES[part])
    for pattern, words in PATTERNS:
        found = pattern.fullmatch(part)
        if found:
            return words(found) if callable(words) else str(words) % found.groupdict()
    return None


def _fact(action: str, token: str) -> str:
    period = _PERIOD.fullmatch(token)
    if period:
        return f"{_day(period.group(1))} – {_day(period.group(2))}"
    pair = _PAIR.fullmatch(token)
    if not pair or pair.group(1) not in KEY_WORDS:
        return token
    key, value = pair.groups()
    if key == "from" and action.startswith("roster."):  # a repair's first day planned: not an old value
        return f"{FIRST_DAY_WORD}: {_value(action, key, value)}"
    return f"{KEY_WORDS[key]}: {_value(action, key, value)}"


def _value(action: str, key: str, value: str) -> str:
    if key in ("changed", "fields"):
        return ", ".join(str(FIELD_WORDS.get(name, name)) for name in value.split(","))
    if key in ("from", "to") and action == "request_priority" and ascii_digits(value):
        return priority_label(int(value)).lower()
    if key == "from" and action.startswith("request_"):
        return status_label(value).lower()
    if key == "role":
        return str(ROLE_LABELS.get(value, value))
    if key == "limit":
        return f"{value} s"
    if key == "pinned":
        return str(YES_NO[value == "1"])
    if _DATE.fullmatch(value):
        return _day(value)
    if value == "None":  # a cell set to free, a team-less supervisor: nothing
        return "–"
    return str(VALUE_WORDS.get(value, value))


def _changes(listed: str) -> list[str]:
    """A list of changed fields ("name (A -> B), teams ([1, 2] -> [3]), code") as its changes.
    It splits on a ", " that is not escaped (audit.as_audited) and is followed by a field's name:
    a value stored before the escaping ("Turfmarkt 147, gebouw B (ingang Oost)", a list of ids)
    keeps its commas as well as can be told."""
    parts, start, at = [], 0, 0
    while at < len(listed):
        if listed[at] == "\\":
            at += 2  # the escaped character is the value's
            continue
        following = _NEXT_CHANGE.match(listed, at + 2) if listed.startswith(", ", at) else None
        if following and following.group(1) in FIELD_WORDS:
            parts.append(listed[start:at])
            start = at = at + 2
            continue
        at += 1
    return [*parts, listed[start:]]


def _change(part: str) -> str:
    found = _CHANGE.fullmatch(part)
    if not found:
        return part
    name = found.group(1)
    words = str(FIELD_WORDS.get(name, name))
    if found.group(2) is None:
        return words
    before, after = (_ESCAPED.sub(r"\1", value) for value in found.group(2, 3))
    if name == "role":
        before, after = ROLE_LABELS.get(before, before), ROLE_LABELS.get(after, after)
    elif name in ("ministry_id", "teams", "home_location_id"):
        before, after = _names(name, before), _names(name, after)
    elif name == "home_location":
        before, after = (value or str(_l("geen")) for value in (before, after))
    elif name == "work_types":
        return f"{words} ({_added_and_removed(before, after)})"
    elif name == "pictogram":
        before, after = pictogram_label(before), pictogram_label(after)
    return f"{words} ({before} → {after})"


def _added_and_removed(before: str, after: str) -> str:
    """An agreement's work types as stored ('[1, 2]' -> '[2, 3]') as what came in and what went
    out, by name in the reader's language: 'erbij: Ramen; eraf: Schoonmaak'."""
    old, new = (set(int(n) for n in re.findall(r"\d+", ids)) for ids in (before, after))
    parts = []
    for word, ids in ((_l("erbij"), new - old), (_l("eraf"), old - new)):
        if ids:
            parts.append(f"{word}: " + ", ".join(sorted((_work_type_named(i) for i in ids), key=str.casefold)))
    return "; ".join(parts) or str(_l("geen"))


def _work_type_named(number: int) -> str:
    """A work type's name in the reader's language; one deleted since by the names its deletion's
    audit row kept; else its number."""
    found = db.session.get(WorkType, number) if number < 2**31 else None
    if found is not None:
        return work_type_name(found)
    deleted = db.session.scalar(select(AuditEvent.detail).where(
        AuditEvent.action == "work_type_deleted", AuditEvent.object_id == str(number),
        AuditEvent.detail.startswith(DELETED_MARK)).order_by(AuditEvent.id.desc()).limit(1))
    if deleted is not None:
        return deleted_label(deleted, bare=True) or f"#{number}"
    return f"#{number}"


def _names(field: str, ids: str) -> str:
    """A user's ministry or teams, or a team's place in a row from before the place was logged by
    name, as stored ('6', 'None', '[3, 4]') by name; 'geen' for none. One that was deleted since
    keeps its number."""
    numbers = [int(n) for n in re.findall(r"\d+", ids)]
    if not numbers:
        return str(_l("geen")) if ids in ("None", "[]") else ids
    model = {"ministry_id": Ministry, "home_location_id": Location}.get(field, Team)
    names = []
    for number in numbers:
        found = db.session.get(model, number) if number < 2**31 else None
        names.append(found.name if found is not None else f"#{number}")
    return ", ".join(names)


def _day(iso: str) -> str:
    return dated(dt.date.fromisoformat(iso), abbreviated=True)  # as the page's times
