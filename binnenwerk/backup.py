"""Backup and restore of the embedded SQLite database (PostgreSQL uses pg_dump, see README)."""
from __future__ import annotations

import errno
import os
import sqlite3
import stat
import tempfile
from contextlib import closing
from pathlib import Path
from typing import TYPE_CHECKING

from alembic import command
from alembic.script import ScriptDirectory
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.engine import make_url

from . import create_private_file
from . import models  # noqa: F401  (the models fill db.metadata, the schema a backup must have)
from .extensions import db

if TYPE_CHECKING:
    from .privacy import Reapplied


class BackupError(Exception):
    """A refusal with a message for the person at the command line."""


def sqlite_path() -> Path:
    url = make_url(str(db.engine.url))
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        raise BackupError(_(
            "Back-up en terugzetten werken op de ingebouwde SQLite-database; gebruik voor "
            "PostgreSQL pg_dump en pg_restore (zie README)."
        ))
    return Path(url.database)


def _read_only(path: Path) -> sqlite3.Connection:
    # A URI, so a file that is missing is an error instead of a new empty database.
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)


def write_problem(target: Path, error: OSError) -> str:
    """Why a file could not be written, in words for the person at the command line (also the
    export commands')."""
    if isinstance(error, IsADirectoryError):
        return _("Kan %(file)s niet schrijven: dat is een map.", file=target)
    if not target.parent.is_dir():
        return _("Kan %(file)s niet schrijven: de map %(folder)s bestaat niet.", file=target, folder=target.parent)
    if isinstance(error, PermissionError) or error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return _("Kan %(file)s niet schrijven: geen schrijfrechten in die map.", file=target)
    if error.errno == errno.ENOSPC:
        return _("Kan %(file)s niet schrijven: de schijf is vol.", file=target)
    if isinstance(error, FileNotFoundError):  # the folder is there: a system folder such as /proc
        return _("Kan %(file)s niet schrijven: in de map %(folder)s kunnen geen bestanden worden gemaakt.",
                 file=target, folder=target.parent)
    return _("Kan %(file)s niet schrijven: %(reason)s.", file=target, reason=error.strerror or error)


def _make_folder(target: Path) -> None:
    """The target's folder, made if it is not there: readable by its owner only, as the copy is."""
    try:
        target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as error:
        raise BackupError(_("Kan %(file)s niet schrijven: de map %(folder)s bestaat niet en kan niet worden gemaakt.",
                            file=target, folder=target.parent)) from error


def _refuse_special_target(target: Path) -> None:
    """Only a regular file is replaced. os.replace() puts the copy in place of a link (the off-site
    copy it pointed to is no longer updated) or of a device file (/dev/full, as root); writing
    through a link instead lets whoever can make a link in that folder choose the file overwritten."""
    try:
        mode = target.lstat().st_mode
    except OSError:
        return  # not there, or no rights to look (writing says why)
    if stat.S_ISLNK(mode):
        raise BackupError(_("%(file)s is een link. Een back-up vervangt geen link: geef het bestand waar de link naar "
                            "wijst.", file=target))
    if not stat.S_ISREG(mode):
        raise BackupError(_("%(file)s is geen gewoon bestand. Een back-up vervangt alleen een gewoon bestand.",
                            file=target))


def backup(target: Path) -> int:
    """Write a consistent copy while the app keeps running (SQLite's online backup API).

    Returns the number of tables copied. The copy is written beside the target and renamed, so an
    interrupted backup never leaves a half file under the target's name.
    """
    source_path = sqlite_path()
    target = Path(target)
    if not source_path.is_file():
        raise BackupError(_("De database %(file)s bestaat nog niet; maak hem eerst met init-db.", file=source_path))
    if target.resolve() == source_path.resolve():
        raise BackupError(_("Het back-upbestand kan niet de database zelf zijn."))
    _refuse_special_target(target)
    _make_folder(target)
    partial = None
    try:
        fd, partial = tempfile.mkstemp(dir=target.parent, suffix=".partial")
        os.close(fd)
        # Read-write on the live database: SQLite may need to roll back a crashed writer's journal.
        with closing(sqlite3.connect(source_path)) as source, closing(sqlite3.connect(partial)) as copy:
            source.backup(copy)
            tables = copy.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0]
        if not tables:  # a copy of nothing would pass for a backup
            raise BackupError(_("De database %(file)s heeft nog geen tabellen: er is niets om te bewaren. Maak ze "
                                "eerst met init-db.", file=source_path))
        os.replace(partial, target)
    except OSError as error:
        raise BackupError(write_problem(target, error)) from error
    except sqlite3.Error as error:
        raise BackupError(_("De back-up is niet geschreven: %(error)s.", error=error)) from error
    finally:
        if partial and os.path.exists(partial):
            os.unlink(partial)
    return tables


def _migrations() -> ScriptDirectory:
    return ScriptDirectory.from_config(current_app.extensions["migrate"].migrate.get_config())


def _app_tables() -> set[str]:
    return set(db.metadata.tables)


SQLITE_HEADER = b"SQLite format 3\x00"


def _starts_as_sqlite(path: Path) -> bool:
    try:
        with open(path, "rb") as fh:
            return fh.read(len(SQLITE_HEADER)) == SQLITE_HEADER
    except OSError:
        return False


def _damaged(path: Path, detail: object) -> str:
    return _("De back-up %(file)s is beschadigd of onvolledig (%(detail)s). Zet een oudere back-up terug.",
             file=path, detail=detail)


def check_backup(path: Path) -> str:
    """The backup's schema revision, one of this app's migrations; refuses anything else.

    Reads the file only, so a refusal leaves the live database as it was.
    """
    if not path.exists():
        raise BackupError(_("Het bestand %(file)s bestaat niet.", file=path))
    if not path.is_file():  # a folder, a FIFO, a device: no back-up, and reading one may never end
        raise BackupError(_("%(file)s is geen gewoon bestand: het is geen back-up.", file=path))
    unchanged = _("De database is niet veranderd.")
    if path.stat().st_size == 0:  # SQLite reads an empty file as an empty database: no tables at all
        raise BackupError(_("Het bestand %(file)s is leeg: het is geen back-up.", file=path) + " " + unchanged)
    try:
        with closing(_read_only(path)) as conn:
            integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
            if integrity != "ok":
                raise BackupError(_damaged(path, integrity) + " " + unchanged)
            names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            rows = conn.execute("SELECT version_num FROM alembic_version").fetchall() \
                if "alembic_version" in names else None
    except sqlite3.DatabaseError as error:
        # A file that starts as SQLite's do but cannot be read (cut off in a copy, a bad disk) is a
        # damaged backup: the operator should look for an older one, not for another kind of file.
        if _starts_as_sqlite(path):
            raise BackupError(_damaged(path, error) + " " + unchanged) from error
        raise BackupError(_("%(file)s is geen SQLite-database.", file=path) + " " + unchanged) from error
    foreign = _("%(file)s is geen back-up van Binnenwerk Teamplanner maar van een andere toepassing.", file=path)
    if rows is None:
        raise BackupError(foreign + " " + unchanged)
    if len(rows) != 1 or not isinstance(rows[0][0], str) or not rows[0][0]:
        raise BackupError(_("De versietabel (alembic_version) van %(file)s is leeg of beschadigd.", file=path)
                          + " " + unchanged)
    revision = rows[0][0]
    known = {script.revision for script in _migrations().walk_revisions()}
    if revision not in known:
        if _app_tables() <= names:  # this app's schema, from a migration this version does not have
            raise BackupError(_(
                "%(file)s is een back-up van een nieuwere versie van Binnenwerk Teamplanner (schemaversie "
                "%(revision)s); update de app eerst en zet de back-up daarna terug.", file=path, revision=revision,
            ) + " " + unchanged)
        raise BackupError(foreign + " " + unchanged)
    return revision


def _migrate(copy: Path) -> None:
    """Bring a copy to the newest schema with this app's migrations, in an app bound to the copy."""
    from . import create_app

    config = dict(current_app.config, SQLALCHEMY_DATABASE_URI=f"sqlite:///{copy}")
    staging = create_app(config)
    with staging.app_context():
        try:
            # alembic's command, not Flask-Migrate's upgrade(): that one exits the process on errors.
            command.upgrade(staging.extensions["migrate"].migrate.get_config(), "head")
        finally:
            db.session.remove()
            db.engine.dispose()


def _missing_schema(copy: Path) -> list[str]:
    """The app's tables and columns the migrated copy lacks."""
    missing = []
    with closing(sqlite3.connect(copy)) as conn:
        for table in db.metadata.sorted_tables:
            columns = {row[1] for row in conn.execute(f'PRAGMA table_info("{table.name}")')}
            if not columns:
                missing.append(table.name)
            else:
                missing.extend(f"{table.name}.{c.name}" for c in table.columns if c.name not in columns)
    return missing


class Restored(str):
    """What restore() returns: the backup's schema revision (a str, as restore always returned),
    with how many people it anonymised again (`anonymised_again`), how many absences the absence
    purge's term deleted (`absences_purged`) and how many people of the record the backup holds with
    another first day of their contract (`other_person`, left alone): see _apply_privacy."""

    anonymised_again: int = 0
    absences_purged: int = 0
    other_person: int = 0


def apply_record(record: dict) -> Reapplied:
    """Apply the record of anonymisations (privacy.read_record) to the database of the app in
    context: anonymise again whoever it lists whom the database holds from before their
    anonymisation, delete the absences the last absence purge's term has passed
    (privacy.reapply_after_restore, with its audit rows). What restore does in its copy, and
    `flask reapply-anonymisations` after a pg_restore. Commits."""
    from . import privacy
    from .formatting import local_today

    if not record:
        return privacy.Reapplied()
    return privacy.reapply_after_restore(record, today=local_today())


def _apply_privacy(copy: Path, record: dict) -> Reapplied:
    """In the migrated copy, before it goes in: anonymise again whoever was anonymised after the
    backup was made (the record beside the live database, privacy.record_path: the backup holds
    them as they were, health data included, and has lost the anonymisation's audit row), and
    delete the absences the last absence purge's term has passed (apply_record). In an app bound
    to the copy, as _migrate."""
    from . import create_app, privacy

    if not record:
        return privacy.Reapplied()
    config = dict(current_app.config, SQLALCHEMY_DATABASE_URI=f"sqlite:///{copy}")
    staging = create_app(config)
    with staging.app_context():
        try:
            return apply_record(record)
        finally:
            db.session.remove()
            db.engine.dispose()


def restore(source: Path) -> Restored:
    """Replace the database with a backup, all or nothing. Returns the backup's schema revision
    (Restored: with how many people were anonymised again and absences purged).

    The backup is checked, copied beside the live database and migrated there; whoever was
    anonymised since the backup was made is anonymised again in that copy, and the absences the
    last purge's term has passed are deleted (_apply_privacy, from the record beside the live
    database, privacy.record_path). Only a copy that migrated cleanly and has this app's schema goes
    in, through the backup API into the live database file, which SQLite applies in one
    transaction. Any refusal or failure before that leaves the live database untouched.
    """
    from . import privacy

    source = Path(source)
    revision = check_backup(source)  # again: the file may have changed since the command asked
    target_path = sqlite_path()
    unchanged = _("De database is niet veranderd.")
    try:
        # Read before anything is done: a record that cannot be read would let anonymised people back.
        record = privacy.read_record(target_path.parent / privacy.RECORD_NAME)
    except privacy.RecordError as error:
        raise BackupError(error.message + " " + unchanged) from error
    staging = None
    reapplied = privacy.Reapplied()
    try:
        target_path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        # Before SQLite makes it: a file SQLite creates is readable by every user (0644).
        create_private_file(target_path)
        fd, staging = tempfile.mkstemp(dir=target_path.parent, suffix=".restore")
        os.close(fd)
        staging = Path(staging)
        with closing(_read_only(source)) as backup_conn, closing(sqlite3.connect(staging)) as copy:
            backup_conn.backup(copy)
        try:
            _migrate(staging)
        except Exception as error:  # any failure of a migration: report it, keep the live database
            raise BackupError(_(
                "De back-up kon niet naar de nieuwste schemaversie worden bijgewerkt: %(error)s.",
                error=getattr(error, "orig", None) or error,  # the database's words, without SQLAlchemy's links
            ) + " " + unchanged) from error
        missing = _missing_schema(staging)
        if missing:
            raise BackupError(_(
                "%(file)s is geen back-up van Binnenwerk Teamplanner maar van een andere toepassing.", file=source,
            ) + " " + _("Na het bijwerken ontbreken: %(missing)s.", missing=", ".join(missing[:10]))
                + " " + unchanged)
        try:
            reapplied = _apply_privacy(staging, record)
        except Exception as error:  # the copy would bring anonymised people back: it does not go in
            raise BackupError(_(
                "Eerder geanonimiseerde medewerkers konden in de back-up niet opnieuw worden geanonimiseerd: "
                "%(error)s.", error=getattr(error, "orig", None) or error) + " " + unchanged) from error
        db.session.remove()
        db.engine.dispose()
        with closing(sqlite3.connect(staging)) as copy, closing(sqlite3.connect(target_path)) as live:
            copy.backup(live)
    except OSError as error:
        raise BackupError(write_problem(target_path, error) + " " + unchanged) from error
    except sqlite3.Error as error:
        raise BackupError(_("De back-up is niet teruggezet: %(error)s.", error=error) + " " + unchanged) from error
    finally:
        if staging and os.path.exists(staging):
            os.unlink(staging)
    restored = Restored(revision)
    restored.anonymised_again, restored.absences_purged, restored.other_person = reapplied
    return restored
