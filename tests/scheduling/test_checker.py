"""The independent checker: each hard rule bites when broken and stays quiet when kept."""
from __future__ import annotations

from dataclasses import replace

import pytest

from builders_roster import MON, TUE, WED, ProblemBuilder, a, basic, solution, sv
from scheduling.checker import RULE_REFERENCE, check, objective, objective_terms
from scheduling.domain import Team


def rules(problem, sol) -> list[int]:
    return sorted({v.rule for v in check(problem, sol).violations})


def one_shift(employee="e-1", day=MON, request="r-1", supervisor="s-1", location="dh-1", team="t-dh"):
    return solution([a(employee, day, request)], [sv(supervisor, day, location, team)])


def test_a_well_formed_shift_with_its_team_leader_passes():
    report = check(basic().build(), one_shift())
    assert report.ok, report.violations
    assert report.metrics.coverage == pytest.approx(1 / 10)


# Rule 1: only on the request's days, at most one shift a date.

def test_rule1_bites_on_a_date_the_request_does_not_cover():
    problem = ProblemBuilder().employee().supervisor().request(days=(MON,)).build()
    report = check(problem, one_shift(day=TUE))
    assert [v.rule for v in report.violations] == [1]
    assert "e-1" in report.violations[0].message and "2026-12-08" in report.violations[0].message


def test_rule1_bites_on_two_shifts_a_date():
    problem = basic().request("r-2", hours="15:30-17:00", break_minutes=0).build()
    sol = solution([a("e-1", MON, "r-1"), a("e-1", MON, "r-2")], [sv("s-1", MON)])
    assert 1 in rules(problem, sol)


def test_rule1_allows_one_shift_on_each_of_several_days():
    sol = solution([a("e-1", MON, "r-1"), a("e-1", TUE, "r-1")], [sv("s-1", MON), sv("s-1", TUE)])
    assert check(basic().build(), sol).ok


# Rule 2: the shift lies inside one availability window.

def test_rule2_bites_when_the_shift_starts_before_the_window():
    problem = ProblemBuilder().employee(hours="10:00-17:00").supervisor().request().build()
    assert rules(problem, one_shift()) == [2]


def test_rule2_bites_when_two_windows_only_cover_the_shift_together():
    problem = (ProblemBuilder().employee(availability={MON: ((480, 720), (720, 1020))})
               .supervisor().request().build())
    assert rules(problem, one_shift()) == [2]


def test_rule2_bites_on_a_day_without_availability():
    problem = ProblemBuilder().employee(days=(TUE,)).supervisor().request().build()
    assert rules(problem, one_shift()) == [2]


def test_rule2_allows_a_shift_exactly_filling_a_window():
    problem = ProblemBuilder().employee(hours="09:00-15:00").supervisor().request().build()
    assert check(problem, one_shift()).ok


# Rule 3: work type, region of the team, personal location list.

def test_rule3_bites_without_the_work_type():
    problem = ProblemBuilder().employee(work_types=("cleaning",)).supervisor().request().build()
    assert rules(problem, one_shift()) == [3]


def test_rule3_bites_outside_the_teams_region():
    problem = (ProblemBuilder().employee(team="t-ut").supervisor("s-ut", team="t-ut")
               .request(location="dh-1").build())
    report = check(problem, one_shift(supervisor="s-ut", team="t-ut"))
    assert 3 in [v.rule for v in report.violations]


def test_rule3_bites_at_a_location_outside_the_personal_list():
    problem = ProblemBuilder().employee(locations=("dh-2",)).supervisor().request().build()
    assert rules(problem, one_shift()) == [3]


def test_rule3_allows_a_listed_location():
    problem = ProblemBuilder().employee(locations=("dh-1",)).supervisor().request().build()
    assert check(problem, one_shift()).ok


# Rule 4: contract minutes a week, max minutes a day.

def test_rule4_bites_when_the_week_exceeds_the_contract():
    problem = ProblemBuilder().employee(contract=600).supervisor().request().build()
    sol = solution([a("e-1", MON, "r-1"), a("e-1", TUE, "r-1")], [sv("s-1", MON), sv("s-1", TUE)])
    report = check(problem, sol)
    assert [v.rule for v in report.violations] == [4]
    assert "660" in report.violations[0].message and "600" in report.violations[0].message


def test_rule4_bites_when_a_day_exceeds_the_daily_limit():
    problem = ProblemBuilder().employee(per_day=240).supervisor().request().build()
    assert rules(problem, one_shift()) == [4]


def test_rule4_allows_exactly_the_contract_and_daily_limit():
    problem = ProblemBuilder().employee(contract=330, per_day=330).supervisor().request().build()
    assert check(problem, one_shift()).ok


# Rule 5: headcount.

def test_rule5_bites_above_headcount():
    problem = ProblemBuilder().employee().employee("e-2").supervisor().request(headcount=1).build()
    sol = solution([a("e-1", MON, "r-1"), a("e-2", MON, "r-1")], [sv("s-1", MON)])
    report = check(problem, sol)
    assert [v.rule for v in report.violations] == [5]
    assert "r-1" in report.violations[0].message


def test_rule5_allows_exactly_headcount():
    problem = ProblemBuilder().employee().employee("e-2").supervisor().request(headcount=2).build()
    sol = solution([a("e-1", MON, "r-1"), a("e-2", MON, "r-1")], [sv("s-1", MON)])
    assert check(problem, sol).ok


# Rule 6: supervision.

def test_rule6_bites_without_a_supervision_entry():
    report = check(basic().build(), solution([a("e-1", MON, "r-1")]))
    assert [v.rule for v in report.violations] == [6]
    assert "t-dh" in report.violations[0].message and "dh-1" in report.violations[0].message


def test_rule6_bites_when_the_entry_is_for_another_location():
    sol = solution([a("e-1", MON, "r-1")], [sv("s-1", MON, location="dh-2")])
    assert rules(basic().build(), sol) == [6]


def test_rule6_bites_with_the_leader_of_another_team():
    problem = basic().team("t-dh2").supervisor("s-2", team="t-dh2").build()
    assert rules(problem, one_shift(supervisor="s-2")) == [6]


def test_rule6_accepts_a_pool_supervisor_of_the_region():
    problem = ProblemBuilder().employee().supervisor("s-pool", team=None, region="Den Haag").request().build()
    assert check(problem, one_shift(supervisor="s-pool")).ok


def test_rule6_bites_with_a_pool_supervisor_of_another_region():
    problem = ProblemBuilder().employee().supervisor("s-pool", team=None, region="Utrecht").request().build()
    assert rules(problem, one_shift(supervisor="s-pool")) == [6]


def test_rule6_bites_when_the_supervisor_leaves_before_the_latest_shift_ends():
    problem = (ProblemBuilder().employee().employee("e-2").supervisor(hours="08:00-16:00")
               .request().request("r-2", hours="12:00-17:00", break_minutes=0).build())
    sol = solution([a("e-1", MON, "r-1"), a("e-2", MON, "r-2")], [sv("s-1", MON)])
    report = check(problem, sol)
    assert [v.rule for v in report.violations] == [6]
    assert "09:00-17:00" in report.violations[0].message


def test_rule6_accepts_a_supervisor_covering_the_whole_span():
    problem = (ProblemBuilder().employee().employee("e-2").supervisor(hours="08:00-17:00")
               .request().request("r-2", hours="12:00-17:00", break_minutes=0).build())
    sol = solution([a("e-1", MON, "r-1"), a("e-2", MON, "r-2")], [sv("s-1", MON)])
    assert check(problem, sol).ok


def test_rule6_bites_when_only_two_windows_together_cover_the_span():
    problem = (ProblemBuilder().employee()
               .supervisor(availability={MON: ((480, 720), (720, 1020))}).request().build())
    assert rules(problem, one_shift()) == [6]


def test_rule6_bites_when_the_supervisor_lacks_a_work_type_done_there():
    problem = (ProblemBuilder().employee().employee("e-2", work_types=("cleaning",))
               .supervisor(work_types=("keyboards",))
               .request().request("r-2", work_type="cleaning").build())
    sol = solution([a("e-1", MON, "r-1"), a("e-2", MON, "r-2")], [sv("s-1", MON)])
    report = check(problem, sol)
    assert [v.rule for v in report.violations] == [6]
    assert "cleaning" in report.violations[0].message


# Rule 7: one supervision entry per supervisor a date.

def test_rule7_bites_on_a_supervisor_in_two_places_a_date():
    problem = (ProblemBuilder().employee().employee("e-2").supervisor()
               .request().request("r-2", location="dh-2").build())
    sol = solution([a("e-1", MON, "r-1"), a("e-2", MON, "r-2")],
                   [sv("s-1", MON, "dh-1"), sv("s-1", MON, "dh-2")])
    assert rules(problem, sol) == [7]


def test_rule7_allows_two_supervisors_for_two_places():
    problem = (ProblemBuilder().employee().employee("e-2").supervisor()
               .supervisor("s-pool", team=None, region="Den Haag")
               .request().request("r-2", location="dh-2").build())
    sol = solution([a("e-1", MON, "r-1"), a("e-2", MON, "r-2")],
                   [sv("s-1", MON, "dh-1"), sv("s-pool", MON, "dh-2")])
    assert check(problem, sol).ok


# Rule 8: team size.

def test_rule8_bites_when_a_team_has_more_employees_than_max_size():
    problem = basic().team("t-dh", max_size=1).employee("e-2").build()
    assert 8 in rules(problem, solution())


def test_rule8_bites_on_a_max_size_over_fifteen():
    problem = replace(basic().build(), teams=(Team("t-dh", "Team", "Den Haag", 16),))
    assert rules(problem, solution()) == [8]


def test_rule8_allows_a_full_team():
    problem = basic().team("t-dh", max_size=2).employee("e-2").build()
    assert check(problem, solution()).ok


# Rule 9: pins.

def test_rule9_bites_when_a_pin_is_missing():
    problem = basic().pin("e-1", TUE, "r-1").build()
    report = check(problem, one_shift())
    assert [v.rule for v in report.violations] == [9]
    assert "2026-12-08" in report.violations[0].message


def test_rule9_allows_a_kept_pin():
    problem = basic().pin("e-1", MON, "r-1").build()
    assert check(problem, one_shift()).ok


# References the problem does not know.

def test_unknown_employee_request_and_supervisor_are_flagged():
    sol = solution([a("e-9", MON, "r-1"), a("e-1", MON, "r-9")], [sv("s-9", MON, "dh-9", "t-9")])
    report = check(basic().build(), sol)
    flagged = [v for v in report.violations if v.rule == RULE_REFERENCE]
    text = " ".join(v.message for v in flagged)
    assert {"e-9", "r-9", "s-9", "dh-9", "t-9"} <= set(text.replace(",", " ").split())


# The objective, on a hand-computed example.

def test_objective_terms_match_a_hand_computed_example():
    problem = (ProblemBuilder()
               .employee("e-1", contract=1000).employee("e-2", contract=400).supervisor()
               .supervisor("s-pool", team=None, region="Den Haag")
               .request("r-1", days=(MON, TUE), headcount=3, priority=2)
               .request("r-2", location="dh-2", days=(MON,), headcount=1, priority=3)
               .last_week("e-1", 1, "dh-1", "keyboards")  # kept on Monday: no change
               .last_week("e-2", 1, "dh-1", "keyboards")  # moved to dh-2: one change
               .last_week("e-1", 3, "dh-2", "cleaning")   # Wednesday not planned: nothing
               .publish("e-1", MON, "r-1")                # kept
               .publish("e-2", TUE, "r-1")                # dropped: one republish change
               .build())
    assignments = [a("e-1", MON, "r-1"), a("e-1", TUE, "r-1"), a("e-2", MON, "r-2")]
    terms = objective_terms(problem, assignments)
    # r-1: Mon 2 missing, Tue 2 missing, priority 2 -> 8; r-2 full.
    assert terms["shortfall"] == 8 * 1000
    assert terms["republish_change"] == 1 * 200
    assert terms["change"] == 1 * 50
    # e-1 works 2 x 330 = 660 of 1000 -> 340; e-2 works 330 of 400 -> 70.
    assert terms["contract_gap"] == 410 * 1
    # Team t-dh is at dh-1 and dh-2 on Monday: one extra location.
    assert terms["team_split"] == 1 * 20
    assert objective(problem, assignments) == 8000 + 200 + 50 + 410 + 20


def test_objective_uses_the_problems_weights():
    problem = basic().build()
    problem.weights.update({"shortfall": 0, "contract_gap": 2})
    assert objective(problem, []) == 2 * 1920


def test_metrics_of_a_partial_roster():
    problem = (ProblemBuilder().employee(contract=660).employee("e-2").supervisor()
               .request(days=(MON, WED), headcount=2, priority=3)
               .request("r-2", days=(MON,), headcount=1, priority=1)
               .last_week("e-1", 1).build())
    sol = solution([a("e-1", MON, "r-1"), a("e-1", WED, "r-1")], [sv("s-1", MON), sv("s-1", WED)])
    report = check(problem, sol)
    assert report.ok
    m = report.metrics
    assert m.coverage == pytest.approx(2 / 5)
    assert m.weighted_coverage == pytest.approx(6 / 13)
    assert m.contract_use == pytest.approx(660 / (660 + 1920))
    assert m.continuity == 1.0
    assert m.mean_locations_per_employee == 1.0
    assert m.team_splits == 0
    assert m.objective == objective(problem, sol.assignments, sol.supervision)


def test_a_violation_prints_as_its_rule_and_dutch_message():
    report = check(basic().build(), solution([a("e-1", MON, "r-1")]))
    assert str(report.violations[0]) == "regel 6: Geen teamleider voor team t-dh op 2026-12-07 op locatie dh-1"


# Rule 10 (only when the problem sets min_rest_minutes) -----------------------------------------

def _late_and_early(min_rest: int):
    problem = (ProblemBuilder().employee(per_day=600, hours="06:00-23:00").supervisor(hours="06:00-23:00")
               .request("r-late", hours="14:00-22:00").request("r-early", hours="07:00-13:00").build())
    sol = solution([a("e-1", MON, "r-late"), a("e-1", TUE, "r-early")], [sv("s-1", MON), sv("s-1", TUE)])
    return replace(problem, min_rest_minutes=min_rest), sol


def test_rule10_bites_on_a_short_night_and_names_the_rest():
    problem, sol = _late_and_early(660)
    violations = check(problem, sol).violations
    # 11: the same team leader leads both shifts, and has that short night too.
    assert [v.rule for v in violations] == [10, 11]
    assert "540 minuten rust" in violations[0].message and "660" in violations[0].message
    assert violations[0].employee == "e-1" and violations[0].date == TUE


def test_rule10_allows_the_same_roster_when_the_night_is_long_enough_or_no_rest_is_asked():
    assert check(*_late_and_early(540)).ok
    assert check(*_late_and_early(0)).ok
