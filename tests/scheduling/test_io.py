"""The interchange format: round trips, and a clear Dutch refusal for every kind of bad input."""
from __future__ import annotations

import copy
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from builders_roster import FRI, MON, TUE, a, basic, sv
from scheduling.domain import DEFAULT_WEIGHTS, Shortfall, Solution
from scheduling.io import (
    FormatError,
    load_problem,
    problem_to_dict,
    read_problem,
    read_solution,
    solution_to_dict,
)


def rich_problem():
    return (basic()
            .employee("e-2", work_types=("keyboards", "cleaning"), locations=("dh-1", "dh-2"),
                      availability={MON: ((480, 720), (780, 1020)), TUE: ()})
            .supervisor("s-pool", team=None, region="Den Haag")
            .request("r-2", location="dh-2", work_type="cleaning", days=(MON, FRI),
                     hours="13:00-24:00", break_minutes=0, headcount=1, priority=3)
            .last_week("e-1", 1).pin("e-1", MON, "r-1").publish("e-2", FRI, "r-2")
            .build())


@pytest.fixture
def data() -> dict:
    return json.loads(json.dumps(problem_to_dict(rich_problem())))


def refusal(data) -> FormatError:
    with pytest.raises(FormatError) as caught:
        read_problem(data)
    return caught.value


def test_a_problem_survives_the_round_trip_through_json():
    problem = rich_problem()
    assert read_problem(json.loads(json.dumps(problem_to_dict(problem)))) == problem


def test_the_writer_uses_the_formats_field_names_and_time_notation(data):
    assert data["format"] == "binnenwerk-roster/1"
    assert data["requests"][1]["end"] == "24:00"
    assert data["employees"][1]["availability"]["2026-12-07"] == [["08:00", "12:00"], ["13:00", "17:00"]]
    assert data["employees"][0]["locations"] is None
    assert data["supervisors"][1]["team"] is None


def test_unknown_extra_fields_are_ignored(data):
    data["comment"] = "exported by hand"
    data["employees"][0]["favourite_colour"] = "blue"
    assert read_problem(data) == rich_problem()


def test_an_unknown_weight_is_ignored_as_every_unknown_field(data):
    """scheduling-format.md: "Unknown fields are ignored" (new optional fields may be added)."""
    data["weights"] = {"change": 70, "stability_bonus": 5}
    assert read_problem(data).weights == {**DEFAULT_WEIGHTS, "change": 70}


def test_missing_weights_take_their_defaults(data):
    data["weights"] = {"change": 70}
    assert read_problem(data).weights == {**DEFAULT_WEIGHTS, "change": 70}
    del data["weights"]
    assert read_problem(data).weights == DEFAULT_WEIGHTS


def test_load_problem_reads_a_file_and_json_text(tmp_path, data):
    path = tmp_path / "problem.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    assert load_problem(path) == load_problem(str(path)) == load_problem(json.dumps(data))


def test_load_problem_refuses_broken_json_with_a_format_error():
    with pytest.raises(FormatError, match="geen geldige JSON"):
        load_problem('{"format": ')


def test_every_error_is_reported_at_once(data):
    data["employees"][0]["team"] = "t-x"
    data["requests"][0]["priority"] = 9
    data["days"][0] = "morgen"
    paths = {e.path for e in refusal(data).errors}
    assert {"employees[0].team", "requests[0].priority", "days[0]"} <= paths


def set_in(data: dict, path: tuple, value) -> None:
    for key in path[:-1]:
        data = data[key]
    data[path[-1]] = value


def delete_in(data: dict, path: tuple) -> None:
    for key in path[:-1]:
        data = data[key]
    del data[path[-1]]


# (what is wrong, how to break the data, the reported path, a text the message must show)
REFUSALS = [
    ("wrong format tag", lambda d: set_in(d, ("format",), "roster/2"), "format", "'roster/2'"),
    ("missing required field", lambda d: delete_in(d, ("employees", 0, "name")), "employees[0].name", "ontbreekt"),
    ("string where an integer belongs", lambda d: set_in(d, ("employees", 0, "contract_minutes"), "1530"),
     "employees[0].contract_minutes", "'1530'"),
    ("boolean passed as integer", lambda d: set_in(d, ("requests", 0, "headcount"), True),
     "requests[0].headcount", "true"),
    ("list where an object belongs", lambda d: set_in(d, ("employees", 0), ["e-1"]), "employees[0]", '["e-1"]'),
    ("time without leading zero", lambda d: set_in(d, ("requests", 0, "start"), "9:00"), "requests[0].start", "'9:00'"),
    ("time past midnight", lambda d: set_in(d, ("requests", 0, "end"), "24:30"), "requests[0].end", "'24:30'"),
    ("request ending before it starts", lambda d: set_in(d, ("requests", 0, "end"), "08:00"),
     "requests[0].end", "'08:00'"),
    ("window ending at its start", lambda d: set_in(d, ("employees", 0, "availability", "2026-12-07"), [["10:00", "10:00"]]),
     'employees[0].availability["2026-12-07"][0]', '["10:00", "10:00"]'),
    ("windows out of order", lambda d: set_in(d, ("employees", 1, "availability", "2026-12-07"),
                                              [["13:00", "17:00"], ["08:00", "12:00"]]),
     'employees[1].availability["2026-12-07"][1]', '["08:00", "12:00"]'),
    ("windows overlapping", lambda d: set_in(d, ("employees", 1, "availability", "2026-12-07"),
                                             [["08:00", "12:00"], ["11:00", "17:00"]]),
     'employees[1].availability["2026-12-07"][1]', '["11:00", "17:00"]'),
    ("window that is not a pair", lambda d: set_in(d, ("employees", 0, "availability", "2026-12-07"), [["08:00"]]),
     'employees[0].availability["2026-12-07"][0]', '["08:00"]'),
    ("availability date that does not parse", lambda d: set_in(d, ("employees", 0, "availability"), {"7 dec": []}),
     'employees[0].availability["7 dec"]', "'7 dec'"),
    ("date that does not parse", lambda d: set_in(d, ("days", 0), "2026-12-32"), "days[0]", "'2026-12-32'"),
    ("request day outside days", lambda d: set_in(d, ("requests", 0, "days", 0), "2026-12-12"),
     "requests[0].days[0]", "'2026-12-12'"),
    ("day outside the ISO week", lambda d: set_in(d, ("days", 4), "2026-12-14"), "days[4]", "'2026-12-14'"),
    ("week that does not parse", lambda d: set_in(d, ("week",), "2026-50"), "week", "'2026-50'"),
    ("week with a trailing newline", lambda d: set_in(d, ("week",), "2026-W50\n"), "week", "'2026-W50\\n'"),
    ("time with a trailing newline", lambda d: set_in(d, ("requests", 0, "start"), "09:00\n"),
     "requests[0].start", "'09:00\\n'"),
    ("date with a trailing newline", lambda d: set_in(d, ("days", 0), "2026-12-07\n"), "days[0]", "'2026-12-07\\n'"),
    ("duplicate employee id", lambda d: set_in(d, ("employees", 1, "id"), "e-1"), "employees[1].id", "'e-1'"),
    ("duplicate request id", lambda d: set_in(d, ("requests", 1, "id"), "r-1"), "requests[1].id", "'r-1'"),
    ("unknown team", lambda d: set_in(d, ("employees", 0, "team"), "t-x"), "employees[0].team", "onbekend team 't-x'"),
    ("unknown work type", lambda d: set_in(d, ("employees", 0, "work_types", 0), "welding"),
     "employees[0].work_types[0]", "'welding'"),
    ("unknown location", lambda d: set_in(d, ("requests", 0, "location"), "nowhere"), "requests[0].location", "'nowhere'"),
    ("unknown request in pinned", lambda d: set_in(d, ("pinned", 0, "request"), "r-9"), "pinned[0].request", "'r-9'"),
    ("unknown request in published", lambda d: set_in(d, ("published", 0, "request"), "r-9"),
     "published[0].request", "'r-9'"),
    ("unknown employee in previous", lambda d: set_in(d, ("previous", 0, "employee"), "e-9"),
     "previous[0].employee", "'e-9'"),
    ("unknown employee in pinned", lambda d: set_in(d, ("pinned", 0, "employee"), "e-9"), "pinned[0].employee", "'e-9'"),
    ("unknown employee in published", lambda d: set_in(d, ("published", 0, "employee"), "e-9"),
     "published[0].employee", "'e-9'"),
    ("pinned date outside days", lambda d: set_in(d, ("pinned", 0, "date"), "2026-12-13"), "pinned[0].date", "'2026-12-13'"),
    ("team max_size over fifteen", lambda d: set_in(d, ("teams", 0, "max_size"), 16), "teams[0].max_size", "16"),
    ("more employees than max_size", lambda d: set_in(d, ("teams", 0, "max_size"), 1), "teams[0].max_size", "2 medewerkers"),
    ("negative headcount", lambda d: set_in(d, ("requests", 0, "headcount"), -1), "requests[0].headcount", "-1"),
    ("negative contract", lambda d: set_in(d, ("employees", 0, "contract_minutes"), -60),
     "employees[0].contract_minutes", "-60"),
    ("negative break", lambda d: set_in(d, ("requests", 0, "break_minutes"), -5), "requests[0].break_minutes", "-5"),
    ("negative daily maximum", lambda d: set_in(d, ("employees", 0, "max_minutes_per_day"), -1),
     "employees[0].max_minutes_per_day", "-1"),
    ("break as long as the shift", lambda d: set_in(d, ("requests", 0, "break_minutes"), 360),
     "requests[0].break_minutes", "360"),
    ("priority above three", lambda d: set_in(d, ("requests", 0, "priority"), 4), "requests[0].priority", "4"),
    ("priority zero", lambda d: set_in(d, ("requests", 0, "priority"), 0), "requests[0].priority", "0"),
    ("weekday eight", lambda d: set_in(d, ("previous", 0, "weekday"), 8), "previous[0].weekday", "8"),
    ("duplicate previous weekday", lambda d: d["previous"].append(dict(d["previous"][0])), "previous[1]", "weekdag 1"),
    ("rest as text", lambda d: set_in(d, ("min_rest_minutes",), "11 uur"), "min_rest_minutes", "'11 uur'"),
    ("rest over a day", lambda d: set_in(d, ("min_rest_minutes",), 1500), "min_rest_minutes", "1500"),
    ("negative rest", lambda d: set_in(d, ("min_rest_minutes",), -1), "min_rest_minutes", "-1"),
    ("negative weight", lambda d: set_in(d, ("weights", "change"), -50), "weights.change", "-50"),
    ("supervisor region differs from the team's", lambda d: set_in(d, ("supervisors", 0, "region"), "Utrecht"),
     "supervisors[0].region", "'Utrecht'"),
    ("employee location in another region", lambda d: set_in(d, ("employees", 1, "locations", 0), "ut-1"),
     "employees[1].locations[0]", "'ut-1'"),
]


@pytest.mark.parametrize("mutate,path,shown", [r[1:] for r in REFUSALS], ids=[r[0] for r in REFUSALS])
def test_the_reader_refuses_bad_input_naming_field_and_value(data, mutate, path, shown):
    mutate(data)
    error = refusal(data)
    matching = [e for e in error.errors if e.path == path]
    assert matching, [e.message for e in error.errors]
    assert matching[0].message.startswith(path + ":")
    assert shown in matching[0].message


def test_the_reader_refuses_a_top_level_that_is_not_an_object():
    error = refusal(["not", "a", "problem"])
    assert error.errors[0].path == ""
    assert "JSON-object" in str(error) and "een lijst" in str(error)


def test_a_format_error_is_a_value_error_with_every_message(data):
    data["requests"][0]["priority"] = "hoog"
    error = refusal(data)
    assert isinstance(error, ValueError)
    assert "requests[0].priority: moet een geheel getal zijn, niet tekst 'hoog'" in str(error)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-10**6, 10**6) | st.floats(allow_nan=True)
    | st.text(max_size=12) | st.sampled_from(["08:00", "24:00", "2026-12-07", "e-1", "r-1", "t-dh", "dh-1"]),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(json_values)
def test_the_reader_only_ever_raises_format_error_on_junk(junk):
    with pytest.raises(FormatError):
        read_problem(junk)


def leaf_paths(value, prefix=()):
    if isinstance(value, dict):
        for k, v in value.items():
            yield prefix + (k,)
            yield from leaf_paths(v, prefix + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield prefix + (i,)
            yield from leaf_paths(v, prefix + (i,))


VALID = json.loads(json.dumps(problem_to_dict(rich_problem())))
PATHS = list(leaf_paths(VALID))


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(PATHS), json_values)
def test_a_valid_problem_with_one_field_replaced_by_junk_reads_or_refuses_cleanly(path, junk):
    data = copy.deepcopy(VALID)
    set_in(data, path, junk)
    try:
        read_problem(data)
    except FormatError as error:
        assert error.errors and all(e.message for e in error.errors)


def a_solution(**extra) -> Solution:
    return Solution(status="FEASIBLE", assignments=[a("e-1", MON, "r-1")],
                    supervision=[sv("s-1", MON)],
                    shortfall=[Shortfall("r-1", MON, 1, ("geen teamleider beschikbaar",))],
                    objective=1234, best_bound=1000, wall_seconds=0.5, **extra)


def test_a_solution_survives_the_round_trip_and_omits_empty_conflicting_pins():
    sol = a_solution()
    data = json.loads(json.dumps(solution_to_dict(sol)))
    assert data["format"] == "binnenwerk-roster-solution/1"
    assert "conflicting_pins" not in data
    assert read_solution(data, rich_problem()) == sol


def test_conflicting_pins_are_written_when_present():
    sol = a_solution(conflicting_pins=[a("e-1", MON, "r-1")])
    data = solution_to_dict(sol)
    assert data["conflicting_pins"] == [{"employee": "e-1", "date": "2026-12-07", "request": "r-1"}]
    assert read_solution(data) == sol


def test_a_solution_naming_unknown_things_is_refused_when_the_problem_is_given():
    data = solution_to_dict(a_solution())
    data["assignments"][0]["employee"] = "e-9"
    data["supervision"][0]["team"] = "t-9"
    assert read_solution(data).assignments[0].employee == "e-9"
    with pytest.raises(FormatError) as caught:
        read_solution(data, rich_problem())
    assert {e.path for e in caught.value.errors} == {"assignments[0].employee", "supervision[0].team"}


@pytest.mark.parametrize("field,value", [("status", "DONE"), ("format", "binnenwerk-roster/1"),
                                         ("objective", "12"), ("wall_seconds", -1),
                                         ("assignments", None)])
def test_a_bad_solution_field_is_refused(field, value):
    data = solution_to_dict(a_solution())
    data[field] = value
    with pytest.raises(FormatError) as caught:
        read_solution(data)
    assert caught.value.errors[0].path == field


@settings(max_examples=200, deadline=None)
@given(json_values)
def test_the_solution_reader_only_ever_raises_format_error_on_junk(junk):
    try:
        read_solution(junk, rich_problem())
    except FormatError:
        pass


def test_a_broken_days_list_is_reported_once_not_at_every_date_that_uses_it(data):
    data["days"][0] = "maandag"
    assert [e.path for e in refusal(data).errors] == ["days[0]"]


def test_the_optional_rest_survives_the_round_trip_and_is_left_out_when_not_asked(data):
    from scheduling.io import problem_to_dict, read_problem

    assert "min_rest_minutes" not in problem_to_dict(read_problem(data))
    data["min_rest_minutes"] = 660
    problem = read_problem(data)
    assert problem.min_rest_minutes == 660
    assert problem_to_dict(problem)["min_rest_minutes"] == 660
