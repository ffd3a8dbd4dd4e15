"""`flask --app binnenwerk import KIND FILE [--dry-run]` and `export KIND FILE`."""
from __future__ import annotations

import os
import stat
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from flask_babel import gettext as _
from flask_babel import ngettext

from .. import audit
from ..cli import write_private_file
from ..extensions import db
from . import KINDS, writing
from .api import get_kind, import_file
from .reading import suffix_of


def _dutch_context():
    """A request context for the commands: the app's locale selector reads the session, and
    the audit log reads the origin ("cli") from the request."""
    return current_app.test_request_context(environ_base={"REMOTE_ADDR": "cli"})


def init_app(app: Flask) -> None:
    app.cli.add_command(import_command)
    app.cli.add_command(export_command)


@click.command("import")
@click.argument("kind_name", metavar="KIND", type=click.Choice(KINDS))
@click.argument("source", metavar="FILE", type=click.Path(exists=True, dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Only check the file; store nothing.")
@click.option("--confirm-moves", is_flag=True,
              help="Move people to another team even where they still have shifts in the old team's rosters "
                   "(the forms' 'Toch verplaatsen'); without it such rows are refused.")
@with_appcontext
def import_command(kind_name: str, source: str, dry_run: bool, confirm_moves: bool) -> None:
    """Import teams, supervisors, employees or requests from an .xlsx or .csv FILE (all or nothing)."""
    kind = get_kind(kind_name)
    path = Path(source)
    with _dutch_context():
        body = _read_limited(path, current_app.config["MAX_CONTENT_LENGTH"])
        outcome = import_file(kind, path.name, body, commit=not dry_run, confirm_moves=confirm_moves)
        # One line per problem, tab-separated, so a script can read it too.
        for problem in outcome.problems:
            where = _("rij %(row)d", row=problem.row) if problem.row else _("bestand")
            click.echo("\t".join((where, _("kolom %(column)s", column=problem.column or "-"),
                                   _("waarde '%(value)s'", value=problem.value),
                                   _other_kind_sentence(outcome.other_kind, path.name) or problem.sentence)),
                       err=True)
        if not outcome.ok:
            click.echo(ngettext("Niets geïmporteerd: %(num)d probleem in %(file)s.",
                                "Niets geïmporteerd: %(num)d problemen in %(file)s.",
                                len(outcome.problems), file=path.name), err=True)
            if outcome.sheet_note:
                click.echo(outcome.sheet_note, err=True)
            if outcome.asks_move and not confirm_moves:
                click.echo(_("Toch verplaatsen? Voeg --confirm-moves toe."), err=True)
            raise SystemExit(1)
        if outcome.sheet_read:
            click.echo(outcome.sheet_read)
        if dry_run:
            click.echo(_("Controle geslaagd, niets opgeslagen (--dry-run): %(summary)s.", summary=outcome.summary))
        else:
            click.echo(_("Geïmporteerd: %(summary)s.", summary=outcome.summary))
        for warning in outcome.warnings:  # worth knowing, but the import went through
            click.echo(warning, err=True)


def _read_limited(path: Path, limit: int) -> bytes:
    """The file's bytes, at most `limit` of them: a device or a pipe (/dev/zero, /dev/stdin) is
    refused before it is read, and a file that grows while it is read is stopped at the limit + 1
    byte, never read into memory whole. Opened without waiting (a pipe with no writer would hang)."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except PermissionError:
        raise click.ClickException(_("Kan %(file)s niet lezen: geen leesrechten.", file=path)) from None
    except OSError as error:
        raise click.ClickException(_("Kan %(file)s niet lezen: %(reason)s.", file=path,
                                     reason=error.strerror or error)) from None
    with os.fdopen(fd, "rb") as fh:
        status = os.fstat(fd)
        if not stat.S_ISREG(status.st_mode):
            raise click.ClickException(_("%(file)s is geen gewoon bestand. Importeer een .xlsx- of .csv-bestand.",
                                         file=path))
        body = b"" if status.st_size > limit else fh.read(limit + 1)
    if status.st_size > limit or len(body) > limit:
        raise click.ClickException(_("Het bestand is groter dan 10 MB. Splits het in kleinere bestanden."))
    return body


def _other_kind_sentence(other_kind: str, file: str) -> str:
    """Another kind's file, said for the command line: the page's "Upload het bij ..." is no help here."""
    other = get_kind(other_kind) if other_kind else None
    if other is None:
        return ""
    return _("Dit lijkt een bestand met %(content)s. Importeer het zo: flask --app binnenwerk import %(kind)s "
             "%(file)s", content=other.content, kind=other.name, file=file)


@click.command("export")
@click.argument("kind_name", metavar="KIND", type=click.Choice(KINDS))
@click.argument("target", metavar="FILE", type=click.Path(dir_okay=False))
@with_appcontext
def export_command(kind_name: str, target: str) -> None:
    """Write all teams, supervisors, employees or requests to FILE (.xlsx or .csv, by its extension)."""
    kind = get_kind(kind_name)
    fmt = suffix_of(target)
    with _dutch_context():
        if fmt not in ("xlsx", "csv"):
            raise click.ClickException(_("Geef een bestandsnaam die eindigt op .xlsx of .csv."))
        body = writing.export(kind, fmt)
        write_private_file(target, body)
        audit.record(f"export_{kind.name}", None, detail=f"format={fmt}")
        db.session.commit()
        click.echo(_("Geschreven: %(file)s.", file=target))
