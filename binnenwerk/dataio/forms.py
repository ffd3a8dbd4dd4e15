"""Forms of the data import pages: the upload and the confirmation."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, HiddenField


class UploadForm(FlaskForm):
    # Checked in the view (not a validator with the `required` flag): see requests/forms.py Needed.
    file = FileField(_l("Bestand (.xlsx of .csv, hoogstens 10 MB)"), render_kw={"accept": ".xlsx,.csv"})


class ConfirmForm(FlaskForm):
    upload = HiddenField()
    # Offered only when a row moves someone the form would ask "Toch verplaatsen" for; the label
    # is the form's (MOVE_LABELS, per kind).
    confirm_move = BooleanField(_l("Toch verplaatsen. Ik repareer de roosters van het oude team daarna."))


# The people forms' "Toch verplaatsen" boxes (teams.forms), in their words.
MOVE_LABELS = {
    "employees": _l("Toch verplaatsen. Ik repareer de roosters van het oude team daarna."),
    "supervisors": _l("Toch verplaatsen, voor elke week vanaf nu."),
}
