"""Each hard rule of the CP-SAT model: a tiny case where it bites and one where it does not."""
from __future__ import annotations

import pytest

from builders_model import (
    DAYS,
    MON,
    TUE,
    all_days,
    employee,
    hm,
    problem,
    ref,
    request,
    supervisor,
)
from scheduling.domain import Location, Team
from scheduling.solver import solve


def run(p):
    solution = solve(p, time_limit=10, workers=1, deterministic=True)
    assert solution.status == "OPTIMAL", solution
    return solution


def roster(solution) -> set[tuple[str, object, str]]:
    return {(a.employee, a.date, a.request) for a in solution.assignments}


# Rule 1 ----------------------------------------------------------------------------------------

def test_one_shift_a_date_bites_when_two_requests_share_a_date():
    p = problem(employees=[employee("e-1")],
                requests=[request("r-1", headcount=1), request("r-2", "loc-2", headcount=1)])
    assert len(run(p).assignments) == 1


def test_one_shift_a_date_lets_the_same_person_work_two_dates():
    p = problem(employees=[employee("e-1")],
                requests=[request("r-1", days=[MON]), request("r-2", days=[TUE])])
    assert roster(run(p)) == {("e-1", MON, "r-1"), ("e-1", TUE, "r-2")}


def test_work_only_on_the_request_days():
    p = problem(employees=[employee("e-1")], requests=[request("r-1", days=[TUE])])
    assert roster(run(p)) == {("e-1", TUE, "r-1")}


# Rule 2 ----------------------------------------------------------------------------------------

def test_availability_window_must_hold_the_whole_shift():
    late = employee("e-1", availability=all_days("10:00", "17:00"))
    assert run(problem(employees=[late], requests=[request("r-1")])).assignments == []


def test_availability_split_windows_do_not_add_up():
    split = employee("e-1", availability={MON: ((hm("08:00"), hm("12:00")),
                                                (hm("12:00"), hm("17:00")))})
    assert run(problem(employees=[split], requests=[request("r-1")])).assignments == []


def test_availability_inside_a_window_is_assigned():
    p = problem(employees=[employee("e-1", availability=all_days("09:00", "15:00"))],
                requests=[request("r-1")])
    assert roster(run(p)) == {("e-1", MON, "r-1")}


def test_no_availability_entry_means_absent():
    p = problem(employees=[employee("e-1", availability=all_days(days=[TUE]))],
                requests=[request("r-1", days=[MON])])
    assert run(p).assignments == []


# Rule 3 ----------------------------------------------------------------------------------------

def test_work_type_is_required():
    p = problem(employees=[employee("e-1", work_types=["cleaning"])], requests=[request("r-1")])
    assert run(p).assignments == []


def test_team_region_is_required():
    teams = (Team("t-1", "Den Haag 1", "Den Haag"), Team("t-u", "Utrecht 1", "Utrecht"))
    locations = (Location("loc-1", "Rijnstraat", "Den Haag"),
                 Location("loc-u", "Croeselaan", "Utrecht"))
    p = problem(employees=[employee("e-u", "t-u")], requests=[request("r-1", "loc-1")],
                teams=teams, locations=locations,
                supervisors=[supervisor("s-1"), supervisor("s-u", "t-u", region="Utrecht")])
    assert run(p).assignments == []
    p2 = problem(employees=[employee("e-u", "t-u")], requests=[request("r-u", "loc-u")],
                 teams=teams, locations=locations,
                 supervisors=[supervisor("s-1"), supervisor("s-u", "t-u", region="Utrecht")])
    assert roster(run(p2)) == {("e-u", MON, "r-u")}


def test_employee_location_list_limits_where_they_work():
    p = problem(employees=[employee("e-1", locations=["loc-2"])],
                requests=[request("r-1", "loc-1"), request("r-2", "loc-2", days=[TUE])])
    assert roster(run(p)) == {("e-1", TUE, "r-2")}


# Rule 4 ----------------------------------------------------------------------------------------

def test_contract_minutes_cap_the_week():
    # 330-minute shifts: a 600-minute contract has room for one.
    p = problem(employees=[employee("e-1", contract=600)], requests=[request("r-1", days=DAYS)])
    assert len(run(p).assignments) == 1


def test_contract_with_room_takes_every_shift():
    p = problem(employees=[employee("e-1", contract=1650)], requests=[request("r-1", days=DAYS)])
    assert len(run(p).assignments) == 5


def test_daily_maximum_rules_out_longer_shifts():
    p = problem(employees=[employee("e-1", per_day=300)], requests=[request("r-1")])
    assert run(p).assignments == []
    p2 = problem(employees=[employee("e-1", per_day=330)], requests=[request("r-1")])
    assert len(run(p2).assignments) == 1


# Rule 5 ----------------------------------------------------------------------------------------

def test_headcount_caps_a_request_day():
    p = problem(employees=[employee(f"e-{i}") for i in range(3)],
                requests=[request("r-1", headcount=2)])
    solution = run(p)
    assert len(solution.assignments) == 2
    assert solution.shortfall == []


def test_headcount_not_reached_is_reported_short():
    p = problem(employees=[employee("e-1")], requests=[request("r-1", headcount=3)])
    solution = run(p)
    assert len(solution.assignments) == 1
    assert [(s.request, s.date, s.missing) for s in solution.shortfall] == [("r-1", MON, 2)]


# Rule 6 ----------------------------------------------------------------------------------------

def test_supervision_needs_a_supervisor_at_work():
    p = problem(employees=[employee("e-1")], requests=[request("r-1")],
                supervisors=[supervisor("s-1", availability=all_days(days=[TUE]))])
    solution = run(p)
    assert solution.assignments == []
    assert any("geen teamleider vrij op maandag" in r for r in solution.shortfall[0].reasons)


def test_supervision_window_must_span_the_shift():
    p = problem(employees=[employee("e-1")], requests=[request("r-1")],
                supervisors=[supervisor("s-1", availability=all_days("08:00", "13:00"))])
    assert run(p).assignments == []


def test_supervision_needs_the_work_type():
    p = problem(employees=[employee("e-1")], requests=[request("r-1")],
                supervisors=[supervisor("s-1", work_types=["cleaning"])])
    assert run(p).assignments == []


def test_pool_supervisor_stands_in_for_an_absent_team_leader():
    p = problem(employees=[employee("e-1")], requests=[request("r-1")],
                supervisors=[supervisor("s-1", availability={}),
                             supervisor("s-pool", None)])
    solution = run(p)
    assert roster(solution) == {("e-1", MON, "r-1")}
    assert [(s.supervisor, s.date, s.location, s.team) for s in solution.supervision] == [
        ("s-pool", MON, "loc-1", "t-1")]


def test_pool_supervisor_of_another_region_cannot_stand_in():
    p = problem(employees=[employee("e-1")], requests=[request("r-1")],
                supervisors=[supervisor("s-1", availability={}),
                             supervisor("s-pool", None, region="Utrecht")])
    assert run(p).assignments == []


def test_one_supervisor_window_covers_all_the_team_shifts_in_a_place():
    # Two shifts at one place; the supervisor's two windows each hold one but not both.
    windows = {MON: ((hm("08:00"), hm("12:30")), (hm("12:30"), hm("17:00")))}
    p = problem(employees=[employee("e-1"), employee("e-2")],
                requests=[request("r-am", start="09:00", end="12:00", break_minutes=0),
                          request("r-pm", start="13:00", end="16:00", break_minutes=0)],
                supervisors=[supervisor("s-1", availability=windows)])
    solution = run(p)
    assert len(solution.assignments) == 1
    p2 = problem(employees=[employee("e-1"), employee("e-2")],
                 requests=[request("r-am", start="09:00", end="12:00", break_minutes=0),
                           request("r-pm", start="13:00", end="16:00", break_minutes=0)])
    assert len(run(p2).assignments) == 2


def test_supervision_entry_for_every_team_place_with_work():
    p = problem(employees=[employee("e-1"), employee("e-2")],
                requests=[request("r-1", "loc-1"), request("r-2", "loc-2")],
                supervisors=[supervisor("s-1"), supervisor("s-pool", None)])
    solution = run(p)
    assert len(solution.assignments) == 2
    places = {(s.location, s.team, s.date) for s in solution.supervision}
    assert places == {("loc-1", "t-1", MON), ("loc-2", "t-1", MON)}
    assert len({s.supervisor for s in solution.supervision}) == 2


# Rule 7 ----------------------------------------------------------------------------------------

TWO_TEAMS = (Team("t-1", "Team 1", "Den Haag"), Team("t-2", "Team 2", "Den Haag"))


def test_a_supervisor_leads_one_team_a_date():
    p = problem(teams=TWO_TEAMS, employees=[employee("e-1", "t-1"), employee("e-2", "t-2")],
                requests=[request("r-1", headcount=2)], supervisors=[supervisor("s-pool", None)])
    solution = run(p)
    assert len(solution.assignments) == 1
    assert len(solution.supervision) == 1


def test_two_supervisors_lead_two_teams():
    p = problem(teams=TWO_TEAMS, employees=[employee("e-1", "t-1"), employee("e-2", "t-2")],
                requests=[request("r-1", headcount=2)],
                supervisors=[supervisor("s-pool", None), supervisor("s-2", "t-2")])
    solution = run(p)
    assert len(solution.assignments) == 2
    assert {(s.supervisor, s.team) for s in solution.supervision} == {
        ("s-pool", "t-1"), ("s-2", "t-2")}


# Rule 8 ----------------------------------------------------------------------------------------

def test_team_max_size_caps_the_people_rostered():
    teams = (Team("t-1", "Team 1", "Den Haag", max_size=2),)
    p = problem(teams=teams, employees=[employee(f"e-{i}") for i in range(3)],
                requests=[request("r-1", headcount=3, days=[MON, TUE])])
    solution = run(p)
    assert len({a.employee for a in solution.assignments}) == 2


def test_team_within_max_size_is_not_capped():
    teams = (Team("t-1", "Team 1", "Den Haag", max_size=3),)
    p = problem(teams=teams, employees=[employee(f"e-{i}") for i in range(3)],
                requests=[request("r-1", headcount=3)])
    assert len(run(p).assignments) == 3


# Rule 9 ----------------------------------------------------------------------------------------

def test_pins_are_kept_even_when_they_cost():
    p = problem(employees=[employee("e-1")],
                requests=[request("r-low", priority=1), request("r-high", "loc-2", priority=3)],
                pinned=[ref("e-1", MON, "r-low")])
    assert roster(run(p)) == {("e-1", MON, "r-low")}
    unpinned = problem(employees=[employee("e-1")],
                       requests=[request("r-low", priority=1),
                                 request("r-high", "loc-2", priority=3)])
    assert roster(run(unpinned)) == {("e-1", MON, "r-high")}


def test_conflicting_pins_make_it_infeasible_and_are_named():
    pins = [ref("e-1", MON, "r-1"), ref("e-1", MON, "r-2"), ref("e-2", MON, "r-1")]
    p = problem(employees=[employee("e-1"), employee("e-2")],
                requests=[request("r-1", headcount=2), request("r-2", "loc-2")], pinned=pins)
    solution = solve(p, time_limit=10, workers=1, deterministic=True)
    assert solution.status == "INFEASIBLE"
    assert set(solution.conflicting_pins) == {pins[0], pins[1]}
    assert solution.assignments == []


def test_pins_over_headcount_conflict():
    pins = [ref("e-1", MON, "r-1"), ref("e-2", MON, "r-1")]
    p = problem(employees=[employee("e-1"), employee("e-2")], requests=[request("r-1")],
                pinned=pins)
    solution = solve(p, time_limit=10, workers=1, deterministic=True)
    assert solution.status == "INFEASIBLE"
    assert set(solution.conflicting_pins) == set(pins)


def test_a_pin_that_breaks_a_rule_on_its_own_is_named():
    pin = ref("e-1", MON, "r-1")
    p = problem(employees=[employee("e-1", work_types=["cleaning"]), employee("e-2")],
                requests=[request("r-1")], pinned=[pin, ref("e-2", TUE, "r-2")])
    p = problem(employees=[employee("e-1", work_types=["cleaning"]), employee("e-2")],
                requests=[request("r-1"), request("r-2", days=[TUE])],
                pinned=[pin, ref("e-2", TUE, "r-2")])
    solution = solve(p, time_limit=10, workers=1, deterministic=True)
    assert solution.status == "INFEASIBLE"
    assert solution.conflicting_pins == [pin]


@pytest.mark.parametrize("contract", [330, 1530])
def test_pins_that_fit_together_are_all_kept(contract):
    pins = [ref("e-1", MON, "r-1"), ref("e-2", MON, "r-1")]
    p = problem(employees=[employee("e-1", contract=contract), employee("e-2")],
                requests=[request("r-1", headcount=2, days=[MON, TUE])], pinned=pins)
    solution = run(p)
    assert set(pins) <= set(solution.assignments)


# Rule 10 (optional: min_rest_minutes, the Arbeidstijdenwet's 11 hours) ----------------------

def _rest_problem(min_rest: int, *, evening_end: str = "22:00", morning_start: str = "07:00"):
    """One person, available long hours: an evening shift on Monday, a morning one on Tuesday."""
    import dataclasses

    person = employee("e-1", per_day=600, availability=all_days("06:00", "23:00"))
    leader = supervisor("s-1", availability=all_days("06:00", "23:00"))
    p = problem(employees=[person], supervisors=[leader], requests=[
        request("r-evening", days=[MON], start="14:00", end=evening_end, headcount=1),
        request("r-morning", days=[TUE], start=morning_start, end="13:00", headcount=1)])
    return dataclasses.replace(p, min_rest_minutes=min_rest)


def test_rest_between_dates_bites_when_the_night_is_short():
    # 22:00 to 07:00 is 9 hours: one of the two shifts stays open.
    solution = run(_rest_problem(11 * 60))
    assert len(solution.assignments) == 1
    assert [s.missing for s in solution.shortfall] == [1]
    assert "1 te weinig: 1 medewerker heeft dan te weinig rust tussen twee diensten" in solution.shortfall[0].reasons
    assert [c.code for c in solution.shortfall[0].codes] == ["too_little_rest"]


def test_rest_between_dates_allows_a_long_enough_night():
    # 20:00 to 07:00 is exactly 11 hours; without the rule the short night is fine too.
    assert len(run(_rest_problem(11 * 60, evening_end="20:00")).assignments) == 2
    assert len(run(_rest_problem(0)).assignments) == 2


def test_pins_that_leave_too_little_rest_are_named():
    import dataclasses

    p = _rest_problem(11 * 60)
    pins = (ref("e-1", MON, "r-evening"), ref("e-1", TUE, "r-morning"))
    solution = solve(dataclasses.replace(p, pinned=pins), time_limit=10, workers=1, deterministic=True)
    assert solution.status == "INFEASIBLE"
    assert set(solution.conflicting_pins) == set(pins)
