"""A roster message about a day in another year names the year, as the page's heading does."""
from __future__ import annotations

import datetime as dt

import pytest

from binnenwerk.extensions import db
from binnenwerk.services import ServiceError
from binnenwerk.services import rosters as service


def test_a_refused_cell_next_year_says_the_year(app, make):
    wt = make.work_type("cleaning", name_nl="Schoonmaak")
    team = make.team("Den Haag")
    make.supervisor(team, work_types=[wt])
    person = make.employee(team, work_types=[wt], first_name="Bas", last_name="de Groot")
    next_year = dt.date.today().year + 1
    tuesday = dt.date.fromisocalendar(next_year, 2, 2)
    other = make.request(make.location("Utrecht"), make.work_type("ict"), start_date=tuesday, end_date=tuesday)
    db.session.commit()
    week = f"{next_year}-W02"
    with pytest.raises(ServiceError) as refused:
        service.set_cell(week, team.id, person.id, tuesday, other.id, lock_version=0)
    assert f"Bas de Groot kan op dinsdag {tuesday.day} januari {next_year} niet op deze aanvraag werken." in str(refused.value)
