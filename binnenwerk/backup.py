"""Backup and restore of the embedded SQLite database (PostgreSQL uses pg_dump, see README)."""
from __future__ import annotations

import os
import sqlite3
import tempfile
from pathlib import Path

from sqlalchemy.engine import make_url

from .extensions import db


class BackupError(Exception):
    """A refusal with a message for the person at the command line."""


def sqlite_path() -> Path:
    url = make_url(str(db.engine.url))
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        raise BackupError(
            "backup and restore work on the embedded SQLite database; for PostgreSQL use "
            "pg_dump and pg_restore (see README)"
        )
    return Path(url.database)


def backup(target: Path) -> int:
    """Write a consistent copy while the app keeps running (SQLite's online backup API).

    Returns the number of tables copied. The copy is written beside the target and renamed, so an
    interrupted backup never leaves a half file under the target's name.
    """
    source_path = sqlite_path()
    target = Path(target)
    if target.resolve() == source_path.resolve():
        raise BackupError("the backup file cannot be the database itself")
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, partial = tempfile.mkstemp(dir=target.parent, suffix=".partial")
    os.close(fd)
    try:
        with sqlite3.connect(source_path) as source, sqlite3.connect(partial) as copy:
            source.backup(copy)
            tables = copy.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0]
        os.replace(partial, target)
    finally:
        if os.path.exists(partial):
            os.unlink(partial)
    return tables


def _check_backup(path: Path) -> str:
    """The backup's schema revision; refuses files that are not a Binnenwerk database."""
    if not path.is_file():
        raise BackupError(f"no such file: {path}")
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
            integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
            if integrity != "ok":
                raise BackupError(f"the backup is damaged: {integrity}")
            names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if not {"alembic_version", "user", "employee", "roster"} <= names:
                raise BackupError("this file is not a Binnenwerk backup")
            return conn.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    except sqlite3.DatabaseError as error:
        raise BackupError(f"this file is not a SQLite database: {error}") from error


def restore(source: Path) -> str:
    """Replace the database with a backup, all or nothing. Returns the restored schema revision.

    The backup is checked first; it is copied in through the backup API into the live database
    file, which SQLite applies in one transaction, so a failed restore leaves the old data.
    """
    source = Path(source)
    revision = _check_backup(source)
    target_path = sqlite_path()
    db.session.remove()
    db.engine.dispose()
    with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as backup_conn, sqlite3.connect(target_path) as live:
        backup_conn.backup(live)
    return revision
