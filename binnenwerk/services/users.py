"""User accounts: the password policy and account changes."""
from __future__ import annotations

from flask_babel import gettext as _

MIN_PASSWORD_LENGTH = 12


def validate_password(password: str) -> str | None:
    """A message saying what is wrong with the password, or None when it is acceptable."""
    if len(password or "") < MIN_PASSWORD_LENGTH:
        return _("Een wachtwoord heeft minstens %(n)d tekens.", n=MIN_PASSWORD_LENGTH)
    if len(password) > 200:
        return _("Een wachtwoord heeft hoogstens 200 tekens.")
    if password.lower() == password or password.upper() == password or not any(c.isdigit() for c in password):
        return _("Gebruik in een wachtwoord hoofdletters, kleine letters en cijfers.")
    return None
