"""Forms of the data import pages: the upload and the confirmation."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import HiddenField


class UploadForm(FlaskForm):
    # Checked in the view (not a validator with the `required` flag): see requests/forms.py Needed.
    file = FileField(_l("Bestand (.xlsx of .csv, hoogstens 10 MB)"), render_kw={"accept": ".xlsx,.csv"})


class ConfirmForm(FlaskForm):
    upload = HiddenField()
