"""The benchmark command: several seeds in one table, with the spread per size."""
from __future__ import annotations

import subprocess
import sys

import pytest

from scheduling.bench import parse_seeds, summary


@pytest.mark.parametrize("text, seeds", [("1-3", [1, 2, 3]), ("2,7", [2, 7]), ("1-3,7", [1, 2, 3, 7]),
                                         ("4", [4]), ("1-2,2-3", [1, 2, 3])])
def test_seeds_are_read_as_people_write_ranges(text, seeds):
    assert parse_seeds(text) == seeds


@pytest.mark.parametrize("text", ["x", "3-1", "1-", "-2", "1;2", ""])
def test_what_is_no_seed_range_is_refused_with_the_part_named(text):
    with pytest.raises(ValueError, match="seed"):
        parse_seeds(text)


def _row(size: str, seed: int, gap: float, status: str = "FEASIBLE", objective: int = 100) -> dict:
    return {"size": size, "seed": seed, "gap_pct": gap, "status": status, "objective": objective,
            "greedy_objective": 150}


def test_the_summary_counts_the_seeds_within_one_percent_and_the_optimal_ones():
    rows = [_row("M", 1, 0.66), _row("M", 2, 5.65), _row("M", 3, 0.0, "OPTIMAL"),
            _row("M", 4, 0.0, "OPTIMAL", objective=200), _row("S", 1, 0.0, "OPTIMAL")]
    text = summary(rows)
    # The median of four is the mean of the middle two; S has one seed: no spread to tell.
    assert text == ("M: 4 seeds, gap 0.00% .. 0.33% (mediaan) .. 5.65%; binnen 1%: 3; optimaal: 2; "
                    "beter dan gretig: 3")
    assert "0.66% (mediaan)" in summary(rows[:3])  # of three, the middle one


def test_the_command_benches_each_seed_in_a_row_of_its_own():
    result = subprocess.run([sys.executable, "-m", "scheduling", "bench", "--sizes", "S", "--seeds", "1-2",
                             "--time-limit", "2"], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    header = [name.strip() for name in lines[0].split("|")]
    rows = [dict(zip(header, (cell.strip() for cell in line.split("|"))))
            for line in lines if line.lstrip().startswith("S |")]
    assert [row["seed"] for row in rows] == ["1", "2"]
    assert [row["check"] for row in rows] == ["ok", "ok"]  # check accepts both rosters
    assert "S: 2 seeds" in result.stdout


def test_a_bad_seed_range_is_refused_before_anything_runs():
    result = subprocess.run([sys.executable, "-m", "scheduling", "bench", "--seeds", "10-1"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "--seeds: '10-1' is geen reeks seeds" in result.stderr
