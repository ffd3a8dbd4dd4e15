"""How two spellings of a name are found to be the same: one rule for searches and imports."""
from __future__ import annotations

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


def contains_folded(column: ColumnElement[str], text: str) -> ColumnElement[bool]:
    """Whether the column holds `text` anywhere, case and letter variants folded away; the
    search's own % and _ are plain letters."""
    escaped = fold(text).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return folded(column).like(f"%{escaped}%", escape="\\")
