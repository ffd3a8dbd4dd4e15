"""The optimiser's reasons for a short request-day, worded in the reader's language.

The optimiser returns each reason as a code with values (scheduling.explain); the msgids here are
its Dutch wording, so the English catalog translates them like every other text.
"""
from __future__ import annotations

import datetime as dt

from flask import g
from flask_babel import format_date, get_locale, gettext, ngettext
from sqlalchemy import select

from .extensions import db
from .models import WorkType



def _day(value) -> str:
    try:
        return format_date(dt.date.fromisoformat(str(value)), "EEEE")
    except ValueError:
        return str(value)


def _work_name(p: dict) -> str:
    """The reason's work type in the reader's language (the optimiser knows its Dutch name)."""
    code = p.get("work_type")
    if code and str(get_locale()) == "en":
        if "work_type_names_en" not in g:  # one query per page, however many reasons it shows
            g.work_type_names_en = dict(db.session.execute(select(WorkType.code, WorkType.name_en)).all())
        name = g.work_type_names_en.get(str(code))
        if name:
            return name
    return str(p.get("work", ""))


def _sentence(code: str, p: dict) -> str | None:
    n = int(p.get("n", 0) or 0)
    day = _day(p["day"]) if "day" in p else ""
    if code == "nobody_skilled":
        return gettext("niemand in de regio heeft werksoort %(work)s", work=_work_name(p))
    if code == "too_few_fit" and n == 0:
        if str(p.get("of")) == "1":
            return gettext("niemand met deze werksoort is op %(day)s op tijd beschikbaar (1 medewerker gevraagd)",
                           day=day)
        return gettext("geen van de %(of)s gevraagde medewerkers heeft deze werksoort en is op %(day)s op tijd "
                       "beschikbaar", of=p.get("of", ""), day=day)
    if code == "too_few_fit":
        return ngettext("maar %(num)d van de %(of)s gevraagde medewerkers heeft deze werksoort en is op %(day)s "
                        "op tijd beschikbaar",
                        "maar %(num)d van de %(of)s gevraagde medewerkers hebben deze werksoort en zijn op %(day)s "
                        "op tijd beschikbaar", n, of=p.get("of", ""), day=day)
    if code == "wrong_place":
        return ngettext("%(num)d medewerker met deze werksoort mag niet op %(place)s werken",
                        "%(num)d medewerkers met deze werksoort mogen niet op %(place)s werken", n,
                        place=p.get("place", ""))
    if code == "absent":
        return ngettext("%(num)d medewerker met deze werksoort is vrij of afwezig op %(day)s",
                        "%(num)d medewerkers met deze werksoort zijn vrij of afwezig op %(day)s", n, day=day)
    if code == "outside_window" and p.get("partly"):
        return ngettext("%(num)d medewerker is op %(day)s niet de hele tijd van %(start)s tot %(end)s beschikbaar",
                        "%(num)d medewerkers zijn op %(day)s niet de hele tijd van %(start)s tot %(end)s beschikbaar",
                        n, day=day, start=p.get("start", ""), end=p.get("end", ""))
    if code == "outside_window":
        return ngettext("%(num)d medewerker is op %(day)s niet beschikbaar van %(start)s tot %(end)s",
                        "%(num)d medewerkers zijn op %(day)s niet beschikbaar van %(start)s tot %(end)s", n,
                        day=day, start=p.get("start", ""), end=p.get("end", ""))
    if code == "shift_too_long":
        return ngettext("de dienst is langer dan de maximale uren per dag van %(num)d medewerker",
                        "de dienst is langer dan de maximale uren per dag van %(num)d medewerkers", n)
    if code == "higher_priority":
        return ngettext("%(num)d medewerker is ingezet op een aanvraag met hogere prioriteit",
                        "%(num)d medewerkers zijn ingezet op een aanvraag met hogere prioriteit", n)
    if code == "elsewhere":
        return ngettext("%(num)d medewerker is op %(day)s al elders ingezet",
                        "%(num)d medewerkers zijn op %(day)s al elders ingezet", n, day=day)
    if code == "too_little_rest":
        return ngettext("%(num)d medewerker heeft dan te weinig rust tussen twee diensten",
                        "%(num)d medewerkers hebben dan te weinig rust tussen twee diensten", n)
    if code == "hours_used":
        return ngettext("contracturen van %(num)d medewerker met deze werksoort zijn op",
                        "contracturen van %(num)d medewerkers met deze werksoort zijn op", n)
    if code == "team_full":
        return gettext("team is al vol ingezet")
    if code == "no_supervisor":
        if p.get("own_away"):
            # Only that they are off: never the kind of absence.
            return ngettext("de eigen teamleider van %(teams)s is op %(day)s vrij of afwezig",
                            "de eigen teamleiders van %(teams)s zijn op %(day)s vrij of afwezig", n,
                            teams=p.get("teams", ""), day=day)
        if p.get("teams"):
            return gettext("geen teamleider vrij op %(day)s voor %(teams)s", day=day, teams=p["teams"])
        return gettext("geen teamleider vrij op %(day)s", day=day)
    if code == "leader_rest":
        return ngettext("%(num)d teamleider die dit kan leiden heeft dan te weinig rust tussen twee werkdagen",
                        "%(num)d teamleiders die dit kunnen leiden hebben dan te weinig rust tussen twee werkdagen", n)
    if code == "leader_day_too_long":
        return ngettext("de werkdag van %(num)d teamleider die dit kan leiden wordt dan langer dan %(hours)s uur",
                        "de werkdag van %(num)d teamleiders die dit kunnen leiden wordt dan langer dan %(hours)s uur",
                        n, hours=p.get("hours", 12))
    if code == "other_supervisors_busy":
        # A leader at another place of the short day's own team is named by the place.
        if p.get("teams") and p.get("places"):
            return ngettext("%(num)d andere teamleider die dit kan leiden is op %(day)s al elders ingezet "
                            "(bij %(teams)s en op %(places)s)",
                            "%(num)d andere teamleiders die dit kunnen leiden zijn op %(day)s al elders ingezet "
                            "(bij %(teams)s en op %(places)s)", n, day=day, teams=p["teams"], places=p["places"])
        if p.get("places"):
            return ngettext("%(num)d andere teamleider die dit kan leiden is op %(day)s al elders ingezet "
                            "(op %(places)s)",
                            "%(num)d andere teamleiders die dit kunnen leiden zijn op %(day)s al elders ingezet "
                            "(op %(places)s)", n, day=day, places=p["places"])
        if p.get("teams"):
            return ngettext("%(num)d andere teamleider die dit kan leiden is op %(day)s al elders ingezet (bij %(teams)s)",
                            "%(num)d andere teamleiders die dit kunnen leiden zijn op %(day)s al elders ingezet "
                            "(bij %(teams)s)", n, day=day, teams=p["teams"])
        return ngettext("%(num)d andere teamleider die dit kan leiden is op %(day)s al elders ingezet",
                        "%(num)d andere teamleiders die dit kunnen leiden zijn op %(day)s al elders ingezet", n, day=day)
    if code == "supervisors_busy":
        if p.get("teams") and p.get("places"):
            return gettext("alle teamleiders die dit kunnen leiden zijn op %(day)s al elders ingezet "
                           "(bij %(teams)s en op %(places)s)", day=day, teams=p["teams"], places=p["places"])
        if p.get("places"):
            return gettext("alle teamleiders die dit kunnen leiden zijn op %(day)s al elders ingezet (op %(places)s)",
                           day=day, places=p["places"])
        if p.get("teams"):
            return gettext("alle teamleiders die dit kunnen leiden zijn op %(day)s al elders ingezet (bij %(teams)s)",
                           day=day, teams=p["teams"])
        return gettext("alle teamleiders die dit kunnen leiden zijn op %(day)s al elders ingezet", day=day)
    if code == "costs_elsewhere":
        return gettext("meer inzet zou elders meer kosten (wijzigingen in het rooster, teams opsplitsen)")
    return None


def render(missing: int, codes: list[dict] | None) -> list[str]:
    """The reasons as sentences, the first prefixed with how many are missing; [] when a code is unknown."""
    sentences = []
    for code in codes or []:
        if not isinstance(code, dict):
            return []
        sentence = _sentence(str(code.get("code")), code)
        if sentence is None:
            return []  # a newer optimiser: fall back on its Dutch sentences
        sentences.append(sentence)
    if sentences:
        sentences[0] = gettext("%(missing)d te weinig: %(reason)s", missing=missing, reason=sentences[0])
    return sentences
