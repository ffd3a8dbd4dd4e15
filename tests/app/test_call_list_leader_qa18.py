"""QA round 18: the call list names the day's team leader when it is not the team's own, also when
the time or place changed before (the change is then not 'leader only'): the caller reads out the
whole day, and the new leader was missing from it while the week page named them."""
from __future__ import annotations

import datetime as dt

from .test_short_notice import WEDNESDAY, leader_page, line_of, section  # noqa: F401 (fixture)

THURSDAY = WEDNESDAY + dt.timedelta(days=1)


def test_a_stand_in_is_named_beside_new_times(leader_page, make):
    team, page = leader_page
    own = make.supervisor(team=team, name="Tineke Teamleider")
    stand_in = make.supervisor(region=team.region, name="Olaf Kaya")
    other_team_leader = make.supervisor(team=make.team(name="Team B"), name="Bert Buurman")
    anna = make.employee(team=team, first_name="Anna", last_name="Jansen")
    bram = make.employee(team=team, first_name="Bram", last_name="Bos")
    cees = make.employee(team=team, first_name="Cees", last_name="Cohen")
    make.published_shift(employee=anna, date=THURSDAY, start="09:30", end="15:30", supervisor=stand_in, sequence=2)
    make.published_shift(employee=bram, date=THURSDAY, start="09:30", end="15:30", supervisor=own, sequence=2)
    make.published_shift(employee=cees, date=THURSDAY, start="09:30", end="15:30", supervisor=other_team_leader,
                         sequence=2)

    listed = section(page())

    assert "werkt nu van 09:30 tot 15:30" in line_of(listed, "Anna Jansen")
    assert "Teamleider die dag: Olaf Kaya." in " ".join(line_of(listed, "Anna Jansen").split())
    assert "Teamleider die dag: Bert Buurman." in " ".join(line_of(listed, "Cees Cohen").split())
    # The team's own leader is who they expect: not said again.
    assert "Teamleider die dag" not in line_of(listed, "Bram Bos")
