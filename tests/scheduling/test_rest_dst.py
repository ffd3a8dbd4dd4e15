"""Rule 10 counts real hours of rest: the night the clocks change (Europe/Amsterdam) is an hour
shorter in spring and an hour longer in autumn than the clock says."""
from __future__ import annotations

import copy
import dataclasses
import datetime as dt

import pytest

from builders_model import employee, hm, problem, ref, request, supervisor
from scheduling.checker import check
from scheduling.daybound import DayBound
from scheduling.domain import rest_minutes, rest_too_short
from scheduling.greedy import REASONS, greedy
from scheduling.io import FormatError, problem_to_dict, read_problem
from scheduling.model import ProblemIndex, build_model, hint_roster
from scheduling.solver import solve

AMSTERDAM = "Europe/Amsterdam"
SPRING_SAT, SPRING_SUN = dt.date(2026, 3, 28), dt.date(2026, 3, 29)  # 02:00 -> 03:00 that Sunday
AUTUMN_SAT, AUTUMN_SUN = dt.date(2026, 10, 24), dt.date(2026, 10, 25)  # 03:00 -> 02:00 that Sunday
PLAIN_SAT = dt.date(2026, 6, 20)
ELEVEN_HOURS = 11 * 60


def _weekend(saturday: dt.date, late: str, early: str, *, timezone: str = AMSTERDAM):
    """One person, long hours both days: a late shift on Saturday, an early one on Sunday,
    and the 11 hours of rest asked."""
    sunday = saturday + dt.timedelta(days=1)
    days = (saturday, sunday)
    hours = {d: ((hm("06:00"), hm("23:00")),) for d in days}
    start, end = late.split("-")
    p = problem(employees=[employee("e-1", per_day=600, availability=hours)],
                supervisors=[supervisor("s-1", availability=hours)],
                requests=[request("r-late", days=[saturday], start=start, end=end),
                          request("r-early", days=[sunday], start=early.split("-")[0], end=early.split("-")[1])])
    year, week, _ = saturday.isocalendar()
    return dataclasses.replace(p, week=f"{year}-W{week:02d}", days=days, timezone=timezone,
                               min_rest_minutes=ELEVEN_HOURS)


def spring():
    """Saturday 14:00-22:00, Sunday 09:00-13:00: 11 hours on the clock, 10 real ones."""
    return _weekend(SPRING_SAT, "14:00-22:00", "09:00-13:00")


def autumn():
    """Saturday 13:00-21:00, Sunday 07:30-12:00: 10.5 hours on the clock, 11.5 real ones."""
    return _weekend(AUTUMN_SAT, "13:00-21:00", "07:30-12:00")


def both_shifts(p):
    return [ref("e-1", p.days[0], "r-late"), ref("e-1", p.days[1], "r-early")]


# The arithmetic ---------------------------------------------------------------------------------

def test_rest_is_real_time_across_the_clock_changes():
    assert rest_minutes(AMSTERDAM, SPRING_SAT, hm("22:00"), hm("09:00")) == 10 * 60
    assert rest_minutes(AMSTERDAM, AUTUMN_SAT, hm("21:00"), hm("07:30")) == 11 * 60 + 30
    assert rest_minutes(AMSTERDAM, PLAIN_SAT, hm("22:00"), hm("09:00")) == 11 * 60


def test_the_night_after_the_change_is_an_ordinary_one():
    assert rest_minutes(AMSTERDAM, SPRING_SUN, hm("22:00"), hm("09:00")) == 11 * 60
    assert rest_minutes(AMSTERDAM, AUTUMN_SUN, hm("22:00"), hm("09:00")) == 11 * 60


def test_a_skipped_time_is_the_moment_the_clocks_jump_and_a_repeated_one_its_first_showing():
    # 22:00 Saturday to the jump (02:00 winter time = 03:00 summer time) is 4 hours.
    for start in ("02:00", "02:30", "02:59", "03:00"):
        assert rest_minutes(AMSTERDAM, SPRING_SAT, hm("22:00"), hm(start)) == 4 * 60
    assert rest_minutes(AMSTERDAM, SPRING_SAT, hm("22:00"), hm("03:01")) == 4 * 60 + 1
    # 02:30 in autumn shows twice; the first time is 4.5 hours after 22:00, 03:00 is 6 hours.
    assert rest_minutes(AMSTERDAM, AUTUMN_SAT, hm("22:00"), hm("02:30")) == 4 * 60 + 30
    assert rest_minutes(AMSTERDAM, AUTUMN_SAT, hm("22:00"), hm("03:00")) == 6 * 60
    # An end in the skipped hour (a shift of the Sunday itself) ends when the clocks jump.
    assert rest_minutes(AMSTERDAM, SPRING_SUN, hm("02:30"), hm("13:30")) == rest_minutes(
        AMSTERDAM, SPRING_SUN, hm("03:00"), hm("13:30")) == 34 * 60 + 30


def test_a_later_time_is_never_an_earlier_moment():
    for saturday in (SPRING_SAT, SPRING_SUN, AUTUMN_SAT, AUTUMN_SUN):
        rests = [rest_minutes(AMSTERDAM, saturday, hm("20:00"), start) for start in range(0, 24 * 60 + 1)]
        assert rests == sorted(rests)
        rests = [rest_minutes(AMSTERDAM, saturday, end, hm("08:00")) for end in range(0, 24 * 60 + 1)]
        assert rests == sorted(rests, reverse=True)


@pytest.mark.parametrize("timezone", ["Mars/Olympus_Mons", "", "../etc/passwd"])
def test_a_timezone_that_does_not_load_counts_the_clock(timezone):
    p = spring()
    assert rest_minutes(timezone, SPRING_SAT, hm("22:00"), hm("09:00")) == 11 * 60
    assert not rest_too_short(dataclasses.replace(p, timezone=timezone), hm("22:00"), hm("09:00"), SPRING_SAT)
    assert rest_too_short(p, hm("22:00"), hm("09:00"), SPRING_SAT)


# The model, the checker, greedy, the day rosters ------------------------------------------------

def _solve(p):
    solution = solve(p, time_limit=10, workers=1, deterministic=True)
    assert solution.status == "OPTIMAL", solution
    return solution


def test_the_model_refuses_the_spring_night_that_is_eleven_hours_on_the_clock_only():
    solution = _solve(spring())
    assert len(solution.assignments) == 1
    assert [c.code for c in solution.shortfall[0].codes] == ["too_little_rest"]
    pinned = solve(dataclasses.replace(spring(), pinned=tuple(both_shifts(spring()))),
                   time_limit=10, workers=1, deterministic=True)
    assert pinned.status == "INFEASIBLE"


def test_the_model_allows_the_autumn_night_that_is_eleven_and_a_half_real_hours():
    assert len(_solve(autumn()).assignments) == 2


def test_the_checker_counts_real_rest():
    spring_roster = _solve(dataclasses.replace(spring(), min_rest_minutes=0))
    assert len(spring_roster.assignments) == 2
    violations = check(spring(), spring_roster).violations
    assert [v.rule for v in violations] == [10, 11]  # 11: their team leader leads both shifts
    assert "600 minuten rust" in violations[0].message
    autumn_roster = _solve(dataclasses.replace(autumn(), min_rest_minutes=0))
    assert len(autumn_roster.assignments) == 2
    assert check(autumn(), autumn_roster).ok


def test_the_checker_counts_the_clock_for_a_timezone_that_does_not_load():
    p = dataclasses.replace(spring(), timezone="Mars/Olympus_Mons")
    assert check(p, _solve(dataclasses.replace(p, min_rest_minutes=0))).ok


def test_greedy_keeps_real_rest():
    roster = greedy(spring())
    assert check(spring(), roster).ok
    assert len(roster.assignments) == 1
    assert REASONS["rest"] in roster.shortfall[0].reasons
    assert len(greedy(autumn()).assignments) == 2


@pytest.mark.parametrize("case,shifts", [(spring, 1), (autumn, 2)])
def test_the_day_rosters_keep_real_rest(case, shifts):
    """Each date's roster is made alone; the week put together from them keeps real rest."""
    p = case()
    m = build_model(ProblemIndex.of(p), "Den Haag")
    start = greedy(p)
    _cost, rows, leads = hint_roster(m, start.assignments, start.supervision)
    day = DayBound(m, rows, leads)
    day.run(5)
    combined = day.roster(5)
    assert combined is not None
    assert len(combined[0]) == shifts
    assert check(p, dataclasses.replace(start, assignments=combined[0], supervision=combined[1])).ok


# The reader -------------------------------------------------------------------------------------

def test_the_reader_refuses_a_timezone_it_cannot_load():
    data = problem_to_dict(spring())
    assert read_problem(copy.deepcopy(data)).timezone == AMSTERDAM
    data["timezone"] = "Europe/Amsterdan"
    with pytest.raises(FormatError) as caught:
        read_problem(data)
    assert [e.path for e in caught.value.errors] == ["timezone"]
    assert "onbekende tijdzone 'Europe/Amsterdan'" in str(caught.value)


def test_the_reader_takes_any_timezone_that_loads():
    data = problem_to_dict(spring())
    data["timezone"] = "UTC"
    p = read_problem(data)
    assert p.timezone == "UTC"
    assert rest_minutes(p.timezone, SPRING_SAT, hm("22:00"), hm("09:00")) == 11 * 60
