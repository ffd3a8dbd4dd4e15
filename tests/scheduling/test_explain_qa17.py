"""The words of a short request-day's reasons (QA pass 17): rest owed to work outside the Problem
reads as rest, a person available for part of the hours is not "not available", none of three is
not "only 0 of 3", a leader at another place of the team's own is named by the place, and the
team's own leader being off is said."""
from __future__ import annotations

from scheduling.domain import Shortfall, SupervisionRef, Team
from scheduling.explain import dutch, explain_shortfalls

from builders_model import DAYS, FRI, MON, TUE, all_days, employee, hm, problem, ref, request, supervisor

NOT_MONDAY = all_days(days=[d for d in DAYS if d != MON])
NOT_FRIDAY = all_days(days=[d for d in DAYS if d != FRI])


def reasons_of(p, assignments=(), supervision=(), *, day=MON, missing=1, rest_kept=None) -> tuple[str, ...]:
    extra = () if rest_kept is None else (rest_kept,)
    [row] = explain_shortfalls(p, list(assignments), list(supervision), [Shortfall("r-1", day, missing)], *extra)
    return row.reasons


# --- 1. rest owed to a shift outside the Problem -------------------------------------------------

def late_friday(*, rest_kept_leader=True):
    """Friday 15:00-23:00 asks one; e-1 and the stand-in p-1 work Monday 08:30 of the next week
    (outside the Problem), so the app cut their Friday from 21:30; the own leader is off Fridays."""
    cut_friday = {**all_days("06:00", "23:59"), FRI: ((hm("06:00"), hm("21:30")),)}
    kept = {"e-1": {FRI: [(hm("21:30"), hm("23:59"))]}}
    if rest_kept_leader:
        kept["p-1"] = {FRI: [(hm("21:30"), hm("23:59"))]}
    p = problem(employees=[employee("e-1", availability=cut_friday)],
                supervisors=[supervisor("s-1", availability=NOT_FRIDAY),
                             supervisor("p-1", team=None, availability=cut_friday)],
                requests=[request("r-1", days=[FRI], start="15:00", end="23:00")])
    return p, kept


def test_rest_owed_to_next_weeks_monday_reads_as_rest_for_the_employee_and_the_stand_in():
    p, kept = late_friday()
    reasons = reasons_of(p, day=FRI, rest_kept=kept)
    assert reasons[0] == "1 te weinig: 1 teamleider die dit kan leiden heeft dan te weinig rust tussen twee " \
                         "werkdagen", reasons
    assert "1 medewerker heeft dan te weinig rust tussen twee diensten" in reasons
    assert not any("niet beschikbaar" in r or "geen teamleider vrij" in r for r in reasons), reasons


def test_without_the_rest_kept_the_cut_hours_still_read_as_not_available():
    # What a Problem from a file says (it does not know why the hours are missing).
    p, _kept = late_friday()
    reasons = reasons_of(p, day=FRI)
    assert "1 medewerker is op vrijdag niet de hele tijd van 15:00 tot 23:00 beschikbaar" in reasons


def test_a_stand_in_rested_leads_and_only_the_employees_rest_is_said():
    p, kept = late_friday()
    stand_in = supervisor("p-1", team=None, availability=all_days("06:00", "23:59"))
    p = problem(employees=p.employees, requests=p.requests, supervisors=[p.supervisors[0], stand_in])
    del kept["p-1"]
    reasons = reasons_of(p, day=FRI, rest_kept=kept)
    assert reasons[0] == "1 te weinig: 1 medewerker heeft dan te weinig rust tussen twee diensten", reasons
    assert not any("teamleider" in r for r in reasons), reasons


def test_rest_kept_off_hours_the_person_is_not_available_anyway_changes_nothing():
    # Available only until 20:00: the rest from 21:30 is not why they cannot do 15:00-23:00.
    p = problem(employees=[employee("e-1", availability=all_days("06:00", "20:00"))],
                requests=[request("r-1", start="15:00", end="23:00")])
    reasons = reasons_of(p, rest_kept={"e-1": {MON: [(hm("21:30"), hm("23:59"))]}})
    assert not any("rust" in r for r in reasons), reasons


# --- 2. available for part of the hours ---------------------------------------------------------

def test_someone_available_for_part_of_the_hours_is_not_said_to_be_unavailable_then():
    p = problem(employees=[employee("e-1", availability=all_days("09:00", "17:00")),
                           employee("e-2", availability=all_days("13:00", "17:00"))],
                requests=[request("r-1", start="08:30", end="12:30", headcount=2)])
    reasons = reasons_of(p, missing=2)
    assert "1 medewerker is op maandag niet de hele tijd van 08:30 tot 12:30 beschikbaar" in reasons, reasons
    assert "1 medewerker is op maandag niet beschikbaar van 08:30 tot 12:30" in reasons, reasons


# --- 3. none of those asked -------------------------------------------------------------------

def test_none_of_three_asked_reads_none_not_only_zero():
    p = problem(employees=[employee("e-1", availability=NOT_MONDAY)],
                requests=[request("r-1", headcount=3)])
    reasons = reasons_of(p, missing=3)
    assert reasons[0] == "3 te weinig: geen van de 3 gevraagde medewerkers heeft deze werksoort en is op maandag " \
                         "op tijd beschikbaar", reasons


def test_one_asked_and_nobody_fits_reads_in_the_singular():
    p = problem(employees=[employee("e-1", availability=NOT_MONDAY)], requests=[request("r-1")])
    reasons = reasons_of(p)
    assert reasons[0] == "1 te weinig: niemand met deze werksoort is op maandag op tijd beschikbaar " \
                         "(1 medewerker gevraagd)", reasons
    assert not any("0 van de" in r for r in reasons), reasons


# --- 4. and 5. busy leaders of the team's own, and its own leader off ----------------------------

def one_team_at_two_places(*, own_leader_off=True):
    """Team 1, the region's only team: e-2 works at loc-2 on Monday led by the stand-in p-1; e-1 is
    free for r-1 at loc-1 and nobody leads there."""
    p = problem(employees=[employee("e-1"), employee("e-2")],
                supervisors=[supervisor("s-1", availability=NOT_MONDAY if own_leader_off else None),
                             supervisor("p-1", team=None)],
                requests=[request("r-1"), request("r-2", location="loc-2")])
    if not own_leader_off:  # the own leader is busy leading another team elsewhere (kept for the test)
        p = problem(employees=p.employees, requests=p.requests,
                    teams=(Team("t-1", "Team 1", "Den Haag"), Team("t-2", "Team 2", "Den Haag")),
                    supervisors=p.supervisors)
    supervision = [SupervisionRef("p-1", MON, "loc-2", "t-1")]
    if not own_leader_off:
        supervision.append(SupervisionRef("s-1", MON, "loc-2", "t-2"))
    return p, [ref("e-2", MON, "r-2")], supervision


def test_a_leader_at_another_place_of_the_same_team_is_named_by_the_place():
    reasons = reasons_of(*one_team_at_two_places())
    assert reasons[0] == "1 te weinig: alle teamleiders die dit kunnen leiden zijn op maandag al elders ingezet " \
                         "(op Bezuidenhoutseweg 73)", reasons
    assert not any("bij Team 1" in r for r in reasons), reasons


def test_the_teams_own_leader_being_off_is_said_without_why():
    reasons = reasons_of(*one_team_at_two_places())
    assert "de eigen teamleider van Team 1 is op maandag vrij of afwezig" in reasons, reasons


def test_an_own_leader_at_work_elsewhere_is_not_said_to_be_off():
    reasons = reasons_of(*one_team_at_two_places(own_leader_off=False))
    assert not any("vrij of afwezig" in r for r in reasons), reasons


def test_the_own_leader_off_is_said_beside_a_stand_in_busy_with_another_team():
    # The QA's Den Haag case: Team 1's leader is ill on Tuesday, the stand-in leads Team 2.
    teams = (Team("t-1", "Team 1", "Den Haag"), Team("t-2", "Team 2", "Den Haag"))
    not_tuesday = all_days(days=[d for d in DAYS if d != TUE])
    p = problem(teams=teams, employees=[employee("e-1"), employee("e-3", team="t-2")],
                supervisors=[supervisor("s-1", availability=not_tuesday), supervisor("s-2", team="t-2"),
                             supervisor("p-1", team=None)],
                requests=[request("r-1", days=[TUE], headcount=2)])
    [row] = explain_shortfalls(p, [ref("e-3", TUE, "r-1")], [SupervisionRef("p-1", TUE, "loc-1", "t-2")],
                               [Shortfall("r-1", TUE, 1)])
    assert row.reasons[0] == "1 te weinig: alle teamleiders die dit kunnen leiden zijn op dinsdag al elders " \
                             "ingezet (bij Team 2)", row.reasons
    assert row.reasons[1] == "de eigen teamleider van Team 1 is op dinsdag vrij of afwezig", row.reasons
    assert row.codes[1].as_dict() == {"code": "no_supervisor", "day": TUE.isoformat(), "teams": "Team 1",
                                      "own_away": 1, "n": 1}
    assert dutch(row.codes[1]) == row.reasons[1]
