"""The command-line contract of DESIGN.md: init-db, seed-demo and create-user."""
import pytest
from sqlalchemy import func, select

from binnenwerk.extensions import db
from binnenwerk.models import DeploymentRequest, Employee, Ministry, Team, User


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_init_db_on_an_up_to_date_database_changes_nothing(runner):
    result = runner.invoke(args=["init-db"])
    assert result.exit_code == 0, result.output
    assert "De database heeft al de nieuwste schemaversie" in result.output


def test_init_db_says_whether_it_created_upgraded_or_left_the_database(tmp_path):
    from alembic.script import ScriptDirectory
    from flask_migrate import downgrade

    from binnenwerk import create_app

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'new.sqlite'}",
                      "SECRET_KEY": "test"})
    runner = app.test_cli_runner()
    with app.app_context():
        head = ScriptDirectory.from_config(app.extensions["migrate"].migrate.get_config()).get_current_head()
        previous = ScriptDirectory.from_config(
            app.extensions["migrate"].migrate.get_config()).get_revision(head).down_revision
        created = runner.invoke(args=["init-db"])
        assert created.exit_code == 0, created.output
        assert created.output.splitlines()[0] == f"De database is gemaakt (schemaversie {head})."
        again = runner.invoke(args=["init-db"])
        assert again.output.splitlines()[0] == f"De database heeft al de nieuwste schemaversie ({head})."
        downgrade(revision="-1")
        upgraded = runner.invoke(args=["init-db"])
        assert upgraded.output.splitlines()[0] == f"De database is bijgewerkt van schemaversie {previous} naar {head}."
        db.engine.dispose()


def _teams_asked_at_home() -> int:
    """Teams whose home location has an accepted request for work of their team leaders."""
    asked = 0
    for team in db.session.scalars(select(Team)):
        own_work = {w.id for s in team.supervisors for w in s.work_types}
        asked += any(q.work_type_id in own_work and q.status == "geaccepteerd" for q in db.session.scalars(
            select(DeploymentRequest).where(DeploymentRequest.location_id == team.home_location_id)))
    return asked


@pytest.mark.slow
@pytest.mark.parametrize("busy", [False, True])
def test_the_busy_large_demo_asks_every_team_for_its_work(runner, monkeypatch, busy):
    import binnenwerk.planning as planning

    monkeypatch.setattr(planning, "seed_demo_rosters", lambda size: "rosters skipped in this test")
    result = runner.invoke(args=["seed-demo", "--size", "large"] + (["--busy"] if busy else []))
    assert result.exit_code == 0, result.output
    assert _count(Team) == 100
    assert (_teams_asked_at_home() == 100) is busy
    if not busy:  # the large demo is there, without its busy requests: --busy cannot add them now
        again = runner.invoke(args=["seed-demo", "--size", "large", "--busy"])
        assert again.exit_code == 0 and "Daarom voegde --busy er geen toe: begin met een lege database." in again.output


def test_busy_goes_with_the_large_demo_only(runner):
    result = runner.invoke(args=["seed-demo", "--busy"])
    assert result.exit_code == 2 and "--busy hoort bij --size large" in result.output
    assert _count(Team) == 0


def test_seed_demo_loads_the_organisation_of_design_md_once(runner, monkeypatch):
    # The roster part solves weeks; keep it short for the test.
    import binnenwerk.planning as planning

    monkeypatch.setattr(planning, "seed_demo_rosters", lambda size: "rosters skipped in this test")
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    counts = {m.__name__: _count(m) for m in (Ministry, Team, Employee, User, DeploymentRequest)}
    assert counts["Ministry"] == 12 and counts["Team"] == 6
    assert 60 <= counts["Employee"] <= 90
    assert counts["User"] == 4 and 10 <= counts["DeploymentRequest"] <= 20
    assert all(10 <= len(t.employees) <= 15 for t in db.session.scalars(select(Team)))
    # Requests wait in the planner's intake; each team has its standing work at home, so the
    # demo team leader's week is not empty.
    assert db.session.scalar(select(func.count(DeploymentRequest.id)).where(DeploymentRequest.status == "ingediend")) >= 2
    assert _teams_asked_at_home() == 6

    second = runner.invoke(args=["seed-demo"])
    assert second.exit_code == 0 and "niets nieuws" in second.output
    assert {m.__name__: _count(m) for m in (Ministry, Team, Employee, User, DeploymentRequest)} == counts


def test_the_demos_agreements_hold_every_demo_request_and_an_admins_change_survives(runner, monkeypatch):
    """Each ministry agrees on the work its regions' teams do: every demo request is of a work type
    its ministry agreed on, and a ministry without locations has no agreement (nothing to ask)."""
    import binnenwerk.planning as planning

    monkeypatch.setattr(planning, "seed_demo_rosters", lambda size: "rosters skipped in this test")
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    for request in db.session.scalars(select(DeploymentRequest)):
        assert request.work_type in request.ministry.work_types, (request.ministry.code, request.work_type.code)
    for ministry in db.session.scalars(select(Ministry)):
        assert bool(ministry.work_types) == bool(ministry.locations), ministry.code
    narrowed, emptied = [m for m in db.session.scalars(select(Ministry)) if len(m.work_types) > 1][:2]
    narrowed.work_types = narrowed.work_types[:1]
    emptied.work_types = []
    db.session.commit()
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    db.session.expire_all()
    assert len(db.session.get(Ministry, narrowed.id).work_types) == 1
    assert db.session.get(Ministry, emptied.id).work_types == []


def test_seed_demo_if_empty_leaves_a_database_with_users_alone(runner, make):
    make.user(role="admin")
    db.session.commit()
    result = runner.invoke(args=["seed-demo", "--if-empty"])
    assert result.exit_code == 0 and "niet geladen" in result.output
    assert _count(Team) == 0


def test_create_user_makes_an_account_that_must_pick_its_own_password(runner, make):
    ministry = make.ministry(code="BZK")
    db.session.commit()
    result = runner.invoke(args=["create-user", "--email", "Karin@Example.org", "--name", "Karin",
                                 "--role", "ministry_contact", "--ministry", "bzk", "--password", "Sterk-wachtwoord-1"])
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.email == "karin@example.org"))
    assert user.ministry_id == ministry.id and user.must_change_password


def test_create_user_refuses_weak_password_duplicate_and_unknown_ministry(runner, make):
    make.user(email="bestaat@example.org")
    db.session.commit()
    weak = runner.invoke(args=["create-user", "--email", "a@example.org", "--name", "A", "--role", "planner",
                               "--password", "kort"])
    assert weak.exit_code != 0 and "minstens 12 tekens" in weak.output
    duplicate = runner.invoke(args=["create-user", "--email", "BESTAAT@example.org", "--name", "B",
                                    "--role", "planner", "--password", "Sterk-wachtwoord-1"])
    assert duplicate.exit_code != 0 and "bestaat@example.org" in duplicate.output
    unknown = runner.invoke(args=["create-user", "--email", "c@example.org", "--name", "C",
                                  "--role", "ministry_contact", "--ministry", "XYZ", "--password", "Sterk-wachtwoord-1"])
    assert unknown.exit_code != 0 and "Onbekende code van een ministerie" in unknown.output
    assert _count(User) == 1


def test_a_migration_in_process_leaves_the_logging_of_a_running_program_alone(runner):
    """Alembic's ini would hang a console handler on the root logger with the sys.stderr of that
    moment: in a test, a capture that is closed later, after which every log line failed ("I/O
    operation on closed file") and took pytest's own output with it."""
    import logging

    before = list(logging.getLogger().handlers)
    assert before, "pytest's logging plugin has handlers on the root logger"
    result = runner.invoke(args=["init-db"])
    assert result.exit_code == 0, result.output
    assert logging.getLogger().handlers == before


def test_seed_demo_refuses_a_database_with_real_accounts(runner, make):
    """Run on a live database it added an admin and a planner with the README's password (a QA
    finding): refused, and nothing added, unless --force (a test database)."""
    make.user(role="admin", email="beheer@binnenwerk.nl")
    db.session.commit()
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code != 0
    assert "Deze database heeft al echte accounts (zoals beheer@binnenwerk.nl)." in result.output
    assert "Er is niets veranderd." in result.output
    assert _count(Team) == 0 and _count(User) == 1
    assert runner.invoke(args=["seed-demo", "--force"]).exit_code == 0
    assert _count(Team) > 0
