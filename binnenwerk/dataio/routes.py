"""Pages to upload, preview and confirm an import, and to download templates and exports."""
from __future__ import annotations

import json
import os
import re
import secrets
import time
from pathlib import Path

from flask import Response, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from markupsafe import Markup

from .. import audit
from ..access import OFFICE, roles_required
from ..extensions import db
from ..formatting import one_line, without_controls
from . import KINDS, bp, writing
from .api import get_kind, import_file, may_use
from .engine import DatabaseBusy, Kind, Outcome, summary_text
from .forms import MOVE_LABELS, ConfirmForm, UploadForm
from .reading import suffix_of

SESSION_KEY = "dataio_upload"
# The tokens of checks a later check replaced (one upload a session), so that "Importeren" on an
# older tab says so instead of "verlopen of niet gevonden"; the last few only (a session cookie).
REPLACED_KEY = "dataio_replaced"
REPLACED_KEPT = 5
TOKEN_RE = re.compile(r"^[0-9a-f]{32}\Z")
UPLOAD_MAX_AGE = 24 * 3600
FORMATS = ("xlsx", "csv")
# Warnings flashed after an import (a flash lives in the session cookie, which holds 4 KB); the
# preview showed them all, on their rows.
FLASHED_WARNINGS = 10
# How long a second click on "Importeren" waits for the first one's import to finish, so that it
# can say how that went; below a worker's request timeout.
WAIT_FOR_IMPORT = 20


@bp.app_template_filter("dutch_values")
def dutch_values(text, values) -> Markup:
    """A column's help with the Dutch values a file holds ("ma", "laag") marked lang="nl" on a page
    in another language, so a screen reader reads them as Dutch (WCAG 3.1.2)."""
    text = str(text)
    if not values or str(get_locale() or "nl") == "nl":
        return Markup.escape(text)
    words = re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, values)) + r")(?![\w-])")
    parts = words.split(text)  # the text, then each value and the text after it
    return Markup("").join(Markup('<span lang="nl">%s</span>') % part if i % 2 else part
                           for i, part in enumerate(parts))


def _kind(name: str) -> Kind:
    kind = get_kind(name)
    if kind is None:
        abort(404)
    if not may_use(kind, current_user):
        abort(403)
    return kind


def _upload_dir() -> Path:
    # Kept between preview and confirm; DATAIO_UPLOAD_FOLDER lets tests and deployments move it.
    path = Path(current_app.config.get("DATAIO_UPLOAD_FOLDER") or Path(current_app.instance_path) / "uploads")
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def _clear_old_uploads(folder: Path) -> None:
    limit = time.time() - UPLOAD_MAX_AGE
    for path in folder.glob("*"):
        try:
            if path.is_file() and path.stat().st_mtime < limit:
                path.unlink()
        except OSError:
            pass  # another worker removed it first


def _pending(kind: Kind, token: str | None) -> tuple[Path, dict] | None:
    """The file this user uploaded for this kind, or None: a token is only good in its own session."""
    stored = session.get(SESSION_KEY) or {}
    if not token or not TOKEN_RE.match(token) or stored.get("token") != token or stored.get("kind") != kind.name:
        return None
    if stored.get("suffix") not in FORMATS:
        return None
    path = _upload_dir() / f"{token}.{stored['suffix']}"
    return (path, stored) if path.is_file() else None


def _shown_name(filename: str, outcome) -> str:
    """The file's name, and the worksheet read when the workbook had more than one to choose from,
    as one line without direction controls and invisible characters: a right-to-left override in
    the name showed "data<RLO>gpj.csv" as "datavsc.jpg"."""
    filename, sheet = (one_line(without_controls(name or "")).strip() for name in (filename, outcome.sheet))
    if not outcome.sheet:
        return filename
    return _("%(file)s (werkblad '%(sheet)s')", file=filename, sheet=sheet)


def _forget(path: Path | None) -> None:
    session.pop(SESSION_KEY, None)
    if path is not None:
        path.unlink(missing_ok=True)


def _replace_previous() -> None:
    """A new check replaces the session's pending upload, of any kind: its file goes, and its
    token is remembered as replaced (not lost) for the tab that still shows it."""
    stored = session.get(SESSION_KEY) or {}
    previous_kind = get_kind(stored.get("kind") or "")
    previous = _pending(previous_kind, stored.get("token")) if previous_kind is not None else None
    _forget(previous[0] if previous else None)
    if previous:
        replaced = [t for t in session.get(REPLACED_KEY) or [] if t != stored["token"]]
        session[REPLACED_KEY] = (replaced + [stored["token"]])[-REPLACED_KEPT:]


def _claim(path: Path) -> Path | None:
    """Take the upload for this request alone (a rename is atomic): a second click finds it gone.
    The claim's time is its file's (_imported reads a claim as dead after STALE_CLAIM)."""
    busy = path.with_name(path.name + ".busy")
    try:
        path.rename(busy)
    except FileNotFoundError:
        return None
    os.utime(busy)
    return busy


# An import holds its claim for seconds (10,000 rows: a few); one this old was cut off (the process
# killed or the machine restarted during it), and nothing is waited for.
STALE_CLAIM = 15 * 60


def _importing(folder: Path, token: str) -> bool:
    """Whether an import of this upload holds its claim now (a claim older than STALE_CLAIM is
    one cut off, not running)."""
    for claim in folder.glob(f"{token}.*.busy"):
        try:
            if time.time() - claim.stat().st_mtime < STALE_CLAIM:
                return True
        except FileNotFoundError:  # the import ended just now
            continue
    return False


def _busy_message() -> str:
    return _("De database was even bezig. Er is niets opgeslagen. Upload het bestand over een minuut nog eens.")


def _record_import(folder: Path, token: str, user_id: int, kind: Kind, counts: dict[str, int]) -> None:
    """Note that this upload was imported, by whom and with what result, for a second click."""
    note = {"user": user_id, "kind": kind.name, "counts": counts}
    (folder / f"{token}.done").write_text(json.dumps(note), encoding="utf-8")


STILL_IMPORTING = "busy"


def _imported(kind: Kind, token: str | None) -> dict[str, int] | str | None:
    """This user's import of this upload: its counts when done, STILL_IMPORTING, or None (unknown).

    A double click sends the second request while the first is still importing: wait for it.
    """
    if not token or not TOKEN_RE.match(token):
        return None
    folder = _upload_dir()
    deadline = time.monotonic() + WAIT_FOR_IMPORT
    while _importing(folder, token):
        if time.monotonic() > deadline:
            return STILL_IMPORTING
        time.sleep(0.2)
    try:
        note = json.loads((folder / f"{token}.done").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if note.get("user") != current_user.id or note.get("kind") != kind.name:
        return None
    return note.get("counts") or {}


def _flash_warnings(outcome, limit: int | None = None) -> None:
    """What the import does not refuse but the user should know (as the forms flash it)."""
    shown = outcome.warnings if limit is None else outcome.warnings[:limit]
    for warning in shown:
        flash(warning, "warning")
    if len(shown) < len(outcome.warnings):
        flash(ngettext("En nog %(num)d waarschuwing; die stond ook bij de controle van het bestand.",
                       "En nog %(num)d waarschuwingen; die stonden ook bij de controle van het bestand.",
                       len(outcome.warnings) - len(shown)), "warning")


def _confirm_form(kind: Kind, **kwargs) -> ConfirmForm:
    form = ConfirmForm(**kwargs)
    form.confirm_move.label.text = MOVE_LABELS.get(kind.name, form.confirm_move.label.text)
    return form


@bp.route("/")
@roles_required(*OFFICE)
def index():
    kinds = [get_kind(name) for name in KINDS]
    return render_template("dataio/index.html", kinds=[k for k in kinds if may_use(k, current_user)])


@bp.route("/<kind_name>/")
@roles_required(*OFFICE)
def kind_page(kind_name: str):
    kind = _kind(kind_name)
    return render_template("dataio/kind.html", kind=kind, form=UploadForm())


@bp.route("/<kind_name>/voorbeeld", methods=["POST"])
@roles_required(*OFFICE)
def preview(kind_name: str):
    kind = _kind(kind_name)
    form = UploadForm()
    if not form.validate_on_submit():
        return render_template("dataio/kind.html", kind=kind, form=form), 400
    upload = form.file.data
    if upload is None or not getattr(upload, "filename", ""):
        form.file.errors = [_("Kies een bestand om te uploaden.")]
        return render_template("dataio/kind.html", kind=kind, form=form), 422
    suffix = suffix_of(upload.filename)
    if suffix not in FORMATS:
        form.file.errors = [_("Kies een Excel-bestand (.xlsx) of een CSV-bestand (.csv).")]
        return render_template("dataio/kind.html", kind=kind, form=form), 422
    data = upload.read()
    try:
        outcome = import_file(kind, upload.filename, data, commit=False)
    except DatabaseBusy:
        form.file.errors = [_busy_message()]
        return render_template("dataio/kind.html", kind=kind, form=form), 503
    if outcome.file_problems and not outcome.rows:
        form.file.errors = [str(p) for p in outcome.file_problems] + ([outcome.sheet_note] if outcome.sheet else [])
        other = get_kind(outcome.other_kind)
        return render_template("dataio/kind.html", kind=kind, form=form,
                               other_kind=other if other is not None and may_use(other, current_user) else None), 422

    folder = _upload_dir()
    _clear_old_uploads(folder)
    _replace_previous()
    confirm = None
    if outcome.ok:
        token = secrets.token_hex(16)
        (folder / f"{token}.{suffix}").write_bytes(data)
        # "checked": what this check shows the rows do, which is all that "Importeren" may do.
        session[SESSION_KEY] = {"token": token, "kind": kind.name, "suffix": suffix, "name": upload.filename[:200],
                                "asks_move": outcome.asks_move, "checked": outcome.fingerprint}
        confirm = _confirm_form(kind, upload=token)
        _flash_warnings(outcome)
    # A file with problems is a refused form, as every other: "Fout:" in the title and 422.
    return render_template("dataio/preview.html", kind=kind, outcome=outcome, refused=not outcome.ok,
                           filename=_shown_name(upload.filename, outcome), confirm=confirm), \
        200 if outcome.ok else 422


@bp.errorhandler(413)
def upload_too_large(error):
    """An upload over the limit: the upload form again, saying the limit; elsewhere the app's page.

    Raised wherever the body is first read (CSRF protection reads it before the view, and before
    its role check), so the user is checked here.
    """
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    kind = get_kind((request.view_args or {}).get("kind_name", ""))
    if request.endpoint != "dataio.preview" or kind is None or not limit or not may_use(kind, current_user):
        from ..main.routes import too_large

        return too_large(error)
    form = UploadForm(formdata=None)  # the body is too large to read
    form.file.errors = [_("Het bestand is groter dan %(max)d MB, en meer kunnen we niet ontvangen. Kies een kleiner "
                          "bestand, of splits het in delen.", max=limit // (1024 * 1024))]
    return render_template("dataio/kind.html", kind=kind, form=form), 413


@bp.route("/<kind_name>/bevestigen", methods=["POST"])
@roles_required(*OFFICE)
def confirm(kind_name: str):
    kind = _kind(kind_name)
    form = ConfirmForm()
    token = form.upload.data if form.validate_on_submit() else None
    pending = _pending(kind, token)
    if pending and pending[1].get("asks_move") and not form.confirm_move.data:
        return _check_again(kind, token, *pending)
    claimed = _claim(pending[0]) if pending else None
    if claimed is None:
        counts = _imported(kind, token)
        pending = _pending(kind, token) if counts is None else None
        if pending:
            # A second click while the first found the data changed since the check: that click
            # put the file back, and this one shows the check again too.
            return _check_again(kind, token, *pending, changed_since_check=True)
        if counts == STILL_IMPORTING:
            flash(_("Dit bestand wordt nog geïmporteerd. Ga over een minuut terug en klik nog eens op Importeren: "
                    "dan zie je hoe het is gegaan. Het wordt niet twee keer geïmporteerd."), "info")
        elif counts is not None:
            flash(_("Dit bestand is al geïmporteerd: %(summary)s.", summary=summary_text(counts)), "info")
        elif token and token in (session.get(REPLACED_KEY) or []):
            flash(_("Je hebt daarna een ander bestand gecontroleerd. Die controle vervangt deze: er is niets "
                    "geïmporteerd. Upload dit bestand opnieuw als je het wilt importeren."), "error")
        else:
            flash(_("Deze upload is verlopen of niet gevonden. Er is niets geïmporteerd. Upload het bestand opnieuw."),
                  "error")
        return redirect(url_for("dataio.kind_page", kind_name=kind.name))
    stored = pending[1]
    outcome = busy = None
    try:
        # Check everything again: the database may have changed since the preview.
        # "Toch verplaatsen" as on the people forms: without it, a row that moves someone who
        # still has shifts in the old team's rosters is refused.
        outcome = _import_as_checked(kind, stored, claimed.read_bytes(), confirm_moves=bool(form.confirm_move.data))
        if outcome.committed:
            _record_import(claimed.parent, token, current_user.id, kind, outcome.counts)
    except DatabaseBusy:
        busy = True
    finally:
        if outcome is not None and outcome.changed_since_check:
            claimed.rename(pending[0])  # kept, for the check again and a next "Importeren"
        else:
            _forget(claimed)
    if busy:
        flash(_busy_message(), "error")
        return redirect(url_for("dataio.kind_page", kind_name=kind.name))
    if outcome.changed_since_check:
        return _check_again(kind, token, *pending, changed_since_check=True)
    if not outcome.committed:
        return render_template("dataio/preview.html", kind=kind, outcome=outcome, refused=True,
                               filename=_shown_name(stored["name"], outcome), confirm=None), 422
    flash(_("Het bestand is geïmporteerd: %(summary)s.", summary=outcome.summary), "success")
    _flash_warnings(outcome, FLASHED_WARNINGS)
    return redirect(url_for("dataio.kind_page", kind_name=kind.name))


def _import_as_checked(kind: Kind, stored: dict, data: bytes, *, confirm_moves: bool) -> Outcome:
    """import_file(commit=True) of the kept upload, committed only when its rows still do what the
    check showed (engine.run's `expect`): a change someone saved since then to a record the file
    changes is not overwritten unseen. Compared within the import's one transaction. An upload
    checked before checks had fingerprints expects none: it is shown again first."""
    return import_file(kind, stored["name"], data, commit=True, actor=current_user._get_current_object(),
                       confirm_moves=confirm_moves, expect=stored.get("checked") or "")


def _check_again(kind: Kind, token: str, path: Path, stored: dict, *, changed_since_check: bool = False):
    """The check again for the kept upload, as the database is now, and "Importeren" under it; what
    this page shows is what the next "Importeren" may do.

    For "Importeren" without "Toch verplaatsen" where the check asked it: the question as the box's
    error, as the people forms ask it. `changed_since_check`: the import found the rows would now
    do something the check did not show, and stored nothing; the page says so at its top, and
    "Toch verplaatsen" is asked again (a row may now move someone else).
    """
    outcome = import_file(kind, stored["name"], path.read_bytes(), commit=False)
    session[SESSION_KEY] = {**stored, "asks_move": outcome.asks_move, "checked": outcome.fingerprint}
    confirm = None
    if outcome.ok:
        if changed_since_check:
            confirm = _confirm_form(kind, formdata=None, upload=token)
        else:
            confirm = _confirm_form(kind, upload=token)
            confirm.confirm_move.errors = [_("Vink 'Toch verplaatsen' aan om deze rijen zo te importeren, of "
                                             "verbeter het bestand en upload het opnieuw.")]
        _flash_warnings(outcome)
    return render_template("dataio/preview.html", kind=kind, outcome=outcome, refused=True,
                           changed_since_check=changed_since_check,
                           filename=_shown_name(stored["name"], outcome), confirm=confirm), \
        409 if changed_since_check else 422


def _download(body: bytes, name: str, fmt: str) -> Response:
    mimetype = writing.XLSX_MIMETYPE if fmt == "xlsx" else writing.CSV_MIMETYPE
    response = Response(body, content_type=mimetype)  # mimetype= would add a second charset
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/<kind_name>/sjabloon.<fmt>")
@roles_required(*OFFICE)
def template(kind_name: str, fmt: str):
    kind = _kind(kind_name)
    if fmt not in FORMATS:
        abort(404)
    return _download(writing.template(kind, fmt), writing.filename(kind, fmt, template_file=True), fmt)


@bp.route("/<kind_name>/export.<fmt>")
@roles_required(*OFFICE)
def export(kind_name: str, fmt: str):
    kind = _kind(kind_name)
    if fmt not in FORMATS:
        abort(404)
    body = writing.export(kind, fmt)
    # Exports hold personal data: who took them out is worth knowing.
    audit.record(f"export_{kind.name}", None, detail=f"format={fmt}")
    db.session.commit()
    return _download(body, writing.filename(kind, fmt), fmt)
