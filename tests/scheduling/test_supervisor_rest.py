"""A supervisor's working time: the rest between dates (rule 11, min_rest_minutes) and the longest
day (rule 12, max_supervision_minutes), in real hours, as for employees.

A supervisor is at a place from the earliest start to the latest end of the shifts of the team
they lead there (rule 6). Found by QA through the app: team leader Tineke led until 24:00 on
Saturday 30 October 2027 and from 01:00 on Sunday 31 October (one hour of rest), and that Sunday
her team's day ran 01:00-15:00 (15 real hours: the clocks go back); a free stand-in of the pool
could have led, yet the checker accepted it and the solver chose it.
"""
from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from builders_model import employee, hm, problem, ref, request, supervisor
from scheduling.checker import RULE_SUPERVISOR_DAY, RULE_SUPERVISOR_REST, check
from scheduling.daybound import DayBound
from scheduling.domain import Shortfall, Solution, SupervisionRef, Team, span_minutes, supervision_too_long
from scheduling.explain import explain_shortfalls
from scheduling.generate import generate
from scheduling.greedy import greedy
from scheduling.io import FormatError, problem_to_dict, read_problem
from scheduling.lns import neighbourhood, team_lns
from scheduling.lpbound import lp_bound, plan_roster
from scheduling.model import ProblemIndex, build_model, hint_roster
from scheduling.solver import hint_is_valid, solve

AMSTERDAM = "Europe/Amsterdam"
SAT, SUN = dt.date(2027, 10, 30), dt.date(2027, 10, 31)  # that Sunday 03:00 -> 02:00
PLAIN_SAT = dt.date(2027, 11, 6)
SPRING_SUN = dt.date(2027, 3, 28)  # 02:00 -> 03:00
ELEVEN_HOURS, TWELVE_HOURS = 11 * 60, 12 * 60
WHOLE_DAY = ((0, 24 * 60),)


def weekend(*requests, saturday=SAT, pool=True, rest=ELEVEN_HOURS, longest=TWELVE_HOURS, teams=None):
    """Team t-1 with its leader Tineke (free both days) and, with `pool`, a stand-in p-1 free on
    Sunday; e-1 and e-2 work only on Saturday, e-3 and e-4 only on Sunday (so no employee's
    rest is in the way)."""
    sunday = saturday + dt.timedelta(days=1)
    days = (saturday, sunday)
    people = [employee(e, per_day=600, availability={saturday: WHOLE_DAY}) for e in ("e-1", "e-2")]
    people += [employee(e, per_day=600, availability={sunday: WHOLE_DAY}) for e in ("e-3", "e-4")]
    leaders = [supervisor("tineke", availability={d: WHOLE_DAY for d in days})]
    if pool:
        leaders.append(supervisor("p-1", team=None, availability={sunday: WHOLE_DAY}))
    p = problem(employees=people, supervisors=leaders, requests=[r(saturday) for r in requests],
                **({"teams": teams} if teams else {}))
    year, week, _ = saturday.isocalendar()
    return dataclasses.replace(p, week=f"{year}-W{week:02d}", days=days, timezone=AMSTERDAM,
                               min_rest_minutes=rest, max_supervision_minutes=longest)


def shift(id: str, day: int, start: str, end: str, *, location: str = "loc-1", priority: int = 2):
    """A request on the weekend's Saturday (day 0) or Sunday (day 1), for one person."""
    return lambda saturday: request(id, location, days=[saturday + dt.timedelta(days=day)], start=start,
                                    end=end, break_minutes=45, priority=priority)


LATE = shift("r-late", 0, "16:00", "24:00", priority=3)  # Saturday until midnight
NIGHT = shift("r-night", 1, "01:00", "08:00")  # Sunday from 01:00
DAYTIME = shift("r-day", 1, "08:00", "15:00", priority=1)  # Sunday until 15:00
SATURDAY = shift("r-sat", 0, "08:00", "16:00", priority=3)
SUNDAY = shift("r-sun", 1, "08:00", "16:00")


def qa_week(**kwargs):
    return weekend(LATE, NIGHT, DAYTIME, **kwargs)


def qa_roster(p):
    """What the solver chose before: Tineke leads both days, the team's Sunday 01:00-15:00."""
    sunday = p.days[1]
    return Solution("FEASIBLE", [ref("e-1", p.days[0], "r-late"), ref("e-3", sunday, "r-night"),
                                 ref("e-4", sunday, "r-day")],
                    [SupervisionRef("tineke", p.days[0], "loc-1", "t-1"),
                     SupervisionRef("tineke", sunday, "loc-1", "t-1")])


def solved(p):
    solution = solve(p, time_limit=10, workers=1, deterministic=True)
    assert solution.status == "OPTIMAL", solution
    assert check(p, solution).ok, check(p, solution).violations
    return solution


def leaders_on(solution, day):
    return sorted(s.supervisor for s in solution.supervision if s.date == day)


def short(solution):
    return sorted((s.request, s.date) for s in solution.shortfall)


# The arithmetic ---------------------------------------------------------------------------------

def test_a_supervisors_day_is_counted_in_real_hours():
    assert span_minutes(AMSTERDAM, SUN, hm("01:00"), hm("15:00")) == 15 * 60
    assert span_minutes(AMSTERDAM, SPRING_SUN, hm("01:00"), hm("14:00")) == 12 * 60
    assert span_minutes(AMSTERDAM, PLAIN_SAT, hm("01:00"), hm("15:00")) == 14 * 60
    p = qa_week()
    assert supervision_too_long(p, hm("01:00"), hm("13:00"), SUN)  # 13 real hours
    assert not supervision_too_long(p, hm("01:00"), hm("13:00"), PLAIN_SAT)
    assert not supervision_too_long(p, hm("01:00"), hm("14:00"), SPRING_SUN)
    assert not supervision_too_long(dataclasses.replace(p, max_supervision_minutes=0), 0, 24 * 60, SUN)


# The checker ------------------------------------------------------------------------------------

def test_the_checker_refuses_what_qa_found_the_solver_choose():
    p = qa_week()
    violations = check(p, qa_roster(p)).violations
    assert [v.rule for v in violations] == [RULE_SUPERVISOR_REST, RULE_SUPERVISOR_DAY]
    rest, day = violations
    assert rest.supervisor == day.supervisor == "tineke" and rest.date == day.date == SUN
    assert rest.message == ("Teamleider tineke (tineke) heeft tussen 2027-10-30 en 2027-10-31 60 minuten rust, "
                            "minder dan de 660 die nodig zijn")
    assert day.message == ("Teamleider tineke (tineke) leidt op 2027-10-31 van 01:00-15:00: 900 minuten, "
                           "langer dan de 720 per dag")
    assert day.minutes == 900


def test_the_checker_accepts_a_stand_in_and_a_short_enough_sunday():
    p = qa_week()
    roster = qa_roster(p)
    roster = Solution("FEASIBLE", roster.assignments[:2],
                      [roster.supervision[0], SupervisionRef("p-1", SUN, "loc-1", "t-1")])
    assert check(p, roster).ok


def test_the_checker_counts_the_rest_in_real_hours_across_the_autumn_night():
    """Saturday until 21:00, Sunday from 07:30: 10.5 hours on the clock, 11.5 real ones; the
    same clock times a week later leave too little."""
    for saturday, ok in ((SAT, True), (PLAIN_SAT, False)):
        p = weekend(shift("r-late", 0, "13:00", "21:00"), shift("r-early", 1, "07:30", "12:00"), saturday=saturday)
        sunday = saturday + dt.timedelta(days=1)
        roster = Solution("FEASIBLE", [ref("e-1", saturday, "r-late"), ref("e-3", sunday, "r-early")],
                          [SupervisionRef("tineke", saturday, "loc-1", "t-1"),
                           SupervisionRef("tineke", sunday, "loc-1", "t-1")])
        assert [v.rule for v in check(p, roster).violations] == ([] if ok else [RULE_SUPERVISOR_REST])


def test_the_checker_counts_a_day_of_twelve_clock_hours_as_thirteen_the_night_the_clocks_go_back():
    for saturday, rules in ((SAT, [RULE_SUPERVISOR_DAY]), (PLAIN_SAT, [])):
        p = weekend(shift("r-night", 1, "01:00", "07:00"), shift("r-day", 1, "07:00", "13:00"), saturday=saturday)
        sunday = saturday + dt.timedelta(days=1)
        roster = Solution("FEASIBLE", [ref("e-3", sunday, "r-night"), ref("e-4", sunday, "r-day")],
                          [SupervisionRef("p-1", sunday, "loc-1", "t-1")])
        assert [v.rule for v in check(p, roster).violations] == rules


def test_without_the_working_time_fields_the_checker_asks_nothing_new():
    p = qa_week(rest=0, longest=0)
    assert check(p, qa_roster(p)).ok


# The model and the solver -----------------------------------------------------------------------

def test_the_solver_lets_the_stand_in_lead_after_a_late_night():
    solution = solved(weekend(LATE, NIGHT))
    assert leaders_on(solution, SAT) == ["tineke"] and leaders_on(solution, SUN) == ["p-1"]
    assert short(solution) == []


def test_without_a_stand_in_the_later_day_is_short_and_says_why():
    solution = solved(weekend(LATE, NIGHT, pool=False))
    assert short(solution) == [("r-night", SUN)]
    [row] = solution.shortfall
    assert row.codes[0].code == "leader_rest"
    assert row.reasons[0] == ("1 te weinig: 1 teamleider die dit kan leiden heeft dan te weinig rust tussen "
                              "twee werkdagen")


def test_a_leader_with_enough_rest_leads_both_days():
    solution = solved(weekend(SATURDAY, SUNDAY, pool=False))
    assert leaders_on(solution, SAT) == leaders_on(solution, SUN) == ["tineke"]
    assert short(solution) == []
    # And the rule asked for nothing more than the rest: without it, the late night is led by one.
    assert short(solved(weekend(LATE, NIGHT, pool=False, rest=0))) == []


def test_the_solver_keeps_a_team_day_at_a_place_within_twelve_real_hours():
    solution = solved(weekend(NIGHT, DAYTIME))
    assert short(solution) == [("r-day", SUN)]
    [row] = solution.shortfall
    assert row.codes[0].code == "leader_day_too_long"
    assert row.reasons[0] == ("1 te weinig: de werkdag van 2 teamleiders die dit kunnen leiden wordt dan langer "
                              "dan 12 uur")


def test_a_long_team_day_split_over_two_places_has_two_leaders():
    solution = solved(weekend(NIGHT, shift("r-day", 1, "08:00", "15:00", location="loc-2")))
    assert short(solution) == []
    assert leaders_on(solution, SUN) == ["p-1", "tineke"]


def test_twelve_clock_hours_are_a_long_day_only_the_night_the_clocks_go_back():
    night, day = shift("r-night", 1, "01:00", "07:00"), shift("r-day", 1, "07:00", "13:00", priority=1)
    assert short(solved(weekend(night, day))) == [("r-day", SUN)]
    assert short(solved(weekend(night, day, saturday=PLAIN_SAT))) == []


def test_the_qa_week_is_planned_within_the_working_time_rules():
    """Saturday until midnight led by Tineke, Sunday by the stand-in, and that Sunday's team day
    at the place no longer than 12 real hours: the lowest-priority shift is left short."""
    p = qa_week()
    solution = solved(p)
    assert leaders_on(solution, SAT) == ["tineke"] and leaders_on(solution, SUN) == ["p-1"]
    assert short(solution) == [("r-day", SUN)]


def test_a_pinned_leader_without_rest_leaves_the_day_short_instead():
    p = dataclasses.replace(weekend(LATE, NIGHT), pinned_supervision=(
        SupervisionRef("tineke", SAT, "loc-1", "t-1"), SupervisionRef("tineke", SUN, "loc-1", "t-1")))
    solution = solved(p)
    assert short(solution) == [("r-night", SUN)]
    assert solution.shortfall[0].codes[0].code == "leader_rest"


def test_weeks_of_daytime_work_build_the_same_model_with_the_rules_asked():
    """The generated weeks are daytime: the working-time rules add no variable and no row."""
    for size, seed in (("S", 1), ("M", 1)):
        plain = generate(size, seed)
        asked = dataclasses.replace(plain, min_rest_minutes=ELEVEN_HOURS, max_supervision_minutes=TWELVE_HOURS)
        for region in ProblemIndex.of(plain).regions:
            before = build_model(ProblemIndex.of(plain), region)
            after = build_model(ProblemIndex.of(asked), region)
            assert (after.num_variables, after.num_constraints) == (before.num_variables, before.num_constraints)
            assert not after.works


def test_the_rules_add_rows_only_where_they_bite():
    m = build_model(ProblemIndex.of(qa_week()), "Den Haag")
    plain = build_model(ProblemIndex.of(qa_week(rest=0, longest=0)), "Den Haag")
    assert m.num_constraints > plain.num_constraints
    assert set(m.works) <= {("t-1", "r-late", SAT), ("t-1", "r-night", SUN), ("t-1", "r-day", SUN)}


# Greedy -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("saturday_first", [True, False])
def test_greedy_never_leaves_a_leader_without_rest(saturday_first):
    """Greedy fills the higher priority first: Saturday first, the stand-in leads Sunday; Sunday
    first, Tineke leads it and nobody is left for Saturday (greedy's choice, but a valid one)."""
    late = shift("r-late", 0, "16:00", "24:00", priority=3 if saturday_first else 1)
    p = weekend(late, NIGHT)
    roster = greedy(p)
    assert check(p, roster).ok, check(p, roster).violations
    if saturday_first:
        assert roster.shortfall == [] and leaders_on(roster, SUN) == ["p-1"]
    else:
        assert [(s.request, s.date) for s in roster.shortfall] == [("r-late", SAT)]
        assert leaders_on(roster, SUN) == ["tineke"]


def test_greedy_without_a_stand_in_leaves_a_day_short_rather_than_the_leader_unrested():
    p = weekend(LATE, NIGHT, pool=False)
    roster = greedy(p)
    assert check(p, roster).ok, check(p, roster).violations
    assert [(s.request, s.date) for s in roster.shortfall] == [("r-night", SUN)]
    assert len(greedy(weekend(SATURDAY, SUNDAY, pool=False)).assignments) == 2


def test_greedy_keeps_a_team_day_within_twelve_real_hours():
    p = qa_week()
    roster = greedy(p)
    assert check(p, roster).ok, check(p, roster).violations
    assert [(s.request, s.date) for s in roster.shortfall] == [("r-day", SUN)]
    plain = weekend(shift("r-night", 1, "01:00", "07:00"), shift("r-day", 1, "07:00", "13:00"), saturday=PLAIN_SAT)
    assert greedy(plain).shortfall == [] and check(plain, greedy(plain)).ok


# The other paths to a roster --------------------------------------------------------------------

def test_the_day_rosters_keep_a_supervisors_rest():
    p = weekend(LATE, NIGHT, pool=False)
    m = build_model(ProblemIndex.of(p), "Den Haag")
    start = greedy(p)
    _cost, rows, leads = hint_roster(m, start.assignments, start.supervision)
    day = DayBound(m, rows, leads)
    day.run(5)
    # Each date alone would fill its shift with Tineke; together they may not.
    assert all(any(c.rows for c in columns) for columns in day.master.columns.values())
    combined = day.roster(5)
    assert combined is not None and len(combined[0]) == 1
    assert check(p, Solution("FEASIBLE", combined[0], combined[1])).ok


def test_highs_roster_on_a_plan_and_the_lp_bound_keep_the_rules():
    p = qa_week()
    m = build_model(ProblemIndex.of(p), "Den Haag")
    rows = plan_roster(m, {("t-1", SAT): "loc-1", ("t-1", SUN): "loc-1"}, 5)
    assert rows is not None
    assert check(p, Solution("FEASIBLE", *rows)).ok
    cost, _rows, _leads = hint_roster(m, *rows)
    assert hint_is_valid(m, 5)
    assert cost == solved(p).objective
    assert lp_bound(m, 5) <= cost
    # The roster QA found is not valid in the model.
    hint_roster(m, qa_roster(p).assignments, qa_roster(p).supervision)
    assert not hint_is_valid(m, 5)


def _two_teams():
    """Team t-2's late Saturday is led by the stand-in; team t-1 works Sunday from 08:00."""
    teams = (Team("t-1", "Team 1", "Den Haag"), Team("t-2", "Team 2", "Den Haag"))
    p = weekend(SUNDAY, teams=teams)
    people = p.employees + (employee("e-5", team="t-2", per_day=600, availability={SAT: WHOLE_DAY}),)
    leaders = (supervisor("tineke", availability={SUN: WHOLE_DAY}),
               supervisor("p-1", team=None, availability={SAT: WHOLE_DAY, SUN: WHOLE_DAY}))
    return dataclasses.replace(p, employees=people, supervisors=leaders, requests=p.requests + (
        request("r-late", "loc-2", days=[SAT], start="16:00", end="24:00", break_minutes=45),))


def test_a_neighbourhood_gives_the_stand_in_only_the_hours_after_their_rest():
    """p-1 leads fixed team t-2 until midnight on Saturday 30 October 2027: 11 real hours later
    is 10:00 on Sunday, the clocks having gone back."""
    p = _two_teams()
    team_of = {e.id: e.team for e in p.employees}
    rows = [ref("e-5", SAT, "r-late"), ref("e-3", SUN, "r-sun")]
    leads = [SupervisionRef("p-1", SAT, "loc-2", "t-2"), SupervisionRef("tineke", SUN, "loc-1", "t-1")]
    assert check(p, Solution("FEASIBLE", rows, leads)).ok
    sub = neighbourhood(p, "Den Haag", p.requests, {"t-1"}, team_of, rows, leads)
    stand_in = next(s for s in sub.supervisors if s.id == "p-1")
    assert stand_in.availability == {SUN: ((hm("10:00"), 24 * 60),)}
    # Without rest asked, the whole Sunday.
    sub = neighbourhood(dataclasses.replace(p, min_rest_minutes=0), "Den Haag", p.requests, {"t-1"},
                        team_of, rows, leads)
    assert next(s for s in sub.supervisors if s.id == "p-1").availability == {SUN: WHOLE_DAY}


def test_team_lns_keeps_the_stand_ins_rest():
    """Tineke is off on Sunday in this version: only p-1 could lead t-1, after a late Saturday
    with t-2 that LNS keeps fixed while it re-solves t-1 (and the other way round)."""
    p = _two_teams()
    p = dataclasses.replace(p, supervisors=(p.supervisors[1],), requests=tuple(
        dataclasses.replace(q, start=hm("07:00")) if q.id == "r-sun" else q for q in p.requests))
    m = build_model(ProblemIndex.of(p), "Den Haag")
    start = greedy(p)
    assert check(p, start).ok
    cost, rows, leads = hint_roster(m, start.assignments, start.supervision)
    rows, leads, _cost = team_lns(m, rows, leads, cost + 1000, 1.0, seed=3)
    assert check(p, Solution("FEASIBLE", rows, leads)).ok


# The format -------------------------------------------------------------------------------------

def test_the_reader_and_writer_carry_the_longest_supervision_day():
    p = qa_week()
    data = problem_to_dict(p)
    assert data["max_supervision_minutes"] == TWELVE_HOURS
    assert read_problem(data).max_supervision_minutes == TWELVE_HOURS
    assert "max_supervision_minutes" not in problem_to_dict(qa_week(longest=0))
    data["max_supervision_minutes"] = 24 * 60 + 1
    with pytest.raises(FormatError) as caught:
        read_problem(data)
    assert [e.path for e in caught.value.errors] == ["max_supervision_minutes"]


def test_explanations_name_the_stand_ins_elsewhere_beside_a_leader_without_rest():
    """Tineke has too little rest; the stand-in leads another team that Sunday."""
    teams = (Team("t-1", "Team 1", "Den Haag"), Team("t-2", "Team 2", "Den Haag"))
    p = weekend(LATE, NIGHT, teams=teams)
    p = dataclasses.replace(p, employees=p.employees + (employee("e-5", team="t-2", availability={SUN: WHOLE_DAY}),),
                            requests=p.requests + (request("r-other", "loc-2", days=[SUN], start="09:00",
                                                           end="15:00"),))
    assignments = [ref("e-1", SAT, "r-late"), ref("e-5", SUN, "r-other")]
    supervision = [SupervisionRef("tineke", SAT, "loc-1", "t-1"), SupervisionRef("p-1", SUN, "loc-2", "t-2")]
    assert check(p, Solution("FEASIBLE", assignments, supervision)).ok
    [row] = explain_shortfalls(p, assignments, supervision, [Shortfall("r-night", SUN, 1)])
    assert row.reasons[:2] == ("1 te weinig: 1 teamleider die dit kan leiden heeft dan te weinig rust tussen "
                               "twee werkdagen",
                               "1 andere teamleider die dit kan leiden is op zondag al elders ingezet (bij Team 2)")
