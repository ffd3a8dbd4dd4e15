"""Dutch public holidays as central government keeps them: the days nobody is asked to work.

Its own module, free of the models, so the models (a request's days), planning (availability) and
the templates (a holiday's name) all import it at the top.
"""
from __future__ import annotations

import datetime as dt
import functools


@functools.lru_cache(maxsize=16)
def public_holidays(year: int) -> frozenset[dt.date]:
    """Dutch public holidays, plus 5 May (Liberation Day) which central government has off every year.

    Good Friday is in (python-holidays counts it): civil servants have it off (rijksoverheid.nl,
    "Is Goede Vrijdag een vrije dag?": "Bent u ambtenaar? Dan bent u vrij op Goede Vrijdag"), so
    the ministries' buildings where the teams work are closed too.
    """
    import holidays

    days = set(holidays.country_holidays("NL", years=year).keys())
    days.add(dt.date(year, 5, 5))
    return frozenset(days)


def is_public_holiday(day: dt.date) -> bool:
    return day in public_holidays(day.year)


SPELLING = {"Goede vrijdag": "Goede Vrijdag"}


@functools.lru_cache(maxsize=32)
def _holiday_names(year: int, language: str) -> dict[dt.date, str]:
    import holidays

    names = dict(holidays.country_holidays("NL", years=year, language="nl" if language == "nl" else "en_US"))
    # The Woordenlijst writes both words with a capital (the library: "Goede vrijdag").
    names = {day: SPELLING.get(name, name) for day, name in names.items()}
    names.setdefault(dt.date(year, 5, 5), "Bevrijdingsdag" if language == "nl" else "Liberation Day")
    return names


def public_holiday_name(day: dt.date, language: str = "nl", in_sentence: bool = False) -> str | None:
    """The day's public holiday by name in Dutch ('nl') or English, or None (see public_holidays).
    `in_sentence`: as written inside a Dutch sentence ("Het is eerste kerstdag."); alone, as a
    heading or in brackets, it starts with a capital ("Eerste kerstdag")."""
    name = _holiday_names(day.year, language).get(day) if is_public_holiday(day) else None
    if name and in_sentence and language == "nl" and name.split()[0] in ("Eerste", "Tweede"):
        return name[0].lower() + name[1:]
    return name
