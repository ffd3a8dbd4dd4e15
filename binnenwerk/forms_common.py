"""Form building blocks every blueprint shares: safe id coercion, required-without-bubble, checkboxes."""
from __future__ import annotations

from wtforms import SelectMultipleField
from wtforms.validators import DataRequired, InputRequired
from wtforms.widgets import CheckboxInput, ListWidget


def int_or_none(value):
    """Coerce a choice to int; a tampered value becomes None so validation refuses it in Dutch."""
    if value in (None, ""):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    # Larger than any database integer: cannot exist, and would overflow PostgreSQL's int4.
    return number if 0 < number < 2**31 else None


def strip_text(value):
    return value.strip() if isinstance(value, str) else value


class Needed(InputRequired):
    """InputRequired without the HTML `required` flag.

    The browser's own validation bubble speaks the browser's language and appears before the
    server's Dutch message tied to the field; without the flag people always get the latter.
    """

    def __init__(self, message=None):
        super().__init__(message)
        self.field_flags = {}


class NeededText(DataRequired):
    """DataRequired without the HTML `required` flag, for the same reason as Needed."""

    def __init__(self, message=None):
        super().__init__(message)
        self.field_flags = {}


class MultiCheckboxField(SelectMultipleField):
    """Checkboxes; templates/_forms.html renders it as a fieldset with a legend."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()
