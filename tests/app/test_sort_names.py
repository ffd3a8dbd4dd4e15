"""Dutch lists sort a surname after its particles (tussenvoegsels): 'de Groot' under G."""
from __future__ import annotations

import re

import pytest

from binnenwerk.extensions import db
from binnenwerk.formatting import list_name, surname_parts


@pytest.mark.parametrize("last, parts", [
    ("de Groot", ("Groot", "de")), ("van den Berg", ("Berg", "van den")), ("'t Hart", ("Hart", "'t")),
    ("El Amrani", ("El Amrani", "")), ("De Jong", ("De Jong", "")), ("Jansen", ("Jansen", "")),
    ("van", ("van", "")), ("de Vries-van Dam", ("Vries-van Dam", "de")), ("", ("", "")),
])
def test_the_particles_are_the_leading_words_in_lower_case(last, parts):
    assert surname_parts(last) == parts


def test_a_list_name_puts_the_particles_after_the_first_name():
    assert list_name("Bas", "de Groot") == "Groot, Bas de"
    assert list_name("Wendy", "El Amrani") == "El Amrani, Wendy"


def names_in_order(html: str, pattern: str) -> list[str]:
    return re.findall(pattern, html)


def test_the_lists_sort_and_show_people_as_a_dutch_reader_looks_for_them(client, login, make):
    team = make.team(name="Team Namen")
    for first, last in (("Bas", "de Groot"), ("Anna", "Gans"), ("Rosa", "de Vries"), ("Hugo", "Haas"),
                        ("Piet", "van den Berg"), ("Ella", "Vos")):
        make.employee(team, first_name=first, last_name=last)
    login(make.user("team_leader", teams=[team]))

    listed = client.get(f"/teams/medewerkers?team={team.id}").get_data(as_text=True)
    assert names_in_order(listed, r'<th scope="row"><a href="/teams/medewerkers/\d+">([^<]+)</a>') == [
        "Berg, Piet van den", "Gans, Anna", "Groot, Bas de", "Haas, Hugo", "Vos, Ella", "Vries, Rosa de"]

    # The absence form's list: typing G finds Bas de Groot.
    form = client.get("/teams/afwezigheid/nieuw").get_data(as_text=True)
    options = names_in_order(form, r'<option value="medewerker-\d+">([^<(]+) \(')
    assert options == ["Berg, Piet van den", "Gans, Anna", "Groot, Bas de", "Haas, Hugo", "Vos, Ella",
                       "Vries, Rosa de"]

    # A changed name sorts anew.
    bas = next(e for e in team.employees if e.first_name == "Bas")
    bas.last_name = "Zwart"
    db.session.commit()
    assert bas.sort_name == "zwart bas"


def _stored_before(first: str, last: str, sort_name: str | None = None) -> None:
    """A team and one employee, as a migration before this code stored them (plain SQL)."""
    import datetime as dt

    from sqlalchemy import text

    db.session.execute(text("INSERT INTO team (name, region, max_size, archived) "
                            "VALUES ('Team A', 'Utrecht', 15, :no)"), {"no": False})
    key_column, key = (", sort_name", ", :key") if sort_name is not None else ("", "")
    db.session.execute(text(
        f"INSERT INTO employee (first_name, last_name{key_column}, email, phone, team_id, contract_minutes, "
        "max_minutes_per_day, contract_start, job_coach_name, job_coach_phone, job_coach_email, archived) "
        f"SELECT :first, :last{key}, '', '', id, 1200, 480, :start, '', '', '', :no FROM team"),
        {"first": first, "last": last, "key": sort_name, "start": dt.date(2026, 1, 5), "no": False})
    db.session.commit()


def test_the_migration_gives_everyone_stored_before_a_sort_name(tmp_path):
    """On SQLite, or PostgreSQL in CI: the column is added and filled."""
    import datetime as dt

    from flask_migrate import downgrade, upgrade
    from sqlalchemy import inspect, text

    from .test_foundation import scratch_app

    with scratch_app(tmp_path):
        upgrade(revision="b3e5d7f9a1c2")
        _stored_before("Bas", "de Groot")
        upgrade()
        assert db.session.execute(text("SELECT sort_name FROM employee")).scalar() == "groot bas de"
        db.session.remove()
        # Down and up again with the employee's rows in place (the table is rebuilt on SQLite,
        # other tables point at it: an absence here).
        db.session.execute(text("INSERT INTO absence (employee_id, kind, start_date, end_date, note, created_at) "
                                "SELECT id, 'ziek', :day, :day, '', :now FROM employee"),
                           {"day": dt.date(2026, 12, 7), "now": dt.datetime(2026, 12, 5, 12)})
        db.session.commit()
        downgrade(revision="b3e5d7f9a1c2")
        assert "sort_name" not in {c["name"] for c in inspect(db.engine).get_columns("employee")}
        upgrade()
        assert db.session.execute(text("SELECT sort_name FROM employee")).scalar() == "groot bas de"
        assert db.session.execute(text("SELECT count(*) FROM absence")).scalar() == 1



def test_a_surname_with_an_accent_sorts_under_its_letter(client, login, make):
    """Özdemir under O, as a Dutch list has it: it sorted after Zwart."""
    team = make.team(name="Team Accent")
    for first, last in (("Zoë", "van der Zwart"), ("Özlem", "Özdemir"), ("Olaf", "Oosterhout"), ("Émile", "Engels")):
        make.employee(team, first_name=first, last_name=last)
    login(make.user("team_leader", teams=[team]))
    listed = client.get(f"/teams/medewerkers?team={team.id}").get_data(as_text=True)
    assert names_in_order(listed, r'<th scope="row"><a href="/teams/medewerkers/\d+">([^<]+)</a>') == [
        "Engels, Émile", "Oosterhout, Olaf", "Özdemir, Özlem", "Zwart, Zoë van der"]


def test_the_migration_sorts_names_stored_with_accents_anew(tmp_path):
    from flask_migrate import upgrade
    from sqlalchemy import text

    from .test_foundation import scratch_app

    with scratch_app(tmp_path):
        upgrade(revision="e4b6c8d0f2a3")
        _stored_before("Özlem", "Özdemir", sort_name="özdemir özlem")
        upgrade()
        assert db.session.execute(text("SELECT sort_name FROM employee")).scalar() == "ozdemir ozlem"
