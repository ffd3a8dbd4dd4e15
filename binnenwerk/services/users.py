"""User accounts: the password policy and account changes."""
from __future__ import annotations

import re

from flask_babel import gettext as _

from ..formatting import BIDI_CONTROLS, CONTROL_CHARACTERS, INVISIBLE_CHARACTERS

MIN_PASSWORD_LENGTH = 12
# Control characters (DEL too) and zero-width ones: forms take them out of every other field
# (security.CONTROL_CHARACTERS) and took them out of passwords too, so no stored password holds one.
# A password is kept as typed now, so "Sterk\x00wachtwoord" no longer logs in as "Sterkwachtwoord".
NEVER_IN_PASSWORDS = re.compile(f"{CONTROL_CHARACTERS.pattern}|\x7f|{INVISIBLE_CHARACTERS.pattern}")
# A new password holds no control character at all: tabs and line breaks neither, which forms left
# in a password before (a login with one is left to the password check).
# Direction marks neither: invisible, they make a password nobody can type again (forms kept them
# in passwords before, so a login with one is left to the password check too).
_REFUSED_IN_NEW = re.compile(f"{NEVER_IN_PASSWORDS.pattern}|[\t\n\r]|{BIDI_CONTROLS.pattern}")


def validate_password(password: str) -> str | None:
    """A message saying what is wrong with the password, or None when it is acceptable."""
    if _REFUSED_IN_NEW.search(password or ""):
        return _("Er zit een onzichtbaar teken in dit wachtwoord, bijvoorbeeld een tab of een teken dat "
                 "meekwam bij kopiëren en plakken. Typ het wachtwoord zelf in.")
    if len(password or "") < MIN_PASSWORD_LENGTH:
        return _("Een wachtwoord heeft minstens %(n)d tekens.", n=MIN_PASSWORD_LENGTH)
    if len(password) > 200:
        return _("Een wachtwoord heeft hoogstens 200 tekens.")
    if password.lower() == password or password.upper() == password or not any(c.isdigit() for c in password):
        return _("Gebruik in een wachtwoord hoofdletters, kleine letters en cijfers.")
    return None
