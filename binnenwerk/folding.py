"""How two spellings of a name are found to be the same: one rule for searches and imports."""
from __future__ import annotations

# Turkish dotted capital I and dotless small i: "İlker", "YILMAZ" are typed with plain i's too.
# Python's casefold() makes "İ" an i with a combining dot and leaves "ı" alone, so map them first.
_TURKISH_I = str.maketrans({"İ": "i", "ı": "i"})


def fold(text: str) -> str:
    """Case and the usual variants of a letter folded away: 'Großmann' and 'GROSSMANN', 'İlker' and
    'ilker', 'Éva' and 'éva' are the same; 'Éva' and 'Eva' are not."""
    return text.translate(_TURKISH_I).casefold()
