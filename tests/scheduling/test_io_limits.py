"""Upper limits of the format's whole numbers, and the reader's refusals in plain Dutch.

Numbers too large for CP-SAT's 64-bit integers (or for the objective's products) are refused
by the reader with the field and the value named, so `python -m scheduling solve|check|greedy`
never crash on them; a missing top-level list is reported once, not for every reference to it;
broken JSON is described in Dutch.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from scheduling.__main__ import main
from scheduling.checker import check
from scheduling.generate import generate
from scheduling.greedy import greedy
from scheduling.io import (
    MAX_HEADCOUNT,
    MAX_OBJECTIVE,
    MAX_WEEK_MINUTES,
    MAX_WEIGHT,
    MINUTES_PER_DAY,
    FormatError,
    load_problem,
    problem_to_dict,
    read_problem,
    read_solution,
    solution_to_dict,
)
from scheduling.solver import solve

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def base() -> dict:
    return problem_to_dict(generate("S", 1))


def fresh(base: dict) -> dict:
    return json.loads(json.dumps(base))


def refusal(data: dict) -> list[str]:
    with pytest.raises(FormatError) as caught:
        read_problem(data)
    return [e.message for e in caught.value.errors]


def set_at(data: dict, path: tuple, value) -> None:
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value


# (path in the problem, value, the field as the refusal names it)
TOO_LARGE = [
    (("employees", 0, "contract_minutes"), 10**30, "employees[0].contract_minutes"),
    (("employees", 0, "contract_minutes"), 2**63, "employees[0].contract_minutes"),
    (("employees", 0, "contract_minutes"), MAX_WEEK_MINUTES + 1, "employees[0].contract_minutes"),
    (("employees", 1, "max_minutes_per_day"), 2**63, "employees[1].max_minutes_per_day"),
    (("employees", 1, "max_minutes_per_day"), MINUTES_PER_DAY + 1, "employees[1].max_minutes_per_day"),
    (("requests", 0, "headcount"), 10**12, "requests[0].headcount"),
    (("requests", 0, "headcount"), MAX_HEADCOUNT + 1, "requests[0].headcount"),
    (("weights", "shortfall"), 10**25, "weights.shortfall"),
    (("weights", "shortfall"), MAX_WEIGHT + 1, "weights.shortfall"),
    (("weights", "republish_change"), 2**63, "weights.republish_change"),
    (("weights", "change"), 2**62, "weights.change"),
    (("weights", "contract_gap"), 10**19, "weights.contract_gap"),
    (("weights", "team_split"), 2**64, "weights.team_split"),
    (("weights", "supervision_change"), MAX_WEIGHT + 1, "weights.supervision_change"),
]


@pytest.mark.parametrize("path,value,field", TOO_LARGE, ids=[f"{f}={v}" for _, v, f in TOO_LARGE])
def test_every_number_past_its_limit_is_refused_with_the_field_and_value_named(base, path, value, field):
    data = fresh(base)
    set_at(data, path, value)
    messages = refusal(data)
    assert len(messages) == 1, messages
    assert messages[0].startswith(f"{field}: moet tussen 0 en ")
    assert str(value)[:40] in messages[0]


def test_a_break_past_a_day_is_refused_for_its_size_even_when_the_times_are_wrong(base):
    data = fresh(base)
    data["requests"][0]["end"] = "nooit"
    data["requests"][0]["break_minutes"] = 10**20
    messages = refusal(data)
    assert any(m.startswith("requests[0].break_minutes: moet tussen 0 en 1440") and "100000000000000000000" in m
               for m in messages), messages


def test_numbers_at_their_limits_are_accepted_and_solved_without_overflow(base):
    data = fresh(base)
    for e in data["employees"]:
        e["contract_minutes"] = MAX_WEEK_MINUTES
        e["max_minutes_per_day"] = MINUTES_PER_DAY
    for q in data["requests"]:
        q["headcount"] = MAX_HEADCOUNT
        q["priority"] = 3
    data["weights"] = {key: MAX_WEIGHT for key in data["weights"]}
    data["min_rest_minutes"] = MINUTES_PER_DAY
    problem = read_problem(data)
    solution = solve(problem, time_limit=3, workers=1, deterministic=True)
    assert solution.status in ("OPTIMAL", "FEASIBLE")
    assert check(problem, solution).ok
    assert solution.objective < MAX_OBJECTIVE
    assert check(problem, greedy(problem)).ok


def test_a_solution_with_numbers_past_their_limits_is_refused(base):
    problem = read_problem(base)
    data = solution_to_dict(greedy(problem))
    data["objective"] = MAX_OBJECTIVE + 1
    data["best_bound"] = -2**70
    data["wall_seconds"] = 10**400  # too large for a float
    data["shortfall"] = [{"request": problem.requests[0].id, "date": problem.days[0].isoformat(),
                          "missing": 10**15, "reasons": []}]
    with pytest.raises(FormatError) as caught:
        read_solution(json.loads(json.dumps(data)), problem)
    fields = [e.path for e in caught.value.errors]
    assert fields == ["objective", "best_bound", "wall_seconds", "shortfall[0].missing"], fields
    data.update(objective=1, best_bound=1, shortfall=[], wall_seconds=float("inf"))
    with pytest.raises(FormatError, match="wall_seconds: moet een eindig"):
        read_solution(data, problem)


def _bad_files(base: dict, tmp_path: Path) -> list[tuple[Path, str]]:
    files = []
    for i, (path, value, field) in enumerate(TOO_LARGE):
        data = fresh(base)
        set_at(data, path, value)
        file = tmp_path / f"bad-{i}.json"
        file.write_text(json.dumps(data))
        files.append((file, field))
    return files


def test_solve_check_and_greedy_refuse_the_files_without_a_traceback(base, tmp_path, capsys):
    good = tmp_path / "good.json"
    good.write_text(json.dumps(base))
    solution = tmp_path / "solution.json"
    solution.write_text(json.dumps(solution_to_dict(greedy(read_problem(base)))))
    for file, field in _bad_files(base, tmp_path):
        for args in (["solve", str(file), "--time-limit", "1", "--workers", "1"],
                     ["greedy", str(file)], ["check", str(file), str(solution)]):
            with pytest.raises(SystemExit) as stopped:
                main(args)
            assert stopped.value.code == 2, args
            err = capsys.readouterr().err
            assert "geen geldig planningsprobleem" in err and f"{field}: moet tussen" in err, (args, err)


def test_the_command_line_itself_prints_no_traceback(base, tmp_path):
    data = fresh(base)
    data["employees"][0]["contract_minutes"] = 10**30
    data["weights"]["shortfall"] = 10**25
    data["requests"][0]["headcount"] = 10**12
    file = tmp_path / "huge.json"
    file.write_text(json.dumps(data))
    digits = tmp_path / "digits.json"
    digits.write_text('{"format": "binnenwerk-roster/1", "week": ' + "9" * 5000 + "}")
    for args in (["solve", str(file), "--time-limit", "1"], ["greedy", str(file)],
                 ["check", str(file), str(file)], ["greedy", str(digits)]):
        done = subprocess.run([sys.executable, "-m", "scheduling", *args], cwd=ROOT,
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 2, (args, done.stderr)
        assert "Traceback" not in done.stderr and done.stderr.startswith("fout: "), done.stderr
    assert "employees[0].contract_minutes" in done.stderr or "geen geldige JSON" in done.stderr


KINDS = ["employees", "teams", "work_types", "locations", "requests", "supervisors"]


@pytest.mark.parametrize("key", KINDS)
@pytest.mark.parametrize("bad", ["null", "missing", "text"])
def test_a_missing_or_wrong_top_level_list_is_reported_once(base, key, bad):
    data = fresh(base)
    assert data["previous"] and data["pinned"] and data["published"]  # they refer to employees
    # Who led which team where: refers to supervisors, teams and locations.
    data["published_supervision"] = solution_to_dict(greedy(read_problem(base)))["supervision"]
    assert data["published_supervision"]
    if bad == "missing":
        del data[key]
    else:
        data[key] = None if bad == "null" else "geen lijst"
    messages = refusal(data)
    assert messages == [{
        "null": f"{key}: moet een lijst zijn, maar er staat niets (null)",
        "missing": f"{key}: verplicht veld ontbreekt",
        "text": f"{key}: moet een lijst zijn, niet tekst 'geen lijst'",
    }[bad]]


def test_null_is_named_in_words_everywhere(base):
    data = fresh(base)
    data["employees"][0]["name"] = None
    data["requests"][0]["headcount"] = None
    data["weights"] = {"shortfall": None}
    messages = refusal(data)
    assert messages == [
        "employees[0].name: moet tekst zijn, maar er staat niets (null)",
        "requests[0].headcount: moet een geheel getal zijn, maar er staat niets (null)",
        "weights.shortfall: moet een geheel getal zijn, maar er staat niets (null)",
    ]
    assert not any("null null" in m for m in messages)


BROKEN_JSON = [
    ('{"week": "2026-W50",\n "days" []}', "regel 2, kolom 9", "dubbele punt"),
    ('{"week": "2026-W50"\n "days": []}', "regel 2, kolom 2", "komma"),
    ('{"week": "2026-W50",}', "regel 1, kolom 21", "veldnaam"),
    ('{"week": }', "regel 1, kolom 10", "waarde"),
    ('{"week": "2026-W50"} en meer', "regel 1, kolom 22", "nog meer tekst"),
    ('{"week": "2026-W50', "regel 1, kolom 10", "niet afgesloten"),
]
ENGLISH = ("Expecting", "delimiter", "Extra data", "Unterminated", "line", "column", "char")


@pytest.mark.parametrize("text,where,what", BROKEN_JSON)
def test_broken_json_is_described_in_dutch_with_line_and_column(text, where, what, tmp_path, capsys):
    with pytest.raises(FormatError) as caught:
        load_problem(text)
    message = str(caught.value)
    assert message.startswith("invoer: geen geldige JSON (") and where in message and what in message, message
    assert not any(word in message for word in ENGLISH), message
    file = tmp_path / "kapot.json"
    file.write_text(text)
    with pytest.raises(SystemExit):
        main(["greedy", str(file)])
    err = capsys.readouterr().err
    assert "geen geldige JSON" in err and where in err and what in err, err
    assert not any(word in err for word in ENGLISH), err
