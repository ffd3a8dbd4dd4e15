"""QA round 13 on the reasons scheduling.explain gives.

1. A pinned shift nobody may lead only because the planner pinned the one free leader (the
   region's stand-in) at another place is not "no leader free": it is held by that leader pin.
2. A day nobody may lead a team's people (its leader and the stand-in away) is short for that,
   even when the plan, having no use for them that day, spent their hours and rest on other
   days: "geen teamleider vrij" comes first, not "contracturen ... zijn op".
3. Pins that alone need more than the person's contract hours, or leave too little rest.
"""
from __future__ import annotations

import dataclasses

from builders_model import DAYS, MON, TUE, WED, all_days, employee, problem, ref, request, supervisor
from scheduling.domain import Shortfall, SupervisionRef, Team
from scheduling.explain import (explain_shortfalls, pins_at, pins_held_by_leader_pins, pins_over_contract,
                                pins_without_leader, pins_without_rest)

NOT_TUESDAY = all_days(days=[d for d in DAYS if d != TUE])
NOT_WEDNESDAY = all_days(days=[d for d in DAYS if d != WED])


# --- 1. a leader pin, not a missing leader --------------------------------------------------


def _leader_pinned_elsewhere(*, stand_in_pinned: bool = True):
    """Wednesday: Hugo (e-1) pinned at loc-2, Julia (e-2) at loc-1; the team's own leader s-1 is
    away, the stand-in p-1 is pinned to lead the team at loc-1."""
    p = problem(
        employees=[employee("e-1"), employee("e-2")],
        supervisors=[supervisor("s-1", availability=NOT_WEDNESDAY), supervisor("p-1", team=None)],
        requests=[request("r-1", "loc-1", days=[WED]), request("r-2", "loc-2", days=[WED], end="13:00")],
        pinned=[ref("e-1", WED, "r-2"), ref("e-2", WED, "r-1")])
    if stand_in_pinned:
        p = dataclasses.replace(p, pinned_supervision=(SupervisionRef("p-1", WED, "loc-1", "t-1"),))
    return p


def test_a_pin_the_stand_in_could_lead_but_for_a_leader_pin_is_held_by_that_pin_not_unled():
    p = _leader_pinned_elsewhere()
    hugo = ref("e-1", WED, "r-2")
    assert pins_without_leader(p, [hugo]) == []
    assert pins_held_by_leader_pins(p, [hugo]) == {hugo: [SupervisionRef("p-1", WED, "loc-1", "t-1")]}
    # The pinned shifts that keep the stand-in there.
    assert pins_at(p, SupervisionRef("p-1", WED, "loc-1", "t-1")) == [ref("e-2", WED, "r-1")]


def test_without_the_leader_pin_nothing_holds_the_pin():
    p = _leader_pinned_elsewhere(stand_in_pinned=False)
    assert pins_held_by_leader_pins(p, [ref("e-1", WED, "r-2")]) == {}


def test_a_pin_nobody_may_lead_at_all_is_still_unled_not_held():
    p = dataclasses.replace(_leader_pinned_elsewhere(), supervisors=(supervisor("s-1", availability=NOT_WEDNESDAY),),
                            pinned_supervision=())
    hugo = ref("e-1", WED, "r-2")
    assert pins_without_leader(p, [hugo]) == [hugo]
    assert pins_held_by_leader_pins(p, [hugo]) == {}


# --- 2. no leader at all that day: that reason first ----------------------------------------


def _nobody_leads_tuesday(headcount: int):
    """Team t-1's leader and the region's stand-in are away on Tuesday. Four people have hours for
    four days only and worked the others; two worked Monday 15:00-23:00, too late to start at 09:00."""
    p = problem(
        employees=[employee(f"e-{n}", contract=4 * 330) for n in range(1, 5)]
        + [employee(f"e-{n}", availability=all_days("08:00", "23:30")) for n in (5, 6)],
        supervisors=[supervisor("s-1", availability=NOT_TUESDAY),
                     supervisor("p-1", team=None, availability=NOT_TUESDAY)],
        requests=[request("r-1", days=DAYS, headcount=headcount),
                  request("r-2", "loc-2", days=[MON], start="15:00", end="23:00", headcount=2)])
    p = dataclasses.replace(p, min_rest_minutes=11 * 60)
    assignments = [ref(f"e-{n}", day, "r-1") for n in range(1, 5) for day in DAYS if day != TUE]
    assignments += [ref("e-5", MON, "r-2"), ref("e-6", MON, "r-2")]
    return p, assignments


def test_with_nobody_to_lead_the_day_the_leader_comes_before_used_hours_and_rest():
    p, assignments = _nobody_leads_tuesday(headcount=4)
    [row] = explain_shortfalls(p, assignments, [], [Shortfall("r-1", TUE, 4)])
    assert row.reasons[0] == "4 te weinig: geen teamleider vrij op dinsdag", row.reasons
    # Still true, and said after it.
    assert "contracturen van 4 medewerkers met deze werksoort zijn op" in row.reasons[1:]
    assert "2 medewerkers hebben dan te weinig rust tussen twee diensten" in row.reasons[1:]


def test_with_nobody_to_lead_the_day_the_leader_comes_before_too_few_who_fit():
    """Fifteen asked and six who fit: before, "maar 6 van de 15" came first, as if nine were all
    that was missing for want of people."""
    p, assignments = _nobody_leads_tuesday(headcount=15)
    [row] = explain_shortfalls(p, assignments, [], [Shortfall("r-1", TUE, 15)])
    assert row.reasons[0] == "15 te weinig: geen teamleider vrij op dinsdag", row.reasons
    assert "maar 6 van de 15 gevraagde medewerkers hebben deze werksoort en zijn op dinsdag op tijd beschikbaar" \
        in row.reasons[1:]


def test_with_a_leader_free_used_hours_are_still_the_reason():
    p, assignments = _nobody_leads_tuesday(headcount=4)
    p = dataclasses.replace(p, supervisors=(supervisor("s-1"),))
    [row] = explain_shortfalls(p, assignments, [], [Shortfall("r-1", TUE, 4)])
    assert row.reasons[0] == "4 te weinig: contracturen van 4 medewerkers met deze werksoort zijn op", row.reasons
    assert not any("teamleider" in r for r in row.reasons), row.reasons


def test_only_the_team_nobody_may_lead_is_named():
    """Team 2 has a leader that day; Team 1's people, whose hours are used, have none."""
    p, assignments = _nobody_leads_tuesday(headcount=4)
    p = dataclasses.replace(
        p, teams=(Team("t-1", "Team 1", "Den Haag"), Team("t-2", "Team 2", "Den Haag")),
        employees=p.employees + (employee("e-7", team="t-2"),),
        supervisors=(supervisor("s-1", availability=NOT_TUESDAY), supervisor("s-2", team="t-2")))
    [row] = explain_shortfalls(p, assignments, [], [Shortfall("r-1", TUE, 4)])
    assert row.reasons[0] == "4 te weinig: geen teamleider vrij op dinsdag voor Team 1", row.reasons


# --- 3. the pins' own causes ------------------------------------------------------------------


def test_pins_beyond_the_contract_hours_are_named():
    p = problem(employees=[employee("e-1", contract=600), employee("e-2")],
                requests=[request("r-1", days=DAYS)])
    julia = [ref("e-1", MON, "r-1"), ref("e-1", TUE, "r-1")]
    assert pins_over_contract(p, julia + [ref("e-2", MON, "r-1")]) == julia
    assert pins_over_contract(p, julia[:1]) == []


def test_pins_without_rest_between_them_are_named():
    p = dataclasses.replace(problem(employees=[employee("e-1", availability=all_days("07:00", "23:30"))],
                                    requests=[request("r-1", days=[MON], start="15:00", end="23:00"),
                                              request("r-2", days=[TUE], start="07:00", end="15:00")]),
                            min_rest_minutes=11 * 60)
    pins = [ref("e-1", MON, "r-1"), ref("e-1", TUE, "r-2")]
    assert pins_without_rest(p, pins) == pins
    assert pins_without_rest(dataclasses.replace(p, min_rest_minutes=0), pins) == []
