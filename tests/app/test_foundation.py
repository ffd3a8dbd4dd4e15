"""The factory, the migrations, login and the fail-closed access rule."""
from contextlib import contextmanager

import pytest
from flask import Blueprint
from sqlalchemy import inspect

from binnenwerk import create_app
from binnenwerk.extensions import db


def test_factory_uses_test_config_and_defaults_to_dutch(app):
    assert app.testing
    assert app.config["BABEL_DEFAULT_LOCALE"] == "nl"


def test_factory_reads_database_url_from_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", "postgres://u@h/db")
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@h/db"


def test_the_upload_folder_is_read_from_the_environment(monkeypatch, tmp_path):
    """Several web machines share one folder for an import's checked file (README, Production)."""
    monkeypatch.setenv("DATAIO_UPLOAD_FOLDER", str(tmp_path / "shared"))
    assert create_app().config["DATAIO_UPLOAD_FOLDER"] == str(tmp_path / "shared")


def test_factory_without_config_keeps_a_random_secret_in_instance(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = create_app().config["SECRET_KEY"]
    assert first != "dev-only-change-me" and len(first) >= 32
    assert create_app().config["SECRET_KEY"] == first


def test_migrations_create_every_model_table(app):
    tables = set(inspect(db.engine).get_table_names())
    assert {t.name for t in db.metadata.sorted_tables} <= tables


def test_migrations_match_the_models(app):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
    assert diff == [], "models changed without a migration: run `flask db migrate`"


@pytest.mark.parametrize(
    "email,heading",
    [
        ("admin@binnenwerk.example", "Beheer"),
        ("planner@binnenwerk.example", "Planning"),
        ("teamleider@binnenwerk.example", "Mijn team"),
        ("contact@bzk.example", "Ministerie van Binnenlandse Zaken"),
    ],
)
def test_each_demo_account_logs_in_and_sees_its_home_page(client, demo, email, heading):
    response = client.post("/auth/login", data={"email": email, "password": demo.password}, follow_redirects=True)
    assert response.status_code == 200
    assert heading in response.get_data(as_text=True)


def test_wrong_password_is_refused_in_dutch(client, demo):
    response = client.post("/auth/login", data={"email": "admin@binnenwerk.example", "password": "fout"})
    assert response.status_code == 401
    assert "horen niet bij elkaar" in response.get_data(as_text=True)


def test_pages_need_login(client):
    response = client.get("/home")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_a_route_without_declared_access_is_refused_for_everyone(app_with, make):
    from tests.conftest import TEST_PASSWORD

    extra = Blueprint("extra", __name__)

    @extra.route("/undeclared")
    def undeclared():
        return "secret"

    other = app_with()  # a fresh app: routes are added before its first request
    other.register_blueprint(extra)
    admin = make.user(role="admin")
    db.session.commit()
    client = other.test_client()
    assert client.post("/auth/login", data={"email": admin.email, "password": TEST_PASSWORD}).status_code == 302
    assert client.get("/undeclared").status_code == 403


def test_unknown_url_gets_a_dutch_404_page(client):
    response = client.get("/bestaat-niet")
    assert response.status_code == 404
    assert "Niet gevonden" in response.get_data(as_text=True)


# --- one migration down and up again --------------------------------------------------------


def _scratch_database(tmp_path, backend: str) -> str:
    """An empty database of its own: a migration test must not move the shared test schema."""
    import os

    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from tests.conftest import need_service

    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'migrations.sqlite'}"
    url = os.environ.get("TEST_DATABASE_URL", "")
    need_service("PostgreSQL", url.startswith("postgresql"), "set TEST_DATABASE_URL")
    base = make_url(url)
    name = f"{base.database}_migrations_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
    engine = create_engine(base, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        if not conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).scalar():
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    scratch = base.set(database=name).render_as_string(hide_password=False)
    engine = create_engine(scratch)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public;"))
    engine.dispose()
    return scratch


@contextmanager
def scratch_app(tmp_path):
    """An app on an empty database of its own, on the suite's backend (CI runs the suite on SQLite,
    then on PostgreSQL with TEST_DATABASE_URL), its context pushed: for a migration down and up."""
    import os

    backend = "postgresql" if os.environ.get("TEST_DATABASE_URL") else "sqlite"
    app = create_app({"TESTING": True, "SECRET_KEY": "test", "MFA_REQUIRED_ROLES": (),
                      "SQLALCHEMY_DATABASE_URI": _scratch_database(tmp_path, backend)})
    assert app.config["SQLALCHEMY_DATABASE_URI"].startswith(backend)
    with app.app_context():
        try:
            yield app
        finally:
            db.session.remove()
            db.engine.dispose()


def test_the_roster_history_keys_migrate_down_and_up_keeping_every_line(tmp_path):
    # On the suite's own backend: CI runs it on SQLite, then on PostgreSQL (TEST_DATABASE_URL).
    from flask_migrate import downgrade, upgrade
    from sqlalchemy import select, text

    from binnenwerk import models as m
    from binnenwerk import roster_history

    before = "64fbd370b276"
    with scratch_app(tmp_path) as app:
        upgrade(revision=before)
        # The team as SQL: the model has columns that revision does not.
        team_id = db.session.execute(text(
            "INSERT INTO team (name, region, max_size, archived) VALUES ('Team M', 'Den Haag', 15, :no) "
            "RETURNING id"), {"no": False}).scalar_one()
        roster = m.Roster(week="2026-W50", team_id=team_id)
        db.session.add(roster)
        db.session.commit()
        db.session.execute(text(
            "INSERT INTO roster_change (roster_id, at, action, detail, reason) "
            "VALUES (:r, CURRENT_TIMESTAMP, 'edit', 'Anna Test, maandag 7 december: vrij wordt X', '')"),
            {"r": roster.id})
        db.session.commit()

        upgrade()
        legacy = db.session.scalar(select(m.RosterChange))
        assert (legacy.message, legacy.params) == (None, None)
        with app.test_request_context():
            assert roster_history.wording(legacy) == "Anna Test, maandag 7 december: vrij wordt X"
            roster_history.record(roster, None, "copy", "copy", n=2, s=1)
        db.session.commit()
        db.session.remove()

        downgrade(revision=before)
        columns = {c["name"] for c in inspect(db.engine).get_columns("roster_change")}
        assert not {"message", "params"} & columns
        details = db.session.execute(text("SELECT detail FROM roster_change ORDER BY id")).scalars().all()
        assert details == ["Anna Test, maandag 7 december: vrij wordt X",
                           "2 diensten van vorige week overgenomen, 1 paste niet."]
        db.session.remove()

        upgrade()
        columns = {c["name"] for c in inspect(db.engine).get_columns("roster_change")}
        assert {"message", "params"} <= columns
