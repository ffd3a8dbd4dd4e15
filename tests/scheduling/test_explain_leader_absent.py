"""A short request-day whose people were taken off because no team leader is free says so.

The region's picture (what the roster page explains): Team 1's leader is away on Tuesday and the
region's stand-in leads Team 2 at the same place, so a repair of Team 1 takes its two people off.
Team 2's own leader is free that day, but leads no other team: Team 1's people still have nobody.
Four others with the work are off on Tuesdays; with plenty of people who fit, that is not why the
day is short. Found on the large demo (request 3, Den Haag locatie 3, 2026-W52).
"""
from __future__ import annotations

from scheduling.domain import Shortfall, SupervisionRef, Team
from scheduling.explain import explain_shortfalls

from builders_model import DAYS, TUE, all_days, employee, problem, ref, request, supervisor

TEAMS = (Team("t-1", "Team 1", "Den Haag"), Team("t-2", "Team 2", "Den Haag"))
NOT_TUESDAY = all_days(days=[d for d in DAYS if d != TUE])


def region(*, team_1_free=("e-1", "e-2"), team_2_free=("e-9",), absent=("e-5", "e-6", "e-7", "e-8"),
           team_1_leader_away=True, team_2_leader_away=False):
    """Request r-1 at loc-1 on Tuesday asks 4; Team 2's e-3 and e-4 work it, led by the stand-in."""
    employees = [employee(e) for e in team_1_free]
    employees += [employee(e, team="t-2") for e in ("e-3", "e-4", *team_2_free)]
    employees += [employee(e, team="t-2", availability=NOT_TUESDAY) for e in absent]
    supervisors = [
        supervisor("s-1", availability=NOT_TUESDAY if team_1_leader_away else None),
        supervisor("s-2", team="t-2", availability=NOT_TUESDAY if team_2_leader_away else None),
        supervisor("p-1", team=None),
    ]
    p = problem(teams=TEAMS, employees=employees, supervisors=supervisors,
                requests=[request("r-1", days=[TUE], headcount=4)])
    assignments = [ref("e-3", TUE, "r-1"), ref("e-4", TUE, "r-1")]
    supervision = [SupervisionRef("p-1", TUE, "loc-1", "t-2")]
    return p, assignments, supervision


def reasons_of(p, assignments, supervision, missing: int = 2) -> tuple[str, ...]:
    [row] = explain_shortfalls(p, assignments, supervision, [Shortfall("r-1", TUE, missing)])
    return row.reasons


def test_people_without_a_free_team_leader_are_short_for_that_not_for_the_absences():
    reasons = reasons_of(*region())
    assert reasons[0] == "2 te weinig: geen teamleider vrij op dinsdag voor Team 1", reasons
    # The four who are off on Tuesdays are true, but not the first thing to say.
    assert "4 medewerkers met deze werksoort zijn vrij of afwezig op dinsdag" in reasons[1:]


def test_the_reason_carries_the_team_as_a_code_too():
    p, assignments, supervision = region()
    [row] = explain_shortfalls(p, assignments, supervision, [Shortfall("r-1", TUE, 2)])
    assert row.codes[0].as_dict() == {"code": "no_supervisor", "day": TUE.isoformat(), "teams": "Team 1"}


def test_with_nobody_to_lead_any_free_team_the_sentence_names_no_team():
    # Team 2 has no free person: only Team 1's people could come, and its stand-in is busy.
    reasons = reasons_of(*region(team_2_free=()))
    assert reasons[0] == "2 te weinig: alle teamleiders die dit kunnen leiden zijn op dinsdag al elders ingezet " \
                         "(bij Team 2)", reasons


def test_a_leader_already_at_the_place_with_the_team_can_take_more_of_its_people():
    # Team 2's own leader is away too, but the stand-in leads Team 2 right there: its free person
    # could come; no leader is missing for Team 2.
    reasons = reasons_of(*region(team_1_free=(), team_2_leader_away=True))
    assert not any("teamleider" in r for r in reasons), reasons


def test_real_absences_that_leave_too_few_people_are_still_named():
    # Nobody is free but the two at work: the four who are off are why the day is short.
    reasons = reasons_of(*region(team_1_free=(), team_2_free=(), team_1_leader_away=False))
    assert reasons[0] == "2 te weinig: maar 2 van de 4 gevraagde medewerkers hebben deze werksoort en zijn op " \
                         "dinsdag op tijd beschikbaar", reasons
    assert "4 medewerkers met deze werksoort zijn vrij of afwezig op dinsdag" in reasons


def test_with_enough_people_who_fit_and_lead_the_absences_come_after_what_held_them_back():
    # Everyone who fits has a leader: nothing but cost kept them away, which is said first.
    reasons = reasons_of(*region(team_1_leader_away=False))
    assert reasons[0].startswith("2 te weinig: meer inzet zou elders meer kosten"), reasons
    assert "4 medewerkers met deze werksoort zijn vrij of afwezig op dinsdag" in reasons


def test_when_most_of_the_shortfall_is_nobody_to_lead_that_comes_before_too_few_who_fit():
    """Six asked, five who fit, and no team leader free: the missing leader explains five of the six
    (a QA finding: "6 te weinig: maar 5 van de 6 ... op tijd beschikbaar" explained one)."""
    p = problem(teams=TEAMS[:1], employees=[employee(f"e-{n}") for n in range(1, 6)],
                supervisors=[supervisor("s-1", availability=NOT_TUESDAY)],
                requests=[request("r-1", days=[TUE], headcount=6)])
    [row] = explain_shortfalls(p, [], [], [Shortfall("r-1", TUE, 6)])
    assert row.reasons[0] == "6 te weinig: geen teamleider vrij op dinsdag", row.reasons
    assert "maar 5 van de 6 gevraagde medewerkers hebben deze werksoort en zijn op dinsdag op tijd beschikbaar" \
        in row.reasons[1:]


def test_the_reason_that_covers_most_people_comes_first_among_those_not_planned():
    """Two with no hours left in their contract, three more without a leader: the leader first."""
    p = problem(teams=TEAMS[:1],
                employees=[employee(f"e-{n}", contract=0 if n <= 2 else 1530) for n in range(1, 6)],
                supervisors=[supervisor("s-1", availability=NOT_TUESDAY)],
                requests=[request("r-1", days=[TUE], headcount=5)])
    [row] = explain_shortfalls(p, [], [], [Shortfall("r-1", TUE, 5)])
    assert row.reasons[0] == "5 te weinig: geen teamleider vrij op dinsdag", row.reasons
    assert any("contracturen" in r for r in row.reasons[1:]), row.reasons
