"""How two spellings of a name are found to be the same: one rule for imports (fold), and the
same with accents off for searches (plain)."""
from __future__ import annotations

import unicodedata

from sqlalchemy import ColumnElement, func

# Turkish dotted capital I and dotless small i: "İlker", "YILMAZ" are typed with plain i's too.
# Python's casefold() makes "İ" an i with a combining dot and leaves "ı" alone, so map them first.
_TURKISH_I = str.maketrans({"İ": "i", "ı": "i"})


def fold(text: str) -> str:
    """Case and the usual variants of a letter folded away: 'Großmann' and 'GROSSMANN', 'İlker' and
    'ilker', 'Éva' and 'éva' are the same; 'Éva' and 'Eva' are not."""
    return text.translate(_TURKISH_I).casefold()


# What the databases' lower() leaves for fold() to do: PostgreSQL's keeps "ß" and "ı" (SQLite's
# lower() is fold() itself, see binnenwerk/__init__.py, so there these find nothing to replace).
# "i" with a combining dot is what some collations make of "İ".
_SQL_FOLDS = (("ß", "ss"), ("ı", "i"), ("i\u0307", "i"))


def folded(column: ColumnElement[str]) -> ColumnElement[str]:
    """The column folded in SQL as fold() folds a str, on SQLite and on PostgreSQL."""
    expression: ColumnElement[str] = func.lower(column)
    for letter, plain in _SQL_FOLDS:
        expression = func.replace(expression, letter, plain)
    return expression


# Letters with accents and their plain letter, for searches only: a planner types "ozdemir" or
# "celik" for "Özdemir" and "Çelik" (a Dutch keyboard has no Ö or Ç). Imports and duplicate checks
# keep accents (fold()): "Éva" and "Eva" may be two people. Capitals too, so that it holds
# whatever the database's lower() does with them. One character for one, so that the same map
# works as SQL's translate() (PostgreSQL's own; SQLite's is registered in binnenwerk/__init__.py).
_ACCENTED = ("àáâãäåāăąçćčďđèéêëēėęěğìíîïīįłñńňòóôõöøōőřśšşťùúûüūůűýÿźżžșțţľĺŕ"
             "ÀÁÂÃÄÅĀĂĄÇĆČĎĐÈÉÊËĒĖĘĚĞÌÍÎÏĪĮŁÑŃŇÒÓÔÕÖØŌŐŘŚŠŞŤÙÚÛÜŪŮŰÝŸŹŻŽȘȚŢĽĹŔ")
_PLAIN = ("aaaaaaaaacccddeeeeeeeegiiiiiilnnnoooooooorssstuuuuuuuyyzzzsttllr"
          "aaaaaaaaacccddeeeeeeeegiiiiiilnnnoooooooorssstuuuuuuuyyzzzsttllr")
# A name stored with its accents as separate characters (a letter, then a combining mark: some
# systems export names so) loses the marks: translate() drops the characters of its first string
# that have no counterpart in its second, on PostgreSQL as in translate() below.
_COMBINING = "".join(chr(c) for c in range(0x300, 0x370))
_UNACCENT = str.maketrans(_ACCENTED, _PLAIN, _COMBINING)


def plain(text: str) -> str:
    """fold(), and accents off: what a name search compares ('ozdemir' finds 'Özdemir'). Typed
    text is composed first (NFC): a letter and its accent as two characters (pasted from some
    systems) are one letter, as names are stored."""
    return fold(unicodedata.normalize("NFC", text)).translate(_UNACCENT)


def translate(text: str | None, accented: str, plain_letters: str) -> str | None:
    """SQL's translate(text, from, to) for SQLite, which has none: each character of `accented`
    in `text` becomes the one at its place in `plain_letters`, and those beyond its length go."""
    if text is None:
        return None
    kept = len(plain_letters)
    return text.translate(str.maketrans(accented[:kept], plain_letters, accented[kept:]))


def contains_folded(column: ColumnElement[str], text: str) -> ColumnElement[bool]:
    """Whether the column holds `text` anywhere, case, letter variants and accents folded away
    (plain()); the search's own % and _ are plain letters."""
    escaped = plain(text).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return func.translate(folded(column), _ACCENTED + _COMBINING, _PLAIN).like(
        f"%{escaped}%", escape="\\")
