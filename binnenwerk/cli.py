"""Command-line tasks: `flask --app binnenwerk init-db | seed-demo | create-user`."""
from __future__ import annotations

import click
from flask import Flask
from flask.cli import with_appcontext
from flask_migrate import upgrade
from sqlalchemy import func, select
from werkzeug.security import generate_password_hash

from .extensions import db
from .models import Ministry, Role, Team, User


def init_app(app: Flask) -> None:
    app.cli.add_command(init_db)
    app.cli.add_command(seed_demo)
    app.cli.add_command(create_user)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
    __import__("binnenwerk.dataio.cli", fromlist=["init_app"]).init_app(app)  # import/export commands
    app.cli.add_command(__import__("binnenwerk.plan_cli", fromlist=["plan"]).plan)


@click.command("init-db")
@with_appcontext
def init_db() -> None:
    """Create or upgrade the database schema to the newest migration."""
    upgrade()
    click.echo("Database is up to date.")


@click.command("seed-demo")
@click.option("--size", type=click.Choice(["small", "large"]), default="small", show_default=True)
@click.option("--if-empty", is_flag=True, help="Only seed when the database has no users yet.")
@with_appcontext
def seed_demo(size: str, if_empty: bool) -> None:
    """Load demo data (idempotent): small is 6 teams, large is 100 teams for benchmarks."""
    from . import demo

    if if_empty and db.session.scalar(select(func.count(User.id))):
        click.echo("Database already has data; demo not loaded.")
        return
    added = demo.seed(size)
    summary = ", ".join(f"{n} {kind}" for kind, n in sorted(added.items())) or "nothing new"
    click.echo(f"Demo data ({size}): {summary}.")
    click.echo(__import__("binnenwerk.planning", fromlist=["seed_demo_rosters"]).seed_demo_rosters(size))


@click.command("create-user")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--ministry", help="Ministry code, for a ministry contact (e.g. BZK).")
@click.option("--team", "teams", multiple=True, help="Team name a team leader leads (repeatable).")
@click.password_option()
@with_appcontext
def create_user(email: str, name: str, role: str, ministry: str | None, teams: tuple[str, ...], password: str) -> None:
    """Create a user account."""
    from .services.users import validate_password

    email = email.strip().lower()
    if db.session.scalar(select(User).where(func.lower(User.email) == email)):
        raise click.ClickException(f"A user with e-mail {email} already exists.")
    problem = validate_password(password)
    if problem:
        raise click.ClickException(problem)
    user = User(email=email, name=name, role=role, password_hash=generate_password_hash(password))
    if role == Role.MINISTRY_CONTACT.value:
        found = db.session.scalar(select(Ministry).where(Ministry.code == (ministry or "").upper()))
        if found is None:
            raise click.ClickException("A ministry contact needs --ministry with a known ministry code.")
        user.ministry = found
    for team_name in teams:
        team = db.session.scalar(select(Team).where(Team.name == team_name))
        if team is None:
            raise click.ClickException(f"Unknown team: {team_name}")
        user.teams.append(team)
    db.session.add(user)
    db.session.commit()
    click.echo(f"User {email} ({role}) created.")


@click.command("backup")
@click.argument("target", type=click.Path(dir_okay=False))
@with_appcontext
def backup_command(target: str) -> None:
    """Write a consistent copy of the SQLite database to TARGET (safe while the app runs)."""
    from pathlib import Path

    from .backup import BackupError, backup

    try:
        tables = backup(Path(target))
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Backup written to {target} ({tables} tables).")


@click.command("restore")
@click.argument("source", type=click.Path(dir_okay=False))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def restore_command(source: str, yes: bool) -> None:
    """Replace the SQLite database with the backup SOURCE, then migrate it to the newest schema."""
    from pathlib import Path

    from .backup import BackupError, restore

    if not yes:
        click.confirm("This replaces all data in the database. Continue?", abort=True)
    try:
        revision = restore(Path(source))
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    upgrade()
    click.echo(f"Restored {source} (schema {revision}), database is up to date.")
