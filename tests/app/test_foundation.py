"""The factory, the migrations, login and the fail-closed access rule."""
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


def test_a_route_without_declared_access_is_refused_for_everyone(app, make, login, client):
    extra = Blueprint("extra", __name__)

    @extra.route("/undeclared")
    def undeclared():
        return "secret"

    app.register_blueprint(extra)
    login(make.user(role="admin"))
    assert client.get("/undeclared").status_code == 403


def test_unknown_url_gets_a_dutch_404_page(client):
    response = client.get("/bestaat-niet")
    assert response.status_code == 404
    assert "Niet gevonden" in response.get_data(as_text=True)
