"""Command-line tasks: `flask --app binnenwerk init-db | seed-demo | create-user`."""
from __future__ import annotations

import functools
import os

import click
from flask import Flask
from flask.cli import AppGroup, ScriptInfo, with_appcontext
from flask_babel import gettext as _
from flask_migrate import upgrade
from sqlalchemy import func, select
from sqlalchemy.exc import DatabaseError, OperationalError

from .extensions import db
from .models import Ministry, Role, Team, User


class Commands(AppGroup):
    """The app's `flask` commands (create_app puts it in app.cli's place). A command that meets a
    database it cannot use (not reachable, its folder missing, no tables yet) ends with a message
    instead of SQLAlchemy's traceback; so do the commands of a group (plan, account)."""

    def add_command(self, cmd: click.Command, name: str | None = None) -> None:
        # Once: the commands are module-level, added again to each app create_app() makes.
        if not getattr(cmd.invoke, "explains_database_errors", False):
            cmd.invoke = _explaining_database_errors(cmd.invoke)
        super().add_command(cmd, name)


def _explaining_database_errors(invoke):
    @functools.wraps(invoke)
    def wrapper(ctx: click.Context):
        try:
            return invoke(ctx)
        except DatabaseError as error:  # OperationalError, ProgrammingError, "file is not a database"
            problem = database_problem(error, ctx.ensure_object(ScriptInfo).load_app())
            if problem is None:
                raise
            raise click.ClickException(problem) from None

    wrapper.explains_database_errors = True
    return wrapper


# PostgreSQL's codes for a table or column that is not there (psycopg's UndefinedTable/-Column).
MISSING_SCHEMA_CODES = ("42P01", "42703")
SQLITE_MISSING_SCHEMA = ("no such table", "no such column", "has no column named")


def database_problem(error: DatabaseError, app: Flask) -> str | None:
    """What went wrong with the database, for the person at the command line; None for an error
    that is no matter of the setup (a bug: its traceback is wanted). The driver's first line only:
    PostgreSQL's next lines quote the statement."""
    from . import sqlite_file

    detail = (str(error.orig).strip().splitlines() or [""])[0]
    if getattr(error.orig, "sqlstate", None) in MISSING_SCHEMA_CODES or any(
            words in detail for words in SQLITE_MISSING_SCHEMA):
        return _("De database heeft de tabellen van deze versie nog niet (%(detail)s). Maak of werk ze bij "
                 "met: flask --app binnenwerk init-db", detail=detail)
    # A setup's errors: the database not reached or not opened, or a file that is no database (a plain
    # DatabaseError); an integrity or data error is a bug, whose traceback is wanted.
    if not isinstance(error, OperationalError) and type(error) is not DatabaseError:
        return None
    path = sqlite_file(app.config["SQLALCHEMY_DATABASE_URI"], app.instance_path)
    if path is None:
        # An error with a code is the server's answer (a deadlock, a timeout): it was reached.
        return None if getattr(error.orig, "sqlstate", None) else _(
            "De database is niet bereikbaar: %(detail)s", detail=detail)
    if not path.parent.is_dir():
        return _("De map %(folder)s van de database bestaat niet. Maak de map of pas DATABASE_URL aan.",
                 folder=path.parent)
    return _("Het databasebestand %(file)s is niet te gebruiken: %(detail)s", file=path, detail=detail)


def write_private_file(path: str, body: bytes) -> None:
    """Write a command's output file readable by its owner only (names, phone numbers, hours a day
    that may be a doctor's limit), also over a file that was there with wider rights; a folder
    that is not there, or no rights, is a message, not a traceback."""
    from pathlib import Path

    from .backup import write_problem

    try:
        with open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as fh:
            os.chmod(path, 0o600)
            fh.write(body)
    except OSError as error:
        raise click.ClickException(write_problem(Path(path), error)) from None


def init_app(app: Flask) -> None:
    app.cli.add_command(init_db)
    app.cli.add_command(seed_demo)
    app.cli.add_command(create_user)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
    app.cli.add_command(reapply_anonymisations_command)
    app.cli.add_command(purge_absences_command)
    from .dataio.cli import init_app as init_dataio_commands
    from .plan_cli import plan

    init_dataio_commands(app)  # import and export
    app.cli.add_command(plan)
    from .security import account_command

    account_command.add_command(reset_password_command)  # beside unlock and reset-mfa


@click.command("init-db")
@with_appcontext
def init_db() -> None:
    """Create or upgrade the database schema to the newest migration, and say which it did."""
    before = _schema_revision()
    _refuse_unknown_revision(before)
    _drop_leftover_copies()
    upgrade()
    after = _schema_revision()
    if before is None:
        click.echo(_("De database is gemaakt (schemaversie %(after)s).", after=after))
    elif before != after:
        click.echo(_("De database is bijgewerkt van schemaversie %(before)s naar %(after)s.",
                     before=before, after=after))
    else:
        click.echo(_("De database heeft al de nieuwste schemaversie (%(after)s).", after=after))
    _make_sqlite_file_private()
    with db.engine.connect() as connection:  # not the session: its open transaction would outlast the command
        accounts = connection.scalar(select(func.count(User.id)))
    if not accounts:
        _say_how_to_make_the_first_admin()


def _say_how_to_make_the_first_admin() -> None:
    """The next step on a database without accounts: nobody can log in yet (README, Production)."""
    click.echo(_("Er is nog geen account. Maak het eerste beheerdersaccount met:"))
    click.echo(f'  flask --app binnenwerk create-user --email {_("E-MAILADRES")} --name "{_("NAAM")}" --role admin')
    click.echo(_("De opdracht vraagt het wachtwoord; bij de eerste keer inloggen kies je een eigen wachtwoord. "
                 "Alleen voor een demo of een test (nooit met echte gegevens): flask --app binnenwerk seed-demo"))


# The copy of a table Alembic's batch migration makes on SQLite (copy, drop the table, rename the copy).
BATCH_COPY_PREFIX = "_alembic_tmp_"


def _drop_leftover_copies() -> None:
    """Drop the half copies of tables that an upgrade by an older version left when it was stopped
    (Ctrl-C, a killed process): that version's migrations were not all or nothing on SQLite, and
    the next upgrade failed on "table _alembic_tmp_... already exists" forever. A copy whose table
    is gone holds the only rows left: refused, the database is not changed."""
    from sqlalchemy import inspect

    with db.engine.begin() as connection:
        tables = set(inspect(connection).get_table_names())
        copies = sorted(name for name in tables if name.startswith(BATCH_COPY_PREFIX))
        for copy in copies:
            table = copy[len(BATCH_COPY_PREFIX):]
            if table not in tables:
                raise click.ClickException(_(
                    "De tabel %(table)s ontbreekt, en %(copy)s is een kopie ervan van een update die is "
                    "onderbroken. Zet een back-up van vóór die update terug. De database is niet veranderd.",
                    table=table, copy=copy))
        quote = connection.dialect.identifier_preparer.quote
        for copy in copies:
            connection.exec_driver_sql(f"DROP TABLE {quote(copy)}")
    for copy in copies:
        click.echo(_("De tabel %(copy)s is verwijderd: een halve kopie van een eerdere update die is onderbroken.",
                     copy=copy))


def _refuse_unknown_revision(revision: str | None) -> None:
    """A database at a migration this version does not have was updated by a newer version (a
    rollback of the code, not of the data): said in words instead of Alembic's "Can't locate
    revision", before anything is changed."""
    from .backup import _migrations

    if revision is None or revision in {script.revision for script in _migrations().walk_revisions()}:
        return
    raise click.ClickException(_(
        "De database is bijgewerkt door een nieuwere versie van Binnenwerk Teamplanner (schemaversie "
        "%(revision)s). Deze versie kent die schemaversie niet. Zet de nieuwere versie van de app weer terug, "
        "of zet een back-up van vóór die update terug. De database is niet veranderd.", revision=revision))


def _make_sqlite_file_private() -> None:
    """An SQLite database file holds health notes: readable by its owner only (0600), also a file
    made before the app created it so (SQLite's own default is 0644)."""
    import os
    import stat

    from flask import current_app

    from . import sqlite_file

    path = sqlite_file(current_app.config["SQLALCHEMY_DATABASE_URI"], current_app.instance_path)
    if path is None or not path.exists():
        return
    for part in (path, *(path.with_name(path.name + end) for end in ("-wal", "-shm", "-journal"))):
        if part.exists() and stat.S_IMODE(part.stat().st_mode) & 0o077:
            os.chmod(part, 0o600)
            click.echo(_("%(file)s is nu alleen leesbaar voor de eigenaar (0600).", file=part))


def _schema_revision() -> str | None:
    """The migration the database is at, or None for a database without one (a new file)."""
    from alembic.runtime.migration import MigrationContext

    with db.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


# The kinds demo.seed() counts, as the command says them.
DEMO_KINDS = {"absences": "afwezigheden", "employees": "medewerkers", "locations": "locaties",
              "ministries": "ministeries", "requests": "aanvragen", "supervisors": "teamleiders", "teams": "teams",
              "users": "accounts", "work_types": "werksoorten"}


@click.command("seed-demo")
@click.option("--size", type=click.Choice(["small", "large"]), default="small", show_default=True)
@click.option("--if-empty", is_flag=True, help="Only seed when the database has no users yet.")
@click.option("--busy", is_flag=True,
              help="With --size large: every team's home location asks for its work most days "
                   "(about the week of all of Binnenwerk; its rosters take a minute to solve).")
@click.option("--force", is_flag=True,
              help="Load the demo beside accounts of other domains too (a test database only).")
@with_appcontext
def seed_demo(size: str, if_empty: bool, busy: bool, force: bool) -> None:
    """Load demo data (idempotent): small is 6 teams, large is 100 teams for benchmarks.
    Never on a real database: its accounts have the password the README publishes."""
    from . import demo
    from .planning import seed_demo_rosters

    if if_empty and db.session.scalar(select(func.count(User.id))):
        click.echo(_("De database heeft al gegevens. De demo is niet geladen."))
        return
    # Demo accounts are all of the reserved domain .example: one of another domain is a real one.
    real = db.session.scalar(select(User.email).where(~User.email.like("%.example")).order_by(User.id).limit(1))
    if real is not None and not force:
        raise click.ClickException(
            f"Deze database heeft al echte accounts (zoals {real}). De demo maakt accounts met het "
            "wachtwoord dat in de README staat; die horen niet in een echte database. Er is niets veranderd. "
            "(Een testdatabase? Gebruik dan --force.)")
    if busy and size != "large":
        raise click.UsageError(_("--busy hoort bij --size large (de kleine demo is al druk)."))
    added = demo.seed(size, busy=busy)
    summary = ", ".join(f"{n} {DEMO_KINDS.get(kind, kind)}" for kind, n in sorted(added.items())) or _("niets nieuws")
    click.echo(_("Demogegevens (%(size)s): %(summary)s.", size=size, summary=summary))
    if busy and "requests" not in added:
        click.echo(_("De database had al aanvragen. Daarom voegde --busy er geen toe: begin met een lege database."))
    click.echo(seed_demo_rosters(size))


@click.command("create-user")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--ministry", help="Ministry code, for a ministry contact (e.g. BZK).")
@click.option("--team", "teams", multiple=True, help="Team name a team leader leads (repeatable).")
@click.option("--password", help="Without it, the command asks for the password twice, without showing it.")
@with_appcontext
def create_user(email: str, name: str, role: str, ministry: str | None, teams: tuple[str, ...],
                password: str | None) -> None:
    """Create a user account; the same rules as the admin page (the person sets a new password at first login)."""
    from .services import ServiceError
    from .services.admin import UserInput, _check_email, _resolve_user_links
    from .services.admin import create_user as create

    _refuse_too_long(email=email, name=name)
    ministry_id = None
    if ministry:
        found = db.session.scalar(select(Ministry).where(Ministry.code == ministry.upper()))
        if found is None:
            raise click.ClickException(_("Onbekende code van een ministerie: %(code)s", code=ministry))
        ministry_id = found.id
    team_ids = []
    for team_name in teams:
        team = db.session.scalar(select(Team).where(Team.name == team_name))
        if team is None:
            raise click.ClickException(_("Onbekend team: %(name)s", name=team_name))
        team_ids.append(team.id)
    # Everything but the password is checked before the command asks for it, not after.
    details = UserInput(email=email, name=name, role=role, ministry_id=ministry_id, team_ids=team_ids)
    try:
        _check_email(email, None)
        if not name.strip():
            raise ServiceError(_("Vul een naam in."))
        _resolve_user_links(details, None)
    except ServiceError as error:
        raise click.ClickException(error.message) from error
    if password is None:
        password = _ask_password()
    try:
        user = create(UserInput(email=email, name=name, role=role, ministry_id=ministry_id,
                                team_ids=team_ids, password=password))
    except ServiceError as error:
        raise click.ClickException(error.message) from error
    click.echo(_("Account %(email)s (%(role)s) aangemaakt.", email=user.email, role=role))


def _refuse_too_long(*, email: str, name: str) -> None:
    """The admin page's limits (MaxLength(200) on name and e-mail, the columns' length), before the
    password is asked: PostgreSQL refused a longer value only when storing it (a traceback), SQLite
    stored it whole."""
    email_max, name_max = User.__table__.c.email.type.length, User.__table__.c.name.type.length
    if len(email.strip()) > email_max:
        raise click.ClickException(_("Het e-mailadres is te lang: %(length)d tekens. Het mag hoogstens %(max)d "
                                     "tekens hebben.", length=len(email.strip()), max=email_max))
    if len(name.strip()) > name_max:
        raise click.ClickException(_("De naam is te lang: %(length)d tekens. Hij mag hoogstens %(max)d tekens "
                                     "hebben.", length=len(name.strip()), max=name_max))


def _ask_password(label: str | None = None) -> str:
    """The password typed twice, hidden, asked in the app's words (click's own ask in English)."""
    while True:
        password = click.prompt(label or _("Wachtwoord"), hide_input=True)
        if click.prompt(_("Typ het wachtwoord nog een keer"), hide_input=True) == password:
            return password
        click.echo(_("De twee wachtwoorden zijn niet hetzelfde."), err=True)


@click.command("backup")
@click.argument("target", type=click.Path(dir_okay=False))
@with_appcontext
def backup_command(target: str) -> None:
    """Write a consistent copy of the SQLite database to TARGET (safe while the app runs).

    TARGET is a new file or a regular file, which the copy replaces; a link or a device file is
    refused (give the file a link points to). A missing folder is made, readable by its owner only.
    """
    from pathlib import Path

    from .backup import BackupError, backup

    try:
        tables = backup(Path(target))
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(_("Back-up geschreven naar %(file)s (%(tables)d tabellen).", file=target, tables=tables))


@click.command("restore")
@click.argument("source", type=click.Path(dir_okay=False))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def restore_command(source: str, yes: bool) -> None:
    """Replace the SQLite database with the backup SOURCE, migrated to the newest schema (all or nothing)."""
    from pathlib import Path

    from .backup import BackupError, check_backup, restore, sqlite_path

    try:
        # PostgreSQL, a missing file, or one that is no backup of this app: said before asking
        # whether to go on, not after.
        sqlite_path()
        check_backup(Path(source))
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    if not yes and not _confirm(_("Dit vervangt alle gegevens in de database. Doorgaan?")):
        click.echo(_("De database is niet veranderd."))
        raise click.exceptions.Exit(1)
    try:
        revision = restore(Path(source))
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(_("%(file)s teruggezet (schemaversie %(revision)s) en bijgewerkt naar de nieuwste versie.",
                 file=source, revision=revision))
    # What was erased after the backup was made comes not back (backup.restore, anonymised.json).
    from .privacy import RECORD_NAME

    _say_reapplied(getattr(revision, "anonymised_again", 0), getattr(revision, "absences_purged", 0),
                   getattr(revision, "other_person", 0), sqlite_path().parent / RECORD_NAME)


def _say_reapplied(again: int, purged: int, other_person: int, record) -> None:
    """What applying the record of anonymisations again did (backup.apply_record), after `restore`
    and after `reapply-anonymisations`."""
    from flask_babel import ngettext

    if again:
        click.echo(ngettext("%(num)d medewerker was na deze back-up geanonimiseerd en is opnieuw geanonimiseerd.",
                            "%(num)d medewerkers waren na deze back-up geanonimiseerd en zijn opnieuw geanonimiseerd.",
                            again))
    if purged:
        click.echo(ngettext("%(num)d oude afwezigheid opnieuw verwijderd, zoals purge-absences al had gedaan.",
                            "%(num)d oude afwezigheden opnieuw verwijderd, zoals purge-absences al had gedaan.",
                            purged))
    if other_person:
        # The record's id with another first day of the contract: someone else, in a database begun anew.
        click.echo(ngettext(
            "Bij %(num)d medewerker in %(file)s klopt de eerste contractdag niet met deze database. Dat is "
            "iemand anders, uit een andere database: die is niet geanonimiseerd.",
            "Bij %(num)d medewerkers in %(file)s klopt de eerste contractdag niet met deze database. Dat zijn "
            "andere mensen, uit een andere database: zij zijn niet geanonimiseerd.",
            other_person, file=record))


@click.command("reapply-anonymisations")
@with_appcontext
def reapply_anonymisations_command() -> None:
    """Anonymise again whoever the record of anonymisations (instance/anonymised.json) lists, and
    delete the absences past the last purge's term: run it right after a pg_restore of an older dump.

    Only people with the record's id and first day of the contract are anonymised; running it again
    changes nothing. On SQLite `restore` does this itself."""
    from .backup import apply_record
    from .privacy import RecordError, read_record, record_path

    unchanged = _("De database is niet veranderd.")
    path = record_path()
    if path is None:  # an SQLite database in memory: nothing was ever noted
        click.echo(_("Een database in het geheugen heeft geen lijst van geanonimiseerde medewerkers.") + " "
                   + unchanged)
        return
    if not path.exists():
        click.echo(_("Het bestand %(file)s bestaat niet: er staat nergens dat iemand is geanonimiseerd.", file=path)
                   + " " + unchanged)
        return
    try:
        record = read_record(path)
    except RecordError as error:
        raise click.ClickException(error.message + " " + unchanged) from error
    again, purged, other_person = apply_record(record)
    if not again and not purged:
        click.echo(_("Alles uit %(file)s was al gedaan: niemand opnieuw geanonimiseerd, geen afwezigheden "
                     "verwijderd.", file=path))
    _say_reapplied(again, purged, other_person, path)


# Answers to a question of _confirm, in any case: Dutch, and English too (click.confirm's y/yes).
YES = frozenset({"j", "ja", "y", "yes"})
NO = frozenset({"n", "nee", "no"})


def _confirm(question: str) -> bool:
    """click.confirm in Dutch: "[j/N]", j/ja or y/yes goes on; n/nee/no or Enter does not. Another
    answer asks again (click's own refused "j" with "Error: invalid input")."""
    while True:
        answer = click.prompt(f"{question} [j/N]", default="", show_default=False).strip().lower()
        if answer in YES:
            return True
        if not answer or answer in NO:
            return False
        click.echo(_("Antwoord j (ja) of n (nee)."), err=True)


@click.command("reset-password")
@click.argument("email")
@with_appcontext
def reset_password_command(email: str) -> None:
    """Give EMAIL a temporary password, to be changed at next login (e.g. the only admin forgot theirs).

    Asks for it twice, with the rules of create-user; ends the account's sessions, lifts a lock."""
    from .security import _user_or_fail
    from .services import ServiceError
    from .services.accounts import reset_password

    user = _user_or_fail(email)
    temporary = _ask_password(_("Tijdelijk wachtwoord"))
    try:
        # The admin page's reset: the password rules, the earlier passwords kept, must_change_password,
        # sessions ended, the lock lifted, an audit row; by the command line (origin "cli", no actor).
        reset_password(user, temporary, temporary, actor=_COMMAND_LINE)
    except ServiceError as error:
        raise click.ClickException(error.message) from error
    click.echo(_("Het tijdelijke wachtwoord van %(email)s is ingesteld, en het account is overal uitgelogd. Geef "
                 "het wachtwoord persoonlijk door. Bij de volgende keer inloggen moet %(name)s een eigen wachtwoord "
                 "kiezen.",
                 email=user.email, name=user.name))


class _CommandLineActor:
    """The actor of a change made at the command line, for services.accounts.reset_password, which
    wants the admin who resets (and refuses their own account): no account of the app. The audit
    log takes it as a proxy for no one (audit.record unwraps it to None), which it records as
    origin "cli" with no actor, as every command's audit row."""

    id = None

    def _get_current_object(self):
        return None


_COMMAND_LINE = _CommandLineActor()


MAX_KEEP_DAYS = 36500


@click.command("purge-absences")
@click.option("--keep-days", type=click.IntRange(min=1), default=None,
              help="Keep absences this many days after their last day (at least and by default 365, "
                   "at most 36500).")
@click.option("--dry-run", is_flag=True, help="Only say how many absences would go.")
@with_appcontext
def purge_absences_command(keep_days: int | None, dry_run: bool) -> None:
    """Delete absences that ended more than a year ago (run daily, e.g. from cron): their kind and
    days are health data, and after a year they are in no list and no roster still to come."""
    from flask_babel import ngettext

    from .privacy import purge_old_absences
    from .services import ServiceError
    from .services.absences import ABSENCE_KEEP_DAYS
    from .services.feeds import local_today

    days = keep_days or ABSENCE_KEEP_DAYS
    if days > MAX_KEEP_DAYS:  # a century is plenty; from about 739,000 days back no date exists
        raise click.UsageError(_("--keep-days is hoogstens %(days)d (100 jaar). Er is niets verwijderd.",
                                 days=MAX_KEEP_DAYS))
    try:
        count = purge_old_absences(today=local_today(), keep_days=days, dry_run=dry_run)
    except ServiceError as error:
        raise click.ClickException(error.message) from error
    if dry_run:
        click.echo(ngettext("%(num)d afwezigheid eindigde meer dan %(days)d dagen geleden (niets verwijderd).",
                            "%(num)d afwezigheden eindigden meer dan %(days)d dagen geleden (niets verwijderd).",
                            count, days=days))
    else:
        click.echo(ngettext("%(num)d afwezigheid verwijderd die meer dan %(days)d dagen geleden eindigde.",
                            "%(num)d afwezigheden verwijderd die meer dan %(days)d dagen geleden eindigden.",
                            count, days=days))
